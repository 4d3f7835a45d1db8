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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from typing import Any, Protocol

import numpy as np
from hypothesis import strategies as st

__all__ = [
    "GeneratedRelease",
    "in_number_format",
    "print_value",
    "random_release",
    "render_release",
    "rounded_releases",
    "synthetic_release",
]

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
    days: int = 0  #: the period's days (single-period releases)
    numbers: str = "1,234.5"  #: the number format the figures are printed in


_GROUPS = {
    "1,234.5": ",",
    "1 234.5": " ",
    "1.234,5": ".",
    "1 234,5": " ",
    "1'234.5": "'",
}


def in_number_format(text: str, numbers: str) -> str:
    """Reprint a figure printed as ``"1,234.5 t"`` under another ``numbers`` format.

    Examples
    --------
    >>> in_number_format("21,251.5 t", "1.234,5")
    '21.251,5 t'
    >>> in_number_format("21,251.5 t", "1'234.5")
    "21'251.5 t"
    """
    group = _GROUPS[numbers]
    decimal = "," if numbers.endswith(",5") else "."
    return "".join(group if ch == "," else decimal if ch == "." else ch for ch in text)


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


class _Source(Protocol):
    """Where random draws come from: hypothesis, or a seeded numpy generator."""

    def uniform(self, lo: float, hi: float) -> float: ...
    def integer(self, lo: int, hi: int) -> int: ...
    def choice(self, options: Sequence[str]) -> str: ...


Spec = tuple[float, str, int, str]  # (true value, unit, digits, mode)


def _mill_figures(
    src: _Source,
    period: str,
    rounding: str,
    min_digits: int,
    max_digits: int,
    *,
    full: bool = False,
) -> tuple[dict[str, Spec], int]:
    """True figures of one period of a Pb/Zn/Ag mill, each with its printing.

    Cross-assays and the tail are printed in some draws, always if ``full``.
    """
    feed = src.uniform(1e3, 1e6)
    days = src.integer(28, 366)
    head = {
        "Ag": src.uniform(20e-6, 2000e-6),
        "Pb": src.uniform(0.005, 0.15),
        "Zn": src.uniform(0.005, 0.15),
    }
    pull = {"pb_conc": src.uniform(0.01, 0.2), "zn_conc": src.uniform(0.005, 0.1)}
    # recovery of each element to each concentrate, by construction < 1 in all
    rec = {
        "pb_conc": {
            "Pb": src.uniform(0.5, 0.97),
            "Zn": src.uniform(0.005, 0.2),
            "Ag": src.uniform(0.3, 0.9),
        }
    }
    rec["zn_conc"] = {
        "Pb": (1 - rec["pb_conc"]["Pb"]) * src.uniform(0.01, 1.0) * 0.5,
        "Zn": (1 - rec["pb_conc"]["Zn"]) * src.uniform(0.3, 0.9),
        "Ag": (1 - rec["pb_conc"]["Ag"]) * src.uniform(0.01, 1.0) * 0.9,
    }
    for s in pull:  # a concentrate cannot be more than ~90 % metal: widen its pull
        metal = sum(rec[s][e] * head[e] for e in head)
        pull[s] = max(pull[s], metal / 0.9)
    grades = {
        s: {e: rec[s][e] * head[e] / pull[s] for e in head}
        for s in ("pb_conc", "zn_conc")
    }
    masses = {"ore_processed": feed, **{s: pull[s] * feed for s in pull}}
    figures: dict[str, Spec] = {}

    def add(fid: str, value: float, unit_label: str) -> None:
        digits = src.integer(min_digits, max_digits)
        mode = rounding if rounding != "either" else src.choice(["nearest", "truncate"])
        figures[f"{period}.{fid}"] = (value, unit_label, digits, mode)

    for stream, mass in masses.items():
        add(f"mass.{stream}", mass, "t")
    add("grade.ore_processed.Ag", head["Ag"] * 1e6, "g/t")
    add("grade.ore_processed.Pb", head["Pb"] * 100, "%")
    add("grade.ore_processed.Zn", head["Zn"] * 100, "%")
    cross = full or src.integer(0, 1) == 1
    if full or src.integer(0, 3) == 0:  # a printed tail makes the balance exact
        tail = feed - sum(masses[s] for s in pull)
        add("mass.tail", tail, "t")
        for e, unit_label, scale in (
            ("Ag", "g/t", 1e6),
            ("Pb", "%", 100),
            ("Zn", "%", 100),
        ):
            left = head[e] * feed - sum(masses[s] * grades[s][e] for s in pull)
            add(f"grade.tail.{e}", left / tail * scale, unit_label)
    for stream, main in (("pb_conc", "Pb"), ("zn_conc", "Zn")):
        add(f"grade.{stream}.Ag", grades[stream]["Ag"] * 1e6, "g/t")
        add(f"grade.{stream}.{main}", grades[stream][main] * 100, "%")
        if cross:
            other = "Zn" if main == "Pb" else "Pb"
            add(f"grade.{stream}.{other}", grades[stream][other] * 100, "%")
    ag = sum(masses[s] * grades[s]["Ag"] for s in ("pb_conc", "zn_conc"))
    add("contained.Ag", ag / _TROY_OUNCE_T, "oz")
    if full:  # the text repeats the silver in thousands of ounces; ore mined
        _, step = print_value(ag / _TROY_OUNCE_T / 1000, 4, "koz", rounding)
        if step is None and rounding != "either":
            figures[f"{period}.contained.Ag.also1"] = (
                ag / _TROY_OUNCE_T / 1000,
                "koz",
                4,
                rounding,
            )
        add("mass.ore_mined", feed * src.uniform(0.9, 1.1), "t")
    pb = masses["pb_conc"] * grades["pb_conc"]["Pb"]
    add("contained.Pb", pb / _POUND_T, "lb")
    zn = masses["zn_conc"] * grades["zn_conc"]["Zn"]
    add("contained.Zn", zn / _POUND_T, "lb")
    add("recovery.Ag", (rec["pb_conc"]["Ag"] + rec["zn_conc"]["Ag"]) * 100, "%")
    add("recovery.Pb", rec["pb_conc"]["Pb"] * 100, "%")
    add("recovery.Zn", rec["zn_conc"]["Zn"] * 100, "%")
    add("throughput", feed / days, "t/d")
    return figures, days


