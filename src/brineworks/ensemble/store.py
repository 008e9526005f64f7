"""An ensemble's results on disk, written as they come, so that an interrupted run resumes.

Layout of the output directory::

    manifest.json       what the run is (scenario, model, method, seed, design digest)
    design.parquet      every row's input probabilities and values, written before any work
    parts/part-*.parquet  one file per completed chunk of samples (atomic: written to a
                        temporary name, then renamed), one row per sample
    samples.parquet     all rows, sorted by index (rewritten from the parts at the end)
    .lock               held (flock) by the client writing the directory

A sample is done when it is in a part file; a run started again with the same manifest skips
the done samples and evaluates the others. Since only the client writes, and each part is
renamed into place whole, a sample is never written twice, and a killed client loses only the
chunks in flight.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from brineworks.errors import BrineworksError, InputError

__all__ = ["FORMAT", "RunStore"]

FORMAT = "brineworks-ensemble/1"
_LOG = logging.getLogger(__name__)


class RunStore:
    """The output directory of one ensemble run.

    Parameters
    ----------
    out_dir
        The directory (created if missing).
    """

    def __init__(self, out_dir: Path | str) -> None:
        self.root = Path(out_dir)
        self.parts = self.root / "parts"
        self._lock: IO[str] | None = None

    # ------------------------------------------------------------------ lifecycle
    def open(self, manifest: Mapping[str, Any], design: Mapping[str, list[Any]]) -> bool:
        """Lock the directory and start or resume the run described by ``manifest``.

        Returns
        -------
        bool
            True if the directory already held this run (resumed).

        Raises
        ------
        InputError
            If another client holds the directory, or it holds a different run.
        """
        self.parts.mkdir(parents=True, exist_ok=True)
        self._acquire()
        path = self.root / "manifest.json"
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            for key in ("format", "scenario", "model", "config", "design_digest"):
                if old.get(key) != manifest.get(key):
                    self.close()
                    raise InputError(
                        f"out directory {self.root}",
                        f"{key} = {manifest.get(key)!r}",
                        f"the run it holds ({key} = {old.get(key)!r}) to resume it, or another "
                        "directory",
                    )
            for tmp in self.parts.glob(".tmp-*"):
                tmp.unlink()
            return True
        self._write_table(self.root / "design.parquet", design)
        _atomic_text(path, json.dumps(manifest, indent=2, sort_keys=True))
        return False

    def close(self) -> None:
        """Release the directory's lock."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            return
        handle = open(self.root / ".lock", "a", encoding="utf-8")  # noqa: SIM115
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise InputError(
                "out directory", str(self.root), "a directory no other ensemble run is writing"
            ) from None
        self._lock = handle

    # ------------------------------------------------------------------ parts
    def part_files(self) -> list[Path]:
        """Completed part files, in name order."""
        return sorted(self.parts.glob("part-*.parquet"))

    def completed(self) -> set[int]:
        """Indices of the samples already on disk.

        Raises
        ------
        BrineworksError
            If a sample is in two part files (the store was written by something else).
        """
        import pyarrow.parquet as pq

        seen: dict[int, Path] = {}
        for p in self.part_files():
            for i in pq.read_table(p, columns=["index"]).column("index").to_pylist():
                if i in seen:
                    raise BrineworksError(f"sample {i} is in both {seen[i].name} and {p.name}")
                seen[int(i)] = p
        return set(seen)

    def write_part(self, cols: Mapping[str, Sequence[Any]]) -> Path:
        """Write one chunk's rows (as columns, with an ``index`` column) as a part file,
        atomically."""
        if not cols.get("index"):
            raise BrineworksError("an empty chunk")
        first = min(int(i) for i in cols["index"])
        path = self.parts / f"part-{first:09d}.parquet"
        if path.exists():
            raise BrineworksError(f"{path.name} exists: sample {first} would be written twice")
        self._write_table(path, cols)
        return path

    def _write_table(self, path: Path, cols: Mapping[str, Sequence[Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        tmp = path.parent / f".tmp-{uuid.uuid4().hex}.parquet"
        pq.write_table(pa.table(dict(cols)), tmp)
        os.replace(tmp, path)

    def read(self) -> Any:
        """Every row on disk, sorted by index (a pandas DataFrame)."""
        import pandas as pd
        import pyarrow.parquet as pq

        frames = [pq.read_table(p).to_pandas() for p in self.part_files()]
        frames = [f for f in frames if not f.empty]
        if not frames:
            return pd.DataFrame({"index": pd.Series([], dtype="int64")})
        table = pd.concat(frames, ignore_index=True, sort=False)
        return table.sort_values("index", kind="stable").reset_index(drop=True)

    def consolidate(self) -> Any:
        """Write ``samples.parquet`` from the parts (atomically); return the rows (a pandas
        DataFrame, as :meth:`read`)."""
        table = self.read()
        path = self.root / "samples.parquet"
        tmp = self.root / f".tmp-{uuid.uuid4().hex}.parquet"
        table.to_parquet(tmp, index=False)
        os.replace(tmp, path)
        return table


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.parent / f".tmp-{uuid.uuid4().hex}"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
