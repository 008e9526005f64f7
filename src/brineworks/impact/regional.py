"""Economic and employment impact of a park on its region: direct jobs and wages of each plant,
indirect and induced output, jobs and income from the input–output multipliers, and taxes by
level of government.

The park is described without the flowsheet (:class:`ParkSpec`, :class:`PlantSpec`);
:meth:`ParkImpact.from_results` builds that description from a ``results.json`` of
``brineworks run``.

Method (``docs/impact.md``):

- **direct** jobs of a plant ``J = J_ref (Q / Q_ref)^b`` from ``data/impact/jobs.csv`` and the
  exponent ``b`` of ``parameters.csv``; wages ``J × w``; a share of the jobs held locally;
- **indirect**: the plants' sales outside the park are final demand ``f`` in their IO sectors
  (``data/impact/plant_sectors.csv``); indirect output ``(L_r − I) f`` with the regionalised
  Leontief inverse ``L_r``; jobs ``e · x`` and wages ``h_r · x``;
- **induced**: the local household income ``Y₀`` (local direct wages plus indirect wages) is
  spent by households: output ``L_r h_c Y₀ / (1 − h_r L_r h_c)`` (the type-II closure, driven by
  the plants' own wages rather than the sector's average); jobs and wages as above;
- **taxes** by kind split with ``data/impact/tax_sharing.csv``; given by the caller (computed
  elsewhere) or estimated from the IO table (:func:`estimate_taxes`);
- **local income**: local direct wages plus the (regional) indirect and induced wages.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from brineworks.data import read_rows
from brineworks.errors import InputError
from brineworks.impact.io import (
    IOTable,
    Multipliers,
    Regionalisation,
    impact_parameter,
    load_table,
    multipliers,
)

__all__ = [
    "Effect",
    "JobsReference",
    "ParkImpact",
    "ParkSpec",
    "PlantImpact",
    "PlantSpec",
    "TaxSplit",
    "direct_jobs",
    "estimate_taxes",
    "jobs_references",
    "park_impact",
    "plant_sectors",
    "product_prices",
    "split_taxes",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlantSpec:
    """One plant of a park, independent of the flowsheet.

    Attributes
    ----------
    name
        Display name.
    target
        Jobs key: a unit family or reaction of ``data/impact/jobs.csv`` (the same keys as
        ``data/process/capex_references.csv``).
    capacity_t_per_yr
        Output in the product of its jobs reference. [t/yr]
    output_value_cny
        Value of what it sells outside the park (final demand). [CNY/yr]
    io_sector
        Sector code of the input–output table.
    """

    name: str
    target: str
    capacity_t_per_yr: float
    output_value_cny: float
    io_sector: str


@dataclass(frozen=True)
class ParkSpec:
    """A park: its plants, the taxes it pays and its wages.

    Attributes
    ----------
    plants
        The plants.
    taxes_cny
        Taxes paid by kind (a ``kind`` of ``data/impact/tax_sharing.csv``). [CNY/yr]
    wage_cny_per_job_yr
        Mean wage per direct job; ``None`` for ``wage_cny_per_job_yr`` of ``parameters.csv``.
        [CNY/yr]
    local_hire_share
        Share of direct jobs held by residents; ``None`` for ``parameters.csv``. [-]
    name
        Name of the park or scenario.
    taxes_basis
        Where the taxes came from, in words.
    """

    plants: tuple[PlantSpec, ...]
    taxes_cny: Mapping[str, float] = field(default_factory=dict)
    wage_cny_per_job_yr: float | None = None
    local_hire_share: float | None = None
    name: str = "park"
    taxes_basis: str = "given"


@dataclass(frozen=True)
class JobsReference:
    """Direct jobs of a reference plant (a row of ``data/impact/jobs.csv``)."""

    target: str
    product: str
    capacity_t_per_yr: float
    jobs: float
    low: float
    high: float
    source: str
    status: str


@cache
def jobs_references() -> dict[str, JobsReference]:
    """Jobs references by target."""
    out = {}
    for r in read_rows("impact", "jobs.csv"):
        out[r["target"]] = JobsReference(
            r["target"], r["product"], float(r["capacity_t_per_yr"]), float(r["jobs"]),
            float(r["low"]), float(r["high"]), r["source"], r["status"],
        )  # fmt: skip
    return out


@cache
def plant_sectors() -> dict[str, dict[str, str]]:
    """Rows of ``data/impact/plant_sectors.csv`` by target."""
    return {r["target"]: r for r in read_rows("impact", "plant_sectors.csv")}


@cache
def _builtin_prices() -> dict[str, float]:
    return {r["product"]: float(r["price_cny_per_t"]) for r in read_rows("impact",
            "product_prices.csv")}  # fmt: skip


def product_prices(source: Mapping[str, float] | str | Path | None = None) -> dict[str, float]:
    """Prices by product [CNY/t]: the built-in table, a mapping, or a CSV file with columns
    ``product`` and ``price_cny_per_t`` (rows given override the built-in ones)."""
    prices = dict(_builtin_prices())
    if source is None:
        return prices
    if isinstance(source, Mapping):
        prices.update({k: float(v) for k, v in source.items()})
        return prices
    import csv

    path = Path(source)
    if not path.is_file():
        raise InputError("prices", str(source), "a CSV file with product,price_cny_per_t")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    for i, r in enumerate(rows, start=2):
        try:
            prices[r["product"]] = float(r["price_cny_per_t"])
        except (KeyError, TypeError, ValueError):
            raise InputError(f"prices row {i}", r, "product,price_cny_per_t") from None
    return prices


def direct_jobs(target: str, capacity_t_per_yr: float, exponent: float | None = None) -> \
        tuple[float, float, float]:  # fmt: skip
    """Direct jobs ``(central, low, high)`` of a plant of ``target`` at ``capacity_t_per_yr``.

    Examples
    --------
    >>> round(direct_jobs("lithium_carbonate", 40000.0)[0])
    700
    """
    refs = jobs_references()
    if target not in refs:
        raise InputError("target", target, "a target of data/impact/jobs.csv: " + ", ".join(refs))
    if not capacity_t_per_yr > 0:
        raise InputError(f"{target}: capacity_t_per_yr", capacity_t_per_yr, "> 0")
    b = impact_parameter("jobs_scaling_exponent") if exponent is None else exponent
    ref = refs[target]
    scale = (capacity_t_per_yr / ref.capacity_t_per_yr) ** b
    return ref.jobs * scale, ref.low * scale, ref.high * scale


@cache
def _tax_sharing() -> dict[str, tuple[float, float]]:
    return {
        r["kind"]: (float(r["central_share"]), float(r["local_share"]))
        for r in read_rows("impact", "tax_sharing.csv")
    }


@dataclass(frozen=True)
class TaxSplit:
    """Taxes by kind and level of government. [CNY/yr]"""

    by_kind: Mapping[str, Mapping[str, float]]
    central: float
    local: float
    basis: str

    @property
    def total(self) -> float:
        """All taxes. [CNY/yr]"""
        return self.central + self.local

    def to_dict(self) -> dict[str, Any]:
        """``{"total", "central", "local", "by_kind": {kind: {...}}, "basis"}``."""
        return {
            "total": self.total,
            "central": self.central,
            "local": self.local,
            "by_kind": {k: dict(v) for k, v in self.by_kind.items()},
            "basis": self.basis,
        }


def split_taxes(taxes_cny: Mapping[str, float], basis: str = "given") -> TaxSplit:
    """Split taxes by kind between the central and local governments
    (``data/impact/tax_sharing.csv``).

    Examples
    --------
    >>> split_taxes({"vat": 100.0, "resource_tax": 10.0}).local
    60.0
    """
    shares = _tax_sharing()
    by_kind: dict[str, dict[str, float]] = {}
    for kind, amount in taxes_cny.items():
        if kind not in shares:
            raise InputError("taxes kind", kind, ", ".join(shares))
        if not np.isfinite(amount) or amount < 0:
            raise InputError(f"taxes {kind}", amount, "a non-negative amount [CNY/yr]")
        c, loc = shares[kind]
        by_kind[kind] = {"total": amount, "central": c * amount, "local": loc * amount}
    return TaxSplit(
        by_kind,
        sum(v["central"] for v in by_kind.values()),
        sum(v["local"] for v in by_kind.values()),
        basis,
    )


def estimate_taxes(plants: tuple[PlantSpec, ...], table: IOTable) -> dict[str, float]:
    """Taxes estimated from the IO table when none are given: net taxes on production (VA002)
    and ``eit_rate`` × operating surplus (VA004) of each plant's sector per CNY of output, times
    its output value. [CNY/yr]

    This is a sector average, not the plants' tax bill: resource tax, surtaxes and incentives
    are not in it.
    """
    prod = surplus = 0.0
    for p in plants:
        i = table.index(p.io_sector)
        prod += p.output_value_cny * table.net_production_taxes[i] / table.output[i]
        surplus += p.output_value_cny * table.operating_surplus[i] / table.output[i]
    return {
        "production_taxes_io": max(prod, 0.0),
        "eit": impact_parameter("eit_rate") * max(surplus, 0.0),
    }


@dataclass(frozen=True)
class Effect:
    """Jobs, wages and output of one kind of effect."""

    jobs: float
    wages_cny: float
    output_cny: float

    def to_dict(self) -> dict[str, float]:
        """``{"jobs", "wages_cny", "output_cny"}``."""
        return {"jobs": self.jobs, "wages_cny": self.wages_cny, "output_cny": self.output_cny}


@dataclass(frozen=True)
class PlantImpact:
    """Direct jobs of one plant, with their range and source."""

    name: str
    target: str
    io_sector: str
    capacity_t_per_yr: float
    output_value_cny: float
    jobs: float
    jobs_low: float
    jobs_high: float
    jobs_source: str
    jobs_status: str

    def to_dict(self) -> dict[str, Any]:
        """All fields as a dict."""
        return dict(self.__dict__)


def _regional_effects(
    m: Multipliers, table: IOTable, f: np.ndarray, direct_local_wages: float
) -> tuple[Effect, Effect]:
    n = len(table.codes)
    e = table.employment_coefficients
    e = np.zeros(n) if e is None else e
    hr = table.labour_coefficients
    x_ind = (m.leontief - np.eye(n)) @ f
    ind = Effect(float(e @ x_ind), float(hr @ x_ind), float(x_ind.sum()))
    # household spending of the local income, with every further round (type-II closure)
    hc = m.regionalisation.consumption_share * table.household_consumption_coefficients
    lhc = m.leontief @ hc
    k = float(hr @ lhc)
    if not k < 1.0:
        raise InputError("household closure", k, "an income feedback below 1")
    y0 = direct_local_wages + ind.wages_cny
    x_inc = lhc * y0 / (1.0 - k)
    inc = Effect(float(e @ x_inc), float(hr @ x_inc), float(x_inc.sum()))
    return ind, inc


@dataclass(frozen=True)
class ParkImpact:
    """Regional impact of a park.

    Attributes
    ----------
    direct, indirect, induced
        Effects in the region (indirect and induced with the regionalised multipliers).
    direct_jobs_low, direct_jobs_high
        Range of the direct jobs (from the jobs references' ranges). [persons]
    local_direct_jobs
        Direct jobs held by residents. [persons]
    taxes
        Taxes by kind and level of government.
    local_income_cny
        Household income in the region: local direct wages + indirect + induced wages. [CNY/yr]
    plants
        Direct jobs per plant.
    table, regionalisation
        IO table and regionalisation used.
    national
        Indirect and induced effects with the national multipliers (for comparison).
    sensitivity
        Indirect and induced jobs and local income under other regionalisations.
    notes
        Assumptions and what was left out, in words.
    """

    direct: Effect
    indirect: Effect
    induced: Effect
    direct_jobs_low: float
    direct_jobs_high: float
    local_direct_jobs: float
    taxes: TaxSplit
    local_income_cny: float
    plants: tuple[PlantImpact, ...]
    table: str
    regionalisation: str
    national: Mapping[str, Effect]
    sensitivity: tuple[Mapping[str, Any], ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The ``"impact"`` section of ``results.json``: ``direct`` ``{"jobs", "wages_cny", ...}``,
        ``indirect``, ``induced``, ``taxes_cny``, ``local_income_cny``, and the details."""
        direct = self.direct.to_dict()
        direct.update(
            jobs_low=self.direct_jobs_low,
            jobs_high=self.direct_jobs_high,
            local_jobs=self.local_direct_jobs,
        )
        return {
            "direct": direct,
            "indirect": self.indirect.to_dict(),
            "induced": self.induced.to_dict(),
            "taxes_cny": self.taxes.to_dict(),
            "local_income_cny": self.local_income_cny,
            "plants": [p.to_dict() for p in self.plants],
            "table": self.table,
            "regionalisation": self.regionalisation,
            "national": {k: v.to_dict() for k, v in self.national.items()},
            "sensitivity": [dict(s) for s in self.sensitivity],
            "notes": list(self.notes),
        }

    @classmethod
    def from_results(
        cls,
        data: Mapping[str, Any],
        prices: Mapping[str, float] | str | Path | None = None,
        taxes_cny: Mapping[str, float] | None = None,
        table: str | Path = "china-2020-42",
        regionalisation: str = "uniform",
    ) -> ParkImpact:
        """Impact of a solved scenario, from the dict of its ``results.json``.

        A plant is made for each target of ``data/impact/plant_sectors.csv`` found among the
        units; its capacity is the largest ``capacity_t_per_yr`` of those units or else the
        park's output of its jobs product; its output value is what it sells
        (``products_t_per_yr``) at ``prices`` (default: the prices of the results' economics
        block, so that the output value is the park's revenue; without one,
        ``data/impact/product_prices.csv``).
        Without ``taxes_cny`` (results have no taxes yet) the taxes are estimated from the IO
        table (:func:`estimate_taxes`).
        """
        spec, notes = park_from_results(data, prices)
        if taxes_cny is not None:
            spec = ParkSpec(spec.plants, dict(taxes_cny), name=spec.name, taxes_basis="given")
        return park_impact(spec, table, regionalisation, estimate=taxes_cny is None,
                           notes=notes)  # fmt: skip


def park_from_results(
    data: Mapping[str, Any], prices: Mapping[str, float] | str | Path | None = None
) -> tuple[ParkSpec, tuple[str, ...]]:
    """The :class:`ParkSpec` of a ``results.json`` dict, and notes on what was not counted."""
    try:
        units = list(data["units"])
        products = dict(data["products_t_per_yr"])
    except (KeyError, TypeError):
        raise InputError("results", "no units/products_t_per_yr", "a results.json of "
                         "'brineworks run'") from None  # fmt: skip
    econ = data.get("economics") or {}
    if prices is None and econ.get("products"):
        # the economics' prices per tonne made (potash by its K2O): the output is the revenue
        price = {p: float(v["price_cny_per_t"]) * float(v.get("grade_factor", 1.0))
                 for p, v in econ["products"].items()}  # fmt: skip
    else:
        price = product_prices(prices)
    refs = jobs_references()
    sectors = plant_sectors()
    econ_caps = {str(u["unit"]): u.get("capacity_t_per_yr") for u in econ.get("unit_costs", [])}
    plants = []
    covered: set[str] = set()
    valued: set[str] = set()  # a product is final demand once, from the first plant selling it
    unpriced: set[str] = set()
    for target, row in sectors.items():
        mine = [u for u in units if u.get("target") == target]
        if not mine:
            continue
        # the economics' capacity where there is one: in the basis of the plant's jobs row
        # (a flotation plant or an evaporator counts the feed it takes)
        caps = [float(c) for u in mine
                if (c := econ_caps.get(str(u["unit"])) or u.get("capacity_t_per_yr"))]  # fmt: skip
        product = refs[target].product
        capacity = max(caps) if caps else float(products.get(product, 0.0))
        if not capacity > 0:
            continue
        value = 0.0
        for p in filter(None, row["sells"].split(";")):
            if p not in products or p in valued:
                continue
            valued.add(p)
            if p not in price:
                unpriced.add(p)
                continue
            value += float(products[p]) * price[p]
        covered.add(target)
        covered.update(filter(None, row["includes"].split(";")))
        name = " + ".join(str(u["unit"]) for u in mine)
        plants.append(PlantSpec(name, target, capacity, value, row["io_sector"]))
    left = sorted({str(u.get("target")) for u in units if u.get("target")} - covered)
    notes = []
    if left:
        notes.append("units without jobs data (not counted): " + ", ".join(left))
    unsold = sorted(set(products) - {p for t in covered if t in sectors
                                     for p in sectors[t]["sells"].split(";")})  # fmt: skip
    if unsold:
        notes.append("products not valued (no plant sells them): " + ", ".join(unsold))
    if unpriced:
        notes.append("products not valued (no price): " + ", ".join(sorted(unpriced)))
    return ParkSpec(tuple(plants), name=str(data.get("scenario", "park"))), tuple(notes)


def _regionalisation(table: IOTable, spec: str) -> Regionalisation:
    from brineworks.impact.io import regionalisation_from_spec

    return regionalisation_from_spec(table, spec)


def park_impact(
    spec: ParkSpec,
    table: str | Path | IOTable = "china-2020-42",
    regionalisation: str = "uniform",
    estimate: bool = False,
    notes: tuple[str, ...] = (),
) -> ParkImpact:
    """Direct, indirect and induced effects, taxes and local income of a park.

    Parameters
    ----------
    spec
        The park.
    table
        IO table name, file or object.
    regionalisation
        ``uniform`` (default: local-purchase shares of ``parameters.csv``), ``national``,
        ``slq:REGION``, ``flq:REGION`` or ``uniform:P:C``.
    estimate
        Estimate the taxes from the IO table when ``spec.taxes_cny`` is empty.
    notes
        Notes carried into the result.
    """
    t = table if isinstance(table, IOTable) else load_table(table)
    if not spec.plants:
        raise InputError("plants", "none", "at least one plant with jobs data")
    wage = (
        impact_parameter("wage_cny_per_job_yr")
        if spec.wage_cny_per_job_yr is None
        else spec.wage_cny_per_job_yr
    )
    share = (
        impact_parameter("local_hire_share")
        if spec.local_hire_share is None
        else spec.local_hire_share
    )
    if not 0.0 <= share <= 1.0:
        raise InputError("local_hire_share", share, "a share in [0, 1]")
    if not wage >= 0:
        raise InputError("wage_cny_per_job_yr", wage, ">= 0")
    refs = jobs_references()
    plants = []
    f = np.zeros(len(t.codes))
    for p in spec.plants:
        if p.output_value_cny < 0:
            raise InputError(f"{p.name}: output_value_cny", p.output_value_cny, ">= 0")
        jobs, low, high = direct_jobs(p.target, p.capacity_t_per_yr)
        f[t.index(p.io_sector)] += p.output_value_cny
        ref = refs[p.target]
        plants.append(
            PlantImpact(p.name, p.target, p.io_sector, p.capacity_t_per_yr, p.output_value_cny,
                        jobs, low, high, ref.source, ref.status)
        )  # fmt: skip
    jobs = sum(p.jobs for p in plants)
    direct = Effect(jobs, jobs * wage, float(f.sum()))
    local_wages = jobs * wage * share
    reg = _regionalisation(t, regionalisation)
    m = multipliers(t, reg)
    indirect, induced = _regional_effects(m, t, f, local_wages)
    nat_ind, nat_inc = _regional_effects(multipliers(t), t, f, jobs * wage)
    sensitivity = []
    for label in ("national", "uniform:0.3:0.5", "uniform", "uniform:0.7:0.9", "slq:golmud",
                  "flq:golmud"):  # fmt: skip
        r = _regionalisation(t, label)
        wages_in = jobs * wage * (1.0 if label == "national" else share)
        i2, c2 = _regional_effects(multipliers(t, r), t, f, wages_in)
        sensitivity.append({
            "regionalisation": r.description,
            "indirect_jobs": i2.jobs,
            "induced_jobs": c2.jobs,
            "local_income_cny": wages_in + i2.wages_cny + c2.wages_cny,
        })  # fmt: skip
    taxes_in = dict(spec.taxes_cny)
    basis = spec.taxes_basis
    all_notes = list(notes)
    if not taxes_in and estimate:
        taxes_in = estimate_taxes(spec.plants, t)
        basis = (
            "estimated from the IO table (net taxes on production and eit_rate x operating "
            "surplus of each plant's sector per CNY of output); resource tax not included"
        )
    all_notes.append(f"wage {wage:,.0f} CNY/job/yr; local hire share {share:g}")
    if t.employment is None:
        all_notes.append("the table has no employment: indirect and induced jobs are 0")
    log.info("park impact of %s: %d plants, %.0f direct jobs", spec.name, len(plants), jobs)
    return ParkImpact(
        direct=direct,
        indirect=indirect,
        induced=induced,
        direct_jobs_low=sum(p.jobs_low for p in plants),
        direct_jobs_high=sum(p.jobs_high for p in plants),
        local_direct_jobs=jobs * share,
        taxes=split_taxes(taxes_in, basis),
        local_income_cny=local_wages + indirect.wages_cny + induced.wages_cny,
        plants=tuple(plants),
        table=t.name,
        regionalisation=reg.description,
        national={"indirect": nat_ind, "induced": nat_inc},
        sensitivity=tuple(sensitivity),
        notes=tuple(all_notes),
    )
