"""Indicators as Chinese practice defines them (see ``docs/circularity.md``):

* **the three rates** (三率) per component — *mining recovery* (开采回采率): the share of the
  element pumped that is not lost before a plant takes it (losses of the mining stage: pond
  seepage, pond salts and end brines that go straight to the pile or back to the lake);
  *processing recovery* (选矿/加工回收率): of what the plants handle, the share that ends in
  products; *comprehensive utilisation* (综合利用率): products over everything that came in, net of
  the park's internal reuse — for an element without reagents, exactly mining × processing
  (DZ/T 0272-2015's per-component rule). Official minimums are shown where they could be read
  (``data/indicators/three_rates.csv``); none is invented;
* **solid waste** (一般工业固体废物): generated = the solids of every stream sent to waste plus the
  solid by-products put to use; its *comprehensive utilisation rate* = utilised ÷ (generated +
  utilised from stock) (the national statistical definition), with the stockpiles as stocks that
  grow or shrink year by year;
* **resource output rate** (资源产出率): the value of the products (mid prices) per tonne of
  resource consumed (the salts pumped in the brine, the solids drawn from stockpiles and the raw
  materials bought);
* **water reuse rate** (水重复利用率): water recycled inside the park (recycle loops and reused
  condensate) over that plus the fresh water drawn;
* **material circularity** (an adaptation of the Ellen MacArthur MCI): brine returned to the
  lake is *not* counted as recovered: it is a loss like any waste.

Returned brine is a flow back to the lake with its composition; its effect on the lake is the
reservoir model's to compute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from brineworks.assess.allocation import stream_value
from brineworks.chemistry.ions import ION_KEYS, atomic_weights
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.data import read_rows
from brineworks.process.stream import Stream
from brineworks.scenario import STOCKPILE
from brineworks.simulate import SimulationResult

__all__ = [
    "COMPONENTS",
    "LOSS_FATES",
    "material_circularity",
    "official_minimums",
    "resource_output_rate",
    "solid_waste",
    "stream_stage",
    "three_rates",
    "water_reuse_rate",
]

COMPONENTS = ("K", "Li", "Mg", "B", "Na", "Cl")
"""Components whose three rates are reported."""

LOSS_FATES = ("returned", "waste", "emission")
"""Fates of the streams through which an element leaves the park unused."""

_LIQUID = {*ION_KEYS, "H2O", "Hplus", "OHminus"}
_Y = SECONDS_PER_YEAR / 1000.0  # kg/s → t/yr


def solids_t_per_yr(stream: Stream) -> float:
    """Mass of the solid components of a stream (everything but water and solutes). [t/yr]"""
    return sum(v for k, v in stream.flows.items() if k not in _LIQUID) * _Y


def stream_stage(result: SimulationResult, stream: str) -> str:
    """The stage (``mining`` or ``processing``) a stream leaves from: its source unit's, or,
    for plumbing, that of the units feeding it (processing if any of them is). A stream from
    the brine or a stockpile is ``mining``."""
    source = {e.stream: e.source for e in result.edges}
    into: dict[str, list[str]] = {}
    for e in result.edges:
        if e.target is not None:
            into.setdefault(e.target.unit, []).append(e.stream)
    seen: set[str] = set()

    def stage_of(name: str) -> str:
        src = source[name]
        if src is None:
            return "mining"
        unit = result.units[src.unit]
        if unit.stage != "plumbing":
            return unit.stage
        if src.unit in seen:
            return "mining"
        seen.add(src.unit)
        stages = {stage_of(s) for s in into.get(src.unit, [])}
        return "processing" if "processing" in stages else "mining"

    return stage_of(stream)


@dataclass(frozen=True)
class ThreeRates:
    """The three rates of one component, and the flows they come from. [t/yr of element]"""

    pumped: float
    mining_losses: float
    processing_losses: float
    products: float
    reuse: float
    reagents: float
    stock: float

    @property
    def mining_recovery(self) -> float | None:
        """(pumped − mining losses) / pumped. [-]"""
        return (self.pumped - self.mining_losses) / self.pumped if self.pumped > 0 else None

    @property
    def processing_recovery(self) -> float | None:
        """products / (products + processing losses). [-]"""
        handled = self.products + self.processing_losses
        return self.products / handled if handled > 0 else None

    @property
    def comprehensive_utilisation(self) -> float | None:
        """products / (pumped + drawn from stock + reagents − reused inside the park). [-]"""
        net_in = self.pumped + self.stock + self.reagents - self.reuse
        return self.products / net_in if net_in > 0 else None

    def to_dict(self) -> dict[str, float | None]:
        """The rates and their flows (JSON form)."""
        return {
            "mining_recovery": self.mining_recovery,
            "processing_recovery": self.processing_recovery,
            "comprehensive_utilisation": self.comprehensive_utilisation,
            "pumped_t": self.pumped,
            "mining_losses_t": self.mining_losses,
            "processing_losses_t": self.processing_losses,
            "products_t": self.products,
            "reuse_t": self.reuse,
            "reagents_t": self.reagents,
            "stock_t": self.stock,
        }


def three_rates(result: SimulationResult) -> dict[str, ThreeRates]:
    """The three rates of each component the park pumps or sells."""
    balance = result.element_balance()
    w = SECONDS_PER_YEAR / 1e6  # mol/s × g/mol → t/yr
    weights = atomic_weights()
    losses: dict[str, dict[str, float]] = {"mining": {}, "processing": {}}
    for name, fate in result.fates.items():
        if fate not in LOSS_FATES:
            continue
        stage = stream_stage(result, name)
        for el, n in result.streams[name].elements().items():
            losses[stage][el] = losses[stage].get(el, 0.0) + n * weights[el] * w
    out = {}
    for el in COMPONENTS:
        row = balance.get(el)
        if row is None or (row["product"] <= 0 and row["in"] <= 0):
            continue
        out[el] = ThreeRates(
            pumped=row["in"], mining_losses=losses["mining"].get(el, 0.0),
            processing_losses=losses["processing"].get(el, 0.0), products=row["product"],
            reuse=row["reuse"], reagents=row["reagents"], stock=row["stock"],
        )  # fmt: skip
    return out


def official_minimums() -> dict[str, list[dict[str, str]]]:
    """Rows of ``data/indicators/three_rates.csv`` by component."""
    out: dict[str, list[dict[str, str]]] = {}
    for r in read_rows("indicators", "three_rates.csv"):
        out.setdefault(r["component"], []).append(r)
    return out


def solid_waste(result: SimulationResult, years: tuple[int, ...] = (10, 20, 30)) -> dict[str, Any]:
    """Solid waste generated and utilised [t/yr], its comprehensive utilisation rate, and each
    stockpile's size after ``years`` of operation [t]."""
    drawn = {s.name for s in result.scenario.streams if s.source.startswith(STOCKPILE)}
    byproducts = {s.name for s in result.scenario.streams if s.byproduct}
    waste = {n for n, f in result.fates.items() if f == "waste"}
    generated_waste = sum(solids_t_per_yr(result.streams[n]) for n in waste)
    used_new = sum(solids_t_per_yr(result.streams[n]) for n in byproducts - drawn)
    used_stock = sum(solids_t_per_yr(result.streams[n]) for n in byproducts & drawn)
    generated = generated_waste + used_new
    utilised = used_new + used_stock
    denominator = generated + used_stock
    piles = []
    for p in result.scenario.stockpiles:
        inflow = solids_t_per_yr(result.streams[p.inflow]) if p.inflow else 0.0
        change = inflow - p.draw_t_per_yr
        piles.append({
            "name": p.name, "initial_t": p.initial_t, "inflow_t_per_yr": inflow,
            "drawn_t_per_yr": p.draw_t_per_yr, "change_t_per_yr": change,
            "size_t": {str(y): max(p.initial_t + change * y, 0.0) for y in years},
            "exhausted_after_yr": p.initial_t / -change if change < 0 else None,
            "source": p.source,
        })  # fmt: skip
    return {
        "generated_t_per_yr": generated,
        "utilised_t_per_yr": utilised,
        "utilised_from_stock_t_per_yr": used_stock,
        "stored_or_dumped_t_per_yr": generated_waste,
        "utilisation_rate": utilised / denominator if denominator > 0 else None,
        "stockpiles": piles,
        "definition": (
            "utilised / (generated + utilised from stock); generated = solids sent to waste + "
            "solid by-products put to use (streams marked byproduct)"
        ),
    }


