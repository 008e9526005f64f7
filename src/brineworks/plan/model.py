"""The build-plan MILP (Pyomo, solved by HiGHS through ``appsi_highs``).

One ``define_<family>_constraints(model, data)`` function per family of constraints, as PyPSA
does; every constraint is named ``"{unit}-{kind}-{attr}-{side}"`` (``side`` is ``max``,
``min`` or ``eq``) and indexed by plan year, so that an infeasibility report reads like a
sentence: ``Mg-market-sales-min[2029]`` conflicts with ``park-budget-capex-max[2027]``.

Formulation (``docs/plan.md`` has it with equations):

* decisions: a binary per technology, size option and start year of construction (discrete
  sizes), or a binary and a continuous size per start year (a fixed charge); activity of each
  technology per year [t/yr of its main product]; sales, purchases and disposal of each
  commodity per year [t/yr];
* capacity online ``lead_years`` after the start and for ``life_years``; capital spent evenly
  over the construction years; fixed opex while online;
* per year: activity within capacity (× availability), commodity balances, market caps and
  minimum sales, bought supply limits, brine pumping limit, fresh-water and power quotas,
  capital budget;
* objectives: NPV (real, end-of-year discounting, straight-line salvage at the horizon);
  comprehensive utilisation subject to NPV ≥ a floor; a Pareto front between them by the
  epsilon-constraint method.

An infeasible plan is never reported as a bare status: :func:`diagnose_infeasibility` solves an
elastic copy (one slack per named constraint and year, total weighted slack minimised) and a
deletion filter over the named constraint groups, which leaves an irreducible set of groups
that cannot hold together.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import pyomo.environ as pyo

from brineworks.errors import BrineworksError, InputError
from brineworks.plan.superstructure import CommodityData, PlanData, TechnologyData

__all__ = [
    "CONSTRAINT_NAME",
    "InfeasibilityReport",
    "NamedConstraint",
    "ParetoFront",
    "PlanInfeasibleError",
    "PlanModel",
    "PlanResult",
    "PlanSolverError",
    "Violation",
    "build_model",
    "define_balance_constraints",
    "define_budget_constraints",
    "define_build_constraints",
    "define_capacity_constraints",
    "define_market_constraints",
    "define_objective_constraints",
    "define_quota_constraints",
    "diagnose_infeasibility",
    "optimise",
    "pareto_front",
    "solve",
]

log = logging.getLogger(__name__)

CONSTRAINT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*-[a-z_]+-[a-z0-9_]+-(max|min|eq)$")
"""Pattern of every constraint name: ``{unit}-{kind}-{attr}-{side}``."""

NPV_SCALE = 1.0e6
"""The NPV objective is solved in million CNY (better scaled for the solver). [CNY]"""

UTIL_SCALE = 1.0e6
"""Utilisation enters the solver in parts per million: its coefficients per t of product are
otherwise as small as 1e-10 (chlorine against a resource of 5e8 t), below HiGHS's tolerances
(dual feasibility 1e-7, matrix entries dropped below 1e-9). [-]"""

Objective = Literal["npv", "utilisation"]
Side = Literal["max", "min", "eq"]


class PlanSolverError(BrineworksError, RuntimeError):
    """HiGHS ended without a usable plan (time limit without a solution, numerical trouble)."""


# ---- the model wrapper and named constraints -------------------------------------------------


@dataclass(frozen=True)
class NamedConstraint:
    """A group of constraints sharing one name, indexed by plan year.

    Attributes
    ----------
    name
        ``"{unit}-{kind}-{attr}-{side}"``.
    index
        Plan-year indices the group holds (``(0,)`` for a scalar constraint).
    scalar
        Whether the group is one constraint (no year).
    hard
        Hard groups (balances, the link of a continuous size to its binary) are never relaxed
        by the diagnosis.
    measure
        Unit of the constraint's two sides (``t/yr``, ``CNY``, ``m3/yr``, ``MWh/yr``, ``-``).
    """

    name: str
    index: tuple[int, ...]
    scalar: bool
    hard: bool
    measure: str

    @property
    def unit(self) -> str:
        return self.name.split("-")[0]

    @property
    def kind(self) -> str:
        return self.name.split("-")[1]

    @property
    def attr(self) -> str:
        return self.name.split("-")[2]

    @property
    def side(self) -> str:
        return self.name.split("-")[3]


@dataclass
class PlanModel:
    """A built Pyomo model with its data and the registry of its named constraints.

    Attributes
    ----------
    m
        The Pyomo model (variables ``build``, ``cbuild``, ``csize``, ``act``, ``sell``, ``buy``,
        ``dispose``; expressions ``npv`` [million CNY] and ``utilisation`` [-]).
    named
        Name → :class:`NamedConstraint`, in the order defined.
    elastic
        Whether soft constraints carry slacks (the diagnosis model).
    """

    m: pyo.ConcreteModel
    data: PlanData
    named: dict[str, NamedConstraint] = field(default_factory=dict)
    elastic: bool = False
    relaxed: bool = False
    slacks: list[tuple[str, int, str, float]] = field(default_factory=list)

    def constrain(
        self,
        name: str,
        index: Sequence[int] | None,
        body: Callable[[int], Any],
        side: Side,
        rhs: float | Sequence[float],
        *,
        hard: bool = False,
        measure: str = "t/yr",
    ) -> None:
        """Add the group ``name``: ``body(i) <side> rhs[i]`` for each plan year ``i`` of
        ``index`` (``None``: one scalar constraint, ``i = 0``; a number ``rhs`` holds for
        every year).

        In an elastic model a soft group gets a slack per year and direction, weighted by
        ``1 / max(|rhs|, 1)`` in the diagnosis objective.
        """
        if not CONSTRAINT_NAME.match(name):
            raise InputError("constraint name", name, "'{unit}-{kind}-{attr}-{side}'")
        if name in self.named:
            raise InputError("constraint name", name, "a name not already used")
        if name.split("-")[3] != side:
            raise InputError("constraint name", name, f"a name ending in '-{side}'")
        scalar = index is None
        idx = (0,) if index is None else tuple(index)
        if not idx:
            return
        m = self.m
        soft = self.elastic and not hard
        up = dn = None
        if soft:
            up = pyo.Var(idx, domain=pyo.NonNegativeReals) if side in ("max", "eq") else None
            dn = pyo.Var(idx, domain=pyo.NonNegativeReals) if side in ("min", "eq") else None
            if up is not None:
                m.add_component(f"slack_up:{name}", up)
            if dn is not None:
                m.add_component(f"slack_dn:{name}", dn)

        def rule(_m: pyo.ConcreteModel, i: int) -> Any:
            b = body(i)
            r = float(rhs) if isinstance(rhs, int | float) else float(rhs[i])
            if isinstance(b, int | float):
                b = b + m.zero  # keep a constant row (it may be what conflicts)
            if soft:
                w = 1.0 / max(abs(r), 1.0)
                if up is not None:
                    b = b - up[i]
                    self.slacks.append((name, i, "up", w))
                if dn is not None:
                    b = b + dn[i]
                    self.slacks.append((name, i, "down", w))
            if side == "max":
                return b <= r
            if side == "min":
                return b >= r
            return b == r

        m.add_component(name, pyo.Constraint(idx, rule=rule))
        self.named[name] = NamedConstraint(name, idx, scalar, hard, measure)


# ---- variables and expressions ---------------------------------------------------------------


def _build_years(t: TechnologyData, n: int) -> list[int]:
    """Start years whose capacity comes online within the plan."""
    return [y for y in range(n) if y + t.lead_years <= n - 1] if t.capacity_limited else []


def _alive(t: TechnologyData, start: int, y: int) -> bool:
    """Whether capacity started in ``start`` runs in year ``y``."""
    return start + t.lead_years <= y < start + t.lead_years + t.life_years


def _spend(t: TechnologyData, start: int, y: int) -> float:
    """Share of a build's capital spent in year ``y`` (even over the construction years)."""
    k = y - start
    if t.lead_years <= 0:
        return 1.0 if k == 0 else 0.0
    return 1.0 / t.lead_years if 0 <= k < t.lead_years else 0.0


