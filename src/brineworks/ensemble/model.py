"""What an ensemble evaluates: a model in two levels, the expensive process and the cheap money.

:class:`EnsembleModel` is the interface: ``solve_process(process_inputs) -> state`` (the park:
seconds to minutes) and ``evaluate(state, money_inputs) -> {output: value}`` (microseconds).
The runner solves each distinct process-input vector once and evaluates every money sample that
shares it on the same state.

:class:`ParkModel` is the model of a scenario: its process inputs address the scenario (the
pumped brine, unit parameters, site climate), ``solve_process`` solves a copy of the scenario
with :func:`brineworks.simulate.simulate` and keeps a compact, picklable :class:`ParkState`;
``evaluate`` returns the park's physical outputs plus whatever the ``money`` hook returns (the
economics plugs in there).

Process targets
---------------
``brine.flow_m3_per_yr``                Pumped brine. [m³/yr]
``brine.temperature_c``                 Brine temperature. [°C]
``brine.composition.<solute>``          A solute's amount in the analysis' unit.
``brine.grade.<solute>``                A multiplier on a solute's amount (catalogue or inline).
``brine.grade``                         A multiplier on every solute (the grade of the brine).
``units.<unit>.params.<parameter>``     A unit parameter (``unit_parameters.csv``, or
                                        ``entrainment``/``seepage_rate`` of a pond train).
``climate.<site>.<quantity>``           A multiplier on a site figure: ``pan_evaporation``,
                                        ``precipitation``, ``pan_coefficient``,
                                        ``net_evaporation``.

A catalogue brine whose grade or composition is varied is written inline (the catalogue's
unit, amounts, density and balancing solute); the balancing solute always follows from
electroneutrality, so it cannot be varied itself.
"""

from __future__ import annotations

import hashlib
import math
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from brineworks.ensemble.money import check_money_targets, economics_money
from brineworks.ensemble.spec import UncertainSpec
from brineworks.errors import InputError

if TYPE_CHECKING:
    from brineworks.economics import ParkInventory
    from brineworks.scenario import Scenario
    from brineworks.simulate import SimulationResult

__all__ = [
    "EnsembleModel",
    "MoneyHook",
    "ParkModel",
    "ParkState",
    "apply_process_inputs",
    "process_target_range",
]

Value = float | str

_PARK_LOCK = threading.Lock()
"""One park at a time per process: PHREEQC objects are not thread-safe."""


class EnsembleModel(ABC):
    """A model evaluated by an ensemble, in two levels.

    Subclasses must be picklable (they are sent to the workers).
    """

    process_batch: int = 1
    """How many process solves one task holds (1 for expensive parks; more for cheap models)."""

    @abstractmethod
    def solve_process(self, process_inputs: Mapping[str, Value]) -> Any:
        """The expensive level: a state from the process inputs (by input name)."""

    @abstractmethod
    def evaluate(self, state: Any, money_inputs: Mapping[str, Value]) -> dict[str, float]:
        """The cheap level: outputs from a solved state and the money inputs (by input name)."""

    def solve_many(self, batch: Sequence[Mapping[str, Value]]) -> list[Any]:
        """Solve several process vectors (one task's batch); an exception stands in for the
        state of a vector that failed. Override to batch chemistry across vectors."""
        out: list[Any] = []
        for p in batch:
            try:
                out.append(self.solve_process(p))
            except Exception as exc:  # recorded with the samples, never dropped
                out.append(exc)
        return out

    def check_inputs(self, inputs: Sequence[UncertainSpec]) -> None:  # noqa: B027
        """Raise :class:`InputError` for an input this model cannot take (default: none)."""

    def fingerprint(self) -> str:
        """What identifies the model: a run resumes only with the same model."""
        return type(self).__qualname__

    def notes(self) -> list[str]:
        """What the report should say about this model."""
        return []


