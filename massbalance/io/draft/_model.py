"""What a draft holds before it is written: periods, their figures, changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = ["Draft", "DraftChange", "DraftPeriod", "Entry", "Notes"]


@dataclass
class Entry:
    """One figure read from a table cell or a sentence.

    ``kind`` is ``mass``, ``grade``, ``recovery``, ``contained`` or
    ``throughput``; ``stream`` is the stream of a mass or grade; ``streams``
    the ``to``/``in`` list of a recovery or contained metal. ``value`` is
    ``None`` for a quantity declared without a printed figure.
    """

    period: str
    kind: str
    value: str | None
    source: str
    stream: str | None = None
    element: str | None = None
    streams: tuple[str, ...] = ()
    checks: list[str] = field(default_factory=list)
    also: list[tuple[str, str]] = field(default_factory=list)

    def key(self) -> tuple[str, str | None, str | None]:
        return (self.kind, self.stream, self.element)


@dataclass
class DraftPeriod:
    """One column of the table (or a period named only in the text)."""

    id: str
    start: dt.date | None
    end: dt.date | None
    source: str
    feed: str | None = None
    entries: list[Entry] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    def find(
        self, kind: str, element: str | None, stream: str | None = None
    ) -> Entry | None:
        for entry in self.entries:
            if (
                entry.kind == kind
                and entry.element == element
                and (stream is None or entry.stream == stream)
            ):
                return entry
        return None


@dataclass
class DraftChange:
    """A printed % change between two periods, of one figure."""

    entry_kind: str
    element: str | None
    stream: str | None
    from_period: str
    to_period: str
    value: str
    source: str
    checks: list[str] = field(default_factory=list)
    # other printings of the same change (text, sentence), as an entry's ``also``
    also: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Draft:
    """Everything read from one source, in the order it was read."""

    name: str
    kind: str
    periods: dict[str, DraftPeriod] = field(default_factory=dict)
    changes: list[DraftChange] = field(default_factory=list)
    totals: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    title: str = ""
    issuer: str = ""
    date: dt.date | None = None
    numbers: str = "1,234.5"
    # the operations the tables are about ("Mount Polley" of "Mount Polley
    # Mine Production"): a sentence's figures "from Mount Polley" are theirs
    operations: list[str] = field(default_factory=list)

    def add_period(
        self, pid: str, start: dt.date | None, end: dt.date | None, source: str
    ) -> DraftPeriod:
        """The period ``pid``, added (named by ``source``) if the draft lacks it."""
        period = self.periods.get(pid)
        if period is None:
            period = DraftPeriod(pid, start, end, source)
            self.periods[pid] = period
        return period


@dataclass(frozen=True)
class Notes:
    """What the drafter is not sure of, and what it did not read.

    Attributes
    ----------
    source : str
        The source's name (its path, or ``"<text>"``).
    kind : str
        How it was read: ``text``, ``html``, ``csv``, ``xlsx`` or ``pdf``.
    checks : tuple of str
        One line per uncertain reading (each is a ``# CHECK:`` line of the
        draft), naming the figure and the reason.
    unread : tuple of str
        Rows and sentences kept as comments, verbatim, because they were not
        understood.
    figures : int
        How many printed figures the draft holds.
    """

    source: str
    kind: str
    checks: tuple[str, ...]
    unread: tuple[str, ...]
    figures: int