def _salvage(t: TechnologyData, start: int, n: int) -> float:
    """Share of a build's capital left at the end of the plan (straight line)."""
    online = start + t.lead_years
    used = max(0, min(n, online + t.life_years) - online)
    return max(0.0, 1.0 - used / t.life_years) if t.life_years > 0 else 0.0


def define_variables(pm: PlanModel, data: PlanData) -> None:
    """Build decisions (binary, or [0, 1] in the LP relaxation), activities, trade."""
    m = pm.m
    n = data.n
    dom = pyo.UnitInterval if pm.relaxed else pyo.Binary
    disc = [
        (t.name, s, y)
        for t in data.technologies.values()
        for s in range(len(t.sizes))
        for y in _build_years(t, n)
    ]
    cont = [
        (t.name, y)
        for t in data.technologies.values()
        if t.continuous is not None
        for y in _build_years(t, n)
    ]
    m.build = pyo.Var(disc, domain=dom)
    m.cbuild = pyo.Var(cont, domain=dom)
    m.csize = pyo.Var(cont, domain=pyo.NonNegativeReals)
    years = range(n)
    m.act = pyo.Var([(t, y) for t in data.technologies for y in years], domain=pyo.NonNegativeReals)
    cs = data.commodities.values()
    m.sell = pyo.Var(
        [(c.name, y) for c in cs if c.sellable for y in years], domain=pyo.NonNegativeReals
    )
    m.buy = pyo.Var(
        [(c.name, y) for c in cs if c.buyable for y in years], domain=pyo.NonNegativeReals
    )
    m.dispose = pyo.Var(
        [(c.name, y) for c in cs if c.disposable for y in years], domain=pyo.NonNegativeReals
    )
    m.zero = pyo.Var(bounds=(0.0, 0.0))


def capacity(pm: PlanModel, t: TechnologyData, y: int) -> Any:
    """Capacity of ``t`` online in year ``y`` (existing + built). [t/yr]"""
    m = pm.m
    expr: Any = t.existing_at(y)
    for start in _build_years(t, pm.data.n):
        if not _alive(t, start, y):
            continue
        for s, opt in enumerate(t.sizes):
            expr = expr + opt.capacity * m.build[t.name, s, start]
        if t.continuous is not None:
            expr = expr + m.csize[t.name, start]
    return expr


def capex_spent(pm: PlanModel, y: int) -> Any:
    """Capital spent in year ``y`` over all builds. [CNY]"""
    m = pm.m
    expr: Any = 0.0
    for t in pm.data.technologies.values():
        for start in _build_years(t, pm.data.n):
            share = _spend(t, start, y)
            if share == 0.0:
                continue
            for s, opt in enumerate(t.sizes):
                expr = expr + share * opt.capex * m.build[t.name, s, start]
            if t.continuous is not None:
                c = t.continuous
                expr = expr + share * (
                    c.fixed_capex * m.cbuild[t.name, start] + c.capex_per_t * m.csize[t.name, start]
                )
    return expr


