"""Render results as one self-contained HTML page. Pure: this module prints nothing.

The page needs no network and no script: the style sheet is inline, diagrams
are inline SVG drawn here, and hover texts are ``title`` attributes repeated in
numbered footnotes for print. Every string that comes from the input is
escaped.

- :func:`check_html`: the release's table as printed, periods as columns and
  streams and elements as rows, each cell coloured by its status; then the
  disagreements (or culprit sets) and the details.
- :func:`release_estimate_html`: the same table with each figure's best
  estimate (``reconcile --from-release``).

Reconciliations and balances are in ``_html_flow``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from ..release import CheckReport, FigureResult
from ._check import _arithmetic as arithmetic_text
from ._check import _explanation_text as explanation_text
from ._check import _proof_lines as proof_lines
from ._format import decimals, derived_range, figure_interval, figure_range

if TYPE_CHECKING:  # the estimate may move out of io/; only its attributes are read
    from ..io.release_estimate import ReleaseEstimate

__all__ = ["check_html", "release_estimate_html"]

_CSS = """
:root { --ok: #dff0e0; --flagged: #f6c4c4; --flagged-edge: #b3261e;
  --suspect: #fde9b3; --suspect-edge: #a86b00; --unchecked: #ececec;
  --ink: #1b1b1b; --muted: #5f6368; --rule: #c9ccd1; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.45rem; margin: 0 0 .3rem; }
h2 { font-size: 1.15rem; margin: 1.8rem 0 .5rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
.meta, .muted { color: var(--muted); font-size: .9rem; }
.verdict { padding: .6rem .9rem; border-radius: 4px; margin: .9rem 0;
  font-weight: 600; border-left: 6px solid; }
.verdict.consistent, .verdict.good { background: var(--ok); border-color: #2e7d32; }
.verdict.inconsistent, .verdict.bad { background: var(--flagged);
  border-color: var(--flagged-edge); }
.verdict.undetermined { background: var(--suspect); border-color: var(--suspect-edge); }
table { border-collapse: collapse; margin: .4rem 0 1rem; }
th, td { border: 1px solid var(--rule); padding: .25rem .55rem; vertical-align: top; }
th { background: #f4f5f7; text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.group th { background: #fafafa; font-style: italic; font-weight: 500; }
td.cell { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.st-ok { background: var(--ok); }
td.st-flagged { background: var(--flagged); outline: 2px solid var(--flagged-edge);
  outline-offset: -2px; font-weight: 700; }
td.st-suspect { background: var(--suspect); outline: 1px dashed var(--suspect-edge);
  outline-offset: -2px; }
td.st-unchecked { background: var(--unchecked); color: var(--muted); }
td.empty { background: #fff; }
sup.fn { font-size: .65em; color: var(--muted); margin-left: .15em; }
sup.fn a { color: inherit; text-decoration: none; }
.legend span { display: inline-block; padding: .1rem .5rem; margin-right: .4rem;
  border: 1px solid var(--rule); font-size: .85rem; }
.legend .st-ok { background: var(--ok); }
.legend .st-flagged { background: var(--flagged); border-color: var(--flagged-edge); }
.legend .st-suspect { background: var(--suspect); border-color: var(--suspect-edge); }
.legend .st-unchecked { background: var(--unchecked); }
ol.footnotes { font-size: .82rem; color: var(--muted); columns: 2 28rem; }
ol.footnotes li { break-inside: avoid; }
section.disagreement { border-left: 4px solid var(--flagged-edge);
  padding: .1rem 0 .1rem .9rem; margin: 1rem 0; }
code, .id { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: .88em; }
tr.gross td { background: var(--flagged); }
svg { max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg text.node-label { font-weight: 600; }
.sankey-node { fill: #455a64; }
.sankey-link { fill: #90a4ae; fill-opacity: .55; }
.sankey-link.gross { fill: #d93025; fill-opacity: .6; }
figure { margin: .5rem 0 1.2rem; }
figcaption { font-size: .85rem; color: var(--muted); }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section, figure, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  h2 { break-after: avoid; }
}
"""


def _page(title: str, body: Iterable[str]) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="massbalance">',
            f"<title>{escape(title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


# ------------------------------------------------------------------ check


_STATUS_CLASS = {
    "ok": "st-ok",
    "flagged": "st-flagged",
    "culprit": "st-flagged",
    "suspect": "st-suspect",
    "unchecked": "st-unchecked",
}
_STATUS_MEANING = {
    "ok": "ok: in a relation and in no culprit set",
    "flagged": "flagged: in the most plausible culprit set",
    "suspect": "suspect: in another smallest culprit set",
    "unchecked": "unchecked: in no relation",
}
_VERDICT = {
    "consistent": "Consistent: every figure can be true at once (a witness was "
    "found and verified by substitution).",
    "inconsistent": "Inconsistent: the printed figures cannot all be true at once "
    "(proved by interval propagation).",
    "undetermined": "Undetermined: neither a witness nor a proof was found.",
}
_GROUPS = {
    "recovery": "Recoveries",
    "contained": "Contained metal",
    "throughput": "Throughput",
    "equivalent": "Metal equivalent",
}


@dataclass
class _Grid:
    """The release's table: rows of figures, columns of periods and changes."""

    columns: list[str] = field(default_factory=list)
    column_titles: dict[str, str] = field(default_factory=dict)
    rows: list[str] = field(default_factory=list)
    cells: dict[tuple[str, str], Any] = field(default_factory=dict)
    loose: list[Any] = field(default_factory=list)


def _place(fid: str) -> tuple[str, str, str] | None:
    """(row, column, column title) of a figure id, or None if it has no place."""
    if fid.startswith("change."):
        figure, sep, span = fid[len("change.") :].rpartition(".")
        if sep and "-" in span:
            start, _, end = span.partition("-")
            return (
                figure,
                f"change:{span}",
                f"change {start} \N{RIGHTWARDS ARROW} {end}",
            )
        return None
    period, sep, row = fid.partition(".")
    if not sep or not row:
        return None
    return row, period, period


def _grid(figures: Sequence[Any]) -> _Grid:
    """Lay figures (anything with an ``id``) out as the release printed them."""
    grid = _Grid()
    for figure in figures:
        place = _place(figure.id)
        if place is None or place[:2] in grid.cells:
            grid.loose.append(figure)
            continue
        row, column, title = place
        if column not in grid.column_titles:
            grid.columns.append(column)
            grid.column_titles[column] = title
        if row not in grid.rows:
            grid.rows.append(row)
        grid.cells[row, column] = figure
    periods = [c for c in grid.columns if not c.startswith("change:")]
    grid.columns = periods + [c for c in grid.columns if c.startswith("change:")]
    return grid


def _row_group(row: str) -> tuple[str, str]:
    """(group heading, row label) of a row key such as ``grade.pb_conc.Ag``."""
    parts = row.split(".")
    kind, rest = parts[0], parts[1:]
    also = ""
    if rest and rest[-1].startswith("also") and rest[-1][4:].isdigit():
        also = f" (printed again, {rest[-1][4:]})"
        rest = rest[:-1]
    if kind == "mass" and len(rest) == 1:
        return rest[0], "mass" + also
    if kind == "wet_mass" and len(rest) == 1:
        return rest[0], "wet mass" + also
    if kind == "moisture" and len(rest) == 1:
        return rest[0], "moisture" + also
    if kind == "grade" and len(rest) == 2:
        return rest[0], f"{rest[1]} grade" + also
    if kind in _GROUPS:
        label = " \N{RIGHTWARDS ARROW} ".join(rest) if rest else kind
        return _GROUPS[kind], label + also
    return "Other figures", row


def _interval_text(figure: FigureResult) -> tuple[str, str]:
    printed = figure_interval(figure.interval, figure.step, figure.unit)
    implied = (
        figure_range(figure.implied, figure.step, figure.unit)
        if figure.implied is not None
        else "none (not in any relation)"
    )
    return printed, implied


def _cell_note(figure: FigureResult) -> str:
    printed, implied = _interval_text(figure)
    return (
        f"{figure.id}: printed {figure.printed}; values that print so: {printed}; "
        f"implied range: {implied}; status: {figure.status}"
    )


def _release_table(
    figures: Sequence[Any], cell: Callable[[Any, list[str]], str], notes: list[str]
) -> list[str]:
    """The release's table, each figure's cell made by ``cell``."""
    grid = _grid(figures)
    out = ['<table class="release">', "<thead><tr><th></th>"]
    for column in grid.columns:
        out.append(
            f'<th class="num" scope="col">{escape(grid.column_titles[column])}</th>'
        )
    out.append("</tr></thead><tbody>")
    group = None
    for row in grid.rows:
        heading, label = _row_group(row)
        if heading != group:
            group = heading
            span = len(grid.columns) + 1
            out.append(
                f'<tr class="group"><th colspan="{span}">{escape(heading)}</th></tr>'
            )
        out.append(f'<tr><th scope="row">{escape(label)}</th>')
        for column in grid.columns:
            figure = grid.cells.get((row, column))
            if figure is None:
                out.append('<td class="empty"></td>')
                continue
            out.append(cell(figure, notes))
        out.append("</tr>")
    out.append("</tbody></table>")
    if grid.loose:
        out.append("<h3>Figures outside the table</h3>")
        out.append("<table><tbody>")
        for figure in grid.loose:
            out.append(f'<tr><th scope="row" class="id">{escape(figure.id)}</th>')
            out.append(cell(figure, notes) + "</tr>")
        out.append("</tbody></table>")
    return out


def _cell(figure: FigureResult, notes: list[str]) -> str:
    notes.append(_cell_note(figure))
    k = len(notes)
    css = _STATUS_CLASS.get(figure.status, "")
    return (
        f'<td class="cell {css}" id="fig-{k}" data-figure="{escape(figure.id)}" '
        f'data-status="{escape(figure.status)}" title="{escape(notes[-1])}">'
        f"{escape(figure.printed)}"
        f'<sup class="fn"><a href="#note-{k}">{k}</a></sup></td>'
    )


def _legend() -> str:
    spans = [
        f'<span class="{_STATUS_CLASS[s]}">{escape(text)}</span>'
        for s, text in _STATUS_MEANING.items()
    ]
    return '<p class="legend">' + "".join(spans) + "</p>"


def _figure_list(ids: Iterable[str]) -> str:
    return ", ".join(f'<span class="id">{escape(str(i))}</span>' for i in ids)


def _culprit_items(culprits: Sequence[Any]) -> list[str]:
    out = ["<ol>"]
    for culprit in culprits:
        figures = getattr(culprit, "figures", ())
        cost = getattr(culprit, "cost", float("nan"))
        tz = getattr(culprit, "trailing_zero_figures", ())
        extra = ""
        if tz:
            extra = f" (rests on trailing-zero figure(s): {_figure_list(tz)})"
        out.append(
            f"<li>cost {escape(f'{cost:.3f}')} step(s): {_figure_list(figures)}{extra}</li>"
        )
    out.append("</ol>")
    return out


def _moves(report: CheckReport, culprit: Any) -> list[str]:
    out = ["<ul>"]
    for fid, value, steps in getattr(culprit, "moves", ()):
        try:
            figure = report.figure(fid)
        except KeyError:
            out.append(f"<li>{escape(str(fid))}: must be {escape(f'{value:g}')}</li>")
            continue
        d = decimals(figure.step) + 2
        hi = figure.interval[1]
        side = "above" if value > hi else "below"
        out.append(
            f'<li><span class="id">{escape(fid)}</span>: printed '
            f"{escape(figure.printed)}, must be {escape(f'{value:,.{d}f}')} "
            f"{escape(figure.unit)} ({escape(f'{steps:.2f}')} of a step {side} what "
            f"prints so)</li>"
        )
    out.append("</ul>")
    return out


def _disagreements(report: CheckReport, disagreements: Sequence[Any]) -> list[str]:
    out = ["<h2>Disagreements</h2>"]
    for k, item in enumerate(disagreements, start=1):
        ident = str(getattr(item, "id", f"d{k}"))
        out.append(f'<section class="disagreement" id="{escape(ident)}">')
        out.append(f"<h3>Disagreement {escape(ident)}</h3>")
        out.append(f"<p>Figures: {_figure_list(getattr(item, 'figures', ()))}</p>")
        culprits = getattr(item, "culprits", ())
        if culprits:
            out.append("<p>Smallest sets of figures that explain it, by cost:</p>")
            out += _culprit_items(culprits)
        explanations = getattr(item, "explanations", ())
        if explanations:
            out.append("<p>Explanations the check accepts:</p><ul>")
            for exp in explanations:
                text = explanation_text(report, exp)
                out.append(
                    f"<li><strong>{escape(str(exp.kind))}</strong> "
                    f"({_figure_list(exp.figures)}): {escape(text)}</li>"
                )
            out.append("</ul>")
        out.append("</section>")
    return out


def _culprit_sections(report: CheckReport) -> list[str]:
    out: list[str] = []
    if report.culprits:
        best = report.culprits[0]
        out.append("<h2>Most plausible explanation</h2>")
        out.append(
            f"<p>Release {len(best.figures)} figure(s), total move "
            f"{escape(f'{best.cost:.3f}')} step(s) outside their printed intervals:</p>"
        )
        out += _moves(report, best)
        out.append("<h2>Culprit sets</h2>")
        out.append(
            "<p>Every smallest set of figures whose removal makes the rest consistent:</p>"
        )
        out += _culprit_items(report.culprits)
    return out


def _proof(report: CheckReport) -> list[str]:
    if not report.conflicts:
        return []
    out = ["<h2>Proof</h2>", "<p>Sets of figures that cannot all hold:</p>", "<ol>"]
    for k, conflict in enumerate(report.conflicts):
        out.append(f"<li>{_figure_list(conflict.figures)}<ul>")
        out += [f"<li>{escape(line)}</li>" for line in proof_lines(report, k)]
        out.append("</ul></li>")
    out.append("</ol>")
    return out


def _details(report: CheckReport) -> list[str]:
    out = ["<h2>Details</h2>", "<h3>Relations</h3>", "<table><thead><tr>"]
    out.append("<th>relation</th><th>kind</th><th>status</th><th>arithmetic</th></tr>")
    out.append("</thead><tbody>")
    for relation in report.relations:
        css = ' class="st-flagged"' if relation.status == "violated" else ""
        out.append(
            f'<tr><td class="id">{escape(relation.id)}</td><td>{escape(relation.kind)}</td>'
            f"<td{css}>{escape(relation.status)}</td>"
            f"<td>{escape(arithmetic_text(report, relation.arithmetic))}</td></tr>"
        )
    out.append("</tbody></table>")
    if report.derived:
        out.append("<h3>Unprinted quantities (implied ranges, after the repair)</h3>")
        out.append(
            "<table><thead><tr><th>quantity</th><th>range</th></tr></thead><tbody>"
        )
        for derived in report.derived:
            text = derived_range(derived.interval, derived.unit)
            out.append(
                f'<tr><td class="id">{escape(derived.id)}</td>'
                f'<td class="num">{escape(text.strip())}</td></tr>'
            )
        out.append("</tbody></table>")
    return out


def check_html(report: CheckReport) -> str:
    """The release check as one self-contained HTML page.

    Parameters
    ----------
    report : CheckReport
        From :func:`massbalance.release.check_release`.

    Returns
    -------
    str
        The page. Each figure is a cell of the release's table, coloured by
        its status, with its rounding interval and implied range in its
        ``title`` (shown on hover) and in a numbered footnote.
    """
    title = " - ".join(x for x in (report.issuer, report.title) if x) or report.path
    body = [f"<h1>{escape(title or 'Release check')}</h1>"]
    body.append(
        f'<p class="meta">file: {escape(report.path or "-")}; rounding: '
        f"{escape(report.rounding)}; trailing zeros: {escape(report.trailing_zeros)}; "
        "oz is the troy ounce (31.1034768 g), the industry's convention.</p>"
    )
    body.append(
        f'<p class="verdict {escape(report.verdict)}">'
        f"{escape(_VERDICT.get(report.verdict, report.verdict))}</p>"
    )
    body += [f"<p>Note: {escape(note)}.</p>" for note in report.notes]
    notes: list[str] = []
    body.append("<h2>The release as printed</h2>")
    body.append(_legend())
    body += _release_table(report.figures, _cell, notes)
    disagreements = getattr(report, "disagreements", None)
    if disagreements:
        body += _disagreements(report, disagreements)
    body += _culprit_sections(report)
    body += _proof(report)
    body += _details(report)
    body.append("<h2>Notes to the table</h2>")
    body.append('<ol class="footnotes">')
    body += [
        f'<li id="note-{k}">{escape(n)}</li>' for k, n in enumerate(notes, start=1)
    ]
    body.append("</ol>")
    return _page(f"massbalance check: {title}", body)


def _fmt(value: float, digits: int = 4) -> str:
    """``digits`` significant digits, with thousands separators and no exponent."""
    if not math.isfinite(value):
        return ""
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"


# ------------------------------------------------------- --from-release


def _estimate_cell(figure: Any, notes: list[str]) -> str:
    """A figure's cell: as printed, its best estimate ± SD below; coloured by
    its normalised adjustment (beyond 2 SD: flagged; beyond 1: suspect)."""
    pm = (
        "unobservable"
        if math.isnan(figure.estimate)
        else f"{_fmt(figure.estimate, 6)} ± {_fmt(figure.sd, 2)} {figure.unit}".strip()
    )
    adj = abs(figure.normalised)
    status = "flagged" if adj > 2 else "suspect" if adj > 1 else "ok"
    notes.append(
        f"{figure.id}: printed {figure.text}; estimate {pm}; normalised adjustment "
        f"{figure.normalised:+.2f}; redundancy {figure.redundancy:.2f}"
    )
    k = len(notes)
    return (
        f'<td class="cell {_STATUS_CLASS[status]}" data-figure="{escape(figure.id)}" '
        f'data-status="{status}" title="{escape(notes[-1])}">{escape(figure.text)}'
        f'<sup class="fn"><a href="#note-{k}">{k}</a></sup>'
        f'<br><span class="muted">{escape(pm)}</span></td>'
    )


def release_estimate_html(result: ReleaseEstimate) -> str:
    """A release's best estimates (``reconcile --from-release``) as one HTML page.

    Parameters
    ----------
    result : ReleaseEstimate
        From :func:`massbalance.io.estimate_release`.

    Returns
    -------
    str
        The page: the release's table as printed, each cell with its best
        estimate ± SD, coloured by its normalised adjustment (beyond two
        standard deviations red, beyond one amber); then the unprinted
        quantities and the global test.
    """
    title = " - ".join(x for x in (result.issuer, result.title) if x) or "release"
    body = [f"<h1>{escape(title)}</h1>"]
    body.append(
        '<p class="meta">Each printed figure is a measurement: the centre of its '
        f"rounding interval ({escape(result.rounding)} rounding), SD = width/√12. "
        "Estimates satisfy every relation of the release; oz is the troy ounce.</p>"
    )
    p = "n/a" if math.isnan(result.p_value) else f"{result.p_value:.3g}"
    good = math.isnan(result.p_value) or result.p_value > 0.05
    body.append(
        f'<p class="verdict {"good" if good else "bad"}">chi-square '
        f"{_fmt(result.chi2)} on {result.dof} degree(s) of freedom, p = {p}.</p>"
    )
    notes: list[str] = []
    body.append("<h2>The release as printed, with best estimates</h2>")
    body.append(
        '<p class="legend"><span class="st-ok">adjusted by at most 1 SD of its '
        'rounding</span><span class="st-suspect">by 1-2 SD</span>'
        '<span class="st-flagged">by more than 2 SD</span></p>'
    )
    body += _release_table(result.figures, _estimate_cell, notes)
    if result.derived:
        body.append("<h2>Unprinted quantities</h2><table><thead><tr>")
        body.append(
            "<th>quantity</th><th>estimate</th><th>± SD</th></tr></thead><tbody>"
        )
        for d in result.derived:
            body.append(
                f'<tr><td class="id">{escape(d.id)}</td>'
                f'<td class="num">{_fmt(d.estimate, 6)} {escape(d.unit)}</td>'
                f'<td class="num">{_fmt(d.sd, 2)}</td></tr>'
            )
        body.append("</tbody></table>")
    if result.unobservable:
        body.append(
            "<p>Unobservable (the figures do not determine them): "
            f"{_figure_list(result.unobservable)}</p>"
        )
    body.append("<h2>Notes to the table</h2>")
    body.append('<ol class="footnotes">')
    body += [
        f'<li id="note-{k}">{escape(n)}</li>' for k, n in enumerate(notes, start=1)
    ]
    body.append("</ol>")
    return _page(f"massbalance reconcile --from-release: {title}", body)
