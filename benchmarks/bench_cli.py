"""Start-up of the command line: run with ``python benchmarks/bench_cli.py``.

Times, as fresh processes, ``massbalance --version`` (goal < 0.3 s),
``massbalance help release-format`` and ``massbalance check`` on the seed,
each as a ratio to ``python -c pass`` measured in the same run (the cost of
starting Python at all). ``--baseline DIR`` also times ``--version`` with the
package of another checkout (a ``git worktree`` of an earlier commit), whose
console script imported the whole library first.

Prints a Markdown table for ``docs/performance.md``; wall-clock medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "alexco-2012-q1.toml"

# What the installed console script runs, written out so the launcher is timed
# the same way whether or not this checkout is installed.
LAUNCH = "import sys; from massbalance._launch import main; sys.exit(main())"
OLD_LAUNCH = "import sys; from massbalance.cli import main; sys.exit(main())"


def _median(command: list[str], repeat: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--baseline", type=Path, help="checkout of an earlier commit")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    py = sys.executable
    rows = [
        ("python -c pass", [py, "-c", "pass"], env),
        ("massbalance --version", [py, "-c", LAUNCH, "--version"], env),
        (
            "massbalance help release-format",
            [py, "-c", LAUNCH, "help", "release-format"],
            env,
        ),
        ("massbalance check (the seed)", [py, "-c", LAUNCH, "check", str(SEED)], env),
    ]
    if args.baseline is not None:
        base_env = dict(os.environ, PYTHONPATH=str(args.baseline.resolve()))
        rows.append(
            (
                "massbalance --version, baseline",
                [py, "-c", OLD_LAUNCH, "--version"],
                base_env,
            )
        )
    results = [(name, _median(cmd, args.repeat, e)) for name, cmd, e in rows]
    bare = results[0][1]
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {args.repeat}"
    )
    print()
    print("| command | wall time | ratio to `python -c pass` |")
    print("|---|---:|---:|")
    for name, seconds in results:
        print(f"| {name} | {seconds * 1000:.0f} ms | {seconds / bare:.1f} |")
    version = results[1][1]
    verdict = "meets" if version < 0.3 else "MISSES"
    print()
    print(f"--version: {version * 1000:.0f} ms, {verdict} the 0.3 s goal")


if __name__ == "__main__":
    main()
