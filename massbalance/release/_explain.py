"""Explanations of a disagreement: one reading of one figure changed, then a witness.

Each hypothesis changes how one figure of a disagreement is read and asks
the certified check whether the disagreement's figures can then all hold
(the other disagreements' figures set aside): an explanation is reported
only when a witness is found and verified by substitution, never on a
heuristic alone.

- ``truncated``: the figure was truncated, or rounded up, rather than
  rounded to nearest;
- ``days``: a throughput was computed over another day count of its
  period's kind (a year of 365 or 366 days, a quarter of 90-92, a month of
  28-31, a half-year of 181-184);
- ``digit``: the figure fits after one slip of the pen (one digit changed,
  two adjacent digits swapped, a digit dropped or doubled, the separator
  moved by a factor 10^k), reported only when exactly one such printing
  falls in the range the other figures imply for it, so that a long figure
  does not fit some edit by chance;
- ``other_column``: the disagreement's figures hold when the figure's
  quantity is read as the same quantity printed for another period or
  stream (a value copied across into the computation), reported only when
  exactly one such printed value falls in the figure's implied range;
- ``unit``: the figure fits when read in another unit (short ton for
  tonne, avoirdupois for troy ounce, thousands for units, oz/t for g/t, a
  fraction for a percentage, wet for dry tonnes at the stream's printed
  moisture, and back);
- ``printed_parts``: the figure (a total, a % change, a ratio, a
  recovery) is, to its rounding, the same expression evaluated at the
  printed figures it is computed from, and the disagreement's figures hold
  once its printing is read as that and no longer as its true value;
- ``equivalent_of_parts``: a total's metal equivalent is the sum of its
  parts' equivalents, or the total's metals at another period's prices, at
  a verified witness of the disagreement's other figures.

A convention (``truncated``, ``days``) that explains several disagreements
is listed first in each of them, with the ids of all it explains.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from ..figures import Rounding, TrailingZeros
from ..intervals import Bound, Graph, Op, hull
from ._build import Problem
from ._feasibility import Feasibility
from ._result import Explanation

__all__ = ["DAY_COUNTS", "digit_slips", "explain"]

#: the day counts of one kind of period, by the count the file gives
DAY_COUNTS: tuple[tuple[int, ...], ...] = (
    (365, 366),
    (181, 182, 183, 184),
    (90, 91, 92),
    (28, 29, 30, 31),
)
_CONVENTIONS = ("truncated", "days")
_ORDER = {
    "truncated": 0,
    "days": 1,
    "unit": 2,
    "printed_parts": 3,
    "digit": 4,
    "other_column": 5,
    "equivalent_of_parts": 3,
}
_TROY_OUNCE = 31.1034768  # g
_AVOIRDUPOIS_OUNCE = 28.349523125  # g
_SHORT_TON = 0.90718474  # t


class _Tester:
    """Whether a disagreement's figures hold with one figure's bound replaced."""

    def __init__(self, problem: Problem, solver: Feasibility) -> None:
        self.problem = problem
        self.solver = solver
        self.printings: dict[int, frozenset[str]] = {}  # node -> its figures
        self._needed: dict[tuple[str, frozenset[str]], tuple[float, float] | None] = {}
        for k, b in solver.figures.items():
            self.printings[b.node] = self.printings.get(b.node, frozenset()) | {k}

    def fits(self, fid: str, others: frozenset[str], lo: float, hi: float) -> bool:
        """A verified witness with ``fid`` in [lo, hi] (canonical units).

        Every printing of the quantity (a figure and its ``also``) is read
        the new way: one reading of one quantity changes.
        """
        solver = self.solver
        comp = solver.component_of[fid]
        node = solver.figures[fid].node
        released = others | self.printings[node]
        bounds = [*solver.active(released, [comp]), Bound(node, lo, hi, fid)]
        box = solver.propagate(bounds)
        if box is None:
            return False
        return solver.witness(bounds, box) is not None

    def witness(self, fid: str, others: frozenset[str]) -> dict[int, float] | None:
        """A verified witness of the disagreement with ``fid`` read as nothing:
        its variables' values, or None."""
        solver = self.solver
        comp = solver.component_of[fid]
        released = others | self.printings[solver.figures[fid].node]
        bounds = solver.active(released, [comp])
        box = solver.propagate(bounds)
        return None if box is None else solver.witness(bounds, box)

    def needed(self, fid: str, others: frozenset[str]) -> tuple[float, float] | None:
        """The range of ``fid`` the other figures imply (canonical units)."""
        key = (fid, others)
        if key not in self._needed:
            self._needed[key] = self._implied(fid, others)
        return self._needed[key]

    def _implied(self, fid: str, others: frozenset[str]) -> tuple[float, float] | None:
        solver = self.solver
        comp = solver.component_of[fid]
        released = others | self.printings[solver.figures[fid].node]
        box = solver.propagate(solver.active(released, [comp]))
        if box is None:
            return None
        return hull(solver.graph, box, solver.figures[fid].node)


