"""Site climates and the evaporation rate of a brine at a site.

Data: ``data/climate.csv``, one row per site with its source, and ``data/climate_monthly.csv``,
monthly normals (pan evaporation, precipitation, mean temperature, relative humidity) where
they could be read. Two ways to get a brine's net evaporation rate, depending on what is known
of the site:

* ``pan`` — from fresh-water pan evaporation: E = k_pan · a_w · E_pan − P. The brine's vapour
  pressure is the fresh-water one times its water activity (as in Salhotra et al. 1985); the
  brine surface is taken at the pan's temperature. Where the month's relative humidity h is
  known, Dalton's law with the air's vapour pressure gives E = k_pan · E_pan · (a_w − h)/(1 − h)
  − P instead: a brine whose a_w falls to the air's humidity stops evaporating (and a more
  hygroscopic one takes up water). Without h, the end brines' evaporation is over-estimated;
* ``net`` — from a published net evaporation rate of the site's own brine, scaled by water
  activity: E = E_ref · a_w / a_w,ref.

A site with monthly normals gets its annual rate as the sum of its months, and
:meth:`Climate.monthly_brine_evaporation` gives the months themselves.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cache

from brineworks.constants import KELVIN_OFFSET, SECONDS_PER_YEAR
from brineworks.data import read_rows
from brineworks.errors import BrineworksError, InputError

__all__ = [
    "MONTHS",
    "Climate",
    "MonthlyClimate",
    "climate",
    "parse_monthly",
    "scaled_climate",
    "sites",
]

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
"""Column names of the months in ``climate_monthly.csv``."""

SCALABLE_QUANTITIES = ("pan_evaporation", "precipitation", "pan_coefficient", "net_evaporation")
"""Site figures :func:`scaled_climate` can multiply (pan and net evaporation, rain, k_pan)."""

_FACTORS: ContextVar[tuple[tuple[str, str, float], ...]] = ContextVar(
    "brineworks_climate_factors", default=()
)

_MONTHLY_QUANTITIES = {
    "pan_evaporation": "mm",
    "precipitation": "mm",
    "mean_temperature": "degC",
    "relative_humidity": "%",
}


@dataclass(frozen=True)
class MonthlyClimate:
    """Monthly normals of a site, January to December.

    Attributes
    ----------
    pan_evaporation, precipitation
        Depth per month. [m]
    temperature
        Mean air temperature, or None where not read. [K]
    relative_humidity
        Mean relative humidity, or None where not read. [-]
    sources
        Source of each quantity read, by quantity name.
    """

    pan_evaporation: tuple[float, ...]
    precipitation: tuple[float, ...]
    temperature: tuple[float, ...] | None = None
    relative_humidity: tuple[float, ...] | None = None
    sources: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Climate:
    """Evaporation conditions of a site.

    Attributes
    ----------
    site, name
        Slug and name.
    mode
        ``"pan"`` or ``"net"`` (see the module docstring).
    pan_evaporation
        Fresh-water pan evaporation (mode ``pan``). [m/s]
    precipitation
        Precipitation (mode ``pan``). [m/s]
    pan_coefficient
        Pond-to-pan ratio for fresh water. [-]
    net_evaporation
        Published net evaporation of the reference brine (mode ``net``). [m/s]
    reference_brine
        Catalogue slug of the brine ``net_evaporation`` refers to.
    source, status
        Provenance of the numbers.
    monthly
        Monthly normals (mode ``pan`` only), or None; where given, ``pan_evaporation`` and
        ``precipitation`` are their annual sums.
    """

    site: str
    name: str
    mode: str
    pan_evaporation: float = 0.0
    precipitation: float = 0.0
    pan_coefficient: float = 1.0
    net_evaporation: float = 0.0
    reference_brine: str = ""
    source: str = ""
    status: str = ""
    monthly: MonthlyClimate | None = None

    def brine_evaporation(
        self, water_activity: float, reference_water_activity: float = 1.0
    ) -> float:
        """Net evaporation rate of a brine at this site. [m/s]

        Parameters
        ----------
        water_activity
            Water activity of the evaporating brine. [-]
        reference_water_activity
            Water activity of the reference brine (mode ``net`` only). [-]
        """
        if self.monthly is not None:
            depths = self.monthly_brine_evaporation(water_activity)
            return math.fsum(depths) / SECONDS_PER_YEAR
        _check_activity(water_activity)
        if self.mode == "pan":
            return self.pan_coefficient * water_activity * self.pan_evaporation - self.precipitation
        return self.net_evaporation * water_activity / reference_water_activity

    def monthly_brine_evaporation(self, water_activity: float) -> tuple[float, ...]:
        """Net evaporation of a brine in each month, January to December. [m]

        A negative month takes up water (rain, or a hygroscopic brine in humid air).

        Parameters
        ----------
        water_activity
            Water activity of the evaporating brine. [-]

        Raises
        ------
        InputError
            If the site has no monthly normals.
        """
        m = self.monthly
        if m is None:
            with_months = [s for s in sites() if climate(s).monthly is not None]
            raise InputError(
                "site", self.site, "a site with monthly normals: " + ", ".join(with_months)
            )
        _check_activity(water_activity)
        k = self.pan_coefficient
        if m.relative_humidity is None:
            drive = [water_activity] * 12
        else:
            drive = [(water_activity - h) / (1.0 - h) for h in m.relative_humidity]
        return tuple(
            k * e * d - p for e, d, p in zip(m.pan_evaporation, drive, m.precipitation, strict=True)
        )

    def evaporation_weighted_temperature(self) -> float | None:
        """Mean air temperature weighted by each month's pan evaporation, or None. [K]

        The temperature at which most of a pond's water leaves: a representative temperature
        for its salts (the ponds themselves are solved isothermally).
        """
        m = self.monthly
        if m is None or m.temperature is None:
            return None
        weights = m.pan_evaporation
        return math.fsum(t * w for t, w in zip(m.temperature, weights, strict=True)) / math.fsum(
            weights
        )


def _check_activity(water_activity: float) -> None:
    if not 0 < water_activity <= 1:
        raise InputError("water_activity", water_activity, "a number in (0, 1]")


def _read(name: str) -> list[dict[str, str]]:
    return read_rows(name)


@cache
def _rows() -> dict[str, dict[str, str]]:
    return {r["site"]: r for r in _read("climate.csv")}


@cache
def _monthly() -> dict[str, MonthlyClimate]:
    return parse_monthly(_read("climate_monthly.csv"))


def parse_monthly(rows: list[dict[str, str]]) -> dict[str, MonthlyClimate]:
    """Monthly normals by site from the rows of ``climate_monthly.csv``.

    Raises
    ------
    BrineworksError
        Naming the row of an unknown quantity or unit, a missing or non-numeric month, a
        negative depth, a humidity outside [0, 100) %, a repeated quantity, or a site without
        both pan evaporation and precipitation.
    """
    by_site: dict[str, dict[str, tuple[float, ...]]] = {}
    sources: dict[str, list[tuple[str, str]]] = {}
    for n, r in enumerate(rows, start=1):
        where = f"climate_monthly.csv row {n} ({r.get('site')}, {r.get('quantity')})"
        unit = _MONTHLY_QUANTITIES.get(r.get("quantity", ""))
        if unit is None:
            raise BrineworksError(
                f"{where}: quantity must be one of {', '.join(_MONTHLY_QUANTITIES)}"
            )
        if r.get("unit") != unit:
            raise BrineworksError(f"{where}: unit {r.get('unit')!r}, expected {unit!r}")
        try:
            values = tuple(float(r[m]) for m in MONTHS)
        except (KeyError, TypeError, ValueError):
            raise BrineworksError(f"{where}: twelve numbers needed, {', '.join(MONTHS)}") from None
        if r["quantity"] in {"pan_evaporation", "precipitation"} and min(values) < 0:
            raise BrineworksError(f"{where}: a negative depth")
        if r["quantity"] == "relative_humidity" and not all(0 <= v < 100 for v in values):
            raise BrineworksError(f"{where}: humidity must lie in [0, 100) %")
        quantities = by_site.setdefault(r["site"], {})
        if r["quantity"] in quantities:
            raise BrineworksError(f"{where}: the quantity is given twice")
        quantities[r["quantity"]] = values
        sources.setdefault(r["site"], []).append((r["quantity"], r["source"]))
    out = {}
    for site, q in by_site.items():
        if "pan_evaporation" not in q or "precipitation" not in q:
            raise BrineworksError(
                f"climate_monthly.csv: site {site!r} needs both pan_evaporation and precipitation"
            )
        temperature = q.get("mean_temperature")
        humidity = q.get("relative_humidity")
        out[site] = MonthlyClimate(
            pan_evaporation=tuple(v * 1e-3 for v in q["pan_evaporation"]),
            precipitation=tuple(v * 1e-3 for v in q["precipitation"]),
            temperature=None
            if temperature is None
            else tuple(v + KELVIN_OFFSET for v in temperature),
            relative_humidity=None if humidity is None else tuple(v / 100 for v in humidity),
            sources=tuple(sources[site]),
        )
    return out


def sites() -> tuple[str, ...]:
    """Slugs of the sites with climate data."""
    return tuple(_rows())


def climate(site: str) -> Climate:
    """The climate of a site by slug.

    Raises
    ------
    InputError
        If the site has no data.
    """
    row = _rows().get(site) if isinstance(site, str) else None
    if row is None:
        raise InputError("site", site, "one of " + ", ".join(sites()))

    def rate(key: str, scale: float) -> float:
        return float(row[key]) * scale / SECONDS_PER_YEAR if row[key].strip() else 0.0

    pan = rate("pan_evaporation_mm_per_yr", 1e-3)
    rain = rate("precipitation_mm_per_yr", 1e-3)
    monthly = _monthly().get(site)
    if monthly is not None:
        if row["mode"] != "pan" or pan or rain:
            raise BrineworksError(
                f"climate.csv: site {site!r} has monthly normals, so its row must be mode pan "
                "with the annual pan evaporation and precipitation left empty (they are the "
                "sums of the months)"
            )
        pan = math.fsum(monthly.pan_evaporation) / SECONDS_PER_YEAR
        rain = math.fsum(monthly.precipitation) / SECONDS_PER_YEAR
    base = Climate(
        site=site,
        name=row["name"],
        mode=row["mode"],
        pan_evaporation=pan,
        precipitation=rain,
        pan_coefficient=float(row["pan_coefficient"]) if row["pan_coefficient"].strip() else 1.0,
        net_evaporation=rate("net_brine_evaporation_m_per_yr", 1.0),
        reference_brine=row["reference_brine"],
        source=row["source"],
        status=row["status"],
        monthly=monthly,
    )
    return _scaled(base)


@contextmanager
def scaled_climate(factors: Mapping[tuple[str, str], float]) -> Iterator[None]:
    """Within the block, :func:`climate` returns sites with some figures multiplied.

    For uncertainty studies: a ``(site, quantity)`` → factor map, the quantity one of
    :data:`SCALABLE_QUANTITIES`. Monthly normals are scaled month by month (so the annual sums
    scale too). The override is a context variable: it applies to the code the block calls and
    ends with it.

    Raises
    ------
    InputError
        For an unknown site or quantity, or a factor that is not a positive number.
    """
    for (site, quantity), f in factors.items():
        if site not in _rows():
            raise InputError("climate site", site, "one of " + ", ".join(sites()))
        if quantity not in SCALABLE_QUANTITIES:
            raise InputError(
                f"climate.{site} quantity", quantity, "one of " + ", ".join(SCALABLE_QUANTITIES)
            )
        if not (isinstance(f, int | float) and math.isfinite(f) and f > 0):
            raise InputError(f"climate.{site}.{quantity}", f, "a positive factor")
    token = _FACTORS.set(_FACTORS.get() + tuple((s, q, float(f)) for (s, q), f in factors.items()))
    try:
        yield
    finally:
        _FACTORS.reset(token)


def _scaled(c: Climate) -> Climate:
    """``c`` with the factors of the enclosing :func:`scaled_climate` blocks applied."""
    factors: dict[str, float] = {}
    for site, quantity, f in _FACTORS.get():
        if site == c.site:
            factors[quantity] = factors.get(quantity, 1.0) * f
    if not factors:
        return c
    pan, rain = factors.get("pan_evaporation", 1.0), factors.get("precipitation", 1.0)
    monthly = c.monthly
    if monthly is not None:
        monthly = replace(
            monthly,
            pan_evaporation=tuple(v * pan for v in monthly.pan_evaporation),
            precipitation=tuple(v * rain for v in monthly.precipitation),
        )
    note = ", ".join(f"{q} x{f:g}" for q, f in sorted(factors.items()))
    return replace(
        c,
        pan_evaporation=c.pan_evaporation * pan,
        precipitation=c.precipitation * rain,
        pan_coefficient=c.pan_coefficient * factors.get("pan_coefficient", 1.0),
        net_evaporation=c.net_evaporation * factors.get("net_evaporation", 1.0),
        source=f"{c.source} (scaled: {note})",
        monthly=monthly,
    )
