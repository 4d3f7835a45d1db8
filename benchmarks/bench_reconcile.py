"""Benchmark of massbalance.reconcile on chain-N.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_reconcile.py``.

With ``--plant``, only the plant-file part: chain-N written by
``chain_plant_toml`` (every even unit's tail unmeasured), read back and
reconciled as ``massbalance reconcile FILE --format json`` does (gross-error
search and the JSON report included), each in a fresh subprocess that reports
its time (after imports) and peak memory (``ru_maxrss``). Set
``MASSBALANCE_BASELINE`` to another checkout of the package to measure it in
the same run.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path

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


_CHILD = """
import resource, sys, time
import scipy.sparse.linalg, scipy.stats
from massbalance.io import read_plant
from massbalance.reconciliation import reconcile
from massbalance.report import render_reconciliation
t0 = time.perf_counter()
data = read_plant(sys.argv[1])
t1 = time.perf_counter()
r = reconcile(data.flowsheet, data.measurements, gross_errors=True)
t2 = time.perf_counter()
render_reconciliation(r, "json")
t3 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{t3 - t0:.2f} s (read {t1 - t0:.2f}, reconcile {t2 - t1:.2f}, report "
      f"{t3 - t2:.2f}), {rss:.0f} MB, dof {r.dof}, {r.n_iter} iterations, "
      f"{len(r.gross_errors)} gross errors")
"""


def plant(sizes=(200, 500, 1000), timeout=300.0) -> None:
    """Chain-N plant files with unmeasured streams, current code and baseline."""
    from massbalance.reconciliation._chain import chain_plant_toml

    here = Path(__file__).resolve().parents[1]
    trees = [("current", here)]
    if os.environ.get("MASSBALANCE_BASELINE"):
        trees.append(("baseline", Path(os.environ["MASSBALANCE_BASELINE"])))
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"chain{n}.toml"
            path.write_text(chain_plant_toml(n))
            for label, tree in trees:
                env = dict(os.environ, PYTHONPATH=str(tree), OPENBLAS_NUM_THREADS="1")
                t0 = timeit.default_timer()
                try:
                    run = subprocess.run(
                        [sys.executable, "-c", _CHILD, str(path)],
                        capture_output=True,
                        text=True,
                        env=env,
                        timeout=timeout,
                        check=False,
                    )
                    out = run.stdout.strip() or run.stderr.strip().splitlines()[-1]
                except subprocess.TimeoutExpired:
                    out = f"killed after {timeout:.0f} s"
                wall = timeit.default_timer() - t0
                print(f"plant chain-{n} {label}: {out}; process {wall:.2f} s")


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
    if "--plant" in sys.argv:
        plant()
    else:
        main()
