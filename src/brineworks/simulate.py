"""Run a scenario: build its flowsheet, solve it, and collect what the park produces.

``simulate(scenario)`` is the orchestration layer the CLI and the reports call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from brineworks.chemistry.backend import get_backend, use_backend
from brineworks.chemistry.brine import Brine
from brineworks.constants import REPORTED_ELEMENTS, SECONDS_PER_YEAR
from brineworks.errors import InputError
from brineworks.process.flowsheet import ConvergenceError, Flowsheet, FlowsheetResult
from brineworks.process.ponds import PondLosses
from brineworks.process.stream import Stream, brine_to_stream
from brineworks.process.unit import Unit
from brineworks.process.units import (
    BoricAcid,
    CalciumRemoval,
    ComponentSplitter,
    Crystalliser,
    Dissolver,
    Electrodialysis,
    LithiumAdsorption,
    LithiumCarbonate,
    MagnesiumRemoval,
    Mixer,
    Nanofiltration,
    PondTrain,
    PotashPlant,
    Reactor,
    ReverseOsmosis,
    Splitter,
    Washer,
)
from brineworks.scenario import DesignSpec, Scenario, UnitSpec

__all__ = ["SimulationResult", "build_flowsheet", "pumped_stream", "simulate"]


_POND_LOSSES = {"entrainment", "seepage_rate"}
"""Parameters a pond train takes in a scenario: its losses (kg/kg, m/s)."""


def _unit(spec: UnitSpec) -> Unit:
    if spec.kind == "ponds":
        if not spec.stages or not spec.site:
            raise InputError(f"units.{spec.name}", spec.kind, "'stages' and 'site' for ponds")
        unknown = sorted(set(spec.params) - _POND_LOSSES)
        if unknown:
            raise InputError(
                f"units.{spec.name}.params",
                unknown,
                "for ponds: " + ", ".join(sorted(_POND_LOSSES)),
            )
        losses = PondLosses.default().replace(**spec.params)
        return PondTrain(spec.name, spec.stages, spec.site, losses)
    if spec.kind == "mixer":
        return Mixer(spec.name, spec.inlets or 2)
    if spec.kind == "splitter":
        if not spec.fractions:
            raise InputError(f"units.{spec.name}.fractions", None, "outlet fractions")
        return Splitter(spec.name, spec.fractions)
    if spec.kind == "component_splitter":
        if not spec.to_top:
            raise InputError(f"units.{spec.name}.to_top", None, "component fractions to 'top'")
        return ComponentSplitter(spec.name, spec.to_top)
    if spec.kind == "reactor":
        if not spec.reaction:
            raise InputError(f"units.{spec.name}.reaction", None, "a reaction of reactions.csv")
        return Reactor(spec.name, spec.reaction)
    if spec.kind == "evaporative_crystalliser":
        if not spec.until:
            raise InputError(f"units.{spec.name}.until", None, "a stop condition, e.g. 'water:0.8'")
        return Crystalliser(spec.name, spec.until, spec.params)
    if spec.kind == "magnesium_removal":
        return MagnesiumRemoval(spec.name, spec.params, reagent=spec.reagent)
    if spec.kind == "calcium_removal":
        return CalciumRemoval(spec.name, spec.params, reagent=spec.reagent)
    kinds: dict[str, type[Unit]] = {
        "potash_plant": PotashPlant,
        "lithium_adsorption": LithiumAdsorption,
        "lithium_carbonate": LithiumCarbonate,
        "boric_acid": BoricAcid,
        "nanofiltration": Nanofiltration,
        "dissolver": Dissolver,
        "electrodialysis": Electrodialysis,
        "washer": Washer,
        "reverse_osmosis": ReverseOsmosis,
    }
    if spec.kind not in kinds:
        allowed = ", ".join(
            ["ponds", "mixer", "splitter", "component_splitter", "reactor",
             "magnesium_removal", "calcium_removal", "evaporative_crystalliser", *kinds]
        )  # fmt: skip
        raise InputError(f"units.{spec.name}.kind", spec.kind, f"one of {allowed}")
    cls = kinds[spec.kind]
    return cls(spec.name, spec.params)


def pumped_stream(scenario: Scenario) -> tuple[Brine, Stream]:
    """The pumped brine and its stream. [kg/s]"""
    b = scenario.brine
    backend = get_backend()
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


def build_flowsheet(scenario: Scenario) -> tuple[Flowsheet, Stream]:
    """The scenario's flowsheet with its feed set."""
    fs = Flowsheet()
    for spec in scenario.units:
        fs.add(_unit(spec))
    feeds = []
    for s in scenario.streams:
        source = None if s.source == "brine" else s.source
        fs.connect(s.name, source, s.to)
        if source is None:
            feeds.append(s.name)
    if len(feeds) != 1:
        raise InputError("streams.from", feeds, "exactly one stream from 'brine'")
    _, feed = pumped_stream(scenario)
    fs.feed(feeds[0], feed)
    return fs, feed


