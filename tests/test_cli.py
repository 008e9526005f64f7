"""The CLI contract of issue 2: exact JSON shapes, one-line errors, nothing written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brineworks.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_catalogue_json() -> None:
    code, out, _ = run("catalogue", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"name": "East Taijinar", "slug": "east-taijinar"}.items() <= data[1].items()
    assert all({"name", "slug"} <= set(d) for d in data)


def test_catalogue_table() -> None:
    code, out, _ = run("catalogue")
    assert code == 0
    assert "qarhan" in out


def test_saturate_json_contract() -> None:
    code, out, _ = run("saturate", "Halite", "Sylvite", "--temp", "25", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"temperature_c", "molality", "solids", "saturation_index", "ionic_strength",
            "water_activity"} <= set(data)  # fmt: skip
    assert data["temperature_c"] == pytest.approx(25.0)
    assert set(data["solids"]) == {"Halite", "Sylvite"}
    assert data["molality"]["K"] > 1.5
    assert data["saturation_index"]["Halite"] == pytest.approx(0.0, abs=1e-6)


def test_speciate_catalogue_json_contract() -> None:
    code, out, _ = run("speciate", "east-taijinar", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"temperature_c", "molality", "solids", "saturation_index", "ionic_strength",
            "water_activity", "density_kg_m3", "pH"} <= set(data)  # fmt: skip
    assert 1150 < data["density_kg_m3"] < 1250


def test_speciate_toml_file_and_temperature(tmp_path: Path) -> None:
    f = tmp_path / "et.toml"
    f.write_text(
        'name = "East Taijinar"\nunit = "g/L"\ndensity_g_cm3 = 1.2\nbalance_on = "Cl"\n'
        "[composition]\nLi = 0.14\nNa = 117.03\nK = 3.79\nMg = 5.64\nCa = 0.43\n"
    )
    code, out, _ = run("speciate", str(f), "--temp", "10", "--json")
    assert code == 0
    assert json.loads(out)["temperature_c"] == pytest.approx(10.0)


def test_speciate_csv_keeps_good_rows_and_reports_bad_ones(tmp_path: Path) -> None:
    f = tmp_path / "wells.csv"
    f.write_text(
        "name,Na,K,Mg,Cl,unit\nW1,100,5,10,185,g/L\nW2,100,5,-3,185,g/L\nW3,80,4,20,190,g/L\n"
    )
    code, out, err = run("speciate", str(f), "--json")
    assert code == 1
    data = json.loads(out)
    assert [d["row"] for d in data] == [1, 2, 3]
    assert "error" in data[1]
    assert "composition.Mg" in data[1]["error"]
    assert data[0]["name"] == "W1"
    assert data[2]["density_kg_m3"] > 1000
    assert "row 2 (W2)" in err


def test_speciate_csv_with_the_native_backend_in_one_batch(tmp_path: Path) -> None:
    """--backend native speciates a CSV in one batch: same rows, same errors, same numbers; a
    row beyond the model's range still fails alone (the batch falls back to row by row)."""
    f = tmp_path / "wells.csv"
    f.write_text(
        "name,Na,K,Mg,Cl,unit\nW1,100,5,10,185,g/L\nW2,100,5,-3,185,g/L\nW3,80,4,20,190,g/L\n"
        "W4,2000,0,0,3085,g/L\n"
    )
    code, out, err = run("speciate", str(f), "--json", "--backend", "native")
    assert code == 1
    ours = json.loads(out)
    assert [d["row"] for d in ours] == [1, 2, 3, 4]
    assert "error" in ours[1]
    assert "error" in ours[3]
    assert "row 4 (W4)" in err
    assert "ionic strength" in ours[3]["error"]
    _, out, _ = run("speciate", str(f), "--json")
    theirs = json.loads(out)
    for k in (0, 2):
        assert ours[k]["density_kg_m3"] == pytest.approx(theirs[k]["density_kg_m3"], rel=1e-5)
        for phase, si in theirs[k]["saturation_index"].items():
            assert ours[k]["saturation_index"][phase] == pytest.approx(si, abs=1e-4)


