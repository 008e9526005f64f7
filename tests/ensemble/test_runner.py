"""The runner: every sample exactly once, failures recorded, parks reused, resume from disk.

These use the cheap Ishigami model in this process (``workers=0``) or on an in-process Dask
cluster; the multi-process and kill tests are in ``test_cli.py`` (slow).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from brineworks.ensemble.design import make_design
from brineworks.ensemble.model import EnsembleModel
from brineworks.ensemble.runner import plan_work, run_ensemble
from brineworks.ensemble.sensitivity import summarise
from brineworks.ensemble.spec import parse_uncertain
from brineworks.ensemble.store import RunStore
from brineworks.ensemble.toy import Ishigami
from brineworks.errors import InputError

PI = math.pi


def inputs(money: tuple[str, ...] = ("x3",)) -> Any:
    return parse_uncertain([
        {"name": n, "target": n, "kind": "money" if n in money else "process",
         "distribution": "uniform", "low": -PI, "high": PI}
        for n in ("x1", "x2", "x3")
    ])  # fmt: skip


def test_every_sample_once_with_inputs_outputs_and_failures(tmp_path: Path) -> None:
    ins = inputs()
    design = make_design(ins, "mc", 300, seed=4)
    run = run_ensemble(Ishigami(ins, fail_above=2.5), design, tmp_path, workers=0)
    t = run.table
    assert list(t["index"]) == list(range(design.rows))
    failed = t[t["status"] == "failed"]
    assert len(failed) > 0
    assert (failed["in:x1"] > 2.5).all()
    assert failed["error"].str.contains("process: ValueError: x1 = .* above the failure").all()
    ok = t[t["status"] == "ok"]
    x1, x2, x3 = ok["in:x1"], ok["in:x2"], ok["in:x3"]
    expect = np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)
    assert np.allclose(ok["out:y"], expect)
    assert set(t["block"]) == {"sample", "tornado"}
    assert (tmp_path / "samples.parquet").exists()
    assert (t["worker"] == "local").all()


def test_money_samples_share_one_park(tmp_path: Path) -> None:
    ins = inputs(money=("x1", "x2", "x3"))
    design = make_design(ins, "mc", 2500, seed=1, tornado=False)
    calls: list[int] = []

    class Counting(Ishigami):
        def solve_process(self, process_inputs: Any) -> dict[str, float]:
            calls.append(1)
            return super().solve_process(process_inputs)

    run = run_ensemble(Counting(ins), design, tmp_path, workers=0, money_batch=1000)
    assert len(calls) == 1  # one park, shared by three money tasks
    assert run.parks == 1
    assert int((~run.table["process_reused"]).sum()) == 1
    assert len(list((tmp_path / "parts").glob("part-*.parquet"))) == 3


def test_plan_packs_parks_and_splits_large_groups() -> None:
    ins = inputs()
    design = make_design(ins, "mc", 50, seed=0, tornado=False, process_samples=5)
    units = plan_work(design, set(), process_batch=2, money_batch=4)
    rows = sorted(i for u in units for i in u.rows)
    assert rows == list(range(50))  # every row once
    assert all(u.shared is not None for u in units)  # each park's 10 rows exceed 4
    units = plan_work(design, set(range(25)), process_batch=2, money_batch=100)
    assert sorted(i for u in units for i in u.rows) == list(range(25, 50))
    assert all(len(u.groups) <= 2 for u in units)


class Interrupting(Ishigami):
    """Raises KeyboardInterrupt (like Ctrl-C) at the n-th process solve."""

    def __init__(self, ins: Any, stop_at: int) -> None:
        super().__init__(ins, process_batch=1)
        self.stop_at, self.count = stop_at, 0

    def solve_process(self, process_inputs: Any) -> dict[str, float]:
        self.count += 1
        if self.count == self.stop_at:
            raise KeyboardInterrupt
        return super().solve_process(process_inputs)

    def fingerprint(self) -> str:
        return Ishigami.fingerprint(self)


def test_resume_after_interrupt_gives_the_same_results(tmp_path: Path) -> None:
    ins = inputs()
    design = make_design(ins, "sobol", 8 * 5, seed=2)
    whole = run_ensemble(Ishigami(ins, process_batch=1), design, tmp_path / "a", workers=0)
    with pytest.raises(KeyboardInterrupt):
        run_ensemble(Interrupting(ins, stop_at=20), design, tmp_path / "b", workers=0)
    on_disk = RunStore(tmp_path / "b").completed()
    assert 0 < len(on_disk) < design.rows
    resumed = run_ensemble(Ishigami(ins, process_batch=1), design, tmp_path / "b", workers=0)
    assert resumed.resumed == len(on_disk)
    assert list(resumed.table["index"]) == list(range(design.rows))
    a = summarise(design, whole.table, "x")[0]
    b = summarise(design, resumed.table, "x")[0]
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_a_directory_holds_one_run(tmp_path: Path) -> None:
    ins = inputs()
    run_ensemble(Ishigami(ins), make_design(ins, "mc", 20, seed=1), tmp_path, workers=0)
    with pytest.raises(InputError, match=r"design_digest|config"):
        run_ensemble(Ishigami(ins), make_design(ins, "mc", 20, seed=2), tmp_path, workers=0)
    with pytest.raises(InputError, match="model"):
        run_ensemble(Ishigami(ins, a=5), make_design(ins, "mc", 20, seed=1), tmp_path, workers=0)
    store = RunStore(tmp_path)
    store._acquire()
    try:
        with pytest.raises(InputError, match="no other ensemble run"):
            run_ensemble(Ishigami(ins), make_design(ins, "mc", 20, seed=1), tmp_path, workers=0)
    finally:
        store.close()


class Raising(EnsembleModel):
    """Money evaluation fails for negative x3."""

    process_batch = 100

    def solve_process(self, process_inputs: Any) -> float:
        return 1.0

    def evaluate(self, state: Any, money_inputs: Any) -> dict[str, float]:
        if money_inputs["x3"] < 0:
            raise ArithmeticError("negative x3")
        return {"z": state * money_inputs["x3"]}


def test_money_failures_are_recorded_per_sample(tmp_path: Path) -> None:
    ins = inputs(money=("x3",))
    design = make_design(ins, "mc", 200, seed=3, tornado=False)
    run = run_ensemble(Raising(), design, tmp_path, workers=0)
    t = run.table
    bad = t["in:x3"] < 0
    assert (t.loc[bad, "status"] == "failed").all()
    assert (t.loc[bad, "error"] == "money: ArithmeticError: negative x3").all()
    assert (t.loc[~bad, "status"] == "ok").all()


def test_dask_in_process_cluster_matches_inline(tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    ins = inputs()
    design = make_design(ins, "sobol", 32 * 5, seed=5)
    inline = run_ensemble(Ishigami(ins), design, tmp_path / "inline", workers=0)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0")
        as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        dask = run_ensemble(Ishigami(ins, process_batch=8), design, tmp_path / "dask",
                            client=client)  # fmt: skip
    assert list(dask.table["index"]) == list(range(design.rows))
    assert dask.table["worker"].str.startswith(("inproc://", "tcp://")).all()
    a = summarise(design, inline.table, "x")[0]
    b = summarise(design, dask.table, "x")[0]
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
