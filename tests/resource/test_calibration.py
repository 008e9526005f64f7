"""The model against history: why the Mahai grade fell, and QSL's pumping schedule."""

from __future__ import annotations

import itertools

import pytest

from brineworks.chemistry.backend import ThermoBackend
from brineworks.errors import InputError
from brineworks.resource.calibration import fit_mahai, qsl_pumping_schedule, run_mahai


def test_pumping_alone_leaves_the_grade_of_a_well_mixed_field(backend: ThermoBackend) -> None:
    """Pumping removes brine of the field's own composition: the level falls, the KCl grade
    does not. The Mahai fall (2.7 to 1.23 %) needs water drawn in."""
    r = run_mahai(1.0e7, 0.0, backend, years=3)
    rows = r.zone_rows("mahai")
    assert rows[-1].level_m < -1.0
    assert rows[-1].kcl_wt_percent() == pytest.approx(rows[0].kcl_wt_percent(), rel=1e-9)


def test_more_fresh_inflow_dilutes_more(backend: ThermoBackend) -> None:
    ends = [run_mahai(1.0e7, c, backend, years=3).zone_rows("mahai")[-1] for c in (2e6, 8e6)]
    assert ends[1].kcl_wt_percent() < ends[0].kcl_wt_percent()
    assert ends[1].level_m > ends[0].level_m


def test_qsl_schedule_follows_the_production_points() -> None:
    s = qsl_pumping_schedule(0.011)
    assert s[2007] == pytest.approx(2.0e6 / 0.011)
    assert s[2024] == pytest.approx(4.96e6 / 0.011)
    years = sorted(s)
    assert years[0] == 2001
    assert all(s[a] <= s[b] for a, b in itertools.pairwise(years))
    with pytest.raises(InputError):
        qsl_pumping_schedule(0.0)


@pytest.mark.slow
def test_mahai_history_is_reproduced_by_pumping_and_fresh_inflow(backend: ThermoBackend) -> None:
    fit = fit_mahai(backend)
    assert fit.kcl_end == pytest.approx(1.23, rel=1e-3)
    assert fit.level_change_m == pytest.approx(-2.0, rel=1e-3)
    assert fit.kcl_start == pytest.approx(2.7, rel=0.02)
    assert fit.pumping_m3_per_yr > 0
    assert fit.induced_m3_per_yr_per_m > 0
    assert fit.result.max_relative_imbalance() < 1e-9
