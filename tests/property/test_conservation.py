"""Conservation laws, through the public strategies (massbalance.testing)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massbalance import Q_, Stream
from massbalance.solve import n_product, two_product
from massbalance.streams import tail_by_difference
from massbalance.testing import balanced_circuits, grades, streams

REL = 1e-12
FAST = settings(max_examples=60)


def close(a, b, rel=REL):
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = np.maximum(np.abs(a), np.abs(b))
    assert np.all(np.abs(a - b) <= rel * scale + 1e-300), (a, b)


@FAST
@given(balanced_circuits(n_products=3, elements=("Pb", "Zn", "Ag")))
def test_built_circuits_conserve_mass_and_metal(circuit):
    feed, products = circuit.feed, circuit.products
    close(sum(p.dry_mass.m_as("t") for p in products), feed.dry_mass.m_as("t"))
    for e in circuit.elements:
        close(
            sum(p.contained(e).m_as("t") for p in products), feed.contained(e).m_as("t")
        )


@FAST
@given(balanced_circuits(n_products=4, elements=("Cu", "Pb", "Zn")))
def test_solved_splits_conserve_mass_and_metal(circuit):
    r = n_product(circuit.feed, circuit.products)
    masses = r.masses(circuit.feed.dry_mass)
    close(sum(m.m_as("t") for m in masses.values()), circuit.feed.dry_mass.m_as("t"))
    for e in circuit.elements:
        out = sum(s.contained(e).m_as("t") for s in r.streams(circuit.feed.dry_mass))
        close(out, circuit.feed.contained(e).m_as("t"))
        close(sum(q.m_as("") for q in r.distribution()[e].values()), 1.0)


@FAST
@given(balanced_circuits(n_products=3, elements=("Pb", "Zn")))
def test_tail_by_difference_recovers_the_tail(circuit):
    *concs, tail = circuit.products
    computed = tail_by_difference(circuit.feed, concs)
    close(computed.dry_mass.m_as("t"), tail.dry_mass.m_as("t"), rel=1e-9)
    for e in circuit.elements:
        total = computed.contained(e) + sum((c.contained(e) for c in concs), Q_(0, "t"))
        close(total.m_as("t"), circuit.feed.contained(e).m_as("t"), rel=1e-9)


@FAST
@given(st.lists(streams(("Au", "Cu"), name="s"), min_size=1, max_size=5))
def test_blending_conserves_mass_and_metal(parts):
    parts = [p.replace(name=f"s{k}") for k, p in enumerate(parts)]
    blend = Stream.blend(parts, name="blend")
    close(blend.dry_mass.m_as("t"), sum(p.dry_mass.m_as("t") for p in parts))
    for e in ("Au", "Cu"):
        close(
            blend.contained(e).m_as("t"), sum(p.contained(e).m_as("t") for p in parts)
        )


@FAST
@given(
    c=grades(min_value=0.05),
    t=grades(max_value=0.01),
    y=st.floats(0.001, 0.999),
)
def test_two_product_recovers_the_split_it_was_built_from(c, t, y):
    cf, tf = c.m_as(""), t.m_as("")
    f = Q_(y * cf + (1 - y) * tf, "")
    r = two_product({"Cu": f}, {"Cu": c}, {"Cu": t})
    assert r.mass_pull.m_as("") == pytest.approx(y, rel=1e-9)
    assert (r.mass_pull + r.tail_split).m_as("") == pytest.approx(1.0, rel=1e-15)
    assert r.recovery_of("Cu", "conc").m_as("") == pytest.approx(
        y * cf / f.m_as(""), rel=1e-9
    )
