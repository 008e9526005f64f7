"""Run the lake year by year, with the park solved every ``every`` years.

:func:`simulate_reservoir` is the orchestration of this package: it builds the zones from a
:class:`~brineworks.resource.spec.ReservoirSpec`, then each year pumps the zones, gives the
pumped brine to the park, routes what the park returns to the zones (directly or as the
solvent of the solid–liquid conversion), adds the inflows, removes the evaporation and
equilibrates every zone with its bed. :func:`run_scenario` does the same for a scenario that
declares a ``[reservoir]``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.ions import atomic_weights
from brineworks.constants import KELVIN_OFFSET
from brineworks.errors import BrineworksError, ChemistryError, InputError, ValidityError
from brineworks.resource.data import resource_brine
from brineworks.resource.model import (
    M_WATER,
    Parcel,
    ZoneState,
    parcel_of_volume,
    phase_solutes,
    react,
    step_zone,
)
from brineworks.resource.park import (
    NoPark,
    Park,
    ParkYear,
    ScenarioPark,
    interpolate_park_year,
    scale_park_year,
)
from brineworks.resource.results import ElementBalance, ParkRecord, ReservoirResult, ZoneYear
from brineworks.resource.spec import ReservoirSpec, _Composition

__all__ = ["initial_states", "run_scenario", "simulate_reservoir"]

log = logging.getLogger(__name__)

_WATER = "H2O"


@dataclass(frozen=True)
class _ParkFor:
    """The park's year for a brine: ``exact`` as solved; else the solve ``before`` scaled to
    the brine, blended ``weight`` of the way to the solve ``after``; none without a solve.
    ``solved`` marks the year as one the park was solved for."""

    before: ParkYear | None
    after: ParkYear | None = None
    weight: float = 0.0
    solved: bool = False
    exact: ParkYear | None = None

    def __call__(self, fed: Parcel) -> ParkYear | None:
        if self.exact is not None:
            return self.exact
        if self.before is None:
            return None
        if self.after is None or self.weight == 0.0:
            year = scale_park_year(self.before, fed)
        else:
            year = interpolate_park_year(self.before, self.after, self.weight, fed)
        if self.solved:
            return ParkYear(year.received, year.returns, year.products, solved=True)
        return year


@dataclass
class _Year:
    """What one year of the lake produced: the park's record, the zones' rows, and the flows
    in and out (elements in mol, water in kg)."""

    record: ParkRecord
    rows: list[ZoneYear]
    inflow: dict[str, float]
    outflow: dict[str, float]


def _brine(c: _Composition, temperature_c: float, backend: ThermoBackend, name: str) -> Brine:
    if c.catalogue is not None:
        return resource_brine(c.catalogue, temperature_c=temperature_c, backend=backend)
    if c.unit is None or c.composition is None:
        raise InputError(name, None, "'catalogue', or 'unit' and 'composition'")
    return Brine.from_amounts(
        c.composition, c.unit, name=name, temperature_c=temperature_c,
        density_g_cm3=c.density_g_cm3, balance_on=c.balance_on, backend=backend,
    )  # fmt: skip


def _per_m3(c: _Composition, temperature_c: float, backend: ThermoBackend, name: str) -> Parcel:
    """One m³ of a water or brine (pure water if no composition)."""
    if not c.has_composition:
        return Parcel(1000.0, {})
    return parcel_of_volume(_brine(c, temperature_c, backend, name), 1.0, backend)


def _t_to_mol(phase: str, tonnes: float, backend: ThermoBackend) -> float:
    w = atomic_weights()
    formula = backend.phase_formula(phase)
    molar = sum(w[el] * n for el, n in formula.items())  # g/mol
    return tonnes * 1e6 / molar


def initial_states(
    spec: ReservoirSpec, backend: ThermoBackend
) -> tuple[dict[str, ZoneState], dict[str, dict[str, float]]]:
    """Each zone's state at the start (its brine in equilibrium with its bed), and what that
    first equilibration changed (phase → mol, positive when precipitated).

    Raises
    ------
    InputError
        For an unknown brine or solid.
    ChemistryError
        If an equilibrium fails.
    """
    t = spec.temperature_c + KELVIN_OFFSET
    states: dict[str, ZoneState] = {}
    changes: dict[str, dict[str, float]] = {}
    for z in spec.zones:
        brine = _brine(z, spec.temperature_c, backend, z.name)
        volume = z.area_km2 * 1e6 * z.thickness_m * z.specific_yield
        liquid = parcel_of_volume(brine, volume, backend)
        bed = {"Halite": _t_to_mol("Halite", z.halite_t, backend)} if z.halite_t > 0 else {}
        ore = {p: _t_to_mol(p, tonnes, backend) for p, tonnes in z.ore_t.items()}
        for p in ore:
            phase_solutes(backend.phase_formula(p), p)
        pools = {p: bed.get(p, 0.0) for p in spec.bed_phases}
        r = react(liquid, pools, backend=backend, temperature=t, name=z.name)
        for p, d in r.change.items():
            bed[p] = bed.get(p, 0.0) + d
        states[z.name] = ZoneState(z.name, r.liquid, r.density, bed, ore)
        changes[z.name] = dict(r.change)
        log.info("zone %s: initial equilibration %s", z.name, r.change)
    return states, changes


def _inventory(state: ZoneState, backend: ThermoBackend) -> dict[str, float]:
    """Elements (mol) and water (kg) in a zone's brine and solids."""
    out = dict(state.liquid.solutes)
    water = state.liquid.water
    for pool in (state.bed, state.ore):
        for p, n in pool.items():
            formula = backend.phase_formula(p)
            for el, c in phase_solutes(formula, p).items():
                out[el] = out.get(el, 0.0) + n * c
            water += n * formula.get("H", 0.0) / 2.0 * M_WATER
    out[_WATER] = water
    return out


