"""Fit solubility products log K(T) of solids to measured solubilities.

This is how the Brineworks extension gets the log K of solids the literature gives no
Pitzer-consistent value for: at each measured saturated composition the ion activity product
is computed with the *same* activity model the database uses (``pitzer.dat`` Pitzer
parameters), and log K(T) is fitted to log IAP by least squares in PHREEQC's analytical form
``log K = A1 + A2·T + A3/T + A4·log10(T) + A5/T² + A6·T²`` (only A1, A3 and, with four or more
points, A4 are fitted; that is a constant heat-capacity van 't Hoff form).

Run ``python -m brineworks.chemistry.fitting`` to print the fitted rows of
``data/thermo/phases.csv``; ``tests/chemistry/test_fitting.py`` checks the stored rows still
reproduce the fit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from brineworks.chemistry.brine import Brine
from brineworks.chemistry.database import Database, extension_text, load_phase_rows, with_extension
from brineworks.chemistry.ions import ion
from brineworks.chemistry.phreeqc import PhreeqcBackend
from brineworks.chemistry.validation import SALTS, load_points
from brineworks.constants import KELVIN_OFFSET
from brineworks.data import read_rows

__all__ = [
    "FitPoint",
    "LogKFit",
    "analytic_log_k",
    "fit_log_k",
    "fit_offset",
    "fit_phase",
    "fit_points",
    "log_iap",
]


@dataclass(frozen=True)
class FitPoint:
    """A measured saturated solution of one solid in pure water."""

    phase: str
    temperature: float  # [K]
    molality: dict[str, float]  # [mol/kg H2O] by Brine key
    source: str


@dataclass(frozen=True)
class LogKFit:
    """Result of :func:`fit_log_k`."""

    phase: str
    analytic: tuple[float, float, float, float, float, float]
    temperatures: tuple[float, ...]  # [K]
    log_iap: tuple[float, ...]

    @property
    def log_k_25c(self) -> float:
        """Fitted log K at 25 °C. [-]"""
        return analytic_log_k(self.analytic, 298.15)

    @property
    def residuals(self) -> tuple[float, ...]:
        """log IAP − fitted log K at each point. [-]"""
        return tuple(
            y - analytic_log_k(self.analytic, t)
            for t, y in zip(self.temperatures, self.log_iap, strict=True)
        )


def analytic_log_k(a: Sequence[float], temperature: float) -> float:
    """PHREEQC's analytical expression for log K at ``temperature`` [K]."""
    t = temperature
    return a[0] + a[1] * t + a[2] / t + a[3] * math.log10(t) + a[4] / t**2 + a[5] * t**2


def fit_points(phase: str | None = None) -> tuple[FitPoint, ...]:
    """The measured solubilities of ``data/thermo/fit_points.csv`` (all, or one phase's)."""
    rows = read_rows("thermo", "fit_points.csv")
    out = []
    for r in rows:
        if phase is not None and r["phase"] != phase:
            continue
        m = float(r["molality_salt"])
        comp = {}
        for part in r["composition"].split(";"):
            key, n = part.split(":")
            comp[key] = float(n) * m
        out.append(FitPoint(r["phase"], float(r["T_C"]) + KELVIN_OFFSET, comp, r["source"]))
    return tuple(out)


def log_iap(phase: str, points: Sequence[FitPoint]) -> np.ndarray:
    """log10 of the ion activity product of ``phase`` at each point, with the database's model.

    The phase is redefined with log K = 0, so its saturation index *is* log IAP.
    """
    rows = {r.phase: r for r in load_phase_rows()}
    base = Database.brineworks(extension=False).text
    if phase in rows:
        reaction = rows[phase].reaction
    else:
        reaction = Database.brineworks().phase_reactions[phase]
    probe = f"PHASES\n{phase}\n\t{reaction}\n\tlog_k 0\n"
    backend = PhreeqcBackend(Database(with_extension(base, extension_text() + probe), "fit-probe"))
    out = []
    for p in points:
        # A salt whose anion forms by hydrolysis (borax: B(OH)4-) has no anion among the solute
        # keys; its composition is taken as exact and the speciation carries its charge.
        exact = not any(ion(k).charge < 0 for k in p.molality)
        brine = Brine(
            molality=p.molality, temperature=p.temperature, name=f"{phase} fit point", exact=exact
        )
        out.append(backend.speciate(brine).saturation_index[phase])
    return np.array(out)


