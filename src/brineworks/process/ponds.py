"""The solar-pond train: areas, harvests, losses and element routing from thermodynamics.

A train is a sequence of :class:`PondStage` s, each evaporating the brine it receives until its
stop condition (a halite pond until carnallite saturation, say). The composition path comes
from :func:`~brineworks.chemistry.evaporation.evaporate` in fractional mode (salts stay on the
floor of the pond that formed them); flows scale it to the pumped brine; the site climate and
the brine's water activity give the evaporation rate and hence the area. Losses:

* **seepage** — brine lost through the pond floor at ``seepage_rate`` [m/s] over the pond's
  area, with the composition of the brine entering the pond (the area and the seepage are
  solved together, since the brine that seeps away no longer needs evaporating);
* **entrainment** — harvested salt carries brine of the pond's final composition in its pores,
  ``entrainment`` kg of brine per kg of salt.

Flows are SI inside (kg/s, m³/s, mol/s); :meth:`PondTrainResult.to_dict` reports per year.
Element balance: pumped = salts + entrained + seepage + brine out, per element.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.chemistry.brine import Brine, require_brine
from brineworks.chemistry.evaporation import EvaporationPath, StopCondition, evaporate
from brineworks.climate import Climate
from brineworks.constants import KELVIN_OFFSET, SECONDS_PER_YEAR
from brineworks.data import read_rows
from brineworks.errors import ChemistryError, InputError

__all__ = [
    "FLOW_RANGE",
    "MAX_POND_AREA",
    "PondLosses",
    "PondResult",
    "PondStage",
    "PondTrainResult",
    "simulate_pond_train",
]

_WATER_DENSITY = 1000.0  # evaporated water counted as fresh water [kg/m³]

FLOW_RANGE: tuple[float, float] = (1.0 / SECONDS_PER_YEAR, 1e10 / SECONDS_PER_YEAR)
"""Pumped brine flows accepted: 1 m³/yr to 1e10 m³/yr. [m³/s] The upper bound is a sanity
limit (an assumption), some thirty times the largest brine pumping reported for a salt lake
(Qarhan, a few 1e8 m³/yr): beyond it a result is a typing error, not a plan."""

MAX_POND_AREA = 1e10
"""Largest evaporating area of one pond accepted: 10,000 km². [m²] A sanity limit (an
assumption), larger than the whole Qarhan playa (5,856 km²); a pond that needs more is refused
with the flow that asked for it."""


@dataclass(frozen=True)
class PondStage:
    """One pond (or group of ponds in parallel) of a train.

    Attributes
    ----------
    name
        Name used in results (``"halite"``).
    until
        When the brine leaves this pond for the next.
    """

    name: str
    until: StopCondition

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError("stage name", self.name, "a non-empty name, e.g. 'halite'")
        if not isinstance(self.until, StopCondition):
            raise InputError(
                f"stage {self.name}.until", self.until, "a StopCondition (parse_stop('phase:...'))"
            )


@dataclass(frozen=True)
class PondLosses:
    """Brine losses of every pond.

    Attributes
    ----------
    entrainment
        Brine retained in harvested salt. [kg brine per kg salt]
    seepage_rate
        Brine lost through the floor per unit area. [m/s]
    source
        Where the values come from (and whether they are assumptions).
    """

    entrainment: float
    seepage_rate: float
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("entrainment", "seepage_rate"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(f"losses.{name}", value, "a number")
        if not 0 <= self.entrainment < 1:
            raise InputError("losses.entrainment", self.entrainment, "0 ≤ kg brine/kg salt < 1")
        if not 0 <= self.seepage_rate < 1e-6:
            raise InputError("losses.seepage_rate", self.seepage_rate, "0 ≤ m/s < 1e-6 (86 mm/day)")

    @classmethod
    def default(cls) -> PondLosses:
        """The defaults of ``data/pond_losses.csv`` (entrainment is an assumption)."""
        rows = {r["quantity"]: r for r in read_rows("pond_losses.csv")}
        source = "; ".join(
            f"{q}: {r['value']} {r['unit']} ({r['status']}: {r['source']})" for q, r in rows.items()
        )
        return cls(
            entrainment=float(rows["entrainment"]["value"]),
            seepage_rate=float(rows["seepage_rate"]["value"]),
            source=source,
        )

    def replace(
        self, *, entrainment: float | None = None, seepage_rate: float | None = None
    ) -> PondLosses:
        """These losses with some values set by the user (their source says so).

        Parameters
        ----------
        entrainment
            Brine retained in harvested salt. [kg brine per kg salt]
        seepage_rate
            Brine lost through the floor per unit area. [m/s]
        """
        notes = []
        if entrainment is not None:
            notes.append(f"entrainment set to {entrainment:g} kg/kg by the user")
        if seepage_rate is not None:
            notes.append(f"seepage rate set to {seepage_rate:g} m/s by the user")
        if not notes:
            return self
        return PondLosses(
            entrainment=self.entrainment if entrainment is None else entrainment,
            seepage_rate=self.seepage_rate if seepage_rate is None else seepage_rate,
            source="; ".join([*notes, f"otherwise {self.source}"]),
        )


@dataclass(frozen=True)
class PondResult:
    """What one pond does (SI units).

    Attributes
    ----------
    name
        Stage name.
    area
        Evaporating area. [m²]
    net_evaporation
        Net evaporation rate of its brine at the mean water activity. [m/s]
    water_activity
        Mean water activity of the pond brine, weighted by water evaporated. [-]
    evaporation
        Water evaporated. [kg/s]
    brine_in, brine_out, seepage, entrained
        Brine flows. [kg/s]
    brine_in_volume, brine_out_volume
        Brine flows. [m³/s]
    salts
        Salt harvested, by mineral. [kg/s]
    brine_out_concentration
        Composition of the brine leaving, by element. [g/L]
    brine_out_density
        Density of the brine leaving. [kg/m³]
    elements_in, elements_out, elements_salts, elements_entrained, elements_seepage
        Element flows. [mol/s]
    path
        The evaporation path of this pond (per kg of its inflow water).
    """

    name: str
    area: float
    net_evaporation: float
    water_activity: float
    evaporation: float
    brine_in: float
    brine_out: float
    brine_in_volume: float
    brine_out_volume: float
    seepage: float
    entrained: float
    salts: dict[str, float]
    brine_out_concentration: dict[str, float]
    brine_out_density: float
    elements_in: dict[str, float]
    elements_out: dict[str, float]
    elements_salts: dict[str, float]
    elements_entrained: dict[str, float]
    elements_seepage: dict[str, float]
    path: EvaporationPath

    def salt_fractions(self) -> dict[str, float]:
        """Mass fraction of each mineral in the harvested salt. [-]"""
        total = sum(self.salts.values())
        return {k: v / total for k, v in self.salts.items()} if total > 0 else {}


@dataclass(frozen=True)
class PondTrainResult:
    """A pond train fed by a brine flow at a site."""

    brine: Brine
    climate: Climate
    temperature: float  # [K]
    losses: PondLosses
    ponds: tuple[PondResult, ...]
    pumped: dict[str, float]  # element flows pumped [mol/s]
    pumped_volume: float  # [m³/s]

    @property
    def final(self) -> PondResult:
        """The last pond."""
        return self.ponds[-1]

    def element_routing(self) -> dict[str, dict[str, float]]:
        """Share of each pumped element in each pond's salt, losses and the final brine. [-]"""
        out: dict[str, dict[str, float]] = {}
        for el, n0 in self.pumped.items():
            if n0 <= 0:
                continue
            shares: dict[str, float] = {}
            for p in self.ponds:
                shares[f"{p.name}: salt"] = p.elements_salts.get(el, 0.0) / n0
                shares[f"{p.name}: entrained"] = p.elements_entrained.get(el, 0.0) / n0
                shares[f"{p.name}: seepage"] = p.elements_seepage.get(el, 0.0) / n0
            shares["final brine"] = self.final.elements_out.get(el, 0.0) / n0
            out[el] = shares
        return out

    def balance_error(self) -> dict[str, float]:
        """(salts + losses + final brine − pumped)/pumped, per element. [-]"""
        return {el: sum(s.values()) - 1.0 for el, s in self.element_routing().items()}

    def monthly_evaporation(self) -> dict[str, tuple[float, ...]] | None:
        """Net water evaporated from each pond in each month, January to December, or None
        where the site has no monthly normals. [m³]

        Each pond's area (sized on the year) times the month's net evaporation of its brine;
        a pond's months add up to its annual evaporation.
        """
        if self.climate.monthly is None:
            return None
        return {
            p.name: tuple(
                p.area * d for d in self.climate.monthly_brine_evaporation(p.water_activity)
            )
            for p in self.ponds
        }

    def total_area(self) -> float:
        """Total evaporating area. [m²]"""
        return sum(p.area for p in self.ponds)

    def salts_total(self) -> dict[str, float]:
        """Salt harvested over the train, by mineral. [kg/s]"""
        out: dict[str, float] = {}
        for p in self.ponds:
            for k, v in p.salts.items():
                out[k] = out.get(k, 0.0) + v
        return out

    def to_dict(self) -> dict[str, Any]:
        """Per-year report form: km², m³/yr, t/yr."""
        y = SECONDS_PER_YEAR
        monthly = self.monthly_evaporation()
        weighted = self.climate.evaporation_weighted_temperature()
        return {
            "brine": self.brine.name,
            "site": self.climate.site,
            "temperature_c": self.temperature - KELVIN_OFFSET,
            "site_evaporation_weighted_temperature_c": (
                None if weighted is None else weighted - KELVIN_OFFSET
            ),
            "pumped_m3_per_yr": self.pumped_volume * y,
            "losses": {
                "entrainment_kg_per_kg_salt": self.losses.entrainment,
                "seepage_rate_mm_per_day": self.losses.seepage_rate * 86400 * 1000,
                "source": self.losses.source,
            },
            "ponds": [
                {
                    "name": p.name,
                    "area_km2": p.area / 1e6,
                    "net_evaporation_m_per_yr": p.net_evaporation * y,
                    "water_activity": p.water_activity,
                    "evaporation_m3_per_yr": p.evaporation / _WATER_DENSITY * y,
                    "brine_in_m3_per_yr": p.brine_in_volume * y,
                    "brine_out_m3_per_yr": p.brine_out_volume * y,
                    "seepage_t_per_yr": p.seepage * y / 1000,
                    "entrained_t_per_yr": p.entrained * y / 1000,
                    "salts_t_per_yr": {k: v * y / 1000 for k, v in p.salts.items()},
                    "salt_mass_fraction": p.salt_fractions(),
                    "brine_out_g_per_L": dict(p.brine_out_concentration),
                    "brine_out_density_kg_m3": p.brine_out_density,
                    "stop_reason": p.path.stop_reason,
                    "monthly_evaporation_m3": None if monthly is None else list(monthly[p.name]),
                }
                for p in self.ponds
            ],
            "total_area_km2": self.total_area() / 1e6,
            "element_routing": self.element_routing(),
        }


