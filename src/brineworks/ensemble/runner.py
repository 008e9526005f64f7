"""Run an ensemble on Dask: plan the work in two levels, execute it, write it as it comes.

Planning
--------
The rows still to do are grouped by their process-input vector (one park each). Groups are
packed into tasks of at most ``model.process_batch`` parks and ``money_batch`` samples; a group
with more samples than ``money_batch`` (e.g. every money-only sample sharing one park) gets one
solve task whose state feeds several money tasks. Each task returns one row per sample
(outputs, status, error text, worker, seconds); the client appends the inputs and writes the
task's rows as one part file (:mod:`brineworks.ensemble.store`).

Execution
---------
A ``distributed.LocalCluster`` of worker *processes* with one thread each (PHREEQC objects are
not thread-safe; each worker process keeps its own backend), or the scheduler at ``scheduler``
(``tcp://host:port``), or in this process when ``workers=0``. Dask re-runs the tasks of a worker
that dies; a task that kills three workers, and any sample whose evaluation raises, is recorded
as failed with its error. The model is pickled into every task, so that tasks depend on nothing
(the scheduler spreads them over all workers, and a dead worker holds nothing others need).
"""

from __future__ import annotations

import logging
import math
import os
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brineworks.ensemble.design import Design, Value
from brineworks.ensemble.model import EnsembleModel
from brineworks.ensemble.store import FORMAT, RunStore
from brineworks.errors import InputError

__all__ = ["EnsembleRun", "Progress", "WorkUnit", "plan_work", "run_ensemble"]

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkUnit:
    """One task: groups of rows, each group sharing one process vector.

    Attributes
    ----------
    groups
        Row indices per group (a group's rows share a park).
    shared
        For a chunk of a large group: the first row of the whole group, whose park is solved by
        a separate task; None when the task solves its own parks.
    """

    groups: tuple[tuple[int, ...], ...]
    shared: int | None = None

    @property
    def rows(self) -> list[int]:
        """Every row of the task."""
        return [i for g in self.groups for i in g]


def plan_work(
    design: Design, done: set[int], process_batch: int, money_batch: int
) -> list[WorkUnit]:
    """Tasks for the rows not yet done (see the module docstring)."""
    remaining = [i for i in range(design.rows) if i not in done]
    units: list[WorkUnit] = []
    current: list[tuple[int, ...]] = []
    size = 0
    for group in design.process_groups(remaining):
        if len(group) > money_batch:
            for k in range(0, len(group), money_batch):
                units.append(WorkUnit((tuple(group[k : k + money_batch]),), shared=group[0]))
            continue
        if current and (len(current) >= process_batch or size + len(group) > money_batch):
            units.append(WorkUnit(tuple(current)))
            current, size = [], 0
        current.append(tuple(group))
        size += len(group)
    if current:
        units.append(WorkUnit(tuple(current)))
    return units


@dataclass(frozen=True)
class Progress:
    """Where a run stands: rows done (this session and before), of all, and failed."""

    done: int
    total: int
    failed: int
    resumed: int
    parks: int


@dataclass(frozen=True)
class EnsembleRun:
    """A finished ensemble.

    Attributes
    ----------
    out_dir
        The output directory.
    design
        The design.
    table
        Every row (pandas DataFrame): ``index``, ``block``, ``in:<input>``, ``out:<output>``,
        ``status``, ``error``, ``worker``, ``seconds``, ``cpu_seconds``, ``process_seconds``,
        ``process_reused``, ``process_id``.
    resumed
        Rows found on disk at the start.
    wall_seconds
        Time this session took (cluster start included). [s]
    parks
        Process solves in this session.
    workers
        Workers that evaluated rows in this session.
    notes
        What the model says about itself (for the report).
    """

    out_dir: Path
    design: Design
    table: Any
    resumed: int
    wall_seconds: float
    parks: int
    workers: int
    notes: tuple[str, ...] = ()


# ------------------------------------------------------------------------------- tasks
Payload = list[tuple[dict[str, Value], list[tuple[int, dict[str, Value]]]]]
"""Per group: (process inputs, [(row, money inputs), ...])."""


