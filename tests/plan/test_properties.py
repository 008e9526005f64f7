"""Invariants of the plan over random small instances (Hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brineworks.plan.model import solve
from tests.plan.small import small_instance

positive = st.floats(min_value=0.5, max_value=2.0)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    price=st.tuples(positive, positive, positive),
    capex=st.tuples(positive, positive, positive),
    budget=st.floats(min_value=2.0e8, max_value=1.0e9),
    rate=st.floats(min_value=0.0, max_value=0.15),
)
def test_milp_never_beats_its_lp_relaxation(price, capex, budget, rate) -> None:  # type: ignore[no-untyped-def]
    """Relaxing the build binaries to [0, 1] can only raise the best NPV."""
    data = small_instance(
        prices=(3000.0 * price[0], 9000.0 * price[1], 60000.0 * price[2]),
        capex=(4.0e8 * capex[0], 2.5e8 * capex[1], 3.0e8 * capex[2]),
        budget=budget,
        rate=rate,
    )
    milp = solve(data, mip_gap=0.0)
    lp = solve(data, relax=True)
    assert lp.npv_cny >= milp.npv_cny - 1e-6 * max(1.0, abs(milp.npv_cny))
    assert milp.npv_cny >= 0.0 - 1e-6  # building nothing is always allowed
