"""Numbers for reports: one formatter, so a figure's range reads the same everywhere.

Every number is shown in the unit the release printed it in, with as many
decimals as its step needs: a figure's interval with one more (its half
steps), and any range a check derives for it (implied by the other figures,
by one relation, by one conflict) with two more, rounded outward so that what
is shown still encloses it.
"""

from __future__ import annotations

import math
from decimal import Decimal

from ._escape import escape_markdown, escape_text

__all__ = [
    "decimals",
    "derived_range",
    "escape",
    "figure_interval",
    "figure_range",
    "interval",
    "num",
    "significant",
]


def decimals(step: float) -> int:
    """Decimals of a step: ``decimals(0.1) == 1``, ``decimals(1.0) == 0``."""
    if step <= 0 or not math.isfinite(step):
        return 2
    exponent = Decimal(repr(step)).normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def num(x: float, places: int) -> str:
    """``x`` with thousands separators and ``places`` decimals (``inf`` as is)."""
    if not math.isfinite(x):
        return "inf" if x > 0 else "-inf" if x < 0 else "nan"
    if abs(x) < 0.5 * 10.0 ** -max(places, 0):
        x = 0.0
    return f"{x:,.{max(places, 0)}f}"


def interval(
    bounds: tuple[float, float] | None, places: int, *, outward: bool = False
) -> str:
    """``[lo, hi]`` with ``places`` decimals; ``outward`` rounds an enclosure so
    that what is shown still encloses it."""
    if bounds is None:
        return "-"
    lo, hi = bounds
    if outward:
        scale = 10.0**places
        if math.isfinite(lo):
            lo = math.floor(lo * scale + 1e-9) / scale
        if math.isfinite(hi):
            hi = math.ceil(hi * scale - 1e-9) / scale
    return f"[{num(lo, places)}, {num(hi, places)}]"


def figure_interval(bounds: tuple[float, float], step: float, unit: str) -> str:
    """The values that print as a figure: ``[93.5, 94.5] %``."""
    return f"{interval(bounds, decimals(step) + 1)} {unit}".strip()


def figure_range(bounds: tuple[float, float] | None, step: float, unit: str) -> str:
    """A range derived for a figure, rounded outward: ``[94.66, 94.78] %``."""
    if bounds is None:
        return "-"
    return f"{interval(bounds, decimals(step) + 2, outward=True)} {unit}".strip()


def significant(bounds: tuple[float, float], digits: int = 4) -> int:
    """Decimals that show ``digits`` significant digits of the bounds."""
    finite = [abs(x) for x in bounds if math.isfinite(x) and x != 0.0]
    if not finite:
        return 1
    return min(6, max(0, digits - 1 - math.floor(math.log10(min(max(finite), 1e15)))))


def derived_range(bounds: tuple[float, float], unit: str) -> str:
    """The range of an unprinted quantity, five significant digits, outward."""
    return f"{interval(bounds, significant(bounds, 5), outward=True)} {unit}".strip()


def escape(text: str, *, markdown: bool = False) -> str:
    r"""A string from the input, safe to print in a text or Markdown report.

    Control characters (and the other non-printing ones) are shown as
    escapes (``"\x1b"``, ``"\n"`` as ``\x0a``), so an id cannot clear the
    terminal or start a line of its own; in Markdown the characters that
    would format (backslash, backtick, ``*``, ``|``, ``<``, ``>``, brackets,
    ``#``, ``!``) are escaped with a backslash.

    Examples
    --------
    >>> escape("a\x1b[2Jb")
    'a\\x1b[2Jb'
    >>> escape("x|y*", markdown=True)
    'x\\|y\\*'
    """
    return escape_markdown(text) if markdown else escape_text(text)
