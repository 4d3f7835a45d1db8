"""Feasibility of a set of figure bounds: proofs, witnesses, conflicts and costs.

:class:`Feasibility` answers one question for a chosen set of *released*
figures (figures taken out of the check): can all the other figures be true
at once? It answers with a proof (interval propagation, with bisection when
propagation alone stalls) or with a witness (a point found by a lean
Gauss-Newton over compiled residuals, or by ``scipy.optimize.least_squares``
when that fails, and verified by substitution).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..intervals import Bound, Box, Graph, Op, hull, propagate
from ._compiled import Kernel
from ._cost import least_move
from ._newton import gauss_newton
from ._numeric import (
    aim_margins,
    equality_scale,
    midpoint,
    midpoints,
    nudge_inside,
    scales_of,
)

__all__ = ["Feasibility", "Outcome"]

_INF = math.inf
_RTOL = 1e-9  #: relative residual accepted when a witness is substituted


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer for one set of released figures."""

    status: str  #: "feasible", "infeasible" or "unknown"
    witness: dict[int, float] | None = None  #: variable -> value, when feasible
    box: Box | None = None  #: the contracted box, when not proved empty


def _placement(
    kernel: Kernel, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Which of ``kernel``'s Jacobian entries go where in the flattened matrix
    of ``rows`` (kernel rows, one per check; a node bounded twice is two
    checks) x ``cols`` (kernel columns)."""
    n = len(cols)
    col_at = np.full(len(kernel.variables), -1, dtype=np.intp)
    col_at[cols] = np.arange(n)
    # the checks of each kernel row are a run of the checks sorted by row
    order = np.argsort(rows, kind="stable")
    first = np.searchsorted(rows[order], np.arange(len(kernel.outputs)), "left")
    last = np.searchsorted(rows[order], np.arange(len(kernel.outputs)), "right")
    entries = np.flatnonzero(col_at[kernel.pattern_cols] >= 0)
    entry_rows = kernel.pattern_rows[entries]
    counts = last[entry_rows] - first[entry_rows]
    take = np.repeat(entries, counts)
    within = np.arange(len(take)) - np.repeat(np.cumsum(counts) - counts, counts)
    checks = order[np.repeat(first[entry_rows], counts) + within]
    return take, checks * n + col_at[kernel.pattern_cols[take]]


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
    ) -> None:
        self.graph = graph
        self.structural = list(structural)
        self.figures = figures
        self.steps = steps
        self.bisections = bisections
        self.hints = hints or {}
        self.cache: dict[frozenset[str], Outcome] = {}
        self._component_cache: dict[tuple[int, frozenset[str]], Outcome] = {}
        self._cost_cache: dict[
            tuple[int, frozenset[str]], tuple[float, dict[str, tuple[float, float]]]
        ] = {}
        self._vars_cache: dict[int, frozenset[int]] = {}
        self._kernels: dict[frozenset[int], Kernel] = {}
        self._boxes: dict[frozenset[Bound], Box | None] = {}
        self._yardsticks: dict[Bound, float] = {}
        self._split()

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
        touching = {id(b) for v in near for b in self._bounds_at.get(v, ())}
        structural = [b for b in self.structural if id(b) in touching]
        return structural + figures

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
        if key in self._boxes:
            return self._boxes[key]
        box = self._boxes[key] = propagate(self.graph, key)
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
            if explored >= self.bisections:
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
    def witness(
        self,
        bounds: list[Bound],
        box: Box,
        starts: Sequence[dict[int, float]] = (),
        *,
        quick: bool = False,
    ) -> dict[int, float] | None:
        """A point inside ``box`` satisfying ``bounds``, verified; or None.

        ``quick`` tries only the given starts (a nearby witness), briefly.
        """
        graph = self.graph
        nodes = graph.subtree(b.node for b in bounds)
        variables = [v for v in nodes if graph.kind[v] == Op.VAR]
        lo, hi = box
        fixed = {v: lo[v] for v in variables if hi[v] - lo[v] <= 0.0}
        free = [v for v in variables if v not in fixed]
        free_lo = np.array([lo[v] for v in free])
        free_hi = np.array([hi[v] for v in free])
        scale = scales_of(free_lo, free_hi)
        zlo, zhi = free_lo / scale, free_hi / scale
        checks = [b for b in bounds if graph.kind[b.node] != Op.VAR]
        mid0 = dict(zip(free, midpoints(free_lo, free_hi).tolist(), strict=True))
        exact_lo = np.array([b.lo for b in checks])
        exact_hi = np.array([b.hi for b in checks])
        width = exact_hi - exact_lo
        margin = aim_margins(exact_lo, exact_hi)
        two_sided = (width > 0.0) & (width < _INF)
        if not two_sided.all():
            # an equality, or a one-sided bound (a tail >= 0): the size of
            # the terms is the yardstick of a miss (one per bound and check)
            values0: dict[int, float] | None = None
            for i in np.flatnonzero(~two_sided).tolist():
                b = checks[i]
                size = self._yardsticks.get(b)
                if size is None:
                    if values0 is None:
                        values0 = graph.evaluate({**fixed, **mid0}, nodes)
                    size = self._yardsticks[b] = equality_scale(graph, b.node, values0)
                width[i] = size
        targets_lo = exact_lo + margin
        aimed = margin.copy()
        targets_hi = exact_hi - margin
        kernel = self.kernel(bounds)
        free_cols = np.array([kernel.column[v] for v in free], dtype=np.intp)
        rows = np.array([kernel.row[b.node] for b in checks], dtype=np.intp)
        base = np.zeros(len(kernel.variables))
        for v, x in fixed.items():
            base[kernel.column[v]] = x

        def inputs(z: npt.NDArray[np.float64]) -> list[float]:
            x = base.copy()
            x[free_cols] = z * scale
            return x.tolist()

        def hinge(
            v: npt.NDArray[np.float64],
        ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], bool]:
            below = np.maximum(targets_lo - v, 0.0)
            above = np.maximum(v - targets_hi, 0.0)
            r = (below + above) / width
            sign = np.where(below > 0.0, -1.0, np.where(above > 0.0, 1.0, 0.0))
            # close enough for verify: within the aimed margin plus half its
            # tolerance of every bound
            slack = aimed + 0.5 * _RTOL * np.abs(v)
            done = bool(np.all(below + above <= slack))
            return np.where(np.isfinite(r), r, 1e6), sign / width, done

        # where each non-zero of the kernel's Jacobian goes in the matrix of
        # checks x free variables (a node bounded twice fills two rows)
        take_at, put_at = _placement(kernel, rows, free_cols)
        shape = (len(checks), len(free))

        def fun(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            v = np.array(kernel.values(inputs(z)))[rows]
            return hinge(v)[0]

        def both(
            z: npt.NDArray[np.float64],
        ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], bool]:
            values, entries = kernel.values_and_entries(inputs(z))
            r, weights, done = hinge(np.array(values)[rows])
            full = np.zeros(shape[0] * shape[1])
            full[put_at] = np.array(entries)[take_at]
            return r, full.reshape(shape) * weights[:, None] * scale[None, :], done

        def jac(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            return both(z)[1]

        printed = {v: self.hints[v] for v in free if v in self.hints}
        candidates: list[dict[int, float] | None] = [mid0, {**mid0, **printed}, *starts]
        if quick:
            attempts = [
                (k, aim) for k in range(2, len(candidates)) for aim in (True, False)
            ]
        else:
            # nearby witnesses first (cheap when they are close), then the
            # printed values, then the middle of the box
            attempts = [(k, True) for k in range(2, len(candidates))]
            attempts += [(1, True), (0, True), (1, False), (0, False)]
            attempts += [(-1, True), (-1, False)]  # from a dive, computed when needed
        nfev = 50 if quick else 80  # fail fast from the ordinary starts
        # the lean Gauss-Newton from every start first (up to 400 unknowns:
        # it solves densely), then least_squares from the same starts
        lean = [
            (k, aim, True)
            for k, aim in attempts
            if len(free) <= (60 if k == -1 else 400)  # a dive is dear on large ones
        ]

        def ordered() -> Iterator[tuple[int, bool, bool]]:
            """The attempts: nearby witnesses first; then, of the printed
            values and the middle of the box, the one nearer a witness."""
            nearby = [t for t in lean if t[0] >= 2]
            yield from nearby
            ordinary = [t for t in lean if t[0] in (0, 1)]
            if not quick and free and checks and len(ordinary) > 1:
                first: dict[int, float] = {}
                for k in (0, 1):
                    start = candidates[k]
                    assert start is not None
                    z = np.array([start.get(v, mid0[v]) for v in free]) / scale
                    r = both(np.clip(z, zlo, zhi))[0]
                    first[k] = float(r @ r)
                ordinary.sort(key=lambda t: (not t[1], first[t[0]]))
            yield from ordinary
            # then from a dive (variables fixed one by one, propagating after
            # each): the last resort of the ordinary starts, it is often the
            # only one that works
            yield from (t for t in lean if t[0] == -1)
            yield from ((k, a, False) for k, a in attempts)

        for k, aim_inside, shortcut in ordered():
            from_dive = k == -1  # the last resort gets the largest budget
            if k == -1:
                if len(candidates) == 2 + len(starts):
                    candidates.append(self._dive(bounds, box, variables, printed))
                k = len(candidates) - 1
            start = candidates[k]
            if start is None:
                continue
            # first aim a little inside every interval; then, for a truth on an
            # edge (a truncated figure printed exactly), at the edges themselves
            aimed[:] = margin if aim_inside else 0.0
            targets_lo[:] = exact_lo + (margin if aim_inside else 0.0)
            targets_hi[:] = exact_hi - (margin if aim_inside else 0.0)
            z0 = (
                np.array([start.get(v, mid0[v]) for v in free]) / scale
                if free
                else np.array([])
            )
            z0 = np.clip(z0, zlo, zhi)
            if free and checks and shortcut:
                z = gauss_newton(both, z0, zlo, zhi, max_steps=nfev // 2)[0]
            elif free and checks:
                # the fallback only: scipy.optimize is slow to import
                from scipy.optimize import least_squares

                with np.errstate(invalid="ignore", over="ignore"):
                    z0 = nudge_inside(z0, zlo, zhi)
                if not np.all(np.isfinite(z0)):
                    continue  # an unbounded box leaves no finite start here
                try:
                    with np.errstate(all="ignore"):  # a flat start divides by 0
                        result = least_squares(
                            fun,
                            z0,
                            jac=jac,
                            bounds=(zlo, zhi),
                            method="trf",
                            # an SVD per step is slow on large components: use LSMR there
                            tr_solver="exact" if len(free) <= 40 else "lsmr",
                            x_scale="jac",
                            xtol=1e-15,
                            ftol=1e-15,
                            gtol=1e-15,
                            max_nfev=200 if from_dive else nfev,
                        )
                except ValueError:  # scipy refuses the start (residuals not finite)
                    continue
                z = result.x
            else:
                z = z0
            point = dict(fixed)
            point.update({v: float(x) for v, x in zip(free, z * scale, strict=True)})
            if self.verify(point, bounds):
                return point
        return None

    def _dive(
        self,
        bounds: list[Bound],
        box: Box,
        variables: list[int],
        printed: dict[int, float],
    ) -> dict[int, float] | None:
        """A start point by fixing variables one at a time, propagating after each.

        Narrow (printed) variables go first; a value whose propagation empties
        the box is replaced by another of its range. The point that results
        satisfies every bound to within the propagation's reach, which the
        witness search then polishes.
        """
        lo, hi = list(box[0]), list(box[1])

        def rel_width(v: int) -> float:
            w = hi[v] - lo[v]
            return (
                w / max(abs(lo[v]), abs(hi[v]), 1e-300)
                if math.isfinite(w)
                else math.inf
            )

        order = sorted(variables, key=rel_width)
        for v in order:
            a, b = lo[v], hi[v]
            if b - a <= 0.0:
                continue
            if not math.isfinite(b):
                b = a + max(abs(a), 1.0) * 4.0
            choices = [printed[v]] if v in printed and a <= printed[v] <= b else []
            choices += [
                a + f * (b - a) for f in (0.5, 0.25, 0.75, 0.1, 0.9, 0.02, 0.98)
            ]
            for c in choices:
                pin = max(abs(c) * 1e-9, 1e-300)
                trial_lo, trial_hi = list(lo), list(hi)
                trial_lo[v], trial_hi[v] = max(a, c - pin), min(hi[v], c + pin)
                sub = propagate(self.graph, bounds, box=(trial_lo, trial_hi))
                if sub is not None:
                    lo, hi = sub
                    break
            else:
                return None
        return {v: midpoint(lo[v], hi[v]) for v in variables}

    def verify(self, point: dict[int, float], bounds: Sequence[Bound]) -> bool:
        """Substitute ``point``: every bound holds to a relative residual of 1e-9.

        The graph's own evaluation, not the compiled kernels the search uses,
        so that the certificate does not rest on the code that found it.
        """
        graph = self.graph
        nodes = graph.subtree(b.node for b in bounds)
        kind, lo0, hi0 = graph.kind, graph.lo0, graph.hi0
        var = Op.VAR
        for v in nodes:
            if kind[v] == var:
                x = point.get(v)
                if x is None or not lo0[v] <= x <= hi0[v]:
                    return False
        values = graph.evaluate(point, nodes)
        value = np.array([values[b.node] for b in bounds])
        lo = np.array([b.lo for b in bounds])
        hi = np.array([b.hi for b in bounds])
        if not np.isfinite(value).all():
            return False
        # relative to the value and the finite bounds; equalities relative
        # to the size of their terms
        tol = _RTOL * np.maximum.reduce(
            [
                np.abs(value),
                np.where(np.isfinite(lo), np.abs(lo), 0.0),
                np.where(np.isfinite(hi), np.abs(hi), 0.0),
                np.full(len(bounds), 1e-300),
            ]
        )
        for i in np.flatnonzero(lo == hi).tolist():
            tol[i] = _RTOL * equality_scale(graph, bounds[i].node, values)
        return bool(np.all((value >= lo - tol) & (value <= hi + tol)))

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

    def conflict(self, candidates: Sequence[str]) -> list[str]:
        """A minimal subset of ``candidates`` that cannot hold (QuickXplain).

        ``candidates`` must be proved infeasible together with the structural
        constraints.
        """

        by_comp: dict[int, list[str]] = {}
        for k in candidates:
            by_comp.setdefault(self.component_of[k], []).append(k)
        comp, branch = -2, False
        for c, keys in by_comp.items():  # a component that fails on its own
            if self.proved_empty(self.only(keys, [c]), branch=False):
                comp, branch = c, False
                break
        else:
            for c, keys in by_comp.items():
                if self.proved_empty(self.only(keys, [c]), branch=True):
                    comp, branch = c, True
                    break
        if comp == -2:
            return []
        candidates = by_comp[comp]
        if not branch:  # start from the figures around where propagation failed
            candidates = self._around_failure(candidates, comp)
        # Test subsets with only the structural bounds on their own variables
        # (much smaller problems) when that still proves the whole set: the
        # test stays monotone, so the conflict found is minimal for it.
        use_local = not branch and self.proved_empty(
            self.local(candidates), branch=False
        )

        def bounds_of(keys: list[str]) -> list[Bound]:
            return self.local(keys) if use_local else self.only(keys, [comp])

        # QuickXplain tests a background and then that background plus a few
        # figures: each test starts from the box of the last one it extends
        boxes: dict[frozenset[str], Box | None] = {}
        incremental = not branch

        def infeasible(keys: list[str], base: list[str] | None) -> bool:
            bounds = bounds_of(keys)
            if not incremental:
                return self.proved_empty(bounds, branch=branch)
            start = boxes.get(frozenset(base)) if base is not None else None
            if start is None or base is None:
                box = self.propagate(bounds)
            else:
                known = bounds_of(base)
                have = set(known)
                added = [b for b in bounds if b not in have]
                box = propagate(self.graph, added, box=start, base=known)
            boxes[frozenset(keys)] = box
            return box is None

        def qx(
            background: list[str],
            has_delta: bool,
            items: list[str],
            base: list[str] | None,
        ) -> list[str]:
            if has_delta:
                if infeasible(background, base):
                    return []
                base = background
            if len(items) == 1:
                return items
            k = len(items) // 2
            first, second = items[:k], items[k:]
            d2 = qx(background + first, bool(first), second, base)
            d1 = qx(background + d2, bool(d2), first, base)
            return d1 + d2

        if self.proved_empty(bounds_of([]), branch=branch):
            return []
        found = qx([], False, list(candidates), None)
        # started from other boxes, a test may differ from a fresh one by a
        # hair: the conflict reported must stand on a fresh proof
        if not incremental or self.proved_empty(bounds_of(found), branch=False):
            return found
        incremental = False
        return qx([], False, list(candidates), None)

    # ------------------------------------------------------------ costs
    def _around_failure(self, candidates: list[str], comp: int) -> list[str]:
        """The candidates within a few steps of the node where propagation
        empties the box, if they already fail together (else all of them),
        nearest first: QuickXplain then settles on a conflict near the
        failure with small tests."""
        empty_at: list[int] = []
        propagate(self.graph, self.only(candidates, [comp]), empty_at=empty_at)
        if not empty_at:
            return candidates
        near = set(self._vars_of(empty_at[0]))
        level: dict[str, int] = {}
        for step in range(4):
            found = [b for v in near for b in self._bounds_at.get(v, ())]
            for b in found:
                if b.key in self.figures:
                    level.setdefault(b.key, step)
            subset = sorted(
                (k for k in candidates if k in level), key=level.__getitem__
            )
            if subset and self.proved_empty(self.only(subset, [comp]), branch=False):
                return subset
            near = {v for b in found for v in self._vars_of(b.node)}
        return sorted(candidates, key=lambda k: level.get(k, 4))

    def cost(
        self, released: frozenset[str], start: dict[int, float], box: Box
    ) -> tuple[float, dict[str, tuple[float, float]]]:
        """Least total move, in steps, of the released figures outside their intervals.

        Components share no variable, so the least move of a set is the sum
        of the least moves of its parts in each component; each part is
        solved once (:func:`._cost.least_move`) and cached.
        """
        total = 0.0
        moves: dict[str, tuple[float, float]] = {}
        for comp in sorted({self.component_of[k] for k in released}):
            part = frozenset(k for k in released if self.component_of[k] == comp)
            key = (comp, part)
            if key not in self._cost_cache:
                self._cost_cache[key] = least_move(self, part, start, box)
            cost, part_moves = self._cost_cache[key]
            total += cost
            moves.update(part_moves)
        return total, moves

    def implied(
        self, released: frozenset[str], keys: Iterable[str]
    ) -> dict[str, tuple[float, float] | None]:
        """Each figure's rigorous range with ``released`` and itself set aside.

        The range of a figure's node when every other bound of its component
        holds (``None`` if they cannot). Leaving figures out by halves, each
        box is the box of its parent extended by the half kept
        (:func:`~massbalance.intervals.propagate` with ``base``): ``2(n - 1)``
        incremental propagations for ``n`` figures, each touching only what
        its added half narrows, rather than ``n`` propagations of the whole.
        """
        wanted = list(keys)
        out: dict[str, tuple[float, float] | None] = {}
        by_comp: dict[int, list[str]] = {}
        for k in wanted:
            by_comp.setdefault(self.component_of[k], []).append(k)
        for comp, ks in by_comp.items():
            active = [k for k in self.figures_of.get(comp, []) if k not in released]
            asked = set(ks)
            leave = [k for k in active if k in asked]
            keep = [self.figures[k] for k in active if k not in asked]
            base = self.structural_of.get(comp, []) + keep
            if any(k in released for k in ks):
                box = self.propagate(base + [self.figures[k] for k in leave])
                for k in ks:
                    if k in released:
                        out[k] = (
                            None
                            if box is None
                            else hull(self.graph, box, self.figures[k].node)
                        )
            box = self.propagate(base)
            if box is None:
                out.update(dict.fromkeys(leave))
            elif leave:
                self._leave_out(base, box, leave, out)
        return {k: out[k] for k in wanted}

    def _leave_out(
        self,
        base: list[Bound],
        box: Box,
        items: list[str],
        out: dict[str, tuple[float, float] | None],
    ) -> None:
        """The box of ``base`` and every item but one, for each item in turn."""
        if len(items) == 1:
            out[items[0]] = hull(self.graph, box, self.figures[items[0]].node)
            return
        half = len(items) // 2
        for leave, keep in ((items[:half], items[half:]), (items[half:], items[:half])):
            added = [self.figures[k] for k in keep]
            sub = propagate(self.graph, added, box=box, base=base)
            if sub is None:
                out.update(dict.fromkeys(leave))
            else:
                self._leave_out(base + added, sub, leave, out)
