"""Benchmark: three_product over 1,000,000 scenarios as arrays; scalar overhead.

Run from the repository root::

    python benchmarks/bench_solve.py            # N = 1,000,000
    python benchmarks/bench_solve.py --n 100000
    python benchmarks/bench_solve.py --overhead --baseline /tmp/base

``--overhead`` times (CPU time, best of several rounds) one scalar
``two_product`` and one ``Stream.contained()`` against the same arithmetic in
plain pint, and three_product on 10^6 scenarios, for this tree and, with
``--baseline DIR``, for another checkout of massbalance in a subprocess of the
same run (``git worktree add /tmp/base 71644da``).

Compares, in the same run,
  * massbalance.solve.three_product on arrays (Quantities in, Quantities out),
  * the float kernel alone (massbalance.solve._kernels.three_product),
  * a plain Python loop of scalar massbalance.solve.three_product calls
    (fewer calls, extrapolated to N -- the output says how many),
  * minelab 0.1.1's three_product in a loop, if minelab is installed
    (also fewer calls, extrapolated).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

from massbalance import Q_
from massbalance.solve import _kernels, three_product


def scenarios(n: int, seed: int = 1) -> dict[str, np.ndarray]:
    """Balanced Pb-Zn circuits: product assays vary, the feed follows."""
    rng = np.random.default_rng(seed)
    g = {
        "c1_pb": rng.uniform(0.55, 0.70, n),
        "c1_zn": rng.uniform(0.03, 0.08, n),
        "c2_pb": rng.uniform(0.01, 0.03, n),
        "c2_zn": rng.uniform(0.40, 0.55, n),
        "t_pb": rng.uniform(0.005, 0.015, n),
        "t_zn": rng.uniform(0.01, 0.03, n),
    }
    y1 = rng.uniform(0.12, 0.18, n)
    y2 = rng.uniform(0.05, 0.09, n)
    yt = 1 - y1 - y2
    g["f_pb"] = y1 * g["c1_pb"] + y2 * g["c2_pb"] + yt * g["t_pb"]
    g["f_zn"] = y1 * g["c1_zn"] + y2 * g["c2_zn"] + yt * g["t_zn"]
    return g


def assays(g: dict[str, np.ndarray], prefix: str, sl: slice | int) -> dict:
    return {"Pb": Q_(g[f"{prefix}_pb"][sl], ""), "Zn": Q_(g[f"{prefix}_zn"][sl], "")}


def solve_all(g: dict[str, np.ndarray]) -> None:
    """three_product on every scenario of ``g`` at once."""
    everything = slice(None)
    three_product(
        assays(g, "f", everything),
        assays(g, "c1", everything),
        assays(g, "c2", everything),
        assays(g, "t", everything),
    )


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def cpu_per_call(fn, calls: int, rounds: int = 7) -> float:
    """Best CPU time of one call over ``rounds`` rounds of ``calls`` calls [s]."""
    times = []
    for _ in range(rounds):
        t0 = time.process_time()
        for _ in range(calls):
            fn()
        times.append((time.process_time() - t0) / calls)
    return min(times)


def overhead(n: int) -> dict[str, float]:
    """CPU times of the scalar calls, their plain-pint equivalents, and 10^6
    three-product scenarios, for the massbalance this interpreter imports."""
    from massbalance import Stream, ureg
    from massbalance.solve import two_product

    f, c, t = Q_(5.0, "%"), Q_(60.0, "%"), Q_(0.5, "%")
    if "feed_grade" in inspect.signature(two_product).parameters:  # before 0.2

        def ours() -> None:
            two_product(f, c, t)

    else:
        feed, conc, tail = {"Pb": f}, {"Pb": c}, {"Pb": t}

        def ours() -> None:
            two_product(feed, conc, tail)

    def plain_two() -> None:
        y = ((f - t) / (c - t)).to("percent")
        (y * c / f).to("percent")

    mass, grade = Q_(3376.0, "t"), Q_(5144.0, "g/t")
    stream = Stream(name="pb_conc", dry_mass=mass, grades={"Ag": grade})
    troy = ureg.troy_ounce

    def ours_contained() -> None:
        stream.contained("Ag").to(troy)

    def plain_contained() -> None:
        (mass * grade).to(troy)

    g = scenarios(n)

    def vector() -> None:
        solve_all(g)

    for fn in (ours, plain_two, ours_contained, plain_contained):
        fn()  # warm the caches
    t0 = time.process_time()
    vector()
    best_vector = time.process_time() - t0
    for _ in range(2):
        t0 = time.process_time()
        vector()
        best_vector = min(best_vector, time.process_time() - t0)
    return {
        "two_product": cpu_per_call(ours, 2000),
        "plain_two_product": cpu_per_call(plain_two, 2000),
        "contained": cpu_per_call(ours_contained, 5000),
        "plain_contained": cpu_per_call(plain_contained, 5000),
        "three_product_1e6": best_vector,
    }


def report_overhead(n: int, baseline: str | None) -> None:
    runs = {"this tree": overhead(n)}
    if baseline:
        env = dict(os.environ, PYTHONPATH=os.path.abspath(baseline))
        code = (
            "import json, sys; sys.path.insert(0, 'benchmarks'); import bench_solve; "
            f"print(json.dumps(bench_solve.overhead({n})))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs[f"baseline {baseline}"] = json.loads(out.splitlines()[-1])
    print(f"python {platform.python_version()}, numpy {np.__version__}; CPU times")
    for name, r in runs.items():
        print(
            f"{name}:\n"
            f"  two_product (scalar)   {r['two_product'] * 1e6:7.1f} us   plain pint "
            f"{r['plain_two_product'] * 1e6:6.1f} us   ratio "
            f"{r['two_product'] / r['plain_two_product']:.2f}\n"
            f"  Stream.contained       {r['contained'] * 1e6:7.1f} us   plain pint "
            f"{r['plain_contained'] * 1e6:6.1f} us   ratio "
            f"{r['contained'] / r['plain_contained']:.2f}\n"
            f"  three_product, N={n:,}  {r['three_product_1e6']:7.3f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--overhead", action="store_true")
    parser.add_argument("--baseline", default=None, help="another checkout to time")
    parser.add_argument("--loop", type=int, default=2_000, help="scalar calls timed")
    parser.add_argument("--peer-loop", type=int, default=50_000)
    args = parser.parse_args()
    n = args.n
    if args.overhead:
        report_overhead(n, args.baseline)
        return
    g = scenarios(n)

    def vector() -> None:
        solve_all(g)

    def kernel() -> None:
        _kernels.three_product(
            g["f_pb"],
            g["f_zn"],
            g["c1_pb"],
            g["c1_zn"],
            g["c2_pb"],
            g["c2_zn"],
            g["t_pb"],
            g["t_zn"],
        )

    k = min(args.loop, n)
    scalar = {key: [Q_(float(v), "") for v in arr[:k]] for key, arr in g.items()}

    def loop() -> None:
        for i in range(k):
            three_product(
                {"Pb": scalar["f_pb"][i], "Zn": scalar["f_zn"][i]},
                {"Pb": scalar["c1_pb"][i], "Zn": scalar["c1_zn"][i]},
                {"Pb": scalar["c2_pb"][i], "Zn": scalar["c2_zn"][i]},
                {"Pb": scalar["t_pb"][i], "Zn": scalar["t_zn"][i]},
            )

    t_vec = best(vector)
    t_ker = best(kernel)
    t_loop = best(loop, repeat=1) / k * n

    peer = None
    try:
        import minelab
        from minelab.mineral_processing.mass_balance import three_product as ml3
    except ImportError:
        pass
    else:
        kp = min(args.peer_loop, n)
        plain = {key: arr[:kp].tolist() for key, arr in g.items()}

        def peer_loop() -> None:
            for i in range(kp):
                ml3(
                    plain["f_pb"][i] * 100,
                    plain["f_zn"][i] * 100,
                    plain["c1_pb"][i] * 100,
                    plain["c1_zn"][i] * 100,
                    plain["c2_pb"][i] * 100,
                    plain["c2_zn"][i] * 100,
                    plain["t_pb"][i] * 100,
                    plain["t_zn"][i] * 100,
                )

        t_peer = best(peer_loop, repeat=1)
        peer = (minelab.__version__, kp, t_peer / kp, t_peer / kp * n)

    print(f"machine: {platform.machine()} {platform.processor() or ''}".strip())
    print(f"python {platform.python_version()}, numpy {np.__version__}")
    print(f"scenarios N = {n:,}")
    print(
        f"three_product, arrays (Quantities):  {t_vec:8.3f} s   "
        f"({t_vec / n * 1e9:.0f} ns per scenario)"
    )
    print(f"float kernel alone:                   {t_ker:8.3f} s")
    print(
        f"scalar massbalance calls in a loop:   {t_loop:8.1f} s for N "
        f"(timed {k:,} calls, {t_loop / n * 1e6:.0f} us each, extrapolated)"
    )
    print(f"  arrays are {t_loop / t_vec:,.0f}x faster than the loop")
    if peer is None:
        print("minelab: not installed (pip install minelab==0.1.1 to compare)")
    else:
        version, kp, per_call, total = peer
        print(
            f"minelab {version} three_product loop: {total:8.1f} s for N "
            f"(timed {kp:,} calls, {per_call * 1e6:.1f} us each, extrapolated)"
        )
        print(f"  arrays are {total / t_vec:,.0f}x faster than minelab's loop")


if __name__ == "__main__":
    main()
