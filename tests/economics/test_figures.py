"""Economics figures: one trace per series, values in million CNY."""

from __future__ import annotations

import pytest

from brineworks.economics import evaluate, tornado
from brineworks.economics.figures import cash_flow_chart, tornado_chart
from tests.economics.parks import potash_park


def test_cash_flow_chart() -> None:
    result = evaluate(potash_park(), levelised=False)
    fig = cash_flow_chart(result)
    names = [t.name for t in fig.data]
    assert "net cash flow" in names
    assert "capital" in names
    net = next(t for t in fig.data if t.name == "net cash flow")
    assert list(net.y) == pytest.approx([v / 1e6 for v in result.cash_flows.net])


def test_tornado_chart() -> None:
    base, bars = tornado(potash_park())
    fig = tornado_chart(base, bars)
    assert len(fig.data) == 2
    assert list(fig.data[0].y)[-1] == bars[0].parameter  # largest swing on top
