"""Dump what the release check decides, as JSON, to compare two versions of the code.

Verdicts, culprit sets, costs, statuses and implied ranges of the seed and of
every reference release, under each rounding convention. Run it with one
checkout's package importable and again with another's, and diff the files::

    PYTHONPATH=/path/to/other/checkout python benchmarks/dump_check.py > a.json
    python benchmarks/dump_check.py > b.json
    diff a.json b.json

Costs are rounded to 1e-6 steps and ranges to 12 significant digits, the
precision the check itself claims.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from massbalance.io import read_release
from massbalance.release import check_release

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    ROOT / "examples" / "alexco-2012-q1.toml",
    *sorted((ROOT / "tests" / "reference" / "releases").glob("*.toml")),
]


def _g(x: float | None) -> Any:
    return None if x is None else float(f"{x:.12g}")


def dump(path: Path) -> dict[str, Any]:
    release = read_release(path)
    out: dict[str, Any] = {}
    for rounding in ("nearest", "truncate", "either"):
        report = check_release(release, rounding=rounding)  # type: ignore[arg-type]
        out[rounding] = {
            "verdict": report.verdict,
            "culprits": [
                {"figures": list(c.figures), "cost": round(c.cost, 6)}
                for c in report.culprits
            ],
            "figures": {
                f.id: {
                    "status": f.status,
                    "implied": None
                    if f.implied is None
                    else [_g(f.implied[0]), _g(f.implied[1])],
                }
                for f in report.figures
            },
            "relations": {r.id: r.status for r in report.relations},
            "conflicts": sorted(list(c.figures) for c in report.conflicts),
        }
    return out


def main() -> None:
    result = {path.name: dump(path) for path in FILES}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
