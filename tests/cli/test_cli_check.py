from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from massbalance.cli import main

SEED = Path(__file__).parents[2] / "examples" / "alexco-2012-q1.toml"


@pytest.fixture
def seed(tmp_path):
    path = tmp_path / "alexco.toml"
    shutil.copy(SEED, path)
    return path


def test_main_command_exits_1_on_the_seed(capsys, seed):
    before = seed.read_bytes()
    assert main(["check", str(seed)]) == 1
    out = capsys.readouterr().out
    assert "INCONSISTENT" in out
    assert "2012Q1.recovery.Ag: printed 94%, must be 94.67 %" in out
    assert "581,808 oz / (21,251 t x 899 g/t) = 94.72 % at the printed values" in out
    assert "[94.66, 94.78] % within their rounding (printed 94%)" in out
    assert seed.read_bytes() == before


@pytest.mark.parametrize(
    ("rounding", "code"), [("nearest", 1), ("truncate", 1), ("either", 0)]
)
def test_json_contract_under_each_convention(capsys, seed, rounding, code):
    assert (
        main(["check", str(seed), "--format", "json", "--rounding", rounding]) == code
    )
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == ("consistent" if code == 0 else "inconsistent")
    assert data["rounding"] == rounding
    assert {"figures", "relations", "culprits", "derived"} <= set(data)
    for figure in data["figures"]:
        assert {"id", "printed", "unit", "interval", "implied", "status"} <= set(figure)
        assert figure["status"] in {"ok", "flagged", "suspect", "unchecked"}
        lo, hi = figure["interval"]
        assert lo <= hi
    for relation in data["relations"]:
        assert relation["kind"] in {
            "contained",
            "recovery",
            "throughput",
            "change",
            "balance",
            "total",
            "duplicate",
            "moisture",
            "equivalent",
        }
        assert relation["status"] in {"ok", "violated"}
    if rounding == "nearest":
        assert data["culprits"][0]["figures"] == [
            "2011Q1.grade.pb_conc.Pb",
            "2012Q1.recovery.Ag",
        ]
        assert data["culprits"][0]["cost"] == pytest.approx(0.256, abs=0.002)
        by_id = {f["id"]: f for f in data["figures"]}
        assert by_id["2012Q1.recovery.Ag"]["status"] == "flagged"
        assert by_id["2012Q1.recovery.Ag"]["interval"] == [93.5, 94.5]
        assert by_id["2012Q1.recovery.Ag"]["implied"][0] == pytest.approx(
            94.67, abs=0.01
        )
        assert any(
            d["id"] == "2012Q1.mass.tail" and d["unit"] == "t" for d in data["derived"]
        )


def test_markdown_and_output_file_are_written_atomically(capsys, seed, tmp_path):
    out = tmp_path / "report.md"
    assert main(["check", str(seed), "--format", "markdown", "--output", str(out)]) == 1
    assert capsys.readouterr().out == ""
    text = out.read_text()
    assert text.startswith("# massbalance check")
    assert "| figure | printed | interval | implied | status |" in text
    assert not list(tmp_path.glob(".report.md.*"))


def test_refuses_to_overwrite_the_input(capsys, seed):
    before = seed.read_bytes()
    assert main(["check", str(seed), "--output", str(seed)]) == 2
    assert "refusing to overwrite the input" in capsys.readouterr().err
    assert seed.read_bytes() == before


BAD = [
    (
        "malformed",
        lambda t: t.replace("[periods.2012Q1]", "[periods.2012Q1"),
        "malformed TOML",
    ),
    (
        "unknown unit",
        lambda t: t.replace('mass = "21,251 t"', 'mass = "21,251 furlongs"'),
        "2012Q1.mass.ore_processed: unknown unit 'furlongs'",
    ),
    (
        "ton",
        lambda t: t.replace('mass = "21,251 t"', 'mass = "21,251 tons"'),
        "2012Q1.mass.ore_processed: unit 'tons' is ambiguous",
    ),
    (
        "grade over 100",
        lambda t: t.replace('Pb = "66%"', 'Pb = "166%"'),
        "2012Q1.grade.pb_conc.Pb: '166%' is outside 0-100 %",
    ),
    (
        "negative mass",
        lambda t: t.replace('mass = "3,376 t"', 'mass = "-3,376 t"'),
        "2012Q1.mass.pb_conc: '-3,376 t' is negative",
    ),
    (
        "missing stream",
        lambda t: t.replace(
            'in = ["pb_conc"] }        # "Lead', 'in = ["pb_con"] }  # "Lead'
        ),
        "periods.2012Q1.contained.Pb.in[1]: names stream 'pb_con', which period "
        "2012Q1 does not define; did you mean 'pb_conc'?",
    ),
    (
        "missing period",
        lambda t: t.replace('from = "2011Q1"', 'from = "2010Q1"', 1),
        "changes[1].from: names period '2010Q1', which the file does not define",
    ),
    (
        "no digits",
        lambda t: t.replace('Ag = "899 g/t"', 'Ag = "n/a g/t"'),
        "2012Q1.grade.ore_processed.Ag: 'n/a g/t' is not a printed number",
    ),
    ("duplicate period", lambda t: t + "\n[periods.2012Q1]\ndays = 5\n", "2012Q1"),
    (
        "recovery over 100",
        lambda t: t.replace(
            'value = "93%", to = ["pb_conc"]', 'value = "193%", to = ["pb_conc"]'
        ),
        "2012Q1.recovery.Pb: '193%' is outside 0-100 %",
    ),
]


@pytest.mark.parametrize(("name", "edit", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_one_line(capsys, seed, name, edit, message):
    text = edit(seed.read_text())
    assert text != seed.read_text(), "the edit must change the file"
    seed.write_text(text)
    assert main(["check", str(seed)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert str(seed) in lines[0]
    assert message in lines[0]
    assert "Traceback" not in captured.err
    assert seed.read_text() == text


def test_missing_file_exits_2(capsys, tmp_path):
    assert main(["check", str(tmp_path / "none.toml")]) == 2
    assert "none.toml: cannot read" in capsys.readouterr().err
