"""Brine chemistry: compositions, thermodynamic backends, the lithium-complete database.

Importing this package registers the two built-in backends: ``phreeqc`` (IPhreeqc, trusted)
and ``native`` (the same model in numpy); each is built on first use.
"""

from brineworks.chemistry.backend import (
    ThermoBackend,
    available_backends,
    get_backend,
    register_backend,
)
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.results import Equilibrium, Speciation

__all__ = [
    "Brine",
    "Equilibrium",
    "Speciation",
    "ThermoBackend",
    "available_backends",
    "get_backend",
    "register_backend",
]


def _phreeqc() -> ThermoBackend:
    from brineworks.chemistry.phreeqc import PhreeqcBackend

    return PhreeqcBackend()


def _native() -> ThermoBackend:
    from brineworks.chemistry.native import NativeBackend

    return NativeBackend()


register_backend("phreeqc", _phreeqc)
register_backend("native", _native)
