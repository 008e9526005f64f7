"""`brineworks run --lang zh|en --pdf`: the terminal summary and the files in the language
asked for, the scenario's `lang` as the default, clear errors before any solve."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from brineworks.cli import app
from brineworks.scenario import load_scenario
from brineworks.simulate import SimulationResult


@pytest.fixture
def solved_once(monkeypatch: pytest.MonkeyPatch, circular: SimulationResult) -> None:
    """The CLI's simulate returns the session's solved park."""
    import brineworks.simulate

    monkeypatch.setattr(brineworks.simulate, "simulate", lambda *a, **k: circular)


@pytest.mark.usefixtures("solved_once")
def test_run_in_chinese(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["run", "qarhan-circular", "--lang", "zh", "--out", str(tmp_path)]
    )
    assert res.exit_code == 0, res.stdout
    text = " ".join(res.stdout.split())
    assert "氯化钾 (KCl)" in text
    assert "万吨/年" in text
    assert "与 qarhan-potash 对比" in text
    assert '<html lang="zh-CN">' in (tmp_path / "report.html").read_text(encoding="utf-8")


@pytest.mark.usefixtures("solved_once")
def test_scenario_lang_is_the_default(tmp_path: Path) -> None:
    source = Path(__file__).parents[2] / "src/brineworks/data/scenarios/qarhan-potash.toml"
    text = source.read_text(encoding="utf-8")
    text = text.replace('name = "qarhan-potash"', 'name = "qarhan-potash"\nlang = "zh"', 1)
    scenario = tmp_path / "potash-zh.toml"
    scenario.write_text(text, encoding="utf-8")
    assert load_scenario(str(scenario)).lang == "zh"
    res = CliRunner().invoke(app, ["run", str(scenario), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.stdout
    assert "万吨/年" in res.stdout
    res = CliRunner().invoke(app, ["run", str(scenario), "--lang", "en", "--out", str(tmp_path)])
    assert "kt/yr" in res.stdout
    bad = tmp_path / "potash-fr.toml"
    bad.write_text(text.replace('lang = "zh"', 'lang = "fr"'), encoding="utf-8")
    res = CliRunner().invoke(app, ["run", str(bad)])
    assert res.exit_code == 2
    assert "lang" in res.stderr


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--lang", "fr"], {}, "lang: got 'fr'; allowed: zh or en"),
        (["--pdf"], {"BRINEWORKS_CHROMIUM": "/nonexistent/chromium"}, "is not an executable"),
    ],
)
def test_errors_come_before_the_solve(
    args: list[str], env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import brineworks.simulate

    def never(*a: object, **k: object) -> None:
        raise AssertionError("solved before checking the options")

    monkeypatch.setattr(brineworks.simulate, "simulate", never)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    res = CliRunner().invoke(app, ["run", "qarhan-potash", *args])
    assert res.exit_code == 2
    assert message in res.stderr
