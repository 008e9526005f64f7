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
    assert len(rows) == 8
    assert all(f.source and f.status in {"R", "R-weak", "D"} for f in rows)
    assert sum(f.value for f in rows) == pytest.approx(17230.76240239, abs=1e-6)
    assert len(capex_references()) == 10
    assert all(r["source"] and (r["capex"] or r["jobs_direct"]) for r in capex_references())


def test_electrolysis_electricity_by_hand() -> None:
    """13 kWh per kg Mg: 1 kg/s MgCl2 gives 0.25527 kg/s Mg, so 11.95 MW."""
    cell = Reactor.build("cell", reaction="mg_electrolysis")
    perf = cell.run({"in": Stream({"MgCl2": 1.0})}).performance
    assert perf.electricity == pytest.approx(13000 * 24.305 / 95.211 * 3600, rel=1e-3)
    assert perf.heat == 0.0


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
    mg_t = result.streams["Mg"].get("Mg") * 31557600 / 1000
    assert table["electrolysis"]["electricity_mwh_per_yr"] == pytest.approx(13 * mg_t, rel=1e-6)
    assert e["electricity_mwh_per_yr"] == pytest.approx(
        sum(r["electricity_mwh_per_yr"] for r in table.values())
    )
    assert e["indirect_co2_t_per_yr"] == pytest.approx(0.1567 * e["electricity_mwh_per_yr"])
    assert set(e["units_without_energy_data"]) == {
        "potash", "bischofite dissolver", "boric acid plant", "hcl synthesis"
    }  # fmt: skip
    # per tonne fed: adsorption 0.7387 kWh/t of brine and desorption water (LiBrineLCAModel)
    ads = result.units["adsorption"]
    fed = result.streams["adsorption feed"].total + sum(s.total for s in ads.utilities_in.values())
    assert table["adsorption"]["electricity_mwh_per_yr"] == pytest.approx(
        0.73873739 * fed * 31557600 / 1e6, rel=1e-9
    )
    # carbonation: sensible heat of its feed water from 25 to 83 °C
    feed_water = result.streams["purified eluate"].get("H2O")
    assert table["carbonation"]["heat_gj_per_yr"] == pytest.approx(
        feed_water * 4181.0 * 58.0 * 31557600 / 1e9, rel=1e-9
    )
    assert "carbonation" not in e["units_without_energy_data"]
    assert table["carbonation"]["capacity_t_per_yr"] == pytest.approx(
        result.streams["Li2CO3 cake"].get("Li2CO3") * 31557600 / 1000
    )
    assert table["carbonation"]["reference_plants"][0]["capacity_t_per_yr"] == "40000"
    # the potash plant's capacity is its product, not the KCl lost to its mother liquor
    assert table["potash"]["capacity_t_per_yr"] == pytest.approx(
        result.products_t_per_yr()["KCl"]["KCl"], rel=1e-12
    )
    assert {r["target"] for r in table.values() if r["reference_plants"]} >= {
        "potash_plant", "soda_ash", "chlor_alkali", "mg_electrolysis", "lithium_carbonate"
    }  # fmt: skip


def test_energy_per_product_follows_each_plant_line(circular: SimulationResult) -> None:
    """Allocation by mass along each plant's own product line: magnesium carries the cells
    (13 MWh/t) and MgCl2 preparation (16 GJ/t Mg); caustic soda the chlor-alkali electricity
    (3.6 MWh/t Cl2 = 3.19 MWh per t NaOH); plants without data are named per product. The
    adsorption plant's electricity is shared by mass among the products its raffinate reaches
    (bischofite ponds → Mg, Mg(OH)2; end brine → boric acid), the same per tonne of each."""
    per = energy_indicators(circular)["per_product"]
    adsorption = per["boric acid"]["electricity_kwh_per_t"]  # its only plant with data
    assert adsorption > 0
    assert per["Mg"]["electricity_kwh_per_t"] == pytest.approx(13000 + adsorption, rel=1e-9)
    assert per["Mg"]["heat_gj_per_t"] == pytest.approx(16.0, rel=2e-3)
    assert per["NaOH"]["electricity_kwh_per_t"] == pytest.approx(
        3600 * 70.906 / (2 * 39.997), rel=1e-3
    )
    assert per["PVC"]["electricity_kwh_per_t"] == pytest.approx(360.45 + 255.136, rel=2e-3)
    assert per["Mg"]["indirect_co2_kg_per_t"] == pytest.approx(
        (13000 + adsorption) * 0.1567, rel=1e-9
    )
    assert "potash" in per["KCl"]["plants_without_energy_data"]
    allocated = sum(
        v["electricity_kwh_per_t"] * circular.streams[k].total * 31557600 / 1000
        for k, v in per.items()
    )
    total = energy_indicators(circular)["electricity_mwh_per_yr"] * 1000
    assert allocated == pytest.approx(total, rel=1e-9)  # every kWh is allocated here
