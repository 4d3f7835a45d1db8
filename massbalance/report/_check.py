"""Render a release check (text, Markdown, JSON). Pure: this module prints nothing.

Every number is shown in the unit the release printed it in, with as many
decimals as its step needs (plus one or two, for the half-steps of intervals
and the ranges a repair implies).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..release import CheckReport, FigureResult

__all__ = ["REPORT_FORMATS", "check_report_dict", "render_check"]

REPORT_FORMATS = ("text", "markdown", "json")

_TROY_NOTE = "oz is the troy ounce (31.1034768 g), the industry's convention"


def _decimals(step: float) -> int:
    if step <= 0 or not math.isfinite(step):
        return 2
    exponent = Decimal(repr(step)).normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _num(x: float, decimals: int) -> str:
    if not math.isfinite(x):
        return "inf" if x > 0 else "-inf"
    if abs(x) < 0.5 * 10.0 ** -max(decimals, 0):
        x = 0.0
    return f"{x:,.{max(decimals, 0)}f}"


def _interval(
    interval: tuple[float, float] | None, decimals: int, *, outward: bool = False
) -> str:
    """``[lo, hi]`` with ``decimals``; ``outward`` rounds an enclosure so that
    what is shown still encloses it."""
    if interval is None:
        return "-"
    lo, hi = interval
    if outward:
        scale = 10.0**decimals
        if math.isfinite(lo):
            lo = math.floor(lo * scale + 1e-9) / scale
        if math.isfinite(hi):
            hi = math.ceil(hi * scale - 1e-9) / scale
    return f"[{_num(lo, decimals)}, {_num(hi, decimals)}]"


def _significant(interval: tuple[float, float], digits: int = 4) -> int:
    """Decimals that show ``digits`` significant digits of the interval's bounds."""
    finite = [abs(x) for x in interval if math.isfinite(x) and x != 0.0]
    if not finite:
        return 1
    return min(6, max(0, digits - 1 - math.floor(math.log10(min(max(finite), 1e15)))))


def _round_out(interval: tuple[float, float], quantum: float) -> list[float | None]:
    """Round an interval outward to a multiple of ``quantum`` (stays an enclosure).

    An infinite bound is ``null`` in JSON (which has no infinity).
    """
    lo, hi = interval
    if quantum <= 0 or not (math.isfinite(lo) and math.isfinite(hi)):
        return [lo if math.isfinite(lo) else None, hi if math.isfinite(hi) else None]
    digits = _decimals(quantum)
    return [
        round(math.floor(lo / quantum) * quantum, digits),
        round(math.ceil(hi / quantum) * quantum, digits),
    ]


def _quantum(figure: FigureResult) -> float:
    return float(Decimal(repr(figure.step)) / 1000)


