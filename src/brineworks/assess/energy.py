"""Energy, indirect CO2 and plant size of each unit of a solved scenario.

Electricity and heat come from the sourced factors of ``data/process/unit_performance.csv``
(per tonne of what a plant makes); indirect CO2 is electricity times the site's grid factor
(``data/process/grid_emissions.csv``). Units without a sourced factor are listed as such, never
counted as zero silently. Reference capital costs and jobs (``capex_references.csv``) are
reported beside the plant's capacity, not scaled: the economics issue decides how to scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from brineworks.constants import SECONDS_PER_YEAR
from brineworks.data import read_rows
from brineworks.errors import InputError
from brineworks.simulate import SimulationResult

__all__ = [
    "GridFactor",
    "capex_references",
    "energy_indicators",
    "grid_factor",
    "per_product",
    "product_shares",
    "unit_table",
]


_REFERENCE_KEYS = (
    "capacity_t_per_yr",
    "capex",
    "currency",
    "price_year",
    "jobs_direct",
    "source",
    "status",
)


@dataclass(frozen=True)
class GridFactor:
    """CO2 emitted per kWh of grid electricity at a site."""

    site: str
    region: str
    year: int
    kg_co2_per_kwh: float
    source: str
    status: str


def _rows(name: str) -> list[dict[str, str]]:
    return read_rows("process", name)


@cache
def grid_factor(site: str) -> GridFactor:
    """The default grid CO2 factor of ``site``.

    Raises
    ------
    InputError
        If the site has no default row in ``grid_emissions.csv``.
    """
    rows = [r for r in _rows("grid_emissions.csv") if r["site"] == site and r["default"] == "yes"]
    if not rows:
        known = sorted({r["site"] for r in _rows("grid_emissions.csv")})
        raise InputError("site", site, "a site of grid_emissions.csv: " + ", ".join(known))
    r = rows[0]
    return GridFactor(site, r["region"], int(r["year"]), float(r["kg_co2_per_kwh"]),
                      r["source"], r["status"])  # fmt: skip


@cache
def capex_references() -> tuple[dict[str, str], ...]:
    """Rows of ``capex_references.csv``."""
    return tuple(_rows("capex_references.csv"))


def unit_table(result: SimulationResult) -> list[dict[str, Any]]:
    """One row per unit: energy [MWh/yr, GJ/yr], indirect CO2 [t/yr], fresh water [m³/yr],
    reagents bought [t/yr], capacity of its main product [t/yr], reference plants, notes."""
    y = SECONDS_PER_YEAR
    try:
        grid: GridFactor | None = grid_factor(result.scenario.site)
    except InputError:
        grid = None
    rows = []
    streams = result.streams
    for unit in result.units.values():
        perf = unit.performance
        target = unit.target
        electricity = perf.electricity * y / 3.6e9  # W → MWh/yr
        refs = [r for r in capex_references() if r["target"] == target]
        capacity = None
        if refs:
            product = refs[0]["product"]
            made = sum(
                streams[name].get(product)
                for name in result.outlets(unit.name, unit.product_outlets)
            )
            capacity = made * y / 1000.0
        energy_data = "; ".join(perf.energy_notes)
        reference_plants = [{k: ref[k] for k in _REFERENCE_KEYS} for ref in refs]
        rows.append(
            {
                "unit": unit.name,
                "kind": unit.kind,
                "target": target,
                "electricity_mwh_per_yr": electricity,
                "heat_gj_per_yr": perf.heat * y / 1e9,
                "indirect_co2_t_per_yr": (
                    electricity * grid.kg_co2_per_kwh if grid is not None else None
                ),
                "energy_data": energy_data or None,
                "fresh_water_m3_per_yr": sum(s.get("H2O") for s in unit.utilities_in.values())
                * y
                / 1000.0,
                "reagents_t_per_yr": {
                    k: s.total * y / 1000.0
                    for k, s in unit.utilities_in.items()
                    if s.get("H2O") == 0
                },
                "capacity_t_per_yr": capacity,
                "reference_plants": reference_plants,
                "notes": list(perf.notes),
            }
        )
    return rows


def energy_indicators(
    result: SimulationResult, table: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Park totals: electricity, heat, indirect CO2 and their intensities per tonne of products,
    and which energy-using plants have no sourced factor yet."""
    table = table if table is not None else unit_table(result)
    electricity = sum(r["electricity_mwh_per_yr"] for r in table)
    heat = sum(r["heat_gj_per_yr"] for r in table)
    co2 = sum(r["indirect_co2_t_per_yr"] or 0.0 for r in table)
    products = sum(sum(v.values()) for v in result.products_t_per_yr().values())
    missing = [
        r["unit"] for r in table if r["energy_data"] is None and not result.units[r["unit"]].passive
    ]
    try:
        grid = grid_factor(result.scenario.site)
        grid_text = f"{grid.kg_co2_per_kwh:g} kg/kWh ({grid.region} {grid.year}; {grid.status})"
    except InputError:
        grid_text = None
    return {
        "electricity_mwh_per_yr": electricity,
        "heat_gj_per_yr": heat,
        "indirect_co2_t_per_yr": co2 if grid_text else None,
        "electricity_intensity_kwh_per_t": 1000.0 * electricity / products if products else None,
        "co2_intensity_kg_per_t": 1000.0 * co2 / products if products and grid_text else None,
        "grid_factor": grid_text,
        "units_without_energy_data": missing,
        "per_product": per_product(result),
        "allocation": (
            "each plant's energy shared by mass among the products and reused streams its "
            "outlets reach without passing a mixer; plants that reach none stay unallocated"
        ),
    }


