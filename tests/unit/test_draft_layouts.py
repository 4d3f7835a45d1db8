"""Drafting layouts the published releases showed: one cell per line, decimal
commas, metal-equivalent and attributable rows, sentences naming a mine.

The law (hypothesis): a production table printed one cell per line, as a
PDF's text layer often gives it, drafts back to exactly the figures of the
release file written from the same numbers (tables of the round-trip law in
tests/property/test_draft_roundtrip.py, two or three quarters).
"""

from __future__ import annotations

from hypothesis import given, settings

from massbalance.io import loads_release
from massbalance.io.draft import draft_release, draft_text
from tests.property.test_draft_roundtrip import _expected, _grid, tables
from tests.reference.published.compare import figures


def _one_cell_per_line(grid: list[list[str]]) -> str:
    lines: list[str] = []
    for row in grid:
        lines += [c for c in row if c]
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None)
@given(tables().filter(lambda t: len(t[0]) >= 2))
def test_a_table_one_cell_per_line_drafts_back_to_its_figures(drawn):
    quarters, style, values, sections, order, columns, _ = drawn
    text = _one_cell_per_line(_grid(quarters, style, values, sections, order, columns))
    drafted, notes = draft_release(text)
    expected = loads_release(_expected(quarters, values))
    got = {fid: (f.number, str(f.unit)) for fid, f in figures(drafted)}
    want = {fid: (f.number, str(f.unit)) for fid, f in figures(expected)}
    assert got == want, text
    assert not [c for c in notes.checks if not c.startswith("release.")], notes.checks


_SPANS = """Mine review
Three Months ended December 31,
Years ended December 31,
2014
2013
2014
2013
Tonnes milled
181,702
158,218
676,959
456,048
Silver
Grade (g/t)
208
202
226
194
Production (oz)
1,083,215
917,668
4,396,760
2,527,203
"""


def test_span_headers_over_year_lines_head_their_share_of_the_columns():
    release, _ = draft_release(_SPANS)
    assert sorted(release.periods) == ["2013FY", "2013Q4", "2014FY", "2014Q4"]
    q4 = release.periods["2014Q4"]
    assert q4.streams["ore_processed"].mass[0].text == "181,702 t"
    fy = release.periods["2013FY"]
    # "Grade (g/t)" under "Silver" is the silver grade of the feed
    assert fy.streams["ore_processed"].grades["Ag"][0].text == "194 g/t"


_EQUIVALENT = """<table>
<tr><td></td><td>Q4 2017</td><td>Q4 2016</td></tr>
<tr><td>Ore processed (tonnes milled)</td><td>98,396</td><td>92,869</td></tr>
<tr><td>Silver equivalent ounce production</td><td>1,065,773</td><td>883,772</td></tr>
<tr><td>Silver ounce production</td><td>514,218</td><td>460,571</td></tr>
<tr><td>Silver production (oz) - attributable share 75%</td><td>385,664</td><td>345,428</td></tr>
</table>"""


def test_equivalent_and_attributable_rows_are_not_the_metal():
    release, notes = draft_release(_EQUIVALENT)
    ag = [f.text for fid, f in figures(release) if ".contained.Ag" in fid]
    assert sorted(ag) == ["460,571 oz", "514,218 oz"]
    assert any("equivalent" in u for u in notes.unread)
    assert any("attributable" in u for u in notes.unread)


_DECIMAL_COMMA = """<table>
<tr><td>Concepto</td><td>2T – 2018</td><td>1T – 2018</td><td>Variación (%)</td></tr>
<tr><td>Mineral molido (Miles de toneladas)</td><td>396</td><td>373</td><td>6,2%</td></tr>
<tr><td>Plata – Recuperación (%)</td><td>63,4%</td><td>67,7%</td><td>-6,4%</td></tr>
<tr><td>Zinc – Producción (Lbs.)</td><td>1.521</td><td>–</td><td>N.A.</td></tr>
</table>"""


