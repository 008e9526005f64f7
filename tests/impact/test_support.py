"""Targeted support allocation: registry validation by row, the optimum against brute force on a
tiny registry, and the hard constraints (eligibility, budget, capacities, plant jobs)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from brineworks.errors import InputError
from brineworks.impact.support import (
    REGISTRY_COLUMNS,
    Household,
    Measure,
    Registry,
    RegistryError,
    allocate,
    eligible,
    generate_registry,
    load_measures,
    parse_registry,
    write_registry,
)

HEADER = ",".join(REGISTRY_COLUMNS)


def _csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


GOOD = "H1,V1,Golmud,3,2500,1,driver;farming,45,60,1"


def test_bad_rows_are_reported_by_row_field_and_value() -> None:
    text = _csv(
        GOOD,
        "H2,V1,Golmud,2,,1,,50,30,1",  # line 3: income missing
        "H3,V1,Golmud,2,-10,1,,50,30,1",  # line 4: negative income
        "H4,V9,Golmud,2,abc,1,,50,30,1",  # line 5: unknown village, non-numeric income
        "H1,V1,Golmud,2,3000,1,,50,30,1",  # line 6: duplicate id
        "H6,V2,Dulan,4,3000,0,,70,80,0",  # line 7: fine
    )
    with pytest.raises(RegistryError) as info:
        parse_registry(text, villages={"V1", "V2"})
    got = {(p.row, p.field, p.value) for p in info.value.problems}
    assert got == {
        (3, "income_cny_per_person_yr", ""),
        (4, "income_cny_per_person_yr", "-10"),
        (5, "village", "V9"),
        (5, "income_cny_per_person_yr", "abc"),
        (6, "household_id", "H1"),
    }
    assert "row 4 income_cny_per_person_yr='-10' (negative)" in str(info.value)
    reg = parse_registry(text, villages={"V1", "V2"}, skip_invalid=True)
    assert [h.household_id for h in reg.households] == ["H1", "H6"]
    rejected = reg.rejected_rows()
    assert [r["row"] for r in rejected] == [3, 4, 5, 6]
    assert rejected[2]["household_id"] is None or rejected[2]["household_id"] == "H4"
    assert len(rejected[2]["problems"]) == 2


def test_missing_column_refuses_the_file() -> None:
    with pytest.raises(InputError, match="guarantees_ok"):
        parse_registry("household_id,village\nH1,V1\n")


def test_other_value_checks() -> None:
    text = _csv("H1,V1,G,0,100,0,,50,3,1", "H2,V1,G,2,100,3,,50,3,1", "H3,V1,G,2,100,1,,50,3,2")
    with pytest.raises(RegistryError) as info:
        parse_registry(text)
    assert {(p.row, p.field) for p in info.value.problems} == {
        (2, "members"), (3, "workers"), (4, "guarantees_ok"),
    }  # fmt: skip


def _m(name: str, **kw: object) -> Measure:
    base: dict[str, object] = {
        "measure": name, "name": name, "kind": "income", "cost_cny": 0.0,
        "income_cny_per_household_yr": 0.0, "capacity": None, "capacity_scope": "total",
        "plant_jobs": False, "worker": False,
    }  # fmt: skip
    base.update(kw)
    return Measure(**base)  # type: ignore[arg-type]


CATALOGUE = (
    _m("job", cost_cny=1000.0, income_cny_per_household_yr=9000.0, plant_jobs=True, worker=True,
       min_workers=1, max_age_head=55, skills_any=frozenset({"driver"})),
    _m("ranger", cost_cny=3000.0, income_cny_per_household_yr=3000.0, capacity=1, worker=True,
       min_workers=1),
    _m("pv", cost_cny=4000.0, income_cny_per_household_yr=1500.0, capacity=1,
       capacity_scope="village"),
    _m("topup", kind="top_up", max_workers=0),
)  # fmt: skip


def _hh(i: int, village: str, members: int, income: float, workers: int, skills: str = "",
        age: int = 40, ok: bool = True) -> Household:  # fmt: skip
    skill_set = frozenset(s for s in skills.split(";") if s)
    return Household(f"H{i}", village, "C", members, income, workers, skill_set, age, 10.0, ok,
                     i + 1)  # fmt: skip


TINY = Registry((
    _hh(1, "A", 2, 1000.0, 1, "driver"),  # gap 6000: job lifts
    _hh(2, "A", 3, 2500.0, 1),  # gap 4500: ranger + pv lifts
    _hh(3, "B", 1, 1000.0, 0, age=70),  # gap 3000: top-up or pv
    _hh(4, "B", 2, 2000.0, 2, "driver", age=60),  # gap 4000: no job (age), ranger + pv
    _hh(5, "B", 1, 3500.0, 1, ok=False),  # gap 500: narrowed, never counted
    _hh(6, "A", 4, 5000.0, 1),  # above the line
))  # fmt: skip


def _brute(reg: Registry, cat: tuple[Measure, ...], budget: float, jobs: int, line: float,
           fairness: float, max_measures: int = 4) -> tuple[int, float, float]:  # fmt: skip
    """Best (lifted, gap closed, cost) over every assignment (every subset of eligible measures
    per household, no pruning): most lifted, then most gap closed less cost / (budget + 1)."""
    hh = reg.households
    poor = [h for h in hh if h.income_cny_per_person_yr < line]
    gaps = {h.household_id: (line - h.income_cny_per_person_yr) * h.members for h in poor}
    per: list[list[tuple[tuple[str, ...], float, float]]] = []
    for h in poor:
        gap = gaps[h.household_id]
        elig = [m for m in cat if eligible(m, h)]
        opts: list[tuple[tuple[str, ...], float, float]] = [((), 0.0, 0.0)]
        for r in range(1, max_measures + 1):
            for combo in itertools.combinations(elig, r):
                if sum(m.worker for m in combo) > h.workers:
                    continue
                fixed = sum(m.income_cny_per_household_yr for m in combo if m.kind == "income")
                cost = sum(m.cost_cny for m in combo)
                top = max(0.0, gap - fixed) if any(m.kind == "top_up" for m in combo) else 0.0
                opts.append((tuple(m.measure for m in combo), fixed + top, cost + top))
        per.append(opts)
    best: tuple[int, float] | None = None
    best_vals = (0, 0.0, 0.0)
    for choice in itertools.product(*per):
        cost = sum(c for _, _, c in choice)
        if cost > budget + 1e-6:
            continue
        used = [n for names, _, _ in choice for n in names]
        if sum(n in {m.measure for m in cat if m.plant_jobs} for n in used) > jobs:
            continue
        ok = True
        for m in cat:
            if m.capacity is None:
                continue
            groups: dict[str, int] = {}
            for h, (names, _, _) in zip(poor, choice, strict=True):
                if m.measure in names:
                    key = h.village if m.capacity_scope == "village" else "all"
                    groups[key] = groups.get(key, 0) + 1
            ok = ok and all(v <= m.capacity for v in groups.values())
        if not ok:
            continue
        lifted = [h.guarantees_ok and inc >= gaps[h.household_id] - 1e-9
                  for h, (_, inc, _) in zip(poor, choice, strict=True)]  # fmt: skip
        if fairness > 0:
            # liftable: guaranteed and able to reach the line with some option
            liftable = [h for h, opts in zip(poor, per, strict=True) if h.guarantees_ok and
                        any(inc >= gaps[h.household_id] - 1e-9 for _, inc, _ in opts)]  # fmt: skip
            villages = {h.village for h in liftable}
            n_l = len(liftable)
            total = sum(lifted)
            if len(villages) > 1:
                for v in villages:
                    n_v = sum(h.village == v for h in liftable)
                    in_v = sum(lf for h, lf in zip(poor, lifted, strict=True) if h.village == v)
                    if n_l * in_v < fairness * n_v * total - 1e-9:
                        ok = False
        if not ok:
            continue
        closed = sum(min(inc, gaps[h.household_id]) for h, (_, inc, _) in
                     zip(poor, choice, strict=True))  # fmt: skip
        key = (sum(lifted), closed - cost / (budget + 1.0))
        if best is None or key > best:
            best, best_vals = key, (sum(lifted), closed, cost)
    return best_vals


@pytest.mark.parametrize(
    ("budget", "jobs", "fairness"),
    [(0.0, 1, 0.0), (3000.0, 1, 0.0), (8000.0, 0, 0.0), (8000.0, 1, 0.5), (20000.0, 1, 1.0),
     (7000.0, 1, 1.0)],
)  # fmt: skip
def test_allocation_matches_brute_force(budget: float, jobs: int, fairness: float) -> None:
    a = allocate(TINY, CATALOGUE, budget, 4000.0, jobs, fairness, min_group_size=1)
    lifted, closed, _cost = _brute(TINY, CATALOGUE, budget, jobs, 4000.0, fairness)
    assert a.lifted == lifted
    assert a.gap_closed_cny == pytest.approx(closed, rel=0.01)
    assert a.cost_cny <= budget + 1e-6


def test_allocation_respects_every_rule() -> None:
    reg = Registry(tuple(
        _hh(i, "AB"[i % 2], 1 + i % 4, 500.0 + 300 * i, i % 3, "driver" if i % 2 else "",
            35 + 3 * i) for i in range(12)
    ))  # fmt: skip
    a = allocate(reg, CATALOGUE, 15000.0, 4000.0, plant_jobs=2, fairness=0.5, min_group_size=1)
    by_id = {h.household_id: h for h in reg.households}
    cat = {m.measure: m for m in CATALOGUE}
    assert a.cost_cny <= 15000.0 + 1e-6
    assert a.jobs_used <= 2
    counts: dict[str, int] = {}
    for r in a.results:
        h = by_id[r.household_id]
        assert sum(cat[n].worker for n in r.measures) <= h.workers
        for n in r.measures:
            assert eligible(cat[n], h)
            counts[n] = counts.get(n, 0) + 1
        if r.lifted:
            assert r.income_after_cny_per_person_yr >= 4000.0 - 1e-6
            assert h.guarantees_ok
    assert counts.get("ranger", 0) <= 1
    assert sum(1 for r in a.results if "pv" in r.measures and r.village == "A") <= 1


def test_builtin_measures_and_allocation_files(tmp_path: Path) -> None:
    cat = load_measures()
    assert {m.measure for m in cat} >= {"industrial_job", "ranger_post", "village_pv",
                                        "subsistence_allowance"}  # fmt: skip
    ranger = next(m for m in cat if m.measure == "ranger_post")
    assert ranger.income_cny_per_household_yr == 30000.0  # 2,500 CNY/month
    path = write_registry(generate_registry(300, seed=3), tmp_path / "r.csv")
    reg = parse_registry(path.read_text("utf-8"))
    a = allocate(reg, cat, 2e6, plant_jobs=20)
    d = a.to_dict()
    assert set(d) >= {"households", "lifted", "cost_cny", "budget_cny", "line_cny",
                      "by_village", "rejected"}  # fmt: skip
    assert d["households"] == 300
    assert d["line_cny"] == 4000.0
    rows = a.allocation_rows()
    assert len(rows) == 300
    assert set(rows[0]) == {"household_id", "measures", "cost_cny",
                            "income_after_cny_per_person_yr", "lifted"}  # fmt: skip
    assert sum(r["lifted"] for r in rows) == a.lifted
    assert sum(v["households"] for v in d["by_village"]) == 300


def test_village_table_hides_small_groups() -> None:
    reg = Registry(tuple(_hh(i, "A" if i < 12 else f"S{i}", 1, 1000.0, 0) for i in range(15)))
    a = allocate(reg, CATALOGUE, 1e5, 4000.0, 0, 0.0, min_group_size=10)
    rows = {r["village"]: r for r in a.by_village}
    assert rows["A"]["households"] == 12
    assert rows["other villages"]["households"] == 3
    assert rows["other villages"]["lifted"] is None


def test_generator_is_synthetic_and_reproducible() -> None:
    rows = generate_registry(2000, seed=7)
    assert rows == generate_registry(2000, seed=7)
    assert rows[0]["household_id"] == "H000001"
    below = sum(float(r["income_cny_per_person_yr"]) < 4000 for r in rows) / len(rows)
    assert 0.3 < below < 0.5  # log-normal median 4,800, sigma 0.55, x0.7 without workers
    reg = parse_registry("\n".join([HEADER] + [",".join(r[c] for c in REGISTRY_COLUMNS)
                                               for r in rows]))  # fmt: skip
    assert len(reg.households) == 2000
