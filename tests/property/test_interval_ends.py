"""Laws of a printed figure's interval ends.

Under ``truncate`` (and ``either``) the end one step away from zero is
excluded: no value a witness could be verified at (within the relative
residual of 1e-9 the solver accepts) lies at or beyond it, and the interval
loses no more than one part in 10^7 of the truth. Under ``nearest`` both ends
are closed and the canonical interval encloses the printed one.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from massbalance.figures import Figure
from massbalance.units import ureg

UNITS = [
    ("t", ureg.tonne),
    ("oz", ureg.tonne),
    ("%", ureg.dimensionless),
    ("kt", ureg.tonne),
]
_VERIFY = 1e-9  # the relative residual a witness is verified to


@st.composite
def printed(draw):
    digits = draw(st.integers(1, 99_999_999))
    places = draw(st.integers(0, 4))
    sign = draw(st.sampled_from(["", "-"]))
    number = Decimal(digits).scaleb(-places)
    label, canonical = draw(st.sampled_from(UNITS))
    return Figure.parse("x", f"{sign}{number} {label}"), canonical


@given(printed(), st.sampled_from(["truncate", "either"]))
def test_the_end_away_from_zero_is_excluded(drawn, rounding):
    figure, canonical = drawn
    factor = figure.factor(canonical)
    lo, hi = figure.canonical_interval(canonical, rounding)
    exact_lo, exact_hi = (float(x) * factor for x in figure.interval(rounding))
    if figure.number > 0:
        # a witness at the excluded end would need hi + tol >= exact_hi
        assert hi + _VERIFY * abs(hi) < exact_hi
        assert hi > exact_hi - 1e-7 * abs(exact_hi)
        assert lo <= exact_lo
    elif figure.number < 0:
        assert lo - _VERIFY * abs(lo) > exact_lo
        assert lo < exact_lo + 1e-7 * abs(exact_lo)
        assert hi >= exact_hi


@given(printed())
def test_nearest_keeps_both_ends(drawn):
    figure, canonical = drawn
    factor = figure.factor(canonical)
    lo, hi = figure.canonical_interval(canonical, "nearest")
    exact_lo, exact_hi = (float(x) * factor for x in figure.interval("nearest"))
    assert lo <= exact_lo
    assert hi >= exact_hi
    assert figure.open_ends("nearest") == (False, False)
