"""The screening table: text, markdown, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from ._screen import ScreenRow

__all__ = ["render_screen"]

_COLUMNS = ("file", "issuer", "date", "verdict", "disagreements", "explanation")


def render_screen(rows: Sequence[ScreenRow], fmt: str = "text") -> str:
    """One table over the screened files.

    Parameters
    ----------
    rows : sequence of ScreenRow
    fmt : {"text", "markdown", "csv", "json"}
    """
    dicts = [r.as_dict() for r in rows]
    if fmt == "json":
        return json.dumps({"files": dicts}, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=list(dicts[0]) if dicts else list(_COLUMNS)
        )
        writer.writeheader()
        writer.writerows(dicts)
        return out.getvalue()
    cells = [
        [
            r.file,
            r.issuer,
            r.date,
            r.verdict + (" (draft)" if r.drafted else ""),
            str(r.disagreements),
            r.explanation or r.error,
        ]
        for r in rows
    ]
    head = [
        "file",
        "issuer",
        "date",
        "verdict",
        "disagreements",
        "cheapest explanation",
    ]
    if fmt == "markdown":
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += [
            "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
            for row in cells
        ]
        return "\n".join(lines) + "\n"
    widths = [max(len(h), *(len(row[k]) for row in cells)) for k, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    lines.append("")
    lines.append(
        f"{len(rows)} files: "
        + ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    )
    return "\n".join(lines) + "\n"
