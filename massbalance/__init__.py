"""massbalance: a concentrator's metal accounting, with units.

Mass splits, recoveries and contained metal from tonnages and assays,
statistical reconciliation of plant data, and a certified, rounding-aware check
of the figures in a published production release.

Public names are re-exported here; solvers stay namespaced
(``massbalance.solve.two_product``). ``massbalance.forecast`` is the function
(:func:`massbalance.forecast.forecast`); its module is still imported as
``from massbalance.forecast import Forecast, parse_guidance``.
"""

from __future__ import annotations

from . import forecast, periods, solve
from .errors import (
    AssayError,
    ConvergenceError,
    DegenerateError,
    FlowsheetError,
    ImplausibleResultWarning,
    InfeasibleError,
    InputError,
    MassBalanceDeprecationWarning,
    MassBalanceError,
    MassBalanceWarning,
    ReleaseFormatError,
    SolveError,
    UnitError,
)
from .figures import Figure
from .forecast import Forecast
from .forecast import forecast as forecast  # the function; the module stays importable
from .flowsheet import Flowsheet, Node
from .reconciliation import Estimate, Measured, ReconciliationResult, reconcile
from .release import CheckReport, Release, check_release
from .streams import Stream
from .units import Q_, ureg

__version__ = "0.1.0"

__all__ = [
    "Q_",
    "AssayError",
    "CheckReport",
    "ConvergenceError",
    "DegenerateError",
    "Estimate",
    "Figure",
    "Forecast",
    "Flowsheet",
    "FlowsheetError",
    "ImplausibleResultWarning",
    "InfeasibleError",
    "InputError",
    "MassBalanceDeprecationWarning",
    "MassBalanceError",
    "MassBalanceWarning",
    "Measured",
    "Node",
    "ReconciliationResult",
    "Release",
    "ReleaseFormatError",
    "SolveError",
    "Stream",
    "UnitError",
    "__version__",
    "check_release",
    "forecast",
    "periods",
    "reconcile",
    "solve",
    "ureg",
]
