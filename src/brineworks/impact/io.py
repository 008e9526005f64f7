"""Input–output tables and their multipliers: China's national 42-sector tables (NBS 2018, 2020)
or a user's table in the same layout.

A table is read in the non-competitive layout of ``data/io/china_2020_42.csv``: ``Domestic``
rows (domestic intermediate use), ``Imports`` rows, ``TOT`` rows ``VA001`` (compensation of
employees), ``VA002`` (net taxes on production), ``VA004`` (operating surplus), ``TVA`` (value
added), and the final-use columns ``TC`` (final consumption) and ``GO`` (gross output); values
in 10⁴ CNY, converted to CNY on reading. Sector employment comes from an optional ``TOT`` row
``EMP`` (persons) or, for the 42 NBS sectors, from ``data/io/china_employment.csv`` through the
mapping ``data/io/employment_map.csv``.

Equations (Miller & Blair 2009, *Input–Output Analysis*, 2nd ed., ch. 2 and 6):

- domestic direct coefficients ``a_ij = z_ij / x_j``; Leontief inverse ``L = (I − A)⁻¹``;
- type-I output multiplier of sector j: ``Σ_i L_ij``; income ``(h_r L)_j`` with the labour
  coefficients ``h_r,j = VA001_j / x_j``, and its type-I ratio ``(h_r L)_j / h_r,j``;
  employment ``(e L)_j`` with ``e_i = persons_i / x_i`` (reported per million CNY);
- type II closes households: the matrix is bordered by the labour row ``h_r`` and the household
  consumption column ``h_c,i = s_h · TC_i / Σ_j VA001_j`` (``s_h`` the household share of final
  consumption, ``data/impact/parameters.csv``), and the same sums are taken over its inverse.

Regionalisation (:class:`Regionalisation`): each intermediate coefficient is scaled by the
share of its supplying sector bought inside the region, ``A_r = diag(r) A``, and the household
column by the share of spending made there. Three rules are offered: a uniform local-purchase
share, simple location quotients (SLQ) of three broad sectors from the region's GDP structure
(``data/impact/regions.csv``), and Flegg's FLQ, which also scales by the region's size.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from brineworks.data import read_rows, read_text
from brineworks.errors import InputError

__all__ = [
    "BUILT_IN_TABLES",
    "IOTable",
    "Multipliers",
    "Regionalisation",
    "impact_parameter",
    "leontief",
    "load_table",
    "multipliers",
    "region_structure",
    "regionalisation_from_spec",
    "sector_groups",
]

BUILT_IN_TABLES = {"china-2018-42": "china_2018_42.csv", "china-2020-42": "china_2020_42.csv"}
"""Built-in tables by name → file in ``data/io``."""

_EMPLOYMENT_YEAR = 2018
"""Latest year of the employment series (used with both tables)."""

_UNIT = 1.0e4
"""The tables' unit: 10⁴ CNY."""

Vector = NDArray[np.float64]


@cache
def _parameters() -> dict[str, dict[str, str]]:
    return {r["name"]: r for r in read_rows("impact", "parameters.csv")}


def impact_parameter(name: str) -> float:
    """A scalar of ``data/impact/parameters.csv`` by name.

    Examples
    --------
    >>> round(impact_parameter("household_share_of_final_consumption"), 3)
    0.69
    """
    try:
        return float(_parameters()[name]["value"])
    except KeyError:
        raise InputError("parameter", name, ", ".join(sorted(_parameters()))) from None


