"""Superstructure files: validation with clear errors, resolution to year-indexed data,
stoichiometric yields and the capex rules."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from brineworks.chemistry.formula import parse_formula
from brineworks.chemistry.ions import atomic_weights
from brineworks.errors import InputError
from brineworks.plan.superstructure import (
    PRICE_SETS,
    load_superstructure,
    resolve,
    stoichiometric_yields,
)

SMALL = """
name = "tiny"
start_year = 2030
horizon_years = 4
discount_rate = 0.1
capex_budget_cny_per_yr = 1e9
fresh_water_quota_m3_per_yr = [1e6, 1e6, 5e5]

[brine]
limit_m3_per_yr = 1e7
elements_t_per_m3 = { K = 0.01, Li = 4e-5 }

[utilisation]
weights = { K = 1, Li = 3 }

[[commodities]]
name = "brine"
kind = "resource"
unit = "m3"

[[commodities]]
name = "KCl"
kind = "product"
formula = "KCl"
sell = { price = { low = 2000, mid = 2500, high = 3000 }, cap_t_per_yr = 5e4 }

[[technologies]]
name = "potash"
main = "KCl"
yields = { KCl = 1, brine = -100 }
lead_years = 1
life_years = 20
fixed_opex_share = 0.04
[technologies.capex]
reference = 1e9
reference_capacity_t_per_yr = 1e5
exponent = 0.6
sizes_t_per_yr = [5e4, 1e5]
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_resolve_small_file(tmp_path: Path) -> None:
    data = resolve(load_superstructure(_write(tmp_path, SMALL)), "low")
    assert data.years == (2030, 2031, 2032, 2033)
    assert data.commodities["KCl"].sell_price == (2000.0,) * 4
    assert data.quotas["fresh_water"] == (1e6, 1e6, 5e5, 5e5)  # the last entry repeats
    assert data.commodities["brine"].buy_limit == (1e7,) * 4
    t = data.technologies["potash"]
    assert t.sizes[1].capex == pytest.approx(1e9)  # the reference size costs the reference
    assert t.sizes[0].capex == pytest.approx(1e9 * 0.5**0.6)
    assert t.sizes[0].fixed_opex == pytest.approx(0.04 * t.sizes[0].capex)
    assert data.utilisation.weights == {"K": 0.25, "Li": 0.75}
    assert data.utilisation.resource_t["K"] == pytest.approx(0.01 * 1e7 * 4)
    assert data.commodities["KCl"].elements["K"] == pytest.approx(39.098 / 74.551, rel=1e-4)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('name = "potash"', 'name = "potash-line"', "technologies.0.name"),
        (
            "yields = { KCl = 1, brine = -100 }",
            "yields = { KCl = 1, ore = -100 }",
            "technologies.potash.yields",
        ),
        (
            "yields = { KCl = 1, brine = -100 }",
            "yields = { KCl = 2, brine = -100 }",
            "technologies.potash.yields.KCl",
        ),
        (
            "discount_rate = 0.1",
            'discount_rate = { value = 0.1, status = "assumption" }',
            "discount_rate",
        ),
        (
            "discount_rate = 0.1",
            'discount_rate = { value = 0.1, status = "sourced" }',
            "discount_rate",
        ),
        (
            "sell = { price = { low = 2000, mid = 2500, high = 3000 }",
            "sell = { price = { low = 2000, mid = 2500 }",
            "commodities.KCl.sell.price",
        ),
        ("sizes_t_per_yr = [5e4, 1e5]", "", "technologies.0.capex"),
        ('kind = "product"', 'kind = "waste"', "commodities.1.kind"),
    ],
)
def test_errors_name_the_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    assert old in SMALL
    with pytest.raises(InputError) as exc:
        load_superstructure(_write(tmp_path, SMALL.replace(old, new, 1)))
    assert exc.value.field.startswith(field), exc.value.field


def test_error_points_at_the_line(tmp_path: Path) -> None:
    text = SMALL.replace('name = "potash"', 'name = "potash-line"')
    with pytest.raises(InputError) as exc:
        load_superstructure(_write(tmp_path, text))
    line = next(i + 1 for i, s in enumerate(text.splitlines()) if "potash-line" in s)
    assert f"line {line}" in str(exc.value)


