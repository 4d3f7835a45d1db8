"""Check a quarterly production release from Python, and read the findings.
========================================================================

The seed release (Alexco Resource Corp., Q1 2012) printed its silver recovery
as 94 %; from 581,808 oz produced out of 21,251 t at 899 g/t it cannot be
below 94.67 %. This script runs the same check as ``massbalance check`` and
walks through the report.
"""

# %%
from pathlib import Path

from massbalance.io import read_release
from massbalance.release import check_release
from massbalance.report import render_check

# The docs' gallery runs this script from its folder, without __file__.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
release = read_release(HERE / "alexco-2012-q1.toml")

# %% Conventional rounding: inconsistent, with a proof and ranked explanations
report = check_release(release, rounding="nearest")
print(report.verdict)  # inconsistent
best = report.culprits[0]
print("cheapest explanation:", ", ".join(best.figures), f"({best.cost:.2f} steps)")
for figure_id, needed, steps in best.moves:
    figure = report.figure(figure_id)
    print(
        f"  {figure_id}: printed {figure.printed}, needs {needed:.2f} {figure.unit}"
        f" ({steps:.2f} of a step out)"
    )
print("suspect:", ", ".join(report.suspect))

# %% What the tail must have been, given everything else
tail = next(d for d in report.derived if d.id == "2012Q1.mass.tail")
print(f"2012Q1 tail: {tail.interval[0]:,.1f} to {tail.interval[1]:,.1f} {tail.unit}")

# %% Allowing each figure either convention, the table is consistent
either = check_release(release, rounding="either")
assert either.verdict == "consistent"
print("either:", either.verdict)

# %% The Markdown report, as `massbalance check --format markdown` writes it
markdown = render_check(report, "markdown")
print(markdown.splitlines()[0])
