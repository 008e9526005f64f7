"""Left-to-right layered layout of a directed graph with loops (the park's plants and streams).

Pure functions, no drawing: :func:`layers` ranks nodes by their longest path from the sources
after turning the recycle edges (those closing a loop in a depth-first search from the
sources) around; :func:`order` sorts each layer by the barycentre of its neighbours to reduce
crossings; :func:`stack` places nodes of given heights in their columns and relaxes them
towards their neighbours (the scheme of d3-sankey). The park diagram and the Sankeys of the
report (``diagram.py``, ``sankey.py``) both use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Link", "back_edges", "layers", "order", "stack"]


@dataclass(frozen=True)
class Link:
    """A directed edge with a weight (a flow [t/yr], or 1 where widths do not matter)."""

    source: str
    target: str
    value: float = 1.0
    label: str = ""
    kind: str = ""


def back_edges(nodes: Sequence[str], links: Iterable[Link]) -> set[tuple[str, str]]:
    """Edges that close a loop, found by depth-first search from the nodes in their order
    (nodes without inputs first). [(source, target)]"""
    out: dict[str, list[str]] = {n: [] for n in nodes}
    has_input: set[str] = set()
    for ln in links:
        out[ln.source].append(ln.target)
        has_input.add(ln.target)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    back: set[tuple[str, str]] = set()
    starts = [n for n in nodes if n not in has_input] + list(nodes)
    for start in starts:
        if start in state:
            continue
        stack_: list[tuple[str, int]] = [(start, 0)]
        state[start] = 1
        while stack_:
            node, i = stack_[-1]
            if i < len(out[node]):
                stack_[-1] = (node, i + 1)
                nxt = out[node][i]
                if state.get(nxt) == 1:
                    back.add((node, nxt))
                elif nxt not in state:
                    state[nxt] = 1
                    stack_.append((nxt, 0))
            else:
                state[node] = 2
                stack_.pop()
    return back


def layers(
    nodes: Sequence[str], links: Sequence[Link], *, last: Iterable[str] = ()
) -> dict[str, int]:
    """Column of each node: its longest path from a node without inputs, loops cut at their
    back edges; the nodes in ``last`` go to one column after all others.

    Examples
    --------
    >>> ls = [Link("a", "b"), Link("b", "c"), Link("c", "b"), Link("a", "c")]
    >>> layers(["a", "b", "c"], ls)
    {'a': 0, 'b': 1, 'c': 2}
    """
    end = set(last)
    back = back_edges(nodes, links)
    forward = [ln for ln in links if (ln.source, ln.target) not in back]
    rank = dict.fromkeys(nodes, 0)
    for _ in range(len(nodes)):
        changed = False
        for ln in forward:
            if ln.target in end:
                continue
            if rank[ln.target] < rank[ln.source] + 1:
                rank[ln.target] = rank[ln.source] + 1
                changed = True
        if not changed:
            break
    if end:
        final = max((r for n, r in rank.items() if n not in end), default=-1) + 1
        for n in end:
            rank[n] = final
    return rank


def order(
    nodes: Sequence[str], links: Sequence[Link], rank: Mapping[str, int], sweeps: int = 6
) -> list[list[str]]:
    """Nodes by column, each column sorted by the mean position of its neighbours (weighted by
    the links' values), alternating sweeps left to right and right to left."""
    n_cols = max(rank.values(), default=-1) + 1
    cols: list[list[str]] = [[] for _ in range(n_cols)]
    for n in nodes:
        cols[rank[n]].append(n)
    pos = {n: i for col in cols for i, n in enumerate(col)}
    ins: dict[str, list[tuple[str, float]]] = {n: [] for n in nodes}
    outs: dict[str, list[tuple[str, float]]] = {n: [] for n in nodes}
    for ln in links:
        w = max(ln.value, 1e-12)
        ins[ln.target].append((ln.source, w))
        outs[ln.source].append((ln.target, w))

    def centre(n: str, nbrs: list[tuple[str, float]]) -> float:
        total = sum(w for _, w in nbrs)
        if total <= 0:
            return float(pos[n])
        return sum(pos[m] * w for m, w in nbrs) / total

    for s in range(sweeps):
        forward = s % 2 == 0
        seq = range(1, n_cols) if forward else range(n_cols - 2, -1, -1)
        for c in seq:
            key = {n: centre(n, ins[n] if forward else outs[n]) for n in cols[c]}
            cols[c].sort(key=lambda n: (key[n], pos[n]))
            for i, n in enumerate(cols[c]):
                pos[n] = i
    return cols


def stack(
    cols: Sequence[Sequence[str]],
    heights: Mapping[str, float],
    links: Sequence[Link],
    *,
    height: float,
    pad: float,
    iterations: int = 8,
) -> dict[str, float]:
    """Top of each node: nodes stacked in their columns ``pad`` apart, then moved towards the
    weighted centre of their neighbours and pushed apart again (``iterations`` rounds), all
    within ``[0, height]``."""
    y: dict[str, float] = {}
    for col in cols:
        total = sum(heights[n] for n in col) + pad * max(len(col) - 1, 0)
        top = max((height - total) / 2, 0.0)
        for n in col:
            y[n] = top
            top += heights[n] + pad
    nbrs: dict[str, list[tuple[str, float]]] = {n: [] for col in cols for n in col}
    for ln in links:
        w = max(ln.value, 1e-12)
        nbrs[ln.target].append((ln.source, w))
        nbrs[ln.source].append((ln.target, w))

    def resolve(col: Sequence[str]) -> None:
        ordered = sorted(col, key=lambda n: y[n])
        top = 0.0
        for n in ordered:
            y[n] = max(y[n], top)
            top = y[n] + heights[n] + pad
        bottom = height
        for n in reversed(ordered):
            if y[n] + heights[n] > bottom:
                y[n] = max(bottom - heights[n], 0.0)
            bottom = y[n] - pad

    for it in range(iterations):
        alpha = 0.7**it
        for col in cols if it % 2 == 0 else list(reversed(cols)):
            for n in col:
                if not nbrs[n]:
                    continue
                total = sum(w for _, w in nbrs[n])
                target = sum((y[m] + heights[m] / 2) * w for m, w in nbrs[n]) / total
                y[n] += (target - heights[n] / 2 - y[n]) * alpha
            resolve(col)
    return y
