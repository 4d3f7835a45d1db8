"""Weighted least squares under node balances: the numerical kernel (private).

Variables are stream masses ``M`` and assays ``a`` (mass fractions). The
constraints of node ``k`` are ``sum_s inc[k, s] M_s = 0`` and, per element,
``sum_s inc[k, s] M_s a_s = 0``. Everything is solved on scaled variables
``u = x / s`` (``s`` the magnitude of each measurement or start value) with
each constraint row divided by its node's own throughput, so that a chain of
hundreds of units, whose masses and assays fall by tens of orders of
magnitude, keeps its rank decisions and steps well conditioned.

Each iteration solves the linearised problem in closed form,
``u_m = y - V A^T (A V A^T)^+ (A y - t)``, after removing the unmeasured
variables with the projection of Crowe et al. (1983) (a basis of the left
null space of their columns, from an SVD). The fixed point satisfies the
Karush-Kuhn-Tucker conditions of the bilinear problem; a linear problem
(masses only) converges in one step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..errors import DegenerateError
from ._model import Problem

__all__ = ["Linearization", "Solution", "solve"]

IntArray = np.ndarray[Any, np.dtype[np.intp]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]

RANK_TOL = 1e-9  # relative singular-value threshold on scaled matrices


# --------------------------------------------------------------------- pattern
@dataclass(eq=False)
class Pattern:
    """Sparsity pattern of the constraint Jacobian."""

    rows: IntArray
    cols: IntArray
    ss: IntArray  # stream of each incidence non-zero
    iv: FloatArray  # +1 / -1
    m: int
    n: int


def pattern(p: Problem) -> Pattern:
    ks, ss = np.nonzero(p.inc)
    iv = p.inc[ks, ss]
    rows = [ks]
    cols = [ss]
    for e in range(p.ne):
        r = p.nn * (1 + e) + ks
        rows += [r, r]
        cols += [ss, p.ns + e * p.ns + ss]
    return Pattern(
        rows=np.concatenate(rows),
        cols=np.concatenate(cols),
        ss=ss,
        iv=iv,
        m=p.nn * (1 + p.ne),
        n=p.n,
    )


def residual(p: Problem, x: FloatArray) -> FloatArray:
    """Node imbalances (in - out), shape (P, m), canonical units."""
    mass = x[:, : p.ns]
    out = [mass @ p.inc.T]
    for e in range(p.ne):
        a = x[:, p.ns + e * p.ns : p.ns + (e + 1) * p.ns]
        out.append((mass * a) @ p.inc.T)
    return np.concatenate(out, axis=1)


def jac_values(p: Problem, pat: Pattern, x: FloatArray) -> FloatArray:
    """Values of the Jacobian at ``pat``'s positions, shape (P, nnz)."""
    big_p = x.shape[0]
    vals = [np.broadcast_to(pat.iv, (big_p, pat.iv.size))]
    mass = x[:, pat.ss]
    for e in range(p.ne):
        a = x[:, p.ns + e * p.ns + pat.ss]
        vals += [pat.iv * a, pat.iv * mass]
    return np.concatenate(vals, axis=1)


def row_scales(p: Problem, s: FloatArray) -> FloatArray:
    """Each constraint's own magnitude: half the sum of |flows| at its node."""
    absinc = np.abs(p.inc)
    mass = s[:, : p.ns]
    out = [mass @ absinc.T]
    for e in range(p.ne):
        a = s[:, p.ns + e * p.ns : p.ns + (e + 1) * p.ns]
        out.append((mass * a) @ absinc.T)
    r = 0.5 * np.concatenate(out, axis=1)
    tiny = np.finfo(float).tiny * 1e10
    return np.maximum(r, tiny)


