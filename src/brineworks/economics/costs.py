"""Capital and operating costs of a plant from its cost model (``data/economics/cost_models.csv``).

Capital cost of a plant of capacity :math:`S` in the price year :math:`y`:

.. math::

    C = C_\\mathrm{ref} \\left(\\frac{S}{S_\\mathrm{ref}}\\right)^n
        \\frac{I(y)}{I(y_\\mathrm{ref})}\\, X \\, f_\\mathrm{inst} f_\\mathrm{loc}

with the reference plant's cost :math:`C_\\mathrm{ref}` at capacity :math:`S_\\mathrm{ref}` in
year :math:`y_\\mathrm{ref}`, the scaling exponent :math:`n`, the cost index :math:`I` named by
the model (``CN_PPI`` for Chinese plants: the reference converted to CNY at its year's rate, then
indexed; ``CEPCI`` for foreign plants: indexed in US$, converted at the price year's rate
:math:`X`), and installation and location factors.

Fixed operating cost: maintenance, insurance and overheads as shares of capital, plus labour
(jobs × wage × (1 + social charges)); variable operating cost: quantities × prices.

Examples
--------
>>> models, idx = load_cost_models(), load_indices()
>>> round(plant_capex(models["chlor_alkali"], 100_000, 2007, idx) / 1e6)
380
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from brineworks.data import read_rows
from brineworks.economics.parameters import Finance
from brineworks.errors import InputError
from brineworks.impact.regional import direct_jobs, jobs_references

__all__ = [
    "CostIndices",
    "CostModel",
    "FixedOpex",
    "escalate",
    "fixed_opex",
    "load_cost_models",
    "load_indices",
    "plant_capex",
    "plant_jobs",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CostModel:
    """A cost target's reference plant and scaling (one row of ``cost_models.csv``).

    ``basis`` is the component whose output is the capacity, ``feed``, ``none`` (a virtual
    unit) or ``included:TARGET`` (costed within TARGET's reference plant).
    """

    target: str
    basis: str
    ref_capacity: float
    capex: float
    currency: str
    year: int
    place: str
    index: str
    exponent: float
    install_factor: float
    location_factor: float
    other_variable_cny_per_t: float
    capex_low: float
    capex_high: float
    max_train: float | None
    source: str
    status: str
    note: str

    @property
    def included_in(self) -> str | None:
        """The target whose reference plant includes this one, if any."""
        return self.basis.split(":", 1)[1] if self.basis.startswith("included:") else None

    @property
    def costed(self) -> bool:
        """Whether the model carries a cost of its own."""
        return self.basis != "none" and self.included_in is None


def _num(text: str, default: float = 0.0) -> float:
    return float(text) if text.strip() else default


@cache
def load_cost_models() -> Mapping[str, CostModel]:
    """Cost models by target."""
    out: dict[str, CostModel] = {}
    for r in read_rows("economics", "cost_models.csv"):
        out[r["target"]] = CostModel(
            target=r["target"],
            basis=r["basis"],
            ref_capacity=_num(r["ref_capacity"]),
            capex=_num(r["capex"]),
            currency=r["currency"],
            year=int(r["year"]) if r["year"].strip() else 0,
            place=r["place"],
            index=r["index"],
            exponent=_num(r["exponent"], 0.6),
            install_factor=_num(r["install_factor"], 1.0),
            location_factor=_num(r["location_factor"], 1.0),
            other_variable_cny_per_t=_num(r["other_variable_cny_per_t"]),
            capex_low=_num(r["capex_low"]),
            capex_high=_num(r["capex_high"]),
            max_train=_num(r["max_train"]) if r.get("max_train", "").strip() else None,
            source=r["source"],
            status=r["status"],
            note=r["note"],
        )
    return MappingProxyType(out)


@dataclass(frozen=True)
class CostIndices:
    """Cost-index levels and exchange rates by year.

    Attributes
    ----------
    levels
        Index name → year → level (``CN_PPI`` chained from its previous-year = 100 values,
        2000 = 100).
    rates
        Currency → year → CNY per unit of currency.
    """

    levels: Mapping[str, Mapping[int, float]]
    rates: Mapping[str, Mapping[int, float]]

    def level(self, index: str, year: int) -> float:
        """Level of a cost index in a year."""
        try:
            return self.levels[index][year]
        except KeyError:
            have = self.levels.get(index, {})
            span = f"{min(have)}-{max(have)}" if have else "none"
            raise InputError(f"cost index {index}", year, f"a year with a value ({span})") from None

    def cny_per(self, currency: str, year: int) -> float:
        """CNY per unit of ``currency`` (annual average)."""
        if currency == "CNY":
            return 1.0
        try:
            return self.rates[currency][year]
        except KeyError:
            have = self.rates.get(currency, {})
            span = f"{min(have)}-{max(have)}" if have else "none"
            raise InputError(f"CNY per {currency}", year, f"a year with a rate ({span})") from None


@cache
def load_indices() -> CostIndices:
    """Cost indices and exchange rates of ``cost_index.csv``."""
    rows = read_rows("economics", "cost_index.csv")
    levels: dict[str, dict[int, float]] = {}
    rates: dict[str, dict[int, float]] = {}
    yoy: dict[int, float] = {}
    for r in rows:
        year, value = int(r["year"]), float(r["value"])
        if r["index"] == "CN_PPI":
            yoy[year] = value
        elif r["index"].startswith("CNY_per_"):
            rates.setdefault(r["index"].removeprefix("CNY_per_"), {})[year] = value
        else:
            levels.setdefault(r["index"], {})[year] = value
    chain = {min(yoy): 100.0}
    for year in sorted(yoy)[1:]:
        chain[year] = chain[year - 1] * yoy[year] / 100.0
    levels["CN_PPI"] = chain
    return CostIndices(
        MappingProxyType({k: MappingProxyType(v) for k, v in levels.items()}),
        MappingProxyType({k: MappingProxyType(v) for k, v in rates.items()}),
    )


def escalate(
    amount: float, currency: str, year: int, index: str, price_year: int, indices: CostIndices
) -> float:
    """An amount of ``currency`` spent in ``year`` in CNY of ``price_year``. [CNY]

    With ``CN_PPI`` the amount is converted to CNY at ``year``'s rate and indexed; with any
    other index (CEPCI) it is converted to US$ at ``year``'s rate, indexed, and converted to
    CNY at ``price_year``'s rate.
    """
    if index == "CN_PPI":
        cny = amount * indices.cny_per(currency, year)
        return cny * indices.level(index, price_year) / indices.level(index, year)
    usd = amount * indices.cny_per(currency, year) / indices.cny_per("USD", year)
    usd *= indices.level(index, price_year) / indices.level(index, year)
    return usd * indices.cny_per("USD", price_year)


def plant_capex(model: CostModel, capacity: float, price_year: int, indices: CostIndices) -> float:
    """Capital cost of a plant of ``capacity`` (in the model's basis, t/yr). [CNY]

    Zero for a zero capacity and for models without a cost of their own. A plant bigger than
    the model's ``max_train`` is built as ``ceil(capacity / max_train)`` equal trains, each
    scaled from the reference (the economy of scale stops at the largest train built). A
    train more than ten times from the reference is logged (extrapolation of the power law).
    """
    if not model.costed or capacity <= 0:
        return 0.0
    if not math.isfinite(capacity):
        raise InputError(f"capacity of {model.target}", capacity, "a finite number of t/yr")
    trains = math.ceil(capacity / model.max_train) if model.max_train else 1
    ratio = capacity / trains / model.ref_capacity
    if not 0.1 <= ratio <= 10:
        log.info("%s: capacity %.3g is %.2g x the reference plant", model.target, capacity, ratio)
    base = escalate(model.capex, model.currency, model.year, model.index, price_year, indices)
    return trains * base * ratio**model.exponent * model.install_factor * model.location_factor


def plant_jobs(model: CostModel, capacity: float) -> float:
    """Direct jobs of a plant of ``capacity`` (in the model's basis) from the one jobs table,
    ``data/impact/jobs.csv`` (:func:`brineworks.impact.regional.direct_jobs`: the reference
    plant's jobs scaled by capacity to the jobs exponent); 0 for a plant without a cost of its
    own or without a jobs reference. [-]"""
    if not model.costed or capacity <= 0 or model.target not in jobs_references():
        return 0.0
    return direct_jobs(model.target, capacity)[0]


@dataclass(frozen=True)
class FixedOpex:
    """Yearly fixed operating costs of a plant. [CNY/yr]"""

    maintenance: float
    insurance: float
    overhead: float
    labour: float

    @property
    def total(self) -> float:
        """Sum of the fixed costs. [CNY/yr]"""
        return self.maintenance + self.insurance + self.overhead + self.labour


def fixed_opex(capex: float, jobs: float, finance: Finance) -> FixedOpex:
    """Fixed operating costs: shares of capital and labour with social charges. [CNY/yr]

    Examples
    --------
    >>> from brineworks.economics.parameters import Finance
    >>> f = fixed_opex(1e9, 100, Finance())
    >>> round(f.total / 1e6, 2)
    70.31
    """
    return FixedOpex(
        maintenance=capex * finance.maintenance_share,
        insurance=capex * finance.insurance_share,
        overhead=capex * finance.overhead_share,
        labour=jobs * finance.wage * (1.0 + finance.social_charges),
    )
