"""Measure the numbers of docs/reservoir.md that the CLI does not print in one go.

``python benchmarks/reservoir_doc_runs.py WHAT OUT.json [--backend phreeqc]``, WHAT one of:

* ``variants``: the four runs of "Results: qarhan-circular over 30 years" (the CLI's
  ``brineworks reservoir qarhan-circular --years 30 --every 5 [--no-return]
  [--no-conversion]``) through the Python API: pumped grades, Mg/K, KCl and Li2CO3 in the
  solved years, 30-year totals, the Bieletan level, the K the conversion dissolved, failures
  and the worst imbalance.
* ``interpolation``: qarhan-circular over 10 years solved every year, and every 5 years with
  linear blending and with the solve before held; the largest relative difference of each
  pumped grade and product against solving every year, and the year-to-year scatter of the
  park's KCl per K fed when solved every year.
* ``sensitivity [--every K]``: qarhan-potash over 30 years, the park solved every K years
  (default 5), with one assumption of the lake changed at a time; K grade fed, KCl and the
  Bieletan level in the last year.
* ``calibration``: the Mahai fit and its cases, and the QSL production history with the park
  of qarhan-potash at its year-0 KCl yield.

Each run is timed (wall and CPU seconds) and the 1-minute load average is recorded.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.resource import run_scenario
from brineworks.resource.calibration import fit_mahai, qsl_history
from brineworks.resource.park import ScenarioPark
from brineworks.resource.results import ReservoirResult
from brineworks.scenario import load_scenario

KCL = ("KCl",)  # the KCl product as sold (KCl with its salts)


def timed(fn: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """Run ``fn``; its result and wall/CPU seconds with the load average at the end."""
    w0, c0 = time.perf_counter(), time.process_time()
    r = fn()
    return r, {
        "wall_s": time.perf_counter() - w0,
        "cpu_s": time.process_time() - c0,
        "load_1min": os.getloadavg()[0],
    }


def rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b) if b != 0 else (0.0 if a == 0 else float("inf"))


def variants(backend: ThermoBackend) -> dict[str, Any]:
    """The four runs of qarhan-circular over 30 years (the park solved every 5 years)."""
    sc = load_scenario("qarhan-circular")
    out: dict[str, Any] = {}
    for key, returns, conversion in (("returns, conversion", True, True),
                                     ("no returns, conversion", False, True),
                                     ("returns, no conversion", True, False),
                                     ("no returns, no conversion", False, False)):  # fmt: skip
        job = partial(run_scenario, sc, years=30, backend=backend, every=5, returns=returns,
                      conversion=conversion)  # fmt: skip
        r, t = timed(job)
        biel = r.zone_rows("bieletan")
        solved = [p for p in r.park if p.solved]
        out[key] = {
            **t,
            "table": [
                {
                    "year": p.year,
                    "K_g_per_l": p.grade_g_per_l["K"],
                    "Li_mg_per_l": 1e3 * p.grade_g_per_l["Li"],
                    "Mg_g_per_l": p.grade_g_per_l["Mg"],
                    "Mg_over_K": p.grade_g_per_l["Mg"] / p.grade_g_per_l["K"],
                    "B_g_per_l": p.grade_g_per_l.get("B", 0.0),
                    "KCl_kt": p.product("KCl") / 1e3,
                    "KCl_component_kt": p.product("KCl", "KCl") / 1e3,
                    "Li2CO3_t": p.product("Li2CO3"),
                    "products_kt": {s: p.product(s) / 1e3 for s in p.products_t},
                }
                for p in solved
            ],
            "total_KCl_Mt": sum(p.product("KCl") for p in r.park) / 1e6,
            "total_KCl_component_Mt": sum(p.product("KCl", "KCl") for p in r.park) / 1e6,
            "total_Li2CO3_kt": sum(p.product("Li2CO3") for p in r.park) / 1e3,
            "level_end_m": biel[-1].level_m,
            "level_min_m": min(row.level_m for row in biel),
            "brine_m3": [biel[0].brine_m3, biel[-1].brine_m3],
            "K_end_of_run_g_per_l": biel[-1].grade_g_per_l["K"],
            "converted_K_t": sum(row.converted_t.get("K", 0.0) for row in biel),
            "ore_K_start_t": biel[0].solid_t.get("K", 0.0),
            "solid_K_t": [biel[0].solid_t.get("K", 0.0), biel[-1].solid_t.get("K", 0.0)],
            "solids_t": [dict(biel[0].solids_t), dict(biel[-1].solids_t)],
            "recharge_m3": [row.recharge_m3 for row in biel],
            "returned_m3": [row.returned_m3 for row in biel],
            "depletion_year": r.depletion_year,
            "failures": r.options["park_failures"],
            "imbalance": r.max_relative_imbalance(),
            "worst": max(r.balance.items(), key=lambda kv: kv[1].relative)[0],
        }
        print(key, t, flush=True)
    return out


def product_names(result: ReservoirResult) -> list[tuple[str, str | None]]:
    names: set[tuple[str, str | None]] = set()
    for p in result.park:
        for s, comps in p.products_t.items():
            names.add((s, None))
            for c in comps:
                names.add((s, c))
    return sorted(names, key=lambda n: (n[0], n[1] or ""))


def interpolation(backend: ThermoBackend) -> dict[str, Any]:
    sc = load_scenario("qarhan-circular")
    runs: dict[str, ReservoirResult] = {}
    times: dict[str, dict[str, float]] = {}
    for key, every, how in (("every1", 1, "linear"), ("linear5", 5, "linear"),
                            ("hold5", 5, "hold")):  # fmt: skip
        job = partial(run_scenario, sc, years=10, backend=backend, every=every,
                      interpolation=how)  # fmt: skip
        runs[key], times[key] = timed(job)
        print(key, times[key], flush=True)
    truth = runs["every1"]
    names = product_names(truth)
    err: dict[str, dict[str, float]] = {}
    for key in ("linear5", "hold5"):
        r = runs[key]
        e: dict[str, float] = {}
        for el in ("K", "Li", "Mg", "B", "Na", "Cl", "S"):
            e[f"grade {el}"] = max(
                rel(r.pumped_grade()[y].get(el, 0.0), g.get(el, 0.0))
                for y, g in truth.pumped_grade().items()
            )
        for s, c in names:
            t = truth.products(s, c)
            if max(abs(v) for v in t.values()) < 1e-6:
                continue
            e[f"{s}/{c}"] = max(rel(r.products(s, c)[y], v) for y, v in t.items())
        err[key] = e
    # the park's own scatter: KCl per K fed, year to year, when solved every year
    fed_k = {p.year: p.grade_g_per_l.get("K", 0.0) * p.pumped_m3 for p in truth.park}
    kcl = truth.products(*KCL)
    years = sorted(kcl)
    ratio = np.array([kcl[y] / fed_k[y] for y in years])
    trend = np.polyval(np.polyfit(years, ratio, 2), years)
    return {
        "times": times,
        "errors": err,
        "kcl_per_k_fed": ratio.tolist(),
        "kcl_per_k_fed_scatter_max": float(np.max(np.abs(ratio / trend - 1.0))),
        "kcl_every_year": [kcl[y] for y in years],
        "kcl_linear5": [runs["linear5"].products(*KCL)[y] for y in years],
        "kcl_hold5": [runs["hold5"].products(*KCL)[y] for y in years],
        "failures": {k: r.options["park_failures"] for k, r in runs.items()},
        "imbalance": {k: r.max_relative_imbalance() for k, r in runs.items()},
    }


def _last(result: ReservoirResult) -> dict[str, Any]:
    first, last = result.park[0], result.park[-1]
    return {
        "K_first_g_per_l": first.grade_g_per_l["K"],
        "KCl_first_kt": first.product(*KCL) / 1e3,
        "K_last_g_per_l": last.grade_g_per_l["K"],
        "Mg_first_g_per_l": first.grade_g_per_l["Mg"],
        "Mg_last_g_per_l": last.grade_g_per_l["Mg"],
        "KCl_last_kt": last.product(*KCL) / 1e3,
        "KCl_component_first_kt": first.product("KCl", "KCl") / 1e3,
        "KCl_component_last_kt": last.product("KCl", "KCl") / 1e3,
        "level_last_m": result.zone_rows("bieletan")[-1].level_m,
        "levels_last_m": {z["name"]: result.zone_rows(z["name"])[-1].level_m for z in result.zones},
        "bieletan_ore_t": {
            row.year: {p: t for p, t in row.solids_t.items() if p != "Halite"}
            for row in result.zone_rows("bieletan")
        },
        "bieletan_Mg_last_g_per_l": result.zone_rows("bieletan")[-1].grade_g_per_l["Mg"],
        "failures": result.options["park_failures"],
        "imbalance": result.max_relative_imbalance(),
    }


def sensitivity(backend: ThermoBackend, every: int) -> dict[str, Any]:
    sc = load_scenario("qarhan-potash")
    spec = sc.reservoir
    assert spec is not None

    def with_inflow(c: float) -> Any:
        inflows = [f.model_copy(update={"m3_per_yr_per_m": c}) if f.zone == "bieletan" else f
                   for f in spec.inflows]  # fmt: skip
        return spec.model_copy(update={"inflows": inflows})

    def with_conversion(**kw: float) -> Any:
        assert spec.conversion is not None
        return spec.model_copy(update={"conversion": spec.conversion.model_copy(update=kw)})

    def with_bieletan(**kw: float) -> Any:
        zones = [z.model_copy(update=kw) if z.name == "bieletan" else z for z in spec.zones]
        return spec.model_copy(update={"zones": zones})

    cases = {
        "base": spec,
        "inflow 1e7": with_inflow(1e7),
        "inflow 1e8": with_inflow(1e8),
        "contact 0.1": with_conversion(contact=0.1),
        "contact 0.7": with_conversion(contact=0.7),
        "conversion water 0": with_conversion(water_m3_per_yr=0.0),
        "conversion water 5e7": with_conversion(water_m3_per_yr=5e7),
        "Sy 0.08 at 30 m": with_bieletan(specific_yield=0.08, thickness_m=30.0),
        "Sy 0.24 at 10 m": with_bieletan(specific_yield=0.24, thickness_m=10.0),
        "lake at 10 C": spec.model_copy(update={"temperature_c": 10.0}),
        "pumped from the four sections by area": spec.model_copy(
            update={
                "pumped": {
                    z.name: z.area_km2 / sum(y.area_km2 for y in spec.zones) for z in spec.zones
                }
            }
        ),
    }
    out: dict[str, Any] = {}
    for name, s in cases.items():
        job = partial(run_scenario, sc.model_copy(update={"reservoir": s}), years=30,
                      backend=backend, every=every, on_park_failure="hold")  # fmt: skip
        r, t = timed(job)
        out[name] = {**_last(r), **t}
        print(name, out[name], flush=True)
    return out


def calibration(backend: ThermoBackend) -> dict[str, Any]:
    out: dict[str, Any] = {"mahai": {}}
    cases: dict[str, dict[str, Any]] = {
        "base": {},
        "3 years": {"years": 3},
        "7 years": {"years": 7},
        "50 km2": {"area_km2": 50.0},
        "300 km2": {"area_km2": 300.0},
        "Sy 0.05": {"specific_yield": 0.05},
        "Sy 0.2": {"specific_yield": 0.2},
        "5 m": {"thickness_m": 5.0},
        "20 m": {"thickness_m": 20.0},
    }
    for name, kw in cases.items():
        try:
            fit, t = timed(partial(fit_mahai, backend, **kw))
            d = fit.to_dict()
            last = fit.result.zone_rows("mahai")[-1]
            d["final_inflow_m3_per_yr"] = fit.induced_m3_per_yr_per_m * max(0.0, -last.level_m)
            out["mahai"][name] = {**d, **t}
        except Exception as exc:  # a case with no solution is a result
            out["mahai"][name] = {"error": repr(exc)}
        print(name, out["mahai"][name], flush=True)
    sc = load_scenario("qarhan-potash")
    spec = sc.reservoir
    assert spec is not None
    year0, t0 = timed(lambda: run_scenario(sc, years=1, backend=backend))
    kcl0 = year0.park[0].product(*KCL)
    yield_t_per_m3 = kcl0 / sc.brine.flow_m3_per_yr
    out["qsl"] = {"year0_kcl_t": kcl0, "yield_t_per_m3": yield_t_per_m3, "year0_time": t0}
    r, t = timed(
        lambda: qsl_history(
            spec, backend, park=ScenarioPark(sc, backend), kcl_t_per_m3=yield_t_per_m3
        )
    )
    rows = r.zone_rows("bieletan")
    out["qsl"].update({
        "time": t,
        "pumped_m3": {p.year: p.pumped_m3 for p in r.park},
        "kcl_t": {p.year: p.product(*KCL) for p in r.park},
        "kcl_component_t": {p.year: p.product("KCl", "KCl") for p in r.park},
        "solved": [p.year for p in r.park if p.solved],
        "K_g_per_l": {row.year: row.grade_g_per_l["K"] for row in rows},
        "kcl_wt": {row.year: row.kcl_wt_percent() for row in rows},
        "level_m": {row.year: row.level_m for row in rows},
        "failures": r.options["park_failures"],
        "imbalance": r.max_relative_imbalance(),
    })  # fmt: skip
    return out


def main(argv: list[str]) -> None:
    what, target = argv[0], Path(argv[1])
    backend = get_backend("phreeqc")
    if "--backend" in argv:
        backend = get_backend(argv[argv.index("--backend") + 1])
    if what == "variants":
        data = variants(backend)
    elif what == "interpolation":
        data = interpolation(backend)
    elif what == "sensitivity":
        every = int(argv[argv.index("--every") + 1]) if "--every" in argv else 5
        data = sensitivity(backend, every)
    elif what == "calibration":
        data = calibration(backend)
    else:
        raise SystemExit(f"unknown: {what}")
    target.write_text(json.dumps(data, indent=1, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
