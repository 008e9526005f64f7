"""Material streams: component mass flows with an element view for balances.

A component is one of

* an aqueous solute, by its Brine key (``"Li"``, ``"SO4"`` …: the dissolved amount as analysed);
* water, ``"H2O"``;
* a solid phase of the thermodynamic database (``"Halite"``, ``"Carnallite"`` …);
* a named chemical of ``data/process/components.csv`` (``"Li2CO3"``, ``"Cl2"``, ``"PVC"`` …).

Flows are kg/s inside; :meth:`Stream.t_per_yr` converts at the edges.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from brineworks.chemistry.brine import Brine
from brineworks.chemistry.database import Database
from brineworks.chemistry.formula import parse_formula
from brineworks.chemistry.ions import ION_KEYS, atomic_weights, ion
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.data import read_rows
from brineworks.errors import InputError

__all__ = [
    "Stream",
    "brine_to_stream",
    "component_formula",
    "component_molar_mass",
    "known_component",
    "solution_stream",
    "stream_to_brine",
]


@cache
def _named() -> dict[str, str]:
    rows = read_rows("process", "components.csv")
    return {r["name"]: r["formula"] for r in rows}


@cache
def _phase_formulas() -> dict[str, dict[str, float]]:
    return dict(Database.brineworks().phase_formulas)


def known_component(name: str) -> bool:
    """Whether ``name`` is a component Brineworks can balance."""
    return name in ION_KEYS or name in _named() or name in _phase_formulas()


@cache
def component_formula(name: str) -> dict[str, float]:
    """Element counts of one formula unit of a component.

    Raises
    ------
    InputError
        If the component is unknown.
    """
    if name == "B":
        # Dissolved boron is carried as B(OH)3, PHREEQC's master species: its O and H are not
        # part of the solvent water, and boric acid precipitating takes them along.
        return {"B": 1.0, "O": 3.0, "H": 3.0}
    if name in ION_KEYS:
        return {el: float(n) for el, n in ion(name).formula}
    if name in _named():
        return parse_formula(_named()[name])
    if name in _phase_formulas():
        return dict(_phase_formulas()[name])
    raise InputError("component", name, "a solute key, H2O, a database solid or a named chemical")


@cache
def component_molar_mass(name: str) -> float:
    """Molar mass of a component. [kg/mol]"""
    w = atomic_weights()
    return sum(w[el] * n for el, n in component_formula(name).items()) / 1000.0


@dataclass
class Stream:
    """A material stream.

    Attributes
    ----------
    flows
        Mass flow of each component. [kg/s]
    temperature
        Temperature. [K]
    """

    flows: dict[str, float] = field(default_factory=dict)
    temperature: float = 298.15

    def __post_init__(self) -> None:
        for name, value in self.flows.items():
            if not known_component(name):
                raise InputError("stream component", name, "a known component (see docs)")
            if not math.isfinite(value) or value < -1e-12:
                raise InputError(f"stream flow of {name}", value, "a finite flow ≥ 0 kg/s")

    @classmethod
    def from_t_per_yr(cls, flows: Mapping[str, float], temperature: float = 298.15) -> Stream:
        """A stream from flows in t/yr."""
        return cls({k: v * 1000.0 / SECONDS_PER_YEAR for k, v in flows.items()}, temperature)

    def t_per_yr(self) -> dict[str, float]:
        """Flows in t/yr."""
        return {k: v * SECONDS_PER_YEAR / 1000.0 for k, v in self.flows.items()}

    @property
    def total(self) -> float:
        """Total mass flow. [kg/s]"""
        return sum(self.flows.values())

    def get(self, component: str) -> float:
        """Flow of one component (0 if absent). [kg/s]"""
        return self.flows.get(component, 0.0)

    def elements(self) -> dict[str, float]:
        """Element flows. [mol/s]"""
        out: dict[str, float] = {}
        for name, m in self.flows.items():
            n = m / component_molar_mass(name)
            for el, c in component_formula(name).items():
                out[el] = out.get(el, 0.0) + n * c
        return out

    def nominal_excess(self) -> float:
        """Cation minus anion equivalents of the dissolved ions, less the explicit base
        (OHminus) plus the explicit acid (Hplus): zero for a consistent solution stream. [eq/s]
        """
        eq = 0.0
        for k, v in self.flows.items():
            if k in ION_KEYS:
                eq += ion(k).charge * v / component_molar_mass(k)
        eq -= self.get("OHminus") / component_molar_mass("OHminus")
        eq += self.get("Hplus") / component_molar_mass("Hplus")
        return eq

    def consistent(self, target: float = 0.0) -> Stream:
        """The stream with its acid/base (Hplus/OHminus) set so that its nominal excess is
        ``target`` [eq/s] (0: electroneutral).

        Used on iterates of tear streams, whose components are extrapolated one by one.
        """
        flows = {k: v for k, v in self.flows.items() if k not in ("Hplus", "OHminus")}
        probe = Stream(flows, self.temperature)
        excess = probe.nominal_excess() - target
        if excess > 0:
            flows["OHminus"] = excess * component_molar_mass("OHminus")
        elif excess < 0:
            flows["Hplus"] = -excess * component_molar_mass("Hplus")
        return Stream(flows, self.temperature)

    def scaled(self, factor: float) -> Stream:
        """The same composition at ``factor`` times the flow."""
        return Stream({k: v * factor for k, v in self.flows.items()}, self.temperature)

    def copy(self) -> Stream:
        """An independent copy."""
        return Stream(dict(self.flows), self.temperature)

    @staticmethod
    def mix(streams: Iterable[Stream]) -> Stream:
        """Sum of streams (temperature: mass-weighted mean)."""
        flows: dict[str, float] = {}
        total = weighted = 0.0
        for s in streams:
            for k, v in s.flows.items():
                flows[k] = flows.get(k, 0.0) + v
            total += s.total
            weighted += s.total * s.temperature
        return Stream(flows, weighted / total if total > 0 else 298.15)


def stream_to_brine(
    stream: Stream, name: str = "stream", temperature: float | None = None
) -> tuple[Brine, float]:
    """The dissolved part of a stream as a :class:`Brine`, and its water flow [kg/s].

    Solids and named chemicals in the stream are ignored; the caller handles them. The brine
    is at ``temperature`` [K] if given (a unit's operating temperature), else the stream's.

    Raises
    ------
    InputError
        If the stream carries no water or no solute.
    """
    # Excess OH- or H+ (see solution_stream) is not passed on: PHREEQC recreates it from
    # electroneutrality, as the pH of the exact brine.
    water = stream.get("H2O")
    if water <= 0:
        raise InputError(f"{name} water", water, "a stream with water to dissolve its solutes")
    molality = {
        k: v / component_molar_mass(k) / water
        for k, v in stream.flows.items()
        if k in ION_KEYS and v > 0
    }
    if not molality:
        raise InputError(f"{name} solutes", stream.flows, "a stream with dissolved solutes")
    t = stream.temperature if temperature is None else temperature
    return Brine(molality=molality, temperature=t, name=name, exact=True), water


def brine_to_stream(brine: Brine, water: float) -> Stream:
    """A stream of ``water`` [kg/s] carrying ``brine``'s solutes."""
    flows = {k: m * water * component_molar_mass(k) for k, m in brine.molality.items()}
    flows["H2O"] = water
    return Stream(flows, brine.temperature)


def solution_stream(
    elements: Mapping[str, float], mass: float, temperature: float, *, excess: float = 0.0
) -> Stream:
    """A solution stream from element flows [mol/s] and its total mass flow [kg/s].

    Elements become solutes (S → SO4, C → CO3/HCO3 as for a neutral salt solution); the rest of
    the mass is water, with acid (Hplus) or base (OHminus) so that the stream's nominal charge
    excess (:meth:`Stream.nominal_excess`) is ``excess`` [eq/s].

    With the solutes' elements, the mass and the charge excess given, the stream's H and O are
    fixed, whatever the split of carbon between CO3 and HCO3: the mass not in solutes is
    1.008 H + 15.999 O [g/mol], and the charge excess is H − 2 O plus the oxidation states of
    the solutes' elements (Na +1, Cl −1, S +6, C +4 …). So a unit whose outlets are all made
    here conserves H and O whenever it conserves mass (or H) and charge. ``excess`` is 0 for a
    consistent solution; a unit that rebuilds its liquid from element amounts passes on the
    excess of its feed (``feed.nominal_excess()``): were a feed not exactly neutral (an
    extrapolated recycle iterate), its outlets made neutral would otherwise leave half the
    excess as an O imbalance (a pond, whose vapour closes H) or put it in H and O (a plant
    whose liquor closes the mass).
    """
    flows: dict[str, float] = {}
    surplus = -excess  # cation minus anion equivalents less the excess carried [eq/s]
    if any(v > 0 for v in elements.values()):
        brine = Brine.from_element_amounts(elements, 1.0, temperature)
        flows = {k: n * component_molar_mass(k) for k, n in brine.molality.items()}
        cb = brine.charge_balance()
        surplus = cb.cations - cb.anions - excess
    elif excess == 0.0:
        return Stream({"H2O": mass} if mass > 0 else {}, temperature)
    # A computed solution may not be nominally neutral: hydroxide or carbonate solids leave
    # acid (or base) behind, and an added base leaves hydroxide. Carry the excess as H+ or OH-
    # beside the solvent water, as PHREEQC does.
    if surplus < 0:
        flows["Hplus"] = -surplus * component_molar_mass("Hplus")
    elif surplus > 0:
        flows["OHminus"] = surplus * component_molar_mass("OHminus")
    water = mass - sum(flows.values())
    if water < -1e-12 * max(mass, 1e-300):
        raise InputError("solution mass", mass, "a mass above that of its solutes")
    flows["H2O"] = max(water, 0.0)
    return Stream(flows, temperature)
