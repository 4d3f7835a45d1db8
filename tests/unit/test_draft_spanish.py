"""Spanish production statements in the text of a release.

The law (hypothesis): a Spanish decimal-comma table with sentences stating
the quarter's throughput, recovery, production and % changes against the
quarter before drafts back every stated figure as printed, to the quantity
it names (another printing of a table figure, or a figure of its own).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from massbalance.io.draft import draft_release, draft_text
from massbalance.io.draft._prose_es import is_spanish
from tests.reference.published.compare import figures

_ORD = {1: "primer", 2: "segundo", 3: "tercer", 4: "cuarto"}


def _es(number: str) -> str:
    """A number as the Spanish table prints it: 1.234,5."""
    return number.replace(",", " ").replace(".", ",").replace(" ", ".")


def _release(q: int, tpd: int, rec: float, moz: float, grade_down: int) -> str:
    prev = q - 1
    return f"""<p>Acme Minera S.A. informó los resultados del {_ORD[q]} trimestre de 2019.
La mina produjo {_es(f"{moz:.1f}")} millones de onzas de plata en el {_ORD[q]} trimestre
de 2019, excediendo las estimaciones previas, que se situaban en el orden de 9,9 Moz.</p>
<p>El mineral se molió a una tasa promedio de {_es(f"{tpd:,}")} toneladas por día
en el {_ORD[q]} trimestre.
La ley de plata promedio fue de 100 g/t, un {grade_down}% menor que en el
trimestre anterior.
La recuperación promedio de plata en el {_ORD[q]} trimestre fue del
{_es(f"{rec:.1f}")}%, un 2% menos que en el trimestre anterior.</p>
<table>
<tr><td>Concepto</td><td>{q}T – 2019</td><td>{prev}T – 2019</td><td>Variación (%)</td></tr>
<tr><td>Mineral molido (Miles de toneladas)</td><td>396</td><td>373</td><td>6,2%</td></tr>
<tr><td>Plata – Ley de alimentación del molino (g/t)</td><td>100</td><td>110</td><td>-9,1%</td></tr>
<tr><td>Plata – Recuperación (%)</td><td>{_es(f"{rec:.1f}")}%</td><td>70,1%</td><td>-2,0%</td></tr>
</table>"""


@settings(max_examples=60, deadline=None)
@given(
    q=st.integers(2, 4),
    tpd=st.integers(1_000, 99_999),
    rec=st.floats(50, 95).map(lambda x: round(x, 1)),
    moz=st.floats(1.1, 9.4).map(lambda x: round(x, 1)),
    grade_down=st.integers(1, 20),
)
def test_spanish_statements_draft_back_as_printed(q, tpd, rec, moz, grade_down):
    release, notes = draft_release(_release(q, tpd, rec, moz, grade_down))
    quarter = release.periods[f"2019Q{q}"]
    got = {fid.split(".", 1)[1]: f.text for fid, f in figures(release)}
    assert got["throughput"] == f"{_es(f'{tpd:,}')} tpd"
    assert quarter.throughput[0].number == tpd  # "4.353" is 4353 t/d, not 4.353
    recovery = {
        f.text for m in quarter.recoveries if m.element == "Ag" for f in m.figures
    }
    assert recovery == {f"{_es(f'{rec:.1f}')}%"}  # the text repeats the table
    assert got["contained.Ag"] == f"{_es(f'{moz:.1f}')} Moz"
    changes = {f.id: f.text for c in release.changes for f in c.figures}
    grade = [t for i, t in changes.items() if i.startswith("change.grade")]
    assert sorted(grade) == sorted(["-9,1%", f"-{grade_down}%"])
    recovery_change = [t for i, t in changes.items() if i.startswith("change.recovery")]
    assert sorted(recovery_change) == ["-2%", "-2,0%"]
    # the estimate is not a figure of the release
    assert all("9,9" not in t for t in got.values())
    assert any("estimates" in u for u in notes.unread)


def test_an_amount_without_a_period_goes_to_the_release_period_with_a_check():
    text = _release(2, 4353, 63.4, 1.0, 4).replace(
        "en el segundo trimestre\nde 2019, excediendo", ", excediendo"
    )
    release, notes = draft_release(text)
    ag = [m for m in release.periods["2019Q2"].contained if m.element == "Ag"]
    assert [f.text for f in ag[0].figures] == ["1,0 Moz"]
    assert any("names no period" in c for c in notes.checks)


def test_approximate_amounts_and_totals_over_unprinted_periods():
    text = (
        _release(2, 4353, 63.4, 1.0, 4)
        + "<p>La mina comenzó la producción de zinc en el segundo trimestre, con"
        " cifras cercanas a las 1,5 millones de libras de zinc, aproximadamente."
        " En el primer semestre de 2019 la mina produjo un total de 1,9 Moz de"
        " plata.</p>"
    )
    drafted = draft_text(text)
    release, _ = draft_release(text)
    zn = [m for m in release.periods["2019Q2"].contained if m.element == "Zn"]
    assert [f.text for f in zn[0].figures] == ["1,5 Mlb"]
    assert any("approximate" in c for c in drafted.notes.checks)
    assert "2019H1" not in release.periods
    assert any("a total over 2019H1" in u for u in drafted.notes.unread)


def test_english_sentences_are_not_read_as_spanish():
    assert not is_spanish(
        "Silver production of 581,808 ounces in the first quarter of 2012, a 30% "
        "increase compared to the same period in calendar 2011."
    )
    assert not is_spanish("Mill throughput averaged 234 tonnes per day (tpd).")
    assert is_spanish(
        "La recuperación promedio de plata en el segundo trimestre fue del 64%."
    )
