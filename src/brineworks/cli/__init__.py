"""Command-line interface: ``brineworks --help``.

Every command calls the public API only. User errors print one line on stderr and exit with
status 2 (status 1 when some rows of a CSV failed and the others were printed); an internal
error prints one line naming a report file and exits 1; no traceback reaches the user. One module
per group of commands; importing it registers its commands on :data:`app`.
"""

from __future__ import annotations

import sys

from brineworks.cli import (  # noqa: F401  (register the commands)
    chemistry,
    economics,
    ensemble,
    impact,
    park,
    plan,
    reservoir,
)
from brineworks.cli._common import (
    EXIT_INTERRUPTED,
    Terminated,
    app,
    install_signal_handlers,
    internal_error,
)

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``brineworks`` command.

    SIGTERM unwinds like Ctrl-C (temporary files removed); whatever escapes a command is
    reported by the last-resort handler (one line, a report file, exit 1).
    """
    install_signal_handlers()
    try:
        app()
    except Terminated:
        sys.stderr.write("terminated\n")
        raise
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(EXIT_INTERRUPTED) from None
    except BaseException as exc:
        try:
            internal_error(exc)
        except Exception as done:  # typer.Exit carries the status
            raise SystemExit(getattr(done, "exit_code", 1)) from None
