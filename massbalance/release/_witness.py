"""The witness search: a point where every figure lies in its interval, verified.

A witness proves that a set of bounds can hold at once. :class:`WitnessSearch`
looks for one from several starts (nearby witnesses, the printed values, the
middle of the box, a dive that fixes variables one at a time) with the lean
Levenberg-Marquardt of :mod:`._levenberg_marquardt` over compiled residuals,
then with ``scipy.optimize.least_squares`` from the same starts; every point
it returns has been verified by substitution into the graph's own evaluation
(:meth:`WitnessSearch.verify`), never into the kernels that found it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..intervals import Bound, Box, Graph, Op, propagate
from ._compiled import Kernel
from ._levenberg_marquardt import levenberg_marquardt
from ._numeric import (
    aim_margins,
    equality_scale,
    midpoint,
    midpoints,
    nudge_inside,
    scales_of,
)

__all__ = ["WitnessResult", "WitnessSearch"]


class _OutOfTimeError(Exception):
    """The search's deadline passed during an evaluation (caught in the search)."""


_INF = math.inf
_RTOL = 1e-9  #: relative residual accepted when a witness is substituted
_SPARSE_ABOVE = 400  #: free variables above which the Jacobian is kept sparse


@dataclass(frozen=True, slots=True)
class WitnessResult:
    """What a witness search found (``status``/``message`` as scipy's solvers)."""

    x: dict[int, float] | None  #: variable -> value, verified; None if none found

    @property
    def success(self) -> bool:
        """Whether a verified witness was found."""
        return self.x is not None

    @property
    def status(self) -> int:
        """1: a verified witness; 0: no start led to one."""
        return 1 if self.x is not None else 0

    @property
    def message(self) -> str:
        """``status`` in words."""
        if self.x is not None:
            return "a witness was found and verified by substitution"
        return "no start led to a verified witness"


