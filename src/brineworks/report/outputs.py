"""The main job's outputs: ``results.json``, ``results.xlsx``, a self-contained ``report.html``
(``html.py``, from the Jinja2 template) and, on request, ``report.pdf`` (``pdf.py``), in
simplified Chinese or English.

Only the output directory the user names (or ``./brineworks-out/<scenario>/``) is written, through
:class:`~brineworks.report.files.OutputFolder`: whole or not at all, with a manifest.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from brineworks.report import json_ready
from brineworks.report.files import OutputFolder, RunIdentity
from brineworks.report.formatting import check_lang
from brineworks.report.html import render_html
from brineworks.report.pdf import print_pdf
from brineworks.report.results import results_dict
from brineworks.report.workbook import write_workbook
from brineworks.simulate import SimulationResult

__all__ = ["OUTPUT_NAMES", "with_economics", "write_outputs"]

OUTPUT_NAMES = ("results.json", "results.xlsx", "report.html")
"""The files a run writes (besides ``manifest.json``; ``report.pdf`` on request)."""


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
    out_dir: Path | OutputFolder,
    data: dict[str, Any] | None = None,
    *,
    lang: str = "en",
    pdf: bool = False,
    force: bool = False,
) -> list[Path]:
    """Write results.json, results.xlsx and report.html (and report.pdf if ``pdf``) into
    ``out_dir``, whole or not at all, the workbook and report in ``lang`` (``zh`` or ``en``).

    ``out_dir`` is a folder (created; opened here as an :class:`OutputFolder`, with a
    manifest naming the run) or an :class:`OutputFolder` the caller holds open (the files are
    then committed when the caller's ``with`` block ends). ``data`` is
    :func:`~brineworks.report.results.results_dict` of the result if the caller already has
    it (with any optional blocks: ``economics``, ``impact``, ``reservoir``...). ``force``
    replaces an earlier run's outputs.

    Raises
    ------
    InputError
        For a language other than ``zh`` or ``en``.
    BrineworksError
        If ``pdf`` and Chromium is missing or fails (then nothing is written).
    """
    code = check_lang(lang)
    data = json_ready(data if data is not None else results_dict(result))
    if isinstance(out_dir, OutputFolder):
        return _write_into(out_dir, result, data, code, pdf)
    identity = RunIdentity.new(
        data["scenario"],
        scenario_file=result.scenario.source_file,
        chemistry_backend=data.get("chemistry_backend"),
    )
    names = (*OUTPUT_NAMES, "report.pdf") if pdf else OUTPUT_NAMES
    with OutputFolder(out_dir, identity, force=force, expected=names) as folder:
        return _write_into(folder, result, data, code, pdf)


def _write_into(
    folder: OutputFolder, result: SimulationResult, data: dict[str, Any], lang: str, pdf: bool
) -> list[Path]:
    page = render_html(result, data, check_lang(lang))
    paths = [
        folder.write_text("results.json", json.dumps(data, indent=2, ensure_ascii=False)),
        folder.write_with("results.xlsx", lambda p: write_workbook(result, data, p, lang)),
        folder.write_text("report.html", page),
    ]
    if pdf:
        # Chromium prints a file: the page is written to a private temporary folder first.
        with tempfile.TemporaryDirectory(prefix="brineworks-pdf-") as tmp:
            html = Path(tmp) / "report.html"
            html.write_text(page, encoding="utf-8")
            paths.append(folder.write_with("report.pdf", lambda p: print_pdf(html, p)))
    return paths
