"""A zone of the lake: its brine, its salt bed, and one year of pumping, mixing and reaction.

The brine of a zone is a :class:`Parcel` (water and dissolved elements, one well-mixed body);
the bed holds solids in contact with it (halite and what precipitates into the pores) and the
solid potash ore, which only the injected solvent of the solid–liquid conversion reaches. Every
reaction is the chemistry backend's equilibrium; the bookkeeping is exact: the solids change by
what the backend says, and the liquid by the difference, so element masses are conserved to
rounding. The backend's own liquid is checked against it (relative 1e-6).

Amounts are SI: water in kg, elements in mol, solids in mol of each phase, volumes in m³.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine
from brineworks.constants import BRINE_ELEMENTS
from brineworks.errors import ChemistryError, InputError

__all__ = [
    "CHARGE",
    "Parcel",
    "Reaction",
    "ZoneState",
    "hydration_water",
    "parcel_of_volume",
    "phase_solutes",
    "react",
    "step_zone",
]

_CAP = 50.0
"""Most of a solid offered to an equilibrium per kg of water (more never dissolves in a
brine); the pool keeps the rest. [mol/kg H2O]"""

_CHECK = 1e-6
"""Largest relative difference allowed between an element of the liquid by difference and the
backend's."""

_CHECK_WATER = 1e-3
"""The same for the water (see :func:`_check_against_backend`)."""

M_WATER = 0.018015
"""Molar mass of water. [kg/mol]"""

CHARGE = {"Li": 1, "Na": 1, "K": 1, "Mg": 2, "Ca": 2, "Sr": 2, "Cl": -1, "Br": -1, "S": -2}
"""Nominal charge each element carries in a brine (S as sulfate; B and C left out: boron is
neutral and carbon splits between carbonate and bicarbonate)."""


@dataclass(frozen=True)
class Parcel:
    """An amount of brine or water.

    Attributes
    ----------
    water
        Mass of water. [kg]
    solutes
        Amount of each dissolved element (``"S"`` for sulfate, ``"C"`` for carbonate). [mol]
    """

    water: float = 0.0
    solutes: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not math.isfinite(self.water) or self.water < 0:
            raise InputError("parcel water", self.water, "a finite mass ≥ 0 kg")
        for el, n in self.solutes.items():
            if el not in BRINE_ELEMENTS:
                raise InputError("parcel element", el, "one of " + ", ".join(BRINE_ELEMENTS))
            if not math.isfinite(n) or n < 0:
                raise InputError(f"parcel amount of {el}", n, "a finite amount ≥ 0 mol")

    @property
    def empty(self) -> bool:
        """Nothing in it."""
        return self.water <= 0 and not any(v > 0 for v in self.solutes.values())

    def scaled(self, factor: float) -> Parcel:
        """The same composition, ``factor`` times the amount."""
        return Parcel(self.water * factor, {k: v * factor for k, v in self.solutes.items()})

    def plus(self, other: Parcel) -> Parcel:
        """This parcel and ``other`` together."""
        out = dict(self.solutes)
        for k, v in other.solutes.items():
            out[k] = out.get(k, 0.0) + v
        return Parcel(self.water + other.water, out)

    @staticmethod
    def total(parcels: Iterable[Parcel]) -> Parcel:
        """The sum of parcels."""
        out = Parcel()
        for p in parcels:
            out = out.plus(p)
        return out

    def nominal_charge(self) -> float:
        """Cation minus anion equivalents (B and C left out). [eq]"""
        return sum(CHARGE.get(el, 0) * n for el, n in self.solutes.items())

    def neutralised(self, target: float = 0.0) -> Parcel:
        """The parcel with its Cl set so that its nominal charge is ``target`` [eq] (0:
        neutral; B and C aside).

        Raises
        ------
        InputError
            If that would need negative chloride.
        """
        excess = self.nominal_charge() - target
        if excess == 0.0:
            return self
        cl = self.solutes.get("Cl", 0.0) + excess
        if cl < 0:
            raise InputError("parcel Cl", cl, "a parcel that chloride can neutralise")
        return Parcel(self.water, {**self.solutes, "Cl": cl})

    def brine(self, temperature: float, name: str = "brine") -> Brine:
        """The parcel as a brine at ``temperature``. [K]

        Raises
        ------
        InputError
            If it has no water or no solute.
        """
        if self.water <= 0:
            raise InputError(f"{name} water", self.water, "a parcel with water")
        return Brine.from_element_amounts(self.solutes, self.water, temperature, name=name)

    def mass(self, temperature: float) -> float:
        """Mass of the solution (water and solutes as the brine's ions). [kg]"""
        if not any(v > 0 for v in self.solutes.values()):
            return self.water
        return self.water * (1.0 + self.brine(temperature).dissolved_mass())


