"""Every relation kind and option of the release file, on small hand-computed releases.

Each release is a few figures whose arithmetic is done by hand in the comments:
a consistent version, and a minimally perturbed version where the hand
arithmetic says which single figure is the cheapest explanation (the culprit
set of size 1 ranked first, and that figure ``flagged``).

Constants: 1 troy oz = 31.1034768 g, 1 lb = 0.45359237 kg,
1 short ton = 0.90718474 t. Under ``nearest`` a figure v with step s stands
for [v - s/2, v + s/2]; under ``truncate`` for [v, v + s] (v >= 0).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from massbalance.cli import main
from massbalance.errors import UnitError
from massbalance.io import loads_release
from massbalance.release import CheckReport, check_release

HEAD = """
[release]
issuer = "Test Mining Ltd."
title = "Hand-checked production table"
date = 2020-01-01
"""


def check(body: str, **options: object) -> CheckReport:
    return check_release(loads_release(HEAD + body), **options)  # type: ignore[arg-type]


def sole_culprit(report: CheckReport, fid: str) -> None:
    """``fid`` alone explains the disagreement, and is the cheapest explanation."""
    assert report.verdict == "inconsistent"
    sets = [set(c.figures) for c in report.culprits]
    assert {fid} in sets, sets
    assert report.culprits[0].figures == (fid,), sets
    assert report.flagged == (fid,)
    assert report.figure(fid).status == "flagged"


def consistent(report: CheckReport) -> None:
    assert report.verdict == "consistent", (report.culprits, report.notes)
    assert report.culprits == ()
    assert not report.flagged


# --------------------------------------------------------------- contained


def _contained_ag(value: str) -> str:
    return f"""
[periods.P]
days = 30
[periods.P.streams.pb_conc]
mass = "10,000 t"
Ag = "311 g/t"
[periods.P.contained]
Ag = {{ value = "{value}", in = ["pb_conc"] }}
"""


# 10,000 t x 311 g/t = 3,110,000 g = 99,988.7 oz; every value the digits allow:
# [9,999.5 x 310.5, 10,000.5 x 311.5] = [3,104,844.75, 3,115,155.75] g
#                                     = [99,823, 100,155] oz = [3,104.8, 3,115.2] kg.
@pytest.mark.parametrize(
    ("printed", "perturbed", "culprit"),
    [
        # 100,989 oz = 3,141,103 g: the grade must be >= 3,141,103 / 10,000.5 =
        # 314.1 g/t (2.6 steps out of [310.5, 311.5]); the mass >= 10,084 t
        # (83 steps); the contained figure <= 100,155 oz (834 steps).
        ("99,989 oz", "100,989 oz", "P.grade.pb_conc.Ag"),
        # "102 koz" = [101.5, 102.5] koz: itself 101.5 - 100.155 = 1.35 steps
        # out; the grade >= 101,500 oz / 10,000.5 t = 315.7 g/t (4.2 steps).
        ("100 koz", "102 koz", "P.contained.Ag"),
        # "0.11 Moz" = [0.105, 0.115]: itself (0.105 - 0.10015) / 0.01 = 0.48
        # steps; the grade >= 326.6 g/t (15 steps).
        ("0.10 Moz", "0.11 Moz", "P.contained.Ag"),
        # 3,209.5 kg / 10,000.5 t = 320.9 g/t (9.4 steps); itself 94 steps.
        ("3,110 kg", "3,210 kg", "P.grade.pb_conc.Ag"),
        # 3,159,999.5 g / 10,000.5 t = 316.0 g/t (4.5 steps).
        ("3,110,000 g", "3,160,000 g", "P.grade.pb_conc.Ag"),
        ("99,989 ounces", "100,989 ounces", "P.grade.pb_conc.Ag"),
    ],
)
def test_contained_silver_in_every_metal_unit(printed, perturbed, culprit):
    consistent(check(_contained_ag(printed)))
    sole_culprit(check(_contained_ag(perturbed)), culprit)


def _contained_pb(value: str) -> str:
    return f"""
[periods.P]
days = 30
[periods.P.streams.pb_conc]
mass = "2,000 t"
Pb = "50.0 %"
[periods.P.contained]
Pb = {{ value = "{value}", in = ["pb_conc"] }}
"""


# 2,000 t x 50.0 % = 1,000 t of lead = 2,204,623 lb; allowed:
# [1,999.5 x 0.4995, 2,000.5 x 0.5005] = [998.75, 1,001.25] t
#                                     = [2,201,866, 2,207,378] lb.
@pytest.mark.parametrize(
    ("printed", "perturbed", "culprit"),
    [
        # 2,234,623 lb = 1,013.6 t: grade >= 50.67 % (6.2 steps of 0.1 %),
        # mass >= 2,025 t (25 steps), itself 27,245 steps.
        ("2,204,623 lb", "2,234,623 lb", "P.grade.pb_conc.Pb"),
        ("2,204,623 lbs", "2,234,623 lbs", "P.grade.pb_conc.Pb"),
        # "2.3 Mlb" = [2.25, 2.35]: itself (2.25 - 2.2074) / 0.1 = 0.43 steps;
        # the grade >= 2.25 Mlb = 1,020.6 t / 2,000.5 t = 51.0 % (10 steps).
        ("2.2 Mlb", "2.3 Mlb", "P.contained.Pb"),
        # [2.245, 2.255]: itself (2.245 - 2.2074) / 0.01 = 3.8 steps; the grade
        # >= 1,018.3 t / 2,000.5 t = 50.90 % (8.5 steps).
        ("2.20 million pounds", "2.25 million pounds", "P.contained.Pb"),
        ("2,205 klb", "2,235 klb", "P.grade.pb_conc.Pb"),
        # in tonnes: [998.75, 1,001.25]; "1,010 t" needs grade >= 1,009.5 /
        # 2,000.5 = 50.46 % (4.1 steps), itself 8.25 steps, mass 17 steps.
        ("1,000 t", "1,010 t", "P.grade.pb_conc.Pb"),
    ],
)
def test_contained_lead_in_every_metal_unit(printed, perturbed, culprit):
    consistent(check(_contained_pb(printed)))
    sole_culprit(check(_contained_pb(perturbed)), culprit)


def _contained_two_streams(value: str) -> str:
    return f"""
[periods.P]
days = 30
[periods.P.streams.pb_conc]
mass = "1,000 t"
Ag = "3,000 g/t"
[periods.P.streams.zn_conc]
mass = "500 t"
Ag = "400 g/t"
[periods.P.contained]
Ag = {{ value = "{value}", in = ["pb_conc", "zn_conc"] }}
"""


def test_contained_sums_over_several_streams():
    # 1,000 t x 3,000 g/t + 500 t x 400 g/t = 3,200,000 g = 102,883 oz; allowed
    # [999.5 x 2,999.5 + 499.5 x 399.5, 1,000.5 x 3,000.5 + 500.5 x 400.5]
    # = [3,197,550.5, 3,202,450.5] g = [102,803.6, 102,961.2] oz.
    # (The lead concentrate alone, 3,000,000 g = 96,452 oz, would not do.)
    report = check(_contained_two_streams("102,883 oz"))
    consistent(report)
    implied = report.figure("P.contained.Ag").implied
    assert implied is not None
    assert implied[0] == pytest.approx(102_803.6, abs=0.05)
    assert implied[1] == pytest.approx(102_961.2, abs=0.05)
    # 103,883 oz = 3,231,102 g: the lead-concentrate grade must reach
    # (3,231,102 - 200,450) / 1,000.5 = 3,029.1 g/t (28.6 steps), the zinc one
    # (3,231,102 - 3,002,000) / 500.5 = 457.7 g/t (57 steps), the
    # lead-concentrate mass 1,010.1 t (9.6 steps)... so the mass is cheapest.
    sole_culprit(check(_contained_two_streams("103,883 oz")), "P.mass.pb_conc")


# ---------------------------------------------------------------- recovery


def _recovery(ag: str = "95 %", pb_one: str = "90 %", pb_both: str = "95 %") -> str:
    return f"""