def check_report_dict(report: CheckReport) -> dict[str, Any]:
    """The report as the JSON contract of ARCHITECTURE.md section 5 (plus details).

    The contract keys come first; ``conflicts`` (the proof), ``notes``,
    ``trailing_zeros``, ``max_culprits`` and ``release`` are additions.
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
        "culprits": [
            {
                "figures": list(c.figures),
                "cost": round(c.cost, 3),
                "moves": [
                    {"id": fid, "value": value, "steps": round(steps, 3)}
                    for fid, value, steps in c.moves
                ],
                "trailing_zero_figures": list(c.trailing_zero_figures),
            }
            for c in report.culprits
        ],
        "derived": [
            {
                "id": d.id,
                "interval": _round_out(d.interval, _derived_quantum(d.interval)),
                "unit": d.unit,
            }
            for d in report.derived
        ],
        "conflicts": [
            {"figures": list(c.figures), "explanation": list(c.explanation)}
            for c in report.conflicts
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
    return float(10.0 ** -max(_significant(interval, 6), 0))


_VERDICT_TEXT = {
    "consistent": "CONSISTENT: every figure can be true at once (a witness was "
    "found and verified by substitution)",
    "inconsistent": "INCONSISTENT: the printed figures cannot all be true at once "
    "(proved by interval propagation)",
    "undetermined": "UNDETERMINED: neither a witness nor a proof was found",
}


def _move_text(report: CheckReport, fid: str, value: float, steps: float) -> str:
    figure = report.figure(fid)
    d = _decimals(figure.step) + 2
    lo, hi = figure.interval
    side = "above" if value > hi else "below"
    edge = hi if value > hi else lo
    note = ""
    if figure.trailing_zeros:
        note = f" [rests on a trailing-zero figure: {figure.printed} read as printed to {_num(figure.step, _decimals(figure.step))} {figure.unit}]"
    return (
        f"{fid}: printed {figure.printed}, must be {_num(value, d)} {figure.unit} "
        f"({steps:.2f} of a step {side} {_num(edge, d - 1)} {figure.unit}){note}"
    )


def _text(report: CheckReport, markdown: bool) -> str:
    h1, h2 = ("# ", "## ") if markdown else ("", "")
    lines: list[str] = []
    title = " - ".join(x for x in (report.issuer, report.title) if x) or report.path
    lines.append(f"{h1}massbalance check: {title}")
    lines.append("")
    lines.append(
        f"file: {report.path or '-'}; rounding: {report.rounding}; "
        f"trailing zeros: {report.trailing_zeros}; {_TROY_NOTE}."
    )
    lines.append("")
    lines.append(f"{h2}Verdict" if markdown else "VERDICT")
    lines.append("")
    lines.append(_VERDICT_TEXT[report.verdict] + ".")
    for note in report.notes:
        lines.append(f"Note: {note}.")
    lines.append("")
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
            lines.append(f"- {_move_text(report, fid, value, steps)}")
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
            lines.append(
                f"{k}. cost {culprit.cost:.3f}: {', '.join(culprit.figures)}{tz}"
            )
        lines.append("")
    if report.conflicts:
        lines.append(
            f"{h2}Proof" if markdown else "PROOF (figures that cannot all hold)"
        )
        lines.append("")
        for k, conflict in enumerate(report.conflicts, start=1):
            lines.append(f"{k}. {', '.join(conflict.figures)}")
            for line in conflict.explanation:
                lines.append(f"    - {line}" if markdown else f"     {line}")
        lines.append("")
    lines.append(f"{h2}Relations" if markdown else "RELATIONS")
    lines.append("")
    for relation in report.relations:
        arithmetic = f": {relation.arithmetic}" if relation.arithmetic else ""
        bullet = "- " if markdown else "  "
        lines.append(
            f"{bullet}[{relation.status}] {relation.id} ({relation.kind}){arithmetic}"
        )
    lines.append("")
    lines.append(f"{h2}Figures" if markdown else "FIGURES")
    lines.append("")
    header = ("figure", "printed", "interval", "implied", "status")
    rows = []
    for f in report.figures:
        d = _decimals(f.step)
        rows.append(
            (
                f.id,
                f.printed,
                f"{_interval(f.interval, d + 1)} {f.unit}".strip()
                if f.status != "nil"
                else "-",
                f"{_interval(f.implied, d + 2, outward=True)} {f.unit}".strip()
                if f.implied
                else "-",
                "not printed" if f.status == "nil" else f.status,
            )
        )
    lines.extend(_table(header, rows, markdown))
    if report.derived:
        lines.append("")
        lines.append(
            f"{h2}Unprinted quantities"
            if markdown
            else "UNPRINTED QUANTITIES (implied ranges, after the repair)"
        )
        lines.append("")
        drows = [
            (
                d.id,
                f"{_interval(d.interval, _significant(d.interval, 5), outward=True)} {d.unit}",
            )
            for d in report.derived
        ]
        lines.extend(_table(("quantity", "range"), drows, markdown))
    return "\n".join(lines) + "\n"


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


def render_check(report: CheckReport, fmt: str = "text") -> str:
    """Render a :class:`~massbalance.release.CheckReport`.

    Parameters
    ----------
    report : CheckReport
    fmt : {"text", "markdown", "json"}

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
        return _text(report, markdown=fmt == "markdown")
    raise ValueError(f"fmt must be one of {REPORT_FORMATS}, got {fmt!r}")
