"""Quantities from other pint registries, trap units, and the conversion cache."""

from __future__ import annotations

import contextlib
import pickle

import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st

import massbalance as mb
from massbalance import Q_, Stream, UnitError
from massbalance.solve import n_product
from massbalance.units import conversion_factor, on_registry, ureg

FOREIGN = pint.UnitRegistry()
REDEFINED = pint.UnitRegistry()
REDEFINED.define("ppm = 2e-6")  # a planning script's own (wrong) ppm

# Units a planning script might use: some both registries define alike, some
# only massbalance defines, some defined differently, some nonsense for a grade.
GRADE_UNITS = ["percent", "g/t", "ppm", "gram / metric_ton", "opt", "kg/t", "ppb"]
MASS_UNITS = ["t", "kg", "short_ton", "lb", "ton", "kilotonne", "tonne", "Mt"]


def test_a_foreign_quantity_is_converted_through_its_unit_string():
    s = Stream(
        name="ore",
        dry_mass=FOREIGN.Quantity(1000.0, "kg"),
        grades={"Au": FOREIGN.Quantity(2.5, "g/t")},
    )
    assert s.contained("Au").m_as("g") == pytest.approx(2.5)
    assert s.dry_mass._REGISTRY is FOREIGN  # kept as given, read through ureg


def test_a_unit_unknown_or_defined_differently_is_refused_naming_the_registry():
    other = pint.UnitRegistry()
    other.define("skip_load = 12 * tonne")
    with pytest.raises(UnitError, match="another pint registry"):
        on_registry(other.Quantity(3, "skip_load"), name="ore.dry_mass")
    with pytest.raises(UnitError, match=r"ore\.dry_mass"):
        Stream(name="ore", dry_mass=other.Quantity(3, "skip_load"))
    redefined = pint.UnitRegistry()
    redefined.define("opt = 2 * gram / tonne")
    with pytest.raises(UnitError, match=r"massbalance\.ureg"):
        Stream(
            name="ore", dry_mass=Q_(1, "t"), grades={"Ag": redefined.Quantity(1, "opt")}
        )


def test_importing_massbalance_leaves_the_application_registry_alone():
    assert pint.get_application_registry().get() is not ureg


def test_an_unpickled_stream_comes_back_on_ureg():
    s = Stream(name="c", dry_mass=Q_(3, "short_ton"), grades={"Ag": Q_(40, "opt")})
    back = pickle.loads(pickle.dumps(s))
    assert back.dry_mass._REGISTRY is ureg
    assert back.contained("Ag").m_as("troy_ounce") == pytest.approx(120)


@given(
    unit=st.sampled_from(GRADE_UNITS + MASS_UNITS),
    value=st.floats(0.0, 0.9),
    registry=st.sampled_from(["default", "redefined"]),
)
def test_foreign_quantity_works_or_fails_cleanly_and_the_next_call_still_works(
    unit, value, registry
):
    other = FOREIGN if registry == "default" else REDEFINED
    try:
        q = other.Quantity(value, unit)
    except pint.errors.PintError:
        return  # the foreign registry does not know the unit: nothing to pass
    with contextlib.suppress(UnitError, mb.AssayError):
        Stream(name="ore", dry_mass=Q_(1, "t"), grades={"Cu": q})
    with contextlib.suppress(UnitError, mb.InputError):
        Stream(name="ore", dry_mass=q, grades={})
    with contextlib.suppress(UnitError, pint.DimensionalityError):
        conversion_factor(q.units, ureg.tonne)
    # the application registry still works, with the same units
    own = Q_(value, unit)
    s = Stream(name="ore", dry_mass=Q_(100, "t"), grades={"Cu": Q_(1, "%")})
    assert s.contained("Cu").m_as("t") == pytest.approx(1.0)
    if own.dimensionless:
        expected = own.m_as("")
        try:
            stream = Stream(name="ore", dry_mass=Q_(1, "kg"), grades={"Cu": own})
        except mb.AssayError:
            return
        assert stream.contained("Cu").m_as("kg") == pytest.approx(expected)
        r = n_product({"Cu": Q_(1, "%")}, {"c": {"Cu": Q_(20, "%")}, "t": {"Cu": own}})
        assert r.splits.shape == (2,)