def _fixed_opex(pm: PlanModel, y: int) -> Any:
    m = pm.m
    expr: Any = 0.0
    for t in pm.data.technologies.values():
        if y < len(t.existing_fixed_opex):
            expr = expr + t.existing_fixed_opex[y]
        for start in _build_years(t, pm.data.n):
            if not _alive(t, start, y):
                continue
            for s, opt in enumerate(t.sizes):
                expr = expr + opt.fixed_opex * m.build[t.name, s, start]
            if t.continuous is not None:
                c = t.continuous
                expr = expr + c.fixed_opex_share * (
                    c.fixed_capex * m.cbuild[t.name, start] + c.capex_per_t * m.csize[t.name, start]
                )
    return expr


def _unit_cost(data: PlanData, t: TechnologyData, y: int) -> float:
    """Variable cost per t of main product, utilities priced. [CNY/t]"""

    def at(p: tuple[float, ...]) -> float:
        return p[y] if p else 0.0

    return (
        t.variable_cost
        + t.power_mwh_per_t * at(data.electricity_price)
        + t.heat_gj_per_t * at(data.heat_price)
        + t.fresh_water_m3_per_t * at(data.water_price)
    )


def cash_flow_parts(pm: PlanModel, y: int) -> dict[str, Any]:
    """Revenue, purchases, disposal, operating, fixed and capital cost of year ``y``. [CNY]"""
    m, data = pm.m, pm.data
    cs = data.commodities.values()
    revenue = sum((c.sell_price[y] * m.sell[c.name, y] for c in cs if c.sell_price), start=0.0)
    purchases = sum((c.buy_price[y] * m.buy[c.name, y] for c in cs if c.buy_price), start=0.0)
    disposal = sum(
        (c.dispose_cost[y] * m.dispose[c.name, y] for c in cs if c.dispose_cost), start=0.0
    )
    operating = sum(
        (_unit_cost(data, t, y) * m.act[t.name, y] for t in data.technologies.values()), start=0.0
    )
    return {
        "revenue": revenue,
        "purchases": purchases,
        "disposal": disposal,
        "operating": operating,
        "fixed": _fixed_opex(pm, y),
        "capex": capex_spent(pm, y),
    }


def _salvage_value(pm: PlanModel) -> Any:
    m, data = pm.m, pm.data
    n = data.n
    expr: Any = 0.0
    if not data.salvage:
        return expr
    for t in data.technologies.values():
        for start in _build_years(t, n):
            share = _salvage(t, start, n)
            if share <= 0:
                continue
            for s, opt in enumerate(t.sizes):
                expr = expr + share * opt.capex * m.build[t.name, s, start]
            if t.continuous is not None:
                c = t.continuous
                expr = expr + share * (
                    c.fixed_capex * m.cbuild[t.name, start] + c.capex_per_t * m.csize[t.name, start]
                )
    return expr


def define_expressions(pm: PlanModel, data: PlanData) -> None:
    """``npv`` [million CNY], ``utilisation`` [-] and per-element recovered mass [t]."""
    m = pm.m
    n = data.n
    total: Any = 0.0
    for y in range(n):
        p = cash_flow_parts(pm, y)
        cash = (
            p["revenue"] - p["purchases"] - p["disposal"] - p["operating"] - p["fixed"] - p["capex"]
        )
        total = total + data.discount(y) * cash
    total = total + data.discount(n - 1) * _salvage_value(pm)
    m.npv = pyo.Expression(expr=total / NPV_SCALE)
    util = data.utilisation
    m.recovered = pyo.Expression(list(util.weights), rule=lambda _m, el: _recovered(pm, el))
    m.utilisation = pyo.Expression(
        expr=sum(
            (w * m.recovered[el] / util.resource_t[el] for el, w in util.weights.items()), start=0.0
        )
    )


def _recovered(pm: PlanModel, el: str, years: Iterable[int] | None = None) -> Any:
    """Mass of ``el`` leaving in sold products net of bought-in, over ``years``. [t]"""
    m, data = pm.m, pm.data
    expr: Any = 0.0
    for y in range(data.n) if years is None else years:
        for c in data.commodities.values():
            x = c.elements.get(el, 0.0)
            if x == 0.0 or c.name == data.brine:
                continue
            if c.sellable:
                expr = expr + x * m.sell[c.name, y]
            if c.buyable:
                expr = expr - x * m.buy[c.name, y]
    return expr


# ---- constraint families ---------------------------------------------------------------------


def define_build_constraints(pm: PlanModel, data: PlanData) -> None:
    """``{tech}-build-count-max``: at most ``max_builds`` builds over the plan;
    ``{tech}-size-capacity-max/min``: a continuous size within its range when built."""
    m = pm.m
    for t in data.technologies.values():
        starts = _build_years(t, data.n)
        if not starts or (not t.sizes and t.continuous is None):
            continue
        count: Any = sum(m.build[t.name, s, y] for s in range(len(t.sizes)) for y in starts)
        if t.continuous is not None:
            count = count + sum(m.cbuild[t.name, y] for y in starts)
            c = t.continuous

            def above(y: int, t: TechnologyData = t, k: float = c.maximum) -> Any:
                return m.csize[t.name, y] - k * m.cbuild[t.name, y]

            def below(y: int, t: TechnologyData = t, k: float = c.minimum) -> Any:
                return m.csize[t.name, y] - k * m.cbuild[t.name, y]

            pm.constrain(f"{t.name}-size-capacity-max", starts, above, "max", 0.0, hard=True)
            pm.constrain(f"{t.name}-size-capacity-min", starts, below, "min", 0.0, hard=True)

        def builds(_y: int, e: Any = count) -> Any:
            return e

        pm.constrain(
            f"{t.name}-build-count-max", None, builds, "max", float(t.max_builds), measure="builds"
        )