def simulate_pond_train(
    brine: Brine,
    flow: float,
    stages: Sequence[PondStage],
    climate: Climate,
    losses: PondLosses | None = None,
    *,
    backend: ThermoBackend | None = None,
    water_flow: float | None = None,
) -> PondTrainResult:
    """Simulate a pond train at the brine's temperature.

    Parameters
    ----------
    brine
        Pumped brine; its temperature is the pond temperature.
    flow
        Pumped brine flow. [m³/s]
    stages
        The ponds, in order.
    climate
        Site climate.
    losses
        Seepage and entrainment; default :meth:`PondLosses.default`.
    backend
        Thermodynamic backend.
    water_flow
        Water in the pumped brine, when known exactly (a flowsheet stream); otherwise derived
        from ``flow`` and the brine's density. [kg/s]

    Raises
    ------
    InputError
        For a bad flow or an empty train.
    ChemistryError
        If a pond's brine does not evaporate at the site (net rate ≤ 0) or a pond cannot reach
        its stop condition.
    """
    brine = require_brine(brine)
    _check_train(flow, water_flow, stages, climate, losses)
    be = backend if backend is not None else get_backend()
    loss = losses if losses is not None else PondLosses.default()
    a_ref = _reference_water_activity(climate, be)
    density_in = be.speciate(brine, saturation=False).density
    water_in = (
        water_flow if water_flow is not None else flow * density_in / (1.0 + brine.dissolved_mass())
    )  # kg/s
    pumped = {el: m * water_in for el, m in brine.element_molality().items()}
    ponds: list[PondResult] = []
    current = brine
    for stage in stages:
        path = _stage_path(current, stage, be)
        pond, current, water_in = _pond(
            stage, path, current, _Inflow(water_in, density_in), climate, a_ref, loss, flow
        )
        ponds.append(pond)
        density_in = pond.brine_out_density
    return PondTrainResult(
        brine=brine,
        climate=climate,
        temperature=brine.temperature,
        losses=loss,
        ponds=tuple(ponds),
        pumped=pumped,
        pumped_volume=flow,
    )


