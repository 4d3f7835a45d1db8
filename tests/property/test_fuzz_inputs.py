"""Seeded mutation fuzzing of the three input kinds through the CLI entry point:
no exception escapes, every exit code is 0-3, every stderr line is the tool's
(at most one per problem), and the input file is never modified.

The large run is ``benchmarks/fuzz_inputs.py``; this one takes the quicker
seed files so that a few hundred mutations stay well under a minute.
"""

from __future__ import annotations

import collections
import random
from pathlib import Path

import pytest

from massbalance.cli import main
from massbalance.io._loader import load_toml
from massbalance.testing.mutations import COMMANDS, Outcome, dumps_toml, mutate, run

ROOT = Path(__file__).resolve().parents[2]
RELEASES = ROOT / "tests" / "reference" / "releases"
SEEDS = [
    *[("release", RELEASES / f"{name}.toml") for name in (
        "alexco-2011q3", "alexco-2012q3", "consolidated-zinc-2019q4", "copper-mountain-2013q2",
        "greatbasin-hollister-2008-midas", "imperial-mount-polley-2025q1",
        "metals-x-nifty-2019q3", "mmg-2022q2-changes",
    )],
    *[("balance", p) for p in sorted((ROOT / "tests" / "data" / "balance").glob("*.toml"))],
    ("plant", ROOT / "examples" / "pbzn_month.toml"),
    *[("plant", p) for p in sorted((ROOT / "tests" / "reference" / "reconcile").glob("*.toml"))],
]  # fmt: skip
N = 300


@pytest.mark.parametrize(("kind", "path"), SEEDS, ids=[p.name for _, p in SEEDS])
def test_the_toml_writer_round_trips_every_seed(kind, path):
    doc = load_toml(path)
    assert load_toml_text(dumps_toml(doc)) == doc


def load_toml_text(text: str):
    from massbalance.io._loader import loads_toml

    return loads_toml(text)


def test_mutated_inputs_never_crash_the_cli(tmp_path):
    rng = random.Random(20261208)
    parsed = {path: load_toml(path) for _, path in SEEDS}
    outcomes: list[Outcome] = []
    for k in range(N):
        kind, source = rng.choice(SEEDS)
        name, data = mutate(rng, source.read_bytes(), parsed[source])
        path = tmp_path / f"m{k}.toml"
        path.write_bytes(data)
        for argv in COMMANDS[kind]:
            outcome = run(main, argv, path, name, timeout=60)
            assert outcome.problems == [], (source.name, name, data[:2000], outcome)
            outcomes.append(outcome)
        assert path.read_bytes() == data
    codes = collections.Counter(o.code for o in outcomes)
    mutations = collections.Counter(o.mutation for o in outcomes)
    # the mutations reach past the reader: some files still read and check
    assert codes[2] > 0
    assert codes[0] + codes[1] > 0
    assert len(mutations) >= 8