# ---------------------------------------------------------------- start values
def start_values(p: Problem) -> FloatArray:
    """Measured values, with unmeasured ones by difference or n-product formula."""
    x = p.y.copy()
    known = np.broadcast_to(p.measured, x.shape).copy()
    ns, ne, inc = p.ns, p.ne, p.inc
    nodes = [
        (np.flatnonzero(inc[k] > 0), np.flatnonzero(inc[k] < 0)) for k in range(p.nn)
    ]
    mass_known = p.measured[:ns].copy()
    for _ in range(2 * p.nn + 2):
        progress = False
        for ins, outs in nodes:
            at = np.concatenate([ins, outs])
            unknown = at[~mass_known[at]]
            if unknown.size == 0:
                continue
            if unknown.size == 1:
                j = unknown[0]
                others = at[at != j]
                coef = np.where(np.isin(others, ins), 1.0, -1.0)
                total = x[:, others] @ coef
                val = total if j in outs else -total
                if np.all(val > 0):
                    x[:, j] = val
                    mass_known[j] = True
                    progress = True
                continue
            # n-product: element balances with known assays, least squares
            elements = [
                e
                for e in range(ne)
                if all(
                    p.measured[ns + e * ns + s] or known[0, ns + e * ns + s] for s in at
                )
            ]
            if len(elements) + 1 < unknown.size:
                continue
            rows = []
            for e in [None, *elements]:
                if e is None:
                    a = np.ones((x.shape[0], at.size))
                    w = np.ones(x.shape[0])
                else:
                    a = x[:, ns + e * ns + at]
                    w = 1.0 / np.maximum(np.abs(a).max(axis=1), 1e-300)
                sgn = np.where(np.isin(at, ins), 1.0, -1.0)
                rows.append(a * sgn * w[:, None])
            mat = np.stack(rows, axis=1)  # (P, 1+ne', at)
            ku = np.isin(at, unknown)
            lhs = mat[:, :, ku]
            rhs = -np.einsum("prs,ps->pr", mat[:, :, ~ku], x[:, at[~ku]])
            sol = np.stack(
                [np.linalg.lstsq(lhs[i], rhs[i], rcond=None)[0] for i in range(len(x))]
            )
            if np.all(sol > 0):
                x[:, at[ku]] = sol
                mass_known[at[ku]] = True
                progress = True
        if not progress:
            break
    for ins, outs in nodes:  # whatever is left: a share of a known neighbour
        at = np.concatenate([ins, outs])
        ref = at[mass_known[at]]
        for j in at[~mass_known[at]]:
            x[:, j] = 0.5 * x[:, ref].mean(axis=1) if ref.size else 1.0
            mass_known[j] = True
    for j in np.flatnonzero(~mass_known):
        x[:, j] = np.nanmean(x[:, :ns], axis=1)
    # assays: by difference where one is missing at a node, else a neighbour's
    for e in range(ne):
        off = ns + e * ns
        a_known = p.measured[off : off + ns].copy()
        for _ in range(2 * p.nn + 2):
            progress = False
            for ins, outs in nodes:
                at = np.concatenate([ins, outs])
                unknown = at[~a_known[at]]
                if unknown.size != 1:
                    continue
                j = unknown[0]
                others = at[at != j]
                coef = np.where(np.isin(others, ins), 1.0, -1.0)
                metal = (x[:, others] * x[:, off + others]) @ coef
                val = (metal if j in outs else -metal) / x[:, j]
                x[:, off + j] = np.clip(val, 0.0, 1.0)
                a_known[j] = True
                progress = True
            if not progress:
                break
        for ins, outs in nodes:
            at = np.concatenate([ins, outs])
            ref = at[a_known[at]]
            for j in at[~a_known[at]]:
                x[:, off + j] = x[:, off + ref].mean(axis=1) if ref.size else 0.01
                a_known[j] = True
        left = ~a_known
        if left.any():
            x[:, off + np.flatnonzero(left)] = 0.01
    return x


def variable_scales(p: Problem, x0: FloatArray) -> FloatArray:
    s = np.where(p.measured, np.maximum(np.abs(p.y), p.sd), np.abs(x0))
    s = np.where(np.isfinite(s), s, 0.0)
    mass = s[:, : p.ns]
    floor_m = 1e-12 * np.max(mass, axis=1, keepdims=True)
    s[:, : p.ns] = np.maximum(mass, np.maximum(floor_m, 1e-300))
    s[:, p.ns :] = np.maximum(s[:, p.ns :], 1e-300)
    out: FloatArray = s
    return out


