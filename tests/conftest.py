"""Shared fixtures. Paths come from ``Path(__file__)``, never the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.simulate import SimulationResult

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def backend() -> ThermoBackend:
    """The shared PHREEQC backend with the Brineworks database."""
    return get_backend("phreeqc")


@pytest.fixture(scope="session")
def circular() -> SimulationResult:
    """The solved qarhan-circular scenario (with its baseline), shared by read-only tests."""
    from brineworks.scenario import load_scenario
    from brineworks.simulate import simulate

    return simulate(load_scenario("qarhan-circular"))