def _add_to(acc: dict[str, float], parcel: Parcel) -> None:
    for el, n in parcel.solutes.items():
        acc[el] = acc.get(el, 0.0) + n
    acc[_WATER] = acc.get(_WATER, 0.0) + parcel.water


def simulate_reservoir(
    spec: ReservoirSpec,
    *,
    years: int,
    backend: ThermoBackend,
    park: Park | None = None,
    pumping_m3_per_yr: float | Mapping[int, float] | None = None,
    returns: bool = True,
    conversion: bool = True,
    every: int = 1,
    interpolation: Literal["linear", "hold"] = "linear",
    on_park_failure: Literal["raise", "hold"] = "raise",
    progress: Callable[[str], None] | None = None,
) -> ReservoirResult:
    """Run the lake for ``years`` years.

    Parameters
    ----------
    spec
        The lake.
    years
        Years to run (≥ 0).
    backend
        Chemistry backend of every equilibrium of the lake.
    park
        The park fed with the pumped brine (none: the brine just leaves).
    pumping_m3_per_yr
        Brine pumped each year, overriding ``spec.pumping_m3_per_yr``; or a schedule, calendar
        year → pumping, with every year of the run. [m³/yr]
    returns
        Send the park's returned streams back to the zones ``spec.returns`` names (else they
        leave the lake).
    conversion
        Run the solid–liquid conversion (else its streams mix unreacted and no dilution water
        is added).
    every
        Solve the park in the first year and in every year that is a multiple of ``every``
        (years 1, K, 2K, …).
    interpolation
        Between two solves: ``"linear"`` blends the transfer ratios of the solves before and
        after (the brine of the next solve is first reached holding the ratios of the one
        before: predictor, then corrector); ``"hold"`` keeps the ratios of the solve before.
    on_park_failure
        A park solve that fails (after the first) raises (``"raise"``), or is recorded in
        ``options["park_failures"]`` and its years held from the solve before (``"hold"``).
    progress
        Called with a line of text as the run goes.

    Raises
    ------
    InputError
        For bad options, a returned stream the park does not return, or a zone pumped or
        evaporated dry.
    ChemistryError
        If an equilibrium fails.
    """
    say = progress or (lambda _m: None)
    if years < 0:
        raise InputError("years", years, "a number of years ≥ 0")
    if every < 1:
        raise InputError("every", every, "a number of years ≥ 1")
    given = pumping_m3_per_yr if pumping_m3_per_yr is not None else spec.pumping_m3_per_yr
    schedule = _schedule(given, spec.start_year, years)
    the_park: Park = park if park is not None else NoPark()
    started = time.perf_counter()
    t = spec.temperature_c + KELVIN_OFFSET
    w = atomic_weights()
    states, _ = initial_states(spec, backend)
    zones = {z.name: z for z in spec.zones}
    volume0 = {n: s.volume(t) for n, s in states.items()}
    inflow_unit = {f.name: _per_m3(f, spec.temperature_c, backend, f.name) for f in spec.inflows}
    conv = spec.conversion if conversion else None
    dilution = (
        _per_m3(conv, spec.temperature_c, backend, "conversion water").scaled(conv.water_m3_per_yr)
        if conv is not None
        else Parcel()
    )
    initial_total: dict[str, float] = {}
    for s in states.values():
        for el, n in _inventory(s, backend).items():
            initial_total[el] = initial_total.get(el, 0.0) + n
    inflow_total: dict[str, float] = {}
    outflow_total: dict[str, float] = {}

    def row(year: int, s: ZoneState, flows: Mapping[str, float], converted: Mapping[str, float],
            ) -> ZoneYear:  # fmt: skip
        z = zones[s.name]
        vol = s.volume(t)
        solid: dict[str, float] = {}
        solids_t: dict[str, float] = {}
        for pool in (s.bed, s.ore):
            for p, n in pool.items():
                formula = backend.phase_formula(p)
                solids_t[p] = solids_t.get(p, 0.0) + n * sum(
                    w[el] * c for el, c in formula.items()) / 1e6  # fmt: skip
                for el, c in phase_solutes(formula, p).items():
                    solid[el] = solid.get(el, 0.0) + n * c * w[el] / 1e6
        return ZoneYear(
            year=year, zone=s.name, brine_m3=vol,
            grade_g_per_l={el: n * w[el] / 1000.0 / vol for el, n in s.liquid.solutes.items()},
            stock_t={el: n * w[el] / 1e6 for el, n in s.liquid.solutes.items()},
            solid_t=solid, pumped_m3=flows.get("pumped", 0.0),
            returned_m3=flows.get("returned", 0.0), recharge_m3=flows.get("recharge", 0.0),
            level_m=(vol - volume0[s.name]) / (z.area_km2 * 1e6 * z.specific_yield),
            solids_t=solids_t, converted_t={el: v * w[el] / 1e6 for el, v in converted.items()},
            density_kg_m3=s.density,
        )  # fmt: skip

    rows = [row(spec.start_year, s, {}, {}) for s in states.values()]
    records: list[ParkRecord] = []

    def feed(current: Mapping[str, ZoneState], year: int) -> tuple[Parcel, dict[str, float]]:
        """The brine pumped in ``year`` from the zones as they are, and each zone's share."""
        pumping = schedule[year]
        by_zone = {zn: share * pumping for zn, share in spec.pumped.items()}
        parts = []
        for zn, v in by_zone.items():
            vol = current[zn].volume(t)
            if v >= vol:
                raise InputError(f"pumping from {zn} in {year}", v, f"less than its {vol:.4g} m³")
            parts.append(current[zn].liquid.scaled(v / vol) if v > 0 else Parcel())
        return Parcel.total(parts), by_zone

    failures: list[dict[str, Any]] = []

    def solve(current: Mapping[str, ZoneState], year: int) -> tuple[ParkYear | None, bool]:
        """The park solved for the brine of ``year``, and whether the solve failed (and was
        let go: ``on_park_failure = "hold"``)."""
        fed, _ = feed(current, year)
        if fed.water <= 0 or schedule[year] <= 0:
            return None, False
        say(f"year {year}: solving the park")
        try:
            return the_park.solve(fed.brine(t, "pumped brine"), schedule[year]), False
        except BrineworksError as exc:
            if on_park_failure == "raise" or basis is None:
                raise
            log.warning("park solve failed in %s (%s): held from the solve before", year, exc)
            failures.append({"year": year, "error": str(exc)})
            return None, True

    def advance(
        current: dict[str, ZoneState], year: int, park_for: Callable[[Parcel], ParkYear | None]
    ) -> tuple[dict[str, ZoneState], _Year]:
        """One year of every zone, with the park's year for the brine fed."""
        fed, pumped_by_zone = feed(current, year)
        pumping = schedule[year]
        park_year = park_for(fed) if fed.water > 0 and pumping > 0 else None
        if park_year is None:
            park_year = ParkYear(Parcel(), {}, {})
        grade = (
            {el: amount * w[el] / 1000.0 / pumping for el, amount in fed.solutes.items()}
            if fed.water > 0 and pumping > 0
            else {}
        )
        record = ParkRecord(year, park_year.solved, pumping, grade,
                            {k: dict(v) for k, v in park_year.products.items()})  # fmt: skip
        added: dict[str, list[Parcel]] = {zn: [] for zn in zones}
        solvent: dict[str, list[Parcel]] = {zn: [] for zn in zones}
        returned_m3 = dict.fromkeys(zones, 0.0)
        recharge_m3 = dict.fromkeys(zones, 0.0)
        if returns and spec.returns:
            for r in spec.returns:
                if r.stream not in park_year.returns:
                    if isinstance(the_park, NoPark) or not park_year.returns:
                        continue
                    raise InputError(
                        "reservoir.returns.stream", r.stream,
                        "a stream the park returns: " + ", ".join(park_year.returns),
                    )  # fmt: skip
                parcel = park_year.returns[r.stream]
                into = solvent if (r.conversion and conv is not None) else added
                into[r.zone].append(parcel)
                returned_m3[r.zone] += _returned_volume(parcel, r.stream, year, park_year, t,
                                                        backend)  # fmt: skip
        for f in spec.inflows:
            z = zones[f.zone]
            storage = z.area_km2 * 1e6 * z.specific_yield
            drawdown = max(0.0, -(current[f.zone].volume(t) - volume0[f.zone]) / storage)
            v = f.m3_per_yr + f.m3_per_yr_per_m * drawdown
            if v > 0:
                added[f.zone].append(inflow_unit[f.name].scaled(v))
                recharge_m3[f.zone] += v
        if conv is not None and not dilution.empty:
            solvent[conv.zone].append(dilution)
            recharge_m3[conv.zone] += conv.water_m3_per_yr
        new_states = dict(current)
        out = _Year(record, [], {}, {})
        for zn, z in zones.items():
            a = Parcel.total(added[zn])
            sv = Parcel.total(solvent[zn])
            new, flows = step_zone(
                current[zn], pumped_m3=pumped_by_zone.get(zn, 0.0), added=a, solvent=sv,
                contact=conv.contact if (conv is not None and conv.zone == zn) else 0.0,
                evaporation_kg=z.evaporation_m_per_yr * z.area_km2 * 1e6 * 1000.0,
                bed_phases=spec.bed_phases, backend=backend, temperature=t,
            )  # fmt: skip
            _add_to(out.inflow, a)
            _add_to(out.inflow, sv)
            _add_to(out.outflow, flows.pumped)
            out.outflow[_WATER] = out.outflow.get(_WATER, 0.0) + flows.evaporated
            converted: dict[str, float] = {}
            for phase, d in flows.conversion_change.items():
                if phase == "Halite":
                    continue
                for el, c in phase_solutes(backend.phase_formula(phase), phase).items():
                    converted[el] = converted.get(el, 0.0) - d * c
            new_states[zn] = new
            out.rows.append(row(year, new, {"pumped": pumped_by_zone.get(zn, 0.0),
                                            "returned": returned_m3[zn],
                                            "recharge": recharge_m3[zn]}, converted))  # fmt: skip
        return new_states, out

    def keep(year_out: _Year) -> None:
        records.append(year_out.record)
        rows.extend(year_out.rows)
        for k, v in year_out.inflow.items():
            inflow_total[k] = inflow_total.get(k, 0.0) + v
        for k, v in year_out.outflow.items():
            outflow_total[k] = outflow_total.get(k, 0.0) + v

    start = spec.start_year
    solve_years = sorted({1, *range(every, years + 1, every)}) if years >= 1 else []
    basis: ParkYear | None = None
    done = 0  # years run so far
    for solve_at in solve_years:
        between = range(done + 1, solve_at)  # years scaled from the solves around them
        if basis is not None and between and interpolation == "linear":
            # predictor: hold the solve before to reach the brine of the next solve
            ahead = states
            for i in between:
                ahead, _ = advance(ahead, start + i, _ParkFor(basis))
            after, failed = solve(ahead, start + solve_at)
            # corrector: the transfer ratios interpolated between the two solves
            for i in between:
                weight = (i - done) / (solve_at - done)
                how = _ParkFor(basis) if failed else _ParkFor(basis, after, weight)
                states, year_out = advance(states, start + i, how)
                keep(year_out)
            # the solve year: the new solve, scaled to the corrected brine
            if failed:
                how = _ParkFor(basis)
            else:
                how = _ParkFor(after, solved=True) if after else _ParkFor(None)
            states, year_out = advance(states, start + solve_at, how)
            keep(year_out)
            basis = after if after is not None else basis
        else:
            for i in between:
                states, year_out = advance(states, start + i, _ParkFor(basis))
                keep(year_out)
            solved_now, failed = solve(states, start + solve_at)
            how = _ParkFor(basis) if failed else _ParkFor(None, exact=solved_now)
            states, year_out = advance(states, start + solve_at, how)
            keep(year_out)
            basis = solved_now if solved_now is not None else basis
        done = solve_at
    for i in range(done + 1, years + 1):  # years after the last solve: held
        states, year_out = advance(states, start + i, _ParkFor(basis))
        keep(year_out)
    final_total: dict[str, float] = {}
    for s in states.values():
        for el, n in _inventory(s, backend).items():
            final_total[el] = final_total.get(el, 0.0) + n
    keys = sorted(set(initial_total) | set(inflow_total) | set(final_total))
    balance = {
        k: ElementBalance(initial_total.get(k, 0.0), inflow_total.get(k, 0.0),
                          outflow_total.get(k, 0.0), final_total.get(k, 0.0))
        for k in keys
    }  # fmt: skip
    depletion = _depletion(spec, rows, records)
    solves = sum(1 for r in records if r.solved and r.products_t) if park is not None else 0
    options: dict[str, Any] = {
        "years": years, "every": every, "interpolation": interpolation, "returns": returns,
        "conversion": conversion, "park_failures": failures,
        "pumping_m3_per_yr": schedule, "park_solves": solves,
        "seconds": time.perf_counter() - started, "backend": backend.name,
    }  # fmt: skip
    return ReservoirResult(tuple(spec.describe()), tuple(rows), tuple(records), depletion,
                           balance, options)  # fmt: skip


