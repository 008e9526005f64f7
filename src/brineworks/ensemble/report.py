"""The ensemble's HTML report: distributions, exceedance curves, tornado and sensitivity bars.

One self-contained file: plotly.js is embedded once, in the head, before the first figure;
every figure is a ``<div>`` that uses it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from brineworks.ensemble.model import describe_inputs
from brineworks.ensemble.runner import EnsembleRun
from brineworks.ensemble.sensitivity import output_names

__all__ = ["MAX_FIGURES", "key_outputs", "write_report"]

MAX_FIGURES = 40
"""At most this many outputs get figures (all are in the tables)."""

_ORDER = ("products_t_per_yr.", "money.", "indicators.", "element_share", "energy.", "pond_area")

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<script type="text/javascript">{plotlyjs}</script>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }}
th:first-child, td:first-child, td.text {{ text-align: left; }}
.note {{ background: #fff7e0; border-left: 4px solid #e0a000; padding: 0.5em 1em; }}
h2 {{ margin-top: 2em; }}
</style></head><body>
{body}
</body></html>
"""


def key_outputs(names: Sequence[str], table: Any) -> list[str]:
    """Outputs worth a figure: those that vary, products and money first."""
    varying = []
    for n in names:
        y = table[f"out:{n}"].to_numpy(dtype=float)
        y = y[np.isfinite(y)]
        if y.size and np.ptp(y) > 1e-12 * max(1.0, float(np.max(np.abs(y)))):
            varying.append(n)

    def rank(n: str) -> tuple[int, str]:
        for k, prefix in enumerate(_ORDER):
            if n.startswith(prefix):
                return k, n
        return 1, n  # money outputs of a hook, named freely

    return sorted(varying, key=rank)[:MAX_FIGURES]


def _fmt(x: Any) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if isinstance(x, str):
        return html.escape(x)
    v = float(x)
    if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
        return f"{v:.4g}"
    return f"{v:,.4g}"


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]], text_cols: int = 1) -> str:
    out = ["<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
    for r in rows:
        cells = []
        for k, v in enumerate(r):
            cls = ' class="text"' if k < text_cols else ""
            cells.append(f"<td{cls}>{_fmt(v)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join(out) + "</table>"


def _div(fig: Any) -> str:
    return str(fig.to_html(full_html=False, include_plotlyjs=False))


def _distribution_figure(name: str, y: np.ndarray) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, subplot_titles=("distribution", "exceedance"))
    fig.add_trace(go.Histogram(x=y, nbinsx=40, name="samples", showlegend=False), row=1, col=1)
    ys = np.sort(y)
    exceed = 1.0 - np.arange(ys.size) / ys.size
    fig.add_trace(
        go.Scatter(x=ys, y=exceed, mode="lines", name="P(X ≥ x)", showlegend=False), row=1, col=2
    )
    for q, dash in ((10, "dot"), (50, "dash"), (90, "dot")):
        v = float(np.percentile(y, q))
        fig.add_vline(x=v, line_dash=dash, line_color="grey", row=1, col=2)
    fig.update_yaxes(title_text="samples", row=1, col=1)
    fig.update_yaxes(title_text="probability of exceeding", range=[0, 1], row=1, col=2)
    fig.update_layout(title=name, height=320, margin={"t": 60, "b": 40})
    return fig


def _tornado_figure(name: str, entry: dict[str, Any], top: int = 15) -> Any | None:
    import plotly.graph_objects as go

    base = entry.get("base")
    if base is None:
        return None

    def delta(v: Any) -> float | None:
        return None if v is None else v - base

    def reach(v: dict[str, Any]) -> float:
        return max(abs(d) for d in (delta(v["low"]), delta(v["high"]), 0.0) if d is not None)

    rows = [(n, v) for n, v in entry["inputs"].items() if reach(v) > 0]
    if not rows:
        return None
    rows = sorted(rows, key=lambda r: reach(r[1]))[-top:]
    # a side whose row failed is left out, and the input's label says so
    labels = [n + (" (a row failed)" if v["swing"] is None else "") for n, v in rows]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=labels, x=[delta(v["low"]) for _, v in rows], orientation="h", name="input at P10",
        text=[_fmt(v["low_input"]) for _, v in rows],
    ))  # fmt: skip
    fig.add_trace(go.Bar(
        y=labels, x=[delta(v["high"]) for _, v in rows], orientation="h", name="input at P90",
        text=[_fmt(v["high_input"]) for _, v in rows],
    ))  # fmt: skip
    fig.update_layout(
        barmode="overlay", title=f"{name}: tornado (change from {_fmt(base)})",
        height=120 + 28 * len(rows), margin={"t": 60, "b": 40},
    )  # fmt: skip
    return fig


