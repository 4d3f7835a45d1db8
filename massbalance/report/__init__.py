"""Renderings of results as text, Markdown, JSON and CSV. Pure: nothing here prints.

One private module per kind of result; the public names are re-exported here.
"""

from __future__ import annotations

from ._balance import BALANCE_FORMATS, balance_report_dict, render_balance
from ._check import REPORT_FORMATS, check_report_dict, render_check
from ._reconcile import (
    RECONCILE_FORMATS,
    reconciliation_dict,
    render_reconciliation,
)
from ._release_estimate import (
    RELEASE_ESTIMATE_FORMATS,
    release_estimate_dict,
    render_release_estimate,
)

__all__ = [
    "BALANCE_FORMATS",
    "RECONCILE_FORMATS",
    "RELEASE_ESTIMATE_FORMATS",
    "REPORT_FORMATS",
    "balance_report_dict",
    "check_report_dict",
    "reconciliation_dict",
    "release_estimate_dict",
    "render_balance",
    "render_check",
    "render_reconciliation",
    "render_release_estimate",
]
