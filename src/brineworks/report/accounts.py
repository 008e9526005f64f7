"""The accounting tables of a ``results.json`` mapping — the three rates (三率), solid waste and
its stockpiles, product grades, carbon by scope, energy against the national quotas — as rows of
raw values with the kind of each column, so that the report formats them for reading and the
workbook keeps them as numbers. One definition for both (and for the summary's headline rows).

Each builder returns a :class:`Table`: the column labels (English catalogue messages), the kind
of each column (``text``, ``mass`` [t/yr], ``stock`` [t], ``percent`` [fraction], ``price``
[CNY/t], ``kg_per_t``, ``kgce_per_t``, ``number``) and the rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from brineworks.report.formatting import DASH
from brineworks.report.i18n import Catalogue

__all__ = [
    "RATED_ELEMENTS",
    "Measure",
    "Table",
    "carbon_table",
    "facts_table",
    "format_cell",
    "format_measure",
    "grade_name",
    "grade_table",
    "grid_table",
    "minimum_text",
    "quota_table",
    "stockpile_table",
    "three_rates_table",
]

RATED_ELEMENTS = ("K", "Li", "Mg", "B", "Na", "Cl")
"""Elements the three rates are reported for, in the report's order."""

UNITS = {
    "mass": "t/yr",
    "stock": "t",
    "percent": "%",
    "price": "CNY/t",
    "kg_per_t": "kg/t",
    "kgce_per_t": "kgce/t",
    "number": "-",
    "jobs": "persons",
    "money_per_yr": "CNY/yr",
    "km2_per_yr": "km²/yr",
    "measure": "",
    "text": "",
}
"""The unit of each column kind's raw value (workbook headers); a ``measure`` column's unit
is that of each of its cells."""


class Measure(NamedTuple):
    """A value with its own unit, in a column whose rows differ in unit (``km2``, ``m3/yr``,
    ``t/yr``, ``kg/t``): the report formats it in the unit's reading scale, the workbook keeps
    the number (the unit in a column of its own)."""

    value: float | None
    unit: str


@dataclass(frozen=True)
class Table:
    """Rows of raw values, with a label and a kind per column."""

    labels: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: list[list[Any]]

    def formatted(self, cat: Catalogue) -> list[list[str]]:
        """The rows as the report prints them."""
        return [[format_cell(v, k, cat) for v, k in zip(r, self.kinds, strict=True)]
                for r in self.rows]  # fmt: skip

    def raw(self) -> list[list[Any]]:
        """The rows as the workbook stores them (shares in per cent)."""
        return [[v.value if isinstance(v, Measure)
                 else 100.0 * v if k == "percent" and isinstance(v, int | float) else v
                 for v, k in zip(r, self.kinds, strict=True)] for r in self.rows]  # fmt: skip

    def headers(self, cat: Catalogue) -> list[str]:
        """The column labels, translated."""
        return [cat(label) for label in self.labels]

    def unit_headers(self, cat: Catalogue) -> list[str]:
        """The column labels with the raw values' units (for the workbook)."""
        return [f"{cat(label)} [{cat(UNITS[k])}]" if UNITS[k] else cat(label)
                for label, k in zip(self.labels, self.kinds, strict=True)]  # fmt: skip


def format_cell(v: Any, kind: str, cat: Catalogue) -> str:
    """One value of a column of ``kind`` for reading."""
    f = cat.fmt
    if isinstance(v, Measure):
        return format_measure(v, cat)
    if v is None:
        return DASH
    if kind == "text" or isinstance(v, str):
        return str(v)
    x = float(v)
    if kind == "mass":
        return f.mass(x)
    if kind == "stock":
        return f.stock(x)
    if kind == "percent":
        return f.percent(x)
    if kind == "price":
        return f.price(x)
    if kind == "kg_per_t":
        return f"{f.number(x)} {cat('kg/t')}"
    if kind == "kgce_per_t":
        return f"{f.number(x)} {cat('kgce/t')}"
    if kind == "jobs":
        return f"{x:,.0f}"
    if kind == "money_per_yr":
        return f.money(x, per_year=True)
    if kind == "km2_per_yr":
        return f"{f.number(x)} {cat('km²/yr')}"
    return f.number(x)


def format_measure(m: Measure, cat: Catalogue) -> str:
    """A :class:`Measure` for reading: flows in 万吨/年 or kt/yr, volumes in 万立方米/年 or
    million m³/yr, areas in 平方公里 or km²; other units after the number."""
    f = cat.fmt
    if m.value is None:
        return DASH
    x = float(m.value)
    if m.unit == "t/yr":
        return f.mass(x)
    if m.unit == "m3/yr":
        return f.volume(x)
    if m.unit == "km2":
        return f.area(x * 1e6)
    return f"{f.number(x)} {cat(m.unit)}"


