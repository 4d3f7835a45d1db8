"""The compiled graph kernels and the lean Levenberg-Marquardt of the witness search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from massbalance.intervals import Graph, Op
from massbalance.io import read_release
from massbalance.release._build import build_problem
from massbalance.release._compiled import Kernel
from massbalance.release._levenberg_marquardt import levenberg_marquardt

SEED = Path(__file__).parents[2] / "examples" / "alexco-2012-q1.toml"

positive = st.floats(0.01, 1e4, allow_nan=False, allow_subnormal=False)


@st.composite
def graphs(draw: st.DrawFn) -> tuple[Graph, list[int], list[float]]:
    """A random graph of sums, products and quotients over a few variables."""
    g = Graph()
    n_vars = draw(st.integers(1, 5))
    nodes = [g.var(f"x{i}", 0.0, 1e6) for i in range(n_vars)]
    values = [draw(positive) for _ in range(n_vars)]
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(["sum", "mul", "div", "const"]))
        a, b = draw(st.sampled_from(nodes)), draw(st.sampled_from(nodes))
        if op == "sum":
            c = draw(st.sampled_from([1.0, -1.0, 0.5, 2.25]))
            nodes.append(
                g.sum([(1.0, a), (c, b)], offset=draw(st.sampled_from([0.0, 3.5])))
            )
        elif op == "mul":
            nodes.append(g.mul(a, b))
        elif op == "div":
            nodes.append(g.div(a, b))
        else:
            nodes.append(g.const(draw(positive)))
    return g, nodes, values


@given(graphs())
def test_kernel_values_are_those_of_the_graph_bit_for_bit(case):
    g, nodes, values = case
    kernel = Kernel(g, nodes)
    point = dict(
        zip(kernel.variables, (values[v] for v in kernel.variables), strict=True)
    )
    expected = g.evaluate(point, g.subtree(nodes))
    got = kernel.values([point[v] for v in kernel.variables])
    for node, value in zip(kernel.outputs, got, strict=True):
        assert value == expected[node] or (
            value != value and expected[node] != expected[node]
        )


@given(graphs())
def test_kernel_jacobian_is_the_graphs_gradient(case):
    g, nodes, values = case
    kernel = Kernel(g, nodes)
    x = [values[v] for v in kernel.variables]
    point = dict(zip(kernel.variables, x, strict=True))
    values_ = g.evaluate(point, g.subtree(nodes))
    grads = g.gradients(values_, g.subtree(nodes))
    jac = kernel.jacobian(x)
    # cancellation (x / x, a - a) leaves rounding noise of the size of the
    # largest intermediate value
    size = max(
        [1.0]
        + [abs(d) for g_ in grads.values() for d in g_.values() if np.isfinite(d)]
        + [abs(v) for v in values_.values() if np.isfinite(v)]
    )
    for r, node in enumerate(kernel.outputs):
        for c, var in enumerate(kernel.variables):
            expected = grads[node].get(var, 0.0)
            if np.isfinite(expected):
                assert jac[r, c] == pytest.approx(expected, rel=1e-9, abs=1e-13 * size)


@given(
    st.lists(
        st.tuples(
            st.sampled_from([1.0, -1.0, 0.5, 2.25, -3.0, 1e-3]),
            st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
        ),
        min_size=2,
        max_size=50,
    ),
    st.sampled_from([0.0, 3.5, -1e-7]),
)
def test_long_sums_are_bit_for_bit_those_of_the_graph(terms, offset):
    # on Python 3.12+ the built-in sum is compensated: both sides must add
    # in one explicit order for the claim to hold on every Python
    g = Graph()
    xs = [g.var(f"x{i}", -1e6, 1e6) for i in range(len(terms))]
    node = g.sum([(c, x) for (c, _), x in zip(terms, xs, strict=True)], offset=offset)
    kernel = Kernel(g, [node])
    point = {x: v for (_, v), x in zip(terms, xs, strict=True)}
    expected = g.evaluate(point, g.subtree([node]))[node]
    assert kernel.values([point[v] for v in kernel.variables]) == [expected]
    total = 0.0
    for c, v in terms:
        total += c * v
    assert expected == offset + total


def test_an_empty_sum_compiles_to_its_offset():
    # a total period whose parts print no metal builds a sum of no terms
    g = Graph()
    a = g.var("a", 0.0, 1.0)
    empty = g.sum([], offset=2.5)
    node = g.sum([(1.0, empty), (1.0, a)])
    kernel = Kernel(g, [empty, node])
    point = {a: 0.25}
    expected = g.evaluate(point, g.subtree([empty, node]))
    got = kernel.values([point[v] for v in kernel.variables])
    assert got == [expected[empty], expected[node]] == [2.5, 2.75]


def test_kernel_source_is_in_linecache_for_tracebacks():
    import linecache
    import traceback

    g = Graph()
    a, b = g.var("a", 0.0, 1.0), g.var("b", 0.0, 1.0)
    node = g.div(a, b)
    kernel = Kernel(g, [g.sum([(1.0, node), (1.0, a)])])
    with pytest.raises(TypeError) as info:
        kernel.values([None, 1.0])  # type: ignore[list-item]
    text = "".join(traceback.format_tb(info.tb))
    # the kernel's own line, with its source, in the traceback
    assert "<massbalance kernel values" in text
    assert "v2 = v0 / v1 if v1 != 0.0 else _copysign(_inf, v1)" in text
    filename = str(info.traceback[-1].path)
    assert linecache.getline(filename, 1).startswith("def values(x):")


def test_kernel_on_the_seed_matches_the_graph():
    problem = build_problem(read_release(SEED))
    g = problem.graph
    outputs = [b.node for b in problem.bindings.values()]
    kernel = Kernel(g, outputs)
    assert set(kernel.variables) == {
        v for v in g.subtree(outputs) if g.kind[v] == Op.VAR
    }
    rng = np.random.default_rng(0)
    x = rng.uniform(1.0, 100.0, len(kernel.variables)).tolist()
    expected = g.evaluate(
        dict(zip(kernel.variables, x, strict=True)), g.subtree(outputs)
    )
    assert kernel.values(x) == [expected[n] for n in kernel.outputs]
    # the Jacobian against central differences
    jac = kernel.jacobian(x)
    for c in range(len(x)):
        h = 1e-6 * x[c]
        up, down = list(x), list(x)
        up[c] += h
        down[c] -= h
        diff = (np.array(kernel.values(up)) - np.array(kernel.values(down))) / (2 * h)
        np.testing.assert_allclose(jac[:, c], diff, rtol=1e-5, atol=1e-8)


def test_levenberg_marquardt_stays_in_the_box_and_reaches_a_zero():
    # x * y = 6 with y held at 2 by its bounds: x must go to 3
    def residual(z):
        r = np.array([z[0] * z[1] - 6.0])
        return r, np.array([[z[1], z[0]]]), abs(r[0]) < 1e-12

    result = levenberg_marquardt(
        residual, np.array([1.0, 1.5]), np.array([0.0, 2.0]), np.array([10.0, 2.0])
    )
    z, cost = result.x, result.cost
    assert z[1] == 2.0
    assert z[0] == pytest.approx(3.0, rel=1e-12)
    assert cost < 1e-24
    assert result.success
    assert result.status == 1
    assert "zero" in result.message


def test_levenberg_marquardt_returns_the_best_point_when_there_is_no_zero():
    # x = 5 cannot hold within [0, 1]: the best point is the bound
    def residual(z):
        r = np.array([z[0] - 5.0])
        return r, np.array([[1.0]]), False

    result = levenberg_marquardt(
        residual, np.array([0.2]), np.array([0.0]), np.array([1.0])
    )
    assert result.x[0] == 1.0
    assert result.cost == pytest.approx(16.0)
    assert not result.success
    assert result.status in (4, 5)


@given(graphs(), st.data())
def test_jacobian_placement_matches_the_dense_jacobian(case, data):
    # the witness search fills its checks x free-variables matrix from the
    # kernel's sparse entries; a node bounded twice is two checks
    from massbalance.release._witness import _placement

    g, nodes, values = case
    kernel = Kernel(g, nodes)
    rows = np.array(
        data.draw(st.lists(st.integers(0, len(kernel.outputs) - 1), min_size=1)),
        dtype=np.intp,
    )
    cols = np.array(
        data.draw(st.permutations(range(len(kernel.variables))))[
            : data.draw(st.integers(1, len(kernel.variables)))
        ],
        dtype=np.intp,
    )
    x = [values[v] for v in kernel.variables]
    take, put = _placement(kernel, rows, cols)
    filled = np.zeros(len(rows) * len(cols))
    filled[put] = np.array(kernel.values_and_entries(x)[1])[take]
    expected = kernel.jacobian(x)[np.ix_(rows, cols)]
    np.testing.assert_array_equal(filled.reshape(len(rows), len(cols)), expected)


bound_values = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
    st.just(float("inf")),
    st.just(float("-inf")),
)


@given(st.lists(st.tuples(bound_values, bound_values), min_size=1, max_size=8))
def test_vectorised_helpers_match_their_scalar_twins(pairs):
    from massbalance.intervals import Bound
    from massbalance.release._numeric import (
        aim_margin,
        aim_margins,
        midpoint,
        midpoints,
        scale_of,
        scales_of,
    )

    pairs = [(min(a, b), max(a, b)) for a, b in pairs]
    pairs = [(a, b) for a, b in pairs if not (a == b and abs(a) == float("inf"))]
    if not pairs:
        return
    lo = np.array([a for a, _ in pairs])
    hi = np.array([b for _, b in pairs])
    assert scales_of(lo, hi).tolist() == [scale_of(a, b) for a, b in pairs]
    assert midpoints(lo, hi).tolist() == [midpoint(a, b) for a, b in pairs]
    assert aim_margins(lo, hi).tolist() == [
        aim_margin(Bound(0, a, b)) for a, b in pairs
    ]
