"""A park's economics on small hand-made parks: levelised cost, IRR, allocation, taxes."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brineworks.economics import (
    Finance,
    ProjectInputs,
    cash_flows,
    evaluate,
    load_finance,
    load_prices,
    load_taxes,
    park_value,
    plant_costs,
    tornado,
)
from tests.economics.parks import potash_park, two_product_park

ISSUE_KEYS = {
    "currency", "price_year", "prices", "capex_cny", "opex_cny_per_yr", "revenue_cny_per_yr",
    "npv_cny", "irr", "payback_yr", "levelised_cost_cny_per_t", "discount_rate",
}  # fmt: skip


def test_levelised_cost_of_a_single_product_plant_is_its_break_even_price() -> None:
    park = potash_park()
    result = evaluate(park)
    lc = result.levelised_cost_cny_per_t["KCl"]
    at_lc = evaluate(park, load_prices("mid").with_price("KCl", lc), levelised=False)
    capex = sum(u.capex_cny for u in result.units)
    assert abs(at_lc.npv_cny) < 1e-6 * capex
    # and a price above it makes money, one below loses it
    above = evaluate(park, load_prices("mid").with_price("KCl", 1.01 * lc), levelised=False)
    below = evaluate(park, load_prices("mid").with_price("KCl", 0.99 * lc), levelised=False)
    assert above.npv_cny > 0 > below.npv_cny


def test_npv_is_zero_at_the_irr() -> None:
    park = potash_park()
    result = evaluate(park, levelised=False)
    assert result.irr is not None
    again = evaluate(park, finance=replace(load_finance(), discount_rate=result.irr),
                     levelised=False)  # fmt: skip
    capex = sum(u.capex_cny for u in result.units)
    assert abs(again.npv_cny) < 1e-6 * capex


@settings(max_examples=12, deadline=None)
@given(product=st.sampled_from(["KCl", "Li2CO3"]), factor=st.floats(1.01, 3.0))
def test_npv_rises_with_each_product_price(product: str, factor: float) -> None:
    park = two_product_park()
    mid = load_prices("mid")
    base = evaluate(park, mid, levelised=False).npv_cny
    dearer = mid.with_price(product, mid.price(product) * factor)
    assert evaluate(park, dearer, levelised=False).npv_cny > base


money = st.floats(0.0, 1e9, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(
    capex=money, credit_share=st.floats(0, 0.2), revenue=money, fixed=money, variable=money,
    vat=st.floats(0, 0.2), resource=st.floats(0, 0.15), ramp=st.floats(0, 1),
)  # fmt: skip
def test_taxes_are_never_negative(
    capex: float, credit_share: float, revenue: float, fixed: float, variable: float,
    vat: float, resource: float, ramp: float,
) -> None:  # fmt: skip
    inputs = ProjectInputs(
        capex=capex, capex_vat_credit=credit_share * capex, revenue={"X": revenue},
        output_vat_rate={"X": vat}, resource_tax_rate={"X": resource}, fixed_opex=fixed,
        variable_opex=variable, input_vat=0.13 * variable,
    )  # fmt: skip
    finance = replace(load_finance(), ramp_up=(ramp, ramp))
    cf = cash_flows(inputs, finance, load_taxes())
    for tax in ("vat_paid", "surtaxes", "resource_tax", "income_tax"):
        assert min(cf[tax]) >= 0, tax
    assert all(math.isfinite(x) for x in cf.net)


def test_allocation_by_value_with_internal_transfer_at_cost() -> None:
    park = two_product_park()
    result = evaluate(park, levelised=False)
    lines = {p.product: p for p in result.products}
    kcl, li = lines["KCl"].allocation, lines["Li2CO3"].allocation
    assert kcl["potash"] == pytest.approx(1.0)
    assert li["carbonation"] == pytest.approx(1.0)
    # the soda-ash plant sells nothing: its cost goes with its soda ash to the lithium plant
    assert li["soda ash plant"] == pytest.approx(1.0)
    # the ponds reach KCl and soda ash: shared by value
    mid = load_prices("mid")
    kcl_value = 1.0e6 * mid.price("KCl") * lines["KCl"].grade_factor  # sold by its K2O
    soda_value = 2.0e4 * mid.price("soda ash")
    assert kcl["ponds"] == pytest.approx(kcl_value / (kcl_value + soda_value))
    assert li["ponds"] == pytest.approx(soda_value / (kcl_value + soda_value))
    # every unit's cost is carried once in all
    for u in result.units:
        if u.opex_cny_per_yr > 0:
            assert sum(p.allocation.get(u.unit, 0.0) for p in result.products) == pytest.approx(1)
    allocated = sum(p.cash_cost_cny_per_t * p.t_per_yr for p in result.products)
    assert allocated == pytest.approx(sum(u.opex_cny_per_yr for u in result.units))


def test_reagents_bought_are_what_the_park_does_not_make() -> None:
    park = two_product_park()
    result = evaluate(park, levelised=False)
    assert result.bought_t_per_yr["Na2CO3"] == pytest.approx(1.0e4)
    lithium = next(u for u in result.units if u.unit == "carbonation")
    assert lithium.variable["reagent:soda ash"] == pytest.approx(
        1.0e4 * load_prices("mid").price("soda ash")
    )


def test_result_dict_has_the_issue_keys() -> None:
    data = evaluate(potash_park()).to_dict()
    assert set(data) >= ISSUE_KEYS
    assert data["currency"] == "CNY"
    assert data["prices"] == "mid"
    assert set(data["levelised_cost_cny_per_t"]) == {"KCl"}
    assert set(data["capex_cny"]) == {"ponds", "potash"}
    assert set(data["taxes_cny"]) == {"vat_paid", "surtaxes", "resource_tax", "income_tax"}
    assert len(data["cash_flows"]["net_cash_flow"]) == (
        Finance().construction_years + Finance().operating_years
    )


def test_tornado_bars() -> None:
    base, bars = tornado(potash_park())
    names = [b.parameter for b in bars]
    assert {"price: KCl", "price: electricity", "capital cost", "operating cost",
            "discount rate", "output (brine grade)"} <= set(names)  # fmt: skip
    swings = [b.swing for b in bars]
    assert swings == sorted(swings, reverse=True)
    kcl = bars[names.index("price: KCl")]
    assert kcl.npv_low < base < kcl.npv_high
    capital = bars[names.index("capital cost")]
    assert capital.npv_low > base > capital.npv_high


@settings(max_examples=8, deadline=None)
@given(kcl=st.floats(2e5, 5e6), rate=st.floats(0.03, 0.15))
def test_levelised_cost_is_the_break_even_price_for_any_size_and_rate(
    kcl: float, rate: float
) -> None:
    park, finance = potash_park(kcl), replace(load_finance(), discount_rate=rate)
    result = evaluate(park, finance=finance)
    lc = result.levelised_cost_cny_per_t["KCl"]
    at_lc = evaluate(park, load_prices("mid").with_price("KCl", lc), finance, levelised=False)
    assert abs(at_lc.npv_cny) < 1e-6 * sum(u.capex_cny for u in result.units)


def test_natural_gas_bought_by_mass_is_priced_per_cubic_metre() -> None:
    """The acetylene route's feed is in tonnes; natural gas is priced per m³ (at the finance's
    gas density): 720 t at 0.72 kg/m³ is a million m³."""
    park = potash_park()
    vcm = replace(
        park.units[1], name="vcm plant", kind="reactor", target="acetylene_vcm_natural_gas",
        electricity_mwh_per_yr=0.0, fresh_water_m3_per_yr=0.0,
        reagents_t_per_yr={"CH4 (bought)": {"CH4": 720.0}},
    )  # fmt: skip
    result = evaluate(replace(park, units=(*park.units, vcm)), levelised=False)
    cost = next(u for u in result.units if u.unit == "vcm plant").variable
    gas = load_prices("mid").price("natural gas")
    assert load_finance().gas_density == 0.72
    assert cost["reagent:natural gas"] == pytest.approx(1.0e6 * gas)


def test_a_pumping_unit_pays_its_own_electricity_once() -> None:
    """The finance's kWh per m³ of brine prices the pumping of a park without a pumping unit;
    a brine_pumping unit carries its own electricity instead."""
    park = potash_park()
    ponds = next(u for u in evaluate(park, levelised=False).units if u.unit == "ponds")
    assert ponds.variable["brine pumping"] > 0
    pump = replace(park.units[0], name="pumping", kind="brine_pumping", target="brine_pumping",
                   electricity_mwh_per_yr=1.0e4)  # fmt: skip
    costs = evaluate(replace(park, units=(pump, park.units[1])), levelised=False).units
    pumping = next(u for u in costs if u.unit == "pumping")
    assert "brine pumping" not in pumping.variable
    assert pumping.variable["electricity"] == pytest.approx(
        1.0e7 * load_prices("mid").price("electricity")
    )


def test_plant_costs_are_reused_only_where_they_hold() -> None:
    """Costs computed once serve any price set that keeps the prices they read (product prices
    and the discount rate do not enter them): the same result as computing them afresh; a
    changed input price or finance setting recomputes them."""
    park = two_product_park()
    mid, finance = load_prices("mid"), load_finance()
    costs = plant_costs(park, mid, finance)
    assert "electricity" in costs.prices_read
    assert "KCl" not in costs.prices_read
    assert "Li2CO3" not in costs.prices_read
    dearer = mid.with_prices({"KCl": 4000.0, "Li2CO3": 200000.0})
    slower = replace(finance, discount_rate=0.11)
    assert costs.holds_for(dearer, slower)
    shared = evaluate(park, dearer, slower, levelised=False, costs=costs)
    fresh = evaluate(park, dearer, slower, levelised=False)
    assert shared.to_dict() == fresh.to_dict()
    power = mid.with_price("electricity", 2 * mid.price("electricity"))
    assert not costs.holds_for(power, finance)
    assert not costs.holds_for(mid, replace(finance, maintenance_share=0.05))
    again = evaluate(park, power, finance, levelised=False, costs=costs)
    assert again.to_dict() == evaluate(park, power, finance, levelised=False).to_dict()
    assert again.npv_cny < evaluate(park, mid, finance, levelised=False).npv_cny


def test_without_allocation_the_park_figures_are_the_same() -> None:
    park = two_product_park()
    full = evaluate(park, levelised=False, capex_factor=1.3, opex_factor=0.9)
    bare = evaluate(park, levelised=False, allocate=False, capex_factor=1.3, opex_factor=0.9)
    assert bare.products == ()
    assert bare.npv_cny == full.npv_cny
    assert bare.irr == full.irr
    assert bare.units == full.units
    plain = evaluate(park, levelised=False)
    assert sum(u.capex_cny for u in full.units) == pytest.approx(
        1.3 * sum(u.capex_cny for u in plain.units), rel=1e-12
    )
    assert sum(u.opex_cny_per_yr for u in full.units) == pytest.approx(
        0.9 * sum(u.opex_cny_per_yr for u in plain.units), rel=1e-12
    )


def test_potash_is_sold_by_its_k2o_not_by_the_halite_it_carries() -> None:
    """Halite left in the KCl product adds tonnes but no value: the product is sold pro rata to
    its K2O against the price's 60 % basis (price_basis.csv), so the same KCl with or without
    halite earns the same, and pure KCl (63.2 % K2O) earns 63.2/60 of the price per tonne."""
    pure = potash_park()
    salty = replace(pure, products_t_per_yr={"KCl": 1.2e6},
                    product_components={"KCl": {"KCl": 1.0e6, "NaCl": 2.0e5}})  # fmt: skip
    a, b = (evaluate(p, levelised=False) for p in (pure, salty))
    price = load_prices("mid").price("KCl")
    k2o = 100 * 94.196 / (2 * 74.551)
    assert a.products[0].grade_factor == pytest.approx(k2o / 60, rel=1e-4)
    assert a.products[0].revenue_cny_per_yr == pytest.approx(1e6 * k2o / 60 * price, rel=1e-4)
    assert b.products[0].revenue_cny_per_yr == pytest.approx(a.products[0].revenue_cny_per_yr)
    assert b.npv_cny == pytest.approx(a.npv_cny, rel=1e-9)


def test_park_value_is_the_evaluation_without_product_lines() -> None:
    """park_value (the ensemble's money level) gives evaluate's NPV, IRR, payback, capital,
    revenue and operating cost, cost factors included, to round-off."""
    park = two_product_park()
    prices = load_prices("mid").with_prices({"KCl": 2900.0})
    finance = replace(load_finance(), discount_rate=0.07)
    full = evaluate(park, prices, finance, levelised=False, capex_factor=1.2, opex_factor=0.9)
    value = park_value(park, prices, finance, capex_factor=1.2, opex_factor=0.9)
    assert value.npv_cny == pytest.approx(full.npv_cny, rel=1e-12)
    assert full.irr is not None
    assert value.irr == pytest.approx(full.irr, rel=1e-12)
    assert value.payback_yr == pytest.approx(full.payback_yr, rel=1e-12)
    assert value.capex_cny == pytest.approx(sum(u.capex_cny for u in full.units), rel=1e-12)
    revenue = sum(p.revenue_cny_per_yr for p in full.products)
    assert value.revenue_cny_per_yr == pytest.approx(revenue, rel=1e-12)
    opex = sum(u.opex_cny_per_yr for u in full.units)
    assert value.opex_cny_per_yr == pytest.approx(opex, rel=1e-12)
