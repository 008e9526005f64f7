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

import contextlib
import math
import weakref
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
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
    "clear_path_cache",
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
    full: bool = True,
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
    full
        Every state of the path (the default). ``False``, in equilibrium mode with a ``water``,
        ``concentration`` or ``density`` stop, for a caller that needs only where the path
        ends (a crystalliser): the path jumps from the start to a state reached by full steps
        and goes on step by step from there, ending where the full path ends (see
        :func:`_skip_full_steps`); the states in between are left out.

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
    limits = _StepLimits(max_water_removed, max_step, max_concentration, locate_tolerance, min_step)
    stop = _stop_condition(until)
    cands = _candidates(brine, be, phases)
    key = (_brine_key(brine), mode, cands, stop, limits, full)
    known = _PATHS.get(be, key)
    if known is not None:
        return known
    formulas = {p: be.phase_formula(p) for p in cands}
    _check_stop(stop, brine, formulas, max_water_removed)
    path = _Path.begin(_neutral_start(brine), be, mode, cands, formulas)
    _check_not_reached_at_start(stop, path.steps[0], brine.name)
    if not full and mode == "equilibrium" and stop.kind in ("water", "concentration", "density"):
        _skip_full_steps(path, stop, limits)
    stop_reason = _walk(path, stop, limits)
    result = path.result(stop_reason, stop)
    _PATHS.put(be, key, result)
    return result


