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


class CountingSplitter(ComponentSplitter):
    """A component splitter that counts its solves."""

    kind = "counting_splitter"
    solves = 0

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        type(self).solves += 1
        return super().solve(inputs, ctx)


def loop_with_tail() -> Flowsheet:
    """A recycle loop (mixer → splitter, 60 % back) whose product goes through a unit outside
    the loop."""
    fs2 = Flowsheet()
    fs2.add(Mixer.build("mix"))
    fs2.add(Splitter.build("split", fractions={"recycle": 0.6, "product": 0.4}))
    fs2.add(CountingSplitter(ComponentSplitter.Options(name="tail", kind="component_splitter",
                                                       to_top={"Na": 1.0})))  # fmt: skip
    fs2.connect("feed", None, "mix.in1")
    fs2.connect("mixed", "mix.out", "split.in")
    fs2.connect("recycle", "split.recycle", "mix.in2")
    fs2.connect("product", "split.product", "tail.in")
    fs2.connect("sodium", "tail.top", None)
    fs2.connect("rest", "tail.bottom", None)
    fs2.feed("feed", FEED)
    return fs2


def test_a_unit_after_a_loop_is_solved_once() -> None:
    """Loops are solved block by block: the unit downstream of the recycle runs once, after the
    loop has converged, not at each iteration."""
    CountingSplitter.solves = 0
    r = loop_with_tail().solve()
    assert r.iterations > 2
    assert CountingSplitter.solves == 1
    assert r.streams["sodium"].get("Na") == pytest.approx(FEED.get("Na"), rel=1e-9)


def test_a_converged_loop_is_reused_for_the_same_inlets() -> None:
    """Solved again with nothing changed, a loop is not iterated (its solution stands); with a
    setting changed, or cold, it is."""
    fs = loop_with_tail()
    first = fs.solve()
    again = fs.solve()
    assert again.iterations == 0
    assert again.streams == first.streams
    split = fs.units["split"]
    assert isinstance(split, Splitter)
    split.set_fraction("recycle", 0.5, "product")
    changed = fs.solve()
    assert changed.iterations > 2
    assert changed.streams["recycle"].get("Na") == pytest.approx(FEED.get("Na"), rel=1e-9)
    assert fs.solve(warm=False).iterations == changed.iterations


def test_anderson_converges_coupled_loops_in_fewer_iterations() -> None:
    """Two recycles into one mixer (a plant's mother liquor and wash liquor): Anderson steps
    on both tears together converge in fewer iterations than Wegstein's per-component
    secants, to the same answer."""

    def coupled() -> Flowsheet:
        fs = Flowsheet()
        fs.add(Mixer.build("mix", inlets=3))
        fs.add(Splitter.build("first", fractions={"back": 0.7, "on": 0.3}))
        fs.add(ComponentSplitter.build("second", to_top={"Na": 0.2, "Cl": 0.2, "H2O": 0.5}))
        fs.connect("feed", None, "mix.in1")
        fs.connect("mixed", "mix.out", "first.in")
        fs.connect("mother", "first.back", "mix.in2")
        fs.connect("forward", "first.on", "second.in")
        fs.connect("wash", "second.bottom", "mix.in3")
        fs.connect("product", "second.top", None)
        fs.feed("feed", FEED)
        return fs

    anderson = coupled().solve()
    wegstein = coupled().solve(acceleration="wegstein")
    assert len(anderson.tears) == 2
    assert anderson.iterations < wegstein.iterations
    for c, flow in FEED.flows.items():
        assert anderson.streams["product"].get(c) == pytest.approx(flow, rel=1e-9)
        assert wegstein.streams["product"].get(c) == pytest.approx(flow, rel=1e-9)
    with pytest.raises(InputError, match="acceleration"):
        coupled().solve(acceleration="newton")


def test_strongly_connected_components() -> None:
    from brineworks.process.flowsheet import _strongly_connected

    nodes = ["a", "b", "c", "d", "e"]
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "d")]
    comp = _strongly_connected(nodes, edges)
    assert comp["a"] == comp["b"] == comp["c"] != comp["d"] == comp["e"]
