"""Sensitivity: Sobol indices of the Ishigami function against their analytic values, Morris
screening, percentiles, failed and constant outputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from brineworks.ensemble.design import Design, make_design, salib_problem
from brineworks.ensemble.sensitivity import percentiles, ranking, summarise
from brineworks.ensemble.spec import parse_uncertain
from brineworks.ensemble.toy import ishigami_indices

PI = math.pi
INPUTS = parse_uncertain([
    {"name": n, "target": n, "kind": "process", "distribution": "uniform", "low": -PI, "high": PI}
    for n in ("x1", "x2", "x3")
])  # fmt: skip


def table_of(design: Design, fail: np.ndarray | None = None) -> pd.DataFrame:
    """Results of the Ishigami function (a = 7, b = 0.1) for every row, vectorised."""
    x1, x2, x3 = (design.values(n) for n in ("x1", "x2", "x3"))
    y = np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)
    status = np.where(fail if fail is not None else False, "failed", "ok")
    return pd.DataFrame({
        "index": np.arange(design.rows), "status": status, "out:y": y,
        "out:flat": np.full(design.rows, 2.5),
    })  # fmt: skip


def test_sobol_indices_of_ishigami_match_analytic_values() -> None:
    design = make_design(INPUTS, "sobol", 4096 * 5, seed=42)
    ens, full = summarise(design, table_of(design), "ishigami")
    exact = ishigami_indices()
    for name, (s1, st) in exact.items():
        got = ens["sensitivity"]["y"][name]
        assert got["S1"] == pytest.approx(s1, abs=0.03), name
        assert got["ST"] == pytest.approx(st, abs=0.03), name
        conf = full["outputs"]["y"]["sobol"][name]
        assert 0 < conf["ST_conf"] < 0.1
    assert [n for n, _ in ranking(full, "y")] == ["x1", "x2", "x3"]


def test_without_failures_the_indices_are_salibs() -> None:
    from SALib.analyze import morris, sobol

    design = make_design(INPUTS, "sobol", 256 * 5, seed=4, tornado=False)
    y = table_of(design)["out:y"].to_numpy()
    _, full = summarise(design, table_of(design), "ishigami")
    ref = sobol.analyze(salib_problem(INPUTS), y, calc_second_order=False, seed=design.seed + 1)
    for j, n in enumerate(design.names):
        mine = full["outputs"]["y"]["sobol"][n]
        for key in ("S1", "ST", "S1_conf", "ST_conf"):
            assert mine[key] == pytest.approx(ref[key][j], rel=1e-9, abs=1e-12), (n, key)
    design = make_design(INPUTS, "morris", 30 * 4, seed=4, tornado=False)
    y = table_of(design)["out:y"].to_numpy()
    _, full = summarise(design, table_of(design), "ishigami")
    ref = morris.analyze(salib_problem(INPUTS), design.raw, y, num_levels=4, seed=design.seed + 1)
    for j, n in enumerate(design.names):
        mine = full["outputs"]["y"]["morris"][n]
        for key in ("mu_star", "mu", "sigma", "mu_star_conf"):
            assert mine[key] == pytest.approx(ref[key][j], rel=1e-9, abs=1e-12), (n, key)


def test_failed_rows_leave_out_only_what_they_touch() -> None:
    design = make_design(INPUTS, "sobol", 1024 * 5, seed=1, tornado=False)
    fail = np.zeros(design.rows, dtype=bool)
    fail[[1, 5 * 10 + 2]] = True  # AB_1 of base sample 0, AB_2 of base sample 10
    ens, full = summarise(design, table_of(design, fail), "ishigami")
    assert ens["failed"] == 2
    assert full["used"]["y"] == {"x1": 1023, "x2": 1023, "x3": 1024}
    assert ens["sensitivity"]["y"]["x2"]["S1"] == pytest.approx(0.442, abs=0.06)
    design = make_design(INPUTS, "morris", 50 * 4, seed=1, tornado=False)
    fail = np.zeros(design.rows, dtype=bool)
    fail[5] = True  # the second point of trajectory 1: two steps lost
    _, full = summarise(design, table_of(design, fail), "ishigami")
    assert sum(full["used"]["y"].values()) == 50 * 3 - 2


def test_morris_screens_x1_first() -> None:
    design = make_design(INPUTS, "morris", 100 * 4, seed=3)
    ens, full = summarise(design, table_of(design), "ishigami")
    m = full["outputs"]["y"]["morris"]
    assert m["x1"]["mu_star"] > m["x3"]["mu_star"] > 0
    assert ens["sensitivity"]["y"]["x1"] == {"S1": None, "ST": None}


def test_constant_output_has_zero_indices_and_no_warning() -> None:
    design = make_design(INPUTS, "sobol", 64 * 5, seed=1)
    ens, full = summarise(design, table_of(design), "ishigami")
    assert full["outputs"]["flat"]["constant"]
    assert all(v == {"S1": 0.0, "ST": 0.0} for v in ens["sensitivity"]["flat"].values())
    assert ens["outputs"]["flat"] == {"p10": 2.5, "p50": 2.5, "p90": 2.5, "mean": 2.5}


def test_mc_gives_first_order_and_rank_correlation() -> None:
    design = make_design(INPUTS, "lhs", 2000, seed=9)
    ens, full = summarise(design, table_of(design), "ishigami")
    s1 = {n: ens["sensitivity"]["y"][n]["S1"] for n in ("x1", "x2", "x3")}
    assert s1["x2"] == pytest.approx(0.442, abs=0.08)
    assert s1["x1"] == pytest.approx(0.314, abs=0.08)
    assert ens["sensitivity"]["y"]["x1"]["ST"] is None
    assert full["outputs"]["y"]["spearman"]["x1"] > 0.3  # y rises with sin x1 over the range


def test_tornado_swings() -> None:
    design = make_design(INPUTS, "mc", 10, seed=0)
    _, full = summarise(design, table_of(design), "ishigami")
    t = full["tornado"]["y"]
    assert t["base"] == pytest.approx(0.0, abs=1e-12)  # all inputs at 0
    x1 = t["inputs"]["x1"]
    assert x1["high"] - x1["low"] == pytest.approx(2 * math.sin(0.8 * PI))
    assert t["inputs"]["x3"]["swing"] == pytest.approx(0.0, abs=1e-12)  # sin x1 = 0 at base


def test_percentiles() -> None:
    y = np.arange(101, dtype=float)
    assert percentiles(y) == {"p10": 10.0, "p50": 50.0, "p90": 90.0, "mean": 50.0}
    assert percentiles(np.array([np.nan]))["p50"] is None
