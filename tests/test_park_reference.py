"""The faster park solves what it solved before: every built-in scenario's products and
element balance against the numbers of the solver before the park was made faster (main at
f81e6f0 with the charge-excess fix 476116d, its
searches solved tight), and the warm solve (memoised units and loops, warm-started searches,
predicted bisections) against a cold one.

The reference is ``tests/data/park_reference.json``, written by
``benchmarks/park_reference.py --tight`` at that commit (see its docstring). Values are
compared relative to themselves, with a floor of a millionth of their stream (a product's
total flow, an element's total input) for components carried at round-off levels.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from brineworks.scenario import builtin_scenarios, load_scenario
from brineworks.simulate import SimulationResult, simulate
from tests.conftest import DATA

REFERENCE = json.loads((DATA / "park_reference.json").read_text("utf-8"))

AGAINST_REFERENCE = 3e-7
"""Largest relative difference from the reference numbers (both backends). [-] Most numbers
agree to 1e-8; the largest differences (up to 1e-7) are trace co-precipitates of a product
(calcite in East Taijinar's Li2CO3, 0.014 % of it), whose amount moves within the recycle
loops' convergence tolerance (1e-11 of the park's feed: 1e-11 of the product)."""

WARM_AGAINST_COLD = 3e-7
"""Largest relative difference between a warm and a cold solve (as above). [-]"""

FLOOR = 1e-6
"""Floor of a comparison, relative to the value's stream: a component below a millionth of
its stream is compared with that millionth (a product's OH- or H+, a charge excess carried at
round-off, differs by 1e-15 of the stream). [-]"""


def numbers(result: SimulationResult) -> dict[str, Any]:
    """Products [t/yr], element balance [t/yr] and the specs' fractions, with the baseline's
    (the form of the reference file)."""
    out: dict[str, Any] = {
        "products_t_per_yr": result.products_t_per_yr(),
        "element_balance_t_per_yr": result.element_balance(),
        "spec_fractions": {s.name: s.fraction for s in result.specs},
    }
    if result.baseline is not None:
        out["baseline"] = numbers(result.baseline)
    return out


def differences(got: Mapping[str, Any], want: Mapping[str, Any]) -> list[tuple[float, str]]:
    """Relative difference of every number of ``got`` from ``want`` (with its path), largest
    first; the floor is :data:`FLOOR` of the value's product stream or element input."""
    out: list[tuple[float, str]] = []
    assert set(got) == set(want), set(got) ^ set(want)
    assert set(got["products_t_per_yr"]) == set(want["products_t_per_yr"])
    for stream, flows in want["products_t_per_yr"].items():
        mine = got["products_t_per_yr"][stream]
        floor = FLOOR * sum(abs(v) for v in flows.values())
        for comp in set(flows) | set(mine):  # a trace may be absent on one side
            w, g = flows.get(comp, 0.0), mine.get(comp, 0.0)
            out.append((abs(g - w) / max(abs(w), floor, 1e-300), f"products/{stream}/{comp}"))
    for el, row in want["element_balance_t_per_yr"].items():
        assert set(got["element_balance_t_per_yr"][el]) == set(row), el
        floor = FLOOR * (row["in"] + row["reagents"] + row["stock"])
        for fate, w in row.items():
            g = got["element_balance_t_per_yr"][el][fate]
            out.append((abs(g - w) / max(abs(w), floor, 1e-300), f"elements/{el}/{fate}"))
    for name, w in want["spec_fractions"].items():
        g = got["spec_fractions"][name]
        out.append((abs(g - w) / max(abs(w), 1e-300), f"specs/{name}"))
    if "baseline" in want:
        out += [(d, f"baseline/{k}") for d, k in differences(got["baseline"], want["baseline"])]
    return sorted(out, reverse=True)


def test_the_reference_covers_every_built_in_scenario() -> None:
    assert REFERENCE["commit"].startswith("f81e6f0")
    assert set(REFERENCE["scenarios"]) == set(builtin_scenarios())
    for by_backend in REFERENCE["scenarios"].values():
        assert set(by_backend) == {"phreeqc", "native"}
        for data in by_backend.values():
            assert data["products_t_per_yr"], "every scenario makes something"


def test_differences_use_the_floor_for_traces() -> None:
    empty: dict[str, Any] = {"element_balance_t_per_yr": {}, "spec_fractions": {}}
    want = {"products_t_per_yr": {"KCl": {"KCl": 1e6, "OHminus": 1e-8}}, **empty}
    got = {"products_t_per_yr": {"KCl": {"KCl": 1e6 * (1 + 1e-9), "OHminus": 3e-8}}, **empty}
    (first, where), (second, _) = differences(got, want)
    assert where == "products/KCl/OHminus"
    assert first == pytest.approx(2e-8 / (FLOOR * (1e6 + 1e-8)))
    assert second == pytest.approx(1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["phreeqc", "native"])
@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_products_and_balances_match_the_reference(name: str, backend: str) -> None:
    scenario = load_scenario(name).model_copy(update={"backend": backend})
    worst = differences(numbers(simulate(scenario)), REFERENCE["scenarios"][name][backend])
    assert worst[0][0] <= AGAINST_REFERENCE, worst[:3]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_a_warm_solve_matches_a_cold_one(name: str) -> None:
    scenario = load_scenario(name)
    warm = numbers(simulate(scenario))
    cold = numbers(simulate(scenario, warm=False))
    worst = differences(warm, cold)
    assert worst[0][0] <= WARM_AGAINST_COLD, worst[:3]
