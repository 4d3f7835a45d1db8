"""Forecast 2012 production over 10,000 scenarios; check it against guidance.
==========================================================================

Alexco's 16 April 2012 release guided "approximately 2.2 million to 2.5
million ounces of silver, approximately 19 million pounds of lead and more
than 7.5 million pounds of zinc" for the year. Here each scenario draws a
throughput, head grades and recoveries around the first-quarter figures, and
the forecast is compared with each guidance range as printed.
"""

# %%
from __future__ import annotations

from datetime import date

import numpy as np

from massbalance import Q_
from massbalance.forecast import forecast
from massbalance.periods import calendar_days

N = 10_000
rng = np.random.default_rng(2012)
days = calendar_days(date(2012, 1, 1), date(2012, 12, 31))  # 366: a leap year

fc = forecast(
    throughput=Q_(rng.normal(235, 12, N), "t/d"),
    days=days,
    head_grades={
        "Ag": Q_(rng.normal(880, 60, N), "g/t"),
        "Pb": Q_(rng.normal(10.7, 0.7, N), "%"),
        "Zn": Q_(rng.normal(5.4, 0.4, N), "%"),
    },
    recoveries={
        "pb_conc": {
            "Ag": Q_(rng.normal(88, 1, N), "%"),
            "Pb": Q_(rng.normal(92, 1.5, N), "%"),
        },
        "zn_conc": {
            "Ag": Q_(rng.normal(6.5, 0.5, N), "%"),
            "Zn": Q_(rng.normal(57, 2, N), "%"),
        },
    },
)

# %%
for element, guidance in (
    ("Ag", "approximately 2.2 million to 2.5 million ounces"),
    ("Pb", "approximately 19 million pounds"),
    ("Zn", "more than 7.5 million pounds"),
):
    check = fc.check(element, guidance)
    print(f"{element}: {check.explain()}")

p = fc.percentiles("Ag")
assert Q_(2.2, "Moz") <= p[50.0] <= Q_(2.5, "Moz"), p