[periods.P]
days = 90
[periods.P.streams.feed]
mass = "10,000 t"
Pb = "10.0 %"
Ag = "100.0 g/t"
[periods.P.streams.pb_conc]
mass = "1,500 t"
Pb = "60.0 %"
Ag = "500 g/t"
[periods.P.streams.zn_conc]
mass = "2,000 t"
Pb = "2.5 %"
Ag = "100 g/t"
[periods.P.recovery]
Ag = {{ value = "{ag}", to = ["pb_conc", "zn_conc"] }}
Pb = [
    {{ value = "{pb_one}", to = ["pb_conc"] }},
    {{ value = "{pb_both}", to = ["pb_conc", "zn_conc"] }},
]
"""


# Lead.  in: 10,000 t x 10.0 % = 1,000 t, allowed [9,999.5 x 0.0995,
#   10,000.5 x 0.1005] = [994.95, 1,005.05] t.
#   to pb_conc: 1,500 t x 60.0 % = 900 t, [1,499.5 x 0.5995, 1,500.5 x 0.6005]
#   = [898.95, 901.05] t -> 90.0 %, allowed [89.44, 90.56] %;
#   to both: + 2,000 t x 2.5 % = 50 t, [48.99, 51.01] -> 95.0 %, [94.32, 95.69] %.
# Silver.  in: 10,000 t x 100.0 g/t = 1,000 kg, [999.45, 1,000.55] kg;
#   out: 1,500 t x 500 g/t + 2,000 t x 100 g/t = 950 kg, [947.95, 952.05] kg
#   -> 95.0 %, allowed [94.74, 95.26] %.
def test_recovery_to_several_concentrates_and_an_array_of_recoveries():
    report = check(_recovery())
    consistent(report)
    ids = {f.id for f in report.figures}
    assert {"P.recovery.Ag", "P.recovery.Pb.pb_conc"} <= ids
    assert "P.recovery.Pb.pb_conc+zn_conc" in ids
    assert "P.recovery.Pb" not in ids
    both = report.figure("P.recovery.Pb.pb_conc+zn_conc").implied
    assert both is not None
    # the relation alone: (1,499.5 x 0.5995 + 1,999.5 x 0.0245) / (10,000.5 x
    # 0.1005) = 94.318 % to (1,500.5 x 0.6005 + 2,000.5 x 0.0255) / (9,999.5 x
    # 0.0995) = 95.690 %; with the "90 %" to pb_conc holding (<= 90.5 %, >= 89.5 %)
    # the true range is [89.5 + 48.99 / 1,005.05 x 100, 90.5 + 51.01 / 994.95 x
    # 100] = [94.37, 95.63] %. The implied range is a rigorous enclosure of it.
    assert 94.31 < both[0] <= 94.375
    assert 95.625 <= both[1] < 95.70
    kinds = {r.id: r.kind for r in report.relations}
    assert kinds["P.recovery.Pb.pb_conc+zn_conc"] == "recovery"


def test_recovery_several_concentrates_perturbed():
    # "97 %" = [96.5, 97.5]: itself 96.5 - 95.26 = 1.2 steps; the feed grade
    # <= 952.05 kg / (0.965 x 9,999.5 t) = 98.66 g/t (13 steps of 0.1); the
    # zinc-concentrate grade >= (0.965 x 999.45 - 751.0) kg / 2,000.5 t
    # = 106.7 g/t (6.2 steps).
    sole_culprit(check(_recovery(ag="97 %")), "P.recovery.Ag")


def test_recovery_to_both_concentrates_perturbed():
    # "98 %" = [97.5, 98.5]: itself 97.5 - 95.69 = 1.8 steps; the zinc-
    # concentrate lead >= (0.975 x 994.95 - 901.05) / 2,000.5 = 3.45 % (9.5
    # steps); the feed grade would break the 90 % to pb_conc.
    report = check(_recovery(pb_both="98 %"))
    sole_culprit(report, "P.recovery.Pb.pb_conc+zn_conc")
    assert report.figure("P.recovery.Pb.pb_conc").status == "ok"


def test_recovery_to_one_concentrate_of_an_array_perturbed():
    # "93 %" = [92.5, 93.5] against [89.44, 90.56]: 1.9 steps; the lead-
    # concentrate grade would need 0.925 x 994.95 / 1,500.5 = 61.3 % (12 steps)
    # and would then break the 95 % to both.
    sole_culprit(check(_recovery(pb_one="93 %")), "P.recovery.Pb.pb_conc")


def _recovery_from_contained(value: str) -> str:
    return f"""
[periods.P]
days = 90
[periods.P.streams.feed]
mass = "10,000 t"
Pb = "10.00 %"
[periods.P.streams.pb_conc]
[periods.P.contained]
Pb = {{ value = "900 t", in = ["pb_conc"] }}
[periods.P.recovery]
Pb = {{ value = "{value}", to = ["pb_conc"] }}
"""


def test_recovery_uses_the_contained_figure_of_the_same_streams():
    # no concentrate tonnes or assays: the metal out is the "900 t" printed,
    # [899.5, 900.5]; in: [9,999.5 x 0.09995, 10,000.5 x 0.10005]
    # = [999.45, 1,000.55] t -> [89.90, 90.10] %.
    report = check(_recovery_from_contained("90 %"))
    consistent(report)
    implied = report.figure("P.recovery.Pb").implied
    assert implied is not None
    assert implied[0] == pytest.approx(899.5 / 1000.55 * 100, abs=1e-3)
    assert implied[1] == pytest.approx(900.5 / 999.45 * 100, abs=1e-3)
    # "92 %": itself 91.5 - 90.10 = 1.4 steps; the feed grade <= 900.5 /
    # (0.915 x 9,999.5) = 9.842 % (11 steps); the contained >= 914.5 t (14).
    sole_culprit(check(_recovery_from_contained("92 %")), "P.recovery.Pb")


# -------------------------------------------------------------- throughput


def _throughput(dates: str, mass: str, rate: str) -> str:
    return f"""
