"""Run a scenario: build its flowsheet from the unit registry, solve it with the scenario's
chemistry backend, and return what the park does as an immutable :class:`SimulationResult`.

``simulate(scenario)`` is the orchestration layer the CLI, the assessments and the reports call;
they read the result, never the units or the flowsheet that produced it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.ions import atomic_weights
from brineworks.constants import REPORTED_ELEMENTS, SECONDS_PER_YEAR, t_per_yr_to_kg_per_s
from brineworks.errors import InputError
from brineworks.process.flowsheet import ConvergenceError, Edge, Flowsheet, FlowsheetResult
from brineworks.process.stream import Stream, brine_to_stream
from brineworks.process.unit import Assumption, Parameter, Performance, UnitRun, unit_types
from brineworks.process.units import Splitter
from brineworks.scenario import STOCKPILE, DesignSpec, Scenario, load_scenario

__all__ = [
    "Convergence",
    "SimulationResult",
    "SpecResult",
    "UnitRecord",
    "build_flowsheet",
    "drawn_streams",
    "pumped_stream",
    "simulate",
]

FATES = ("product", "reuse", "returned", "waste", "emission")
"""Where a stream leaving the park goes."""


@dataclass(frozen=True)
class UnitRecord:
    """One unit of a solved park: what it is and what its last run did.

    Attributes
    ----------
    name, kind
        Its name and kind.
    target
        The key of its energy factors, cost model and job data (its family, or its reaction).
    passive
        Whether it uses no process energy of its own (plumbing, solar ponds).
    stage
        ``mining``, ``processing`` or ``plumbing`` (for the three rates).
    inlets, outlets
        Its ports.
    product_outlets
        Ports that carry its product (for its capacity); every outlet if ``None``.
    params
        Parameters in force, by name.
    parameters
        Their provenance (rows of ``unit_parameters.csv``), by name.
    assumptions
        Values in force that are assumptions.
    run
        Its last run: outlets, utilities, performance, detail.
    """

    name: str
    kind: str
    target: str
    passive: bool
    stage: str
    inlets: tuple[str, ...]
    outlets: tuple[str, ...]
    product_outlets: tuple[str, ...] | None
    params: Mapping[str, float]
    parameters: Mapping[str, Parameter]
    assumptions: tuple[Assumption, ...]
    run: UnitRun

    @property
    def performance(self) -> Performance:
        """Energy, water and notes of its last run."""
        return self.run.performance

    @property
    def utilities_in(self) -> Mapping[str, Stream]:
        """Utility streams it took in, by name. [kg/s]"""
        return self.run.utilities_in


@dataclass(frozen=True)
class Convergence:
    """How the recycle loops converged.

    Attributes
    ----------
    iterations
        Recycle iterations of the last solve (0 without recycles).
    residual
        Largest relative change of a tear stream in the last iteration. [-]
    tears
        The tear streams.
    history
        Residual of each iteration. [-]
    """

    iterations: int
    residual: float
    tears: tuple[str, ...]
    history: tuple[float, ...]


@dataclass(frozen=True)
class SpecResult:
    """A design spec met: the splitter fraction that makes supply equal demand."""

    name: str
    vary: str
    fraction: float
    supply_t_per_yr: float
    demand_t_per_yr: float
    rounds: int
    recycle_iterations_total: int


@dataclass(frozen=True)
class SimulationResult:
    """A solved scenario (immutable).

    Attributes
    ----------
    scenario
        The scenario solved.
    backend
        Name of the chemistry backend that solved it.
    brine
        The pumped brine.
    pumped
        Its stream. [kg/s]
    drawn
        Streams drawn from stockpiles, by name. [kg/s]
    streams
        Every stream by name, in the scenario's order. [kg/s]
    edges
        Each stream's two ends (the flowsheet's edge table).
    units
        Every unit by name, in the scenario's order.
    convergence
        How the recycles converged.
    specs
        The design specs met.
    baseline
        The baseline scenario, solved with the same backend, if the scenario names one.
    """

    scenario: Scenario
    backend: str
    brine: Brine
    pumped: Stream
    drawn: Mapping[str, Stream]
    streams: Mapping[str, Stream]
    edges: tuple[Edge, ...]
    units: Mapping[str, UnitRecord]
    convergence: Convergence
    specs: tuple[SpecResult, ...] = ()
    baseline: SimulationResult | None = None

    @property
    def fates(self) -> dict[str, str]:
        """Leaving stream → fate."""
        return {s.name: s.fate for s in self.scenario.streams if s.fate is not None}

    def utilities_in(self) -> dict[str, Stream]:
        """``"unit: utility"`` → stream of everything units take in besides the brine."""
        return {f"{u.name}: {k}": s for u in self.units.values()
                for k, s in u.utilities_in.items()}  # fmt: skip

    def products_t_per_yr(self) -> dict[str, dict[str, float]]:
        """Streams with fate ``product``, by component. [t/yr]"""
        return {n: self.streams[n].t_per_yr() for n, f in self.fates.items() if f == "product"}

    def outlets(self, unit: str, ports: tuple[str, ...] | None = None) -> list[str]:
        """Names of the streams leaving ``unit`` (only from ``ports``, if given)."""
        return [
            e.stream
            for e in self.edges
            if e.source is not None
            and e.source.unit == unit
            and (ports is None or e.source.port in ports)
        ]

    def element_balance(self) -> dict[str, dict[str, float]]:
        """Per reported element: in (brine), reagents, drawn from stockpiles (``stock``), and out
        by fate. [t/yr]"""
        w = atomic_weights()
        y = SECONDS_PER_YEAR / 1e6  # mol/s × g/mol → t/yr
        out: dict[str, dict[str, float]] = {}
        brine_in = self.pumped.elements()
        reagents: dict[str, float] = {}
        for s in self.utilities_in().values():
            for el, n in s.elements().items():
                reagents[el] = reagents.get(el, 0.0) + n
        stock: dict[str, float] = {}
        for s in self.drawn.values():
            for el, n in s.elements().items():
                stock[el] = stock.get(el, 0.0) + n
        for el in REPORTED_ELEMENTS:
            row = {
                "in": brine_in.get(el, 0.0) * w[el] * y,
                "reagents": reagents.get(el, 0.0) * w[el] * y,
                "stock": stock.get(el, 0.0) * w[el] * y,
            }
            for fate in FATES:
                row[fate] = 0.0
            for name, fate in self.fates.items():
                row[fate] += self.streams[name].elements().get(el, 0.0) * w[el] * y
            if row["in"] > 0 or row["reagents"] > 0 or row["stock"] > 0:
                out[el] = row
        return out


def pumped_stream(scenario: Scenario, backend: ThermoBackend) -> tuple[Brine, Stream]:
    """The pumped brine and its stream, densities from ``backend``. [kg/s]"""
    b = scenario.brine
    if b.catalogue:
        brine = Brine.from_catalogue(b.catalogue, temperature_c=b.temperature_c, backend=backend)
    elif b.composition and b.unit:
        brine = Brine.from_amounts(
            b.composition, b.unit, name=f"{scenario.name} brine", temperature_c=b.temperature_c,
            density_g_cm3=b.density_g_cm3, balance_on=b.balance_on, backend=backend,
        )  # fmt: skip
    else:
        raise InputError("brine", None, "'catalogue', or 'unit' and 'composition'")
    density = backend.speciate(brine, saturation=False).density
    mass = b.flow_m3_per_yr / SECONDS_PER_YEAR * density
    water = mass / (1.0 + brine.dissolved_mass())
    return brine, brine_to_stream(brine, water)


def build_flowsheet(scenario: Scenario, backend: ThermoBackend) -> Flowsheet:
    """The scenario's flowsheet, every unit built by its kind from its options (without the
    feed: :func:`simulate` sets it)."""
    kinds = unit_types()
    fs = Flowsheet()
    for spec in scenario.units:
        fs.add(kinds[spec.kind](spec, backend=backend))
    for s in scenario.streams:
        feed = s.source == "brine" or s.source.startswith(STOCKPILE)
        fs.connect(s.name, None if feed else s.source, s.to)
    return fs


def drawn_streams(scenario: Scenario) -> dict[str, Stream]:
    """The streams the scenario draws from its stockpiles, by name. [kg/s]"""
    piles = {p.name: p for p in scenario.stockpiles}
    out = {}
    for s in scenario.streams:
        if s.source.startswith(STOCKPILE):
            pile = piles[s.source.removeprefix(STOCKPILE)]
            flow = t_per_yr_to_kg_per_s(pile.draw_t_per_yr)
            out[s.name] = Stream({k: f * flow for k, f in pile.material.items()})
    return out


def simulate(
    scenario: Scenario,
    progress: Callable[[str], None] | None = None,
    *,
    backend: ThermoBackend | None = None,
    warm: bool = True,
) -> SimulationResult:
    """Build and solve a scenario's flowsheet.

    Parameters
    ----------
    scenario
        The scenario.
    progress
        Called with a short message at each stage.
    backend
        The chemistry backend (default: the one the scenario names). The baseline scenario, if
        any, is solved with the same backend, so that the comparison measures the plants and
        not the solvers.
    warm
        Reuse earlier work while solving (units' last runs for the same inlets, converged
        loops, warm-started searches: :meth:`Flowsheet.solve`); ``False`` solves every pass
        from scratch, the reference the default is tested against.
    """
    say = progress or (lambda _msg: None)
    be = backend if backend is not None else get_backend(scenario.backend)
    say(
        f"building {scenario.name}: {len(scenario.units)} units, "
        f"{len(scenario.streams)} streams ({be.name} chemistry)"
    )
    fs = build_flowsheet(scenario, be)
    brine, feed = pumped_stream(scenario, be)
    fs.feed(scenario.feed_stream, feed)
    drawn = drawn_streams(scenario)
    for name, stream in drawn.items():
        fs.feed(name, stream)
    say("solving (thermodynamics for ponds and plants)")
    solution = fs.solve(warm=warm)
    say(f"solved: {solution.iterations} recycle iterations, residual {solution.residual:.2g}")
    specs: tuple[SpecResult, ...] = ()
    if scenario.specs:
        solution, specs = _meet_specs(scenario, fs, solution, warm=warm)
        say(f"design specs met: {', '.join(s.name for s in specs)}")
    baseline = None
    if scenario.baseline and scenario.baseline != scenario.name:
        say(f"solving the baseline {scenario.baseline}")
        base = load_scenario(scenario.baseline).model_copy(update={"baseline": None})
        baseline = simulate(base, backend=be, warm=warm)
    units = {
        name: UnitRecord(
            name=name,
            kind=u.kind,
            target=u.target,
            passive=u.passive,
            stage=u.stage,
            inlets=u.inlets,
            outlets=u.outlets,
            product_outlets=u.product_outlets,
            params=dict(u.params),
            parameters=dict(u.param_sources),
            assumptions=u.assumptions(),
            run=solution.runs[name],
        )
        for name, u in fs.units.items()
    }
    return SimulationResult(
        scenario=scenario, backend=be.name, brine=brine, pumped=feed, drawn=drawn,
        streams=dict(solution.streams), edges=fs.edges(), units=units,
        convergence=Convergence(solution.iterations, solution.residual, solution.tears,
                                solution.history),
        specs=specs, baseline=baseline,
    )  # fmt: skip


def _spec_flows(spec: DesignSpec, solution: FlowsheetResult) -> tuple[float, float]:
    """(supplied, demanded) flow of the demand's components. [kg/s]"""
    unit_name, _, utility = spec.demand.partition(": ")
    run = solution.runs.get(unit_name)
    if run is None or utility not in run.utilities_in:
        known = [f"{u}: {k}" for u, r in solution.runs.items() for k in r.utilities_in]
        raise InputError(f"specs.{spec.name}.demand", spec.demand, "one of " + ", ".join(known))
    need_stream = run.utilities_in[utility]
    need = sum(need_stream.flows.values())
    made = sum(solution.streams[spec.supply].get(c) for c in need_stream.flows)
    return made, need


