"""Readers and writers: release files, plant data, CSV and pandas tables.

A subpackage rather than one module so that each format stays small; the
public names are re-exported here.
"""

from __future__ import annotations

from .plant import PlantData, read_plant
from .release import loads_release, read_release

__all__ = ["PlantData", "loads_release", "read_plant", "read_release"]
