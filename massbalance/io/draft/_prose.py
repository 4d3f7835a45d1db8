"""Sentences -> figures: production, throughput and % changes stated in the text."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ._labels import Vocabulary
from ._model import Draft, DraftChange, DraftPeriod, Entry
from ._periods import Column, _month_end, _months_back, period_between, quarter
from ._prose_es import is_spanish, read_sentence_es

__all__ = ["current_period", "read_prose"]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s+(?:million|thousand))?"
_METAL_UNIT = (
    r"(?:troy\s+ounces|ounces|oz|pounds|lbs|lb|koz|moz|mlbs|mlb|tonnes|kilograms|kg)"
)
_AMOUNT = re.compile(rf"(?<![\w.,])({_NUM}){_SCALE}\s+{_METAL_UNIT}\b", re.I)
_RATE = re.compile(
    rf"(?<![\w.,])({_NUM})\s*(tonnes per day|tonnes/day|tpd|t/d)(\s*\((?:tpd|t/d)\))?",
    re.I,
)
_PERCENT = re.compile(rf"(?<![\w.,])({_NUM})\s?%")
_GUIDANCE = re.compile(
    r"\b(?:expect\w*|guidance|forecast\w*|outlook|anticipat\w*|target\w*|plan(?:s|ned)?|budget\w*|will|goal|aim\w*|historical\w*|between\s+\d{4}\s+and\s+\d{4})\b",
    re.I,
)
_UP = re.compile(
    r"\b(?:increase[sd]?|rise|rose|higher|improve\w*|up|grew|growth|above)\b", re.I
)
_DOWN = re.compile(
    r"\b(?:decrease[sd]?|decline[sd]?|fell|lower|down|reduc\w*|drop\w*|below)\b",
    re.I,
)
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_ABBREV = re.compile(
    r"\b(?:Mar|Jan|Feb|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Inc|Corp|Ltd|No|approx|e\.g|i\.e)\.$"
)


_MONTH_OF = {
    m: i
    for i, m in enumerate(
        [
            "jan",
            "feb",
            "mar",
            "apr",
            "may",
            "jun",
            "jul",
            "aug",
            "sep",
            "oct",
            "nov",
            "dec",
        ],
        start=1,
    )
}
_YEAR_ENDED = re.compile(
    r"\byears?\s+ended\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"\s+(\d{1,2}),?\s+(\d{4})"
)


def _months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def current_period(draft: Draft) -> DraftPeriod | None:
    """The period the release is about: the latest-ending, shortest column."""
    dated = [p for p in draft.periods.values() if p.end and p.start]
    if not dated:
        return None
    return max(dated, key=lambda p: (p.end, p.start))


def _resolve(text: str, current: DraftPeriod | None) -> Column | None:
    """The period a phrase names, relative to the release's current period."""
    t = text.lower()
    cur_q = cur_y = None
    if current is not None and current.end is not None:
        cur_y, cur_q = current.end.year, (current.end.month + 2) // 3
    m = re.search(
        r"\b(first|second|third|fourth)\s+quarter(?:\s+of)?\s+(?:calendar\s+|fiscal\s+)?(\d{4})",
        t,
    )
    if m:
        return quarter(int(m.group(2)), _ORD[m.group(1)])
    m = re.search(r"\bq([1-4])\s*(\d{4})\b", t)
    if m:
        return quarter(int(m.group(2)), int(m.group(1)))
    m = _YEAR_ENDED.search(t)
    if m:
        end = _month_end(int(m.group(3)), _MONTH_OF[m.group(1)[:3]])
        return period_between(_months_back(end, 12), end, m.group(0), True)
    if cur_y is None or cur_q is None or current is None:
        return None
    # "above the prior year's production", said of a year
    if (
        current.start
        and current.end
        and _months(current.start, current.end) == 12
        and re.search(r"\b(?:prior|previous|preceding|last)\s+year\b", t)
    ):
        end = _month_end(current.end.year - 1, current.end.month)
        return period_between(_months_back(end, 12), end, "prior year", True)
    m = re.search(
        r"\bfirst\s+(three|six|nine|3|6|9)\s+months\s+of\s+(?:the\s+year|(\d{4}))", t
    )
    if m:
        months = {"three": 3, "six": 6, "nine": 9}.get(m.group(1)) or int(m.group(1))
        year = int(m.group(2)) if m.group(2) else cur_y
        return period_between(
            dt.date(year, 1, 1), _month_end(year, months), m.group(0), True
        )
    m = re.search(r"\bfirst\s+(two|three)\s+quarters\b", t)
    if m:
        months = 6 if m.group(1) == "two" else 9
        return period_between(
            dt.date(cur_y, 1, 1), _month_end(cur_y, months), m.group(0), True
        )
    m = re.search(r"\b(first|second|third|fourth)\s+quarter\b(?!\s+of)", t)
    if m and re.search(r"\bthe\s+(?:first|second|third|fourth)\s+quarter", t):
        return quarter(cur_y, _ORD[m.group(1)])
    m = re.search(
        r"\b(first|second|third|fourth)\s+quarter\s+of\s+(?:last|the\s+prior|the\s+previous)\s+year",
        t,
    )
    if m:
        return quarter(cur_y - 1, _ORD[m.group(1)])
    m = re.search(
        r"\b(?:same|corresponding|comparable)\s+(?:period|quarter)\s+(?:in|of)\s+(?:calendar\s+|fiscal\s+)?(\d{4})",
        t,
    )
    if m:
        return quarter(int(m.group(1)), cur_q)
    if re.search(
        r"\b(?:same|corresponding|comparable)\s+(?:period|quarter)\s+(?:of\s+|in\s+)?(?:last\s+year|the\s+prior\s+year|the\s+previous\s+year|a\s+year\s+(?:ago|earlier))",
        t,
    ):
        return quarter(cur_y - 1, cur_q)
    if re.search(r"\b(?:prior|previous|preceding|last|sequential)\s+quarter\b", t):
        q, y = (cur_q - 1, cur_y) if cur_q > 1 else (4, cur_y - 1)
        return quarter(y, q)
    if re.search(r"\b(?:the|this|current)\s+quarter\b", t) and current is not None:
        return Column("period", current.id, current.start, current.end, current.id)
    return None


