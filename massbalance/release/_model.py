"""The release model: periods, streams and printed figures, as the file describes them.

These records say *what was printed*; the relations between the figures are
the tool's knowledge and are built in :mod:`massbalance.release._build`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..figures import Figure, Rounding

__all__ = [
    "Change",
    "Equivalent",
    "MetalFigure",
    "Period",
    "Release",
    "StreamSpec",
    "Total",
]


@dataclass(frozen=True, slots=True)
class StreamSpec:
    """A stream of one period and the figures printed for it.

    Attributes
    ----------
    name : str
        snake_case id (``"pb_conc"``).
    role : str
        ``"feed"``, ``"product"``, ``"tail"`` or ``"other"`` (in no balance).
    mass : tuple of Figure
        Dry mass, then its ``also`` printings.
    wet_mass, moisture : tuple of Figure
        Wet mass and moisture printings, if any.
    grades : mapping of str to tuple of Figure
        Element -> grade printings.
    """

    name: str
    role: str
    mass: tuple[Figure, ...] = ()
    wet_mass: tuple[Figure, ...] = ()
    moisture: tuple[Figure, ...] = ()
    grades: Mapping[str, tuple[Figure, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MetalFigure:
    """A recovery or contained-metal figure of one element to a set of streams.

    Attributes
    ----------
    element : str
        Chemical symbol, or symbols joined by ``+`` for a sum across
        elements (``"Pb+Zn"``, contained metal only).
    streams : tuple of str
        The ``to`` (recovery) or ``in`` (contained) streams.
    figures : tuple of Figure
        The figure and its ``also`` printings.
    key : str
        Its id relative to the period (``"recovery.Ag"``,
        ``"contained.Ag.pb_conc+zn_conc"``).
    """

    element: str
    streams: tuple[str, ...]
    figures: tuple[Figure, ...]
    key: str


@dataclass(frozen=True, slots=True)
class Equivalent:
    """A metal-equivalent figure: sum of contained x price / price of the base.

    Attributes
    ----------
    name : str
        Its name (``"AgEq"``).
    base : str
        The element it is expressed in.
    prices : mapping of str to Figure
        Element -> its printed price, per unit of metal mass (any one
        currency), e.g. ``"29 USD/oz"`` read as 29 per troy ounce.
    figures : tuple of Figure
        The figure and its ``also`` printings.
    ratios : mapping of str to Figure
        Element -> its printed ratio to the base metal (``"55"``: one unit of
        the element counts as 55 of the base), by mass.
    """

    name: str
    base: str
    prices: Mapping[str, Figure]
    figures: tuple[Figure, ...]
    ratios: Mapping[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Period:
    """One column of the table: one period at one operation.

    Attributes
    ----------
    id : str
        The period id (``"2012Q1"``).
    days : int or None
        Calendar days (inclusive ``start``..``end``) or a count given as a number.
    days_figures : tuple of Figure
        Days printed as a figure (operating days), if so.
    feed : str
        The mill-feed stream.
    throughput : tuple of Figure
        Feed mass per day, and its ``also`` printings.
    balance : bool
        Whether products may not hold more mass or metal than the feed.
    streams : mapping of str to StreamSpec
    recoveries, contained : tuple of MetalFigure
    equivalents : tuple of Equivalent
    """

    id: str
    days: int | None = None
    days_figures: tuple[Figure, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    feed: str = "feed"
    throughput: tuple[Figure, ...] = ()
    balance: bool = True
    streams: Mapping[str, StreamSpec] = field(default_factory=dict)
    recoveries: tuple[MetalFigure, ...] = ()
    contained: tuple[MetalFigure, ...] = ()
    equivalents: tuple[Equivalent, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """A printed percent change of one figure between two periods."""

    figure: str  #: the figure's id relative to a period, e.g. ``"contained.Ag"``
    from_period: str
    to_period: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True, slots=True)
class Total:
    """A column that sums other columns (year to date, consolidated)."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Release:
    """A production release as printed.

    Attributes
    ----------
    periods : mapping of str to Period
    changes : tuple of Change
    totals : tuple of Total
    rounding : {"nearest", "truncate", "either"}
        The convention the release states (the check may override it).
    units : mapping of str to str
        The ``[release.units]`` pins.
    issuer, title, source, path : str
    date : datetime.date or None
    """

    periods: Mapping[str, Period]
    changes: tuple[Change, ...] = ()
    totals: tuple[Total, ...] = ()
    rounding: Rounding = "nearest"
    units: Mapping[str, str] = field(default_factory=dict)
    issuer: str = ""
    title: str = ""
    source: str = ""
    date: dt.date | None = None
    path: str = ""

    def figures(self) -> list[Figure]:
        """Every printed figure, in file order."""
        out: list[Figure] = []
        for period in self.periods.values():
            out.extend(period.days_figures)
            out.extend(period.throughput)
            for stream in period.streams.values():
                out.extend(stream.mass)
                out.extend(stream.wet_mass)
                out.extend(stream.moisture)
                for printings in stream.grades.values():
                    out.extend(printings)
            for metal in (*period.recoveries, *period.contained):
                out.extend(metal.figures)
            for equivalent in period.equivalents:
                out.extend(equivalent.figures)
                out.extend(equivalent.prices.values())
                out.extend(equivalent.ratios.values())
        for change in self.changes:
            out.extend(change.figures)
        return out
