"""Shared fixtures. Paths come from ``Path(__file__)``, never the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from brineworks.chemistry.backend import ThermoBackend, get_backend

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def backend() -> ThermoBackend:
    """The shared PHREEQC backend with the Brineworks database."""
    return get_backend("phreeqc")
