"""The "chain-N" test and benchmark case: N flotation units in series."""

from __future__ import annotations

import math

import numpy as np

from .._typing import FloatArray
from ..flowsheet import Flowsheet, chain_flowsheet
from ..units import Q_
from ._model import MASS_KEY, Measured, Measurements

__all__ = ["chain_measurements", "chain_plant_toml", "chain_truth"]

FEED_MASS = 21_251.0  # t
FEED_GRADES = {"Ag": 899e-6, "Pb": 0.113, "Zn": 0.057}  # mass fractions


def chain_truth(
    n: int,
    rng: np.random.Generator,
    *,
    pull_scale: float = 1.0,
    recovery_scale: float = 1.0,
) -> tuple[Flowsheet, dict[str, dict[str, float]]]:
    """True (balanced) masses [t] and assays [-] of chain-``n``.

    Unit ``i`` sends a mass pull drawn from U(2 %, 8 %) of its feed to
    ``conc{i}`` and recovers each element (Ag, Pb, Zn, in that order) with a
    fraction drawn from U(5 %, 35 %); its tail feeds unit ``i + 1``. Draws are
    made unit by unit: the pull, then the three recoveries. ``pull_scale``
    and ``recovery_scale`` multiply every pull and recovery (the draws are
    the same), so that a long chain need not send its masses and assays to
    zero.
    """
    fs = chain_flowsheet(n)
    truth: dict[str, dict[str, float]] = {"feed": {MASS_KEY: FEED_MASS, **FEED_GRADES}}
    mass = FEED_MASS
    metal = {el: FEED_MASS * g for el, g in FEED_GRADES.items()}
    for i in range(1, n + 1):
        pull = pull_scale * rng.uniform(0.02, 0.08)
        rec = {el: recovery_scale * rng.uniform(0.05, 0.35) for el in FEED_GRADES}
        c_mass = pull * mass
        t_mass = mass - c_mass
        c_metal = {el: rec[el] * metal[el] for el in metal}
        t_metal = {el: metal[el] - c_metal[el] for el in metal}
        truth[f"conc{i}"] = {
            MASS_KEY: c_mass,
            **{e: c_metal[e] / c_mass for e in metal},
        }
        truth[f"tail{i}"] = {
            MASS_KEY: t_mass,
            **{e: t_metal[e] / t_mass for e in metal},
        }
        mass, metal = t_mass, t_metal
    return fs, truth


def chain_measurements(
    n: int, *, periods: int | None = None, seed: int = 42, rsd: float = 0.02
) -> tuple[Flowsheet, Measurements, dict[str, dict[str, float]]]:
    """Chain-``n`` with every mass and assay measured, noisy.

    After :func:`chain_truth`, every value is multiplied by
    ``1 + rsd * N(0, 1)`` (draws stream by stream in flowsheet order, mass
    then Ag, Pb, Zn; with ``periods``, one draw per period for each value)
    and given a relative SD of ``rsd`` of the measured value.

    Parameters
    ----------
    n : int
        Number of units.
    periods : int, optional
        Number of periods (a batch); one period by default.
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    rsd : float
        Relative noise and standard deviation. [-]

    Returns
    -------
    flowsheet, measurements, truth
        ``truth`` holds the true values, canonical (t and mass fractions).

    Examples
    --------
    >>> fs, meas, truth = chain_measurements(2)
    >>> len(fs.streams), sorted(meas["feed"])
    (5, ['Ag', 'Pb', 'Zn', 'mass'])
    """
    rng = np.random.default_rng(seed)
    fs, truth = chain_truth(n, rng)
    size = () if periods is None else (periods,)
    meas: dict[str, dict[str, Measured]] = {}
    for stream in fs.streams:
        meas[stream] = {}
        for key in (MASS_KEY, *fs.elements):
            true = truth[stream][key]
            value: FloatArray = true * (1.0 + rsd * rng.standard_normal(size))
            unit = "t" if key == MASS_KEY else ""
            meas[stream][key] = Measured(Q_(value, unit), rsd=rsd)
    return fs, meas, truth


def chain_plant_toml(n: int, *, seed: int = 42, rsd: float = 0.02) -> str:
    """A plant-data file of chain-``n`` with unmeasured streams, as TOML text.

    The values are drawn as in :func:`chain_measurements`, with pulls scaled
    by ``c = min(1, 50 / n)`` and recoveries by ``c / 4`` (concentrate grades
    stay below 100 %), so that the last tail of a long chain still carries
    several percent of the feed and of its metal (chain-1000 as in
    :func:`chain_measurements` would end below 1e-20 t, with assays below
    1e-70 %). Not everything is written: the tail of every even unit is
    unmeasured (mass and assays).
    Every unmeasured quantity stays observable. Masses are written in
    tonnes and assays in percent, to ten significant digits, with the
    relative SD ``rsd`` of ``[plant]``, in positional notation (the masses
    fall by tens of orders of magnitude along a long chain).

    Parameters
    ----------
    n : int
        Number of units.
    seed : int
        Seed of :func:`numpy.random.default_rng`, as in
        :func:`chain_measurements`.
    rsd : float
        Relative noise and standard deviation. [-]

    Returns
    -------
    str
        The file's text, for :func:`massbalance.io.read_plant`.

    Examples
    --------
    >>> text = chain_plant_toml(2)
    >>> "[streams.tail2]" in text, "[streams.tail1]" in text
    (False, True)
    """
    rng = np.random.default_rng(seed)
    c = min(1.0, 50.0 / n)
    fs, truth = chain_truth(n, rng, pull_scale=c, recovery_scale=c / 4)
    lines = [
        f"# chain-{n}: every even unit's tail unmeasured (mass and assays)",
        "[plant]",
        f'name = "chain-{n}"',
        "elements = [" + ", ".join(f'"{e}"' for e in fs.elements) + "]",
        f'rsd = "{rsd * 100:g} %"',
        "",
    ]
    for node in fs.nodes:
        ins = ", ".join(f'"{s}"' for s in node.inputs)
        outs = ", ".join(f'"{s}"' for s in node.outputs)
        lines += [f"[nodes.{node.name}]", f"in = [{ins}]", f"out = [{outs}]", ""]
    for stream in fs.streams:
        # one draw per value, stream by stream, as chain_measurements draws
        noise = 1.0 + rsd * rng.standard_normal(1 + len(fs.elements))
        number = int(stream[4:]) if stream[4:].isdigit() else 0
        if stream.startswith("tail") and number % 2 == 0:
            continue
        lines.append(f"[streams.{stream}]")
        for key, factor in zip((MASS_KEY, *fs.elements), noise, strict=True):
            value = truth[stream][key] * factor * (1.0 if key == MASS_KEY else 100.0)
            unit = "t" if key == MASS_KEY else "%"
            decimals = max(0, 9 - math.floor(math.log10(abs(value))))
            lines.append(f'{key} = "{value:.{decimals}f} {unit}"')
        lines.append("")
    return "\n".join(lines)
