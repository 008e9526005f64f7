"""Economics of a whole park: costs of every plant, cash flows with taxes, NPV, IRR, payback,
the cost of each product, and the NPV's sensitivity to each price and main parameter.

**Joint-cost allocation (by economic value).** Each plant's costs (capital, fixed and
variable) go to the products its material reaches without passing a mixer or a pond train
(the reach of the energy accounting, ``assess/energy.py``), shared in proportion to their
value at the price set in use (tonnes × price), not their mass. A stream reused inside the
park (soda ash, caustic soda, HCl) is an internal transfer at cost: the cost it received is
passed on to the plants that consume it, in proportion to their use, and from them to their
products. Costs of plants that reach no product are shared among all products by value.

**Levelised cost** of a product: the price at which its product line, with the allocated
capital, fixed and variable costs and as a taxpayer of its own (VAT, surtaxes, resource tax,
EIT with loss carry-forward), has an NPV of zero at the discount rate. For a single-product
plant it is the break-even price of the whole plant. Beside it: the cash cost (allocated
operating cost per tonne at full output) and the production cost (cash cost plus
depreciation), comparable with a company's cost of sales.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np
from scipy.optimize import brentq

from brineworks.economics.cashflow import (
    CashFlows,
    ProjectInputs,
    cash_flows,
    irr,
    npv,
    payback_years,
)
from brineworks.economics.costs import (
    CostIndices,
    CostModel,
    FixedOpex,
    fixed_opex,
    load_cost_models,
    load_indices,
    plant_capex,
    plant_jobs,
)
from brineworks.economics.inventory import ParkInventory, UnitInventory
from brineworks.economics.parameters import Finance, TaxRules, load_finance, load_taxes
from brineworks.economics.prices import PriceItem, PriceSet, grade_factor, load_prices
from brineworks.errors import InputError

__all__ = [
    "ALLOCATION_RULE",
    "EconomicsResult",
    "ParkValue",
    "PlantCosts",
    "ProductLine",
    "TornadoBar",
    "UnitCost",
    "evaluate",
    "park_value",
    "plant_costs",
    "tornado",
]

log = logging.getLogger(__name__)

ALLOCATION_RULE = (
    "each plant's costs shared among the products of its line (the assessments' rule, "
    "results.json 'allocation': reached before a recycle joins or a solar pond; the brine's "
    "extraction reaches every product), by their value at the price set (t x price); reused "
    "streams pass their cost on to the plants that consume them; costs reaching no product "
    "shared among all products by value"
)

TAXES = ("vat_paid", "surtaxes", "resource_tax", "income_tax")


@dataclass(frozen=True)
class UnitCost:
    """Costs of one unit at full output (CNY of the price year).

    ``variable`` breaks the variable cost down (electricity, heat, water, brine pumping,
    consumables, and each bought reagent as ``reagent:ITEM``). [CNY/yr]
    """

    unit: str
    target: str
    basis: str
    capacity_t_per_yr: float
    capex_cny: float
    jobs: float
    fixed: FixedOpex
    variable: Mapping[str, float]
    input_vat_cny_per_yr: float
    depreciation_cny_per_yr: float
    costed: bool
    status: str
    source: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "variable", MappingProxyType(dict(self.variable)))
        object.__setattr__(self, "_variable_total", float(sum(self.variable.values())))

    def scaled(self, capex: float, opex: float) -> UnitCost:
        """This cost with capital (and depreciation) times ``capex`` and every operating cost
        (fixed, variable, input VAT) times ``opex``."""
        if (capex == 1.0 and opex == 1.0) or (
            not self.capex_cny and not self.variable and not self.fixed.total
        ):
            return self
        f = self.fixed
        return UnitCost(
            self.unit, self.target, self.basis, self.capacity_t_per_yr, self.capex_cny * capex,
            self.jobs,
            FixedOpex(f.maintenance * opex, f.insurance * opex, f.overhead * opex,
                      f.labour * opex),
            {k: v * opex for k, v in self.variable.items()},
            self.input_vat_cny_per_yr * opex, self.depreciation_cny_per_yr * capex,
            self.costed, self.status, self.source,
        )  # fmt: skip

    @property
    def variable_cny_per_yr(self) -> float:
        """Variable operating cost. [CNY/yr]"""
        total: float = self._variable_total  # type: ignore[attr-defined]
        return total

    @property
    def opex_cny_per_yr(self) -> float:
        """Fixed plus variable operating cost. [CNY/yr]"""
        return self.fixed.total + self.variable_cny_per_yr

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "unit": self.unit,
            "target": self.target,
            "basis": self.basis,
            "capacity_t_per_yr": self.capacity_t_per_yr,
            "capex_cny": self.capex_cny,
            "jobs": self.jobs,
            "fixed_opex_cny_per_yr": {
                "maintenance": self.fixed.maintenance,
                "insurance": self.fixed.insurance,
                "overhead": self.fixed.overhead,
                "labour": self.fixed.labour,
            },
            "variable_opex_cny_per_yr": dict(self.variable),
            "depreciation_cny_per_yr": self.depreciation_cny_per_yr,
            "status": self.status,
            "source": self.source,
        }


@dataclass(frozen=True)
class ProductLine:
    """A product's tonnes, price, revenue and costs. [t/yr, CNY/t, CNY/yr]

    ``grade_factor`` is the tonnes sold at the price's basis grade per tonne made (its content
    over the basis, :func:`grade_factor`; 1 without a basis): the revenue is tonnes × factor ×
    price, and the levelised cost is per tonne at the basis grade, comparable with the price.
    The cash and production costs are per tonne made.
    """

    product: str
    item: str | None
    t_per_yr: float
    price_cny_per_t: float
    revenue_cny_per_yr: float
    cash_cost_cny_per_t: float | None
    production_cost_cny_per_t: float | None
    levelised_cost_cny_per_t: float | None
    allocation: Mapping[str, float]
    grade_factor: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "allocation", MappingProxyType(dict(self.allocation)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``allocation``: share of each unit's costs carried)."""
        return {
            "item": self.item,
            "t_per_yr": self.t_per_yr,
            "price_cny_per_t": self.price_cny_per_t,
            "revenue_cny_per_yr": self.revenue_cny_per_yr,
            "cash_cost_cny_per_t": self.cash_cost_cny_per_t,
            "production_cost_cny_per_t": self.production_cost_cny_per_t,
            "levelised_cost_cny_per_t": self.levelised_cost_cny_per_t,
            "grade_factor": self.grade_factor,
            "allocation": {k: v for k, v in self.allocation.items() if v > 1e-12},
        }


