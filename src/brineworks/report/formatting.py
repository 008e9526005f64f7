"""Numbers for readers: the units and number formats of each report language.

Chinese reports count in 万 (10^4) and 亿 (10^8) — 万吨/年, 亿元, 万千瓦时 — as Qinghai plans
and company reports do; English reports in kt/yr, Mt/yr, M CNY and GWh/yr. Every number has
thousands separators, four significant figures at most (trailing zeros dropped), and never
e-notation. The functions are pure; :class:`Formatter` binds them to a language for templates.

Examples
--------
>>> mass_rate(1.108e6, "zh")
'110.8 万吨/年'
>>> mass_rate(1.108e6, "en")
'1,108 kt/yr'
>>> money(3.1e9, "zh"), money(3.1e9, "en")
('31 亿元', '3,100 M CNY')
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal, get_args

__all__ = [
    "LANGS",
    "Formatter",
    "Lang",
    "area_km2",
    "check_lang",
    "electricity",
    "heat",
    "mass_rate",
    "money",
    "number",
    "percent",
    "plain_text",
    "price",
    "scaled",
    "stock_mass",
    "volume_rate",
    "years",
]

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DASH = "–"
"""What a missing value shows."""

# (threshold, divisor, unit) from the largest down; the first whose threshold |x| reaches wins.
_Scale = tuple[tuple[float, float, str], ...]
_MASS: dict[str, _Scale] = {
    "zh": ((1e8, 1e8, "亿吨/年"), (1e4, 1e4, "万吨/年"), (0.0, 1.0, "吨/年")),
    "en": ((1e7, 1e6, "Mt/yr"), (1e3, 1e3, "kt/yr"), (0.0, 1.0, "t/yr")),
}
_STOCK: dict[str, _Scale] = {
    "zh": ((1e8, 1e8, "亿吨"), (1e4, 1e4, "万吨"), (0.0, 1.0, "吨")),
    "en": ((1e9, 1e9, "Gt"), (1e7, 1e6, "Mt"), (1e3, 1e3, "kt"), (0.0, 1.0, "t")),
}
_MONEY: dict[str, _Scale] = {
    "zh": ((1e8, 1e8, "亿元"), (1e4, 1e4, "万元"), (0.0, 1.0, "元")),
    "en": ((1e6, 1e6, "M CNY"), (0.0, 1.0, "CNY")),
}
_MONEY_RATE: dict[str, _Scale] = {
    "zh": ((1e8, 1e8, "亿元/年"), (1e4, 1e4, "万元/年"), (0.0, 1.0, "元/年")),
    "en": ((1e6, 1e6, "M CNY/yr"), (0.0, 1.0, "CNY/yr")),
}
_VOLUME: dict[str, _Scale] = {
    "zh": ((1e8, 1e8, "亿立方米/年"), (1e4, 1e4, "万立方米/年"), (0.0, 1.0, "立方米/年")),
    "en": ((1e6, 1e6, "million m³/yr"), (1e3, 1e3, "thousand m³/yr"), (0.0, 1.0, "m³/yr")),
}
# electricity given in MWh/yr; Chinese in 万/亿千瓦时 (1 MWh = 1,000 kWh)
_ELECTRICITY: dict[str, _Scale] = {
    "zh": ((1e5, 1e5, "亿千瓦时/年"), (10.0, 10.0, "万千瓦时/年"), (0.0, 1e-3, "千瓦时/年")),
    "en": ((1e3, 1e3, "GWh/yr"), (0.0, 1.0, "MWh/yr")),
}
# heat given in GJ/yr
_HEAT: dict[str, _Scale] = {
    "zh": ((1e4, 1e4, "万吉焦/年"), (0.0, 1.0, "吉焦/年")),
    "en": ((1e3, 1e3, "TJ/yr"), (0.0, 1.0, "GJ/yr")),
}


def check_lang(lang: str) -> Lang:
    """``lang`` if it is a report language.

    Raises
    ------
    InputError
        Naming the allowed languages.
    """
    if lang not in LANGS:
        from brineworks.errors import InputError

        raise InputError("lang", lang, " or ".join(LANGS))
    return lang


def number(x: float | None, digits: int = 4, *, max_decimals: int = 6) -> str:
    """``x`` with at most ``digits`` significant figures, thousands separators, trailing zeros
    dropped and no e-notation; ``–`` for a missing or non-finite value.

    Examples
    --------
    >>> number(1108000.0), number(110.8), number(0.012345), number(-2500.0)
    ('1,108,000', '110.8', '0.01235', '-2,500')
    """
    if x is None or not math.isfinite(x):
        return DASH
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    decimals = min(max(0, digits - 1 - magnitude), max_decimals)
    rounded = round(x, decimals)
    if rounded == 0:
        return "≈0"
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def scaled(x: float | None, scales: _Scale, digits: int = 4) -> str:
    """``x`` divided by the largest scale it reaches, with that scale's unit."""
    if x is None or not math.isfinite(x):
        return DASH
    for threshold, divisor, unit in scales:
        if abs(x) >= threshold:
            return f"{number(x / divisor, digits)} {unit}"
    _, divisor, unit = scales[-1]
    return f"{number(x / divisor, digits)} {unit}"


def mass_rate(t_per_yr: float | None, lang: Lang, digits: int = 4) -> str:
    """A mass flow: 万吨/年 or kt/yr. [t/yr]"""
    return scaled(t_per_yr, _MASS[lang], digits)


