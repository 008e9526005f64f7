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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.chemistry.ions import ION_KEYS, ion, normalise_ion
from brineworks.constants import KELVIN_OFFSET
from brineworks.data import read_rows
from brineworks.errors import BrineworksError, ChargeBalanceError, ChemistryError, InputError
from brineworks.textfiles import read_text

if TYPE_CHECKING:
    from brineworks.chemistry.results import Speciation

__all__ = [
    "DENSITY_RANGE",
    "DENSITY_TOLERANCE",
    "IMBALANCE_LIMIT",
    "PER_VOLUME_UNITS",
    "TEMPERATURE_RANGE",
    "UNITS",
    "Brine",
    "CatalogueEntry",
    "ChargeBalance",
    "batch_isolating_errors",
    "catalogue",
    "check_given_density",
    "computed_densities",
    "mapping_arguments",
    "normalise_unit",
    "parse_bool",
    "require_brine",
]

Unit = Literal["g/L", "mg/L", "wt%", "mol/kgw", "mol/L"]
UNITS: tuple[Unit, ...] = ("g/L", "mg/L", "wt%", "mol/kgw", "mol/L")
_UNIT_ALIASES: dict[str, Unit] = {
    "g/l": "g/L",
    "mg/l": "mg/L",
    "wt%": "wt%",
    "wt %": "wt%",
    "mass%": "wt%",
    "%": "wt%",
    "mol/kgw": "mol/kgw",
    "mol/kg": "mol/kgw",
    "mol/kg h2o": "mol/kgw",
    "molal": "mol/kgw",
    "mol/l": "mol/L",
}
_AMBIGUOUS_UNITS: dict[str, str] = {
    "m": "'m' is read as molal (mol/kgw) by some and molar (mol/L) by others",
    "ppm": "ppm is mg per kg of solution, not mg/L (they differ by the density)",
    "g/kg": "g/kg may be per kg of solution or of water",
}
PER_VOLUME_UNITS: tuple[Unit, ...] = ("g/L", "mg/L", "mol/L")
"""Units per litre of brine: converting them needs the density."""

TEMPERATURE_RANGE: tuple[float, float] = (KELVIN_OFFSET, KELVIN_OFFSET + 100.0)
"""Temperatures the Brineworks database is fitted and validated for. [K]"""

DENSITY_RANGE: tuple[float, float] = (900.0, 2000.0)
"""Densities accepted for a brine. [kg/m³]"""

IMBALANCE_LIMIT = 5.0
"""Largest charge imbalance accepted without ``allow_imbalance``. [%]"""

DENSITY_TOLERANCE = 0.05
"""Largest relative difference accepted between a density given with a per-volume analysis
(g/L, mg/L, mol/L) and the model's density of that analysis. [-] An assumption: the Pitzer
density reproduces measured brine densities within about 1 %; the rest leaves room for solutes
that were not analysed. A density that far off makes every molality wrong (the water per litre
is the density minus the solutes), so it is refused rather than used."""


def normalise_unit(unit: str) -> Unit:
    """Return the canonical spelling of a concentration unit.

    Raises
    ------
    InputError
        If the unit is not one of :data:`UNITS` (any case, a few common spellings).
    """
    if not isinstance(unit, str):
        raise InputError("unit", unit, "one of " + ", ".join(UNITS))
    text = unit.strip()
    if text == "M":
        return "mol/L"
    if text.lower() in _AMBIGUOUS_UNITS:
        raise InputError(
            "unit", unit, f"one of {', '.join(UNITS)} ({_AMBIGUOUS_UNITS[text.lower()]})"
        )
    found = _UNIT_ALIASES.get(text.lower())
    if found is None:
        raise InputError("unit", unit, "one of " + ", ".join(UNITS))
    return found