def _index_figure(name: str, entry: dict[str, Any]) -> Any | None:
    import plotly.graph_objects as go

    fig = go.Figure()
    if "sobol" in entry:
        s = entry["sobol"]
        labels = list(s)
        for key in ("S1", "ST"):
            fig.add_trace(go.Bar(
                x=labels, y=[s[n][key] for n in labels], name=key,
                error_y={"type": "data", "array": [s[n][f"{key}_conf"] for n in labels]},
            ))  # fmt: skip
        title = f"{name}: Sobol indices (95 % intervals)"
    elif "morris" in entry:
        m = entry["morris"]
        labels = list(m)
        fig.add_trace(go.Bar(
            x=labels, y=[m[n]["mu_star"] for n in labels], name="mu*",
            error_y={"type": "data", "array": [m[n]["mu_star_conf"] for n in labels]},
        ))  # fmt: skip
        fig.add_trace(go.Bar(x=labels, y=[m[n]["sigma"] for n in labels], name="sigma"))
        title = f"{name}: Morris screening (per 2/3 of each input's probability range)"
    elif "rbd_fast" in entry:
        r = entry["rbd_fast"]
        labels = list(r)
        fig.add_trace(go.Bar(x=labels, y=[r[n]["S1"] for n in labels], name="S1 (RBD-FAST)"))
        sp = entry.get("spearman", {})
        fig.add_trace(go.Bar(x=labels, y=[sp.get(n) for n in labels], name="Spearman ρ"))
        title = f"{name}: first-order index and rank correlation"
    else:
        return None
    fig.update_layout(barmode="group", title=title, height=340, margin={"t": 60, "b": 80})
    return fig


def write_report(
    run: EnsembleRun,
    ensemble: dict[str, Any],
    full: dict[str, Any],
    path: Path | str,
) -> Path:
    """Write ``report.html`` for a finished run and return its path."""
    from plotly.offline import get_plotlyjs

    table = run.table
    design = run.design
    names = output_names(table)
    main = table[(table["index"] < design.n_main) & (table["status"] == "ok")]
    parts: list[str] = [f"<h1>Ensemble: {html.escape(ensemble['scenario'])}</h1>"]
    parts.append(
        f"<p>Method <b>{design.method}</b>, seed {design.seed}, {ensemble['samples']} samples "
        f"({ensemble['failed']} failed), {design.rows - design.n_main} tornado rows; "
        f"{len(design.process_names)} process and {len(design.money_names)} money inputs; "
        f"{len(design.process_groups())} distinct parks.</p>"
    )
    for note in run.notes:
        parts.append(f'<p class="note">{html.escape(note)}</p>')
    said = any("money" in note for note in run.notes)
    if not any(n.startswith("money.") for n in names) and design.money_names and not said:
        parts.append(
            '<p class="note">Money outputs are absent: the money inputs below were sampled, '
            "but no economics model turned them into outputs.</p>"
        )
    parts.append("<h2>Inputs</h2>")
    parts.append(_table(
        ["input", "kind", "target", "distribution", "note"],
        [[r["name"], r["kind"], r["target"], r["distribution"], r["note"]]
         for r in describe_inputs(design.inputs)],
        text_cols=5,
    ))  # fmt: skip
    parts.append("<h2>Outputs</h2>")
    parts.append(_table(
        ["output", "P10", "P50", "P90", "mean"],
        [[n, s["p10"], s["p50"], s["p90"], s["mean"]] for n, s in ensemble["outputs"].items()],
    ))  # fmt: skip
    figures = key_outputs(names, main)
    parts.append("<h2>Distributions and exceedance curves</h2>")
    for n in figures:
        y = main[f"out:{n}"].to_numpy(dtype=float)
        y = y[np.isfinite(y)]
        if y.size:
            parts.append(_div(_distribution_figure(n, y)))
    parts.append("<h2>Tornado (one at a time: P10 and P90 of each input, others at median)</h2>")
    if not full.get("tornado"):
        parts.append("<p>No tornado rows in this design.</p>")
    for n in figures:
        entry = full.get("tornado", {}).get(n)
        fig = None if entry is None else _tornado_figure(n, entry)
        if fig is not None:
            parts.append(_div(fig))
    parts.append("<h2>Global sensitivity</h2>")
    for n in figures:
        fig = _index_figure(n, full["outputs"][n])
        if fig is not None:
            parts.append(_div(fig))
    failed = table[table["status"] != "ok"]
    if len(failed):
        parts.append(f"<h2>Failed samples ({len(failed)})</h2>")
        parts.append(_table(
            ["index", "block", "error"],
            [[str(int(r["index"])), r["block"], r["error"]]
             for _, r in failed.head(100).iterrows()],
            text_cols=3,
        ))  # fmt: skip
    body = "\n".join(parts)
    page = _PAGE.format(
        title=html.escape(f"Ensemble {ensemble['scenario']}"), plotlyjs=get_plotlyjs(), body=body
    )
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    return out
