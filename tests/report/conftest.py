"""Reports of the solved circular park, written once per test session in both languages: the
Chinese one with its economics block and NPV tornado, the English one with the optional blocks
(economics, impact, footprint) taken out, so that its absent-section notes show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from brineworks.report.outputs import with_economics, write_outputs
from brineworks.report.results import physical_results, results_dict
from brineworks.simulate import SimulationResult


@pytest.fixture(scope="session")
def circular_data(circular: SimulationResult) -> dict[str, Any]:
    """results.json of the circular park with its economics block and NPV tornado."""
    return with_economics(results_dict(circular), circular)


@pytest.fixture(scope="session")
def reports(
    circular: SimulationResult,
    circular_data: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Path]:
    """Output folder of each language: zh with economics, en without."""
    out = {}
    for lang in ("zh", "en"):
        folder = tmp_path_factory.mktemp(f"report-{lang}")
        data = circular_data if lang == "zh" else physical_results(circular)
        write_outputs(circular, folder, data, lang=lang)
        out[lang] = folder
    return out