def fit_log_k(
    phase: str, points: Sequence[FitPoint] | None = None, *, linear_term: bool = False
) -> LogKFit:
    """Fit log K(T) of ``phase`` to measured solubilities (default: its rows of fit_points.csv).

    log K = A1 + A3/T (+ A4 log10 T with four or more points; + A2 T as well with
    ``linear_term`` and six or more points).
    """
    pts = tuple(points) if points is not None else fit_points(phase)
    if not pts:
        raise ValueError(f"no solubility points to fit {phase}")
    t = np.array([p.temperature for p in pts])
    y = log_iap(phase, pts)
    # Points at one temperature fix a constant log K only (no temperature dependence).
    columns = [np.ones_like(t)]
    if np.ptp(t) > 1.0:
        columns.append(1.0 / t)
    if len(pts) >= 4 and np.ptp(t) > 1.0:
        columns.append(np.log10(t))
    if linear_term and len(pts) >= 6 and np.ptp(t) > 1.0:
        columns.append(t)
    coef, *_ = np.linalg.lstsq(np.column_stack(columns), y, rcond=None)
    c = [float(v) for v in coef] + [0.0, 0.0, 0.0]
    a = [c[0], c[3], c[1], c[2], 0.0, 0.0]
    return LogKFit(
        phase, (a[0], a[1], a[2], a[3], a[4], a[5]), tuple(t), tuple(float(v) for v in y)
    )


PITZER_DAT_ARCANITE: tuple[float, float, float, float, float, float] = (
    674.142,
    0.30423,
    -18037.0,
    -280.236,
    0.0,
    -1.44055e-4,
)
"""Arcanite's ``-analytical_expression`` as shipped in ``pitzer.dat`` (corrected by an offset)."""

OFFSET_FITS: dict[str, tuple[float, float, float, float, float, float]] = {
    "Arcanite": PITZER_DAT_ARCANITE
}
"""Phases whose pitzer.dat temperature function is kept and only shifted to the data."""


def fit_offset(
    phase: str,
    base: Sequence[float],
    points: Sequence[FitPoint] | None = None,
) -> LogKFit:
    """Shift ``base`` (an analytical expression) by the mean misfit to measured solubilities."""
    pts = tuple(points) if points is not None else fit_points(phase)
    y = log_iap(phase, pts)
    t = np.array([p.temperature for p in pts])
    offset = float(np.mean([yy - analytic_log_k(base, tt) for yy, tt in zip(y, t, strict=True)]))
    a = (base[0] + offset, base[1], base[2], base[3], base[4], base[5])
    return LogKFit(phase, a, tuple(t), tuple(float(v) for v in y))


FOUR_TERM_FITS = frozenset({"Borax"})
"""Phases whose solubility curve needs the linear term too (borax: residuals 0.038 → 0.008)."""


def fit_phase(phase: str) -> LogKFit:
    """Fit ``phase`` the way the stored extension was fitted (offset or free fit)."""
    if phase in OFFSET_FITS:
        return fit_offset(phase, OFFSET_FITS[phase])
    return fit_log_k(phase, linear_term=phase in FOUR_TERM_FITS)


# ----------------------------------------------------------------------------- mixing terms
MixingKey = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class MixingFit:
    """Result of :func:`fit_mixing`."""

    values: dict[MixingKey, float]
    rms_si: float  # root-mean-square saturation index at the fitted points [-]
    n_points: int
    iterations: int


def _si_at_points(
    overrides: dict[MixingKey, float], points: Sequence[tuple[str, Brine]]
) -> np.ndarray:
    base = Database.brineworks(extension=False).text
    db = Database(with_extension(base, extension_text(overrides)), "mixing-fit")
    backend = PhreeqcBackend(db)
    return np.array([backend.speciate(b).saturation_index[phase] for phase, b in points])


