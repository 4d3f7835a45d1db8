"""Render a reconciliation result (text, Markdown, JSON, CSV, HTML). Pure: prints nothing.

The JSON layout is the one issue 4 specifies::

    {"streams": {name: {"mass": {"measured", "adjusted", "sd", "unit", ...},
                        "<El>": {...}}},
     "chi2", "dof", "p_value", "gross_errors": [...], "converged", "iterations"}
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..reconciliation import ReconciliationResult, undetectable
from ._width import table_blocks, wrap_prose

__all__ = ["RECONCILE_FORMATS", "reconciliation_dict", "render_reconciliation"]

RECONCILE_FORMATS = ("text", "markdown", "json", "csv", "html")

_NUMERIC = ("measured", "adjusted", "sd", "redundancy", "test")


def _fmt(value: Any, digits: int = 4) -> str:
    v = float(value)
    return "" if math.isnan(v) else f"{v:.{digits}g}"


def _num(value: Any) -> float | None:
    v = float(value)
    return None if math.isnan(v) else v


def reconciliation_dict(result: ReconciliationResult) -> dict[str, Any]:
    """The result as plain JSON-ready data (NaN becomes ``None``).

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
        entry: dict[str, Any] = {k: _num(row[k]) for k in _NUMERIC}
        entry["unit"] = row["unit"]
        entry["class"] = row["class"]
        streams.setdefault(row["stream"], {})[row["quantity"]] = entry
    return {
        "streams": streams,
        "chi2": result.chi2,
        "dof": result.dof,
        "p_value": _num(result.p_value),
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
    lines = ["stream,quantity,unit,measured,adjusted,sd,redundancy,test,class"]
    for row in result.rows():
        cells = [row["stream"], row["quantity"], row["unit"]]
        cells += [_fmt(row[k], 10) for k in _NUMERIC]
        cells.append(row["class"])
        lines.append(",".join(cells))
    return "\n".join(lines)


def _table(result: ReconciliationResult, markdown: bool) -> str:
    cols = ["variable", "unit", "measured", "adjusted", "sd", "redund.", "test"]
    cols.append("class")
    table = [cols]
    for row in result.rows():
        cells = [row["name"], row["unit"]] + [_fmt(row[k]) for k in _NUMERIC]
        table.append([*cells, row["class"]])
    if markdown:
        lines = ["| " + " | ".join(r) + " |" for r in table]
        lines.insert(1, "|" + "---|" * len(cols))
    else:
        lines = table_blocks(table)
    lines.append("")
    lines.append(
        f"chi2 = {result.chi2:.4g} on {result.dof} dof, "
        f"p = {_fmt(result.p_value)}; "
        f"{result.message}; worst relative imbalance "
        f"{result.max_relative_residual:.1e}"
    )
    for g in result.gross_errors:
        group = ", ".join(g.group)
        lines.append(
            f"gross error set aside: {g.measurement} (test {g.statistic:.2f} > "
            f"{g.critical:.2f}; indistinguishable from: {group})"
        )
    blind = undetectable(result)
    if blind:
        lines.append(
            "not redundant, so a gross error there cannot be detected: "
            + ", ".join(blind)
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
        return json.dumps(reconciliation_dict(result), indent=2)
    if fmt == "csv":
        return _csv(result)
    if fmt == "html":
        from ._html_flow import reconciliation_html

        return reconciliation_html(result)
    if fmt in ("text", "markdown"):
        return _table(result, markdown=fmt == "markdown")
    raise ValueError(f"unknown format {fmt!r}; use one of {RECONCILE_FORMATS}")