# ------------------------------------------------------------ linear algebra
@dataclass(eq=False)
class Linearization:
    """The reduced linear problem ``A u_m = t`` at one point (scaled)."""

    a: Any  # (P, k, nm) dense, or a sparse (k, nm) matrix when sparse
    t: FloatArray  # (P, k)
    var: FloatArray  # (P, nm) scaled variances of the measurements
    ym: FloatArray  # (P, nm)
    gm: Any  # Jacobian columns of the measured variables (dense or sparse)
    b: FloatArray  # (P, m): G u - g
    # unmeasured part (dense only)
    u_left: FloatArray | None = None  # (P, m, r)
    sig: FloatArray | None = None  # (P, r)
    w_obs: FloatArray | None = None  # (P, nu, r)
    w_null: FloatArray | None = None  # (P, nu, nu - r)


def _svd_rank(sig: FloatArray, shape: tuple[int, int]) -> int:
    if sig.shape[-1] == 0:
        return 0
    top = np.max(sig, axis=-1, keepdims=True)
    # the matrix is scaled (entries of order one), so an absolute floor is sound
    tol = np.maximum(RANK_TOL * top * max(shape), 1e-10)
    ranks = np.sum(sig > tol, axis=-1)
    if np.any(ranks != ranks.flat[0]):
        raise DegenerateError(
            "periods differ in which unmeasured quantities they determine; "
            "reconcile them separately"
        )
    return int(ranks.flat[0])


def _row_sum(pat: Pattern) -> FloatArray:
    """The (nnz, m) one-hot matrix that sums Jacobian non-zeros into their rows."""
    out = np.zeros((pat.rows.size, pat.m))
    out[np.arange(pat.rows.size), pat.rows] = 1.0
    return out


def linearize(
    p: Problem,
    pat: Pattern,
    u: FloatArray,
    s: FloatArray,
    r: FloatArray,
    yu: FloatArray,
    var: FloatArray,
) -> tuple[Linearization, FloatArray]:
    """Scaled Jacobian and reduced system at ``u``; also returns ``g`` (P, m)."""
    x = u * s
    g = residual(p, x) / r
    vals = jac_values(p, pat, x) * s[:, pat.cols] / r[:, pat.rows]
    im = np.flatnonzero(p.measured)
    iu = np.flatnonzero(~p.measured)
    big_p = u.shape[0]
    flat = np.zeros((big_p, pat.m * pat.n))
    flat[:, pat.rows * pat.n + pat.cols] = vals
    dense = flat.reshape(big_p, pat.m, pat.n)
    # G u from the non-zeros alone: a (P, nnz) x (nnz, m) product, no dense pass
    b = (vals * u[:, pat.cols]) @ _row_sum(pat) - g
    if iu.size == 0:  # every variable measured: G itself, no column copy
        return Linearization(a=dense, t=b, var=var, ym=yu, gm=dense, b=b), g
    gm = dense[:, :, im]
    gu = dense[:, :, iu]
    uu, sig, wt = np.linalg.svd(gu, full_matrices=True)
    rank = _svd_rank(sig, (pat.m, iu.size))
    proj = np.swapaxes(uu[:, :, rank:], 1, 2)  # (P, m - r, m)
    a = proj @ gm
    t = np.einsum("pkm,pm->pk", proj, b)
    w = np.swapaxes(wt, 1, 2)
    return (
        Linearization(
            a=a,
            t=t,
            var=var[:, im],
            ym=yu[:, im],
            gm=gm,
            b=b,
            u_left=uu[:, :, :rank],
            sig=sig[:, :rank],
            w_obs=w[:, :, :rank],
            w_null=w[:, :, rank:],
        ),
        g,
    )


def _pinv_sym(s_mat: FloatArray) -> tuple[FloatArray, IntArray]:
    """Pseudo-inverse of stacked symmetric PSD matrices and their ranks."""
    if s_mat.shape[-1] == 0:
        return s_mat.copy(), np.zeros(s_mat.shape[0], dtype=np.intp)
    if s_mat.shape[0] > 1:
        # batches: a well-conditioned S (the usual case) is inverted directly,
        # which is several times cheaper than a stacked eigendecomposition
        try:
            chol = np.linalg.cholesky(s_mat)
        except np.linalg.LinAlgError:
            chol = None
        if chol is not None:
            diag = np.abs(np.diagonal(chol, axis1=1, axis2=2))
            if np.all(diag.min(axis=1) > 1e-7 * diag.max(axis=1)):
                full = np.full(s_mat.shape[0], s_mat.shape[-1], dtype=np.intp)
                inv_s: FloatArray = np.asarray(np.linalg.inv(s_mat), dtype=np.float64)
                return inv_s, full
    lam, vec = np.linalg.eigh(s_mat)
    top = np.max(np.abs(lam), axis=-1, keepdims=True)
    keep = lam > RANK_TOL * np.maximum(top, 1e-300) * s_mat.shape[-1]
    inv = np.where(keep, 1.0 / np.where(keep, lam, 1.0), 0.0)
    return (vec * inv[:, None, :]) @ np.swapaxes(vec, 1, 2), keep.sum(axis=-1)