def product_shares(result: SimulationResult) -> dict[str, dict[str, float]]:
    """For each unit, the products (and streams reused inside the park) its material reaches,
    with their shares by mass. [-]

    A plant's energy is allocated to the products and reused streams that its outlets reach
    without passing a mixer (where other plants' flows, and recycles, join), in proportion to
    their mass — the mass allocation of life-cycle inventories, kept to the plant's own product
    line. So Mg electrolysis is charged to magnesium (its chlorine joins the park's chlorine at
    a mixer), carbonation to Li2CO3 (its mother liquor is recycled through a mixer), and the
    chlor-alkali cells to their caustic soda, sold or reused (their chlorine and hydrogen join
    at mixers). A unit from which nothing is reached gets an empty mapping: its energy stays
    unallocated.
    """
    streams = result.streams
    fates = result.fates
    downstream: dict[str, list[str]] = {}
    target: dict[str, str] = {}
    for e in result.edges:
        if e.source is not None:
            downstream.setdefault(e.source.unit, []).append(e.stream)
        if e.target is not None:
            target[e.stream] = e.target.unit
    # where flows join: a unit with more than one inlet (a mixer)
    mixers = {name for name, u in result.units.items() if len(u.inlets) > 1}
    out: dict[str, dict[str, float]] = {}
    for unit in result.units:
        seen_units, products = {unit}, set()
        todo = [unit]
        while todo:
            for name in downstream.get(todo.pop(), []):
                if fates.get(name) in ("product", "reuse"):
                    products.add(name)
                nxt = target.get(name)
                if nxt is not None and nxt not in seen_units and nxt not in mixers:
                    seen_units.add(nxt)
                    todo.append(nxt)
        mass = {p: streams[p].total for p in products if streams[p].total > 0}
        total = sum(mass.values())
        out[unit] = {p: m / total for p, m in mass.items()} if total > 0 else {}
    return out


def per_product(result: SimulationResult) -> dict[str, dict[str, Any]]:
    """Electricity [kWh/t], heat [GJ/t] and indirect CO2 [kg/t] per tonne of each product and
    reused stream, with every plant's energy allocated by :func:`product_shares`."""
    y = SECONDS_PER_YEAR
    try:
        factor: float | None = grid_factor(result.scenario.site).kg_co2_per_kwh
    except InputError:
        factor = None
    shares = product_shares(result)
    totals: dict[str, list[float]] = {}
    missing: dict[str, list[str]] = {}
    for unit in result.units.values():
        no_data = not unit.performance.energy_notes and not unit.passive
        for product, share in shares[unit.name].items():
            row = totals.setdefault(product, [0.0, 0.0])
            row[0] += share * unit.performance.electricity * y / 3.6e6  # kWh/yr
            row[1] += share * unit.performance.heat * y / 1e9  # GJ/yr
            if no_data:
                missing.setdefault(product, []).append(unit.name)
    out: dict[str, dict[str, Any]] = {}
    for name, fate in result.fates.items():
        if fate not in ("product", "reuse"):
            continue
        tonnes = result.streams[name].total * y / 1000.0
        kwh, gj = totals.get(name, [0.0, 0.0])
        out[name] = {
            "electricity_kwh_per_t": kwh / tonnes if tonnes > 0 else None,
            "heat_gj_per_t": gj / tonnes if tonnes > 0 else None,
            "indirect_co2_kg_per_t": kwh * factor / tonnes if tonnes > 0 and factor else None,
            "plants_without_energy_data": missing.get(name, []),
        }
    return out
