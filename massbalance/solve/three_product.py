r"""The three-product formula: two concentrates and a tail from two elements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .._typing import Quantity
from ..errors import AssayError
from . import _kernels
from .n_product import (
    Assays,
    BalanceResult,
    check_condition,
    check_splits,
    finish,
    grade_table,
    sd_table,
)

__all__ = ["three_product"]


def three_product(
    feed: Assays,
    conc1: Assays,
    conc2: Assays,
    tail: Assays,
    *,
    elements: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    sd: Mapping[str, Mapping[str, Quantity]] | None = None,
) -> BalanceResult:
    r"""Split a feed into two concentrates and a tail from two elements.

    Parameters
    ----------
    feed, conc1, conc2, tail : Stream or mapping of str to pint.Quantity
        Assays by element, in any grade unit; scalars or arrays that
        broadcast (one value per scenario). [-]
    elements : sequence of two str, optional
        The two elements; default: the first two assayed in the feed.
    names : sequence of three str, optional
        Product ids; default: the streams' names, or ``conc1``, ``conc2``,
        ``tail`` for mappings.
    sd : mapping, optional
        Stream id -> element -> assay standard deviation; gives first-order
        SDs of the splits and recoveries. [-]

    Returns
    -------
    BalanceResult
        Splits (conc1, conc2, tail) and recoveries, as quantities.

    Raises
    ------
    UnitError, AssayError
        For bare numbers, grades outside [0, 100 %] or missing elements.
    DegenerateError
        If the two concentrates cannot be told apart (collinear assays); the
        message gives the condition number.
    InfeasibleError
        If a split falls outside [0, 100 %].

    Warns
    -----
    ImplausibleResultWarning
        If the condition number exceeds ``POOR_CONDITION``.

    Notes
    -----
    With :math:`a_{ij} = c_{j,i} - t_i` and :math:`b_i = f_i - t_i`, Cramer's
    rule gives :math:`C_1/F = (b_1 a_{22} - a_{12} b_2) / \det a` and
    :math:`C_2/F = (a_{11} b_2 - a_{21} b_1) / \det a`, vectorised over
    scenarios.

    References
    ----------
    .. [1] B. A. Wills and J. A. Finch, *Wills' Mineral Processing Technology*,
       8th ed. Oxford, UK: Butterworth-Heinemann, 2016, ch. 3.

    Examples
    --------
    >>> from massbalance import Q_
    >>> pct = lambda pb, zn: {"Pb": Q_(pb, "%"), "Zn": Q_(zn, "%")}
    >>> r = three_product(pct(3.0, 6.0), pct(50, 8), pct(2, 55), pct(0.2, 0.5),
    ...                   names=("pb_conc", "zn_conc", "tail"))
    >>> [f"{s:.3f~P}" for s in r.splits]
    ['5.284 %', '9.365 %', '85.351 %']
    >>> f"{r.recovery_of('Zn', 'zn_conc'):.2f~P}"
    '85.84 %'
    """
    products: dict[str, Assays] | list[Assays]
    if names is not None:
        if len(names) != 3:
            raise AssayError(f"three_product: need three names, got {list(names)}")
        products = dict(zip(names, (conc1, conc2, tail), strict=True))
    elif all(isinstance(p, Mapping) for p in (conc1, conc2, tail)):
        products = {"conc1": conc1, "conc2": conc2, "tail": tail}
    else:
        products = [conc1, conc2, tail]
    fname, pnames, chosen, f_arr, p_arr = grade_table(
        feed, products, None if elements is None else list(elements)
    )
    if elements is None:
        chosen = chosen[:2]
        f_arr, p_arr = f_arr[..., :2], p_arr[..., :2, :]
    if len(chosen) != 2:
        raise AssayError(
            f"three_product: needs exactly two elements, got {list(chosen)}; use "
            "n_product for more",
            fname,
        )
    y1, y2, cond = _kernels.three_product(
        f_arr[..., 0],
        f_arr[..., 1],
        p_arr[..., 0, 0],
        p_arr[..., 1, 0],
        p_arr[..., 0, 1],
        p_arr[..., 1, 1],
        p_arr[..., 0, 2],
        p_arr[..., 1, 2],
    )
    check_condition(cond, pnames, chosen, "three_product")
    splits = np.stack([y1, y2, 1.0 - y1 - y2], axis=-1)
    check_splits(splits, pnames, "three_product")
    sds = None
    if sd is not None:
        sds = sd_table(sd, fname, pnames, chosen, f_arr.shape[:-1])
    return finish(
        fname,
        pnames,
        chosen,
        f_arr,
        p_arr,
        splits,
        cond,
        residual=np.zeros_like(f_arr),
        weights=np.ones_like(f_arr),
        sd=sds,
    )
