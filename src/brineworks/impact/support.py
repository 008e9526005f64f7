"""Targeted support: measures assigned to registered households by integer optimisation.

A registry (CSV: ``household_id, village, county, members, income_cny_per_person_yr, workers,
skills, age_head, distance_km, guarantees_ok``) is checked row by row (:func:`read_registry`);
a catalogue of measures (``data/impact/measures.csv`` or the user's file) gives each measure's
cost, capacity, eligibility and income effect. :func:`allocate` then solves, with HiGHS
(``highspy``):

- for every household below the line, its *options*: each set of measures it is eligible for
  (each measure at most once, at most ``max_measures`` together, no more labour measures than
  its workers; a top-up pays the gap left after the other measures), with the income ``a`` it
  adds [CNY/yr] and its cost ``c`` [CNY]; sets that a subset beats (lifting as well at no more
  cost) are dropped;
- a binary ``z[h, o]`` per option, at most one per household; the option *lifts* when
  ``a ≥ gap[h]`` (``gap = (line − income per person) × members``);
- budget ``Σ c z ≤ B``; each measure's capacity, in total or per village; the jobs the
  scenario's plants open to registered households (``Σ`` plant-job measures ``≤ J``);
- fairness by village: each village's share of its *liftable* households that are lifted is at
  least ``φ`` times the share over all villages, ``N Σ_{h∈v} y[h] ≥ φ n_v Σ_h y[h]``, with
  ``y[h]`` the sum of h's lifting options;
- stage 1 maximises the number lifted ``Σ y`` (an integer: the solver proves it optimal);
  stage 2 holds that number and maximises the gap closed ``Σ min(a, gap) z`` less
  ``Σ c z / (B + 1)`` (the least cost breaks ties), to a relative gap of 1 %.

Only households below the line are candidates. A household is *lifted* when its income per
person after the measures reaches the line and its "two assurances, three guarantees" hold
(``guarantees_ok = 1``); one without them can still have its gap narrowed but is not counted as
lifted. Budget, capacities, fairness and eligibility are hard constraints, so a larger budget
never lifts fewer households (the feasible sets are nested and stage 1 is solved to proven
optimality; ``solver.status`` says so, or that the time limit stopped it).
"""

from __future__ import annotations

import csv
import io as _io
import logging
import math
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from brineworks.data import read_text
from brineworks.errors import BrineworksError, InputError
from brineworks.impact.io import impact_parameter

__all__ = [
    "REGISTRY_COLUMNS",
    "Allocation",
    "Household",
    "Measure",
    "Registry",
    "RegistryError",
    "RowProblem",
    "SolverError",
    "allocate",
    "eligible",
    "generate_registry",
    "household_options",
    "load_measures",
    "parse_registry",
    "read_registry",
    "registry_jobs",
    "write_registry",
]

log = logging.getLogger(__name__)

REGISTRY_COLUMNS = (
    "household_id", "village", "county", "members", "income_cny_per_person_yr", "workers",
    "skills", "age_head", "distance_km", "guarantees_ok",
)  # fmt: skip
"""Columns a registry must have (others are ignored)."""

MEASURE_COLUMNS = (
    "measure", "name", "kind", "cost_cny", "income_cny_per_household_yr", "capacity",
    "capacity_scope", "plant_jobs", "worker", "min_workers", "max_workers", "min_age_head",
    "max_age_head", "max_distance_km", "skills_any",
)  # fmt: skip
"""Columns a catalogue of measures must have."""

MIN_GROUP_SIZE = 10
"""Default smallest group of households shown on its own in the village table."""

_ABS_GAP = 0.5
"""Absolute MIP gap of stage 1 (households lifted, an integer): below 1, it proves the count
optimal."""

_HIGHS_LOG = False
"""Let HiGHS write its log (for debugging)."""

_STAGE2_S = 15.0
"""Most seconds given to stage 2 (gap closed and cost, with the number lifted held). [s]"""


class SolverError(BrineworksError, RuntimeError):
    """The allocation solver failed or found no solution."""


# ---------------------------------------------------------------- registry


@dataclass(frozen=True)
class Household:
    """One registered household.

    Attributes
    ----------
    household_id, village, county
        Identifiers (synthetic or the user's; no personal data is kept beyond these).
    members
        Persons in the household.
    income_cny_per_person_yr
        Net income per person. [CNY/yr]
    workers
        Members able to work.
    skills
        Lower-case skill words.
    age_head
        Age of the head of household. [yr]
    distance_km
        Distance to the park. [km]
    guarantees_ok
        Whether the "two assurances, three guarantees" hold.
    row
        Line of the registry file (header = line 1).
    """

    household_id: str
    village: str
    county: str
    members: int
    income_cny_per_person_yr: float
    workers: int
    skills: frozenset[str]
    age_head: int
    distance_km: float
    guarantees_ok: bool
    row: int = 0