[periods.P]
{dates}
throughput = "{rate}"
[periods.P.streams.feed]
mass = "{mass}"
"""


@pytest.mark.parametrize(
    ("dates", "days", "mass"),
    [
        # 2012 is a leap year: 1..29 February inclusive is 29 days
        ("start = 2012-02-01\nend = 2012-02-29", 29, "2,900 t"),
        ("start = 2011-02-01\nend = 2011-02-28", 28, "2,800 t"),
        # December 31 + January 31 + February 29
        ("start = 2011-12-01\nend = 2012-02-29", 91, "9,100 t"),
        ("days = 88", 88, "8,800 t"),
    ],
)
def test_throughput_counts_inclusive_calendar_days(dates, days, mass):
    # mass / days = 100 t/d, allowed [(m - 0.5) / d, (m + 0.5) / d], within
    # 100 +- 0.02; one day fewer or more would be 100 +- 1.1 or more.
    body = _throughput(dates, mass, "100 t/d")
    assert loads_release(HEAD + body).periods["P"].days == days
    consistent(check(body))
    # "104 t/d" = [103.5, 104.5]: itself 3.5 steps; the mass >= 103.5 x d
    # (>= 88 x 3.5 = 308 steps).
    sole_culprit(check(_throughput(dates, mass, "104 tpd")), "P.throughput")


def test_throughput_over_a_leap_february_is_not_over_28_days():
    # 2,900 t / 28 d = 103.57 t/d: "104 t/d" fits 28 days, not 29 (100.02 at most)
    feb = "start = 2012-02-01\nend = 2012-02-29"
    assert check(_throughput(feb, "2,900 t", "104 t/d")).verdict == "inconsistent"


def _operating_days(days: str, rate: str = "100.0 tpd") -> str:
    return f"""
[periods.P]
days = "{days}"
day_count = "operating"
throughput = "{rate}"
[periods.P.streams.feed]
mass = "8,800 t"
"""


def test_printed_operating_days_are_a_figure():
    # days "88" = [87.5, 88.5]: 8,800 t / d in [8,799.5 / 88.5, 8,800.5 / 87.5]
    # = [99.43, 100.58] t/d, which meets "100.0 tpd" = [99.95, 100.05].
    report = check(_operating_days("88"))
    consistent(report)
    assert report.figure("P.days").status == "ok"
    implied = report.figure("P.days").implied
    assert implied is not None
    # d = m / T in [8,799.5 / 100.05, 8,800.5 / 99.95] = [87.95, 88.05]
    assert implied[0] == pytest.approx(8799.5 / 100.05, abs=1e-4)
    assert implied[1] == pytest.approx(8800.5 / 99.95, abs=1e-4)
    # days "86" = [85.5, 86.5]: 8,800 t / d >= 8,799.5 / 86.5 = 101.73 t/d.
    # The days must reach 8,799.5 / 100.05 = 87.95 (1.45 steps); the rate
    # 101.73 (16.8 steps of 0.1); the mass 100.05 x 86.5 = 8,654 (145 steps).
    sole_culprit(check(_operating_days("86")), "P.days")


# ------------------------------------------------------------------ change


def _change_mass(a: str, b: str, value: str) -> str:
    return f"""
[periods.A]
days = 90
[periods.A.streams.feed]
mass = "{a}"
[periods.B]
days = 90
[periods.B.streams.feed]
mass = "{b}"
[[changes]]
figure = "mass.feed"
from = "A"
to = "B"
value = "{value}"
"""


def test_change_increase_on_mass():
    # 1,300 / 1,000 - 1 = 30 %, allowed [1,299.5 / 1,000.5, 1,300.5 / 999.5] - 1
    # = [29.88, 30.12] %.
    report = check(_change_mass("1,000 t", "1,300 t", "30 %"))
    consistent(report)
    assert report.figure("change.mass.feed.A-B").status == "ok"
    # "35 %" = [34.5, 35.5]: itself 4.4 steps; B's mass >= 1.345 x 999.5
    # = 1,344 t (44 steps).
    sole_culprit(
        check(_change_mass("1,000 t", "1,300 t", "35 %")), "change.mass.feed.A-B"
    )


@pytest.mark.parametrize("printed", ["(2.3 %)", "-2.3 %", "−2.3 %"])
def test_change_decrease_on_mass(printed):
    # 9,770 / 10,000 - 1 = -2.30 %, allowed [9,769.5 / 10,000.5,
    # 9,770.5 / 9,999.5] - 1 = [-2.310, -2.290] %; "-2.3 %" = [-2.35, -2.25].
    consistent(check(_change_mass("10,000 t", "9,770 t", printed)))
    # the sign is read: +2.3 % is a different figure
    assert check(_change_mass("10,000 t", "9,770 t", "2.3 %")).verdict == (
        "inconsistent"
    )
    # "(2.5 %)" = [-2.55, -2.45]: itself (2.45 - 2.310) / 0.1 = 1.4 steps;
    # B's mass <= 0.9755 x 10,000.5 = 9,755.5 t (14 steps).
    sole_culprit(
        check(_change_mass("10,000 t", "9,770 t", "(2.5 %)")), "change.mass.feed.A-B"
    )


def test_negative_change_under_truncate_is_mirrored():
    # truncated: A in [10,000, 10,001], B in [9,762, 9,763], so the change is
    # in [9,762 / 10,001, 9,763 / 10,000] - 1 = [-2.390, -2.370] %.
    # "-2.3 %" truncated towards zero stands for [-2.4, -2.3]: consistent
    # (read as [-2.3, -2.2] it would not be).
    body = _change_mass("10,000 t", "9,762 t", "-2.3 %")
    consistent(check(body, rounding="truncate"))
    # nearest: [-2.35, -2.25] against [-2.390, -2.370] (nearly the same range):
    # the change must move 0.2 steps; B's mass 9,764.5 t (2 steps).
    sole_culprit(check(body, rounding="nearest"), "change.mass.feed.A-B")
    # "-2.4 %" truncated is [-2.5, -2.4], short of -2.390 by 0.1 step
    body = _change_mass("10,000 t", "9,762 t", "(2.4 %)")
    sole_culprit(check(body, rounding="truncate"), "change.mass.feed.A-B")
    consistent(check(body, rounding="nearest"))  # [-2.45, -2.35]
    consistent(check(body, rounding="either"))


def _change_contained(value: str) -> str:
    return f"""
[periods.A]
days = 90
[periods.A.streams.pb_conc]
[periods.A.contained]
Ag = {{ value = "100,000 oz", in = ["pb_conc"] }}
[periods.B]
days = 90
[periods.B.streams.pb_conc]
[periods.B.contained]
Ag = {{ value = "130,000 oz", in = ["pb_conc"] }}
[[changes]]
figure = "contained.Ag"
from = "A"
to = "B"
value = "{value}"
"""


def test_change_on_contained_metal():
    # 130,000 / 100,000 - 1 = 30.00 % (the ounces are printed to 1 oz)
    report = check(_change_contained("30 %"))
    consistent(report)
    fid = "change.contained.Ag.A-B"
    assert {r.kind for r in report.relations if fid in r.figures} == {"change"}
    # "31 %" = [30.5, 31.5]: itself 0.5 steps; B >= 130,499.5 oz (499 steps)
    sole_culprit(check(_change_contained("31 %")), fid)


# ------------------------------------------------------------------- total

_QUARTERS = """
[periods.Q1]
days = 90
[periods.Q1.streams.feed]
mass = "1,000 t"
Pb = "10.0 %"
[periods.Q1.streams.pb_conc]
mass = "150 t"
Pb = "60.0 %"
[periods.Q1.contained]
Pb = { value = "90 t", in = ["pb_conc"] }

[periods.Q2]
days = 91
[periods.Q2.streams.feed]
mass = "1,200 t"
Pb = "9.0 %"
[periods.Q2.streams.pb_conc]
mass = "160 t"
Pb = "60.0 %"
[periods.Q2.contained]
Pb = { value = "96 t", in = ["pb_conc"] }

