"""A typed mine-planning script against the public API.
=====================================================

CI checks this file with ``mypy --strict``; the tests run it. It builds a
month's streams (one quantity from the script's own pint registry), splits
the feed three ways over 1,000 scenarios, reports contained metal in the
industry's units with uncertainties, and tabulates the results.
"""

# %%
from __future__ import annotations

from typing import Any

import numpy as np
import pint

import massbalance as mb
from massbalance import Q_, Stream, UnitError
from massbalance.solve import BalanceResult, n_product, three_product, two_product
from massbalance.uncertainty import Estimate, contained

# Grades of mixed magnitude types (int, float, arrays) need the annotation:
# mypy joins Quantity[int] and Quantity[ndarray] to object otherwise.
Grades = dict[str, "pint.Quantity[Any]"]

# %% The script's own registry is accepted where units mean the same
mine_units: pint.UnitRegistry[Any] = pint.UnitRegistry()
feed = Stream(
    name="ore_processed",
    dry_mass=mine_units.Quantity(21251.0, "tonne"),
    grades={"Ag": Q_(899, "g/t"), "Pb": Q_(11.3, "%"), "Zn": Q_(5.7, "%")},
)
pb_conc = Stream(
    name="pb_conc",
    dry_mass=Q_(3376, "t"),
    grades={"Ag": Q_(5144, "g/t"), "Pb": Q_(66, "%"), "Zn": Q_(4.5, "%")},
)
silver: pint.Quantity[Any] = pb_conc.contained("Ag")  # troy ounces
lead: pint.Quantity[Any] = pb_conc.contained("Pb", base="lb")
print(f"silver {silver:,.0f~P}, lead {lead:,.0f~P}")

# %% Trap units are refused, naming the spelling to use
try:
    Stream(name="bad", dry_mass=Q_(1000, "short_ton"), grades={"Au": Q_(0.1, "oz/ton")})
except UnitError as err:
    print(f"refused: {err}")

# %% One result family, one form of inputs and SDs
rng = np.random.default_rng(7)
n = 1000
pb_feed = Q_(rng.normal(11.3, 0.3, n), "%")
zn_feed = Q_(rng.normal(5.7, 0.2, n), "%")
assays: Grades = {"Pb": pb_feed, "Zn": zn_feed}
conc1: Grades = {"Pb": Q_(66, "%"), "Zn": Q_(4.5, "%")}
conc2: Grades = {"Pb": Q_(1.8, "%"), "Zn": Q_(43, "%")}
tail: Grades = {"Pb": Q_(0.9, "%"), "Zn": Q_(2.4, "%")}
names = ("feed", "pb_conc", "zn_conc", "tail", "conc")
sd: dict[str, Grades] = {s: {"Pb": Q_(0.2, "%"), "Zn": Q_(0.2, "%")} for s in names}
results: list[BalanceResult] = [
    two_product({"Pb": pb_feed}, conc1, tail, sd=sd),
    three_product(assays, conc1, conc2, tail, names=names[1:4], sd=sd),
    n_product(assays, {"pb_conc": conc1, "zn_conc": conc2, "tail": tail}, sd=sd),
]
for r in results:
    masses = r.masses(Q_(21251, "t"))
    first = r.products[0]
    median = float(np.median(masses[first].m_as("t")))
    print(f"{len(r.products)} products: {first} median {median:,.0f} t")

# %% Contained metal with its SD, two ways
linear: Estimate = contained(
    Q_(3376, "t"),
    Q_(5144, "g/t"),
    mass_sd=Q_(34, "t"),
    grade_sd=Q_(50, "g/t"),
    element="Ag",
)
sampled: Estimate = contained(
    Q_(3376, "t"),
    Q_(5144, "g/t"),
    mass_sd=Q_(34, "t"),
    grade_sd=Q_(50, "g/t"),
    element="Ag",
    method="montecarlo",
    seed=1,
)
print(f"silver in pb_conc: {linear} (linear), {sampled} (Monte Carlo)")

# %% A forecast, and tables when pandas is installed
fc = mb.forecast(
    tonnage=Q_(rng.normal(85_000, 4_000, n), "t"),
    head_grades={"Ag": Q_(rng.normal(880, 60, n), "g/t")},
    recoveries={"pb_conc": {"Ag": Q_(88, "%")}, "zn_conc": {"Ag": Q_(6, "%")}},
)
print(fc.check("Ag", "2.2 to 2.5 million ounces").explain())
try:
    import pandas  # noqa: F401
except ImportError:
    print("pandas not installed: no tables")
else:
    print(results[1].to_frame().groupby(level="product").mean())
    print(fc.to_frame().head())
