"""What every command module shares: the typer app, the consoles, one-line user errors, the
last-resort handler, JSON output and the common options.

Exit statuses: 0 success; 1 an internal error (a bug: one line on stderr naming a report file to
attach), or some rows of a CSV failed; 2 a user error (one line naming the field, the value and
what is allowed); 130 interrupted (Ctrl-C); 143 terminated (SIGTERM). No traceback ever reaches
the terminal.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import click
import typer
from rich.console import Console
from typer._click import exceptions as _typer_click
from typer.core import TyperGroup

from brineworks.errors import BrineworksError
from brineworks.report import json_ready

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_TERMINATED",
    "EXIT_USER",
    "BackendOpt",
    "JsonOpt",
    "TempOpt",
    "Terminated",
    "app",
    "crash_report",
    "err",
    "install_signal_handlers",
    "internal_error",
    "one_line",
    "out",
    "user_errors",
    "write_json",
]

out = Console()
err = Console(stderr=True)

_CLICK_SIGNALS = (
    typer.Exit, typer.Abort, click.exceptions.Exit, click.exceptions.Abort, click.ClickException,
    _typer_click.ClickException,
)  # fmt: skip


class _OneLineUsageErrors(TyperGroup):
    """The command group, with usage errors (a bad option value, an unknown option or command)
    on one line like every other user error: ``error: ...`` and exit 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (_typer_click.UsageError, click.UsageError) as exc:
            if isinstance(exc, _typer_click.NoArgsIsHelpError | click.exceptions.NoArgsIsHelpError):
                raise
            message = " ".join(exc.format_message().split())
            command = exc.ctx.command_path if exc.ctx is not None else "brineworks"
            _line(f"error: {message} (see '{command} --help')")
            raise typer.Exit(EXIT_USER) from None


app = typer.Typer(
    cls=_OneLineUsageErrors,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Brineworks: salt-lake brine chemistry and planning. Run 'brineworks COMMAND --help'.",
)

EXIT_INTERNAL = 1
EXIT_USER = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 128 + int(signal.SIGTERM)

P = ParamSpec("P")
R = TypeVar("R")


class Terminated(SystemExit):
    """Raised in the main thread when the process receives SIGTERM, so that every ``finally``
    block and exit handler runs (temporary files and folders are removed) before exiting 143."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated(EXIT_TERMINATED)


def install_signal_handlers() -> None:
    """Turn SIGTERM into :class:`Terminated` (SIGINT already raises ``KeyboardInterrupt``).

    Only from the main thread, and only where SIGTERM still has its default action (an
    embedding program keeps its own handler).
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, _on_sigterm)


_LINE_BREAKS = {
    c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
    for c in (*range(0x20), 0x7F, 0x85, 0x2028, 0x2029)
    if c != 0x09
}


def one_line(text: str) -> str:
    """``text`` with every control or line-breaking character escaped (a user's file can put
    them into names that messages repeat): one message, one line."""
    return text.translate(_LINE_BREAKS)


def _line(text: str) -> None:
    err.print(one_line(text), markup=False, highlight=False, soft_wrap=True)


def _state_dir() -> Path:
    """Where crash reports go: ``$BRINEWORKS_STATE_DIR``, else ``$XDG_STATE_HOME/brineworks``
    (``~/.local/state/brineworks``), else the system's temporary folder; never the working
    directory."""
    explicit = os.environ.get("BRINEWORKS_STATE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "brineworks"


def crash_report(exc: BaseException) -> Path | None:
    """Write what a developer needs about an internal error to a new file and return its path
    (``None`` if no file could be written anywhere)."""
    from brineworks import __version__

    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"crash-{stamp}-{os.getpid()}.txt"
    body = "".join(
        [
            f"brineworks {__version__} internal error, {stamp}\n",
            f"python {platform.python_version()} on {platform.platform()}\n",
            f"command: {' '.join(sys.argv)}\n\n",
            *traceback.format_exception(exc),
        ]
    )
    for folder in (_state_dir(), Path(tempfile.gettempdir()) / "brineworks"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(body)
            return path
        except OSError:
            continue
    return None


def internal_error(exc: BaseException) -> NoReturn:
    """Report a bug in one line with a report file to attach, and exit 1."""
    path = crash_report(exc)
    what = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    where = f"; please report it and attach {path}" if path else ""
    _line(f"internal error ({what}){where}")
    raise typer.Exit(EXIT_INTERNAL)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Run a command so that nothing but one line reaches the user.

    A :class:`BrineworksError` (or a file that cannot be read or written) prints
    ``error: ...`` and exits 2; Ctrl-C prints ``interrupted`` and exits 130; anything else is a
    bug: :func:`internal_error`.
    """

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except _CLICK_SIGNALS:
            raise
        except BrineworksError as exc:
            _line(f"error: {exc}")
            raise typer.Exit(EXIT_USER) from None
        except KeyboardInterrupt:
            _line("interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, as other tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(128 + 13) from None
        except (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError,
                FileExistsError) as exc:  # fmt: skip
            if exc.filename is None:
                internal_error(exc)
            _line(f"error: {exc.filename}: {exc.strerror}")
            raise typer.Exit(EXIT_USER) from None
        except Exception as exc:
            internal_error(exc)

    return wrapper


def write_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(json_ready(obj), indent=2, ensure_ascii=False) + "\n")


TempOpt = Annotated[float | None, typer.Option("--temp", help="Temperature [°C].")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
BackendOpt = Annotated[
    str,
    typer.Option(
        "--backend", help="Thermodynamic backend: phreeqc (trusted, default) or native (numpy)."
    ),
]
