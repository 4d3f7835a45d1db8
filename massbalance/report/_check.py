"""Render a release check (text, Markdown, JSON). Pure: this module prints nothing.

Every number is shown in the unit the release printed it in, with as many
decimals as its step needs (plus one or two, for the half-steps of intervals
and the ranges a repair implies).
"""

from __future__ import annotations

import dataclasses
import json
import math
import textwrap
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..release import (
    Arithmetic,
    CheckReport,
    Culprit,
    Disagreement,
    Explanation,
    FigureResult,
    Term,
)
from ._format import (
    decimals,
    derived_range,
    escape,
    figure_interval,
    figure_range,
    num,
    significant,
)

__all__ = ["REPORT_FORMATS", "check_report_dict", "render_check"]

REPORT_FORMATS = ("text", "markdown", "json")

_TROY_NOTE = "oz is the troy ounce (31.1034768 g), the industry's convention"


def _round_out(interval: tuple[float, float], quantum: float) -> list[float | None]:
    """Round an interval outward to a multiple of ``quantum`` (stays an enclosure).

    An infinite bound is ``null`` in JSON (which has no infinity).
    """
    lo, hi = interval
    if quantum <= 0 or not (math.isfinite(lo) and math.isfinite(hi)):
        return [lo if math.isfinite(lo) else None, hi if math.isfinite(hi) else None]
    digits = decimals(quantum)
    return [
        round(math.floor(lo / quantum) * quantum, digits),
        round(math.ceil(hi / quantum) * quantum, digits),
    ]


def _quantum(figure: FigureResult) -> float:
    return float(Decimal(repr(figure.step)) / 1000)


def _culprit_dict(c: Culprit) -> dict[str, Any]:
    return {
        "figures": list(c.figures),
        "cost": round(c.cost, 3),
        "moves": [
            {"id": fid, "value": value, "steps": round(steps, 3)}
            for fid, value, steps in c.moves
        ],
        "trailing_zero_figures": list(c.trailing_zero_figures),
    }


def check_report_dict(report: CheckReport) -> dict[str, Any]:
    """The report as the documented JSON contract (plus details).

    The contract keys come first; ``conflicts`` (the proof),
    ``disagreements`` (each independent disagreement with its culprit sets
    and explanations), ``notes``, ``trailing_zeros``, ``max_culprits`` and
    ``release`` are additions.
    """
    figures = []
    for f in report.figures:
        figures.append(
            {
                "id": f.id,
                "printed": f.printed,
                "unit": f.unit,
                "interval": None
                if f.status == "nil"
                else [x if math.isfinite(x) else None for x in f.interval],
                "implied": None
                if f.implied is None
                else _round_out(f.implied, _quantum(f)),
                "status": f.status,
            }
        )
    return {
        "verdict": report.verdict,
        "rounding": report.rounding,
        "figures": figures,
        "relations": [
            {"id": r.id, "kind": r.kind, "figures": list(r.figures), "status": r.status}
            for r in report.relations
        ],
        "culprits": [_culprit_dict(c) for c in report.culprits],
        "derived": [
            {
                "id": d.id,
                "interval": _round_out(d.interval, _derived_quantum(d.interval)),
                "unit": d.unit,
            }
            for d in report.derived
        ],
        "conflicts": [
            {"figures": list(c.figures), "explanation": _proof_lines(report, k)}
            for k, c in enumerate(report.conflicts)
        ],
        "disagreements": [
            {
                "id": d.id,
                "figures": list(d.figures),
                "culprits": [_culprit_dict(c) for c in d.culprits],
                "explanations": [
                    {
                        "kind": e.kind,
                        "figures": list(e.figures),
                        "detail": list(e.detail),
                        "text": _explanation_text(report, e),
                        "explains": list(e.shared),
                    }
                    for e in d.explanations
                ],
                "relations": list(d.relations),
                "exceeded": d.exceeded,
            }
            for d in report.disagreements
        ],
        "notes": list(report.notes),
        "trailing_zeros": report.trailing_zeros,
        "max_culprits": report.max_culprits,
        "release": {
            "issuer": report.issuer,
            "title": report.title,
            "path": report.path,
        },
    }