class _PathCache:
    """The last few paths of each backend, by their exact inputs: a path is a pure function of
    its brine, settings and backend, so the same pond train in a scenario and its baseline is
    evaporated once. Paths are immutable; the backend is held weakly."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._paths: weakref.WeakKeyDictionary[
            ThermoBackend, OrderedDict[Hashable, EvaporationPath]
        ] = weakref.WeakKeyDictionary()

    def get(self, backend: ThermoBackend, key: Hashable) -> EvaporationPath | None:
        """The path for ``key``, if kept."""
        paths = self._paths.get(backend)
        if paths is None or key not in paths:
            return None
        paths.move_to_end(key)
        return paths[key]

    def put(self, backend: ThermoBackend, key: Hashable, path: EvaporationPath) -> None:
        """Keep ``path`` (dropping the least recently used beyond the size)."""
        paths = self._paths.setdefault(backend, OrderedDict())
        paths[key] = path
        while len(paths) > self.size:
            paths.popitem(last=False)

    def clear(self) -> None:
        """Forget every path."""
        self._paths.clear()


_PATHS = _PathCache(16)


def clear_path_cache() -> None:
    """Forget the evaporation paths kept for reuse (:func:`evaporate` keeps the last 16 of
    each backend, by their exact inputs): for timings of a first solve."""
    _PATHS.clear()


def _brine_key(brine: Brine) -> Hashable:
    """Every field of a brine, exactly, as a hashable key."""
    return tuple(
        (f.name, tuple(sorted(v.items())) if isinstance(v, Mapping) else v)
        for f in fields(brine)
        for v in (getattr(brine, f.name),)
    )


def _stop_condition(until: StopCondition | str | None) -> StopCondition:
    """The stop condition asked for (its text form parsed; ``end`` by default)."""
    if isinstance(until, str):
        until = parse_stop(until)
    if until is not None and not isinstance(until, StopCondition):
        raise InputError("until", until, "a StopCondition or its text form, e.g. 'phase:Halite'")
    return until if until is not None else StopCondition("end")


def _candidates(
    brine: Brine, backend: ThermoBackend, phases: Sequence[str] | None
) -> tuple[str, ...]:
    """The candidate solids: those asked for (checked to be names), or the defaults."""
    if isinstance(phases, str) or (
        phases is not None and not all(isinstance(p, str) for p in phases)
    ):
        raise InputError("phases", phases, "a list of phase names, e.g. ['Halite', 'Sylvite']")
    return tuple(phases) if phases is not None else candidate_phases(brine, backend)


def _check_stop(
    stop: StopCondition,
    brine: Brine,
    formulas: Mapping[str, Mapping[str, float]],
    max_water_removed: float,
) -> None:
    """A stop condition the path can meet as asked: a candidate solid, an element of the
    brine, no more water than ``max_water_removed``."""
    if stop.kind == "phase" and stop.target not in formulas:
        raise InputError(
            "until", stop.target, "one of the candidate solids: " + ", ".join(formulas)
        )
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


@dataclass(frozen=True)
class _StepLimits:
    """The step settings of :func:`evaporate`, checked."""

    max_water_removed: float
    max_step: float
    max_concentration: float
    locate_tolerance: float
    min_step: float

    def __post_init__(self) -> None:
        _check_fraction("max_step", self.max_step, _SMALLEST_LIMIT, 0.5, low_closed=True)
        _check_fraction("max_water_removed", self.max_water_removed, 0.0, 1.0, closed=False)
        _check_fraction(
            "max_concentration", self.max_concentration, _SMALLEST_LIMIT, 1.0, low_closed=True
        )
        _check_fraction(
            "locate_tolerance", self.locate_tolerance, _SMALLEST_STEP, 0.1, low_closed=True
        )
        _check_fraction("min_step", self.min_step, _SMALLEST_STEP, self.max_step, low_closed=True)


_Trial = tuple[Equilibrium, float]
"""An equilibrium after a trial step, and the water left in solution. [kg per kg initial]"""


@dataclass
class _Path:
    """A path being built: its bookkeeping per kg of initial water, the states committed so
    far and the solids' first appearances."""

    brine: Brine
    backend: ThermoBackend
    mode: Mode
    candidates: tuple[str, ...]
    formulas: dict[str, dict[str, float]]
    state: _PathState
    appearance: dict[str, float] = field(default_factory=dict)
    steps: list[EvaporationStep] = field(default_factory=list)

    @classmethod
    def begin(
        cls,
        brine: Brine,
        backend: ThermoBackend,
        mode: Mode,
        candidates: tuple[str, ...],
        formulas: dict[str, dict[str, float]],
    ) -> _Path:
        """A path whose first state is the brine itself at equilibrium (it may already be
        supersaturated).

        Raises
        ------
        ChemistryError
            If the starting brine cannot be equilibrated.
        """
        initial = dict(brine.element_molality())
        state = _PathState(
            initial=initial, liquid=dict(initial), water=1.0, removed=0.0,
            present=dict.fromkeys(candidates, 0.0), cumulative=dict.fromkeys(candidates, 0.0),
        )  # fmt: skip
        path = cls(brine, backend, mode, candidates, formulas, state)
        try:
            first = path.solve(0.0)
        except BrineworksError as exc:
            raise ChemistryError(
                f"the starting brine {brine.name!r} cannot be equilibrated: {exc}"
            ) from exc
        path.commit(0.0, *first)
        return path

    @property
    def molar_masses(self) -> dict[str, float]:
        """Molar mass of each candidate solid. [kg/mol]"""
        return _molar_masses(self.formulas)

    def solve(self, dw: float) -> _Trial:
        """Equilibrium after evaporating ``dw`` more kg of water from the current liquid (with
        the solids present, in equilibrium mode)."""
        state = self.state
        water = state.water - dw
        name = f"{self.brine.name} ({100 * (state.removed + dw):.3f} % evaporated)"
        b = Brine.from_element_amounts(state.liquid, water, self.brine.temperature, name)
        if self.mode == "equilibrium":
            amounts = {p: state.present[p] / water for p in self.candidates}
        else:
            amounts = dict.fromkeys(self.candidates, 0.0)
        return self.backend.equilibrate(b, amounts), water

    def new_phases(self, eq: Equilibrium) -> set[str]:
        """Solids present in ``eq`` that have not appeared on the path before."""
        return {
            p for p in self.candidates if eq.solids.get(p, 0.0) > 1e-12 and p not in self.appearance
        }

    def commit(self, dw: float, eq: Equilibrium, water: float) -> None:
        """Make ``eq`` (after evaporating ``dw`` more) the path's next state: solids formed
        (removed from contact in fractional mode), first appearances, the liquid left."""
        state, cands = self.state, self.candidates
        s = eq.solution
        w_final = s.mass_water * water  # hydrate water leaves with the solids
        solids_now = {p: eq.solids.get(p, 0.0) * water for p in cands}
        if self.mode == "equilibrium":
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
            if solids_now[p] > 1e-12 and p not in self.appearance:
                self.appearance[p] = state.removed
        initial = state.initial
        state.liquid = {el: s.molality.get(el, 0.0) * w_final for el in initial}
        state.water = w_final
        weights = atomic_weights()
        liquid_brine = Brine.from_element_amounts(state.liquid, w_final, self.brine.temperature)
        solution_kg = w_final * (1.0 + liquid_brine.dissolved_mass())
        volume_l = solution_kg / s.density * 1000.0
        self.steps.append(
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
                molar_mass=self.molar_masses,
            )
        )

    def result(self, stop_reason: str, stop: StopCondition) -> EvaporationPath:
        """The finished path."""
        return EvaporationPath(
            brine=self.brine,
            mode=self.mode,
            candidates=self.candidates,
            steps=tuple(self.steps),
            stop_reason=stop_reason,
            appearance=self.appearance,
            initial=self.state.initial,
            phase_formulas=self.formulas,
            until=stop,
        )

    def snapshot(self) -> tuple[_PathState, dict[str, float], int]:
        """What :meth:`restore` needs to undo commits."""
        st = self.state
        copy = replace(st, initial=dict(st.initial), liquid=dict(st.liquid),
                       present=dict(st.present), cumulative=dict(st.cumulative))  # fmt: skip
        return copy, dict(self.appearance), len(self.steps)

    def restore(self, snapshot: tuple[_PathState, dict[str, float], int]) -> None:
        """Undo the commits made since ``snapshot``."""
        self.state, self.appearance, n = snapshot
        del self.steps[n:]

    def stopped(self, why: object) -> str:
        """Why the path stops here, when the next step cannot be represented."""
        return (
            f"stopped after {100 * self.state.removed:.2f} % of the water removed: the next "
            f"step cannot be represented ({why})"
        )


