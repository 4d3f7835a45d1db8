"""Every malformed file of the catalogue exits 2, naming where and with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from massbalance.cli import main
from massbalance.testing.mutations import COMMANDS

from .catalogue import BASES, CATALOGUE, Case, markdown_table

DOCS = Path(__file__).resolve().parents[2] / "docs" / "release-format.md"


def test_the_catalogue_is_large_and_covers_every_kind():
    assert len(CATALOGUE) >= 40
    assert {c.kind for c in CATALOGUE} == {"release", "balance", "plant"}
    assert len({c.name for c in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize("kind", sorted(BASES))
def test_each_base_file_is_valid(kind, tmp_path, capsys):
    path = tmp_path / f"{kind}.toml"
    path.write_text(BASES[kind], encoding="utf-8")
    for argv in COMMANDS[kind]:
        assert main([*argv, str(path)]) in (0, 1), capsys.readouterr().err
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("case", CATALOGUE, ids=lambda c: c.name)
def test_a_malformed_file_exits_2_naming_where_with_a_hint(
    case: Case, tmp_path, capsys
):
    path = tmp_path / "input.toml"
    if case.data is None:
        path.mkdir()
    elif isinstance(case.data, bytes):
        path.write_bytes(case.data)
    else:
        path.write_text(case.data, encoding="utf-8")
    before = path.read_bytes() if path.is_file() else None
    for argv in COMMANDS[case.kind]:
        assert main([*argv, str(path)]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        lines = captured.err.splitlines()
        assert 1 <= len(lines) <= 3, captured.err
        assert all(
            line.startswith(f"massbalance {argv[0]}: error: {path}") for line in lines
        )
        assert "Traceback" not in captured.err
        line = next((x for x in lines if case.where in x), None)
        assert line is not None, captured.err
        assert case.hint in line, captured.err
    assert (path.read_bytes() if path.is_file() else None) == before


def test_the_docs_table_is_the_catalogue():
    text = DOCS.read_text(encoding="utf-8")
    assert "## 15. What the reader refuses" in text
    assert markdown_table() in text
