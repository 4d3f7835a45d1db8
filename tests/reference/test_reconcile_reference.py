"""Reconciliation against published worked examples (tests/reference/reconcile).

Each TOML file is a plant-data file (``massbalance.io.plant``) plus a
``[source]`` table citing where the numbers were printed, an ``[expected]``
table of adjusted values (and their SDs where the source prints them), keyed
by stream for a mass or ``"stream.El"`` for an assay, and an
``[expected_class]`` table of redundancy/observability classes. A printed
value passes when the computed one rounds to it: it lies within half a unit
of the last printed digit.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from massbalance.io.plant import read_plant
from massbalance.reconciliation import reconcile
from massbalance.units import parse_quantity

CASES = sorted((Path(__file__).parent / "reconcile").glob("*.toml"))


def _half_ulp(printed: str) -> float:
    number = printed.split()[0].replace(",", "")
    exponent = Decimal(number).as_tuple().exponent
    assert isinstance(exponent, int)
    return 0.5 * 10.0**exponent


def _close(computed: float, printed: str) -> bool:
    value = float(printed.split()[0].replace(",", ""))
    return abs(computed - value) <= _half_ulp(printed) * (1 + 1e-9)


def _case(path: Path) -> tuple[dict[str, Any], Any]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return raw, read_plant(path)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_source_is_cited(path: Path) -> None:
    raw, _ = _case(path)
    source = raw["source"]
    for key in ("title", "publisher", "where", "transcribed_from", "accessed"):
        assert source.get(key), f"{path.name}: [source] needs {key}"
    assert any(str(u).startswith("http") for u in source["transcribed_from"])


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_adjusted_values_and_sds(path: Path) -> None:
    raw, plant = _case(path)
    options = raw.get("options", {})
    result = reconcile(
        plant.flowsheet,
        plant.measurements,
        allow_unobservable=bool(options.get("allow_unobservable", False)),
    )
    assert result.success
    for name, expected in raw.get("expected", {}).items():
        stream, _, quantity = name.partition(".")
        key = expected.get("key", quantity or "mass")
        est = result.estimate((stream, key))
        want = parse_quantity(expected["value"])
        got = est.value.to(want.units).magnitude
        assert _close(float(got), expected["value"]), (name, got, expected)
        if "sd" in expected:
            want_sd = parse_quantity(expected["sd"])
            got_sd = float(est.sd.to(want_sd.units).magnitude)
            assert _close(got_sd, expected["sd"]), (name, got_sd, expected)
        if "variance" in expected:
            got_var = float(est.sd.to(want.units).magnitude) ** 2
            assert _close(got_var, expected["variance"]), (name, got_var)
    for a, b in options.get("equal", []):
        va = result.estimate(a).value
        vb = result.estimate(b).value.to(va.units)
        assert va.magnitude == pytest.approx(vb.magnitude, rel=1e-12)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_classes(path: Path) -> None:
    raw, plant = _case(path)
    options = raw.get("options", {})
    result = reconcile(
        plant.flowsheet,
        plant.measurements,
        allow_unobservable=bool(options.get("allow_unobservable", False)),
    )
    classes = dict(zip(result.names, result.classes, strict=True))
    for stream, want in raw.get("expected_class", {}).items():
        assert classes[f"{stream}.mass"] == want, stream
        if want == "unobservable":
            est = result.estimate(stream)
            assert np.isnan(est.value.magnitude)
            assert np.isnan(est.sd.magnitude)


def test_at_least_three_cases() -> None:
    assert len(CASES) >= 3
