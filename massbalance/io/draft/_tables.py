"""Rows -> tables: the header rows above the numbers, and what each column is."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ._periods import Column, parse_header
from ._sources import Row, is_nil, is_value

__all__ = ["Table", "find_tables"]

_PERIOD_TOKEN = re.compile(
    r"(?:[CF]?\d{4}\s*-\s*Q[1-4]|Q[1-4]\s*(?:FY\s*)?['’]?\s*(?:\d{4}|\d{2})|\d{4}\s*Q[1-4]|[1-4]Q\s*['’]?(?:\d{4}|\d{2})"
    r"|H[12]\s*['’]?\d{2,4}|\d{4}\s*H[12]|\d{1,2}[\s-]*(?:months?|mos?)\.?\s+\d{4}"
    r"|(?:FY|YTD)\s*['’]?\d{2,4}|\d{4}\s*(?:FY|YTD)|%\s*change|%\s*chg|change\s*%|variance|%\s*var"
    r"|(?<![\d,.])(?:19[5-9]\d|20\d\d)(?![\d,.%]))",
    re.I,
)
_YEAR_CELL = re.compile(r"^(?:19[5-9]\d|20\d\d)$")


@dataclass
class Table:
    """One table: its columns (parsed headers) and its body rows."""

    where: str
    columns: list[Column]
    body: list[Row]


def _header_cells(row: Row) -> list[str] | None:
    """The column headers a row holds, or None if it is not a header row."""
    cells = [c for c in row.cells if c]
    if cells and not any(
        (is_value(c) and not _YEAR_CELL.match(c)) or is_nil(c) for c in cells
    ):
        return list(row.cells)
    full = " ".join([row.label, *row.cells])
    tokens = _PERIOD_TOKEN.findall(full)
    rest = _PERIOD_TOKEN.sub(" ", full)
    if (len(tokens) >= 2 or (tokens and not rest.strip())) and (
        not re.search(r"\d", rest) and len(re.findall(r"[A-Za-z]+", rest)) <= 6
    ):
        first = _PERIOD_TOKEN.search(full)
        lead = full[: first.start()].strip() if first else ""
        cells = [" ".join(t.split()) for t in tokens]
        return [lead, *cells] if lead else cells
    return None


def _is_data(row: Row) -> bool:
    return (
        not row.blank
        and any(is_value(c) and not _YEAR_CELL.match(c) for c in row.cells)
        and _header_cells(row) is None
    )


def _is_section(row: Row) -> bool:
    return (
        not row.blank
        and bool(row.label)
        and not any(c for c in row.cells)
        and len(row.label) <= 80
    )


def _spread(cells: list[str], width: int) -> list[str]:
    """Align one header row to ``width`` columns (spans filled forward)."""
    if not cells:
        return [""] * width
    if len(cells) > width:
        cells = cells[:width] if not any(cells[width:]) else cells[-width:]
    filled = []
    last = ""
    for cell in cells:
        last = cell or last
        filled.append(last)
    if len(filled) == width:
        return filled
    nonempty = [c for c in cells if c]
    if nonempty and width % len(nonempty) == 0:
        per = width // len(nonempty)
        return [c for c in nonempty for _ in range(per)]
    return [""] * (width - len(filled)) + filled


def _columns(headers: list[list[str]], width: int) -> list[Column]:
    spread = [_spread(h, width) for h in headers]
    texts = [" ".join(h[j] for h in spread if h[j]) for j in range(width)]
    first = [parse_header(t) for t in texts]
    quarters = [c.end for c in first if c.kind == "period" and c.end and "Q" in c.id]
    latest = max(quarters) if quarters else None
    return [
        parse_header(
            t,
            ytd_end_month=latest.month if latest else None,
            ytd_year=latest.year if latest else None,
        )
        for t in texts
    ]


def find_tables(rows: list[Row], where: str) -> list[Table]:
    """The tables among ``rows``: runs of data rows with the header rows above them."""
    tables: list[Table] = []
    i, n = 0, len(rows)
    while i < n:
        if not _is_data(rows[i]):
            i += 1
            continue
        start = i
        # the body: data and section rows, across blank lines that lead to more data
        end = i
        j = i
        while j < n:
            row = rows[j]
            if _is_data(row):
                end = j
            elif row.blank or _is_section(row):
                k = j
                while k < n and (rows[k].blank or _is_section(rows[k])):
                    k += 1
                widths = Counter(len(r.cells) for r in rows[i:j] if _is_data(r))
                usual = widths.most_common(1)[0][0] if widths else 0
                if (
                    k < n
                    and _is_data(rows[k])
                    and (k - j) <= 6
                    and len(rows[k].cells) == usual
                ):
                    j = k
                    continue
                break
            else:
                break
            j += 1
        # section rows just above the first number belong to the body
        while (
            start > 0
            and _is_section(rows[start - 1])
            and _header_cells(rows[start - 1]) is None
        ):
            start -= 1
        headers: list[list[str]] = []
        k = start - 1
        skipped_blank = 0
        while k >= 0 and len(headers) < 5:
            row = rows[k]
            if row.blank:
                if headers or skipped_blank >= 2:
                    break
                skipped_blank += 1
                k -= 1
                continue
            if re.fullmatch(r"[-=_\s]+", row.label) and not any(row.cells):
                k -= 1
                continue
            cells = _header_cells(row)
            if cells is None:
                break
            headers.insert(0, cells)
            k -= 1
        body = rows[start : end + 1]
        widths = Counter(len(r.cells) for r in body if _is_data(r))
        width = max(
            (w for w, c in widths.items() if c == max(widths.values())), default=0
        )
        while width and all(
            not r.cells[width - 1]
            for r in body
            if len(r.cells) >= width and _is_data(r)
        ):
            width -= 1
        columns = _columns(headers, width)
        tables.append(Table(f"{where}, {body[0].where}", columns, body))
        i = end + 1
    return tables
