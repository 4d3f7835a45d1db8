"""Spanish sentences -> figures: production, throughput, recovery and % changes.

A small vocabulary of Spanish production statements ("produjo 1 Moz de
plata", "4.353 toneladas por día", "la recuperación ... fue del 64%",
"un 4% menor que ... en el primer trimestre", "cercanas a las 1,5 millones de
libras de zinc, aproximadamente"). A sentence is read clause by clause (its
commas followed by a space): a clause of estimates or plans is kept as a
comment, a clause without a period takes the one its sentence names in a
clause without figures, else the release's own period with a CHECK.
"""

from __future__ import annotations

import datetime as dt
import re

from ._labels import Vocabulary
from ._model import Draft, DraftChange, DraftPeriod, Entry
from ._periods import Column, _month_end, period_between, quarter

__all__ = ["is_spanish", "read_sentence_es"]

_WORDS = re.compile(r"\b(?:el|la|los|las|del|de|que|en|un|una|con|por|fue)\b", re.I)
_SUBJECT = re.compile(
    r"\b(?:produj\w+|producci[oó]n|producid\w+|toneladas|onzas|libras|"
    r"recuperaci[oó]n|ley|trimestre|molid\w+|moli[oó])\b",
    re.I,
)
_NUMS = {
    "1,234.5": r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?",
    "1.234,5": r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?",
}
# printed unit -> unit spelling of the draft; a scale word multiplies it
_UNITS = {
    "onzas": "oz",
    "oz": "oz",
    "koz": "koz",
    "moz": "Moz",
    "libras": "lb",
    "lbs": "lb",
    "lb": "lb",
    "mlb": "Mlb",
    "toneladas": "t",
    "kilogramos": "kg",
    "kg": "kg",
}
_SCALED = {
    ("millones", "oz"): "Moz",
    ("millones", "lb"): "Mlb",
    ("millones", "t"): "Mt",
    ("mil", "oz"): "koz",
    ("miles", "oz"): "koz",
    ("mil", "t"): "kt",
    ("miles", "t"): "kt",
}
_GUIDANCE = re.compile(
    r"\b(?:estimaci\w+|previsi\w+|proyecci\w+|orientaci\w+|pron[oó]stic\w+|"
    r"se\s+espera|esperad\w+|prev[eé]\w*|objetivo\w*|meta|presupuest\w+|"
    r"plan\w*|guía)\b",
    re.I,
)
_APPROX = re.compile(
    r"\b(?:aproximadamente|cercan[oa]s?\s+a|alrededor\s+de|casi)\b", re.I
)
_UP = re.compile(
    r"\b(?:m[aá]s|mayor|superior|aument\w+|increment\w+|subi[oó]|creci\w+|alza)\b",
    re.I,
)
_DOWN = re.compile(
    r"\b(?:menos|menor|inferior|disminu\w+|baj[oó]|cay[oó]|redu\w+|descen\w+|"
    r"ca[ií]da)\b",
    re.I,
)
_ORD = {"primer": 1, "primero": 1, "segundo": 2, "tercer": 3, "tercero": 3, "cuarto": 4}
_DE = r"\s+(?:de|del)(?:\s+año)?\s+"


# words Spanish has and Portuguese, English and Italian production texts do not
_OWN = re.compile(r"\b(?:el|los|las|del|fue)\b", re.I)


def is_spanish(sentence: str) -> bool:
    """Whether ``sentence`` reads as a Spanish production statement."""
    return (
        len(_WORDS.findall(sentence)) >= 3
        and bool(_OWN.search(sentence))
        and bool(_SUBJECT.search(sentence))
    )


def _resolve(text: str, current: DraftPeriod | None) -> Column | None:
    """The period a Spanish phrase names, relative to the release's own period."""
    t = text.lower()
    cur_y = cur_q = None
    if current is not None and current.end is not None:
        cur_y, cur_q = current.end.year, (current.end.month + 2) // 3
    m = re.search(
        rf"\b(primer|segundo|tercer|cuarto)o?\s+trimestre(?:{_DE}(\d{{4}}))?", t
    )
    if m and (m.group(2) or cur_y):
        return quarter(int(m.group(2) or cur_y or 0), _ORD[m.group(1)])
    m = re.search(r"\b([1-4])t\s*[–-]?\s*(\d{4})\b", t)
    if m:
        return quarter(int(m.group(2)), int(m.group(1)))
    m = re.search(rf"\b(?:primera\s+mitad|primer\s+semestre){_DE}(\d{{4}})", t)
    if m:
        year = int(m.group(1))
        return period_between(
            dt.date(year, 1, 1), _month_end(year, 6), m.group(0), True
        )
    if cur_y is None or cur_q is None or current is None:
        return None
    if re.search(r"\btrimestre\s+(?:anterior|previo|precedente)\b", t):
        q, y = (cur_q - 1, cur_y) if cur_q > 1 else (4, cur_y - 1)
        return quarter(y, q)
    m = re.search(
        r"\bmismo\s+(?:per[ií]odo|trimestre)\s+(?:de|del)\s+(?:año\s+anterior|(\d{4}))",
        t,
    )
    if m:
        return quarter(int(m.group(1)) if m.group(1) else cur_y - 1, cur_q)
    if re.search(r"\b(?:este|el\s+presente)\s+trimestre\b", t):
        return Column("period", current.id, current.start, current.end, current.id)
    return None