_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def parse_bool(field_name: str, value: object) -> bool:
    """The one rule for yes/no inputs, in files, CSV cells and the API alike.

    ``True``/``False``, the integers 1/0, and the words ``true``/``false``, ``yes``/``no``,
    ``1``/``0`` (any case, surrounding spaces ignored) are accepted; anything else is an error,
    so the string ``"false"`` is false and a typo is not silently true.

    Raises
    ------
    InputError
        For any other value.

    Examples
    --------
    >>> parse_bool("allow_imbalance", "False"), parse_bool("allow_imbalance", 1)
    (False, True)
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise InputError(field_name, value, "true or false (also yes/no, 1/0)")


def require_brine(value: object, field_name: str = "brine") -> Brine:
    """``value`` if it is a :class:`Brine`, else an error saying how to make one.

    Raises
    ------
    InputError
        If ``value`` is not a :class:`Brine` (``None``, a name, a mapping...).
    """
    if isinstance(value, Brine):
        return value
    if isinstance(value, Mapping):
        hint = "a Brine: build one from this mapping with Brine.from_mapping(...)"
    elif isinstance(value, str):
        hint = "a Brine: load one with brineworks.io.load_brine(name or file)"
    else:
        hint = "a Brine (Brine.from_catalogue, Brine.from_amounts, brineworks.io.load_brine)"
    shown = value if isinstance(value, str | Mapping) or value is None else type(value).__name__
    raise InputError(field_name, shown, hint)


def _require_name(field_name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(field_name, value, "a non-empty name (text)")
    return value


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
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, int | float)
        or not math.isfinite(temperature)
    ):
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
        if not isinstance(self.molality, Mapping):
            raise InputError("molality", self.molality, "a mapping of solute → mol/kg H2O")
        clean = _clean_composition(self.molality)
        ordered = {k: clean[k] for k in ION_KEYS if k in clean}
        object.__setattr__(self, "molality", ordered)
        _check_temperature(self.temperature, "temperature")
        _require_name("name", self.name)
        if self.pH is not None and not (
            isinstance(self.pH, int | float)
            and not isinstance(self.pH, bool)
            and 0.0 < self.pH < 14.0
        ):
            raise InputError("pH", self.pH, "a number between 0 and 14, or none")
        if self.density is not None:
            lo, hi = DENSITY_RANGE
            if not (
                isinstance(self.density, int | float)
                and not isinstance(self.density, bool)
                and lo <= self.density <= hi
            ):
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
        check_density: bool = True,
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
            Backend used to compute a missing density, or to check a given one.
        check_density
            Compare a density given with a per-volume analysis with the backend's density of
            the analysis (one density calculation), and refuse it beyond
            :data:`DENSITY_TOLERANCE`. Turn off only where the caller makes the same comparison
            itself (the CSV reader compares with the speciation it computes anyway).

        Raises
        ------
        InputError
            For a bad amount, unit, temperature, density or solute name, a solute given twice
            (``Na`` and ``Na+``), an analysis without ions of both signs, or a density that does
            not fit the composition.
        ChargeBalanceError
            If the imbalance exceeds 5 % and neither ``balance_on`` nor ``allow_imbalance``.
        """
        prepared = _prepare_analysis(
            composition, unit, temperature_c, density_g_cm3, balance_on, allow_imbalance, name
        )
        if prepared.density is None and prepared.unit in PER_VOLUME_UNITS:
            molality, density = _molality_with_computed_density(
                prepared.amounts, prepared.unit, prepared.temperature, backend
            )
            return prepared.build(molality, density, "computed", name=name, pH=pH, source=source)
        molality = _to_molality(prepared.amounts, prepared.unit, prepared.density)
        if prepared.density is not None and prepared.unit in PER_VOLUME_UNITS and check_density:
            _check_density_against_model(molality, prepared, backend)
        return prepared.build(
            molality,
            prepared.density,
            "given" if prepared.density is not None else "",
            name=name,
            pH=pH,
            source=source,
        )

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], *, backend: ThermoBackend | None = None
    ) -> Brine:
        """Build a brine from the brine-file mapping (see ``docs/cli.md``).

        Keys: ``name``, ``unit``, ``composition`` (required); ``density_g_cm3``,
        ``temperature_c``, ``pH``, ``balance_on``, ``allow_imbalance``, ``source`` (optional).
        """
        return cls.from_amounts(**mapping_arguments(data), backend=backend)

    @classmethod
    def many_from_mappings(
        cls,
        data: Sequence[Mapping[str, Any]],
        *,
        backend: ThermoBackend | None = None,
        check_density: bool = True,
        speciations: dict[int, Speciation] | None = None,
        density_guess: Callable[[Mapping[str, float], str], float | None] | None = None,
    ) -> list[Brine | BrineworksError]:
        """Many brine-file mappings at once: each a :class:`Brine` or the error it raised.

        Densities missing from per-volume analyses are computed for all of them together,
        through the backend's ``speciate_many`` where it has one (:func:`computed_densities`),
        instead of one fixed-point iteration per brine. Given a dict ``speciations``, the
        speciation (with saturation indices) that the density iteration ends on is kept in it,
        by position, for each brine whose density was computed: its caller need not speciate
        that brine again. ``density_guess(amounts, unit)`` may give a starting density
        [kg/m³] for the iteration (or None).
        """
        be = _backend(backend)
        out: list[Brine | BrineworksError] = []
        pending: list[tuple[int, _Prepared, dict[str, Any]]] = []
        for k, item in enumerate(data):
            try:
                args = mapping_arguments(item)
                prepared = _prepare_analysis(
                    args["composition"], args["unit"], args["temperature_c"],
                    args["density_g_cm3"], args["balance_on"], args["allow_imbalance"],
                    args["name"],
                )  # fmt: skip
                if prepared.density is None and prepared.unit in PER_VOLUME_UNITS:
                    pending.append((k, prepared, args))
                    out.append(InputError("density", None, "a computed density"))  # placeholder
                    continue
                out.append(cls.from_amounts(**args, backend=be, check_density=check_density))
            except BrineworksError as exc:
                out.append(exc)
        if pending:
            found = computed_densities(
                [(p.amounts, p.unit, p.temperature) for _, p, _ in pending],
                be,
                names=[str(args["name"]) for _, _, args in pending],
                saturation=speciations is not None,
                first_guess=(
                    None
                    if density_guess is None
                    else [density_guess(p.amounts, p.unit) or math.nan for _, p, _ in pending]
                ),
            )
            for (k, prepared, args), result in zip(pending, found, strict=True):
                if isinstance(result, BrineworksError):
                    out[k] = result
                    continue
                try:
                    brine = prepared.build(
                        result.molality, result.density, "computed",
                        name=args["name"], pH=args["pH"], source=args["source"],
                    )  # fmt: skip
                except BrineworksError as exc:
                    out[k] = exc
                    continue
                out[k] = brine
                if speciations is not None and result.speciation is not None and args["pH"] is None:
                    state = result.speciation
                    speciations[k] = replace(state, notes=(*brine.notes, *state.notes))
        return out

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
        p = Path(path) if isinstance(path, str | Path) else path
        text = read_text(p, "brine file")
        assert isinstance(p, Path)
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
            raise InputError(
                f"{self.name}: composition",
                {k: round(v, 6) for k, v in self.molality.items()},
                "an analysis with an anion (Cl, SO4, ...) on which to balance its cations",
            )
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


