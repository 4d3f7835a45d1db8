"""The one unit registry of massbalance, mining units, and printed-value parsing.

Every Quantity that massbalance takes or returns lives on :data:`ureg`. Grades
are dimensionless mass fractions, so ``%``, ``g/t``, ``ppm`` and ``opt`` (troy
ounce per short ton) convert exactly into one another. Silver and gold are in
troy ounces: in releases ``oz`` means the troy ounce, the industry's
convention, and the ambiguous spellings ``ton``, ``tons``, ``oz/t``,
``oz/ton`` and ``oz/T`` are refused unless a release pins their meaning in its
``[release.units]`` table.

Examples
--------
>>> from massbalance.units import Q_, parse_printed
>>> p = parse_printed("5,144 g/t")
>>> p.number, p.unit_label, f"{p.quantity.to('percent'):.4f~P}"
(Decimal('5144'), 'g/t', '0.5144 %')
>>> Q_(1, "opt").to("g/t")
<Quantity(34.2857143, 'gram / metric_ton')>
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pint

from ._typing import Quantity
from .errors import ReleaseFormatError, UnitError

__all__ = [
    "AMBIGUOUS_UNITS",
    "DAYS",
    "GRADE",
    "MASS",
    "NUMBER_FORMATS",
    "PRECIOUS_METALS",
    "PRINTED_UNITS",
    "Q_",
    "NumberFormat",
    "NumberFormatError",
    "PrintedValue",
    "check_trap_units",
    "conversion_factor",
    "is_nil",
    "number_readings",
    "on_registry",
    "parse_printed",
    "parse_quantity",
    "parse_unit",
    "pin_unit",
    "reporting_unit",
    "set_as_application_registry",
    "to_canonical",
    "trap_unit",
    "ureg",
]

ureg: pint.UnitRegistry[Any] = pint.UnitRegistry()
"""The single registry of massbalance.

Importing massbalance leaves pint's application registry alone; call
:func:`set_as_application_registry` to make unpickled Quantities come back on
this one. Quantities from any other registry are accepted where their unit
means the same on both (see :func:`on_registry`).
"""
Q_ = ureg.Quantity

for _definition in (
    "kilo_troy_ounce = 1000 * troy_ounce = koz",
    "mega_troy_ounce = 1e6 * troy_ounce = Moz",
    "kilo_pound = 1000 * pound = klb",
    "mega_pound = 1e6 * pound = Mlb",
    "ounce_per_short_ton = troy_ounce / short_ton = opt",
    "tonne_per_day = tonne / day = tpd",
    "parts_per_billion = 1e-9 = ppb",
):
    ureg.define(_definition)
# pint spells the short ton `ton`, so `short_ton` and the ambiguous `ton` were
# one unit; a unit of its own lets the library accept the one and refuse the other.
ureg.define("short_ton = 2000 * pound")

MASS = ureg.tonne
"""Canonical unit of mass, of ore and of metal alike: the tonne."""
GRADE = ureg.dimensionless
"""Canonical unit of grade: a mass fraction (1 means 100 %)."""
DAYS = ureg.day
"""Canonical unit of time: the day."""

PRINTED_UNITS: Mapping[str, str] = {
    # precious metal: `oz` is the troy ounce in mining releases
    "oz": "troy_ounce",
    "ozs": "troy_ounce",
    "ounce": "troy_ounce",
    "ounces": "troy_ounce",
    "troy oz": "troy_ounce",
    "troy ounce": "troy_ounce",
    "troy ounces": "troy_ounce",
    "oz t": "troy_ounce",
    "ozt": "troy_ounce",
    "toz": "troy_ounce",
    "koz": "kilo_troy_ounce",
    "thousand oz": "kilo_troy_ounce",
    "thousand ounces": "kilo_troy_ounce",
    "moz": "mega_troy_ounce",
    "million oz": "mega_troy_ounce",
    "million ounces": "mega_troy_ounce",
    # base metal
    "lb": "pound",
    "lbs": "pound",
    "pound": "pound",
    "pounds": "pound",
    "klb": "kilo_pound",
    "klbs": "kilo_pound",
    "thousand lb": "kilo_pound",
    "thousand lbs": "kilo_pound",
    "thousand pounds": "kilo_pound",
    "mlb": "mega_pound",
    "mlbs": "mega_pound",
    "million lb": "mega_pound",
    "million lbs": "mega_pound",
    "million pounds": "mega_pound",
    "g": "gram",
    "grams": "gram",
    "kg": "kilogram",
    "kilograms": "kilogram",
    # ore and concentrate
    "t": "tonne",
    "tonne": "tonne",
    "tonnes": "tonne",
    "metric tonnes": "tonne",
    "dmt": "tonne",
    "wmt": "tonne",
    "kt": "kilotonne",
    "thousand tonnes": "kilotonne",
    "mt": "megatonne",
    "million tonnes": "megatonne",
    "st": "short_ton",
    "short ton": "short_ton",
    "short tons": "short_ton",
    "dst": "short_ton",
    # grades
    "%": "percent",
    "percent": "percent",
    "per cent": "percent",
    "g/t": "gram / tonne",
    "gpt": "gram / tonne",
    "grams per tonne": "gram / tonne",
    "kg/t": "kilogram / tonne",
    "ppm": "ppm",
    "ppb": "parts_per_billion",
    "opt": "ounce_per_short_ton",
    "oz/st": "ounce_per_short_ton",
    "ounces per short ton": "ounce_per_short_ton",
    # rates and time
    "t/d": "tonne_per_day",
    "tpd": "tonne_per_day",
    "tonnes per day": "tonne_per_day",
    "st/d": "short_ton / day",
    "tph": "tonne / hour",
    "ktpd": "kilotonne / day",
    "ktpa": "kilotonne / year",
    "mtpa": "megatonne / year",
    "d": "day",
    "day": "day",
    "days": "day",
    "h": "hour",
    "hr": "hour",
    "hour": "hour",
    "hours": "hour",
    "year": "year",
    "yr": "year",
    "a": "year",
    "pct": "percent",
    "m lb": "mega_pound",
    "m lbs": "mega_pound",
    "m oz": "mega_troy_ounce",
    "k oz": "kilo_troy_ounce",
    "ounces per tonne": "troy_ounce / tonne",
    # headings in thousands: "'000 t", "000 oz", "(000's)"
    "'000 t": "kilotonne",
    "000 t": "kilotonne",
    "'000 tonnes": "kilotonne",
    "000 tonnes": "kilotonne",
    "'000 dmt": "kilotonne",
    "'000 wmt": "kilotonne",
    "'000 oz": "kilo_troy_ounce",
    "000 oz": "kilo_troy_ounce",
    "000's oz": "kilo_troy_ounce",
    "'000 ounces": "kilo_troy_ounce",
    "000 ounces": "kilo_troy_ounce",
    "'000 lb": "kilo_pound",
    "000 lb": "kilo_pound",
    "'000 lbs": "kilo_pound",
    "k lb": "kilo_pound",
}
"""Printed unit spellings (lower case, single-spaced) and the registry unit each means.

