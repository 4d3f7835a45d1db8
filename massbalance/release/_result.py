"""The result of a release check: verdict, figures, relations, culprits, derived ranges."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "CheckReport",
    "Conflict",
    "Culprit",
    "DerivedResult",
    "FigureResult",
    "RelationResult",
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
class RelationResult:
    """One relation between figures."""

    id: str
    kind: str
    figures: tuple[str, ...]
    status: str  #: "ok" or "violated" (its own figures cannot hold together)
    arithmetic: str = ""  #: the relation with the printed values put in


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

    figures: tuple[str, ...]
    explanation: tuple[str, ...]


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
    notes: tuple[str, ...] = ()
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
