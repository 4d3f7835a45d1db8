"""solve.two_product: formula, errors, SDs, arrays."""

from __future__ import annotations

import numpy as np
import pytest

from massbalance import Q_, AssayError, DegenerateError, InfeasibleError, UnitError
from massbalance.solve import two_product


def test_style_guide_example():
    r = two_product(Q_(5, "%"), Q_(60, "%"), Q_(0.5, "%"))
    assert r.mass_pull.m_as("") == pytest.approx(4.5 / 59.5)
    assert r.recovery.m_as("") == pytest.approx(60 * 4.5 / (5 * 59.5))
    assert r.tail_split.m_as("") == pytest.approx(1 - 4.5 / 59.5)
    assert r.ratio_of_concentration.m_as("") == pytest.approx(59.5 / 4.5)
    assert r.enrichment_ratio.m_as("") == pytest.approx(12)


def test_units_are_free_within_one_call():
    a = two_product(Q_(899, "g/t"), Q_(0.005144, ""), Q_(50, "ppm"))
    b = two_product(Q_(0.0899, "%"), Q_(5144, "g/t"), Q_(0.005, "%"))
    assert a.mass_pull.m_as("") == pytest.approx(b.mass_pull.m_as(""), rel=1e-12)


def test_conc_equal_tail_is_degenerate():
    with pytest.raises(DegenerateError, match=r"Pb grade of conc equals tail.*3\.1 %"):
        two_product(Q_(5, "%"), Q_(3.1, "%"), Q_(3.1, "%"), element="Pb")


def test_conc_equal_tail_in_one_scenario_is_named():
    with pytest.raises(DegenerateError, match="scenario 1"):
        two_product(Q_(5, "%"), Q_([60, 3.1], "%"), Q_(3.1, "%"))


def test_feed_outside_conc_and_tail_is_infeasible():
    with pytest.raises(InfeasibleError, match=r"split to conc is 116.807 %"):
        two_product(Q_(70, "%"), Q_(60, "%"), Q_(0.5, "%"))


def test_bare_float_raises_unit_error():
    with pytest.raises(UnitError, match=r"feed\.Pb"):
        two_product(5.0, Q_(60, "%"), Q_(0.5, "%"), element="Pb")  # type: ignore[arg-type]


def test_grade_over_100_percent_raises():
    with pytest.raises(AssayError, match=r"conc\.Cu.*101 %"):
        two_product(Q_(5, "%"), Q_(101, "%"), Q_(0.5, "%"), element="Cu")


def test_arrays_broadcast():
    r = two_product(Q_(np.array([1.0, 2.0, 5.0]), "%"), Q_(25, "%"), Q_(0.1, "%"))
    assert r.mass_pull.shape == (3,)
    expected = (np.array([1.0, 2.0, 5.0]) - 0.1) / 24.9
    np.testing.assert_allclose(r.mass_pull.m_as(""), expected, rtol=1e-12)


def test_delta_method_sd_matches_closed_form():
    f, c, t = 0.05, 0.6, 0.005
    sf, sc, st = 0.001, 0.01, 0.0005
    r = two_product(
        Q_(f, ""), Q_(c, ""), Q_(t, ""), sd=(Q_(sf, ""), Q_(sc, ""), Q_(st, ""))
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
    assert r.recovery_sd.m_as("") == pytest.approx(sd_r, rel=1e-10)
