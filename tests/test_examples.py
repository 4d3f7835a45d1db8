"""Every ``examples/*.py`` runs to the end (headless), so examples never rot."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.py"))
NEEDS = {"plot_gallery.py": "matplotlib"}


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    os.environ.setdefault("MPLBACKEND", "Agg")
    if script.name in NEEDS:  # a gallery of one optional extra's plots
        pytest.importorskip(NEEDS[script.name])
    runpy.run_path(str(script), run_name="__main__")
