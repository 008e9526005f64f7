"""Regression tests: one or more per class of failure found by the hostile-user trial of issue 17
(tracebacks, wrong numbers with exit 0, unclear errors, outputs not whole, paths, scale).

Each case runs the command line as a user would (typer's CliRunner) and states the outcome:
the exit status and what the one line on stderr must say. Cases that take more than a moment
(a full solve, a subprocess) are in the module tests and marked slow there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brineworks.cli import app
from brineworks.scenario import builtin_scenarios
from tests.fuzz.strategies import check_outcome

runner = CliRunner()
POTASH = builtin_scenarios()["qarhan-potash"]
CAFE = 'name = "Café"\nunit = "mol/kgw"\n[composition]\nNa = 1\nCl = 1\n'


def _files(tmp: Path) -> dict[str, str]:
    """The files the cases name, written into ``tmp``."""
    made: dict[str, bytes | str] = {
        "latin1.csv": "name,Na,Cl,unit\nCafé,1,1,mol/kgw\n".encode("latin-1"),
        "utf16.csv": "name,Na,Cl,unit\nA,1,1,mol/kgw\n".encode("utf-16"),
        "binary.toml": bytes(range(256)),
        "cp1252.toml": CAFE.encode("cp1252"),
        "header.csv": "name,Na,Cl,unit\n",
        "dupcols.csv": "name,Na,Cl,Cl,unit\nA,1,1,1,mol/kgw\n",
        "nana.csv": "name,Na,Na+,Cl,unit\nA,1,1,2,mol/kgw\n",
        "ragged.csv": "name,Na,Cl,unit\nA,1,1\n",
        "dense.toml": 'unit = "g/L"\ndensity_g_cm3 = 1.0\n[composition]\nNa = 200\nCl = 308\n',
        "false.json": json.dumps(
            {"unit": "mol/kgw", "allow_imbalance": "false", "composition": {"Na": 1, "Cl": 0.5}}
        ),
        "nana.toml": 'unit = "mol/kgw"\n[composition]\nNa = 1\n"Na+" = 1\nCl = 2\n',
        "molar.toml": 'unit = "m"\n[composition]\nNa = 1\nCl = 1\n',
        "lithium.toml": 'unit = "g/L"\n[composition]\nLi = 1\n',
        "empty.toml": 'unit = "mol/kgw"\n[composition]\n',
        "nacl.toml": 'name = "NaCl"\nunit = "mol/kgw"\n[composition]\nNa = 2\nCl = 2\n',
        "imbalance.toml": 'unit = "mol/kgw"\nallow_imbalance = true\n[composition]\nNa = 10\n'
        "Cl = 0.5\n",
        "existing.txt": "not a folder",
        "both.toml": POTASH.replace('catalogue = "qarhan"', 'catalogue = "qarhan"\nunit = "g/L"'),
        "site.toml": POTASH.replace('site = "qarhan"\n\n', 'site = "atlantis"\n\n', 1),
        "named.toml": POTASH.replace('name = "qarhan-potash"', 'name = "../../x"', 1),
        "nowhere.toml": POTASH.replace('to = "pumping.in"', 'fate = "waste"', 1),
        "control.toml": POTASH.replace('name = "KCl"', 'name = "K\\u001eCl"', 1),
        "control.csv": "name,Na,Cl,unit\nW\x1e1,1,0.1,mol/kgw\n",
        "dupstage.toml": POTASH.replace(
            '["carnallite", "phase:Bischofite"]', '["halite", "phase:Bischofite"]'
        ),
    }
    out = {}
    for name, data in made.items():
        path = tmp / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        out[name] = str(path)
    (tmp / "adir").mkdir()
    out["adir"] = str(tmp / "adir")
    out["missing/x.md"] = str(tmp / "missing" / "x.md")
    return out


# (arguments with {file} placeholders, exit status, text the output must contain)
CASES: dict[str, tuple[list[str], int, str]] = {
    # -- tracebacks
    "latin-1 CSV refused by name": (["speciate", "{latin1.csv}"], 2, "Latin-1/Windows-1252"),
    "latin-1 CSV read when named": (
        ["speciate", "{latin1.csv}", "--encoding", "latin-1", "--json"],
        0,
        '"Café"',
    ),
    "UTF-16 CSV read": (["speciate", "{utf16.csv}", "--json"], 0, '"density_kg_m3"'),
    "binary brine file": (["speciate", "{binary.toml}"], 2, "binary data"),
    "Windows-1252 brine file": (["speciate", "{cp1252.toml}"], 2, "not UTF-8"),
    "a folder as scenario": (["run", "{adir}"], 2, "a file, not a folder"),
    "an empty scenario name": (["run", ""], 2, "SCENARIO: got ''"),
    "a folder as --out file": (
        ["speciate", "{utf16.csv}", "--out", "{adir}", "--format", "jsonl"],
        2,
        "this is a folder",
    ),
    "a file as run --out": (
        ["run", "qarhan-potash", "--out", "{existing.txt}"],
        2,
        "a folder (this is a file)",
    ),
    "an existing file as --plot": (
        ["evaporate", "{nacl.toml}", "--until", "water:0.1", "--plot", "{existing.txt}"],
        2,
        "this is a file",
    ),
    "validate --markdown into a missing folder": (
        ["validate", "--markdown", "{missing/x.md}"],
        2,
        "a file in an existing folder",
    ),
    "ponds --flow inf": (["ponds", "--flow", "inf"], 2, "--flow: got inf"),
    "a bad option value": (["ponds", "--flow", "lots"], 2, "error: Invalid value for '--flow'"),
    # -- wrong numbers with exit 0
    "negative density target": (
        ["evaporate", "{nacl.toml}", "--until", "density:-5"],
        2,
        "density:G_CM3 above 0.9",
    ),
    "unreachable density": (
        ["evaporate", "{nacl.toml}", "--until", "density:1.6"],
        2,
        "a condition NaCl reaches: its path stopped",
    ),
    "density target below the start": (
        ["evaporate", "{nacl.toml}", "--until", "density:1.01"],
        2,
        "a density above that of NaCl at the start",
    ),
    "unknown element": (
        ["evaporate", "{nacl.toml}", "--until", "conc:Xx:5"],
        2,
        "an element of Li, Na",
    ),
    "element not in the brine": (
        ["evaporate", "{nacl.toml}", "--until", "conc:Li:5"],
        2,
        "an element of the brine: Na, Cl",
    ),
    "NaN target": (["evaporate", "{nacl.toml}", "--until", "water:nan"], 2, "a finite number"),
    "ponds --flow 1e30": (["ponds", "--flow", "1e30"], 2, "1 to 1e10 m³/yr"),
    "duplicate pond names": (
        ["ponds", "--stage", "a=phase:Carnallite", "--stage", "a=phase:Bischofite"],
        2,
        "a distinct NAME",
    ),
    "1.0 g/cm³ with 508 g/L": (["speciate", "{dense.toml}"], 2, "within 5 % of the model's"),
    'the JSON string "false"': (["speciate", "{false.json}"], 2, "charge balance"),
    "Na and Na+ both given": (["speciate", "{nana.toml}"], 2, "are both Na"),
    "CSV with only a header": (["speciate", "{header.csv}"], 2, "a header without rows"),
    "duplicate CSV columns": (["speciate", "{dupcols.csv}"], 2, "each column once"),
    "Na and Na+ CSV columns": (["speciate", "{nana.csv}"], 2, "are both Na"),
    "a ragged row": (["speciate", "{ragged.csv}", "--json"], 1, "is not read as 0"),
    "--unit for a catalogue brine": (
        ["speciate", "seawater", "--unit", "g/L"],
        2,
        "this option is for a CSV",
    ),
    "inline and catalogue brine": (["run", "{both.toml}"], 2, "not both"),
    "unknown site": (["run", "{site.toml}"], 2, "'atlantis' has no climate data"),
    "the unit m": (["speciate", "{molar.toml}"], 2, "molal (mol/kgw) by some and molar"),
    "an imbalance carried on Cl is said": (
        ["speciate", "{imbalance.toml}"],
        0,
        "carried on Cl (0.5 → 10 mol/kgw, ×20)",
    ),
    # -- unclear errors
    "a lithium-only brine": (
        ["speciate", "{lithium.toml}"],
        2,
        "composition: got {'Li': 1.0}; allowed: an anion",
    ),
    "an empty composition": (
        ["speciate", "{empty.toml}"],
        2,
        "at least one solute above zero, as solute = amount",
    ),
    "a pumped-brine stream to nowhere": (
        ["run", "{nowhere.toml}"],
        2,
        "streams.pumped brine.to",
    ),
    "a duplicated stage": (["run", "{dupstage.toml}"], 2, "a distinct name for each pond"),
    "a control character in a name (found by the fuzz suite)": (
        ["run", "{control.toml}"],
        2,
        "without control characters",
    ),
    "a control character in a CSV row name": (["speciate", "{control.csv}"], 1, "row 1 (W\\x1e1)"),
    # -- paths
    "a scenario name that is a path": (["run", "{named.toml}"], 2, "never a path"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_issue_17_case(case: str, tmp_path: Path) -> None:
    args, status, text = CASES[case]
    files = _files(tmp_path)
    argv = [files[a[1:-1]] if a.startswith("{") else a for a in args]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, argv)
    finally:
        os.chdir(cwd)
    check_outcome(result, csv_rows=status == 1)
    assert result.exit_code == status, result.stdout + result.stderr
    assert text in result.stdout + result.stderr
    if status == 2:
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "brineworks-out").exists()


def test_earlier_outputs_are_not_replaced_without_force(tmp_path: Path) -> None:
    """Refused before the solve: the folder holds a manifest of an earlier run."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"run_id": "abc", "scenario": "lithium"}))
    (out / "results.json").write_text("{}")
    result = runner.invoke(app, ["run", "qarhan-potash", "--out", str(out)])
    check_outcome(result)
    assert result.exit_code == 2
    assert "outputs of run abc (lithium" in result.stderr
    assert "--force" in result.stderr
    assert (out / "results.json").read_text() == "{}"


