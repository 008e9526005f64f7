"""Brine extraction: the brine lifted from the deposit's wells and canals to the ponds.

The electricity is the hydraulic work of lifting the pumped mass through the total head,
``P = ṁ g H / η`` (no density needed: the head is per unit mass), with the head and the pump
efficiency as parameters of the ``brine_pumping`` family.
"""

from __future__ import annotations

from collections.abc import Mapping

from brineworks.constants import KWH
from brineworks.process.stream import Stream
from brineworks.process.unit import SolveContext, Unit, register_unit

__all__ = ["GRAVITY", "BrinePumping"]

GRAVITY = 9.80665
"""Standard acceleration of gravity. [m/s²] (CGPM 1901)"""


@register_unit
class BrinePumping(Unit):
    """Brine extraction (wells and canals to the ponds): ``in`` → ``out`` unchanged;
    electricity ``ṁ g H / η``. Parameters of the ``brine_pumping`` family: ``head_m`` (total
    head) and ``pump_efficiency`` (wire to water)."""

    kind = "brine_pumping"
    family = "brine_pumping"
    stage = "mining"
    inlets = ("in",)
    outlets = ("out",)

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["in"]
        head, eta = self.params["head_m"], self.params["pump_efficiency"]
        ctx.electricity = feed.total * GRAVITY * head / eta  # W
        per_t = GRAVITY * head / eta / KWH * 1000.0  # kWh per t pumped
        ctx.energy_notes.append(
            f"electricity: hydraulic work g H / η = {per_t:.4g} kWh per t of brine "
            f"(head {head:g} m, efficiency {eta:g})"
        )
        return {"out": feed.copy()}
