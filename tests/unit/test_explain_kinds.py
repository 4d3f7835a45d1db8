"""The explanation kinds ``other_column``, ``unit`` and ``printed_parts`` on
small hand-made releases where the explanation is the truth.

Each release is printed from known true values (arithmetic in the comments),
then one figure is computed the wrong way; the check must find the
disagreement and report the explanation, which it does only with a verified
witness.
"""

from __future__ import annotations

from massbalance.io import loads_release
from massbalance.release import Explanation, check_release

HEAD = """
[release]
issuer = "Test Mining Ltd."
title = "Hand-made"
date = 2020-01-01
"""


def _quarter(
    pid: str, mass: str, grade: str, contained: str, element: str = "Pb"
) -> str:
    return f"""
[periods.{pid}]
days = 91
[periods.{pid}.streams.conc]
mass = "{mass}"
{element} = "{grade}"
[periods.{pid}.contained]
{element} = {{ value = "{contained}", in = ["conc"] }}
"""


def _explanations(text: str, kind: str) -> list[Explanation]:
    report = check_release(loads_release(text))
    assert report.verdict == "inconsistent"
    return [e for d in report.disagreements for e in d.explanations if e.kind == kind]


def test_a_grade_copied_across_from_another_quarter_is_other_column():
    # P1: 11,000 t at 50.0 % Pb = 5,500 t Pb, printed as such.
    # P2: 12,000 t at 63.7 % Pb = 7,644 t, but its contained was computed with
    # P1's grade: 12,000 x 50.0 % = 6,000 t. P2's printed mass and contained
    # imply a grade in [5,999.5 / 12,000.5, 6,000.5 / 11,999.5] = [49.994,
    # 50.006] %; the only Pb grade printed elsewhere in that range is P1's
    # 50.0 % ([49.95, 50.05] %).
    text = (
        HEAD
        + _quarter("P1", "11,000 t", "50.0 %", "5,500 t")
        + _quarter("P2", "12,000 t", "63.7 %", "6,000 t")
    )
    found = _explanations(text, "other_column")
    assert [(e.figures, e.detail) for e in found] == [
        (("P2.grade.conc.Pb",), ("P1.grade.conc.Pb",))
    ]


def test_a_grade_equal_to_no_other_printed_grade_is_not_other_column():
    # the same, with P1's grade 51.0 % ([50.95, 51.05] %): no printed grade
    # falls in [49.994, 50.006] %, so no value copied across fits.
    text = (
        HEAD
        + _quarter("P1", "11,000 t", "51.0 %", "5,610 t")
        + _quarter("P2", "12,000 t", "63.7 %", "6,000 t")
    )
    assert _explanations(text, "other_column") == []


def test_silver_in_avoirdupois_ounces_is_unit():
    # 10,000 t at 100 g/t Ag = 1,000,000 g = 32,150.7 troy oz, but printed as
    # 1,000,000 / 28.349523 = 35,274 (avoirdupois) oz. Read as troy ounces,
    # [35,273.5, 35,274.5] oz x 31.103 g = [1,097.1, 1,097.2] kg, outside the
    # [994.95, 1,005.05] kg that [9,999.5, 10,000.5] t x [99.5, 100.5] g/t
    # allow; read as avoirdupois, x 28.3495 g = [999.98, 1,000.01] kg fits.
    text = HEAD + _quarter("P", "10,000 t", "100 g/t", "35,274 oz", element="Ag")
    found = _explanations(text, "unit")
    assert [(e.figures, e.detail) for e in found] == [
        (("P.contained.Ag",), ("avoirdupois ounces",))
    ]


def test_a_mass_in_short_tons_is_unit():
    # 20,000 t at 5.00 % Pb = 1,000 t Pb, but the mass was printed in short
    # tons: 20,000 / 0.90718474 = 22,046 st, printed as "22,046 t". Read as
    # tonnes, 22,046 t x [4.995, 5.005] % = [1,101, 1,104] t, which cannot
    # print as 1,000 t; read as short tons, [22,045.5, 22,046.5] x 0.907185 =
    # [19,999.5, 20,000.4] t fits.
    text = HEAD + _quarter("P", "22,046 t", "5.00 %", "1,000 t")
    found = _explanations(text, "unit")
    assert ("P.mass.conc",) in [e.figures for e in found]
    hit = next(e for e in found if e.figures == ("P.mass.conc",))
    assert hit.detail == ("short tons",)


CHANGE = (
    HEAD
    + _quarter("P1", "10,000 t", "12.40 %", "1.2 kt")
    + _quarter("P2", "10,000 t", "14.60 %", "1.5 kt")
    + """
[[changes]]
figure = "contained.Pb"
from = "P1"
to = "P2"
value = "25.0%"
"""
)


