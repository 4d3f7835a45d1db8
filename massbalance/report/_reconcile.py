"""Render a reconciliation result (text, Markdown, JSON, CSV, HTML). Pure: prints nothing.

The JSON layout::

    {"streams": {name: {"mass": {"measured", "adjusted", "sd", "unit", ...},
                        "<El>": {...}}},
     "chi2", "dof", "p_value", "gross_errors": [...], "converged", "iterations"}
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from ..reconciliation import ReconciliationResult, undetectable
from ._escape import (
    dumps_json,
    escape_markdown,
    escape_text,
    finite_or_none,
    finite_text,
)
from ._width import table_blocks, wrap_prose

__all__ = ["RECONCILE_FORMATS", "reconciliation_dict", "render_reconciliation"]

RECONCILE_FORMATS = ("text", "markdown", "json", "csv", "html")

_NUMERIC = ("measured", "adjusted", "sd", "redundancy", "test")


def _fmt(value: Any, digits: int = 4) -> str:
    return finite_text(value, f".{digits}g")


def reconciliation_dict(result: ReconciliationResult) -> dict[str, Any]:
    """The result as plain JSON-ready data (NaN and infinities become ``None``).

    Parameters
    ----------
    result : ReconciliationResult
        A single-period result.

    Returns
    -------
    dict
        ``streams``, ``chi2``, ``dof``, ``p_value``, ``gross_errors``,
        ``converged``, ``iterations``.
    """
    streams: dict[str, dict[str, Any]] = {}
    for row in result.rows():
        entry: dict[str, Any] = {k: finite_or_none(row[k]) for k in _NUMERIC}
        entry["unit"] = row["unit"]
        entry["class"] = row["class"]
        streams.setdefault(row["stream"], {})[row["quantity"]] = entry
    return {
        "streams": streams,
        "chi2": result.chi2,
        "dof": result.dof,
        "p_value": finite_or_none(result.p_value),
        "gross_errors": [
            {
                "measurement": g.measurement,
                "statistic": g.statistic,
                "critical": g.critical,
                "group": list(g.group),
            }
            for g in result.gross_errors
        ],
        "converged": result.success,
        "iterations": result.n_iter,
    }


def _csv(result: ReconciliationResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["stream", "quantity", "unit", *_NUMERIC, "class"])
    for row in result.rows():
        cells = [escape_text(row[k]) for k in ("stream", "quantity", "unit")]
        cells += [_fmt(row[k], 10) for k in _NUMERIC]
        cells.append(row["class"])
        writer.writerow(cells)
    return buffer.getvalue().rstrip("\n")


def _table(result: ReconciliationResult, markdown: bool) -> str:
    esc: Callable[[object], str] = escape_markdown if markdown else escape_text
    cols = ["variable", "unit", "measured", "adjusted", "sd", "redund.", "test"]
    cols.append("class")
    table = [cols]
    for row in result.rows():
        cells = [esc(row["name"]), esc(row["unit"])]
        cells += [_fmt(row[k]) for k in _NUMERIC]
        table.append([*cells, row["class"]])
    if markdown:
        lines = ["| " + " | ".join(r) + " |" for r in table]
        lines.insert(1, "|" + "---|" * len(cols))
    else:
        lines = table_blocks(table)
    lines.append("")
    lines.append(
        f"chi2 = {finite_text(result.chi2, '.4g', 'n/a')} on {result.dof} dof, "
        f"p = {finite_text(result.p_value, '.4g', 'n/a')}; "
        f"{esc(result.message)}; worst relative imbalance "
        f"{finite_text(result.max_relative_residual, '.1e', 'n/a')}"
    )
    for g in result.gross_errors:
        group = ", ".join(map(esc, g.group))
        lines.append(
            f"gross error set aside: {esc(g.measurement)} (test "
            f"{finite_text(g.statistic, '.2f', 'n/a')} > "
            f"{finite_text(g.critical, '.2f', 'n/a')}; "
            f"indistinguishable from: {group})"
        )
    blind = undetectable(result)
    if blind:
        lines.append(
            "not redundant, so a gross error there cannot be detected: "
            + ", ".join(map(esc, blind))
        )
    return "\n".join(lines if markdown else wrap_prose(lines))


def render_reconciliation(result: ReconciliationResult, fmt: str = "text") -> str:
    """Render a reconciliation result.

    Parameters
    ----------
    result : ReconciliationResult
        A single-period result (from :func:`massbalance.reconciliation.reconcile`).
    fmt : {"text", "markdown", "json", "csv", "html"}
        Output format; ``"html"`` is a self-contained page with a Sankey
        diagram (:func:`massbalance.report.reconciliation_html`).

    Returns
    -------
    str
        The report, without a trailing newline.

    Raises
    ------
    ValueError
        An unknown ``fmt``.
    """
    if fmt == "json":
        return dumps_json(reconciliation_dict(result), indent=2)
    if fmt == "csv":
        return _csv(result)
    if fmt == "html":
        from ._html_flow import reconciliation_html

        return reconciliation_html(result)
    if fmt in ("text", "markdown"):
        return _table(result, markdown=fmt == "markdown")
    raise ValueError(f"unknown format {fmt!r}; use one of {RECONCILE_FORMATS}")
