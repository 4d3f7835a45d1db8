"""Laws of the explanations ``unit``, ``other_column`` and ``printed_parts``.

Each release is printed from known true values, then one figure is printed
the wrong way (a mass in short tons labelled tonnes, a contained metal
computed with another quarter's grade, a % change computed from the rounded
printed figures). The check must report the planted explanation, and (law
e) the explanation must admit a verified witness found independently: the
release printed the way the explanation says is checked afresh and is
consistent, which the check only says with a witness verified by
substitution.
"""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from massbalance.io import loads_release
from massbalance.release import Explanation, check_release
from massbalance.testing.releases import synthetic_release

HEAD = """
[release]
issuer = "Test Mining Ltd."
title = "Generated"
date = 2020-01-01
"""
SHORT_TON = 0.90718474  # t


def _quarter(pid: str, mass: str, grade: str, contained: str) -> str:
    return f"""
[periods.{pid}]
days = 91
[periods.{pid}.streams.conc]
mass = "{mass}"
Pb = "{grade}"
[periods.{pid}.contained]
Pb = {{ value = "{contained}", in = ["conc"] }}
"""


def _found(text: str, kind: str) -> list[Explanation]:
    report = check_release(loads_release(text))
    assert report.verdict == "inconsistent"
    return [e for d in report.disagreements for e in d.explanations if e.kind == kind]


# A mass of 20,000-99,999 t printed as its short tons (10.2 % more) with a
# grade of 2.00-20.00 % and a contained metal of >= 400 t, each to its last
# digit: read as tonnes the mass is 10 % too large for the contained metal
# (>= 40 t off, where rounding allows < 2 t), read as short tons it fits.
@settings(max_examples=300, deadline=None)
@given(st.integers(20_000, 99_999), st.integers(200, 2_000))
def test_a_mass_printed_in_short_tons_is_explained_by_unit(tonnes, hundredths):
    grade = hundredths / 100.0
    short = round(tonnes / SHORT_TON)
    contained = round(tonnes * grade / 100.0)
    g = f"{grade:.2f} %"
    text = HEAD + _quarter("P", f"{short:,} t", g, f"{contained:,} t")
    hits = [e for e in _found(text, "unit") if e.figures == ("P.mass.conc",)]
    assert len(hits) == 1
    assert "short tons" in hits[0].detail
    # (e) read in short tons, the release holds: a verified witness
    again = HEAD + _quarter("P", f"{short:,} short tons", g, f"{contained:,} t")
    assert check_release(loads_release(again)).verdict == "consistent"


# P1's grade a and P2's grade b (50.0-89.9 %, one decimal) differ by at least
# 5 points; P2's contained metal is computed with P1's grade. P2's mass and
# contained (>= 5,000 t, to 1 t) pin the grade used to within 0.02 points,
# inside P1's printed [a - 0.05, a + 0.05] %; P1's is the only other Pb grade.
@settings(max_examples=300, deadline=None)
@given(
    st.integers(10_000, 60_000),
    st.integers(10_000, 60_000),
    st.integers(500, 899),
    st.integers(500, 899),
)
def test_a_grade_copied_across_is_explained_by_other_column(m1, m2, a, b):
    assume(abs(a - b) >= 50)
    ga, gb = a / 10.0, b / 10.0
    c1, c2 = round(m1 * ga / 100.0), round(m2 * ga / 100.0)
    p1 = _quarter("P1", f"{m1:,} t", f"{ga:.1f} %", f"{c1:,} t")
    text = HEAD + p1 + _quarter("P2", f"{m2:,} t", f"{gb:.1f} %", f"{c2:,} t")
    hits = [
        e for e in _found(text, "other_column") if e.figures == ("P2.grade.conc.Pb",)
    ]
    assert [e.detail for e in hits] == [("P1.grade.conc.Pb",)]
    # (e) with P2's grade read as P1's printed grade, the release holds
    again = HEAD + p1 + _quarter("P2", f"{m2:,} t", f"{ga:.1f} %", f"{c2:,} t")
    assert check_release(loads_release(again)).verdict == "consistent"


