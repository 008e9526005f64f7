"""The regional-impact and footprint tables: one definition, formatted for the report and kept
as numbers for the workbook."""

from __future__ import annotations

from typing import Any

import pytest

from brineworks.report.accounts import Measure, format_measure
from brineworks.report.i18n import catalogue
from brineworks.report.regional import (
    footprint_sources,
    footprint_table,
    jobs_table,
    plant_jobs_table,
    regionalisation_label,
    regionalisation_table,
    stockpile_land_table,
    taxes_table,
)

EN, ZH = catalogue("en"), catalogue("zh")

TAXES: dict[str, Any] = {
    "total": 110.0, "central": 50.0, "local": 60.0, "basis": "given",
    "by_kind": {"vat": {"total": 100.0, "central": 50.0, "local": 50.0},
                "resource_tax": {"total": 10.0, "central": 0.0, "local": 10.0}},
}  # fmt: skip


def test_taxes_by_government_with_their_total() -> None:
    table = taxes_table({"taxes_cny": TAXES}, ZH)
    assert [r[0] for r in table.rows] == ["增值税", "资源税", "合计"]
    assert table.raw()[-1][1:] == [110.0, 50.0, 60.0]
    assert table.unit_headers(ZH)[1] == "合计 [元/年]"
    assert table.formatted(EN)[0][1] == "100 CNY/yr"


@pytest.mark.parametrize(
    ("rule", "zh", "en"),
    [
        ("national table, no regionalisation", "全国乘数，未区域化（上限）",
         "national multipliers, not regionalised (an upper bound)"),
        ("uniform local-purchase share 0.5 (intermediates), 0.7 (household spending)",
         "统一比例：中间投入本地采购 50%，居民消费本地份额 70%",
         "uniform: 50% of intermediate purchases and 70% of household spending local"),
        ("SLQ (1: 0.172, 2: 1.82) of golmud, FLQ λ = 0.104 (δ = 0.3); household spending 0.7",
         "格尔木市 FLQ 区位商（λ = 0.104）；居民消费本地份额 70%",
         "FLQ location quotients of Golmud (λ = 0.104); 70% of household spending local"),
        ("SLQ (1: 0.172, 2: 1.82) of golmud; household spending 0.7",
         "格尔木市 SLQ 区位商；居民消费本地份额 70%",
         "SLQ location quotients of Golmud; 70% of household spending local"),
        ("a user's own rule", "a user's own rule", "a user's own rule"),
    ],
)  # fmt: skip
def test_regionalisation_rules_read_in_each_language(rule: str, zh: str, en: str) -> None:
    assert regionalisation_label(rule, ZH) == zh
    assert regionalisation_label(rule, EN) == en


def test_the_rule_in_force_is_marked_once() -> None:
    rules = [
        "national table, no regionalisation",
        "uniform local-purchase share 0.5 (intermediates), 0.7 (household spending)",
    ]
    impact = {
        "regionalisation": rules[1],
        "sensitivity": [{"regionalisation": r, "indirect_jobs": 10.0 * i, "induced_jobs": 1.0,
                         "local_income_cny": 1e8} for i, r in enumerate(rules)],
    }  # fmt: skip
    labels = [r[0] for r in regionalisation_table(impact, EN).rows]
    assert [label.endswith("(in force)") for label in labels] == [False, True]


def test_jobs_and_plants() -> None:
    impact = {
        "direct": {"jobs": 100.4, "wages_cny": 1e7, "output_cny": 2e8, "jobs_low": 50.0,
                   "jobs_high": 150.0, "local_jobs": 60.0},
        "indirect": {"jobs": 200.0, "wages_cny": 2e7, "output_cny": 1e8},
        "plants": [{"name": "potash", "capacity_t_per_yr": 1e6, "jobs": 100.4, "jobs_low": 50.0,
                    "jobs_high": 150.0, "jobs_status": "assumption",
                    "jobs_source": "none found"}],
    }  # fmt: skip
    jobs = jobs_table(impact, EN)
    assert jobs.formatted(EN)[0][:4] == ["direct (the park's plants)", "100", "50–150", "60"]
    assert jobs.raw()[-1][1] == pytest.approx(300.4)  # the total; no induced block
    assert jobs.unit_headers(EN)[1] == "jobs [persons]"
    plants = plant_jobs_table(impact, ZH)
    assert plants.formatted(ZH)[0] == ["potash", "100 万吨/年", "100", "50–150", "假设"]
    sources = footprint_sources({"impact": impact}, ZH)
    assert sources.rows == [["直接就业：potash", "假设", "none found"]]


def test_footprint_values_in_each_rows_unit() -> None:
    fp = {
        "items": {
            "pond_and_pile_land_km2": {"value": 517.75, "unit": "km2", "limit": 2736.0,
                                       "share_of_limit": 0.189, "status": "within"},
            "fresh_water_m3_per_yr": {"value": 2.2153e7, "unit": "m3/yr", "limit": None,
                                      "share_of_limit": None, "status": "no limit"},
            "co2_t_per_yr": {"value": 4e6, "unit": "t/yr", "limit": 3e6,
                             "share_of_limit": 4 / 3, "status": "exceeds"},
        },
        "co2_intensity_kg_per_t": 400.5,
        "stockpiles": [
            {"stream": "bischofite stockpile", "material": "bischofite", "t_per_yr": 8.9e7,
             "placement": "pile", "land_km2_per_yr": 8.9, "dust_prone": False},
            {"stream": "evaporator salts", "material": "unknown", "t_per_yr": 0.0,
             "placement": "pile", "land_km2_per_yr": 0.0, "dust_prone": True},
        ],
    }  # fmt: skip
    table = footprint_table(fp, ZH)
    cells = table.formatted(ZH)
    assert cells[0][1:5] == ["517.8 平方公里", "2,736 平方公里", "18.9%", "未超限值 ✓"]
    assert cells[1][1:3] == ["2,215 万立方米/年", "–"]
    assert cells[2][4] == "超过限值 ✗"
    assert cells[3][0] == "单位产品二氧化碳排放"
    raw = table.raw()
    assert raw[0][1:4] == [517.75, 2736.0, pytest.approx(18.9)]  # numbers, shares in per cent
    assert [r[-1] for r in raw] == ["平方公里", "立方米/年", "吨/年", "千克/吨"]
    piles = stockpile_land_table(fp, ZH)
    assert len(piles.rows) == 1  # the empty stream is left out
    row = ["水氯镁石", "8,900 万吨/年", "堆场", "8.9 平方公里/年", "否"]
    assert piles.formatted(ZH)[0][1:] == row


def test_missing_blocks_give_empty_tables() -> None:
    for build in (jobs_table, taxes_table, regionalisation_table, plant_jobs_table):
        assert build({}, EN).rows == []
    assert footprint_table({}, EN).rows == []
    assert stockpile_land_table({}, EN).rows == []
    assert footprint_sources({}, EN).rows == []


def test_measures_read_in_the_languages_scales() -> None:
    assert format_measure(Measure(3.55e6, "t/yr"), ZH) == "355 万吨/年"
    assert format_measure(Measure(3.55e6, "t/yr"), EN) == "3,550 kt/yr"
    assert format_measure(Measure(None, "km2"), EN) == "–"
    assert format_measure(Measure(400.5, "kg/t"), EN) == "400.5 kg/t"
