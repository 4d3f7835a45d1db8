"""Float kernels of the split formulas (private).

Everything here works on float64 arrays in canonical units: grades as mass
fractions, splits as fractions of the feed mass. Leading axes are scenarios and
broadcast; the last axes are ``(element,)`` for a feed and ``(element,
product)`` for the products, whose last product is the tail. Nothing here
raises: degenerate inputs give ``inf`` condition numbers and ``nan`` splits,
which the public wrappers turn into errors that name the streams.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._typing import FloatArray

__all__ = [
    "condition_2x2",
    "n_product",
    "recoveries",
    "split_and_recovery_sd",
    "three_product",
    "two_product",
]

_Arr = FloatArray | np.ndarray[Any, np.dtype[np.float64]]


def two_product(f: _Arr, c: _Arr, t: _Arr) -> tuple[FloatArray, FloatArray]:
    """Return the mass split to the concentrate, ``(f - t) / (c - t)``, and
    the relative separation ``|c - t| / max(|c|, |t|)`` (0 when degenerate)."""
    f, c, t = np.broadcast_arrays(
        np.asarray(f, np.float64), np.asarray(c, np.float64), np.asarray(t, np.float64)
    )
    diff = c - t
    scale = np.maximum(np.abs(c), np.abs(t))
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(diff != 0, (f - t) / np.where(diff != 0, diff, 1.0), np.nan)
        separation = np.where(
            scale > 0, np.abs(diff) / np.where(scale > 0, scale, 1), 0
        )
    return y, separation


def condition_2x2(a11: _Arr, a12: _Arr, a21: _Arr, a22: _Arr) -> FloatArray:
    """2-norm condition number of a batch of 2x2 matrices, rows scaled to 1.

    Uses ``s1 * s2 = |det|`` and ``s1**2 + s2**2 = ||A||_F**2``; ``inf`` when
    singular.
    """
    r1 = np.maximum(np.abs(a11), np.abs(a12))
    r2 = np.maximum(np.abs(a21), np.abs(a22))
    with np.errstate(divide="ignore", invalid="ignore"):
        r1 = np.where(r1 > 0, r1, np.inf)
        r2 = np.where(r2 > 0, r2, np.inf)
        b11, b12, b21, b22 = a11 / r1, a12 / r1, a21 / r2, a22 / r2
        det = np.abs(b11 * b22 - b12 * b21)
        fro2 = b11 * b11 + b12 * b12 + b21 * b21 + b22 * b22
        root = np.sqrt(np.maximum(fro2 * fro2 - 4 * det * det, 0.0))
        cond = (fro2 + root) / (2 * det)
    return np.where(det > 0, cond, np.inf)


def three_product(
    f1: _Arr,
    f2: _Arr,
    c11: _Arr,
    c12: _Arr,
    c21: _Arr,
    c22: _Arr,
    t1: _Arr,
    t2: _Arr,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Splits to concentrate 1 and 2 from two elements (Cramer's rule).

    ``cjk`` is the grade of element ``k`` in concentrate ``j``. Returns
    ``(y1, y2, condition)``; the tail split is ``1 - y1 - y2``.
    """
    a11, a12 = np.subtract(c11, t1), np.subtract(c21, t1)
    a21, a22 = np.subtract(c12, t2), np.subtract(c22, t2)
    b1, b2 = np.subtract(f1, t1), np.subtract(f2, t2)
    det = a11 * a22 - a12 * a21
    with np.errstate(divide="ignore", invalid="ignore"):
        y1 = (b1 * a22 - a12 * b2) / det
        y2 = (a11 * b2 - a21 * b1) / det
    return y1, y2, condition_2x2(a11, a12, a21, a22)


def _system(feed: FloatArray, products: FloatArray) -> tuple[FloatArray, FloatArray]:
    tail = products[..., -1]
    return products[..., :-1] - tail[..., None], feed - tail