@dataclass(frozen=True)
class EconomicsResult:
    """The economics of a park under one price set."""

    scenario: str
    prices: str
    price_year: int
    discount_rate: float
    units: tuple[UnitCost, ...]
    products: tuple[ProductLine, ...]
    inputs: ProjectInputs
    cash_flows: CashFlows
    npv_cny: float
    irr: float | None
    payback_yr: float | None
    bought_t_per_yr: Mapping[str, float]
    notes: tuple[str, ...]
    finance: Finance = field(repr=False)

    @property
    def levelised_cost_cny_per_t(self) -> dict[str, float]:
        """Levelised cost of each product sold. [CNY/t]"""
        return {
            p.product: p.levelised_cost_cny_per_t
            for p in self.products
            if p.levelised_cost_cny_per_t is not None
        }

    def taxes_cny(self) -> dict[str, dict[str, float]]:
        """Each tax over the project life: nominal total and present value. [CNY]"""
        cf = self.cash_flows
        return {t: {"total": cf.total(t), "present_value": cf.present_value(t)} for t in TAXES}

    def to_dict(self) -> dict[str, Any]:
        """The ``"economics"`` block of ``results.json``: the issue's keys first, then the
        details (taxes, unit costs, product lines, cash-flow table, notes)."""
        costed = [u for u in self.units if u.costed]
        return {
            "currency": "CNY",
            "price_year": self.price_year,
            "prices": self.prices,
            "capex_cny": {u.unit: u.capex_cny for u in costed},
            "opex_cny_per_yr": {u.unit: u.opex_cny_per_yr for u in costed},
            "revenue_cny_per_yr": {p.product: p.revenue_cny_per_yr for p in self.products},
            "npv_cny": self.npv_cny,
            "irr": self.irr,
            "payback_yr": self.payback_yr,
            "levelised_cost_cny_per_t": self.levelised_cost_cny_per_t,
            "discount_rate": self.discount_rate,
            "taxes_cny": self.taxes_cny(),
            "products": {p.product: p.to_dict() for p in self.products},
            "unit_costs": [u.to_dict() for u in costed],
            "bought_t_per_yr": dict(self.bought_t_per_yr),
            "allocation": ALLOCATION_RULE,
            "construction_years": self.finance.construction_years,
            "operating_years": self.finance.operating_years,
            "cash_flows": self.cash_flows.to_dict(),
            "notes": list(self.notes),
        }