def stock_mass(t: float | None, lang: Lang, digits: int = 4) -> str:
    """A mass held (a stockpile, a reserve): 万吨 or Mt. [t]

    Examples
    --------
    >>> stock_mass(6e7, "zh"), stock_mass(6e7, "en")
    ('6,000 万吨', '60 Mt')
    """
    return scaled(t, _STOCK[lang], digits)


def money(cny: float | None, lang: Lang, digits: int = 4, *, per_year: bool = False) -> str:
    """An amount of money: 亿元 or M CNY (``per_year``: 亿元/年 or M CNY/yr). [CNY]"""
    return scaled(cny, (_MONEY_RATE if per_year else _MONEY)[lang], digits)


def price(cny_per_t: float | None, lang: Lang) -> str:
    """A price or unit cost: 元/吨 or CNY/t, whole yuan above 100. [CNY/t]"""
    unit = "元/吨" if lang == "zh" else "CNY/t"
    if cny_per_t is None or not math.isfinite(cny_per_t):
        return DASH
    digits = max(4, math.floor(math.log10(abs(cny_per_t))) + 1) if cny_per_t else 4
    return f"{number(cny_per_t, digits)} {unit}"


def volume_rate(m3_per_yr: float | None, lang: Lang, digits: int = 4) -> str:
    """A volume flow: 万立方米/年 or million m³/yr. [m³/yr]"""
    return scaled(m3_per_yr, _VOLUME[lang], digits)


def electricity(mwh_per_yr: float | None, lang: Lang, digits: int = 4) -> str:
    """Electricity: 万千瓦时/年 or GWh/yr. [MWh/yr]"""
    return scaled(mwh_per_yr, _ELECTRICITY[lang], digits)


def heat(gj_per_yr: float | None, lang: Lang, digits: int = 4) -> str:
    """Heat: 万吉焦/年 or TJ/yr. [GJ/yr]"""
    return scaled(gj_per_yr, _HEAT[lang], digits)


def percent(fraction: float | None, lang: Lang, decimals: int = 1) -> str:
    """A share as a percentage (0.853 → ``85.3%``). [-]"""
    del lang  # the same in both languages
    if fraction is None or not math.isfinite(fraction):
        return DASH
    return f"{100 * fraction:,.{decimals}f}%"


_E_NOTATION = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?)[eE]([+-]?)0*(\d+)(?![\w.])")
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def plain_text(text: str) -> str:
    """Free text (a model's note) with each e-notation number written as a power of ten.

    Examples
    --------
    >>> plain_text("seepage_rate: 1e-9 m/s, flow 2.5E+06 t")
    'seepage_rate: 1×10⁻⁹ m/s, flow 2.5×10⁶ t'
    """

    def power(m: re.Match[str]) -> str:
        sign = "-" if m.group(2) == "-" else ""
        return f"{m.group(1)}×10{(sign + m.group(3)).translate(_SUPERSCRIPT)}"

    return _E_NOTATION.sub(power, text)


def area_km2(m2: float | None, lang: Lang) -> str:
    """An area: 平方公里 or km². [m²]"""
    return f"{number(None if m2 is None else m2 / 1e6)} {'平方公里' if lang == 'zh' else 'km²'}"


def years(value: float | None, lang: Lang) -> str:
    """A duration in years (``5.4 年`` / ``5.4 yr``). [yr]"""
    if value is None or not math.isfinite(value):
        return DASH
    return f"{number(value, 3)} {'年' if lang == 'zh' else 'yr'}"


@dataclass(frozen=True)
class Formatter:
    """The formatting functions bound to one language (for templates and tables)."""

    lang: Lang

    def number(self, x: float | None, digits: int = 4) -> str:
        """See :func:`number`."""
        return number(x, digits)

    def mass(self, t_per_yr: float | None) -> str:
        """See :func:`mass_rate`. [t/yr]"""
        return mass_rate(t_per_yr, self.lang)

    def stock(self, t: float | None) -> str:
        """See :func:`stock_mass`. [t]"""
        return stock_mass(t, self.lang)

    def money(self, cny: float | None, *, per_year: bool = False) -> str:
        """See :func:`money`. [CNY]"""
        return money(cny, self.lang, per_year=per_year)

    def price(self, cny_per_t: float | None) -> str:
        """See :func:`price`. [CNY/t]"""
        return price(cny_per_t, self.lang)

    def volume(self, m3_per_yr: float | None) -> str:
        """See :func:`volume_rate`. [m³/yr]"""
        return volume_rate(m3_per_yr, self.lang)

    def electricity(self, mwh_per_yr: float | None) -> str:
        """See :func:`electricity`. [MWh/yr]"""
        return electricity(mwh_per_yr, self.lang)

    def heat(self, gj_per_yr: float | None) -> str:
        """See :func:`heat`. [GJ/yr]"""
        return heat(gj_per_yr, self.lang)

    def percent(self, fraction: float | None, decimals: int = 1) -> str:
        """See :func:`percent`. [-]"""
        return percent(fraction, self.lang, decimals)

    def area(self, m2: float | None) -> str:
        """See :func:`area_km2`. [m²]"""
        return area_km2(m2, self.lang)

    def years(self, value: float | None) -> str:
        """See :func:`years`. [yr]"""
        return years(value, self.lang)
