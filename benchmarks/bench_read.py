"""Benchmark: reading and validating an input file in process.

Run from the repository root::

    python benchmarks/bench_read.py                       # the seed release
    python benchmarks/bench_read.py --base /tmp/base      # also time another checkout

Times, best of ``--repeat`` runs of ``--number`` calls each,
  * ``load_toml`` (bytes, UTF-8 and nesting checks, tomllib),
  * the schema validation of the parsed document,
  * ``read_release`` end to end (load, validate, cross-references, figures),
and, with ``--base``, ``read_release`` of the checkout at that path (its own
reader, run in a subprocess with that checkout first on ``sys.path``), so the
ratio is measured in the same run on the same machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import timeit

from massbalance.io import read_release
from massbalance.io._loader import load_toml
from massbalance.io._schema import find_problems

_BASE = """
import sys, timeit
sys.path.insert(0, {root!r})
from massbalance.io import read_release
t = min(timeit.repeat(lambda: read_release({file!r}), number={number}, repeat={repeat}))
print(t / {number})
"""


def per_call(fn, number: int, repeat: int) -> float:
    """Best time of one call, in seconds."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default="examples/alexco-2012-q1.toml")
    parser.add_argument("--number", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--base", help="another checkout to time for the ratio")
    args = parser.parse_args()

    data = load_toml(args.file)
    assert find_problems(data, "release") == []
    load = per_call(lambda: load_toml(args.file), args.number, args.repeat)
    check = per_call(lambda: find_problems(data, "release"), args.number, args.repeat)
    read = per_call(lambda: read_release(args.file), args.number, args.repeat)
    print(
        f"{args.file} on {platform.python_implementation()} {platform.python_version()}"
    )
    print(f"load_toml           {load * 1e3:8.3f} ms")
    print(f"schema validation   {check * 1e3:8.3f} ms")
    print(f"read_release        {read * 1e3:8.3f} ms   (goal < 5 ms)")
    if args.base:
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
        base = float(out.stdout.strip())
        print(f"read_release, base  {base * 1e3:8.3f} ms   ratio {read / base:.2f}")
    assert read < 5e-3, f"read_release took {read * 1e3:.2f} ms, over 5 ms"


if __name__ == "__main__":
    main()
