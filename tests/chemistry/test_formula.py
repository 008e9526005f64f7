import pytest

from brineworks.chemistry.formula import formula_mass, parse_formula, species_charge


@pytest.mark.parametrize(
    ("formula", "counts"),
    [
        ("KMgCl3:6H2O", {"K": 1, "Mg": 1, "Cl": 3, "H": 12, "O": 6}),
        ("Mg(OH)2", {"Mg": 1, "O": 2, "H": 2}),
        ("Li2SO4:3Na2SO4:12H2O", {"Li": 2, "S": 4, "O": 28, "Na": 6, "H": 24}),
        ("Mg2CO3(OH)2:3H2O", {"Mg": 2, "C": 1, "O": 8, "H": 8}),
        ("SO4-2", {"S": 1, "O": 4}),
        ("CO2(g)", {"C": 1, "O": 2}),
    ],
)
def test_parse_formula(formula: str, counts: dict[str, float]) -> None:
    assert parse_formula(formula) == counts


def test_species_charge() -> None:
    assert species_charge("SO4-2") == -2
    assert species_charge("Na+") == 1
    assert species_charge("CaSO4") == 0


def test_formula_mass_bischofite() -> None:
    # MgCl2·6H2O, 203.30 g/mol with IUPAC 2021 weights
    assert formula_mass("MgCl2:6H2O") == pytest.approx(0.20330, rel=1e-4)


def test_bad_formula_raises() -> None:
    with pytest.raises(ValueError, match="cannot parse"):
        parse_formula("Mg(OH")
