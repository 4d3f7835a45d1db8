"""The user docs stay true to the code they describe."""

from __future__ import annotations

from pathlib import Path

from massbalance.units import AMBIGUOUS_UNITS, PRINTED_UNITS

DOCS = Path(__file__).parents[1] / "docs"


def test_release_format_lists_every_unit_spelling():
    text = (DOCS / "release-format.md").read_text()
    for spelling, meaning in PRINTED_UNITS.items():
        assert f"| `{spelling}` | `{meaning}` |" in text, spelling
    for spelling in AMBIGUOUS_UNITS:
        assert f"`{spelling}`" in text, spelling


def test_readme_shows_the_real_output_of_the_main_command(capsys, monkeypatch):
    from massbalance.cli import main

    root = DOCS.parent
    monkeypatch.chdir(root)
    assert main(["check", "examples/alexco-2012-q1.toml"]) == 1
    out = capsys.readouterr().out
    readme = (root / "README.md").read_text()
    shown = readme.split("```text\n", 1)[1].split("\n...\n```", 1)[0]
    assert out.startswith(shown + "\n")


def test_readme_library_example_gives_the_numbers_it_shows():
    import pytest

    readme = (DOCS.parent / "README.md").read_text()
    code = readme.split("## The library", 1)[1].split("```python\n", 1)[1]
    code = code.split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(code, namespace)  # the snippet as printed
    pb_conc, r = namespace["pb_conc"], namespace["r"]
    assert pb_conc.contained("Ag").m_as("troy_ounce") == pytest.approx(558334, abs=1)
    assert r.mass_pull.m_as("percent") == pytest.approx(7.56, abs=0.005)
    assert r.recovery_of("Pb", "conc").m_as("percent") == pytest.approx(
        90.76, abs=0.005
    )
    assert f"{pb_conc.contained('Ag'):,.0f~P}" == "558,334 toz"


def test_library_guide_runs_and_gives_the_numbers_it_shows(monkeypatch, tmp_path):
    import re

    import pytest

    pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)
    text = (DOCS / "library.md").read_text()
    namespace: dict[str, object] = {}
    for block in re.findall(r"```python\n(.*?)```", text, re.S):
        exec(block, namespace)  # every block, in order, as printed
    silver, lead = namespace["silver"], namespace["lead"]
    assert f"{silver:,.0f~P}" == "581,746 toz"
    assert f"{lead:,.0f~P}" == "4,912,252 lb"
    assert f"{namespace['their_ore'].contained('Au'):.1f~P}" == "80.4 toz"
    assert f"{namespace['lots'][0].contained('Ag'):,.0f~P}" == "558,334 toz"
    assert str(namespace["e"]) == "558,334 ± 7,800 toz"
    mc = namespace["mc"]
    assert mc.sd.m == pytest.approx(namespace["e"].sd.m, rel=0.05)
