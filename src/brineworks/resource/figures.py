"""Figures of a reservoir run (plotly): grade and stock of each element against year, per zone.

The functions return figures; writing them is :func:`brineworks.report.figures.write_figure`'s
job, and only where asked. :func:`grade_figure` is the one the main job's report calls.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from brineworks.resource.results import ReservoirResult

__all__ = ["grade_figure", "stock_figure"]

_DEFAULT = ("K", "Li", "Mg")


def _zones(result: ReservoirResult, zones: Sequence[str] | None) -> list[str]:
    names = [str(z["name"]) for z in result.zones]
    return [z for z in names if zones is None or z in zones]


def grade_figure(
    result: ReservoirResult,
    elements: Sequence[str] = _DEFAULT,
    zones: Sequence[str] | None = None,
) -> go.Figure:
    """Grade of each element in each zone's brine against year (one panel per element).

    Parameters
    ----------
    result
        A reservoir run.
    elements
        Elements to plot, one panel each.
    zones
        Zones to plot (default: all).
    """
    return _panels(result, elements, zones, "grade_g_per_l", "g/L", "Brine grade")


def stock_figure(
    result: ReservoirResult,
    elements: Sequence[str] = _DEFAULT,
    zones: Sequence[str] | None = None,
) -> go.Figure:
    """Stock of each element in each zone, brine and solids, against year (one panel per
    element; dashed: in the solids of the bed and the ore)."""
    return _panels(result, elements, zones, "stock_t", "t", "Element stock")


def _panels(
    result: ReservoirResult,
    elements: Sequence[str],
    zones: Sequence[str] | None,
    key: str,
    unit: str,
    title: str,
) -> go.Figure:
    fig = make_subplots(rows=len(elements), cols=1, shared_xaxes=True,
                        subplot_titles=[f"{el} [{unit}]" for el in elements])  # fmt: skip
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    for i, el in enumerate(elements, start=1):
        for j, zone in enumerate(_zones(result, zones)):
            rows = result.zone_rows(zone)
            color = palette[j % len(palette)]
            fig.add_trace(
                go.Scatter(x=[r.year for r in rows],
                           y=[getattr(r, key).get(el, 0.0) for r in rows],
                           mode="lines+markers", name=zone, legendgroup=zone,
                           showlegend=i == 1, line={"color": color}, marker={"size": 4}),
                row=i, col=1,
            )  # fmt: skip
            if key == "stock_t":
                fig.add_trace(
                    go.Scatter(x=[r.year for r in rows], y=[r.solid_t.get(el, 0.0) for r in rows],
                               mode="lines", name=f"{zone} solids", legendgroup=zone,
                               showlegend=i == 1, line={"color": color, "dash": "dash"}),
                    row=i, col=1,
                )  # fmt: skip
    opts = result.options
    how = (f"returns {'on' if opts.get('returns', True) else 'off'}, conversion "
           f"{'on' if opts.get('conversion', True) else 'off'}")  # fmt: skip
    fig.update_layout(title=f"{title} by zone ({how})", template="plotly_white",
                      height=260 * len(elements) + 120)  # fmt: skip
    fig.update_xaxes(title_text="year", row=len(elements), col=1)
    return fig
