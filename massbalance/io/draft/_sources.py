"""Sources as published -> rows of cells and paragraphs of prose.

Plain text (tab- or space-aligned tables, as copied from a PDF or a web page),
HTML (every ``<table>``, and the text around them, with the standard library's
parser), CSV, XLSX (openpyxl, the ``draft`` extra) and PDF (pdfplumber's text
layer, the ``draft`` extra).
"""

from __future__ import annotations

import csv
import importlib
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ...errors import InputError
from ._periods import parse_header

__all__ = ["Document", "NoTableError", "Row", "load_document", "read_text"]

_NUMBER = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+"
    r"|\d+(?:\.\d+)?|\.\d+"
)
_VALUE_CELL = re.compile(
    rf"^(?:[(\-−–]\s*)?(?:US)?\$?\s*(?:{_NUMBER})\s*%?\s*\)?\s*(?:%|x)?$", re.I
)
_NIL_CELL = re.compile(r"^(?:-|–|—|n/?a|nil|nm|n\.m\.|n\.[ad]\.|s/d)$", re.I)
_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "section", "article", "ul", "ol", "blockquote", "pre", "hr",
}  # fmt: skip


class NoTableError(InputError):
    """A source in which no production table could be read."""


def is_value(cell: str) -> bool:
    """Whether a cell holds a printed number (``"21,395"``, ``"11.3%"``, ``"(12%)"``)."""
    return bool(_VALUE_CELL.match(cell.strip()))


def is_nil(cell: str) -> bool:
    """Whether a cell prints "nothing" (``"-"``, ``"n/a"``, ``"nil"``)."""
    return bool(_NIL_CELL.match(cell.strip()))


@dataclass(frozen=True)
class Row:
    """One row of a table: its label, its cells and where it was found."""

    label: str
    cells: tuple[str, ...]
    where: str
    blank: bool = False

    @property
    def values(self) -> int:
        return sum(is_value(c) for c in self.cells)


@dataclass
class Document:
    """A source as rows (tables one after another) and prose paragraphs."""

    kind: str
    name: str
    tables: list[list[Row]] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    text: str = ""


# ------------------------------------------------------------------- text
def _split_line(line: str) -> tuple[str, tuple[str, ...]]:
    if "\t" in line:
        parts = [p.strip() for p in line.split("\t")]
        return parts[0], tuple(parts[1:])
    stripped = line.strip()
    if re.search(r"\S(?: {2,}|\u00a0{2,})\S", stripped):
        parts = [p.strip() for p in re.split(r"(?: |\u00a0){2,}", stripped)]
        if re.match(r"^ {2,}\S", line):
            return "", tuple(parts)
        return parts[0], tuple(parts[1:])
    if re.match(r"^(?: |\u00a0){2,}\S", line) and not is_value(stripped):
        return "", (stripped,)
    tokens = stripped.split()
    cells: list[str] = []
    while tokens and (is_value(tokens[-1]) or is_nil(tokens[-1])):
        cells.insert(0, tokens.pop())
    if cells and tokens and tokens[-1] in ("%",):
        cells[0] = cells[0] + "%"
        tokens.pop()
    return " ".join(tokens), tuple(cells)


_LONE_CELL = re.compile(r"^\s*\S+(?: ?%)?\s*$")
_YEAR_CELL = re.compile(r"^(?:19|20)\d\d$")
_SPAN = re.compile(r"\b(?:ended|ending)\b", re.I)


def _lone(line: str) -> bool:
    cell = line.strip()
    return bool(_LONE_CELL.match(line)) and (is_value(cell) or is_nil(cell))


def _fold_cell_lines(lines: list[str]) -> list[str]:
    """One cell per line, as a PDF's text often comes, -> one tab-separated line per row.

    A label line followed by N lines that each hold one number is a row of N
    cells when at least three rows of the text have the same N. A run of N
    years is the header row; up to N lines above it that name a span
    ("Three Months ended December 31,", "Years ended December 31,") each
    head N / (their count) of its columns.
    """
    runs: list[tuple[int, int]] = []  # (label line, count)
    i = 0
    while i < len(lines):
        j = i + 1
        while j < len(lines) and _lone(lines[j]):
            j += 1
        if j - i - 1 >= 2 and lines[i].strip() and not _lone(lines[i]):
            runs.append((i, j - i - 1))
        i = j if j > i + 1 else i + 1
    counts = [n for _, n in runs]
    width = max(set(counts), key=counts.count) if counts else 0
    if counts.count(width) < 3:
        return lines
    out = list(lines)
    folded: dict[int, tuple[int, str]] = {}
    # a header row: `width` lines in a row that each name a period ("Q1 2012")
    k = 0
    while k + width <= len(lines):
        block = [line.strip() for line in lines[k : k + width]]
        if all(b and not _lone(b) and parse_header(b).kind == "period" for b in block):
            folded[k] = (width - 1, "\t" + "\t".join(block))
            k += width
            continue
        k += 1
    for at, n in runs:
        if at in folded:
            continue
        if n != width:
            continue
        cells = [lines[at + 1 + k].strip() for k in range(n)]
        label = lines[at].strip()
        if all(_YEAR_CELL.match(c) for c in cells):
            spans: list[int] = []
            k = at
            while k >= 0 and len(spans) < n and _SPAN.search(lines[k]):
                spans.insert(0, k)
                k -= 1
            if spans and n % len(spans) == 0:
                each = n // len(spans)
                heads = [
                    f"{lines[spans[c // each]].strip().rstrip(',')}, {cell}"
                    for c, cell in enumerate(cells)
                ]
                for k in spans:
                    folded[k] = (0, "")
                folded[spans[0]] = (at + n - spans[0], "\t" + "\t".join(heads))
                continue
        folded[at] = (n, label + "\t" + "\t".join(cells))
    result: list[str] = []
    skip = 0
    for k, line in enumerate(out):
        if skip:
            skip -= 1
            continue
        if k in folded:
            n, text = folded[k]
            if text:
                result.append(text)
                skip = n
            continue
        result.append(line)
    return result