``mt`` and ``moz``/``mlb`` are matched case-sensitively first (``Mt``, ``Moz``,
``Mlb``); a lower-case ``mt`` is refused as ambiguous (metric ton or megatonne).
"""

AMBIGUOUS_UNITS: Mapping[str, str] = {
    "ton": "a short ton (st) or a tonne (t)",
    "tons": "short tons (st) or tonnes (t)",
    "oz/t": "troy ounces per short ton (opt) or per tonne",
    "oz/ton": "troy ounces per short ton (opt) or per tonne",
    "mt": "a metric ton (t) or a megatonne (Mt)",
}
"""Spellings refused unless pinned, and why."""

_CASE_SENSITIVE = {"Mt": "megatonne", "Moz": "mega_troy_ounce", "Mlb": "mega_pound"}

# Metals often printed beside a unit ("0.31 % Cu", "12,500 oz Au", "g/t Ag"):
# the symbol is dropped when the unit is read, and kept in the printed label.
_METAL_TAGS = frozenset(
    [
        "Ag",
        "Au",
        "Cu",
        "Pb",
        "Zn",
        "Mo",
        "Ni",
        "Co",
        "Pt",
        "Pd",
        "Fe",
        "Sn",
        "W",
        "Sb",
        "Bi",
        "Li",
        "Mn",
        "U3O8",
        "AgEq",
        "AuEq",
        "CuEq",
        "ZnEq",
    ]
)

NumberFormat = Literal["1,234.5", "1 234.5", "1.234,5", "1 234,5", "1'234.5"]
NUMBER_FORMATS: tuple[NumberFormat, ...] = (
    "1,234.5",
    "1 234.5",
    "1.234,5",
    "1 234,5",
    "1'234.5",
)
"""The ``[release] numbers`` settings: how a table groups thousands and marks
decimals. The first is the default."""

_SEPARATORS: Mapping[str, tuple[str, str]] = {
    "1,234.5": (",", "."),
    "1 234.5": (" ", "."),
    "1.234,5": (".", ","),
    "1 234,5": (" ", ","),
    "1'234.5": ("'", "."),
}


def _number_pattern(group: str, decimal: str) -> re.Pattern[str]:
    g, d = re.escape(group), re.escape(decimal)
    digits = (
        rf"[0-9]{{1,3}}(?:{g}[0-9]{{3}})+(?:{d}[0-9]+)?"
        rf"|[0-9]+(?:{d}[0-9]+)?|{d}[0-9]+"
    )
    return re.compile(
        rf"^(?P<sign>[-+\u2212\u2013])?\ ?(?P<digits>{digits})(?P<gap>\ ?)(?P<unit>.*)$",
        re.ASCII,
    )


_NUMBER_PATTERNS: dict[str, re.Pattern[str]] = {
    fmt: _number_pattern(*_SEPARATORS[fmt]) for fmt in NUMBER_FORMATS
}

# characters that look like a digit separator but are not the ASCII one
_LOOKALIKES = {
    "\u066b": ",",  # ARABIC DECIMAL SEPARATOR
    "\u066c": ",",  # ARABIC THOUSANDS SEPARATOR
    "\u060c": ",",  # ARABIC COMMA
    "\uff0c": ",",  # FULLWIDTH COMMA
    "\ufe50": ",",  # SMALL COMMA
    "\u201a": ",",  # SINGLE LOW-9 QUOTATION MARK
    "\uff0e": ".",  # FULLWIDTH FULL STOP
    "\ufe52": ".",  # SMALL FULL STOP
    "\u2024": ".",  # ONE DOT LEADER
    "\u00b7": ".",  # MIDDLE DOT
    "\u2019": "'",  # RIGHT SINGLE QUOTATION MARK
    "\u2018": "'",  # LEFT SINGLE QUOTATION MARK
    "\u02bc": "'",  # MODIFIER LETTER APOSTROPHE
    "\u2032": "'",  # PRIME
    "\uff07": "'",  # FULLWIDTH APOSTROPHE
}

_NIL_CELLS = frozenset({"-", "\u2013", "\u2014", "n/a", "na", "nil", "nm"})


class NumberFormatError(ReleaseFormatError):
    """A printed number that the declared ``numbers`` format cannot read.

    ``readable_under`` lists the formats that would read it.
    """

    def __init__(
        self,
        message: str,
        where: str | None = None,
        value: str | None = None,
        readable_under: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, where, value)
        self.readable_under = readable_under
        self.args = (message, where, value, readable_under)


@dataclass(frozen=True, slots=True)
class PrintedValue:
    """A number as printed, with its unit.

    Attributes
    ----------
    text : str
        The printed text, unchanged.
    number : decimal.Decimal
        The printed number, signed, with its printed digits (``Decimal("11.30")``
        keeps the trailing zero).
    unit_label : str
        The unit as printed, normalised to single spaces (``"g/t"``, ``"%"``).
    unit : pint.Unit
        What the unit means on :data:`ureg`.
    """

    text: str
    number: Decimal
    unit_label: str
    unit: pint.Unit

    @property
    def quantity(self) -> Quantity:
        """The value as a Quantity in its printed unit."""
        return Q_(float(self.number), self.unit)


def _clean(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    return " ".join(text.split())


_PIN_TOKEN = re.compile(
    r"\s*(?:(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]{1,2})?)"
    r"|(?P<power>\*\*|\^)|(?P<op>[*/()]))",
    re.ASCII,
)
_PIN_MAX_LENGTH = 200
_PIN_MAX_DEPTH = 8
_PIN_MAX_EXPONENT = 4


def _pin_tokens(expression: str) -> list[tuple[str, str]]:
    tokens = []
    position, end = 0, len(expression.rstrip())
    while position < end:
        match = _PIN_TOKEN.match(expression, position)
        if match is None or match.end() == position:
            raise ValueError(f"unexpected {expression[position:].strip()[:10]!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match[kind]))
        position = match.end()
    return tokens


def _check_pin_grammar(expression: str) -> None:
    """Accept unit names, ``*``, ``/``, parentheses, decimal factors and integer
    exponents of magnitude at most 4 (``**`` or ``^``); raise ValueError otherwise.

    ``expr := term (("*" | "/") term)*``;
    ``term := atom [("**" | "^") ["-"] integer]``;
    ``atom := name | number | "(" expr ")"``.
    """
    if len(expression) > _PIN_MAX_LENGTH:
        raise ValueError(f"longer than {_PIN_MAX_LENGTH} characters")
    tokens = _pin_tokens(expression)
    position = 0

    def peek() -> tuple[str, str]:
        return tokens[position] if position < len(tokens) else ("end", "")

    def take() -> tuple[str, str]:
        nonlocal position
        token = peek()
        position += 1
        return token

    def atom(depth: int) -> None:
        kind, text = take()
        if kind in ("name", "number"):
            return
        if (kind, text) == ("op", "("):
            if depth >= _PIN_MAX_DEPTH:
                raise ValueError(f"nested deeper than {_PIN_MAX_DEPTH}")
            expr(depth + 1)
            if take() != ("op", ")"):
                raise ValueError("unbalanced parentheses")
            return
        raise ValueError(f"expected a unit name, a number or '(' at {text or 'end'!r}")

    def term(depth: int) -> None:
        atom(depth)
        if peek()[0] == "power":
            take()
            kind, text = take()
            if (kind == "op" and text == "-") or (kind, text) == ("op", "/"):
                raise ValueError("an exponent must be a whole number")
            if kind != "number" or not text.isdigit():
                raise ValueError(f"an exponent must be a whole number, not {text!r}")
            if int(text) > _PIN_MAX_EXPONENT:
                raise ValueError(f"exponent {text} is above {_PIN_MAX_EXPONENT}")

    def expr(depth: int) -> None:
        term(depth)
        while peek() in (("op", "*"), ("op", "/")):
            take()
            term(depth)

    expr(0)
    if position != len(tokens):
        raise ValueError(f"unexpected {peek()[1]!r}")
    if not any(kind == "name" for kind, _ in tokens):
        raise ValueError("it names no unit")


@functools.lru_cache(maxsize=256)
def _pin_unit(expression: str) -> pint.Unit:
    _check_pin_grammar(expression)
    quantity = ureg.parse_expression(expression)
    if not isinstance(quantity, pint.Quantity):  # a bare number
        raise ValueError("not a unit")
    magnitude = float(quantity.magnitude)
    if magnitude == 1.0:
        unit: pint.Unit = ureg.Unit(str(quantity.units))
        return unit
    if not (magnitude > 0 and magnitude < 1e300):
        raise ValueError("its factor must be positive and finite")
    name = "pinned_" + re.sub(r"[^A-Za-z0-9]", "_", f"{magnitude!r}_{quantity.units}")
    if name not in ureg:
        ureg.define(f"{name} = {magnitude!r} * {quantity.units}")
    scaled: pint.Unit = ureg.Unit(name)
    return scaled


def pin_unit(expression: str, *, where: str = "unit", spelling: str = "") -> pint.Unit:
    """The unit a ``[release.units]`` pin names, read by a small safe grammar.

    A pin is unit names of the registry, ``*``, ``/``, parentheses (at most 8
    deep), decimal factors (``1000 * tonne``) and whole exponents of at most 4
    (``meter**3``); anything else is refused before pint evaluates it, so no
    pin can make the check compute for long.

    Raises
    ------
    UnitError
        Naming the pin, if it is outside the grammar or not a unit.

    Examples
    --------
    >>> pin_unit("troy_ounce / short_ton") == ureg.troy_ounce / ureg.short_ton
    True
    >>> f"{Q_(1, pin_unit('1000 * tonne')).to('tonne'):~P}"
    '1000.0 t'
    """
    try:
        return _pin_unit(
            expression if isinstance(expression, str) else repr(expression)
        )
    except (pint.errors.PintError, ValueError, TypeError, AttributeError) as err:
        raise UnitError(
            f"{where}: [release.units] pins {spelling or expression!r} to "
            f"{expression!r}, which is not a unit expression ({err}); write unit "
            'names joined by * and /, e.g. "troy_ounce / short_ton"',
            where,
            str(expression),
        ) from err


_WORD = re.compile(r"[A-Za-z]+|[^A-Za-z]+")


def _find_pin(label: str, pins: Mapping[str, str]) -> str | None:
    """The pin for ``label``: its exact spelling, else one that differs only in
    the case of words of four letters or more (``Tonnes`` for ``tonnes``).

    Abbreviations keep their case (``oz/T`` is not ``oz/t``, ``Mt`` not ``mt``).
    """
    if label in pins:
        return pins[label]
    words = _WORD.findall(label)
    for spelling, expression in pins.items():
        other = _WORD.findall(_clean(spelling))
        if len(other) == len(words) and all(
            a == b or (len(a) >= 4 and a.isalpha() and a.lower() == b.lower())
            for a, b in zip(words, other, strict=True)
        ):
            return expression
    return None


def parse_unit(
    label: str, *, pins: Mapping[str, str] | None = None, where: str = "unit"
) -> pint.Unit:
    """Return the registry unit that a printed unit spelling means.

    Parameters
    ----------
    label : str
        The unit as printed: ``"g/t"``, ``"million lb"``, ``"oz"``, ``"%"``.
    pins : mapping of str to str, optional
        A release's ``[release.units]`` table: printed spelling -> registry
        expression. Pins are consulted first and are the only way to use an
        ambiguous spelling such as ``oz/t``.
    where : str
        The figure or key being read, for error messages.

    Returns
    -------
    pint.Unit

    Raises
    ------
    UnitError
        If the spelling is ambiguous and not pinned, or unknown.

    Examples
    --------
    >>> parse_unit("ounces")
    <Unit('troy_ounce')>
    >>> unit = parse_unit("oz/T", pins={"oz/T": "troy_ounce / short_ton"})
    >>> f"{Q_(1, unit).to('g/t'):.4f~P}"
    '34.2857 g/t'
    """
    label = _clean(label)
    pinned_as = _find_pin(label, pins) if pins else None
    if pinned_as is not None:
        return pin_unit(pinned_as, where=where, spelling=label)
    if label == "":
        return ureg.dimensionless
    if label in _CASE_SENSITIVE:
        return ureg.Unit(_CASE_SENSITIVE[label])
    key = label.lower()
    if key in AMBIGUOUS_UNITS:
        meaning = AMBIGUOUS_UNITS[key]
        raise UnitError(
            f"{where}: unit {label!r} is ambiguous ({meaning}); write the unit "
            f"explicitly or pin its meaning in [release.units], e.g. "
            f'"{label}" = "troy_ounce / short_ton"',
            where,
            label,
        )
    if key in PRINTED_UNITS:
        known: pint.Unit = ureg.Unit(PRINTED_UNITS[key])
        return known
    words = label.split()
    if len(words) > 1 and (words[0] in _METAL_TAGS or words[-1] in _METAL_TAGS):
        rest = words[1:] if words[0] in _METAL_TAGS else words[:-1]
        return parse_unit(" ".join(rest), pins=pins, where=where)
    if "/" in key:
        num, _, den = (part.strip() for part in label.partition("/"))
        if num and den:
            numerator = parse_unit(num, pins=pins, where=where)
            ratio: pint.Unit = numerator / parse_unit(den, pins=pins, where=where)
            return ratio
    raise UnitError(
        f"{where}: unknown unit {label!r}; known spellings are listed by "
        "`massbalance help release-format` (or pin it in [release.units])",
        where,
        label,
    )


def _check_characters(text: str, where: str) -> None:
    """Refuse non-ASCII digits and lookalike separators, which would misread."""
    if text.isascii():
        return
    for ch in text:
        if ch in _LOOKALIKES:
            raise ReleaseFormatError(
                f"{where}: {text!r} holds {ch!r} (U+{ord(ch):04X} "
                f"{unicodedata.name(ch, 'unnamed')}), which looks like a digit "
                f"separator but is not one; retype it as {_LOOKALIKES[ch]!r}",
                where,
                text,
            )
        if ch not in "0123456789" and unicodedata.category(ch) == "Nd":
            raise ReleaseFormatError(
                f"{where}: {text!r} holds the non-ASCII digit {ch!r} (U+{ord(ch):04X} "
                f"{unicodedata.name(ch, 'unnamed')}); retype the figure with the "
                "digits 0-9",
                where,
                text,
            )


def _read_number(clean: str, numbers: str) -> tuple[Decimal, str, str] | None:
    """(unsigned number, sign, unit text) of ``clean`` under one format, or None."""
    match = _NUMBER_PATTERNS[numbers].match(clean)
    if match is None:
        return None
    unit = match["unit"]
    if unit[:1].isdigit() or (unit[:1] in (",", ".", "'") and not match["gap"]):
        return None  # digits or a separator the format does not read
    group, decimal = _SEPARATORS[numbers]
    digits = match["digits"].replace(group, "").replace(decimal, ".")
    return Decimal(digits), match["sign"] or "", unit


def _unwrap(text: str) -> tuple[str, bool]:
    """The cleaned text without enclosing parentheses, and whether it had them."""
    clean = _clean(text)
    if clean.startswith("(") and ")" in clean:
        inner, _, after = clean[1:].partition(")")
        return _clean(inner + " " + after), True
    return clean, False


def number_readings(text: str) -> dict[str, Decimal]:
    """How each ``numbers`` format reads the number of ``text`` (unsigned).

    Formats that cannot read it are left out.

    Examples
    --------
    >>> number_readings("4.353 tpd")
    {'1,234.5': Decimal('4.353'), '1 234.5': Decimal('4.353'), '1.234,5': Decimal('4353'), "1'234.5": Decimal('4.353')}
    """
    clean, _ = _unwrap(text)
    out: dict[str, Decimal] = {}
    for fmt in NUMBER_FORMATS:
        read = _read_number(clean, fmt)
        if read is not None:
            out[fmt] = read[0]
    return out


def is_nil(text: object) -> bool:
    """Whether ``text`` is an empty table cell: ``"-"``, ``"\u2014"``, ``"n/a"``, ``"nil"``."""
    if not isinstance(text, str) or len(text) > 12:  # the longest is " ( n/a ) "
        return False
    if text.lstrip()[:1].isdigit():  # a number: the common case, decided at once
        return False
    return _unwrap(text)[0].lower() in _NIL_CELLS


def _unreadable(text: str, clean: str, where: str, numbers: str) -> ReleaseFormatError:
    """The error for a number the declared format cannot read, with a hint."""
    setting = f'numbers = "{numbers}"' + (
        " (the default)" if numbers == NUMBER_FORMATS[0] else ""
    )
    group = _SEPARATORS[numbers][0]
    match = _NUMBER_PATTERNS[numbers].match(clean)
    if (
        group != " "
        and match is not None
        and match["gap"]
        and match["unit"][:1].isdigit()
    ):
        number = match["digits"]
        return NumberFormatError(
            f"{where}: {text!r} has a space inside a number, which {setting} does "
            f"not read; under a heading in thousands write the unit in thousands "
            f'after {number} ("{number} kt", "{number} koz", "{number} \'000 t"), '
            'or if spaces group thousands set [release] numbers = "1 234.5" '
            '(or "1 234,5")',
            where,
            text,
            ("1 234.5", "1 234,5"),
        )
    readings = number_readings(text)
    if readings:
        others = " or ".join(f'numbers = "{fmt}"' for fmt in readings)
        return NumberFormatError(
            f"{where}: {text!r} is not a number under {setting}; it reads under "
            f"{others}: set that in [release] if the table prints its numbers so",
            where,
            text,
            tuple(readings),
        )
    return ReleaseFormatError(
        f"{where}: {text!r} is not a well-formed number under {setting}",
        where,
        text,
    )


def parse_printed(
    text: str,
    *,
    pins: Mapping[str, str] | None = None,
    where: str = "value",
    numbers: str = "1,234.5",
) -> PrintedValue:
    """Read a value as printed in a release: ``"21,251 t"``, ``"(2.3 %)"``.

    Under the default ``numbers = "1,234.5"`` thousands are grouped by commas
    only and the decimal mark is a point; the other settings
    (:data:`NUMBER_FORMATS`) group by spaces, points or apostrophes and mark
    decimals with a comma. A leading ``-`` (or a Unicode minus) or enclosing
    parentheses mark a negative number; the unit may be glued to the number
    (``"11.3%"``) and may be spelled out (``"4.93 million lb"``). Non-ASCII
    digits and lookalike separators (a full-width comma, an Arabic decimal
    separator) are refused.

    Parameters
    ----------
    text : str
        The printed value with its unit.
    pins : mapping of str to str, optional
        A release's ``[release.units]`` table (see :func:`parse_unit`).
    where : str
        The figure or key being read, for error messages.
    numbers : str
        The number format, one of :data:`NUMBER_FORMATS`.

    Returns
    -------
    PrintedValue

    Raises
    ------
    ReleaseFormatError
        If the text holds no number or a malformed one
        (:class:`NumberFormatError` when another format would read it).
    UnitError
        If the unit is unknown or ambiguous.

    Examples
    --------
    >>> parse_printed("(2.3 %)").number
    Decimal('-2.3')
    >>> parse_printed("4.93 million lb").quantity.to("pound")
    <Quantity(4930000.0, 'pound')>
    >>> parse_printed("1.234,5 t", numbers="1.234,5").number
    Decimal('1234.5')
    """
    if not isinstance(text, str):
        raise ReleaseFormatError(
            f'{where}: expected a printed value in quotes such as "21,251 t", '
            f"got {text!r}",
            where,
            repr(text),
        )
    if numbers not in _NUMBER_PATTERNS:
        raise ReleaseFormatError(
            f"{where}: numbers must be one of {NUMBER_FORMATS}, got {numbers!r}",
            where,
            str(numbers),
        )
    _check_characters(text, where)
    clean, negative = _unwrap(text)
    if is_nil(clean):
        raise ReleaseFormatError(
            f"{where}: {text!r} is an empty table cell, not a number; as a figure "
            'write it alone ("-", "n/a"), and it is listed as not printed, or leave '
            "the figure out of the file",
            where,
            text,
        )
    read = _read_number(clean, numbers)
    if read is None:
        if not any(ch in "0123456789" for ch in clean):
            raise ReleaseFormatError(
                f"{where}: {text!r} is not a printed number with a unit "
                '(expected something like "21,251 t" or "11.3 %")',
                where,
                text,
            )
        raise _unreadable(text, clean, where, numbers)
    number, sign, unit_text = read
    if sign and sign != "+":
        negative = not negative
    if negative:
        number = -number
    label = _clean(unit_text)
    if label[:1] == "-" and label[1:2].isalpha():  # "15.7-million pounds"
        label = label[1:]
    unit = parse_unit(label, pins=pins, where=where)
    return PrintedValue(text=text, number=number, unit_label=label, unit=unit)


def parse_quantity(text: str, *, pins: Mapping[str, str] | None = None) -> Quantity:
    """Return a printed value such as ``"40.5 opt"`` as a Quantity on :data:`ureg`.

    Examples
    --------
    >>> f"{parse_quantity('40.5 opt').to('g/t'):.1f~P}"
    '1388.6 g/t'
    """
    return parse_printed(text, pins=pins, where=repr(text)).quantity


def set_as_application_registry() -> None:
    """Make :data:`ureg` pint's application registry (opt-in, process-wide).

    Afterwards unpickled Quantities, and those built with ``pint.Quantity``
    directly, live on :data:`ureg`. Importing massbalance does not do this:
    it would change every other pint user in the program.

    Examples
    --------
    >>> import pint
    >>> previous = pint.get_application_registry().get()
    >>> set_as_application_registry()
    >>> pint.get_application_registry().get() is ureg
    True
    >>> pint.set_application_registry(previous)
    """
    pint.set_application_registry(ureg)  # type: ignore[no-untyped-call]


def on_registry(value: Quantity, *, name: str = "value") -> Quantity:
    """Return ``value`` on :data:`ureg`, converting from a foreign pint registry.

    A Quantity from the caller's own ``pint.UnitRegistry()`` is rebuilt from
    its magnitude and the string form of its unit, once the unit is checked to
    mean the same (the same root units and factor) in both registries.

    Parameters
    ----------
    value : pint.Quantity
        A Quantity from any registry.
    name : str
        What the value is, for error messages.

    Returns
    -------
    pint.Quantity
        The same Quantity on :data:`ureg` (``value`` itself when already there).

    Raises
    ------
    UnitError
        If the unit is not defined on :data:`ureg`, or is defined differently
        in the two registries; the message names the registry problem.

    Examples
    --------
    >>> import pint
    >>> theirs = pint.UnitRegistry().Quantity(2.5, "g/t")
    >>> on_registry(theirs, name="feed.Au")
    <Quantity(2.5, 'gram / metric_ton')>
    """
    if value._REGISTRY is ureg:
        return value
    text = str(value.units)
    try:
        unit = ureg.Unit(text)
        ours = Q_(1.0, unit).to_root_units()
        theirs = value._REGISTRY.Quantity(1.0, value.units).to_root_units()
    except (pint.errors.PintError, ValueError, TypeError, AttributeError) as err:
        raise UnitError(
            f"{name}: {value!r} comes from another pint registry and its unit "
            f"{text!r} is not defined on massbalance.ureg; build it with "
            "massbalance.Q_ or convert it to a unit both registries define",
            name,
            text,
        ) from err
    same = str(ours.units) == str(theirs.units) and np.isclose(
        float(ours.magnitude), float(theirs.magnitude), rtol=1e-12, atol=0.0
    )
    if not same:
        raise UnitError(
            f"{name}: unit {text!r} is {float(theirs.magnitude):.9g} "
            f"{theirs.units} in the quantity's own pint registry but "
            f"{float(ours.magnitude):.9g} {ours.units} on massbalance.ureg; "
            "build the quantity with massbalance.Q_",
            name,
            text,
        )
    return Q_(value.magnitude, unit)


@functools.lru_cache(maxsize=1024)
def _factor(unit: Any, to: Any) -> float:
    """The factor between two units of :data:`ureg`, keyed on their
    registry-independent containers (unit name -> exponent)."""
    return float(Q_(1.0, unit).m_as(ureg.Unit(to)))


def conversion_factor(unit: pint.Unit, to: pint.Unit) -> float:
    """How many ``to`` one ``unit`` is (remembered: a release converts the
    same few units hundreds of times).

    The memory is keyed on the units' names and exponents, not on pint
    objects, so a unit from another registry can neither poison it nor be
    answered from it: such units go through :func:`on_registry` each time.

    Raises
    ------
    pint.DimensionalityError
        If the two are not of one dimension.
    UnitError
        If a unit comes from another registry and is unknown or defined
        differently on :data:`ureg`.

    Examples
    --------
    >>> conversion_factor(ureg.Unit("troy_ounce"), ureg.Unit("gram"))
    31.1034768
    """
    if unit._REGISTRY is ureg and to._REGISTRY is ureg:
        return _factor(unit._units, to._units)
    mine = on_registry(1.0 * unit, name=str(unit)).units
    target = on_registry(1.0 * to, name=str(to)).units
    return _factor(mine._units, target._units)


PRECIOUS_METALS = frozenset({"Au", "Ag", "Pt", "Pd", "Rh"})
"""Metals weighed in troy ounces: an avoirdupois ``oz`` is refused for them."""

_TON = (
    "'ton' is ambiguous (pint reads it as the short ton of 2,000 lb; "
    "releases also write it for the tonne): write 'short_ton' or 'tonne' ('t')"
)
_OZ_PER_TON = (
    "'oz/ton' is ambiguous (avoirdupois or troy ounce, short ton or tonne): "
    "write 'opt' (troy ounce per short ton) or 'troy_ounce / tonne', or "
    "'g/t'"
)
_AVOIRDUPOIS = (
    "'oz' on pint is the avoirdupois ounce (28.35 g); {element} is weighed in "
    "troy ounces (31.10 g): write 'troy_ounce' ('toz', 'koz', 'Moz'), or "
    "'opt' / 'g/t' for a grade"
)


def _element_of(element: str | None) -> str | None:
    if element is None:
        return None
    bare = element.removesuffix("Eq").removesuffix("_eq")
    return element if bare in PRECIOUS_METALS else None


@functools.lru_cache(maxsize=1024)
def _trap(key: Any, precious: str | None) -> str | None:
    names = dict(key.items()) if hasattr(key, "items") else {}
    if "ton" in names:
        return _OZ_PER_TON if "ounce" in names else _TON
    if precious is not None and "ounce" in names:
        return _AVOIRDUPOIS.format(element=precious)
    return None


def trap_unit(unit: pint.Unit, *, element: str | None = None) -> str | None:
    """Why ``unit`` is a trap for ``element``, or None when it is safe.

    The traps are ``ton``/``tons`` (short ton or tonne?), ``oz/ton`` (which
    ounce, which ton?) and, for a precious metal (:data:`PRECIOUS_METALS`),
    pint's ``oz``, the avoirdupois ounce. ``short_ton``, ``tonne``,
    ``troy_ounce`` and ``opt`` are safe.

    Examples
    --------
    >>> trap_unit(ureg.Unit("ounce"), element="Ag")[:40]
    "'oz' on pint is the avoirdupois ounce (2"
    >>> trap_unit(ureg.Unit("ounce"), element="Cu") is None
    True
    >>> trap_unit(ureg.Unit("short_ton")) is None
    True
    """
    return _trap(unit._units, _element_of(element))


def check_trap_units(value: Quantity, *, name: str, element: str | None = None) -> None:
    """Raise :class:`UnitError` when ``value`` is in a trap unit (see :func:`trap_unit`).

    Parameters
    ----------
    value : pint.Quantity
        A mass, grade or contained metal.
    name : str
        What the value is (``"feed.Au"``), for the message.
    element : str, optional
        The element the value belongs to; an avoirdupois ounce is refused for
        a precious metal only.

    Raises
    ------
    UnitError
        Naming the value, its unit and the spelling to use instead.

    Examples
    --------
    >>> try:
    ...     check_trap_units(Q_(0.1, "ounce / ton"), name="ore.Au", element="Au")
    ... except UnitError as err:
    ...     print(str(err)[:50])
    ore.Au: 0.1 ounce / ton is refused: 'oz/ton' is am
    """
    why = _trap(value._units, _element_of(element))
    if why is not None:
        # the units' full names: an abbreviation such as "oz/t" is itself ambiguous
        shown = (
            f"{value.magnitude} {value.units}"
            if np.ndim(value.magnitude) == 0
            else str(value.units)
        )
        raise UnitError(f"{name}: {shown} is refused: {why}", name, shown)


def reporting_unit(element: str, *, base: str = "tonne") -> pint.Unit:
    """The unit an element's contained metal is reported in.

    Precious metals (:data:`PRECIOUS_METALS`, and their equivalents such as
    ``AgEq``) in troy ounces; base metals in ``base``, by default the tonne
    (``"pound"`` for the North American convention).

    Examples
    --------
    >>> reporting_unit("Ag"), reporting_unit("Zn"), reporting_unit("Cu", base="lb")
    (<Unit('troy_ounce')>, <Unit('metric_ton')>, <Unit('pound')>)
    """
    if _element_of(element) is not None:
        return ureg.troy_ounce
    unit: pint.Unit = ureg.Unit(base)
    return unit


def to_canonical(
    value: object, unit: pint.Unit, *, name: str
) -> npt.NDArray[np.float64]:
    """Return ``value`` as float64 magnitudes in ``unit``.

    Parameters
    ----------
    value : pint.Quantity
        A scalar or array Quantity on :data:`ureg`.
    unit : pint.Unit
        The canonical unit wanted (:data:`MASS`, :data:`GRADE`, :data:`DAYS`...).
    name : str
        What the value is, for error messages.

    Returns
    -------
    numpy.ndarray of float64

    Raises
    ------
    UnitError
        If ``value`` is not a Quantity (a bare float for a dimensional
        argument), or is not convertible to ``unit``.

    Examples
    --------
    >>> to_canonical(Q_(899, "g/t"), GRADE, name="feed.Ag")
    array(0.000899)
    """
    if not isinstance(value, pint.Quantity):
        raise UnitError(
            f"{name}: expected a Quantity in {unit:~P} or convertible, got {value!r} "
            f"(write Q_({value!r}, '...'))",
            name,
            repr(value),
        )
    value = on_registry(value, name=name)
    try:
        return np.asarray(value.m_as(unit), dtype=np.float64)
    except pint.DimensionalityError as err:
        raise UnitError(
            f"{name}: {value:~P} is not convertible to {unit:~P}", name, f"{value:~P}"
        ) from err
