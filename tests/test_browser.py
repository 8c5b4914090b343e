"""Exported reports in a real browser: headless Chromium opens each file from disk with the network off.

Asserts that every chart div is drawn (plotly adds an SVG with class ``main-svg``) and that a hostile
article's markup shows as text and never runs. Without Chromium the tests are skipped with the reason shown
(``pytest -ra``); ``.ci/run`` installs the Debian package ``chromium`` first.
"""
from __future__ import annotations

import re
import shutil
import subprocess
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


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """The full report set for a two-article corpus: the bundled seed and the hostile article."""
    require(CHROMIUM is not None, "headless Chromium not found (install the Debian package `chromium`; "
                                  ".ci/run does): the exported HTML was NOT checked in a browser")
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copy(config.DEFAULT_SEED, corpus / config.DEFAULT_SEED.name)
    shutil.copy(HOSTILE, corpus / "hostile.txt")
    out = tmp_path_factory.mktemp("reports") / "out"
    render.render_reports(corpus, out, jobs=2, progress=lambda _: None)
    return out


@pytest.fixture(scope="module")
def doms(reports) -> dict[Path, str]:
    pages = sorted(reports.rglob("*.html"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(pages, pool.map(_dump_dom, pages)))


def test_report_set_is_complete(reports, doms):
    seed = reports / "articles" / config.DEFAULT_SEED.stem  # per-article reports have a folder of their own
    per_article = sorted(p.name for p in seed.glob("*.html"))
    assert per_article == [f"{n}.html" for n in render.PER_ARTICLE]
    assert (reports / "06_compare.html").is_file() and (reports / "index.html").is_file()
    charts = sum(len(GRAPH_DIV.findall(p.read_text(encoding="utf-8"))) for p in seed.glob("*.html"))
    assert charts >= 6, f"only {charts} charts in the seed's reports"


def test_every_chart_is_drawn_offline(doms):
    total = 0
    for page, dom in doms.items():
        source = page.read_text(encoding="utf-8")
        assert not EXTERNAL_SCRIPT.search(source), f"{page.name} loads a script from the network"
        n_source = len(GRAPH_DIV.findall(source))
        starts = [m.start() for m in GRAPH_DIV.finditer(dom)]
        assert len(starts) == n_source, f"{page}: {n_source} chart divs in the file, {len(starts)} in the DOM"
        for i, start in enumerate(starts):
            segment = dom[start:starts[i + 1] if i + 1 < len(starts) else len(dom)]
            assert 'class="main-svg"' in segment, f"{page}: chart {i + 1} was not drawn"
        if n_source:
            assert len(re.findall(r"plotly\.js v\d", source)) == 1, f"{page}: plotly.js not inline exactly once"
        total += n_source
    assert total >= 6


def test_hostile_article_does_not_execute(reports, doms):
    hostile_pages = [p for p in doms if p.parent.name == "hostile"] + [reports / "index.html",
                                                                       reports / "06_compare.html"]
    assert len(hostile_pages) >= 6
    shown = 0
    for page in hostile_pages:
        dom = doms[page]
        title = re.search(r"<title>(.*?)</title>", dom, re.S)
        assert title and "HACKED" not in title.group(1), f"{page}: the article's script ran"
        assert "data-pwned=" not in dom, f"{page}: the article's markup ran"
        assert not re.search(r"<img[^>]*onerror", dom, re.I) and not re.search(r"<svg[^>]*onload", dom, re.I)
        shown += dom.count("&lt;img src=x onerror")
    assert shown >= 1, "the hostile sentence should appear, escaped, in at least one report"
