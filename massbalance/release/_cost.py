"""The least move of released figures outside their printed intervals (a culprit's cost).

First the lower bound: each released figure at the edge of its own enclosure
nearest its printed interval; when a witness attains it, it is the optimum.
Otherwise sequential linear programming (HiGHS) in a trust region from the
culprit set's witness (and, for several figures, from other starts), every
accepted step verified by substitution, then a bisection between the lower
bound and the best point reached.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..intervals import Bound, Box, Graph, Op, hull, propagate
from ._numeric import aim_margin, midpoint, scale_of

__all__ = ["least_move"]

#: ``(bounds, box, starts, *, quick) -> verified point or None``
WitnessFn = Callable[..., "dict[int, float] | None"]
#: ``(point, bounds) -> whether every bound holds at point``
VerifyFn = Callable[[dict[int, float], Sequence[Bound]], bool]


@dataclass(frozen=True, slots=True)
class _Context:
    """What the move search needs of the check: the graph, the steps, and
    the witness search's two callables."""

    graph: Graph
    steps: dict[str, float]
    witness: WitnessFn
    verify: VerifyFn


def least_move(
    graph: Graph,
    active: list[Bound],
    released: dict[str, Bound],
    steps: dict[str, float],
    start: dict[int, float],
    box: Box,
    *,
    witness: WitnessFn,
    verify: VerifyFn,
) -> tuple[float, dict[str, tuple[float, float]]]:
    """Least total move of released figures that all lie in one component.

    ``active`` are the bounds that hold (every other bound of the
    component), ``released`` the released figures' bounds by id, ``steps``
    each figure's step; ``witness`` and ``verify`` are the witness search's
    (:meth:`._witness.WitnessSearch.point` and ``.verify``).

    First the lower bound: each released figure at the edge of its own
    enclosure nearest its printed interval (within a millionth of a step); a
    witness that attains it proves it optimal to that precision. Otherwise
    sequential linear programming (HiGHS) in a trust region, from the witness
    ``start`` and, for a set of several figures, from a point with each figure
    in turn at its bound: every accepted step is verified by substitution to
    satisfy all the other figures, so the result is attained by a real point
    (an upper bound on the optimum; the best of the local optima found).
    Last, a bisection between the lower bound and that point
    (:func:`_tighten`), which often finds a cheaper move and never a dearer
    one.

    ``box`` is the box that propagating the other figures gave (the culprit
    set's test). Returns the cost and, per released figure, (value, steps
    out) in canonical units.
    """
    solver = _Context(graph, steps, witness, verify)
    keys = sorted(released)
    moving = [released[k] for k in keys]
    nodes = graph.subtree([b.node for b in active] + [b.node for b in moving])
    variables = [v for v in nodes if graph.kind[v] == Op.VAR]
    lo, hi = box

    def distances(values: dict[int, float]) -> dict[str, tuple[float, float]]:
        return _distances(solver, keys, moving, values)

    point = {v: start.get(v, midpoint(lo[v], hi[v])) for v in variables}
    best = distances(graph.evaluate(point, nodes))
    best_cost = sum(d for _, d in best.values())
    if best_cost == 0.0:
        return best_cost, best
    # First try the lower bound: each released figure at the edge of its own
    # enclosure nearest its printed interval. If a witness attains it, it is
    # the optimum.
    starts = [point]
    targets = []
    for key, b in zip(keys, moving, strict=True):
        e_lo, e_hi = hull(graph, box, b.node)
        eps = 1e-6 * solver.steps[key]
        if e_lo > b.hi:
            targets.append(Bound(b.node, e_lo, e_lo + eps, key))
        elif e_hi < b.lo:
            targets.append(Bound(b.node, e_hi - eps, e_hi, key))
        else:
            targets.append(Bound(b.node, max(b.lo, e_lo), min(b.hi, e_hi), key))
    pinned = active + targets
    # ``box`` is the propagation of ``active``: extend it by the targets
    pinned_box = propagate(graph, targets, box=box, base=active)
    if pinned_box is not None:
        found = solver.witness(pinned, pinned_box, [point], quick=True)
        if found is not None:
            found_d = distances(graph.evaluate(found, nodes))
            found_cost = sum(d for _, d in found_d.values())
            if found_cost <= best_cost:
                return found_cost, found_d
    # Not attained together: the move is a local optimum of a non-convex
    # problem, so start the descent from several places: the culprit
    # set's witness, and for each figure a point with it at its bound
    # (the others free) when the set has more than one.
    for target in targets if len(targets) > 1 else []:
        one = [*active, target]
        one_box = propagate(graph, [target], box=box, base=active)
        if one_box is not None:
            found = solver.witness(one, one_box, [point], quick=True)
            if found is not None:
                starts.append(found)
    best_point = point
    for begin in starts:
        moved, reached = _descend(
            solver, keys, moving, active, nodes, variables, box, begin
        )
        cost = sum(d for _, d in moved.values())
        if cost < best_cost:
            best_cost, best, best_point = cost, moved, reached
    return _tighten(solver, keys, moving, active, nodes, box, targets, best, best_point)


