"""The flowsheet-independent input of the economics: what a park's plants make, take in and
use, and which products each plant's material reaches.

:meth:`ParkInventory.from_results` builds it from a ``results.json`` written by
``brineworks run`` (and the scenario's stream graph, loaded by the scenario's name unless
given), so that the economics never reaches into a flowsheet's objects.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from brineworks.errors import BrineworksError, InputError

if TYPE_CHECKING:
    from brineworks.scenario import Scenario

__all__ = ["ParkInventory", "UnitInventory"]

log = logging.getLogger(__name__)

LEAVING = ("waste", "returned", "emission")
"""Fates of streams that carry nothing a plant sells or passes on."""

STOP_KINDS = ("mixer", "ponds")
"""Unit kinds at which a plant's reach stops: a mixer (other plants' flows and recycles join
there) and a pond train (its feed is a residue that starts a new product line)."""


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class UnitInventory:
    """One unit of a park as the economics sees it.

    Attributes
    ----------
    name, kind
        The unit's name and kind.
    target
        Cost target: its reaction (reactors) or family, else its kind.
    outputs_t_per_yr
        Components in the unit's outlets that are sold, reused or passed to another unit
        (not waste, returned or emitted). [t/yr]
    feed_t_per_yr
        All the unit takes in through its inlet streams. [t/yr]
    capacity_t_per_yr
        Capacity reported by the simulation, if any. [t/yr]
    jobs
        Direct jobs if known (None: from the cost model). [-]
    electricity_mwh_per_yr
        [MWh/yr]
    heat_gj_per_yr
        Process heat by fuel. [GJ/yr]
    fresh_water_m3_per_yr
        [m³/yr]
    reagents_t_per_yr
        Reagents the unit takes as utilities, by name, as components. [t/yr]
    pumped_brine_m3_per_yr
        Brine pumped to this unit from the lake. [m³/yr]
    reaches
        Product and reused streams the unit's material reaches without passing a mixer or a
        pond train, with their flows. [t/yr]
    """

    name: str
    kind: str
    target: str
    outputs_t_per_yr: Mapping[str, float] = field(default_factory=dict)
    feed_t_per_yr: float = 0.0
    capacity_t_per_yr: float | None = None
    jobs: float | None = None
    electricity_mwh_per_yr: float = 0.0
    heat_gj_per_yr: Mapping[str, float] = field(default_factory=dict)
    fresh_water_m3_per_yr: float = 0.0
    reagents_t_per_yr: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    pumped_brine_m3_per_yr: float = 0.0
    reaches: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("outputs_t_per_yr", "heat_gj_per_yr", "reaches"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        reagents = {k: _frozen(v) for k, v in self.reagents_t_per_yr.items()}
        object.__setattr__(self, "reagents_t_per_yr", _frozen(reagents))

    def capacity(self, basis: str) -> float:
        """Capacity on a cost basis: a component's output, or ``feed``. [t/yr]"""
        if basis == "feed":
            return self.feed_t_per_yr
        if basis in self.outputs_t_per_yr:
            return float(self.outputs_t_per_yr[basis])
        return 0.0


