"""plan.json (the issue's exact shape), the workbook, the Gantt chart, the Pareto outputs and
the ``plan`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from brineworks.cli import app
from brineworks.plan.model import ParetoFront, solve
from brineworks.plan.outputs import gantt_figure, pareto_figure, write_plan
from tests.plan.small import small_instance
from tests.plan.test_superstructure import SMALL

runner = CliRunner()


def test_plan_json_workbook_and_pareto_outputs(tmp_path: Path) -> None:
    """A two-point front: plan.json (its largest-NPV end) in the issue's exact shape, the
    workbook's sheets, the Gantt chart and the front's figure, table and JSON."""
    data = small_instance()
    a, b = solve(data, label="pareto"), solve(data, "utilisation", label="pareto")
    front = ParetoFront((a, b))
    paths = write_plan(front, data, tmp_path)
    assert {p.name for p in paths} == {
        "plan.json",
        "plan.xlsx",
        "gantt.html",
        "pareto.html",
        "pareto.csv",
        "pareto.json",
    }
    assert {p.name for p in tmp_path.iterdir()} == {p.name for p in paths}
    doc = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert list(doc) == ["objective", "builds", "npv_cny", "utilisation", "yearly", "solver"]
    assert doc["objective"] == "pareto"
    for build in doc["builds"]:
        assert list(build) == ["unit", "year", "capacity", "capacity_unit"]
        assert isinstance(build["year"], int)
    assert set(doc["solver"]) == {"status", "gap", "seconds"}
    assert doc["npv_cny"] == pytest.approx(a.npv_cny)
    assert len(doc["yearly"]) == data.n
    assert doc["utilisation"]["value"] == pytest.approx(a.utilisation["value"])
    wb = load_workbook(tmp_path / "plan.xlsx")
    assert {"summary", "builds", "yearly", "activity t", "sales t", "pareto"} <= set(wb.sheetnames)
    assert len(pareto_figure(front).data[0].x) == 2
    rows = (tmp_path / "pareto.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("point,utilisation,npv_cny")
    assert len(rows) == 3


def test_gantt_has_construction_and_online_bars() -> None:
    data = small_instance()
    result = solve(data)
    fig = gantt_figure(result, data)
    names = {tr.name for tr in fig.data}
    assert names == {"construction", "online"}
    online = [tr for tr in fig.data if tr.name == "online"]
    assert len(online) == len(result.builds)
    for tr, b in zip(online, result.builds, strict=True):
        assert tr.base[0] == b.online_year
        assert tr.base[0] + tr.x[0] == data.years[-1] + 1


def test_cli_plan_writes_only_into_out(tmp_path: Path) -> None:
    spec = tmp_path / "tiny.toml"
    spec.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["plan", str(spec), "--out", str(out), "--years", "3", "--prices", "high"]
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"plan.json", "plan.xlsx", "gantt.html"}
    assert {p.name for p in tmp_path.iterdir()} == {"tiny.toml", "out"}
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert [b["unit"] for b in doc["builds"]] == ["potash"]
    assert [y["year"] for y in doc["yearly"]] == [2030, 2031, 2032]


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--objective", "cost"], "--objective"),
        (["--prices", "extreme"], "--prices"),
    ],
)
def test_cli_plan_user_errors(tmp_path: Path, args: list[str], text: str) -> None:
    spec = tmp_path / "tiny.toml"
    spec.write_text(SMALL, encoding="utf-8")
    result = runner.invoke(app, ["plan", str(spec), "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2
    assert text in result.stderr
    assert not (tmp_path / "o").exists()


def test_cli_plan_infeasible_names_constraints(tmp_path: Path) -> None:
    text = SMALL.replace("cap_t_per_yr = 5e4 }", "cap_t_per_yr = 5e4, min_t_per_yr = 1e4 }")
    spec = tmp_path / "tiny.toml"
    spec.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["plan", str(spec), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "KCl-market-sales-min[2030]" in result.stderr
    assert "potash-capacity-activity-max[2030]" in result.stderr
