"""newsframe render: papermill runs on this Python, offline HTML, escaping, errors, atomic output, --jobs.

Most tests run tiny notebooks written here (a kernel start costs seconds); the full notebooks are run by
the browser test and by nbval.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from newsframe import cli, config, render, schema
from newsframe.errors import NewsframeError

HOSTILE = Path(__file__).parent / "fixtures" / "hostile.txt"
EXTERNAL_SCRIPT = re.compile(r"<script[^>]+src\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)


def _notebook(path: Path, *cells: str, params: str = 'input_path: str = ""  # article; empty: the seed') -> Path:
    nb = new_notebook(cells=[new_markdown_cell("# tiny")])
    p = new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells.append(p)
    nb.cells.extend(new_code_cell(c) for c in cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


ARTICLE_CELLS = (
    "from newsframe import render\nrender.setup_notebook()",
    "analysis = render.load_article(input_path)\nanalysis.sentences[['sentence_id', 'text']]",
    "import plotly.express as px\npx.bar(analysis.sentences, x='sentence_id', y='n_words', hover_data=['text'])",
)


@pytest.fixture()
def tiny_notebooks(tmp_path, monkeypatch):
    """A notebooks folder with a tiny per-article notebook and a tiny comparison notebook."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder / "01_overview.ipynb", *ARTICLE_CELLS)
    _notebook(folder / "06_compare.ipynb", "from newsframe import render\nrender.setup_notebook()",
              "render.load_corpus(input_path).documents[['doc_id', 'n_words']]")
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", folder)
    return folder


# -- plotly in a report ----------------------------------------------------------------------------

def test_offline_renderer_embeds_no_network_script():
    import plotly.graph_objects as go
    import plotly.io as pio

    before = pio.renderers.default
    try:
        assert render.setup_notebook(html_output=True) == "newsframe_html"
        fig = go.Figure(go.Bar(x=[1], y=[2], hovertext=["</script><script>document.title='HACKED'</script>"]))
        bundle = pio.renderers["newsframe_html"].to_mimebundle(fig.to_dict())
    finally:
        pio.renderers.default = before
    page = bundle["text/html"]
    assert "Plotly.newPlot" in page
    assert not EXTERNAL_SCRIPT.search(page) and "mathjax" not in page.lower()
    # the hover text cannot close the figure's own <script> element
    assert "</script><script>document.title" not in page


def test_setup_notebook_makes_styler_escape():
    import pandas as pd

    render.setup_notebook(html_output=False)
    html = pd.DataFrame({"t": ["<img src=x onerror=alert(1)>"]}).style.to_html()
    assert "<img src=x" not in html and "&lt;img src=x" in html


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "a & \"b\" 'c'"])
def test_escape(text):
    out = render.escape(text)
    assert "<" not in out and ">" not in out and '"' not in out
    import html

    assert html.unescape(out) == text


# -- export ----------------------------------------------------------------------------------------

def test_export_drops_code_and_parameter_cells(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("# Report heading")])
    for tag, src in (("parameters", "default_value = 'DEFAULT_MARKER'"),
                     ("injected-parameters", "default_value = 'INJECTED_MARKER'")):
        c = new_code_cell(src)
        c.metadata["tags"] = [tag]
        c.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{tag}-output\n")]
        nb.cells.append(c)
    body = new_code_cell("print('CODE_MARKER')")
    body.outputs = [nbformat.v4.new_output("stream", name="stdout", text="visible output\n")]
    nb.cells.append(body)
    src = tmp_path / "x.ipynb"
    nbformat.write(nb, str(src))
    page = render.export_html(src, tmp_path / "x.html", title="<b>t</b>").read_text()
    assert "Report heading" in page and "visible output" in page
    for marker in ("DEFAULT_MARKER", "INJECTED_MARKER", "CODE_MARKER", "parameters-output"):
        assert marker not in page
    assert not EXTERNAL_SCRIPT.search(page)
    assert "<title>&lt;b&gt;t&lt;/b&gt;" in page


# -- parameters ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,type_name,expected", [
    ("3", "int", 3), ("0.5", "float", 0.5), ("true", "bool", True), ("no", "bool", False), ("x y", "str", "x y"),
])
def test_coerce(value, type_name, expected):
    assert render._coerce(value, type_name, name="p") == expected


@pytest.mark.parametrize("value,type_name", [("three", "int"), ("x", "float"), ("maybe", "bool")])
def test_coerce_rejects(value, type_name):
    with pytest.raises(NewsframeError, match="parameter p"):
        render._coerce(value, type_name, name="p")


def test_every_notebook_declares_input_path():
    for name in [p.stem for p in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))]:
        params = render.notebook_parameters(name)
        assert "input_path" in params, name
        assert all(p["help"] for p in params.values()), f"{name}: every parameter needs a comment"


def test_unknown_parameter_is_a_user_error(tiny_notebooks, tmp_path, capsys):
    rc = cli.main(["render", str(HOSTILE), "--out", str(tmp_path / "out"), "-p", "no_such", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "no_such" in err[0]
    assert not (tmp_path / "out").exists()


def test_unknown_notebook_is_a_user_error(tmp_path, capsys):
    rc = cli.main(["render", str(HOSTILE), "--out", str(tmp_path / "out"), "--notebooks", "99_nothing"])
    assert rc == 2 and "99_nothing" in capsys.readouterr().err


# -- running ---------------------------------------------------------------------------------------

def test_kernel_is_this_python_even_with_a_foreign_user_kernelspec(tmp_path, monkeypatch):
    # A python3 kernelspec found first (JUPYTER_PATH, a conda base, ...) that would start another
    # interpreter (here: one that fails at once).
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": ["/bin/false", "{connection_file}"],
                                                  "display_name": "foreign", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))  # searched before the venv's own specs
    from jupyter_client.kernelspec import KernelSpecManager

    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == "/bin/false"  # the trap is armed
    where = tmp_path / "exe.txt"
    nb = _notebook(tmp_path / "k.ipynb", "import sys\nopen(out, 'w').write(sys.executable)",
                   params='out: str = ""  # file to write to')
    render.run_notebook(nb, tmp_path / "k.out.ipynb", parameters={"out": str(where)}, timeout=60)
    assert where.read_text() == sys.executable


