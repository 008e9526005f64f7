"""Distributions and sensitivity of an ensemble's outputs.

* Percentiles (P10, P50, P90) and mean of every output over the main design's successful rows
  (numpy's linear interpolation between order statistics).
* ``sobol``: first-order and total Sobol indices with 95 % bootstrap confidence intervals
  (SALib's Saltelli 2010 and Jansen estimators, no second order). For input j only the base
  samples whose rows A, B and AB_j all succeeded are used (``used`` counts them); without
  failures the result is that of ``SALib.analyze.sobol``.
* ``morris``: mu* (mean absolute elementary effect), mu and sigma per input, on the
  probability scale of each input: the effect of moving the input by 2/3 of its probability
  range. An effect needs the two rows of its step; without failures the result is that of
  ``SALib.analyze.morris``.
* ``mc``/``lhs``: first-order indices by RBD-FAST (SALib ``analyze.rbd_fast``, which takes any
  sample; no total index) and Spearman rank correlations.
* Tornado (every method, if the design has the rows): each output with every input at its
  median, and with one input at a time at its 10th and 90th percentile.

An output whose range is below 1e-12 of its size is constant: its indices are 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from brineworks.ensemble.design import MORRIS_LEVELS, TORNADO_QUANTILES, Design, salib_problem

__all__ = [
    "elementary_effects",
    "output_names",
    "percentiles",
    "ranking",
    "sensitivity",
    "summarise",
    "tornado",
]


def output_names(table: Any) -> list[str]:
    """Names of the outputs in a results table (its ``out:`` columns), in column order."""
    return [c[4:] for c in table.columns if c.startswith("out:")]


def _main_outputs(design: Design, table: Any, name: str) -> np.ndarray:
    """The main design's values of an output, by row (NaN where failed or missing)."""
    y = np.full(design.n_main, np.nan)
    main = table[table["index"] < design.n_main]
    ok = main["status"] == "ok"
    col = main.loc[ok, f"out:{name}"].to_numpy(dtype=float)
    y[main.loc[ok, "index"].to_numpy(dtype=int)] = col
    return y


def _constant(y: np.ndarray) -> bool:
    f = y[np.isfinite(y)]
    if f.size == 0:
        return True
    return bool(np.ptp(f) <= 1e-12 * max(1.0, float(np.max(np.abs(f)))))


def percentiles(y: np.ndarray) -> dict[str, float | None]:
    """P10, P50, P90 and mean of the finite values (None if there are none)."""
    f = y[np.isfinite(y)]
    if f.size == 0:
        return {"p10": None, "p50": None, "p90": None, "mean": None}
    p10, p50, p90 = np.percentile(f, [10, 50, 90])
    return {"p10": float(p10), "p50": float(p50), "p90": float(p90), "mean": float(np.mean(f))}


def _clean(x: Any) -> float | None:
    v = float(x)
    return v if math.isfinite(v) else None


_RESAMPLES = 100
_CONF = 0.95


def _z() -> float:
    from scipy.special import ndtri

    return float(ndtri(0.5 + _CONF / 2))


def _sobol(
    design: Design, y: np.ndarray
) -> tuple[dict[str, dict[str, float | None]], dict[str, int]]:
    """Sobol S1 and ST per input from the base samples whose A, B and AB_j rows all succeeded
    (SALib's estimators and bootstrap; identical to ``SALib.analyze.sobol`` without failures)."""
    import warnings

    from SALib.analyze.sobol import first_order, total_order

    d, n = len(design.inputs), design.base
    finite = y[np.isfinite(y)]
    blocks = (y.reshape(n, d + 2) - finite.mean()) / finite.std()
    a, b, ab = blocks[:, 0], blocks[:, -1], blocks[:, 1 : d + 1]
    r_all = np.random.default_rng(design.seed + 1).integers(n, size=(n, _RESAMPLES))
    z = _z()
    out: dict[str, dict[str, float | None]] = {}
    used: dict[str, int] = {}
    for j, name in enumerate(design.names):
        keep = np.isfinite(a) & np.isfinite(b) & np.isfinite(ab[:, j])
        k = int(keep.sum())
        used[name] = k
        if k < 3:
            out[name] = dict.fromkeys(("S1", "ST", "S1_conf", "ST_conf"))
            continue
        aj, bj, abj = a[keep], b[keep], ab[keep, j]
        if k == n:
            r = r_all
        else:
            r = np.random.default_rng([design.seed + 1, j]).integers(k, size=(k, _RESAMPLES))
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Constant values encountered")
            s1, st = first_order(aj, abj, bj), total_order(aj, abj, bj)
            s1_boot = first_order(aj[r], abj[r], bj[r])
            st_boot = total_order(aj[r], abj[r], bj[r])
        out[name] = {
            "S1": _clean(s1), "ST": _clean(st),
            "S1_conf": _clean(z * s1_boot.std(ddof=1)), "ST_conf": _clean(z * st_boot.std(ddof=1)),
        }  # fmt: skip
    return out, used


