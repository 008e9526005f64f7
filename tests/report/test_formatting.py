"""Numbers for readers: units and separators of each language, never e-notation."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brineworks.errors import InputError
from brineworks.report import formatting as fm


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (1.108e6, "110.8 万吨/年", "1,108 kt/yr"),
        (8570.0, "8,570 吨/年", "8.57 kt/yr"),
        (1813.0, "1,813 吨/年", "1.813 kt/yr"),
        (3.475e7, "3,475 万吨/年", "34.75 Mt/yr"),
        (2.5e8, "2.5 亿吨/年", "250 Mt/yr"),
        (12.0, "12 吨/年", "12 t/yr"),
        (0.0, "0 吨/年", "0 t/yr"),
    ],
)
def test_mass_rates(value: float, zh: str, en: str) -> None:
    assert fm.mass_rate(value, "zh") == zh
    assert fm.mass_rate(value, "en") == en


def test_money_volume_energy_and_shares() -> None:
    assert fm.money(2.064e10, "zh") == "206.4 亿元"
    assert fm.money(2.064e10, "en") == "20,640 M CNY"
    assert fm.money(-3.1e9, "en") == "-3,100 M CNY"
    assert fm.money(5.0e5, "zh") == "50 万元"
    assert fm.money(7.997e9, "zh", per_year=True) == "79.97 亿元/年"
    assert fm.price(74000.0, "zh") == "74,000 元/吨"
    assert fm.price(2507.4, "en") == "2,507 CNY/t"
    assert fm.volume_rate(1e8, "zh") == "1 亿立方米/年"
    assert fm.volume_rate(1e8, "en") == "100 million m³/yr"
    assert fm.electricity(1.602e6, "zh") == "16.02 亿千瓦时/年"  # 1.602e9 kWh
    assert fm.electricity(1.602e6, "en") == "1,602 GWh/yr"
    assert fm.percent(0.04976, "zh") == "5.0%"
    assert fm.years(9.99, "zh") == "9.99 年"
    assert fm.number(None) == fm.number(math.nan) == "–"


def test_unknown_language_is_a_user_error() -> None:
    with pytest.raises(InputError, match="zh or en"):
        fm.check_lang("fr")


_FORMATS = [fm.mass_rate, fm.volume_rate, fm.electricity, fm.heat, fm.money]
_SCALE = {"万": 1e4, "亿": 1e8, "k": 1e3, "M": 1e6, "million": 1e6, "thousand": 1e3, "G": 1e3}


@given(
    st.floats(min_value=-1e13, max_value=1e13, allow_nan=False).filter(lambda x: abs(x) > 1e-3),
    st.sampled_from(fm.LANGS),
    st.sampled_from(_FORMATS),
)
def test_never_e_notation_and_four_significant_figures(x: float, lang: fm.Lang, f: object) -> None:
    text = f(x, lang)  # type: ignore[operator]
    assert not re.search(r"\de[+-]?\d", text), text
    number = text.split(" ")[0]
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*(\.\d+)?", number), text
    digits = number.replace(",", "").replace("-", "").replace(".", "").strip("0")
    assert len(digits) <= 4 or "." not in number


@given(st.floats(min_value=1.0, max_value=1e12), st.sampled_from(fm.LANGS))
def test_mass_rate_reads_back_within_rounding(x: float, lang: fm.Lang) -> None:
    number, unit = fm.mass_rate(x, lang).split(" ", 1)
    scale = {"吨/年": 1.0, "万吨/年": 1e4, "亿吨/年": 1e8, "t/yr": 1.0, "kt/yr": 1e3,
             "Mt/yr": 1e6}[unit]  # fmt: skip
    assert float(number.replace(",", "")) * scale == pytest.approx(x, rel=6e-4, abs=0.5)