# ---------------------------------------------------------------------------- the park
@dataclass(frozen=True)
class ParkState:
    """A solved park, compact and picklable: what the money level and the outputs need.

    Attributes
    ----------
    scenario
        Scenario name.
    pumped_m3_per_yr
        Pumped brine. [m³/yr]
    products_t_per_yr
        Each product stream's total. [t/yr]
    products_by_component_t_per_yr
        Each product stream by component. [t/yr]
    element_balance
        Per element: in, reagents and out by fate. [t/yr]
    element_shares_to_products
        Share of each element (brine and reagents) leaving in products. [-]
    indicators
        Scalar circularity indicators (``results.json``'s ``indicators``). [various]
    energy
        Electricity [MWh/yr], heat [GJ/yr], indirect CO2 [t/yr] and their intensities.
    reagents_t_per_yr
        Reagents bought or made in the park, by ``"unit: utility"``. [t/yr]
    units
        Per unit: kind, capacity [t/yr], electricity [MWh/yr], heat [GJ/yr], fresh water
        [m³/yr].
    pond_area_km2
        Evaporating area of each pond train. [km²]
    design_specs
        Split fraction chosen by each design spec. [-]
    inventory
        The park for the economics (:class:`~brineworks.economics.ParkInventory`).
    """

    scenario: str
    pumped_m3_per_yr: float
    products_t_per_yr: dict[str, float]
    products_by_component_t_per_yr: dict[str, dict[str, float]]
    element_balance: dict[str, dict[str, float]]
    element_shares_to_products: dict[str, float]
    indicators: dict[str, float]
    energy: dict[str, float]
    reagents_t_per_yr: dict[str, float]
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    pond_area_km2: dict[str, float] = field(default_factory=dict)
    design_specs: dict[str, float] = field(default_factory=dict)
    inventory: ParkInventory | None = None

    @classmethod
    def from_result(cls, result: SimulationResult) -> ParkState:
        """The state of a solved scenario (from its physical results,
        :func:`brineworks.assess.results.physical_results`), with the park's economic inventory
        for the money level."""
        from brineworks.assess.results import physical_results
        from brineworks.economics import ParkInventory
        from brineworks.process.ponds import PondTrainResult

        d = physical_results(result)
        ind = d["indicators"]
        scalars = {k: float(v) for k, v in ind.items() if isinstance(v, int | float)}
        for el, r in ind.get("three_rates", {}).items():
            if r.get("comprehensive_utilisation") is not None:
                scalars[f"{el}_comprehensive_utilisation"] = float(r["comprehensive_utilisation"])
        waste = ind.get("solid_waste") or {}
        if waste.get("utilisation_rate") is not None:
            scalars["solid_waste_utilisation_rate"] = float(waste["utilisation_rate"])
        energy = {k: float(v) for k, v in d["energy"].items() if isinstance(v, int | float)}
        energy["co2_total_t_per_yr"] = float(d["carbon"]["total_t_per_yr"])
        units = {
            r["unit"]: {
                "kind": r["kind"],
                "capacity_t_per_yr": r["capacity_t_per_yr"],
                "electricity_mwh_per_yr": r["electricity_mwh_per_yr"],
                "heat_gj_per_yr": r["heat_gj_per_yr"],
                "fresh_water_m3_per_yr": r["fresh_water_m3_per_yr"],
            }
            for r in d["units"]
        }
        areas = {
            name: u.run.detail.total_area() / 1e6
            for name, u in result.units.items()
            if isinstance(u.run.detail, PondTrainResult)
        }
        return cls(
            scenario=d["scenario"],
            pumped_m3_per_yr=float(d["pumped_brine_m3_per_yr"]),
            products_t_per_yr={k: float(v) for k, v in d["products_t_per_yr"].items()},
            products_by_component_t_per_yr=d["products_by_component_t_per_yr"],
            element_balance=d["element_balance"],
            element_shares_to_products={
                el: float(s["product"]) for el, s in ind["element_shares"].items()
            },
            indicators=scalars,
            energy=energy,
            reagents_t_per_yr={k: float(v) for k, v in ind["reagents_t_per_yr"].items()},
            units=units,
            pond_area_km2=areas,
            design_specs={
                s["name"]: float(s["fraction"]) for s in d["convergence"]["design_specs"]
            },
            inventory=ParkInventory.from_results(d, scenario=result.scenario),
        )

    def outputs(self) -> dict[str, float]:
        """The physical outputs of an ensemble, by name (units in the names)."""
        out: dict[str, float] = {"pumped_m3_per_yr": self.pumped_m3_per_yr}
        for k, v in self.products_t_per_yr.items():
            out[f"products_t_per_yr.{k}"] = v
        for k, v in self.indicators.items():
            out[f"indicators.{k}"] = v
        for k, v in self.element_shares_to_products.items():
            out[f"element_share_to_products.{k}"] = v
        for k, v in self.energy.items():
            out[f"energy.{k}"] = v
        for k, v in self.pond_area_km2.items():
            out[f"pond_area_km2.{k}"] = v
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON form (without the inventory)."""
        out = asdict(self)
        out.pop("inventory", None)
        return out


MoneyHook = Callable[[ParkState, Mapping[str, Value]], Mapping[str, float]]
"""``money(state, money_inputs_by_target) -> {output: value}`` (e.g. NPV from the economics).
Must be picklable: a module-level function."""


class ParkModel(EnsembleModel):
    """A scenario's park as an ensemble model.

    Parameters
    ----------
    scenario
        The scenario (its ``uncertain`` entries are the default inputs).
    inputs
        Uncertain inputs (default: the scenario's).
    money
        The money level: ``money(state, {target: value})`` returns money outputs. Default:
        :func:`~brineworks.ensemble.money.economics_money` (NPV, IRR, payback, capital, revenue,
        operating cost from :mod:`brineworks.economics`). None: money inputs are sampled and
        recorded, and no money output is made.
    backend
        Chemistry backend for the park (default: the scenario's).

    Notes
    -----
    The baseline scenario is not solved (the comparison is not an ensemble output). Parks are
    solved one at a time per process (a lock), because PHREEQC objects are not thread-safe:
    run one thread per worker process.
    """

    process_batch = 1

    def __init__(
        self,
        scenario: Scenario,
        inputs: Sequence[UncertainSpec] | None = None,
        money: MoneyHook | None = economics_money,
        backend: str | None = None,
    ) -> None:
        update: dict[str, Any] = {"baseline": None, "uncertain": []}
        if backend is not None:
            update["backend"] = backend
        self.inputs = tuple(scenario.uncertain if inputs is None else inputs)
        self.scenario = scenario.model_copy(update=update)
        self.money = money
        self.check_inputs(self.inputs)
        self._targets = {u.name: u.target for u in self.inputs}

    def check_inputs(self, inputs: Sequence[UncertainSpec]) -> None:
        """Every process input must address this scenario, within the target's range.

        Raises
        ------
        InputError
            Naming the input, its target and what is allowed.
        """
        if self.money is economics_money:
            check_money_targets(inputs)
        for u in inputs:
            if u.kind != "process":
                continue
            lo_ok, hi_ok, what = process_target_range(self.scenario, u.target)
            if u.is_label:
                raise InputError(
                    f"uncertain.{u.name}.values", u.values, "numbers for a process input"
                )
            lo, hi = u.support()
            if not (lo >= lo_ok and hi <= hi_ok):
                raise InputError(
                    f"uncertain.{u.name} ({u.target})", f"{u.describe()}: [{lo:g}, {hi:g}]",
                    f"values within [{lo_ok:g}, {hi_ok:g}] ({what}); bound a normal or lognormal "
                    "distribution with low and high",
                )  # fmt: skip

    def fingerprint(self) -> str:
        """Hash of the scenario (without its uncertain inputs) and the money hook's name."""
        money = "" if self.money is None else f"{self.money.__module__}.{self.money.__qualname__}"
        text = self.scenario.model_dump_json() + "|" + money
        return "ParkModel:" + hashlib.sha256(text.encode()).hexdigest()[:16]

    def notes(self) -> list[str]:
        """Notes for the report."""
        notes = [
            f"Park: scenario {self.scenario.name!r} solved with {self.scenario.backend} "
            "chemistry, one park per worker process; the baseline scenario is not solved."
        ]
        if self.money is economics_money:
            notes.append(
                "Money: brineworks.economics on each solved park at the mid prices, with the "
                "sampled money inputs applied (NPV, IRR, payback, capital, revenue, operating "
                "cost); levelised costs are not solved per sample."
            )
        elif self.money is None:
            notes.append(
                "No money model is attached yet: money inputs are sampled and recorded, but no "
                "money output (NPV, levelised cost) is computed, so money outputs are absent."
            )
        return notes

    def solve_process(self, process_inputs: Mapping[str, Value]) -> ParkState:
        """Solve the scenario with these process inputs (by input name)."""
        from brineworks.climate import scaled_climate
        from brineworks.simulate import simulate

        targets = {self._targets[n]: v for n, v in process_inputs.items()}
        scenario, factors = apply_process_inputs(self.scenario, targets)
        with _PARK_LOCK, scaled_climate(factors):
            result = simulate(scenario)
            return ParkState.from_result(result)

    def evaluate(self, state: ParkState, money_inputs: Mapping[str, Value]) -> dict[str, float]:
        """Physical outputs of the state, and the money hook's outputs (named ``money.<key>``)."""
        out = state.outputs()
        if self.money is not None:
            by_target = {self._targets[n]: v for n, v in money_inputs.items()}
            for k, v in self.money(state, by_target).items():
                out[f"money.{k}"] = float(v)
        return out


# ---------------------------------------------------------------------------- targets
def _unit_spec_params(scenario: Scenario, unit: str) -> tuple[str, dict[str, tuple[float, float]]]:
    """Kind of a unit of the scenario and its parameters with their allowed ranges."""
    import brineworks.process.units  # noqa: F401  (registers the unit kinds)
    from brineworks.process.unit import parameter_table, unit_types

    spec = next((u for u in scenario.units if u.name == unit), None)
    if spec is None:
        raise InputError("target unit", unit, "a unit of the scenario: "
                         + ", ".join(u.name for u in scenario.units))  # fmt: skip
    if spec.kind == "ponds":
        return spec.kind, {"entrainment": (0.0, 0.999999), "seepage_rate": (0.0, 1e-6)}
    cls = unit_types().get(spec.kind)
    family = getattr(cls, "family", "") if cls is not None else ""
    params = {
        p.name: (p.minimum, p.maximum)
        for (fam, _), p in parameter_table().items()
        if family and fam == family
    }
    return spec.kind, params


def _brine_amounts(scenario: Scenario) -> tuple[dict[str, float], str | None]:
    """The analysis' amounts (catalogue or inline) and its balancing solute."""
    from brineworks.chemistry.brine import catalogue, slugify

    b = scenario.brine
    if b.composition is not None:
        return dict(b.composition), b.balance_on
    wanted = slugify(b.catalogue or "")
    entry = next((e for e in catalogue() if e.slug == wanted), None)
    if entry is None:
        raise InputError("brine.catalogue", b.catalogue, "a catalogue brine")
    return dict(entry.composition), entry.balance_on


def process_target_range(scenario: Scenario, target: str) -> tuple[float, float, str]:
    """Allowed values of a process target: (lowest, highest, what it is).

    Raises
    ------
    InputError
        If the target does not address the scenario.
    """
    from brineworks.climate import SCALABLE_QUANTITIES, sites

    parts = target.split(".")
    allowed = (
        "brine.flow_m3_per_yr, brine.temperature_c, brine.composition.<solute>, brine.grade, "
        "brine.grade.<solute>, units.<unit>.params.<parameter>, climate.<site>.<quantity>"
    )
    if parts[0] == "brine":
        if target == "brine.flow_m3_per_yr":
            return 1e-300, math.inf, "m³/yr of pumped brine"
        if target == "brine.temperature_c":
            return 0.0, 100.0, "°C"
        if target == "brine.grade":
            return 1e-300, math.inf, "a positive multiplier on every solute"
        if len(parts) == 3 and parts[1] in {"grade", "composition"}:
            amounts, balance_on = _brine_amounts(scenario)
            solute = parts[2]
            if balance_on is not None and solute == balance_on:
                raise InputError("target", target, f"another solute ({solute} balances the charge)")
            if solute not in amounts:
                raise InputError("target", target, "a solute of the brine: " + ", ".join(amounts))
            _check_catalogue_ph(scenario, target)
            if parts[1] == "grade":
                return 1e-300, math.inf, f"a positive multiplier on {solute}"
            return 0.0, math.inf, f"{solute} in the analysis' unit"
    if parts[0] == "units" and ".params." in target:
        unit, _, param = target[len("units.") :].rpartition(".params.")
        kind, params = _unit_spec_params(scenario, unit)
        if param not in params:
            raise InputError(
                "target", target, f"a parameter of {kind}: " + (", ".join(params) or "none")
            )
        lo, hi = params[param]
        return lo, hi, f"{kind} parameter {param}"
    if parts[0] == "climate" and len(parts) == 3:
        site, quantity = parts[1], parts[2]
        used = {s for u in scenario.units if u.kind == "ponds" and (s := getattr(u, "site", None))}
        if site not in sites() or site not in used:
            raise InputError("target", target, "climate.<site of a pond train of the scenario>."
                             + "<quantity>: " + ", ".join(sorted(used)))  # fmt: skip
        if quantity not in SCALABLE_QUANTITIES:
            raise InputError("target", target, "a quantity: " + ", ".join(SCALABLE_QUANTITIES))
        return 1e-300, math.inf, f"a positive multiplier on {site}'s {quantity}"
    raise InputError("target", target, allowed)


def _check_catalogue_ph(scenario: Scenario, target: str) -> None:
    from brineworks.chemistry.brine import catalogue, slugify

    b = scenario.brine
    if b.composition is not None:
        return
    wanted = slugify(b.catalogue or "")
    entry = next((e for e in catalogue() if e.slug == wanted), None)
    if entry is not None and entry.pH is not None:
        raise InputError(
            "target", target, f"a brine without a measured pH (catalogue {b.catalogue!r} has "
            "one; write the brine inline to vary it)",
        )  # fmt: skip


def apply_process_inputs(
    scenario: Scenario, values: Mapping[str, Value]
) -> tuple[Scenario, dict[tuple[str, str], float]]:
    """A copy of ``scenario`` with process targets set, and the climate factors to apply.

    Parameters
    ----------
    scenario
        The scenario.
    values
        Target → value (see the module docstring for the targets).

    Returns
    -------
    tuple
        The modified scenario, and ``(site, quantity) → factor`` for
        :func:`brineworks.climate.scaled_climate`.
    """
    from brineworks.chemistry.brine import catalogue, slugify

    brine_update: dict[str, Any] = {}
    grades: dict[str, float] = {}
    amounts_set: dict[str, float] = {}
    params: dict[str, dict[str, float]] = {}
    climate: dict[tuple[str, str], float] = {}
    for target, raw in values.items():
        process_target_range(scenario, target)
        v = float(raw)
        parts = target.split(".")
        if target == "brine.flow_m3_per_yr":
            brine_update["flow_m3_per_yr"] = v
        elif target == "brine.temperature_c":
            brine_update["temperature_c"] = v
        elif target == "brine.grade":
            grades["*"] = v
        elif parts[0] == "brine" and parts[1] == "grade":
            grades[parts[2]] = v
        elif parts[0] == "brine":
            amounts_set[parts[2]] = v
        elif parts[0] == "units":
            unit, _, param = target[len("units.") :].rpartition(".params.")
            params.setdefault(unit, {})[param] = v
        else:
            climate[(parts[1], parts[2])] = v
    if grades or amounts_set:
        b = scenario.brine
        if b.composition is not None:
            amounts, brine_unit = dict(b.composition), b.unit
            density, balance_on = b.density_g_cm3, b.balance_on
        else:
            wanted = slugify(b.catalogue or "")
            entry = next(e for e in catalogue() if e.slug == wanted)
            amounts, brine_unit = dict(entry.composition), entry.unit
            density, balance_on = entry.density_g_cm3, entry.balance_on
        every = grades.pop("*", 1.0)
        for k in amounts:
            if k != balance_on:
                amounts[k] *= every * grades.get(k, 1.0)
        amounts.update(amounts_set)
        brine_update.update(
            catalogue=None, unit=brine_unit, composition=amounts, density_g_cm3=density,
            balance_on=balance_on,
        )  # fmt: skip
    update: dict[str, Any] = {}
    if brine_update:
        update["brine"] = scenario.brine.model_copy(update=brine_update)
    if params:
        update["units"] = [
            u.model_copy(update={"params": {**u.params, **params[u.name]}})
            if u.name in params else u
            for u in scenario.units
        ]  # fmt: skip
    return scenario.model_copy(update=update), climate


def describe_inputs(inputs: Sequence[UncertainSpec]) -> list[dict[str, Any]]:
    """The inputs as rows for reports and JSON."""
    return [
        {"name": u.name, "kind": u.kind, "target": u.target, "distribution": u.describe(),
         "note": u.note}
        for u in inputs
    ]  # fmt: skip
