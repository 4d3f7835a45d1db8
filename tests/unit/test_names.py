"""Public names: mb.forecast and mb.reconcile are functions; old paths still work."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import massbalance as mb
from massbalance import Q_, MassBalanceDeprecationWarning


def test_forecast_is_the_function_and_the_module_is_importable():
    fc = mb.forecast(
        tonnage=Q_(1000, "t"),
        head_grades={"Ag": Q_(100, "g/t")},
        recoveries={"conc": {"Ag": Q_(90, "%")}},
    )
    assert fc.total("Ag").m_as("g") == pytest.approx(90_000)
    module = importlib.import_module("massbalance.forecast")
    assert module.forecast is mb.forecast
    assert isinstance(fc, module.Forecast)


def test_reconcile_is_callable_and_the_new_package_does_not_warn():
    import massbalance.reconciliation as rec

    assert callable(mb.reconcile)
    assert mb.reconcile.__wrapped__ is rec.reconcile
    assert rec.Measured is mb.Measured


@pytest.mark.parametrize(
    "code",
    [
        "import massbalance as mb; mb.reconcile.Measured",
        "from massbalance.reconcile import chain_measurements",
        "import massbalance.reconcile._solver",
        "import massbalance.reconcile as r; r.critical_value",
    ],
)
def test_old_paths_work_with_a_deprecation_warning(code):
    # in a fresh interpreter: the import system remembers modules
    warns = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", code],
        capture_output=True,
        text=True,
    )
    assert warns.returncode != 0
    assert "massbalance.reconciliation" in warns.stderr
    works = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", code],
        capture_output=True,
        text=True,
    )
    assert works.returncode == 0, works.stderr


def test_an_old_path_names_the_same_objects():
    with pytest.warns(MassBalanceDeprecationWarning, match="reconciliation"):
        measured = mb.reconcile.Measured
    assert measured is mb.Measured
    with pytest.warns(MassBalanceDeprecationWarning):
        old = importlib.import_module("massbalance.reconcile._chain")
    new = importlib.import_module("massbalance.reconciliation._chain")
    assert old is new
    assert new.__spec__.name == "massbalance.reconciliation._chain"
    with pytest.raises(AttributeError):
        mb.reconcile.no_such_name  # noqa: B018
