"""Read a release file (TOML, ARCHITECTURE.md section 4) into a :class:`Release`.

Every figure is a string exactly as printed, or a table
``{ value = "...", also = [...], step = "...", id = "..." }``. Errors name the
file, the key or figure id, and the offending value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pint

from ..errors import MassBalanceError, ReleaseFormatError
from ..figures import ROUNDING_METHODS, Figure, Rounding
from ..release import (
    Change,
    Equivalent,
    MetalFigure,
    Period,
    Release,
    StreamSpec,
    Total,
)
from ..units import conversion_factor, parse_printed, ureg
from ._limits import LARGEST, MAX_DIGITS, SMALLEST, check_number
from ._loader import load_toml, loads_toml
from ._schema import Problem, key_path, raise_problems, validate

__all__ = ["loads_release", "read_release"]

_ELEMENT = re.compile(r"^[A-Z][a-z]?$")
_TAIL_NAMES = {"tail", "tails", "tailing", "tailings"}
_STREAM_KEYS = {"mass", "wet_mass", "moisture", "role"}
_PERIOD_KEYS = {
    "start", "end", "days", "day_count", "feed", "throughput", "balance",
    "streams", "recovery", "contained", "equivalent",
}  # fmt: skip
_ROLES = {"feed", "product", "tail", "other"}
_CURRENCY = re.compile(r"US\$|C\$|A\$|\$|€|£|\b(?:USD|CAD|AUD|EUR|GBP)\b")


def _sane(figure: Figure) -> Figure:
    """Refuse a figure whose number no double-precision check can honour."""
    check_number(figure.number, figure.step, figure.unit, figure.id, figure.text)
    return figure


def _fail(where: str, message: str, value: object = None) -> ReleaseFormatError:
    shown = value if isinstance(value, str) else repr(value)
    return ReleaseFormatError(f"{where}: {message}", where, shown)


class _Reader:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        head = data.get("release", {})
        if not isinstance(head, dict):
            raise _fail("release", "must be a table", head)
        pins = head.get("units", {})
        if not isinstance(pins, dict) or not all(
            isinstance(v, str) for v in pins.values()
        ):
            raise _fail(
                "release.units", "must map printed spellings to unit names", pins
            )
        self.pins: dict[str, str] = pins
        self.head = head

    # --------------------------------------------------------------- figures
    def figures(
        self, fid: str, spec: Any, *, extra: frozenset[str] = frozenset()
    ) -> tuple[tuple[Figure, ...], dict[str, Any]]:
        """Read ``"21,251 t"`` or ``{value=..., also=[...], step=..., id=...}``."""
        if isinstance(spec, str):
            return (_sane(Figure.parse(fid, spec, pins=self.pins)),), {}
        if not isinstance(spec, dict):
            raise _fail(
                fid, 'expected a printed value in quotes, such as "21,251 t"', spec
            )
        unknown = set(spec) - {"value", "also", "step", "id"} - extra
        if unknown:
            raise _fail(fid, f"unknown key {sorted(unknown)[0]!r}", spec)
        if "value" not in spec:
            raise _fail(fid, 'a figure table needs value = "..."', spec)
        main_id = spec.get("id", fid)
        if not isinstance(main_id, str) or not main_id:
            raise _fail(fid, "id must be a non-empty string", main_id)
        step = spec.get("step")
        if step is not None and not isinstance(step, str):
            raise _fail(
                f"{main_id}.step", 'expected a printed step such as "10 t"', step
            )
        value = spec["value"]
        if not isinstance(value, str):
            raise _fail(
                main_id, 'expected a printed value in quotes, such as "94 %"', value
            )
        figures = [_sane(Figure.parse(main_id, value, step=step, pins=self.pins))]
        also = spec.get("also", [])
        if not isinstance(also, list):
            raise _fail(f"{main_id}.also", "must be a list of printed values", also)
        for k, text in enumerate(also, start=1):
            if not isinstance(text, str):
                raise _fail(f"{main_id}.also{k}", "expected a printed value", text)
            figures.append(
                _sane(Figure.parse(f"{main_id}.also{k}", text, pins=self.pins))
            )
        rest = {k: v for k, v in spec.items() if k in extra}
        return tuple(figures), rest

    # --------------------------------------------------------------- periods
    def period(self, pid: str, spec: Any) -> Period:
        if not isinstance(spec, dict):
            raise _fail(f"periods.{pid}", "must be a table", spec)
        unknown = set(spec) - _PERIOD_KEYS
        if unknown:
            raise _fail(f"periods.{pid}", f"unknown key {sorted(unknown)[0]!r}", spec)
        start, end = spec.get("start"), spec.get("end")
        days: int | None = None
        days_figures: tuple[Figure, ...] = ()
        for key, value in (("start", start), ("end", end)):
            if value is not None and not isinstance(value, dt.date):
                raise _fail(
                    f"periods.{pid}.{key}", "must be a date (2012-01-01)", value
                )
        day_count = spec.get("day_count", "calendar")
        if day_count not in ("calendar", "operating"):
            raise _fail(
                f"periods.{pid}.day_count", "must be calendar or operating", day_count
            )
        raw_days = spec.get("days")
        if isinstance(raw_days, bool):
            raise _fail(
                f"periods.{pid}.days", "must be a count or a printed figure", raw_days
            )
        if isinstance(raw_days, int):
            if raw_days <= 0:
                raise _fail(f"periods.{pid}.days", "must be positive", raw_days)
            days = raw_days
        elif raw_days is not None:
            days_figures, _ = self.figures(f"{pid}.days", raw_days)
            for figure in days_figures:
                if figure.number <= 0:
                    raise _fail(figure.id, "must be a positive count", figure.text)
            # a bare count ("88") is printed in days
            days_figures = tuple(
                dataclasses.replace(f, unit=ureg.day, unit_label="d")
                if not f.unit_label and f.unit == ureg.dimensionless
                else f
                for f in days_figures
            )
        if days is None and not days_figures and day_count == "calendar":
            if start is not None and end is not None:
                if end < start:
                    raise _fail(
                        f"periods.{pid}.end", f"is before start {start}", str(end)
                    )
                days = (end - start).days + 1
            elif start is not None or end is not None:
                raise _fail(
                    f"periods.{pid}", "needs both start and end (or days)", spec
                )
        feed = spec.get("feed", "feed")
        if not isinstance(feed, str):
            raise _fail(f"periods.{pid}.feed", "must be a stream name", feed)
        balance = spec.get("balance", True)
        if not isinstance(balance, bool):
            raise _fail(f"periods.{pid}.balance", "must be true or false", balance)
        throughput: tuple[Figure, ...] = ()
        if "throughput" in spec:
            throughput, _ = self.figures(f"{pid}.throughput", spec["throughput"])

        streams_spec = spec.get("streams", {})
        if not isinstance(streams_spec, dict):
            raise _fail(
                f"periods.{pid}.streams", "must be a table of streams", streams_spec
            )
        recoveries = self.metals(pid, "recovery", "to", spec.get("recovery", {}))
        contained = self.metals(pid, "contained", "in", spec.get("contained", {}))
        named = {s for m in (*recoveries, *contained) for s in m.streams}
        for metal in (*recoveries, *contained):
            for s in metal.streams:
                if s not in streams_spec:
                    raise _fail(
                        metal.figures[0].id if metal.figures else f"{pid}.{metal.key}",
                        f"names stream {s!r}, which period {pid} does not define",
                        s,
                    )
        streams = {
            name: self.stream(pid, name, body, feed=feed, named=named)
            for name, body in streams_spec.items()
        }
        feed_stream = streams.get(feed)
        for figure in () if feed_stream is None else feed_stream.mass:
            if figure.number == 0:
                raise _fail(
                    figure.id,
                    f"the feed {feed!a} is printed as {figure.text!a}; recoveries, "
                    "throughput and the balance divide by the feed, so remove the "
                    "period's other figures or the feed mass",
                    figure.text,
                )
        for metal in recoveries:
            for figure in (
                () if feed_stream is None else feed_stream.grades.get(metal.element, ())
            ):
                if figure.number == 0:
                    raise _fail(
                        figure.id,
                        f"the feed grade is printed as {figure.text!a}, so the "
                        f"recovery of {metal.element} (a ratio to the feed's "
                        "metal) is undefined; remove one of the two",
                        figure.text,
                    )
        equivalents = tuple(
            self.equivalent(pid, name, body)
            for name, body in spec.get("equivalent", {}).items()
        )
        return Period(
            id=pid,
            days=days,
            days_figures=days_figures,
            start=start,
            end=end,
            feed=feed,
            throughput=throughput,
            balance=balance,
            streams=streams,
            recoveries=recoveries,
            contained=contained,
            equivalents=equivalents,
        )

    def stream(
        self, pid: str, name: str, body: Any, *, feed: str, named: set[str]
    ) -> StreamSpec:
        where = f"periods.{pid}.streams.{name}"
        if not isinstance(body, dict):
            raise _fail(where, "must be a table", body)
        for key in body:
            if key not in _STREAM_KEYS and not _ELEMENT.match(key):
                raise _fail(
                    f"{where}.{key}", "is neither a stream key nor an element", key
                )
        role = body.get("role")
        if role is None:
            if name == feed:
                role = "feed"
            elif name in _TAIL_NAMES:
                role = "tail"
            elif name in named:
                role = "product"
            else:
                role = "other"
        elif role not in _ROLES:
            raise _fail(f"{where}.role", f"must be one of {sorted(_ROLES)}", role)
        mass: tuple[Figure, ...] = ()
        wet: tuple[Figure, ...] = ()
        moisture: tuple[Figure, ...] = ()
        if "mass" in body:
            mass, _ = self.figures(f"{pid}.mass.{name}", body["mass"])
        if "wet_mass" in body:
            wet, _ = self.figures(f"{pid}.wet_mass.{name}", body["wet_mass"])
        if "moisture" in body:
            moisture, _ = self.figures(f"{pid}.moisture.{name}", body["moisture"])
        grades = {
            key: self.figures(f"{pid}.grade.{name}.{key}", value)[0]
            for key, value in body.items()
            if _ELEMENT.match(key)
        }
        return StreamSpec(name, role, mass, wet, moisture, grades)

    def metals(
        self, pid: str, kind: str, streams_key: str, spec: Any
    ) -> tuple[MetalFigure, ...]:
        if not isinstance(spec, dict):
            raise _fail(f"periods.{pid}.{kind}", "must be a table of elements", spec)
        out = []
        for element, entries in spec.items():
            where = f"periods.{pid}.{kind}.{element}"
            if not _ELEMENT.match(element):
                raise _fail(where, "is not a chemical symbol (Ag, Pb, Zn...)", element)
            items = entries if isinstance(entries, list) else [entries]
            for entry in items:
                if not isinstance(entry, dict) or streams_key not in entry:
                    raise _fail(
                        where,
                        f'needs {{ value = "...", {streams_key} = ["stream", ...] }}',
                        entry,
                    )
                streams = entry[streams_key]
                if (
                    not isinstance(streams, list)
                    or not streams
                    or not all(isinstance(s, str) for s in streams)
                ):
                    raise _fail(
                        f"{where}.{streams_key}", "must list stream names", streams
                    )
                key = f"{kind}.{element}"
                if len(items) > 1:
                    key += "." + "+".join(streams)
                if "value" in entry or "also" in entry:
                    figures, _ = self.figures(
                        f"{pid}.{key}", entry, extra=frozenset({streams_key})
                    )
                else:  # declared unprinted, for a change to refer to
                    figures = ()
                out.append(MetalFigure(element, tuple(streams), figures, key))
        return tuple(out)

    def equivalent(self, pid: str, name: str, body: Any) -> Equivalent:
        where = f"periods.{pid}.equivalent.{name}"
        if not isinstance(body, dict):
            raise _fail(where, "must be a table", body)
        prices_spec = body.get("prices")
        if not isinstance(prices_spec, dict) or not prices_spec:
            raise _fail(
                f"{where}.prices", 'needs prices = { Ag = "29 USD/oz", ... }', body
            )
        prices = {
            element: self.price(f"{where}.prices.{element}", text)
            for element, text in prices_spec.items()
        }
        base = body.get("base", name.removesuffix("Eq").removesuffix("eq"))
        if base not in prices:
            raise _fail(f"{where}.base", "must be an element with a price", base)
        figures, _ = self.figures(
            f"{pid}.equivalent.{name}", body, extra=frozenset({"prices", "base"})
        )
        return Equivalent(name, base, prices, figures)

    def price(self, where: str, text: Any) -> tuple[float, float]:
        """Price per tonne of metal (one currency), within half its printed step."""
        if not isinstance(text, str):
            raise _fail(where, 'expected a price such as "29 USD/oz"', text)
        bare = " ".join(_CURRENCY.sub(" ", text).split())
        number, _, unit = bare.partition("/")
        if not unit:
            number, _, unit = bare.partition(" per ")
        printed = parse_printed(
            f"{number.strip()} {unit.strip()}", pins=self.pins, where=where
        )
        try:
            unit_in_tonnes = conversion_factor(printed.unit, ureg.tonne)
        except pint.DimensionalityError as err:
            raise _fail(where, "must be a price per unit of metal mass", text) from err
        if printed.number <= 0:
            raise _fail(where, "must be a positive price per unit of metal", text)
        if len(printed.number.as_tuple().digits) > MAX_DIGITS:
            raise _fail(where, f"prints more than {MAX_DIGITS} digits", text)
        exponent = printed.number.as_tuple().exponent
        assert isinstance(exponent, int)
        half = Decimal(1).scaleb(exponent) / 2
        lo = float(printed.number - half) / unit_in_tonnes
        hi = float(printed.number + half) / unit_in_tonnes
        if not SMALLEST <= lo <= hi <= LARGEST:
            raise _fail(
                where,
                f"is outside the range the check works in ({SMALLEST:g} to "
                f"{LARGEST:g} per tonne of metal)",
                text,
            )
        return lo * (1 - 1e-14), hi * (1 + 1e-14)

    # --------------------------------------------------------------- release
    def release(self, path: str) -> Release:
        periods_spec = self.data.get("periods")
        if not isinstance(periods_spec, dict) or not periods_spec:
            raise _fail(
                "periods", "the file defines no [periods.<id>] table", periods_spec
            )
        periods = {pid: self.period(pid, spec) for pid, spec in periods_spec.items()}
        changes = []
        for k, spec in enumerate(self.data.get("changes", []), start=1):
            where = f"changes[{k}]"
            if not isinstance(spec, dict):
                raise _fail(where, "must be a table", spec)
            for key in ("figure", "from", "to", "value"):
                if key not in spec:
                    raise _fail(where, f"needs {key} = ...", spec)
            for key in ("from", "to"):
                if spec[key] not in periods:
                    raise _fail(
                        f"{where}.{key}",
                        f"names period {spec[key]!r}, which the file does not define",
                        spec[key],
                    )
            fid = f"change.{spec['figure']}.{spec['from']}-{spec['to']}"
            figures, _ = self.figures(
                fid, spec, extra=frozenset({"figure", "from", "to"})
            )
            changes.append(Change(spec["figure"], spec["from"], spec["to"], figures))
        totals = []
        for k, spec in enumerate(self.data.get("totals", []), start=1):
            where = f"totals[{k}]"
            if not isinstance(spec, dict) or "total" not in spec or "parts" not in spec:
                raise _fail(where, 'needs total = "..." and parts = [...]', spec)
            for name in [spec["total"], *spec["parts"]]:
                if name not in periods:
                    raise _fail(
                        where,
                        f"names period {name!r}, which the file does not define",
                        name,
                    )
            totals.append(Total(spec["total"], tuple(spec["parts"])))
        rounding = self.head.get("rounding", "nearest")
        if rounding not in ROUNDING_METHODS:
            raise _fail(
                "release.rounding", f"must be one of {ROUNDING_METHODS}", rounding
            )
        date = self.head.get("date")
        return Release(
            periods=periods,
            changes=tuple(changes),
            totals=tuple(totals),
            rounding=cast(Rounding, rounding),
            units=self.pins,
            issuer=str(self.head.get("issuer", "")),
            title=str(self.head.get("title", "")),
            source=str(self.head.get("source", "")),
            date=date if isinstance(date, dt.date) else None,
            path=path,
        )


def _nearest(name: str, names: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(names), n=1)
    return f"; did you mean {close[0]!a}?" if close else ""


def _cycle(graph: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A cycle of ``graph`` (node -> successors) as a path, or None."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    for root in graph:
        if state.get(root):
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(graph.get(root, ())))]
        state[root] = 1
        path.append(root)
        while stack:
            node, successors = stack[-1]
            nxt = next(successors, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(graph.get(nxt, ()))))
    return None


def _references(data: Mapping[str, Any]) -> list[Problem]:
    """Every name a release file refers to that it does not define.

    Runs on a document that follows the schema: streams named by a period's
    ``feed``, ``to`` and ``in``; periods named by changes and totals; the base
    of an equivalent; and cycles among totals.
    """
    problems: list[Problem] = []
    periods: Mapping[str, Any] = data["periods"]
    for pid, period in periods.items():
        where = key_path("periods", pid)
        streams = period.get("streams", {})
        if "feed" in period and period["feed"] not in streams:
            problems.append(
                Problem(
                    key_path(where, "feed"),
                    f"names stream {period['feed']!a}, which period {pid} does "
                    f"not define{_nearest(period['feed'], streams)}",
                )
            )
        needs_feed = [k for k in ("recovery", "throughput") if period.get(k)]
        if "feed" not in period and "feed" not in streams and streams and needs_feed:
            problems.append(
                Problem(
                    key_path(where, needs_feed[0]),
                    "needs the period's feed, and no stream is named 'feed'; "
                    'set feed = "<stream>" in the period',
                )
            )
        for kind, key in (("recovery", "to"), ("contained", "in")):
            for element, entries in period.get(kind, {}).items():
                base = key_path(key_path(where, kind), element)
                many = isinstance(entries, list)
                for k, entry in enumerate(entries if many else [entries]):
                    at = key_path(base, k) if many else base
                    for j, name in enumerate(entry[key]):
                        if name not in streams:
                            problems.append(
                                Problem(
                                    key_path(key_path(at, key), j),
                                    f"names stream {name!a}, which period {pid} "
                                    f"does not define{_nearest(name, streams)}",
                                )
                            )
        for name, body in period.get("equivalent", {}).items():
            base = body.get("base", name.removesuffix("Eq").removesuffix("eq"))
            if base not in body["prices"]:
                at = key_path(key_path(key_path(where, "equivalent"), name), "base")
                problems.append(
                    Problem(
                        at,
                        f"the base metal {base!a} has no price in `prices`; add "
                        f"its price or set base = one of {sorted(body['prices'])}",
                    )
                )
    for k, change in enumerate(data.get("changes", [])):
        for key in ("from", "to"):
            name = change[key]
            if name not in periods:
                problems.append(
                    Problem(
                        key_path(key_path("changes", k), key),
                        f"names period {name!a}, which the file does not "
                        f"define{_nearest(name, periods)}",
                    )
                )
    graph: dict[str, list[str]] = {}
    for k, total in enumerate(data.get("totals", [])):
        at = key_path("totals", k)
        if total["total"] not in periods:
            problems.append(
                Problem(
                    key_path(at, "total"),
                    f"names period {total['total']!a}, which the file does not "
                    f"define{_nearest(total['total'], periods)}",
                )
            )
        seen: set[str] = set()
        for j, name in enumerate(total["parts"]):
            if name not in periods:
                problems.append(
                    Problem(
                        key_path(key_path(at, "parts"), j),
                        f"names period {name!a}, which the file does not "
                        f"define{_nearest(name, periods)}",
                    )
                )
            if name in seen:
                problems.append(
                    Problem(
                        key_path(key_path(at, "parts"), j),
                        f"names period {name!a} twice; a total adds each part once",
                    )
                )
            seen.add(name)
        graph.setdefault(total["total"], []).extend(total["parts"])
    cycle = _cycle(graph)
    if cycle is not None:
        problems.append(
            Problem(
                "totals",
                "the totals form a cycle: "
                + " -> ".join(f"{name!a}" for name in cycle)
                + " (a total cannot be a part of itself, directly or through "
                "other totals)",
            )
        )
    return problems


def _read(data: dict[str, Any], path: str) -> Release:
    validate(data, "release", path)
    raise_problems(_references(data), path)
    try:
        return _Reader(data).release(path)
    except MassBalanceError as err:
        raise type(err)(f"{path}: {err.message}", err.where, err.value) from err


def loads_release(text: str | bytes, *, path: str = "<string>") -> Release:
    """Read a release from TOML text (or UTF-8 bytes).

    Raises
    ------
    ReleaseFormatError
        If the TOML is malformed or the file does not follow the format; the
        message starts with ``path``.
    UnitError
        If a unit is unknown or ambiguous.
    """
    return _read(loads_toml(text, path=path), path)


def read_release(path: str | Path) -> Release:
    """Read the release file at ``path`` (never modified).

    Examples
    --------
    >>> release = read_release("examples/alexco-2012-q1.toml")  # doctest: +SKIP
    >>> sorted(release.periods)  # doctest: +SKIP
    ['2011Q1', '2011Q4', '2012Q1']
    """
    return _read(load_toml(path), str(path))
