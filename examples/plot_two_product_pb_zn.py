"""Contained metal, recoveries and a three-product balance for the seed quarter.
=============================================================================

The seed: Alexco's Bellekeno mill, first quarter 2012 (news release of
16 April 2012). Silver is in troy ounces; grades mix g/t and %.
If matplotlib is installed, the script also plots how the lead-concentrate
split from the two-product formula moves with the tail grade.
"""

# %%
from __future__ import annotations

from datetime import date

import numpy as np

from massbalance import Q_, Stream
from massbalance.periods import Period
from massbalance.solve import three_product, two_product

feed = Stream(
    name="ore_processed",
    dry_mass=Q_(21251, "t"),
    grades={"Ag": Q_(899, "g/t"), "Pb": Q_(11.3, "%"), "Zn": Q_(5.7, "%")},
)
pb_conc = Stream(
    name="pb_conc",
    dry_mass=Q_(3376, "t"),
    grades={"Ag": Q_(5144, "g/t"), "Pb": Q_(66, "%")},
)
zn_conc = Stream(
    name="zn_conc",
    dry_mass=Q_(1583, "t"),
    grades={"Ag": Q_(460, "g/t"), "Zn": Q_(43, "%")},
)
q1 = Period(
    name="2012Q1",
    start=date(2012, 1, 1),
    end=date(2012, 3, 31),
    feed="ore_processed",
    streams=[feed, pb_conc, zn_conc],
)

# %% Contained metal and recoveries
silver = q1.contained("Ag", ["pb_conc", "zn_conc"]).to("troy_ounce")
lead = pb_conc.contained("Pb").to("lb")
print(f"silver in concentrates: {silver:,.0f~P}")  # 581,746 toz
print(f"lead in lead concentrate: {lead:,.0f~P}")  # 4,912,252 lb
print(f"throughput: {q1.throughput():.1f~P}")  # 233.5 t/d
print(f"silver recovery: {q1.recovery('Ag', ['pb_conc', 'zn_conc']):.2f~P}")

# %% A three-product balance. Zinc in the lead concentrate, lead in the zinc
# concentrate and the tail assays are not printed: assume plausible values.
r = three_product(
    feed,
    {"Pb": Q_(66, "%"), "Zn": Q_(4.5, "%")},
    {"Pb": Q_(1.8, "%"), "Zn": Q_(43, "%")},
    {"Pb": Q_(0.9, "%"), "Zn": Q_(2.4, "%")},
    elements=["Pb", "Zn"],
    names=["pb_conc", "zn_conc", "tail"],
)
for name, mass in r.masses(feed.dry_mass).items():
    print(f"{name:8s} {r.split(name):6.2f~P}  {mass:9,.0f~P}")
print(f"Pb recovery to pb_conc: {r.recovery_of('Pb', 'pb_conc'):.1f~P}")

# %% Two-product lead split over a range of tail grades (arrays broadcast)
tails = Q_(np.linspace(0.5, 1.5, 21), "%")
split = two_product(
    {"Pb": feed.grade("Pb")}, {"Pb": Q_(66, "%")}, {"Pb": tails}
).mass_pull
try:
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib not installed: no plot")
else:
    fig, ax = plt.subplots()
    ax.plot(tails.m_as("%"), split.m_as("%"))
    ax.set_xlabel("lead in tail [%]")
    ax.set_ylabel("lead concentrate / feed [%]")
    fig.savefig("two_product_pb.png")
    plt.close(fig)
