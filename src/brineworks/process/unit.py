"""The unit-operation base class and the registry of unit kinds.

A unit kind owns everything about itself (the PyPSA component-table idea): its options (a
pydantic model, :attr:`Unit.Options`, from which a scenario's ``[[units]]`` tables are
validated), its ports, its parameters with provenance (``data/process/unit_parameters.csv``:
value, range, source, status per row), whether it uses process energy at all
(:attr:`Unit.passive`), the key of its energy and cost data (:attr:`Unit.target`) and the
assumptions in force (:meth:`Unit.assumptions`). :func:`register_unit` makes a kind available to
scenarios; adding a kind means writing one module under ``process/units/`` (imported
automatically) plus its data rows and tests.

A unit is given its chemistry backend when it is built; it never looks one up. Running a unit
(:meth:`Unit.run`) returns an immutable :class:`UnitRun` — its outlets, the utilities it took in
or let out, its performance and any detail a report may show — after checking that every element
is conserved, with a tolerance that scales with the flows (:func:`check_balance`, the flodym
pattern).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.constants import GJ, KWH
from brineworks.data import read_rows
from brineworks.errors import BrineworksError, InputError
from brineworks.process.stream import Stream

__all__ = [
    "Assumption",
    "BalanceError",
    "EnergyFactor",
    "Parameter",
    "Performance",
    "SolveContext",
    "Unit",
    "UnitOptions",
    "UnitRun",
    "check_balance",
    "energy_factors",
    "family_parameters",
    "parameter_table",
    "register_unit",
    "unit_types",
    "validation_message",
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
    out = {}
    for r in read_rows("process", "unit_parameters.csv"):
        p = Parameter(
            family=r["family"], name=r["parameter"], value=float(r["value"]), unit=r["unit"],
            minimum=float(r["min"]), maximum=float(r["max"]), source=r["source"],
            status=r["status"], note=r["note"],
        )  # fmt: skip
        out[(p.family, p.name)] = p
    return out


def family_parameters(family: str) -> dict[str, Parameter]:
    """The default parameters of one unit family, by name."""
    return {p.name: p for (fam, _), p in parameter_table().items() if fam == family and fam}


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
    out: dict[str, list[EnergyFactor]] = {}
    for r in read_rows("process", "unit_performance.csv"):
        f = EnergyFactor(
            target=r["target"], quantity=r["quantity"], basis=r["basis"], value=float(r["value"]),
            unit=r["unit"], source=r["source"], status=r["status"], note=r["note"],
        )  # fmt: skip
        if (f.quantity, f.unit) not in {("electricity", "kWh/t"), ("heat", "GJ/t")}:
            raise BrineworksError(f"unit_performance.csv: {f.quantity} in {f.unit} is not known")
        out.setdefault(f.target, []).append(f)
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class Assumption:
    """A value a unit uses that is not a sourced fact.

    Attributes
    ----------
    unit
        The unit using it.
    item
        What it is (a parameter name, a reaction, the pond losses).
    value
        The value in force, with its unit, as text.
    why
        Its source note: why it is an assumption and where its range comes from.
    """

    unit: str
    item: str
    value: str
    why: str


@dataclass(frozen=True)
class Performance:
    """What a unit consumed and emitted besides its material streams (per second).

    Attributes
    ----------
    electricity
        Electric power. [W]
    heat
        Heat duty. [W]
    fresh_water
        Fresh water used (also as a utility stream where it is one). [kg/s]
    co2
        Direct CO2 emitted. [kg/s]
    notes
        What the unit did and the assumptions in force, in words.
    energy_sources
        The sourced factors its energy came from.
    energy_notes
        How each energy figure was obtained (a sourced factor, or a heat balance).
    """

    electricity: float = 0.0
    heat: float = 0.0
    fresh_water: float = 0.0
    co2: float = 0.0
    notes: tuple[str, ...] = ()
    energy_sources: tuple[EnergyFactor, ...] = ()
    energy_notes: tuple[str, ...] = ()


@dataclass
class SolveContext:
    """What :meth:`Unit.solve` records besides its outlets (filled in during one solve).

    Attributes
    ----------
    utilities_in, utilities_out
        Streams the unit decides itself (fresh water it needs, reagents it buys, CO2 it
        emits), by name; they enter every balance.
    electricity, heat, fresh_water, co2
        As in :class:`Performance`. [W, W, kg/s, kg/s]
    notes, energy_notes
        As in :class:`Performance`.
    detail
        A typed result a report may show (e.g. a pond train's :class:`PondTrainResult`).
    previous
        The unit's last run (for other inlets), offered for warm starts (its
        :attr:`UnitRun.warm_start`); ``None`` for a cold solve (see :meth:`Unit.run`). Read only.
    warm_start
        What the unit keeps for a warm start of its next solve (e.g. the dose a search found);
        it must not change the result beyond the unit's own solver tolerances.
    """

    utilities_in: dict[str, Stream] = field(default_factory=dict)
    utilities_out: dict[str, Stream] = field(default_factory=dict)
    electricity: float = 0.0
    heat: float = 0.0
    fresh_water: float = 0.0
    co2: float = 0.0
    notes: list[str] = field(default_factory=list)
    energy_sources: list[EnergyFactor] = field(default_factory=list)
    energy_notes: list[str] = field(default_factory=list)
    detail: object | None = None
    previous: UnitRun | None = None
    warm_start: object | None = None

    def performance(self) -> Performance:
        """The frozen record of what was filled in."""
        return Performance(
            electricity=self.electricity, heat=self.heat, fresh_water=self.fresh_water,
            co2=self.co2, notes=tuple(self.notes), energy_sources=tuple(self.energy_sources),
            energy_notes=tuple(self.energy_notes),
        )  # fmt: skip


@dataclass(frozen=True)
class UnitRun:
    """One solve of a unit: immutable, what the flowsheet, assessments and reports read.

    Attributes
    ----------
    outputs
        Outlet streams by port. [kg/s]
    utilities_in, utilities_out
        Utility streams by name. [kg/s]
    performance
        Energy, water and notes.
    detail
        A typed kind-specific result (e.g. the pond train's), or ``None``.
    warm_start
        What the unit kept for a warm start of its next solve (not a result).
    """

    outputs: Mapping[str, Stream]
    utilities_in: Mapping[str, Stream]
    utilities_out: Mapping[str, Stream]
    performance: Performance
    detail: object | None = None
    warm_start: object | None = field(default=None, repr=False, compare=False)


class UnitOptions(BaseModel):
    """Options every unit kind takes: its name, its kind and overrides of its family's
    parameters (checked against ``unit_parameters.csv``: known names, values within range).

    A kind with options of its own subclasses this model as its ``Options``; its ``kind`` field
    becomes a literal when the kind is registered, so a scenario's units are a union
    discriminated on ``kind``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    family: ClassVar[str] = ""

    name: str = Field(min_length=1)
    kind: str
    params: dict[str, float] = Field(default_factory=dict)

    @field_validator("params")
    @classmethod
    def _known_parameters_in_range(cls, params: dict[str, float]) -> dict[str, float]:
        defaults = family_parameters(cls.family)
        for key, value in params.items():
            if key not in defaults:
                allowed = ", ".join(sorted(defaults)) or "none"
                raise ValueError(
                    f"{key} is not a parameter of this kind (its parameters: {allowed})"
                )
            p = defaults[key]
            if not (math.isfinite(value) and p.minimum <= value <= p.maximum):
                raise ValueError(
                    f"{key} = {value!r} is outside {p.minimum:g} to {p.maximum:g} {p.unit}"
                )
        return params


_REGISTRY: dict[str, type[Unit]] = {}


def validation_message(msg: str) -> str:
    """A pydantic error message without its ``Value error, `` prefix."""
    return msg.removeprefix("Value error, ")


def register_unit(cls: type[Unit]) -> type[Unit]:
    """Class decorator: make a unit kind available to scenarios by its ``kind``.

    Gives the kind an options model whose ``kind`` is the literal kind name (derived from the
    class's ``Options``) and whose parameter checks use the kind's family.
    """
    if cls.kind in _REGISTRY and _REGISTRY[cls.kind] is not cls:
        raise BrineworksError(f"unit kind {cls.kind!r} is registered twice")
    base = cls.Options
    tag: Any = Literal.__getitem__(cls.kind)
    options: type[UnitOptions] = create_model(
        f"{cls.__name__}Options",
        __base__=base,
        __doc__=base.__doc__,
        __module__=cls.__module__,
        kind=(tag, cls.kind),
    )
    # found by pickle as <module>.<Kind>.Options (scenarios travel to ensemble workers)
    options.__qualname__ = f"{cls.__qualname__}.Options"
    options.family = cls.family
    cls.Options = options
    _REGISTRY[cls.kind] = cls
    return cls


def unit_types() -> dict[str, type[Unit]]:
    """Registered unit kinds by name (importing ``brineworks.process.units`` registers every
    module of that package)."""
    return dict(_REGISTRY)


class Unit(ABC):
    """A unit operation.

    Subclasses set ``kind``, ``family`` (the parameter family), ``inlets`` and ``outlets``
    (port names), optionally an ``Options`` model with their own options, and implement
    :meth:`solve`.

    Parameters
    ----------
    options
        The validated options (``name``, ``kind``, ``params`` and the kind's own).
    backend
        The chemistry backend its equilibria use (default: the default backend).
    """

    kind: ClassVar[str]
    family: ClassVar[str] = ""
    Options: ClassVar[type[UnitOptions]] = UnitOptions
    passive: ClassVar[bool] = False
    """Uses no process energy of its own (plumbing; solar ponds)."""
    stage: ClassVar[Literal["mining", "processing", "plumbing"]] = "processing"
    """Where the kind sits in the three rates (三率): ``mining`` (extraction: pumping, solar
    ponds), ``processing`` (plants), or ``plumbing`` (mixers and splitters, which take the
    stage of what feeds them)."""
    memoise: ClassVar[bool] = True
    """Keep the last run and return it for the same inlets (off only to measure it)."""
    inlets: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    product_outlets: ClassVar[tuple[str, ...] | None] = None
    """Ports that carry the unit's product, for its capacity; None: every outlet."""
    utility_names: ClassVar[tuple[str, ...]] = ()
    """Names of the utility streams the kind may take in (fresh water, reagents)."""

    def __init__(self, options: UnitOptions, *, backend: ThermoBackend | None = None) -> None:
        if not isinstance(options, self.Options):
            options = self.Options.model_validate(
                options.model_dump() if isinstance(options, BaseModel) else options
            )
        self.options = options
        self.name = options.name
        self.backend: ThermoBackend = backend if backend is not None else get_backend()
        defaults = family_parameters(self.family)
        self.param_sources: dict[str, Parameter] = dict(defaults)
        self.params: dict[str, float] = {k: p.value for k, p in defaults.items()}
        self.params.update({k: float(v) for k, v in options.params.items()})
        self._memo: tuple[object, UnitRun] | None = None
        self.revision = 0
        """Counts changes to the unit's settings (:meth:`invalidate`): a loop's solution is
        reused only while the revisions of its units are unchanged."""
        self.inlets, self.outlets = self.ports(options)
        self.setup()

    def setup(self) -> None:  # noqa: B027  (a hook: most kinds need nothing)
        """Derive what the kind needs from its options (ports set per unit, parsed settings);
        called once at the end of construction."""

    @classmethod
    def ports(cls, options: UnitOptions) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Inlet and outlet port names of a unit of this kind with these options (the class's
        ``inlets`` and ``outlets`` unless the kind derives them from its options)."""
        return cls.inlets, cls.outlets

    @classmethod
    def utilities(cls, options: UnitOptions) -> tuple[str, ...]:
        """Names of the utility streams a unit of this kind with these options may take in
        (so that a design spec's ``demand`` is checked before anything is solved)."""
        return cls.utility_names

    @classmethod
    def build(cls, name: str, *, backend: ThermoBackend | None = None, **options: Any) -> Self:
        """A unit of this kind from keyword options, validated as a scenario's would be.

        Raises
        ------
        InputError
            Naming the first option that is not allowed.
        """
        try:
            spec = cls.Options.model_validate({"name": name, "kind": cls.kind, **options})
        except ValidationError as exc:
            e = exc.errors()[0]
            where = ".".join(str(x) for x in e["loc"])
            field = f"{name}.{where}" if where else name
            raise InputError(field, e.get("input"), validation_message(e["msg"])) from None
        return cls(spec, backend=backend)

    @property
    def target(self) -> str:
        """The key of this unit's energy factors, cost model and job data (its family)."""
        return self.family

    def assumptions(self) -> tuple[Assumption, ...]:
        """Every value in force that is marked ``assumption`` in its data."""
        return tuple(
            Assumption(self.name, name, f"{self.params[name]:g} {p.unit}", p.source)
            for name, p in self.param_sources.items()
            if p.status == "assumption"
        )

    def invalidate(self) -> None:
        """Forget the last run (call after changing a unit's settings in place)."""
        self._memo = None
        self.revision += 1

    @abstractmethod
    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        """Outlet streams from inlet streams (every inlet port present).

        Utilities the unit decides itself (fresh water it needs, CO2 it emits), its energy and
        its notes go into ``ctx``; utilities enter every balance.
        """

    def run(self, inputs: Mapping[str, Stream], *, warm: bool = True) -> UnitRun:
        """:meth:`solve` with port checks, the element balance check and the sourced energy
        factors applied.

        With ``warm`` (the default), the last run is returned again for the same inlets (a unit
        is a pure function of its inlets and settings), and otherwise offered to
        :meth:`solve` as ``ctx.previous`` for warm starts; ``warm=False`` solves afresh.

        Raises
        ------
        InputError
            If an inlet port has no stream.
        BalanceError
            If the unit does not conserve an element.
        """
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
        warm = warm and self.memoise
        if warm and self._memo is not None and self._memo[0] == key:
            # Same inlets as the last run: the last run stands (the pond train upstream of
            # every recycle loop is not re-evaluated at each iteration).
            return self._memo[1]
        ctx = SolveContext(previous=self._memo[1] if warm and self._memo is not None else None)
        outputs = self.solve(inputs, ctx)
        undeclared = set(ctx.utilities_in) - set(self.utilities(self.options))
        if undeclared:  # a kind must declare what it takes in
            raise BrineworksError(f"unit {self.name!r} took undeclared utilities {undeclared}")
        ins = [*inputs.values(), *ctx.utilities_in.values()]
        outs = [*outputs.values(), *ctx.utilities_out.values()]
        check_balance(self.name, ins, outs)
        self._energy(ins, outs, ctx)
        run = UnitRun(
            outputs=dict(outputs), utilities_in=dict(ctx.utilities_in),
            utilities_out=dict(ctx.utilities_out), performance=ctx.performance(),
            detail=ctx.detail, warm_start=ctx.warm_start,
        )  # fmt: skip
        self._memo = (key, run)
        return run

    def _energy(self, ins: list[Stream], outs: list[Stream], ctx: SolveContext) -> None:
        """Electricity and heat from the sourced factors per tonne of what the unit makes (or,
        with basis ``feed``, of everything it takes in), added to what :meth:`solve` computed
        itself."""
        for f in energy_factors().get(self.target, ()):
            if f.basis == FEED:
                made = sum(s.total for s in ins)  # kg/s treated
            else:
                made = sum(s.get(f.basis) for s in outs) - sum(s.get(f.basis) for s in ins)
            if made <= 0:
                continue
            if f.quantity == "electricity":
                ctx.electricity += f.value * made * KWH / 1000.0  # kWh/t × kg/s → W
            else:
                ctx.heat += f.value * made * GJ / 1000.0  # GJ/t × kg/s → W
            ctx.energy_sources.append(f)
            ctx.energy_notes.append(f"{f.quantity} {f.value:g} {f.unit} {f.basis} ({f.status})")


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