def _worker_name() -> str:
    if "distributed" not in sys.modules:  # not on a Dask worker: do not import Dask
        return "local"
    from distributed import get_worker

    try:
        return str(get_worker().address)
    except ValueError:
        return "local"


def _error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) < 2000 else text[:2000] + " …"


def _evaluate_group(
    model: EnsembleModel,
    state: Any,
    solve: tuple[float, float],
    first_charged: bool,
    group: list[tuple[int, dict[str, Value]]],
    worker: str,
    process_id: int,
) -> list[dict[str, Any]]:
    """Rows of a group's samples on its solved state; ``solve`` is the park's (wall, CPU)
    seconds, charged to the group's first row if ``first_charged``."""
    rows = []
    for k, (i, money) in enumerate(group):
        charged = first_charged and k == 0
        row: dict[str, Any] = {
            "index": i, "worker": worker, "process_id": process_id,
            "process_seconds": solve[0], "process_reused": not charged,
        }  # fmt: skip
        t0, c0 = time.perf_counter(), time.process_time()
        if isinstance(state, BaseException):
            row.update(status="failed", error="process: " + _error_text(state), outputs={})
        else:
            try:
                outputs = model.evaluate(state, money)
                row.update(
                    status="ok", error=None, outputs={k: float(v) for k, v in outputs.items()}
                )
            except Exception as exc:  # recorded, never dropped
                _LOG.debug("sample %d failed:\n%s", i, traceback.format_exc())
                row.update(status="failed", error="money: " + _error_text(exc), outputs={})
        row["seconds"] = time.perf_counter() - t0 + (solve[0] if charged else 0.0)
        row["cpu_seconds"] = time.process_time() - c0 + (solve[1] if charged else 0.0)
        rows.append(row)
    return rows


_FIELDS = ("index", "status", "error", "worker", "seconds", "cpu_seconds", "process_seconds",
           "process_reused", "process_id")  # fmt: skip

Columns = dict[str, list[Any]]
"""A task's rows as columns: the fields above and ``out:<output>``."""


def _columns(rows: list[dict[str, Any]]) -> Columns:
    """Rows (each with an ``outputs`` dict) as columns; an output a row lacks is None."""
    cols: Columns = {k: [r[k] for r in rows] for k in _FIELDS}
    names: dict[str, None] = {}
    for r in rows:
        names.update(dict.fromkeys(r["outputs"]))
    for n in names:
        cols[f"out:{n}"] = [r["outputs"].get(n) for r in rows]
    return cols


def _run_unit(model: EnsembleModel, payload: Payload, process_ids: list[int]) -> Columns:
    """A task: solve each group's park, evaluate its samples."""
    worker = _worker_name()
    t0, c0 = time.perf_counter(), time.process_time()
    states = model.solve_many([p for p, _ in payload])
    n = max(len(payload), 1)
    each = ((time.perf_counter() - t0) / n, (time.process_time() - c0) / n)
    rows: list[dict[str, Any]] = []
    for (_, group), state, pid in zip(payload, states, process_ids, strict=True):
        rows.extend(_evaluate_group(model, state, each, True, group, worker, pid))
    return _columns(rows)


def _solve_shared(
    model: EnsembleModel, process: dict[str, Value]
) -> tuple[Any, tuple[float, float]]:
    """A task: one park shared by several money tasks; its state and (wall, CPU) seconds."""
    t0, c0 = time.perf_counter(), time.process_time()
    state = model.solve_many([process])[0]
    return state, (time.perf_counter() - t0, time.process_time() - c0)


def _evaluate_shared(
    model: EnsembleModel,
    solved: tuple[Any, tuple[float, float]],
    group: list[tuple[int, dict[str, Value]]],
    charged: bool,
    process_id: int,
) -> Columns:
    """A task: money samples on a park solved by another task."""
    state, seconds = solved
    rows = _evaluate_group(model, state, seconds, charged, group, _worker_name(), process_id)
    return _columns(rows)


