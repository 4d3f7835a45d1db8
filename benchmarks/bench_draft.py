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


def bench_screen(n: int, jobs: list[int], rounds: int = 2) -> dict[int, float]:
    sources = [ROOT / "examples" / "alexco-2012-q1.toml"]
    sources += sorted((ROOT / "tests" / "reference" / "releases").glob("*.toml"))
    folder = Path(tempfile.mkdtemp(prefix="mb-screen-"))
    try:
        for k in range(n):
            src = sources[k % len(sources)]
            shutil.copy(src, folder / f"{k:03d}-{src.name}")
        runs: dict[int, list[float]] = {j: [] for j in jobs}
        for _ in range(rounds):  # interleaved, so that a change of load hits both
            for j in jobs:
                t = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "massbalance", "check", str(folder),
                     "--jobs", str(j), "--format", "csv"],
                    capture_output=True, check=False, cwd=ROOT,
                )  # fmt: skip
                runs[j].append(time.perf_counter() - t)
        return {j: min(ts) for j, ts in runs.items()}
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
    args = parser.parse_args()
    first, warm = bench_seed(args.repeat)
    pages, lines = bench_pages(args.pages)
    screen = {} if args.no_screen else bench_screen(args.files, [1, 2])
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
    print(f"| check {args.files} files, --jobs 1 (best of 2) | {screen[1]:.1f} s | |")
    print(f"| check {args.files} files, --jobs 2 (best of 2) | {screen[2]:.1f} s | |")
    print(
        f"| speed-up of --jobs 2 over --jobs 1 (same run) | {screen[1] / screen[2]:.2f}x | >= 1.6x |"
    )


if __name__ == "__main__":
    main()
