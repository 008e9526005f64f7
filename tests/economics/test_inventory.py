"""The inventory from a results.json: outputs, feed, pumped brine, reach and bought inputs."""

from __future__ import annotations

from typing import Any

import pytest

from brineworks.economics import ParkInventory, evaluate
from brineworks.errors import InputError


def potash_results() -> dict[str, Any]:
    """A results.json of the built-in qarhan-potash scenario's shape, with round numbers."""
    streams = {
        "pumped brine": (None, {"Na": 5.0e6, "K": 1.2e6, "Cl": 2.0e7, "H2O": 9.0e7}),
        "brine to ponds": (None, {"Na": 5.0e6, "K": 1.2e6, "Cl": 2.0e7, "H2O": 9.0e7}),
        "potash dryer vapour": ("emission", {"H2O": 5.0e4}),
        "carnallite ore": (None, {"Carnallite": 5.0e6, "Halite": 1.0e6}),
        "halite pond salt": ("waste", {"Halite": 1.1e7}),
        "old brine": ("returned", {"Mg": 3.0e6, "Cl": 1.0e7, "H2O": 2.0e7}),
        "pond seepage": ("returned", {"H2O": 1.0e6}),
        "evaporated water": ("emission", {"H2O": 6.0e7}),
        "KCl": ("product", {"KCl": 1.0e6, "NaCl": 2.0e3}),
        "potash tailings": ("waste", {"Halite": 1.0e6}),
        "potash mother liquor": ("returned", {"H2O": 5.0e6}),
    }
    return {
        "scenario": "qarhan-potash",
        "pumped_brine_m3_per_yr": 1.0e8,
        "products_t_per_yr": {"KCl": 1.002e6},
        "products_by_component_t_per_yr": {"KCl": {"KCl": 1.0e6, "NaCl": 2.0e3}},
        "streams": [{"name": n, "fate": f, "t_per_yr": c} for n, (f, c) in streams.items()],
        "utilities_t_per_yr": {"potash: fresh water": {"H2O": 2.5e6}},
        "units": [
            {"unit": "pumping", "kind": "brine_pumping", "target": "brine_pumping",
             "electricity_mwh_per_yr": 1.0e4, "heat_gj_per_yr": 0.0,
             "fresh_water_m3_per_yr": 0.0, "reagents_t_per_yr": {}, "capacity_t_per_yr": None},
            {"unit": "ponds", "kind": "ponds", "target": "", "electricity_mwh_per_yr": 0.0,
             "heat_gj_per_yr": 0.0, "fresh_water_m3_per_yr": 0.0, "reagents_t_per_yr": {},
             "capacity_t_per_yr": None},
            {"unit": "potash", "kind": "potash_plant", "target": "potash_plant",
             "electricity_mwh_per_yr": 0.0, "heat_gj_per_yr": 0.0,
             "fresh_water_m3_per_yr": 2.5e6, "reagents_t_per_yr": {},
             "capacity_t_per_yr": 1.0e6},
        ],
    }  # fmt: skip


def test_from_results_reads_the_stream_graph() -> None:
    inv = ParkInventory.from_results(potash_results())
    ponds, potash = inv.unit("ponds"), inv.unit("potash")
    assert ponds.target == "ponds"  # no target: the kind
    assert ponds.feed_t_per_yr == pytest.approx(5.0e6 + 1.2e6 + 2.0e7 + 9.0e7)
    assert inv.unit("pumping").pumped_brine_m3_per_yr == 1.0e8  # the unit the brine enters
    # only the carnallite ore goes on (halite is waste, old brine returned, water emitted)
    assert dict(ponds.outputs_t_per_yr) == {"Carnallite": 5.0e6, "Halite": 1.0e6}
    assert dict(potash.outputs_t_per_yr) == {"KCl": 1.0e6, "NaCl": 2.0e3}
    assert potash.capacity("KCl") == 1.0e6
    assert potash.capacity("feed") == pytest.approx(6.0e6)
    assert dict(ponds.reaches) == {"KCl": pytest.approx(1.002e6)}
    assert inv.fresh_water_m3_per_yr == 2.5e6
    assert inv.bought_t_per_yr() == {}


def test_from_results_then_evaluate() -> None:
    result = evaluate(ParkInventory.from_results(potash_results()), levelised=False)
    assert {u.unit for u in result.units if u.capex_cny > 0} == {"ponds", "potash"}
    # 1e6 t KCl with 2e3 t NaCl: 63.05 % K2O, sold at 63.05/60 of the 60 % price
    k2o = 100 * 1.0e6 * 94.196 / (2 * 74.551) / 1.002e6
    assert result.products[0].grade_factor == pytest.approx(k2o / 60, rel=1e-4)
    revenue = 1.002e6 * k2o / 60 * 2507
    assert result.products[0].revenue_cny_per_yr == pytest.approx(revenue, rel=1e-4)


def test_unknown_scenario_gives_an_inventory_with_a_note() -> None:
    data = {**potash_results(), "scenario": "no-such-scenario"}
    inv = ParkInventory.from_results(data)
    assert any("stream graph" in n for n in inv.notes)
    # the reported capacity still costs the potash plant
    result = evaluate(inv, levelised=False)
    assert next(u for u in result.units if u.unit == "potash").capex_cny > 0


def test_missing_key_is_an_input_error() -> None:
    data = potash_results()
    del data["units"]
    with pytest.raises(InputError, match="units"):
        ParkInventory.from_results(data)
