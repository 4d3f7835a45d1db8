from __future__ import annotations

import pickle
from decimal import Decimal

import pytest

from massbalance.errors import ReleaseFormatError, UnitError
from massbalance.units import (
    GRADE,
    MASS,
    Q_,
    parse_printed,
    parse_unit,
    to_canonical,
    ureg,
)


@pytest.mark.parametrize(
    ("text", "number", "label", "canonical", "unit"),
    [
        ("21,251 t", "21251", "t", 21251.0, "tonne"),
        ("5,144 g/t", "5144", "g/t", 5144e-6, ""),
        ("11.3 %", "11.3", "%", 0.113, ""),
        ("11.3%", "11.3", "%", 0.113, ""),
        ("4.93 million lb", "4.93", "million lb", 4.93e6 * 0.45359237e-3, "tonne"),
        ("0.58 Moz", "0.58", "Moz", 0.58e6 * 31.1034768e-6, "tonne"),
        ("581,808 ounces", "581808", "ounces", 581808 * 31.1034768e-6, "tonne"),
        ("1,515,960 lb", "1515960", "lb", 1515960 * 0.45359237e-3, "tonne"),
        ("234 t/d", "234", "t/d", 234.0, "tonne/day"),
        ("201 tpd", "201", "tpd", 201.0, "tonne/day"),
        ("40.5 opt", "40.5", "opt", 40.5 * 31.1034768 / 907184.74, ""),
        ("(2.3 %)", "-2.3", "%", -0.023, ""),
        ("-2.3 %", "-2.3", "%", -0.023, ""),
        ("\u22122.3 %", "-2.3", "%", -0.023, ""),
        ("1,200 st", "1200", "st", 1200 * 0.90718474, "tonne"),
        ("12 kt", "12", "kt", 12000.0, "tonne"),
        ("3 Mt", "3", "Mt", 3e6, "tonne"),
        ("250 ppb", "250", "ppb", 250e-9, ""),
        ("88", "88", "", 88.0, ""),
    ],
)
def test_parse_printed_reads_value_unit_and_digits(
    text, number, label, canonical, unit
):
    printed = parse_printed(text)
    assert printed.number == Decimal(number)
    assert printed.unit_label == label
    assert printed.quantity.m_as(unit) == pytest.approx(canonical, rel=1e-12)


def test_silver_ounce_is_troy_not_avoirdupois():
    # 581,808 troy oz = 18.096 t of silver; avoirdupois would be 9.7 % lower
    assert parse_printed("581,808 oz").quantity.m_as("kg") == pytest.approx(
        581808 * 0.0311034768, rel=1e-12
    )


@pytest.mark.parametrize(
    "label", ["ton", "tons", "oz/t", "oz/ton", "oz/T", "Tons", "lb/ton"]
)
def test_ambiguous_units_are_refused_naming_release_units(label):
    with pytest.raises(UnitError, match=r"ambiguous.*\[release\.units\]"):
        parse_printed(f"40.5 {label}", where="2011Q1.grade.feed.Ag")


def test_pinned_unit_is_used():
    unit = parse_unit("oz/T", pins={"oz/T": "troy_ounce / short_ton"})
    assert Q_(1, unit).m_as("g/t") == pytest.approx(34.2857142857, rel=1e-9)


@pytest.mark.parametrize("text", ["", "t", "abc %", "1,23 t", "--5 t"])
def test_unreadable_numbers_raise_release_format_error(text):
    with pytest.raises(ReleaseFormatError, match=r"x\.mass"):
        parse_printed(text, where="x.mass")


def test_unknown_unit_names_the_figure():
    with pytest.raises(UnitError, match=r"x\.mass: unknown unit 'furlongs'"):
        parse_printed("5 furlongs", where="x.mass")


def test_to_canonical_refuses_bare_floats_and_wrong_dimensions():
    with pytest.raises(UnitError, match=r"feed\.mass"):
        to_canonical(5.0, MASS, name="feed.mass")
    with pytest.raises(UnitError, match=r"feed\.mass"):
        to_canonical(Q_(5.0, "%"), MASS, name="feed.mass")
    assert to_canonical(Q_(1, "opt"), GRADE, name="g") == pytest.approx(
        34.2857142857e-6
    )


def test_quantities_pickle_onto_the_one_registry_when_asked():
    import pint

    from massbalance.units import set_as_application_registry

    previous = pint.get_application_registry().get()
    assert previous is not ureg  # importing massbalance changed nothing
    try:
        set_as_application_registry()
        q = pickle.loads(pickle.dumps(Q_(3.0, "tonne")))
        assert q._REGISTRY is ureg
    finally:
        pint.set_application_registry(previous)
    assert pint.get_application_registry().get() is previous


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("0.31 % Cu", "percent", 0.31),
        ("12,500 oz Au", "troy_ounce", 12500),
        ("1.2 g/t Au", "g/t", 1.2),
        ("45 tph", "tonne/hour", 45),
        ("120 t/h", "tonne/hour", 120),
        ("3.5 Mtpa", "megatonne/year", 3.5),
        ("4 ktpd", "kilotonne/day", 4),
        ("4.5 M lbs", "mega_pound", 4.5),
        ("12 pct", "percent", 12),
        ("0.5 oz/tonne", "troy_ounce/tonne", 0.5),
    ],
)
def test_more_spellings_real_releases_use(text, unit, value):
    printed = parse_printed(text)
    assert printed.quantity.m_as(unit) == pytest.approx(value, rel=1e-12)
    assert printed.unit_label == text.split(" ", 1)[1]  # kept as printed


@pytest.mark.parametrize(
    ("text", "number", "label"),
    [
        ("5 600 oz", "5600", "oz"),
        ("71\u00a0000 oz", "71000", "oz"),
        ("12 345.6 t", "12345.6", "t"),
        ("15.7-million pounds", "15.7", "million pounds"),
        ("2.5-million tonnes", "2.5", "million tonnes"),
    ],
)
def test_newspaper_styles_of_printing(text, number, label):
    printed = parse_printed(text, numbers="1 234.5")
    assert printed.number == Decimal(number)
    assert printed.unit_label == label


@pytest.mark.parametrize("text", ["\u2014", "-", "n/a", "nil"])
def test_an_empty_table_cell_is_refused_with_advice(text):
    with pytest.raises(
        ReleaseFormatError, match=r"empty table cell.*leave the figure out"
    ):
        parse_printed(text, where="Q1.mass.feed")