def _item_for(prices: PriceSet, name: str, components: Mapping[str, float]) -> PriceItem | None:
    item = prices.find(name)
    if item is None and components:
        main = max(components, key=lambda c: components[c])
        item = prices.find(main)
    return item


def _heat_price(prices: PriceSet | _ReadPrices, finance: Finance) -> float:
    """Price of process heat from natural gas. [CNY/GJ]"""
    gj_per_m3 = finance.gas_heating_value / 1000.0 * finance.heat_efficiency
    return prices.price("natural gas") / gj_per_m3


class _ReadPrices:
    """A price set that remembers which items were read (what a plant's cost depends on)."""

    def __init__(self, prices: PriceSet) -> None:
        self.prices = prices
        self.read: set[str] = set()

    def find(self, name: str) -> PriceItem | None:
        item = self.prices.find(name)
        if item is not None:
            self.read.add(item.item)
        return item

    def price(self, name: str) -> float:
        price = self.prices.price(name)
        self.read.add(self.prices.find(name).item)  # type: ignore[union-attr]
        return price


@dataclass
class _Context:
    prices: PriceSet | _ReadPrices
    finance: Finance
    taxes: TaxRules
    models: Mapping[str, CostModel]
    indices: CostIndices
    notes: list[str]


@dataclass(frozen=True)
class PlantCosts:
    """Every plant's cost under a price set and finance settings, and the prices they read.

    Attributes
    ----------
    units
        One :class:`UnitCost` per unit of the inventory, in its order.
    prices_read
        Price item → the price [CNY per the item's unit] each cost was computed with: the costs
        hold for any price set giving these items these prices (the products' prices do not
        enter a plant's cost).
    finance
        The settings they were computed with (the discount rate does not enter a plant's cost).
    notes
        What the costing noted (missing prices or cost models).
    """

    units: tuple[UnitCost, ...]
    prices_read: Mapping[str, float]
    finance: Finance
    notes: tuple[str, ...]
    bought_t_per_yr: Mapping[str, float] = field(default_factory=dict)
    """What the park buys (:meth:`ParkInventory.bought_t_per_yr`). [t/yr]"""

    @cached_property
    def totals(self) -> tuple[float, float, float, float]:
        """Capital [CNY], fixed and variable operating cost and input VAT [CNY/yr] of all the
        plants (before any cost factor)."""
        return (
            float(sum(u.capex_cny for u in self.units)),
            float(sum(u.fixed.total for u in self.units)),
            float(sum(u.variable_cny_per_yr for u in self.units)),
            float(sum(u.input_vat_cny_per_yr for u in self.units)),
        )

    def holds_for(self, prices: PriceSet, finance: Finance) -> bool:
        """Whether these costs are those under ``prices`` and ``finance``: every price they read
        the same, and every setting but the discount rate."""
        if finance is not self.finance and {**vars(finance), "discount_rate": 0.0} != {
            **vars(self.finance),
            "discount_rate": 0.0,
        }:
            return False
        for name, price in self.prices_read.items():  # names as the items have them
            item = prices.items.get(name) or prices.find(name)
            if item is None or item.price != price:
                return False
        return True


