"""Benchmark: reading and validating an input file in process.

Run from the repository root::

    python benchmarks/bench_read.py                       # the seed release
    python benchmarks/bench_read.py --base /tmp/base      # also time another checkout

Times (CPU time of this process, so that other work on a shared machine
counts less), best of ``--repeat`` runs of ``--number`` calls each, and best over
``--rounds`` rounds,
  * ``load_toml`` (bytes, UTF-8 and nesting checks, tomllib),
  * the schema validation of the parsed document,
  * ``read_release`` end to end (load, validate, cross-references, figures),
and, with ``--base``, ``read_release`` of the checkout at that path (its own
reader, run in a subprocess with that checkout first on ``sys.path``), so the
ratio is measured in the same run on the same machine (the rounds alternate
the two checkouts).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
import timeit

from massbalance.io import read_release
from massbalance.io._loader import load_toml
from massbalance.io._schema import find_problems

_BASE = """
import sys, time, timeit
sys.path.insert(0, {root!r})
from massbalance.io import read_release
t = min(timeit.repeat(lambda: read_release({file!r}), number={number}, repeat={repeat}, timer=time.process_time))
print(t / {number})
"""


def per_call(fn, number: int, repeat: int) -> float:
    """Best CPU time of one call, in seconds (CPU time: the machine is shared)."""
    runs = timeit.repeat(fn, number=number, repeat=repeat, timer=time.process_time)
    return min(runs) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default="examples/alexco-2012-q1.toml")
    parser.add_argument("--number", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--base", help="another checkout to time for the ratio")
    args = parser.parse_args()

    data = load_toml(args.file)
    assert find_problems(data, "release") == []
    best: dict[str, float] = {}

    def note(name: str, seconds: float) -> None:
        best[name] = min(best.get(name, seconds), seconds)

    # alternate the two checkouts over the rounds, so that a busy machine
    # slows both alike; keep the best of each
    for _ in range(args.rounds):
        note("load", per_call(lambda: load_toml(args.file), args.number, args.repeat))
        note(
            "check",
            per_call(lambda: find_problems(data, "release"), args.number, args.repeat),
        )
        note(
            "read", per_call(lambda: read_release(args.file), args.number, args.repeat)
        )
        if args.base:
            note("base", base_read(args))
    print(
        f"{args.file} on {platform.python_implementation()} {platform.python_version()}"
    )
    print(f"load_toml           {best['load'] * 1e3:8.3f} ms")
    print(f"schema validation   {best['check'] * 1e3:8.3f} ms")
    print(f"read_release        {best['read'] * 1e3:8.3f} ms   (goal < 5 ms)")
    if args.base:
        ratio = best["read"] / best["base"]
        print(f"read_release, base  {best['base'] * 1e3:8.3f} ms   ratio {ratio:.2f}")
    assert best["read"] < 5e-3, f"read_release took {best['read'] * 1e3:.2f} ms"


def base_read(args: argparse.Namespace) -> float:
    """Best time of one ``read_release`` of the checkout at ``args.base``."""
    code = _BASE.format(
        root=os.path.abspath(args.base),
        file=os.path.abspath(args.file),
        number=args.number,
        repeat=args.repeat,
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.path.abspath(args.base)},
    )
    return float(out.stdout.strip())


if __name__ == "__main__":
    main()
