"""Speed of the native backend against PHREEQC, as ratios measured in one run (issue 13).

``pytest benchmarks/test_bench_speed.py --benchmark-only -s`` prints one line per comparison:

* one equilibrium (a concentrated Qarhan brine with the six potash solids) and one speciation
  (the Qarhan brine), each backend called one brine at a time;
* batch speciation of 5,000 Qarhan-like brines (each solute ×0.7–1.3, 15–45 °C): the native
  ``speciate_many`` (median of five rounds) against PHREEQC one by one, and the native batch
  with every field of every result read;
* an evaporation path to bischofite (seawater and Qarhan), each backend;
* ``brineworks run qarhan-lithium`` solved in this process (``simulate``) and as the command
  (a fresh process: imports, database and compiled kernels loaded), each backend.

Times are medians of a few repetitions on whatever machine runs them; only the ratios within
one run mean anything. Each comparison also checks that the two backends agree.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.chemistry.brine import Brine

POTASH = ["Halite", "Sylvite", "Carnallite", "Bischofite", "Kainite", "Epsomite"]


def _median_time(f: Callable[[], Any], repeat: int) -> float:
    f()  # warm: systems built, kernels loaded
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _report(benchmark: Any, what: str, phreeqc_s: float, native_s: float, unit: str = "s") -> None:
    scale = 1e3 if unit == "ms" else 1.0
    benchmark.extra_info.update(phreeqc_s=phreeqc_s, native_s=native_s)
    benchmark.extra_info["phreeqc_over_native"] = phreeqc_s / native_s
    print(
        f"\n{what}: PHREEQC {phreeqc_s * scale:.3g} {unit}, native {native_s * scale:.3g} {unit}, "
        f"PHREEQC/native {phreeqc_s / native_s:.2f}"
    )


@pytest.fixture(scope="module")
def phreeqc() -> ThermoBackend:
    return get_backend("phreeqc")


@pytest.fixture(scope="module")
def native() -> Any:
    return get_backend("native")


@pytest.fixture(scope="module")
def qarhan() -> Brine:
    return Brine.from_catalogue("qarhan")


def test_single_equilibrium(benchmark: Any, phreeqc: Any, native: Any, qarhan: Brine) -> None:
    concentrate = Brine(
        molality={k: 2.2 * v for k, v in qarhan.molality.items()}, name="Qarhan ×2.2"
    )
    ours = native.equilibrate(concentrate, POTASH)
    theirs = phreeqc.equilibrate(concentrate, POTASH)
    assert ours.present == theirs.present
    t_p = _median_time(lambda: phreeqc.equilibrate(concentrate, POTASH), 30)
    t_n = _median_time(lambda: native.equilibrate(concentrate, POTASH), 30)
    _report(benchmark, "one equilibrium (Qarhan ×2.2, six potash solids)", t_p, t_n, "ms")
    benchmark(native.equilibrate, concentrate, POTASH)


def test_single_speciation(benchmark: Any, phreeqc: Any, native: Any, qarhan: Brine) -> None:
    ours, theirs = native.speciate(qarhan), phreeqc.speciate(qarhan)
    for phase, si in theirs.saturation_index.items():
        assert abs(ours.saturation_index[phase] - si) < 1e-4
    t_p = _median_time(lambda: phreeqc.speciate(qarhan), 50)
    t_n = _median_time(lambda: native.speciate(qarhan), 50)
    _report(benchmark, "one speciation (Qarhan)", t_p, t_n, "ms")
    benchmark(native.speciate, qarhan)


def test_batch_speciation_5000(benchmark: Any, phreeqc: Any, native: Any, qarhan: Brine) -> None:
    rng = np.random.default_rng(2026)
    brines = [
        Brine(
            molality={k: v * rng.uniform(0.7, 1.3) for k, v in qarhan.molality.items()},
            temperature=288.15 + rng.uniform(0.0, 30.0),
            name=f"mc{k}",
        )
        for k in range(5000)
    ]
    native.speciate_many(brines[:5])

    def batch() -> list[Any]:
        native._contexts.clear()  # every round as a first call (parameters at 5,000 temperatures)
        return native.speciate_many(brines)

    # the native batch takes a fraction of a second, so one round would measure the machine's
    # load at that moment: the median of five, against PHREEQC's tens of seconds
    rounds = []
    for _ in range(5):
        ours = []  # the previous round's results freed before the clock starts
        start = time.perf_counter()
        ours = batch()
        rounds.append(time.perf_counter() - start)
    t_n = statistics.median(rounds)
    start = time.perf_counter()
    theirs = [phreeqc.speciate(b) for b in brines]
    t_p = time.perf_counter() - start
    _report(benchmark, "speciation of 5,000 Qarhan-like brines, 15–45 °C", t_p, t_n)
    # results build their dicts when first read: the batch with every field of every result read
    start = time.perf_counter()
    read = [
        (r.molality, r.species_molality, r.activity, r.activity_coefficient, r.saturation_index)
        for r in batch()
    ]
    t_all = time.perf_counter() - start
    print(
        f"  native rounds {min(rounds) * 1e6 / len(brines):.0f}–"
        f"{max(rounds) * 1e6 / len(brines):.0f} µs per brine; with every field read "
        f"{t_all * 1e6 / len(brines):.0f} µs per brine, PHREEQC/native {t_p / t_all:.1f}"
    )
    assert len(read) == len(brines)
    for a, b in zip(ours[::50], theirs[::50], strict=True):
        assert abs(a.pH - b.pH) < 1e-4
        for phase, si in b.saturation_index.items():
            assert abs(a.saturation_index[phase] - si) < 1e-4
    benchmark(lambda: None)


@pytest.mark.parametrize("name", ["seawater", "qarhan"])
def test_evaporation_path(benchmark: Any, phreeqc: Any, native: Any, name: str) -> None:
    from brineworks.chemistry.evaporation import StopCondition, clear_path_cache, evaporate

    brine = Brine.from_catalogue(name)
    until = StopCondition("phase", target="Bischofite")
    paths = {}

    def run(backend: ThermoBackend) -> None:
        clear_path_cache()  # paths are kept by their exact inputs: time the path, not the cache
        paths[backend.name] = evaporate(brine, backend=backend, until=until)

    t_p = _median_time(lambda: run(phreeqc), 3)
    t_n = _median_time(lambda: run(native), 3)
    _report(benchmark, f"evaporation path of {name} to bischofite", t_p, t_n)
    assert [s.water_removed for s in paths["native"].steps] == pytest.approx(
        [s.water_removed for s in paths["phreeqc"].steps], abs=2e-4
    )
    benchmark(lambda: None)


def test_park_qarhan_lithium_in_process(benchmark: Any) -> None:
    from brineworks.chemistry.evaporation import clear_path_cache
    from brineworks.scenario import load_scenario
    from brineworks.simulate import simulate

    scenario = load_scenario("qarhan-lithium")
    times = {}

    def solve(backend: str) -> None:
        clear_path_cache()  # the pond paths solved again each time, as a changed park would
        simulate(scenario.model_copy(update={"backend": backend}))

    for backend in ("phreeqc", "native"):
        times[backend] = _median_time(lambda b=backend: solve(b), 2)
    _report(benchmark, "qarhan-lithium, simulate (warm)", times["phreeqc"], times["native"])
    benchmark(lambda: None)


def test_park_qarhan_lithium_command(benchmark: Any, tmp_path: Path) -> None:
    """``brineworks run qarhan-lithium --backend …`` as a fresh process each time."""

    def run(backend: str) -> float:
        out = tmp_path / f"{backend}-{len(list(tmp_path.iterdir()))}"  # a new folder each run
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "brineworks", "run", "qarhan-lithium", "--backend", backend,
             "--out", str(out)],
            capture_output=True, text=True, env=os.environ.copy(), check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return time.perf_counter() - start

    t = {b: statistics.median([run(b) for _ in range(2)]) for b in ("phreeqc", "native")}
    _report(benchmark, "brineworks run qarhan-lithium (fresh process)", t["phreeqc"], t["native"])
    benchmark(lambda: None)