def plant_costs(
    inventory: ParkInventory,
    prices: str | PriceSet = "mid",
    finance: Finance | None = None,
    taxes: TaxRules | None = None,
    *,
    models: Mapping[str, CostModel] | None = None,
    indices: CostIndices | None = None,
) -> PlantCosts:
    """Capital, fixed and variable cost of every plant of ``inventory`` (as :func:`evaluate`
    computes them), with the prices they depend on, so that many evaluations of one park under
    different product prices, discount rates or cost factors can share them."""
    price_set = load_prices(prices) if isinstance(prices, str) else prices
    reader = _ReadPrices(price_set)
    ctx = _Context(
        prices=reader,
        finance=finance or load_finance(),
        taxes=taxes or load_taxes(),
        models=models if models is not None else load_cost_models(),
        indices=indices or load_indices(),
        notes=[],
    )
    demand = inventory.reagent_demand_t_per_yr()
    bought = inventory.bought_t_per_yr()
    bought_share = {c: (bought[c] / q if q > 0 else 0.0) for c, q in demand.items()}
    units = tuple(_unit_cost(u, bought_share, ctx) for u in inventory.units)
    read = {name: price_set.price(name) for name in sorted(reader.read)}
    return PlantCosts(units, MappingProxyType(read), ctx.finance, tuple(ctx.notes),
                      MappingProxyType(bought))  # fmt: skip


def _in_price_unit(tonnes: float, item: PriceItem, finance: Finance) -> float:
    """A bought amount [t] in the unit its price is given per: tonnes, or cubic metres of a gas
    priced per m³ (natural gas, at ``finance.gas_density``).

    Raises
    ------
    InputError
        For a price unit a mass cannot be converted to.
    """
    if item.unit == "CNY/t":
        return tonnes
    if item.unit == "CNY/m3" and item.item == "natural gas":
        return tonnes * 1000.0 / finance.gas_density
    raise InputError(f"price unit of {item.item}", item.unit,
                     "CNY/t for a reagent bought by mass (or CNY/m3 for natural gas)")  # fmt: skip


def _unit_cost(unit: UnitInventory, bought_share: Mapping[str, float], ctx: _Context) -> UnitCost:
    prices, finance, taxes = ctx.prices, ctx.finance, ctx.taxes
    model = ctx.models.get(unit.target) or ctx.models.get(unit.kind)
    variable: dict[str, float] = {}
    vat = 0.0

    def add(key: str, item: str, cost: float) -> None:
        nonlocal vat
        if cost:
            variable[key] = variable.get(key, 0.0) + cost
            vat += cost * taxes.vat_rate(item)

    power = prices.price("electricity")
    add("electricity", "electricity", unit.electricity_mwh_per_yr * 1000 * power)
    if unit.kind != "brine_pumping":  # a pumping unit's electricity is its own, above
        pumping = unit.pumped_brine_m3_per_yr * finance.brine_pumping_kwh_per_m3
        add("brine pumping", "electricity", pumping * power)
    heat = sum(unit.heat_gj_per_yr.values())
    add("heat", "natural gas", heat * _heat_price(prices, finance))
    add("fresh water", "fresh water", unit.fresh_water_m3_per_yr * prices.price("fresh water"))
    for name, comps in unit.reagents_t_per_yr.items():
        for comp, q in comps.items():
            if comp == "H2O" or q <= 0:
                continue
            bought = q * bought_share.get(comp, 0.0)
            if bought <= 0:
                continue
            item = prices.find(name) or prices.find(comp)
            if item is None:
                ctx.notes.append(f"{unit.name}: no price for reagent {name!r} ({comp}); counted 0")
                continue
            amount = _in_price_unit(bought, item, finance)
            add(f"reagent:{item.item}", item.item, amount * item.price)
    if model is None:
        ctx.notes.append(f"{unit.name}: no cost model for {unit.target!r}; no capital cost")
        return UnitCost(unit.name, unit.target, "", 0.0, 0.0, 0.0, FixedOpex(0, 0, 0, 0),
                        variable, vat, 0.0, bool(variable), "missing", "")  # fmt: skip
    if not model.costed:
        return UnitCost(unit.name, unit.target, model.basis, 0.0, 0.0, 0.0,
                        FixedOpex(0, 0, 0, 0), variable, vat, 0.0, bool(variable),
                        model.status, model.source)  # fmt: skip
    capacity = unit.capacity(model.basis)
    if capacity <= 0 and unit.capacity_t_per_yr and not unit.outputs_t_per_yr:
        capacity = unit.capacity_t_per_yr  # no stream graph: the simulation's own capacity
    if capacity <= 0:
        ctx.notes.append(
            f"{unit.name}: makes none of its cost basis {model.basis!r} for sale or use "
            "(its cost sits in the plant it serves)"
        )
    capex = plant_capex(model, capacity, finance.price_year, ctx.indices)
    jobs = unit.jobs
    if jobs is None:
        jobs = plant_jobs(model, capacity)
    add("consumables", "default", model.other_variable_cny_per_t * capacity)
    credit = capex * taxes.equipment_vat_share * taxes.vat_default / (1 + taxes.vat_default)
    dep = (
        (capex - credit)
        * (1 - finance.salvage_share)
        * (
            finance.building_share / finance.building_life
            + (1 - finance.building_share) / finance.equipment_life
        )
    )
    return UnitCost(
        unit=unit.name,
        target=unit.target,
        basis=model.basis,
        capacity_t_per_yr=capacity,
        capex_cny=capex,
        jobs=jobs,
        fixed=fixed_opex(capex, jobs, finance),
        variable=variable,
        input_vat_cny_per_yr=vat,
        depreciation_cny_per_yr=dep,
        costed=True,
        status=model.status,
        source=model.source,
    )


