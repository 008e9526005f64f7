"""Magnesium removal from a lithium liquor by hydroxide precipitation.

Before Li2CO3 is precipitated, the magnesium that the sorbent co-extracts must leave the
eluate, or it takes up carbonate and contaminates the product. The unit doses a base (NaOH from
the park's chlor-alkali plant, or slaked lime) until the dissolved magnesium falls to a target
residual; the dose and what precipitates (brucite, and whatever else the liquor saturates in)
follow from equilibrium in the chemistry backend, not from a stoichiometric factor: the base
that stays in solution to hold the pH up, and the magnesium that a given pH leaves dissolved,
are what the model decides.
"""

from __future__ import annotations

from collections.abc import Mapping

from brineworks.chemistry.backend import get_backend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.evaporation import candidate_phases
from brineworks.chemistry.formula import parse_formula
from brineworks.chemistry.results import Equilibrium
from brineworks.errors import InputError
from brineworks.process.stream import Stream, component_molar_mass, stream_to_brine
from brineworks.process.unit import Unit, register_unit
from brineworks.process.units.dosing import dose_to_spec, equilibrium_outlets

__all__ = ["REAGENTS", "MagnesiumRemoval", "dose_to_residual"]

REAGENTS = {"NaOH": ("NaOH", 1), "Ca(OH)2": ("CaOH2", 2)}
"""Bases the unit can dose: formula → (stream component, OH- per formula unit)."""

_MG = component_molar_mass("Mg")


def dose_to_residual(
    brine: Brine,
    reagent: str,
    target: float,
    phases: tuple[str, ...],
    *,
    rtol: float = 1e-6,
) -> tuple[float, Equilibrium]:
    """The smallest dose of ``reagent`` that leaves at most ``target`` mol/kgw of dissolved Mg
    [mol per kg of the brine's water]; dissolved Mg falls monotonically with the dose of a base.

    Raises
    ------
    ChemistryError
        If no dose up to ten times the stoichiometric one reaches the target.
    """
    mg0 = brine.molality.get("Mg", 0.0)
    stoich = 2.0 * mg0 / REAGENTS[reagent][1]
    return dose_to_spec(
        brine, reagent, phases, lambda eq: eq.solution.molality.get("Mg", 0.0) - target,
        first=max(stoich, 1e-9), limit=10.0 * max(stoich, 1e-9), rtol=rtol,
        what=f"(ten times the stoichiometric) brings dissolved Mg from {mg0:.4g} to "
        f"{target:.4g} mol/kgw",
    )  # fmt: skip


@register_unit
class MagnesiumRemoval(Unit):
    """``liquor`` in; ``purified`` liquor and ``sludge`` (the precipitated solids) out.

    The base is bought in as a utility; its self-sufficiency is counted against what the park
    makes (e.g. chlor-alkali NaOH sent to reuse).

    Parameters
    ----------
    name
        Unit name.
    params
        Overrides of the ``magnesium_removal`` parameters: ``mg_residual_mg_per_kg`` (the
        target dissolved Mg [mg per kg of water]) and ``temperature_c``.
    reagent
        ``"NaOH"`` (default) or ``"Ca(OH)2"``.
    """

    kind = "magnesium_removal"
    family = "magnesium_removal"
    inlets = ("liquor",)
    outlets = ("purified", "sludge")

    def __init__(
        self, name: str, params: Mapping[str, float] | None = None, reagent: str = "NaOH"
    ) -> None:
        super().__init__(name, params)
        if reagent not in REAGENTS:
            raise InputError(f"{name}.reagent", reagent, "one of " + ", ".join(REAGENTS))
        self.reagent = reagent

    def solve(self, inputs: Mapping[str, Stream]) -> dict[str, Stream]:
        feed = inputs["liquor"]
        p = self.params
        t = p["temperature_c"] + 273.15
        brine, water = stream_to_brine(feed, f"{self.name} feed")
        brine = Brine(molality=brine.molality, temperature=t, name=brine.name, exact=True)
        target = p["mg_residual_mg_per_kg"] * 1e-6 / _MG  # mol/kgw
        extra = set(parse_formula(self.reagent)) - {"H", "O"}
        phases = candidate_phases(brine, get_backend(), extra)
        dose, eq = dose_to_residual(brine, self.reagent, target, phases)
        component, per_oh = REAGENTS[self.reagent]
        reagent_kg = dose * water * component_molar_mass(component)  # kg/s
        solids, purified = equilibrium_outlets(eq, water, feed.total + reagent_kg, t)
        self.utilities_in = {self.reagent: Stream({component: reagent_kg}, t)} if dose else {}
        removed = 1.0 - purified.get("Mg") / feed.get("Mg") if feed.get("Mg") > 0 else 0.0
        self.performance.notes = [
            f"{self.reagent} dose {dose:.4g} mol/kgw "
            f"({dose * per_oh / (2 * brine.molality.get('Mg', 1.0)):.3f} × "
            f"stoichiometric) to {p['mg_residual_mg_per_kg']:g} mg/kg Mg; pH {eq.solution.pH:.2f}; "
            f"{removed:.4f} of the Mg removed"
        ]
        return {"purified": purified, "sludge": Stream(solids, t)}
