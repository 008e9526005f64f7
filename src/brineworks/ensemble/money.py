"""The money level of a park ensemble: :func:`economics_money`, the economics of
:mod:`brineworks.economics` evaluated on a solved park with the sampled money inputs.

Money targets
-------------
``prices.<item>``        A price of ``data/economics/prices.csv`` (an item or alias: ``KCl``,
                         ``Li2CO3``, ``natural gas`` ...). [CNY per the item's unit]
``capex.factor``         A multiplier on every plant's capital cost. [-]
``opex.factor``          A multiplier on every operating cost. [-]
``finance.<setting>``    A numeric setting of ``data/economics/finance.csv``
                         (``discount_rate``, ``wage``, ``social_charges`` ...).

Outputs (``money.<key>`` in the ensemble's table): ``npv_cny``, ``irr`` (NaN when the cash
flows have none), ``payback_yr`` (NaN when never), ``capex_cny``, ``revenue_cny_per_yr`` and
``opex_cny_per_yr`` (at full output). The mid price set is the base; the levelised costs are
not solved per sample (a root search per product), the report's single run has them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from brineworks.errors import InputError

if TYPE_CHECKING:
    from brineworks.ensemble.model import ParkState
    from brineworks.ensemble.spec import UncertainSpec

__all__ = ["MONEY_TARGETS", "check_money_targets", "economics_money"]

MONEY_TARGETS = "prices.<item>, capex.factor, opex.factor or finance.<numeric setting>"
"""What a money input may set (for messages)."""


@cache
def _finance_fields() -> dict[str, type]:
    from brineworks.economics import Finance

    return {f.name: type(getattr(Finance(), f.name)) for f in fields(Finance)}


def check_money_targets(inputs: Sequence[UncertainSpec]) -> None:
    """Every money input must address a price, a cost factor or a numeric finance setting.

    Raises
    ------
    InputError
        Naming the input, its target and what is allowed.
    """
    from brineworks.economics import load_prices

    prices = load_prices("mid")
    numeric = {k for k, t in _finance_fields().items() if t in (int, float)}
    for u in inputs:
        if u.kind != "money":
            continue
        kind, _, name = u.target.partition(".")
        ok = (
            (kind == "prices" and prices.find(name) is not None)
            or u.target in ("capex.factor", "opex.factor")
            or (kind == "finance" and name in numeric)
        )
        if not ok:
            raise InputError(f"uncertain.{u.name}.target", u.target, MONEY_TARGETS)
        if u.is_label:
            raise InputError(f"uncertain.{u.name}.values", u.values, "numbers for a money input")


def economics_money(state: ParkState, values: Mapping[str, float | str]) -> dict[str, float]:
    """NPV, IRR, payback, capital, revenue and operating cost of the park ``state`` at the mid
    prices with the money ``values`` (by target) applied.

    Raises
    ------
    InputError
        For a state without an economic inventory or a target that is not a money target.
    """
    from brineworks.economics import load_finance, load_prices, park_value, plant_costs

    if state.inventory is None:
        raise InputError("state.inventory", None, "a park state from ParkState.from_result")
    prices = load_prices("mid")
    finance = load_finance()
    types = _finance_fields()
    capex, opex = 1.0, 1.0
    changed: dict[str, float] = {}
    for target, raw in values.items():
        v = float(raw)
        kind, _, name = target.partition(".")
        if kind == "prices":
            changed[name] = v
        elif target == "capex.factor":
            capex = v
        elif target == "opex.factor":
            opex = v
        elif kind == "finance" and name in types:
            finance = replace(finance, **{name: types[name](v)})
        else:
            raise InputError("money target", target, MONEY_TARGETS)
    if changed:
        prices = prices.with_prices(changed)
    key = id(state.inventory)
    hit = _COSTS.get(key)
    costs = hit[1] if hit is not None and hit[1].holds_for(prices, finance) else None
    if costs is None:
        costs = plant_costs(state.inventory, prices, finance)
        _COSTS[key] = (state.inventory, costs)  # the inventory kept: its id stays its own
        while len(_COSTS) > _COSTS_KEPT:
            del _COSTS[next(iter(_COSTS))]
    pv = park_value(state.inventory, prices, finance, costs=costs, capex_factor=capex,
                    opex_factor=opex)  # fmt: skip
    return {
        "npv_cny": pv.npv_cny,
        "irr": pv.irr if pv.irr is not None else math.nan,
        "payback_yr": pv.payback_yr if pv.payback_yr is not None else math.nan,
        "capex_cny": pv.capex_cny,
        "revenue_cny_per_yr": pv.revenue_cny_per_yr,
        "opex_cny_per_yr": pv.opex_cny_per_yr,
    }


_COSTS: dict[int, tuple[Any, Any]] = {}
"""The plants' costs of the last parks evaluated in this process, by inventory: a
money sample that changes only product prices, cost factors or the discount rate reuses them
(:meth:`brineworks.economics.PlantCosts.holds_for` checks every price they read)."""

_COSTS_KEPT = 8