def resource_output_rate(result: SimulationResult) -> dict[str, float | None]:
    """Value of the products (mid prices) per tonne of resource consumed [CNY/t] and per m³ of
    brine pumped [CNY/m³]: resource = salts dissolved in the pumped brine + solids drawn from
    stockpiles + raw materials bought (not water)."""
    value = sum(
        stream_value(n, result.streams[n]) for n, f in result.fates.items() if f == "product"
    )
    salts = sum(v for k, v in result.pumped.flows.items() if k != "H2O") * _Y
    stock = sum(s.total for s in result.drawn.values()) * _Y
    bought = sum(s.total - s.get("H2O") for s in result.utilities_in().values()) * _Y
    reused = (
        sum(
            result.streams[n].total - result.streams[n].get("H2O")
            for n, f in result.fates.items()
            if f == "reuse"
        )
        * _Y
    )
    resource = salts + stock + max(bought - reused, 0.0)
    brine = result.scenario.brine.flow_m3_per_yr
    return {
        "products_value_cny_per_yr": value,
        "resource_t_per_yr": resource,
        "resource_output_rate_cny_per_t": value / resource if resource > 0 else None,
        "resource_output_rate_cny_per_m3_brine": value / brine if brine > 0 else None,
    }


def water_reuse_rate(result: SimulationResult) -> dict[str, float | None]:
    """Water reused in the park (recycle loops: the tear streams; condensate and permeate
    reused) over that plus the fresh water drawn [-], and the flows [m³/yr, 1 t = 1 m³]."""
    recycled = sum(result.streams[t].get("H2O") for t in result.convergence.tears) * _Y
    reused = sum(result.streams[n].get("H2O") for n, f in result.fates.items() if f == "reuse") * _Y
    fresh = sum(s.get("H2O") for s in result.utilities_in().values()) * _Y
    net_fresh = max(fresh - reused, 0.0)
    total = recycled + reused + net_fresh
    return {
        "water_reuse_rate": (recycled + reused) / total if total > 0 else None,
        "recycled_m3_per_yr": recycled,
        "reused_m3_per_yr": reused,
        "fresh_water_m3_per_yr": fresh,
        "net_fresh_water_m3_per_yr": net_fresh,
    }