def _period_near(
    sentence: str, start: int, end: int, stops: list[int], current: DraftPeriod | None
) -> Column | None:
    """The period phrase after a number (up to the next number), else before it."""
    after_end = min([s for s in stops if s > end] + [len(sentence)])
    after = sentence[end:after_end]
    # "326,706 oz (Q3 2020 - 326,909 oz)": the bracket names the next amount's period
    found = None if re.match(r"\s*\(", after) else _resolve(after, current)
    if found is not None:
        return found
    before_start = max([s for s in stops if s < start] + [0])
    found = _resolve(sentence[before_start:start], current)
    if found is not None:
        return found
    # "7.355 million pounds copper and 10,009 ounces gold produced during the
    # first quarter of 2024": the period closes the clause
    rest = sentence[end:]
    clause = re.split(r"\bcompared\b|\bversus\b|;", rest, maxsplit=1)[0]
    if re.search(r"\(", after):
        return None
    return _resolve(clause, current)


def _period(draft: Draft, col: Column, source: str) -> DraftPeriod:
    return draft.add_period(col.id, col.start, col.end, source)


def sentences(paragraphs: list[str]) -> list[str]:
    """Split paragraphs into sentences (not after "Mar." or "Inc.")."""
    out: list[str] = []
    for paragraph in paragraphs:
        pieces = _SENTENCE.split(paragraph)
        for piece in pieces:
            if out and _ABBREV.search(out[-1]) and out[-1] in paragraph:
                out[-1] = f"{out[-1]} {piece}"
            else:
                out.append(piece)
    return out


def _elements_before(vocab: Vocabulary, text: str) -> list[str]:
    out: list[str] = []
    for el, *_ in vocab.elements.find(text.lower()):
        if el not in out and len(el) > 0:
            out.append(el)
    return out


def _home(vocab: Vocabulary, draft: Draft, element: str) -> tuple[str, ...]:
    """The streams metal stated only in the text is put in, as the table reads them."""
    for period in draft.periods.values():
        entry = period.find("contained", element)
        if entry is not None and entry.streams:
            return entry.streams
    own = vocab.concentrate_of.get(element)
    return (own,) if own else ("conc",)


def _element_of(vocab: Vocabulary, sentence: str, start: int, end: int) -> str | None:
    """The element an amount is of: named right after it, else just before it."""
    after = re.match(r"\s+(?:of\s+)?([A-Za-z]+)", sentence[end:])
    if after:
        found = vocab.elements.find(after.group(1).lower())
        if found:
            return found[0][0]
    before = _elements_before(vocab, sentence[max(0, start - 40) : start])
    return before[-1] if before else None


