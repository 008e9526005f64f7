"""``results.xlsx``: one sheet per report section, in the report's language.

Every sheet has one header row (bold, shaded, frozen, with an auto-filter), the unit of each
numeric column in its header (``output [t/yr]`` / ``产量 [吨/年]``), plain numbers in those
columns (never text; shares in per cent), number formats with thousands separators and column
widths fitted to the content (CJK characters count double). Flows stay in t/yr, m³/yr, MWh/yr
and CNY so that a reader can compute with them; the report's 万吨 and 亿元 are for reading.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from brineworks.constants import BRINE_ELEMENTS, SECONDS_PER_YEAR
from brineworks.process.ponds import PondTrainResult
from brineworks.report import accounts, regional
from brineworks.report.formatting import plain_text
from brineworks.report.i18n import Catalogue, catalogue
from brineworks.report.summary import INDICATORS, indicator_rows
from brineworks.simulate import SimulationResult

__all__ = ["write_workbook"]

Cell = str | float | int | None
_FATES = ("product", "reuse", "returned", "waste", "emission")
_UNITS = {  # how → unit of the raw value in the workbook
    "mass": "t/yr",
    "volume": "m³/yr",
    "percent": "%",
    "price": "CNY/t",
    "money": "CNY",
    "ratio": "t/t",
    "m3_per_t": "m³/t",
    "number": "-",
}


def _width(value: Cell) -> float:
    text = (
        value
        if isinstance(value, str)
        else f"{value:,.2f}"
        if isinstance(value, float)
        else str(value or "")
    )
    return sum(2.0 if ord(ch) >= 0x2E80 else 1.1 for ch in text)


def _format(value: float) -> str:
    a = abs(value)
    if a >= 100 or (a == int(a)):
        return "#,##0"
    if a >= 1:
        return "#,##0.00"
    return "0.0000"


def _sheet(wb: Any, title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title[:31])
    ws.append(list(header))
    for r in rows:
        ws.append([None if isinstance(v, float) and not math.isfinite(v)
                   else plain_text(v) if isinstance(v, str) else v for v in r])  # fmt: skip
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F0")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [_width(h) for h in header]
    for row in ws.iter_rows(min_row=2):
        for i, cell in enumerate(row):
            v = cell.value
            if isinstance(v, float | int) and not isinstance(v, bool):
                cell.number_format = _format(float(v))
            widths[i] = max(widths[i], _width(v))
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 8), 60)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions


def _component_label(component: str) -> str:
    """A stream component's column name: a solute whose mass is that of a molecule or ion
    other than its key says so (``B`` carries boric acid: ``B as B(OH)3``)."""
    if component == "B":
        return "B as B(OH)3"
    return component


def _h(cat: Catalogue, label: str, unit: str = "") -> str:
    """A header: the label and, for numbers, the unit in brackets."""
    return f"{cat(label)} [{cat(unit)}]" if unit else cat(label)


def _flatten(prefix: str, block: Mapping[str, Any]) -> list[tuple[str, Cell]]:
    out: list[tuple[str, Cell]] = []
    for k, v in block.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out += _flatten(f"{key}.", v)
        elif isinstance(v, int | float | str) or v is None:
            out.append((key, v))
    return out


def write_workbook(
    result: SimulationResult, data: Mapping[str, Any], path: Path, lang: str = "en"
) -> None:
    """Write ``results.xlsx`` of a solved park in ``lang`` to ``path``."""
    from openpyxl import Workbook

    from brineworks.report.html import assumed_parameters

    cat = catalogue(lang)
    wb = Workbook()
    default = wb.active
    ind = data["indicators"]
    # summary: the key indicators as raw numbers with their units
    rows: list[list[Cell]] = [[cat("pumped brine"), data["pumped_brine_m3_per_yr"], "m³/yr"]]
    for el, r in (ind.get("three_rates") or {}).items():
        if r.get("products_t") and r.get("comprehensive_utilisation") is not None:
            rows.append([cat(INDICATORS[f"{el} comprehensive utilisation"][0]),
                         100 * r["comprehensive_utilisation"], "%"])  # fmt: skip
    waste = ind.get("solid_waste") or {}
    if waste.get("utilisation_rate") is not None:
        rows.append([cat(INDICATORS["solid-waste utilisation rate"][0]),
                     100 * waste["utilisation_rate"], "%"])  # fmt: skip
    if data.get("carbon"):
        rows.append([cat(INDICATORS["carbon_t_per_yr"][0]), data["carbon"]["total_t_per_yr"],
                     "t/yr"])  # fmt: skip
    for key, v in ind.items():
        if key not in INDICATORS:
            continue
        label, how = INDICATORS[key]
        value = v.get("value") if isinstance(v, Mapping) else v
        if isinstance(value, int | float):
            rows.append([cat(label), 100 * value if how == "percent" else value,
                         cat(_UNITS[how])])  # fmt: skip
    energy = data["energy"]
    rows.append([cat("electricity (plants with sourced factors)"),
                 energy["electricity_mwh_per_yr"], "MWh/yr"])  # fmt: skip
    rows.append([cat("indirect CO2 from electricity"), energy["indirect_co2_t_per_yr"], "t/yr"])
    econ = data.get("economics")
    if econ:
        rows += [
            [cat("capital cost"), sum(econ["capex_cny"].values()), "CNY"],
            [cat("revenue at full output"), sum(econ["revenue_cny_per_yr"].values()), "CNY/yr"],
            [cat("net present value"), econ["npv_cny"], "CNY"],
            [cat("internal rate of return"),
             None if econ["irr"] is None else 100 * econ["irr"], "%"],
            [cat("payback from the start of construction"), econ["payback_yr"], cat("yr")],
        ]  # fmt: skip
    _sheet(wb, cat("Summary"), [cat("indicator"), cat("value"), cat("unit")], rows)
    _sheet(
        wb,
        cat("Products"),
        [cat("product"), cat("name"), _h(cat, "output", "t/yr")],
        [[k, cat.short("product", k), v] for k, v in data["products_t_per_yr"].items()],
    )
    _sheet(wb, cat("Indicators"), [cat("indicator"), cat("value"), cat("official minimum")],
           [list(r) for r in indicator_rows(ind, cat)])  # fmt: skip
    for title, table in (
        ("Three rates", accounts.three_rates_table(ind, cat)),
        ("Stockpiles", accounts.stockpile_table(ind, cat)),
        ("Product grades", accounts.grade_table(ind, cat)),
        ("Carbon", accounts.carbon_table(data, cat)),
        ("Grid factors", accounts.grid_table(data, cat)),
        ("Energy quotas", accounts.quota_table(data, cat)),
        ("Plant facts", accounts.facts_table(data, cat)),
    ):
        _sheet(wb, cat(title), table.unit_headers(cat), table.raw())
    _sheet(
        wb,
        cat("Element shares"),
        [cat("element"), *(_h(cat, cat.pgettext("fate", f), "%") for f in _FATES)],
        [[el, *(100 * s[f] for f in _FATES)] for el, s in ind["element_shares"].items()],
    )
    cols = ["in", "reagents", *_FATES]
    _sheet(
        wb,
        cat("Element balance"),
        [
            cat("element"),
            *(
                _h(cat, c if c in ("in", "reagents") else cat.pgettext("fate", c), "t/yr")
                for c in cols
            ),
        ],
        [[el, *(r[c] for c in cols)] for el, r in data["element_balance"].items()],
    )
    components = sorted({c for s in data["streams"] for c in s["t_per_yr"]})
    _sheet(
        wb,
        cat("Streams"),
        [cat("stream"), cat("fate"), *(_h(cat, _component_label(c), "t/yr") for c in components)],
        [
            [
                s["name"],
                cat.pgettext("fate", s["fate"]) if s["fate"] else "",
                *(s["t_per_yr"].get(c, 0.0) for c in components),
            ]
            for s in data["streams"]
        ],
    )
    elements = [el for el in (*BRINE_ELEMENTS, "C", "Ca", "S")
                if any(el in s.get("elements_t_per_yr", {}) for s in data["streams"])]  # fmt: skip
    elements = list(dict.fromkeys(elements))
    _sheet(
        wb,
        cat("Stream elements"),
        [cat("stream"), cat("fate"),
         *(_h(cat, cat("{element} as element", element=el), "t/yr") for el in elements)],
        [[s["name"], cat.pgettext("fate", s["fate"]) if s["fate"] else "",
          *(s.get("elements_t_per_yr", {}).get(el, 0.0) for el in elements)]
         for s in data["streams"]],
    )  # fmt: skip
    _sheet(wb, cat("Plants"),
           [cat("unit"), cat("kind"), _h(cat, "capacity", "t/yr"), _h(cat, "electricity", "MWh/yr"),
            _h(cat, "heat", "GJ/yr"), _h(cat, "indirect CO2", "t/yr"),
            _h(cat, "fresh water", "m³/yr"), cat("energy data"), cat("notes")],
           [[u["unit"], cat.pgettext("kind", u["kind"]), u["capacity_t_per_yr"],
             u["electricity_mwh_per_yr"], u["heat_gj_per_yr"], u["indirect_co2_t_per_yr"],
             u["fresh_water_m3_per_yr"], u["energy_data"] or "", " | ".join(u["notes"])]
            for u in data["units"]])  # fmt: skip
    ponds: list[list[Cell]] = []
    for u in result.units.values():
        train = u.run.detail
        if isinstance(train, PondTrainResult):
            for p in train.ponds:
                for salt, kg_s in p.salts.items():
                    ponds.append([u.name, p.name, p.area / 1e6,
                                  p.net_evaporation * SECONDS_PER_YEAR, cat.name("mineral", salt),
                                  kg_s * SECONDS_PER_YEAR / 1000.0])  # fmt: skip
    _sheet(wb, cat("Ponds"), [cat("unit"), cat("pond"), _h(cat, "area", "km²"),
                              _h(cat, "net evaporation", "m/yr"), cat("salt"),
                              _h(cat, "salt harvested", "t/yr")], ponds)  # fmt: skip
    utilities: list[list[Cell]] = []
    for u in data["units"]:
        for label, key, unit in (("electricity", "electricity_mwh_per_yr", "MWh/yr"),
                                 ("heat", "heat_gj_per_yr", "GJ/yr"),
                                 ("fresh water", "fresh_water_m3_per_yr", "m³/yr")):  # fmt: skip
            if u[key]:
                utilities.append([u["unit"], cat(label), u[key], unit])
    for key, comps in data["utilities_t_per_yr"].items():
        unit_name, _, utility = key.partition(": ")
        for comp, t in comps.items():
            utilities.append([unit_name, f"{utility}: {cat.short('product', comp)}", t, "t/yr"])
    _sheet(
        wb,
        cat("Reagents and utilities"),
        [cat("unit"), cat("item"), cat("amount"), cat("unit of measure")],
        utilities,
    )
    _sheet(wb, cat("Energy per product"),
           [cat("product or reused stream"), _h(cat, "electricity", "kWh/t"),
            _h(cat, "heat", "GJ/t"), _h(cat, "indirect CO2", "kg/t"),
            cat("upstream plants without energy data")],
           [[n, v["electricity_kwh_per_t"], v["heat_gj_per_t"], v["indirect_co2_kg_per_t"],
             ", ".join(v["plants_without_energy_data"])]
            for n, v in data["energy"]["per_product"].items()])  # fmt: skip
    conv = data["convergence"]
    _sheet(wb, cat("Design specs"),
           [cat("design spec"), cat("varied"), cat("fraction"), _h(cat, "supplied", "t/yr"),
            _h(cat, "demanded", "t/yr"), cat("rounds"), cat("recycle iterations")],
           [[s["name"], s["vary"], s["fraction"], s["supply_t_per_yr"], s["demand_t_per_yr"],
             s["rounds"], s["recycle_iterations_total"]] for s in conv["design_specs"]]
           + [[cat("recycle convergence"), ", ".join(conv["tear_streams"]), conv["residual"],
               None, None, None, conv["iterations"]]])  # fmt: skip
    comparison = data.get("comparison") or {}
    names = list(next(iter(comparison.values()))) if comparison else []
    comp_rows: list[list[Cell]] = []
    for key, row in comparison.items():
        label, how = INDICATORS.get(key, (key, "percent" if "share" in key else "number"))
        scale = 100.0 if how == "percent" else 1.0
        vals = [None if row.get(n) is None else scale * row[n] for n in names]
        comp_rows.append([cat(label), cat(_UNITS[how]), *vals])
    _sheet(wb, cat("Comparison"), [cat("indicator"), cat("unit"), *names], comp_rows)
    _sheet(wb, cat("Assumptions"),
           [cat("unit"), cat("parameter"), cat("value"), cat("why it is an assumption")],
           assumed_parameters(result))  # fmt: skip
    if econ:
        _sheet(wb, cat("Economics"), [cat("product"), _h(cat, "output", "t/yr"),
               _h(cat, "price", "CNY/t"), _h(cat, "cash cost", "CNY/t"),
               _h(cat, "production cost", "CNY/t"), _h(cat, "levelised cost", "CNY/t"),
               _h(cat, "revenue", "CNY/yr")],
               [[n, p["t_per_yr"], p["price_cny_per_t"], p["cash_cost_cny_per_t"],
                 p["production_cost_cny_per_t"], p["levelised_cost_cny_per_t"],
                 p["revenue_cny_per_yr"]] for n, p in econ["products"].items()])  # fmt: skip
        _sheet(wb, cat("Plant costs"), [cat("unit"), _h(cat, "capacity", "t/yr"),
               _h(cat, "capital cost", "CNY"), _h(cat, "operating cost", "CNY/yr"), cat("jobs")],
               [[u["unit"], u["capacity_t_per_yr"], u["capex_cny"],
                 sum(u["fixed_opex_cny_per_yr"].values())
                 + sum(u["variable_opex_cny_per_yr"].values()), u["jobs"]]
                for u in econ["unit_costs"]])  # fmt: skip
        cf = econ["cash_flows"]
        keys = [k for k in cf if k not in ("phase",)]
        _sheet(wb, cat("Cash flows"),
               [cat(k.replace("_", " ")) + ("" if k in ("year", "utilisation") else " [CNY]")
                for k in keys],
               [[cf[k][i] for k in keys] for i in range(len(cf["year"]))])  # fmt: skip
    sections = (
        ("impact", (("Regional impact", regional.jobs_table),
                    ("Taxes by government", regional.taxes_table),
                    ("Regionalisation", regional.regionalisation_table),
                    ("Direct jobs by plant", regional.plant_jobs_table))),
        ("footprint", (("Ecological footprint", regional.footprint_table),
                       ("Solids placed on land", regional.stockpile_land_table))),
    )  # fmt: skip
    for key, builders in sections:
        for title, build in builders:
            table = build(data.get(key) or {}, cat)
            if table.rows:
                _sheet(wb, cat(title), table.unit_headers(cat), table.raw())
    sources = regional.footprint_sources(data, cat)
    if sources.rows:
        _sheet(wb, cat("Sources of the impact and footprint"), sources.headers(cat), sources.raw())
    if data.get("reservoir"):
        _sheet(wb, cat("Reservoir"), [cat("item"), cat("value")],
               [[k, v] for k, v in _flatten("", data["reservoir"])])  # fmt: skip
    if default is not None:
        wb.remove(default)
    wb.save(path)