def material_circularity(balance: Mapping[str, Mapping[str, float]]) -> float:
    """Ellen MacArthur Material Circularity Indicator adapted to a brine park. [-]

    On the mass of K, Li, Mg, Na, B and Cl: M = mass entering (brine + reagents + drawn from
    stockpiles); recycled feedstock F = what the park reuses internally and what it draws back
    from its stockpiles; virgin feedstock V = M − F; unrecoverable waste W = mass to waste,
    **returned to the lake** and emitted (returned brine is not free: it is what built the
    bischofite "lake" at Qarhan); no recycling-process losses (E_F = E_C = 1) and the utility
    of an industry-average park (X = 1, F(X) = 0.9). LFI = (V + W)/(2M); MCI = max(0, 1 − 0.9
    LFI) (EMF 2015, 2019; ../shared/reference/salt_lake_facts.md 4.2).
    """
    rows = [row for el, row in balance.items() if el in COMPONENTS]
    m = sum(r["in"] + r["reagents"] + r.get("stock", 0.0) for r in rows)
    if m <= 0:
        return 0.0
    recycled = sum(r["reuse"] + r.get("stock", 0.0) for r in rows)
    lost = sum(r[f] for r in rows for f in LOSS_FATES)
    lfi = (m - recycled + lost) / (2.0 * m)
    return max(0.0, 1.0 - 0.9 * lfi)