def _walk(path: _Path, stop: StopCondition, limits: _StepLimits) -> str:
    """Evaporate step by step until the stop condition or a limit; why the path stopped."""
    while True:
        if _stop_reached(stop, path.steps[-1], path.appearance):
            return f"reached {stop.describe()}"
        step = _next_step(path.state, stop, limits)
        if isinstance(step, str):
            return step
        attempt = _try_step(path, step, limits.min_step)
        if isinstance(attempt, str):
            return attempt
        step, result = attempt
        if path.new_phases(result[0]) and step > limits.locate_tolerance:
            located = _locate_appearance(path, step, result, limits.locate_tolerance)
            if isinstance(located, str):
                return located
            step, result = located
        path.commit(step, *result)


def _skip_full_steps(path: _Path, stop: StopCondition, limits: _StepLimits) -> None:
    """Jump an equilibrium path from its start over the states it reaches by full steps.

    In equilibrium mode the state after removing ``r`` of the water is the equilibrium of the
    same closed system (the start's elements, its water less ``r``) whichever steps led there,
    so it is solved in one step from the start. The path would have reached it by ``k`` full
    steps (of ``max_step``) if, there, the next step is still a full one, the stop condition
    is not met and no solid has appeared that was not present at the start: water in solution,
    the room left and the distance to a water stop only fall along a path, and concentration,
    density and the solids formed only rise, so each check that holds at the ``k``-th state
    holds at every state before it. ``k`` is estimated from the start (where the step limit by
    concentration begins to bind and where a water or concentration stop falls), then one
    less, then halved until the checks hold; the path then goes on step by step as it would
    have. Nothing is skipped where no ``k`` of two or more passes.
    """
    k = _full_steps_estimate(path.steps[0], stop, limits)
    tries = 0
    while k >= 2:
        tries += 1
        removed = 0.0
        for _ in range(k):  # the sum the steps would have made
            removed += limits.max_step
        before = path.snapshot()
        try:
            path.commit(removed, *path.solve(removed))
        except BrineworksError:
            path.restore(before)
            k = k - 1 if tries == 1 else k // 2
            continue
        if (
            path.appearance.keys() == before[1].keys()
            and not _stop_reached(stop, path.steps[-1], path.appearance)
            and _next_step(path.state, stop, limits) == limits.max_step
        ):
            return
        path.restore(before)
        k = k - 1 if tries == 1 else k // 2


