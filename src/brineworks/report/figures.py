"""Figures of chemistry results (plotly), written to HTML and, when asked, PNG.

The functions take result objects and return ``plotly.graph_objects.Figure``; only
:func:`write_figure` touches the file system, and only at the path it is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from brineworks.constants import SECONDS_PER_YEAR
from brineworks.errors import BrineworksError

if TYPE_CHECKING:
    from brineworks.chemistry.evaporation import EvaporationPath
    from brineworks.process.ponds import PondTrainResult
    from brineworks.report.i18n import Catalogue

__all__ = [
    "PALETTE",
    "cash_flow_chart",
    "distribution_chart",
    "evaporation_concentrations",
    "evaporation_solids",
    "gantt_chart",
    "janecke_coordinates",
    "janecke_k2_mg_so4",
    "pond_train_salts",
    "style",
    "tornado_chart",
    "trajectory_chart",
    "write_figure",
]

PALETTE = ("#3d5a80", "#2a9d8f", "#e9c46a", "#e76f51", "#8ab17d", "#9b5de5", "#457b9d",
           "#f4a261", "#6c757d", "#264653")  # fmt: skip
"""Colours of every report figure, in order (the drawings use the same fate colours)."""

FONT = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
        '"WenQuanYi Micro Hei", system-ui, sans-serif')  # fmt: skip
"""Font stack of the report (CJK fonts first, so Chinese labels have a face)."""


def _en(cat: Catalogue | None) -> Catalogue:
    from brineworks.report.i18n import catalogue

    return cat if cat is not None else catalogue("en")


def style(fig: go.Figure, height: int = 420) -> go.Figure:
    """The report's one style: white template, palette, font, legend below, tight margins."""
    fig.update_layout(
        template="plotly_white",
        colorway=list(PALETTE),
        font={"family": FONT, "size": 13},
        title={"x": 0.0, "xanchor": "left", "font": {"size": 16}},
        legend={"orientation": "h", "y": -0.18, "x": 0.0},
        margin={"l": 70, "r": 20, "t": 60, "b": 80},
        height=height,
        separators=".,",
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(tickformat=",~r", automargin=True)
    return fig


def evaporation_concentrations(
    path: EvaporationPath, unit: str = "g/L", cat: Catalogue | None = None
) -> go.Figure:
    """Concentration of each element of the liquid against the water removed.

    Parameters
    ----------
    path
        An evaporation path.
    unit
        ``"g/L"`` or ``"mol/kgw"``.
    cat
        The language of the labels (default English).
    """
    c = _en(cat)
    fig = go.Figure()
    x = [100 * s.water_removed for s in path.steps]
    for el in path.initial:
        if unit == "g/L":
            y = [s.concentration.get(el, 0.0) for s in path.steps]
        else:
            y = [s.molality.get(el, 0.0) for s in path.steps]
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", name=c.name("element", el),
                                 marker={"size": 4}))  # fmt: skip
    for phase, f in path.appearance.items():
        fig.add_vline(x=100 * f, line={"dash": "dot", "width": 1, "color": "grey"})
        fig.add_annotation(x=100 * f, y=1.0, yref="paper", text=c.short("mineral", phase),
                           textangle=-90, showarrow=False, xanchor="right",
                           font={"size": 9})  # fmt: skip
    fig.update_layout(
        title=c(
            "Evaporation of {brine} at {temp} °C ({mode})",
            brine=path.brine.name,
            temp=c.fmt.number(path.brine.temperature_c, 3),
            mode=c(path.mode),
        ),
        xaxis_title=c("water removed [% of initial]"),
        yaxis_title=c("concentration in the liquid [{unit}]", unit=unit),
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


def pond_train_salts(train: PondTrainResult, cat: Catalogue | None = None) -> go.Figure:
    """Salt harvested in each pond, by mineral (stacked bars; labels in ``cat``'s language).
    [t/yr]"""
    c = _en(cat)
    fig = go.Figure()
    minerals = list(dict.fromkeys(m for p in train.ponds for m in p.salts))
    names = [c.name("pond", p.name) for p in train.ponds]
    for m in minerals:
        y = [p.salts.get(m, 0.0) * SECONDS_PER_YEAR / 1000.0 for p in train.ponds]
        fig.add_trace(go.Bar(x=names, y=y, name=c.name("mineral", m)))
    fig.update_layout(
        barmode="stack",
        title=c("Salts harvested per pond: {brine} at {site}", brine=train.brine.name,
                site=train.climate.name),
        xaxis_title=c("pond"),
        yaxis_title=c("salt harvested [t/yr]"),
        template="plotly_white",
    )  # fmt: skip
    return fig


_M = 1e6


def _money_axis(c: Catalogue) -> tuple[float, str]:
    """Divisor and axis unit of money in charts: 亿元 or M CNY."""
    return (1e8, c("100 million CNY")) if c.lang == "zh" else (_M, c("million CNY"))


def cash_flow_chart(econ: dict[str, Any], cat: Catalogue | None = None) -> go.Figure:
    """Yearly cash flows of an economics block (``results.json``'s ``"economics"``): revenue,
    capital, operating cost and taxes as bars, the net cash flow and its discounted cumulative
    sum as lines. [亿元 or M CNY]"""
    c = _en(cat)
    div, unit = _money_axis(c)
    cf = econ["cash_flows"]
    years = list(cf["year"])
    taxes = [sum(v) for v in zip(cf["vat_paid"], cf["surtaxes"], cf["resource_tax"],
                                 cf["income_tax"], strict=True)]  # fmt: skip
    opex = [a + b for a, b in zip(cf["variable_opex"], cf["fixed_opex"], strict=True)]
    fig = go.Figure()
    fig.add_bar(x=years, y=[v / div for v in cf["revenue"]], name=c("revenue (ex-VAT)"))
    fig.add_bar(x=years, y=[-v / div for v in cf["capex"]], name=c("capital"))
    fig.add_bar(x=years, y=[-v / div for v in opex], name=c("operating cost"))
    fig.add_bar(x=years, y=[-v / div for v in taxes], name=c("taxes"))
    net = list(cf["net_cash_flow"])
    fig.add_scatter(x=years, y=[v / div for v in net], mode="lines+markers",
                    name=c("net cash flow"))  # fmt: skip
    r = float(econ["discount_rate"])
    cumulative, total = [], 0.0
    for t, v in enumerate(net):
        total += v / (1 + r) ** (t + 1)
        cumulative.append(total / div)
    fig.add_scatter(x=years, y=cumulative, mode="lines", line={"dash": "dash"},
                    name=c("cumulative, discounted at {rate}", rate=f"{100 * r:g}%"))  # fmt: skip
    fig.update_layout(
        title=c("Cash flows ({prices} prices, CNY of {year})", prices=c(str(econ["prices"])),
                year=econ["price_year"]),
        barmode="relative", xaxis_title=c("year"), yaxis_title=unit,
    )  # fmt: skip
    return style(fig)


def tornado_chart(econ: dict[str, Any], cat: Catalogue | None = None) -> go.Figure:
    """NPV with each parameter 20 % lower and higher (``econ["tornado"]``: bars as the
    economics command writes them), largest swing on top. [亿元 or M CNY]"""
    c = _en(cat)
    div, unit = _money_axis(c)
    base = float(econ["npv_cny"])
    bars = sorted(econ["tornado"], key=lambda b: abs(b["npv_high_cny"] - b["npv_low_cny"]))
    from brineworks.report.summary import _tornado_param

    names = [_tornado_param(b["parameter"], c) for b in bars]
    fig = go.Figure()
    for key, label in (("npv_low_cny", c("parameter -20 %")),
                       ("npv_high_cny", c("parameter +20 %"))):  # fmt: skip
        fig.add_bar(y=names, x=[(b[key] - base) / div for b in bars], base=base / div,
                    orientation="h", name=label)  # fmt: skip
    fig.add_vline(x=base / div, line={"color": "black", "width": 1})
    fig.update_layout(title=c("What moves the NPV"), barmode="overlay",
                      xaxis_title=c("NPV [{unit}]", unit=unit))  # fmt: skip
    return style(fig, height=max(320, 34 * len(bars) + 160))


def trajectory_chart(
    years: Sequence[float], series: Mapping[str, Sequence[float]], y_title: str,
    title: str, cat: Catalogue | None = None,
) -> go.Figure:  # fmt: skip
    """Lines over the years (a reservoir's grade, a plan's output), in the report's style."""
    c = _en(cat)
    fig = go.Figure()
    for name, ys in series.items():
        fig.add_scatter(
            x=list(years), y=list(ys), mode="lines+markers", name=c.name("element", name)
        )
    fig.update_layout(title=title, xaxis_title=c("year"), yaxis_title=y_title)
    return style(fig)


def gantt_chart(tasks: Sequence[Mapping[str, Any]], title: str, cat: Catalogue | None = None
                ) -> go.Figure:  # fmt: skip
    """A plan's phases as horizontal bars (``name``, ``start``, ``end`` in years)."""
    c = _en(cat)
    fig = go.Figure()
    fig.add_bar(y=[t["name"] for t in tasks], x=[t["end"] - t["start"] for t in tasks],
                base=[t["start"] for t in tasks], orientation="h",
                marker={"color": PALETTE[0]}, showlegend=False)  # fmt: skip
    fig.update_layout(title=title, xaxis_title=c("year"))
    fig.update_yaxes(autorange="reversed")
    return style(fig, height=max(260, 30 * len(tasks) + 140))


def distribution_chart(samples: Mapping[str, Sequence[float]], x_title: str, title: str
                       ) -> go.Figure:  # fmt: skip
    """Distributions of an ensemble's outcomes (one histogram per quantity)."""
    fig = go.Figure()
    for name, xs in samples.items():
        fig.add_histogram(x=list(xs), name=name, opacity=0.7)
    fig.update_layout(title=title, xaxis_title=x_title, barmode="overlay")
    return style(fig)


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