def _streams(
    vocab: Vocabulary, draft: Draft, kind: str, element: str
) -> tuple[str, ...]:
    """The ``to``/``in`` list the table gives ``element``, else its own concentrate."""
    for period in draft.periods.values():
        entry = period.find(kind, element) or period.find("contained", element)
        if entry is not None and entry.streams:
            return entry.streams
    own = vocab.concentrate_of.get(element)
    return (own,) if own else ("conc",)


def _add(period: DraftPeriod, entry: Entry) -> None:
    """``entry`` as a figure of ``period``, or another printing of one it has."""
    old = period.find(entry.kind, entry.element)
    if old is None:
        period.entries.append(entry)
        return
    if old.value == entry.value:
        return  # the table's own printing, repeated
    old.also.append((entry.value or "", entry.source))
    old.checks += entry.checks


class _Sentence:
    """One Spanish sentence being read into a draft."""

    def __init__(
        self,
        sentence: str,
        vocab: Vocabulary,
        draft: Draft,
        current: DraftPeriod | None,
    ) -> None:
        self.text = sentence
        self.vocab, self.draft, self.current = vocab, draft, current
        self.source = '"' + " ".join(sentence.split()) + '"'
        num = _NUMS.get(draft.numbers, _NUMS["1,234.5"])
        self.amount = re.compile(
            rf"(?<![\w.,])({num})(?:\s+(millones|miles|mil))?\s+(?:de\s+)?"
            rf"(onzas|oz|koz|moz|libras|lbs|lb|mlb|toneladas|kilogramos|kg)\b"
            rf"(?!\s+(?:por\s+d[ií]a|diarias))",
            re.I,
        )
        self.rate = re.compile(
            rf"(?<![\w.,])({num})\s*(?:toneladas\s+(?:por\s+d[ií]a|diarias)|tpd|t/d)\b",
            re.I,
        )
        self.percent = re.compile(rf"(?<![\w.,])({num})\s?%")
        self.clauses = [c for c in re.split(r"(?<=[,;])\s+", sentence) if c]
        self.used = False

    def element(self, text: str, start: int, end: int) -> str | None:
        """The element an amount is of: "de plata" after it, else the last named before."""
        after = re.match(r"\s+(?:de\s+)?(\w+)", text[end:])
        if after:
            found = self.vocab.elements.find(after.group(1).lower())
            if found:
                return found[0][0]
        before = self.vocab.elements.find(text[max(0, start - 60) : start].lower())
        return before[-1][0] if before else None

    def has_figure(self, clause: str) -> bool:
        return bool(
            self.amount.search(clause)
            or self.rate.search(clause)
            or self.percent.search(clause)
        )

    def sentence_period(self) -> Column | None:
        """A period the sentence names in a clause with no figure of its own."""
        for clause in self.clauses:
            if not self.has_figure(clause) and not _GUIDANCE.search(clause):
                col = _resolve(clause, self.current)
                if col is not None:
                    return col
        return None

    def period_of(self, clause: str, end: int) -> tuple[Column | None, str | None]:
        """The period of a figure ending at ``end`` of ``clause``, and a doubt."""
        head = re.split(r"\bque\b|\brespecto\b|\bfrente\b", clause[end:])[0]
        col = _resolve(clause[:end] + head, self.current)
        if col is not None:
            return col, None
        col = self.sentence_period()
        if col is not None:
            return col, None
        if self.current is None:
            return None, None
        own = Column("period", self.current.id, self.current.start, self.current.end)
        return (
            own,
            "the sentence names no period for this figure; read as the release's own",
        )

    def read(self) -> bool:
        for k, clause in enumerate(self.clauses):
            if _GUIDANCE.search(clause):
                # the clauses after an estimate go on about it ("que se
                # situaban en el orden de 1,6 Moz")
                if any(self.has_figure(c) for c in self.clauses[k:]):
                    self.draft.unread.append(
                        f"text (estimates or plans, not entered): {self.source}"
                    )
                break
            self.throughput(clause)
            self.recovery(clause)
            self.production(clause)
            self.change(clause)
        return self.used

    def throughput(self, clause: str) -> None:
        for m in self.rate.finditer(clause):
            col, doubt = self.period_of(clause, m.end())
            if col is None:
                continue
            entry = Entry(col.id, "throughput", f"{m.group(1)} tpd", self.source)
            if doubt:
                entry.checks.append(doubt)
            _add(self.draft.add_period(col.id, col.start, col.end, self.source), entry)
            self.used = True

    def recovery(self, clause: str) -> None:
        m = re.search(
            r"\brecuperaci[oó]n\b(.*?)\b(?:fue|es|era|alcanz[oó]|se\s+situ[oó]\s+en)"
            rf"\s+(?:del?|en)?\s*(?:el\s+)?({self.percent.pattern})",
            clause,
            re.I,
        )
        if m is None:
            return
        elements = self.vocab.elements.find(m.group(1).lower())
        if len(elements) != 1:
            return
        el = elements[0][0]
        pct = self.percent.match(m.group(2))
        if pct is None:
            return
        col, doubt = self.period_of(clause, m.end())
        if col is None:
            return
        entry = Entry(
            col.id,
            "recovery",
            f"{pct.group(1)}%",
            self.source,
            element=el,
            streams=_streams(self.vocab, self.draft, "recovery", el),
        )
        if doubt:
            entry.checks.append(doubt)
        _add(self.draft.add_period(col.id, col.start, col.end, self.source), entry)
        self.used = True

    def production(self, clause: str) -> None:
        if not re.search(r"produ|producci", self.text, re.I):
            return
        at = self.text.find(clause)
        for m in self.amount.finditer(clause):
            el = self.element(self.text, at + m.start(), at + m.end())
            if el is None:
                continue
            unit = _UNITS[m.group(3).lower()]
            if m.group(2):
                scaled = _SCALED.get((m.group(2).lower(), unit))
                if scaled is None:
                    continue
                unit = scaled
            col, doubt = self.period_of(clause, m.end())
            if col is None:
                continue
            if re.search(r"\btotal\b", clause[: m.start()], re.I) and col.id not in (
                self.draft.periods
            ):
                # "para un total de 1,9 Moz producidas en la primera mitad":
                # a sum over a period the table does not print
                self.draft.unread.append(
                    f"text (a total over {col.id}, not entered): {self.source}"
                )
                continue
            entry = Entry(
                col.id,
                "contained",
                f"{m.group(1)} {unit}",
                self.source,
                element=el,
                streams=_streams(self.vocab, self.draft, "contained", el),
            )
            if doubt:
                entry.checks.append(doubt)
            if _APPROX.search(self.text[self.text.find(clause) :]):
                entry.checks.append(
                    "printed as approximate; read as the printed digits rounded"
                )
            _add(self.draft.add_period(col.id, col.start, col.end, self.source), entry)
            self.used = True

    def change(self, clause: str) -> None:
        for m in self.percent.finditer(clause):
            around = clause[max(0, m.start() - 12) : m.end() + 20]
            up, down = _UP.search(around), _DOWN.search(around)
            if not (up or down):
                continue
            compared = re.search(
                r"\b(?:que|respecto|frente|comparad\w+|en\s+comparaci[oó]n)\b(.*)",
                clause[m.end() :],
                re.I,
            )
            if compared is None:
                continue
            frm = _resolve(compared.group(1), self.current)
            # what changed: the clauses before, back to the start of the sentence
            before = self.text[: self.text.find(clause)] + clause[: m.start()]
            to, doubt = self.period_of(before, len(before))
            if frm is None or to is None or frm.id == to.id:
                continue
            kind, element, stream = self.subject(before + compared.group(1))
            if kind is None:
                continue
            value = f"-{m.group(1)}%" if down and not up else f"{m.group(1)}%"
            change = DraftChange(
                kind, element, stream, frm.id, to.id, value, self.source
            )
            if doubt:
                change.checks.append(doubt)
            self.add_change(change)

    def subject(self, text: str) -> tuple[str | None, str | None, str | None]:
        """The figure a change is of: the kind and element its sentence names last."""
        t = text.lower()
        kinds = {
            "recovery": r"\brecuperaci[oó]n\b",
            "grade": r"\bley\b",
            "throughput": r"toneladas\s+(?:por\s+d[ií]a|diarias)|\btasa\b",
            "contained": r"\bproduj\w+|\bproducci[oó]n\b",
        }
        last = max(
            (
                (m.start(), kind)
                for kind, rx in kinds.items()
                for m in re.finditer(rx, t)
            ),
            default=None,
        )
        if last is None:
            return None, None, None
        kind = last[1]
        if kind == "throughput":
            return kind, None, None
        found = self.vocab.elements.find(t)
        if not found:
            return None, None, None
        element = found[-1][0]
        if kind == "grade":
            current = self.current
            feed = current.feed if current is not None else None
            return kind, element, feed or "ore_processed"
        return kind, element, None

    def add_change(self, change: DraftChange) -> None:
        if not {change.from_period, change.to_period} <= set(self.draft.periods):
            self.draft.unread.append(
                f"text (a change against a period the tables do not print): {self.source}"
            )
            return
        for old in self.draft.changes:
            same = (
                old.entry_kind,
                old.element,
                old.stream,
                old.from_period,
                old.to_period,
            )
            if same == (
                change.entry_kind,
                change.element,
                change.stream,
                change.from_period,
                change.to_period,
            ):
                if old.value != change.value:
                    old.also.append((change.value, change.source))
                    old.checks += change.checks
                self.used = True
                return
        self.draft.changes.append(change)
        self.used = True


def read_sentence_es(
    sentence: str, vocab: Vocabulary, draft: Draft, current: DraftPeriod | None
) -> bool:
    """Read one Spanish sentence into ``draft``; whether it gave a figure."""
    return _Sentence(sentence, vocab, draft, current).read()
