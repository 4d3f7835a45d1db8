"""The shipped JSON Schemas: valid Draft 2020-12, true of every example and
reference file, and what the readers enforce (one line per problem, a hint)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from massbalance.errors import FileFormatError
from massbalance.io import read_release
from massbalance.io._loader import load_toml
from massbalance.io._schema import KINDS, MAX_PROBLEMS, find_problems, load_schema
from massbalance.io.plant import read_plant

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "alexco-2012-q1.toml"
# Every input file of the three kinds; the published releases' index is a
# list of sources, not an input file.
FILES = sorted(
    p
    for p in [*ROOT.glob("examples/*.toml"), *ROOT.glob("tests/reference/**/*.toml")]
    if p.relative_to(ROOT).as_posix() != "tests/reference/published/index.toml"
)


def as_json(value: Any) -> Any:
    """A TOML document as JSON data (dates become ISO strings, as editors see them)."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def kind_of(data: dict[str, Any]) -> str | None:
    if "periods" in data:
        return "release"
    if "nodes" in data:
        return "plant"
    if "streams" in data:
        return "balance"
    return None


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_is_a_valid_draft_2020_12_schema(kind):
    schema = load_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("kind", KINDS)
def test_every_key_has_a_description(kind):
    """The schema is the single source of each key's meaning."""
    missing = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for name in ("properties", "patternProperties", "$defs"):
                for key, sub in node.get(name, {}).items():
                    if "description" not in sub and "$ref" not in sub:
                        missing.append(f"{path}/{name}/{key}")
                    walk(sub, f"{path}/{name}/{key}")

    walk(load_schema(kind), "")
    assert missing == []


def test_the_schema_files_ship_inside_the_package():
    folder = ROOT / "massbalance" / "io" / "schemas"
    assert sorted(p.name for p in folder.glob("*.json")) == [
        f"{k}.schema.json" for k in sorted(KINDS)
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_and_reference_file_is_valid(path):
    data = load_toml(path)
    kind = kind_of(data)
    if kind is None:
        # solver reference cases: their [inputs] are the streams of a balance
        # file; two-product cases print one assay per stream, not a table
        assert "case" in data, path
        assert "inputs" in data, path
        data = {"streams": data["inputs"]}
        if not all(isinstance(v, dict) for v in data["streams"].values()):
            assert data["streams"].keys() == {"feed", "conc", "tail"}
            return
        kind = "balance"
    jsonschema.validate(as_json(data), load_schema(kind))  # the editors' view
    assert find_problems(data, kind) == []  # and ours


def test_the_seed_reads_and_every_problem_is_one_line(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    text = text.replace('rounding = "nearest"', 'roundng = "either"')
    text = text.replace('Ag = { value = "94%", to', 'Ag = { valeu = "94%", to')
    text = text.replace('feed = "ore_processed"\n# "Average', 'feed = 5\n# "Average', 1)
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileFormatError) as info:
        read_release(path)
    assert info.value.problems == (
        f"{path}: release.roundng: unknown key; did you mean `rounding`?",
        f"{path}: periods.2012Q1.feed: expected a string in quotes, the "
        'mill-feed stream (default "feed"); got 5',
        f"{path}: periods.2012Q1.recovery.Ag.valeu: unknown key; did you mean `value`?",
    )


def test_jsonschema_and_our_validator_agree_on_the_seed_with_a_typo():
    data = load_toml(SEED)
    data["periods"]["2012Q1"]["streams"]["pb_conc"]["mas"] = "1 t"
    assert not jsonschema.Draft202012Validator(load_schema("release")).is_valid(
        as_json(data)
    )
    (problem,) = find_problems(data, "release")
    assert problem.path == "periods.2012Q1.streams.pb_conc.mas"
    assert problem.message == "unknown key; did you mean `mass`?"


def test_at_most_twenty_problems_are_listed_and_the_rest_counted(tmp_path):
    body = "".join(f"[periods.P{k}]\nstrat = 2012-01-01\n" for k in range(30))
    path = tmp_path / "many.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(FileFormatError) as info:
        read_release(path)
    lines = info.value.problems
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1].endswith("10 more problem(s) not shown")
    assert "periods.P0.strat: unknown key; did you mean `start`?" in lines[0]


def test_plant_and_balance_files_are_checked_too(tmp_path):
    plant = (ROOT / "examples" / "pbzn_month.toml").read_text(encoding="utf-8")
    path = tmp_path / "plant.toml"
    path.write_text(plant.replace('rsd = "2 %"', 'rds = "2 %"'), encoding="utf-8")
    with pytest.raises(
        FileFormatError, match=r"plant\.rds: unknown key; did you mean `rsd`\?"
    ):
        read_plant(path)
    problems = find_problems(
        {"balance": {"elemnts": ["Pb"]}, "streams": {"a": {}, "b": {}, "c": {}}},
        "balance",
    )
    assert [p.line("b.toml") for p in problems] == [
        "b.toml: balance.elemnts: unknown key; did you mean `elements`?"
    ]


def test_schema_descriptions_are_plain_json():
    for kind in KINDS:
        text = (
            ROOT / "massbalance" / "io" / "schemas" / f"{kind}.schema.json"
        ).read_text()
        assert json.loads(text) == load_schema(kind)
