"""``report.html``: the view of a solved park a planner reads, rendered from the Jinja2 template
``templates/report.html.j2`` in one language.

Order: the one-page summary; the park diagram; products and where each element goes; the
Sankeys; solar ponds; plants; energy per product; economics, regional impact, reservoir, plan
and ensemble sections (each shown when its block is in ``results.json``, else one line says it
is not in this run); the comparison with the baseline; an appendix with the long notes,
reference plants, assumptions and convergence. plotly.js is embedded once, in the head.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from brineworks.assess.circularity import element_prices
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.economics import load_prices, price_bases
from brineworks.process.ponds import PondTrainResult
from brineworks.report import accounts, diagram, figures, regional
from brineworks.report.formatting import Lang, plain_text
from brineworks.report.i18n import Catalogue, catalogue
from brineworks.report.summary import INDICATORS, indicator_rows, summarise
from brineworks.simulate import SimulationResult

__all__ = ["assumed_parameters", "render_html"]

FATES = ("product", "reuse", "returned", "waste", "emission")
SANKEY_QUANTITIES = ("K", "Li", "Mg", "Na", "B", "Cl", "water")


def _finalize(value: Any) -> Any:
    """Every text the template prints: e-notation in the model's notes made readable."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return plain_text(value)
    return value


_ENV = Environment(
    finalize=_finalize,
    loader=PackageLoader("brineworks.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    extensions=["jinja2.ext.do"],
    trim_blocks=True,
    lstrip_blocks=True,
)


def _figure(fig: go.Figure) -> Markup:
    """A figure's ``<div>`` and script, without plotly.js (the page loads it once)."""
    html = fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False,
                       "responsive": True})  # fmt: skip
    return Markup(f'<div class="figure">{html}</div>')


def assumed_parameters(result: SimulationResult) -> list[list[str]]:
    """Every value marked ``assumption`` that a unit of this park used, and the assumed value
    weights: rows of (unit, parameter, value, why)."""
    rows = [[a.unit, a.item, a.value, a.why] for u in result.units.values() for a in u.assumptions]
    for price in element_prices().values():
        if price.status == "assumption":
            rows.append([
                "value weights", f"{price.element} price ({price.product})",
                f"{price.price_cny_per_t:g} CNY/t ({price.year})", price.source,
            ])  # fmt: skip
    mid, bases = load_prices("mid"), price_bases()
    sold = {it.item for p in result.products_t_per_yr() if (it := mid.find(p)) is not None}
    for item in sorted(sold & set(bases)):
        b = bases[item]
        if b.status == "assumption":
            span = f" ({b.low:g}–{b.high:g})" if b.low is not None and b.high is not None else ""
            rows.append(["economics", f"{item} price basis", f"{b.percent:g} % {b.measure}{span}",
                         b.note])  # fmt: skip
    return rows


def _reference(r: Mapping[str, str], cat: Catalogue) -> str:
    f = cat.fmt
    parts = []
    if r["capex"]:
        parts.append(f"{r['capex']} {r['currency']} ({r['price_year']})")
    if r["jobs_direct"]:
        parts.append(cat("{n} direct jobs", n=r["jobs_direct"]))
    cap = f.mass(float(r["capacity_t_per_yr"])) if r["capacity_t_per_yr"] else "–"
    return f"{cap}: {', '.join(parts)} [{cat(r['status'])}]"


def _plants(result: SimulationResult, data: Mapping[str, Any], cat: Catalogue
            ) -> tuple[list[list[str]], list[list[str]]]:  # fmt: skip
    """The compact plants table and the appendix's details (reagents, references, notes)."""
    f = cat.fmt
    table, details = [], []
    for u in data["units"]:
        rec = result.units[u["unit"]]
        if rec.passive and rec.run.detail is None:
            continue  # plumbing
        energy = u["energy_data"] or (cat("solar (brine pumping not counted)") if rec.passive
                                      else cat("no sourced factor"))  # fmt: skip
        table.append([
            u["unit"], cat.pgettext("kind", u["kind"]),
            f.mass(u["capacity_t_per_yr"]) if u["capacity_t_per_yr"] else "–",
            f.electricity(u["electricity_mwh_per_yr"]) if u["electricity_mwh_per_yr"] else "–",
            f.heat(u["heat_gj_per_yr"]) if u["heat_gj_per_yr"] else "–",
            f.mass(u["indirect_co2_t_per_yr"]) if u["indirect_co2_t_per_yr"] else "–",
            f.volume(u["fresh_water_m3_per_yr"]) if u["fresh_water_m3_per_yr"] else "–",
        ])  # fmt: skip
        reagents = "; ".join(f"{cat.short('product', k)} {f.mass(v)}"
                             for k, v in u["reagents_t_per_yr"].items())  # fmt: skip
        refs = "; ".join(_reference(r, cat) for r in u["reference_plants"])
        details.append([u["unit"], reagents or "–", energy, refs or "–", " ".join(u["notes"])])
    return table, details


