"""Input the reader refuses, handed to the engine directly (as a library user
can): a clear MassBalanceError, never a bare ValueError or ZeroDivisionError."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from massbalance.errors import ConvergenceError
from massbalance.figures import Figure
from massbalance.io import estimate_release, read_release

SEED = Path(__file__).resolve().parents[2] / "examples" / "alexco-2012-q1.toml"


def _with_feed_grade(text: str):
    """The seed with its Q1 2012 feed silver grade replaced (the reader refuses 0)."""
    release = read_release(SEED)
    period = release.periods["2012Q1"]
    feed = period.streams["ore_processed"]
    grade = Figure.parse("2012Q1.grade.ore_processed.Ag", text)
    grades = {**feed.grades, "Ag": (grade,)}
    streams = {
        **period.streams,
        "ore_processed": dataclasses.replace(feed, grades=grades),
    }
    periods = {
        **release.periods,
        "2012Q1": dataclasses.replace(period, streams=streams),
    }
    return dataclasses.replace(release, periods=periods)


def test_a_zero_feed_grade_under_a_recovery_is_a_convergence_error():
    # reproducer: the mutation fuzzer's scale_number on a feed grade gave
    # "Residuals are not finite in the initial point" from scipy's least_squares
    with pytest.raises(ConvergenceError, match="cannot start from these figures"):
        estimate_release(_with_feed_grade("0 g/t"))


def test_the_same_release_with_a_positive_grade_is_estimated():
    result = estimate_release(_with_feed_grade("899 g/t"))
    assert result is not None


REGRESSIONS = Path(__file__).resolve().parents[1] / "data" / "regressions"


def test_a_witness_start_with_no_finite_residuals_is_skipped(capsys):
    from massbalance.cli import main

    path = REGRESSIONS / "total-of-an-unprinted-period.toml"
    before = path.read_bytes()
    assert main(["check", str(path)]) == 1
    captured = capsys.readouterr()
    assert "INCONSISTENT" in captured.out
    assert captured.err == ""
    assert main(["reconcile", "--from-release", str(path)]) == 0
    assert path.read_bytes() == before


def test_no_numpy_warning_reaches_stderr_from_the_witness_search(capsys):
    from massbalance.cli import main

    path = REGRESSIONS / "a-recovery-of-a-billionth-percent.toml"
    assert main(["check", str(path)]) == 1
    captured = capsys.readouterr()
    assert "INCONSISTENT" in captured.out
    assert captured.err == ""