# Two quarters of 10,000-50,000 t at 5.00-30.00 % Pb print their contained
# metal to 0.1 kt; the % change printed to 0.1 % is the change of those
# printed figures. Masses and grades pin the true change to within about
# 0.3 points; examples where the two changes are within 1 point are left out.
@settings(max_examples=300, deadline=None)
@given(
    st.integers(10_000, 50_000),
    st.integers(500, 3_000),
    st.integers(500, 3_000),
)
def test_a_change_of_the_printed_figures_is_explained_by_printed_parts(mass, h1, h2):
    g1, g2 = h1 / 100.0, h2 / 100.0
    k1, k2 = round(mass * g1 / 100_000.0, 1), round(mass * g2 / 100_000.0, 1)
    printed = round((k2 / k1 - 1.0) * 100.0, 1)
    true = (g2 / g1 - 1.0) * 100.0
    assume(abs(printed - true) > 1.0)
    body = (
        HEAD
        + _quarter("P1", f"{mass:,} t", f"{g1:.2f} %", f"{k1:.1f} kt")
        + _quarter("P2", f"{mass:,} t", f"{g2:.2f} %", f"{k2:.1f} kt")
    )
    text = (
        body
        + f"""
[[changes]]
figure = "contained.Pb"
from = "P1"
to = "P2"
value = "{printed:.1f}%"
"""
    )
    hits = _found(text, "printed_parts")
    assert [e.figures[0] for e in hits] == ["change.contained.Pb.P1-P2"]
    assert set(hits[0].figures[1:]) == {"P1.contained.Pb", "P2.contained.Pb"}
    # the value is the change of the printed figures, which prints as printed
    assert abs(float(hits[0].detail[0]) - (k2 / k1 - 1.0) * 100.0) < 1e-6
    # (e) without the change, read as a function of the printings, it holds
    assert check_release(loads_release(body)).verdict == "consistent"


def test_slips_and_copies_rarely_fit_a_fault_that_is_neither():
    # One mass or contained figure of a generated quarter moved by 8-20 %: not
    # a slip of the pen and not a copy, so a `digit` or `other_column` found
    # fits by chance. Reporting them only when a single candidate falls in
    # the implied range keeps that rare: 10 of the 200 seeds 0-199 (5 %)
    # when this was written; 100 seeds must stay at or below 10 %.
    chance = 0
    for seed in range(100):
        generated, _ = synthetic_release(n_periods=1, seed=seed, errors=1)
        report = check_release(loads_release(generated.text))
        assert report.verdict == "inconsistent"
        chance += any(
            e.kind in ("digit", "other_column")
            for d in report.disagreements
            for e in d.explanations
        )
    assert chance <= 10


def _equivalent_quarter(p: str, ag: int, pb: int, eq: str, price: str) -> str:
    return f"""
[periods.{p}]
days = 91
[periods.{p}.streams.pb_conc]
mass = "5,000 t"
[periods.{p}.contained]
Ag = {{ value = "{ag:,} oz", in = ["pb_conc"] }}
Pb = {{ value = "{pb:,} lb", in = ["pb_conc"] }}
[periods.{p}.equivalent.AgEq]
value = "{eq}"
prices = {{ Ag = "{price}", Pb = "1.000 USD/lb" }}
"""


# Two quarters with 50,000-150,000 oz Ag and 0.5-2.0 Mlb Pb at Ag prices of
# 15.00-35.00 USD/oz and 1.000 USD/lb; the half-year prices Ag at the mean of
# the two. Its equivalent is printed in koz as the sum of the quarters'
# (each to 1 oz). Examples are kept where that sum is more than 1.5 koz from
# the half-year's own equivalent (so 1 koz rounding cannot hide it) and more
# than 20 oz from a rounding edge (the parts' printings move it by <= 1 oz).
@settings(max_examples=20, deadline=None)  # about 1-2 s each: a full culprit search
@given(
    st.integers(50_000, 150_000),
    st.integers(50_000, 150_000),
    st.integers(500_000, 2_000_000),
    st.integers(500_000, 2_000_000),
    st.integers(1_500, 3_500),
    st.integers(1_500, 3_500),
)
def test_a_total_equivalent_summed_from_its_parts_is_equivalent_of_parts(
    a1, a2, p1, p2, c1, c2
):
    s1, s2 = c1 / 100.0, c2 / 100.0
    sh = round((s1 + s2) / 2.0, 2)
    e1, e2 = round(a1 + p1 / s1), round(a2 + p2 / s2)
    own = a1 + a2 + (p1 + p2) / sh
    total = e1 + e2
    assume(abs(total - own) > 1_500)
    assume(abs(total / 1000.0 - round(total / 1000.0)) < 0.48)
    text = (
        HEAD
        + _equivalent_quarter("Q1", a1, p1, f"{e1:,} oz", f"{s1:.2f} USD/oz")
        + _equivalent_quarter("Q2", a2, p2, f"{e2:,} oz", f"{s2:.2f} USD/oz")
        + f"""
[periods.H1]
days = 182
[periods.H1.streams.pb_conc]
[periods.H1.contained]
Ag = {{ value = "{a1 + a2:,} oz", in = ["pb_conc"] }}
Pb = {{ value = "{p1 + p2:,} lb", in = ["pb_conc"] }}
[periods.H1.equivalent.AgEq]
value = "{round(total / 1000.0)} koz"
prices = {{ Ag = "{sh:.2f} USD/oz", Pb = "1.000 USD/lb" }}

[[totals]]
total = "H1"
parts = ["Q1", "Q2"]
"""
    )
    hits = [
        e
        for e in _found(text, "equivalent_of_parts")
        if e.figures == ("H1.equivalent.AgEq",)
    ]
    assert [e.detail for e in hits] == [("sum", "Q1", "Q2")]