def _full_steps_estimate(start: EvaporationStep, stop: StopCondition, limits: _StepLimits) -> int:
    """How many full steps a path from ``start`` takes, estimated: until the step limit by
    concentration binds (water left ``max_step``/``max_concentration``), the room
    runs out, or a water or concentration stop is met (concentrations rising as the water
    falls)."""
    water = start.mass_water
    last = min(water - limits.max_step / limits.max_concentration, limits.max_water_removed)
    if stop.kind == "water":
        last = min(last, stop.value)
    if stop.kind == "concentration":
        c0 = start.concentration.get(stop.target, 0.0)
        last = min(last, water * (1.0 - c0 / stop.value))
    return max(int(last / limits.max_step), 0)


def _next_step(state: _PathState, stop: StopCondition, limits: _StepLimits) -> float | str:
    """The next step (water to remove, per kg of initial water), or why there is none."""
    room = limits.max_water_removed - state.removed
    if room <= 1e-12:
        return f"{100 * limits.max_water_removed:g} % of the water removed (max_water_removed)"
    step = min(limits.max_step, limits.max_concentration * state.water, room)
    if stop.kind == "water":
        step = min(step, stop.value - state.removed)
    if step < limits.min_step:
        return (
            f"the liquid is nearly dry: {state.water:.3g} kg of water left per kg of initial water"
        )
    return step


def _try_step(path: _Path, step: float, min_step: float) -> tuple[float, _Trial] | str:
    """The step solved, halved each time the backend cannot solve it (a validity limit or
    non-convergence); why the path stops if it gets below ``min_step``."""
    last_error = ""
    while step >= min_step:
        try:
            return step, path.solve(step)
        except BrineworksError as exc:
            last_error = str(exc)
            step /= 2.0
    return path.stopped(last_error)


def _locate_appearance(
    path: _Path, step: float, result: _Trial, tolerance: float
) -> tuple[float, _Trial] | str:
    """A new solid appears within ``step``: bisect the step until its first appearance is
    bracketed within ``tolerance``, commit the state just before it and return the step to
    the state just after it (or why the path stops).

    The bisection's decisions (is a new solid present after removing ``x``?) are monotone in
    ``x``, so each one follows from any trial already made beyond or short of ``x``. The
    bracket the bisection would reach is predicted first (each solid's saturation index
    extrapolated to zero from the two most evaporated states or trials without it, linearly
    in the logarithm of the water left) and its two ends tried, up to three times, each
    prediction from the trials before it: once the ends are on either side of the appearance,
    the bisection needs no other trial and ends where it would have ended, with the same
    trials (the path is the one plain bisection draws); where the predictions miss, the
    bisection goes on with what their trials told.
    """
    trials = _Trials(path, step, result)
    tried: set[tuple[float, float]] = set()
    for _ in range(_PREDICTIONS):
        guess = _predicted_appearance(path, trials, step)
        if guess is None:
            break
        bracket = _bisection_bracket(step, tolerance, guess)
        if bracket in tried:
            break
        tried.add(bracket)
        for x in bracket:
            if 0.0 < x < step:
                trials.probe(x)
        if trials.decides(*bracket):
            break
    lo, hi = 0.0, step
    while hi - lo > tolerance:
        mid = 0.5 * (lo + hi)
        try:
            appears = trials.appears(mid)
        except BrineworksError:
            break
        if appears:
            hi = mid
        else:
            lo = mid
    try:
        result = trials.get(hi)
        lo_result = trials.get(lo) if lo > 0.0 else None
    except BrineworksError as exc:  # pragma: no cover - a trial that failed only once
        return path.stopped(exc)
    if lo_result is None:
        return hi, result
    path.commit(lo, *lo_result)
    try:
        return hi - lo, path.solve(hi - lo)
    except BrineworksError as exc:
        return path.stopped(exc)


