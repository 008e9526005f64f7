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


# ---------------------------------------------------------------------------------------------
# Native backend against the PHREEQC baseline: a Monte Carlo of 500 brines around Qarhan.
@pytest.fixture(scope="module")
def monte_carlo() -> list[Brine]:
    import numpy as np

    rng = np.random.default_rng(2026)
    base = Brine.from_catalogue("qarhan")
    return [
        Brine(
            molality={k: v * rng.uniform(0.7, 1.3) for k, v in base.molality.items()},
            temperature=288.15 + rng.uniform(0.0, 30.0),
            name=f"mc{k}",
        )
        for k in range(500)
    ]


def test_monte_carlo_phreeqc(benchmark, backend: ThermoBackend, monte_carlo: list[Brine]) -> None:
    states = benchmark.pedantic(lambda: [backend.speciate(b) for b in monte_carlo], rounds=3)
    assert len(states) == len(monte_carlo)


def test_monte_carlo_native(benchmark, monte_carlo: list[Brine]) -> None:
    native = get_backend("native")
    states = benchmark.pedantic(native.speciate_many, args=(monte_carlo,), rounds=3)  # type: ignore[attr-defined]
    assert len(states) == len(monte_carlo)


def test_native_speedup_over_phreeqc(
    benchmark, backend: ThermoBackend, monte_carlo: list[Brine]
) -> None:
    """Both backends on the same 500 brines in this process; the ratio goes into extra_info
    (``--benchmark-json``) and the results must agree (SI within 1e-4)."""
    import time

    native = get_backend("native")
    native.speciate_many(monte_carlo[:5])  # type: ignore[attr-defined]  # build the system once
    start = time.perf_counter()
    ours = native.speciate_many(monte_carlo)  # type: ignore[attr-defined]
    t_native = time.perf_counter() - start
    start = time.perf_counter()
    theirs = [backend.speciate(b) for b in monte_carlo]
    t_phreeqc = time.perf_counter() - start
    benchmark.extra_info["phreeqc_s"] = t_phreeqc
    benchmark.extra_info["native_s"] = t_native
    benchmark.extra_info["speedup"] = t_phreeqc / t_native
    print(
        f"\n500 brines: PHREEQC {t_phreeqc:.3f} s, native {t_native:.3f} s, "
        f"ratio {t_phreeqc / t_native:.1f}"
    )
    for a, b in zip(ours, theirs, strict=True):
        for phase, si in b.saturation_index.items():
            assert abs(a.saturation_index[phase] - si) < 1e-4
    benchmark(lambda: None)


def test_native_equilibria_speedup_over_phreeqc(benchmark, backend: ThermoBackend) -> None:
    """300 concentrated Qarhan brines (×1.8–2.6, 15–45 °C) equilibrated with the potash
    solids: PHREEQC one by one against one native batch; ratio in extra_info, same assemblages."""
    import time

    import numpy as np

    rng = np.random.default_rng(1)
    base = Brine.from_catalogue("qarhan")
    brines = [
        Brine(
            molality={k: v * rng.uniform(1.8, 2.6) for k, v in base.molality.items()},
            temperature=288.15 + rng.uniform(0.0, 30.0),
            name=f"c{k}",
        )
        for k in range(300)
    ]
    solids = ["Halite", "Sylvite", "Carnallite", "Bischofite", "Kainite", "Epsomite"]
    native = get_backend("native")
    native.equilibrate_many(brines[:3], solids)  # type: ignore[attr-defined]
    start = time.perf_counter()
    ours = native.equilibrate_many(brines, solids)  # type: ignore[attr-defined]
    t_native = time.perf_counter() - start
    start = time.perf_counter()
    theirs = [backend.equilibrate(b, solids) for b in brines]
    t_phreeqc = time.perf_counter() - start
    benchmark.extra_info.update(
        phreeqc_s=t_phreeqc, native_s=t_native, speedup=t_phreeqc / t_native
    )
    print(
        f"\n300 equilibria: PHREEQC {t_phreeqc:.3f} s, native {t_native:.3f} s, "
        f"ratio {t_phreeqc / t_native:.1f}"
    )
    assert all(a.present == b.present for a, b in zip(ours, theirs, strict=True))
    benchmark(lambda: None)
