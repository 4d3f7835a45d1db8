"""Small numeric helpers shared by the witness search and the cost solver (private)."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from ..intervals import Bound, Graph, Op

__all__ = [
    "aim_margin",
    "aim_margins",
    "equality_scale",
    "midpoint",
    "midpoints",
    "nudge_inside",
    "scale_of",
    "scales_of",
]

_Floats = npt.NDArray[np.float64]


def aim_margin(b: Bound) -> float:
    """Aim this far inside a bound, so the witness survives substitution."""
    if b.lo == b.hi:
        return 0.0
    width = b.hi - b.lo
    if not math.isfinite(width):
        return 0.0
    return 1e-7 * width


def aim_margins(lo: _Floats, hi: _Floats) -> _Floats:
    """:func:`aim_margin` of many bounds."""
    width = hi - lo
    return np.where((width > 0.0) & (width < math.inf), 1e-7 * width, 0.0)


def scale_of(lo: float, hi: float, hint: float | None = None) -> float:
    candidates = [abs(x) for x in (lo, hi, hint) if x is not None and math.isfinite(x)]
    s = max(candidates, default=1.0)
    return s if s > 0.0 else 1.0


def scales_of(lo: _Floats, hi: _Floats) -> _Floats:
    """:func:`scale_of` of many intervals (without hints)."""
    size = np.maximum(
        np.where(np.isfinite(lo), np.abs(lo), 0.0),
        np.where(np.isfinite(hi), np.abs(hi), 0.0),
    )
    return np.where(size > 0.0, size, 1.0)


def midpoint(lo: float, hi: float) -> float:
    if math.isfinite(lo) and math.isfinite(hi):
        return 0.5 * (lo + hi)
    if math.isfinite(lo):
        return lo + max(abs(lo), 1.0)
    if math.isfinite(hi):
        return hi - max(abs(hi), 1.0)
    return 0.0


def midpoints(lo: _Floats, hi: _Floats) -> _Floats:
    """:func:`midpoint` of many intervals."""
    finite_lo, finite_hi = np.isfinite(lo), np.isfinite(hi)
    safe_lo = np.where(finite_lo, lo, 0.0)
    safe_hi = np.where(finite_hi, hi, 0.0)
    one_sided = np.where(
        finite_lo,
        safe_lo + np.maximum(np.abs(safe_lo), 1.0),
        np.where(finite_hi, safe_hi - np.maximum(np.abs(safe_hi), 1.0), 0.0),
    )
    return np.where(finite_lo & finite_hi, 0.5 * (safe_lo + safe_hi), one_sided)


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