def _ponds(result: SimulationResult, cat: Catalogue) -> tuple[list[list[str]], list[Markup]]:
    f = cat.fmt
    rows, figs = [], []
    for u in result.units.values():
        train = u.run.detail
        if not isinstance(train, PondTrainResult):
            continue
        for p in train.ponds:
            salts = ", ".join(f"{cat.short('mineral', k)} {f.mass(v * SECONDS_PER_YEAR / 1000)}"
                              for k, v in p.salts.items())  # fmt: skip
            rows.append([u.name, cat.name("pond", p.name), f.area(p.area),
                         f"{f.number(p.net_evaporation * SECONDS_PER_YEAR, 3)} "
                         f"{cat('m/yr')}", salts])  # fmt: skip
        figs.append(_figure(figures.style(figures.pond_train_salts(train, cat))))
        figs.append(_figure(figures.style(
            figures.evaporation_concentrations(train.ponds[0].path, cat=cat))))  # fmt: skip
    return rows, figs


def _comparison(data: Mapping[str, Any], cat: Catalogue) -> tuple[list[str], list[list[str]]]:
    comparison = data.get("comparison") or {}
    if not comparison:
        return [], []
    names = list(next(iter(comparison.values())))
    rows = []
    for key, row in comparison.items():
        if key.endswith(" share to products"):
            el = key.split(" ")[0]
            label = cat("{element} to products", element=cat.name("element", el))
            rows.append([label, *(cat.fmt.percent(row.get(n)) for n in names)])
            continue
        label, _ = INDICATORS.get(key, (key, "number"))
        cells = [indicator_rows({key: row.get(n)}, cat)[0][1] for n in names]
        rows.append([cat(label), *cells])
    return names, rows


def _economics(econ: Mapping[str, Any], cat: Catalogue) -> dict[str, Any]:
    f = cat.fmt
    products = [
        [cat.name("product", name), f.mass(p["t_per_yr"]), f.price(p["price_cny_per_t"]),
         f.price(p["cash_cost_cny_per_t"]), f.price(p["production_cost_cny_per_t"]),
         f.price(p["levelised_cost_cny_per_t"])]
        for name, p in econ.get("products", {}).items()
    ]  # fmt: skip
    units = [
        [u["unit"], f.mass(u["capacity_t_per_yr"]), f.money(u["capex_cny"]),
         f.money(sum(u["fixed_opex_cny_per_yr"].values()) + sum(
             u["variable_opex_cny_per_yr"].values()), per_year=True),
         f"{u['jobs']:,.0f}"]
        for u in econ.get("unit_costs", [])
    ]  # fmt: skip
    taxes = [[cat(k.replace("_", " ")), f.money(v["total"]), f.money(v["present_value"])]
             for k, v in econ.get("taxes_cny", {}).items()]  # fmt: skip
    figs = []
    if econ.get("cash_flows"):
        figs.append(_figure(figures.cash_flow_chart(dict(econ), cat)))
    if econ.get("tornado"):
        figs.append(_figure(figures.tornado_chart(dict(econ), cat)))
    return {
        "products": products,
        "units": units,
        "taxes": taxes,
        "figures": figs,
        "notes": list(econ.get("notes", [])),
        "allocation": econ.get("allocation", ""),
    }


def _block_rows(block: Mapping[str, Any], cat: Catalogue) -> list[list[str]]:
    """Scalar entries of a block the report has no layout for yet (impact, reservoir)."""
    rows = []
    for k, v in block.items():
        if isinstance(v, int | float) and not isinstance(v, bool):
            how = INDICATORS.get(k, ("", "money" if k.endswith("_cny") else "number"))[1]
            rows.append(list(indicator_rows({k: v}, cat)[0][:2]))
            if how == "money":
                rows[-1][1] = cat.fmt.money(v)
        elif isinstance(v, str):
            rows.append([cat(k.replace("_", " ")), v])
    return rows


