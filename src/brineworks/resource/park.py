"""The park seen from the lake: the brine pumped in, the streams returned, the products.

A :class:`Park` turns one year's pumped brine into a :class:`ParkYear`. :class:`ScenarioPark`
solves a scenario's flowsheet (``brineworks.simulate``) with the year's brine; between two
solves :func:`scale_park_year` carries the last solve's per-element transfer ratios over to
the brine of the year (the error of doing so is measured in ``docs/reservoir.md``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine
from brineworks.constants import BRINE_ELEMENTS, SECONDS_PER_YEAR
from brineworks.errors import InputError
from brineworks.process.stream import Stream, component_formula, component_molar_mass
from brineworks.resource.model import M_WATER, Parcel, hydration_water

if TYPE_CHECKING:
    from brineworks.scenario import Scenario

__all__ = [
    "NoPark",
    "Park",
    "ParkYear",
    "ScenarioPark",
    "interpolate_park_year",
    "scale_park_year",
    "stream_parcel",
]

log = logging.getLogger(__name__)

_ACID_BASE = ("Hplus", "OHminus")


@dataclass(frozen=True)
class ParkYear:
    """What the park did with one year's brine.

    Attributes
    ----------
    received
        The brine the park was fed. [per year]
    returns
        Stream name → what it returns to the lake (fate ``returned``). [per year]
    products
        Product stream → component → mass. [t/yr]
    solved
        Whether the park was solved for this year (``False``: scaled from the last solve).
    """

    received: Parcel
    returns: Mapping[str, Parcel]
    products: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    solved: bool = True


class Park(Protocol):
    """Anything that turns a year's pumped brine into returns and products."""

    def solve(self, brine: Brine, volume_m3: float) -> ParkYear:
        """The park's year for ``volume_m3`` [m³] of ``brine``."""
        ...


class NoPark:
    """Pumping with nothing returned and nothing made (the brine leaves the lake)."""

    def solve(self, brine: Brine, volume_m3: float) -> ParkYear:
        """An empty year."""
        return ParkYear(Parcel(), {}, {})


def stream_parcel(stream: Stream, name: str = "stream") -> Parcel:
    """A process stream as what it brings to the lake in one year: its water (with the water of
    hydration of any salt it carries) and its brine elements.

    Raises
    ------
    InputError
        If it carries an element no brine carries (N of ammonium salts, say) or a solid whose
        H and O are not water.
    """
    water = 0.0
    solutes: dict[str, float] = {}
    for comp, kg_s in stream.flows.items():
        if kg_s <= 0 or comp in _ACID_BASE:
            continue
        if comp == "H2O":
            water += kg_s * SECONDS_PER_YEAR
            continue
        mol = kg_s / component_molar_mass(comp) * SECONDS_PER_YEAR
        formula = component_formula(comp)
        for el, n in formula.items():
            if el in ("H", "O"):
                continue
            if el not in BRINE_ELEMENTS:
                raise InputError(f"returned stream {name}", comp, "components of brine elements")
            solutes[el] = solutes.get(el, 0.0) + mol * n
        if comp not in ("B", "CO3", "HCO3", "SO4") and any(e in formula for e in ("H", "O")):
            water += mol * hydration_water(formula, comp) * M_WATER
    return Parcel(water, solutes)