def _derived_quantum(interval: tuple[float, float]) -> float:
    """Round derived ranges outward to about six significant digits."""
    return float(10.0 ** -max(significant(interval, 6), 0))


_VERDICT_TEXT = {
    "consistent": "CONSISTENT: every figure can be true at once (a witness was "
    "found and verified by substitution)",
    "inconsistent": "INCONSISTENT: the printed figures cannot all be true at once "
    "(proved by interval propagation)",
    "undetermined": "UNDETERMINED: neither a witness nor a proof was found",
}


def _move_text(report: CheckReport, fid: str, value: float, steps: float) -> str:
    figure = report.figure(fid)
    d = decimals(figure.step) + 2
    lo, hi = figure.interval
    side = "above" if value > hi else "below"
    edge = hi if value > hi else lo
    note = ""
    if figure.trailing_zeros:
        note = f" [rests on a trailing-zero figure: {figure.printed} read as printed to {num(figure.step, decimals(figure.step))} {figure.unit}]"
    return (
        f"{fid}: printed {figure.printed}, must be {num(value, d)} {figure.unit} "
        f"({steps:.2f} of a step {side} {num(edge, d - 1)} {figure.unit}){note}"
    )


_SLIPS = {
    "changed": "one digit changed",
    "swapped": "two adjacent digits swapped",
    "dropped": "a digit dropped",
    "doubled": "a digit doubled",
    "shifted": "the decimal separator moved",
}
_COUNT = {1: "one", 2: "both", 3: "all three", 4: "all four"}


def _convention(e: Explanation) -> str:
    """The convention an explanation names, as a noun phrase."""
    if e.kind == "truncated":
        return "truncation" if e.detail[:1] == ("truncated",) else "rounding up"
    if e.kind == "days":
        return "another day count"
    return e.kind


def _explanation_text(report: CheckReport, e: Explanation) -> str:
    """One explanation as a sentence."""
    f = report.figure(e.figures[0])
    needed = (
        f" ({figure_range(f.implied, f.step, f.unit)} is needed)"
        if f.implied is not None and f.status == "flagged"
        else ""
    )
    if e.kind == "truncated":
        truncated = e.detail[:1] == ("truncated",)
        if f.implied is not None and f.status == "flagged":
            verb = "truncates" if truncated else "rounds up"
            return (
                f"{f.id}: {figure_range(f.implied, f.step, f.unit)} {verb} to "
                f"{f.printed} (rounded to nearest it cannot print so)"
            )
        how = "truncated" if truncated else "rounded up"
        return f"{f.id} ({f.printed}) fits if it was {how}, not rounded to nearest"
    if e.kind == "days":
        days = [int(float(d)) for d in e.detail]
        counts = " or ".join(str(d) for d in days[1:])
        return (
            f"{f.id} ({f.printed}) fits over {counts} days, "
            f"not the {days[0]} days of its period"
        )
    if e.kind == "digit":
        printing, slip = str(e.detail[0]), str(e.detail[1])
        return (
            f"{f.id} fits if {f.printed} was {printing} "
            f"({_SLIPS.get(slip, slip)}){needed}"
        )
    if e.kind == "other_column":
        other = report.figure(str(e.detail[0]))
        return (
            f"{f.id} fits if it was read as {other.id} ({other.printed}), the same "
            f"quantity for another period or stream, copied across{needed}"
        )
    if e.kind == "unit":
        units = " or ".join(str(u) for u in e.detail)
        return f"{f.id} ({f.printed}) fits if it was read in {units}{needed}"
    if e.kind == "printed_parts":
        value = num(float(e.detail[0]), decimals(f.step) + 1)
        parts = ", ".join(f"{p} ({report.figure(p).printed})" for p in e.figures[1:])
        return (
            f"{f.id} ({f.printed}) is {value} {f.unit} computed from the printed "
            f"{parts}, not from their true values{needed}"
        )
    if e.kind == "equivalent_of_parts":
        periods = " and ".join(str(q) for q in e.detail[1:])
        if e.detail[:1] == ("sum",):
            return (
                f"{f.id} ({f.printed}) fits as the sum of the equivalents of "
                f"{periods}, not the total's metal at its own prices"
            )
        return f"{f.id} ({f.printed}) fits the total's metal at {periods}'s prices"
    return f"{e.kind}: {', '.join(e.figures)}"


