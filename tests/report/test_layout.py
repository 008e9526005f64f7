"""The layered layout: loops cut, columns by longest path, nodes kept apart and in bounds."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from brineworks.report.layout import Link, back_edges, layers, order, stack


def test_loops_are_cut_and_sinks_go_last() -> None:
    links = [Link("brine", "ponds"), Link("ponds", "li"), Link("li", "mixer"),
             Link("mixer", "li"), Link("ponds", "waste")]  # fmt: skip
    nodes = ["brine", "ponds", "mixer", "li", "waste"]
    assert back_edges(nodes, links) == {("mixer", "li")}
    rank = layers(nodes, links, last=["waste"])
    assert rank == {"brine": 0, "ponds": 1, "li": 2, "mixer": 3, "waste": 4}
    cols = order(nodes, links, rank)
    assert [len(c) for c in cols] == [1, 1, 1, 1, 1]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), min_size=1, max_size=20),
    st.lists(st.floats(1.0, 60.0), min_size=8, max_size=8),
)
def test_every_edge_points_right_except_the_cut_ones(
    pairs: list[tuple[int, int]], sizes: list[float]
) -> None:
    nodes = [f"n{i}" for i in range(8)]
    links = [Link(f"n{a}", f"n{b}", 1.0) for a, b in pairs if a != b]
    rank = layers(nodes, links)
    back = back_edges(nodes, links)
    for ln in links:
        if (ln.source, ln.target) not in back:
            assert rank[ln.target] > rank[ln.source]
    cols = order(nodes, links, rank)
    assert sorted(n for c in cols for n in c) == sorted(nodes)
    heights = dict(zip(nodes, sizes, strict=True))
    total = max(sum(heights[n] for n in c) + 10 * (len(c) - 1) for c in cols)
    y = stack(cols, heights, links, height=total, pad=10.0)
    for c in cols:
        spans = sorted((y[n], y[n] + heights[n]) for n in c)
        assert all(a[1] + 10.0 <= b[0] + 1e-6 for a, b in itertools.pairwise(spans))
        assert all(lo >= -1e-9 and hi <= total + 1e-6 for lo, hi in spans)
