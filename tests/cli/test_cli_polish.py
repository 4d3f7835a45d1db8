"""The command line's edges: --version, help, completion, -, --output, progress."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from massbalance import _launch, cli
from massbalance._progress import progress
from massbalance.guides import guide_names, guide_text

ROOT = Path(__file__).parents[2]
SEED = ROOT / "examples" / "alexco-2012-q1.toml"


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "massbalance", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def _python(code: str) -> str:
    """Standard output of ``python -c code`` in a fresh process."""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_version_imports_no_numerics():
    code = (
        "import sys; from massbalance._launch import main; main(['--version']); "
        "print(sorted(m for m in ('numpy', 'scipy', 'pint') if m in sys.modules))"
    )
    out = _python(code)
    version, loaded = out.splitlines()
    assert version.startswith("massbalance ")
    assert loaded == "[]"


def test_version_through_python_m():
    run = _run("--version")
    assert run.returncode == 0
    assert run.stdout.strip() == f"massbalance {cli.__version__}"


def test_lazy_package_keeps_its_public_names():
    code = (
        "import massbalance, massbalance.reconciliation, massbalance.forecast; "
        "print(callable(massbalance.reconcile), callable(massbalance.forecast), "
        "callable(massbalance.Q_), massbalance.solve.__name__)"
    )
    out = _python(code)
    assert out.split() == ["True", "True", "True", "massbalance.solve"]


def test_help_lists_and_prints_the_guides(capsys):
    assert "release-format" in guide_names()
    assert cli.main(["help"]) == 0
    listed = capsys.readouterr().out
    for name in guide_names():
        assert f"  {name}\n" in listed
    assert cli.main(["help", "release-format"]) == 0
    assert capsys.readouterr().out == guide_text("release-format")
    assert (
        guide_text("release-format")
        == (ROOT / "docs" / "release-format.md").read_text()
    )


def test_help_names_the_guides_for_an_unknown_one(capsys):
    assert cli.main(["help", "no-such-guide"]) == 2
    err = capsys.readouterr().err
    assert "no guide named 'no-such-guide'" in err
    assert "release-format" in err


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completion_completes_commands_options_and_choices(tmp_path, capsys):
    assert cli.main(["completion", "bash"]) == 0
    script = tmp_path / "massbalance.bash"
    script.write_text(capsys.readouterr().out)

    def complete(*words: str) -> list[str]:
        line = " ".join(f"'{w}'" for w in words)
        code = (
            f"source {script}; COMP_WORDS=(massbalance {line}); "
            f"COMP_CWORD={len(words)}; _massbalance_complete; "
            'printf "%s\\n" "${COMPREPLY[@]}"'
        )
        run = subprocess.run(["bash", "-c", code], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return sorted(run.stdout.split())

    assert complete("c") == ["check", "completion", "convert"]
    assert complete("check", "--format", "") == [
        "csv",
        "html",
        "json",
        "markdown",
        "text",
    ]
    assert "--max-culprits" in complete("check", "--max")
    assert complete("reconcile", "--format", "h") == ["html"]


def test_stdin_and_stdout_dashes():
    run = _run("check", "-", "--output", "-", stdin=SEED.read_text())
    assert run.returncode == 1, run.stderr
    assert "INCONSISTENT" in run.stdout
    assert "2012Q1.recovery.Ag" in run.stdout


def test_output_follows_the_umask(tmp_path):
    target = tmp_path / "report.txt"
    old = os.umask(0o027)
    try:
        assert cli.main(["check", str(SEED), "-o", str(target)]) == 1
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    os.chmod(target, 0o604)  # an existing report keeps its mode
    assert cli.main(["check", str(SEED), "-o", str(target)]) == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o604


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "report.txt"
    target.write_text("the old report\n")

    def broken(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    assert cli.main(["check", str(SEED), "-o", str(target)]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]
    assert target.read_text() == "the old report\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_only_on_a_terminal_and_only_for_long_work():
    quiet = io.StringIO()
    with progress("massbalance check", after=0.05, stream=quiet):
        time.sleep(0.2)
    assert quiet.getvalue() == ""  # not a terminal

    fast = _Terminal()
    with progress("massbalance check", after=5.0, stream=fast):
        pass
    assert fast.getvalue() == ""  # too quick to mention

    slow = _Terminal()
    with progress("massbalance check", after=0.05, every=10.0, stream=slow):
        time.sleep(0.3)
    lines = slow.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("massbalance check: working (")


def test_launcher_runs_the_command(capsys):
    assert _launch.main(["check", str(SEED)]) == 1
    assert "INCONSISTENT" in capsys.readouterr().out


def test_help_through_the_launcher_imports_no_numerics(capsys):
    code = (
        "import sys; from massbalance._launch import main; "
        "code = main(['help', 'release-format']); "
        "print(code, sorted(m for m in ('numpy', 'scipy', 'pint') if m in sys.modules))"
    )
    out = _python(code)
    assert out.startswith(guide_text("release-format"))
    assert out.endswith("0 []\n")
    assert _launch.main(["help", "nothing-like-it"]) == 2
    assert "no guide named 'nothing-like-it'" in capsys.readouterr().err
