"""Streams and balance results to and from pandas DataFrames (optional extra).

Columns carry their units in a second header row, so a table survives a CSV
round trip (arrays of scenarios add a ``scenario`` index level)::

    quantity   dry_mass    Ag     Pb
    unit       t           g/t    %
    pb_conc    3376        5144   66

pandas is imported when these functions are called; the core never imports
it (install the ``pandas`` extra).

Examples
--------
>>> from massbalance import Q_, Stream
>>> df = streams_to_frame([Stream(name="pb_conc", dry_mass=Q_(3376, "t"),
...                               grades={"Ag": Q_(5144, "g/t"), "Pb": Q_(66, "%")})])
>>> list(df.columns)
[('dry_mass', 't'), ('Ag', 'g/t'), ('Pb', '%')]
>>> streams_from_frame(df)[0].contained("Pb").m_as("t")
np.float64(2228.16)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..frames import (
    forecast_frame,
    pandas,
    result_frame,
    streams_frame,
    streams_from_frame,
)
from ..solve import BalanceResult
from ..streams import Stream

__all__ = [
    "forecast_to_frame",
    "read_streams_csv",
    "result_to_frame",
    "streams_from_frame",
    "streams_to_frame",
    "write_streams_csv",
]


def streams_to_frame(
    streams: Sequence[Stream], units: Mapping[str, str] | None = None
) -> Any:
    """One row per stream (per scenario): dry mass, grades, moisture; units in
    a header row.

    See :func:`massbalance.frames.streams_frame`; streams may hold arrays of
    scenarios (a ``scenario`` index level is added).
    """
    return streams_frame(streams, units)


def write_streams_csv(
    streams: Sequence[Stream], path: str | Path, units: Mapping[str, str] | None = None
) -> None:
    """Write streams as CSV: a quantity row, a unit row, then one row per
    stream (per scenario); no third header row."""
    frame = streams_frame(streams, units)
    frame.index.names = [None] * frame.index.nlevels
    frame.to_csv(path)


def read_streams_csv(path: str | Path) -> tuple[Stream, ...]:
    """Read streams from a CSV with a quantity row and a unit row (as written
    by :func:`write_streams_csv`, with or without a scenario column)."""
    pd = pandas()
    with open(path, encoding="utf-8") as handle:
        first = handle.readline().rstrip("\r\n").split(",")
    index_columns = 1
    while index_columns < len(first) and first[index_columns] == "":
        index_columns += 1
    frame = pd.read_csv(path, header=[0, 1], index_col=list(range(index_columns)))
    return streams_from_frame(frame)


def result_to_frame(result: BalanceResult) -> Any:
    """A balance as a table: one row per product (per scenario), split and
    recoveries [%] (see :func:`massbalance.frames.result_frame`).

    Examples
    --------
    >>> from massbalance import Q_, solve
    >>> pct = lambda pb, zn: {"Pb": Q_(pb, "%"), "Zn": Q_(zn, "%")}
    >>> r = solve.three_product(pct(3, 6), pct(50, 8), pct(2, 55), pct(0.2, 0.5))
    >>> result_to_frame(r).round(2).loc["conc1"].tolist()
    [5.28, 88.07, 7.05]
    """
    return result_frame(result)


def forecast_to_frame(forecast: Any) -> Any:
    """A forecast as a table (see :func:`massbalance.frames.forecast_frame`)."""
    return forecast_frame(forecast)
