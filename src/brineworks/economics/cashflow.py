"""Yearly cash flows of a project with Chinese taxes, and NPV, IRR and payback.

Years run from the first construction year (index 0) to the last operating year. Cash flows
fall at the end of each year: a flow in year index :math:`t` is discounted by
:math:`(1+r)^{-(t+1)}`.

In an operating year :math:`k` (0 = first) at utilisation :math:`u_k`:

* revenue :math:`R = u_k \\sum_p q_p P_p` (ex-VAT), output VAT :math:`u_k \\sum_p v_p q_p P_p`;
* variable cost and its input VAT scale with :math:`u_k`; fixed cost does not;
* VAT payable = output VAT − input VAT − the credit carried forward (creditable VAT on the
  equipment share of capital, and any excess input VAT), never negative;
* surtaxes (urban maintenance and construction, education, local education) on the VAT paid;
* resource tax :math:`u_k \\sum_p s_p q_p P_p` on the sales value of taxable products;
* straight-line depreciation of capital less its creditable VAT, buildings and equipment
  apart, to a residual value;
* taxable income = revenue − costs − surtaxes − resource tax − depreciation; losses carried
  forward for the legal number of years (oldest first); EIT at the year's rate (Western
  Development rate while it applies), never negative;
* working capital held as a share of revenue, built up with it and released in the last year;
  the book value left in the last year (the residual) recovered as salvage.

Net cash flow = revenue + output VAT − variable cost − input VAT − fixed cost − VAT paid −
surtaxes − resource tax − EIT − capital (with its VAT) − change in working capital + salvage.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np
from scipy.optimize import brentq

from brineworks.economics.parameters import Finance, TaxRules

__all__ = [
    "COLUMNS",
    "CashFlows",
    "ProjectInputs",
    "cash_flows",
    "irr",
    "irr_roots",
    "npv",
    "payback_years",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProjectInputs:
    """What the cash-flow engine needs, at full output (in CNY of the price year).

    Attributes
    ----------
    capex
        Capital cost, VAT included. [CNY]
    capex_vat_credit
        Creditable input VAT within ``capex``. [CNY]
    revenue
        Sales at full output by product, ex-VAT. [CNY/yr]
    output_vat_rate, resource_tax_rate
        By product. [-]
    fixed_opex
        Fixed operating cost (no VAT). [CNY/yr]
    variable_opex
        Variable operating cost at full output, ex-VAT. [CNY/yr]
    input_vat
        VAT on the variable cost at full output. [CNY/yr]
    """

    capex: float
    capex_vat_credit: float
    revenue: Mapping[str, float]
    output_vat_rate: Mapping[str, float]
    resource_tax_rate: Mapping[str, float]
    fixed_opex: float
    variable_opex: float
    input_vat: float

    def __post_init__(self) -> None:
        for name in ("revenue", "output_vat_rate", "resource_tax_rate"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))


COLUMNS = (
    "year", "phase", "utilisation", "capex", "revenue", "variable_opex", "fixed_opex",
    "output_vat", "input_vat", "vat_paid", "surtaxes", "resource_tax", "depreciation",
    "taxable_income", "loss_used", "income_tax", "working_capital_change", "salvage",
    "net_cash_flow",
)  # fmt: skip
"""Columns of the cash-flow table, in order."""


@dataclass(frozen=True)
class CashFlows:
    """Yearly cash-flow table of a project (one entry per year in each column). [CNY]

    Attributes
    ----------
    columns
        Name → values by year (``year`` the calendar year, ``phase`` 'construction' or
        'operation', ``utilisation`` the share of full output).
    discount_rate
        The rate of :meth:`npv`. [1/yr]
    """

    columns: Mapping[str, tuple[Any, ...]]
    discount_rate: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", MappingProxyType(dict(self.columns)))

    def __getitem__(self, name: str) -> tuple[Any, ...]:
        return self.columns[name]

    @property
    def net(self) -> tuple[float, ...]:
        """Net cash flow by year. [CNY]"""
        return self.columns["net_cash_flow"]

    def npv(self, rate: float | None = None) -> float:
        """Net present value at ``rate`` (default the evaluation's). [CNY]"""
        return npv(self.net, self.discount_rate if rate is None else rate)

    def total(self, name: str) -> float:
        """Sum of a column over the years (undiscounted). [CNY]"""
        return float(sum(self.columns[name]))

    def present_value(self, name: str, rate: float | None = None) -> float:
        """Present value of a column. [CNY]"""
        return npv(self.columns[name], self.discount_rate if rate is None else rate)

    def to_dict(self) -> dict[str, list[Any]]:
        """The table as lists by column (JSON-ready)."""
        return {k: list(v) for k, v in self.columns.items()}


def npv(cash: Sequence[float] | np.ndarray, rate: float) -> float:
    """Net present value of end-of-year cash flows, the first at the end of year 1. [CNY]

    Examples
    --------
    >>> round(npv([-100.0, 110.0], 0.10), 6)
    0.0
    """
    if rate <= -1:
        raise ValueError(f"discount rate {rate} <= -1")
    factors = (1.0 + rate) ** -np.arange(1, len(cash) + 1, dtype=float)
    return float(np.dot(np.asarray(cash, dtype=float), factors))


def irr_roots(
    cash: Sequence[float] | np.ndarray, low: float = -0.99, high: float = 10.0
) -> list[float]:
    """Every discount rate in ``[low, high]`` at which the NPV is zero.

    The NPV is evaluated on a dense grid (uniform in log(1 + r)); each sign change is refined
    with Brent's method to 1e-12.
    """
    flows = np.asarray(cash, dtype=float)
    if not np.any(flows > 0) or not np.any(flows < 0):
        return []
    grid, discount = _irr_grid(low, high, len(flows))
    values = discount @ flows
    roots: list[float] = []
    a, b = values[:-1], values[1:]
    for i in np.flatnonzero((a == 0.0) | (a * b < 0)):
        if values[i] == 0.0:
            roots.append(float(grid[i]))
        else:
            roots.append(float(brentq(lambda r: npv(flows, r), grid[i], grid[i + 1], xtol=1e-12)))
    if values[-1] == 0.0:
        roots.append(float(grid[-1]))
    return roots


@lru_cache(maxsize=8)
def _irr_grid(low: float, high: float, years: int) -> tuple[np.ndarray, np.ndarray]:
    """The rates of :func:`irr_roots`' grid and their discount factors by year (read-only)."""
    grid = np.expm1(np.linspace(math.log1p(low), math.log1p(high), 4001))
    powers = np.arange(1, years + 1, dtype=float)
    discount = (1.0 + grid[:, None]) ** -powers[None, :]
    grid.flags.writeable = False
    discount.flags.writeable = False
    return grid, discount


def irr(cash: Sequence[float] | np.ndarray) -> float | None:
    """Internal rate of return: the one rate in (−99 %, 1000 %) at which the NPV is zero.

    None when there is no such rate (all flows of one sign, or the NPV never crosses zero) or
    when there are several (non-conventional flows); the second case is logged.

    Examples
    --------
    >>> round(irr([-100.0, 60.0, 60.0]), 6)
    0.130662
    >>> irr([100.0, 50.0]) is None
    True
    """
    roots = irr_roots(cash)
    if len(roots) == 1:
        return roots[0]
    if len(roots) > 1:
        log.warning("several internal rates of return %s: IRR undefined", roots)
    return None


def payback_years(cash: Sequence[float]) -> float | None:
    """Years from the start of the project (construction included) until the cumulative net
    cash flow turns non-negative, interpolated within the year; None if it never does.

    Examples
    --------
    >>> payback_years([-100.0, 50.0, 50.0, 50.0])
    3.0
    """
    cumulative = 0.0
    seen_negative = False
    for k, flow in enumerate(cash):
        before = cumulative
        cumulative += flow
        if cumulative < 0:
            seen_negative = True
        elif seen_negative:
            return k + (-before / flow if flow > 0 else 1.0)
    if not seen_negative:
        return 0.0
    return None


def _depreciation(base: float, finance: Finance, years: int) -> np.ndarray:
    """Straight-line depreciation of ``base`` over the operating years (buildings and
    equipment apart, each to the residual share)."""
    out = np.zeros(years)
    for share, life in (
        (finance.building_share, finance.building_life),
        (1.0 - finance.building_share, finance.equipment_life),
    ):
        yearly = base * share * (1.0 - finance.salvage_share) / life
        out[: min(life, years)] += yearly
    return out


def cash_flows(inputs: ProjectInputs, finance: Finance, taxes: TaxRules) -> CashFlows:
    """Yearly cash flows of a project (see the module text for every term)."""
    build, run = finance.construction_years, finance.operating_years
    n = build + run
    years = [finance.start_year + t for t in range(n)]
    capex = np.zeros(n)
    profile = finance.capex_profile if build > 0 else (1.0,)
    for t, share in enumerate(profile):
        capex[t] += inputs.capex * share
    utilisation = np.array([finance.utilisation(t - build) for t in range(n)])
    revenue_full = sum(inputs.revenue.values())
    revenue = utilisation * revenue_full
    out_vat = utilisation * sum(v * inputs.output_vat_rate.get(p, 0.0)
                                for p, v in inputs.revenue.items())  # fmt: skip
    resource = utilisation * sum(v * inputs.resource_tax_rate.get(p, 0.0)
                                 for p, v in inputs.revenue.items())  # fmt: skip
    variable = utilisation * inputs.variable_opex
    in_vat = utilisation * inputs.input_vat
    fixed = np.where(np.arange(n) >= build, inputs.fixed_opex, 0.0)

    # VAT with the capital credit accruing during construction
    credit_by_year = np.zeros(n)
    for t, share in enumerate(profile):
        credit_by_year[t] += inputs.capex_vat_credit * share
    vat_paid = np.zeros(n)
    balance = 0.0
    for t in range(n):
        balance += credit_by_year[t]
        net = out_vat[t] - in_vat[t]
        if net >= 0:
            used = min(balance, net)
            vat_paid[t] = net - used
            balance -= used
        else:
            balance -= net
    surtaxes = vat_paid * taxes.surtax_rate

    base = inputs.capex - inputs.capex_vat_credit
    depreciation = np.zeros(n)
    depreciation[build:] = _depreciation(base, finance, run)
    salvage = np.zeros(n)
    salvage[-1] = base - depreciation.sum()

    ebt = revenue - variable - fixed - surtaxes - resource - depreciation
    taxable = np.zeros(n)
    loss_used = np.zeros(n)
    income_tax = np.zeros(n)
    losses: list[list[float]] = []  # [year index, remaining loss]
    for t in range(build, n):
        losses = [x for x in losses if t - x[0] <= taxes.loss_carry_forward_years]
        if ebt[t] < 0:
            losses.append([t, -ebt[t]])
            taxable[t] = 0.0
            continue
        income = ebt[t]
        for entry in losses:
            use = min(entry[1], income)
            entry[1] -= use
            income -= use
            loss_used[t] += use
        losses = [x for x in losses if x[1] > 0]
        taxable[t] = income
        income_tax[t] = taxes.income_tax_rate(years[t], finance) * income

    wc_level = finance.working_capital_share * revenue
    wc_change = np.diff(np.concatenate(([0.0], wc_level)))
    wc_change[-1] -= wc_level[-1]  # released in the last year

    net = (revenue + out_vat - variable - in_vat - fixed - vat_paid - surtaxes - resource
           - income_tax - capex - wc_change + salvage)  # fmt: skip
    phase = tuple("construction" if t < build else "operation" for t in range(n))
    arrays = {
        "year": tuple(years),
        "phase": phase,
        "utilisation": utilisation,
        "capex": capex,
        "revenue": revenue,
        "variable_opex": variable,
        "fixed_opex": fixed,
        "output_vat": out_vat,
        "input_vat": in_vat,
        "vat_paid": vat_paid,
        "surtaxes": surtaxes,
        "resource_tax": resource,
        "depreciation": depreciation,
        "taxable_income": taxable,
        "loss_used": loss_used,
        "income_tax": income_tax,
        "working_capital_change": wc_change,
        "salvage": salvage,
        "net_cash_flow": net,
    }
    columns = {
        k: tuple(arrays[k])
        if k in ("year", "phase")
        else tuple(np.asarray(arrays[k], float).tolist())
        for k in COLUMNS
    }
    return CashFlows(columns, finance.discount_rate)