def test_summary_of_a_brine_without_magnesium(tmp_path: Path) -> None:
    nacl = tmp_path / "nacl.toml"
    nacl.write_text('name = "NaCl"\nunit = "mol/kgw"\n[composition]\nNa = 2\nCl = 2\n')
    result = runner.invoke(app, ["summary", str(nacl)])
    check_outcome(result)
    assert result.exit_code == 0
    assert "to the last representable state" in result.stdout


def _api_cases() -> dict[str, Callable[[], object]]:
    from brineworks import Brine, get_backend
    from brineworks.chemistry.evaporation import evaporate
    from brineworks.climate import climate
    from brineworks.io import load_brine
    from brineworks.scenario import load_scenario

    return {
        "load_brine(None)": lambda: load_brine(None),  # type: ignore[arg-type]
        "load_brine(dict)": lambda: load_brine({"Na": 1}),  # type: ignore[arg-type]
        "Brine.from_catalogue(None)": lambda: Brine.from_catalogue(None),  # type: ignore[arg-type]
        "Brine.from_mapping(None)": lambda: Brine.from_mapping(None),  # type: ignore[arg-type]
        "speciate(None)": lambda: get_backend().speciate(None),  # type: ignore[arg-type]
        "speciate(dict)": lambda: get_backend().speciate({"Na": 1}),  # type: ignore[arg-type]
        "evaporate(None)": lambda: evaporate(None),  # type: ignore[arg-type]
        "get_backend(dict)": lambda: get_backend({"name": "x"}),  # type: ignore[arg-type]
        "climate(None)": lambda: climate(None),  # type: ignore[arg-type]
        "load_scenario(None)": lambda: load_scenario(None),  # type: ignore[arg-type]
    }


