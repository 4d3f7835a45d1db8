"""Renderings of results as text, Markdown, JSON, CSV and HTML. Pure: nothing here prints.

One private module per kind of result; the public names are re-exported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..release import CheckReport
from . import _check, _release_estimate
from ._balance import BALANCE_FORMATS, balance_report_dict, render_balance
from ._check import check_report_dict
from ._html import check_html, release_estimate_html
from ._html_flow import balance_html, reconciliation_html
from ._reconcile import (
    RECONCILE_FORMATS,
    reconciliation_dict,
    render_reconciliation,
)
from ._release_estimate import release_estimate_dict

if TYPE_CHECKING:
    from ..release import ReleaseEstimate

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
    "release_estimate_html",
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


def render_check(
    report: CheckReport,
    fmt: str = "text",
    *,
    details: bool = False,
    summary: bool = False,
) -> str:
    """Render a :class:`~massbalance.release.CheckReport`.

    Parameters
    ----------
    report : CheckReport
    fmt : {"text", "markdown", "json", "html"}
        ``"html"`` is a self-contained page (:func:`check_html`): the
        release's table as printed, each cell coloured by its status.
    details : bool, default False
        Text and Markdown: add the proofs and every relation.
    summary : bool, default False
        Text and Markdown: the verdict and one line per disagreement.

    Returns
    -------
    str
    """
    if fmt == "html":
        return check_html(report)
    return _check.render_check(report, fmt, details=details, summary=summary)


RELEASE_ESTIMATE_FORMATS: tuple[str, ...] = (
    *(f for f in _release_estimate.RELEASE_ESTIMATE_FORMATS if f != "html"),
    "html",
)


def render_release_estimate(result: ReleaseEstimate, fmt: str = "text") -> str:
    """Render a release estimate (``massbalance reconcile --from-release``).

    Parameters
    ----------
    result : ReleaseEstimate
        From :func:`massbalance.io.estimate_release`.
    fmt : {"text", "markdown", "json", "csv", "html"}
        ``"html"`` is a self-contained page (:func:`release_estimate_html`).

    Returns
    -------
    str
    """
    if fmt == "html":
        return release_estimate_html(result)
    return _release_estimate.render_release_estimate(result, fmt)
