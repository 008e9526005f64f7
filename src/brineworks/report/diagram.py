"""Drawings of the park as inline SVG, laid out left to right (``layout.py``): the park diagram
(plants, the brine, where each stream leaves) and one Sankey per element or water, with labels
placed by the layout and the values printed on the flows.

SVG needs no script, prints sharply in the PDF, and lets the layout keep labels apart, which
plotly's Sankey (labels placed by the browser, values only on hover) does not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from brineworks.report.graph import BRINE, REAGENTS, SOURCES, STOCK, ParkGraph, park_graph
from brineworks.report.i18n import Catalogue
from brineworks.report.layout import Link, back_edges, layers, order, stack
from brineworks.simulate import SimulationResult

__all__ = ["FATE_COLOURS", "node_label", "park_diagram", "sankey"]

FATE_COLOURS = {
    "product": "#2a9d8f",
    "reuse": "#8ab17d",
    "returned": "#457b9d",
    "waste": "#e76f51",
    "emission": "#9aa5b1",
}
_PLANT = "#3d5a80"
_PONDS = "#e9c46a"
_SOURCE = "#1d3557"
_REAGENT = "#9b5de5"
_FONT = "font-family:inherit"
WIDTH = 1000.0
"""Width of every drawing's view box (it scales to the page). [px]"""


def _text_width(text: str, size: float) -> float:
    """Approximate rendered width of ``text``: CJK characters are square, others ~0.58 em."""
    return sum(size if ord(ch) >= 0x2E80 else 0.58 * size for ch in text)


def _wrap(text: str, size: float, width: float, lines: int = 2) -> list[str]:
    """``text`` broken into at most ``lines`` lines no wider than ``width`` where it can be: at
    spaces and hyphens, or between any two CJK characters (a long Latin word stays whole)."""
    tokens: list[str] = []
    for ch in text:
        if tokens and not (ord(ch) >= 0x2E80 or tokens[-1].endswith((" ", "-"))
                           or ord(tokens[-1][-1]) >= 0x2E80):  # fmt: skip
            tokens[-1] += ch
        else:
            tokens.append(ch)
    out: list[str] = []
    cur = ""
    for tok in tokens:
        trial = cur + tok
        if _text_width(trial.rstrip(), size) <= width or not cur.strip():
            cur = trial
        else:
            out.append(cur.rstrip())
            cur = tok
    out.append(cur.rstrip())
    if len(out) > lines:
        sep = "" if ord(out[lines - 1][-1]) >= 0x2E80 else " "
        out = [*out[: lines - 1], sep.join(out[lines - 1 :])]
    return [o for o in out if o]


def node_label(node: str, graph: ParkGraph, cat: Catalogue) -> str:
    """What a node is called: the brine, reagents, a fate, a leaving stream (a known product
    translated) or a unit's name as given."""
    if node == BRINE:
        return cat("pumped brine")
    if node == REAGENTS:
        return cat("reagents")
    if node == STOCK:
        return cat("drawn from stockpiles")
    if node in graph.exits:
        name, fate = graph.exits[node]
        if node == f"@{fate}":
            return cat.pgettext("fate", fate)
        return cat.short("product", name)
    return node


def _svg(height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg class="drawing" viewBox="0 0 {WIDTH:g} {height:.0f}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" style="{_FONT};max-width:{WIDTH:g}px">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _halo(x: float, y: float, text: str, size: float, anchor: str = "middle",
          weight: str = "normal", colour: str = "#222") -> str:  # fmt: skip
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{colour}" stroke="#fff" stroke-width="3" '
        f'paint-order="stroke" dominant-baseline="middle">{escape(text)}</text>'
    )


def _band(x0: float, y0: float, x1: float, y1: float, w: float) -> str:
    """Path of a flow band of thickness ``w`` between two vertical node sides (a loop going
    back to the left bows below)."""
    if x1 > x0:
        xm = (x0 + x1) / 2
        return (
            f"M{x0:.1f},{y0:.1f} C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
            f"L{x1:.1f},{y1 + w:.1f} C{xm:.1f},{y1 + w:.1f} {xm:.1f},{y0 + w:.1f} "
            f"{x0:.1f},{y0 + w:.1f} Z"
        )
    d = 40.0
    return (
        f"M{x0:.1f},{y0:.1f} C{x0 + d:.1f},{y0:.1f} {x0 + d:.1f},{y0 + w:.1f} {x0:.1f},"
        f"{y0 + w:.1f} Z M{x1:.1f},{y1:.1f} C{x1 - d:.1f},{y1:.1f} {x1 - d:.1f},{y1 + w:.1f} "
        f"{x1:.1f},{y1 + w:.1f} Z"
    )


