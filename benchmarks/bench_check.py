"""Benchmark of the release check (issue 2): run with ``python benchmarks/bench_check.py``.

Three measurements, each against the goal the issue names:

1. ``check_release`` on the seed release, in process (goal < 50 ms);
2. ``massbalance check examples/alexco-2012-q1.toml`` as a fresh process,
   cold (goal < 1.5 s);
3. a synthetic 40-quarter release of about 1,000 figures with three figures
   moved by 8-20 %, culprit search included (goal < 5 s).

Prints a Markdown table for ``docs/performance.md``. Times are wall-clock
medians; CPU times are given too because a shared machine inflates wall time.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from massbalance.io import loads_release, read_release
from massbalance.release import check_release
from massbalance.testing.releases import synthetic_release

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "alexco-2012-q1.toml"


def _time(func, repeat: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    rows = []
    release = read_release(SEED)
    check_release(release)  # warm caches of imports
    for rounding in ("nearest", "either", "truncate"):
        wall, cpu = _time(lambda r=rounding: check_release(release, rounding=r), 5)
        rows.append((f"seed, in process, {rounding}", wall, cpu, "< 0.050 s"))

    walls = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "massbalance", "check", str(SEED)],
            capture_output=True,
            check=False,
        )
        walls.append(time.perf_counter() - start)
    rows.append(("seed, CLI, fresh process", statistics.median(walls), None, "< 1.5 s"))

    generated, moved = synthetic_release(40, seed=1, errors=3)
    big = loads_release(generated.text)
    n_figures = len(big.figures())
    report = check_release(big)
    found = {frozenset(c.figures) for c in report.culprits}
    assert frozenset(moved) in found, (moved, found)
    wall, cpu = _time(lambda: check_release(big), 3)
    rows.append(
        (f"synthetic, 40 quarters, {n_figures} figures, 3 culprits", wall, cpu, "< 5 s")
    )
    clean, _ = synthetic_release(40, seed=1, errors=0)
    clean_release = loads_release(clean.text)
    wall, cpu = _time(lambda: check_release(clean_release), 3)
    rows.append(
        (f"synthetic, 40 quarters, {n_figures} figures, consistent", wall, cpu, "-")
    )

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print()
    print("| case | wall (median) | CPU (median) | goal |")
    print("|---|---|---|---|")
    for name, wall, cpu, goal in rows:
        cpu_text = "-" if cpu is None else f"{cpu:.3f} s"
        print(f"| {name} | {wall:.3f} s | {cpu_text} | {goal} |")


if __name__ == "__main__":
    main()
