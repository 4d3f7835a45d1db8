from __future__ import annotations

import json
from pathlib import Path

from massbalance.cli import main

EXAMPLE = Path(__file__).parents[2] / "examples" / "pbzn_month.toml"

GOOD = """
[plant]
elements = ["Pb"]
rsd = "2 %"
[nodes.cell]
in = ["feed"]
out = ["conc", "tail"]
[streams.feed]
mass = "100 t"
Pb = "5.0 %"
[streams.conc]
mass = "7.6 t"
Pb = "60 %"
[streams.tail]
Pb = "0.5 %"
"""


def test_json_contract(capsys):
    code = main(["reconcile", str(EXAMPLE), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1  # a gross error was set aside
    assert set(doc) >= {"streams", "chi2", "dof", "p_value", "gross_errors"}
    assert doc["converged"] is True
    assert set(doc["streams"]["feed"]["mass"]) >= {"measured", "adjusted", "sd", "unit"}
    assert doc["gross_errors"][0]["measurement"] == "zn_conc.mass"


def test_text_markdown_csv(tmp_path, capsys):
    f = tmp_path / "p.toml"
    f.write_text(GOOD)
    for fmt in ("text", "markdown", "csv"):
        assert main(["reconcile", str(f), "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "feed" in out
    out_file = tmp_path / "r.json"
    assert main(["reconcile", str(f), "--format", "json", "-o", str(out_file)]) == 0
    assert json.loads(out_file.read_text())["dof"] == 1


def test_bad_input_exit_2(tmp_path, capsys):
    f = tmp_path / "p.toml"
    f.write_text(GOOD.replace('Pb = "60 %"', 'Pb = "160 %"'))
    assert main(["reconcile", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "outside 0-100 %" in err
    f.write_text(
        GOOD.replace('mass = "7.6 t"', 'mass = { value = "7.6 t", sd = "0 t" }')
    )
    assert main(["reconcile", str(f)]) == 2
    f.write_text(GOOD.replace('mass = "100 t"\n', "").replace('mass = "7.6 t"\n', ""))
    assert main(["reconcile", str(f)]) == 2  # unobservable
    assert "unobservable" in capsys.readouterr().err
    assert main(["reconcile", str(f), "--allow-unobservable"]) == 0
    assert main(["reconcile", str(f), "--alpha", "2"]) == 2


def test_non_convergence_exit_3(tmp_path, capsys, monkeypatch):
    from massbalance.reconciliation import _result as res

    f = tmp_path / "p.toml"
    f.write_text(GOOD)
    original = res.solve_sparse
    monkeypatch.setattr(
        res, "solve_sparse", lambda p, max_iter=50: original(p, max_iter=0)
    )
    assert main(["reconcile", str(f)]) == 3
    assert "no convergence" in capsys.readouterr().err


def test_render_reconciliation_is_pure_and_rejects_unknown_format():
    import pytest

    from massbalance.io import read_plant
    from massbalance.reconciliation import reconcile
    from massbalance.report import RECONCILE_FORMATS, render_reconciliation

    path = (
        Path(__file__).parents[1]
        / "reference"
        / "reconcile"
        / "ncsu_cooling_water_all_measured.toml"
    )
    data = read_plant(path)
    result = reconcile(data.flowsheet, data.measurements)
    for fmt in RECONCILE_FORMATS:
        assert "F1" in render_reconciliation(result, fmt)
    with pytest.raises(ValueError, match="unknown format"):
        render_reconciliation(result, "pdf")


RELEASE = Path(__file__).parents[2] / "examples" / "alexco-2012-q1.toml"


def test_from_release_json(capsys):
    code = main(["reconcile", "--from-release", str(RELEASE), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(doc) >= {
        "figures",
        "derived",
        "chi2",
        "dof",
        "p_value",
        "unobservable",
        "active",
        "converged",
    }
    assert doc["dof"] == 18
    fig = doc["figures"]["2012Q1.recovery.Ag"]
    assert set(fig) >= {"printed", "unit", "estimate", "sd", "normalised_adjustment"}
    assert fig["unit"] == "%"
    assert abs(fig["estimate"] - 94.71) < 0.01
    assert doc["derived"]["2012Q1.grade.tail.Zn"] == {
        "unit": "%",
        "estimate": None,
        "sd": None,
        "observable": False,
    }


def test_from_release_text_and_rounding(tmp_path, capsys):
    out = tmp_path / "est.md"
    args = ["reconcile", "--from-release", str(RELEASE), "--format", "markdown"]
    assert main([*args, "--rounding", "either", "-o", str(out)]) == 0
    text = out.read_text()
    assert "(either rounding)" in text
    assert "| 2012Q1.recovery.Ag |" in text


def test_rounding_needs_from_release(capsys):
    assert main(["reconcile", str(EXAMPLE), "--rounding", "nearest"]) == 2
    assert "--from-release" in capsys.readouterr().err


def test_from_release_bad_file_exit_2(tmp_path, capsys):
    f = tmp_path / "r.toml"
    f.write_text('[periods.P]\nfeed = "f"\n[periods.P.streams.f]\nmass = "-5 t"\n')
    assert main(["reconcile", "--from-release", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "negative" in err
