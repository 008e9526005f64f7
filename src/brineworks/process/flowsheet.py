"""Flowsheets: units connected by streams, solved sequential-modular with tear streams.

Recycle loops are broken at *tear streams* (chosen automatically as the back edges of a
depth-first search in the order units were added, or given). The units are solved block by
block: the strongly connected groups of the stream graph (each recycle loop) in an order where
every block follows the blocks that feed it; a loop's tear streams are iterated to a fixed point
with Anderson acceleration (a bounded Wegstein step where a step does not reduce the residual;
Wegstein alone or direct substitution on request), and a unit outside every loop runs once,
after the loops upstream of it have converged. Convergence is reported (iterations, residual);
failing to converge is a :class:`ConvergenceError` naming the loop's tear streams. After
convergence every unit's element balance has been checked in its last run, and the whole
flowsheet's (feeds = products) is checked too.

Solved again (a design spec changing a splitter), a loop whose inlets and unit settings have not
changed keeps its converged solution, and a unit whose inlets have not changed keeps its run
(``warm``, the default; :meth:`Flowsheet.solve`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from brineworks.chemistry.ions import ION_KEYS, ion
from brineworks.errors import BrineworksError, InputError
from brineworks.process.stream import Stream, component_molar_mass
from brineworks.process.unit import Unit, UnitRun, check_balance

__all__ = ["ConvergenceError", "Edge", "Flowsheet", "FlowsheetResult", "Port"]


class ConvergenceError(BrineworksError):
    """The recycle iteration did not converge."""


@dataclass(frozen=True)
class Port:
    """One port of one unit."""

    unit: str
    port: str

    def __str__(self) -> str:
        return f"{self.unit}.{self.port}"


@dataclass(frozen=True)
class Edge:
    """A stream of the flowsheet: from a unit's outlet (``None``: a feed) to a unit's inlet
    (``None``: it leaves the flowsheet)."""

    stream: str
    source: Port | None
    target: Port | None


@dataclass(frozen=True)
class FlowsheetResult:
    """A solved flowsheet.

    Attributes
    ----------
    streams
        Every stream by name. [kg/s flows]
    iterations
        Recycle iterations used (0 without recycles).
    residual
        Largest relative change of a tear stream in the last iteration. [-]
    tears
        Tear streams.
    products
        Names of the streams leaving the flowsheet.
    feeds
        Names of the streams entering it.
    runs
        The last run of every unit (outlets, utilities, performance), by unit name.
    history
        The residual of every iteration. [-]
    """

    streams: Mapping[str, Stream]
    iterations: int
    residual: float
    tears: tuple[str, ...]
    products: tuple[str, ...]
    feeds: tuple[str, ...]
    runs: Mapping[str, UnitRun]
    history: tuple[float, ...] = ()


class Flowsheet:
    """A graph of units and streams."""

    def __init__(self) -> None:
        self.units: dict[str, Unit] = {}
        self._source: dict[str, Port | None] = {}
        self._target: dict[str, Port | None] = {}
        self._feeds: dict[str, Stream] = {}
        self._loop_memo: dict[
            tuple[str, ...], tuple[object, dict[str, Stream], dict[str, UnitRun], _LoopResult]
        ] = {}

    # ------------------------------------------------------------------ building
    def add(self, unit: Unit) -> Unit:
        """Add a unit (names are unique)."""
        if unit.name in self.units:
            raise InputError("unit", unit.name, "a name not used by another unit")
        self.units[unit.name] = unit
        return unit

    def connect(self, stream: str, source: str | None, target: str | None) -> None:
        """Connect a stream from ``"unit.port"`` (or ``None`` for a feed) to ``"unit.port"``
        (or ``None`` for a product)."""
        if stream in self._source:
            raise InputError("stream", stream, "a stream name used once")
        src = self._end(source, "outlets", stream) if source else None
        dst = self._end(target, "inlets", stream) if target else None
        for other, end in self._source.items():
            if src is not None and end == src:
                raise InputError(
                    f"stream {stream}", source, f"an outlet not already feeding {other}"
                )
        for other, end in self._target.items():
            if dst is not None and end == dst:
                raise InputError(f"stream {stream}", target, f"an inlet not already fed by {other}")
        if src is None and dst is None:
            raise InputError(f"stream {stream}", (source, target), "a source or a target unit")
        self._source[stream] = src
        self._target[stream] = dst

    def feed(self, stream: str, value: Stream) -> None:
        """Set the value of a feed stream (one with no source unit)."""
        if stream not in self._source or self._source[stream] is not None:
            raise InputError("feed", stream, "a connected stream without a source unit")
        self._feeds[stream] = value

    def edges(self) -> tuple[Edge, ...]:
        """Every stream with its two ends, in the order they were connected."""
        return tuple(Edge(s, src, self._target[s]) for s, src in self._source.items())

    def _end(self, text: str, side: str, stream: str) -> Port:
        unit, sep, port = text.partition(".")
        if not sep or unit not in self.units:
            raise InputError(f"stream {stream}", text, "'unit.port' with a unit of this flowsheet")
        ports = getattr(self.units[unit], side)
        if port not in ports:
            raise InputError(
                f"stream {stream}", text, f"one of {unit}'s {side}: {', '.join(ports)}"
            )
        return Port(unit, port)

    # ------------------------------------------------------------------ structure
    def _check_complete(self) -> None:
        for name, unit in self.units.items():
            fed = {e.port for e in self._target.values() if e is not None and e.unit == name}
            for port in unit.inlets:
                if port not in fed:
                    raise InputError(f"{name}.{port}", None, "a stream connected to every inlet")
            used = {e.port for e in self._source.values() if e is not None and e.unit == name}
            for port in unit.outlets:
                if port not in used:
                    raise InputError(f"{name}.{port}", None, "a stream on every outlet")
        for stream, src in self._source.items():
            if src is None and stream not in self._feeds:
                raise InputError(f"feed {stream}", None, "a value for every feed stream")

    def _edges(self) -> list[tuple[str, str, str]]:
        return [
            (src.unit, dst.unit, s)
            for s, src in self._source.items()
            if src is not None and (dst := self._target[s]) is not None
        ]

    def tear_streams(self) -> tuple[str, ...]:
        """Back edges of a depth-first search in unit order: the streams that close loops."""
        edges = self._edges()
        adjacent: dict[str, list[tuple[str, str]]] = {u: [] for u in self.units}
        for a, b, s in edges:
            adjacent[a].append((b, s))
        state: dict[str, int] = {}
        tears: list[str] = []

        def visit(u: str) -> None:
            state[u] = 1
            for v, s in adjacent[u]:
                if state.get(v) == 1:
                    tears.append(s)
                elif v not in state:
                    visit(v)
            state[u] = 2

        for u in self.units:
            if u not in state:
                visit(u)
        return tuple(tears)

    def _order(self, tears: Sequence[str]) -> list[str]:
        indegree = dict.fromkeys(self.units, 0)
        edges = [(a, b) for a, b, s in self._edges() if s not in tears]
        for _, b in edges:
            indegree[b] += 1
        ready = [u for u in self.units if indegree[u] == 0]
        order: list[str] = []
        while ready:
            u = ready.pop(0)
            order.append(u)
            for a, b in edges:
                if a == u:
                    indegree[b] -= 1
                    if indegree[b] == 0:
                        ready.append(b)
        if len(order) != len(self.units):
            raise InputError("tear streams", list(tears), "streams that break every loop")
        return order

    def _blocks(self, order: Sequence[str], tears: Sequence[str]) -> list[_Block]:
        """The units grouped into the strongly connected components of the stream graph (a
        recycle loop, or a unit outside every loop), in an order where each block comes after
        every block that feeds it; within a block, units in ``order``. A block's tears are the
        tear streams inside it."""
        position = {u: k for k, u in enumerate(order)}
        edges = self._edges()
        component = _strongly_connected(list(self.units), [(a, b) for a, b, _ in edges])
        members: dict[int, list[str]] = {}
        for u in order:
            members.setdefault(component[u], []).append(u)
        after: dict[int, set[int]] = {c: set() for c in members}
        indegree = dict.fromkeys(members, 0)
        for a, b, _ in edges:
            ca, cb = component[a], component[b]
            if ca != cb and cb not in after[ca]:
                after[ca].add(cb)
                indegree[cb] += 1
        ready = sorted(
            (c for c in members if indegree[c] == 0), key=lambda c: position[members[c][0]]
        )
        blocks: list[_Block] = []
        while ready:
            c = ready.pop(0)
            units = tuple(members[c])
            inside = set(units)
            block_tears = tuple(
                t for t in tears
                if (src := self._source[t]) is not None and src.unit in inside
                and (dst := self._target[t]) is not None and dst.unit in inside
            )  # fmt: skip
            blocks.append(_Block(units, block_tears))
            for d in after[c]:
                indegree[d] -= 1
                if indegree[d] == 0:
                    ready.append(d)
            ready.sort(key=lambda c: position[members[c][0]])
        return blocks

    # ------------------------------------------------------------------ solving
    def solve(
        self,
        *,
        tears: Sequence[str] | None = None,
        guesses: Mapping[str, Stream] | None = None,
        tol: float = 1e-11,
        max_iterations: int = 500,
        acceleration: str = "anderson",
        warm: bool = True,
    ) -> FlowsheetResult:
        """Solve the flowsheet.

        The units are solved block by block: each recycle loop (a strongly connected group of
        units) is iterated on its own tear streams once everything feeding it is known, and a
        unit outside every loop is run once, after the loops upstream of it have converged
        (so a pond train downstream of a recycle is not re-solved at each iteration of the
        loop).

        Parameters
        ----------
        tears
            Tear streams; default :meth:`tear_streams`.
        guesses
            Starting values of tear streams (default: empty).
        tol
            Convergence tolerance on the largest change of a tear stream component, relative
            to the total feed. [-]
        max_iterations
            Iterations of one loop before :class:`ConvergenceError`.
        acceleration
            ``"anderson"`` (the default: Anderson acceleration on all tear flows of a loop
            together, restarted with a Wegstein step where the residual does not fall),
            ``"wegstein"`` (bounded, component by component) or ``"direct"`` (successive
            substitution).
        warm
            Reuse the work of earlier passes and solves: a unit's last run for the same inlets,
            a loop's converged solution for the same inlets and settings, and the warm starts
            units take from their last run (searches started from the last answer). ``False``
            solves every unit afresh at every pass: the reference the warm solve is tested
            against.
        """
        self._check_complete()
        tear = tuple(tears) if tears is not None else self.tear_streams()
        order = self._order(tear)
        scale = max(sum(s.total for s in self._feeds.values()), 1e-300)
        streams: dict[str, Stream] = dict(self._feeds)
        runs: dict[str, UnitRun] = {}
        history: list[float] = []
        iterations = 0
        residual = 0.0
        settings = _LoopSettings(scale, tol, max_iterations, acceleration, warm)
        for block in self._blocks(order, tear):
            if not block.tears:
                for u in block.units:
                    self._run_unit(u, streams, {}, runs, warm)
                continue
            loop = self._solve_loop(block, streams, runs, guesses or {}, settings)
            iterations += loop.iterations
            residual = max(residual, loop.residual)
            history.extend(loop.history)
        self._check_overall(streams, runs)
        # every stream in the order it was connected, every run in the order units were added
        return FlowsheetResult(
            streams={s: streams[s] for s in self._source if s in streams},
            iterations=iterations,
            residual=residual,
            tears=tear,
            products=self._products(),
            feeds=tuple(self._feeds),
            runs={u: runs[u] for u in self.units},
            history=tuple(history) if history else (0.0,),
        )

    def _run_unit(
        self,
        u: str,
        streams: dict[str, Stream],
        tear_values: Mapping[str, Stream],
        runs: dict[str, UnitRun],
        warm: bool,
    ) -> None:
        """Run one unit on the current streams (tear streams at ``tear_values``) and record its
        outlets in ``streams`` and its run in ``runs``."""
        inputs = {}
        for s, end in self._target.items():
            if end is not None and end.unit == u:
                inputs[end.port] = tear_values[s] if s in tear_values else streams[s]
        run = self.units[u].run(inputs, warm=warm)
        runs[u] = run
        for s, end in self._source.items():
            if end is not None and end.unit == u:
                streams[s] = run.outputs[end.port]

    def _solve_loop(
        self,
        block: _Block,
        streams: dict[str, Stream],
        runs: dict[str, UnitRun],
        guesses: Mapping[str, Stream],
        settings: _LoopSettings,
    ) -> _LoopResult:
        """Iterate one recycle loop to convergence (Wegstein or direct substitution on its tear
        streams), then run it once more from the converged tear values; its streams and runs
        go into ``streams`` and ``runs``.

        With ``settings.warm``, a loop whose inlets and unit settings are those of its last
        converged solve is not iterated again: that solution stands.

        Raises
        ------
        ConvergenceError
            Naming the loop's tear streams, if it does not converge.
        """
        inside = set(block.units)
        inlets = tuple(
            (s, _stream_key(streams[s]))
            for s, end in self._target.items()
            if end is not None and end.unit in inside
            and ((src := self._source[s]) is None or src.unit not in inside)
        )  # fmt: skip
        key = (inlets, tuple(self.units[u].revision for u in block.units))
        memo = self._loop_memo.get(block.units)
        reuse = settings.warm and all(self.units[u].memoise for u in block.units)
        if reuse and memo is not None and memo[0] == key:
            streams.update(memo[1])
            runs.update(memo[2])
            return _LoopResult(0, memo[3].residual, ())
        tear = block.tears
        x = {t: guesses.get(t, Stream()) for t in tear}
        accelerate = _Accelerator(settings.acceleration)
        history: list[float] = []
        for iteration in range(1, settings.max_iterations + 1):
            for u in block.units:
                self._run_unit(u, streams, x, runs, settings.warm)
            g = {t: streams[t] for t in tear}
            residual = (
                max(
                    (
                        abs(g[t].get(c) - x[t].get(c))
                        for t in tear
                        for c in set(g[t].flows) | set(x[t].flows)
                    ),
                    default=0.0,
                )
                / settings.scale
            )
            history.append(residual)
            if residual <= settings.tol:
                for u in block.units:
                    self._run_unit(u, streams, g, runs, settings.warm)
                result = _LoopResult(iteration, residual, tuple(history))
                if reuse:
                    produced = {
                        s: streams[s]
                        for s, end in self._source.items()
                        if end is not None and end.unit in inside
                    }
                    self._loop_memo[block.units] = (
                        key, produced, {u: runs[u] for u in block.units}, result,
                    )  # fmt: skip
                return result
            x = accelerate(x, g, residual)
        raise ConvergenceError(
            f"recycle did not converge in {settings.max_iterations} iterations (residual "
            f"{history[-1]:.3g} > {settings.tol:g}); tear streams: {', '.join(tear)}"
        )

    def _products(self) -> tuple[str, ...]:
        return tuple(s for s, t in self._target.items() if t is None)

    def _check_overall(self, streams: Mapping[str, Stream], runs: Mapping[str, UnitRun]) -> None:
        feeds = [streams[s] for s in self._feeds]
        products = [streams[s] for s in self._products()]
        for run in runs.values():
            feeds.extend(run.utilities_in.values())
            products.extend(run.utilities_out.values())
        check_balance("flowsheet (feeds against products)", feeds, products, rtol=1e-9)


@dataclass(frozen=True)
class _Block:
    """Units solved together: a recycle loop (with its tear streams) or one unit outside every
    loop (no tears)."""

    units: tuple[str, ...]
    tears: tuple[str, ...]


@dataclass(frozen=True)
class _LoopSettings:
    """How loops are iterated (see :meth:`Flowsheet.solve`)."""

    scale: float  # total feed [kg/s]
    tol: float
    max_iterations: int
    acceleration: str
    warm: bool


@dataclass(frozen=True)
class _LoopResult:
    """How one loop converged: iterations, last residual, residual history."""

    iterations: int
    residual: float
    history: tuple[float, ...]


def _stream_key(s: Stream) -> tuple[float, tuple[tuple[str, float], ...]]:
    """A stream's value as a hashable key (temperature and every flow, exactly)."""
    return s.temperature, tuple(sorted(s.flows.items()))


