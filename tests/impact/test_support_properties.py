"""Properties of the allocation on small random registries (Hypothesis): a larger budget never
lifts fewer households; budget, capacities, plant jobs, workers and eligibility always hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from brineworks.impact.support import Household, Registry, allocate, eligible, load_measures

MEASURES = load_measures()
BY_NAME = {m.measure: m for m in MEASURES}
SKILLS = ("driver", "mechanic", "cooking", "farming", "handicraft")


@st.composite
def registries(draw: st.DrawFn) -> Registry:
    n = draw(st.integers(2, 7))
    out = []
    for i in range(n):
        members = draw(st.integers(1, 5))
        out.append(Household(
            household_id=f"H{i}",
            village=draw(st.sampled_from(["A", "B", "C"])),
            county="Golmud",
            members=members,
            income_cny_per_person_yr=draw(st.floats(0.0, 6000.0)),
            workers=draw(st.integers(0, members)),
            skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=2))),
            age_head=draw(st.integers(20, 80)),
            distance_km=draw(st.floats(0.0, 300.0)),
            guarantees_ok=draw(st.booleans()),
            row=i + 2,
        ))  # fmt: skip
    return Registry(tuple(out))


@settings(max_examples=20, deadline=None)
@given(
    reg=registries(),
    budget=st.floats(0.0, 150_000.0),
    extra=st.floats(1.0, 150_000.0),
    jobs=st.integers(0, 3),
    fairness=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_more_budget_never_lifts_fewer(
    reg: Registry, budget: float, extra: float, jobs: int, fairness: float
) -> None:
    low = allocate(reg, MEASURES, budget, 4000.0, jobs, fairness, min_group_size=1)
    high = allocate(reg, MEASURES, budget + extra, 4000.0, jobs, fairness, min_group_size=1)
    assert high.lifted >= low.lifted
    for a, b in ((low, budget), (high, budget + extra)):
        assert a.cost_cny <= b + 1e-6
        assert a.jobs_used <= jobs
        hh = {h.household_id: h for h in reg.households}
        used: dict[str, int] = {}
        per_village: dict[tuple[str, str], int] = {}
        for r in a.results:
            h = hh[r.household_id]
            assert sum(BY_NAME[m].worker for m in r.measures) <= h.workers
            for m in r.measures:
                assert eligible(BY_NAME[m], h)
                used[m] = used.get(m, 0) + 1
                per_village[(m, h.village)] = per_village.get((m, h.village), 0) + 1
            if r.lifted:
                assert h.guarantees_ok
                assert r.income_after_cny_per_person_yr >= 4000.0 - 1e-6
        for m in MEASURES:
            if m.capacity is None:
                continue
            if m.capacity_scope == "total":
                assert used.get(m.measure, 0) <= m.capacity
            else:
                assert all(v <= m.capacity for (k, _), v in per_village.items() if k == m.measure)