_SUBSTITUTION_MAX = (
    64  #: stacked systems up to this size solved by vectorised substitution
)


def _forward(chol: FloatArray, rhs: FloatArray) -> FloatArray:
    """``L⁻¹ rhs`` for stacked lower-triangular ``L`` (P, k, k), rhs (P, k, ...).

    Substitution vectorised over the periods: k steps, each a small reduction,
    far cheaper than a stacked LAPACK call per period for small k.
    """
    out = np.empty_like(rhs)
    extra = rhs.ndim - 2
    for j in range(rhs.shape[1]):
        acc = rhs[:, j]
        if j:
            row = chol[:, j, :j]
            acc = acc - np.einsum("pi,pi...->p...", row, out[:, :j])
        out[:, j] = acc / chol[:, j, j].reshape((-1,) + (1,) * extra)
    return out


def _backward(chol: FloatArray, rhs: FloatArray) -> FloatArray:
    """``L⁻ᵀ rhs`` for stacked lower-triangular ``L`` and rhs (P, k)."""
    k = rhs.shape[1]
    out = np.empty_like(rhs)
    for j in range(k - 1, -1, -1):
        acc = rhs[:, j]
        if j < k - 1:
            acc = acc - np.einsum("pi,pi->p", chol[:, j + 1 :, j], out[:, j + 1 :])
        out[:, j] = acc / chol[:, j, j]
    return out


def _well_conditioned(chol: FloatArray) -> bool:
    diag = np.abs(np.diagonal(chol, axis1=1, axis2=2))
    return bool(np.all(diag.min(axis=1) > 1e-7 * diag.max(axis=1)))


def _solve_spd(s_mat: FloatArray, rhs: FloatArray) -> FloatArray:
    """Solve stacked ``S x = rhs``; pseudo-inverse if ``S`` is singular."""
    if s_mat.shape[-1] == 0:
        return np.zeros_like(rhs)
    import scipy.linalg  # imported when first needed: it is slow to import

    try:
        if s_mat.shape[0] == 1:
            c = scipy.linalg.cho_factor(s_mat[0], check_finite=False)
            diag = np.abs(np.diag(c[0]))
            if diag.min() > 1e-7 * diag.max():
                sol: FloatArray = scipy.linalg.cho_solve(c, rhs[0], check_finite=False)
                return sol[None]
        else:
            chol = np.asarray(np.linalg.cholesky(s_mat), dtype=np.float64)
            if _well_conditioned(chol) and s_mat.shape[-1] <= _SUBSTITUTION_MAX:
                return _backward(chol, _forward(chol, rhs))
            if _well_conditioned(chol):
                out: FloatArray = np.asarray(
                    np.linalg.solve(s_mat, rhs[..., None])[..., 0], dtype=np.float64
                )
                return out
    except np.linalg.LinAlgError:  # scipy.linalg raises the same class
        pass
    pinv, _ = _pinv_sym(s_mat)
    res: FloatArray = np.einsum("pij,pj->pi", pinv, rhs)
    return res


