"""The public surface: sorted, complete ``__all__``; imports point one way."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import massbalance

PACKAGE = Path(massbalance.__file__).parent
MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages([str(PACKAGE)], "massbalance.")
    if not name.endswith("__main__")
)

# Lower layers may not import upper ones (the module map).
LAYERS = [
    {"errors"},
    {"_typing", "units"},
    {"figures"},
    {"streams"},
    {"flowsheet", "frames"},
    {"solve", "intervals", "periods", "forecast"},
    {"release", "reconcile", "reconciliation", "uncertainty"},
    {"io"},
    {"report", "plot", "testing", "guides"},
    {"cli", "__main__", "__init__", "_launch", "_progress", "_completion"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted_and_names_exist(name):
    if "testing" in name:
        pytest.importorskip("hypothesis")
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    if exported is None:
        assert name.rsplit(".", 1)[-1].startswith("_"), f"{name} has no __all__"
        return
    assert list(exported) == sorted(exported, key=_isort_key), (
        f"{name}.__all__ unsorted"
    )
    for attr in exported:
        assert hasattr(module, attr), f"{name}.__all__ names missing {attr}"


def _top(module_path: Path) -> str:
    rel = module_path.relative_to(PACKAGE).with_suffix("")
    return rel.parts[0]


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_imports_point_down(path):
    me = _top(path)
    if me not in RANK:
        pytest.fail(f"{me} is not placed in a layer of the module map")
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            target = (node.module or "").split(".")[0]
            if (
                path.name == "__init__.py"
                and node.level == 1
                and path.parent != PACKAGE
            ):
                continue  # a subpackage importing its own modules
            if target in RANK and target != me:
                assert RANK[target] <= RANK[me], f"{me} imports {target} (upward)"


# `ton` is pint's short ton and `oz` its avoirdupois ounce: code must write
# short_ton and troy_ounce. Printed labels such as "oz" in a report are fine; a
# banned spelling handed to pint is not.
BANNED = re.compile(
    r"""(?:Q_|Quantity|\.to|\.m_as|Unit|ureg|parse_units)\([^()\n]*["'](?:ton|tons|oz)["']"""
    r"""|ureg\.(?:ton|tons|oz)\b"""
)


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_no_banned_unit_literals(path):
    assert not BANNED.findall(path.read_text()), f"{path.name} hands pint a banned unit"


def test_banned_pattern_catches_the_mistakes():
    for bad in ['Q_(5, "oz")', "x.to('ton')", "ureg.oz", 'q.m_as("tons")']:
        assert BANNED.search(bad), bad
    assert not BANNED.search('label = "oz"')


def test_slow_optional_modules_are_not_imported_at_start():
    # `massbalance check` must start quickly: scipy.stats (about 0.4 s),
    # scipy.optimize (0.5 s), scipy.linalg (0.3 s) and pandas are imported
    # only by the functions that need them.
    import subprocess
    import sys

    code = (
        "import sys, massbalance.cli; "
        "print(sorted(m for m in ('scipy.stats', 'scipy.optimize', 'scipy.linalg', "
        "'pandas', 'matplotlib') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
