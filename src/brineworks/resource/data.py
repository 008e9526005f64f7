"""The reservoir data files (``data/resource``): brines and waters, parameters, histories.

Every row carries its source (a code of ``data/resource/sources.csv``), the year of the fact and
its status (``sourced``, ``derived`` or ``assumption``; an assumption has a range).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine
from brineworks.data import read_rows
from brineworks.errors import InputError

__all__ = [
    "Parameter",
    "history",
    "parameter",
    "parameters",
    "resource_brine",
    "resource_brine_names",
    "sources",
]

_SOLUTES = ("Li", "Na", "K", "Mg", "Ca", "Sr", "Cl", "SO4", "B", "HCO3")


@dataclass(frozen=True)
class Parameter:
    """One fact or assumption of ``parameters.csv``.

    Attributes
    ----------
    value
        The value, in ``unit``.
    low, high
        Range of an assumption (``None`` for a sourced fact without one).
    """

    site: str
    zone: str
    quantity: str
    value: float
    unit: str
    low: float | None
    high: float | None
    source: str
    year: str
    status: str
    note: str


@cache
def parameters() -> tuple[Parameter, ...]:
    """Every row of ``data/resource/parameters.csv``."""
    out = []
    for r in read_rows("resource", "parameters.csv"):
        out.append(
            Parameter(
                site=r["site"],
                zone=r["zone"],
                quantity=r["quantity"],
                value=float(r["value"]),
                unit=r["unit"],
                low=float(r["low"]) if r["low"] else None,
                high=float(r["high"]) if r["high"] else None,
                source=r["source"],
                year=r["year"],
                status=r["status"],
                note=r["note"],
            )
        )
    return tuple(out)


def parameter(site: str, zone: str, quantity: str) -> Parameter:
    """The row of ``parameters.csv`` for one site, zone and quantity.

    Raises
    ------
    InputError
        If there is no such row.
    """
    for p in parameters():
        if (p.site, p.zone, p.quantity) == (site, zone, quantity):
            return p
    raise InputError("resource parameter", f"{site}/{zone}/{quantity}", "a row of parameters.csv")


@cache
def _brine_rows() -> dict[str, dict[str, str]]:
    return {r["name"]: r for r in read_rows("resource", "brines.csv")}


def resource_brine_names() -> tuple[str, ...]:
    """Names of the brines and waters of ``data/resource/brines.csv``."""
    return tuple(_brine_rows())


def resource_brine(name: str, *, temperature_c: float, backend: ThermoBackend) -> Brine:
    """A brine by name: from ``data/resource/brines.csv``, else from the main catalogue.

    Parameters
    ----------
    name
        Name in the resource table or slug of the main catalogue.
    temperature_c
        Temperature. [°C]
    backend
        Backend for a density that is not given.

    Raises
    ------
    InputError
        If the name is in neither table.
    """
    row = _brine_rows().get(name)
    if row is None:
        return Brine.from_catalogue(name, temperature_c=temperature_c, backend=backend)
    amounts = {k: float(row[k]) for k in _SOLUTES if row[k].strip()}
    return Brine.from_amounts(
        amounts, row["unit"], name=name, temperature_c=temperature_c,
        density_g_cm3=float(row["density_g_cm3"]) if row["density_g_cm3"] else None,
        balance_on=row["balance_on"] or None, source=row["source"], backend=backend,
    )  # fmt: skip


def history() -> list[dict[str, str]]:
    """Rows of ``data/resource/history.csv`` (production and grade histories)."""
    return read_rows("resource", "history.csv")


def sources() -> Mapping[str, dict[str, str]]:
    """Source code → its row of ``data/resource/sources.csv``."""
    return {r["code"]: r for r in read_rows("resource", "sources.csv")}
