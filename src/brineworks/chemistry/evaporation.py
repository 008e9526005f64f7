"""Isothermal evaporation paths: what precipitates, in which order, and how much.

:func:`evaporate` removes water step by step from a brine and brings what is left to
equilibrium with a set of candidate solids, through the :class:`ThermoBackend` protocol (so any
backend can run it). Two modes:

* ``"fractional"`` — solids are removed from contact after each step, as in a pond train;
* ``"equilibrium"`` — solids stay and may redissolve.

Steps are adaptive: at most ``max_step`` of the initial water and at most ``max_concentration``
relative concentration per step; when a solid first appears the step is bisected until its
appearance is located to ``locate_tolerance`` in water removed; a step the backend cannot solve
is retried with half the step before the path stops with the backend's message. Every state is
checked by the backend against the database's validity range; a path that leaves it stops there
with the reason instead of returning extrapolated numbers.

Element bookkeeping is exact: amounts are tracked in mol per kg of *initial* water, and each
step's solids come from the equilibrium result, so liquid + all solids = initial amounts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.chemistry.brine import DENSITY_RANGE, Brine, require_brine
from brineworks.chemistry.ions import atomic_weights
from brineworks.chemistry.results import Equilibrium
from brineworks.constants import BRINE_ELEMENTS
from brineworks.data import read_rows
from brineworks.errors import BrineworksError, ChemistryError, InputError

__all__ = [
    "EvaporationPath",
    "EvaporationStep",
    "StopCondition",
    "candidate_phases",
    "evaporate",
    "parse_stop",
    "suppressed_phases",
]

Mode = Literal["fractional", "equilibrium"]


@dataclass(frozen=True)
class StopCondition:
    """When an evaporation path stops (besides leaving the model's range).

    Attributes
    ----------
    kind
        ``"water"`` (fraction of the initial water removed), ``"phase"`` (first appearance of
        a solid), ``"density"`` (solution density reached) [kg/m³], ``"concentration"``
        (an element's concentration reached) [g/L], or ``"end"`` (the last state the model can
        represent).
    value
        Threshold for ``water``, ``density`` and ``concentration``.
    target
        Phase name for ``phase``; element for ``concentration``.
    """

    kind: Literal["water", "phase", "density", "concentration", "end"]
    value: float = math.nan
    target: str = ""

    def __post_init__(self) -> None:
        kinds = ("water", "phase", "density", "concentration", "end")
        if self.kind not in kinds:
            raise InputError("until", self.kind, "one of " + ", ".join(kinds))
        value = self.value
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if self.kind == "water" and not (number and 0 < value < 1):
            raise InputError("until", f"water:{value}", "a fraction of the water, 0 < F < 1")
        if self.kind == "density":
            lo, hi = DENSITY_RANGE
            if not (number and lo < value <= hi):
                raise InputError(
                    "until",
                    f"density:{value / 1000 if number else value} g/cm³",
                    f"a density above {lo / 1000:g} and at most {hi / 1000:g} g/cm³",
                )
        if self.kind == "phase" and not (isinstance(self.target, str) and self.target.strip()):
            raise InputError("until", f"phase:{self.target}", "phase:NAME, e.g. phase:Halite")
        if self.kind == "concentration":
            if self.target not in BRINE_ELEMENTS:
                raise InputError(
                    "until",
                    f"conc:{self.target}",
                    "conc:ELEMENT:G_L with an element of "
                    + ", ".join(BRINE_ELEMENTS)
                    + " (concentrations are of elements: S for sulfate, C for carbonate)",
                )
            if not (number and math.isfinite(value) and value > 0):
                raise InputError("until", f"conc:{self.target}:{value}", "a concentration > 0 g/L")

    def describe(self) -> str:
        """Human-readable form."""
        if self.kind == "water":
            return f"{100 * self.value:g} % of the water removed"
        if self.kind == "phase":
            return f"{self.target} saturation"
        if self.kind == "density":
            return f"density {self.value / 1000:g} g/cm³"
        if self.kind == "concentration":
            return f"{self.target} at {self.value:g} g/L"
        return "the last representable state"


def parse_stop(text: str) -> StopCondition:
    """Parse the CLI form of a stop condition.

    ``water:0.95`` · ``phase:Bischofite`` · ``density:1.35`` (g/cm³) · ``conc:Li:6`` (g/L) · ``end``

    Raises
    ------
    InputError
        For any other form.
    """
    allowed = "water:F (0-1), phase:NAME, density:G_CM3, conc:ELEMENT:G_L, or end"
    if not isinstance(text, str):
        raise InputError("--until", text, allowed)
    parts = [p.strip() for p in text.strip().split(":")]
    number: float | None = None
    if parts[0] in ("water", "density") and len(parts) == 2:
        number = _finite(parts[1], text, allowed)
    if parts[0] in ("conc", "concentration") and len(parts) == 3:
        number = _finite(parts[2], text, allowed)
    if parts == ["end"]:
        return StopCondition("end")
    if parts[0] == "water" and number is not None:
        if not 0 < number < 1:
            raise InputError("--until", text, allowed)
        return StopCondition("water", number)
    if parts[0] == "phase" and len(parts) == 2 and parts[1]:
        return StopCondition("phase", target=parts[1])
    if parts[0] == "density" and number is not None:
        lo, hi = DENSITY_RANGE
        if not lo / 1000 < number <= hi / 1000:
            raise InputError(
                "--until", text, f"density:G_CM3 above {lo / 1000:g} and at most {hi / 1000:g}"
            )
        return StopCondition("density", number * 1000.0)
    if parts[0] in ("conc", "concentration") and number is not None:
        element = parts[1]
        if element not in BRINE_ELEMENTS:
            raise InputError(
                "--until",
                text,
                "conc:ELEMENT:G_L with an element of " + ", ".join(BRINE_ELEMENTS)
                + " (concentrations are of elements: S for sulfate, C for carbonate)",
            )  # fmt: skip
        if not number > 0:
            raise InputError("--until", text, "conc:ELEMENT:G_L with a concentration > 0 g/L")
        return StopCondition("concentration", number, element)
    raise InputError("--until", text, allowed)


def _finite(text: str, whole: str, allowed: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise InputError("--until", whole, allowed) from None
    if not math.isfinite(number):
        raise InputError("--until", whole, allowed + " (a finite number)")
    return number


@dataclass(frozen=True)
class EvaporationStep:
    """The state after one step of an evaporation path.

    Amounts are per kg of the brine's *initial* water.

    Attributes
    ----------
    water_removed
        Fraction of the initial water evaporated (solids' hydrate water not included). [-]
    mass_water
        Water left in solution. [kg per kg initial water]
    molality
        Element molalities of the liquid. [mol/kg H2O]
    concentration
        Element concentrations of the liquid. [g/L]
    density
        Liquid density. [kg/m³]
    water_activity, ionic_strength, pH
        As in :class:`Speciation`.
    solids_step
        Solids precipitated in this step (negative: redissolved, equilibrium mode). [mol]
    solids_cumulative
        Solids precipitated since the start. [mol]
    solids_present
        Solids in contact with the liquid (equilibrium mode) or formed in this step. [mol]
    liquid
        Element amounts in the liquid. [mol]
    saturation_index
        Saturation indices of the candidate solids. [-]
    """

    water_removed: float
    mass_water: float
    molality: dict[str, float]
    concentration: dict[str, float]
    density: float
    water_activity: float
    ionic_strength: float
    pH: float
    solids_step: dict[str, float]
    solids_cumulative: dict[str, float]
    solids_present: dict[str, float]
    liquid: dict[str, float]
    saturation_index: dict[str, float]
    molar_mass: dict[str, float] = field(default_factory=dict, repr=False)

    @property
    def solids_step_mass(self) -> dict[str, float]:
        """Solids precipitated in this step. [kg per kg initial water]"""
        return {p: n * self.molar_mass[p] for p, n in self.solids_step.items()}

    @property
    def solids_cumulative_mass(self) -> dict[str, float]:
        """Solids precipitated since the start. [kg per kg initial water]"""
        return {p: n * self.molar_mass[p] for p, n in self.solids_cumulative.items()}

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by ``brineworks evaporate --json``."""
        return {
            "water_removed_fraction": self.water_removed,
            "mass_water_kg": self.mass_water,
            "molality": dict(self.molality),
            "concentration_g_L": dict(self.concentration),
            "density_kg_m3": self.density,
            "water_activity": self.water_activity,
            "ionic_strength": self.ionic_strength,
            "pH": self.pH,
            "solids_step_mol": {k: v for k, v in self.solids_step.items() if v != 0.0},
            "solids_cumulative_mol": {k: v for k, v in self.solids_cumulative.items() if v > 0.0},
            "solids_step_kg": {k: v for k, v in self.solids_step_mass.items() if v != 0.0},
            "solids_cumulative_kg": {
                k: v for k, v in self.solids_cumulative_mass.items() if v > 0.0
            },
        }


@dataclass(frozen=True)
class EvaporationPath:
    """An evaporation path and why it stopped.

    Attributes
    ----------
    brine
        The starting brine.
    mode
        ``"fractional"`` or ``"equilibrium"``.
    candidates
        Solids allowed to form.
    steps
        States, the first being the starting brine (after any initial precipitation).
    stop_reason
        Why the path ended, in words.
    appearance
        Water-removed fraction at which each solid first precipitated. [-]
    initial
        Element amounts at the start. [mol per kg initial water]
    phase_formulas
        Elemental formula of each candidate solid.
    """

    brine: Brine
    mode: Mode
    candidates: tuple[str, ...]
    steps: tuple[EvaporationStep, ...]
    stop_reason: str
    appearance: dict[str, float]
    initial: dict[str, float]
    phase_formulas: dict[str, dict[str, float]] = field(repr=False)
    until: StopCondition = field(default_factory=lambda: StopCondition("end"))

    @property
    def reached(self) -> bool:
        """Whether the path met its stop condition (always, for ``end``)."""
        return self.until.kind == "end" or self.stop_reason.startswith("reached")

    def require_reached(self, field_name: str = "until") -> None:
        """Raise unless the path met its stop condition.

        Raises
        ------
        InputError
            Naming the condition, where the path stopped instead, and why.
        """
        if self.reached:
            return
        f = self.final
        raise InputError(
            field_name,
            self.until.describe(),
            f"a condition {self.brine.name} reaches: its path stopped after "
            f"{100 * f.water_removed:.2f} % of the water, at {f.density / 1000:.4g} g/cm³ "
            f"({self.stop_reason})",
        )

    @property
    def final(self) -> EvaporationStep:
        """The last state."""
        return self.steps[-1]

    def solids_total(self) -> dict[str, float]:
        """All solids precipitated over the path (present at the end in equilibrium mode). [mol]"""
        if self.mode == "equilibrium":
            return {k: v for k, v in self.final.solids_present.items() if v > 0}
        return {k: v for k, v in self.final.solids_cumulative.items() if v > 0}

    @property
    def molar_masses(self) -> dict[str, float]:
        """Molar mass of each candidate solid. [kg/mol]"""
        return _molar_masses(self.phase_formulas)

    def solids_mass(self) -> dict[str, float]:
        """Mass of each solid precipitated over the path. [kg per kg initial water]"""
        masses = self.molar_masses
        return {p: n * masses[p] for p, n in self.solids_total().items()}

    def element_distribution(self) -> dict[str, dict[str, float]]:
        """Share of each element's initial amount in the final liquid and in each solid. [-]"""
        out: dict[str, dict[str, float]] = {}
        solids = self.solids_total()
        for el, n0 in self.initial.items():
            if n0 <= 0:
                continue
            shares = {"liquid": self.final.liquid.get(el, 0.0) / n0}
            for p, n in solids.items():
                c = self.phase_formulas[p].get(el, 0.0)
                if c:
                    shares[p] = n * c / n0
            out[el] = shares
        return out

    def balance_error(self) -> dict[str, float]:
        """Relative closure of each element (liquid + solids − initial)/initial. [-]"""
        solids = self.solids_total()
        out = {}
        for el, n0 in self.initial.items():
            if n0 <= 0:
                continue
            held = self.final.liquid.get(el, 0.0) + sum(
                n * self.phase_formulas[p].get(el, 0.0) for p, n in solids.items()
            )
            out[el] = (held - n0) / n0
        return out

    def to_dataframe(self) -> Any:
        """One row per step: water removed, density, a_w, molality_*, g_L_*, solid columns."""
        import pandas as pd

        rows = []
        for s in self.steps:
            row: dict[str, float] = {
                "water_removed": s.water_removed,
                "mass_water_kg": s.mass_water,
                "density_kg_m3": s.density,
                "water_activity": s.water_activity,
                "ionic_strength": s.ionic_strength,
                "pH": s.pH,
            }
            row.update({f"molality_{k}": v for k, v in s.molality.items()})
            row.update({f"g_L_{k}": v for k, v in s.concentration.items()})
            row.update({f"step_mol_{k}": v for k, v in s.solids_step.items()})
            row.update({f"cumulative_mol_{k}": v for k, v in s.solids_cumulative.items()})
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by ``brineworks evaporate --json``."""
        return {
            "brine": self.brine.name,
            "temperature_c": self.brine.temperature_c,
            "mode": self.mode,
            "candidates": list(self.candidates),
            "steps": [s.to_dict() for s in self.steps],
            "appearance_water_removed": dict(self.appearance),
            "stop_reason": self.stop_reason,
            "reached": self.reached,
        }


def suppressed_phases() -> dict[str, str]:
    """Solids left out of the default candidates, with why (``thermo/suppressed_phases.csv``)."""
    rows = read_rows("thermo", "suppressed_phases.csv")
    return {r["phase"]: r["reason"] for r in rows}


def candidate_phases(
    brine: Brine, backend: ThermoBackend, extra_elements: Iterable[str] = ()
) -> tuple[str, ...]:
    """Every solid of the database made of the brine's elements (plus H, O and
    ``extra_elements``, e.g. those of an added reagent), except the kinetically inhibited or
    misbehaving ones listed in :func:`suppressed_phases`."""
    elements = set(brine.element_molality()) | {"H", "O"} | set(extra_elements)
    skip = suppressed_phases()
    out = []
    for p in backend.phases:
        if p in skip:
            continue
        try:
            formula = backend.phase_formula(p)
        except BrineworksError:
            continue
        if set(formula) <= elements:
            out.append(p)
    return tuple(out)


def evaporate(
    brine: Brine,
    *,
    backend: ThermoBackend | None = None,
    mode: Mode = "fractional",
    phases: Sequence[str] | None = None,
    until: StopCondition | None = None,
    max_water_removed: float = 0.9995,
    max_step: float = 0.05,
    max_concentration: float = 0.15,
    locate_tolerance: float = 1e-3,
    min_step: float = 1e-4,
) -> EvaporationPath:
    """Evaporate a brine isothermally.

    Parameters
    ----------
    brine
        Starting brine (its temperature is the evaporation temperature).
    backend
        Thermodynamic backend (default PHREEQC).
    mode
        ``"fractional"`` (solids removed each step) or ``"equilibrium"``.
    phases
        Candidate solids; default every solid of the database made of the brine's elements.
    until
        Stop condition; default :class:`StopCondition` ``("end")``.
    max_water_removed
        Never remove more than this fraction of the initial water. [-]
    max_step
        Largest step, as a fraction of the initial water, 0.001 to 0.5. [-]
    max_concentration
        Largest relative rise of concentration in one step (limits the step near the end),
        0.001 to 1. [-]
    locate_tolerance
        Precision with which a solid's first appearance is located, in water removed, 1e-9 to
        0.1. [-]
    min_step
        Smallest step tried before a failing step stops the path, 1e-9 to ``max_step``. [-]

    Returns
    -------
    EvaporationPath
        The states and the reason the path stopped.

    Raises
    ------
    InputError
        For something other than a brine, an unknown mode or phase, a bad step setting, or a
        stop condition the path cannot meet as asked: an element the brine lacks, more water
        than ``max_water_removed``, or a density or concentration at or below the brine's own
        (checked on the starting state, before any step). A condition that is valid but not met
        before the path ends is not an error here: see :attr:`EvaporationPath.reached` and
        :meth:`EvaporationPath.require_reached`.
    """
    brine = require_brine(brine)
    be = backend if backend is not None else get_backend()
    if mode not in ("fractional", "equilibrium"):
        raise InputError("mode", mode, "'fractional' or 'equilibrium'")
    _check_fraction("max_step", max_step, _SMALLEST_LIMIT, 0.5, low_closed=True)
    _check_fraction("max_water_removed", max_water_removed, 0.0, 1.0, closed=False)
    _check_fraction("max_concentration", max_concentration, _SMALLEST_LIMIT, 1.0, low_closed=True)
    _check_fraction("locate_tolerance", locate_tolerance, _SMALLEST_STEP, 0.1, low_closed=True)
    _check_fraction("min_step", min_step, _SMALLEST_STEP, max_step, low_closed=True)
    if isinstance(until, str):
        until = parse_stop(until)
    if until is not None and not isinstance(until, StopCondition):
        raise InputError("until", until, "a StopCondition or its text form, e.g. 'phase:Halite'")
    stop = until if until is not None else StopCondition("end")
    if isinstance(phases, str) or (
        phases is not None and not all(isinstance(p, str) for p in phases)
    ):
        raise InputError("phases", phases, "a list of phase names, e.g. ['Halite', 'Sylvite']")
    cands = tuple(phases) if phases is not None else candidate_phases(brine, be)
    formulas = {p: be.phase_formula(p) for p in cands}
    if stop.kind == "phase" and stop.target not in formulas:
        raise InputError("until", stop.target, "one of the candidate solids: " + ", ".join(cands))
    if stop.kind == "concentration" and stop.target not in brine.element_molality():
        raise InputError(
            "until",
            stop.describe(),
            "an element of the brine: " + ", ".join(brine.element_molality()),
        )
    if stop.kind == "water" and stop.value > max_water_removed:
        raise InputError(
            "until",
            stop.describe(),
            f"at most {100 * max_water_removed:g} % of the water (max_water_removed)",
        )

    brine = _neutral_start(brine)
    initial = dict(brine.element_molality())
    state = _PathState(
        initial=initial, liquid=dict(initial), water=1.0, removed=0.0,
        present=dict.fromkeys(cands, 0.0), cumulative=dict.fromkeys(cands, 0.0),
    )  # fmt: skip
    appearance: dict[str, float] = {}
    steps: list[EvaporationStep] = []
    molar_masses = _molar_masses(formulas)

    def solve(dw: float) -> tuple[Equilibrium, float]:
        """Equilibrium after evaporating ``dw`` more kg of water from the current liquid."""
        water = state.water - dw
        name = f"{brine.name} ({100 * (state.removed + dw):.3f} % evaporated)"
        b = Brine.from_element_amounts(state.liquid, water, brine.temperature, name)
        if mode == "equilibrium":
            amounts = {p: state.present[p] / water for p in cands}
        else:
            amounts = dict.fromkeys(cands, 0.0)
        return be.equilibrate(b, amounts), water

    def new_phases(eq: Equilibrium) -> set[str]:
        return {p for p in cands if eq.solids.get(p, 0.0) > 1e-12 and p not in appearance}

    def commit(dw: float, eq: Equilibrium, water: float) -> None:
        s = eq.solution
        w_final = s.mass_water * water  # hydrate water leaves with the solids
        solids_now = {p: eq.solids.get(p, 0.0) * water for p in cands}
        if mode == "equilibrium":
            step_solids = {p: solids_now[p] - state.present[p] for p in cands}
            state.present = solids_now
            for p in cands:
                state.cumulative[p] = max(state.cumulative[p], solids_now[p])
        else:
            step_solids = solids_now
            for p in cands:
                state.cumulative[p] += solids_now[p]
        state.removed += dw
        for p in cands:
            if solids_now[p] > 1e-12 and p not in appearance:
                appearance[p] = state.removed
        state.liquid = {el: s.molality.get(el, 0.0) * w_final for el in initial}
        state.water = w_final
        weights = atomic_weights()
        liquid_brine = Brine.from_element_amounts(state.liquid, w_final, brine.temperature)
        solution_kg = w_final * (1.0 + liquid_brine.dissolved_mass())
        volume_l = solution_kg / s.density * 1000.0
        steps.append(
            EvaporationStep(
                water_removed=state.removed,
                mass_water=w_final,
                molality={el: s.molality.get(el, 0.0) for el in initial},
                concentration={el: n * weights[el] / volume_l for el, n in state.liquid.items()},
                density=s.density,
                water_activity=s.water_activity,
                ionic_strength=s.ionic_strength,
                pH=s.pH,
                solids_step=step_solids,
                solids_cumulative=dict(state.cumulative),
                solids_present=solids_now,
                liquid=dict(state.liquid),
                saturation_index={
                    p: s.saturation_index[p] for p in cands if p in s.saturation_index
                },
                molar_mass=molar_masses,
            )
        )

    # State 0: the brine itself at equilibrium (it may already be supersaturated).
    try:
        eq0, w0 = solve(0.0)
    except BrineworksError as exc:
        raise ChemistryError(
            f"the starting brine {brine.name!r} cannot be equilibrated: {exc}"
        ) from exc
    commit(0.0, eq0, w0)
    _check_not_reached_at_start(stop, steps[0], brine.name)

    stop_reason = ""
    while True:
        if _stop_reached(stop, steps[-1], appearance):
            stop_reason = f"reached {stop.describe()}"
            break
        room = max_water_removed - state.removed
        if room <= 1e-12:
            stop_reason = f"{100 * max_water_removed:g} % of the water removed (max_water_removed)"
            break
        step = min(max_step, max_concentration * state.water, room)
        if stop.kind == "water":
            step = min(step, stop.value - state.removed)
        if step < min_step:
            stop_reason = (
                f"the liquid is nearly dry: {state.water:.3g} kg of water left "
                "per kg of initial water"
            )
            break
        last_error = ""
        result: tuple[Equilibrium, float] | None = None
        while step >= min_step:
            try:
                result = solve(step)
                break
            except BrineworksError as exc:  # ValidityError or non-convergence: halve the step
                last_error = str(exc)
                step /= 2.0
        if result is None:
            stop_reason = (
                f"stopped after {100 * state.removed:.2f} % of the water removed: the next step "
                f"cannot be represented ({last_error})"
            )
            break
        if new_phases(result[0]) and step > locate_tolerance:
            # Bracket the first appearance of a new solid within locate_tolerance and keep
            # both ends of the bracket in the path.
            lo, hi = 0.0, step
            lo_result: tuple[Equilibrium, float] | None = None
            while hi - lo > locate_tolerance:
                mid = 0.5 * (lo + hi)
                try:
                    trial = solve(mid)
                except BrineworksError:
                    break
                if new_phases(trial[0]):
                    hi, result = mid, trial
                else:
                    lo, lo_result = mid, trial
            if lo_result is not None:
                commit(lo, *lo_result)
                try:
                    result = solve(hi - lo)
                except BrineworksError as exc:
                    stop_reason = (
                        f"stopped after {100 * state.removed:.2f} % of the water removed: the "
                        f"next step cannot be represented ({exc})"
                    )
                    break
            step = hi - lo
        commit(step, *result)
    return EvaporationPath(
        brine=brine,
        mode=mode,
        candidates=cands,
        steps=tuple(steps),
        stop_reason=stop_reason,
        appearance=appearance,
        initial=initial,
        phase_formulas=formulas,
        until=stop,
    )


_SMALLEST_STEP = 1e-9
"""Smallest ``min_step`` and ``locate_tolerance`` accepted (a step of zero never ends). [-]"""

_SMALLEST_LIMIT = 1e-3
"""Smallest ``max_step`` and ``max_concentration`` accepted: a path then takes at most some
thousands of steps. [-]"""


def _check_fraction(
    name: str,
    value: object,
    low: float,
    high: float,
    *,
    closed: bool = True,
    low_closed: bool = False,
) -> None:
    """``value`` a finite number in (low, high] (``[low`` with ``low_closed``, ``high)``
    without ``closed``)."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        assert isinstance(value, int | float)
        ok = (value >= low if low_closed else value > low) and (
            value <= high if closed else value < high
        )
    if not ok:
        left = "[" if low_closed else "("
        right = "]" if closed else ")"
        raise InputError(name, value, f"a number in {left}{low:g}, {high:g}{right}")


def _check_not_reached_at_start(stop: StopCondition, start: EvaporationStep, name: str) -> None:
    """A density or concentration target at or below the brine's own is not a path: refused
    rather than "reached" at 0 % evaporated."""
    if stop.kind == "density" and start.density >= stop.value:
        raise InputError(
            "until",
            stop.describe(),
            f"a density above that of {name} at the start ({start.density / 1000:.4g} g/cm³)",
        )
    if stop.kind == "concentration":
        c0 = start.concentration.get(stop.target, 0.0)
        if c0 >= stop.value:
            raise InputError(
                "until",
                stop.describe(),
                f"a {stop.target} concentration above that of {name} at the start ({c0:.4g} g/L)",
            )


def _neutral_start(brine: Brine) -> Brine:
    """The starting brine, electroneutral and without a pH.

    Every state of a path is rebuilt from its element amounts with the neutral-salt pH
    convention, so the start must be neutral too, or the balancing done for the pH would
    silently change its composition. A balanced copy (on the dominant anion) is used instead,
    and its notes say so.
    """
    start = brine
    if brine.pH is not None:
        start = replace(start, pH=None, notes=(*start.notes, "measured pH not used: evaporation "
                        "follows the neutral-salt convention"))  # fmt: skip
    return start.neutralised()


def _molar_masses(formulas: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Molar mass of each phase from its formula. [kg/mol]"""
    w = atomic_weights()
    return {p: sum(w[el] * c for el, c in f.items()) / 1000.0 for p, f in formulas.items()}


@dataclass
class _PathState:
    """Mutable bookkeeping of a path, per kg of initial water."""

    initial: dict[str, float]
    liquid: dict[str, float]  # element amounts in solution [mol]
    water: float  # water in solution [kg]
    removed: float  # water evaporated so far [kg] = fraction of the initial water
    present: dict[str, float]  # solids in contact (equilibrium mode) [mol]
    cumulative: dict[str, float]  # solids formed so far [mol]


def _stop_reached(
    stop: StopCondition, state: EvaporationStep, appearance: Mapping[str, float]
) -> bool:
    if stop.kind == "water":
        return state.water_removed >= stop.value - 1e-12
    if stop.kind == "phase":
        return stop.target in appearance
    if stop.kind == "density":
        return state.density >= stop.value
    if stop.kind == "concentration":
        return state.concentration.get(stop.target, 0.0) >= stop.value
    return False
