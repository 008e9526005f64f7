"""The results of a solved scenario as one JSON-ready mapping (``results.json``): the scenario,
its streams and products, and every assessment of it."""

from __future__ import annotations

from typing import Any

from brineworks.assess.carbon import carbon
from brineworks.assess.circularity import comparison, indicators
from brineworks.assess.energy import energy_against_quotas, energy_indicators, unit_table
from brineworks.simulate import SimulationResult

__all__ = ["results_dict"]


def results_dict(result: SimulationResult) -> dict[str, Any]:
    """The ``results.json`` form of a solved scenario (flows in t/yr)."""
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
            {"name": n, "fate": result.fates.get(n), "t_per_yr": s.t_per_yr()}
            for n, s in result.streams.items()
        ],
        "utilities_t_per_yr": {k: s.t_per_yr() for k, s in result.utilities_in().items()},
        "indicators": mine,
        "energy": energy,
        "energy_against_quotas": energy_against_quotas(result, energy["per_product"]),
        "carbon": carbon(result),
        "units": table,
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
    }
