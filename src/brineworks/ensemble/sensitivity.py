"""Distributions and sensitivity of an ensemble's outputs.

* Percentiles (P10, P50, P90) and mean of every output over the main design's successful rows
  (numpy's linear interpolation between order statistics).
* ``sobol``: first-order and total Sobol indices with 95 % bootstrap confidence intervals
  (SALib ``analyze.sobol``, Saltelli 2010 and Jansen estimators, no second order). A base
  sample with a failed row is dropped whole (its ``D + 2`` rows).
* ``morris``: mu* (mean absolute elementary effect), mu and sigma per input (SALib
  ``analyze.morris``), on the probability scale of each input: the effect of moving the input
  by 2/3 of its probability range; a trajectory with a failed row is dropped.
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
    "output_names",
    "percentiles",
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


def _sobol(design: Design, y: np.ndarray) -> tuple[dict[str, dict[str, float | None]], int]:
    from SALib.analyze import sobol

    d = len(design.inputs)
    blocks = y.reshape(design.base, d + 2)
    keep = np.all(np.isfinite(blocks), axis=1)
    names = design.names
    if keep.sum() < 2:
        return {n: dict.fromkeys(("S1", "ST", "S1_conf", "ST_conf")) for n in names}, int(
            (~keep).sum()
        )
    res = sobol.analyze(
        salib_problem(design.inputs), blocks[keep].ravel(), calc_second_order=False,
        num_resamples=100, conf_level=0.95, seed=design.seed + 1,
    )  # fmt: skip
    out = {
        n: {"S1": _clean(res["S1"][j]), "ST": _clean(res["ST"][j]),
            "S1_conf": _clean(res["S1_conf"][j]), "ST_conf": _clean(res["ST_conf"][j])}
        for j, n in enumerate(names)
    }  # fmt: skip
    return out, int((~keep).sum())


def _morris(design: Design, y: np.ndarray) -> tuple[dict[str, dict[str, float | None]], int]:
    from SALib.analyze import morris

    d = len(design.inputs)
    blocks = y.reshape(design.base, d + 1)
    x = design.raw[: design.n_main].reshape(design.base, d + 1, d)
    keep = np.all(np.isfinite(blocks), axis=1)
    names = design.names
    if keep.sum() < 2:
        return {n: dict.fromkeys(("mu_star", "mu", "sigma", "mu_star_conf")) for n in names}, int(
            (~keep).sum()
        )
    res = morris.analyze(
        salib_problem(design.inputs), x[keep].reshape(-1, d), blocks[keep].ravel(),
        num_levels=MORRIS_LEVELS, num_resamples=100, conf_level=0.95, seed=design.seed + 1,
    )  # fmt: skip
    out = {
        n: {"mu_star": _clean(res["mu_star"][j]), "mu": _clean(res["mu"][j]),
            "sigma": _clean(res["sigma"][j]), "mu_star_conf": _clean(res["mu_star_conf"][j])}
        for j, n in enumerate(names)
    }  # fmt: skip
    return out, int((~keep).sum())


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
    dropped: dict[str, int] = {}
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
                entry["sobol"], dropped[name] = _sobol(design, y)
            elif design.method == "morris":
                entry["morris"], dropped[name] = _morris(design, y)
            else:
                entry["rbd_fast"] = _rbd_fast(design, y)
                entry["spearman"] = _spearman(design, y)
        per_output[name] = entry
    return {
        "method": design.method,
        "seed": design.seed,
        "base": design.base,
        "dropped_blocks": dropped,
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