def step(lin: Linearization, u: FloatArray, p: Problem) -> FloatArray:
    """Closed-form solution of the linearised problem: the next iterate."""
    im = np.flatnonzero(p.measured)
    iu = np.flatnonzero(~p.measured)
    new = u.copy()
    a = lin.a
    d = np.einsum("pkn,pn->pk", a, lin.ym) - lin.t
    av = a * lin.var[:, None, :]
    s_mat = av @ np.swapaxes(a, 1, 2)
    lam = _solve_spd(s_mat, d)
    um = lin.ym - np.einsum("pkn,pk->pn", av, lam)
    new[:, im] = um
    if iu.size:
        assert lin.u_left is not None
        assert lin.sig is not None
        assert lin.w_obs is not None
        assert lin.w_null is not None
        rest = lin.b - np.einsum("pmn,pn->pm", lin.gm, um)
        coef = np.einsum("pmr,pm->pr", lin.u_left, rest) / lin.sig
        uu = np.einsum("pnr,pr->pn", lin.w_obs, coef)
        keep = np.einsum(
            "pnr,pr->pn", lin.w_null, np.einsum("pnr,pn->pr", lin.w_null, u[:, iu])
        )
        new[:, iu] = uu + keep
    return new


# --------------------------------------------------------------- statistics
@dataclass(eq=False)
class Solution:
    """Iterate, linearisation and statistics, in canonical units."""

    x: FloatArray  # (P, n) adjusted values (NaN where unobservable)
    s: FloatArray  # (P, n) variable scales
    sd: FloatArray  # (P, n) standard deviations of the adjusted values
    cov_adjust_diag: FloatArray  # (P, nm) scaled variance of the adjustments
    observable: BoolArray  # (n,)
    dof: IntArray  # (P,)
    n_iter: int
    converged: bool
    max_rel_residual: FloatArray  # (P,)
    nodal_z: FloatArray  # (P, m) NaN where a node holds unmeasured variables
    quad: Any  # callable: scaled gradients (P, q, n) -> (P, q, q) covariance
    q_col: Any  # callable: k -> (nm,) column k of the adjustments' covariance


def solve(
    p: Problem, *, max_iter: int = 50, xtol: float = 1e-10, ctol: float = 1e-12
) -> Solution:
    """Reconcile ``p``; always returns (the caller decides on convergence)."""
    if p.periods == 1 and p.measured.all():
        return solve_fully_measured(p, max_iter=max_iter, xtol=xtol, ctol=ctol)
    pat = pattern(p)
    x0 = start_values(p)
    s = variable_scales(p, x0)
    r = row_scales(p, s)
    u = x0 / s
    yu = np.where(p.measured, p.y / s, 0.0)
    var = np.where(p.measured, (p.sd / s) ** 2, 0.0)
    du = np.inf
    n_iter = 0
    converged = False
    while True:
        lin, g = linearize(p, pat, u, s, r, yu, var)
        gmax = float(np.max(np.abs(g))) if g.size else 0.0
        if gmax <= ctol and du <= xtol:
            converged = True
            break
        if n_iter >= max_iter or not np.isfinite(gmax):
            break
        new = step(lin, u, p)
        du = float(np.max(np.abs(new - u))) if new.size else 0.0
        u = new
        n_iter += 1
        if p.ne == 0 and du <= xtol:
            du = 0.0
    return _statistics(p, pat, lin, u, s, r, n_iter, converged, g)


def _whiten(s_mat: FloatArray, av: FloatArray) -> tuple[FloatArray, IntArray]:
    """``B = W av`` with ``WᵀW = S⁺`` for stacked symmetric PSD ``S``; and ranks.

    ``W = L⁻¹`` from a Cholesky factor when every ``S`` is well conditioned
    (the usual case: one factorisation and a triangular solve), else
    ``diag(1/√λ) Qᵀ`` over the kept eigenpairs.
    """
    k = s_mat.shape[-1]
    big_p = s_mat.shape[0]
    if k == 0:
        return np.zeros((big_p, 0, av.shape[-1])), np.zeros(big_p, dtype=np.intp)
    chol: FloatArray | None
    try:
        chol = np.asarray(np.linalg.cholesky(s_mat), dtype=np.float64)
    except np.linalg.LinAlgError:
        chol = None
    if chol is not None and _well_conditioned(chol):
        full = np.full(big_p, k, dtype=np.intp)
        if k <= _SUBSTITUTION_MAX:
            return _forward(chol, av), full
        return np.linalg.inv(chol) @ av, full
    lam, vec = np.linalg.eigh(s_mat)
    top = np.max(np.abs(lam), axis=-1, keepdims=True)
    keep = lam > RANK_TOL * np.maximum(top, 1e-300) * k
    root = np.where(keep, 1.0 / np.sqrt(np.where(keep, lam, 1.0)), 0.0)
    w = root[:, :, None] * np.swapaxes(vec, 1, 2)
    return w @ av, keep.sum(axis=-1)


