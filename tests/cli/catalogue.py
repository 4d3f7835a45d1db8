"""What the readers refuse: a catalogue of malformed input files.

Each :class:`Case` is a file (its text, bytes, or a directory) of one kind,
what is wrong with it, the key path, figure id or file fact its error message
must name, and the hint the message must give. ``tests/cli/test_catalogue.py``
runs every case through the CLI; :func:`markdown_table` renders the
catalogue for ``docs/release-format.md`` ("What the reader refuses"), and a
test checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"

RELEASE = """\
[release]
issuer = "Example Mining"
title = "First quarter production"
date = 2024-04-15
rounding = "nearest"

[periods.Q1]
start = 2024-01-01
end = 2024-03-31
feed = "ore"
throughput = "1,000 tpd"

[periods.Q1.streams.ore]
mass = "91,000 t"
Pb = "5.0 %"

[periods.Q1.streams.conc]
mass = "6,500 t"
Pb = "63 %"

[periods.Q1.recovery]
Pb = { value = "90 %", to = ["conc"] }

[periods.Q1.contained]
Pb = { value = "4,095 t", in = ["conc"] }

[periods.Q1.equivalent.PbEq]
value = "4,095 t"
prices = { Pb = "2,000 USD/t" }

[periods.Q0]
days = 90

[periods.Q0.streams.ore]
mass = "88,000 t"

[periods.H1]
days = 181

[periods.H1.streams.ore]
mass = "179,000 t"

[[changes]]
figure = "mass.ore"
from = "Q0"
to = "Q1"
value = "3 %"

[[totals]]
total = "H1"
parts = ["Q0", "Q1"]
"""

BALANCE = (DATA / "balance" / "pbzn_two_concentrates.toml").read_text(encoding="utf-8")

PLANT = """\
[plant]
name = "rougher"
elements = ["Pb"]
rsd = "2 %"

[nodes.rougher]
in = ["feed"]
out = ["conc", "tail"]

[streams.feed]
mass = { value = "1,000 t", rsd = "1 %" }
Pb = "5.1 %"

[streams.conc]
Pb = "60 %"

