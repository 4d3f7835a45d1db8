"""Law: a correctly formed release with one format key renamed to a near miss
is refused, and the refusal names that key's path."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from massbalance.errors import FileFormatError
from massbalance.io import loads_release
from massbalance.io._loader import load_toml
from massbalance.io._schema import key_path, load_schema
from massbalance.testing.mutations import dumps_toml

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    ROOT / "examples" / "alexco-2012-q1.toml",
    ROOT / "tests" / "reference" / "releases" / "coeur-palmarejo-2018q4.toml",
    ROOT / "tests" / "reference" / "releases" / "alexco-2011q3.toml",
]
DOCS = {path.name: load_toml(path) for path in FILES}
FREE = {"source", "expected", "units"}  # tables whose keys are the user's


def _format_words(node: Any, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        out.update(node.get("properties", {}))
        for value in node.values():
            _format_words(value, out)
    elif isinstance(node, list):
        for value in node:
            _format_words(value, out)
    return out


WORDS = _format_words(load_schema("release"), set())


def _format_keys(
    node: Any, path: str, trail: tuple[Any, ...]
) -> list[tuple[str, tuple[Any, ...]]]:
    """(key path, trail of keys) of every key of the format in a document."""
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = key_path(path, key)
            if key in WORDS and not (set(trail) & FREE) and trail[-1:] != ("streams",):
                out.append((here, (*trail, key)))
            if key not in FREE:
                out += _format_keys(value, here, (*trail, key))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            out += _format_keys(value, key_path(path, k), (*trail, k))
    return out


KEYS = [
    (name, path, trail)
    for name, doc in DOCS.items()
    for path, trail in _format_keys(doc, "", ())
]


def test_the_law_covers_keys_at_every_level():
    paths = {path for _, path, _ in KEYS}
    for expected in (
        "release.rounding",
        "periods.2012Q1.start",
        "periods.2012Q1.streams.pb_conc.mass",
        "periods.2012Q1.recovery.Ag.value",
        "periods.2012Q1.contained.Ag.also",
        "changes[1].figure",
        "totals[1].parts",
    ):
        assert expected in paths
    assert len(KEYS) > 150


@st.composite
def near_misses(draw: st.DrawFn, key: str) -> str:
    letters = st.sampled_from("abcdefghijklmnopqrstuvwxyz_")
    how = draw(st.sampled_from(["drop", "swap", "insert", "replace", "case"]))
    k = draw(st.integers(0, len(key) - 1))
    if how == "drop" and len(key) > 1:
        return key[:k] + key[k + 1 :]
    if how == "swap" and len(key) > 1:
        k = min(k, len(key) - 2)
        return key[:k] + key[k + 1] + key[k] + key[k + 2 :]
    if how == "insert":
        return key[:k] + draw(letters) + key[k:]
    if how == "case":
        return key[:k] + key[k].swapcase() + key[k + 1 :]
    return key[:k] + draw(letters) + key[k + 1 :]


@settings(max_examples=300)
@given(data=st.data())
def test_a_key_renamed_to_a_near_miss_is_refused_naming_its_path(data):
    name, path, trail = data.draw(st.sampled_from(KEYS), label="key")
    doc = copy.deepcopy(DOCS[name])
    parent = doc
    for step in trail[:-1]:
        parent = parent[step]
    key = trail[-1]
    new = data.draw(near_misses(key), label="near miss")
    assume(new != key and new not in parent and new not in WORDS)  # a miss
    parent[new] = parent.pop(key)
    new_path = path[: len(path) - len(key)] + key_path("", new)
    with pytest.raises(FileFormatError) as info:
        loads_release(dumps_toml(doc), path="r.toml")
    lines = info.value.problems
    assert any(f"r.toml: {new_path}: unknown key" in line for line in lines), lines
