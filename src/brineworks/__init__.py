"""Brineworks: planning the comprehensive use of salt-lake brine resources.

The public API starts here::

    from brineworks import Brine, get_backend
    brine = Brine.from_catalogue("east-taijinar")
    state = get_backend().speciate(brine)
"""

from brineworks.chemistry import (
    Brine,
    Equilibrium,
    Speciation,
    ThermoBackend,
    available_backends,
    get_backend,
)
from brineworks.errors import BrineworksError, ChemistryError, InputError

__version__ = "0.1.0"

__all__ = [
    "Brine",
    "BrineworksError",
    "ChemistryError",
    "Equilibrium",
    "InputError",
    "Speciation",
    "ThermoBackend",
    "__version__",
    "available_backends",
    "get_backend",
]