def test_speciate_csv_unit_option(tmp_path: Path) -> None:
    f = tmp_path / "lab.csv"
    f.write_text("name,Na+,Cl-\nA,1.0,1.0\n")
    code, out, _ = run("speciate", str(f), "--unit", "mol/kgw", "--json")
    assert code == 0
    assert json.loads(out)[0]["molality"]["Na"] == pytest.approx(1.0)
    code, _, err = run("speciate", str(f))
    assert code == 2
    assert "--unit" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("saturate", "Unobtainium"), "phase: got 'Unobtainium'"),
        (("saturate", "Halite", "--temp", "150"), "temperature: got 150"),
        (("speciate", "atlantis"), "BRINE: got 'atlantis'"),
        (("speciate", "missing.toml"), "readable file"),
        (("speciate", "seawater", "--backend", "nativ"), "backend: got 'nativ'"),
        (("saturate", "Quartz", "--backend", "native"), "phase: got 'Quartz'"),
        (("run", "qarhan-potash", "--backend", "nativ"), "backend: got 'nativ'"),
    ],
)
def test_user_errors_are_one_line_without_traceback(args: tuple[str, ...], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1


def test_native_backend_gives_the_same_answers() -> None:
    """``--backend native``: same JSON contract, same numbers as PHREEQC (SI within 1e-4)."""
    code, out, _ = run("speciate", "east-taijinar", "--json", "--backend", "native")
    assert code == 0
    ours = json.loads(out)
    code, out, _ = run("speciate", "east-taijinar", "--json")
    theirs = json.loads(out)
    assert set(ours) == set(theirs)
    for phase, si in theirs["saturation_index"].items():
        assert ours["saturation_index"][phase] == pytest.approx(si, abs=1e-4)
    code, out, _ = run("saturate", "Halite", "Sylvite", "--json", "--backend", "native")
    assert code == 0
    assert json.loads(out)["molality"]["K"] == pytest.approx(2.09, abs=0.01)


def test_evaporate_with_either_backend() -> None:
    """The seawater path to halite: the same steps and gypsum amounts from both backends."""
    args = ("evaporate", "seawater", "--until", "phase:Halite", "--json")
    code, out, _ = run(*args, "--backend", "native")
    assert code == 0
    ours = json.loads(out)
    theirs = json.loads(run(*args)[1])
    assert ours["stop_reason"] == theirs["stop_reason"] == "reached Halite saturation"
    assert len(ours["steps"]) == len(theirs["steps"])
    last_ours, last_theirs = ours["steps"][-1], theirs["steps"][-1]
    assert last_ours["water_removed_fraction"] == pytest.approx(
        last_theirs["water_removed_fraction"], abs=1e-4
    )
    for phase, n in last_theirs["solids_cumulative_mol"].items():
        assert last_ours["solids_cumulative_mol"][phase] == pytest.approx(n, rel=1e-3, abs=1e-9)


def test_summary_runs_on_default_brine() -> None:
    code, out, _ = run("summary")
    assert code == 0
    assert "ASSUMPTION" in out
    assert "Halite" in out


def test_validate_writes_only_the_requested_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command's output (every point is validated in tests/chemistry/test_validation.py;
    here a tenth of them, to keep the suite quick)."""
    import brineworks.chemistry.validation as validation

    points = validation.load_points()
    monkeypatch.setattr(validation, "load_points", lambda: points[::10])
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        code, out, _ = run("validate", "--markdown", "report.md")
    finally:
        os.chdir(cwd)
    assert code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
    assert "NaCl-H2O" in out
    assert "| case |" in (tmp_path / "report.md").read_text()


def test_phases_json() -> None:
    code, out, _ = run("phases", "--json")
    assert code == 0
    assert "Zabuyelite" in json.loads(out)


def test_evaporate_json_contract() -> None:
    code, out, _ = run("evaporate", "east-taijinar", "--until", "phase:Carnallite", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["stop_reason"] == "reached Carnallite saturation"
    step = data["steps"][-1]
    assert {"water_removed_fraction", "molality", "density_kg_m3", "solids_step_mol",
            "solids_cumulative_mol"} <= set(step)  # fmt: skip
    assert "Carnallite" in step["solids_step_mol"]
    assert data["steps"][0]["water_removed_fraction"] == 0.0


def test_evaporate_writes_figures_only_where_asked(tmp_path: Path) -> None:
    code, out, err = run("evaporate", "seawater", "--until", "water:0.5", "--plot", str(tmp_path))
    assert code == 0
    assert "wrote" in err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["evaporation_concentrations.html", "evaporation_solids.html",
                     "janecke_k2_mg_so4.html"]  # fmt: skip
    assert "stop: reached 50 % of the water removed" in out


def test_evaporate_bad_until() -> None:
    code, _, err = run("evaporate", "seawater", "--until", "sometime")
    assert code == 2
    assert "--until: got 'sometime'" in err


def test_ponds_json_and_figure(tmp_path: Path) -> None:
    code, out, err = run("ponds", "--flow", "5e7", "--json", "--plot", str(tmp_path))
    assert code == 0
    data = json.loads(out)
    assert [p["name"] for p in data["ponds"]] == ["halite", "carnallite"]
    assert data["pumped_m3_per_yr"] == pytest.approx(5e7)
    assert data["ponds"][1]["salts_t_per_yr"]["Carnallite"] > 0
    assert abs(sum(data["element_routing"]["K"].values()) - 1.0) < 1e-9
    assert (tmp_path / "pond_salts.html").exists()
    assert "wrote" in err


def test_ponds_custom_stages_and_errors() -> None:
    code, out, _ = run("ponds", "east-taijinar", "--site", "east-taijinar",
                       "--stage", "halite=phase:Sylvite")  # fmt: skip
    assert code == 0
    assert "halite" in out
    code, _, err = run("ponds", "--stage", "halite")
    assert code == 2
    assert "--stage: got 'halite'" in err
    code, _, err = run("ponds", "--site", "mars")
    assert code == 2
    assert "site: got 'mars'" in err
    code, _, err = run("ponds", "--entrainment", "1.5")
    assert code == 2
    assert "--entrainment: got 1.5" in err
    code, _, err = run("ponds", "--seepage", "-1")
    assert code == 2
    assert "--seepage: got -1.0" in err


def test_ponds_losses_from_the_command_line() -> None:
    code, out, _ = run("ponds", "--flow", "5e7", "--entrainment", "0.2", "--seepage", "1",
                       "--json")  # fmt: skip
    assert code == 0
    losses = json.loads(out)["losses"]
    assert losses["entrainment_kg_per_kg_salt"] == 0.2
    assert losses["seepage_rate_mm_per_day"] == pytest.approx(1.0, rel=1e-12)
    assert "set to 0.2 kg/kg by the user" in losses["source"]


def test_ponds_at_a_site_with_monthly_normals() -> None:
    """Calama has monthly normals: the months are printed, and in JSON they add up to each
    pond's annual evaporation."""
    args = ("ponds", "salar-de-atacama", "--site", "calama", "--flow", "1e7",
            "--stage", "halite=phase:Sylvite")  # fmt: skip
    code, out, _ = run(*args)
    assert code == 0
    assert "Net evaporation by month" in out
    assert "evaporation-weighted air temperature 12.0 °C" in out
    code, out, _ = run(*args, "--json")
    pond = json.loads(out)["ponds"][0]
    assert len(pond["monthly_evaporation_m3"]) == 12
    assert sum(pond["monthly_evaporation_m3"]) == pytest.approx(
        pond["evaporation_m3_per_yr"], rel=1e-12
    )
    code, out, _ = run("ponds", "--flow", "5e7", "--json")
    assert json.loads(out)["ponds"][0]["monthly_evaporation_m3"] is None


