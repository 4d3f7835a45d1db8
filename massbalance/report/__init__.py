"""Renderings of results as text, Markdown, JSON and CSV. Pure: nothing here prints.

One private module per kind of result; the public names are re-exported here.
"""

from __future__ import annotations

from ._check import REPORT_FORMATS, check_report_dict, render_check

__all__ = ["REPORT_FORMATS", "check_report_dict", "render_check"]
