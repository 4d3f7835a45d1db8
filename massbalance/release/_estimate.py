"""Best estimates of a release's figures: each printed figure a measurement.

A printed figure tells the true value only to its rounding: under the
release's convention the truth lies in the figure's rounding interval, whose
centre is the measurement and whose uniform spread gives the standard
deviation, ``width / √12`` (``step / √12`` for conventional rounding). The
release checker's expression graph (:func:`massbalance.release.build_problem`)
has every relation built in (tails by difference, contained metal, recoveries,
throughput, changes between periods, totals), so weighted least squares over
its variables,

    minimise Σ_i ((f_i(x) − c_i) / σ_i)²  over every figure i,

subject to the variables' physical bounds (masses ≥ 0, grades in [0, 1]) and
the release's structural inequalities (tail mass and tail metal ≥ 0, grades of
a stream summing to ≤ 1), gives estimates that satisfy every relation by
construction. Statistics come from the weighted Jacobian at the solution:
χ² = the weighted sum of squares, dof = figures − rank, standard deviations by
the delta method from ``(JᵀWJ)⁺``, and a quantity whose gradient leaves the
row space of the Jacobian is *unobservable*: reported as such, never given a
number.

This module sits in the io layer because it joins the release model with
reconciliation statistics; :func:`estimate_release` is the entry point.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ConvergenceError, InputError
from ..figures import ROUNDING_METHODS, Rounding
from ..intervals import Bound, Op, propagate
from ._build import Problem, build_problem
from ._model import Release
from ._numeric import midpoint

__all__ = [
    "DerivedEstimate",
    "FigureEstimate",
    "ReleaseEstimate",
    "estimate_release",
]

_SQRT12 = math.sqrt(12.0)
_PENALTY = 1e6  #: weight of a structural violation, per unit of its relative size
_RANK_RTOL = 1e-9  #: singular values below this fraction of the largest are zero
_OBS_TOL = 1e-7  #: relative null-space component above which a quantity is unobservable
_ACTIVE_RTOL = 1e-9  #: relative slack at or below which an inequality is active
_MIN_REDUNDANCY = 1e-4  #: below this a measurement test is not computed (NaN)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class FigureEstimate:
    """One printed figure and its best estimate, in the printed unit."""

    id: str  #: the figure id
    text: str  #: exactly as printed
    unit: str  #: the printed unit label
    printed: float  #: the printed number [printed unit]
    measured: float  #: centre of the rounding interval [printed unit]
    rounding_sd: float  #: SD of the rounding, width/√12 [printed unit]
    estimate: float  #: best estimate [printed unit]
    sd: float  #: SD of the estimate, delta method [printed unit]
    normalised: float  #: (measured − estimate) / rounding_sd [1]
    redundancy: float  #: 1 − (sd / rounding_sd)² [1]; 0 = nothing else checks it
    test: float  #: measurement test, adjustment / its SD [1]; NaN if not redundant


@dataclass(frozen=True, slots=True)
class DerivedEstimate:
    """An unprinted quantity (tail, per-concentrate split) and its estimate."""

    id: str  #: e.g. ``"2012Q1.grade.tail.Ag"``
    unit: str  #: display unit label
    estimate: float  #: [unit]; NaN when unobservable
    sd: float  #: [unit]; NaN when unobservable
    observable: bool  #: False: the figures do not determine it


@dataclass(frozen=True, slots=True)
class ReleaseEstimate:
    """Weighted least-squares estimates of a release's figures.

    Attributes
    ----------
    figures : tuple of FigureEstimate
        Every printed figure, in the order the release binds them.
    derived : tuple of DerivedEstimate
        Every unprinted quantity the release check reports a range for.
    chi2 : float
        Weighted sum of squares at the solution [1].
    dof : int
        Figures minus identifiable variables (rank of the weighted Jacobian).
    p_value : float
        ``P(χ²(dof) ≥ chi2)``; NaN when ``dof == 0``.
    n_figures, rank : int
        Measurements, and the rank of the weighted Jacobian.
    unobservable : tuple of str
        Variables the figures do not determine (no value is reported).
    active : tuple of str
        Structural inequalities and physical bounds active at the solution
        (empty when the solution is interior; the standard deviations ignore
        an active inequality, so they are then approximate).
    rounding : str
        The rounding convention the figures were read under.
    converged : bool
    message : str
    issuer, title : str
    """

    figures: tuple[FigureEstimate, ...]
    derived: tuple[DerivedEstimate, ...]
    chi2: float
    dof: int
    p_value: float
    n_figures: int
    rank: int
    unobservable: tuple[str, ...]
    active: tuple[str, ...]
    rounding: str
    converged: bool
    message: str
    issuer: str = ""
    title: str = ""

    def figure(self, fid: str) -> FigureEstimate:
        """The estimate of figure ``fid``."""
        for f in self.figures:
            if f.id == fid:
                return f
        raise KeyError(fid)


class _Model:
    """The least-squares problem over the release's variables, in scaled form."""

    def __init__(self, problem: Problem, rounding: Rounding) -> None:
        graph = problem.graph
        self.graph = graph
        self.problem = problem
        # one-sided statements ("over 21,000 t") are bounds, not measurements
        self.fids = [
            f
            for f, b in problem.bindings.items()
            if b.figure.bound not in ("above", "below")
        ]
        self.fig_nodes = [problem.bindings[f].node for f in self.fids]
        centres, sds = [], []
        for fid in self.fids:
            b = problem.bindings[fid]
            lo, hi = b.figure.interval(rounding)
            centres.append(float((lo + hi) / 2) * b.factor)
            sds.append(float(hi - lo) / _SQRT12 * b.factor)
        self.y = np.array(centres)
        self.sigma = np.abs(np.array(sds))
        self.structural = list(problem.structural)
        roots = [*self.fig_nodes, *(s.node for s in self.structural)]
        roots += [d.node for d in problem.derived]
        self.nodes = graph.subtree(roots)
        self.vars = [n for n in self.nodes if graph.kind[n] == Op.VAR]
        self.col = {v: j for j, v in enumerate(self.vars)}
        self.lo = np.array([graph.lo0[v] for v in self.vars])
        self.hi = np.array([graph.hi0[v] for v in self.vars])
        self.x0 = self._start()
        self.scale = self._scales()
        self.str_scale = self._magnitudes([s.node for s in self.structural])

    # ---------------------------------------------------------------- start
    def _start(self) -> FloatArray:
        graph = self.graph
        box = None
        for k in (1.0, 4.0, 16.0, 64.0):
            bounds = list(self.structural)
            for fid, node, y, s in zip(
                self.fids, self.fig_nodes, self.y, self.sigma, strict=True
            ):
                half = k * s * _SQRT12 / 2
                bounds.append(Bound(node, y - half, y + half, fid))
            box = propagate(graph, bounds)
            if box is not None:
                break
        if box is None:
            box = propagate(graph, self.structural) or (
                list(graph.lo0),
                list(graph.hi0),
            )
        printed: dict[int, list[float]] = {}
        for node, y in zip(self.fig_nodes, self.y, strict=True):
            if graph.kind[node] == Op.VAR:
                printed.setdefault(node, []).append(float(y))
        x0 = np.empty(len(self.vars))
        for j, v in enumerate(self.vars):
            lo, hi = max(box[0][v], graph.lo0[v]), min(box[1][v], graph.hi0[v])
            if lo > hi:
                lo, hi = graph.lo0[v], graph.hi0[v]
            x = float(np.mean(printed[v])) if v in printed else midpoint(lo, hi)
            x0[j] = min(max(x, lo), hi)
        return x0

    def _scales(self) -> FloatArray:
        scale = np.abs(self.x0)
        width = self.hi - self.lo
        fallback = np.where(np.isfinite(width), width, 1.0)
        scale = np.where(scale > 0, scale, fallback)
        return np.where(scale > 0, scale, 1.0)

    def _magnitudes(self, nodes: Sequence[int]) -> FloatArray:
        """Size of each node's terms at the start (a scale for its slack)."""
        graph = self.graph
        mag: dict[int, float] = {
            v: abs(float(x)) for v, x in zip(self.vars, self.x0, strict=True)
        }
        for i in self.nodes:
            k = graph.kind[i]
            if k == Op.VAR:
                continue
            if k == Op.CONST:
                mag[i] = abs(graph.offset[i])
            elif k == Op.SUM:
                mag[i] = abs(graph.offset[i]) + sum(
                    abs(c) * mag[a]
                    for c, a in zip(graph.coef[i], graph.args[i], strict=True)
                )
            elif k == Op.MUL:
                mag[i] = mag[graph.args[i][0]] * mag[graph.args[i][1]]
            else:
                den = mag[graph.args[i][1]]
                mag[i] = mag[graph.args[i][0]] / den if den > 0 else 1.0
        out = np.array([mag[n] for n in nodes])
        return np.where(out > 0, out, 1.0)

    # ------------------------------------------------------------- residuals
    def values(self, x: FloatArray) -> dict[int, float]:
        # the solver asks for residuals and Jacobian at the same point: evaluate
        # the graph once per point
        key = x.tobytes()
        cached = getattr(self, "_last", None)
        if cached is not None and cached[0] == key:
            out: dict[int, float] = cached[1]
            return out
        start = {v: float(xv) for v, xv in zip(self.vars, x, strict=True)}
        out = self.graph.evaluate(start, self.nodes)
        self._last = (key, out)
        return out

    def slack(self, values: dict[int, float]) -> FloatArray:
        """Scaled slack of each structural inequality (negative: violated)."""
        out = np.empty(len(self.structural))
        for k, s in enumerate(self.structural):
            v = values[s.node]
            out[k] = min(v - s.lo, s.hi - v) / self.str_scale[k]
        return out

    def residuals(self, z: FloatArray) -> FloatArray:
        values = self.values(z * self.scale)
        f = np.array([values[n] for n in self.fig_nodes])
        r = (f - self.y) / self.sigma
        pen = _PENALTY * np.minimum(self.slack(values), 0.0)
        return np.concatenate([r, pen])

    def gradients(self, x: FloatArray, nodes: Sequence[int]) -> FloatArray:
        """Dense gradient rows of ``nodes`` w.r.t. the variables at ``x``."""
        out: FloatArray = self.sparse_gradients(x, nodes).toarray()
        return out

    def sparse_gradients(self, x: FloatArray, nodes: Sequence[int]) -> Any:
        """Gradient rows of ``nodes`` at ``x``, a CSR matrix."""
        import scipy.sparse

        key = x.tobytes()
        cached = getattr(self, "_last_grads", None)
        if cached is not None and cached[0] == key:
            grads = cached[1]
        else:
            grads = self.graph.gradients(self.values(x), self.nodes)
            self._last_grads = (key, grads)
        rows: list[int] = []
        cols: list[int] = []
        data: list[float] = []
        col = self.col
        for r, n in enumerate(nodes):
            g = grads[n]
            rows += [r] * len(g)
            cols += [col[v] for v in g]
            data += g.values()
        return scipy.sparse.csr_matrix(
            (data, (rows, cols)), shape=(len(nodes), len(self.vars))
        )

    def jacobian(self, z: FloatArray) -> FloatArray:
        """The residuals' Jacobian in scaled variables, dense."""
        out: FloatArray = self.sparse_jacobian(z).toarray()
        return out

    def sparse_jacobian(self, z: FloatArray, rows: Any = None) -> Any:
        """The residuals' Jacobian in scaled variables, a CSR matrix.

        ``rows`` (indices into the residuals) restricts it to those rows.
        """
        x = z * self.scale
        values = self.values(x)
        nf = len(self.fig_nodes)
        row_nodes = [*self.fig_nodes, *(s.node for s in self.structural)]
        index = range(len(row_nodes)) if rows is None else [int(r) for r in rows]
        grads = self.sparse_gradients(x, [row_nodes[r] for r in index])
        weight = np.empty(grads.shape[0])
        for i, r in enumerate(index):
            if r < nf:
                weight[i] = 1.0 / self.sigma[r]
                continue
            k = r - nf
            s = self.structural[k]
            v = values[s.node]
            if min(v - s.lo, s.hi - v) / self.str_scale[k] >= 0:
                weight[i] = 0.0
            else:
                sign = 1.0 if v - s.lo < s.hi - v else -1.0
                weight[i] = sign * _PENALTY / self.str_scale[k]
        return grads.multiply(weight[:, None]).multiply(self.scale[None, :]).tocsr()

    def residual_rows(self, z: FloatArray, rows: Any) -> FloatArray:
        """The residuals of index ``rows`` at ``z`` (figures, then penalties)."""
        values = self.values(z * self.scale)
        nf = len(self.fig_nodes)
        out = np.empty(len(rows))
        for i, r in enumerate(rows):
            if r < nf:
                out[i] = (values[self.fig_nodes[r]] - self.y[r]) / self.sigma[r]
            else:
                k = r - nf
                s = self.structural[k]
                v = values[s.node]
                slack = min(v - s.lo, s.hi - v) / self.str_scale[k]
                out[i] = _PENALTY * min(slack, 0.0)
        return out


