"""Small plan instances for the tests: three plants over five years, built directly as
:class:`PlanData` (no TOML), and an independent brute-force optimiser for them."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
from scipy.optimize import linprog

from brineworks.plan.superstructure import (
    CommodityData,
    PlanData,
    SizeOption,
    TechnologyData,
    UtilisationDefinition,
)

N = 5


def _c(name: str, kind: str, **kw: object) -> CommodityData:
    return CommodityData(name, kind, **kw)  # type: ignore[arg-type]


def small_instance(
    *,
    prices: tuple[float, float, float] = (3000.0, 9000.0, 60000.0),
    capex: tuple[float, float, float] = (4.0e8, 2.5e8, 3.0e8),
    sizes: tuple[float, float, float] = (1.0e5, 5.0e4, 4.0e3),
    budget: float = 4.5e8,
    brine_limit: float = 1.2e7,
    caps: tuple[float, float, float] = (math.inf, 4.0e4, math.inf),
    rate: float = 0.08,
    n: int = N,
) -> PlanData:
    """Three candidate plants, one size each, lead time one year:

    * ``potash``: 100 m³ brine → 1 t KCl + 3 t salt (salt may be stockpiled free);
    * ``soda``: 2 t salt + 0.5 t limestone (bought) → 1 t soda ash;
    * ``lithium``: 300 m³ brine + 2 t soda ash → 1 t Li2CO3 (soda ash made or bought).
    """
    inf = (math.inf,) * n
    commodities = {
        "brine": _c(
            "brine", "resource", unit="m3", buy_price=(0.5,) * n, buy_limit=(brine_limit,) * n
        ),
        "KCl": _c(
            "KCl",
            "product",
            sell_price=(prices[0],) * n,
            sell_cap=(caps[0],) * n,
            elements={"K": 0.5244},
        ),
        "salt": _c("salt", "intermediate", dispose_cost=(0.0,) * n),
        "limestone": _c("limestone", "input", buy_price=(100.0,) * n, buy_limit=inf),
        "soda_ash": _c(
            "soda_ash",
            "product",
            sell_price=(prices[1] / 4,) * n,
            sell_cap=(caps[1],) * n,
            buy_price=(prices[1] / 3,) * n,
            buy_limit=inf,
            elements={"Na": 0.4338},
        ),
        "Li2CO3": _c(
            "Li2CO3",
            "product",
            sell_price=(prices[2],) * n,
            sell_cap=(caps[2],) * n,
            elements={"Li": 0.1879},
        ),
    }
    techs = {
        "potash": TechnologyData(
            "potash",
            "KCl",
            {"KCl": 1.0, "brine": -100.0, "salt": 3.0},
            variable_cost=800.0,
            sizes=(SizeOption(sizes[0], capex[0], 0.03 * capex[0]),),
            lead_years=1,
            life_years=20,
            fresh_water_m3_per_t=0.5,
            power_mwh_per_t=0.05,
        ),
        "soda": TechnologyData(
            "soda",
            "soda_ash",
            {"soda_ash": 1.0, "salt": -2.0, "limestone": -0.5},
            variable_cost=300.0,
            sizes=(SizeOption(sizes[1], capex[1], 0.03 * capex[1]),),
            lead_years=1,
            life_years=20,
            heat_gj_per_t=9.4,
        ),
        "lithium": TechnologyData(
            "lithium",
            "Li2CO3",
            {"Li2CO3": 1.0, "brine": -300.0, "soda_ash": -2.0},
            variable_cost=20000.0,
            sizes=(SizeOption(sizes[2], capex[2], 0.03 * capex[2]),),
            lead_years=1,
            life_years=20,
            power_mwh_per_t=3.0,
        ),
    }
    util = UtilisationDefinition(
        weights={"K": 0.5, "Li": 0.25, "Na": 0.25},
        resource_t={"K": 2.0e5 * n, "Li": 1.0e3 * n, "Na": 1.0e6 * n},
    )
    return PlanData(
        name="small",
        years=tuple(2030 + i for i in range(n)),
        discount_rate=rate,
        commodities=commodities,
        technologies=techs,
        brine="brine",
        utilisation=util,
        electricity_price=(350.0,) * n,
        heat_price=(65.0,) * n,
        water_price=(5.0,) * n,
        budget=(budget,) * n,
        salvage=True,
    )


def with_discrete_sizes(data: PlanData, tech: str, sizes: list[SizeOption]) -> PlanData:
    """``data`` with ``tech`` offered in several sizes."""
    techs = dict(data.technologies)
    techs[tech] = replace(techs[tech], sizes=tuple(sizes))
    return replace(data, technologies=techs)


# ---- brute force (independent of the Pyomo model) --------------------------------------------


def _year_lp(data: PlanData, y: int, caps: dict[str, float]) -> float:
    """Best operating cash of year ``y`` with the given capacities (scipy linprog)."""
    techs = list(data.technologies.values())
    cs = list(data.commodities.values())
    cols: list[tuple[str, str]] = [("act", t.name) for t in techs]
    cols += [("sell", c.name) for c in cs if c.sellable]
    cols += [("buy", c.name) for c in cs if c.buyable]
    cols += [("dispose", c.name) for c in cs if c.disposable]
    k = len(cols)
    cost = np.zeros(k)
    bounds: list[tuple[float, float | None]] = []
    for j, (kind, name) in enumerate(cols):
        ub: float | None = None
        if kind == "act":
            t = data.technologies[name]
            cost[j] = (
                t.variable_cost
                + t.power_mwh_per_t * data.electricity_price[y]
                + t.heat_gj_per_t * data.heat_price[y]
                + t.fresh_water_m3_per_t * data.water_price[y]
            )
            ub = t.availability * caps[name]
        else:
            c = data.commodities[name]
            if kind == "sell":
                assert c.sell_price is not None
                assert c.sell_cap is not None
                cost[j] = -c.sell_price[y]
                ub = c.sell_cap[y] if math.isfinite(c.sell_cap[y]) else None
            elif kind == "buy":
                assert c.buy_price is not None
                assert c.buy_limit is not None
                cost[j] = c.buy_price[y]
                ub = c.buy_limit[y] if math.isfinite(c.buy_limit[y]) else None
            else:
                assert c.dispose_cost is not None
                cost[j] = c.dispose_cost[y]
        bounds.append((0.0, ub))
    a_eq = np.zeros((len(cs), k))
    for i, c in enumerate(cs):
        for j, (kind, name) in enumerate(cols):
            if kind == "act":
                a_eq[i, j] = data.technologies[name].yields.get(c.name, 0.0)
            elif name == c.name:
                a_eq[i, j] = {"buy": 1.0, "sell": -1.0, "dispose": -1.0}[kind]
    res = linprog(cost, A_eq=a_eq, b_eq=np.zeros(len(cs)), bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return float(-res.fun)


def brute_force(data: PlanData) -> tuple[float, dict[str, tuple[int, int] | None]]:
    """Best NPV over every build schedule (each plant: not built, or one size in one start
    year) and the schedule reaching it. [CNY]"""
    n = data.n
    techs = list(data.technologies.values())
    options: list[list[tuple[int, int] | None]] = []
    for t in techs:
        opts: list[tuple[int, int] | None] = [None]
        opts += [(s, y) for s in range(len(t.sizes)) for y in range(n) if y + t.lead_years < n]
        options.append(opts)
    best = -math.inf
    best_plan: dict[str, tuple[int, int] | None] = {}
    cache: dict[tuple[int, tuple[float, ...]], float] = {}
    for combo in itertools.product(*options):
        capex = [0.0] * n
        caps = [dict.fromkeys(data.technologies, 0.0) for _ in range(n)]
        fixed = [0.0] * n
        salvage = 0.0
        for t, choice in zip(techs, combo, strict=True):
            if choice is None:
                continue
            s, start = choice
            opt = t.sizes[s]
            for k in range(t.lead_years):
                capex[start + k] += opt.capex / t.lead_years
            online = start + t.lead_years
            for y in range(online, min(n, online + t.life_years)):
                caps[y][t.name] += opt.capacity
                fixed[y] += opt.fixed_opex
            used = min(n, online + t.life_years) - online
            salvage += opt.capex * max(0.0, 1.0 - used / t.life_years)
        if data.budget is not None and any(
            capex[y] > data.budget[y] * (1 + 1e-9) for y in range(n)
        ):
            continue
        npv = 0.0
        for y in range(n):
            key = (y, tuple(caps[y].values()))
            if key not in cache:
                cache[key] = _year_lp(data, y, caps[y])
            npv += data.discount(y) * (cache[key] - fixed[y] - capex[y])
        npv += data.discount(n - 1) * salvage
        if npv > best:
            best = npv
            best_plan = {t.name: c for t, c in zip(techs, combo, strict=True)}
    return best, best_plan
