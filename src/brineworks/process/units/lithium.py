"""Lithium from old brine: adsorption (Al-based sorbent) and Li2CO3 precipitation with soda ash.

Adsorption is parameterised (recovery, eluate strength, co-extraction: sourced or marked
assumptions in ``unit_parameters.csv``). Precipitation is decided by thermodynamics: the
eluate plus the soda-ash dose is brought to equilibrium with zabuyelite (Li2CO3) at the reactor
temperature, so the yield follows from Li2CO3 solubility in the actual liquor.
"""

from __future__ import annotations

from collections.abc import Mapping

from brineworks.chemistry.evaporation import candidate_phases
from brineworks.constants import KELVIN_OFFSET
from brineworks.errors import ChemistryError
from brineworks.process.stream import (
    Stream,
    component_molar_mass,
    stream_to_brine,
)
from brineworks.process.unit import SolveContext, Unit, register_unit
from brineworks.process.units.dosing import equilibrium_outlets

__all__ = ["LithiumAdsorption", "LithiumCarbonate"]

_CATIONS = ("Na", "K", "Mg", "Ca", "Sr")

CP_WATER = 4181.0
"""Isobaric heat capacity of liquid water, 25–85 °C mean. [J/(kg K)] (IAPWS-95: 4.18 at 25 °C,
4.20 at 85 °C; Wagner & Pruß 2002, J. Phys. Chem. Ref. Data 31, 387)"""


@register_unit
class LithiumAdsorption(Unit):
    """``brine`` in; ``eluate`` (LiCl-rich) and ``raffinate`` (tail brine) out; desorption
    water as a utility."""

    kind = "lithium_adsorption"
    family = "lithium_adsorption"
    utility_names = ("desorption water",)
    inlets = ("brine",)
    outlets = ("eluate", "raffinate")

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["brine"]
        p = self.params
        t = feed.temperature
        li = feed.get("Li") * p["li_recovery"]
        if li <= 0:
            raise ChemistryError(f"{self.name}: the feed carries no lithium")
        eluate: dict[str, float] = {"Li": li}
        for c in _CATIONS:
            if feed.get(c) > 0:
                eluate[c] = feed.get(c) * p["co_extraction"]
        # Chloride balances the extracted cations (the sorbent takes up the chloride salts).
        charge = {"Li": 1, "Na": 1, "K": 1, "Mg": 2, "Ca": 2, "Sr": 2}
        eq = sum(charge[k] * v / component_molar_mass(k) for k, v in eluate.items())
        eluate["Cl"] = eq * component_molar_mass("Cl")
        if eluate["Cl"] > feed.get("Cl"):
            raise ChemistryError(f"{self.name}: not enough chloride in the feed for the eluate")
        water = li / (p["eluate_li_mg_per_kg"] * 1e-6)
        eluate["H2O"] = water
        raffinate = {k: v - eluate.get(k, 0.0) for k, v in feed.flows.items() if k != "H2O"}
        raffinate["H2O"] = feed.get("H2O")
        ctx.utilities_in = {"desorption water": Stream({"H2O": water}, t)}
        ctx.fresh_water = water
        return {"eluate": Stream(eluate, t), "raffinate": Stream(raffinate, t)}


@register_unit
class LithiumCarbonate(Unit):
    """``eluate`` in; ``li2co3`` (the filtered cake: crystals with the mother liquor it holds,
    ``cake_liquor`` kg per kg) and ``mother_liquor`` out; soda ash as a utility.

    The soda-ash dose is ``soda_ash_factor`` × stoichiometric (Na2CO3 : 2 Li); the Li2CO3
    precipitated is what equilibrium with zabuyelite leaves undissolved at the reactor
    temperature.
    """

    kind = "lithium_carbonate"
    family = "lithium_carbonate"
    utility_names = ("soda ash",)
    inlets = ("eluate",)
    outlets = ("li2co3", "mother_liquor")

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["eluate"]
        p = self.params
        t = p["temperature_c"] + KELVIN_OFFSET
        li_mol = feed.get("Li") / component_molar_mass("Li")
        if li_mol <= 0:
            raise ChemistryError(f"{self.name}: the eluate carries no lithium")
        soda = p["soda_ash_factor"] * li_mol / 2.0  # mol/s Na2CO3
        reactor, water = stream_to_brine(feed, f"{self.name} reactor", t)
        backend = self.backend
        phases = candidate_phases(reactor, backend, ("Na", "C"))
        eq = backend.equilibrate(reactor, phases, added={"Na2CO3": soda / water})
        soda_stream = Stream({"Na2CO3": soda * component_molar_mass("Na2CO3")}, t)
        solids, liquor = equilibrium_outlets(
            eq, water, feed.total + soda_stream.total, t, excess=feed.nominal_excess()
        )
        li2co3 = solids.pop("Zabuyelite", 0.0) / component_molar_mass("Li2CO3")  # mol/s
        product_flows = {"Li2CO3": li2co3 * component_molar_mass("Li2CO3"), **solids}
        product = Stream(product_flows, t)
        ctx.utilities_in = {"soda ash": soda_stream}
        # Heat duty: the feed's water brought from its temperature to the reactor's (sensible
        # heat only: no heat recovery, the salts' heat capacity and heats of reaction left out).
        rise = t - feed.temperature
        if rise > 0:
            ctx.heat = feed.get("H2O") * CP_WATER * rise  # W
            ctx.energy_notes.append(
                f"heat: sensible heat of the feed water {feed.temperature - KELVIN_OFFSET:.0f} -> "
                f"{p['temperature_c']:g} °C at cp {CP_WATER / 1000:g} kJ/(kg K), no recovery"
            )
        purity = product_flows["Li2CO3"] / product.total if product.total > 0 else 0.0
        # The filtered cake carries mother liquor to the wash (it is where the product's sodium
        # comes from).
        held = min(p["cake_liquor"] * product.total / liquor.total, 1.0) if liquor.total else 0.0
        cake = Stream.mix([product, liquor.scaled(held)])
        liquor = liquor.scaled(1.0 - held)
        ctx.notes = [
            f"Li2CO3 yield {2 * li2co3 / li_mol:.3f} of the Li fed, from zabuyelite solubility "
            f"at {p['temperature_c']:g} °C; solid {purity:.4f} Li2CO3 by mass"
            + ("" if not solids else " (co-precipitated: " + ", ".join(sorted(solids)) + ")")
        ]
        return {"li2co3": cake, "mother_liquor": liquor}
