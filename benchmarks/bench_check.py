"""Benchmark of the release check: run with ``python benchmarks/bench_check.py``.

Three measurements, each against the goal the issue names:

1. ``check_release`` on the seed release, in process (goal < 50 ms), both
   warm (the median of repeated checks) and as the first check of a fresh
   process (kernels compiled, caches empty);
2. ``massbalance check examples/alexco-2012-q1.toml`` as a fresh process,
   cold (goal < 1.5 s);
3. a synthetic 40-quarter release of about 1,000 figures with three figures
   moved by 8-20 %, culprit search included (goal < 5 s).

``--quarters N`` instead checks a consistent synthetic release of ``N``
quarters (400: about 10,000 figures, goal < 20 s and < 1 GB) in a fresh
process, reporting wall time and peak memory, here and with ``--baseline``.

``--baseline DIR`` also times 1 and 2 with the package of another checkout
(a ``git worktree`` of an earlier commit) in the same run, and prints the
ratios.

Prints a Markdown table for ``docs/performance.md``. Times are wall-clock
medians; CPU times are given too because a shared machine inflates wall time.
"""

from __future__ import annotations

import argparse
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


_SEED_TIMER = """
import statistics, sys, time
from massbalance.io import read_release
from massbalance.release import check_release
release = read_release(sys.argv[1])
start = time.perf_counter()
check_release(release)
first = time.perf_counter() - start
walls = []
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    check_release(release)
    walls.append(time.perf_counter() - start)
print(first, statistics.median(walls), min(walls))
"""


def _seed_in(package: Path, repeat: int) -> tuple[float, float, float]:
    """(first check, median, fastest) of the seed in a fresh process that
    imports massbalance from ``package``."""
    env = {**os.environ, "PYTHONPATH": str(package)}
    out = subprocess.run(
        [sys.executable, "-c", _SEED_TIMER, str(SEED), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=package,  # `python -c` puts the working directory first on the path
    )
    first, median, fastest = (float(x) for x in out.stdout.split())
    return first, median, fastest


def _cli(package: Path, repeat: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(package)}
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "massbalance", "check", str(SEED)],
            capture_output=True,
            check=False,
            env=env,
            cwd=package,
        )
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="checkout to compare with")
    args = parser.parse_args()
    rows = []
    release = read_release(SEED)
    check_release(release)  # warm caches of imports
    for rounding in ("nearest", "either", "truncate"):
        wall, cpu = _time(lambda r=rounding: check_release(release, rounding=r), 21)
        rows.append((f"seed, in process, {rounding}", wall, cpu, "< 0.050 s"))
    first, _, _ = _seed_in(ROOT, 1)
    rows.append(("seed, in process, first check of a fresh process", first, None, "-"))
    cli = _cli(ROOT, 9)
    rows.append(("seed, CLI, fresh process", cli, None, "< 1.5 s"))

    generated, moved = synthetic_release(40, seed=1, errors=3)
    big = loads_release(generated.text)
    n_figures = len(big.figures())
    report = check_release(big)
    cheapest = frozenset(report.culprits[0].figures) if report.culprits else None
    assert cheapest == frozenset(moved), (moved, cheapest)
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

    comparison = []
    if args.baseline is not None:
        for name, package in (("baseline", args.baseline), ("this checkout", ROOT)):
            first, median, fastest = _seed_in(package, 21)
            comparison.append((name, median, fastest, first, _cli(package, 9)))

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
    if comparison:
        print()
        print(f"baseline: {args.baseline}")
        print()
        print("| package | seed, median | seed, fastest | seed, first check | CLI |")
        print("|---|---|---|---|---|")
        for name, median, fastest, first, cli_wall in comparison:
            print(
                f"| {name} | {median:.4f} s | {fastest:.4f} s | {first:.4f} s "
                f"| {cli_wall:.2f} s |"
            )
        (_, b_med, b_min, b_first, b_cli), (_, c_med, c_min, c_first, c_cli) = (
            comparison
        )
        print(
            f"| ratio, baseline / this | {b_med / c_med:.1f}x | {b_min / c_min:.1f}x "
            f"| {b_first / c_first:.1f}x | {b_cli / c_cli:.1f}x |"
        )


