"""The main job's outputs as a reader gets them: the report page in each language (summary
first, plotly.js once before every figure, sections present or noted as absent, no
e-notation), and the workbook read back by pandas and openpyxl."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from brineworks.report.html import render_html
from brineworks.report.results import physical_results, results_dict
from brineworks.simulate import SimulationResult

MiB = 1024 * 1024


def _page(reports: dict[str, Path], lang: str) -> str:
    return (reports[lang] / "report.html").read_text(encoding="utf-8")


def _visible_text(page: str) -> str:
    body = page[page.index("<body>") :]
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_structure(reports: dict[str, Path], lang: str) -> None:
    page = _page(reports, lang)
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page
    library = [m.start() for m in re.finditer(r"plotly\.js v\d", page)]
    assert len(library) == 1, "plotly.js must be embedded exactly once"
    library_end = page.index("</script>", library[0])
    plots = [m.start() for m in re.finditer(r'class="plotly-graph-div"', page)]
    # per pond train its salts and its first pond's path; in zh also cash flow, tornado and
    # the stockpiles' land by year (footprint)
    assert len(plots) == 2 * 2 + (3 if lang == "zh" else 0)
    assert library_end < plots[0]
    calls = [m.start() for m in re.finditer(r"Plotly\.newPlot\(", page)]
    assert sum(c > library_end for c in calls) == len(plots)
    # the park diagram and one Sankey per element (K, Li, Mg, Na, B, Cl) and water
    assert page.count('<svg class="drawing"') == 1 + 7
    sections = re.findall(r'<section id="(\w+)"', page)
    assert sections[0] == "summary"
    assert sections[-1] == "appendix"


def test_chinese_page_speaks_chinese(reports: dict[str, Path]) -> None:
    page = _page(reports, "zh")
    # appendix E quotes each source as its data file gives it (provenance, often English)
    text = _visible_text(page[: page.index("<h3>E. ")])
    for term in (
        "摘要",
        "氯化钾",
        "水氯镁石",
        "光卤石",
        "资源综合利用率",
        "万吨/年",
        "亿元",
        "盐田",
    ):
        assert term in text, term
    for english in ("Summary", "Products", "Solar ponds", "What the park makes", "t/yr"):
        assert english not in text, english


def test_english_page_notes_what_is_absent(reports: dict[str, Path]) -> None:
    text = _visible_text(_page(reports, "en"))
    assert "kt/yr" in text
    assert "万吨" not in text
    for absent in ("Economics (run 'brineworks economics results.json'): not in this run.",
                   "Regional impact (jobs, taxes): not in this run.",
                   "Ecological footprint: not in this run.",
                   "Reservoir (grade over the years): not in this run.",
                   "Costs and earnings are not computed"):  # fmt: skip
        assert absent in text, absent


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_e_notation_for_readers_and_a_sane_size(reports: dict[str, Path], lang: str) -> None:
    page = _page(reports, lang)
    text = _visible_text(page)
    assert not re.search(r"\d\.?\d*e[+-]?\d", text), re.search(r".{30}\de[+-]?\d.{10}", text)
    # plotly.js (~3.6 MB) once, and the rest
    assert len(page.encode()) < 6 * MiB


def test_summary_ranks_assumptions_by_the_tornado(reports: dict[str, Path]) -> None:
    page = _page(reports, "zh")
    summary = page[page.index('<section id="summary">') : page.index('<section id="park">')]
    assert "按对净现值的影响排序" in summary
    assert "净现值" in summary
    assert "内部收益率" in summary
    assert "提高到" in summary  # what changed against qarhan-potash, in words
    assert "直接就业" in summary  # the people: direct jobs and the local governments' taxes
    assert "地方税收" in summary


def test_optional_blocks_render_when_present(
    circular: SimulationResult, circular_data: dict[str, Any]
) -> None:
    data = {
        **circular_data,
        "indicators": {**circular_data["indicators"],
                       "water_reuse_rate": {"value": 0.91, "minimum": 0.9, "source": "GB/T"}},
        "reservoir": {"years": [2025, 2030, 2035], "series": {"K": [1.0, 0.9, 0.8]},
                      "unit": "g/L", "region": "Golmud"},
        "plan": {"phases": [{"name": "phase 1", "start": 2025, "end": 2028}]},
        "ensemble": {"samples": {"NPV": [1.0, 2.0, 3.0]}, "unit": "M CNY"},
    }  # fmt: skip
    page = render_html(circular, data, "en")
    text = _visible_text(page)
    assert "not in this run" not in text
    assert "≥ 90.0% ✓ (GB/T)" in text
    assert "Golmud" in text
    # pond trains 4, cash flow and tornado 2, stockpile land 1, reservoir, plan, ensemble 3
    assert page.count('class="plotly-graph-div"') == 4 + 2 + 1 + 3


def test_impact_and_footprint_section(reports: dict[str, Path], circular_data: dict[str, Any]
                                      ) -> None:  # fmt: skip
    """The regional impact and footprint of the circular park, in Chinese, with the numbers of
    results.json: jobs by effect and their total, taxes split by government, the
    regionalisation in force marked, every footprint quantity with a verdict, sources in the
    appendix."""
    page = _page(reports, "zh")
    section = page[page.index('<section id="impact">') : page.index('<section id="baseline">')]
    text = _visible_text("<body>" + section)
    impact, fp = circular_data["impact"], circular_data["footprint"]
    jobs = [impact[k]["jobs"] for k in ("direct", "indirect", "induced")]
    for n in (*jobs, sum(jobs)):
        assert f"{n:,.0f}" in text, n
    assert "直接（园区各装置）" in text
    assert "引致（区域内居民消费）" in text
    assert "亿元/年" in text
    local = impact["taxes_cny"]["local"] / 1e8
    assert f"地方所得为 {local:.4g} 亿元/年" in text
    assert text.count("（采用）") + text.count("(采用)") == 1
    verdicts = ("未超限值 ✓", "超过限值 ✗", "未找到公开限值", "未评估")
    assert sum(text.count(v) for v in verdicts) == len(fp["items"]) + 1  # + CO2 intensity
    assert "盐田与堆场占地" in text
    assert "平方公里" in text
    assert "水氯镁石堆场" in text
    appendix = page[page.index('<section id="appendix">') :]
    assert "E. 区域影响与生态足迹的数据来源" in appendix
    assert "2,736 km2" in appendix  # the concession area's source, as the data file gives it


def test_workbook_reads_back(reports: dict[str, Path]) -> None:
    path = reports["zh"] / "results.xlsx"
    sheets = pd.read_excel(path, sheet_name=None)
    for name in ("摘要", "产品", "指标", "盐田", "辅料与公用工程", "设计规定", "方案对比", "假设",
                 "经济评价", "现金流量", "区域影响", "税收分享", "区域化方法", "各装置直接就业",
                 "生态足迹", "堆放于地面的固体", "区域影响与足迹来源"):  # fmt: skip
        assert name in sheets, name
        assert not sheets[name].empty, name
    products = sheets["产品"]
    assert products["产量 [吨/年]"].dtype.kind == "f"
    assert products.loc[products["名称"] == "氯化钾", "产量 [吨/年]"].iloc[0] > 1e6
    impact = sheets["区域影响"]
    assert impact["就业岗位 [人]"].dtype.kind == "f"
    assert impact["工资 [元/年]"].iloc[-1] > 1e9  # the total, in CNY/yr
    footprint = sheets["生态足迹"]
    assert set(footprint["计量单位"]) == {"平方公里", "立方米/年", "吨/年", "千克/吨"}
    land = footprint.loc[footprint["项目"] == "盐田与堆场占地"].iloc[0]
    assert 0 < land["数值"] < land["限值"]  # km², as numbers
    shares = sheets["元素去向"]
    assert shares.filter(like="[%]").to_numpy().max() <= 100.0 + 1e-9
    wb = load_workbook(path)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "B2", ws.title
        header = [c.value for c in ws[1]]
        assert all(c.font.bold for c in ws[1]), ws.title
        numeric = [i for i, h in enumerate(header) if h and "[" in str(h)]
        for row in ws.iter_rows(min_row=2):
            for i in numeric:
                v = row[i].value
                assert v is None or isinstance(v, int | float), (ws.title, header[i], v)
                if isinstance(v, float):
                    assert row[i].number_format != "General", (ws.title, header[i])
        assert ws.column_dimensions["A"].width >= 8


def test_english_workbook_has_no_economics(reports: dict[str, Path]) -> None:
    with pd.ExcelFile(reports["en"] / "results.xlsx") as book:
        names = book.sheet_names
    assert "Economics" not in names
    assert {"Summary", "Ponds", "Reagents and utilities", "Comparison", "Assumptions"} <= set(names)


def test_results_json_is_unchanged_by_the_report(
    circular: SimulationResult, reports: dict[str, Path]
) -> None:
    import json

    written = json.loads((reports["en"] / "results.json").read_text(encoding="utf-8"))
    assert set(written) == set(physical_results(circular))
    assert set(results_dict(circular)) - set(written) == {"economics", "impact", "footprint"}


def test_the_potash_price_basis_is_listed_as_an_assumption(circular: SimulationResult) -> None:
    """A park that sells KCl lists the K2O basis its price is taken at (an assumption) among
    the assumptions of its report."""
    from brineworks.report.html import assumed_parameters

    rows = [r for r in assumed_parameters(circular) if r[0] == "economics"]
    assert rows == [["economics", "KCl price basis", "60 % K2O (57–62)", rows[0][3]]]
    assert "halite" in rows[0][3]
