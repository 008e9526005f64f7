"""Evaporation paths: sequence, stop conditions, validity, exact element bookkeeping."""

from __future__ import annotations

import pytest

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine, catalogue
from brineworks.chemistry.evaporation import (
    EvaporationPath,
    StopCondition,
    candidate_phases,
    evaporate,
    parse_stop,
    suppressed_phases,
)
from brineworks.errors import InputError

TO_BISCHOFITE = StopCondition("phase", target="Bischofite")


@pytest.fixture(scope="module")
def seawater_path(backend: ThermoBackend) -> EvaporationPath:
    brine = Brine.from_catalogue("seawater", backend=backend)
    return evaporate(brine, backend=backend, until=TO_BISCHOFITE, locate_tolerance=1e-4)


def test_seawater_follows_the_classic_sequence(seawater_path: EvaporationPath) -> None:
    order = list(seawater_path.appearance)
    # calcium sulfate, then halite, then Mg sulfates / K-Mg double salts, then carnallite,
    # then bischofite (Usiglio 1849; Harvie et al. 1980; McCaffrey et al. 1987)
    assert order[0] == "Gypsum"
    assert order.index("Halite") < order.index("Epsomite") < order.index("Carnallite")
    assert order[-1] == "Bischofite"
    assert seawater_path.stop_reason == "reached Bischofite saturation"


def test_seawater_onsets_compared_with_published(seawater_path: EvaporationPath) -> None:
    """Gypsum at about 4x and halite at about 10x seawater (Zimmermann & Wehebrink 1996,
    Inagua saltworks brines; McCaffrey et al. 1987 give 3.8x and 10.6x, not read in the
    original). Brineworks at 25 °C: gypsum at 3.4x, halite at 10.9x."""
    cf = {p: 1.0 / (1.0 - f) for p, f in seawater_path.appearance.items()}
    assert cf["Gypsum"] == pytest.approx(3.8, rel=0.15)
    assert cf["Halite"] == pytest.approx(10.6, rel=0.05)


def test_every_element_closes_to_1e9(seawater_path: EvaporationPath) -> None:
    for el, err in seawater_path.balance_error().items():
        assert abs(err) < 1e-9, el


def test_distribution_sums_to_one(seawater_path: EvaporationPath) -> None:
    for el, shares in seawater_path.element_distribution().items():
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-9), el
    assert seawater_path.element_distribution()["Na"]["Halite"] > 0.9


def test_step_records(seawater_path: EvaporationPath) -> None:
    steps = seawater_path.steps
    assert steps[0].water_removed == 0.0
    removed = [s.water_removed for s in steps]
    assert removed == sorted(removed)
    cumulative_halite = [s.solids_cumulative["Halite"] for s in steps]
    assert cumulative_halite == sorted(cumulative_halite)
    assert sum(s.solids_step["Halite"] for s in steps) == pytest.approx(cumulative_halite[-1])
    assert steps[-1].solids_cumulative_mass["Halite"] == pytest.approx(
        cumulative_halite[-1] * 0.05844, rel=1e-3
    )
    df = seawater_path.to_dataframe()
    assert len(df) == len(steps)
    assert {"water_removed", "density_kg_m3", "molality_Mg", "g_L_Mg", "step_mol_Halite"} <= set(df)
    mass = seawater_path.solids_mass()
    assert mass["Halite"] == pytest.approx(
        seawater_path.solids_total()["Halite"] * 0.05844, rel=1e-3
    )


_FAST = {"seawater", "qarhan", "east-taijinar", "salar-de-atacama", "salton-sea", "dead-sea"}
"""One brine of each type in the fast suite (marine, chloride, sulfate, Andean, Ca-Cl); every
brine of the catalogue in the slow one."""


@pytest.mark.parametrize(
    "entry",
    [pytest.param(e, marks=() if e.slug in _FAST else pytest.mark.slow) for e in catalogue()],
    ids=lambda e: e.slug,
)
def test_every_catalogue_brine_reaches_bischofite_or_states_why(
    entry, backend: ThermoBackend
) -> None:
    path = evaporate(entry.brine(backend=backend), backend=backend, until=TO_BISCHOFITE)
    assert path.stop_reason
    if path.stop_reason != "reached Bischofite saturation":
        # Ca-rich (CaCl2) brines pass the validated ionic strength before bischofite.
        assert "ionic strength" in path.stop_reason
        assert path.final.ionic_strength <= 25.0
    for el, err in path.balance_error().items():
        assert abs(err) < 1e-9, (entry.slug, el)


