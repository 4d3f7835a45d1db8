"""Render a release estimate (``reconcile --from-release``): text, Markdown, JSON, CSV.

Pure: prints nothing. Every figure is shown in the unit it was printed in:
as printed, its best estimate ± SD (two significant digits of the SD), and
the normalised adjustment (measured − estimate)/σ; every unprinted quantity
with ± SD, or ``unobservable``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from typing import Any

from ..release import ReleaseEstimate
from ._escape import (
    dumps_json,
    escape_markdown,
    escape_text,
    finite_or_none,
    finite_text,
)
from ._format import significant
from ._width import table_blocks, wrap_prose

__all__ = [
    "RELEASE_ESTIMATE_FORMATS",
    "release_estimate_dict",
    "render_release_estimate",
]

RELEASE_ESTIMATE_FORMATS = ("text", "markdown", "json", "csv")

_LARGEST = 3  #: normalised adjustments listed in the summary


def _decimals(sd: float) -> int:
    """Decimals that show two significant digits of ``sd`` (0 to 6)."""
    return significant((sd, sd), 2) if sd > 0 and math.isfinite(sd) else 2


def _pm(estimate: float, sd: float, unit: str) -> str:
    if math.isnan(estimate):
        return "unobservable"
    d = _decimals(sd)
    return (
        f"{finite_text(estimate, f',.{d}f', 'n/a')} ± "
        f"{finite_text(sd, f',.{d}f', 'n/a')} {unit}"
    )


def _fmt(value: float, spec: str = ".2f") -> str:
    return finite_text(value, spec)


def release_estimate_dict(result: ReleaseEstimate) -> dict[str, Any]:
    """The estimate as JSON-ready data (NaN and infinities become ``None``).

    Returns
    -------
    dict
        ``figures`` (id -> printed, unit, measured, rounding_sd, estimate, sd,
        normalised_adjustment, redundancy, test), ``derived`` (id -> unit,
        estimate, sd, observable), ``chi2``, ``dof``, ``p_value``,
        ``n_figures``, ``rank``, ``unobservable``, ``active``, ``rounding``,
        ``converged``, ``message``, ``release``.
    """
    return {
        "figures": {
            f.id: {
                "printed": f.text,
                "unit": f.unit,
                "measured": f.measured,
                "rounding_sd": f.rounding_sd,
                "estimate": f.estimate,
                "sd": f.sd,
                "normalised_adjustment": f.normalised,
                "redundancy": f.redundancy,
                "test": finite_or_none(f.test),
            }
            for f in result.figures
        },
        "derived": {
            d.id: {
                "unit": d.unit,
                "estimate": finite_or_none(d.estimate),
                "sd": finite_or_none(d.sd),
                "observable": d.observable,
            }
            for d in result.derived
        },
        "chi2": result.chi2,
        "dof": result.dof,
        "p_value": finite_or_none(result.p_value),
        "n_figures": result.n_figures,
        "rank": result.rank,
        "unobservable": list(result.unobservable),
        "active": list(result.active),
        "rounding": result.rounding,
        "converged": result.converged,
        "message": result.message,
        "release": {"issuer": result.issuer, "title": result.title},
    }


def _csv(result: ReleaseEstimate) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(
        [
            "kind",
            "id",
            "printed",
            "unit",
            "measured",
            "rounding_sd",
            "estimate",
            "sd",
            "normalised_adjustment",
            "redundancy",
            "test",
        ]
    )
    for f in result.figures:
        cells = [
            "figure",
            escape_text(f.id),
            escape_text(f.text),
            escape_text(f.unit),
            *(
                _fmt(v, ".10g")
                for v in (
                    f.measured,
                    f.rounding_sd,
                    f.estimate,
                    f.sd,
                    f.normalised,
                    f.redundancy,
                    f.test,
                )
            ),
        ]
        writer.writerow(cells)
    for d in result.derived:
        cells = ["derived", escape_text(d.id), "", escape_text(d.unit), "", ""]
        cells += [_fmt(d.estimate, ".10g"), _fmt(d.sd, ".10g"), "", "", ""]
        writer.writerow(cells)
    return buffer.getvalue().rstrip("\n")


def _grid(table: list[list[str]], markdown: bool, right: set[int]) -> list[str]:
    if markdown:
        lines = ["| " + " | ".join(r) + " |" for r in table]
        lines.insert(
            1,
            "|"
            + "".join("--:|" if i in right else "---|" for i in range(len(table[0]))),
        )
        return lines
    return table_blocks(table, right)


def _text(result: ReleaseEstimate, markdown: bool) -> str:
    esc: Callable[[object], str] = escape_markdown if markdown else escape_text
    h1, h2 = ("# ", "## ") if markdown else ("", "")
    title = " - ".join(esc(x) for x in (result.issuer, result.title) if x) or "release"
    lines = [f"{h1}massbalance reconcile --from-release: {title}", ""]
    lines.append(
        "Each printed figure is a measurement: the centre of its rounding interval "
        f"({result.rounding} rounding), SD = width/√12. Estimates satisfy every "
        "relation of the release; oz is the troy ounce."
    )
    lines.append("")
    lines.append(f"{h2}Figures" if markdown else "FIGURES")
    lines.append("")
    table = [["figure", "printed", "estimate ± SD", "adj/σ", "redund."]]
    for f in result.figures:
        normalised = (
            round(f.normalised, 2) + 0.0
            if math.isfinite(f.normalised)
            else f.normalised
        )
        table.append(
            [
                esc(f.id),
                esc(f.text),
                _pm(f.estimate, f.sd, esc(f.unit)),
                finite_text(normalised, "+.2f"),
                finite_text(f.redundancy, ".2f"),
            ]
        )
    lines += _grid(table, markdown, {3, 4})
    lines.append("")
    if result.derived:
        lines.append(
            f"{h2}Unprinted quantities" if markdown else "UNPRINTED QUANTITIES"
        )
        lines.append("")
        table = [["quantity", "estimate ± SD"]]
        for d in result.derived:
            table.append([esc(d.id), _pm(d.estimate, d.sd, esc(d.unit))])
        lines += _grid(table, markdown, set())
        lines.append("")
    lines.append(f"{h2}Global test" if markdown else "GLOBAL TEST")
    lines.append("")
    p = finite_text(result.p_value, ".3g", "n/a (no redundancy)")
    chi2 = finite_text(result.chi2, ".4g", "n/a")
    lines.append(
        f"chi2 = {chi2} on {result.dof} dof ({result.n_figures} figures, "
        f"{result.rank} identifiable variables), p = {p}."
    )
    worst = sorted(result.figures, key=lambda f: -abs(f.normalised))[:_LARGEST]
    if worst:
        lines.append(
            "Largest normalised adjustments: "
            + ", ".join(
                f"{esc(f.id)} {finite_text(f.normalised, '+.2f', 'n/a')}" for f in worst
            )
            + "."
        )
    if result.unobservable:
        lines.append(
            "Unobservable (the figures do not determine them; no value given): "
            + ", ".join(map(esc, result.unobservable))
            + "."
        )
    if result.active:
        lines.append(
            "Active at the solution (the SDs are first order only): "
            + ", ".join(map(esc, result.active))
            + "."
        )
    else:
        lines.append("No physical bound or structural inequality is active.")
    return "\n".join(lines if markdown else wrap_prose(lines))


def render_release_estimate(result: ReleaseEstimate, fmt: str = "text") -> str:
    """Render a release estimate.

    Parameters
    ----------
    result : ReleaseEstimate
        From :func:`massbalance.release.estimate_release`.
    fmt : {"text", "markdown", "json", "csv"}

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
        return dumps_json(release_estimate_dict(result), indent=2, ensure_ascii=False)
    if fmt == "csv":
        return _csv(result)
    if fmt in ("text", "markdown"):
        return _text(result, markdown=fmt == "markdown")
    raise ValueError(f"unknown format {fmt!r}; use one of {RELEASE_ESTIMATE_FORMATS}")
