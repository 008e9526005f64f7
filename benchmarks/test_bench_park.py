"""Speed of the park (issue 13, parts 1, 3 and 4): the main job before and after, as ratios
measured in one run.

``pytest benchmarks/test_bench_park.py --benchmark-only -s`` prints, for each comparison, the
median time of each configuration with its spread (min–max) and the ratios, each ratio taken
within one round (the configurations of a round run one after the other, so that the load of
this shared machine weighs on both sides alike; the spread of the ratios over the rounds is
printed too):

* the main job, ``simulate(load_scenario("qarhan-circular"))`` (with its baseline), by the code
  of commit 3aae722 (before the park was made faster) and by this checkout, each with PHREEQC
  and the native backend;
* the same at the start of issue 13: the code and the ``qarhan-circular`` scenario of commit
  83ab2b8 against this checkout solving that scenario (its file taken from 83ab2b8, with an
  emission stream added on each outlet it leaves unconnected: the dryers' vapour, which the
  units have had since), both without a baseline;
* every other built-in scenario, each backend, by this checkout and by 3aae722: the native
  backend against PHREEQC.

Each configuration runs in a process of its own (``PYTHONPATH`` pointing at the code of its
commit, extracted with ``git archive``), which solves the scenario once to warm up (imports,
databases, compiled kernels) and then once per round on request: the time of ``simulate`` in
a warm process, not of the process start. The evaporation paths this checkout keeps for reuse
are forgotten before each timed solve, so that each is a first solve of its scenario.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO, Any

import pytest

from brineworks.errors import InputError
from brineworks.scenario import builtin_scenarios, load_scenario

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "3aae722"
"""The commit before the park was made faster."""
START = "83ab2b8"
"""The commit at the start of issue 13."""
ROUNDS = 3

_WORKER = r"""
import json, sys, time
from brineworks.scenario import load_scenario
from brineworks.simulate import simulate
try:
    from brineworks.chemistry.evaporation import clear_path_cache
except ImportError:  # code from before the paths were kept
    def clear_path_cache():
        pass
scenario = load_scenario(sys.argv[1])
update = {"backend": sys.argv[2]}
if sys.argv[3] == "no-baseline":
    update["baseline"] = None
scenario = scenario.model_copy(update=update)
simulate(scenario)
print("ready", flush=True)
for _ in sys.stdin:
    clear_path_cache()
    start = time.perf_counter()
    simulate(scenario)
    print(json.dumps(time.perf_counter() - start), flush=True)
