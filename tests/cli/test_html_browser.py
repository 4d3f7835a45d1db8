"""HTML reports as a person sees them: opened in headless Chromium.

Each page is loaded twice: once for a screenshot (written to a temporary folder,
or to ``$MASSBALANCE_SCREENSHOTS``, for people to look at), once with a probe
script added that reads what the browser computed (colours, boxes, hover texts,
resources fetched, errors) into the DOM, which ``--dump-dom`` returns.
Skipped, with the reason, only when no Chromium is installed.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from massbalance.cli import main
from massbalance.io import read_release
from massbalance.release import check_release

ROOT = Path(__file__).parents[2]
SEED = ROOT / "examples" / "alexco-2012-q1.toml"
PLANT = ROOT / "examples" / "pbzn_month.toml"

CHROMIUM = next(
    (
        path
        for name in ("chromium", "chromium-browser", "google-chrome", "chrome")
        if (path := shutil.which(name))
    ),
    None,
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium installed (apt-get install chromium): HTML reports not "
    "checked in a browser",
)

# Runs before the page's own content: records errors (a failed resource load
# included), then at load writes what the browser computed into <pre id=probe>.
PROBE = """<script>
(function () {
  var errors = [];
  window.addEventListener("error", function (e) {
    errors.push(String(e.message || (e.target && (e.target.src || e.target.href))));
  }, true);
  var original = console.error;
  console.error = function () { errors.push([].join.call(arguments, " ")); };
  window.addEventListener("load", function () {
    function box(el) {
      var r = el.getBoundingClientRect(), s = getComputedStyle(el);
      return {w: r.width, h: r.height, top: r.top + scrollY, left: r.left,
              display: s.display, visibility: s.visibility, opacity: s.opacity,
              background: s.backgroundColor, fill: s.fill, color: s.color};
    }
    var out = {cells: {}, links: [], gross_rows: [], errors: errors,
               resources: performance.getEntriesByType("resource").map(
                 function (r) { return r.name; }),
               page_height: document.documentElement.scrollHeight};
    document.querySelectorAll("td[data-figure]").forEach(function (td) {
      var b = box(td); b.title = td.title; b.text = td.innerText;
      b.status = td.dataset.status; out.cells[td.dataset.figure] = b;
    });
    document.querySelectorAll("path.sankey-link").forEach(function (p) {
      var b = box(p); b.gross = p.classList.contains("gross");
      b.title = p.textContent; out.links.push(b);
    });
    document.querySelectorAll("tr.gross td").forEach(function (td) {
      var b = box(td); b.text = td.innerText; out.gross_rows.push(b);
    });
    var pre = document.createElement("pre");
    pre.id = "probe";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  });
})();
</script>"""


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def _open(page: str, name: str, shots: Path, tmp_path: Path) -> dict[str, Any]:
    """Screenshot ``page`` into ``shots``; return what the probe read in the browser."""
    plain = shots / f"{name}.html"
    plain.write_text(page, encoding="utf-8")
    png = shots / f"{name}.png"
    shot = _chromium("--window-size=1280,2200", f"--screenshot={png}", plain.as_uri())
    assert png.exists(), shot.stderr[-2000:]
    assert png.stat().st_size > 10_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    console = [line for line in shot.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console

    probed = tmp_path / f"{name}-probe.html"
    probed.write_text(page.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    run = _chromium("--window-size=1280,2200", "--dump-dom", probed.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    assert '<pre id="probe">' in dom, run.stderr[-2000:]
    text = dom.split('<pre id="probe">', 1)[1].split("</pre>", 1)[0]
    result: dict[str, Any] = json.loads(html.unescape(text))
    assert result["errors"] == []
    assert result["resources"] == []  # nothing fetched: the page is self-contained
    return result


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("MASSBALANCE_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {folder}")
    return folder


def _cli_html(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    main([*args, "--format", "html"])
    return capsys.readouterr().out


def _visible(box: dict[str, Any], page_height: float) -> bool:
    return (
        box["w"] > 10
        and box["h"] > 10
        and box["display"] != "none"
        and box["visibility"] == "visible"
        and float(box["opacity"]) > 0.9
        and 0 <= box["top"] < page_height
    )


def test_seed_check_report_in_a_browser(shots, tmp_path, capsys):
    report = check_release(read_release(SEED))
    page = _cli_html(["check", str(SEED)], capsys)
    seen = _open(page, "check-alexco-2012-q1", shots, tmp_path)
    cells = seen["cells"]
    assert set(cells) == {f.id for f in report.figures}
    ok = {cells[f.id]["background"] for f in report.figures if f.status == "ok"}
    assert len(ok) == 1  # one colour for every ok cell
    flagged = report.flagged
    assert {"2012Q1.recovery.Ag", "2011Q1.grade.pb_conc.Pb"} <= set(flagged)
    for fid in flagged:
        cell = cells[fid]
        figure = report.figure(fid)
        assert _visible(cell, seen["page_height"]), cell
        assert cell["text"].startswith(figure.printed)
        assert cell["background"] not in ok | {"rgba(0, 0, 0, 0)"}, cell
        # colour: red dominates (rgb(r, g, b) with r well above g and b)
        r, g, b = (int(x) for x in cell["background"][4:-1].split(","))
        assert r > g + 30, cell["background"]
        assert r > b + 30, cell["background"]
    for fid in report.suspect:
        background = cells[fid]["background"]
        assert background not in ok
        assert background != cells[flagged[0]]["background"]
    # The hover text holds the implied range the check proved.
    assert "implied range: [94.66, 94.78] %" in cells["2012Q1.recovery.Ag"]["title"]
    assert (
        "implied range: [68.58, 68.61] %" in cells["2011Q1.grade.pb_conc.Pb"]["title"]
    )


def test_example_reconciliation_in_a_browser(shots, tmp_path, capsys):
    page = _cli_html(["reconcile", str(PLANT)], capsys)
    seen = _open(page, "reconcile-pbzn-month", shots, tmp_path)
    links = seen["links"]
    assert len(links) >= 5  # at least the five streams of the mass diagram
    gross = [link for link in links if link["gross"]]
    assert gross, "the gross error's stream is not highlighted"
    normal = {link["fill"] for link in links if not link["gross"]}
    for link in gross:
        assert link["fill"] not in normal
        assert link["w"] > 10
        assert link["h"] > 1
        assert "zn_conc" in link["title"]
    assert seen["gross_rows"], "the gross error's row is not highlighted"
    assert seen["gross_rows"][0]["text"] == "zn_conc.mass"


def test_balance_report_in_a_browser(shots, tmp_path, capsys):
    path = tmp_path / "balance.toml"
    path.write_text(
        '[streams.feed]\nmass = "21,251 t"\nPb = "11.3 %"\nZn = "5.7 %"\n'
        '[streams.pb_conc]\nPb = "66 %"\nZn = "4 %"\n'
        '[streams.zn_conc]\nPb = "2 %"\nZn = "43 %"\n'
        '[streams.tail]\nPb = "0.9 %"\nZn = "2.6 %"\n'
    )
    seen = _open(_cli_html(["balance", str(path)], capsys), "balance", shots, tmp_path)
    mass = [link for link in seen["links"] if link["title"].endswith(" t")]
    assert [link["title"].split(":")[0] for link in mass] == [
        "pb_conc",
        "zn_conc",
        "tail",
    ]
    heights = [link["h"] for link in mass]
    assert heights[2] > heights[0] > heights[1]  # tail > lead conc. > zinc conc.
