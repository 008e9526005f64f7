"""The superstructure of a build plan: commodities, the brine resource, quotas, a budget and the
candidate technologies, independent of any flowsheet.

A superstructure is read from TOML (:func:`load_superstructure`), validated with pydantic, and
resolved for one price set and horizon into :class:`PlanData` (:func:`resolve`), the plain,
year-indexed data the optimisation model (:mod:`brineworks.plan.model`) reads. Tests and
scripts may build :class:`PlanData` directly.

Every number of the file is a :class:`Value`: a bare number (status ``given``, a user's input)
or a table ``{value, status, source, year, low, high, note}`` with status ``sourced``,
``derived`` or ``assumption``; an assumption must carry its range and a note. A value may be a
list, one entry per plan year (the last entry repeats). See ``docs/plan.md`` for the format.

Units: commodities in t (the brine in m³), prices in CNY per t (per m³), activities in t/yr of a
technology's main product, electricity in MWh, heat in GJ, fresh water in m³.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from brineworks.errors import InputError
from brineworks.impact.regional import jobs_references, plant_sectors

__all__ = [
    "NAME_PATTERN",
    "PRICE_SETS",
    "CommodityData",
    "ContinuousSize",
    "PlanData",
    "SizeOption",
    "Superstructure",
    "TechnologyData",
    "UtilisationDefinition",
    "Value",
    "builtin_superstructures",
    "load_superstructure",
    "resolve",
    "stoichiometric_yields",
    "values_of",
]

PRICE_SETS = ("low", "mid", "high")
"""Names of the price sets every sold product is priced in."""

NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
"""Names of commodities and technologies: identifiers, so that constraint names
``"{unit}-{kind}-{attr}-{side}"`` split unambiguously on ``-``."""

Status = Literal["given", "sourced", "derived", "assumption"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Value(_Strict):
    """A number with its provenance; ``value`` may be one number per plan year.

    Parameters
    ----------
    value
        The number, or one number per plan year from the first (the last one repeats).
    status
        ``sourced`` (read in ``source``), ``derived`` (arithmetic on sourced or simulated
        numbers, shown in ``note``), ``assumption`` (with ``low``, ``high`` and ``note``) or
        ``given`` (a bare number in a user's file).
    """

    value: float | list[float]
    status: Status = "given"
    source: str = ""
    year: int | None = None
    low: float | None = None
    high: float | None = None
    note: str = ""

    @model_validator(mode="after")
    def _provenance(self) -> Value:
        if isinstance(self.value, list) and not self.value:
            raise ValueError("value: a number or a non-empty list of numbers")
        if any(not math.isfinite(v) for v in self.values()):
            raise ValueError("value: finite numbers")
        if self.status in ("sourced", "derived") and not self.source:
            raise ValueError(f"a {self.status} value needs its source")
        if self.status == "assumption" and (self.low is None or self.high is None or not self.note):
            raise ValueError("an assumption needs its range (low, high) and a note on why")
        return self

    def values(self) -> list[float]:
        """The value as a list."""
        return list(self.value) if isinstance(self.value, list) else [float(self.value)]

    def at(self, i: int) -> float:
        """The value in plan year ``i`` (0-based; a list's last entry repeats)."""
        v = self.values()
        return float(v[min(i, len(v) - 1)])

    @property
    def scalar(self) -> float:
        """The value of the first year."""
        return self.at(0)


def _wrap(x: Any) -> Any:
    """A bare number (or list of numbers) as a ``given`` :class:`Value`."""
    if isinstance(x, int | float | list) and not isinstance(x, bool):
        return {"value": x}
    return x


Num = Annotated[Value, BeforeValidator(_wrap)]
"""A field that takes a :class:`Value` table or a bare number (status ``given``)."""


def given(x: float) -> Value:
    """A bare number as a :class:`Value` (status ``given``): the defaults of the schema."""
    return Value(value=x)


def _price_sets(data: Any) -> Any:
    """``price = 2500`` or ``price = {value = ...}`` → ``{"all": ...}``; a table keyed by price
    sets stays."""
    if isinstance(data, dict) and "price" in data:
        p = data["price"]
        if not (isinstance(p, dict) and p and set(p) <= set(PRICE_SETS)):
            data = {**data, "price": {"all": p}}
    return data


class SellSpec(_Strict):
    """A market for a commodity: price per price set and a cap on yearly sales."""

    price: dict[str, Num]
    cap_t_per_yr: Num | None = None
    min_t_per_yr: Num | None = None

    _sets = model_validator(mode="before")(_price_sets)

    def price_in(self, price_set: str) -> Value:
        """The price in ``price_set`` (or the one price of every set). [CNY/t]"""
        return self.price[price_set] if price_set in self.price else self.price["all"]


class BuySpec(_Strict):
    """Bought supply of a commodity: price and, optionally, yearly availability."""

    price: dict[str, Num]
    limit_t_per_yr: Num | None = None

    _sets = model_validator(mode="before")(_price_sets)

    def price_in(self, price_set: str) -> Value:
        """The price in ``price_set`` (or the one price of every set). [CNY/t]"""
        return self.price[price_set] if price_set in self.price else self.price["all"]


class DisposeSpec(_Strict):
    """Disposal of a surplus (stockpile, return to the lake, neutralisation) at a cost."""

    cost_cny_per_t: Num = given(0.0)
    how: str = ""


class CommoditySpec(_Strict):
    """A commodity: sold product, bought input or intermediate that must balance."""

    name: str
    label: str = ""
    kind: Literal["product", "input", "intermediate", "resource"]
    unit: Literal["t", "m3"] = "t"
    formula: str | None = None
    elements: dict[str, float] | None = None
    sell: SellSpec | None = None
    buy: BuySpec | None = None
    dispose: DisposeSpec | None = None
    note: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not NAME_PATTERN.match(v):
            raise ValueError("an identifier (letters, digits, _; starting with a letter)")
        return v


class CapexSpec(_Strict):
    """Capital cost: a reference plant scaled by capacity with an exponent.

    ``capex(K) = reference × (K / reference_capacity)^exponent × escalation`` in the reference's
    currency, converted with the superstructure's exchange rates. Discrete ``sizes_t_per_yr``,
    or a ``continuous`` range in which the cost is the secant of that curve between the range's
    ends (a fixed charge plus a cost per t/yr).
    """

    reference: Num
    currency: Literal["CNY", "USD", "EUR", "AUD"] = "CNY"
    reference_capacity_t_per_yr: float = Field(gt=0)
    exponent: Num = given(0.6)
    escalation: Num = given(1.0)
    sizes_t_per_yr: list[float] | None = None
    continuous: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _sizes(self) -> CapexSpec:
        if (self.sizes_t_per_yr is None) == (self.continuous is None):
            raise ValueError("either sizes_t_per_yr (discrete) or continuous = [min, max]")
        if self.sizes_t_per_yr is not None and (
            not self.sizes_t_per_yr or min(self.sizes_t_per_yr) <= 0
        ):
            raise ValueError("sizes_t_per_yr: positive capacities")
        if self.continuous is not None and not 0 < self.continuous[0] < self.continuous[1]:
            raise ValueError("continuous: 0 < min < max")
        return self


class ExistingSpec(_Strict):
    """Capacity already built: its size, fixed opex and the last year it runs (if it retires)."""

    capacity_t_per_yr: Num
    fixed_opex_cny_per_yr: Num = given(0.0)
    retire_after_year: int | None = None


class LinearisedSpec(_Strict):
    """Where a technology's yields come from: a group of units of a built-in scenario,
    linearised by :func:`brineworks.plan.linearise.linearise`."""

    scenario: str
    units: list[str]
    main: str
    streams: dict[str, str]


class StoichiometrySpec(_Strict):
    """Yields from an overall reaction: species (formulas) mapped to commodities; the main
    product made with a recovery, the reactants consumed per t made divided by it."""

    reaction: str
    main: str
    species: dict[str, str]
    recovery: Num = given(1.0)
    source: str


class TechnologySpec(_Strict):
    """A candidate (or existing) technology. Activity = t/yr of its main product."""

    name: str
    label: str = ""
    main: str
    yields: dict[str, float] | None = None
    yields_status: Status = "given"
    yields_source: str = ""
    yields_note: str = ""
    linearised: LinearisedSpec | None = None
    stoichiometry: StoichiometrySpec | None = None
    extra_yields: dict[str, Num] = Field(default_factory=dict)
    variable_cost_cny_per_t: Num = given(0.0)
    power_mwh_per_t: Num = given(0.0)
    heat_gj_per_t: Num = given(0.0)
    fresh_water_m3_per_t: Num = given(0.0)
    lead_years: Num = given(1)
    life_years: Num = given(25)
    fixed_opex_share: Num = given(0.0)
    capex: CapexSpec | None = None
    existing: ExistingSpec | None = None
    min_load: float = Field(default=0.0, ge=0.0, le=1.0)
    availability: float = Field(default=1.0, gt=0.0, le=1.0)
    max_builds: int = Field(default=1, ge=0)
    capacity_limited: bool = True
    jobs: str = ""
    """A target of ``data/impact/jobs.csv`` whose reference capacity is in this technology's
    main product (its direct jobs in the plan's yearly impact); empty: no jobs data."""
    note: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not NAME_PATTERN.match(v):
            raise ValueError("an identifier (letters, digits, _; starting with a letter)")
        return v

    @field_validator("jobs")
    @classmethod
    def _jobs(cls, v: str) -> str:
        if v and (v not in jobs_references() or v not in plant_sectors()):
            known = sorted(set(jobs_references()) & set(plant_sectors()))
            raise ValueError(f"a target of data/impact/jobs.csv: {', '.join(known)}")
        return v

    @model_validator(mode="after")
    def _yields(self) -> TechnologySpec:
        if (self.yields is None) == (self.stoichiometry is None):
            raise ValueError("either yields (with yields_status/source) or stoichiometry")
        if (
            self.yields is not None
            and self.yields_status in ("sourced", "derived")
            and (not self.yields_source)
        ):
            raise ValueError("derived or sourced yields need yields_source")
        if self.capacity_limited and self.capex is None and self.existing is None:
            raise ValueError("a capacity-limited technology needs capex (to build) or existing")
        return self


class BrineSpec(_Strict):
    """The brine resource: a sustainable pumping limit per year and the pumping cost."""

    commodity: str = "brine"
    limit_m3_per_yr: Num
    pumping_cost_cny_per_m3: Num = given(0.0)
    elements_t_per_m3: dict[str, float]
    elements_source: str = ""


class UtilisationSpec(_Strict):
    """The utilisation measure: weight of each element's recovered share (normalised)."""

    weights: dict[str, float]
    note: str = ""

    @field_validator("weights")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        if not v or min(v.values()) < 0 or sum(v.values()) <= 0:
            raise ValueError("non-negative weights, at least one positive")
        return v


class Superstructure(_Strict):
    """A validated superstructure file."""

    name: str
    description: str = ""
    start_year: int = 2026
    horizon_years: int = Field(default=20, ge=1, le=60)
    price_year: int | None = None
    discount_rate: Num
    salvage: bool = True
    exchange_rates: dict[str, Num] = Field(default_factory=dict)
    brine: BrineSpec
    electricity_cny_per_mwh: Num = given(0.0)
    heat_cny_per_gj: Num = given(0.0)
    fresh_water_cny_per_m3: Num = given(0.0)
    fresh_water_quota_m3_per_yr: Num | None = None
    power_quota_mwh_per_yr: Num | None = None
    capex_budget_cny_per_yr: Num | None = None
    utilisation: UtilisationSpec
    commodities: list[CommoditySpec]
    technologies: list[TechnologySpec]
    source_file: str = ""

    def check(self) -> None:
        """Cross-field checks: unique names, yields on known commodities, prices in every set.

        Raises
        ------
        InputError
            Naming the field, the value and what is allowed.
        """
        names = [c.name for c in self.commodities]
        for n in names:
            if names.count(n) > 1:
                raise InputError("commodities.name", n, "unique commodity names")
        if self.brine.commodity not in names:
            raise InputError("brine.commodity", self.brine.commodity, "a commodity's name")
        known = set(names)
        techs = [t.name for t in self.technologies]
        for n in techs:
            if techs.count(n) > 1:
                raise InputError("technologies.name", n, "unique technology names")
        for c in self.commodities:
            if c.sell is not None and "all" not in c.sell.price:
                missing = [s for s in PRICE_SETS if s not in c.sell.price]
                if missing:
                    raise InputError(
                        f"commodities.{c.name}.sell.price",
                        sorted(c.sell.price),
                        "a price for each of " + ", ".join(PRICE_SETS),
                    )
        for t in self.technologies:
            ys = dict(t.yields or {})
            if t.stoichiometry is not None:
                ys.update(dict.fromkeys(t.stoichiometry.species.values(), 0.0))
            for key in [*ys, *t.extra_yields, t.main]:
                if key not in known:
                    raise InputError(f"technologies.{t.name}.yields", key, "a commodity's name")
            if t.yields is not None and abs(abs(t.yields.get(t.main, 0.0)) - 1.0) > 1e-9:
                raise InputError(
                    f"technologies.{t.name}.yields.{t.main}",
                    t.yields.get(t.main),
                    "1 or -1 (yields are per t of the main commodity made or treated)",
                )
            if (
                t.capex is not None
                and t.capex.currency != "CNY"
                and t.capex.currency not in self.exchange_rates
            ):
                raise InputError(
                    f"technologies.{t.name}.capex.currency",
                    t.capex.currency,
                    "a currency of exchange_rates",
                )


# ---- the resolved, year-indexed data ---------------------------------------------------------


@dataclass(frozen=True)
class SizeOption:
    """A discrete size: capacity [t/yr], capital cost [CNY] and fixed opex [CNY/yr]."""

    capacity: float
    capex: float
    fixed_opex: float


@dataclass(frozen=True)
class ContinuousSize:
    """A continuous size ``K`` in ``[minimum, maximum]`` [t/yr] costing
    ``fixed_capex + capex_per_t × K`` [CNY], with fixed opex ``fixed_opex_share × capex``
    [CNY/yr]."""

    minimum: float
    maximum: float
    fixed_capex: float
    capex_per_t: float
    fixed_opex_share: float


@dataclass(frozen=True)
class TechnologyData:
    """One technology, resolved. Activities in t/yr of ``main``; per-year tuples over the plan.

    Attributes
    ----------
    yields
        Commodity → t (m³ for the brine) per t of ``main``; negative = consumed.
    existing
        Capacity already built, per plan year. [t/yr]
    existing_fixed_opex
        Fixed opex of the existing capacity, per plan year. [CNY/yr]
    """

    name: str
    main: str
    yields: Mapping[str, float]
    variable_cost: float = 0.0
    power_mwh_per_t: float = 0.0
    heat_gj_per_t: float = 0.0
    fresh_water_m3_per_t: float = 0.0
    lead_years: int = 1
    life_years: int = 25
    sizes: tuple[SizeOption, ...] = ()
    continuous: ContinuousSize | None = None
    existing: tuple[float, ...] = ()
    existing_fixed_opex: tuple[float, ...] = ()
    min_load: float = 0.0
    availability: float = 1.0
    max_builds: int = 1
    capacity_limited: bool = True
    label: str = ""
    jobs: str = ""

    def existing_at(self, i: int) -> float:
        """Existing capacity in plan year ``i``. [t/yr]"""
        return self.existing[i] if i < len(self.existing) else 0.0


@dataclass(frozen=True)
class CommodityData:
    """One commodity, resolved: per-year prices, caps and limits (``None`` = no such market,
    ``math.inf`` = unlimited)."""

    name: str
    kind: str
    unit: str = "t"
    sell_price: tuple[float, ...] | None = None
    sell_cap: tuple[float, ...] | None = None
    min_sales: tuple[float, ...] | None = None
    buy_price: tuple[float, ...] | None = None
    buy_limit: tuple[float, ...] | None = None
    dispose_cost: tuple[float, ...] | None = None
    elements: Mapping[str, float] = field(default_factory=dict)
    label: str = ""

    @property
    def sellable(self) -> bool:
        return self.sell_price is not None

    @property
    def buyable(self) -> bool:
        return self.buy_price is not None

    @property
    def disposable(self) -> bool:
        return self.dispose_cost is not None


@dataclass(frozen=True)
class UtilisationDefinition:
    """Comprehensive utilisation of the resource (the ``utilisation`` objective).

    ``U = Σ_e w_e · R_e / A_e`` with ``Σ_e w_e = 1``, where ``R_e`` is the element's mass that
    leaves in sold products net of any bought in over the plan, and ``A_e`` its mass in the
    brine the pumping limit allows over the plan (the resource, not what is pumped, so that
    ``U`` stays linear). [-]
    """

    weights: Mapping[str, float]
    resource_t: Mapping[str, float]
    note: str = ""
    resource_t_by_year: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    def resource_in(self, el: str, i: int, n: int) -> float:
        """The element's mass in the brine the limit allows in plan year ``i``. [t]"""
        by_year = self.resource_t_by_year.get(el)
        return by_year[i] if by_year else self.resource_t[el] / n


@dataclass(frozen=True)
class PlanData:
    """Everything the optimisation model reads, indexed by plan year ``0..n-1``.

    Attributes
    ----------
    years
        Calendar years of the plan.
    discount_rate
        Real discount rate; cash flows at the end of each year. [1/yr]
    brine
        Name of the brine commodity (its ``buy_limit`` is the pumping limit). [m³/yr]
    quotas
        ``"fresh_water"`` [m³/yr] and ``"power"`` [MWh/yr] per year (missing = no quota).
    budget
        Capital spent per year at most (``None`` = no budget). [CNY/yr]
    """

    name: str
    years: tuple[int, ...]
    discount_rate: float
    commodities: Mapping[str, CommodityData]
    technologies: Mapping[str, TechnologyData]
    brine: str
    utilisation: UtilisationDefinition
    electricity_price: tuple[float, ...] = ()
    heat_price: tuple[float, ...] = ()
    water_price: tuple[float, ...] = ()
    quotas: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    budget: tuple[float, ...] | None = None
    salvage: bool = True
    price_set: str = "mid"

    @property
    def n(self) -> int:
        """Number of plan years."""
        return len(self.years)

    def discount(self, i: int) -> float:
        """Discount factor of plan year ``i`` (end-of-year cash flow). [-]"""
        return float((1.0 + self.discount_rate) ** -(i + 1))


# ---- loading ---------------------------------------------------------------------------------


def builtin_superstructures() -> dict[str, str]:
    """Built-in superstructure names → TOML text."""
    root = files("brineworks.data").joinpath("plan")
    return {
        p.name.removesuffix(".toml"): p.read_text("utf-8")
        for p in root.iterdir()
        if p.name.endswith(".toml")
    }


def load_superstructure(spec: str | Path) -> Superstructure:
    """A built-in superstructure by name (``qarhan-superstructure``) or a TOML file.

    Raises
    ------
    InputError
        Naming the field, the value, what is allowed and the line of the file.
    """
    builtin = builtin_superstructures()
    if str(spec) in builtin:
        text, origin = builtin[str(spec)], f"built-in {spec}"
    else:
        path = Path(spec)
        if not path.is_file():
            raise InputError(
                "SUPERSTRUCTURE",
                str(spec),
                "a built-in superstructure (" + ", ".join(sorted(builtin)) + ") or a .toml file",
            )
        text, origin = path.read_text(encoding="utf-8"), str(path)
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(origin, "TOML", f"valid TOML ({exc})") from None
    try:
        sup = Superstructure.model_validate({**data, "source_file": origin})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        where = _where(text, data, loc)
        path_text = ".".join(str(x) for x in loc)
        raise InputError(
            f"{path_text} ({origin}{where})", first.get("input"), first["msg"]
        ) from None
    sup.check()
    return sup


def _where(text: str, data: dict[str, Any], loc: tuple[Any, ...]) -> str:
    """``", line N"`` of the table an error points at (by its name), or ``""``."""
    if len(loc) >= 2 and isinstance(loc[1], int) and loc[0] in ("commodities", "technologies"):
        try:
            name = data[loc[0]][loc[1]]["name"]
        except (KeyError, IndexError, TypeError):
            return ""
        for i, line in enumerate(text.splitlines()):
            if re.match(rf'^\s*name\s*=\s*"{re.escape(str(name))}"', line):
                return f", line {i + 1}"
    return ""


# ---- resolving -------------------------------------------------------------------------------


def _series(x: Num | None, n: int, default: float | None = None) -> tuple[float, ...] | None:
    if x is None:
        return None if default is None else (default,) * n
    return tuple(x.at(i) for i in range(n))


def stoichiometric_yields(
    reaction: str, main: str, species: Mapping[str, str], recovery: float = 1.0
) -> dict[str, float]:
    """Yields per t of ``main`` from an overall reaction (formulas, ``->`` between sides).

    Species not in ``species`` (formula → commodity) are left out (water, wastes). When
    ``main`` is a product, reactants are divided by ``recovery`` (the share of the
    stoichiometric product recovered); when it is a reactant (a sink, e.g. chlorine
    neutralised), its coefficient is −1 and the products are multiplied by ``recovery``.

    Examples
    --------
    >>> y = stoichiometric_yields("2 KCl + H2SO4 -> K2SO4 + 2 HCl", "K2SO4",
    ...                           {"KCl": "KCl", "H2SO4": "H2SO4", "K2SO4": "K2SO4", "HCl": "HCl"})
    >>> round(y["KCl"], 4), round(y["HCl"], 4)
    (-0.8556, 0.4185)
    """
    from brineworks.chemistry.formula import parse_formula
    from brineworks.chemistry.ions import atomic_weights

    w = atomic_weights()
    if not 0 < recovery <= 1:
        raise InputError("stoichiometry.recovery", recovery, "a share in (0, 1]")
    left, sep, right = reaction.partition("->")
    if not sep:
        raise InputError("stoichiometry.reaction", reaction, "'reactants -> products'")
    masses: dict[str, float] = {}
    for sign, side in ((-1.0, left), (1.0, right)):
        for term in side.split(" + "):
            m = re.match(r"^\s*(\d+(?:\.\d+)?)?\s*(\S+)\s*$", term)
            if not m:
                raise InputError("stoichiometry.reaction", term, "'[coefficient] formula'")
            coef = float(m.group(1) or 1.0)
            formula = m.group(2)
            try:
                mass = sum(w[el] * k for el, k in parse_formula(formula).items())
            except (ValueError, KeyError):
                raise InputError("stoichiometry.reaction", formula, "a chemical formula") from None
            masses[formula] = masses.get(formula, 0.0) + sign * coef * mass
    if main not in masses or masses[main] == 0 or main not in species:
        raise InputError("stoichiometry.main", main, "a species of the reaction, in species")
    per = abs(masses[main])
    made = masses[main] > 0
    out: dict[str, float] = {}
    for formula, mass in masses.items():
        if formula not in species:
            continue
        c = species[formula]
        coef = mass / per
        if formula != main and made and coef < 0:
            coef = coef / recovery
        elif formula != main and not made and coef > 0:
            coef = coef * recovery
        out[c] = out.get(c, 0.0) + coef
    out[species[main]] = 1.0 if made else -1.0
    return out


def _elements(c: CommoditySpec) -> dict[str, float]:
    """t of each element per t of the commodity (from its formula, or given)."""
    if c.elements is not None:
        return dict(c.elements)
    if c.formula is None:
        return {}
    from brineworks.chemistry.formula import parse_formula
    from brineworks.chemistry.ions import atomic_weights

    w = atomic_weights()
    try:
        counts = parse_formula(c.formula)
        total = sum(w[el] * k for el, k in counts.items())
    except (ValueError, KeyError):
        raise InputError(
            f"commodities.{c.name}.formula",
            c.formula,
            "a formula of elements in atomic_weights.csv",
        ) from None
    return {el: w[el] * k / total for el, k in counts.items()}


def _capex_options(
    t: TechnologySpec, fx: Mapping[str, float], share: float
) -> tuple[tuple[SizeOption, ...], ContinuousSize | None]:
    cx = t.capex
    if cx is None:
        return (), None
    rate = 1.0 if cx.currency == "CNY" else fx[cx.currency]
    ref = cx.reference.scalar * rate * cx.escalation.scalar
    exp = cx.exponent.scalar

    def cost(k: float) -> float:
        return ref * (k / cx.reference_capacity_t_per_yr) ** exp

    if cx.sizes_t_per_yr is not None:
        sizes = tuple(SizeOption(k, cost(k), share * cost(k)) for k in sorted(cx.sizes_t_per_yr))
        return sizes, None
    assert cx.continuous is not None
    lo, hi = cx.continuous
    slope = (cost(hi) - cost(lo)) / (hi - lo)
    return (), ContinuousSize(lo, hi, cost(lo) - slope * lo, slope, share)


def resolve(sup: Superstructure, price_set: str = "mid", years: int | None = None) -> PlanData:
    """The superstructure at one price set over ``years`` plan years (default: its horizon).

    Raises
    ------
    InputError
        If the price set is unknown or the horizon is not positive.
    """
    if price_set not in PRICE_SETS:
        raise InputError("--prices", price_set, "one of " + ", ".join(PRICE_SETS))
    n = sup.horizon_years if years is None else years
    if n < 1 or n > 60:
        raise InputError("--years", n, "1 to 60")
    fx = {k: v.scalar for k, v in sup.exchange_rates.items()}
    commodities: dict[str, CommodityData] = {}
    for c in sup.commodities:
        sell = buy = dispose = cap = min_sales = limit = None
        if c.sell is not None:
            sell = _series(c.sell.price_in(price_set), n)
            cap = _series(c.sell.cap_t_per_yr, n, math.inf)
            min_sales = _series(c.sell.min_t_per_yr, n)
        if c.buy is not None:
            buy = _series(c.buy.price_in(price_set), n)
            limit = _series(c.buy.limit_t_per_yr, n, math.inf)
        if c.dispose is not None:
            dispose = _series(c.dispose.cost_cny_per_t, n)
        if c.name == sup.brine.commodity:
            buy = _series(sup.brine.pumping_cost_cny_per_m3, n)
            limit = _series(sup.brine.limit_m3_per_yr, n)
        commodities[c.name] = CommodityData(
            c.name,
            c.kind,
            c.unit,
            sell,
            cap,
            min_sales,
            buy,
            limit,
            dispose,
            _elements(c),
            c.label or c.name,
        )
    techs: dict[str, TechnologyData] = {}
    for t in sup.technologies:
        if t.stoichiometry is not None:
            st = t.stoichiometry
            ys = stoichiometric_yields(st.reaction, st.main, st.species, st.recovery.scalar)
        else:
            ys = dict(t.yields or {})
        for key, x in t.extra_yields.items():
            ys[key] = ys.get(key, 0.0) + x.scalar
        share = t.fixed_opex_share.scalar
        sizes, cont = _capex_options(t, fx, share)
        existing: tuple[float, ...] = ()
        existing_opex: tuple[float, ...] = ()
        if t.existing is not None:
            e = t.existing
            last = None if e.retire_after_year is None else e.retire_after_year - sup.start_year
            alive = [last is None or i <= last for i in range(n)]
            cap_e = e.capacity_t_per_yr
            op_e = e.fixed_opex_cny_per_yr
            existing = tuple(cap_e.at(i) if alive[i] else 0.0 for i in range(n))
            existing_opex = tuple(op_e.at(i) if alive[i] else 0.0 for i in range(n))
        techs[t.name] = TechnologyData(
            name=t.name,
            main=t.main,
            yields=ys,
            variable_cost=t.variable_cost_cny_per_t.scalar,
            power_mwh_per_t=t.power_mwh_per_t.scalar,
            heat_gj_per_t=t.heat_gj_per_t.scalar,
            fresh_water_m3_per_t=t.fresh_water_m3_per_t.scalar,
            lead_years=round(t.lead_years.scalar),
            life_years=round(t.life_years.scalar),
            sizes=sizes,
            continuous=cont,
            existing=existing,
            existing_fixed_opex=existing_opex,
            min_load=t.min_load,
            availability=t.availability,
            max_builds=t.max_builds,
            capacity_limited=t.capacity_limited,
            label=t.label or t.name,
            jobs=t.jobs,
        )
    limit = _series(sup.brine.limit_m3_per_yr, n)
    assert limit is not None
    total_m3 = sum(limit)
    weights = {el: w for el, w in sup.utilisation.weights.items() if w > 0}
    missing = [el for el in weights if sup.brine.elements_t_per_m3.get(el, 0.0) <= 0]
    if missing:
        raise InputError(
            "utilisation.weights",
            missing,
            "elements the brine carries (brine.elements_t_per_m3 > 0)",
        )
    norm = sum(weights.values())
    util = UtilisationDefinition(
        weights={el: w / norm for el, w in weights.items()},
        resource_t={el: sup.brine.elements_t_per_m3[el] * total_m3 for el in weights},
        note=sup.utilisation.note,
        resource_t_by_year={
            el: tuple(sup.brine.elements_t_per_m3[el] * v for v in limit) for el in weights
        },
    )
    quotas: dict[str, tuple[float, ...]] = {}
    water = _series(sup.fresh_water_quota_m3_per_yr, n)
    power = _series(sup.power_quota_mwh_per_yr, n)
    if water is not None:
        quotas["fresh_water"] = water
    if power is not None:
        quotas["power"] = power
    return PlanData(
        name=sup.name,
        years=tuple(sup.start_year + i for i in range(n)),
        discount_rate=sup.discount_rate.scalar,
        commodities=commodities,
        technologies=techs,
        brine=sup.brine.commodity,
        utilisation=util,
        electricity_price=_series(sup.electricity_cny_per_mwh, n) or (),
        heat_price=_series(sup.heat_cny_per_gj, n) or (),
        water_price=_series(sup.fresh_water_cny_per_m3, n) or (),
        quotas=quotas,
        budget=_series(sup.capex_budget_cny_per_yr, n),
        salvage=sup.salvage,
        price_set=price_set,
    )


def values_of(sup: Superstructure) -> list[tuple[str, Value]]:
    """Every :class:`Value` written in a superstructure file, with its path (defaults left
    out), for provenance checks: a bare number shows as status ``given``."""
    out: list[tuple[str, Value]] = []

    def walk(path: str, x: Any) -> None:
        if isinstance(x, Value):
            out.append((path, x))
        elif isinstance(x, BaseModel):
            for k in type(x).model_fields:
                if k in x.model_fields_set:
                    walk(f"{path}.{k}" if path else k, getattr(x, k))
        elif isinstance(x, dict):
            for k, v in x.items():
                walk(f"{path}.{k}", v)
        elif isinstance(x, list | tuple) and not all(isinstance(v, int | float) for v in x):
            for i, v in enumerate(x):
                name = getattr(v, "name", i)
                walk(f"{path}.{name}", v)

    walk("", sup)
    return out