_MAPPING_KEYS = (
    "name", "unit", "composition", "density_g_cm3", "temperature_c", "pH",
    "balance_on", "allow_imbalance", "source",
)  # fmt: skip


def mapping_arguments(data: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of :meth:`Brine.from_amounts` read from a brine-file mapping,
    each checked for its type (numbers as numbers, names as text, one rule for booleans).

    Raises
    ------
    InputError
        For an unknown or missing key, or a value of the wrong type.
    """
    if not isinstance(data, Mapping):
        raise InputError("brine", data, "a table/object of brine keys: " + ", ".join(_MAPPING_KEYS))
    unknown = sorted((k for k in data if k not in _MAPPING_KEYS), key=str)
    if unknown:
        raise InputError(
            str(unknown[0]), data[unknown[0]], "one of the keys " + ", ".join(_MAPPING_KEYS)
        )
    for required in ("unit", "composition"):
        if data.get(required) is None:
            raise InputError(required, None, "a value (this key is required)")
    composition = data["composition"]
    if not isinstance(composition, Mapping):
        raise InputError("composition", composition, "a table of solute = amount")
    if not isinstance(data["unit"], str):
        raise InputError("unit", data["unit"], "one of " + ", ".join(UNITS))
    balance_on = data.get("balance_on")
    if balance_on is not None and not isinstance(balance_on, str):
        raise InputError("balance_on", balance_on, "the name of a charged solute, e.g. 'Cl'")
    source = data.get("source", "")
    if not isinstance(source, str):
        raise InputError("source", source, "text")
    return {
        "composition": composition,
        "unit": data["unit"],
        "name": _require_name("name", data.get("name", "brine")),
        "temperature_c": _number_or_default(data, "temperature_c", 25.0),
        "density_g_cm3": _optional_number(data, "density_g_cm3"),
        "pH": _optional_number(data, "pH"),
        "balance_on": balance_on,
        "allow_imbalance": parse_bool("allow_imbalance", data.get("allow_imbalance", False)),
        "source": source,
    }


def _number_or_default(data: Mapping[str, Any], key: str, default: float) -> float:
    value = _optional_number(data, key)
    return default if value is None else value


def _optional_number(data: Mapping[str, Any], key: str) -> float | None:
    if key not in data or data[key] is None:
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(key, value, "a finite number")
    return float(value)


def _clean_composition(composition: Mapping[Any, object]) -> dict[str, float]:
    """Solute → amount with canonical keys; each solute once, each amount finite and ≥ 0, at
    least one above zero; ``H2O``/``water`` entries are dropped (water is by difference)."""
    amounts: dict[str, float] = {}
    spelled: dict[str, str] = {}
    for raw_key, value in composition.items():
        if not isinstance(raw_key, str):
            raise InputError("composition", raw_key, "solute names as text, e.g. 'Na' or 'SO4'")
        if raw_key.strip().lower() in {"h2o", "water"}:
            continue
        key = normalise_ion(raw_key)
        amount = _check_amount(f"composition.{raw_key}", value)
        if key in amounts:
            raise InputError(
                f"composition.{raw_key}",
                value,
                f"each solute once ({spelled[key]!r} and {raw_key!r} are both {key})",
            )
        amounts[key] = amount
        spelled[key] = raw_key
    if not any(v > 0 for v in amounts.values()):
        raise InputError(
            "composition",
            dict(composition),
            "at least one solute above zero, as solute = amount (e.g. Na = 117, Cl = 181)",
        )
    return amounts


def _require_ions_of_both_signs(amounts: Mapping[str, float]) -> None:
    """An analysis with charged solutes needs cations and anions: the backends carry any
    imbalance on the dominant anion (the neutral-salt convention)."""
    charges = {ion(k).charge for k, v in amounts.items() if v > 0} - {0}
    if len(charges) == 1 or (charges and max(charges) * min(charges) > 0):
        sign = "cations" if max(charges) > 0 else "anions"
        other = "an anion (Cl, SO4, ...)" if sign == "cations" else "a cation (Na, K, ...)"
        raise InputError(
            "composition",
            {k: v for k, v in amounts.items() if v > 0},
            f"{other} as well: an analysis of {sign} only cannot be electrically neutral "
            "(give the missing ions, or balance_on one of them)",
        )


@dataclass(frozen=True)
class _Prepared:
    """An analysis checked and balanced, before its conversion to molalities."""

    unit: Unit
    amounts: dict[str, float]
    temperature: float  # [K]
    density: float | None  # given [kg/m³]
    notes: tuple[str, ...]
    check_balance: bool

    def build(
        self,
        molality: Mapping[str, float],
        density: float | None,
        density_source: str,
        *,
        name: str,
        pH: float | None,
        source: str,
    ) -> Brine:
        notes = self.notes
        if density_source == "computed" and density is not None:
            notes = (*notes, f"density {density / 1000:.4f} g/cm³ computed by the backend")
        brine = Brine(
            molality=dict(molality),
            temperature=self.temperature,
            name=_require_name("name", name),
            pH=pH,
            density=density,
            density_source=density_source,
            source=source,
            notes=notes,
        )
        if self.check_balance:
            brine.check_charge_balance()
        return brine


def _prepare_analysis(
    composition: Mapping[str, object],
    unit: str,
    temperature_c: float,
    density_g_cm3: float | None,
    balance_on: str | None,
    allow_imbalance: bool,
    name: str = "brine",
) -> _Prepared:
    """Check an analysis and balance it if asked. Where a density must be computed, the charge
    balance is checked first, on the analysis itself (it does not depend on the basis)."""
    if not isinstance(composition, Mapping):
        raise InputError("composition", composition, "a mapping of solute → amount")
    canonical_unit = normalise_unit(unit)
    if isinstance(temperature_c, bool) or not isinstance(temperature_c, int | float):
        raise InputError("temperature_c", temperature_c, "a number of degrees Celsius")
    temperature = _check_temperature(float(temperature_c) + KELVIN_OFFSET, "temperature_c")
    amounts = _clean_composition(composition)
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
    allow = parse_bool("allow_imbalance", allow_imbalance)
    _require_ions_of_both_signs(amounts)
    if balance_on is None and not allow and density is None and canonical_unit in PER_VOLUME_UNITS:
        _check_amounts_balance(amounts, canonical_unit, name)
    return _Prepared(
        unit=canonical_unit,
        amounts=amounts,
        temperature=temperature,
        density=density,
        notes=tuple(notes),
        check_balance=balance_on is None and not allow,
    )


def _check_amounts_balance(amounts: Mapping[str, float], unit: Unit, name: str) -> None:
    """The charge balance of an analysis in its own unit (equivalents per the same basis)."""
    cations = sum(
        ion(k).charge * v * _per_mole(unit, k) for k, v in amounts.items() if ion(k).charge > 0
    )
    anions = -sum(
        ion(k).charge * v * _per_mole(unit, k) for k, v in amounts.items() if ion(k).charge < 0
    )
    total = cations + anions
    percent = 0.0 if total == 0 else 100.0 * (cations - anions) / total
    if abs(percent) > IMBALANCE_LIMIT:
        basis = "L" if unit in PER_VOLUME_UNITS else "kg"
        raise ChargeBalanceError(
            f"{name}: charge balance",
            f"{percent:+.2f} % (cations {cations:.5g} eq/{basis}, anions {anions:.5g} eq/{basis})",
            f"an imbalance within ±{IMBALANCE_LIMIT:g} %; pass balance_on (e.g. 'Cl') "
            "or allow_imbalance to accept it",
        )


def _check_density_against_model(
    molality: Mapping[str, float], prepared: _Prepared, backend: ThermoBackend | None
) -> None:
    """Refuse a given density that the composition it converts cannot have."""
    assert prepared.density is not None
    given = prepared.density
    try:
        model = _backend(backend).density(molality, prepared.temperature)
    except BrineworksError as exc:
        raise InputError(
            "density_g_cm3",
            given / 1000.0,
            "a density that fits the analysis: with this one the solutes would be at "
            f"{max(molality.values()):.4g} mol/kg water, which the model cannot represent ({exc})",
        ) from None
    check_given_density(given, model)


def check_given_density(given: float, model: float) -> None:
    """Raise unless a given density [kg/m³] is within :data:`DENSITY_TOLERANCE` of the model's
    density [kg/m³] of the same analysis.

    Raises
    ------
    InputError
        Naming both densities.
    """
    if abs(given - model) > DENSITY_TOLERANCE * model:
        raise InputError(
            "density_g_cm3",
            round(given / 1000.0, 6),
            f"a density within {100 * DENSITY_TOLERANCE:g} % of the model's "
            f"{model / 1000:.4f} g/cm³ for this analysis at that density (check the units and "
            "the density, or leave the density out to have it computed)",
        )


def _backend(backend: ThermoBackend | None) -> ThermoBackend:
    return backend if backend is not None else get_backend()


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
    amounts: Mapping[str, float],
    unit: Unit,
    temperature: float,
    backend: ThermoBackend | None,
    start: float | None = None,
    rtol: float = 1e-9,
) -> tuple[dict[str, float], float]:
    """The fixed point density → molality → backend density, to ``rtol``: a fixed-point step
    from the first guess (or ``start`` [kg/m³]), then secant steps."""
    be = _backend(backend)
    grams = sum(_to_grams_per_litre(amounts, unit).values())
    rho = start if start is not None and start > grams + 1.0 else _first_density(grams)
    prev: float | None = None
    prev_f: float | None = None
    for _ in range(50):
        molality = _to_molality(amounts, unit, rho)
        new_rho = be.density(molality, temperature)
        f = new_rho - rho
        if abs(f) <= rtol * rho:
            return _to_molality(amounts, unit, new_rho), new_rho
        step = new_rho
        if prev is not None and prev_f is not None and prev_f != f:
            step = rho - f * (rho - prev) / (f - prev_f)
        prev, prev_f = rho, f
        rho = max(step, grams + 1.0)
    raise ChemistryError(f"density iteration did not converge for {dict(amounts)} {unit}")


def _trusted_brine(molality: dict[str, float], temperature: float, name: str) -> Brine:
    """A brine from molalities already checked (canonical keys, finite, ≥ 0) and a checked
    temperature [K]: built without the checks, for the inner loop of a density iteration."""
    brine = object.__new__(Brine)
    ordered = {k: molality[k] for k in ION_KEYS if k in molality}
    for attr, value in (
        ("molality", ordered), ("temperature", temperature), ("name", name), ("pH", None),
        ("density", None), ("density_source", ""), ("source", ""), ("notes", ()),
        ("exact", False),
    ):  # fmt: skip
        object.__setattr__(brine, attr, value)
    return brine


def _first_density(grams: float) -> float:
    """First guess of a brine's density from its dissolved solids [g/L]. [kg/m³]"""
    return max(1000.0 + 0.7 * grams, grams + 100.0)


@dataclass(frozen=True)
class ComputedDensity:
    """The density of a per-volume analysis and the molalities it gives.

    Attributes
    ----------
    molality
        Solute molalities. [mol/kg H2O]
    density
        The model's density at these molalities. [kg/m³]
    speciation
        The backend's speciation at these molalities, when it was kept.
    """

    molality: dict[str, float]
    density: float
    speciation: Speciation | None = None


def computed_densities(
    analyses: Sequence[tuple[Mapping[str, float], str, float]],
    backend: ThermoBackend | None = None,
    *,
    names: Sequence[str] | None = None,
    rtol: float = 1e-9,
    saturation: bool = False,
    first_guess: Sequence[float] | None = None,
) -> list[ComputedDensity | BrineworksError]:
    """Densities of many per-volume analyses at once, each with the molalities it gives.

    The density of a g/L (mg/L, mol/L) analysis and its molalities depend on each other; each
    is the fixed point of density → molality → model density. Here all analyses iterate
    together, each evaluation one ``speciate_many`` call of the backend (one call per brine for
    a backend without it), with secant steps after the first, to ``rtol``. With ``saturation``
    the evaluations include saturation indices and the last one is kept
    (:attr:`ComputedDensity.speciation`): for a batch backend that costs nothing extra.

    Parameters
    ----------
    analyses
        (solute → amount, unit, temperature [K]) per analysis.
    backend
        Thermodynamic backend.
    names
        Names used in error messages.
    rtol
        Relative convergence of the density. [-]
    saturation
        Keep the speciation (with saturation indices) of the converged molalities.
    first_guess
        A starting density per analysis (e.g. from a fit to similar analyses), used where it is
        finite and above the dissolved solids. [kg/m³]

    Returns
    -------
    list
        Per analysis, a :class:`ComputedDensity` or the error it raised.
    """
    be = _backend(backend)
    many = getattr(be, "speciate_many", None)
    n = len(analyses)
    labels = list(names) if names is not None else [f"analysis {k + 1}" for k in range(n)]
    units = [normalise_unit(u) for _, u, _ in analyses]
    if many is None:
        out: list[ComputedDensity | BrineworksError] = []
        starts = list(first_guess) if first_guess is not None else [None] * n
        for (amounts, _, t), unit, start in zip(analyses, units, starts, strict=True):
            try:
                guess = start if isinstance(start, float) and math.isfinite(start) else None
                molality, density = _molality_with_computed_density(
                    amounts, unit, t, be, guess, rtol
                )
                out.append(ComputedDensity(molality, density))
            except BrineworksError as exc:
                out.append(exc)
        return out

    grams = [
        sum(_to_grams_per_litre(a, u).values())
        for (a, _, _), u in zip(analyses, units, strict=True)
    ]
    rho = [_first_density(g) for g in grams]
    if first_guess is not None:
        rho = [
            r if not (isinstance(g, float) and math.isfinite(g) and g > m + 1.0) else g
            for r, g, m in zip(rho, first_guess, grams, strict=True)
        ]
    prev: list[float | None] = [None] * n
    prev_f: list[float | None] = [None] * n
    result: list[ComputedDensity | BrineworksError | None] = [None] * n
    active = list(range(n))
    for _ in range(50):
        if not active:
            break
        brines: list[Brine] = []
        members: list[int] = []
        for k in active:
            try:
                molality = _to_molality(analyses[k][0], units[k], rho[k])
                brines.append(_trusted_brine(molality, analyses[k][2], labels[k]))
                members.append(k)
            except BrineworksError as exc:
                result[k] = exc
        states = batch_isolating_errors(lambda b: many(b, saturation=saturation), brines)
        still: list[int] = []
        for k, brine, state in zip(members, brines, states, strict=True):
            if isinstance(state, BrineworksError):
                result[k] = state
                continue
            new_rho = state.density
            f = new_rho - rho[k]
            if abs(f) <= rtol * rho[k]:
                result[k] = ComputedDensity(
                    dict(brine.molality), new_rho, state if saturation else None
                )
                continue
            p, pf = prev[k], prev_f[k]
            step = new_rho
            if p is not None and pf is not None and pf != f:
                step = rho[k] - f * (rho[k] - p) / (f - pf)
            prev[k], prev_f[k] = rho[k], f
            rho[k] = max(step, grams[k] + 1.0)
            still.append(k)
        active = still
    final: list[ComputedDensity | BrineworksError] = []
    for k in range(n):
        r = result[k]
        if r is None:
            r = ChemistryError(
                f"density iteration did not converge for {labels[k]} ({dict(analyses[k][0])} "
                f"{units[k]})"
            )
        final.append(r)
    return final


T = TypeVar("T")
U = TypeVar("U")


def batch_isolating_errors(
    func: Callable[[list[T]], Sequence[U]], items: Sequence[T]
) -> list[U | BrineworksError]:
    """``func(items)`` in one call; if it raises a :class:`BrineworksError`, the same on each
    half, down to single items, so that each failure is reported against its own item and the
    others keep their batch results."""
    if not items:
        return []
    try:
        found = list(func(list(items)))
    except BrineworksError as exc:
        if len(items) == 1:
            return [exc]
        mid = len(items) // 2
        return [
            *batch_isolating_errors(func, items[:mid]),
            *batch_isolating_errors(func, items[mid:]),
        ]
    if len(found) != len(items):
        raise ChemistryError(f"a batch of {len(items)} returned {len(found)} results")
    return list(found)


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
    if not isinstance(name, str):
        raise InputError(
            "brine", name, "a catalogue name: " + ", ".join(e.slug for e in catalogue())
        )
    wanted = slugify(name)
    for entry in catalogue():
        if entry.slug == wanted:
            return entry
    raise InputError("brine", name, "a catalogue name: " + ", ".join(e.slug for e in catalogue()))
