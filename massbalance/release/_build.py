"""Turn a release into a constraint problem: variables, relations and figure bounds.

Every true quantity is a variable in canonical units (t, mass fraction, day)
within physical bounds: masses >= 0, grades in [0, 1]. Every relation of
the release format is an expression node (contained = sum of mass x
grade, recovery = metal out / metal in, throughput = mass / days, change =
ratio - 1, ...) or an equality (balance, total). A printed figure is a bound
on one node: its rounding interval, converted to canonical units.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pint

from ..errors import AssayError, ReleaseFormatError
from ..figures import Figure
from ..intervals import Bound, Graph
from ..units import conversion_factor, parse_unit, ureg
from ._model import Equivalent, MetalFigure, Period, Release

__all__ = ["Binding", "Derived", "Problem", "Relation", "build_problem"]

_INF = math.inf
_PRECIOUS = {"Ag", "Au", "Pt", "Pd", "Rh"}

CANONICAL: dict[str, pint.Unit] = {
    "mass": ureg.tonne,
    "wet_mass": ureg.tonne,
    "grade": ureg.dimensionless,
    "moisture": ureg.dimensionless,
    "recovery": ureg.dimensionless,
    "contained": ureg.tonne,
    "equivalent": ureg.tonne,
    "throughput": ureg.tonne / ureg.day,
    "days": ureg.day,
    "change": ureg.dimensionless,
    "price": 1 / ureg.tonne,
    "ratio": ureg.dimensionless,
}
"""The canonical unit of each kind of figure."""

_FRACTIONS = {"grade", "moisture", "recovery"}
_NONNEGATIVE = {"mass", "wet_mass", "contained", "equivalent", "throughput", "days"}
_EXTENSIVE = {"mass", "wet_mass", "contained", "equivalent", "throughput"}
"""Kinds printed at an attributable share: the printed figure is the share
times the 100 % quantity."""


@dataclass(frozen=True, slots=True)
class Binding:
    """A printed figure bound to the node of the quantity it prints."""

    figure: Figure
    node: int
    kind: str
    canonical: pint.Unit
    factor: float  #: canonical units per printed unit


@dataclass(frozen=True, slots=True)
class Relation:
    """One relation between figures, for reports."""

    id: str
    kind: str
    nodes: tuple[int, ...]
    figures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Derived:
    """An unprinted quantity whose implied range the report gives."""

    id: str
    node: int
    unit_label: str
    factor: float  #: canonical units per display unit


@dataclass(slots=True)
class Problem:
    """The constraint problem of a release."""

    graph: Graph
    bindings: dict[str, Binding] = field(default_factory=dict)
    structural: list[Bound] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    derived: list[Derived] = field(default_factory=list)
    node_of: dict[str, int] = field(default_factory=dict)
    nil: list[tuple[Figure, str]] = field(default_factory=list)
    """Empty table cells and the kind of figure each stands in for."""


def _printed(figures: Iterable[Figure]) -> tuple[Figure, ...]:
    """The figures that print a number (not an empty table cell)."""
    return tuple(f for f in figures if not f.nil)


def _display_units(release: Release) -> tuple[dict[str, str], dict[str, str]]:
    """Grade and contained-metal display units per element, as the release prints them."""
    grade_units: dict[str, str] = {}
    metal_units: dict[str, str] = {}
    for period in release.periods.values():
        for stream in period.streams.values():
            for element, printings in stream.grades.items():
                printed = _printed(printings)
                if printed:
                    grade_units.setdefault(element, printed[0].unit_label)
        for metal in period.contained:
            printed = _printed(metal.figures)
            if printed:
                metal_units.setdefault(metal.element, printed[0].unit_label)
    return grade_units, metal_units


class _Builder:
    def __init__(self, release: Release) -> None:
        self.release = release
        self.graph = Graph()
        self.problem = Problem(self.graph)
        self.grade_units, self.metal_units = _display_units(release)
        self.mass_unit = next(
            (
                _printed(stream.mass)[0].unit_label
                for period in release.periods.values()
                for stream in period.streams.values()
                if _printed(stream.mass)
            ),
            "t",
        )
        self.tails: dict[tuple[str, str], tuple[str, list[str]]] = {}
        self.bound_nodes: set[int] = set()
        self.parts: dict[str, tuple[str, ...]] = {
            t.total: t.parts for t in release.totals
        }

    # ------------------------------------------------------------- helpers
    # A stream's mass and grade are variables (its metal their product),
    # except in two cases where they are expressions, so that the problem
    # has no equalities:
    # the tail of a balanced period (feed minus products) and every stream of
    # a total period (sum over its parts).
    def mass(self, period: str, stream: str) -> int:
        key = (period, stream)
        if key in self.tails:
            feed, products = self.tails[key]
            terms = [(1.0, self.mass(period, feed))]
            terms += [(-1.0, self.mass(period, s)) for s in products]
            return self.graph.sum(terms)
        if period in self.parts:
            total = self.graph.sum(
                [(1.0, self.mass(q, stream)) for q in self.parts[period]]
            )
            return self.graph.restrict(total, 0.0, _INF)
        return self.graph.var(f"{period}.mass.{stream}", 0.0, _INF)

    def stream_metal(self, period: str, stream: str, element: str) -> int:
        key = (period, stream)
        g = self.graph
        if key in self.tails:
            feed, products = self.tails[key]
            terms = [(1.0, self.stream_metal(period, feed, element))]
            terms += [(-1.0, self.stream_metal(period, s, element)) for s in products]
            return g.sum(terms)
        if period in self.parts:
            return g.sum(
                [
                    (1.0, self.stream_metal(q, stream, element))
                    for q in self.parts[period]
                ]
            )
        return g.mul(self.mass(period, stream), self.grade(period, stream, element))

    def grade(self, period: str, stream: str, element: str) -> int:
        if (period, stream) in self.tails or period in self.parts:
            ratio = self.graph.div(
                self.stream_metal(period, stream, element), self.mass(period, stream)
            )
            return self.graph.restrict(ratio, 0.0, 1.0)
        return self.graph.var(f"{period}.grade.{stream}.{element}", 0.0, 1.0)

    def metal(self, period: str, streams: Iterable[str], element: str) -> int:
        """Metal in ``streams``; ``element`` may be a sum such as ``"Pb+Zn"``."""
        streams = list(streams)
        return self.graph.sum(
            [
                (1.0, self.stream_metal(period, s, part))
                for part in element.split("+")
                for s in streams
            ]
        )

    def bind(self, figures: Iterable[Figure], node: int, kind: str, key: str) -> None:
        canonical = CANONICAL[kind]
        printings = list(_printed(figures))
        self.problem.nil.extend((f, kind) for f in figures if f.nil)
        for figure in printings:
            factor = figure.factor(canonical)  # raises UnitError naming the figure
            if kind in _EXTENSIVE and figure.share != 1:
                factor /= float(figure.share)  # printed = share x the 100 % quantity
            value = float(figure.number) * factor
            if kind in _NONNEGATIVE and figure.number < 0:
                raise ReleaseFormatError(
                    f"{figure.id}: {figure.text!r} is negative; a {kind.replace('_', ' ')} "
                    "cannot be",
                    figure.id,
                    figure.text,
                )
            if kind in _FRACTIONS and not 0.0 <= value <= 1.0:
                cls = AssayError if kind == "grade" else ReleaseFormatError
                raise cls(
                    f"{figure.id}: {figure.text!r} is outside 0-100 %",
                    figure.id,
                    figure.text,
                )
            if figure.id in self.problem.bindings:
                raise ReleaseFormatError(
                    f"{figure.id}: two figures have this id; give one an explicit id",
                    figure.id,
                    figure.text,
                )
            self.problem.bindings[figure.id] = Binding(
                figure, node, kind, canonical, factor
            )
            self.bound_nodes.add(node)
        self.problem.node_of.setdefault(key, node)
        if len(printings) > 1:
            self.relation(f"{printings[0].id}.also", "duplicate", [node])

    def relation(self, rid: str, kind: str, nodes: Iterable[int]) -> None:
        self.problem.relations.append(Relation(rid, kind, tuple(dict.fromkeys(nodes))))

    def derive(
        self, rid: str, node: int, kind: str, element: str | None = None
    ) -> None:
        if node in self.bound_nodes:
            return
        if kind == "mass":  # in the unit the release prints its masses in
            label = self.mass_unit
        elif kind in ("recovery",):
            label = "%"
        elif kind == "grade":
            assert element is not None
            label = self.grade_units.get(
                element, "g/t" if element in _PRECIOUS else "%"
            )
        else:
            assert element is not None
            label = self.metal_units.get(element, "oz" if element in _PRECIOUS else "t")
        factor = conversion_factor(
            parse_unit(label, pins=self.release.units), CANONICAL[kind]
        )
        self.problem.derived.append(Derived(rid, node, label, factor))

    # -------------------------------------------------------------- periods
    def period(self, period: Period) -> None:
        g, p = self.graph, period.id
        elements: list[str] = []
        for stream in period.streams.values():
            elements.extend(stream.grades)
        for metal in (*period.recoveries, *period.contained):
            elements.extend(metal.element.split("+"))
        for equivalent in period.equivalents:
            elements.extend(equivalent.prices)
            elements.extend(equivalent.ratios)
            elements.append(equivalent.base)
        elements = list(dict.fromkeys(elements))

        products = [s.name for s in period.streams.values() if s.role == "product"]
        if products and period.balance and period.id not in self.parts:
            tails = [s.name for s in period.streams.values() if s.role == "tail"]
            self.tails[(p, tails[0] if tails else "tail")] = (period.feed, products)

        if period.days is not None:
            days = g.const(float(period.days))
        else:
            days = g.var(f"{p}.days", 0.0, _INF)
            if period.days_figures:
                self.bind(period.days_figures, days, "days", "days")

        for stream in period.streams.values():
            m = self.mass(p, stream.name)
            if stream.mass:
                self.bind(stream.mass, m, "mass", f"mass.{stream.name}")
            for element, printings in stream.grades.items():
                node = self.grade(p, stream.name, element)
                self.bind(printings, node, "grade", f"grade.{stream.name}.{element}")
            if _printed(stream.wet_mass) and not _printed(stream.moisture):
                # no moisture printed: the wet mass still bounds the dry mass
                wet = g.var(f"{p}.wet_mass.{stream.name}", 0.0, _INF)
                self.bind(stream.wet_mass, wet, "wet_mass", f"wet_mass.{stream.name}")
                self.problem.structural.append(
                    Bound(
                        g.sum([(1.0, wet), (-1.0, m)]),
                        0.0,
                        _INF,
                        f"{p}.moisture.{stream.name}",
                    )
                )
                self.relation(f"{p}.moisture.{stream.name}", "moisture", [wet, m])
            elif stream.wet_mass or stream.moisture:
                moisture = g.var(f"{p}.moisture.{stream.name}", 0.0, 1.0)
                wet = g.div(m, g.sum([(-1.0, moisture)], 1.0))
                if stream.moisture:
                    self.bind(
                        stream.moisture, moisture, "moisture", f"moisture.{stream.name}"
                    )
                if stream.wet_mass:
                    self.bind(
                        stream.wet_mass, wet, "wet_mass", f"wet_mass.{stream.name}"
                    )
                self.relation(
                    f"{p}.moisture.{stream.name}", "moisture", [wet, m, moisture]
                )

        feed = period.feed
        m_feed = self.mass(p, feed)
        for metal in period.contained:
            node = self.metal(p, metal.streams, metal.element)
            self.bind(metal.figures, node, "contained", metal.key)
            operands = [node]
            for s in metal.streams:
                operands.append(self.mass(p, s))
                operands += [self.grade(p, s, e) for e in metal.element.split("+")]
            self._declared(p, metal, node, "contained", operands)
        for metal in period.recoveries:
            out = self.metal(p, metal.streams, metal.element)
            into = self.stream_metal(p, feed, metal.element)
            node = g.restrict(g.div(out, into), 0.0, 1.0)
            self.bind(metal.figures, node, "recovery", metal.key)
            operands = [node, out, m_feed, self.grade(p, feed, metal.element)]
            for s in metal.streams:
                operands += [self.mass(p, s), self.grade(p, s, metal.element)]
            self._declared(p, metal, node, "recovery", operands)
        if _printed(period.throughput):
            node = g.div(m_feed, days)
            self.bind(period.throughput, node, "throughput", "throughput")
            self.relation(period.throughput[0].id, "throughput", [node, m_feed, days])
        else:
            self.problem.nil.extend((f, "throughput") for f in period.throughput)
        for equivalent in period.equivalents:
            self._equivalent(period, equivalent)
        self._balance(period, elements)

    def _equivalent(self, period: Period, equivalent: Equivalent) -> None:
        """Base metal + sum of other metal x its price / the base price, or x
        its ratio to the base; prices and ratios are figures of their own."""
        g, p, name = self.graph, period.id, equivalent.name

        def printed_var(figure: Figure, kind: str) -> int:
            var = g.var(figure.id, 0.0, _INF)
            self.bind([figure], var, kind, figure.id.removeprefix(f"{p}."))
            return var

        base_price = None
        if equivalent.base in equivalent.prices:
            base_price = printed_var(equivalent.prices[equivalent.base], "price")
        terms, metals = [], []
        parts = [equivalent.base, *equivalent.prices, *equivalent.ratios]
        for element in dict.fromkeys(parts):
            metal_node = self.metal(p, self._metal_streams(period, element), element)
            metals.append(metal_node)
            if element == equivalent.base:
                terms.append((1.0, metal_node))
            elif element in equivalent.ratios:
                ratio = printed_var(equivalent.ratios[element], "ratio")
                terms.append((1.0, g.mul(metal_node, ratio)))
            else:
                assert base_price is not None
                price = printed_var(equivalent.prices[element], "price")
                terms.append((1.0, g.div(g.mul(metal_node, price), base_price)))
        node = g.sum(terms)
        self.bind(equivalent.figures, node, "equivalent", f"equivalent.{name}")
        printed = _printed(equivalent.figures)
        if printed:
            operands = [node, *metals]
            operands += [
                self.problem.bindings[f.id].node for f in equivalent.prices.values()
            ]
            operands += [
                self.problem.bindings[f.id].node for f in equivalent.ratios.values()
            ]
            self.relation(printed[0].id, "equivalent", operands)

    def _declared(
        self, p: str, metal: MetalFigure, node: int, kind: str, operands: list[int]
    ) -> None:
        """A printed metal figure's relation, or an unprinted one's derived range."""
        if _printed(metal.figures):
            self.relation(_printed(metal.figures)[0].id, kind, operands)
        else:
            self.derive(f"{p}.{metal.key}", node, kind, metal.element)

    def _metal_streams(self, period: Period, element: str) -> tuple[str, ...]:
        for metal in period.contained:
            if metal.element == element:
                return metal.streams
        return tuple(s.name for s in period.streams.values() if s.role == "product")

    def _balance(self, period: Period, elements: list[str]) -> None:
        """Products hold no more mass or metal than the feed; tail grades in [0, 1]."""
        g, p = self.graph, period.id
        tail = next((t for (q, t) in self.tails if q == p), None)
        if tail is None:
            return
        feed, products = self.tails[(p, tail)]
        rid = f"{p}.balance"
        structural = self.problem.structural
        tail_mass = self.mass(p, tail)
        structural.append(Bound(tail_mass, 0.0, _INF, rid))
        # the tail's own printed mass and grades (a reported tail) are
        # figures of this relation too
        operands = [self.mass(p, s) for s in [*products, feed, tail]]
        tail_metals = []
        for element in elements:
            metal = self.stream_metal(p, tail, element)
            tail_metals.append(metal)
            structural.append(Bound(metal, 0.0, _INF, f"{rid}.{element}"))
            operands += [self.grade(p, s, element) for s in [*products, feed, tail]]
        if tail_metals:
            room = g.sum([(1.0, tail_mass)] + [(-1.0, m) for m in tail_metals])
            structural.append(Bound(room, 0.0, _INF, f"{rid}.{tail}"))
        for s in [*products, feed]:
            if len(elements) > 1:
                total = g.sum([(1.0, self.grade(p, s, e)) for e in elements])
                structural.append(Bound(total, -_INF, 1.0, f"{rid}.{s}"))
        self.relation(rid, "balance", operands)
        # unprinted quantities the report gives ranges for
        for s in products:
            self.derive(f"{p}.mass.{s}", self.mass(p, s), "mass")
        self.derive(f"{p}.mass.{tail}", tail_mass, "mass")
        for element in elements:
            for s in [*products, tail]:
                self.derive(
                    f"{p}.grade.{s}.{element}",
                    self.grade(p, s, element),
                    "grade",
                    element,
                )
            feed_metal = self.stream_metal(p, feed, element)
            for s in products:
                metal = self.stream_metal(p, s, element)
                self.derive(f"{p}.contained.{element}.{s}", metal, "contained", element)
                recovery = g.restrict(g.div(metal, feed_metal), 0.0, 1.0)
                self.derive(f"{p}.recovery.{element}.{s}", recovery, "recovery")

    # ------------------------------------------------------- across periods
    def totals(self) -> None:
        """A total's streams are sums over its parts (built into mass() and metal())."""
        for total in self.release.totals:
            t = self.release.periods[total.total]
            operands: list[int] = []
            elements = {m.element for m in (*t.recoveries, *t.contained)}
            for stream in t.streams.values():
                for q in (total.total, *total.parts):
                    operands.append(self.mass(q, stream.name))
                    for element in sorted(elements | set(stream.grades)):
                        operands.append(self.grade(q, stream.name, element))
                        operands.append(self.stream_metal(q, stream.name, element))
            self.relation(f"total.{total.total}", "total", operands)

    def changes(self) -> None:
        g = self.graph
        for change in self.release.changes:
            nodes = []
            for period in (change.to_period, change.from_period):
                key = f"{period}.{change.figure}"
                node = self.problem.node_of.get(key)
                if node is None:
                    node = self._unprinted(period, change.figure)
                if node is None:
                    raise ReleaseFormatError(
                        f"{change.figures[0].id}: period {period!r} has no figure "
                        f"{change.figure!r} to compare (an unprinted one can be "
                        "named as mass.<stream>, grade.<stream>.<El> or "
                        "contained.<El>.<stream>[+<stream>...])",
                        change.figures[0].id,
                        change.figure,
                    )
                nodes.append(node)
            ratio = g.div(nodes[0], nodes[1])
            node = g.sum([(1.0, ratio)], -1.0)
            self.bind(change.figures, node, "change", change.figures[0].id)
            self.relation(change.figures[0].id, "change", [node, *nodes])

    def _unprinted(self, period: str, figure: str) -> int | None:
        """The node of a quantity a change names but the period does not print.

        ``mass.<stream>``, ``grade.<stream>.<El>`` and
        ``contained.<El>.<stream>[+<stream>...]`` are understood; the
        quantity is free within physical bounds and its range is derived.
        """
        parts = figure.split(".")
        node: int | None = None
        kind, element = "", None
        if len(parts) == 2 and parts[0] == "mass":
            node, kind = self.mass(period, parts[1]), "mass"
        elif len(parts) == 3 and parts[0] == "grade":
            element = parts[2]
            node, kind = self.grade(period, parts[1], element), "grade"
        elif len(parts) == 3 and parts[0] == "contained":
            element = parts[1]
            node = self.metal(period, parts[2].split("+"), element)
            kind = "contained"
        if node is None:
            return None
        self.problem.node_of[f"{period}.{figure}"] = node
        self.derive(f"{period}.{figure}", node, kind, element)
        return node


def build_problem(release: Release) -> Problem:
    """Build the constraint problem of ``release``.

    Raises
    ------
    ReleaseFormatError, AssayError, UnitError
        If a figure is of the wrong kind of unit, out of its physical range,
        or refers to a period or figure that does not exist.
    """
    builder = _Builder(release)
    for period in release.periods.values():
        before = dict(builder.problem.node_of)
        builder.problem.node_of.clear()
        builder.period(period)
        prefixed = {f"{period.id}.{k}": v for k, v in builder.problem.node_of.items()}
        builder.problem.node_of = {**before, **prefixed}
    builder.totals()
    builder.changes()
    problem = builder.problem
    by_node: dict[int, list[str]] = {}
    for fid, binding in problem.bindings.items():
        by_node.setdefault(binding.node, []).append(fid)
    problem.relations = [
        Relation(
            r.id,
            r.kind,
            r.nodes,
            tuple(f for n in r.nodes for f in by_node.get(n, [])),
        )
        for r in problem.relations
    ]
    return problem
