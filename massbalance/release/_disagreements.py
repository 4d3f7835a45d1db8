"""Independent disagreements: every conflict found, grouped, each searched alone.

A release that disagrees rarely disagrees once. Every conflict is found (a
new one outside the figures of those found, until releasing all of them lets
the rest hold); conflicts connected by shared figures form one disagreement.
The culprit search, its size limit and the cost ranking then run per
disagreement, with the other disagreements' figures released (and free to
move at no cost), so that a disagreement with no small explanation does not
hide the others'; the release's culprit sets are the cheapest combinations
of one set per disagreement, each verified and costed as a whole.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from ..figures import TrailingZeros
from ._build import Problem
from ._culprits import (
    MAX_CONFLICTS,
    best_combinations,
    conflict,
    disagreements,
    rank,
    search_culprits,
)
from ._feasibility import Feasibility
from ._result import Culprit

__all__ = ["Diagnosis", "Group", "diagnose"]

_COMBINATIONS = 10  #: release-wide culprit sets kept


@dataclass(slots=True)
class Group:
    """One disagreement as the search leaves it."""

    conflicts: list[int]  #: indices into :attr:`Diagnosis.conflicts`
    figures: frozenset[str]
    sets: list[frozenset[str]] = field(default_factory=list)
    culprits: list[Culprit] = field(default_factory=list)  #: ranked
    others: frozenset[str] = frozenset()  #: the other groups' figures


@dataclass(slots=True)
class Diagnosis:
    """Every conflict, the disagreements, and the release-wide culprit sets."""

    conflicts: list[frozenset[str]]
    groups: list[Group]
    culprits: list[Culprit]
    unknown: list[frozenset[str]]
    timed_out: bool = False
    complete: bool = False  #: releasing every conflict's figures lets the rest hold


def _all_conflicts(
    solver: Feasibility, candidates: list[str], deadline: float = math.inf
) -> tuple[list[frozenset[str]], bool]:
    """Conflicts until releasing every figure of them lets the rest hold; and
    whether that point was reached (not the budget's end first)."""
    found: list[frozenset[str]] = []
    for _ in range(MAX_CONFLICTS):
        if found and time.monotonic() > deadline:
            return found, False
        covered = frozenset(f for c in found for f in c)
        if found and solver.test(covered).status != "infeasible":
            return found, solver.test(covered).status == "feasible"
        extra = conflict(solver, [c for c in candidates if c not in covered])
        if not extra:
            break
        found.append(frozenset(extra))
    return found, False


def diagnose(
    problem: Problem,
    solver: Feasibility,
    candidates: list[str],
    max_culprits: int,
    trailing_zeros: TrailingZeros,
    deadline: float = math.inf,
) -> Diagnosis:
    """Split an infeasible release into disagreements and explain each.

    ``max_culprits`` is the largest culprit set searched for per
    disagreement; past ``deadline`` (:func:`time.monotonic`) the searches
    stop with what they found (:attr:`Diagnosis.timed_out`).
    """
    conflicts, complete = _all_conflicts(solver, candidates, deadline)
    # the printings of one quantity (a figure and its ``also``) are one figure:
    # a conflict through either belongs to the same disagreement
    groups = [
        Group(list(ix), frozenset(f for i in ix for f in conflicts[i]))
        for ix in disagreements(conflicts, lambda f: solver.figures[f].node)
    ]
    unknown: list[frozenset[str]] = []
    for group in groups:
        group.others = frozenset(f for g in groups if g is not group for f in g.figures)
        mine = [c for c in candidates if c not in group.others]
        sets, found, undecided = search_culprits(
            solver,
            mine,
            [conflicts[i] for i in group.conflicts],
            max_culprits,
            base=group.others,
            deadline=deadline,
        )
        for c in found:
            if c not in conflicts:
                conflicts.append(c)
                group.conflicts.append(len(conflicts) - 1)
        group.figures = frozenset(f for i in group.conflicts for f in conflicts[i])
        group.sets = sets
        unknown.extend(undecided)
    # each set costed with the other disagreements' figures set aside
    for group in groups:
        group.culprits = rank(
            problem,
            solver,
            group.sets,
            trailing_zeros,
            base=group.others,
            deadline=deadline,
        )
    culprits: list[Culprit] = []
    if all(g.culprits for g in groups) and time.monotonic() <= deadline:
        picks = best_combinations(
            [[c.cost for c in g.culprits] for g in groups], _COMBINATIONS
        )
        combined = [
            frozenset(
                f
                for g, k in zip(groups, pick, strict=True)
                for f in g.culprits[k].figures
            )
            for pick in picks
        ]
        # verified as a whole (disagreements in one component may interact)
        feasible = [c for c in combined if solver.test(c).status == "feasible"]
        culprits = rank(problem, solver, feasible, trailing_zeros)
    return Diagnosis(
        conflicts, groups, culprits, unknown, time.monotonic() > deadline, complete
    )
