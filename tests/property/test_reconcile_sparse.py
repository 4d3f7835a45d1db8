"""The sparse single-period solver against the dense one (the oracle).

Both solve the same problem by the same method; the sparse one projects each
connected block of unmeasured variables separately, which changes the
projection by an orthogonal factor and nothing else. Every output of the
solver must agree: adjusted values, SDs, variances of the adjustments,
observability, degrees of freedom, nodal tests, and the covariance forms
used for derived quantities and gross-error groups.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from massbalance.errors import AssayError
from massbalance.io import read_plant
from massbalance.reconciliation import chain_measurements
from massbalance.reconciliation._chain import chain_plant_toml
from massbalance.reconciliation._model import build_problem
from massbalance.reconciliation._solver import solve
from massbalance.reconciliation._sparse import solve_sparse

RTOL = 1e-7


def assert_same(p, dense, sparse):
    assert sparse.converged == dense.converged
    assert sparse.n_iter == dense.n_iter
    np.testing.assert_array_equal(sparse.observable, dense.observable)
    np.testing.assert_array_equal(sparse.dof, dense.dof)
    np.testing.assert_allclose(sparse.x, dense.x, rtol=RTOL, equal_nan=True)
    scale = np.nanmax(np.abs(dense.sd)) if np.isfinite(dense.sd).any() else 1.0
    np.testing.assert_allclose(
        sparse.sd, dense.sd, rtol=RTOL, atol=1e-9 * scale, equal_nan=True
    )
    np.testing.assert_allclose(
        sparse.cov_adjust_diag, dense.cov_adjust_diag, rtol=RTOL, atol=1e-12
    )
    np.testing.assert_allclose(
        sparse.nodal_z, dense.nodal_z, rtol=RTOL, atol=1e-9, equal_nan=True
    )
    rng = np.random.default_rng(0)
    grad = rng.standard_normal((1, 3, p.n))
    grad[:, :, ~dense.observable] = 0.0
    np.testing.assert_allclose(
        sparse.quad(grad), dense.quad(grad), rtol=1e-6, atol=1e-12
    )
    for k in range(int(p.measured.sum())):
        np.testing.assert_allclose(
            sparse.q_col(k), dense.q_col(k), rtol=1e-6, atol=1e-12
        )


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    hide=st.lists(st.integers(0, 10_000), min_size=1, max_size=12),
    mass_only=st.booleans(),
)
def test_sparse_solver_matches_the_dense_oracle(n, seed, hide, mass_only):
    fs, meas, _ = chain_measurements(n, seed=seed)
    if mass_only:
        from massbalance import Flowsheet

        fs = Flowsheet({node.name: (node.inputs, node.outputs) for node in fs.nodes})
        meas = {s: {"mass": items["mass"]} for s, items in meas.items()}
    keys = [(s, k) for s, items in meas.items() for k in items]
    for h in hide:
        s, k = keys[h % len(keys)]
        meas[s].pop(k, None)
    if not any(meas.values()):
        return
    try:
        p = build_problem(fs, meas)
    except AssayError:  # chain-N's draws can put a concentrate above 100 %
        assume(False)
    if p.measured.all():
        return
    dense = solve(p)
    sparse = solve_sparse(p)
    assert_same(p, dense, sparse)


@pytest.mark.parametrize(
    ("n", "dense_max_rows", "banded_max"),
    [(3, None, None), (20, None, None), (60, None, None), (30, 10, None), (30, 10, 0)],
)
def test_sparse_solver_matches_on_the_benchmark_plant(
    tmp_path, monkeypatch, n, dense_max_rows, banded_max
):
    """Also with the sparse LU and the banded inverse of large plants forced."""
    from massbalance.reconciliation import _solver, _sparse

    if dense_max_rows is not None:
        monkeypatch.setattr(_solver, "DENSE_MAX_ROWS", dense_max_rows)
    if banded_max is not None:
        monkeypatch.setattr(_sparse, "BANDED_MAX", banded_max)
    path = tmp_path / "chain.toml"
    path.write_text(chain_plant_toml(n))
    data = read_plant(path)
    p = build_problem(data.flowsheet, data.measurements)
    assert not p.measured.all()
    dense = solve(p)
    sparse = solve_sparse(p)
    assert sparse.converged
    assert sparse.observable.all()
    assert_same(p, dense, sparse)
