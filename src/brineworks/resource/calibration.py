"""The model against history: the Mahai brine field and QSL's Qarhan production.

* **Mahai** (XINHUA07): after several years of pumping, the brine level fell from −0.5 to
  −2.5 m and the KCl grade from 2.7 to 1.23 wt%. In a well-mixed zone pumping alone changes
  no grade; what dilutes it is water drawn in by the drawdown (WATER25: fresh water leaking to
  the wells lowers the K and Li grade). :func:`fit_mahai` fits the two unknowns, the pumping
  and the fresh inflow per metre of drawdown, to the two observations, with the field's area,
  thickness and specific yield assumed (``parameters.csv``, ``mahai`` rows).
* **QSL**: :func:`qsl_history` pumps the Bieletan zone of a scenario's ``[reservoir]`` from
  2000 to 2024 at the brine volume its KCl output needed (QSL's production points of
  ``history.csv``, interpolated, over the park's KCl per m³), and reports the grade the model
  then gives; no grade series was found to compare it with (``docs/reservoir.md``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from brineworks.chemistry.backend import ThermoBackend
from brineworks.errors import BrineworksError, InputError
from brineworks.resource.data import history, parameter
from brineworks.resource.park import Park
from brineworks.resource.results import ReservoirResult
from brineworks.resource.run import simulate_reservoir
from brineworks.resource.spec import ReservoirSpec

__all__ = [
    "MahaiFit",
    "fit_mahai",
    "mahai_spec",
    "qsl_history",
    "qsl_pumping_schedule",
    "run_mahai",
]


def mahai_spec(
    *,
    area_km2: float | None = None,
    thickness_m: float | None = None,
    specific_yield: float | None = None,
    induced_m3_per_yr_per_m: float = 0.0,
) -> ReservoirSpec:
    """The Mahai shallow brine field as one zone over a halite bed, with fresh water drawn in
    by its drawdown (defaults: ``parameters.csv``)."""
    a = area_km2 if area_km2 is not None else parameter("mahai", "all", "area").value
    h = (
        thickness_m
        if thickness_m is not None
        else parameter("mahai", "all", "saturated_thickness").value
    )
    sy = (
        specific_yield
        if specific_yield is not None
        else parameter("mahai", "all", "specific_yield").value
    )
    halite_t = a * 1e6 * h * 0.72 * 2.165  # the bed's halite, as for Qarhan
    return ReservoirSpec.model_validate({
        "temperature_c": 25.0,
        "pumped": {"mahai": 1.0},
        "zones": [{"name": "mahai", "catalogue": "mahai-shallow", "area_km2": a,
                   "thickness_m": h, "specific_yield": sy, "halite_t": halite_t}],
        "inflows": [{"name": "fresh water", "zone": "mahai",
                     "m3_per_yr_per_m": induced_m3_per_yr_per_m}],
    })  # fmt: skip


def run_mahai(
    pumping_m3_per_yr: float,
    induced_m3_per_yr_per_m: float,
    backend: ThermoBackend,
    years: int | None = None,
    **zone: float,
) -> ReservoirResult:
    """The Mahai case: pumping with no park returns (the brine leaves the field)."""
    n = years if years is not None else int(parameter("mahai", "all", "years").value)
    spec = mahai_spec(induced_m3_per_yr_per_m=induced_m3_per_yr_per_m, **zone)
    return simulate_reservoir(spec, years=n, backend=backend, pumping_m3_per_yr=pumping_m3_per_yr)


@dataclass(frozen=True)
class MahaiFit:
    """The Mahai calibration.

    Attributes
    ----------
    pumping_m3_per_yr
        Fitted brine pumping. [m³/yr]
    induced_m3_per_yr_per_m
        Fitted fresh inflow per metre of drawdown. [m³/yr/m]
    kcl_start, kcl_end
        Model KCl grade at the start (after halite saturation) and the end. [wt%]
    level_change_m
        Model level change over the years. [m]
    observed
        The observations: KCl grades and level change. [wt%, m]
    years
        Years of pumping.
    result
        The fitted run.
    """

    pumping_m3_per_yr: float
    induced_m3_per_yr_per_m: float
    kcl_start: float
    kcl_end: float
    level_change_m: float
    observed: Mapping[str, float]
    years: int
    result: ReservoirResult

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "pumping_m3_per_yr": self.pumping_m3_per_yr,
            "induced_m3_per_yr_per_m": self.induced_m3_per_yr_per_m,
            "kcl_start_wt_percent": self.kcl_start,
            "kcl_end_wt_percent": self.kcl_end,
            "level_change_m": self.level_change_m,
            "observed": dict(self.observed),
            "years": self.years,
        }


def fit_mahai(backend: ThermoBackend, years: int | None = None, **zone: float) -> MahaiFit:
    """Fit the pumping and the fresh inflow per metre of drawdown so that the model's KCl grade
    falls from the start to 1.23 wt% and its level by 2.0 m in ``years`` years.

    Raises
    ------
    BrineworksError
        If the fit does not converge.
    """
    from scipy.optimize import least_squares

    n = years if years is not None else int(parameter("mahai", "all", "years").value)
    target_kcl = parameter("mahai", "all", "kcl_grade_end").value
    target_dh = (parameter("mahai", "all", "level_end").value
                 - parameter("mahai", "all", "level_start").value)  # fmt: skip

    def observe(x: Any) -> tuple[float, float, ReservoirResult]:
        q, c = 10 ** float(x[0]), 10 ** float(x[1])
        r = run_mahai(q, c, backend, n, **zone)
        last = r.zone_rows("mahai")[-1]
        return last.kcl_wt_percent(), last.level_m, r

    def residual(x: Any) -> list[float]:
        kcl, dh, _ = observe(x)
        return [(kcl - target_kcl) / target_kcl, (dh - target_dh) / abs(target_dh)]

    sol = least_squares(residual, x0=[7.0, 6.5], bounds=([5.0, 3.0], [9.0, 9.5]),
                        x_scale=[0.5, 0.5], xtol=1e-10, ftol=1e-10)  # fmt: skip
    if not sol.success or max(abs(v) for v in sol.fun) > 1e-3:
        raise BrineworksError(f"Mahai fit did not converge: residuals {list(sol.fun)}")
    kcl, dh, r = observe(sol.x)
    return MahaiFit(
        pumping_m3_per_yr=10 ** float(sol.x[0]), induced_m3_per_yr_per_m=10 ** float(sol.x[1]),
        kcl_start=r.zone_rows("mahai")[0].kcl_wt_percent(), kcl_end=kcl, level_change_m=dh,
        observed={"kcl_start": parameter("mahai", "all", "kcl_grade_start").value,
                  "kcl_end": target_kcl, "level_change_m": target_dh},
        years=n, result=r,
    )  # fmt: skip


def qsl_pumping_schedule(
    kcl_t_per_m3: float, first: int = 2001, last: int = 2024
) -> dict[int, float]:
    """Brine QSL needed each year for its KCl output: the production points of
    ``history.csv`` (QSL, ``kcl_production``) interpolated linearly, over ``kcl_t_per_m3`` [t
    KCl per m³ of brine]. [m³/yr]

    Raises
    ------
    InputError
        If the yield is not positive.
    """
    if not kcl_t_per_m3 > 0:
        raise InputError("kcl_t_per_m3", kcl_t_per_m3, "a yield > 0 t/m³")
    points = sorted(
        (int(r["year"]), float(r["value"]))
        for r in history()
        if r["quantity"] == "kcl_production" and r["operator"].startswith("QSL")
    )
    out = {}
    for y in range(first, last + 1):
        out[y] = _interpolate(points, y) / kcl_t_per_m3
    return out


def _interpolate(points: list[tuple[int, float]], year: int) -> float:
    if year <= points[0][0]:
        return points[0][1]
    for (y0, v0), (y1, v1) in itertools.pairwise(points):
        if y0 <= year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return points[-1][1]


def qsl_history(
    spec: ReservoirSpec,
    backend: ThermoBackend,
    *,
    park: Park | None,
    kcl_t_per_m3: float,
    every: int = 6,
    returns: bool = True,
    conversion: bool = True,
) -> ReservoirResult:
    """Run ``spec`` (a Qarhan ``[reservoir]``, started in 2000) through QSL's production since
    2000 (:func:`qsl_pumping_schedule`)."""
    if not math.isfinite(kcl_t_per_m3):
        raise InputError("kcl_t_per_m3", kcl_t_per_m3, "a finite yield")
    s = spec.model_copy(update={"start_year": 2000})
    schedule = qsl_pumping_schedule(kcl_t_per_m3)
    return simulate_reservoir(
        s, years=len(schedule), backend=backend, park=park, pumping_m3_per_yr=schedule,
        returns=returns, conversion=conversion, every=every,
    )  # fmt: skip
