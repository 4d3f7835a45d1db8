"""Read a TOML input file (release, balance or plant) safely.

Every reader goes through :func:`load_toml`: it refuses what is not a regular
file, bytes that are not UTF-8 (naming the byte offset and line), a nesting of
arrays or tables deeper than :data:`MAX_DEPTH` (before :mod:`tomllib`
recurses into it), and malformed TOML (naming the line); a UTF-8 byte-order
mark is accepted and dropped. The file is opened for reading only.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from ..errors import FileFormatError, ReleaseFormatError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "load_toml", "loads_toml"]

MAX_DEPTH = 32
"""Deepest nesting of arrays, inline tables and tables an input file may use."""

MAX_BYTES = 16 * 1024 * 1024
"""Largest input file read, in bytes (16 MiB)."""

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# strings and comments, skipped whole, and the brackets that nest
_TOKENS = re.compile(
    r'"""(?:\\.|[^\\])*?"""'
    r"|'''.*?'''"
    r'|"(?:\\.|[^"\\\n])*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"|[\[\]{}]",
    re.DOTALL,
)
_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _line_of(data: bytes | str, offset: int) -> int:
    newline: Any = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1


def _check_depth(text: str, where: str) -> None:
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = _line_of(text, match.start())
                raise FileFormatError(
                    f"{where}: line {line}: arrays or tables nested more than "
                    f"{MAX_DEPTH} deep; no input format needs that",
                    f"{where}:{line}",
                )
        elif token in "]}":
            depth = max(depth - 1, 0)


def _check_tree_depth(data: dict[str, Any], where: str) -> None:
    """Dotted keys (``a.b.c...``) nest without brackets: bound the parsed tree."""
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        node, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise FileFormatError(
                f"{where}: `{path[:80]}...`: keys nested more than {MAX_DEPTH} "
                "deep; no input format needs that",
                where,
            )
        if isinstance(node, dict):
            stack.extend(
                (v, depth + 1, f"{path}.{k}" if path else k) for k, v in node.items()
            )
        elif isinstance(node, list):
            stack.extend((v, depth + 1, f"{path}[{i}]") for i, v in enumerate(node))


def loads_toml(data: bytes | str, *, path: str = "<string>") -> dict[str, Any]:
    """Parse TOML bytes or text, with every failure an :class:`~massbalance.errors.FileFormatError`.

    Parameters
    ----------
    data : bytes or str
        The file's content; bytes must be UTF-8 (a leading BOM is dropped).
    path : str
        The file name that starts every message.

    Returns
    -------
    dict
        The parsed document.

    Raises
    ------
    FileFormatError
        Bytes that are not UTF-8 (with the byte offset and line), nesting
        deeper than :data:`MAX_DEPTH`, or malformed TOML (with the line).
    """
    if isinstance(data, bytes):
        if data.startswith(_UTF16_BOMS):
            raise FileFormatError(
                f"{path}: the file is UTF-16 text; save it as UTF-8", path
            )
        if data.startswith(_BOM):
            data = data[len(_BOM) :]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = _line_of(data, err.start)
            shown = data[err.start : err.start + 1].hex().upper()
            raise FileFormatError(
                f"{path}: not UTF-8 text: byte 0x{shown} at byte offset "
                f"{err.start} (line {line}); save the file as UTF-8",
                f"{path}:{line}",
                f"0x{shown}",
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    _check_depth(text, path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        at = _AT.search(str(err))
        where = at.group(1) if at else "?"
        reason = _AT.sub("", str(err)).strip()
        raise FileFormatError(
            f"{path}: malformed TOML at line {where}: {reason}",
            f"{path}:{where}",
        ) from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise FileFormatError(f"{path}: nested too deeply", path) from None
    _check_tree_depth(doc, path)
    return doc


def load_toml(path: str | Path) -> dict[str, Any]:
    """Read the TOML file at ``path`` (opened for reading only, never modified).

    Raises
    ------
    FileFormatError
        A directory, a device or pipe, a file over :data:`MAX_BYTES`, bytes
        that are not UTF-8, nesting too deep, or malformed TOML.
    ReleaseFormatError
        A file that cannot be opened (missing, no permission).
    """
    p = Path(path)
    try:
        info = os.stat(p)
    except OSError as err:
        raise ReleaseFormatError(
            f"{p}: cannot read: {err.strerror}", str(p), None
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise FileFormatError(f"{p}: is a directory, not a TOML file", str(p))
    if not stat.S_ISREG(info.st_mode):
        raise FileFormatError(
            f"{p}: not a regular file (a device, pipe or socket); give a TOML file",
            str(p),
        )
    if info.st_size > MAX_BYTES:
        raise FileFormatError(
            f"{p}: {info.st_size:,} bytes; input files are limited to "
            f"{MAX_BYTES:,} bytes",
            str(p),
        )
    try:
        with open(p, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as err:
        raise ReleaseFormatError(
            f"{p}: cannot read: {err.strerror}", str(p), None
        ) from None
    return loads_toml(data, path=str(p))
