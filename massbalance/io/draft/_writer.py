"""A draft -> release TOML, each figure with a comment naming where it came from."""

from __future__ import annotations

import json
from collections.abc import Iterable

from ...errors import MassBalanceError
from ...units import parse_printed
from ._model import Draft, DraftChange, DraftPeriod, Entry

__all__ = ["write_draft"]


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _c(text: str) -> str:
    return " ".join(text.split())


DEFAULT_NUMBERS = "1,234.5"


def _readable(text: str, numbers: str = DEFAULT_NUMBERS) -> str | None:
    """Why ``text`` cannot be read as a printed figure, or None if it can.

    ``numbers`` is the release's number format (``"1.234,5"`` for a table
    that groups thousands with points), the reader's ``[release] numbers``.
    """
    try:
        parse_printed(text, numbers=numbers)
    except MassBalanceError as err:
        return err.message
    return None


class _Writer:
    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.lines: list[str] = []
        self.checks: list[str] = []
        self.figures = 0

    def check(self, where: str, reason: str) -> None:
        self.lines.append(f"# CHECK: {_c(reason)}")
        self.checks.append(f"{where}: {_c(reason)}")

    def figure(
        self, where: str, key: str, entry: Entry, extra: str = "", item: bool = False
    ) -> None:
        """One ``key = ...`` line for ``entry`` (an array item if ``item``)."""
        for reason in entry.checks:
            self.check(where, reason)
        for _, source in entry.also:
            self.lines.append(f"# also printed in the text: {_c(source)}")
        also = [text for text, _ in entry.also]
        values = [v for v in (entry.value, *also) if v is not None]
        bad = [(v, why) for v in values if (why := _readable(v, self.draft.numbers))]
        lead = "  " if item else f"{key} = "
        tail = "," if item else ""
        if bad:
            for v, why in bad:
                self.check(
                    where, f"{v!r} is not in a form the format reads yet ({why})"
                )
            self.lines.append(f"# {lead}{_q(entry.value or '')}  # {_c(entry.source)}")
            return
        self.figures += len(values)
        if entry.value is None:
            self.lines.append(
                f"{lead}{{ {extra} }}{tail}  # not printed: declared for a change"
            )
            return
        if not also and not extra and not item:
            self.lines.append(f"{lead}{_q(entry.value)}  # {_c(entry.source)}")
            return
        parts = [f"value = {_q(entry.value)}"]
        if extra:
            parts.append(extra)
        if also:
            parts.append("also = [" + ", ".join(_q(a) for a in also) + "]")
        self.lines.append(f"{lead}{{ {', '.join(parts)} }}{tail}  # {_c(entry.source)}")

    # ---------------------------------------------------------------- parts
    def head(self) -> None:
        d = self.draft
        self.lines += [
            f"# Drafted by `massbalance draft` from {d.name} (read as {d.kind}).",
            "# Every figure is as printed; the comment on each line names the table row",
            "# and column or the sentence it came from. Read every CHECK line before",
            "# trusting a check of this file.",
            "",
            "[release]",
        ]
        if not d.issuer:
            self.check("release.issuer", "the issuer was not found; fill it in")
        self.lines.append(f"issuer = {_q(d.issuer)}")
        self.lines.append(f"title = {_q(d.title)}")
        if d.date is not None:
            self.lines.append(f"date = {d.date.isoformat()}")
        else:
            self.check(
                "release.date", "the release date was not found; add date = YYYY-MM-DD"
            )
        self.lines.append(f"source = {_q('draft of ' + d.name)}")
        self.lines.append('rounding = "nearest"')
        if d.numbers != DEFAULT_NUMBERS:
            self.check(
                "release.numbers",
                f'the table prints decimal commas; its numbers are read as "{d.numbers}"',
            )
            self.lines.append(f"numbers = {_q(d.numbers)}")

    def period(self, period: DraftPeriod, declared: dict[str, list[Entry]]) -> None:
        pid = period.id
        self.lines += [
            "",
            f"# {'-' * 60} {pid} ---",
            f"# {_c(period.source)}",
            f"[periods.{pid}]",
        ]
        for reason in period.checks:
            self.check(pid, reason)
        if period.start and period.end:
            self.lines += [
                f"start = {period.start.isoformat()}",
                f"end = {period.end.isoformat()}",
            ]
        if period.feed:
            self.lines.append(f"feed = {_q(period.feed)}")
        throughput = period.find("throughput", None)
        if throughput is not None:
            self.figure(f"{pid}.throughput", "throughput", throughput)
        streams: list[str] = []
        for entry in period.entries:
            if (
                entry.kind in ("mass", "grade")
                and entry.stream
                and entry.stream not in streams
            ):
                streams.append(entry.stream)
        for entry in [*period.entries, *declared.get(pid, [])]:
            for s in entry.streams:
                if s not in streams:
                    streams.append(s)
        for stream in streams:
            self.lines += ["", f"[periods.{pid}.streams.{stream}]"]
            for entry in period.entries:
                if entry.stream != stream:
                    continue
                if entry.kind == "mass":
                    self.figure(f"{pid}.mass.{stream}", "mass", entry)
                elif entry.kind == "grade" and entry.element:
                    self.figure(
                        f"{pid}.grade.{stream}.{entry.element}", entry.element, entry
                    )
        for kind, key in (("recovery", "to"), ("contained", "in")):
            entries = [
                e for e in [*period.entries, *declared.get(pid, [])] if e.kind == kind
            ]
            if not entries:
                continue
            self.lines += ["", f"[periods.{pid}.{kind}]"]
            for element in dict.fromkeys(e.element for e in entries):
                group = [e for e in entries if e.element == element]
                if len(group) > 1:
                    self.lines.append(f"{element} = [")
                    for e in group:
                        fid = f"{pid}.{kind}.{element}.{'+'.join(e.streams)}"
                        self.figure(
                            fid,
                            "",
                            e,
                            extra=f"{key} = {json.dumps(list(e.streams))}",
                            item=True,
                        )
                    self.lines.append("]")
                else:
                    e = group[0]
                    self.figure(
                        f"{pid}.{kind}.{element}",
                        str(element),
                        e,
                        extra=f"{key} = {json.dumps(list(e.streams))}",
                    )

    def change(self, change: DraftChange, figure: str) -> None:
        self.lines.append("")
        self.lines.append(f"# {_c(change.source)}")
        where = f"change.{figure}.{change.from_period}-{change.to_period}"
        for reason in change.checks:
            self.check(where, reason)
        for _, source in change.also:
            self.lines.append(f"# also printed in the text: {_c(source)}")
        values = [change.value, *(text for text, _ in change.also)]
        bad = [(v, why) for v in values if (why := _readable(v, self.draft.numbers))]
        prefix = ""
        for v, why in bad:
            self.check(where, f"{v!r} cannot be read ({why})")
            prefix = "# "
        if not bad:
            self.figures += len(values)
        self.lines += [
            f"{prefix}[[changes]]",
            f"{prefix}figure = {_q(figure)}",
            f"{prefix}from = {_q(change.from_period)}",
            f"{prefix}to = {_q(change.to_period)}",
            f"{prefix}value = {_q(change.value)}",
        ]
        if len(values) > 1:
            also = ", ".join(_q(v) for v in values[1:])
            self.lines.append(f"{prefix}also = [{also}]")

    def unread(self, items: Iterable[str]) -> None:
        items = list(items)
        if not items:
            return
        self.lines += ["", f"# {'-' * 44} not read (kept verbatim) ---"]
        for item in items:
            self.lines.append(f"# {_c(item)}")


