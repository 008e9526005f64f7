"""The regional impact of a build plan, year by year: the plants standing in each year, their
direct jobs (``jobs`` of each technology: a row of ``data/impact/jobs.csv``) and what they sell,
through :func:`brineworks.impact.regional.park_impact` (indirect and induced effects from the
input–output table, taxes estimated from it since the plan computes none).

A technology's output value in a year is its share of the value of each commodity sold that
year (sales × price, shared among the technologies that make the commodity in proportion to
what each makes); what it makes for other technologies of the plan is no final demand.
"""

from __future__ import annotations

from typing import Any

from brineworks.impact.io import IOTable, load_table
from brineworks.impact.regional import ParkSpec, PlantSpec, park_impact, plant_sectors
from brineworks.plan.model import PlanResult
from brineworks.plan.superstructure import PlanData

__all__ = ["yearly_impact"]

_FIGURES = (
    "direct_jobs",
    "direct_jobs_low",
    "direct_jobs_high",
    "indirect_jobs",
    "induced_jobs",
    "wages_cny",
    "local_income_cny",
    "taxes_cny",
    "local_taxes_cny",
)
"""The figures of a year (zero in a year with no plant standing)."""


def _output_values(row: dict[str, Any], data: PlanData, y: int) -> dict[str, float]:
    """Value of what each technology sells in plan year ``y`` (row: the plan's yearly row).
    [CNY/yr]"""
    made: dict[str, dict[str, float]] = {}
    for t in data.technologies.values():
        act = row["activity_t"].get(t.name, 0.0)
        for c, k in t.yields.items():
            if k > 0 and act > 0:
                made.setdefault(c, {})[t.name] = k * act
    values = dict.fromkeys(data.technologies, 0.0)
    for c, sold in row["sales_t"].items():
        price = data.commodities[c].sell_price
        makers = made.get(c, {})
        total = sum(makers.values())
        if sold <= 0 or price is None or total <= 0:
            continue
        for name, amount in makers.items():
            values[name] += sold * price[y] * amount / total
    return values


def yearly_impact(
    result: PlanResult, data: PlanData, table: str | IOTable = "china-2020-42"
) -> list[dict[str, Any]]:
    """Direct, indirect and induced jobs, wages, taxes and local income of each plan year.

    Parameters
    ----------
    result
        A solved plan.
    data
        Its data.
    table
        The input–output table (name, or a loaded table).

    Returns
    -------
    list of dict
        Per year: ``year``, ``direct_jobs``, ``direct_jobs_low``, ``direct_jobs_high``,
        ``indirect_jobs``, ``induced_jobs`` [persons], ``wages_cny``, ``local_income_cny``,
        ``taxes_cny``, ``local_taxes_cny`` [CNY/yr], ``plants`` (technology → direct jobs) and
        ``without_jobs_data`` (plants running that year with no ``jobs`` key). A plant is a
        capacity-limited technology with capacity and activity in the year.
    """
    io = table if isinstance(table, IOTable) else load_table(table)
    sectors = plant_sectors()
    out = []
    for y, row in enumerate(result.yearly):
        values = _output_values(row, data, y)
        plants, missing = [], []
        for t in data.technologies.values():
            act = row["activity_t"].get(t.name, 0.0)
            cap = row["capacity_t_per_yr"].get(t.name, 0.0)
            if not t.capacity_limited or cap <= 0 or act <= 0:
                continue  # not built, idle, or no plant (a bypass, a market)
            if not t.jobs:
                missing.append(t.name)
                continue
            plants.append(PlantSpec(t.name, t.jobs, cap, values[t.name],
                                    sectors[t.jobs]["io_sector"]))  # fmt: skip
        entry: dict[str, Any] = {"year": row["year"], "without_jobs_data": missing}
        if not plants:
            entry.update(dict.fromkeys(_FIGURES, 0.0), plants={})
            out.append(entry)
            continue
        imp = park_impact(ParkSpec(tuple(plants), name=f"{data.name} {row['year']}"), io,
                          estimate=True)  # fmt: skip
        entry.update(
            direct_jobs=imp.direct.jobs,
            direct_jobs_low=imp.direct_jobs_low,
            direct_jobs_high=imp.direct_jobs_high,
            indirect_jobs=imp.indirect.jobs,
            induced_jobs=imp.induced.jobs,
            wages_cny=imp.direct.wages_cny + imp.indirect.wages_cny + imp.induced.wages_cny,
            local_income_cny=imp.local_income_cny,
            taxes_cny=imp.taxes.total,
            local_taxes_cny=imp.taxes.local,
            plants={p.name: p.jobs for p in imp.plants},
        )
        out.append(entry)
    return out
