"""One period with unmeasured variables, on sparse matrices (private).

The same method as :func:`._solver.solve` (successive linearisations, each
solved in closed form after the projection of Crowe et al. that removes the
unmeasured variables), organised so that no matrix of the size of the whole
Jacobian is ever dense:

* The unmeasured columns of the Jacobian split into connected components
  (two unmeasured variables are connected when they appear in the same
  balance). The left null space of a block-diagonal matrix is the direct sum
  of the blocks' null spaces, so one SVD per component (batched over the
  components of equal shape) gives the projection, the pseudo-inverse that
  recovers the unmeasured variables, and their observability. Rank
  decisions use the threshold of the dense solver (relative to the largest
  singular value of the whole unmeasured block), so the classes agree.
* Balances that hold no unmeasured variable are kept as they are.
* The reduced system ``S = A V Aᵀ`` is sparse and factorised by
  :class:`._solver._Factor` (dense Cholesky below a few hundred rows, sparse
  LU above); statistics use its inverse only at the non-zeros they need.

A different orthonormal basis of the same null space changes ``A`` by an
orthogonal factor, which leaves every result unchanged: the dense solver
stays in the package as the oracle of the tests and for batches of periods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..errors import DegenerateError
from ._model import Problem
from ._solver import (
    RANK_TOL,
    Pattern,
    Solution,
    _Factor,
    _pairs,
    jac_values,
    pattern,
    residual,
    row_scales,
    solve,
    start_values,
    variable_scales,
)

__all__ = ["solve_sparse"]

IntArray = np.ndarray[Any, np.dtype[np.intp]]
Sparse = Any  # scipy.sparse matrices are untyped


@dataclass(eq=False)
class _Group:
    """Components of the unmeasured block that have the same shape."""

    rows: IntArray  # (g, R) global constraint rows of each component
    cols: IntArray  # (g, C) positions in ``iu`` of each component's variables
    member: IntArray  # (nz,) component of each unmeasured non-zero
    local_row: IntArray  # (nz,)
    local_col: IntArray  # (nz,)
    nz: IntArray  # (nz,) index of the non-zero in the pattern


@dataclass(eq=False)
class _Layout:
    """How the unmeasured block decomposes; fixed for the whole solve."""

    groups: list[_Group]
    free_rows: IntArray  # constraints without any unmeasured variable
    measured_nz: IntArray  # pattern non-zeros in measured columns
    measured_col: IntArray  # their position in ``im``


def _layout(pat: Pattern, measured: np.ndarray[Any, np.dtype[np.bool_]]) -> _Layout:
    import scipy.sparse  # imported when first needed: slow to import
    from scipy.sparse.csgraph import connected_components

    im = np.flatnonzero(measured)
    iu = np.flatnonzero(~measured)
    pos_u = np.full(pat.n, -1, dtype=np.intp)
    pos_u[iu] = np.arange(iu.size)
    pos_m = np.full(pat.n, -1, dtype=np.intp)
    pos_m[im] = np.arange(im.size)
    is_u = pos_u[pat.cols] >= 0
    nz_u = np.flatnonzero(is_u)
    ucol = pos_u[pat.cols[nz_u]]
    urow = pat.rows[nz_u]
    incidence = scipy.sparse.csr_matrix(
        (np.ones(nz_u.size), (urow, ucol)), shape=(pat.m, iu.size)
    )
    _, label = connected_components(incidence.T @ incidence, directed=False)
    row_label = np.full(pat.m, -1, dtype=np.intp)
    row_label[urow] = label[ucol]
    free_rows = np.flatnonzero(row_label < 0)
    comp_rows: dict[int, IntArray] = {}
    order = np.argsort(row_label, kind="stable")
    sorted_labels = row_label[order]
    starts = np.searchsorted(
        sorted_labels, np.arange(label.max() + 1 if iu.size else 0)
    )
    ends = np.searchsorted(
        sorted_labels, np.arange(label.max() + 1 if iu.size else 0), side="right"
    )
    col_order = np.argsort(label, kind="stable")
    col_starts = np.searchsorted(label[col_order], np.arange(len(starts)))
    col_ends = np.searchsorted(label[col_order], np.arange(len(starts)), side="right")
    by_shape: dict[tuple[int, int], list[int]] = {}
    comp_cols: dict[int, IntArray] = {}
    for c in range(len(starts)):
        comp_rows[c] = order[starts[c] : ends[c]]
        comp_cols[c] = col_order[col_starts[c] : col_ends[c]]
        shape = (comp_rows[c].size, comp_cols[c].size)
        by_shape.setdefault(shape, []).append(c)
    # each unmeasured non-zero: its group, member and local position
    local_row = np.empty(pat.m, dtype=np.intp)
    local_col = np.empty(iu.size, dtype=np.intp)
    group_of = np.empty(max(len(starts), 1), dtype=np.intp)
    member_of = np.empty(max(len(starts), 1), dtype=np.intp)
    groups = []
    for gi, comps in enumerate(by_shape.values()):
        rows = np.stack([comp_rows[c] for c in comps])
        cols = np.stack([comp_cols[c] for c in comps])
        for k, c in enumerate(comps):
            local_row[comp_rows[c]] = np.arange(rows.shape[1])
            local_col[comp_cols[c]] = np.arange(cols.shape[1])
            group_of[c] = gi
            member_of[c] = k
        groups.append((rows, cols))
    comp_of_nz = label[ucol] if iu.size else np.zeros(0, dtype=np.intp)
    out = []
    for gi, (rows, cols) in enumerate(groups):
        sel = np.flatnonzero(group_of[comp_of_nz] == gi)
        out.append(
            _Group(
                rows=rows,
                cols=cols,
                member=member_of[comp_of_nz[sel]],
                local_row=local_row[urow[sel]],
                local_col=local_col[ucol[sel]],
                nz=nz_u[sel],
            )
        )
    nz_m = np.flatnonzero(~is_u)
    return _Layout(
        groups=out,
        free_rows=free_rows,
        measured_nz=nz_m,
        measured_col=pos_m[pat.cols[nz_m]],
    )


@dataclass(eq=False)
class _Reduction:
    """The projected problem at one point, all sparse."""

    proj: Sparse  # (k, m) rows spanning the left null space of G_u
    pinv: Sparse  # (nu, m) pseudo-inverse of G_u
    null: Sparse  # (nu, nu) projector on the null space of G_u
    nullness: FloatArray  # (nu,) sqrt of the projector's diagonal
    gm: Sparse  # (m, nm) measured columns of the Jacobian, CSR
    a: Sparse  # (k, nm) = proj @ gm, CSR


def _reduce(
    layout: _Layout, pat: Pattern, vals: FloatArray, nu: int, nm: int
) -> _Reduction:
    import scipy.sparse

    m = pat.m
    gm = scipy.sparse.csr_matrix(
        (vals[layout.measured_nz], (pat.rows[layout.measured_nz], layout.measured_col)),
        shape=(m, nm),
    )
    svds = []
    top = 0.0
    for grp in layout.groups:
        g, rr = grp.rows.shape
        cc = grp.cols.shape[1]
        block = np.zeros((g, rr, cc))
        np.add.at(block, (grp.member, grp.local_row, grp.local_col), vals[grp.nz])
        uu, sig, wt = np.linalg.svd(block, full_matrices=True)
        if sig.size:
            top = max(top, float(sig.max()))
        svds.append((uu, sig, wt))
    # the dense solver's rule, on the whole unmeasured block (see _svd_rank)
    tol = max(RANK_TOL * top * max(m, nu), 1e-10)
    p_rows: list[IntArray] = [np.arange(layout.free_rows.size)]
    p_cols: list[IntArray] = [layout.free_rows]
    p_vals: list[FloatArray] = [np.ones(layout.free_rows.size)]
    i_rows: list[IntArray] = []
    i_cols: list[IntArray] = []
    i_vals: list[FloatArray] = []
    n_rows: list[IntArray] = []
    n_cols: list[IntArray] = []
    n_vals: list[FloatArray] = []
    k = layout.free_rows.size
    for grp, (uu, sig, wt) in zip(layout.groups, svds, strict=True):
        g, rr = grp.rows.shape
        cc = grp.cols.shape[1]
        kept = sig > tol  # (g, min(rr, cc)), decreasing: a prefix
        rank = kept.sum(axis=1)
        # projection: the columns of U past the rank
        null_left = np.arange(rr)[None, :] >= rank[:, None]  # (g, rr)
        gi, j = np.nonzero(null_left)
        p_rows.append(np.repeat(k + np.arange(gi.size), rr))
        p_cols.append(grp.rows[gi].ravel())
        p_vals.append(uu[gi, :, j].ravel())
        k += gi.size
        # pseudo-inverse W1 S1^-1 U1^T, (g, cc, rr)
        inv_sig = np.where(kept, 1.0 / np.where(kept, sig, 1.0), 0.0)
        r_min = sig.shape[1]
        pinv = np.einsum("gjc,gj,grj->gcr", wt[:, :r_min, :], inv_sig, uu[:, :, :r_min])
        i_rows.append(np.repeat(grp.cols, rr, axis=1).ravel())
        i_cols.append(np.tile(grp.rows, (1, cc)).ravel())
        i_vals.append(pinv.ravel())
        # null-space projector Wn^T Wn, (g, cc, cc)
        null_right = (np.arange(cc)[None, :] >= rank[:, None]).astype(float)
        proj_null = np.einsum("gjc,gj,gjd->gcd", wt, null_right, wt)
        n_rows.append(np.repeat(grp.cols, cc, axis=1).ravel())
        n_cols.append(np.tile(grp.cols, (1, cc)).ravel())
        n_vals.append(proj_null.ravel())
    proj = scipy.sparse.csr_matrix(
        (np.concatenate(p_vals), (np.concatenate(p_rows), np.concatenate(p_cols))),
        shape=(k, m),
    )

    def assemble(
        vs: list[FloatArray],
        rs: list[IntArray],
        cs: list[IntArray],
        shape: tuple[int, int],
    ) -> Sparse:
        if not vs:
            return scipy.sparse.csr_matrix(shape)
        return scipy.sparse.csr_matrix(
            (np.concatenate(vs), (np.concatenate(rs), np.concatenate(cs))), shape=shape
        )

    pinv_all = assemble(i_vals, i_rows, i_cols, (nu, m))
    null_all = assemble(n_vals, n_rows, n_cols, (nu, nu))
    nullness = np.sqrt(np.maximum(null_all.diagonal(), 0.0))
    return _Reduction(
        proj=proj,
        pinv=pinv_all,
        null=null_all,
        nullness=nullness,
        gm=gm,
        a=(proj @ gm).tocsr(),
    )


def _normal(a: Sparse, var: FloatArray) -> Sparse:
    """``S = A V Aᵀ``, CSC."""
    return (a.multiply(var[None, :]) @ a.T).tocsc()


BANDED_MAX = 64  #: half-bandwidth up to which S is inverted as a band matrix


def _inverse(s_sp: Sparse, fac: _Factor) -> FloatArray:
    """``S⁻¹`` (dense), through a banded Cholesky factor when ``S`` is narrow.

    A plant whose units are mostly in series (a chain, a bank of cells) gives
    an ``S`` of small bandwidth once its rows are put in reverse Cuthill-McKee
    order; its inverse then costs ``k² b`` instead of a sparse LU's solve of
    ``k`` right-hand sides. Anything else, or a factor that fails, falls back
    on ``fac``.
    """
    k = s_sp.shape[0]
    if k <= 1 or fac.lu is None:
        return fac.inverse()
    import scipy.linalg
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    perm = reverse_cuthill_mckee(s_sp.tocsr(), symmetric_mode=True)
    sp = s_sp.tocsr()[perm][:, perm].tocoo()
    band = int(np.max(np.abs(sp.row - sp.col))) if sp.nnz else 0
    if band > BANDED_MAX:
        return fac.inverse()
    upper = np.zeros((band + 1, k))
    keep = sp.col >= sp.row
    upper[band + sp.row[keep] - sp.col[keep], sp.col[keep]] = sp.data[keep]
    try:
        chol = scipy.linalg.cholesky_banded(upper, check_finite=False)
    except np.linalg.LinAlgError:
        return fac.inverse()
    inv_p = scipy.linalg.cho_solve_banded((chol, False), np.eye(k), check_finite=False)
    out: FloatArray = np.empty((k, k))
    out[np.ix_(perm, perm)] = inv_p
    return out


def _quadratic_diag(z: Sparse, s_inv: FloatArray) -> FloatArray:
    """``diag(Zᵀ S⁻¹ Z)`` for sparse ``Z``, reading ``S⁻¹`` at the pairs needed."""
    coo = z.tocoo()
    pat = Pattern(
        rows=coo.row.astype(np.intp),
        cols=coo.col.astype(np.intp),
        ss=np.zeros(0, dtype=np.intp),
        iv=np.zeros(0),
        m=z.shape[0],
        n=z.shape[1],
    )
    if coo.nnz == 0:
        return np.zeros(z.shape[1])
    pairs = _pairs(pat)
    out: FloatArray = np.bincount(  # type: ignore[assignment]
        pairs.col,
        weights=coo.data[pairs.pi] * coo.data[pairs.pj] * s_inv.ravel()[pairs.flat],
        minlength=z.shape[1],
    )
    return out


def solve_sparse(
    p: Problem, *, max_iter: int = 50, xtol: float = 1e-10, ctol: float = 1e-12
) -> Solution:
    """Reconcile one period with unmeasured variables on sparse matrices.

    Same contract as :func:`._solver.solve`; falls back on it when the
    reduced system is singular and too large for the dense pseudo-inverse.
    """
    if p.periods != 1 or p.measured.all():
        return solve(p, max_iter=max_iter, xtol=xtol, ctol=ctol)
    try:
        return _solve_sparse(p, max_iter=max_iter, xtol=xtol, ctol=ctol)
    except DegenerateError:
        return solve(p, max_iter=max_iter, xtol=xtol, ctol=ctol)


def _solve_sparse(p: Problem, *, max_iter: int, xtol: float, ctol: float) -> Solution:
    pat = pattern(p)
    layout = _layout(pat, p.measured)
    im = np.flatnonzero(p.measured)
    iu = np.flatnonzero(~p.measured)
    nm, nu = im.size, iu.size
    x0 = start_values(p)
    s2 = variable_scales(p, x0)
    r = row_scales(p, s2)[0]
    s = s2[0]
    u = x0[0] / s
    ym = (p.y[0] / s)[im]
    var = ((p.sd[0] / s) ** 2)[im]
    rows, cols = pat.rows, pat.cols
    du = np.inf
    n_iter = 0
    converged = False
    while True:
        x = u * s
        g = residual(p, x[None, :])[0] / r
        vals = jac_values(p, pat, x[None, :])[0] * s[cols] / r[rows]
        red = _reduce(layout, pat, vals, nu, nm)
        b = np.bincount(rows, weights=vals * u[cols], minlength=pat.m) - g
        gmax = float(np.max(np.abs(g))) if g.size else 0.0
        if gmax <= ctol and du <= xtol:
            converged = True
            break
        if n_iter >= max_iter or not np.isfinite(gmax):
            break
        t = red.proj @ b
        fac = _Factor.of_matrix(_normal(red.a, var))
        lam = fac.solve(red.a @ ym - t)
        um = ym - var * (red.a.T @ lam)
        new = u.copy()
        new[im] = um
        new[iu] = red.pinv @ (b - red.gm @ um) + red.null @ u[iu]
        du = float(np.max(np.abs(new - u))) if new.size else 0.0
        u = new
        n_iter += 1
        if p.ne == 0 and du <= xtol:
            du = 0.0
    return _statistics(p, pat, red, u, s, r, var, g, n_iter, converged)


def _statistics(
    p: Problem,
    pat: Pattern,
    red: _Reduction,
    u: FloatArray,
    s: FloatArray,
    r: FloatArray,
    var: FloatArray,
    g: FloatArray,
    n_iter: int,
    converged: bool,
) -> Solution:
    """The statistics of :func:`._solver._statistics`, from sparse factors."""
    im = np.flatnonzero(p.measured)
    iu = np.flatnonzero(~p.measured)
    n = u.size
    a = red.a
    s_sp = _normal(a, var)
    fac = _Factor.of_matrix(s_sp)
    s_inv = _inverse(s_sp, fac)
    qdiag = var**2 * _quadratic_diag(a, s_inv)
    dvar = np.empty(n)
    dvar[im] = var - qdiag
    # u_u = pinv (b - G_m u_m) + ... -> d u_u / d u_m = T
    tmat = (-(red.pinv @ red.gm)).tocsr()  # (nu, nm)
    tv = tmat.multiply(var[None, :])
    zmat = (a @ tv.T).tocsc()  # A V Tᵀ, (k, nu)
    dvar[iu] = np.asarray(tv.multiply(tmat).sum(axis=1)).ravel() - _quadratic_diag(
        zmat, s_inv
    )
    sd = np.sqrt(np.maximum(dvar, 0.0)) * s
    observable = np.ones(n, dtype=bool)
    observable[iu] = red.nullness < 1e-6

    def quad(grad: FloatArray) -> FloatArray:
        gr = grad[0]
        gm_ = gr[:, im] + (tmat.T @ gr[:, iu].T).T
        h = a @ (gm_ * var[None, :]).T  # (k, q)
        out: FloatArray = ((gm_ * var[None, :]) @ gm_.T - h.T @ s_inv @ h)[None]
        return out

    def q_col(k: int) -> FloatArray:
        col: FloatArray = var * (a.T @ (s_inv @ (a[:, [k]].toarray()[:, 0] * var[k])))
        return col

    # nodal tests on the balances without unmeasured variables
    m = pat.m
    nodal_z = np.full(m, np.nan)
    has_u = np.zeros(m, dtype=bool)
    if iu.size:
        has_u[pat.rows[np.isin(pat.cols, iu)]] = True
    x_meas = np.where(p.measured, p.y[0], u * s)
    imb = residual(p, x_meas[None, :])[0] / r
    rows_ok = np.flatnonzero(~has_u)
    if rows_ok.size:
        gm_ok = red.gm[rows_ok]
        sv = np.asarray(gm_ok.multiply(gm_ok) @ var).ravel()
        nodal_z[rows_ok] = imb[rows_ok] / np.sqrt(np.maximum(sv, 1e-300))
    x = u * s
    x[~observable] = np.nan
    sd[~observable] = np.nan
    return Solution(
        x=x[None, :],
        s=s[None, :],
        sd=sd[None, :],
        cov_adjust_diag=qdiag[None, :],
        observable=observable,
        dof=np.array([fac.rank], dtype=np.intp),
        n_iter=n_iter,
        converged=converged,
        max_rel_residual=np.array([float(np.max(np.abs(g))) if g.size else 0.0]),
        nodal_z=nodal_z[None, :],
        quad=quad,
        q_col=q_col,
    )
