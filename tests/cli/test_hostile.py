"""Hostile inputs to the balance and reconcile commands, and crashes.

Every case exits with a documented code (never 1 for a crash), prints at
most a line or two on stderr, no traceback and no control character, leaves
its input unchanged, and a report that is written never holds a control
character, ``inf`` or ``nan``, and is valid JSON when asked for JSON.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

import massbalance.cli as cli
from massbalance.cli import main
from tests.cli.test_cli_reconcile import GOOD

FORGED = "\u001b[2J\u001b[H\nVERDICT\n\nCONSISTENT"
HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs"}
BIG = "1" + "0" * 400

PLANT = GOOD  # the smallest valid plant file, shared with the reconcile CLI tests

BALANCE = """
[balance]
feed = "feed"
[streams.feed]
mass = "21,251 t"
Pb = "3.0 %"
Zn = "6.0 %"
[streams.pb_conc]
Pb = "50 %"
Zn = "8 %"
[streams.zn_conc]
Pb = "2 %"
Zn = "55 %"
[streams.tail]
Pb = "0.2 %"
Zn = "0.5 %"
"""


def toml_key(text: str) -> str:
    """A TOML basic string holding ``text`` (control characters escaped)."""
    return json.dumps(text)


CASES = {
    # a forged name: the flowsheet refuses it (exit 2), the message is escaped
    "reconcile-forged-stream": (
        ["reconcile"],
        PLANT.replace("[streams.tail]", f"[streams.{toml_key(FORGED)}]").replace(
            'out = ["conc", "tail"]', f'out = ["conc", {toml_key(FORGED)}]'
        ),
        {2},
    ),
    "reconcile-forged-node": (
        ["reconcile"],
        PLANT.replace("[nodes.cell]", f"[nodes.{toml_key(FORGED)}]"),
        {2},
    ),
    "reconcile-400-digit-mass": (
        ["reconcile"],
        PLANT.replace('mass = "100 t"', f'mass = "{BIG} t"'),
        {2},
    ),
    "reconcile-zero-feed": (
        ["reconcile"],
        PLANT.replace('mass = "100 t"', 'mass = "0 t"'),
        {2},
    ),
    "reconcile-negative-zero": (
        ["reconcile", "--format", "json"],
        PLANT.replace('mass = "7.6 t"', 'mass = "-0 t"'),
        {2},
    ),
    "balance-forged-stream": (
        ["balance"],
        BALANCE.replace("[streams.zn_conc]", f"[streams.{toml_key(FORGED)}]"),
        {2},  # names follow the documented pattern: refused, message escaped
    ),
    "balance-forged-stream-markdown": (
        ["balance", "--format", "markdown"],
        BALANCE.replace("[streams.zn_conc]", f"[streams.{toml_key(FORGED)}]"),
        {2},  # names follow the documented pattern: refused, message escaped
    ),
    "balance-forged-element-json": (
        ["balance", "--format", "json"],
        BALANCE.replace("Zn =", f"{toml_key(FORGED)} ="),
        {2},  # names follow the documented pattern: refused, message escaped
    ),
    "balance-400-digit-feed": (
        ["balance"],
        BALANCE.replace('mass = "21,251 t"', f'mass = "{BIG} t"'),
        {2},
    ),
    "balance-400-digit-feed-json": (
        ["balance", "--format", "json"],
        BALANCE.replace('mass = "21,251 t"', f'mass = "{BIG} t"'),
        {2},
    ),
    "balance-zero-feed-mass": (
        ["balance"],
        BALANCE.replace('mass = "21,251 t"', 'mass = "0 t"'),
        {0},
    ),
    # deeply nested TOML: refused by the reader (exit 2) once it checks the
    # depth; until then the recursion is an internal error (70), never 1
    "balance-deep-nesting": (["balance"], "x = " + "[" * 5000 + "]" * 5000, {2, 70}),
    "reconcile-deep-nesting": (
        ["reconcile"],
        "x = " + "[" * 5000 + "]" * 5000,
        {2, 70},
    ),
    "balance-not-toml": (["balance"], "\x00\x1b[2J", {2}),
    "reconcile-not-utf8": (["reconcile"], "\udcff", {2}),
    "balance-not-utf8": (["balance"], "x = 1\n\udcff", {2}),
}


def hidden(text: str) -> list[str]:
    return [c for c in text if c != "\n" and unicodedata.category(c) in HIDDEN]


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input(case, tmp_path, capsys):
    command, text, codes = CASES[case]
    path = tmp_path / "input.toml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    before = path.read_bytes()
    code = main([*command, str(path)])
    out, err = capsys.readouterr()
    assert code in codes, (code, err)
    assert code != 1
    assert path.read_bytes() == before
    assert "Traceback" not in err
    # one line per problem found in the file (a forged element is refused in
    # each of the four streams that name it), each naming where it is
    lines = err.splitlines()
    assert len(lines) <= 4, err
    assert all(line.startswith("massbalance ") for line in lines), err
    assert hidden(err) == []
    assert hidden(out) == []
    assert "CONSISTENT" not in out.splitlines()
    if code == 0:
        if "json" in command:
            json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
        else:
            assert re.search(r"\b(inf|nan)\b", out, re.IGNORECASE) is None, out


def test_a_planted_bug_in_reconcile_exits_70_not_1(tmp_path, capsys, monkeypatch):
    from massbalance.reconciliation import _result

    def broken(*args, **kwargs):
        raise IndexError("planted")

    monkeypatch.setattr(_result, "solve_sparse", broken)
    path = tmp_path / "p.toml"
    path.write_text(PLANT)
    assert main(["reconcile", str(path)]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "internal error: IndexError: planted" in err


def test_a_planted_bug_in_balance_exits_70_not_1(tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise AttributeError("planted")

    monkeypatch.setattr(cli, "_balance_inputs", broken)
    path = tmp_path / "b.toml"
    path.write_text(BALANCE)
    assert main(["balance", str(path), "--debug"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.rstrip().splitlines()[-1].startswith("massbalance balance: internal")
