"""Values with a standard deviation, and how assay and mass SDs propagate.

:class:`Estimate` is a value and its standard deviation as two pint
Quantities. It formats like a Quantity (``f"{e:,.0f~P}"``), prints readably
by default (the SD to two significant digits, the value to the same decimal),
and converts to pint's own ``Measurement`` (backed by the ``uncertainties``
package: install the ``uncertainty`` extra) with :meth:`Estimate.measurement`.

:func:`contained` and :func:`balance` propagate stated SDs of masses and
assays to contained metal, splits and recoveries, to first order (the delta
method, ``method="linear"``) or by sampling (``method="montecarlo"``, seeded).

Examples
--------
>>> from massbalance import Q_
>>> e = Estimate(Q_(596415.2, "troy_ounce"), Q_(11023, "troy_ounce"))
>>> str(e)
'596,415 ± 11,000 toz'
>>> f"{e:,.0f~P}"
'596,415 ± 11,023 toz'
>>> f"{e.to('kilo_troy_ounce'):.1f~P}"
'596.4 ± 11.0 koz'
"""

from __future__ import annotations

import importlib.util
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pint

from ._typing import FloatArray, Quantity
from .errors import InputError
from .streams import check_grade, check_mass
from .units import GRADE, MASS, PRECIOUS_METALS, Q_, ureg

__all__ = ["Estimate", "Method", "balance", "contained"]

Method = Literal["linear", "montecarlo"]

_SPEC = re.compile(r"^(?P<number>.*?)(?P<unit>~?[PLHDC]?)$")


@dataclass(frozen=True, slots=True)
class Estimate:
    """A quantity and its standard deviation.

    Attributes
    ----------
    value : pint.Quantity
        The estimate (NaN when not observable).
    sd : pint.Quantity
        Its standard deviation, in the unit of ``value``.

    Notes
    -----
    Format specs are those of a pint Quantity: the number part (``",.0f"``)
    applies to the value and the SD alike, the unit part (``"~P"``) to the
    unit. Without a spec the SD shows two significant digits and the value
    the same decimals.
    """

    value: Quantity  #: the estimate
    sd: Quantity  #: its standard deviation, same unit

    @property
    def units(self) -> Any:
        """The unit of the value and the SD (a pint Unit)."""
        return self.value.units

    @property
    def magnitude(self) -> Any:
        """The value's magnitude."""
        return self.value.magnitude

    m = magnitude

    def to(self, unit: str | pint.Unit) -> Estimate:
        """Return the estimate in another unit."""
        return Estimate(self.value.to(unit), self.sd.to(unit))

    def m_as(self, unit: str | pint.Unit) -> Any:
        """The value's magnitude in ``unit``."""
        return self.value.m_as(unit)

    @property
    def relative_sd(self) -> float:
        """SD over value [-] (``inf`` for a zero value)."""
        value = float(np.abs(self.value.m))
        return float(self.sd.m_as(self.value.units)) / value if value else math.inf

    def measurement(self) -> Any:
        """The estimate as a pint ``Measurement`` (needs ``uncertainties``).

        Raises
        ------
        ImportError
            Naming the extra to install, without the ``uncertainties`` package.
        """
        if importlib.util.find_spec("uncertainties") is None:
            raise ImportError(  # pragma: no cover - depends on the environment
                "Estimate.measurement needs uncertainties: pip install "
                "'massbalance[uncertainty]'"
            )
        sd = self.sd.m_as(self.value.units)
        return self.value.plus_minus(sd)  # type: ignore[no-untyped-call]

    def __format__(self, spec: str) -> str:
        match = _SPEC.match(spec)
        assert match is not None  # the pattern matches every string
        number, unit_spec = match["number"], match["unit"] or "~P"
        value = np.asarray(self.value.magnitude, dtype=np.float64)
        sd = np.asarray(self.sd.m_as(self.value.units), dtype=np.float64)
        unit = format(self.value.units, unit_spec)
        if value.ndim:
            return f"{value} ± {sd} {unit}".rstrip()
        v, s = float(value), float(sd)
        if number:
            text = f"{v:{number}} ± {s:{number}}"
        elif not (math.isfinite(v) and math.isfinite(s)) or s <= 0:
            text = f"{v:,.6g} ± {s:.2g}"
        else:
            decimals = max(0, 1 - math.floor(math.log10(s)))
            text = f"{v:,.{decimals}f} ± {_two_digits(s, decimals)}"
        return f"{text} {unit}".rstrip()

    def __str__(self) -> str:
        return format(self, "")


def _two_digits(sd: float, decimals: int) -> str:
    exponent = math.floor(math.log10(sd))
    rounded = round(sd, 1 - exponent)
    return f"{rounded:,.{decimals}f}"


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return (
        seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    )


def _sd(value: Quantity | None, unit: Any, name: str) -> FloatArray:
    if value is None:
        return np.asarray(0.0)
    out = np.asarray(
        check_grade(value, name=name) if unit is GRADE else check_mass(value, name=name)
    )
    return out