def fit_mixing(
    start: dict[MixingKey, float],
    points: Sequence[tuple[str, Brine]],
    *,
    max_iterations: int = 30,
    tolerance: float = 1e-7,
) -> MixingFit:
    """Fit Pitzer mixing parameters so that measured saturated solutions have SI = 0.

    Gauss–Newton on the saturation indices of the saturating solid at each measured
    composition (the standard way θ and ψ are obtained from ternary solubilities), with
    finite-difference derivatives.

    Parameters
    ----------
    start
        (kind, species) → starting value, e.g. ``{("PSI", ("Li+", "Na+", "Cl-")): -0.003}``.
    points
        (phase, brine at its measured saturated composition) pairs.
    """
    keys = list(start)
    x = np.array([start[k] for k in keys], dtype=float)
    r = _si_at_points(dict(zip(keys, x, strict=True)), points)
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007
        jac = np.empty((len(points), len(keys)))
        for j in range(len(keys)):
            h = 1e-5 * max(1.0, abs(x[j]))
            xp = x.copy()
            xp[j] += h
            jac[:, j] = (_si_at_points(dict(zip(keys, xp, strict=True)), points) - r) / h
        step, *_ = np.linalg.lstsq(jac, -r, rcond=None)
        # Backtracking keeps the sum of squares falling.
        scale = 1.0
        while scale > 1e-4:
            trial = x + scale * step
            rt = _si_at_points(dict(zip(keys, trial, strict=True)), points)
            if float(rt @ rt) < float(r @ r):
                break
            scale /= 2.0
        else:
            break
        x, r = trial, rt
        if float(np.max(np.abs(scale * step))) < tolerance:
            break
    values = {k: float(v) for k, v in zip(keys, x, strict=True)}
    return MixingFit(values, float(np.sqrt(np.mean(r**2))), len(points), iterations)


LITHIUM_MIXING: dict[str, dict[MixingKey, float]] = {
    "LiCl-NaCl-H2O": {("THETA", ("Li+", "Na+")): 0.012, ("PSI", ("Li+", "Na+", "Cl-")): -0.003},
    "LiCl-KCl-H2O": {("THETA", ("K+", "Li+")): -0.022, ("PSI", ("K+", "Li+", "Cl-")): -0.01},
    "Li2SO4-K2SO4-H2O": {("PSI", ("K+", "Li+", "SO4-2")): 0.0},
}
"""Systems whose Li mixing terms are fitted, with their starting values (Pitzer & Kim 1974 for
the chlorides; 0 for ψ(Li,K,SO4), with θ(Li,K) held at its chloride fit)."""


MIXING_SOLIDS: dict[str, tuple[str, ...]] = {"Li2SO4-K2SO4-H2O": ("Li2SO4_H2O", "Arcanite")}
"""Solids whose curves fix the mixing terms, where the system also has a double salt whose
log K is fitted afterwards to its own curve (with the fitted mixing terms in place)."""


def lithium_mixing_points(system: str) -> list[tuple[str, Brine]]:
    """The validation points of ``system`` flagged ``used_in_fit`` (every other curve point)."""
    solids = MIXING_SOLIDS.get(system)
    out = []
    for p in load_points():
        if p.system != system or not p.used_in_fit or p.kind != "curve":
            continue
        if solids is not None and p.solids[0] not in solids:
            continue
        comp: dict[str, float] = {}
        for salt, m in {**p.fixed, **p.measured}.items():
            for key, n in SALTS[salt][0].items():
                comp[key] = comp.get(key, 0.0) + n * m
        out.append((p.solids[0], Brine(molality=comp, temperature=p.temperature, name=p.case_id)))
    return out


def fit_lithium_mixing(system: str) -> MixingFit:
    """Refit θ and ψ of one LiCl–MCl–H2O system to its fit points."""
    return fit_mixing(LITHIUM_MIXING[system], lithium_mixing_points(system))


def main() -> None:  # pragma: no cover - maintenance script
    """Print every fit the stored extension comes from."""
    for phase in dict.fromkeys(p.phase for p in fit_points()):
        fit = fit_phase(phase)
        coeffs = ",".join(f"{c:.10g}" for c in fit.analytic)
        resid = ", ".join(f"{r:+.4f}" for r in fit.residuals)
        print(f"{phase}: log K(25 °C) = {fit.log_k_25c:.4f}; a1..a6 = {coeffs}; residuals {resid}")
    for system in LITHIUM_MIXING:
        mix = fit_lithium_mixing(system)
        values = "; ".join(f"{k} {' '.join(s)} = {v:.6g}" for (k, s), v in mix.values.items())
        print(f"{system}: {values}; rms SI {mix.rms_si:.4f} over {mix.n_points} points")


if __name__ == "__main__":  # pragma: no cover
    main()
