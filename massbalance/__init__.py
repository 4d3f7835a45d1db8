"""massbalance: a concentrator's metal accounting, with units.

Mass splits, recoveries and contained metal from tonnages and assays,
statistical reconciliation of plant data, and a certified, rounding-aware check
of the figures in a published production release.

Public names are re-exported here; solvers stay namespaced
(``massbalance.solve.two_product``).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from . import errors as _errors

if TYPE_CHECKING:
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
    from .flowsheet import Flowsheet, Node
    from .reconcile import Estimate, Measured, ReconciliationResult, reconcile
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


# Names are imported on first use (SPEC 1 style), so that `massbalance --version`
# and `massbalance help` start without numpy, scipy or pint.
_SUBMODULES = ("forecast", "periods", "solve")
_LAZY = {
    **dict.fromkeys(_errors.__all__, "errors"),  # cheap: imports nothing
    "Figure": "figures",
    "Flowsheet": "flowsheet",
    "Node": "flowsheet",
    "Estimate": "reconcile",
    "Measured": "reconcile",
    "ReconciliationResult": "reconcile",
    "reconcile": "reconcile",
    "CheckReport": "release",
    "Release": "release",
    "check_release": "release",
    "Stream": "streams",
    "Q_": "units",
    "ureg": "units",
}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """Keeps ``massbalance.reconcile`` the function once its subpackage is loaded.

    Importing a subpackage binds its module to the parent's attribute of the
    same name; the public name ``reconcile`` is the function, as it was when
    this package imported everything eagerly.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "reconcile" and isinstance(value, types.ModuleType):
            value = value.reconcile
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
