"""The regional impact of a plan, year by year: the plants standing in a year, their direct jobs
from the jobs references, what they sell, and the IO table's indirect and induced effects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brineworks.errors import InputError
from brineworks.impact.regional import ParkSpec, PlantSpec, jobs_references, park_impact
from brineworks.plan.impact import yearly_impact
from brineworks.plan.model import solve
from brineworks.plan.outputs import write_plan
from brineworks.plan.superstructure import load_superstructure, resolve
from tests.plan.test_superstructure import SMALL

WITH_JOBS = SMALL.replace('main = "KCl"\n', 'main = "KCl"\njobs = "potash_plant"\n')


def _data(tmp_path: Path, text: str = WITH_JOBS):  # type: ignore[no-untyped-def]
    path = tmp_path / "tiny.toml"
    path.write_text(text, encoding="utf-8")
    return resolve(load_superstructure(path), "high")


def test_each_year_counts_the_plants_standing_and_what_they_sell(tmp_path: Path) -> None:
    data = _data(tmp_path)
    plan = solve(data)
    rows = yearly_impact(plan, data)
    assert [r["year"] for r in rows] == list(data.years)
    ref = jobs_references()["potash_plant"]
    running = 0
    for r, y in zip(rows, plan.yearly, strict=True):
        act, cap = y["activity_t"]["potash"], y["capacity_t_per_yr"]["potash"]
        if act <= 0:
            assert r["direct_jobs"] == 0.0
            assert r["plants"] == {}
            continue
        running += 1
        # the jobs rule of the impact package, at the plant's capacity
        alone = park_impact(ParkSpec((PlantSpec("potash", "potash_plant", cap,
                                                y["sales_t"]["KCl"] * 3000.0, "12"),)),
                            estimate=True)  # fmt: skip
        assert r["direct_jobs"] == pytest.approx(alone.direct.jobs, rel=1e-12)
        assert r["direct_jobs"] == pytest.approx(
            ref.jobs * (cap / ref.capacity_t_per_yr) ** 0.25, rel=1e-9
        )
        assert r["indirect_jobs"] == pytest.approx(alone.indirect.jobs, rel=1e-12)
        assert r["induced_jobs"] > 0
        assert 0 < r["local_taxes_cny"] < r["taxes_cny"]
        assert r["direct_jobs_low"] < r["direct_jobs"] < r["direct_jobs_high"]
    assert running >= 2  # the plant is online for most of the plan


def test_a_technology_without_jobs_data_is_named(tmp_path: Path) -> None:
    data = _data(tmp_path, SMALL)
    plan = solve(data)
    rows = yearly_impact(plan, data)
    online = [r for r, y in zip(rows, plan.yearly, strict=True) if y["activity_t"]["potash"] > 0]
    assert online
    for r in online:
        assert r["without_jobs_data"] == ["potash"]
        assert r["direct_jobs"] == 0.0


def test_an_unknown_jobs_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"jobs.*potash_plant"):
        _data(tmp_path, SMALL.replace('main = "KCl"\n', 'main = "KCl"\njobs = "potash"\n'))


def test_plan_json_and_workbook_carry_the_impact(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    data = _data(tmp_path)
    write_plan(solve(data), data, tmp_path / "out")
    doc = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    last = doc["yearly"][-1]["impact"]
    assert last["year"] == doc["yearly"][-1]["year"]
    assert last["direct_jobs"] > 0
    ws = load_workbook(tmp_path / "out" / "plan.xlsx")["impact"]
    rows = list(ws.values)
    assert rows[0][1] == "direct jobs [persons]"
    assert rows[-1][1] == pytest.approx(last["direct_jobs"])
