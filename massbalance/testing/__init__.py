"""Public test helpers: hypothesis strategies for balanced flowsheets and releases.

Importing the strategies needs ``hypothesis`` (the ``test`` extra); the core
library never imports this package.
"""

from __future__ import annotations

from .strategies import (
    BalancedCircuit,
    balanced_circuits,
    grades,
    masses,
    streams,
)

__all__ = [
    "BalancedCircuit",
    "balanced_circuits",
    "grades",
    "masses",
    "streams",
]
