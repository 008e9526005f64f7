"""The park as an ensemble model: process targets, their checks, climate factors, states."""

from __future__ import annotations

import math
import pickle
from typing import Any

import pytest

from brineworks.chemistry.brine import Brine
from brineworks.climate import climate, scaled_climate
from brineworks.ensemble.model import (
    ParkModel,
    ParkState,
    apply_process_inputs,
    process_target_range,
)
from brineworks.ensemble.spec import parse_uncertain
from brineworks.errors import InputError
from brineworks.scenario import load_scenario


@pytest.fixture(scope="module")
def circular() -> Any:
    return load_scenario("qarhan-circular")


def proc(target: str, **dist: Any) -> dict[str, Any]:
    return {"name": target, "target": target, "kind": "process", **dist}


def test_grade_multiplies_a_solute_and_charge_is_rebalanced(circular: Any) -> None:
    sc, factors = apply_process_inputs(
        circular, {"brine.grade.K": 0.5, "brine.flow_m3_per_yr": 7e7}
    )
    assert factors == {}
    b = sc.brine
    assert b.catalogue is None
    assert b.flow_m3_per_yr == 7e7
    assert b.composition is not None
    assert b.composition["K"] == pytest.approx(0.5)  # 1.0 wt% assumed
    assert b.composition["Mg"] == pytest.approx(3.5)
    brine = Brine.from_amounts(b.composition, b.unit or "", balance_on=b.balance_on)
    base = Brine.from_catalogue("qarhan")
    assert brine.charge_balance().percent == pytest.approx(0.0, abs=1e-9)
    # about half the potassium (per kg of water, which is by difference), and less chloride
    assert brine.molality["K"] / base.molality["K"] == pytest.approx(0.5, rel=0.02)
    assert brine.molality["Cl"] < base.molality["Cl"]
    assert circular.brine.catalogue == "qarhan"  # the original is untouched