class _Match:
    """A piece of a sentence standing for one amount of a "respectively" list."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self._start, self._end = text, start, end

    def group(self, _: int = 0) -> str:
        return self.text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


_PAIR = re.compile(
    rf"(?<![\w.,])({_NUM})(\s+(?:million|thousand))?\s+and\s+({_NUM})(\s+(?:million|thousand))?\s+({_METAL_UNIT})\b",
    re.I,
)


def _respectively(
    vocab: Vocabulary, sentence: str, stops: list[int], current: DraftPeriod | None
) -> list[tuple[_Match, str, Column | None]]:
    """ "Lead and zinc production ... were 4.5 million and 1.2 million pounds, respectively"."""
    if "respectively" not in sentence.lower():
        return []
    out: list[tuple[_Match, str, Column | None]] = []
    for m in _PAIR.finditer(sentence):
        els = _elements_before(vocab, sentence[: m.start()])
        if len(els) < 2:
            continue
        unit = m.group(5)
        col = _period_near(sentence, m.start(), m.end(), stops, current)
        first = f"{m.group(1)}{m.group(2) or ''} {unit}"
        second = f"{m.group(3)}{m.group(4) or ''} {unit}"
        out.append((_Match(first, m.start(1), m.start(1) + 1), els[-2], col))
        out.append((_Match(second, m.start(3), m.end()), els[-1], col))
    return out


def _from_operation(after: str, operations: list[str]) -> str | None:
    """The operation a figure is said to come from, in its own clause.

    "8.9 million pounds copper and 10,621 ounces gold coming from Mount
    Polley": both figures are Mount Polley's. A clause that goes on past a
    comma or a "with" before its "from" (a company total followed by its
    parts) is not.
    """
    m = re.search(r"\b(?:from|at)\s+(?:the\s+)?", after)
    if m is None or re.search(r",\s|;|\bwith\b|\bfrom\b", after[: m.start()]):
        return None
    rest = after[m.end() :]
    for name in operations:
        if rest.startswith(name):
            return name
    return None


_CONTINUES = re.compile(
    r"(?:The|These|This|Those)\s+(?:increases?|decreases?|rises?|declines?|changes?|improvements?)\b"
)


def _continued_changes(
    vocab: Vocabulary,
    draft: Draft,
    sentence: str,
    percents: list[re.Match[str]],
    between: tuple[str, str],
) -> int:
    """Changes of a sentence that continues the one before it, between its periods.

    "... 74% and 76%, respectively, above the prior year's production. The
    increases are the result of higher throughput of 48% and of higher head
    grade for silver and gold of 17%." Each percentage changes what its own
    phrase names: throughput (read as the tonnes milled), the grade, recovery
    or production of the metals it names.
    """
    frm, to = between
    if sentence.count("compared") or re.search(r"\bversus\b|\bvs\b", sentence):
        return 0
    feed = draft.periods[to].feed or "ore_processed"
    made = 0
    for k, m in enumerate(percents):
        phrase = sentence[percents[k - 1].end() if k else 0 : m.start()].lower()
        elements = [el for el, *_ in vocab.elements.find(phrase)]
        up, down = _UP.search(phrase), _DOWN.search(phrase)
        if not (up or down):
            continue
        value = f"-{m.group(1)}%" if down and not up else f"{m.group(1)}%"
        found: list[tuple[str, str | None, str | None]] = []
        if "grade" in phrase:
            found = [("grade", el, feed) for el in elements]
        elif "recover" in phrase:
            found = [("recovery", el, None) for el in elements]
        elif re.search(r"throughput|tonnes|milled|processed", phrase):
            found = [("mass", None, feed)]
        elif "produc" in phrase:
            found = [("contained", el, None) for el in elements]
        for kind, element, stream in found:
            change = DraftChange(kind, element, stream, frm, to, value, f'"{sentence}"')
            change.checks.append(
                f"the sentence continues the one before it: read as {frm} to {to}"
            )
            if kind == "mass":
                change.checks.append(
                    "a % change of throughput is read as the tonnes milled"
                )
            draft.changes.append(change)
            made += 1
    return made


def read_prose(paragraphs: list[str], vocab: Vocabulary, draft: Draft) -> None:
    """Add the production, throughput and change statements of the text to ``draft``."""
    current = current_period(draft)
    previous_change: tuple[str, str] | None = None
    for sentence in sentences(paragraphs):
        after_change, previous_change = previous_change, None
        if not re.search(r"\d", sentence):
            continue
        quoted = " ".join(sentence.split())
        source = f'"{quoted}"'
        if is_spanish(sentence):
            if not read_sentence_es(sentence, vocab, draft, current):
                draft.unread.append(f"text (not read): {source}")
            continue
        if _GUIDANCE.search(sentence):
            if _AMOUNT.search(sentence) or _RATE.search(sentence):
                draft.unread.append(f"text (guidance or plans, not entered): {source}")
            continue
        used = False
        stops = sorted(
            {
                m.start()
                for rx in (_AMOUNT, _RATE, _PERCENT)
                for m in rx.finditer(sentence)
            }
        )
        # throughput
        if re.search(r"throughput|tonnes per day|\btpd\b|t/d", sentence, re.I):
            for m in _RATE.finditer(sentence):
                col = _period_near(sentence, m.start(), m.end(), stops, current)
                if col is None:
                    continue
                period = _period(draft, col, source)
                text = f"{m.group(1)} {m.group(2)}"
                old = period.find("throughput", None)
                if old is None:
                    period.entries.append(Entry(period.id, "throughput", text, source))
                else:
                    old.also.append((text, source))
                used = True
        # production of metal
        last: tuple[DraftPeriod, str] | None = None
        prev_end = 0
        amounts: list[tuple[Any, str, Column | None]] = []
        for m in _AMOUNT.finditer(sentence):
            if not re.search(r"produc|output", sentence, re.I):
                continue
            if re.match(r"\s+per\b", sentence[m.end() :]):
                continue
            el = _element_of(vocab, sentence, m.start(), m.end())
            if (
                el is None
                and amounts
                and re.match(r"\s*\(", sentence[amounts[-1][0].end() : m.start()])
            ):
                el = amounts[-1][1]  # "326,706 oz (Q3 2020 - 326,909 oz)"
            if el is None:
                continue
            amounts.append(
                (m, el, _period_near(sentence, m.start(), m.end(), stops, current))
            )
        amounts += _respectively(vocab, sentence, stops, current)
        amounts.sort(key=lambda a: a[0].start())
        others = {c.id for _, _, c in amounts if c is not None}
        previous: Column | None = None
        for m, el, col in amounts:
            doubt = None
            if (
                col is None
                and previous is not None
                and not re.search(
                    r"compared|versus|\bvs\b", sentence[prev_end : m.start()], re.I
                )
            ):
                col = previous
            operation = _from_operation(sentence[m.end() :], draft.operations)
            if col is None and current is not None and operation:
                col = Column("period", current.id, current.start, current.end)
                doubt = (
                    f"the sentence names no period for this figure from {operation};"
                    " read as the release's own"
                )
            if col is None and current is not None and others - {current.id}:
                col = Column("period", current.id, current.start, current.end)
                doubt = "the sentence names no period for this figure; read as the release's own"
            prev_end = m.end()
            if col is None:
                continue
            # a figure placed by its operation lends its period to no other
            previous = None if operation and doubt else col
            period = _period(draft, col, source)
            text = m.group(0)
            old = period.find("contained", el)
            if old is not None:
                old.also.append((text, source))
                if doubt:
                    old.checks.append(doubt)
            else:
                entry = Entry(
                    period.id,
                    "contained",
                    text,
                    source,
                    element=el,
                    streams=_home(vocab, draft, el),
                )
                entry.checks.append(
                    "stated only in the text: check the streams it is in"
                )
                if doubt:
                    entry.checks.append(doubt)
                period.entries.append(entry)
            last = (period, el)
            used = True
        # % changes
        percents = [
            m
            for m in _PERCENT.finditer(sentence)
            if _UP.search(sentence[max(0, m.start() - 30) : m.end() + 30])
            or _DOWN.search(sentence[max(0, m.start() - 30) : m.end() + 30])
        ]
        if percents and after_change and _CONTINUES.match(sentence):
            every = list(_PERCENT.finditer(sentence))
            made = _continued_changes(vocab, draft, sentence, every, after_change)
            if made:
                used = True
                percents = []
        if percents:
            figure = None
            if re.search(r"throughput", sentence, re.I):
                figure = "throughput"
            elif re.search(r"produc", sentence, re.I):
                figure = "contained"
            compared = re.search(
                r"(?:compared\s+(?:to|with)|versus|vs\.?|over|from|above|below)\s+(.*)",
                sentence[percents[0].end() :],
                re.I,
            )
            to_period = last[0] if last else current
            from_col = _resolve(compared.group(1), to_period) if compared else None
            if figure and from_col and to_period is not None:
                if figure == "throughput":
                    targets: list[str | None] = [None] * len(percents)
                elif last and len(percents) == 1:
                    targets = [last[1]]
                else:
                    els = _elements_before(vocab, sentence[: percents[0].start()])
                    targets = list(els) if len(els) == len(percents) else []
                if targets:
                    _period(draft, from_col, source)
                    for m, element in zip(percents, targets, strict=True):
                        down = _DOWN.search(
                            sentence[max(0, m.start() - 30) : m.end() + 30]
                        )
                        up = _UP.search(sentence[max(0, m.start() - 30) : m.end() + 30])
                        value = (
                            f"-{m.group(1)}%" if down and not up else f"{m.group(1)}%"
                        )
                        change = DraftChange(
                            figure,
                            element,
                            None,
                            from_col.id,
                            to_period.id,
                            value,
                            source,
                        )
                        if down and up:
                            change.checks.append(
                                "both a rise and a fall are named; read as a rise"
                            )
                        draft.changes.append(change)
                    used = True
                    previous_change = (from_col.id, to_period.id)
        if not used and (
            _AMOUNT.search(sentence)
            or _RATE.search(sentence)
            or _PERCENT.search(sentence)
        ):
            draft.unread.append(f"text (not read): {source}")
