"""Benchmark of massbalance.reconcile on chain-N (issue 4).

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_reconcile.py``.
"""

from __future__ import annotations

import platform
import timeit

import numpy as np
import scipy.optimize

from massbalance.reconciliation import chain_measurements, reconcile
from massbalance.reconciliation._model import build_problem
from massbalance.reconciliation._solver import residual


def best(fn, repeat):
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def slsqp(fs, meas):
    p = build_problem(fs, meas)
    y, sd = p.y[0], p.sd[0]
    s = np.abs(y)

    def f(u):
        return float(np.sum(((u * s - y) / sd) ** 2))

    def jac(u):
        return 2 * (u * s - y) / sd**2 * s

    def cons(u):
        x = (u * s)[None, :]
        return residual(p, x)[0] / np.abs(residual(p, np.abs(y)[None, :])[0] + 1e-300)

    res = scipy.optimize.minimize(
        f,
        np.ones_like(y),
        jac=jac,
        method="SLSQP",
        constraints=[{"type": "eq", "fun": cons}],
        options={"maxiter": 500},
    )
    return res


def main() -> None:
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}, {platform.processor() or platform.machine()}"
    )
    for n, repeat in ((5, 50), (50, 50), (500, 3)):
        fs, meas, _ = chain_measurements(n)
        r = reconcile(fs, meas)
        t = best(lambda fs=fs, meas=meas: reconcile(fs, meas), repeat)
        print(
            f"chain-{n}: {t * 1e3:.2f} ms  dof={r.dof} chi2={r.chi2:.2f} "
            f"iterations={r.n_iter} worst imbalance={r.max_relative_residual:.1e}"
        )
        if n <= 50:
            t0 = timeit.default_timer()
            res = slsqp(fs, meas)
            ts = timeit.default_timer() - t0
            print(
                f"  SLSQP same problem: {ts * 1e3:.1f} ms (success={res.success}, "
                f"objective {res.fun:.2f} vs {r.chi2:.2f}); ratio {ts / t:.0f}x"
            )
    fs, meas, _ = chain_measurements(5, periods=10_000)
    t = best(lambda: reconcile(fs, meas), 3)
    print(f"chain-5 x 10,000 periods batched: {t:.3f} s")


if __name__ == "__main__":
    main()