def _columns_x(n_cols: int, node_w: float, left: float, right: float) -> list[float]:
    span = WIDTH - left - right - node_w
    return [left + (span * c / (n_cols - 1) if n_cols > 1 else span / 2) for c in range(n_cols)]


def sankey(result: SimulationResult, quantity: str, cat: Catalogue, *, share: float = 0.002
           ) -> tuple[str, float]:  # fmt: skip
    """A Sankey of ``quantity`` (an element or ``"water"``) through the park, from the brine and
    reagents through the plants to each fate; flows under ``share`` of the largest node are
    left out. Returns the SVG and the total entering. [t/yr]"""
    full = park_graph(result, quantity, exits_by_fate=True)
    biggest = max((ln.value for ln in full.links), default=0.0)
    g = park_graph(result, quantity, exits_by_fate=True, minimum=share * biggest)
    fmt = cat.fmt
    nodes, links = list(g.nodes), list(g.links)
    total_in = sum(ln.value for ln in links if ln.source in SOURCES)
    if not links:
        return _svg(60, quantity, [_halo(WIDTH / 2, 30, cat("no flows"), 13)]), 0.0
    exits = [n for n in nodes if n in g.exits]
    rank = layers(nodes, links, last=exits)
    cols = order(nodes, links, rank)
    through = dict.fromkeys(nodes, 0.0)
    ins = dict.fromkeys(nodes, 0.0)
    outs = dict.fromkeys(nodes, 0.0)
    for ln in links:
        outs[ln.source] += ln.value
        ins[ln.target] += ln.value
    for n in nodes:
        through[n] = max(ins[n], outs[n])
    pad = 32.0
    busiest = max(len(c) for c in cols)
    height = max(300.0, 80.0 + 50.0 * busiest)
    inner = height - 46.0
    column_totals = [sum(through[n] for n in c) for c in cols]
    scale = min((inner - pad * (len(c) - 1)) / t for c, t in zip(cols, column_totals, strict=True)
                if t > 0)  # fmt: skip
    heights = {n: max(through[n] * scale, 2.0) for n in nodes}
    tops = stack(cols, heights, links, height=inner, pad=pad)
    node_w, left, right = 12.0, 8.0, 190.0
    xs = _columns_x(len(cols), node_w, left, right)
    x = {n: xs[rank[n]] for n in nodes}
    y = {n: tops[n] + 30.0 for n in nodes}
    # stack the bands on each side, sorted by the other end's height
    out_off = dict.fromkeys(nodes, 0.0)
    in_off = dict.fromkeys(nodes, 0.0)
    placed: list[tuple[Link, float, float, float]] = []
    for ln in sorted(links, key=lambda k: (y[k.source], y[k.target])):
        w = ln.value * scale
        y0 = y[ln.source] + out_off[ln.source]
        out_off[ln.source] += w
        placed.append((ln, y0, 0.0, w))
    final: list[tuple[Link, float, float, float]] = []
    for ln, y0, _, w in sorted(placed, key=lambda p: (y[p[0].target], p[1])):
        y1 = y[ln.target] + in_off[ln.target]
        in_off[ln.target] += w
        final.append((ln, y0, y1, w))
    body: list[str] = []
    labels: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []  # label boxes placed: x0, y0, x1, y1
    wanted: list[tuple[float, float, float, float, float]] = []  # link labels: value, ends
    for ln, y0, y1, w in final:
        colour = (FATE_COLOURS.get(g.exits[ln.target][1], "#888") if ln.target in g.exits
                  else _REAGENT if ln.source == REAGENTS else "#7d8fa3")  # fmt: skip
        x0, x1 = x[ln.source] + node_w, x[ln.target]
        tip = f"{ln.label}: {fmt.mass(ln.value)}"
        body.append(
            f'<path d="{_band(x0, y0, x1, y1, max(w, 0.6))}" fill="{colour}" fill-opacity="0.45">'
            f"<title>{escape(tip)}</title></path>"
        )
        says_more = ln.value < 0.98 * min(through[ln.source], through[ln.target])
        if ln.value >= 0.02 * total_in and x1 > x0 and says_more:
            wanted.append((ln.value, x0, x1, y0 + w / 2, y1 + w / 2))
    for n in nodes:
        fate = g.exits.get(n, ("", ""))[1]
        colour = (_SOURCE if n in (BRINE, STOCK) else _REAGENT if n == REAGENTS
                  else FATE_COLOURS.get(fate, _PLANT))  # fmt: skip
        body.append(
            f'<rect x="{x[n]:.1f}" y="{y[n]:.1f}" width="{node_w:g}" height="{heights[n]:.1f}" '
            f'fill="{colour}"><title>{escape(node_label(n, g, cat))}</title></rect>'
        )
        name = node_label(n, g, cat)
        value = fmt.mass(through[n])
        boxes.append((x[n], y[n] - 26, x[n] + _text_width(f"{name} {value}", 11) + 4, y[n]))
        if rank[n] == len(cols) - 1:  # the fates: beside the bar
            cy = y[n] + heights[n] / 2
            labels.append(_halo(x[n] + node_w + 6, cy - 7, name, 12, "start", "bold"))
            labels.append(_halo(x[n] + node_w + 6, cy + 8, value, 11, "start"))
        else:  # above the bar, in the gap between nodes; on two lines where one is too long
            room = xs[1] - xs[0] - 8 if len(xs) > 1 else WIDTH
            two = _text_width(f"{name} {value}", 11) > room
            if two:
                labels.append(_halo(x[n], y[n] - 19, name, 11, "start", "bold"))
                labels.append(_halo(x[n], y[n] - 6, value, 11, "start", colour="#555"))
            else:
                labels.append(
                    f'<text x="{x[n]:.1f}" y="{y[n] - 7:.1f}" font-size="11" fill="#222" '
                    f'stroke="#fff" stroke-width="3" paint-order="stroke">'
                    f'<tspan font-weight="bold">{escape(name)}</tspan> '
                    f'<tspan fill="#555">{escape(value)}</tspan></text>'
                )
    # a flow's value on the flow where it clashes with no other label (else in its tooltip)
    for amount, x0, x1, ya, yb in sorted(wanted, reverse=True):
        text = fmt.mass(amount)
        half = _text_width(text, 10) / 2 + 2
        for t in (0.5, 0.35, 0.65, 0.25, 0.75):
            xm = x0 + (x1 - x0) * t
            ym = ya + (yb - ya) * (3 * t * t - 2 * t * t * t)  # the band's centre line
            box = (xm - half, ym - 7, xm + half, ym + 7)
            if not any(b[0] < box[2] and box[0] < b[2] and b[1] < box[3] and box[1] < b[3]
                       for b in boxes):  # fmt: skip
                boxes.append(box)
                labels.append(_halo(xm, ym, text, 10, colour="#333"))
                break
    title = cat("{what}: where it goes", what=_quantity_name(quantity, cat))
    return _svg(height, title, body + labels), total_in