@dataclass(frozen=True)
class IOTable:
    """A national (or regional) input–output table, in CNY and persons.

    Attributes
    ----------
    name
        Name or file of the table.
    codes, names
        Sector codes and names (same order as every vector).
    z
        Domestic intermediate flows, supplying sector by row, using sector by column. [CNY]
    output
        Gross output ``x``. [CNY]
    compensation
        Compensation of employees (VA001). [CNY]
    net_production_taxes
        Net taxes on production (VA002). [CNY]
    operating_surplus
        Operating surplus (VA004). [CNY]
    value_added
        Total value added (TVA). [CNY]
    final_consumption
        Final consumption of domestic products (TC; households and government). [CNY]
    employment
        Persons employed per sector, or ``None`` when unknown. [persons]
    household_share
        Share of final consumption spent by households. [-]
    employment_note
        Where the employment came from.
    """

    name: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    z: NDArray[np.float64]
    output: Vector
    compensation: Vector
    net_production_taxes: Vector
    operating_surplus: Vector
    value_added: Vector
    final_consumption: Vector
    employment: Vector | None
    household_share: float
    employment_note: str = ""

    def index(self, code: str) -> int:
        """Position of sector ``code``."""
        try:
            return self.codes.index(code)
        except ValueError:
            raise InputError("io_sector", code, "a sector code of " + self.name) from None

    @property
    def coefficients(self) -> NDArray[np.float64]:
        """Domestic direct coefficients ``A = Z diag(x)⁻¹``. [-]"""
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.where(self.output > 0, self.z / self.output, 0.0)
        return np.asarray(a, dtype=float)

    @property
    def labour_coefficients(self) -> Vector:
        """Compensation of employees per CNY of output, ``h_r``. [-]"""
        return _safe_ratio(self.compensation, self.output)

    @property
    def household_consumption_coefficients(self) -> Vector:
        """Household consumption of each domestic product per CNY of compensation, ``h_c``. [-]"""
        return self.household_share * self.final_consumption / float(self.compensation.sum())

    @property
    def employment_coefficients(self) -> Vector | None:
        """Persons per CNY of output, ``e``. [persons/CNY]"""
        if self.employment is None:
            return None
        return _safe_ratio(self.employment, self.output)


def _safe_ratio(num: Vector, den: Vector) -> Vector:
    out = np.zeros_like(num, dtype=float)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _number(value: str, field: str) -> float:
    try:
        x = float(value) if value.strip() else 0.0
    except ValueError:
        raise InputError(field, value, "a number") from None
    if not math.isfinite(x):
        raise InputError(field, value, "a finite number")
    return x


def load_table(table: str | Path = "china-2020-42") -> IOTable:
    """Read a built-in table by name (``china-2018-42``, ``china-2020-42``) or a CSV file in the
    same layout.

    Raises
    ------
    InputError
        An unknown name, a missing file, or a file without the rows and columns needed.
    """
    key = str(table)
    if key in BUILT_IN_TABLES:
        return _load_builtin(key)
    path = Path(key)
    if not path.is_file():
        raise InputError("table", key, ", ".join(BUILT_IN_TABLES) + " or a CSV file")
    return _parse(path.read_text("utf-8"), key)


@cache
def _load_builtin(name: str) -> IOTable:
    return _parse(read_text("io", BUILT_IN_TABLES[name]), name)


def _parse(text: str, name: str) -> IOTable:
    rows = _rows_of(text)
    needed_cols = {"Code", "Origin", "TC", "GO"}
    if not rows or not needed_cols <= set(rows[0]):
        have = ", ".join(rows[0]) if rows else "nothing"
        raise InputError(f"{name}: columns", have, "Code, Origin, sector codes, TC, GO")
    domestic = [r for r in rows if r["Origin"] == "Domestic"]
    codes = tuple(r["Code"] for r in domestic)
    if not codes or any(c not in rows[0] for c in codes):
        raise InputError(f"{name}: sectors", codes, "one column per Domestic row, by code")
    tot = {r["Code"]: r for r in rows if r["Origin"] == "TOT"}
    for key in ("VA001", "VA002", "VA004", "TVA"):
        if key not in tot:
            raise InputError(f"{name}: TOT rows", sorted(tot), "VA001, VA002, VA004, TVA")
    n = len(codes)
    z = np.array([[_number(r[c], f"{name}: {r['Code']}/{c}") for c in codes] for r in domestic])
    output = np.array([_number(r["GO"], f"{name}: {r['Code']}/GO") for r in domestic])
    consumption = np.array([_number(r["TC"], f"{name}: {r['Code']}/TC") for r in domestic])

    def tot_row(key: str) -> Vector:
        return np.array([_number(tot[key][c], f"{name}: {key}/{c}") for c in codes])

    if np.any(output < 0) or np.any(z < 0):
        raise InputError(f"{name}: flows", "a negative output or flow", "non-negative values")
    employment: Vector | None
    if "EMP" in tot:
        employment, note = tot_row("EMP"), f"row EMP of {name}"
    else:
        employment, note = _national_employment(codes)
    table = IOTable(
        name=name,
        codes=codes,
        names=tuple(r["Description"] if "Description" in r else r["Code"] for r in domestic),
        z=z * _UNIT,
        output=output * _UNIT,
        compensation=tot_row("VA001") * _UNIT,
        net_production_taxes=tot_row("VA002") * _UNIT,
        operating_surplus=tot_row("VA004") * _UNIT,
        value_added=tot_row("TVA") * _UNIT,
        final_consumption=consumption * _UNIT,
        employment=employment,
        household_share=impact_parameter("household_share_of_final_consumption"),
        employment_note=note,
    )
    if table.compensation.sum() <= 0 or n == 0:
        raise InputError(f"{name}: VA001", "no compensation", "a positive total")
    return table


