"""Exit codes: a crash has its own code (70), never the 1 of a finding."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import massbalance.cli as cli
from massbalance.cli import EXIT_INTERNAL, main

SEED = Path(__file__).parents[2] / "examples" / "alexco-2012-q1.toml"
PLANT = Path(__file__).parents[2] / "examples" / "pbzn_month.toml"


@pytest.fixture
def seed(tmp_path):
    path = tmp_path / "alexco.toml"
    shutil.copy(SEED, path)
    return path


def plant_a_bug(monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("planted\nbug \x1b[2J")

    monkeypatch.setattr(cli, "check_release", broken)


def test_internal_error_exits_70_with_one_line(monkeypatch, capsys, seed):
    plant_a_bug(monkeypatch)
    before = seed.read_bytes()
    assert EXIT_INTERNAL == 70
    assert main(["check", str(seed)]) == 70
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("massbalance check: internal error: ZeroDivisionError:")
    assert "rerun with --debug for the traceback" in lines[0]
    assert "Traceback" not in captured.err
    assert "\x1b" not in captured.err
    assert "\\x1b[2J" in captured.err
    assert seed.read_bytes() == before


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_before_or_after_the_subcommand_prints_the_traceback(
    monkeypatch, capsys, seed, where
):
    plant_a_bug(monkeypatch)
    argv = ["check", str(seed)]
    argv = ["--debug", *argv] if where == "before" else [*argv, "--debug"]
    assert main(argv) == 70
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "ZeroDivisionError: planted" in err
    assert err.rstrip().splitlines()[-1].startswith("massbalance check: internal error")


def test_without_debug_the_flag_is_false_after_the_subcommand(monkeypatch, seed):
    parser = cli._parser()
    assert parser.parse_args(["check", str(seed)]).debug is False
    assert parser.parse_args(["--debug", "check", str(seed)]).debug is True
    assert parser.parse_args(["check", str(seed), "--debug"]).debug is True


def test_a_recursion_error_is_an_internal_error(monkeypatch, capsys):
    def deep(*args, **kwargs):
        return deep()

    monkeypatch.setattr(cli, "read_release", deep)
    assert main(["check", "whatever.toml"]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "RecursionError" in err


def test_exit_1_means_a_finding_and_2_bad_input(capsys, seed, tmp_path):
    assert main(["check", str(seed)]) == 1  # the seed's figures disagree
    assert main(["reconcile", str(PLANT)]) == 1  # a gross error set aside
    assert main(["check", str(tmp_path / "missing.toml")]) == 2
    capsys.readouterr()


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for line in ("0   ok", "1   the figures disagree", "2   bad input", "70  internal"):
        assert line in out


def test_the_installed_command_exits_70_on_a_crash(tmp_path, seed):
    """The real process, not just main(): a planted bug through sitecustomize."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import massbalance.cli as c\n"
        "def broken(*a, **k):\n"
        "    raise KeyError('planted')\n"
        "c.check_release = broken\n"
    )
    env = dict(os.environ, PYTHONPATH=str(hook))
    run = subprocess.run(
        [sys.executable, "-m", "massbalance", "check", str(seed)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 70, run.stderr
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1
    assert "internal error: KeyError" in run.stderr