@pytest.mark.parametrize(
    ("kwargs", "spelling"),
    [
        ({"dry_mass": Q_(1000, "ton")}, "short_ton"),
        ({"dry_mass": Q_(1000, "tons")}, "tonne"),
        ({"grades": {"Au": Q_(0.1, "oz/ton")}}, "opt"),
        ({"grades": {"Cu": Q_(0.1, "oz/ton")}}, "troy_ounce / tonne"),
        ({"grades": {"Ag": Q_(3, "oz/tonne")}}, "troy_ounce"),
        ({"grades": {"AuEq": Q_(3, "oz/tonne")}}, "troy_ounce"),
        ({"grades": {"Pt": Q_(3, "oz/short_ton")}}, "opt"),
    ],
)
def test_trap_units_are_refused_with_the_spelling_to_use(kwargs, spelling):
    args = {"name": "ore", "dry_mass": Q_(1000, "short_ton"), "grades": {}} | kwargs
    with pytest.raises(UnitError, match=spelling) as info:
        Stream(**args)
    assert "ore." in str(info.value)


def test_the_issue_case_is_refused_and_the_safe_spelling_gives_100_troy_oz():
    with pytest.raises(UnitError, match="opt"):
        Stream(
            name="ore", dry_mass=Q_(1000, "short_ton"), grades={"Au": Q_(0.1, "oz/ton")}
        )
    ore = Stream(
        name="ore", dry_mass=Q_(1000, "short_ton"), grades={"Au": Q_(0.1, "opt")}
    )
    assert ore.contained("Au").m_as("troy_ounce") == pytest.approx(100.0)


def test_avoirdupois_ounces_are_fine_for_a_base_metal_grade_but_not_contained_gold():
    s = Stream(
        name="ore",
        dry_mass=Q_(1, "short_ton"),
        grades={"Cu": Q_(8, "oz/short_ton"), "Au": Q_(1, "opt")},
    )
    assert s.contained("Cu", "lb").m == pytest.approx(0.5)
    with pytest.raises(UnitError, match="troy_ounce"):
        s.contained("Au", "oz")
    assert s.contained("Au", "troy_ounce").m == pytest.approx(1.0)


def test_contained_reports_in_the_industry_unit():
    s = Stream(
        name="conc",
        dry_mass=Q_(3376, "t"),
        grades={"Ag": Q_(5144, "g/t"), "Pb": Q_(66, "%"), "Au": Q_(1, "g/t")},
    )
    assert s.contained("Ag").units == ureg.troy_ounce
    assert s.contained("Au").units == ureg.troy_ounce
    assert s.contained("Pb").units == ureg.tonne
    assert s.contained("Pb", base="lb").units == ureg.pound
    assert s.contained("Ag").m == pytest.approx(558_334, abs=1)
    assert s.contained("Pb", base="lb").m == pytest.approx(4_912_252, abs=1)
    assert s.contained("Pb", "kg").m == pytest.approx(2_228_160)
    with pytest.raises(UnitError, match="ton"):
        s.contained("Pb", "ton")


def test_reconciliation_measurements_from_a_foreign_registry_and_traps():
    from massbalance import Flowsheet, Measured, reconcile

    fs = Flowsheet({"cell": (["feed"], ["conc", "tail"])}, elements=["Au"])
    rel = Q_(2, "%")

    def measurements(feed_mass, conc_grade):
        return {
            "feed": {
                "mass": Measured(feed_mass, rsd=rel),
                "Au": Measured(Q_(2.0, "g/t"), rsd=rel),
            },
            "conc": {"Au": Measured(conc_grade, rsd=rel)},
            "tail": {"Au": Measured(Q_(0.2, "g/t"), rsd=rel)},
        }

    ours = reconcile(fs, measurements(Q_(1000.0, "t"), Q_(40.0, "g/t")))
    theirs = reconcile(
        fs,
        measurements(FOREIGN.Quantity(1000.0, "tonne"), FOREIGN.Quantity(40.0, "g/t")),
    )
    assert theirs.adjusted == pytest.approx(ours.adjusted, rel=1e-12)
    with pytest.raises(UnitError, match="short_ton"):
        reconcile(fs, measurements(Q_(1000.0, "ton"), Q_(40.0, "g/t")))
    with pytest.raises(UnitError, match="troy_ounce"):
        reconcile(fs, measurements(Q_(1000.0, "t"), Q_(1.2, "ounce / tonne")))