[periods.Q3]
days = 92
[periods.Q3.streams.feed]
mass = "800 t"
Pb = "12.0 %"
[periods.Q3.streams.pb_conc]
mass = "140 t"
Pb = "60.0 %"
[periods.Q3.contained]
Pb = { value = "84 t", in = ["pb_conc"] }
"""


def _ytd(
    mass: str = "3,000 t",
    grade: str = "10.1 %",
    contained: str = "270 t",
    recovery: str = "89 %",
) -> str:
    return (
        _QUARTERS
        + f"""
[periods.YTD]
days = 273
[periods.YTD.streams.feed]
mass = "{mass}"
Pb = "{grade}"
[periods.YTD.streams.pb_conc]
mass = "450 t"
Pb = "60.0 %"
[periods.YTD.contained]
Pb = {{ value = "{contained}", in = ["pb_conc"] }}
[periods.YTD.recovery]
Pb = {{ value = "{recovery}", to = ["pb_conc"] }}

[[totals]]
total = "YTD"
parts = ["Q1", "Q2", "Q3"]
"""
    )


# Feed: 1,000 + 1,200 + 800 = 3,000 t, allowed [2,998.5, 3,001.5] t; lead in
# the feed 100 + 108 + 96 = 304 t, allowed [999.5 x 0.0995 + 1,199.5 x 0.0895 +
# 799.5 x 0.1195, ...] = [302.35, 305.66] t, so the YTD grade, tonnage-weighted,
# is in [302.35 / 3,001.5, 305.66 / 2,998.5] = [10.07, 10.19] % ("10.1 %" fits;
# the plain mean of 10.0, 9.0 and 12.0 % is 10.33 % and does not).
# Lead concentrate: 150 + 160 + 140 = 450 t at 60.0 %: 270 t, and the quarters'
# contained figures allow [89.63 + 95.62 + 83.63, 90.38 + 96.38 + 84.37]
# = [268.88, 271.13] t. Recovery 270 / 304 = 88.8 %, in [87.96, 89.68] %.
def test_total_adds_masses_and_metal_and_weights_grades():
    report = check(_ytd())
    consistent(report)
    relation = next(r for r in report.relations if r.kind == "total")
    assert "YTD.mass.feed" in relation.figures
    assert "Q2.mass.feed" in relation.figures
    grade = report.figure("YTD.grade.feed.Pb").implied
    assert grade is not None
    # released, the YTD grade is the quarters' lead over the YTD mass, which
    # its own "3,000 t" holds to [2,999.5, 3,000.5]. The quarters allow
    # [302.34575, 305.65575] t of lead in the feed, but the YTD recovery
    # ("89 %" >= 88.5 %) of at most "270 t" (270.5 t) caps it at
    # 270.5 / 0.885 = 305.6497 t: [302.34575 / 3,000.5, 305.6497 / 2,999.5]
    # = [10.0765, 10.1900] %.
    assert grade[0] == pytest.approx(302.34575 / 3000.5 * 100, abs=1e-6)
    assert grade[1] == pytest.approx(270.5 / 0.885 / 2999.5 * 100, abs=1e-6)


@pytest.mark.parametrize(
    ("change", "culprit"),
    [
        # "3.1 kt" = [3,050, 3,150] t against [2,998.5, 3,001.5]: 0.485 steps
        # of 100 t; a quarter's mass would move 48.5 steps of 1 t.
        ({"mass": "3.1 kt"}, "YTD.mass.feed"),
        # "280 t" against [268.88, 271.13]: only the YTD figure itself can go
        # (each quarter's contained is pinned by its own mass x grade).
        ({"contained": "280 t"}, "YTD.contained.Pb"),
        # "10.5 %" = [10.45, 10.55] against [10.07, 10.19]: 2.6 steps; a
        # quarter's grade would move about 10 steps.
        ({"grade": "10.5 %"}, "YTD.grade.feed.Pb"),
        # the plain mean of the quarters' grades, 10.33 %: 0.6 steps off
        ({"grade": "10.3 %"}, "YTD.grade.feed.Pb"),
        # "92 %" = [91.5, 92.5] against [87.96, 89.68] %: 1.8 steps; the YTD
        # feed grade is a sum of the quarters and cannot move alone.
        ({"recovery": "92 %"}, "YTD.recovery.Pb"),
    ],
)
def test_an_inconsistent_total_is_caught(change, culprit):
    sole_culprit(check(_ytd(**change)), culprit)


def test_total_mass_printed_to_the_tonne():
    # "3,004 t" = [3,003.5, 3,004.5] against [2,998.5, 3,001.5]: 2 steps;
    # every one of the four masses is a culprit of its own, the YTD one no
    # cheaper (2 steps each), so only the verdict and the set are certain.
    report = check(_ytd(mass="3,004 t"))
    assert report.verdict == "inconsistent"
    assert {"YTD.mass.feed"} in [set(c.figures) for c in report.culprits]


# --------------------------------------------------------------- duplicate


def _duplicates(mass: str, grade: str, recovery: str, rate: str) -> str:
    return f"""
[periods.P]
start = 2012-02-01
end = 2012-02-29
throughput = {{ value = "100 t/d", also = ["{rate}"] }}
[periods.P.streams.feed]
mass = {{ value = "2,900 t", also = ["{mass}"] }}
Pb = {{ value = "10.0 %", also = ["{grade}"] }}
[periods.P.streams.pb_conc]
mass = "450 t"
Pb = "60.0 %"
[periods.P.recovery]
Pb = {{ value = "93 %", to = ["pb_conc"], also = ["{recovery}"] }}
"""


# 29 days; 2,900 t / 29 = 100 t/d in [99.98, 100.02]; recovery 270 / 290 =
# 93.1 %, in [449.5 x 0.5995 / (2,900.5 x 0.1005), 450.5 x 0.6005 / (2,899.5 x
# 0.0995)] = [92.45, 93.77] %.
_GOOD = {
    "mass": "2.9 kt",
    "grade": "10 %",
    "recovery": "93.1 %",
    "rate": "100 tonnes per day",
}


def test_duplicates_on_every_figure_kind():
    report = check(_duplicates(**_GOOD))
    consistent(report)
    kinds = {r.id: r.kind for r in report.relations}
    for fid in ("P.mass.feed", "P.grade.feed.Pb", "P.recovery.Pb", "P.throughput"):
        assert kinds[f"{fid}.also"] == "duplicate"
        assert report.figure(f"{fid}.also1").status == "ok"


@pytest.mark.parametrize(
    ("key", "printed", "culprit"),
    [
        # "2.8 kt" = [2,750, 2,850] t: the 2,900 t printing is [2,899.5,
        # 2,900.5]; the also printing is 0.495 steps of 100 t off.
        ("mass", "2.8 kt", "P.mass.feed.also1"),
        # "11 %" = [10.5, 11.5] against [9.95, 10.05]: 0.45 steps of 1 %
        ("grade", "11 %", "P.grade.feed.Pb.also1"),
        # "94.1 %" = [94.05, 94.15] cannot meet "93 %" = [92.5, 93.5] at all
        ("recovery", "94.1 %", "P.recovery.Pb.also1"),
        # "99 tonnes per day" = [98.5, 99.5] against 2,900 t / 29 d >= 99.98
        ("rate", "99 tonnes per day", "P.throughput.also1"),
    ],
)
def test_a_duplicate_printing_off_is_the_culprit(key, printed, culprit):
    sole_culprit(check(_duplicates(**{**_GOOD, key: printed})), culprit)


# ---------------------------------------------------------------- moisture


def _moisture(moisture: str, dry: str | None = '"920 t"') -> str:
    mass = "" if dry is None else f"mass = {dry}\n"
    return f"""
