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


@st.composite
def balanced_mill(draw: st.DrawFn) -> tuple[Graph, list[Bound], dict[int, float]]:
    """A feed, two concentrates and a tail by difference, with a grade each,
    true values drawn, and every quantity bounded around its truth."""
    g = Graph()
    feed, c1, c2 = (g.var(n, 0, math.inf) for n in ("feed", "c1", "c2"))
    gf, g1, g2 = (g.var(n, 0, 1) for n in ("gf", "g1", "g2"))
    tail = g.sum([(1.0, feed), (-1.0, c1), (-1.0, c2)])
    metal_tail = g.sum(
        [(1.0, g.mul(feed, gf)), (-1.0, g.mul(c1, g1)), (-1.0, g.mul(c2, g2))]
    )
    recovery = g.div(
        g.sum([(1.0, g.mul(c1, g1)), (1.0, g.mul(c2, g2))]), g.mul(feed, gf)
    )
    truth = {
        feed: draw(st.floats(1e3, 1e6)),
        gf: draw(st.floats(0.01, 0.2)),
    }
    truth[c1] = truth[feed] * draw(st.floats(0.01, 0.3))
    truth[c2] = truth[feed] * draw(st.floats(0.01, 0.3))
    metal = truth[feed] * truth[gf]
    truth[g1] = min(1.0, metal * draw(st.floats(0.0, 0.9)) / truth[c1])
    truth[g2] = min(
        1.0, (metal - truth[c1] * truth[g1]) * draw(st.floats(0.0, 0.9)) / truth[c2]
    )
    values = g.evaluate(truth, g.subtree([tail, metal_tail, recovery]))
    bounds = [Bound(tail, 0.0, math.inf), Bound(metal_tail, 0.0, math.inf)]
    for node in (feed, gf, c1, c2, g1, g2, recovery):
        v = values[node]
        w = abs(v) * draw(st.floats(1e-6, 0.05)) + 1e-12
        bounds.append(
            Bound(node, v - w * draw(st.floats(0, 1)), v + w * draw(st.floats(0, 1)))
        )
    return g, bounds, values


@given(balanced_mill(), st.data())
def test_extending_a_box_never_excludes_a_true_solution(case, data):
    # propagate(..., base=) starts from another propagation's box: the result
    # must still hold the truth, and be no wider than where it started
    g, bounds, truth = case
    order = data.draw(st.permutations(bounds))
    cut = data.draw(st.integers(0, len(order)))
    base, added = list(order[:cut]), list(order[cut:])
    start = propagate(g, base)
    assert start is not None
    box = propagate(g, added, box=start, base=base)
    assert box is not None
    for node, value in truth.items():
        assert box[0][node] <= value <= box[1][node]
        assert start[0][node] <= box[0][node]
        assert box[1][node] <= start[1][node]
