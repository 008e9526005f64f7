"""The park as a graph a reader follows: plants, the pumped brine, reagents and where streams
leave, with the plumbing (mixers, splitters, component splitters: passive units with no
detail of their own) folded into the links through it.

A flow through a plumbing unit is shared out in proportion: each of its outflows is fed by its
inflows in the ratio of their amounts, so folding conserves every quantity measured
(an element, water, or the total mass).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from brineworks.chemistry.ions import atomic_weights
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.process.stream import Stream
from brineworks.report.layout import Link
from brineworks.simulate import SimulationResult

__all__ = ["BRINE", "REAGENTS", "SOURCES", "STOCK", "ParkGraph", "amount_of", "park_graph",
           "plumbing"]  # fmt: skip

BRINE = "@brine"
"""Node of the pumped brine."""
REAGENTS = "@reagents"
"""Node of the reagents taken in (bought or made in the park)."""
STOCK = "@stock"
"""Node of the material drawn from stockpiles (old bischofite, ...)."""
SOURCES = (BRINE, STOCK, REAGENTS)
"""The nodes material enters the park from."""


@dataclass(frozen=True)
class ParkGraph:
    """Nodes and links of a folded park.

    Attributes
    ----------
    nodes
        Node ids in order: ``@brine``, ``@stock`` and ``@reagents`` (if any), plants, then the
        exits.
    links
        Flows between them (``label``: the stream name; ``kind``: its fate for an exit, else
        ``"recycle"`` for internal links, ``"reagent"`` from the reagents). [t/yr]
    exits
        Exit node id → (stream or fate name, fate).
    """

    nodes: tuple[str, ...]
    links: tuple[Link, ...]
    exits: dict[str, tuple[str, str]]


def plumbing(result: SimulationResult) -> set[str]:
    """Units that only route material (passive, without a detail such as a pond train)."""
    return {n for n, u in result.units.items() if u.passive and u.run.detail is None}


def amount_of(quantity: str) -> Callable[[Stream], float]:
    """A function giving a stream's amount of ``quantity``: an element symbol, ``"water"``
    (the free water component H2O, liquid or vapour) or ``"mass"``. [t/yr]"""
    if quantity == "mass":
        return lambda s: sum(s.t_per_yr().values())
    if quantity == "water":
        return lambda s: s.t_per_yr().get("H2O", 0.0)
    w = atomic_weights()[quantity] * SECONDS_PER_YEAR / 1e6  # mol/s → t/yr

    return lambda s: s.elements().get(quantity, 0.0) * w


def park_graph(
    result: SimulationResult,
    quantity: str = "mass",
    *,
    exits_by_fate: bool = False,
    minimum: float = 0.0,
) -> ParkGraph:
    """The folded graph of a solved park, flows measured in ``quantity`` (see
    :func:`amount_of`).

    Parameters
    ----------
    result
        The solved park.
    quantity
        An element, ``"water"`` or ``"mass"``.
    exits_by_fate
        One exit node per fate (Sankeys) instead of one per leaving stream (the diagram).
    minimum
        Links below this amount are left out (after folding). [t/yr]
    """
    amount = amount_of(quantity)
    folded = plumbing(result)
    exits: dict[str, tuple[str, str]] = {}
    raw: list[Link] = []
    for e in result.edges:
        value = amount(result.streams[e.stream])
        if e.source is not None:
            src = e.source.unit
        else:
            src = STOCK if e.stream in result.drawn else BRINE
        if e.target is not None:
            dst = e.target.unit
            kind = "stream"
        else:
            fate = result.fates.get(e.stream, "")
            dst = f"@{fate}" if exits_by_fate else f"@exit:{e.stream}"
            exits[dst] = (fate if exits_by_fate else e.stream, fate)
            kind = fate
        raw.append(Link(src, dst, value, e.stream, kind))
    has_reagents = False
    for key, stream in result.utilities_in().items():
        value = amount(stream)
        if value > 0:
            has_reagents = True
            raw.append(Link(REAGENTS, key.split(":")[0], value, key, "reagent"))
    links = _fold(raw, folded)
    links = [ln for ln in links if ln.value > minimum and ln.value > 0]
    used = {ln.source for ln in links} | {ln.target for ln in links}
    nodes = [BRINE, STOCK] + ([REAGENTS] if has_reagents else [])
    nodes += [n for n in result.units if n not in folded]
    nodes += list(exits)
    nodes = [n for n in nodes if n in used or (n == BRINE and quantity == "mass")]
    return ParkGraph(tuple(nodes), tuple(links), {k: v for k, v in exits.items() if k in used})


def _fold(links: list[Link], folded: set[str]) -> list[Link]:
    """Links with each folded node replaced by proportional links from its inputs to its
    outputs (plumbing in loops is folded after its neighbours)."""
    for node in list(folded):
        ins = [ln for ln in links if ln.target == node]
        outs = [ln for ln in links if ln.source == node]
        rest = [ln for ln in links if ln.target != node and ln.source != node]
        total_in = sum(ln.value for ln in ins)
        new: list[Link] = []
        for o in outs:
            for i in ins:
                if i.source == node:
                    continue
                share = i.value / total_in if total_in > 0 else 1.0 / max(len(ins), 1)
                # name the link by the stream that is one of many (the mixer's inputs, the
                # splitter's outputs)
                label = i.label if len(outs) == 1 and not o.target.startswith("@") else o.label
                kind = o.kind if o.target.startswith("@") else i.kind
                new.append(Link(i.source, o.target, o.value * share, label, kind))
        links = rest + new
    merged: dict[tuple[str, str, str], Link] = {}
    for ln in links:
        key = (ln.source, ln.target, ln.kind)
        if key in merged:
            m = merged[key]
            label = m.label if m.value >= ln.value else ln.label
            merged[key] = Link(m.source, m.target, m.value + ln.value, label, m.kind)
        else:
            merged[key] = ln
    return [ln for ln in merged.values() if ln.source != ln.target]