@st.composite
def rounded_releases(
    draw: Callable[[st.SearchStrategy[Any]], Any],
    *,
    rounding: str | st.SearchStrategy[str] = "nearest",
    min_digits: int = 2,
    max_digits: int = 5,
    numbers: str | st.SearchStrategy[str] = "1,234.5",
) -> GeneratedRelease:
    """Draw a release of a Pb/Zn/Ag mill printed from known true values.

    Parameters
    ----------
    rounding : {"nearest", "truncate", "either"} or a strategy of them
        How every figure is printed; ``either`` picks one per figure.
    min_digits, max_digits : int
        Range of significant digits each figure is printed to.
    numbers : str or a strategy of them
        The ``[release] numbers`` format the figures are printed in
        (:data:`massbalance.units.NUMBER_FORMATS`).
    """
    if isinstance(rounding, st.SearchStrategy):
        rounding = draw(rounding)
    assert isinstance(rounding, str)
    if isinstance(numbers, st.SearchStrategy):
        numbers = draw(numbers)
    assert isinstance(numbers, str)

    class Drawn:
        def uniform(self, lo: float, hi: float) -> float:
            return float(draw(st.floats(lo, hi)))

        def integer(self, lo: int, hi: int) -> int:
            return int(draw(st.integers(lo, hi)))

        def choice(self, options: Sequence[str]) -> str:
            return str(draw(st.sampled_from(list(options))))

    figures, days = _mill_figures(Drawn(), "2024Q1", rounding, min_digits, max_digits)
    return render_release(figures, days=days, rounding=rounding, numbers=numbers)