def minimum_text(rows: Sequence[Mapping[str, Any]], cat: Catalogue,
                 rates: Mapping[str, Any] | None = None) -> str:  # fmt: skip
    """What the three-rates table says of one element's official minimums: each numeric
    minimum (with ✓/✗ against ``rates`` and whether it is official, an analogue of another
    deposit type or a practice value), else why there is none (not read, not found)."""
    names = {
        "mining_recovery": cat("mining recovery"),
        "processing_recovery": cat("processing recovery"),
        "comprehensive_utilisation": cat("comprehensive utilisation"),
    }
    parts = []
    for r in rows:
        if not r.get("minimum"):
            continue
        low = float(r["minimum"])
        mark = ""
        value = (rates or {}).get(str(r["rate"]))
        if isinstance(value, int | float):
            mark = " ✓" if value >= low else " ✗"
        parts.append(cat("{rate} ≥ {minimum}{mark} ({applies}, {year})",
                         rate=names.get(str(r["rate"]), str(r["rate"])),
                         minimum=cat.fmt.percent(low, 0), mark=mark,
                         applies=cat.pgettext("applies", str(r["applies"])),
                         year=r.get("year") or DASH))  # fmt: skip
    if not parts:
        if any(r.get("status") == "not_read" for r in rows):
            return cat("official minimum published but not read")
        return cat("no official minimum found for brine deposits")
    return "; ".join(parts)


def three_rates_table(indicators: Mapping[str, Any], cat: Catalogue) -> Table:
    """Per element: pumped, mining recovery, processing recovery, comprehensive utilisation,
    products and the official minimums."""
    rates = indicators.get("three_rates") or {}
    minimums = indicators.get("three_rates_official_minimums") or {}
    rows = []
    for el in RATED_ELEMENTS:
        r = rates.get(el)
        if not r or not r.get("pumped_t"):
            continue
        rows.append([
            cat.name("element", el), r["pumped_t"], r["mining_recovery"],
            r["processing_recovery"], r["comprehensive_utilisation"], r["products_t"],
            minimum_text(minimums.get(el, []), cat, r),
        ])  # fmt: skip
    return Table(
        ("element", "pumped", "mining recovery", "processing recovery",
         "comprehensive utilisation", "in products", "official minimum or reference"),
        ("text", "mass", "percent", "percent", "percent", "mass", "text"),
        rows,
    )  # fmt: skip


def stockpile_table(indicators: Mapping[str, Any], cat: Catalogue) -> Table:
    """The solid waste of the year and each stockpile over the decades."""
    waste = indicators.get("solid_waste") or {}
    rows: list[list[Any]] = []
    for pile in waste.get("stockpiles", []):
        sizes = pile.get("size_t", {})
        rows.append([
            cat.name("stream", pile["name"]), pile["initial_t"], pile["inflow_t_per_yr"],
            pile["drawn_t_per_yr"],
            sizes.get("10"), sizes.get("30"),
            cat("{n} years", n=cat.fmt.number(pile["exhausted_after_yr"], 3))
            if pile.get("exhausted_after_yr") is not None else cat("grows"),
        ])  # fmt: skip
    return Table(
        ("stockpile", "at the start", "added", "drawn", "after 10 years", "after 30 years",
         "exhausted"),
        ("text", "stock", "mass", "mass", "stock", "stock", "text"),
        rows,
    )  # fmt: skip


def grade_name(grade: str | None, cat: Catalogue) -> str:
    """A grade of a standard in the report's language (``一等品 (first)`` → ``一等品`` or
    ``first``); a product meeting no grade is ``below grade``."""
    if not grade:
        return cat("below grade")
    zh, _, en = grade.partition(" (")
    if en:
        return zh if cat.lang == "zh" else en.rstrip(")")
    return cat.pgettext("grade", grade)


def grade_table(indicators: Mapping[str, Any], cat: Catalogue) -> Table:
    """Each product with a standard: its grade, purity and the limits it misses for the next
    better grade."""
    rows = []
    for name, g in (indicators.get("product_grades") or {}).items():
        if "standard" not in g:
            continue
        misses = [c for c in g["checks"] if not c["pass"]]
        if g.get("grade") is not None:
            better = [c for c in misses if c["grade"] != g["grade"]]
            first = better[0]["grade"] if better else None
            misses = [c for c in better if c["grade"] == first]
        text = "; ".join(
            f"{c['parameter']} {cat.fmt.number(c['product'], 3)} % "
            f"{'<' if c['limit'] == 'min' else '>'} {cat.fmt.number(c['value'], 3)} % "
            f"({grade_name(c['grade'], cat)})"
            for c in misses
        )
        rows.append([cat.name("product", name), g["standard"], grade_name(g.get("grade"), cat),
                     g["purity_pct"] / 100 if g.get("purity_pct") is not None else None,
                     text or DASH])  # fmt: skip
    return Table(
        ("product", "standard", "grade", "purity (dry)", "short of the next grade"),
        ("text", "text", "text", "percent", "text"),
        rows,
    )