def _quantity_name(quantity: str, cat: Catalogue) -> str:
    return cat("water") if quantity == "water" else cat.name("element", quantity)


def park_diagram(result: SimulationResult, cat: Catalogue) -> str:
    """The park left to right: the brine, each plant (pond trains in sand colour), and each
    stream leaving the park in its fate's colour; the plumbing folded into the links, link
    widths by mass, loops dashed. Returns the SVG."""
    g = park_graph(result, "mass")
    fmt = cat.fmt
    nodes = [n for n in g.nodes if n != REAGENTS]
    links = [ln for ln in g.links if ln.source != REAGENTS]
    rank = layers(nodes, links)
    cols = order(nodes, links, rank)
    loops = back_edges(nodes, links)
    n_cols = len(cols)
    left, right = 4.0, 4.0
    colw = (WIDTH - left - right) / n_cols
    box_w = min(150.0, colw - 22.0)
    wrapped = {n: _wrap(node_label(n, g, cat), 11 if n in g.exits else 12, box_w - 8)
               for n in nodes}  # fmt: skip
    heights = {n: (20.0 + 13.0 * len(wrapped[n]) if n in g.exits else 18.0 + 14.0 * len(wrapped[n]))
               for n in nodes}  # fmt: skip
    gap = 14.0
    busiest = max(sum(heights[n] + gap for n in c) for c in cols)
    height = busiest + 40.0
    tops = stack(cols, heights, links, height=height - 40.0, pad=gap, iterations=4)
    x = {n: left + rank[n] * colw for n in nodes}
    y = {n: tops[n] + 20.0 for n in nodes}
    biggest = max((ln.value for ln in links), default=1.0) or 1.0
    body: list[str] = [
        '<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="8" '
        'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
        '<path d="M0,0 L8,4 L0,8 z" fill="#6c7a89"/></marker>'
        "</defs>"
    ]
    for ln in links:
        w = 1.0 + 5.0 * math.sqrt(ln.value / biggest)
        x0 = x[ln.source] + box_w
        y0 = y[ln.source] + heights[ln.source] / 2
        x1 = x[ln.target]
        y1 = y[ln.target] + heights[ln.target] / 2
        tip = f"{ln.label}: {fmt.mass(ln.value)}"
        if (ln.source, ln.target) in loops or x1 <= x0:
            lift = max(heights[ln.source], heights[ln.target]) / 2 + 14
            ya = max(y0, y1) + lift
            d = (
                f"M{x0:.1f},{y0:.1f} C{x0 + 40:.1f},{y0:.1f} {x0 + 40:.1f},{ya:.1f} "
                f"{(x0 + x1) / 2:.1f},{ya:.1f} S{x1 - 40:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
            )
            style = 'stroke-dasharray="5 3"'
        else:
            xm = (x0 + x1) / 2
            d = f"M{x0:.1f},{y0:.1f} C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x1 - 2:.1f},{y1:.1f}"
            style = ""
        colour = (
            FATE_COLOURS.get(g.exits[ln.target][1], "#6c7a89")
            if ln.target in g.exits
            else "#6c7a89"
        )
        body.append(
            f'<path d="{d}" fill="none" stroke="{colour}" stroke-opacity="0.75" '
            f'stroke-width="{w:.1f}" {style} marker-end="url(#arrow)">'
            f"<title>{escape(tip)}</title></path>"
        )
    for n in nodes:
        h = heights[n]
        label = node_label(n, g, cat)
        if n in g.exits:
            fate = g.exits[n][1]
            colour = FATE_COLOURS.get(fate, "#888")
            amount = fmt.mass(sum(ln.value for ln in links if ln.target == n))
            tip = f"{label} ({cat.pgettext('fate', fate)}): {amount}"
            body.append(
                f'<rect x="{x[n]:.1f}" y="{y[n]:.1f}" width="{box_w:.1f}" height="{h:g}" '
                f'rx="8" fill="#fff" stroke="{colour}" stroke-width="2">'
                f"<title>{escape(tip)}</title></rect>"
            )
            for i, line in enumerate(wrapped[n]):
                body.append(_halo(x[n] + box_w / 2, y[n] + 9 + 13 * i, line, 11, weight="bold"))
            body.append(_halo(x[n] + box_w / 2, y[n] + h - 9, amount, 10, colour="#444"))
            continue
        unit = result.units.get(n)
        is_ponds = unit is not None and unit.run.detail is not None
        colour = _SOURCE if n in (BRINE, STOCK) else _PONDS if is_ponds else _PLANT
        fg = "#222" if is_ponds else "#fff"
        body.append(
            f'<rect x="{x[n]:.1f}" y="{y[n]:.1f}" width="{box_w:.1f}" height="{h:g}" rx="4" '
            f'fill="{colour}"><title>{escape(label)}</title></rect>'
        )
        lines = wrapped[n]
        for i, line in enumerate(lines):
            ty = y[n] + h / 2 + (i - (len(lines) - 1) / 2) * 14
            body.append(
                f'<text x="{x[n] + box_w / 2:.1f}" y="{ty:.1f}" font-size="12" fill="{fg}" '
                f'text-anchor="middle" dominant-baseline="middle">{escape(line)}</text>'
            )
    return _svg(height, cat("The park: plants and streams"), body)


def legend(cat: Catalogue, fates: Sequence[str] = tuple(FATE_COLOURS)) -> str:
    """HTML legend of the fate colours."""
    items = [
        f'<span class="key"><i style="background:{FATE_COLOURS[f]}"></i>'
        f"{escape(cat.pgettext('fate', f))}</span>"
        for f in fates
    ]
    return '<div class="legend">' + "".join(items) + "</div>"
