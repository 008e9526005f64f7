"""Linearisation of technology yields from a solved flowsheet, and its faithfulness."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from brineworks.constants import SECONDS_PER_YEAR
from brineworks.errors import InputError
from brineworks.plan.linearise import boundary, linearise, with_fractions

Y = SECONDS_PER_YEAR / 1000.0  # kg/s -> t/yr


def _stream(name: str, source: str, to: str | None = None, fate: str | None = None) -> Any:
    return SimpleNamespace(name=name, source=source, to=to, fate=fate)


def toy_result() -> Any:
    """brine -> U1 -> a -> U2 -> p (product), q -> U3 -> r (product); U1 also leaves w (waste);
    U2 takes NaOH, U1 fresh water."""
    streams = [
        _stream("pumped", "brine", "U1.in"),
        _stream("a", "U1.out", "U2.in"),
        _stream("w", "U1.waste", None, "waste"),
        _stream("p", "U2.prod", None, "product"),
        _stream("q", "U2.side", "U3.in"),
        _stream("r", "U3.out", None, "product"),
    ]
    flows = {
        "pumped": {"H2O": 80.0, "Cl": 15.0, "K": 5.0},
        "a": {"H2O": 10.0, "KCl": 4.0},
        "w": {"H2O": 70.0, "Cl": 11.0},
        "p": {"KCl": 2.0, "NaCl": 0.5},
        "q": {"H2O": 10.0, "KCl": 2.0, "NaOH": 0.5},
        "r": {"KCl": 2.0},
    }
    solved = {k: SimpleNamespace(flows=v) for k, v in flows.items()}
    utilities = {
        "U2: NaOH": SimpleNamespace(flows={"NaOH": 1.0}),
        "U1: fresh water": SimpleNamespace(flows={"H2O": 3.0}),
    }
    units = [
        SimpleNamespace(name=n, kind=k)
        for n, k in (("U1", "ponds"), ("U2", "reactor"), ("U3", "washer"))
    ]
    scenario = SimpleNamespace(name="toy", streams=streams, units=units)
    return SimpleNamespace(scenario=scenario, streams=solved, utilities_in=lambda: utilities)


ROWS = [
    {
        "unit": "U1",
        "kind": "ponds",
        "electricity_mwh_per_yr": 0.0,
        "heat_gj_per_yr": 0.0,
        "fresh_water_m3_per_yr": 3.0 * Y,
        "energy_data": None,
    },
    {
        "unit": "U2",
        "kind": "reactor",
        "electricity_mwh_per_yr": 40.0,
        "heat_gj_per_yr": 8.0,
        "fresh_water_m3_per_yr": 0.0,
        "energy_data": "a factor",
    },
    {
        "unit": "U3",
        "kind": "washer",
        "electricity_mwh_per_yr": 0.0,
        "heat_gj_per_yr": 0.0,
        "fresh_water_m3_per_yr": 0.0,
        "energy_data": None,
    },
]


def test_boundary_of_a_group() -> None:
    into, out = boundary(toy_result(), ["U1", "U2"])
    assert into == ["pumped"]
    assert set(out) == {"w", "p", "q"}  # the internal stream a does not cross
    with pytest.raises(InputError, match="U9"):
        boundary(toy_result(), ["U9"])


def test_yields_are_net_boundary_flows_per_main_product() -> None:
    r = toy_result()
    lin = linearise(
        r,
        {"front": ["U1", "U2"], "wash": ["U3"]},
        {"p[KCl]": "KCl", "q": "liquor", "r": "KCl", "U2: NaOH": "NaOH"},
        {"front": "KCl", "wash": "KCl"},
        brine_t_per_m3=1.25,
        unit_rows=ROWS,
    )
    front = lin["front"]
    made = 2.0 * Y  # KCl in p only: the NaCl of p is not mapped
    assert front.activity_t_per_yr == pytest.approx(made)
    assert front.yields["KCl"] == 1.0
    assert front.yields["brine"] == pytest.approx(-100.0 / 1.25 / 2.0)  # m3 per t
    assert front.yields["liquor"] == pytest.approx(12.5 / 2.0)
    assert front.yields["NaOH"] == pytest.approx(-1.0 / 2.0)
    assert front.power_mwh_per_t == pytest.approx(40.0 / made)
    assert front.heat_gj_per_t == pytest.approx(8.0 / made)
    assert front.fresh_water_m3_per_t == pytest.approx(3.0 * Y / made)
    assert set(front.unmapped) == {"w", "p (rest)"}
    assert front.units_without_energy == ()  # U1 is passive, U2 has its factor
    wash = lin["wash"]
    assert wash.yields == {"liquor": pytest.approx(-12.5 / 2.0), "KCl": 1.0}
    assert wash.units_without_energy == ("U3",)
    # conservation of what is mapped: the crossing flows of the whole park add up
    total = {
        c: sum(t.yields.get(c, 0.0) * t.activity_t_per_yr for t in lin.values())
        for c in ("liquor", "KCl")
    }
    assert total["liquor"] == pytest.approx(0.0, abs=1e-6)
    assert total["KCl"] == pytest.approx(4.0 * Y)


def test_linearise_rejects_bad_groups() -> None:
    r = toy_result()
    with pytest.raises(InputError, match="main"):
        linearise(r, {"front": ["U1"]}, {"a": "ore"}, {"front": "KCl"}, unit_rows=ROWS)
    with pytest.raises(InputError, match="already"):
        linearise(r, {"x": ["U1"], "y": ["U1"]}, {}, {"x": "a", "y": "a"}, unit_rows=ROWS)


def test_with_fractions_validates() -> None:
    from brineworks.scenario import load_scenario

    sc = load_scenario("qarhan-circular")
    new = with_fractions(sc, {"bischofite split": {"to_magnesium": 0.02, "stockpile": 0.98}})
    split = next(u for u in new.units if u.name == "bischofite split")
    assert split.fractions == {"to_magnesium": 0.02, "stockpile": 0.98}  # type: ignore[attr-defined]
    assert new.baseline is None
    with pytest.raises(InputError, match="summing to 1"):
        with_fractions(sc, {"bischofite split": {"to_magnesium": 0.03}})
    with pytest.raises(InputError):
        with_fractions(sc, {"ponds": {"x": 1.0}})


def test_default_commodities_are_the_crossing_streams() -> None:
    """Without a map, each crossing stream is its own commodity and the main product is the
    group's largest product stream."""
    lin = linearise(toy_result(), {"front": ["U1", "U2"]}, unit_rows=ROWS)["front"]
    assert lin.main == "p"
    assert lin.yields == {
        "brine": pytest.approx(-100.0 / 2.5),  # t of brine per t of p (no density given)
        "w": pytest.approx(81.0 / 2.5),
        "p": 1.0,
        "q": pytest.approx(12.5 / 2.5),
        "U2: NaOH": pytest.approx(-1.0 / 2.5),
    }
