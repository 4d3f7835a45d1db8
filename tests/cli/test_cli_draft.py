"""``massbalance draft``, ``check`` on a published source, and ``check`` on many files.

The seed source is the published text of Alexco Resource Corp.'s release of
16 April 2012 (the project's seed); its hand transcription is
``examples/alexco-2012-q1.toml``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from massbalance.cli import main
from massbalance.io import read_release

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "alexco-2012-q1.toml"
_SEEDS = [
    ROOT.parent.parent / "shared" / "seeds" / "000_2d7d3e0911ae9488.txt",
    ROOT.parent / "shared" / "seeds" / "000_2d7d3e0911ae9488.txt",
]
SEED_TEXT = next((p for p in _SEEDS if p.exists()), None)

pytestmark = pytest.mark.skipif(SEED_TEXT is None, reason="the seed text is not here")


@pytest.fixture
def seed(tmp_path):
    path = tmp_path / "alexco-2012-q1.txt"
    shutil.copy(SEED_TEXT, path)
    return path


def test_draft_writes_a_file_that_reads_back(seed, tmp_path, capsys):
    out = tmp_path / "draft.toml"
    before = seed.read_bytes()
    assert main(["draft", str(seed), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "0 readings need a look" in err
    release = read_release(out)
    assert sorted(release.periods) == sorted(read_release(EXAMPLE).periods)
    assert seed.read_bytes() == before


def test_draft_never_writes_over_its_source(seed, capsys):
    before = seed.read_bytes()
    assert main(["draft", str(seed), "-o", str(seed)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert seed.read_bytes() == before


def test_draft_lists_its_check_lines_on_stderr(tmp_path, capsys):
    source = tmp_path / "q.txt"
    source.write_text(
        "\tQ1 2021\tQ1 2020\tYTD 2021\n"
        "Tonnes milled\t21,302\t22,612\t21,302\n"
        "Silver grade (g/t)\t526\t483\t526\n",
        encoding="utf-8",
    )
    assert main(["draft", str(source)]) == 0
    captured = capsys.readouterr()
    assert 'mass = "21,302 t"' in captured.out
    assert "CHECK:" in captured.err
    assert "readings need a look" in captured.err


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "empty"),
        (bytes(range(256)) * 8, "binary"),
        (b"<html><body><p>Our quarter went well.</p></body></html>", "no table"),
        (b"\tQ1 2012\tQ1 2011\nWidgets sold\t12\t13\n", "no row"),
    ],
)
def test_bad_sources_exit_2_with_one_line(tmp_path, capsys, content, why):
    source = tmp_path / "source.txt"
    source.write_bytes(content)
    assert main(["draft", str(source)]) == 2, why
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no production table found in" in err
    assert "Traceback" not in err


def test_check_on_a_source_says_it_checked_a_draft(seed, tmp_path, capsys):
    saved = tmp_path / "kept.toml"
    assert (
        main(["check", str(seed), "--format", "json", "--save-draft", str(saved)]) == 1
    )
    captured = capsys.readouterr()
    assert "checked a draft of" in captured.err
    assert "0 readings need a look" in captured.err
    mine = json.loads(captured.out)
    assert main(["check", str(EXAMPLE), "--format", "json"]) == 1
    theirs = json.loads(capsys.readouterr().out)
    assert mine["verdict"] == theirs["verdict"] == "inconsistent"
    assert mine["culprits"] == theirs["culprits"]
    assert read_release(saved).periods.keys() == read_release(EXAMPLE).periods.keys()


def test_save_draft_needs_a_source(capsys):
    assert main(["check", str(EXAMPLE), "--save-draft", "x.toml"]) == 2


@pytest.mark.parametrize("fmt", ["csv", "json", "text"])
def test_check_many_files_prints_one_table(seed, tmp_path, capsys, fmt):
    bad = tmp_path / "bad.toml"
    bad.write_text("not = [toml", encoding="utf-8")
    code = main(
        ["check", str(seed), str(EXAMPLE), str(bad), "--jobs", "2", "--format", fmt]
    )
    assert code == 2  # the worst of 1, 1 and 2
    out = capsys.readouterr().out
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
    elif fmt == "json":
        rows = json.loads(out)["files"]
    else:
        assert "3 files: 1 error, 2 inconsistent" in out
        return
    assert [r["verdict"] for r in rows] == ["inconsistent", "inconsistent", "error"]
    assert rows[0]["explanation"] == rows[1]["explanation"]
    assert "2012Q1.recovery.Ag" in rows[0]["explanation"]
    assert rows[0]["issuer"] == "Alexco Resource Corp."
    assert "malformed TOML" in rows[2]["error"]


def test_check_a_folder(tmp_path, capsys):
    for name in ("a.toml", "b.toml"):
        shutil.copy(EXAMPLE, tmp_path / name)
    assert main(["check", str(tmp_path), "--jobs", "1", "--format", "json"]) == 1
    rows = json.loads(capsys.readouterr().out)["files"]
    assert [Path(r["file"]).name for r in rows] == ["a.toml", "b.toml"]


def test_csv_is_for_several_files(capsys):
    assert main(["check", str(EXAMPLE), "--format", "csv"]) == 2
