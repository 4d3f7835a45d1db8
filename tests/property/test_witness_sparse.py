"""Laws of the witness search's sparse path (large components).

Above a size the witness search hands its Levenberg-Marquardt a
``scipy.sparse`` Jacobian, solved by a sparse LU instead of densely. The
steps are the same mathematics: from the same start the two paths must
reach the same point, and the sparse Jacobian the search builds must be the
dense one it replaces.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix

from massbalance.io import loads_release
from massbalance.release import _witness, check_release
from massbalance.release._levenberg_marquardt import levenberg_marquardt
from massbalance.testing.releases import synthetic_release


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 12),
    extra=st.integers(0, 6),
)
def test_sparse_and_dense_steps_agree(seed: int, n: int, extra: int):
    # full column rank (a random band plus the identity), so that the damped
    # normal equations are regular for both solvers; on singular ones the
    # dense solve returns a huge step where the sparse LU refuses, and the
    # two reach the same point by different numbers of trials
    rng = np.random.default_rng(seed)
    m = n + extra
    a = rng.normal(size=(m, n)) * (rng.random((m, n)) < 0.3)
    a[:n] += 3.0 * np.eye(n)
    target = rng.normal(size=m)
    lower, upper = np.full(n, -2.0), np.full(n, 2.0)

    def dense(z):
        r = a @ z - target
        return r, a, bool(np.all(np.abs(r) < 1e-12))

    def sparse(z):
        r, jac, done = dense(z)
        return r, csr_matrix(jac), done

    start = rng.uniform(-1.0, 1.0, size=n)
    one = levenberg_marquardt(dense, start, lower, upper, max_steps=25)
    two = levenberg_marquardt(sparse, start, lower, upper, max_steps=25)
    # the two solves differ in the last bits, which may end a stalled run
    # one trial sooner or later: the points and costs agree, not the counts
    np.testing.assert_allclose(two.cost, one.cost, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(two.x, one.x, rtol=1e-5, atol=1e-7)
    assert np.all(two.x >= lower)
    assert np.all(two.x <= upper)


@pytest.mark.parametrize("errors", [0, 2])
def test_sparse_path_decides_as_the_dense_one(monkeypatch, errors):
    """Forcing the sparse path on every component gives the same verdict,
    culprit sets and figure statuses."""
    generated, _ = synthetic_release(8, seed=4, errors=errors)
    release = loads_release(generated.text)
    dense = check_release(release, explain=False)
    monkeypatch.setattr(_witness, "_SPARSE_ABOVE", 0)
    sparse = check_release(release, explain=False)
    assert sparse.verdict == dense.verdict
    assert [c.figures for c in sparse.culprits] == [c.figures for c in dense.culprits]
    assert [f.status for f in sparse.figures] == [f.status for f in dense.figures]
