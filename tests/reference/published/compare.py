"""Figure sets of two releases, compared as quantities (for the drafting tests)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from massbalance.figures import Figure
from massbalance.release import Release


def figures(release: Release) -> Iterator[tuple[str, Figure]]:
    """Every printed figure of ``release`` with its id."""
    for period in release.periods.values():
        for f in (*period.throughput, *period.days_figures):
            yield f.id, f
        for stream in period.streams.values():
            for f in (*stream.mass, *stream.wet_mass, *stream.moisture):
                yield f.id, f
            for grades in stream.grades.values():
                for f in grades:
                    yield f.id, f
        for metal in (*period.recoveries, *period.contained):
            for f in metal.figures:
                yield f.id, f
        for eq in period.equivalents:
            for f in eq.figures:
                yield f.id, f
    for change in release.changes:
        for f in change.figures:
            yield f.id, f


def printed(f: Figure) -> tuple[Decimal, str]:
    """The printed number and what its unit means."""
    return f.number, str(f.unit)


def quantity_keys(release: Release) -> list[tuple[object, ...]]:
    """Each figure as (period dates, kind, element, role, printed number, unit).

    Stream and period names are left out (a draft may name them otherwise):
    a period is its dates, a stream its role (feed, product, other); the kind
    and element come from the figure id. The streams a recovery or contained
    metal goes to are left out too (the check compares them through its
    verdict).
    """
    out: list[tuple[object, ...]] = []
    for period in release.periods.values():
        when = (period.start, period.end)
        roles = {name: s.role for name, s in period.streams.items()}
        for f in (*period.throughput, *period.days_figures):
            out.append(
                (when, f.id.split(".")[1].removesuffix("s"), None, None, *printed(f))
            )
        for name, stream in period.streams.items():
            for f in stream.mass:
                out.append((when, "mass", None, roles[name], *printed(f)))
            for element, grades in stream.grades.items():
                for f in grades:
                    out.append((when, "grade", element, roles[name], *printed(f)))
        for metal in (*period.recoveries, *period.contained):
            kind = metal.key.split(".")[0]
            for f in metal.figures:
                out.append((when, kind, metal.element, None, *printed(f)))
    for change in release.changes:
        kind = change.figure.split(".")[0]
        frm, to = release.periods[change.from_period], release.periods[change.to_period]
        for f in change.figures:
            out.append(
                (
                    (frm.start, frm.end, to.start, to.end),
                    f"change.{kind}",
                    None,
                    None,
                    *printed(f),
                )
            )
    return out


def coverage(hand: Release, draft: Release) -> tuple[int, int]:
    """How many of ``hand``'s figures ``draft`` holds as the same quantity."""
    pool = list(quantity_keys(draft))
    found = 0
    keys = quantity_keys(hand)
    for key in keys:
        if key in pool:
            pool.remove(key)
            found += 1
    return found, len(keys)


def invented(source_text: str, draft: Release) -> list[str]:
    """The drafted figures whose printed number does not occur in the source."""
    digits = source_text.replace("\u00a0", " ")
    out = []
    for fid, f in figures(draft):
        number = f.text.lstrip("(-−").split()[0].rstrip("%)")
        if number not in digits:
            out.append(f"{fid} = {f.text}")
    return out
