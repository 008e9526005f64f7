"""The interface every thermodynamic backend implements, and the backend registry.

PHREEQC (:mod:`brineworks.chemistry.phreeqc`) is the trusted backend. The native backend
(:mod:`brineworks.chemistry.native`, Pitzer equilibrium in numpy, vectorised over brines)
implements the same :class:`ThermoBackend` protocol and is tested against it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from brineworks.errors import InputError

if TYPE_CHECKING:
    from brineworks.chemistry.brine import Brine
    from brineworks.chemistry.results import Equilibrium, Speciation

__all__ = [
    "ThermoBackend",
    "available_backends",
    "get_backend",
    "register_backend",
    "use_backend",
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
_DEFAULT: ContextVar[str] = ContextVar("brineworks_backend", default="phreeqc")


def register_backend(name: str, factory: Callable[[], ThermoBackend]) -> None:
    """Make a backend available to :func:`get_backend` under ``name``."""
    _REGISTRY[name] = factory


def available_backends() -> tuple[str, ...]:
    """Names of the registered backends."""
    _register_builtin()
    return tuple(sorted(_REGISTRY))


def get_backend(name: str | None = None) -> ThermoBackend:
    """Return the (shared) backend instance called ``name`` (default: the current default,
    ``"phreeqc"`` unless :func:`use_backend` says otherwise).

    Building a backend loads its database, which takes a fraction of a second, so one instance
    per name is kept and reused.

    Raises
    ------
    InputError
        If no backend of that name is registered.
    """
    _register_builtin()
    if name is None:
        name = _DEFAULT.get()
    if not isinstance(name, str) or name not in _REGISTRY:
        raise InputError("backend", name, "one of " + ", ".join(sorted(_REGISTRY)))
    if name not in _INSTANCES:
        _INSTANCES[name] = _REGISTRY[name]()
    return _INSTANCES[name]


@contextmanager
def use_backend(name: str) -> Iterator[ThermoBackend]:
    """Make ``name`` the default backend within a ``with`` block (and in code it calls).

    Everything that asks :func:`get_backend` for the default — evaporation paths, pond trains,
    the units of a flowsheet — then uses it; the previous default returns on exit.

    Examples
    --------
    >>> with use_backend("native") as backend:
    ...     backend.name
    'native'
    """
    backend = get_backend(name)
    token = _DEFAULT.set(name)
    try:
        yield backend
    finally:
        _DEFAULT.reset(token)


def _register_builtin() -> None:
    if "phreeqc" not in _REGISTRY:
        from brineworks.chemistry.phreeqc import PhreeqcBackend

        register_backend("phreeqc", PhreeqcBackend)
    if "native" not in _REGISTRY:
        from brineworks.chemistry.native import NativeBackend

        register_backend("native", NativeBackend)
