"""Guards on the thermodynamic data files and the generated database."""

import csv
from importlib.resources import files

import pytest

from brineworks.chemistry.database import (
    Database,
    extension_text,
    load_phase_rows,
    load_pitzer_rows,
    with_extension,
)
from brineworks.chemistry.fitting import analytic_log_k


def _rows(name: str) -> list[dict[str, str]]:
    text = files("brineworks.data").joinpath("thermo", name).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def test_phase_file_shape_and_sums() -> None:
    rows = _rows("phases.csv")
    assert [r["phase"] for r in rows] == [
        "LiCl_H2O",
        "Li2SO4_H2O",
        "Zabuyelite",
        "Arcanite",
        "Li-carnallite",
        "Li2SO4_3Na2SO4_12H2O",
        "Boric_acid,s",
        "LiKSO4",
        "Natron",
        "Nahcolite",
        "Kalicinite",
        "Borax",
        "Antarcticite",
    ]
    for r in rows:
        assert r["source"]
        assert r["status"] in {"fit", "correction"}
        assert r["action"] in {"add", "replace"}
        constant = r["phase"] in {"Li-carnallite", "Li2SO4_3Na2SO4_12H2O", "LiKSO4"}  # one T
        assert (
            float(r["t_min_c"]) <= 25 <= float(r["t_max_c"])
            or r["phase"] == "LiCl_H2O"
            or (constant and "ASSUMPTION" in r["note"])
        )
    # A silent edit of a coefficient fails here.
    assert sum(float(r["log_k_25c"]) for r in rows) == pytest.approx(4.5392, abs=1e-4)
    assert sum(float(r["a1"]) for r in rows) == pytest.approx(-4527.02964844, abs=1e-5)


def test_stored_log_k_matches_its_expression() -> None:
    for row in load_phase_rows():
        assert analytic_log_k(row.analytic, 298.15) == pytest.approx(row.log_k, abs=5e-5), row.phase


def test_pitzer_file_shape_and_sums() -> None:
    rows = _rows("pitzer.csv")
    assert len(rows) == 10
    for r in rows:
        assert r["kind"] in {"THETA", "PSI"}
        assert len(r["species"].split()) == {"THETA": 2, "PSI": 3}[r["kind"]]
        assert r["source"]
        assert r["status"] in {"R", "R-weak", "fit"}
        if r["status"] == "R-weak":
            assert "ASSUMPTION" in r["note"]
    assert sum(float(r["a0"]) for r in rows) == pytest.approx(0.1717686, abs=1e-7)
    assert {r.kind for r in load_pitzer_rows()} == {"THETA", "PSI"}


def test_fit_points_shape() -> None:
    rows = _rows("fit_points.csv")
    assert len(rows) == 72
    assert all(r["source"] and r["status"] in {"R", "R-weak", "L"} for r in rows)
    assert sum(float(r["molality_salt"]) for r in rows) == pytest.approx(205.4115, abs=1e-6)


def test_extension_is_read_by_phreeqc() -> None:
    db = Database.brineworks()
    # PHREEQC stops at the first END: the extension must come before it.
    assert db.text.index("Brineworks lithium extension") < db.text.index("\nEND")
    for phase in ("LiCl_H2O", "Li2SO4_H2O", "Zabuyelite"):
        assert phase in db.phases
    assert "Zabuyelite" not in Database.brineworks(extension=False).phases
    assert db.phase_formulas["Zabuyelite"] == {"Li": 2, "C": 1, "O": 3}


def test_with_extension_without_end() -> None:
    assert with_extension("PHASES\n", "X\n").endswith("X\n")


def test_extension_text_lists_every_row() -> None:
    text = extension_text()
    assert text.count("# Brineworks:") == len(load_phase_rows())
    assert "-THETA" in text
    assert "-PSI" in text


def test_species_and_phase_filters() -> None:
    db = Database.brineworks()
    assert "MgOH+" in db.species_for({"Mg", "Cl"})
    assert "CaSO4" not in db.species_for({"Mg", "Cl"})
    assert set(db.phases_for({"Na", "Cl"})) == {"Halite"}


def test_master_species_and_weights() -> None:
    masters = Database.brineworks().master_species
    assert masters["S"] == ("SO4-2", 32.064)
    assert masters["B"][0] == "B(OH)3"
    assert masters["Na"][1] == pytest.approx(22.9898)
    assert "S(6)" not in masters
