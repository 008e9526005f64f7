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

from brineworks.chemistry.ions import ION_KEYS
from brineworks.report.accounts import grade_name, minimum_text
from brineworks.report.formatting import DASH
from brineworks.report.i18n import Catalogue
from brineworks.report.regional import jobs_range

__all__ = [
    "INDICATORS",
    "SECTIONED",
    "Summary",
    "baseline_changes",
    "headline_rows",
    "indicator_rows",
    "indicator_text",
    "summarise",
]

# indicator key → (English label, how its value reads: mass, volume, percent, ratio, number,
# price, money); labels are catalogue messages
INDICATORS: dict[str, tuple[str, str]] = {
    "comprehensive_utilisation_by_mass": ("comprehensive utilisation rate (by mass)", "percent"),
    "comprehensive_utilisation_by_value": ("comprehensive utilisation rate (by value)", "percent"),
    "products_t_per_yr": ("output of all products", "mass"),
    "waste_solids_t_per_yr": ("solid waste stored or dumped", "mass"),
    "waste_salt_intensity_t_per_t": ("waste salt per tonne of product", "ratio"),
    "returned_to_lake_t_per_yr": ("returned to the lake (tail brine, liquors, seepage)", "mass"),
    "fresh_water_m3_per_yr": ("fresh water", "volume"),
    "fresh_water_intensity_m3_per_t": ("fresh water per tonne of product", "m3_per_t"),
    "material_circularity_indicator": ("material circularity indicator (adapted MCI)", "number"),
    "K comprehensive utilisation": ("comprehensive utilisation rate of K", "percent"),
    "Li comprehensive utilisation": ("comprehensive utilisation rate of Li", "percent"),
    "Mg comprehensive utilisation": ("comprehensive utilisation rate of Mg", "percent"),
    "B comprehensive utilisation": ("comprehensive utilisation rate of B", "percent"),
    "Na comprehensive utilisation": ("comprehensive utilisation rate of Na", "percent"),
    "Cl comprehensive utilisation": ("comprehensive utilisation rate of Cl", "percent"),
    "solid-waste utilisation rate": ("solid-waste utilisation rate", "percent"),
    "resource_output_rate_cny_per_t": (
        "resource output rate (product value per t of resource)",
        "price",
    ),
    "water_reuse_rate": ("water reuse rate", "percent"),
    "carbon_t_per_yr": ("CO2 emitted (scopes 1, 2 and 3 upstream)", "mass"),
}
"""Scalar indicators of ``results.json`` (and of its comparison with the baseline) and how the
report names and formats them."""

SECTIONED = frozenset({
    "three_rates", "three_rates_official_minimums", "solid_waste", "resource_output", "water",
    "product_grades", "element_shares", "reagents_t_per_yr", "reagent_self_sufficiency",
    "aggregates",
})  # fmt: skip
"""Indicator blocks the report shows in tables of their own (:mod:`brineworks.report.accounts`),
not in the list of all indicators."""


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
    """Every scalar (or value-with-minimum) indicator, labelled and formatted; the blocks with
    tables of their own (:data:`SECTIONED`) are left out, other blocks give one row per entry."""
    rows = []
    waste = indicators.get("solid_waste")
    if isinstance(waste, Mapping) and "utilisation_rate" in waste:
        rows.append(indicator_text("solid-waste utilisation rate", waste["utilisation_rate"], cat))
    for key, v in indicators.items():
        if key in SECTIONED:
            continue
        if isinstance(v, Mapping) and "value" not in v:
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


def _people(impact: Mapping[str, Any], cat: Catalogue) -> list[tuple[str, str]]:
    """Direct jobs (with their range) and the taxes local governments receive in a year, when
    the impact block is present."""
    rows = []
    d = impact.get("direct") or {}
    if d.get("jobs") is not None:
        jobs, spread = f"{d['jobs']:,.0f}", jobs_range(d.get("jobs_low"), d.get("jobs_high"))
        rows.append((cat("direct jobs"), jobs if spread == DASH else f"{jobs} ({spread})"))
    local = (impact.get("taxes_cny") or {}).get("local")
    if local is not None:
        rows.append((cat("taxes to local governments"), cat.fmt.money(local, per_year=True)))
    return rows


_HEADLINE_ELEMENTS = ("K", "Li", "Mg", "B")
"""The elements the summary rates (all six are in the accounting table)."""

_SUMMARY_INDICATORS = (
    "resource_output_rate_cny_per_t",
    "water_reuse_rate",
    "fresh_water_m3_per_yr",
)


