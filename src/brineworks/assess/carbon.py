"""The park's CO2, complete: every plant, by scope, with its sources (``docs/circularity.md``).

* **scope 1** — process heat from natural gas at Golmud (heat ÷ boiler efficiency × 55.5 kg
  CO2/GJ); process CO2 of plants that vent it (the ammonia-soda plant, per t of soda ash); and
  the carbon of every stream the park emits (the acetylene off-gas burnt as fuel), as CO2;
* **scope 2** — grid electricity × the site's grid factor, with the other factors of
  ``grid_emissions.csv`` as a sensitivity (national, fossil, green power);
* **scope 3 (upstream)** — the cradle-to-gate CO2e of the inputs the park buys (lime, carbide,
  natural gas, oxygen …), net of what it makes and reuses itself (``co2_factors.csv``).

Each plant's CO2 is allocated to the products of its line by value, as its energy is
(:mod:`brineworks.assess.allocation`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brineworks.assess.allocation import burden_owner, product_shares
from brineworks.assess.energy import grid_factor, grid_factors
from brineworks.assess.factors import co2_factors, fuel
from brineworks.constants import GJ, KWH, SECONDS_PER_YEAR
from brineworks.errors import InputError
from brineworks.simulate import SimulationResult

__all__ = ["carbon"]

_Y = SECONDS_PER_YEAR / 1000.0  # kg/s → t/yr
_M_CO2 = 44.009  # g/mol


def _unit_co2(result: SimulationResult, grid: float) -> dict[str, dict[str, float]]:
    """Scope 1 (fuel, process), scope 2 and scope 3 CO2 of each unit. [t/yr]"""
    f = co2_factors()
    made: dict[str, dict[str, float]] = {}
    for name in result.units:
        outs: dict[str, float] = {}
        for e in result.edges:
            if e.source is not None and e.source.unit == name:
                for k, v in result.streams[e.stream].flows.items():
                    outs[k] = outs.get(k, 0.0) + v
        for e in result.edges:
            if e.target is not None and e.target.unit == name:
                for k, v in result.streams[e.stream].flows.items():
                    outs[k] = outs.get(k, 0.0) - v
        made[name] = outs
    reuse = _reused_components(result)
    bought_total: dict[str, float] = {}
    for u in result.units.values():
        for s in u.utilities_in.values():
            for k, v in s.flows.items():
                bought_total[k] = bought_total.get(k, 0.0) + v
    out = {}
    for name, u in result.units.items():
        perf = u.performance
        heat_gj = perf.heat * SECONDS_PER_YEAR / GJ
        mwh = perf.electricity * SECONDS_PER_YEAR / KWH / 1000.0
        process = sum(
            fac.value * max(made[name].get(item, 0.0), 0.0) * _Y
            for (kind, item), fac in f.items()
            if kind == "process"
        )
        upstream = 0.0
        for s in u.utilities_in.values():
            for k, v in s.flows.items():
                fac = f.get(("embodied", k))
                if fac is None or v <= 0:
                    continue
                # the share of this input the park buys (not made and reused inside it)
                share = max(1.0 - reuse.get(k, 0.0) / bought_total[k], 0.0)
                upstream += fac.value * v * share * _Y
        out[name] = {
            "fuel": fuel(heat_gj)["co2_t"],
            "process": process,
            "electricity": mwh * 1000.0 * grid / 1000.0,
            "upstream": upstream,
        }
    return out


def _reused_components(result: SimulationResult) -> dict[str, float]:
    """Components the park makes for its own use (streams with fate ``reuse``). [kg/s]"""
    out: dict[str, float] = {}
    for n, fate in result.fates.items():
        if fate == "reuse":
            for k, v in result.streams[n].flows.items():
                out[k] = out.get(k, 0.0) + v
    return out


def _emitted_carbon_co2(result: SimulationResult) -> dict[str, float]:
    """CO2 from the carbon of every emitted stream (burnt or oxidised), by stream. [t/yr]"""
    out = {}
    for n, fate in result.fates.items():
        if fate != "emission":
            continue
        c = result.streams[n].elements().get("C", 0.0)  # mol/s
        if c > 0:
            out[n] = c * _M_CO2 * SECONDS_PER_YEAR / 1e6
    return out


def carbon(result: SimulationResult) -> dict[str, Any]:
    """The park's CO2 by scope and source [t/yr], its intensity [kg per t of products], its
    sensitivity to the grid factor, and the CO2 per t of each product [kg/t]."""
    try:
        grid = grid_factor(result.scenario.site)
    except InputError:
        grid = None
    factor = grid.kg_co2_per_kwh if grid is not None else 0.0
    units = _unit_co2(result, factor)
    off_gas = _emitted_carbon_co2(result)
    scope1 = {
        "natural_gas_heat": sum(u["fuel"] for u in units.values()),
        "process": sum(u["process"] for u in units.values()),
        "emitted_carbon": sum(off_gas.values()),
    }
    scope2 = sum(u["electricity"] for u in units.values())
    scope3 = sum(u["upstream"] for u in units.values())
    total = sum(scope1.values()) + scope2 + scope3
    products_t = sum(result.streams[n].total for n, f in result.fates.items() if f == "product")
    products_t *= _Y
    mwh = sum(u.performance.electricity for u in result.units.values()) * SECONDS_PER_YEAR / KWH
    mwh /= 1000.0
    sensitivity = {
        f"{g.region} {g.year} ({g.kg_co2_per_kwh:g} kg/kWh)": total
        - scope2
        + mwh * g.kg_co2_per_kwh
        for g in grid_factors(result.scenario.site)
    }
    heat_gj = sum(u.performance.heat for u in result.units.values()) * SECONDS_PER_YEAR / GJ
    return {
        "scope1_t_per_yr": scope1,
        "scope2_t_per_yr": scope2 if grid is not None else None,
        "scope3_upstream_t_per_yr": scope3,
        "total_t_per_yr": total,
        "intensity_kg_per_t_products": 1000.0 * total / products_t if products_t > 0 else None,
        "grid_factor": (
            f"{grid.kg_co2_per_kwh:g} kg/kWh ({grid.region} {grid.year}; {grid.status})"
            if grid is not None
            else None
        ),
        "grid_sensitivity_t_per_yr": sensitivity,
        "natural_gas": fuel(heat_gj),
        "emitted_carbon_by_stream_t_per_yr": off_gas,
        "by_unit_t_per_yr": units,
        "per_product_kg_per_t": _per_product(result, units, off_gas),
    }


def _per_product(
    result: SimulationResult,
    units: Mapping[str, Mapping[str, float]],
    off_gas: Mapping[str, float],
) -> dict[str, float | None]:
    """Each product's CO2 per t, every unit's CO2 (and an emitted stream's, charged to the
    unit it leaves) allocated by value along its line. [kg/t]"""
    shares = product_shares(result)
    per_unit = {n: sum(v.values()) for n, v in units.items()}
    for stream, t in off_gas.items():
        owner = burden_owner(result, stream)
        if owner is not None:
            per_unit[owner] = per_unit.get(owner, 0.0) + t
    totals: dict[str, float] = {}
    for unit, t in per_unit.items():
        for product, share in shares[unit].items():
            totals[product] = totals.get(product, 0.0) + share * t
    out: dict[str, float | None] = {}
    for n, fate in result.fates.items():
        if fate in ("product", "reuse"):
            tonnes = result.streams[n].total * _Y
            out[n] = 1000.0 * totals.get(n, 0.0) / tonnes if tonnes > 0 else None
    return out