@dataclass
class SimulationResult:
    """A solved scenario."""

    scenario: Scenario
    flowsheet: Flowsheet
    solution: FlowsheetResult
    pumped: Stream
    baseline: SimulationResult | None = None
    specs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fates(self) -> dict[str, str]:
        """Leaving stream → fate."""
        return {s.name: s.fate for s in self.scenario.streams if s.fate is not None}

    def utilities_in(self) -> dict[str, Stream]:
        """``"unit: utility"`` → stream of everything units take in besides the brine."""
        return {f"{u.name}: {k}": s for u in self.flowsheet.units.values()
                for k, s in u.utilities_in.items()}  # fmt: skip

    def products_t_per_yr(self) -> dict[str, dict[str, float]]:
        """Streams with fate ``product``, by component. [t/yr]"""
        return {n: self.solution.streams[n].t_per_yr() for n, f in self.fates.items()
                if f == "product"}  # fmt: skip

    def element_balance(self) -> dict[str, dict[str, float]]:
        """Per tracked element: in (brine), reagents, and out by fate. [t/yr]"""
        from brineworks.chemistry.ions import atomic_weights

        w = atomic_weights()
        y = SECONDS_PER_YEAR / 1e6  # mol/s × g/mol → t/yr
        out: dict[str, dict[str, float]] = {}
        brine_in = self.pumped.elements()
        reagents: dict[str, float] = {}
        for s in self.utilities_in().values():
            for el, n in s.elements().items():
                reagents[el] = reagents.get(el, 0.0) + n
        for el in REPORTED_ELEMENTS:
            row = {
                "in": brine_in.get(el, 0.0) * w[el] * y,
                "reagents": reagents.get(el, 0.0) * w[el] * y,
            }
            for fate in ("product", "reuse", "returned", "waste", "emission"):
                row[fate] = 0.0
            for name, fate in self.fates.items():
                row[fate] += self.solution.streams[name].elements().get(el, 0.0) * w[el] * y
            if row["in"] > 0 or row["reagents"] > 0:
                out[el] = row
        return out

    def to_dict(self) -> dict[str, Any]:
        """The ``results.json`` form."""
        from brineworks.assess.circularity import indicators
        from brineworks.assess.energy import energy_indicators, unit_table

        mine, table = indicators(self), unit_table(self)
        return {
            "scenario": self.scenario.name,
            "description": self.scenario.description,
            "chemistry_backend": self.scenario.backend,
            "pumped_brine_m3_per_yr": self.scenario.brine.flow_m3_per_yr,
            "products_t_per_yr": {n: sum(v.values()) for n, v in self.products_t_per_yr().items()},
            "products_by_component_t_per_yr": self.products_t_per_yr(),
            "streams": [
                {"name": n, "fate": self.fates.get(n), "t_per_yr": s.t_per_yr()}
                for n, s in self.solution.streams.items()
            ],
            "utilities_t_per_yr": {k: s.t_per_yr() for k, s in self.utilities_in().items()},
            "indicators": mine,
            "energy": energy_indicators(self, table),
            "units": table,
            "element_balance": self.element_balance(),
            "convergence": {
                "iterations": self.solution.iterations,
                "residual": self.solution.residual,
                "tear_streams": list(self.solution.tears),
                "design_specs": self.specs,
            },
            "comparison": self.comparison(mine),
        }

    def comparison(self, mine: dict[str, Any] | None = None) -> dict[str, dict[str, float | None]]:
        """Scalar indicators and product shares side by side with the baseline scenario
        (``mine``: this scenario's indicators, if already computed)."""
        if self.baseline is None:
            return {}
        from brineworks.assess.circularity import indicators

        mine = mine if mine is not None else indicators(self)
        base = indicators(self.baseline)
        rows: dict[str, dict[str, float | None]] = {}
        for key in ("comprehensive_utilisation_by_mass", "comprehensive_utilisation_by_value",
                    "products_t_per_yr",
                    "waste_solids_t_per_yr", "waste_salt_intensity_t_per_t",
                    "fresh_water_m3_per_yr", "material_circularity_indicator"):  # fmt: skip
            rows[key] = {self.scenario.name: mine[key], self.baseline.scenario.name: base[key]}
        for el in ("K", "Li", "Mg", "Na", "Cl"):
            a = mine["element_shares"].get(el, {}).get("product")
            b = base["element_shares"].get(el, {}).get("product")
            rows[f"{el} share to products"] = {
                self.scenario.name: a, self.baseline.scenario.name: b,
            }  # fmt: skip
        return rows


