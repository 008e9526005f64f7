"""Sample designs: every input value of every sample, generated up front from the seed.

A design is a matrix of probabilities ``u`` (one row per sample, one column per input, each
in (0, 1)) turned into values by each input's quantile function. It depends only on the inputs,
the method, the number of samples and the seed — never on how many workers evaluate it — and it
is written next to the results, so an interrupted run resumes on exactly the same samples.

Methods
-------
``mc``
    Plain Monte Carlo: ``u`` from numpy's PCG64 generator seeded with the seed.
``lhs``
    Latin hypercube (scipy ``qmc.LatinHypercube``, same seed).
``sobol``
    Saltelli's design for Sobol indices as SALib builds it (``SALib.sample.sobol``, scrambled
    Sobol' sequence, no second-order terms): ``N (D + 2)`` rows for ``D`` inputs, ``N`` the
    largest power of two that fits the requested number of samples.
``morris``
    Morris trajectories (``SALib.sample.morris``, 4 levels): ``r (D + 1)`` rows. The grid
    levels 0, 1/3, 2/3, 1 of SALib are placed at the probabilities 1/8, 3/8, 5/8, 7/8 (cell
    midpoints), so that unbounded distributions get finite values.

Rank correlations (``mc`` and ``lhs`` only) are imposed with a Gaussian copula: ``z = Φ⁻¹(u)``,
``z' = z Lᵀ`` with ``L`` the Cholesky factor of the Pearson matrix ``r = 2 sin(π ρ_s / 6)``
that gives the Spearman coefficients ``ρ_s`` between normal variables, and ``u' = Φ(z')``. The
marginals stay exact; Sobol and Morris designs need independent inputs and refuse correlations.

After the main design come the tornado rows (one at a time): every input at its median, then
each input in turn at its 10th and 90th percentile with the others at their medians.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import numpy as np

from brineworks.ensemble.spec import UncertainSpec, check_uncertain
from brineworks.errors import InputError

__all__ = [
    "METHODS",
    "MORRIS_LEVELS",
    "TORNADO_QUANTILES",
    "Design",
    "Method",
    "make_design",
    "quantile",
    "salib_problem",
]

Method = Literal["mc", "lhs", "sobol", "morris"]
METHODS: tuple[str, ...] = ("mc", "lhs", "sobol", "morris")
MORRIS_LEVELS = 4
TORNADO_QUANTILES = (0.1, 0.5, 0.9)
"""Low, base and high probability of the one-at-a-time (tornado) rows."""

_EPS = 1e-12
Value = float | str


def quantile(spec: UncertainSpec, u: np.ndarray) -> np.ndarray:
    """Values of an input at probabilities ``u`` (its inverse distribution function).

    Parameters
    ----------
    spec
        The input.
    u
        Probabilities in [0, 1]; clipped to [1e-12, 1 − 1e-12]. [-]

    Returns
    -------
    numpy.ndarray
        Floats in the target's unit, or labels (object array) for a discrete input of labels.
    """
    from scipy.special import ndtr, ndtri

    p = np.clip(np.asarray(u, dtype=float), _EPS, 1.0 - _EPS)
    d = spec.distribution
    if d == "uniform":
        lo, hi = cast(float, spec.low), cast(float, spec.high)
        return cast(np.ndarray, lo + p * (hi - lo))
    if d == "triangular":
        a, m, b = cast(float, spec.low), cast(float, spec.mode), cast(float, spec.high)
        c = (m - a) / (b - a)
        left = a + np.sqrt(p * (b - a) * (m - a))
        right = b - np.sqrt((1.0 - p) * (b - a) * (b - m))
        return cast(np.ndarray, np.where(p < c, left, right))
    if d in {"normal", "lognormal"}:
        if d == "normal":
            loc, scale = cast(float, spec.mean), cast(float, spec.sd)
            lo = -math.inf if spec.low is None else spec.low
            hi = math.inf if spec.high is None else spec.high
        else:
            loc, scale = math.log(cast(float, spec.median)), cast(float, spec.sigma)
            lo = -math.inf if not spec.low else math.log(spec.low)
            hi = math.inf if spec.high is None else math.log(spec.high)
        f_lo = float(ndtr((lo - loc) / scale))
        f_hi = float(ndtr((hi - loc) / scale))
        q = np.clip(f_lo + p * (f_hi - f_lo), _EPS, 1.0 - _EPS)
        x = np.clip(loc + scale * ndtri(q), lo, hi)
        return cast(np.ndarray, x if d == "normal" else np.exp(x))
    levels = list(spec.values or [])
    w = np.asarray(spec.weights if spec.weights else [1.0] * len(levels), dtype=float)
    cum = np.cumsum(w / w.sum())
    idx = np.minimum(np.searchsorted(cum, p, side="right"), len(levels) - 1)
    if spec.is_label:
        return np.asarray(levels, dtype=object)[idx]
    return cast(np.ndarray, np.asarray(levels, dtype=float)[idx])


def salib_problem(inputs: Sequence[UncertainSpec]) -> dict[str, Any]:
    """SALib's problem dict on the unit hypercube (the design's probabilities)."""
    return {
        "num_vars": len(inputs),
        "names": [u.name for u in inputs],
        "bounds": [[0.0, 1.0]] * len(inputs),
    }


@dataclass(frozen=True)
class Design:
    """Every sample's input values, and how they were drawn.

    Attributes
    ----------
    method, seed
        How the design was made.
    inputs
        The uncertain inputs, in column order.
    raw
        The design's own coordinates: SALib's matrix (Sobol, Morris) or ``u`` (MC, LHS).
    unit
        Probability of each input in each row, after any copula. [-]
    n_main
        Rows of the main design (the rest are tornado rows).
    base
        Saltelli's N (Sobol), the number of trajectories (Morris) or ``n_main`` (MC, LHS).
    requested
        Samples asked for (``n_main`` for MC and LHS; Sobol and Morris round down).
    tornado
        Whether tornado rows follow the main design.
    process_samples
        Distinct process draws reused cyclically by the MC/LHS rows, or None (each row its own).
    """

    method: str
    seed: int
    inputs: tuple[UncertainSpec, ...]
    raw: np.ndarray
    unit: np.ndarray
    n_main: int
    base: int
    requested: int
    tornado: bool
    process_samples: int | None = None
    _values: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for j, spec in enumerate(self.inputs):
            self._values[spec.name] = quantile(spec, self.unit[:, j])

    # ------------------------------------------------------------------ views
    @property
    def rows(self) -> int:
        """Rows, main design and tornado rows together."""
        return int(self.unit.shape[0])

    @property
    def names(self) -> tuple[str, ...]:
        """Input names, in column order."""
        return tuple(u.name for u in self.inputs)

    @property
    def process_names(self) -> tuple[str, ...]:
        """Names of the inputs that change the park."""
        return tuple(u.name for u in self.inputs if u.kind == "process")

    @property
    def money_names(self) -> tuple[str, ...]:
        """Names of the inputs that change only the money."""
        return tuple(u.name for u in self.inputs if u.kind == "money")

    def block(self, i: int) -> str:
        """``"sample"`` for a row of the main design, ``"tornado"`` for the others."""
        return "sample" if i < self.n_main else "tornado"

    def values(self, name: str) -> np.ndarray:
        """Every row's value of one input."""
        return self._values[name]

    def row(self, i: int) -> dict[str, Value]:
        """Input values of row ``i``, by name."""
        return {n: _scalar(self._values[n][i]) for n in self.names}

    def split(self, i: int) -> tuple[dict[str, Value], dict[str, Value]]:
        """(process inputs, money inputs) of row ``i``."""
        row = self.row(i)
        return (
            {n: row[n] for n in self.process_names},
            {n: row[n] for n in self.money_names},
        )

    def process_groups(self, rows: Sequence[int] | None = None) -> list[list[int]]:
        """Rows sharing the same process inputs, in order of first appearance: each group needs
        one park solve."""
        groups: dict[tuple[Value, ...], list[int]] = {}
        cols = [self._values[n] for n in self.process_names]
        for i in range(self.rows) if rows is None else rows:
            key = tuple(_scalar(c[i]) for c in cols)
            groups.setdefault(key, []).append(i)
        return list(groups.values())

    def config(self) -> dict[str, Any]:
        """What :func:`make_design` needs to make this design again."""
        return {
            "method": self.method, "samples": self.requested, "seed": self.seed,
            "tornado": self.tornado, "process_samples": self.process_samples,
        }  # fmt: skip

    def digest(self) -> str:
        """A hash of the inputs and the probabilities: equal designs, equal digests."""
        h = hashlib.sha256()
        h.update(json.dumps([u.model_dump() for u in self.inputs], sort_keys=True).encode())
        h.update(f"{self.method}|{self.seed}|{self.n_main}|{self.base}".encode())
        h.update(f"|{self.process_samples}".encode())
        h.update(np.ascontiguousarray(self.unit, dtype="<f8").tobytes())
        return h.hexdigest()

    def to_records(self) -> dict[str, list[Any]]:
        """Column form for a table: index, block, ``u:<name>`` and ``in:<name>`` columns."""
        cols: dict[str, list[Any]] = {
            "index": list(range(self.rows)),
            "block": [self.block(i) for i in range(self.rows)],
        }
        for j, n in enumerate(self.names):
            cols[f"u:{n}"] = [float(x) for x in self.unit[:, j]]
            cols[f"in:{n}"] = [_scalar(x) for x in self._values[n]]
        return cols


