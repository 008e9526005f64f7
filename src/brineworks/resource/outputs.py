"""Files of a reservoir run: ``reservoir.json``, ``reservoir.csv``, ``production.csv`` and the
figures, written only into the directory given."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from brineworks.report import json_ready
from brineworks.report.figures import write_figure
from brineworks.resource.figures import grade_figure, stock_figure
from brineworks.resource.results import ReservoirResult

__all__ = ["write_reservoir_outputs"]


def write_reservoir_outputs(result: ReservoirResult, out_dir: Path) -> list[Path]:
    """Write ``reservoir.json`` (the issue's form), ``reservoir.csv`` (the same rows, one
    column per quantity and element), ``production.csv`` (the park's products per year) and
    ``grade.html``/``stock.html`` into ``out_dir`` (created). Returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "reservoir.json", out_dir / "reservoir.csv", out_dir / "production.csv"]
    paths[0].write_text(json.dumps(json_ready(result.to_dict()), indent=2, ensure_ascii=False),
                        encoding="utf-8")  # fmt: skip
    _write_csv(paths[1], result.csv_rows())
    _write_csv(paths[2], result.production_rows(),
               ["year", "solved", "product", "component", "t_per_yr"])  # fmt: skip
    paths += write_figure(grade_figure(result), out_dir / "grade.html")
    paths += write_figure(stock_figure(result), out_dir / "stock.html")
    return paths


def _write_csv(path: Path, rows: list[dict[str, object]], header: list[str] | None = None) -> None:
    fields = header if header is not None else (list(rows[0]) if rows else [])
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
