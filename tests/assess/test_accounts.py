"""The accounting indicators, recomputed by hand from the solved parks' streams: the three
rates close on the element balance, solid waste and stockpiles follow their definitions, the
resource output and water reuse rates are what their formulas say, returned brine counts as a
loss, and carbon adds up by scope."""

from __future__ import annotations

import pytest

from brineworks.assess.accounts import (
    COMPONENTS,
    LOSS_FATES,
    material_circularity,
    resource_output_rate,
    solid_waste,
    solids_t_per_yr,
    stream_stage,
    three_rates,
    water_reuse_rate,
)
from brineworks.assess.allocation import product_shares, reached_streams
from brineworks.assess.carbon import carbon
from brineworks.assess.grades import grade
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.simulate import SimulationResult
from tests.conftest import solved

_Y = SECONDS_PER_YEAR / 1000.0


@pytest.fixture(scope="module")
def potash() -> SimulationResult:
    return solved("qarhan-potash")


def test_three_rates_close_on_the_element_balance(circular: SimulationResult) -> None:
    """Every tonne of an element entering is a product, reused, or lost at one of the two
    stages: the losses of both stages are exactly the returned, waste and emitted flows."""
    balance = circular.element_balance()
    rates = three_rates(circular)
    assert {"K", "Li", "Mg", "B"} <= set(rates)
    for el, r in rates.items():
        row = balance[el]
        lost = sum(row[f] for f in LOSS_FATES)
        assert r.mining_losses + r.processing_losses == pytest.approx(lost, rel=1e-9, abs=1e-9)
        assert r.products == pytest.approx(row["product"], rel=1e-12)
        net_in = row["in"] + row["reagents"] + row["stock"] - row["reuse"]
        assert r.comprehensive_utilisation == pytest.approx(row["product"] / net_in, rel=1e-12)


def test_potash_rates_by_hand(potash: SimulationResult) -> None:
    """In the potash park (no reagents, no reuse, no stockpile draws) comprehensive
    utilisation is exactly mining × processing recovery, and K's is the share of the pumped K
    that leaves in KCl."""
    r = three_rates(potash)["K"]
    assert r.reagents == 0.0
    assert r.stock == 0.0
    assert r.reuse == 0.0
    assert r.comprehensive_utilisation == pytest.approx(
        r.mining_recovery * r.processing_recovery, rel=1e-12
    )
    k_in_kcl = potash.element_balance()["K"]["product"]
    assert r.comprehensive_utilisation == pytest.approx(k_in_kcl / r.pumped, rel=1e-12)
    assert 0.4 < r.comprehensive_utilisation < 0.6  # QSL's ~60 % on low-grade ore at best


def test_circular_raises_every_rate(circular: SimulationResult, potash: SimulationResult) -> None:
    base, new = three_rates(potash), three_rates(circular)
    for el in ("K", "Cl"):
        assert new[el].comprehensive_utilisation > base[el].comprehensive_utilisation
    for el in ("Li", "Mg", "B"):
        assert (new[el].comprehensive_utilisation or 0) > 0.0
        assert (base.get(el) is None) or (base[el].comprehensive_utilisation or 0.0) < 0.01


def test_streams_from_the_brine_are_mining_and_plant_outlets_processing(
    circular: SimulationResult,
) -> None:
    for name, fate in circular.fates.items():
        stage = stream_stage(circular, name)
        assert stage in ("mining", "processing")
        src = next(e.source for e in circular.edges if e.stream == name)
        if src is not None and circular.units[src.unit].stage != "plumbing":
            assert stage == circular.units[src.unit].stage, (name, fate)
    assert stream_stage(circular, "pond seepage") == "mining"
    assert stream_stage(circular, "KCl") == "processing"


def test_solid_waste_and_stockpiles_by_hand(circular: SimulationResult) -> None:
    w = solid_waste(circular, years=(10, 30))
    waste = sum(solids_t_per_yr(circular.streams[n])
                for n, f in circular.fates.items() if f == "waste")  # fmt: skip
    assert w["stored_or_dumped_t_per_yr"] == pytest.approx(waste, rel=1e-12)
    assert w["utilisation_rate"] == pytest.approx(
        w["utilised_t_per_yr"] / (w["generated_t_per_yr"] + w["utilised_from_stock_t_per_yr"]),
        rel=1e-12,
    )
    assert w["utilised_from_stock_t_per_yr"] == pytest.approx(3.5e5, rel=1e-6)
    pile = next(p for p in w["stockpiles"] if p["name"] == "bischofite pile")
    assert pile["initial_t"] == 6e7
    assert pile["size_t"]["30"] == pytest.approx(6e7 + 30 * pile["change_t_per_yr"], rel=1e-12)
    assert pile["change_t_per_yr"] == pytest.approx(
        pile["inflow_t_per_yr"] - pile["drawn_t_per_yr"], rel=1e-12
    )
    assert pile["exhausted_after_yr"] is None  # the park adds far more than it draws


