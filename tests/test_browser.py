"""Exported reports in a real browser: headless Chromium opens each file from disk with the network off.

Two routes: ``newsframe render`` output (a two-article corpus with ``--per-article all``), and a notebook
run by the plain ``papermill`` command and exported by ``jupyter nbconvert --to html``. Asserts that every
chart div is drawn (plotly adds an SVG with class ``main-svg``), that plotly.js is in each file once and
nothing loads from the network, that a hostile article's markup shows as text and never runs, and that the
reader view's layers toggle. Without Chromium the tests are skipped with the reason shown (``pytest
-ra``); in CI (``CI=true``) they fail instead; ``.ci/run`` installs the Debian package ``chromium`` first.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import require

from newsframe import config, render

pytestmark = pytest.mark.browser

HOSTILE = Path(__file__).parent / "fixtures" / "hostile.txt"
CHROMIUM = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None)
GRAPH_DIV = re.compile(r'<div[^>]*class="[^"]*plotly-graph-div[^"]*"')
EXTERNAL_SCRIPT = re.compile(r"<script[^>]+src\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)
PLOTLY_BANNER = re.compile(r"plotly\.js \(cartesian - minified\) v\d")
SEED = config.DEFAULT_SEED.stem


def _dump_dom(page: Path) -> str:
    """The DOM after scripts ran, from headless Chromium with every network route closed."""
    with tempfile.TemporaryDirectory(prefix="newsframe-chromium-") as profile:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
               f"--user-data-dir={profile}",
               # network off: no name resolves and every connection goes to a closed local port
               "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
               "--virtual-time-budget=15000", "--dump-dom", page.resolve().as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-1500:]
    return done.stdout


def _needs_chromium() -> None:
    require(CHROMIUM is not None, "headless Chromium not found (install the Debian package `chromium`; "
                                  ".ci/run does): the exported HTML was NOT checked in a browser")


def _assert_charts_drawn(page: Path, dom: str) -> int:
    source = page.read_text(encoding="utf-8")
    n_source = len(GRAPH_DIV.findall(source))
    starts = [m.start() for m in GRAPH_DIV.finditer(dom)]
    assert len(starts) == n_source, f"{page}: {n_source} chart divs in the file, {len(starts)} in the DOM"
    for i, start in enumerate(starts):
        segment = dom[start:starts[i + 1] if i + 1 < len(starts) else len(dom)]
        assert 'class="main-svg"' in segment, f"{page}: chart {i + 1} was not drawn"
    return n_source


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """The full report set for a two-article corpus: the bundled seed and the hostile article."""
    _needs_chromium()
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copy(config.DEFAULT_SEED, corpus / config.DEFAULT_SEED.name)
    shutil.copy(HOSTILE, corpus / "hostile.txt")
    out = tmp_path_factory.mktemp("reports") / "out"
    render.render_reports(corpus, out, jobs=2, per_article="all", progress=lambda _: None)
    return out


@pytest.fixture(scope="module")
def doms(reports) -> dict[Path, str]:
    pages = sorted(p for p in reports.rglob("*.html") if "tables" not in p.parts)
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(pages, pool.map(_dump_dom, pages)))


def test_report_set_is_complete(reports, doms):
    files = sorted(p.relative_to(reports).as_posix() for p in doms)
    assert files == ["06_compare.html", f"articles/{SEED}.html", "articles/hostile.html", "index.html"]
    seed = (reports / "articles" / f"{SEED}.html").read_text(encoding="utf-8")
    for name in render.per_article_notebooks():  # every section, each at its anchor
        assert f'id="{name}"' in seed, name
    hostile = (reports / "articles" / "hostile.html").read_text(encoding="utf-8")
    assert 'id="05_validation"' not in hostile  # no gold annotations: no validation section
    assert len(GRAPH_DIV.findall(seed)) >= 12, "the seed's report lost charts"
    for page in doms:
        assert page.stat().st_size < 2_600_000, f"{page.name}: {page.stat().st_size:,} bytes"


def test_every_chart_is_drawn_offline(doms):
    total = 0
    for page, dom in doms.items():
        source = page.read_text(encoding="utf-8")
        assert not EXTERNAL_SCRIPT.search(source), f"{page.name} loads a script from the network"
        n = _assert_charts_drawn(page, dom)
        if n:
            assert len(PLOTLY_BANNER.findall(source)) == 1, f"{page}: plotly.js not inline exactly once"
        total += n
    assert total >= 12


def test_hostile_article_does_not_execute(reports, doms):
    hostile_pages = [reports / "articles" / "hostile.html", reports / "index.html", reports / "06_compare.html"]
    shown = 0
    for page in hostile_pages:
        dom = doms[page]
        title = re.search(r"<title>(.*?)</title>", dom, re.S)
        assert title and "HACKED" not in title.group(1), f"{page}: the article's script ran"
        assert "data-pwned=" not in dom, f"{page}: the article's markup ran"
        assert not re.search(r"<img[^>]*onerror", dom, re.I) and not re.search(r"<svg[^>]*onload", dom, re.I)
        shown += dom.count("&lt;img src=x onerror")
    assert shown >= 2, "the hostile sentence should appear, escaped, in the reader view and a table"


def test_reader_view_layers_toggle_and_show_their_rows(reports, tmp_path):
    page = reports / "articles" / f"{SEED}.html"
    dom = _dump_dom(page)
    reader = dom[dom.index('class="nf-reader"'):]
    for layer in ("sentiment", "attribution", "frame", "actor"):
        assert f'class="nf-t-{layer}"' in reader, f"no toggle for {layer}"
    # hover text is the row behind the highlight
    assert re.search(r'<span class="nf-actor" title="actor Vladimir Putin \(person\) · mention \d+ as', reader)
    # Untick the actor box in the browser and read the computed style before and after.
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", """<script>
      const span = document.querySelector('.nf-reader .nf-text .nf-actor');
      const box = document.querySelector('.nf-reader .nf-t-actor');
      const before = getComputedStyle(span).backgroundColor;
      box.checked = false;
      const after = getComputedStyle(span).backgroundColor;
      const cue = getComputedStyle(document.querySelector('.nf-reader .nf-text .nf-cue')).backgroundColor;
      document.body.setAttribute('data-probe', [before, after, cue].join('|'));
    </script></body>"""), encoding="utf-8")
    before, after, cue = re.search(r'data-probe="([^"]*)"', _dump_dom(probe)).group(1).split("|")
    assert before == "rgb(214, 230, 251)" and after == "rgba(0, 0, 0, 0)"
    assert cue == "rgb(234, 220, 248)"  # the other layers stay


def test_plain_papermill_and_nbconvert_show_the_charts_offline(tmp_path):
    """The route without newsframe render: papermill CLI, then jupyter nbconvert --to html."""
    _needs_chromium()
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("NEWSFRAME_HTML", None)
    executed = tmp_path / "sentiment.ipynb"
    run = subprocess.run([str(bin_dir / "papermill"), str(config.NOTEBOOKS_DIR / "03_sentiment.ipynb"), str(executed),
                          "-p", "input_path", str(HOSTILE), "--cwd", str(tmp_path)],
                         capture_output=True, text=True, timeout=900, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    # default template: charts draw offline (plotly.js is in the notebook's output)
    subprocess.run([str(bin_dir / "jupyter"), "nbconvert", "--to", "html", str(executed), "--output", "default"],
                   check=True, capture_output=True, timeout=300, env=env)
    # the shipped template: the same, and nothing at all from a CDN (no require.js, no MathJax)
    subprocess.run([str(bin_dir / "jupyter"), "nbconvert", "--to", "html", "--template", "newsframe_report",
                    f"--TemplateExporter.extra_template_basedirs={config.TEMPLATES_DIR}", str(executed),
                    "--output", "offline"], check=True, capture_output=True, timeout=300, env=env)
    for name in ("default", "offline"):
        page = tmp_path / f"{name}.html"
        source = page.read_text(encoding="utf-8")
        assert len(PLOTLY_BANNER.findall(source)) == 1
        assert _assert_charts_drawn(page, _dump_dom(page)) >= 3  # arc, tone, agreement
    offline = (tmp_path / "offline.html").read_text(encoding="utf-8")
    assert not EXTERNAL_SCRIPT.search(offline)
    assert EXTERNAL_SCRIPT.search((tmp_path / "default.html").read_text(encoding="utf-8"))  # require.js: why the template
    assert "&lt;img src=x onerror" in offline and "<img src=x onerror" not in offline
