"""Streams of dry solids: mass, grades by element, moisture; contained metal.

A :class:`Stream` is a frozen record. Its mass and grades are Quantities on
:data:`massbalance.units.ureg`, in any unit of the right dimension: grades may
mix ``g/t``, ``%``, ``ppm`` and ``opt`` within one stream. Every value may be
an array: one ``Stream`` then holds N scenarios, and every method broadcasts.

Examples
--------
The seed's lead concentrate, first quarter 2012:

>>> from massbalance import Q_, Stream
>>> pb_conc = Stream(name="pb_conc", dry_mass=Q_(3376, "t"),
...                  grades={"Ag": Q_(5144, "g/t"), "Pb": Q_(66, "%")})
>>> f"{pb_conc.contained('Ag').to('troy_ounce'):,.0f~P}"
'558,334 toz'
>>> f"{pb_conc.contained('Pb').to('lb'):,.0f~P}"
'4,912,252 lb'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pint

from ._typing import FloatArray, Quantity
from .errors import AssayError, InfeasibleError, InputError, UnitError
from .units import (
    GRADE,
    MASS,
    Q_,
    check_trap_units,
    conversion_factor,
    on_registry,
    reporting_unit,
    to_canonical,
    ureg,
)

__all__ = ["Stream", "check_grade", "check_mass", "tail_by_difference"]

_TOL = 1e-12  # relative slack for "negative" tails computed by difference


def _canonical(value: object, unit: pint.Unit, *, name: str) -> FloatArray:
    """:func:`~massbalance.units.to_canonical` with the conversion factor cached,
    quantities from other registries converted and trap units refused.

    Grades and masses are multiplicative units, so a conversion is one
    multiplication; anything unusual goes through ``to_canonical`` (which
    raises the UnitError). ``name`` is ``"stream.element"`` for a grade: the
    element decides whether an avoirdupois ounce is a trap.
    """
    if isinstance(value, pint.Quantity):
        if value._REGISTRY is not ureg:
            value = on_registry(value, name=name)
        element = name.rpartition(".")[2]
        check_trap_units(value, name=name, element=element)
        try:
            factor = conversion_factor(value.units, unit)  # type: ignore[arg-type]
        except (pint.DimensionalityError, TypeError):
            pass
        else:
            magnitude = np.asarray(value.magnitude, dtype=np.float64)
            return magnitude if factor == 1.0 else np.asarray(magnitude * factor)
    return to_canonical(value, unit, name=name)


def _first_bad(mask: FloatArray | np.ndarray[Any, Any]) -> str:
    """Describe where ``mask`` is first true: '' for a scalar, else the index."""
    if np.ndim(mask) == 0:
        return ""
    index = tuple(int(i) for i in np.argwhere(mask)[0])
    return f" (scenario {index[0] if len(index) == 1 else index})"


def _show(value: FloatArray, mask: np.ndarray[Any, Any], unit: str) -> str:
    bad = np.asarray(value)[mask] if np.ndim(value) else np.asarray(value)
    return f"{float(np.ravel(bad)[0]):.6g} {unit}"


def check_mass(value: object, *, name: str) -> FloatArray:
    """Return a mass as float tonnes, refusing bare numbers, NaN and negatives.

    Parameters
    ----------
    value : pint.Quantity, [mass]
        A scalar or array mass. [t]
    name : str
        What the value is (``"pb_conc.dry_mass"``), for error messages.

    Returns
    -------
    numpy.ndarray of float64
        The mass in tonnes. [t]

    Raises
    ------
    UnitError
        If ``value`` is a bare number or not a mass.
    InputError
        If any value is negative or not finite.

    Notes
    -----
    A negative or non-finite *input* mass raises :class:`InputError` itself,
    on purpose: none of its subclasses fits (:class:`UnitError` is for a wrong
    or missing unit, :class:`AssayError` for grades and missing elements,
    :class:`FlowsheetError` for topology, :class:`ReleaseFormatError` for
    unreadable figures), and :class:`InfeasibleError` is a :class:`SolveError`
    kept for *computed* results, such as a negative tail by difference
    (:func:`tail_by_difference`). Catch ``InputError`` (or ``ValueError``) for
    bad masses; the message names the stream and the offending value in t.

    Examples
    --------
    >>> check_mass(Q_(2, "short_ton"), name="feed.dry_mass")
    array(1.81436948)
    """
    tonnes = _canonical(value, MASS, name=name)
    bad = ~np.isfinite(tonnes) | (tonnes < 0)
    if np.any(bad):
        raise InputError(
            f"{name}: mass must be finite and not negative, got "
            f"{_show(tonnes, bad, 't')}{_first_bad(bad)}",
            name,
            _show(tonnes, bad, "t"),
        )
    return tonnes


def check_grade(value: object, *, name: str) -> FloatArray:
    """Return a grade as a float mass fraction, refusing values outside [0, 100 %].

    Parameters
    ----------
    value : pint.Quantity, dimensionless
        A scalar or array grade in any grade unit (``%``, ``g/t``, ``ppm``,
        ``opt``). [-]
    name : str
        Stream and element (``"feed.Ag"``), for error messages.

    Returns
    -------
    numpy.ndarray of float64
        The grade as a mass fraction (1 means 100 %). [-]

    Raises
    ------
    UnitError
        If ``value`` is a bare number or not a grade.
    AssayError
        If any value is below 0, above 100 % or not finite.

    Examples
    --------
    >>> check_grade(Q_(40.5, "opt"), name="ore.Ag")
    array(0.00138857)
    """
    if isinstance(value, pint.Quantity) and value._REGISTRY is not ureg:
        value = on_registry(value, name=name)
    try:
        fraction = _canonical(value, GRADE, name=name)
    except UnitError as err:
        if isinstance(value, pint.Quantity) and not value.dimensionless:
            raise UnitError(
                f"{name}: {value:~P} is not a grade (expected %, g/t, ppm, opt "
                "or another mass fraction)",
                name,
                f"{value:~P}",
            ) from err
        raise
    if fraction.ndim == 0 and 0.0 <= float(fraction) <= 1.0:
        return fraction  # the common scalar case, without array reductions
    bad = ~np.isfinite(fraction) | (fraction < 0) | (fraction > 1)
    if np.any(bad):
        shown = _show(fraction * 100, bad, "%")
        raise AssayError(
            f"{name}: grade {shown} is outside 0-100 %{_first_bad(bad)}",
            name,
            shown,
        )
    return fraction


def _readonly(quantity: Quantity) -> Quantity:
    magnitude = quantity.magnitude
    if isinstance(magnitude, np.ndarray):
        magnitude = magnitude.copy()
        magnitude.flags.writeable = False
        return Q_(magnitude, quantity.units)
    return quantity


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Stream:
    """Dry solids moving between two nodes over one accounting period.

    Parameters
    ----------
    name : str
        A snake_case id such as ``"zn_conc"``; errors name it.
    dry_mass : pint.Quantity, [mass]
        Dry mass, scalar or array (one value per scenario). [t]
    grades : mapping of str to pint.Quantity, dimensionless
        Element -> grade as a mass fraction in any grade unit; units may differ
        between elements. [-]
    moisture : pint.Quantity, dimensionless, optional
        Moisture as a fraction of the wet mass (``Q_(8.1, "%")``). [-]

    Raises
    ------
    UnitError
        If a mass or grade is a bare number or of the wrong dimension.
    AssayError
        If a grade lies outside [0, 100 %].
    InputError
        If the mass is negative, or the moisture is 100 % or more.

    Examples
    --------
    >>> zn = Stream(name="zn_conc", dry_mass=Q_(1583, "t"),
    ...             grades={"Ag": Q_(460, "g/t"), "Zn": Q_(43, "%")},
    ...             moisture=Q_(8, "%"))
    >>> f"{zn.wet_mass:.1f~P}", f"{zn.grade('Ag').to('opt'):.2f~P}"
    ('1720.7 t', '13.42 opt')
    """

    name: str
    dry_mass: Quantity
    grades: Mapping[str, Quantity] = field(default_factory=dict)
    moisture: Quantity | None = None

    def __post_init__(self) -> None:
        check_mass(self.dry_mass, name=f"{self.name}.dry_mass")
        object.__setattr__(self, "dry_mass", _readonly(self.dry_mass))
        grades: dict[str, Quantity] = {}
        for element, grade in dict(self.grades).items():
            check_grade(grade, name=f"{self.name}.{element}")
            grades[element] = _readonly(grade)
        object.__setattr__(self, "grades", MappingProxyType(grades))
        if self.moisture is not None:
            moisture = check_grade(self.moisture, name=f"{self.name}.moisture")
            if np.any(moisture >= 1):
                raise InputError(
                    f"{self.name}.moisture: {self.moisture:~P} leaves no solids",
                    f"{self.name}.moisture",
                    f"{self.moisture:~P}",
                )
        np.broadcast_shapes(*(np.shape(q.magnitude) for q in self._quantities()))

    def __reduce__(self) -> tuple[Any, ...]:
        # Quantities travel as (magnitude, unit string): unpickling must not
        # depend on which pint registry is the application registry.
        return (
            _rebuild,
            (
                self.name,
                _plain(self.dry_mass),
                {e: _plain(g) for e, g in self.grades.items()},
                None if self.moisture is None else _plain(self.moisture),
            ),
        )

    def _quantities(self) -> list[Quantity]:
        extra = [] if self.moisture is None else [self.moisture]
        return [self.dry_mass, *self.grades.values(), *extra]

    @classmethod
    def from_wet(
        cls,
        *,
        name: str,
        wet_mass: Quantity,
        moisture: Quantity,
        grades: Mapping[str, Quantity] | None = None,
    ) -> Stream:
        """Build a stream from its wet mass and moisture.

        Parameters
        ----------
        name : str
            The stream's id.
        wet_mass : pint.Quantity, [mass]
            Mass including water. [t]
        moisture : pint.Quantity, dimensionless
            Water as a fraction of the wet mass. [-]
        grades : mapping of str to pint.Quantity, optional
            Dry-basis grades by element. [-]

        Returns
        -------
        Stream
            With ``dry_mass = wet_mass * (1 - moisture)``.

        Examples
        --------
        >>> s = Stream.from_wet(name="pb_conc", wet_mass=Q_(3673.6, "t"),
        ...                     moisture=Q_(8.1, "%"))
        >>> f"{s.dry_mass:.1f~P}"
        '3376.0 t'
        """
        wet = check_mass(wet_mass, name=f"{name}.wet_mass")
        water = check_grade(moisture, name=f"{name}.moisture")
        return cls(
            name=name,
            dry_mass=Q_(wet * (1 - water), MASS),
            grades=dict(grades or {}),
            moisture=moisture,
        )

    @property
    def elements(self) -> tuple[str, ...]:
        """The assayed elements, in the order given."""
        return tuple(self.grades)

    @property
    def shape(self) -> tuple[int, ...]:
        """The broadcast shape of all values (``()`` for one scenario)."""
        return np.broadcast_shapes(*(np.shape(q.magnitude) for q in self._quantities()))

    @property
    def wet_mass(self) -> Quantity:
        """Mass including water [t]; equal to the dry mass without a moisture."""
        dry = to_canonical(self.dry_mass, MASS, name=f"{self.name}.dry_mass")
        if self.moisture is None:
            return Q_(dry, MASS)
        water = to_canonical(self.moisture, GRADE, name=f"{self.name}.moisture")
        return Q_(dry / (1 - water), MASS)

    def grade(self, element: str) -> Quantity:
        """Return the grade of ``element`` in its own unit.

        Raises
        ------
        AssayError
            If the stream has no assay for ``element``.
        """
        try:
            return self.grades[element]
        except KeyError:
            raise AssayError(
                f"{self.name}: no assay for element {element!r} (assayed: "
                f"{', '.join(self.grades) or 'none'})",
                f"{self.name}.{element}",
                None,
            ) from None

    def contained(
        self, element: str, unit: str | pint.Unit | None = None, *, base: str = "t"
    ) -> Quantity:
        """Return the metal contained, dry mass x grade, in the unit it is reported in.

        Parameters
        ----------
        element : str
            An assayed element.
        unit : str or pint.Unit, optional
            The unit wanted. By default the industry's: troy ounces for
            precious metals (Au, Ag, Pt, Pd, Rh), ``base`` for the others.
        base : str
            The default unit for base metals: ``"t"`` (tonnes, the default) or
            ``"lb"`` (pounds, the North American convention).

        Returns
        -------
        pint.Quantity, [mass]
            Contained metal. [toz for precious metals, else t or lb]

        Raises
        ------
        AssayError
            If the stream has no assay for ``element``.
        UnitError
            If ``unit`` is a trap: ``ton``, or pint's avoirdupois ``oz`` for a
            precious metal (the message names the troy or metric spelling).

        Examples
        --------
        >>> s = Stream(name="zn_conc", dry_mass=Q_(1583, "t"),
        ...            grades={"Ag": Q_(460, "g/t"), "Zn": Q_(43, "%")})
        >>> f"{s.contained('Ag'):,.0f~P}"
        '23,412 toz'
        >>> f"{s.contained('Zn'):,.1f~P}", f"{s.contained('Zn', base='lb'):,.0f~P}"
        ('680.7 t', '1,500,665 lb')
        """
        grade = check_grade(self.grade(element), name=f"{self.name}.{element}")
        mass = _canonical(self.dry_mass, MASS, name=f"{self.name}.dry_mass")
        if unit is None:
            target = reporting_unit(element, base=base)
        else:
            target = ureg.Unit(unit) if isinstance(unit, str) else unit
            check_trap_units(
                Q_(1.0, target),
                name=f"{self.name}.{element} contained",
                element=element,
            )
        factor = conversion_factor(MASS, target)
        return Q_(mass * grade * factor, target)

    def replace(self, **changes: Any) -> Stream:
        """Return a copy with some fields changed (the record is frozen)."""
        return dataclasses.replace(self, **changes)

    def split(self, fractions: Mapping[str, Quantity]) -> tuple[Stream, ...]:
        """Split into streams of the same grades, by mass fraction.

        Parameters
        ----------
        fractions : mapping of str to pint.Quantity, dimensionless
            New stream name -> fraction of this stream's mass; the fractions
            must sum to 100 %. [-]

        Returns
        -------
        tuple of Stream

        Raises
        ------
        InputError
            If the fractions do not sum to 100 % or one is outside [0, 100 %].

        Examples
        --------
        >>> ore = Stream(name="ore", dry_mass=Q_(100, "t"),
        ...              grades={"Pb": Q_(5, "%")})
        >>> a, b = ore.split({"east": Q_(30, "%"), "west": Q_(70, "%")})
        >>> f"{b.dry_mass:.0f~P}", f"{b.grade('Pb'):.0f~P}"
        ('70 t', '5 %')
        """
        values = {}
        for key, fraction in fractions.items():
            try:
                values[key] = check_grade(fraction, name=f"{self.name}->{key}")
            except AssayError as err:
                raise InputError(
                    f"{self.name}: split fraction to {key!r} must lie in [0, 100 %]",
                    err.where,
                    err.value,
                ) from err
        total = sum(values.values(), np.float64(0.0))
        if np.any(np.abs(np.asarray(total) - 1) > 1e-9):
            raise InputError(
                f"{self.name}: split fractions sum to "
                f"{float(np.ravel(total)[0]) * 100:.6g} %, not 100 %",
                self.name,
                f"{float(np.ravel(total)[0]) * 100:.6g} %",
            )
        mass = to_canonical(self.dry_mass, MASS, name=f"{self.name}.dry_mass")
        return tuple(
            Stream(
                name=key,
                dry_mass=Q_(mass * fraction, MASS),
                grades=dict(self.grades),
                moisture=self.moisture,
            )
            for key, fraction in values.items()
        )

    def __add__(self, other: Stream) -> Stream:
        """Blend two streams (see :meth:`blend`)."""
        if not isinstance(other, Stream):
            return NotImplemented
        return Stream.blend([self, other], name=f"{self.name}+{other.name}")

    @staticmethod
    def blend(streams: Iterable[Stream], *, name: str) -> Stream:
        """Mix streams: masses add, grades are mass-weighted.

        Parameters
        ----------
        streams : iterable of Stream
            Streams assayed for the same elements.
        name : str
            The blend's id.

        Returns
        -------
        Stream
            Grades as mass fractions (``Q_(..., "")``); a blend of zero mass
            has zero grades.

        Raises
        ------
        AssayError
            If an element is assayed in some streams but not in others.

        Examples
        --------
        >>> a = Stream(name="a", dry_mass=Q_(1, "t"), grades={"Cu": Q_(1, "%")})
        >>> b = Stream(name="b", dry_mass=Q_(3, "t"), grades={"Cu": Q_(3, "%")})
        >>> f"{(a + b).grade('Cu').to('%'):.1f~P}"
        '2.5 %'
        """
        parts = list(streams)
        if not parts:
            raise InputError(f"{name}: nothing to blend", name)
        elements = parts[0].elements
        for part in parts[1:]:
            missing = set(elements).symmetric_difference(part.elements)
            if missing:
                element = sorted(missing)[0]
                holder = parts[0] if element not in elements else part
                holder.grade(element)  # raises AssayError naming the stream
        masses = [
            to_canonical(p.dry_mass, MASS, name=f"{p.name}.dry_mass") for p in parts
        ]
        total = sum(masses, np.float64(0.0))
        safe = np.where(total > 0, total, 1.0)
        grades = {}
        for element in elements:
            metal = sum(
                (m * check_grade(p.grade(element), name=f"{p.name}.{element}"))
                for m, p in zip(masses, parts, strict=True)
            )
            grades[element] = Q_(
                np.clip(np.where(total > 0, metal / safe, 0.0), 0, 1), GRADE
            )
        return Stream(name=name, dry_mass=Q_(total, MASS), grades=grades)


def _plain(quantity: Quantity) -> tuple[Any, str]:
    return (quantity.magnitude, str(quantity.units))


def _rebuild(
    name: str,
    dry_mass: tuple[Any, str],
    grades: dict[str, tuple[Any, str]],
    moisture: tuple[Any, str] | None,
) -> Stream:
    return Stream(
        name=name,
        dry_mass=Q_(*dry_mass),
        grades={e: Q_(*g) for e, g in grades.items()},
        moisture=None if moisture is None else Q_(*moisture),
    )


def tail_by_difference(
    feed: Stream, products: Sequence[Stream], *, name: str = "tail"
) -> Stream:
    """Return the unmeasured tail: feed minus the products, mass and metal.

    Parameters
    ----------
    feed : Stream
        The feed, with its mass and grades.
    products : sequence of Stream
        The measured products; each must be assayed for every feed element.
    name : str
        The tail's id.

    Returns
    -------
    Stream
        Tail mass [t] and grades [-] (as mass fractions).

    Raises
    ------
    AssayError
        If a product lacks an element assayed in the feed.
    InfeasibleError
        If the products hold more mass, or more of an element, than the feed
        (a negative tail mass or grade); the message names the stream, the
        element and the value.

    Examples
    --------
    >>> feed = Stream(name="feed", dry_mass=Q_(21251, "t"),
    ...               grades={"Pb": Q_(11.3, "%")})
    >>> conc = Stream(name="pb_conc", dry_mass=Q_(3376, "t"),
    ...               grades={"Pb": Q_(66, "%")})
    >>> tail = tail_by_difference(feed, [conc])
    >>> f"{tail.dry_mass:,.0f~P}", f"{tail.grade('Pb').to('%'):.3f~P}"
    ('17,875 t', '0.969 %')
    """
    feed_mass = to_canonical(feed.dry_mass, MASS, name=f"{feed.name}.dry_mass")
    mass = feed_mass - sum(
        (to_canonical(p.dry_mass, MASS, name=f"{p.name}.dry_mass") for p in products),
        np.float64(0.0),
    )
    slack = _TOL * np.maximum(feed_mass, 1e-300)
    bad = mass < -slack
    if np.any(bad):
        shown = _show(mass, bad, "t")
        raise InfeasibleError(
            f"{name}: tail mass by difference is negative ({shown}{_first_bad(bad)}): "
            f"the products {', '.join(p.name for p in products)} weigh more than "
            f"{feed.name}",
            f"{name}.dry_mass",
            shown,
        )
    mass = np.where(mass < 0, 0.0, mass)
    safe = np.where(mass > 0, mass, 1.0)
    grades = {}
    for element in feed.elements:
        metal = feed.contained(element).m_as(MASS) - sum(
            (p.contained(element).m_as(MASS) for p in products), np.float64(0.0)
        )
        metal_slack = _TOL * np.maximum(feed.contained(element).m_as(MASS), 1e-300)
        bad = metal < -metal_slack
        if np.any(bad):
            grade = metal / safe * 100
            shown = _show(grade, bad, "%")
            raise InfeasibleError(
                f"{name}.{element}: tail grade by difference is negative ({shown}"
                f"{_first_bad(bad)}): the products hold more {element} than "
                f"{feed.name}",
                f"{name}.{element}",
                shown,
            )
        grade = np.where(mass > 0, np.maximum(metal, 0.0) / safe, 0.0)
        bad = grade > 1 + 1e-9
        if np.any(bad):
            shown = _show(grade * 100, bad, "%")
            raise InfeasibleError(
                f"{name}.{element}: tail grade by difference is above 100 % "
                f"({shown}{_first_bad(bad)})",
                f"{name}.{element}",
                shown,
            )
        grades[element] = Q_(np.minimum(grade, 1.0), GRADE)
    return Stream(name=name, dry_mass=Q_(mass, MASS), grades=grades)
