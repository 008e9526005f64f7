"""Flowsheet solving: recycles with analytical answers, balance checks, clear errors."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from brineworks.errors import InputError
from brineworks.process.flowsheet import ConvergenceError, Flowsheet
from brineworks.process.stream import Stream
from brineworks.process.unit import BalanceError, SolveContext, Unit, UnitOptions, check_balance
from brineworks.process.units import ComponentSplitter, Mixer, Splitter

FEED = Stream({"H2O": 1.0, "Na": 0.1, "Cl": 0.154})


def recycle_loop(fraction: float, feed: Stream = FEED) -> Flowsheet:
    """Mixer → splitter with ``fraction`` recycled: the product equals the feed at steady state."""
    fs = Flowsheet()
    fs.add(Mixer.build("mix"))
    fs.add(Splitter.build("split", fractions={"recycle": fraction, "product": 1 - fraction}))
    fs.connect("feed", None, "mix.in1")
    fs.connect("mixed", "mix.out", "split.in")
    fs.connect("recycle", "split.recycle", "mix.in2")
    fs.connect("product", "split.product", None)
    fs.feed("feed", feed)
    return fs


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.8, 0.95])
def test_recycle_matches_the_analytical_answer(fraction: float) -> None:
    result = recycle_loop(fraction).solve()
    assert result.tears == ("recycle",)
    ratio = fraction / (1 - fraction)
    for comp, flow in FEED.flows.items():
        assert result.streams["recycle"].flows[comp] == pytest.approx(ratio * flow, rel=1e-9)
        assert result.streams["product"].flows[comp] == pytest.approx(flow, rel=1e-9)


def test_wegstein_beats_direct_substitution() -> None:
    wegstein = recycle_loop(0.9).solve(acceleration="wegstein")
    direct = recycle_loop(0.9).solve(acceleration="direct")
    # s = 0.9 asks for q = -9; bounded at -5 the error still falls by 0.4 per iteration
    assert 5 * wegstein.iterations < direct.iterations
    assert recycle_loop(0.8).solve().iterations <= 4  # q = -4 within bounds: one step
    assert wegstein.residual <= 1e-11


def test_component_recycle_loop() -> None:
    """Half the Na goes out each pass, the rest returns: recycle Na equals feed Na; water
    leaves entirely with the product."""
    fs = Flowsheet()
    fs.add(Mixer.build("mix"))
    fs.add(ComponentSplitter.build("sep", to_top={"Na": 0.5, "Cl": 0.5, "H2O": 1.0}))
    fs.connect("feed", None, "mix.in1")
    fs.connect("mixed", "mix.out", "sep.in")
    fs.connect("back", "sep.bottom", "mix.in2")
    fs.connect("out", "sep.top", None)
    fs.feed("feed", FEED)
    r = fs.solve()
    assert r.streams["back"].flows["Na"] == pytest.approx(0.1, rel=1e-9)
    assert r.streams["back"].get("H2O") == pytest.approx(0.0, abs=1e-15)


def test_non_convergence_names_the_tear_streams() -> None:
    with pytest.raises(ConvergenceError, match="tear streams: recycle"):
        recycle_loop(0.99).solve(acceleration="direct", max_iterations=5)


class Leaky(Unit):
    kind = "leaky"
    inlets = ("in",)
    outlets = ("out",)

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        return {"out": inputs["in"].scaled(0.99)}


def test_a_broken_unit_is_caught_and_named() -> None:
    fs = Flowsheet()
    fs.add(Leaky(UnitOptions(name="leaky pipe", kind="leaky")))
    fs.connect("feed", None, "leaky pipe.in")
    fs.connect("out", "leaky pipe.out", None)
    fs.feed("feed", FEED)
    with pytest.raises(BalanceError, match="unit 'leaky pipe' does not conserve"):
        fs.solve()
    with pytest.raises(BalanceError, match="does not conserve Cl"):
        check_balance("x", [FEED], [Stream({"H2O": 1.0, "Na": 0.1, "Cl": 0.15})])


def test_bad_structure_is_reported() -> None:
    fs = Flowsheet()
    fs.add(Mixer.build("mix"))
    with pytest.raises(InputError, match="unit: got 'mix'"):
        fs.add(Mixer.build("mix"))
    with pytest.raises(InputError, match=r"'unit\.port'"):
        fs.connect("s", None, "tank.in")
    with pytest.raises(InputError, match="one of mix's inlets"):
        fs.connect("s", None, "mix.side")
    fs.connect("a", None, "mix.in1")
    with pytest.raises(InputError, match="already fed by a"):
        fs.connect("b", None, "mix.in1")
    with pytest.raises(InputError, match="stream: got 'a'"):
        fs.connect("a", None, "mix.in2")
    with pytest.raises(InputError, match=r"mix\.in2"):
        fs.solve()
    fs.connect("b", None, "mix.in2")
    fs.connect("c", "mix.out", None)
    with pytest.raises(InputError, match="feed a"):
        fs.solve()
    with pytest.raises(InputError, match="fractions"):
        Splitter.build("s", fractions={"a": 0.5, "b": 0.6})
