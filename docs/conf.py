"""Sphinx configuration: the guides (Markdown, through MyST), the API reference
(autodoc, autosummary, numpydoc), a glossary and a gallery of the examples.

Build with ``sphinx-build -W -b html docs docs/_build/html``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))
os.environ.setdefault("MPLBACKEND", "Agg")

import massbalance  # noqa: E402

project = "massbalance"
author = "the massbalance maintainers"
copyright = "2026, the massbalance maintainers"  # noqa: A001
release = massbalance.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "sg_execution_times.rst", "auto_examples/*.ipynb", "auto_examples/*.py", "**.zip"]
templates_path: list[str] = []

# The guides are plain Markdown written for GitHub-style readers: headings
# may skip levels, and links point to other .md files and to anchors that
# Sphinx cannot always resolve. MyST reads them with these extensions; the
# warnings about cross-references that only make sense on a forge are quiet.
myst_enable_extensions = [
    "colon_fence",
    "deflist",
    "dollarmath",
    "smartquotes",
    "strikethrough",
    "tasklist",
]
myst_heading_anchors = 3
suppress_warnings = [
    "myst.header",  # a guide may go from # to ###
    "myst.xref_missing",  # links to anchors only a forge's renderer makes
    "misc.highlighting_failure",  # console transcripts in ```text-less fences
]

# API reference
autosummary_generate = True
autosummary_imported_members = False
autosummary_ignore_module_all = False  # a module documents its __all__
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_typehints = "none"  # the numpydoc sections carry the types and units
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()
numpydoc_xref_param_type = False

# `sphinx-build -b doctest` runs the examples written in the pages
# ({doctest} blocks); the docstrings' own examples run under pytest
# (--doctest-modules), with their module's names in scope.
doctest_test_doctest_blocks = ""
doctest_global_setup = "import massbalance"

intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

# The gallery: every example script is run; the figures of plot_*.py are kept.
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",
    "ignore_pattern": r"__init__\.py$",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "matplotlib_animations": False,
    "within_subsection_order": "FileNameSortKey",
    "plot_gallery": "True",
    "image_scrapers": ("matplotlib", "gallery_scraper.saved_png_scraper"),
    "write_computation_times": False,
}

html_theme = "alabaster"
html_title = f"massbalance {release}"
html_static_path: list[str] = []
html_theme_options = {
    "description": "Metal accounting for concentrators, with units",
    "fixed_sidebar": True,
}
html_sidebars = {"**": ["about.html", "navigation.html", "searchbox.html"]}
