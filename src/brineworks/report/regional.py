"""The regional-impact and footprint tables of a ``results.json`` mapping — jobs, wages and
output by effect, taxes by level of government, the regionalisation's sensitivity, direct jobs
by plant, the footprint against its limits, the stockpiles' land — as
:class:`~brineworks.report.accounts.Table` rows of raw values, so that the report formats them
and the workbook keeps the numbers (one definition for both).

They read the ``impact`` and ``footprint`` blocks that :func:`brineworks.impact.results_sections`
writes (``docs/impact.md``); a block missing from the mapping gives empty tables.

Examples
--------
>>> from brineworks.report.i18n import catalogue
>>> impact = {"direct": {"jobs": 9153.1, "wages_cny": 1.0e9, "output_cny": 2.8e10,
...                      "jobs_low": 3943.0, "jobs_high": 15677.0, "local_jobs": 5491.8},
...           "indirect": {"jobs": 36269.4, "wages_cny": 2.1e9, "output_cny": 1.33e10},
...           "induced": {"jobs": 8315.0, "wages_cny": 6.0e8, "output_cny": 2.2e9}}
>>> table = jobs_table(impact, catalogue("zh"))
>>> table.formatted(catalogue("zh"))[0][:3]
['直接（园区各装置）', '9,153', '3,943–15,677']
>>> table.raw()[-1][1]  # the total, as the workbook stores it
53737.5
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from brineworks.report.accounts import Measure, Table
from brineworks.report.formatting import DASH
from brineworks.report.i18n import Catalogue

__all__ = [
    "footprint_sources",
    "footprint_table",
    "jobs_range",
    "jobs_table",
    "plant_jobs_table",
    "regionalisation_label",
    "regionalisation_table",
    "stockpile_land_table",
    "taxes_table",
]

_EFFECTS = ("direct", "indirect", "induced")


def jobs_range(low: float | None, high: float | None) -> str:
    """A range of jobs for reading (``3,943–15,677``); ``–`` where either end is missing."""
    if low is None or high is None:
        return DASH
    return f"{low:,.0f}–{high:,.0f}"


def _effect_label(effect: str, cat: Catalogue) -> str:
    return {
        "direct": cat("direct (the park's plants)"),
        "indirect": cat("indirect (regional suppliers)"),
        "induced": cat("induced (regional household spending)"),
    }[effect]


def jobs_table(impact: Mapping[str, Any], cat: Catalogue) -> Table:
    """Jobs, wages and output of each effect (direct, indirect, induced; regionalised
    multipliers) and their total. [jobs, CNY/yr]"""
    rows: list[list[Any]] = []
    for effect in _EFFECTS:
        e = impact.get(effect)
        if not e:
            continue
        spread = jobs_range(e.get("jobs_low"), e.get("jobs_high"))
        rows.append([_effect_label(effect, cat), e["jobs"], spread, e.get("local_jobs"),
                     e["wages_cny"], e["output_cny"]])  # fmt: skip
    if rows:
        rows.append([cat("total"), sum(r[1] for r in rows), DASH,
                     None, sum(r[4] for r in rows), sum(r[5] for r in rows)])  # fmt: skip
    return Table(
        ("effect", "jobs", "range of the direct jobs", "of which local hires", "wages",
         "output value"),
        ("text", "jobs", "text", "jobs", "money_per_yr", "money_per_yr"),
        rows,
    )  # fmt: skip


def _tax_label(kind: str, cat: Catalogue) -> str:
    known = {
        "vat": cat("value-added tax"),
        "eit": cat("enterprise income tax"),
        "resource_tax": cat("resource tax"),
        "urban_maintenance_tax": cat("urban maintenance tax and education surcharges"),
    }
    return known.get(kind, kind.replace("_", " "))


def taxes_table(impact: Mapping[str, Any], cat: Catalogue) -> Table:
    """Taxes of a year by kind, split between the central and local governments (the sharing
    rules of ``data/impact/tax_sharing.csv``), and their total. [CNY/yr]"""
    taxes = impact.get("taxes_cny") or {}
    rows: list[list[Any]] = [
        [_tax_label(kind, cat), v["total"], v["central"], v["local"]]
        for kind, v in (taxes.get("by_kind") or {}).items()
    ]
    if rows:
        rows.append([cat("total"), taxes["total"], taxes["central"], taxes["local"]])
    return Table(
        ("tax", "total", "central government", "local governments"),
        ("text", "money_per_yr", "money_per_yr", "money_per_yr"),
        rows,
    )


_UNIFORM = re.compile(
    r"uniform local-purchase share ([\d.]+) \(intermediates\), ([\d.]+) \(household spending\)"
)
_LQ = re.compile(r"^(SLQ|FLQ)\b.*? of (\w+)(?:, FLQ λ = ([\d.]+))?.*?household spending ([\d.]+)")


def regionalisation_label(text: str, cat: Catalogue) -> str:
    """A regionalisation rule of :mod:`brineworks.impact.io` in the report's language."""
    if text.startswith("national table"):
        return cat("national multipliers, not regionalised (an upper bound)")
    m = _UNIFORM.fullmatch(text)
    if m:
        return cat("uniform: {a} of intermediate purchases and {b} of household spending local",
                   a=cat.fmt.percent(float(m.group(1)), 0),
                   b=cat.fmt.percent(float(m.group(2)), 0))  # fmt: skip
    m = _LQ.match(text)
    if m:
        _, region, lam, household = m.groups()
        name = cat.pgettext("region", region.capitalize())
        if lam:
            return cat("FLQ location quotients of {region} (λ = {lam}); {b} of household "
                       "spending local", region=name, lam=lam,
                       b=cat.fmt.percent(float(household), 0))  # fmt: skip
        return cat("SLQ location quotients of {region}; {b} of household spending local",
                   region=name, b=cat.fmt.percent(float(household), 0))  # fmt: skip
    return text