def _shared_lines(report: CheckReport) -> list[str]:
    """Conventions that explain several disagreements at once."""
    seen: dict[str, tuple[str, ...]] = {}
    for d in report.disagreements:
        for e in d.explanations:
            if len(e.shared) > 1:
                seen.setdefault(_convention(e), e.shared)
    total = len(report.disagreements)
    lines = []
    for name, ids in seen.items():
        which = (
            _COUNT.get(total, f"all {total}") + " disagreements"
            if len(ids) == total
            else "disagreements " + ", ".join(ids)
        )
        lines.append(f"{name[0].upper()}{name[1:]} explains {which}.")
    return lines


def _summary_line(report: CheckReport, d: Disagreement) -> str:
    """One line for a disagreement."""
    best = (
        f"cheapest {', '.join(d.culprits[0].figures)} (cost {d.culprits[0].cost:.3f})"
        if d.culprits
        else f"no set of {report.max_culprits} figures or fewer"
    )
    why = f"; {d.explanations[0].kind}" if d.explanations else ""
    return f"{d.id}: {len(d.figures)} figures; {best}{why}"


def _wrap(line: str, indent: str = "") -> list[str]:
    """A line broken at 100 columns, continuation lines indented."""
    return textwrap.wrap(
        line,
        width=100,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [""]


def _disagreement(report: CheckReport, d: Disagreement, markdown: bool) -> list[str]:
    """One disagreement's section."""
    h2, bullet = ("## ", "- ") if markdown else ("", "- ")
    lines = [
        f"{h2}Disagreement {d.id}"
        if markdown
        else f"DISAGREEMENT {d.id} ({len(d.figures)} figures)",
        "",
    ]
    lines += _wrap(f"Figures: {', '.join(d.figures)}.", "  ")
    relations = {r.id: r for r in report.relations}
    failing = [relations[r] for r in d.relations if r in relations]
    if failing:
        lines.append("")
        lines.append("Fails:")
        for relation in failing:
            written = _arithmetic(report, relation.arithmetic)
            text = f"{relation.id} ({relation.kind})" + (
                f": {written}" if written else ""
            )
            lines += _wrap(f"{bullet}{text}", "    ")
    lines.append("")
    if d.culprits:
        lines.append("Culprit sets (smallest, by cost):")
        for k, culprit in enumerate(d.culprits, start=1):
            lines += _wrap(
                f"{k}. cost {culprit.cost:.3f}: {', '.join(culprit.figures)}", "    "
            )
            for fid, value, steps in culprit.moves:
                lines += _wrap(
                    f"    {bullet}{_move_text(report, fid, value, steps)}", "        "
                )
    else:
        lines.append(
            f"No set of {report.max_culprits} figures or fewer explains this "
            "disagreement; try --max-culprits."
        )
    if d.explanations:
        lines.append("")
        lines.append("Explanations (each with a verified witness):")
        for e in d.explanations:
            lines += _wrap(f"{bullet}{e.kind}: {_explanation_text(report, e)}", "    ")
    lines.append("")
    return lines


def _text(
    report: CheckReport, markdown: bool, *, details: bool = False, summary: bool = False
) -> str:
    h1, h2 = ("# ", "## ") if markdown else ("", "")
    lines: list[str] = []
    title = " - ".join(x for x in (report.issuer, report.title) if x) or report.path
    heading = f"{h1}massbalance check: {title}"
    lines += [heading] if markdown else _wrap(heading, "  ")
    lines.append("")
    lines += _wrap(
        f"file: {report.path or '-'}; rounding: {report.rounding}; "
        f"trailing zeros: {report.trailing_zeros}; {_TROY_NOTE}."
    )
    lines.append("")
    lines.append(f"{h2}Verdict" if markdown else "VERDICT")
    lines.append("")
    lines += _wrap(_VERDICT_TEXT[report.verdict] + ".")
    if report.disagreements:
        n = len(report.disagreements)
        lines.append(
            f"{n} independent disagreement{'s' if n > 1 else ''} "
            "(they share no figure)."
        )
        lines += _shared_lines(report)
    for note in report.notes:
        lines += _wrap(f"Note: {note}.")
    lines.append("")
    if summary:
        for d in report.disagreements:
            lines += _wrap(_summary_line(report, d), "    ")
        return "\n".join(lines).rstrip("\n") + "\n"
    for d in report.disagreements:
        lines += _disagreement(report, d, markdown)
    if report.culprits:
        best = report.culprits[0]
        lines.append(
            f"{h2}Most plausible explanation"
            if markdown
            else "MOST PLAUSIBLE EXPLANATION"
        )
        lines.append("")
        lines.append(
            f"Release {len(best.figures)} figure(s), total move {best.cost:.3f} step(s) "
            "outside their printed intervals:"
        )
        for fid, value, steps in best.moves:
            lines += _wrap(f"- {_move_text(report, fid, value, steps)}", "    ")
        lines.append("")
        lines.append(
            f"{h2}Culprit sets" if markdown else "CULPRIT SETS (smallest, by cost)"
        )
        lines.append("")
        for k, culprit in enumerate(report.culprits, start=1):
            tz = ""
            if culprit.trailing_zero_figures:
                tz = (
                    " (rests on trailing-zero figure(s): "
                    + ", ".join(culprit.trailing_zero_figures)
                    + ")"
                )
            lines += _wrap(
                f"{k}. cost {culprit.cost:.3f}: {', '.join(culprit.figures)}{tz}",
                "    ",
            )
        lines.append("")
    if report.conflicts and details:
        lines.append(
            f"{h2}Proof" if markdown else "PROOF (figures that cannot all hold)"
        )
        lines.append("")
        for k, conflict in enumerate(report.conflicts, start=1):
            lines += _wrap(f"{k}. {', '.join(conflict.figures)}", "     ")
            for line in _proof_lines(report, k - 1):
                lines += (
                    _wrap(f"    - {line}", "      ")
                    if markdown
                    else _wrap(f"     {line}", "       ")
                )
        lines.append("")
    if details or report.verdict != "inconsistent":
        lines.append(f"{h2}Relations" if markdown else "RELATIONS")
        lines.append("")
        for relation in report.relations:
            written = _arithmetic(report, relation.arithmetic)
            arithmetic = f": {written}" if written else ""
            bullet = "- " if markdown else "  "
            lines += _wrap(
                f"{bullet}[{relation.status}] {relation.id} ({relation.kind}){arithmetic}",
                "      ",
            )
        lines.append("")
    lines.append(f"{h2}Figures" if markdown else "FIGURES")
    lines.append("")
    # in text, the printed intervals only with the details: the rows stay
    # within 100 columns for ordinary ids (a Markdown table is not wrapped)
    full = details or markdown
    header: tuple[str, ...] = ("figure", "printed", "implied", "status")
    if full:
        header = ("figure", "printed", "interval", "implied", "status")
    rows = []
    for f in report.figures:
        if f.status == "nil":
            shown = [f.id, f.printed, "-", "not printed"]
            if full:
                shown.insert(2, "-")
        else:
            shown = [f.id, f.printed, figure_range(f.implied, f.step, f.unit), f.status]
            if full:
                shown.insert(2, figure_interval(f.interval, f.step, f.unit))
        rows.append(tuple(shown))
    lines.extend(_table(header, rows, markdown))
    if report.derived:
        lines.append("")
        lines.append(
            f"{h2}Unprinted quantities"
            if markdown
            else "UNPRINTED QUANTITIES (implied ranges, after the repair)"
        )
        lines.append("")
        drows = [(d.id, derived_range(d.interval, d.unit)) for d in report.derived]
        lines.extend(_table(("quantity", "range"), drows, markdown))
    return "\n".join(lines) + "\n"


def _term(report: CheckReport, term: Term, top: bool = False) -> str:
    """A relation's expression with the printed values put in."""
    if term.op == "figure":
        return report.figure(term.ref).printed
    if term.op == "name":
        return term.ref
    if term.op == "days":
        return f"{term.value:g} d"
    if term.op == "sum":
        parts = []
        for c, arg in zip(term.coefs, term.args, strict=True):
            text = _term(report, arg)
            parts.append(
                text if c == 1.0 else f"-{text}" if c == -1.0 else f"{c:g} x {text}"
            )
        body = " + ".join(parts).replace("+ -", "- ")
        if term.value:
            body += f" {term.value:+g}"
        return f"({body})" if len(parts) > 1 or term.value else body
    left, right = _term(report, term.args[0]), _term(report, term.args[1])
    return f"{left} x {right}" if term.op == "mul" else f"{left} / ({right})"


def _arithmetic(report: CheckReport, arithmetic: Arithmetic | None) -> str:
    """``expression = value at the printed values, range within their rounding``."""
    if arithmetic is None:
        return ""
    expression = _term(report, arithmetic.expression, top=True)
    if arithmetic.value is None:
        return expression
    figure = report.figure(arithmetic.figure)
    line = (
        f"{expression} = {num(arithmetic.value, decimals(figure.step) + 2)} "
        f"{figure.unit} at the printed values"
    )
    if arithmetic.range is not None:
        line += (
            f", {figure_range(arithmetic.range, figure.step, figure.unit)}"
            " within their rounding"
        )
    return f"{line} (printed {figure.printed})"


def _proof_lines(report: CheckReport, index: int) -> list[str]:
    """Why the figures of conflict ``index`` cannot all hold."""
    conflict = report.conflicts[index]
    if not conflict.figures:
        return ["proved by bisection; no smaller set of figures could be isolated"]
    lines = []
    for fid in conflict.figures:
        f = report.figure(fid)
        lines.append(
            f"{fid} = {f.printed}, so in {figure_interval(f.interval, f.step, f.unit)}"
        )
    if conflict.focus is not None and conflict.needed is not None:
        f = report.figure(conflict.focus)
        lines.append(
            f"from the others, {f.id} must lie in "
            f"{figure_range(conflict.needed, f.step, f.unit)}, "
            f"outside what {f.printed} allows"
        )
    return lines


def _table(
    header: tuple[str, ...], rows: Sequence[tuple[str, ...]], markdown: bool
) -> list[str]:
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return out
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*header).rstrip(), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*r).rstrip() for r in rows]
    return out


