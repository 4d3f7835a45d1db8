"""pandas tables with a unit header row (skipped without pandas)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from massbalance import Q_, InputError, Stream, UnitError
from massbalance.io import (
    read_streams_csv,
    result_to_frame,
    streams_from_frame,
    streams_to_frame,
    write_streams_csv,
)
from massbalance.solve import three_product

pd = pytest.importorskip("pandas")

STREAMS = [
    Stream(
        name="pb_conc",
        dry_mass=Q_(3376, "t"),
        grades={"Ag": Q_(5144, "g/t"), "Pb": Q_(66, "%")},
        moisture=Q_(8.1, "%"),
    ),
    Stream(name="zn_conc", dry_mass=Q_(1583, "t"), grades={"Ag": Q_(460, "g/t")}),
]


def test_roundtrip_through_a_frame():
    df = streams_to_frame(STREAMS)
    assert list(df.columns) == [
        ("dry_mass", "t"),
        ("Ag", "g/t"),
        ("Pb", "%"),
        ("moisture", "%"),
    ]
    back = streams_from_frame(df)
    assert [s.name for s in back] == ["pb_conc", "zn_conc"]
    assert back[1].elements == ("Ag",)  # NaN means not assayed
    assert back[0].contained("Ag").m_as("t") == pytest.approx(3376 * 5144e-6)
    assert back[0].moisture.m_as("%") == pytest.approx(8.1)


def test_units_can_be_chosen():
    df = streams_to_frame(STREAMS, units={"dry_mass": "st", "Ag": "opt"})
    assert ("Ag", "opt") in df.columns
    back = streams_from_frame(df)
    assert back[0].contained("Ag").m_as("troy_ounce") == pytest.approx(
        STREAMS[0].contained("Ag").m_as("troy_ounce"), rel=1e-12
    )


def test_csv_roundtrip(tmp_path):
    path = tmp_path / "streams.csv"
    write_streams_csv(STREAMS, path)
    assert path.read_text().splitlines()[1].startswith("unit,t,g/t,%")
    back = read_streams_csv(path)
    assert back[0].contained("Pb").m_as("t") == pytest.approx(2228.16)


def test_bad_tables():
    df = pd.DataFrame({"dry_mass": [1.0]})
    with pytest.raises(InputError, match="two header rows"):
        streams_from_frame(df)
    df = streams_to_frame(STREAMS).drop(columns=[("dry_mass", "t")])
    with pytest.raises(InputError, match="no dry_mass"):
        streams_from_frame(df)
    df = streams_to_frame(STREAMS)
    df.columns = pd.MultiIndex.from_tuples(
        [("dry_mass", "tons"), ("Ag", "g/t"), ("Pb", "%"), ("moisture", "%")]
    )
    with pytest.raises(UnitError, match="ambiguous"):
        streams_from_frame(df)


def test_result_to_frame():
    pct = lambda pb, zn: {"Pb": Q_(pb, "%"), "Zn": Q_(zn, "%")}  # noqa: E731
    r = three_product(pct(3, 6), pct(50, 8), pct(2, 55), pct(0.2, 0.5))
    df = result_to_frame(r)
    assert df.loc["tail", ("split", "%")] == pytest.approx(85.3514, abs=1e-4)


def test_core_never_imports_pandas():
    code = "import sys, massbalance, massbalance.solve, massbalance.forecast; "
    code += "print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False"
