"""Reagent dosing by equilibrium: the shared machinery of the reactive plants.

A plant that doses a reagent until the liquor meets a specification (dissolved Mg, pH …) asks
:func:`dose_to_spec` for the smallest dose whose equilibrium meets it, and turns the
equilibrium into its outlets with :func:`equilibrium_outlets`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.results import Equilibrium
from brineworks.errors import ChemistryError
from brineworks.process.stream import Stream, component_molar_mass, solution_stream

__all__ = ["DOSE_RTOL", "dose_to_spec", "equilibrium_outlets", "minimum_water"]

DOSE_RTOL = 1e-10
"""Relative width of the bracket within which the plants locate a dose (reagent to a residual
or a pH): far below what the results are read to, so that a search started from the last
recycle pass's dose and one started cold agree to it. [-]"""


def dose_to_spec(
    backend: ThermoBackend,
    brine: Brine,
    reagent: str,
    phases: Sequence[str],
    excess: Callable[[Equilibrium], float],
    *,
    first: float,
    limit: float,
    what: str,
    rtol: float = DOSE_RTOL,
    guess: float | None = None,
) -> tuple[float, Equilibrium]:
    """The smallest dose of ``reagent`` [mol per kg of the brine's water] at which the
    liquor equilibrated by ``backend`` meets its specification, ``excess(eq) <= 0``; zero if it
    already does.

    ``excess`` must fall as the dose grows (dissolved Mg under a base, pH under an acid). The
    dose is bracketed by doubling from ``first`` (or, given a ``guess`` such as the dose of the
    last recycle pass, by widening steps around it); the bracket is narrowed by secant steps
    through the doses still short of the specification (beyond the dose sought the excess may
    level off, as a residual does once nothing is left to precipitate) and then by Brent's
    method (inverse quadratic interpolation, secant and bisection steps) until it is at most
    ``rtol`` of the dose wide; the dose returned is the bracket's end that meets the
    specification, with its equilibrium.

    Raises
    ------
    ChemistryError
        If no dose up to ``limit`` meets the specification (``what`` describes it).
    """

    short: list[tuple[float, float]] = []  # (dose, excess > 0) of every dose tried

    def f(dose: float) -> tuple[float, Equilibrium]:
        eq = backend.equilibrate(brine, phases, added={reagent: dose} if dose else None)
        value = excess(eq)
        if value > 0:
            short.append((dose, value))
        return value, eq

    def too_much() -> ChemistryError:
        return ChemistryError(f"no dose of {reagent} up to {limit:.4g} mol/kgw {what}")

    bracket = None
    if guess is not None and 0 < guess <= limit:
        bracket = _bracket_near(f, guess, limit)
        if bracket is None:
            raise too_much()
    if bracket is None:
        f0 = f(0.0)
        if f0[0] <= 0:
            return 0.0, f0[1]
        lo: _Evaluation = (0.0, f0)
        x = first
        hi: _Evaluation = (x, f(x))
        while hi[1][0] > 0:
            lo, x = hi, 2.0 * x
            if x > limit:
                raise too_much()
            hi = (x, f(x))
        bracket = lo, hi
    elif bracket[0][0] == 0.0 and bracket[0][1][0] <= 0:
        return 0.0, bracket[0][1][1]
    (a, (fa, eq_a)), (b, (fb, eq_b)) = bracket
    # Secant steps from the short side first: beyond the dose sought the excess may level off
    # (nothing left to precipitate), which interpolation across the bracket cannot use.
    for _ in range(_SHORT_SIDE_STEPS):
        if fb == 0 or b - a <= rtol * b:
            break
        ahead = _secant_zero(short, a, b)
        if ahead is None:
            break
        fz, eq_z = f(ahead)
        if fz > 0:
            a, fa, eq_a = ahead, fz, eq_z
        else:
            b, fb, eq_b = ahead, fz, eq_z
            break
    if fb == 0 or a == b or b - a <= rtol * b:
        return b, eq_b
    return _brent(f, a, fa, eq_a, b, fb, eq_b, rtol)


