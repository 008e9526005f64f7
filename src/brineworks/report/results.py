"""The results of a solved scenario as one JSON-ready mapping (``results.json``): the physical
results (:func:`brineworks.assess.results.physical_results`), the economics, the regional impact
and the footprint."""

from __future__ import annotations

from typing import Any

from brineworks.assess.results import physical_results, pond_area_km2
from brineworks.economics import ParkInventory, evaluate
from brineworks.impact import results_sections
from brineworks.simulate import SimulationResult

__all__ = ["physical_results", "pond_area_km2", "results_dict"]


def results_dict(result: SimulationResult, prices: str = "mid") -> dict[str, Any]:
    """The ``results.json`` form of a solved scenario (flows in t/yr), with its economics at
    the ``prices`` set (``low``, ``mid``, ``high`` or a price file), its regional impact and
    its footprint."""
    data = physical_results(result)
    econ = evaluate(ParkInventory.from_results(data, scenario=result.scenario), prices)
    data["economics"] = econ.to_dict()
    years = max(int(data["economics"]["operating_years"]), 1)
    totals = {k: v["total"] for k, v in data["economics"]["taxes_cny"].items()}
    taxes = {kind: totals.get(key, 0.0) / years for key, kind in _TAX_KINDS.items()}
    data.update(results_sections(data, pond_area_km2=pond_area_km2(result), taxes_cny=taxes))
    return data


_TAX_KINDS = {
    "vat_paid": "vat",
    "income_tax": "eit",
    "resource_tax": "resource_tax",
    "surtaxes": "urban_maintenance_tax",  # with the education surcharges: all local
}
"""The economics' taxes and the tax kinds of the impact's sharing table."""
