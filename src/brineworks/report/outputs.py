"""The main job's outputs: ``results.json``, ``results.xlsx``, a self-contained ``report.html``
(``html.py``, from the Jinja2 template) and, on request, ``report.pdf`` (``pdf.py``), in
simplified Chinese or English.

Only the output directory the user names (or ``./brineworks-out/<scenario>/``) is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from brineworks.report import json_ready
from brineworks.report.formatting import check_lang
from brineworks.report.html import render_html
from brineworks.report.pdf import print_pdf
from brineworks.report.results import results_dict
from brineworks.report.workbook import write_workbook
from brineworks.simulate import SimulationResult

__all__ = ["with_economics", "write_outputs"]


def with_economics(
    data: dict[str, Any],
    result: SimulationResult,
    prices: str = "mid",
    *,
    sensitivity: bool = True,
) -> dict[str, Any]:
    """``data`` (a ``results.json`` mapping) with an ``"economics"`` block computed by
    :mod:`brineworks.economics` at the price set ``prices``, and its NPV tornado under
    ``"tornado"`` (the bars as ``brineworks economics --tornado --json`` writes them) if
    ``sensitivity``; ``data`` is not changed."""
    from brineworks.economics import ParkInventory, evaluate, tornado

    inventory = ParkInventory.from_results(data, scenario=result.scenario)
    block = evaluate(inventory, prices).to_dict()
    if sensitivity:
        block["tornado"] = [b.to_dict() for b in tornado(inventory, prices)[1]]
    return {**data, "economics": block}


def write_outputs(
    result: SimulationResult,
    out_dir: Path,
    data: dict[str, Any] | None = None,
    *,
    lang: str = "en",
    pdf: bool = False,
) -> list[Path]:
    """Write results.json, results.xlsx and report.html (and report.pdf if ``pdf``) into
    ``out_dir`` (created), the workbook and report in ``lang`` (``zh`` or ``en``).

    ``data`` is :func:`~brineworks.report.results.results_dict` of the result if the caller
    already has it (with any optional blocks: ``economics``, ``impact``, ``reservoir``...).

    Raises
    ------
    InputError
        For a language other than ``zh`` or ``en``.
    BrineworksError
        If ``pdf`` and no Chromium is installed (the other files are written first).
    """
    code = check_lang(lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = json_ready(data if data is not None else results_dict(result))
    paths = [out_dir / "results.json", out_dir / "results.xlsx", out_dir / "report.html"]
    paths[0].write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    write_workbook(result, data, paths[1], code)
    paths[2].write_text(render_html(result, data, code), encoding="utf-8")
    if pdf:
        paths.append(print_pdf(paths[2], out_dir / "report.pdf"))
    return paths
