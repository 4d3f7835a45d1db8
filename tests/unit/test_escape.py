"""Escaping of input strings and non-finite numbers in the reports."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from massbalance import Q_, Flowsheet, FlowsheetError, Measured, reconcile
from massbalance.report import render_balance, render_reconciliation
from massbalance.report._escape import (
    dumps_json,
    escape_markdown,
    escape_text,
    finite_or_none,
    finite_text,
)
from massbalance.solve import n_product

FORGED = "\u001b[2J\u001b[H\nVERDICT\n\nCONSISTENT"
HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def hidden(text: str) -> list[str]:
    """The characters of ``text`` a terminal would not show as themselves."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in HIDDEN]


def test_escape_text_shows_control_characters():
    assert escape_text(FORGED) == "\\x1b[2J\\x1b[H\\x0aVERDICT\\x0a\\x0aCONSISTENT"
    assert escape_text("a\u202eb\u200bc\x7f\x85") == "a\\u202eb\\u200bc\\x7f\\x85"
    assert escape_text("\U000e0001") == "\\U000e0001"
    assert escape_text("Pb_conc 2012Q1.mass é") == "Pb_conc 2012Q1.mass é"
    assert escape_text(12) == "12"


@given(st.text())
def test_escape_text_leaves_no_hidden_character(text):
    out = escape_text(text)
    assert "\n" not in out
    assert hidden(out) == []
    # printable text is unchanged
    if all(unicodedata.category(c) not in HIDDEN for c in text):
        assert out == text


@given(st.text())
def test_escape_markdown_has_no_unescaped_special_character(text):
    out = escape_markdown(text)
    assert hidden(out) == []
    assert "\n" not in out
    i = 0
    while i < len(out):
        if out[i] == "\\":
            i += 2  # an escape pair
            continue
        assert out[i] not in "`*[]<>|&~#!", (text, out)
        i += 1


def test_escape_markdown_examples():
    assert escape_markdown("pb_conc") == "pb_conc"
    assert escape_markdown("_x_") == "\\_x\\_"
    assert escape_markdown("a|b") == "a\\|b"
    assert escape_markdown("<script>") == "\\<script\\>"
    assert escape_markdown("&amp;") == "\\&amp;"
    assert escape_markdown("# title") == "\\# title"
    assert escape_markdown("- item") == "\\- item"
    assert escape_markdown("12) item") == "12\\) item"
    assert escape_markdown("[a](http://x)") == "\\[a\\](http://x)"


def test_finite_helpers():
    assert finite_text(math.inf, ".2f") == ""
    assert finite_text(math.nan, ".2f", "n/a") == "n/a"
    assert finite_text(1.234, ".2f") == "1.23"
    assert finite_or_none(-math.inf) is None
    assert finite_or_none(2) == 2.0


def test_dumps_json_is_rfc_8259():
    doc = {"a": [math.inf, -math.inf, math.nan, 1.5], "b": (math.nan,), "s": FORGED}
    text = dumps_json(doc)
    for token in ("Infinity", "NaN"):
        assert token not in text
    back = json.loads(text, parse_constant=lambda c: pytest.fail(c))
    assert back == {"a": [None, None, None, 1.5], "b": [None], "s": FORGED}
    assert hidden(text) == []


def forged_reconciliation():
    """A result whose variable names carry the forged verdict.

    The flowsheet refuses such names (tested below), so the names are planted
    in the finished result: the renderer must escape whatever it is given.
    """
    fs = Flowsheet({"cell": (["feed"], ["conc", "tail"])})
    meas = {
        "feed": {"mass": Measured(Q_(100.0, "t"), sd=Q_(2, "t"))},
        "conc": {"mass": Measured(Q_(10.0, "t"), sd=Q_(1, "t"))},
        "tail": {"mass": Measured(Q_(92.0, "t"), sd=Q_(2, "t"))},
    }
    result = reconcile(fs, meas)
    return dataclasses.replace(
        result,
        names=tuple(FORGED + name for name in result.names),
        message=FORGED,
    )


def test_the_flowsheet_refuses_a_forged_name():
    with pytest.raises(FlowsheetError):
        Flowsheet({FORGED: (["feed"], ["conc", "tail"])})


@pytest.mark.parametrize("fmt", ["text", "markdown", "csv", "json"])
def test_forged_stream_name_never_reaches_a_reconcile_report(fmt):
    out = render_reconciliation(forged_reconciliation(), fmt)
    assert "\x1b" not in out
    assert hidden(out) == []
    # no line of the report is the forged verdict
    assert "CONSISTENT" not in out.splitlines()
    if fmt in ("text", "csv"):
        assert "\\x1b[2J" in out
    if fmt == "markdown":  # renders as \x1b[2J
        assert "\\\\x1b\\[2J" in out
    if fmt == "json":
        assert FORGED + "tail" in json.loads(out)["streams"]
    assert FORGED not in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_forged_names_never_reach_a_balance_report(fmt):
    feed = {FORGED: Q_(3.0, "%"), "Zn": Q_(6.0, "%")}
    products = {
        FORGED: {FORGED: Q_(50, "%"), "Zn": Q_(8, "%")},
        "zn|conc": {FORGED: Q_(2, "%"), "Zn": Q_(55, "%")},
        "tail": {FORGED: Q_(0.2, "%"), "Zn": Q_(0.5, "%")},
    }
    out = render_balance(n_product(feed, products), fmt, feed_name=FORGED)
    assert "\x1b" not in out
    assert hidden(out) == []
    assert "CONSISTENT" not in out.splitlines()
    if fmt == "markdown":
        assert "zn\\|conc" in out
        # every table row keeps its column count
        rows = [line for line in out.splitlines() if line.startswith("|")]
        counts = {line.replace("\\|", "").count("|") for line in rows}
        assert len(counts) == 1


def test_balance_with_an_infinite_condition_number_prints_no_inf():
    result = n_product(
        {"Pb": Q_(3.0, "%"), "Zn": Q_(6.0, "%")},
        {
            "a": {"Pb": Q_(50, "%"), "Zn": Q_(8, "%")},
            "b": {"Pb": Q_(2, "%"), "Zn": Q_(55, "%")},
            "c": {"Pb": Q_(0.2, "%"), "Zn": Q_(0.5, "%")},
        },
    )
    object.__setattr__(result, "condition", math.inf)
    text = render_balance(result, "text")
    assert re.search(r"\b(inf|nan)\b", text, re.IGNORECASE) is None
    assert "condition number infinite" in text
    doc = json.loads(render_balance(result, "json"))
    assert doc["condition_number"] is None
