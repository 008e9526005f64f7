"""One allocation rule for the park's multi-product plants: energy, carbon and cost alike.

A plant's burden goes to the products (and streams reused inside the park) that its material
reaches **along its own product line**: downstream through the flowsheet, stopping where a
recycle joins (a unit with more than one inlet that lies on a recycle loop: the mixer where a
plant's mother liquor comes back) and at mining-stage units (solar ponds, where a tail brine
becomes a new ore). A mixer that only joins two lines (sylvite concentrate into the carnallite
ore) is passed. Among
the streams it reaches, the burden is shared **by economic value** (tonnes × the mid price of
``data/economics/prices.csv``), so a tonne of lithium carbonate carries more than a tonne of
salt. A plant's burden therefore depends only on its own line, not on what the park around it
does with its tail streams: the same lithium plant carries the same kWh per tonne whether its
raffinate is returned to the lake or evaporated to bischofite.

A plant from which no product is reached (a tail-brine treatment, say) keeps its burden
unallocated; the reports name it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from brineworks.constants import SECONDS_PER_YEAR
from brineworks.economics.prices import PriceItem, PriceSet, grade_factor, load_prices
from brineworks.process.stream import Stream
from brineworks.simulate import SimulationResult

__all__ = [
    "ALLOCATED_FATES",
    "burden_owner",
    "mid_prices",
    "price_of",
    "product_shares",
    "reached_streams",
    "stream_value",
    "units_on_loops",
]

ALLOCATED_FATES = ("product", "reuse")
"""Fates of the streams a plant's burden is allocated to."""


@cache
def mid_prices() -> PriceSet:
    """The ``mid`` price set, the value weights of the allocation."""
    return load_prices("mid")


@dataclass(frozen=True)
class _Priced:
    item: PriceItem | None
    per_t: float  # CNY per t of stream


def price_of(name: str, stream: Stream, prices: PriceSet | None = None) -> _Priced:
    """The price item of a product or reused stream — by its name, else by its main
    component — and its value per tonne of the stream. [CNY/t]

    Items priced per m³ (water) are taken per tonne; a stream with no priced item is worth 0.
    A product whose price is quoted for a grade (potash per 60 % K2O) is worth its content
    against that grade (:func:`brineworks.economics.prices.grade_factor`), as the economics
    sells it.
    """
    p = prices or mid_prices()
    item = p.find(name)
    if item is None and stream.flows:
        main = max(stream.flows, key=lambda k: stream.flows[k])
        item = p.find(main)
    if item is None:
        return _Priced(None, 0.0)
    return _Priced(item, item.price * grade_factor(item.item, stream.flows))


def stream_value(name: str, stream: Stream, prices: PriceSet | None = None) -> float:
    """Value of a product or reused stream. [CNY/yr]"""
    return price_of(name, stream, prices).per_t * stream.total * SECONDS_PER_YEAR / 1000.0


def reached_streams(result: SimulationResult) -> dict[str, list[str]]:
    """For each unit, the products and reused streams of its own line (see the module): those
    its outlets reach before a recycle joins or a solar pond. A mining-stage unit (pumping, the
    ponds) reaches every product of the park: the brine is every product's feedstock."""
    fates = result.fates
    downstream: dict[str, list[str]] = {}
    target: dict[str, str] = {}
    for e in result.edges:
        if e.source is not None:
            downstream.setdefault(e.source.unit, []).append(e.stream)
        if e.target is not None:
            target[e.stream] = e.target.unit
    looped = units_on_loops(result)
    stops = {
        name
        for name, u in result.units.items()
        if (len(u.inlets) > 1 and name in looped) or u.stage == "mining"
    }
    products = [n for n, f in fates.items() if f == "product"]
    out: dict[str, list[str]] = {}
    for unit, record in result.units.items():
        if record.stage == "mining":
            out[unit] = list(products)
            continue
        seen, reached = {unit}, []
        todo = [unit]
        while todo:
            for name in downstream.get(todo.pop(), []):
                if fates.get(name) in ALLOCATED_FATES and name not in reached:
                    reached.append(name)
                nxt = target.get(name)
                if nxt is not None and nxt not in seen and nxt not in stops:
                    seen.add(nxt)
                    todo.append(nxt)
        out[unit] = reached
    return out


def product_shares(
    result: SimulationResult, prices: PriceSet | None = None
) -> dict[str, dict[str, float]]:
    """For each unit, the products and reused streams its burden goes to
    (:func:`reached_streams`), with their shares by value (by mass where none of them is
    priced). [-]"""
    value = {
        n: stream_value(n, result.streams[n], prices)
        for n, f in result.fates.items()
        if f in ALLOCATED_FATES
    }
    return {
        unit: _shares(set(reached), value, result.streams)
        for unit, reached in reached_streams(result).items()
    }


def units_on_loops(result: SimulationResult) -> set[str]:
    """Units that lie on a recycle loop (in a strongly connected part of the flowsheet)."""
    graph: dict[str, set[str]] = {u: set() for u in result.units}
    for e in result.edges:
        if e.source is not None and e.target is not None:
            graph[e.source.unit].add(e.target.unit)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    looped: set[str] = set()

    def strong(v: str) -> None:  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1 or v in graph[v]:
                looped.update(part)

    for v in graph:
        if v not in index:
            strong(v)
    return looped


def burden_owner(result: SimulationResult, stream: str) -> str | None:
    """The unit whose burden a stream's emissions are: its source, or, through plumbing, the
    first plant upstream (None for a feed)."""
    source = {e.stream: e.source for e in result.edges}
    into: dict[str, list[str]] = {}
    for e in result.edges:
        if e.target is not None:
            into.setdefault(e.target.unit, []).append(e.stream)
    seen: set[str] = set()
    name: str | None = stream
    while name is not None:
        src = source[name]
        if src is None:
            return None
        if result.units[src.unit].stage != "plumbing" or src.unit in seen:
            return src.unit
        seen.add(src.unit)
        feeds = into.get(src.unit, [])
        name = feeds[0] if len(feeds) == 1 else None
        if name is None:
            return src.unit
    return None


def _shares(
    reached: set[str], value: Mapping[str, float], streams: Mapping[str, Stream]
) -> dict[str, float]:
    weights = {n: value[n] for n in reached if value[n] > 0}
    if not weights:  # nothing priced: by mass
        weights = {n: streams[n].total for n in reached if streams[n].total > 0}
    total = sum(weights.values())
    return {n: w / total for n, w in weights.items()} if total > 0 else {}
