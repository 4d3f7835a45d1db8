"""Periods: calendar days, throughput, weighted grades and recoveries, totals."""

from __future__ import annotations

from datetime import date

import pytest

from massbalance import Q_, FlowsheetError, InputError, Stream, UnitError
from massbalance.periods import (
    Period,
    calendar_days,
    metal_weighted_recovery,
    sum_periods,
    throughput,
    tonnage_weighted_grade,
)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2012, 1, 1), date(2012, 3, 31), 91),  # leap year
        (date(2011, 1, 1), date(2011, 3, 31), 90),
        (date(2000, 2, 1), date(2000, 2, 29), 29),  # divisible by 400: leap
        (date(1900, 2, 1), date(1900, 2, 28), 28),  # divisible by 100: not leap
        (date(2024, 1, 1), date(2024, 12, 31), 366),
        (date(2024, 5, 5), date(2024, 5, 5), 1),
    ],
)
def test_calendar_days_inclusive_with_leap_years(start, end, days):
    assert calendar_days(start, end).m_as("day") == days


def test_end_before_start():
    with pytest.raises(InputError, match="before it starts"):
        calendar_days(date(2012, 3, 31), date(2012, 1, 1))


def test_seed_throughput():
    rate = throughput(
        Q_(21251, "t"), calendar_days(date(2012, 1, 1), date(2012, 3, 31))
    )
    assert rate.m_as("t/d") == pytest.approx(233.5, abs=0.05)


def test_throughput_needs_quantities():
    with pytest.raises(UnitError):
        throughput(21251, Q_(91, "d"))  # type: ignore[arg-type]


def test_weighted_grade_and_recovery():
    g = tonnage_weighted_grade([Q_(1, "t"), Q_(3, "t")], [Q_(1, "%"), Q_(3, "%")])
    assert g.m_as("%") == pytest.approx(2.5)
    r = metal_weighted_recovery([Q_(1, "t"), Q_(3, "t")], [Q_(80, "%"), Q_(100, "%")])
    assert r.m_as("%") == pytest.approx(95.0)


def quarter(name, start, end, feed, ag, conc, conc_ag):
    return Period(
        name=name,
        start=start,
        end=end,
        streams=[
            Stream(name="feed", dry_mass=Q_(feed, "t"), grades={"Ag": Q_(ag, "g/t")}),
            Stream(
                name="conc", dry_mass=Q_(conc, "t"), grades={"Ag": Q_(conc_ag, "g/t")}
            ),
        ],
    )


def test_sum_periods_year_to_date():
    q1 = quarter("Q1", date(2012, 1, 1), date(2012, 3, 31), 21251, 899, 3376, 5144)
    q2 = quarter("Q2", date(2012, 4, 1), date(2012, 6, 30), 20000, 800, 3000, 5000)
    ytd = sum_periods([q1, q2], name="H1")
    assert ytd.days.m_as("d") == 91 + 91
    assert ytd.stream("feed").dry_mass.m_as("t") == pytest.approx(41251)
    expected_grade = (21251 * 899 + 20000 * 800) / 41251
    assert ytd.stream("feed").grade("Ag").m_as("g/t") == pytest.approx(expected_grade)
    # the total's recovery is the metal-weighted recovery of the quarters
    weighted = metal_weighted_recovery(
        [q.stream("feed").contained("Ag") for q in (q1, q2)],
        [q.recovery("Ag", ["conc"]) for q in (q1, q2)],
    )
    assert ytd.recovery("Ag", ["conc"]).m_as("%") == pytest.approx(weighted.m_as("%"))
    assert ytd.throughput().m_as("t/d") == pytest.approx(41251 / 182)


def test_sum_periods_with_missing_stream():
    q1 = quarter("Q1", date(2012, 1, 1), date(2012, 3, 31), 1, 1, 1, 1)
    q2 = Period(name="Q2", streams=[q1.stream("feed")], days=Q_(91, "d"))
    with pytest.raises(FlowsheetError, match="Q2: no stream 'conc'"):
        sum_periods([q1, q2], name="H1")


def test_period_without_days():
    p = Period(name="P", streams=[Stream(name="feed", dry_mass=Q_(1, "t"))])
    with pytest.raises(InputError, match="no days"):
        p.throughput()