def _table(t: accounts.Table, cat: Catalogue, drop_last: bool = False) -> dict[str, Any]:
    """A table as the template's ``table`` macro takes it (``drop_last``: without the unit
    column the workbook needs and the formatted cells already carry)."""
    header, rows = t.headers(cat), t.formatted(cat)
    if drop_last:
        header, rows = header[:-1], [r[:-1] for r in rows]
    return {"header": header, "rows": rows}


def _regional(data: Mapping[str, Any], cat: Catalogue) -> dict[str, Any]:
    """The section of the regional impact and the footprint (``impact`` and ``footprint``
    blocks of ``results.json``, :mod:`brineworks.report.regional`)."""
    impact = data.get("impact") or {}
    fp = data.get("footprint") or {}
    f = cat.fmt
    figs = []
    land = fp.get("stockpile_land_km2_by_year") or []
    if land:
        figs.append(_figure(figures.trajectory_chart(
            list(range(1, len(land) + 1)), {cat("land under stockpiles"): land},
            cat("km²"), cat("Land under stockpiles by year of operation"), cat)))  # fmt: skip
    taxes = impact.get("taxes_cny") or {}
    return {
        "has_impact": bool(impact),
        "has_footprint": bool(fp),
        "basis": _basis(impact, cat) if impact else "",
        "local_income": f.money(impact.get("local_income_cny"), per_year=True),
        "local_taxes": f.money(taxes.get("local"), per_year=True),
        "jobs": _table(regional.jobs_table(impact, cat), cat),
        "taxes": _table(regional.taxes_table(impact, cat), cat),
        "sensitivity": _table(regional.regionalisation_table(impact, cat), cat),
        "plants": _table(regional.plant_jobs_table(impact, cat), cat),
        "footprint": _table(regional.footprint_table(fp, cat), cat, drop_last=True),
        "stockpiles": _table(regional.stockpile_land_table(fp, cat), cat),
        "years": fp.get("years"),
        "figures": figs,
        # the impact's notes give the wage and local hire share, which the basis sentence says
        "notes": list(fp.get("notes", [])),
        "sources": _table(regional.footprint_sources(data, cat), cat),
    }


def _basis(impact: Mapping[str, Any], cat: Catalogue) -> str:
    """The impact's input–output table, regionalisation rule and wage, in one sentence."""
    rule = regional.regionalisation_label(str(impact.get("regionalisation", "")), cat)
    return cat("Input–output table {table}; {rule}; wage {wage}.",
               table=impact.get("table", "–"), rule=rule, wage=_wage(impact, cat))  # fmt: skip


def _wage(impact: Mapping[str, Any], cat: Catalogue) -> str:
    """The wage per direct job (wages over jobs) in the report's language. [CNY/job/yr]"""
    d = impact.get("direct") or {}
    if not d.get("jobs"):
        return "–"
    return f"{cat.fmt.number(d['wages_cny'] / d['jobs'], 6)} {cat('CNY/job/yr')}"


def _extra_figures(data: Mapping[str, Any], cat: Catalogue) -> dict[str, list[Markup]]:
    """Figures of the reservoir, plan and ensemble blocks, where they have the shapes of
    ``docs/report.md``."""
    out: dict[str, list[Markup]] = {}
    res = data.get("reservoir") or {}
    if isinstance(res.get("years"), list) and isinstance(res.get("series"), dict):
        out["reservoir"] = [_figure(figures.trajectory_chart(
            res["years"], res["series"], str(res.get("unit", "")), cat("Grade of the brine"),
            cat))]  # fmt: skip
    plan = data.get("plan") or {}
    if isinstance(plan.get("phases"), list):
        out["plan"] = [_figure(figures.gantt_chart(plan["phases"], cat("Plan"), cat))]
    ens = data.get("ensemble") or {}
    if isinstance(ens.get("samples"), dict):
        out["ensemble"] = [_figure(figures.distribution_chart(
            ens["samples"], str(ens.get("unit", "")), cat("Ensemble outcomes")))]  # fmt: skip
    return out