@dataclass(frozen=True)
class ParkInventory:
    """A park's units, products and inputs: all the economics needs.

    Attributes
    ----------
    name
        Scenario name.
    units
        Units of the park.
    products_t_per_yr
        Products sold, by stream. [t/yr]
    product_components
        Components of each product stream (to find its price by a component name). [t/yr]
    reuse_t_per_yr
        Streams reused inside the park (internal transfers), as components. [t/yr]
    pumped_brine_m3_per_yr
        Brine pumped from the lake. [m³/yr]
    notes
        What could not be known from the input.
    """

    name: str
    units: tuple[UnitInventory, ...]
    products_t_per_yr: Mapping[str, float]
    product_components: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    reuse_t_per_yr: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    pumped_brine_m3_per_yr: float = 0.0
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", tuple(self.units))
        object.__setattr__(self, "products_t_per_yr", _frozen(self.products_t_per_yr))
        for name in ("product_components", "reuse_t_per_yr"):
            inner = {k: _frozen(v) for k, v in getattr(self, name).items()}
            object.__setattr__(self, name, _frozen(inner))
        names = [u.name for u in self.units]
        for n in names:
            if names.count(n) > 1:
                raise InputError("inventory units", n, "unique unit names")
        for p, q in self.products_t_per_yr.items():
            if not q >= 0:
                raise InputError(f"products_t_per_yr.{p}", q, "a number >= 0")

    def unit(self, name: str) -> UnitInventory:
        """The unit called ``name``."""
        for u in self.units:
            if u.name == name:
                return u
        names = ", ".join(u.name for u in self.units)
        raise InputError("unit", name, "a unit of the park: " + names)

    @property
    def electricity_mwh_per_yr(self) -> float:
        """Electricity of all units. [MWh/yr]"""
        return sum(u.electricity_mwh_per_yr for u in self.units)

    @property
    def heat_gj_per_yr(self) -> dict[str, float]:
        """Process heat of all units by fuel. [GJ/yr]"""
        out: dict[str, float] = {}
        for u in self.units:
            for fuel, q in u.heat_gj_per_yr.items():
                out[fuel] = out.get(fuel, 0.0) + q
        return out

    @property
    def fresh_water_m3_per_yr(self) -> float:
        """Fresh water of all units. [m³/yr]"""
        return sum(u.fresh_water_m3_per_yr for u in self.units)

    def reagent_demand_t_per_yr(self) -> dict[str, float]:
        """Reagents the units consume, by component (water excluded). [t/yr]"""
        out: dict[str, float] = {}
        for u in self.units:
            for comps in u.reagents_t_per_yr.values():
                for c, q in comps.items():
                    if c != "H2O":
                        out[c] = out.get(c, 0.0) + q
        return out

    def bought_t_per_yr(self) -> dict[str, float]:
        """Reagents bought in, by component: what the units consume less what the park's
        reused streams supply (never below zero). [t/yr]"""
        supplied: dict[str, float] = {}
        for comps in self.reuse_t_per_yr.values():
            for c, q in comps.items():
                supplied[c] = supplied.get(c, 0.0) + q
        return {
            c: max(0.0, q - supplied.get(c, 0.0)) for c, q in self.reagent_demand_t_per_yr().items()
        }

    @classmethod
    def from_results(
        cls, data: Mapping[str, Any], scenario: Scenario | None = None
    ) -> ParkInventory:
        """Build the inventory from a ``results.json`` dict (``brineworks run``).

        The stream graph (which unit each stream leaves and enters) comes from ``scenario``,
        or from the built-in scenario of the same name. Without it, outputs come from the
        reported capacities only and no plant reaches any product (said in ``notes``).

        Raises
        ------
        InputError
            If a key of the results schema is missing.
        """
        for key in ("scenario", "products_t_per_yr", "streams", "units", "utilities_t_per_yr"):
            if key not in data:
                raise InputError("results.json", key, "a results.json written by brineworks run")
        notes: list[str] = []
        if scenario is None:
            scenario = _scenario_named(str(data["scenario"]), notes)
        flows = {s["name"]: dict(s["t_per_yr"]) for s in data["streams"]}
        fates = {s["name"]: s.get("fate") for s in data["streams"]}
        products = {k: float(v) for k, v in data["products_t_per_yr"].items()}
        product_components = {
            p: {c: float(q) for c, q in flows.get(p, {}).items()} for p in products
        }
        if "products_by_component_t_per_yr" in data:
            product_components.update(
                {p: dict(v) for p, v in data["products_by_component_t_per_yr"].items()}
            )
        reuse = {n: dict(flows[n]) for n, f in fates.items() if f == "reuse" and n in flows}
        utilities: dict[str, dict[str, dict[str, float]]] = {}
        for key, comps in data["utilities_t_per_yr"].items():
            unit, _, name = key.partition(": ")
            utilities.setdefault(unit, {})[name] = {c: float(q) for c, q in comps.items()}
        graph = _Graph(scenario, flows, fates, data) if scenario is not None else None
        pumped = float(data.get("pumped_brine_m3_per_yr") or 0.0)
        kinds = {row["unit"]: row["kind"] for row in data["units"]}
        units = []
        for row in data["units"]:
            name, kind = row["unit"], row["kind"]
            target = row.get("target") or kind
            reagents = {
                n: comps
                for n, comps in utilities.get(name, {}).items()
                if any(c != "H2O" for c in comps)
            }
            outputs: dict[str, float] = {}
            feed = 0.0
            reaches: dict[str, float] = {}
            brine_in = 0.0
            if graph is not None:
                outputs, feed = graph.outputs(name), graph.feed(name)
                reaches = graph.reaches(name, kinds)
                brine_in = pumped if graph.takes_pumped_brine(name) else 0.0
            if "allocation" in data and graph is not None:  # the assessments' one rule
                reached = data["allocation"]["reaches"].get(name, [])
                reaches = {s: q for s in reached if (q := graph.total(s)) > 0}
            capacity = row.get("capacity_t_per_yr")
            units.append(
                UnitInventory(
                    name=name,
                    kind=kind,
                    target=target,
                    outputs_t_per_yr=outputs,
                    feed_t_per_yr=feed,
                    capacity_t_per_yr=float(capacity) if capacity is not None else None,
                    jobs=None,
                    electricity_mwh_per_yr=float(row.get("electricity_mwh_per_yr") or 0.0),
                    heat_gj_per_yr={"natural gas": float(row.get("heat_gj_per_yr") or 0.0)},
                    fresh_water_m3_per_yr=float(row.get("fresh_water_m3_per_yr") or 0.0),
                    reagents_t_per_yr=reagents,
                    pumped_brine_m3_per_yr=brine_in,
                    reaches=reaches,
                )
            )
        if graph is None:
            notes.append(
                "the scenario's stream graph was not found: plant capacities come from the "
                "reported ones and no plant's cost is allocated to a product line"
            )
        notes.append("all process heat is taken as natural-gas heat (results carry no fuel)")
        return cls(
            name=str(data["scenario"]),
            units=tuple(units),
            products_t_per_yr=products,
            product_components=product_components,
            reuse_t_per_yr=reuse,
            pumped_brine_m3_per_yr=pumped,
            notes=tuple(notes),
        )


