"""The accounting tables of the report and workbook: one definition, read two ways."""

from __future__ import annotations

from typing import Any

from brineworks.report.accounts import (
    Table,
    grade_name,
    grade_table,
    minimum_text,
    quota_table,
    three_rates_table,
)
from brineworks.report.i18n import catalogue

EN, ZH = catalogue("en"), catalogue("zh")


def test_minimums_are_checked_and_missing_ones_say_why() -> None:
    rows = [
        {"rate": "mining_recovery", "minimum": "0.80", "applies": "analogue", "year": "2020",
         "status": "R-weak"},
        {"rate": "processing_recovery", "minimum": "0.95", "applies": "practice", "year": "2013",
         "status": "R-weak"},
    ]  # fmt: skip
    text = minimum_text(rows, EN, {"mining_recovery": 0.97, "processing_recovery": 0.73})
    assert "mining recovery ≥ 80% ✓ (analogue, 2020)" in text
    assert "processing recovery ≥ 95% ✗ (practice, 2013)" in text
    assert minimum_text([{"rate": "all", "minimum": "", "status": "not_read"}], ZH) == (
        "最低指标已发布但未能读到数值"
    )
    assert "no official minimum" in minimum_text([], EN)


def test_grade_names_in_each_language() -> None:
    assert grade_name("一等品 (first)", ZH) == "一等品"
    assert grade_name("一等品 (first)", EN) == "first"
    assert grade_name("battery", ZH) == "电池级"
    assert grade_name(None, EN) == "below grade"


def test_workbook_keeps_numbers_and_the_report_formats_them() -> None:
    ind: dict[str, Any] = {
        "three_rates": {"K": {"pumped_t": 5.2e6, "mining_recovery": 0.97,
                              "processing_recovery": 0.73, "comprehensive_utilisation": 0.71,
                              "products_t": 3.7e6},
                        "Li": {"pumped_t": 0.0}},
        "three_rates_official_minimums": {},
    }  # fmt: skip
    t = three_rates_table(ind, EN)
    assert isinstance(t, Table)
    assert len(t.rows) == 1
    assert t.raw()[0][2] == 97.0  # shares in per cent in the workbook
    assert t.unit_headers(EN)[1] == "pumped [t/yr]"
    assert t.formatted(ZH)[0][1] == "520 万吨/年"
    assert t.formatted(EN)[0][4] == "71.0%"


def test_grades_name_the_limits_of_the_next_grade() -> None:
    checks = [
        {"grade": "优等品 (superior)", "parameter": "K2O", "limit": "min", "value": 60.0,
         "product": 58.9, "pass": False},
        {"grade": "一等品 (first)", "parameter": "K2O", "limit": "min", "value": 57.0,
         "product": 58.9, "pass": True},
    ]  # fmt: skip
    ind = {"product_grades": {"KCl": {"standard": "GB 6549-2011", "grade": "一等品 (first)",
                                      "purity_pct": 93.0, "checks": checks},
                              "H2": {"purity_pct": 100.0}}}  # fmt: skip
    rows = grade_table(ind, EN).formatted(EN)
    assert len(rows) == 1
    assert rows[0][2] == "first"
    assert rows[0][4] == "K2O 58.9 % < 60 % (superior)"


def test_quota_verdicts() -> None:
    quota = {"standard": "GB 21257-2024", "level_1": 308.0, "level_2": 315.0, "level_3": 350.0}
    data = {"energy_against_quotas": [
        {"product": "NaOH", "kgce_per_t": 400.0, "route": "liquid", "quota": quota,
         "meets_level": 0},
        {"product": "NaOH", "kgce_per_t": 310.0, "route": "liquid", "quota": quota,
         "meets_level": 2},
        {"product": "KCl", "kgce_per_t": 30.0, "quota": None},
    ]}  # fmt: skip
    verdicts = [r[-1] for r in quota_table(data, EN).formatted(EN)]
    assert verdicts == ["above the level-3 limit", "meets level 2",
                        "no national quota for this product"]  # fmt: skip
