"""Point values and Jacobians of graph nodes as generated straight-line Python (private).

The witness search and the cost solver evaluate the same expressions hundreds
of times per check. Walking the graph node by node through dictionaries costs
far more than the arithmetic itself, so :class:`Kernel` writes the arithmetic
out once, as the body of two Python functions, and compiles them:

- ``values(x)``: the values of the chosen output nodes, given the variables;
- ``both(x)``: the values and the non-zero partial derivatives of those
  outputs, in forward mode with the sparsity worked out when the code is
  written.

The values are bit for bit those of :meth:`massbalance.intervals.Graph.evaluate`
(the same operations in the same order: a sum is added up left to right from
``0.0`` in both, never with the built-in ``sum``, which is compensated from
Python 3.12), so a witness found with a kernel verifies exactly as it did.

The generated source is registered with :mod:`linecache` under a file name of
its own (as attrs does for the methods it writes, ``_linecache_and_compile``
in ``attr/_make.py``), so tracebacks and pdb show the kernel's lines.
"""

from __future__ import annotations

import functools
import hashlib
import linecache
import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from ..intervals import Graph, Op

__all__ = ["Kernel"]

_Floats = npt.NDArray[np.float64]

_LINECACHE_LIMIT = 256  #: kernel sources kept in linecache at most
_registered: OrderedDict[str, None] = OrderedDict()


def _literal(x: float) -> str:
    if math.isfinite(x):
        return repr(float(x))
    return "_inf" if x > 0 else "(-_inf)" if x < 0 else "_nan"


class Kernel:
    """Compiled values and Jacobian of ``outputs`` as functions of their variables.

    Parameters
    ----------
    graph : Graph
    outputs : iterable of int
        The nodes whose values and gradients are wanted.

    Attributes
    ----------
    variables : list of int
        The variable nodes the outputs depend on, in the order ``x`` takes them.
    outputs : list of int
        The output nodes, in the order of the rows.
    row : dict of int to int
        Output node -> row; ``column`` likewise for variables.
    """

    def __init__(self, graph: Graph, outputs: Iterable[int]) -> None:
        self.outputs = sorted(set(outputs))
        nodes = graph.subtree(self.outputs)
        kind = graph.kind
        self.variables = [n for n in nodes if kind[n] == Op.VAR]
        self.row = {n: r for r, n in enumerate(self.outputs)}
        self.column = {v: c for c, v in enumerate(self.variables)}
        self._values_source, both, rows, cols = _generate(
            graph, nodes, self.outputs, self.variables
        )
        self._both: Callable[[Sequence[float]], tuple[list[float], list[float]]]
        self._both = _compile(both, "both")  # type: ignore[assignment]
        self._values: Callable[[Sequence[float]], list[float]] | None = None
        self.pattern_rows = np.array(rows, dtype=np.intp)
        self.pattern_cols = np.array(cols, dtype=np.intp)

    def values(self, x: Sequence[float]) -> list[float]:
        """Values of the outputs (in row order) at variables ``x``."""
        if self._values is None:  # compiled when first wanted
            self._values = _compile(self._values_source, "values")  # type: ignore[assignment]
        return self._values(x)  # type: ignore[misc]

    def values_and_entries(self, x: Sequence[float]) -> tuple[list[float], list[float]]:
        """The outputs' values and the non-zero entries of their Jacobian, in
        the order of ``pattern_rows`` and ``pattern_cols``."""
        return self._both(x)

    def jacobian(self, x: Sequence[float]) -> _Floats:
        """The dense Jacobian (outputs x variables) at variables ``x``."""
        out = np.zeros((len(self.outputs), len(self.variables)))
        out[self.pattern_rows, self.pattern_cols] = self._both(x)[1]
        return out


@functools.lru_cache(maxsize=64)
def _compile(source: str, name: str) -> Callable[..., object]:
    """Compile the function ``name`` that ``source`` defines.

    Remembered by source, as :mod:`re` remembers patterns: checking the same
    release again (another rounding convention, a script's loop) writes the
    same source and skips Python's compiler, which costs more than the rest
    of a kernel.
    """
    namespace: dict[str, object] = {
        "_inf": math.inf,
        "_nan": math.nan,
        "_copysign": math.copysign,
    }
    filename = _register(source, name)
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]  # type: ignore[return-value]