def _scenario_named(name: str, notes: list[str]) -> Scenario | None:
    from brineworks.scenario import load_scenario

    try:
        return load_scenario(name)
    except (BrineworksError, OSError) as exc:
        log.warning("scenario %r not loaded (%s): no stream graph", name, exc)
        notes.append(f"scenario {name!r} could not be loaded ({exc})")
        return None


class _Graph:
    """Which unit each stream leaves and enters, with the solved flows."""

    def __init__(
        self,
        scenario: Scenario,
        flows: Mapping[str, Mapping[str, float]],
        fates: Mapping[str, str | None],
        data: Mapping[str, Any],
    ) -> None:
        self.flows = flows
        self.fates = dict(fates)
        self.source: dict[str, str] = {}
        self.target: dict[str, str] = {}
        self.leaving: dict[str, list[str]] = {}
        self.entering: dict[str, list[str]] = {}
        for s in scenario.streams:
            src = s.source.rpartition(".")[0] if s.source != "brine" else "brine"
            self.source[s.name] = src
            self.leaving.setdefault(src, []).append(s.name)
            if s.fate is not None:
                self.fates.setdefault(s.name, s.fate)
            if s.to:
                dst = s.to.rpartition(".")[0]
                self.target[s.name] = dst
                self.entering.setdefault(dst, []).append(s.name)

    def total(self, stream: str) -> float:
        """Total flow of a stream. [t/yr]"""
        return self._total(stream)

    def _total(self, stream: str) -> float:
        return float(sum(self.flows.get(stream, {}).values()))

    def outputs(self, unit: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for s in self.leaving.get(unit, []):
            if self.fates.get(s) in LEAVING:
                continue
            for c, q in self.flows.get(s, {}).items():
                out[c] = out.get(c, 0.0) + float(q)
        return out

    def feed(self, unit: str) -> float:
        return sum(self._total(s) for s in self.entering.get(unit, []))

    def takes_pumped_brine(self, unit: str) -> bool:
        return any(self.target.get(s) == unit for s in self.leaving.get("brine", []))

    def reaches(self, unit: str, kinds: Mapping[str, str]) -> dict[str, float]:
        seen, todo = {unit}, [unit]
        found: dict[str, float] = {}
        while todo:
            for s in self.leaving.get(todo.pop(), []):
                if self.fates.get(s) in ("product", "reuse"):
                    found[s] = self._total(s)
                nxt = self.target.get(s)
                if nxt is not None and nxt not in seen and kinds.get(nxt) not in STOP_KINDS:
                    seen.add(nxt)
                    todo.append(nxt)
        return {k: v for k, v in found.items() if v > 0}