def _check_train(
    flow: object,
    water_flow: object,
    stages: Sequence[PondStage],
    climate: object,
    losses: object,
) -> None:
    """The inputs of :func:`simulate_pond_train` are usable, or an :class:`InputError` naming
    the first that is not."""
    lo, hi = FLOW_RANGE
    if (
        isinstance(flow, bool)
        or not isinstance(flow, int | float)
        or not math.isfinite(flow)
        or not lo <= flow <= hi
    ):
        raise InputError(
            "flow",
            flow,
            f"a pumped brine flow of {lo:.3g} to {hi:.3g} m³/s "
            f"({lo * SECONDS_PER_YEAR:g} to {hi * SECONDS_PER_YEAR:g} m³/yr)",
        )
    if water_flow is not None and not (
        isinstance(water_flow, int | float) and math.isfinite(water_flow) and water_flow > 0
    ):
        raise InputError("water_flow", water_flow, "a water flow above 0 kg/s")
    if isinstance(stages, str | PondStage) or not stages:
        raise InputError("stages", stages, "a list of at least one PondStage")
    names: dict[str, int] = {}
    for k, stage in enumerate(stages):
        if not isinstance(stage, PondStage):
            raise InputError(f"stages[{k}]", stage, "a PondStage(name, until)")
        if stage.name in names:
            raise InputError(
                "stages",
                stage.name,
                f"a distinct name for each pond ({stage.name!r} is pond {names[stage.name] + 1} "
                f"and pond {k + 1})",
            )
        names[stage.name] = k
        if stage.until.kind == "end" and k < len(stages) - 1:
            raise InputError(
                f"stage {stage.name}.until",
                "end",
                "a condition other than 'end' before the last pond",
            )
    if not isinstance(climate, Climate):
        raise InputError("climate", climate, "a Climate (brineworks.climate.climate(site))")
    if losses is not None and not isinstance(losses, PondLosses):
        raise InputError("losses", losses, "PondLosses, or None for the defaults")


