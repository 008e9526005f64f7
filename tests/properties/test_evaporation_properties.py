"""Invariants of evaporation paths on random brines (Hypothesis)."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brineworks.chemistry.backend import get_backend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.evaporation import StopCondition, evaporate


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    na=st.floats(0.5, 4.0), k=st.floats(0.01, 0.5), mg=st.floats(0.05, 1.5),
    li=st.one_of(st.just(0.0), st.floats(1e-4, 0.2)),
    so4=st.one_of(st.just(0.0), st.floats(1e-4, 0.2)),
)  # fmt: skip
def test_mass_conserved_and_conservative_elements_rise(
    na: float, k: float, mg: float, li: float, so4: float
) -> None:
    cl = na + k + 2 * mg + li - 2 * so4
    brine = Brine.from_amounts(
        {"Na": na, "K": k, "Mg": mg, "Li": li, "SO4": so4, "Cl": cl}, "mol/kgw"
    )
    path = evaporate(brine, backend=get_backend(), until=StopCondition("water", 0.8), max_step=0.1)
    for err in path.balance_error().values():
        assert abs(err) < 1e-9
    # An element's molality never falls before the first solid that contains it appears.
    for el in path.initial:
        first = min(
            (f for p, f in path.appearance.items() if path.phase_formulas[p].get(el, 0) > 0),
            default=2.0,
        )
        series = [s.molality[el] for s in path.steps if s.water_removed < first]
        assert all(b >= a * (1 - 1e-9) for a, b in itertools.pairwise(series)), el
