import pytest

from brineworks.constants import SECONDS_PER_YEAR
from brineworks.errors import InputError
from brineworks.process.stream import Stream, component_formula, component_molar_mass


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