def _placement(
    kernel: Kernel, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Which of ``kernel``'s Jacobian entries go where in the flattened matrix
    of ``rows`` (kernel rows, one per check; a node bounded twice is two
    checks) x ``cols`` (kernel columns)."""
    n = len(cols)
    col_at = np.full(len(kernel.variables), -1, dtype=np.intp)
    col_at[cols] = np.arange(n)
    # the checks of each kernel row are a run of the checks sorted by row
    order = np.argsort(rows, kind="stable")
    first = np.searchsorted(rows[order], np.arange(len(kernel.outputs)), "left")
    last = np.searchsorted(rows[order], np.arange(len(kernel.outputs)), "right")
    entries = np.flatnonzero(col_at[kernel.pattern_cols] >= 0)
    entry_rows = kernel.pattern_rows[entries]
    counts = last[entry_rows] - first[entry_rows]
    take = np.repeat(entries, counts)
    within = np.arange(len(take)) - np.repeat(np.cumsum(counts) - counts, counts)
    checks = order[np.repeat(first[entry_rows], counts) + within]
    return take, checks * n + col_at[kernel.pattern_cols[take]]


class WitnessSearch:
    """Find verified witnesses for sets of bounds on one graph.

    Parameters
    ----------
    graph : Graph
    kernel_for : callable
        ``bounds -> Kernel``: the compiled values and Jacobian covering
        ``bounds`` (the caller decides how kernels are shared and cached).
    hints : dict of int to float, optional
        Printed values of variables (canonical units), a start for witnesses.
    deadline : float, optional
        A :func:`time.monotonic` time: past it every search stops at its
        next residual evaluation and finds nothing (never a wrong answer:
        a search that finds nothing proves nothing). May be set later.
    """

    def __init__(
        self,
        graph: Graph,
        kernel_for: Callable[[Iterable[Bound]], Kernel],
        hints: dict[int, float] | None = None,
        deadline: float = math.inf,
    ) -> None:
        self.graph = graph
        self.kernel_for = kernel_for
        self.hints = hints or {}
        self.deadline = deadline
        self._yardsticks: dict[Bound, float] = {}

    def find(
        self,
        bounds: list[Bound],
        box: Box,
        starts: Sequence[dict[int, float]] = (),
        *,
        quick: bool = False,
    ) -> WitnessResult:
        """A verified point inside ``box`` satisfying ``bounds``.

        ``quick`` tries only the given starts (a nearby witness), briefly.
        Overflow and ``inf - inf`` in a trial point are expected (extreme but
        valid figures); such points fail verification, so numpy's warnings
        about them are silenced here.
        """
        if time.monotonic() > self.deadline:
            return WitnessResult(None)
        try:
            with np.errstate(all="ignore"):
                return WitnessResult(self._search(bounds, box, starts, quick=quick))
        except _OutOfTimeError:
            return WitnessResult(None)

    def _search(
        self,
        bounds: list[Bound],
        box: Box,
        starts: Sequence[dict[int, float]] = (),
        *,
        quick: bool = False,
    ) -> dict[int, float] | None:
        """A point inside ``box`` satisfying ``bounds``, verified; or None.

        ``quick`` tries only the given starts (a nearby witness), briefly.
        """
        graph = self.graph
        nodes = graph.subtree(b.node for b in bounds)
        variables = [v for v in nodes if graph.kind[v] == Op.VAR]
        lo, hi = box
        fixed = {v: lo[v] for v in variables if hi[v] - lo[v] <= 0.0}
        free = [v for v in variables if v not in fixed]
        free_lo = np.array([lo[v] for v in free])
        free_hi = np.array([hi[v] for v in free])
        scale = scales_of(free_lo, free_hi)
        zlo, zhi = free_lo / scale, free_hi / scale
        checks = [b for b in bounds if graph.kind[b.node] != Op.VAR]
        mid0 = dict(zip(free, midpoints(free_lo, free_hi).tolist(), strict=True))
        exact_lo = np.array([b.lo for b in checks])
        exact_hi = np.array([b.hi for b in checks])
        width = exact_hi - exact_lo
        margin = aim_margins(exact_lo, exact_hi)
        two_sided = (width > 0.0) & (width < _INF)
        if not two_sided.all():
            # an equality, or a one-sided bound (a tail >= 0): the size of
            # the terms is the yardstick of a miss (one per bound and check)
            values0: dict[int, float] | None = None
            for i in np.flatnonzero(~two_sided).tolist():
                b = checks[i]
                size = self._yardsticks.get(b)
                if size is None:
                    if values0 is None:
                        values0 = graph.evaluate({**fixed, **mid0}, nodes)
                    size = self._yardsticks[b] = equality_scale(graph, b.node, values0)
                width[i] = size
        targets_lo = exact_lo + margin
        aimed = margin.copy()
        targets_hi = exact_hi - margin
        kernel = self.kernel_for(bounds)
        free_cols = np.array([kernel.column[v] for v in free], dtype=np.intp)
        rows = np.array([kernel.row[b.node] for b in checks], dtype=np.intp)
        base = np.zeros(len(kernel.variables))
        for v, x in fixed.items():
            base[kernel.column[v]] = x

        def inputs(z: npt.NDArray[np.float64]) -> list[float]:
            x = base.copy()
            x[free_cols] = z * scale
            return x.tolist()

        def hinge(
            v: npt.NDArray[np.float64],
        ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], bool]:
            with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: not met
                below = np.maximum(targets_lo - v, 0.0)
                above = np.maximum(v - targets_hi, 0.0)
                r = (below + above) / width
            sign = np.where(below > 0.0, -1.0, np.where(above > 0.0, 1.0, 0.0))
            # close enough for verify: within the aimed margin plus half its
            # tolerance of every bound
            slack = aimed + 0.5 * _RTOL * np.abs(v)
            done = bool(np.all(below + above <= slack))
            return np.where(np.isfinite(r), r, 1e6), sign / width, done

        # where each non-zero of the kernel's Jacobian goes in the matrix of
        # checks x free variables (a node bounded twice fills two rows)
        take_at, put_at = _placement(kernel, rows, free_cols)
        shape = (len(checks), len(free))
        # above _SPARSE_ABOVE unknowns the Jacobian is kept sparse (CSR on the
        # fixed pattern): a dense one costs rows x unknowns per evaluation, in
        # time (every LSMR product) and in memory
        sparse = len(free) > _SPARSE_ABOVE
        if sparse:
            order = np.argsort(put_at, kind="stable")  # row-major: CSR order
            take_at, put_at = take_at[order], put_at[order]
            entry_row, entry_col = np.divmod(put_at, max(shape[1], 1))
            indptr = np.zeros(shape[0] + 1, dtype=np.intp)
            np.cumsum(np.bincount(entry_row, minlength=shape[0]), out=indptr[1:])

        deadline = self.deadline

        def fun(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            if time.monotonic() > deadline:
                raise _OutOfTimeError
            v = np.array(kernel.values(inputs(z)))[rows]
            return hinge(v)[0]

        def both(
            z: npt.NDArray[np.float64],
        ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], bool]:
            if time.monotonic() > deadline:
                raise _OutOfTimeError
            values, entries = kernel.values_and_entries(inputs(z))
            r, weights, done = hinge(np.array(values)[rows])
            if sparse:
                from scipy.sparse import csr_matrix

                data = np.array(entries)[take_at] * weights[entry_row]
                data *= scale[entry_col]
                return r, csr_matrix((data, entry_col, indptr), shape=shape), done
            full = np.zeros(shape[0] * shape[1])
            full[put_at] = np.array(entries)[take_at]
            return r, full.reshape(shape) * weights[:, None] * scale[None, :], done

        def jac(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            return both(z)[1]

        printed = {v: self.hints[v] for v in free if v in self.hints}
        candidates: list[dict[int, float] | None] = [mid0, {**mid0, **printed}, *starts]
        if quick:
            attempts = [
                (k, aim) for k in range(2, len(candidates)) for aim in (True, False)
            ]
        else:
            # nearby witnesses first (cheap when they are close), then the
            # printed values, then the middle of the box
            attempts = [(k, True) for k in range(2, len(candidates))]
            attempts += [(1, True), (0, True), (1, False), (0, False)]
            attempts += [(-1, True), (-1, False)]  # from a dive, computed when needed
        nfev = 50 if quick else 80  # fail fast from the ordinary starts
        # the lean Levenberg-Marquardt from every start first (its Jacobian
        # sparse above _SPARSE_ABOVE unknowns), then least_squares likewise
        lean = [
            (k, aim, True)
            for k, aim in attempts
            if k != -1 or len(free) <= 60  # a dive is dear on large ones
        ]

        def ordered() -> Iterator[tuple[int, bool, bool]]:
            """The attempts: nearby witnesses first; then, of the printed
            values and the middle of the box, the one nearer a witness."""
            nearby = [t for t in lean if t[0] >= 2]
            yield from nearby
            ordinary = [t for t in lean if t[0] in (0, 1)]
            if not quick and free and checks and len(ordinary) > 1:
                first: dict[int, float] = {}
                for k in (0, 1):
                    start = candidates[k]
                    assert start is not None
                    z = np.array([start.get(v, mid0[v]) for v in free]) / scale
                    r = both(np.clip(z, zlo, zhi))[0]
                    first[k] = float(r @ r)
                ordinary.sort(key=lambda t: (not t[1], first[t[0]]))
            yield from ordinary
            # then from a dive (variables fixed one by one, propagating after
            # each): the last resort of the ordinary starts, it is often the
            # only one that works
            yield from (t for t in lean if t[0] == -1)
            yield from ((k, a, False) for k, a in attempts)

        for k, aim_inside, shortcut in ordered():
            from_dive = k == -1  # the last resort gets the largest budget
            if k == -1:
                if len(candidates) == 2 + len(starts):
                    candidates.append(self._dive(bounds, box, variables, printed))
                k = len(candidates) - 1
            start = candidates[k]
            if start is None:
                continue
            # first aim a little inside every interval; then, for a truth on an
            # edge (a truncated figure printed exactly), at the edges themselves
            aimed[:] = margin if aim_inside else 0.0
            targets_lo[:] = exact_lo + (margin if aim_inside else 0.0)
            targets_hi[:] = exact_hi - (margin if aim_inside else 0.0)
            z0 = (
                np.array([start.get(v, mid0[v]) for v in free]) / scale
                if free
                else np.array([])
            )
            z0 = np.clip(z0, zlo, zhi)
            if free and checks and shortcut:
                steps = 4 * nfev if sparse else nfev // 2  # large ones take longer
                z = levenberg_marquardt(
                    both, z0, zlo, zhi, max_steps=steps, patience=8 if sparse else 2
                ).x
            elif free and checks:
                # the fallback only: scipy.optimize is slow to import
                from scipy.optimize import least_squares

                with np.errstate(invalid="ignore", over="ignore"):
                    z0 = nudge_inside(z0, zlo, zhi)
                if not np.all(np.isfinite(z0)):
                    continue  # an unbounded box leaves no finite start here
                try:
                    result = least_squares(
                        fun,
                        z0,
                        jac=jac,
                        bounds=(zlo, zhi),
                        method="trf",
                        # an SVD per step is slow on large components: use LSMR there
                        tr_solver="exact" if len(free) <= 40 else "lsmr",
                        x_scale="jac",
                        xtol=1e-15,
                        ftol=1e-15,
                        gtol=1e-15,
                        max_nfev=200 if from_dive else nfev,
                    )
                except ValueError:  # scipy refuses the start (residuals not finite)
                    continue
                z = result.x
            else:
                z = z0
            point = dict(fixed)
            point.update({v: float(x) for v, x in zip(free, z * scale, strict=True)})
            if self.verify(point, bounds):
                return point
        return None

    def _dive(
        self,
        bounds: list[Bound],
        box: Box,
        variables: list[int],
        printed: dict[int, float],
    ) -> dict[int, float] | None:
        """A start point by fixing variables one at a time, propagating after each.

        Narrow (printed) variables go first; a value whose propagation empties
        the box is replaced by another of its range. The point that results
        satisfies every bound to within the propagation's reach, which the
        witness search then polishes.
        """
        lo, hi = list(box[0]), list(box[1])

        def rel_width(v: int) -> float:
            w = hi[v] - lo[v]
            return (
                w / max(abs(lo[v]), abs(hi[v]), 1e-300)
                if math.isfinite(w)
                else math.inf
            )

        order = sorted(variables, key=rel_width)
        for v in order:
            if time.monotonic() > self.deadline:
                raise _OutOfTimeError
            a, b = lo[v], hi[v]
            if b - a <= 0.0:
                continue
            if not math.isfinite(b):
                b = a + max(abs(a), 1.0) * 4.0
            choices = [printed[v]] if v in printed and a <= printed[v] <= b else []
            choices += [
                a + f * (b - a) for f in (0.5, 0.25, 0.75, 0.1, 0.9, 0.02, 0.98)
            ]
            for c in choices:
                pin = max(abs(c) * 1e-9, 1e-300)
                trial_lo, trial_hi = list(lo), list(hi)
                trial_lo[v], trial_hi[v] = max(a, c - pin), min(hi[v], c + pin)
                sub = propagate(self.graph, bounds, box=(trial_lo, trial_hi))
                if sub is not None:
                    lo, hi = sub
                    break
            else:
                return None
        return {v: midpoint(lo[v], hi[v]) for v in variables}

    def verify(self, point: dict[int, float], bounds: Sequence[Bound]) -> bool:
        """Substitute ``point``: every bound holds to a relative residual of 1e-9.

        The graph's own evaluation, not the compiled kernels the search uses,
        so that the certificate does not rest on the code that found it.
        """
        graph = self.graph
        nodes = graph.subtree(b.node for b in bounds)
        kind, lo0, hi0 = graph.kind, graph.lo0, graph.hi0
        var = Op.VAR
        for v in nodes:
            if kind[v] == var:
                x = point.get(v)
                if x is None or not lo0[v] <= x <= hi0[v]:
                    return False
        values = graph.evaluate(point, nodes)
        value = np.array([values[b.node] for b in bounds])
        lo = np.array([b.lo for b in bounds])
        hi = np.array([b.hi for b in bounds])
        if not np.isfinite(value).all():
            return False
        # relative to the value and the finite bounds; equalities relative
        # to the size of their terms
        tol = _RTOL * np.maximum.reduce(
            [
                np.abs(value),
                np.where(np.isfinite(lo), np.abs(lo), 0.0),
                np.where(np.isfinite(hi), np.abs(hi), 0.0),
                np.full(len(bounds), 1e-300),
            ]
        )
        for i in np.flatnonzero(lo == hi).tolist():
            tol[i] = _RTOL * equality_scale(graph, bounds[i].node, values)
        return bool(np.all((value >= lo - tol) & (value <= hi + tol)))