def test_resource_output_rate_by_hand(circular: SimulationResult) -> None:
    r = resource_output_rate(circular)
    salts = sum(v for k, v in circular.pumped.flows.items() if k != "H2O") * _Y
    assert r["resource_t_per_yr"] >= salts
    assert r["resource_output_rate_cny_per_t"] == pytest.approx(
        r["products_value_cny_per_yr"] / r["resource_t_per_yr"], rel=1e-12
    )
    assert r["resource_output_rate_cny_per_m3_brine"] == pytest.approx(
        r["products_value_cny_per_yr"] / circular.scenario.brine.flow_m3_per_yr, rel=1e-12
    )


def test_water_reuse_rate(circular: SimulationResult, potash: SimulationResult) -> None:
    w = water_reuse_rate(circular)
    assert 0.0 < w["water_reuse_rate"] < 1.0
    total = w["recycled_m3_per_yr"] + w["reused_m3_per_yr"] + w["net_fresh_water_m3_per_yr"]
    assert w["water_reuse_rate"] == pytest.approx(
        (w["recycled_m3_per_yr"] + w["reused_m3_per_yr"]) / total, rel=1e-12
    )
    assert (water_reuse_rate(potash)["water_reuse_rate"] or 0.0) < w["water_reuse_rate"]


def test_returned_brine_is_a_loss_in_the_circularity_indicator() -> None:
    """Sending the unused part back to the lake scores the same as dumping it."""
    base = {"in": 100.0, "reagents": 0.0, "stock": 0.0, "product": 40.0, "reuse": 0.0,
            "emission": 0.0}  # fmt: skip
    returned = {el: {**base, "returned": 60.0, "waste": 0.0} for el in COMPONENTS}
    wasted = {el: {**base, "returned": 0.0, "waste": 60.0} for el in COMPONENTS}
    assert material_circularity(returned) == pytest.approx(material_circularity(wasted))
    # LFI = (V + W)/2M = (100 + 60)/200 = 0.8 → MCI = 1 − 0.9 × 0.8
    assert material_circularity(returned) == pytest.approx(0.28)


@pytest.mark.parametrize(
    ("k2o", "water", "expected"),
    [(61.0, 1.0, "优等品 (superior)"), (58.0, 1.0, "一等品 (first)"),
     (56.0, 5.0, "合格品 (acceptable)"), (58.0, 7.0, None), (50.0, 1.0, None)],
)  # fmt: skip
def test_kcl_grades_of_gb_6549(k2o: float, water: float, expected: str | None) -> None:
    g = grade("KCl", {"K2O": k2o, "H2O": water})
    assert g["standard"] == "GB 6549-2011"
    assert g["grade"] == expected


def test_lithium_carbonate_grade_is_set_by_its_worst_impurity() -> None:
    clean = {"Li2CO3": 99.6, "Na": 0.02, "Mg": 0.004, "Ca": 0.002, "B": 0.0, "SO4": 0.0,
             "K": 0.0005}  # fmt: skip
    assert grade("Li2CO3", clean)["grade"] == "battery"
    g = grade("Li2CO3", {**clean, "Mg": 0.02})
    assert g["grade"] != "battery"
    failed = {c["parameter"] for c in g["checks"] if c["grade"] == "battery" and not c["pass"]}
    assert failed == {"Mg"}


def test_carbon_adds_up_by_scope(circular: SimulationResult) -> None:
    c = carbon(circular)
    total = sum(c["scope1_t_per_yr"].values()) + c["scope2_t_per_yr"]
    total += c["scope3_upstream_t_per_yr"]
    assert c["total_t_per_yr"] == pytest.approx(total, rel=1e-12)
    green = next(v for k, v in c["grid_sensitivity_t_per_yr"].items() if "(0 kg/kWh)" in k)
    assert green == pytest.approx(c["total_t_per_yr"] - c["scope2_t_per_yr"], rel=1e-9)
    # the acetylene off-gas burnt as fuel: its carbon is the biggest scope-1 source
    assert c["scope1_t_per_yr"]["emitted_carbon"] > c["scope1_t_per_yr"]["natural_gas_heat"]


def test_value_shares_along_each_line_sum_to_one(circular: SimulationResult) -> None:
    reaches = reached_streams(circular)
    shares = product_shares(circular)
    for unit, s in shares.items():
        if s:
            assert sum(s.values()) == pytest.approx(1.0, rel=1e-12), unit
            assert set(s) <= set(reaches[unit])
    # mining units serve every product; the lithium plant's line never reaches the potash
    assert "KCl" in shares["pumping"]
    assert "Li2CO3" in shares["pumping"]
    assert "KCl" not in shares["carbonation"]
