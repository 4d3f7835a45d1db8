"""solve.three_product: formula, errors, warnings, arrays, SDs."""

from __future__ import annotations

import numpy as np
import pytest

from massbalance import (
    Q_,
    AssayError,
    DegenerateError,
    ImplausibleResultWarning,
    InfeasibleError,
    Stream,
    UnitError,
)
from massbalance.solve import n_product, three_product


def pct(pb, zn):
    return {"Pb": Q_(pb, "%"), "Zn": Q_(zn, "%")}


FEED, PB, ZN, TAIL = pct(3.0, 6.0), pct(50, 8), pct(2, 55), pct(0.2, 0.5)


def test_matches_n_product_and_closes_the_balance():
    r = three_product(FEED, PB, ZN, TAIL)
    n = n_product(FEED, {"conc1": PB, "conc2": ZN, "tail": TAIL})
    np.testing.assert_allclose(r.splits.m_as(""), n.splits.m_as(""), rtol=1e-12)
    assert r.products == ("conc1", "conc2", "tail")
    for element, row in r.distribution().items():
        total = sum(q.m_as("") for q in row.values())
        assert total == pytest.approx(1.0, rel=1e-12), element


def test_stream_names_are_used():
    s = [
        Stream(name=n, dry_mass=Q_(1, "t"), grades=g)
        for n, g in (("feed", FEED), ("pb_conc", PB), ("zn_conc", ZN), ("tail", TAIL))
    ]
    r = three_product(*s)
    assert r.products == ("pb_conc", "zn_conc", "tail")
    assert r.split("pb_conc").m_as("") == pytest.approx(0.05284, abs=1e-5)


def test_collinear_assays_are_degenerate_with_condition_number():
    with pytest.raises(
        DegenerateError, match=r"cannot be told apart.*condition number"
    ):
        three_product(FEED, pct(20, 40), pct(10, 20), pct(0, 0))


def test_concentrate_equal_to_tail_is_degenerate():
    with pytest.raises(DegenerateError, match="condition number inf"):
        three_product(FEED, PB, TAIL, TAIL)


def test_poor_condition_warns():
    with pytest.warns(ImplausibleResultWarning, match="poorly conditioned"):
        three_product(pct(3, 3), pct(30, 30.03), pct(30.03, 30), pct(0.2, 0.2))


def test_missing_element_in_a_product():
    with pytest.raises(AssayError, match=r"conc2: no assay for element 'Zn'"):
        three_product(FEED, PB, {"Pb": Q_(2, "%")}, TAIL)


def test_negative_split_is_infeasible_and_named():
    with pytest.raises(InfeasibleError, match=r"split to conc2 is -") as info:
        three_product(pct(3.0, 0.4), PB, ZN, TAIL)
    assert info.value.where == "conc2"


def test_bare_float_raises():
    with pytest.raises(UnitError, match=r"feed\.Pb"):
        three_product({"Pb": 3.0, "Zn": Q_(6, "%")}, PB, ZN, TAIL)


def test_two_elements_only():
    with pytest.raises(AssayError, match="exactly two elements"):
        three_product(FEED, PB, ZN, TAIL, elements=["Pb"])


def test_broadcast_equals_scalar_calls():
    rng = np.random.default_rng(3)
    f_pb = rng.uniform(2.5, 3.5, 50)
    r = three_product({"Pb": Q_(f_pb, "%"), "Zn": Q_(6, "%")}, PB, ZN, TAIL)
    assert r.splits.shape == (50, 3)
    for i in (0, 17, 49):
        one = three_product({"Pb": Q_(f_pb[i], "%"), "Zn": Q_(6, "%")}, PB, ZN, TAIL)
        np.testing.assert_allclose(
            r.splits.m_as("")[i], one.splits.m_as(""), rtol=1e-12
        )


def test_sd_matches_finite_differences():
    sd_value = 0.05  # % absolute on every assay
    streams = {"feed": FEED, "conc1": PB, "conc2": ZN, "tail": TAIL}
    sd = {s: {"Pb": Q_(sd_value, "%"), "Zn": Q_(sd_value, "%")} for s in streams}
    r = three_product(FEED, PB, ZN, TAIL, sd=sd)
    base = r.splits.m_as("")
    base_rec = r.recovery.m_as("")
    var = np.zeros(3)
    var_rec = np.zeros((2, 3))
    h = 1e-7
    for s in streams:
        for e in ("Pb", "Zn"):
            moved = {k: dict(v) for k, v in streams.items()}
            moved[s][e] = Q_(moved[s][e].m_as("") + h, "")
            m = three_product(
                moved["feed"], moved["conc1"], moved["conc2"], moved["tail"]
            )
            var += ((m.splits.m_as("") - base) / h * sd_value / 100) ** 2
            var_rec += ((m.recovery.m_as("") - base_rec) / h * sd_value / 100) ** 2
    np.testing.assert_allclose(r.split_sd.m_as(""), np.sqrt(var), rtol=1e-4)
    np.testing.assert_allclose(r.recovery_sd.m_as(""), np.sqrt(var_rec), rtol=1e-4)