def read_text(text: str, name: str = "<text>") -> Document:
    """Split plain text into table rows (tab, aligned spaces, trailing numbers) and prose."""
    doc = Document("text", name, text=text)
    rows: list[Row] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            doc.prose.append(" ".join(paragraph))
            paragraph.clear()

    for number, raw in enumerate(_fold_cell_lines(text.splitlines()), start=1):
        line = raw.rstrip()
        if not line.strip() or re.fullmatch(r"\s*[-=_]{5,}\s*", line):
            end_paragraph()
            rows.append(Row("", (), f"line {number}", blank=True))
            continue
        label, cells = _split_line(line)
        aligned = "\t" in line or re.search(r"\S {3,}\S", line.strip())
        prose_like = (
            len(line) > 100 and not aligned and sum(is_value(c) for c in cells) == 0
        ) or (not aligned and len(label.split()) >= 10 and len(cells) <= 1)
        if paragraph and not aligned and len(cells) <= 1 and not is_value(line.strip()):
            # a sentence wrapped over lines, as a PDF's text breaks it
            paragraph.append(line.strip())
            if re.search(r"[.!?]$", line.strip()):
                end_paragraph()
            rows.append(Row("", (), f"line {number}", blank=True))
            continue
        if prose_like and not re.search(r"[.!?]$", line.strip()):
            end_paragraph()
            paragraph.append(line.strip())
            rows.append(Row("", (), f"line {number}", blank=True))
            continue
        if prose_like or (not cells and len(line) > 100):
            end_paragraph()
            doc.prose.append(line.strip())
            rows.append(Row("", (), f"line {number}", blank=True))
            continue
        if not cells and re.search(r"[.!?]$", line.strip()) and len(line) > 60:
            paragraph.append(line.strip())
            rows.append(Row("", (), f"line {number}", blank=True))
            continue
        rows.append(Row(label, cells, f"line {number}"))
    end_paragraph()
    doc.tables = [rows]
    return doc


# ------------------------------------------------------------------- HTML
class _HTMLTables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.stack: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.span = 1
        self.prose: list[str] = []
        self.text: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "noscript"):
            self.skip += 1
        elif tag == "table":
            self._end_text()
            self.stack.append([])
        elif tag == "tr" and self.stack:
            self.stack[-1].append([])
        elif tag in ("td", "th") and self.stack:
            if not self.stack[-1]:
                self.stack[-1].append([])
            self.cell = []
            span = dict(attrs).get("colspan") or "1"
            self.span = int(span) if span.isdigit() and 0 < int(span) < 50 else 1
        elif tag in _BLOCK_TAGS:
            if self.cell is not None:
                self.cell.append(" ")
            else:
                self._end_text()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "noscript"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.cell is not None and self.stack:
            text = " ".join("".join(self.cell).split())
            self.stack[-1][-1].extend([text] + [""] * (self.span - 1))
            self.cell = None
        elif tag == "table" and self.stack:
            self.tables.append(self.stack.pop())
        elif tag in _BLOCK_TAGS and self.cell is None:
            self._end_text()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif not self.stack:
            self.text.append(data)

    def _end_text(self) -> None:
        text = " ".join("".join(self.text).split())
        if text:
            self.prose.append(text)
        self.text = []


