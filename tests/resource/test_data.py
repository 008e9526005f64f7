"""The reservoir data: provenance on every row, assumptions with ranges, the derived numbers
re-derived, and the built-in [reservoir] tables equal to the data they cite."""

from __future__ import annotations

import pytest

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import catalogue
from brineworks.data import read_rows
from brineworks.resource.data import parameter, parameters, resource_brine, resource_brine_names
from brineworks.scenario import load_scenario

STATUSES = {"sourced", "derived", "assumption"}
KCL, K, LI, LICL, MG, MGCL2, B, B2O3 = 74.551, 39.098, 6.94, 42.39, 24.305, 95.211, 10.81, 69.62


def _codes() -> set[str]:
    return {r["code"] for r in read_rows("resource", "sources.csv")}


@pytest.mark.parametrize("table", ["parameters.csv", "brines.csv", "history.csv"])
def test_every_row_has_a_known_source_a_year_and_a_status(table: str) -> None:
    codes = _codes()
    for r in read_rows("resource", table):
        assert r["source"] in codes, r
        assert r["status"] in STATUSES, r
        assert r["year"] == "" or (r["year"].isdigit() and 1990 <= int(r["year"]) <= 2030), r
        assert r["note"].strip(), r


def test_assumptions_carry_a_range_around_their_value() -> None:
    assumed = [p for p in parameters() if p.status == "assumption"]
    assert len(assumed) >= 15
    for p in assumed:
        assert p.low is not None, p
        assert p.high is not None, p
        assert p.low <= p.value <= p.high, p


def test_specific_yield_is_rederived_from_the_sourced_figures() -> None:
    kcl = parameter("qarhan", "all", "kcl_resource").value
    solid = parameter("qarhan", "all", "solid_kcl_share").value
    k = parameter("qarhan", "all", "mean_k_brine").value  # g/L
    area = parameter("qarhan", "all", "area").value * 1e6
    thickness = parameter("qarhan", "all", "saturated_thickness").value
    brine_m3 = kcl * (1 - solid) * 1e3 / (k * KCL / K)  # kg / (kg/m3)
    assert brine_m3 == pytest.approx(1.44e10, rel=2e-3)
    sy = brine_m3 / area / thickness
    assert sy == pytest.approx(parameter("qarhan", "all", "specific_yield").value, rel=0.03)


def test_section_areas_add_up_to_the_playa() -> None:
    zones = ("bieletan", "dabuxun", "qarhan", "huobuxun")
    total = sum(parameter("qarhan", z, "area").value for z in zones)
    assert total == pytest.approx(parameter("qarhan", "all", "area").value)


def test_resource_brines_build_and_do_not_shadow_the_catalogue(backend: ThermoBackend) -> None:
    slugs = {e.slug for e in catalogue()}
    for name in resource_brine_names():
        assert name not in slugs
        b = resource_brine(name, temperature_c=25.0, backend=backend)
        assert abs(b.charge_balance().percent) < 1e-9
    mahai = resource_brine("mahai-shallow", temperature_c=25.0, backend=backend)
    wt = mahai.concentrations("wt%")
    assert wt["K"] * KCL / K == pytest.approx(parameter("mahai", "all", "kcl_grade_start").value,
                                              rel=1e-3)  # fmt: skip


@pytest.mark.parametrize("name", ["qarhan-potash", "qarhan-lithium", "qarhan-circular"])
def test_builtin_lake_uses_the_numbers_of_the_data(name: str) -> None:
    spec = load_scenario(name).reservoir
    assert spec is not None
    thickness = parameter("qarhan", "all", "saturated_thickness").value
    sy = parameter("qarhan", "all", "specific_yield").value
    fraction = parameter("qarhan", "all", "halite_solid_fraction").value
    solid_kcl = (parameter("qarhan", "all", "kcl_resource").value
                 * parameter("qarhan", "all", "solid_kcl_share").value)  # fmt: skip
    share = parameter("qarhan", "bieletan", "potash_share").value
    carnallite = parameter("qarhan", "bieletan", "solid_k_in_carnallite").value
    areas = {z.name: z.area_km2 for z in spec.zones}
    rest = sum(a for z, a in areas.items() if z != "bieletan")
    for z in spec.zones:
        assert z.area_km2 == parameter("qarhan", z.name, "area").value
        assert z.thickness_m == thickness
        assert z.specific_yield == sy
        assert z.halite_t == pytest.approx(z.area_km2 * 1e6 * thickness * fraction * 2.165,
                                           rel=1e-3)  # fmt: skip
        k_share = share if z.name == "bieletan" else (1 - share) * z.area_km2 / rest
        k_mol = solid_kcl * k_share * 1e6 / KCL
        assert z.ore_t["Carnallite"] == pytest.approx(k_mol * carnallite * 277.85 / 1e6, rel=1e-3)
        assert z.ore_t["Sylvite"] == pytest.approx(k_mol * (1 - carnallite) * KCL / 1e6, rel=1e-3)
    inflows = {f.name: f for f in spec.inflows}
    assert inflows["lake and canal water"].m3_per_yr_per_m == (
        parameter("qarhan", "bieletan", "induced_inflow").value
    )
    golmud = parameter("qarhan", "dabuxun", "golmud_river_recharge").value
    springs = parameter("qarhan", "qarhan", "spring_inflow").value
    assert inflows["Golmud River"].m3_per_yr == golmud
    assert inflows["northern springs"].m3_per_yr == springs
    evaporation = {z.name: z.evaporation_m_per_yr for z in spec.zones}
    assert evaporation["dabuxun"] * areas["dabuxun"] * 1e6 == pytest.approx(golmud, rel=1e-3)
    assert evaporation["qarhan"] * areas["qarhan"] * 1e6 == pytest.approx(springs, rel=1e-3)
    assert spec.conversion is not None
    assert spec.conversion.contact == parameter("qarhan", "bieletan", "conversion_contact").value
    assert spec.conversion.water_m3_per_yr == (
        parameter("qarhan", "bieletan", "conversion_water").value
    )
    # cut-offs: DZ/T 0212 boundary grades at 1.25 g/cm3
    cut = spec.cutoff_g_per_l
    assert cut["K"] == pytest.approx(0.005 * 1250 * K / KCL, rel=2e-3)
    assert cut["Li"] == pytest.approx(0.150 * LI / LICL, rel=2e-3)
    assert cut["Mg"] == pytest.approx(0.02 * 1250 * MG / MGCL2, rel=2e-3)
    assert cut["B"] == pytest.approx(0.400 * 2 * B / B2O3, rel=2e-3)
