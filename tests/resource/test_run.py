"""The lake year by year: conservation, returns, stillness, depletion, the park's schedule and
the outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine
from brineworks.errors import BrineworksError, ChemistryError, InputError
from brineworks.resource import Parcel, ParkYear, simulate_reservoir, write_reservoir_outputs

from .conftest import CurvedPark, ToyPark, toy_spec

_ROW_KEYS = {"year", "zone", "brine_m3", "grade_g_per_l", "stock_t", "solid_t", "pumped_m3",
             "returned_m3", "recharge_m3"}  # fmt: skip


def test_fifty_years_conserve_every_element(backend: ThermoBackend, toy_park: ToyPark) -> None:
    """Pumping, returns, an inflow, evaporation and the conversion for 50 years: brine +
    solids + flows close for every element and for water to 1e-9."""
    spec = toy_spec(
        inflows=[{"name": "river", "zone": "toy", "m3_per_yr": 1.0e4,
                  "m3_per_yr_per_m": 2.0e4, "catalogue": "golmud-river"}],
        conversion={"zone": "toy", "contact": 0.4, "water_m3_per_yr": 5.0e3},
        returns=[{"stream": "old brine", "zone": "toy", "conversion": True}],
    )  # fmt: skip
    zone = spec.zones[0].model_copy(update={"evaporation_m_per_yr": 0.002})
    spec = spec.model_copy(update={"zones": [zone]})
    r = simulate_reservoir(spec, years=50, backend=backend, park=toy_park, every=5,
                           interpolation="hold")  # fmt: skip
    assert r.max_relative_imbalance() < 1e-9
    assert set(r.balance) >= {"K", "Mg", "Na", "Cl", "Li", "B", "S", "H2O"}
    assert r.balance["H2O"].inflow > 0
    assert r.balance["H2O"].outflow > 0
    # the ore did dissolve, and the books know it
    last = r.zone_rows("toy")[-1]
    first = r.zone_rows("toy")[0]
    assert last.solids_t.get("Carnallite", 0.0) < first.solids_t["Carnallite"]
    assert toy_park.solves == 11  # years 1, 5, 10, ... 50


def test_no_pumping_and_no_inflow_changes_nothing(backend: ThermoBackend) -> None:
    spec = toy_spec(pumping_m3_per_yr=0.0, returns=[])
    r = simulate_reservoir(spec, years=5, backend=backend, pumping_m3_per_yr=0.0)
    rows = r.zone_rows("toy")
    assert len(rows) == 6
    for row in rows[1:]:
        assert row.grade_g_per_l == rows[0].grade_g_per_l
        assert row.stock_t == rows[0].stock_t
        assert row.solid_t == rows[0].solid_t
        assert row.brine_m3 == rows[0].brine_m3
        assert row.level_m == 0.0


def test_returning_old_brine_raises_the_lakes_mg_to_k_ratio(
    backend: ThermoBackend, toy_park: ToyPark
) -> None:
    spec = toy_spec()
    kw = {"years": 6, "backend": backend, "park": toy_park, "every": 3}
    back = simulate_reservoir(spec, returns=True, **kw).zone_rows("toy")[-1]  # type: ignore[arg-type]
    away = simulate_reservoir(spec, returns=False, **kw).zone_rows("toy")[-1]  # type: ignore[arg-type]
    start = simulate_reservoir(spec, years=0, backend=backend).zone_rows("toy")[0]

    def mg_k(row: object) -> float:
        g = row.grade_g_per_l  # type: ignore[attr-defined]
        return float(g["Mg"] / g["K"])

    assert mg_k(back) > mg_k(away)
    assert mg_k(back) > mg_k(start)
    assert back.returned_m3 > 0
    assert away.returned_m3 == 0


def test_depletion_year_is_the_first_year_below_the_cutoff(
    backend: ThermoBackend, toy_park: ToyPark
) -> None:
    start = simulate_reservoir(toy_spec(), years=0, backend=backend).zone_rows("toy")[0]
    k0 = start.grade_g_per_l["K"]
    spec = toy_spec(cutoff_g_per_l={"K": 2.0 * k0, "Li": 1e-6},
                    inflows=[{"name": "fresh", "zone": "toy", "m3_per_yr": 1.5e5}],
                    returns=[])  # fmt: skip
    r = simulate_reservoir(spec, years=3, backend=backend, park=toy_park)
    assert r.depletion_year == {"K": 0, "Li": None}
    diluting = toy_spec(cutoff_g_per_l={"K": 0.97 * k0}, returns=[],
                        inflows=[{"name": "fresh", "zone": "toy", "m3_per_yr": 1.5e5}])  # fmt: skip
    r = simulate_reservoir(diluting, years=4, backend=backend, park=toy_park)
    year = r.depletion_year["K"]
    assert year is not None
    assert year >= 1
    grades = r.pumped_grade()
    assert grades[year]["K"] < 0.97 * k0
    assert all(grades[y]["K"] >= 0.97 * k0 for y in grades if y < year)


def test_bad_options_are_refused(backend: ThermoBackend) -> None:
    with pytest.raises(InputError, match="every"):
        simulate_reservoir(toy_spec(), years=1, backend=backend, every=0)
    with pytest.raises(InputError, match="years"):
        simulate_reservoir(toy_spec(), years=-1, backend=backend)
    with pytest.raises(InputError, match="pumping from toy"):
        simulate_reservoir(toy_spec(), years=1, backend=backend, pumping_m3_per_yr=1e9)


def test_outputs_are_the_issues_json_a_csv_and_figures(
    backend: ThermoBackend, toy_park: ToyPark, tmp_path: Path
) -> None:
    spec = toy_spec(cutoff_g_per_l={"K": 1.0})
    r = simulate_reservoir(spec, years=2, backend=backend, park=toy_park)
    paths = write_reservoir_outputs(r, tmp_path / "out")
    assert {p.name for p in paths} == {"reservoir.json", "reservoir.csv", "production.csv",
                                       "grade.html", "stock.html"}  # fmt: skip
    assert all(p.parent == tmp_path / "out" for p in paths)
    data = json.loads((tmp_path / "out" / "reservoir.json").read_text(encoding="utf-8"))
    assert set(data) == {"zones", "years", "depletion_year"}
    assert all(set(row) == _ROW_KEYS for row in data["years"])
    assert [row["year"] for row in data["years"]] == [0, 1, 2]
    assert data["depletion_year"] == {"K": None}
    csv_lines = (tmp_path / "out" / "reservoir.csv").read_text(encoding="utf-8").splitlines()
    assert len(csv_lines) == 4
    assert "grade_g_per_l_K" in csv_lines[0]


def test_interpolating_between_solves_beats_holding_the_last_one(backend: ThermoBackend) -> None:
    """A park whose recovery drifts with the brine: scaling from the solves every 4 years
    departs from solving every year; blending the solves before and after departs less."""
    spec = toy_spec(inflows=[{"name": "fresh", "zone": "toy", "m3_per_yr": 6.0e4}])
    kw = {"years": 8, "backend": backend}
    truth = simulate_reservoir(spec, park=CurvedPark(backend), every=1, **kw)  # type: ignore[arg-type]
    errors = {}
    for how in ("hold", "linear"):
        park = CurvedPark(backend)
        r = simulate_reservoir(spec, park=park, every=4, interpolation=how, **kw)  # type: ignore[arg-type]
        assert park.solves == 3  # years 1, 4, 8
        assert r.max_relative_imbalance() < 1e-9
        made, true = r.products("KCl", "KCl"), truth.products("KCl", "KCl")
        errors[how] = max(abs(made[y] / true[y] - 1.0) for y in true)
    assert errors["hold"] > 1e-3
    assert errors["linear"] < 0.5 * errors["hold"]


class _FailingPark(ToyPark):
    """The toy park whose second solve fails as a unit balance check would."""

    def solve(self, brine: Brine, volume_m3: float) -> ParkYear:
        if self.solves == 1:
            self.solves += 1
            raise BrineworksError("unit 'ponds' does not conserve O")
        return super().solve(brine, volume_m3)


def test_a_failed_park_solve_raises_or_is_held_and_reported(backend: ThermoBackend) -> None:
    spec = toy_spec()
    with pytest.raises(BrineworksError, match="conserve O"):
        simulate_reservoir(spec, years=4, backend=backend, park=_FailingPark(backend), every=2)
    r = simulate_reservoir(spec, years=4, backend=backend, park=_FailingPark(backend), every=2,
                           on_park_failure="hold")  # fmt: skip
    assert r.options["park_failures"] == [{"year": 2, "error": "unit 'ponds' does not conserve O"}]
    kcl = r.products("KCl", "KCl")
    assert kcl[2] > 0
    assert r.max_relative_imbalance() < 1e-9


class _ReagentPark(ToyPark):
    """The toy park that also returns 1 t of water with CaCl2 at ``molality`` [mol/kg] from a
    reagent (an element the lake brine lacks keeps its amount between solves, while the water
    scales with the water fed)."""

    def __init__(self, backend: ThermoBackend, molality: float) -> None:
        super().__init__(backend)
        self.molality = molality

    def solve(self, brine: Brine, volume_m3: float) -> ParkYear:
        year = super().solve(brine, volume_m3)
        ca = 1000.0 * self.molality
        reagent = Parcel(1000.0, {"Ca": ca, "Cl": 2.0 * ca})
        return ParkYear(year.received, {**year.returns, "reagent liquor": reagent},
                        year.products)  # fmt: skip


def test_a_returned_stream_beyond_the_database_is_named_with_its_year(
    backend: ThermoBackend,
) -> None:
    """A returned stream whose density the backend refuses (ionic strength beyond the Pitzer
    range) stops the run with an error naming the stream, the year, and, for a stream scaled
    between solves, the remedy."""
    returns = [{"stream": "old brine", "zone": "toy"}, {"stream": "reagent liquor", "zone": "toy"}]
    spec = toy_spec(returns=returns)
    # as solved: 20 mol/kg of CaCl2
    with pytest.raises(ChemistryError, match=r"'reagent liquor' in 1, as the park returned it"):
        simulate_reservoir(spec, years=1, backend=backend, park=_ReagentPark(backend, 20.0))
    # 5 mol/kg when solved, scaled to a fifth of the water the next year: 25 mol/kg
    r = simulate_reservoir(spec, years=1, backend=backend, park=_ReagentPark(backend, 5.0))
    assert r.zone_rows("toy")[-1].returned_m3 > 0
    with pytest.raises(ChemistryError, match=r"'reagent liquor' in 2, scaled .* more often"):
        simulate_reservoir(spec, years=2, backend=backend, park=_ReagentPark(backend, 5.0),
                           pumping_m3_per_yr={1: 5.0e4, 2: 1.0e4}, every=3)  # fmt: skip