def _tighten(
    solver: _Context,
    keys: list[str],
    moving: list[Bound],
    active: list[Bound],
    nodes: list[int],
    box: Box,
    targets: list[Bound],
    best: dict[str, tuple[float, float]],
    point: dict[int, float],
    *,
    steps: int = 10,
) -> tuple[float, dict[str, tuple[float, float]]]:
    """Bisect between the lower bound and the best point found.

    Each released figure is held between the bound it would reach at the
    lower bound and a fraction of the way to its value at the best point; a
    verified witness there is a cheaper move (a local optimum of the descent
    is often not the least), and an empty propagation shows that no move
    along that path is so small.
    """
    graph = solver.graph
    best_cost = sum(d for _, d in best.values())
    edges = [
        min(max(best[key][0], t.lo), t.hi) for key, t in zip(keys, targets, strict=True)
    ]
    far = [best[key][0] for key in keys]
    low, high = 0.0, 1.0
    for _ in range(steps):
        middle = 0.5 * (low + high)
        path = []
        for key, b, e, f in zip(keys, moving, edges, far, strict=True):
            v = e + middle * (f - e)
            path.append(Bound(b.node, min(e, v), max(e, v), key))
        path_box = propagate(graph, path, box=box, base=active)
        found = (
            None
            if path_box is None
            else solver.witness(active + path, path_box, [point], quick=True)
        )
        if found is None:
            low = middle
            continue
        high = middle
        found_d = _distances(solver, keys, moving, graph.evaluate(found, nodes))
        found_cost = sum(d for _, d in found_d.values())
        if found_cost < best_cost:
            best_cost, best, point = found_cost, found_d, found
    return best_cost, best


