"""Column headers -> periods: "Three Months Ended Mar. 31, 2012", "Q4'11", "% Change"."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["Column", "parse_header", "period_between", "quarter"]

_MONTHS = {
    name: i
    for i in range(1, 13)
    for name in (
        calendar.month_name[i].lower(),
        calendar.month_abbr[i].lower(),
    )
}
_MONTHS["sept"] = 9
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_COUNT = {
    "one": 1, "three": 3, "six": 6, "nine": 9, "twelve": 12, "3": 3, "6": 6,
    "9": 9, "12": 12, "first": 0,
}  # fmt: skip
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}  # fmt: skip

_CHANGE = re.compile(
    r"%\s*(?:change|chg|var|variance|diff)|change\s*%|\bchange\b|\bvariance\b|\bvar\b|\bvs\.?\b|\bincrease\b|\bdecrease\b"
    r"|\bvariaci[oó]n\b|\bcambio\b|\bver[aä]nderung\b|\bvariation\b",
    re.I,
)
_DATE_MDY = re.compile(rf"\b{_MONTH}\s*(\d{{1,2}}),?\s*(\d{{4}}|'?\d{{2}})\b", re.I)
_DATE_DMY = re.compile(rf"\b(\d{{1,2}})[\s-]*{_MONTH}[\s,-]*(\d{{4}}|\d{{2}})\b", re.I)
_MONTHS_ENDED = re.compile(
    r"\b(one|three|six|nine|twelve|3|6|9|12)[\s-]*(?:months?|mos?\.?)(?:\s+(?:ended|ending|to))?",
    re.I,
)
_QUARTER = re.compile(
    r"\bQ([1-4])\s*(?:FY\s*)?['’]?\s*(\d{4}|\d{2})\b|\b(\d{4})\s*Q([1-4])\b|\b([1-4])Q\s*['’]?(\d{4}|\d{2})\b"
    # Spanish and Portuguese quarters: "2T - 2018", "1T18", "2T – 2018"
    r"|\b([1-4])T\s*[-–—]?\s*(\d{4}|\d{2})\b"
    r"|\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+of)?\s+(?:calendar\s+|fiscal\s+)?(\d{4})\b",
    re.I,
)
_CAL_QUARTER = re.compile(r"\bC?(\d{4})\s*-\s*Q([1-4])\b", re.I)
_HALF = re.compile(r"\bH([12])\s*['’]?(\d{4}|\d{2})\b|\b(\d{4})\s*H([12])\b", re.I)
_FULL_YEAR = re.compile(
    r"\b(?:FY|full[\s-]year|year)\s*['’]?(\d{4}|\d{2})\b|\b(\d{4})\s*(?:FY|full[\s-]year)\b|\byears? ended\b",
    re.I,
)
_YTD = re.compile(r"\bYTD\b|\byear[\s-]to[\s-]date\b", re.I)
_YEAR = re.compile(r"(?<![\d,.])(19[5-9]\d|20\d\d)(?![\d,.%])")


@dataclass(frozen=True)
class Column:
    """What a column header means.

    Attributes
    ----------
    kind : str
        ``"period"``, ``"change"`` (a % change or variance column) or
        ``"unknown"``.
    id : str
        The period id (``"2012Q1"``), empty for other kinds.
    start, end : datetime.date or None
        The period's first and last day.
    header : str
        The header as printed (rows joined by spaces).
    sure : bool
        False when a part of the reading was assumed (the length of a period
        given only by its end date, a year-to-date column's end).
    """

    kind: str
    id: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    header: str = ""
    sure: bool = True


def _year(text: str) -> int:
    text = text.strip("'’ ")
    year = int(text)
    return year + 2000 if year < 100 else year


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _months_back(end: dt.date, months: int) -> dt.date:
    month = end.month - months + 1
    year = end.year
    while month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def quarter(year: int, q: int) -> Column:
    """The column of quarter ``q`` of calendar ``year``.

    >>> quarter(2012, 1).id, quarter(2012, 1).end
    ('2012Q1', datetime.date(2012, 3, 31))
    """
    end = _month_end(year, 3 * q)
    return Column("period", f"{year}Q{q}", dt.date(year, 3 * q - 2, 1), end)


def period_between(start: dt.date, end: dt.date, header: str, sure: bool) -> Column:
    """Name a period from its dates: 2012Q1, 2012H1, 2012FY, 2012YTD, else the dates."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if start.day == 1 and end == _month_end(end.year, end.month):
        if months == 3 and end.month % 3 == 0:
            return Column(
                "period", f"{end.year}Q{end.month // 3}", start, end, header, sure
            )
        if months == 6 and end.month in (6, 12):
            half = 1 if end.month == 6 else 2
            return Column("period", f"{end.year}H{half}", start, end, header, sure)
        if months == 12 and end.month == 12:
            return Column("period", f"{end.year}FY", start, end, header, sure)
        if start.month == 1:
            return Column("period", f"{end.year}YTD", start, end, header, sure)
    return Column("period", f"P{start:%Y%m%d}_{end:%Y%m%d}", start, end, header, sure)


def _date(text: str) -> dt.date | None:
    m = _DATE_MDY.search(text)
    if m:
        month = (
            _MONTHS.get(m.group(1).lower()[:4].rstrip("."))
            or _MONTHS[m.group(1).lower()[:3]]
        )
        return dt.date(_year(m.group(3)), month, int(m.group(2)))
    m = _DATE_DMY.search(text)
    if m:
        month = (
            _MONTHS.get(m.group(2).lower()[:4].rstrip("."))
            or _MONTHS[m.group(2).lower()[:3]]
        )
        return dt.date(_year(m.group(3)), month, int(m.group(1)))
    return None


def parse_header(
    text: str, *, ytd_end_month: int | None = None, ytd_year: int | None = None
) -> Column:
    """Read one column header.

    Parameters
    ----------
    text : str
        The header as printed, its rows joined by spaces.
    ytd_end_month, ytd_year : int, optional
        The month a bare "YTD 2021" column ends in, and the year of a "YTD"
        column that prints none (taken from the table's quarter columns).

    Examples
    --------
    >>> parse_header("Three Months Ended Mar. 31, 2012").id
    '2012Q1'
    >>> parse_header("Q4'11").id
    '2011Q4'
    >>> parse_header("9-mos 2021").id, parse_header("9-mos 2021").end
    ('2021YTD', datetime.date(2021, 9, 30))
    >>> parse_header("% Change").kind
    'change'
    """
    header = " ".join(text.split())
    if not header:
        return Column("unknown", header=header)
    if _CHANGE.search(header) and not _QUARTER.search(header.replace("%", "")):
        return Column("change", header=header)
    if _CHANGE.search(header):
        return Column("change", header=header)
    count = _MONTHS_ENDED.search(header)
    months = _COUNT[count.group(1).lower()] if count else None
    end = _date(header)
    if end is not None:
        if months is None:
            if _FULL_YEAR.search(header):
                months = 12
            else:
                return period_between(_months_back(end, 3), end, header, False)
        return period_between(_months_back(end, months), end, header, True)
    m = _CAL_QUARTER.search(header)
    if m:
        col = quarter(int(m.group(1)), int(m.group(2)))
        return Column(col.kind, col.id, col.start, col.end, header)
    m = _QUARTER.search(header)
    if m:
        if m.group(1):
            q, y = int(m.group(1)), _year(m.group(2))
        elif m.group(3):
            q, y = int(m.group(4)), int(m.group(3))
        elif m.group(5):
            q, y = int(m.group(5)), _year(m.group(6))
        elif m.group(7):
            q, y = int(m.group(7)), _year(m.group(8))
        else:
            q, y = _ORDINAL[m.group(9).lower()], int(m.group(10))
        col = quarter(y, q)
        return Column(col.kind, col.id, col.start, col.end, header)
    m = _HALF.search(header)
    if m:
        h, y = (
            (int(m.group(1)), _year(m.group(2)))
            if m.group(1)
            else (int(m.group(4)), int(m.group(3)))
        )
        end = _month_end(y, 6 * h)
        return period_between(_months_back(end, 6), end, header, True)
    year_match = _YEAR.search(header)
    if months and year_match:
        end = _month_end(int(year_match.group(1)), months)
        return period_between(dt.date(end.year, 1, 1), end, header, True)
    m = _FULL_YEAR.search(header)
    if m and (m.group(1) or m.group(2)):
        y = _year(m.group(1) or m.group(2))
        return period_between(dt.date(y, 1, 1), dt.date(y, 12, 31), header, True)
    if _YTD.search(header) and (year_match or ytd_year):
        y = int(year_match.group(1)) if year_match else int(ytd_year or 0)
        month = ytd_end_month or 12
        return period_between(
            dt.date(y, 1, 1), _month_end(y, month), header, ytd_end_month is not None
        )
    return Column("unknown", header=header)
