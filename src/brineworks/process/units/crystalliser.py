"""Evaporative crystalliser: a liquor evaporated at a set temperature until a stop condition,
its crystals decided by the equilibrium evaporation path of the chemistry backend.

The same ``evaporate()`` that draws the pond paths runs here in *equilibrium* mode (crystals
stay in the slurry and may redissolve), at the crystalliser's temperature, with every default
candidate solid; what crystallises, how much and in what order is the model's answer. Typical
uses: lithium chloride (LiCl·H2O) from a purified eluate, or concentrating a liquor before a
precipitation. Energy is charged per m³ of feed (sourced factors for mechanical-vapour or
multi-effect evaporators, unit parameters).
"""

from __future__ import annotations

from collections.abc import Mapping

from brineworks.chemistry.backend import get_backend
from brineworks.chemistry.evaporation import evaporate, parse_stop
from brineworks.constants import KELVIN_OFFSET
from brineworks.process.stream import Stream, component_molar_mass, solution_stream, stream_to_brine
from brineworks.process.unit import Unit, register_unit

__all__ = ["Crystalliser"]


@register_unit
class Crystalliser(Unit):
    """``liquor`` in; ``crystals`` (the slurry's solids), ``mother_liquor`` and ``vapour`` out.

    Parameters
    ----------
    name
        Unit name.
    until
        Stop condition in the CLI form of ``brineworks evaporate --until`` (``water:0.8``,
        ``phase:LiCl_H2O``, ``conc:Li:20`` …).
    params
        Overrides of the ``evaporative_crystalliser`` parameters: ``temperature_c``,
        ``heat_mj_per_m3_feed``, ``electricity_kwh_per_m3_feed``.
    """

    kind = "evaporative_crystalliser"
    family = "evaporative_crystalliser"
    inlets = ("liquor",)
    outlets = ("crystals", "mother_liquor", "vapour")

    def __init__(self, name: str, until: str, params: Mapping[str, float] | None = None) -> None:
        super().__init__(name, params)
        self.until = parse_stop(until)
        self.until_text = until

    def solve(self, inputs: Mapping[str, Stream]) -> dict[str, Stream]:
        feed = inputs["liquor"]
        p = self.params
        t = p["temperature_c"] + KELVIN_OFFSET
        brine, water = stream_to_brine(feed, f"{self.name} feed", t)
        backend = get_backend()
        path = evaporate(brine, backend=backend, mode="equilibrium", until=self.until)
        last = path.steps[-1]
        crystals = Stream(
            {ph: n * water * component_molar_mass(ph)
             for ph, n in last.solids_present.items() if n > 0},
            t,
        )  # fmt: skip
        vapour = Stream({"H2O": last.water_removed * water}, t)
        liquid = {el: n * water for el, n in last.liquid.items()}
        liquor = solution_stream(liquid, feed.total - crystals.total - vapour.total, t)
        volume = feed.total / backend.speciate(brine, saturation=False).density  # m³/s
        self.performance.heat = p["heat_mj_per_m3_feed"] * volume * 1e6  # W
        self.performance.electricity = p["electricity_kwh_per_m3_feed"] * volume * 3.6e6  # W
        self.performance.energy_notes.append(
            f"heat {p['heat_mj_per_m3_feed']:g} MJ and electricity "
            f"{p['electricity_kwh_per_m3_feed']:g} kWh per m³ of feed (unit parameters)"
        )
        self.performance.notes = [
            f"evaporated at {p['temperature_c']:g} °C until {self.until_text}: "
            f"{last.water_removed:.3f} of the water removed; {path.stop_reason}; crystals: "
            + (", ".join(sorted(crystals.flows)) or "none")
        ]
        return {"crystals": crystals, "mother_liquor": liquor, "vapour": vapour}