@dataclass(frozen=True)
class RowProblem:
    """A bad value in a registry row (row = line of the file, header = line 1)."""

    row: int
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row} {self.field}={self.value!r} ({self.reason})"

    def to_dict(self) -> dict[str, Any]:
        """``{"row", "field", "value", "reason"}``."""
        return {"row": self.row, "field": self.field, "value": self.value, "reason": self.reason}


class RegistryError(InputError):
    """A registry has bad rows; :attr:`problems` lists each by row, field and value."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = tuple(problems)
        rows = sorted({p.row for p in problems})
        shown = "; ".join(str(p) for p in problems[:5])
        more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        super().__init__(
            "registry",
            f"{len(rows)} bad row(s): {shown}{more}",
            "valid rows (or --skip-invalid to drop the bad ones)",
        )


@dataclass(frozen=True)
class Registry:
    """Valid households and the rows rejected (with their problems)."""

    households: tuple[Household, ...]
    rejected: tuple[RowProblem, ...] = ()

    def rejected_rows(self) -> list[dict[str, Any]]:
        """One entry per rejected row: ``{"row", "household_id", "problems": [...]}``."""
        by_row: dict[int, list[RowProblem]] = defaultdict(list)
        for p in self.rejected:
            by_row[p.row].append(p)
        out = []
        for row, probs in sorted(by_row.items()):
            hid = next((p.value for p in probs if p.field == "household_id"), None)
            out.append({
                "row": row,
                "household_id": hid,
                "problems": [{"field": p.field, "value": p.value, "reason": p.reason}
                             for p in probs],
            })  # fmt: skip
        return out


def _int(value: str, low: int, high: int | None = None) -> int | str:
    try:
        x = float(value)
    except ValueError:
        return "not a number"
    if not math.isfinite(x) or x != int(x):
        return "not a whole number"
    if x < low or (high is not None and x > high):
        return f"outside [{low}, {high if high is not None else '∞'}]"
    return int(x)


def _float(value: str, low: float = 0.0) -> float | str:
    try:
        x = float(value)
    except ValueError:
        return "not a number"
    if not math.isfinite(x):
        return "not a finite number"
    if x < low:
        return "negative" if low == 0 else f"below {low}"
    return x


def parse_registry(
    text: str,
    villages: Collection[str] | None = None,
    skip_invalid: bool = False,
    name: str = "registry",
) -> Registry:
    """Check and read a registry CSV text.

    Parameters
    ----------
    text
        The CSV (header row with :data:`REGISTRY_COLUMNS`, any order, others ignored).
    villages
        Known villages; a row with another is rejected. ``None``: any village.
    skip_invalid
        Drop bad rows (listed in :attr:`Registry.rejected`) instead of refusing the file.

    Raises
    ------
    InputError
        A missing column; :class:`RegistryError` for bad rows unless ``skip_invalid``.
    """
    reader = csv.DictReader(_io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in REGISTRY_COLUMNS if c not in header]
    if missing:
        raise InputError(f"{name}: columns", ", ".join(missing) + " missing",
                         ", ".join(REGISTRY_COLUMNS))  # fmt: skip
    known = None if villages is None else set(villages)
    problems: list[RowProblem] = []
    households: list[Household] = []
    seen: dict[str, int] = {}
    for raw in reader:
        row = reader.line_num
        rec = {k: ("" if raw.get(k) is None else str(raw[k]).strip()) for k in REGISTRY_COLUMNS}
        bad: list[RowProblem] = []

        def fail(fld: str, reason: str, rec: dict[str, str] = rec, row: int = row,
                 bad: list[RowProblem] = bad) -> None:  # fmt: skip
            bad.append(RowProblem(row, fld, rec[fld], reason))

        for fld in REGISTRY_COLUMNS:
            if fld != "skills" and rec[fld] == "":
                fail(fld, "missing")
        hid = rec["household_id"]
        if hid and hid in seen:
            fail("household_id", f"duplicate of row {seen[hid]}")
        if rec["village"] and known is not None and rec["village"] not in known:
            fail("village", "unknown village")
        parsed: dict[str, Any] = {}
        for fld, conv in (
            ("members", lambda v: _int(v, 1, 100)),
            ("workers", lambda v: _int(v, 0, 100)),
            ("age_head", lambda v: _int(v, 0, 130)),
            ("income_cny_per_person_yr", _float),
            ("distance_km", _float),
            ("guarantees_ok", lambda v: _int(v, 0, 1)),
        ):
            if rec[fld] == "":
                continue
            val = conv(rec[fld])
            if isinstance(val, str):
                fail(fld, val)
            else:
                parsed[fld] = val
        if "members" in parsed and "workers" in parsed and parsed["workers"] > parsed["members"]:
            fail("workers", f"more than members ({parsed['members']})")
        if bad:
            problems.extend(bad)
            continue
        seen[hid] = row
        skills = frozenset(s.strip().lower() for s in rec["skills"].split(";") if s.strip())
        households.append(Household(
            hid, rec["village"], rec["county"], parsed["members"],
            float(parsed["income_cny_per_person_yr"]), parsed["workers"], skills,
            parsed["age_head"], float(parsed["distance_km"]), bool(parsed["guarantees_ok"]), row,
        ))  # fmt: skip
    if problems and not skip_invalid:
        raise RegistryError(problems)
    if not households:
        raise InputError(f"{name}: households", "none valid", "at least one valid row")
    return Registry(tuple(households), tuple(problems))


def read_registry(
    path: str | Path, villages: Collection[str] | None = None, skip_invalid: bool = False
) -> Registry:
    """:func:`parse_registry` of a file."""
    p = Path(path)
    if not p.is_file():
        raise InputError("registry", str(path), "an existing CSV file")
    return parse_registry(p.read_text("utf-8-sig"), villages, skip_invalid, name=p.name)


# ---------------------------------------------------------------- measures


@dataclass(frozen=True)
class Measure:
    """A support measure (a row of the catalogue; see ``data/impact/measures.csv``)."""

    measure: str
    name: str
    kind: str
    cost_cny: float
    income_cny_per_household_yr: float
    capacity: int | None
    capacity_scope: str
    plant_jobs: bool
    worker: bool
    min_workers: int | None = None
    max_workers: int | None = None
    min_age_head: int | None = None
    max_age_head: int | None = None
    max_distance_km: float | None = None
    skills_any: frozenset[str] = field(default_factory=frozenset)
    source: str = ""
    status: str = ""


def _measure(row: Mapping[str, str], line: int, name: str) -> Measure:
    def num(key: str, integer: bool = False) -> Any:
        v = (row.get(key) or "").strip()
        if v == "":
            return None
        try:
            x = float(v)
        except ValueError:
            raise InputError(f"{name} row {line} {key}", v, "a number or empty") from None
        if not math.isfinite(x) or x < 0:
            raise InputError(f"{name} row {line} {key}", v, "a non-negative number")
        return int(x) if integer else x

    kind = row["kind"].strip()
    if kind not in ("income", "top_up"):
        raise InputError(f"{name} row {line} kind", kind, "income or top_up")
    scope = (row.get("capacity_scope") or "").strip() or "total"
    if scope not in ("total", "village"):
        raise InputError(f"{name} row {line} capacity_scope", scope, "total, village or empty")
    flags = {}
    for key in ("plant_jobs", "worker"):
        v = (row.get(key) or "0").strip()
        if v not in ("0", "1"):
            raise InputError(f"{name} row {line} {key}", v, "0 or 1")
        flags[key] = v == "1"
    return Measure(
        measure=row["measure"].strip(),
        name=row["name"].strip(),
        kind=kind,
        cost_cny=num("cost_cny") or 0.0,
        income_cny_per_household_yr=num("income_cny_per_household_yr") or 0.0,
        capacity=num("capacity", True),
        capacity_scope=scope,
        plant_jobs=flags["plant_jobs"],
        worker=flags["worker"],
        min_workers=num("min_workers", True),
        max_workers=num("max_workers", True),
        min_age_head=num("min_age_head", True),
        max_age_head=num("max_age_head", True),
        max_distance_km=num("max_distance_km"),
        skills_any=frozenset(
            s.strip().lower() for s in (row.get("skills_any") or "").split(";") if s.strip()
        ),
        source=(row.get("source") or "").strip(),
        status=(row.get("status") or "").strip(),
    )


def load_measures(path: str | Path | None = None) -> tuple[Measure, ...]:
    """The catalogue of measures: built-in (``data/impact/measures.csv``) or a file with the
    same columns.

    Raises
    ------
    InputError
        A missing column, a bad value or a duplicate measure.
    """
    if path is None:
        text, name = read_text("impact", "measures.csv"), "measures.csv"
    else:
        p = Path(path)
        if not p.is_file():
            raise InputError("measures", str(path), "an existing CSV file")
        text, name = p.read_text("utf-8-sig"), p.name
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    reader = csv.DictReader(lines)
    missing = [c for c in MEASURE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{name}: columns", ", ".join(missing) + " missing",
                         ", ".join(MEASURE_COLUMNS))  # fmt: skip
    out = [_measure(r, i, name) for i, r in enumerate(reader, start=2)]
    names = Counter(m.measure for m in out)
    dup = [k for k, v in names.items() if v > 1 or not k]
    if dup:
        raise InputError(f"{name}: measure", dup, "unique, non-empty names")
    if not out:
        raise InputError(f"{name}: measures", "none", "at least one")
    return tuple(out)


def eligible(m: Measure, h: Household) -> bool:
    """Whether household ``h`` may receive measure ``m`` (all the measure's rules hold)."""
    checks = (
        m.min_workers is None or h.workers >= m.min_workers,
        m.max_workers is None or h.workers <= m.max_workers,
        m.min_age_head is None or h.age_head >= m.min_age_head,
        m.max_age_head is None or h.age_head <= m.max_age_head,
        m.max_distance_km is None or h.distance_km <= m.max_distance_km,
        not m.skills_any or bool(m.skills_any & h.skills),
        not m.worker or h.workers >= 1,
    )
    return all(checks)


def registry_jobs(
    direct_jobs: float,
    local_hire_share: float | None = None,
    registry_job_share: float | None = None,
) -> int:
    """Plant jobs open to registered households: direct jobs × local-hire share × the share of
    local hires from the registry (defaults from ``data/impact/parameters.csv``).

    Examples
    --------
    >>> registry_jobs(1000, 0.6, 0.1)
    60
    """
    a = impact_parameter("local_hire_share") if local_hire_share is None else local_hire_share
    b = impact_parameter("registry_job_share") if registry_job_share is None else registry_job_share
    return math.floor(direct_jobs * a * b + 1e-9)


# ---------------------------------------------------------------- allocation


@dataclass(frozen=True)
class HouseholdResult:
    """What one household receives and where it ends."""

    household_id: str
    village: str
    county: str
    measures: tuple[str, ...]
    cost_cny: float
    income_after_cny_per_person_yr: float
    lifted: bool
    poor_before: bool


@dataclass(frozen=True)
class Allocation:
    """Result of :func:`allocate`.

    Attributes
    ----------
    households
        Valid households in the registry.
    poor
        Households below the line before the measures.
    liftable
        Poor households that could reach the line with all the measures they are eligible for
        and whose guarantees hold (ignoring budget and capacities).
    lifted
        Households lifted above the line.
    cost_cny, budget_cny
        Cost of the measures assigned, and the budget. [CNY]
    line_cny
        Poverty line. [CNY/person/yr]
    jobs_available, jobs_used
        Plant jobs open to registered households, and those assigned.
    gap_closed_cny, gap_cny
        Income gap to the line closed, and the poor households' whole gap. [CNY/yr]
    results
        One entry per household.
    by_village
        The village table (groups below ``min_group_size`` merged).
    rejected
        Rejected registry rows.
    fairness
        ``φ`` of the village rule.
    solver
        Status, MIP gap, seconds, size of the model.
    """

    households: int
    poor: int
    liftable: int
    lifted: int
    cost_cny: float
    budget_cny: float
    line_cny: float
    jobs_available: int
    jobs_used: int
    gap_closed_cny: float
    gap_cny: float
    results: tuple[HouseholdResult, ...]
    by_village: tuple[Mapping[str, Any], ...]
    rejected: tuple[Mapping[str, Any], ...]
    fairness: float
    measures_used: Mapping[str, int]
    solver: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The content of ``support.json``."""
        return {
            "households": self.households,
            "lifted": self.lifted,
            "cost_cny": self.cost_cny,
            "budget_cny": self.budget_cny,
            "line_cny": self.line_cny,
            "by_village": [dict(v) for v in self.by_village],
            "rejected": [dict(r) for r in self.rejected],
            "poor": self.poor,
            "liftable": self.liftable,
            "jobs_available": self.jobs_available,
            "jobs_used": self.jobs_used,
            "gap_cny": self.gap_cny,
            "gap_closed_cny": self.gap_closed_cny,
            "measures_used": dict(self.measures_used),
            "fairness": {
                "phi": self.fairness,
                "rule": "share of a village's liftable households lifted >= phi x the share "
                "over all villages",
            },
            "solver": dict(self.solver),
        }

    def allocation_rows(self) -> list[dict[str, Any]]:
        """Rows of ``allocation.csv``: ``household_id, measures, cost_cny,
        income_after_cny_per_person_yr, lifted``."""
        return [
            {
                "household_id": r.household_id,
                "measures": ";".join(r.measures),
                "cost_cny": round(r.cost_cny, 2),
                "income_after_cny_per_person_yr": round(r.income_after_cny_per_person_yr, 2),
                "lifted": int(r.lifted),
            }
            for r in self.results
        ]


@dataclass(frozen=True)
class _Option:
    """One set of measures for one household: what it adds, costs and uses."""

    measures: tuple[int, ...]
    income: float
    cost: float
    lifts: bool


def household_options(
    h: Household, gap: float, measures: Sequence[Measure], max_measures: int = 4
) -> list[_Option]:
    """The sets of measures household ``h`` may receive, with their income added [CNY/yr] and
    cost [CNY]: each measure at most once, at most ``max_measures`` together, no more labour
    measures than workers; a top-up pays the gap left after the others. Sets dominated by a
    subset (lifting as well at no more cost) are dropped."""
    elig = [k for k, m in enumerate(measures) if eligible(m, h)]
    fixed = [k for k in elig if measures[k].kind == "income" and
             measures[k].income_cny_per_household_yr > 0]  # fmt: skip
    tops = [k for k in elig if measures[k].kind == "top_up"]
    out: list[_Option] = []
    lifting: list[tuple[frozenset[int], float]] = []
    for size in range(1, max_measures + 1):
        for combo in combinations(fixed + tops, size):
            if sum(1 for k in combo if measures[k].worker) > h.workers:
                continue
            if sum(1 for k in combo if k in tops) > 1:
                continue
            income = sum(measures[k].income_cny_per_household_yr for k in combo if k in fixed)
            cost = sum(measures[k].cost_cny for k in combo)
            top = [k for k in combo if k in tops]
            if top:
                rest = max(0.0, gap - income)
                if rest <= 0:
                    continue  # the top-up adds nothing
                income, cost = income + rest, cost + rest
            lifts = income >= gap - 1e-9
            s = frozenset(combo)
            if lifts:
                if any(sub < s and c <= cost + 1e-9 for sub, c in lifting):
                    continue
                lifting.append((s, cost))
            out.append(_Option(tuple(combo), income, cost, lifts))
    return out


def allocate(
    registry: Registry,
    measures: Sequence[Measure],
    budget_cny: float,
    line_cny: float | None = None,
    plant_jobs: int = 0,
    fairness: float = 0.5,
    min_group_size: int = MIN_GROUP_SIZE,
    time_limit_s: float = 50.0,
    max_measures: int = 4,
) -> Allocation:
    """Assign measures to households to lift the most above the line.

    Parameters
    ----------
    registry
        Households (from :func:`read_registry`).
    measures
        Catalogue (from :func:`load_measures`).
    budget_cny
        Budget for the measures. [CNY]
    line_cny
        Poverty line; default ``poverty_line_cny_per_person_yr``. [CNY/person/yr]
    plant_jobs
        Jobs in the scenario's plants open to registered households.
    fairness
        ``φ`` in [0, 1] of the village rule (0: none).
    min_group_size
        Smallest group shown on its own in the village table.
    time_limit_s
        Solver time limit; at the limit the best allocation found is returned with its gap
        (``solver.status``). [s]
    max_measures
        Most measures one household receives.

    Raises
    ------
    SolverError
        The solver failed or found no allocation.
    """
    line = impact_parameter("poverty_line_cny_per_person_yr") if line_cny is None else line_cny
    for label, v, ok in (
        ("budget_cny", budget_cny, budget_cny >= 0 and math.isfinite(budget_cny)),
        ("line_cny", line, line > 0 and math.isfinite(line)),
        ("plant_jobs", plant_jobs, plant_jobs >= 0),
        ("fairness", fairness, 0.0 <= fairness <= 1.0),
        ("min_group_size", min_group_size, min_group_size >= 1),
        ("max_measures", max_measures, max_measures >= 1),
    ):
        if not ok:
            raise InputError(label, v, "a non-negative value (fairness in [0, 1])")
    t0 = time.perf_counter()
    hh = registry.households
    poor = [i for i, h in enumerate(hh) if h.income_cny_per_person_yr < line]
    gap = {i: (line - hh[i].income_cny_per_person_yr) * hh[i].members for i in poor}
    options = {i: household_options(hh[i], gap[i], measures, max_measures) for i in poor}
    liftable = {i for i in poor if hh[i].guarantees_ok and any(o.lifts for o in options[i])}
    model = _Model(hh, measures, poor, gap, options, liftable, budget_cny, plant_jobs, fairness)
    chosen, status, mip_gap = model.solve(time_limit_s)
    results: list[HouseholdResult] = []
    jobs_used = 0
    used: Counter[str] = Counter()
    for i, h in enumerate(hh):
        opt = chosen.get(i)
        names = tuple(measures[k].measure for k in opt.measures) if opt else ()
        added = opt.income if opt else 0.0
        cost = opt.cost if opt else 0.0
        used.update(names)
        jobs_used += sum(1 for k in (opt.measures if opt else ()) if measures[k].plant_jobs)
        is_poor = i in gap
        lifted = is_poor and h.guarantees_ok and opt is not None and opt.lifts
        after = h.income_cny_per_person_yr + added / h.members
        results.append(HouseholdResult(h.household_id, h.village, h.county, names, cost, after,
                                       lifted, is_poor))  # fmt: skip
    lifted_n = sum(r.lifted for r in results)
    closed = sum(min(gap[i], chosen[i].income) for i in poor if i in chosen)
    seconds = time.perf_counter() - t0
    log.info("allocation: %d of %d poor households lifted in %.1f s", lifted_n, len(poor),
             seconds)  # fmt: skip
    return Allocation(
        households=len(hh),
        poor=len(poor),
        liftable=len(liftable),
        lifted=lifted_n,
        cost_cny=sum(r.cost_cny for r in results),
        budget_cny=budget_cny,
        line_cny=line,
        jobs_available=plant_jobs,
        jobs_used=jobs_used,
        gap_closed_cny=closed,
        gap_cny=sum(gap.values()),
        results=tuple(results),
        by_village=tuple(_village_table(results, hh, min_group_size)),
        rejected=tuple(registry.rejected_rows()),
        fairness=fairness,
        measures_used=dict(sorted(used.items())),
        solver={
            "status": status,
            "stage_1": "most households lifted: " + status,
            "stage_2": "most gap closed at least cost, lifted held: " + model.stage2,
            "mip_gap_abs": mip_gap,
            "seconds": seconds,
            "variables": model.n_cols,
            "constraints": model.n_rows,
            "solver": "HiGHS (highspy)",
        },
    )


class _Model:
    """The integer programme of :func:`allocate` as one sparse matrix for HiGHS: a binary per
    (household, set of measures) option, at most one option per household, and the coupling
    rows (budget, capacities, plant jobs, fairness); ``y[h]`` (lifted) is the sum of the
    household's lifting options."""

    def __init__(
        self,
        hh: Sequence[Household],
        measures: Sequence[Measure],
        poor: list[int],
        gap: Mapping[int, float],
        options: Mapping[int, list[_Option]],
        liftable: set[int],
        budget: float,
        plant_jobs: int,
        fairness: float,
    ) -> None:
        self.cols = [(i, o) for i in poor for o in options[i]]
        nz = len(self.cols)
        lift = sorted(liftable)
        ypos = {i: nz + j for j, i in enumerate(lift)}
        self.ypos = ypos
        n = nz + len(lift)
        counted = np.zeros(n)  # stage 1: households lifted (maximised)
        secondary = np.zeros(n)  # stage 2 (minimised): - gap closed [CNY] + cost / (budget + 1)
        for j, (i, o) in enumerate(self.cols):
            counted[j] = 1.0 if (o.lifts and i in liftable) else 0.0
            secondary[j] = -min(o.income, gap[i]) + o.cost / (budget + 1.0)
        rows: list[tuple[list[int], list[float], float, float, str]] = []
        by_h: dict[int, list[int]] = defaultdict(list)
        for j, (i, _) in enumerate(self.cols):
            by_h[i].append(j)
        inf = math.inf
        for i in poor:
            if by_h[i]:
                rows.append((by_h[i], [1.0] * len(by_h[i]), -inf, 1.0,
                             f"{hh[i].household_id}-one-option"))  # fmt: skip
        for i in lift:
            js = [j for j in by_h[i] if self.cols[j][1].lifts]
            rows.append(([*js, ypos[i]], [1.0] * len(js) + [-1.0], 0.0, 0.0,
                         f"{hh[i].household_id}-lifted"))  # fmt: skip
        rows.append((list(range(nz)), [o.cost for _, o in self.cols], -inf, budget, "budget"))
        for k, m in enumerate(measures):
            if m.capacity is None:
                continue
            groups: dict[str, list[int]] = defaultdict(list)
            for j, (i, o) in enumerate(self.cols):
                if k in o.measures:
                    groups[hh[i].village if m.capacity_scope == "village" else "all"].append(j)
            for g, js in groups.items():
                if len(js) > m.capacity:
                    rows.append((js, [1.0] * len(js), -inf, float(m.capacity),
                                 f"{m.measure}-capacity-{g}"))  # fmt: skip
        jk = [k for k, m in enumerate(measures) if m.plant_jobs]
        jobs = [(j, sum(1 for k in o.measures if k in jk)) for j, (_, o) in enumerate(self.cols)]
        jobs = [(j, c) for j, c in jobs if c]
        if jobs:
            rows.append(([j for j, _ in jobs], [float(c) for _, c in jobs], -inf,
                         float(plant_jobs), "plant-jobs"))  # fmt: skip
        villages: dict[str, list[int]] = defaultdict(list)
        for i in lift:
            villages[hh[i].village].append(i)
        if fairness > 0 and len(villages) > 1:
            total = len(lift)
            for v, members in villages.items():
                inside = set(members)
                nv = len(members)
                coef = [(total - fairness * nv) if i in inside else -fairness * nv for i in lift]
                rows.append(([ypos[i] for i in lift], coef, 0.0, inf, f"{v}-fairness"))
        self.rows = rows
        self.n_cols, self.n_rows = n, len(rows)
        self.counted, self.secondary = counted, secondary
        self.stage2 = "not run"
        self.upper = np.ones(n)
        self.integer = np.zeros(n, dtype=bool)
        self.integer[:nz] = True

    def solve(self, time_limit_s: float) -> tuple[dict[int, _Option], str, float]:
        """Two stages: the most households lifted (an integral objective, proved optimal), then,
        with that number held, the most gap closed at the least cost (to a relative gap of
        1e-2, at most ``_STAGE2_S`` seconds). Returns the chosen options, the status and the
        stage-1 absolute gap."""
        import highspy
        from scipy.sparse import csc_matrix

        chosen: dict[int, _Option] = {}
        if self.n_cols == 0:
            return chosen, "Optimal", 0.0
        t_end = time.perf_counter() + time_limit_s
        r_idx, c_idx, vals = [], [], []
        for r, (cols, coefs, *_rest) in enumerate(self.rows):
            r_idx.extend([r] * len(cols))
            c_idx.extend(cols)
            vals.extend(coefs)
        mat = csc_matrix((vals, (r_idx, c_idx)), shape=(self.n_rows, self.n_cols))
        mat.sum_duplicates()
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n_cols, self.n_rows
        lp.col_cost_ = -self.counted
        lp.col_lower_, lp.col_upper_ = np.zeros(self.n_cols), self.upper
        lp.row_lower_ = np.array([max(r[2], -inf) for r in self.rows], dtype=float)
        lp.row_upper_ = np.array([min(r[3], inf) for r in self.rows], dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = mat.indptr.astype(np.int32)
        lp.a_matrix_.index_ = mat.indices.astype(np.int32)
        lp.a_matrix_.value_ = mat.data.astype(float)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous
            for b in self.integer
        ]
        with _quiet_stdout():
            h = highspy.Highs()
            h.setOptionValue("output_flag", _HIGHS_LOG)
            h.setOptionValue("mip_abs_gap", _ABS_GAP)
            h.setOptionValue("mip_rel_gap", 0.0)
            h.setOptionValue("time_limit", max(1.0, t_end - time.perf_counter()))
            h.passModel(lp)
            h.run()
        status = h.modelStatusToString(h.getModelStatus())
        info = h.getInfo()
        if info.primal_solution_status != 2:  # kSolutionStatusFeasible
            raise SolverError(f"allocation: HiGHS found no allocation ({status})")
        gap = max(0.0, float(info.objective_function_value - info.mip_dual_bound))
        if status != "Optimal":
            log.warning("allocation stage 1 stopped: %s, absolute gap %.3g households", status,
                        gap)  # fmt: skip
        log.debug("allocation stage 1: %s after %.1f s", status,
                  time_limit_s - (t_end - time.perf_counter()))  # fmt: skip
        sol = h.getSolution()
        best = np.asarray(sol.col_value)
        lifted = float(self.counted @ best)
        left = min(t_end - time.perf_counter(), _STAGE2_S)
        self.stage2 = "not run"
        if status == "Optimal" and np.any(self.secondary) and left > 1.0:
            idx = np.flatnonzero(self.counted)
            with _quiet_stdout():
                h.addRow(lifted - 0.5, inf, len(idx), idx.astype(np.int32),
                         np.ones(len(idx)))  # fmt: skip
                h.changeColsCost(self.n_cols, np.arange(self.n_cols, dtype=np.int32),
                                 self.secondary)  # fmt: skip
                h.setOptionValue("mip_abs_gap", 0.0)
                h.setOptionValue("mip_rel_gap", 1e-2)
                h.setOptionValue("time_limit", left)
                h.setSolution(sol)
                h.run()
            info2 = h.getInfo()
            self.stage2 = h.modelStatusToString(h.getModelStatus())
            if info2.primal_solution_status == 2:
                second = np.asarray(h.getSolution().col_value)
                if float(self.counted @ second) >= lifted - 0.5:
                    best = second
            else:
                log.warning("allocation stage 2 found no solution; stage 1 kept")
        for j, (i, o) in enumerate(self.cols):
            if best[j] > 0.5:
                chosen[i] = o
        return chosen, status, gap


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send what the HiGHS library writes to file descriptor 1 (its banner) to the log."""
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            tmp.seek(0)
            text = tmp.read().decode("utf-8", "replace").strip()
            if text:
                log.debug("HiGHS: %s", text)


def _village_table(
    results: Sequence[HouseholdResult], hh: Sequence[Household], min_size: int
) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[HouseholdResult]] = defaultdict(list)
    for r in results:
        groups[(r.county, r.village)].append(r)

    def row(label: str, county: str, members: list[HouseholdResult], n_villages: int) -> dict:
        return {
            "village": label,
            "county": county,
            "villages": n_villages,
            "households": len(members),
            "poor": sum(r.poor_before for r in members),
            "lifted": sum(r.lifted for r in members),
            "cost_cny": sum(r.cost_cny for r in members),
            "measures": dict(Counter(m for r in members for m in r.measures)),
        }

    out, small_by_county = [], defaultdict(list)
    for (county, village), members in sorted(groups.items()):
        if len(members) >= min_size:
            out.append(row(village, county, members, 1))
        else:
            small_by_county[county].append(members)
    leftover: list[list[HouseholdResult]] = []
    for county, parts in sorted(small_by_county.items()):
        merged = [r for p in parts for r in p]
        if len(merged) >= min_size:
            out.append(row(f"other villages of {county}", county, merged, len(parts)))
        else:
            leftover.extend(parts)
    if leftover:
        merged = [r for p in leftover for r in p]
        entry = row("other villages", "several", merged, len(leftover))
        if len(merged) < min_size:
            entry.update(poor=None, lifted=None, cost_cny=None, measures={}, suppressed=True)
        out.append(entry)
    return out


# ---------------------------------------------------------------- synthetic registry

_SKILLS = {
    "driver": 0.12, "mechanic": 0.06, "electrician": 0.04, "welder": 0.03, "operator": 0.03,
    "herding": 0.35, "farming": 0.40, "cooking": 0.20, "handicraft": 0.10,
    "tourism_guide": 0.05,
}  # fmt: skip
"""Probability that a household with workers has each skill (independent draws)."""

_COUNTIES = ("Golmud", "Dulan", "Ulan")


def generate_registry(n: int, seed: int = 0, villages: int = 20) -> list[dict[str, str]]:
    """A synthetic registry of ``n`` households (no real data), as CSV rows.

    Distributions (numpy ``default_rng(seed)``):

    - villages ``V01`` … assigned to the counties Golmud, Dulan, Ulan in turn; village sizes from
      a Dirichlet(2, …, 2) draw; each village at a distance Uniform(10, 250) km from the park,
      each household within ±5 km of it;
    - members 1 + Poisson(2.2), at most 8; age of the head Normal(50, 13) in [20, 85];
    - workers Binomial(members, 0.55), or 0.25 when the head is 60 or older;
    - income per person log-normal, median 4,800 CNY/yr, σ = 0.55 (about 37 % below 4,000),
      times 0.7 without workers;
    - skills: each of ``driver`` 0.12, ``mechanic`` 0.06, ``electrician`` 0.04, ``welder``
      0.03, ``operator`` 0.03, ``herding`` 0.35, ``farming`` 0.40, ``cooking`` 0.20,
      ``handicraft`` 0.10, ``tourism_guide`` 0.05, only for households with workers;
    - guarantees_ok Bernoulli(0.92).
    """
    if n < 1 or villages < 1:
        raise InputError("generate", n, "at least one household and one village")
    rng = np.random.default_rng(seed)
    names = [f"V{k + 1:02d}" for k in range(villages)]
    county = {v: _COUNTIES[k % len(_COUNTIES)] for k, v in enumerate(names)}
    base = dict(zip(names, rng.uniform(10.0, 250.0, villages), strict=True))
    weights = rng.dirichlet(np.full(villages, 2.0))
    village = rng.choice(villages, size=n, p=weights)
    members = np.minimum(1 + rng.poisson(2.2, n), 8)
    age = np.clip(rng.normal(50.0, 13.0, n), 20, 85).round().astype(int)
    p_work = np.where(age >= 60, 0.25, 0.55)
    workers = rng.binomial(members, p_work)
    income = 4800.0 * np.exp(rng.normal(0.0, 0.55, n)) * np.where(workers > 0, 1.0, 0.7)
    skill_draw = rng.random((n, len(_SKILLS))) < np.array(list(_SKILLS.values()))
    guarantees = rng.random(n) < 0.92
    offset = rng.uniform(-5.0, 5.0, n)
    rows = []
    for k in range(n):
        v = names[int(village[k])]
        skills = [s for s, on in zip(_SKILLS, skill_draw[k], strict=True) if on]
        rows.append({
            "household_id": f"H{k + 1:06d}",
            "village": v,
            "county": county[v],
            "members": str(int(members[k])),
            "income_cny_per_person_yr": f"{income[k]:.0f}",
            "workers": str(int(workers[k])),
            "skills": ";".join(skills) if workers[k] > 0 else "",
            "age_head": str(int(age[k])),
            "distance_km": f"{max(0.0, base[v] + offset[k]):.1f}",
            "guarantees_ok": str(int(guarantees[k])),
        })  # fmt: skip
    return rows


def write_registry(rows: Iterable[Mapping[str, Any]], path: str | Path) -> Path:
    """Write registry rows to a CSV file with :data:`REGISTRY_COLUMNS`."""
    p = Path(path)
    with p.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(REGISTRY_COLUMNS))
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in REGISTRY_COLUMNS})
    return p
