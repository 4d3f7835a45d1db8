"""Read a release file (TOML; see ``massbalance help release-format``) into a :class:`Release`.

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
from ..units import (
    NUMBER_FORMATS,
    NumberFormatError,
    number_readings,
    parse_printed,
    pin_unit,
    ureg,
)
from ._limits import check_number
from ._loader import load_toml, loads_toml
from ._schema import Problem, key_path, raise_problems, validate

__all__ = ["loads_release", "read_release"]

_ELEMENT = re.compile(r"^[A-Z][a-z]?$")
_ELEMENT_SUM = re.compile(r"^[A-Z][a-z]?(?:\+[A-Z][a-z]?)+$")
_NIL_PERCENT = re.compile(
    r"^\(?\s*(?:-|\u2013|\u2014|nil)\s*\)?\s*(?:%|percent)$", re.I
)
_TAIL_NAMES = {"tail", "tails", "tailing", "tailings"}
_STREAM_KEYS = {"mass", "wet_mass", "moisture", "role"}
_PERIOD_KEYS = {
    "start", "end", "days", "day_count", "feed", "throughput", "balance",
    "streams", "recovery", "contained", "equivalent", "share",
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
        self.numbers = _numbers_setting(head)
        self.share = Decimal(1)  # the period's attributable share, while reading it
        _check_pins(self.pins)

    # --------------------------------------------------------------- figures
    def figures(
        self, fid: str, spec: Any, *, extra: frozenset[str] = frozenset()
    ) -> tuple[tuple[Figure, ...], dict[str, Any]]:
        """Read ``"21,251 t"`` or ``{value=..., also=[...], step=..., id=...}``."""
        if isinstance(spec, str):
            return (self.parse(fid, spec),), {}
        if not isinstance(spec, dict):
            raise _fail(
                fid, 'expected a printed value in quotes, such as "21,251 t"', spec
            )
        unknown = set(spec) - {"value", "also", "step", "id", "share"} - extra
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
        share = _share(f"{main_id}.share", spec["share"]) if "share" in spec else None
        figures = [self.parse(main_id, value, step=step, share=share)]
        also = spec.get("also", [])
        if not isinstance(also, list):
            raise _fail(f"{main_id}.also", "must be a list of printed values", also)
        for k, entry in enumerate(also, start=1):
            figures.append(self.also(f"{main_id}.also{k}", entry, share=share))
        rest = {k: v for k, v in spec.items() if k in extra}
        return tuple(figures), rest

    def parse(
        self,
        fid: str,
        text: str,
        *,
        step: str | None = None,
        share: Decimal | None = None,
    ) -> Figure:
        """One printing, under the release's number format and attributable share."""
        figure = _sane(
            Figure.parse(fid, text, step=step, pins=self.pins, numbers=self.numbers)
        )
        the_share = self.share if share is None else share
        if the_share != 1:
            figure = dataclasses.replace(figure, share=the_share)
        return figure

    def also(self, fid: str, entry: Any, *, share: Decimal | None) -> Figure:
        """An ``also`` printing: ``"4.5 million lb"`` or ``{ value = ..., step = ... }``."""
        if isinstance(entry, str):
            return self.parse(fid, entry, share=share)
        if isinstance(entry, dict):
            unknown = set(entry) - {"value", "step", "share"}
            if unknown:
                raise _fail(fid, f"unknown key {sorted(unknown)[0]!r}", entry)
            value, step = entry.get("value"), entry.get("step")
            if "share" in entry:
                share = _share(f"{fid}.share", entry["share"])
            if isinstance(value, str) and (step is None or isinstance(step, str)):
                return self.parse(fid, value, step=step, share=share)
        raise _fail(
            fid, 'expected a printed value or { value = "...", step = "..." }', entry
        )

    # --------------------------------------------------------------- periods
    def period(self, pid: str, spec: Any) -> Period:
        if not isinstance(spec, dict):
            raise _fail(f"periods.{pid}", "must be a table", spec)
        unknown = set(spec) - _PERIOD_KEYS
        if unknown:
            raise _fail(f"periods.{pid}", f"unknown key {sorted(unknown)[0]!r}", spec)
        self.share = (
            _share(f"periods.{pid}.share", spec["share"])
            if "share" in spec
            else Decimal(1)
        )
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
            if figure.number == 0 and not figure.nil:
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
                if figure.number == 0 and not figure.nil:
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
            if not _ELEMENT.match(element) and not (
                kind == "contained" and _ELEMENT_SUM.match(element)
            ):
                raise _fail(
                    where,
                    "is not a chemical symbol (Ag, Pb, Zn...)"
                    + (" or a sum of them (Pb+Zn)" if kind == "contained" else ""),
                    element,
                )
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
        fid = f"{pid}.equivalent.{name}"
        if not isinstance(body, dict):
            raise _fail(where, "must be a table", body)
        prices_spec = body.get("prices", {})
        ratios_spec = body.get("ratio", {})
        if (
            not isinstance(prices_spec, dict)
            or not isinstance(ratios_spec, dict)
            or not (prices_spec or ratios_spec)
        ):
            raise _fail(
                f"{where}.prices",
                'needs prices = { Ag = "29 USD/oz", ... } or ratio = { Au = "55" }',
                body,
            )
        prices = {
            element: self.price(f"{fid}.price.{element}", text)
            for element, text in prices_spec.items()
        }
        ratios = {
            element: _ratio(f"{fid}.ratio.{element}", text, self.numbers)
            for element, text in ratios_spec.items()
        }
        base = body.get("base", name.removesuffix("Eq").removesuffix("eq"))
        if prices and base not in prices:
            raise _fail(f"{where}.base", "must be an element with a price", base)
        if not _ELEMENT.match(str(base)) or base in ratios:
            raise _fail(f"{where}.base", "must be the element it is expressed in", base)
        overlap = set(prices) & set(ratios)
        if overlap:
            raise _fail(
                f"{where}.ratio", "names an element that also has a price", overlap
            )
        figures, _ = self.figures(
            fid, body, extra=frozenset({"prices", "base", "ratio"})
        )
        return Equivalent(name, base, prices, figures, ratios)

    def price(self, fid: str, text: Any) -> Figure:
        """A price per unit of metal (one currency), a figure of its own."""
        if not isinstance(text, str):
            raise _fail(fid, 'expected a price such as "29 USD/oz"', text)
        bare = " ".join(_CURRENCY.sub(" ", text).split())
        number, _, unit = bare.partition("/")
        if not unit:
            number, _, unit = bare.partition(" per ")
        printed = parse_printed(
            f"{number.strip()} {unit.strip()}",
            pins=self.pins,
            where=fid,
            numbers=self.numbers,
        )
        if not printed.unit.is_compatible_with(ureg.tonne):
            raise _fail(fid, "must be a price per unit of metal mass", text)
        if printed.number <= 0:
            raise _fail(fid, "must be a positive price per unit of metal", text)
        exponent = printed.number.as_tuple().exponent
        assert isinstance(exponent, int)
        price = Figure(
            id=fid,
            text=text,
            number=printed.number,
            unit_label=text[text.find(number.strip()) + len(number.strip()) :].strip()
            if number.strip() in text
            else printed.unit_label,
            unit=1 / printed.unit,
            step=Decimal(1).scaleb(exponent),
        )
        return _sane(price)

    # --------------------------------------------------------------- release
    def release(self, path: str) -> Release:
        periods_spec = self.data.get("periods")
        if not isinstance(periods_spec, dict) or not periods_spec:
            raise _fail(
                "periods", "the file defines no [periods.<id>] table", periods_spec
            )
        periods = {pid: self.period(pid, spec) for pid, spec in periods_spec.items()}
        self.share = Decimal(1)  # changes are ratios: a share cancels out
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
                fid, _nil_change(spec), extra=frozenset({"figure", "from", "to"})
            )
            figures = tuple(
                dataclasses.replace(f, text=spec["value"])
                if k == 0 and f.text != spec["value"]
                else f
                for k, f in enumerate(figures)
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
            if "prices" in body and base not in body["prices"]:
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
    except NumberFormatError as err:
        message = _number_conflict(data, err) or err.message
        raise ReleaseFormatError(f"{path}: {message}", err.where, err.value) from err
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


# ----------------------------------------------------------- new printings
def _check_pins(pins: Mapping[str, str]) -> None:
    """Read every ``[release.units]`` pin by the safe grammar, used or not."""
    for spelling, expression in pins.items():
        pin_unit(expression, where=f"release.units.{spelling}", spelling=spelling)


def _numbers_setting(head: Mapping[str, Any]) -> str:
    """``[release] numbers``: how the release groups thousands and marks decimals."""
    numbers = head.get("numbers", NUMBER_FORMATS[0])
    if numbers not in NUMBER_FORMATS:
        raise _fail(
            "release.numbers",
            "must be one of " + ", ".join(f'"{f}"' for f in NUMBER_FORMATS),
            numbers,
        )
    return str(numbers)


def _share(where: str, text: Any) -> Decimal:
    """An attributable share such as ``"75%"``, as a fraction in (0, 1]."""
    if isinstance(text, str):
        try:
            printed = parse_printed(text, where=where)
        except MassBalanceError:
            printed = None
        if printed is not None and printed.unit == ureg.percent:
            share = printed.number / 100
            if 0 < share <= 1:
                return share
    raise _fail(
        where, 'must be a share such as "75%" (more than 0, at most 100 %)', text
    )


def _ratio(fid: str, text: Any, numbers: str) -> Figure:
    """An equivalence ratio such as ``"55"`` (one unit of the metal counts as 55
    of the base metal), a figure of its own."""
    if not isinstance(text, str):
        raise _fail(fid, 'expected a printed ratio in quotes, such as "55"', text)
    body = text.strip()
    if body.endswith(":1"):
        body = body[:-2]
    figure = _sane(Figure.parse(fid, body, numbers=numbers))
    if figure.nil or figure.unit != ureg.dimensionless or figure.number <= 0:
        raise _fail(fid, 'must be a positive number such as "55" or "55:1"', text)
    return dataclasses.replace(figure, text=text)


def _nil_change(spec: dict[str, Any]) -> dict[str, Any]:
    """A change printed as ``"- %"`` or ``"nil %"`` rounds to 0 %: read it so."""
    value = spec.get("value")
    if isinstance(value, str) and _NIL_PERCENT.match(value.strip()):
        return {**spec, "value": "0 %"}
    return spec


def _strings(data: Any, path: str = "") -> list[tuple[str, str]]:
    """Every (key path, string) of the file's periods and changes."""
    if isinstance(data, str):
        return [(path, data)]
    if isinstance(data, dict):
        return [
            item
            for key, value in data.items()
            if path or key in ("periods", "changes", "totals")
            for item in _strings(value, f"{path}.{key}" if path else str(key))
        ]
    if isinstance(data, list):
        return [
            item
            for k, value in enumerate(data)
            for item in _strings(value, f"{path}[{k}]")
        ]
    return []


def _number_conflict(data: Mapping[str, Any], err: NumberFormatError) -> str | None:
    """When the refused figure would read under another format, name a figure
    of the file that no such format reads, or that it reads as another number."""
    declared = _numbers_setting(data.get("release", {}) or {})
    wanted = set(err.readable_under)
    if not wanted:
        return None
    for where, text in _strings(data):
        if text == err.value or not any(ch.isdigit() for ch in text):
            continue
        readings = number_readings(text)
        if not readings:
            continue
        if not wanted & set(readings):
            return (
                f"{err.message}; but {where} = {text!r} reads only under "
                + " or ".join(f'numbers = "{f}"' for f in readings)
                + ": the file mixes number formats, and no one setting reads both"
            )
        if declared in readings:
            changed = [
                f for f in wanted & set(readings) if readings[f] != readings[declared]
            ]
            if changed:
                return (
                    f"{err.message}; but then {where} = {text!r}, read as "
                    f"{readings[declared]} now, would be {readings[changed[0]]} under "
                    f'numbers = "{changed[0]}": the file mixes number formats; '
                    "check which the table uses and set [release] numbers"
                )
    return None
