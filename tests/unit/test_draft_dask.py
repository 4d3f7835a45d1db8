"""The Dask recipe of docs/drafting.md: screen release files with a dask.bag on a
LocalCluster (runs only with the ``dask`` extra installed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from massbalance.io.draft import screen

ROOT = Path(__file__).resolve().parents[2]


def test_dask_bag_over_files_gives_the_rows_of_screen(tmp_path):
    pytest.importorskip("dask.bag", reason="the dask extra is not installed")
    distributed = pytest.importorskip(
        "distributed", reason="the dask extra is not installed"
    )
    import dask.bag as db

    files = []
    for name in ("a.toml", "b.toml"):
        shutil.copy(ROOT / "examples" / "alexco-2012-q1.toml", tmp_path / name)
        files.append(str(tmp_path / name))
    files += sorted(
        str(p) for p in (ROOT / "tests" / "reference" / "releases").glob("*.toml")
    )[:4]
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        # the recipe, as in docs/drafting.md
        rows = db.from_sequence(files, npartitions=2).map(screen).compute()
    assert [r.file for r in rows] == files
    assert [r.verdict for r in rows] == [screen(f).verdict for f in files]
    assert rows[0].verdict == "inconsistent"