[periods.P]
days = 30
[periods.P.streams.pb_conc]
wet_mass = "1,000 t"
moisture = "{moisture}"
{mass}"""


def test_moisture_relates_wet_and_dry_mass():
    # 1,000 t x (1 - 8 %) = 920 t; allowed [999.5 x 0.915, 1,000.5 x 0.925]
    # = [914.5, 925.5] t.
    report = check(_moisture("8 %"))
    consistent(report)
    relation = next(r for r in report.relations if r.kind == "moisture")
    assert set(relation.figures) == {
        "P.wet_mass.pb_conc",
        "P.moisture.pb_conc",
        "P.mass.pb_conc",
    }
    implied = report.figure("P.mass.pb_conc").implied
    assert implied is not None
    # the dry mass the other two allow: [914.5425, 925.4625] t
    assert implied[0] == pytest.approx(999.5 * 0.915, abs=1e-6)
    assert implied[1] == pytest.approx(1000.5 * 0.925, abs=1e-6)
    # "6 %" = [5.5, 6.5]: dry in [999.5 x 0.935, 1,000.5 x 0.945] = [934.5,
    # 945.5]. The moisture must reach 1 - 920.5 / 999.5 = 7.90 % (1.4 steps);
    # the dry mass 934.5 t (14 steps); the wet mass 920.5 / 0.935 = 984.5 t
    # (15 steps).
    sole_culprit(check(_moisture("6 %")), "P.moisture.pb_conc")


def _wet_only(moisture: str) -> str:
    return f"""
[periods.P]
days = 30
[periods.P.streams.pb_conc]
wet_mass = "1,087 t"
moisture = "{moisture}"
Pb = "50.0 %"
[periods.P.contained]
Pb = {{ value = "500 t", in = ["pb_conc"] }}
"""


def test_dry_mass_from_wet_mass_and_moisture_feeds_other_relations():
    # dry = 1,087 t x (1 - 8 %) = 1,000 t, in [1,086.5 x 0.915, 1,087.5 x
    # 0.925] = [994.1, 1,005.9] t; lead at 50.0 %: [496.6, 503.5] t, "500 t" fits.
    consistent(check(_wet_only("8 %")))
    # "6 %": dry in [1,015.9, 1,027.7] t, lead >= 507.4 t. The moisture must
    # reach 1 - 500.5 / (0.4995 x 1,086.5) = 7.78 % (1.3 steps); the grade
    # 500.5 / 1,015.9 = 49.27 % (6.8 steps); the contained 6.9 steps.
    sole_culprit(check(_wet_only("6 %")), "P.moisture.pb_conc")


# -------------------------------------------------------------- equivalent


def _equivalent(ag: str, value: str = "132,759 oz") -> str:
    return f"""
[periods.P]
days = 90
[periods.P.streams.pb_conc]
[periods.P.contained]
Ag = {{ value = "{ag}", in = ["pb_conc"] }}
Pb = {{ value = "1,000,000 lb", in = ["pb_conc"] }}
[periods.P.equivalent.AgEq]
value = "{value}"
prices = {{ Ag = "29 USD/oz", Pb = "0.95 USD/lb" }}
"""


def test_equivalent_prices_have_their_own_precision():
    # With exact prices the lead term would be 32,758.6 oz and AgEq
    # "133,300 oz" would need 100,541 oz of silver, outside "100,000 oz";
    # with the prices' rounding it may be up to 33,508.8 oz, so it fits.
    consistent(check(_equivalent("100,000 oz", "133,300 oz")))


def test_metal_equivalent():
    # AgEq = Ag + Pb x p_Pb / p_Ag, each price within half its printed step:
    # "29 USD/oz" = [28.5, 29.5], "0.95 USD/lb" = [0.945, 0.955], so the lead
    # term 1,000,000 lb x p_Pb / p_Ag lies in [945,000 / 29.5, 955,000 / 28.5]
    # = [32,033.9, 33,508.8] oz. "100 koz" of silver = [99,500, 100,500] oz
    # and "132,759 oz" fits. The silver it implies:
    # [132,758.5 - 1,000,000.5 x 0.955 / 28.5, 132,759.5 - 999,999.5 x 0.945 / 29.5]
    # = [99,249.71, 100,725.62] oz.
    report = check(_equivalent("100 koz"))
    consistent(report)
    assert report.figure("P.equivalent.AgEq").status == "ok"
    implied = report.figure("P.contained.Ag").implied
    assert implied is not None
    assert implied[0] == pytest.approx(99.2497113, abs=1e-6)
    assert implied[1] == pytest.approx(100.7256177, abs=1e-6)
    # "102 koz" = [101.5, 102.5] koz: itself (101,500 - 100,725.6) / 1,000
    # = 0.77 of a step; the AgEq 774 steps of 1 oz; the lead far more. The
    # silver price is a figure too: the lead term may be at most
    # 132,759.5 - 101,500 = 31,259.5 oz, so p_Ag >= 999,999.5 x 0.945 / 31,259.5
    # = 30.2308 USD/oz, 0.73 of a step above 29.5: the cheapest explanation.
    report = check(_equivalent("102 koz"))
    assert report.verdict == "inconsistent"
    assert report.culprits[0].figures == ("P.equivalent.AgEq.price.Ag",)
    assert report.culprits[0].cost == pytest.approx(0.7308, abs=1e-3)
    assert ("P.contained.Ag",) in [c.figures for c in report.culprits]
    # and the equivalent itself, when it is the coarse one: "135 koz" =
    # [134.5, 135.5] koz against [132.033, 133.510] koz; or the silver price,
    # p_Ag <= 1,000,000.5 x 0.955 / (134,500 - 100,000.5) = 27.6816 USD/oz
    report = check(_equivalent("100,000 oz", "135 koz"))
    assert report.culprits[0].figures == ("P.equivalent.AgEq.price.Ag",)
    assert report.culprits[0].moves[0][1] == pytest.approx(27.6816, abs=1e-4)
    assert ("P.equivalent.AgEq",) in [c.figures for c in report.culprits]


# ----------------------------------------------------------------- balance


def _balance(zn_mass: str = "800 t", extra: str = "", balance: str = "") -> str:
    return f"""
