"""Site climates and the evaporation rate of a brine at a site.

Data: ``data/climate.csv``, one row per site with its source. Two ways to get a brine's net
evaporation rate [m/yr], depending on what is known of the site:

* ``pan`` — from fresh-water pan evaporation: E = k_pan · a_w · E_pan − P. The brine's vapour
  pressure is the fresh-water one times its water activity (as in Salhotra et al. 1985); air
  humidity and the warmer surface of a brine are neglected, so this over-estimates the
  evaporation of end brines whose a_w nears the air's relative humidity;
* ``net`` — from a published net evaporation rate of the site's own brine, scaled by water
  activity: E = E_ref · a_w / a_w,ref.

Monthly values are not used yet: no monthly normals could be read for these sites.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from brineworks.errors import InputError

__all__ = ["SECONDS_PER_YEAR", "Climate", "climate", "sites"]

SECONDS_PER_YEAR = 365.25 * 86400.0
"""Seconds in a Julian year. [s]"""


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
        if not 0 < water_activity <= 1:
            raise InputError("water_activity", water_activity, "a number in (0, 1]")
        if self.mode == "pan":
            return self.pan_coefficient * water_activity * self.pan_evaporation - self.precipitation
        return self.net_evaporation * water_activity / reference_water_activity


@cache
def _rows() -> dict[str, dict[str, str]]:
    text = files("brineworks.data").joinpath("climate.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["site"]: r for r in rows}


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
    row = _rows().get(site)
    if row is None:
        raise InputError("site", site, "one of " + ", ".join(sites()))

    def rate(key: str, scale: float) -> float:
        return float(row[key]) * scale / SECONDS_PER_YEAR if row[key].strip() else 0.0

    return Climate(
        site=site,
        name=row["name"],
        mode=row["mode"],
        pan_evaporation=rate("pan_evaporation_mm_per_yr", 1e-3),
        precipitation=rate("precipitation_mm_per_yr", 1e-3),
        pan_coefficient=float(row["pan_coefficient"]) if row["pan_coefficient"].strip() else 1.0,
        net_evaporation=rate("net_brine_evaporation_m_per_yr", 1.0),
        reference_brine=row["reference_brine"],
        source=row["source"],
        status=row["status"],
    )
