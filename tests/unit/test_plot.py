"""Image tests of massbalance.plot: render with Agg, look for the colours drawn.

No golden files: each test renders to PNG in memory and asserts on the
pixels (that the colours of the elements drawn appear, in the plot area).
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from massbalance import Q_, check_release, reconcile
from massbalance.forecast import forecast
from massbalance.io import read_plant, read_release
from massbalance.solve import three_product

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from massbalance import plot  # noqa: E402

EXAMPLES = Path(__file__).parents[2] / "examples"


def pixels(fig) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60)
    buffer.seek(0)
    image = plt.imread(buffer)[..., :3]
    plt.close(fig)
    return image


def share(image: np.ndarray, colour: str, alpha: float = 1.0, tol: float = 0.03):
    """Fraction of pixels of ``colour`` (blended at ``alpha`` over white)."""
    target = alpha * np.array(to_rgb(colour)) + (1 - alpha) * np.ones(3)
    return float(np.mean(np.all(np.abs(image - target) < tol, axis=-1)))


def test_importing_massbalance_does_not_import_matplotlib():
    code = "import sys, massbalance; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False"


def test_forecast_against_guidance_shows_scenarios_and_the_range():
    rng = np.random.default_rng(5)
    fc = forecast(
        tonnage=Q_(rng.normal(85_000, 4_000, 2000), "t"),
        head_grades={"Ag": Q_(880, "g/t")},
        recoveries={"conc": {"Ag": Q_(94, "%")}},
    )
    ax = plot.forecast_guidance(fc, "Ag", "2.2 to 2.5 million ounces")
    assert ax.get_xlabel() == "Ag [Moz]"
    image = pixels(ax.figure)
    assert share(image, plot.SCENARIOS, alpha=0.85) > 0.01  # the histogram
    assert share(image, plot.GUIDANCE, alpha=0.3) > 0.01  # the shaded guidance


def test_reconciliation_adjustments_highlight_the_set_aside_measurement():
    data = read_plant(EXAMPLES / "pbzn_month.toml")
    result = reconcile(data.flowsheet, data.measurements, gross_errors=True)
    assert result.set_aside  # the example month has a gross error
    ax = plot.reconciliation_adjustments(result)
    image = pixels(ax.figure)
    assert share(image, plot.SET_ASIDE, alpha=0.25) > 0.005
    assert share(image, plot.MEASURED) > 0.0005
    assert share(image, plot.ADJUSTED) > 0.0005
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert set(result.set_aside) <= set(labels)


def test_reconciliation_without_gross_errors_has_no_highlight():
    data = read_plant(EXAMPLES / "pbzn_month.toml")
    result = reconcile(data.flowsheet, data.measurements)
    ax = plot.reconciliation_adjustments(result)
    assert share(pixels(ax.figure), plot.SET_ASIDE, alpha=0.25) == 0.0


def test_sankey_draws_mass_and_metal():
    pct = lambda pb, zn: {"Pb": Q_(pb, "%"), "Zn": Q_(zn, "%")}  # noqa: E731
    r = three_product(
        pct(11.3, 5.7),
        pct(66, 4.5),
        pct(1.8, 43),
        pct(0.9, 2.4),
        names=["pb_conc", "zn_conc", "tail"],
    )
    fig = plot.sankey(r, Q_(21251, "t"), element="Pb")
    assert len(fig.axes) == 2
    image = pixels(fig)
    assert share(image, plot.MEASURED) > 0.02  # the mass diagram
    assert share(image, plot.ADJUSTED) > 0.02  # the metal diagram
    arrays = three_product(
        {"Pb": Q_([11.3, 11.0], "%"), "Zn": Q_(5.7, "%")},
        pct(66, 4.5),
        pct(1.8, 43),
        pct(0.9, 2.4),
    )
    with pytest.raises(ValueError, match="scenario"):
        plot.sankey(arrays, Q_(21251, "t"))
    assert len(plot.sankey(arrays, Q_(21251, "t"), scenario=1).axes) == 1
    plt.close("all")


def test_release_check_shows_printed_and_implied_and_flags():
    report = check_release(read_release(EXAMPLES / "alexco-2012-q1.toml"))
    ax = plot.release_check(report)
    image = pixels(ax.figure)
    assert share(image, plot.PRINTED) > 0.0005
    assert share(image, plot.IMPLIED) > 0.0005
    assert report.flagged or report.suspect
    assert share(image, plot.SET_ASIDE, alpha=0.15) > 0.001
    red = [
        t.get_text() for t in ax.get_yticklabels() if t.get_color() == plot.SET_ASIDE
    ]
    assert set(red) == set(report.flagged) | set(report.suspect)