def define_capacity_constraints(pm: PlanModel, data: PlanData) -> None:
    """``{tech}-capacity-activity-max``: activity ≤ availability × capacity online;
    ``{tech}-capacity-activity-min``: activity ≥ minimum load × availability × capacity."""
    m = pm.m
    years = list(range(data.n))
    for t in data.technologies.values():
        if not t.capacity_limited:
            continue

        def within(y: int, t: TechnologyData = t, k: float = t.availability) -> Any:
            return m.act[t.name, y] - k * capacity(pm, t, y)

        pm.constrain(f"{t.name}-capacity-activity-max", years, within, "max", 0.0)
        if t.min_load > 0:
            load = t.min_load * t.availability
            pm.constrain(
                f"{t.name}-capacity-activity-min", years, partial(within, k=load), "min", 0.0
            )


def define_balance_constraints(pm: PlanModel, data: PlanData) -> None:
    """``{commodity}-balance-mass-eq`` (``-volume-`` for the brine): made + bought = used +
    sold + disposed, each year. Hard."""
    m = pm.m
    years = list(range(data.n))
    for c in data.commodities.values():
        users = [
            (t.name, t.yields[c.name])
            for t in data.technologies.values()
            if t.yields.get(c.name, 0.0) != 0.0
        ]

        def body(y: int, c: CommodityData = c, users: list[tuple[str, float]] = users) -> Any:
            e: Any = sum((a * m.act[t, y] for t, a in users), start=0.0)
            if c.buyable:
                e = e + m.buy[c.name, y]
            if c.sellable:
                e = e - m.sell[c.name, y]
            if c.disposable:
                e = e - m.dispose[c.name, y]
            return e

        attr = "volume" if c.unit == "m3" else "mass"
        pm.constrain(
            f"{c.name}-balance-{attr}-eq", years, body, "eq", 0.0, hard=True, measure=f"{c.unit}/yr"
        )


def define_market_constraints(pm: PlanModel, data: PlanData) -> None:
    """``{c}-market-sales-max/min`` (market cap, contracted minimum), ``{c}-supply-purchase-max``
    (bought availability) and ``{brine}-resource-pumping-max`` (sustainable pumping)."""
    m = pm.m
    years = list(range(data.n))
    for c in data.commodities.values():

        def sold(y: int, name: str = c.name) -> Any:
            return m.sell[name, y]

        def bought(y: int, name: str = c.name) -> Any:
            return m.buy[name, y]

        if c.sell_cap is not None and any(math.isfinite(v) for v in c.sell_cap):
            ys = [y for y in years if math.isfinite(c.sell_cap[y])]
            pm.constrain(f"{c.name}-market-sales-max", ys, sold, "max", c.sell_cap)
        if c.min_sales is not None and any(v > 0 for v in c.min_sales):
            ys = [y for y in years if c.min_sales[y] > 0]
            pm.constrain(f"{c.name}-market-sales-min", ys, sold, "min", c.min_sales)
        if c.buy_limit is not None and any(math.isfinite(v) for v in c.buy_limit):
            ys = [y for y in years if math.isfinite(c.buy_limit[y])]
            name = (
                f"{c.name}-resource-pumping-max"
                if c.name == data.brine
                else f"{c.name}-supply-purchase-max"
            )
            pm.constrain(name, ys, bought, "max", c.buy_limit, measure=f"{c.unit}/yr")


def _water(t: TechnologyData) -> float:
    return t.fresh_water_m3_per_t


def _power(t: TechnologyData) -> float:
    return t.power_mwh_per_t


def define_quota_constraints(pm: PlanModel, data: PlanData) -> None:
    """``park-quota-fresh_water-max`` [m³/yr] and ``park-quota-power-max`` [MWh/yr]."""
    m = pm.m
    techs = list(data.technologies.values())
    per_t: dict[str, Callable[[TechnologyData], float]] = {"fresh_water": _water, "power": _power}
    measure = {"fresh_water": "m3/yr", "power": "MWh/yr"}
    for key, quota in data.quotas.items():
        if key not in per_t:
            raise InputError("quotas", key, "fresh_water or power")

        def use(y: int, f: Callable[[TechnologyData], float] = per_t[key]) -> Any:
            return sum((f(t) * m.act[t.name, y] for t in techs if f(t)), start=0.0)

        pm.constrain(
            f"park-quota-{key}-max", list(range(data.n)), use, "max", quota, measure=measure[key]
        )


def define_budget_constraints(pm: PlanModel, data: PlanData) -> None:
    """``park-budget-capex-max``: capital spent per year within the budget. [CNY]"""
    if data.budget is None:
        return
    pm.constrain(
        "park-budget-capex-max",
        list(range(data.n)),
        partial(capex_spent, pm),
        "max",
        data.budget,
        measure="CNY",
    )


def define_objective_constraints(
    pm: PlanModel, npv_floor: float | None = None, utilisation_floor: float | None = None
) -> None:
    """``park-npv-floor-min`` (NPV ≥ a floor [CNY]) and ``park-utilisation-epsilon-min``
    (utilisation ≥ ε [-], the epsilon-constraint of a Pareto front)."""
    m = pm.m

    def npv(_y: int) -> Any:
        return m.npv

    def utilisation(_y: int) -> Any:
        return UTIL_SCALE * m.utilisation

    if npv_floor is not None:
        pm.constrain(
            "park-npv-floor-min", None, npv, "min", npv_floor / NPV_SCALE, measure="million CNY"
        )
    if utilisation_floor is not None:
        pm.constrain(
            "park-utilisation-epsilon-min",
            None,
            utilisation,
            "min",
            UTIL_SCALE * utilisation_floor,
            measure="ppm",
        )


