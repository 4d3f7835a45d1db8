"""Laws of reconciliation: hypothesis properties and a seeded Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from massbalance import Q_, Measured, reconcile
from massbalance.reconciliation import chain_measurements, critical_value
from massbalance.reconciliation._chain import chain_truth


def plausible(n, seed):
    _, truth = chain_truth(n, np.random.default_rng(seed))
    return max(v for d in truth.values() for q, v in d.items() if q != "mass") < 0.8


def exact(n, seed, rsd=0.02, mass_unit="t", grade_unit=""):
    assume(plausible(n, seed))
    fs, truth = chain_truth(n, np.random.default_rng(seed))
    meas = {}
    for s, d in truth.items():
        meas[s] = {}
        for q, v in d.items():
            unit = "t" if q == "mass" else ""
            target = mass_unit if q == "mass" else grade_unit
            meas[s][q] = Measured(Q_(v, unit).to(target), rsd=rsd)
    return fs, meas, truth


def wss(fs, meas, x_of):
    total = 0.0
    for s, d in meas.items():
        for q, m in d.items():
            canonical = "t" if q == "mass" else ""
            y = m.value.m_as(canonical)
            sd = m.sd_quantity().m_as(canonical)
            total += ((x_of(s, q) - y) / sd) ** 2
    return total


def residuals(fs, r):
    worst = 0.0
    for node in fs.nodes:
        for q in ("mass", *fs.elements):

            def flow(s, q=q):
                m = r[s].m_as("t")
                return m if q == "mass" else m * r[s, q].m_as("")

            fin = sum(flow(s) for s in node.inputs)
            fout = sum(flow(s) for s in node.outputs)
            worst = max(worst, abs(fin - fout) / max(fin, 1e-300))
    return worst


@settings(max_examples=15)
@given(n=st.integers(1, 4), seed=st.integers(0, 10_000))
def test_balanced_data_come_back_unchanged(n, seed):
    fs, meas, truth = exact(n, seed)
    r = reconcile(fs, meas)
    for s, d in truth.items():
        for q, v in d.items():
            canonical = "t" if q == "mass" else ""
            assert r[s, q].m_as(canonical) == pytest.approx(v, rel=1e-9)
    assert r.chi2 < 1e-12


@settings(max_examples=15)
@given(n=st.integers(1, 4), seed=st.integers(0, 10_000))
def test_idempotent_constraints_and_minimal(n, seed):
    assume(plausible(n, seed))
    fs, meas, truth = chain_measurements(n, seed=seed)
    r = reconcile(fs, meas)
    assert residuals(fs, r) <= 1e-9
    again = {
        s: {q: Measured(r[s, q], sd=m.sd_quantity()) for q, m in d.items()}
        for s, d in meas.items()
    }
    r2 = reconcile(fs, again)
    np.testing.assert_allclose(r2.adjusted, r.adjusted, rtol=1e-8)
    best = r.chi2
    assert best == pytest.approx(
        wss(fs, meas, lambda s, q: r[s, q].m_as("t" if q == "mass" else "")),
        rel=1e-9,
    )
    # feasible points: the truth, and balanced flowsheets with other splits
    assert best <= wss(fs, meas, lambda s, q: truth[s][q]) + 1e-9
    for k in range(3):
        _, other = chain_truth(n, np.random.default_rng(seed + 1 + k))
        mix = {
            s: {
                "mass": 0.99 * r[s].m_as("t") + 0.01 * other[s]["mass"],
                **{
                    el: (
                        0.99 * r[s].m_as("t") * r[s, el].m_as("")
                        + 0.01 * other[s]["mass"] * other[s][el]
                    )
                    / (0.99 * r[s].m_as("t") + 0.01 * other[s]["mass"])
                    for el in fs.elements
                },
            }
            for s in fs.streams
        }  # a convex mix of two balanced flowsheets is balanced
        assert best <= wss(fs, meas, lambda s, q, mix=mix: mix[s][q]) + 1e-9


@settings(max_examples=10)
@given(n=st.integers(1, 3), seed=st.integers(0, 10_000))
def test_unit_invariance(n, seed):
    assume(plausible(n, seed))
    fs, meas, _ = chain_measurements(n, seed=seed)
    r = reconcile(fs, meas)
    other = {
        s: {
            q: Measured(
                m.value.to("short_ton" if q == "mass" else "troy_ounce/short_ton"),
                rsd=m.rsd,
            )
            for q, m in d.items()
        }
        for s, d in meas.items()
    }
    r2 = reconcile(fs, other)
    np.testing.assert_allclose(r2.adjusted, r.adjusted, rtol=1e-9)
    np.testing.assert_allclose(r2.sd, r.sd, rtol=1e-7)
    assert r2.chi2 == pytest.approx(r.chi2, rel=1e-9)


def noisy_batch(n, draws, seed):
    """Chain-n with Gaussian noise of the stated SDs (2 % of the true values)."""
    fs, truth = chain_truth(n, np.random.default_rng(42))
    rng = np.random.default_rng(seed)
    meas = {}
    for s in fs.streams:
        meas[s] = {}
        for q in ("mass", *fs.elements):
            v = truth[s][q]
            unit = "t" if q == "mass" else ""
            value = v * (1 + 0.02 * rng.standard_normal(draws))
            meas[s][q] = Measured(Q_(value, unit), sd=Q_(0.02 * v, unit))
    return fs, meas, truth


def test_chi_square_follows_its_distribution():
    fs, meas, _ = noisy_batch(3, 600, seed=1)
    r = reconcile(fs, meas)
    assert np.all(r.dof == 12)
    ks = scipy.stats.kstest(r.chi2, scipy.stats.chi2(12).cdf)
    assert ks.pvalue > 0.01


def test_gross_error_power_and_false_alarms():
    n, draws = 2, 200
    fs, meas, truth = noisy_batch(n, draws, seed=3)
    base = reconcile(
        fs,
        {
            s: {
                q: Measured(Q_(truth[s][q], "t" if q == "mass" else ""), sd=m.sd)
                for q, m in d.items()
            }
            for s, d in meas.items()
        },
    )
    names = base.names
    red = base.redundancy
    rng = np.random.default_rng(11)
    hits, hits_hi, n_hi, powers, alarms = 0, 0, 0, [], 0
    for k in range(draws):
        one = {
            s: {q: Measured(m.value[k], sd=m.sd) for q, m in d.items()}
            for s, d in meas.items()
        }
        clean = reconcile(fs, one, gross_errors=True)
        alarms += bool(clean.gross_errors)
        j = int(rng.integers(len(names)))
        s, q = names[j].split(".")
        m = one[s][q]
        sign = 1 if rng.random() < 0.5 else -1
        if q != "mass" and (m.value + 10 * m.sd).m_as("") > 1:
            sign = -1
        if (m.value - 10 * m.sd).magnitude < 0:
            sign = 1
        one[s][q] = Measured(m.value + sign * 10 * m.sd, sd=m.sd)
        r = reconcile(fs, one, gross_errors=True)
        found = bool(r.gross_errors) and names[j] in r.gross_errors[0].group
        n_tests = int(np.sum(red > 1e-8))
        crit = critical_value(0.05, n_tests)
        mu = 10 * np.sqrt(red[j])
        powers.append(scipy.stats.norm.sf(crit - mu) + scipy.stats.norm.cdf(-crit - mu))
        hits += found
        if red[j] >= 0.4:
            n_hi += 1
            hits_hi += found
    assert alarms / draws <= 0.07
    assert n_hi > 20
    assert hits_hi / n_hi >= 0.9
    assert abs(hits / draws - np.mean(powers)) <= 0.1
