"""Readers and writers: release files, plant data, CSV and pandas tables.

A subpackage rather than one module so that each format stays small; the
public names are re-exported here. The pandas functions import pandas only
when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .draft import draft_release

from ..release import DerivedEstimate as DerivedEstimate
from ..release import FigureEstimate as FigureEstimate
from ..release import ReleaseEstimate as ReleaseEstimate
from ..release import estimate_release
from .plant import PlantData, read_plant
from .release import loads_release, read_release
from .tables import (
    forecast_to_frame,
    read_streams_csv,
    result_to_frame,
    streams_from_frame,
    streams_to_frame,
    write_streams_csv,
)

# The estimate's result classes are documented in massbalance.release, where
# they live; they stay importable from here.
__all__ = [
    "PlantData",
    "draft_release",
    "estimate_release",
    "forecast_to_frame",
    "loads_release",
    "read_plant",
    "read_release",
    "read_streams_csv",
    "result_to_frame",
    "streams_from_frame",
    "streams_to_frame",
    "write_streams_csv",
]


def __getattr__(name: str) -> Any:
    # drafting is imported on first use: the other commands do not need it
    if name == "draft_release":
        from .draft import draft_release

        return draft_release
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
