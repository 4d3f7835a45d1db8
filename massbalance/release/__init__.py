"""Rounding consistency of published figures: the release model and its check.

A release's printed figures each stand for the interval their precision and
rounding convention allow; :func:`check_release` decides, with a proof either
way, whether true values inside all the intervals can satisfy every relation
between them at once, and ranks the smallest sets of figures that explain a
disagreement.

A subpackage of one-concept stages: the model, the relations graph, feasibility,
witnesses, culprits, costs, implied ranges, explanations and the check.
"""

from __future__ import annotations

from ._build import Problem, build_problem
from ._check import MAX_CULPRITS, check_release
from ._estimate import (
    DerivedEstimate,
    FigureEstimate,
    ReleaseEstimate,
    estimate_release,
)
from ._model import Change, Equivalent, MetalFigure, Period, Release, StreamSpec, Total
from ._result import (
    Arithmetic,
    CheckReport,
    Conflict,
    Culprit,
    DerivedResult,
    Disagreement,
    Explanation,
    FigureResult,
    RelationResult,
    Term,
)

__all__ = [
    "MAX_CULPRITS",
    "Arithmetic",
    "Change",
    "CheckReport",
    "Conflict",
    "Culprit",
    "DerivedEstimate",
    "DerivedResult",
    "Disagreement",
    "Equivalent",
    "Explanation",
    "FigureEstimate",
    "FigureResult",
    "MetalFigure",
    "Period",
    "Problem",
    "RelationResult",
    "Release",
    "ReleaseEstimate",
    "StreamSpec",
    "Term",
    "Total",
    "build_problem",
    "check_release",
    "estimate_release",
]
