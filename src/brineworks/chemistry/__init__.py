"""Brine chemistry: compositions, thermodynamic backends, the lithium-complete database."""

from brineworks.chemistry.backend import ThermoBackend, get_backend, use_backend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.results import Equilibrium, Speciation

__all__ = [
    "Brine",
    "Equilibrium",
    "Speciation",
    "ThermoBackend",
    "get_backend",
    "use_backend",
]
