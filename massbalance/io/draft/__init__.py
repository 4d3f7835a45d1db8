"""Draft a release file from a release as published.

:func:`draft_release` reads a production release as it was published (plain
text copied from a PDF or a web page, HTML, CSV, XLSX or PDF), finds its
production tables and the production, throughput and change statements of
its text, and writes a release file in the format ``massbalance check``
reads: every figure exactly as printed, each with a comment naming the table
row and column or the sentence it came from, ``# CHECK:`` before every
reading that was assumed, and every row or sentence it did not understand
kept verbatim as a comment.

The mapping from labels to the model is the vocabulary in ``labels.toml``
(this package); a file of the same layout adds phrases (``labels=``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ...release import Release
from ..release import loads_release
from ._labels import Vocabulary, load_vocabulary
from ._model import Draft, Notes
from ._periods import parse_header
from ._prose import read_prose
from ._rows import read_table
from ._screen import ScreenRow, load_any, screen, screen_many
from ._sources import Document, NoTableError, load_document
from ._tables import find_tables
from ._writer import write_draft

__all__ = [
    "DraftText",
    "NoTableError",
    "Notes",
    "ScreenRow",
    "draft_release",
    "draft_text",
    "load_any",
    "load_vocabulary",
    "loads_release",
    "parse_header",
    "screen",
    "screen_many",
]


@dataclass(frozen=True)
class DraftText:
    """A drafted release file: its TOML text and the notes on it."""

    toml: str
    notes: Notes


_DATE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"(?:uary|ruary|ch|il|e|y|ust|t|tember|ober|ember)?\.?"
    r"\s+(\d{1,2}),\s+(\d{4})"
)
_MONTH_NO = {
    m: i
    for i, m in enumerate(
        [
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ],
        start=1,
    )
}
_ISSUER = re.compile(
    r"\b((?:[A-Z][\w&'.-]*\s+){1,5}?(?:Corp\.|Corporation|Inc\.|Ltd\.?|Limited|PLC|plc|Mining|Resources|Metals|Minerals|Gold|Silver)(?:\s+(?:Corp\.|Inc\.|Ltd\.?|Limited|Corporation|PLC))?)"
)


def _metadata(doc: Document, draft: Draft) -> None:
    text = doc.text if doc.kind in ("text", "pdf") else " \n".join(doc.prose)
    head = text[:6000]
    m = _DATE.search(head)
    if m:
        draft.date = dt.date(int(m.group(3)), _MONTH_NO[m.group(1)], int(m.group(2)))
    for line in head.splitlines() if doc.kind in ("text", "pdf") else doc.prose[:20]:
        line = line.strip()
        if (
            15 <= len(line) <= 160
            and re.search(
                r"\b(?:reports?|announces?|production|results?)\b", line, re.I
            )
            and not line.endswith(".")
        ):
            draft.title = re.sub(r"<[^>]+>", "", line)
            break
    window = head[m.end() : m.end() + 300] if m else head
    found = _ISSUER.search(window) or _ISSUER.search(head)
    if found:
        draft.issuer = " ".join(found.group(1).split())


def _draft(source: str | Path, vocab: Vocabulary) -> tuple[DraftText, Document]:
    doc = load_document(source)
    draft = Draft(doc.name, doc.kind)
    read = 0
    for t, rows in enumerate(doc.tables, start=1):
        where = doc.name if len(doc.tables) == 1 else f"{doc.name} table {t}"
        for table in find_tables(rows, where):
            read += read_table(table, vocab, draft, first_table=read == 0)
    if read == 0:
        raise NoTableError(f"no production table found in {doc.name}", doc.name, None)
    draft.numbers = _number_format(draft)
    draft.operations = _operations(doc)
    read_prose(doc.prose, vocab, draft)
    _metadata(doc, draft)
    _totals(draft)
    text, checks, figures = write_draft(draft)
    notes = Notes(doc.name, doc.kind, tuple(checks), tuple(draft.unread), figures)
    return DraftText(text, notes), doc


_DECIMAL_COMMA = re.compile(r"\d,(?:\d{1,2}|\d{4,})(?!\d)")
_DECIMAL_POINT = re.compile(r"\d\.(?:\d{1,2}|\d{4,})(?!\d)")


def _number_format(draft: Draft) -> str:
    """``"1.234,5"`` when the table's figures print decimal commas and no decimal point."""
    cells = [e.value or "" for p in draft.periods.values() for e in p.entries]
    cells += [c.value for c in draft.changes]
    comma = any(_DECIMAL_COMMA.search(c) for c in cells)
    point = any(_DECIMAL_POINT.search(c) for c in cells)
    return "1.234,5" if comma and not point else "1,234.5"


_OPERATION = re.compile(
    r"^((?:[A-Z][\w'’-]*\s+){0,3}[A-Z][\w'’-]*)\s+(?:Mine|Mines|Operations?|Mill)\b"
)


def _operations(doc: Document) -> list[str]:
    """Names of the mines the tables are headed by ("Mount Polley Mine Production")."""
    names: list[str] = []
    for rows in doc.tables:
        for row in rows[:5]:
            m = _OPERATION.match(row.label.strip())
            if m and m.group(1) not in names:
                names.append(m.group(1))
    return names


def _totals(draft: Draft) -> None:
    """A year-to-date or full-year column whose quarters are all printed adds them up."""
    quarters = {
        p.id: p for p in draft.periods.values() if re.fullmatch(r"\d{4}Q[1-4]", p.id)
    }
    for period in draft.periods.values():
        if period.id in quarters or not (period.start and period.end):
            continue
        parts = [
            q.id
            for q in quarters.values()
            if q.start and q.end and period.start <= q.start and q.end <= period.end
        ]
        months = (
            (period.end.year - period.start.year) * 12
            + period.end.month
            - period.start.month
            + 1
        )
        if parts and len(parts) * 3 == months:
            draft.totals.append((period.id, tuple(sorted(parts))))


def draft_text(source: str | Path, *, labels: str | Path | None = None) -> DraftText:
    """Draft the release file of ``source``; return its TOML text and notes.

    Parameters
    ----------
    source : str or Path
        A path to the release as published, or its text.
    labels : str or Path, optional
        A label file adding phrases to the vocabulary (``labels.toml``'s layout).

    Raises
    ------
    NoTableError
        If no production table with a recognisable row is found.
    InputError
        If the source cannot be read (empty, binary, missing).
    """
    return _draft(source, load_vocabulary(labels))[0]


def draft_release(
    source: str | Path, *, labels: str | Path | None = None
) -> tuple[Release, Notes]:
    """Draft ``source`` and read the draft back as a :class:`Release`.

    The draft is read by :func:`massbalance.io.loads_release`, so it is
    validated exactly like a file written by hand.

    Parameters
    ----------
    source : str or Path
        A path to the release as published, or its text.
    labels : str or Path, optional
        A label file adding phrases to the vocabulary.

    Returns
    -------
    (Release, Notes)
        The release and the notes: the ``CHECK`` readings and the rows and
        sentences not read.

    Examples
    --------
    >>> release, notes = draft_release("alexco-2012-q1.txt")  # doctest: +SKIP
    >>> sorted(release.periods)  # doctest: +SKIP
    ['2011Q1', '2011Q4', '2012Q1']
    """
    drafted = draft_text(source, labels=labels)
    name = drafted.notes.source
    return loads_release(drafted.toml, path=f"draft of {name}"), drafted.notes
