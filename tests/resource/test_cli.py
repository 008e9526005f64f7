"""``brineworks reservoir``: runs a built-in scenario's lake and writes only into --out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brineworks.cli import app

runner = CliRunner()


def test_a_scenario_without_a_lake_is_a_one_line_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["reservoir", "east-taijinar-lithium", "--years", "1",
                                 "--out", str(tmp_path / "x")])  # fmt: skip
    assert result.exit_code == 2
    assert "reservoir" in result.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.slow
def test_reservoir_command_writes_the_outputs(tmp_path: Path) -> None:
    out = tmp_path / "lake"
    result = runner.invoke(app, ["reservoir", "qarhan-potash", "--years", "2", "--every", "2",
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "grade.html",
        "production.csv",
        "reservoir.csv",
        "reservoir.json",
        "stock.html",
    ]
    data = json.loads((out / "reservoir.json").read_text(encoding="utf-8"))
    assert [r["year"] for r in data["years"] if r["zone"] == "bieletan"] == [2025, 2026, 2027]
    assert "KCl" in result.stdout
