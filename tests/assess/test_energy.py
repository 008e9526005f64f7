"""Energy, indirect CO2 and reference plants of a solved scenario."""

from __future__ import annotations

import pytest

from brineworks.assess.energy import capex_references, energy_indicators, grid_factor, unit_table
from brineworks.errors import InputError
from brineworks.process.stream import Stream
from brineworks.process.unit import energy_factors
from brineworks.process.units import Reactor
from brineworks.simulate import SimulationResult


def test_energy_factor_rows_have_sources() -> None:
    rows = [f for fs in energy_factors().values() for f in fs]
    assert len(rows) == 5
    assert all(f.source and f.status in {"R", "R-weak", "D"} for f in rows)
    assert sum(f.value for f in rows) == pytest.approx(17219.67, abs=1e-6)
    assert len(capex_references()) == 3


def test_electrolysis_electricity_by_hand() -> None:
    """13 kWh per kg Mg: 1 kg/s MgCl2 gives 0.25527 kg/s Mg, so 11.95 MW."""
    cell = Reactor("cell", "mg_electrolysis")
    cell.run({"in": Stream({"MgCl2": 1.0})})
    assert cell.performance.electricity == pytest.approx(13000 * 24.305 / 95.211 * 3600, rel=1e-3)
    assert cell.performance.heat == 0.0


def test_grid_factor_of_qarhan_and_unknown_site() -> None:
    g = grid_factor("qarhan")
    assert g.kg_co2_per_kwh == pytest.approx(0.1567)
    assert g.region.startswith("Qinghai")
    with pytest.raises(InputError, match="site"):
        grid_factor("atlantis")


def test_circular_park_energy(circular: SimulationResult) -> None:
    """Electricity is dominated by magnesium electrolysis; CO2 is electricity × 0.1567; the
    plants with no sourced factor are named, not counted as zero."""
    result = circular
    table = {r["unit"]: r for r in unit_table(result)}
    e = energy_indicators(result)
    mg_t = result.solution.streams["Mg"].get("Mg") * 31557600 / 1000
    assert table["electrolysis"]["electricity_mwh_per_yr"] == pytest.approx(13 * mg_t, rel=1e-6)
    assert e["electricity_mwh_per_yr"] == pytest.approx(
        sum(r["electricity_mwh_per_yr"] for r in table.values())
    )
    assert e["indirect_co2_t_per_yr"] == pytest.approx(0.1567 * e["electricity_mwh_per_yr"])
    assert {"potash", "adsorption", "soda ash plant"} <= set(e["units_without_energy_data"])
    # carbonation: sensible heat of its feed water from 25 to 83 °C
    feed_water = result.solution.streams["purified eluate"].get("H2O")
    assert table["carbonation"]["heat_gj_per_yr"] == pytest.approx(
        feed_water * 4181.0 * 58.0 * 31557600 / 1e9, rel=1e-9
    )
    assert "carbonation" not in e["units_without_energy_data"]
    assert table["carbonation"]["capacity_t_per_yr"] == pytest.approx(
        result.solution.streams["Li2CO3 cake"].get("Li2CO3") * 31557600 / 1000
    )
    assert table["carbonation"]["reference_plants"][0]["capacity_t_per_yr"] == "40000"
