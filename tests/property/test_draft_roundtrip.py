"""Law: a release table rendered in any common layout drafts back to its figures.

A mill's production table (ore, head grades, recoveries, two concentrates,
contained metal) over one to three quarters is printed with row labels of the
vocabulary, its sections and their rows in random order, its periods in
random order and with headers in several styles, as tab-separated text,
space-aligned text, an HTML table or CSV. Drafting it must give back exactly
the figures of the release file written directly from the same numbers.
"""

from __future__ import annotations

import csv
import html
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from massbalance.io import loads_release
from massbalance.io.draft import draft_release
from tests.reference.published.compare import figures

_MONTH = ["Mar.", "Jun.", "Sep.", "Dec."]
_DAY = [31, 30, 30, 31]


def _header(year: int, q: int, style: int) -> str:
    if style == 0:
        return f"Q{q} {year}"
    if style == 1:
        return f"Three Months Ended {_MONTH[q - 1]} {_DAY[q - 1]}, {year}"
    if style == 2:
        return f"Q{q}'{year % 100:02d}"
    return f"{year} Q{q}"


def _thousands(n: int) -> str:
    return f"{n:,}"


def _pct(x: int, decimals: int) -> str:
    return f"{x / 10**decimals:.{decimals}f}%"


# (section, label, toml stream or table, toml key, kind of number)
_ROWS = {
    "": [
        ("Ore tonnes processed", "ore_processed", "mass", "t"),
        ("Ore tonnes mined", "ore_mined", "mass", "t"),
    ],
    "Grade of ore processed:": [
        ("Silver (grams per tonne)", "ore_processed", "Ag", "g/t"),
        ("Lead", "ore_processed", "Pb", "%"),
        ("Zinc", "ore_processed", "Zn", "%"),
    ],
    "Recoveries:": [
        ("Silver", "recovery", "Ag", "rec"),
        ("Lead in lead concentrate", "recovery", "Pb", "rec"),
        ("Zinc in zinc concentrate", "recovery", "Zn", "rec"),
    ],
    "Lead concentrate:": [
        ("Tonnes produced", "pb_conc", "mass", "t"),
        ("Silver (grams per tonne)", "pb_conc", "Ag", "g/t"),
        ("Lead", "pb_conc", "Pb", "%"),
    ],
    "Zinc concentrate:": [
        ("Tonnes produced", "zn_conc", "mass", "t"),
        ("Silver (grams per tonne)", "zn_conc", "Ag", "g/t"),
        ("Zinc", "zn_conc", "Zn", "%"),
    ],
    "Production – contained metal:": [
        ("Silver (ounces)", "contained", "Ag", "oz"),
        ("Lead in lead con (pounds)", "contained", "Pb", "lb"),
        ("Zinc in zinc con (pounds)", "contained", "Zn", "lb"),
    ],
}
_TO = {"Ag": ["pb_conc", "zn_conc"], "Pb": ["pb_conc"], "Zn": ["zn_conc"]}


@st.composite
def tables(draw):
    quarters = draw(
        st.lists(
            st.tuples(st.integers(2005, 2030), st.integers(1, 4)),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    style = draw(st.integers(0, 3))
    values: dict[tuple[str, str], list[str]] = {}
    for rows in _ROWS.values():
        for _, where, key, kind in rows:
            printed = []
            for _ in quarters:
                if kind in ("t", "oz", "lb"):
                    printed.append(_thousands(draw(st.integers(1, 9_999_999))))
                elif kind == "g/t":
                    printed.append(_thousands(draw(st.integers(1, 9_999))))
                else:
                    d = draw(st.integers(0, 2))
                    printed.append(_pct(draw(st.integers(1, 99 * 10**d)), d))
            values[(where, key)] = printed
    sections = draw(st.permutations(list(_ROWS)))
    order = {s: draw(st.permutations(range(len(_ROWS[s])))) for s in sections}
    columns = draw(st.permutations(range(len(quarters))))
    layout = draw(st.sampled_from(["tab", "spaces", "html", "csv"]))
    return quarters, style, values, sections, order, columns, layout


def _expected(quarters, values) -> str:
    lines = ['[release]\nissuer = "X"\ntitle = "X"\ndate = 2020-01-01\n']
    for i, (year, q) in enumerate(quarters):
        pid = f"{year}Q{q}"
        start = f"{year}-{3 * q - 2:02d}-01"
        end = f"{year}-{3 * q:02d}-{_DAY[q - 1]}"
        lines.append(
            f'[periods.{pid}]\nstart = {start}\nend = {end}\nfeed = "ore_processed"'
        )
        for stream in ("ore_processed", "ore_mined", "pb_conc", "zn_conc"):
            lines.append(f"[periods.{pid}.streams.{stream}]")
            for (where, key), printed in values.items():
                if where == stream:
                    unit = (
                        ""
                        if printed[i].endswith("%")
                        else (" t" if key == "mass" else " g/t")
                    )
                    lines.append(f'{key} = "{printed[i]}{unit}"')
        lines.append(f"[periods.{pid}.recovery]")
        for el, to in _TO.items():
            lines.append(
                f'{el} = {{ value = "{values[("recovery", el)][i]}", to = {to} }}'
            )
        lines.append(f"[periods.{pid}.contained]")
        for el, to in _TO.items():
            unit = "oz" if el == "Ag" else "lb"
            lines.append(
                f'{el} = {{ value = "{values[("contained", el)][i]} {unit}", in = {to} }}'
            )
    return "\n".join(lines).replace("'", '"') + "\n"


def _grid(quarters, style, values, sections, order, columns) -> list[list[str]]:
    grid = [[""] + [_header(*quarters[c], style) for c in columns]]
    for section in sections:
        if section:
            grid.append([section] + [""] * len(columns))
        for k in order[section]:
            label, where, key, _ = _ROWS[section][k]
            grid.append([label] + [values[(where, key)][c] for c in columns])
    return grid


def _render(grid: list[list[str]], layout: str) -> str:
    if layout == "tab":
        return "\n".join("\t".join(row) for row in grid) + "\n"
    if layout == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(grid)
        return out.getvalue()
    if layout == "html":
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in grid
        )
        return f"<html><body><p>Production</p><table>{rows}</table></body></html>\n"
    width = max(len(row[0]) for row in grid) + 2
    cell = max(len(c) for row in grid for c in row[1:]) + 3
    return (
        "\n".join(
            row[0].ljust(width) + "".join(c.rjust(cell) for c in row[1:])
            for row in grid
        )
        + "\n"
    )


@settings(max_examples=300)
@given(tables())
def test_a_rendered_table_drafts_back_to_its_figures(drawn):
    quarters, style, values, sections, order, columns, layout = drawn
    text = _render(_grid(quarters, style, values, sections, order, columns), layout)
    drafted, notes = draft_release(text if layout != "csv" else _csv_file(text))
    expected = loads_release(_expected(quarters, values))
    got = {fid: (f.number, str(f.unit)) for fid, f in figures(drafted)}
    want = {fid: (f.number, str(f.unit)) for fid, f in figures(expected)}
    assert got == want, (layout, text)
    assert not [c for c in notes.checks if not c.startswith("release.")], notes.checks


_CSV_DIR: list[str] = []


def _csv_file(text: str):
    import tempfile
    from pathlib import Path

    if not _CSV_DIR:
        _CSV_DIR.append(tempfile.mkdtemp(prefix="mb-draft-"))
    path = Path(_CSV_DIR[0]) / "table.csv"
    path.write_text(text, encoding="utf-8")
    return path
