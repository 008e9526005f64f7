"""Figures of chemistry results (plotly), written to HTML and, when asked, PNG.

The functions take result objects and return ``plotly.graph_objects.Figure``; only
:func:`write_figure` touches the file system, and only at the path it is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from brineworks.constants import SECONDS_PER_YEAR
from brineworks.errors import BrineworksError

if TYPE_CHECKING:
    from brineworks.chemistry.evaporation import EvaporationPath
    from brineworks.process.ponds import PondTrainResult

__all__ = [
    "evaporation_concentrations",
    "evaporation_solids",
    "janecke_coordinates",
    "janecke_k2_mg_so4",
    "pond_train_salts",
    "write_figure",
]


def evaporation_concentrations(path: EvaporationPath, unit: str = "g/L") -> go.Figure:
    """Concentration of each element of the liquid against the water removed.

    Parameters
    ----------
    path
        An evaporation path.
    unit
        ``"g/L"`` or ``"mol/kgw"``.
    """
    fig = go.Figure()
    x = [100 * s.water_removed for s in path.steps]
    for el in path.initial:
        if unit == "g/L":
            y = [s.concentration.get(el, 0.0) for s in path.steps]
        else:
            y = [s.molality.get(el, 0.0) for s in path.steps]
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", name=el, marker={"size": 4}))
    for phase, f in path.appearance.items():
        fig.add_vline(x=100 * f, line={"dash": "dot", "width": 1, "color": "grey"})
        fig.add_annotation(x=100 * f, y=1.0, yref="paper", text=phase, textangle=-90,
                           showarrow=False, xanchor="right", font={"size": 9})  # fmt: skip
    fig.update_layout(
        title=f"Evaporation of {path.brine.name} at {path.brine.temperature_c:g} °C ({path.mode})",
        xaxis_title="water removed [% of initial]",
        yaxis_title=f"concentration in the liquid [{unit}]",
        yaxis_type="log",
        template="plotly_white",
    )
    return fig


def evaporation_solids(path: EvaporationPath) -> go.Figure:
    """Solids precipitated in each step against the water removed (stacked bars). [kg/kg water]"""
    masses = path.molar_masses
    fig = go.Figure()
    x = [100 * s.water_removed for s in path.steps]
    for phase in path.candidates:
        if path.solids_total().get(phase, 0.0) <= 0:
            continue
        m = masses[phase]
        y = [max(s.solids_step.get(phase, 0.0), 0.0) * m for s in path.steps]
        fig.add_trace(go.Bar(x=x, y=y, name=phase))
    fig.update_layout(
        barmode="stack",
        title=f"Solids precipitated per step: {path.brine.name}",
        xaxis_title="water removed [% of initial]",
        yaxis_title="solid formed in the step [kg per kg of initial water]",
        template="plotly_white",
    )
    return fig


def janecke_coordinates(molality: dict[str, float]) -> tuple[float, float, float]:
    """Jänecke coordinates (2K, Mg, SO4) in mol % of their sum, for Na-saturated brines.

    Returns ``(k2, mg, so4)`` with k2 = K/2, each divided by (K/2 + Mg + SO4) × 100.
    """
    k2 = molality.get("K", 0.0) / 2.0
    mg = molality.get("Mg", 0.0)
    so4 = molality.get("S", molality.get("SO4", 0.0))
    total = k2 + mg + so4
    if total <= 0:
        raise BrineworksError("a Jänecke diagram needs K, Mg or SO4 in the liquid")
    return 100 * k2 / total, 100 * mg / total, 100 * so4 / total


def janecke_k2_mg_so4(path: EvaporationPath) -> go.Figure:
    """The path of the liquid on the Jänecke diagram of K2–Mg–SO4 (NaCl-saturated)."""
    pts = [janecke_coordinates(s.molality) for s in path.steps]
    text = [f"{100 * s.water_removed:.1f} % evaporated" for s in path.steps]
    fig = go.Figure(
        go.Scatterternary(
            a=[p[0] for p in pts],
            b=[p[1] for p in pts],
            c=[p[2] for p in pts],
            mode="lines+markers",
            text=text,
            name=path.brine.name,
            marker={"size": 5},
        )
    )
    for phase, f in path.appearance.items():
        s = min(path.steps, key=lambda st: abs(st.water_removed - f))
        k2, mg, so4 = janecke_coordinates(s.molality)
        fig.add_trace(
            go.Scatterternary(
                a=[k2],
                b=[mg],
                c=[so4],
                mode="markers+text",
                text=[phase],
                textposition="top center",
                showlegend=False,
                marker={"symbol": "diamond", "size": 8},
            )
        )
    fig.update_layout(
        title=f"Jänecke diagram K2–Mg–SO4 (NaCl saturated): {path.brine.name}",
        ternary={
            "sum": 100,
            "aaxis": {"title": "2K [mol %]"},
            "baxis": {"title": "Mg [mol %]"},
            "caxis": {"title": "SO4 [mol %]"},
        },
        template="plotly_white",
    )
    return fig


def pond_train_salts(train: PondTrainResult) -> go.Figure:
    """Salt harvested in each pond, by mineral (stacked bars). [t/yr]"""
    fig = go.Figure()
    minerals = list(dict.fromkeys(m for p in train.ponds for m in p.salts))
    names = [p.name for p in train.ponds]
    for m in minerals:
        y = [p.salts.get(m, 0.0) * SECONDS_PER_YEAR / 1000.0 for p in train.ponds]
        fig.add_trace(go.Bar(x=names, y=y, name=m))
    fig.update_layout(
        barmode="stack",
        title=f"Salts harvested per pond: {train.brine.name} at {train.climate.name}",
        xaxis_title="pond",
        yaxis_title="salt harvested [t/yr]",
        template="plotly_white",
    )
    return fig


def write_figure(fig: go.Figure, path: str | Path, *, png: bool = False) -> list[Path]:
    """Write ``fig`` to ``path`` (``.html``, self-contained) and, if asked, a ``.png`` beside it.

    Returns the files written.
    """
    target = Path(path).with_suffix(".html")
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.write_html(target, include_plotlyjs=True, full_html=True)
    written = [target]
    if png:
        image = target.with_suffix(".png")
        try:
            fig.write_image(image, width=1000, height=650, scale=1)
        except (ValueError, RuntimeError) as exc:  # kaleido missing or failing
            raise BrineworksError(f"PNG export failed ({exc}); the HTML was written") from None
        written.append(image)
    return written
