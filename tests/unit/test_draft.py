"""Drafting the seed release from its published text (the seed file, Alexco
Resource Corp., 16 April 2012) gives the hand-made example file, figure by figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from massbalance.io import read_release
from massbalance.io.draft import NoTableError, draft_release, draft_text, parse_header
from massbalance.release import check_release
from tests.reference.published.compare import figures

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent.parent / "shared" / "seeds" / "000_2d7d3e0911ae9488.txt"
if not SEED.exists():
    SEED = ROOT.parent / "shared" / "seeds" / "000_2d7d3e0911ae9488.txt"
EXAMPLE = ROOT / "examples" / "alexco-2012-q1.toml"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="the seed text is not here")


def _table(release):  # id -> (number, unit)
    return {fid: (f.number, str(f.unit)) for fid, f in figures(release)}


def test_seed_draft_has_the_example_figures():
    drafted, notes = draft_release(SEED)
    example = read_release(EXAMPLE)
    assert _table(drafted) == _table(example)
    assert notes.figures == len(_table(example))


def test_seed_draft_has_the_example_periods_and_streams():
    drafted, _ = draft_release(SEED)
    example = read_release(EXAMPLE)
    assert drafted.periods.keys() == example.periods.keys()
    for pid, period in example.periods.items():
        mine = drafted.periods[pid]
        assert (mine.start, mine.end, mine.days) == (
            period.start,
            period.end,
            period.days,
        )
        assert {n: s.role for n, s in mine.streams.items()} == {
            n: s.role for n, s in period.streams.items()
        }
        assert [(m.key, m.streams) for m in mine.recoveries + mine.contained] == [
            (m.key, m.streams) for m in period.recoveries + period.contained
        ]
    if any(p.feed != "feed" for p in example.periods.values()):
        assert {
            p: drafted.periods[p].feed
            for p in drafted.periods
            if drafted.periods[p].streams
        } == {
            p: example.periods[p].feed
            for p in example.periods
            if example.periods[p].streams
        }
    assert [(c.figure, c.from_period, c.to_period) for c in drafted.changes] == [
        (c.figure, c.from_period, c.to_period) for c in example.changes
    ]


def test_seed_draft_checks_like_the_example():
    drafted, _ = draft_release(SEED)
    mine = check_release(drafted)
    theirs = check_release(read_release(EXAMPLE))
    assert mine.verdict == theirs.verdict == "inconsistent"
    assert [c.figures for c in mine.culprits] == [c.figures for c in theirs.culprits]


def test_seed_draft_names_its_sources_and_keeps_what_it_did_not_read():
    text = draft_text(SEED).toml
    line = next(x for x in text.splitlines() if x.startswith('mass = "21,251 t"'))
    assert '"Ore tonnes processed"' in line
    assert "Three Months Ended Mar. 31, 2012" in line
    assert "# also printed in the text:" in text
    assert "581,808 ounces during" in text
    # guidance is not a figure, but it is kept
    assert "2.2 million to 2.5 million ounces" in text
    assert "# text (guidance or plans, not entered)" in text


def test_every_drafted_number_occurs_in_the_source():
    source = SEED.read_text(encoding="utf-8")
    drafted, _ = draft_release(SEED)
    for fid, f in figures(drafted):
        number = f.text.split()[0].rstrip("%")
        assert number in source, fid


@pytest.mark.parametrize(
    ("header", "pid", "start", "end"),
    [
        ("Three Months Ended Mar. 31, 2012", "2012Q1", "2012-01-01", "2012-03-31"),
        ("Q1 2012", "2012Q1", "2012-01-01", "2012-03-31"),
        ("Q4'11", "2011Q4", "2011-10-01", "2011-12-31"),
        ("6 months 2021", "2021H1", "2021-01-01", "2021-06-30"),
        ("9-mos 2020", "2020YTD", "2020-01-01", "2020-09-30"),
        ("FY 2012", "2012FY", "2012-01-01", "2012-12-31"),
        ("Nine months ended September 30, 2018", "2018YTD", "2018-01-01", "2018-09-30"),
        ("Year ended December 31, 2018", "2018FY", "2018-01-01", "2018-12-31"),
        ("Third quarter 2019", "2019Q3", "2019-07-01", "2019-09-30"),
        ("H1 2022", "2022H1", "2022-01-01", "2022-06-30"),
    ],
)
def test_period_headers(header, pid, start, end):
    col = parse_header(header)
    assert (col.kind, col.id, str(col.start), str(col.end)) == (
        "period",
        pid,
        start,
        end,
    )


@pytest.mark.parametrize(
    "header", ["% Change", "Variance", "Change %", "Q3 21 vs Q3 20"]
)
def test_change_headers(header):
    assert parse_header(header).kind == "change"


def test_ytd_takes_its_end_from_the_quarters():
    assert parse_header("YTD 2021", ytd_end_month=9).end.month == 9


@pytest.mark.parametrize(
    "text",
    [
        "Just a paragraph about nothing in particular, with no numbers at all.\n",
        "A table with no recognisable row\n\tQ1 2012\tQ1 2011\nWidgets\t12\t13\n",
    ],
)
def test_no_table(text):
    with pytest.raises(NoTableError, match="no production table found"):
        draft_release(text)


def test_empty_and_binary_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    for path in (empty, binary):
        with pytest.raises(NoTableError, match="no production table found"):
            draft_release(path)


def test_user_labels_extend_the_vocabulary(tmp_path):
    text = "\tQ1 2012\tQ1 2011\nMill tonnage crushed\t21,251\t18,050\nSilver head (g/t)\t899\t829\n"
    with pytest.raises(NoTableError):
        draft_release(text.replace("Silver head (g/t)\t899\t829\n", ""))
    labels = tmp_path / "labels.toml"
    labels.write_text(
        '[streams.crushed]\nlabels = ["mill tonnage crushed"]\nfeed = true\n'
    )
    release, _ = draft_release(
        text.replace("Silver head (g/t)\t899\t829\n", ""), labels=labels
    )
    assert release.periods["2012Q1"].streams["crushed"].mass[0].text == "21,251 t"


def test_xlsx_cells_read_as_their_format_prints_them(tmp_path):
    openpyxl = pytest.importorskip("openpyxl", reason="the draft extra is absent")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["", "Q1 2012", "Q1 2011"])
    sheet.append(["Ore tonnes processed", 21251, 18050])
    sheet.append(["Silver grade (g/t)", 899, 829])
    sheet.append(["Lead grade (%)", 0.113, 0.1])
    for cell in ("B2", "C2"):
        sheet[cell].number_format = "#,##0"
    for cell in ("B4", "C4"):
        sheet[cell].number_format = "0.0%"
    path = tmp_path / "table.xlsx"
    book.save(path)
    release, _ = draft_release(path)
    feed = release.periods["2011Q1"].streams["ore_processed"]
    assert feed.mass[0].text == "18,050 t"
    assert feed.grades["Ag"][0].text == "829 g/t"
    assert feed.grades["Pb"][0].text == "10.0%"


def test_csv_source(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(
        ',Q2 2021,Q1 2021\n"Tonnes milled (dmt)","230,656","203,479"\n'
        '"Silver grade (g/t)",322,261\n',
        encoding="utf-8",
    )
    release, notes = draft_release(path)
    assert notes.kind == "csv"
    assert (
        release.periods["2021Q2"].streams["ore_processed"].mass[0].text == "230,656 t"
    )


def test_screen_many_gives_the_rows_in_the_files_order(tmp_path):
    from massbalance.io.draft import screen, screen_many

    root = Path(__file__).resolve().parents[2]
    names = ["great-panther-2017q1.toml", "alexco-2011q3.toml", "mmg-2022q2.toml"]
    files = [root / "tests" / "reference" / "releases" / n for n in names]
    files.append(tmp_path / "empty.txt")
    files[-1].write_text("")
    serial = screen_many(files, screen, 1)
    parallel = screen_many(files, screen, 2)
    assert [r.file for r in parallel] == [str(f) for f in files]
    assert parallel == serial
    assert serial[-1].verdict == "error"
