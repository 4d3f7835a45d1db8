"""Reconciliations and balances as self-contained HTML pages. Pure: prints nothing.

The flowsheet as Sankey diagrams of mass and of each metal (inline SVG), the
statistics, and each value with its standard deviation.
"""

from __future__ import annotations

import math
from html import escape

from .._typing import Quantity
from ..reconciliation import ReconciliationResult
from ..solve.n_product import BalanceResult
from ..units import MASS
from ._balance import _scalar
from ._html import _figure_list, _fmt, _page
from ._html_svg import _Link, _percent_bar, _sankey_svg, _sd_bar

__all__ = ["balance_html", "reconciliation_html"]


def _reconcile_links(result: ReconciliationResult, element: str | None) -> list[_Link]:
    """The flowsheet's streams as links, valued by adjusted mass or metal [t]."""
    sheet = result.flowsheet
    index = {name: i for i, name in enumerate(result.names)}
    source = {s: n.name for n in sheet.nodes for s in n.outputs}
    target = {s: n.name for n in sheet.nodes for s in n.inputs}
    links = []
    for stream in sheet.streams:
        value = float(result.adjusted[index[f"{stream}.mass"]])
        if element is not None:
            if f"{stream}.{element}" not in index:
                continue
            value *= float(result.adjusted[index[f"{stream}.{element}"]])
            gross = f"{stream}.{element}" in result.set_aside
        else:
            gross = f"{stream}.mass" in result.set_aside
        start = source.get(stream, f"{stream} (in)")
        end = target.get(stream, f"{stream} (out)")
        links.append(_Link(start, end, value, stream, gross))
    return links


def reconciliation_html(result: ReconciliationResult) -> str:
    """The reconciliation as one self-contained HTML page.

    Parameters
    ----------
    result : ReconciliationResult
        A single-period result (from :func:`massbalance.reconciliation.reconcile`).

    Returns
    -------
    str
        The page: a Sankey diagram of adjusted dry mass and one of each
        element's contained metal, the statistics, and every variable's
        measured and adjusted value with its standard deviation; measurements
        set aside as gross errors are marked in red.
    """
    if result.batched:
        raise ValueError("an HTML report shows one period; this result is batched")
    body = ["<h1>massbalance reconcile</h1>"]
    good = not result.gross_errors and result.success
    body.append(
        f'<p class="verdict {"good" if good else "bad"}">'
        f"chi-square {_fmt(float(result.chi2))} on {int(result.dof)} degree(s) of "
        f"freedom, p = {_fmt(float(result.p_value))}; {escape(result.message)}; "
        f"{len(result.gross_errors)} gross error(s) set aside.</p>"
    )
    for gross in result.gross_errors:
        body.append(
            f'<p>Gross error set aside: <span class="id">{escape(gross.measurement)}'
            f"</span> (test {gross.statistic:.2f} &gt; {gross.critical:.2f}; "
            f"indistinguishable from: {_figure_list(gross.group)})</p>"
        )
    body.append("<h2>Flowsheet</h2>")
    body.append(
        _sankey_svg(_reconcile_links(result, None), "t", "Adjusted dry mass, t")
    )
    for element in result.flowsheet.elements:
        links = _reconcile_links(result, element)
        body.append(_sankey_svg(links, "t", f"{element} contained, t (adjusted)"))
    body.append("<h2>Measured and adjusted values</h2>")
    body.append(
        '<p class="muted">Grey: measured ± SD; blue: adjusted ± SD; red: a '
        "measurement set aside as a gross error.</p>"
    )
    head = ["variable", "unit", "measured", "± SD", "adjusted", "± SD", "test", "class"]
    body.append("<table><thead><tr>")
    body += [f"<th>{escape(h)}</th>" for h in head]
    body.append("<th>measured vs adjusted</th></tr></thead><tbody>")
    for row in result.rows():
        gross = row["class"] == "set aside"
        values = [float(row[k]) for k in ("measured", "measured_sd", "adjusted", "sd")]
        body.append('<tr class="gross">' if gross else "<tr>")
        body.append(
            f'<td class="id">{escape(row["name"])}</td><td>{escape(row["unit"])}</td>'
        )
        body += [f'<td class="num">{_fmt(v)}</td>' for v in values]
        body.append(f'<td class="num">{_fmt(float(row["test"]), 3)}</td>')
        body.append(f"<td>{escape(row['class'])}</td>")
        body.append(
            f"<td>{_sd_bar(values[0], values[1], values[2], values[3], gross)}</td></tr>"
        )
    body.append("</tbody></table>")
    return _page("massbalance reconcile", body)


