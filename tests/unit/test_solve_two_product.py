"""solve.two_product: formula, errors, SDs, arrays, the deprecated call form."""

from __future__ import annotations

import numpy as np
import pytest

from massbalance import (
    Q_,
    AssayError,
    DegenerateError,
    InfeasibleError,
    Stream,
    UnitError,
)
from massbalance.solve import BalanceResult, two_product


def pb(value: object, unit: str = "%") -> dict[str, object]:
    return {"Pb": Q_(value, unit)}


def test_style_guide_example():
    r = two_product(pb(5), pb(60), pb(0.5))
    assert isinstance(r, BalanceResult)
    assert r.products == ("conc", "tail")
    assert r.mass_pull.m_as("") == pytest.approx(4.5 / 59.5)
    assert r.recovery_of("Pb", "conc").m_as("") == pytest.approx(60 * 4.5 / (5 * 59.5))
    assert r.recovery.shape == (1, 2)
    assert r.recovery.m_as("").sum() == pytest.approx(1.0)
    assert r.tail_split.m_as("") == pytest.approx(1 - 4.5 / 59.5)
    assert r.ratio_of_concentration[0].m_as("") == pytest.approx(59.5 / 4.5)
    assert r.enrichment_ratio[0, 0].m_as("") == pytest.approx(12)


def test_streams_name_the_products_and_give_masses():
    feed = Stream(name="feed", dry_mass=Q_(1000, "t"), grades=pb(5))
    conc = Stream(name="pb_conc", dry_mass=Q_(0, "t"), grades=pb(60))
    tail = Stream(name="pb_tail", dry_mass=Q_(0, "t"), grades=pb(0.5))
    r = two_product(feed, conc, tail)
    assert r.products == ("pb_conc", "pb_tail")
    assert r.masses(feed)["pb_conc"].m_as("t") == pytest.approx(1000 * 4.5 / 59.5)
    assert r.distribution()["Pb"]["pb_conc"].m_as("") == pytest.approx(
        60 * 4.5 / (5 * 59.5)
    )
    assert r.grades["pb_conc"]["Pb"].m_as("%") == pytest.approx(60)


def test_units_are_free_within_one_call():
    a = two_product(
        {"Ag": Q_(899, "g/t")}, {"Ag": Q_(0.005144, "")}, {"Ag": Q_(50, "ppm")}
    )
    b = two_product(
        {"Ag": Q_(0.0899, "%")}, {"Ag": Q_(5144, "g/t")}, {"Ag": Q_(0.005, "%")}
    )
    assert a.mass_pull.m_as("") == pytest.approx(b.mass_pull.m_as(""), rel=1e-12)


def test_conc_equal_tail_is_degenerate():
    with pytest.raises(DegenerateError, match=r"Pb grade of conc equals tail.*3\.1 %"):
        two_product(pb(5), pb(3.1), pb(3.1))


def test_conc_equal_tail_in_one_scenario_is_named():
    with pytest.raises(DegenerateError, match="scenario 1"):
        two_product(pb(5), pb([60, 3.1]), pb(3.1))


def test_feed_outside_conc_and_tail_is_infeasible():
    with pytest.raises(InfeasibleError, match=r"split to conc is 116.807 %"):
        two_product(pb(70), pb(60), pb(0.5))


def test_bare_float_raises_unit_error():
    with pytest.raises(UnitError, match=r"feed\.Pb"):
        two_product({"Pb": 5.0}, pb(60), pb(0.5))  # type: ignore[dict-item]


def test_grade_over_100_percent_raises():
    with pytest.raises(AssayError, match=r"conc\.Cu.*101 %"):
        two_product({"Cu": Q_(5, "%")}, {"Cu": Q_(101, "%")}, {"Cu": Q_(0.5, "%")})


def test_more_than_one_element_picks_the_named_one():
    feed = {"Pb": Q_(5, "%"), "Zn": Q_(3, "%")}
    conc = {"Pb": Q_(60, "%"), "Zn": Q_(4, "%")}
    tail = {"Pb": Q_(0.5, "%"), "Zn": Q_(2.9, "%")}
    assert two_product(feed, conc, tail).elements == ("Pb",)
    assert two_product(feed, conc, tail, elements=["Zn"]).elements == ("Zn",)
    with pytest.raises(DegenerateError, match="one element"):
        two_product(feed, conc, tail, elements=["Pb", "Zn"])


def test_arrays_broadcast():
    r = two_product(pb(np.array([1.0, 2.0, 5.0])), pb(25), pb(0.1))
    assert r.mass_pull.shape == (3,)
    assert r.splits.shape == (3, 2)
    assert r.recovery.shape == (3, 1, 2)
    expected = (np.array([1.0, 2.0, 5.0]) - 0.1) / 24.9
    np.testing.assert_allclose(r.mass_pull.m_as(""), expected, rtol=1e-12)


def test_delta_method_sd_matches_closed_form():
    f, c, t = 0.05, 0.6, 0.005
    sf, sc, st = 0.001, 0.01, 0.0005
    r = two_product(
        {"Cu": Q_(f, "")},
        {"Cu": Q_(c, "")},
        {"Cu": Q_(t, "")},
        sd={
            "feed": {"Cu": Q_(sf, "")},
            "conc": {"Cu": Q_(sc, "")},
            "tail": {"Cu": Q_(st, "")},
        },
    )
    # y = (f - t) / (c - t): partial derivatives by hand
    dy_df = 1 / (c - t)
    dy_dc = -(f - t) / (c - t) ** 2
    dy_dt = (f - c) / (c - t) ** 2
    sd_y = np.sqrt((dy_df * sf) ** 2 + (dy_dc * sc) ** 2 + (dy_dt * st) ** 2)
    assert r.mass_pull_sd.m_as("") == pytest.approx(sd_y, rel=1e-10)
    # R = y c / f
    y = (f - t) / (c - t)
    dr_df = c / f * dy_df - y * c / f**2
    dr_dc = c / f * dy_dc + y / f
    dr_dt = c / f * dy_dt
    sd_r = np.sqrt((dr_df * sf) ** 2 + (dr_dc * sc) ** 2 + (dr_dt * st) ** 2)
    assert r.recovery_sd[0, 0].m_as("") == pytest.approx(sd_r, rel=1e-10)


def test_the_old_call_form_still_works_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match="recovery_of"):
        old = two_product(Q_(5, "%"), Q_(60, "%"), Q_(0.5, "%"), element="Pb")
    new = two_product(pb(5), pb(60), pb(0.5))
    assert old.mass_pull.m == pytest.approx(new.mass_pull.m, rel=1e-15)
    assert old.recovery_of("Pb", "conc").m == pytest.approx(
        new.recovery_of("Pb", "conc").m, rel=1e-15
    )
    with (
        pytest.warns(DeprecationWarning, match="sd="),
        pytest.warns(DeprecationWarning, match="bare grades"),
    ):
        r = two_product(
            Q_(5, "%"),
            Q_(60, "%"),
            Q_(0.5, "%"),
            sd=(Q_(0.1, "%"), Q_(1, "%"), Q_(0.05, "%")),  # type: ignore[arg-type]
        )
    assert r.mass_pull_sd is not None
    assert r.mass_pull_sd.m > 0
