"""massbalance balance / convert: formats, exit codes."""

from __future__ import annotations

import json

import pytest

from massbalance.cli import main

SEED = """
[balance]
feed = "feed"

[streams.feed]
mass = "21,251 t"
Pb = "11.3 %"
Zn = "5.7 %"
[streams.pb_conc]
Pb = "66 %"
Zn = "4 %"
[streams.zn_conc]
Pb = "2 %"
Zn = "43 %"
[streams.tail]
Pb = "0.9 %"
Zn = "2.6 %"
"""


@pytest.fixture
def seed_file(tmp_path):
    path = tmp_path / "seed.toml"
    path.write_text(SEED)
    return path


def test_balance_text(seed_file, capsys):
    assert main(["balance", str(seed_file)]) == 0
    out = capsys.readouterr().out
    assert "exact; condition number" in out
    assert "pb_conc" in out
    assert "92.60" in out


def test_balance_markdown(seed_file, capsys):
    assert main(["balance", str(seed_file), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "| product | split % | mass t |" in out


def test_balance_json_and_output_file(seed_file, tmp_path, capsys):
    target = tmp_path / "out.json"
    assert main(["balance", str(seed_file), "--format", "json", "-o", str(target)]) == 0
    doc = json.loads(target.read_text())
    assert doc["exact"] is True
    assert doc["splits"]["pb_conc"]["unit"] == "percent"
    total = sum(v["value"] for v in doc["masses"].values())
    assert total == pytest.approx(21251)
    assert doc["recovery"]["Pb"]["pb_conc"]["value"] == pytest.approx(92.6, abs=0.01)


def test_balance_overdetermined_with_sd(tmp_path, capsys):
    text = SEED.replace('Zn = "4 %"', 'Zn = "4 %"\nAg = "5,144 g/t"')
    text = text.replace('Zn = "5.7 %"', 'Zn = "5.7 %"\nAg = "899 g/t"')
    text = text.replace('Zn = "43 %"', 'Zn = "43 %"\nAg = "460 g/t"')
    text = text.replace('Zn = "2.6 %"', 'Zn = "2.6 %"\nAg = "45 g/t"')
    sd = "".join(
        f'\n[sd.{s}]\nPb = "0.1 %"\nZn = "0.1 %"\nAg = "10 g/t"\n'
        for s in ("feed", "pb_conc", "zn_conc", "tail")
    )
    path = tmp_path / "ag.toml"
    path.write_text(text + sd)
    assert main(["balance", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["exact"] is False
    assert doc["split_sd"]["pb_conc"]["value"] > 0


def test_balance_bad_grade_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(SEED.replace('Pb = "66 %"', 'Pb = "166 %"'))
    assert main(["balance", str(path)]) == 2
    err = capsys.readouterr().err
    assert "pb_conc.Pb" in err
    assert "166 %" in err


def test_balance_missing_element_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(SEED.replace('Pb = "2 %"\n', ""))
    assert main(["balance", str(path)]) == 2
    assert "zn_conc: no assay for element 'Pb'" in capsys.readouterr().err


def test_balance_bad_toml_and_missing_file_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text("[streams\n")
    assert main(["balance", str(path)]) == 2
    assert main(["balance", str(tmp_path / "nope.toml")]) == 2


def test_balance_collinear_exits_3(tmp_path, capsys):
    path = tmp_path / "collinear.toml"
    text = SEED.replace('Pb = "66 %"\nZn = "4 %"', 'Pb = "20 %"\nZn = "40 %"')
    text = text.replace('Pb = "2 %"\nZn = "43 %"', 'Pb = "10 %"\nZn = "20 %"')
    text = text.replace('Pb = "0.9 %"\nZn = "2.6 %"', 'Pb = "0 %"\nZn = "0 %"')
    text = text.replace('Pb = "11.3 %"\nZn = "5.7 %"', 'Pb = "3 %"\nZn = "6 %"')
    path.write_text(text)
    assert main(["balance", str(path)]) == 3
    assert "condition number" in capsys.readouterr().err


def test_balance_infeasible_exits_3(tmp_path, capsys):
    path = tmp_path / "neg.toml"
    path.write_text(SEED.replace('Pb = "11.3 %"', 'Pb = "80 %"'))
    assert main(["balance", str(path)]) == 3
    assert "outside 0-100 %" in capsys.readouterr().err


def test_convert(capsys):
    assert main(["convert", "40.5 opt", "g/t"]) == 0
    assert capsys.readouterr().out.strip() == "40.5 opt = 1,388.571 g/t"
    assert main(["convert", "581,746 oz", "kg"]) == 0
    assert "18,094.3" in capsys.readouterr().out


def test_convert_errors_exit_2(capsys):
    assert main(["convert", "40.5 opt", "t"]) == 2
    assert "different dimensions" in capsys.readouterr().err
    assert main(["convert", "30 tons", "t"]) == 2
    assert "ambiguous" in capsys.readouterr().err


def test_balance_poor_condition_warns_on_stderr_and_exits_0(tmp_path, capsys):
    path = tmp_path / "poor.toml"
    text = SEED.replace('Pb = "66 %"\nZn = "4 %"', 'Pb = "30 %"\nZn = "30.03 %"')
    text = text.replace('Pb = "2 %"\nZn = "43 %"', 'Pb = "30.03 %"\nZn = "30 %"')
    text = text.replace('Pb = "0.9 %"\nZn = "2.6 %"', 'Pb = "0.2 %"\nZn = "0.2 %"')
    text = text.replace('Pb = "11.3 %"\nZn = "5.7 %"', 'Pb = "3 %"\nZn = "3 %"')
    path.write_text(text)
    assert main(["balance", str(path)]) == 0
    assert "warning: n_product: poorly conditioned" in capsys.readouterr().err


def test_balance_needs_three_streams(tmp_path, capsys):
    path = tmp_path / "two.toml"
    path.write_text('[streams.feed]\nPb = "1 %"\n[streams.conc]\nPb = "50 %"\n')
    assert main(["balance", str(path)]) == 2
    assert "at least two products" in capsys.readouterr().err