# ------------------------------------------------------------------------------- run
def run_ensemble(
    model: EnsembleModel,
    design: Design,
    out_dir: Path | str,
    *,
    scenario: str = "",
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
    money_batch: int = 1000,
    progress: Callable[[Progress], None] | None = None,
) -> EnsembleRun:
    """Evaluate every row of ``design`` with ``model``, writing results under ``out_dir``;
    resume a run that the directory already holds.

    Parameters
    ----------
    model
        The model (picklable).
    design
        The design (:func:`brineworks.ensemble.design.make_design`).
    out_dir
        Output directory (see :mod:`brineworks.ensemble.store`).
    scenario
        Scenario name, recorded in the manifest.
    scheduler
        Address of a running Dask scheduler (``tcp://host:port``); default: a local cluster.
    workers
        Worker processes of the local cluster (default: the CPU count); 0 runs in this
        process without Dask.
    client
        An existing ``distributed.Client`` to use instead (not closed here).
    money_batch
        Most samples per task.
    progress
        Called after each completed task.

    Raises
    ------
    InputError
        If the directory holds another run, or is being written by another client.
    """
    model.check_inputs(design.inputs)
    if money_batch < 1:
        raise InputError("money_batch", money_batch, "a positive number")
    if workers is not None and workers < 0:
        raise InputError("workers", workers, "0 (in this process) or more")
    t_start = time.perf_counter()
    store = RunStore(out_dir)
    manifest = {
        "format": FORMAT,
        "scenario": scenario,
        "model": model.fingerprint(),
        "config": design.config(),
        "design_digest": design.digest(),
        "inputs": [u.model_dump() for u in design.inputs],
        "rows": design.rows,
        "n_main": design.n_main,
    }  # fmt: skip
    store.open(manifest, design.to_records())
    try:
        done = store.completed()
        units = plan_work(design, done, max(1, int(model.process_batch)), money_batch)
        state = _Tally(total=design.rows, done=len(done), resumed=len(done), progress=progress)
        state.report()
        if units:
            if workers == 0 and client is None and scheduler is None:
                used = _run_inline(model, design, units, store, state)
            else:
                with _client(client, scheduler, workers) as c:
                    used = _run_dask(c, model, design, units, store, state)
        else:
            used = set()
        table = store.consolidate()
    finally:
        store.close()
    return EnsembleRun(
        out_dir=Path(out_dir), design=design, table=table, resumed=state.resumed,
        wall_seconds=time.perf_counter() - t_start, parks=state.parks, workers=len(used),
        notes=tuple(model.notes()),
    )  # fmt: skip


@dataclass
class _Tally:
    total: int
    done: int
    resumed: int
    progress: Callable[[Progress], None] | None
    failed: int = 0
    parks: int = 0

    def add(self, cols: Columns) -> None:
        self.done += len(cols["index"])
        self.failed += sum(1 for s in cols["status"] if s != "ok")
        self.parks += sum(1 for r in cols["process_reused"] if not r)
        self.report()

    def report(self) -> None:
        if self.progress is not None:
            self.progress(Progress(self.done, self.total, self.failed, self.resumed, self.parks))


def _payload(design: Design, groups: Sequence[Sequence[int]]) -> Payload:
    out: Payload = []
    for g in groups:
        process, _ = design.split(g[0])
        out.append((process, [(i, design.split(i)[1]) for i in g]))
    return out


def _finish(design: Design, cols: Columns) -> Columns:
    """A task's columns as stored: index, block, the design's inputs, outputs, then the rest."""
    idx = [int(i) for i in cols["index"]]
    out: Columns = {"index": idx, "block": [design.block(i) for i in idx]}
    for n in design.names:
        values = design.values(n)[idx]
        out[f"in:{n}"] = [v if isinstance(v, str) else float(v) for v in values]
    out.update({k: v for k, v in cols.items() if k.startswith("out:")})
    out.update({k: cols[k] for k in _FIELDS if k != "index"})
    return out


def _failed_rows(unit: WorkUnit, exc: BaseException) -> Columns:
    text = "task: " + _error_text(exc)
    rows = [
        {"index": i, "status": "failed", "error": text, "outputs": {}, "worker": "",
         "seconds": math.nan, "cpu_seconds": math.nan, "process_seconds": math.nan,
         "process_reused": True,
         "process_id": g[0] if unit.shared is None else unit.shared}
        for g in unit.groups for i in g
    ]  # fmt: skip
    return _columns(rows)


