"""Plots of forecasts, reconciliations, balances and release checks (``plot`` extra).

matplotlib is imported when a plot is drawn, never when massbalance is
imported. Each function draws on the ``ax`` (or ``fig``) given, or on a new
one, and returns it; the colours are module constants so that a caller (or a
test) can find them again.

Examples
--------
>>> import numpy as np
>>> from massbalance import Q_
>>> from massbalance.forecast import forecast
>>> fc = forecast(tonnage=Q_(np.random.default_rng(1).normal(85e3, 4e3, 500), "t"),
...               head_grades={"Ag": Q_(880, "g/t")},
...               recoveries={"conc": {"Ag": Q_(94, "%")}})
>>> ax = forecast_guidance(fc, "Ag", "2.2 to 2.5 million ounces")
>>> ax.get_xlabel()
'Ag [Moz]'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._typing import Quantity
from .forecast import Forecast, Guidance, parse_guidance
from .release import CheckReport
from .solve import BalanceResult

__all__ = [
    "ADJUSTED",
    "GUIDANCE",
    "IMPLIED",
    "MEASURED",
    "PRINTED",
    "SCENARIOS",
    "SET_ASIDE",
    "forecast_guidance",
    "reconciliation_adjustments",
    "release_check",
    "sankey",
]

SCENARIOS = "#4c72b0"  #: histogram of forecast scenarios
GUIDANCE = "#55a868"  #: the guidance range
MEASURED = "#4c72b0"  #: measured values and their SDs
ADJUSTED = "#dd8452"  #: reconciled values and their SDs
SET_ASIDE = "#c44e52"  #: measurements set aside as gross errors; flagged figures
PRINTED = "#4c72b0"  #: what a printed figure allows
IMPLIED = "#dd8452"  #: what the other figures imply


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "massbalance.plot needs matplotlib: pip install 'massbalance[plot]'"
        ) from err
    return plt


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    _, new = _pyplot().subplots(figsize=(7, 4))
    return new


def forecast_guidance(
    forecast: Forecast,
    element: str,
    guidance: str | Guidance,
    *,
    products: Sequence[str] | None = None,
    bins: int = 50,
    ax: Any = None,
) -> Any:
    """The spread of a forecast's scenarios against a guidance range.

    Parameters
    ----------
    forecast : Forecast
        Scenarios of contained metal (:func:`massbalance.forecast`).
    element : str
        The element whose total is plotted.
    guidance : str or Guidance
        As printed (``"2.2 to 2.5 million ounces"``); the plot is in its unit.
    products : sequence of str, optional
        Products summed (default: all that recover the element).
    bins : int
        Histogram bins.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        A histogram of the scenario totals, the guidance range shaded, the
        5th, 50th and 95th percentiles as lines; the title gives the verdict.
    """
    ax = _axes(ax)
    g = guidance if isinstance(guidance, Guidance) else parse_guidance(guidance)
    unit = g.low.units
    total = np.ravel(forecast.total(element, products).m_as(unit))
    check = forecast.check(element, g, products)
    ax.hist(total, bins=bins, color=SCENARIOS, alpha=0.85, label="scenarios")
    low, high = float(g.low.m), float(g.high.m)
    span = (
        min(low, float(total.min())) if np.isfinite(low) else float(total.min()),
        max(high, float(total.max())) if np.isfinite(high) else float(total.max()),
    )
    ax.axvspan(
        low if np.isfinite(low) else span[0],
        high if np.isfinite(high) else span[1],
        color=GUIDANCE,
        alpha=0.3,
        label=f"guidance: {g.text}",
    )
    for q, value in check.percentiles.items():
        ax.axvline(float(value.m), color="black", linestyle="--", linewidth=1)
        ax.annotate(
            f"P{q:g}",
            (float(value.m), 1.0),
            xycoords=("data", "axes fraction"),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_xlabel(f"{element} [{unit:~P}]")
    ax.set_ylabel("scenarios")
    ax.set_title(
        f"{element}: median {check.verdict} guidance, "
        f"{check.fraction_within:.0%} of scenarios inside",
        pad=14,
    )
    ax.legend(loc="upper right", fontsize=8)
    return ax


def reconciliation_adjustments(result: Any, *, period: int = 0, ax: Any = None) -> Any:
    """Measured against reconciled values, relative to the measurement, with SDs.

    Parameters
    ----------
    result : ReconciliationResult
        From :func:`massbalance.reconcile`.
    period : int
        The period plotted, for a batched result.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Per measurement: the measured value (0 %) with its SD bar and the
        adjusted value with its SD bar, in % of the measured value; the
        measurements set aside as gross errors on a shaded background.
    """
    ax = _axes(ax)

    def pick(values: Any) -> Any:
        array = np.asarray(values, dtype=np.float64)
        return array[period] if getattr(result, "batched", False) else array

    measured, msd = pick(result.measured_values), pick(result.measured_sd)
    adjusted, asd = pick(result.adjusted), pick(result.sd)
    names = list(result.names)
    keep = [i for i, _ in enumerate(names) if np.isfinite(measured[i])]
    keep += [names.index(n) for n in result.set_aside if names.index(n) not in keep]
    keep.sort()
    x = np.arange(len(keep))
    scale = np.array([abs(measured[i]) or 1.0 for i in keep])
    for k, i in enumerate(keep):
        if names[i] in result.set_aside:
            ax.axvspan(k - 0.45, k + 0.45, color=SET_ASIDE, alpha=0.25, linewidth=0)
    ax.errorbar(
        x - 0.12,
        np.zeros(len(keep)),
        yerr=np.array([msd[i] for i in keep]) / scale * 100,
        fmt="o",
        color=MEASURED,
        capsize=3,
        label="measured ± SD",
    )
    ax.errorbar(
        x + 0.12,
        (np.array([adjusted[i] for i in keep]) - np.array([measured[i] for i in keep]))
        / scale
        * 100,
        yerr=np.array([asd[i] for i in keep]) / scale * 100,
        fmt="s",
        color=ADJUSTED,
        capsize=3,
        label="adjusted ± SD",
    )
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xticks(x, [names[i] for i in keep], rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("relative to the measured value [%]")
    ax.set_title(
        "reconciliation adjustments"
        + (f" (set aside: {', '.join(result.set_aside)})" if result.set_aside else "")
    )
    handles, labels = ax.get_legend_handles_labels()
    if result.set_aside:
        from matplotlib.patches import Patch

        handles.append(Patch(color=SET_ASIDE, alpha=0.25))
        labels.append("set aside (gross error)")
    ax.legend(handles, labels, fontsize=8)
    return ax


def sankey(
    result: BalanceResult,
    feed_mass: Quantity,
    *,
    element: str | None = None,
    scenario: int | None = None,
    fig: Any = None,
) -> Any:
    """A Sankey diagram of a balanced split: mass, and one element's metal.

    Parameters
    ----------
    result : BalanceResult
        A balance (``two_product``, ``three_product`` or ``n_product``).
    feed_mass : pint.Quantity, [mass]
        The feed's dry mass. [t]
    element : str, optional
        Also draw this element's distribution (recoveries) beside the mass.
    scenario : int, optional
        Which scenario of an array result (required for arrays).
    fig : matplotlib.figure.Figure, optional

    Returns
    -------
    matplotlib.figure.Figure
        One diagram (mass) or two side by side (mass, metal).
    """
    plt = _pyplot()
    from matplotlib.sankey import Sankey

    masses = result.masses(feed_mass)
    split = np.asarray(result.splits.m_as(""), dtype=np.float64)
    recovery = np.asarray(result.recovery.m_as(""), dtype=np.float64)
    if split.ndim > 1:
        if scenario is None:
            raise ValueError(
                "sankey: the result holds arrays of scenarios; pass scenario=k"
            )
        split, recovery = split[scenario], recovery[scenario]
    tonnes = [
        float(np.ravel(masses[p].m_as("t"))[scenario or 0]) for p in result.products
    ]
    panels = 1 if element is None else 2
    if fig is None:
        fig = plt.figure(figsize=(6 * panels, 4.5))
    n = len(result.products)
    orientations = [0] + [1 if k % 2 else -1 for k in range(1, n)]

    def draw(position: int, flows: list[float], unit: str, title: str) -> None:
        ax = fig.add_subplot(1, panels, position, xticks=[], yticks=[])
        ax.set_title(title, pad=28)
        total = sum(flows)
        diagram = Sankey(
            ax=ax, scale=1.0 / total, unit=unit, format="{:,.1f}".format, gap=0.4
        )
        diagram.add(
            flows=[total, *(-f for f in flows)],
            labels=[result.feed_name, *result.products],
            orientations=[0, *orientations],
            pathlengths=[0.4] + [0.5] * n,
            facecolor=MEASURED if position == 1 else ADJUSTED,
        )
        diagram.finish()

    draw(1, tonnes, " t", "mass")
    if element is not None:
        i = result.elements.index(element)
        draw(2, list(recovery[i] * 100), " %", f"{element} (recovery)")
    return fig


def release_check(report: CheckReport, *, ax: Any = None) -> Any:
    """Each printed figure's interval against the range the others imply.

    Parameters
    ----------
    report : CheckReport
        From :func:`massbalance.check_release`.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One row per figure, in % of the printed number: the interval that
        prints as the figure, and the implied range (when computed); flagged
        figures' labels and rows in the flag colour.
    """
    figures = list(report.figures)
    if ax is None:
        _, ax = _pyplot().subplots(figsize=(7, 1.5 + 0.2 * len(figures)))
    ends: list[float] = []
    printed_ends: list[float] = []
    for row, f in enumerate(figures):
        base = abs(f.number) or 1.0

        def rel(v: float, base: float = base, number: float = f.number) -> float:
            return (v - number) / base * 100

        lo, hi = (rel(v) for v in f.interval)
        printed_ends += [abs(lo), abs(hi)]
        ax.barh(row + 0.18, hi - lo, left=lo, height=0.34, color=PRINTED)
        if f.implied is not None:
            ilo, ihi = (rel(v) for v in f.implied)
            finite = [v for v in (ilo, ihi) if np.isfinite(v)]
            ends += [abs(v) for v in finite]
            if finite:
                width = (ihi - ilo) if len(finite) == 2 else 0.0
                ax.barh(
                    row - 0.18,
                    max(width, 1e-3),
                    left=ilo if np.isfinite(ilo) else ihi,
                    height=0.34,
                    color=IMPLIED,
                )
        if f.status in ("flagged", "suspect"):
            ax.axhspan(row - 0.45, row + 0.45, color=SET_ASIDE, alpha=0.15, linewidth=0)
    ax.set_yticks(range(len(figures)), [f.id for f in figures], fontsize=7)
    for label, f in zip(ax.get_yticklabels(), figures, strict=True):
        if f.status in ("flagged", "suspect"):
            label.set_color(SET_ASIDE)
    ax.axvline(0, color="grey", linewidth=0.8)
    # a window around the printed intervals: an implied range far off (or
    # open) runs off the edge rather than squashing every other row
    printed = max(printed_ends or [1.0])
    window = max(printed, min(max(ends or [1.0]), 20 * printed)) * 1.1
    ax.set_xlim(-window, window)
    ax.set_xlabel("relative to the printed number [%]")
    ax.set_title(f"{report.verdict}: printed figures against implied ranges")
    from matplotlib.patches import Patch

    ax.legend(
        [Patch(color=PRINTED), Patch(color=IMPLIED)],
        ["prints as the figure", "implied by the others"],
        fontsize=8,
    )
    ax.invert_yaxis()
    return ax