[periods.P]
days = 90
{balance}
[periods.P.streams.feed]
mass = "1,000 t"
Pb = "10.0 %"
[periods.P.streams.pb_conc]
mass = "150 t"
Pb = "60.0 %"
[periods.P.streams.zn_conc]
mass = "{zn_mass}"
Pb = "0.6 %"
{extra}
[periods.P.recovery]
Pb = {{ value = "95 %", to = ["pb_conc", "zn_conc"] }}
"""


# Lead: out 150 t x 60.0 % + 800 t x 0.6 % = 94.8 t of 100 t = 94.8 %, in
# [(149.5 x 0.5995 + 799.5 x 0.0055) / 100.55, (150.5 x 0.6005 + 800.5 x
# 0.0065) / 99.45] = [93.5, 96.1] %. Mass: 150 + 800 = 950 t <= 1,000 t.
def test_balance_products_heavier_than_feed():
    consistent(check(_balance()))
    # zn_conc "900 t": 150 + 900 = 1,050 t > 1,000 t (the recovery alone still
    # fits: [94.1, 96.8] %). The zinc-concentrate mass must fall to 1,000.5 -
    # 149.5 = 851 t (48.5 steps). The feed mass cannot go alone (its lead
    # would dilute the recovery below 92.3 %), nor the lead-concentrate mass
    # (101 t would hold 60.65 t of lead: recovery < 67 %).
    report = check(_balance(zn_mass="900 t"))
    sole_culprit(report, "P.mass.zn_conc")
    assert len(report.culprits) == 1
    assert {r.status for r in report.relations if r.kind == "balance"} == {"violated"}
    # a heap leach or a stockpile column: no balance, no disagreement
    consistent(check(_balance(zn_mass="900 t", balance="balance = false")))


def test_balance_false_builds_no_balance_and_no_tail():
    report = check(_balance(zn_mass="900 t", balance="balance = false"))
    assert not [r for r in report.relations if r.kind == "balance"]
    assert not [d for d in report.derived if d.id == "P.mass.tail"]


def _metal_balance(balance: str = "") -> str:
    return f"""
[periods.P]
days = 90
{balance}
[periods.P.streams.feed]
mass = "1,000 t"
Pb = "10.0 %"
[periods.P.streams.pb_conc]
mass = "150 t"
Pb = "70.0 %"
[periods.P.contained]
Pb = {{ value = "105 t", in = ["pb_conc"] }}
"""


def test_balance_products_holding_more_metal_than_feed():
    # 150 t x 70.0 % = 105 t of lead, at least 149.5 x 0.6995 = 104.58 t, in a
    # feed of at most 1,000.5 x 0.1005 = 100.55 t. The feed grade must reach
    # 104.58 / 1,000.5 = 10.45 % (4 steps); the feed mass 104.58 / 0.1005 =
    # 1,040.6 t (40 steps); the concentrate grade would break "105 t".
    sole_culprit(check(_metal_balance()), "P.grade.feed.Pb")
    consistent(check(_metal_balance("balance = false")))


@pytest.mark.parametrize("name", ["tail", "tailings"])
def test_a_printed_tail_makes_the_balance_an_equality(name):
    # tail = 1,000 - 150 - 800 = 50 t, in [999.5 - 150.5 - 800.5, 1,000.5 -
    # 149.5 - 799.5] = [48.5, 51.5] t; "0.05 kt" = [45, 55] t fits.
    tail = f"[periods.P.streams.{name}]\nmass = "
    report = check(_balance(extra=tail + '"0.05 kt"'))
    consistent(report)
    assert report.figure(f"P.mass.{name}").status == "ok"
    balance = next(r for r in report.relations if r.kind == "balance")
    assert f"P.mass.{name}" in balance.figures
    # a reported tail is printed, not derived
    assert f"P.mass.{name}" not in {d.id for d in report.derived}
    # "0.07 kt" = [65, 75] t: the tail must fall to 51.5 t (1.35 steps of
    # 10 t); the zinc-concentrate mass to 786 t (13.5 steps).
    sole_culprit(check(_balance(extra=tail + '"0.07 kt"')), f"P.mass.{name}")
    # an equality, not only tail >= 0: "0.01 kt" = [5, 15] t is too light
    assert check(_balance(extra=tail + '"0.01 kt"')).verdict == "inconsistent"


def test_derived_tail_mass_and_unprinted_grades():
    body = """
[periods.P]
days = 90
[periods.P.streams.feed]
mass = "1,000 t"
[periods.P.streams.pb_conc]
mass = "150 t"
[periods.P.streams.zn_conc]
mass = "800 t"
[periods.P.contained]
Pb = { value = "90 t", in = ["pb_conc"] }
Zn = { value = "400 t", in = ["zn_conc"] }
"""
    report = check(body)
    consistent(report)
    derived = {d.id: d for d in report.derived}
    # tail = feed - products: [999.5 - 150.5 - 800.5, 1,000.5 - 149.5 - 799.5]
    tail = derived["P.mass.tail"]
    assert tail.unit == "t"
    assert tail.interval[0] == pytest.approx(48.5, abs=1e-6)
    assert tail.interval[1] == pytest.approx(51.5, abs=1e-6)
    # lead-concentrate grade = 90 t / 150 t: [89.5 / 150.5, 90.5 / 149.5]
    # = [59.47, 60.54] %
    grade = derived["P.grade.pb_conc.Pb"]
    assert grade.unit == "%"
    assert grade.interval[0] == pytest.approx(89.5 / 150.5 * 100, abs=1e-6)
    assert grade.interval[1] == pytest.approx(90.5 / 149.5 * 100, abs=1e-6)
    # zinc-concentrate grade 400 / 800: [399.5 / 800.5, 400.5 / 799.5]
    grade = derived["P.grade.zn_conc.Zn"]
    assert grade.interval[0] == pytest.approx(399.5 / 800.5 * 100, abs=1e-6)
    assert grade.interval[1] == pytest.approx(400.5 / 799.5 * 100, abs=1e-6)
    # printed figures are not derived
    assert "P.mass.pb_conc" not in derived


# ---------------------------------------------- step, trailing zeros and id


def _pinned(mass: str) -> str:
    return f"""
[periods.P]
days = 90
[periods.P.streams.pb_conc]
mass = {mass}
Pb = "50.00 %"
[periods.P.contained]
Pb = {{ value = "620.0 t", in = ["pb_conc"] }}
"""


# 620.0 t of lead at 50.00 % needs [619.95 / 0.50005, 620.05 / 0.49995]
# = [1,239.8, 1,240.2] t of concentrate.
def test_step_pins_the_precision_of_a_figure():
    # "1,200 t" to the 100 t: [1,150, 1,250] t holds 1,240 t
    report = check(_pinned('{ value = "1,200 t", step = "100 t" }'))
    consistent(report)
    mass = report.figure("P.mass.pb_conc")
    assert mass.step == 100
    assert mass.interval == (1150, 1250)
    # "1,200 t" to the tonne: [1,199.5, 1,200.5] holds at most 600.3 t of
    # lead. The mass must move 39.3 steps; the grade to 51.64 % (163 steps of
    # 0.01 %); the contained 196 steps of 0.1 t.
    report = check(_pinned('"1,200 t"'))
    sole_culprit(report, "P.mass.pb_conc")
    # the culprit rests on a figure whose trailing zeros were read as printed
    assert report.culprits[0].trailing_zero_figures == ("P.mass.pb_conc",)
    assert report.figure("P.mass.pb_conc").trailing_zeros == 2


def test_trailing_zeros_ambiguous_takes_the_widest_reading():
    # "1,200 t" read to the 100 t, as with step = "100 t"
    report = check(_pinned('"1,200 t"'), trailing_zeros="ambiguous")
    consistent(report)
    assert report.figure("P.mass.pb_conc").interval == (1150, 1250)
    # "620.0 t" has a decimal: its zero is printed precision either way
    assert report.figure("P.contained.Pb").interval == (619.95, 620.05)
    # a pinned step wins over the option
    pinned = _pinned('{ value = "1,200 t", step = "1 t" }')
    sole_culprit(check(pinned, trailing_zeros="ambiguous"), "P.mass.pb_conc")


def test_an_explicit_id_replaces_the_generated_one():
    body = """
