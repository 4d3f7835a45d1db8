"""Collection rules for the doctests in the package (``testpaths`` includes it)."""

from __future__ import annotations

import importlib.util

collect_ignore: list[str] = []
if importlib.util.find_spec("pandas") is None:  # the optional [pandas] extra
    collect_ignore.append("massbalance/io/tables.py")