def _allocation(
    inventory: ParkInventory, values: Mapping[str, float], costly: set[str], ctx: _Context
) -> tuple[list[str], np.ndarray]:
    """Share of each unit's costs carried by each product (products × units; columns sum
    to 1 when the park sells anything of value)."""
    units = [u.name for u in inventory.units]
    index = {n: i for i, n in enumerate(units)}
    products = list(inventory.products_t_per_yr)
    pidx = {p: i for i, p in enumerate(products)}
    reuse = list(inventory.reuse_t_per_yr)
    ridx = {r: i for i, r in enumerate(reuse)}
    n, m, k = len(units), len(products), len(reuse)
    a, b, c = np.zeros((n, m)), np.zeros((n, k)), np.zeros((k, n))
    for i, u in enumerate(inventory.units):
        reached = {s: q for s, q in u.reaches.items() if s in pidx or s in ridx}
        weights = {s: values.get(s, 0.0) for s in reached}
        if sum(weights.values()) <= 0:
            weights = dict(reached)  # nothing of value reached: by mass
        total = sum(weights.values())
        for s, w in weights.items():
            if total <= 0:
                break
            if s in pidx:
                a[i, pidx[s]] = w / total
            else:
                b[i, ridx[s]] = w / total
    for r, comps in inventory.reuse_t_per_yr.items():
        demand = np.zeros(n)
        for u in inventory.units:
            for rc in u.reagents_t_per_yr.values():
                demand[index[u.name]] += sum(q for cmp, q in rc.items() if cmp in comps)
        if demand.sum() > 0:
            c[ridx[r]] = demand / demand.sum()
    g = np.linalg.solve(np.eye(n) - (b @ c).T, np.eye(n))  # cost arriving at units
    share: np.ndarray = a.T @ g
    leak = 1.0 - share.sum(axis=0)
    total_value = sum(values.get(p, 0.0) for p in products)
    if total_value > 0:
        by_value = np.array([values.get(p, 0.0) / total_value for p in products])
        share = share + np.outer(by_value, np.clip(leak, 0.0, None))
        spread = [units[j] for j in range(n) if leak[j] > 1e-9 and units[j] in costly]
        if spread:
            ctx.notes.append(
                "costs of units reaching no product shared among all products by value: "
                + ", ".join(spread)
            )
    return products, share


def _line_inputs(
    product: str, price: float, share: np.ndarray, costs: list[UnitCost], q: float,
    item: str | None, taxes: TaxRules,
) -> ProjectInputs:  # fmt: skip
    capex = float(sum(s * u.capex_cny for s, u in zip(share, costs, strict=True)))
    credit = capex * taxes.equipment_vat_share * taxes.vat_default / (1 + taxes.vat_default)
    return ProjectInputs(
        capex=capex,
        capex_vat_credit=credit,
        revenue={product: price * q},
        output_vat_rate={product: taxes.vat_rate(item) if item else taxes.vat_default},
        resource_tax_rate={product: taxes.resource_tax_rate(item) if item else 0.0},
        fixed_opex=float(sum(s * u.fixed.total for s, u in zip(share, costs, strict=True))),
        variable_opex=float(
            sum(s * u.variable_cny_per_yr for s, u in zip(share, costs, strict=True))
        ),
        input_vat=float(sum(s * u.input_vat_cny_per_yr for s, u in zip(share, costs, strict=True))),
    )


