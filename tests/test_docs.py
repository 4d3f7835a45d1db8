"""The user docs stay true to the code they describe."""

from __future__ import annotations

from pathlib import Path

from massbalance.units import AMBIGUOUS_UNITS, PRINTED_UNITS

DOCS = Path(__file__).parents[1] / "docs"


def test_release_format_lists_every_unit_spelling():
    text = (DOCS / "release-format.md").read_text()
    for spelling, meaning in PRINTED_UNITS.items():
        assert f"| `{spelling}` | `{meaning}` |" in text, spelling
    for spelling in AMBIGUOUS_UNITS:
        assert f"`{spelling}`" in text, spelling