def _meet_specs(
    scenario: Scenario,
    fs: Flowsheet,
    solution: FlowsheetResult,
    *,
    rtol: float = 1e-9,
    warm: bool = True,
) -> tuple[FlowsheetResult, tuple[SpecResult, ...]]:
    """Adjust each spec's splitter fraction until supply = demand (direct substitution on the
    ratio, exact in one step where supply is proportional to the fraction; the flowsheet is
    re-solved from the converged tear streams each time).

    Raises
    ------
    ConvergenceError
        If the specs are not met in 30 rounds, naming them.
    InputError
        If a spec needs more than its splitter can give, or names a utility the unit does not
        take.
    """
    splitters: dict[str, tuple[Splitter, str]] = {}
    for spec in scenario.specs:
        unit_name, _, outlet = spec.vary.rpartition(".")
        unit = fs.units[unit_name]
        assert isinstance(unit, Splitter)  # checked when the scenario was loaded
        splitters[spec.name] = (unit, outlet)
    total = solution.iterations
    rounds = 0
    while True:
        rounds += 1
        if rounds > 30:
            raise ConvergenceError(
                "design specs not met in 30 rounds: " + ", ".join(s.name for s in scenario.specs)
            )
        worst = 0.0
        for spec in scenario.specs:
            made, need = _spec_flows(spec, solution)
            unit, outlet = splitters[spec.name]
            f = unit.fractions[outlet]
            if need <= 0:
                target = 0.0
            elif made <= 0:
                target = min(1.0, max(2.0 * f, 1e-6))
            else:
                target = f * need / made
            worst = max(worst, abs(made - need) / max(need, made, 1e-300))
            if target != f:
                unit.set_fraction(outlet, target, spec.absorb)
        if worst <= rtol:
            break
        guesses = {t: solution.streams[t] for t in solution.tears}
        solution = fs.solve(guesses=guesses, warm=warm)
        total += solution.iterations
    y = SECONDS_PER_YEAR / 1000.0
    report = []
    for spec in scenario.specs:
        made, need = _spec_flows(spec, solution)
        unit, outlet = splitters[spec.name]
        report.append(
            SpecResult(
                name=spec.name,
                vary=spec.vary,
                fraction=unit.fractions[outlet],
                supply_t_per_yr=made * y,
                demand_t_per_yr=need * y,
                rounds=rounds,
                recycle_iterations_total=total,
            )
        )
    return solution, tuple(report)