def render_html(result: SimulationResult, data: Mapping[str, Any], lang: Lang = "en") -> str:
    """The report page of a solved park in ``lang`` (``data``: its ``results.json`` mapping,
    with the optional ``economics``, ``impact``, ``reservoir``, ``plan`` and ``ensemble``
    blocks)."""
    cat = catalogue(lang)
    f = cat.fmt
    ind = data["indicators"]
    assumptions = assumed_parameters(result)
    summary = summarise(data, assumptions, cat)
    shares = [[cat.name("element", el), *(f.percent(s[k]) for k in FATES)]
              for el, s in ind["element_shares"].items()]  # fmt: skip
    products = [[cat.name("product", k), f.mass(v)] for k, v in data["products_t_per_yr"].items()]
    plants, plant_details = _plants(result, data, cat)
    per_product = [
        [cat.name("product", name), f.number(v["electricity_kwh_per_t"]),
         f.number(v["heat_gj_per_t"], 3), f.number(v["indirect_co2_kg_per_t"]),
         ", ".join(v["plants_without_energy_data"]) or "–"]
        for name, v in data["energy"]["per_product"].items()
    ]  # fmt: skip
    ponds, pond_figures = _ponds(result, cat)
    sankeys = []
    for q in SANKEY_QUANTITIES:
        if q != "water" and q not in data["element_balance"]:
            continue
        svg, total = diagram.sankey(result, q, cat)
        name = cat("water") if q == "water" else cat.name("element", q)
        sankeys.append({"title": cat("{what}: where it goes", what=name),
                        "total": f.mass(total), "svg": Markup(svg)})  # fmt: skip
    names, comparison = _comparison(data, cat)
    conv = data["convergence"]
    convergence = [[cat("recycle convergence"),
                    cat("{n} iterations, residual {r}", n=conv["iterations"],
                        r=f"{conv['residual']:.1g}")]]  # fmt: skip
    for spec in conv["design_specs"]:
        convergence.append([
            cat("design spec: {name}", name=spec["name"]),
            cat("{vary} = {fraction} ({supply} supplied for {demand})", vary=spec["vary"],
                fraction=f.number(spec["fraction"], 4), supply=f.mass(spec["supply_t_per_yr"]),
                demand=f.mass(spec["demand_t_per_yr"])),
        ])  # fmt: skip
    econ = data.get("economics")
    warnings = []
    if result.scenario.brine.catalogue == "qarhan":
        warnings.append(cat("The Qarhan brine is an assumption built from unverified typical "
                            "ranges (docs/data.md)."))  # fmt: skip
    warnings.append(cat("Parameters marked 'assumption' are not sourced values; they are listed "
                        "in the appendix."))  # fmt: skip
    blocks = {k: _block_rows(data[k], cat) for k in ("reservoir",) if data.get(k)}
    tables = {
        "rates": accounts.three_rates_table(ind, cat),
        "stockpiles": accounts.stockpile_table(ind, cat),
        "grades": accounts.grade_table(ind, cat),
        "carbon": accounts.carbon_table(data, cat),
        "grid": accounts.grid_table(data, cat),
        "quotas": accounts.quota_table(data, cat),
        "facts": accounts.facts_table(data, cat),
    }
    accounting = {
        k: {"header": t.headers(cat), "rows": t.formatted(cat)} for k, t in tables.items()
    }
    page = _ENV.get_template("report.html.j2").render(
        _=cat,
        lang=lang,
        html_lang="zh-CN" if lang == "zh" else "en",
        title=data["scenario"],
        description=data["description"],
        pumped=f.volume(data["pumped_brine_m3_per_yr"]),
        backend=data["chemistry_backend"],
        warnings=warnings,
        summary=summary,
        diagram=Markup(diagram.park_diagram(result, cat)),
        legend=Markup(diagram.legend(cat)),
        products=products,
        shares=shares,
        fates=[cat.pgettext("fate", k) for k in FATES],
        indicators=indicator_rows(ind, cat),
        accounting=accounting,
        has_aggregates="aggregates" in ind,
        comparison_names=names,
        comparison=comparison,
        plants=plants,
        plant_details=plant_details,
        allocation=cat(data["energy"]["allocation"]),
        per_product=per_product,
        ponds=ponds,
        pond_figures=pond_figures,
        sankeys=sankeys,
        economics=_economics(econ, cat) if econ else None,
        regional=_regional(data, cat) if data.get("impact") or data.get("footprint") else None,
        blocks=blocks,
        extra=_extra_figures(data, cat),
        assumptions=assumptions,
        convergence=convergence,
        plotly_js=Markup(get_plotlyjs()),
        escape=escape,
    )
    return page
