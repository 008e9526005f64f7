"""The folded park graph conserves what it measures and leaves out the plumbing."""

from __future__ import annotations

import pytest

from brineworks.report.graph import BRINE, REAGENTS, STOCK, park_graph, plumbing
from brineworks.simulate import SimulationResult


@pytest.mark.parametrize("quantity", ["K", "Mg", "Cl", "water"])
def test_folding_conserves_each_fate(circular: SimulationResult, quantity: str) -> None:
    g = park_graph(circular, quantity, exits_by_fate=True)
    balance = circular.element_balance()
    for node, (fate, _) in g.exits.items():
        into = sum(ln.value for ln in g.links if ln.target == node)
        if quantity == "water":
            expected = sum(circular.streams[s].t_per_yr().get("H2O", 0.0)
                           for s, f in circular.fates.items() if f == fate)  # fmt: skip
        else:
            expected = balance[quantity][fate]
        assert into == pytest.approx(expected, rel=1e-9, abs=1e-6)
    pumped = sum(ln.value for ln in g.links if ln.source == BRINE)
    if quantity != "water":
        assert pumped == pytest.approx(balance[quantity]["in"], rel=1e-9)
        drawn = sum(ln.value for ln in g.links if ln.source == STOCK)
        assert drawn == pytest.approx(balance[quantity]["stock"], rel=1e-9, abs=1e-6)
        reagents = sum(ln.value for ln in g.links if ln.source == REAGENTS)
        assert reagents == pytest.approx(balance[quantity]["reagents"], rel=1e-9, abs=1e-6)


def test_plumbing_is_folded_and_every_stream_leaving_is_an_exit(circular: SimulationResult) -> None:
    g = park_graph(circular)
    folded = plumbing(circular)
    assert {"li feed mixer", "halite split", "hcl split", "chlorine mixer"} <= folded
    assert not folded & set(g.nodes)
    assert {name for name, _ in g.exits.values()} == {
        s for s in circular.fates if circular.streams[s].total > 0
    }