def test_stop_conditions(backend: ThermoBackend) -> None:
    brine = Brine.from_catalogue("east-taijinar", backend=backend)
    half = evaporate(brine, backend=backend, until=StopCondition("water", 0.5))
    assert half.final.water_removed == pytest.approx(0.5, abs=1e-12)
    dense = evaporate(brine, backend=backend, until=StopCondition("density", 1250.0))
    assert dense.final.density >= 1250.0
    assert dense.steps[-2].density < 1250.0
    li = evaporate(brine, backend=backend, until=StopCondition("concentration", 0.5, "Li"))
    assert li.final.concentration["Li"] >= 0.5
    with pytest.raises(InputError, match="one of the candidate solids"):
        evaporate(brine, backend=backend, until=StopCondition("phase", target="Unobtainium"))


def test_appearance_is_located(backend: ThermoBackend) -> None:
    brine = Brine.from_catalogue("east-taijinar", backend=backend)
    path = evaporate(brine, backend=backend, until=StopCondition("phase", target="Carnallite"))
    f = path.appearance["Carnallite"]
    before = [s for s in path.steps if s.water_removed < f][-1]
    assert f - before.water_removed <= 1e-3 + 1e-12
    assert before.saturation_index["Carnallite"] < 0


def test_equilibrium_mode_keeps_solids_and_closes(backend: ThermoBackend) -> None:
    brine = Brine.from_catalogue("east-taijinar", backend=backend)
    path = evaporate(brine, backend=backend, mode="equilibrium", until=StopCondition("water", 0.95))
    assert path.final.solids_present["Halite"] > 0
    for err in path.balance_error().values():
        assert abs(err) < 1e-9
    # In equilibrium mode sylvite that formed earlier can be consumed by carnallite later.
    assert any(v < 0 for s in path.steps for v in s.solids_step.values())


def test_parse_stop() -> None:
    assert parse_stop("water:0.9") == StopCondition("water", 0.9)
    assert parse_stop("phase:Carnallite") == StopCondition("phase", target="Carnallite")
    assert parse_stop("density:1.3").value == pytest.approx(1300.0)
    assert parse_stop("conc:Li:6") == StopCondition("concentration", 6.0, "Li")
    assert parse_stop("end").kind == "end"
    for bad in ("water:2", "phase:", "density:x", "lithium", "conc:Li"):
        with pytest.raises(InputError, match="--until"):
            parse_stop(bad)


def test_default_candidates_leave_out_suppressed_phases(backend: ThermoBackend) -> None:
    brine = Brine.from_catalogue("seawater", backend=backend)
    cands = candidate_phases(brine, backend)
    assert "Gypsum" in cands
    assert "Goergeyite" not in cands
    assert "Goergeyite" in suppressed_phases()


def test_bad_mode(backend: ThermoBackend) -> None:
    brine = Brine.from_catalogue("seawater", backend=backend)
    with pytest.raises(InputError, match="mode"):
        evaporate(brine, backend=backend, mode="sideways")  # type: ignore[arg-type]


def test_imbalanced_start_is_balanced_not_lost(backend: ThermoBackend) -> None:
    brine = Brine.from_amounts({"Na": 5.0, "K": 0.5, "Cl": 5.3}, "mol/kgw")
    path = evaporate(brine, backend=backend, until=StopCondition("water", 0.5))
    assert any("balanced on Cl" in n for n in path.brine.notes)
    assert path.initial["Cl"] == pytest.approx(5.5)
    assert abs(path.balance_error()["Cl"]) < 1e-9