def _break_even(
    product: str, q: float, item: str | None, share: np.ndarray, costs: list[UnitCost],
    ctx: _Context, start: float,
) -> float | None:  # fmt: skip
    def line_npv(x: float) -> float:
        inp = _line_inputs(product, x, share, costs, q, item, ctx.taxes)
        return cash_flows(inp, ctx.finance, ctx.taxes).npv()

    base = line_npv(0.0)
    if base >= 0:
        return 0.0
    hi = max(start, 1.0)
    for _ in range(80):
        if line_npv(hi) > 0:
            return float(brentq(line_npv, 0.0, hi, xtol=1e-9, rtol=1e-12))
        hi *= 2
    ctx.notes.append(f"{product}: no break-even price found below {hi:.3g} CNY/t")
    return None


@dataclass(frozen=True)
class _Sales:
    """What a park sells under a price set: the item, value [CNY/yr] and grade factor of each
    product (and the value of each reused stream), with notes on products without a price."""

    items: dict[str, PriceItem | None]
    values: dict[str, float]
    graded: dict[str, float]
    notes: list[str]


def _sales(inventory: ParkInventory, prices: PriceSet, output_factor: float) -> _Sales:
    items: dict[str, PriceItem | None] = {}
    values: dict[str, float] = {}
    graded: dict[str, float] = {}
    notes: list[str] = []
    for p, q in inventory.products_t_per_yr.items():
        comps = inventory.product_components.get(p, {})
        item = _item_for(prices, p, comps)
        if item is None:
            notes.append(f"product {p!r} has no price in the set; valued at 0")
        items[p] = item
        graded[p] = grade_factor(item.item, comps) if item else 1.0
        values[p] = q * output_factor * graded[p] * (item.price if item else 0.0)
    for r, comps in inventory.reuse_t_per_yr.items():
        item = _item_for(prices, r, comps)
        values[r] = sum(comps.values()) * (item.price if item else 0.0)
    return _Sales(items, values, graded, notes)


def _project_inputs(
    inventory: ParkInventory, costs: PlantCosts, sales: _Sales, taxes: TaxRules,
    capex_factor: float, opex_factor: float,
) -> ProjectInputs:  # fmt: skip
    """The whole park as one project: its plants' costs (times the cost factors) and sales."""
    capex, fixed, variable, input_vat = costs.totals
    capex *= capex_factor
    return ProjectInputs(
        capex=capex,
        capex_vat_credit=capex * taxes.equipment_vat_share * taxes.vat_default
        / (1 + taxes.vat_default),
        revenue={p: sales.values[p] for p in inventory.products_t_per_yr},
        output_vat_rate={p: taxes.vat_rate(it.item) if it else taxes.vat_default
                         for p, it in sales.items.items()},
        resource_tax_rate={p: taxes.resource_tax_rate(it.item) if it else 0.0
                           for p, it in sales.items.items()},
        fixed_opex=fixed * opex_factor,
        variable_opex=variable * opex_factor,
        input_vat=input_vat * opex_factor,
    )  # fmt: skip


@dataclass(frozen=True)
class ParkValue:
    """The value of a park as one project (:func:`park_value`). [CNY, CNY/yr, 1/yr, yr]"""

    npv_cny: float
    irr: float | None
    payback_yr: float | None
    capex_cny: float
    revenue_cny_per_yr: float
    opex_cny_per_yr: float


def park_value(
    inventory: ParkInventory,
    prices: str | PriceSet = "mid",
    finance: Finance | None = None,
    taxes: TaxRules | None = None,
    *,
    costs: PlantCosts | None = None,
    capex_factor: float = 1.0,
    opex_factor: float = 1.0,
    output_factor: float = 1.0,
) -> ParkValue:
    """NPV, IRR, payback, capital, revenue and operating cost of the park: the figures of
    :func:`evaluate` (same plants' costs, sales and cash flows) without the product lines, for
    the many evaluations of an ensemble. ``costs`` as in :func:`evaluate`."""
    price_set = load_prices(prices) if isinstance(prices, str) else prices
    finance = finance or load_finance()
    taxes = taxes or load_taxes()
    if costs is None or not costs.holds_for(price_set, finance):
        costs = plant_costs(inventory, price_set, finance, taxes)
    sales = _sales(inventory, price_set, output_factor)
    project = _project_inputs(inventory, costs, sales, taxes, capex_factor, opex_factor)
    net = cash_flows(project, finance, taxes).net
    return ParkValue(
        npv_cny=npv(net, finance.discount_rate),
        irr=irr(net),
        payback_yr=payback_years(net),
        capex_cny=project.capex,
        revenue_cny_per_yr=float(sum(project.revenue.values())),
        opex_cny_per_yr=project.fixed_opex + project.variable_opex,
    )


