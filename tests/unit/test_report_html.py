"""HTML reports: self-contained, escaped, one cell per figure, the text report's ranges.

The browser's view of the same pages is tested in tests/cli/test_html_browser.py.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from massbalance.cli import main
from massbalance.io import loads_release, read_release
from massbalance.release import check_release
from massbalance.report import check_html, render_check

ROOT = Path(__file__).parents[2]
SEED = ROOT / "examples" / "alexco-2012-q1.toml"
PLANT = ROOT / "examples" / "pbzn_month.toml"


class _Cells(HTMLParser):
    """The figure cells of a page: data-figure -> attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[str, dict[str, str]] = {}
        self.tags: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = {k: v or "" for k, v in attrs}
        for key in ("src", "href"):
            if key in found and not found[key].startswith("#"):
                self.urls.append(found[key])
        if "data-figure" in found:
            assert found["data-figure"] not in self.cells, found["data-figure"]
            self.cells[found["data-figure"]] = found


@pytest.fixture(scope="module")
def seed_report():
    return check_release(read_release(SEED))


def _parse(page: str) -> _Cells:
    parser = _Cells()
    parser.feed(page)
    return parser


def test_check_page_has_one_coloured_cell_per_figure(seed_report):
    cells = _parse(check_html(seed_report)).cells
    assert set(cells) == {f.id for f in seed_report.figures}
    for figure in seed_report.figures:
        cell = cells[figure.id]
        assert cell["data-status"] == figure.status
        assert f"st-{figure.status}" in cell["class"]
    assert {"2012Q1.recovery.Ag", "2011Q1.grade.pb_conc.Pb"} <= set(seed_report.flagged)


def test_hover_text_shows_the_ranges_the_text_report_prints(seed_report):
    """Each cell's title carries the interval and implied range of the text report."""
    text = render_check(seed_report, "text")
    table = text.split("\nFIGURES\n", 1)[1]
    cells = _parse(check_html(seed_report)).cells
    for figure in seed_report.figures:
        row = next(
            line for line in table.splitlines() if line.startswith(figure.id + " ")
        )
        ranges = re.findall(r"\[[^\]]+\](?: \S+)?", row)
        assert ranges, row
        for shown in ranges:
            assert shown.split(" ")[0] in cells[figure.id]["title"], (figure.id, shown)
    # The flagged recovery: printed 94 %, it must lie in 94.66-94.78 %.
    assert "[94.66, 94.78] %" in cells["2012Q1.recovery.Ag"]["title"]


def test_pages_are_self_contained(seed_report):
    for page in (check_html(seed_report), _cli_page(["reconcile", str(PLANT)])):
        parsed = _parse(page)
        assert parsed.urls == []
        assert not parsed.tags & {"script", "link", "img", "iframe", "object"}
        assert "@import" not in page
        assert "url(" not in page


def test_input_strings_are_escaped():
    evil = '<script>alert("x")</script>'
    text = SEED.read_text(encoding="utf-8").replace(
        'issuer = "Alexco Resource Corp."', f"issuer = '{evil}'"
    )
    report = check_release(loads_release(text, path="<b>release</b>.toml"))
    page = check_html(report)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;release&lt;/b&gt;.toml" in page


def test_one_section_per_disagreement_with_its_explanations(seed_report):
    """The seed's two disagreements get a section each, with truncation."""
    page = check_html(seed_report)
    assert page.count('<section class="disagreement"') == 2
    for d in seed_report.disagreements:
        assert f'id="{d.id}"' in page
    assert page.count("<strong>truncated</strong>") == 2
    assert "2012Q1.recovery.Ag: [94.66, 94.78] % truncates to 94%" in page


def test_no_disagreement_section_when_the_release_is_consistent():
    report = check_release(read_release(SEED), rounding="either")
    assert report.verdict == "consistent"
    assert '<section class="disagreement"' not in check_html(report)


def _cli_page(args: list[str]) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main([*args, "--format", "html"])
    return out.getvalue()


def test_reconcile_page_marks_the_gross_error():
    page = _cli_page(["reconcile", str(PLANT)])
    assert page.count('<svg class="sankey"') == 4  # mass, Ag, Pb, Zn
    assert '<path class="sankey-link gross"' in page
    row = page.split('<tr class="gross">', 1)[1].split("</tr>", 1)[0]
    assert "zn_conc.mass" in row


def test_balance_page(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text(
        '[streams.feed]\nmass = "21,251 t"\nPb = "11.3 %"\nZn = "5.7 %"\n'
        '[streams.pb_conc]\nPb = "66 %"\nZn = "4 %"\n'
        '[streams.zn_conc]\nPb = "2 %"\nZn = "43 %"\n'
        '[streams.tail]\nPb = "0.9 %"\nZn = "2.6 %"\n'
    )
    page = _cli_page(["balance", str(path)])
    assert page.count('<svg class="sankey"') == 3  # mass, Pb, Zn
    assert "pb_conc" in page
    assert "Dry mass, t" in page


def test_release_estimate_page_colours_the_largest_adjustments():
    from massbalance.io import estimate_release
    from massbalance.report import release_estimate_html

    result = estimate_release(read_release(SEED))
    cells = _parse(release_estimate_html(result)).cells
    assert set(cells) == {f.id for f in result.figures}
    for figure in result.figures:
        adj = abs(figure.normalised)
        expected = "flagged" if adj > 2 else "suspect" if adj > 1 else "ok"
        assert cells[figure.id]["data-status"] == expected, figure.id
    # The two figures the check flags are the two adjusted by over 2 SD.
    assert {f for f, c in cells.items() if c["data-status"] == "flagged"} == {
        "2012Q1.recovery.Ag",
        "2011Q1.grade.pb_conc.Pb",
    }


def test_every_html_format_is_offered_by_the_cli(capsys):
    assert main(["reconcile", "--from-release", str(SEED), "--format", "html"]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")