def carbon_table(data: Mapping[str, Any], cat: Catalogue) -> Table:
    """CO2 by scope and source. [t/yr]"""
    c = data.get("carbon") or {}
    if not c:
        return Table(("source", "CO2"), ("text", "mass"), [])
    labels = {
        "natural_gas_heat": cat("scope 1: natural gas burnt for heat"),
        "process": cat("scope 1: process CO2 (carbonates, lime)"),
        "emitted_carbon": cat("scope 1: carbon leaving in off-gas and emissions"),
    }
    rows: list[list[Any]] = [[labels.get(k, k), v] for k, v in c["scope1_t_per_yr"].items()]
    rows.append([cat("scope 2: electricity ({grid})", grid=c.get("grid_factor") or DASH),
                 c["scope2_t_per_yr"]])  # fmt: skip
    rows.append([cat("scope 3: bought reagents and fuels (upstream)"),
                 c["scope3_upstream_t_per_yr"]])  # fmt: skip
    rows.append([cat("total"), c["total_t_per_yr"]])
    return Table(("source", "CO2"), ("text", "mass"), rows)


def grid_table(data: Mapping[str, Any], cat: Catalogue) -> Table:
    """The park's total CO2 under each grid emission factor. [t/yr]"""
    c = data.get("carbon") or {}
    rows = [[k, v] for k, v in (c.get("grid_sensitivity_t_per_yr") or {}).items()]
    return Table(("grid emission factor", "total CO2"), ("text", "mass"), rows)


def _amount(v: float, unit: str, cat: Catalogue) -> str:
    """A value of a fact in its unit, for reading (flows in 万吨/年 or kt/yr...)."""
    if unit == "t/yr":
        return cat.fmt.mass(v)
    if unit == "m3/yr":
        return cat.fmt.volume(v)
    return f"{cat.fmt.number(v)} {cat(unit)}"


def facts_table(data: Mapping[str, Any], cat: Catalogue) -> Table:
    """The park beside the published plant facts of its lake (``plant_facts`` of
    ``results.json``): fact, band, model, their ratio, and whether the model is within."""
    rows = []
    for f in data.get("plant_facts") or []:
        unit = f["unit"]
        band = f"{_amount(f['low'], unit, cat)} – {_amount(f['high'], unit, cat)}"
        rows.append([
            cat(f["quantity"]), f"{_amount(f['fact'], unit, cat)} ({f['year']})", band,
            _amount(f["model"], unit, cat), f["ratio"],
            cat("within") if f["within"] else cat("outside"),
            # the band's basis and the notes are English data text: in the English report and
            # workbook; results.json carries them in both languages
            f"{f['source']}. {f['band_basis']}" + (f" {f['note']}" if f["note"] else "")
            if cat.lang == "en" else f["source"],
        ])  # fmt: skip
    return Table(
        ("quantity", "published", "band", "model", "model / published", "verdict", "source"),
        ("text", "text", "text", "text", "number", "text", "text"),
        rows,
    )


def quota_table(data: Mapping[str, Any], cat: Catalogue) -> Table:
    """Energy per tonne of each product against the national quota standard, where one
    exists (levels 1 best to 3 the limit)."""
    rows = []
    for r in data.get("energy_against_quotas") or []:
        q = r.get("quota")
        if q is None:
            rows.append([cat.name("product", r["product"]), r["kgce_per_t"], DASH, DASH,
                         cat("no national quota for this product")])  # fmt: skip
            continue
        levels = " / ".join(cat.fmt.number(q[f"level_{i}"]) for i in (1, 2, 3))
        met = r.get("meets_level")
        verdict = (DASH if met is None else cat("meets level {n}", n=met) if met
                   else cat("above the level-3 limit"))  # fmt: skip
        rows.append([cat.name("product", r["product"]), r["kgce_per_t"],
                     f"{q['standard']}: {r.get('route', '')}", levels, verdict])  # fmt: skip
    return Table(
        ("product", "energy use", "standard and route", "levels 1 / 2 / 3 (kgce/t)", "verdict"),
        ("text", "kgce_per_t", "text", "text", "text"),
        rows,
    )