def n_product(
    feed: _Arr, products: _Arr, weights: _Arr
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weighted least-squares splits with the splits summing to one.

    Parameters
    ----------
    feed : array (..., m)
        Feed grades.
    products : array (..., m, n)
        Product grades; the last product is the reference (any product works,
        the constrained problem does not depend on the choice).
    weights : array (..., m)
        Weight of each element's metal balance (1 / variance).

    Returns
    -------
    splits : array (..., n)
    residual : array (..., m)
        ``feed - products @ splits``.
    condition : array (...)
        2-norm condition number of the weighted system; ``inf`` when the
        products cannot be told apart.
    """
    feed = np.asarray(feed, np.float64)
    products = np.asarray(products, np.float64)
    a, b = _system(feed, products)
    root_w = np.sqrt(np.asarray(weights, np.float64))
    aw = a * root_w[..., None]
    bw = b * root_w
    u, s, vt = np.linalg.svd(aw, full_matrices=False)
    smax = s[..., :1]
    eps = np.finfo(np.float64).eps * max(aw.shape[-2:])
    with np.errstate(divide="ignore", invalid="ignore"):
        cond = np.where(
            s[..., -1] > eps * smax[..., 0], smax[..., 0] / s[..., -1], np.inf
        )
        inv_s = np.where(s > eps * smax, 1.0 / s, 0.0)
    coef = np.einsum("...im,...i->...m", u, bw) * inv_s
    x = np.einsum("...mj,...m->...j", vt, coef)
    splits = np.concatenate([x, 1.0 - x.sum(axis=-1, keepdims=True)], axis=-1)
    residual = feed - np.einsum("...ij,...j->...i", products, splits)
    bad = ~np.isfinite(cond)
    if np.any(bad):
        splits = np.where(bad[..., None], np.nan, splits)
    return splits, residual, cond


def recoveries(feed: _Arr, products: _Arr, splits: _Arr) -> FloatArray:
    """Recovery of each element to each product, ``y_k p_ik / f_i``; (..., m, n).

    Elements absent from the feed (``f_i == 0``) have recovery ``nan``.
    """
    feed = np.asarray(feed, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(
            np.asarray(products) * np.asarray(splits)[..., None, :] / feed[..., :, None]
        )


def split_and_recovery_sd(
    feed: _Arr,
    products: _Arr,
    splits: _Arr,
    weights: _Arr,
    feed_sd: _Arr,
    product_sd: _Arr,
) -> tuple[FloatArray, FloatArray]:
    """First-order (delta-method) standard deviations of splits and recoveries.

    Assay errors are independent with the given SDs; the weights are held at
    their values (their dependence on the assays is second order).
    Differentiates the weighted normal equations ``A' W A x = A' W b``
    (with the residual term, so over-determined systems are handled too).

    Returns
    -------
    split_sd : array (..., n)
    recovery_sd : array (..., m, n)
    """
    feed = np.asarray(feed, np.float64)
    products = np.asarray(products, np.float64)
    y = np.asarray(splits, np.float64)
    w = np.asarray(weights, np.float64)
    a, b = _system(feed, products)
    n = products.shape[-1]
    x = y[..., :-1]
    r = b - np.einsum("...ij,...j->...i", a, x)
    m_mat = np.einsum("...ij,...i,...ik->...jk", a, w, a)
    m_inv = np.linalg.inv(m_mat)
    k_mat = np.einsum("...jk,...ik,...i->...ji", m_inv, a, w)  # (..., n-1, m)
    t_mat = np.concatenate([np.eye(n - 1), -np.ones((1, n - 1))], axis=0)  # (n, n-1)
    e_mat = np.concatenate([np.eye(n - 1), -np.ones((n - 1, 1))], axis=1)  # (n-1, n)
    jf = np.einsum("yj,...ji->...yi", t_mat, k_mat)  # dy/dF: (..., n, m)
    tme = np.einsum("yj,...jk,kl->...yl", t_mat, m_inv, e_mat)  # (..., n, n)
    # dy_q / dP_ik = tme[q, k] w_i r_i - jf[q, i] y_k
    jp = (
        tme[..., :, None, :] * (w * r)[..., None, :, None]
        - jf[..., :, :, None] * y[..., None, None, :]
    )  # (..., n, m, n)
    fsd2 = np.asarray(feed_sd, np.float64) ** 2
    psd2 = np.asarray(product_sd, np.float64) ** 2
    var_y = np.einsum("...qi,...i->...q", jf**2, fsd2) + np.einsum(
        "...qik,...ik->...q", jp**2, psd2
    )
    m = feed.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = products / feed[..., :, None]  # p_ik / f_i  (..., m, n)
        # dR_ik/dF_j = ratio_ik jf[k, j] - delta_ij y_k p_ik / f_i^2
        d_f = ratio[..., :, :, None] * jf[..., None, :, :]  # (..., m, n, m)
        own = y[..., None, :] * products / feed[..., :, None] ** 2  # (..., m, n)
        eye_m = np.eye(m)
        d_f = d_f - own[..., :, :, None] * eye_m[:, None, :]
        # dR_ik/dP_jl = ratio_ik jp[k, j, l] + delta_ij delta_kl y_k / f_i
        d_p = ratio[..., :, :, None, None] * jp[..., None, :, :, :]  # (..., m,n,m,n)
        direct = y[..., None, :] / feed[..., :, None]  # (..., m, n)
        d_p = d_p + (
            direct[..., :, :, None, None]
            * eye_m[:, None, :, None]
            * np.eye(n)[None, :, None, :]
        )
    var_r = np.einsum("...ikj,...j->...ik", d_f**2, fsd2) + np.einsum(
        "...ikjl,...jl->...ik", d_p**2, psd2
    )
    return np.sqrt(var_y), np.sqrt(var_r)
