"""Flowsheets: nodes joined by streams, their incidence matrix and topology checks.

A node (a flotation cell, a thickener, a whole plant) has input and output
streams. A stream is the output of at most one node and the input of at most
one node; a stream that is the input of no node is a product, one that is the
output of no node is a feed. The node balances are ``incidence @ flows == 0``.

Examples
--------
>>> fs = Flowsheet(
...     {"rougher": (["feed"], ["conc", "tail"])}, elements=["Pb", "Zn"]
... )
>>> fs.streams, fs.feeds, fs.products
(('feed', 'conc', 'tail'), ('feed',), ('conc', 'tail'))
>>> fs.incidence()
array([[ 1., -1., -1.]])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ._typing import FloatArray
from .errors import FlowsheetError

__all__ = ["Flowsheet", "Node", "chain_flowsheet"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_ELEMENT = re.compile(r"^[A-Z][a-z]?[a-z]?$|^[A-Za-z][A-Za-z0-9_]*$")


def _check_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise FlowsheetError(
            f"{what} name {name!r} is not a valid name (letters, digits, '_' or "
            "'-', starting with a letter)",
            str(name),
        )
    return name


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """A unit of the flowsheet: streams in, streams out.

    Attributes
    ----------
    name : str
        Node id, e.g. ``"rougher"``.
    inputs, outputs : tuple of str
        Names of the streams entering and leaving the node.
    """

    name: str  #: node id
    inputs: tuple[str, ...]  #: stream names entering the node
    outputs: tuple[str, ...]  #: stream names leaving the node

    def __post_init__(self) -> None:
        _check_name(self.name, "node")
        object.__setattr__(self, "inputs", tuple(self.inputs))
        object.__setattr__(self, "outputs", tuple(self.outputs))
        if not self.inputs and not self.outputs:
            raise FlowsheetError(
                f"node {self.name!r} has no streams; give it at least one input "
                "and one output",
                self.name,
            )
        if not self.inputs or not self.outputs:
            side = "input" if not self.inputs else "output"
            raise FlowsheetError(
                f"node {self.name!r} has no {side} stream, so its balance forces "
                "every stream to zero; add the missing stream",
                self.name,
            )
        for stream in (*self.inputs, *self.outputs):
            _check_name(stream, "stream")
        both = set(self.inputs) & set(self.outputs)
        if both:
            raise FlowsheetError(
                f"node {self.name!r}: stream(s) {sorted(both)} both enter and leave it",
                self.name,
            )
        for side, names in (("inputs", self.inputs), ("outputs", self.outputs)):
            if len(set(names)) != len(names):
                raise FlowsheetError(
                    f"node {self.name!r} lists a stream twice in its {side}",
                    self.name,
                )


@dataclass(frozen=True, slots=True, eq=False)
class Flowsheet:
    """Nodes joined by streams, and the elements balanced across them.

    Parameters
    ----------
    nodes : mapping or sequence
        Either a mapping ``name -> (inputs, outputs)`` or a sequence of
        :class:`Node`.
    elements : sequence of str, optional
        The elements (or components) balanced at every node, e.g.
        ``["Ag", "Pb", "Zn"]``. Empty for a mass-only (linear) balance.

    Raises
    ------
    FlowsheetError
        If a node has no streams, a stream leaves (or enters) two nodes, a
        name is invalid, or the flowsheet has no node.

    Attributes
    ----------
    nodes : tuple of Node
    elements : tuple of str
    streams : tuple of str
        Every stream, in order of first appearance.
    """

    nodes: tuple[Node, ...]
    elements: tuple[str, ...] = ()
    streams: tuple[str, ...] = field(init=False)
    _source: dict[str, str] = field(init=False, repr=False)
    _target: dict[str, str] = field(init=False, repr=False)

    def __init__(
        self,
        nodes: Mapping[str, tuple[Sequence[str], Sequence[str]]] | Iterable[Node],
        *,
        elements: Sequence[str] = (),
    ) -> None:
        if isinstance(nodes, Mapping):
            built = []
            for name, spec in nodes.items():
                try:
                    ins, outs = spec
                except (TypeError, ValueError) as err:
                    raise FlowsheetError(
                        f"node {name!r}: expected (inputs, outputs), got {spec!r}",
                        str(name),
                    ) from err
                built.append(Node(name=name, inputs=tuple(ins), outputs=tuple(outs)))
            node_tuple = tuple(built)
        else:
            node_tuple = tuple(nodes)
        if not node_tuple:
            raise FlowsheetError("a flowsheet needs at least one node")
        names = [n.name for n in node_tuple]
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise FlowsheetError(f"node name(s) {dup} used twice", dup[0])
        elements = tuple(elements)
        for el in elements:
            if not isinstance(el, str) or not _ELEMENT.match(el) or el == "mass":
                raise FlowsheetError(f"element name {el!r} is not valid", str(el))
        if len(set(elements)) != len(elements):
            raise FlowsheetError(f"an element is listed twice in {list(elements)}")
        source: dict[str, str] = {}
        target: dict[str, str] = {}
        order: dict[str, None] = {}
        for node in node_tuple:
            for s in node.inputs:
                if s in target:
                    raise FlowsheetError(
                        f"stream {s!r} enters two nodes ({target[s]!r} and "
                        f"{node.name!r}); split it with a splitter node",
                        s,
                    )
                target[s] = node.name
                order[s] = None
            for s in node.outputs:
                if s in source:
                    raise FlowsheetError(
                        f"stream {s!r} leaves two nodes ({source[s]!r} and "
                        f"{node.name!r}); join them with a mixer node",
                        s,
                    )
                source[s] = node.name
                order[s] = None
        object.__setattr__(self, "nodes", node_tuple)
        object.__setattr__(self, "elements", elements)
        object.__setattr__(self, "streams", tuple(order))
        object.__setattr__(self, "_source", source)
        object.__setattr__(self, "_target", target)

    @property
    def feeds(self) -> tuple[str, ...]:
        """Streams that enter the flowsheet (the output of no node)."""
        return tuple(s for s in self.streams if s not in self._source)

    @property
    def products(self) -> tuple[str, ...]:
        """Streams that leave the flowsheet (the input of no node)."""
        return tuple(s for s in self.streams if s not in self._target)

    def node(self, name: str) -> Node:
        """Return the node called ``name``.

        Raises
        ------
        FlowsheetError
            If there is no such node.
        """
        for node in self.nodes:
            if node.name == name:
                return node
        raise FlowsheetError(f"unknown node {name!r}", name)

    def stream_index(self, name: str) -> int:
        """Return the column of stream ``name`` in :meth:`incidence`.

        Raises
        ------
        FlowsheetError
            If there is no such stream.
        """
        try:
            return self.streams.index(name)
        except ValueError:
            raise FlowsheetError(
                f"unknown stream {name!r}; the flowsheet has {list(self.streams)}",
                name,
            ) from None

    def incidence(self) -> FloatArray:
        """Return the node-by-stream incidence matrix.

        Returns
        -------
        numpy.ndarray of float64, shape (n_nodes, n_streams)
            +1 where the stream enters the node, -1 where it leaves it, so
            that ``incidence @ flows`` is each node's imbalance (in - out).
        """
        a = np.zeros((len(self.nodes), len(self.streams)))
        for k, node in enumerate(self.nodes):
            for s in node.inputs:
                a[k, self.streams.index(s)] = 1.0
            for s in node.outputs:
                a[k, self.streams.index(s)] = -1.0
        return a

    def overall(self) -> Node:
        """Return the whole flowsheet as one node (feeds in, products out)."""
        return Node(name="overall", inputs=self.feeds, outputs=self.products)


def chain_flowsheet(n: int, elements: Sequence[str] = ("Ag", "Pb", "Zn")) -> Flowsheet:
    """Return ``n`` flotation units in series, each tail feeding the next.

    Unit ``i`` (from 1) takes ``feed`` (i = 1) or ``tail{i-1}`` and gives
    ``conc{i}`` and ``tail{i}``.

    Parameters
    ----------
    n : int
        Number of units, at least 1.
    elements : sequence of str
        Elements balanced.

    Returns
    -------
    Flowsheet

    Examples
    --------
    >>> chain_flowsheet(2).streams
    ('feed', 'conc1', 'tail1', 'conc2', 'tail2')
    """
    if n < 1:
        raise FlowsheetError(f"a chain needs at least one unit, got {n}")
    nodes = {}
    previous = "feed"
    for i in range(1, n + 1):
        nodes[f"unit{i}"] = ([previous], [f"conc{i}", f"tail{i}"])
        previous = f"tail{i}"
    return Flowsheet(nodes, elements=elements)
