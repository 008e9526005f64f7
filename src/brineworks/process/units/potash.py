"""Potash (KCl) from carnallite ore: reverse flotation then cold decomposition.

Cold decomposition is decided by thermodynamics: fresh water is added to the flotation
concentrate until all carnallite has decomposed into sylvite (KCl) and a MgCl2 mother liquor;
the water needed is the smallest amount that leaves no carnallite at equilibrium (found by
bisection with the backend's ``equilibrate``), plus a design margin. Flotation and
crystallisation efficiencies are parameters with sources (``unit_parameters.csv``).
"""

from __future__ import annotations

from collections.abc import Mapping

from brineworks.chemistry.brine import Brine
from brineworks.chemistry.ions import ION_KEYS
from brineworks.chemistry.results import Equilibrium
from brineworks.constants import KELVIN_OFFSET
from brineworks.errors import ChemistryError
from brineworks.process.stream import (
    Stream,
    component_molar_mass,
    solution_stream,
    stream_to_brine,
)
from brineworks.process.unit import SolveContext, Unit, register_unit
from brineworks.process.units.dosing import minimum_water
from brineworks.process.units.drying import dry_cake

__all__ = ["PotashPlant"]

_K_SOLIDS = ("Carnallite", "Sylvite", "Kainite", "Polyhalite", "Leonite", "Schoenite", "Glaserite")
_DECOMPOSITION_SOLIDS = ("Carnallite", "Sylvite", "Halite")


@register_unit
class PotashPlant(Unit):
    """``ore`` in; ``kcl`` (the dried product, with the salts of the mother liquor its cake
    kept), ``tailings``, ``mother_liquor`` and the dryer's ``vapour`` out; fresh water as a
    utility decided by equilibrium."""

    kind = "potash_plant"
    family = "potash_plant"
    utility_names = ("fresh water",)
    inlets = ("ore",)
    outlets = ("kcl", "tailings", "mother_liquor", "vapour")
    product_outlets = ("kcl",)  # the mother liquor carries the KCl lost in crystallisation

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        ore = inputs["ore"]
        p = self.params
        t = p["temperature_c"] + KELVIN_OFFSET
        solids = {k: v for k, v in ore.flows.items() if k not in ION_KEYS and k != "H2O"}
        liquor = {k: v for k, v in ore.flows.items() if k in ION_KEYS or k == "H2O"}

        # 1. Reverse flotation: halite floated off; K-bearing solids to the concentrate.
        conc: dict[str, float] = {}
        tails: dict[str, float] = {}
        for k, v in solids.items():
            if k in _K_SOLIDS:
                f = p["flotation_k_recovery"]
            elif k == "Halite":
                f = 1.0 - p["flotation_halite_rejection"]
            else:
                f = 0.0
            conc[k], tails[k] = v * f, v * (1.0 - f)
        # entrained liquor follows the concentrate
        conc_liquor = Stream(liquor, t)

        # 2. Cold decomposition with the equilibrium amount of fresh water.
        backend = self.backend
        mol = {k: conc.get(k, 0.0) / component_molar_mass(k) for k in _DECOMPOSITION_SOLIDS}
        if mol["Carnallite"] <= 0:
            raise ChemistryError(f"{self.name}: the ore carries no carnallite to decompose")

        def equilibrium(water: float) -> Equilibrium:
            total_water = water + conc_liquor.get("H2O")
            brine = _brine(conc_liquor, total_water, t)
            amounts = {k: n / total_water for k, n in mol.items()}
            return backend.equilibrate(brine, amounts)

        w_min = minimum_water(
            equilibrium, lambda eq: eq.solids.get("Carnallite", 0.0), mol["Carnallite"] * 0.5
        )
        water = w_min * (1.0 + p["decomposition_water_excess"])
        eq = equilibrium(water)
        total_water = water + conc_liquor.get("H2O")
        kcl_mol = eq.solids.get("Sylvite", 0.0) * total_water
        halite_mol = eq.solids.get("Halite", 0.0) * total_water
        product_kcl = kcl_mol * component_molar_mass("KCl") * p["kcl_recovery"]
        lost_kcl = kcl_mol * component_molar_mass("KCl") - product_kcl
        product_nacl = halite_mol * component_molar_mass("NaCl") * p["kcl_recovery"]
        lost_nacl = halite_mol * component_molar_mass("NaCl") - product_nacl

        liquor_elements = {el: m * eq.solution.mass_water * total_water
                           for el, m in eq.solution.molality.items()}  # fmt: skip
        decomposition_in = Stream.mix(
            [conc_liquor, Stream({k: v for k, v in conc.items() if k in _DECOMPOSITION_SOLIDS}, t),
             Stream({"H2O": water}, t)]
        )  # fmt: skip
        # Mother liquor: what stays dissolved, plus the KCl/NaCl lost in crystallisation.
        liquor_mass = (
            decomposition_in.total
            - kcl_mol * component_molar_mass("KCl")
            - (halite_mol * component_molar_mass("NaCl"))
        )
        # The product cake keeps some mother liquor, whose salts stay in the dried KCl; the rest
        # of the liquor, with the KCl/NaCl lost in crystallisation, is the mother liquor.
        cake = dry_cake(
            Stream({"KCl": product_kcl, "NaCl": product_nacl}, t),
            solution_stream(liquor_elements, liquor_mass, t),
            cake_liquor=p["cake_liquor"], moisture=p["product_moisture"],
            efficiency=p["dryer_efficiency"],
        )  # fmt: skip
        mother = Stream.mix([cake.liquor_left, Stream({"KCl": lost_kcl, "NaCl": lost_nacl}, t)])
        ctx.heat = cake.heat
        ctx.energy_notes.append(
            f"heat: dryer, {cake.vapour.total / max(product_kcl, 1e-300):.3g} t water per t KCl "
            f"evaporated at efficiency {p['dryer_efficiency']:g}"
        )
        # Solids that neither float off nor decompose (kieserite, bischofite …) leave with the
        # tailings too.
        tailing_flows = {k: v for k, v in tails.items() if v > 0}
        for k, v in conc.items():
            if k not in _DECOMPOSITION_SOLIDS and v > 0:
                tailing_flows[k] = tailing_flows.get(k, 0.0) + v
        tailings = Stream(tailing_flows, t)
        ctx.utilities_in = {"fresh water": Stream({"H2O": water}, t)}
        ctx.fresh_water = water
        ctx.notes = [
            f"cold decomposition water {water / max(kcl_mol * 0.074551, 1e-300):.3g} t per t KCl "
            "crystallised (equilibrium minimum + margin)"
        ]
        return {
            "kcl": cake.product,
            "tailings": tailings,
            "mother_liquor": mother,
            "vapour": cake.vapour,
        }

    def overall_k_yield(self, ore: Stream, kcl: Stream) -> float:
        """K in the product over K in the ore. [-]"""
        return kcl.elements().get("K", 0.0) / ore.elements()["K"]


def _brine(liquor: Stream, water: float, temperature: float) -> Brine:
    """The entrained liquor diluted to ``water`` [kg/s] of water, at ``temperature`` [K]."""
    solutes = {k: v for k, v in liquor.flows.items() if k != "H2O"}
    if not any(v > 0 for v in solutes.values()):  # fresh water only: a trace defines the brine
        solutes = {"Na": 1e-9 * 0.02299, "Cl": 1e-9 * 0.03545}
    diluted = Stream({**solutes, "H2O": water}, temperature)
    return stream_to_brine(diluted, "decomposition liquor")[0]
