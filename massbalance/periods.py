"""Accounting periods: calendar days, throughput, and summing periods.

A :class:`Period` holds the streams of one period (a quarter, a month) at one
operation. Periods add up (:func:`sum_periods`, for year-to-date columns):
masses and contained metal add, so grades come out tonnage-weighted and
recoveries metal-weighted, as :func:`tonnage_weighted_grade` and
:func:`metal_weighted_recovery` compute directly.

Examples
--------
The seed's first quarter of 2012 (a leap year):

>>> from datetime import date
>>> from massbalance import Q_
>>> days = calendar_days(date(2012, 1, 1), date(2012, 3, 31))
>>> days
<Quantity(91, 'day')>
>>> f"{throughput(Q_(21251, 't'), days):.1f~P}"
'233.5 t/d'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

import numpy as np

from ._typing import Quantity
from .errors import FlowsheetError, InputError
from .streams import Stream, check_mass
from .units import DAYS, GRADE, MASS, Q_, to_canonical

__all__ = [
    "Period",
    "calendar_days",
    "metal_weighted_recovery",
    "sum_periods",
    "throughput",
    "tonnage_weighted_grade",
]


def calendar_days(start: date, end: date) -> Quantity:
    """Days from ``start`` to ``end``, both inclusive (leap days counted).

    Parameters
    ----------
    start, end : datetime.date
        First and last day of the period.

    Returns
    -------
    pint.Quantity, [time]
        The number of days. [d]

    Raises
    ------
    InputError
        If ``end`` is before ``start``.

    Examples
    --------
    >>> calendar_days(date(2011, 1, 1), date(2011, 3, 31)).m
    90
    >>> calendar_days(date(2012, 1, 1), date(2012, 12, 31)).m
    366
    """
    if end < start:
        raise InputError(f"period ends ({end}) before it starts ({start})", str(end))
    return Q_((end - start).days + 1, DAYS)


def throughput(mass: Quantity, days: Quantity) -> Quantity:
    """Average rate: ``mass / days``.

    Parameters
    ----------
    mass : pint.Quantity, [mass]
        Mass processed. [t]
    days : pint.Quantity, [time]
        Length of the period. [d]

    Returns
    -------
    pint.Quantity, [mass]/[time]
        In tonnes per day. [t/d]

    Examples
    --------
    >>> f"{throughput(Q_(18050, 't'), Q_(90, 'd')):.1f~P}"
    '200.6 t/d'
    """
    tonnes = check_mass(mass, name="throughput mass")
    d = to_canonical(days, DAYS, name="throughput days")
    if np.any(d <= 0):
        raise InputError(f"throughput: days must be positive, got {days:~P}", "days")
    return Q_(tonnes / d, MASS / DAYS)


def tonnage_weighted_grade(
    masses: Sequence[Quantity], grades: Sequence[Quantity]
) -> Quantity:
    """Grade of several tonnages together: ``sum(m * g) / sum(m)``.

    Examples
    --------
    >>> g = tonnage_weighted_grade([Q_(18050, "t"), Q_(21251, "t")],
    ...                            [Q_(829, "g/t"), Q_(899, "g/t")])
    >>> f"{g.to('g/t'):.1f~P}"
    '866.9 g/t'
    """
    if len(masses) != len(grades) or not masses:
        raise InputError("tonnage_weighted_grade: need one grade per mass")
    m = [check_mass(x, name=f"mass[{k}]") for k, x in enumerate(masses)]
    g = [to_canonical(x, GRADE, name=f"grade[{k}]") for k, x in enumerate(grades)]
    total = sum(m, np.float64(0.0))
    metal = sum((a * b for a, b in zip(m, g, strict=True)), np.float64(0.0))
    return Q_(metal / total, GRADE)


def metal_weighted_recovery(
    feed_metal: Sequence[Quantity], recoveries: Sequence[Quantity]
) -> Quantity:
    """Recovery over several periods: ``sum(metal_in * R) / sum(metal_in)``.

    Parameters
    ----------
    feed_metal : sequence of pint.Quantity, [mass]
        Metal in the feed of each period. [t]
    recoveries : sequence of pint.Quantity, dimensionless
        Recovery of each period. [-]

    Returns
    -------
    pint.Quantity
        The combined recovery. [%]

    Examples
    --------
    >>> r = metal_weighted_recovery([Q_(100, "t"), Q_(300, "t")],
    ...                             [Q_(90, "%"), Q_(94, "%")])
    >>> f"{r:.1f~P}"
    '93.0 %'
    """
    if len(feed_metal) != len(recoveries) or not feed_metal:
        raise InputError("metal_weighted_recovery: need one recovery per period")
    m = [check_mass(x, name=f"feed_metal[{k}]") for k, x in enumerate(feed_metal)]
    r = [
        to_canonical(x, GRADE, name=f"recovery[{k}]") for k, x in enumerate(recoveries)
    ]
    total = sum(m, np.float64(0.0))
    out = sum((a * b for a, b in zip(m, r, strict=True)), np.float64(0.0))
    return Q_(out / total * 100, "percent")


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Period:
    """The streams of one accounting period at one operation.

    Parameters
    ----------
    name : str
        The period's id (``"2012Q1"``).
    streams : mapping of str to Stream, or sequence of Stream
        The period's streams, by name.
    feed : str
        Name of the mill-feed stream.
    start, end : datetime.date, optional
        First and last calendar day.
    days : pint.Quantity, [time], optional
        Length, when not given by ``start`` and ``end`` (operating days). [d]

    Examples
    --------
    >>> p = Period(name="2012Q1", start=date(2012, 1, 1), end=date(2012, 3, 31),
    ...     streams=[Stream(name="feed", dry_mass=Q_(21251, "t"),
    ...                     grades={"Ag": Q_(899, "g/t")}),
    ...              Stream(name="pb_conc", dry_mass=Q_(3376, "t"),
    ...                     grades={"Ag": Q_(5144, "g/t")}),
    ...              Stream(name="zn_conc", dry_mass=Q_(1583, "t"),
    ...                     grades={"Ag": Q_(460, "g/t")})])
    >>> f"{p.contained('Ag', ['pb_conc', 'zn_conc']).to('troy_ounce'):,.0f~P}"
    '581,746 toz'
    >>> f"{p.recovery('Ag', ['pb_conc', 'zn_conc']):.2f~P}"
    '94.71 %'
    """

    name: str
    streams: Mapping[str, Stream] = field(default_factory=dict)
    feed: str = "feed"
    start: date | None = None
    end: date | None = None
    days: Quantity | None = None

    def __post_init__(self) -> None:
        streams = self.streams
        if not isinstance(streams, Mapping):
            streams = {s.name: s for s in streams}
        object.__setattr__(self, "streams", MappingProxyType(dict(streams)))
        if self.days is None and self.start is not None and self.end is not None:
            object.__setattr__(self, "days", calendar_days(self.start, self.end))
        elif self.days is not None:
            to_canonical(self.days, DAYS, name=f"{self.name}.days")

    def stream(self, name: str) -> Stream:
        """The stream called ``name``; FlowsheetError if there is none."""
        try:
            return self.streams[name]
        except KeyError:
            raise FlowsheetError(
                f"{self.name}: no stream {name!r} (streams: "
                f"{', '.join(self.streams) or 'none'})",
                f"{self.name}.{name}",
            ) from None

    def throughput(self) -> Quantity:
        """Feed mass over days [t/d]."""
        if self.days is None:
            raise InputError(
                f"{self.name}: no days (give start/end or days)", self.name
            )
        return throughput(self.stream(self.feed).dry_mass, self.days)

    def contained(self, element: str, in_: Sequence[str]) -> Quantity:
        """Metal in the listed streams [t]."""
        return Q_(
            sum(
                (self.stream(s).contained(element).m_as(MASS) for s in in_),
                np.float64(0.0),
            ),
            MASS,
        )

    def to_frame(self, units: Mapping[str, str] | None = None) -> Any:
        """The period's streams as a pandas DataFrame (``pandas`` extra).

        See :func:`massbalance.frames.streams_frame`: one row per stream (per
        scenario), columns ``(quantity, unit)``.
        """
        from .frames import streams_frame

        return streams_frame(list(self.streams.values()), units)

    def recovery(self, element: str, to: Sequence[str]) -> Quantity:
        """Metal in the ``to`` streams over metal in the feed [%]."""
        feed = self.stream(self.feed).contained(element).m_as(MASS)
        return Q_(self.contained(element, to).m_as(MASS) / feed * 100, "percent")


def sum_periods(
    periods: Sequence[Period],
    *,
    name: str,
    start: date | None = None,
    end: date | None = None,
) -> Period:
    """Add periods (year-to-date, consolidated): masses and metal add.

    Streams are matched by name; each total stream is the blend of the
    periods' streams, so its grades are tonnage-weighted and recoveries computed
    from the total are metal-weighted. Days add unless ``start`` and ``end``
    are given.

    Raises
    ------
    FlowsheetError
        If a stream is missing from one of the periods.
    AssayError
        If a stream is assayed for different elements in different periods.

    Examples
    --------
    >>> def quarter(n, feed, ag):
    ...     feed = Stream(name="feed", dry_mass=Q_(feed, "t"),
    ...                   grades={"Ag": Q_(ag, "g/t")})
    ...     return Period(name=n, days=Q_(90, "d"), streams=[feed])
    >>> ytd = sum_periods([quarter("Q1", 18050, 829), quarter("Q2", 21251, 899)],
    ...                   name="H1")
    >>> f"{ytd.stream('feed').grade('Ag').to('g/t'):.1f~P}", ytd.days
    ('866.9 g/t', <Quantity(180.0, 'day')>)
    """
    if not periods:
        raise InputError(f"{name}: no periods to sum", name)
    names = list(periods[0].streams)
    for p in periods[1:]:
        for s in set(names).symmetric_difference(p.streams):
            holder = p if s in names else periods[0]
            holder.stream(s)  # raises FlowsheetError naming the period
    streams = {s: Stream.blend([p.stream(s) for p in periods], name=s) for s in names}
    days = None
    if (start is None or end is None) and all(p.days is not None for p in periods):
        days = Q_(
            sum(to_canonical(p.days, DAYS, name=f"{p.name}.days") for p in periods),
            DAYS,
        )
    return Period(
        name=name,
        streams=streams,
        feed=periods[0].feed,
        start=start,
        end=end,
        days=days,
    )