def test_failing_notebook_names_notebook_and_cell_and_writes_nothing(tiny_notebooks, tmp_path, capsys):
    _notebook(tiny_notebooks / "01_overview.ipynb", "x = 1", "raise ValueError('broken on purpose')")
    out = tmp_path / "out"
    rc = cli.main(["render", str(HOSTILE), "--out", str(out), "--notebooks", "01_overview"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert len(err) == 1 and "01_overview" in err[0] and "cell 4" in err[0] and "broken on purpose" in err[0]
    assert not out.exists() and not list(tmp_path.glob(".out.*"))  # no half-written folder left behind


def test_render_one_article(tiny_notebooks, tmp_path):
    out = tmp_path / "out"
    lines = []
    reports = render.render_reports(HOSTILE, out, progress=lines.append)
    assert list(reports.columns) == schema.columns("reports")
    assert sorted(reports["notebook"]) == ["01_overview", "06_compare"]
    # the output policy's manifest lists exactly what was written (newsframe.outputs; tests in test_cli.py)
    assert json.loads((out / "newsframe.json").read_text())["files"] == [
        "01_overview.html", "06_compare.html", "index.html", "reports.json"]
    assert len(lines) == 2 and all(re.match(r"\[\d/2\] \S+: \d+ chart", ln) for ln in lines)
    page = (out / "01_overview.html").read_text()
    assert page.count('class="plotly-graph-div"') == 1
    assert not EXTERNAL_SCRIPT.search(page)
    # plotly.js is inline exactly once
    assert len(re.findall(r"plotly\.js v\d", page)) == 1
    # the article's markup is text
    assert "&lt;img src=x onerror" in page and "<img src=x onerror" not in page
    index = (out / "index.html").read_text()
    assert 'href="01_overview.html"' in index and 'href="06_compare.html"' in index
    assert str(HOSTILE.resolve()) in index and "plotly" in index


def test_render_corpus_in_parallel(tiny_notebooks, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    rows = [{"id": "first", "title": "<script>document.title='HACKED'</script> One", "text": "Putin met Erdogan. They talked."},
            {"id": "second", "title": "Two", "text": "Zelensky spoke in Kyiv. He was firm."}]
    corpus.write_text("\n".join(json.dumps(r) for r in rows))
    out = tmp_path / "out"
    reports = render.render_reports(corpus, out, jobs=2, parameters={}, progress=lambda _: None)
    assert sorted(map(str, reports["html"])) == sorted(
        str(out / p) for p in ("articles/first/01_overview.html", "articles/second/01_overview.html",
                               "06_compare.html"))
    index = (out / "index.html").read_text()
    assert 'href="articles/first/01_overview.html"' in index and 'href="06_compare.html"' in index
    assert "<script>document.title" not in index and "&lt;script&gt;document.title" in index
    compare = (out / "06_compare.html").read_text()
    assert "first" in compare and "second" in compare


def test_missing_input_is_a_user_error(tmp_path, capsys):
    rc = cli.main(["render", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "nope.txt" in err[0]


@pytest.fixture()
def shown(monkeypatch):
    """What the notebook helpers display, as text (IPython's display outside a kernel only prints reprs)."""
    import IPython.display

    out: list[str] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: out.append(str(getattr(obj, "data", obj))))
    return out


def test_show_plot_turns_an_empty_view_into_a_note(shown):
    def empty_plot(table):
        raise NewsframeError("nothing to plot: <the table> is empty")

    assert render.show_plot(empty_plot, None) is None
    assert shown == ["<p>No chart: nothing to plot: &lt;the table&gt; is empty</p>"]
    render.show_plot(lambda t: "FIGURE", None)
    assert shown[-1] == "FIGURE"


def test_try_table_reports_a_stage_that_cannot_build(shown):
    class Broken:
        def table_names(self):
            return ["documents", "actor_sentiment"]

        def table(self, name):
            raise NewsframeError("data/models/toward.json: no such toward model file")

    assert render.try_table(Broken(), "actor_sentiment") is None
    assert render.try_table(Broken(), "frames_policy") is None
    assert "could not be built: data/models/toward.json" in shown[0] and "frames_policy table is not" in shown[1]


def test_options_left_at_defaults_mean_package_defaults():
    opts = render._options({"gazetteer": "", "frames_policy": None, "policy_min_score": -1.0,
                            "hedges": "/x/h.csv", "policy_min_hits": 3, "flag": False})
    assert opts == {"hedges": "/x/h.csv", "policy_min_hits": 3, "flag": False}


def test_gold_is_found_for_the_seed_only(seed_analysis, tmp_path):
    import newsframe

    assert render.resolve_gold(seed_analysis) == config.SEED_GOLD_PATH
    assert render.resolve_gold(newsframe.analyze("Putin met Erdogan in Ankara.")) is None
    with pytest.raises(NewsframeError, match="no such gold file"):
        render.resolve_gold(seed_analysis, str(tmp_path / "missing.csv"))
