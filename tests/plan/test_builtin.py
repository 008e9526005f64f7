"""The built-in Qarhan superstructure: provenance of every number, consistency with the
scenarios its yields come from, and (slow) the yields re-derived and checked by re-simulation."""

from __future__ import annotations

import math

import pytest

from brineworks.plan import load_superstructure, resolve, solve
from brineworks.plan.superstructure import PRICE_SETS, values_of
from brineworks.scenario import load_scenario

SUP = load_superstructure("qarhan-superstructure")

CANDIDATES = {
    "potash_line",
    "li2co3_adsorption",
    "lioh_causticisation",
    "mg_electrolysis",
    "mgoh2_lime",
    "mgo_calcination",
    "mg_alloy",
    "chlor_alkali",
    "pvc_carbide",
    "pvc_ethylene",
    "hcl_synthesis",
    "soda_ash",
    "boric_acid",
    "sylvite_recovery",
    "k2so4_mannheim",
    "cl2_neutralisation",
}


def test_every_number_has_its_status() -> None:
    values = values_of(SUP)
    assert len(values) > 200
    given = [path for path, v in values if v.status == "given"]
    assert given == []
    for path, v in values:
        if v.status == "assumption":
            assert v.low is not None, path
            assert v.high is not None, path
            assert v.note, path
            assert v.low <= min(v.values()), path
            assert max(v.values()) <= v.high, path
        else:
            assert v.source, path
    for t in SUP.technologies:
        if t.yields is not None:
            assert t.yields_status in ("derived", "sourced", "assumption"), t.name
            assert t.yields_source or t.yields_note, t.name


def test_candidates_of_the_issue_are_there() -> None:
    assert {t.name for t in SUP.technologies} >= CANDIDATES


def test_prices_in_every_set_and_no_arbitrage() -> None:
    """What the park can buy costs it at least what it could sell it for (freight), in every
    set: no plan buys a commodity to sell it again."""
    for price_set in PRICE_SETS:
        data = resolve(SUP, price_set)
        for c in data.commodities.values():
            if c.sellable and c.buyable and c.name != data.brine:
                assert c.buy_price is not None
                assert c.sell_price is not None
                assert all(b > s for b, s in zip(c.buy_price, c.sell_price, strict=True)), c.name


def test_linearised_groups_exist_in_their_scenarios() -> None:
    for t in SUP.technologies:
        if t.linearised is None:
            continue
        sc = load_scenario(t.linearised.scenario)
        units = {u.name for u in sc.units}
        assert set(t.linearised.units) <= units, t.name
        streams = {s.name for s in sc.streams}
        for key in t.linearised.streams:
            stream = key.split("[")[0]
            assert stream in streams or key.split(": ")[0] in units, (t.name, key)
        assert t.yields is not None
        assert t.yields[t.main] == 1.0


def test_brine_elements_match_the_catalogue_brine() -> None:
    """The resource's elements per m³ are the assumed Qarhan brine's (wt % × density)."""
    e = SUP.brine.elements_t_per_m3
    rho = 1.2125759  # t/m3 of the pumped brine in the scenarios
    for el, wt in {"K": 1.0, "Li": 0.0032, "Mg": 3.5, "Na": 4.0, "B": 0.0093}.items():
        assert e[el] == pytest.approx(wt / 100 * rho, rel=0.02), el


@pytest.mark.slow
def test_stored_yields_equal_a_fresh_linearisation() -> None:
    from brineworks.plan.linearise import derive_yields

    fresh = derive_yields(SUP)
    for t in SUP.technologies:
        if t.linearised is None:
            continue
        lin = fresh[t.name]
        assert t.yields is not None
        assert set(t.yields) == set(lin.yields), t.name
        for c, v in t.yields.items():
            assert v == pytest.approx(lin.yields[c], rel=1e-6), (t.name, c)
        if t.power_mwh_per_t.status == "derived":
            assert t.power_mwh_per_t.scalar == pytest.approx(lin.power_mwh_per_t, rel=1e-6)
        if t.heat_gj_per_t.status == "derived":
            assert t.heat_gj_per_t.scalar == pytest.approx(lin.heat_gj_per_t, rel=1e-6)
        if t.fresh_water_m3_per_t.status == "derived":
            assert t.fresh_water_m3_per_t.scalar == pytest.approx(
                lin.fresh_water_m3_per_t, rel=1e-6
            )


