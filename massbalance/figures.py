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
from .units import Q_, conversion_factor, parse_printed

__all__ = [
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
    """

    id: str
    text: str
    number: Decimal
    unit_label: str
    unit: pint.Unit
    step: Decimal
    pinned: bool = False

    @classmethod
    def parse(
        cls,
        id: str,
        text: str,
        *,
        step: str | None = None,
        pins: Mapping[str, str] | None = None,
    ) -> Figure:
        """Read a figure from its printed text.

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

        Raises
        ------
        ReleaseFormatError
            If the text or the step cannot be read, or the step is not positive.
        UnitError
            If a unit is unknown, ambiguous or of the wrong kind for the step.
        """
        printed = parse_printed(text, pins=pins, where=id)
        exponent = printed.number.as_tuple().exponent
        assert isinstance(exponent, int)
        if step is None:
            the_step = Decimal(1).scaleb(exponent)
            pinned = False
        else:
            pinned_value = parse_printed(step, pins=pins, where=f"{id}.step")
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

        ``nearest``: [v - s/2, v + s/2]; ``truncate``: [v, v + s] for v > 0,
        [v - s, v] for v < 0 and [-s, s] for 0; ``either``: the union of both.
        Bounds are closed (a closed enclosure of the half-open truth).
        """
        v = self.number
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

    def canonical_interval(
        self,
        canonical: pint.Unit,
        rounding: Rounding = "nearest",
        trailing_zeros: TrailingZeros = "significant",
        *,
        factor: float | None = None,
    ) -> tuple[float, float]:
        """The interval in ``canonical`` units as floats, rounded outward.

        ``factor``, canonical units per printed unit, saves a unit conversion
        when the caller already has it.
        """
        lo, hi = self.interval(rounding, trailing_zeros)
        if factor is None:
            factor = self.factor(canonical)
        flo, fhi = float(lo) * factor, float(hi) * factor
        flo -= abs(flo) * _REL_WIDEN + 1e-300
        fhi += abs(fhi) * _REL_WIDEN + 1e-300
        return math.nextafter(flo, -math.inf), math.nextafter(fhi, math.inf)

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