def _outward(lo: float, hi: float) -> tuple[float, float]:
    return math.nextafter(lo, -math.inf), math.nextafter(hi, math.inf)


def _truncated(
    tester: _Tester, fid: str, others: frozenset[str], trailing_zeros: TrailingZeros
) -> Explanation | None:
    binding = tester.problem.bindings[fid]
    figure = binding.figure
    v, s = figure.number, figure.effective_step(trailing_zeros)
    readings = (
        ("truncated", (v, v + s) if v >= 0 else (v - s, v)),
        ("rounded up", (v - s, v) if v >= 0 else (v, v + s)),
    )
    for name, (lo, hi) in readings:
        c_lo, c_hi = _outward(float(lo) * binding.factor, float(hi) * binding.factor)
        if binding.kind in ("mass", "contained", "grade", "recovery", "throughput"):
            c_lo = max(c_lo, 0.0) if float(lo) >= 0 else c_lo
        if tester.fits(fid, others, c_lo, c_hi):
            return Explanation("truncated", (fid,), (name,))
    return None


def _days(tester: _Tester, fid: str, others: frozenset[str]) -> Explanation | None:
    problem = tester.problem
    binding = problem.bindings[fid]
    graph = problem.graph
    node = binding.node
    if binding.kind != "throughput" or graph.kind[node] != Op.DIV:
        return None
    den = graph.args[node][1]
    if graph.kind[den] != Op.CONST:
        return None
    days = graph.offset[den]
    kind = next((k for k in DAY_COUNTS if days in k), None)
    if kind is None or days <= 0:
        return None
    b = tester.solver.figures[fid]
    fitting = []
    for other in kind:
        if other == days:
            continue
        ratio = other / days  # mass / other in [lo, hi]: mass / days in ratio x
        lo, hi = _outward(b.lo * ratio, b.hi * ratio)
        if tester.fits(fid, others, lo, hi):
            fitting.append(float(other))
    if not fitting:
        return None
    return Explanation("days", (fid,), (float(days), *fitting))


def digit_slips(number: Decimal) -> Iterator[tuple[Decimal, str, int]]:
    """Every printing one slip away from ``number``: (value, slip, shift).

    ``shift`` is the power of ten the separator moved by (0 for the others);
    the step of the printing moves with it.
    """
    sign = -1 if number < 0 else 1
    text = format(abs(number), "f")
    places = len(text.split(".")[1]) if "." in text else 0
    digits = text.replace(".", "")

    def value(ds: str) -> Decimal | None:
        if not ds or not ds.isdigit():
            return None
        return sign * Decimal(ds).scaleb(-places)

    for i, d in enumerate(digits):
        for r in "0123456789":
            if r != d:
                yield from _some(value(digits[:i] + r + digits[i + 1 :]), "changed")
        if i + 1 < len(digits) and digits[i + 1] != d:
            swapped = digits[:i] + digits[i + 1] + d + digits[i + 2 :]
            yield from _some(value(swapped), "swapped")
        if len(digits) > 1:
            yield from _some(value(digits[:i] + digits[i + 1 :]), "dropped")
        yield from _some(value(digits[:i] + d + digits[i:]), "doubled")
    for k in (-3, -2, -1, 1, 2, 3):
        yield number.scaleb(k), "shifted", k


