"""Washing a crystal product: soluble impurities leave with the wash water, by equilibrium.

The crystals are brought to equilibrium with ``washing_factor`` kg of fresh water per kg of
solids at the wash temperature, in the chemistry backend: what dissolves (the halite a Li2CO3
cake carries, and the share of the product its own solubility costs) leaves with the wash
liquor, what stays solid is the washed product. Named products are mapped to their database
solids (Li2CO3 → zabuyelite, KCl → sylvite, NaCl → halite) and back.
"""

from __future__ import annotations

from collections.abc import Mapping

from brineworks.chemistry.ions import ION_KEYS
from brineworks.constants import KELVIN_OFFSET
from brineworks.errors import ChemistryError
from brineworks.process.stream import Stream, component_molar_mass, stream_to_brine
from brineworks.process.unit import SolveContext, Unit, register_unit
from brineworks.process.units.dosing import equilibrium_outlets
from brineworks.process.units.drying import dry_cake
from brineworks.process.units.lithium import CP_WATER

__all__ = ["Washer"]

PRODUCT_PHASES = {"Li2CO3": "Zabuyelite", "KCl": "Sylvite", "NaCl": "Halite"}
"""Named products and the database solid each is."""

_TRACE = {"Na": 1e-9, "Cl": 1e-9}  # mol/kgw: defines fresh water as a brine


@register_unit
class Washer(Unit):
    """``solids`` in; ``washed`` (the dried product, with the salts of the wash liquor its cake
    kept), ``wash_liquor`` and the dryer's ``vapour`` out; wash water as a utility.

    Parameters of the ``washer`` family: ``washing_factor`` [kg water per kg solids],
    ``temperature_c``, ``water_temperature_c``, ``cake_liquor`` [kg/kg], ``product_moisture``
    and ``dryer_efficiency``.
    """

    kind = "washer"
    family = "washer"
    utility_names = ("wash water",)
    inlets = ("solids",)
    outlets = ("washed", "wash_liquor", "vapour")
    product_outlets = ("washed",)

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["solids"]
        p = self.params
        t = p["temperature_c"] + KELVIN_OFFSET
        backend = self.backend
        liquid = {*ION_KEYS, "H2O", "Hplus", "OHminus"}
        held = Stream({k: v for k, v in feed.flows.items() if k in liquid}, t)
        crystals_in = {k: v for k, v in feed.flows.items() if k not in liquid and v > 0}
        phases = {PRODUCT_PHASES.get(k, k): v for k, v in crystals_in.items()}
        unknown = [k for k in phases if k not in backend.phases]
        if unknown or not phases:
            raise ChemistryError(
                f"{self.name}: the feed must be a crystal cake (database solids or "
                f"{', '.join(PRODUCT_PHASES)}, with any liquor it holds), got "
                f"{', '.join(unknown) or 'no solids'}"
            )
        solids_mass = sum(crystals_in.values())
        water = p["washing_factor"] * solids_mass  # kg/s of wash water
        # The wash: the cake's own liquor plus the wash water (a trace of NaCl defines pure
        # water as a brine for the backend, and is taken out again).
        solutes = {k: v for k, v in held.flows.items() if k in ION_KEYS}
        trace = {} if solutes else {el: m * water for el, m in _TRACE.items()}
        if not solutes:
            solutes = {k: n * component_molar_mass(k) for k, n in trace.items()}
        total_water = water + held.get("H2O")
        brine = stream_to_brine(Stream({**solutes, "H2O": total_water}, t), f"{self.name} wash")[0]
        amounts = {ph: v / component_molar_mass(ph) / total_water for ph, v in phases.items()}
        eq = backend.equilibrate(brine, amounts)
        solids, liquor = equilibrium_outlets(
            eq, total_water, feed.total + water, t, trace, excess=feed.nominal_excess()
        )
        # Each solid keeps the name it came in under (Li2CO3 stays Li2CO3, Halite stays Halite).
        names = {PRODUCT_PHASES.get(k, k): k for k in feed.flows}
        crystals = Stream({names.get(ph, ph): m for ph, m in solids.items()}, t)
        cake = dry_cake(
            crystals, liquor, cake_liquor=p["cake_liquor"], moisture=p["product_moisture"],
            efficiency=p["dryer_efficiency"],
        )  # fmt: skip
        ctx.utilities_in = {"wash water": Stream({"H2O": water}, t)}
        ctx.fresh_water = water
        rise = p["temperature_c"] - p["water_temperature_c"]
        if rise > 0:
            ctx.heat = water * CP_WATER * rise  # W
            ctx.energy_notes.append(
                f"heat: wash water {p['water_temperature_c']:g} -> {p['temperature_c']:g} °C at "
                f"cp {CP_WATER / 1000:g} kJ/(kg K), no recovery"
            )
        ctx.heat += cake.heat
        ctx.energy_notes.append(
            f"heat: dryer, cake liquor {p['cake_liquor']:g} kg/kg dried to "
            f"{p['product_moisture']:g} at efficiency {p['dryer_efficiency']:g}"
        )
        kept = {k: crystals.get(k) / v for k, v in crystals_in.items()}
        ctx.notes = [
            f"{p['washing_factor']:g} kg water per kg at {p['temperature_c']:g} °C; kept: "
            + ", ".join(f"{k} {v:.3f}" for k, v in kept.items())
        ]
        return {"washed": cake.product, "wash_liquor": cake.liquor_left, "vapour": cake.vapour}
