"""Ecological footprint of a park beside the lake: land under ponds and salt stockpiles (growing
year on year), fresh water, CO2, returned brine and dust-prone stockpile area, each against a
stated limit or published red line where one was found (``data/impact/footprint_limits.csv``).

A stockpile takes ``t/yr ÷ bulk density ÷ pile height`` of new land each year
(``data/impact/stockpiles.csv``, ``pile_height_m`` of ``parameters.csv``); residues left on a pond
floor and liquids take none. The result's :meth:`Footprint.constraints` lists the quantities
that have a limit, for a planner to use as constraints (``value ≤ limit``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from brineworks.data import read_rows
from brineworks.errors import InputError
from brineworks.impact.io import impact_parameter

__all__ = ["Footprint", "FootprintItem", "Stockpile", "footprint", "stockpile_table"]

_DEFAULT_DENSITY = 1.2
"""Bulk density given to a waste solid not in stockpiles.csv (that of piled halite). [t/m³]"""


@cache
def stockpile_table() -> dict[str, dict[str, str]]:
    """Rows of ``data/impact/stockpiles.csv`` by stream name."""
    return {r["stream"]: r for r in read_rows("impact", "stockpiles.csv")}


@cache
def _limits() -> dict[str, dict[str, str]]:
    return {r["quantity"]: r for r in read_rows("impact", "footprint_limits.csv")}


@dataclass(frozen=True)
class Stockpile:
    """One waste solid and the land it takes."""

    stream: str
    material: str
    t_per_yr: float
    placement: str
    bulk_density_t_m3: float | None
    land_km2_per_yr: float
    dust_prone: bool

    def to_dict(self) -> dict[str, Any]:
        """All fields as a dict."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class FootprintItem:
    """One footprint quantity against its limit.

    Attributes
    ----------
    quantity
        Key (as in ``footprint_limits.csv``).
    value
        The park's value, or ``None`` where it was not assessed.
    unit
        Unit of value and limit.
    limit
        The limit, or ``None`` where none is known.
    limit_source, limit_status
        Where the limit comes from; ``R``/``R-weak``/``given``/``not_found``.
    """

    quantity: str
    value: float | None
    unit: str
    limit: float | None
    limit_source: str
    limit_status: str
    note: str = ""

    @property
    def status(self) -> str:
        """``within``, ``exceeds``, ``no limit`` or ``not assessed``."""
        if self.value is None:
            return "not assessed"
        if self.limit is None:
            return "no limit"
        return "within" if self.value <= self.limit else "exceeds"

    @property
    def share_of_limit(self) -> float | None:
        """Value over limit, where both exist and the limit is positive. [-]"""
        if self.value is None or not self.limit:
            return None
        return self.value / self.limit

    def to_dict(self) -> dict[str, Any]:
        """Fields with ``status`` and ``share_of_limit``."""
        d = dict(self.__dict__)
        d.update(status=self.status, share_of_limit=self.share_of_limit)
        return d


@dataclass(frozen=True)
class Footprint:
    """The park's footprint after ``years`` years of operation."""

    items: tuple[FootprintItem, ...]
    stockpiles: tuple[Stockpile, ...]
    years: int
    stockpile_land_km2_by_year: tuple[float, ...]
    co2_intensity_kg_per_t: float | None
    notes: tuple[str, ...] = ()

    def item(self, quantity: str) -> FootprintItem:
        """The item of ``quantity``."""
        for it in self.items:
            if it.quantity == quantity:
                return it
        raise InputError("quantity", quantity, ", ".join(i.quantity for i in self.items))

    def constraints(self) -> list[dict[str, Any]]:
        """``[{"name", "value", "limit", "unit"}]`` for every quantity with a limit and a value:
        a plan keeps ``value ≤ limit``."""
        return [
            {"name": i.quantity, "value": i.value, "limit": i.limit, "unit": i.unit}
            for i in self.items
            if i.limit is not None and i.value is not None
        ]

    def to_dict(self) -> dict[str, Any]:
        """Items by quantity, stockpiles, the land of piles year by year, CO2 intensity."""
        return {
            "years": self.years,
            "items": {i.quantity: i.to_dict() for i in self.items},
            "stockpiles": [s.to_dict() for s in self.stockpiles],
            "stockpile_land_km2_by_year": list(self.stockpile_land_km2_by_year),
            "co2_intensity_kg_per_t": self.co2_intensity_kg_per_t,
            "constraints": self.constraints(),
            "notes": list(self.notes),
        }

    @classmethod
    def from_results(
        cls,
        data: Mapping[str, Any],
        pond_area_km2: float | None = None,
        years: int = 20,
        quotas: Mapping[str, float] | None = None,
        land_in_red_line_km2: float | None = None,
    ) -> Footprint:
        """Footprint of a ``results.json`` dict; pond areas are not in it and are passed (the
        report reads them from the pond-train result)."""
        try:
            waste = {
                str(s["name"]): float(sum(s["t_per_yr"].values()))
                for s in data["streams"]
                if s.get("fate") == "waste"
            }
            ind = data["indicators"]
            energy = data.get("energy") or {}
        except (KeyError, TypeError, AttributeError):
            raise InputError("results", "no streams/indicators", "a results.json of "
                             "'brineworks run'") from None  # fmt: skip
        return footprint(
            pond_area_km2=pond_area_km2,
            waste_t_per_yr=waste,
            fresh_water_m3_per_yr=ind.get("fresh_water_m3_per_yr"),
            # all scopes where the results have them (assess.carbon), else electricity only
            co2_t_per_yr=(data.get("carbon") or {}).get(
                "total_t_per_yr", energy.get("indirect_co2_t_per_yr")
            ),
            products_t_per_yr=ind.get("products_t_per_yr"),
            returned_brine_t_per_yr=ind.get("returned_to_lake_t_per_yr"),
            years=years,
            quotas=quotas,
            land_in_red_line_km2=land_in_red_line_km2,
        )


