"""Text reports at most 100 columns wide: prose wrapped, wide tables split."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence

__all__ = ["WIDTH", "table_blocks", "wrap_prose"]

WIDTH = 100  #: the widest line of a text report [characters]

_TABLE_ROW = re.compile(r"\S {2,}\S")  # cells are set apart by two spaces or more
_BULLET = re.compile(r"^(\s*(?:[-*] |\d+\. )?)")


def wrap_prose(lines: Iterable[str], width: int = WIDTH) -> list[str]:
    """Wrap each line longer than ``width`` that is not a table row.

    A bullet's continuation lines are indented under its text.
    """
    out: list[str] = []
    for line in lines:
        if len(line) <= width or _TABLE_ROW.search(line.strip()):
            out.append(line)
            continue
        lead = _BULLET.match(line)
        prefix = lead.group(1) if lead else ""
        out += textwrap.wrap(
            line,
            width=width,
            subsequent_indent=" " * len(prefix),
            break_long_words=False,
            break_on_hyphens=False,
        )
    return out


def table_blocks(
    rows: Sequence[Sequence[str]],
    right: Iterable[int] = (),
    *,
    width: int = WIDTH,
    keep: int = 1,
) -> list[str]:
    """Lay out ``rows`` (the first is the header) as text, at most ``width`` wide.

    Columns are set apart by two spaces; the ``right`` ones are right-aligned.
    When the table is wider than ``width``, its columns are shown in blocks,
    one under the other, each repeating the first ``keep`` columns.
    """
    if not rows:
        return []
    aligned = set(right)
    n = len(rows[0])
    widths = [max(len(r[i]) for r in rows) for i in range(n)]
    blocks: list[list[int]] = []
    base = sum(widths[:keep]) + 2 * keep
    current: list[int] = []
    used = base
    for i in range(keep, n):
        if current and used + widths[i] + 2 > width:
            blocks.append(current)
            current, used = [], base
        current.append(i)
        used += widths[i] + 2
    blocks.append(current)
    out: list[str] = []
    for k, block in enumerate(blocks):
        if k:
            out.append("")
        columns = [*range(keep), *block]
        for row in rows:
            cells = [
                row[i].rjust(widths[i]) if i in aligned else row[i].ljust(widths[i])
                for i in columns
            ]
            out.append("  ".join(cells).rstrip())
    return out