def parcel_of_volume(
    brine: Brine | None, volume: float, backend: ThermoBackend, density: float | None = None
) -> Parcel:
    """``volume`` [m³] of ``brine`` (pure water if ``None``) as a parcel.

    The density is ``density`` [kg/m³] if given, else the brine's own if it was given with the
    analysis, else the backend's.
    """
    if volume <= 0:
        return Parcel()
    if brine is None:
        return Parcel(volume * 1000.0, {})
    if density is None:
        if brine.density is not None and brine.density_source == "given":
            density = brine.density
        else:
            density = backend.speciate(brine, saturation=False).density
    water = volume * density / (1.0 + brine.dissolved_mass())
    return Parcel(water, {el: m * water for el, m in brine.element_molality().items()})


def hydration_water(formula: Mapping[str, float], name: str = "solid") -> float:
    """Molecules of water per formula unit of a salt: its H/2, provided its oxygen is that
    water plus sulfate and carbonate oxygen.

    Raises
    ------
    InputError
        For a solid whose H and O are not water of hydration (hydroxides, borates).
    """
    h = formula.get("H", 0.0)
    o = formula.get("O", 0.0) - 4.0 * formula.get("S", 0.0) - 3.0 * formula.get("C", 0.0)
    if abs(o - h / 2.0) > 1e-9:
        raise InputError(
            "solid", name, "a salt whose H and O are water of hydration (no hydroxide, borate)"
        )
    return h / 2.0


def phase_solutes(formula: Mapping[str, float], name: str = "solid") -> dict[str, float]:
    """The elements a solid gives to (or takes from) the solution, per formula unit.

    Raises
    ------
    InputError
        If it carries an element no brine carries.
    """
    out = {el: n for el, n in formula.items() if el not in ("H", "O")}
    for el in out:
        if el not in BRINE_ELEMENTS:
            raise InputError("solid", name, f"a salt of brine elements (it has {el})")
    return out


@dataclass(frozen=True)
class Reaction:
    """The outcome of one equilibrium of a parcel with solids.

    Attributes
    ----------
    liquid
        The liquid after the reaction.
    change
        Change of each solid, positive when it precipitated. [mol]
    density
        Density of the liquid. [kg/m³]
    """

    liquid: Parcel
    change: Mapping[str, float]
    density: float


def react(
    liquid: Parcel,
    pools: Mapping[str, float],
    *,
    backend: ThermoBackend,
    temperature: float,
    name: str = "zone",
) -> Reaction:
    """Bring ``liquid`` to equilibrium with solids: ``pools`` maps each candidate solid to the
    amount in contact [mol] (0: it may only precipitate).

    Raises
    ------
    ChemistryError
        If the backend fails, or its liquid differs from the one by difference.
    """
    brine = liquid.brine(temperature, name)
    water = liquid.water
    offered = {p: min(max(n, 0.0), _CAP * water) / water for p, n in pools.items()}
    eq = backend.equilibrate(brine, offered)
    change: dict[str, float] = {}
    solutes = dict(liquid.solutes)
    new_water = water
    for phase in pools:
        d = eq.solids_change.get(phase, 0.0) * water
        if d == 0.0:
            continue
        capped = pools[phase] > _CAP * water
        if capped and eq.solids.get(phase, 0.0) <= 1e-12:
            raise ChemistryError(f"{name}: all the {phase} offered dissolved; raise the cap")
        formula = backend.phase_formula(phase)
        for el, n in phase_solutes(formula, phase).items():
            solutes[el] = solutes.get(el, 0.0) - d * n
        new_water -= d * hydration_water(formula, phase) * M_WATER
        change[phase] = d
    for el, n in solutes.items():
        if n < 0:
            if n < -1e-12 * max(liquid.solutes.get(el, 0.0), 1.0):
                raise ChemistryError(f"{name}: {el} went negative ({n:.3g} mol) in the bookkeeping")
            solutes[el] = 0.0
    _check_against_backend(solutes, new_water, eq.solution.molality, eq.solution.mass_water * water,
                           name)  # fmt: skip
    return Reaction(Parcel(new_water, solutes), change, eq.solution.density)


