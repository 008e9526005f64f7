"""Indicators of a solved scenario, headline first (see ``docs/circularity.md``).

The headline indicators are those of Chinese practice, computed in
:mod:`brineworks.assess.accounts`: the three rates per component, the solid-waste comprehensive
utilisation rate with its stockpiles, the resource output rate and the water reuse rate; and the
product grades (:mod:`brineworks.assess.grades`). The older aggregates below stay, labelled as
such (``aggregates``):

* **element shares** — of each element entering the park (brine + reagents), the share that
  leaves in products, internal reuse, returned to the lake, waste, and emissions;
* **comprehensive utilisation rate (by mass)** — mass of K, Li, Mg, Na, B and Cl leaving in
  products over their mass pumped in the brine (the salt-lake "comprehensive utilisation" of
  Qinghai plans, on elements);
* **comprehensive utilisation rate (by value)** — the same sums weighted by each element's
  value per tonne contained in its reference product (``data/prices.csv``: K in KCl, Li in
  Li2CO3, Mg as metal, Na in NaCl, B in boric acid, Cl in PVC), so that a tonne of lithium
  counts for what it is worth rather than as a tonne of salt;
* **waste-salt intensity** — waste solids per tonne of products [t/t];
* **tail brine returned** — mass of every stream returned to the lake (tail brine, mother
  liquors, seepage) [t/yr];
* **fresh-water intensity** — fresh water taken by the units per tonne of products [m³/t];
* **reagent use** — reagents bought in (soda ash …) [t/yr];
* **reagent self-sufficiency** — per reagent, the share of what the units consume that the
  park makes itself (streams with fate ``reuse``), capped at 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from brineworks.assess.accounts import (
    material_circularity,
    official_minimums,
    resource_output_rate,
    solid_waste,
    three_rates,
    water_reuse_rate,
)
from brineworks.assess.grades import product_grades
from brineworks.chemistry.formula import parse_formula
from brineworks.chemistry.ions import atomic_weights
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.data import read_rows
from brineworks.simulate import SimulationResult

__all__ = [
    "UTILISATION_ELEMENTS",
    "ElementPrice",
    "comparison",
    "element_prices",
    "indicators",
    "utilisation_by_value",
]

UTILISATION_ELEMENTS = ("K", "Li", "Mg", "Na", "B", "Cl")

_AQUEOUS = {"Li", "Na", "K", "Mg", "Ca", "Sr", "Cl", "Br", "SO4", "B", "CO3", "HCO3", "H2O"}


@dataclass(frozen=True)
class ElementPrice:
    """An element's value weight: its reference product's price per tonne of the element
    contained in it."""

    element: str
    product: str
    price_cny_per_t: float  # of the reference product
    cny_per_t_element: float
    year: int
    source: str
    status: str


@cache
def element_prices() -> dict[str, ElementPrice]:
    """Value weights of ``data/prices.csv`` by element."""
    w = atomic_weights()
    out = {}
    for r in read_rows("prices.csv"):
        formula = parse_formula(r["formula"])
        mass = sum(w[el] * n for el, n in formula.items())
        price = float(r["price_cny_per_t"])
        out[r["element"]] = ElementPrice(
            r["element"], r["reference_product"], price,
            price * mass / (formula[r["element"]] * w[r["element"]]),
            int(r["year"]), r["source"], r["status"],
        )  # fmt: skip
    return out


def utilisation_by_value(balance: dict[str, dict[str, float]]) -> float | None:
    """Σ weight × mass in products / Σ weight × mass pumped over the utilisation elements
    (weights from :func:`element_prices`); ``None`` if nothing priced is pumped."""
    prices = element_prices()
    num = den = 0.0
    for el in UTILISATION_ELEMENTS:
        if el in balance and el in prices:
            weight = prices[el].cny_per_t_element
            num += weight * balance[el]["product"]
            den += weight * balance[el]["in"]
    return num / den if den > 0 else None


def indicators(result: SimulationResult) -> dict[str, Any]:
    """All indicators of a solved scenario (JSON-ready)."""
    balance = result.element_balance()
    shares = {}
    for el, row in balance.items():
        total_in = row["in"] + row["reagents"] + row["stock"]
        if total_in <= 0:
            continue
        shares[el] = {
            f: row[f] / total_in for f in ("product", "reuse", "returned", "waste", "emission")
        }
    pumped = sum(balance[el]["in"] for el in UTILISATION_ELEMENTS if el in balance)
    in_products = sum(balance[el]["product"] for el in UTILISATION_ELEMENTS if el in balance)
    streams = result.streams
    product_t = sum(streams[n].total for n, f in result.fates.items() if f == "product")
    waste_solids = sum(
        v for n, f in result.fates.items() if f == "waste"
        for k, v in streams[n].flows.items() if k not in _AQUEOUS
    )  # fmt: skip
    fresh_water = sum(s.get("H2O") for s in result.utilities_in().values())
    reagents = {k: s.total * SECONDS_PER_YEAR / 1000.0 for k, s in result.utilities_in().items()
                if s.get("H2O") == 0}  # fmt: skip
    y = SECONDS_PER_YEAR / 1000.0
    consumed: dict[str, float] = {}
    for s in result.utilities_in().values():
        for k, v in s.flows.items():
            if k != "H2O":
                consumed[k] = consumed.get(k, 0.0) + v
    made: dict[str, float] = {}
    for n, f in result.fates.items():
        if f == "reuse":
            for k, v in streams[n].flows.items():
                made[k] = made.get(k, 0.0) + v
    self_sufficiency = {k: min(made.get(k, 0.0) / v, 1.0) for k, v in consumed.items() if v > 0}
    mci = material_circularity(balance)
    rates = three_rates(result)
    minimums = official_minimums()
    output = resource_output_rate(result)
    water = water_reuse_rate(result)
    return {
        "three_rates": {el: r.to_dict() for el, r in rates.items()},
        "three_rates_official_minimums": {el: minimums.get(el, []) for el in rates},
        "solid_waste": solid_waste(result),
        "resource_output_rate_cny_per_t": output["resource_output_rate_cny_per_t"],
        "resource_output": output,
        "water_reuse_rate": water["water_reuse_rate"],
        "water": water,
        "product_grades": product_grades(result),
        "aggregates": (
            "comprehensive_utilisation_by_mass and _by_value sum K, Li, Mg, Na, B and Cl: kept "
            "for comparison with earlier runs, not the headline (see three_rates)"
        ),
        "element_shares": shares,
        "comprehensive_utilisation_by_mass": in_products / pumped if pumped > 0 else 0.0,
        "comprehensive_utilisation_by_value": utilisation_by_value(balance),
        "products_t_per_yr": product_t * y,
        "waste_solids_t_per_yr": waste_solids * y,
        "waste_salt_intensity_t_per_t": waste_solids / product_t if product_t > 0 else None,
        "returned_to_lake_t_per_yr": sum(
            streams[n].total for n, f in result.fates.items() if f == "returned"
        )
        * y,
        "fresh_water_m3_per_yr": fresh_water * y,
        "fresh_water_intensity_m3_per_t": fresh_water / product_t if product_t > 0 else None,
        "reagents_t_per_yr": reagents,
        "reagent_self_sufficiency": self_sufficiency,
        "material_circularity_indicator": mci,
    }


def comparison(
    result: SimulationResult, mine: dict[str, Any] | None = None
) -> dict[str, dict[str, float | None]]:
    """Scalar indicators and product shares of a scenario side by side with its baseline's
    (``mine``: the scenario's :func:`indicators`, if already computed); empty without a
    baseline."""
    if result.baseline is None:
        return {}
    mine = mine if mine is not None else indicators(result)
    base = indicators(result.baseline)
    a_name, b_name = result.scenario.name, result.baseline.scenario.name
    rows: dict[str, dict[str, float | None]] = {}
    for el in ("K", "Li", "Mg", "B", "Na", "Cl"):
        a_rate = mine["three_rates"].get(el, {}).get("comprehensive_utilisation")
        b_rate = base["three_rates"].get(el, {}).get("comprehensive_utilisation")
        if a_rate is not None or b_rate is not None:
            rows[f"{el} comprehensive utilisation"] = {a_name: a_rate, b_name: b_rate}
    rows["solid-waste utilisation rate"] = {
        a_name: mine["solid_waste"]["utilisation_rate"],
        b_name: base["solid_waste"]["utilisation_rate"],
    }
    for key in ("resource_output_rate_cny_per_t", "water_reuse_rate",
                "comprehensive_utilisation_by_mass", "comprehensive_utilisation_by_value",
                "products_t_per_yr",
                "waste_solids_t_per_yr", "waste_salt_intensity_t_per_t",
                "fresh_water_m3_per_yr", "material_circularity_indicator"):  # fmt: skip
        rows[key] = {a_name: mine[key], b_name: base[key]}
    for el in ("K", "Li", "Mg", "Na", "Cl"):
        a = mine["element_shares"].get(el, {}).get("product")
        b = base["element_shares"].get(el, {}).get("product")
        rows[f"{el} share to products"] = {a_name: a, b_name: b}
    return rows
