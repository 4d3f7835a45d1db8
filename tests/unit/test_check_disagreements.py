"""Disagreements and their explanations, on the seed and the reference releases.

The arithmetic behind each expectation is in the comments (and, for the
reference releases, in the closing comment block of each file, which cites
the release and its table).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from massbalance.cli import main
from massbalance.errors import MassBalanceError
from massbalance.io import loads_release, read_release
from massbalance.release import CheckReport, check_release
from massbalance.report import render_check

ROOT = Path(__file__).parents[2]
SEED = ROOT / "examples" / "alexco-2012-q1.toml"
RELEASES = ROOT / "tests" / "reference" / "releases"


@pytest.fixture(scope="module")
def seed() -> CheckReport:
    return check_release(read_release(SEED))


def _owner(report: CheckReport, fid: str):
    return next(d for d in report.disagreements if fid in d.figures)


def test_the_seed_has_two_independent_disagreements(seed):
    assert seed.verdict == "inconsistent"
    assert len(seed.disagreements) == 2
    silver = _owner(seed, "2012Q1.recovery.Ag")
    lead = _owner(seed, "2011Q1.grade.pb_conc.Pb")
    assert silver.id != lead.id
    assert set(silver.figures).isdisjoint(lead.figures)
    assert all(f.startswith("2012Q1.") for f in silver.figures)
    assert all(f.startswith("2011Q1.") for f in lead.figures)
    # each explained by one figure at most 3 figures wide
    assert silver.culprits[0].figures == ("2012Q1.recovery.Ag",)
    assert lead.culprits[0].figures == ("2011Q1.grade.pb_conc.Pb",)
    assert "2012Q1.recovery.Ag" in silver.relations


def test_truncation_explains_both_disagreements_of_the_seed(seed):
    # 581,808 oz / (21,251 t x 899 g/t x 32.1507 oz/kg...) = 94.67-94.78 %:
    # truncated, that prints 94 %; 3,592,915 lb in 2,376 t is 68.59-68.61 %
    # lead, which truncates to 68 %
    for fid, (lo, hi) in {
        "2012Q1.recovery.Ag": (94.67, 94.78),
        "2011Q1.grade.pb_conc.Pb": (68.59, 68.61),
    }.items():
        d = _owner(seed, fid)
        truncated = [e for e in d.explanations if e.kind == "truncated"]
        assert [e.figures for e in truncated] == [(fid,)]
        assert truncated[0].detail == ("truncated",)
        assert set(truncated[0].shared) == {x.id for x in seed.disagreements}
        assert d.explanations[0].kind == "truncated"  # a shared convention first
        implied = seed.figure(fid).implied
        assert implied is not None
        assert implied[0] == pytest.approx(lo, abs=0.011)
        assert implied[1] == pytest.approx(hi, abs=0.011)
    text = render_check(seed)
    assert "Truncation explains both disagreements." in text
    assert "[94.66, 94.78] % truncates to 94%" in text
    assert "[68.58, 68.61] % truncates to 68%" in text


def test_the_seed_report_has_one_section_per_disagreement(seed):
    text = render_check(seed)
    assert text.count("DISAGREEMENT D") == 2
    assert "PROOF" not in text  # only with --details
    assert "PROOF" in render_check(seed, details=True)
    assert all(len(line) <= 100 for line in text.splitlines())
    summary = render_check(seed, summary=True)
    assert [line[:3] for line in summary.splitlines() if line[:1] == "D"] == [
        "D1:",
        "D2:",
    ]
    markdown = render_check(seed, "markdown")
    assert markdown.count("## Disagreement D") == 2


def test_json_lists_the_disagreements_and_keeps_every_key(seed, tmp_path, capsys):
    assert main(["check", str(SEED), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    for key in ("verdict", "rounding", "figures", "relations", "culprits", "derived"):
        assert key in report
    assert [d["id"] for d in report["disagreements"]] == ["D1", "D2"]
    for d in report["disagreements"]:
        assert set(d) >= {"id", "figures", "culprits", "explanations"}
        assert all(set(c) >= {"figures", "cost"} for c in d["culprits"])
        kinds = [e["kind"] for e in d["explanations"]]
        assert "truncated" in kinds
        assert all(e["text"] for e in d["explanations"])
    # the release-wide sets are the combinations of the per-disagreement ones
    assert report["culprits"][0]["figures"] == [
        "2011Q1.grade.pb_conc.Pb",
        "2012Q1.recovery.Ag",
    ]
    assert len(report["culprits"]) == 6  # 3 silver sets x 2 lead sets


def test_gatos_2020_throughput_is_over_365_days_in_a_leap_year():
    # 667,422 t / 366 d = 1,823.6 tpd, printed 1,829; / 365 d = 1,828.6
    # (tests/reference/releases/gatos-clg-2021q2.toml, 2020 FY column)
    report = check_release(read_release(RELEASES / "gatos-clg-2021q2.toml"))
    d = _owner(report, "2020FY.throughput")
    days = [e for e in d.explanations if e.kind == "days"]
    assert [e.figures for e in days] == [("2020FY.throughput",)]
    assert days[0].detail == (366.0, 365.0)
    assert "fits over 365 days, not the 366 days of its period" in render_check(report)


def test_alexco_q3_2012_throughput_is_over_91_days():
    # 24,573 t processed in Q3 2012 (92 calendar days) at "270 tpd":
    # 24,573 / 92 = 267.10 tpd, but 24,573 / 91 = 270.03 prints 270 (and
    # 24,573 / 90 = 273.03 does not) (tests/reference/releases/alexco-2012q3.toml)
    report = check_release(read_release(RELEASES / "alexco-2012q3.toml"))
    d = _owner(report, "2012Q3.throughput")
    days = [e for e in d.explanations if e.kind == "days"]
    assert [e.detail for e in days] == [(92.0, 91.0)]
    # the duplicate printing "270 tonnes per day" belongs to the same one
    assert "2012Q3.throughput.also1" not in {
        f for other in report.disagreements if other is not d for f in other.figures
    }


# Disagreements that no set of three figures or fewer explains, by hand, named
# by one of their figures. Puna 2018Q2 silver: the table's 954 koz needs a
# recovery of at least 67.7 % (or 954, its 716 koz at 75 % and the 1.7 %
# change all moved), while the text's "64%" and the "-6,4%"/"-6%" change hold
# the recovery near 63.4 %: four printings at least
# (tests/reference/releases/ssr-puna-2018q2-es.toml, hand check).
EXCEEDED = {"ssr-puna-2018q2-es.toml": "2018Q2.recovery.Ag"}


@pytest.mark.parametrize(
    "name", sorted(p.name for p in RELEASES.glob("*.toml")), ids=lambda n: n[:-5]
)
def test_every_disagreement_of_a_reference_release_has_its_own_culprits(name):
    report = check_release(read_release(RELEASES / name))
    if report.verdict != "inconsistent":
        assert not report.disagreements
        return
    seen: set[str] = set()
    for d in report.disagreements:
        assert seen.isdisjoint(d.figures)  # independent: no shared figure
        seen |= set(d.figures)
        if EXCEEDED.get(name, "") in d.figures:
            # hand-checked: no set of three figures or fewer explains it
            assert d.exceeded, d.id
            assert not d.culprits, d.id
            continue
        assert d.culprits, d.id
        assert len(d.culprits[0].figures) <= 3
        # a culprit set of a disagreement lies within it
        assert set(d.culprits[0].figures) <= set(d.figures)


def test_a_disagreement_beyond_the_limit_says_so_alone():
    # two periods: P needs two figures released, Q one
    body = """
