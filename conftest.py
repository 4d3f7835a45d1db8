"""Collection rules for the doctests in the package (``testpaths`` includes it)."""

from __future__ import annotations

import importlib.util

collect_ignore: list[str] = []
if importlib.util.find_spec("pandas") is None:  # the optional [pandas] extra
    collect_ignore += ["massbalance/io/tables.py", "massbalance/frames.py"]
if importlib.util.find_spec("matplotlib") is None:  # the optional [plot] extra
    collect_ignore.append("massbalance/plot.py")