_FAULTS_TIMER = """
import statistics, sys, time
from massbalance.io import loads_release, read_release
from massbalance.release import check_release
from massbalance.testing.releases import synthetic_release
seed = read_release(sys.argv[1])
check_release(seed)
walls = []
for _ in range(11):
    start = time.perf_counter()
    check_release(seed)
    walls.append(time.perf_counter() - start)
generated, moved = synthetic_release(40, seed=3, errors=10)
big = loads_release(generated.text)
start = time.perf_counter()
report = check_release(big)
faults = time.perf_counter() - start
groups = len(getattr(report, "disagreements", ()))
own = sum(
    1
    for fid in moved
    for d in getattr(report, "disagreements", ())
    if fid in d.figures and any(fid in c.figures for c in d.culprits)
)
print(statistics.median(walls), faults, groups, own, len(report.culprits))
"""


def _run_in(
    package: Path, code: str, *args: object, limit: float | None = None
) -> list[str]:
    """The words ``code`` prints, run by ``python -c`` in a fresh process
    that imports massbalance from ``package`` (stopped after ``limit`` s)."""
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(package)},
        cwd=package,  # `python -c` puts the working directory first on the path
        timeout=limit,
    )
    return out.stdout.split()


def disagreements_bench(baseline: Path | None) -> None:
    """The seed with its explanations, and 40 quarters with 10 planted faults
    (each fault its own disagreement, its figure among that one's culprit
    sets), here and in ``baseline``, each in a fresh process."""
    print()
    print(
        "| package | seed, median | 40 quarters, 10 faults | disagreements "
        "| faults in their own culprits | release-wide sets |"
    )
    print("|---|---|---|---|---|---|")
    for name, package in (("baseline", baseline), ("this checkout", ROOT)):
        if package is None:
            continue
        median, faults, groups, own, sets = _run_in(package, _FAULTS_TIMER, SEED)
        print(
            f"| {name} | {float(median):.4f} s | {float(faults):.2f} s | {groups} "
            f"| {own} of 10 | {sets} |"
        )


_LARGE_TIMER = """
import resource, sys, time
from massbalance.io import loads_release
from massbalance.release import check_release
from massbalance.testing.releases import synthetic_release
generated, _ = synthetic_release(int(sys.argv[1]), seed=1, errors=0)
release = loads_release(generated.text)
start = time.perf_counter()
report = check_release(release)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
print(len(release.figures()), report.verdict, wall, peak)
"""


def large_bench(quarters: int, baseline: Path | None, limit: float) -> None:
    """A consistent release of ``quarters`` synthetic quarters, checked in a
    fresh process here and in ``baseline``: wall time of ``check_release``
    and the process's peak resident memory (``ru_maxrss``, reading and
    generating included). A run past ``limit`` seconds is stopped."""
    print()
    print(f"consistent synthetic release, {quarters} quarters (goal < 20 s, < 1 GB)")
    print()
    print("| package | figures | verdict | check, wall | peak RSS |")
    print("|---|---|---|---|---|")
    for name, package in (("baseline", baseline), ("this checkout", ROOT)):
        if package is None:
            continue
        try:
            figures, verdict, wall, peak = _run_in(
                package, _LARGE_TIMER, quarters, limit=limit
            )
        except subprocess.TimeoutExpired:
            print(f"| {name} | - | stopped | > {limit:.0f} s | - |")
            continue
        print(
            f"| {name} | {figures} | {verdict} | {float(wall):.1f} s "
            f"| {float(peak):.0f} MB |"
        )


if __name__ == "__main__":
    if "--quarters" in sys.argv:
        # python benchmarks/bench_check.py --quarters 400 [--baseline DIR]
        large = argparse.ArgumentParser()
        large.add_argument("--quarters", type=int, required=True)
        large.add_argument("--baseline", type=Path)
        large.add_argument("--limit", type=float, default=600.0)
        options = large.parse_args()
        large_bench(options.quarters, options.baseline, options.limit)
    elif "--disagreements" in sys.argv:
        sys.argv.remove("--disagreements")
        base = None
        if "--baseline" in sys.argv:
            base = Path(sys.argv[sys.argv.index("--baseline") + 1])
        disagreements_bench(base)
    else:
        main()
