"""Make strings and numbers from the input safe to print in a report.

A stream, element or figure name comes from the user's file and may hold
anything: an ANSI escape that clears the terminal, a newline followed by a
forged verdict, a ``|`` that breaks a Markdown table. Every string from the
input passes through :func:`escape_text` (text reports, messages) or
:func:`escape_markdown` (Markdown reports) before it is printed; every number
that may be non-finite passes through :func:`finite_text`, and every JSON
document through :func:`dumps_json`. Pure: this module prints nothing.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any

__all__ = [
    "dumps_json",
    "escape_markdown",
    "escape_text",
    "finite_or_none",
    "finite_text",
]

# Categories shown as escapes: control (Cc: C0, DEL, C1), format (Cf: the
# bidirectional overrides, zero-width characters), line and paragraph
# separators, and lone surrogates.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})

# Characters with an inline meaning in CommonMark/GFM. The backslash escape of
# any ASCII punctuation is valid CommonMark, so escaping is always safe.
# An underscore between two letters or digits cannot open or close emphasis
# (CommonMark's flanking rules), so ``Cu_conc`` stays as written.
_MD_INLINE = re.compile(r"([\\`*\[\]<>|&~#!]|(?<![^\W_])_|_(?![^\W_]))")
# Characters that start a block only at the beginning of a line or cell.
_MD_BLOCK_START = re.compile(r"^(\s*(?:\d+)?)([-+=>.)])")


def _escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape_text(value: object) -> str:
    """A string from the input, with every invisible character made visible.

    Control characters (including newline, tab and ESC), format characters
    (bidirectional overrides, zero-width spaces), line/paragraph separators
    and lone surrogates are replaced by their Python escape (``\\x1b``,
    ``\\u202e``); everything else, including the backslash, is kept as is.

    Parameters
    ----------
    value : object
        The string (anything else is passed through ``str`` first).

    Returns
    -------
    str
        One line that a terminal shows as it is written.

    Examples
    --------
    >>> escape_text("feed\\x1b[2J\\nCONSISTENT")
    'feed\\\\x1b[2J\\\\x0aCONSISTENT'
    """
    text = value if isinstance(value, str) else str(value)
    if text.isprintable() and text.isascii():
        return text
    return "".join(
        _escape_char(c) if unicodedata.category(c) in _HIDDEN else c for c in text
    )


def escape_markdown(value: object) -> str:
    """A string from the input, safe inside a Markdown paragraph or table cell.

    :func:`escape_text` first, then every character with an inline meaning in
    CommonMark (``\\ ` * [ ] < > | & ~ # !``, and ``_`` unless it stands
    between two letters or digits) is backslash-escaped, and so is
    a leading ``-``, ``+``, ``=``, ``>`` or ordered-list number, which would
    otherwise start a block. HTML tags and entities cannot form, because
    ``<`` and ``&`` are escaped.

    Parameters
    ----------
    value : object
        The string (anything else is passed through ``str`` first).

    Returns
    -------
    str
        Markdown source that renders as the original characters.

    Examples
    --------
    >>> escape_markdown("Cu_conc | **x**")
    'Cu_conc \\\\| \\\\*\\\\*x\\\\*\\\\*'
    """
    text = _MD_INLINE.sub(r"\\\1", escape_text(value))
    return _MD_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def finite_text(value: float, spec: str, missing: str = "") -> str:
    """``format(value, spec)``, or ``missing`` when the value is NaN or infinite.

    A text report never shows ``nan`` or ``inf``: a value that is not a number
    is shown as ``missing`` (an empty cell by default).
    """
    v = float(value)
    return format(v, spec) if math.isfinite(v) else missing


def finite_or_none(value: float) -> float | None:
    """The value as a float, or ``None`` (JSON ``null``) when not finite."""
    v = float(value)
    return v if math.isfinite(v) else None


def _finite_tree(doc: Any) -> Any:
    if isinstance(doc, float):
        return doc if math.isfinite(doc) else None
    if isinstance(doc, dict):
        return {key: _finite_tree(item) for key, item in doc.items()}
    if isinstance(doc, (list, tuple)):
        return [_finite_tree(item) for item in doc]
    return doc


def dumps_json(doc: Any, **kwargs: Any) -> str:
    """Serialise a report as RFC 8259 JSON: NaN and infinities become ``null``.

    Parameters
    ----------
    doc : object
        Plain data (dicts, lists, strings, numbers, booleans, ``None``).
    **kwargs
        Passed to :func:`json.dumps` (``indent``, ``ensure_ascii``).

    Returns
    -------
    str
        The document; ``json.dumps`` runs with ``allow_nan=False``, so a
        non-finite number that escaped the mapping would raise, not be
        written as the invalid token ``Infinity``.
    """
    return json.dumps(_finite_tree(doc), allow_nan=False, **kwargs)
