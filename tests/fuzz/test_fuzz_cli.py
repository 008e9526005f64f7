"""Fuzz: command lines with hostile values for every option (issue 17).

Arguments are drawn from pools of what goes wrong (NaN, infinity, 1e30, negative numbers,
unknown names, files where folders belong and folders where files belong) mixed with values
that work, so that some commands succeed: their JSON must then be physical.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from brineworks.cli import app
from tests.fuzz.strategies import check_outcome, fast, physical_speciation, slow

runner = CliRunner()

NUMBERS = ["nan", "inf", "-inf", "1e30", "-1", "0", "1e-30", "abc", "", "25", "10", "0.5", "1e8"]
UNTIL = ["end", "phase:Halite", "phase:Unobtainium", "density:-5", "density:1.9",
         "density:1.01", "density:nan", "conc:Xx:5", "conc:Na:200", "conc:Li:1", "water:0.3",
         "water:1.5", "water:nan", "phase:", "sometime", ""]  # fmt: skip


def _files(tmp_path: Path) -> dict[str, str]:
    nacl = tmp_path / "nacl.toml"
    nacl.write_text('name = "2 m NaCl"\nunit = "mol/kgw"\n[composition]\nNa = 2\nCl = 2\n')
    existing = tmp_path / "existing.txt"
    existing.write_text("x")
    return {"nacl": str(nacl), "file": str(existing), "folder": str(tmp_path),
            "new": str(tmp_path / "new"), "deep": str(tmp_path / "existing.txt" / "x")}  # fmt: skip


def _physical_evaporation(d: dict[str, Any]) -> None:
    removed = [s["water_removed_fraction"] for s in d["steps"]]
    assert removed == sorted(removed)
    assert removed[0] >= 0.0
    assert removed[-1] < 1.0
    assert d["reached"] is True
    for s in d["steps"]:
        assert 900.0 < s["density_kg_m3"] < 2100.0
        assert 0.0 < s["water_activity"] <= 1.0 + 1e-9


def _physical_ponds(d: dict[str, Any]) -> None:
    assert 0.0 < d["total_area_km2"] <= 1e4 * len(d["ponds"])
    for p in d["ponds"]:
        assert 0.0 <= p["area_km2"] <= 1e4
    for shares in d["element_routing"].values():
        assert abs(sum(shares.values()) - 1.0) < 1e-6


@st.composite
def command_lines(draw: st.DrawFn, files: dict[str, str]) -> tuple[list[str], Any]:
    """(arguments, physical check of the JSON on success)."""
    where = st.sampled_from([files["file"], files["folder"], files["new"], files["deep"]])
    brine = st.sampled_from(["seawater", files["nacl"], "atlantis", "", files["folder"],
                             files["file"]])  # fmt: skip
    number = st.sampled_from(NUMBERS)
    command = draw(st.sampled_from(["speciate", "evaporate", "ponds", "saturate", "units",
                                    "catalogue"]))  # fmt: skip
    args: list[str] = [command]
    check: Any = None
    if command == "speciate":
        args += [draw(brine), "--json"]
        if draw(st.booleans()):
            args += ["--temp", draw(number)]
        if draw(st.integers(0, 3)) == 0:
            args += ["--unit", draw(st.sampled_from(["g/L", "m", ""]))]
        if draw(st.integers(0, 3)) == 0:
            args += ["--backend", draw(st.sampled_from(["native", "nativ", ""]))]
        check = physical_speciation
    elif command == "evaporate":
        args += [files["nacl"], "--json", "--until", draw(st.sampled_from(UNTIL))]
        if draw(st.integers(0, 3)) == 0:
            args += ["--mode", draw(st.sampled_from(["equilibrium", "fast"]))]
        if draw(st.integers(0, 3)) == 0:
            args += ["--plot", draw(where)]
        check = _physical_evaporation
    elif command == "ponds":
        args += [files["nacl"], "--json", "--flow", draw(number)]
        stages = draw(st.lists(st.sampled_from(["halite=phase:Halite", "halite=end", "=end",
                                                 "a=density:-1", "b=phase:Halite", "noequals"]),
                               min_size=1, max_size=2))  # fmt: skip
        for s in stages:
            args += ["--stage", s]
        if draw(st.integers(0, 2)) == 0:
            args += ["--site", draw(st.sampled_from(["qarhan", "mars", ""]))]
        for option in ("--entrainment", "--seepage", "--temp"):
            if draw(st.integers(0, 3)) == 0:
                args += [option, draw(number)]
        if draw(st.integers(0, 4)) == 0:
            args += ["--plot", draw(where)]
        check = _physical_ponds
    elif command == "saturate":
        args += draw(st.lists(st.sampled_from(["Halite", "Sylvite", "Unobtainium", ""]),
                              min_size=1, max_size=2))  # fmt: skip
        if draw(st.booleans()):
            args += ["--temp", draw(number)]
    elif command == "units":
        args += draw(st.lists(st.sampled_from(["washer", "nope", "--json"]), max_size=1))
    return args, check


def _run(tmp_path: Path, data: st.DataObject) -> None:
    args, check = data.draw(command_lines(_files(tmp_path)))
    result = runner.invoke(app, args)
    check_outcome(result, physical=check if "--json" in args else None)


@fast(12)
@given(data=st.data())
def test_command_lines(tmp_path: Path, data: st.DataObject) -> None:
    _run(tmp_path, data)


@pytest.mark.slow
@slow(400)
@given(data=st.data())
def test_command_lines_more(tmp_path: Path, data: st.DataObject) -> None:
    _run(tmp_path, data)
