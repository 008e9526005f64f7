"""Uncertain inputs: validation of [[uncertain]] tables, in dicts and in scenario files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from brineworks.ensemble.spec import check_uncertain, parse_uncertain
from brineworks.errors import InputError
from brineworks.scenario import load_scenario

BASE = {"name": "p", "target": "prices.KCl", "kind": "money"}


def entry(**kw: Any) -> dict[str, Any]:
    return {**BASE, **kw}


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        (entry(distribution="triangular", low=1, high=2), "mode", "triangular distribution needs"),
        (entry(distribution="triangular", low=1, mode=3, high=2), "high", "at least the mode"),
        (entry(distribution="uniform", low=2, high=1), "high", "above low"),
        (entry(distribution="uniform", low=1, high=2, mean=3), "mean", "takes only high, low"),
        (entry(distribution="normal", mean=1, sd=0), "sd", "positive"),
        (entry(distribution="lognormal", median=-1, sigma=0.2), "median", "positive"),
        (entry(distribution="lognormal", median=1, sigma=0.2, low=-1), "low", "≥ 0"),
        (entry(distribution="discrete", values=[1, 1]), "values", "distinct"),
        (entry(distribution="discrete", values="a|b", weights=[1]), "weights", "one weight"),
        (entry(distribution="discrete", values=[1, 2], weights=[0, 0]), "weights", "positive sum"),
        (entry(distribution="gamma", low=1, high=2), "distribution", "uniform"),
        (entry(distribution="uniform", low=1, high=2, kind="cash"), "kind", "money"),
        (entry(distribution="uniform", low=1, high=2, lo=1), "lo", "Extra inputs"),
        (entry(distribution="uniform", low=1, high=2, name=" p"), "name", "surrounding"),
        (
            entry(distribution="uniform", low=1, high=2, correlations={"q": 1.0}),
            "correlations",
            "strictly between",
        ),
    ],
)
def test_bad_entries_name_the_field_and_value(bad: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        parse_uncertain([bad])
    assert info.value.field.endswith(f".{field}")
    assert words in info.value.allowed
    assert info.value.field.startswith("uncertain[")


def test_good_entries_and_levels() -> None:
    specs = parse_uncertain([
        entry(name="a", distribution="discrete", values="low|mid|high"),
        entry(name="b", distribution="normal", mean=1.0, sd=0.1, low=0.8),
        entry(name="c", distribution="triangular", low=0, mode=0, high=1),
    ])  # fmt: skip
    assert specs[0].values == ["low", "mid", "high"]
    assert specs[0].is_label
    assert specs[1].support() == (0.8, float("inf"))
    assert specs[2].support() == (0.0, 1.0)
    assert "triangular" in specs[2].describe()


def test_cross_checks() -> None:
    a = entry(name="a", distribution="uniform", low=0, high=1)
    with pytest.raises(InputError, match="unique input names"):
        parse_uncertain([a, a])
    with pytest.raises(InputError, match="another input"):
        parse_uncertain([{**a, "correlations": {"zz": 0.5}}])
    b = entry(name="b", distribution="uniform", low=0, high=1, correlations={"a": 0.3})
    with pytest.raises(InputError, match="same coefficient"):
        parse_uncertain([{**a, "correlations": {"b": 0.5}}, b])
    check_uncertain(parse_uncertain([{**a, "correlations": {"b": 0.3}}, b]))
    proc = {"kind": "process", "target": "brine.grade.K", "distribution": "uniform", "low": 0.9,
            "high": 1.1}  # fmt: skip
    with pytest.raises(InputError, match="one process input per target"):
        parse_uncertain([{**proc, "name": "k1"}, {**proc, "name": "k2"}])


def test_scenario_file_errors_give_field_and_line(tmp_path: Path) -> None:
    text = Path(__file__).with_name("data").joinpath("ishigami.toml").read_text()
    bad = (
        text
        + '\n[[uncertain]]\nname = "x4"\ntarget = "x1"\nkind = "money"\n'
        + ('distribution = "triangular"\nlow = 0\nmode = 2\nhigh = 1\n')
    )
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    with pytest.raises(InputError) as info:
        load_scenario(str(path))
    msg = str(info.value)
    assert msg.startswith("uncertain.3.high")
    line = int(re.search(r"line (\d+)", msg).group(1))  # type: ignore[union-attr]
    assert bad.splitlines()[line - 1].startswith("high")
    assert "at least the mode" in msg


def test_builtin_circular_declares_both_kinds() -> None:
    sc = load_scenario("qarhan-circular")
    kinds = {u.kind for u in sc.uncertain}
    assert kinds == {"money", "process"}
    assert all(u.note for u in sc.uncertain)  # every range says why
