"""The numbers a reader accepts: what a double-precision check can honour.

A printed number with more than :data:`MAX_DIGITS` significant digits, or
whose size (or step) in SI base units (kg, s, mass fraction) lies outside
:data:`SMALLEST` to :data:`LARGEST`, is refused: in double precision its last
digit, or the number itself, would be lost (a 400-digit integer becomes
``inf``, a 330-decimal one ``0``).
"""

from __future__ import annotations

import functools
from decimal import Decimal

import pint

from ..errors import ReleaseFormatError
from ..units import PrintedValue, parse_printed, ureg

__all__ = ["LARGEST", "MAX_DIGITS", "SMALLEST", "check_number", "parse_checked"]

MAX_DIGITS = 15
"""Most significant digits a printed number may have (double precision holds 15)."""
SMALLEST, LARGEST = 1e-12, 1e15
"""Range of a printed value's size in SI base units (kg, s, mass fraction)."""


@functools.cache
def _base_factor(unit: pint.Unit) -> float:
    return abs(float(ureg.Quantity(1.0, unit).to_base_units().magnitude))


def _brief(text: str) -> str:
    """``text`` quoted, its middle left out when it is long."""
    return ascii(text if len(text) <= 40 else f"{text[:20]}...{text[-12:]}")


def check_number(
    number: Decimal, step: Decimal, unit: pint.Unit, where: str, text: str
) -> None:
    """Refuse a printed number no double-precision computation can honour.

    Raises
    ------
    ReleaseFormatError
        Naming ``where`` and the printed ``text``.
    """
    digits = len(number.as_tuple().digits)
    if digits > MAX_DIGITS:
        raise ReleaseFormatError(
            f"{where}: {_brief(text)} prints {digits} significant digits; the check "
            f"works in double precision and honours at most {MAX_DIGITS}",
            where,
            text,
        )
    base = _base_factor(unit)
    size = abs(float(number)) * base
    step_size = float(step) * base
    if (number != 0 and not SMALLEST <= size <= LARGEST) or not (
        SMALLEST * 1e-3 <= step_size <= LARGEST
    ):
        raise ReleaseFormatError(
            f"{where}: {_brief(text)} (step {step:.3g}) is outside the range the "
            f"check works in: sizes from {SMALLEST:g} to {LARGEST:g} in SI base "
            "units (kg, s, mass fraction)",
            where,
            text,
        )


def parse_checked(text: str, *, where: str) -> PrintedValue:
    """:func:`~massbalance.units.parse_printed`, then :func:`check_number`."""
    printed = parse_printed(text, where=where)
    exponent = printed.number.as_tuple().exponent
    step = Decimal(1).scaleb(exponent) if isinstance(exponent, int) else Decimal(1)
    check_number(printed.number, step, printed.unit, where, text)
    return printed