_SHORT_SIDE_STEPS = 3
"""Secant steps from the short side of a dose bracket before Brent's method."""


def _secant_zero(short: list[tuple[float, float]], lo: float, hi: float) -> float | None:
    """Where the line through the two largest doses still short of the spec reaches zero
    excess, if that is inside the bracket (lo, hi)."""
    if len(short) < 2:
        return None
    (x1, f1), (x2, f2) = sorted(short)[-2:]
    if not f1 > f2 > 0:
        return None
    zero = x2 + f2 * (x2 - x1) / (f1 - f2)
    return zero if lo < zero < hi else None


_Evaluation = tuple[float, tuple[float, Equilibrium]]
"""A dose and (its excess, its equilibrium)."""


def _bracket_near(
    f: Callable[[float], tuple[float, Equilibrium]], guess: float, limit: float
) -> tuple[_Evaluation, _Evaluation] | None:
    """A bracket (excess > 0 at the first end, ≤ 0 at the second) found by steps widening
    ×8 from 1e-4 of ``guess`` on the side the excess at ``guess`` points to; the first end is
    dose 0 when the search reaches it (excess ≤ 0 there means no dose is needed). ``None`` if
    the excess stays positive up to ``limit``."""
    at = (guess, f(guess))
    width = 1e-4
    if at[1][0] <= 0:  # feasible: look below for the infeasible end
        hi = at
        while True:
            x = guess * (1.0 - width)
            if x <= 0:
                return (0.0, f(0.0)), hi
            trial = (x, f(x))
            if trial[1][0] > 0:
                return trial, hi
            hi, width = trial, width * 8.0
    lo = at
    while True:
        x = min(guess * (1.0 + width), limit)
        trial = (x, f(x))
        if trial[1][0] <= 0:
            return lo, trial
        if x >= limit:
            return None
        lo, width = trial, width * 8.0


