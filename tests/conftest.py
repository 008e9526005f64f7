"""Shared fixtures. Paths come from ``Path(__file__)``, never the working directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.scenario import load_scenario
from brineworks.simulate import SimulationResult, simulate

DATA = Path(__file__).parent / "data"

# Property tests draw the same examples on every run of the suite (a CI run is reproducible);
# `make bench` explores fresh ones (HYPOTHESIS_PROFILE=explore), as does anyone who asks.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(scope="session")
def backend() -> ThermoBackend:
    """The shared PHREEQC backend with the Brineworks database."""
    return get_backend("phreeqc")


_SOLVED: dict[str, SimulationResult] = {}


def solved(name: str) -> SimulationResult:
    """A built-in scenario solved once per test session (results are immutable, so tests share
    them)."""
    if name not in _SOLVED:
        _SOLVED[name] = simulate(load_scenario(name))
    return _SOLVED[name]


@pytest.fixture(scope="session")
def circular() -> SimulationResult:
    """The solved qarhan-circular scenario (with its baseline), shared by read-only tests."""
    return solved("qarhan-circular")
