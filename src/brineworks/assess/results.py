"""The physical part of ``results.json``: a solved scenario's streams, products, balances and
every assessment of it (indicators, energy, carbon, plant facts), as one JSON-ready mapping.
The economics, impact and report layers build on it (``brineworks.report.results`` adds the
money and the region)."""

from __future__ import annotations

from typing import Any

from brineworks.assess.allocation import reached_streams
from brineworks.assess.carbon import carbon
from brineworks.assess.circularity import comparison, indicators
from brineworks.assess.energy import (
    ALLOCATION_RULE,
    energy_against_quotas,
    energy_indicators,
    unit_table,
)
from brineworks.assess.facts import plant_facts
from brineworks.chemistry.ions import atomic_weights
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.process.ponds import PondTrainResult
from brineworks.process.stream import Stream
from brineworks.simulate import SimulationResult

__all__ = ["physical_results", "pond_area_km2"]


def pond_area_km2(result: SimulationResult) -> float:
    """The park's total pond area. [km²]"""
    return sum(
        u.run.detail.total_area() / 1e6
        for u in result.units.values()
        if isinstance(u.run.detail, PondTrainResult)
    )


def _element_masses(stream: Stream) -> dict[str, float]:
    """A stream's mass of each element (boron as B, not as the B(OH)3 its component carries).
    [t/yr]"""
    w = atomic_weights()
    return {el: n * w[el] * SECONDS_PER_YEAR / 1e6 for el, n in stream.elements().items() if n}


def physical_results(result: SimulationResult) -> dict[str, Any]:
    """The physical part of ``results.json``: streams, products, balances, indicators, energy
    and carbon (no money)."""
    mine, table = indicators(result), unit_table(result)
    energy = energy_indicators(result, table)
    products = result.products_t_per_yr()
    return {
        "scenario": result.scenario.name,
        "description": result.scenario.description,
        "chemistry_backend": result.backend,
        "pumped_brine_m3_per_yr": result.scenario.brine.flow_m3_per_yr,
        "products_t_per_yr": {n: sum(v.values()) for n, v in products.items()},
        "products_by_component_t_per_yr": products,
        "streams": [
            {
                "name": n,
                "fate": result.fates.get(n),
                "t_per_yr": s.t_per_yr(),
                "elements_t_per_yr": _element_masses(s),
            }
            for n, s in result.streams.items()
        ],
        "utilities_t_per_yr": {k: s.t_per_yr() for k, s in result.utilities_in().items()},
        "indicators": mine,
        "energy": energy,
        "energy_against_quotas": energy_against_quotas(result, energy["per_product"]),
        "carbon": carbon(result),
        "units": table,
        "plant_facts": [f.to_dict() for f in plant_facts(result)],
        "element_balance": result.element_balance(),
        "convergence": {
            "iterations": result.convergence.iterations,
            "residual": result.convergence.residual,
            "tear_streams": list(result.convergence.tears),
            "design_specs": [
                {
                    "name": s.name,
                    "vary": s.vary,
                    "fraction": s.fraction,
                    "supply_t_per_yr": s.supply_t_per_yr,
                    "demand_t_per_yr": s.demand_t_per_yr,
                    "rounds": s.rounds,
                    "recycle_iterations_total": s.recycle_iterations_total,
                }
                for s in result.specs
            ],
        },
        "comparison": comparison(result, mine),
        "allocation": {"rule": ALLOCATION_RULE, "reaches": reached_streams(result)},
    }
