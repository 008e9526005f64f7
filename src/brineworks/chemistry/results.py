"""Typed results of the thermodynamic backends.

All quantities are per kilogram of the *starting* water of the calculation unless stated:
a backend starts every calculation from 1 kg of water (the brine's water, or pure water for
:func:`saturate`), so "mol" and "mol per kg of starting water" are the same number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Protocol

from brineworks.constants import KELVIN_OFFSET

__all__ = ["Equilibrium", "Speciation"]

_LAZY_FIELDS = frozenset(
    {"molality", "species_molality", "activity", "activity_coefficient", "saturation_index"}
)


class SpeciationRows(Protocol):
    """The per-species and per-phase values of a solved batch, held as arrays (a backend's
    private object): :meth:`Speciation.from_rows` makes results that read their dicts from it
    on first use."""

    def mappings(self, row: int) -> dict[str, dict[str, float]]:
        """The five dict fields of :class:`Speciation` (``molality``, ``species_molality``,
        ``activity``, ``activity_coefficient``, ``saturation_index``) of row ``row``."""
        ...


@dataclass(frozen=True)
class Speciation:
    """The state of one aqueous solution.

    Attributes
    ----------
    temperature
        Temperature. [K]
    pH
        pH on the backend's activity scale (Pitzer, MacInnes convention for PHREEQC). [-]
    ionic_strength
        Ionic strength. [mol/kg H2O]
    water_activity
        Activity of water. [-]
    density
        Density of the solution. [kg/m³]
    mass_water
        Mass of water in the solution. [kg]
    molality
        Total molality of each element (``"Li"``, ``"S"``, ``"C"`` …). [mol/kg H2O]
    species_molality
        Molality of each aqueous species (``"Mg+2"``, ``"MgOH+"`` …). [mol/kg H2O]
    activity
        Activity of each aqueous species. [-]
    activity_coefficient
        Molal activity coefficient of each aqueous species. [-]
    saturation_index
        log10(IAP/K) of every phase of the database whose elements are present. [-]
    charge_balance
        Electrical balance, 100·(cations − anions)/(cations + anions). [%]
    notes
        How the calculation was set up where it matters to the answer (pH convention, balancing).

    Notes
    -----
    A batch backend may make its results with :meth:`from_rows`: their five dict fields are
    then built together from the batch's arrays when one of them is first read (and kept).
    Such a result is indistinguishable from one built with all its fields: same values,
    equality, ``repr``, :func:`dataclasses.replace`, :meth:`to_dict`, and pickles and copies
    with every field built (without the batch).
    """

    temperature: float
    pH: float
    ionic_strength: float
    water_activity: float
    density: float
    mass_water: float
    molality: dict[str, float]
    species_molality: dict[str, float]
    activity: dict[str, float]
    activity_coefficient: dict[str, float]
    saturation_index: dict[str, float]
    charge_balance: float
    notes: tuple[str, ...] = ()

    @classmethod
    def from_rows(
        cls,
        rows: SpeciationRows,
        temperature: Sequence[float],
        pH: Sequence[float],
        ionic_strength: Sequence[float],
        water_activity: Sequence[float],
        density: Sequence[float],
        mass_water: Sequence[float],
        charge_balance: Sequence[float],
        notes: Sequence[tuple[str, ...]],
    ) -> list[Speciation]:
        """One result per row of a solved batch: the scalar fields given (one value per row),
        the five dict fields read from ``rows`` when one of them is first used.

        The cost of a result is then that of its scalars; a caller that reads only a density or
        a pH never pays for the ~85 floats of the dicts.
        """
        new = object.__new__
        set_attr = object.__setattr__
        out: list[Speciation] = []
        append = out.append
        for k, (t, ph, ionic, aw, rho, water, cb, note) in enumerate(
            zip(
                temperature, pH, ionic_strength, water_activity, density, mass_water,
                charge_balance, notes, strict=True,
            )
        ):  # fmt: skip
            result = new(cls)
            set_attr(
                result,
                "__dict__",
                {
                    "temperature": t,
                    "pH": ph,
                    "ionic_strength": ionic,
                    "water_activity": aw,
                    "density": rho,
                    "mass_water": water,
                    "charge_balance": cb,
                    "notes": note,
                    "_rows": (rows, k),
                },
            )
            append(result)
        return out

    if not TYPE_CHECKING:  # at run time only: type checkers keep flagging unknown attributes

        def __getattr__(self, name: str) -> Any:
            # Called only for an attribute not set: a dict field of a result made by
            # from_rows, built now from its batch and kept.
            state = self.__dict__
            held = state.get("_rows")
            if held is None or name not in _LAZY_FIELDS:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            rows, k = held
            state.update(rows.mappings(k))
            del state["_rows"]  # every field built: the batch is no longer needed
            return state[name]

    def __getstate__(self) -> dict[str, Any]:
        """Every field, built (a pickle or a copy carries no reference to the batch)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def temperature_c(self) -> float:
        """Temperature. [°C]"""
        return self.temperature - KELVIN_OFFSET

    def supersaturated(self, threshold: float = 0.0) -> dict[str, float]:
        """Phases with a saturation index above ``threshold``, largest first."""
        items = [(p, si) for p, si in self.saturation_index.items() if si > threshold]
        return dict(sorted(items, key=lambda kv: -kv[1]))

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form used by the CLI (temperature in °C, density in kg/m³)."""
        return {
            "temperature_c": self.temperature_c,
            "molality": dict(self.molality),
            "saturation_index": dict(self.saturation_index),
            "ionic_strength": self.ionic_strength,
            "water_activity": self.water_activity,
            "density_kg_m3": self.density,
            "pH": self.pH,
            "species_molality": dict(self.species_molality),
            "activity_coefficient": dict(self.activity_coefficient),
            "charge_balance_percent": self.charge_balance,
            "mass_water_kg": self.mass_water,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Equilibrium:
    """A solution in equilibrium with a set of solids.

    Attributes
    ----------
    solution
        The equilibrated aqueous solution.
    solids
        Amount of each candidate solid present at equilibrium. [mol per kg starting water]
    solids_mass
        Mass of each candidate solid present at equilibrium. [kg per kg starting water]
    solids_change
        Change of each solid during the calculation, positive when it precipitated.
        [mol per kg starting water]
    candidates
        The solids that were allowed to form or dissolve, in the order given.
    """

    solution: Speciation
    solids: dict[str, float]
    solids_mass: dict[str, float]
    solids_change: dict[str, float]
    candidates: tuple[str, ...] = field(default_factory=tuple)

    @property
    def present(self) -> tuple[str, ...]:
        """Candidate solids that remain in the final assemblage (amount above 1e-12 mol)."""
        return tuple(p for p in self.candidates if self.solids.get(p, 0.0) > 1e-12)

    @property
    def absent(self) -> tuple[str, ...]:
        """Candidate solids that dissolved completely or never formed."""
        return tuple(p for p in self.candidates if p not in self.present)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form used by the CLI."""
        out = self.solution.to_dict()
        out["solids"] = {p: self.solids.get(p, 0.0) for p in self.candidates}
        out["solids_kg"] = {p: self.solids_mass.get(p, 0.0) for p in self.candidates}
        out["solids_present"] = list(self.present)
        return out
