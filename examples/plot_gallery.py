"""The four plots of massbalance.plot (needs the ``plot`` extra).
================================================================

A forecast against guidance, the adjustments of a reconciled month, a Sankey
diagram of a three-product balance, and the check of the seed release as
printed against implied ranges. Each figure is saved as a PNG.
"""

# %%
from pathlib import Path

import numpy as np

from massbalance import Q_, check_release, reconcile
from massbalance.forecast import forecast
from massbalance.io import read_plant, read_release
from massbalance.solve import three_product

# The docs' gallery runs this script from its folder, without __file__.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()

try:
    import matplotlib.pyplot as plt

    from massbalance import plot
except ImportError:
    print("matplotlib not installed: no plots")
    raise SystemExit(0) from None

# %% Forecast for 2012 against the silver guidance, 10,000 scenarios
rng = np.random.default_rng(2012)
n = 10_000
fc = forecast(
    throughput=Q_(rng.normal(235, 12, n), "t/d"),
    days=Q_(366, "d"),
    head_grades={"Ag": Q_(rng.normal(880, 60, n), "g/t")},
    recoveries={
        "pb_conc": {"Ag": Q_(np.clip(rng.normal(88, 2, n), 80, 93), "%")},
        "zn_conc": {"Ag": Q_(6, "%")},
    },
)
ax = plot.forecast_guidance(fc, "Ag", "2.2 to 2.5 million ounces")
ax.figure.savefig("forecast_guidance.png", dpi=80)

# %% A reconciled month: measured against adjusted, the gross error set aside
data = read_plant(HERE / "pbzn_month.toml")
result = reconcile(data.flowsheet, data.measurements, gross_errors=True)
ax = plot.reconciliation_adjustments(result)
ax.figure.tight_layout()
ax.figure.savefig("reconciliation_adjustments.png", dpi=80)

# %% A three-product balance of the seed's feed: mass and lead
pct = lambda pb, zn: {"Pb": Q_(pb, "%"), "Zn": Q_(zn, "%")}  # noqa: E731
balance = three_product(
    pct(11.3, 5.7),
    pct(66, 4.5),
    pct(1.8, 43),
    pct(0.9, 2.4),
    names=["pb_conc", "zn_conc", "tail"],
)
fig = plot.sankey(balance, Q_(21251, "t"), element="Pb")
fig.savefig("sankey.png", dpi=80)

# %% The seed release: printed intervals against implied ranges
report = check_release(read_release(HERE / "alexco-2012-q1.toml"))
ax = plot.release_check(report)
ax.figure.tight_layout()
ax.figure.savefig("release_check.png", dpi=80)
plt.close("all")
