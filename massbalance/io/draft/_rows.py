"""Table rows -> figures: the label vocabulary applied to each row in its section."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._labels import Vocabulary, normalise
from ._model import Draft, DraftChange, DraftPeriod, Entry
from ._sources import Row, is_nil, is_value
from ._tables import Table

__all__ = ["read_table"]

_CELL_FOOTNOTE = re.compile(r"\s*(?:\(\d\)|\*+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)$")
_MASS_OF_METAL = {"oz", "koz", "Moz", "lb", "klb", "Mlb", "kg", "g"}
_GRADE_UNITS = {"g/t", "opt", "ppm"}
_MASS_UNITS = {"t", "kt", "Mt", "st"}
_MONEY = re.compile(
    r"\bprice|\bcost|\brevenue|\$|\bUSD\b|\bUS\$|\bC\$|\bper (?:ounce|pound|oz|lb)\b",
    re.I,
)
_TONS = re.compile(r"\btons?\b", re.I)
# an owner's share of the figures ("attributable", "Participación de X – 75%")
# is not the operation's production: kept as comments
_SHARE = re.compile(r"\battributable\b|\bparticipaci[oó]n\b|\bshare\b", re.I)
# metal-equivalent rows ("Silver equivalent ounces", "AgEq (oz)", "Ag eq oz")
# are not the metal itself: kept as comments
_EQUIVALENT = re.compile(
    r"equivalent|äquivalent|equivalente|\b(?:ag|au|cu|zn)[ -]?eq\b", re.I
)


@dataclass
class _Context:
    stream: str | None = None
    kind: str | None = None
    element: str | None = None  # a section headed by a metal ("Silver", "Gold")


def _metal_words(vocab: Vocabulary, label: str) -> str:
    """The words of ``label`` that name metals (the whole label for "Silver")."""
    return " ".join(label[s:e] for _, _, s, e in vocab.elements.find(label))


def _unit(vocab: Vocabulary, text: str) -> str | None:
    """The unit a label names: in parentheses first, else anywhere."""
    for inner in reversed(re.findall(r"\(([^()]*)\)", text)):
        unit = vocab.units.first(inner.strip())
        if unit:
            return unit
    return vocab.units.first(text)


def _cell_unit(cell: str) -> str | None:
    return "%" if "%" in cell else None


def _reading(
    vocab: Vocabulary, label: str, ctx: _Context, percent: bool = False
) -> tuple[str | None, str | None, str | None, str | None, list[str]]:
    """(kind, stream, element, unit, doubts) of a data row's label."""
    doubts: list[str] = []
    stream_hits = vocab.streams.find(label)
    stream = max(stream_hits, key=lambda h: len(h[1]))[0] if stream_hits else None
    spans = [(s, e) for _, _, s, e in stream_hits]
    elements = [
        el
        for el, _, s, e in vocab.elements.find(label)
        if not any(a <= s and e <= b for a, b in spans)
    ]
    element = elements[0] if elements else ctx.element
    unit = _unit(vocab, label) or ("%" if percent else None)
    own_kind = vocab.kinds.first(label)
    kind = own_kind or ctx.kind
    if stream is None and own_kind in (None, "grade", "mass") and ctx.stream:
        stream = ctx.stream
    if (own_kind is None and ctx.kind is None) or (
        kind == "contained" and unit in _GRADE_UNITS
    ):
        if unit in _MASS_OF_METAL and element:
            kind = "contained"
        elif (unit in _GRADE_UNITS and element) or (unit == "%" and element and stream):
            kind = "grade"
        elif unit in _MASS_UNITS or (unit is None and element is None and stream):
            kind = "mass"
    if kind == "grade" and element is None:
        kind = "mass" if unit in _MASS_UNITS else kind
    if kind == "mass" and element is not None and unit in _MASS_OF_METAL:
        kind = "contained"
    if (
        kind == "contained"
        and element is None
        and stream is not None
        and unit in (*_MASS_UNITS, None)
    ):
        kind = "mass"
    if stream_hits and element is None and unit in _MASS_UNITS and own_kind is None:
        kind = "mass"  # "Ore tonnes processed" is a mass in any section
    if kind == "throughput":
        unit = unit if unit not in _MASS_UNITS else "tpd"
    elif unit is not None and unit not in ("%",):
        for inner in reversed(re.findall(r"\(([^()]*)\)", label)):
            scale = vocab.scales.first(inner.strip())
            if scale:
                unit = f"{scale} {unit}"
                break
    if kind == "grade" and stream is None:
        doubts.append(
            "the stream this grade belongs to is not named; read as the mill feed"
        )
    return kind, stream, element, unit, doubts


