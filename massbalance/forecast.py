"""Production forecasts over scenario arrays, checked against printed guidance.

:func:`forecast` turns a plan (tonnage, or throughput x days), head grades and
recoveries to each product -- scalars or arrays of scenarios -- into contained
metal per product, in troy ounces for precious metals and pounds for base
metals. :meth:`Forecast.percentiles` summarises the scenarios, and
:meth:`Forecast.check` compares them with a guidance range written as printed
(``"2.2 to 2.5 million ounces"``, ``"approximately 19 million pounds"``,
``"more than 7.5 million pounds"``).

Examples
--------
The seed's first quarter as a one-scenario forecast:

>>> from massbalance import Q_
>>> fc = forecast(tonnage=Q_(21251, "t"),
...               head_grades={"Ag": Q_(899, "g/t"), "Pb": Q_(11.3, "%")},
...               recoveries={"pb_conc": {"Ag": Q_(88, "%"), "Pb": Q_(93, "%")},
...                           "zn_conc": {"Ag": Q_(6, "%")}})
>>> f"{fc.total('Ag'):,.0f~P}", f"{fc.contained['pb_conc']['Pb']:,.0f~P}"
('577,375 toz', '4,923,512 lb')
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pint

from ._typing import Quantity
from .errors import AssayError, InputError, UnitError
from .figures import Figure
from .streams import check_grade, check_mass
from .units import (
    DAYS,
    MASS,
    PRECIOUS_METALS,
    Q_,
    parse_printed,
    to_canonical,
    ureg,
)

__all__ = [
    "PRECIOUS_METALS",
    "Forecast",
    "Guidance",
    "GuidanceCheck",
    "forecast",
    "parse_guidance",
]


_ABOVE = ("more than", "greater than", "in excess of", "at least", "over", "above")
_BELOW = ("less than", "up to", "at most", "below", "under")
_APPROX = ("approximately", "approx.", "about", "around", "roughly", "some", "~")


@dataclass(frozen=True, slots=True)
class Guidance:
    """A guidance range as printed, and the interval it stands for.

    Attributes
    ----------
    text : str
        The guidance as printed.
    low, high : pint.Quantity
        Bounds in the printed unit (``-inf``/``inf`` when open).
    kind : str
        ``"range"`` (``"2.2 to 2.5 million ounces"``: the printed bounds),
        ``"approximately"`` (the interval the printed precision allows:
        ``"19 million pounds"`` is 18.5 to 19.5), ``"above"`` or ``"below"``.
    """

    text: str
    low: Quantity
    high: Quantity
    kind: Literal["range", "approximately", "above", "below"]

    def contains(
        self, value: Quantity
    ) -> np.ndarray[tuple[int, ...], np.dtype[np.bool_]]:
        """Whether each value lies inside the guidance (bounds included)."""
        unit = self.low.units
        try:
            v = np.asarray(value.m_as(unit), dtype=float)
        except (pint.DimensionalityError, AttributeError) as err:
            raise UnitError(
                f"guidance {self.text!r} is in {unit:~P}; cannot compare {value!r}",
                self.text,
            ) from err
        return np.asarray((v >= self.low.m) & (v <= self.high.m))


def _strip(text: str, words: Sequence[str]) -> tuple[str, bool]:
    low = text.lower()
    for word in words:
        if low.startswith(word + " ") or (word == "~" and low.startswith("~")):
            return text[len(word) :].strip(), True
    return text, False


def parse_guidance(text: str) -> Guidance:
    """Read guidance written as printed.

    Parameters
    ----------
    text : str
        ``"2.2 to 2.5 million ounces"``, ``"2.2 million to 2.5 million ounces
        of silver"``, ``"approximately 19 million pounds"``, ``"more than 7.5
        million pounds"``, ``"up to 30,000 t"``.

    Returns
    -------
    Guidance

    Raises
    ------
    ReleaseFormatError
        If no number can be read.
    UnitError
        If the unit is unknown or ambiguous.

    Examples
    --------
    >>> g = parse_guidance("approximately 2.2 million to 2.5 million ounces")
    >>> g.kind, f"{g.low:~P}", f"{g.high:~P}"
    ('range', '2.2 Moz', '2.5 Moz')
    >>> g = parse_guidance("approximately 19 million pounds of lead")
    >>> g.kind, f"{g.low:~P}", f"{g.high:~P}"
    ('approximately', '18.5 Mlb', '19.5 Mlb')
    >>> parse_guidance("more than 7.5 million pounds").high
    <Quantity(inf, 'mega_pound')>
    """
    clean = " ".join(str(text).split())
    clean = re.split(r"\s+of\s+", clean, maxsplit=1)[0]  # "... ounces of silver"
    body, _ = _strip(clean, _APPROX)
    body, above = _strip(body, _ABOVE)
    body, below = (body, False) if above else _strip(body, _BELOW)
    body, _ = _strip(body, ("between",))
    parts = re.split(r"\s+(?:to|and)\s+|\s*[-\u2013]\s*(?=\d)", body, maxsplit=1)
    where = f"guidance {text!r}"
    if len(parts) == 2 and not (above or below):
        hi = parse_printed(parts[1], where=where)
        lo_text = parts[0].strip()
        words = lo_text.split(maxsplit=1)
        lo_label = words[1] if len(words) > 1 else ""
        if not lo_label or hi.unit_label.startswith(lo_label):
            lo_text = f"{words[0]} {hi.unit_label}"
        lo = parse_printed(lo_text, where=where)
        unit = hi.unit
        low = Q_(float(lo.number), lo.unit).to(unit)
        return Guidance(text, low, Q_(float(hi.number), unit), "range")
    figure = Figure.parse(where, body)
    value = Q_(float(figure.number), figure.unit)
    if above:
        return Guidance(text, value, Q_(math.inf, figure.unit), "above")
    if below:
        return Guidance(text, Q_(0.0, figure.unit), value, "below")
    lo_d, hi_d = figure.interval("nearest")
    return Guidance(
        text,
        Q_(float(lo_d), figure.unit),
        Q_(float(hi_d), figure.unit),
        "approximately",
    )


@dataclass(frozen=True, slots=True)
class GuidanceCheck:
    """How forecast scenarios compare with a guidance range.

    Attributes
    ----------
    guidance : Guidance
    percentiles : dict of float to pint.Quantity
        P5, P50, P95 of the forecast, in the guidance's unit.
    fraction_within : float
        Share of scenarios inside the guidance. [-]
    verdict : str
        ``"within"`` if the median lies inside, else ``"below"`` or ``"above"``.
    """

    guidance: Guidance
    percentiles: Mapping[float, Quantity]
    fraction_within: float
    verdict: Literal["within", "below", "above"]

    def explain(self) -> str:
        """One line a person can read."""
        p = ", ".join(f"P{q:g} {v:,.3f~P}" for q, v in self.percentiles.items())
        return (
            f"{self.guidance.text!r} = [{self.guidance.low:~P}, "
            f"{self.guidance.high:~P}]: median {self.verdict}; {p}; "
            f"{self.fraction_within:.1%} of scenarios inside"
        )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Forecast:
    """Contained metal per product over scenarios.

    Attributes
    ----------
    tonnage : pint.Quantity, [mass]
        Ore processed per scenario. [t]
    contained : mapping of str to mapping of str to pint.Quantity
        Product -> element -> contained metal, in troy ounces (precious
        metals) or pounds (the others) unless other units were asked. [oz t, lb]
    """

    tonnage: Quantity
    contained: Mapping[str, Mapping[str, Quantity]] = field(default_factory=dict)

    def total(self, element: str, products: Sequence[str] | None = None) -> Quantity:
        """Metal of ``element`` summed over ``products`` (default: all that
        recover it)."""
        chosen = (
            [p for p in self.contained if element in self.contained[p]]
            if products is None
            else list(products)
        )
        if not chosen:
            raise AssayError(f"forecast: no product recovers {element!r}", element)
        parts = []
        for p in chosen:
            if p not in self.contained or element not in self.contained[p]:
                raise AssayError(
                    f"forecast: product {p!r} has no recovery for {element!r}",
                    f"{p}.{element}",
                )
            parts.append(self.contained[p][element])
        unit = parts[0].units
        return Q_(sum(np.asarray(q.m_as(unit)) for q in parts), unit)

    def percentiles(
        self,
        element: str,
        q: Sequence[float] = (5, 50, 95),
        products: Sequence[str] | None = None,
    ) -> dict[float, Quantity]:
        """Percentiles of the total over scenarios, ``{5: ..., 50: ..., 95: ...}``."""
        total = self.total(element, products)
        values = np.percentile(np.ravel(total.m), list(q))
        return {
            float(k): Q_(float(v), total.units) for k, v in zip(q, values, strict=True)
        }

    def check(
        self,
        element: str,
        guidance: str | Guidance,
        products: Sequence[str] | None = None,
    ) -> GuidanceCheck:
        """Compare the scenarios with guidance written as printed.

        Examples
        --------
        >>> fc = forecast(tonnage=Q_(85_000, "t"), head_grades={"Ag": Q_(899, "g/t")},
        ...               recoveries={"conc": {"Ag": Q_(94, "%")}})
        >>> fc.check("Ag", "2.2 to 2.5 million ounces").verdict
        'within'
        """
        g = guidance if isinstance(guidance, Guidance) else parse_guidance(guidance)
        total = self.total(element, products)
        inside = g.contains(total)
        unit = g.low.units
        pct = {
            k: v.to(unit)
            for k, v in self.percentiles(element, products=products).items()
        }
        median = pct[50.0].m
        verdict: Literal["within", "below", "above"] = (
            "below" if median < g.low.m else "above" if median > g.high.m else "within"
        )
        return GuidanceCheck(g, pct, float(np.mean(inside)), verdict)

    def to_frame(self) -> Any:
        """Contained metal as a pandas DataFrame (needs the ``pandas`` extra).

        One row per product (per scenario, under a ``scenario`` index level),
        one column per element with its unit in the second header row; see
        :func:`massbalance.frames.forecast_frame`.
        """
        from .frames import forecast_frame

        return forecast_frame(self)


def forecast(
    *,
    head_grades: Mapping[str, Quantity],
    recoveries: Mapping[str, Mapping[str, Quantity]],
    tonnage: Quantity | None = None,
    throughput: Quantity | None = None,
    days: Quantity | None = None,
    units: Mapping[str, str] | None = None,
) -> Forecast:
    """Contained metal per product from a plan, over arrays of scenarios.

    Parameters
    ----------
    head_grades : mapping of str to pint.Quantity, dimensionless
        Element -> mill-feed grade, scalar or array. [-]
    recoveries : mapping of str to mapping of str to pint.Quantity
        Product -> element -> recovery to that product, scalar or array. [-]
    tonnage : pint.Quantity, [mass], optional
        Ore processed. [t]
    throughput, days : pint.Quantity, optional
        Instead of ``tonnage``: a rate [t/d] and a number of days [d].
    units : mapping of str to str, optional
        Element -> reporting unit; default troy ounces for precious metals
        (:data:`PRECIOUS_METALS`), pounds for the others.

    Returns
    -------
    Forecast

    Raises
    ------
    UnitError
        If a value is a bare number or of the wrong dimension.
    AssayError
        If a grade or recovery lies outside [0, 100 %], a recovered element
        has no head grade, or an element's recoveries add up to more than
        100 %.
    InputError
        If the tonnage is given twice or not at all, or is negative.

    Examples
    --------
    >>> import numpy as np
    >>> fc = forecast(throughput=Q_(np.array([230, 240]), "t/d"), days=Q_(366, "d"),
    ...               head_grades={"Zn": Q_(5.7, "%")},
    ...               recoveries={"zn_conc": {"Zn": Q_(57, "%")}})
    >>> fc.total("Zn").to("Mlb").round(2)
    <Quantity([6.03 6.29], 'mega_pound')>
    """
    if tonnage is not None and (throughput is not None or days is not None):
        raise InputError("forecast: give tonnage, or throughput and days, not both")
    if tonnage is None:
        if throughput is None or days is None:
            raise InputError("forecast: give tonnage, or throughput and days")
        rate = to_canonical(throughput, MASS / DAYS, name="throughput")
        d = to_canonical(days, DAYS, name="days")
        tonnage = Q_(rate * d, MASS)
    ore = check_mass(tonnage, name="tonnage")
    heads = {e: check_grade(g, name=f"feed.{e}") for e, g in head_grades.items()}
    totals: dict[str, np.ndarray[tuple[int, ...], np.dtype[np.float64]]] = {}
    contained: dict[str, Mapping[str, Quantity]] = {}
    for product, table in recoveries.items():
        out: dict[str, Quantity] = {}
        for element, recovery in table.items():
            if element not in heads:
                raise AssayError(
                    f"forecast: {product} recovers {element!r}, which has no head "
                    f"grade (head grades: {', '.join(heads) or 'none'})",
                    f"{product}.{element}",
                )
            r = check_grade(recovery, name=f"recovery {product}.{element}")
            totals[element] = totals.get(element, np.float64(0.0)) + r
            unit = (units or {}).get(
                element, "troy_ounce" if element in PRECIOUS_METALS else "pound"
            )
            try:
                out[element] = Q_(ore * heads[element] * r, MASS).to(ureg.Unit(unit))
            except (pint.errors.UndefinedUnitError, pint.DimensionalityError) as err:
                raise UnitError(
                    f"forecast: {unit!r} is not a unit of mass for {element}",
                    element,
                    unit,
                ) from err
        contained[product] = MappingProxyType(out)
    for element, total in totals.items():
        if np.any(total > 1 + 1e-12):
            worst = float(np.max(total)) * 100
            raise AssayError(
                f"forecast: recoveries of {element} add up to {worst:.6g} % over "
                "the products, more than 100 %",
                element,
                f"{worst:.6g} %",
            )
    return Forecast(tonnage=Q_(ore, MASS), contained=MappingProxyType(contained))