def test_units_lists_kinds_ports_and_sourced_parameters() -> None:
    res = CliRunner().invoke(app, ["units", "--json"])
    assert res.exit_code == 0, res.stdout
    rows = {r["kind"]: r for r in json.loads(res.stdout)}
    assert {"ponds", "potash_plant", "magnesium_removal", "washer", "reactor"} <= set(rows)
    washer = rows["washer"]
    assert washer["inlets"] == ["solids"]
    assert {p["name"] for p in washer["parameters"]} == {
        "washing_factor", "temperature_c", "water_temperature_c", "cake_liquor",
        "product_moisture", "dryer_efficiency",
    }  # fmt: skip
    assert rows["ponds"]["passive"]
    assert not rows["washer"]["passive"]
    assert rows["flotation"]["options"]["floated"] == {"required": True, "default": None}
    assert all(p["source"] and p["status"] for r in rows.values() for p in r["parameters"])
    bad = CliRunner().invoke(app, ["units", "nope"])
    assert bad.exit_code == 2
    assert "KIND" in bad.stderr


# ---------------------------------------------------------------------- hardening (issue 17)
def test_an_internal_error_is_one_line_and_a_report_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug: one line naming a report under the state folder (never the working directory),
    exit 1, no traceback on the terminal."""
    import brineworks.cli.chemistry as chemistry

    def broken() -> tuple[object, ...]:
        raise ZeroDivisionError("a bug")

    state = tmp_path / "state"
    monkeypatch.setenv("BRINEWORKS_STATE_DIR", str(state))
    monkeypatch.setattr(chemistry, "catalogue", broken)
    work = tmp_path / "work"
    work.mkdir()
    cwd = os.getcwd()
    os.chdir(work)
    try:
        code, out, err = run("catalogue")
    finally:
        os.chdir(cwd)
    assert code == 1
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("internal error (ZeroDivisionError: a bug); please report it and attach")
    reports = list(state.iterdir())
    assert len(reports) == 1
    assert str(reports[0]) in err
    text = reports[0].read_text()
    assert "Traceback" in text
    assert "ZeroDivisionError: a bug" in text
    assert "brineworks 0.1.0" in text
    assert list(work.iterdir()) == []


def test_ctrl_c_in_a_command_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import brineworks.cli.chemistry as chemistry

    def interrupted() -> tuple[object, ...]:
        raise KeyboardInterrupt

    monkeypatch.setattr(chemistry, "catalogue", interrupted)
    code, _out, err = run("catalogue")
    assert code == 130
    assert err.strip() == "interrupted"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ponds", "--flow", "lots"), "error: Invalid value for '--flow'"),
        (("frobnicate",), "error: No such command 'frobnicate'"),
        (("speciate",), "error: Missing argument 'brine'"),
        (("speciate", "seawater", "--bogus"), "error: No such option: --bogus"),
    ],
)
def test_usage_errors_are_one_line(args: tuple[str, ...], message: str) -> None:
    code, _out, err = run(*args)
    assert code == 2
    assert err.startswith(message)
    assert len(err.strip().splitlines()) == 1


def test_speciate_csv_streams_to_a_file(tmp_path: Path) -> None:
    f = tmp_path / "wells.csv"
    f.write_text("name,Na,K,Cl,unit\nW1,100,5,160,g/L\nW2,1,1,1,ppm\nW3,80,4,128,g/L\n")
    for fmt in ("jsonl", "csv"):
        target = tmp_path / f"r.{fmt}"
        code, out, err = run("speciate", str(f), "--out", str(target), "--backend", "native",
                             "--chunk", "2")  # fmt: skip
        assert code == 1  # row 2 failed
        assert "row 2 (W2)" in err
        assert out == ""
        lines = target.read_text().splitlines()
        if fmt == "jsonl":
            rows = [json.loads(line) for line in lines]
            assert [r["row"] for r in rows] == [1, 2, 3]
            assert "error" in rows[1]
            assert rows[0]["density_kg_m3"] > 1000
        else:
            assert lines[0].startswith("row,name,error,temperature_c")
            assert "si_Halite" in lines[0]
            assert len(lines) == 4
    code, _, err = run("speciate", str(f), "--out", str(tmp_path / "r.jsonl"))
    assert code == 2
    assert "pass --force" in err
    code, _, err = run("speciate", str(f), "--out", str(tmp_path / "r.txt"))
    assert code == 2
    assert "--format" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.jsonl", "wells.csv"]