def _reference_water_activity(climate: Climate, backend: ThermoBackend) -> float:
    """Water activity of the climate's reference brine (1 where its rate is for fresh
    water)."""
    if climate.mode != "net":
        return 1.0
    ref = Brine.from_catalogue(climate.reference_brine, backend=backend)
    return backend.speciate(ref, saturation=False).water_activity


def _stage_path(current: Brine, stage: PondStage, backend: ThermoBackend) -> EvaporationPath:
    """The fractional evaporation path of one pond, which must reach its stop condition.

    Raises
    ------
    InputError
        For a stop condition the pond's brine cannot meet as asked (the pond named).
    ChemistryError
        If the path ends before its stop condition.
    """
    try:
        path = evaporate(current, backend=backend, until=stage.until)
    except InputError as exc:
        raise InputError(f"pond {stage.name}: {exc.field}", exc.value, exc.allowed) from None
    if not path.reached:
        raise ChemistryError(
            f"pond {stage.name!r} cannot reach {stage.until.describe()}: {path.stop_reason}"
        )
    return path


@dataclass(frozen=True)
class _Inflow:
    """The brine entering a pond: its water [kg/s] and its density [kg/m³]."""

    water: float
    density: float


def _pond(
    stage: PondStage,
    path: EvaporationPath,
    current: Brine,
    inflow: _Inflow,
    climate: Climate,
    a_ref: float,
    loss: PondLosses,
    flow: float,
) -> tuple[PondResult, Brine, float]:
    """One pond from its evaporation path: its net evaporation and area (solved with the
    seepage over it), its salts, the brine its salts entrain and the brine leaving it; with
    the pond, the brine leaving it (as a :class:`Brine`) and its water [kg/s], for the next
    pond.

    Raises
    ------
    ChemistryError
        If the pond's brine does not evaporate at the site.
    InputError
        If the pond would exceed :data:`MAX_POND_AREA` (``flow`` named).
    """
    water_in = inflow.water
    inflow_mass = water_in * (1.0 + current.dissolved_mass())
    elements_in = {el: m * water_in for el, m in current.element_molality().items()}
    final = path.final
    mean_aw, net = _net_evaporation(stage, path, climate, a_ref)
    # Seepage over the area and the area itself, solved together (see module docstring).
    e = final.water_removed
    seep_coeff = inflow.density * loss.seepage_rate * e / (_WATER_DENSITY * net)  # per kg water
    kept = inflow_mass / (inflow_mass + seep_coeff * water_in) if e > 0 else 1.0
    water = water_in * kept
    area = e * water / (_WATER_DENSITY * net)
    if not (math.isfinite(area) and area <= MAX_POND_AREA):
        raise InputError(
            "flow",
            f"{flow * SECONDS_PER_YEAR:.4g} m³/yr",
            f"a flow whose ponds fit the sanity limit of {MAX_POND_AREA / 1e6:,.0f} km² each "
            f"(pond {stage.name!r} would need {area / 1e6:.4g} km²)",
        )
    salts, elements_salts = _salts(path, water, elements_in)
    final_water = final.mass_water * water
    final_elements = {el: n * water for el, n in final.liquid.items()}
    outflow = Brine.from_element_amounts(
        final.liquid, final.mass_water, current.temperature, f"{stage.name} pond outflow"
    )
    final_mass = final_water * (1.0 + outflow.dissolved_mass())
    entrained = min(loss.entrainment * sum(salts.values()), final_mass)
    frac = entrained / final_mass if final_mass > 0 else 0.0
    out_mass = final_mass - entrained
    pond = PondResult(
        name=stage.name,
        area=area,
        net_evaporation=net,
        water_activity=mean_aw,
        evaporation=e * water,
        brine_in=inflow_mass,
        brine_out=out_mass,
        brine_in_volume=inflow_mass / inflow.density,
        brine_out_volume=out_mass / final.density,
        seepage=inflow_mass * (1.0 - kept),
        entrained=entrained,
        salts=salts,
        brine_out_concentration=dict(final.concentration),
        brine_out_density=final.density,
        elements_in=elements_in,
        elements_out={el: n * (1 - frac) for el, n in final_elements.items()},
        elements_salts=elements_salts,
        elements_entrained={el: n * frac for el, n in final_elements.items()},
        elements_seepage={el: n * (1.0 - kept) for el, n in elements_in.items()},
        path=path,
    )
    return pond, outflow, final_water * (1 - frac)