def evaluate(
    inventory: ParkInventory,
    prices: str | PriceSet = "mid",
    finance: Finance | None = None,
    taxes: TaxRules | None = None,
    *,
    models: Mapping[str, CostModel] | None = None,
    indices: CostIndices | None = None,
    levelised: bool = True,
    allocate: bool = True,
    capex_factor: float = 1.0,
    opex_factor: float = 1.0,
    output_factor: float = 1.0,
    costs: PlantCosts | None = None,
) -> EconomicsResult:
    """Cost, cash flows and value of a park under a price set.

    Parameters
    ----------
    inventory
        The park (:class:`ParkInventory`).
    prices
        ``low``, ``mid``, ``high``, a price file, or a :class:`PriceSet`.
    finance, taxes
        Settings (default: ``finance.csv``, ``taxes.csv``); the project's years are
        ``finance.construction_years`` and ``finance.operating_years``.
    models, indices
        Cost models and cost indices (default: the data files).
    levelised
        Whether to solve the levelised cost of each product (a root search per product).
    allocate
        Whether to allocate costs to the products (the result's product lines; without them
        only the park's own figures: cash flows, NPV, IRR, payback, plant costs).
    capex_factor, opex_factor, output_factor
        Multipliers on all capital, all operating costs, and all product output (a proxy for
        the brine's grade), for sensitivity studies.
    costs
        The plants' costs from :func:`plant_costs` for this inventory (and the same taxes,
        models and indices), reused where they hold for ``prices`` and ``finance``
        (:meth:`PlantCosts.holds_for`); computed afresh otherwise.
    """
    price_set = load_prices(prices) if isinstance(prices, str) else prices
    finance = finance or load_finance()
    taxes = taxes or load_taxes()
    models = models if models is not None else load_cost_models()
    indices = indices or load_indices()
    if costs is None or not costs.holds_for(price_set, finance):
        costs = plant_costs(inventory, price_set, finance, taxes, models=models, indices=indices)
    ctx = _Context(price_set, finance, taxes, models, indices,
                   notes=[*inventory.notes, *costs.notes])  # fmt: skip
    bought = costs.bought_t_per_yr
    units = [uc.scaled(capex_factor, opex_factor) for uc in costs.units]
    sales = _sales(inventory, price_set, output_factor)
    ctx.notes.extend(sales.notes)
    items, values, graded = sales.items, sales.values, sales.graded
    park = _project_inputs(inventory, costs, sales, taxes, capex_factor, opex_factor)
    flows = cash_flows(park, ctx.finance, taxes)

    lines = []
    if allocate:
        costly = {u.unit for u in units if u.capex_cny > 0 or u.opex_cny_per_yr > 0}
        products, share = _allocation(inventory, values, costly, ctx)
    else:
        costly, products, share = set(), [], np.zeros((0, len(units)))
    for i, p in enumerate(products):
        q = inventory.products_t_per_yr[p] * output_factor
        item = items[p]
        row = share[i]
        if q > 0:
            cash = float(sum(s * u.opex_cny_per_yr for s, u in zip(row, units, strict=True))) / q
            dep = float(sum(s * u.depreciation_cny_per_yr
                            for s, u in zip(row, units, strict=True))) / q  # fmt: skip
            lc = (
                _break_even(p, q * graded[p], item.item if item else None, row, units, ctx,
                            item.price if item else 1.0)
                if levelised
                else None
            )  # fmt: skip
        else:
            cash = dep = 0.0
            lc = None
        lines.append(
            ProductLine(
                product=p,
                item=item.item if item else None,
                t_per_yr=q,
                price_cny_per_t=item.price if item else 0.0,
                revenue_cny_per_yr=values[p],
                cash_cost_cny_per_t=cash if q > 0 else None,
                production_cost_cny_per_t=cash + dep if q > 0 else None,
                levelised_cost_cny_per_t=lc,
                allocation={
                    u.unit: float(s) for s, u in zip(row, units, strict=True) if u.unit in costly
                },
                grade_factor=graded[p],
            )
        )
    net = flows.net
    return EconomicsResult(
        scenario=inventory.name,
        prices=price_set.name,
        price_year=ctx.finance.price_year,
        discount_rate=ctx.finance.discount_rate,
        units=tuple(units),
        products=tuple(lines),
        inputs=park,
        cash_flows=flows,
        npv_cny=flows.npv(),
        irr=irr(net),
        payback_yr=payback_years(net),
        bought_t_per_yr=MappingProxyType(bought),
        notes=tuple(dict.fromkeys(ctx.notes)),
        finance=ctx.finance,
    )