@pytest.mark.parametrize(
    "case",
    ["load_brine(None)", "load_brine(dict)", "Brine.from_catalogue(None)",
     "Brine.from_mapping(None)", "speciate(None)", "speciate(dict)", "evaporate(None)",
     "get_backend(dict)", "climate(None)", "load_scenario(None)"],
)  # fmt: skip
def test_python_api_given_none_or_a_dict(case: str) -> None:
    """These raised AttributeError/TypeError tracebacks; now an InputError naming the field."""
    from brineworks.errors import InputError

    with pytest.raises(InputError):
        _api_cases()[case]()


@pytest.mark.slow
def test_csv_memory_stays_flat(tmp_path: Path) -> None:
    """Peak memory of a streamed CSV does not grow with its rows (chunks of 200): 600 rows and
    3,000 rows peak within 15 MB of each other."""
    peaks = []
    for n in (600, 3000):
        path = tmp_path / f"w{n}.csv"
        rows = "".join(f"W{i},{90 + i % 7},{5 + i % 3},{10 + i % 5},g/L,Cl\n" for i in range(n))
        path.write_text("name,Na,K,Mg,unit,balance_on\n" + rows)
        script = (
            "import resource, sys; from brineworks.cli import main; "
            f"sys.argv = ['brineworks', 'speciate', {str(path)!r}, '--backend', 'native', "
            f"'--chunk', '200', '--out', {str(tmp_path / f'r{n}.jsonl')!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              check=True)  # fmt: skip
        peaks.append(int(done.stdout.split()[-1]) / 1024)  # MB
        lines = (tmp_path / f"r{n}.jsonl").read_text().splitlines()
        assert len(lines) == n
        assert all("error" not in json.loads(line) for line in lines[:5])
    assert peaks[1] - peaks[0] < 15.0, peaks