"""


@dataclass
class Config:
    """One configuration timed: whose code, which scenario, which backend."""

    label: str
    src: Path  # the package's source folder (``src``)
    scenario: str  # a built-in name or a file
    backend: str
    baseline: bool = True


class Worker:
    """A warm process solving one configuration on request."""

    def __init__(self, config: Config) -> None:
        self.config = config
        env = {**os.environ, "PYTHONPATH": str(config.src)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER, config.scenario, config.backend,
             "baseline" if config.baseline else "no-baseline"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=config.src,
        )  # fmt: skip
        assert self._line() == "ready", f"{config.label} did not start"

    def _line(self) -> str:
        out: IO[str] | None = self.proc.stdout
        assert out is not None
        line = out.readline().strip()
        if not line:
            raise RuntimeError(f"{self.config.label}: the worker stopped (exit {self.proc.wait()})")
        return line

    def time(self) -> float:
        """Seconds of one solve."""
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        return float(json.loads(self._line()))

    def close(self) -> None:
        """End the process."""
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        self.proc.stdout.close()


def measure(configs: list[Config], rounds: int = ROUNDS) -> dict[str, list[float]]:
    """Times of each configuration, by label: one solve each per round, round after round."""
    workers = [Worker(c) for c in configs]
    try:
        times: dict[str, list[float]] = {c.label: [] for c in configs}
        for _ in range(rounds):
            for w in workers:
                times[w.config.label].append(w.time())
        return times
    finally:
        for w in workers:
            w.close()


def report(benchmark: Any, title: str, times: dict[str, list[float]],
           ratios: list[tuple[str, str, str]]) -> dict[str, list[float]]:  # fmt: skip
    """Print each configuration's median and spread and each ratio (``name``: numerator label
    over denominator label, round by round); the ratios by name."""
    print(f"\n{title}")
    for label, ts in times.items():
        print(f"  {label}: median {statistics.median(ts):.3g} s ({min(ts):.3g}–{max(ts):.3g})")
    out = {}
    for name, top, bottom in ratios:
        r = [a / b for a, b in zip(times[top], times[bottom], strict=True)]
        out[name] = r
        print(f"  {name}: {statistics.median(r):.3g} ({min(r):.3g}–{max(r):.3g})")
        benchmark.extra_info[f"{title}: {name}"] = r
    return out


@pytest.fixture(scope="module")
def trees() -> Iterator[dict[str, Path]]:
    """The source folders of this checkout and of the commits compared with (skips where git
    cannot give them)."""
    with tempfile.TemporaryDirectory(prefix="brineworks-bench-") as tmp:
        out = {"now": ROOT / "src"}
        for commit in (BEFORE, START):
            done = subprocess.run(["git", "archive", commit, "src"], cwd=ROOT,
                                  capture_output=True, check=False)  # fmt: skip
            if done.returncode != 0:
                pytest.skip(f"git archive {commit}: {done.stderr.decode().strip()}")
            with tarfile.open(fileobj=BytesIO(done.stdout)) as tar:
                tar.extractall(Path(tmp) / commit, filter="data")
            out[commit] = Path(tmp) / commit / "src"
        yield out


def adapted(text: str, folder: Path, name: str) -> Path:
    """A scenario file of an older commit, loadable today: an ``emission`` stream added on each
    outlet it leaves unconnected (units have gained outlets since)."""
    path = folder / f"{name}.toml"
    for _ in range(10):
        path.write_text(text, "utf-8")
        try:
            load_scenario(path)
            return path
        except InputError as exc:
            port = str(exc.field).split(" (")[0]
            if "a stream on every outlet" not in str(exc.allowed) or "." not in port:
                raise
            text += f'\n[[streams]]\nname = "{port} (added)"\nfrom = "{port}"\nfate = "emission"\n'
    raise AssertionError(f"{name} could not be adapted")


def test_main_job_before_and_after(benchmark: Any, trees: dict[str, Path]) -> None:
    """qarhan-circular (with its baseline), 3aae722 against this checkout, both backends."""
    configs = [
        Config(f"{who} {b}", trees[tree], "qarhan-circular", b)
        for b in ("phreeqc", "native")
        for who, tree in (("before", BEFORE), ("after", "now"))
    ]
    times = measure(configs)
    ratios = report(benchmark, "qarhan-circular, simulate in a warm process", times, [
        ("PHREEQC before/after", "before phreeqc", "after phreeqc"),
        ("native before/after", "before native", "after native"),
        ("after: PHREEQC/native", "after phreeqc", "after native"),
        ("before: PHREEQC/native", "before phreeqc", "before native"),
        ("native after / PHREEQC before", "before phreeqc", "after native"),
    ])  # fmt: skip
    assert statistics.median(ratios["PHREEQC before/after"]) > 1
    benchmark(lambda: None)


def test_main_job_since_the_start_of_the_issue(
    benchmark: Any, trees: dict[str, Path], tmp_path: Path
) -> None:
    """83ab2b8's qarhan-circular (no baseline): its own code against this checkout's."""
    text = subprocess.run(
        ["git", "show", f"{START}:src/brineworks/data/scenarios/qarhan-circular.toml"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    old = adapted(text, tmp_path, "qarhan-circular-83ab2b8")
    configs = [
        Config("83ab2b8 phreeqc", trees[START], "qarhan-circular", "phreeqc", baseline=False),
        Config("now phreeqc", trees["now"], str(old), "phreeqc", baseline=False),
        Config("now native", trees["now"], str(old), "native", baseline=False),
    ]
    times = measure(configs)
    report(benchmark, "qarhan-circular of 83ab2b8 (no baseline), simulate warm", times, [
        ("PHREEQC 83ab2b8/now", "83ab2b8 phreeqc", "now phreeqc"),
        ("PHREEQC 83ab2b8 / native now", "83ab2b8 phreeqc", "now native"),
    ])  # fmt: skip
    benchmark(lambda: None)


@pytest.mark.parametrize("name", sorted(set(builtin_scenarios()) - {"qarhan-circular"}))
def test_every_scenario_native_against_phreeqc(
    benchmark: Any, trees: dict[str, Path], name: str
) -> None:
    """Each other built-in scenario (the main job has its own test): native and PHREEQC, this
    checkout and 3aae722."""
    configs = [
        Config(f"{who} {b}", trees[tree], name, b)
        for who, tree in (("before", BEFORE), ("after", "now"))
        for b in ("phreeqc", "native")
    ]
    times = measure(configs)
    report(benchmark, f"{name}, simulate in a warm process", times, [
        ("after: PHREEQC/native", "after phreeqc", "after native"),
        ("before: PHREEQC/native", "before phreeqc", "before native"),
        ("PHREEQC before/after", "before phreeqc", "after phreeqc"),
        ("native before/after", "before native", "after native"),
    ])  # fmt: skip
    benchmark(lambda: None)
