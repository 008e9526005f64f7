"""The native backend against PHREEQC (reference run and the installed backend) and experiment."""

from __future__ import annotations

import math

import numpy as np
import pytest

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.chemistry.brine import Brine, catalogue
from brineworks.chemistry.database import Database
from brineworks.chemistry.native import NativeBackend
from brineworks.chemistry.validation import load_points, run_validation
from brineworks.errors import InputError, ValidityError
from tests.chemistry.test_pitzer import REFERENCE


@pytest.fixture(scope="module")
def native() -> NativeBackend:
    backend = get_backend("native")
    assert isinstance(backend, NativeBackend)
    return backend


@pytest.fixture(scope="module")
def phreeqc() -> ThermoBackend:
    return get_backend("phreeqc")


def test_implements_the_protocol(native: NativeBackend) -> None:
    assert isinstance(native, ThermoBackend)
    assert native.name == "native"
    assert "Halite" in native.phases
    assert native.phase_formula("Carnallite")["Cl"] == 3


def _reference_brine(solution: int) -> Brine:
    """The pH 6.5 mixed brine of a reference solution, from its element totals."""
    ref = REFERENCE[solution]
    mol = dict(zip(ref.species, ref.molality, strict=True))
    return Brine(
        molality={
            "Li": mol["Li+"],
            "Na": mol["Na+"],
            "K": mol["K+"],
            "Mg": mol["Mg+2"] + mol["MgOH+"],
            "Ca": mol["Ca+2"],
            "Cl": mol["Cl-"],
            "SO4": mol["SO4-2"] + mol["HSO4-"],
        },
        temperature=ref.temperature,
        pH=6.5,
        name=f"reference {solution}",
    )


@pytest.mark.parametrize("solution", [3, 4])
def test_speciation_matches_the_phreeqc_reference_run(solution: int) -> None:
    """Full speciation at pH 6.5 (MacInnes): every species within 1e-8 relative of PHREEQC,
    every ln γ within 1e-8, water activity and density within 1e-9 relative."""
    ref = REFERENCE[solution]
    backend = NativeBackend(Database.brineworks(extension=False))
    brine = _reference_brine(solution)
    state = backend.speciate(brine)
    for sp, m, lng in zip(ref.species, ref.molality, ref.ln_gamma, strict=True):
        assert state.species_molality[sp] == pytest.approx(m, rel=1e-8), sp
        assert math.log(state.activity_coefficient[sp]) == pytest.approx(lng, abs=1e-8), sp
    assert state.water_activity == pytest.approx(ref.water_activity, rel=1e-9)
    assert state.ionic_strength == pytest.approx(ref.ionic_strength, rel=1e-9)
    assert state.density == pytest.approx(ref.density * 1000.0, rel=1e-9)
    assert state.pH == pytest.approx(6.5, abs=1e-10)


def test_speciation_matches_the_phreeqc_backend_on_the_catalogue(
    native: NativeBackend, phreeqc: ThermoBackend
) -> None:
    """All 26 catalogue brines: SI within 2e-5, pH within 1e-6, density within 1e-6 relative
    (the installed IPhreeqc is an older build than the reference run)."""
    brines = [entry.brine() for entry in catalogue()]
    many = native.speciate_many(brines)
    for brine, ours in zip(brines, many, strict=True):
        theirs = phreeqc.speciate(brine)
        assert set(ours.saturation_index) == set(theirs.saturation_index), brine.name
        for phase, si in theirs.saturation_index.items():
            assert ours.saturation_index[phase] == pytest.approx(si, abs=2e-5), (brine.name, phase)
        assert ours.pH == pytest.approx(theirs.pH, abs=1e-6)
        assert ours.density == pytest.approx(theirs.density, rel=1e-6)
        assert ours.water_activity == pytest.approx(theirs.water_activity, rel=1e-7)
        for el, m in theirs.molality.items():
            assert ours.molality[el] == pytest.approx(m, rel=1e-10)


