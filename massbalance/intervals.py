"""Interval arithmetic on an expression graph, and an HC4 contractor.

The release check writes every printed figure as a bound on a node of a
directed acyclic graph of expressions over the unknown true quantities
(masses, grades, days): sums, products and quotients. :func:`propagate`
contracts the box of every node by forward evaluation and backward projection
(HC4) to a fixpoint, rounding every bound outward, so that the enclosure is
rigorous: if a node's interval becomes empty, no choice of true values
satisfies the active constraints, and that is a proof.

Nodes are hash-consed, so a sub-expression shared by two relations (the silver
contained in the concentrates, say, which both the contained figure and the
recovery figure use) is one node, and what one relation learns about it the
other uses.

Examples
--------
>>> g = Graph()
>>> mass, grade = g.var("mass", 0.0, math.inf), g.var("grade", 0.0, 1.0)
>>> metal = g.mul(mass, grade)
>>> box = propagate(g, [Bound(mass, 2375.5, 2376.5), Bound(grade, 0.675, 0.685),
...                     Bound(metal, 1629.5, 1630.5)])
>>> box is None
True
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

__all__ = [
    "Bound",
    "Box",
    "Graph",
    "Op",
    "hull",
    "propagate",
]

_INF = math.inf
_NINF = -math.inf
_RTOL = 1e-8  #: a narrowing smaller than this fraction of a width is not pursued
_nextafter = math.nextafter


def _mul(al: float, ah: float, bl: float, bh: float) -> tuple[float, float]:
    """Outward-rounded product of two intervals (0 x inf taken as 0)."""
    if al >= 0.0 and bl >= 0.0:
        lo = al * bl
        hi = ah * bh
        if lo != lo:
            lo = 0.0
        if hi != hi:
            hi = 0.0 if (ah == 0.0 or bh == 0.0) else _INF
        return _nextafter(lo, _NINF), _nextafter(hi, _INF)
    products = [al * bl, al * bh, ah * bl, ah * bh]
    products = [0.0 if p != p else p for p in products]
    return _nextafter(min(products), _NINF), _nextafter(max(products), _INF)


def _div(al: float, ah: float, bl: float, bh: float) -> tuple[float, float]:
    """Outward-rounded hull of ``a / b``; the whole line when ``b`` holds 0 badly."""
    if bl > 0.0 or bh < 0.0:
        if (al == -_INF or ah == _INF) and (bl == -_INF or bh == _INF):
            return -_INF, _INF  # inf / inf
        if al >= 0.0 and bl > 0.0:  # the common case: both positive
            return _nextafter(al / bh, _NINF), _nextafter(ah / bl, _INF)
        q1, q2, q3, q4 = al / bl, al / bh, ah / bl, ah / bh
        return _nextafter(min(q1, q2, q3, q4), _NINF), _nextafter(
            max(q1, q2, q3, q4), _INF
        )
    if bl == 0.0 and bh > 0.0:
        if al >= 0.0:
            return _nextafter(al / bh, _NINF), _INF
        if ah <= 0.0:
            return -_INF, _nextafter(ah / bh, _INF)
    elif bh == 0.0 and bl < 0.0:
        if al >= 0.0:
            return -_INF, _nextafter(al / bl, _INF)
        if ah <= 0.0:
            return _nextafter(ah / bl, _NINF), _INF
    return -_INF, _INF


class Op(IntEnum):
    """The kinds of node."""

    VAR = 0  #: an unknown, with physical bounds
    CONST = 1  #: an exact constant
    SUM = 2  #: sum of coefficient x child, plus an offset
    MUL = 3  #: product of two children
    DIV = 4  #: quotient of two children


# plain ints for the hot loops (an enum member lookup costs five times more)
_VAR, _CONST, _SUM, _MUL, _DIV = 0, 1, 2, 3, 4


@dataclass(frozen=True, slots=True)
class Bound:
    """A constraint ``lo <= value(node) <= hi``, in canonical units.

    Attributes
    ----------
    node : int
        The node bounded.
    lo, hi : float
        The bounds (``-inf``/``inf`` allowed).
    key : str
        What imposes it: a figure id or a relation id.
    """

    node: int
    lo: float
    hi: float
    key: str = ""


Box = tuple[list[float], list[float]]
"""Lower and upper bounds of every node."""


class Graph:
    """A hash-consed expression graph over unknown quantities.

    Nodes are numbered in creation order, which is a topological order
    (children before parents).
    """

    def __init__(self) -> None:
        self.kind: list[Op] = []
        self.args: list[tuple[int, ...]] = []
        self.coef: list[tuple[float, ...]] = []
        self.offset: list[float] = []
        self.lo0: list[float] = []
        self.hi0: list[float] = []
        self.names: list[str] = []
        self._memo: dict[tuple[object, ...], int] = {}
        self._parents: list[list[int]] = []
        self._subtrees: dict[frozenset[int], list[int]] = {}
        self._plans: dict[frozenset[int], tuple[list[int] | None, frozenset[int]]] = {}
        self._cached_size = 0
        self._ops: dict[int, frozenset[int]] = {}

    def __len__(self) -> int:
        return len(self.kind)

    def _add(
        self,
        kind: Op,
        args: tuple[int, ...],
        coef: tuple[float, ...] = (),
        offset: float = 0.0,
        lo: float = -_INF,
        hi: float = _INF,
        name: str = "",
    ) -> int:
        key = (kind, args, coef, offset) if kind != Op.VAR else (kind, name)
        found = self._memo.get(key)
        if found is not None:
            return found
        index = len(self.kind)
        self.kind.append(kind)
        self.args.append(args)
        self.coef.append(coef)
        self.offset.append(offset)
        self.lo0.append(lo)
        self.hi0.append(hi)
        self.names.append(name)
        self._memo[key] = index
        return index

    def var(self, name: str, lo: float = -_INF, hi: float = _INF) -> int:
        """An unknown named ``name`` within physical bounds (one per name)."""
        index = self._add(Op.VAR, (), lo=lo, hi=hi, name=name)
        self.lo0[index] = max(self.lo0[index], lo)
        self.hi0[index] = min(self.hi0[index], hi)
        return index

    def restrict(self, node: int, lo: float, hi: float) -> int:
        """Give an expression node physical bounds (a grade or recovery in [0, 1])."""
        self.lo0[node] = max(self.lo0[node], lo)
        self.hi0[node] = min(self.hi0[node], hi)
        return node

    def const(self, value: float) -> int:
        """An exact constant."""
        return self._add(Op.CONST, (), offset=value, lo=value, hi=value)

    def sum(self, terms: Iterable[tuple[float, int]], offset: float = 0.0) -> int:
        """``sum(c * node for c, node in terms) + offset``."""
        items = tuple(sorted(terms, key=lambda t: t[1]))
        if len(items) == 1 and items[0][0] == 1.0 and offset == 0.0:
            return items[0][1]
        return self._add(
            Op.SUM,
            tuple(node for _, node in items),
            tuple(float(c) for c, _ in items),
            float(offset),
        )

    def mul(self, a: int, b: int) -> int:
        """``a * b``."""
        a, b = min(a, b), max(a, b)
        return self._add(Op.MUL, (a, b))

    def div(self, a: int, b: int) -> int:
        """``a / b``."""
        return self._add(Op.DIV, (a, b))

    def parents(self) -> list[list[int]]:
        """For every node, the nodes that use it (cached until the graph grows)."""
        if len(self._parents) != len(self.kind):
            parents: list[list[int]] = [[] for _ in self.kind]
            for i, args in enumerate(self.args):
                for a in set(args):
                    parents[a].append(i)
            self._parents = parents
        return self._parents

    def subtree(self, roots: Iterable[int]) -> list[int]:
        """Every node that ``roots`` depend on, roots included, in topological order.

        The list is cached (per set of roots, until the graph grows): do not
        modify it.
        """
        key = frozenset(roots)
        if self._cached_size != len(self.kind):
            self._subtrees.clear()
            self._plans.clear()
            self._ops.clear()
            self._cached_size = len(self.kind)
        found = self._subtrees.get(key)
        if found is not None:
            return found
        seen: set[int] = set()
        stack = list(key)
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(self.args[node])
        found = sorted(seen)
        if len(self._subtrees) > 4096:  # bounded: one check uses far fewer
            self._subtrees.clear()
        self._subtrees[key] = found
        return found

    def _inner_union(
        self, first: Iterable[int], second: Iterable[int]
    ) -> frozenset[int]:
        """The operation nodes under either set of roots, cached under both
        together (so that a chain of additions costs one union each)."""
        a, b = frozenset(first), frozenset(second)
        key = a | b
        self.subtree(())  # resets the caches if the graph grew
        found = self._plans.get(key)
        if found is not None:
            return found[1]
        members = self._members(a) | self._members(b)
        if len(self._plans) > 4096:
            self._plans.clear()
        self._plans[key] = (None, members)
        return members

    def _members(self, key: frozenset[int]) -> frozenset[int]:
        found = self._plans.get(key)
        return found[1] if found is not None else self._inner(key)[1]

    def _ops_under(self, node: int) -> frozenset[int]:
        """The operation nodes under ``node``, itself included (memoised)."""
        found = self._ops.get(node)
        if found is None:
            own = frozenset((node,)) if self.kind[node] >= _SUM else frozenset()
            found = own.union(*(self._ops_under(a) for a in self.args[node]))
            self._ops[node] = found
        return found

    def _inner(self, roots: Iterable[int]) -> tuple[list[int], frozenset[int]]:
        """The operation nodes under ``roots`` (a list in topological order, and
        a set), cached like :meth:`subtree`."""
        key = frozenset(roots)
        self.subtree(())  # resets the caches if the graph grew
        found = self._plans.get(key)
        if found is None or found[0] is None:
            members = frozenset().union(*(self._ops_under(n) for n in key))
            found = (sorted(members), members)
            if len(self._plans) > 4096:
                self._plans.clear()
            self._plans[key] = found
        return found  # type: ignore[return-value]

    # ----------------------------------------------------------- point values
    def evaluate(
        self, values: dict[int, float], nodes: Sequence[int]
    ) -> dict[int, float]:
        """Point values of ``nodes`` (topologically ordered) given variable values."""
        out = dict(values)
        kind, args, coef, offset = self.kind, self.args, self.coef, self.offset
        for i in nodes:
            k = kind[i]
            if k == _VAR:
                continue
            if k == _CONST:
                out[i] = offset[i]
            elif k == _SUM:
                # left to right from 0.0, as the compiled kernels add (the
                # built-in sum is compensated from Python 3.12)
                total = 0.0
                for c, a in zip(coef[i], args[i], strict=True):
                    total += c * out[a]
                out[i] = offset[i] + total
            elif k == _MUL:
                out[i] = out[args[i][0]] * out[args[i][1]]
            else:
                den = out[args[i][1]]
                out[i] = (
                    out[args[i][0]] / den if den != 0.0 else math.copysign(_INF, den)
                )
        return out

    def gradients(
        self, values: dict[int, float], nodes: Sequence[int]
    ) -> dict[int, dict[int, float]]:
        """Sparse gradients (variable -> partial) of ``nodes`` at ``values``."""
        grads: dict[int, dict[int, float]] = {}
        kind, args, coef = self.kind, self.args, self.coef
        for i in nodes:
            k = kind[i]
            if k == _VAR:
                grads[i] = {i: 1.0}
            elif k == _CONST:
                grads[i] = {}
            elif k == _SUM:
                g: dict[int, float] = {}
                for c, a in zip(coef[i], args[i], strict=True):
                    for v, d in grads[a].items():
                        g[v] = g.get(v, 0.0) + c * d
                grads[i] = g
            else:
                a, b = args[i]
                va, vb = values[a], values[b]
                if k == _MUL:
                    ca, cb = vb, va
                else:
                    ca = 1.0 / vb if vb != 0.0 else 0.0
                    cb = -va / (vb * vb) if vb != 0.0 else 0.0
                g = {v: ca * d for v, d in grads[a].items()}
                for v, d in grads[b].items():
                    g[v] = g.get(v, 0.0) + cb * d
                grads[i] = g
        return grads


def _forward(
    graph: Graph, i: int, lo: list[float], hi: list[float]
) -> tuple[float, float]:
    k = graph.kind[i]
    args = graph.args[i]
    if k == _SUM:
        flo = fhi = graph.offset[i]
        for c, a in zip(graph.coef[i], args, strict=True):
            if c == 1.0:
                tlo, thi = lo[a], hi[a]
            elif c == -1.0:
                tlo, thi = -hi[a], -lo[a]
            else:
                tlo, thi = _mul(c, c, lo[a], hi[a])
            flo = _nextafter(flo + tlo, _NINF)
            fhi = _nextafter(fhi + thi, _INF)
        return flo, fhi
    a, b = args
    if k == _MUL:
        return _mul(lo[a], hi[a], lo[b], hi[b])
    return _div(lo[a], hi[a], lo[b], hi[b])


def _narrow(
    node: int, new_lo: float, new_hi: float, lo: list[float], hi: list[float]
) -> int:
    """Intersect; return -1 if empty, 2 if narrowed significantly, 1 if a little, 0 not.

    Significant: the width shrank by more than ``_RTOL`` of itself, or became finite.
    """
    old_lo, old_hi = lo[node], hi[node]
    changed = 0
    if new_lo > old_lo:
        lo[node] = new_lo
        changed = 1
    if new_hi < old_hi:
        hi[node] = new_hi
        changed = 1
    if lo[node] > hi[node]:
        return -1
    if changed:
        old_w = old_hi - old_lo
        new_w = hi[node] - lo[node]
        if old_w == _INF:
            return 2 if new_w < _INF or lo[node] > old_lo * 0.5 + 1.0 else 1
        if new_w < old_w * (1.0 - _RTOL) - 1e-300:
            return 2
    return changed


def _revise_nonnegative(
    i: int, a: int, b: int, is_mul: bool, lo: list[float], hi: list[float]
) -> tuple[int, int, list[int]] | None:
    """Revise ``y = a * b`` or ``y = a / b`` when both operands are non-negative.

    The common case of a release (masses, grades, metal, recoveries), written
    out without the general sign cases; returns None to fall back on them.
    Returns (status of y, status of the projection, significantly narrowed
    children), statuses as :func:`_narrow`.
    """
    al, ah, bl, bh = lo[a], hi[a], lo[b], hi[b]
    if al < 0.0 or bl < 0.0:
        return None
    na = _nextafter
    if is_mul:
        fl, fh = al * bl, ah * bh
        if fh != fh:  # inf x 0
            return None
    else:
        if bl <= 0.0 or (ah == _INF and bh == _INF):
            return None
        fl, fh = al / bh, ah / bl
    # y is non-negative exactly (both operands are), whatever the rounding
    fl, fh = max(na(fl, _NINF), 0.0), na(fh, _INF)
    ystatus = _narrow(i, fl, fh, lo, hi) if fl > lo[i] or fh < hi[i] else 0
    if ystatus < 0:
        return ystatus, 0, []
    yl, yh = lo[i], hi[i]
    changed: list[int] = []
    if is_mul:  # a in y / b, b in y / a
        pairs = ((a, bl, bh), (b, al, ah))
        for child, ol, oh in pairs:
            if ol > 0.0:
                nl = na(yl / oh, -_INF) if oh != _INF else 0.0
                nh = na(yh / ol, _INF) if yh != _INF else _INF
            elif oh > 0.0:
                nl = na(yl / oh, -_INF) if oh != _INF else 0.0
                nh = _INF
            else:
                continue
            if nl <= lo[child] and nh >= hi[child]:
                continue
            status = _narrow(child, nl, nh, lo, hi)
            if status < 0:
                return ystatus, -1, changed
            if status == 2:
                changed.append(child)
    else:  # a in y * b, b in a / y
        nh = yh * bh
        nl, nh = na(yl * bl, _NINF), na(nh, _INF) if nh == nh else _INF
        status = _narrow(a, nl, nh, lo, hi) if nl > al or nh < ah else 0
        if status < 0:
            return ystatus, -1, changed
        if status == 2:
            changed.append(a)
        al, ah = lo[a], hi[a]
        if yh > 0.0 and not (al == _INF and yh == _INF):
            nl = na(al / yh, -_INF) if yh != _INF else 0.0
            nh = na(ah / yl, _INF) if yl > 0.0 and ah != _INF else _INF
            status = _narrow(b, nl, nh, lo, hi) if nl > bl or nh < bh else 0
            if status < 0:
                return ystatus, -1, changed
            if status == 2:
                changed.append(b)
    return ystatus, 0, changed


def _revise_sum(
    i: int,
    args: tuple[int, ...],
    coefs: tuple[float, ...],
    offset: float,
    lo: list[float],
    hi: list[float],
) -> tuple[int, int, list[int]]:
    """Revise ``y = offset + sum(c * x)``: forward, then back onto every term.

    One pass computes the terms and their outward-rounded sums (counting
    infinite bounds apart), which serve both the forward enclosure of ``y``
    and, less one term at a time, the projection onto each term. Returns
    (status of y, status of the projection, significantly narrowed
    children), statuses as :func:`_narrow`.
    """
    na, inf, ninf = _nextafter, _INF, _NINF
    terms: list[tuple[float, float]] = []
    sum_lo = sum_hi = 0.0
    inf_lo = inf_hi = 0
    for c, a in zip(coefs, args, strict=True):
        if c == 1.0:
            tl = lo[a]
            th = hi[a]
        elif c == -1.0:
            tl = -hi[a]
            th = -lo[a]
        else:
            tl, th = _mul(c, c, lo[a], hi[a])
        terms.append((tl, th))
        if tl == ninf:
            inf_lo += 1
        else:
            sum_lo = na(sum_lo + tl, ninf)
        if th == inf:
            inf_hi += 1
        else:
            sum_hi = na(sum_hi + th, inf)
    flo = na(offset + sum_lo, ninf) if inf_lo == 0 else ninf
    fhi = na(offset + sum_hi, inf) if inf_hi == 0 else inf
    ystatus = 0
    ylo, yhi = lo[i], hi[i]
    if flo > ylo or fhi < yhi:
        ystatus = _narrow(i, flo, fhi, lo, hi)
        if ystatus < 0:
            return ystatus, 0, []
        ylo, yhi = lo[i], hi[i]
    if ylo == ninf and yhi == inf:
        return ystatus, 0, []  # y unbounded: nothing to project
    base_lo = na(ylo - offset, ninf)
    base_hi = na(yhi - offset, inf)
    changed: list[int] = []
    j = 0
    for a in args:
        tl, th = terms[j]
        c = coefs[j]
        j += 1
        if tl == ninf:
            rest_lo = sum_lo if inf_lo == 1 else ninf
        else:
            rest_lo = na(sum_lo - tl, ninf) if inf_lo == 0 else ninf
        if th == inf:
            rest_hi = sum_hi if inf_hi == 1 else inf
        else:
            rest_hi = na(sum_hi - th, inf) if inf_hi == 0 else inf
        tlo = na(base_lo - rest_hi, ninf)
        thi = na(base_hi - rest_lo, inf)
        if tlo != tlo or thi != thi:
            continue
        if c == 1.0:
            nlo, nhi = tlo, thi
        elif c == -1.0:
            nlo, nhi = -thi, -tlo
        else:
            nlo, nhi = _div(tlo, thi, c, c)
        if nlo > lo[a] or nhi < hi[a]:
            status = _narrow(a, nlo, nhi, lo, hi)
            if status < 0:
                return ystatus, -1, changed
            if status == 2:
                changed.append(a)
    return ystatus, 0, changed


def _backward(
    graph: Graph, i: int, lo: list[float], hi: list[float]
) -> tuple[int, list[int]]:
    """Project a product's or quotient's interval onto its operands; return
    (status, changed). Sums are revised by :func:`_revise_sum`."""
    k = graph.kind[i]
    args = graph.args[i]
    ylo, yhi = lo[i], hi[i]
    changed: list[int] = []
    a, b = args
    pairs: tuple[tuple[int, tuple[float, float]], ...]
    if k == _MUL:
        pairs = ((a, _div(ylo, yhi, lo[b], hi[b])), (b, _div(ylo, yhi, lo[a], hi[a])))
    else:
        pairs = ((a, _mul(ylo, yhi, lo[b], hi[b])), (b, _div(lo[a], hi[a], ylo, yhi)))
    for child, (nlo, nhi) in pairs:
        status = _narrow(child, nlo, nhi, lo, hi)
        if status < 0:
            return -1, changed
        if status == 2:
            changed.append(child)
    return 0, changed


def propagate(
    graph: Graph,
    bounds: Iterable[Bound],
    *,
    box: Box | None = None,
    base: Iterable[Bound] | None = None,
    empty_at: list[int] | None = None,
) -> Box | None:
    """Contract the box of every node under ``bounds`` (HC4 to a fixpoint).

    Each inner node is a constraint ``node = op(children)``; revising it
    narrows the node by forward evaluation and its children by backward
    projection. A worklist revisits only the constraints next to an interval
    that narrowed significantly (AC3 style), until none is left.

    Parameters
    ----------
    graph : Graph
        The expressions.
    bounds : iterable of Bound
        The active constraints, in canonical units.
    box : Box, optional
        A starting box (for branching); the graph's physical bounds by default.
    base : iterable of Bound, optional
        Bounds that ``box`` is already the propagation of: ``bounds`` are
        added to them. Only the constraints under the new bounds, and those
        next to what they narrow, are revised at first; the others of
        ``base`` when a neighbour narrows. Any box that holds every solution
        is a valid start, so the result is as rigorous as from scratch (and
        as tight, but for narrowings too small to pursue).
    empty_at : list of int, optional
        When the box empties, the node where it did is appended here (a place
        to look for the figures that conflict).

    Returns
    -------
    Box or None
        The contracted box (a rigorous enclosure of every solution), or
        ``None`` when it is empty: a proof that the constraints cannot hold
        together.
    """
    if box is None:
        lo, hi = list(graph.lo0), list(graph.hi0)
    else:
        lo, hi = list(box[0]), list(box[1])
    roots = []
    narrowed = []
    for bound in bounds:  # intersect each bound (as _narrow, written out)
        node = bound.node
        roots.append(node)
        old_lo, old_hi = lo[node], hi[node]
        new_lo = bound.lo if bound.lo > old_lo else old_lo
        new_hi = bound.hi if bound.hi < old_hi else old_hi
        if new_lo > new_hi:
            if empty_at is not None:
                empty_at.append(node)
            return None
        if new_lo != old_lo or new_hi != old_hi:
            lo[node], hi[node] = new_lo, new_hi
            narrowed.append(node)
    kind = graph.kind
    inner, members = graph._inner(roots)
    parents = graph.parents()
    if base is None:
        queue = deque(inner)
    else:  # the constraints under the new bounds, and next to what they narrowed
        if box is None:
            raise ValueError("base needs the box that propagates it")
        members = graph._inner_union([b.node for b in base], roots)
        touched = set(inner)
        touched.update(n for n in narrowed if n in members)
        touched.update(p for n in narrowed for p in parents[n] if p in members)
        queue = deque(sorted(touched))
    # slow, asymptotic contraction is cut off here, which keeps an enclosure
    budget = 60 * len(members) + 100
    queued = set(queue)
    args_of, coef_of, offset_of = graph.args, graph.coef, graph.offset
    while queue and budget > 0:
        budget -= 1
        i = queue.popleft()
        queued.discard(i)
        k = kind[i]
        fast: tuple[int, int, list[int]] | None
        if k == _SUM:
            fast = _revise_sum(i, args_of[i], coef_of[i], offset_of[i], lo, hi)
        else:
            a, b = args_of[i]
            fast = _revise_nonnegative(i, a, b, k == _MUL, lo, hi)
        if fast is not None:
            status, bstatus, changed = fast
        else:
            flo, fhi = _forward(graph, i, lo, hi)
            status = _narrow(i, flo, fhi, lo, hi)
            bstatus, changed = (0, []) if status < 0 else _backward(graph, i, lo, hi)
        if status < 0 or bstatus < 0:
            if empty_at is not None:
                empty_at.append(i)
            return None
        if status == 2:
            changed.append(i)
        for n in changed:
            if n in members and n not in queued and n != i:
                queue.append(n)
                queued.add(n)
            for p in parents[n]:
                if p in members and p not in queued:
                    queue.append(p)
                    queued.add(p)
    return lo, hi


def hull(graph: Graph, box: Box, node: int) -> tuple[float, float]:
    """The interval of ``node`` by forward evaluation over ``box``."""
    lo, hi = list(box[0]), list(box[1])
    for i in graph.subtree([node]):
        if graph.kind[i] >= _SUM:
            flo, fhi = _forward(graph, i, lo, hi)
            lo[i], hi[i] = max(lo[i], flo), min(hi[i], fhi)
    return lo[node], hi[node]