def _brent(
    f: Callable[[float], tuple[float, Equilibrium]],
    a: float,
    fa: float,
    eq_a: Equilibrium,
    b: float,
    fb: float,
    eq_b: Equilibrium,
    rtol: float,
) -> tuple[float, Equilibrium]:
    """Brent's root finder (``zeroin``) on a bracket with ``fa > 0 >= fb``, kept as a bracket:
    returns the end where ``f <= 0`` once the bracket is at most ``rtol`` of it wide, with its
    equilibrium.

    Each step is an inverse quadratic interpolation, a secant step or a bisection, whichever
    is safe (Brent 1973, ch. 4); steps are at least the tolerance, so the bracket closes from
    both sides."""
    eps = 2.220446049250313e-16
    c, fc, eq_c = a, fa, eq_a
    d = e = b - a
    while True:
        if (fb > 0) == (fc > 0):
            c, fc, eq_c = a, fa, eq_a
            d = e = b - a
        if abs(fc) < abs(fb):
            a, fa, eq_a = b, fb, eq_b
            b, fb, eq_b = c, fc, eq_c
            c, fc, eq_c = a, fa, eq_a
        tol = 2.0 * eps * abs(b) + 0.25 * rtol * max(abs(b), abs(c))
        m = 0.5 * (c - b)
        if fb == 0:
            return b, eq_b
        if abs(m) <= tol:
            return (b, eq_b) if fb <= 0 else (c, eq_c)
        if abs(e) < tol or abs(fa) <= abs(fb):
            d = e = m
        else:
            s = fb / fa
            if a == c:
                p, q = 2.0 * m * s, 1.0 - s
            else:
                q, r = fa / fc, fb / fc
                p = s * (2.0 * m * q * (q - r) - (b - a) * (r - 1.0))
                q = (q - 1.0) * (r - 1.0) * (s - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if 2.0 * p < min(3.0 * m * q - abs(tol * q), abs(e * q)):
                e, d = d, p / q
            else:
                d = e = m
        a, fa, eq_a = b, fb, eq_b
        b += d if abs(d) > tol else math.copysign(tol, m)
        fb, eq_b = f(b)


def equilibrium_outlets(
    eq: Equilibrium,
    water: float,
    mass_in: float,
    temperature: float,
    trace: Mapping[str, float] | None = None,
    *,
    excess: float = 0.0,
) -> tuple[dict[str, float], Stream]:
    """The solids [kg/s by phase] and the liquor stream of an equilibrium reached by ``water``
    [kg/s] of starting water; ``mass_in`` [kg/s] is everything that went in (feed + reagents),
    so the liquor's mass closes the balance. ``trace`` [mol/s by element] is a solute added
    only to make fresh water a brine for the backend; it is taken out again. ``excess``
    [eq/s] is the charge excess of the feed (``Stream.nominal_excess``), carried on by the
    liquor so that H and O stay conserved (see :func:`solution_stream`)."""
    solids = {ph: n * water * component_molar_mass(ph) for ph, n in eq.solids.items() if n > 0}
    elements = {
        el: m * eq.solution.mass_water * water - (trace or {}).get(el, 0.0)
        for el, m in eq.solution.molality.items()
    }
    for el in trace or {}:  # round-off of a trace taken back out must not go negative
        elements[el] = max(elements.get(el, 0.0), 0.0)
    liquor = solution_stream(elements, mass_in - sum(solids.values()), temperature, excess=excess)
    return solids, liquor


def minimum_water(
    equilibrium: Callable[[float], Equilibrium],
    left: Callable[[Equilibrium], float],
    start: float,
    *,
    rtol: float = 1e-10,
) -> float:
    """The least fresh water [kg/s] at which ``left(equilibrium(water))`` (the amount of a
    solid still undissolved) is zero, to ``rtol``: bracketed by doubling from ``start``, then
    narrowed by secant steps: the undissolved amount extrapolated linearly to zero from the two
    wettest points that still leave some (it falls nearly linearly with water near the end),
    each guess tried a quarter of the tolerance above and, where the solid is gone there, a
    quarter below; where two steps did not halve the bracket, a bisection in log space.

    Raises
    ------
    ChemistryError
        If even 2^40 times ``start`` leaves the solid undissolved.
    """
    lo, hi = start / 1000.0, start
    undissolved: list[tuple[float, float]] = []  # (water, amount left), amount > 0
    for _ in range(40):
        amount = left(equilibrium(hi))
        if amount <= _DISSOLVED:
            break
        undissolved.append((hi, amount))
        lo, hi = hi, hi * 2.0
    else:  # pragma: no cover - would need absurd water
        raise ChemistryError("the solids did not dissolve with any amount of water tried")

    def probe(x: float) -> bool:
        """Try ``x`` kg/s of water: narrow the bracket; whether the solid is gone."""
        nonlocal lo, hi
        amount = left(equilibrium(x))
        if amount > _DISSOLVED:
            lo = max(lo, x)
            undissolved.append((x, amount))
            return False
        hi = min(hi, x)
        return True

    widths = [hi - lo]
    while hi - lo > rtol * hi:
        # bisect where two steps did not halve the bracket (a guess that keeps missing)
        slow = len(widths) > 2 and widths[-1] > 0.5 * widths[-3]
        guess = None if slow else _extrapolated_zero(undissolved, lo, hi)
        if guess is None:
            probe(math.sqrt(lo * hi))
        elif probe(min(guess * (1.0 + 0.25 * rtol), 0.5 * (guess + hi))):
            down = max(guess * (1.0 - 0.25 * rtol), 0.5 * (guess + lo))
            if down > lo:
                probe(down)
        widths.append(hi - lo)
    return hi


_DISSOLVED = 1e-12
"""Undissolved amount below which a solid counts as dissolved. [mol per kg water]"""


def _extrapolated_zero(
    undissolved: list[tuple[float, float]], lo: float, hi: float
) -> float | None:
    """Where the line through the two wettest points that leave solid reaches zero, if that
    is inside the bracket (lo, hi)."""
    if len(undissolved) < 2:
        return None
    (w1, a1), (w2, a2) = sorted(undissolved)[-2:]
    if a1 <= a2:
        return None
    zero = w2 + a2 * (w2 - w1) / (a1 - a2)
    return zero if lo < zero < hi else None
