"""The result of a release check: verdict, figures, relations, culprits, derived ranges."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Arithmetic",
    "CheckReport",
    "Conflict",
    "Culprit",
    "DerivedResult",
    "Disagreement",
    "Explanation",
    "FigureResult",
    "RelationResult",
    "Term",
    "Verdict",
]

Verdict = Literal["consistent", "inconsistent", "undetermined"]
Interval = tuple[float, float]


@dataclass(frozen=True, slots=True)
class FigureResult:
    """One printed figure as the check sees it (numbers in its printed unit)."""

    id: str
    printed: str  #: exactly as printed
    unit: str  #: the printed unit label
    number: float  #: the printed number [printed unit]
    step: float  #: the step used [printed unit]
    interval: Interval  #: values that print as this figure [printed unit]
    implied: Interval | None  #: rigorous range under the cheapest repair [printed unit]
    status: str  #: "ok", "flagged", "suspect" or "unchecked"
    kind: str  #: "mass", "grade", "recovery", "contained", ...
    trailing_zeros: int = 0  #: printed trailing zeros read as significant


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a relation's expression, for a report to write out.

    ``op`` is ``"figure"`` (``ref`` a figure id: its printed value),
    ``"name"`` (``ref`` an unprinted quantity), ``"days"`` (``value`` calendar
    days), ``"sum"`` (``value`` the offset plus ``coefs`` times ``args``),
    ``"mul"`` or ``"div"`` (of the two ``args``).
    """

    op: str
    ref: str = ""
    value: float = 0.0
    coefs: tuple[float, ...] = ()
    args: tuple[Term, ...] = ()


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """A relation with the printed values put in, as numbers."""

    figure: str  #: the figure the expression computes
    expression: Term  #: the expression, its figures at their printed values
    value: float | None = None  #: its value at the printed values [figure's unit]
    range: Interval | None = None  #: its range over the others' intervals [same]


@dataclass(frozen=True, slots=True)
class RelationResult:
    """One relation between figures."""

    id: str
    kind: str
    figures: tuple[str, ...]
    status: str  #: "ok" or "violated" (its own figures cannot hold together)
    arithmetic: Arithmetic | None = None  #: the relation with the printed values put in


@dataclass(frozen=True, slots=True)
class Culprit:
    """A smallest set of figures whose removal makes the rest consistent."""

    figures: tuple[str, ...]
    cost: float  #: least total move outside the printed intervals [steps]
    moves: tuple[tuple[str, float, float], ...] = ()  #: (id, value needed, steps out)
    trailing_zero_figures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Conflict:
    """A minimal set of figures that cannot all hold: one piece of the proof."""

    figures: tuple[str, ...]  #: empty when bisection proved it but no set was isolated
    focus: str | None = None  #: the member whose range the others imply
    needed: Interval | None = None  #: that range [the focus's printed unit]


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a disagreement may have happened: one reading changed, and then a
    verified witness of the disagreement's figures.

    ``kind`` is ``"truncated"`` (``detail``: ``("truncated",)`` or
    ``("rounded up",)``), ``"days"`` (``detail``: every day count of the
    period's kind that fits, the file's count first being the one that does
    not), ``"digit"`` (``detail``: the printing that fits, as printed, and the
    slip: ``"changed"``, ``"swapped"``, ``"dropped"``, ``"doubled"`` or
    ``"shifted"``), ``"other_column"`` (``detail``: the id of the figure of
    the same quantity, another period or stream, that fits), ``"unit"``
    (``detail``: every other unit that fits), ``"printed_parts"``
    (``figures``: the figure, then the printed parts it was computed from;
    ``detail``: that value [printed unit]) or ``"equivalent_of_parts"``
    (``detail``: ``("sum", part, ...)`` or ``("prices", period)``).
    """

    kind: str
    figures: tuple[str, ...]
    detail: tuple[str | float, ...] = ()
    shared: tuple[str, ...] = ()  #: every disagreement this convention explains


@dataclass(frozen=True, slots=True)
class Disagreement:
    """An independent disagreement: conflicts connected by shared figures.

    Disagreements share no figure, so a culprit set of the release is one
    culprit set of each of them.
    """

    id: str  #: ``"D1"``, ``"D2"``, ... in the order found
    figures: tuple[str, ...]  #: every figure of its conflicts
    conflicts: tuple[int, ...]  #: indices into :attr:`CheckReport.conflicts`
    culprits: tuple[Culprit, ...]  #: its smallest culprit sets, cheapest first
    explanations: tuple[Explanation, ...] = ()
    relations: tuple[str, ...] = ()  #: the violated relations among its figures
    exceeded: bool = False  #: no culprit set within the size limit


@dataclass(frozen=True, slots=True)
class DerivedResult:
    """The implied range of an unprinted quantity."""

    id: str
    interval: Interval
    unit: str


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Everything the check found.

    ``consistent`` comes with a witness verified by substitution;
    ``inconsistent`` with a proof by interval propagation (:attr:`conflicts`);
    ``undetermined`` says in :attr:`notes` what was tried.
    """

    verdict: Verdict
    rounding: str
    trailing_zeros: str
    max_culprits: int
    figures: tuple[FigureResult, ...]
    relations: tuple[RelationResult, ...]
    culprits: tuple[Culprit, ...]
    derived: tuple[DerivedResult, ...]
    conflicts: tuple[Conflict, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    notes: tuple[str, ...] = ()
    timed_out: bool = False  #: the budget ran out: culprits or explanations partial
    issuer: str = ""
    title: str = ""
    path: str = ""
    witness: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def figure(self, fid: str) -> FigureResult:
        """The result for figure ``fid``."""
        for result in self.figures:
            if result.id == fid:
                return result
        raise KeyError(fid)

    @property
    def flagged(self) -> tuple[str, ...]:
        """Ids of the flagged figures."""
        return tuple(f.id for f in self.figures if f.status == "flagged")

    @property
    def suspect(self) -> tuple[str, ...]:
        """Ids of the suspect figures."""
        return tuple(f.id for f in self.figures if f.status == "suspect")
