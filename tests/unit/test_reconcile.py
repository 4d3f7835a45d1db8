from __future__ import annotations

import numpy as np
import pytest

from massbalance import (
    Q_,
    AssayError,
    ConvergenceError,
    Flowsheet,
    FlowsheetError,
    InputError,
    Measured,
    UnitError,
    reconcile,
)
from massbalance.reconciliation import chain_measurements, critical_value, undetectable


def simple():
    fs = Flowsheet({"cell": (["feed"], ["conc", "tail"])})
    meas = {
        "feed": {"mass": Measured(Q_(100.0, "t"), sd=Q_(2, "t"))},
        "conc": {"mass": Measured(Q_(10.0, "t"), sd=Q_(1, "t"))},
        "tail": {"mass": Measured(Q_(92.0, "t"), sd=Q_(2, "t"))},
    }
    return fs, meas


def test_linear_closed_form_by_hand():
    fs, meas = simple()
    r = reconcile(fs, meas, method="linear")
    # imbalance -2 t, S = 4 + 1 + 4 = 9
    assert r["feed"].m_as("t") == pytest.approx(100 + 8 / 9)
    assert r["conc"].m_as("t") == pytest.approx(10 - 2 / 9)
    assert r.estimate("feed").sd.m_as("t") == pytest.approx(np.sqrt(4 - 16 / 9))
    assert r.redundancy == pytest.approx([4 / 9, 1 / 9, 4 / 9])
    assert r.chi2 == pytest.approx(4 / 9)
    assert r.dof == 1
    assert r.classes == ("redundant",) * 3
    assert r.nodal_test[0] == pytest.approx(-2 / 3)
    assert r.measurement_test == pytest.approx([2 / 3] * 3)


def two_product(conc_mass=True):
    fs = Flowsheet({"cell": (["feed"], ["conc", "tail"])}, elements=["Pb", "Zn"])
    rel = Q_(2, "%")
    meas = {
        "feed": {
            "mass": Measured(Q_(1000.0, "t"), rsd=rel),
            "Pb": Measured(Q_(5.1, "%"), rsd=rel),
            "Zn": Measured(Q_(3.0, "%"), rsd=rel),
        },
        "conc": {
            "Pb": Measured(Q_(60.0, "%"), rsd=rel),
            "Zn": Measured(Q_(5.0, "%"), rsd=rel),
        },
        "tail": {
            "Pb": Measured(Q_(0.5, "%"), rsd=rel),
            "Zn": Measured(Q_(2.9, "%"), rsd=rel),
        },
    }
    if conc_mass:
        meas["conc"]["mass"] = Measured(Q_(80.0, "t"), rsd=Q_(5, "%"))
    return fs, meas


@pytest.mark.parametrize("conc_mass", [True, False])
def test_bilinear_balances_hold(conc_mass):
    fs, meas = two_product(conc_mass)
    r = reconcile(fs, meas)
    assert r.success
    m = {s: r[s].m_as("t") for s in fs.streams}
    assert m["feed"] == pytest.approx(m["conc"] + m["tail"], rel=1e-12)
    for el in ("Pb", "Zn"):
        metal = {s: m[s] * r[s, el].m_as("") for s in fs.streams}
        assert metal["feed"] == pytest.approx(metal["conc"] + metal["tail"], rel=1e-10)
    assert r.max_relative_residual <= 1e-9
    assert r.classes[fs.streams.index("tail")] == "observable"
    rec = r.recovery("Pb", "conc")
    assert 80 < rec.value.m_as("%") < 100
    assert rec.sd.m_as("%") > 0
    oz = r.contained("Pb", "conc", unit="troy_ounce")
    lb = r.contained("Pb", "conc", unit="pound")
    assert oz.value.m_as("t") == pytest.approx(lb.value.m_as("t"))
    assert r.dof == (2 if conc_mass else 1)  # 3 balances less the unmeasured masses
    cov = r.covariance
    assert cov.shape == (9, 9)
    assert np.sqrt(cov[0, 0]) == pytest.approx(r.sd[0])


def test_estimate_format_and_units():
    fs, meas = two_product()
    r = reconcile(fs, meas)
    assert r["feed", "Pb"].units == Q_(1, "%").units
    assert "±" in f"{r.estimate('feed.Pb'):.3f}"
    assert r.estimate(("feed", "Pb")).to("g/t").value.m_as("%") == pytest.approx(
        r["feed", "Pb"].m_as("%")
    )
    rows = r.rows()
    assert rows[0]["name"] == "feed.mass"
    with pytest.raises(FlowsheetError):
        r["nope"]


def test_unobservable_raises_or_is_reported():
    fs = Flowsheet({"cell": (["feed"], ["conc", "tail"])})
    meas = {"feed": {"mass": Measured(Q_(100.0, "t"), sd=Q_(2, "t"))}}
    with pytest.raises(FlowsheetError, match="unobservable"):
        reconcile(fs, meas)
    r = reconcile(fs, meas, allow_unobservable=True)
    assert r.classes == ("nonredundant", "unobservable", "unobservable")
    assert np.isnan(r["conc"].m_as("t"))
    assert r.dof == 0
    assert np.isnan(r.p_value)
    assert undetectable(r) == ("feed.mass",)


