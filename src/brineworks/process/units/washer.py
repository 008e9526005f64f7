"""Washing a crystal product: soluble impurities leave with the wash water, by equilibrium.

The crystals are brought to equilibrium with ``washing_factor`` kg of fresh water per kg of
solids at the wash temperature, in the chemistry backend: what dissolves (the halite a Li2CO3
cake carries, and the share of the product its own solubility costs) leaves with the wash
liquor, what stays solid is the washed product. Named products are mapped to their database
solids (Li2CO3 → zabuyelite, KCl → sylvite, NaCl → halite) and back.
"""

from __future__ import annotations

from collections.abc import Mapping

from brineworks.chemistry.brine import Brine
from brineworks.constants import KELVIN_OFFSET
from brineworks.errors import ChemistryError
from brineworks.process.stream import Stream, component_molar_mass
from brineworks.process.unit import SolveContext, Unit, register_unit
from brineworks.process.units.dosing import equilibrium_outlets
from brineworks.process.units.lithium import CP_WATER

__all__ = ["Washer"]

PRODUCT_PHASES = {"Li2CO3": "Zabuyelite", "KCl": "Sylvite", "NaCl": "Halite"}
"""Named products and the database solid each is."""

_TRACE = {"Na": 1e-9, "Cl": 1e-9}  # mol/kgw: defines fresh water as a brine


@register_unit
class Washer(Unit):
    """``solids`` in; ``washed`` solids and ``wash_liquor`` out; wash water as a utility.

    Parameters of the ``washer`` family: ``washing_factor`` [kg water per kg solids] and
    ``temperature_c``.
    """

    kind = "washer"
    family = "washer"
    utility_names = ("wash water",)
    inlets = ("solids",)
    outlets = ("washed", "wash_liquor")

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["solids"]
        p = self.params
        t = p["temperature_c"] + KELVIN_OFFSET
        backend = self.backend
        phases = {PRODUCT_PHASES.get(k, k): v for k, v in feed.flows.items() if v > 0}
        unknown = [k for k in phases if k not in backend.phases]
        if unknown or "H2O" in phases:
            raise ChemistryError(
                f"{self.name}: the feed must be solids only (database solids or "
                f"{', '.join(PRODUCT_PHASES)}), got {', '.join(unknown) or 'water'}"
            )
        water = p["washing_factor"] * feed.total  # kg/s
        amounts = {ph: v / component_molar_mass(ph) / water for ph, v in phases.items()}
        brine = Brine(molality=dict(_TRACE), temperature=t, name=f"{self.name} water", exact=True)
        eq = backend.equilibrate(brine, amounts)
        # The trace that made fresh water a brine is taken out again, so elements balance exactly.
        trace = {el: m * water for el, m in _TRACE.items()}
        solids, liquor = equilibrium_outlets(eq, water, feed.total + water, t, trace)
        # Each solid keeps the name it came in under (Li2CO3 stays Li2CO3, Halite stays Halite).
        names = {PRODUCT_PHASES.get(k, k): k for k in feed.flows}
        washed = Stream({names.get(ph, ph): m for ph, m in solids.items()}, t)
        ctx.utilities_in = {"wash water": Stream({"H2O": water}, t)}
        ctx.fresh_water = water
        rise = p["temperature_c"] - p["water_temperature_c"]
        if rise > 0:
            ctx.heat = water * CP_WATER * rise  # W
            ctx.energy_notes.append(
                f"heat: wash water {p['water_temperature_c']:g} -> {p['temperature_c']:g} °C at "
                f"cp {CP_WATER / 1000:g} kJ/(kg K), no recovery"
            )
        kept = {k: washed.get(k) / feed.get(k) for k in feed.flows if feed.get(k) > 0}
        ctx.notes = [
            f"{p['washing_factor']:g} kg water per kg at {p['temperature_c']:g} °C; kept: "
            + ", ".join(f"{k} {v:.3f}" for k, v in kept.items())
        ]
        return {"washed": washed, "wash_liquor": liquor}
