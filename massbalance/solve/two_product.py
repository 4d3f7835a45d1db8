r"""The two-product formula: one element, feed -> concentrate + tail."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._typing import Quantity
from ..errors import DegenerateError
from ..streams import check_grade
from ..units import GRADE, Q_, to_canonical
from . import _kernels
from .n_product import check_splits

__all__ = ["TwoProductResult", "two_product"]


@dataclass(frozen=True, slots=True, eq=False)
class TwoProductResult:
    """Result of :func:`two_product`; every field broadcasts over scenarios.

    Attributes
    ----------
    mass_pull : pint.Quantity, dimensionless
        Concentrate mass over feed mass, ``C / F``. [%]
    tail_split : pint.Quantity, dimensionless
        Tail mass over feed mass, ``T / F = 1 - C / F``. [%]
    recovery : pint.Quantity, dimensionless
        Element in the concentrate over element in the feed. [%]
    ratio_of_concentration : pint.Quantity, dimensionless
        ``F / C``. [-]
    enrichment_ratio : pint.Quantity, dimensionless
        Concentrate grade over feed grade, ``c / f``. [-]
    mass_pull_sd, recovery_sd : pint.Quantity or None
        First-order standard deviations from the assay SDs, when given. [%]
    """

    mass_pull: Quantity
    tail_split: Quantity
    recovery: Quantity
    ratio_of_concentration: Quantity
    enrichment_ratio: Quantity
    mass_pull_sd: Quantity | None = None
    recovery_sd: Quantity | None = None


def two_product(
    feed_grade: Quantity,
    conc_grade: Quantity,
    tail_grade: Quantity,
    *,
    element: str = "element",
    sd: tuple[Quantity, Quantity, Quantity] | None = None,
) -> TwoProductResult:
    r"""Split a feed into concentrate and tail from three assays of one element.

    Parameters
    ----------
    feed_grade, conc_grade, tail_grade : pint.Quantity, dimensionless
        Assays as mass fractions, in any grade unit (``%``, ``g/t``, ``ppm``,
        ``opt``); scalars or arrays that broadcast. [-]
    element : str
        The element's name, for messages.
    sd : tuple of three pint.Quantity, optional
        Standard deviations of the feed, concentrate and tail assays; gives
        first-order SDs of the mass pull and the recovery. [-]

    Returns
    -------
    TwoProductResult

    Raises
    ------
    UnitError
        If an assay is a bare number or not a grade.
    AssayError
        If an assay lies outside [0, 100 %].
    DegenerateError
        If the concentrate assays like the tail (``c == t``).
    InfeasibleError
        If the feed grade is not between the concentrate and tail grades
        (a negative concentrate or tail mass).

    Notes
    -----
    .. math:: \frac{C}{F} = \frac{f - t}{c - t}, \qquad
              R = \frac{c\,(f - t)}{f\,(c - t)}

    References
    ----------
    .. [1] B. A. Wills and J. A. Finch, *Wills' Mineral Processing Technology*,
       8th ed. Oxford, UK: Butterworth-Heinemann, 2016, sec. 1.8 and ch. 3.

    Examples
    --------
    >>> from massbalance import Q_
    >>> r = two_product(Q_(1.0, "%"), Q_(10.0, "%"), Q_(0.2, "%"))
    >>> f"{r.mass_pull:.3f~P}", f"{r.recovery:.2f~P}"
    ('8.163 %', '81.63 %')
    >>> f"{r.ratio_of_concentration:.2f~P}", f"{r.enrichment_ratio:.1f~P}"
    ('12.25', '10.0')
    """
    names = ("feed", "conc", "tail")
    f = check_grade(feed_grade, name=f"feed.{element}")
    c = check_grade(conc_grade, name=f"conc.{element}")
    t = check_grade(tail_grade, name=f"tail.{element}")
    y, separation = _kernels.two_product(f, c, t)
    bad = ~(separation > 1e-12)
    if np.any(bad):
        index = (
            "" if np.ndim(bad) == 0 else f" in scenario {int(np.argwhere(bad)[0][0])}"
        )
        cc = float(np.ravel(np.broadcast_to(c, bad.shape)[bad])[0]) * 100
        tt = float(np.ravel(np.broadcast_to(t, bad.shape)[bad])[0]) * 100
        raise DegenerateError(
            f"two_product: {element} grade of conc equals tail ({cc:.6g} % vs "
            f"{tt:.6g} %){index}; split undefined (condition number inf) - use an "
            "element that separates the products",
            f"conc.{element}",
            f"{cc:.6g} %",
        )
    splits = np.stack([y, 1 - y], axis=-1)
    check_splits(splits, ("conc", "tail"), "two_product")
    with np.errstate(divide="ignore", invalid="ignore"):
        recovery = y * c / f
        ratio = 1.0 / y
        enrichment = c / f
    y_sd = r_sd = None
    if sd is not None:
        sds = [
            np.asarray(to_canonical(v, GRADE, name=f"sd {n}.{element}"))
            for v, n in zip(sd, names, strict=True)
        ]
        shape = np.shape(y)
        f_arr = np.broadcast_to(f, shape)[..., None]
        p_arr = np.stack([np.broadcast_to(c, shape), np.broadcast_to(t, shape)], -1)
        p_arr = p_arr[..., None, :]
        f_sd = np.broadcast_to(sds[0], shape)[..., None]
        p_sd = np.stack([np.broadcast_to(s, shape) for s in sds[1:]], -1)[..., None, :]
        s_sd, rec_sd = _kernels.split_and_recovery_sd(
            f_arr, p_arr, splits, np.ones_like(f_arr), f_sd, p_sd
        )
        y_sd = Q_(s_sd[..., 0] * 100, "percent")
        r_sd = Q_(rec_sd[..., 0, 0] * 100, "percent")
    return TwoProductResult(
        mass_pull=Q_(y * 100, "percent"),
        tail_split=Q_((1 - y) * 100, "percent"),
        recovery=Q_(recovery * 100, "percent"),
        ratio_of_concentration=Q_(ratio, GRADE),
        enrichment_ratio=Q_(enrichment, GRADE),
        mass_pull_sd=y_sd,
        recovery_sd=r_sd,
    )