def test_speciate_many_equals_one_at_a_time(native: NativeBackend) -> None:
    rng = np.random.default_rng(7)
    base = Brine.from_catalogue("qarhan")
    brines = [
        Brine(
            molality={k: v * rng.uniform(0.5, 1.5) for k, v in base.molality.items()},
            temperature=283.15 + 10 * k,
            name=f"b{k}",
        )
        for k in range(5)
    ] + [Brine.from_catalogue("seawater")]
    many = native.speciate_many(brines)
    for brine, state in zip(brines, many, strict=True):
        one = native.speciate(brine)
        assert state.pH == pytest.approx(one.pH, abs=1e-9)
        for p, si in one.saturation_index.items():
            assert state.saturation_index[p] == pytest.approx(si, abs=1e-9)


@pytest.mark.parametrize(
    ("phases", "t_c"),
    [
        (["Halite"], 25),
        (["Sylvite"], 50),
        (["Bischofite"], 80),
        (["LiCl_H2O"], 25),
        (["Zabuyelite"], 80),
        (["Mirabilite"], 10),
        (["Halite", "Sylvite", "Carnallite"], 25),
        (["Carnallite", "Bischofite", "Halite"], 25),
        (["Halite", "Gypsum"], 25),
        (["Halite", "Glaserite", "Arcanite"], 25),
    ],
)
def test_saturate_matches_phreeqc(
    native: NativeBackend, phreeqc: ThermoBackend, phases: list[str], t_c: float
) -> None:
    ours = native.saturate(phases, t_c + 273.15)
    theirs = phreeqc.saturate(phases, t_c + 273.15)
    assert ours.present == theirs.present
    for el, m in theirs.solution.molality.items():
        assert ours.solution.molality[el] == pytest.approx(m, rel=5e-4), el
    for p in ours.present:
        assert abs(ours.solution.saturation_index[p]) < 1e-9


def test_equilibrate_with_reagent_conserves_and_matches(
    native: NativeBackend, phreeqc: ThermoBackend
) -> None:
    brine = Brine(molality={"Mg": 2.0, "Na": 1.0, "Cl": 5.0}, temperature=298.15, name="Mg brine")
    ours = native.equilibrate(brine, ["Brucite", "Halite"], added={"NaOH": 1.0})
    theirs = phreeqc.equilibrate(brine, ["Brucite", "Halite"], added={"NaOH": 1.0})
    assert ours.present == theirs.present == ("Brucite",)
    assert ours.solids["Brucite"] == pytest.approx(theirs.solids["Brucite"], rel=1e-4)
    assert ours.solution.molality["Mg"] == pytest.approx(theirs.solution.molality["Mg"], rel=1e-4)
    # element balance (water changes with hydrates only; Brucite is anhydrous)
    mg_out = ours.solution.molality["Mg"] * ours.solution.mass_water + ours.solids["Brucite"]
    assert mg_out == pytest.approx(2.0, rel=1e-10)
    na_out = ours.solution.molality["Na"] * ours.solution.mass_water
    assert na_out == pytest.approx(2.0, rel=1e-10)


def test_equilibrate_hydrate_takes_water(native: NativeBackend, phreeqc: ThermoBackend) -> None:
    """An old brine: carnallite and halite precipitate, carnallite takes its water of hydration;
    amounts within 2e-5 mol of PHREEQC (which weighs its water with 18.016 g/mol, not 18.0153),
    every element conserved to 1e-10."""
    totals = {"K": 1.0, "Mg": 5.0, "Na": 0.3, "Cl": 11.3}
    brine = Brine(molality=totals, temperature=298.15, name="old brine")
    candidates = ["Carnallite", "Halite", "Sylvite", "Bischofite"]
    eq = native.equilibrate(brine, candidates)
    ref = phreeqc.equilibrate(brine, candidates)
    assert eq.present == ref.present == ("Carnallite", "Halite")
    for p in eq.present:
        assert eq.solids[p] == pytest.approx(ref.solids[p], abs=2e-5)
    water = eq.solution.mass_water
    assert water == pytest.approx(1.0 - 6 * eq.solids["Carnallite"] / 55.50837, rel=1e-12)
    for el, total in totals.items():
        dissolved = eq.solution.molality[el] * water
        solid = sum(eq.solids[p] * native.phase_formula(p).get(el, 0.0) for p in eq.candidates)
        assert dissolved + solid == pytest.approx(total, rel=1e-10), el


