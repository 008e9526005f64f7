"""Property-based tests of brine compositions."""

from hypothesis import given, settings
from hypothesis import strategies as st

from brineworks.chemistry.brine import UNITS, Brine

amount = st.floats(min_value=1e-4, max_value=3.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    na=amount, k=amount, mg=amount, li=st.floats(0, 0.5), so4=st.floats(0, 0.5),
    unit=st.sampled_from(UNITS), rho=st.floats(1000.0, 1400.0),
)  # fmt: skip
def test_unit_round_trip(
    na: float, k: float, mg: float, li: float, so4: float, unit: str, rho: float
) -> None:
    brine = Brine.from_amounts(
        {"Na": na, "K": k, "Mg": mg, "Li": li, "SO4": so4, "Cl": na + k + 2 * mg + li},
        "mol/kgw", density_g_cm3=rho / 1000, allow_imbalance=True,
    )  # fmt: skip
    amounts = brine.concentrations(unit)
    # Arithmetic of the conversion at an arbitrary density: the model check is not the point.
    back = Brine.from_amounts(
        amounts, unit, density_g_cm3=rho / 1000, allow_imbalance=True, check_density=False
    )
    for key, m in brine.molality.items():
        assert abs(back.molality[key] - m) <= 1e-9 * max(m, 1e-12)


@settings(max_examples=60, deadline=None)
@given(na=amount, mg=amount, cl=amount, unit=st.sampled_from(UNITS))
def test_balancing_always_neutralises(na: float, mg: float, cl: float, unit: str) -> None:
    scale = 10.0 if unit in ("g/L", "mg/L") else 1.0
    comp = {"Na": na * scale, "Mg": mg * scale, "Cl": cl * scale * 0.01}
    brine = Brine.from_amounts(comp, unit, density_g_cm3=1.3, balance_on="Cl", check_density=False)
    assert abs(brine.charge_balance().percent) < 1e-9
