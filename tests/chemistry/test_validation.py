"""Brineworks chemistry against published experiments (data/validation/solubility.csv).

Targets (issue 2): single salts within 2 % at 0-100 °C; invariant points within 5 % per
component; lithium salts within 5 %. Multi-salt solubility curves are held to 5 %.
Points that miss their target are listed in KNOWN_MISSES with the error measured when the
database was built and the reason; the test fails if such an error changes by more than
0.5 percentage points (better or worse), so every change to the chemistry shows here.
"""

from __future__ import annotations

import math

import pytest

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.validation import (
    ValidationResult,
    load_points,
    run_validation,
    summarise,
    target_for,
    to_markdown,
)

MIRABILITE = "pitzer.dat mirabilite log K(T) and Na2SO4 binaries; the data file carries no citation"
CARNALLITE = (
    "carnallite curves: near the bischofite and sylvite ends the K content is a small difference "
    "of large terms, so SI errors of 0.02-0.07 become large relative K errors"
)
KNOWN_MISSES: dict[tuple[str, str], tuple[float, str]] = {
    ("Na2SO4-0", "Na2SO4"): (-0.0272, MIRABILITE),
    ("Na2SO4-5", "Na2SO4"): (+0.0201, MIRABILITE),
    ("Na2SO4-10", "Na2SO4"): (+0.0590, MIRABILITE),
    ("Na2SO4-15", "Na2SO4"): (+0.0330, MIRABILITE),
    ("Na2SO4-20", "Na2SO4"): (+0.0313, MIRABILITE),
    ("Na2SO4-30", "Na2SO4"): (-0.0450, MIRABILITE),
    ("Carn-0-00", "KCl"): (-0.6164, CARNALLITE),
    ("Carn-35-03", "KCl"): (-0.2601, CARNALLITE),
    ("Carn-35-05", "KCl"): (+0.1671, CARNALLITE),
    ("Carn-35-06", "KCl"): (+0.0683, CARNALLITE),
    ("Carn-75-07", "KCl"): (-0.1542, CARNALLITE),
    ("Carn-75-08", "KCl"): (-0.0750, CARNALLITE),
    ("Carn-75-10", "KCl"): (+0.0672, CARNALLITE),
    ("Carn-75-12", "KCl"): (+0.0617, CARNALLITE),
    ("NaCl-MgCl2-10", "NaCl"): (
        -0.1135,
        "0.08 mol/kg NaCl in saturated MgCl2 hangs on theta/psi(Na,Mg,Cl) of pitzer.dat",
    ),
}


@pytest.fixture(scope="module")
def results(backend: ThermoBackend) -> list[ValidationResult]:
    return run_validation(backend)


def _ids(results: list[ValidationResult]) -> list[str]:
    return [f"{r.point.case_id}:{r.salt}" for r in results]


def test_data_file_shape() -> None:
    points = load_points()
    assert len(points) == 131
    assert all(p.source and p.status in {"R", "R-weak", "L"} for p in points)
    assert {p.kind for p in points} == {"single", "curve", "invariant"}
    assert sum(sum(p.measured.values()) for p in points) == pytest.approx(349.8456, abs=1e-4)


def test_every_point_meets_target_or_is_a_recorded_miss(results: list[ValidationResult]) -> None:
    unexpected = []
    for r in results:
        key = (r.point.case_id, r.salt)
        assert math.isfinite(r.computed), f"{key}: {r.error_message}"
        if key in KNOWN_MISSES:
            recorded, reason = KNOWN_MISSES[key]
            assert reason
            assert r.rel_error == pytest.approx(recorded, abs=0.005), key
            assert not r.ok, f"{key} now meets its target: remove it from KNOWN_MISSES"
        elif not r.ok:
            unexpected.append(f"{key}: {100 * r.rel_error:+.2f} % (target {100 * r.target:g} %)")
    assert not unexpected, "\n".join(unexpected)


def test_targets_follow_the_issue() -> None:
    by_id = {p.case_id: p for p in load_points()}
    assert target_for(by_id["NaCl-25"]) == 0.02
    assert target_for(by_id["Li2CO3-25"]) == 0.05
    assert target_for(by_id["NaCl-KCl-25"]) == 0.05


def test_lithium_carbonate_solubility_falls_with_temperature(
    results: list[ValidationResult],
) -> None:
    li2co3 = sorted(
        (r for r in results if r.point.system == "Li2CO3-H2O"), key=lambda r: r.point.temperature
    )
    values = [r.computed for r in li2co3]
    assert values == sorted(values, reverse=True)
    assert all(abs(r.rel_error) < 0.05 for r in li2co3)


def test_summary_and_markdown(results: list[ValidationResult]) -> None:
    summary = {s.system: s for s in summarise(results)}
    assert summary["NaCl-H2O"].max_abs_error < 0.02
    assert summary["Li2CO3-H2O"].calibration
    assert not summary["CaSO4-NaCl-H2O"].calibration
    text = to_markdown(results, "pitzer.dat+brineworks")
    assert text.count("\n| ") > len(results)
    assert "Marshall" in text
