import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brineworks.chemistry.ions import atomic_weights
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.errors import InputError
from brineworks.process.stream import (
    Stream,
    component_formula,
    component_molar_mass,
    solution_stream,
)


def test_element_view_of_mixed_components() -> None:
    s = Stream({"H2O": 18.015e-3, "Carnallite": 0.2778, "Li2CO3": 0.07389, "SO4": 0.09606})
    el = s.elements()
    assert el["K"] == pytest.approx(1.0, rel=1e-3)  # one mol carnallite
    assert el["Mg"] == pytest.approx(1.0, rel=1e-3)
    assert el["Li"] == pytest.approx(2.0, rel=1e-3)
    assert el["S"] == pytest.approx(1.0, rel=1e-3)
    assert el["H"] == pytest.approx(2.0 + 12.0, rel=1e-3)


def test_component_lookup() -> None:
    assert component_formula("PVC") == {"C": 2, "H": 3, "Cl": 1}
    assert component_formula("Halite") == {"Na": 1, "Cl": 1}
    assert component_formula("SO4") == {"S": 1, "O": 4}
    assert component_molar_mass("NH3") == pytest.approx(0.017031, rel=1e-4)
    with pytest.raises(InputError, match="component: got 'Kryptonite'"):
        component_formula("Kryptonite")


def test_bad_streams() -> None:
    with pytest.raises(InputError, match="Kryptonite"):
        Stream({"Kryptonite": 1.0})
    with pytest.raises(InputError, match="stream flow of H2O: got -1"):
        Stream({"H2O": -1.0})


def test_units_and_mixing() -> None:
    s = Stream.from_t_per_yr({"KCl": 1.0e6})
    assert s.flows["KCl"] == pytest.approx(1e9 / SECONDS_PER_YEAR)
    assert s.t_per_yr()["KCl"] == pytest.approx(1.0e6)
    hot = Stream({"H2O": 1.0}, 350.0)
    cold = Stream({"H2O": 3.0}, 290.0)
    mixed = Stream.mix([hot, cold])
    assert mixed.flows["H2O"] == 4.0
    assert mixed.temperature == pytest.approx(305.0)
    assert s.scaled(2.0).total == pytest.approx(2 * s.total)


@settings(max_examples=60, deadline=None)
@given(
    cations=st.lists(st.floats(0.0, 5.0), min_size=4, max_size=4),
    sulfate=st.floats(0.0, 1.0),
    carbon=st.floats(1e-6, 0.5),
    chloride_share=st.floats(0.3, 1.2),
    excess=st.floats(-0.05, 0.05),
)
def test_solution_stream_h_and_o_follow_mass_and_charge_whatever_the_carbon_split(
    cations: list[float], sulfate: float, carbon: float, chloride_share: float, excess: float
) -> None:
    """H and O of a solution stream are fixed by its mass and its charge excess (two linear
    balances), however its carbon is split between CO3 and HCO3 and whatever acid or base
    stands beside it (to 1e-12)."""
    na, k, mg, li = cations
    elements = {"Na": na, "K": k, "Mg": mg, "Li": li, "S": sulfate, "C": carbon, "B": 0.01}
    elements["Cl"] = chloride_share * (na + k + 2 * mg + li) + 1e-3
    w = {el: a / 1000.0 for el, a in atomic_weights().items()}  # kg/mol
    mass = sum(n * w[el] for el, n in elements.items()) + 60.0  # kg/s: 60 kg/s of H and O
    s = solution_stream(elements, mass, 298.15, excess=excess)
    assert s.total == pytest.approx(mass, rel=1e-12)
    assert s.nominal_excess() == pytest.approx(excess, abs=1e-12)
    # mass: sum n w = mass; charge: H - 2 O + sum of the oxidation states = excess
    ox = {"Na": 1, "K": 1, "Mg": 2, "Li": 1, "Cl": -1, "S": 6, "C": 4, "B": 3}
    q = excess - sum(ox[el] * n for el, n in elements.items())  # H - 2 O [mol/s]
    o = (60.0 - q * w["H"]) / (w["O"] + 2.0 * w["H"])
    el = s.elements()
    assert el["O"] == pytest.approx(o, rel=1e-12)
    assert el["H"] == pytest.approx(q + 2.0 * o, rel=1e-12)
    for name, n in elements.items():
        assert el.get(name, 0.0) == pytest.approx(n, rel=1e-12)
