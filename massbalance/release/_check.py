"""``check_release``: is a release consistent, and if not, which figures explain it."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

from ..figures import (
    ROUNDING_METHODS,
    TRAILING_ZEROS_READINGS,
    Figure,
    Rounding,
    TrailingZeros,
)
from ..intervals import Bound, Op, hull
from ._build import Problem, build_problem
from ._disagreements import Diagnosis, diagnose
from ._explain import explain as explain_groups
from ._feasibility import Feasibility
from ._implied import implied as implied_ranges
from ._implied import to_printed
from ._model import Release
from ._result import (
    Arithmetic,
    CheckReport,
    Conflict,
    Culprit,
    DerivedResult,
    Disagreement,
    FigureResult,
    RelationResult,
    Term,
    Verdict,
)

__all__ = ["MAX_CULPRITS", "check_release"]

#: the largest ``max_culprits``: the culprit search grows combinatorially
MAX_CULPRITS = 8


def _reserve(timeout: float, relations: int) -> float:
    """Seconds of a ``timeout`` kept for what follows the searches (each
    relation's check and arithmetic, the implied ranges): 10 % of it, and
    2.5 ms per relation (measured), at most half of it."""
    return min(0.1 * timeout + 0.0025 * relations, 0.5 * timeout)


def _figure_bounds(
    problem: Problem, rounding: Rounding, trailing_zeros: TrailingZeros
) -> tuple[dict[str, Bound], dict[str, float]]:
    bounds, steps = {}, {}
    for fid, binding in problem.bindings.items():
        lo, hi = binding.figure.canonical_interval(
            binding.canonical, rounding, trailing_zeros, factor=binding.factor
        )
        bounds[fid] = Bound(binding.node, lo, hi, fid)
        steps[fid] = (
            float(binding.figure.effective_step(trailing_zeros)) * binding.factor
        )
    return bounds, steps


def _related(solver: Feasibility) -> set[str]:
    """Figures tied, through some chain of relations, to at least one other figure.

    A figure alone in its component (ore mined, a quarter's throughput with
    nothing else printed for that quarter) can be neither confirmed nor refuted.
    """
    return {f for keys in solver.figures_of.values() if len(keys) > 1 for f in keys}


def check_release(
    release: Release,
    *,
    rounding: Rounding | None = None,
    trailing_zeros: TrailingZeros = "significant",
    max_culprits: int = 3,
    explain: bool = True,
    timeout: float | None = None,
) -> CheckReport:
    """Check that the figures of a release can all be true at once.

    Parameters
    ----------
    release : Release
        The release, as read by :func:`massbalance.io.read_release`.
    rounding : {"nearest", "truncate", "either"}, optional
        How the figures were rounded; the release's own statement by default.
    trailing_zeros : {"significant", "ambiguous"}
        Read ``"1,200 t"`` as printed to 1 t, or take the widest reading (100 t).
    max_culprits : int
        The largest culprit set searched for, per disagreement (at most
        :data:`MAX_CULPRITS`).
    explain : bool
        Test the explanations of each disagreement (truncation, day counts,
        slips of the pen); each reported one has a verified witness.
    timeout : float, optional
        A budget in seconds for the whole check. The witness searches,
        bisections, culprit search and explanations stop early enough
        (checked at every residual evaluation and between tests) for the
        rest of the check to fit in the budget; a verdict already proven
        (a proof or a verified witness) stands, and
        :attr:`CheckReport.timed_out` is set. A verdict not reached in time
        is ``undetermined``.

    Returns
    -------
    CheckReport
        ``consistent`` with a verified witness, ``inconsistent`` with a proof
        (the conflicts) and the smallest culprit sets ranked by cost, or
        ``undetermined`` with what was tried.

    Raises
    ------
    ReleaseFormatError, AssayError, UnitError
        If a figure cannot be used (see :func:`build_problem`).
    """
    rounding = rounding or release.rounding
    if rounding not in ROUNDING_METHODS:
        raise ValueError(
            f"rounding must be one of {ROUNDING_METHODS}, got {rounding!r}"
        )
    if trailing_zeros not in TRAILING_ZEROS_READINGS:
        raise ValueError(
            f"trailing_zeros must be one of {TRAILING_ZEROS_READINGS}, got {trailing_zeros!r}"
        )
    if not 1 <= max_culprits <= MAX_CULPRITS:
        raise ValueError(
            f"max_culprits must be between 1 and {MAX_CULPRITS}, got {max_culprits!r}"
        )
    if timeout is not None and not timeout > 0:
        raise ValueError(
            f"timeout must be a positive number of seconds, got {timeout!r}"
        )
    started = time.monotonic()
    problem = build_problem(release)
    deadline = (
        math.inf
        if timeout is None
        else started + timeout - _reserve(timeout, len(problem.relations))
    )
    bounds, steps = _figure_bounds(problem, rounding, trailing_zeros)
    hints = {
        b.node: float(b.figure.number) * b.factor
        for b in problem.bindings.values()
        if problem.graph.kind[b.node] == Op.VAR
    }
    solver = Feasibility(
        problem.graph, problem.structural, bounds, steps, hints=hints, deadline=deadline
    )
    related = _related(solver)
    candidates = [f for f in bounds if f in related]
    notes: list[str] = []

    outcome = solver.test(frozenset())
    verdict: Verdict
    culprits: list[Culprit] = []
    diagnosis: Diagnosis | None = None
    conflicts: list[frozenset[str]] = []
    unknown: list[frozenset[str]] = []
    if outcome.status == "feasible":
        verdict = "consistent"
    elif outcome.status == "infeasible":
        verdict = "inconsistent"
        diagnosis = diagnose(
            problem, solver, candidates, max_culprits, trailing_zeros, deadline
        )
        conflicts = diagnosis.conflicts
        unknown = diagnosis.unknown
        culprits = diagnosis.culprits
        for k, group in enumerate(diagnosis.groups, start=1):
            if not group.culprits:
                notes.append(
                    f"D{k}: no set of {max_culprits} figures or fewer explains "
                    "this disagreement; try --max-culprits"
                )
        if not culprits and all(g.culprits for g in diagnosis.groups):
            notes.append(
                "no combination of the disagreements' culprit sets lets every "
                "other figure hold: they interact through unprinted quantities"
            )
    else:
        verdict = "undetermined"
        notes.append(
            "interval propagation with bisection found no contradiction, and "
            "least squares from the box midpoint and printed values found no witness"
        )
    if unknown:
        notes.append(
            f"{len(unknown)} candidate culprit set(s) could be neither confirmed nor refuted"
        )

    cheapest = frozenset(culprits[0].figures) if culprits else frozenset()
    # suspect: in another culprit set, release-wide or of one disagreement
    each = [c for g in (diagnosis.groups if diagnosis else []) for c in g.culprits]
    others = {f for c in [*culprits[1:], *each] for f in c.figures} - cheapest
    if verdict == "inconsistent" and not culprits:
        others = {f for c in conflicts for f in c}
    with_implied = verdict == "consistent" or bool(culprits)
    implied = implied_ranges(solver, cheapest, problem.bindings) if with_implied else {}
    figures = [
        _figure_result(
            problem,
            fid,
            rounding,
            trailing_zeros,
            status="flagged"
            if fid in cheapest
            else "suspect"
            if fid in others
            else "ok"
            if fid in related
            else "unchecked",
            enclosure=implied.get(fid),
        )
        for fid in problem.bindings
    ]
    figures += [_nil_result(figure, kind) for figure, kind in problem.nil]
    # with no release-wide culprit set, the figures of the conflicts found:
    # releasing them all lets the rest hold (that ended the search for them),
    # so a relation outside them cannot fail on its own
    complete = diagnosis is not None and diagnosis.complete
    covered = frozenset(f for c in conflicts for f in c) if complete else frozenset()
    by_node: dict[int, str] = {}  # a node's first figure, for the arithmetic
    for fid, binding in problem.bindings.items():
        by_node.setdefault(binding.node, fid)
    relations = [
        RelationResult(
            id=relation.id,
            kind=relation.kind,
            figures=relation.figures,
            status="violated"
            if _may_fail(relation.figures, verdict, cheapest or covered)
            and _violated(solver, relation.figures)
            else "ok",
            arithmetic=None
            if relation.kind in ("balance", "total", "duplicate")
            else _arithmetic(
                problem, by_node, relation.nodes[0], solver, relation.figures
            ),
        )
        for relation in problem.relations
    ]
    derived = []
    repaired = (
        solver.propagate(solver.active(cheapest)) if verdict != "undetermined" else None
    )
    if repaired is not None:
        for item in problem.derived:
            enclosure = hull(problem.graph, repaired, item.node)
            interval = to_printed(enclosure, item.factor)
            derived.append(DerivedResult(item.id, interval, item.unit_label))

    explained = tuple(_conflict(problem, solver, c, cheapest) for c in conflicts)
    violated = [r for r in relations if r.status == "violated"]
    groups = diagnosis.groups if diagnosis else []
    # a violated relation belongs to the disagreement holding most of its figures
    home = {
        r.id: max(groups, key=lambda g: len(g.figures & set(r.figures)))
        for r in violated
        if any(not g.figures.isdisjoint(r.figures) for g in groups)
    }
    explanations = (
        explain_groups(
            problem,
            solver,
            [(f"D{k}", g.figures, g.others) for k, g in enumerate(groups, start=1)],
            rounding,
            trailing_zeros,
            deadline,
        )
        if explain and groups
        else {}
    )
    found = tuple(
        Disagreement(
            id=f"D{k}",
            figures=tuple(sorted(group.figures)),
            conflicts=tuple(group.conflicts),
            culprits=tuple(group.culprits),
            relations=tuple(r.id for r in violated if home.get(r.id) is group),
            exceeded=not group.culprits,
            explanations=tuple(explanations.get(f"D{k}", ())),
        )
        for k, group in enumerate(groups, start=1)
    )
    witness = {}
    if outcome.witness:
        names = problem.graph.names
        witness = {names[v]: x for v, x in outcome.witness.items() if names[v]}
    timed_out = time.monotonic() > deadline
    if timed_out:
        notes.append(
            "the time budget ran out: culprit sets and explanations are those "
            "found within it"
        )
    return CheckReport(
        verdict=verdict,
        rounding=rounding,
        trailing_zeros=trailing_zeros,
        max_culprits=max_culprits,
        figures=tuple(figures),
        relations=tuple(relations),
        culprits=tuple(culprits),
        derived=tuple(derived),
        conflicts=explained,
        disagreements=found,
        timed_out=timed_out,
        notes=tuple(notes),
        issuer=release.issuer,
        title=release.title,
        path=release.path,
        witness=witness,
    )


def _figure_result(
    problem: Problem,
    fid: str,
    rounding: Rounding,
    trailing_zeros: TrailingZeros,
    *,
    status: str,
    enclosure: tuple[float, float] | None,
) -> FigureResult:
    """One figure's row; ``enclosure`` is its range (canonical units) with the
    cheapest culprit set and the figure itself set aside."""
    binding = problem.bindings[fid]
    figure = binding.figure
    lo, hi = figure.interval(rounding, trailing_zeros)
    implied = None
    if enclosure is not None:
        implied = to_printed(enclosure, binding.factor)
        if status == "ok" and enclosure[1] == math.inf and enclosure[0] <= 0.0:
            status = "unchecked"  # the others leave it free (a change to an
            # unprinted quantity, a mass bounded by nothing printed)
    return FigureResult(
        id=fid,
        printed=figure.text,
        unit=figure.unit_label,
        number=float(figure.number),
        step=float(figure.effective_step(trailing_zeros)),
        interval=(float(lo), float(hi)),
        implied=implied,
        status=status,
        kind=binding.kind,
        trailing_zeros=figure.trailing_zeros if trailing_zeros == "significant" else 0,
    )


def _nil_result(figure: Figure, kind: str) -> FigureResult:
    """An empty table cell: listed as not printed, never checked."""
    return FigureResult(
        id=figure.id,
        printed=figure.text,
        unit="",
        number=0.0,
        step=0.0,
        interval=(0.0, 0.0),
        implied=None,
        status="nil",
        kind=kind,
    )


def _may_fail(
    figures: Iterable[str], verdict: Verdict, cheapest: frozenset[str]
) -> bool:
    """Whether a relation's own figures can be in conflict at all.

    A witness shows that the figures outside the cheapest culprit set hold
    together (all of them, when the release is consistent), so no subset of
    them can be proved in conflict: only a relation with a figure in that set
    needs the local test.
    """
    if verdict == "consistent":
        return False
    if verdict == "inconsistent" and cheapest:
        return not cheapest.isdisjoint(figures)
    return True


def _violated(solver: Feasibility, figures: Iterable[str]) -> bool:
    """Whether a relation's own figures cannot hold together (a local proof)."""
    local = [f for f in figures if f in solver.figures]
    return len(local) > 1 and solver.proved_empty(solver.local(local), branch=False)


def _arithmetic(
    problem: Problem,
    by_node: dict[int, str],
    node: int,
    solver: Feasibility,
    figures: Iterable[str],
) -> Arithmetic | None:
    """The relation with printed values put in, evaluated at them, and the
    range its other figures allow within their rounding (``by_node``: each
    bound node's first figure)."""
    graph = problem.graph
    point: dict[int, float] = {}
    missing = False

    def term(n: int, top: bool) -> Term:
        nonlocal missing
        if not top and n in by_node:
            binding = problem.bindings[by_node[n]]
            if graph.kind[n] == Op.VAR:
                point[n] = float(binding.figure.number) * binding.factor
            return Term("figure", ref=by_node[n])
        kind = graph.kind[n]
        if kind == Op.VAR:
            missing = True
            return Term("name", ref=graph.names[n])
        if kind == Op.CONST:
            return Term("days", value=graph.offset[n])  # constants are calendar days
        args = graph.args[n]
        if kind == Op.SUM:
            return Term(
                "sum",
                value=graph.offset[n],
                coefs=tuple(graph.coef[n]),
                args=tuple(term(a, False) for a in args),
            )
        op = "mul" if kind == Op.MUL else "div"
        return Term(op, args=(term(args[0], False), term(args[1], False)))

    if node not in by_node:
        return None
    expression = term(node, True)
    fid = by_node[node]
    if missing:
        return Arithmetic(fid, expression)
    binding = problem.bindings[fid]
    # evaluate with figures at their printed values, keeping bound sub-nodes at theirs
    values: dict[int, float] = {}
    for n in graph.subtree([node]):
        if n in by_node and n != node:
            b = problem.bindings[by_node[n]]
            values[n] = float(b.figure.number) * b.factor
        elif graph.kind[n] == Op.VAR:
            values[n] = point.get(n, 0.0)
        elif graph.kind[n] == Op.CONST:
            values[n] = graph.offset[n]
        elif graph.kind[n] == Op.SUM:
            total = 0.0
            for c, a in zip(graph.coef[n], graph.args[n], strict=True):
                total += c * values[a]
            values[n] = graph.offset[n] + total
        elif graph.kind[n] == Op.MUL:
            values[n] = values[graph.args[n][0]] * values[graph.args[n][1]]
        else:
            den = values[graph.args[n][1]]
            values[n] = values[graph.args[n][0]] / den if den else math.inf
    result = values[node] / binding.factor
    others = [f for f in figures if problem.bindings[f].node != node]
    box = solver.propagate(solver.local(others)) if others else None
    span = None
    if box is not None:
        lo, hi = to_printed(hull(problem.graph, box, node), binding.factor)
        if math.isfinite(lo) and math.isfinite(hi):
            span = (lo, hi)
    return Arithmetic(fid, expression, result, span)


def _conflict(
    problem: Problem,
    solver: Feasibility,
    conflict: Iterable[str],
    cheapest: frozenset[str],
) -> Conflict:
    """A conflict, with the range its other members imply for one of them
    (in the printed units)."""
    members = sorted(conflict)
    if not members:
        return Conflict(())
    focus = next((f for f in members if f in cheapest), members[0])
    binding = problem.bindings[focus]
    box = solver.propagate(solver.only([f for f in members if f != focus]))
    needed = None
    if box is not None:
        needed = to_printed(hull(problem.graph, box, binding.node), binding.factor)
    return Conflict(tuple(members), focus, needed)