@cache
def _employment_by_code() -> dict[str, float]:
    rows = read_rows("io", "china_employment.csv")
    return {r["Code"]: float(r[str(_EMPLOYMENT_YEAR)]) * 1.0e4 for r in rows}


@cache
def employment_map() -> dict[str, tuple[str, ...]]:
    """IO sector code → employment codes summed into it (``data/io/employment_map.csv``)."""
    return {
        r["io_sector"]: tuple(r["employment_codes"].split("+"))
        for r in read_rows("io", "employment_map.csv")
    }


def _national_employment(codes: tuple[str, ...]) -> tuple[Vector | None, str]:
    mapping = employment_map()
    if set(codes) != set(mapping):
        return None, "none: the sectors are not the 42 NBS sectors and the table has no EMP row"
    by_code = _employment_by_code()
    jobs = np.array([sum(by_code[c] for c in mapping[s]) for s in codes])
    return jobs, (
        f"national employment {_EMPLOYMENT_YEAR} (ionet china_employment; data/io/"
        "employment_map.csv)"
    )


def leontief(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """The Leontief inverse ``(I − A)⁻¹``.

    Raises
    ------
    InputError
        If ``I − A`` is singular or the inverse has negative entries (a productive economy has a
        non-negative inverse).

    Examples
    --------
    >>> leontief(np.array([[0.15, 0.25], [0.2, 0.05]])).round(3).tolist()
    [[1.254, 0.33], [0.264, 1.122]]
    """
    n = a.shape[0]
    try:
        inv = np.linalg.inv(np.eye(n) - a)
    except np.linalg.LinAlgError:
        raise InputError("coefficients", "I - A singular", "a productive table") from None
    if np.any(inv < -1e-9):
        raise InputError("coefficients", "negative Leontief inverse", "a productive table")
    return np.asarray(inv, dtype=float)


@dataclass(frozen=True)
class Regionalisation:
    """Shares of purchases made inside the region.

    Attributes
    ----------
    method
        ``national``, ``uniform``, ``slq`` or ``flq``.
    supply_share
        Per supplying sector: share of intermediate purchases bought in the region (scales the
        rows of A). [-]
    consumption_share
        Per product: share of household spending made in the region. [-]
    description
        The rule and its inputs, in words.
    """

    method: str
    supply_share: Vector
    consumption_share: Vector
    description: str

    @classmethod
    def national(cls, table: IOTable) -> Regionalisation:
        """No regionalisation: the national multipliers."""
        ones = np.ones(len(table.codes))
        return cls("national", ones, ones, "national table, no regionalisation")

    @classmethod
    def uniform(
        cls, table: IOTable, purchase_share: float | None = None,
        consumption_share: float | None = None,
    ) -> Regionalisation:  # fmt: skip
        """A single local-purchase share for intermediate inputs and one for household spending
        (defaults: ``local_purchase_share`` and ``local_consumption_share`` of
        ``data/impact/parameters.csv``)."""
        p = impact_parameter("local_purchase_share") if purchase_share is None else purchase_share
        c = (
            impact_parameter("local_consumption_share")
            if consumption_share is None
            else consumption_share
        )
        for label, v in (("purchase_share", p), ("consumption_share", c)):
            if not 0.0 <= v <= 1.0:
                raise InputError(label, v, "a share in [0, 1]")
        n = len(table.codes)
        return cls(
            "uniform", np.full(n, p), np.full(n, c),
            f"uniform local-purchase share {p:g} (intermediates), {c:g} (household spending)",
        )  # fmt: skip

    @classmethod
    def location_quotients(
        cls, table: IOTable, region: str = "golmud", flq_delta: float | None = None,
        consumption_share: float | None = None,
    ) -> Regionalisation:  # fmt: skip
        """Simple location quotients of three broad sectors (primary, secondary, tertiary) from
        the region's GDP structure against the table's value added, capped at 1; with
        ``flq_delta`` Flegg's FLQ: SLQ × [log2(1 + r)]^δ, r the region's GDP over the table's
        value added. Household spending keeps a uniform local share (default
        ``local_consumption_share``): location quotients describe supply, not shopping.
        """
        reg = region_structure(region)
        groups = sector_groups(table)
        national = {g: float(table.value_added[groups == g].sum()) for g in ("1", "2", "3")}
        total = sum(national.values())
        slq = {g: reg[g] / (national[g] / total) for g in ("1", "2", "3")}
        share = np.array([min(1.0, slq[g]) for g in groups])
        text = "SLQ (" + ", ".join(f"{k}: {v:.3g}" for k, v in slq.items()) + f") of {region}"
        method = "slq"
        if flq_delta is not None:
            size = reg["gdp_cny"] / total
            lam = math.log2(1.0 + size) ** flq_delta
            share = np.array([min(1.0, slq[g] * lam) for g in groups])
            method, text = "flq", text + f", FLQ λ = {lam:.3g} (δ = {flq_delta:g})"
        c = (
            impact_parameter("local_consumption_share")
            if consumption_share is None
            else consumption_share
        )
        return cls(method, share, np.full(len(groups), c), text + f"; household spending {c:g}")


@cache
def _regions() -> dict[str, dict[str, str]]:
    return {r["region"]: r for r in read_rows("impact", "regions.csv")}


def region_structure(region: str) -> dict[str, float]:
    """GDP shares of the primary (``"1"``), secondary (``"2"``) and tertiary (``"3"``) sectors of a
    region of ``data/impact/regions.csv``, and its GDP ``gdp_cny``."""
    rows = _regions()
    if region not in rows:
        raise InputError("region", region, ", ".join(sorted(rows)))
    r = rows[region]
    return {
        "1": float(r["primary_share"]),
        "2": float(r["secondary_share"]),
        "3": float(r["tertiary_share"]),
        "gdp_cny": float(r["gdp_cny"]),
    }


def sector_groups(table: IOTable) -> NDArray[np.str_]:
    """Broad sector of each IO sector: ``"1"`` agriculture, ``"2"`` industry and construction,
    ``"3"`` services. For the 42 NBS sectors: 01 → 1, 02–27 → 2, 28–42 → 3 (NBS three-sector
    split; repair 23 stays in industry as in the IO table). Other tables: all ``"2"`` except a
    first sector ``01``."""
    out = []
    for c in table.codes:
        try:
            k = int(c)
        except ValueError:
            out.append("2")
            continue
        out.append("1" if k == 1 else "2" if k <= 27 else "3")
    return np.array(out)


@dataclass(frozen=True)
class Multipliers:
    """Multipliers of every sector of a table, under one regionalisation.

    Attributes
    ----------
    table, codes, names
        The table and its sectors.
    regionalisation
        The rule used.
    output_type_i, output_type_ii
        Output of all sectors per CNY of final demand for sector j (open, closed model). [-]
    income_per_cny_type_i, income_per_cny_type_ii
        Compensation of employees per CNY of final demand. [-]
    income_type_i, income_type_ii
        The same divided by sector j's own labour coefficient (ratio multipliers). [-]
    jobs_per_mcny_type_i, jobs_per_mcny_type_ii
        Persons employed per million CNY of final demand (NaN without employment). [persons]
    """

    table: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    regionalisation: Regionalisation
    output_type_i: Vector
    output_type_ii: Vector
    income_per_cny_type_i: Vector
    income_per_cny_type_ii: Vector
    income_type_i: Vector
    income_type_ii: Vector
    jobs_per_mcny_type_i: Vector
    jobs_per_mcny_type_ii: Vector
    leontief: NDArray[np.float64] = field(repr=False)
    leontief_closed: NDArray[np.float64] = field(repr=False)

    def sector(self, code: str) -> dict[str, Any]:
        """The multipliers of one sector as a dict (keys of :meth:`to_dict`)."""
        i = self.codes.index(code)
        return {
            "name": self.names[i],
            "output_type_i": float(self.output_type_i[i]),
            "output_type_ii": float(self.output_type_ii[i]),
            "income_type_i": float(self.income_type_i[i]),
            "jobs_per_mcny_final_demand": _none_if_nan(self.jobs_per_mcny_type_i[i]),
            "income_type_ii": float(self.income_type_ii[i]),
            "income_per_cny_type_i": float(self.income_per_cny_type_i[i]),
            "income_per_cny_type_ii": float(self.income_per_cny_type_ii[i]),
            "jobs_per_mcny_final_demand_type_ii": _none_if_nan(self.jobs_per_mcny_type_ii[i]),
        }

    def to_dict(self) -> dict[str, Any]:
        """``{"table", "regionalisation", "sectors": {code: {...}}}``: per sector ``name``,
        ``output_type_i``, ``output_type_ii``, ``income_type_i`` (ratio),
        ``jobs_per_mcny_final_demand`` (type I: direct + indirect persons per million CNY), and
        the type-II and per-CNY variants."""
        return {
            "table": self.table,
            "regionalisation": self.regionalisation.description,
            "sectors": {c: self.sector(c) for c in self.codes},
        }


def _none_if_nan(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def multipliers(table: IOTable, regionalisation: Regionalisation | None = None) -> Multipliers:
    """Type-I and type-II output, income and employment multipliers of every sector.

    Parameters
    ----------
    table
        The input–output table.
    regionalisation
        Local-purchase shares; ``None`` for the national multipliers.
    """
    reg = regionalisation if regionalisation is not None else Regionalisation.national(table)
    n = len(table.codes)
    a = reg.supply_share[:, None] * table.coefficients
    lmat = leontief(a)
    hr = table.labour_coefficients
    hc = reg.consumption_share * table.household_consumption_coefficients
    closed = np.zeros((n + 1, n + 1))
    closed[:n, :n] = a
    closed[:n, n] = hc
    closed[n, :n] = hr
    lbar = leontief(closed)
    out1 = lmat.sum(axis=0)
    out2 = lbar[:n, :n].sum(axis=0)
    inc1 = hr @ lmat
    inc2 = lbar[n, :n]
    e = table.employment_coefficients
    if e is None:
        jobs1 = jobs2 = np.full(n, np.nan)
    else:
        jobs1 = 1.0e6 * (e @ lmat)
        jobs2 = 1.0e6 * (e @ lbar[:n, :n])
    nan = np.full(n, np.nan)
    ratio1 = np.divide(inc1, hr, out=nan.copy(), where=hr > 0)
    ratio2 = np.divide(inc2, hr, out=nan.copy(), where=hr > 0)
    return Multipliers(
        table=table.name, codes=table.codes, names=table.names, regionalisation=reg,
        output_type_i=out1, output_type_ii=out2,
        income_per_cny_type_i=inc1, income_per_cny_type_ii=inc2,
        income_type_i=ratio1, income_type_ii=ratio2,
        jobs_per_mcny_type_i=jobs1, jobs_per_mcny_type_ii=jobs2,
        leontief=lmat, leontief_closed=lbar,
    )  # fmt: skip


def regionalisation_from_spec(table: IOTable, spec: str) -> Regionalisation:
    """A regionalisation from a short text: ``national``, ``uniform``, ``uniform:P`` or
    ``uniform:P:C`` (purchase and consumption shares), ``slq:REGION`` or ``flq:REGION`` (δ from
    ``flq_delta``)."""
    method, _, rest = spec.partition(":")
    if method == "national" and not rest:
        return Regionalisation.national(table)
    if method == "uniform":
        parts = [p for p in rest.split(":") if p] if rest else []
        try:
            shares = [float(p) for p in parts]
        except ValueError:
            raise InputError("region", spec, "uniform:P or uniform:P:C with shares") from None
        if len(shares) > 2:
            raise InputError("region", spec, "uniform:P or uniform:P:C")
        return Regionalisation.uniform(table, *shares)
    if method in ("slq", "flq") and rest:
        delta = impact_parameter("flq_delta") if method == "flq" else None
        return Regionalisation.location_quotients(table, rest, delta)
    raise InputError("region", spec, "national, uniform[:P[:C]], slq:REGION or flq:REGION")