def _schedule(
    given: float | Mapping[int, float] | None, start: int, years: int
) -> dict[int, float]:
    """Calendar year → pumping [m³/yr] for every year of the run.

    Raises
    ------
    InputError
        If no pumping is given, one is negative, or a year of the run is missing.
    """
    if given is None:
        raise InputError("reservoir.pumping_m3_per_yr", None, "a pumping rate ≥ 0 m³/yr")
    if isinstance(given, Mapping):
        out = {}
        for y in range(start + 1, start + years + 1):
            if y not in given:
                raise InputError("pumping schedule", y, "a pumping for every year of the run")
            out[y] = float(given[y])
    else:
        out = {y: float(given) for y in range(start + 1, start + years + 1)}
    for y, v in out.items():
        if not v >= 0:
            raise InputError(f"pumping in {y}", v, "a pumping rate ≥ 0 m³/yr")
    return out


def _returned_volume(
    parcel: Parcel,
    stream: str,
    year: int,
    park_year: ParkYear,
    temperature: float,
    backend: ThermoBackend,
) -> float:
    """Volume of a stream the park returns in ``year``. [m³]

    Raises
    ------
    ChemistryError
        Naming the stream and the year, if the backend cannot take the stream's density: a
        stream scaled from a solve years before (its elements by their own transfer ratios) can
        be more concentrated than any solution the database covers.
    """
    try:
        return _volume(parcel, temperature, backend)
    except ChemistryError as exc:
        how = (
            "as the park returned it"
            if park_year.solved
            else "scaled from the park's solves: solve the park more often (every)"
        )
        kind = ValidityError if isinstance(exc, ValidityError) else ChemistryError
        raise kind(f"returned stream {stream!r} in {year}, {how}: {exc}") from exc


