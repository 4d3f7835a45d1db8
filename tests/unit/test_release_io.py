from __future__ import annotations

from pathlib import Path

import pytest

from massbalance.errors import AssayError, ReleaseFormatError, UnitError
from massbalance.io import loads_release, read_release
from massbalance.release import check_release

SEED = Path(__file__).parents[2] / "examples" / "alexco-2012-q1.toml"

MINIMAL = """
[periods.Q1]
days = 90
feed = "feed"
[periods.Q1.streams.feed]
mass = "1,000 t"
Pb = "5.0 %"
[periods.Q1.streams.conc]
mass = "60 t"
Pb = "75 %"
[periods.Q1.recovery]
Pb = { value = "90 %", to = ["conc"] }
"""


def test_seed_reads_every_figure_with_its_id():
    release = read_release(SEED)
    ids = [f.id for f in release.figures()]
    assert len(ids) == len(set(ids)) == 41
    assert "2012Q1.contained.Ag.also1" in ids
    assert "change.contained.Pb.2011Q1-2012Q1" in ids
    period = release.periods["2012Q1"]
    assert period.days == 91  # 2012 is a leap year: 31 + 29 + 31
    assert release.periods["2011Q1"].days == 90
    assert period.streams["pb_conc"].role == "product"
    assert period.streams["ore_mined"].role == "other"
    assert period.streams["ore_processed"].role == "feed"


def test_minimal_release_is_consistent():
    # 60 t x 75 % = 45 t of lead from 1,000 t x 5.0 % = 50 t: 90 %.
    report = check_release(loads_release(MINIMAL))
    assert report.verdict == "consistent"


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (
            ('mass = "1,000 t"', 'mass = "1,000 tons"'),
            UnitError,
            r"Q1\.mass\.feed.*ambiguous.*release\.units",
        ),
        (
            ('mass = "1,000 t"', 'mass = "1,000 furlongs"'),
            UnitError,
            r"Q1\.mass\.feed.*unknown unit",
        ),
        (
            ('Pb = "75 %"', 'Pb = "175 %"'),
            AssayError,
            r"Q1\.grade\.conc\.Pb.*175 %.*0-100",
        ),
        (
            ('mass = "60 t"', 'mass = "-60 t"'),
            ReleaseFormatError,
            r"Q1\.mass\.conc.*-60 t.*negative",
        ),
        (
            ('to = ["conc"]', 'to = ["cnoc"]'),
            ReleaseFormatError,
            r"Q1\.recovery\.Pb.*'cnoc'",
        ),
        (
            ('value = "90 %"', 'value = "ninety %"'),
            ReleaseFormatError,
            r"Q1\.recovery\.Pb.*ninety",
        ),
        (
            ('value = "90 %"', 'value = "190 %"'),
            ReleaseFormatError,
            r"Q1\.recovery\.Pb.*190 %",
        ),
        (('mass = "60 t"', 'mass = "60 %"'), UnitError, r"Q1\.mass\.conc.*60 %"),
    ],
)
def test_bad_figures_name_the_figure_and_value(change, error, match):
    text = MINIMAL.replace(*change)
    with pytest.raises(error, match=match):
        check_release(loads_release(text, path="r.toml"))


def test_malformed_toml_names_the_file():
    with pytest.raises(ReleaseFormatError, match=r"r\.toml: malformed TOML.*line"):
        loads_release("[periods.Q1\nmass = 1", path="r.toml")


def test_duplicate_period_is_refused():
    with pytest.raises(ReleaseFormatError, match=r"Q1"):
        loads_release(MINIMAL + "\n[periods.Q1]\ndays = 3\n", path="r.toml")


def test_change_between_unknown_periods_is_refused():
    text = (
        MINIMAL
        + '\n[[changes]]\nfigure = "recovery.Pb"\nfrom = "Q0"\nto = "Q1"\nvalue = "3 %"\n'
    )
    with pytest.raises(ReleaseFormatError, match=r"changes\[1\]\.from.*Q0"):
        loads_release(text, path="r.toml")


def test_pinned_units_resolve_ambiguity():
    text = MINIMAL.replace('Pb = "5.0 %"', 'Pb = "5.0 %"\nAg = "1.5 oz/t"')
    with pytest.raises(UnitError, match=r"Q1\.grade\.feed\.Ag.*oz/t.*ambiguous"):
        loads_release(text)
    pinned = '[release.units]\n"oz/t" = "troy_ounce / short_ton"\n' + text
    release = loads_release(pinned)
    figure = release.periods["Q1"].streams["feed"].grades["Ag"][0]
    assert figure.value.m_as("g/t") == pytest.approx(1.5 * 34.285714285714, rel=1e-9)


def test_a_change_may_refer_to_an_unprinted_figure():
    # Q0's lead is not printed; "up 12.5 %" with 45 t in Q1 puts Q0 at
    # 45 / 1.125 = 40 t (39.8-40.2 t from the rounding of both figures).
    text = (
        MINIMAL
        + """
[periods.Q1.contained]
Pb = { value = "45.0 t", in = ["conc"] }

[periods.Q0]
days = 90
[periods.Q0.streams.conc]
[periods.Q0.contained]
Pb = { in = ["conc"] }

[[changes]]
figure = "contained.Pb"
from = "Q0"
to = "Q1"
value = "12.5 %"
"""
    )
    report = check_release(loads_release(text))
    assert report.verdict == "consistent"
    derived = {d.id: d for d in report.derived}
    lo, hi = derived["Q0.contained.Pb"].interval
    assert 39.7 < lo < 40.0 < hi < 40.3
