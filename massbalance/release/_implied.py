"""Implied ranges: each figure's rigorous range with the others holding.

The range a figure's node can take when every other bound of its component
holds (and a chosen set of figures is released), by incremental interval
propagation (:func:`~massbalance.intervals.propagate` with ``base``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..intervals import Bound, Box, hull, propagate
from ._feasibility import Feasibility

__all__ = ["implied", "to_printed"]


def implied(
    solver: Feasibility, released: frozenset[str], keys: Iterable[str]
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
        by_comp.setdefault(solver.component_of[k], []).append(k)
    for comp, ks in by_comp.items():
        active = [k for k in solver.figures_of.get(comp, []) if k not in released]
        asked = set(ks)
        leave = [k for k in active if k in asked]
        keep = [solver.figures[k] for k in active if k not in asked]
        base = solver.structural_of.get(comp, []) + keep
        if any(k in released for k in ks):
            box = solver.propagate(base + [solver.figures[k] for k in leave])
            for k in ks:
                if k in released:
                    out[k] = (
                        None
                        if box is None
                        else hull(solver.graph, box, solver.figures[k].node)
                    )
        box = solver.propagate(base)
        if box is None:
            out.update(dict.fromkeys(leave))
        elif leave:
            _leave_out(solver, base, box, leave, out)
    return {k: out[k] for k in wanted}


def _leave_out(
    solver: Feasibility,
    base: list[Bound],
    box: Box,
    items: list[str],
    out: dict[str, tuple[float, float] | None],
) -> None:
    """The box of ``base`` and every item but one, for each item in turn."""
    if len(items) == 1:
        out[items[0]] = hull(solver.graph, box, solver.figures[items[0]].node)
        return
    half = len(items) // 2
    for leave, keep in ((items[:half], items[half:]), (items[half:], items[:half])):
        added = [solver.figures[k] for k in keep]
        sub = propagate(solver.graph, added, box=box, base=base)
        if sub is None:
            out.update(dict.fromkeys(leave))
        else:
            _leave_out(solver, base + added, sub, leave, out)


def to_printed(interval: tuple[float, float], factor: float) -> tuple[float, float]:
    """A canonical enclosure in printed units, rounded outward (never below 0 if
    it was not)."""
    lo, hi = interval[0] / factor, interval[1] / factor
    widened = math.nextafter(lo - abs(lo) * 1e-13, -math.inf)
    lo = max(widened, 0.0) if interval[0] >= 0.0 else widened
    hi = math.nextafter(hi + abs(hi) * 1e-13, math.inf)
    return lo, hi
