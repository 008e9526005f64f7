import pytest

from brineworks.chemistry.ions import ION_KEYS, atomic_weights, ion, normalise_ion
from brineworks.errors import InputError


@pytest.mark.parametrize(
    ("name", "key"),
    [("Li", "Li"), ("li+", "Li"), ("Mg2+", "Mg"), ("mg+2", "Mg"), ("sulphate", "SO4"),
     ("SO4-2", "SO4"), ("HCO3-", "HCO3"), ("carbonate", "CO3"), (" Cl ", "Cl"), ("boron", "B")],
)  # fmt: skip
def test_aliases_normalise(name: str, key: str) -> None:
    assert normalise_ion(name) == key


def test_unknown_ion_names_field_and_allowed() -> None:
    with pytest.raises(InputError, match=r"composition\.Xx.*allowed: one of Li, Na"):
        normalise_ion("Xx")


def test_molar_masses_iupac() -> None:
    assert ion("SO4").molar_mass == pytest.approx(32.06 + 4 * 15.999)
    assert ion("Li").molar_mass == pytest.approx(6.94)
    assert ion("Mg").charge == 2
    assert ion("B").charge == 0


def test_atomic_weight_file_guard() -> None:
    weights = atomic_weights()
    # a silent edit of the data file fails here
    assert len(weights) == 14
    assert sum(weights.values()) == pytest.approx(422.280, abs=1e-9)
    assert set(ION_KEYS) >= {"Li", "Na", "K", "Mg", "Ca", "Cl", "SO4", "B", "CO3", "HCO3"}
