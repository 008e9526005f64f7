"""Ecological footprint: land of piles from mass, density and height; limits and quotas."""

from __future__ import annotations

import pytest

from brineworks.errors import InputError
from brineworks.impact.footprint import footprint


def test_pile_land_grows_year_by_year() -> None:
    """1.2 Mt/yr of halite at 1.2 t/m3 piled 10 m high: 1e6 m3/yr -> 0.1 km2/yr."""
    f = footprint(10.0, {"halite stockpile": 1.2e6, "halite pond residue": 5e6,
                         "CaCl2 liquor": 1e6}, years=20, pile_height_m=10.0)  # fmt: skip
    assert f.stockpile_land_km2_by_year[0] == pytest.approx(0.1)
    assert f.stockpile_land_km2_by_year[-1] == pytest.approx(2.0)
    assert f.item("pond_and_pile_land_km2").value == pytest.approx(12.0)
    assert f.item("dust_prone_area_km2").value == pytest.approx(2.0)
    placements = {s.stream: s.land_km2_per_yr for s in f.stockpiles}
    assert placements["halite pond residue"] == 0.0
    assert placements["CaCl2 liquor"] == 0.0


def test_limits_and_quotas() -> None:
    f = footprint(50.0, {}, fresh_water_m3_per_yr=3e6, co2_t_per_yr=2e5, products_t_per_yr=1e6,
                  quotas={"fresh_water_m3_per_yr": 2e6})  # fmt: skip
    water = f.item("fresh_water_m3_per_yr")
    assert water.status == "exceeds"
    assert water.share_of_limit == pytest.approx(1.5)
    assert f.item("co2_t_per_yr").status == "no limit"
    assert f.item("land_in_red_line_km2").status == "not assessed"
    assert f.item("land_in_red_line_km2").limit == 0.0
    assert f.co2_intensity_kg_per_t == pytest.approx(200.0)
    names = {c["name"] for c in f.constraints()}
    assert names == {"fresh_water_m3_per_yr", "pond_and_pile_land_km2"}
    with pytest.raises(InputError, match="quota"):
        footprint(1.0, {}, quotas={"noise_db": 3.0})


def test_unknown_waste_is_piled_and_noted() -> None:
    f = footprint(None, {"odd residue": 1.2e6}, pile_height_m=10.0, years=1)
    assert f.stockpile_land_km2_by_year == pytest.approx((0.1,))
    assert f.item("pond_and_pile_land_km2").status == "not assessed"
    assert any("odd residue" in n for n in f.notes)
