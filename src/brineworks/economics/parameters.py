"""Financial settings and Chinese tax rules of a park's evaluation, read from
``data/economics/finance.csv`` and ``data/economics/taxes.csv``.

Both are frozen dataclasses; change a setting with :func:`dataclasses.replace`, which checks it
again (an impossible value is an :class:`~brineworks.errors.InputError` naming the field).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

from brineworks.data import read_rows
from brineworks.errors import InputError
from brineworks.impact.io import impact_parameter

__all__ = ["Finance", "TaxRules", "load_finance", "load_taxes"]


def _fraction(name: str, value: float, low: float = 0.0, high: float = 1.0) -> None:
    if not (math.isfinite(value) and low <= value <= high):
        raise InputError(name, value, f"a number from {low:g} to {high:g}")


@dataclass(frozen=True)
class Finance:
    """How a park is financed and evaluated (real terms, CNY of ``price_year``).

    Attributes
    ----------
    price_year
        Year whose CNY every cost and price is expressed in.
    start_year
        First construction year (calendar), which decides the years of tax holidays.
    discount_rate
        Real discount rate. [1/yr]
    operating_years, construction_years
        Project life after construction, and construction period. [yr]
    capex_profile
        Share of the capital cost spent in each construction year (sums to 1). [-]
    ramp_up
        Output in the first operating years as a share of full output; full output after. [-]
    working_capital_share
        Working capital held, as a share of the year's revenue. [-]
    salvage_share
        Residual value of depreciable capital at the end of its tax life. [-]
    building_share, building_life, equipment_life
        Share of capital in buildings, and straight-line lives of buildings and equipment. [-, yr]
    maintenance_share, insurance_share, overhead_share
        Yearly fixed costs as shares of capital cost. [1/yr]
    wage
        Yearly wage of a plant employee (by default the impact's ``wage_cny_per_job_yr`` of
        ``data/impact/parameters.csv``: one wage for the labour cost and the regional income).
        [CNY/yr]
    social_charges
        Employer's social charges as a share of wages. [-]
    western_development, western_development_extended
        Whether the park pays the Western Development EIT rate, and whether that rate is
        taken to continue after its published end (2030).
    gas_heating_value
        Heating value of natural gas. [MJ/m³]
    gas_density
        Density of natural gas at the volume's reference state, to price gas bought by mass
        (the acetylene route's feed). [kg/m³]
    heat_efficiency
        Share of the gas heating value delivered as process heat. [-]
    brine_pumping_kwh_per_m3
        Electricity to pump brine to the ponds. [kWh/m³]
    """

    price_year: int = 2024
    start_year: int = 2025
    discount_rate: float = 0.08
    operating_years: int = 20
    construction_years: int = 2
    capex_profile: tuple[float, ...] = (0.4, 0.6)
    ramp_up: tuple[float, ...] = (0.6, 0.85)
    working_capital_share: float = 0.10
    salvage_share: float = 0.05
    building_share: float = 0.25
    building_life: int = 20
    equipment_life: int = 10
    maintenance_share: float = 0.03
    insurance_share: float = 0.005
    overhead_share: float = 0.02
    wage: float = 109_346.0
    social_charges: float = 0.40
    western_development: bool = True
    western_development_extended: bool = False
    gas_heating_value: float = 38.931
    gas_density: float = 0.72
    heat_efficiency: float = 0.90
    brine_pumping_kwh_per_m3: float = 0.2

    def __post_init__(self) -> None:
        _fraction("finance.discount_rate", self.discount_rate, -0.5, 1.0)
        if self.operating_years < 1:
            raise InputError("finance.operating_years", self.operating_years, "at least 1")
        if self.construction_years < 0:
            raise InputError("finance.construction_years", self.construction_years, ">= 0")
        if len(self.capex_profile) != max(self.construction_years, 1):
            raise InputError(
                "finance.capex_profile",
                self.capex_profile,
                f"{max(self.construction_years, 1)} shares (one per construction year)",
            )
        if any(s < 0 for s in self.capex_profile) or abs(sum(self.capex_profile) - 1) > 1e-9:
            raise InputError("finance.capex_profile", self.capex_profile, "shares >= 0, sum 1")
        for s in self.ramp_up:
            _fraction("finance.ramp_up", s)
        shares = ("working_capital_share", "salvage_share", "building_share", "maintenance_share",
                  "insurance_share", "overhead_share", "heat_efficiency")  # fmt: skip
        for name in shares:
            _fraction(f"finance.{name}", getattr(self, name))
        if self.heat_efficiency <= 0:
            raise InputError("finance.heat_efficiency", self.heat_efficiency, "a number > 0")
        _fraction("finance.social_charges", self.social_charges, 0.0, 2.0)
        for name in ("wage", "gas_heating_value", "gas_density", "brine_pumping_kwh_per_m3"):
            _fraction(f"finance.{name}", getattr(self, name), 0.0, math.inf)
        for name in ("building_life", "equipment_life"):
            if getattr(self, name) < 1:
                raise InputError(f"finance.{name}", getattr(self, name), "at least 1 year")

    def utilisation(self, operating_year: int) -> float:
        """Output in an operating year (0 = first) as a share of full output. [-]"""
        if operating_year < 0:
            return 0.0
        return self.ramp_up[operating_year] if operating_year < len(self.ramp_up) else 1.0

    @property
    def fixed_cost_share(self) -> float:
        """Maintenance, insurance and overheads as a share of capital per year. [1/yr]"""
        return self.maintenance_share + self.insurance_share + self.overhead_share


@dataclass(frozen=True)
class TaxRules:
    """The taxes of a Chinese salt-lake chemical park (``taxes.csv``).

    Attributes
    ----------
    eit_rate
        Standard enterprise income tax rate. [-]
    eit_western_rate, western_valid_from, western_valid_to
        Western Development rate and the calendar years it is published for.
    loss_carry_forward_years
        Years a tax loss may be carried forward. [yr]
    vat_default, vat_rates
        VAT rate of goods, and the items with another rate (fertiliser, gas, water). [-]
    equipment_vat_share
        Share of capital cost that is equipment bearing creditable input VAT. [-]
    urban_maintenance_rate, education_rate, local_education_rate
        Surtaxes on the VAT paid. [-]
    resource_tax
        Resource tax rate on the sales value of each taxable product. [-]
    """

    eit_rate: float = 0.25
    eit_western_rate: float = 0.15
    western_valid_from: int = 2021
    western_valid_to: int = 2030
    loss_carry_forward_years: int = 5
    vat_default: float = 0.13
    vat_rates: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    equipment_vat_share: float = 0.6
    urban_maintenance_rate: float = 0.05
    education_rate: float = 0.03
    local_education_rate: float = 0.02
    resource_tax: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        rates = ("eit_rate", "eit_western_rate", "vat_default", "equipment_vat_share",
                 "urban_maintenance_rate", "education_rate", "local_education_rate")  # fmt: skip
        for name in rates:
            _fraction(f"taxes.{name}", getattr(self, name))
        for item, rate in {**self.vat_rates, **self.resource_tax}.items():
            _fraction(f"taxes.{item}", rate)
        if self.loss_carry_forward_years < 0:
            years = self.loss_carry_forward_years
            raise InputError("taxes.loss_carry_forward_years", years, ">= 0")
        object.__setattr__(self, "vat_rates", MappingProxyType(dict(self.vat_rates)))
        object.__setattr__(self, "resource_tax", MappingProxyType(dict(self.resource_tax)))

    @property
    def surtax_rate(self) -> float:
        """Urban maintenance and construction tax plus both education surcharges, on VAT. [-]"""
        return self.urban_maintenance_rate + self.education_rate + self.local_education_rate

    def vat_rate(self, item: str) -> float:
        """VAT rate of a price item. [-]"""
        return self.vat_rates.get(item, self.vat_default)

    def resource_tax_rate(self, item: str) -> float:
        """Resource tax rate on the sales value of a product (0 if not a taxable mineral). [-]"""
        return self.resource_tax.get(item, 0.0)

    def income_tax_rate(self, year: int, finance: Finance) -> float:
        """EIT rate in a calendar year: the Western Development rate while it applies. [-]"""
        if (
            finance.western_development
            and year >= self.western_valid_from
            and (year <= self.western_valid_to or finance.western_development_extended)
        ):
            return self.eit_western_rate
        return self.eit_rate


def _as_bool(name: str, text: str) -> bool:
    if text.strip().lower() in ("yes", "true", "1"):
        return True
    if text.strip().lower() in ("no", "false", "0"):
        return False
    raise InputError(name, text, "yes or no")


@cache
def load_finance() -> Finance:
    """The default :class:`Finance` of ``finance.csv``."""
    rows = {r["parameter"]: r["value"] for r in read_rows("economics", "finance.csv")}
    kwargs: dict[str, object] = {"wage": impact_parameter("wage_cny_per_job_yr")}
    for f in Finance.__dataclass_fields__.values():
        if f.name not in rows:
            continue
        text = rows[f.name]
        if f.type in ("int",):
            kwargs[f.name] = int(text)
        elif f.type == "bool":
            kwargs[f.name] = _as_bool(f"finance.{f.name}", text)
        elif f.type.startswith("tuple"):
            kwargs[f.name] = tuple(float(x) for x in text.split(";") if x.strip())
        else:
            kwargs[f.name] = float(text)
    return Finance(**kwargs)  # type: ignore[arg-type]


@cache
def load_taxes() -> TaxRules:
    """The default :class:`TaxRules` of ``taxes.csv``."""
    rows = read_rows("economics", "taxes.csv")

    def one(tax: str, parameter: str, applies_to: str = "default") -> dict[str, str]:
        for r in rows:
            if (r["tax"], r["parameter"], r["applies_to"]) == (tax, parameter, applies_to):
                return r
        raise KeyError(f"taxes.csv has no row {tax}/{parameter}/{applies_to}")

    western = one("eit", "rate", "western_development")
    vat_rates = {
        r["applies_to"]: float(r["value"])
        for r in rows
        if r["tax"] == "vat" and r["parameter"] == "rate" and r["applies_to"] != "default"
    }
    resource = {
        r["applies_to"]: float(r["value"])
        for r in rows
        if r["tax"] == "resource_tax" and r["parameter"] == "rate"
    }
    return TaxRules(
        eit_rate=float(one("eit", "rate")["value"]),
        eit_western_rate=float(western["value"]),
        western_valid_from=int(western["valid_from"][:4]),
        western_valid_to=int(western["valid_to"][:4]),
        loss_carry_forward_years=int(float(one("eit", "loss_carry_forward_years")["value"])),
        vat_default=float(one("vat", "rate")["value"]),
        vat_rates=vat_rates,
        equipment_vat_share=float(one("vat", "equipment_share_of_capex")["value"]),
        urban_maintenance_rate=float(one("surtax", "urban_maintenance_construction")["value"]),
        education_rate=float(one("surtax", "education")["value"]),
        local_education_rate=float(one("surtax", "local_education")["value"]),
        resource_tax=resource,
    )