class _Trials:
    """Trial steps from the current state of a path (by water removed), and the bisection's
    decision at any step inferred from them where they decide it (monotonicity)."""

    def __init__(self, path: _Path, step: float, result: _Trial) -> None:
        self.path = path
        self.done: dict[float, _Trial] = {step: result}

    def probe(self, x: float) -> None:
        """Try ``x`` (a failure tells nothing: it is tried again if the bisection needs it)."""
        with contextlib.suppress(BrineworksError):
            self.get(x)

    def with_new(self) -> list[tuple[float, dict[str, float]]]:
        """(water removed, amount of each new solid [mol per kg initial water]) of each trial
        with new solids, least evaporated first."""
        out = []
        for x, (eq, water) in sorted(self.done.items()):
            new = self.path.new_phases(eq)
            if new:
                out.append((x, {p: eq.solids[p] * water for p in new}))
        return out

    def without_new(self) -> list[tuple[float, dict[str, float]]]:
        """(log of the water in solution, saturation indices) of each trial without a new
        solid."""
        return [
            (math.log(eq.solution.mass_water * water), eq.solution.saturation_index)
            for eq, water in self.done.values()
            if not self.path.new_phases(eq)
        ]

    def decides(self, lo: float, hi: float) -> bool:
        """Whether the trials show no new solid at ``lo`` (or it is 0) and one at ``hi``."""
        no = lo == 0.0 or (lo in self.done and not self.path.new_phases(self.done[lo][0]))
        return no and hi in self.done and bool(self.path.new_phases(self.done[hi][0]))

    def get(self, x: float) -> _Trial:
        """The trial at ``x``, solved if not yet tried."""
        if x not in self.done:
            self.done[x] = self.path.solve(x)
        return self.done[x]

    def appears(self, x: float) -> bool:
        """Whether a new solid is present after removing ``x``: from a trial short of ``x``
        that has one, or one beyond ``x`` that has none; else tried."""
        if x not in self.done:
            new = {y: bool(self.path.new_phases(t[0])) for y, t in self.done.items()}
            if any(y <= x and n for y, n in new.items()):
                return True
            if any(y >= x and not n for y, n in new.items()):
                return False
        return bool(self.path.new_phases(self.get(x)[0]))


_PREDICTIONS = 3
"""Predictions of an appearance's bracket tried before plain bisection."""


def _predicted_appearance(path: _Path, trials: _Trials, step: float) -> float | None:
    """Where, within ``step``, the first new solid should appear; ``None`` where no estimate
    falls within the step.

    From two trials where new solids are present: each one's amount extrapolated linearly to
    zero. Otherwise from the two most evaporated states or trials where none is: each
    candidate's saturation index extrapolated to zero, linearly in the logarithm of the water
    in solution; from the last state alone (a path's start): a candidate already within 1e-3
    of saturation appears in the first bracket.
    """
    guesses: list[float] = []
    formed = trials.with_new()
    if len(formed) >= 2:
        (x1, n1), (x2, n2) = formed[:2]
        guesses = [x1 - n1[p] * (x2 - x1) / (n2[p] - n1[p])
                   for p in n1 if n2.get(p, 0.0) > n1[p]]  # fmt: skip
    else:
        points = [(math.log(s.mass_water), s.saturation_index) for s in path.steps[-2:]]
        points += trials.without_new()
        points.sort(key=lambda p: p[0])
        new = [p for p in path.candidates if p not in path.appearance]
        if len(points) == 1:
            guesses = [0.0 for p in new if points[0][1].get(p, -1.0) >= -1e-3]
        elif points[0][0] < points[1][0]:
            (u2, si2), (u1, si1) = points[:2]
            for p in new:
                if p in si1 and p in si2 and si1[p] < si2[p] < 0.0:
                    u = u2 - si2[p] * (u2 - u1) / (si2[p] - si1[p])
                    guesses.append(path.state.water - math.exp(u))
    first = min(guesses, default=None)
    return first if first is not None and 0.0 <= first < step else None


def _bisection_bracket(step: float, tolerance: float, at: float) -> tuple[float, float]:
    """The bracket the bisection of (0, ``step``) reaches if the appearance is at ``at``
    (the same midpoints, computed the same way)."""
    lo, hi = 0.0, step
    while hi - lo > tolerance:
        mid = 0.5 * (lo + hi)
        if mid >= at:
            hi = mid
        else:
            lo = mid
    return lo, hi


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
