"""Guards on the impact and IO data files: shapes, provenance on every row, column sums (so a
silent edit fails here)."""

from __future__ import annotations

import csv
from importlib.resources import files

import pytest

STATUSES = {"R", "R-weak", "D", "assumption"}


def _rows(*parts: str) -> list[dict[str, str]]:
    text = files("brineworks.data").joinpath(*parts).read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def test_io_tables_unchanged() -> None:
    """Domestic gross output of the NBS tables (10^4 CNY) as extracted from ionet."""
    for name, total in (("china_2018_42.csv", 24954982693.144238),
                        ("china_2020_42.csv", 26990278045.43227)):  # fmt: skip
        rows = _rows("io", name)
        assert len(rows) == 91
        domestic = [r for r in rows if r["Origin"] == "Domestic"]
        assert sum(float(r["GO"]) for r in domestic) == pytest.approx(total, rel=1e-12)
    emp = _rows("io", "china_employment.csv")
    assert sum(float(r["2018"]) for r in emp if r["Code"] != "TOT") == pytest.approx(150568.67)


def test_employment_map_covers_every_code_once() -> None:
    rows = _rows("io", "employment_map.csv")
    assert [r["io_sector"] for r in rows] == [f"{k:02d}" for k in range(1, 43)]
    codes = [c for r in rows for c in r["employment_codes"].split("+")]
    assert len(codes) == len(set(codes))
    emp = {r["Code"] for r in _rows("io", "china_employment.csv")}
    assert set(codes) <= emp
    subsectors = {c for c in emp if len(c) > 1 and c != "TOT"}
    letters_alone = {c for c in emp if len(c) == 1 and not any(s.startswith(c) for s in
                                                                subsectors)}  # fmt: skip
    assert subsectors | letters_alone == set(codes)


@pytest.mark.parametrize(
    ("name", "n", "columns", "sums"),
    [
        ("jobs.csv", 15, ("capacity_t_per_yr", "jobs", "low", "high"),
         (19361300.0, 10000.0, 4420.0, 19420.0)),
        ("parameters.csv", 11, ("value",), (113359.390403,)),
        ("product_prices.csv", 10, ("price_cny_per_t",), (110045.33,)),
        ("tax_sharing.csv", 9, ("central_share", "local_share"), (2.2, 6.8)),
        ("stockpiles.csv", 9, ("bulk_density_t_m3",), (8.1,)),
        ("measures.csv", 7, ("cost_cny", "income_cny_per_household_yr"), (90000.0, 105600.0)),
        ("regions.csv", 2, ("gdp_cny",), (323.378e9,)),
        ("footprint_limits.csv", 6, ("limit",), (2736.0,)),
    ],
)  # fmt: skip
def test_impact_files(name: str, n: int, columns: tuple[str, ...], sums: tuple[float, ...]) -> None:
    rows = _rows("impact", name)
    assert len(rows) == n
    for col, total in zip(columns, sums, strict=True):
        assert sum(float(r[col] or 0) for r in rows) == pytest.approx(total, rel=1e-9)
    for r in rows:
        assert r["source"]
        status = r["status"]
        assert status in STATUSES | {"not_found"}
        if status == "assumption" and "low" in r and r.get("low"):
            assert r["high"]
            assert r["note"]


def test_tax_shares_add_up() -> None:
    for r in _rows("impact", "tax_sharing.csv"):
        assert float(r["central_share"]) + float(r["local_share"]) == pytest.approx(1.0)


def test_every_plant_sector_has_jobs_and_prices() -> None:
    """Every plant has jobs data, and what it sells a price in the economics' price sets (the
    impact values output at the park's own prices)."""
    from brineworks.economics import load_prices

    jobs = {r["target"] for r in _rows("impact", "jobs.csv")}
    sectors = _rows("impact", "plant_sectors.csv")
    assert {r["target"] for r in sectors} == jobs
    for r in sectors:
        assert 1 <= int(r["io_sector"]) <= 42
        for p in filter(None, r["sells"].split(";")):
            assert load_prices("mid").find(p) is not None, (r["target"], p)