def _change_figure(
    draft: Draft, change: DraftChange, declared: dict[str, list[Entry]]
) -> str | None:
    """The figure id (without period) a change refers to; declares it where unprinted."""
    kind, el, stream = change.entry_kind, change.element, change.stream
    if kind == "throughput":
        ok = all(
            draft.periods[p].find("throughput", None) is not None
            for p in (change.from_period, change.to_period)
        )
        return "throughput" if ok else None
    if kind == "mass":
        return f"mass.{stream}"
    if kind == "grade":
        return f"grade.{stream}.{el}"
    figure = f"{kind}.{el}"
    ref_streams: tuple[str, ...] | None = None
    for pid in (change.to_period, change.from_period):
        entry = draft.periods[pid].find(kind, el)
        if entry is not None:
            ref_streams = entry.streams
            group = [
                e
                for e in draft.periods[pid].entries
                if e.kind == kind and e.element == el
            ]
            if len(group) > 1:
                figure = f"{kind}.{el}.{'+'.join(entry.streams)}"
            break
    if ref_streams is None:
        return None
    for pid in (change.to_period, change.from_period):
        if draft.periods[pid].find(kind, el) is None:
            declared.setdefault(pid, []).append(
                Entry(pid, kind, None, "declared", element=el, streams=ref_streams)
            )
    return figure


def write_draft(draft: Draft) -> tuple[str, list[str], int]:
    """The release TOML of ``draft``, its CHECK lines and its figure count."""
    w = _Writer(draft)
    w.head()
    declared: dict[str, list[Entry]] = {}
    figures = []
    for change in draft.changes:
        figures.append(_change_figure(draft, change, declared))
    for period in draft.periods.values():
        w.period(period, declared)
    if draft.totals:
        for total, parts in draft.totals:
            w.lines += [
                "",
                "[[totals]]",
                f"total = {_q(total)}",
                f"parts = {json.dumps(list(parts))}",
            ]
    if draft.changes:
        w.lines += ["", f"# {'-' * 50} changes ---"]
    for change, figure in zip(draft.changes, figures, strict=True):
        if figure is None:
            draft.unread.append(
                f"{change.source}: a change of {change.value} in {change.entry_kind} "
                f"{change.element or ''} from {change.from_period} to {change.to_period}, "
                "of a figure neither period prints"
            )
            continue
        w.change(change, figure)
    w.unread(draft.unread)
    return "\n".join(w.lines) + "\n", w.checks, w.figures