@pytest.mark.parametrize(
    "every", [pytest.param(1, marks=pytest.mark.slow, id="all"), pytest.param(9, id="a ninth")]
)
def test_validation_agrees_with_phreeqc(
    native: NativeBackend, phreeqc: ThermoBackend, every: int
) -> None:
    """On the single-salt (CRC table included: sulfates, carbonates, borax) and lithium
    validation points both backends give the same answer (within 0.1 %; measured 5e-5), so the
    native backend inherits the measured accuracy of docs/validation.md (every point in the
    slow suite, every ninth in the fast one)."""
    wanted = {"NaCl-H2O", "KCl-H2O", "MgCl2-H2O", "LiCl-H2O", "Li2SO4-H2O", "Li2CO3-H2O",
              "NaCl-KCl-H2O", "LiCl-KCl-H2O", "H3BO3-H2O", "Li2SO4-K2SO4-H2O"}  # fmt: skip
    points = [p for p in load_points() if p.system in wanted or "(CRC 2017)" in p.system]
    points = points[::every]
    ours = run_validation(native, points)
    theirs = run_validation(phreeqc, points)
    compared = 0
    for a, b in zip(ours, theirs, strict=True):
        if math.isfinite(b.computed):
            assert math.isfinite(a.computed), a.point.case_id
            assert a.computed == pytest.approx(b.computed, rel=1e-3), a.point.case_id
            compared += 1
    assert compared >= 200 // every


def test_bad_input_is_named(native: NativeBackend) -> None:
    with pytest.raises(InputError, match="phase"):
        native.saturate(["Halit"], 298.15)
    with pytest.raises(InputError, match="temperature"):
        native.saturate(["Halite"], 400.0)
    with pytest.raises(InputError, match="added"):
        native.equilibrate(Brine.from_catalogue("seawater"), ["Halite"], added={"Xx2": 1.0})
    with pytest.raises(InputError, match="phase"):
        native.saturate(["Quartz"], 298.15)  # silica is outside the native species


def test_states_beyond_the_database_raise(native: NativeBackend) -> None:
    brine = Brine(molality={"Li": 30.0, "Cl": 30.0}, temperature=298.15, name="too strong")
    with pytest.raises(ValidityError, match="ionic strength"):
        native.speciate(brine)


def test_seawater_evaporation_path_matches_phreeqc(
    native: NativeBackend, phreeqc: ThermoBackend
) -> None:
    """The whole seawater path to bischofite: the same solids in the same order, each first
    appearing at the same fraction of water removed (within 1e-4)."""
    from brineworks.chemistry.evaporation import StopCondition, evaporate

    brine = Brine.from_catalogue("seawater")
    until = StopCondition("phase", target="Bischofite")

    def first_appearance(backend: ThermoBackend) -> dict[str, float]:
        path = evaporate(brine, backend=backend, until=until)
        assert path.stop_reason == "reached Bischofite saturation"
        out: dict[str, float] = {}
        for step in path.steps:
            for phase, amount in step.solids_step.items():
                if amount > 0 and phase not in out:
                    out[phase] = step.water_removed
        return out

    ours = first_appearance(native)
    theirs = first_appearance(phreeqc)
    assert list(ours) == list(theirs)
    for phase, f in theirs.items():
        assert ours[phase] == pytest.approx(f, abs=1e-4), phase


def test_equilibrate_many_matches_phreeqc_brine_by_brine(
    native: NativeBackend, phreeqc: ThermoBackend
) -> None:
    """Concentrated Qarhan brines (×1.8–2.6, 15–45 °C) with the potash solids: one batch gives
    the same assemblage as PHREEQC for every brine, amounts within 1e-3 relative."""
    rng = np.random.default_rng(11)
    base = Brine.from_catalogue("qarhan")
    brines = [
        Brine(
            molality={k: v * rng.uniform(1.8, 2.6) for k, v in base.molality.items()},
            temperature=288.15 + rng.uniform(0.0, 30.0),
            name=f"concentrate {k}",
        )
        for k in range(12)
    ]
    candidates = ["Halite", "Sylvite", "Carnallite", "Bischofite", "Kainite", "Epsomite"]
    many = native.equilibrate_many(brines, candidates)
    assemblages = set()
    for brine, ours in zip(brines, many, strict=True):
        theirs = phreeqc.equilibrate(brine, candidates)
        assert ours.present == theirs.present, brine.name
        assemblages.add(ours.present)
        for p in ours.present:
            assert ours.solids[p] == pytest.approx(theirs.solids[p], rel=1e-3, abs=1e-6)
        one = native.equilibrate(brine, candidates)
        for p in candidates:
            assert one.solids[p] == pytest.approx(ours.solids[p], rel=1e-9, abs=1e-12)
    assert len(assemblages) >= 2  # the batch mixes brines with different solids present


