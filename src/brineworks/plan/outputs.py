"""Outputs of a plan: ``plan.json``, a Gantt chart of the schedule, the workbook of yearly flows
and KPIs, and for a Pareto front its figure and table.

The figure functions return ``plotly.graph_objects.Figure``; only :func:`write_plan` touches the
file system, and only inside the directory it is given.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from brineworks.plan.impact import yearly_impact
from brineworks.plan.model import ParetoFront, PlanResult
from brineworks.plan.superstructure import PlanData
from brineworks.report import json_ready
from brineworks.report.figures import write_figure

__all__ = ["gantt_figure", "pareto_figure", "write_plan"]

_BUILD = "#c27c0e"
_RUN = "#2a6f97"


def gantt_figure(result: PlanResult, data: PlanData) -> go.Figure:
    """The schedule: per build, its construction years and its years online in the plan
    (existing capacity as a bar over the whole plan), labelled with its capacity."""
    first, last = data.years[0], data.years[-1] + 1
    fig = go.Figure()
    rows: list[str] = []
    for t in data.technologies.values():
        if any(v > 0 for v in t.existing):
            label = f"{t.label or t.name} (existing)"
            rows.append(label)
            fig.add_trace(
                go.Bar(
                    y=[label],
                    x=[last - first],
                    base=[first],
                    orientation="h",
                    marker_color="#8a8a8a",
                    name="existing",
                    showlegend=False,
                    text=[f"{max(t.existing):.3g} t/yr {t.main}"],
                    textposition="inside",
                    hovertemplate=f"{label}<br>%{{text}}<extra></extra>",
                )
            )
    shown: set[str] = set()
    for b in result.builds:
        t = data.technologies[b.unit]
        label = f"{t.label or t.name} ({b.year})"
        rows.append(label)
        text = f"{b.capacity:.3g} {b.capacity_unit}, {b.capex_cny / 1e9:.3g} bn CNY"
        for name, start, end, colour in (
            ("construction", b.year, b.online_year, _BUILD),
            ("online", b.online_year, last, _RUN),
        ):
            if end <= start:
                continue
            fig.add_trace(
                go.Bar(
                    y=[label],
                    x=[end - start],
                    base=[start],
                    orientation="h",
                    marker_color=colour,
                    name=name,
                    legendgroup=name,
                    showlegend=name not in shown,
                    text=[text if name == "online" else ""],
                    textposition="inside",
                    hovertemplate=f"{label}: {name} %{{base}}-{end}<br>{text}<extra></extra>",
                )
            )
            shown.add(name)
    fig.update_layout(
        title=f"Build plan: {data.name} ({result.objective}, {data.price_set} prices), "
        f"NPV {result.npv_cny / 1e9:.3g} bn CNY, utilisation "
        f"{100 * result.utilisation['value']:.2f} %",
        barmode="overlay",
        xaxis={"title": "year", "range": [first, last], "dtick": 2},
        yaxis={"categoryorder": "array", "categoryarray": rows[::-1], "automargin": True},
        height=max(350, 60 + 32 * len(rows)),
        template="plotly_white",
    )
    return fig


def pareto_figure(front: ParetoFront) -> go.Figure:
    """NPV [bn CNY] against utilisation [%] of the front's plans."""
    u = [100 * p.utilisation["value"] for p in front.points]
    v = [p.npv_cny / 1e9 for p in front.points]
    text = [
        "<br>".join(f"{b.unit} {b.year}: {b.capacity:.3g}" for b in p.builds) for p in front.points
    ]
    fig = go.Figure(
        go.Scatter(
            x=u,
            y=v,
            mode="lines+markers",
            text=text,
            marker={"size": 9},
            hovertemplate="utilisation %{x:.3f} %<br>NPV %{y:.4g} bn CNY<br>%{text}<extra></extra>",
        )
    )
    fig.update_layout(
        title="NPV against comprehensive utilisation (epsilon-constraint)",
        xaxis_title="comprehensive utilisation [%]",
        yaxis_title="NPV [bn CNY]",
        template="plotly_white",
    )
    return fig


def _sheet_rows(yearly: list[dict[str, Any]], key: str) -> tuple[list[str], list[list[Any]]]:
    names = sorted({k for y in yearly for k in y[key]})
    return ["year", *names], [[y["year"], *(y[key].get(n, 0.0) for n in names)] for y in yearly]


