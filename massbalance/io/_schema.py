"""Validate a parsed input file against its declared JSON Schema.

The schemas in ``massbalance/io/schemas/`` (``release``, ``balance``,
``plant``) are the single source of every key of the three file kinds, its
type and its meaning. This validator covers the subset of JSON Schema draft
2020-12 they use: ``type``, ``properties``, ``additionalProperties``,
``patternProperties``, ``required``, ``enum``, ``items``, ``minItems``,
``minProperties``, ``minLength``, ``oneOf``/``anyOf`` (branches told apart by
type), ``pattern``, ``minimum``, ``format: date`` (a TOML date) and local
``$ref``. It collects every problem (the first :data:`MAX_PROBLEMS` are
reported), one line each: the key path, what is wrong, and a hint.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from ..errors import FileFormatError

__all__ = [
    "KINDS",
    "MAX_PROBLEMS",
    "Problem",
    "find_problems",
    "key_path",
    "load_schema",
    "raise_problems",
    "shown",
    "validate",
]

Kind = Literal["release", "balance", "plant"]
KINDS: tuple[Kind, ...] = ("release", "balance", "plant")
MAX_PROBLEMS = 20
"""The most problems one error reports (the rest are counted)."""

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_KEY_WORDS = {  # how a patternProperties key is described in a hint
    "^[A-Z][a-z]?$": "a chemical symbol such as `Ag`, `Pb` or `Zn`",
    "^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$": (
        "a name of ASCII letters, digits, `_` and `-` (at most 64 characters)"
    ),
}
_TEXT = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]"
_VALUE_WORDS = {  # what a value that fails a pattern is not
    _TEXT + "*$": "holds a control or text-direction character; remove it",
    "^[A-Z][a-z]?$": "is not a chemical symbol such as `Ag`, `Pb` or `Zn`",
    "^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$": (
        "is not a name: use ASCII letters, digits, `_` and `-` (at most 64)"
    ),
    "^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,199}$": (
        "is not an id: use ASCII letters, digits, `_`, `-`, `.` and `+`"
    ),
}
_KEY_WORDS[_TEXT + "+$"] = "a unit spelling without control characters"
_KEY_WORDS["^[A-Z][a-z]?(\\+[A-Z][a-z]?)+$"] = "a sum of symbols such as `Pb+Zn`"
_TYPE_WORDS = {
    "object": "a table",
    "array": "an array",
    "string": "a string in quotes",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a file: where (a key path) and what is wrong."""

    path: str  #: the key path, ``periods.2012Q1.recovery.Ag.valeu``
    message: str  #: what is wrong and, where one helps, a hint

    def line(self, file: str) -> str:
        """The problem as one line of text, starting with the file name."""
        where = f"{self.path}: " if self.path else ""
        return f"{file}: {where}{self.message}"


def key_path(parent: str, key: str | int) -> str:
    """Append a key (or a 0-based array index, shown 1-based) to a key path."""
    if isinstance(key, int):
        return f"{parent}[{key + 1}]"
    part = key if _BARE_KEY.match(key) else json.dumps(key)
    return f"{parent}.{part}" if parent else part


def shown(value: object, limit: int = 40) -> str:
    """A short, printable rendering of a value from the file (controls escaped)."""
    if isinstance(value, str):
        text = json.dumps(value)
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, list):
        text = "an array"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = repr(value)
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _type_of(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dt.date | dt.time):
        return "date"
    return type(value).__name__


