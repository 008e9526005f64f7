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


def test_evaporate_seawater_to_bischofite(benchmark, backend: ThermoBackend) -> None:
    from brineworks.chemistry.evaporation import StopCondition, evaporate

    brine = Brine.from_catalogue("seawater", backend=backend)
    until = StopCondition("phase", target="Bischofite")
    path = benchmark.pedantic(
        evaporate, args=(brine,), kwargs={"backend": backend, "until": until}, rounds=3
    )
    assert path.stop_reason == "reached Bischofite saturation"


def test_run_circular_scenario(benchmark) -> None:
    from brineworks.scenario import load_scenario
    from brineworks.simulate import simulate

    scenario = load_scenario("qarhan-circular")
    result = benchmark.pedantic(simulate, args=(scenario,), rounds=2)
    assert result.specs
    assert result.specs[0]["recycle_iterations_total"] > 1


def test_run_circular_scenario_without_unit_memo(benchmark, monkeypatch) -> None:
    """Baseline for the ratio: every unit re-solved at every recycle iteration and spec round
    (compare with test_run_circular_scenario, same process)."""
    from brineworks.process.unit import Unit
    from brineworks.scenario import load_scenario
    from brineworks.simulate import simulate

    monkeypatch.setattr(Unit, "memoise", False)
    scenario = load_scenario("qarhan-circular")
    result = benchmark.pedantic(simulate, args=(scenario,), rounds=2)
    assert result.specs
