"""A multi-quarter synthetic release: moved figures are found, clean ones are not."""

from __future__ import annotations

from massbalance.io import loads_release
from massbalance.release import check_release
from massbalance.testing.releases import synthetic_release


def test_clean_synthetic_release_is_consistent():
    generated, moved = synthetic_release(8, seed=3, errors=0)
    assert moved == []
    report = check_release(loads_release(generated.text))
    assert report.verdict == "consistent"
    assert not report.flagged


def test_moved_figures_are_exactly_the_cheapest_culprit_set():
    generated, moved = synthetic_release(8, seed=3, errors=2)
    release = loads_release(generated.text)
    assert len(release.figures()) > 180
    report = check_release(release)
    assert report.verdict == "inconsistent"
    assert set(report.culprits[0].figures) == set(moved)
    assert set(report.flagged) == set(moved)