def elementary_effects(design: Design, y: np.ndarray) -> dict[str, np.ndarray]:
    """Morris elementary effects per input, from each trajectory step whose two rows succeeded:
    (y after − y before)/Δ, signed by the direction of the step, Δ = 2/3 of the probability
    range (4 levels)."""
    d = len(design.inputs)
    delta = MORRIS_LEVELS / (2.0 * (MORRIS_LEVELS - 1))
    x = design.raw[: design.n_main].reshape(design.base, d + 1, d)
    yy = y.reshape(design.base, d + 1)
    effects: list[list[float]] = [[] for _ in range(d)]
    for t in range(design.base):
        for k in range(d):
            step = x[t, k + 1] - x[t, k]
            j = int(np.argmax(np.abs(step)))
            if not (np.isfinite(yy[t, k]) and np.isfinite(yy[t, k + 1])):
                continue
            sign = 1.0 if step[j] > 0 else -1.0
            effects[j].append(sign * (yy[t, k + 1] - yy[t, k]) / delta)
    return {n: np.asarray(effects[j]) for j, n in enumerate(design.names)}


def _morris(
    design: Design, y: np.ndarray
) -> tuple[dict[str, dict[str, float | None]], dict[str, int]]:
    """mu*, mu, sigma and mu*'s bootstrap interval per input from the elementary effects of the
    steps that succeeded (identical to ``SALib.analyze.morris`` without failures)."""
    rng = np.random.default_rng(design.seed + 1)
    z = _z()
    out: dict[str, dict[str, float | None]] = {}
    used: dict[str, int] = {}
    for name, ee in elementary_effects(design, y).items():
        used[name] = int(ee.size)
        if ee.size < 2:
            out[name] = dict.fromkeys(("mu_star", "mu", "sigma", "mu_star_conf"))
            continue
        boot = np.abs(ee[rng.integers(ee.size, size=(_RESAMPLES, ee.size))]).mean(axis=1)
        out[name] = {
            "mu_star": _clean(np.mean(np.abs(ee))), "mu": _clean(np.mean(ee)),
            "sigma": _clean(np.std(ee, ddof=1)), "mu_star_conf": _clean(z * boot.std(ddof=1)),
        }  # fmt: skip
    return out, used


def _rbd_fast(design: Design, y: np.ndarray) -> dict[str, dict[str, float | None]]:
    from SALib.analyze import rbd_fast

    keep = np.isfinite(y)
    names = design.names
    if keep.sum() < 40:
        return {n: {"S1": None, "S1_conf": None} for n in names}
    x = design.unit[: design.n_main][keep]
    res = rbd_fast.analyze(
        salib_problem(design.inputs), x, y[keep], M=10, num_resamples=100, conf_level=0.95,
        seed=design.seed + 1,
    )  # fmt: skip
    return {
        n: {"S1": _clean(res["S1"][j]), "S1_conf": _clean(res["S1_conf"][j])}
        for j, n in enumerate(names)
    }


def _spearman(design: Design, y: np.ndarray) -> dict[str, float | None]:
    import pandas as pd

    keep = np.isfinite(y)
    if keep.sum() < 3:
        return dict.fromkeys(design.names)
    ry = pd.Series(y[keep]).rank().to_numpy()
    out: dict[str, float | None] = {}
    for j, n in enumerate(design.names):
        rx = pd.Series(design.unit[: design.n_main, j][keep]).rank().to_numpy()
        if np.ptp(rx) == 0:
            out[n] = None
            continue
        out[n] = _clean(np.corrcoef(rx, ry)[0, 1])
    return out


def tornado(design: Design, table: Any, outputs: Sequence[str]) -> dict[str, Any]:
    """One-at-a-time swings: per output, the base value and each input's low and high.

    Returns
    -------
    dict
        ``{output: {"base": y0, "inputs": {input: {"low_input", "high_input", "low",
        "high", "swing"}}}}``; empty if the design has no tornado rows.
    """
    if not design.tornado:
        return {}
    rows = table.set_index("index")
    n0 = design.n_main

    def value(i: int, name: str) -> float | None:
        if i not in rows.index or rows.at[i, "status"] != "ok":
            return None
        return _clean(rows.at[i, f"out:{name}"])

    out: dict[str, Any] = {}
    for name in outputs:
        entry: dict[str, Any] = {"base": value(n0, name), "inputs": {}}
        for j, n in enumerate(design.names):
            lo_i, hi_i = n0 + 1 + 2 * j, n0 + 2 + 2 * j
            lo, hi = value(lo_i, name), value(hi_i, name)
            swing = None if lo is None or hi is None else abs(hi - lo)
            entry["inputs"][n] = {
                "low_input": design.row(lo_i)[n], "high_input": design.row(hi_i)[n],
                "low": lo, "high": hi, "swing": swing,
            }  # fmt: skip
        out[name] = entry
    return out


