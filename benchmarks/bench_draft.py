"""Benchmark of drafting and screening: ``python benchmarks/bench_draft.py``.

1. ``draft_release`` on the seed's published text, in process (goal < 50 ms):
   the first call of a fresh interpreter (vocabulary loaded, regular
   expressions compiled) and the median of repeated calls.
2. ``draft_release`` on a 40-page PDF text (goal < 2 s): the two text copies
   of ``tests/reference/published/`` (a single-spaced Marketwire copy and a
   PDF text layer with one cell per line), their pages repeated and separated
   by form feeds as ``pdftotext`` separates pages; median of 3 in process.
3. ``massbalance check`` over 200 release files (copies of the example and of
   the reference releases) with ``--jobs 1`` and ``--jobs 2`` in the same run
   (goal: ``--jobs 2`` at least 1.6x faster).

Prints a Markdown table for ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [
    ROOT.parent.parent / "shared" / "seeds" / "000_2d7d3e0911ae9488.txt",
    ROOT.parent / "shared" / "seeds" / "000_2d7d3e0911ae9488.txt",
]


def _first_call(seed: Path) -> float:
    code = (
        "import time; from massbalance.io.draft import draft_release;"
        f"t = time.perf_counter(); draft_release({str(seed)!r});"
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return float(out.stdout.strip())


def bench_seed(repeat: int) -> tuple[float, float]:
    from massbalance.io.draft import draft_release

    seed = next(p for p in SEEDS if p.exists())
    first = statistics.median(_first_call(seed) for _ in range(3))
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        draft_release(seed)
        times.append(time.perf_counter() - t)
    return first, statistics.median(times)


PUBLISHED = ROOT / "tests" / "reference" / "published"


def pdf_text(pages: int) -> str:
    """A ``pages``-page text: the stored text copies, one per page, repeated."""
    copies = [
        (PUBLISHED / name).read_text("utf-8")
        for name in ("alexco-2011q3.txt", "fortuna-san-jose-2014.txt")
    ]
    return "\f".join(copies[k % len(copies)] for k in range(pages))


def bench_pages(pages: int, repeat: int = 3) -> tuple[float, int]:
    from massbalance.io.draft import draft_release

    text = pdf_text(pages)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        draft_release(text)
        times.append(time.perf_counter() - t)
    return statistics.median(times), len(text.splitlines())


def _wait_for_load(below: float, at_most: float) -> float:
    """Wait (up to ``at_most`` s) for the 1-minute load average to drop below ``below``."""
    deadline = time.monotonic() + at_most
    while os.getloadavg()[0] >= below and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def bench_screen(
    n: int, jobs: list[int], rounds: int = 2, quiet_load: float = 0.0, wait: float = 0
) -> tuple[dict[int, float], list[tuple[int, float, float, float, float]]]:
    """Best time of ``massbalance check FOLDER --jobs j`` for each j, interleaved.

    Returns the best times and every run as (jobs, seconds, load average
    before, load average after, CPU seconds the run's processes used).
    """
    sources = [ROOT / "examples" / "alexco-2012-q1.toml"]
    sources += sorted((ROOT / "tests" / "reference" / "releases").glob("*.toml"))
    folder = Path(tempfile.mkdtemp(prefix="mb-screen-"))
    log: list[tuple[int, float, float, float, float]] = []
    try:
        for k in range(n):
            src = sources[k % len(sources)]
            shutil.copy(src, folder / f"{k:03d}-{src.name}")
        runs: dict[int, list[float]] = {j: [] for j in jobs}
        for _ in range(rounds):  # interleaved, so that a change of load hits both
            for j in jobs:
                before = (
                    _wait_for_load(quiet_load, wait) if wait else os.getloadavg()[0]
                )
                cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "massbalance", "check", str(folder),
                     "--jobs", str(j), "--format", "csv"],
                    capture_output=True, check=False, cwd=ROOT,
                )  # fmt: skip
                runs[j].append(time.perf_counter() - t)
                now = resource.getrusage(resource.RUSAGE_CHILDREN)
                used = (now.ru_utime + now.ru_stime) - (cpu.ru_utime + cpu.ru_stime)
                log.append((j, runs[j][-1], before, os.getloadavg()[0], used))
                print(
                    f"  --jobs {j}: {runs[j][-1]:.1f} s, {used:.1f} CPU s "
                    f"(load {before:.2f} before, {log[-1][3]:.2f} after)",
                    file=sys.stderr,
                    flush=True,
                )
        return {j: min(ts) for j, ts in runs.items()}, log
    finally:
        shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument(
        "--no-screen", action="store_true", help="leave out the screening run"
    )
    parser.add_argument("--rounds", type=int, default=2, help="screening rounds")
    parser.add_argument(
        "--quiet-load",
        type=float,
        default=2.5,
        help="before each screening run, wait for the 1-minute load below this",
    )
    parser.add_argument(
        "--wait", type=float, default=0, help="wait at most this long (s) for it"
    )
    args = parser.parse_args()
    first, warm = bench_seed(args.repeat)
    pages, lines = bench_pages(args.pages)
    screen, log = (
        ({}, [])
        if args.no_screen
        else bench_screen(args.files, [1, 2], args.rounds, args.quiet_load, args.wait)
    )
    load = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load {load:.1f}"
    )
    print()
    print("| measurement | time | goal |")
    print("|---|---|---|")
    print(
        f"| draft the seed's text, first call in a fresh process | {first * 1e3:.1f} ms | < 50 ms |"
    )
    print(
        f"| draft the seed's text, warm (median of {args.repeat}) | {warm * 1e3:.1f} ms | < 50 ms |"
    )
    print(
        f"| draft a {args.pages}-page PDF text ({lines} lines), median of 3 | {pages:.2f} s | < 2 s |"
    )
    if not screen:
        return
    best = f"best of {args.rounds}"
    print(f"| check {args.files} files, --jobs 1 ({best}) | {screen[1]:.1f} s | |")
    print(f"| check {args.files} files, --jobs 2 ({best}) | {screen[2]:.1f} s | |")
    print(
        f"| speed-up of --jobs 2 over --jobs 1 (same run) | {screen[1] / screen[2]:.2f}x | >= 1.6x |"
    )
    print()
    print(
        "| round | --jobs 1 (CPU s) | --jobs 2 (CPU s) | ratio "
        "| CPUs obtained, --jobs 1 / 2 | load average (1 min) |"
    )
    print("|---|---|---|---|---|---|")
    for k in range(0, len(log) - 1, 2):
        (_, one, l0, l1, c1), (_, two, l2, l3, c2) = log[k], log[k + 1]
        loads = f"{min(l0, l1, l2, l3):.2f}-{max(l0, l1, l2, l3):.2f}"
        print(
            f"| {k // 2 + 1} | {one:.1f} s ({c1:.1f}) | {two:.1f} s ({c2:.1f}) "
            f"| {one / two:.2f}x | {c1 / one:.2f} / {c2 / two:.2f} | {loads} |"
        )


if __name__ == "__main__":
    main()
