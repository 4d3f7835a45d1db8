"""pandas tables of streams, balances and forecasts, for one scenario or many.

Every table has columns ``(quantity, unit)``: the unit sits in a second header
row, so a table survives a CSV round trip. Arrays of scenarios get a
``scenario`` index level before the stream or product level; one scenario has
no such level. pandas is imported when a table is made (install the
``pandas`` extra); the core never imports it.

Examples
--------
>>> import numpy as np
>>> from massbalance import Q_, solve
>>> pct = lambda pb, zn: {"Pb": Q_(pb, "%"), "Zn": Q_(zn, "%")}
>>> r = solve.three_product(pct(np.array([3.0, 3.2]), 6.0), pct(50, 8),
...                         pct(2, 55), pct(0.2, 0.5))
>>> frame = r.to_frame()
>>> frame.index.names, frame.shape
(FrozenList(['scenario', 'product']), (6, 3))
>>> frame.round(2).loc[(1, "conc1")].tolist()
[5.69, 88.87, 7.58]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .errors import InputError
from .streams import Stream
from .units import Q_, parse_unit, ureg

__all__ = [
    "forecast_frame",
    "reconciliation_frame",
    "result_frame",
    "streams_frame",
    "streams_from_frame",
    "unit_label",
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
    ("kilo_troy_ounce", "koz"),
    ("mega_pound", "Mlb"),
)


def pandas() -> Any:
    """The pandas module, or an ImportError naming the extra to install."""
    try:
        import pandas as pd
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "massbalance tables need pandas: pip install 'massbalance[pandas]'"
        ) from err
    return pd


def unit_label(unit: Any) -> str:
    """A unit's label in a table header; one that :func:`parse_unit` reads back.

    Examples
    --------
    >>> unit_label(ureg.Unit("short_ton")), unit_label(ureg.Unit("troy_ounce"))
    ('st', 'oz t')
    """
    for name, label in _LABELS:
        if unit == ureg.Unit(name):
            return label
    return f"{unit:~P}"


def _index(pd: Any, shape: tuple[int, ...], inner: Sequence[str], name: str) -> Any:
    """Rows: ``inner`` names, repeated per scenario when ``shape`` is not ``()``."""
    if shape == ():
        return pd.Index(list(inner), name=name)
    count = math.prod(shape)
    return pd.MultiIndex.from_product(
        [range(count), list(inner)], names=["scenario", name]
    )


def _column(values: Any, shape: tuple[int, ...], width: int) -> Any:
    """``(..., width)`` values as one column, scenario-major."""
    return np.broadcast_to(
        np.asarray(values, dtype=np.float64), (*shape, width)
    ).reshape(-1)


def _frame(pd: Any, data: dict[tuple[str, str], Any], index: Any) -> Any:
    frame = pd.DataFrame(
        {k: np.asarray(v) for k, v in data.items()}, index=index, copy=False
    )
    frame.columns = pd.MultiIndex.from_tuples(list(data), names=["quantity", "unit"])
    return frame


def result_frame(result: Any) -> Any:
    """A balance as a table: one row per product (per scenario), splits,
    recoveries and their SDs when known [%].

    Parameters
    ----------
    result : massbalance.solve.BalanceResult
        From ``two_product``, ``three_product`` or ``n_product``.

    Returns
    -------
    pandas.DataFrame
        Index ``product`` (or ``scenario``, ``product``); columns ``split``,
        ``recovery <element>`` and, with SDs, ``split_sd`` and
        ``recovery_sd <element>``; units in the second header row.
    """
    pd = pandas()
    shape = tuple(np.shape(result.condition))
    n = len(result.products)
    data: dict[tuple[str, str], Any] = {
        ("split", "%"): _column(result.splits.m_as("percent"), shape, n)
    }
    rec = np.asarray(result.recovery.m_as("percent"))
    for i, e in enumerate(result.elements):
        data[(f"recovery {e}", "%")] = _column(rec[..., i, :], shape, n)
    if result.split_sd is not None and result.recovery_sd is not None:
        data[("split_sd", "%")] = _column(result.split_sd.m_as("percent"), shape, n)
        rsd = np.asarray(result.recovery_sd.m_as("percent"))
        for i, e in enumerate(result.elements):
            data[(f"recovery_sd {e}", "%")] = _column(rsd[..., i, :], shape, n)
    return _frame(pd, data, _index(pd, shape, result.products, "product"))


def forecast_frame(forecast: Any) -> Any:
    """A forecast as a table: one row per product (per scenario), contained
    metal per element in its reporting unit.

    Parameters
    ----------
    forecast : massbalance.forecast.Forecast

    Returns
    -------
    pandas.DataFrame
        Index ``product`` (or ``scenario``, ``product``); columns the
        elements, units in the second header row; a product that does not
        recover an element has NaN there.
    """
    pd = pandas()
    products = list(forecast.contained)
    units: dict[str, Any] = {}
    for table in forecast.contained.values():
        for e, q in table.items():
            units.setdefault(e, q.units)
    shapes = [np.shape(forecast.tonnage.magnitude)] + [
        np.shape(q.magnitude) for t in forecast.contained.values() for q in t.values()
    ]
    shape = np.broadcast_shapes(*shapes)
    data: dict[tuple[str, str], Any] = {}
    for e, unit in units.items():
        columns = [
            np.broadcast_to(
                forecast.contained[p][e].m_as(unit)
                if e in forecast.contained[p]
                else np.nan,
                shape,
            )
            for p in products
        ]
        data[(e, unit_label(unit))] = _column(
            np.stack(columns, axis=-1), shape, len(products)
        )
    return _frame(pd, data, _index(pd, shape, products, "product"))


def reconciliation_frame(result: Any) -> Any:
    """A reconciliation as a table: one row per variable (per period).

    Parameters
    ----------
    result : massbalance.reconciliation.ReconciliationResult
        One period, or a batch (a ``scenario`` index level, one per period).

    Returns
    -------
    pandas.DataFrame
        Index ``variable`` (``"stream.mass"``, ``"stream.El"``), or
        ``scenario``, ``variable``; columns ``measured``, ``measured_sd``,
        ``adjusted``, ``sd``, ``adjustment``, ``redundancy`` and
        ``measurement_test``, canonical units (tonnes for masses, mass
        fractions for assays) named per row in the ``unit`` column.
    """
    pd = pandas()
    names = list(result.names)
    width = len(names)
    adjusted = np.asarray(result.adjusted, dtype=np.float64)
    shape = adjusted.shape[:-1]
    data: dict[tuple[str, str], Any] = {}
    for column, attribute in (
        ("measured", "measured_values"),
        ("measured_sd", "measured_sd"),
        ("adjusted", "adjusted"),
        ("sd", "sd"),
        ("adjustment", "adjustments"),
        ("redundancy", "redundancy"),
        ("measurement_test", "measurement_test"),
    ):
        data[(column, "t or -")] = _column(getattr(result, attribute), shape, width)
    labels = ["t" if n.endswith(".mass") else "" for n in names]
    data[("unit", "")] = np.tile(np.array(labels, dtype=object), math.prod(shape))
    return _frame(pd, data, _index(pd, shape, names, "variable"))


def streams_frame(
    streams: Sequence[Stream], units: Mapping[str, str] | None = None
) -> Any:
    """One row per stream (per scenario): dry mass, grades, moisture.

    Parameters
    ----------
    streams : sequence of Stream
        Streams of one scenario, or arrays of scenarios that broadcast.
    units : mapping of str to str, optional
        Column -> unit (``{"dry_mass": "st", "Ag": "opt"}``); by default each
        column keeps the unit of the first stream that has it.

    Returns
    -------
    pandas.DataFrame
        Index ``stream`` (or ``scenario``, ``stream``); columns ``(quantity,
        unit)``. An element a stream is not assayed for is NaN.
    """
    pd = pandas()
    wanted: dict[str, Any] = {}
    for s in streams:
        wanted.setdefault("dry_mass", s.dry_mass.units)
        for e, g in s.grades.items():
            wanted.setdefault(e, g.units)
        if s.moisture is not None:
            wanted.setdefault("moisture", s.moisture.units)
    for key, unit in (units or {}).items():
        wanted[key] = parse_unit(unit, where=f"units[{key!r}]")
    shape = np.broadcast_shapes(*(s.shape for s in streams)) if streams else ()
    data: dict[tuple[str, str], Any] = {}
    for key, unit in wanted.items():
        columns = []
        for s in streams:
            q = (
                s.dry_mass
                if key == "dry_mass"
                else s.moisture
                if key == "moisture"
                else s.grades.get(key)
            )
            columns.append(
                np.broadcast_to(np.nan if q is None else q.m_as(unit), shape)
            )
        stacked = np.stack(columns, axis=-1) if columns else np.zeros((*shape, 0))
        data[(key, unit_label(unit))] = _column(stacked, shape, len(streams))
    return _frame(pd, data, _index(pd, shape, [s.name for s in streams], "stream"))


def _header(frame: Any, units: Mapping[str, str] | None) -> list[tuple[str, str]]:
    if getattr(frame.columns, "nlevels", 1) == 2:
        columns = [
            (str(q), "" if str(u) in ("nan", "None") else str(u))
            for q, u in frame.columns
        ]
        columns = [(q, "" if u.startswith("Unnamed") else u) for q, u in columns]
        for q, _ in columns:
            if units and q in units:
                raise InputError(
                    f"column {q}: the table's unit row already gives its unit; "
                    "leave it out of units=",
                    q,
                )
        return columns
    if units is None:
        raise InputError(
            "the table needs two header rows (quantity and unit), or units= "
            "naming the unit of every column (units={'dry_mass': 't', 'Ag': 'g/t'})",
            "header",
        )
    missing = [str(c) for c in frame.columns if str(c) not in units]
    if missing:
        raise InputError(
            f"units= gives no unit for the column(s) {', '.join(missing)}",
            missing[0],
        )
    return [(str(c), units[str(c)]) for c in frame.columns]


def streams_from_frame(
    frame: Any, units: Mapping[str, str] | None = None
) -> tuple[Stream, ...]:
    """Streams from a table: one written by :func:`streams_frame`, or a plain one.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows are streams, indexed by name (or by ``scenario`` and stream for
        arrays of scenarios). Columns are ``(quantity, unit)`` pairs, or plain
        names when ``units`` is given. ``dry_mass`` is required, ``moisture``
        optional, every other column an element's grade; empty cells (NaN)
        mean "not assayed".
    units : mapping of str to str, optional
        Column -> unit as printed (``{"dry_mass": "t", "Ag": "g/t"}``), for a
        table with one header row.

    Returns
    -------
    tuple of Stream
        In the order of first appearance; with a scenario level, each value is
        an array over the scenarios.

    Raises
    ------
    InputError
        If the table has no unit for a column, no ``dry_mass`` column, or a
        stream missing in some scenarios.
    UnitError, AssayError
        For unknown or trap units, or grades outside [0, 100 %].

    Examples
    --------
    >>> import pandas as pd
    >>> plain = pd.DataFrame({"dry_mass": [3376.0], "Ag": [5144.0]}, index=["pb_conc"])
    >>> s, = streams_from_frame(plain, units={"dry_mass": "t", "Ag": "g/t"})
    >>> f"{s.contained('Ag'):,.0f~P}"
    '558,334 toz'
    """
    columns = _header(frame, units)
    names = [q for q, _ in columns]
    if "dry_mass" not in names:
        raise InputError("the table has no dry_mass column", "dry_mass")
    parsed = {q: parse_unit(u, where=f"column {q}") for q, u in columns}
    values = np.asarray(frame.to_numpy(dtype=np.float64, na_value=np.nan))
    index = frame.index
    if getattr(index, "nlevels", 1) == 2:
        scenario = np.asarray(index.get_level_values(0))
        stream = np.asarray(index.get_level_values(1)).astype(str)
    else:
        scenario = None
        stream = np.asarray(index).astype(str)
    out = []
    for name in dict.fromkeys(stream):
        rows = values[stream == name]
        if scenario is not None:
            order = np.argsort(scenario[stream == name], kind="stable")
            rows = rows[order]
            if len(rows) != len(np.unique(scenario)):
                raise InputError(
                    f"stream {name}: in {len(rows)} of {len(np.unique(scenario))} "
                    "scenarios; give it in every scenario",
                    name,
                )
        col = {
            q: rows[:, k] if scenario is not None else rows[0, k]
            for k, q in enumerate(names)
        }
        grades = {
            q: Q_(v, parsed[q])
            for q, v in col.items()
            if q not in ("dry_mass", "moisture") and not np.all(np.isnan(v))
        }
        moisture = col.get("moisture")
        out.append(
            Stream(
                name=name,
                dry_mass=Q_(col["dry_mass"], parsed["dry_mass"]),
                grades=grades,
                moisture=None
                if moisture is None or np.all(np.isnan(moisture))
                else Q_(moisture, parsed["moisture"]),
            )
        )
    return tuple(out)