def _clean_grid(grid: list[list[str]]) -> list[list[str]]:
    """Glue lone "%", ")" and "$" cells to their numbers; drop empty columns."""
    out = []
    for raw in grid:
        row: list[str] = []
        for cell in raw:
            if row and cell in ("%", ")", "%)") and row[-1]:
                row[-1] += cell
                row.append("")
            else:
                row.append(cell.lstrip("$") if re.match(r"^\$\s*\d", cell) else cell)
        out.append([c for c in row])
    width = max((len(r) for r in out), default=0)
    for r in out:
        r.extend([""] * (width - len(r)))
    keep = [j for j in range(width) if j == 0 or any(r[j] for r in out)]
    return [[r[j] for j in keep] for r in out if any(r)]


def read_html(text: str, name: str = "<html>") -> Document:
    """Every ``<table>`` of a page as rows, and its other text as prose."""
    parser = _HTMLTables()
    parser.feed(text)
    parser.close()
    parser._end_text()
    doc = Document("html", name, prose=parser.prose, text=text)
    for t, grid in enumerate(parser.tables, start=1):
        rows = [
            Row(cells[0], tuple(cells[1:]), f"table {t} row {r}")
            for r, cells in enumerate(_clean_grid(grid), start=1)
        ]
        doc.tables.append(rows)
    return doc


# ------------------------------------------------------------- CSV, XLSX, PDF
def read_csv(text: str, name: str = "<csv>") -> Document:
    """A CSV (or semicolon/tab-separated) table as rows."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    grid = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text), dialect)]
    rows = [
        Row(r[0], tuple(r[1:]), f"row {i}") for i, r in enumerate(grid, start=1) if r
    ]
    return Document("csv", name, tables=[rows], text=text)


def _excel_text(value: object, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value).strip()
    decimals = 0
    m = re.search(r"0\.(0+)", number_format)
    if m:
        decimals = len(m.group(1))
    if "%" in number_format:
        return f"{value * 100:.{decimals}f}%"
    comma = "," if "," in number_format else ""
    if number_format == "General" and isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return format(value, f"{comma}.{decimals}f")


def _extra(module: str, kind: str, path: Path) -> Any:
    """Import a module of the ``draft`` extra, or say how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as err:  # pragma: no cover - depends on the extra
        raise InputError(
            f"{path}: reading {kind} needs the 'draft' extra "
            "(pip install massbalance[draft])",
            str(path),
        ) from err


def read_xlsx(path: Path) -> Document:
    """Every sheet of a workbook as a table, numbers as their cell format prints them."""
    openpyxl = _extra("openpyxl", "XLSX", path)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    doc = Document("xlsx", str(path))
    for sheet in book.worksheets:
        rows = []
        for r, cells in enumerate(sheet.iter_rows(), start=1):
            texts = [_excel_text(c.value, c.number_format or "General") for c in cells]
            if any(texts):
                rows.append(Row(texts[0], tuple(texts[1:]), f"{sheet.title}!row {r}"))
        doc.tables.append(rows)
    return doc


def read_pdf(path: Path) -> Document:
    """The text layer of a PDF, laid out by position, read as plain text."""
    pdfplumber = _extra("pdfplumber", "PDF", path)
    with pdfplumber.open(path) as pdf:
        pages = [page.extract_text(layout=True) or "" for page in pdf.pages]
    doc = read_text("\n".join(pages), str(path))
    doc.kind = "pdf"
    return doc


# ------------------------------------------------------------------- dispatch
def _looks_html(text: str) -> bool:
    head = text[:5000].lower()
    return (
        "<table" in head
        or "<html" in head
        or "<!doctype html" in head
        or ("<table" in text.lower() and "</td>" in text.lower())
    )


def load_document(source: str | Path) -> Document:
    """Read a source: a path (by its suffix, else its content) or the text itself.

    Raises
    ------
    InputError
        If the file cannot be read, is empty, or is binary.
    """
    if isinstance(source, str) and ("\n" in source or len(source) > 4096):
        text, name, suffix = source, "<text>", ""
    else:
        path = Path(source)
        name, suffix = str(path), path.suffix.lower()
        try:
            data = path.read_bytes()
        except OSError as err:
            raise InputError(f"{path}: cannot read: {err.strerror}", str(path)) from err
        if not data.strip():
            raise NoTableError(
                f"no production table found in {path}: the file is empty", str(path)
            )
        if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
            if suffix == ".xlsx":
                return read_xlsx(path)
            raise NoTableError(
                f"no production table found in {path}: a binary file", str(path)
            )
        if suffix == ".pdf" or data[:5] == b"%PDF-":
            return read_pdf(path)
        if b"\x00" in data[:8192]:
            raise NoTableError(
                f"no production table found in {path}: a binary file", str(path)
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            if text.count("\ufffd") > 10:
                raise NoTableError(
                    f"no production table found in {path}: not text", str(path)
                ) from None
    if not text.strip():
        raise NoTableError(
            f"no production table found in {name}: the text is empty", name
        )
    if suffix in (".html", ".htm") or _looks_html(text):
        return read_html(text, name)
    if suffix in (".csv", ".tsv"):
        return read_csv(text, name)
    return read_text(text, name)
