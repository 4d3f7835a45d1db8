"""The least-squares estimate of a release's true values (moved to :mod:`massbalance.release`).

Kept importable here: the estimate is computed by the release package,
:func:`massbalance.release.estimate_release`.
"""

from __future__ import annotations

from ..release._estimate import (
    DerivedEstimate,
    FigureEstimate,
    ReleaseEstimate,
    estimate_release,
)

__all__ = [
    "DerivedEstimate",
    "FigureEstimate",
    "ReleaseEstimate",
    "estimate_release",
]
