"""Membrane separations: nanofiltration (Mg/Li separation) and reverse osmosis
(concentration), pressure-driven; selective electrodialysis (Li with monovalent ions out of a
Mg-rich brine), current-driven.

Both split a feed into a permeate (``water_recovery`` of the feed water) and a retentate. Each
ion passes in proportion to its feed concentration and ``1 - rejection`` (rejection defined on
the feed side, ``R = 1 - c_permeate / c_feed``); chloride follows the cations so the permeate
stays electrically neutral. Whether the split can be made is decided by thermodynamics: the
osmotic pressure difference across the membrane, ``Δπ = (R T / V_w) ln(a_w,permeate /
a_w,retentate)`` with water activities from the chemistry backend, must stay below the
membrane's ``max_pressure_bar``; otherwise the error names the largest water recovery that can
be reached — or, with the option ``at_pressure_limit = "cap"``, the membrane runs at that
largest recovery (as a plant whose pumps are at their pressure limit does) and its notes say
so.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Mapping
from typing import Literal

from scipy.optimize import brentq

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.ions import ion
from brineworks.errors import ChemistryError, InputError
from brineworks.process.stream import Stream, component_molar_mass, stream_to_brine
from brineworks.process.unit import SolveContext, Unit, UnitOptions, register_unit

__all__ = [
    "Electrodialysis",
    "MembraneOptions",
    "Nanofiltration",
    "ReverseOsmosis",
    "osmotic_pressure_difference",
]

GAS_CONSTANT = 8.314462618  # [J/(mol K)], CODATA 2018
WATER_MOLAR_VOLUME = 18.069e-6  # [m³/mol] at 25 °C (18.015 g/mol over 997.05 kg/m³)

_DIVALENT_CATIONS = ("Mg", "Ca", "Sr")
_MONOVALENT = ("Li", "Na", "K", "B")  # B passes as neutral boric acid


def osmotic_pressure_difference(
    retentate: Stream, permeate: Stream, backend: ThermoBackend
) -> float:
    """Osmotic pressure of the retentate minus that of the permeate, water activities from
    ``backend``. [Pa]"""
    aw = []
    for s in (retentate, permeate):
        if not any(k in s.flows and s.get(k) > 0 for k in ("Li", "Na", "K", "Mg", "Ca", "Cl")):
            aw.append(1.0)
            continue
        brine, _ = stream_to_brine(s, "membrane side")
        aw.append(backend.speciate(brine, saturation=False).water_activity)
    t = retentate.temperature
    return GAS_CONSTANT * t / WATER_MOLAR_VOLUME * math.log(aw[1] / aw[0])


class MembraneOptions(UnitOptions):
    """``at_pressure_limit``: what a ``water_recovery`` beyond the pressure limit does —
    ``"error"`` (the default: the run stops, naming the largest recovery that can be reached)
    or ``"cap"`` (the membrane runs at that largest recovery, found to 1e-10, and its notes
    give both recoveries; for ensembles whose samples move the feed)."""

    at_pressure_limit: Literal["error", "cap"] = "error"


class _Membrane(Unit):
    """``feed`` in; ``permeate`` and ``retentate`` out."""

    Options = MembraneOptions
    inlets = ("feed",)
    outlets = ("permeate", "retentate")

    @abstractmethod
    def _rejection(self, component: str) -> float:
        """Rejection of ``component`` (a solute key) by this membrane. [-]"""

    def _split(self, feed: Stream, recovery: float) -> tuple[Stream, Stream]:
        flows: dict[str, float] = {}
        for comp, value in feed.flows.items():
            if comp in (*_DIVALENT_CATIONS, *_MONOVALENT, "SO4", "Br"):
                flows[comp] = (1.0 - self._rejection(comp)) * value * recovery
        # Chloride balances the cations (less the anions that passed).
        eq = sum(ion(k).charge * v / component_molar_mass(k) for k, v in flows.items())
        cl = eq * component_molar_mass("Cl")
        if cl > feed.get("Cl") or cl < 0:
            raise ChemistryError(
                f"{self.name}: the permeate cannot be neutral with the feed's chloride"
            )
        if cl > 0:
            flows["Cl"] = cl
        flows["H2O"] = feed.get("H2O") * recovery
        permeate = Stream(flows, feed.temperature)
        retentate = Stream(
            {k: v - permeate.get(k) for k, v in feed.flows.items()}, feed.temperature
        )
        return permeate, retentate

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["feed"]
        p = self.params
        asked = recovery = p["water_recovery"]
        permeate, retentate = self._split(feed, recovery)
        dp = osmotic_pressure_difference(retentate, permeate, self.backend)
        limit = p["max_pressure_bar"] * 1e5
        capped = ""
        if dp > limit:
            opts = self.options
            if not (isinstance(opts, MembraneOptions) and opts.at_pressure_limit == "cap"):
                raise InputError(
                    f"{self.name}.water_recovery",
                    recovery,
                    f"at most {self._max_recovery(feed, limit):.3g}: beyond it the osmotic "
                    f"pressure difference exceeds max_pressure_bar = {p['max_pressure_bar']:g} "
                    f"bar ({dp / 1e5:.4g} bar at {recovery:g})",
                )
            recovery = self._max_recovery(feed, limit, xtol=1e-10)
            permeate, retentate = self._split(feed, recovery)
            dp = osmotic_pressure_difference(retentate, permeate, self.backend)
            capped = f" (capped by the pressure limit; {asked:g} asked)"
        ctx.notes = [
            f"water recovery {recovery:.6g}{capped}; osmotic pressure difference "
            f"{dp / 1e5:.3g} bar (limit {p['max_pressure_bar']:g} bar)"
        ]
        return {"permeate": permeate, "retentate": retentate}

    def _max_recovery(self, feed: Stream, limit: float, xtol: float = 1e-3) -> float:
        """Largest water recovery whose osmotic pressure difference stays within ``limit``,
        to ``xtol`` (Brent's method on the pressure difference, which rises with the recovery).

        Raises
        ------
        InputError
            When even a vanishing recovery exceeds ``limit`` (no water can be recovered).
        """

        def excess(r: float) -> float:
            permeate, retentate = self._split(feed, r)
            return osmotic_pressure_difference(retentate, permeate, self.backend) - limit

        # the permeate's composition does not depend on the recovery (each ion passes in
        # proportion to the water), so a vanishing recovery gives the feed's own difference
        lo, hi = 1e-9, self.params["water_recovery"]
        if excess(lo) > 0:
            raise InputError(
                f"{self.name}.max_pressure_bar", self.params["max_pressure_bar"],
                "above the feed's own osmotic pressure (no water can be recovered)",
            )  # fmt: skip
        r = float(brentq(excess, lo, hi, xtol=xtol, rtol=1e-12))
        # the end of the bracket on the feasible side
        return r if excess(r) <= 0 else max(lo, r - xtol)


@register_unit
class Nanofiltration(_Membrane):
    """Nanofiltration: divalent cations and sulfate held back, monovalent ions passing.

    Parameters of the ``nanofiltration`` family: ``water_recovery``,
    ``rejection_divalent_cation``, ``rejection_monovalent_cation``, ``rejection_sulfate``,
    ``max_pressure_bar``.
    """

    kind = "nanofiltration"
    family = "nanofiltration"

    def _rejection(self, component: str) -> float:
        p = self.params
        if component in _DIVALENT_CATIONS:
            return p["rejection_divalent_cation"]
        if component in ("SO4",):
            return p["rejection_sulfate"]
        return p["rejection_monovalent_cation"]


@register_unit
class ReverseOsmosis(_Membrane):
    """Reverse osmosis: every ion held back by ``rejection``; electricity per m³ of feed.

    Parameters of the ``reverse_osmosis`` family: ``water_recovery``, ``rejection``,
    ``max_pressure_bar``, ``electricity_kwh_per_m3_feed``.
    """

    kind = "reverse_osmosis"
    family = "reverse_osmosis"

    def _rejection(self, component: str) -> float:
        return self.params["rejection"]

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        out = super().solve(inputs, ctx)
        feed = inputs["feed"]
        brine, _ = stream_to_brine(feed, f"{self.name} feed")
        density = self.backend.speciate(brine, saturation=False).density  # kg/m³
        kwh_per_m3 = self.params["electricity_kwh_per_m3_feed"]
        ctx.electricity = kwh_per_m3 * feed.total / density * 3.6e6  # W
        ctx.energy_notes.append(f"electricity {kwh_per_m3:g} kWh per m³ of feed (unit parameter)")
        return out


@register_unit
class Electrodialysis(Unit):
    """Selective electrodialysis: monovalent cations move with chloride into a concentrate,
    divalent cations stay in the diluate.

    ``feed`` in; ``concentrate`` and ``diluate`` out. Parameters of the ``electrodialysis``
    family: ``li_recovery`` (Li moved to the concentrate), ``mg_removal`` (Mg kept out of it),
    ``monovalent_transfer`` (Na and K moved), ``water_transfer`` (feed water carried into the
    concentrate), ``energy_wh_per_mol_li``. Chloride balances the moved cations.
    """

    kind = "electrodialysis"
    family = "electrodialysis"
    inlets = ("feed",)
    outlets = ("concentrate", "diluate")

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["feed"]
        p = self.params
        moved = {"Li": feed.get("Li") * p["li_recovery"]}
        for c in ("Na", "K"):
            moved[c] = feed.get(c) * p["monovalent_transfer"]
        for c in _DIVALENT_CATIONS:
            moved[c] = feed.get(c) * (1.0 - p["mg_removal"])
        moved = {k: v for k, v in moved.items() if v > 0}
        if not moved.get("Li"):
            raise ChemistryError(f"{self.name}: the feed carries no lithium")
        eq = sum(ion(k).charge * v / component_molar_mass(k) for k, v in moved.items())
        moved["Cl"] = eq * component_molar_mass("Cl")
        if moved["Cl"] > feed.get("Cl"):
            raise ChemistryError(f"{self.name}: not enough chloride in the feed to move")
        moved["H2O"] = feed.get("H2O") * p["water_transfer"]
        concentrate = Stream(moved, feed.temperature)
        diluate = Stream(
            {k: v - concentrate.get(k) for k, v in feed.flows.items()}, feed.temperature
        )
        li_mol = moved["Li"] / component_molar_mass("Li")
        ctx.electricity = p["energy_wh_per_mol_li"] * li_mol * 3600.0  # W
        ctx.energy_notes.append(
            f"electricity {p['energy_wh_per_mol_li']:g} Wh per mol Li moved (unit parameter)"
        )
        ctx.notes = [
            f"Li {p['li_recovery']:g} and Mg {1 - p['mg_removal']:.3g} of the feed to the "
            f"concentrate; concentrate Mg/Li {concentrate.get('Mg') / moved['Li']:.3g} (mass)"
        ]
        return {"concentrate": concentrate, "diluate": diluate}
