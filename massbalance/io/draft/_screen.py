"""Check one release file or source and summarise the result in one row.

:func:`screen` is what ``massbalance check A B C ...`` runs in each worker
process, and what a Dask bag maps over a corpus (see ``docs/drafting.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ...errors import InputError, MassBalanceError
from ...release import CheckReport, Release, check_release
from ..release import read_release

__all__ = ["ScreenRow", "load_any", "screen", "screen_many"]

#: exit status of a row's verdict, as ``massbalance check`` gives it
EXIT_OF = {"consistent": 0, "inconsistent": 1, "error": 2}


@dataclass(frozen=True)
class ScreenRow:
    """One line of the screening table.

    Attributes
    ----------
    file, issuer, date, verdict : str
        The file, its issuer and release date, and the verdict
        (``consistent``, ``inconsistent``, ``undetermined`` or ``error``).
    disagreements : int
        How many relations fail (the report's conflicts, else its flagged
        relations).
    explanation : str
        The cheapest explanation: the figures of the first culprit set.
    drafted : bool
        Whether the file was a published source drafted in memory.
    to_check : int
        How many readings of the draft are marked ``CHECK``.
    error : str
        The error message, for ``verdict == "error"``.
    """

    file: str
    issuer: str = ""
    date: str = ""
    verdict: str = "error"
    disagreements: int = 0
    explanation: str = ""
    drafted: bool = False
    to_check: int = 0
    error: str = ""

    @property
    def exit_code(self) -> int:
        return EXIT_OF.get(self.verdict, 3)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_any(
    path: str | Path, *, labels: str | Path | None = None
) -> tuple[Release, int | None]:
    """Read a release file, or draft a published source; the count of CHECK readings.

    A ``.toml`` file is read as a release file (count ``None``); anything else
    is drafted with :func:`massbalance.io.draft.draft_release`.
    """
    p = Path(path)
    if p.suffix.lower() == ".toml":
        return read_release(p), None
    from . import draft_release

    release, notes = draft_release(p, labels=labels)
    return release, len(notes.checks)


def disagreements(report: CheckReport) -> int:
    """How many relations disagree (the hook for richer reports to fill)."""
    if report.conflicts:
        return len(report.conflicts)
    return sum(1 for r in report.relations if r.status == "violated")


def explanation(report: CheckReport) -> str:
    """The cheapest explanation: the figures of the cheapest culprit set."""
    if not report.culprits:
        return ""
    return " + ".join(report.culprits[0].figures)


def screen(
    path: str | Path,
    *,
    rounding: str | None = None,
    trailing_zeros: str = "significant",
    max_culprits: int = 3,
    labels: str | Path | None = None,
) -> ScreenRow:
    """Check one file (a release file, or a source to draft) into a table row.

    Errors become a row with ``verdict = "error"``: screening never stops on
    one bad file.
    """
    name = str(path)
    try:
        release, to_check = load_any(path, labels=labels)
        report = check_release(
            release,
            rounding=rounding,  # type: ignore[arg-type]
            trailing_zeros=trailing_zeros,  # type: ignore[arg-type]
            max_culprits=max_culprits,
        )
    except MassBalanceError as err:
        kind = "error" if isinstance(err, InputError) else "undetermined"
        return ScreenRow(name, verdict=kind, error=" ".join(str(err).split()))
    return ScreenRow(
        name,
        issuer=release.issuer,
        date=release.date.isoformat() if release.date else "",
        verdict=report.verdict,
        disagreements=disagreements(report),
        explanation=explanation(report),
        drafted=to_check is not None,
        to_check=to_check or 0,
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def screen_many(
    files: Sequence[Path], work: Callable[[Path], ScreenRow], jobs: int
) -> list[ScreenRow]:
    """``work`` on every file, in ``jobs`` processes; the rows in the files' order.

    The files go to the workers largest first, one at a time, so that no
    worker is left with a long file while the other has finished (the cost
    of a check grows with the file; a task's round trip is small against
    it). The workers are forked from this process with the library already
    imported.
    """
    if jobs <= 1 or len(files) <= 1:
        return [work(f) for f in files]
    from concurrent.futures import ProcessPoolExecutor

    order = sorted(range(len(files)), key=lambda k: -_size(files[k]))
    rows: list[ScreenRow | None] = [None] * len(files)
    with ProcessPoolExecutor(max_workers=min(jobs, len(files))) as pool:
        for k, row in zip(
            order, pool.map(work, [files[k] for k in order]), strict=True
        ):
            rows[k] = row
    return [row for row in rows if row is not None]