def headline_rows(data: Mapping[str, Any], cat: Catalogue) -> list[tuple[str, str, str]]:
    """The indicators that matter, as (indicator, value, official minimum or reference): the
    comprehensive utilisation of K, Li, Mg and B where the park makes something of them (with
    their mining and processing recoveries), the solid-waste utilisation rate, the resource
    output rate, water reuse, CO2 by all scopes, each product's grade and its energy use
    against the national quota (one route per product)."""
    ind = data["indicators"]
    f = cat.fmt
    rows: list[tuple[str, str, str]] = []
    rates = ind.get("three_rates") or {}
    minimums = ind.get("three_rates_official_minimums") or {}
    for el in _HEADLINE_ELEMENTS:
        r = rates.get(el)
        if not r or not r.get("products_t") or r.get("comprehensive_utilisation") is None:
            continue
        label = cat(INDICATORS[f"{el} comprehensive utilisation"][0])
        value = cat("{total} (mining {mining}, processing {processing})",
                    total=f.percent(r["comprehensive_utilisation"]),
                    mining=f.percent(r["mining_recovery"]),
                    processing=f.percent(r["processing_recovery"]))  # fmt: skip
        rows.append((label, value, minimum_text(minimums.get(el, []), cat, r)))
    waste = ind.get("solid_waste") or {}
    if "utilisation_rate" in waste:
        rows.append(indicator_text("solid-waste utilisation rate", waste["utilisation_rate"], cat))
    picked = {k: ind[k] for k in _SUMMARY_INDICATORS if k in ind}
    rows += indicator_rows(picked, cat)
    carbon = data.get("carbon") or {}
    if carbon:
        grid = carbon.get("grid_factor") or DASH
        rows.append((cat(INDICATORS["carbon_t_per_yr"][0]),
                     cat("{total} ({intensity} kg per t of product)",
                         total=f.mass(carbon["total_t_per_yr"]),
                         intensity=f.number(carbon["intensity_kg_per_t_products"])),
                     cat("grid factor {grid}", grid=grid)))  # fmt: skip
    for name, g in (ind.get("product_grades") or {}).items():
        if "standard" in g:
            rows.append((cat("grade of {product}", product=cat.name("product", name)),
                         grade_name(g.get("grade"), cat), g["standard"]))  # fmt: skip
    quoted: set[str] = set()
    for q in data.get("energy_against_quotas") or []:
        quota, met = q.get("quota"), q.get("meets_level")
        if quota is None or q.get("kgce_per_t") is None or q["product"] in quoted:
            continue  # one quota row per product here; every route is in the accounting table
        quoted.add(q["product"])
        verdict = cat("level {n} ✓", n=met) if met else cat("above level 3 ✗")
        rows.append((cat("energy use of {product}", product=cat.name("product", q["product"])),
                     f"{f.number(q['kgce_per_t'])} {cat('kgce/t')}",
                     f"{quota['standard']} ({q.get('route', '')}): {verdict}"))  # fmt: skip
    return rows


_CHANGES = (
    *(f"{el} comprehensive utilisation" for el in _HEADLINE_ELEMENTS),
    "solid-waste utilisation rate",
    "resource_output_rate_cny_per_t",
    "water_reuse_rate",
    "material_circularity_indicator",
    "products_t_per_yr",
    "waste_solids_t_per_yr",
    "fresh_water_m3_per_yr",
)
"""The comparison rows the summary puts in words (the report's table has them all)."""


def baseline_changes(data: Mapping[str, Any], cat: Catalogue) -> list[str]:
    """What changed against the baseline, in plain sentences (the headline indicators)."""
    comparison = data.get("comparison") or {}
    if not comparison:
        return []
    me = data["scenario"]
    sentences = []
    for key in _CHANGES:
        row = comparison.get(key)
        if not row:
            continue
        base_name = next((k for k in row if k != me), None)
        if base_name is None:
            continue
        a, b = row.get(me), row.get(base_name)
        label_en, how = INDICATORS[key]
        label = cat(label_en)
        if a is None or b is None or (how == "percent" and not a and not b):
            continue
        va, vb = _value(a, how, cat), _value(b, how, cat)
        if va == vb:
            sentences.append(cat("{what} is unchanged at {new}", what=label, new=va))
        elif a > b:
            sentences.append(cat("{what} rises from {old} to {new}", what=label, old=vb, new=va))
            if key == "waste_solids_t_per_yr":
                sentences[-1] += _largest_waste(data, cat)
        else:
            sentences.append(cat("{what} falls from {old} to {new}", what=label, old=vb, new=va))
    return sentences


def _largest_waste(data: Mapping[str, Any], cat: Catalogue) -> str:
    """ ", mostly NAME (amount)": the waste stream with the most solids, so that a park that
    does worse than its baseline says which flow makes it so."""
    liquid = {*ION_KEYS, "H2O", "Hplus", "OHminus"}
    solids = {
        s["name"]: sum(v for c, v in s["t_per_yr"].items() if c not in liquid)
        for s in data["streams"]
        if s["fate"] == "waste"
    }
    if not solids:
        return ""
    name = max(solids, key=lambda n: solids[n])
    return cat(", mostly {stream} ({amount})", stream=cat.name("stream", name),
               amount=cat.fmt.mass(solids[name]))  # fmt: skip


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
        money=_money(econ, cat) + _people(data.get("impact") or {}, cat) if econ else [],
        indicators=headline_rows(data, cat),
        changes=baseline_changes(data, cat),
        assumptions=listed,
        ranked=ranked,
        notes=notes,
    )
