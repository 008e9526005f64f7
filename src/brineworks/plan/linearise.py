"""Technology yields from a solved flowsheet: the net flows crossing a group of units,
per tonne of the group's main product.

A *technology* of the plan is a group of units of a scenario (e.g. the magnesium line:
dehydration, vapour separation, electrolysis, casting). Its yield vector is read from the
streams that cross the group's boundary: streams from outside (or the pumped brine) into a
unit of the group, streams from a unit of the group to outside (or leaving the park), and the
utilities its units take in. Each crossing stream (or ``"stream[component]"``, or utility
``"unit: utility"``) is mapped to a commodity of the plan; the coefficient of a commodity is its
net flow out (positive: made; negative: consumed) divided by the net flow out of the main
product. Pure-water utilities count as fresh water; electricity, heat and fresh water per t
come from :func:`brineworks.assess.energy.unit_table`.

Only the public, stable parts of a :class:`~brineworks.simulate.SimulationResult` are read:
``scenario.streams`` (name, source, to, fate), ``scenario.units`` (names), the solved streams'
component flows and ``utilities_in()``.

How faithful is it? Every unit of the flowsheet is homogeneous of degree one in its feed
(equilibrium chemistry is intensive, reactors are stoichiometric, splitters proportional), so
scaling a technology's feed scales everything crossing its boundary: the yields hold exactly
under the plan's scaling. They do not hold when the brine's composition changes (the yields
are those of one brine); :func:`scaling_check` measures the first by re-simulation.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from brineworks.constants import SECONDS_PER_YEAR
from brineworks.errors import InputError
from brineworks.process.units.basic import SplitterOptions

if TYPE_CHECKING:
    from brineworks.plan.superstructure import Superstructure
    from brineworks.scenario import Scenario
    from brineworks.simulate import SimulationResult

__all__ = [
    "Linearisation",
    "ScalingCheck",
    "boundary",
    "derive_yields",
    "linearise",
    "scaling_check",
    "with_fractions",
]

log = logging.getLogger(__name__)

_PASSIVE_KINDS = {"ponds", "mixer", "splitter", "component_splitter"}
"""Unit kinds that use no process energy of their own (as in the energy table)."""

_T_PER_YR = SECONDS_PER_YEAR / 1000.0  # kg/s → t/yr


class _Result(Protocol):
    """What :func:`linearise` reads of a simulation result."""

    @property
    def scenario(self) -> Any: ...

    @property
    def streams(self) -> Mapping[str, Any]: ...

    def utilities_in(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Linearisation:
    """A technology's yields at the flowsheet's operating point.

    Attributes
    ----------
    technology
        The plan's name of the group.
    main
        Commodity of its activity (t/yr of it made).
    activity_t_per_yr
        Main product made at the operating point. [t/yr]
    yields
        Commodity → net flow out per t of main product; negative = consumed; the brine in m³
        per t when a density is given. [t/t, m³/t]
    power_mwh_per_t, heat_gj_per_t, fresh_water_m3_per_t
        Utilities per t of main product (sum over the group's units). [MWh/t, GJ/t, m³/t]
    crossing
        Every stream and utility crossing the boundary: net flow out. [t/yr]
    unmapped
        Crossing streams mapped to no commodity (wastes, vapour, returned liquors).
    units_without_energy
        Units of the group with process energy but no sourced factor (counted as zero).
    """

    technology: str
    main: str
    units: tuple[str, ...]
    activity_t_per_yr: float
    yields: Mapping[str, float]
    power_mwh_per_t: float
    heat_gj_per_t: float
    fresh_water_m3_per_t: float
    crossing: Mapping[str, float] = field(default_factory=dict)
    unmapped: tuple[str, ...] = ()
    units_without_energy: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "technology": self.technology,
            "main": self.main,
            "units": list(self.units),
            "activity_t_per_yr": self.activity_t_per_yr,
            "yields": dict(self.yields),
            "power_mwh_per_t": self.power_mwh_per_t,
            "heat_gj_per_t": self.heat_gj_per_t,
            "fresh_water_m3_per_t": self.fresh_water_m3_per_t,
            "crossing_t_per_yr": dict(self.crossing),
            "unmapped": list(self.unmapped),
            "units_without_energy": list(self.units_without_energy),
        }


def _owner(port: str | None) -> str | None:
    """The unit of ``"unit.port"`` (``None`` for the brine or a stream leaving the park)."""
    if port is None or port == "brine":
        return None
    return port.rpartition(".")[0]


def boundary(result: _Result, units: Sequence[str]) -> tuple[list[str], list[str]]:
    """Names of the streams entering and leaving a group of units.

    Raises
    ------
    InputError
        If a unit is not in the scenario.
    """
    known = {u.name for u in result.scenario.units}
    for u in units:
        if u not in known:
            raise InputError("units", u, "a unit of scenario " + result.scenario.name)
    group = set(units)
    into, out = [], []
    for s in result.scenario.streams:
        src, dst = _owner(s.source), _owner(s.to)
        if dst in group and src not in group:
            into.append(s.name)
        elif src in group and dst not in group:
            out.append(s.name)
    return into, out


_COMPONENT = re.compile(r"^(?P<stream>.+)\[(?P<component>[^\]]+)\]$")


def _flow(result: _Result, key: str) -> float:
    """Flow of a stream, of ``"stream[component]"``, or of a utility. [t/yr]"""
    m = _COMPONENT.match(key)
    streams = result.streams
    if m and m.group("stream") in streams:
        return float(streams[m.group("stream")].flows.get(m.group("component"), 0.0)) * _T_PER_YR
    if key in streams:
        return float(sum(streams[key].flows.values())) * _T_PER_YR
    utilities = result.utilities_in()
    if key in utilities:
        return float(sum(utilities[key].flows.values())) * _T_PER_YR
    raise InputError("streams", key, "a stream, 'stream[component]' or 'unit: utility'")


def linearise(
    result: _Result,
    groups: Mapping[str, Sequence[str]],
    commodities: Mapping[str, str] | None = None,
    mains: Mapping[str, str] | None = None,
    *,
    brine: str = "brine",
    brine_t_per_m3: float | None = None,
    unit_rows: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Linearisation]:
    """Yield vectors of groups of units of a solved scenario.

    Parameters
    ----------
    result
        A solved scenario (:func:`brineworks.simulate.simulate`).
    groups
        Technology → its units (names of ``result.scenario.units``).
    commodities
        Stream name, ``"stream[component]"`` or utility ``"unit: utility"`` → commodity. The
        pumped brine (a stream from ``"brine"``) is commodity ``brine`` without being listed.
        When a component of a stream is mapped, the rest of that stream is unmapped. Default:
        every stream is a commodity of its own name, every utility that is not pure water one
        named ``"unit: utility"``.
    mains
        Technology → its main product (a commodity it makes). Default: the commodity of the
        group's largest stream leaving the park as a ``product`` (else its largest net output).
    brine_t_per_m3
        Density of the pumped brine: the brine's coefficient is then in m³ per t. [t/m³]
    unit_rows
        Rows of :func:`brineworks.assess.energy.unit_table` (computed if not given).

    Raises
    ------
    InputError
        For an unknown unit or stream, a group without its main product, or a unit in two
        groups.
    """
    if unit_rows is None:
        from brineworks.assess.energy import unit_table

        unit_rows = unit_table(result)  # type: ignore[arg-type]
    rows = {r["unit"]: r for r in unit_rows}
    utilities = result.utilities_in()
    if commodities is None:
        commodities = {s.name: s.name for s in result.scenario.streams if s.source != "brine"}
        commodities.update({k: k for k, u in utilities.items() if set(u.flows) - {"H2O"}})
    seen: dict[str, str] = {}
    for tech, units in groups.items():
        for u in units:
            if u in seen:
                raise InputError(f"groups.{tech}", u, f"a unit not already in {seen[u]!r}")
            seen[u] = tech
    by_stream: dict[str, list[str]] = {}
    for key in commodities:
        m = _COMPONENT.match(key)
        by_stream.setdefault(m.group("stream") if m else key, []).append(key)
    brine_streams = {s.name for s in result.scenario.streams if s.source == "brine"}
    products = {s.name for s in result.scenario.streams if s.fate == "product"}
    reuse_water = {
        s.name for s in result.scenario.streams
        if s.fate == "reuse" and _water_share(result.streams[s.name].flows) > 0.99
    }  # fmt: skip
    out: dict[str, Linearisation] = {}
    for tech, units in groups.items():
        if mains is not None and tech not in mains:
            raise InputError("mains", tech, "a main product for every group")
        into, leaving = boundary(result, units)
        group = set(units)
        crossing: dict[str, float] = {}
        net: dict[str, float] = {}
        unmapped: list[str] = []
        for sign, names in ((-1.0, into), (1.0, leaving)):
            for name in names:
                total = _flow(result, name)
                crossing[name] = crossing.get(name, 0.0) + sign * total
                if name in brine_streams:
                    vol = total / brine_t_per_m3 if brine_t_per_m3 else total
                    net[brine] = net.get(brine, 0.0) + sign * vol
                    continue
                keys = by_stream.get(name, [])
                if not keys:
                    unmapped.append(name)
                    continue
                mapped = 0.0
                for key in keys:
                    x = _flow(result, key)
                    mapped += x
                    c = commodities[key]
                    net[c] = net.get(c, 0.0) + sign * x
                if _partial(keys) and total - mapped > 1e-9 * max(total, 1.0):
                    unmapped.append(f"{name} (rest)")
        for key, stream in utilities.items():
            unit_name = key.split(": ", 1)[0]
            if unit_name not in group:
                continue
            total = float(sum(stream.flows.values())) * _T_PER_YR
            crossing[key] = crossing.get(key, 0.0) - total
            if key in commodities:
                net[commodities[key]] = net.get(commodities[key], 0.0) - total
            elif set(stream.flows) - {"H2O"}:
                unmapped.append(key)
        if mains is not None:
            main = mains[tech]
        else:
            sold = [commodities[n] for n in leaving if n in products and n in commodities]
            pool = sold or [c for c, v in net.items() if v > 0]
            if not pool:
                raise InputError(f"groups.{tech}", list(units), "a group that makes something")
            main = max(pool, key=lambda c: net.get(c, 0.0))
        made = net.get(main, 0.0)
        if made <= 0:
            raise InputError(f"mains.{tech}", main, "a commodity the group makes (net out > 0)")
        missing = tuple(
            u
            for u in units
            if u in rows
            and rows[u].get("kind") not in _PASSIVE_KINDS
            and not rows[u].get("energy_data")
        )
        power = sum(float(rows[u]["electricity_mwh_per_yr"] or 0.0) for u in units if u in rows)
        heat = sum(float(rows[u]["heat_gj_per_yr"] or 0.0) for u in units if u in rows)
        water = sum(float(rows[u]["fresh_water_m3_per_yr"] or 0.0) for u in units if u in rows)
        # water the group gives back for reuse (RO permeate, condensate: nearly pure water
        # leaving with fate "reuse") is netted off, as the park's water accounts net it
        reused = sum(_flow(result, n) for n in leaving if n in reuse_water)
        water = max(water - reused, 0.0)
        yields = {c: v / made for c, v in net.items() if v != 0.0}
        yields[main] = 1.0
        out[tech] = Linearisation(
            technology=tech,
            main=main,
            units=tuple(units),
            activity_t_per_yr=made,
            yields=yields,
            power_mwh_per_t=power / made,
            heat_gj_per_t=heat / made,
            fresh_water_m3_per_t=water / made,
            crossing=crossing,
            unmapped=tuple(unmapped),
            units_without_energy=missing,
        )
        log.debug("linearised %s: %s", tech, yields)
    return out


def _water_share(flows: Mapping[str, float]) -> float:
    """Share of water in a stream's mass. [-]"""
    total = sum(flows.values())
    return flows.get("H2O", 0.0) / total if total > 0 else 0.0


def _partial(keys: Sequence[str]) -> bool:
    """Whether the keys map components of a stream rather than the whole stream."""
    return all(_COMPONENT.match(k) for k in keys)


def with_fractions(scenario: Scenario, fractions: Mapping[str, Mapping[str, float]]) -> Scenario:
    """A copy of ``scenario`` with splitter outlet fractions replaced.

    Parameters
    ----------
    fractions
        Splitter name → {outlet: fraction}; the splitter's fractions must still sum to 1.

    Raises
    ------
    InputError
        For an unknown splitter or outlet, or fractions that do not sum to 1.
    """
    units = []
    done = set()
    for u in scenario.units:
        if u.name in fractions:
            if not isinstance(u, SplitterOptions):
                raise InputError("fractions", u.name, "a splitter of the scenario")
            new = dict(u.fractions)
            for outlet, f in fractions[u.name].items():
                if outlet not in new:
                    raise InputError(f"fractions.{u.name}", outlet, ", ".join(new))
                new[outlet] = f
            if abs(sum(new.values()) - 1.0) > 1e-9:
                raise InputError(f"fractions.{u.name}", new, "fractions summing to 1")
            u = u.model_copy(update={"fractions": new})
            done.add(u.name)
        units.append(u)
    missing = set(fractions) - done
    if missing:
        raise InputError("fractions", sorted(missing), "splitters of the scenario")
    return scenario.model_copy(update={"units": units, "baseline": None})


@dataclass(frozen=True)
class ScalingCheck:
    """Linear prediction against re-simulation after a change of split fractions.

    Attributes
    ----------
    changes
        The split fractions changed.
    activity_ratio
        Technology → re-simulated activity / base activity. [-]
    yield_deviation
        Technology → largest relative change of a yield coefficient between the base and the
        re-simulated operating points (coefficients above 1e-6 t/t). [-]
    products
        Product commodity → ``{"simulated": t/yr, "linear": t/yr, "relative_error": -}``:
        simulated = net made over all groups at the new point; linear = Σ base yield × new
        activity.
    """

    scenario: str
    changes: Mapping[str, Mapping[str, float]]
    activity_ratio: Mapping[str, float]
    yield_deviation: Mapping[str, float]
    products: Mapping[str, Mapping[str, float]]

    @property
    def worst(self) -> float:
        """Largest relative error of a product's linear prediction. [-]"""
        return max((abs(p["relative_error"]) for p in self.products.values()), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "changes": {k: dict(v) for k, v in self.changes.items()},
            "activity_ratio": dict(self.activity_ratio),
            "yield_deviation": dict(self.yield_deviation),
            "products": {k: dict(v) for k, v in self.products.items()},
            "worst_relative_error": self.worst,
        }


def scaling_check(
    base: SimulationResult,
    changed: SimulationResult,
    groups: Mapping[str, Sequence[str]],
    commodities: Mapping[str, str],
    mains: Mapping[str, str],
    changes: Mapping[str, Mapping[str, float]],
    *,
    products: Sequence[str] | None = None,
    brine_t_per_m3: float | None = None,
) -> ScalingCheck:
    """Compare the linear model's prediction with the re-simulated flowsheet.

    Both results are linearised with the same grouping. For each product (commodity made),
    the prediction is Σ_t yield_base[t] × activity_new[t]: what the plan computes for the new
    activities; the simulated value is Σ_t yield_new[t] × activity_new[t].
    """
    lin0 = linearise(base, groups, commodities, mains, brine_t_per_m3=brine_t_per_m3)
    lin1 = linearise(changed, groups, commodities, mains, brine_t_per_m3=brine_t_per_m3)
    ratio = {t: lin1[t].activity_t_per_yr / lin0[t].activity_t_per_yr for t in groups}
    deviation: dict[str, float] = {}
    for t in groups:
        worst = 0.0
        for c in set(lin0[t].yields) | set(lin1[t].yields):
            a, b = lin0[t].yields.get(c, 0.0), lin1[t].yields.get(c, 0.0)
            if max(abs(a), abs(b)) > 1e-6:
                worst = max(worst, abs(b - a) / max(abs(a), abs(b)))
        deviation[t] = worst
    names = products if products is not None else sorted(set(mains.values()))
    rows: dict[str, dict[str, float]] = {}
    for c in names:
        sim = sum(lin1[t].yields.get(c, 0.0) * lin1[t].activity_t_per_yr for t in groups)
        lin = sum(lin0[t].yields.get(c, 0.0) * lin1[t].activity_t_per_yr for t in groups)
        err = (lin - sim) / abs(sim) if sim else 0.0
        rows[c] = {"simulated": sim, "linear": lin, "relative_error": err}
    return ScalingCheck(base.scenario.name, changes, ratio, deviation, rows)


def derive_yields(sup: Superstructure) -> dict[str, Linearisation]:
    """Linearise every technology of a superstructure that names its source group
    (``[technologies.linearised]``): each scenario simulated once (without its baseline).

    The pumped brine's coefficient is converted to m³ with the scenario's own density
    (pumped mass over the scenario's ``flow_m3_per_yr``).
    """
    from brineworks.scenario import load_scenario
    from brineworks.simulate import simulate

    by_scenario: dict[str, list[Any]] = {}
    for t in sup.technologies:
        if t.linearised is not None:
            by_scenario.setdefault(t.linearised.scenario, []).append(t)
    out: dict[str, Linearisation] = {}
    for name, techs in by_scenario.items():
        scenario = load_scenario(name).model_copy(update={"baseline": None})
        result = simulate(scenario)
        pumped = sum(
            sum(result.streams[s.name].flows.values()) * _T_PER_YR
            for s in result.scenario.streams
            if s.source == "brine"
        )
        density = pumped / scenario.brine.flow_m3_per_yr
        commodities: dict[str, str] = {}
        for t in techs:
            for key, c in t.linearised.streams.items():
                if commodities.get(key, c) != c:
                    raise InputError(
                        f"technologies.{t.name}.linearised.streams",
                        key,
                        f"the same commodity as elsewhere ({commodities[key]!r})",
                    )
                commodities[key] = c
        groups = {t.name: t.linearised.units for t in techs}
        mains = {t.name: t.linearised.main for t in techs}
        out.update(
            linearise(
                result,
                groups,
                commodities,
                mains,
                brine=sup.brine.commodity,
                brine_t_per_m3=density,
            )
        )
    return out
