"""Every result kind round-trips through to_frame(), for 1 and for 1,000 scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from massbalance import Q_, InputError, Stream
from massbalance.forecast import forecast
from massbalance.io import read_streams_csv, streams_from_frame, write_streams_csv
from massbalance.periods import Period
from massbalance.solve import n_product, three_product, two_product

pd = pytest.importorskip("pandas")

RNG = np.random.default_rng(20261208)


def values(n: int, low: float, high: float) -> object:
    return RNG.uniform(low, high, n) if n > 1 else (low + high) / 2


def pct(n: int, **ranges: tuple[float, float]) -> dict[str, object]:
    return {e: Q_(values(n, *r), "%") for e, r in ranges.items()}


def results(n: int):
    feed = pct(n, Pb=(4.0, 6.0), Zn=(5.0, 7.0), Cu=(0.5, 0.7))
    c1 = pct(n, Pb=(60.0, 66.0), Zn=(4.0, 5.0), Cu=(1.0, 1.2))
    c2 = pct(n, Pb=(1.5, 2.5), Zn=(45.0, 50.0), Cu=(0.8, 1.0))
    t = pct(n, Pb=(0.2, 0.4), Zn=(0.5, 0.9), Cu=(0.4, 0.5))
    names = ("feed", "conc1", "conc2", "tail", "conc")
    sd = {s: {e: Q_(0.05, "%") for e in ("Pb", "Zn", "Cu")} for s in names}
    two = {e: feed[e] for e in ("Pb",)}
    yield two_product(two, c1, t, sd=sd)
    yield three_product(feed, c1, c2, t, sd=sd)
    yield n_product(feed, {"conc1": c1, "conc2": c2, "tail": t}, sd=sd)


@pytest.mark.parametrize("n", [1, 1000])
def test_balance_results_round_trip(n):
    for r in results(n):
        frame = r.to_frame()
        k = len(r.products)
        assert len(frame) == k * (n if n > 1 else 1)
        if n > 1:
            assert frame.index.names == ["scenario", "product"]
        shape = (n, k) if n > 1 else (k,)
        back = frame[("split", "%")].to_numpy().reshape(shape)
        np.testing.assert_array_equal(back, r.splits.m_as("percent"))
        back_sd = frame[("split_sd", "%")].to_numpy().reshape(shape)
        np.testing.assert_array_equal(back_sd, r.split_sd.m_as("percent"))
        for i, e in enumerate(r.elements):
            got = frame[(f"recovery {e}", "%")].to_numpy().reshape(shape)
            np.testing.assert_array_equal(got, r.recovery.m_as("percent")[..., i, :])
            got = frame[(f"recovery_sd {e}", "%")].to_numpy().reshape(shape)
            np.testing.assert_array_equal(got, r.recovery_sd.m_as("percent")[..., i, :])


@pytest.mark.parametrize("n", [1, 1000])
def test_forecast_round_trips(n):
    fc = forecast(
        tonnage=Q_(values(n, 80_000, 90_000), "t"),
        head_grades={"Ag": Q_(values(n, 800, 900), "g/t"), "Pb": Q_(5, "%")},
        recoveries={
            "pb_conc": {"Ag": Q_(80, "%"), "Pb": Q_(values(n, 88, 92), "%")},
            "zn_conc": {"Ag": Q_(6, "%")},
        },
    )
    frame = fc.to_frame()
    assert list(frame.columns) == [("Ag", "oz t"), ("Pb", "lb")]
    shape = (n, 2) if n > 1 else (2,)
    ag = frame[("Ag", "oz t")].to_numpy().reshape(shape)
    np.testing.assert_array_equal(ag[..., 0], fc.contained["pb_conc"]["Ag"].m)
    np.testing.assert_array_equal(ag[..., 1], fc.contained["zn_conc"]["Ag"].m)
    pb = frame[("Pb", "lb")].to_numpy().reshape(shape)
    np.testing.assert_array_equal(pb[..., 0], fc.contained["pb_conc"]["Pb"].m)
    assert np.all(np.isnan(pb[..., 1]))  # zinc concentrate recovers no lead


@pytest.mark.parametrize("n", [1, 1000])
def test_streams_round_trip_through_frame_and_csv(n, tmp_path):
    streams = [
        Stream(
            name="pb_conc",
            dry_mass=Q_(values(n, 3000, 3500), "t"),
            grades={"Ag": Q_(values(n, 5000, 5200), "g/t"), "Pb": Q_(66, "%")},
            moisture=Q_(8.1, "%"),
        ),
        Stream(
            name="zn_conc", dry_mass=Q_(1583, "short_ton"), grades={"Ag": Q_(13, "opt")}
        ),
    ]
    period = Period(name="q1", streams={s.name: s for s in streams}, feed="pb_conc")
    frame = period.to_frame()
    for back in (
        streams_from_frame(frame),
        (
            write_streams_csv(streams, tmp_path / "s.csv"),
            read_streams_csv(tmp_path / "s.csv"),
        )[1],
    ):
        assert [s.name for s in back] == ["pb_conc", "zn_conc"]
        for a, b in zip(streams, back, strict=True):
            assert a.elements == b.elements
            pairs = [(a.dry_mass.m_as("t"), b.dry_mass.m_as("t"))] + [
                (a.contained(e).m_as("troy_ounce"), b.contained(e).m_as("troy_ounce"))
                for e in a.elements
            ]
            for want, got in pairs:
                assert np.shape(got) == ((n,) if n > 1 else ())
                np.testing.assert_allclose(
                    got, np.broadcast_to(want, np.shape(got)), rtol=1e-12
                )
    lines = (tmp_path / "s.csv").read_text().splitlines()
    assert lines[0].startswith("quantity,")
    assert lines[1].startswith("unit,")
    assert not lines[2].startswith(("stream", "scenario", ","))  # no stray third row


def test_a_plain_frame_reads_with_units():
    plain = pd.DataFrame(
        {"dry_mass": [3376.0, 1583.0], "Ag": [5144.0, 460.0], "Pb": [66.0, None]},
        index=["pb_conc", "zn_conc"],
    )
    back = streams_from_frame(plain, units={"dry_mass": "t", "Ag": "g/t", "Pb": "%"})
    assert back[0].contained("Ag").m_as("troy_ounce") == pytest.approx(558_334, abs=1)
    assert back[1].elements == ("Ag",)
    with pytest.raises(InputError, match="Pb"):
        streams_from_frame(plain, units={"dry_mass": "t", "Ag": "g/t"})
    with pytest.raises(InputError, match="units="):
        streams_from_frame(plain)


@pytest.mark.parametrize("n", [1, 1000])
def test_reconciliation_round_trips(n):
    from massbalance import Flowsheet, Measured, reconcile
    from massbalance.frames import reconciliation_frame

    fs = Flowsheet({"cell": (["feed"], ["conc", "tail"])}, elements=["Cu"])
    rel = Q_(2, "%")
    meas = {
        "feed": {
            "mass": Measured(Q_(values(n, 95.0, 105.0), "t"), rsd=rel),
            "Cu": Measured(Q_(1.0, "%"), rsd=rel),
        },
        "conc": {
            "mass": Measured(Q_(4.0, "t"), rsd=Q_(5, "%")),
            "Cu": Measured(Q_(20.0, "%"), rsd=rel),
        },
        "tail": {"Cu": Measured(Q_(0.2, "%"), rsd=rel)},
    }
    r = reconcile(fs, meas)
    frame = reconciliation_frame(r)
    v = len(r.names)
    assert len(frame) == v * (n if n > 1 else 1)
    shape = (n, v) if n > 1 else (v,)
    for column, attribute in (
        ("adjusted", "adjusted"),
        ("sd", "sd"),
        ("measured", "measured_values"),
    ):
        got = frame[(column, "t or -")].to_numpy().reshape(shape)
        np.testing.assert_array_equal(got, np.asarray(getattr(r, attribute)))
    assert set(frame[("unit", "")]) == {"t", ""}