def sensitivity(design: Design, table: Any, outputs: Sequence[str]) -> dict[str, Any]:
    """Every sensitivity measure the design allows, per output (see the module docstring)."""
    per_output: dict[str, Any] = {}
    used: dict[str, dict[str, int]] = {}
    for name in outputs:
        y = _main_outputs(design, table, name)
        if _constant(y):
            zero: dict[str, Any] = {"constant": True}
            if design.method == "sobol":
                zero["sobol"] = {n: {"S1": 0.0, "ST": 0.0, "S1_conf": 0.0, "ST_conf": 0.0}
                                 for n in design.names}  # fmt: skip
            elif design.method == "morris":
                zero["morris"] = {n: {"mu_star": 0.0, "mu": 0.0, "sigma": 0.0,
                                      "mu_star_conf": 0.0} for n in design.names}  # fmt: skip
            else:
                zero["rbd_fast"] = {n: {"S1": 0.0, "S1_conf": 0.0} for n in design.names}
                zero["spearman"] = dict.fromkeys(design.names, 0.0)
            per_output[name] = zero
            continue
        entry: dict[str, Any] = {"constant": False}
        with np.errstate(divide="ignore", invalid="ignore"):
            if design.method == "sobol":
                entry["sobol"], used[name] = _sobol(design, y)
            elif design.method == "morris":
                entry["morris"], used[name] = _morris(design, y)
            else:
                entry["rbd_fast"] = _rbd_fast(design, y)
                entry["spearman"] = _spearman(design, y)
        per_output[name] = entry
    return {
        "method": design.method,
        "seed": design.seed,
        "base": design.base,
        "used": used,
        "outputs": per_output,
        "tornado_quantiles": list(TORNADO_QUANTILES),
        "tornado": tornado(design, table, outputs),
    }


def summarise(design: Design, table: Any, scenario: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``ensemble.json`` and the full sensitivity results of a finished run.

    ``ensemble.json`` is ``{"scenario", "samples", "failed", "seed", "outputs": {name: {"p10",
    "p50", "p90", "mean"}}, "sensitivity": {output: {input: {"S1", "ST"}}}}``: S1 and ST are
    the Sobol indices (method ``sobol``), RBD-FAST's S1 with ST null (``mc``, ``lhs``), or null
    (``morris``: mu* and sigma are in the full results). It depends only on the design and the
    outputs, so the same seed gives the same file whatever the number of workers.
    """
    names = output_names(table)
    main = table[table["index"] < design.n_main]
    failed = int((main["status"] != "ok").sum())
    outputs = {n: percentiles(_main_outputs(design, table, n)) for n in names}
    full = sensitivity(design, table, names)
    brief: dict[str, dict[str, dict[str, float | None]]] = {}
    for name, entry in full["outputs"].items():
        row: dict[str, dict[str, float | None]] = {}
        for n in design.names:
            if "sobol" in entry:
                s = entry["sobol"][n]
                row[n] = {"S1": s["S1"], "ST": s["ST"]}
            elif "rbd_fast" in entry:
                row[n] = {"S1": entry["rbd_fast"][n]["S1"], "ST": None}
            else:
                row[n] = {"S1": None, "ST": None}
        brief[name] = row
    ensemble = {
        "scenario": scenario,
        "samples": int(design.n_main),
        "failed": failed,
        "seed": int(design.seed),
        "outputs": outputs,
        "sensitivity": brief,
    }
    full["samples"] = int(design.n_main)
    full["failed"] = failed
    tornado_rows = table[table["index"] >= design.n_main]
    full["tornado_failed"] = int((tornado_rows["status"] != "ok").sum())
    return ensemble, full


def ranking(
    full: dict[str, Any], output: str, inputs: Sequence[str] | None = None
) -> list[tuple[str, float]]:
    """Inputs ordered by importance for one output: ST (Sobol), mu* (Morris), |Spearman|
    (MC/LHS), else the tornado swing; only ``inputs`` if given."""
    entry = full["outputs"].get(output, {})
    scores: dict[str, float] = {}
    if "sobol" in entry:
        scores = {n: v["ST"] for n, v in entry["sobol"].items() if v["ST"] is not None}
    elif "morris" in entry:
        scores = {n: v["mu_star"] for n, v in entry["morris"].items() if v["mu_star"] is not None}
    elif "spearman" in entry:
        scores = {n: abs(v) for n, v in entry["spearman"].items() if v is not None}
    if not scores and output in full.get("tornado", {}):
        scores = {
            n: v["swing"] for n, v in full["tornado"][output]["inputs"].items()
            if v["swing"] is not None
        }  # fmt: skip
    pairs = [(n, float(s)) for n, s in scores.items() if inputs is None or n in inputs]
    return sorted(pairs, key=lambda p: -p[1])
