"""Properties of the lake over 50 years, for random pumping, inflows, evaporation, returns and
conversion (slow: 50 years of equilibria per example)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from brineworks.chemistry.backend import get_backend
from brineworks.resource import simulate_reservoir

from .conftest import ToyPark, toy_spec


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pumping=st.floats(0.0, 8.0e4),
    inflow=st.floats(0.0, 3.0e4),
    contact=st.floats(0.0, 1.0),
    water=st.floats(0.0, 2.0e4),
    evaporation=st.floats(0.0, 0.003),
    returns=st.booleans(),
    every=st.integers(1, 7),
)
def test_every_element_is_conserved_over_fifty_years(
    pumping: float, inflow: float, contact: float, water: float, evaporation: float,
    returns: bool, every: int,
) -> None:  # fmt: skip
    # The property is about lakes that last 50 years: one that loses more water than it holds
    # (pumping, net of the old brine's water the toy park returns, at least 40 % of the water
    # fed, and evaporation, over inflow and conversion water) is pumped or evaporated dry, or
    # concentrated past bischofite, and the run refuses it (InputError, ChemistryError).
    kept = 0.4 if returns else 0.0
    loss_m3 = 50 * (pumping * (1.0 - kept) + evaporation * 1.0e6 - inflow - water)
    assume(loss_m3 < 0.3 * 1.0e6)  # the toy zone holds 1e6 m3 of brine
    backend = get_backend("phreeqc")
    spec = toy_spec(
        inflows=[{"name": "river", "zone": "toy", "m3_per_yr": inflow,
                  "catalogue": "golmud-river"}],
        conversion={"zone": "toy", "contact": contact, "water_m3_per_yr": water},
        returns=[{"stream": "old brine", "zone": "toy", "conversion": True}],
    )  # fmt: skip
    zone = spec.zones[0].model_copy(update={"evaporation_m_per_yr": evaporation})
    spec = spec.model_copy(update={"zones": [zone]})
    r = simulate_reservoir(spec, years=50, backend=backend, park=ToyPark(backend),
                           pumping_m3_per_yr=pumping, returns=returns, every=every)  # fmt: skip
    assert r.max_relative_imbalance() < 1e-9
    assert len(r.rows) == 51