def regionalisation_table(impact: Mapping[str, Any], cat: Catalogue) -> Table:
    """Indirect and induced jobs and the local income under each regionalisation rule of the
    sensitivity study; the rule in force is marked. [jobs, CNY/yr]"""
    in_force = impact.get("regionalisation")
    rows = [
        [regionalisation_label(s["regionalisation"], cat)
         + (f" ({cat('in force')})" if s["regionalisation"] == in_force else ""),
         s["indirect_jobs"], s["induced_jobs"], s["local_income_cny"]]
        for s in impact.get("sensitivity") or []
    ]  # fmt: skip
    return Table(
        ("regionalisation", "indirect jobs", "induced jobs", "local income"),
        ("text", "jobs", "jobs", "money_per_yr"),
        rows,
    )


def _status(status: str, cat: Catalogue) -> str:
    return {
        "R": cat("sourced"),
        "R-weak": cat("R-weak"),
        "D": cat("derived"),
        "derived": cat("derived"),
        "assumption": cat("assumption"),
        "given": cat("given"),
        "not_found": cat("not found"),
    }.get(status, status)


def plant_jobs_table(impact: Mapping[str, Any], cat: Catalogue) -> Table:
    """Direct jobs of each plant at its capacity, with their range and the status of their
    source (the sources themselves: :func:`footprint_sources`). [t/yr, jobs]"""
    rows = [
        [p["name"], p["capacity_t_per_yr"], p["jobs"],
         jobs_range(p["jobs_low"], p["jobs_high"]), _status(p["jobs_status"], cat)]
        for p in impact.get("plants") or []
    ]  # fmt: skip
    return Table(
        ("unit", "capacity", "direct jobs", "range", "source"),
        ("text", "mass", "jobs", "text", "text"),
        rows,
    )