class ScenarioPark:
    """A scenario's park, solved with the year's brine.

    Parameters
    ----------
    scenario
        The scenario (its ``brine`` is replaced by the year's; its baseline is not solved).
    backend
        Chemistry backend the park is solved with (its name becomes the scenario's ``backend``).
    progress
        Called with a line of text before each solve.
    """

    def __init__(
        self,
        scenario: Scenario,
        backend: ThermoBackend,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.scenario = scenario
        self.backend = backend
        self.progress = progress
        self.solves = 0

    def solve(self, brine: Brine, volume_m3: float) -> ParkYear:
        """Solve the park for ``volume_m3`` [m³] of ``brine``."""
        from brineworks.scenario import BrineSpec
        from brineworks.simulate import simulate

        if abs(brine.charge_balance().percent) > 1e-9:
            # Returned acid or base leaves the lake brine a trace off neutral; the park's
            # feed must be neutral, so its Cl absorbs it (the lake's books are not touched).
            log.debug("park feed balanced on Cl: %s", brine.charge_balance())
            brine = brine.balanced("Cl")
        spec = BrineSpec(
            unit="mol/kgw",
            composition=dict(brine.molality),
            temperature_c=self.scenario.brine.temperature_c,
            flow_m3_per_yr=volume_m3,
        )
        update: dict[str, Any] = {"brine": spec, "baseline": None, "backend": self.backend.name}
        if "reservoir" in type(self.scenario).model_fields:
            update["reservoir"] = None  # the park alone: no nested reservoir
        sc = self.scenario.model_copy(update=update)
        if self.progress is not None:
            self.progress(f"solving the park {sc.name} ({volume_m3:.4g} m³/yr)")
        result = simulate(sc, backend=self.backend)
        self.solves += 1
        feed = next(s.name for s in result.scenario.streams if s.source == "brine")
        received = stream_parcel(result.streams[feed], feed)
        returns = {
            n: stream_parcel(result.streams[n], n)
            for n, fate in result.fates.items()
            if fate == "returned"
        }
        return ParkYear(received, returns, result.products_t_per_yr(), solved=True)


def _key_element(component: str, received: Parcel) -> str | None:
    """The brine element a product scales with: the scarcest one of its formula in the feed."""
    try:
        formula = component_formula(component)
    except InputError:
        return None
    # Carbon is left out: it comes with reagents (soda ash), not with the brine.
    found = [el for el in formula if el != "C" and received.solutes.get(el, 0.0) > 0]
    return min(found, key=lambda el: received.solutes[el]) if found else None


def scale_park_year(solved: ParkYear, fed: Parcel) -> ParkYear:
    """The park's year for the brine ``fed``, from the last solve: each returned element is
    the same fraction of the same element fed (an element the feed lacked keeps its amount),
    returned water the same fraction of the water fed, and each product component the same
    ratio to the element it is made from. Each returned parcel's Cl is then set so that its
    nominal charge excess (acid or base) is the solved one's in proportion to its water.

    Returns
    -------
    ParkYear
        With ``solved = False``.
    """

    def ratio(el: str) -> float | None:
        base = solved.received.solutes.get(el, 0.0)
        return fed.solutes.get(el, 0.0) / base if base > 0 else None

    water_ratio = fed.water / solved.received.water if solved.received.water > 0 else 0.0
    returns = {}
    for name, p in solved.returns.items():
        solutes = {}
        for el, n in p.solutes.items():
            r = ratio(el)
            solutes[el] = n * r if r is not None else n
        # Ratios differ per element: the scaled parcel's Cl is set to keep its charge excess
        # (its acid or base) in proportion to its water, as in the solved parcel.
        target = p.nominal_charge() * water_ratio
        returns[name] = Parcel(p.water * water_ratio, solutes).neutralised(target)
    products: dict[str, dict[str, float]] = {}
    for name, comps in solved.products.items():
        products[name] = {}
        for comp, t in comps.items():
            key = _key_element(comp, solved.received)
            factor = ratio(key) if key is not None else None
            products[name][comp] = t * (factor if factor is not None else water_ratio)
    return ParkYear(fed, returns, products, solved=False)


def interpolate_park_year(
    before: ParkYear, after: ParkYear, weight: float, fed: Parcel
) -> ParkYear:
    """The park's year for the brine ``fed`` between two solves: the two solves scaled to
    ``fed`` (:func:`scale_park_year`) and blended, ``weight`` of the way from ``before`` to
    ``after`` (linear interpolation of the transfer ratios).

    Raises
    ------
    InputError
        If ``weight`` is outside [0, 1].
    """
    if not 0.0 <= weight <= 1.0:
        raise InputError("weight", weight, "a number from 0 to 1")
    a, b = scale_park_year(before, fed), scale_park_year(after, fed)
    returns = {}
    for name in {*a.returns, *b.returns}:
        pa = a.returns.get(name, Parcel()).scaled(1.0 - weight)
        pb = b.returns.get(name, Parcel()).scaled(weight)
        returns[name] = pa.plus(pb)
    products: dict[str, dict[str, float]] = {}
    for name in {*a.products, *b.products}:
        ca, cb = a.products.get(name, {}), b.products.get(name, {})
        products[name] = {
            c: (1.0 - weight) * ca.get(c, 0.0) + weight * cb.get(c, 0.0) for c in {*ca, *cb}
        }
    return ParkYear(fed, returns, products, solved=False)
