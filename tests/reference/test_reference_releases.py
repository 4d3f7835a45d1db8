"""Real production releases, transcribed as printed, checked against hand arithmetic.

Each file in ``releases/`` cites its source (``[source] cite``, ``url``) and
states what a hand check finds (``[expected]``: the verdict under
conventional rounding and, if inconsistent, the figures of the failing
relations), with the arithmetic in a closing comment block.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from pathlib import Path

import pytest

from massbalance.io import read_release
from massbalance.release import check_release
from massbalance.units import parse_printed

# A release printed with decimal commas says so with [release] numbers =
# "1.234,5"; a reader without that setting cannot read it (its files are
# skipped there, never read as other numbers).
READS_NUMBER_FORMATS = "numbers" in inspect.signature(parse_printed).parameters


def _base(fid: str) -> str:
    """An `also` printing is the same quantity as its figure."""
    return re.sub(r"\.also\d+$", "", fid)


RELEASES = sorted((Path(__file__).parent / "releases").glob("*.toml"))


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_release_check_agrees_with_the_hand_check(path):
    data = tomllib.loads(path.read_text())
    assert data["source"]["cite"], "every reference release cites its source"
    assert data["source"]["url"].startswith("http")
    if "numbers" in data["release"] and not READS_NUMBER_FORMATS:
        pytest.skip("this reader has no [release] numbers setting")
    expected = data["expected"]
    report = check_release(read_release(path), rounding="nearest")
    assert report.verdict == expected["verdict"]
    if report.verdict == "consistent":
        assert not report.conflicts
        # empty table cells ("—", "n/a") are listed as nil, never checked
        assert all(f.status in ("ok", "unchecked", "nil") for f in report.figures)
        return
    involves = set(expected["involves"])
    in_conflicts = {_base(f) for c in report.conflicts for f in c.figures}
    violated = {
        _base(f) for r in report.relations if r.status == "violated" for f in r.figures
    }
    # every figure the hand check blames is caught ...
    assert involves <= in_conflicts | violated
    # ... and every disagreement found touches a relation the hand check found
    for conflict in report.conflicts:
        assert {_base(f) for f in conflict.figures} & involves, conflict.figures
    for culprit in report.culprits:
        assert {_base(f) for f in culprit.figures} <= involves | in_conflicts


def test_at_least_three_real_releases_besides_the_seed():
    assert len(RELEASES) >= 3
