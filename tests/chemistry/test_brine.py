import json

import pytest

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import UNITS, Brine, catalogue
from brineworks.errors import ChargeBalanceError, InputError

NACL = {"Na": 1.0, "Cl": 1.0}


def test_molality_passthrough_and_order() -> None:
    b = Brine.from_amounts({"Cl": 2.0, "Mg": 1.0}, "mol/kgw")
    assert list(b.molality) == ["Mg", "Cl"]
    assert b.temperature == pytest.approx(298.15)


def test_wt_percent_conversion_by_hand() -> None:
    # 10 wt% NaCl as ions: Na 3.934 wt%, Cl 6.066 wt% -> 1.9012 mol/kg
    na, cl = 10 * 22.990 / 58.44, 10 * 35.45 / 58.44
    b = Brine.from_amounts({"Na": na, "Cl": cl}, "wt%")
    assert b.molality["Na"] == pytest.approx(100 / 58.44 / 0.9, rel=1e-12)


def test_g_per_litre_with_given_density_by_hand() -> None:
    # 1 L of 1.2 g/cm3: 1200 g; 100 g Na + 154.2 g Cl dissolved; water 945.8 g
    b = Brine.from_amounts(
        {"Na": 100.0, "Cl": 154.2}, "g/L", density_g_cm3=1.2, allow_imbalance=True
    )
    assert b.molality["Na"] == pytest.approx(100 / 22.990 / 0.9458, rel=1e-12)
    assert b.density == pytest.approx(1200.0)
    assert b.density_source == "given"


@pytest.mark.parametrize("unit", UNITS)
def test_round_trip_every_unit(unit: str) -> None:
    ref = Brine.from_amounts(
        {"Na": 4.0, "K": 0.3, "Mg": 1.2, "Li": 0.05, "Cl": 6.5, "SO4": 0.1}, "mol/kgw",
        allow_imbalance=True,
    )  # fmt: skip
    amounts = ref.concentrations(unit, density=1250.0)
    back = Brine.from_amounts(amounts, unit, density_g_cm3=1.25, allow_imbalance=True)
    for k, m in ref.molality.items():
        assert back.molality[k] == pytest.approx(m, rel=1e-12)


def test_density_computed_by_backend(backend: ThermoBackend) -> None:
    b = Brine.from_amounts({"Na": 117.03, "Cl": 180.45}, "g/L", backend=backend)
    assert b.density_source == "computed"
    assert 1150 < b.density < 1250
    # The computed density is self-consistent: the backend gives it back for the molalities.
    assert backend.density(b.molality, b.temperature) == pytest.approx(b.density, rel=1e-8)
    assert b.concentrations("g/L")["Na"] == pytest.approx(117.03, rel=1e-9)


def test_charge_balance_report() -> None:
    b = Brine.from_amounts({"Na": 1.0, "Cl": 0.9}, "mol/kgw", allow_imbalance=True)
    cb = b.charge_balance()
    assert cb.cations == pytest.approx(1.0)
    assert cb.anions == pytest.approx(0.9)
    assert cb.percent == pytest.approx(100 * 0.1 / 1.9)


def test_imbalance_above_five_percent_is_an_error_with_numbers() -> None:
    with pytest.raises(
        ChargeBalanceError, match=r"\+5\.26 % \(cations 1 eq/kgw, anions 0\.9 eq/kgw\)"
    ):
        Brine.from_amounts({"Na": 1.0, "Cl": 0.9}, "mol/kgw")


def test_small_imbalance_accepted() -> None:
    b = Brine.from_amounts({"Na": 1.0, "Cl": 0.95}, "mol/kgw")
    assert b.charge_balance().percent == pytest.approx(2.564, abs=1e-3)


@pytest.mark.parametrize("unit", UNITS)
def test_balance_on_is_basis_independent(unit: str) -> None:
    amounts = {"Na": 5.0, "Mg": 1.0, "K": 0.5, "Cl": 0.1}
    b = Brine.from_amounts(amounts, unit, density_g_cm3=1.3, balance_on="Cl", check_density=False)
    assert b.charge_balance().percent == pytest.approx(0.0, abs=1e-10)
    assert any("balanced on Cl" in n for n in b.notes)


def test_balanced_method() -> None:
    b = Brine.from_amounts({"Na": 0.5, "Mg": 1.0, "Cl": 1.0}, "mol/kgw", allow_imbalance=True)
    assert b.balanced("Cl").molality["Cl"] == pytest.approx(2.5)
    with pytest.raises(InputError, match="balance_on"):
        b.balanced("Na")  # would need a negative amount
    with pytest.raises(InputError, match="charged solute"):
        b.balanced("B")


