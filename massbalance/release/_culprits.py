"""The culprit search: minimal conflicts, hitting sets, and culprit sets ranked by cost.

A *conflict* is a minimal set of figures that cannot all hold
(:func:`conflict`, QuickXplain over proofs by propagation or bisection); a
*culprit set* is a smallest set of figures whose release lets all the others
hold (a witness shows it). :func:`search_culprits` grows the conflicts and
tests their smallest hitting sets until some are culprit sets (an implicit
hitting-set search); :func:`rank` costs and sorts them.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable, Sequence

from ..figures import TrailingZeros
from ..intervals import Bound, Box, propagate
from ._build import Problem
from ._feasibility import Feasibility
from ._result import Culprit

__all__ = [
    "MAX_CONFLICTS",
    "best_combinations",
    "conflict",
    "disagreements",
    "hitting_sets",
    "rank",
    "search_culprits",
]

MAX_CONFLICTS = 200


def conflict(
    solver: Feasibility, candidates: Sequence[str], *, bisect: bool = True
) -> list[str]:
    """A minimal subset of ``candidates`` that cannot hold (QuickXplain).

    ``candidates`` must be proved infeasible together with the structural
    constraints.
    """

    by_comp: dict[int, list[str]] = {}
    for k in candidates:
        by_comp.setdefault(solver.component_of[k], []).append(k)
    comp, branch = -2, False
    for c, keys in by_comp.items():  # a component that fails on its own
        if solver.proved_empty(solver.only(keys, [c]), branch=False):
            comp, branch = c, False
            break
    else:
        for c, keys in by_comp.items():
            if bisect and solver.proved_empty(solver.only(keys, [c]), branch=True):
                comp, branch = c, True
                break
    if comp == -2:
        return []
    candidates = by_comp[comp]
    if not branch:  # start from the figures around where propagation failed
        candidates = _around_failure(solver, candidates, comp)
    # Test subsets with only the structural bounds on their own variables
    # (much smaller problems) when that still proves the whole set: the
    # test stays monotone, so the conflict found is minimal for it.
    use_local = not branch and solver.proved_empty(
        solver.local(candidates), branch=False
    )

    def bounds_of(keys: list[str]) -> list[Bound]:
        return solver.local(keys) if use_local else solver.only(keys, [comp])

    # QuickXplain tests a background and then that background plus a few
    # figures: each test starts from the box of the last one it extends
    boxes: dict[frozenset[str], Box | None] = {}
    incremental = not branch

    def infeasible(keys: list[str], base: list[str] | None) -> bool:
        bounds = bounds_of(keys)
        if not incremental:
            return solver.proved_empty(bounds, branch=branch)
        start = boxes.get(frozenset(base)) if base is not None else None
        if start is None or base is None:
            box = solver.propagate(bounds)
        else:
            known = bounds_of(base)
            have = set(known)
            added = [b for b in bounds if b not in have]
            box = propagate(solver.graph, added, box=start, base=known)
        boxes[frozenset(keys)] = box
        return box is None

    def qx(
        background: list[str],
        has_delta: bool,
        items: list[str],
        base: list[str] | None,
    ) -> list[str]:
        if has_delta:
            if infeasible(background, base):
                return []
            base = background
        if len(items) == 1:
            return items
        k = len(items) // 2
        first, second = items[:k], items[k:]
        d2 = qx(background + first, bool(first), second, base)
        d1 = qx(background + d2, bool(d2), first, base)
        return d1 + d2

    if solver.proved_empty(bounds_of([]), branch=branch):
        return []
    found = qx([], False, list(candidates), None)
    # started from other boxes, a test may differ from a fresh one by a
    # hair: the conflict reported must stand on a fresh proof
    if not incremental or solver.proved_empty(bounds_of(found), branch=False):
        return found
    incremental = False
    return qx([], False, list(candidates), None)


def _around_failure(solver: Feasibility, candidates: list[str], comp: int) -> list[str]:
    """The candidates within a few steps of the node where propagation
    empties the box, if they already fail together (else all of them),
    nearest first: QuickXplain then settles on a conflict near the
    failure with small tests."""
    empty_at: list[int] = []
    propagate(solver.graph, solver.only(candidates, [comp]), empty_at=empty_at)
    if not empty_at:
        return candidates
    near = set(solver._vars_of(empty_at[0]))
    level: dict[str, int] = {}
    for step in range(4):
        found = [b for v in near for b in solver._bounds_at.get(v, ())]
        for b in found:
            if b.key in solver.figures:
                level.setdefault(b.key, step)
        subset = sorted((k for k in candidates if k in level), key=level.__getitem__)
        if subset and solver.proved_empty(solver.only(subset, [comp]), branch=False):
            return subset
        near = {v for b in found for v in solver._vars_of(b.node)}
    return sorted(candidates, key=lambda k: level.get(k, 4))


def hitting_sets(conflicts: list[frozenset[str]], size: int) -> list[frozenset[str]]:
    """Minimal hitting sets of ``conflicts`` with exactly ``size`` elements."""
    found: set[frozenset[str]] = set()

    def grow(current: frozenset[str]) -> None:
        unhit = next((c for c in conflicts if not (c & current)), None)
        if unhit is None:
            if len(current) == size and all(
                any(not (c & (current - {x})) for c in conflicts) for x in current
            ):
                found.add(current)
            return
        if len(current) >= size:
            return
        for item in sorted(unhit):
            grow(current | {item})

    grow(frozenset())
    return sorted(found, key=sorted)


def disagreements(
    conflicts: Sequence[frozenset[str]], same: Callable[[str], object] = str
) -> list[list[int]]:
    """Group conflicts that share a figure, directly or through others.

    ``same`` maps a figure to what makes two figures one (two printings of
    one quantity, a figure and its ``also``, are one figure here).

    Returns the groups as lists of indices into ``conflicts``, in the order
    of their first conflict: two disagreements share no figure, so their
    culprit sets combine freely.
    """
    parent = list(range(len(conflicts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[object, int] = {}
    for i, c in enumerate(conflicts):
        for f in sorted(c):
            j = owner.setdefault(same(f), i)
            if j != i:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(len(conflicts)):
        groups.setdefault(find(i), []).append(i)
    return [groups[r] for r in sorted(groups)]


def search_culprits(
    solver: Feasibility,
    candidates: list[str],
    first_conflict: list[str] | Sequence[frozenset[str]],
    max_size: int,
    *,
    base: frozenset[str] = frozenset(),
    bisections: int = 0,
    deadline: float = math.inf,
) -> tuple[list[frozenset[str]], list[frozenset[str]], list[frozenset[str]]]:
    """Implicit hitting-set search for the smallest culprit sets.

    ``first_conflict`` is one conflict (a list of figure ids) or several
    (frozensets); ``base`` are figures released throughout (the other
    disagreements', when one disagreement is searched alone), never part of
    a set found, and ``candidates`` must not hold them.

    A conflict that only bisection proves is dear (seconds on a large
    component): at most ``bisections`` are extracted, after which a set that
    fails only so is a dead end like any other; the hitting sets of the
    conflicts known are still all tested, so the sets found stay minimal.

    Past ``deadline`` (:func:`time.monotonic`) it stops with what it has.

    Returns (culprit sets, conflicts, sets left undetermined).
    """
    bisections_left = bisections
    if first_conflict and isinstance(next(iter(first_conflict)), frozenset):
        conflicts = [frozenset(c) for c in first_conflict]
    else:
        conflicts = [frozenset(first_conflict)]  # type: ignore[arg-type]
    culprits: list[frozenset[str]] = []
    unknown: list[frozenset[str]] = []
    tested: set[frozenset[str]] = set()
    for size in range(1, max_size + 1):
        while len(conflicts) < MAX_CONFLICTS:
            pending = [h for h in hitting_sets(conflicts, size) if h not in tested]
            if not pending:
                break
            for hitting in pending:
                if time.monotonic() > deadline:
                    return culprits, conflicts, unknown
                tested.add(hitting)
                outcome = solver.test(hitting | base)
                if outcome.status == "feasible":
                    culprits.append(hitting)
                    continue
                if outcome.status == "unknown":
                    unknown.append(hitting)
                    continue
                rest = [c for c in candidates if c not in hitting]
                found = conflict(solver, rest, bisect=False)
                if not found and bisections_left > 0:
                    bisections_left -= 1
                    found = conflict(solver, rest)
                if found and frozenset(found) not in conflicts:
                    conflicts.append(frozenset(found))
                    break
        if culprits:
            break
    return culprits, conflicts, unknown


def rank(
    problem: Problem,
    solver: Feasibility,
    culprit_sets: list[frozenset[str]],
    trailing_zeros: TrailingZeros,
    *,
    base: frozenset[str] = frozenset(),
    deadline: float = math.inf,
) -> list[Culprit]:
    """Cost every culprit set and sort them, cheapest first.

    ``base`` (figures of other disagreements) is released with each set and
    moves at no cost.
    """
    culprits = []
    for released in culprit_sets:
        if time.monotonic() > deadline:
            break  # the sets costed so far
        result = solver.test(released | base)
        assert result.witness is not None
        assert result.box is not None
        cost, moves = solver.cost(released, result.witness, result.box, free=base)
        on_zeros = tuple(
            f
            for f in sorted(released)
            if problem.bindings[f].figure.trailing_zeros
            and trailing_zeros == "significant"
        )
        culprits.append(
            Culprit(
                figures=tuple(sorted(released)),
                cost=cost,
                moves=tuple(
                    (f, value / problem.bindings[f].factor, steps_out)
                    for f, (value, steps_out) in sorted(moves.items())
                ),
                trailing_zero_figures=on_zeros,
            )
        )
    # costs equal to a millionth of a step are a tie (the precision of the
    # lower-bound pins), settled by the figures' ids
    return sorted(culprits, key=lambda c: (round(c.cost, 6), c.figures))


def best_combinations(
    costs: Sequence[Sequence[float]], limit: int
) -> list[tuple[int, ...]]:
    """The ``limit`` cheapest picks of one item per list, by total cost.

    Each list of ``costs`` is sorted, cheapest first; a pick is a tuple of
    indices. Best-first over the lattice of picks (a heap), so the work grows
    with ``limit`` and the number of lists, not with their product.
    """
    if not costs or any(not c for c in costs):
        return []
    start = (0,) * len(costs)
    heap = [(sum(c[0] for c in costs), start)]
    seen = {start}
    out: list[tuple[int, ...]] = []
    while heap and len(out) < limit:
        total, pick = heapq.heappop(heap)
        out.append(pick)
        for i, k in enumerate(pick):
            if k + 1 < len(costs[i]):
                nxt = (*pick[:i], k + 1, *pick[i + 1 :])
                if nxt not in seen:
                    seen.add(nxt)
                    step = costs[i][k + 1] - costs[i][k]
                    heapq.heappush(heap, (total + step, nxt))
    return out