def test_unknown_superstructure_and_price_set(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="qarhan-superstructure"):
        load_superstructure("no-such-plan")
    with pytest.raises(InputError, match="--prices"):
        resolve(load_superstructure(_write(tmp_path, SMALL)), "extreme")
    with pytest.raises(InputError, match="--years"):
        resolve(load_superstructure(_write(tmp_path, SMALL)), "mid", 0)


def test_continuous_size_is_the_secant_of_the_power_law(tmp_path: Path) -> None:
    text = SMALL.replace("sizes_t_per_yr = [5e4, 1e5]", "continuous = [2e4, 2e5]")
    t = resolve(load_superstructure(_write(tmp_path, text))).technologies["potash"]
    c = t.continuous
    assert c is not None
    assert not t.sizes
    for k in (2e4, 2e5):
        assert c.fixed_capex + c.capex_per_t * k == pytest.approx(1e9 * (k / 1e5) ** 0.6)
    assert c.fixed_capex > 0  # economies of scale: a fixed charge


def _mass_balance(reaction: str) -> float:
    w = atomic_weights()
    total = 0.0
    left, _, right = reaction.partition("->")
    for sign, side in ((-1, left), (1, right)):
        for term in side.split(" + "):
            parts = term.split()
            n, f = (float(parts[0]), parts[1]) if len(parts) == 2 else (1.0, parts[0])
            total += sign * n * sum(w[e] * k for e, k in parse_formula(f).items())
    return total


@pytest.mark.parametrize(
    ("reaction", "main"),
    [
        ("2 KCl + H2SO4 -> K2SO4 + 2 HCl", "K2SO4"),
        ("Li2CO3 + Ca(OH)2 + 2 H2O -> 2 LiOH:H2O + CaCO3", "LiOH:H2O"),
        ("CaC2 + 2 H2O + HCl -> C2H3Cl + Ca(OH)2", "C2H3Cl"),
        ("Mg(OH)2 -> MgO + H2O", "MgO"),
    ],
)
def test_stoichiometric_yields_conserve_mass(reaction: str, main: str) -> None:
    """Mapping every species, the yields sum to zero (mass is conserved) at full recovery."""
    assert abs(_mass_balance(reaction)) < 1e-9
    species = {}
    for side in reaction.split("->"):
        for term in side.split(" + "):
            f = term.split()[-1]
            species[f] = f
    y = stoichiometric_yields(reaction, main, species)
    assert y[main] == 1.0
    assert sum(y.values()) == pytest.approx(0.0, abs=1e-12)


def test_stoichiometric_recovery_and_sinks() -> None:
    full = stoichiometric_yields(
        "2 KCl + H2SO4 -> K2SO4 + 2 HCl", "K2SO4", {"KCl": "KCl", "K2SO4": "K2SO4", "HCl": "HCl"}
    )
    part = stoichiometric_yields(
        "2 KCl + H2SO4 -> K2SO4 + 2 HCl",
        "K2SO4",
        {"KCl": "KCl", "K2SO4": "K2SO4", "HCl": "HCl"},
        recovery=0.8,
    )
    assert part["KCl"] == pytest.approx(full["KCl"] / 0.8)
    assert part["HCl"] == pytest.approx(full["HCl"])  # co-products per t made are unchanged
    sink = stoichiometric_yields(
        "Cl2 + 2 NaOH -> NaCl + NaOCl + H2O", "Cl2", {"Cl2": "Cl2", "NaOH": "NaOH"}
    )
    assert sink["Cl2"] == -1.0
    assert sink["NaOH"] == pytest.approx(-2 * 39.997 / 70.90, rel=1e-3)
    with pytest.raises(InputError):
        stoichiometric_yields("KCl -> KCl", "K2SO4", {"KCl": "KCl"})


def test_price_sets_are_the_three() -> None:
    assert PRICE_SETS == ("low", "mid", "high")
    assert math.isfinite(resolve(load_superstructure("qarhan-superstructure")).discount_rate)
