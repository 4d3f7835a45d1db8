"""Seeded mutations of input files, and a harness that runs them through the CLI.

A mutation turns a valid release, balance or plant file into a near miss:
a key deleted or renamed to a near miss, values swapped between keys, a type
changed, a unit changed, a number scaled or made extreme, a name pointed
elsewhere, or bytes flipped, lines dropped or repeated. :func:`run` feeds the
mutated file to :func:`massbalance.cli.main` in process and records what came
out: the exit code, the stderr lines, any exception that escaped (a crash),
and whether the input file changed.

Used by ``tests/property/test_fuzz_inputs.py`` (a few hundred mutations) and
``benchmarks/fuzz_inputs.py`` (tens of thousands).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import random
import re
import signal
import traceback
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["COMMANDS", "MUTATIONS", "Outcome", "dumps_toml", "mutate", "run"]

COMMANDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "release": (("check",), ("reconcile", "--from-release")),
    "balance": (("balance",),),
    "plant": (("reconcile",),),
}
"""The commands each file kind is run through."""

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")
_NUMBER = re.compile(r"[-+(]?\d[\d,]*(?:\.\d+)?")
_UNITS = (
    "t", "oz", "lb", "%", "g/t", "tpd", "tons", "oz/t", "days", "kt", "Mlb",
    "ppm", "USD/oz", "m", "kg/t", "", "xyz", "opt", "Moz", "(tonne", "h", "°C",
)  # fmt: skip
_EXTREME = (
    "0", "-0", "0.0", "1" + "0" * 400, "0." + "0" * 329 + "1", "1e300",
    "999,999,999,999,999,999,999", "0.000000001", "(5)", "-5", "1,2,3", "٢١,٢٥١",
    "4.353", "63,4", "1 000", "18446744073709551617",
)  # fmt: skip
_VALUES: tuple[Any, ...] = (
    0, -1, 5, 10**30, 1.5, -0.0, float("inf"), float("nan"), True, False, "x", "",
    "2012Q1", "feed", [], [1], ["x"], ["2012Q1"], {}, {"a": 1}, {"value": "1 t"},
    dt.date(2012, 1, 1), dt.datetime(2012, 1, 1, 12, 0), dt.time(12, 0),
)  # fmt: skip


# ------------------------------------------------------------------- writing
def _key(key: str) -> str:
    return key if _BARE.match(key) else json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: \uXXXX escapes agree
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def dumps_toml(doc: dict[str, Any]) -> str:
    """Write a parsed TOML document back as TOML (tables inline, one key a line)."""
    return "".join(f"{_key(k)} = {_value(v)}\n" for k, v in doc.items())


# ------------------------------------------------------------------ mutating
Slot = tuple[Any, Any]  # (container, key or index)


def _slots(node: Any) -> Iterator[Slot]:
    """Every (container, key) pair of a document, depth first."""
    if isinstance(node, dict):
        for key in list(node):
            yield node, key
            yield from _slots(node[key])
    elif isinstance(node, list):
        for k in range(len(node)):
            yield node, k
            yield from _slots(node[k])


def _near_miss(rng: random.Random, key: str) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz_"
    k = rng.randrange(len(key)) if key else 0
    how = rng.randrange(5)
    if how == 0 and len(key) > 1:
        out = key[:k] + key[k + 1 :]
    elif how == 1 and len(key) > 1:
        k = min(k, len(key) - 2)
        out = key[:k] + key[k + 1] + key[k] + key[k + 2 :]
    elif how == 2:
        out = key[:k] + rng.choice(letters) + key[k:]
    elif how == 3:
        out = key.swapcase()
    else:
        out = key[:k] + rng.choice(letters) + key[k + 1 :]
    return out if out != key else key + "s"


def _strings(doc: Any) -> list[Slot]:
    return [(c, k) for c, k in _slots(doc) if isinstance(c[k], str)]


def _delete_key(rng: random.Random, doc: dict[str, Any]) -> bool:
    slots = list(_slots(doc))
    if not slots:
        return False
    container, key = rng.choice(slots)
    del container[key]
    return True


def _rename_key(rng: random.Random, doc: dict[str, Any]) -> bool:
    slots = [(c, k) for c, k in _slots(doc) if isinstance(c, dict)]
    if not slots:
        return False
    container, key = rng.choice(slots)
    new = _near_miss(rng, key)
    if new in container:
        return False
    container[new] = container.pop(key)
    return True


def _swap_values(rng: random.Random, doc: dict[str, Any]) -> bool:
    slots = list(_slots(doc))
    if len(slots) < 2:
        return False
    (c1, k1), (c2, k2) = rng.sample(slots, 2)
    a, b = c1[k1], c2[k2]
    if a is c2 or b is c1:  # one holds the other
        return False
    c1[k1], c2[k2] = b, a
    return True


def _change_type(rng: random.Random, doc: dict[str, Any]) -> bool:
    slots = list(_slots(doc))
    if not slots:
        return False
    container, key = rng.choice(slots)
    container[key] = rng.choice(_VALUES)
    return True


def _change_unit(rng: random.Random, doc: dict[str, Any]) -> bool:
    slots = [(c, k) for c, k in _strings(doc) if _NUMBER.search(c[k])]
    if not slots:
        return False
    container, key = rng.choice(slots)
    match = _NUMBER.search(container[key])
    assert match is not None
    container[key] = f"{match.group()} {rng.choice(_UNITS)}".strip()
    return True


def _scale_number(rng: random.Random, doc: dict[str, Any]) -> bool:
    slots = [(c, k) for c, k in _strings(doc) if _NUMBER.search(c[k])]
    if not slots:
        return False
    container, key = rng.choice(slots)
    text: str = container[key]
    match = _NUMBER.search(text)
    assert match is not None
    if rng.random() < 0.5:
        number = rng.choice(_EXTREME)
    else:
        digits = match.group().replace(",", "").strip("+-()")
        try:
            number = f"{float(digits) * 10.0 ** rng.randint(-12, 12):,.6g}"
        except ValueError:
            number = "0"
    container[key] = text[: match.start()] + number + text[match.end() :]
    return True


def _repoint(rng: random.Random, doc: dict[str, Any]) -> bool:
    names = sorted(
        {k for c, k in _slots(doc) if isinstance(c, dict) and isinstance(k, str)}
    )
    refs = [
        (c, k)
        for c, k in _slots(doc)
        if isinstance(c[k], str)
        and (
            k in ("feed", "total", "from", "to", "base", "figure") or isinstance(k, int)
        )
    ]
    if not refs or not names:
        return False
    container, key = rng.choice(refs)
    container[key] = rng.choice([*names, "nowhere", container[key] + "x"])
    return True


def _flip_byte(rng: random.Random, data: bytes) -> bytes:
    k = rng.randrange(len(data))
    return data[:k] + bytes([rng.randrange(256)]) + data[k + 1 :]


def _bad_utf8(rng: random.Random, data: bytes) -> bytes:
    k = rng.randrange(len(data))
    return (
        data[:k]
        + rng.choice([b"\xff", b"\xc3(", b"\xe2\x82", b"\xed\xa0\x80"])
        + data[k:]
    )


def _lines(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    k = rng.randrange(len(lines))
    how = rng.randrange(3)
    if how == 0:
        del lines[k]
    elif how == 1:
        lines.insert(k, lines[k])
    else:
        return data[: rng.randrange(len(data))]
    return b"\n".join(lines)


_DocMutation = Callable[[random.Random, dict[str, Any]], bool]
_ByteMutation = Callable[[random.Random, bytes], bytes]
MUTATIONS: dict[str, _DocMutation | _ByteMutation] = {
    "delete_key": _delete_key,
    "rename_key": _rename_key,
    "swap_values": _swap_values,
    "change_type": _change_type,
    "change_unit": _change_unit,
    "scale_number": _scale_number,
    "repoint": _repoint,
    "flip_byte": _flip_byte,
    "bad_utf8": _bad_utf8,
    "lines": _lines,
}
"""Every mutation by name; the last three work on the bytes."""
_ON_BYTES = {"flip_byte", "bad_utf8", "lines"}
_DOC_WEIGHTS = (
    ("scale_number", 4), ("change_unit", 2), ("rename_key", 2), ("delete_key", 2),
    ("swap_values", 1), ("change_type", 2), ("repoint", 2),
    ("flip_byte", 1), ("bad_utf8", 1), ("lines", 1),
)  # fmt: skip


def mutate(
    rng: random.Random, data: bytes, parsed: dict[str, Any]
) -> tuple[str, bytes]:
    """One mutation of a file: its name and the new bytes.

    ``parsed`` is the file's document (not modified); document mutations are
    written back with :func:`dumps_toml`.
    """
    names = [n for n, _ in _DOC_WEIGHTS]
    weights = [w for _, w in _DOC_WEIGHTS]
    for _ in range(20):
        name = rng.choices(names, weights)[0]
        if name in _ON_BYTES:
            byte_mutation: Any = MUTATIONS[name]
            return name, byte_mutation(rng, data)
        doc = json.loads(json.dumps(parsed, default=_encode), object_hook=_decode)
        mutation: Any = MUTATIONS[name]
        if mutation(rng, doc):
            return name, dumps_toml(doc).encode("utf-8")
    return "flip_byte", _flip_byte(rng, data)


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return {"__date__": type(value).__name__, "v": value.isoformat()}
    raise TypeError(type(value).__name__)


def _decode(obj: dict[str, Any]) -> Any:
    if obj.keys() == {"__date__", "v"}:
        kind = getattr(dt, obj["__date__"])
        return kind.fromisoformat(obj["v"])
    return obj


# ------------------------------------------------------------------- running
@dataclass(frozen=True, slots=True)
class Outcome:
    """What one run of the CLI on a mutated file gave."""

    argv: tuple[str, ...]  #: the command line
    mutation: str  #: the mutation's name
    code: int | None  #: the exit code (None after a crash)
    stderr: tuple[str, ...]  #: the stderr lines
    crash: str | None  #: the escaped exception and where, or None
    changed: bool  #: whether the input file changed
    seconds: float  #: how long the run took

    @property
    def problems(self) -> list[str]:
        """What is wrong with this outcome (empty: it is acceptable)."""
        out = []
        if self.crash is not None:
            out.append(f"crash: {self.crash}")
        elif self.code not in (0, 1, 2, 3):
            out.append(f"exit code {self.code}")
        if self.changed:
            out.append("the input file changed")
        command = f"massbalance {self.argv[0]}: "
        if any(not line.startswith(command) for line in self.stderr):
            out.append(f"a stderr line not from the tool: {self.stderr[:3]}")
        errors = [line for line in self.stderr if ": error: " in line]
        if len(errors) > 21:
            out.append(f"{len(errors)} error lines for one file")
        if self.code == 2 and not errors:
            out.append("exit 2 without an error line")
        return out


class _Timeout(BaseException):
    pass


def _alarm(signum: int, frame: types.FrameType | None) -> None:
    raise _Timeout


def _where(err: BaseException) -> str:
    frames = traceback.extract_tb(err.__traceback__)
    ours = [f for f in frames if "massbalance" in f.filename] or frames
    frame = ours[-1]
    path = frame.filename.split("massbalance/")[-1]
    return f"{type(err).__name__} at {path}:{frame.lineno}: {str(err)[:120]}"


def run(
    main: Callable[[list[str]], int],
    argv: tuple[str, ...],
    path: Path,
    mutation: str = "",
    timeout: int = 120,
) -> Outcome:
    """Run ``main([*argv, path])`` in process and record the outcome.

    ``main`` is :func:`massbalance.cli.main` (passed in: this package sits
    below the command line).
    """
    import time

    before = path.read_bytes() if path.is_file() else b""
    out, err = io.StringIO(), io.StringIO()
    crash, code = None, None
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*argv, str(path)])
    except _Timeout:
        crash = f"no answer within {timeout} s"
    except (Exception, SystemExit, RecursionError) as exc:  # what the CLI let escape
        crash = _where(exc)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    seconds = time.perf_counter() - start
    after = path.read_bytes() if path.is_file() else b""
    return Outcome(
        argv=argv,
        mutation=mutation,
        code=code,
        stderr=tuple(err.getvalue().splitlines()),
        crash=crash,
        changed=before != after,
        seconds=seconds,
    )