def test_a_decimal_comma_table_is_drafted_in_its_number_format():
    drafted = draft_text(_DECIMAL_COMMA)
    assert 'numbers = "1.234,5"' in drafted.toml
    release, _ = draft_release(_DECIMAL_COMMA)
    assert set(release.periods) == {"2018Q1", "2018Q2"}
    texts = {f.text for _, f in figures(release)}
    assert "396 kt" in texts
    assert {"1.521 lb", "63,4%", "6,2%"} <= texts
    zinc = release.periods["2018Q2"].contained
    assert [f.number for m in zinc if m.element == "Zn" for f in m.figures] == [1521]


def test_a_point_grouped_table_with_decimal_points_keeps_the_default_format():
    text = (
        "<table><tr><td></td><td>Q1 2020</td></tr>\n"
        "<tr><td>Tonnes milled</td><td>1,234.5</td></tr></table>\n"
    )
    assert "numbers =" not in draft_text(text).toml


_MINE = """<p>Acme Corp. (TSX:ACM) reports production for the first quarter 2025.
Acme's production was 15.8 million pounds copper and 17,120 ounces gold, with
8.9 million pounds copper and 10,621 ounces gold coming from Alpha Lake and 6.9
million pounds copper and 6,499 ounces gold from its 30% share of Beta Hill.</p>
<table>
<tr><td>Alpha Lake Mine Production</td><td>Q1 2025</td><td>Q1 2024</td></tr>
<tr><td>Ore milled - tonnes</td><td>1,717,000</td><td>1,704,000</td></tr>
<tr><td>Copper - million pounds</td><td>8.904</td><td>7.355</td></tr>
<tr><td>Gold - ounces</td><td>10,621</td><td>10,009</td></tr>
</table>"""


def test_a_sentence_naming_the_tables_mine_gives_its_figures_to_the_release_period():
    release, notes = draft_release(_MINE)
    q1 = release.periods["2025Q1"]
    cu = {f.text for m in q1.contained if m.element == "Cu" for f in m.figures}
    au = {f.text for m in q1.contained if m.element == "Au" for f in m.figures}
    assert cu == {"8.904 Mlb", "8.9 million pounds"}
    assert au == {"10,621 oz", "10,621 ounces"}  # not 17,120 nor 6,499
    assert any("from Alpha Lake" in c for c in notes.checks)


def test_abbreviated_month_datelines_and_spanish_quarters():
    text = (
        "<p>VANCOUVER, Jan. 11, 2018 /PRNewswire/ - Acme Silver Ltd. reports.</p>\n"
        "<table><tr><td></td><td>2T18</td><td>1T – 2018</td></tr>"
        "<tr><td>Tonnes milled</td><td>1,000</td><td>900</td></tr></table>"
    )
    drafted = draft_text(text)
    assert "date = 2018-01-11" in drafted.toml
    release, _ = draft_release(text)
    assert set(release.periods) == {"2018Q1", "2018Q2"}


_CONTINUED = """<table>
<tr><td></td><td>FY 2014</td><td>FY 2013</td></tr>
<tr><td>Tonnes milled</td><td>676,959</td><td>456,048</td></tr>
<tr><td>Silver grade (g/t)</td><td>226</td><td>194</td></tr>
<tr><td>Gold grade (g/t)</td><td>1.72</td><td>1.46</td></tr>
<tr><td>Silver production (oz)</td><td>4,396,760</td><td>2,527,203</td></tr>
</table>
<p>Production for the year ended December 31, 2014 was 4,396,760 ounces of
silver, 74% above the prior year's production. The increases are the result
of higher throughput of 48% and of higher head grade for silver and gold of
17%.</p>
"""


def test_a_sentence_continuing_the_one_before_takes_its_periods():
    release, notes = draft_release(_CONTINUED)
    got = {
        (c.figure, c.from_period, c.to_period, f.text)
        for c in release.changes
        for f in c.figures
    }
    assert got == {
        ("contained.Ag", "2013FY", "2014FY", "74%"),
        ("mass.ore_processed", "2013FY", "2014FY", "48%"),
        ("grade.ore_processed.Ag", "2013FY", "2014FY", "17%"),
        ("grade.ore_processed.Au", "2013FY", "2014FY", "17%"),
    }
    assert any("continues the one before it" in c for c in notes.checks)
