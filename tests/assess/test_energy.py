"""Energy, indirect CO2 and reference plants of a solved scenario."""

from __future__ import annotations

import pytest

from brineworks.assess.energy import capex_references, energy_indicators, grid_factor, unit_table
from brineworks.errors import InputError
from brineworks.process.stream import Stream
from brineworks.process.unit import energy_factors
from brineworks.process.units import Reactor
from brineworks.simulate import SimulationResult
from tests.conftest import solved


def test_energy_factor_rows_have_sources() -> None:
    rows = [f for fs in energy_factors().values() for f in fs]
    assert all(f.source and f.status in {"R", "R-weak", "D", "assumption"} for f in rows)
    # an assumption states its range
    assert all("range" in f.note for f in rows if f.status == "assumption")
    # a guard against silent edits (chemicals' practice): change it with the data
    assert (len(rows), sum(f.value for f in rows)) == (21, pytest.approx(18107.98763539))
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
    """Electricity is dominated by magnesium electrolysis; CO2 is electricity × 0.1567; every
    plant carries energy (a sourced factor, a stated estimate, or a physical balance)."""
    result = circular
    table = {r["unit"]: r for r in unit_table(result)}
    e = energy_indicators(result)
    mg_t = result.streams["Mg"].get("Mg") * 31557600 / 1000
    assert table["electrolysis"]["electricity_mwh_per_yr"] == pytest.approx(13 * mg_t, rel=1e-6)
    assert e["electricity_mwh_per_yr"] == pytest.approx(
        sum(r["electricity_mwh_per_yr"] for r in table.values())
    )
    assert e["indirect_co2_t_per_yr"] == pytest.approx(0.1567 * e["electricity_mwh_per_yr"])
    assert e["units_without_energy_data"] == []
    # brine pumping: the hydraulic work m g H / eta (20 m at 0.7)
    pumped = result.pumped.total * 31557600  # kg/yr
    assert table["pumping"]["electricity_mwh_per_yr"] == pytest.approx(
        pumped * 9.80665 * 20 / 0.7 / 3.6e9, rel=1e-12
    )
    # per tonne fed: adsorption 0.7387 kWh/t of brine and desorption water (LiBrineLCAModel)
    ads = result.units["adsorption"]
    fed = result.streams["adsorption feed"].total + sum(s.total for s in ads.utilities_in.values())
    assert table["adsorption"]["electricity_mwh_per_yr"] == pytest.approx(
        0.73873739 * fed * 31557600 / 1e6, rel=1e-9
    )
    # carbonation: sensible heat of its feed water from the liquor's temperature to 83 °C
    feed = result.streams["purified eluate"]
    assert table["carbonation"]["heat_gj_per_yr"] == pytest.approx(
        feed.get("H2O") * 4181.0 * (83 + 273.15 - feed.temperature) * 31557600 / 1e9, rel=1e-9
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
    """Allocation by value along each plant's own line: magnesium carries the cells (13 MWh/t)
    and MgCl2 preparation (16 GJ/t Mg, over the 98 % that survives hydrolysis); caustic soda at
    least the chlor-alkali electricity (3.6 MWh/t Cl2 = 3.19 MWh per t NaOH); the brine's
    extraction is shared by every product; every kWh is allocated."""
    per = energy_indicators(circular)["per_product"]
    assert per["Mg"]["electricity_kwh_per_t"] == pytest.approx(13000, rel=1e-9)
    assert per["Mg"]["heat_gj_per_t"] == pytest.approx(16.0 / 0.98, rel=2e-3)
    assert per["NaOH"]["electricity_kwh_per_t"] >= 3600 * 70.906 / (2 * 39.997) * (1 - 1e-9)
    assert 400 + 255.136 < per["PVC"]["electricity_kwh_per_t"] < 700  # + its share of HCl
    assert per["Mg"]["indirect_co2_kg_per_t"] == pytest.approx(
        (13000 + per["Mg"]["extraction_electricity_kwh_per_t"]) * 0.1567, rel=1e-9
    )
    allocated = sum(
        (v["electricity_kwh_per_t"] + v["extraction_electricity_kwh_per_t"])
        * circular.streams[k].total * 31557600 / 1000
        for k, v in per.items()
    )  # fmt: skip
    total = energy_indicators(circular)["electricity_mwh_per_yr"] * 1000
    assert allocated == pytest.approx(total, rel=1e-9)  # every kWh is allocated here


def test_the_lithium_plant_carries_the_same_energy_in_both_parks(
    circular: SimulationResult,
) -> None:
    """The allocation follows the Li2CO3 line only: its kWh and GJ per t are the same whether
    the plant's raffinate is returned to the lake (qarhan-lithium) or evaporated to bischofite
    (qarhan-circular)."""
    lithium = energy_indicators(solved("qarhan-lithium"))["per_product"]["Li2CO3"]
    here = energy_indicators(circular)["per_product"]["Li2CO3"]
    assert here["electricity_kwh_per_t"] == pytest.approx(lithium["electricity_kwh_per_t"], 1e-9)
    assert here["heat_gj_per_t"] == pytest.approx(lithium["heat_gj_per_t"], rel=1e-9)
