"""The build-plan MILP: optimum against brute force, structure, names, infeasibility reports,
objectives and the time-indexed bookkeeping (lead time, lifetime, capital profile)."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import pyomo.environ as pyo
import pytest

from brineworks.plan.model import (
    CONSTRAINT_NAME,
    PlanInfeasibleError,
    build_model,
    diagnose_infeasibility,
    optimise,
    pareto_front,
    solve,
)
from brineworks.plan.superstructure import ContinuousSize, SizeOption
from tests.plan.small import N, brute_force, small_instance, with_discrete_sizes

# ---- the optimum against brute-force enumeration (3 plants x 5 years) ------------------------


@pytest.mark.parametrize(
    "instance",
    [
        pytest.param(small_instance(), id="default"),
        pytest.param(small_instance(budget=3.2e8), id="tight-budget", marks=pytest.mark.slow),
        pytest.param(
            small_instance(prices=(2200.0, 6000.0, 60000.0), rate=0.12),
            id="low-prices",
            marks=pytest.mark.slow,
        ),
        pytest.param(
            with_discrete_sizes(
                small_instance(),
                "lithium",
                [SizeOption(2.0e3, 2.0e8, 6.0e6), SizeOption(4.0e3, 3.0e8, 9.0e6)],
            ),
            id="two-lithium-sizes",
        ),
    ],
)
def test_optimum_equals_brute_force(instance) -> None:  # type: ignore[no-untyped-def]
    """HiGHS at a zero gap finds the NPV of the best of every build schedule, each evaluated by
    an independent LP per year (scipy linprog on the same data)."""
    best, schedule = brute_force(instance)
    result = solve(instance, mip_gap=0.0)
    assert result.solver.status == "optimal"
    assert result.npv_cny == pytest.approx(best, rel=1e-7)
    chosen = {b.unit: b.year - instance.years[0] for b in result.builds}
    expected = {t: c[1] for t, c in schedule.items() if c is not None}
    # the same schedule unless another one ties
    if chosen != expected:
        assert math.isclose(result.npv_cny, best, rel_tol=1e-9)


@pytest.mark.slow
def test_lp_relaxation_bounds_the_optimum() -> None:
    data = small_instance(budget=3.2e8)
    milp = solve(data, mip_gap=0.0)
    lp = solve(data, relax=True)
    assert lp.npv_cny >= milp.npv_cny - 1e-6 * abs(milp.npv_cny)
    assert lp.npv_cny > milp.npv_cny  # the budget makes the relaxation strictly better here


# ---- structure ------------------------------------------------------------------------------


def test_structure_counts_small_case() -> None:
    """3 plants x 1 size x 4 start years (lead time 1 in a 5-year plan) = 12 binaries;
    activities 3 x 5; sales of KCl, soda ash, Li2CO3 (15); purchases of brine, limestone and
    soda ash (15); disposal of salt (5); one fixed zero. Constraints: 3 build counts,
    3 x 5 capacities, 6 commodities x 5 balances, 5 pumping limits, 5 soda-ash market caps
    (the only finite cap) and 5 budget rows."""
    pm = build_model(small_instance())
    m = pm.m
    binaries = [v for v in m.component_data_objects(pyo.Var) if v.is_binary()]
    assert len(binaries) == 12
    assert m.nvariables() == 12 + 15 + 15 + 15 + 5 + 1
    assert m.nconstraints() == 3 + 15 + 30 + 5 + 5 + 5
    groups = {g.kind for g in pm.named.values()}
    assert groups == {"build", "capacity", "balance", "resource", "market", "budget"}


def test_structure_continuous_size_and_floors() -> None:
    """A continuous size adds a binary and a size per start year and two hard size links per
    start year; the NPV floor and the epsilon constraint are one row each."""
    data = small_instance()
    techs = dict(data.technologies)
    techs["soda"] = replace(
        techs["soda"], sizes=(), continuous=ContinuousSize(1.0e4, 8.0e4, 5.0e7, 3000.0, 0.03)
    )
    data = replace(data, technologies=techs)
    pm = build_model(data, npv_floor=0.0, utilisation_floor=0.1)
    m = pm.m
    starts = N - 1
    assert len(m.cbuild) == starts
    assert len(m.csize) == starts
    assert len(m.build) == 2 * starts
    assert len(m.component("soda-size-capacity-max")) == starts
    assert pm.named["soda-size-capacity-min"].hard
    assert len(m.component("park-npv-floor-min")) == 1
    assert pm.named["park-utilisation-epsilon-min"].scalar


def test_constraint_names_follow_the_pattern() -> None:
    data = small_instance()
    cs = dict(data.commodities)
    cs["Li2CO3"] = replace(cs["Li2CO3"], min_sales=(0.0, 0.0, 100.0, 100.0, 100.0))
    data = replace(data, commodities=cs, quotas={"fresh_water": (1e6,) * N, "power": (1e6,) * N})
    pm = build_model(data, npv_floor=0.0, utilisation_floor=0.0)
    names = {c.name for c in pm.m.component_objects(pyo.Constraint, active=True)}
    assert names == set(pm.named)
    for name in names:
        assert CONSTRAINT_NAME.match(name), name
        unit, _kind, _attr, side = name.split("-")
        assert side in ("max", "min", "eq")
        assert unit in {*data.technologies, *data.commodities, "park"}
    assert {
        "park-quota-fresh_water-max",
        "park-quota-power-max",
        "Li2CO3-market-sales-min",
        "park-npv-floor-min",
    } <= names


# ---- infeasibility --------------------------------------------------------------------------


def _with_min_sales(data, name, sales):  # type: ignore[no-untyped-def]
    cs = dict(data.commodities)
    cs[name] = replace(cs[name], min_sales=tuple(sales))
    return replace(data, commodities=cs)


def test_infeasible_plan_names_the_conflicting_constraints() -> None:
    """Lithium carbonate promised in the first year, but a plant takes a year to build: the
    report names the promise and the capacity of that year, and nothing else."""
    data = _with_min_sales(small_instance(), "Li2CO3", [3000.0, 0, 0, 0, 0])
    with pytest.raises(PlanInfeasibleError) as exc:
        solve(data)
    report = exc.value.report
    assert set(report.conflict) == {
        "Li2CO3-market-sales-min[2030]",
        "lithium-capacity-activity-max[2030]",
    }
    assert [v.label() for v in report.relaxed] == ["Li2CO3-market-sales-min[2030]"]
    assert report.relaxed[0].amount == pytest.approx(3000.0)
    assert "Li2CO3-market-sales-min" in str(exc.value)


@pytest.mark.slow
def test_infeasible_sales_over_the_market_cap() -> None:
    """A promise above the market cap conflicts with the cap in the same years only."""
    data = _with_min_sales(small_instance(), "soda_ash", [0, 0, 5.0e4, 0, 0])
    report = diagnose_infeasibility(data)
    assert set(report.conflict) == {
        "soda_ash-market-sales-min[2032]",
        "soda_ash-market-sales-max[2032]",
    }
    assert sum(v.amount for v in report.relaxed) == pytest.approx(1.0e4)


@pytest.mark.slow
def test_infeasible_budget_and_promise() -> None:
    """A promise of KCl that needs the potash plant, whose capital the budget cannot pay."""
    data = _with_min_sales(small_instance(budget=1.0e8), "KCl", [0, 0, 0, 0, 5.0e4])
    with pytest.raises(PlanInfeasibleError) as exc:
        solve(data)
    conflict = exc.value.report.conflict
    assert "KCl-market-sales-min[2034]" in conflict
    assert "potash-capacity-activity-max[2034]" in conflict
    assert any(c.startswith("park-budget-capex-max") for c in conflict)


@pytest.mark.slow
def test_infeasible_epsilon_above_the_best_utilisation() -> None:
    data = small_instance()
    best = solve(data, "utilisation").utilisation["value"]
    with pytest.raises(PlanInfeasibleError) as exc:
        solve(data, utilisation_floor=best + 0.05)
    assert "park-utilisation-epsilon-min" in exc.value.report.conflict


# ---- objectives ------------------------------------------------------------------------------


def test_utilisation_objective_respects_the_npv_floor() -> None:
    data = small_instance()
    best = solve(data)
    util = optimise(data, "utilisation", npv_floor_share=0.8)
    assert util.npv_cny >= 0.8 * best.npv_cny - 1e3
    assert util.utilisation["value"] >= best.utilisation["value"] - 1e-9
    assert util.npv_floor == pytest.approx(0.8 * best.npv_cny)


@pytest.mark.slow
def test_pareto_front_is_monotone() -> None:
    front = pareto_front(small_instance(), points=4, mip_gap=0.0)
    u = [p.utilisation["value"] for p in front.points]
    v = [p.npv_cny for p in front.points]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(u))
    assert all(b <= a + 1e-3 for a, b in itertools.pairwise(v))
    assert len(front.table()) == 4


def test_utilisation_counts_net_element_in_products() -> None:
    """The utilisation of a plan is Σ w · (element sold − bought) / resource, from its sales."""
    data = small_instance()
    r = solve(data)
    util = data.utilisation
    for el, w in util.weights.items():
        sold = sum(
            y["sales_t"][c.name] * c.elements.get(el, 0.0)
            for y in r.yearly
            for c in data.commodities.values()
            if c.sellable
        )
        bought = sum(
            y["purchases_t"][c.name] * c.elements.get(el, 0.0)
            for y in r.yearly
            for c in data.commodities.values()
            if c.buyable and c.name != data.brine
        )
        assert r.utilisation["by_element"][el] == pytest.approx(
            (sold - bought) / util.resource_t[el], abs=1e-9
        )
        assert w > 0
    total = sum(w * r.utilisation["by_element"][el] for el, w in util.weights.items())
    assert r.utilisation["value"] == pytest.approx(total)


# ---- time-indexed bookkeeping ----------------------------------------------------------------


def test_lead_time_capital_profile_and_salvage() -> None:
    """A plant with a two-year lead time: capital spent half and half in its first two years,
    capacity from the third year, the cash flows discounted at the end of each year."""
    data = small_instance(budget=1e12)
    techs = {"potash": replace(data.technologies["potash"], lead_years=2, life_years=4)}
    data = replace(data, technologies=techs, budget=None)
    r = solve(data, mip_gap=0.0)
    (b,) = r.builds
    assert b.online_year == b.year + 2
    by_year = {y["year"]: y for y in r.yearly}
    cap = techs["potash"].sizes[0].capex
    assert by_year[b.year]["capex_cny"] == pytest.approx(cap / 2)
    assert by_year[b.year + 1]["capex_cny"] == pytest.approx(cap / 2)
    assert by_year[b.year + 1]["capacity_t_per_yr"]["potash"] == 0.0
    assert by_year[b.online_year]["capacity_t_per_yr"]["potash"] == pytest.approx(1.0e5)
    cash = sum(y["discounted_cash_flow_cny"] for y in r.yearly)
    online = b.online_year - data.years[0]
    used = N - online
    salvage = cap * max(0.0, 1 - used / 4) * data.discount(N - 1)
    assert r.npv_cny == pytest.approx(cash + salvage, rel=1e-9)


def test_existing_capacity_and_minimum_load() -> None:
    """Existing capacity runs without a build; a minimum load forces it to run at a loss."""
    data = small_instance(prices=(500.0, 9000.0, 60000.0))
    techs = dict(data.technologies)
    techs["potash"] = replace(
        techs["potash"], existing=(5.0e4,) * N, existing_fixed_opex=(1e6,) * N, min_load=0.5
    )
    data = replace(data, technologies=techs)
    r = solve(data, mip_gap=0.0)
    for y in r.yearly:
        assert y["activity_t"]["potash"] >= 0.5 * 5.0e4 - 1e-6
        assert y["fixed_opex_cny"] >= 1e6
    assert "potash" not in {b.unit for b in r.builds}


def test_utilisation_objective_is_scale_invariant() -> None:
    """A resource 1e4 times larger (tiny coefficients per t, as chlorine's in a real brine)
    gives the same plan and a utilisation 1e4 times smaller: the solver sees it scaled."""
    data = small_instance()
    big = replace(
        data,
        utilisation=replace(
            data.utilisation,
            resource_t={k: 1e4 * v for k, v in data.utilisation.resource_t.items()},
        ),
    )
    a, b = solve(data, "utilisation", mip_gap=0.0), solve(big, "utilisation", mip_gap=0.0)
    assert b.utilisation["value"] == pytest.approx(a.utilisation["value"] / 1e4, rel=1e-6)
    assert [(x.unit, x.year) for x in b.builds] == [(x.unit, x.year) for x in a.builds]
    assert a.utilisation["value"] > solve(data).utilisation["value"]