def build_model(
    data: PlanData,
    *,
    npv_floor: float | None = None,
    utilisation_floor: float | None = None,
    relax: bool = False,
    elastic: bool = False,
) -> PlanModel:
    """The plan's Pyomo model (no objective set).

    Parameters
    ----------
    data
        The resolved superstructure.
    npv_floor
        Adds ``park-npv-floor-min``: NPV at least this. [CNY]
    utilisation_floor
        Adds ``park-utilisation-epsilon-min``: utilisation at least this. [-]
    relax
        LP relaxation: build decisions continuous in [0, 1].
    elastic
        The diagnosis model: soft constraints get slacks (see :meth:`PlanModel.constrain`).
    """
    pm = PlanModel(pyo.ConcreteModel(name=data.name), data, elastic=elastic, relaxed=relax)
    define_variables(pm, data)
    define_expressions(pm, data)
    define_build_constraints(pm, data)
    define_capacity_constraints(pm, data)
    define_balance_constraints(pm, data)
    define_market_constraints(pm, data)
    define_quota_constraints(pm, data)
    define_budget_constraints(pm, data)
    define_objective_constraints(pm, npv_floor, utilisation_floor)
    return pm


# ---- solving ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SolverInfo:
    """How HiGHS ended: status, relative MIP gap [-] and wall time [s]."""

    status: str
    gap: float
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "gap": self.gap, "seconds": self.seconds}


def _solver(mip_gap: float, time_limit: float, threads: int | None) -> Any:
    from pyomo.contrib.appsi.solvers import Highs

    s = Highs()
    s.config.stream_solver = False
    s.config.load_solution = False
    s.config.mip_gap = mip_gap
    s.config.time_limit = time_limit
    opts: dict[str, Any] = {"output_flag": False, "mip_rel_gap": mip_gap, "random_seed": 0}
    if threads is not None:
        opts["threads"] = threads
    s.highs_options = opts
    if not s.available():
        raise PlanSolverError("HiGHS (highspy) is not available to Pyomo's appsi_highs")
    return s


def _run(pm: PlanModel, solver: Any) -> tuple[str, float, float, bool]:
    """Solve; (status, gap, seconds, has_solution). Loads the solution if there is one."""
    from pyomo.contrib.appsi.base import TerminationCondition as Tc

    t0 = time.perf_counter()
    res = solver.solve(pm.m)
    seconds = time.perf_counter() - t0
    tc = res.termination_condition
    best = res.best_feasible_objective
    bound = res.best_objective_bound
    has = best is not None and math.isfinite(best)
    gap = math.nan
    if has and bound is not None and math.isfinite(bound):
        gap = abs(bound - best) / max(abs(best), 1e-9)
    elif has:
        gap = 0.0
    if has:
        res.solution_loader.load_vars()
    status = {
        Tc.optimal: "optimal",
        Tc.infeasible: "infeasible",
        Tc.infeasibleOrUnbounded: "infeasible_or_unbounded",
        Tc.unbounded: "unbounded",
        Tc.maxTimeLimit: "time_limit",
        Tc.maxIterations: "iteration_limit",
    }.get(tc, str(tc).rsplit(".", 1)[-1])
    return status, gap, seconds, has


@dataclass(frozen=True)
class Violation:
    """A named constraint the elastic relaxation had to violate: by how much, in which year."""

    constraint: str
    year: int | None
    direction: str
    amount: float
    measure: str

    def label(self) -> str:
        """``name[year]`` or ``name``."""
        return self.constraint if self.year is None else f"{self.constraint}[{self.year}]"

    def to_dict(self) -> dict[str, Any]:
        return {
            "constraint": self.constraint,
            "year": self.year,
            "direction": self.direction,
            "amount": self.amount,
            "measure": self.measure,
        }


@dataclass(frozen=True)
class InfeasibilityReport:
    """Why a plan is infeasible.

    Attributes
    ----------
    conflict
        An irreducible infeasible set of named constraints (``name[year]``, or ``name`` for a
        scalar one): together they cannot hold; drop any one and the rest can (deletion
        filter over groups, then over the years of the groups kept; empty if not computed).
    relaxed
        The smallest weighted relaxation that makes the plan feasible: each violated
        constraint, its year and the amount (elastic model).
    """

    conflict: tuple[str, ...]
    relaxed: tuple[Violation, ...]

    def message(self) -> str:
        """One line naming the conflicting constraints and the relaxation."""
        parts = []
        if self.conflict:
            parts.append("these constraints conflict: " + ", ".join(self.conflict))
        if self.relaxed:
            parts.append(
                "the smallest relaxation: "
                + "; ".join(
                    f"{v.label()} {'over' if v.direction == 'up' else 'under'} by "
                    f"{v.amount:.4g} {v.measure}"
                    for v in self.relaxed[:8]
                )
            )
        return "the plan is infeasible: " + "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"conflict": list(self.conflict), "relaxed": [v.to_dict() for v in self.relaxed]}


class PlanInfeasibleError(BrineworksError):
    """No plan meets every constraint; :attr:`report` names the constraints that conflict."""

    def __init__(self, report: InfeasibilityReport) -> None:
        self.report = report
        super().__init__(report.message())


