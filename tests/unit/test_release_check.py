"""The seed release (Alexco Resource Corp., Q1 2012) under each rounding convention.

Source: Alexco Resource Corp. news release of 16 April 2012, "Alexco Reports
Silver Production Results for First Quarter 2012", table "First Quarter 2012
Production Highlights" and text; transcribed in examples/alexco-2012-q1.toml.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest

from massbalance.io import read_release
from massbalance.release import build_problem, check_release
from massbalance.release._check import _figure_bounds
from massbalance.release._feasibility import Feasibility

SEED = Path(__file__).parents[2] / "examples" / "alexco-2012-q1.toml"
OZ = 31.1034768  # grams per troy ounce
LB = 0.45359237  # kilograms per pound


@pytest.fixture(scope="module")
def release():
    return read_release(SEED)


@pytest.fixture(scope="module")
def nearest(release):
    return check_release(release, rounding="nearest")


def test_hand_arithmetic_of_the_two_disagreements():
    # Silver recovery, Q1 2012: 581,808 oz from 21,251 t at 899 g/t.
    lowest = 581_807.5 * OZ / (21_251.5 * 899.5)  # g / g
    highest = 581_808.5 * OZ / (21_250.5 * 898.5)
    assert 0.9466 < lowest < 0.9468
    assert 0.9477 < highest < 0.9479
    assert lowest > 0.945  # printed 94 %: at most 94.5 %
    # Lead-concentrate grade, Q1 2011: 3,592,915 lb in 2,376 t.
    needed = 3_592_914.5 * LB / 1000 / 2_376.5
    assert 0.6857 < needed < 0.6859  # printed 68 %: at most 68.5 %


def test_nearest_is_inconsistent_with_the_two_expected_flags(nearest):
    assert nearest.verdict == "inconsistent"
    best = nearest.culprits[0]
    assert set(best.figures) == {"2012Q1.recovery.Ag", "2011Q1.grade.pb_conc.Pb"}
    assert set(nearest.flagged) == set(best.figures)
    # each could be explained otherwise, at a far higher cost
    assert set(nearest.suspect) == {
        "2012Q1.mass.ore_processed",
        "2012Q1.grade.ore_processed.Ag",
        "2011Q1.contained.Pb",
    }
    moves = {fid: (value, steps) for fid, value, steps in best.moves}
    assert moves["2012Q1.recovery.Ag"][0] == pytest.approx(94.667, abs=0.002)
    assert moves["2012Q1.recovery.Ag"][1] == pytest.approx(0.17, abs=0.005)
    assert moves["2011Q1.grade.pb_conc.Pb"][0] == pytest.approx(68.589, abs=0.002)
    assert moves["2011Q1.grade.pb_conc.Pb"][1] == pytest.approx(0.09, abs=0.005)
    assert best.cost == pytest.approx(0.256, abs=0.002)
    costs = {frozenset(c.figures): c.cost for c in nearest.culprits}
    # the feed silver grade needs ~1.6 steps, the feed mass ~37.5 steps
    assert costs[
        frozenset({"2011Q1.grade.pb_conc.Pb", "2012Q1.grade.ore_processed.Ag"})
    ] == (pytest.approx(0.089 + 1.587, abs=0.01))
    assert costs[
        frozenset({"2011Q1.grade.pb_conc.Pb", "2012Q1.mass.ore_processed"})
    ] == (pytest.approx(0.089 + 37.5, abs=0.05))
    assert [c.cost for c in nearest.culprits] == sorted(
        c.cost for c in nearest.culprits
    )


def test_implied_ranges_of_the_flagged_figures(nearest):
    recovery = nearest.figure("2012Q1.recovery.Ag")
    assert recovery.implied is not None
    assert recovery.implied[0] == pytest.approx(94.67, abs=0.01)
    assert recovery.implied[1] == pytest.approx(94.78, abs=0.01)
    grade = nearest.figure("2011Q1.grade.pb_conc.Pb")
    assert grade.implied is not None
    assert 68.5 < grade.implied[0] < 68.6


def test_statuses_and_relations(nearest):
    assert nearest.figure("2012Q1.mass.ore_mined").status == "unchecked"
    assert nearest.figure("2011Q4.throughput").status == "unchecked"
    assert nearest.figure("2012Q1.throughput").status == "ok"
    violated = {r.id for r in nearest.relations if r.status == "violated"}
    assert {"2012Q1.recovery.Ag", "2011Q1.contained.Pb"} <= violated
    derived = {d.id: d for d in nearest.derived}
    tail = derived["2012Q1.mass.tail"]
    # 21,251 - 3,376 - 1,583 = 16,292 t, +- the rounding of three masses
    assert tail.interval[0] <= 16_292 <= tail.interval[1]
    assert tail.interval[1] - tail.interval[0] < 4


def test_either_convention_is_consistent_with_a_verified_witness(release):
    report = check_release(release, rounding="either")
    assert report.verdict == "consistent"
    assert not report.flagged
    assert not report.suspect
    assert not report.culprits
    recovery = report.witness["2012Q1.mass.ore_processed"]
    assert 21_250.5 <= recovery <= 21_252


def test_truncate_convention_is_inconsistent_in_many_figures(release):
    report = check_release(release, rounding="truncate")
    assert report.verdict == "inconsistent"
    involved = {f for c in report.conflicts for f in c.figures}
    # 21,251 t / 91 d = 233.5 t/d cannot truncate to 234; 18,050 / 90 = 200.6 not 201
    assert {"2012Q1.throughput", "2011Q1.throughput"} <= involved
    assert "2012Q1.recovery.Zn" in involved
    # several disagreements, each with its own culprit sets, that do not
    # combine into one release-wide set
    assert len(report.disagreements) >= 2
    assert all(d.culprits for d in report.disagreements)
    assert not report.culprits
    assert any("no combination" in note for note in report.notes)


def test_culprit_sets_are_minimal(release, nearest):
    problem = build_problem(release)
    bounds, steps = _figure_bounds(problem, "nearest", "significant")
    solver = Feasibility(problem.graph, problem.structural, bounds, steps)
    for culprit in nearest.culprits:
        assert solver.test(frozenset(culprit.figures)).status == "feasible"
        for k in range(len(culprit.figures)):
            for subset in combinations(culprit.figures, k):
                assert solver.test(frozenset(subset)).status == "infeasible"
