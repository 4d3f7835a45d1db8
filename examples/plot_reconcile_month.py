"""Reconcile a month of a Pb-Zn concentrator and print the metal accounts.
=======================================================================

Reads ``examples/pbzn_month.toml``, reconciles it with gross-error
identification, and prints recoveries and contained metal with their
standard deviations. Plots a bar chart of adjustments if matplotlib is there.
"""

# %%
from pathlib import Path

from massbalance import reconcile
from massbalance.io import read_plant

# The docs' gallery runs this script from its folder, without __file__.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
data = read_plant(HERE / "pbzn_month.toml")
result = reconcile(data.flowsheet, data.measurements, gross_errors=True)
print(f"chi2 = {result.chi2:.2f} on {result.dof} dof (p = {result.p_value:.2f})")
for g in result.gross_errors:
    print(f"set aside: {g.measurement} (test {g.statistic:.1f} > {g.critical:.2f})")

# %%
print(
    f"Ag recovery to concentrates: {result.recovery('Ag', ['pb_conc', 'zn_conc']):.2f}"
)
print(
    f"Ag contained: {result.contained('Ag', ['pb_conc', 'zn_conc'], 'troy_ounce'):.0f}"
)
print(f"Pb contained: {result.contained('Pb', 'pb_conc', 'pound'):.0f}")

# %%
try:
    import matplotlib.pyplot as plt
except ImportError:  # optional
    plt = None
if plt is not None:
    rows = [r for r in result.rows() if r["class"] == "redundant"]
    fig, ax = plt.subplots()
    ax.barh([r["name"] for r in rows], [float(r["test"]) for r in rows])
    ax.axvline(result.critical, color="k", linestyle="--")
    ax.set_xlabel("measurement test |adjustment| / SD")
    fig.savefig("reconcile_month.png")
    plt.close(fig)