def _register(source: str, name: str) -> str:
    """Put ``source`` in :mod:`linecache` under a name of its own; return the name.

    The name carries a digest of the source, so one name is one source; the
    oldest of more than ``_LINECACHE_LIMIT`` sources are dropped again.
    """
    digest = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()[:16]
    filename = f"<massbalance kernel {name} {digest}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    _registered[filename] = None
    _registered.move_to_end(filename)
    while len(_registered) > _LINECACHE_LIMIT:
        old, _ = _registered.popitem(last=False)
        linecache.cache.pop(old, None)
    return filename


def _generate(
    graph: Graph, nodes: list[int], outputs: list[int], variables: list[int]
) -> tuple[str, str, list[int], list[int]]:
    """Write the two functions; return their sources and the Jacobian pattern."""
    kind, args, coef, offset = graph.kind, graph.args, graph.coef, graph.offset
    column = {v: c for c, v in enumerate(variables)}
    head = [f"    v{v} = x[{c}]" for c, v in enumerate(variables)]
    body: list[str] = []
    for n in nodes:
        k = kind[n]
        if k == Op.VAR:
            continue
        if k == Op.CONST:
            body.append(f"    v{n} = {_literal(offset[n])}")
        elif k == Op.SUM:
            # as Graph.evaluate: offset + sum(c * child), summed left to right
            terms = [
                f"v{a}"
                if c == 1.0
                else f"(-v{a})"
                if c == -1.0
                else f"{_literal(c)} * v{a}"
                for c, a in zip(coef[n], args[n], strict=True)
            ]
            body.append(  # an empty sum is 0.0, as in Graph.evaluate
                f"    v{n} = {_literal(offset[n])} + ({' + '.join(['0.0', *terms])})"
            )
        elif k == Op.MUL:
            a, b = args[n]
            body.append(f"    v{n} = v{a} * v{b}")
        else:
            a, b = args[n]
            body.append(
                f"    v{n} = v{a} / v{b} if v{b} != 0.0 else _copysign(_inf, v{b})"
            )
    values_src = "\n".join(
        [
            "def values(x):",
            *head,
            *body,
            f"    return [{', '.join(f'v{n}' for n in outputs)}]",
        ]
    )

    # forward-mode derivatives, sparse: grad[n] maps a variable to the local
    # name (or literal) of d node / d variable
    grad: dict[int, dict[int, str]] = {}
    dbody: list[str] = []
    for n in nodes:
        k = kind[n]
        if k == Op.VAR:
            grad[n] = {n: "1.0"}
        elif k == Op.CONST:
            grad[n] = {}
        elif k == Op.SUM:
            parts: dict[int, list[str]] = {}
            for c, a in zip(coef[n], args[n], strict=True):
                for v, d in grad[a].items():
                    term = (
                        d
                        if c == 1.0
                        else f"(-{d})"
                        if c == -1.0
                        else f"{_literal(c)} * {d}"
                    )
                    parts.setdefault(v, []).append(term)
            grad[n] = {}
            for v, terms in parts.items():
                if len(terms) == 1 and terms[0] == "1.0":
                    grad[n][v] = "1.0"
                    continue
                name = f"d{n}_{v}"
                dbody.append(f"    {name} = {' + '.join(terms)}")
                grad[n][v] = name
        else:
            a, b = args[n]
            if k == Op.MUL:
                ca, cb = f"v{b}", f"v{a}"
            else:
                dbody.append(f"    p{n} = 1.0 / v{b} if v{b} != 0.0 else 0.0")
                dbody.append(f"    q{n} = -v{a} * p{n} * p{n}")
                ca, cb = f"p{n}", f"q{n}"
            parts = {}
            for v, d in grad[a].items():
                parts.setdefault(v, []).append(ca if d == "1.0" else f"{ca} * {d}")
            for v, d in grad[b].items():
                parts.setdefault(v, []).append(cb if d == "1.0" else f"{cb} * {d}")
            grad[n] = {}
            for v, terms in parts.items():
                name = f"d{n}_{v}"
                dbody.append(f"    {name} = {' + '.join(terms)}")
                grad[n][v] = name
    rows: list[int] = []
    cols: list[int] = []
    entries: list[str] = []
    for r, n in enumerate(outputs):
        for v, d in sorted(grad[n].items()):
            rows.append(r)
            cols.append(column[v])
            entries.append(d)
    both_src = "\n".join(
        [
            "def both(x):",
            *head,
            *body,
            *dbody,
            f"    return [{', '.join(f'v{n}' for n in outputs)}], [{', '.join(entries)}]",
        ]
    )
    return values_src, both_src, rows, cols