@pytest.mark.slow
def test_linearisation_is_exact_when_the_plan_scales_plants() -> None:
    """Doubling the bischofite sent to magnesium and the halite sent to chlor-alkali: the
    re-simulated park matches the linear model (base yields x new activities) to rounding;
    the magnesium and chlor-alkali plants double, PVC takes the rest of the chlorine."""
    from brineworks.plan.linearise import scaling_check, with_fractions
    from brineworks.simulate import simulate

    techs = [
        t
        for t in SUP.technologies
        if t.linearised is not None and t.linearised.scenario == "qarhan-circular"
    ]
    groups = {t.name: t.linearised.units for t in techs if t.linearised}
    commodities: dict[str, str] = {}
    for t in techs:
        assert t.linearised is not None
        commodities.update(t.linearised.streams)
    mains = {t.name: t.main for t in techs}
    base_sc = load_scenario("qarhan-circular").model_copy(update={"baseline": None})
    changes = {  # the scenario's 0.94 % and 0.33 % doubled
        "bischofite split": {"to_magnesium": 0.0188, "stockpile": 0.9812},
        "halite split": {"to_soda_ash": 0.004, "to_chlor_alkali": 0.0066, "stockpile": 0.9894},
    }
    base = simulate(base_sc)
    changed = simulate(with_fractions(base_sc, changes))
    check = scaling_check(
        base,
        changed,
        groups,
        commodities,
        mains,
        changes,
        products=["Mg", "PVC", "NaOH", "MgOH2", "boric_acid", "Cl2"],
    )
    assert check.activity_ratio["mg_electrolysis"] == pytest.approx(2.0, rel=1e-9)
    assert check.activity_ratio["chlor_alkali"] == pytest.approx(2.0, rel=1e-9)
    assert check.activity_ratio["pvc_acetylene"] > 2.0  # the HCl chlorine stays as it was
    assert max(check.yield_deviation.values()) < 1e-9
    assert check.worst < 1e-9
    assert check.products["Cl2"]["simulated"] == pytest.approx(0.0, abs=1e-6)  # all used


@pytest.mark.slow
def test_less_potassium_in_the_brine_makes_no_more_kcl_per_m3() -> None:
    """Where the constant yields stop holding: a brine with 20 % less K (a drawn-down
    reservoir) gives no more KCl per m³ and less sylvite in the halite salt."""
    from brineworks.plan.linearise import linearise
    from brineworks.scenario import BrineSpec
    from brineworks.simulate import simulate

    sc = load_scenario("qarhan-potash")
    groups = {"potash_line": ["ponds", "potash"]}
    commodities = {"KCl": "KCl", "halite pond salt[Sylvite]": "sylvite"}
    yields = []
    for k in (1.0, 0.8):
        comp = {"Li": 0.0032, "Na": 4.0, "K": k, "Mg": 3.5, "SO4": 0.3, "B": 0.0093}
        brine = BrineSpec(
            unit="wt%", composition=comp, density_g_cm3=1.24, balance_on="Cl", flow_m3_per_yr=1.0e8
        )
        r = simulate(sc.model_copy(update={"brine": brine}))
        yields.append(linearise(r, groups, commodities, {"potash_line": "KCl"})["potash_line"])
    assert yields[1].activity_t_per_yr <= yields[0].activity_t_per_yr
    assert yields[1].yields["sylvite"] < yields[0].yields["sylvite"]


@pytest.mark.slow
def test_builtin_plan_short_horizon() -> None:
    data = resolve(SUP, "mid", years=6)
    r = solve(data)
    assert r.solver.status == "optimal"
    assert r.solver.gap <= 1e-3
    assert math.isfinite(r.npv_cny)
    for y in r.yearly:
        assert y["brine_m3"] <= data.commodities["brine"].buy_limit[0] * (1 + 1e-9)  # type: ignore[index]
        assert y["fresh_water_m3"] <= data.quotas["fresh_water"][0] * (1 + 1e-9)
        assert y["power_mwh"] <= data.quotas["power"][0] * (1 + 1e-9)
        assert y["capex_cny"] <= data.budget[0] * (1 + 1e-9)  # type: ignore[index]