_IMPACT_COLUMNS = (
    ("year", "year"),
    ("direct_jobs", "direct jobs [persons]"),
    ("direct_jobs_low", "direct jobs, low [persons]"),
    ("direct_jobs_high", "direct jobs, high [persons]"),
    ("indirect_jobs", "indirect jobs [persons]"),
    ("induced_jobs", "induced jobs [persons]"),
    ("wages_cny", "wages [CNY/yr]"),
    ("local_income_cny", "local income [CNY/yr]"),
    ("taxes_cny", "taxes, estimated [CNY/yr]"),
    ("local_taxes_cny", "local taxes, estimated [CNY/yr]"),
)


def _write_workbook(
    result: PlanResult,
    data: PlanData,
    path: Path,
    front: ParetoFront | None,
    impact: list[dict[str, Any]],
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "summary"
    ws.append(["quantity", "value"])
    for k, v in (
        ("superstructure", data.name),
        ("objective", result.objective),
        ("price set", data.price_set),
        ("years", f"{data.years[0]}-{data.years[-1]}"),
        ("discount rate [-]", data.discount_rate),
        ("NPV [CNY]", result.npv_cny),
        ("NPV floor [CNY]", result.npv_floor),
        ("utilisation [-]", result.utilisation["value"]),
        ("solver status", result.solver.status),
        ("gap [-]", result.solver.gap),
        ("solve time [s]", result.solver.seconds),
    ):
        ws.append([k, v])
    for el, share in result.utilisation["by_element"].items():
        ws.append([f"utilisation {el} [-]", share])
    ws = wb.create_sheet("builds")
    ws.append(["technology", "construction starts", "online", "capacity", "unit", "capex [CNY]"])
    for b in result.builds:
        ws.append([b.unit, b.year, b.online_year, b.capacity, b.capacity_unit, b.capex_cny])
    ws = wb.create_sheet("yearly")
    scalars = [k for k, v in result.yearly[0].items() if not isinstance(v, dict)]
    ws.append(scalars)
    for y in result.yearly:
        ws.append([y[k] for k in scalars])
    yearly = list(result.yearly)
    for key, title in (
        ("activity_t", "activity t"),
        ("capacity_t_per_yr", "capacity t per yr"),
        ("sales_t", "sales t"),
        ("purchases_t", "purchases t"),
        ("disposal_t", "disposal t"),
        ("utilisation_by_element", "utilisation by year"),
    ):
        ws = wb.create_sheet(title)
        header, rows = _sheet_rows(yearly, key)
        ws.append(header)
        for r in rows:
            ws.append(r)
    ws = wb.create_sheet("impact")
    ws.append([label for _, label in _IMPACT_COLUMNS] + ["running without jobs data"])
    for row in impact:
        ws.append([row[k] for k, _ in _IMPACT_COLUMNS] + [", ".join(row["without_jobs_data"])])
    if front is not None:
        ws = wb.create_sheet("pareto")
        table = front.table()
        ws.append(list(table[0]))
        for point in table:
            ws.append(list(point.values()))
    wb.save(path)


def write_plan(result: PlanResult | ParetoFront, data: PlanData, out_dir: Path) -> list[Path]:
    """Write ``plan.json``, ``gantt.html`` and ``plan.xlsx`` into ``out_dir`` (created); for a
    Pareto front also ``pareto.html``, ``pareto.csv`` and ``pareto.json``. The plan written for
    a front is its largest-NPV end. Each of ``plan.json``'s yearly rows carries the year's
    regional impact (:func:`brineworks.plan.impact.yearly_impact`), and ``plan.xlsx`` a sheet of
    it. Returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    front = result if isinstance(result, ParetoFront) else None
    plan = front.points[0] if front is not None else result
    assert isinstance(plan, PlanResult)
    paths = [out_dir / "plan.json", out_dir / "plan.xlsx"]
    impact = yearly_impact(plan, data)
    doc = plan.to_dict()
    for row, year_impact in zip(doc["yearly"], impact, strict=True):
        row["impact"] = year_impact
    paths[0].write_text(json.dumps(json_ready(doc), indent=2, ensure_ascii=False), encoding="utf-8")
    _write_workbook(plan, data, paths[1], front, impact)
    paths += write_figure(gantt_figure(plan, data), out_dir / "gantt.html")
    if front is not None:
        paths += write_figure(pareto_figure(front), out_dir / "pareto.html")
        table = front.table()
        csv_path = out_dir / "pareto.csv"
        with csv_path.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(table[0]))
            w.writeheader()
            w.writerows(table)
        json_path = out_dir / "pareto.json"
        json_path.write_text(
            json.dumps(json_ready(front.to_dict()), indent=2, ensure_ascii=False), encoding="utf-8"
        )
        paths += [csv_path, json_path]
    return paths
