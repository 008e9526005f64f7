"""Typed results of the thermodynamic backends.

All quantities are per kilogram of the *starting* water of the calculation unless stated:
a backend starts every calculation from 1 kg of water (the brine's water, or pure water for
:func:`saturate`), so "mol" and "mol per kg of starting water" are the same number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from brineworks.constants import KELVIN_OFFSET

__all__ = ["Equilibrium", "Speciation"]


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
