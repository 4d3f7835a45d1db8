"""The balance rendering in massbalance.report, apart from the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from massbalance import Q_
from massbalance.errors import InputError
from massbalance.report import BALANCE_FORMATS, balance_report_dict, render_balance
from massbalance.solve import n_product

FEED = {"Pb": Q_(3.0, "%"), "Zn": Q_(6.0, "%")}
PRODUCTS = {
    "pb_conc": {"Pb": Q_(50, "%"), "Zn": Q_(8, "%")},
    "zn_conc": {"Pb": Q_(2, "%"), "Zn": Q_(55, "%")},
    "tail": {"Pb": Q_(0.2, "%"), "Zn": Q_(0.5, "%")},
}


@pytest.fixture
def result():
    return n_product(FEED, PRODUCTS)


def test_json_document_carries_units_and_masses(result):
    doc = json.loads(render_balance(result, "json", feed_mass=Q_(100, "t")))
    assert doc == balance_report_dict(result, feed_mass=Q_(100, "t"))
    assert doc["exact"] is True
    assert doc["splits"]["pb_conc"]["unit"] == "percent"
    assert doc["masses"]["tail"]["unit"] == "t"
    total = sum(v["value"] for v in doc["masses"].values())
    assert total == pytest.approx(100, rel=1e-12)


@pytest.mark.parametrize("fmt", BALANCE_FORMATS)
def test_every_format_names_every_product(result, fmt):
    text = render_balance(result, fmt, feed_name="head")
    for name in ("head", *PRODUCTS):
        assert name in text


def test_markdown_is_a_table(result):
    lines = render_balance(result, "markdown").splitlines()
    assert lines[2].startswith("| product | split %")
    assert len(lines) == 4 + len(PRODUCTS)


def test_unknown_format_is_refused(result):
    with pytest.raises(InputError, match="csv"):
        render_balance(result, "csv")


def test_a_vector_of_scenarios_is_refused():
    feed = {"Pb": Q_(np.array([3.0, 3.1]), "%"), "Zn": Q_(np.array([6.0, 6.1]), "%")}
    many = n_product(feed, PRODUCTS)
    with pytest.raises(InputError, match="one scenario"):
        render_balance(many)
