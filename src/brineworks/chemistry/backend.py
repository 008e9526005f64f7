"""The interface every thermodynamic backend implements, and the backend registry.

PHREEQC (:mod:`brineworks.chemistry.phreeqc`) is the trusted backend. The native backend
(:mod:`brineworks.chemistry.native`, Pitzer equilibrium in numpy, vectorised over brines)
implements the same :class:`ThermoBackend` protocol and is tested against it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from brineworks.errors import InputError

if TYPE_CHECKING:
    from brineworks.chemistry.brine import Brine
    from brineworks.chemistry.results import Equilibrium, Speciation

__all__ = [
    "DEFAULT_BACKEND",
    "ThermoBackend",
    "available_backends",
    "get_backend",
    "register_backend",
]


@runtime_checkable
class ThermoBackend(Protocol):
    """What Brineworks needs from a thermodynamic model.

    Temperatures are in kelvin and amounts in mol per kg of water throughout.
    """

    name: str

    @property
    def temperature_range(self) -> tuple[float, float]:
        """Lowest and highest temperature the database covers. [K]"""
        ...

    @property
    def phases(self) -> tuple[str, ...]:
        """Names of every solid phase in the database."""
        ...

    def phase_formula(self, phase: str) -> dict[str, float]:
        """Elemental formula of a solid phase, including its water of hydration."""
        ...

    def density(self, molality: Mapping[str, float], temperature: float) -> float:
        """Density of a solution of the given solute molalities (Brine keys). [kg/m³]"""
        ...

    def speciate(self, brine: Brine, *, saturation: bool = True) -> Speciation:
        """Speciation, activities, water activity, density and (unless ``saturation`` is
        false) saturation indices of a brine."""
        ...

    def equilibrate(
        self,
        brine: Brine,
        phases: Sequence[str] | Mapping[str, float],
        *,
        added: Mapping[str, float] | None = None,
    ) -> Equilibrium:
        """Equilibrate a brine with candidate solids.

        ``phases`` is a list of solids that may precipitate (starting from zero), or a mapping of
        solid name to the amount initially present [mol per kg of the brine's water].
        ``added`` maps reagent formulas (``"NaOH"``, ``"HCl"``, ``"Na2CO3"``) to the amount
        mixed in first [mol per kg of the brine's water]; the pH then follows from
        electroneutrality.
        """
        ...

    def saturate(self, phases: Sequence[str], temperature: float) -> Equilibrium:
        """Pure water brought to equilibrium with an excess of each named solid."""
        ...


_REGISTRY: dict[str, Callable[[], ThermoBackend]] = {}
_INSTANCES: dict[str, ThermoBackend] = {}

DEFAULT_BACKEND = "phreeqc"
"""The trusted backend, used where no other is named."""


def register_backend(name: str, factory: Callable[[], ThermoBackend]) -> None:
    """Make a backend available to :func:`get_backend` (and to scenarios) under ``name``.

    The built-in ``phreeqc`` and ``native`` backends are registered by
    :mod:`brineworks.chemistry`; a factory is called once, on first use.
    """
    _REGISTRY[name] = factory


def available_backends() -> tuple[str, ...]:
    """Names of the registered backends."""
    return tuple(sorted(_REGISTRY))


def get_backend(name: str = DEFAULT_BACKEND) -> ThermoBackend:
    """Return the (shared) backend instance called ``name`` (default ``"phreeqc"``).

    Building a backend loads its database, which takes a fraction of a second, so one instance
    per name is kept and reused. A computation is given its backend by its caller; this is
    where the top of the call chain gets one.

    Raises
    ------
    InputError
        If no backend of that name is registered.

    Examples
    --------
    >>> get_backend("native").name
    'native'
    """
    if not isinstance(name, str) or name not in _REGISTRY:
        raise InputError("backend", name, "one of " + ", ".join(sorted(_REGISTRY)))
    if name not in _INSTANCES:
        _INSTANCES[name] = _REGISTRY[name]()
    return _INSTANCES[name]
