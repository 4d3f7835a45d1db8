"""The one TOML loader: encodings, BOMs, non-files, nesting, malformed TOML."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from massbalance.cli import main
from massbalance.errors import FileFormatError, ReleaseFormatError
from massbalance.io._loader import MAX_DEPTH, load_toml, loads_toml

SEED = Path(__file__).resolve().parents[2] / "examples" / "alexco-2012-q1.toml"


def test_a_utf8_bom_is_accepted_and_dropped(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SEED.read_bytes())
    assert load_toml(path) == load_toml(SEED)
    assert main(["check", str(path)]) == 1  # same verdict as the seed


def test_non_utf8_names_the_file_the_byte_offset_and_the_line(tmp_path):
    path = tmp_path / "latin1.toml"
    data = '[release]\ntitle = "Producci\u00f3n"\n'.encode("latin-1")
    path.write_bytes(data)
    with pytest.raises(FileFormatError) as info:
        load_toml(path)
    offset = data.index(b"\xf3")
    assert str(info.value) == (
        f"{path}: not UTF-8 text: byte 0xF3 at byte offset {offset} (line 2); "
        "save the file as UTF-8"
    )


def test_utf16_is_refused_with_a_hint():
    with pytest.raises(FileFormatError, match="UTF-16 text; save it as UTF-8"):
        loads_toml("[release]\n".encode("utf-16"), path="u.toml")


def test_a_directory_is_refused(tmp_path, capsys):
    with pytest.raises(FileFormatError, match="is a directory"):
        load_toml(tmp_path)
    for argv in (
        ["balance"],
        ["reconcile"],
        ["reconcile", "--from-release"],
    ):
        assert main([*argv, str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3
    assert all("is a directory, not a TOML file" in line for line in err)
    # `check` screens the release files in a folder; an empty one is bad input
    assert main(["check", str(tmp_path)]) == 2
    assert "no files to check" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(FileFormatError, match="not a regular file"):
        load_toml(fifo)


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(ReleaseFormatError, match="cannot read: No such file"):
        load_toml(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 5000 + "]" * 5000,
        "x = " + "[" * 5000,  # unclosed as well
        "x = " + "{a = " * 5000 + "1" + "}" * 5000,
        "[" + ".".join(["a"] * 5000) + "]\nb = 1\n",  # dotted keys
    ],
    ids=["arrays", "unclosed", "inline-tables", "dotted-keys"],
)
def test_deep_nesting_is_refused_before_the_parser_recurses(text):
    limit = sys.getrecursionlimit()
    with pytest.raises(FileFormatError, match=f"more than {MAX_DEPTH} deep"):
        loads_toml(text, path="deep.toml")
    assert sys.getrecursionlimit() == limit


def test_brackets_inside_strings_and_comments_do_not_count():
    text = 'a = "' + "[" * 100 + '"\n# ' + "{" * 100 + "\nb = '''" + "[" * 100 + "'''\n"
    assert loads_toml(text)["a"] == "[" * 100


def test_nesting_up_to_the_limit_is_read():
    text = "x = " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1)
    assert loads_toml(text)["x"]


def test_malformed_toml_names_the_file_and_line():
    with pytest.raises(FileFormatError, match=r"^r\.toml: malformed TOML at line 3: "):
        loads_toml("a = 1\nb = 2\nc = = 3\n", path="r.toml")


def test_the_input_file_is_opened_read_only_and_unchanged(tmp_path):
    path = tmp_path / "r.toml"
    path.write_bytes(SEED.read_bytes())
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_toml(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