def _volume(parcel: Parcel, temperature: float, backend: ThermoBackend) -> float:
    """Volume of a parcel of solution. [m³]"""
    if not any(v > 0 for v in parcel.solutes.values()):
        return parcel.water / 1000.0
    brine = parcel.brine(temperature)
    rho = backend.density(brine.molality, temperature)
    return parcel.water * (1.0 + brine.dissolved_mass()) / rho


def _depletion(
    spec: ReservoirSpec, rows: list[ZoneYear], records: list[ParkRecord]
) -> dict[str, int | None]:
    """First year the pumped brine is below each cut-off grade (the start year counts)."""
    out: dict[str, int | None] = {}
    start: dict[str, float] = {}
    volume = sum(r.brine_m3 for r in rows if r.year == spec.start_year and r.zone in spec.pumped)
    for r in rows:
        if r.year == spec.start_year and r.zone in spec.pumped:
            for el, g in r.grade_g_per_l.items():
                start[el] = start.get(el, 0.0) + g * r.brine_m3 / volume
    for el, cutoff in spec.cutoff_g_per_l.items():
        found: int | None = spec.start_year if start.get(el, 0.0) < cutoff else None
        if found is None:
            for rec in records:
                if rec.grade_g_per_l and rec.grade_g_per_l.get(el, 0.0) < cutoff:
                    found = rec.year
                    break
        out[el] = found
    return out


