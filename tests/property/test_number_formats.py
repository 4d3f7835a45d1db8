"""Law: a release reads the same under every ``[release] numbers`` format.

A release printed from known true values under the default format
(``"1,234.5"``) and the same release printed under another format
(``"1 234.5"``, ``"1.234,5"``, ``"1 234,5"``, ``"1'234.5"``, its figures'
separators swapped, the setting declared) read to the same figures (number,
step, unit) and the same verdict.
"""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from massbalance.io import loads_release
from massbalance.release import check_release
from massbalance.testing.releases import render_release, rounded_releases
from massbalance.units import NUMBER_FORMATS

CI = os.environ.get("HYPOTHESIS_PROFILE") == "ci"


@settings(max_examples=300 if CI else 30)
@given(
    generated=rounded_releases(
        rounding=st.sampled_from(["nearest", "truncate", "either"]), max_digits=7
    ),
    numbers=st.sampled_from(NUMBER_FORMATS[1:]),
)
def test_a_release_reads_the_same_under_every_number_format(generated, numbers):
    reprinted = render_release(
        generated.specs,
        days=generated.days,
        rounding=generated.rounding,
        numbers=numbers,
    )
    assert f'numbers = "{numbers}"' in reprinted.text
    default, other = loads_release(generated.text), loads_release(reprinted.text)
    by_id = {f.id: f for f in default.figures()}
    assert len(by_id) == len(other.figures())
    for figure in other.figures():
        first = by_id[figure.id]
        assert (figure.number, figure.step, figure.unit) == (
            first.number,
            first.step,
            first.unit,
        ), (figure.text, first.text)
    a, b = check_release(default), check_release(other)
    # the same verdict: a correctly rounded release is never flagged, and one
    # the witness search cannot settle is undetermined under both printings
    assert a.verdict == b.verdict
    assert a.verdict in ("consistent", "undetermined")
    assert [f.interval for f in a.figures] == [f.interval for f in b.figures]
