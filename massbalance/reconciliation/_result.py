"""Reconciliation results, derived quantities and gross-error identification."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pint

from .._typing import FloatArray, Quantity
from ..errors import ConvergenceError, FlowsheetError, InputError
from ..flowsheet import Flowsheet
from ..uncertainty import Estimate
from ..units import GRADE, MASS, Q_, conversion_factor
from ._model import MASS_KEY, Measurements, Problem, build_problem, unit_label
from ._solver import Solution
from ._sparse import solve_sparse

__all__ = [
    "Estimate",
    "GrossError",
    "ReconciliationResult",
    "critical_value",
    "reconcile",
]

Method = Literal["auto", "linear", "bilinear"]
Correction = Literal["sidak", "bonferroni", "none"]

REDUNDANT = 1e-8  # redundancy below which a measurement is not redundant
REDUNDANT_TEST = 1e-6  # below this, the measurement test is not computed


@dataclass(frozen=True, slots=True, kw_only=True)
class GrossError:
    """A measurement set aside by serial elimination.

    Attributes
    ----------
    measurement : str
        Variable id, ``"stream.mass"`` or ``"stream.El"``.
    statistic : float
        Its measurement-test statistic ``|adjustment| / sd(adjustment)`` when
        it was set aside. [-]
    critical : float
        The critical value it exceeded (Šidák-corrected by default). [-]
    group : tuple of str
        Measurements the data cannot tell apart from this one (their
        adjustments are perfectly correlated); the gross error is in one of
        them. Contains ``measurement``.
    """

    measurement: str  #: variable id
    statistic: float  #: measurement test statistic [-]
    critical: float  #: critical value exceeded [-]
    group: tuple[str, ...]  #: indistinguishable measurements


def critical_value(
    alpha: float, n_tests: int, correction: Correction = "sidak"
) -> float:
    """Two-sided critical value of the measurement test.

    Parameters
    ----------
    alpha : float
        Family-wise significance level, e.g. 0.05. [-]
    n_tests : int
        Number of measurements tested (the redundant ones).
    correction : {"sidak", "bonferroni", "none"}
        How ``alpha`` is shared among the tests.

    Returns
    -------
    float
        ``z`` such that ``P(|N(0, 1)| > z)`` is the per-test level.

    Examples
    --------
    >>> round(critical_value(0.05, 1), 3)
    1.96
    >>> round(critical_value(0.05, 10), 3)
    2.80
    """
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be in (0, 1), got {alpha}", "alpha", str(alpha))
    n = max(int(n_tests), 1)
    if correction == "sidak":
        level = -np.expm1(np.log1p(-alpha) / n)
    elif correction == "bonferroni":
        level = alpha / n
    elif correction == "none":
        level = alpha
    else:
        raise InputError(f"unknown correction {correction!r}", "correction")
    import scipy.stats  # imported when needed: it is slow to import

    return float(scipy.stats.norm.isf(level / 2))


def _one(a: Any, batched: bool) -> Any:
    return a if batched else a[0]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ReconciliationResult:
    """Reconciled masses and assays with their statistics.

    Arrays have one entry per variable, in the order of :attr:`names`
    (stream masses, then each element's assays); with a batch of periods they
    gain a leading period axis. Values are canonical: tonnes for masses, mass
    fractions for assays; :meth:`estimate` and indexing give Quantities in
    each measurement's own unit.

    Indexing: ``result["feed"]`` is the adjusted dry mass of ``feed``,
    ``result["feed", "Ag"]`` (or ``result["feed.Ag"]``) its silver assay.
    """

    flowsheet: Flowsheet  #: the flowsheet reconciled
    names: tuple[str, ...]  #: variable ids, "stream.mass" or "stream.El"
    units: tuple[pint.Unit, ...]  #: display unit of each variable
    measured: np.ndarray[Any, np.dtype[np.bool_]]  #: measured and used
    set_aside: tuple[str, ...]  #: measurements set aside as gross errors
    measured_values: FloatArray  #: [t] or [-]; NaN where unmeasured
    measured_sd: FloatArray  #: [t] or [-]; NaN where unmeasured
    adjusted: FloatArray  #: [t] or [-]; NaN where unobservable
    adjustments: FloatArray  #: adjusted - measured [t] or [-]
    sd: FloatArray  #: SD of the adjusted values [t] or [-]
    redundancy: FloatArray  #: 1 - (sd_adjusted / sd_measured)^2 [-]
    measurement_test: FloatArray  #: |adjustment| / SD(adjustment) [-]
    classes: tuple[
        str, ...
    ]  #: redundant | nonredundant | observable | unobservable | set aside
    constraint_names: tuple[str, ...]  #: "node.mass", "node.El"
    nodal_test: FloatArray  #: standardised imbalance at the measured values [-]
    chi2: Any  #: weighted sum of squared adjustments [-]
    dof: Any  #: degrees of freedom (rank of the reduced constraints)
    p_value: Any  #: P(chi2(dof) > chi2); NaN when dof is 0
    success: bool  #: True when the iteration converged
    message: str  #: how it ended
    n_iter: int  #: iterations of successive linearisation
    max_relative_residual: float  #: worst node imbalance / node throughput [-]
    gross_errors: tuple[GrossError, ...] = ()  #: in the order set aside
    alpha: float = 0.05  #: significance of the tests [-]
    critical: float = float("nan")  #: measurement-test critical value [-]
    batched: bool = False  #: a leading period axis
    _solution: Solution | None = field(default=None, repr=False)

    # ------------------------------------------------------------ access
    def _index(self, key: str | tuple[str, str]) -> int:
        if isinstance(key, tuple):
            stream, what = key
        elif "." in key:
            stream, what = key.split(".", 1)
        else:
            stream, what = key, MASS_KEY
        name = f"{stream}.{what}"
        try:
            return self.names.index(name)
        except ValueError:
            raise FlowsheetError(f"no variable {name!r} in this result", name) from None

    def estimate(self, key: str | tuple[str, str]) -> Estimate:
        """Adjusted value and SD of one variable, in its display unit.

        Parameters
        ----------
        key : str or (str, str)
            ``"feed"`` (mass), ``"feed.Ag"`` or ``("feed", "Ag")``.
        """
        i = self._index(key)
        canonical = MASS if i < len(self.flowsheet.streams) else GRADE
        unit = self.units[i]
        value = Q_(self.adjusted[..., i], canonical).to(unit)
        sd = Q_(self.sd[..., i], canonical).to(unit)
        return Estimate(value, sd)

    def __getitem__(self, key: str | tuple[str, str]) -> Quantity:
        return self.estimate(key).value

    # --------------------------------------------------------- derived
    def _derived(self, grad: FloatArray, value: FloatArray) -> tuple[Any, Any]:
        sol = self._solution
        if sol is None:  # pragma: no cover - always set by reconcile
            raise InputError("this result carries no covariance")
        scaled = (grad * sol.s)[:, None, :]
        var = sol.quad(scaled)[:, 0, 0]
        sd = np.sqrt(np.maximum(var, 0.0))
        return _one(value, self.batched), _one(sd, self.batched)

    def _metal(
        self, element: str, streams: Sequence[str]
    ) -> tuple[FloatArray, FloatArray]:
        sol = self._solution
        assert sol is not None
        x = sol.x
        grad = np.zeros_like(x)
        total = np.zeros(x.shape[0])
        for s in streams:
            im = self._index((s, MASS_KEY))
            ia = self._index((s, element))
            total = total + x[:, im] * x[:, ia]
            grad[:, im] += x[:, ia]
            grad[:, ia] += x[:, im]
        return total, grad

    def contained(
        self, element: str, streams: Sequence[str] | str, unit: str = "t"
    ) -> Estimate:
        """Contained metal ``sum(mass * assay)`` in ``streams``, with its SD.

        Parameters
        ----------
        element : str
            A balanced element.
        streams : str or sequence of str
            The streams whose metal is summed.
        unit : str
            ``"t"``, ``"troy_ounce"``, ``"pound"``, ``"kg"``...

        Returns
        -------
        Estimate
            In ``unit``.
        """
        if isinstance(streams, str):
            streams = [streams]
        total, grad = self._metal(element, streams)
        value, sd = self._derived(grad, total)
        return Estimate(Q_(value, MASS).to(unit), Q_(sd, MASS).to(unit))

    def recovery(
        self,
        element: str,
        to: Sequence[str] | str,
        feed: Sequence[str] | str | None = None,
    ) -> Estimate:
        """Recovery of ``element`` to the streams ``to``, with its SD.

        Parameters
        ----------
        element : str
            A balanced element.
        to : str or sequence of str
            Product streams.
        feed : str or sequence of str, optional
            Feed streams; the flowsheet's feeds by default.

        Returns
        -------
        Estimate
            In percent.
        """
        to = [to] if isinstance(to, str) else list(to)
        feeds = (
            list(self.flowsheet.feeds)
            if feed is None
            else ([feed] if isinstance(feed, str) else list(feed))
        )
        num, gnum = self._metal(element, to)
        den, gden = self._metal(element, feeds)
        ratio = num / den
        grad = gnum / den[:, None] - (num / den**2)[:, None] * gden
        value, sd = self._derived(grad, ratio)
        return Estimate(Q_(value, GRADE).to("percent"), Q_(sd, GRADE).to("percent"))

    @property
    def covariance(self) -> FloatArray:
        """Covariance of the adjusted values, canonical units, (..., n, n)."""
        sol = self._solution
        assert sol is not None
        n = len(self.names)
        eye = np.broadcast_to(np.eye(n), (sol.x.shape[0], n, n))
        cov = sol.quad(np.ascontiguousarray(eye))
        out = cov * sol.s[:, :, None] * sol.s[:, None, :]
        out[:, ~sol.observable, :] = np.nan
        out[:, :, ~sol.observable] = np.nan
        return _one(out, self.batched)  # type: ignore[no-any-return]

    def rows(self) -> list[dict[str, Any]]:
        """One row per variable, values in display units (for reports)."""
        out = []
        ns = len(self.flowsheet.streams)
        labels: dict[pint.Unit, str] = {}  # pint's formatting is slow: once a unit
        for i, name in enumerate(self.names):
            stream, what = name.split(".", 1)
            unit = self.units[i]
            canonical = MASS if i < ns else GRADE
            f = conversion_factor(canonical, unit)
            label = labels.get(unit)
            if label is None:
                label = labels[unit] = unit_label(unit)
            out.append(
                {
                    "name": name,
                    "stream": stream,
                    "quantity": what,
                    "unit": label,
                    "measured": self.measured_values[..., i] * f,
                    "measured_sd": self.measured_sd[..., i] * f,
                    "adjusted": self.adjusted[..., i] * f,
                    "sd": self.sd[..., i] * f,
                    "adjustment": self.adjustments[..., i] * f,
                    "redundancy": self.redundancy[..., i],
                    "test": self.measurement_test[..., i],
                    "class": self.classes[i],
                }
            )
        return out


def _assemble(
    problem: Problem,
    original: Problem,
    sol: Solution,
    *,
    alpha: float,
    correction: Correction,
    gross: tuple[GrossError, ...],
) -> ReconciliationResult:
    meas = problem.measured
    scaled_e = np.where(meas, (sol.x - problem.y) / sol.s, np.nan)
    q_diag = np.full(sol.x.shape, np.nan)
    q_diag[:, meas] = sol.cov_adjust_diag
    var_u = np.where(meas, (problem.sd / sol.s) ** 2, np.nan)
    redundancy = np.clip(q_diag / var_u, 0.0, 1.0)
    redundant = redundancy > REDUNDANT_TEST
    z = np.where(
        redundant, np.abs(scaled_e) / np.sqrt(np.where(redundant, q_diag, 1.0)), np.nan
    )
    wss = np.nansum(np.where(meas, (scaled_e * sol.s / problem.sd) ** 2, 0.0), axis=1)
    dof = sol.dof
    import scipy.stats  # imported when needed: it is slow to import

    p_value = np.where(dof > 0, scipy.stats.chi2.sf(wss, np.maximum(dof, 1)), np.nan)
    n_tests = int(np.max(np.sum(redundant, axis=1))) if redundant.size else 0
    crit = critical_value(alpha, n_tests, correction) if n_tests else float("nan")
    aside = tuple(g.measurement for g in gross)
    classes = []
    for i, name in enumerate(problem.names):
        if name in aside:
            classes.append("set aside")
        elif meas[i]:
            classes.append("redundant" if np.all(redundant[:, i]) else "nonredundant")
        else:
            classes.append("observable" if sol.observable[i] else "unobservable")
    batched = problem.batched
    message = (
        f"converged in {sol.n_iter} iteration(s)"
        if sol.converged
        else f"no convergence after {sol.n_iter} iteration(s)"
    )
    return ReconciliationResult(
        flowsheet=problem.flowsheet,
        names=problem.names,
        units=problem.units,
        measured=meas.copy(),
        set_aside=aside,
        measured_values=_one(original.y, batched),
        measured_sd=_one(original.sd, batched),
        adjusted=_one(sol.x, batched),
        adjustments=_one(sol.x - original.y, batched),
        sd=_one(sol.sd, batched),
        redundancy=_one(redundancy, batched),
        measurement_test=_one(z, batched),
        classes=tuple(classes),
        constraint_names=problem.constraint_names(),
        nodal_test=_one(sol.nodal_z, batched),
        chi2=_one(wss, batched) if batched else float(wss[0]),
        dof=dof if batched else int(dof[0]),
        p_value=p_value if batched else float(p_value[0]),
        success=sol.converged,
        message=message,
        n_iter=sol.n_iter,
        max_relative_residual=float(np.max(sol.max_rel_residual)),
        gross_errors=gross,
        alpha=alpha,
        critical=crit,
        batched=batched,
        _solution=sol,
    )


def _run(
    problem: Problem,
    original: Problem,
    *,
    alpha: float,
    correction: Correction,
    gross: tuple[GrossError, ...],
    allow_unobservable: bool,
    max_iter: int,
) -> ReconciliationResult:
    sol = solve_sparse(problem, max_iter=max_iter)
    result = _assemble(
        problem, original, sol, alpha=alpha, correction=correction, gross=gross
    )
    if not sol.converged:
        raise ConvergenceError(
            f"reconcile: no convergence after {sol.n_iter} iterations (largest "
            f"relative node imbalance {result.max_relative_residual:.3g}); check "
            "for gross errors or raise max_iter",
            "reconcile",
            result=result,
        )
    hidden = [
        nm
        for nm, c in zip(problem.names, result.classes, strict=True)
        if c == "unobservable"
    ]
    if hidden and not allow_unobservable:
        shown = ", ".join(hidden[:6]) + (" ..." if len(hidden) > 6 else "")
        raise FlowsheetError(
            f"unobservable: the measurements do not determine {shown}; measure "
            "them (or quantities next to them), or pass allow_unobservable=True "
            "to have them reported as unobservable",
            hidden[0],
        )
    return result


def reconcile(
    flowsheet: Flowsheet,
    measurements: Measurements,
    *,
    method: Method = "auto",
    gross_errors: bool = False,
    alpha: float = 0.05,
    correction: Correction = "sidak",
    allow_unobservable: bool = False,
    max_iter: int = 50,
) -> ReconciliationResult:
    r"""Reconcile measured masses and assays by weighted least squares.

    Minimises :math:`\sum_i ((x_i - y_i)/\sigma_i)^2` over the measured
    quantities subject to every node's mass balance and, for each element
    of ``flowsheet.elements``, its metal balance (mass × assay), which hold
    exactly at the solution.

    Parameters
    ----------
    flowsheet : Flowsheet
        Nodes, streams and the elements balanced.
    measurements : mapping
        ``{stream: {"mass" | element: Measured}}``. Quantities not listed
        are unmeasured and estimated when observable. A 1-D value is a batch
        of periods, all reconciled in one vectorised call.
    method : {"auto", "linear", "bilinear"}
        ``"linear"`` requires a mass-only flowsheet and takes one closed-form
        step; ``"bilinear"`` iterates successive linearisations; ``"auto"``
        chooses.
    gross_errors : bool
        Identify gross errors by serial elimination: set aside the
        measurement with the largest measurement test above the critical
        value, reconcile again, repeat. One period only.
    alpha : float
        Family-wise significance of the measurement tests. [-]
    correction : {"sidak", "bonferroni", "none"}
        Multiple-test correction of ``alpha``.
    allow_unobservable : bool
        Report unmeasured quantities that the data cannot determine as
        ``unobservable`` (NaN) instead of raising.
    max_iter : int
        Iteration limit.

    Returns
    -------
    ReconciliationResult

    Raises
    ------
    FlowsheetError
        Unknown stream, or an unobservable quantity (unless allowed).
    AssayError
        An assay outside 0-100 % or an element the flowsheet does not balance.
    InputError
        A standard deviation of zero or below, a negative mass.
    ConvergenceError
        No convergence; ``.result`` holds the last iterate.

    References
    ----------
    .. [1] C. M. Crowe, Y. A. Garcia Campos and A. Hrymak, "Reconciliation of
       process flow rates by matrix projection. Part I: linear case," *AIChE
       J.*, vol. 29, no. 6, pp. 881-888, 1983.
    .. [2] S. Narasimhan and C. Jordache, *Data Reconciliation and Gross Error
       Detection*. Houston, TX, USA: Gulf, 2000, ch. 3, 5, 7.

    Examples
    --------
    >>> from massbalance import Flowsheet, Measured, Q_
    >>> fs = Flowsheet({"cell": (["feed"], ["conc", "tail"])})
    >>> r = reconcile(fs, {
    ...     "feed": {"mass": Measured(Q_(100.0, "t"), sd=Q_(2, "t"))},
    ...     "conc": {"mass": Measured(Q_(10.0, "t"), sd=Q_(1, "t"))},
    ...     "tail": {"mass": Measured(Q_(92.0, "t"), sd=Q_(2, "t"))},
    ... })
    >>> f"{r.estimate('feed'):.2f}", r.dof, round(r.chi2, 3)
    ('100.89 ± 1.49 t', 1, 0.444)
    """
    if method not in ("auto", "linear", "bilinear"):
        raise InputError(f"unknown method {method!r}", "method", str(method))
    problem = build_problem(flowsheet, measurements)
    if method == "linear" and problem.ne:
        raise InputError(
            "method='linear' balances masses only; this flowsheet balances "
            f"{list(flowsheet.elements)} (use method='bilinear' or 'auto')",
            "method",
        )
    kw: dict[str, Any] = {
        "alpha": alpha,
        "correction": correction,
        "allow_unobservable": allow_unobservable,
        "max_iter": max_iter,
    }
    result = _run(problem, problem, gross=(), **kw)
    if not gross_errors:
        return result
    if problem.batched:
        raise InputError("gross-error identification works on one period at a time")
    found: list[GrossError] = []
    current = problem
    while True:
        z = result.measurement_test
        if not np.any(np.isfinite(z)):
            break
        i = int(np.nanargmax(z))
        if not z[i] > result.critical:
            break
        group = _group(result, i)
        found.append(
            GrossError(
                measurement=result.names[i],
                statistic=float(z[i]),
                critical=float(result.critical),
                group=group,
            )
        )
        trial = current.with_unmeasured({result.names[i]})
        try:
            result = _run(trial, problem, gross=tuple(found), **kw)
        except (FlowsheetError, ConvergenceError):
            found.pop()  # setting it aside leaves the data unable to decide
            break
        current = trial
    return result


def _group(result: ReconciliationResult, i: int) -> tuple[str, ...]:
    sol = result._solution
    name = result.names[i]
    if sol is None:  # pragma: no cover
        return (name,)
    im = np.flatnonzero(result.measured)
    k = int(np.flatnonzero(im == i)[0])
    qd = np.sqrt(np.maximum(sol.cov_adjust_diag[0], 1e-300))
    corr = np.abs(sol.q_col(k)) / (qd * qd[k])
    same = im[(corr > 1 - 1e-6) & np.isfinite(result.measurement_test[im])]
    return tuple(result.names[j] for j in same) or (name,)


def undetectable(result: ReconciliationResult) -> tuple[str, ...]:
    """Measurements whose gross errors no test can see (not redundant)."""
    red = np.atleast_2d(result.redundancy)
    meas = result.measured
    return tuple(
        nm
        for j, nm in enumerate(result.names)
        if meas[j] and not np.all(red[:, j] > REDUNDANT)
    )
