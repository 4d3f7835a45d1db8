"""Small numeric helpers shared by the witness search and the cost solver (private)."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from ..intervals import Bound, Graph, Op

__all__ = ["aim_margin", "equality_scale", "midpoint", "nudge_inside", "scale_of"]


def aim_margin(b: Bound) -> float:
    """Aim this far inside a bound, so the witness survives substitution."""
    if b.lo == b.hi:
        return 0.0
    width = b.hi - b.lo
    if not math.isfinite(width):
        return 0.0
    return 1e-7 * width


def scale_of(lo: float, hi: float, hint: float | None = None) -> float:
    candidates = [abs(x) for x in (lo, hi, hint) if x is not None and math.isfinite(x)]
    s = max(candidates, default=1.0)
    return s if s > 0.0 else 1.0


def midpoint(lo: float, hi: float) -> float:
    if math.isfinite(lo) and math.isfinite(hi):
        return 0.5 * (lo + hi)
    if math.isfinite(lo):
        return lo + max(abs(lo), 1.0)
    if math.isfinite(hi):
        return hi - max(abs(hi), 1.0)
    return 0.0


def nudge_inside(
    z: npt.NDArray[np.float64], lo: npt.NDArray[np.float64], hi: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Nudge ``z`` strictly inside finite bounds (least_squares requires it)."""
    span = np.where(np.isfinite(hi - lo), hi - lo, np.maximum(np.abs(z), 1.0))
    return np.clip(z, lo + 1e-12 * span, hi - 1e-12 * span)


def equality_scale(graph: Graph, node: int, values: dict[int, float]) -> float:
    """Magnitude of the terms of an equality (its residual's yardstick)."""
    if graph.kind[node] == Op.SUM:
        total = sum(
            abs(c * values.get(a, 0.0))
            for c, a in zip(graph.coef[node], graph.args[node], strict=True)
        )
    else:
        total = abs(values.get(node, 0.0))
    return total if total > 0.0 else 1.0