def test_backends_come_from_the_registry() -> None:
    from brineworks import available_backends

    assert get_backend().name == "phreeqc"  # the default, with nothing ambient to change it
    assert get_backend("native").name == "native"
    assert get_backend("native") is get_backend("native")  # one instance per name
    assert set(available_backends()) >= {"phreeqc", "native"}
    with pytest.raises(InputError, match="backend: got 'nativ'"):
        get_backend("nativ")


def test_macinnes_off_matches_the_phreeqc_reference_run() -> None:
    """A database saying ``-MacInnes false`` gives PHREEQC's unscaled speciation (solution 6 of
    the reference run: the pH 6.5 brine of solution 3 without the MacInnes convention)."""
    from brineworks.chemistry.database import with_extension

    base = Database.brineworks(extension=False).text
    backend = NativeBackend(Database(with_extension(base, "PITZER\n -MacInnes false\n"), "no-mac"))
    ref = REFERENCE[6]
    brine = _reference_brine(6)
    state = backend.speciate(brine)
    for sp, m, lng in zip(ref.species, ref.molality, ref.ln_gamma, strict=True):
        assert state.species_molality[sp] == pytest.approx(m, rel=1e-8), sp
        assert math.log(state.activity_coefficient[sp]) == pytest.approx(lng, abs=1e-8), sp


def test_neutral_composition_is_the_neutral_salt_brine(native: NativeBackend) -> None:
    """The batch path's composition (no Brine built) equals the neutral-salt convention's brine:
    molalities, pH and notes, for analysed, imbalanced, exact and pH-given brines."""
    base = Brine.from_catalogue("qarhan")
    brines = [entry.brine() for entry in catalogue()] + [
        Brine(molality={**base.molality, "Cl": base.molality["Cl"] * 1.2}, name="anion-rich"),
        Brine(molality={**base.molality, "Na": base.molality["Na"] * 1.3}, name="cation-rich"),
        Brine(molality={"Na": 1.0, "Cl": 0.5, "SO4": 0.4}, name="sulfate dominant"),
        Brine(molality={"Na": 1.0, "Cl": 0.7}, name="exact", exact=True),
        Brine(molality={"Na": 1.0, "Cl": 0.9}, pH=6.0, name="with pH"),
    ]
    for brine in brines:
        as_brine, notes = native._neutral_salt(brine)
        molality, ph, fast_notes = native._neutral_composition(brine)
        assert dict(molality) == as_brine.molality, brine.name
        assert ph == as_brine.pH
        assert fast_notes == notes, brine.name
    with pytest.raises(InputError, match="anion"):
        native._neutral_composition(Brine(molality={"Na": 1.0}, name="no anion"))
    with pytest.raises(InputError, match="anion"):
        native._neutral_salt(Brine(molality={"Na": 1.0}, name="no anion"))


def test_batch_warm_starts_agree_with_cold_starts(native: NativeBackend) -> None:
    """speciate_many starts a brine from its neighbour's solution: 40 Qarhan-like brines in
    one batch equal the same brines solved one by one (from the ideal start) to 1e-9."""
    rng = np.random.default_rng(5)
    base = Brine.from_catalogue("qarhan")
    brines = [
        Brine(
            molality={k: v * rng.uniform(0.7, 1.3) for k, v in base.molality.items()},
            temperature=288.15 + rng.uniform(0.0, 30.0),
            name=f"w{k}",
        )
        for k in range(40)
    ]
    many = native.speciate_many(brines)
    for brine, state in zip(brines, many, strict=True):
        one = native.speciate(brine)
        assert state.pH == pytest.approx(one.pH, abs=1e-9)
        for sp, m in one.species_molality.items():
            assert state.species_molality[sp] == pytest.approx(m, rel=1e-9), sp
        for p, si in one.saturation_index.items():
            assert state.saturation_index[p] == pytest.approx(si, abs=1e-9)