def simulate(scenario: Scenario, progress: Callable[[str], None] | None = None) -> SimulationResult:
    """Build and solve a scenario's flowsheet with the scenario's chemistry backend.

    The baseline scenario, if any, is solved with the same backend, so that the comparison
    measures the plants and not the solvers.
    """
    say = progress or (lambda _msg: None)
    with use_backend(scenario.backend):
        say(
            f"building {scenario.name}: {len(scenario.units)} units, "
            f"{len(scenario.streams)} streams ({scenario.backend} chemistry)"
        )
        fs, feed = build_flowsheet(scenario)
        say("solving (thermodynamics for ponds and plants)")
        solution = fs.solve()
        say(f"solved: {solution.iterations} recycle iterations, residual {solution.residual:.2g}")
        specs: list[dict[str, Any]] = []
        if scenario.specs:
            solution, specs = _meet_specs(scenario, fs, solution)
            say(f"design specs met: {', '.join(s['name'] for s in specs)}")
    baseline = None
    if scenario.baseline and scenario.baseline != scenario.name:
        from brineworks.scenario import load_scenario

        say(f"solving the baseline {scenario.baseline}")
        base = load_scenario(scenario.baseline)
        baseline = simulate(base.model_copy(update={"baseline": None, "backend": scenario.backend}))
    return SimulationResult(
        scenario=scenario, flowsheet=fs, solution=solution, pumped=feed, baseline=baseline,
        specs=specs,
    )  # fmt: skip


def _spec_flows(spec: DesignSpec, fs: Flowsheet, solution: FlowsheetResult) -> tuple[float, float]:
    """(supplied, demanded) flow of the demand's components. [kg/s]"""
    unit_name, _, utility = spec.demand.partition(": ")
    unit = fs.units.get(unit_name)
    if unit is None or utility not in unit.utilities_in:
        known = [f"{u.name}: {k}" for u in fs.units.values() for k in u.utilities_in]
        raise InputError(f"specs.{spec.name}.demand", spec.demand, "one of " + ", ".join(known))
    if spec.supply not in solution.streams:
        raise InputError(f"specs.{spec.name}.supply", spec.supply, "a stream of the scenario")
    need_stream = unit.utilities_in[utility]
    need = sum(need_stream.flows.values())
    made = sum(solution.streams[spec.supply].get(c) for c in need_stream.flows)
    return made, need


def _meet_specs(
    scenario: Scenario, fs: Flowsheet, solution: FlowsheetResult, *, rtol: float = 1e-9
) -> tuple[FlowsheetResult, list[dict[str, Any]]]:
    """Adjust each spec's splitter fraction until supply = demand (direct substitution on the
    ratio, exact in one step where supply is proportional to the fraction; the flowsheet is
    re-solved from the converged tear streams each time).

    Raises
    ------
    ConvergenceError
        If the specs are not met in 30 rounds, naming them.
    InputError
        If a spec names an unknown splitter, outlet, stream or utility, or needs more than the
        splitter can give.
    """
    splitters: dict[str, tuple[Splitter, str]] = {}
    for spec in scenario.specs:
        unit_name, _, outlet = spec.vary.rpartition(".")
        unit = fs.units.get(unit_name)
        if not isinstance(unit, Splitter) or outlet not in unit.fractions:
            raise InputError(f"specs.{spec.name}.vary", spec.vary, "'splitter.outlet'")
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
            made, need = _spec_flows(spec, fs, solution)
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
        solution = fs.solve(guesses=guesses)
        total += solution.iterations
    report = []
    y = SECONDS_PER_YEAR / 1000.0
    for spec in scenario.specs:
        made, need = _spec_flows(spec, fs, solution)
        unit, outlet = splitters[spec.name]
        report.append({
            "name": spec.name, "vary": spec.vary, "fraction": unit.fractions[outlet],
            "supply_t_per_yr": made * y, "demand_t_per_yr": need * y, "rounds": rounds,
            "recycle_iterations_total": total,
        })  # fmt: skip
    return solution, report
