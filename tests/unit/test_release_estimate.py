"""``estimate_release``: a release's figures as measurements with rounding error."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from massbalance.errors import InputError
from massbalance.io import estimate_release, loads_release, read_release
from massbalance.report import render_release_estimate

SEED = Path(__file__).parents[2] / "examples" / "alexco-2012-q1.toml"
OZ_T = 31.1034768e-6
LB_T = 0.45359237e-3


@pytest.fixture(scope="module")
def seed():
    return estimate_release(read_release(SEED))


def _est(result, fid):
    return result.figure(fid).estimate


def test_seed_statistics(seed):
    assert seed.converged
    assert seed.n_figures == 41
    # 27 variables, 4 of them unobservable cross-assays: rank 23
    assert seed.rank == 23
    assert seed.dof == 18
    assert seed.chi2 == pytest.approx(24.81, abs=0.01)
    assert seed.p_value == pytest.approx(0.13, abs=0.005)
    assert set(seed.unobservable) == {
        "2012Q1.grade.zn_conc.Pb",
        "2012Q1.grade.pb_conc.Zn",
        "2011Q1.grade.zn_conc.Pb",
        "2011Q1.grade.pb_conc.Zn",
    }
    assert seed.active == ()


@pytest.mark.parametrize("p", ["2012Q1", "2011Q1"])
def test_seed_estimates_satisfy_every_relation(seed, p):
    def e(key):
        return _est(seed, f"{p}.{key}")

    feed, pb, zn = e("mass.ore_processed"), e("mass.pb_conc"), e("mass.zn_conc")
    g = {k: e(f"grade.{k}") for k in ("ore_processed.Ag", "pb_conc.Ag", "zn_conc.Ag")}
    ag_t = (pb * g["pb_conc.Ag"] + zn * g["zn_conc.Ag"]) * 1e-6
    assert e("contained.Ag") * OZ_T == pytest.approx(ag_t, rel=1e-9)
    assert e("recovery.Ag") / 100 == pytest.approx(
        ag_t / (feed * g["ore_processed.Ag"] * 1e-6), rel=1e-9
    )
    assert e("contained.Pb") * LB_T == pytest.approx(
        pb * e("grade.pb_conc.Pb") / 100, rel=1e-9
    )
    assert e("recovery.Pb") / 100 == pytest.approx(
        pb * e("grade.pb_conc.Pb") / (feed * e("grade.ore_processed.Pb")), rel=1e-9
    )
    assert e("contained.Zn") * LB_T == pytest.approx(
        zn * e("grade.zn_conc.Zn") / 100, rel=1e-9
    )
    days = 91 if p == "2012Q1" else 90
    assert e("throughput") == pytest.approx(feed / days, rel=1e-9)
    derived = {d.id: d for d in seed.derived}
    assert derived[f"{p}.mass.tail"].estimate == pytest.approx(feed - pb - zn)


def test_seed_changes_between_periods(seed):
    for el in ("Ag", "Pb", "Zn"):
        ratio = _est(seed, f"2012Q1.contained.{el}") / _est(
            seed, f"2011Q1.contained.{el}"
        )
        change = _est(seed, f"change.contained.{el}.2011Q1-2012Q1")
        assert change / 100 == pytest.approx(ratio - 1, rel=1e-9)


def test_seed_estimates_are_close_to_the_printed_figures(seed):
    for f in seed.figures:
        assert abs(f.normalised) < 3.0, f.id
        assert abs(f.estimate - f.printed) < 3.0 * f.rounding_sd, f.id
        assert 0.0 <= f.redundancy <= 1.0
        assert f.sd <= f.rounding_sd * (1 + 1e-9)
        assert f.rounding_sd == pytest.approx(
            float(read_release_step(f.id)) / math.sqrt(12)
        )


def read_release_step(fid):
    release = read_release(SEED)
    return next(f.step for f in release.figures() if f.id == fid)


def test_seed_largest_normalised_adjustments(seed):
    # the figures the release check flags are the ones the estimate moves most
    for period, expected, value in (
        ("2012Q1", "2012Q1.recovery.Ag", -2.47),
        ("2011Q1", "2011Q1.grade.pb_conc.Pb", -2.07),
    ):
        figures = [f for f in seed.figures if f.id.startswith(period)]
        worst = max(figures, key=lambda f: abs(f.normalised))
        assert worst.id == expected
        assert worst.normalised == pytest.approx(value, abs=0.01)
    # 94 % is best read as 94.71 %; 68 % as 68.60 %
    assert _est(seed, "2012Q1.recovery.Ag") == pytest.approx(94.71, abs=0.01)
    assert _est(seed, "2011Q1.grade.pb_conc.Pb") == pytest.approx(68.60, abs=0.01)


def test_seed_unobservable_derived_quantities_have_no_number(seed):
    derived = {d.id: d for d in seed.derived}
    bad = derived["2012Q1.grade.tail.Zn"]
    assert not bad.observable
    assert math.isnan(bad.estimate)
    assert math.isnan(bad.sd)
    good = derived["2012Q1.grade.tail.Ag"]
    assert good.observable
    assert good.estimate == pytest.approx(62.0, abs=0.1)
    assert 0 < good.sd < 1
    split = (
        derived["2012Q1.recovery.Ag.pb_conc"].estimate
        + derived["2012Q1.recovery.Ag.zn_conc"].estimate
    )
    assert split == pytest.approx(_est(seed, "2012Q1.recovery.Ag"), rel=1e-9)


def test_balanced_exact_release_comes_back_unchanged():
    text = """
[release]
rounding = "nearest"
[periods.P]
days = 10
feed = "feed"
throughput = "100.0 t/d"
[periods.P.streams.feed]
mass = "1,000 t"
Pb = "5.00 %"
[periods.P.streams.conc]
mass = "50.0 t"
Pb = "80.0 %"
[periods.P.recovery]
Pb = { value = "80.0 %", to = ["conc"] }
"""
    result = estimate_release(loads_release(text))
    assert result.chi2 == pytest.approx(0.0, abs=1e-12)
    for f in result.figures:
        assert f.estimate == pytest.approx(f.printed, rel=1e-9)
    assert result.dof == 2  # 6 figures, 4 variables (two masses, two grades)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "csv"])
def test_render_every_format(seed, fmt):
    out = render_release_estimate(seed, fmt)
    assert "2012Q1.recovery.Ag" in out
    if fmt == "json":
        doc = json.loads(out)
        assert doc["derived"]["2012Q1.grade.tail.Zn"]["estimate"] is None
        assert doc["figures"]["2012Q1.recovery.Ag"]["printed"] == "94%"
    if fmt == "text":
        assert "94.714 ± 0.030 %" in out
        assert "unobservable" in out


def test_render_unknown_format(seed):
    with pytest.raises(ValueError, match="unknown format"):
        render_release_estimate(seed, "xml")


def test_an_active_inequality_is_reported():
    # the concentrate is printed as heavy as the feed: the tail mass >= 0 bound
    # holds the estimate, and the result says so
    text = """
[release]
[periods.P]
days = 10
feed = "feed"
[periods.P.streams.feed]
mass = "1,000 t"
[periods.P.streams.conc]
mass = "1,001 t"
role = "product"
"""
    result = estimate_release(loads_release(text))
    assert "P.balance" in result.active
    feed, conc = (_est(result, f"P.mass.{s}") for s in ("feed", "conc"))
    assert conc <= feed * (1 + 1e-6)
    assert feed == pytest.approx(1000.5, abs=1e-3)


def test_unknown_rounding():
    with pytest.raises(InputError, match="rounding"):
        estimate_release(read_release(SEED), rounding="bankers")
