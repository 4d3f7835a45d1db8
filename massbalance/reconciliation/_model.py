"""Measurements and the variable layout of a reconciliation problem (private)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pint

from .._typing import FloatArray, Quantity
from ..errors import AssayError, FlowsheetError, InputError
from ..flowsheet import Flowsheet
from ..units import (
    GRADE,
    MASS,
    Q_,
    check_trap_units,
    on_registry,
    to_canonical,
    ureg,
)

__all__ = [
    "MASS_KEY",
    "Measured",
    "Problem",
    "build_problem",
    "unit_label",
]

MASS_KEY = "mass"


@dataclass(frozen=True, slots=True, eq=False)
class Measured:
    """A measured quantity and its standard deviation.

    Give exactly one of ``sd`` (absolute, in a unit of the value's dimension)
    and ``rsd`` (relative to the value, e.g. ``Q_(2, "%")``).

    Parameters
    ----------
    value : pint.Quantity, [mass] or dimensionless
        A dry mass (``t``, ``short_ton``...) or an assay (``%``, ``g/t``,
        ``ppm``). A 1-D array is a batch of periods. [t] or [-]
    sd : pint.Quantity, optional
        Absolute standard deviation, same dimension as ``value``.
    rsd : pint.Quantity or float, optional
        Relative standard deviation, dimensionless (``Q_(2, "%")`` or 0.02).

    Examples
    --------
    >>> m = Measured(Q_(899, "g/t"), rsd=Q_(2, "%"))
    >>> f"{m.sd_quantity():.2f~P}"
    '17.98 g/t'
    """

    value: Quantity
    sd: Quantity | None = None
    rsd: Quantity | float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.value, pint.Quantity):
            raise InputError(
                f"measured value {self.value!r} has no unit; write Q_(value, 'unit')",
                value=repr(self.value),
            )
        if (self.sd is None) == (self.rsd is None):
            raise InputError(
                f"measurement {self.value:~P}: give exactly one of sd= (absolute) "
                "and rsd= (relative)",
                value=f"{self.value:~P}",
            )

    def sd_quantity(self) -> Quantity:
        """Return the absolute standard deviation in the value's unit."""
        if self.sd is not None:
            sd: Quantity = self.sd.to(self.value.units)
            return sd
        rsd = self.rsd
        rel = (
            to_canonical(rsd, GRADE, name="rsd")
            if isinstance(rsd, pint.Quantity)
            else np.asarray(rsd, dtype=float)
        )
        out: Quantity = Q_(
            np.abs(np.asarray(self.value.magnitude)) * rel, self.value.units
        )
        return out


Measurements = Mapping[str, Mapping[str, Measured]]


@dataclass(eq=False)
class Problem:
    """Variables (stream masses, then assays element by element) and data."""

    flowsheet: Flowsheet
    names: tuple[str, ...]  # "stream.mass", "stream.El"
    y: FloatArray  # (P, n) canonical, NaN where unmeasured
    sd: FloatArray  # (P, n) canonical, NaN where unmeasured
    measured: np.ndarray[Any, np.dtype[np.bool_]]  # (n,)
    units: tuple[pint.Unit, ...]  # display unit of each variable
    batched: bool
    inc: FloatArray = field(init=False)
    ns: int = field(init=False)
    ne: int = field(init=False)
    nn: int = field(init=False)

    def __post_init__(self) -> None:
        self.inc = self.flowsheet.incidence()
        self.nn, self.ns = self.inc.shape
        self.ne = len(self.flowsheet.elements)

    @property
    def n(self) -> int:
        return len(self.names)

    @property
    def periods(self) -> int:
        return int(self.y.shape[0])

    def constraint_names(self) -> tuple[str, ...]:
        nodes = [n.name for n in self.flowsheet.nodes]
        out = [f"{k}.mass" for k in nodes]
        for el in self.flowsheet.elements:
            out += [f"{k}.{el}" for k in nodes]
        return tuple(out)

    def with_unmeasured(self, names: set[str]) -> Problem:
        keep = np.array([nm not in names for nm in self.names])
        y = np.where(keep, self.y, np.nan)
        sd = np.where(keep, self.sd, np.nan)
        return Problem(
            flowsheet=self.flowsheet,
            names=self.names,
            y=y,
            sd=sd,
            measured=self.measured & keep,
            units=self.units,
            batched=self.batched,
        )


def unit_label(unit: pint.Unit) -> str:
    """A printable label for a display unit (never pint's ambiguous ``ton``)."""
    if unit == ureg.short_ton:
        return "st"
    if unit == ureg.troy_ounce:
        return "oz t"
    if unit == ureg.ounce_per_short_ton:
        return "opt"
    text = f"{unit:~P}"
    return text or "-"


_FACTORS: dict[tuple[Any, pint.Unit], float] = {}


def _fast_canonical(q: object, unit: pint.Unit, where: str) -> FloatArray:
    """``to_canonical`` with the conversion factor cached per unit (hot path)."""
    if not isinstance(q, pint.Quantity):
        return to_canonical(q, unit, name=where)  # raises UnitError
    if q._REGISTRY is not ureg:  # another registry: read through the unit's name
        q = on_registry(q, name=where)
    element = where.split(" ")[0].rpartition(".")[2]  # "feed.Ag sd" -> "Ag"
    check_trap_units(q, name=where, element=element)
    key = (q._units, unit)  # the UnitsContainer: hashable and cheap to read
    factor = _FACTORS.get(key)
    if factor is None:
        factor = float(to_canonical(Q_(1.0, q.units), unit, name=where))
        _FACTORS[key] = factor
    return np.asarray(q._magnitude, dtype=np.float64) * factor


def _explain(
    meas: Measured, value: FloatArray, sd: FloatArray, unit: pint.Unit, where: str
) -> None:
    if not np.all(np.isfinite(value)):
        raise InputError(f"{where}: value {meas.value:~P} is not finite", where)
    if not np.all(np.isfinite(sd)) or np.any(sd <= 0):
        raise InputError(
            f"{where}: standard deviation {meas.sd_quantity():~P} must be "
            "finite and above zero; leave the quantity unmeasured instead",
            where,
            f"{meas.sd_quantity():~P}",
        )
    if unit is GRADE:
        raise AssayError(
            f"{where} = {meas.value:~P} is outside 0-100 %",
            where,
            f"{meas.value:~P}",
        )
    raise InputError(
        f"{where} = {meas.value:~P}: a dry mass cannot be negative",
        where,
        f"{meas.value:~P}",
    )


def build_problem(flowsheet: Flowsheet, measurements: Measurements) -> Problem:
    """Lay out the variables and check every measurement."""
    if not isinstance(flowsheet, Flowsheet):
        raise FlowsheetError(f"expected a Flowsheet, got {type(flowsheet).__name__}")
    streams = flowsheet.streams
    elements = flowsheet.elements
    ns, ne = len(streams), len(elements)
    names = [f"{s}.{MASS_KEY}" for s in streams]
    for el in elements:
        names += [f"{s}.{el}" for s in streams]
    n = len(names)
    units: list[pint.Unit] = [MASS] * ns + [ureg.percent] * (ns * ne)
    entries: list[tuple[int, FloatArray, FloatArray]] = []
    units_raw: dict[int, Quantity] = {}
    lengths: set[int] = set()
    batched = False
    s_index = {s: i for i, s in enumerate(streams)}
    e_index = {e: i for i, e in enumerate(elements)}
    for stream, items in measurements.items():
        if stream not in s_index:
            raise FlowsheetError(
                f"measurement of unknown stream {stream!r}; the flowsheet has "
                f"{list(streams)}",
                stream,
            )
        for key, meas in items.items():
            where = f"{stream}.{key}"
            if not isinstance(meas, Measured):
                raise InputError(
                    f"{where}: expected a Measured(value, sd=... or rsd=...), got "
                    f"{type(meas).__name__}",
                    where,
                )
            if key == MASS_KEY:
                idx, unit = s_index[stream], MASS
            elif key in e_index:
                idx = ns + e_index[key] * ns + s_index[stream]
                unit = GRADE
            else:
                raise AssayError(
                    f"{where}: {key!r} is neither 'mass' nor a balanced element "
                    f"{list(elements)}",
                    where,
                )
            value = _fast_canonical(meas.value, unit, where)
            if meas.sd is not None:
                sd = _fast_canonical(meas.sd, unit, f"{where} sd")
            else:
                rsd = meas.rsd
                rel = (
                    _fast_canonical(rsd, GRADE, f"{where} rsd")
                    if isinstance(rsd, pint.Quantity)
                    else np.asarray(rsd, dtype=float)
                )
                sd = np.abs(value) * rel
            if value.ndim > 1 or sd.ndim > 1:
                raise InputError(f"{where}: values must be scalars or 1-D (periods)")
            if value.ndim == 1:
                batched = True
                lengths.add(value.shape[0])
            if sd.ndim == 1:
                batched = True
                lengths.add(sd.shape[0])
            top = 1.0 if unit is GRADE else np.inf
            if value.ndim == 0 and sd.ndim == 0:
                v, d = float(value), float(sd)
                ok = 0.0 <= v <= top and 0.0 < d < np.inf
            else:
                ok = bool(
                    np.all((value >= 0) & (value <= top) & (sd > 0) & (sd < np.inf))
                )
            if not ok:
                _explain(meas, value, sd, unit, where)
            units_raw[idx] = meas.value
            entries.append((idx, value, sd))
    for idx, q in units_raw.items():
        units[idx] = ureg.Unit(q.units)
    if len(lengths) > 1:
        raise InputError(
            f"measurements have different numbers of periods: {sorted(lengths)}"
        )
    periods = lengths.pop() if lengths else 1
    y = np.full((periods, n), np.nan)
    sdv = np.full((periods, n), np.nan)
    measured = np.zeros(n, dtype=bool)
    for idx, value, sd in entries:
        y[:, idx] = value
        sdv[:, idx] = sd
        measured[idx] = True
    if not measured.any():
        raise InputError("nothing is measured")
    # display units: an unmeasured assay shows in the unit used for its element
    for e in range(ne):
        block = range(ns + e * ns, ns + (e + 1) * ns)
        seen = [units[i] for i in block if measured[i]]
        if seen:
            for i in block:
                if not measured[i]:
                    units[i] = seen[0]
    first_mass = next((units[j] for j in range(ns) if measured[j]), MASS)
    for i in range(ns):
        if not measured[i]:
            units[i] = first_mass
    return Problem(
        flowsheet=flowsheet,
        names=tuple(names),
        y=y,
        sd=sdv,
        measured=measured,
        units=tuple(units),
        batched=batched,
    )