def _net_evaporation(
    stage: PondStage, path: EvaporationPath, climate: Climate, a_ref: float
) -> tuple[float, float]:
    """The pond brine's mean water activity and its net evaporation at the site. [-, m/s]

    Raises
    ------
    ChemistryError
        If the brine does not evaporate there (net rate ≤ 0).
    """
    mean_aw = _mean_water_activity(path)
    net = climate.brine_evaporation(mean_aw, a_ref)
    if net <= 0:
        raise ChemistryError(
            f"pond {stage.name!r}: brine of water activity {mean_aw:.3f} does not evaporate at "
            f"{climate.name} (net {net * SECONDS_PER_YEAR:.3f} m/yr)"
        )
    return mean_aw, net


def _salts(
    path: EvaporationPath, water: float, elements_in: dict[str, float]
) -> tuple[dict[str, float], dict[str, float]]:
    """Salts harvested from a pond [kg/s by mineral] and the element flows they carry
    [mol/s], for ``water`` [kg/s] of the pond's inflow water evaporated along ``path``."""
    salts_mol = path.solids_total()
    masses = path.molar_masses
    salts = {p: n * water * masses[p] for p, n in salts_mol.items()}
    elements_salts: dict[str, float] = {}
    for p, n in salts_mol.items():
        for el, c in path.phase_formulas[p].items():
            if el in elements_in:
                elements_salts[el] = elements_salts.get(el, 0.0) + n * c * water
    return salts, elements_salts


def _mean_water_activity(path: EvaporationPath) -> float:
    """Water activity averaged over the water evaporated in each step (trapezoids)."""
    steps = path.steps
    num = den = 0.0
    for a, b in itertools.pairwise(steps):
        dw = b.water_removed - a.water_removed
        num += dw * 0.5 * (a.water_activity + b.water_activity)
        den += dw
    return num / den if den > 0 else steps[-1].water_activity