def _check_against_backend(
    solutes: Mapping[str, float],
    water: float,
    molality: Mapping[str, float],
    backend_water: float,
    name: str,
) -> None:
    """The liquid by difference against the backend's: each element's amount to 1e-6 and the
    water to 1e-3 (the backend's solvent mass leaves out the water bound as OH⁻, H⁺ and borate
    species, which the bookkeeping keeps as water)."""
    if abs(water - backend_water) > _CHECK_WATER * water:
        raise ChemistryError(
            f"{name}: water by difference {water:.9g} kg, backend {backend_water:.9g} kg"
        )
    floor = 1e-15 * sum(solutes.values())  # amounts far below the others: rounding only
    for el, n in solutes.items():
        theirs = molality.get(el, 0.0) * backend_water
        if abs(n - theirs) > _CHECK * max(n, theirs) + floor:
            raise ChemistryError(
                f"{name}: {el} by difference {n:.9g} mol, backend {theirs:.9g} mol"
            )


@dataclass(frozen=True)
class ZoneState:
    """A zone at one moment.

    Attributes
    ----------
    name
        Zone name.
    liquid
        Its brine.
    density
        Density of the brine. [kg/m³]
    bed
        Solids in contact with the brine (halite, precipitates). [mol]
    ore
        Solid potash ore, reached only by the conversion solvent. [mol]
    """

    name: str
    liquid: Parcel
    density: float
    bed: Mapping[str, float]
    ore: Mapping[str, float]

    def volume(self, temperature: float) -> float:
        """Volume of the brine. [m³]"""
        return self.liquid.mass(temperature) / self.density

    def grade(self, temperature: float, molar_mass: Mapping[str, float]) -> dict[str, float]:
        """Concentration of each element in the brine. [g/L = kg/m³]"""
        v = self.volume(temperature)
        return {el: n * molar_mass[el] / 1000.0 / v for el, n in self.liquid.solutes.items()}


@dataclass(frozen=True)
class ZoneYearFlows:
    """What went in and out of a zone in one year.

    Attributes
    ----------
    pumped
        Brine pumped out.
    added
        Inflows and returns mixed in directly (not through the conversion).
    solvent
        Solvent of the conversion (all of it: reacted and unreacted).
    evaporated
        Water evaporated from the brine table. [kg]
    conversion_change
        Change of the solids in the conversion, positive when precipitated. [mol]
    bed_change
        Change of the solids of the bed on mixing, positive when precipitated. [mol]
    """

    pumped: Parcel
    added: Parcel
    solvent: Parcel
    evaporated: float
    conversion_change: Mapping[str, float]
    bed_change: Mapping[str, float]


def _add(pool: Mapping[str, float], change: Mapping[str, float]) -> dict[str, float]:
    out = dict(pool)
    for p, d in change.items():
        out[p] = out.get(p, 0.0) + d
        if out[p] < 0:
            out[p] = 0.0 if out[p] > -1e-9 * max(pool.get(p, 0.0), 1.0) else out[p]
    return out