def diagnose_infeasibility(
    data: PlanData,
    *,
    npv_floor: float | None = None,
    utilisation_floor: float | None = None,
    irreducible: bool = True,
    max_solves: int = 400,
    time_limit: float = 60.0,
) -> InfeasibilityReport:
    """Name the constraints of an infeasible plan that conflict.

    1. Elastic relaxation: every soft named constraint gets a slack per year (and direction),
       weighted by ``1 / max(|rhs|, 1)``; the total is minimised; the non-zero slacks are the
       smallest set of violations that makes the plan feasible.
    2. Deletion filter (``irreducible``): named groups are switched off in halving chunks (the
       relaxed ones last); a chunk whose removal leaves the plan infeasible is dropped for
       good. What stays is an irreducible infeasible set of groups (each needed).

    Balances and the size links of continuous sizes are hard: never relaxed nor dropped.
    """
    el = build_model(data, npv_floor=npv_floor, utilisation_floor=utilisation_floor, elastic=True)
    m = el.m
    terms = []
    for name, i, direction, w in el.slacks:
        var = m.component(f"slack_{'up' if direction == 'up' else 'dn'}:{name}")
        terms.append(w * var[i])
    m.diag = pyo.Objective(expr=sum(terms, start=0.0), sense=pyo.minimize)
    solver = _solver(1e-6, time_limit, None)
    status, _, _, has = _run(el, solver)
    if not has:
        raise PlanSolverError(f"the elastic diagnosis model did not solve ({status})")
    relaxed: list[Violation] = []
    for name, i, direction, _w in el.slacks:
        var = m.component(f"slack_{'up' if direction == 'up' else 'dn'}:{name}")
        v = pyo.value(var[i])
        if v is not None and v > 1e-6:
            nc = el.named[name]
            relaxed.append(
                Violation(
                    name, None if nc.scalar else data.years[i], direction, float(v), nc.measure
                )
            )
    relaxed.sort(key=lambda v: -v.amount)
    conflict: tuple[str, ...] = ()
    if irreducible:
        conflict = _deletion_filter(
            data,
            {v.constraint for v in relaxed},
            npv_floor,
            utilisation_floor,
            max_solves,
            time_limit,
        )
    return InfeasibilityReport(conflict, tuple(relaxed))


def _deletion_filter(
    data: PlanData,
    relaxed: set[str],
    npv_floor: float | None,
    utilisation_floor: float | None,
    max_solves: int,
    time_limit: float,
) -> tuple[str, ...]:
    """Groups, then rows (years) of the groups kept: an irreducible infeasible set."""
    pm = build_model(data, npv_floor=npv_floor, utilisation_floor=utilisation_floor)
    m = pm.m
    m.feasibility = pyo.Objective(expr=0.0 * m.zero)
    solver = _solver(1.0, time_limit, None)
    soft = [g for g in pm.named.values() if not g.hard]
    groups: list[tuple[str, int | None]] = [(g.name, None) for g in soft if g.name not in relaxed]
    groups += sorted((g.name, None) for g in soft if g.name in relaxed)
    budget = [max_solves]
    kept = _filter(pm, solver, groups, budget)
    rows: list[tuple[str, int | None]] = []
    for name, _ in kept:
        g = pm.named[name]
        rows += [(name, None)] if g.scalar else [(name, i) for i in g.index]
    kept_rows = _filter(pm, solver, rows, budget)
    out = []
    for name, i in kept_rows:
        g = pm.named[name]
        out.append(name if g.scalar or i is None else f"{name}[{data.years[i]}]")
    return tuple(out)


def _switch(m: pyo.ConcreteModel, name: str, i: int | None, *, on: bool) -> None:
    comp = m.component(name) if i is None else m.component(name)[i]
    if on:
        comp.activate()
    else:
        comp.deactivate()