[periods.P]
days = 30
[periods.P.streams.pb_conc]
mass = { value = "2,000 t", id = "conc_tonnes" }
Pb = "50.0 %"
[periods.P.contained]
Pb = { value = "2.3 Mlb", in = ["pb_conc"], id = "lead_metal", also = ["2,300 klb"] }
"""
    # as _contained_pb("2.3 Mlb"): the contained figure is the cheapest culprit
    # ("2.3 Mlb" 0.43 steps; "2,300 klb" = [2,299.5, 2,300.5] klb is 92 steps)
    report = check(body)
    ids = {f.id for f in report.figures}
    assert {"conc_tonnes", "lead_metal", "lead_metal.also1"} <= ids
    assert "P.contained.Pb" not in ids
    assert "P.mass.pb_conc" not in ids
    # both printings disagree with 2,000 t x 50.0 %: [2.2019, 2.2074] Mlb;
    # one culprit set must hold both, and no single figure explains it ...
    # except the mass or the grade: 2,299.5 klb = 1,043.0 t needs 52.14 %
    # (20 steps) or 2,088 t (88 steps).
    sole_culprit(report, "P.grade.pb_conc.Pb")
    relation = next(r for r in report.relations if r.kind == "contained")
    assert "conc_tonnes" in relation.figures
    assert "lead_metal" in relation.figures


def test_an_explicit_id_is_still_found_by_a_change():
    body = """
[periods.A]
days = 90
[periods.A.streams.feed]
mass = { value = "1,000 t", id = "tonnes_2011" }
[periods.B]
days = 90
[periods.B.streams.feed]
mass = { value = "1,300 t", id = "tonnes_2012" }
[[changes]]
figure = "mass.feed"
from = "A"
to = "B"
value = "35 %"
"""
    # as test_change_increase_on_mass: "35 %" is 4.4 steps off 30 %
    report = check(body)
    sole_culprit(report, "change.mass.feed.A-B")
    relation = next(r for r in report.relations if r.kind == "change")
    assert set(relation.figures) == {
        "change.mass.feed.A-B",
        "tonnes_2011",
        "tonnes_2012",
    }


# ------------------------------------------------------------ unit pins


def _ounces_per_ton(pin: str | None) -> str:
    units = "" if pin is None else f'[release.units]\n"oz/t" = "{pin}"\n'
    return (
        units
        + """
[periods.P]
days = 30
[periods.P.streams.ore]
mass = "1,000 t"
Ag = "10.0 oz/t"
[periods.P.contained]
Ag = { value = "11,023 oz", in = ["ore"] }
"""
    )


def test_release_units_pin_ounces_per_short_ton():
    # 1,000 t = 1,102.31 short tons x 10.0 oz/st = 11,023 oz; allowed
    # [999.5 / 0.90718474 x 9.95, 1,000.5 / 0.90718474 x 10.05]
    # = [10,962.6, 11,083.6] oz.
    report = check(_ounces_per_ton("troy_ounce / short_ton"))
    consistent(report)
    assert report.figure("P.grade.ore.Ag").unit == "oz/t"
    # read per tonne: 1,000 t x 10.0 oz/t = 10,000 oz, [9,945, 10,055] oz.
    # The grade must reach 11,022.5 / 1,000.5 = 11.02 oz/t (9.7 steps); the
    # mass 11,022.5 / 10.05 = 1,096.8 t (96 steps); the contained 967 steps.
    report = check(_ounces_per_ton("troy_ounce / tonne"))
    sole_culprit(report, "P.grade.ore.Ag")


def test_unpinned_ounces_per_ton_is_refused_naming_the_table():
    with pytest.raises(UnitError, match=r"release\.units"):
        check(_ounces_per_ton(None))


# ---------------------------------------------------------------- statuses


def test_statuses_unchecked_ok_flagged():
    body = (
        _contained_pb("2.3 Mlb")
        + """
[periods.P.streams.ore_mined]
mass = "21,395 t"

[periods.P0]
start = 2011-10-01
end = 2011-12-31
throughput = "245 tpd"
"""
    )
    report = check(body)
    assert report.figure("P.mass.ore_mined").status == "unchecked"
    assert report.figure("P0.throughput").status == "unchecked"
    assert report.figure("P.contained.Pb").status == "flagged"
    # the mass and the grade each explain it too, more dearly: suspect
    assert report.figure("P.grade.pb_conc.Pb").status == "suspect"
    assert report.figure("P.mass.pb_conc").status == "suspect"
    consistent_report = check(body.replace("2.3 Mlb", "2.2 Mlb"))
    assert {f.id: f.status for f in consistent_report.figures} == {
        "P.mass.pb_conc": "ok",
        "P.grade.pb_conc.Pb": "ok",
        "P.contained.Pb": "ok",
        "P.mass.ore_mined": "unchecked",
        "P0.throughput": "unchecked",
    }


# ---------------------------------------------------------------- rounding


def _rounding(contained: str, rounding: str = "") -> str:
    head = f"[release]\nrounding = {rounding!r}\n" if rounding else ""
    return f"""
{head}
[periods.P]
days = 30
[periods.P.streams.pb_conc]
mass = "150 t"
Pb = "60.0 %"
[periods.P.contained]
Pb = {{ value = "{contained}", in = ["pb_conc"] }}
"""


def test_rounding_conventions():
    # 150 t x 60.0 % = 90 t. Lead allowed:
    #   nearest  [149.5 x 0.5995, 150.5 x 0.6005] = [89.63, 90.38]
    #   truncate [150 x 0.600, 151 x 0.601]       = [90.00, 90.75]
    #   either   [149.5 x 0.5995, 151 x 0.601]    = [89.63, 90.75]
    # "91 t":   nearest [90.5, 91.5], truncate [91, 92], either [90.5, 92]
    body = _rounding("91 t")
    assert check(body, rounding="nearest").verdict == "inconsistent"
    assert check(body, rounding="truncate").verdict == "inconsistent"
    consistent(check(body, rounding="either"))
    # "90.7 t": nearest [90.65, 90.75] no; truncate [90.7, 90.8] yes
    body = _rounding("90.7 t")
    assert check(body, rounding="nearest").verdict == "inconsistent"
    consistent(check(body, rounding="truncate"))
    consistent(check(body, rounding="either"))


@pytest.mark.parametrize("rounding", ["nearest", "truncate", "either"])
def test_single_culprit_under_each_rounding(rounding):
    # "91.0 t": nearest [90.95, 91.05] - the mass must reach 90.95 / 0.6005 =
    # 151.46 t (0.96 steps), the grade 60.43 % (3.8), the contained 5.7.
    # truncate [91.0, 91.1] - the mass 91.0 / 0.601 = 151.41 t, 0.41 steps
    # above [150, 151]; the grade 60.26 % (1.6); the contained 2.5.
    # either [90.95, 91.1] - the mass 90.95 / 0.601 = 151.33 t, 0.33 steps.
    sole_culprit(check(_rounding("91.0 t"), rounding=rounding), "P.mass.pb_conc")


def test_the_files_rounding_is_the_default():
    # check_release inserts no [release] here: the file's own head is used
    release = loads_release(_rounding("90.7 t", "truncate"))
    assert release.rounding == "truncate"
    assert check_release(release).verdict == "consistent"
    assert check_release(release, rounding="nearest").verdict == "inconsistent"


# ------------------------------------------------------ relations combined


def test_change_on_an_array_recovery_and_on_throughput():
    # the same recovery to pb_conc (90 %) in A and B: a change of 0 %, allowed
    # [89.44 / 90.56, 90.56 / 89.44] - 1 = [-1.2, +1.3] %.
    body = (
        _recovery().replace("[periods.P", "[periods.A")
        + _recovery().replace("[periods.P", "[periods.B")
        + """
