"""The 10,000-household allocation within a minute (slow: ``pytest -m slow``)."""

from __future__ import annotations

import time

import pytest

from brineworks.impact.support import REGISTRY_COLUMNS as COLS
from brineworks.impact.support import allocate, generate_registry, load_measures, parse_registry


@pytest.mark.slow
def test_ten_thousand_households_within_a_minute() -> None:
    rows = generate_registry(10_000, seed=0)
    text = "\n".join([",".join(COLS)] + [",".join(r[c] for c in COLS) for r in rows])
    t0 = time.perf_counter()
    reg = parse_registry(text)
    a = allocate(reg, load_measures(), 10_000_000.0, plant_jobs=361)
    seconds = time.perf_counter() - t0
    assert a.households == 10_000
    assert a.solver["status"] == "Optimal"
    assert a.cost_cny <= 10_000_000.0
    assert seconds < 60.0, f"{seconds:.1f} s"
