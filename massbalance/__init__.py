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

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import TYPE_CHECKING, Any

from . import errors as _errors
from .errors import MassBalanceDeprecationWarning

if TYPE_CHECKING:
    from . import periods, solve
    from .errors import (
        AssayError,
        ConvergenceError,
        DegenerateError,
        FlowsheetError,
        ImplausibleResultWarning,
        InfeasibleError,
        InputError,
        MassBalanceError,
        MassBalanceWarning,
        ReleaseFormatError,
        SolveError,
        UnitError,
    )
    from .figures import Figure
    from .flowsheet import Flowsheet, Node
    from .forecast import Forecast, forecast
    from .reconciliation import Estimate, Measured, ReconciliationResult
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
    "Forecast",
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
_SUBMODULES = ("periods", "reconciliation", "solve")
_LAZY = {
    **dict.fromkeys(_errors.__all__, "errors"),  # cheap: imports nothing
    "Figure": "figures",
    "Flowsheet": "flowsheet",
    "Node": "flowsheet",
    "Forecast": "forecast",
    "forecast": "forecast",
    "Estimate": "reconciliation",
    "Measured": "reconciliation",
    "ReconciliationResult": "reconciliation",
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
    """Keeps ``massbalance.forecast`` the function once its module is loaded.

    Importing a submodule binds it to the parent's attribute of the same name;
    the public name ``forecast`` is the function (the module stays importable as
    ``from massbalance.forecast import Forecast``).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "forecast" and isinstance(value, types.ModuleType):
            value = value.forecast
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

# -- ``massbalance.reconcile``: the function, and the old subpackage's paths --
#
# The reconciliation subpackage is ``massbalance.reconciliation``. For one
# release, ``massbalance.reconcile`` is both the ``reconcile`` function and an
# alias of the old subpackage: ``massbalance.reconcile.Measured``,
# ``from massbalance.reconcile import chain_measurements`` and
# ``import massbalance.reconcile._solver`` still work, with a
# MassBalanceDeprecationWarning (a DeprecationWarning). Calling it does not warn.

_OLD = __name__ + ".reconcile"
_NEW = __name__ + ".reconciliation"


def _moved(old: str, new: str) -> None:
    warnings.warn(
        f"{old} has moved to {new}; the old path works until the next release",
        MassBalanceDeprecationWarning,
        stacklevel=3,
    )


class _ReconcileModule(types.ModuleType):
    """The ``reconcile`` function, callable, and the old subpackage's alias."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return importlib.import_module(_NEW).reconcile(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name == "__wrapped__":
            return importlib.import_module(_NEW).reconcile
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(
            importlib.import_module(_NEW), name
        )  # AttributeError when unknown
        _moved(f"{_OLD}.{name}", f"{_NEW}.{name}")
        return value

    def __repr__(self) -> str:
        return f"<function reconcile, alias of the moved {_OLD} subpackage>"


_SPECS: dict[str, Any] = {}


class _OldPathFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import ``massbalance.reconcile.X`` as ``massbalance.reconciliation.X``."""

    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(_OLD + "."):
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        new = _NEW + spec.name[len(_OLD) :]
        _moved(spec.name, new)
        module = importlib.import_module(new)
        _SPECS[new] = module.__spec__
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """The module is the new one, already executed: give back its own spec
        (the import system set the alias's)."""
        module.__spec__ = _SPECS.pop(module.__name__, module.__spec__)


if TYPE_CHECKING:
    from .reconciliation import reconcile
else:
    reconcile = _ReconcileModule(
        _OLD, "Reconcile measured plant data (massbalance.reconciliation.reconcile)."
    )
    reconcile.__path__ = []  # a package, so that the old submodule paths import
    sys.modules[_OLD] = reconcile
    if not any(isinstance(f, _OldPathFinder) for f in sys.meta_path):
        sys.meta_path.append(_OldPathFinder())
