"""A lean Levenberg-Marquardt for the witness search's small problems (private).

A witness is a point where every figure's expression lies in its interval:
the residual of a figure is how far outside it lies (zero inside), and a
witness is a zero of them all. ``scipy.optimize.least_squares`` solves this
well, but on the problems of a release (a few dozen variables, a few dozen
residuals, converged in a handful of steps) its per-step overhead costs ten
times the arithmetic. :func:`levenberg_marquardt` takes the same steps without it:
Levenberg-Marquardt with columns scaled by the Jacobian's norms (as
``x_scale="jac"``), variables held at a bound when the gradient pushes them
out, each step projected onto the box. It stops at the first point close
enough to a zero, or when the steps stop gaining (a local minimum: the
caller tries another start). The caller verifies every point it returns and
falls back on ``least_squares`` when it finds none, so this is only ever a
shortcut. Like scipy's solvers it returns a result with ``status`` and
``message``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["LMResult", "levenberg_marquardt"]

_Floats = npt.NDArray[np.float64]

#: ``status`` codes of :class:`LMResult` and their messages
MESSAGES = {
    0: "the budget of residual evaluations was used up",
    1: "a point close enough to a zero was reached",
    2: "the residuals are exactly zero",
    3: "the steps stopped gaining (a local minimum, or a stall)",
    4: "no step from here reduces the residuals",
    5: "every variable is held at a bound",
    6: "the residuals are not finite",
}


@dataclass(frozen=True, slots=True)
class LMResult:
    """What :func:`levenberg_marquardt` reached (as ``scipy.optimize.OptimizeResult``)."""

    x: _Floats  #: the first point found close enough, else the best
    cost: float  #: ``|r(x)|^2``
    status: int  #: a key of :data:`MESSAGES`
    nfev: int  #: residual evaluations

    @property
    def success(self) -> bool:
        """Whether ``x`` is a zero (or close enough for the caller)."""
        return self.status in (1, 2)

    @property
    def message(self) -> str:
        """``status`` in words."""
        return MESSAGES[self.status]


def levenberg_marquardt(
    residual: Callable[[_Floats], tuple[_Floats, Any, bool]],
    z0: _Floats,
    lower: _Floats,
    upper: _Floats,
    *,
    max_steps: int = 30,
    patience: int = 2,
) -> LMResult:
    """Minimise ``|r(z)|^2`` within ``[lower, upper]`` from ``z0``.

    Parameters
    ----------
    residual : callable
        ``z -> (r, J, done)``: the residuals, their Jacobian (an ndarray, or
        a ``scipy.sparse`` matrix for large problems), and whether
        ``z`` is close enough to a zero for the caller (the search stops there).
    z0, lower, upper : ndarray
        The start and the box (infinite bounds allowed).
    max_steps : int
        Residual evaluations at most.
    patience : int
        Accepted steps in a row gaining less than 0.1 % before it stops
        (a stall).

    Returns
    -------
    LMResult
        ``x`` the first point found close enough, else the best; its
        ``cost``, ``status`` and ``message`` say which.

    Examples
    --------
    >>> def residual(z):
    ...     r = np.array([z[0] * z[1] - 6.0])
    ...     return r, np.array([[z[1], z[0]]]), abs(r[0]) < 1e-12
    >>> result = levenberg_marquardt(residual, np.array([1.0, 1.0]),
    ...                              np.array([0.0, 2.0]), np.array([10.0, 2.0]))
    >>> [round(float(x), 12) for x in result.x], result.cost < 1e-20, result.status
    ([3.0, 2.0], True, 1)
    """
    z = np.clip(z0, lower, upper)
    r, jac, done = residual(z)
    cost = float(r @ r)
    damping = 1e-4
    evaluations = 1
    stalled = 0  # accepted steps in a row that gained less than 0.1 %
    status = 0
    while evaluations < max_steps and stalled < patience:
        if done or cost == 0.0 or not np.isfinite(cost):
            break
        gradient = jac.T @ r
        held = ((z <= lower) & (gradient > 0.0)) | ((z >= upper) & (gradient < 0.0))
        free = np.flatnonzero(~held)
        if free.size == 0:
            status = 5
            break
        sparse = not isinstance(jac, np.ndarray)
        if sparse:  # scipy.sparse, for large problems
            a = jac.tocsc()[:, free]
            norms = np.sqrt(np.asarray(a.multiply(a).sum(axis=0)).ravel())
        else:
            a = jac[:, free]
            norms = np.sqrt(np.einsum("ij,ij->j", a, a))
        norms[norms == 0.0] = 1.0
        a = a @ _diagonal(1.0 / norms) if sparse else a / norms
        improved = False
        normal = a.T @ a
        gradient_free = a.T @ r
        while damping < 1e10 and evaluations < max_steps:
            # the damped normal equations: the columns are scaled to unit norm
            # and the damping bounds the condition, so solving them is safe
            # and far cheaper than a least-squares factorisation
            try:
                step = -_solve(normal, damping, gradient_free, sparse) / norms
            except (np.linalg.LinAlgError, RuntimeError):  # singular
                damping *= 10.0
                continue
            trial = z.copy()
            trial[free] += step
            np.clip(trial, lower, upper, out=trial)
            r_new, jac_new, done_new = residual(trial)
            evaluations += 1
            cost_new = float(r_new @ r_new)
            if cost_new < cost or done_new:
                improved = True
                stalled = stalled + 1 if cost_new > 0.999 * cost else 0
                z, r, jac, cost, done = trial, r_new, jac_new, cost_new, done_new
                damping = max(damping * 0.1, 1e-9)
                break
            damping *= 10.0
        if not improved:
            status = 4
            break
    if done:
        status = 1
    elif cost == 0.0:
        status = 2
    elif not np.isfinite(cost):
        status = 6
    elif stalled >= patience:
        status = 3
    return LMResult(z, cost, status, evaluations)


def _diagonal(values: _Floats) -> Any:
    """``values`` as a sparse diagonal matrix."""
    from scipy.sparse import diags

    return diags(values)


def _solve(normal: Any, damping: float, rhs: _Floats, sparse: bool) -> _Floats:
    """``(normal + damping I) x = rhs``, densely or by a sparse LU."""
    n = rhs.size
    if not sparse:
        return np.linalg.solve(normal + damping * np.eye(n), rhs)
    from scipy.sparse import identity
    from scipy.sparse.linalg import splu

    damped = (normal + damping * identity(n, format="csc")).tocsc()
    return np.asarray(splu(damped).solve(rhs), dtype=np.float64)
