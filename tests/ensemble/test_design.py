"""Designs: reproducible from the seed, exact marginals, rank correlations, structure."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brineworks.ensemble.design import make_design, quantile
from brineworks.ensemble.spec import UncertainSpec, parse_uncertain
from brineworks.errors import InputError


def spec(name: str = "a", kind: str = "money", **kw: Any) -> dict[str, Any]:
    return {"name": name, "target": f"t.{name}", "kind": kind, **kw}


INPUTS = parse_uncertain([
    spec("u", distribution="uniform", low=1.0, high=3.0, kind="process"),
    spec("t", distribution="triangular", low=0.0, mode=0.2, high=1.0),
    spec("n", distribution="normal", mean=5.0, sd=1.0, low=3.0, kind="process"),
    spec("l", distribution="lognormal", median=2.0, sigma=0.5),
    spec("d", distribution="discrete", values="low|mid|high", weights=[1, 2, 1]),
])  # fmt: skip


@pytest.mark.parametrize("method", ["mc", "lhs", "sobol", "morris"])
def test_same_seed_same_design_other_seed_other(method: str) -> None:
    a = make_design(INPUTS, method, 120, seed=7)
    b = make_design(INPUTS, method, 120, seed=7)
    c = make_design(INPUTS, method, 120, seed=8)
    assert a.digest() == b.digest()
    assert np.array_equal(a.unit, b.unit)
    assert a.row(3) == b.row(3)
    assert a.digest() != c.digest()


def test_structure_of_each_method() -> None:
    d = len(INPUTS)
    sobol = make_design(INPUTS, "sobol", 120, 0, tornado=False)
    assert sobol.base == 16  # the largest power of two with base x (d + 2) <= 120
    assert sobol.n_main == sobol.rows == 16 * (d + 2)
    morris = make_design(INPUTS, "morris", 120, 0)
    assert morris.n_main == 20 * (d + 1)
    assert morris.rows == morris.n_main + 1 + 2 * d
    # Morris probabilities lie on the cell midpoints of the 4-level grid
    assert set(np.round(morris.unit[: morris.n_main].ravel() * 8, 9)) <= {1.0, 3.0, 5.0, 7.0}
    with pytest.raises(InputError, match="at least"):
        make_design(INPUTS, "sobol", 10, 0)
    with pytest.raises(InputError, match="one of mc, lhs, sobol, morris"):
        make_design(INPUTS, "halton", 10, 0)


def test_tornado_rows_are_one_at_a_time() -> None:
    design = make_design(INPUTS, "mc", 10, 0)
    base = design.row(design.n_main)
    for j, name in enumerate(design.names):
        lo, hi = design.row(design.n_main + 1 + 2 * j), design.row(design.n_main + 2 + 2 * j)
        assert {k for k in base if lo[k] != base[k]} <= {name}
        assert {k for k in base if hi[k] != base[k]} <= {name}
    assert design.row(design.n_main)["d"] == "mid"
    assert design.block(0) == "sample"
    assert design.block(design.rows - 1) == "tornado"


def test_marginals_match_the_distributions() -> None:
    design = make_design(INPUTS, "lhs", 4000, 3, tornado=False)
    u = design.values("u")
    assert u.min() >= 1.0
    assert u.max() <= 3.0
    assert abs(np.mean(u) - 2.0) < 0.01
    t = design.values("t")
    assert abs(np.mean(t) - (0.0 + 0.2 + 1.0) / 3) < 0.01  # triangular mean
    n = design.values("n")
    assert n.min() >= 3.0  # truncated
    logn = design.values("l")
    assert abs(np.median(logn) - 2.0) < 0.05
    d = design.values("d")
    share = {k: float(np.mean(d == k)) for k in ("low", "mid", "high")}
    assert share["mid"] == pytest.approx(0.5, abs=0.02)
    assert share["low"] == pytest.approx(0.25, abs=0.02)


@settings(max_examples=40, deadline=None)
@given(
    low=st.floats(-1e3, 1e3),
    width=st.floats(1e-3, 1e3),
    mode_at=st.floats(0, 1),
    p=st.lists(st.floats(0, 1), min_size=2, max_size=20),
)
def test_triangular_quantile_is_monotone_within_support(
    low: float, width: float, mode_at: float, p: list[float]
) -> None:
    s = UncertainSpec(name="x", target="x", kind="money", distribution="triangular", low=low,
                      mode=low + mode_at * width, high=low + width)  # fmt: skip
    q = np.sort(np.asarray(p))
    x = quantile(s, q)
    assert np.all(np.diff(x) >= -1e-9 * max(1.0, abs(low) + width))
    assert np.all(x >= low - 1e-9 * width)
    assert np.all(x <= low + width + 1e-9 * width)


def test_rank_correlations_by_gaussian_copula() -> None:
    inputs = parse_uncertain([
        spec("a", distribution="uniform", low=0, high=1, correlations={"b": 0.7}),
        spec("b", distribution="lognormal", median=1, sigma=1),
        spec("c", distribution="triangular", low=0, mode=1, high=2, correlations={"a": -0.4}),
    ])  # fmt: skip
    design = make_design(inputs, "mc", 20000, 11, tornado=False)
    ranks = np.argsort(np.argsort(design.unit, axis=0), axis=0)
    rho = np.corrcoef(ranks.T)
    assert rho[0, 1] == pytest.approx(0.7, abs=0.02)
    assert rho[0, 2] == pytest.approx(-0.4, abs=0.02)
    assert abs(rho[1, 2]) < 0.05 + abs(0.7 * 0.4)  # implied, not imposed
    # marginals unchanged by the copula
    assert np.mean(design.values("a")) == pytest.approx(0.5, abs=0.01)
    with pytest.raises(InputError, match="correlations only with"):
        make_design(inputs, "sobol", 100, 0)
    bad = parse_uncertain([
        spec("a", distribution="uniform", low=0, high=1, correlations={"b": 0.9, "c": 0.9}),
        spec("b", distribution="uniform", low=0, high=1, correlations={"c": -0.9}),
        spec("c", distribution="uniform", low=0, high=1),
    ])  # fmt: skip
    with pytest.raises(InputError, match="positive-definite"):
        make_design(bad, "mc", 10, 0)


def test_process_samples_share_parks() -> None:
    design = make_design(INPUTS, "mc", 100, 5, tornado=False, process_samples=10)
    groups = design.process_groups()
    assert len(groups) == 10
    assert all(len(g) == 10 for g in groups)
    # money inputs stay fresh in every row
    assert len(set(design.values("t"))) == 100
    with pytest.raises(InputError, match="only with method mc or lhs"):
        make_design(INPUTS, "sobol", 100, 5, process_samples=10)


def test_sobol_rows_reuse_parks_for_money_columns() -> None:
    design = make_design(INPUTS, "sobol", 120, 0, tornado=False)
    n_process = len(design.process_names)
    # per base sample: A, B and the AB matrices of the process inputs need a park each
    assert len(design.process_groups()) == design.base * (2 + n_process)
