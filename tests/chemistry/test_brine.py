import json

import pytest

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import UNITS, Brine, catalogue, parse_bool, require_brine
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


# ---------------------------------------------------------------------- hardening (issue 17)
def test_a_given_density_must_fit_the_composition(backend: ThermoBackend) -> None:
    """1.0 g/cm³ with 508 g/L of solutes: the water per litre would be 492 g, the molalities
    twice too high. Refused, naming the model's density; a close density is accepted."""
    with pytest.raises(InputError, match=r"density_g_cm3: got 1\.0; .*within 5 % of the model's"):
        Brine.from_amounts({"Na": 200.0, "Cl": 308.0}, "g/L", density_g_cm3=1.0, backend=backend)
    computed = Brine.from_amounts({"Na": 100.0, "Cl": 154.2}, "g/L", backend=backend)
    assert computed.density is not None
    near = Brine.from_amounts(
        {"Na": 100.0, "Cl": 154.2}, "g/L", density_g_cm3=computed.density / 1000 * 1.02,
        backend=backend,
    )  # fmt: skip
    assert near.density_source == "given"
    # wt% and mol/kgw do not use the density to convert: it is not checked against the model.
    Brine.from_amounts({"Na": 1.0, "Cl": 1.0}, "mol/kgw", density_g_cm3=1.4)


@pytest.mark.parametrize(
    ("composition", "match"),
    [
        ({"Na": 1.0, "Na+": 1.0, "Cl": 2.0}, r"'Na' and 'Na\+' are both Na"),
        ({"sulfate": 1.0, "SO4": 1.0, "Mg": 2.0}, "are both SO4"),
        ({"Li": 1.0}, r"an anion \(Cl, SO4, \.\.\.\) as well"),
        ({"Cl": 1.0}, r"a cation \(Na, K, \.\.\.\) as well"),
        ({}, r"composition: got \{\}; allowed: at least one solute above zero, as solute"),
        ({1: 2.0}, "solute names as text"),
    ],
)
def test_compositions_that_cannot_be_a_brine(composition: dict[object, float], match: str) -> None:
    with pytest.raises(InputError, match=match):
        Brine.from_amounts(composition, "mol/kgw", allow_imbalance=True)  # type: ignore[arg-type]


def test_lithium_only_per_volume_names_the_composition(backend: ThermoBackend) -> None:
    """It used to fail inside the density calculation as "brine: got 'density'"."""
    with pytest.raises(InputError, match=r"composition: got \{'Li': 1\.0\}"):
        Brine.from_amounts({"Li": 1.0}, "g/L", backend=backend)
    with pytest.raises(InputError, match=r"composition: got \{'Li': 1\.0\}"):
        Brine.from_amounts({"Li": 1.0}, "g/L", allow_imbalance=True, backend=backend)


@pytest.mark.parametrize(
    ("unit", "match"),
    [("m", "molal .* molar"), ("ppm", "mg per kg of solution"), ("g/kg", "solution or of water"),
     (None, "one of g/L"), (3, "one of g/L")],
)  # fmt: skip
def test_ambiguous_or_wrong_units(unit: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        Brine.from_amounts(NACL, unit)  # type: ignore[arg-type]


def test_capital_m_is_molar() -> None:
    b = Brine.from_amounts(NACL, "M", density_g_cm3=1.04, check_density=False)
    assert b.concentrations("mol/L")["Na"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("false", False), (" FALSE ", False), ("no", False),
     ("0", False), (0, False), ("true", True), ("Yes", True), ("1", True), (1, True)],
)  # fmt: skip
def test_one_rule_for_booleans(value: object, expected: bool) -> None:
    assert parse_bool("allow_imbalance", value) is expected


@pytest.mark.parametrize("value", ["ture", "", "n", 2, 0.5, None, [], "off"])
def test_booleans_outside_the_rule(value: object) -> None:
    with pytest.raises(InputError, match="allowed: true or false"):
        parse_bool("allow_imbalance", value)


def test_the_json_string_false_is_false() -> None:
    data = {"unit": "mol/kgw", "composition": {"Na": 1.0, "Cl": 0.5}, "allow_imbalance": "false"}
    with pytest.raises(ChargeBalanceError):
        Brine.from_mapping(data)
    assert Brine.from_mapping({**data, "allow_imbalance": "true"}).molality["Cl"] == 0.5


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"unit": "g/L", "composition": None}, "composition: got None"),
        ({"unit": None, "composition": NACL}, "unit: got None"),
        ({"unit": ["g/L"], "composition": NACL}, "unit: got"),
        ({"unit": "mol/kgw", "composition": NACL, "name": {"x": 1}}, "name: got"),
        ({"unit": "mol/kgw", "composition": NACL, "temperature_c": "hot"}, "temperature_c"),
        ({"unit": "mol/kgw", "composition": NACL, "temperature_c": float("nan")}, "finite"),
        ({"unit": "mol/kgw", "composition": NACL, "pH": True}, "pH: got True"),
        ({"unit": "mol/kgw", "composition": NACL, "balance_on": 3}, "balance_on: got 3"),
    ],
)
def test_mapping_types_are_checked(data: dict[str, object], match: str) -> None:
    with pytest.raises(InputError, match=match):
        Brine.from_mapping(data)


@pytest.mark.parametrize("value", [None, {"Na": 1.0}, "seawater", 3])
def test_api_given_something_else_than_a_brine_or_a_name(
    value: object, backend: ThermoBackend
) -> None:
    with pytest.raises(InputError, match="brine"):
        backend.speciate(value)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="brine"):
        require_brine(value)
    if not isinstance(value, str):
        with pytest.raises(InputError, match="brine: got"):
            Brine.from_catalogue(value)  # type: ignore[arg-type]
    if not isinstance(value, dict):
        with pytest.raises(InputError, match="molality: got"):
            Brine(molality=value)  # type: ignore[arg-type]


def test_neutralised_names_the_composition() -> None:
    lonely = Brine(molality={"K": 1.0}, name="potassium only")
    with pytest.raises(InputError, match=r"potassium only: composition: got \{'K': 1\.0\}"):
        lonely.neutralised()
