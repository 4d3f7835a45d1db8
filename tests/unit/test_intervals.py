from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from massbalance.intervals import Bound, Graph, hull, propagate

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False)


def test_contained_lead_of_2011q1_is_proved_impossible():
    # Seed, Q1 2011: 2,376 t of lead concentrate at 68 % holds at most
    # 2,376.5 t x 68.5 % = 1,627.9 t of lead, but 3,592,915 lb = 1,629.7 t.
    g = Graph()
    mass, grade = g.var("m", 0, math.inf), g.var("g", 0, 1)
    metal = g.mul(mass, grade)
    lb = 0.45359237e-3
    bounds = [
        Bound(mass, 2375.5, 2376.5),
        Bound(grade, 0.675, 0.685),
        Bound(metal, 3592914.5 * lb, 3592915.5 * lb),
    ]
    assert propagate(g, bounds) is None
    # at 69 % it fits, and propagation narrows the grade to what the metal needs
    bounds[1] = Bound(grade, 0.685, 0.695)
    box = propagate(g, bounds)
    assert box is not None
    lo, hi = box[0][grade], box[1][grade]
    # 1,629.72 t / 2,376.5 t = 68.577 %; 1,629.72 t / 2,375.5 t = 68.606 %
    assert 0.6857 < lo < 0.6858
    assert 0.6860 < hi < 0.6861


def test_shared_subexpressions_are_one_node():
    g = Graph()
    a, b = g.var("a"), g.var("b")
    assert g.mul(a, b) == g.mul(b, a)
    assert g.sum([(1.0, a), (1.0, b)]) == g.sum([(1.0, b), (1.0, a)])
    assert g.var("a") == a


@given(
    al=finite,
    aw=st.floats(0, 1e3),
    bl=finite,
    bw=st.floats(0, 1e3),
    s=st.floats(0, 1),
    t=st.floats(0, 1),
)
def test_forward_enclosure_contains_every_point(al, aw, bl, bw, s, t):
    g = Graph()
    a, b = g.var("a", al, al + aw), g.var("b", bl, bl + bw)
    x, y = al + s * aw, bl + t * bw
    for node, value in (
        (g.mul(a, b), x * y),
        (g.sum([(1.0, a), (-2.5, b)], 1.0), x - 2.5 * y + 1.0),
    ):
        lo, hi = hull(g, (g.lo0, g.hi0), node)
        assert lo <= value <= hi
    if not (bl <= 0.0 <= bl + bw):
        lo, hi = hull(g, (g.lo0, g.hi0), g.div(a, b))
        assert lo <= x / y <= hi


@given(x=st.floats(0.1, 1e4), y=st.floats(0.1, 1e4), w=st.floats(1e-6, 0.1))
def test_propagation_never_excludes_a_true_solution(x, y, w):
    g = Graph()
    a, b = g.var("a", 0, math.inf), g.var("b", 0, math.inf)
    q = g.div(g.mul(a, b), g.sum([(1.0, a), (1.0, b)]))
    value = x * y / (x + y)
    box = propagate(
        g,
        [
            Bound(a, x * (1 - w), x * (1 + w)),
            Bound(q, value * (1 - w), value * (1 + w)),
        ],
    )
    assert box is not None
    assert box[0][b] <= y <= box[1][b]
