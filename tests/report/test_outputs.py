"""The main job's report: every figure can render (plotly.js is defined before the first
figure uses it), from the template."""

from __future__ import annotations

import re
from pathlib import Path

from brineworks.report.outputs import write_outputs
from brineworks.report.results import results_dict
from brineworks.simulate import SimulationResult


def test_plotly_is_loaded_once_before_every_figure(
    circular: SimulationResult, tmp_path: Path
) -> None:
    write_outputs(circular, tmp_path, results_dict(circular))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    library = [m.start() for m in re.finditer(r"plotly\.js v\d", page)]
    assert len(library) == 1, "plotly.js must be embedded exactly once"
    library_end = page.index("</script>", library[0])
    figures = [m.start() for m in re.finditer(r'class="plotly-graph-div"', page)]
    # 5 element Sankeys, and per pond train its salts and its first pond's path
    assert len(figures) == 5 + 2 * 2
    assert library_end < figures[0]
    calls = [m.start() for m in re.finditer(r"Plotly\.newPlot\(", page)]
    assert sum(c > library_end for c in calls) == len(figures)
    assert '<html lang="en">' in page
    for heading in ("Key figures", "Solar ponds", "Material flows", "Assumptions in force"):
        assert f"<h2>{heading}</h2>" in page
