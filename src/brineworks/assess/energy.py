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

from brineworks.assess.allocation import price_of, product_shares
from brineworks.assess.factors import fuel
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.data import read_rows
from brineworks.errors import InputError
from brineworks.simulate import SimulationResult

__all__ = [
    "ALLOCATION_RULE",
    "GridFactor",
    "capex_references",
    "energy_against_quotas",
    "energy_indicators",
    "grid_factor",
    "grid_factors",
    "per_product",
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
def grid_factors(site: str) -> tuple[GridFactor, ...]:
    """Every grid CO2 factor of ``site`` (the default and the sensitivities)."""
    return tuple(
        GridFactor(
            site, r["region"], int(r["year"]), float(r["kg_co2_per_kwh"]), r["source"], r["status"]
        )
        for r in _rows("grid_emissions.csv")
        if r["site"] == site
    )


@cache
def capex_references() -> tuple[dict[str, str], ...]:
    """Rows of ``capex_references.csv``."""
    return tuple(_rows("capex_references.csv"))


ALLOCATION_RULE = (
    "each plant's energy shared by economic value (mid prices) among the products and reused "
    "streams of its own line: those its outlets reach before a recycle joins (a mixer on a loop) "
    "or a solar pond; the brine's extraction (pumping) shared by every product by value; plants "
    "that reach none stay unallocated"
)


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
        "allocation": ALLOCATION_RULE,
    }


def per_product(result: SimulationResult) -> dict[str, dict[str, Any]]:
    """Electricity [kWh/t], heat [GJ/t] and indirect CO2 [kg/t] per tonne of each product and
    reused stream, with every plant's energy allocated along its line
    (:func:`~brineworks.assess.allocation.product_shares`); the brine's extraction (pumping,
    ponds: the mining stage) is shared by all products by value and reported apart
    (``extraction_electricity_kwh_per_t``)."""
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
        mining = unit.stage == "mining"
        for product, share in shares[unit.name].items():
            row = totals.setdefault(product, [0.0, 0.0, 0.0])
            kwh = share * unit.performance.electricity * y / 3.6e6  # kWh/yr
            row[2 if mining else 0] += kwh
            row[1] += share * unit.performance.heat * y / 1e9  # GJ/yr
            if no_data:
                missing.setdefault(product, []).append(unit.name)
    out: dict[str, dict[str, Any]] = {}
    for name, fate in result.fates.items():
        if fate not in ("product", "reuse"):
            continue
        tonnes = result.streams[name].total * y / 1000.0
        kwh, gj, extraction = totals.get(name, [0.0, 0.0, 0.0])
        out[name] = {
            "electricity_kwh_per_t": kwh / tonnes if tonnes > 0 else None,
            "extraction_electricity_kwh_per_t": extraction / tonnes if tonnes > 0 else None,
            "heat_gj_per_t": gj / tonnes if tonnes > 0 else None,
            "indirect_co2_kg_per_t": (
                (kwh + extraction) * factor / tonnes if tonnes > 0 and factor else None
            ),
            "plants_without_energy_data": missing.get(name, []),
        }
    return out


@cache
def energy_quota_rows() -> tuple[dict[str, str], ...]:
    """Rows of ``data/indicators/energy_quotas.csv``."""
    return tuple(read_rows("indicators", "energy_quotas.csv"))


@cache
def _constants() -> dict[str, float]:
    return {r["name"]: float(r["value"]) for r in read_rows("indicators", "constants.csv")}


def energy_against_quotas(
    result: SimulationResult, per: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Each product's comprehensive energy [kgce/t] — its allocated electricity at 0.1229
    kgce/kWh and the fuel of its allocated heat — beside the national quota levels for that
    product (GB 单位产品能源消耗限额) where one exists; products without a quota are listed with
    ``None``."""
    per = per if per is not None else per_product(result)
    c = _constants()
    rows = []
    for name, fate in result.fates.items():
        if fate != "product" or name not in per:
            continue
        item = price_of(name, result.streams[name]).item
        kwh, gj = per[name]["electricity_kwh_per_t"], per[name]["heat_gj_per_t"]
        kgce = None
        if kwh is not None and gj is not None:
            kgce = kwh * c["kgce_per_kwh"] + fuel(gj)["fuel_gj"] * c["kgce_per_gj"]
        quotas = [q for q in energy_quota_rows() if item is not None and q["product"] == item.item]
        if not quotas:
            rows.append({"product": name, "item": item.item if item else None,
                         "kgce_per_t": kgce, "quota": None})  # fmt: skip
        for q in quotas:
            levels = [float(q[f"level_{i}"]) for i in (1, 2, 3)]
            meets = None
            if kgce is not None:
                meets = next((i + 1 for i, lv in enumerate(levels) if kgce <= lv), 0)
            rows.append({
                "product": name, "item": q["product"], "kgce_per_t": kgce, "route": q["route"],
                "quota": {"standard": q["standard"], "level_1": levels[0], "level_2": levels[1],
                          "level_3": levels[2], "status": q["status"]},
                "meets_level": meets,
            })  # fmt: skip
    return rows