def test_a_change_computed_from_the_printed_figures_is_printed_parts():
    # P1: 10,000 t at 12.40 % Pb = 1,240 t Pb, printed "1.2 kt";
    # P2: 10,000 t at 14.60 % Pb = 1,460 t Pb, printed "1.5 kt".
    # The true change is 1,460 / 1,240 - 1 = 17.74 % (masses and grades pin it
    # to [1,459.4 / 1,240.6, 1,460.6 / 1,239.4] - 1 = [17.64, 17.85] %), but
    # the release prints the change of the printed figures: 1.5 / 1.2 - 1 =
    # 25.0 %.
    found = _explanations(CHANGE, "printed_parts")
    assert len(found) == 1
    (hit,) = found
    assert hit.figures[0] == "change.contained.Pb.P1-P2"
    assert set(hit.figures[1:]) == {"P1.contained.Pb", "P2.contained.Pb"}
    assert abs(float(hit.detail[0]) - 25.0) < 1e-9


def _equivalent_release(h1: str) -> str:
    def quarter(p: str, ag: str, pb: str, eq: str, price: str) -> str:
        return f"""
[periods.{p}]
days = 91
[periods.{p}.streams.pb_conc]
mass = "5,000 t"
[periods.{p}.contained]
Ag = {{ value = "{ag}", in = ["pb_conc"] }}
Pb = {{ value = "{pb}", in = ["pb_conc"] }}
[periods.{p}.equivalent.AgEq]
value = "{eq}"
prices = {{ Ag = "{price}", Pb = "1.000 USD/lb" }}
"""

    # Q1: 101,234 oz + 1,012,345 lb x 1.000 / 20.00 = 151,851 oz AgEq;
    # Q2: 98,766 oz + 987,655 lb x 1.000 / 25.00 = 138,272 oz AgEq;
    # H1 = Q1 + Q2: 200,000 oz + 2,000,000 lb x 1.000 / 22.50 = 288,889 oz,
    # printed "289 koz" when right.
    return (
        HEAD
        + quarter("Q1", "101,234 oz", "1,012,345 lb", "151,851 oz", "20.00 USD/oz")
        + quarter("Q2", "98,766 oz", "987,655 lb", "138,272 oz", "25.00 USD/oz")
        + f"""
[periods.H1]
days = 182
[periods.H1.streams.pb_conc]
[periods.H1.contained]
Ag = {{ value = "200,000 oz", in = ["pb_conc"] }}
Pb = {{ value = "2,000,000 lb", in = ["pb_conc"] }}
[periods.H1.equivalent.AgEq]
value = "{h1}"
prices = {{ Ag = "22.50 USD/oz", Pb = "1.000 USD/lb" }}

[[totals]]
total = "H1"
parts = ["Q1", "Q2"]
"""
    )


def test_a_total_equivalent_summed_from_its_parts_is_equivalent_of_parts():
    # 151,851 + 138,272 = 290,123 oz, printed "290 koz": the parts' sum, not
    # the 288,889 oz of the six months' ounces at the six months' prices.
    found = _explanations(_equivalent_release("290 koz"), "equivalent_of_parts")
    assert [(e.figures, e.detail) for e in found] == [
        (("H1.equivalent.AgEq",), ("sum", "Q1", "Q2"))
    ]


def test_a_total_equivalent_at_another_periods_prices_is_equivalent_of_parts():
    # at Q1's prices: 200,000 + 2,000,000 x 1.000 / 20.00 = 300,000 oz,
    # printed "300 koz" (at Q2's, 280,000 oz; the parts' sum is 290,123 oz).
    found = _explanations(_equivalent_release("300 koz"), "equivalent_of_parts")
    assert [(e.figures, e.detail) for e in found] == [
        (("H1.equivalent.AgEq",), ("prices", "Q1"))
    ]


def test_a_right_total_equivalent_has_no_explanation():
    report = check_release(loads_release(_equivalent_release("289 koz")))
    assert report.verdict == "consistent"
    assert report.disagreements == ()


_CASES = {
    "other_column": (
        HEAD
        + _quarter("P1", "11,000 t", "50.0 %", "5,500 t")
        + _quarter("P2", "12,000 t", "63.7 %", "6,000 t"),
        "P1.grade.conc.Pb (50.0 %), the same quantity for another period",
    ),
    "unit": (
        HEAD + _quarter("P", "10,000 t", "100 g/t", "35,274 oz", element="Ag"),
        "P.contained.Ag (35,274 oz) fits if it was read in avoirdupois ounces",
    ),
    "printed_parts": (
        CHANGE,
        "change.contained.Pb.P1-P2 (25.0%) is 25.00 % computed from the printed",
    ),
    "equivalent_of_parts": (
        _equivalent_release("290 koz"),
        "fits as the sum of the equivalents of Q1 and Q2",
    ),
}


def test_each_new_kind_is_written_out_in_every_report_format():
    import json

    from massbalance.report import check_html, render_check

    for kind, (text, sentence) in _CASES.items():
        report = check_release(loads_release(text))
        entries = [
            e
            for d in json.loads(render_check(report, "json"))["disagreements"]
            for e in d["explanations"]
            if e["kind"] == kind
        ]
        assert entries, kind
        assert set(entries[0]) >= {"kind", "figures", "detail", "text"}
        assert sentence in entries[0]["text"]
        plain = " ".join(render_check(report, "text").split())
        assert sentence in plain
        assert sentence.split(" (")[0] in check_html(report)
