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
from massbalance.testing.releases import render_release, rounded_releases

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


def _random_release(rng, rounding):
    """A mill release as ``rounded_releases`` draws it, but by honest random draws.

    Hypothesis draws extremes and shrinks, which suits laws that hold for every
    example and not a statement about an average, hence this numpy twin.
    """
    feed, days = rng.uniform(1e3, 1e6), int(rng.integers(28, 367))
    head = {
        "Ag": rng.uniform(20e-6, 2000e-6),
        "Pb": rng.uniform(0.005, 0.15),
        "Zn": rng.uniform(0.005, 0.15),
    }
    pull = {"pb_conc": rng.uniform(0.01, 0.2), "zn_conc": rng.uniform(0.005, 0.1)}
    rec = {
        "pb_conc": {
            "Pb": rng.uniform(0.5, 0.97),
            "Zn": rng.uniform(0.005, 0.2),
            "Ag": rng.uniform(0.3, 0.9),
        }
    }
    rec["zn_conc"] = {
        "Pb": (1 - rec["pb_conc"]["Pb"]) * rng.uniform(0.01, 1.0) * 0.5,
        "Zn": (1 - rec["pb_conc"]["Zn"]) * rng.uniform(0.3, 0.9),
        "Ag": (1 - rec["pb_conc"]["Ag"]) * rng.uniform(0.01, 1.0) * 0.9,
    }
    for s in pull:
        pull[s] = max(pull[s], sum(rec[s][e] * head[e] for e in head) / 0.9)
    grade = {s: {e: rec[s][e] * head[e] / pull[s] for e in head} for s in pull}
    mass = {"ore_processed": feed, **{s: pull[s] * feed for s in pull}}
    p, figures = "2024Q1", {}

    def add(fid, value, unit):
        figures[fid] = (value, unit, int(rng.integers(2, 6)), rounding)

    for s, m in mass.items():
        add(f"{p}.mass.{s}", m, "t")
    for e, unit, k in (("Ag", "g/t", 1e6), ("Pb", "%", 100), ("Zn", "%", 100)):
        add(f"{p}.grade.ore_processed.{e}", head[e] * k, unit)
    for s, main in (("pb_conc", "Pb"), ("zn_conc", "Zn")):
        add(f"{p}.grade.{s}.Ag", grade[s]["Ag"] * 1e6, "g/t")
        add(f"{p}.grade.{s}.{main}", grade[s][main] * 100, "%")
    ag = sum(mass[s] * grade[s]["Ag"] for s in pull)
    add(f"{p}.contained.Ag", ag / 31.1034768e-6, "oz")
    add(
        f"{p}.contained.Pb",
        mass["pb_conc"] * grade["pb_conc"]["Pb"] / 0.45359237e-3,
        "lb",
    )
    add(
        f"{p}.contained.Zn",
        mass["zn_conc"] * grade["zn_conc"]["Zn"] / 0.45359237e-3,
        "lb",
    )
    add(f"{p}.recovery.Ag", (rec["pb_conc"]["Ag"] + rec["zn_conc"]["Ag"]) * 100, "%")
    add(f"{p}.recovery.Pb", rec["pb_conc"]["Pb"] * 100, "%")
    add(f"{p}.recovery.Zn", rec["zn_conc"]["Zn"] * 100, "%")
    add(f"{p}.throughput", feed / days, "t/d")
    return render_release(figures, days=days, rounding=rounding)


@pytest.mark.parametrize("rounding", ["nearest", "truncate"])
def test_chi2_of_rounded_releases_follows_its_distribution_on_average(rounding):
    rng = np.random.default_rng(2012)
    results = [
        estimate_release(loads_release(_random_release(rng, rounding).text))
        for _ in range(60)
    ]
    p_values = [r.p_value for r in results]
    # rounding errors are uniform with the stated SD: p-values near uniform
    assert 0.3 < statistics.mean(p_values) < 0.7
    assert min(p_values) > 1e-3
    ratio = sum(r.chi2 for r in results) / sum(r.dof for r in results)
    assert 0.7 < ratio < 1.3
