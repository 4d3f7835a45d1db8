"""Stream: validation, contained metal, blending, splitting, tails, arrays."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from massbalance import Q_, AssayError, InfeasibleError, InputError, Stream, UnitError
from massbalance.streams import tail_by_difference


def seed_pb_conc() -> Stream:
    return Stream(
        name="pb_conc",
        dry_mass=Q_(3376, "t"),
        grades={"Ag": Q_(5144, "g/t"), "Pb": Q_(66, "%")},
    )


def test_contained_silver_in_troy_ounces_and_lead_in_pounds():
    s = seed_pb_conc()
    assert s.contained("Ag").to("troy_ounce").m == pytest.approx(558_334, abs=1)
    assert s.contained("Pb").to("lb").m == pytest.approx(4_912_252, abs=1)


def test_mixed_grade_units_in_one_stream():
    s = Stream(
        name="ore",
        dry_mass=Q_(100, "short_ton"),
        grades={"Ag": Q_(40.5, "opt"), "Pb": Q_(5.6, "%"), "Au": Q_(2, "ppm")},
    )
    # 100 st x 40.5 oz/st = 4050 troy ounces, exactly
    assert s.contained("Ag").to("troy_ounce").m == pytest.approx(4050, rel=1e-12)
    assert s.contained("Pb").to("short_ton").m == pytest.approx(5.6, rel=1e-12)
    assert s.contained("Au").to("g").m == pytest.approx(2 * 90.718474, rel=1e-9)


def test_grade_over_100_percent_names_stream_element_and_value():
    with pytest.raises(AssayError, match=r"pb_conc\.Pb.*120 %.*0-100 %") as info:
        Stream(name="pb_conc", dry_mass=Q_(1, "t"), grades={"Pb": Q_(120, "%")})
    assert info.value.where == "pb_conc.Pb"
    assert info.value.value == "120 %"


def test_negative_grade_raises():
    with pytest.raises(AssayError, match=r"feed\.Zn"):
        Stream(name="feed", dry_mass=Q_(1, "t"), grades={"Zn": Q_(-1, "%")})


def test_negative_mass_names_stream_and_value():
    with pytest.raises(InputError, match=r"tail\.dry_mass.*-5 t") as info:
        Stream(name="tail", dry_mass=Q_(-5, "t"))
    assert not isinstance(info.value, AssayError)


def test_bare_float_mass_raises_unit_error():
    with pytest.raises(UnitError, match=r"feed\.dry_mass.*Quantity"):
        Stream(name="feed", dry_mass=21251.0)  # type: ignore[arg-type]


def test_bare_float_grade_raises_unit_error():
    with pytest.raises(UnitError, match=r"feed\.Ag"):
        Stream(name="feed", dry_mass=Q_(1, "t"), grades={"Ag": 899.0})


def test_grade_of_wrong_dimension_raises_unit_error():
    with pytest.raises(UnitError, match=r"feed\.Ag.*not a grade"):
        Stream(name="feed", dry_mass=Q_(1, "t"), grades={"Ag": Q_(899, "g")})


def test_missing_element_names_stream_and_element():
    with pytest.raises(AssayError, match=r"pb_conc: no assay for element 'Zn'"):
        seed_pb_conc().contained("Zn")


def test_records_are_frozen_and_grades_read_only():
    s = seed_pb_conc()
    with pytest.raises(AttributeError):
        s.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.grades["Zn"] = Q_(1, "%")  # type: ignore[index]
    arr = Stream(name="a", dry_mass=Q_(np.array([1.0, 2.0]), "t"))
    with pytest.raises(ValueError, match="read-only"):
        arr.dry_mass.m[0] = 5


def test_pickle_roundtrip():
    s = pickle.loads(pickle.dumps(seed_pb_conc()))
    assert s.contained("Pb").m_as("t") == pytest.approx(2228.16)


def test_moisture_and_wet_mass():
    s = Stream.from_wet(
        name="pb_conc", wet_mass=Q_(1000, "t"), moisture=Q_(8.1, "%"), grades={}
    )
    assert s.dry_mass.m_as("t") == pytest.approx(919.0)
    assert s.wet_mass.m_as("t") == pytest.approx(1000.0)
    with pytest.raises(InputError, match="no solids"):
        Stream(name="x", dry_mass=Q_(1, "t"), moisture=Q_(100, "%"))


def test_blend_is_mass_weighted_and_conserves_metal():
    a = Stream(name="a", dry_mass=Q_(1, "t"), grades={"Cu": Q_(1, "%")})
    b = Stream(name="b", dry_mass=Q_(3, "t"), grades={"Cu": Q_(30000, "g/t")})
    ab = a + b
    assert ab.name == "a+b"
    assert ab.grade("Cu").m_as("") == pytest.approx(0.025)
    assert ab.contained("Cu").m_as("t") == pytest.approx(0.1)


def test_blend_with_missing_element_raises():
    a = Stream(name="a", dry_mass=Q_(1, "t"), grades={"Cu": Q_(1, "%")})
    b = Stream(name="b", dry_mass=Q_(3, "t"), grades={"Zn": Q_(3, "%")})
    with pytest.raises(AssayError, match="no assay for element"):
        Stream.blend([a, b], name="ab")


def test_split_keeps_grades_and_checks_fractions():
    parts = seed_pb_conc().split({"x": Q_(25, "%"), "y": Q_(0.75, "")})
    assert [p.dry_mass.m_as("t") for p in parts] == pytest.approx([844, 2532])
    with pytest.raises(InputError, match="sum to 90 %"):
        seed_pb_conc().split({"x": Q_(40, "%"), "y": Q_(50, "%")})


def test_arrays_broadcast_one_stream_many_scenarios():
    s = Stream(
        name="ore",
        dry_mass=Q_(np.array([1.0, 2.0, 3.0]), "t"),
        grades={"Cu": Q_(1, "%")},
    )
    assert s.shape == (3,)
    np.testing.assert_allclose(s.contained("Cu").m_as("t"), [0.01, 0.02, 0.03])
    with pytest.raises(ValueError, match=r"broadcast|shape"):
        Stream(
            name="bad",
            dry_mass=Q_(np.ones(3), "t"),
            grades={"Cu": Q_(np.ones(2), "%")},
        )


def test_tail_by_difference_closes_the_balance():
    feed = Stream(
        name="feed",
        dry_mass=Q_(21251, "t"),
        grades={"Pb": Q_(11.3, "%"), "Ag": Q_(899, "g/t")},
    )
    conc = seed_pb_conc()
    tail = tail_by_difference(feed, [conc])
    for e in ("Pb", "Ag"):
        total = conc.contained(e) + tail.contained(e)
        assert total.m_as("t") == pytest.approx(feed.contained(e).m_as("t"), rel=1e-12)


def test_negative_tail_mass_by_difference_is_infeasible():
    feed = Stream(name="feed", dry_mass=Q_(1000, "t"), grades={"Pb": Q_(10, "%")})
    conc = Stream(name="pb_conc", dry_mass=Q_(1200, "t"), grades={"Pb": Q_(5, "%")})
    with pytest.raises(InfeasibleError, match=r"tail mass.*-200 t") as info:
        tail_by_difference(feed, [conc])
    assert info.value.where == "tail.dry_mass"


def test_negative_tail_grade_by_difference_names_element():
    feed = Stream(name="feed", dry_mass=Q_(1000, "t"), grades={"Pb": Q_(1, "%")})
    conc = Stream(name="pb_conc", dry_mass=Q_(100, "t"), grades={"Pb": Q_(66, "%")})
    with pytest.raises(InfeasibleError, match=r"tail\.Pb.*negative") as info:
        tail_by_difference(feed, [conc])
    assert info.value.where == "tail.Pb"


def test_tail_by_difference_product_missing_feed_element():
    feed = Stream(name="feed", dry_mass=Q_(1000, "t"), grades={"Pb": Q_(10, "%")})
    conc = Stream(name="zn_conc", dry_mass=Q_(100, "t"), grades={"Zn": Q_(50, "%")})
    with pytest.raises(AssayError, match="zn_conc: no assay for element 'Pb'"):
        tail_by_difference(feed, [conc])
