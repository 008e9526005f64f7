"""The commands of issue 15: 'multipliers' JSON shape, 'support' outputs and refusals."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from brineworks.cli import app
from brineworks.impact.support import REGISTRY_COLUMNS

runner = CliRunner()


def test_multipliers_json_shape() -> None:
    result = runner.invoke(app, ["multipliers", "--table", "china-2018-42", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["table"] == "china-2018-42"
    assert len(data["sectors"]) == 42
    chem = data["sectors"]["12"]
    assert {"name", "output_type_i", "output_type_ii", "income_type_i",
            "jobs_per_mcny_final_demand"} <= set(chem)  # fmt: skip
    assert chem["output_type_ii"] > chem["output_type_i"] > 1.0


def test_multipliers_bad_table_is_one_line() -> None:
    result = runner.invoke(app, ["multipliers", "--table", "nowhere.csv"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "table" in result.stderr


def _registry(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(REGISTRY_COLUMNS)
        w.writerows(rows)
    return path


ROWS = [
    ["H1", "V1", "Golmud", "3", "2000", "1", "driver", "40", "50", "1"],
    ["H2", "V1", "Golmud", "1", "1500", "0", "", "72", "50", "1"],
    ["H3", "V2", "Dulan", "2", "-5", "1", "", "40", "50", "1"],
]


def test_support_refuses_bad_rows_then_skips_them(tmp_path: Path) -> None:
    reg = _registry(tmp_path / "reg.csv", ROWS)
    out = tmp_path / "out"
    refused = runner.invoke(app, ["support", str(reg), "--jobs", "2", "--out", str(out)])
    assert refused.exit_code == 2
    assert "row 4 income_cny_per_person_yr='-5' (negative)" in refused.stderr
    assert not (out / "support.json").exists()
    ok = runner.invoke(app, ["support", str(reg), "--jobs", "2", "--out", str(out),
                             "--skip-invalid", "--budget", "50000"])  # fmt: skip
    assert ok.exit_code == 0, ok.stdout + ok.stderr
    data = json.loads((out / "support.json").read_text("utf-8"))
    assert data["households"] == 2
    assert data["lifted"] == 2
    assert data["budget_cny"] == 50000
    assert [r["row"] for r in data["rejected"]] == [4]
    with (out / "allocation.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["household_id"] for r in rows] == ["H1", "H2"]
    assert rows[1]["measures"] == "subsistence_allowance"


def test_support_generates_a_registry(tmp_path: Path) -> None:
    result = runner.invoke(app, ["support", "--generate", "50", "--out", str(tmp_path)])
    assert result.exit_code == 0
    with (tmp_path / "registry.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 50
    missing = runner.invoke(app, ["support", str(tmp_path / "registry.csv"), "--out",
                                  str(tmp_path)])  # fmt: skip
    assert missing.exit_code == 2
    assert "--scenario" in missing.stderr