def _some(v: Decimal | None, slip: str) -> Iterator[tuple[Decimal, str, int]]:
    if v is not None:
        yield v, slip, 0


def _printing(text: str, number: Decimal, new: Decimal, shift: int) -> str:
    """``text`` with its number replaced by ``new``, written the same way."""
    old = format(abs(number), "f")
    places = len(old.split(".")[1]) if "." in old else 0
    places = max(places - shift, 0)
    grouped = "," in text
    written = f"{abs(new):,.{places}f}" if grouped else f"{abs(new):.{places}f}"
    if new < 0:
        written = "-" + written
    start = next((i for i, ch in enumerate(text) if ch.isdigit()), None)
    if start is None:
        return written
    end = start
    while end < len(text) and (text[end].isdigit() or text[end] in ",."):
        end += 1
    head = text[:start]
    if head.endswith("-"):
        head = head[:-1]
    return head + written + text[end:]


def _digit(
    tester: _Tester,
    fid: str,
    others: frozenset[str],
    rounding: Rounding,
    trailing_zeros: TrailingZeros,
) -> Explanation | None:
    binding = tester.problem.bindings[fid]
    figure = binding.figure
    need = tester.needed(fid, others)
    if need is None:
        return None
    p_lo, p_hi = need[0] / binding.factor, need[1] / binding.factor
    lo0, hi0 = figure.interval(rounding, trailing_zeros)
    below, above = float(figure.number - lo0), float(hi0 - figure.number)
    hits: dict[Decimal, tuple[str, int, float, float]] = {}
    step = figure.effective_step(trailing_zeros)
    for value, slip, shift in digit_slips(figure.number):
        if abs(value - figure.number) <= step:
            continue  # the next printing up or down: a rounding, not a slip
        scale = 10.0**shift
        lo, hi = float(value) - below * scale, float(value) + above * scale
        if hi >= p_lo and lo <= p_hi and value != figure.number:
            hits.setdefault(value, (slip, shift, lo, hi))
    if len(hits) != 1:  # none, or not unique within the implied range
        return None
    ((value, (slip, shift, lo, hi)),) = hits.items()
    c_lo, c_hi = _outward(lo * binding.factor, hi * binding.factor)
    if not tester.fits(fid, others, c_lo, c_hi):
        return None
    printing = _printing(figure.text, figure.number, value, shift)
    return Explanation("digit", (fid,), (printing, slip))


def _key(fid: str) -> tuple[str, ...]:
    """A figure id without its ``alsoN`` suffix, split at dots."""
    parts = fid.split(".")
    if parts and parts[-1].startswith("also"):
        parts = parts[:-1]
    return tuple(parts)


