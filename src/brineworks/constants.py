"""Physical constants, unit conversions and the element lists every layer shares.

SI inside the code; these helpers convert at the edges (°C ↔ K, t/yr ↔ kg/s, kWh/t ↔ J/kg).

Examples
--------
>>> celsius_to_kelvin(25.0)
298.15
>>> round(t_per_yr_to_kg_per_s(SECONDS_PER_YEAR / 1000.0), 12)
1.0
"""

from __future__ import annotations

__all__ = [
    "BRINE_ELEMENTS",
    "GJ",
    "KELVIN_OFFSET",
    "KWH",
    "REPORTED_ELEMENTS",
    "SECONDS_PER_YEAR",
    "STREAM_ELEMENTS",
    "celsius_to_kelvin",
    "kelvin_to_celsius",
    "kg_per_s_to_t_per_yr",
    "t_per_yr_to_kg_per_s",
]

KELVIN_OFFSET = 273.15
"""0 °C in kelvin. [K]"""

SECONDS_PER_YEAR = 365.25 * 86400.0
"""A Julian year. [s]"""

KWH = 3.6e6
"""One kilowatt-hour. [J]"""

GJ = 1.0e9
"""One gigajoule. [J]"""

BRINE_ELEMENTS = ("Li", "Na", "K", "Mg", "Ca", "Sr", "Cl", "Br", "S", "B", "C")
"""Elements a brine may carry, in the order chemistry results list them."""

STREAM_ELEMENTS = ("K", "Li", "Mg", "Na", "Ca", "Sr", "B", "Br", "Cl", "S", "C", "N", "O", "H")
"""Elements balanced in process streams (N for ammonia-soda and ammonium chloride)."""

REPORTED_ELEMENTS = ("K", "Li", "Mg", "Na", "B", "Cl", "S", "Ca")
"""Elements reported in a park's balances and indicators."""


def celsius_to_kelvin(t_c: float) -> float:
    """Temperature in kelvin from degrees Celsius. [K]"""
    return t_c + KELVIN_OFFSET


def kelvin_to_celsius(t_k: float) -> float:
    """Temperature in degrees Celsius from kelvin. [°C]"""
    return t_k - KELVIN_OFFSET


def kg_per_s_to_t_per_yr(flow: float) -> float:
    """A mass flow in t/yr from kg/s. [t/yr]"""
    return flow * SECONDS_PER_YEAR / 1000.0


def t_per_yr_to_kg_per_s(flow: float) -> float:
    """A mass flow in kg/s from t/yr. [kg/s]"""
    return flow * 1000.0 / SECONDS_PER_YEAR
