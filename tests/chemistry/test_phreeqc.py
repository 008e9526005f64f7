"""The PHREEQC backend: protocol, in-memory operation, errors, the pH convention."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brineworks.chemistry.backend import ThermoBackend, available_backends, get_backend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.database import Database
from brineworks.chemistry.phreeqc import PhreeqcBackend
from brineworks.errors import ChemistryError, InputError, ValidityError


def test_backend_implements_protocol(backend: ThermoBackend) -> None:
    assert isinstance(backend, ThermoBackend)
    assert "phreeqc" in available_backends()
    assert get_backend() is backend
    with pytest.raises(InputError, match="backend: got 'magic'"):
        get_backend("magic")


def test_speciation_of_seawater(backend: ThermoBackend) -> None:
    b = Brine.from_catalogue("seawater", backend=backend)
    s = backend.speciate(b)
    # Seawater: I about 0.7 mol/kg, a_w 0.981, density about 1.024 g/cm3 (textbook values)
    assert s.ionic_strength == pytest.approx(0.71, abs=0.02)
    assert s.water_activity == pytest.approx(0.981, abs=0.002)
    assert s.density == pytest.approx(1023, abs=3)
    assert s.molality["Mg"] == pytest.approx(b.molality["Mg"], rel=1e-9)
    assert s.species_molality["HSO4-"] > 0  # pitzer.dat keeps few ion pairs
    gamma = s.activity_coefficient
    assert 0.1 < gamma["Ca+2"] < 0.3
    assert 0.6 < gamma["Na+"] < 0.75
    assert s.saturation_index["Gypsum"] < 0
    assert "Li2SO4_H2O" in s.saturation_index
    assert abs(s.charge_balance) < 1e-6


def test_saturate_halite_and_present_absent(backend: ThermoBackend) -> None:
    eq = backend.saturate(["Halite"], 298.15)
    assert eq.solution.molality["Na"] == pytest.approx(6.129, abs=0.002)
    assert eq.present == ("Halite",)
    assert eq.solids["Halite"] > 0
    assert eq.solids_mass["Halite"] == pytest.approx(eq.solids["Halite"] * 0.05844, rel=1e-3)
    # Mirabilite is not stable at 50 °C: it dissolves and the report says so.
    eq = backend.saturate(["Mirabilite"], 323.15)
    assert eq.absent == ("Mirabilite",)


def test_saturate_invariant_point_assemblage(backend: ThermoBackend) -> None:
    eq = backend.saturate(["Halite", "Sylvite", "Carnallite"], 298.15)
    assert set(eq.present) == {"Halite", "Sylvite", "Carnallite"}
    m = eq.solution.molality
    assert m["Mg"] > 3
    assert m["K"] < 1
    assert m["Na"] < 1


def test_equilibrate_precipitates_and_conserves_mass(backend: ThermoBackend) -> None:
    b = Brine.from_amounts({"Na": 7.0, "Cl": 7.0}, "mol/kgw")
    eq = backend.equilibrate(b, ["Halite"])
    halite = eq.solids["Halite"]
    assert halite == pytest.approx(eq.solids_change["Halite"])
    left = eq.solution.molality["Na"] * eq.solution.mass_water
    assert left + halite == pytest.approx(7.0, rel=1e-10)
    eq = backend.equilibrate(b, {"Halite": 0.0, "Sylvite": 0.5})
    assert eq.solids["Sylvite"] == 0.0  # KCl dissolves completely into a K-free brine
    assert eq.solution.molality["K"] * eq.solution.mass_water == pytest.approx(0.5, rel=1e-10)


def test_unknown_phase_and_bad_amount(backend: ThermoBackend) -> None:
    b = Brine.from_amounts({"Na": 1.0, "Cl": 1.0}, "mol/kgw")
    with pytest.raises(InputError, match=r"phase: got 'Halit'.*did you mean Halite"):
        backend.equilibrate(b, ["Halit"])
    with pytest.raises(InputError, match=r"phases\.Halite: got -1"):
        backend.equilibrate(b, {"Halite": -1.0})
    with pytest.raises(InputError, match="temperature: got 120"):
        backend.saturate(["Halite"], 393.15)
    with pytest.raises(InputError, match="at least one"):
        backend.saturate([], 298.15)


def test_phreeqc_failure_is_a_chemistry_error_with_its_message(backend: ThermoBackend) -> None:
    hopeless = Brine(molality={"Mg": 200.0, "Cl": 400.0}, name="hopeless")
    with pytest.raises(ChemistryError, match="PHREEQC failed after 3 attempts") as info:
        backend.speciate(hopeless)
    assert "has not converged" in info.value.backend_message
    assert "Mg 200" in info.value.input_text
    # The backend is usable afterwards.
    assert backend.saturate(["Halite"], 298.15).present == ("Halite",)


def test_bad_database_is_a_chemistry_error() -> None:
    with pytest.raises(ChemistryError, match="could not load the database"):
        PhreeqcBackend(Database("SOLUTION_SPECIES\nNa+ = Cl-\n", "broken"))


def test_nothing_written_to_working_directory(tmp_path: Path, backend: ThermoBackend) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        fresh = PhreeqcBackend()
        fresh.saturate(["Halite", "Sylvite"], 298.15)
        fresh.speciate(Brine.from_catalogue("qarhan", backend=fresh))
        with pytest.raises(ChemistryError):
            fresh.speciate(Brine(molality={"Mg": 200.0, "Cl": 400.0}))
        # A reaction step that fails on every convergence set makes PHREEQC write error.inp
        # into the current directory; Brineworks keeps it in a private scratch directory.
        with pytest.raises(ChemistryError, match="Numerical method failed"):
            fresh.equilibrate(Brine(molality={"Mg": 9.0, "Cl": 18.0}), {"Bischofite": 20.0})
        assert os.getcwd() == str(tmp_path)
    finally:
        os.chdir(cwd)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("start", [3.0, 5.0, 6.0, 7.0, 8.0])
def test_bischofite_equilibrium_independent_of_start(backend: ThermoBackend, start: float) -> None:
    """The pitzer.dat trap: with PHREEQC's default pH 7, starting from 7 mol/kg MgCl2 gives
    6.356 mol/kg at bischofite saturation instead of 5.843; the neutral-salt convention removes
    the dependence on the start."""
    b = Brine.from_amounts({"Mg": start, "Cl": 2 * start}, "mol/kgw")
    eq = backend.equilibrate(b, {"Bischofite": 20.0})
    assert eq.solution.molality["Mg"] == pytest.approx(5.8431, abs=2e-4)
    assert eq.solution.species_molality["MgOH+"] < 1e-4


def test_beyond_validated_ionic_strength_is_refused(backend: ThermoBackend) -> None:
    """10 mol/kg MgCl2 (I = 30) is past the database's range: PHREEQC would 'converge' to a second,
    non-physical root at 12.5 mol/kg; Brineworks refuses instead of returning it."""
    b = Brine.from_amounts({"Mg": 10.0, "Cl": 20.0}, "mol/kgw")
    with pytest.raises(ValidityError, match="ionic strength 30 mol/kg, beyond the 25"):
        backend.equilibrate(b, {"Bischofite": 20.0})
    with pytest.raises(ValidityError):
        backend.speciate(b)


def test_measured_ph_is_respected(backend: ThermoBackend) -> None:
    b = Brine.from_amounts({"Na": 1.0, "Cl": 1.0}, "mol/kgw", pH=8.2)
    s = backend.speciate(b)
    assert s.pH == pytest.approx(8.2, abs=1e-9)
    assert not any("neutral-salt" in n for n in s.notes)


def test_imbalanced_brine_without_ph_is_balanced_on_its_major_anion(backend: ThermoBackend) -> None:
    b = Brine.from_amounts({"Na": 1.0, "Mg": 0.5, "Cl": 1.95}, "mol/kgw")
    s = backend.speciate(b)
    assert abs(s.charge_balance) < 1e-6
    assert s.molality["Cl"] == pytest.approx(2.0, rel=1e-9)
    assert any("carried on Cl" in n for n in s.notes)


def test_lithium_carbonate_solution_is_alkaline(backend: ThermoBackend) -> None:
    eq = backend.saturate(["Zabuyelite"], 298.15)
    assert 10.5 < eq.solution.pH < 12.0
    assert eq.solution.molality["Li"] == pytest.approx(2 * eq.solution.molality["C"], rel=1e-9)


def test_lithium_mixing_terms_change_activities(backend: ThermoBackend) -> None:
    plain = PhreeqcBackend(Database.brineworks(extension=False))
    b = Brine.from_amounts({"Li": 1.0, "Na": 3.0, "Mg": 1.0, "Cl": 6.0}, "mol/kgw")
    g_ext = backend.speciate(b).activity_coefficient["Li+"]
    g_plain = plain.speciate(b).activity_coefficient["Li+"]
    assert g_ext != pytest.approx(g_plain, rel=1e-3)


def test_phase_formula(backend: ThermoBackend) -> None:
    assert backend.phase_formula("Carnallite") == {"K": 1, "Mg": 1, "Cl": 3, "H": 12, "O": 6}


def test_added_base_precipitates_brucite_and_raises_ph(backend: ThermoBackend) -> None:
    """NaOH mixed into a MgCl2 liquor: brucite takes the hydroxide up to the stoichiometric
    dose, then the pH climbs; every element is conserved with the reagent counted in."""
    brine = Brine(molality={"Li": 1.0, "Mg": 0.25, "Cl": 1.5}, name="eluate")
    half = backend.equilibrate(brine, ["Brucite"], added={"NaOH": 0.25})
    full = backend.equilibrate(brine, ["Brucite"], added={"NaOH": 0.6})
    assert half.solids["Brucite"] == pytest.approx(0.125, rel=1e-3)
    assert full.solids["Brucite"] == pytest.approx(0.25, rel=1e-4)
    assert 8 < half.solution.pH < full.solution.pH
    assert full.solution.molality["Na"] * full.solution.mass_water == pytest.approx(0.6)
    assert full.solution.molality["Mg"] < 1e-5


def test_added_acid_lowers_ph(backend: ThermoBackend) -> None:
    brine = Brine(molality={"Na": 1.0, "Cl": 1.0}, name="salt")
    assert backend.equilibrate(brine, [], added={"HCl": 0.01}).solution.pH < 2.5


@pytest.mark.parametrize("added", [{"NaOH": -1.0}, {"KOH2Xy": 1.0}, {"Fe(OH)3": 0.1}])
def test_bad_reagents_are_named(backend: ThermoBackend, added: dict[str, float]) -> None:
    with pytest.raises(InputError, match="added"):
        backend.equilibrate(Brine(molality={"Na": 1.0, "Cl": 1.0}), [], added=added)


# ---------------------------------------------------------------------- hardening (issue 17)
def test_the_working_directory_is_never_changed(tmp_path: Path) -> None:
    """Run from a folder that was deleted: the job works and the process stays where it was
    (it used to be left in the scratch folder, so that relative outputs vanished with it)."""
    gone = tmp_path / "gone"
    gone.mkdir()
    cwd = os.getcwd()
    os.chdir(gone)
    gone.rmdir()
    try:
        fresh = PhreeqcBackend()
        fresh.speciate(Brine.from_catalogue("seawater", backend=fresh))
        here = os.readlink("/proc/self/cwd") if sys.platform.startswith("linux") else ""
        assert "brineworks-phreeqc" not in here
        with pytest.raises(FileNotFoundError):
            os.getcwd()
    finally:
        os.chdir(cwd)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread folder on Linux")
def test_phreeqc_runs_in_its_own_folder_on_linux() -> None:
    fresh = PhreeqcBackend()
    assert fresh._worker.isolated
    assert os.getcwd() != fresh._scratch


@pytest.mark.slow
def test_sigterm_removes_the_scratch_folder(tmp_path: Path) -> None:
    """The CLI turns SIGTERM into an orderly exit (143): the PHREEQC scratch folder goes."""
    script = (
        "import sys; from brineworks.cli import main; "
        "sys.argv = ['brineworks', 'evaporate', 'seawater', '--until', 'phase:Bischofite']; main()"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    for _ in range(600):
        if list(tmp_path.glob("brineworks-phreeqc-*")):
            break
        time.sleep(0.05)
    assert list(tmp_path.glob("brineworks-phreeqc-*"))
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143
    assert b"Traceback" not in err
    assert list(tmp_path.glob("brineworks-phreeqc-*")) == []