def _scalar(x: Any) -> Value:
    return x if isinstance(x, str) else float(x)


def make_design(
    inputs: Sequence[UncertainSpec],
    method: str,
    samples: int,
    seed: int,
    *,
    tornado: bool = True,
    process_samples: int | None = None,
) -> Design:
    """The design of an ensemble.

    Parameters
    ----------
    inputs
        Uncertain inputs (at least one).
    method
        ``mc``, ``lhs``, ``sobol`` or ``morris``.
    samples
        Rows wanted in the main design; Sobol and Morris round down to their own structure.
    seed
        Seed (≥ 0).
    tornado
        Append the one-at-a-time rows.
    process_samples
        MC/LHS only: draw only this many distinct process-input vectors and give row ``i`` the
        process inputs of draw ``i mod process_samples`` (money inputs stay fresh in every row):
        many cheap money samples around fewer park solves.

    Raises
    ------
    InputError
        For an unknown method, too few samples for the method, correlations with Sobol or
        Morris, a correlation matrix that is not positive definite.
    """
    inputs = tuple(inputs)
    if not inputs:
        raise InputError("uncertain", [], "at least one [[uncertain]] input")
    check_uncertain(inputs)
    if method not in METHODS:
        raise InputError("method", method, "one of " + ", ".join(METHODS))
    if not isinstance(seed, int) or seed < 0:
        raise InputError("seed", seed, "an integer ≥ 0")
    if samples < 1:
        raise InputError("samples", samples, "a positive number")
    d = len(inputs)
    correlated = any(u.correlations for u in inputs)
    if correlated and method in {"sobol", "morris"}:
        name = next(u.name for u in inputs if u.correlations)
        raise InputError(
            f"uncertain.{name}.correlations",
            method,
            "correlations only with method mc or lhs (Sobol and Morris need independent inputs)",
        )
    if process_samples is not None:
        if method not in {"mc", "lhs"}:
            raise InputError("process_samples", process_samples, "only with method mc or lhs")
        if not 1 <= process_samples <= samples:
            raise InputError("process_samples", process_samples, f"from 1 to samples ({samples})")
    if method == "mc":
        raw = np.random.default_rng(seed).random((samples, d))
        base = samples
    elif method == "lhs":
        from scipy.stats import qmc

        raw = qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed)).random(samples)
        base = samples
    elif method == "sobol":
        from SALib.sample import sobol as sobol_sample

        if samples < 2 * (d + 2):
            raise InputError(
                "samples", samples, f"at least 2 × (inputs + 2) = {2 * (d + 2)} for Sobol"
            )
        base = 2 ** math.floor(math.log2(samples // (d + 2)))
        raw = sobol_sample.sample(salib_problem(inputs), base, calc_second_order=False, seed=seed)
    else:
        from SALib.sample import morris as morris_sample

        if samples < 2 * (d + 1):
            raise InputError(
                "samples", samples, f"at least 2 × (inputs + 1) = {2 * (d + 1)} for Morris"
            )
        base = samples // (d + 1)
        raw = morris_sample.sample(salib_problem(inputs), base, num_levels=MORRIS_LEVELS, seed=seed)
    raw = np.asarray(raw, dtype=float)
    # Morris: SALib's grid levels 0, 1/3, 2/3, 1 to the cell midpoints 1/8, 3/8, 5/8, 7/8
    unit = (raw * (MORRIS_LEVELS - 1) + 0.5) / MORRIS_LEVELS if method == "morris" else raw.copy()
    order = [j for j, u in enumerate(inputs) if u.kind == "process"] + [
        j for j, u in enumerate(inputs) if u.kind == "money"
    ]
    if process_samples is not None:
        proc = [j for j, u in enumerate(inputs) if u.kind == "process"]
        rows = np.arange(unit.shape[0]) % process_samples
        unit[:, proc] = unit[rows][:, proc]
    if correlated:
        unit = _copula(inputs, unit, order)
    n_main = unit.shape[0]
    if tornado:
        unit = np.vstack([unit, _tornado_rows(d)])
        raw = np.vstack([raw, np.full((unit.shape[0] - n_main, d), np.nan)])
    return Design(
        method=method, seed=seed, inputs=inputs, raw=raw, unit=unit, n_main=n_main,
        base=base, requested=samples, tornado=tornado, process_samples=process_samples,
    )  # fmt: skip


def _tornado_rows(d: int) -> np.ndarray:
    lo, mid, hi = TORNADO_QUANTILES
    rows = [np.full(d, mid)]
    for j in range(d):
        for q in (lo, hi):
            r = np.full(d, mid)
            r[j] = q
            rows.append(r)
    return np.vstack(rows)


def correlation_matrix(inputs: Sequence[UncertainSpec]) -> np.ndarray:
    """Spearman rank correlations between inputs (identity where none given)."""
    index = {u.name: j for j, u in enumerate(inputs)}
    rho = np.eye(len(inputs))
    for u in inputs:
        for other, r in u.correlations.items():
            rho[index[u.name], index[other]] = rho[index[other], index[u.name]] = r
    return rho


def _copula(inputs: Sequence[UncertainSpec], unit: np.ndarray, order: Sequence[int]) -> np.ndarray:
    """Gaussian copula with the inputs' rank correlations; process inputs first in the Cholesky
    order, so that they stay independent of the money inputs' draws (and repeated process rows
    stay repeated)."""
    from scipy.special import ndtr, ndtri

    spearman = correlation_matrix(inputs)
    pearson = 2.0 * np.sin(np.pi * spearman / 6.0)
    np.fill_diagonal(pearson, 1.0)
    idx = list(order)
    try:
        chol = np.linalg.cholesky(pearson[np.ix_(idx, idx)])
    except np.linalg.LinAlgError:
        raise InputError(
            "uncertain.correlations",
            {u.name: u.correlations for u in inputs if u.correlations},
            "a positive-definite correlation matrix",
        ) from None
    z = ndtri(np.clip(unit[:, idx], _EPS, 1.0 - _EPS))
    out = unit.copy()
    out[:, idx] = ndtr(z @ chol.T)
    return out


def design_from_config(config: Mapping[str, Any], inputs: Sequence[UncertainSpec]) -> Design:
    """Rebuild a design from the ``config`` part of a run's manifest."""
    return make_design(
        inputs, str(config["method"]), int(config["samples"]), int(config["seed"]),
        tornado=bool(config["tornado"]), process_samples=config.get("process_samples"),
    )  # fmt: skip