_QUANTITIES = {
    "pond_and_pile_land_km2": "land under ponds and stockpiles",
    "land_in_red_line_km2": "land inside the ecological protection red line",
    "fresh_water_m3_per_yr": "fresh water drawn",
    "co2_t_per_yr": "CO2, scopes 1–3",
    "returned_brine_t_per_yr": "brine returned to the lake",
    "dust_prone_area_km2": "dust-prone stockpile area",
}


def _quantity(key: str, cat: Catalogue) -> str:
    label = _QUANTITIES.get(key)
    return cat(label) if label else key.replace("_", " ")


def _verdict(item: Mapping[str, Any], cat: Catalogue) -> str:
    return {
        "within": cat("within the limit ✓"),
        "exceeds": cat("exceeds the limit ✗"),
        "no limit": cat("no published limit found"),
        "not assessed": cat("not assessed"),
    }.get(str(item.get("status")), str(item.get("status")))


def footprint_table(footprint: Mapping[str, Any], cat: Catalogue) -> Table:
    """Each footprint quantity after the footprint's years, against its limit (the value and
    the limit in the quantity's unit, its share of the limit and the verdict), and the CO2
    intensity of the products. Values and limits are :class:`~brineworks.report.accounts.Measure`
    cells, each in its row's unit (the last column, for the workbook)."""
    rows: list[list[Any]] = []
    for key, item in (footprint.get("items") or {}).items():
        unit = str(item.get("unit", ""))
        rows.append([_quantity(key, cat), Measure(item.get("value"), unit),
                     Measure(item.get("limit"), unit), item.get("share_of_limit"),
                     _verdict(item, cat), cat(_unit(unit))])  # fmt: skip
    intensity = footprint.get("co2_intensity_kg_per_t")
    if intensity is not None:
        rows.append([cat("CO2 per tonne of product"), Measure(intensity, "kg/t"),
                     Measure(None, "kg/t"), None, cat("no published limit found"),
                     cat("kg/t")])  # fmt: skip
    return Table(
        ("quantity", "value", "limit", "share of the limit", "verdict", "unit of measure"),
        ("text", "measure", "measure", "percent", "text", "text"),
        rows,
    )


def _unit(unit: str) -> str:
    return {"km2": "km²", "m3/yr": "m³/yr"}.get(unit, unit)


def stockpile_land_table(footprint: Mapping[str, Any], cat: Catalogue) -> Table:
    """The solid streams the park places on land: tonnage, where they go, the land they take
    each year (at the pile height of ``data/impact/parameters.csv``) and whether the pile
    raises dust. [t/yr, km²/yr]"""
    placements = {"pile": cat("stockpile"), "pond": cat("pond"), "liquid": cat("liquid")}
    rows = [
        [cat.name("stream", s["stream"]), cat.short("material", s["material"]), s["t_per_yr"],
         placements.get(s["placement"], s["placement"]), s["land_km2_per_yr"],
         cat("yes") if s["dust_prone"] else cat("no")]
        for s in footprint.get("stockpiles") or [] if s["t_per_yr"] > 0
    ]  # fmt: skip
    return Table(
        ("stream", "material", "placed", "where", "new land", "dust-prone"),
        ("text", "text", "mass", "text", "km2_per_yr", "text"),
        rows,
    )


def footprint_sources(data: Mapping[str, Any], cat: Catalogue) -> Table:
    """Where each limit of the footprint and each plant's direct jobs come from: the item,
    the status of its source and the source as the data files give it."""
    rows: list[list[Any]] = []
    for key, item in ((data.get("footprint") or {}).get("items") or {}).items():
        rows.append([_quantity(key, cat), _status(str(item.get("limit_status")), cat),
                     str(item.get("limit_source", ""))])  # fmt: skip
    for p in (data.get("impact") or {}).get("plants") or []:
        rows.append([cat("direct jobs: {unit}", unit=p["name"]),
                     _status(p["jobs_status"], cat), p["jobs_source"]])  # fmt: skip
    return Table(("item", "status", "source"), ("text", "text", "text"), rows)