def contained(
    mass: Quantity,
    grade: Quantity,
    *,
    mass_sd: Quantity | None = None,
    grade_sd: Quantity | None = None,
    element: str | None = None,
    unit: str | None = None,
    method: Method = "linear",
    samples: int = 100_000,
    seed: int | np.random.Generator | None = 0,
) -> Estimate:
    """Contained metal, mass x grade, with its SD from the mass and assay SDs.

    Parameters
    ----------
    mass : pint.Quantity, [mass]
        Dry mass. [t]
    grade : pint.Quantity, dimensionless
        Assay. [-]
    mass_sd, grade_sd : pint.Quantity, optional
        Their standard deviations (independent). [t], [-]
    element : str, optional
        Chooses the reporting unit: troy ounces for precious metals, else t.
    unit : str, optional
        The unit wanted instead.
    method : {"linear", "montecarlo"}
        First order (delta method) or sampled (normal errors, ``samples``
        draws from ``seed``).

    Returns
    -------
    Estimate

    Examples
    --------
    >>> e = contained(Q_(3376, "t"), Q_(5144, "g/t"), mass_sd=Q_(34, "t"),
    ...               grade_sd=Q_(50, "g/t"), element="Ag")
    >>> f"{e:,.0f~P}"
    '558,334 ± 7,815 toz'
    """
    m = check_mass(mass, name="mass")
    g = check_grade(grade, name=f"grade {element or ''}".strip())
    sm = _sd(mass_sd, MASS, "mass_sd")
    sg = _sd(grade_sd, GRADE, "grade_sd")
    target = ureg.Unit(
        unit or ("troy_ounce" if element and element in PRECIOUS_METALS else "tonne")
    )
    factor = float(Q_(1.0, MASS).m_as(target))
    if method == "linear":
        value = m * g
        sd = np.sqrt((g * sm) ** 2 + (m * sg) ** 2)
    elif method == "montecarlo":
        rng = _rng(seed)
        shape = (samples, *np.broadcast_shapes(m.shape, g.shape, sm.shape, sg.shape))
        draws = (m + sm * rng.standard_normal(shape)) * (
            g + sg * rng.standard_normal(shape)
        )
        value = m * g
        sd = draws.std(axis=0, ddof=1)
    else:
        raise InputError(f"method must be 'linear' or 'montecarlo', got {method!r}")
    return Estimate(Q_(value * factor, target), Q_(sd * factor, target))


def balance(
    solver: Any,
    feed: Mapping[str, Quantity],
    products: Sequence[Mapping[str, Quantity]] | Mapping[str, Mapping[str, Quantity]],
    sd: Mapping[str, Mapping[str, Quantity]],
    *,
    method: Method = "linear",
    samples: int = 20_000,
    seed: int | np.random.Generator | None = 0,
    **kwargs: Any,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Splits and recoveries of a balance with their SDs, linear or sampled.

    Parameters
    ----------
    solver : callable
        :func:`~massbalance.solve.n_product` (or a function with its
        signature).
    feed, products : mappings of element to pint.Quantity
        The assays, scalars (one scenario).
    sd : mapping of str to mapping of str to pint.Quantity
        Stream id (``"feed"`` and the product names) -> element -> assay SD.
    method : {"linear", "montecarlo"}
        The delta method (the solver's own first-order SDs), or the SDs of
        ``samples`` balances of normally perturbed assays (seeded).

    Returns
    -------
    splits, split_sd : numpy.ndarray (n,)
        Mass fractions and their SDs. [-]
    recovery, recovery_sd : numpy.ndarray (m, n)
        Recoveries and their SDs. [-]

    Examples
    --------
    >>> from massbalance.solve import n_product
    >>> pct = lambda pb, zn: {"Pb": Q_(pb, "%"), "Zn": Q_(zn, "%")}
    >>> prods = {"pb": pct(60, 5), "zn": pct(2, 50), "tail": pct(0.3, 0.8)}
    >>> sd = {k: pct(0.05, 0.05) for k in ("feed", *prods)}
    >>> lin = balance(n_product, pct(5, 6), prods, sd)
    >>> mc = balance(n_product, pct(5, 6), prods, sd, method="montecarlo")
    >>> bool(np.allclose(mc[1], lin[1], rtol=0.05))
    True
    """
    named = (
        products
        if isinstance(products, Mapping)
        else {f"product{k + 1}": p for k, p in enumerate(products)}
    )
    base = solver(feed, named, sd=sd, **kwargs)
    splits = np.asarray(base.splits.m_as(GRADE))
    recovery = np.asarray(base.recovery.m_as(GRADE))
    if method == "linear":
        return (
            splits,
            np.asarray(base.split_sd.m_as(GRADE)),
            recovery,
            np.asarray(base.recovery_sd.m_as(GRADE)),
        )
    if method != "montecarlo":
        raise InputError(f"method must be 'linear' or 'montecarlo', got {method!r}")
    rng = _rng(seed)

    def perturb(name: str, assays: Mapping[str, Quantity]) -> dict[str, Quantity]:
        out = {}
        for e in base.elements:
            g = check_grade(assays[e], name=f"{name}.{e}")
            s = check_grade(sd[name][e], name=f"sd {name}.{e}")
            draw = g + s * rng.standard_normal(samples)
            out[e] = Q_(np.clip(draw, 0.0, 1.0), GRADE)
        return out

    feed_draws = perturb(base.feed_name, feed)
    product_draws = {n: perturb(n, named[n]) for n in base.products}
    sampled = solver(feed_draws, product_draws, **kwargs)
    s = np.asarray(sampled.splits.m_as(GRADE))
    r = np.asarray(sampled.recovery.m_as(GRADE))
    return splits, s.std(axis=0, ddof=1), recovery, r.std(axis=0, ddof=1)
