"""Float kernels: least squares and the delta-method Jacobian, checked numerically."""

from __future__ import annotations

import numpy as np

from massbalance.solve import _kernels

RNG = np.random.default_rng(7)
P = np.array(
    [
        [0.55, 0.02, 0.01, 0.002],
        [0.07, 0.52, 0.02, 0.004],
        [0.01, 0.03, 0.45, 0.003],
        [2e-3, 3e-4, 1e-3, 2e-5],
        [0.20, 0.25, 0.30, 0.05],
    ]
)
Y = np.array([0.06, 0.09, 0.05, 0.80])


def test_least_squares_matches_lstsq_with_sum_constraint():
    f = P @ Y * (1 + RNG.normal(0, 0.02, 5))  # noisy: over-determined, not exact
    w = RNG.uniform(0.5, 2, 5)
    y, r, cond = _kernels.n_product(f, P, w)
    # eliminate the last split and solve the weighted problem with numpy
    a = (P[:, :-1] - P[:, -1:]) * np.sqrt(w)[:, None]
    b = (f - P[:, -1]) * np.sqrt(w)
    x = np.linalg.lstsq(a, b, rcond=None)[0]
    np.testing.assert_allclose(y[:-1], x, rtol=1e-10)
    assert abs(y.sum() - 1) < 1e-15
    np.testing.assert_allclose(r, f - P @ y, atol=1e-15)
    assert 1 < cond < 1e3


def test_delta_method_matches_finite_differences_overdetermined():
    f = P @ Y * (1 + RNG.normal(0, 0.02, 5))
    w = RNG.uniform(0.5, 2, 5)
    f_sd = RNG.uniform(1e-4, 1e-3, 5)
    p_sd = RNG.uniform(1e-4, 1e-3, P.shape)
    y, _, _ = _kernels.n_product(f, P, w)
    s_sd, r_sd = _kernels.split_and_recovery_sd(f, P, y, w, f_sd, p_sd)
    rec = _kernels.recoveries(f, P, y)

    def moved(ff, pp):
        yy, _, _ = _kernels.n_product(ff, pp, w)
        return yy, _kernels.recoveries(ff, pp, yy)

    var_y = np.zeros_like(y)
    var_r = np.zeros_like(rec)
    for i in range(5):
        h = 1e-6 * f[i]  # central differences, step relative to the value
        up, down = f.copy(), f.copy()
        up[i] += h
        down[i] -= h
        (yu, ru), (yd, rd) = moved(up, P), moved(down, P)
        var_y += ((yu - yd) / (2 * h) * f_sd[i]) ** 2
        var_r += ((ru - rd) / (2 * h) * f_sd[i]) ** 2
        for k in range(P.shape[1]):
            h = 1e-6 * P[i, k]
            up, down = P.copy(), P.copy()
            up[i, k] += h
            down[i, k] -= h
            (yu, ru), (yd, rd) = moved(f, up), moved(f, down)
            var_y += ((yu - yd) / (2 * h) * p_sd[i, k]) ** 2
            var_r += ((ru - rd) / (2 * h) * p_sd[i, k]) ** 2
    np.testing.assert_allclose(s_sd, np.sqrt(var_y), rtol=1e-6)
    np.testing.assert_allclose(r_sd, np.sqrt(var_r), rtol=1e-6)


def test_batched_kernel_equals_one_by_one():
    f = np.stack([P @ Y * (1 + RNG.normal(0, 0.01, 5)) for _ in range(6)])
    w = np.ones((6, 5))
    y, _, cond = _kernels.n_product(f, np.broadcast_to(P, (6, *P.shape)), w)
    for n in range(6):
        one = _kernels.n_product(f[n], P, w[n])
        np.testing.assert_allclose(y[n], one[0], rtol=1e-12)
        np.testing.assert_allclose(cond[n], one[2], rtol=1e-12)


def test_condition_2x2_matches_numpy():
    a = RNG.uniform(-1, 1, (100, 2, 2))
    ours = _kernels.condition_2x2(a[:, 0, 0], a[:, 0, 1], a[:, 1, 0], a[:, 1, 1])
    scaled = a / np.abs(a).max(axis=2, keepdims=True)
    np.testing.assert_allclose(ours, np.linalg.cond(scaled), rtol=1e-6)
    assert np.isinf(_kernels.condition_2x2(1.0, 2.0, 2.0, 4.0))
