"""Cash-flow arithmetic against examples computed by hand, and NPV, IRR and payback."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brineworks.economics import (
    Finance,
    ProjectInputs,
    TaxRules,
    cash_flows,
    irr,
    irr_roots,
    npv,
    payback_years,
)

# One construction year, three operating years at full output, no Western Development rate.
FINANCE = Finance(
    start_year=2030,
    discount_rate=0.10,
    operating_years=3,
    construction_years=1,
    capex_profile=(1.0,),
    ramp_up=(),
    working_capital_share=0.10,
    salvage_share=0.10,
    building_share=0.0,
    equipment_life=3,
    western_development=False,
)
TAXES = TaxRules(
    eit_rate=0.25,
    vat_default=0.13,
    equipment_vat_share=0.0,
    urban_maintenance_rate=0.05,
    education_rate=0.03,
    local_education_rate=0.02,
    resource_tax={"X": 0.05},
)
INPUTS = ProjectInputs(
    capex=1000.0,
    capex_vat_credit=0.0,
    revenue={"X": 1000.0},
    output_vat_rate={"X": 0.13},
    resource_tax_rate={"X": 0.05},
    fixed_opex=100.0,
    variable_opex=300.0,
    input_vat=39.0,
)


def test_hand_computed_example() -> None:
    """Every line of the table, worked out by hand:

    construction year: capital 1000 (no VAT credit) -> net -1000.
    each operating year: revenue 1000; output VAT 130; input VAT 39; VAT paid 130 - 39 = 91;
    surtaxes 10 % of 91 = 9.1; resource tax 5 % of 1000 = 50; depreciation
    1000 x (1 - 0.10) / 3 = 300; taxable income 1000 - 300 - 100 - 9.1 - 50 - 300 = 240.9;
    EIT 25 % = 60.225; cash from operations 1000 + 130 - 300 - 39 - 100 - 91 - 9.1 - 50
    - 60.225 = 480.675.
    working capital 10 % of revenue: +100 in the first year, released (-100) in the last;
    salvage = book value left = 1000 - 900 = 100 in the last year.
    net: -1000, 380.675, 480.675, 680.675.
    NPV at 10 % (end of year): -1000/1.1 + 380.675/1.1^2 + 480.675/1.1^3 + 680.675/1.1^4.
    """
    cf = cash_flows(INPUTS, FINANCE, TAXES)
    assert cf["year"] == (2030, 2031, 2032, 2033)
    assert cf["phase"] == ("construction", "operation", "operation", "operation")
    assert cf["vat_paid"] == pytest.approx((0, 91, 91, 91))
    assert cf["surtaxes"] == pytest.approx((0, 9.1, 9.1, 9.1))
    assert cf["resource_tax"] == pytest.approx((0, 50, 50, 50))
    assert cf["depreciation"] == pytest.approx((0, 300, 300, 300))
    assert cf["taxable_income"] == pytest.approx((0, 240.9, 240.9, 240.9))
    assert cf["income_tax"] == pytest.approx((0, 60.225, 60.225, 60.225))
    assert cf["working_capital_change"] == pytest.approx((0, 100, 0, -100))
    assert cf["salvage"] == pytest.approx((0, 0, 0, 100))
    assert cf.net == pytest.approx((-1000, 380.675, 480.675, 680.675))
    expected = -1000 / 1.1 + 380.675 / 1.1**2 + 480.675 / 1.1**3 + 680.675 / 1.1**4
    assert cf.npv() == pytest.approx(expected, rel=1e-12)
    assert cf.npv() == pytest.approx(231.5649, abs=1e-4)


def test_vat_credit_of_the_capital_is_used_up_first() -> None:
    """A creditable 130 of capital VAT against 91 a year of net output VAT: nothing paid in
    the first year (39 left), 91 - 39 = 52 in the second, 91 in the third."""
    inputs = ProjectInputs(**{**INPUTS.__dict__, "capex_vat_credit": 130.0})
    cf = cash_flows(inputs, FINANCE, TAXES)
    assert cf["vat_paid"] == pytest.approx((0, 0, 52, 91))
    # depreciation is on capital less its creditable VAT: (1000 - 130) x 0.9 / 3
    assert cf["depreciation"][1] == pytest.approx(261.0)


def _loss_case(carry: int) -> tuple[float, ...]:
    """Capital 600 over 3 years (no residual), fixed cost 100, no VAT or resource tax; output
    0, 0 then full (revenue 1000): losses of 300 in years 1 and 2, income 700 in year 3."""
    finance = Finance(
        start_year=2040, operating_years=3, construction_years=1, capex_profile=(1.0,),
        ramp_up=(0.0, 0.0), salvage_share=0.0, building_share=0.0, equipment_life=3,
        working_capital_share=0.0, western_development=False,
    )  # fmt: skip
    taxes = TaxRules(eit_rate=0.25, vat_default=0.0, equipment_vat_share=0.0,
                     loss_carry_forward_years=carry)  # fmt: skip
    inputs = ProjectInputs(capex=600.0, capex_vat_credit=0.0, revenue={"X": 1000.0},
                           output_vat_rate={}, resource_tax_rate={}, fixed_opex=100.0,
                           variable_opex=0.0, input_vat=0.0)  # fmt: skip
    return cash_flows(inputs, finance, taxes)["income_tax"]


def test_losses_carried_forward_and_expiring() -> None:
    # five years: both losses (600) offset the 700 -> EIT 25 % of 100
    assert _loss_case(5) == pytest.approx((0, 0, 0, 25.0))
    # one year: the first year's loss has expired by year 3 -> 25 % of (700 - 300)
    assert _loss_case(1) == pytest.approx((0, 0, 0, 100.0))
    # no carry-forward at all
    assert _loss_case(0) == pytest.approx((0, 0, 0, 175.0))


def test_western_development_rate_only_while_published() -> None:
    finance = Finance(start_year=2029, operating_years=3, construction_years=1,
                      capex_profile=(1.0,), ramp_up=(), western_development=True)  # fmt: skip
    rates = [TaxRules().income_tax_rate(y, finance) for y in (2030, 2031, 2032)]
    assert rates == [0.15, 0.25, 0.25]
    extended = Finance(**{**finance.__dict__, "western_development_extended": True})
    assert TaxRules().income_tax_rate(2032, extended) == 0.15


def test_ramp_up_scales_revenue_and_variable_cost_not_fixed() -> None:
    finance = Finance(**{**FINANCE.__dict__, "ramp_up": (0.5,)})
    cf = cash_flows(INPUTS, finance, TAXES)
    assert cf["revenue"] == pytest.approx((0, 500, 1000, 1000))
    assert cf["variable_opex"] == pytest.approx((0, 150, 300, 300))
    assert cf["fixed_opex"] == pytest.approx((0, 100, 100, 100))
    # working capital follows revenue: 50, +50, then all 100 released
    assert cf["working_capital_change"] == pytest.approx((0, 50, 50, -100))


def test_npv_irr_payback_examples() -> None:
    assert npv([-100.0, 110.0], 0.10) == pytest.approx(0.0, abs=1e-12)
    rate = irr([-100.0, 60.0, 60.0])
    assert rate is not None
    # (-100 + 60/(1+r) + 60/(1+r)^2 = 0): 1 + r = (60 + sqrt(60^2 + 4 * 100 * 60)) / 200
    assert rate == pytest.approx((60 + (3600 + 24000) ** 0.5) / 200 - 1, rel=1e-10)
    assert payback_years([-100.0, 50.0, 50.0, 50.0]) == pytest.approx(3.0)
    assert payback_years([-100.0, 40.0, 40.0, 40.0]) == pytest.approx(3 + 20 / 40)
    assert payback_years([-100.0, 10.0, 10.0]) is None


def test_irr_is_none_when_it_does_not_exist_or_is_not_unique() -> None:
    assert irr([100.0, 50.0]) is None  # never negative
    assert irr([-100.0, -50.0]) is None  # never positive
    # -100 + 230 x - 132 x^2 = 0 with x = 1/(1+r): r = 10 % and 20 %
    assert irr_roots([-100.0, 230.0, -132.0]) == pytest.approx([0.10, 0.20], abs=1e-9)
    assert irr([-100.0, 230.0, -132.0]) is None


@settings(max_examples=25, deadline=None)
@given(
    outlay=st.floats(1.0, 1e9),
    returns=st.lists(st.floats(0.0, 1e9), min_size=1, max_size=30).filter(lambda x: sum(x) > 0),
)
def test_npv_is_zero_at_the_irr_of_conventional_flows(outlay: float, returns: list[float]) -> None:
    """One outlay then non-negative returns: at most one sign change, so at most one IRR."""
    cash = [-outlay, *returns]
    rate = irr(cash)
    roots = irr_roots(cash)
    assert len(roots) <= 1
    if rate is not None:
        assert abs(npv(cash, rate)) <= 1e-6 * (outlay + sum(returns))
