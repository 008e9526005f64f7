"""Invariants of flowsheets and reactors on random inputs (Hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from brineworks.process.stream import Stream
from brineworks.process.unit import check_balance
from brineworks.process.units import Reactor
from tests.process.test_flowsheet import recycle_loop

flow = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(fraction=st.floats(0.0, 0.97), water=flow, na=flow, cl=flow)
def test_recycle_loop_product_equals_feed(
    fraction: float, water: float, na: float, cl: float
) -> None:
    feed = Stream({"H2O": water, "Na": na, "Cl": cl})
    r = recycle_loop(fraction, feed).solve()
    for comp, f in feed.flows.items():
        assert abs(r.streams["product"].get(comp) - f) <= 1e-8 * f


@settings(max_examples=40, deadline=None)
@given(
    reaction=st.sampled_from(
        ["bischofite_dehydration", "mg_electrolysis", "chlor_alkali", "soda_ash", "vcm_balanced",
         "pvc"]
    ),
    amount=flow,
    extra=flow,
)  # fmt: skip
def test_every_reaction_conserves_elements(reaction: str, amount: float, extra: float) -> None:
    unit = Reactor.build("r", reaction=reaction)
    key = unit.reaction.key
    feed = Stream({key: amount, "H2O": extra})
    run = unit.run({"in": feed})  # run() checks the balance too
    check_balance("r", [feed, *run.utilities_in.values()], list(run.outputs.values()))
    assert run.outputs["out"].get(key) <= amount