[streams.tail]
Pb = "0.5 %"
"""

BASES = {"release": RELEASE, "balance": BALANCE, "plant": PLANT}


@dataclass(frozen=True)
class Case:
    """One malformed file and what its refusal must say."""

    name: str  #: what is wrong, in words
    kind: str  #: release, balance or plant
    data: str | bytes | None  #: the file's text or bytes; None: a directory
    where: str  #: the key path, figure id or fact the message names
    hint: str  #: the hint the message gives


def _edit(kind: str, old: str, new: str) -> str:
    base = BASES[kind]
    assert base.count(old) == 1, (kind, old)
    return base.replace(old, new)


def _r(old: str, new: str) -> str:
    return _edit("release", old, new)


CATALOGUE: tuple[Case, ...] = (
    # --- typos in keys, at every level
    Case("table name misspelt", "release", _r("[release]", "[relase]"),
         "relase", "did you mean `release`?"),
    Case("key of [release] misspelt", "release", _r('rounding = "nearest"', 'roundng = "nearest"'),
         "release.roundng", "did you mean `rounding`?"),
    Case("rounding value misspelt", "release", _r('rounding = "nearest"', 'rounding = "neares"'),
         "release.rounding", 'did you mean "nearest"?'),
    Case("period key misspelt", "release", _r("start = 2024-01-01", "strat = 2024-01-01"),
         "periods.Q1.strat", "did you mean `start`?"),
    Case("stream key misspelt", "release", _r('mass = "91,000 t"', 'mas = "91,000 t"'),
         "periods.Q1.streams.ore.mas", "did you mean `mass`?"),
    Case("element in lower case", "release", _r('Pb = "5.0 %"', 'pb = "5.0 %"'),
         "periods.Q1.streams.ore.pb", "did you mean `Pb`?"),
    Case("figure key misspelt", "release", _r('Pb = { value = "90 %"', 'Pb = { valeu = "90 %"'),
         "periods.Q1.recovery.Pb.valeu", "did you mean `value`?"),
    Case("streams key of contained misspelt", "release", _r('in = ["conc"]', 'inn = ["conc"]'),
         "periods.Q1.contained.Pb.inn", "did you mean `in`?"),
    Case("equivalent key misspelt", "release", _r("prices = {", "price = {"),
         "periods.Q1.equivalent.PbEq.price", "did you mean `prices`?"),
    Case("change key misspelt", "release", _r('figure = "mass.ore"', 'figur = "mass.ore"'),
         "changes[1].figur", "did you mean `figure`?"),
    Case("total key misspelt", "release", _r('parts = ["Q0", "Q1"]', 'part = ["Q0", "Q1"]'),
         "totals[1].part", "did you mean `parts`?"),
    Case("required key missing", "release", _r('value = "3 %"\n', ""),
         "changes[1]", "missing key `value`"),
    # --- undefined references
    Case("feed names no stream", "release", _r('feed = "ore"', 'feed = "ores"'),
         "periods.Q1.feed", "did you mean 'ore'?"),
    Case("no feed for a recovery", "release", _r('feed = "ore"\n', ""),
         "periods.Q1.recovery", "no stream is named 'feed'"),
    Case("recovery to an undefined stream", "release", _r('to = ["conc"]', 'to = ["concs"]'),
         "periods.Q1.recovery.Pb.to[1]", "names stream 'concs', which period Q1 does not define"),
    Case("contained in an undefined stream", "release", _r('in = ["conc"]', 'in = ["ore", "cnc"]'),
         "periods.Q1.contained.Pb.in[2]", "did you mean 'conc'?"),
    Case("change from an undefined period", "release", _r('from = "Q0"', 'from = "Q9"'),
         "changes[1].from", "names period 'Q9', which the file does not define"),
    Case("total of an undefined part", "release", _r('parts = ["Q0", "Q1"]', 'parts = ["Q0", "Q2"]'),
         "totals[1].parts[2]", "names period 'Q2'"),
    Case("equivalent base without a price", "release", _r('prices = { Pb = "2,000 USD/t" }', 'prices = { Zn = "2,000 USD/t" }'),
         "periods.Q1.equivalent.PbEq.base", "has no price"),
    # --- wrong structural types
    Case("parts is a number", "release", _r('parts = ["Q0", "Q1"]', "parts = 5"),
         "totals[1].parts", "expected an array"),
    Case("changes is a number", "release", "changes = 5\n" + RELEASE[: RELEASE.index("[[changes]]")] + RELEASE[RELEASE.index("[[totals]]") :],
         "changes", "expected an array"),
    Case("equivalent is a string", "release", _r("[periods.Q1.equivalent.PbEq]\nvalue = \"4,095 t\"\nprices = { Pb = \"2,000 USD/t\" }\n", '[periods.Q1.extra]\n').replace("[periods.Q1.extra]", "").replace('throughput = "1,000 tpd"', 'throughput = "1,000 tpd"\nequivalent = "x"'),
         "periods.Q1.equivalent", "expected a table"),
    Case("from is an array", "release", _r('from = "Q0"', 'from = ["Q0"]'),
         "changes[1].from", "expected a string in quotes"),
    Case("date in quotes", "release", _r("start = 2024-01-01", 'start = "2024-01-01"'),
         "periods.Q1.start", "TOML date such as 2012-03-31 (without quotes)"),
    Case("days is zero", "release", _r("days = 90", "days = 0"),
         "periods.Q0.days", "0 is below 1"),
    Case("balance is not a boolean", "release", _r("throughput = \"1,000 tpd\"", 'throughput = "1,000 tpd"\nbalance = "yes"'),
         "periods.Q1.balance", "expected true or false"),
    Case("figure is a bare number", "release", _r('mass = "91,000 t"', "mass = 91000"),
         "periods.Q1.streams.ore.mass", "expected a printed figure"),
    Case("unit pin is not a string", "release", _r("[periods.Q1]\n", '[release.units]\ntons = 5\n\n[periods.Q1]\n').replace('rounding = "nearest"\n\n[release.units]', 'rounding = "nearest"\n[release.units]'),
         'release.units.tons', "expected a string in quotes"),
    # --- cycles
    Case("a total is its own part", "release", _r('total = "H1"\nparts = ["Q0", "Q1"]', 'total = "Q1"\nparts = ["Q1"]'),
         "totals", "the totals form a cycle: 'Q1' -> 'Q1'"),
    Case("two totals in a cycle", "release", _r('total = "H1"\nparts = ["Q0", "Q1"]', 'total = "H1"\nparts = ["Q0", "Q1"]\n\n[[totals]]\ntotal = "Q1"\nparts = ["H1"]'),
         "totals", "the totals form a cycle: 'H1' -> 'Q1' -> 'H1'"),
    Case("a part named twice", "release", _r('parts = ["Q0", "Q1"]', 'parts = ["Q0", "Q1", "Q0"]'),
         "totals[1].parts[3]", "names period 'Q0' twice"),
    # --- ids and names
    Case("period name with a space", "release", _r("[periods.Q0]", '[periods."Q 0"]').replace("[periods.Q0.streams.ore]", '[periods."Q 0".streams.ore]'),
         'periods."Q 0"', "a name of ASCII letters, digits, `_` and `-`"),
    Case("stream name with an escape", "release", _r("[periods.Q0.streams.ore]", '[periods.Q0.streams."ore\\u001b[2J"]'),
         'periods.Q0.streams."ore\\u001b[2J"', "a name of ASCII letters"),
    Case("figure id with a newline", "release", _r('Pb = { value = "90 %", to', 'Pb = { id = "x\\nCONSISTENT", value = "90 %", to'),
         "periods.Q1.recovery.Pb.id", "is not an id"),
    Case("issuer with a control character", "release", _r('issuer = "Example Mining"', 'issuer = "Example\\u001b[2J"'),
         "release.issuer", "control or text-direction character"),
    Case("printed value with a direction override", "release", _r('Pb = "63 %"', 'Pb = "63 %\\u202e"'),
         "periods.Q1.streams.conc.Pb", "control or text-direction character"),
    # --- extreme numbers
    Case("a 400-digit mass", "release", _r('mass = "6,500 t"', 'mass = "1' + "0" * 399 + ' t"'),
         "Q1.mass.conc", "prints 400 significant digits"),
    Case("a 330-decimal mass", "release", _r('mass = "6,500 t"', 'mass = "0.' + "0" * 329 + '1 t"'),
         "Q1.mass.conc", "outside the range the check works in"),
    Case("a zero feed mass", "release", _r('mass = "91,000 t"', 'mass = "0 t"'),
         "Q1.mass.ore", "recoveries, throughput and the balance divide by the feed"),
    Case("zero days printed", "release", _r("days = 90", 'days = "0"'),
         "Q0.days", "must be a positive count"),
    Case("a zero feed grade under a recovery", "release", _r('Pb = "5.0 %"', 'Pb = "0.0 %"'),
         "Q1.grade.ore.Pb", "the recovery of Pb (a ratio to the feed's metal) is undefined"),
    # --- number formats, lookalike digits, unit pins
    Case("a decimal comma under the default", "release", _r('Pb = "5.0 %"', 'Pb = "5,0 %"'),
         "Q1.grade.ore.Pb", 'reads under numbers = "1.234,5"'),
    Case("a space inside a number", "release", _r('mass = "6,500 t"', 'mass = "6 500 t"'),
         "Q1.mass.conc", 'if spaces group thousands set [release] numbers = "1 234.5"'),
    Case("mixed number formats", "release",
         _r('Pb = "5.0 %"', 'Pb = "5,0 %"').replace('throughput = "1,000 tpd"', 'throughput = "1.011 tpd"'),
         "periods.Q1.throughput", "the file mixes number formats"),
    Case("points grouping under a comma format", "release",
         _r('rounding = "nearest"', 'rounding = "nearest"\nnumbers = "1 234,5"'),
         "Q1.throughput", 'it reads under numbers = "1,234.5"'),
    Case("an unknown number format", "release", _r('rounding = "nearest"', 'rounding = "nearest"\nnumbers = "1.234.5"'),
         "release.numbers", 'did you mean "1.234,5"?'),
    Case("Arabic-Indic digits", "release", _r('mass = "6,500 t"', 'mass = "\u0666,\u0665\u0660\u0660 t"'),
         "Q1.mass.conc", "retype the figure with the digits 0-9"),
    Case("a full-width comma", "release", _r('mass = "6,500 t"', 'mass = "6\uff0c500 t"'),
         "Q1.mass.conc", "looks like a digit separator"),
    Case("a unit pin outside the grammar", "release",
         _r('rounding = "nearest"', 'rounding = "nearest"\n\n[release.units]\n"ton" = "9**9**9 * tonne"'),
         "release.units.ton", "exponent 9 is above 4"),
    Case("a unit pin with an open parenthesis", "release",
         _r('rounding = "nearest"', 'rounding = "nearest"\n\n[release.units]\n"ton" = "(tonne"'),
         "release.units.ton", "unbalanced parentheses"),
    # --- encodings and files
    Case("not UTF-8", "release", _r('title = "First quarter production"', 'title = "Producci\u00f3n"').encode("latin-1"),
         "byte 0xF3 at byte offset 53 (line 3)", "save the file as UTF-8"),
    Case("UTF-16", "release", RELEASE.encode("utf-16"),
         "UTF-16 text", "save it as UTF-8"),
    Case("a BOM and a typo", "release", b"\xef\xbb\xbf" + _r("end = 2024-03-31", "ende = 2024-03-31").encode(),
         "periods.Q1.ende", "did you mean `end`?"),
    Case("a directory", "balance", None,
         "is a directory", "not a TOML file"),
    Case("arrays nested 5,000 deep", "release", "x = " + "[" * 5000 + "]" * 5000 + "\n",
         "line 1", "nested more than 32 deep"),
    Case("malformed TOML", "release", _r("[periods.Q1]", "[periods.Q1"),
         "malformed TOML at line 7", "Expected ']'"),
    # --- balance files
    Case("balance key misspelt", "balance", _edit("balance", "elements =", "elemnts ="),
         "balance.elemnts", "did you mean `elements`?"),
    Case("assay key not an element", "balance", _edit("balance", 'Pb = "66 %"', 'Pbb = "66 %"'),
         "streams.pb_conc.Pbb", "a chemical symbol"),
    Case("balance feed names no stream", "balance", _edit("balance", 'feed = "feed"', 'feed = "fed"'),
         "balance.feed", "did you mean 'feed'?"),
    Case("SD of an undefined stream", "balance", BALANCE + '\n[sd.tal]\nPb = "0.1 %"\n',
         "sd.tal", "did you mean 'tail'?"),
    Case("element listed but not assayed", "balance", _edit("balance", 'elements = ["Pb", "Zn"]', 'elements = ["Pb", "Cu"]'),
         "balance.elements[2]", "which no stream assays"),
    Case("assay is a number", "balance", _edit("balance", 'Zn = "43 %"', "Zn = 43"),
         "streams.zn_conc.Zn", "expected a string in quotes"),
    # --- plant files
    Case("plant key misspelt", "plant", _edit("plant", 'rsd = "2 %"', 'rds = "2 %"'),
         "plant.rds", "did you mean `rsd`?"),
    Case("node key misspelt", "plant", _edit("plant", 'in = ["feed"]', 'inn = ["feed"]'),
         "nodes.rougher.inn", "did you mean `in`?"),
    Case("measurement of an undefined stream", "plant", _edit("plant", "[streams.tail]", "[streams.tails]"),
         "streams.tails", "did you mean 'tail'?"),
    Case("assay of an unlisted element", "plant", _edit("plant", 'Pb = "5.1 %"', 'Pb = "5.1 %"\nCu = "1 %"'),
         "streams.feed.Cu", "does not list"),
    Case("measurement key misspelt", "plant", _edit("plant", 'rsd = "1 %" }', 'rsdd = "1 %" }'),
         "streams.feed.mass.rsdd", "did you mean `rsd`?"),
    Case("a 400-digit measured mass", "plant", _edit("plant", '"1,000 t"', '"1' + "0" * 399 + ' t"'),
         "streams.feed.mass", "prints 400 significant digits"),
    Case("an assay below the range", "balance", _edit("balance", 'Pb = "0.9 %"', 'Pb = "0.' + "0" * 329 + '1 %"'),
         "tail.Pb", "outside the range the check works in"),
    Case("node inputs not an array", "plant", _edit("plant", 'in = ["feed"]', 'in = "feed"'),
         "nodes.rougher.in", "expected an array"),
)  # fmt: skip


def markdown_table(cases: tuple[Case, ...] = CATALOGUE) -> str:
    """The catalogue as a Markdown table (one row per case)."""

    def cell(text: str) -> str:
        return "`" + text.replace("|", "\\|") + "`"

    rows = [
        "| what is wrong | file | the message names | and says |",
        "|---|---|---|---|",
    ]
    rows += [
        f"| {c.name} | {c.kind} | {cell(c.where)} | {cell(c.hint)} |" for c in cases
    ]
    return "\n".join(rows) + "\n"
