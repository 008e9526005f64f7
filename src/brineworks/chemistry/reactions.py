"""Reactions and equilibrium constants of a PHREEQC-format database, as arrays.

Pure parsing and evaluation, shared by the native backend: each aqueous species and each solid
is written as a reaction over a *basis* of master species (one per element: ``Na+``, ``SO4-2``,
``B(OH)3`` …), ``H+`` and ``H2O``, with its log K as a function of temperature:

* ``-analytical_expression A1 … A6``: log10 K = A1 + A2·T + A3/T + A4·log10 T + A5/T² + A6·T²;
* otherwise ``log_k`` with ``delta_h`` (van 't Hoff, ΔH constant; kJ/mol unless ``kcal`` is
  given): log10 K(T) = log10 K(298.15) − ΔH/(R ln 10)·(1/T − 1/298.15).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "LogK",
    "LogKTable",
    "Reaction",
    "parse_reaction",
    "phase_reactions",
    "species_reactions",
    "species_volumes",
]

R_GAS = 8.31470
"""Gas constant as PHREEQC uses it in the van 't Hoff equation (``R_KJ_DEG_MOL``), kept so that
both backends give the same log K; 3e-5 above the CODATA value. [J/(mol K)]"""

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ATTACHED = re.compile(r"^(\d+\.?\d*)([A-Z(].*)$")


@dataclass(frozen=True)
class LogK:
    """log10 K as a function of temperature.

    Attributes
    ----------
    log_k25
        log10 K at 298.15 K. [-]
    delta_h
        Reaction enthalpy for the van 't Hoff form. [J/mol]
    analytic
        Coefficients A1 … A6 of the analytical expression, or empty.
    """

    log_k25: float = 0.0
    delta_h: float = 0.0
    analytic: tuple[float, ...] = ()

    def __call__(self, temperature: NDArray[np.float64] | float) -> NDArray[np.float64]:
        """log10 K at ``temperature`` [K]."""
        t = np.asarray(temperature, dtype=float)
        if self.analytic:
            a = list(self.analytic) + [0.0] * (6 - len(self.analytic))
            return np.asarray(
                a[0] + a[1] * t + a[2] / t + a[3] * np.log10(t) + a[4] / (t * t) + a[5] * t * t
            )
        return np.asarray(
            self.log_k25 - self.delta_h / (R_GAS * math.log(10.0)) * (1.0 / t - 1.0 / 298.15)
        )


@dataclass(frozen=True)
class Reaction:
    """One species or solid as a reaction of other species.

    ``coefficients`` follow the convention *products positive*: for ``Mg+2 + H2O = MgOH+ + H+``
    defining MgOH+, the coefficients are {Mg+2: −1, H2O: −1, MgOH+: +1, H+: +1}; for a solid
    ``KCl = K+ + Cl-`` they are {K+: 1, Cl-: 1} (the solid itself is left out).
    """

    name: str
    coefficients: Mapping[str, float]
    log_k: LogK


def _tokens(side: str) -> list[tuple[float, str]]:
    out: list[tuple[float, str]] = []
    sign = 1.0
    coeff: float | None = None
    for tok in side.split():
        if tok in ("+", "-"):
            sign = 1.0 if tok == "+" else -1.0
            continue
        if _NUMBER.match(tok):
            coeff = float(tok)
            continue
        m = _ATTACHED.match(tok)
        if m and coeff is None:
            coeff, tok = float(m.group(1)), m.group(2)
        out.append((sign * (coeff if coeff is not None else 1.0), tok))
        sign, coeff = 1.0, None
    return out


def parse_reaction(text: str) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
    """Left and right sides of a PHREEQC reaction as (coefficient, species) lists."""
    if "=" not in text:
        raise ValueError(f"not a reaction: {text!r}")
    left, right = text.split("=", 1)
    return _tokens(left), _tokens(right)


def _options(lines: Sequence[str]) -> LogK:
    log_k = 0.0
    delta_h = 0.0
    analytic: tuple[float, ...] = ()
    for line in lines:
        for part in line.split(";"):
            words = part.strip().split()
            if not words:
                continue
            key = words[0].lstrip("-").lower()
            if key.startswith("log_k") or key == "logk":
                log_k = float(words[1])
            elif key.startswith("delta_h"):
                value = float(words[1])
                unit = " ".join(words[2:]).lower()
                delta_h = value * (4184.0 if "kcal" in unit else 1000.0)
            elif key.startswith("analy") or key == "a_e":
                analytic = tuple(float(w) for w in words[1:7])
    return LogK(log_k, delta_h, analytic)


def species_reactions(lines: Sequence[str]) -> dict[str, Reaction]:
    """Aqueous species of ``SOLUTION_SPECIES`` lines → reactions (first product defined).

    Identity reactions (``Na+ = Na+``) define master species and are returned with no
    coefficients and log K 0.
    """
    out: dict[str, Reaction] = {}
    entries: list[tuple[str, list[str]]] = []
    for line in lines:
        if line and not line[0].isspace() and "=" in line and not line.lstrip().startswith("-"):
            entries.append((line.strip(), []))
        elif entries:
            entries[-1][1].append(line)
    for text, options in entries:
        left, right = parse_reaction(text)
        if not right:
            continue
        name = right[0][1]
        coeffs: dict[str, float] = {}
        for c, sp in left:
            coeffs[sp] = coeffs.get(sp, 0.0) - c
        for c, sp in right:
            coeffs[sp] = coeffs.get(sp, 0.0) + c
        coeffs = {k: v for k, v in coeffs.items() if v != 0.0}
        out[name] = Reaction(name, coeffs, _options(options))
    return out


def phase_reactions(lines: Sequence[str]) -> dict[str, Reaction]:
    """Solids of ``PHASES`` lines → dissolution reactions; a later definition wins."""
    out: dict[str, Reaction] = {}
    name: str | None = None
    reaction: str | None = None
    options: list[str] = []

    def flush() -> None:
        if name is None or reaction is None:
            return
        left, right = parse_reaction(reaction)
        coeffs: dict[str, float] = {}
        for c, sp in left[1:]:
            coeffs[sp] = coeffs.get(sp, 0.0) - c
        for c, sp in right:
            coeffs[sp] = coeffs.get(sp, 0.0) + c
        out[name] = Reaction(name, {k: v for k, v in coeffs.items() if v != 0.0}, _options(options))

    for line in lines:
        if line and not line[0].isspace():
            flush()
            name, reaction, options = line.split()[0], None, []
            continue
        stripped = line.strip()
        if reaction is None and "=" in stripped and not stripped.startswith("-"):
            reaction = stripped
        else:
            options.append(stripped)
    flush()
    return out


def species_volumes(lines: Sequence[str]) -> dict[str, tuple[float, ...]]:
    """``-Vm`` parameters (a1 a2 a3 a4 W a0 i1 i2 i3 i4) of each aqueous species.

    Missing trailing values take PHREEQC's defaults (0, and 1 for the exponent i4).
    """
    out: dict[str, tuple[float, ...]] = {}
    current: str | None = None
    for line in lines:
        if line and not line[0].isspace() and "=" in line and not line.lstrip().startswith("-"):
            right = parse_reaction(line.strip())[1]
            current = right[0][1] if right else None
            continue
        for part in line.split(";"):
            words = part.strip().split()
            if current and words and words[0].lower() == "-vm":
                values = [float(w) for w in words[1:11]]
                values += [0.0] * (10 - len(values))
                if len(words) < 11:
                    values[9] = 1.0
                out[current] = tuple(values)
    return out


@dataclass(frozen=True)
class LogKTable:
    """Many :class:`LogK` evaluated at once: log10 K of R reactions at N temperatures, with
    the same arithmetic as :meth:`LogK.__call__` (a missing reaction gives 0).

    Build with :meth:`of`.
    """

    analytic: NDArray[np.float64]  # (R, 6)
    is_analytic: NDArray[np.bool_]  # (R,)
    log_k25: NDArray[np.float64]  # (R,)
    delta_h: NDArray[np.float64]  # (R,)
    present: NDArray[np.bool_]  # (R,)

    @classmethod
    def of(cls, logks: Sequence[LogK | None]) -> LogKTable:
        """The table of ``logks`` (None: a row of zeros)."""
        n = len(logks)
        analytic = np.zeros((n, 6))
        for r, lk in enumerate(logks):
            if lk is not None and lk.analytic:
                analytic[r, : len(lk.analytic)] = lk.analytic
        return cls(
            analytic=analytic,
            is_analytic=np.array([lk is not None and bool(lk.analytic) for lk in logks], bool),
            log_k25=np.array([0.0 if lk is None else lk.log_k25 for lk in logks], float),
            delta_h=np.array([0.0 if lk is None else lk.delta_h for lk in logks], float),
            present=np.array([lk is not None for lk in logks], bool),
        )

    def __call__(self, temperature: NDArray[np.float64]) -> NDArray[np.float64]:
        """log10 K, shape (N, R), at ``temperature`` [K] of shape (N,)."""
        t = np.asarray(temperature, dtype=float).reshape(-1, 1)
        a = self.analytic
        with np.errstate(all="ignore"):
            ana = (
                a[:, 0]
                + a[:, 1] * t
                + a[:, 2] / t
                + a[:, 3] * np.log10(t)
                + a[:, 4] / (t * t)
                + a[:, 5] * t * t
            )
            vh = self.log_k25 - self.delta_h / (R_GAS * math.log(10.0)) * (1.0 / t - 1.0 / 298.15)
        out = np.where(self.is_analytic, ana, vh)
        return np.asarray(np.where(self.present, out, 0.0))
