"""Render an n-product balance (text, Markdown, JSON, HTML). Pure: this module prints nothing.

Splits and recoveries are shown in percent, masses in tonnes, residuals as
mass fractions; the JSON form carries every number as ``{"value", "unit"}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._typing import Quantity
from ..errors import InputError
from ..solve.n_product import BalanceResult
from ..units import GRADE, MASS
from ._escape import dumps_json, escape_markdown, escape_text, finite_text
from ._width import table_blocks, wrap_prose

__all__ = ["BALANCE_FORMATS", "balance_report_dict", "render_balance"]

BALANCE_FORMATS = ("text", "markdown", "json", "html")


def _pct(value: Any) -> dict[str, Any]:
    return {"value": float(value), "unit": "percent"}


def _by_element(
    table: Any, elements: tuple[str, ...], products: tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    return {
        e: {n: _pct(table[i, k]) for k, n in enumerate(products)}
        for i, e in enumerate(elements)
    }


def _scalar(result: BalanceResult) -> None:
    if result.splits.ndim != 1:
        raise InputError(
            f"{result.feed_name}: a report shows one scenario; this balance holds "
            f"splits of shape {result.splits.shape}",
            result.feed_name,
        )


def balance_report_dict(
    result: BalanceResult,
    *,
    feed_mass: Quantity | None = None,
    feed_name: str | None = None,
) -> dict[str, Any]:
    """The balance as plain data, the document ``--format json`` prints.

    Parameters
    ----------
    result : BalanceResult
        One scenario (splits of shape ``(n,)``) from
        :func:`massbalance.solve.n_product`.
    feed_mass : pint.Quantity, optional
        The feed's dry mass, to add product masses. [t]
    feed_name : str, optional
        The feed's name in the report; default ``result.feed_name``.

    Returns
    -------
    dict
        ``feed``, ``products``, ``elements``, ``exact``, ``condition_number``,
        ``splits``, ``recovery`` (element -> product), ``residual``, and
        ``masses``, ``split_sd``, ``recovery_sd`` when known.

    Raises
    ------
    InputError
        If ``result`` holds more than one scenario.
    """
    _scalar(result)
    names, elems = result.products, result.elements
    splits = result.splits.m_as("percent")
    doc: dict[str, Any] = {
        "feed": feed_name or result.feed_name,
        "products": list(names),
        "elements": list(elems),
        "exact": len(elems) == len(names) - 1,
        "condition_number": float(result.condition),
        "splits": {n: _pct(splits[k]) for k, n in enumerate(names)},
        "recovery": _by_element(result.recovery.m_as("percent"), elems, names),
        "residual": {
            e: {"value": float(result.residual.m_as(GRADE)[i]), "unit": ""}
            for i, e in enumerate(elems)
        },
    }
    if feed_mass is not None:
        masses = result.masses(feed_mass)
        doc["masses"] = {
            n: {"value": float(masses[n].m_as(MASS)), "unit": "t"} for n in names
        }
    if result.split_sd is not None and result.recovery_sd is not None:
        ssd = result.split_sd.m_as("percent")
        doc["split_sd"] = {n: _pct(ssd[k]) for k, n in enumerate(names)}
        doc["recovery_sd"] = _by_element(
            result.recovery_sd.m_as("percent"), elems, names
        )
    return doc


def _table(
    result: BalanceResult, feed_mass: Quantity | None, esc: Callable[[object], str]
) -> tuple[list[str], list[list[str]]]:
    names, elems = result.products, result.elements
    splits = result.splits.m_as("percent")
    rec = result.recovery.m_as("percent")
    masses = result.masses(feed_mass) if feed_mass is not None else None
    header = ["product", "split %"]
    if masses is not None:
        header.append("mass t")
    header += [f"{esc(e)} recovery %" for e in elems]
    rows = []
    for k, n in enumerate(names):
        row = [esc(n), finite_text(splits[k], ".2f", "n/a")]
        if result.split_sd is not None:
            sd = finite_text(result.split_sd.m_as("percent")[k], ".2f", "n/a")
            row[1] += f" ± {sd}"
        if masses is not None:
            row.append(finite_text(masses[n].m_as(MASS), ",.1f", "n/a"))
        row += [finite_text(rec[i, k], ".2f", "n/a") for i in range(len(elems))]
        rows.append(row)
    return header, rows


def render_balance(
    result: BalanceResult,
    fmt: str = "text",
    *,
    feed_mass: Quantity | None = None,
    feed_name: str | None = None,
) -> str:
    """Render one n-product balance as text, Markdown or JSON.

    Parameters
    ----------
    result : BalanceResult
        One scenario from :func:`massbalance.solve.n_product`.
    fmt : {"text", "markdown", "json", "html"}
        The rendering; ``"html"`` is a self-contained page with a Sankey
        diagram (:func:`massbalance.report.balance_html`).
    feed_mass : pint.Quantity, optional
        The feed's dry mass; adds a column of product masses. [t]
    feed_name : str, optional
        The feed's name in the title; default ``result.feed_name``.

    Returns
    -------
    str
        The report, without a trailing newline.

    Raises
    ------
    InputError
        If ``fmt`` is not one of :data:`BALANCE_FORMATS`, or ``result`` holds
        more than one scenario.
    """
    if fmt not in BALANCE_FORMATS:
        raise InputError(
            f"format {fmt!r}: expected one of {', '.join(BALANCE_FORMATS)}", fmt
        )
    if fmt == "html":
        from ._html_flow import balance_html

        return balance_html(result, feed_mass=feed_mass, feed_name=feed_name)
    if fmt == "json":
        doc = balance_report_dict(result, feed_mass=feed_mass, feed_name=feed_name)
        return dumps_json(doc, indent=2)
    _scalar(result)
    esc = escape_markdown if fmt == "markdown" else escape_text
    names, elems = result.products, result.elements
    kind = "exact" if len(elems) == len(names) - 1 else "weighted least squares"
    condition = finite_text(float(result.condition), ".3g", "infinite")
    title = (
        f"{esc(feed_name or result.feed_name)} -> {', '.join(map(esc, names))} on "
        f"{', '.join(map(esc, elems))} ({kind}; condition number {condition})"
    )
    header, rows = _table(result, feed_mass, esc)
    if fmt == "markdown":
        lines = [f"**{title}**", ""]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    lines = [title, ""]
    lines += table_blocks([header, *rows], right=range(1, len(header)))
    return "\n".join(wrap_prose(lines))
