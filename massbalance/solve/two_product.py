r"""The two-product formula: one element, feed -> concentrate + tail."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pint

from .._typing import Quantity
from ..errors import DegenerateError
from . import _kernels
from .n_product import (
    Assays,
    BalanceResult,
    check_splits,
    finish,
    grade_table,
    sd_table,
)

__all__ = ["TwoProductResult", "two_product"]


@dataclass(frozen=True, slots=True, eq=False)
class TwoProductResult(BalanceResult):
    """Result of :func:`two_product`: a :class:`BalanceResult` of two products.

    Every member of the family is here (``splits``, ``recovery``,
    ``masses()``, ``distribution()``, ``grades``, ``split_sd``,
    ``recovery_sd``, ``condition``, ``to_frame()``), plus the names of the
    two-product formula.
    """

    @property
    def mass_pull(self) -> Quantity:
        """Concentrate mass over feed mass, ``C / F`` [%]."""
        value: Quantity = self.splits[..., 0]
        return value

    @property
    def tail_split(self) -> Quantity:
        """Tail mass over feed mass, ``T / F = 1 - C / F`` [%]."""
        value: Quantity = self.splits[..., 1]
        return value

    @property
    def mass_pull_sd(self) -> Quantity | None:
        """First-order SD of the mass pull, when assay SDs were given [%]."""
        if self.split_sd is None:
            return None
        value: Quantity = self.split_sd[..., 0]
        return value


_LEGACY = (
    "two_product(feed_grade, conc_grade, tail_grade) with bare grades is "
    "deprecated: pass {element: grade} mappings or Streams, as to "
    "three_product and n_product. The result is now a BalanceResult: "
    ".recovery is per element and product, shape (..., 1, 2); the "
    "concentrate's recovery is .recovery_of(element, 'conc')[...] "
    "(.mass_pull and .tail_split still work)"
)


def _legacy_sd(
    sd: object, names: Sequence[str], element: str
) -> Mapping[str, Mapping[str, Quantity]]:
    warnings.warn(
        "two_product(sd=(feed_sd, conc_sd, tail_sd)) is deprecated: give "
        "sd={stream: {element: Q_(..., '%')}}, as to three_product and n_product",
        DeprecationWarning,
        stacklevel=3,
    )
    values = list(sd)  # type: ignore[call-overload]
    return {n: {element: v} for n, v in zip(names, values, strict=True)}


def two_product(
    feed: Assays | Quantity,
    conc: Assays | Quantity,
    tail: Assays | Quantity,
    *,
    elements: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    sd: Mapping[str, Mapping[str, Quantity]] | None = None,
    element: str | None = None,
) -> TwoProductResult:
    r"""Split a feed into concentrate and tail from the assays of one element.

    Parameters
    ----------
    feed, conc, tail : Stream or mapping of str to pint.Quantity
        Assays by element, in any grade unit (``%``, ``g/t``, ``ppm``,
        ``opt``); scalars or arrays that broadcast (one value per scenario).
        A bare grade Quantity is the deprecated form (see Notes). [-]
    elements : sequence of one str, optional
        The element to balance on; default: the first assayed in the feed.
    names : sequence of two str, optional
        Product ids; default: the streams' names, or ``conc`` and ``tail``.
    sd : mapping of str to mapping of str to pint.Quantity, optional
        Stream id -> element -> assay standard deviation, as for
        :func:`three_product` and :func:`n_product`; gives first-order SDs of
        the splits and recoveries. [-]
    element : str, optional
        Shorthand for ``elements=[element]``; with bare grades, the name they
        are filed under.

    Returns
    -------
    TwoProductResult
        A :class:`BalanceResult` with the products ``(conc, tail)``.

    Raises
    ------
    UnitError
        If an assay is a bare number, not a grade, or in a trap unit.
    AssayError
        If an assay lies outside [0, 100 %] or the element is not assayed.
    DegenerateError
        If the concentrate assays like the tail (``c == t``).
    InfeasibleError
        If the feed grade is not between the concentrate and tail grades
        (a negative concentrate or tail mass).

    Warns
    -----
    DeprecationWarning
        For bare grades, or ``sd`` given as a tuple.

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
    >>> r = two_product({"Cu": Q_(1.0, "%")}, {"Cu": Q_(10.0, "%")},
    ...                 {"Cu": Q_(0.2, "%")})
    >>> f"{r.mass_pull:.3f~P}", f"{r.recovery_of('Cu', 'conc'):.2f~P}"
    ('8.163 %', '81.63 %')
    >>> f"{r.ratio_of_concentration[0]:.2f~P}", f"{r.enrichment_ratio[0, 0]:.1f~P}"
    ('12.25', '10.0')
    """
    legacy = [isinstance(x, pint.Quantity) for x in (feed, conc, tail)]
    if any(legacy):
        warnings.warn(_LEGACY, DeprecationWarning, stacklevel=2)
        key = element or "element"
        feed, conc, tail = (
            {key: x} if isinstance(x, pint.Quantity) else x for x in (feed, conc, tail)
        )
    if element is not None and elements is None:
        elements = [element]
    if names is not None:
        if len(names) != 2:
            raise DegenerateError(f"two_product: need two names, got {list(names)}")
        products: dict[str, Assays] | list[Assays] = dict(
            zip(names, (conc, tail), strict=True)  # type: ignore[arg-type]
        )
    elif isinstance(conc, Mapping) or isinstance(tail, Mapping):
        products = {"conc": conc, "tail": tail}  # type: ignore[dict-item]
    else:
        products = [conc, tail]  # type: ignore[list-item]
    fname, pnames, chosen, f_arr, p_arr = grade_table(
        feed,  # type: ignore[arg-type]
        products,
        None if elements is None else list(elements),
    )
    if elements is None:
        chosen, f_arr, p_arr = chosen[:1], f_arr[..., :1], p_arr[..., :1, :]
    if len(chosen) != 1:
        raise DegenerateError(
            f"two_product: balances on one element, got {list(chosen)}; use "
            "three_product or n_product for more",
            fname,
        )
    e = chosen[0]
    f, c, t = f_arr[..., 0], p_arr[..., 0, 0], p_arr[..., 0, 1]
    y, separation = _kernels.two_product(f, c, t)
    bad = ~(separation > 1e-12)
    if np.any(bad):
        index = (
            "" if np.ndim(bad) == 0 else f" in scenario {int(np.argwhere(bad)[0][0])}"
        )
        cc = float(np.ravel(np.broadcast_to(c, bad.shape)[bad])[0]) * 100
        tt = float(np.ravel(np.broadcast_to(t, bad.shape)[bad])[0]) * 100
        raise DegenerateError(
            f"two_product: {e} grade of {pnames[0]} equals {pnames[1]} ({cc:.6g} % "
            f"vs {tt:.6g} %){index}; split undefined (condition number inf) - use "
            "an element that separates the products",
            f"{pnames[0]}.{e}",
            f"{cc:.6g} %",
        )
    splits = np.stack([y, 1 - y], axis=-1)
    check_splits(splits, pnames, "two_product")
    if sd is not None and not isinstance(sd, Mapping):
        sd = _legacy_sd(sd, (fname, *pnames), e)
    sds = None
    if sd is not None:
        sds = sd_table(sd, fname, pnames, chosen, f_arr.shape[:-1])
    return finish(  # type: ignore[return-value]
        fname,
        pnames,
        chosen,
        f_arr,
        p_arr,
        splits,
        np.ones_like(y),
        residual=np.zeros_like(f_arr),
        weights=np.ones_like(f_arr),
        sd=sds,
        cls=TwoProductResult,
    )
