"""Solver laws via the public strategies: splits come back, reordering and
unit invariance, broadcasting."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from massbalance import Q_, Stream
from massbalance.solve import n_product, three_product
from massbalance.testing import balanced_circuits

FAST = settings(max_examples=50)


@FAST
@given(st.data(), st.integers(2, 5))
def test_square_balance_gives_the_splits_back(data, n):
    elements = ("Cu", "Pb", "Zn", "Ag")[: n - 1]
    circuit = data.draw(balanced_circuits(n_products=n, elements=elements))
    r = n_product(circuit.feed, circuit.products)
    np.testing.assert_allclose(r.splits.m_as(""), circuit.splits, rtol=1e-9, atol=1e-12)


@FAST
@given(balanced_circuits(n_products=3, elements=("Cu", "Pb", "Zn", "Ag", "Au")))
def test_overdetermined_noise_free_balance_gives_the_splits_back(circuit):
    r = n_product(circuit.feed, circuit.products)
    np.testing.assert_allclose(r.splits.m_as(""), circuit.splits, rtol=1e-8, atol=1e-11)


@FAST
@given(balanced_circuits(n_products=3, elements=("Pb", "Zn")))
def test_three_product_equals_n_product(circuit):
    a = three_product(circuit.feed, *circuit.products)
    b = n_product(circuit.feed, circuit.products)
    np.testing.assert_allclose(a.splits.m_as(""), b.splits.m_as(""), rtol=1e-9)
    np.testing.assert_allclose(a.recovery.m_as(""), b.recovery.m_as(""), rtol=1e-9)


@FAST
@given(balanced_circuits(n_products=4, elements=("Cu", "Pb", "Zn", "Ag")), st.randoms())
def test_reordering_products_reorders_the_result(circuit, rnd):
    order = list(range(len(circuit.products)))
    rnd.shuffle(order)
    a = n_product(circuit.feed, circuit.products)
    b = n_product(circuit.feed, [circuit.products[k] for k in order])
    np.testing.assert_allclose(
        b.splits.m_as(""), a.splits.m_as("")[order], rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(
        b.recovery.m_as(""), a.recovery.m_as("")[:, order], rtol=1e-9, atol=1e-12
    )


def _in_units(stream: Stream, grade_unit: str, mass_unit: str) -> Stream:
    return stream.replace(
        dry_mass=stream.dry_mass.to(mass_unit),
        grades={e: g.to(grade_unit) for e, g in stream.grades.items()},
    )


@FAST
@given(balanced_circuits(n_products=3, elements=("Ag", "Pb")))
def test_unit_invariance_opt_vs_g_per_t_and_short_tons_vs_tonnes(circuit):
    a_feed = _in_units(circuit.feed, "ounce_per_short_ton", "short_ton")
    a_prod = [
        _in_units(p, "ounce_per_short_ton", "short_ton") for p in circuit.products
    ]
    b_feed = _in_units(circuit.feed, "g/t", "tonne")
    b_prod = [_in_units(p, "g/t", "tonne") for p in circuit.products]
    a, b = n_product(a_feed, a_prod), n_product(b_feed, b_prod)
    np.testing.assert_allclose(a.splits.m_as(""), b.splits.m_as(""), rtol=1e-12)
    np.testing.assert_allclose(a.recovery.m_as(""), b.recovery.m_as(""), rtol=1e-12)
    for e in circuit.elements:
        np.testing.assert_allclose(
            a_feed.contained(e).m_as("t"), b_feed.contained(e).m_as("t"), rtol=1e-12
        )
    masses_a = a.masses(a_feed.dry_mass)
    masses_b = b.masses(b_feed.dry_mass)
    for name in masses_a:
        np.testing.assert_allclose(
            masses_a[name].m_as("t"), masses_b[name].m_as("t"), rtol=1e-12
        )


@settings(max_examples=15)
@given(
    st.lists(
        balanced_circuits(n_products=3, elements=("Pb", "Zn", "Ag")),
        min_size=1,
        max_size=8,
    )
)
def test_vector_of_scenarios_equals_scalar_calls(circuits):
    def stack(pick):
        streams = [pick(c) for c in circuits]
        return {
            e: Q_(np.array([s.grades[e].m_as("") for s in streams]), "")
            for e in ("Pb", "Zn", "Ag")
        }

    feed = stack(lambda c: c.feed)
    products = {
        name: stack(lambda c, k=k: c.products[k])
        for k, name in enumerate(("conc1", "conc2", "tail"))
    }
    vector = n_product(feed, products)
    three = three_product(
        {e: feed[e] for e in ("Pb", "Zn")},
        *({e: products[n][e] for e in ("Pb", "Zn")} for n in products),
    )
    assert vector.splits.shape == (len(circuits), 3)
    for i, c in enumerate(circuits):
        one = n_product(c.feed, c.products)
        np.testing.assert_allclose(
            vector.splits.m_as("")[i], one.splits.m_as(""), rtol=1e-12, atol=1e-15
        )
        np.testing.assert_allclose(
            vector.recovery.m_as("")[i], one.recovery.m_as(""), rtol=1e-12, atol=1e-15
        )
        one3 = three_product(c.feed, *c.products)
        np.testing.assert_allclose(
            three.splits.m_as("")[i], one3.splits.m_as(""), rtol=1e-12, atol=1e-15
        )