def _clean(cell: str) -> str:
    cell = _CELL_FOOTNOTE.sub("", cell.strip())
    return cell.replace("$", "").replace("US", "").strip()


def _default_streams(
    vocab: Vocabulary,
    element: str,
    named: str | None,
    period: DraftPeriod,
    concs: list[str],
) -> tuple[tuple[str, ...], str | None]:
    if named and named not in vocab.feeds:
        return (named,), None
    own = vocab.concentrate_of.get(element)
    if own and own in concs:
        return (own,), None
    if concs:
        why = (
            None
            if len(concs) > 1 or own is None
            else f"{element} read as recovered to {concs[0]}"
        )
        return tuple(concs), why
    return ("conc",), f"no concentrate is named; {element} is put in a stream 'conc'"


def read_table(
    table: Table, vocab: Vocabulary, draft: Draft, *, first_table: bool
) -> int:
    """Add the figures of ``table`` to ``draft``; return how many were read."""
    periods: list[tuple[int, DraftPeriod]] = []
    changes: list[tuple[int, str, str]] = []
    cols = table.columns
    for j, col in enumerate(cols):
        if col.kind == "period":
            period = draft.periods.get(col.id)
            if period is None:
                period = DraftPeriod(
                    col.id, col.start, col.end, f'column "{col.header}"'
                )
                if not col.sure:
                    period.checks.append(
                        f'period {col.id}: its length is assumed from the header "{col.header}"'
                    )
                draft.periods[col.id] = period
            periods.append((j, period))
        elif col.kind == "change":
            before = [(k, c) for k, c in enumerate(cols[:j]) if c.kind == "period"]
            if len(before) >= 2:
                (_, a), (_, b) = before[-2], before[-1]
                if a.end and b.end and a.end < b.end:
                    a, b = b, a
                changes.append((j, b.id, a.id))
    if not periods:
        headers = "; ".join(c.header for c in cols if c.header) or "none"
        draft.unread.append(
            f"{table.where}: no period in the column headers ({headers})"
        )
        for row in table.body:
            draft.unread.append(_verbatim(row))
        return 0
    # pass 1: stream names in order (for the default to/in lists)
    concs: list[str] = []
    ctx = _Context()
    readings: list[
        tuple[Row, tuple[str | None, str | None, str | None, str | None, list[str]]]
    ] = []
    for row in table.body:
        label = normalise(row.label)
        if row.blank:
            continue
        if not any(c for c in row.cells):
            named = {s for s, *_ in vocab.streams.find(label)}
            stream = vocab.streams.first(label) if len(named) == 1 else None
            kind = vocab.kinds.first(label)
            metal = vocab.elements.first(label)
            if stream or kind:
                if stream:
                    ctx = _Context(stream, kind)
                else:
                    ctx = _Context(ctx.stream if kind == "grade" else None, kind)
            elif metal and label == _metal_words(vocab, label):
                ctx = _Context(element=metal)
            else:
                ctx = _Context()
                draft.unread.append(
                    f"{row.where}: section {row.label!r} not recognised"
                )
            continue
        percent = any("%" in c for c in row.cells)
        reading = _reading(vocab, label, ctx, percent)
        readings.append((row, reading))
        kind, stream = reading[0], reading[1]
        if (
            kind in ("mass", "grade")
            and stream
            and stream not in vocab.feeds
            and (stream in vocab.concentrate_of.values() or stream == "dore")
        ) and stream not in concs:
            concs.append(stream)
        if (
            kind in ("recovery", "contained")
            and stream
            and stream not in concs
            and stream in vocab.concentrate_of.values()
        ):
            concs.append(stream)
    read = 0
    feeds = [
        s for _, (k, s, *_r) in readings if k in ("mass", "grade") and s in vocab.feeds
    ]
    for row, (kind, stream, element, unit, doubts) in readings:
        if (
            _MONEY.search(row.label)
            or _EQUIVALENT.search(row.label)
            or _SHARE.search(row.label)
        ) or (unit is None and _TONS.search(row.label) and kind == "mass"):
            # prices and costs are not production; "tons" may be short tons
            # or tonnes: both are kept as comments, for a pin in [release.units]
            draft.unread.append(_verbatim(row))
            continue
        if (
            kind is None
            or (kind in ("grade", "recovery", "contained") and element is None)
            or (kind == "mass" and stream is None)
        ):
            draft.unread.append(_verbatim(row))
            continue
        if kind == "grade" and stream is None:
            stream = feeds[0] if feeds else "feed"
        for j, period in periods:
            if j >= len(row.cells):
                continue
            cell = _clean(row.cells[j])
            if not cell or is_nil(cell):
                continue
            if not is_value(cell):
                draft.unread.append(_verbatim(row))
                break
            entry_unit = _cell_unit(cell) or unit
            assumed = None
            if entry_unit is None:
                entry_unit = {"recovery": "%", "mass": "t"}.get(kind)
                if kind == "mass":
                    assumed = "no unit printed for this mass; read as tonnes"
            source = f'{row.where} "{row.label}", column "{cols[j].header}"'
            entry = Entry(
                period.id,
                kind,
                cell
                if _cell_unit(cell)
                else f"{cell} {entry_unit}"
                if entry_unit
                else cell,
                source,
                stream=stream if kind in ("mass", "grade") else None,
                element=element if kind != "mass" else None,
            )
            entry.checks.extend(doubts)
            if assumed:
                entry.checks.append(assumed)
            if entry_unit is None:
                entry.checks.append("no unit printed in the row or its cell")
            if kind in ("recovery", "contained") and element is not None:
                entry.streams, why = _default_streams(
                    vocab, element, stream, period, concs
                )
                if why:
                    entry.checks.append(why)
            if kind == "mass" and stream in vocab.feeds and period.feed is None:
                period.feed = stream
            if kind == "throughput":
                entry.stream = None
                entry.element = None
            existing = period.find(entry.kind, entry.element, entry.stream)
            if existing is not None and existing.streams == entry.streams:
                draft.unread.append(
                    f"{source}: {cell} (a second figure for {period.id} {kind} "
                    f"{element or stream or ''}; not entered)"
                )
                continue
            period.entries.append(entry)
            read += 1
        for j, from_id, to_id in changes:
            if j < len(row.cells) and is_value(_clean(row.cells[j])):
                value = _clean(row.cells[j])
                value = value if "%" in value else value + "%"
                draft.changes.append(
                    DraftChange(
                        kind,
                        element if kind != "mass" else None,
                        stream if kind in ("mass", "grade") else None,
                        from_id,
                        to_id,
                        value,
                        f'{row.where} "{row.label}", column "{cols[j].header}"',
                        [
                            f'the change column "{cols[j].header}" is read as {from_id} to {to_id}'
                        ],
                    )
                )
                read += 1
    if first_table and not read:
        return 0
    return read


def _verbatim(row: Row) -> str:
    cells = " | ".join(c for c in row.cells)
    return (
        f"{row.where}: {row.label} | {cells}" if cells else f"{row.where}: {row.label}"
    )