@dataclass(frozen=True)
class TornadoBar:
    """NPV with one parameter set low and high (the others at their base). [CNY]"""

    parameter: str
    low: float
    high: float
    npv_low: float
    npv_high: float

    @property
    def swing(self) -> float:
        """Spread of the NPV between the two settings. [CNY]"""
        return abs(self.npv_high - self.npv_low)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"parameter": self.parameter, "low": self.low, "high": self.high,
                "npv_low_cny": self.npv_low, "npv_high_cny": self.npv_high}  # fmt: skip


def tornado(
    inventory: ParkInventory,
    prices: str | PriceSet = "mid",
    finance: Finance | None = None,
    taxes: TaxRules | None = None,
    spread: float = 0.2,
) -> tuple[float, tuple[TornadoBar, ...]]:
    """NPV at ±``spread`` of each price that matters and of capital cost, operating cost,
    discount rate and output (the brine-grade proxy), largest swing first.

    Returns
    -------
    base_npv, bars
        The NPV at the base settings [CNY], and one bar per parameter.
    """
    price_set = load_prices(prices) if isinstance(prices, str) else prices
    fin = finance or load_finance()
    base = evaluate(inventory, price_set, fin, taxes, levelised=False)
    used: list[str] = [p.item for p in base.products if p.item and p.revenue_cny_per_yr > 0]
    spent = {k for u in base.units for k, v in u.variable.items() if v > 0}
    for keys, item in ((("electricity", "brine pumping"), "electricity"),
                       (("heat",), "natural gas"), (("fresh water",), "fresh water")):  # fmt: skip
        if spent.intersection(keys):
            used.append(item)
    used += sorted(k.removeprefix("reagent:") for k in spent if k.startswith("reagent:"))
    bars = []
    lo, hi = 1 - spread, 1 + spread

    def npv_with(**kw: Any) -> float:
        return evaluate(inventory, kw.pop("prices", price_set), kw.pop("finance", fin), taxes,
                        levelised=False, **kw).npv_cny  # fmt: skip

    for item in dict.fromkeys(used):
        p = price_set.price(item)
        bars.append(TornadoBar(f"price: {item}", p * lo, p * hi,
                               npv_with(prices=price_set.with_price(item, p * lo)),
                               npv_with(prices=price_set.with_price(item, p * hi))))  # fmt: skip
    bars.append(TornadoBar("capital cost", lo, hi, npv_with(capex_factor=lo),
                           npv_with(capex_factor=hi)))  # fmt: skip
    bars.append(TornadoBar("operating cost", lo, hi, npv_with(opex_factor=lo),
                           npv_with(opex_factor=hi)))  # fmt: skip
    bars.append(TornadoBar("output (brine grade)", lo, hi, npv_with(output_factor=lo),
                           npv_with(output_factor=hi)))  # fmt: skip
    r = fin.discount_rate
    bars.append(TornadoBar("discount rate", r * lo, r * hi,
                           npv_with(finance=replace(fin, discount_rate=r * lo)),
                           npv_with(finance=replace(fin, discount_rate=r * hi))))  # fmt: skip
    bars.sort(key=lambda b: b.swing, reverse=True)
    return base.npv_cny, tuple(bars)
