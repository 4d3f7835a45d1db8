"""forecast: contained metal, arrays, percentiles, guidance as printed."""

from __future__ import annotations

import numpy as np
import pytest

from massbalance import Q_, AssayError, InputError, UnitError
from massbalance.forecast import forecast, parse_guidance


@pytest.mark.parametrize(
    ("text", "kind", "low", "high", "unit"),
    [
        ("2.2 to 2.5 million ounces", "range", 2.2, 2.5, "Moz"),
        (
            "approximately 2.2 million to 2.5 million ounces of silver",
            "range",
            2.2,
            2.5,
            "Moz",
        ),
        ("between 2,200 and 2,500 koz", "range", 2200, 2500, "koz"),
        ("approximately 19 million pounds", "approximately", 18.5, 19.5, "Mlb"),
        ("more than 7.5 million pounds", "above", 7.5, np.inf, "Mlb"),
        ("up to 30,000 t", "below", 0, 30000, "t"),
        ("2.2-2.5 Moz", "range", 2.2, 2.5, "Moz"),
    ],
)
def test_parse_guidance_as_printed(text, kind, low, high, unit):
    g = parse_guidance(text)
    assert g.kind == kind
    assert g.low.m_as(unit) == pytest.approx(low)
    assert g.high.m_as(unit) == pytest.approx(high)


def test_ambiguous_guidance_unit_is_refused():
    with pytest.raises(UnitError, match="ambiguous"):
        parse_guidance("about 30,000 tons")


def test_forecast_seed_quarter_in_troy_ounces():
    fc = forecast(
        tonnage=Q_(21251, "t"),
        head_grades={"Ag": Q_(899, "g/t")},
        recoveries={"all": {"Ag": Q_(94.71, "%")}},
    )
    assert str(fc.total("Ag").units) == "troy_ounce"
    assert fc.total("Ag").m == pytest.approx(
        21251 * 899 * 0.9471 / 31.1034768, rel=1e-9
    )


def test_throughput_times_days_and_arrays():
    fc = forecast(
        throughput=Q_(np.array([200.0, 250.0]), "t/d"),
        days=Q_(366, "d"),
        head_grades={"Pb": Q_(np.array([10.0, 11.0]), "%")},
        recoveries={"pb_conc": {"Pb": Q_(93, "%")}},
    )
    expected = np.array([200 * 10, 250 * 11]) * 366 / 100 * 0.93 * 1000 / 0.45359237
    np.testing.assert_allclose(fc.total("Pb").m_as("lb"), expected, rtol=1e-12)


def test_percentiles_and_guidance_check():
    rng = np.random.default_rng(0)
    tonnage = Q_(rng.normal(85_000, 3_000, 10_000), "t")
    fc = forecast(
        tonnage=tonnage,
        head_grades={"Ag": Q_(899, "g/t")},
        recoveries={"conc": {"Ag": Q_(94, "%")}},
    )
    p = fc.percentiles("Ag")
    assert p[5.0] < p[50.0] < p[95.0]
    check = fc.check("Ag", "2.2 to 2.5 million ounces")
    assert check.verdict == "within"
    assert 0.5 < check.fraction_within <= 1
    assert "2.2 to 2.5 million ounces" in check.explain()
    assert fc.check("Ag", "more than 3 million ounces").verdict == "below"


def test_forecast_errors():
    heads = {"Ag": Q_(899, "g/t")}
    with pytest.raises(InputError, match="not both"):
        forecast(tonnage=Q_(1, "t"), days=Q_(1, "d"), head_grades=heads, recoveries={})
    with pytest.raises(InputError, match="give tonnage"):
        forecast(head_grades=heads, recoveries={})
    with pytest.raises(UnitError):
        forecast(tonnage=1000.0, head_grades=heads, recoveries={})  # type: ignore[arg-type]
    with pytest.raises(AssayError, match="no head grade"):
        forecast(
            tonnage=Q_(1, "t"), head_grades=heads, recoveries={"c": {"Zn": Q_(50, "%")}}
        )
    with pytest.raises(AssayError, match="add up to 110 %"):
        forecast(
            tonnage=Q_(1, "t"),
            head_grades=heads,
            recoveries={"a": {"Ag": Q_(60, "%")}, "b": {"Ag": Q_(50, "%")}},
        )
    with pytest.raises(AssayError, match=r"recovery a\.Ag.*120 %"):
        forecast(
            tonnage=Q_(1, "t"),
            head_grades=heads,
            recoveries={"a": {"Ag": Q_(120, "%")}},
        )