def run_scenario(
    scenario: Any,
    *,
    years: int,
    backend: ThermoBackend,
    returns: bool = True,
    conversion: bool = True,
    every: int = 1,
    interpolation: Literal["linear", "hold"] = "linear",
    on_park_failure: Literal["raise", "hold"] = "raise",
    progress: Callable[[str], None] | None = None,
) -> ReservoirResult:
    """Run a scenario's ``[reservoir]`` with its park, pumping the scenario's brine flow (or
    the reservoir's ``pumping_m3_per_yr``).

    Raises
    ------
    InputError
        If the scenario has no ``[reservoir]`` table, or it names a stream the scenario does
        not return.
    """
    spec: ReservoirSpec | None = getattr(scenario, "reservoir", None)
    if spec is None:
        raise InputError("reservoir", scenario.name, "a scenario with a [reservoir] table")
    fates = {s.name: s.fate for s in scenario.streams if s.fate is not None}
    for r in spec.returns:
        if fates.get(r.stream) != "returned":
            allowed = ", ".join(n for n, f in fates.items() if f == "returned")
            raise InputError(f"reservoir.returns.{r.stream}", r.stream, f"one of: {allowed}")
    pumping = spec.pumping_m3_per_yr or scenario.brine.flow_m3_per_yr
    park = ScenarioPark(scenario, backend, progress=progress)
    return simulate_reservoir(
        spec, years=years, backend=backend, park=park, pumping_m3_per_yr=pumping,
        returns=returns, conversion=conversion, every=every, interpolation=interpolation,
        on_park_failure=on_park_failure, progress=progress,
    )  # fmt: skip
