"""Dissolving harvested salts in fresh water, with the water decided by equilibrium.

The salts of the feed (its solid components) are brought to equilibrium with fresh water; the
water added is the least that leaves none of them undissolved at the dissolver's temperature
(from the chemistry backend), plus a design margin. Used to turn pond bischofite into a MgCl2
liquor for magnesium hydroxide.
"""

from __future__ import annotations

from collections.abc import Mapping

from brineworks.chemistry.ions import ION_KEYS
from brineworks.chemistry.results import Equilibrium
from brineworks.constants import KELVIN_OFFSET
from brineworks.errors import ChemistryError
from brineworks.process.stream import Stream, component_molar_mass, stream_to_brine
from brineworks.process.unit import SolveContext, Unit, register_unit
from brineworks.process.units.dosing import equilibrium_outlets, minimum_water

__all__ = ["Dissolver"]

_TRACE = {"Na": 1e-9, "Cl": 1e-9}  # mol/s: makes pure water a brine for the backend


@register_unit
class Dissolver(Unit):
    """``solids`` in (salts, with any liquor they carry); ``liquor`` out; fresh water as a
    utility. Parameters of the ``dissolver`` family: ``water_excess``, ``temperature_c``."""

    kind = "dissolver"
    family = "dissolver"
    utility_names = ("fresh water",)
    inlets = ("solids",)
    outlets = ("liquor",)

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["solids"]
        p = self.params
        t = p["temperature_c"] + KELVIN_OFFSET
        liquid = {*ION_KEYS, "H2O", "Hplus", "OHminus"}
        salts = {
            k: v / component_molar_mass(k)
            for k, v in feed.flows.items()
            if k not in liquid and v > 0
        }
        if not salts:
            raise ChemistryError(f"{self.name}: the feed carries no salt to dissolve")
        liquor = {k: v for k, v in feed.flows.items() if k in ION_KEYS and v > 0}
        trace = {} if liquor else dict(_TRACE)  # taken out of the outlet again
        liquor = liquor or {k: n * component_molar_mass(k) for k, n in _TRACE.items()}
        backend = self.backend

        def equilibrium(water: float) -> Equilibrium:
            total = water + feed.get("H2O")
            brine = stream_to_brine(Stream({**liquor, "H2O": total}), self.name, t)[0]
            return backend.equilibrate(brine, {k: n / total for k, n in salts.items()})

        def undissolved(eq: Equilibrium) -> float:
            return sum(eq.solids.values())

        start = 0.05 * sum(salts.values())  # kg water per mol of salt: a first guess
        water = minimum_water(equilibrium, undissolved, start) * (1.0 + p["water_excess"])
        eq = equilibrium(water)
        total = water + feed.get("H2O")
        _, out = equilibrium_outlets(
            eq, total, feed.total + water, t, trace, excess=feed.nominal_excess()
        )
        ctx.utilities_in = {"fresh water": Stream({"H2O": water}, t)}
        ctx.fresh_water = water
        ctx.notes = [
            f"{water / feed.total:.3g} t fresh water per t of salt (equilibrium minimum + "
            f"{p['water_excess']:.0%} margin) at {p['temperature_c']:g} °C"
        ]
        return {"liquor": out}
