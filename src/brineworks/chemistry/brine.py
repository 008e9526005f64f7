"""Brine compositions: units, conversions, charge balance, the catalogue of real brines.

A :class:`Brine` stores the molality of each solute (mol per kg of water, the unit every
thermodynamic model works in) together with its temperature, and optionally its pH and its
density. Analyses in g/L, mg/L, mol/L or wt % are converted on the way in, with the density given
or, for per-volume units without a density, computed by the thermodynamic backend.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from brineworks.chemistry.ions import ION_KEYS, ion, normalise_ion
from brineworks.constants import KELVIN_OFFSET
from brineworks.data import read_rows
from brineworks.errors import ChargeBalanceError, InputError

if TYPE_CHECKING:
    from brineworks.chemistry.backend import ThermoBackend

__all__ = [
    "DENSITY_RANGE",
    "IMBALANCE_LIMIT",
    "TEMPERATURE_RANGE",
    "UNITS",
    "Brine",
    "CatalogueEntry",
    "ChargeBalance",
    "catalogue",
    "normalise_unit",
]

Unit = Literal["g/L", "mg/L", "wt%", "mol/kgw", "mol/L"]
UNITS: tuple[Unit, ...] = ("g/L", "mg/L", "wt%", "mol/kgw", "mol/L")
_UNIT_ALIASES: dict[str, Unit] = {
    "g/l": "g/L",
    "mg/l": "mg/L",
    "ppm": "mg/L",
    "wt%": "wt%",
    "wt %": "wt%",
    "mass%": "wt%",
    "%": "wt%",
    "mol/kgw": "mol/kgw",
    "mol/kg": "mol/kgw",
    "mol/kg h2o": "mol/kgw",
    "molal": "mol/kgw",
    "mol/l": "mol/L",
    "m": "mol/L",
}

TEMPERATURE_RANGE: tuple[float, float] = (KELVIN_OFFSET, KELVIN_OFFSET + 100.0)
"""Temperatures the Brineworks database is fitted and validated for. [K]"""

DENSITY_RANGE: tuple[float, float] = (900.0, 2000.0)
"""Densities accepted for a brine. [kg/m³]"""

IMBALANCE_LIMIT = 5.0
"""Largest charge imbalance accepted without ``allow_imbalance``. [%]"""


def normalise_unit(unit: str) -> Unit:
    """Return the canonical spelling of a concentration unit.

    Raises
    ------
    InputError
        If the unit is not one of :data:`UNITS` (any case, a few common spellings).
    """
    found = _UNIT_ALIASES.get(str(unit).strip().lower())
    if found is None:
        raise InputError("unit", unit, "one of " + ", ".join(UNITS))
    return found


@dataclass(frozen=True)
class ChargeBalance:
    """Electrical balance of an analysis, on nominal charges.

    Attributes
    ----------
    cations
        Sum of cation equivalents. [eq/kg H2O]
    anions
        Sum of anion equivalents (positive number). [eq/kg H2O]
    """

    cations: float
    anions: float

    @property
    def percent(self) -> float:
        """100·(cations − anions)/(cations + anions), as PHREEQC reports it. [%]"""
        total = self.cations + self.anions
        return 0.0 if total == 0 else 100.0 * (self.cations - self.anions) / total

    def __str__(self) -> str:
        return (
            f"{self.percent:+.2f} % (cations {self.cations:.5g} eq/kgw, "
            f"anions {self.anions:.5g} eq/kgw)"
        )


def _check_amount(field_name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(field_name, value, "a non-negative number")
    try:
        number = float(value)
    except ValueError:
        raise InputError(field_name, value, "a non-negative number") from None
    if not math.isfinite(number) or number < 0:
        raise InputError(field_name, value, "a non-negative, finite number")
    return number


def _check_temperature(temperature: float, field_name: str = "temperature_c") -> float:
    lo, hi = TEMPERATURE_RANGE
    if not isinstance(temperature, int | float) or not math.isfinite(temperature):
        raise InputError(field_name, temperature, "a number of degrees Celsius")
    if not lo <= temperature <= hi:
        raise InputError(
            field_name,
            round(temperature - KELVIN_OFFSET, 6),
            f"{lo - KELVIN_OFFSET:g} to {hi - KELVIN_OFFSET:g} °C "
            "(the range of the Brineworks database)",
        )
    return float(temperature)


@dataclass(frozen=True)
class Brine:
    """An aqueous brine: solute molalities at a temperature.

    Use :meth:`from_amounts` to build one from an analysis in any unit, :meth:`from_catalogue`
    for a built-in real brine, and :meth:`from_file` for a TOML/JSON brine file.

    Attributes
    ----------
    molality
        Molality of each solute, keyed by canonical name (``"Li"``, ``"SO4"`` …). [mol/kg H2O]
    temperature
        Temperature. [K]
    name
        Human-readable name.
    pH
        Measured pH, or ``None``: then the backend sets the pH by electroneutrality of the
        analysis (the neutral-salt convention, see ``docs/chemistry.md``). [-]
    density
        Density, given or computed by a backend, or ``None`` if never needed. [kg/m³]
    density_source
        ``"given"``, ``"computed"`` or ``""``.
    source
        Where the analysis comes from.
    notes
        What was done to the analysis on the way in (balancing, conversions).
    exact
        The composition is computed, not analysed (a state of a path): backends never adjust
        it, and carry any nominal charge imbalance as H+/OH-.

    Examples
    --------
    >>> b = Brine.from_amounts({"Na": 1.0, "Cl": 1.0}, unit="mol/kgw", name="1 m NaCl")
    >>> round(b.charge_balance().percent, 6)
    0.0
    """

    molality: Mapping[str, float]
    temperature: float = 298.15
    name: str = "brine"
    pH: float | None = None
    density: float | None = None
    density_source: str = ""
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    exact: bool = False

    def __post_init__(self) -> None:
        clean: dict[str, float] = {}
        for raw_key, value in self.molality.items():
            key = normalise_ion(raw_key)
            amount = _check_amount(f"composition.{raw_key}", value)
            clean[key] = clean.get(key, 0.0) + amount
        if not any(v > 0 for v in clean.values()):
            raise InputError("composition", dict(self.molality), "at least one solute above zero")
        ordered = {k: clean[k] for k in ION_KEYS if k in clean}
        object.__setattr__(self, "molality", ordered)
        _check_temperature(self.temperature, "temperature")
        if self.pH is not None and not (isinstance(self.pH, int | float) and 0.0 < self.pH < 14.0):
            raise InputError("pH", self.pH, "a number between 0 and 14, or none")
        if self.density is not None:
            lo, hi = DENSITY_RANGE
            if not (isinstance(self.density, int | float) and lo <= self.density <= hi):
                raise InputError("density", self.density, f"{lo / 1000:g} to {hi / 1000:g} g/cm³")

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_amounts(
        cls,
        composition: Mapping[str, object],
        unit: str,
        *,
        name: str = "brine",
        temperature_c: float = 25.0,
        density_g_cm3: float | None = None,
        pH: float | None = None,
        balance_on: str | None = None,
        allow_imbalance: bool = False,
        source: str = "",
        backend: ThermoBackend | None = None,
    ) -> Brine:
        """Build a brine from an analysis in any supported unit.

        Parameters
        ----------
        composition
            Solute → amount in ``unit``. Names in any accepted spelling (``"Mg"``, ``"Mg2+"``).
            A ``"H2O"`` entry is ignored: water is taken by difference.
        unit
            ``"g/L"``, ``"mg/L"``, ``"wt%"``, ``"mol/kgw"`` or ``"mol/L"``.
        name
            Name of the brine.
        temperature_c
            Temperature. [°C]
        density_g_cm3
            Density; needed to convert per-volume units. When missing for ``g/L``, ``mg/L`` or
            ``mol/L`` it is computed by ``backend`` (default: PHREEQC). [g/cm³]
        pH
            Measured pH, if known.
        balance_on
            Solute whose amount is adjusted to make the analysis electrically neutral.
        allow_imbalance
            Accept a charge imbalance above 5 %.
        source
            Where the analysis comes from.
        backend
            Backend used to compute a missing density.

        Raises
        ------
        InputError
            For a bad amount, unit, temperature, density or solute name.
        ChargeBalanceError
            If the imbalance exceeds 5 % and neither ``balance_on`` nor ``allow_imbalance``.
        """
        canonical_unit = normalise_unit(unit)
        temperature = _check_temperature(float(temperature_c) + KELVIN_OFFSET)
        amounts: dict[str, float] = {}
        for raw_key, value in composition.items():
            if str(raw_key).strip().lower() in {"h2o", "water"}:
                continue
            key = normalise_ion(str(raw_key))
            amounts[key] = amounts.get(key, 0.0) + _check_amount(f"composition.{raw_key}", value)
        if not any(v > 0 for v in amounts.values()):
            raise InputError("composition", dict(composition), "at least one solute above zero")
        density: float | None = None
        if density_g_cm3 is not None:
            d = _check_amount("density_g_cm3", density_g_cm3)
            lo, hi = DENSITY_RANGE
            if not lo <= d * 1000.0 <= hi:
                raise InputError("density_g_cm3", density_g_cm3, f"{lo / 1000:g} to {hi / 1000:g}")
            density = d * 1000.0
        notes: list[str] = []
        if balance_on is not None:
            amounts, note = _balance_amounts(amounts, canonical_unit, balance_on)
            notes.append(note)
        density_source = "given" if density is not None else ""
        if canonical_unit in ("mol/kgw", "wt%"):
            molality = _to_molality(amounts, canonical_unit, None)
        elif density is not None:
            molality = _to_molality(amounts, canonical_unit, density)
        else:
            molality, density = _molality_with_computed_density(
                amounts, canonical_unit, temperature, backend
            )
            density_source = "computed"
            notes.append(f"density {density / 1000:.4f} g/cm³ computed by the backend")
        brine = cls(
            molality=molality,
            temperature=temperature,
            name=name,
            pH=pH,
            density=density,
            density_source=density_source,
            source=source,
            notes=tuple(notes),
        )
        if balance_on is None and not allow_imbalance:
            brine.check_charge_balance()
        return brine

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], *, backend: ThermoBackend | None = None
    ) -> Brine:
        """Build a brine from the brine-file mapping (see ``docs/cli.md``).

        Keys: ``name``, ``unit``, ``composition`` (required); ``density_g_cm3``,
        ``temperature_c``, ``pH``, ``balance_on``, ``allow_imbalance``, ``source`` (optional).
        """
        known = {
            "name", "unit", "composition", "density_g_cm3", "temperature_c", "pH",
            "balance_on", "allow_imbalance", "source",
        }  # fmt: skip
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(
                unknown[0], data[unknown[0]], "one of the keys " + ", ".join(sorted(known))
            )
        for required in ("unit", "composition"):
            if required not in data:
                raise InputError(required, None, "a value (this key is required)")
        composition = data["composition"]
        if not isinstance(composition, Mapping):
            raise InputError("composition", composition, "a table of solute = amount")
        balance_on = data.get("balance_on")
        return cls.from_amounts(
            composition,
            str(data["unit"]),
            name=str(data.get("name", "brine")),
            temperature_c=_number_or_default(data, "temperature_c", 25.0),
            density_g_cm3=_optional_number(data, "density_g_cm3"),
            pH=_optional_number(data, "pH"),
            balance_on=None if balance_on is None else str(balance_on),
            allow_imbalance=bool(data.get("allow_imbalance", False)),
            source=str(data.get("source", "")),
            backend=backend,
        )

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        *,
        temperature_c: float | None = None,
        backend: ThermoBackend | None = None,
    ) -> Brine:
        """Read a brine from a TOML or JSON file (format in ``docs/cli.md``).

        ``temperature_c`` [°C] is used when the file gives none.
        """
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError("brine file", str(p), f"a readable file ({exc.strerror})") from None
        try:
            if p.suffix.lower() == ".json":
                data = json.loads(text)
            elif p.suffix.lower() == ".toml":
                data = tomllib.loads(text)
            else:
                raise InputError("brine file", str(p), "a .toml or .json file")
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(
                "brine file", str(p), f"valid {p.suffix[1:].upper()} ({exc})"
            ) from None
        if not isinstance(data, dict):
            raise InputError("brine file", str(p), "a table/object at the top level")
        if temperature_c is not None and "temperature_c" not in data:
            data["temperature_c"] = temperature_c
        return cls.from_mapping(data, backend=backend)

    @classmethod
    def from_element_amounts(
        cls, amounts: Mapping[str, float], water: float, temperature: float, name: str = "brine"
    ) -> Brine:
        """A neutral-salt brine from element amounts [mol] in ``water`` [kg] at ``temperature`` [K].

        Elements map to solutes (S → SO4); carbon is split between CO3 and HCO3 so that the
        nominal charge balance closes, which keeps the proton budget of neutral salts.
        """
        keys = {"Li": "Li", "Na": "Na", "K": "K", "Mg": "Mg", "Ca": "Ca", "Sr": "Sr",
                "Cl": "Cl", "Br": "Br", "S": "SO4", "B": "B"}  # fmt: skip
        molality: dict[str, float] = {}
        for el, n in amounts.items():
            if el in keys and n > 0:
                molality[keys[el]] = n / water
        carbon = amounts.get("C", 0.0) / water
        if carbon > 0:
            charge = sum(ion(k).charge * m for k, m in molality.items())
            co3 = min(max(charge - carbon, 0.0), carbon)
            if co3 > 0:
                molality["CO3"] = co3
            if carbon - co3 > 0:
                molality["HCO3"] = carbon - co3
        return cls(molality=molality, temperature=temperature, name=name, exact=True)

    @classmethod
    def from_catalogue(
        cls, name: str, *, temperature_c: float | None = None, backend: ThermoBackend | None = None
    ) -> Brine:
        """A real brine from the built-in catalogue, by slug or name.

        Examples
        --------
        >>> Brine.from_catalogue("salar-de-atacama").molality["Li"] > 0.2
        True
        """
        entry = _catalogue_entry(name)
        return entry.brine(temperature_c=temperature_c, backend=backend)

    # ------------------------------------------------------------------ derived views
    @property
    def temperature_c(self) -> float:
        """Temperature. [°C]"""
        return self.temperature - KELVIN_OFFSET

    def charge_balance(self) -> ChargeBalance:
        """Electrical balance on nominal charges (boron neutral)."""
        cations = 0.0
        negative = 0.0
        for k, m in self.molality.items():
            z = ion(k).charge
            if z > 0:
                cations += m * z
            elif z < 0:
                negative += m * z
        return ChargeBalance(cations, -negative)

    def check_charge_balance(self, limit: float = IMBALANCE_LIMIT) -> None:
        """Raise :class:`ChargeBalanceError` if the imbalance exceeds ``limit`` percent."""
        cb = self.charge_balance()
        if abs(cb.percent) > limit:
            raise ChargeBalanceError(
                f"{self.name}: charge balance",
                f"{cb}",
                f"an imbalance within ±{limit:g} %; pass balance_on (e.g. 'Cl') "
                "or allow_imbalance to accept it",
            )

    def balanced(self, on: str) -> Brine:
        """The same brine with solute ``on`` adjusted to make it electrically neutral.

        Raises
        ------
        InputError
            If ``on`` is not a charged solute, or balancing would need a negative amount.
        """
        key = normalise_ion(on, field="balance_on")
        z = ion(key).charge
        if z == 0:
            raise InputError("balance_on", on, "a charged solute (not B)")
        cb = self.charge_balance()
        excess = cb.cations - cb.anions  # eq/kgw
        new = dict(self.molality)
        amount = new.get(key, 0.0) - excess / z
        if amount < 0:
            raise InputError(
                "balance_on",
                on,
                f"a solute that can absorb the imbalance {cb} (it would need {amount:.4g} mol/kgw)",
            )
        before = new.get(key, 0.0)
        new[key] = amount
        note = (
            f"balanced on {key}: {before:.6g} → {amount:.6g} mol/kgw "
            f"(imbalance was {cb.percent:+.2f} %)"
        )
        return replace(self, molality=new, notes=(*self.notes, note))

    def dominant_anion(self) -> str | None:
        """The anion carrying most negative charge, or ``None`` if there is none."""
        anions = [k for k in self.molality if ion(k).charge < 0]
        return max(anions, key=lambda k: -self.molality[k] * ion(k).charge, default=None)

    def neutralised(self) -> Brine:
        """This brine if neutral (or ``exact``), else balanced on its dominant anion.

        Raises
        ------
        InputError
            If it is not neutral and has no anion to balance on.
        """
        if self.exact or abs(self.charge_balance().percent) <= 1e-9:
            return self
        anion = self.dominant_anion()
        if anion is None:
            raise InputError("brine", self.name, "an analysis with an anion to balance on")
        return self.balanced(anion)

    def with_temperature(self, temperature_c: float) -> Brine:
        """The same composition at another temperature (a computed density is dropped). [°C]"""
        if abs(temperature_c - self.temperature_c) < 1e-12:
            return self
        return replace(
            self,
            temperature=_check_temperature(temperature_c + KELVIN_OFFSET),
            density=None if self.density_source == "computed" else self.density,
            density_source="" if self.density_source == "computed" else self.density_source,
        )

    def element_molality(self) -> dict[str, float]:
        """Molality of each element (S for sulfate, C for carbonate). [mol/kg H2O]"""
        out: dict[str, float] = {}
        for key, m in self.molality.items():
            el = ion(key).element
            out[el] = out.get(el, 0.0) + m
        return out

    def dissolved_mass(self) -> float:
        """Mass of solutes per kg of water. [kg/kg H2O]"""
        return sum(m * ion(k).molar_mass_si for k, m in self.molality.items())

    def concentrations(self, unit: str, density: float | None = None) -> dict[str, float]:
        """The analysis in another unit.

        Parameters
        ----------
        unit
            Target unit (see :data:`UNITS`).
        density
            Density to use for per-volume units, overriding the brine's own. [kg/m³]

        Raises
        ------
        InputError
            If a per-volume unit is asked for and no density is known.
        """
        target = normalise_unit(unit)
        if target == "mol/kgw":
            return dict(self.molality)
        solution_mass = 1.0 + self.dissolved_mass()  # kg per kg water
        if target == "wt%":
            return {
                k: 100.0 * m * ion(k).molar_mass_si / solution_mass
                for k, m in self.molality.items()
            }
        rho = density if density is not None else self.density
        if rho is None:
            raise InputError("density", None, f"a density to convert {self.name} to {target}")
        volume_l = solution_mass / rho * 1000.0  # L per kg water
        factor = {"g/L": 1.0, "mg/L": 1000.0, "mol/L": None}[target]
        out: dict[str, float] = {}
        for k, m in self.molality.items():
            if factor is None:
                out[k] = m / volume_l
            else:
                out[k] = m * ion(k).molar_mass * factor / volume_l
        return out

    def describe(self) -> str:
        """One line: name, temperature and molalities."""
        parts = ", ".join(f"{k} {v:.4g}" for k, v in self.molality.items())
        return f"{self.name} at {self.temperature_c:.1f} °C [mol/kgw]: {parts}"


def _number_or_default(data: Mapping[str, Any], key: str, default: float) -> float:
    value = _optional_number(data, key)
    return default if value is None else value


def _optional_number(data: Mapping[str, Any], key: str) -> float | None:
    if key not in data or data[key] is None:
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(key, value, "a number")
    return float(value)


def _per_mole(unit: Unit, key: str) -> float:
    """Factor turning an amount in ``unit`` into moles on the same basis."""
    if unit in ("mol/kgw", "mol/L"):
        return 1.0
    if unit == "mg/L":
        return 1.0 / (1000.0 * ion(key).molar_mass)
    return 1.0 / ion(key).molar_mass


def _balance_amounts(
    amounts: Mapping[str, float], unit: Unit, on: str
) -> tuple[dict[str, float], str]:
    """Adjust solute ``on`` so the analysis is neutral; the balance is basis-independent."""
    key = normalise_ion(on, field="balance_on")
    z = ion(key).charge
    if z == 0:
        raise InputError("balance_on", on, "a charged solute (not B)")
    excess = sum(ion(k).charge * v * _per_mole(unit, k) for k, v in amounts.items())
    before = amounts.get(key, 0.0)
    after = before - excess / z / _per_mole(unit, key)
    if after < 0:
        raise InputError(
            "balance_on",
            on,
            f"a solute that can absorb the imbalance (it would need {after:.4g} {unit})",
        )
    out = dict(amounts)
    out[key] = after
    return out, f"balanced on {key}: {before:.6g} → {after:.6g} {unit}"


def _to_molality(
    amounts: Mapping[str, float], unit: Unit, density: float | None
) -> dict[str, float]:
    """Convert an analysis to mol/kg H2O; ``density`` [kg/m³] for per-volume units."""
    if unit == "mol/kgw":
        return dict(amounts)
    if unit == "wt%":
        water_g = 100.0 - sum(amounts.values())
        if water_g <= 0:
            raise InputError(
                "composition", dict(amounts), "mass fractions summing to below 100 wt%"
            )
        return {k: v / ion(k).molar_mass / (water_g / 1000.0) for k, v in amounts.items()}
    assert density is not None
    if unit == "mol/L":
        grams = {k: v * ion(k).molar_mass for k, v in amounts.items()}
    elif unit == "mg/L":
        grams = {k: v / 1000.0 for k, v in amounts.items()}
    else:
        grams = dict(amounts)
    water_g = density - sum(grams.values())  # g of water per litre of solution
    if water_g <= 0:
        raise InputError(
            "density_g_cm3",
            density / 1000.0,
            f"a density above the dissolved solids ({sum(grams.values()) / 1000:.4g} g/cm³)",
        )
    return {k: g / ion(k).molar_mass / (water_g / 1000.0) for k, g in grams.items()}


def _molality_with_computed_density(
    amounts: Mapping[str, float], unit: Unit, temperature: float, backend: ThermoBackend | None
) -> tuple[dict[str, float], float]:
    """Fixed-point iteration: density → molality → backend density, to 1e-9 relative."""
    if backend is None:
        from brineworks.chemistry.backend import get_backend

        backend = get_backend()
    grams = sum(_to_grams_per_litre(amounts, unit).values())
    rho = max(1000.0 + 0.7 * grams, grams + 100.0)  # first guess [kg/m³]
    for _ in range(50):
        molality = _to_molality(amounts, unit, rho)
        new_rho = backend.density(molality, temperature)
        if abs(new_rho - rho) <= 1e-9 * rho:
            return _to_molality(amounts, unit, new_rho), new_rho
        rho = new_rho
    from brineworks.errors import ChemistryError

    raise ChemistryError(f"density iteration did not converge for {dict(amounts)} {unit}")


def _to_grams_per_litre(amounts: Mapping[str, float], unit: Unit) -> dict[str, float]:
    if unit == "mol/L":
        return {k: v * ion(k).molar_mass for k, v in amounts.items()}
    if unit == "mg/L":
        return {k: v / 1000.0 for k, v in amounts.items()}
    return dict(amounts)


# ---------------------------------------------------------------------- catalogue
@dataclass(frozen=True)
class CatalogueEntry:
    """One row of the built-in brine catalogue (``data/brines.csv``)."""

    slug: str
    name: str
    unit: Unit
    composition: dict[str, float]
    density_g_cm3: float | None
    temperature_c: float
    pH: float | None
    balance_on: str | None
    source: str
    status: str
    note: str

    def brine(
        self, *, temperature_c: float | None = None, backend: ThermoBackend | None = None
    ) -> Brine:
        """Build the :class:`Brine`, optionally at another temperature. [°C]"""
        t = self.temperature_c if temperature_c is None else temperature_c
        return Brine.from_amounts(
            self.composition,
            self.unit,
            name=self.name,
            temperature_c=t,
            density_g_cm3=self.density_g_cm3,
            pH=self.pH,
            balance_on=self.balance_on,
            source=self.source,
            backend=backend,
        )


def slugify(name: str) -> str:
    """``"Salar de Atacama"`` → ``"salar-de-atacama"``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@cache
def catalogue() -> tuple[CatalogueEntry, ...]:
    """Every brine in the built-in catalogue, in file order."""
    rows = read_rows("brines.csv")
    entries = []
    for row in rows:
        composition = {k: float(row[k]) for k in ION_KEYS if row.get(k, "").strip()}
        entries.append(
            CatalogueEntry(
                slug=row["slug"],
                name=row["name"],
                unit=normalise_unit(row["unit"]),
                composition=composition,
                density_g_cm3=float(row["density_g_cm3"]) if row["density_g_cm3"].strip() else None,
                temperature_c=float(row["temperature_c"]) if row["temperature_c"].strip() else 25.0,
                pH=float(row["pH"]) if row["pH"].strip() else None,
                balance_on=row["balance_on"].strip() or None,
                source=row["source"],
                status=row["status"],
                note=row["note"],
            )
        )
    return tuple(entries)


def _catalogue_entry(name: str) -> CatalogueEntry:
    wanted = slugify(name)
    for entry in catalogue():
        if entry.slug == wanted:
            return entry
    raise InputError("brine", name, "a catalogue name: " + ", ".join(e.slug for e in catalogue()))
