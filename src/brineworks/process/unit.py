"""The unit-operation base class: ports, validated parameters with sources, balances.

A :class:`Unit` takes its inlet streams and returns its outlet streams from :meth:`Unit.solve`;
every unit conserves each element, which :func:`check_balance` verifies with a tolerance that
scales with the flows (the flodym pattern). Parameters come from
``data/process/unit_parameters.csv`` (value, unit, source, status per row) and can be
overridden per instance; an unknown parameter or a value outside its range is an error that
names it.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

from brineworks.data import read_rows
from brineworks.errors import BrineworksError, InputError
from brineworks.process.stream import Stream

__all__ = [
    "BalanceError",
    "EnergyFactor",
    "Parameter",
    "Performance",
    "Unit",
    "check_balance",
    "energy_factors",
    "parameter_table",
    "register_unit",
    "unit_types",
]


class BalanceError(BrineworksError):
    """An element is not conserved by a unit or a flowsheet."""


@dataclass(frozen=True)
class Parameter:
    """A unit parameter with its provenance (a row of ``unit_parameters.csv``)."""

    family: str
    name: str
    value: float
    unit: str
    minimum: float
    maximum: float
    source: str
    status: str
    note: str = ""


@cache
def parameter_table() -> dict[tuple[str, str], Parameter]:
    """Every default parameter, keyed by (unit family, parameter name)."""
    rows = read_rows("process", "unit_parameters.csv")
    out = {}
    for r in rows:
        p = Parameter(
            family=r["family"], name=r["parameter"], value=float(r["value"]), unit=r["unit"],
            minimum=float(r["min"]), maximum=float(r["max"]), source=r["source"],
            status=r["status"], note=r["note"],
        )  # fmt: skip
        out[(p.family, p.name)] = p
    return out


FEED = "feed"
"""Energy-factor basis: per tonne of everything a unit takes in (streams and utilities)."""


@dataclass(frozen=True)
class EnergyFactor:
    """Energy a plant uses per tonne of a basis component it makes, or per tonne of its feed
    (basis ``feed``) (``unit_performance.csv``)."""

    target: str
    quantity: str  # "electricity" [kWh/t] or "heat" [GJ/t]
    basis: str
    value: float
    unit: str
    source: str
    status: str
    note: str = ""


@cache
def energy_factors() -> dict[str, tuple[EnergyFactor, ...]]:
    """Energy factors by target (a reaction name or a unit family)."""
    rows = read_rows("process", "unit_performance.csv")
    out: dict[str, list[EnergyFactor]] = {}
    for r in rows:
        f = EnergyFactor(
            target=r["target"], quantity=r["quantity"], basis=r["basis"], value=float(r["value"]),
            unit=r["unit"], source=r["source"], status=r["status"], note=r["note"],
        )  # fmt: skip
        if (f.quantity, f.unit) not in {("electricity", "kWh/t"), ("heat", "GJ/t")}:
            raise BrineworksError(f"unit_performance.csv: {f.quantity} in {f.unit} is not known")
        out.setdefault(f.target, []).append(f)
    return {k: tuple(v) for k, v in out.items()}


@dataclass
class Performance:
    """What a unit consumes and emits besides its material streams (per second).

    Attributes
    ----------
    electricity
        Electric power. [W]
    heat
        Heat duty. [W]
    fresh_water
        Fresh water used (also as an inlet stream where it is one). [kg/s]
    co2
        Direct CO2 emitted. [kg/s]
    notes
        Assumptions in force.
    """

    electricity: float = 0.0
    heat: float = 0.0
    fresh_water: float = 0.0
    co2: float = 0.0
    notes: list[str] = field(default_factory=list)
    energy_sources: list[EnergyFactor] = field(default_factory=list)
    energy_notes: list[str] = field(default_factory=list)
    """How each energy figure was obtained (a sourced factor, or a heat balance)."""


_REGISTRY: dict[str, type[Unit]] = {}


def register_unit(cls: type[Unit]) -> type[Unit]:
    """Class decorator: make a unit type available to flowsheet files by its ``kind``."""
    _REGISTRY[cls.kind] = cls
    return cls


def unit_types() -> dict[str, type[Unit]]:
    """Registered unit types by kind."""
    return dict(_REGISTRY)


class Unit(ABC):
    """A unit operation.

    Subclasses set ``kind``, ``family`` (the parameter family), ``inlets`` and ``outlets``
    (port names), and implement :meth:`solve`.

    Parameters
    ----------
    name
        Name of this unit in the flowsheet.
    params
        Overrides of the default parameters of the unit's family.
    """

    kind: ClassVar[str]
    family: ClassVar[str] = ""
    memoise: ClassVar[bool] = True
    """Keep the last solution and return it for the same inlets (off only to measure it)."""
    inlets: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    product_outlets: ClassVar[tuple[str, ...] | None] = None
    """Ports that carry the unit's product, for its capacity; None: every outlet."""

    def __init__(self, name: str, params: Mapping[str, float] | None = None) -> None:
        self.name = name
        self.params: dict[str, float] = {}
        self.param_sources: dict[str, Parameter] = {}
        defaults = {p.name: p for (fam, _), p in parameter_table().items() if fam == self.family}
        for key, p in defaults.items():
            self.params[key] = p.value
            self.param_sources[key] = p
        for key, value in (params or {}).items():
            if key not in defaults:
                allowed = ", ".join(sorted(defaults)) or "none"
                raise InputError(f"{name}.{key}", value, f"a parameter of {self.kind}: {allowed}")
            p = defaults[key]
            if not isinstance(value, int | float) or not p.minimum <= float(value) <= p.maximum:
                raise InputError(
                    f"{name}.{key}", value, f"a number from {p.minimum:g} to {p.maximum:g} {p.unit}"
                )
            self.params[key] = float(value)
        self.performance = Performance()
        self.utilities_in: dict[str, Stream] = {}
        self.utilities_out: dict[str, Stream] = {}
        self._memo: tuple[object, dict[str, Stream], tuple[Any, ...]] | None = None

    def invalidate(self) -> None:
        """Forget the last solution (call after changing a unit's settings in place)."""
        self._memo = None

    @abstractmethod
    def solve(self, inputs: Mapping[str, Stream]) -> dict[str, Stream]:
        """Outlet streams from inlet streams (every inlet port present).

        Utilities the unit decides itself (fresh water it needs, CO2 it emits) go into
        ``self.utilities_in`` / ``self.utilities_out``; they enter every balance.
        """

    def run(self, inputs: Mapping[str, Stream]) -> dict[str, Stream]:
        """:meth:`solve` with port checks and the element balance check."""
        missing = [p for p in self.inlets if p not in inputs]
        if missing:
            raise InputError(
                f"{self.name} inlets", sorted(inputs), f"ports {', '.join(self.inlets)}"
            )
        key = tuple(
            sorted(
                (port, s.temperature, tuple(sorted(s.flows.items()))) for port, s in inputs.items()
            )
        )
        if self.memoise and self._memo is not None and self._memo[0] == key:
            # Same inlets as the last run: a unit is a pure function of its inlets and settings,
            # so the last solution stands (the pond train upstream of every recycle loop is
            # not re-evaluated at each iteration).
            _, outputs, state = self._memo
            self.utilities_in, self.utilities_out, self.performance = (
                dict(state[0]), dict(state[1]), copy.deepcopy(state[2])
            )  # fmt: skip
            return {p: Stream(dict(s.flows), s.temperature) for p, s in outputs.items()}
        self.utilities_in, self.utilities_out = {}, {}
        self.performance = Performance()
        outputs = self.solve(inputs)
        ins = [*inputs.values(), *self.utilities_in.values()]
        outs = [*outputs.values(), *self.utilities_out.values()]
        check_balance(self.name, ins, outs)
        self._energy(ins, outs)
        state = (dict(self.utilities_in), dict(self.utilities_out), copy.deepcopy(self.performance))
        self._memo = (key, {p: Stream(dict(s.flows), s.temperature) for p, s in outputs.items()},
                      state)  # fmt: skip
        return outputs

    @property
    def performance_target(self) -> str:
        """The key of this unit's rows in ``unit_performance.csv`` (its family by default)."""
        return self.family

    def _energy(self, ins: list[Stream], outs: list[Stream]) -> None:
        """Electricity and heat from the sourced factors per tonne of what the unit makes (or,
        with basis ``feed``, of everything it takes in), added to what :meth:`solve` computed
        itself."""
        perf = self.performance
        for f in energy_factors().get(self.performance_target, ()):
            if f.basis == FEED:
                made = sum(s.total for s in ins)  # kg/s treated
            else:
                made = sum(s.get(f.basis) for s in outs) - sum(s.get(f.basis) for s in ins)
            if made <= 0:
                continue
            if f.quantity == "electricity":
                perf.electricity += f.value * made * 3600.0  # kWh/t × kg/s → W
            else:
                perf.heat += f.value * made * 1.0e6  # GJ/t × kg/s → W
            perf.energy_sources.append(f)
            perf.energy_notes.append(f"{f.quantity} {f.value:g} {f.unit} {f.basis} ({f.status})")


def check_balance(
    name: str, inputs: list[Stream], outputs: list[Stream], rtol: float = 1e-9
) -> dict[str, float]:
    """Check that every element is conserved; return the residual per element. [mol/s]

    The tolerance scales with the flows: ``rtol`` × the largest element flow through the unit.

    Raises
    ------
    BalanceError
        Naming the unit and the element that is not conserved.
    """
    ins = [s.elements() for s in inputs]
    outs = [s.elements() for s in outputs]
    elements = {el for d in ins + outs for el in d}
    totals_in = {el: sum(d.get(el, 0.0) for d in ins) for el in elements}
    totals_out = {el: sum(d.get(el, 0.0) for d in outs) for el in elements}
    scale = max([*totals_in.values(), *totals_out.values(), 0.0])
    residual = {el: totals_out[el] - totals_in[el] for el in elements}
    for el in sorted(elements):
        if abs(residual[el]) > rtol * max(scale, 1e-300):
            raise BalanceError(
                f"unit {name!r} does not conserve {el}: in {totals_in[el]:.12g} mol/s, "
                f"out {totals_out[el]:.12g} mol/s"
            )
    return residual