@pytest.mark.parametrize(
    ("composition", "match"),
    [
        ({"Na": -1.0, "Cl": 1.0}, r"composition\.Na: got -1\.0; allowed: a non-negative"),
        ({"Na": "lots", "Cl": 1.0}, r"composition\.Na: got 'lots'"),
        ({"Na": float("nan"), "Cl": 1.0}, r"composition\.Na"),
        ({"Unobtainium": 1.0}, r"composition\.Unobtainium.*one of Li"),
        ({"Na": 0.0}, r"at least one solute"),
    ],
)
def test_bad_amounts(composition: dict[str, object], match: str) -> None:
    with pytest.raises(InputError, match=match):
        Brine.from_amounts(composition, "mol/kgw", allow_imbalance=True)


def test_bad_unit_and_temperature_and_density() -> None:
    with pytest.raises(InputError, match=r"unit: got 'ppb'; allowed: one of g/L"):
        Brine.from_amounts(NACL, "ppb")
    with pytest.raises(InputError, match=r"temperature_c: got 150.*0 to 100 °C"):
        Brine.from_amounts(NACL, "mol/kgw", temperature_c=150)
    with pytest.raises(InputError, match=r"density_g_cm3: got 5"):
        Brine.from_amounts(NACL, "g/L", density_g_cm3=5)
    with pytest.raises(InputError, match=r"density_g_cm3.*above the dissolved solids"):
        Brine.from_amounts(
            {"Na": 600.0, "Cl": 925.0}, "g/L", density_g_cm3=1.2, allow_imbalance=True
        )
    with pytest.raises(InputError, match=r"pH"):
        Brine.from_amounts(NACL, "mol/kgw", pH=15)


def test_missing_density_for_conversion_is_clear() -> None:
    b = Brine.from_amounts(NACL, "mol/kgw")
    with pytest.raises(InputError, match="density"):
        b.concentrations("g/L")


def test_from_mapping_rejects_unknown_and_missing_keys() -> None:
    with pytest.raises(InputError, match="colour"):
        Brine.from_mapping({"unit": "g/L", "composition": NACL, "colour": "blue"})
    with pytest.raises(InputError, match=r"unit: got None"):
        Brine.from_mapping({"composition": NACL})
    with pytest.raises(InputError, match="temperature_c: got 'warm'"):
        Brine.from_mapping({"unit": "mol/kgw", "composition": NACL, "temperature_c": "warm"})


def test_from_file_toml_and_json(tmp_path, backend: ThermoBackend) -> None:
    data = {
        "name": "East Taijinar", "unit": "g/L", "density_g_cm3": 1.2, "balance_on": "Cl",
        "composition": {"Li": 0.14, "Na": 117.03, "K": 3.79, "Mg": 5.64, "Ca": 0.43},
    }  # fmt: skip
    jp = tmp_path / "b.json"
    jp.write_text(json.dumps(data))
    tp = tmp_path / "b.toml"
    tp.write_text(
        'name = "East Taijinar"\nunit = "g/L"\ndensity_g_cm3 = 1.2\nbalance_on = "Cl"\n'
        "[composition]\nLi = 0.14\nNa = 117.03\nK = 3.79\nMg = 5.64\nCa = 0.43\n"
    )
    a, b = Brine.from_file(jp), Brine.from_file(tp)
    assert a.molality == b.molality
    assert a.charge_balance().percent == pytest.approx(0.0, abs=1e-10)
    bad = tmp_path / "bad.toml"
    bad.write_text("unit = [")
    with pytest.raises(InputError, match="valid TOML"):
        Brine.from_file(bad)
    with pytest.raises(InputError, match="readable file"):
        Brine.from_file(tmp_path / "missing.json")


def test_catalogue_every_entry_builds(backend: ThermoBackend) -> None:
    entries = catalogue()
    assert len(entries) == 26
    slugs = [e.slug for e in entries]
    assert len(set(slugs)) == len(slugs)
    for e in entries:
        assert e.source, e.slug
        assert e.status in {"R", "R-weak", "assumption"}
        b = e.brine(backend=backend)
        assert abs(b.charge_balance().percent) <= 5.0
    assert Brine.from_catalogue("East Taijinar").molality["Li"] == pytest.approx(
        Brine.from_catalogue("east-taijinar").molality["Li"]
    )


def test_catalogue_unknown_name_lists_allowed() -> None:
    with pytest.raises(InputError, match=r"brine: got 'atlantis'.*east-taijinar"):
        Brine.from_catalogue("atlantis")


def test_with_temperature_and_element_view() -> None:
    b = Brine.from_amounts({"Na": 1.0, "SO4": 0.5}, "mol/kgw")
    assert b.with_temperature(50).temperature_c == pytest.approx(50)
    assert b.element_molality() == {"Na": 1.0, "S": 0.5}
