"""Removing magnesium and calcium from a lithium liquor by precipitation.

Before Li2CO3 is precipitated, the magnesium and calcium that the sorbent or membrane carries
along must leave the liquor, or they take up carbonate and contaminate the product. Each unit
doses a reagent until one dissolved element falls to a target residual: magnesium with a base
(NaOH from the park's chlor-alkali plant, or slaked lime) as brucite, calcium with soda ash as
calcite. The dose and what precipitates (and whatever else the liquor saturates in) follow from
equilibrium in the chemistry backend, not from a stoichiometric factor: the reagent that stays
in solution to hold the pH up, and what a given dose leaves dissolved, are the model's answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

from pydantic import field_validator

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.evaporation import candidate_phases
from brineworks.chemistry.formula import parse_formula
from brineworks.chemistry.results import Equilibrium
from brineworks.constants import KELVIN_OFFSET
from brineworks.process.stream import Stream, component_molar_mass, stream_to_brine
from brineworks.process.unit import SolveContext, Unit, UnitOptions, register_unit
from brineworks.process.units.dosing import DOSE_RTOL, dose_to_spec, equilibrium_outlets

__all__ = ["REAGENTS", "CalciumRemoval", "MagnesiumRemoval", "dose_to_residual"]

REAGENTS = {"NaOH": ("NaOH", 1.0), "Ca(OH)2": ("CaOH2", 2.0), "Na2CO3": ("Na2CO3", 2.0)}
"""Reagents: formula → (stream component, equivalents of base per formula unit)."""


def dose_to_residual(
    backend: ThermoBackend,
    brine: Brine,
    reagent: str,
    element: str,
    target: float,
    phases: tuple[str, ...],
    *,
    rtol: float = DOSE_RTOL,
    guess: float | None = None,
) -> tuple[float, Equilibrium]:
    """The smallest dose of ``reagent`` that leaves at most ``target`` mol/kgw of dissolved
    ``element`` (a divalent cation) [mol per kg of the brine's water], equilibria by
    ``backend``; located to ``rtol`` (:func:`dose_to_spec`), the search started near
    ``guess`` if given.

    Raises
    ------
    ChemistryError
        If no dose up to ten times the stoichiometric one reaches the target.
    """
    m0 = brine.molality.get(element, 0.0)
    stoich = max(2.0 * m0 / REAGENTS[reagent][1], 1e-9)
    # In logarithms the excess keeps falling once the target is passed (the residual goes on
    # falling with the pH) instead of flattening at -target: the search interpolates well.
    return dose_to_spec(
        backend, brine, reagent, phases,
        lambda eq: math.log(max(eq.solution.molality.get(element, 0.0), 1e-300) / target),
        first=stoich, limit=10.0 * stoich, rtol=rtol, guess=guess,
        what=f"(ten times the stoichiometric) brings dissolved {element} from {m0:.4g} to "
        f"{target:.4g} mol/kgw",
    )  # fmt: skip


class RemovalOptions(UnitOptions):
    """``reagent``: the precipitating reagent (default: the kind's first; see ``reagents``)."""

    reagents: ClassVar[tuple[str, ...]] = ()
    reagent: str | None = None

    @field_validator("reagent")
    @classmethod
    def _allowed(cls, v: str | None) -> str | None:
        if v is not None and v not in cls.reagents:
            raise ValueError(f"one of {', '.join(cls.reagents)}")
        return v


class MagnesiumRemovalOptions(RemovalOptions):
    """``reagent``: ``NaOH`` (default) or ``Ca(OH)2``."""

    reagents = ("NaOH", "Ca(OH)2")


class CalciumRemovalOptions(RemovalOptions):
    """``reagent``: ``Na2CO3`` (the default and only one)."""

    reagents = ("Na2CO3",)


class _Removal(Unit):
    """``liquor`` in; ``purified`` liquor and ``sludge`` (the precipitated solids) out; the
    reagent is bought in as a utility (its self-sufficiency is counted against what the park
    makes and sends to reuse)."""

    inlets = ("liquor",)
    outlets = ("purified", "sludge")
    element: ClassVar[str]

    @classmethod
    def utilities(cls, options: UnitOptions) -> tuple[str, ...]:
        """The reagent it doses."""
        assert isinstance(options, RemovalOptions)
        return (options.reagent or options.reagents[0],)

    def setup(self) -> None:
        assert isinstance(self.options, RemovalOptions)
        self.reagent = self.options.reagent or self.options.reagents[0]

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["liquor"]
        p = self.params
        el = self.element
        t = p["temperature_c"] + KELVIN_OFFSET
        brine, water = stream_to_brine(feed, f"{self.name} feed", t)
        residual = p[f"{el.lower()}_residual_mg_per_kg"]
        target = residual * 1e-6 / component_molar_mass(el)  # mol/kgw
        extra = set(parse_formula(self.reagent)) - {"H", "O"}
        phases = candidate_phases(brine, self.backend, extra)
        m_el = brine.molality.get(el, 0.0)
        last = ctx.previous.warm_start if ctx.previous is not None else None
        guess = None
        if isinstance(last, tuple) and last[0] > 0 and last[1] > 0:
            guess = last[0] * m_el / last[1]  # the last dose, scaled to the element fed
        dose, eq = dose_to_residual(
            self.backend, brine, self.reagent, el, target, phases, guess=guess
        )
        ctx.warm_start = (dose, m_el)
        component, equivalents = REAGENTS[self.reagent]
        reagent_kg = dose * water * component_molar_mass(component)  # kg/s
        solids, purified = equilibrium_outlets(
            eq, water, feed.total + reagent_kg, t, excess=feed.nominal_excess()
        )
        ctx.utilities_in = {self.reagent: Stream({component: reagent_kg}, t)} if dose else {}
        removed = 1.0 - purified.get(el) / feed.get(el) if feed.get(el) > 0 else 0.0
        stoich = dose * equivalents / (2 * brine.molality[el]) if brine.molality.get(el) else 0
        ctx.notes = [
            f"{self.reagent} dose {dose:.4g} mol/kgw ({stoich:.3f} × stoichiometric) to "
            f"{residual:g} mg/kg {el}; pH {eq.solution.pH:.2f}; {removed:.4f} of the {el} removed"
        ]
        return {"purified": purified, "sludge": Stream(solids, t)}


@register_unit
class MagnesiumRemoval(_Removal):
    """Magnesium precipitated as brucite with NaOH (default) or slaked lime, ``Ca(OH)2``.

    Parameters of the ``magnesium_removal`` family: ``mg_residual_mg_per_kg`` (the target
    dissolved Mg [mg per kg of water]) and ``temperature_c``.
    """

    kind = "magnesium_removal"
    family = "magnesium_removal"
    element = "Mg"
    Options = MagnesiumRemovalOptions


@register_unit
class CalciumRemoval(_Removal):
    """Calcium precipitated as calcite with soda ash, ``Na2CO3``.

    Parameters of the ``calcium_removal`` family: ``ca_residual_mg_per_kg`` and
    ``temperature_c``.
    """

    kind = "calcium_removal"
    family = "calcium_removal"
    element = "Ca"
    Options = CalciumRemovalOptions