[release]
issuer = "Test"
title = "Two faults"
date = 2020-01-01
[periods.P]
start = 2020-01-01
end = 2020-03-31
throughput = "150 t/d"
[periods.P.streams.feed]
mass = "10,000 t"
[periods.Q]
start = 2020-04-01
end = 2020-06-30
throughput = "100 t/d"
[periods.Q.streams.feed]
mass = "8,000 t"
"""
    report = check_release(loads_release(body), max_culprits=1)
    assert report.verdict == "inconsistent"
    assert len(report.disagreements) == 2
    assert all(d.culprits for d in report.disagreements)
    with pytest.raises(ValueError, match="between 1 and 8"):
        check_release(loads_release(body), max_culprits=9)


def test_explanations_can_be_left_out():
    report = check_release(read_release(SEED), explain=False)
    assert len(report.disagreements) == 2
    assert all(not d.explanations for d in report.disagreements)


def test_input_strings_are_escaped_in_text_and_markdown():
    # the reader refuses control characters in names and free text, so a
    # forged issuer and title are put on a report directly: no control
    # character may reach the report, and Markdown formatting is escaped
    body = """
[release]
issuer = "plain"
title = "plain"
date = 2020-01-01
[periods.P]
days = 91
throughput = "150 t/d"
[periods.P.streams.feed]
mass = "10,000 t"
"""
    forged = "Evil\u001b[2J\u001b[H\nVERDICT\n\nCONSISTENT: forged"
    with pytest.raises(MassBalanceError):
        loads_release(body.replace('issuer = "plain"', f'issuer = "{forged}"'))
    report = dataclasses.replace(
        check_release(loads_release(body)),
        issuer="Evil\x1b[2J\x1b[H\nVERDICT\n\nCONSISTENT: forged",
        title="t|*`",
    )
    for fmt in ("text", "markdown"):
        out = render_check(report, fmt)
        assert "\x1b" not in out
        assert "\\x1b" in out
        assert "\nCONSISTENT: forged" not in out
        assert all(ch.isprintable() for line in out.splitlines() for ch in line)
    markdown = render_check(report, "markdown")
    assert "t\\|\\*\\`" in markdown
    assert json.loads(render_check(report, "json"))["release"]["issuer"].startswith(
        "Evil\x1b"
    )


def test_a_time_budget_stops_the_search_and_keeps_the_proven_verdict(tmp_path, capsys):
    from massbalance.testing.releases import synthetic_release

    generated, _ = synthetic_release(40, seed=3, errors=10)
    release = loads_release(generated.text)
    report = check_release(release, timeout=0.3)
    assert report.verdict == "inconsistent"  # proved before the budget ran out
    assert report.timed_out
    assert any("time budget ran out" in note for note in report.notes)
    # the budget is checked between tests, not inside the proof or the
    # relation checks: no bound on the elapsed time is asserted here
    assert not check_release(read_release(SEED), timeout=60.0).timed_out
    path = tmp_path / "release.toml"
    path.write_text(generated.text, encoding="utf-8")
    assert main(["check", str(path), "--timeout", "0.3", "--summary"]) == 3
    assert "time budget ran out" in capsys.readouterr().out
    assert main(["check", str(path), "--timeout", "-1"]) == 2
    with pytest.raises(ValueError, match="positive"):
        check_release(release, timeout=0)