def _escaped(value: Any, markdown: bool) -> Any:
    """``value`` with every string in it escaped for a text or Markdown report
    (ids, printed figures, units, names: whatever came from the input)."""
    if isinstance(value, str):
        return escape(value, markdown=markdown)
    if isinstance(value, tuple):
        return tuple(_escaped(v, markdown) for v in value)
    if isinstance(value, dict):
        return {_escaped(k, markdown): _escaped(v, markdown) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _escaped(getattr(value, f.name), markdown)
            for f in dataclasses.fields(value)
            if f.name not in _OURS
        }
        return dataclasses.replace(value, **changes)
    return value


#: string fields the check itself writes (fixed words), left as they are
_OURS = frozenset({"verdict", "rounding", "trailing_zeros", "status", "kind", "op"})


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
    fmt : {"text", "markdown", "json"}
    details : bool
        Text and Markdown: add the proof (the conflicts) and every relation.
    summary : bool
        Text and Markdown: the verdict and one line per disagreement only.

    Returns
    -------
    str
    """
    if fmt == "json":
        return (
            json.dumps(
                check_report_dict(report), indent=2, ensure_ascii=False, allow_nan=False
            )
            + "\n"
        )
    if fmt in ("text", "markdown"):
        markdown = fmt == "markdown"
        safe = _escaped(report, markdown)
        return _text(safe, markdown, details=details, summary=summary)
    raise ValueError(f"fmt must be one of {REPORT_FORMATS}, got {fmt!r}")