# ---------------------------------------------------------------------- hardening (issue 17)
NACL_2M = Brine(molality={"Na": 2.0, "Cl": 2.0}, name="2 m NaCl")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("density:-5", "density:G_CM3 above 0.9"),
        ("density:0", "density:G_CM3 above 0.9"),
        ("density:2.5", "at most 2"),
        ("density:nan", "a finite number"),
        ("density:inf", "a finite number"),
        ("water:nan", "a finite number"),
        ("water:1", r"water:F \(0-1\)"),
        ("conc:Xx:5", "an element of Li, Na"),
        ("conc:SO4:5", "S for sulfate"),
        ("conc:Li:-1", "a concentration > 0"),
        ("conc:Li:nan", "a finite number"),
        ("phase:", r"phase:NAME"),
        ("sometime", "water:F"),
    ],
)
def test_stop_conditions_are_parsed_strictly(text: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        parse_stop(text)


@pytest.mark.parametrize(
    ("condition", "match"),
    [
        (("density", float("nan")), "density"),
        (("water", 1.5), "0 < F < 1"),
        (("concentration", 5.0, "Xx"), "an element of"),
        (("concentration", float("nan"), "Li"), "a concentration > 0"),
        (("boiling",), "one of water, phase"),
    ],
)
def test_stop_conditions_built_directly_are_checked(
    condition: tuple[object, ...], match: str
) -> None:
    with pytest.raises(InputError, match=match):
        StopCondition(*condition)  # type: ignore[arg-type]


def test_stop_conditions_are_checked_against_the_brine_first(backend: ThermoBackend) -> None:
    """What the path could only "reach" at 0 % evaporated, or never, is refused before it
    starts (it used to be reported as reached, or run to dryness, with exit status 0)."""
    with pytest.raises(InputError, match=r"a density above that of 2 m NaCl at the start"):
        evaporate(NACL_2M, backend=backend, phases=["Halite"], until=parse_stop("density:1.01"))
    with pytest.raises(InputError, match="an element of the brine: Na, Cl"):
        evaporate(NACL_2M, backend=backend, phases=["Halite"], until=parse_stop("conc:Li:5"))
    with pytest.raises(InputError, match=r"a Na concentration above that of 2 m NaCl"):
        evaporate(NACL_2M, backend=backend, phases=["Halite"], until=parse_stop("conc:Na:10"))
    with pytest.raises(InputError, match="max_water_removed"):
        evaporate(NACL_2M, backend=backend, phases=["Halite"], until=parse_stop("water:0.9999"))


def test_an_unreachable_stop_is_flagged(backend: ThermoBackend) -> None:
    path = evaporate(NACL_2M, backend=backend, phases=["Halite"], until=parse_stop("density:1.6"))
    assert not path.reached
    assert path.to_dict()["reached"] is False
    with pytest.raises(InputError, match=r"a condition 2 m NaCl reaches: its path stopped"):
        path.require_reached()
    ok = evaporate(NACL_2M, backend=backend, phases=["Halite"], until="phase:Halite")
    assert ok.reached
    ok.require_reached()


@pytest.mark.parametrize(
    ("setting", "match"),
    [
        ({"locate_tolerance": 0.0}, "locate_tolerance: got 0.0"),
        ({"min_step": 0.0}, "min_step: got 0.0"),
        ({"min_step": float("nan")}, "min_step"),
        ({"max_step": 0.0}, "max_step"),
        ({"max_step": 1e-6}, "max_step"),
        ({"max_concentration": 0.0}, "max_concentration"),
        ({"max_water_removed": 1.0}, "max_water_removed"),
        ({"min_step": 0.1, "max_step": 0.05}, "min_step"),
        ({"phases": "Halite"}, "a list of phase names"),
        ({"until": 3}, "a StopCondition"),
        ({"mode": "fast"}, "mode"),
    ],
)
def test_settings_that_would_loop_or_mislead(
    backend: ThermoBackend, setting: dict[str, object], match: str
) -> None:
    """locate_tolerance=0 and min_step=0 used to loop forever."""
    with pytest.raises(InputError, match=match):
        evaporate(NACL_2M, backend=backend, **setting)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [None, {"Na": 1.0, "Cl": 1.0}, "seawater"])
def test_evaporate_needs_a_brine(value: object, backend: ThermoBackend) -> None:
    with pytest.raises(InputError, match="brine: got"):
        evaporate(value, backend=backend)  # type: ignore[arg-type]


class _Counting:
    """A backend that counts its equilibria (everything else passed through)."""

    def __init__(self, backend: ThermoBackend) -> None:
        self.backend = backend
        self.calls = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.backend, name)

    def equilibrate(self, *args: object, **kwargs: object) -> object:
        self.calls += 1
        return self.backend.equilibrate(*args, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "mode"), [("qarhan", "fractional"), ("qarhan", "equilibrium")])
