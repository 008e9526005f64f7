"""The one-page summary that opens the report: what the park makes, what it costs and earns
(when the economics block exists), the indicators that matter (with official minimums where
the block gives them), what changed against the baseline in plain words, and the assumptions
the result rests on, ranked by their effect on the NPV where a tornado exists.

Also the labels and formats of the indicators, shared by the report, the workbook and the CLI.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from brineworks.report.formatting import DASH
from brineworks.report.i18n import Catalogue

__all__ = [
    "INDICATORS",
    "Summary",
    "indicator_rows",
    "indicator_text",
    "summarise",
]

# indicator key → (English label, how its value reads: mass, volume, percent, ratio, number,
# price, money); labels are catalogue messages
INDICATORS: dict[str, tuple[str, str]] = {
    "comprehensive_utilisation_by_mass": ("comprehensive utilisation rate (by mass)", "percent"),
    "comprehensive_utilisation_by_value": ("comprehensive utilisation rate (by value)", "percent"),
    "products_t_per_yr": ("products", "mass"),
    "waste_solids_t_per_yr": ("waste solids", "mass"),
    "waste_salt_intensity_t_per_t": ("waste salt per tonne of product", "ratio"),
    "returned_to_lake_t_per_yr": ("returned to the lake (tail brine, liquors, seepage)", "mass"),
    "fresh_water_m3_per_yr": ("fresh water", "volume"),
    "fresh_water_intensity_m3_per_t": ("fresh water per tonne of product", "m3_per_t"),
    "material_circularity_indicator": ("material circularity indicator (adapted MCI)", "number"),
    "three_rates": (
        "the three rates (mining recovery, processing recovery, utilisation)",
        "percent",
    ),
    "solid_waste": ("solid waste", "mass"),
    "resource_output_rate_cny_per_t": ("resource output rate", "price"),
    "water_reuse_rate": ("water reuse rate", "percent"),
}
"""Scalar indicators of ``results.json`` and how the report names and formats them (the keys
the economics, impact and reservoir layers will add are here already)."""


def _value(v: Any, how: str, cat: Catalogue) -> str:
    f = cat.fmt
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return DASH
    if not isinstance(v, int | float):
        return str(v)
    funcs: dict[str, Callable[[float], str]] = {
        "mass": f.mass,
        "volume": f.volume,
        "percent": f.percent,
        "price": f.price,
        "money": f.money,
        "number": lambda x: f.number(x, 3),
        "ratio": lambda x: f"{f.number(x, 3)} {cat('t per t product')}",
        "m3_per_t": lambda x: f"{f.number(x, 3)} {cat('m³ per t product')}",
    }
    return funcs.get(how, f.number)(float(v))


def indicator_text(key: str, value: Any, cat: Catalogue) -> tuple[str, str, str]:
    """(label, value, official minimum with ✓/✗ or empty) of one indicator. A value that is a
    mapping with ``value`` and ``minimum`` (or ``official_minimum``) is checked against it."""
    label, how = INDICATORS.get(key, (key.replace("_", " "), "number"))
    minimum = ""
    if isinstance(value, Mapping) and "value" in value:
        low = value.get("minimum", value.get("official_minimum"))
        v = value["value"]
        if isinstance(low, int | float) and isinstance(v, int | float):
            mark = "✓" if v >= low else "✗"
            minimum = f"≥ {_value(low, how, cat)} {mark}"
            if value.get("source"):
                minimum += f" ({value['source']})"
        value = v
    return cat(label), _value(value, how, cat), minimum


def indicator_rows(indicators: Mapping[str, Any], cat: Catalogue) -> list[tuple[str, str, str]]:
    """Every scalar (or value-with-minimum) indicator, labelled and formatted; blocks of
    several indicators (``three_rates`` as a mapping of rates) give one row each."""
    rows = []
    for key, v in indicators.items():
        if isinstance(v, Mapping) and "value" not in v:
            if key in ("element_shares", "reagents_t_per_yr", "reagent_self_sufficiency"):
                continue
            how = INDICATORS.get(key, ("", "number"))[1]
            label = cat(INDICATORS.get(key, (key.replace("_", " "), ""))[0])
            for sub, sv in v.items():
                _, text, low = indicator_text(sub, sv, cat)
                if isinstance(sv, int | float):
                    text = _value(sv, how, cat)
                rows.append((f"{label}: {cat(sub.replace('_', ' '))}", text, low))
            continue
        rows.append(indicator_text(key, v, cat))
    return rows


@dataclass(frozen=True)
class Summary:
    """The summary's content, formatted for one language.

    Attributes
    ----------
    makes
        (product, amount[, share of revenue]) per product, largest revenue (or output) first.
    money
        (what, amount) rows of capital, revenue, costs, NPV, IRR, payback; empty without an
        economics block.
    indicators
        (indicator, value, official minimum) rows.
    changes
        Plain sentences on what changed against the baseline.
    assumptions
        The assumptions, most influential first where ``ranked``.
    ranked
        Whether ``assumptions`` are ranked by their effect on the NPV (a tornado exists).
    """

    makes: list[tuple[str, ...]]
    money: list[tuple[str, str]]
    indicators: list[tuple[str, str, str]]
    changes: list[str]
    assumptions: list[str]
    ranked: bool
    notes: list[str] = field(default_factory=list)


def _product_name(name: str, cat: Catalogue) -> str:
    return cat.name("product", name)


def _makes(data: Mapping[str, Any], cat: Catalogue) -> list[tuple[str, ...]]:
    econ = data.get("economics") or {}
    revenue = econ.get("revenue_cny_per_yr") or {}
    total = sum(v for v in revenue.values() if v) or 0.0
    items = sorted(data["products_t_per_yr"].items(),
                   key=lambda kv: (-(revenue.get(kv[0]) or 0.0), -kv[1]))  # fmt: skip
    rows: list[tuple[str, ...]] = []
    for name, t in items:
        if total:
            share = cat.fmt.percent((revenue.get(name) or 0.0) / total, 0)
            rows.append((_product_name(name, cat), cat.fmt.mass(t), share))
        else:
            rows.append((_product_name(name, cat), cat.fmt.mass(t)))
    return rows


def _money(econ: Mapping[str, Any], cat: Catalogue) -> list[tuple[str, str]]:
    f = cat.fmt
    capex = sum(econ.get("capex_cny", {}).values())
    revenue = sum(econ.get("revenue_cny_per_yr", {}).values())
    opex = sum(econ.get("opex_cny_per_yr", {}).values())
    rate = econ.get("discount_rate")
    irr = econ.get("irr")
    payback = econ.get("payback_yr")
    rows = [
        (cat("capital cost"), f.money(capex)),
        (cat("revenue at full output"), f.money(revenue, per_year=True)),
        (cat("operating cost at full output"), f.money(opex, per_year=True)),
        (cat("net present value at {rate} (real)", rate=f.percent(rate, 0)),
         f.money(econ.get("npv_cny"))),
        (cat("internal rate of return"), f.percent(irr) if irr is not None else cat("none")),
        (cat("payback from the start of construction"),
         f.years(payback) if payback is not None else cat("never")),
    ]  # fmt: skip
    prices = econ.get("prices")
    if prices:
        rows.append((cat("price set"), f"{cat(str(prices))} ({econ.get('price_year', '')})"))
    return rows


_SUMMARY_INDICATORS = (
    "comprehensive_utilisation_by_mass",
    "comprehensive_utilisation_by_value",
    "three_rates",
    "water_reuse_rate",
    "resource_output_rate_cny_per_t",
    "solid_waste",
    "waste_solids_t_per_yr",
    "waste_salt_intensity_t_per_t",
    "fresh_water_m3_per_yr",
)


def _indicators(data: Mapping[str, Any], cat: Catalogue) -> list[tuple[str, str, str]]:
    ind = data["indicators"]
    picked = {k: ind[k] for k in _SUMMARY_INDICATORS if k in ind}
    rows = indicator_rows(picked, cat)
    shares = ind.get("element_shares", {})
    for el in ("K", "Li", "Mg"):
        if el in shares:
            rows.append((cat("{element} to products", element=cat.name("element", el)),
                         cat.fmt.percent(shares[el]["product"]), ""))  # fmt: skip
    energy = data.get("energy") or {}
    if energy:
        rows.append((cat("electricity (plants with sourced factors)"),
                     cat.fmt.electricity(energy.get("electricity_mwh_per_yr")), ""))  # fmt: skip
        co2 = energy.get("indirect_co2_t_per_yr")
        rows.append((cat("indirect CO2 from electricity"),
                     cat.fmt.mass(co2) if co2 is not None else cat("unknown"), ""))  # fmt: skip
    return rows


def _changes(data: Mapping[str, Any], cat: Catalogue) -> list[str]:
    comparison = data.get("comparison") or {}
    if not comparison:
        return []
    me = data["scenario"]
    sentences = []
    for key, row in comparison.items():
        base_name = next((k for k in row if k != me), None)
        if base_name is None:
            continue
        a, b = row.get(me), row.get(base_name)
        if key.endswith(" share to products"):
            el = key.split(" ")[0]
            label = cat("{element} to products", element=cat.name("element", el))
            how = "percent"
        else:
            label_en, how = INDICATORS.get(key, (key.replace("_", " "), "number"))
            label = cat(label_en)
        if a is None or b is None:
            continue
        va, vb = _value(a, how, cat), _value(b, how, cat)
        if va == vb:
            sentences.append(cat("{what} is unchanged at {new}", what=label, new=va))
        elif a > b:
            sentences.append(cat("{what} rises from {old} to {new}", what=label, old=vb, new=va))
        else:
            sentences.append(cat("{what} falls from {old} to {new}", what=label, old=vb, new=va))
    return sentences


def _tornado_param(parameter: str, cat: Catalogue) -> str:
    _kind, _, item = parameter.partition(": ")
    if item:
        return cat("price of {item}", item=cat.name("product", item))
    return cat(parameter)


def _assumptions(
    data: Mapping[str, Any], listed: list[list[str]], cat: Catalogue
) -> tuple[list[str], bool]:
    econ = data.get("economics") or {}
    bars = econ.get("tornado") or []
    f = cat.fmt
    if bars:
        ranked = sorted(bars, key=lambda b: -abs(b["npv_high_cny"] - b["npv_low_cny"]))
        out = [
            cat("{what} ±20 %: NPV {low} to {high}", what=_tornado_param(b["parameter"], cat),
                low=f.money(min(b["npv_low_cny"], b["npv_high_cny"])),
                high=f.money(max(b["npv_low_cny"], b["npv_high_cny"])))
            for b in ranked[:8]
        ]  # fmt: skip
        return out, True
    out = [f"{u}: {item} = {value}" for u, item, value, _ in listed[:8]]
    if len(listed) > 8:
        out.append(cat("… and {n} more in the appendix", n=len(listed) - 8))
    return out, False


def summarise(data: Mapping[str, Any], assumptions: list[list[str]], cat: Catalogue) -> Summary:
    """The summary of a ``results.json`` mapping (``assumptions``: rows of unit, parameter,
    value, why, as in the appendix)."""
    econ = data.get("economics")
    notes = []
    if not econ:
        notes.append(cat("Costs and earnings are not computed for this run (no economics block)."))
    listed, ranked = _assumptions(data, assumptions, cat)
    return Summary(
        makes=_makes(data, cat),
        money=_money(econ, cat) if econ else [],
        indicators=_indicators(data, cat),
        changes=_changes(data, cat),
        assumptions=listed,
        ranked=ranked,
        notes=notes,
    )
