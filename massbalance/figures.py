"""A printed figure: its exact text, value, unit, precision and rounding interval.

A figure such as ``"11.3 %"`` stands for every true value that prints as
``11.3 %``: under conventional rounding (``nearest``) the interval
[11.25 %, 11.35 %], under truncation (``truncate``) [11.3 %, 11.4 %), and under
``either`` the union of the two. The step is one unit in the last printed digit;
tables print each row at one precision, so trailing zeros count as printed
(``"90 %"`` has a step of 1 %) unless the release pins another step or the
check is asked to read trailing zeros as ambiguous.

Examples
--------
>>> from massbalance.figures import Figure
>>> f = Figure.parse("2012Q1.recovery.Ag", "94 %")
>>> f.step, f.interval("nearest"), f.interval("truncate")
(Decimal('1'), (Decimal('93.5'), Decimal('94.5')), (Decimal('94'), Decimal('95')))
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import pint

from ._typing import Quantity
from .errors import ReleaseFormatError, UnitError
from .units import NUMBER_FORMATS, Q_, conversion_factor, is_nil, parse_printed, ureg

__all__ = [
    "BOUND_WORDS",
    "ROUNDING_METHODS",
    "TRAILING_ZEROS_READINGS",
    "Figure",
    "Rounding",
    "TrailingZeros",
]

Rounding = Literal["nearest", "truncate", "either"]
TrailingZeros = Literal["significant", "ambiguous"]
ROUNDING_METHODS: tuple[Rounding, ...] = ("nearest", "truncate", "either")
TRAILING_ZEROS_READINGS: tuple[TrailingZeros, ...] = ("significant", "ambiguous")

_REL_WIDEN = 1e-14  # outward margin on unit conversion, far above float error
_OPEN_MARGIN = 3e-9
"""An open end of an interval is moved inward by this fraction of its value:
three times the relative residual a witness is verified to (1e-9), so a
witness at the excluded end is never accepted, while true values closer to it
than that are all that the margin leaves out."""

BOUND_WORDS: Mapping[str, str] = {
    "just over": "above",
    "more than": "above",
    "at least": "above",
    "over": "above",
    "just under": "below",
    "less than": "below",
    "under": "below",
    "nearly": "below",
    "almost": "below",
    "approximately": "about",
    "approx.": "about",
    "approx": "about",
    "about": "about",
}
"""Words a release prints before a figure, and what they bound: ``above`` is
[v, +inf), ``below`` is (-inf, v], ``about`` is the ordinary rounding interval."""


@dataclass(frozen=True, slots=True)
class Figure:
    """One printed figure of a release.

    Attributes
    ----------
    id : str
        Its id in reports, e.g. ``"2012Q1.grade.pb_conc.Ag"``.
    text : str
        Exactly as printed, e.g. ``"5,144 g/t"``.
    number : decimal.Decimal
        The printed number (signed) [printed unit].
    unit_label : str
        The unit as printed (``"g/t"``) [-].
    unit : pint.Unit
        What the unit means.
    step : decimal.Decimal
        One unit in the last printed digit, or the pinned step [printed unit].
    pinned : bool
        Whether the release pinned the step.
    bound : str
        ``""`` for an ordinary figure; ``"above"`` (printed after "over", "at
        least", ...: [v, +inf)), ``"below"`` ("under", "nearly", ...: (-inf, v])
        or ``"about"`` ("approximately": ordinary rounding).
    share : decimal.Decimal
        The attributable share it is printed at (1 for 100 %) [-].
    nil : bool
        An empty table cell (``"-"``, ``"n/a"``): listed, never checked.
    """

    id: str
    text: str
    number: Decimal
    unit_label: str
    unit: pint.Unit
    step: Decimal
    pinned: bool = False
    bound: str = ""  #: "", "above", "below" or "about" (the printed word's reading)
    share: Decimal = Decimal(1)  #: the attributable share it is printed at (1 = 100 %)
    nil: bool = False  #: an empty table cell ("-", "n/a"): listed, never checked

    @classmethod
    def nil_cell(cls, id: str, text: str) -> Figure:
        """An empty table cell, kept so that reports can list it as not printed."""
        return cls(id, text, Decimal(0), "", ureg.dimensionless, Decimal(1), nil=True)

    @classmethod
    def parse(
        cls,
        id: str,
        text: str,
        *,
        step: str | None = None,
        pins: Mapping[str, str] | None = None,
        numbers: str = NUMBER_FORMATS[0],
    ) -> Figure:
        """Read a figure from its printed text.

        The text may start with a bounding word (:data:`BOUND_WORDS`):
        ``"over 21,000 t"``, ``"approximately 2.2 million oz"``.

        Parameters
        ----------
        id : str
            The figure id, used in every message.
        text : str
            The figure as printed, with its unit.
        step : str, optional
            A pinned step with its unit, e.g. ``"100 t"``.
        pins : mapping, optional
            The release's ``[release.units]`` table.
        numbers : str
            The release's number format (:data:`massbalance.units.NUMBER_FORMATS`).

        Raises
        ------
        ReleaseFormatError
            If the text or the step cannot be read, or the step is not positive.
        UnitError
            If a unit is unknown, ambiguous or of the wrong kind for the step.
        """
        if is_nil(text):
            return cls.nil_cell(id, text)
        bound, body = _bound_word(text)
        printed = parse_printed(body, pins=pins, where=id, numbers=numbers)
        exponent = printed.number.as_tuple().exponent
        assert isinstance(exponent, int)
        if step is None:
            the_step = Decimal(1).scaleb(exponent)
            pinned = False
        else:
            pinned_value = parse_printed(
                step, pins=pins, where=f"{id}.step", numbers=numbers
            )
            if pinned_value.number <= 0:
                raise ReleaseFormatError(
                    f"{id}: step {step!r} must be positive", id, step
                )
            try:
                factor = Q_(1, pinned_value.unit).m_as(printed.unit)
            except pint.DimensionalityError as err:
                raise UnitError(
                    f"{id}: step {step!r} is not in a unit of {text!r}", id, step
                ) from err
            the_step = pinned_value.number * Decimal(repr(float(factor)))
            pinned = True
        return cls(
            id=id,
            text=text,
            number=printed.number,
            unit_label=printed.unit_label,
            unit=printed.unit,
            step=the_step,
            pinned=pinned,
            bound=bound,
        )

    @property
    def trailing_zeros(self) -> int:
        """How many printed trailing zeros an integer figure has (0 if pinned).

        ``"1,200 t"`` has 2; ``"1,200.0 t"`` and ``"1,201 t"`` have 0.
        """
        if self.pinned or self.number == 0:
            return 0
        _, digits, exponent = self.number.as_tuple()
        if not isinstance(exponent, int) or exponent < 0:
            return 0
        count = 0
        for digit in reversed(digits):
            if digit != 0:
                break
            count += 1
        return count

    def effective_step(self, trailing_zeros: TrailingZeros = "significant") -> Decimal:
        """The step used for the interval: the widest reading if asked.

        Examples
        --------
        >>> f = Figure.parse("x", "1,200 t")
        >>> f.effective_step(), f.effective_step("ambiguous")
        (Decimal('1'), Decimal('1E+2'))
        """
        if trailing_zeros == "ambiguous" and self.trailing_zeros:
            return self.step.scaleb(self.trailing_zeros)
        return self.step

    def interval(
        self,
        rounding: Rounding = "nearest",
        trailing_zeros: TrailingZeros = "significant",
    ) -> tuple[Decimal, Decimal]:
        """The true values that print as this figure, in the printed unit.

        ``nearest``: [v - s/2, v + s/2]; ``truncate``: [v, v + s) for v > 0,
        (v - s, v] for v < 0 and (-s, s) for 0; ``either``: the union of both.
        Which ends are open is :meth:`open_ends`. A figure printed after
        ``over`` is [v, +inf), after ``under`` (-inf, v].
        """
        v = self.number
        if self.bound == "above":
            return v, Decimal("Infinity")
        if self.bound == "below":
            return Decimal("-Infinity"), v
        s = self.effective_step(trailing_zeros)
        half = s / 2
        if rounding == "nearest":
            return v - half, v + half
        if rounding == "truncate":
            if v > 0:
                return v, v + s
            if v < 0:
                return v - s, v
            return -s, s
        if rounding == "either":
            if v > 0:
                return v - half, v + s
            if v < 0:
                return v - s, v + half
            return -s, s
        raise ValueError(
            f"rounding must be one of {ROUNDING_METHODS}, got {rounding!r}"
        )

    def open_ends(self, rounding: Rounding = "nearest") -> tuple[bool, bool]:
        """Whether the lower and the upper end of :meth:`interval` are excluded.

        Cut digits never reach the next printed value: a true 47,900.0
        truncates to 47,900, so ``"47,899 t"`` excludes 47,900 t. Under
        ``nearest`` both ends are included (a tie may round either way).
        """
        if self.bound in ("above", "below") or rounding == "nearest":
            return False, False
        v = self.number
        return v <= 0, v >= 0

    def canonical_interval(
        self,
        canonical: pint.Unit,
        rounding: Rounding = "nearest",
        trailing_zeros: TrailingZeros = "significant",
        *,
        factor: float | None = None,
    ) -> tuple[float, float]:
        """The interval in ``canonical`` units as floats.

        A closed end is rounded outward; an open end (:meth:`open_ends`) is
        moved inward by three parts in 10^9 of its value, so that no witness at
        the excluded value passes verification. ``factor``, canonical units
        per printed unit, saves a unit conversion when the caller already has it.
        """
        lo, hi = self.interval(rounding, trailing_zeros)
        if factor is None:
            factor = self.factor(canonical)
        flo, fhi = float(lo) * factor, float(hi) * factor
        open_lo, open_hi = self.open_ends(rounding)
        if open_lo:
            flo += abs(flo) * _OPEN_MARGIN
        else:
            flo -= abs(flo) * _REL_WIDEN + 1e-300
            flo = math.nextafter(flo, -math.inf)
        if open_hi:
            fhi -= abs(fhi) * _OPEN_MARGIN
        else:
            fhi += abs(fhi) * _REL_WIDEN + 1e-300
            fhi = math.nextafter(fhi, math.inf)
        return flo, fhi

    def factor(self, canonical: pint.Unit) -> float:
        """How many ``canonical`` units one printed unit is.

        Raises
        ------
        UnitError
            If the printed unit is not convertible to ``canonical``.
        """
        try:
            return conversion_factor(self.unit, canonical)
        except pint.DimensionalityError as err:
            raise UnitError(
                f"{self.id}: {self.text!r} is in {self.unit_label or 'no unit'}, "
                f"which is not a unit of {canonical:~P}",
                self.id,
                self.text,
            ) from err

    @property
    def value(self) -> Quantity:
        """The printed value as a Quantity in its printed unit."""
        return Q_(float(self.number), self.unit)


def _bound_word(text: str) -> tuple[str, str]:
    """The bound a leading word states, and the text without it."""
    if not text.lstrip()[:1].isalpha():  # a number first: no word
        return "", text
    clean = " ".join(text.split())
    lower = clean.lower()
    for word, bound in BOUND_WORDS.items():
        if lower.startswith(word) and (
            len(lower) > len(word) and (word.endswith(".") or lower[len(word)] == " ")
        ):
            return bound, clean[len(word) :].strip()
    return "", text
