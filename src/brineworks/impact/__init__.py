"""People and place: regional economic impact, ecological footprint and targeted support.

- :mod:`brineworks.impact.io`: input–output tables (China 2018, 2020, 42 sectors, or the
  user's) and their type-I/II multipliers, with a stated regionalisation;
- :mod:`brineworks.impact.regional`: direct, indirect and induced jobs, wages and output of a
  park, its taxes by level of government and the local income;
- :mod:`brineworks.impact.footprint`: land, water, CO2, returned brine and dust against limits;
- :mod:`brineworks.impact.support`: measures allocated to registered households (HiGHS).

:func:`results_sections` gives the ``"impact"`` and ``"footprint"`` sections for a
``results.json`` dict of ``brineworks run``. Method, data and assumptions: ``docs/impact.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brineworks.impact.footprint import Footprint, footprint
from brineworks.impact.io import IOTable, Multipliers, Regionalisation, load_table, multipliers
from brineworks.impact.regional import ParkImpact, ParkSpec, PlantSpec, park_impact
from brineworks.impact.support import Allocation, allocate, load_measures, read_registry

__all__ = [
    "Allocation",
    "Footprint",
    "IOTable",
    "Multipliers",
    "ParkImpact",
    "ParkSpec",
    "PlantSpec",
    "Regionalisation",
    "allocate",
    "footprint",
    "load_measures",
    "load_table",
    "multipliers",
    "park_impact",
    "read_registry",
    "results_sections",
]


def results_sections(
    data: Mapping[str, Any],
    pond_area_km2: float | None = None,
    taxes_cny: Mapping[str, float] | None = None,
    years: int = 20,
) -> dict[str, Any]:
    """``{"impact": ..., "footprint": ...}`` for a ``results.json`` dict (``taxes_cny`` by kind
    when computed elsewhere; otherwise estimated from the IO table)."""
    impact = ParkImpact.from_results(data, taxes_cny=taxes_cny)
    fp = Footprint.from_results(data, pond_area_km2=pond_area_km2, years=years)
    return {"impact": impact.to_dict(), "footprint": fp.to_dict()}