def footprint(
    pond_area_km2: float | None,
    waste_t_per_yr: Mapping[str, float],
    fresh_water_m3_per_yr: float | None = None,
    co2_t_per_yr: float | None = None,
    products_t_per_yr: float | None = None,
    returned_brine_t_per_yr: float | None = None,
    years: int = 20,
    quotas: Mapping[str, float] | None = None,
    land_in_red_line_km2: float | None = None,
    pile_height_m: float | None = None,
) -> Footprint:
    """Footprint of a park.

    Parameters
    ----------
    pond_area_km2
        Area of all solar ponds; ``None`` if unknown. [km²]
    waste_t_per_yr
        Waste solids by stream name (as in ``results.json``). [t/yr]
    fresh_water_m3_per_yr, co2_t_per_yr, returned_brine_t_per_yr
        Fresh water drawn [m³/yr], CO2 (all scopes) [t/yr], brine returned to the lake [t/yr].
    products_t_per_yr
        All products, for the CO2 intensity. [t/yr]
    years
        Years of operation for the stockpiles' land.
    quotas
        Limits given by the user, by quantity; they replace those of the data file.
    land_in_red_line_km2
        Land of ponds and piles inside the ecological protection red line; ``None``: not
        assessed (needs the red-line map). [km²]
    pile_height_m
        Mean pile height; default ``pile_height_m`` of ``parameters.csv``. [m]
    """
    if years < 1:
        raise InputError("years", years, ">= 1")
    height = impact_parameter("pile_height_m") if pile_height_m is None else pile_height_m
    if not height > 0:
        raise InputError("pile_height_m", height, "> 0")
    table = stockpile_table()
    notes = []
    piles = []
    for name, t in waste_t_per_yr.items():
        row = table.get(name)
        if row is None:
            notes.append(f"waste '{name}' not in stockpiles.csv: piled at {_DEFAULT_DENSITY} t/m3")
            row = {"material": "unknown", "placement": "pile", "dust_prone": "1",
                   "bulk_density_t_m3": str(_DEFAULT_DENSITY)}  # fmt: skip
        density = float(row["bulk_density_t_m3"]) if row["bulk_density_t_m3"] else None
        new = t / density / height / 1e6 if row["placement"] == "pile" and density else 0.0
        piles.append(Stockpile(name, row["material"], t, row["placement"], density, new,
                               row["dust_prone"] == "1"))  # fmt: skip
    per_year = sum(p.land_km2_per_yr for p in piles)
    dust_per_year = sum(p.land_km2_per_yr for p in piles if p.dust_prone)
    by_year = tuple(per_year * (k + 1) for k in range(years))
    limits = _limits()
    given = dict(quotas or {})
    unknown = set(given) - set(limits)
    if unknown:
        raise InputError("quota", sorted(unknown), ", ".join(limits))

    def item(q: str, value: float | None, note: str = "") -> FootprintItem:
        row = limits[q]
        if q in given:
            return FootprintItem(q, value, row["unit"], float(given[q]), "given by the user",
                                 "given", note)  # fmt: skip
        lim = float(row["limit"]) if row["limit"] else None
        return FootprintItem(q, value, row["unit"], lim, row["source"], row["status"], note)

    total_land = None if pond_area_km2 is None else pond_area_km2 + by_year[-1]
    items = (
        item("pond_and_pile_land_km2", total_land,
             f"ponds {pond_area_km2} km2 + piles after {years} years"),
        item("land_in_red_line_km2", land_in_red_line_km2),
        item("fresh_water_m3_per_yr", fresh_water_m3_per_yr),
        item("co2_t_per_yr", co2_t_per_yr, "CO2 of scopes 1, 2 and 3 upstream (results carbon)"),
        item("returned_brine_t_per_yr", returned_brine_t_per_yr),
        item("dust_prone_area_km2", dust_per_year * years, f"after {years} years"),
    )  # fmt: skip
    intensity = (
        1000.0 * co2_t_per_yr / products_t_per_yr
        if co2_t_per_yr is not None and products_t_per_yr
        else None
    )
    notes.append(
        f"pile height {height:g} m; stockpiles take {per_year:.3g} km2 of new land per year "
        f"({dust_per_year:.3g} km2 dust-prone)"
    )
    return Footprint(items, tuple(piles), years, by_year, intensity, tuple(notes))