def _filter(
    pm: PlanModel, solver: Any, items: list[tuple[str, int | None]], budget: list[int]
) -> list[tuple[str, int | None]]:
    """Deletion filter in halving chunks: drop items whose removal leaves the model
    infeasible; keep each whose removal alone makes it feasible."""
    m = pm.m
    needed: list[tuple[str, int | None]] = []
    candidates = list(items)
    chunk = max(1, len(candidates) // 2)
    while candidates:
        if budget[0] <= 0:
            log.warning(
                "deletion filter stopped (solve budget spent); the set may not be irreducible"
            )
            return needed + candidates
        part = candidates[:chunk]
        for name, i in part:
            _switch(m, name, i, on=False)
        status, _, _, has = _run(pm, solver)
        budget[0] -= 1
        if not has and status in ("infeasible", "infeasible_or_unbounded"):
            candidates = candidates[chunk:]
            chunk = max(1, min(chunk, len(candidates)))
            continue
        for name, i in part:
            _switch(m, name, i, on=True)
        if chunk == 1:
            needed.append(part[0])
            candidates = candidates[1:]
        else:
            chunk = max(1, chunk // 2)
    return needed


@dataclass(frozen=True)
class Build:
    """A build decision: technology, start of construction, first year online, capacity
    [t/yr] and capital [CNY]."""

    unit: str
    year: int
    online_year: int
    capacity: float
    capacity_unit: str
    capex_cny: float

    def to_dict(self) -> dict[str, Any]:
        """The ``plan.json`` form."""
        return {
            "unit": self.unit,
            "year": self.year,
            "capacity": self.capacity,
            "capacity_unit": self.capacity_unit,
        }


@dataclass(frozen=True)
class PlanResult:
    """A solved plan.

    Attributes
    ----------
    objective
        ``npv``, ``utilisation`` or ``pareto``.
    builds
        Build decisions in order of start year.
    npv_cny
        Net present value at the plan's real discount rate. [CNY]
    utilisation
        ``value`` [-], ``by_element`` shares, ``weights`` and the definition.
    yearly
        Per calendar year: cash flows [CNY], resource use, activities, capacities, trade.
    solver
        HiGHS status, relative gap and seconds.
    npv_floor
        The NPV floor the plan was held to, if any. [CNY]
    """

    objective: str
    builds: tuple[Build, ...]
    npv_cny: float
    utilisation: dict[str, Any]
    yearly: tuple[dict[str, Any], ...]
    solver: SolverInfo
    price_set: str = "mid"
    npv_floor: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``plan.json`` form: objective, builds, npv_cny, utilisation, yearly, solver."""
        return {
            "objective": self.objective,
            "builds": [b.to_dict() for b in self.builds],
            "npv_cny": self.npv_cny,
            "utilisation": self.utilisation,
            "yearly": list(self.yearly),
            "solver": self.solver.to_dict(),
        }


def _val(x: Any) -> float:
    v = pyo.value(x, exception=False)
    return 0.0 if v is None else float(v)


def _extract(
    pm: PlanModel, objective: str, info: SolverInfo, npv_floor: float | None
) -> PlanResult:
    m, data = pm.m, pm.data
    n = data.n
    builds: list[Build] = []
    for t in data.technologies.values():
        for start in _build_years(t, n):
            for s, opt in enumerate(t.sizes):
                if _val(m.build[t.name, s, start]) > 0.5:
                    builds.append(
                        Build(
                            t.name,
                            data.years[start],
                            data.years[start] + t.lead_years,
                            opt.capacity,
                            f"t/yr {t.main}",
                            opt.capex,
                        )
                    )
            if t.continuous is not None and _val(m.cbuild[t.name, start]) > 0.5:
                k = _val(m.csize[t.name, start])
                c = t.continuous
                builds.append(
                    Build(
                        t.name,
                        data.years[start],
                        data.years[start] + t.lead_years,
                        k,
                        f"t/yr {t.main}",
                        c.fixed_capex + c.capex_per_t * k,
                    )
                )
    builds.sort(key=lambda b: (b.year, b.unit))
    util = data.utilisation
    by_el = {el: _val(m.recovered[el]) / util.resource_t[el] for el in util.weights}
    utilisation = {
        "value": _val(m.utilisation),
        "by_element": by_el,
        "weights": dict(util.weights),
        "definition": "sum over elements of weight x (element in sold products, net of bought, "
        "over the plan) / (element in the brine the pumping limit allows over the plan)",
    }
    yearly = []
    for y in range(n):
        parts = {k: _val(v) for k, v in cash_flow_parts(pm, y).items()}
        cash = (
            parts["revenue"]
            - parts["purchases"]
            - parts["disposal"]
            - parts["operating"]
            - parts["fixed"]
            - parts["capex"]
        )
        techs = data.technologies.values()
        row: dict[str, Any] = {
            "year": data.years[y],
            "revenue_cny": parts["revenue"],
            "purchases_cny": parts["purchases"],
            "disposal_cny": parts["disposal"],
            "operating_cost_cny": parts["operating"],
            "fixed_opex_cny": parts["fixed"],
            "capex_cny": parts["capex"],
            "cash_flow_cny": cash,
            "discounted_cash_flow_cny": data.discount(y) * cash,
            "brine_m3": _val(m.buy[data.brine, y]) if data.commodities[data.brine].buyable else 0.0,
            "fresh_water_m3": sum(t.fresh_water_m3_per_t * _val(m.act[t.name, y]) for t in techs),
            "power_mwh": sum(t.power_mwh_per_t * _val(m.act[t.name, y]) for t in techs),
            "heat_gj": sum(t.heat_gj_per_t * _val(m.act[t.name, y]) for t in techs),
            "activity_t": {t.name: _val(m.act[t.name, y]) for t in techs},
            "capacity_t_per_yr": {
                t.name: _val(capacity(pm, t, y)) for t in techs if t.capacity_limited
            },
            "sales_t": {
                c.name: _val(m.sell[c.name, y]) for c in data.commodities.values() if c.sellable
            },
            "purchases_t": {
                c.name: _val(m.buy[c.name, y]) for c in data.commodities.values() if c.buyable
            },
            "disposal_t": {
                c.name: _val(m.dispose[c.name, y])
                for c in data.commodities.values()
                if c.disposable
            },
            "utilisation_by_element": {
                el: _val(_recovered(pm, el, [y])) / util.resource_in(el, y, n)
                for el in util.weights
            },
        }
        yearly.append(row)
    return PlanResult(
        objective,
        tuple(builds),
        _val(m.npv) * NPV_SCALE,
        utilisation,
        tuple(yearly),
        info,
        data.price_set,
        npv_floor,
    )


def solve(
    data: PlanData,
    objective: Objective = "npv",
    *,
    npv_floor: float | None = None,
    utilisation_floor: float | None = None,
    relax: bool = False,
    mip_gap: float = 1e-3,
    time_limit: float = 300.0,
    threads: int | None = None,
    diagnose: bool = True,
    label: str | None = None,
) -> PlanResult:
    """Solve the plan for one objective.

    Parameters
    ----------
    objective
        ``"npv"`` (maximise NPV) or ``"utilisation"`` (maximise utilisation; ties broken by
        the larger NPV in a second solve at the utilisation found).
    npv_floor, utilisation_floor
        Constraints ``park-npv-floor-min`` [CNY] and ``park-utilisation-epsilon-min`` [-].
    relax
        Solve the LP relaxation (build decisions in [0, 1]).
    mip_gap
        Relative optimality gap at which HiGHS stops. [-]
    time_limit
        Per solve. [s]
    diagnose
        On infeasibility, run :func:`diagnose_infeasibility` and raise
        :class:`PlanInfeasibleError` with its report.

    Raises
    ------
    PlanInfeasibleError
        Naming the constraints that conflict.
    PlanSolverError
        If HiGHS stops without a plan (time limit, numerical trouble).
    """
    if objective not in ("npv", "utilisation"):
        raise InputError("--objective", objective, "npv, utilisation or pareto")
    pm = build_model(data, npv_floor=npv_floor, utilisation_floor=utilisation_floor, relax=relax)
    m = pm.m
    solver = _solver(mip_gap, time_limit, threads)
    total = 0.0
    if objective == "npv":
        m.objective = pyo.Objective(expr=m.npv, sense=pyo.maximize)
    else:
        m.objective = pyo.Objective(expr=UTIL_SCALE * m.utilisation, sense=pyo.maximize)
    status, gap, seconds, has = _run(pm, solver)
    total += seconds
    if not has:
        if status in ("infeasible", "infeasible_or_unbounded") and diagnose:
            raise PlanInfeasibleError(
                diagnose_infeasibility(
                    data, npv_floor=npv_floor, utilisation_floor=utilisation_floor
                )
            )
        raise PlanSolverError(f"HiGHS ended without a plan: {status}")
    if objective == "utilisation":
        best = _val(m.utilisation)
        m.tie = pyo.Constraint(expr=UTIL_SCALE * m.utilisation >= UTIL_SCALE * best * (1 - 1e-6))
        m.objective.deactivate()
        m.objective_npv = pyo.Objective(expr=m.npv, sense=pyo.maximize)
        status2, gap2, seconds2, has2 = _run(pm, solver)
        total += seconds2
        if not has2:
            raise PlanSolverError(f"HiGHS ended without a plan in the tie-break solve: {status2}")
        status, gap = status2, max(gap, gap2) if math.isfinite(gap) else gap2
    info = SolverInfo(status, gap, total)
    log.info(
        "plan %s (%s prices, %s): %s, gap %.2g, %.2f s",
        data.name,
        data.price_set,
        objective,
        status,
        gap,
        total,
    )
    return _extract(pm, label or objective, info, npv_floor)


@dataclass(frozen=True)
class ParetoFront:
    """NPV against utilisation by the epsilon-constraint method.

    Attributes
    ----------
    points
        Plans from the largest NPV to the largest utilisation; each maximises NPV with
        utilisation ≥ its ε (the last maximises utilisation).
    """

    points: tuple[PlanResult, ...]

    def table(self) -> list[dict[str, Any]]:
        """One row per point: ε, NPV, utilisation, builds."""
        return [
            {
                "point": i,
                "utilisation": p.utilisation["value"],
                "npv_cny": p.npv_cny,
                "epsilon": p.utilisation.get("epsilon"),
                "builds": "; ".join(f"{b.unit} {b.year} {b.capacity:.4g}" for b in p.builds),
                "solver_status": p.solver.status,
                "gap": p.solver.gap,
                "seconds": p.solver.seconds,
            }
            for i, p in enumerate(self.points)
        ]

    def to_dict(self) -> dict[str, Any]:
        return {"points": [p.to_dict() for p in self.points], "table": self.table()}


def pareto_front(data: PlanData, points: int = 6, **kw: Any) -> ParetoFront:
    """NPV–utilisation front: maximise NPV, then utilisation, then NPV with utilisation ≥ ε
    for ``points − 2`` values of ε evenly between the two ends."""
    if points < 2:
        raise InputError("--points", points, "2 or more")
    best_npv = solve(data, "npv", label="pareto", **kw)
    best_util = solve(data, "utilisation", label="pareto", **kw)
    lo, hi = best_npv.utilisation["value"], best_util.utilisation["value"]
    out = [best_npv]
    for k in range(1, points - 1):
        eps = lo + (hi - lo) * k / (points - 1)
        p = solve(data, "npv", utilisation_floor=eps, label="pareto", **kw)
        out.append(_with_eps(p, eps))
    out.append(_with_eps(best_util, hi))
    return ParetoFront(tuple(out))


def _with_eps(p: PlanResult, eps: float) -> PlanResult:
    from dataclasses import replace

    return replace(p, utilisation={**p.utilisation, "epsilon": eps})


def optimise(
    data: PlanData,
    objective: Literal["npv", "utilisation", "pareto"] = "npv",
    *,
    npv_floor_share: float = 0.8,
    points: int = 6,
    **kw: Any,
) -> PlanResult | ParetoFront:
    """The plan for an objective as the CLI asks it.

    ``utilisation`` first maximises NPV and then maximises utilisation subject to
    NPV ≥ max − (1 − ``npv_floor_share``) × |max| (``share`` × max when the maximum is
    positive);
    ``pareto`` returns the front (``points`` plans).
    """
    if objective == "npv":
        return solve(data, "npv", **kw)
    if objective == "utilisation":
        if not 0 <= npv_floor_share <= 1:
            raise InputError("--npv-floor-share", npv_floor_share, "a share in [0, 1]")
        best = solve(data, "npv", **kw)
        floor = best.npv_cny - (1.0 - npv_floor_share) * abs(best.npv_cny)
        return solve(data, "utilisation", npv_floor=floor, **kw)
    if objective == "pareto":
        return pareto_front(data, points, **kw)
    raise InputError("--objective", objective, "npv, utilisation or pareto")