# --------------------------------------------------------------- balance


def balance_html(
    result: BalanceResult,
    *,
    feed_mass: Quantity | None = None,
    feed_name: str | None = None,
) -> str:
    """An n-product balance as one self-contained HTML page.

    Parameters
    ----------
    result : BalanceResult
        One scenario from :func:`massbalance.solve.n_product`.
    feed_mass : pint.Quantity, optional
        The feed's dry mass: the diagram is then in tonnes. [t]
    feed_name : str, optional
        The feed's name; default ``result.feed_name``.

    Returns
    -------
    str
        The page: a Sankey diagram of the mass split and one of each
        element's recovery, and the splits and recoveries with their standard
        deviations when known.
    """
    _scalar(result)
    feed = feed_name or result.feed_name
    names, elements = result.products, result.elements
    splits = result.splits.m_as("percent")
    recovery = result.recovery.m_as("percent")
    kind = "exact" if len(elements) == len(names) - 1 else "weighted least squares"
    body = [f"<h1>massbalance balance: {escape(feed)}</h1>"]
    body.append(
        f'<p class="meta">{escape(feed)} \N{RIGHTWARDS ARROW} {escape(", ".join(names))} '
        f"on {escape(', '.join(elements))} ({kind}; condition number "
        f"{float(result.condition):.3g})</p>"
    )
    body.append("<h2>Flowsheet</h2>")
    if feed_mass is not None:
        masses = result.masses(feed_mass)
        values = [float(masses[n].m_as(MASS)) for n in names]
        unit, caption = "t", "Dry mass, t"
    else:
        values = [float(s) for s in splits]
        unit, caption = "%", "Mass split, % of the feed"
    body.append(
        _sankey_svg(
            [_Link(feed, n, v, n) for n, v in zip(names, values, strict=True)],
            unit,
            caption,
        )
    )
    for i, element in enumerate(elements):
        links = [_Link(feed, n, float(recovery[i, k]), n) for k, n in enumerate(names)]
        body.append(_sankey_svg(links, "%", f"{element} recovery, % of the feed's"))
    body.append("<h2>Splits and recoveries</h2>")
    ssd = result.split_sd.m_as("percent") if result.split_sd is not None else None
    rsd = result.recovery_sd.m_as("percent") if result.recovery_sd is not None else None
    body.append("<table><thead><tr><th>product</th><th>quantity</th>")
    body.append("<th>value %</th><th>± SD %</th><th></th></tr></thead><tbody>")
    for k, name in enumerate(names):
        rows = [
            ("split", float(splits[k]), float(ssd[k]) if ssd is not None else math.nan)
        ]
        rows += [
            (
                f"{e} recovery",
                float(recovery[i, k]),
                float(rsd[i, k]) if rsd is not None else math.nan,
            )
            for i, e in enumerate(elements)
        ]
        for label, value, sd in rows:
            body.append(
                f"<tr><td>{escape(name)}</td><td>{escape(label)}</td>"
                f'<td class="num">{value:.2f}</td><td class="num">{_fmt(sd, 3)}</td>'
                f"<td>{_percent_bar(value, sd)}</td></tr>"
            )
    body.append("</tbody></table>")
    return _page(f"massbalance balance: {feed}", body)
