"""Filtering and drying a crystal cake: what a product carries of the liquor it grew in.

A filtered cake holds liquor in its pores, ``cake_liquor`` kg per kg of crystals; a dryer
evaporates that liquor's water down to a residual ``moisture`` (mass fraction of the dried
product), and the liquor's solutes stay in the product as the impurities that decide its grade
(NaCl and MgCl2 in potash, Na in lithium carbonate). The dryer's heat is the water evaporated
times its latent and sensible heat, over the dryer's thermal efficiency.
"""

from __future__ import annotations

from dataclasses import dataclass

from brineworks.process.stream import Stream

__all__ = ["LATENT_HEAT", "DriedCake", "dry_cake"]

LATENT_HEAT = 2.257e6
"""Enthalpy of vaporisation of water at 100 °C. [J/kg] (IAPWS-IF97: 2256.5 kJ/kg)"""

_SENSIBLE = 4181.0 * 75.0
"""Water heated from 25 to 100 °C before it evaporates. [J/kg]"""


@dataclass(frozen=True)
class DriedCake:
    """A dried product and what drying it took.

    Attributes
    ----------
    product
        Crystals, the solutes of the liquor they kept, and residual water. [kg/s]
    vapour
        Water evaporated. [kg/s]
    liquor_left
        The liquor not taken up by the cake. [kg/s]
    heat
        Dryer heat duty. [W]
    """

    product: Stream
    vapour: Stream
    liquor_left: Stream
    heat: float


def dry_cake(
    crystals: Stream,
    liquor: Stream,
    *,
    cake_liquor: float,
    moisture: float,
    efficiency: float,
) -> DriedCake:
    """Filter ``crystals`` out of ``liquor`` keeping ``cake_liquor`` kg of liquor per kg of
    crystals, and dry the cake to ``moisture`` (mass fraction of water in the product) with a
    dryer of thermal ``efficiency``. The cake cannot keep more liquor than there is.
    """
    wanted = cake_liquor * crystals.total
    share = min(wanted / liquor.total, 1.0) if liquor.total > 0 else 0.0
    held = liquor.scaled(share)
    left = liquor.scaled(1.0 - share)
    solids = {k: v for k, v in held.flows.items() if k != "H2O" and v > 0}
    dry_mass = crystals.total + sum(solids.values())
    water_kept = min(held.get("H2O"), moisture / (1.0 - moisture) * dry_mass)
    evaporated = held.get("H2O") - water_kept
    flows = dict(crystals.flows)
    for k, v in solids.items():
        flows[k] = flows.get(k, 0.0) + v
    if water_kept > 0:
        flows["H2O"] = flows.get("H2O", 0.0) + water_kept
    t = crystals.temperature
    return DriedCake(
        product=Stream(flows, t),
        vapour=Stream({"H2O": evaporated} if evaporated > 0 else {}, t),
        liquor_left=left,
        heat=evaporated * (LATENT_HEAT + _SENSIBLE) / efficiency,
    )
