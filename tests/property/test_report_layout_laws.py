"""Laws of the report layouts: text within its width, Sankey diagrams that conserve."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from massbalance.report._html_svg import _Link, _sankey_svg
from massbalance.report._width import table_blocks, wrap_prose

FAST = settings(max_examples=80, deadline=None)

cell = st.text(alphabet="abcxyz0123456789.,%±", min_size=1, max_size=18)
word = st.text(alphabet="abcdefghij.,", min_size=1, max_size=14)


@st.composite
def tables(draw):
    n_cols = draw(st.integers(1, 12))
    n_rows = draw(st.integers(1, 6))
    return [[draw(cell) for _ in range(n_cols)] for _ in range(n_rows)]


@FAST
@given(tables(), st.integers(40, 120))
def test_table_blocks_fit_and_keep_every_cell(rows, width):
    lines = table_blocks(rows, right={1}, width=width)
    widest = max(len(c) for r in rows for c in r)
    if 2 * (widest + 2) <= width:  # the kept column and any other fit side by side
        assert all(len(line) <= width for line in lines), lines
    text = "\n".join(lines)
    for row in rows:
        for value in row:
            assert value in text
    blocks = text.split("\n\n")
    assert sum(len(b.splitlines()) for b in blocks) == len(rows) * len(blocks)


@FAST
@given(st.lists(word, min_size=1, max_size=60), st.integers(30, 100))
def test_wrapped_prose_keeps_its_words_within_the_width(words, width):
    line = "Note: " + " ".join(words)
    out = wrap_prose([line], width=width)
    assert " ".join(" ".join(out).split()) == " ".join(line.split())
    assert all(len(x) <= width for x in out)


@st.composite
def trees(draw):
    """A feed split over one or two stages; each link's value is its flow [t]."""
    feed = draw(st.floats(1.0, 1e6))
    fractions = draw(st.lists(st.floats(0.05, 1.0), min_size=2, max_size=4))
    total = sum(fractions)
    links = [_Link("feed (in)", "mill", feed, "feed")]
    for k, f in enumerate(fractions):
        links.append(_Link("mill", f"p{k} (out)", feed * f / total, f"p{k}"))
    return links


def _band_heights(svg: str) -> list[float]:
    """Each link's thickness at its source end, read back from the path."""
    out = []
    for d in re.findall(r'<path class="sankey-link[^"]*" d="([^"]+)"', svg):
        numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", d)]
        y_top, y_bottom = numbers[1], numbers[-1]
        out.append(y_bottom - y_top)
    return out


@FAST
@given(trees())
def test_sankey_link_widths_are_proportional_to_flow_and_conserve(links):
    svg = _sankey_svg(links, "t", "mass")
    heights = _band_heights(svg)
    assert len(heights) == len(links)
    scale = heights[0] / links[0].value
    for link, height in zip(links, heights, strict=True):
        assert abs(height - link.value * scale) <= 0.11  # one decimal in the SVG
    # what leaves the mill is as thick as what enters it
    assert abs(sum(heights[1:]) - heights[0]) <= 0.11 * len(links)
