"""Techno-economics of a park: plant costs from reference plants, Chinese taxes, yearly cash
flows, NPV, IRR, payback, levelised cost of each product, and sensitivities.

The input is a :class:`ParkInventory` (what the plants make, take in and use), built from a
``results.json`` with :meth:`ParkInventory.from_results`; the economics never reaches into a
flowsheet. See ``docs/economics.md``.

Examples
--------
>>> from brineworks.economics import load_prices
>>> load_prices("high").price("Li2CO3") > load_prices("low").price("Li2CO3")
True
"""

from brineworks.economics.cashflow import (
    CashFlows,
    ProjectInputs,
    cash_flows,
    irr,
    irr_roots,
    npv,
    payback_years,
)
from brineworks.economics.costs import (
    CostIndices,
    CostModel,
    FixedOpex,
    escalate,
    fixed_opex,
    load_cost_models,
    load_indices,
    plant_capex,
    plant_jobs,
)
from brineworks.economics.inventory import ParkInventory, UnitInventory
from brineworks.economics.parameters import Finance, TaxRules, load_finance, load_taxes
from brineworks.economics.park import (
    ALLOCATION_RULE,
    EconomicsResult,
    ParkValue,
    PlantCosts,
    ProductLine,
    TornadoBar,
    UnitCost,
    evaluate,
    park_value,
    plant_costs,
    tornado,
)
from brineworks.economics.prices import (
    PRICE_SETS,
    PriceBasis,
    PriceItem,
    PriceSet,
    grade_factor,
    load_prices,
    price_bases,
    price_history,
)

__all__ = [
    "ALLOCATION_RULE",
    "PRICE_SETS",
    "CashFlows",
    "CostIndices",
    "CostModel",
    "EconomicsResult",
    "Finance",
    "FixedOpex",
    "ParkInventory",
    "ParkValue",
    "PlantCosts",
    "PriceBasis",
    "PriceItem",
    "PriceSet",
    "ProductLine",
    "ProjectInputs",
    "TaxRules",
    "TornadoBar",
    "UnitCost",
    "UnitInventory",
    "cash_flows",
    "escalate",
    "evaluate",
    "fixed_opex",
    "grade_factor",
    "irr",
    "irr_roots",
    "load_cost_models",
    "load_finance",
    "load_indices",
    "load_prices",
    "load_taxes",
    "npv",
    "park_value",
    "payback_years",
    "plant_capex",
    "plant_costs",
    "plant_jobs",
    "price_bases",
    "price_history",
    "tornado",
]
