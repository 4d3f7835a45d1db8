"""solve.n_product: exact, least squares, weights, errors, result helpers."""

from __future__ import annotations

import numpy as np
import pytest

from massbalance import (
    Q_,
    AssayError,
    DegenerateError,
    ImplausibleResultWarning,
    Stream,
)
from massbalance.solve import n_product

TRUE = np.array([0.06, 0.09, 0.85])
# rows: Pb, Zn, Ag (g/t as mass fraction); columns: pb_conc, zn_conc, tail
P = np.array([[0.55, 0.02, 0.002], [0.07, 0.52, 0.004], [2e-3, 3e-4, 2e-5]])
NAMES = ("pb_conc", "zn_conc", "tail")
ELEMENTS = ("Pb", "Zn", "Ag")


def assays(column):
    return {e: Q_(float(v), "") for e, v in zip(ELEMENTS, column, strict=True)}


def circuit(feed_column=None):
    feed = assays(P @ TRUE if feed_column is None else feed_column)
    return feed, {n: assays(P[:, k]) for k, n in enumerate(NAMES)}


def test_overdetermined_noise_free_is_exact():
    feed, products = circuit()
    r = n_product(feed, products)
    np.testing.assert_allclose(r.splits.m_as(""), TRUE, rtol=1e-10)
    np.testing.assert_allclose(r.residual.m_as(""), 0, atol=1e-15)


def test_square_subset_of_elements():
    feed, products = circuit()
    r = n_product(feed, products, elements=["Pb", "Zn"])
    assert r.elements == ("Pb", "Zn")
    np.testing.assert_allclose(r.splits.m_as(""), TRUE, rtol=1e-12)


def test_silver_in_g_per_t_is_not_swamped_by_default_weights():
    # perturb only silver in the feed: an unweighted fit would ignore it
    feed, products = circuit()
    feed["Ag"] = Q_(feed["Ag"].m_as("") * 1.2, "")
    r = n_product(feed, products)
    assert abs(r.residual.m_as("")[2]) < 0.2 * feed["Ag"].m_as("")


def test_sd_weights_and_reports_sds():
    feed, products = circuit()
    sd = {
        n: {e: Q_(1, "%") * 0.01 * float(g.m_as("")) * 100 for e, g in a.items()}
        for n, a in {"feed": feed, **products}.items()
    }
    r = n_product(feed, products, sd=sd)
    np.testing.assert_allclose(r.splits.m_as(""), TRUE, rtol=1e-9)
    assert r.split_sd is not None
    assert r.recovery_sd is not None
    assert np.all(r.split_sd.m_as("") > 0)
    assert r.recovery_sd.shape == (3, 3)


def test_missing_sd_entry_raises():
    feed, products = circuit()
    with pytest.raises(AssayError, match=r"no standard deviation for feed\.Pb"):
        n_product(feed, products, sd={})


def test_too_few_elements_is_degenerate():
    feed, products = circuit()
    with pytest.raises(DegenerateError, match="need at least 2 elements"):
        n_product(feed, products, elements=["Pb"])


def test_collinear_elements_are_degenerate():
    feed = {"Pb": Q_(3, "%"), "Zn": Q_(6, "%")}
    prods = {
        "a": {"Pb": Q_(20, "%"), "Zn": Q_(40, "%")},
        "b": {"Pb": Q_(10, "%"), "Zn": Q_(20, "%")},
        "t": {"Pb": Q_(1, "%"), "Zn": Q_(2, "%")},
    }
    with pytest.raises(DegenerateError, match="condition number"):
        n_product(feed, prods)


def test_missing_element_names_product():
    feed, products = circuit()
    del products["zn_conc"]["Ag"]
    with pytest.raises(AssayError, match=r"zn_conc: no assay for element 'Ag'"):
        n_product(feed, products)


def test_result_helpers():
    feed, products = circuit()
    r = n_product(feed, products)
    assert r.split("zn_conc").m_as("") == pytest.approx(0.09)
    with pytest.raises(AssayError, match="no product 'cu_conc'"):
        r.split("cu_conc")
    with pytest.raises(AssayError, match="element 'Cu' was not balanced"):
        r.recovery_of("Cu", "tail")
    masses = r.masses(Q_(1000, "t"))
    assert masses["tail"].m_as("t") == pytest.approx(850)
    assert r.ratio_of_concentration.m_as("")[0] == pytest.approx(1 / 0.06)
    assert r.enrichment_ratio.shape == (3, 3)
    streams = r.streams(Q_(1000, "t"))
    assert isinstance(streams[0], Stream)
    total = sum(s.contained("Zn").m_as("t") for s in streams)
    assert total == pytest.approx(1000 * float(P[1] @ TRUE), rel=1e-12)


def test_products_as_a_sequence_of_streams():
    feed, products = circuit()
    streams = [
        Stream(name=n, dry_mass=Q_(1, "t"), grades=g) for n, g in products.items()
    ]
    r = n_product(Stream(name="mill_feed", dry_mass=Q_(1, "t"), grades=feed), streams)
    assert r.feed_name == "mill_feed"
    assert r.products == NAMES


def test_poor_condition_warns():
    feed = {"Pb": Q_(3, "%"), "Zn": Q_(3, "%")}
    prods = {
        "a": {"Pb": Q_(30, "%"), "Zn": Q_(30.03, "%")},
        "b": {"Pb": Q_(30.03, "%"), "Zn": Q_(30, "%")},
        "t": {"Pb": Q_(0.2, "%"), "Zn": Q_(0.2, "%")},
    }
    with pytest.warns(ImplausibleResultWarning, match="condition number"):
        n_product(feed, prods)
