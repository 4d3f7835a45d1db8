"""chain-N balanced by mass-composition 0.6.8, against massbalance.

mass-composition is not a dependency of massbalance: run this script with
the Python of a separate environment that has it, and point
``--massbalance-python`` at the project's own environment, which times
``massbalance.reconcile`` on the same problem in a subprocess of the same
run::

    python3 -m venv /tmp/mc
    /tmp/mc/bin/pip install 'mass-composition[network,estimation]==0.6.8'
    OPENBLAS_NUM_THREADS=1 /tmp/mc/bin/python benchmarks/bench_mass_composition.py \\
        --massbalance-python .venv/bin/python

The chain-N problem is rebuilt here exactly as
``massbalance.reconciliation.chain_measurements`` defines it (the subprocess
returns massbalance's measured values and this script checks that they are
the same numbers). mass-composition's ``MCBalance.optimise`` is timed once
per weighting:

* ``default``: its own balance configuration, relative SD 0.1 on the feed
  and 1.0 on every other stream (it offers no other SD input);
* ``rsd``: its SD table overwritten with the 2 % relative SD of the problem.

The worst node imbalance it leaves is |in - out| / in at each unit, for the
dry mass and for each element's contained metal. This file is not part of
the test suite and is not imported by it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import platform
import subprocess
import sys
import time
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np

FEED_MASS = 21_251.0  # t
FEED_GRADES = {"Ag": 899e-6, "Pb": 0.113, "Zn": 0.057}  # mass fractions
KEYS = ("mass", "Ag", "Pb", "Zn")

MASSBALANCE_TIMING = """
import json, sys, timeit
import numpy as np
from massbalance.reconciliation import chain_measurements, reconcile
n, repeat = int(sys.argv[1]), int(sys.argv[2])
fs, meas, _ = chain_measurements(n)
r = reconcile(fs, meas)
t = min(timeit.repeat(lambda: reconcile(fs, meas), number=1, repeat=repeat))
values = {s: {k: float(np.asarray(m.value.to("t" if k == "mass" else "").m))
              for k, m in d.items()} for s, d in meas.items()}
print(json.dumps({"time": t, "worst": float(r.max_relative_residual),
                  "chi2": float(r.chi2), "dof": int(r.dof), "values": values,
                  "numpy": np.__version__}))
