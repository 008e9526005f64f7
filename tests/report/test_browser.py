"""The report as a person sees it: opened in a real headless Chromium (Debian's, installed by
``make browser``), at 1280 px, in both languages; no console error, every figure drawn with a
size, no table or page wider than the window; screenshots under pytest's tmp_path; and the
PDF printed on A4.

Without a browser these tests fail (CI must not pass silently); a developer without one sets
``BRINEWORKS_NO_BROWSER=1`` to skip them.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from brineworks.report.pdf import BROWSER_FLAGS, print_pdf

CHROMIUM = os.environ.get("BRINEWORKS_CHROMIUM", "/usr/bin/chromium")
WIDTH = 1280


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    if os.environ.get("BRINEWORKS_NO_BROWSER") == "1":
        pytest.skip("BRINEWORKS_NO_BROWSER=1")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: run 'make browser' (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="brineworks-test-chromium-") as profile:
        flags = [f for f in BROWSER_FLAGS if f != "--headless"] + [f"--user-data-dir={profile}"]
        with sync_playwright() as p:
            # a persistent context takes the fresh profile folder (launch() refuses one)
            context = p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True,
                args=[f for f in flags if not f.startswith("--user-data-dir")],
                viewport={"width": WIDTH, "height": 900},
            )  # fmt: skip
            yield context
            context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_in_a_real_browser(
    browser: Any, reports: dict[str, Path], lang: str, tmp_path: Path
) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((reports[lang] / "report.html").as_uri())
    page.wait_for_load_state("load")
    assert errors == [], errors
    sizes = page.evaluate(
        """[...document.querySelectorAll('.figure, .plotly-graph-div, svg.drawing')]
           .map(e => { const r = e.getBoundingClientRect();
                       return [e.className.baseVal ?? e.className, r.width, r.height]; })"""
    )
    assert len(sizes) >= 8
    assert all(w > 100 and h > 100 for _, w, h in sizes), sizes
    # plotly drew something in each of its figures
    assert page.evaluate("[...document.querySelectorAll('.plotly-graph-div')]"
                         ".every(d => d.querySelectorAll('.main-svg').length > 0)")  # fmt: skip
    right = page.evaluate("Math.max(...[...document.querySelectorAll('table')]"
                          ".map(t => t.getBoundingClientRect().right))")  # fmt: skip
    assert right <= WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert page.evaluate("document.documentElement.lang") == ("zh-CN" if lang == "zh" else "en")
    page.screenshot(path=str(tmp_path / f"report-{lang}-top.png"))
    page.screenshot(path=str(tmp_path / f"report-{lang}-full.png"), full_page=True)
    assert (tmp_path / f"report-{lang}-full.png").stat().st_size > 50_000
    page.close()


def _no_browser() -> None:
    if os.environ.get("BRINEWORKS_NO_BROWSER") == "1":
        pytest.skip("BRINEWORKS_NO_BROWSER=1")


def test_pdf_prints_a4_pages(tmp_path: Path) -> None:
    _no_browser()
    page = tmp_path / "page.html"
    page.write_text(
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><style>@page{size:A4}'
        "section{break-after:page}</style><section>氯化钾</section><section>2</section></html>",
        encoding="utf-8",
    )
    raw = print_pdf(page, tmp_path / "page.pdf").read_bytes()
    assert raw.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", raw)) == 2


@pytest.mark.slow
def test_report_pdf_is_a4_with_the_figures(reports: dict[str, Path], tmp_path: Path) -> None:
    _no_browser()
    pdf = print_pdf(reports["zh"] / "report.html", tmp_path / "report.pdf")
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", raw)
    assert boxes
    assert all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in boxes)
    assert len(boxes) >= 6  # pages: summary, park, flows, ponds, plants, economics, appendix
    assert len(raw) > 300_000  # the drawings and figures are in it