def _statistics(
    p: Problem,
    pat: Pattern,
    lin: Linearization,
    u: FloatArray,
    s: FloatArray,
    r: FloatArray,
    n_iter: int,
    converged: bool,
    g: FloatArray,
) -> Solution:
    """Statistics without any (P, n, n) matrix.

    The covariance of the adjusted measured values is ``C = V − BᵀB`` with
    ``B = W A V`` and ``WᵀW = (A V Aᵀ)⁺``; an unmeasured variable is ``T`` times
    the measured ones, so every quadratic form ``g C gᵀ`` is computed from
    ``B`` and ``T`` alone, per period and on demand.
    """
    im = np.flatnonzero(p.measured)
    iu = np.flatnonzero(~p.measured)
    big_p, n = u.shape
    vm = lin.var
    observable = np.ones(n, dtype=bool)
    rel = np.max(np.abs(g), axis=1) if g.size else np.zeros(big_p)
    a = lin.a
    av = a * vm[:, None, :]
    s_mat = av @ np.swapaxes(a, 1, 2)
    bmat, dof = _whiten(s_mat, av)  # (P, k, nm)
    qdiag = np.einsum("pkn,pkn->pn", bmat, bmat)  # variance of the adjustments
    dvar = np.empty((big_p, n))
    dvar[:, im] = vm - qdiag
    tmat: FloatArray | None = None
    if iu.size:
        assert lin.w_obs is not None
        assert lin.u_left is not None
        assert lin.sig is not None
        assert lin.w_null is not None
        nullness = np.sqrt(np.sum(lin.w_null**2, axis=2)).max(axis=0)
        observable[iu] = nullness < 1e-6
        # u_u = W1 S1^-1 U1^T (b - G_m u_m) -> d u_u / d u_m = T
        tmat = -((lin.w_obs / lin.sig[:, None, :]) @ np.swapaxes(lin.u_left, 1, 2)) @ (
            lin.gm
        )
        bt = bmat @ np.swapaxes(tmat, 1, 2)  # (P, k, nu)
        dvar[:, iu] = np.einsum("pun,pn,pun->pu", tmat, vm, tmat) - np.einsum(
            "pku,pku->pu", bt, bt
        )
    sd = np.sqrt(np.maximum(dvar, 0.0)) * s

    def measured_part(grad: FloatArray) -> FloatArray:
        gm_: FloatArray = grad[:, :, im]
        if tmat is not None:
            gm_ = gm_ + grad[:, :, iu] @ tmat
        return gm_

    def quad(grad: FloatArray) -> FloatArray:
        gm_ = measured_part(grad)
        h = bmat @ np.swapaxes(gm_, 1, 2)  # (P, k, q)
        out: FloatArray = (gm_ * vm[:, None, :]) @ np.swapaxes(gm_, 1, 2) - (
            np.swapaxes(h, 1, 2) @ h
        )
        return out

    def q_col(k: int) -> FloatArray:
        col: FloatArray = bmat[0].T @ bmat[0, :, k]
        return col

    # nodal tests on rows without unmeasured variables, at the measured values
    m = pat.m
    nodal_z = np.full((big_p, m), np.nan)
    has_u = np.zeros(m, dtype=bool)
    if iu.size:
        col_u = np.isin(pat.cols, iu)
        has_u[pat.rows[col_u]] = True
    x_meas = np.where(p.measured, p.y, u * s)
    imb = residual(p, x_meas) / r
    rows_ok = np.flatnonzero(~has_u)
    if rows_ok.size:
        gm_ok = lin.gm if rows_ok.size == m else lin.gm[:, rows_ok, :]
        sv = (gm_ok * gm_ok) @ vm[:, :, None]
        sv = sv[:, :, 0]
        nodal_z[:, rows_ok] = imb[:, rows_ok] / np.sqrt(np.maximum(sv, 1e-300))
    x = u * s
    x[:, ~observable] = np.nan
    sd[:, ~observable] = np.nan
    return Solution(
        x=x,
        s=s,
        sd=sd,
        cov_adjust_diag=qdiag,
        observable=observable,
        dof=np.asarray(dof, dtype=np.intp),
        n_iter=n_iter,
        converged=converged,
        max_rel_residual=rel,
        nodal_z=nodal_z,
        quad=quad,
        q_col=q_col,
    )


