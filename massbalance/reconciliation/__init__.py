"""Statistical data reconciliation: weighted least squares under node balances.

Measured dry masses and assays, each with a standard deviation, are adjusted
as little as their uncertainties allow so that every node's mass balance and
metal balance (mass × assay, per element) hold exactly. The result carries
the adjusted values and their standard deviations, the redundancy of each
measurement, the chi-square global test, measurement and nodal tests, the
observability class of every quantity, and derived recoveries and contained
metal. Batches of periods are reconciled in one vectorised call, and gross
errors are identified by serial elimination.

See ``docs/reconciliation.md`` for the method and how to read the statistics.
"""

from __future__ import annotations

from ._chain import chain_measurements
from ._model import Measured
from ._result import (
    Estimate,
    GrossError,
    ReconciliationResult,
    critical_value,
    reconcile,
    undetectable,
)

__all__ = [
    "Estimate",
    "GrossError",
    "Measured",
    "ReconciliationResult",
    "chain_measurements",
    "critical_value",
    "reconcile",
    "undetectable",
]