def estimate_release(
    release: Release, *, rounding: Rounding | None = None
) -> ReleaseEstimate:
    """Best estimates of every figure of ``release`` (weighted least squares).

    Parameters
    ----------
    release : Release
        As read by :func:`massbalance.io.read_release`.
    rounding : {"nearest", "truncate", "either"}, optional
        How the figures were rounded; the release's own convention by default.
        A figure's measurement is the centre of its rounding interval and its
        SD the interval's width over √12.

    Returns
    -------
    ReleaseEstimate

    Raises
    ------
    InputError
        An unknown ``rounding``.
    ReleaseFormatError, AssayError, UnitError
        As :func:`massbalance.release.build_problem`.
    ConvergenceError
        When the least-squares solver fails.
    """
    rounding = rounding or release.rounding
    if rounding not in ROUNDING_METHODS:
        raise InputError(
            f"rounding must be one of {ROUNDING_METHODS}, got {rounding!r}",
            "rounding",
            str(rounding),
        )
    problem = build_problem(release)
    model = _Model(problem, rounding)
    z0 = model.x0 / model.scale
    zlo, zhi = model.lo / model.scale, model.hi / model.scale
    # dogbox, not trf: trf's affine scaling stalls for thousands of steps on
    # the rank-deficient Jacobians that unobservable cross-assays give
    from scipy.optimize import least_squares  # slow to import: only when needed

    # The problem separates over the connected blocks of its Jacobian (periods
    # tied by totals and changes form one block): each block is fitted on its
    # own, so that every dense step is the size of a block, not of the release.
    pattern = model.sparse_jacobian(z0)
    pattern.data = np.ones_like(pattern.data)
    from scipy.sparse.csgraph import connected_components

    _, label = connected_components(pattern.T @ pattern, directed=False)
    coo = pattern.tocoo()
    row_label = np.full(pattern.shape[0], -1, dtype=np.intp)
    row_label[coo.row] = label[coo.col]
    z = z0.copy()
    fits = []
    for c in range(int(label.max()) + 1 if label.size else 0):
        cols = np.flatnonzero(label == c)
        rows = np.flatnonzero(row_label == c)
        if rows.size == 0:
            continue  # variables no figure or inequality reads: left at the start

        def fun(zc: FloatArray, cols: IntArray = cols, rows: IntArray = rows) -> Any:
            full = z.copy()
            full[cols] = zc
            return model.residual_rows(full, rows)

        def jac(zc: FloatArray, cols: IntArray = cols, rows: IntArray = rows) -> Any:
            full = z.copy()
            full[cols] = zc
            return model.sparse_jacobian(full, rows)[:, cols].toarray()

        try:  # extreme but valid figures can leave no finite starting point
            with np.errstate(all="ignore"):
                fit = least_squares(
                    fun,
                    z0[cols],
                    jac=jac,
                    bounds=(zlo[cols], zhi[cols]),
                    method="dogbox",
                    x_scale=1.0,
                    xtol=1e-14,
                    ftol=1e-14,
                    gtol=1e-12,
                    max_nfev=2000,
                )
        except ValueError as err:
            raise ConvergenceError(
                f"the least-squares estimate cannot start from these figures ({err})"
            ) from err
        z[cols] = fit.x
        fits.append(fit)
        if fit.status <= 0:
            raise ConvergenceError(
                f"release estimate did not converge: {fit.message}",
                "estimate_release",
                None,
                result={
                    model.graph.names[v]: float(x)
                    for v, x in zip(model.vars, z * model.scale, strict=True)
                },
            )
    x = z * model.scale
    values = model.values(x)
    fit = SimpleNamespace(
        success=all(f.success for f in fits),
        message="; ".join(sorted({str(f.message) for f in fits})),
    )
    return _statistics(release, model, x, values, rounding, fit)