class _Seeded:
    """Draws from a seeded numpy generator (honest random draws, no shrinking)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def uniform(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def integer(self, lo: int, hi: int) -> int:
        return int(self.rng.integers(lo, hi + 1))

    def choice(self, options: Sequence[str]) -> str:
        return str(options[int(self.rng.integers(len(options)))])


def random_release(
    rng: np.random.Generator,
    rounding: str = "nearest",
    *,
    min_digits: int = 2,
    max_digits: int = 5,
) -> GeneratedRelease:
    """One quarter of a Pb/Zn/Ag mill drawn as :func:`rounded_releases` draws it,
    from a seeded numpy generator.

    Hypothesis draws extremes and shrinks, which suits laws that hold for every
    example; statements about averages (a chi-square distribution) want honest
    random draws, which this gives.
    """
    figures, days = _mill_figures(
        _Seeded(rng), "2024Q1", rounding, min_digits, max_digits
    )
    return render_release(figures, days=days, rounding=rounding)


def synthetic_release(
    n_periods: int = 40,
    *,
    seed: int = 0,
    errors: int = 0,
    rounding: str = "nearest",
    min_digits: int = 3,
    max_digits: int = 5,
) -> tuple[GeneratedRelease, list[str]]:
    """A release of ``n_periods`` quarters, with year-on-year changes, for benchmarks.

    Each quarter is a Pb/Zn/Ag mill printed from known true values (about 25
    figures); each quarter's silver production is compared with the same
    quarter a year before (a printed percent change), so quarters four apart
    are linked. ``errors`` mass or contained-metal figures, in distinct
    quarters, are then moved by 8-20 %.

    Returns
    -------
    GeneratedRelease, list of str
        The release and the ids of the figures that were moved.
    """
    rng = np.random.default_rng(seed)

    source = _Seeded(rng)

    periods = [f"{2000 + k // 4}Q{k % 4 + 1}" for k in range(n_periods)]
    all_figures: dict[str, Spec] = {}
    days: dict[str, int] = {}
    for period in periods:
        figures, days[period] = _mill_figures(
            source, period, rounding, min_digits, max_digits, full=True
        )
        all_figures.update(figures)
    changes: list[tuple[str, str, str, str | None]] = []
    for k in range(4, n_periods):
        before, after = periods[k - 4], periods[k]
        ratio = (
            all_figures[f"{after}.contained.Ag"][0]
            / all_figures[f"{before}.contained.Ag"][0]
        )
        change = (ratio - 1.0) * 100.0
        if abs(change) < 0.5:
            continue
        mode = (
            rounding if rounding != "either" else source.choice(["nearest", "truncate"])
        )
        text, step = print_value(abs(change), 3, "%", mode)
        if change < 0:
            text = "-" + text
        changes.append((before, after, text, step))
    moved: list[str] = []
    targets = ["mass.pb_conc", "mass.zn_conc", "contained.Pb", "contained.Zn"]
    for period in rng.choice(periods, size=min(errors, n_periods), replace=False):
        fid = f"{period}.{targets[int(rng.integers(len(targets)))]}"
        value, unit_label, digits, mode = all_figures[fid]
        all_figures[fid] = (
            value * float(rng.uniform(1.08, 1.2)),
            unit_label,
            digits,
            mode,
        )
        moved.append(fid)
    text_parts = ["[release]", 'issuer = "synthetic"', f'rounding = "{rounding}"', ""]
    printed: dict[str, str] = {}
    for period in periods:
        mine = {k: v for k, v in all_figures.items() if k.startswith(f"{period}.")}
        body, shown = _render_period(period, mine, days=days[period])
        text_parts.extend(body)
        printed.update(shown)
    for before, after, text, step in changes:
        text_parts += [
            "[[changes]]",
            'figure = "contained.Ag"',
            f'from = "{before}"',
            f'to = "{after}"',
            f'value = "{text}"',
        ]
        text_parts += [f'step = "{step}"', ""] if step else [""]
    generated = GeneratedRelease(
        text="\n".join(text_parts) + "\n",
        truth={k: v[0] for k, v in all_figures.items()},
        printed=printed,
        rounding=rounding,
        specs=all_figures,
    )
    return generated, moved


def render_release(
    figures: dict[str, Spec],
    *,
    days: int,
    rounding: str,
    period: str = "2024Q1",
    numbers: str = "1,234.5",
) -> GeneratedRelease:
    """Print ``figures`` (id -> (true value, unit, digits, mode)) as a release file.

    ``numbers`` is the ``[release] numbers`` format every figure is printed in.
    """
    head = ["[release]", 'issuer = "generated"', f'rounding = "{rounding}"']
    if numbers != "1,234.5":
        head.append(f'numbers = "{numbers}"')
    head.append("")
    body, printed = _render_period(period, figures, days=days, numbers=numbers)
    return GeneratedRelease(
        text="\n".join(head + body) + "\n",
        truth={fid: spec[0] for fid, spec in figures.items()},
        printed=printed,
        rounding=rounding,
        specs=dict(figures),
        days=days,
        numbers=numbers,
    )


def _render_period(
    p: str, figures: dict[str, Spec], *, days: int, numbers: str = "1,234.5"
) -> tuple[list[str], dict[str, str]]:
    """The TOML lines of one period, and the printed text of each figure."""
    printed: dict[str, str] = {}
    entries: dict[str, str] = {}
    for fid, (value, unit_label, digits, mode) in figures.items():
        text, step = print_value(value, digits, unit_label, mode)
        text = in_number_format(text, numbers)
        step = None if step is None else in_number_format(step, numbers)
        printed[fid] = text
        entries[fid] = (
            f'{{ value = "{text}", step = "{step}" }}' if step else f'"{text}"'
        )

    def fig(fid: str) -> str:
        return entries[fid]

    def metal(fid: str, key: str, streams: list[str]) -> str:
        names = ", ".join(f'"{s}"' for s in streams)
        if f"{fid}.also1" in printed:
            names += f'], also = ["{printed[fid + ".also1"]}"'
            entries.pop(f"{fid}.also1")
        if entries[fid].startswith("{"):
            return entries[fid][:-2] + f", {key} = [{names}] }}"
        return f"{{ value = {entries[fid]}, {key} = [{names}] }}"

    lines = [
        f"[periods.{p}]",
        f"days = {days}",
        'feed = "ore_processed"',
        f"throughput = {fig(f'{p}.throughput')}",
        "",
    ]
    for stream in ("ore_mined", "ore_processed", "pb_conc", "zn_conc", "tail"):
        if f"{p}.mass.{stream}" not in entries:
            continue
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
    lines.append("")
    return lines, printed
