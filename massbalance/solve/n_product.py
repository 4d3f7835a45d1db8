r"""The n-product formula: mass splits from assays, exact or least squares.

A feed splits into ``n`` products (the last is usually the tail). With ``m``
assayed elements the metal balances

.. math:: f_i = \sum_k y_k \, p_{ik}, \qquad \sum_k y_k = 1

determine the splits ``y`` exactly when ``m = n - 1`` and in the weighted
least-squares sense when ``m > n - 1``. The weights are ``1 / var`` of each
element's balance: from the assay standard deviations when given, otherwise
each element's row is scaled by its largest grade so that no element dominates
because of its unit or its magnitude.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import FloatArray, Quantity
from ..errors import (
    AssayError,
    DegenerateError,
    ImplausibleResultWarning,
    InfeasibleError,
)
from ..streams import Stream, check_grade, check_mass
from ..units import GRADE, MASS, Q_, to_canonical
from . import _kernels

__all__ = [
    "DEGENERATE_CONDITION",
    "POOR_CONDITION",
    "BalanceResult",
    "n_product",
]

POOR_CONDITION = 1e3
"""Condition number above which a balance warns (``ImplausibleResultWarning``)."""
DEGENERATE_CONDITION = 1e12
"""Condition number above which the products cannot be told apart."""
_SPLIT_TOL = 1e-9

Assays = Stream | Mapping[str, Quantity]


def _grades_of(stream: Assays) -> Mapping[str, Quantity]:
    return stream.grades if isinstance(stream, Stream) else stream


def _where(cond: np.ndarray[Any, Any]) -> str:
    if np.ndim(cond) == 0:
        return ""
    index = np.argwhere(cond)[0]
    return (
        f" in scenario {int(index[0]) if len(index) == 1 else tuple(map(int, index))}"
    )


def grade_table(
    feed: Assays,
    products: Sequence[Assays] | Mapping[str, Assays],
    elements: Sequence[str] | None,
    *,
    feed_name: str | None = None,
) -> tuple[str, tuple[str, ...], tuple[str, ...], FloatArray, FloatArray]:
    """Return names and the grade arrays ``F (..., m)``, ``P (..., m, n)``."""
    fname = feed_name or (feed.name if isinstance(feed, Stream) else "feed")
    if isinstance(products, Mapping):
        named = list(products.items())
    else:
        named = [
            (p.name if isinstance(p, Stream) else f"product{k + 1}", p)
            for k, p in enumerate(products)
        ]
    names = tuple(name for name, _ in named)
    if len(set(names)) != len(names):
        raise AssayError(f"product names repeat: {', '.join(names)}", ",".join(names))
    feed_grades = _grades_of(feed)
    chosen = tuple(elements) if elements is not None else tuple(feed_grades)
    if not chosen:
        raise AssayError(f"{fname}: no assayed elements to balance on", fname)

    def grade(holder: str, grades: Mapping[str, Quantity], element: str) -> FloatArray:
        if element not in grades:
            raise AssayError(
                f"{holder}: no assay for element {element!r}, which the balance "
                f"uses (assayed: {', '.join(grades) or 'none'}); assay it or "
                "leave the element out with elements=[...]",
                f"{holder}.{element}",
                None,
            )
        return check_grade(grades[element], name=f"{holder}.{element}")

    f_list = [grade(fname, feed_grades, e) for e in chosen]
    p_list = [[grade(n, _grades_of(p), e) for n, p in named] for e in chosen]
    flat = np.broadcast_arrays(*f_list, *(v for row in p_list for v in row))
    m, n = len(chosen), len(names)
    f_arr = np.stack(flat[:m], axis=-1)
    p_arr = np.stack(flat[m:], axis=-1).reshape(*f_arr.shape[:-1], m, n)
    return fname, names, chosen, f_arr, p_arr


def check_condition(
    cond: FloatArray, names: Sequence[str], elements: Sequence[str], what: str
) -> None:
    """Raise DegenerateError for singular systems; warn when poorly conditioned."""
    bad = ~(cond <= DEGENERATE_CONDITION)
    if np.any(bad):
        value = float(np.ravel(np.where(bad, cond, np.nan))[np.argmax(np.ravel(bad))])
        raise DegenerateError(
            f"{what}: the products {', '.join(names)} cannot be told apart from "
            f"the assays of {', '.join(elements)}{_where(bad)} (condition number "
            f"{value:.3g}); the assays are collinear or a concentrate assays like "
            "the tail - balance on elements that separate the products",
            ",".join(names),
            f"condition number {value:.3g}",
        )
    poor = cond > POOR_CONDITION
    if np.any(poor):
        worst = float(np.max(cond))
        warnings.warn(
            f"{what}: poorly conditioned balance of {', '.join(names)} on "
            f"{', '.join(elements)} (condition number {worst:.3g} > "
            f"{POOR_CONDITION:.0e}); small assay errors move the splits a lot",
            ImplausibleResultWarning,
            stacklevel=3,
        )


def check_splits(splits: FloatArray, names: Sequence[str], what: str) -> None:
    """Raise InfeasibleError when a split lies outside [0, 1]."""
    bad = (splits < -_SPLIT_TOL) | (splits > 1 + _SPLIT_TOL)
    if np.any(bad):
        index = np.argwhere(bad)[0]
        k = int(index[-1])
        value = float(splits[tuple(index)])
        raise InfeasibleError(
            f"{what}: the split to {names[k]} is {value * 100:.6g} % of the feed"
            f"{_where(bad[..., k])}, outside 0-100 % (a negative tonnage); the "
            "assays are inconsistent with this flowsheet",
            names[k],
            f"{value * 100:.6g} %",
        )


@dataclass(frozen=True, slots=True, eq=False)
class BalanceResult:
    """Mass splits and recoveries of a feed split into ``n`` products.

    Leading axes of every array are scenarios (``()`` for one scenario).

    Attributes
    ----------
    feed_name : str
        The feed's id.
    products : tuple of str
        Product ids, in the order given (the last is usually the tail).
    elements : tuple of str
        The elements balanced on.
    splits : pint.Quantity, dimensionless, (..., n)
        Mass of each product as a fraction of the feed. [%]
    recovery : pint.Quantity, dimensionless, (..., m, n)
        Fraction of each element's feed metal reporting to each product. [%]
    feed_grades : pint.Quantity, dimensionless, (..., m)
        The feed assays. [-]
    product_grades : pint.Quantity, dimensionless, (..., m, n)
        The product assays. [-]
    residual : pint.Quantity, dimensionless, (..., m)
        Feed assay minus the feed reconstituted from the products; zero when
        exact. [-]
    condition : numpy.ndarray, (...)
        2-norm condition number of the (weighted, row-scaled) system. [-]
    split_sd, recovery_sd : pint.Quantity or None
        First-order standard deviations from the assay SDs, when given. [%]
    """

    feed_name: str
    products: tuple[str, ...]
    elements: tuple[str, ...]
    splits: Quantity
    recovery: Quantity
    feed_fractions: FloatArray = field(repr=False)  #: feed assays [-], (..., m)
    product_fractions: FloatArray = field(repr=False)  #: product assays [-]
    residual_fractions: FloatArray = field(repr=False)  #: residual [-], (..., m)
    condition: FloatArray
    split_sd: Quantity | None = None
    recovery_sd: Quantity | None = None

    # The assays are kept as floats and become Quantities when asked for: a
    # scalar balance builds two Quantities rather than five.
    @property
    def feed_grades(self) -> Quantity:
        """The feed assays, (..., m) [-]."""
        return Q_(self.feed_fractions, GRADE)

    @property
    def product_grades(self) -> Quantity:
        """The product assays, (..., m, n) [-]."""
        return Q_(self.product_fractions, GRADE)

    @property
    def residual(self) -> Quantity:
        """Feed assay minus the feed reconstituted from the products, (..., m) [-]."""
        return Q_(self.residual_fractions, GRADE)

    def _product(self, product: str) -> int:
        try:
            return self.products.index(product)
        except ValueError:
            raise AssayError(
                f"no product {product!r} in this balance ({', '.join(self.products)})",
                product,
            ) from None

    def _element(self, element: str) -> int:
        try:
            return self.elements.index(element)
        except ValueError:
            raise AssayError(
                f"element {element!r} was not balanced ({', '.join(self.elements)})",
                element,
            ) from None

    def split(self, product: str) -> Quantity:
        """Mass of ``product`` as a fraction of the feed [%]."""
        split: Quantity = self.splits[..., self._product(product)]
        return split

    def recovery_of(self, element: str, product: str) -> Quantity:
        """Recovery of ``element`` to ``product`` [%]."""
        value: Quantity = self.recovery[
            ..., self._element(element), self._product(product)
        ]
        return value

    @property
    def ratio_of_concentration(self) -> Quantity:
        """Feed mass over product mass, ``F / P``, per product [-]."""
        y = self.splits.m_as(GRADE)
        with np.errstate(divide="ignore"):
            return Q_(1.0 / y, GRADE)

    @property
    def enrichment_ratio(self) -> Quantity:
        """Product grade over feed grade, per element and product [-]."""
        f = self.feed_grades.m_as(GRADE)
        with np.errstate(divide="ignore", invalid="ignore"):
            return Q_(self.product_grades.m_as(GRADE) / f[..., :, None], GRADE)

    def distribution(self) -> dict[str, dict[str, Quantity]]:
        """The distribution table: element -> product -> recovery [%].

        Each element's row sums to 100 % when the balance is exact.
        """
        return {
            e: {p: self.recovery[..., i, k] for k, p in enumerate(self.products)}
            for i, e in enumerate(self.elements)
        }

    @property
    def grades(self) -> dict[str, dict[str, Quantity]]:
        """The assays balanced on: stream (feed first) -> element -> grade [-]."""
        f = self.feed_fractions
        p = self.product_fractions
        out = {
            self.feed_name: {
                e: Q_(f[..., i], GRADE) for i, e in enumerate(self.elements)
            }
        }
        for k, name in enumerate(self.products):
            out[name] = {
                e: Q_(p[..., i, k], GRADE) for i, e in enumerate(self.elements)
            }
        return out

    @property
    def shape(self) -> tuple[int, ...]:
        """The scenario shape (``()`` for one scenario)."""
        return tuple(np.shape(self.condition))

    def to_frame(self) -> Any:
        """This balance as a pandas DataFrame (needs the ``pandas`` extra).

        See :func:`massbalance.frames.result_frame`: one row per product
        (and per scenario, under a ``scenario`` index level, for arrays).
        """
        from ..frames import result_frame

        return result_frame(self)

    def masses(self, feed_mass: Quantity | Stream) -> dict[str, Quantity]:
        """Product masses for a feed of ``feed_mass`` (a mass or the feed Stream) [t]."""
        if isinstance(feed_mass, Stream):
            feed_mass = feed_mass.dry_mass
        mass = check_mass(feed_mass, name=f"{self.feed_name}.dry_mass")
        y = self.splits.m_as(GRADE)
        return {p: Q_(mass * y[..., k], MASS) for k, p in enumerate(self.products)}

    def streams(self, feed_mass: Quantity | Stream) -> tuple[Stream, ...]:
        """The products as streams with masses and the assays balanced on."""
        masses = self.masses(feed_mass)
        p = self.product_grades.m_as(GRADE)
        return tuple(
            Stream(
                name=name,
                dry_mass=masses[name],
                grades={
                    e: Q_(p[..., i, k], GRADE) for i, e in enumerate(self.elements)
                },
            )
            for k, name in enumerate(self.products)
        )


def finish(
    fname: str,
    names: tuple[str, ...],
    elements: tuple[str, ...],
    f_arr: FloatArray,
    p_arr: FloatArray,
    splits: FloatArray,
    cond: FloatArray,
    *,
    residual: FloatArray | None = None,
    weights: FloatArray | None = None,
    sd: tuple[FloatArray, FloatArray] | None = None,
    cls: type[BalanceResult] | None = None,
) -> BalanceResult:
    """Build a :class:`BalanceResult` from kernel output (shared by the solvers)."""
    if residual is None:
        residual = f_arr - np.einsum("...ij,...j->...i", p_arr, splits)
    rec = _kernels.recoveries(f_arr, p_arr, splits)
    split_sd = recovery_sd = None
    if sd is not None:
        assert weights is not None
        s_sd, r_sd = _kernels.split_and_recovery_sd(
            f_arr, p_arr, splits, weights, sd[0], sd[1]
        )
        split_sd, recovery_sd = Q_(s_sd * 100, "percent"), Q_(r_sd * 100, "percent")
    return (cls or BalanceResult)(
        feed_name=fname,
        products=names,
        elements=elements,
        splits=Q_(splits * 100, "percent"),
        recovery=Q_(rec * 100, "percent"),
        feed_fractions=f_arr,
        product_fractions=p_arr,
        residual_fractions=residual,
        condition=cond,
        split_sd=split_sd,
        recovery_sd=recovery_sd,
    )


def sd_table(
    sd: Mapping[str, Mapping[str, Quantity]],
    fname: str,
    names: Sequence[str],
    elements: Sequence[str],
    shape: tuple[int, ...],
) -> tuple[FloatArray, FloatArray]:
    """Assay standard deviations as arrays ``(..., m)`` and ``(..., m, n)``."""

    def one(holder: str, element: str) -> FloatArray:
        table = sd.get(holder)
        if table is None or element not in table:
            raise AssayError(
                f"sd: no standard deviation for {holder}.{element}; give one for "
                "every assay used (sd={stream: {element: Q_(..., '%')}})",
                f"{holder}.{element}",
            )
        value = to_canonical(table[element], GRADE, name=f"sd {holder}.{element}")
        if np.any(value < 0) or not np.all(np.isfinite(value)):
            raise AssayError(
                f"sd {holder}.{element}: a standard deviation must be finite and "
                "not negative",
                f"{holder}.{element}",
            )
        return np.broadcast_to(value, shape)

    f_sd = np.stack([one(fname, e) for e in elements], axis=-1)
    p_sd = np.stack(
        [np.stack([one(n, e) for n in names], axis=-1) for e in elements], axis=-2
    )
    return f_sd, p_sd


def _default_weights(f_arr: FloatArray, p_arr: FloatArray) -> FloatArray:
    scale = np.maximum(np.abs(f_arr), np.max(np.abs(p_arr), axis=-1))
    return np.where(scale > 0, 1.0 / np.where(scale > 0, scale, 1.0) ** 2, 1.0)


def n_product(
    feed: Assays,
    products: Sequence[Assays] | Mapping[str, Assays],
    elements: Sequence[str] | None = None,
    sd: Mapping[str, Mapping[str, Quantity]] | None = None,
) -> BalanceResult:
    r"""Split a feed into ``n`` products from the assays of ``m`` elements.

    Exact when ``m = n - 1``; weighted least squares subject to
    :math:`\sum_k y_k = 1` when ``m > n - 1``. Every element listed (by default
    every element assayed in the feed) is used.

    Parameters
    ----------
    feed : Stream or mapping of str to pint.Quantity
        The feed's assays (a stream's masses are not used). [-]
    products : sequence of Stream, or mapping of str to mapping
        The products' assays, in order; a mapping gives the names
        (``{"pb_conc": {"Pb": Q_(66, "%"), ...}, ...}``). [-]
    elements : sequence of str, optional
        The elements to balance on; default: those assayed in the feed.
    sd : mapping of str to mapping of str to pint.Quantity, optional
        Stream id -> element -> assay standard deviation, for every assay used.
        Weights the balances by their variance and gives first-order SDs of the
        splits and recoveries (the delta method). [-]

    Returns
    -------
    BalanceResult

    Raises
    ------
    UnitError
        If an assay is a bare number or not a grade.
    AssayError
        If an assay is outside [0, 100 %] or an element is missing from a
        product.
    DegenerateError
        If the products cannot be told apart (fewer than ``n - 1`` elements,
        collinear assays); the message gives the condition number.
    InfeasibleError
        If a split falls outside [0, 100 %].

    Warns
    -----
    ImplausibleResultWarning
        If the condition number exceeds :data:`POOR_CONDITION`.

    Notes
    -----
    With the last product as reference, ``A = P[:, :-1] - P[:, -1]`` and
    ``b = f - P[:, -1]``; the splits minimise :math:`\|W^{1/2}(A x - b)\|`
    (SVD, batched over scenarios). The standard deviations differentiate the
    normal equations with the weights held fixed.

    References
    ----------
    .. [1] B. A. Wills and J. A. Finch, *Wills' Mineral Processing Technology*,
       8th ed. Oxford, UK: Butterworth-Heinemann, 2016, ch. 3.
    .. [2] "Mass Balancing (n-Product Formula)", Metallurgical Dynamics wiki,
       https://wiki.metdynamics.com.au (retrieved 2026-11-27).

    Examples
    --------
    The seed's feed, split three ways on lead and zinc (zinc in the lead
    concentrate and the tail assays are assumed for the example):

    >>> from massbalance import Q_
    >>> r = n_product(
    ...     {"Pb": Q_(11.3, "%"), "Zn": Q_(5.7, "%")},
    ...     {"pb_conc": {"Pb": Q_(66, "%"), "Zn": Q_(4, "%")},
    ...      "zn_conc": {"Pb": Q_(2, "%"), "Zn": Q_(43, "%")},
    ...      "tail": {"Pb": Q_(0.9, "%"), "Zn": Q_(2.6, "%")}})
    >>> [f"{s:.2f~P}" for s in r.splits]
    ['15.86 %', '7.12 %', '77.02 %']
    >>> f"{r.recovery_of('Pb', 'pb_conc'):.1f~P}"
    '92.6 %'
    """
    fname, names, chosen, f_arr, p_arr = grade_table(feed, products, elements)
    n, m = len(names), len(chosen)
    what = "n_product"
    if n < 2:
        raise DegenerateError(f"{what}: need at least two products, got {n}", fname)
    if m < n - 1:
        raise DegenerateError(
            f"{what}: {n} products need at least {n - 1} elements, got {m} "
            f"({', '.join(chosen)}); the splits are not determined (condition "
            "number inf)",
            ",".join(names),
            "condition number inf",
        )
    weights = _default_weights(f_arr, p_arr)
    splits, residual, cond = _kernels.n_product(f_arr, p_arr, weights)
    sds = None
    if sd is not None:
        sds = sd_table(sd, fname, names, chosen, f_arr.shape[:-1])
        if m > n - 1:
            check_condition(cond, names, chosen, what)
            for _ in range(3):  # weights from the variance of each balance
                y2 = np.nan_to_num(splits) ** 2
                var = sds[0] ** 2 + np.einsum("...ik,...k->...i", sds[1] ** 2, y2)
                floor = 1e-12 * np.maximum(f_arr, 1e-12) ** 2
                weights = 1.0 / np.maximum(var, floor)
                splits, residual, cond = _kernels.n_product(f_arr, p_arr, weights)
    check_condition(cond, names, chosen, what)
    check_splits(splits, names, what)
    return finish(
        fname,
        names,
        chosen,
        f_arr,
        p_arr,
        splits,
        cond,
        residual=residual,
        weights=weights,
        sd=sds,
    )