@functools.cache
def load_schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema of a file kind, as shipped in ``massbalance/io/schemas``."""
    text = resources.files(__package__).joinpath(f"schemas/{kind}.schema.json")
    doc: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return doc


_RESOLVED: dict[int, dict[int, dict[str, Any]]] = {}  # per schema: $ref -> merged
_BRANCHES: dict[int, dict[tuple[int, str], list[Any]]] = {}  # per schema: oneOf fits


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class _Validator:
    def __init__(self, root: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = root.get("$defs", {})
        self.resolved: dict[int, dict[str, Any]] = _RESOLVED.setdefault(id(root), {})
        self.branches: dict[tuple[int, str], list[Any]] = _BRANCHES.setdefault(
            id(root), {}
        )
        self.problems: list[Problem] = []

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        if "$ref" not in schema:
            return schema
        done = self.resolved.get(id(schema))
        if done is not None:
            return done
        out = schema
        while "$ref" in out:
            ref: str = out["$ref"]
            extra = {k: v for k, v in out.items() if k != "$ref"}
            target = self.defs[ref.removeprefix("#/$defs/")]
            out = {**target, **extra}
            if "description" in target and "description" in extra:
                out["_kind"] = target["description"]  # what, beside where
        self.resolved[id(schema)] = out
        return out

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def admits(self, schema: dict[str, Any], value: object) -> bool:
        """Whether ``value`` has a type ``schema`` allows (for choosing a branch)."""
        schema = self.resolve(schema)
        if "enum" in schema:
            return value in schema["enum"]
        if "oneOf" in schema or "anyOf" in schema:
            branches = schema.get("oneOf", schema.get("anyOf", []))
            return any(self.admits(b, value) for b in branches)
        wanted = schema.get("type")
        if wanted is None:
            return True
        have = _type_of(value)
        if schema.get("format") == "date":
            return have == "date"
        return have == wanted or (wanted == "number" and have == "integer")

    def fitting(
        self, schema: dict[str, Any], branches: list[Any], value: object
    ) -> list[Any]:
        """The branches of a oneOf/anyOf whose type admits ``value``."""
        key = (id(schema), _type_of(value))
        found = self.branches.get(key)
        if found is None:
            found = [b for b in branches if self.admits(b, value)]
            if not any("enum" in self.resolve(b) for b in branches):
                self.branches[key] = found  # depends on the type alone
        return found

    def expected(self, schema: dict[str, Any]) -> str:
        if "description" in schema:
            return str(schema["description"])
        if "type" in schema:
            return _TYPE_WORDS.get(str(schema["type"]), str(schema["type"]))
        return "another value"

    def check(self, schema: dict[str, Any], value: object, path: str) -> None:
        schema = self.resolve(schema)
        if "enum" in schema:
            if value not in schema["enum"]:
                choices = ", ".join(json.dumps(c) for c in schema["enum"])
                hint = ""
                if isinstance(value, str):
                    close = difflib.get_close_matches(
                        value, [str(c) for c in schema["enum"]], n=1
                    )
                    if close:
                        hint = f"; did you mean {json.dumps(close[0])}?"
                self.fail(path, f"{shown(value)} is not one of {choices}{hint}")
            return
        branches = schema.get("oneOf", schema.get("anyOf"))
        if branches is not None:
            fitting = self.fitting(schema, branches, value)
            if not fitting:
                what = schema.get("_kind", self.expected(schema))
                self.fail(path, f"expected {what}; got {shown(value)}")
                return
            if len(fitting) == 1:
                self.check(fitting[0], value, path)
                return
            best: list[Problem] | None = None
            for branch in fitting:
                inner = _Validator.__new__(_Validator)
                inner.defs, inner.resolved, inner.problems = (
                    self.defs,
                    self.resolved,
                    [],
                )
                inner.check(branch, value, path)
                if not inner.problems:
                    return
                if best is None:
                    best = inner.problems
            self.problems.extend(best or ())
            return
        if "type" in schema:
            if schema.get("format") == "date":
                self.check_date(value, path)
                return
            if not self.admits({"type": schema["type"]}, value):
                word = _TYPE_WORDS.get(schema["type"], schema["type"])
                about = f", {schema['description']}" if "description" in schema else ""
                self.fail(path, f"expected {word}{about}; got {shown(value)}")
                return
        if isinstance(value, dict):
            self.check_object(schema, value, path)
        elif isinstance(value, list):
            self.check_array(schema, value, path)
        elif isinstance(value, str):
            if len(value) < schema.get("minLength", 0):
                self.fail(path, "must not be empty")
            pattern = schema.get("pattern")
            if pattern is not None and not _compiled(pattern).search(value):
                words = _VALUE_WORDS.get(pattern, f"is not {self.expected(schema)}")
                self.fail(path, f"{shown(value)} {words}")
        elif (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and "minimum" in schema
            and value < schema["minimum"]
        ):
            self.fail(path, f"{shown(value)} is below {schema['minimum']}")

    def check_date(self, value: object, path: str) -> None:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            quoted = " (without quotes)" if isinstance(value, str) else ""
            self.fail(
                path,
                f"expected a TOML date such as 2012-03-31{quoted}; got {shown(value)}",
            )

    def check_array(self, schema: dict[str, Any], value: list[Any], path: str) -> None:
        if len(value) < schema.get("minItems", 0):
            about = f" ({schema['description']})" if "description" in schema else ""
            self.fail(path, f"must list at least {schema['minItems']} item(s){about}")
        items = schema.get("items")
        if items is not None:
            for k, item in enumerate(value):
                self.check(items, item, key_path(path, k))

    def check_object(
        self, schema: dict[str, Any], value: dict[str, Any], path: str
    ) -> None:
        properties: dict[str, Any] = schema.get("properties", {})
        patterns: dict[str, Any] = schema.get("patternProperties", {})
        additional = schema.get("additionalProperties", True)
        if len(value) < schema.get("minProperties", 0):
            about = f" ({schema['description']})" if "description" in schema else ""
            self.fail(
                path, f"must hold at least {schema['minProperties']} entries{about}"
            )
        for key in schema.get("required", ()):
            if key not in value:
                declared = self.resolve(properties.get(key, {}))
                about = str(declared.get("description", ""))
                hint = f" ({about})" if about else ""
                self.fail(path, f"missing key `{key}`{hint}")
        for key, item in value.items():
            sub = key_path(path, key)
            if key in properties:
                self.check(properties[key], item, sub)
                continue
            matched = [s for p, s in patterns.items() if _compiled(p).search(key)]
            for s in matched:
                self.check(s, item, sub)
            if matched:
                continue
            if additional is False:
                self.fail(sub, self.unknown(key, properties, patterns))
            elif isinstance(additional, dict):
                self.check(additional, item, sub)

    def unknown(
        self, key: str, properties: dict[str, Any], patterns: dict[str, Any]
    ) -> str:
        names = list(properties)
        folded = {n.lower(): n for n in names}
        close = [folded[key.lower()]] if key.lower() in folded else []
        if not close and "^[A-Z][a-z]?$" in patterns:
            symbol = key[:1].upper() + key[1:].lower()
            if re.match("^[A-Z][a-z]?$", symbol):
                close = [symbol]
        close = close or difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        if close:
            return f"unknown key; did you mean `{close[0]}`?"
        wanted = [f"`{n}`" for n in names] + [
            _KEY_WORDS.get(p, f"a key matching {p}") for p in patterns
        ]
        if not wanted:
            return "unknown key; this table takes no keys"
        if len(wanted) > 12:
            wanted = [*wanted[:12], "..."]
        return f"unknown key; expected {' or '.join([', '.join(wanted)])}"


def find_problems(data: dict[str, Any], kind: Kind) -> list[Problem]:
    """Every problem of ``data`` against the schema of ``kind``, in file order."""
    validator = _Validator(load_schema(kind))
    validator.check(load_schema(kind), data, "")
    return validator.problems


def raise_problems(problems: list[Problem], file: str) -> None:
    """Raise one :class:`FileFormatError` listing ``problems`` (none: return)."""
    if not problems:
        return
    lines = [p.line(file) for p in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        lines.append(
            f"{file}: {len(problems) - MAX_PROBLEMS} more problem(s) not shown"
        )
    first = problems[0]
    message = (
        lines[0] if len(lines) == 1 else f"{lines[0]} (and {len(problems) - 1} more)"
    )
    raise FileFormatError(message, first.path or file, None, tuple(lines))


def validate(data: dict[str, Any], kind: Kind, file: str) -> None:
    """Check ``data`` against the schema of ``kind``.

    Parameters
    ----------
    data : dict
        The parsed TOML document.
    kind : {"release", "balance", "plant"}
        The file kind.
    file : str
        The file name that starts every problem line.

    Raises
    ------
    FileFormatError
        Listing every problem found (up to :data:`MAX_PROBLEMS`), one per line.
    """
    raise_problems(find_problems(data, kind), file)