def step_zone(
    state: ZoneState,
    *,
    pumped_m3: float,
    added: Parcel,
    solvent: Parcel,
    contact: float,
    evaporation_kg: float,
    bed_phases: Iterable[str],
    backend: ThermoBackend,
    temperature: float,
) -> tuple[ZoneState, ZoneYearFlows]:
    """One year of a zone: pump, run the conversion, mix, evaporate, equilibrate with the bed.

    Parameters
    ----------
    state
        The zone at the start of the year.
    pumped_m3
        Brine pumped out, with the start-of-year composition. [m³]
    added
        Inflows and returns mixed in directly.
    solvent
        Solvent injected into the ore (the conversion); empty for none.
    contact
        Share of the solvent reaching equilibrium with the ore and the halite. [-]
    evaporation_kg
        Water evaporated from the brine table. [kg]
    bed_phases
        Solids of the bed the brine is kept in equilibrium with.
    backend
        Chemistry backend.
    temperature
        Temperature of the lake. [K]

    Raises
    ------
    InputError
        If more brine is pumped or evaporated than the zone holds.
    ChemistryError
        If an equilibrium fails.
    """
    nothing = Parcel()
    if pumped_m3 <= 0 and added.empty and solvent.empty and evaporation_kg <= 0:
        return state, ZoneYearFlows(nothing, nothing, nothing, 0.0, {}, {})
    volume = state.volume(temperature)
    if pumped_m3 >= volume:
        raise InputError(f"pumping from {state.name}", pumped_m3, f"less than its {volume:.4g} m³")
    pumped = state.liquid.scaled(pumped_m3 / volume) if pumped_m3 > 0 else nothing
    remaining = Parcel(
        state.liquid.water - pumped.water,
        {el: n - pumped.solutes.get(el, 0.0) for el, n in state.liquid.solutes.items()},
    )
    bed = dict(state.bed)
    ore = dict(state.ore)
    conversion_change: dict[str, float] = {}
    incoming = [remaining, added]
    if not solvent.empty:
        reacting = solvent.scaled(contact) if contact > 0 and ore else nothing
        if not reacting.empty:
            pools = {"Halite": bed.get("Halite", 0.0)}
            for p in (*bed_phases, *ore):
                if p != "Halite":
                    pools[p] = ore.get(p, 0.0)
            converted = _react_or_water(reacting, pools, backend, temperature, state.name)
            for p, d in converted.change.items():
                if p == "Halite":
                    bed = _add(bed, {p: d})
                else:
                    ore = _add(ore, {p: d})
            conversion_change = dict(converted.change)
            incoming += [converted.liquid, solvent.scaled(1.0 - contact)]
        else:
            incoming.append(solvent)
    mixed = Parcel.total(incoming)
    if evaporation_kg >= mixed.water:
        raise InputError(
            f"evaporation from {state.name}", evaporation_kg, f"less than its {mixed.water:.4g} kg"
        )
    mixed = Parcel(mixed.water - evaporation_kg, mixed.solutes)
    pools = {p: bed.get(p, 0.0) for p in bed_phases}
    for p in bed:
        pools.setdefault(p, bed[p])
    reaction = react(mixed, pools, backend=backend, temperature=temperature, name=state.name)
    bed = _add(bed, reaction.change)
    new = ZoneState(state.name, reaction.liquid, reaction.density, bed, ore)
    flows = ZoneYearFlows(
        pumped, added, solvent, evaporation_kg, conversion_change, dict(reaction.change)
    )
    return new, flows


def _react_or_water(
    parcel: Parcel, pools: Mapping[str, float], backend: ThermoBackend, temperature: float,
    name: str,
) -> Reaction:  # fmt: skip
    """:func:`react`, also for pure water (dissolving a trace of halite first)."""
    if any(v > 0 for v in parcel.solutes.values()):
        return react(parcel, pools, backend=backend, temperature=temperature, name=name)
    # Pure water: a brine needs a solute, so seed it with 1e-6 mol/kg of NaCl from the bed.
    seed = 1e-6 * parcel.water
    if pools.get("Halite", 0.0) < seed:
        raise InputError(f"{name} conversion", "pure water", "a zone with halite in its bed")
    start = Parcel(parcel.water, {"Na": seed, "Cl": seed})
    r = react(start, {**pools, "Halite": pools["Halite"] - seed}, backend=backend,
              temperature=temperature, name=name)  # fmt: skip
    change = dict(r.change)
    change["Halite"] = change.get("Halite", 0.0) - seed
    return Reaction(r.liquid, change, r.density)