"""


def chain_measured(n: int, seed: int = 42, rsd: float = 0.02) -> dict:
    """Measured chain-``n`` values: {stream: {"mass": t, el: fraction}}."""
    rng = np.random.default_rng(seed)
    truth = {"feed": {"mass": FEED_MASS, **FEED_GRADES}}
    order = ["feed"]
    mass = FEED_MASS
    metal = {el: FEED_MASS * g for el, g in FEED_GRADES.items()}
    for i in range(1, n + 1):
        pull = rng.uniform(0.02, 0.08)
        rec = {el: rng.uniform(0.05, 0.35) for el in FEED_GRADES}
        c_mass = pull * mass
        t_mass = mass - c_mass
        c_metal = {el: rec[el] * metal[el] for el in metal}
        t_metal = {el: metal[el] - c_metal[el] for el in metal}
        truth[f"conc{i}"] = {"mass": c_mass, **{e: c_metal[e] / c_mass for e in metal}}
        truth[f"tail{i}"] = {"mass": t_mass, **{e: t_metal[e] / t_mass for e in metal}}
        order += [f"conc{i}", f"tail{i}"]
        mass, metal = t_mass, t_metal
    return {
        s: {k: truth[s][k] * (1.0 + rsd * rng.standard_normal()) for k in KEYS}
        for s in order
    }


def build_flowsheet(meas: dict, n: int):
    """chain-``n`` as a mass-composition Flowsheet (assays in %)."""
    import pandas as pd
    from elphick.mass_composition import MassComposition
    from elphick.mass_composition.flowsheet import Flowsheet

    def stream(name: str, nodes: tuple[int, int]):
        m = meas[name]
        df = pd.DataFrame(
            {"mass_dry": [m["mass"]], **{e: [100.0 * m[e]] for e in FEED_GRADES}},
            index=pd.Index([0], name="index"),
        )
        return MassComposition(df, name=name).set_stream_nodes(nodes)

    # node 0 -> feed -> unit 1 (node 1); unit i: conc{i} to its own end node,
    # tail{i} to unit i + 1 (node i + 1; the last tail's end node is n + 1).
    streams = [stream("feed", (0, 1))]
    for i in range(1, n + 1):
        streams.append(stream(f"conc{i}", (i, 10_000 + i)))
        streams.append(stream(f"tail{i}", (i, i + 1)))
    return Flowsheet.from_streams(streams)


def worst_imbalance(adjusted: dict, n: int) -> dict:
    """Largest |in - out| / in over the units, per quantity, and where."""
    out = {}
    for k in KEYS:
        worst, where = 0.0, 0
        for i in range(1, n + 1):
            feed = "feed" if i == 1 else f"tail{i - 1}"

            def contained(s: str, k: str = k) -> float:
                a = adjusted[s]
                return a["mass"] if k == "mass" else a["mass"] * a[k] / 100.0

            cin = contained(feed)
            rel = abs(cin - contained(f"conc{i}") - contained(f"tail{i}")) / abs(cin)
            if rel > worst:
                worst, where = rel, i
        out[k] = (worst, where)
    return out


def balance(meas: dict, n: int, weighting: str) -> tuple[float, dict, dict]:
    """Time MCBalance.optimise; return seconds, adjusted values, solver info."""
    from elphick.mass_composition.balance import MCBalance

    fs = build_flowsheet(meas, n)
    mcb = MCBalance(fs)
    if weighting == "rsd":
        mcb.sd.loc[:, :] = 0.02
    buf = io.StringIO()
    with (
        warnings.catch_warnings(record=True) as caught,
        contextlib.redirect_stdout(buf),
    ):
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        df = mcb.optimise()
        seconds = time.perf_counter() - t0
    df = df.reset_index().set_index("name")
    adjusted = {
        s: {
            "mass": float(df.loc[s, "mass_dry"]),
            **{e: float(df.loc[s, e]) for e in FEED_GRADES},
        }
        for s in meas
    }
    # scipy's Powell summary, printed by optimise(), and its warnings
    info = {
        "solver": [
            ln.strip()
            for ln in buf.getvalue().splitlines()
            if "function value" in ln
            or "Iterations" in ln
            or "evaluations" in ln
            or "terminated" in ln
            or "Maximum" in ln
        ],
        "warnings": sorted({str(w.message) for w in caught}),
    }
    return seconds, adjusted, info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=50, help="units in the chain (50)")
    ap.add_argument(
        "--massbalance-python",
        default=str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "python"),
        help="Python of the environment with massbalance installed",
    )
    ap.add_argument(
        "--repeat", type=int, default=50, help="massbalance repeats (best of)"
    )
    ap.add_argument("--weighting", choices=("default", "rsd", "both"), default="both")
    args = ap.parse_args()

    import elphick.mass_composition  # noqa: F401  (fail early if absent)
    import pandas as pd
    import scipy

    n = args.n
    print(
        f"python {platform.python_version()}, mass-composition "
        f"{version('mass-composition')}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"pandas {pd.__version__}, xarray {version('xarray')}, "
        f"{platform.processor() or platform.machine()}"
    )
    meas = chain_measured(n)

    proc = subprocess.run(
        [args.massbalance_python, "-c", MASSBALANCE_TIMING, str(n), str(args.repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    mb = json.loads(proc.stdout)
    same = all(
        np.isclose(mb["values"][s][k], meas[s][k], rtol=1e-14, atol=0.0)
        for s in meas
        for k in KEYS
    )
    if not same:
        sys.exit("the chain problem built here differs from massbalance's")
    print(
        f"massbalance (numpy {mb['numpy']}) chain-{n}: {mb['time'] * 1e3:.2f} ms "
        f"(best of {args.repeat}), dof={mb['dof']} chi2={mb['chi2']:.2f}, "
        f"worst imbalance {mb['worst']:.1e}; same measured values: {same}"
    )
    weightings = ("default", "rsd") if args.weighting == "both" else (args.weighting,)
    for w in weightings:
        seconds, adjusted, info = balance(meas, n, w)
        worst = worst_imbalance(adjusted, n)
        chi2 = sum(
            (
                (adjusted[s][k] / (100.0 if k != "mass" else 1.0) - meas[s][k])
                / (0.02 * meas[s][k])
            )
            ** 2
            for s in meas
            for k in KEYS
        )
        print(f"mass-composition MCBalance.optimise, SDs '{w}': {seconds:.1f} s (once)")
        for line in info["solver"]:
            print(f"  {line}")
        for msg in info["warnings"]:
            print(f"  warning: {msg}")
        print(
            "  worst node imbalance: "
            + ", ".join(
                f"{k} {100 * v:.2g} % (unit {i})" for k, (v, i) in worst.items()
            )
        )
        print(
            f"  sum of squares of its adjustments at 2 % SD: {chi2:.1f} (massbalance {mb['chi2']:.2f})"
        )
        print(f"  ratio to massbalance: {seconds / mb['time']:,.0f}x")


if __name__ == "__main__":
    main()
