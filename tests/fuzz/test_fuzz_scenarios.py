"""Fuzz: scenario files with hostile values, missing and duplicated lines (issue 17).

A mutated scenario either loads, and then everything it refers to exists and its name labels
a folder under brineworks-out/, or it is refused with an InputError; through ``brineworks run``
a refused file exits 2 with one line and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from brineworks.cli import app
from brineworks.climate import sites
from brineworks.errors import InputError
from brineworks.report.files import default_output_folder
from brineworks.scenario import Scenario, builtin_scenarios, load_scenario
from tests.fuzz.strategies import check_outcome, fast, scenario_texts, slow

runner = CliRunner()
BASES = builtin_scenarios()


def _check(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    try:
        scenario = load_scenario(str(path))
    except InputError:
        out = tmp_path / "out"
        result = runner.invoke(app, ["run", str(path), "--out", str(out)])
        check_outcome(result)
        assert result.exit_code == 2
        assert not out.exists() or list(out.iterdir()) == []
        return
    _loaded_is_consistent(scenario)


def _loaded_is_consistent(scenario: Scenario) -> None:
    assert "/" not in scenario.name
    assert "\\" not in scenario.name
    assert default_output_folder(scenario.name).parent == Path("brineworks-out")
    assert scenario.site in sites()
    b = scenario.brine
    assert (b.catalogue is None) != (b.composition is None)
    assert 1.0 <= b.flow_m3_per_yr <= 1e10
    units = {u.name for u in scenario.units}
    for s in scenario.streams:
        for end in (s.source, s.to):
            if end not in (None, "brine"):
                assert end.partition(".")[0] in units


@fast(15)
@given(data=st.data())
def test_scenarios(tmp_path: Path, data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(sorted(BASES)))
    _check(tmp_path, data.draw(scenario_texts(BASES[base])))


@pytest.mark.slow
@slow(500)
@given(data=st.data())
def test_scenarios_more(tmp_path: Path, data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(sorted(BASES)))
    _check(tmp_path, data.draw(scenario_texts(BASES[base])))
