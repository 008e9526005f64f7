"""Chemistry benchmarks (``make bench``). Figures are reported as ratios within one run.

The PHREEQC backend is the baseline every later backend (native vectorised Pitzer) is compared
with: ``speciate`` of one brine, ``saturate`` of a three-salt invariant point, and the whole
catalogue of 26 real brines.
"""

from __future__ import annotations

import pytest

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.chemistry.brine import Brine, catalogue


@pytest.fixture(scope="module")
def backend() -> ThermoBackend:
    return get_backend()


@pytest.fixture(scope="module")
def brines(backend: ThermoBackend) -> list[Brine]:
    return [e.brine(backend=backend) for e in catalogue()]


def test_speciate_one_brine(benchmark, backend: ThermoBackend, brines: list[Brine]) -> None:
    state = benchmark(backend.speciate, brines[0])
    assert state.ionic_strength > 0


def test_speciate_catalogue(benchmark, backend: ThermoBackend, brines: list[Brine]) -> None:
    states = benchmark(lambda: [backend.speciate(b) for b in brines])
    assert len(states) == len(brines)


def test_saturate_invariant_point(benchmark, backend: ThermoBackend) -> None:
    eq = benchmark(backend.saturate, ["Halite", "Sylvite", "Carnallite"], 298.15)
    assert len(eq.present) == 3