def _statistics(
    release: Release,
    model: _Model,
    x: FloatArray,
    values: dict[int, float],
    rounding: str,
    fit: object,
) -> ReleaseEstimate:
    graph, problem = model.graph, model.problem
    nf = len(model.fig_nodes)
    f = np.array([values[n] for n in model.fig_nodes])
    r = (f - model.y) / model.sigma
    chi2 = float(r @ r)
    # weighted Jacobian of the figures in scaled variables, sparse
    a = (
        model.sparse_gradients(x, model.fig_nodes)
        .multiply(1.0 / model.sigma[:, None])
        .multiply(model.scale[None, :])
        .tocsr()
    )
    rank, null, cov_z = _blockwise_pseudo_inverse(a)

    # a unit vector's null-space component is the norm of the null basis' column
    null_norm = np.sqrt(np.asarray(null.multiply(null).sum(axis=0)).ravel())
    unobservable = tuple(
        graph.names[v]
        for j, v in enumerate(model.vars)
        if null.shape[0] and null_norm[j] > _OBS_TOL
    )
    unobservable_set = set(unobservable)
    # SD of every figure at once: diag(G cov Gᵀ), G the unweighted gradients
    g_fig = a.multiply(model.sigma[:, None]).tocsr()
    fig_sd = np.sqrt(
        np.maximum(np.asarray((g_fig @ cov_z).multiply(g_fig).sum(axis=1)).ravel(), 0)
    )
    dof = nf - rank
    from scipy.stats import chi2 as chi2_dist  # slow to import: only when needed

    p_value = float(chi2_dist.sf(chi2, dof)) if dof > 0 else math.nan

    figures = []
    for i, fid in enumerate(model.fids):
        b = problem.bindings[fid]
        fac = b.factor
        sd = float(fig_sd[i])
        sig = float(model.sigma[i])
        redundancy = max(0.0, 1.0 - (sd / sig) ** 2)
        adj = float(model.y[i] - f[i])
        test = (
            adj / (sig * math.sqrt(redundancy))
            if redundancy >= _MIN_REDUNDANCY
            else math.nan
        )
        figures.append(
            FigureEstimate(
                id=fid,
                text=b.figure.text,
                unit=b.figure.unit_label,
                printed=float(b.figure.number),
                measured=float(model.y[i]) / fac,
                rounding_sd=sig / abs(fac),
                estimate=float(f[i]) / fac,
                sd=sd / abs(fac),
                normalised=adj / sig,
                redundancy=redundancy,
                test=test,
            )
        )
    derived = []
    # every derived quantity at once: gradients in scaled variables, their
    # null-space components and their variances
    gz_all = (
        model.sparse_gradients(x, [d.node for d in problem.derived])
        .multiply(model.scale[None, :])
        .tocsr()
    )
    g_norm = np.sqrt(np.asarray(gz_all.multiply(gz_all).sum(axis=1)).ravel())
    if null.shape[0]:
        in_null = (null @ gz_all.T).tocsc()
        n_norm = np.sqrt(np.asarray(in_null.multiply(in_null).sum(axis=0)).ravel())
    else:
        n_norm = np.zeros(len(problem.derived))
    der_obs = (g_norm == 0.0) | (n_norm <= _OBS_TOL * g_norm)
    der_var = np.asarray((gz_all @ cov_z).multiply(gz_all).sum(axis=1)).ravel()
    der_sd = np.sqrt(np.maximum(der_var, 0.0))
    for k, d in enumerate(problem.derived):
        if der_obs[k]:
            derived.append(
                DerivedEstimate(
                    d.id,
                    d.unit_label,
                    values[d.node] / d.factor,
                    float(der_sd[k]) / d.factor,
                    True,
                )
            )
        else:
            derived.append(
                DerivedEstimate(d.id, d.unit_label, math.nan, math.nan, False)
            )

    active = [
        s.key
        for s, sl in zip(model.structural, model.slack(values), strict=True)
        if sl <= _ACTIVE_RTOL
    ]
    for j, v in enumerate(model.vars):
        if graph.names[v] in unobservable_set:
            continue
        if x[j] - model.lo[j] <= _ACTIVE_RTOL * model.scale[j]:
            active.append(f"{graph.names[v]} >= {model.lo[j]:g}")
        elif model.hi[j] - x[j] <= _ACTIVE_RTOL * model.scale[j]:
            active.append(f"{graph.names[v]} <= {model.hi[j]:g}")
    message = str(getattr(fit, "message", ""))
    return ReleaseEstimate(
        figures=tuple(figures),
        derived=tuple(derived),
        chi2=chi2,
        dof=dof,
        p_value=p_value,
        n_figures=nf,
        rank=rank,
        unobservable=unobservable,
        active=tuple(active),
        rounding=rounding,
        converged=bool(getattr(fit, "success", False)),
        message=message,
        issuer=release.issuer,
        title=release.title,
    )


