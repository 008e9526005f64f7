"""Froth flotation of a salt mixture: the minerals named as floated report to the
concentrate at a recovery, a share of the other solids is carried along (entrained gangue), and
the liquor splits with the solids.

Used to recover sylvite (and carnallite) from the halite harvested in the first ponds, which
otherwise goes to the salt pile with its potassium: the concentrate joins the carnallite ore.
The recoveries are parameters with their provenance (``unit_parameters.csv``, family
``flotation``); no chemistry changes, so no backend call is made.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field, field_validator

from brineworks.chemistry.ions import ION_KEYS
from brineworks.process.stream import Stream, known_component
from brineworks.process.unit import SolveContext, Unit, UnitOptions, register_unit

__all__ = ["Flotation", "FlotationOptions"]

_LIQUOR = {*ION_KEYS, "H2O", "Hplus", "OHminus"}


class FlotationOptions(UnitOptions):
    """``floated``: the solids that report to the concentrate (database solids or named
    components, e.g. ``["Sylvite", "Carnallite"]``)."""

    floated: list[str] = Field(min_length=1)

    @field_validator("floated")
    @classmethod
    def _known_solids(cls, v: list[str]) -> list[str]:
        for name in v:
            if name in _LIQUOR or not known_component(name):
                raise ValueError(f"{name!r} is not a solid Brineworks knows")
        return v


@register_unit
class Flotation(Unit):
    """``feed`` (salts with their liquor) in; ``concentrate`` and ``tailings`` out. Options:
    ``floated``. Parameters of the ``flotation`` family: ``recovery`` (of the floated solids),
    ``gangue_entrainment`` (of the other solids) and ``liquor_to_concentrate``."""

    kind = "flotation"
    family = "flotation"
    Options = FlotationOptions
    inlets = ("feed",)
    outlets = ("concentrate", "tailings")
    product_outlets = ("concentrate",)

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["feed"]
        assert isinstance(self.options, FlotationOptions)
        floated = set(self.options.floated)
        p = self.params
        conc: dict[str, float] = {}
        for k, v in feed.flows.items():
            if k in _LIQUOR:
                share = p["liquor_to_concentrate"]
            elif k in floated:
                share = p["recovery"]
            else:
                share = p["gangue_entrainment"]
            conc[k] = v * share
        tails = {k: v - conc[k] for k, v in feed.flows.items()}
        concentrate = Stream({k: v for k, v in conc.items() if v > 0}, feed.temperature)
        solids = sum(v for k, v in concentrate.flows.items() if k not in _LIQUOR)
        target = sum(concentrate.get(k) for k in floated)
        ctx.notes = [
            f"floated {', '.join(sorted(floated))}: recovery {p['recovery']:g}; concentrate "
            f"solids {target / solids if solids > 0 else 0.0:.3f} floated minerals by mass"
        ]
        return {
            "concentrate": concentrate,
            "tailings": Stream({k: v for k, v in tails.items() if v > 0}, feed.temperature),
        }
