from __future__ import annotations

from decimal import Decimal as D  # noqa: N817

import pytest

from massbalance.errors import ReleaseFormatError
from massbalance.figures import Figure
from massbalance.units import ureg


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("11.3 %", "0.1"),
        ("90 %", "1"),
        ("4.93 million lb", "0.01"),
        ("21,251 t", "1"),
        ("0.580 Moz", "0.001"),
        ("260 t/d", "1"),
    ],
)
def test_step_is_one_unit_in_the_last_printed_digit(text, step):
    assert Figure.parse("x", text).step == D(step)


def test_intervals_under_each_convention():
    f = Figure.parse("x", "11.3 %")
    assert f.interval("nearest") == (D("11.25"), D("11.35"))
    assert f.interval("truncate") == (D("11.3"), D("11.4"))
    assert f.interval("either") == (D("11.25"), D("11.4"))
    neg = Figure.parse("x", "(2.3 %)")
    assert neg.interval("truncate") == (D("-2.4"), D("-2.3"))
    assert neg.interval("either") == (D("-2.4"), D("-2.25"))


def test_trailing_zeros_and_pinned_steps():
    f = Figure.parse("x", "1,200 t")
    assert f.trailing_zeros == 2
    assert f.interval("nearest", "ambiguous") == (D("1150"), D("1250"))
    pinned = Figure.parse("x", "260 t/d", step="10 t/d")
    assert pinned.step == D("10")
    assert pinned.trailing_zeros == 0
    with pytest.raises(ReleaseFormatError, match="positive"):
        Figure.parse("x", "260 t/d", step="0 t/d")


def test_canonical_interval_encloses_the_decimal_interval():
    f = Figure.parse("c", "581,808 oz")
    lo, hi = f.canonical_interval(ureg.tonne)
    assert lo < 581807.5 * 31.1034768e-6 < 581808.5 * 31.1034768e-6 < hi
    assert hi - lo == pytest.approx(31.1034768e-6, rel=1e-9)
