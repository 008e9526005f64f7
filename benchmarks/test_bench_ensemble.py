"""Ensemble benchmarks (``make bench``): money-only samples per second, and park samples per
worker with the scaling from one to two workers.

* Money level: 10,000 samples of four money inputs (two prices, the capital-cost factor, the
  discount rate) on one solved ``qarhan-circular`` park (solved once, outside the timing), with
  the park's economics (:func:`brineworks.ensemble.money.economics_money`: NPV, IRR, payback
  from :func:`brineworks.economics.evaluate`) as the money model; timed on a running two-worker
  local cluster and in one process. Target: under 10 s.
* Process level: the same park samples of ``qarhan-circular`` (its process inputs) on warm
  one- and two-worker local clusters; the ratio of their times is the scaling (target ≥ 1.8).
  The CPU share, (CPU seconds of the parks)/(workers × wall time), tells whether the workers
  had their cores: on a machine shared with other work it falls below 1 and so does the
  scaling. The busy share, (wall seconds inside the park tasks)/(workers × wall time), is what
  the scheduling leaves: 1 − busy is the machinery's overhead and idle time, and with dedicated
  cores the scaling would be about 2 × busy(2 workers)/busy(1 worker).

The numbers are in ``extra_info`` (``--benchmark-json``); run with ``-s`` to see them printed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from brineworks.ensemble.design import make_design
from brineworks.ensemble.model import ParkModel, ParkState
from brineworks.ensemble.runner import run_ensemble
from brineworks.ensemble.spec import parse_uncertain
from brineworks.ensemble.toy import Presolved
from brineworks.scenario import load_scenario

PARKS = 6  # park samples per timing (each a full qarhan-circular solve)


def _cluster(workers: int) -> Any:
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    return cluster, Client(cluster)


def _warm() -> str:
    from brineworks.chemistry.backend import get_backend

    return get_backend("phreeqc").name


@pytest.fixture(scope="module")
def solved() -> tuple[ParkModel, ParkState]:
    money = parse_uncertain([
        {"name": "Li2CO3 price", "target": "prices.Li2CO3", "kind": "money",
         "distribution": "discrete", "values": [75000, 150000, 300000, 560000]},
        {"name": "KCl price", "target": "prices.KCl", "kind": "money",
         "distribution": "triangular", "low": 2500, "mode": 2900, "high": 4000},
        {"name": "capex factor", "target": "capex.factor", "kind": "money",
         "distribution": "triangular", "low": 0.8, "mode": 1.0, "high": 1.5},
        {"name": "discount rate", "target": "finance.discount_rate", "kind": "money",
         "distribution": "uniform", "low": 0.06, "high": 0.10},
    ])  # fmt: skip
    model = ParkModel(load_scenario("qarhan-circular"), money)  # economics_money
    return model, model.solve_process({})


def test_money_only_samples(benchmark: Any, solved: Any, tmp_path: Path) -> None:
    model, state = solved
    design = make_design(model.inputs, "mc", 10_000, seed=1, tornado=False)
    presolved = Presolved(model, state)
    cluster, client = _cluster(2)
    try:
        runs: list[float] = []

        def on_cluster() -> Any:
            t0 = time.perf_counter()
            run = run_ensemble(presolved, design, tmp_path / f"d{len(runs)}", client=client)
            runs.append(time.perf_counter() - t0)
            return run

        run = benchmark.pedantic(on_cluster, rounds=2, iterations=1)
    finally:
        client.close()
        cluster.close()
    t0 = time.perf_counter()
    inline = run_ensemble(presolved, design, tmp_path / "inline", workers=0)
    t_inline = time.perf_counter() - t0
    assert (run.table["status"] == "ok").all()
    assert len(run.table) == 10_000
    assert run.parks == 1
    npv = inline.table["out:money.npv_cny"]
    assert npv.notna().all()
    assert npv.nunique() > 9_000
    benchmark.extra_info.update(
        samples=10_000, seconds_on_2_workers=min(runs), seconds_in_process=t_inline,
        load_average=os.getloadavg()[0],
    )  # fmt: skip
    print(
        f"\nmoney-only: 10,000 samples in {min(runs):.2f} s on 2 workers (warm cluster), "
        f"{t_inline:.2f} s in one process; load average {os.getloadavg()[0]:.1f}"
    )


def test_park_samples_scaling(benchmark: Any, tmp_path: Path) -> None:
    scenario = load_scenario("qarhan-circular")
    process = [u for u in scenario.uncertain if u.kind == "process"]
    model = ParkModel(scenario, process)
    design = make_design(process, "mc", PARKS, seed=3, tornado=False)
    seconds: dict[int, float] = {}
    share: dict[int, float] = {}
    busy: dict[int, float] = {}
    for workers in (1, 2):
        cluster, client = _cluster(workers)
        try:
            client.run(_warm)  # each worker loads its PHREEQC database before the timing
            t0 = time.perf_counter()
            if workers == 2:
                run = benchmark.pedantic(
                    run_ensemble, args=(model, design, tmp_path / "w2"),
                    kwargs={"client": client}, rounds=1, iterations=1,
                )  # fmt: skip
            else:
                run = run_ensemble(model, design, tmp_path / "w1", client=client)
            seconds[workers] = time.perf_counter() - t0
            share[workers] = float(run.table["cpu_seconds"].sum()) / (workers * seconds[workers])
            busy[workers] = float(run.table["seconds"].sum()) / (workers * seconds[workers])
        finally:
            client.close()
            cluster.close()
        assert run.parks == PARKS
    ratio = seconds[1] / seconds[2]
    benchmark.extra_info.update(
        parks=PARKS, seconds_1_worker=seconds[1], seconds_2_workers=seconds[2],
        seconds_per_park_per_worker=seconds[1] / PARKS, scaling=ratio,
        cpu_share_1_worker=share[1], cpu_share_2_workers=share[2],
        busy_1_worker=busy[1], busy_2_workers=busy[2],
        load_average=os.getloadavg()[0],
    )  # fmt: skip
    print(
        f"\npark samples: {PARKS} in {seconds[1]:.1f} s on 1 worker "
        f"({seconds[1] / PARKS:.1f} s per park), {seconds[2]:.1f} s on 2 workers: "
        f"scaling x{ratio:.2f}; CPU share {share[1]:.2f} (1 worker), {share[2]:.2f} (2 workers); "
        f"busy {busy[1]:.2f}, {busy[2]:.2f}; load average {os.getloadavg()[0]:.1f}"
    )
