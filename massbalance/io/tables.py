"""Streams and balance results to and from pandas DataFrames (optional extra).

Columns carry their units in a second header row, so a table survives a CSV
round trip::

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

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..solve import BalanceResult
from ..streams import Stream
from ..units import parse_unit

__all__ = [
    "read_streams_csv",
    "result_to_frame",
    "streams_from_frame",
    "streams_to_frame",
    "write_streams_csv",
]

_LABELS = (
    ("percent", "%"),
    ("gram / tonne", "g/t"),
    ("tonne", "t"),
    ("short_ton", "st"),
    ("troy_ounce", "oz t"),
    ("pound", "lb"),
    ("ounce_per_short_ton", "opt"),
    ("ppm", "ppm"),
    ("dimensionless", ""),
    ("kilogram / tonne", "kg/t"),
)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "massbalance.io.tables needs pandas: pip install 'massbalance[pandas]'"
        ) from err
    return pandas


def _label(unit: Any) -> str:
    """Our own labels: pint abbreviates short_ton ambiguously."""
    from ..units import ureg

    for name, label in _LABELS:
        if unit == ureg.Unit(name):
            return label
    return f"{unit:~P}"


def _scalar(value: Any, where: str) -> float:
    magnitude = np.asarray(value)
    if magnitude.ndim:
        raise InputError(
            f"{where}: tables hold one scenario per stream; got an array of shape "
            f"{magnitude.shape}",
            where,
        )
    return float(magnitude)


def streams_to_frame(
    streams: Sequence[Stream], units: Mapping[str, str] | None = None
) -> Any:
    """One row per stream: dry mass, grades, moisture; units in a header row.

    Parameters
    ----------
    streams : sequence of Stream
        Scalar streams (one scenario each).
    units : mapping of str to str, optional
        Column -> unit (``{"dry_mass": "short_ton", "Ag": "opt"}``); by default
        each column keeps the unit of the first stream that has it.

    Returns
    -------
    pandas.DataFrame
        Index: stream names; columns: a two-level index (quantity, unit).
    """
    pd = _pandas()
    wanted: dict[str, Any] = {}
    for s in streams:
        wanted.setdefault("dry_mass", s.dry_mass.units)
        for e, g in s.grades.items():
            wanted.setdefault(e, g.units)
        if s.moisture is not None:
            wanted.setdefault("moisture", s.moisture.units)
    for key, unit in (units or {}).items():
        wanted[key] = parse_unit(unit, where=f"units[{key!r}]")
    rows = []
    for s in streams:
        row = []
        for key, unit in wanted.items():
            q: Any
            if key == "dry_mass":
                q = s.dry_mass
            elif key == "moisture":
                q = s.moisture
            else:
                q = s.grades.get(key)
            row.append(
                math.nan if q is None else _scalar(q.m_as(unit), f"{s.name}.{key}")
            )
        rows.append(row)
    columns = pd.MultiIndex.from_tuples(
        [(k, _label(u)) for k, u in wanted.items()], names=["quantity", "unit"]
    )
    return pd.DataFrame(
        rows, index=pd.Index([s.name for s in streams], name="stream"), columns=columns
    )


def streams_from_frame(frame: Any) -> tuple[Stream, ...]:
    """Streams from a frame written by :func:`streams_to_frame` (or by hand).

    Columns are ``(quantity, unit)`` pairs; ``dry_mass`` is required,
    ``moisture`` optional, every other column an element's grade. Empty cells
    (NaN) mean "not assayed".

    Raises
    ------
    InputError
        If the frame has no two-level header or no ``dry_mass`` column.
    UnitError, AssayError
        For unknown units or grades outside [0, 100 %].
    """
    from ..units import Q_

    if getattr(frame.columns, "nlevels", 1) != 2:
        raise InputError("the table needs two header rows: quantity and unit", "header")
    columns = [(str(q), str(u) if str(u) != "nan" else "") for q, u in frame.columns]
    columns = [(q, "" if u.startswith("Unnamed") else u) for q, u in columns]
    if "dry_mass" not in [q for q, _ in columns]:
        raise InputError("the table has no dry_mass column", "dry_mass")
    units = {q: parse_unit(u, where=f"column {q}") for q, u in columns}
    out = []
    for name, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        values = dict(zip([q for q, _ in columns], row, strict=True))
        grades = {
            q: Q_(float(v), units[q])
            for q, v in values.items()
            if q not in ("dry_mass", "moisture") and not _isnan(v)
        }
        moisture = values.get("moisture")
        out.append(
            Stream(
                name=str(name),
                dry_mass=Q_(float(values["dry_mass"]), units["dry_mass"]),
                grades=grades,
                moisture=None
                if moisture is None or _isnan(moisture)
                else Q_(float(moisture), units["moisture"]),
            )
        )
    return tuple(out)


def _isnan(value: Any) -> bool:
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def write_streams_csv(streams: Sequence[Stream], path: str | Path) -> None:
    """Write streams as CSV with a unit header row (see :func:`streams_to_frame`)."""
    streams_to_frame(streams).to_csv(path)


def read_streams_csv(path: str | Path) -> tuple[Stream, ...]:
    """Read streams from a CSV with a quantity row and a unit row."""
    pd = _pandas()
    frame = pd.read_csv(path, header=[0, 1], index_col=0)
    return streams_from_frame(frame)


def result_to_frame(result: BalanceResult) -> Any:
    """A balance as a table: one row per product, split and recoveries [%].

    Examples
    --------
    >>> from massbalance import Q_, solve
    >>> pct = lambda pb, zn: {"Pb": Q_(pb, "%"), "Zn": Q_(zn, "%")}
    >>> r = solve.three_product(pct(3, 6), pct(50, 8), pct(2, 55), pct(0.2, 0.5))
    >>> result_to_frame(r).round(2).loc["conc1"].tolist()
    [5.28, 88.07, 7.05]
    """
    pd = _pandas()
    splits = np.asarray(result.splits.m_as("percent"))
    rec = np.asarray(result.recovery.m_as("percent"))
    if splits.ndim != 1:
        raise InputError(
            "result_to_frame: one scenario only; index the result's arrays for more",
            "result",
        )
    data = {("split", "%"): splits}
    for i, e in enumerate(result.elements):
        data[(f"recovery {e}", "%")] = rec[i]
    frame = pd.DataFrame(data, index=pd.Index(list(result.products), name="product"))
    frame.columns = pd.MultiIndex.from_tuples(list(data), names=["quantity", "unit"])
    return frame