# ------------------------------------------------- fully measured, one period
DENSE_MAX_ROWS = 700  # constraints above which S is factorised as a sparse matrix


@dataclass(eq=False)
class _Pairs:
    """For S = G V G^T: every pair of Jacobian non-zeros sharing a column."""

    pi: IntArray
    pj: IntArray
    flat: IntArray  # rows[pi] * m + rows[pj]
    col: IntArray  # cols[pi]


def _pairs(pat: Pattern) -> _Pairs:
    order = np.argsort(pat.cols, kind="stable")
    cols_sorted = pat.cols[order]
    starts = np.searchsorted(cols_sorted, np.arange(pat.n))
    ends = np.searchsorted(cols_sorted, np.arange(pat.n), side="right")
    pi_list, pj_list = [], []
    for width in np.unique(ends - starts):
        if width == 0:
            continue
        sel = np.flatnonzero(ends - starts == width)
        base = starts[sel][:, None] + np.arange(width)[None, :]  # (c, w)
        ii = np.repeat(base, width, axis=1)
        jj = np.tile(base, (1, width))
        pi_list.append(order[ii.ravel()])
        pj_list.append(order[jj.ravel()])
    pi = np.concatenate(pi_list)
    pj = np.concatenate(pj_list)
    return _Pairs(
        pi=pi, pj=pj, flat=pat.rows[pi] * pat.m + pat.rows[pj], col=pat.cols[pi]
    )


class _Factor:
    """Factorisation of S (dense Cholesky, pseudo-inverse or sparse LU)."""

    def __init__(self, pat: Pattern, pairs: _Pairs, w: FloatArray) -> None:
        m = pat.m
        if m <= DENSE_MAX_ROWS:
            s_mat: FloatArray = (
                np.bincount(pairs.flat, weights=w, minlength=m * m)
                .reshape(m, m)
                .astype(np.float64)
            )
            self._dense(s_mat)
        else:
            import scipy.sparse

            rr, cc = np.divmod(pairs.flat, m)
            self._sparse(scipy.sparse.csc_matrix((w, (rr, cc)), shape=(m, m)))

    @classmethod
    def of_matrix(cls, s_sp: Any) -> _Factor:
        """Factorise a given sparse symmetric ``S`` (dense when it is small)."""
        self = cls.__new__(cls)
        if s_sp.shape[0] <= DENSE_MAX_ROWS:
            self._dense(np.asarray(s_sp.toarray(), dtype=np.float64))
        else:
            self._sparse(s_sp.tocsc())
        return self

    def _dense(self, s_mat: FloatArray) -> None:
        m = s_mat.shape[0]
        self.m = m
        self.s_diag = np.diag(s_mat).copy()
        self.lu: Any = None
        self.pinv: FloatArray | None = None
        self.cho: Any = None
        import scipy.linalg  # imported when first needed: slow to import

        try:
            cho = scipy.linalg.cho_factor(s_mat, check_finite=False) if m else None
            d = np.abs(np.diag(cho[0])) if cho is not None else None
            if d is not None and d.min() > 1e-7 * d.max():
                self.cho = cho
                self.rank = m
        except np.linalg.LinAlgError:
            pass
        if self.cho is None:
            pinv, rank = _pinv_sym(s_mat[None])
            self.pinv, self.rank = pinv[0], int(rank[0])

    def _sparse(self, s_sp: Any) -> None:
        import scipy.sparse.linalg

        m = s_sp.shape[0]
        self.m = m
        self.s_diag = np.asarray(s_sp.diagonal())
        lu = scipy.sparse.linalg.splu(s_sp)
        self.lu = lu
        u_diag = np.abs(lu.U.diagonal())
        self.rank = int(np.sum(u_diag > RANK_TOL * u_diag.max() * m))
        if self.rank < m:
            raise DegenerateError(
                "the node balances are linearly dependent in a problem too "
                "large for the dense pseudo-inverse; remove a redundant node"
            )

    def solve(self, rhs: FloatArray) -> FloatArray:
        if self.lu is not None:
            out: FloatArray = self.lu.solve(rhs)
        elif self.cho is not None:
            import scipy.linalg

            out = scipy.linalg.cho_solve(self.cho, rhs, check_finite=False)
        else:
            assert self.pinv is not None
            out = self.pinv @ rhs
        return out

    def inverse(self) -> FloatArray:
        return self.solve(np.eye(self.m))


