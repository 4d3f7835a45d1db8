"""Hypothesis strategies for production releases printed from known true values.

:func:`rounded_releases` draws the true tonnages and assays of a balanced
feed -> lead concentrate -> zinc concentrate -> tail mill (silver, lead and
zinc, with cross-assays), computes every figure a release would print, and
prints each at a random precision under a rounding convention. A correct
checker must find every such release consistent; that is the law
*a correctly rounded release is never flagged*.

Examples
--------
>>> from hypothesis import given
>>> from massbalance.testing.releases import rounded_releases
>>> @given(rounded_releases(rounding="nearest"))
... def test_never_flagged(generated):
...     ...  # check_release(loads_release(generated.text)).verdict == "consistent"
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from typing import Any

from hypothesis import strategies as st

__all__ = ["GeneratedRelease", "print_value", "rounded_releases"]

_TROY_OUNCE_T = 31.1034768e-6  # tonnes per troy ounce (exact by definition)
_POUND_T = 0.45359237e-3  # tonnes per pound (exact by definition)


@dataclass(frozen=True)
class GeneratedRelease:
    """A release printed from known true values.

    Attributes
    ----------
    text : str
        The release file (TOML), as ``massbalance check`` reads it.
    truth : dict of str to float
        True value of every printed figure, by figure id, in the printed unit.
    printed : dict of str to str
        Every printed figure, by id.
    rounding : str
        The convention each figure was printed with (``either`` mixes both).
    """

    text: str
    truth: dict[str, float]
    printed: dict[str, str]
    rounding: str
    specs: dict[str, tuple[float, str, int, str]] = field(
        repr=False, default_factory=dict
    )


def print_value(
    value: float, digits: int, unit: str, rounding: str
) -> tuple[str, str | None]:
    """Print ``value`` to ``digits`` significant digits with thousands separators.

    Returns the printed text and, when the printed integer ends in zeros that
    are not significant, the step to pin (``"100 t"``), as a faithful
    transcription would.

    Examples
    --------
    >>> print_value(21251.4, 3, "t", "nearest")
    ('21,300 t', '100 t')
    >>> print_value(94.718, 2, "%", "truncate")
    ('94 %', None)
    """
    if value <= 0 or not math.isfinite(value):
        raise ValueError(f"cannot print {value!r}")
    exponent = math.floor(math.log10(value)) - digits + 1
    quantum = Decimal(1).scaleb(exponent)
    mode = ROUND_DOWN if rounding == "truncate" else ROUND_HALF_EVEN
    number = Decimal(repr(value)).quantize(quantum, rounding=mode)
    if number == 0:
        number = quantum
    step = None
    if exponent > 0:
        number = number.quantize(Decimal(1))
        step = f"{int(Decimal(1).scaleb(exponent)):,} {unit}"
    text = f"{number:,f}" if exponent < 0 else f"{int(number):,}"
    return f"{text} {unit}", step


@st.composite
def rounded_releases(
    draw: Callable[[st.SearchStrategy[Any]], Any],
    *,
    rounding: str | st.SearchStrategy[str] = "nearest",
    min_digits: int = 2,
    max_digits: int = 5,
) -> GeneratedRelease:
    """Draw a release of a Pb/Zn/Ag mill printed from known true values.

    Parameters
    ----------
    rounding : {"nearest", "truncate", "either"} or a strategy of them
        How every figure is printed; ``either`` picks one per figure.
    min_digits, max_digits : int
        Range of significant digits each figure is printed to.
    """
    if isinstance(rounding, st.SearchStrategy):
        rounding = draw(rounding)
    assert isinstance(rounding, str)
    unit = st.floats(0.01, 1.0)
    feed = draw(st.floats(1e3, 1e6))
    days = draw(st.integers(28, 366))
    head = {
        "Ag": draw(st.floats(20e-6, 2000e-6)),
        "Pb": draw(st.floats(0.005, 0.15)),
        "Zn": draw(st.floats(0.005, 0.15)),
    }
    pull = {
        "pb_conc": draw(st.floats(0.01, 0.2)),
        "zn_conc": draw(st.floats(0.005, 0.1)),
    }
    # recovery of each element to each concentrate, by construction < 1 in all
    rec = {
        "pb_conc": {
            "Pb": draw(st.floats(0.5, 0.97)),
            "Zn": draw(st.floats(0.005, 0.2)),
            "Ag": draw(st.floats(0.3, 0.9)),
        }
    }
    rec["zn_conc"] = {
        "Pb": (1 - rec["pb_conc"]["Pb"]) * draw(unit) * 0.5,
        "Zn": (1 - rec["pb_conc"]["Zn"]) * draw(st.floats(0.3, 0.9)),
        "Ag": (1 - rec["pb_conc"]["Ag"]) * draw(unit) * 0.9,
    }
    for s in pull:  # a concentrate cannot be more than ~90 % metal: widen its pull
        metal = sum(rec[s][e] * head[e] for e in head)
        pull[s] = max(pull[s], metal / 0.9)
    grades = {
        s: {e: rec[s][e] * head[e] / pull[s] for e in head}
        for s in ("pb_conc", "zn_conc")
    }
    masses = {"ore_processed": feed, **{s: pull[s] * feed for s in pull}}

    figures: dict[
        str, tuple[float, str, int, str]
    ] = {}  # id -> (value, unit, digits, mode)

    def add(fid: str, value: float, unit_label: str) -> None:
        digits = draw(st.integers(min_digits, max_digits))
        mode = (
            rounding
            if rounding != "either"
            else draw(st.sampled_from(["nearest", "truncate"]))
        )
        figures[fid] = (value, unit_label, digits, mode)

    p = "2024Q1"
    for stream, mass in masses.items():
        add(f"{p}.mass.{stream}", mass, "t")
    add(f"{p}.grade.ore_processed.Ag", head["Ag"] * 1e6, "g/t")
    add(f"{p}.grade.ore_processed.Pb", head["Pb"] * 100, "%")
    add(f"{p}.grade.ore_processed.Zn", head["Zn"] * 100, "%")
    cross = draw(st.booleans())
    for stream, main in (("pb_conc", "Pb"), ("zn_conc", "Zn")):
        add(f"{p}.grade.{stream}.Ag", grades[stream]["Ag"] * 1e6, "g/t")
        add(f"{p}.grade.{stream}.{main}", grades[stream][main] * 100, "%")
        if cross:
            other = "Zn" if main == "Pb" else "Pb"
            add(f"{p}.grade.{stream}.{other}", grades[stream][other] * 100, "%")
    ag = sum(masses[s] * grades[s]["Ag"] for s in ("pb_conc", "zn_conc"))
    add(f"{p}.contained.Ag", ag / _TROY_OUNCE_T, "oz")
    add(
        f"{p}.contained.Pb",
        masses["pb_conc"] * grades["pb_conc"]["Pb"] / _POUND_T,
        "lb",
    )
    add(
        f"{p}.contained.Zn",
        masses["zn_conc"] * grades["zn_conc"]["Zn"] / _POUND_T,
        "lb",
    )
    add(f"{p}.recovery.Ag", (rec["pb_conc"]["Ag"] + rec["zn_conc"]["Ag"]) * 100, "%")
    add(f"{p}.recovery.Pb", rec["pb_conc"]["Pb"] * 100, "%")
    add(f"{p}.recovery.Zn", rec["zn_conc"]["Zn"] * 100, "%")
    add(f"{p}.throughput", feed / days, "t/d")
    return render_release(figures, days=days, rounding=rounding)


def render_release(
    figures: dict[str, tuple[float, str, int, str]], *, days: int, rounding: str
) -> GeneratedRelease:
    """Print ``figures`` (id -> (true value, unit, digits, mode)) as a release file."""
    printed: dict[str, str] = {}
    entries: dict[str, str] = {}
    for fid, (value, unit_label, digits, mode) in figures.items():
        text, step = print_value(value, digits, unit_label, mode)
        printed[fid] = text
        entries[fid] = (
            f'{{ value = "{text}", step = "{step}" }}' if step else f'"{text}"'
        )

    def fig(fid: str) -> str:
        return entries[fid]

    def metal(fid: str, key: str, streams: list[str]) -> str:
        names = ", ".join(f'"{s}"' for s in streams)
        if entries[fid].startswith("{"):
            return entries[fid][:-2] + f", {key} = [{names}] }}"
        return f"{{ value = {entries[fid]}, {key} = [{names}] }}"

    p = "2024Q1"
    lines = [
        "[release]",
        'issuer = "generated"',
        f'rounding = "{rounding}"',
        "",
        f"[periods.{p}]",
        f"days = {days}",
        'feed = "ore_processed"',
        f"throughput = {fig(f'{p}.throughput')}",
        "",
    ]
    for stream in ("ore_processed", "pb_conc", "zn_conc"):
        lines.append(f"[periods.{p}.streams.{stream}]")
        lines.append(f"mass = {fig(f'{p}.mass.{stream}')}")
        for element in ("Ag", "Pb", "Zn"):
            fid = f"{p}.grade.{stream}.{element}"
            if fid in entries:
                lines.append(f"{element} = {fig(fid)}")
        lines.append("")
    lines.append(f"[periods.{p}.recovery]")
    lines.append(f"Ag = {metal(f'{p}.recovery.Ag', 'to', ['pb_conc', 'zn_conc'])}")
    lines.append(f"Pb = {metal(f'{p}.recovery.Pb', 'to', ['pb_conc'])}")
    lines.append(f"Zn = {metal(f'{p}.recovery.Zn', 'to', ['zn_conc'])}")
    lines.append("")
    lines.append(f"[periods.{p}.contained]")
    lines.append(f"Ag = {metal(f'{p}.contained.Ag', 'in', ['pb_conc', 'zn_conc'])}")
    lines.append(f"Pb = {metal(f'{p}.contained.Pb', 'in', ['pb_conc'])}")
    lines.append(f"Zn = {metal(f'{p}.contained.Zn', 'in', ['zn_conc'])}")
    truth = {fid: spec[0] for fid, spec in figures.items()}
    return GeneratedRelease(
        text="\n".join(lines) + "\n",
        truth=truth,
        printed=printed,
        rounding=rounding,
        specs=dict(figures),
    )