def _varied_brines() -> list[Brine]:
    """Qarhan-like brines read every way a batch can: imbalanced (balanced on Cl), with a pH,
    computed (exact), with notes, without sulfate and boron, with a zero solute."""
    rng = np.random.default_rng(11)
    base = Brine.from_catalogue("qarhan")
    out = []
    for k in range(24):
        molality = {key: v * rng.uniform(0.7, 1.3) for key, v in base.molality.items()}
        extra: dict[str, object] = {}
        if k % 6 == 1:
            extra["pH"] = 6.5
        elif k % 6 == 2:
            extra["exact"] = True
        elif k % 6 == 3:
            del molality["SO4"], molality["B"]
        elif k % 6 == 4:
            molality["Li"] = 0.0
        elif k % 6 == 5:
            extra["notes"] = ("read from a test",)
        out.append(
            Brine(molality=molality, temperature=288.15 + k, name=f"v{k}", **extra)  # type: ignore[arg-type]
        )
    return out


def test_batch_reading_gives_the_one_by_one_results_exactly(
    native: NativeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Brines read as arrays (``_batch_solutes``) give the results of brines read one by one
    (``_prepare``), to the last bit: totals, notes, pH convention and every field."""
    import brineworks.chemistry.native as module

    brines = _varied_brines()
    batch = native.speciate_many(brines)
    assert any("carried on Cl" in note for r in batch for note in r.notes)
    assert batch[2].notes == ("pH from electroneutrality (neutral-salt convention)",)
    assert batch[1].notes == ()
    assert batch[5].notes[0] == "read from a test"
    assert "Li" not in batch[4].molality
    assert "S" not in batch[3].molality
    monkeypatch.setattr(module, "_batch_solutes", lambda *args: False)
    for ours, one_by_one in zip(batch, native.speciate_many(brines), strict=True):
        assert ours == one_by_one


def test_batch_raises_the_one_brine_errors(native: NativeBackend) -> None:
    """An analysis the neutral-salt convention cannot balance fails in a batch as alone."""
    good = Brine.from_catalogue("qarhan")
    no_anion = Brine(molality={"Na": 1.0}, name="no anion")
    too_short = Brine(molality={"Na": 0.1, "Cl": 1.0, "SO4": 0.9}, name="too short")
    for bad, field in ((no_anion, "brine"), (too_short, "balance_on")):
        with pytest.raises(InputError) as alone:
            native.speciate(bad)
        with pytest.raises(InputError) as batch:
            native.speciate_many([good, bad, good])
        assert alone.value.field == field
        assert str(batch.value) == str(alone.value)


def test_batch_results_build_their_dicts_on_use(native: NativeBackend) -> None:
    """Results of a batch carry their scalars; the dicts come from the batch's arrays when
    first read, equal to a one-brine call's, and a pickle carries them all."""
    import pickle

    brines = _varied_brines()
    batch = native.speciate_many(brines)
    assert "saturation_index" not in vars(batch[7])
    again = pickle.loads(pickle.dumps(batch[7]))
    assert "saturation_index" in vars(batch[7])
    assert again == batch[7]
    one = native.speciate(brines[7])  # alone: the same solution, to rounding
    assert set(again.saturation_index) == set(one.saturation_index)
    for phase, si in one.saturation_index.items():
        assert again.saturation_index[phase] == pytest.approx(si, abs=1e-9)
    assert again.species_molality == pytest.approx(one.species_molality, rel=1e-9)


def test_batch_results_read_in_any_order_are_the_same(native: NativeBackend) -> None:
    """A batch's dicts are read row by row for the first results asked, then from the whole
    array at once: 80 results read front to back and back to front are equal."""
    brines = _varied_brines() * 4
    forward = native.speciate_many(brines)
    backward = native.speciate_many(brines)
    backward_dicts = [r.to_dict() for r in reversed(backward)][::-1]
    assert [r.to_dict() for r in forward] == backward_dicts
    assert forward == backward
    for first, again in zip(forward[:24], forward[24:48], strict=True):  # the same brines
        assert again.saturation_index == pytest.approx(first.saturation_index, abs=1e-9)
