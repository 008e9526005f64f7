"""Writing a run's outputs whole or not at all, into the one folder the user named.

:class:`OutputFolder` is the only way Brineworks writes a run's files::

    identity = RunIdentity.new("qarhan-lithium", source="built-in qarhan-lithium")
    with OutputFolder("brineworks-out/qarhan-lithium", identity, force=False) as folder:
        folder.write_text("results.json", text)
        folder.write_with("results.xlsx", workbook.save)
    # here every file is in place, with manifest.json naming the run and each file's hash

* **Whole or not at all.** Each file is written to a temporary file in the target folder
  (``.bw-tmp-*``, same filesystem) and flushed to disk; nothing is renamed into place until the
  ``with`` block ends without an error; then every file is renamed over its target (an atomic
  step per file, with SIGINT/SIGTERM held back for the few renames) and ``manifest.json``
  goes last. An error, Ctrl-C or SIGTERM before that removes the temporary files and leaves
  the folder as it was.
* **The run's identity.** ``manifest.json`` holds the run id, the scenario, the times, the
  versions of Brineworks and its solvers, and the SHA-256 and size of every file: outputs that
  do not match their manifest are not this run's.
* **One run per folder.** A lock file (``.brineworks.lock``, created exclusively) is held from
  the start of the run; a second run into the same folder is refused with the first one's id and
  process. A lock left by a process that no longer exists (same host) is taken over.
* **Nothing replaced by surprise.** A folder that already holds outputs of a run (its manifest,
  or any file this run would write) is refused unless ``force``; with ``force``, the files of the
  earlier run that this one does not write are removed too, so that no stale output survives
  beside new ones.
* **Symlinks are not followed.** A symlink where an output goes is replaced as a directory entry
  (``rename`` does not follow it): nothing is written where it points.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import platform
import re
import signal
import socket
import sys
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from brineworks.errors import InputError

__all__ = [
    "LOCK_NAME",
    "MANIFEST_NAME",
    "OutputFolder",
    "RunIdentity",
    "atomic_file",
    "default_output_folder",
    "safe_folder_name",
]

MANIFEST_NAME = "manifest.json"
LOCK_NAME = ".brineworks.lock"
_TMP_PREFIX = ".bw-tmp-"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}  # fmt: skip


def safe_folder_name(label: object, default: str = "scenario") -> str:
    """A folder name made from a label (a scenario's name) that can only name one folder.

    Letters, digits, ``.``, ``_`` and ``-`` are kept (any script); everything else, path
    separators and ``..`` included, becomes ``-``; no leading dot or dash; at most 80
    characters; ``default`` when nothing is left.

    Examples
    --------
    >>> safe_folder_name("../../etc/x"), safe_folder_name("/tmp/evil")
    ('etc-x', 'tmp-evil')
    >>> safe_folder_name("Qarhan 2030"), safe_folder_name("..")
    ('Qarhan-2030', 'scenario')
    """
    text = unicodedata.normalize("NFKC", label if isinstance(label, str) else "")
    text = re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE)
    text = re.sub(r"\.{2,}", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip(".-_")[:80].strip(".-_")
    if not text or text.lower().split(".")[0] in _WINDOWS_RESERVED:
        return default
    return text


def default_output_folder(label: object, root: str | Path = "brineworks-out") -> Path:
    """``brineworks-out/<safe name>`` (relative to the working directory) for a run label."""
    return Path(root) / safe_folder_name(label)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from brineworks import __version__

    out = {"brineworks": __version__, "python": platform.python_version()}
    for pkg in ("numpy", "scipy", "phreeqc", "pandas", "pydantic", "openpyxl", "plotly"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            continue
    return out


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class RunIdentity:
    """What identifies a run's outputs (written into ``manifest.json``).

    Attributes
    ----------
    run_id
        A new random id per run.
    scenario
        The run's label (a scenario name).
    started_utc
        When the run started (ISO 8601, UTC).
    versions
        Versions of Brineworks, Python and the libraries that shape the numbers.
    details
        Anything else worth keeping (scenario file, backend, command line).
    """

    run_id: str
    scenario: str
    started_utc: str
    versions: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def new(cls, scenario: str, **details: Any) -> RunIdentity:
        """A fresh identity for a run starting now."""
        return cls(
            run_id=uuid.uuid4().hex,
            scenario=str(scenario),
            started_utc=_now(),
            versions=_versions(),
            details=dict(details),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "run_id": self.run_id,
            "scenario": self.scenario,
            "started_utc": self.started_utc,
            "versions": dict(self.versions),
            **self.details,
        }


@dataclass
class _Staged:
    name: str
    temp: Path
    sha256: str = ""
    size: int = 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM held back (delivered afterwards) while the outputs are renamed."""
    can = (
        hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    )
    if not can:
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class OutputFolder:
    """A folder a run writes its outputs into, whole or not at all (see the module docstring).

    Parameters
    ----------
    path
        The folder; created (with its parents) if missing.
    identity
        The run's identity, written into ``manifest.json``.
    force
        Replace the outputs of an earlier run in the folder.
    expected
        Names of the files the run will write: checked against the folder when the ``with``
        block starts, before any work is done.
    option
        How the folder was given, for messages (``"--out"``).

    Raises
    ------
    InputError
        When the ``with`` block starts: the path is a file or cannot be created; another run
        holds the folder; the folder holds outputs and ``force`` is not set.
    """

    def __init__(
        self,
        path: str | Path,
        identity: RunIdentity,
        *,
        force: bool = False,
        expected: Sequence[str] = (),
        option: str = "--out",
    ) -> None:
        if not isinstance(path, str | Path) or not str(path).strip():
            raise InputError(option, path, "a folder to write into")
        if not isinstance(identity, RunIdentity):
            raise InputError("identity", identity, "a RunIdentity (RunIdentity.new(...))")
        self.path = Path(path)
        self.identity = identity
        self.force = bool(force)
        self.option = option
        self.expected = [self._check_name(n) for n in expected]
        self._staged: dict[str, _Staged] = {}
        self._temps: list[Path] = []
        self._locked = False
        self._previous_handler: Any = None
        self.written: list[Path] = []

    # ------------------------------------------------------------------ context
    def __enter__(self) -> OutputFolder:
        self._install_sigterm()
        try:
            self._prepare_folder()
            self._lock()
            self._remove_stale_temporaries()
            self._check_conflicts(self.expected)
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self._commit()
        finally:
            self._discard()
            self._release()

    # ------------------------------------------------------------------ writing
    def write_text(self, name: str, text: str) -> Path:
        """Stage a UTF-8 text file; returns where it will be."""
        return self.write_bytes(name, text.encode("utf-8"))

    def write_bytes(self, name: str, data: bytes) -> Path:
        """Stage a file of bytes; returns where it will be."""

        def write(path: Path) -> None:
            with path.open("wb") as fh:
                fh.write(data)

        return self.write_with(name, write)

    def write_with(self, name: str, writer: Callable[[Path], object]) -> Path:
        """Stage a file written by ``writer(temporary_path)`` (``workbook.save``,
        ``figure.write_html``...); returns where it will be."""
        self._check_open()
        name = self._check_name(name)
        self._check_conflicts([name])
        if name in self._staged:
            raise InputError("output", name, "each output written once per run")
        temp = self._new_temporary(name)
        staged = _Staged(name, temp)
        self._staged[name] = staged
        writer(temp)
        staged.sha256, staged.size = self._digest_and_sync(temp)
        return self.path / name

    @contextlib.contextmanager
    def open_text(self, name: str) -> Iterator[Any]:
        """Stage a text file written progressively (a stream of rows): a file object open on
        the temporary file; flushed to disk when the block ends."""
        self._check_open()
        name = self._check_name(name)
        self._check_conflicts([name])
        if name in self._staged:
            raise InputError("output", name, "each output written once per run")
        temp = self._new_temporary(name)
        staged = _Staged(name, temp)
        self._staged[name] = staged
        with temp.open("w", encoding="utf-8", newline="") as fh:
            yield fh
        staged.sha256, staged.size = self._digest_and_sync(temp)

    # ------------------------------------------------------------------ internals
    def _check_open(self) -> None:
        if not self._locked:
            raise RuntimeError("OutputFolder: write inside its 'with' block")

    def _check_name(self, name: object) -> str:
        if not isinstance(name, str) or not _NAME.match(name) or name in (MANIFEST_NAME, LOCK_NAME):
            raise InputError("output file name", name, "a plain file name, e.g. results.json")
        return name

    def _prepare_folder(self) -> None:
        p = self.path
        if p.exists() and not p.is_dir():
            raise InputError(self.option, str(p), "a folder (this is a file)")
        try:
            p.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise InputError(self.option, str(p), "a folder (a file is in the way)") from None
        except NotADirectoryError:
            raise InputError(self.option, str(p), "a folder path (a parent is a file)") from None
        except OSError as exc:
            raise InputError(
                self.option, str(p), f"a folder that can be created ({exc.strerror})"
            ) from None
        if not os.access(p, os.W_OK | os.X_OK):
            raise InputError(self.option, str(p), "a folder this user can write into")

    def _lock(self) -> None:
        lock = self.path / LOCK_NAME
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "run_id": self.identity.run_id,
            "scenario": self.identity.scenario,
            "since_utc": _now(),
        }
        for _ in range(2):
            try:
                fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = self._read_lock(lock)
                if (
                    holder.get("host") == info["host"]
                    and isinstance(holder.get("pid"), int)
                    and not _pid_alive(holder["pid"])
                ):
                    with contextlib.suppress(FileNotFoundError):
                        lock.unlink()
                    continue
                raise InputError(
                    self.option,
                    str(self.path),
                    "a folder no other run is writing: run "
                    f"{holder.get('run_id', '?')} ({holder.get('scenario', '?')}, process "
                    f"{holder.get('pid', '?')} on {holder.get('host', '?')}) holds it since "
                    f"{holder.get('since_utc', '?')}; if that run is gone, remove {lock}",
                ) from None
            except OSError as exc:
                raise InputError(
                    self.option,
                    str(self.path),
                    f"a folder where a lock file can be created ({exc.strerror})",
                ) from None
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(info, fh)
            self._locked = True
            return
        raise InputError(self.option, str(self.path), f"a folder whose lock {lock} can be taken")

    @staticmethod
    def _read_lock(lock: Path) -> dict[str, Any]:
        try:
            if lock.is_symlink():
                return {}
            data = json.loads(lock.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _remove_stale_temporaries(self) -> None:
        """Temporary files of runs that died (we hold the lock: none is in use)."""
        for entry in self._entries():
            if entry.name.startswith(_TMP_PREFIX) and not entry.is_dir(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)

    def _entries(self) -> Iterable[os.DirEntry[str]]:
        try:
            with os.scandir(self.path) as it:
                return list(it)
        except OSError:
            return []

    def _manifest(self) -> dict[str, Any] | None:
        path = self.path / MANIFEST_NAME
        if not os.path.lexists(path):
            return None
        try:
            if path.is_symlink():
                return {}
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _check_conflicts(self, names: Iterable[str]) -> None:
        if self.force:
            return
        manifest = self._manifest()
        clash = [n for n in names if os.path.lexists(self.path / n)]
        if manifest is None and not clash:
            return
        if manifest is not None:
            what = (
                f"the outputs of run {manifest.get('run_id', '?')} "
                f"({manifest.get('scenario', '?')}, {manifest.get('finished_utc', '?')})"
            )
        else:
            what = "files this run would replace: " + ", ".join(clash)
        raise InputError(
            self.option,
            str(self.path),
            f"a new or empty folder: it holds {what}; pass --force to replace them, or name "
            "another folder",
        )

    def _new_temporary(self, name: str) -> Path:
        fd = -1
        for _ in range(100):
            temp = self.path / f"{_TMP_PREFIX}{name}-{uuid.uuid4().hex[:12]}"
            try:
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            os.close(fd)
            return temp
        raise InputError(self.option, str(self.path), "a folder where temporary files can be made")

    @staticmethod
    def _digest_and_sync(path: Path) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return digest.hexdigest(), size

    def _commit(self) -> None:
        if not self._staged:
            return
        self._check_conflicts(self._staged)  # a file may have appeared during the run
        old = self._manifest() if self.force else None
        identity = self.identity.to_dict()
        manifest = {
            **identity,
            "finished_utc": _now(),
            "files": {s.name: {"sha256": s.sha256, "bytes": s.size} for s in self._staged.values()},
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        for s in self._staged.values():
            target = self.path / s.name
            if target.is_dir() and not target.is_symlink():
                raise InputError(self.option, str(target), "a file name not taken by a folder")
        manifest_temp = self._new_temporary("manifest")
        self._temps.append(manifest_temp)
        manifest_temp.write_text(text, encoding="utf-8")
        self._digest_and_sync(manifest_temp)
        with _signals_held():
            target = self.path / MANIFEST_NAME
            if os.path.lexists(target):
                os.unlink(target)  # the folder is incomplete until the new manifest is in
            for s in self._staged.values():
                os.replace(s.temp, self.path / s.name)
                self.written.append(self.path / s.name)
            if old:
                stale = old.get("files", {})
                for name in stale if isinstance(stale, dict) else ():
                    if (
                        isinstance(name, str)
                        and _NAME.match(name)
                        and name not in self._staged
                        and name not in (MANIFEST_NAME, LOCK_NAME)
                    ):
                        with contextlib.suppress(OSError):
                            os.unlink(self.path / name)
            os.replace(manifest_temp, target)
            self._sync_folder()
        self._staged.clear()

    def _sync_folder(self) -> None:
        if sys.platform.startswith("win"):
            return
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return
        try:
            with contextlib.suppress(OSError):
                os.fsync(fd)
        finally:
            os.close(fd)

    def _discard(self) -> None:
        for s in self._staged.values():
            with contextlib.suppress(OSError):
                os.unlink(s.temp)
        self._staged.clear()
        for temp in self._temps:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        self._temps.clear()

    def _release(self) -> None:
        if self._locked:
            with contextlib.suppress(OSError):
                (self.path / LOCK_NAME).unlink()
            self._locked = False
        self._restore_sigterm()

    # ------------------------------------------------------------------ SIGTERM
    def _install_sigterm(self) -> None:
        """Outside the CLI (which does this for the whole process), turn SIGTERM into an
        exception while the folder is open, so that the temporary files are removed."""
        if threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            self._previous_handler = signal.signal(signal.SIGTERM, _raise_on_sigterm)

    def _restore_sigterm(self) -> None:
        if self._previous_handler is not None:
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGTERM, self._previous_handler)
            self._previous_handler = None


def _raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def atomic_file(
    path: str | Path, *, force: bool = False, option: str = "--out", binary: bool = False
) -> Iterator[Any]:
    """One output file, whole or not at all: a file object on a temporary file beside
    ``path``, renamed over ``path`` when the block ends without an error (removed otherwise,
    SIGINT and SIGTERM included). An existing ``path`` is replaced only with ``force``; a
    symlink at ``path`` is replaced, not followed.

    Raises
    ------
    InputError
        For a path that is a folder, in a folder that does not exist, or that exists without
        ``force``.
    """
    if not isinstance(path, str | Path) or not str(path).strip():
        raise InputError(option, path, "a file to write")
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise InputError(option, str(target), f"a file in an existing folder ({folder} is not one)")
    if target.is_dir() and not target.is_symlink():
        raise InputError(option, str(target), "a file name (this is a folder)")
    if os.path.lexists(target) and not force:
        raise InputError(option, str(target), "a new file; pass --force to replace it")
    temp = folder / f"{_TMP_PREFIX}{target.name}-{uuid.uuid4().hex[:12]}"
    previous = None
    if threading.current_thread() is threading.main_thread() and signal.getsignal(
        signal.SIGTERM
    ) in (signal.SIG_DFL, None):
        previous = signal.signal(signal.SIGTERM, _raise_on_sigterm)
    try:
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except OSError as exc:
            raise InputError(
                option, str(target), f"a file that can be written ({exc.strerror})"
            ) from None
        fh = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        try:
            with fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            with _signals_held():
                if os.path.lexists(target) and not force:
                    raise InputError(option, str(target), "a new file; pass --force to replace it")
                os.replace(temp, target)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    finally:
        if previous is not None:
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGTERM, previous)
