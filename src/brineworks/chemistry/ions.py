"""The solutes Brineworks understands: names, aliases, charges and molar masses.

Amounts of each solute are stored per *formula unit as given* (``SO4`` as sulfate, ``B`` as
boron, ``CO3`` as carbonate), exactly as brine analyses report them. Charges are the nominal
ones used for the charge balance of an analysis (boron counts as neutral boric acid).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from brineworks.errors import InputError

__all__ = ["ION_KEYS", "Ion", "atomic_weights", "ion", "normalise_ion"]


@dataclass(frozen=True)
class Ion:
    """A solute as it appears in a brine analysis.

    Attributes
    ----------
    key
        Canonical name used throughout Brineworks (``"Li"``, ``"SO4"``).
    charge
        Nominal charge used in the charge balance. [-]
    formula
        Elemental formula of the formula unit, e.g. ``{"S": 1, "O": 4}``.
    phreeqc
        PHREEQC master-species name the amount is given to (``"S(6)"``).
    element
        The element used for "molality by element" results (``"S"`` for sulfate).
    aliases
        Other spellings accepted on input (case-insensitive).
    """

    key: str
    charge: int
    formula: tuple[tuple[str, int], ...]
    phreeqc: str
    element: str
    aliases: tuple[str, ...] = ()

    @property
    def molar_mass(self) -> float:
        """Molar mass of the formula unit. [g/mol]"""
        weights = atomic_weights()
        return sum(weights[el] * n for el, n in self.formula)

    @property
    def molar_mass_si(self) -> float:
        """Molar mass of the formula unit. [kg/mol]"""
        return self.molar_mass / 1000.0


_IONS: tuple[Ion, ...] = (
    Ion("Li", +1, (("Li", 1),), "Li", "Li", ("li+", "lithium")),
    Ion("Na", +1, (("Na", 1),), "Na", "Na", ("na+", "sodium")),
    Ion("K", +1, (("K", 1),), "K", "K", ("k+", "potassium")),
    Ion("Mg", +2, (("Mg", 1),), "Mg", "Mg", ("mg+2", "mg2+", "mg++", "magnesium")),
    Ion("Ca", +2, (("Ca", 1),), "Ca", "Ca", ("ca+2", "ca2+", "ca++", "calcium")),
    Ion("Sr", +2, (("Sr", 1),), "Sr", "Sr", ("sr+2", "sr2+", "strontium")),
    Ion("Cl", -1, (("Cl", 1),), "Cl", "Cl", ("cl-", "chloride")),
    Ion("Br", -1, (("Br", 1),), "Br", "Br", ("br-", "bromide")),
    Ion(
        "SO4",
        -2,
        (("S", 1), ("O", 4)),
        "S(6)",
        "S",
        ("so4-2", "so42-", "so4--", "sulfate", "sulphate"),
    ),
    Ion("B", 0, (("B", 1),), "B", "B", ("boron", "b(oh)3")),
    Ion("CO3", -2, (("C", 1), ("O", 3)), "C(4)", "C", ("co3-2", "co32-", "carbonate")),
    Ion("HCO3", -1, (("H", 1), ("C", 1), ("O", 3)), "C(4)", "C", ("hco3-", "bicarbonate")),
)

_BY_NAME: dict[str, Ion] = {}
for _ion in _IONS:
    _BY_NAME[_ion.key.lower()] = _ion
    for _alias in _ion.aliases:
        _BY_NAME[_alias.lower()] = _ion

_BY_KEY: dict[str, Ion] = {i.key: i for i in _IONS}  # canonical keys, the common case

ION_KEYS: tuple[str, ...] = tuple(i.key for i in _IONS)
"""Canonical solute names, in the order results list them."""


@cache
def atomic_weights() -> dict[str, float]:
    """Standard atomic weights used for every mass conversion (IUPAC 2021). [g/mol]"""
    text = files("brineworks.data").joinpath("atomic_weights.csv").read_text(encoding="utf-8")
    return {
        row["element"]: float(row["atomic_weight_g_mol"])
        for row in csv.DictReader(text.splitlines())
    }


def normalise_ion(name: str, field: str = "composition") -> str:
    """Return the canonical key of a solute name given in any accepted spelling.

    Parameters
    ----------
    name
        Name as written in an analysis, e.g. ``"Mg2+"``, ``"sulfate"``, ``"li"``.
    field
        Field name used in the error message.

    Raises
    ------
    InputError
        If the name is not a known solute.

    Examples
    --------
    >>> normalise_ion("Mg2+"), normalise_ion("sulphate")
    ('Mg', 'SO4')
    """
    found = _BY_KEY.get(name) if isinstance(name, str) else None
    if found is None:
        found = _BY_NAME.get(str(name).strip().lower())
    if found is None:
        raise InputError(f"{field}.{name}", name, "one of " + ", ".join(ION_KEYS))
    return found.key


def ion(key: str) -> Ion:
    """Return the :class:`Ion` for a canonical key or any accepted alias."""
    found = _BY_KEY.get(key)
    return found if found is not None else _BY_NAME[normalise_ion(key).lower()]
