"""Guards on the data files that are not chemistry tables (those are in chemistry/): shapes,
provenance on every row, and column sums, so that a silent edit fails here."""

from __future__ import annotations

import pytest

from brineworks.data import read_rows as _rows

SOLUTES = ("Li", "Na", "K", "Mg", "Ca", "Sr", "Cl", "Br", "SO4", "B", "CO3", "HCO3")


def test_brine_catalogue() -> None:
    rows = _rows("brines.csv")
    assert list(rows[0]) == ["slug", "name", "unit", *SOLUTES, "density_g_cm3", "temperature_c",
                             "pH", "balance_on", "source", "status", "note"]  # fmt: skip
    assert len(rows) == 26
    assert all(r["source"] and r["status"] in {"R", "R-weak", "assumption"} for r in rows)
    total = sum(float(r[k]) for r in rows for k in SOLUTES if r[k].strip())
    assert total == pytest.approx(1058.632034, abs=1e-6)


def test_climate() -> None:
    rows = _rows("climate.csv")
    assert len(rows) == 7
    assert all(r["source"] and r["mode"] in {"pan", "net"} for r in rows)
    pan = sum(float(r["pan_evaporation_mm_per_yr"] or 0) for r in rows)
    net = sum(float(r["net_brine_evaporation_m_per_yr"] or 0) for r in rows)
    total = pan + net
    assert total == pytest.approx(3288.269, abs=1e-9)


def test_climate_monthly() -> None:
    rows = _rows("climate_monthly.csv")
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    assert list(rows[0]) == ["site", "quantity", "unit", *months, "station", "period", "source",
                             "status", "note"]  # fmt: skip
    assert len(rows) == 4
    assert all(r["source"] and r["station"] and r["status"] in {"R", "R-weak"} for r in rows)
    total = sum(float(r[m]) for r in rows for m in months)
    assert total == pytest.approx(4514.4 + 3.32 + 142.16 + 401.7, abs=1e-9)


def test_unit_parameters_and_losses() -> None:
    params = _rows("process", "unit_parameters.csv")
    assert len(params) == 50
    for r in params:
        assert r["source"]
        assert r["status"] in {"R", "R-weak", "D", "assumption"}
        assert float(r["min"]) <= float(r["value"]) <= float(r["max"])
    # an assumption says what range it was given
    assert all("range" in r["note"] for r in params if r["status"] == "assumption"
               and r["family"] in {"brine_pumping", "flotation"})  # fmt: skip
    assert sum(float(r["value"]) for r in params) == pytest.approx(10758.502, abs=1e-9)
    losses = _rows("pond_losses.csv")
    assert {r["quantity"] for r in losses} == {"seepage_rate", "entrainment"}
    assert sum(float(r["value"]) for r in losses) == pytest.approx(0.100000001, abs=1e-15)


def test_reactions_components_and_suppressed_phases() -> None:
    reactions = _rows("process", "reactions.csv")
    assert len(reactions) == 11
    assert all(r["source"] and r["status"] in {"D", "assumption"} for r in reactions)
    assert sum(float(r["conversion"]) for r in reactions) == pytest.approx(9.74)
    assert len(_rows("process", "components.csv")) == 33
    suppressed = _rows("thermo", "suppressed_phases.csv")
    assert [r["phase"] for r in suppressed] == [
        "Goergeyite",
        "Dolomite",
        "Magnesite",
        "Li2SO4_3Na2SO4_12H2O",
    ]
    assert all(r["reason"] and r["source"] for r in suppressed)


def test_indicator_and_carbon_tables() -> None:
    """The accounting's tables: every row sourced (or, for a minimum that could not be read,
    saying so without a value), every assumption with its range."""
    rates = _rows("indicators", "three_rates.csv")
    for r in rates:
        assert r["source"]
        assert r["status"] in {"R", "R-weak", "not_read", "not_found"}
        assert (r["minimum"] == "") == (r["status"] in {"not_read", "not_found"})
    quotas = _rows("indicators", "energy_quotas.csv")
    assert all(float(r["level_1"]) <= float(r["level_2"]) <= float(r["level_3"]) for r in quotas)
    grades = _rows("indicators", "product_grades.csv")
    assert {r["limit"] for r in grades} == {"min", "max"}
    co2 = _rows("process", "co2_factors.csv")
    for r in co2:
        assert r["source"]
        assert float(r["low"]) <= float(r["value"]) <= float(r["high"])
    totals = (
        len(rates), len(quotas), len(grades), sum(float(r["value"]) for r in grades),
        sum(float(r["value"]) for r in co2),
    )  # fmt: skip
    assert totals == (8, 6, 27, pytest.approx(482.205), pytest.approx(104.39))