def _same_quantity(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether ``b`` prints the quantity ``a`` prints, for another period or
    stream: the same id but the period, or (a mass or a grade of one
    element) the same period but the stream."""
    if a == b or len(a) != len(b) or len(a) < 2 or "change" in (a[0], b[0]):
        return False
    if a[1:] == b[1:]:
        return True
    if a[0] != b[0] or a[1] != b[1]:
        return False
    return (a[1] == "mass" and len(a) == 3) or (
        a[1] == "grade" and len(a) == 4 and a[3] == b[3]
    )


def _other_column(
    tester: _Tester,
    fid: str,
    others: frozenset[str],
    rounding: Rounding,
    trailing_zeros: TrailingZeros,
) -> Explanation | None:
    problem = tester.problem
    binding = problem.bindings[fid]
    need = tester.needed(fid, others)
    if need is None:
        return None
    mine = _key(fid)
    hits: dict[float, tuple[str, float, float]] = {}
    for oid, other in problem.bindings.items():
        if other.node == binding.node or other.kind != binding.kind:
            continue
        if not _same_quantity(mine, _key(oid)):
            continue
        lo, hi = other.figure.interval(rounding, trailing_zeros)
        c_lo, c_hi = float(lo) * other.factor, float(hi) * other.factor
        value = float(other.figure.number) * other.factor
        if math.isclose(value, float(binding.figure.number) * binding.factor):
            continue  # the same printed value: no other reading
        if c_hi >= need[0] and c_lo <= need[1]:
            hits.setdefault(value, (oid, c_lo, c_hi))
    if len(hits) != 1:  # none, or not unique within the implied range
        return None
    ((oid, c_lo, c_hi),) = hits.values()
    if not tester.fits(fid, others, *_outward(c_lo, c_hi)):
        return None
    return Explanation("other_column", (fid,), (oid,))


def _unit_readings(problem: Problem, fid: str) -> Iterator[tuple[str, float]]:
    """Other units the figure may have been printed in: (name, true value
    per value read as printed)."""
    binding = problem.bindings[fid]
    unit = str(binding.figure.unit)
    if binding.kind in ("mass", "wet_mass", "throughput", "contained", "equivalent"):
        if "metric_ton" in unit or unit.startswith("tonne"):
            yield "short tons", _SHORT_TON
        elif "short_ton" in unit:
            yield "tonnes", 1 / _SHORT_TON
        if unit == "troy_ounce":
            yield "avoirdupois ounces", _AVOIRDUPOIS_OUNCE / _TROY_OUNCE
        elif unit == "ounce":
            yield "troy ounces", _TROY_OUNCE / _AVOIRDUPOIS_OUNCE
        if binding.kind != "throughput":
            yield "thousands", 1000.0
            yield "units, not thousands", 0.001
    if binding.kind == "grade":
        if unit == "gram / metric_ton":
            yield "troy ounces per tonne", _TROY_OUNCE
            yield "troy ounces per short ton", _TROY_OUNCE / _SHORT_TON
        elif unit == "troy_ounce / metric_ton":
            yield "grams per tonne", 1 / _TROY_OUNCE
        elif unit == "troy_ounce / short_ton":
            yield "grams per tonne", _SHORT_TON / _TROY_OUNCE
    if binding.kind in ("grade", "recovery", "moisture", "change"):
        if unit == "percent":
            yield "a fraction, not %", 100.0
        elif unit == "dimensionless":
            yield "%, not a fraction", 0.01
    if binding.kind in ("mass", "wet_mass") and len(_key(fid)) == 3:
        period, _, stream = _key(fid)
        moisture = problem.bindings.get(f"{period}.moisture.{stream}")
        if moisture is not None:
            m = float(moisture.figure.number) * moisture.factor
            if 0.0 < m < 1.0:
                if binding.kind == "mass":
                    yield f"wet tonnes at {moisture.figure.text} moisture", 1 - m
                else:
                    yield f"dry tonnes at {moisture.figure.text} moisture", 1 / (1 - m)


def _unit(tester: _Tester, fid: str, others: frozenset[str]) -> Explanation | None:
    b = tester.solver.figures[fid]
    readings = [
        (name, *_outward(b.lo * ratio, b.hi * ratio))
        for name, ratio in _unit_readings(tester.problem, fid)
    ]
    need = tester.needed(fid, others) if readings else None
    if need is None:
        return None
    fitting = [
        name
        for name, lo, hi in readings
        if hi >= need[0] and lo <= need[1] and tester.fits(fid, others, lo, hi)
    ]
    if not fitting:
        return None
    return Explanation("unit", (fid,), tuple(fitting))


def _evaluate(
    graph: Graph, node: int, leaf: Callable[[int], float | None]
) -> float | None:
    """``node``'s expression, with ``leaf(n)`` for every node ``n`` it gives a
    value for (None: go on down), or None where a variable is left."""
    given = leaf(node)
    if given is not None:
        return given
    kind = graph.kind[node]
    if kind == Op.CONST:
        return float(graph.offset[node])
    if kind == Op.VAR:
        return None
    values = []
    for child in graph.args[node]:
        v = _evaluate(graph, child, leaf)
        if v is None:
            return None
        values.append(v)
    if kind == Op.SUM:
        return float(graph.offset[node]) + sum(
            c * v for c, v in zip(graph.coef[node], values, strict=True)
        )
    if kind == Op.MUL:
        return values[0] * values[1]
    return None if values[1] == 0.0 else values[0] / values[1]


def _printed_parts(
    tester: _Tester, fid: str, others: frozenset[str]
) -> Explanation | None:
    problem, solver = tester.problem, tester.solver
    node = problem.bindings[fid].node
    if problem.graph.kind[node] in (Op.VAR, Op.CONST):
        return None
    printed: dict[int, float] = {}
    names: dict[int, str] = {}
    for oid, other in problem.bindings.items():
        if other.node != node and other.node not in printed:
            printed[other.node] = float(other.figure.number) * other.factor
            names[other.node] = oid
    parts: list[str] = []

    def leaf(n: int) -> float | None:
        if n in printed:
            parts.append(names[n])
        return printed.get(n)

    value = _evaluate(problem.graph, node, leaf)
    b = solver.figures[fid]
    if value is None or not b.lo <= value <= b.hi:
        return None
    if not tester.fits(fid, others, -math.inf, math.inf):
        return None
    ids = tuple(dict.fromkeys(parts))
    binding = problem.bindings[fid]
    return Explanation("printed_parts", (fid, *ids), (value / binding.factor,))


def _equivalent_parts(problem: Problem, fid: str) -> dict[str, str]:
    """The other periods printing ``fid``'s equivalent: period -> figure id."""
    mine = _key(fid)
    return {
        _key(oid)[0]: oid
        for oid, b in problem.bindings.items()
        if b.kind == "equivalent"
        and _key(oid)[0] != mine[0]
        and _key(oid)[1:] == mine[1:]
    }


def _base_metal(problem: Problem, node: int) -> int | None:
    """The base metal's node of an equivalent's node: its term with no price
    or ratio in it."""
    graph = problem.graph
    if graph.kind[node] != Op.SUM:
        return None
    priced = {b.node for b in problem.bindings.values() if b.kind in ("price", "ratio")}
    return next(
        (a for a in graph.args[node] if priced.isdisjoint(graph.subtree([a]))), None
    )


def _equivalent_of_parts(
    tester: _Tester, fid: str, others: frozenset[str]
) -> Explanation | None:
    """A total's equivalent printed as the sum of its parts' equivalents, or
    at another period's prices: the value, at a verified witness of the
    disagreement without ``fid``, falls in ``fid``'s printed interval."""
    problem, solver = tester.problem, tester.solver
    if problem.bindings[fid].kind != "equivalent":
        return None
    graph, node = problem.graph, problem.bindings[fid].node
    periods = _equivalent_parts(problem, fid)
    if not periods:
        return None
    x = tester.witness(fid, others)
    if x is None:
        return None
    b = solver.figures[fid]

    def at(n: int) -> float | None:
        return x.get(n) if graph.kind[n] == Op.VAR else None

    base = _base_metal(problem, node)
    if base is not None:
        # the parts: the periods whose base metal shares a variable with ours
        mine = set(graph.subtree([base]))
        parts = {}
        for q, oid in periods.items():
            theirs = _base_metal(problem, problem.bindings[oid].node)
            if theirs is not None and any(
                graph.kind[n] == Op.VAR and n in mine for n in graph.subtree([theirs])
            ):
                parts[q] = oid
        if len(parts) >= 2:
            values = [
                _evaluate(graph, problem.bindings[o].node, at) for o in parts.values()
            ]
            total = math.fsum(v for v in values if v is not None)
            if None not in values and b.lo <= total <= b.hi:
                return Explanation("equivalent_of_parts", (fid,), ("sum", *parts))
    period = _key(fid)[0]
    for q in periods:
        swap = {}
        for oid, other in problem.bindings.items():
            k = _key(oid)
            if other.kind in ("price", "ratio") and k[0] == period:
                twin = problem.bindings.get(".".join((q, *k[1:])))
                if twin is not None:
                    swap[other.node] = twin.node
        if not swap or any(n not in x for n in swap.values()):
            continue  # another component: its prices are not at this witness

        def swapped(n: int, swap: dict[int, int] = swap) -> float | None:
            return x[swap[n]] if n in swap else at(n)

        value = _evaluate(graph, node, swapped)
        if value is not None and b.lo <= value <= b.hi:
            return Explanation("equivalent_of_parts", (fid,), ("prices", q))
    return None


def explain(
    problem: Problem,
    solver: Feasibility,
    groups: Iterable[tuple[str, frozenset[str], frozenset[str]]],
    rounding: Rounding,
    trailing_zeros: TrailingZeros,
    deadline: float = math.inf,
) -> dict[str, list[Explanation]]:
    """The explanations of each disagreement, ranked (those found by
    ``deadline``, a :func:`time.monotonic` time).

    ``groups``: (id, figures, the other disagreements' figures) each.
    """
    tester = _Tester(problem, solver)
    found: dict[str, list[Explanation]] = {}
    for gid, figures, others in groups:
        mine: list[Explanation] = []
        tested: set[int] = set()
        for fid in sorted(figures):
            node = solver.figures[fid].node
            if node in tested:  # another printing of a quantity already tried
                continue
            if time.monotonic() > deadline:
                break
            tested.add(node)
            if rounding == "nearest":
                hit = _truncated(tester, fid, others, trailing_zeros)
                if hit:
                    mine.append(hit)
            hit = _days(tester, fid, others)
            if hit:
                mine.append(hit)
            hit = _unit(tester, fid, others)
            if hit:
                mine.append(hit)
            hit = _printed_parts(tester, fid, others)
            if hit:
                mine.append(hit)
            hit = _equivalent_of_parts(tester, fid, others)
            if hit:
                mine.append(hit)
            hit = _digit(tester, fid, others, rounding, trailing_zeros)
            if hit:
                mine.append(hit)
            hit = _other_column(tester, fid, others, rounding, trailing_zeros)
            if hit:
                mine.append(hit)
        found[gid] = mine

    def convention(e: Explanation) -> tuple[str, str | float]:
        # truncation and rounding up are two conventions; a day count is one
        return (e.kind, e.detail[0] if e.kind == "truncated" else "")

    explained_by: dict[tuple[str, str | float], list[str]] = {}
    for gid, es in found.items():
        for e in es:
            if e.kind in _CONVENTIONS:
                ids = explained_by.setdefault(convention(e), [])
                if gid not in ids:
                    ids.append(gid)
    out: dict[str, list[Explanation]] = {}
    for gid, es in found.items():
        shared = [
            Explanation(e.kind, e.figures, e.detail, tuple(explained_by[convention(e)]))
            if e.kind in _CONVENTIONS
            else Explanation(e.kind, e.figures, e.detail, (gid,))
            for e in es
        ]
        out[gid] = sorted(
            shared,
            key=lambda e: (-len(e.shared), len(e.figures), _ORDER[e.kind], e.figures),
        )
    return out
