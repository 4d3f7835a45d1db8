"""Laws of ``estimate_release`` on releases printed from known true values.

Every printed figure is within its rounding interval of the truth, and the
truth satisfies every relation, so the truth is a feasible point with a
weighted sum of squares of at most 3 per figure (a uniform error is at most
√3 of its SD): the estimate can do no worse, and lands near the truth.
"""

from __future__ import annotations

import math
import os
import statistics

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massbalance.io import estimate_release, loads_release
from massbalance.testing.releases import random_release, rounded_releases

CI = os.environ.get("HYPOTHESIS_PROFILE") == "ci"
ROUNDINGS = st.sampled_from(["nearest", "truncate", "either"])


@settings(max_examples=200 if CI else 30)
@given(generated=rounded_releases(rounding=ROUNDINGS))
def test_estimates_of_a_rounded_release_are_near_the_truth(generated):
    result = estimate_release(loads_release(generated.text))
    assert result.converged
    assert result.chi2 <= 3.0 * result.n_figures * (1 + 1e-6)
    assert result.dof == result.n_figures - result.rank
    for f in result.figures:
        truth = generated.truth[f.id]
        width = f.rounding_sd * math.sqrt(12)
        # within one rounding width of the truth, and, when no inequality is
        # active (a printed tail can press a cross-assay to 0 and then the
        # SDs are approximate), within 5 SDs of it
        assert abs(f.estimate - truth) <= width, (f.id, generated.text)
        if not result.active:
            assert abs(f.estimate - truth) <= 5 * f.sd + 1e-9 * abs(truth), f.id
    for d in result.derived:
        assert d.observable == (not math.isnan(d.estimate))


@pytest.mark.parametrize("rounding", ["nearest", "truncate"])
def test_chi2_of_rounded_releases_follows_its_distribution_on_average(rounding):
    rng = np.random.default_rng(2012)
    results = [
        estimate_release(loads_release(random_release(rng, rounding).text))
        for _ in range(60)
    ]
    p_values = [r.p_value for r in results]
    # rounding errors are uniform with the stated SD: p-values near uniform
    assert 0.3 < statistics.mean(p_values) < 0.7
    assert min(p_values) > 1e-3
    ratio = sum(r.chi2 for r in results) / sum(r.dof for r in results)
    assert 0.7 < ratio < 1.3
