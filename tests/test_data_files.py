"""Guards on the data files that are not chemistry tables (those are in chemistry/): shapes,
provenance on every row, and column sums, so that a silent edit fails here."""

from __future__ import annotations

import csv
from importlib.resources import files

import pytest


def _rows(*parts: str) -> list[dict[str, str]]:
    text = files("brineworks.data").joinpath(*parts).read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


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
    assert len(params) == 38
    for r in params:
        assert r["source"]
        assert r["status"] in {"R", "R-weak", "D", "assumption"}
        assert float(r["min"]) <= float(r["value"]) <= float(r["max"])
    assert sum(float(r["value"]) for r in params) == pytest.approx(10734.88, abs=1e-9)
    losses = _rows("pond_losses.csv")
    assert {r["quantity"] for r in losses} == {"seepage_rate", "entrainment"}
    assert sum(float(r["value"]) for r in losses) == pytest.approx(0.100000001, abs=1e-15)


def test_reactions_components_and_suppressed_phases() -> None:
    reactions = _rows("process", "reactions.csv")
    assert len(reactions) == 8
    assert all(r["source"] and r["status"] in {"D", "assumption"} for r in reactions)
    assert sum(float(r["conversion"]) for r in reactions) == pytest.approx(7.72)
    assert len(_rows("process", "components.csv")) == 30
    suppressed = _rows("thermo", "suppressed_phases.csv")
    assert [r["phase"] for r in suppressed] == [
        "Goergeyite",
        "Dolomite",
        "Magnesite",
        "Li2SO4_3Na2SO4_12H2O",
    ]
    assert all(r["reason"] and r["source"] for r in suppressed)