[[changes]]
figure = "recovery.Pb.pb_conc"
from = "A"
to = "B"
value = "0 %"
"""
    )
    report = check(body)
    consistent(report)
    assert report.figure("change.recovery.Pb.pb_conc.A-B").status == "ok"
    # throughput: A 2,900 t / 29 d = 100 t/d (leap February), B 3,190 t / 29 d
    # = 110 t/d: +10 %, allowed about [9.96, 10.04] %.
    feb = "start = 2012-02-01\nend = 2012-02-29"
    body = (
        _throughput(feb, "2,900 t", "100 t/d").replace("[periods.P", "[periods.A")
        + _throughput("days = 29", "3,190 t", "110 t/d").replace(
            "[periods.P", "[periods.B"
        )
        + """
[[changes]]
figure = "throughput"
from = "A"
to = "B"
value = "VALUE"
"""
    )
    consistent(check(body.replace("VALUE", "10 %")))
    # "12 %" = [11.5, 12.5]: itself 1.5 steps; B's mass would need
    # 1.115 x 2,899.5 = 3,233 t (43 steps)
    sole_culprit(check(body.replace("VALUE", "12 %")), "change.throughput.A-B")


def test_throughput_of_a_total_period():
    # YTD feed 3,000 t (sum of the quarters) over 273 d = 10.99 t/d
    body = _ytd().replace(
        "[periods.YTD]\ndays = 273", '[periods.YTD]\ndays = 273\nthroughput = "RATE"'
    )
    consistent(check(body.replace("RATE", "11 t/d")))
    # "12 t/d" = [11.5, 12.5]: 3,001.5 / 273 = 10.99 at most, 0.51 steps off;
    # the YTD mass is a sum of three quarters and cannot move alone.
    sole_culprit(check(body.replace("RATE", "12 t/d")), "YTD.throughput")


def test_a_printed_tail_grade():
    # tail = 1,000 - 150 - 800 = 50 t holding 100 - 90 - 4.8 = 5.2 t of lead:
    # 10.4 %. "2.0 %" of at most 51.5 t is at most 1.04 t of lead, but the
    # feed holds at least 99.45 t and the products at most 90.38 + 5.20 =
    # 95.58 t: the tail holds >= 3.87 t, >= 7.5 % of 51.5 t (over 50 steps;
    # the tail mass would need 3.87 / 0.0205 = 189 t, 139 steps).
    tail = '[periods.P.streams.tail]\nmass = "50 t"\nPb = "GRADE"'
    report = check(_balance(extra=tail.replace("GRADE", "10.4 %")))
    consistent(report)
    balance = next(r for r in report.relations if r.kind == "balance")
    assert "P.grade.tail.Pb" in balance.figures
    report = check(_balance(extra=tail.replace("GRADE", "2.0 %")))
    sole_culprit(report, "P.grade.tail.Pb")


def test_also_on_printed_days():
    body = """
[periods.P]
days = { value = "88", also = ["88 days"] }
day_count = "operating"
throughput = "100.0 tpd"
[periods.P.streams.feed]
mass = "8,800 t"
"""
    report = check(body)
    consistent(report)
    assert report.figure("P.days.also1").status == "ok"
    # "86 days" = [85.5, 86.5] cannot meet "88" = [87.5, 88.5]
    sole_culprit(check(body.replace('"88 days"', '"86 days"')), "P.days.also1")


# --------------------------------------------------------------------- CLI


def _run(tmp_path: Path, body: str, *options: str, capsys) -> tuple[int, dict]:
    path = tmp_path / "release.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    code = main(["check", str(path), "--format", "json", *options])
    return code, json.loads(capsys.readouterr().out)


def test_cli_trailing_zeros_ambiguous(tmp_path, capsys):
    body = _pinned('"1,200 t"')
    code, report = _run(tmp_path, body, capsys=capsys)
    assert code == 1
    assert report["verdict"] == "inconsistent"
    assert report["culprits"][0]["figures"] == ["P.mass.pb_conc"]
    assert report["culprits"][0]["trailing_zero_figures"] == ["P.mass.pb_conc"]
    code, report = _run(tmp_path, body, "--trailing-zeros", "ambiguous", capsys=capsys)
    assert code == 0
    assert report["verdict"] == "consistent"
    assert report["trailing_zeros"] == "ambiguous"
    mass = next(f for f in report["figures"] if f["id"] == "P.mass.pb_conc")
    assert mass["interval"] == [1150, 1250]
    assert mass["status"] == "ok"


def test_cli_max_culprits(tmp_path, capsys):
    # two independent disagreements, each explained by its own contained
    # figure (see the unit tables above): the smallest culprit set has two.
    body = _contained_pb("2.3 Mlb") + _contained_ag("102 koz").replace(
        "[periods.P", "[periods.R"
    )
    code, report = _run(tmp_path, body, capsys=capsys)
    assert code == 1
    assert report["culprits"][0]["figures"] == ["P.contained.Pb", "R.contained.Ag"]
    assert all(len(c["figures"]) == 2 for c in report["culprits"])
    code, report = _run(tmp_path, body, "--max-culprits", "1", capsys=capsys)
    assert code == 1
    assert report["verdict"] == "inconsistent"
    assert report["max_culprits"] == 1
    # the limit is per disagreement: each is explained by one figure, and the
    # release-wide sets combine them
    assert [d["culprits"][0]["figures"] for d in report["disagreements"]] == [
        ["P.contained.Pb"],
        ["R.contained.Ag"],
    ] or [d["culprits"][0]["figures"] for d in report["disagreements"]] == [
        ["R.contained.Ag"],
        ["P.contained.Pb"],
    ]
    assert report["culprits"][0]["figures"] == ["P.contained.Pb", "R.contained.Ag"]
    statuses = {f["id"]: f["status"] for f in report["figures"]}
    assert statuses["P.contained.Pb"] == "flagged"
    assert statuses["R.contained.Ag"] == "flagged"
    code = main(["check", str(tmp_path / "release.toml"), "--max-culprits", "9"])
    assert code == 2
    assert "--max-culprits 9: must be between 1 and 8" in capsys.readouterr().err


def test_cli_rounding_overrides_the_file(tmp_path, capsys):
    # "90.7 t" of 150 t x 60.0 %: consistent truncated, not to the nearest
    path = tmp_path / "release.toml"
    path.write_text(_rounding("90.7 t", "truncate"), encoding="utf-8")
    assert main(["check", str(path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rounding"] == "truncate"
    assert report["verdict"] == "consistent"
    code = main(["check", str(path), "--format", "json", "--rounding", "nearest"])
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    assert report["rounding"] == "nearest"
    assert report["verdict"] == "inconsistent"
    contained = next(f for f in report["figures"] if f["id"] == "P.contained.Pb")
    assert contained["interval"] == [90.65, 90.75]