def test_predicted_brackets_draw_the_plain_bisection_path(
    backend: ThermoBackend, monkeypatch: pytest.MonkeyPatch, name: str, mode: str
) -> None:
    """Each appearance's bracket is predicted and checked; the path is the one plain bisection
    draws, state by state, with fewer equilibria."""
    import brineworks.chemistry.evaporation as evaporation

    brine = Brine.from_catalogue(name, backend=backend)
    paths, calls = [], []
    for predictions in (evaporation._PREDICTIONS, 0):
        monkeypatch.setattr(evaporation, "_PREDICTIONS", predictions)
        evaporation.clear_path_cache()
        counting = _Counting(backend)
        paths.append(evaporate(brine, backend=counting, mode=mode, until=TO_BISCHOFITE))  # type: ignore[arg-type]
        calls.append(counting.calls)
    predicted, plain = paths
    assert [s.water_removed for s in predicted.steps] == [s.water_removed for s in plain.steps]
    for a, b in zip(predicted.steps, plain.steps, strict=True):
        assert a.liquid == b.liquid
        assert a.solids_cumulative == b.solids_cumulative
    assert predicted.appearance == plain.appearance
    assert len(plain.appearance) >= 3
    assert calls[0] < calls[1] * 0.85


def test_a_path_skipping_its_full_steps_ends_where_the_full_path_ends(
    backend: ThermoBackend,
) -> None:
    """In equilibrium mode the end state does not depend on the steps to it: jumped over, the
    full steps leave the end within the solver's precision, in far fewer equilibria."""
    import brineworks.chemistry.evaporation as evaporation

    # a lithium liquor saturated with gypsum from the start, evaporated 84 % to 2 g/L Li
    brine = Brine(
        molality={"Li": 0.05, "Na": 0.5, "Ca": 0.05, "Cl": 0.55, "SO4": 0.05}, name="liquor"
    )
    until = parse_stop("conc:Li:2")
    ends, calls = [], []
    for full in (True, False):
        evaporation.clear_path_cache()
        counting = _Counting(backend)
        path = evaporate(brine, backend=counting, mode="equilibrium", until=until, full=full)  # type: ignore[arg-type]
        ends.append(path)
        calls.append(counting.calls)
    whole, short = ends
    assert short.stop_reason == whole.stop_reason == "reached Li at 2 g/L"
    assert short.final.water_removed == pytest.approx(whole.final.water_removed, rel=1e-9)
    assert short.final.liquid == pytest.approx(whole.final.liquid, rel=1e-9)
    present = {k: v for k, v in whole.final.solids_present.items() if v > 0}
    assert set(present) == {k for k, v in short.final.solids_present.items() if v > 0} == {"Gypsum"}
    for phase, n in present.items():
        assert short.final.solids_present[phase] == pytest.approx(n, rel=1e-8)
    assert len(short.steps) < len(whole.steps) / 2
    assert calls[1] < calls[0] / 2
    for el, err in short.balance_error().items():
        assert abs(err) < 1e-9, el


def test_a_path_is_solved_once_for_the_same_inputs(backend: ThermoBackend) -> None:
    """Paths are kept by their exact inputs: the same brine and settings give the same
    (immutable) path without a solve; another stop condition is solved afresh."""
    import brineworks.chemistry.evaporation as evaporation

    evaporation.clear_path_cache()
    brine = Brine.from_catalogue("seawater", backend=backend)
    counting = _Counting(backend)
    first = evaporate(brine, backend=counting, until="water:0.5")  # type: ignore[arg-type]
    solved = counting.calls
    assert evaporate(brine, backend=counting, until="water:0.5") is first  # type: ignore[arg-type]
    assert counting.calls == solved
    other = evaporate(brine, backend=counting, until="water:0.6")  # type: ignore[arg-type]
    assert counting.calls > solved
    assert other.final.water_removed == pytest.approx(0.6)
    evaporation.clear_path_cache()
    again = evaporate(brine, backend=counting, until="water:0.5")  # type: ignore[arg-type]
    assert again is not first
    assert again.final.liquid == first.final.liquid