def _blockwise_pseudo_inverse(a: Any) -> tuple[int, Any, Any]:
    """Rank, null-space basis and ``(AᵀA)⁺`` of a sparse ``A``, block by block.

    The columns of ``A`` split into connected components (two variables are
    connected when a row holds both); ``A`` is block diagonal over them, so
    its singular values are those of the blocks, its null space the direct
    sum of theirs, and ``(AᵀA)⁺`` block diagonal. One dense SVD per block
    gives all three, with the rank threshold of the whole matrix
    (``_RANK_RTOL`` times its largest singular value).

    Returns
    -------
    rank : int
    null : scipy.sparse.csr_matrix, (n - rank, n)
        Orthonormal rows spanning the null space.
    cov : scipy.sparse.csr_matrix, (n, n)
        ``(AᵀA)⁺``.
    """
    import scipy.sparse
    from scipy.sparse.csgraph import connected_components

    nf, nv = a.shape
    pattern = a.copy()
    pattern.data = np.ones_like(pattern.data)
    _, label = connected_components(pattern.T @ pattern, directed=False)
    coo = a.tocoo()
    row_label = np.full(nf, -1, dtype=np.intp)
    row_label[coo.row] = label[coo.col]
    blocks = []
    for c in range(int(label.max()) + 1 if nv else 0):
        cols = np.flatnonzero(label == c)
        rows = np.flatnonzero(row_label == c)
        if rows.size:
            dense = a[rows][:, cols].toarray()
            _, sv, vt = np.linalg.svd(dense, full_matrices=rows.size < cols.size)
        else:
            sv, vt = np.zeros(0), np.eye(cols.size)
        blocks.append((cols, sv, vt))
    top = max((float(sv.max()) for _, sv, _ in blocks if sv.size), default=0.0)
    tol = _RANK_RTOL * top
    rank = 0
    n_rows: list[Any] = []
    n_cols: list[Any] = []
    n_vals: list[Any] = []
    c_rows: list[Any] = []
    c_cols: list[Any] = []
    c_vals: list[Any] = []
    n_null = 0
    for cols, sv, vt in blocks:
        r = int(np.sum(sv > tol))
        rank += r
        null = vt[r:]
        k = null.shape[0]
        n_rows.append(np.repeat(n_null + np.arange(k), cols.size))
        n_cols.append(np.tile(cols, k))
        n_vals.append(null.ravel())
        n_null += k
        v_r = vt[:r].T
        cov = (v_r / sv[:r] ** 2) @ v_r.T
        c_rows.append(np.repeat(cols, cols.size))
        c_cols.append(np.tile(cols, cols.size))
        c_vals.append(cov.ravel())

    def assemble(vals: list[Any], rows: list[Any], cols: list[Any], shape: Any) -> Any:
        if not vals:
            return scipy.sparse.csr_matrix(shape)
        return scipy.sparse.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=shape,
        )

    null_all = assemble(n_vals, n_rows, n_cols, (n_null, nv))
    cov_all = assemble(c_vals, c_rows, c_cols, (nv, nv))
    return rank, null_all, cov_all