def test_unit_parameters_and_climate_targets(circular: Any) -> None:
    sc, factors = apply_process_inputs(circular, {
        "units.potash.params.kcl_recovery": 0.8,
        "units.ponds.params.entrainment": 0.2,
        "climate.qarhan.pan_evaporation": 1.05,
    })  # fmt: skip
    units = {u.name: u for u in sc.units}
    assert units["potash"].params == {"kcl_recovery": 0.8}
    assert units["ponds"].params == {"entrainment": 0.2}
    assert factors == {("qarhan", "pan_evaporation"): 1.05}


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("brine.grade.Xx", "a solute of the brine"),
        ("brine.grade.Cl", "balances the charge"),
        ("units.nope.params.x", "a unit of the scenario"),
        ("units.potash.params.nope", "a parameter of potash_plant"),
        ("climate.calama.pan_evaporation", "site of a pond train"),
        ("climate.qarhan.wind", "a quantity"),
        ("prices.KCl", "brine.flow_m3_per_yr"),
    ],
)
def test_bad_process_targets(circular: Any, target: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        process_target_range(circular, target)


def test_model_refuses_values_outside_a_parameters_range(circular: Any) -> None:
    inputs = parse_uncertain([
        proc("units.potash.params.kcl_recovery", distribution="uniform", low=0.9, high=1.2)
    ])  # fmt: skip
    with pytest.raises(InputError, match=r"within \[0.5, 1\]"):
        ParkModel(circular, inputs)
    unbounded = parse_uncertain([proc("brine.grade.K", distribution="normal", mean=1, sd=0.1)])
    with pytest.raises(InputError, match="bound a normal"):
        ParkModel(circular, unbounded)
    labels = parse_uncertain([proc("brine.grade.K", distribution="discrete", values="a|b")])
    with pytest.raises(InputError, match="numbers for a process input"):
        ParkModel(circular, labels)
    ok = ParkModel(circular)  # the built-in block is valid
    assert ok.scenario.baseline is None
    assert pickle.loads(pickle.dumps(ok)).fingerprint() == ok.fingerprint()
    assert any("brineworks.economics" in n for n in ok.notes())
    assert any("No money model" in n for n in ParkModel(circular, money=None).notes())


def test_scaled_climate_is_scoped() -> None:
    before = climate("qarhan")
    with scaled_climate({("qarhan", "pan_evaporation"): 1.1, ("qarhan", "precipitation"): 2.0}):
        inside = climate("qarhan")
        assert inside.pan_evaporation == pytest.approx(1.1 * before.pan_evaporation)
        assert inside.precipitation == pytest.approx(2.0 * before.precipitation)
        assert "scaled" in inside.source
        # a net brine evaporation rises with the pan rate (water activity 0.8)
        assert inside.brine_evaporation(0.8) > before.brine_evaporation(0.8)
    assert climate("qarhan") == before
    plain = climate("calama")  # the site with monthly normals
    assert plain.monthly is not None
    with scaled_climate({("calama", "pan_evaporation"): 0.5}):
        m = climate("calama").monthly
        assert m is not None
        assert sum(m.pan_evaporation) == pytest.approx(0.5 * sum(plain.monthly.pan_evaporation))
        assert climate("calama").pan_evaporation == pytest.approx(0.5 * plain.pan_evaporation)
    with pytest.raises(InputError, match="positive factor"):
        scaled_climate({("qarhan", "pan_evaporation"): -1.0}).__enter__()


def test_state_outputs_are_named_by_quantity() -> None:
    state = ParkState(
        scenario="s", pumped_m3_per_yr=1e8, products_t_per_yr={"KCl": 1e6},
        products_by_component_t_per_yr={"KCl": {"Sylvite": 1e6}}, element_balance={},
        element_shares_to_products={"K": 0.5}, indicators={"material_circularity_indicator": 0.2},
        energy={"electricity_mwh_per_yr": 10.0}, reagents_t_per_yr={}, pond_area_km2={"ponds": 40},
    )  # fmt: skip
    out = state.outputs()
    assert out["products_t_per_yr.KCl"] == 1e6
    assert out["element_share_to_products.K"] == 0.5
    assert out["pond_area_km2.ponds"] == 40
    assert all(isinstance(v, float | int) and math.isfinite(v) for v in out.values())
    assert pickle.loads(pickle.dumps(state)) == state


def money_stub(state: ParkState, inputs: Any) -> dict[str, float]:
    return {"revenue_cny": state.products_t_per_yr["KCl"] * float(inputs["prices.KCl"])}


def test_money_hook_outputs_are_prefixed(circular: Any) -> None:
    inputs = parse_uncertain([{"name": "KCl price", "target": "prices.KCl", "kind": "money",
                               "distribution": "uniform", "low": 2500, "high": 4000}])  # fmt: skip
    model = ParkModel(circular, inputs, money=money_stub)
    state = ParkState(
        scenario="s", pumped_m3_per_yr=1e8, products_t_per_yr={"KCl": 2.0},
        products_by_component_t_per_yr={}, element_balance={}, element_shares_to_products={},
        indicators={}, energy={}, reagents_t_per_yr={},
    )  # fmt: skip
    assert model.evaluate(state, {"KCl price": 3000.0})["money.revenue_cny"] == 6000.0
    assert not any("No money model" in n for n in model.notes())


@pytest.mark.slow
def test_park_at_nominal_inputs_is_the_plain_scenario(circular: Any) -> None:
    """Solving the park through the ensemble model (catalogue brine written inline, climate
    scaled by 1) gives the same products as the scenario run directly."""
    from brineworks.simulate import simulate

    inputs = parse_uncertain([
        proc("brine.grade.K", distribution="uniform", low=0.9, high=1.1),
        proc("climate.qarhan.pan_evaporation", distribution="uniform", low=0.9, high=1.1),
    ])  # fmt: skip
    model = ParkModel(circular, inputs)
    state = model.solve_process({"brine.grade.K": 1.0, "climate.qarhan.pan_evaporation": 1.0})
    direct = ParkState.from_result(simulate(model.scenario))
    for k, v in direct.products_t_per_yr.items():
        assert state.products_t_per_yr[k] == pytest.approx(v, rel=1e-6)
    assert state.pond_area_km2["ponds"] == pytest.approx(direct.pond_area_km2["ponds"], rel=1e-9)
    more = model.solve_process({"brine.grade.K": 1.0, "climate.qarhan.pan_evaporation": 1.1})
    # more evaporation per m²: smaller ponds for the same brine
    assert more.pond_area_km2["ponds"] < state.pond_area_km2["ponds"]
