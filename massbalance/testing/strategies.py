"""Hypothesis strategies for streams and balanced circuits, built by construction.

Downstream scripts can property-test themselves with the same data the
project's own tests use::

    from hypothesis import given
    from massbalance import solve
    from massbalance.testing import balanced_circuits

    @given(balanced_circuits(n_products=3, elements=("Pb", "Zn")))
    def test_my_script_recovers_the_split(circuit):
        result = solve.n_product(circuit.feed, circuit.products)
        assert abs(result.splits.m_as("") - circuit.splits).max() < 1e-9

Values are physical: grades in [1e-4, 0.8] as mass fractions (expressed in a
drawn unit: ``%``, ``g/t``, ``ppm`` or ``opt``), masses in [1e-3, 1e7] t
(expressed in tonnes or short tons), no NaN, no subnormals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .._typing import FloatArray, Quantity
from ..solve import _kernels
from ..streams import Stream
from ..units import GRADE, MASS, Q_

__all__ = [
    "GRADE_UNITS",
    "MASS_UNITS",
    "BalancedCircuit",
    "balanced_circuits",
    "grades",
    "masses",
    "streams",
]

GRADE_UNITS: tuple[str, ...] = ("percent", "g/t", "ppm", "ounce_per_short_ton", "")
"""Grade units the strategies draw from (``""`` is a bare mass fraction)."""
MASS_UNITS: tuple[str, ...] = ("tonne", "short_ton")
"""Mass units the strategies draw from."""


def _fractions(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(
        lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False
    )


def grades(
    min_value: float = 1e-4,
    max_value: float = 0.8,
    units: Sequence[str] = GRADE_UNITS,
) -> st.SearchStrategy[Quantity]:
    """Grades as Quantities: a mass fraction in ``[min_value, max_value]``,
    expressed in one of ``units``.

    Examples
    --------
    >>> from hypothesis import find
    >>> g = find(grades(units=("g/t",)), lambda g: True)
    >>> 1e-4 <= g.m_as("") <= 0.8
    True
    """
    if not 0 <= min_value <= max_value <= 1:
        raise InvalidArgument("grades need 0 <= min_value <= max_value <= 1")
    return st.builds(
        lambda f, u: Q_(f, GRADE).to(u),
        _fractions(min_value, max_value),
        st.sampled_from(tuple(units)),
    )


def masses(
    min_value: float = 1e-3, max_value: float = 1e7, units: Sequence[str] = MASS_UNITS
) -> st.SearchStrategy[Quantity]:
    """Dry masses as Quantities, ``[min_value, max_value]`` tonnes in one of
    ``units``."""
    return st.builds(
        lambda m, u: Q_(m, MASS).to(u),
        _fractions(min_value, max_value),
        st.sampled_from(tuple(units)),
    )


def streams(
    elements: Sequence[str] = ("Ag", "Pb", "Zn"), *, name: str = "stream"
) -> st.SearchStrategy[Stream]:
    """Streams assayed for ``elements``, with units mixed between elements.

    Examples
    --------
    >>> from hypothesis import find
    >>> s = find(streams(("Au", "Cu")), lambda s: True)
    >>> s.elements
    ('Au', 'Cu')
    """
    return st.builds(
        lambda mass, gs: Stream(
            name=name, dry_mass=mass, grades=dict(zip(elements, gs, strict=True))
        ),
        masses(),
        st.tuples(*(grades(max_value=0.2) for _ in elements)),
    )


@dataclass(frozen=True, slots=True, eq=False)
class BalancedCircuit:
    """A feed split into products by known splits; balanced by construction.

    Attributes
    ----------
    feed : Stream
        Mass and grades; each feed grade is the split-weighted mean of the
        product grades.
    products : tuple of Stream
        The products (the last is the tail), with masses ``splits * feed``.
    splits : numpy.ndarray
        The true mass splits, fractions summing to one. [-]
    elements : tuple of str
        The assayed elements.
    """

    feed: Stream
    products: tuple[Stream, ...]
    splits: FloatArray
    elements: tuple[str, ...]


@st.composite
def _circuit(
    draw: st.DrawFn,
    n_products: int,
    elements: tuple[str, ...],
    max_condition: float,
) -> BalancedCircuit:
    n, m = n_products, len(elements)
    weights = np.array(draw(st.tuples(*(_fractions(0.02, 1.0) for _ in range(n)))))
    splits = weights / weights.sum()
    splits[-1] = 1.0 - splits[:-1].sum()
    grade_matrix = np.empty((m, n))
    for k in range(n):
        for i in range(m):
            rich = k < n - 1 and i == k % m
            lo, hi = (0.15, 0.8) if rich else (1e-4, 0.03)
            grade_matrix[i, k] = draw(_fractions(lo, hi))
    _, _, cond = _kernels.n_product(
        grade_matrix @ splits, grade_matrix, 1.0 / grade_matrix.max(axis=1) ** 2
    )
    if not cond <= max_condition:
        assume(False)  # reject this draw
    feed_grade = np.minimum(grade_matrix @ splits, 1.0)
    mass = draw(masses())
    feed_t = mass.m_as(MASS)

    def assays(column: FloatArray) -> dict[str, Quantity]:
        return {
            e: Q_(float(column[i]), GRADE).to(draw(st.sampled_from(GRADE_UNITS)))
            for i, e in enumerate(elements)
        }

    names = [f"conc{k + 1}" for k in range(n - 1)] + ["tail"]
    products = tuple(
        Stream(
            name=names[k],
            dry_mass=Q_(feed_t * splits[k], MASS),
            grades=assays(grade_matrix[:, k]),
        )
        for k in range(n)
    )
    feed = Stream(name="feed", dry_mass=mass, grades=assays(feed_grade))
    return BalancedCircuit(
        feed=feed, products=products, splits=splits, elements=elements
    )


def balanced_circuits(
    n_products: int = 3,
    elements: Sequence[str] = ("Pb", "Zn"),
    *,
    max_condition: float = 100.0,
) -> st.SearchStrategy[BalancedCircuit]:
    """Circuits built from known splits: a feed, ``n_products`` products, the splits.

    Concentrate ``k`` is rich in element ``k`` (cycling through ``elements``),
    the tail is poor in all, so the products can be told apart; draws whose
    balance has a condition number above ``max_condition`` are rejected.

    Parameters
    ----------
    n_products : int
        Number of products, at least 2; the last is the tail.
    elements : sequence of str
        At least ``n_products - 1`` elements; more make the balance
        over-determined.
    max_condition : float
        Largest condition number of the balance drawn. [-]

    Examples
    --------
    >>> from hypothesis import find
    >>> c = find(balanced_circuits(n_products=3), lambda c: True)
    >>> [p.name for p in c.products], round(float(c.splits.sum()), 12)
    (['conc1', 'conc2', 'tail'], 1.0)
    """
    elements = tuple(elements)
    if n_products < 2:
        raise InvalidArgument(f"n_products={n_products}: need at least 2")
    if len(elements) < n_products - 1:
        raise InvalidArgument(
            f"{n_products} products need at least {n_products - 1} elements, "
            f"got {elements}"
        )
    return _circuit(n_products, elements, max_condition)
