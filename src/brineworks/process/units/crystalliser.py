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

from pydantic import field_validator

from brineworks.chemistry.evaporation import evaporate, parse_stop
from brineworks.constants import KELVIN_OFFSET
from brineworks.errors import BrineworksError
from brineworks.process.stream import Stream, component_molar_mass, solution_stream, stream_to_brine
from brineworks.process.unit import SolveContext, Unit, UnitOptions, register_unit

__all__ = ["Crystalliser"]


class CrystalliserOptions(UnitOptions):
    """``until``: the stop condition in the CLI form of ``brineworks evaporate --until``
    (``water:0.8``, ``phase:LiCl_H2O``, ``conc:Li:20`` …)."""

    until: str

    @field_validator("until")
    @classmethod
    def _parses(cls, v: str) -> str:
        try:
            parse_stop(v)
        except BrineworksError as exc:
            raise ValueError(str(exc)) from None
        return v


@register_unit
class Crystalliser(Unit):
    """``liquor`` in; ``crystals`` (the slurry's solids), ``mother_liquor`` and ``vapour`` out.

    Options: ``until`` (:class:`CrystalliserOptions`) and, in ``params``, the
    ``evaporative_crystalliser`` parameters ``temperature_c``, ``heat_mj_per_m3_feed`` and
    ``electricity_kwh_per_m3_feed``.
    """

    kind = "evaporative_crystalliser"
    family = "evaporative_crystalliser"
    Options = CrystalliserOptions
    inlets = ("liquor",)
    outlets = ("crystals", "mother_liquor", "vapour")

    def setup(self) -> None:
        assert isinstance(self.options, CrystalliserOptions)
        self.until_text = self.options.until
        self.until = parse_stop(self.until_text)

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["liquor"]
        p = self.params
        t = p["temperature_c"] + KELVIN_OFFSET
        brine, water = stream_to_brine(feed, f"{self.name} feed", t)
        backend = self.backend
        # Only where the path ends matters here: its full steps are jumped over.
        path = evaporate(brine, backend=backend, mode="equilibrium", until=self.until, full=False)
        last = path.steps[-1]
        crystals = Stream(
            {ph: n * water * component_molar_mass(ph)
             for ph, n in last.solids_present.items() if n > 0},
            t,
        )  # fmt: skip
        vapour = Stream({"H2O": last.water_removed * water}, t)
        liquid = {el: n * water for el, n in last.liquid.items()}
        liquor = solution_stream(  # the feed's charge excess (if any) stays in the liquor
            liquid, feed.total - crystals.total - vapour.total, t, excess=feed.nominal_excess()
        )
        volume = feed.total / backend.speciate(brine, saturation=False).density  # m³/s
        ctx.heat = p["heat_mj_per_m3_feed"] * volume * 1e6  # W
        ctx.electricity = p["electricity_kwh_per_m3_feed"] * volume * 3.6e6  # W
        ctx.energy_notes.append(
            f"heat {p['heat_mj_per_m3_feed']:g} MJ and electricity "
            f"{p['electricity_kwh_per_m3_feed']:g} kWh per m³ of feed (unit parameters)"
        )
        ctx.notes = [
            f"evaporated at {p['temperature_c']:g} °C until {self.until_text}: "
            f"{last.water_removed:.3f} of the water removed; {path.stop_reason}; crystals: "
            + (", ".join(sorted(crystals.flows)) or "none")
        ]
        return {"crystals": crystals, "mother_liquor": liquor, "vapour": vapour}