def _strongly_connected(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Strongly connected component of each node (Tarjan's algorithm, iterative): an index
    shared by the nodes of one component."""
    adjacent: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        adjacent[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, k = work.pop()
            if k == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            if k < len(adjacent[node]):
                work.append((node, k + 1))
                nxt = adjacent[node][k]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component[w] = index[node]
                    if w == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return component


ANDERSON_MEMORY = 4
"""Earlier iterates an Anderson step combines."""


class _Accelerator:
    """The next tear values of a loop from its iterates: direct substitution, bounded Wegstein
    per component, or Anderson acceleration (type II, Walker & Ni 2011) on the vector of every
    tear flow of the loop, with memory :data:`ANDERSON_MEMORY`.

    An Anderson step is the combination of the last iterates' outputs whose residuals
    (output − input) combine to the least residual (least squares on their differences); the
    coupled loops of a plant (a recycle feeding its own feed's dilution) converge in a few
    steps where per-component secants zigzag. Where an iteration's residual does not fall
    below the last one, the memory is cleared and a Wegstein step taken instead (a kink, such
    as a limiting reagent changing, defeats the linear model). Flows stay ≥ 0 and solutions the
    units made neutral are made neutral again (:func:`_neutral_like`).
    """

    def __init__(self, method: str) -> None:
        if method not in ("anderson", "wegstein", "direct"):
            raise InputError("acceleration", method, "'anderson', 'wegstein' or 'direct'")
        self.method = method
        self.iterates: list[tuple[dict[str, Stream], dict[str, Stream]]] = []
        self.last_residual = math.inf

    def __call__(
        self, x: dict[str, Stream], g: dict[str, Stream], residual: float
    ) -> dict[str, Stream]:
        """The next input of each tear from this iteration's input ``x`` and output ``g``."""
        stalled = residual >= self.last_residual
        self.last_residual = residual
        previous = self.iterates[-1] if self.iterates else None
        self.iterates = [*self.iterates[-ANDERSON_MEMORY:], (x, g)]
        if previous is None or self.method == "direct":
            return dict(g)
        if self.method == "wegstein" or stalled:
            if stalled:
                self.iterates = self.iterates[-1:]
            return {t: _wegstein(x[t], g[t], previous[0][t], previous[1][t]) for t in x}
        return self._anderson()

    def _anderson(self) -> dict[str, Stream]:
        keys = sorted({(t, c) for xs, gs in self.iterates for t in gs
                       for c in set(xs[t].flows) | set(gs[t].flows)})  # fmt: skip
        xs = np.array([[xi[t].get(c) for t, c in keys] for xi, _ in self.iterates])
        gs = np.array([[gi[t].get(c) for t, c in keys] for _, gi in self.iterates])
        fs = gs - xs
        d_f = np.diff(fs, axis=0).T
        d_g = np.diff(gs, axis=0).T
        gamma = np.linalg.lstsq(d_f, fs[-1], rcond=None)[0]
        new = np.maximum(gs[-1] - d_g @ gamma, 0.0)
        flows: dict[str, dict[str, float]] = {t: {} for t in self.iterates[-1][1]}
        for (t, c), v in zip(keys, new, strict=True):
            if v > 0 or c in self.iterates[-1][1][t].flows:
                flows[t][c] = float(v)
        g = self.iterates[-1][1]
        return {t: _neutral_like(Stream(f, g[t].temperature), g[t]) for t, f in flows.items()}


def _wegstein(x: Stream, g: Stream, x0: Stream, g0: Stream) -> Stream:
    """Bounded Wegstein update per component: x' = q x + (1 − q) g, q = s/(s − 1)."""
    out = {}
    for c in set(x.flows) | set(g.flows):
        dx = x.get(c) - x0.get(c)
        if abs(dx) > 0:
            s = (g.get(c) - g0.get(c)) / dx
            q = s / (s - 1.0) if s != 1.0 else 0.0
            q = min(max(q, -5.0), 0.0)
        else:
            q = 0.0
        out[c] = max(q * x.get(c) + (1.0 - q) * g.get(c), 0.0)
    return _neutral_like(Stream(out, g.temperature), g)


def _neutral_like(new: Stream, g: Stream) -> Stream:
    """An extrapolated tear value made neutral again where the units made ``g`` neutral.

    Extrapolating components one by one can unbalance a solution's charge. A solution the
    units made neutral (its acid/base included) is made neutral again: with its chloride where
    it has some (the correction vanishes as x -> g and touches no H or O), else with its
    acid/base.
    """
    if "H2O" not in new.flows or not any(k in ION_KEYS for k in new.flows):
        return new
    scale = sum(abs(ion(k).charge) * v / component_molar_mass(k)
                for k, v in g.flows.items() if k in ION_KEYS)  # fmt: skip
    if abs(g.nominal_excess()) > 1e-9 * max(scale, 1e-300):
        return new  # not a neutral solution: nothing to restore
    excess = new.nominal_excess()  # eq/s
    chloride = new.get("Cl") + excess * component_molar_mass("Cl")
    if new.get("Cl") > 0 and chloride > 0:
        return Stream({**new.flows, "Cl": chloride}, new.temperature)
    return new.consistent()