def solve_fully_measured(
    p: Problem, *, max_iter: int = 50, xtol: float = 1e-10, ctol: float = 1e-12
) -> Solution:
    """One period with every variable measured: sparse assembly, no projection."""
    pat = pattern(p)
    pairs = _pairs(pat)
    y, sd = p.y[0], p.sd[0]
    s = np.maximum(np.abs(y), sd)[None, :]
    r = row_scales(p, s)[0]
    yu = y / s[0]
    var = (sd / s[0]) ** 2
    u = yu.copy()
    m, n = pat.m, pat.n
    rows, cols = pat.rows, pat.cols
    du = np.inf
    n_iter = 0
    converged = False
    while True:
        x = (u * s[0])[None, :]
        g = residual(p, x)[0] / r
        vals = jac_values(p, pat, x)[0] * s[0, cols] / r[rows]
        gmax = float(np.max(np.abs(g))) if g.size else 0.0
        if gmax <= ctol and du <= xtol:
            converged = True
            break
        if n_iter >= max_iter or not np.isfinite(gmax):
            break
        w = vals[pairs.pi] * var[pairs.col] * vals[pairs.pj]
        fac = _Factor(pat, pairs, w)
        # A u' = b with b = G u - g;  d = G y - b = G (y - u) + g
        d = np.bincount(rows, weights=vals * (yu - u)[cols], minlength=m) + g
        lam = fac.solve(d)
        new = yu - var * np.bincount(cols, weights=vals * lam[rows], minlength=n)
        du = float(np.max(np.abs(new - u)))
        u = new
        n_iter += 1
        if p.ne == 0 and du <= xtol:
            du = 0.0
    w = vals[pairs.pi] * var[pairs.col] * vals[pairs.pj]
    fac = _Factor(pat, pairs, w)
    s_inv = fac.inverse()
    h = np.bincount(
        pairs.col,
        weights=vals[pairs.pi] * vals[pairs.pj] * s_inv.ravel()[pairs.flat],
        minlength=n,
    )
    qdiag = var**2 * h
    sdv = np.sqrt(np.maximum(var - qdiag, 0.0)) * s[0]

    def gt(vec: FloatArray) -> FloatArray:  # G^T vec
        out: FloatArray = np.bincount(cols, weights=vals * vec[rows], minlength=n)  # type: ignore[assignment]
        return out

    def gm(vec: FloatArray) -> FloatArray:  # G vec
        out: FloatArray = np.bincount(rows, weights=vals * vec[cols], minlength=m)  # type: ignore[assignment]
        return out

    def quad(grad: FloatArray) -> FloatArray:
        gv = grad[0] * var  # (q, n)
        hh = np.stack([gm(row) for row in gv]) if gv.shape[0] else gv[:, :m]
        out: FloatArray = (gv @ grad[0].T - hh @ s_inv @ hh.T)[None]
        return out

    def q_col(k: int) -> FloatArray:
        e = np.zeros(n)
        e[k] = var[k]
        col: FloatArray = var * gt(s_inv @ gm(e))
        return col

    imb = residual(p, y[None, :])[0] / r
    nodal = (imb / np.sqrt(np.maximum(fac.s_diag, 1e-300)))[None, :]
    return Solution(
        x=(u * s[0])[None, :],
        s=s,
        sd=sdv[None, :],
        cov_adjust_diag=qdiag[None, :],
        observable=np.ones(n, dtype=bool),
        dof=np.array([fac.rank], dtype=np.intp),
        n_iter=n_iter,
        converged=converged,
        max_rel_residual=np.array([float(np.max(np.abs(g))) if g.size else 0.0]),
        nodal_z=nodal,
        quad=quad,
        q_col=q_col,
    )
