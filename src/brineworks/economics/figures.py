"""Figures of a park's economics (plotly): the yearly cash flows and the NPV tornado.

The functions return ``plotly.graph_objects.Figure`` and write nothing; the report writes them
(``brineworks.report.figures.write_figure``).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate

import plotly.graph_objects as go

from brineworks.economics.park import EconomicsResult, TornadoBar

__all__ = ["cash_flow_chart", "tornado_chart"]

_M = 1e6


def cash_flow_chart(result: EconomicsResult) -> go.Figure:
    """Yearly cash flows: capital, revenue, operating cost and taxes as bars, the net cash flow
    and its discounted cumulative sum as lines. [million CNY]"""
    cf = result.cash_flows
    years = list(cf["year"])
    taxes = [
        sum(v) for v in zip(cf["vat_paid"], cf["surtaxes"], cf["resource_tax"], cf["income_tax"],
                            strict=True)
    ]  # fmt: skip
    opex = [a + b for a, b in zip(cf["variable_opex"], cf["fixed_opex"], strict=True)]
    fig = go.Figure()
    fig.add_bar(x=years, y=[v / _M for v in cf["revenue"]], name="revenue (ex-VAT)")
    fig.add_bar(x=years, y=[-v / _M for v in cf["capex"]], name="capital")
    fig.add_bar(x=years, y=[-v / _M for v in opex], name="operating cost")
    fig.add_bar(x=years, y=[-v / _M for v in taxes], name="taxes (VAT, surtaxes, resource, EIT)")
    fig.add_scatter(x=years, y=[v / _M for v in cf.net], mode="lines+markers", name="net cash flow")
    r = result.discount_rate
    discounted = [v / (1 + r) ** (t + 1) for t, v in enumerate(cf.net)]
    fig.add_scatter(
        x=years,
        y=[v / _M for v in accumulate(discounted)],
        mode="lines",
        line={"dash": "dash"},
        name=f"cumulative discounted at {100 * r:g} %",
    )
    fig.update_layout(
        title=f"{result.scenario}: cash flows ({result.prices} prices, CNY of {result.price_year})",
        barmode="relative",
        xaxis_title="year",
        yaxis_title="million CNY",
        template="plotly_white",
    )
    return fig


def tornado_chart(base_npv: float, bars: Sequence[TornadoBar], title: str = "") -> go.Figure:
    """NPV with each parameter at its low and high setting, largest swing on top.
    [million CNY]"""
    ordered = list(reversed(bars))
    names = [b.parameter for b in ordered]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[(b.npv_low - base_npv) / _M for b in ordered],
        base=base_npv / _M,
        orientation="h",
        name="parameter -20 %",
    )
    fig.add_bar(
        y=names,
        x=[(b.npv_high - base_npv) / _M for b in ordered],
        base=base_npv / _M,
        orientation="h",
        name="parameter +20 %",
    )
    fig.add_vline(x=base_npv / _M, line={"color": "black", "width": 1})
    fig.update_layout(
        title=title or "NPV sensitivity",
        barmode="overlay",
        xaxis_title="NPV [million CNY]",
        template="plotly_white",
        height=max(300, 40 * len(bars) + 120),
    )
    return fig
