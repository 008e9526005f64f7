"""Typed results of a reservoir run: one row per zone and year, the park's products, the
element balance and the depletion years.

``ReservoirResult.to_dict()`` is the ``reservoir.json`` of ``brineworks reservoir``:
``{"zones": [...], "years": [...], "depletion_year": {el: year | null}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ElementBalance", "ParkRecord", "ReservoirResult", "ZoneYear"]


@dataclass(frozen=True)
class ZoneYear:
    """One zone at the end of one year (year ``start_year``: the initial state).

    Attributes
    ----------
    year
        Calendar year (``start_year`` + years run).
    zone
        Zone name.
    brine_m3
        Volume of brine. [m³]
    grade_g_per_l
        Concentration of each element in the brine. [g/L]
    stock_t
        Mass of each element in the brine. [t]
    solid_t
        Mass of each element in the solids of the bed and the ore. [t]
    pumped_m3
        Brine pumped in the year. [m³]
    returned_m3
        Park streams returned to the zone in the year (with the conversion's). [m³]
    recharge_m3
        Inflows in the year (and the conversion's dilution water). [m³]
    level_m
        Brine level relative to the start (brine volume change over area × specific yield). [m]
    solids_t
        Mass of each solid phase in the bed and the ore. [t]
    converted_t
        Element dissolved from the ore by the conversion in the year (negative: deposited). [t]
    density_kg_m3
        Density of the brine. [kg/m³]
    """

    year: int
    zone: str
    brine_m3: float
    grade_g_per_l: Mapping[str, float]
    stock_t: Mapping[str, float]
    solid_t: Mapping[str, float]
    pumped_m3: float
    returned_m3: float
    recharge_m3: float
    level_m: float = 0.0
    solids_t: Mapping[str, float] = field(default_factory=dict)
    converted_t: Mapping[str, float] = field(default_factory=dict)
    density_kg_m3: float = 0.0

    def kcl_wt_percent(self) -> float:
        """KCl grade of the brine, as potash deposits are graded. [wt%]"""
        if self.density_kg_m3 <= 0:
            return float("nan")
        return 100.0 * self.grade_g_per_l.get("K", 0.0) * 74.551 / 39.098 / self.density_kg_m3

    def to_dict(self) -> dict[str, Any]:
        """The row of ``reservoir.json`` (the issue's keys only)."""
        return {
            "year": self.year,
            "zone": self.zone,
            "brine_m3": self.brine_m3,
            "grade_g_per_l": dict(self.grade_g_per_l),
            "stock_t": dict(self.stock_t),
            "solid_t": dict(self.solid_t),
            "pumped_m3": self.pumped_m3,
            "returned_m3": self.returned_m3,
            "recharge_m3": self.recharge_m3,
        }


@dataclass(frozen=True)
class ParkRecord:
    """The park in one year.

    Attributes
    ----------
    year
        Calendar year.
    solved
        Whether the park was solved this year (else scaled from the last solve).
    pumped_m3
        Brine fed to the park. [m³]
    grade_g_per_l
        Concentration of each element in the brine fed. [g/L]
    products_t
        Product stream → component → mass. [t/yr]
    """

    year: int
    solved: bool
    pumped_m3: float
    grade_g_per_l: Mapping[str, float]
    products_t: Mapping[str, Mapping[str, float]]

    def product(self, stream: str, component: str | None = None) -> float:
        """One product: a component of a stream, or the whole stream. [t/yr]"""
        comps = self.products_t.get(stream, {})
        if component is None:
            return float(sum(comps.values()))
        return float(comps.get(component, 0.0))


@dataclass(frozen=True)
class ElementBalance:
    """The balance of one element (or of water, ``"H2O"``) over the whole run, in mol (kg for
    water): initial + in − out = final, to rounding.

    Attributes
    ----------
    initial
        In the brine and the solids at the start.
    inflow
        Inflows, returns and conversion water.
    outflow
        Pumped (and, for water, evaporated).
    final
        In the brine and the solids at the end.
    """

    initial: float
    inflow: float
    outflow: float
    final: float

    @property
    def residual(self) -> float:
        """initial + in − out − final."""
        return self.initial + self.inflow - self.outflow - self.final

    @property
    def relative(self) -> float:
        """|residual| over the largest of the four terms. [-]"""
        scale = max(abs(self.initial), abs(self.inflow), abs(self.outflow), abs(self.final))
        return abs(self.residual) / scale if scale > 0 else 0.0


@dataclass(frozen=True)
class ReservoirResult:
    """A reservoir run.

    Attributes
    ----------
    zones
        The zones as plain dicts (name, area, thickness, specific yield, pumped share).
    rows
        One row per zone and year, years in order.
    park
        One record per year run (none for year ``start_year``).
    depletion_year
        First year the pumped brine fell below each element's cut-off grade (``None``: not
        within the run).
    balance
        Element → its balance over the run (``"H2O"``: water, in kg).
    options
        How it was run (years, every, returns, conversion, park solves, seconds).
    """

    zones: tuple[Mapping[str, Any], ...]
    rows: tuple[ZoneYear, ...]
    park: tuple[ParkRecord, ...]
    depletion_year: Mapping[str, int | None]
    balance: Mapping[str, ElementBalance]
    options: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The ``reservoir.json`` form."""
        return {
            "zones": [dict(z) for z in self.zones],
            "years": [r.to_dict() for r in self.rows],
            "depletion_year": dict(self.depletion_year),
        }

    def zone_rows(self, zone: str) -> list[ZoneYear]:
        """The rows of one zone, in year order."""
        return [r for r in self.rows if r.zone == zone]

    def row(self, zone: str, year: int) -> ZoneYear:
        """The row of one zone and year.

        Raises
        ------
        KeyError
            If there is none.
        """
        for r in self.rows:
            if r.zone == zone and r.year == year:
                return r
        raise KeyError((zone, year))

    def pumped_grade(self) -> dict[int, Mapping[str, float]]:
        """Year → concentration of each element in the brine fed to the park. [g/L]"""
        return {p.year: p.grade_g_per_l for p in self.park}

    def products(self, stream: str, component: str | None = None) -> dict[int, float]:
        """Year → one product of the park. [t/yr]"""
        return {p.year: p.product(stream, component) for p in self.park}

    def max_relative_imbalance(self) -> float:
        """The worst relative residual of the element balances. [-]"""
        return max((b.relative for b in self.balance.values()), default=0.0)

    def csv_rows(self) -> list[dict[str, Any]]:
        """The rows flattened for a CSV: one column per quantity and element."""
        elements = sorted({el for r in self.rows for el in (*r.stock_t, *r.solid_t)})
        out = []
        for r in self.rows:
            row: dict[str, Any] = {
                "year": r.year, "zone": r.zone, "brine_m3": r.brine_m3, "level_m": r.level_m,
                "pumped_m3": r.pumped_m3, "returned_m3": r.returned_m3,
                "recharge_m3": r.recharge_m3,
            }  # fmt: skip
            for el in elements:
                row[f"grade_g_per_l_{el}"] = r.grade_g_per_l.get(el, 0.0)
            for el in elements:
                row[f"stock_t_{el}"] = r.stock_t.get(el, 0.0)
            for el in elements:
                row[f"solid_t_{el}"] = r.solid_t.get(el, 0.0)
            out.append(row)
        return out

    def production_rows(self) -> list[dict[str, Any]]:
        """The park's products per year, one row per year and product component."""
        out = []
        for p in self.park:
            for stream, comps in p.products_t.items():
                for comp, t in comps.items():
                    out.append({"year": p.year, "solved": p.solved, "product": stream,
                                "component": comp, "t_per_yr": t})  # fmt: skip
        return out
