"""brineworks economics: JSON contract, the table, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from brineworks.cli import app
from tests.economics.test_inventory import potash_results
from tests.economics.test_park import ISSUE_KEYS

runner = CliRunner()


def _results(tmp_path: Path) -> Path:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(potash_results()), encoding="utf-8")
    return path


def test_json_contract(tmp_path: Path) -> None:
    res = runner.invoke(app, ["economics", str(_results(tmp_path)), "--prices", "low", "--json"])
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data) >= ISSUE_KEYS
    assert data["prices"] == "low"
    assert data["price_year"] == 2024
    assert isinstance(data["npv_cny"], float)
    assert set(data["levelised_cost_cny_per_t"]) == {"KCl"}


def test_table_and_tornado(tmp_path: Path) -> None:
    res = runner.invoke(app, ["economics", str(_results(tmp_path)), "--tornado"])
    assert res.exit_code == 0, res.stderr
    assert "levelised" in res.stdout
    assert "NPV at 8 %" in res.stdout
    assert "price: KCl" in res.stdout


def test_bad_price_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "p.csv"
    bad.write_text("item,unit,mid\nKCl,CNY/t,-3\n", encoding="utf-8")
    res = runner.invoke(app, ["economics", str(_results(tmp_path)), "--prices", str(bad)])
    assert res.exit_code == 2
    assert res.stderr.strip().count("\n") == 0
    assert "row 2: mid" in res.stderr


def test_missing_results_file(tmp_path: Path) -> None:
    res = runner.invoke(app, ["economics", str(tmp_path / "none.json")])
    assert res.exit_code == 2
    assert "RESULTS_JSON" in res.stderr
