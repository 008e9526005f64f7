"""Input–output multipliers: a textbook example, the national tables against published totals,
and properties of the type-II closure and of regionalisation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from brineworks.errors import InputError
from brineworks.impact.io import (
    Regionalisation,
    leontief,
    load_table,
    multipliers,
)

HEADER = "Code,Description,Origin,01,02,TIU,TC,FU201,EX,TFU,GO\n"


def _two_sector_table(path: Path) -> Path:
    """Miller & Blair (2009), *Input–Output Analysis*, 2nd ed., section 2.3 (Table 2.3):
    Z = [[150, 500], [200, 100]], x = (1000, 2000); value added 650 and 1,400. The split of value
    added into compensation (300, 500) and the consumption column (50, 150) are this test's own
    numbers, used only for the type-II consistency checks."""
    text = HEADER + (
        "01,Sector one,Domestic,150,500,650,50,0,300,350,1000\n"
        "02,Sector two,Domestic,200,100,300,150,0,1550,1700,2000\n"
        "01,Sector one,Imports,0,0,0,0,0,0,0,0\n"
        "02,Sector two,Imports,0,0,0,0,0,0,0,0\n"
        "VA001,Compensation,TOT,300,500,,,,,,\n"
        "VA002,Net taxes,TOT,50,100,,,,,,\n"
        "VA003,Depreciation,TOT,100,200,,,,,,\n"
        "VA004,Surplus,TOT,200,600,,,,,,\n"
        "TVA,Value added,TOT,650,1400,,,,,,\n"
        "EMP,Persons,TOT,40,20,,,,,,\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


def test_leontief_textbook_example(tmp_path: Path) -> None:
    """Miller & Blair (2009) eq. 2.14: L = [[1.254, 0.330], [0.264, 1.122]]; section 6.2.1:
    simple output multipliers 1.518 and 1.452."""
    table = load_table(_two_sector_table(tmp_path / "mb.csv"))
    np.testing.assert_allclose(table.coefficients, [[0.15, 0.25], [0.2, 0.05]], atol=1e-12)
    m = multipliers(table)
    np.testing.assert_allclose(m.leontief, [[1.254, 0.330], [0.264, 1.122]], atol=5e-4)
    np.testing.assert_allclose(m.output_type_i, [1.518, 1.452], atol=5e-4)


def test_type_ii_is_the_closed_model(tmp_path: Path) -> None:
    """Type II equals the column sums of the inverse of A bordered by the household row and
    column, computed here independently; it exceeds type I; employment multipliers are e·L."""
    table = load_table(_two_sector_table(tmp_path / "mb.csv"))
    m = multipliers(table)
    hr = np.array([300 / 1000, 500 / 2000])
    hc = table.household_share * np.array([50.0, 150.0]) / 800.0
    closed = np.array([[0.15, 0.25, hc[0]], [0.2, 0.05, hc[1]], [hr[0], hr[1], 0.0]])
    lbar = np.linalg.inv(np.eye(3) - closed)
    np.testing.assert_allclose(m.output_type_ii, lbar[:2, :2].sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(m.income_per_cny_type_ii, lbar[2, :2], rtol=1e-12)
    np.testing.assert_allclose(m.income_per_cny_type_i, hr @ m.leontief, rtol=1e-12)
    np.testing.assert_allclose(m.income_type_i, (hr @ m.leontief) / hr, rtol=1e-12)
    assert np.all(m.output_type_ii > m.output_type_i)
    # EMP row in persons (not 10^4 CNY like the money rows); output 10^7 and 2 x 10^7 CNY
    e = np.array([40 / 1.0e7, 20 / 2.0e7])
    np.testing.assert_allclose(m.jobs_per_mcny_type_i, 1e6 * (e @ m.leontief), rtol=1e-12)


def test_2020_value_added_is_gdp() -> None:
    """NBS: China's 2020 GDP 101.6 trillion CNY (101,598.6 bn in the 2021 communiqué)."""
    table = load_table("china-2020-42")
    assert table.value_added.sum() == pytest.approx(101.6e12, rel=0.003)
    assert len(table.codes) == 42


def test_tables_balance() -> None:
    """Each sector's inputs (domestic, imported, value added) equal its output; the employment
    mapping covers all 775.86 million employed persons of 2018 (77,586 x 10^4)."""
    for name in ("china-2018-42", "china-2020-42"):
        t = load_table(name)
        assert np.all(t.output > 0)
        assert np.all(t.z.sum(axis=0) + t.value_added <= t.output * (1 + 1e-9))
        assert t.employment is not None
        assert t.employment.sum() == pytest.approx(775.86e6, rel=1e-4)


def test_chemicals_mapping_and_magnitudes() -> None:
    """Sector 12 employs C14 + C15 + C16 + C17 of 2018 (526 + 366 + 62 + 385 = 1,339 x 10^4)."""
    t = load_table("china-2020-42")
    assert t.employment is not None
    assert t.employment[t.index("12")] == pytest.approx(1339e4)
    m = multipliers(t)
    for code in t.codes:
        s = m.sector(code)
        assert 1.0 <= s["output_type_i"] <= s["output_type_ii"]
        assert s["jobs_per_mcny_final_demand"] > 0


def test_regionalisation_lowers_multipliers() -> None:
    t = load_table("china-2020-42")
    national = multipliers(t).output_type_i
    shares = [multipliers(t, Regionalisation.uniform(t, s, s)).output_type_ii for s in
              (0.2, 0.5, 0.8)]  # fmt: skip
    assert np.all(shares[0] < shares[1])
    assert np.all(shares[1] < shares[2])
    slq = multipliers(t, Regionalisation.location_quotients(t, "golmud")).output_type_i
    flq = multipliers(t, Regionalisation.location_quotients(t, "golmud", 0.3)).output_type_i
    assert np.all(flq <= slq + 1e-12)
    assert np.all(slq <= national + 1e-12)
    assert np.all(flq >= 1.0)


def test_bad_tables_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="table"):
        load_table("china-1999-42")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "01,x,Domestic,1,2,3,1,0,0,1,abc\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_table(bad)
    with pytest.raises(InputError, match="productive"):
        leontief(np.array([[1.0]]))
