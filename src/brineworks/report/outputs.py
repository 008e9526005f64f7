"""The main job's outputs: ``results.json``, ``results.xlsx`` and a self-contained ``report.html``
(rendered from the Jinja2 template ``templates/report.html.j2``; plotly.js is loaded once, in the
page head, before any figure).

Only the output directory the user names (or ``./brineworks-out/<scenario>/``) is written, through
:class:`~brineworks.report.files.OutputFolder`: whole or not at all, with a manifest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, select_autoescape
from plotly.offline import get_plotlyjs

from brineworks.assess.circularity import element_prices
from brineworks.chemistry.ions import atomic_weights
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.process.ponds import PondTrainResult
from brineworks.report import figures, json_ready
from brineworks.report.files import OutputFolder, RunIdentity
from brineworks.report.results import results_dict
from brineworks.simulate import SimulationResult

__all__ = ["OUTPUT_NAMES", "element_sankey", "write_outputs"]

_FATE_COLOURS = {
    "product": "#2a9d8f",
    "reuse": "#8ab17d",
    "returned": "#457b9d",
    "waste": "#e76f51",
    "emission": "#adb5bd",
}


def element_sankey(result: SimulationResult, element: str) -> go.Figure:
    """Flows of one element through the park: brine and reagents → units → fates. [t/yr]"""
    w = atomic_weights()[element] * SECONDS_PER_YEAR / 1e6  # mol/s → t/yr
    nodes = [
        "pumped brine",
        *result.units,
        "product",
        "reuse",
        "returned",
        "waste",
        "emission",
        "reagents",
    ]
    index = {n: i for i, n in enumerate(nodes)}
    src: list[int] = []
    dst: list[int] = []
    val: list[float] = []
    labels: list[str] = []
    for edge in result.edges:
        name = edge.stream
        amount = result.streams[name].elements().get(element, 0.0) * w
        if amount <= 0:
            continue
        a = "pumped brine" if edge.source is None else edge.source.unit
        b = result.fates.get(name, "") if edge.target is None else edge.target.unit
        src.append(index[a])
        dst.append(index[b])
        val.append(amount)
        labels.append(name)
    for key, stream in result.utilities_in().items():
        amount = stream.elements().get(element, 0.0) * w
        if amount > 0:
            src.append(index["reagents"])
            dst.append(index[key.split(":")[0]])
            val.append(amount)
            labels.append(key)
    colours = [_FATE_COLOURS.get(n, "#6c757d") for n in nodes]
    fig = go.Figure(
        go.Sankey(
            node={"label": nodes, "color": colours, "pad": 14},
            link={"source": src, "target": dst, "value": val, "label": labels},
            valueformat=".4g",
            valuesuffix=" t/yr",
        )
    )
    fig.update_layout(title=f"{element}: where it goes [t/yr]", height=420, template="plotly_white")
    return fig


OUTPUT_NAMES = ("results.json", "results.xlsx", "report.html")
"""The files a run writes (besides ``manifest.json``)."""


def write_outputs(
    result: SimulationResult,
    out_dir: Path | OutputFolder,
    data: dict[str, Any] | None = None,
    *,
    force: bool = False,
) -> list[Path]:
    """Write results.json, results.xlsx and report.html into ``out_dir``, whole or not at all.

    ``out_dir`` is a folder (created; opened here as an :class:`OutputFolder`, with a
    manifest naming the run) or an :class:`OutputFolder` the caller holds open (the files are
    then committed when the caller's ``with`` block ends). ``data`` is the result's
    :func:`~brineworks.report.results.results_dict` if the caller already has it. ``force``
    replaces an earlier run's outputs.
    """
    data = json_ready(data if data is not None else results_dict(result))
    if isinstance(out_dir, OutputFolder):
        return _write_into(out_dir, result, data)
    identity = RunIdentity.new(
        data["scenario"],
        scenario_file=result.scenario.source_file,
        chemistry_backend=data.get("chemistry_backend"),
    )
    with OutputFolder(out_dir, identity, force=force, expected=OUTPUT_NAMES) as folder:
        return _write_into(folder, result, data)


def _write_into(folder: OutputFolder, result: SimulationResult, data: dict[str, Any]) -> list[Path]:
    return [
        folder.write_text("results.json", json.dumps(data, indent=2, ensure_ascii=False)),
        folder.write_with("results.xlsx", lambda path: _write_excel(data, path)),
        folder.write_with("report.html", lambda path: _write_html(result, data, path)),
    ]


def _write_excel(data: dict[str, Any], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "products"
    ws.append(["product", "t/yr"])
    for k, v in data["products_t_per_yr"].items():
        ws.append([k, v])
    ws = wb.create_sheet("indicators")
    ws.append(["indicator", "value"])
    for k, v in data["indicators"].items():
        if not isinstance(v, dict):
            ws.append([k, v])
    ws = wb.create_sheet("element_shares")
    ws.append(["element", "product", "reuse", "returned", "waste", "emission"])
    for el, s in data["indicators"]["element_shares"].items():
        ws.append([el, s["product"], s["reuse"], s["returned"], s["waste"], s["emission"]])
    ws = wb.create_sheet("element_balance")
    cols = ["in", "reagents", "product", "reuse", "returned", "waste", "emission"]
    ws.append(["element", *(f"{c} [t/yr]" for c in cols)])
    for el, row in data["element_balance"].items():
        ws.append([el, *(row[c] for c in cols)])
    ws = wb.create_sheet("energy")
    ws.append(["indicator", "value"])
    for k, v in data["energy"].items():
        if isinstance(v, dict):
            continue  # per product: its own sheet
        ws.append([k, ", ".join(v) if isinstance(v, list) else v])
    ws = wb.create_sheet("energy_per_product")
    ws.append(["product", "electricity [kWh/t]", "heat [GJ/t]", "indirect CO2 [kg/t]",
               "plants without energy data"])  # fmt: skip
    for name, v in data["energy"]["per_product"].items():
        missing = ", ".join(v["plants_without_energy_data"])
        ws.append([name, v["electricity_kwh_per_t"], v["heat_gj_per_t"],
                   v["indirect_co2_kg_per_t"], missing])  # fmt: skip
    ws = wb.create_sheet("units")
    cols = ["unit", "kind", "electricity_mwh_per_yr", "heat_gj_per_yr", "indirect_co2_t_per_yr",
            "fresh_water_m3_per_yr", "capacity_t_per_yr", "energy_data"]  # fmt: skip
    ws.append([*cols, "reagents [t/yr]", "notes"])
    for u in data["units"]:
        reagents = "; ".join(f"{k}: {v:.4g}" for k, v in u["reagents_t_per_yr"].items())
        ws.append([*(u[c] for c in cols), reagents, " | ".join(u["notes"])])
    ws = wb.create_sheet("streams")
    components = sorted({c for s in data["streams"] for c in s["t_per_yr"]})
    ws.append(["stream", "fate", *(f"{c} [t/yr]" for c in components)])
    for s in data["streams"]:
        ws.append([s["name"], s["fate"] or "", *(s["t_per_yr"].get(c, 0.0) for c in components)])
    wb.save(path)


def _reference(r: dict[str, str]) -> str:
    parts = []
    if r["capex"]:
        parts.append(f"{r['capex']} {r['currency']} ({r['price_year']})")
    if r["jobs_direct"]:
        parts.append(f"{r['jobs_direct']} direct jobs")
    return f"{r['capacity_t_per_yr']} t/yr: {', '.join(parts)} [{r['status']}]"


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return "–" if v is None else str(v)


_ENV = Environment(
    loader=PackageLoader("brineworks.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _figure(fig: go.Figure) -> str:
    """A figure's ``<div>`` and script, without plotly.js (the page loads it once)."""
    return str(fig.to_html(full_html=False, include_plotlyjs=False))


def _key_figures(data: dict[str, Any]) -> list[list[str]]:
    ind, energy, conv = data["indicators"], data["energy"], data["convergence"]
    rows = [
        ["pumped brine", f"{data['pumped_brine_m3_per_yr']:.4g} m³/yr"],
        ["chemistry of ponds and plants", f"{data['chemistry_backend']} backend (Pitzer)"],
        ["products", f"{ind['products_t_per_yr']:.4g} t/yr"],
        ["comprehensive utilisation (K, Li, Mg, Na, B, Cl by mass)",
         f"{100 * ind['comprehensive_utilisation_by_mass']:.2f} %"],
        ["comprehensive utilisation by value (element weights of data/prices.csv)",
         f"{100 * (ind['comprehensive_utilisation_by_value'] or 0):.2f} %"],
        ["waste solids", f"{ind['waste_solids_t_per_yr']:.4g} t/yr"],
        ["waste-salt intensity", f"{ind['waste_salt_intensity_t_per_t'] or 0:.3g} t per t product"],
        ["returned to the lake (tail brine, liquors, seepage)",
         f"{ind['returned_to_lake_t_per_yr']:.4g} t/yr"],
        ["fresh water", f"{ind['fresh_water_m3_per_yr']:.4g} m³/yr"],
        ["electricity (plants with sourced factors)",
         f"{energy['electricity_mwh_per_yr']:.4g} MWh/yr"],
        ["indirect CO2 from electricity",
         f"{energy['indirect_co2_t_per_yr'] or 0:.4g} t/yr at "
         f"{energy['grid_factor'] or 'no grid factor for this site'}"],
        ["plants without sourced energy data",
         ", ".join(energy["units_without_energy_data"]) or "none"],
        ["recycle convergence",
         f"{conv['iterations']} iterations, residual {conv['residual']:.2g}"],
    ]  # fmt: skip
    for spec in conv["design_specs"]:
        rows.append([
            f"design spec: {spec['name']}",
            f"{spec['vary']} = {spec['fraction']:.6g} ({spec['supply_t_per_yr']:.4g} t/yr supplied "
            f"for {spec['demand_t_per_yr']:.4g} t/yr; {spec['rounds']} rounds, "
            f"{spec['recycle_iterations_total']} recycle iterations in all)",
        ])  # fmt: skip
    return rows


def _write_html(result: SimulationResult, data: dict[str, Any], path: Path) -> None:
    ind = data["indicators"]
    fates = ("product", "reuse", "returned", "waste", "emission")
    shares = [[el, *(f"{100 * s[f]:.1f} %" for f in fates)]
              for el, s in ind["element_shares"].items()]  # fmt: skip
    plants = [
        [u["unit"], u["kind"], _fmt(u["capacity_t_per_yr"]), _fmt(u["electricity_mwh_per_yr"]),
         _fmt(u["heat_gj_per_yr"]), _fmt(u["indirect_co2_t_per_yr"]),
         _fmt(u["fresh_water_m3_per_yr"]),
         "; ".join(f"{k} {v:.4g}" for k, v in u["reagents_t_per_yr"].items()),
         u["energy_data"] or ("solar (brine pumping not counted)"
                              if result.units[u["unit"]].passive else "no sourced factor"),
         "; ".join(_reference(r) for r in u["reference_plants"]) or "–",
         " ".join(u["notes"])]
        for u in data["units"]
        if not (result.units[u["unit"]].passive and not result.units[u["unit"]].run.detail)
    ]  # fmt: skip
    per_product = [
        [name, _fmt(v["electricity_kwh_per_t"]), _fmt(v["heat_gj_per_t"]),
         _fmt(v["indirect_co2_kg_per_t"]), ", ".join(v["plants_without_energy_data"]) or "–"]
        for name, v in data["energy"]["per_product"].items()
    ]  # fmt: skip
    trains = [(u.name, u.run.detail) for u in result.units.values()
              if isinstance(u.run.detail, PondTrainResult)]  # fmt: skip
    ponds = [
        [name, p.name, f"{p.area / 1e6:.2f}", f"{p.net_evaporation * SECONDS_PER_YEAR:.3f}",
         ", ".join(f"{k} {v * SECONDS_PER_YEAR / 1000:.3g}" for k, v in p.salts.items())]
        for name, train in trains
        for p in train.ponds
    ]  # fmt: skip
    pond_figures = []
    for _, train in trains:
        pond_figures.append(_figure(figures.pond_train_salts(train)))
        pond_figures.append(_figure(figures.evaporation_concentrations(train.ponds[0].path)))
    elements = [el for el in ("K", "Li", "Mg", "Na", "Cl") if el in data["element_balance"]]
    sankeys = [_figure(element_sankey(result, el)) for el in elements]
    comparison = data.get("comparison") or {}
    names = list(next(iter(comparison.values()))) if comparison else []
    page = _ENV.get_template("report.html.j2").render(
        title=data["scenario"],
        description=data["description"],
        warnings=[
            "The Qarhan brine is an ASSUMPTION built from unverified typical ranges "
            "(docs/data.md).",
            "Parameters marked 'assumption' in src/brineworks/data/process/unit_parameters.csv "
            "and data/pond_losses.csv are not sourced values.",
        ],
        key_figures=_key_figures(data),
        products=[[k, f"{v:.4g}"] for k, v in data["products_t_per_yr"].items()],
        shares=shares,
        comparison_names=names,
        comparison=[[k, *(_fmt(v.get(n)) for n in names)] for k, v in comparison.items()],
        plants=plants,
        allocation=data["energy"]["allocation"],
        per_product=per_product,
        ponds=ponds,
        pond_figures=pond_figures,
        sankeys=sankeys,
        assumptions=_assumed_parameters(result),
        plotly_js=get_plotlyjs(),
    )
    path.write_text(page, encoding="utf-8")


def _assumed_parameters(result: SimulationResult) -> list[list[str]]:
    """Every value marked ``assumption`` that a unit of this park used, and the assumed value
    weights."""
    rows = [[a.unit, a.item, a.value, a.why] for u in result.units.values() for a in u.assumptions]
    for price in element_prices().values():
        if price.status == "assumption":
            rows.append([
                "value weights", f"{price.element} price ({price.product})",
                f"{price.price_cny_per_t:g} CNY/t ({price.year})", price.source,
            ])  # fmt: skip
    return rows