def _descend(
    solver: _Context,
    keys: list[str],
    moving: list[Bound],
    active: list[Bound],
    nodes: list[int],
    variables: list[int],
    box: Box,
    start: dict[int, float],
) -> tuple[dict[str, tuple[float, float]], dict[int, float]]:
    """Sequential LP from the verified point ``start``: each released figure's
    (value, steps out) at the best verified point reached, and the point."""
    graph = solver.graph
    index = {v: j for j, v in enumerate(variables)}
    lo, hi = box
    scale = np.array([scale_of(lo[v], hi[v], start.get(v)) for v in variables])
    zlo = np.array([lo[v] for v in variables]) / scale
    zhi = np.array([hi[v] for v in variables]) / scale
    checks = [b for b in active if graph.kind[b.node] != Op.VAR]
    n, k = len(variables), len(keys)

    def distances(values: dict[int, float]) -> dict[str, tuple[float, float]]:
        return _distances(solver, keys, moving, values)

    point = {v: start.get(v, midpoint(lo[v], hi[v])) for v in variables}
    values = graph.evaluate(point, nodes)
    best = distances(values)
    best_cost = sum(d for _, d in best.values())
    from scipy.optimize import linprog  # slow to import: only when needed

    c = np.concatenate([np.zeros(n), np.ones(k)])  # the total move, in steps
    radius = 0.05
    for _ in range(40):
        if best_cost == 0.0 or radius < 1e-12:
            break
        grads = graph.gradients(values, nodes)
        rows: list[npt.NDArray[np.float64]] = []
        rhs: list[float] = []

        def add(
            node: int,
            sign: float,
            bound: float,
            denom: float,
            slack: int,
            grads: dict[int, dict[int, float]] = grads,
            values: dict[int, float] = values,
            rows: list[npt.NDArray[np.float64]] = rows,
            rhs: list[float] = rhs,
        ) -> None:
            row, value = _lp_row(
                grads, values, index, scale, n + k, node, sign, bound, denom
            )
            if slack >= 0:
                row[n + slack] = -1.0
            rows.append(row)
            rhs.append(value)

        for b in checks:
            width = b.hi - b.lo
            denom = (
                width
                if math.isfinite(width) and width > 0
                else max(abs(b.lo), abs(b.hi), 1.0)
            )
            m = aim_margin(b)
            if math.isfinite(b.hi):
                add(b.node, 1.0, b.hi - m, denom, -1)
            if math.isfinite(b.lo):
                add(b.node, -1.0, b.lo + m, denom, -1)
        for j, (key, b) in enumerate(zip(keys, moving, strict=True)):
            step = solver.steps[key]
            if math.isfinite(b.hi):
                add(b.node, 1.0, b.hi, step, j)
            if math.isfinite(b.lo):
                add(b.node, -1.0, b.lo, step, j)
        z = np.array([point[v] for v in variables]) / scale
        dz_lo = np.maximum(zlo - z, -radius * np.maximum(np.abs(z), 1e-3))
        dz_hi = np.minimum(zhi - z, radius * np.maximum(np.abs(z), 1e-3))
        lp = linprog(
            c,
            A_ub=np.array(rows),
            b_ub=np.array(rhs),
            bounds=list(zip(dz_lo, dz_hi, strict=True)) + [(0.0, None)] * k,
            method="highs",
        )
        if lp.status != 0:
            radius /= 4.0
            continue
        accepted = False
        for fraction in (1.0, 0.5, 0.25, 0.125):
            trial = {
                v: float(x)
                for v, x in zip(
                    variables, (z + fraction * lp.x[:n]) * scale, strict=True
                )
            }
            trial_values = graph.evaluate(trial, nodes)
            trial_d = distances(trial_values)
            trial_cost = sum(d for _, d in trial_d.values())
            if trial_cost < best_cost - 1e-12 and solver.verify(trial, active):
                accepted = True
                break
        if accepted:
            improvement = best_cost - trial_cost
            point, values, best, best_cost = (
                trial,
                trial_values,
                trial_d,
                trial_cost,
            )
            radius = min(radius * 2.0, 1.0)
            if improvement < 1e-10 * max(best_cost, 1.0):
                break
        else:
            radius /= 4.0
    return best, point


def _distances(
    solver: _Context, keys: list[str], moving: list[Bound], values: dict[int, float]
) -> dict[str, tuple[float, float]]:
    """Each released figure's (value, steps outside its printed interval)."""
    out = {}
    for key, b in zip(keys, moving, strict=True):
        v = values[b.node]
        out[key] = (v, max(b.lo - v, v - b.hi, 0.0) / solver.steps[key])
    return out


def _lp_row(
    grads: dict[int, dict[int, float]],
    values: dict[int, float],
    index: dict[int, int],
    scale: npt.NDArray[np.float64],
    size: int,
    node: int,
    sign: float,
    bound: float,
    denom: float,
) -> tuple[npt.NDArray[np.float64], float]:
    """One linearised row ``sign * (value(node) - bound) / denom <= 0``."""
    row = np.zeros(size)
    for var, d in grads[node].items():
        j = index.get(var)
        if j is not None:
            row[j] = sign * d * scale[j] / denom
    return row, sign * (bound - values[node]) / denom
