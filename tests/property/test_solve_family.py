"""One result family: two_product, three_product and n_product agree on square cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massbalance import Q_, Stream
from massbalance.solve import BalanceResult, n_product, three_product, two_product

MEMBERS = ("splits", "recovery", "split_sd", "recovery_sd", "condition", "grades")


def pct(**grades: float) -> dict[str, object]:
    return {e: Q_(v, "%") for e, v in grades.items()}


def sd_of(names, elements, value):
    return {n: {e: Q_(value, "%") for e in elements} for n in names}


def same(a: BalanceResult, b: BalanceResult) -> None:
    np.testing.assert_allclose(
        a.splits.m_as(""), b.splits.m_as(""), rtol=1e-9, atol=1e-13
    )
    np.testing.assert_allclose(
        a.recovery.m_as(""), b.recovery.m_as(""), rtol=1e-9, atol=1e-13
    )
    np.testing.assert_allclose(
        a.split_sd.m_as(""), b.split_sd.m_as(""), rtol=1e-7, atol=1e-13
    )
    np.testing.assert_allclose(
        a.recovery_sd.m_as(""), b.recovery_sd.m_as(""), rtol=1e-7, atol=1e-13
    )


@settings(max_examples=40, deadline=None)
@given(
    y=st.floats(0.02, 0.9),
    c=st.floats(20.0, 70.0),
    t=st.floats(0.05, 2.0),
    n=st.sampled_from([1, 7]),
)
def test_two_product_equals_n_product(y, c, t, n):
    f = y * c + (1 - y) * t
    feed = {"Cu": Q_(np.full(n, f), "%")} if n > 1 else pct(Cu=f)
    sd = sd_of(("feed", "conc", "tail"), ["Cu"], 0.05)
    a = two_product(feed, pct(Cu=c), pct(Cu=t), sd=sd)
    b = n_product(feed, {"conc": pct(Cu=c), "tail": pct(Cu=t)}, sd=sd)
    same(a, b)
    assert a.products == b.products
    assert a.elements == b.elements


@settings(max_examples=40, deadline=None)
@given(
    y1=st.floats(0.02, 0.3),
    y2=st.floats(0.02, 0.3),
    n=st.sampled_from([1, 5]),
)
def test_three_product_equals_n_product(y1, y2, n):
    c1, c2, t = pct(Pb=60, Zn=5), pct(Pb=2, Zn=50), pct(Pb=0.3, Zn=0.8)
    f = {
        e: Q_(np.full(n, y1 * c1[e].m + y2 * c2[e].m + (1 - y1 - y2) * t[e].m), "%")
        for e in ("Pb", "Zn")
    }
    names = ("pb_conc", "zn_conc", "tail")
    sd = sd_of(("feed", *names), ["Pb", "Zn"], 0.05)
    a = three_product(f, c1, c2, t, names=names, sd=sd)
    b = n_product(f, dict(zip(names, (c1, c2, t), strict=True)), sd=sd)
    same(a, b)


def test_every_solver_takes_streams_mappings_and_arrays_and_has_the_members():
    feed = Stream(
        name="feed",
        dry_mass=Q_([1000.0, 1200.0], "t"),
        grades=pct(Pb=5.0, Zn=6.0),
    )
    conc = Stream(name="pb_conc", dry_mass=Q_(0, "t"), grades=pct(Pb=60, Zn=5))
    zn = Stream(name="zn_conc", dry_mass=Q_(0, "t"), grades=pct(Pb=2, Zn=50))
    tail = Stream(name="tail", dry_mass=Q_(0, "t"), grades=pct(Pb=0.3, Zn=0.8))
    results = [
        two_product(feed, conc, tail),
        three_product(feed, conc, zn, tail),
        n_product(feed, [conc, zn, tail]),
    ]
    for r in results:
        assert isinstance(r, BalanceResult)
        for member in MEMBERS:
            assert hasattr(r, member)
        masses = r.masses(feed)
        assert set(masses) == set(r.products)
        total = sum(m.m_as("t") for m in masses.values())
        np.testing.assert_allclose(total, [1000.0, 1200.0])
        assert r.distribution()[r.elements[0]][r.products[0]].shape == ()
        assert r.shape == ()


def test_the_sd_form_is_one_mapping_everywhere():
    feed, c1, c2, t = (
        pct(Pb=5, Zn=6),
        pct(Pb=60, Zn=5),
        pct(Pb=2, Zn=50),
        pct(Pb=0.3, Zn=0.8),
    )
    sd = sd_of(("feed", "conc1", "conc2", "tail", "conc"), ["Pb", "Zn"], 0.1)
    r2 = two_product(feed, c1, t, sd=sd)
    r3 = three_product(feed, c1, c2, t, sd=sd)
    rn = n_product(feed, {"conc1": c1, "conc2": c2, "tail": t}, sd=sd)
    for r in (r2, r3, rn):
        assert r.split_sd is not None
        assert np.all(r.split_sd.m > 0)
    same(r3, rn)
    assert r2.split_sd.shape == (2,)
    assert r3.recovery_sd.shape == (2, 3)
    with pytest.raises(Exception, match="no standard deviation"):
        two_product(feed, c1, t, sd={"feed": {"Pb": Q_(0.1, "%")}})
