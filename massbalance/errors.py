"""Exceptions and warnings raised by massbalance.

Every error derives from :class:`MassBalanceError` and also from a built-in, so
``except MassBalanceError`` and ``except ValueError`` both work::

    MassBalanceError(Exception)
    ├── InputError(MassBalanceError, ValueError)
    │   ├── UnitError            wrong dimension, unknown or ambiguous unit
    │   ├── AssayError           grade outside [0, 100 %], missing element
    │   ├── FlowsheetError       unknown node, dangling stream, bad topology
    │   └── ReleaseFormatError   a published figure or release file that cannot be read
    │       └── FileFormatError  an input file that is not UTF-8 TOML or breaks its schema
    └── SolveError(MassBalanceError, ArithmeticError)
        ├── DegenerateError      c == t, singular or rank-deficient system
        ├── InfeasibleError      split outside [0, 1] (negative tonnage)
        └── ConvergenceError     the optimizer failed; ``.result``: the last iterate
    MassBalanceWarning(UserWarning)
    ├── ImplausibleResultWarning
    └── MassBalanceDeprecationWarning

Errors carry structured fields (``where`` names the figure, stream, key or file
at fault, ``value`` the offending value as text with its unit) and their
``args`` rebuild them, so every class pickles.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AssayError",
    "ConvergenceError",
    "DegenerateError",
    "FileFormatError",
    "FlowsheetError",
    "ImplausibleResultWarning",
    "InfeasibleError",
    "InputError",
    "MassBalanceDeprecationWarning",
    "MassBalanceError",
    "MassBalanceWarning",
    "ReleaseFormatError",
    "SolveError",
    "UnitError",
]


class MassBalanceError(Exception):
    """Base class of every error raised by massbalance.

    Parameters
    ----------
    message : str
        What failed, where, the values with their units, and what to do.
    where : str, optional
        The figure id, stream, key or file at fault.
    value : str, optional
        The offending value as text, with its unit.
    """

    def __init__(
        self, message: str, where: str | None = None, value: str | None = None
    ):
        super().__init__(message, where, value)
        self.message = message
        self.where = where
        self.value = value

    def __str__(self) -> str:
        return self.message


class InputError(MassBalanceError, ValueError):
    """Input that cannot be used as given."""


class UnitError(InputError):
    """A unit of the wrong dimension, an unknown unit or an ambiguous spelling."""


class AssayError(InputError):
    """A grade outside [0, 100 %] or an element missing from a stream."""


class FlowsheetError(InputError):
    """An unknown node or stream, a dangling stream, an inconsistent topology."""


class ReleaseFormatError(InputError):
    """A published figure or a release file that cannot be read."""


class FileFormatError(ReleaseFormatError):
    """An input file (release, balance or plant) that cannot be read as UTF-8
    TOML, or that breaks its declared schema.

    :attr:`problems` lists every problem found, one line each (file, key path,
    what is wrong, a hint); the message holds the first and a count.
    """

    def __init__(
        self,
        message: str,
        where: str | None = None,
        value: str | None = None,
        problems: tuple[str, ...] = (),
    ):
        super().__init__(message, where, value)
        self.args = (message, where, value, tuple(problems))
        self.problems = tuple(problems) or (message,)


class SolveError(MassBalanceError, ArithmeticError):
    """A computation that has no valid answer for the data given."""


class DegenerateError(SolveError):
    """A singular or rank-deficient system (for example ``c == t``)."""


class InfeasibleError(SolveError):
    """A solution outside physical bounds (negative tonnage or grade)."""


class ConvergenceError(SolveError):
    """An iterative solver failed; :attr:`result` holds the last iterate."""

    def __init__(
        self,
        message: str,
        where: str | None = None,
        value: str | None = None,
        result: Any = None,
    ):
        super().__init__(message, where, value)
        self.args = (message, where, value, result)
        self.result = result


class MassBalanceWarning(UserWarning):
    """Base class of every warning issued by massbalance."""


class ImplausibleResultWarning(MassBalanceWarning):
    """A result that is valid but physically doubtful (for example ill-conditioned)."""


class MassBalanceDeprecationWarning(MassBalanceWarning, DeprecationWarning):
    """A feature that will be removed in a later release."""