@pytest.mark.parametrize("sd", [Q_(0, "t"), Q_(-1, "t")])
def test_bad_sd(sd):
    fs, meas = simple()
    meas["feed"]["mass"] = Measured(Q_(100.0, "t"), sd=sd)
    with pytest.raises(InputError, match="standard deviation"):
        reconcile(fs, meas)


def test_bad_inputs():
    fs, meas = two_product()
    meas["conc"]["Pb"] = Measured(Q_(101.0, "%"), sd=Q_(1, "%"))
    with pytest.raises(AssayError, match="outside 0-100 %"):
        reconcile(fs, meas)
    fs, meas = two_product()
    meas["conc"]["Cu"] = Measured(Q_(1.0, "%"), sd=Q_(1, "%"))
    with pytest.raises(AssayError):
        reconcile(fs, meas)
    fs, meas = two_product()
    meas["nowhere"] = {"mass": Measured(Q_(1.0, "t"), sd=Q_(1, "t"))}
    with pytest.raises(FlowsheetError):
        reconcile(fs, meas)
    fs, meas = two_product()
    meas["feed"]["mass"] = Measured(Q_(1.0, "t"), sd=Q_(1, "%"))
    with pytest.raises(UnitError):
        reconcile(fs, meas)
    meas["feed"]["mass"] = Measured(Q_(-1.0, "t"), sd=Q_(1, "t"))
    with pytest.raises(InputError, match="negative"):
        reconcile(fs, meas)
    with pytest.raises(InputError):
        Measured(Q_(1.0, "t"))
    with pytest.raises(InputError):
        Measured(1.0, sd=Q_(1, "t"))
    fs, meas = two_product()
    with pytest.raises(InputError, match="linear"):
        reconcile(fs, meas, method="linear")
    with pytest.raises(InputError):
        reconcile(fs, meas, method="magic")


def test_non_convergence_carries_last_iterate():
    fs, meas, _ = chain_measurements(3)
    with pytest.raises(ConvergenceError) as info:
        reconcile(fs, meas, max_iter=1)
    result = info.value.result
    assert result is not None
    assert not result.success
    assert result.adjusted.shape == (len(fs.streams) * 4,)


def test_batch_matches_one_period_at_a_time():
    fs, meas, _ = chain_measurements(2, periods=3)
    batch = reconcile(fs, meas)
    assert batch.adjusted.shape == (3, 20)
    assert batch.chi2.shape == (3,)
    for k in range(3):
        one = {
            s: {q: Measured(m.value[k], rsd=m.rsd) for q, m in d.items()}
            for s, d in meas.items()
        }
        r = reconcile(fs, one)
        np.testing.assert_allclose(batch.adjusted[k], r.adjusted, rtol=1e-9)
        np.testing.assert_allclose(batch.sd[k], r.sd, rtol=1e-6)
        assert batch.chi2[k] == pytest.approx(r.chi2, rel=1e-8)
        assert batch.dof[k] == r.dof
        assert batch.recovery("Ag", "conc1").value.m_as("%")[k] == pytest.approx(
            r.recovery("Ag", "conc1").value.m_as("%"), rel=1e-9
        )
        assert batch.recovery("Ag", "conc1").sd.m_as("%")[k] == pytest.approx(
            r.recovery("Ag", "conc1").sd.m_as("%"), rel=1e-6
        )


def test_gross_error_is_set_aside():
    fs, meas, truth = chain_measurements(3, seed=7)
    bad = truth["tail2"]["Pb"] * 1.25
    meas["tail2"]["Pb"] = Measured(Q_(bad, ""), rsd=0.02)
    r = reconcile(fs, meas, gross_errors=True)
    assert r.gross_errors[0].measurement == "tail2.Pb"
    assert "tail2.Pb" in r.set_aside
    assert r.classes[r.names.index("tail2.Pb")] == "set aside"
    assert r["tail2", "Pb"].m_as("") == pytest.approx(truth["tail2"]["Pb"], rel=0.05)
    with pytest.raises(InputError):
        reconcile(fs, chain_measurements(2, periods=2)[1], gross_errors=True)


def test_critical_value():
    assert critical_value(0.05, 1, "none") == pytest.approx(1.959964)
    assert critical_value(0.05, 5, "bonferroni") > critical_value(0.05, 5, "sidak")
    with pytest.raises(InputError):
        critical_value(1.5, 3)


def test_chain_500_degrees_of_freedom():
    fs, meas, _ = chain_measurements(500)
    r = reconcile(fs, meas)
    assert r.dof == 2000
    assert r.max_relative_residual <= 1e-9
    assert r.success