def _run_inline(
    model: EnsembleModel, design: Design, units: list[WorkUnit], store: RunStore, tally: _Tally
) -> set[str]:
    shared: dict[int, tuple[Any, tuple[float, float]]] = {}
    for unit in units:
        payload = _payload(design, unit.groups)
        if unit.shared is None:
            cols = _run_unit(model, payload, [g[0] for g in unit.groups])
        else:
            charged = unit.shared not in shared
            if charged:
                shared[unit.shared] = _solve_shared(model, design.split(unit.shared)[0])
            cols = _evaluate_shared(model, shared[unit.shared], payload[0][1], charged, unit.shared)
        store.write_part(_finish(design, cols))
        tally.add(cols)
    return {"local"}


@contextmanager
def _client(client: Any, scheduler: str | None, workers: int | None) -> Iterator[Any]:
    if client is not None:
        yield client
        return
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as c:
            yield c
        return
    n = workers if workers else (os.cpu_count() or 1)
    with (
        LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as c,
    ):  # fmt: skip
        yield c


def _run_dask(
    client: Any,
    model: EnsembleModel,
    design: Design,
    units: list[WorkUnit],
    store: RunStore,
    tally: _Tally,
) -> set[str]:
    from distributed import as_completed

    token = uuid.uuid4().hex[:12]
    # The model travels inside every task (a park model is ~20 kB): tasks then depend on
    # nothing, so the scheduler spreads them over every worker, and a lost worker loses no
    # data another task needs. A park shared by several money tasks is solved by a task of its
    # own; once it is back, its state (~20 kB) travels inside each of its money tasks in the
    # same way (as a dependency it would pin them all to the worker that solved it).
    futures: dict[Any, WorkUnit] = {}
    solves: dict[Any, int] = {}
    waiting: dict[int, list[tuple[int, WorkUnit]]] = {}
    done = as_completed()
    for n, unit in enumerate(units):
        if unit.shared is None:
            payload = _payload(design, unit.groups)
            f = client.submit(_run_unit, model, payload, [g[0] for g in unit.groups],
                              key=f"ensemble-{token}-{n}", pure=False)  # fmt: skip
            futures[f] = unit
            done.add(f)
            continue
        if unit.shared not in waiting:
            s = client.submit(
                _solve_shared, model, design.split(unit.shared)[0],
                key=f"ensemble-{token}-solve-{unit.shared}", pure=False,
            )  # fmt: skip
            solves[s] = unit.shared
            done.add(s)
        waiting.setdefault(unit.shared, []).append((n, unit))
    used: set[str] = set()
    try:
        for f in done:
            if f in solves:
                shared = solves.pop(f)
                try:
                    solved = f.result()
                except Exception as exc:  # the park failed: its money rows record why
                    _LOG.warning("shared park %s failed: %s", shared, exc)
                    for _, unit in waiting.pop(shared):
                        _record(design, store, tally, used, _failed_rows(unit, exc))
                    continue
                finally:
                    f.release()
                for k, (n, unit) in enumerate(waiting.pop(shared)):
                    g = client.submit(
                        _evaluate_shared, model, solved, _payload(design, unit.groups)[0][1],
                        k == 0, shared, key=f"ensemble-{token}-{n}", pure=False,
                    )  # fmt: skip
                    futures[g] = unit
                    done.add(g)
                continue
            unit = futures.pop(f)
            try:
                cols = f.result()
            except Exception as exc:  # a task lost with its workers: recorded as failed
                _LOG.warning("task for rows %s failed: %s", unit.rows[:3], exc)
                cols = _failed_rows(unit, exc)
            _record(design, store, tally, used, cols)
            f.release()
    finally:
        pending = [*futures, *solves]
        if pending:
            client.cancel(pending)
    return used


def _record(design: Design, store: RunStore, tally: _Tally, used: set[str], cols: Columns) -> None:
    """Write a task's rows (a part on disk), note its workers and count it."""
    store.write_part(_finish(design, cols))
    used.update(w for w in cols["worker"] if w)
    tally.add(cols)
