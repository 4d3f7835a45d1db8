"""Feasibility of a set of figure bounds: components, bound sets, proofs, the question.

:class:`Feasibility` answers one question for a chosen set of *released*
figures (figures taken out of the check): can all the other figures be true
at once? It splits the bounds into independent components (sharing no
variable), answers per component with a proof (interval propagation, cached
per set of bounds, with bisection when propagation alone stalls) or with a
witness (:mod:`._witness`), and caches every answer. The culprit search
(:mod:`._culprits`), the implied ranges (:mod:`._implied`) and the costs
(:mod:`._cost`) are built on it.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..intervals import Bound, Box, Graph, Op, propagate
from ._compiled import Kernel
from ._cost import least_move
from ._witness import WitnessSearch

#: boxes remembered by :meth:`Feasibility.propagate` (the least recently used
#: go first): each is two lists over the whole graph, megabytes on large releases
_BOXES_KEPT = 256

__all__ = ["Feasibility", "Outcome"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer for one set of released figures."""

    status: str  #: "feasible", "infeasible" or "unknown"
    witness: dict[int, float] | None = None  #: variable -> value, when feasible
    box: Box | None = None  #: the contracted box, when not proved empty


class Feasibility:
    """Decide feasibility of the structural constraints plus figure bounds.

    Parameters
    ----------
    graph : Graph
    structural : sequence of Bound
        Always active (balances, totals, physical sums).
    figures : dict of str to Bound
        One bound per figure id, in canonical units.
    steps : dict of str to float
        Each figure's step in canonical units (for costs).
    bisections : int
        Boxes explored by branch and prune before giving up on a proof.
    hints : dict of int to float, optional
        Printed values of variables (canonical units), a start for witnesses.
    deadline : float, optional
        A :func:`time.monotonic` time past which witness searches and
        bisections stop (their answers become "unknown", never wrong).
    """

    def __init__(
        self,
        graph: Graph,
        structural: Sequence[Bound],
        figures: dict[str, Bound],
        steps: dict[str, float],
        *,
        bisections: int = 64,
        hints: dict[int, float] | None = None,
        deadline: float = math.inf,
    ) -> None:
        self.graph = graph
        self.structural = list(structural)
        # where each structural bound sits in self.structural (by identity)
        self._structural_at: dict[int, list[int]] = {}
        for i, b in enumerate(self.structural):
            self._structural_at.setdefault(id(b), []).append(i)
        self.figures = figures
        self.steps = steps
        self.bisections = bisections
        self.hints = hints or {}
        self.cache: dict[frozenset[str], Outcome] = {}
        self._component_cache: dict[tuple[int, frozenset[str]], Outcome] = {}
        self._cost_cache: dict[
            tuple[int, frozenset[str], frozenset[str]],
            tuple[float, dict[str, tuple[float, float]]],
        ] = {}
        self._vars_cache: dict[int, frozenset[int]] = {}
        self._kernels: dict[frozenset[int], Kernel] = {}
        self._boxes: OrderedDict[frozenset[Bound], Box | None] = OrderedDict()
        self._split()
        self.witnesses = WitnessSearch(graph, self.kernel, self.hints, deadline)
        self.deadline = deadline
        self.verify = self.witnesses.verify

    def witness(
        self,
        bounds: list[Bound],
        box: Box,
        starts: Sequence[dict[int, float]] = (),
        *,
        quick: bool = False,
    ) -> dict[int, float] | None:
        """:meth:`._witness.WitnessSearch.find`'s verified point, or None."""
        return self.witnesses.find(bounds, box, starts, quick=quick).x

    def _split(self) -> None:
        """Independent components: bounds that share no variable, directly or not."""
        parent: dict[int, int] = {}

        def find(v: int) -> int:
            while parent.setdefault(v, v) != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        bound_vars: list[tuple[Bound, list[int]]] = []
        self._bounds_at: dict[int, list[Bound]] = {}
        for b in [*self.structural, *self.figures.values()]:
            vs = sorted(self._vars_of(b.node))
            bound_vars.append((b, vs))
            for v in vs:
                self._bounds_at.setdefault(v, []).append(b)
            for v in vs[1:]:
                ra, rb = find(vs[0]), find(v)
                if ra != rb:
                    parent[ra] = rb
        self.component_of: dict[str, int] = {}
        self.structural_of: dict[int, list[Bound]] = {}
        self.figures_of: dict[int, list[str]] = {}
        self._comp_at: dict[int, int] = {}  # bound node -> component
        self._outputs_of: dict[int, set[int]] = {}  # component -> bound nodes
        for b, vs in bound_vars:
            comp = find(vs[0]) if vs else -1
            if b.key in self.figures and self.figures[b.key] is b:
                self.component_of[b.key] = comp
                self.figures_of.setdefault(comp, []).append(b.key)
            else:
                self.structural_of.setdefault(comp, []).append(b)
            self._comp_at[b.node] = comp
            self._outputs_of.setdefault(comp, set()).add(b.node)
        self.components = sorted(set(self.figures_of) | set(self.structural_of))

    def _vars_of(self, node: int) -> frozenset[int]:
        found = self._vars_cache.get(node)
        if found is None:
            graph = self.graph
            found = frozenset(
                v for v in graph.subtree([node]) if graph.kind[v] == Op.VAR
            )
            self._vars_cache[node] = found
        return found

    def kernel(self, bounds: Iterable[Bound]) -> Kernel:
        """Compiled values and Jacobian for ``bounds``: those of every bound in
        their components, compiled once per set of components."""
        nodes = {b.node for b in bounds}
        comps = frozenset(self._comp_at.get(n, -2) for n in nodes)
        if -2 in comps:  # a node no bound of the release holds: its own kernel
            key = frozenset(nodes) | frozenset(-1 - c for c in comps if c != -2)
            outputs = set(nodes)
        else:
            key = frozenset(-1 - c for c in comps)
            outputs = set()
        found = self._kernels.get(key)
        if found is None:
            for c in comps:
                outputs |= self._outputs_of.get(c, set())
            found = self._kernels[key] = Kernel(self.graph, outputs)
        return found

    def local(self, keys: Iterable[str]) -> list[Bound]:
        """The figures ``keys`` and the structural bounds on their variables only."""
        figures = [self.figures[k] for k in keys]
        near = {v for b in figures for v in self._vars_of(b.node)}
        at = self._structural_at
        touching = {
            i
            for v in near
            for b in self._bounds_at.get(v, ())
            for i in at.get(id(b), ())
        }
        # in the order of self.structural, without a pass over all of them
        return [self.structural[i] for i in sorted(touching)] + figures

    # ------------------------------------------------------------ bounds
    def active(
        self, released: Iterable[str], comps: Iterable[int] | None = None
    ) -> list[Bound]:
        """Every bound but the released figures' (in ``comps`` only, if given)."""
        out = set(released)
        chosen = self.components if comps is None else list(comps)
        bounds: list[Bound] = []
        for comp in chosen:
            bounds.extend(self.structural_of.get(comp, []))
            bounds.extend(
                self.figures[k] for k in self.figures_of.get(comp, []) if k not in out
            )
        return bounds

    def only(
        self, keep: Iterable[str], comps: Iterable[int] | None = None
    ) -> list[Bound]:
        """The structural bounds of ``comps`` (else of the kept figures) and ``keep``."""
        keys = list(keep)
        chosen = {self.component_of[k] for k in keys} if comps is None else set(comps)
        bounds = [b for c in sorted(chosen) for b in self.structural_of.get(c, [])]
        return bounds + [self.figures[k] for k in keys]

    # ------------------------------------------------------------ proofs
    def propagate(self, bounds: Iterable[Bound]) -> Box | None:
        """:func:`~massbalance.intervals.propagate` from the physical bounds,
        remembered per set of bounds (a check asks some sets several times).
        The box is shared: read it, do not modify it."""
        key = frozenset(bounds)
        boxes = self._boxes
        if key in boxes:
            boxes.move_to_end(key)
            return boxes[key]
        box = boxes[key] = propagate(self.graph, key)
        if len(boxes) > _BOXES_KEPT:  # a box is two lists over the whole graph
            boxes.popitem(last=False)
        return box

    def proved_empty(self, bounds: list[Bound], *, branch: bool = True) -> bool:
        """True if propagation (and, if asked, bisection) proves no solution."""
        box = self.propagate(bounds)
        if box is None:
            return True
        if not branch:
            return False
        return self._branch(bounds, box)

    def _branch(self, bounds: list[Bound], box: Box) -> bool:
        variables = [
            v
            for v in self.graph.subtree(b.node for b in bounds)
            if self.graph.kind[v] == Op.VAR
        ]
        stack = [box]
        explored = 0
        while stack:
            if explored >= self.bisections or time.monotonic() > self.deadline:
                return False
            current = stack.pop()
            explored += 1
            lo, hi = current
            best, width = -1, 0.0
            for v in variables:
                w = hi[v] - lo[v]
                if not math.isfinite(w):
                    continue
                rel = w / max(abs(lo[v]), abs(hi[v]), 1e-300)
                if rel > width:
                    best, width = v, rel
            if best < 0 or width < 1e-12:
                return False
            mid = 0.5 * (lo[best] + hi[best])
            for part in ((lo[best], mid), (mid, hi[best])):
                new_lo, new_hi = list(lo), list(hi)
                new_lo[best], new_hi[best] = part
                sub = propagate(self.graph, bounds, box=(new_lo, new_hi))
                if sub is not None:
                    stack.append(sub)
        return True

    # ------------------------------------------------------------ witness
    # ------------------------------------------------------------ the question
    def test(self, released: frozenset[str]) -> Outcome:
        """Can every figure but ``released`` hold at once?

        Decided component by component (components share no variable), each
        answer cached, so a culprit search re-tests only what a set changes.
        """
        cached = self.cache.get(released)
        if cached is not None:
            return cached
        touched = {self.component_of[k] for k in released}
        order = sorted(self.components, key=lambda c: (c not in touched, c))
        witness: dict[int, float] = {}
        lo, hi = list(self.graph.lo0), list(self.graph.hi0)
        status = "feasible"
        for comp in order:
            mine = frozenset(k for k in released if self.component_of[k] == comp)
            outcome = self._test_component(comp, mine)
            if outcome.status == "infeasible":
                status = "infeasible"
                break
            if outcome.status == "unknown":
                status = "unknown"
            if outcome.witness:
                witness.update(outcome.witness)
            if outcome.box is not None:
                nodes = self.graph.subtree(b.node for b in self.active(mine, [comp]))
                for n in nodes:
                    lo[n], hi[n] = outcome.box[0][n], outcome.box[1][n]
        if status == "infeasible":
            result = Outcome("infeasible")
        elif status == "unknown":
            result = Outcome("unknown", None, (lo, hi))
        else:
            result = Outcome("feasible", witness, (lo, hi))
        self.cache[released] = result
        return result

    def _test_component(self, comp: int, released: frozenset[str]) -> Outcome:
        key = (comp, released)
        cached = self._component_cache.get(key)
        if cached is not None:
            return cached
        bounds = self.active(released, [comp])
        box = self.propagate(bounds)
        if box is None:
            outcome = Outcome("infeasible")
        else:
            starts = [
                o.witness
                for (c, _), o in self._component_cache.items()
                if c == comp and o.witness
            ][:2]
            point = self.witness(bounds, box, starts)
            if point is not None:
                outcome = Outcome("feasible", point, box)
            elif self._branch(bounds, box):
                outcome = Outcome("infeasible")
            else:
                outcome = Outcome("unknown", None, box)
        self._component_cache[key] = outcome
        return outcome

    def cost(
        self,
        released: frozenset[str],
        start: dict[int, float],
        box: Box,
        free: frozenset[str] = frozenset(),
    ) -> tuple[float, dict[str, tuple[float, float]]]:
        """Least total move, in steps, of the released figures outside their intervals.

        Components share no variable, so the least move of a set is the sum
        of the least moves of its parts in each component; each part is
        solved once (:func:`._cost.least_move`) and cached. ``free`` figures
        are set aside too, at no cost (another disagreement's); ``start`` and
        ``box`` are then those of ``released | free``.
        """
        total = 0.0
        moves: dict[str, tuple[float, float]] = {}
        for comp in sorted({self.component_of[k] for k in released}):
            part = frozenset(k for k in released if self.component_of[k] == comp)
            loose = frozenset(k for k in free if self.component_of[k] == comp)
            key = (comp, part, loose)
            if key not in self._cost_cache:
                self._cost_cache[key] = least_move(
                    self.graph,
                    self.active(part | loose, [comp]),
                    {k: self.figures[k] for k in sorted(part)},
                    self.steps,
                    start,
                    box,
                    witness=self.witness,
                    verify=self.verify,
                )
            cost, part_moves = self._cost_cache[key]
            total += cost
            moves.update(part_moves)
        return total, moves
