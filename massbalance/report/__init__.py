"""Renderings of results as text, Markdown, JSON, CSV and HTML. Pure: nothing here prints.

One private module per kind of result; the public names are re-exported here.
"""

from __future__ import annotations

from ..release import CheckReport
from . import _check
from ._balance import BALANCE_FORMATS, balance_report_dict, render_balance
from ._check import check_report_dict
from ._html import balance_html, check_html, reconciliation_html
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
    "balance_html",
    "balance_report_dict",
    "check_html",
    "check_report_dict",
    "reconciliation_dict",
    "reconciliation_html",
    "release_estimate_dict",
    "render_balance",
    "render_check",
    "render_reconciliation",
    "render_release_estimate",
]


# --- HTML for the check: the text renderings stay in _check ---------------------
REPORT_FORMATS: tuple[str, ...] = (
    *(f for f in _check.REPORT_FORMATS if f != "html"),
    "html",
)


def render_check(report: CheckReport, fmt: str = "text") -> str:
    """Render a :class:`~massbalance.release.CheckReport`.

    Parameters
    ----------
    report : CheckReport
    fmt : {"text", "markdown", "json", "html"}
        ``"html"`` is a self-contained page (:func:`check_html`): the
        release's table as printed, each cell coloured by its status.

    Returns
    -------
    str
    """
    if fmt == "html":
        return check_html(report)
    return _check.render_check(report, fmt)
