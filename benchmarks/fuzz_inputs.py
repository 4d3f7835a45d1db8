"""Fuzz the three input readers and the CLI with seeded mutations.

Run from the repository root::

    python benchmarks/fuzz_inputs.py                       # 20,000 mutations, seed 1
    python benchmarks/fuzz_inputs.py --n 2000 --seed 7
    python benchmarks/fuzz_inputs.py --save /tmp/crashes   # keep each crashing file

Each mutation (``massbalance.testing.mutations``) changes one valid file,
drawn in inverse proportion to the time its commands take unmutated --
releases: ``examples/alexco-2012-q1.toml`` and ``tests/reference/releases``;
balance files: ``tests/data/balance``; plant files: ``examples/pbzn_month.toml``
and ``tests/reference/reconcile`` -- and runs it in process through
``massbalance.cli.main`` with every command of its kind (``check`` and
``reconcile --from-release`` for releases, ``balance``, ``reconcile``). An
outcome is acceptable when the exit code is 0-3, every stderr line comes from
the tool (at most one per problem), and the input file is unchanged. The
script prints the counts by command, exit code and mutation, the slowest runs,
and every unacceptable outcome grouped by place; it exits 1 if there was one.
"""

from __future__ import annotations

import argparse
import collections
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from massbalance.cli import main as cli_main
from massbalance.io._loader import load_toml
from massbalance.testing.mutations import COMMANDS, mutate, run

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {
    "release": [
        ROOT / "examples" / "alexco-2012-q1.toml",
        *sorted((ROOT / "tests" / "reference" / "releases").glob("*.toml")),
    ],
    "balance": sorted((ROOT / "tests" / "data" / "balance").glob("*.toml")),
    "plant": [
        ROOT / "examples" / "pbzn_month.toml",
        *sorted((ROOT / "tests" / "reference" / "reconcile").glob("*.toml")),
    ],
}


def fuzz(n: int, seed: int, save: Path | None, timeout: int) -> int:
    rng = random.Random(seed)
    files = [(kind, path) for kind, paths in SEEDS.items() for path in paths]
    parsed = {path: load_toml(path) for _, path in files}
    # a seed is drawn in inverse proportion to the time its commands take
    # unmutated, so that the few slow releases do not take the whole budget
    cost = {}
    for kind, path in files:
        cost[path] = sum(run(cli_main, argv, path).seconds for argv in COMMANDS[kind])
    weights = [1 / (cost[path] + 0.02) for _, path in files]
    print("seeds (seconds unmutated, share of draws):")
    for (_, path), w in zip(files, weights, strict=True):
        print(f"  {path.name:45} {cost[path]:6.3f} s  {w / sum(weights):6.1%}")
    counts: collections.Counter[tuple[str, ...]] = collections.Counter()
    bad: dict[str, list[str]] = collections.defaultdict(list)
    slow: list[tuple[float, str]] = []
    runs = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="massbalance-fuzz-") as tmp:
        for k in range(n):
            kind, source = rng.choices(files, weights)[0]
            name, data = mutate(rng, source.read_bytes(), parsed[source])
            path = Path(tmp) / f"m{k}.toml"
            path.write_bytes(data)
            for argv in COMMANDS[kind]:
                outcome = run(cli_main, argv, path, name, timeout=timeout)
                runs += 1
                command = " ".join(argv)
                counts[(command, str(outcome.code))] += 1
                counts[("mutation", name)] += 1
                slow.append((outcome.seconds, f"{command} {source.name} ({name})"))
                for problem in outcome.problems:
                    key = problem[:110]
                    bad[key].append(f"{command} {source.name} {name} #{k}")
                    if save is not None:
                        save.mkdir(parents=True, exist_ok=True)
                        shutil.copy(path, save / f"m{k}-{source.stem}.toml")
            path.unlink()
            if (k + 1) % 1000 == 0:
                print(
                    f"  {k + 1:,} mutations, {time.perf_counter() - start:.0f} s",
                    file=sys.stderr,
                )
    elapsed = time.perf_counter() - start
    print(f"{n:,} mutated files, {runs:,} runs, seed {seed}, {elapsed:.0f} s")
    for key in sorted(counts):
        if key[0] != "mutation":
            print(f"  {key[0]:28} exit {key[1]:>4}: {counts[key]:,}")
    print(
        "  mutations: "
        + ", ".join(
            f"{k[1]} {v:,}" for k, v in sorted(counts.items()) if k[0] == "mutation"
        )
    )
    print(
        "  slowest: " + "; ".join(f"{s:.2f} s {what}" for s, what in sorted(slow)[-3:])
    )
    total = sum(len(v) for v in bad.values())
    print(f"unacceptable outcomes: {total} at {len(bad)} places")
    for key, where in sorted(bad.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(where):5}  {key}   e.g. {where[0]}")
    return 1 if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="mutated files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=120, help="seconds per run")
    parser.add_argument("--save", type=Path, help="copy files with a bad outcome here")
    args = parser.parse_args()
    sys.exit(fuzz(args.n, args.seed, args.save, args.timeout))


if __name__ == "__main__":
    main()
