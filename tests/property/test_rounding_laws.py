"""Laws of the release check, on releases printed from known true values.

(a) a correctly rounded release is never flagged, under each convention;
(b) one mass or contained-metal figure moved by 5 % or more is caught, and
    that figure alone is a culprit set;
(c) every culprit set, released, admits a witness, and no proper subset does.
"""

from __future__ import annotations

import os
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from massbalance.io import loads_release
from massbalance.release import build_problem, check_release
from massbalance.release._check import _figure_bounds
from massbalance.release._feasibility import Feasibility
from massbalance.testing.releases import render_release, rounded_releases

CI = os.environ.get("HYPOTHESIS_PROFILE") == "ci"
LAW_EXAMPLES = 500 if CI else 40


@settings(max_examples=LAW_EXAMPLES)
@given(generated=rounded_releases(rounding="nearest"))
def test_a_correctly_rounded_release_is_never_flagged_nearest(generated):
    _assert_consistent(generated)


@settings(max_examples=LAW_EXAMPLES)
@given(generated=rounded_releases(rounding="truncate"))
def test_a_correctly_truncated_release_is_never_flagged(generated):
    _assert_consistent(generated)


@settings(max_examples=LAW_EXAMPLES)
@given(generated=rounded_releases(rounding="either"))
def test_a_release_rounded_either_way_is_never_flagged(generated):
    _assert_consistent(generated)


# An excluded end (truncation's upper end) is moved inward by this fraction
# (massbalance.figures._OPEN_MARGIN, 3e-9) and a witness is verified to 1e-9.
OPEN_MARGIN = 3e-9


def _in_open_sliver(report, generated):
    """A true value closer to an excluded end than the open-end margin: the
    check treats that sliver as excluded (documented), so it may not find a
    witness there; the generator's derived values land there by float error."""
    return generated.rounding != "nearest" and any(
        0.0 <= f.interval[1] - t <= 2 * OPEN_MARGIN * abs(f.interval[1])
        for f in report.figures
        if (t := generated.truth.get(f.id)) is not None
    )


def _assert_consistent(generated):
    report = check_release(loads_release(generated.text))
    assert not report.flagged
    assert not report.suspect
    if report.verdict == "undetermined" and _in_open_sliver(report, generated):
        return  # never flagged; not decided in the sliver (see above)
    assert report.verdict == "consistent", (report.notes, generated.text)
    tol = 1e-9 if generated.rounding == "nearest" else 1e-9 + 2 * OPEN_MARGIN
    for figure in report.figures:
        # the printed interval holds the truth, and so does the implied range
        truth = generated.truth[figure.id]
        lo, hi = figure.interval
        assert lo - 1e-9 * abs(lo) <= truth <= hi + 1e-9 * abs(hi)
        assert figure.implied is not None
        ilo, ihi = figure.implied
        assert ilo - tol * abs(ilo) <= truth <= ihi + tol * abs(ihi)


MOVABLE = [
    "2024Q1.mass.ore_processed",
    "2024Q1.mass.pb_conc",
    "2024Q1.mass.zn_conc",
    "2024Q1.contained.Ag",
    "2024Q1.contained.Pb",
    "2024Q1.contained.Zn",
]


@settings(max_examples=LAW_EXAMPLES)
@given(
    generated=rounded_releases(
        rounding=st.sampled_from(["nearest", "truncate", "either"]), min_digits=3
    ),
    target=st.sampled_from(MOVABLE),
    factor=st.one_of(st.floats(1.05, 1.3), st.floats(0.7, 0.95)),
)
def test_one_figure_moved_five_percent_is_caught_and_is_a_culprit(
    generated, target, factor
):
    specs = dict(generated.specs)
    value, unit, digits, mode = specs[target]
    specs[target] = (value * factor, unit, digits, mode)
    days = int(generated.text.split("days = ")[1].split("\n")[0])
    moved = render_release(specs, days=days, rounding=generated.rounding)
    release = loads_release(moved.text)
    report = check_release(release)
    assert report.verdict == "inconsistent", moved.text
    sets = [frozenset(c.figures) for c in report.culprits]
    assert frozenset({target}) in sets, (sets, moved.text)
    # (c) each culprit set admits a witness once released; no proper subset does
    problem = build_problem(release)
    bounds, steps = _figure_bounds(problem, release.rounding, "significant")
    solver = Feasibility(problem.graph, problem.structural, bounds, steps)
    for culprit in sets:
        assert solver.test(culprit).status == "feasible"
        for k in range(len(culprit)):
            for subset in combinations(sorted(culprit), k):
                assert solver.test(frozenset(subset)).status == "infeasible"
