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

__all__ = ["dose_to_spec", "equilibrium_outlets", "minimum_water"]


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
    rtol: float = 1e-6,
) -> tuple[float, Equilibrium]:
    """The smallest dose of ``reagent`` [mol per kg of the brine's water] at which the
    liquor equilibrated by ``backend`` meets its specification, ``excess(eq) <= 0``; zero if it
    already does.

    ``excess`` must fall as the dose grows (dissolved Mg under a base, pH under an acid). The
    dose is bracketed by doubling from ``first`` and then bisected to ``rtol``.

    Raises
    ------
    ChemistryError
        If no dose up to ``limit`` meets the specification (``what`` describes it).
    """
    eq = backend.equilibrate(brine, phases)
    if excess(eq) <= 0:
        return 0.0, eq
    lo, hi = 0.0, first
    eq_hi = backend.equilibrate(brine, phases, added={reagent: hi})
    while excess(eq_hi) > 0:
        lo, hi = hi, 2.0 * hi
        if hi > limit:
            raise ChemistryError(f"no dose of {reagent} up to {limit:.4g} mol/kgw {what}")
        eq_hi = backend.equilibrate(brine, phases, added={reagent: hi})
    while hi - lo > rtol * hi:
        mid = 0.5 * (lo + hi)
        eq_mid = backend.equilibrate(brine, phases, added={reagent: mid})
        if excess(eq_mid) > 0:
            lo = mid
        else:
            hi, eq_hi = mid, eq_mid
    return hi, eq_hi


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
    rtol: float = 1e-7,
) -> float:
    """The least fresh water [kg/s] at which ``left(equilibrium(water))`` (the amount of a
    solid still undissolved) is zero: bracketed by doubling from ``start``, then bisected in
    log space.

    Raises
    ------
    ChemistryError
        If even 2^40 times ``start`` leaves the solid undissolved.
    """
    lo, hi = start / 1000.0, start
    for _ in range(40):
        if left(equilibrium(hi)) <= 1e-12:
            break
        lo, hi = hi, hi * 2.0
    else:  # pragma: no cover - would need absurd water
        raise ChemistryError("the solids did not dissolve with any amount of water tried")
    while hi - lo > rtol * hi:
        mid = math.sqrt(lo * hi)
        if left(equilibrium(mid)) > 1e-12:
            lo = mid
        else:
            hi = mid
    return hi
