"""Linear (delta-method) and Monte Carlo SDs agree within 5 % on the cited cases.

The balances are the published worked examples in ``cases/`` (each file cites
its source). The sources state no assay uncertainty, so every assay is given a
stated SD of 2 % of its value (relative), and every stream mass 1 %: the
comparison is between the two propagation methods on the published balances.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from massbalance import Q_
from massbalance.solve import n_product
from massbalance.uncertainty import Estimate, balance, contained
from massbalance.units import parse_quantity

CASES = [
    path
    for path in sorted((Path(__file__).parent / "cases").glob("*.toml"))
    if tomllib.loads(path.read_text())["case"]["kind"]
    in ("two_product", "three_product", "n_product")
]
RELATIVE_SD = 0.02


def assays(path: Path):
    data = tomllib.loads(path.read_text())
    case, inputs = data["case"], data["inputs"]
    if case["kind"] == "two_product":
        e = case["element"]
        feed = {e: parse_quantity(inputs["feed"])}
        products = {n: {e: parse_quantity(inputs[n])} for n in ("conc", "tail")}
    else:
        table = {k: parse_quantity(v) for k, v in inputs["feed"].items() if k != "mass"}
        feed = table
        products = {
            n: {k: parse_quantity(v) for k, v in inputs[n].items() if k != "mass"}
            for n in case["products"]
        }
    streams = {"feed": feed, **products}
    sd = {n: {e: q * RELATIVE_SD for e, q in t.items()} for n, t in streams.items()}
    return feed, products, sd


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_montecarlo_and_linear_sds_agree_within_5_percent(path):
    feed, products, sd = assays(path)
    lin = balance(n_product, feed, products, sd, method="linear")
    mc = balance(n_product, feed, products, sd, method="montecarlo", seed=1)
    np.testing.assert_allclose(mc[0], lin[0])  # the same balance
    np.testing.assert_allclose(mc[1], lin[1], rtol=0.05)
    big = lin[3] > 1e-3 * lin[3].max()  # tiny SDs: compare where they matter
    np.testing.assert_allclose(mc[3][big], lin[3][big], rtol=0.05)
    again = balance(n_product, feed, products, sd, method="montecarlo", seed=1)
    np.testing.assert_array_equal(again[1], mc[1])  # seeded: repeatable


def test_contained_metal_linear_and_montecarlo_agree():
    # the seed's lead concentrate (3,376 t at 5,144 g/t Ag), SDs stated above
    args = dict(
        mass=Q_(3376, "t"),
        grade=Q_(5144, "g/t"),
        mass_sd=Q_(33.76, "t"),
        grade_sd=Q_(5144 * RELATIVE_SD, "g/t"),
        element="Ag",
    )
    lin = contained(**args)
    mc = contained(**args, method="montecarlo", seed=3)
    assert lin.value.units == mc.value.units == Q_(1, "troy_ounce").units
    assert mc.sd.m == pytest.approx(lin.sd.m, rel=0.05)
    expected = np.hypot(3376 * 5144e-6 * 0.01, 3376 * 5144e-6 * RELATIVE_SD)
    assert lin.sd.m_as("t") == pytest.approx(expected, rel=1e-12)


def test_estimate_formats_like_a_quantity():
    e = Estimate(Q_(596415.2, "troy_ounce"), Q_(11023, "troy_ounce"))
    assert f"{e:,.0f~P}" == "596,415 ± 11,023 toz"
    assert str(e) == "596,415 ± 11,000 toz"
    assert "e+" not in str(e)
    assert f"{e.to('kilo_troy_ounce'):.2f~P}" == "596.42 ± 11.02 koz"
    assert f"{Estimate(Q_(93.064, '%'), Q_(0.18, '%'))}" == "93.06 ± 0.18 %"


def test_estimate_is_a_pint_measurement_with_the_extra():
    pytest.importorskip("uncertainties")
    e = Estimate(Q_(10.0, "t"), Q_(0.5, "t"))
    m = e.measurement()
    assert m.value.m_as("kg") == pytest.approx(10_000)
    assert m.error.m_as("kg") == pytest.approx(500)
    doubled = m * 2
    assert doubled.error.m_as("t") == pytest.approx(1.0)
