"""newsframe render: tables once, one file per article, papermill on this Python, offline HTML, errors, --jobs.

Most tests run tiny notebooks written here (a kernel start costs seconds); the full notebooks are run by
the browser test and by nbval.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from newsframe import cli, config, kernel, render, schema
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
    "from newsframe import kernel\nkernel.setup_notebook()",
    "analysis = kernel.load_article(input_path, doc_id=doc_id)\nanalysis.sentences[['sentence_id', 'text']]",
    "import plotly.express as px\npx.bar(analysis.sentences, x='sentence_id', y='n_words', hover_data=['text'])",
)


ARTICLE_PARAMS = ('input_path: str = ""  # article; empty: the seed\n'
                  'doc_id: str = ""  # which article of a corpus')


@pytest.fixture()
def tiny_notebooks(tmp_path, monkeypatch):
    """A notebooks folder with a tiny per-article notebook and a tiny comparison notebook."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder / "01_overview.ipynb", *ARTICLE_CELLS, params=ARTICLE_PARAMS)
    _notebook(folder / "06_compare.ipynb", "from newsframe import kernel\nkernel.setup_notebook()",
              "import plotly.express as px\npx.scatter(x=[1, 2], y=[3, 4])",
              "kernel.load_corpus(input_path).documents[['doc_id', 'n_words']]")
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", folder)
    return folder


# -- plotly in a report ----------------------------------------------------------------------------

def _bundle_trace_types() -> set[str]:
    # Read from the bundle itself: each trace module registers as {moduleType:"trace",name:"..."}.
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', kernel.PLOTLY_JS.read_text(encoding="utf-8")))


def test_vendored_bundle_is_the_plotly_js_plotly_py_expects():
    from plotly.offline import get_plotlyjs_version

    head = kernel.PLOTLY_JS.read_text(encoding="utf-8")[:200]
    assert "plotly.js (cartesian - minified)" in head
    assert kernel.plotly_js_version() == get_plotlyjs_version()
    assert (kernel.PLOTLY_DIR / "LICENSE").read_text().startswith("MIT License")
    assert _bundle_trace_types() == set(kernel.PLOTLY_TRACE_TYPES)
    assert kernel.PLOTLY_JS.stat().st_size < 1_600_000  # the full plotly.js is 4.8 MB


def _plot_calls(path: Path) -> set[str]:
    names = set()
    for cell in nbformat.read(str(path), as_version=4).cells:
        if cell.cell_type == "code":
            names |= set(re.findall(r"\b(plots|compare)\.(plot_\w+)", cell.source))
    return {f"{m}.{f}" for m, f in names}


def test_every_figure_the_notebooks_draw_uses_trace_types_in_the_bundle(seed_analysis):
    from newsframe import compare, plots
    from newsframe.validate import mentions as gold_scoring

    a = seed_analysis
    from newsframe import explore

    terms = explore.term_frequencies(a.tokens)
    _, matches = gold_scoring.score_against_gold(a.mentions, gold_scoring.load_gold(config.SEED_GOLD_PATH))
    figures = {
        "plots.plot_sentence_lengths": plots.plot_sentence_lengths(a.sentences),
        "plots.plot_term_frequencies": plots.plot_term_frequencies(terms, a.tokens),
        "plots.plot_dispersion": plots.plot_dispersion(explore.dispersion(a.tokens, terms["term"].head(8).tolist())),
        "plots.plot_actor_prominence": plots.plot_actor_prominence(a.actors),
        "plots.plot_mention_timeline": plots.plot_mention_timeline(a.mentions, a.sentences),
        "plots.plot_cooccurrence_network": plots.plot_cooccurrence_network(a.cooccurrence, a.actors),
        "plots.plot_sentiment_arc": plots.plot_sentiment_arc(a.sentiment, a.sentences),
        "plots.plot_tone_by_paragraph": plots.plot_tone_by_paragraph(a.tone),
        "plots.plot_method_agreement": plots.plot_method_agreement(a.sentiment, a.sentences),
        "plots.plot_actor_tone": plots.plot_actor_tone(a.actor_sentiment),
        "plots.plot_generic_frames": plots.plot_generic_frames(a.frames_generic),
        "plots.plot_policy_frames_heatmap": plots.plot_policy_frames_heatmap(a.frame_hits, a.paragraphs,
                                                                             frames_policy=a.frames_policy),
        "plots.plot_certainty_strip": plots.plot_certainty_strip(a.hedges, a.sentences),
        "plots.plot_attribution_graph": plots.plot_attribution_graph(a.attributions),
        "compare.plot_confusion": compare.plot_confusion(gold_scoring.gold_confusion(matches)),
        "plots.plot_roles": plots.plot_roles(a.roles, a.role_evidence),
    }
    used = set().union(*(_plot_calls(config.NOTEBOOKS_DIR / f"{n}.ipynb") for n in render.per_article_notebooks()))
    assert used <= set(figures), f"add these plots to the test: {sorted(used - set(figures))}"
    bundle = _bundle_trace_types()
    for name in used:
        types = {t.type for t in figures[name].data}
        assert types <= bundle, f"{name} draws {sorted(types - bundle)}, not in the vendored plotly.js bundle"


def test_offline_renderer_embeds_no_network_script(shown_outputs):
    import plotly.graph_objects as go
    import plotly.io as pio

    before = pio.renderers.default
    try:
        assert kernel.setup_notebook() == "newsframe_html"
        fig = go.Figure(go.Bar(x=[1], y=[2], hovertext=["</script><script>document.title='HACKED'</script>"]))
        bundle = pio.renderers["newsframe_html"].to_mimebundle(fig.to_dict())
    finally:
        pio.renderers.default = before
    page = bundle["text/html"]
    assert "Plotly.newPlot" in page and "plotly.js" not in page  # the figure relies on the one bundle copy
    assert not EXTERNAL_SCRIPT.search(page) and "mathjax" not in page.lower()
    assert "</script><script>document.title" not in page  # hover text cannot close the figure's <script>
    # setup_notebook displayed the bundle once, marked so the runner can keep one copy per file
    (data, metadata), = [o for o in shown_outputs if kernel.PLOTLYJS_MARK in o[1]]
    assert "plotly.js (cartesian - minified) v" in data and not EXTERNAL_SCRIPT.search(data)


@pytest.fixture()
def shown_outputs(monkeypatch):
    """(html, metadata) of what kernel helpers display outside a kernel."""
    import IPython.display

    out: list[tuple[str, dict]] = []
    monkeypatch.setattr(IPython.display, "display",
                        lambda obj, **kw: out.append((str(getattr(obj, "data", obj)), kw.get("metadata") or {})))
    return out


def test_setup_notebook_makes_styler_escape():
    import pandas as pd

    kernel.setup_notebook(html_output=False)
    html = pd.DataFrame({"t": ["<img src=x onerror=alert(1)>"]}).style.to_html()
    assert "<img src=x" not in html and "&lt;img src=x" in html


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "a & \"b\" 'c'"])
def test_escape(text):
    out = render.escape(text)
    assert "<" not in out and ">" not in out and '"' not in out
    import html

    assert html.unescape(out) == text


def test_render_and_kernel_do_not_import_the_command_line():
    code = ("import sys, newsframe.render, newsframe.kernel; "
            "print(sorted(m for m in sys.modules if m in ('newsframe.cli', 'newsframe.analysis', 'nltk')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"  # no CLI, and no parser/NLTK until an analysis is asked for
    imports = subprocess.run([sys.executable, "-X", "importtime", "-c", "import newsframe.render"],
                             capture_output=True, text=True, timeout=120).stderr
    assert "newsframe.cli" not in imports


# -- tables for a reader ---------------------------------------------------------------------------

def test_table_for_a_reader_has_no_index_no_nan_and_sentence_text():
    import pandas as pd

    sentences = pd.DataFrame({"doc_id": ["d", "d"], "sentence_id": [1, 2],
                              "text": ["Putin met Erdogan.", "He said <b>no</b>."]})
    frame = pd.DataFrame({"doc_id": ["d", "d"], "sentence_id": [2, 1], "score": [0.12345, float("nan")],
                          "speaker": ["Putin", None], "ids": [[1, 2], []], "flag": [True, False]},
                         index=[7, 3])
    t = kernel.table(frame, columns=["sentence_id", "score", "speaker", "ids", "flag"], sentences=sentences)
    assert list(t.frame.columns) == ["sentence_id", "sentence", "score", "speaker", "ids", "flag"]
    assert t.frame.values.tolist() == [["2", "He said <b>no</b>.", "0.123", "Putin", "1, 2", "yes"],
                                       ["1", "Putin met Erdogan.", "", "", "", "no"]]
    html = t._repr_html_()
    assert "<th>sentence</th>" in html and "He said &lt;b&gt;no&lt;/b&gt;." in html
    assert "NaN" not in html and "None" not in html and ">7<" not in html and ">3<" not in html
    assert "text-align:left" in html and "white-space:normal" in html  # wrapped, never cut
    assert '<td class="nf-num">0.123</td>' in html
    assert "NaN" not in repr(t) and repr(t).splitlines()[0].split() == ["sentence_id", "sentence", "score",
                                                                        "speaker", "ids", "flag"]


def test_table_rounds_to_the_digits_asked():
    import pandas as pd

    t = kernel.table(pd.DataFrame({"x": [10.4, 0.5, 2.0, 1.23456]}), digits=0)
    assert t.frame["x"].tolist() == ["10", "0", "2", "1"]  # not "1" for 10 (trailing zeros of an integer)
    assert kernel.table(pd.DataFrame({"x": [10.04, 1.5]}), digits=1).frame["x"].tolist() == ["10", "1.5"]


def test_table_keeps_a_named_index_as_a_column():
    import pandas as pd

    counts = pd.DataFrame({"label": ["a", "b", "a"]}).groupby("label").size().rename("n")
    t = kernel.table(counts)
    assert t.frame.values.tolist() == [["a", "2"], ["b", "1"]] and list(t.frame.columns) == ["label", "n"]


def test_try_table_reports_a_missing_table_but_raises_when_a_stage_cannot_build(shown):
    class Broken:
        def table_names(self):
            return ["documents", "actor_sentiment"]

        def table(self, name):
            raise NewsframeError("data/models/toward.json: no such toward model file")

    assert kernel.try_table(Broken(), "frames_policy") is None
    assert "frames_policy table is not available" in shown[0]
    with pytest.raises(NewsframeError, match="toward model"):  # a broken model must fail the report (and nbval)
        kernel.try_table(Broken(), "actor_sentiment")


# -- tables folder ---------------------------------------------------------------------------------

TWO = [{"id": "first", "title": "<script>document.title='HACKED'</script> One", "text": "Putin met Erdogan. They talked."},
       {"id": "second", "title": "Two", "text": "Zelensky spoke in Kyiv. He was firm."}]


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in TWO))
    return corpus


def test_tables_folder_gives_one_articles_rows(tmp_path):
    import pandas as pd

    folder = tmp_path / "tables"
    folder.mkdir()
    for name, frame in {"documents": pd.DataFrame({"doc_id": ["first", "second"], "text": ["A b.", "C d. E f."]}),
                        "sentences": pd.DataFrame({"doc_id": ["first", "second", "second"], "sentence_id": [1, 1, 2],
                                                   "text": ["A b.", "C d.", "E f."]})}.items():
        (folder / name).mkdir()
        frame.to_parquet(folder / name / "part-0.parquet", index=False)
    (folder / "extra.parquet").write_bytes(pd.DataFrame({"doc_id": ["second"], "x": [1]}).to_parquet())
    second = kernel.load_article("", doc_id="second", tables_path=str(folder))
    assert second.sentences["text"].tolist() == ["C d.", "E f."]
    assert second.documents["doc_id"].tolist() == ["second"] and second.text == {"second": "C d. E f."}
    assert second.extra["x"].tolist() == [1]
    assert kernel.load_article("", tables_path=str(folder)).sentences["text"].tolist() == ["A b."]
    with pytest.raises(NewsframeError, match="no article 'third'"):
        kernel.load_article("", doc_id="third", tables_path=str(folder))
    with pytest.raises(NewsframeError, match="no mentions table"):
        second.table("mentions")
    with pytest.raises(NewsframeError, match="no such tables folder"):
        kernel.load_article("", tables_path=str(tmp_path / "nope"))


# -- choosing articles -----------------------------------------------------------------------------

def test_tables_folder_of_the_engine_is_read_one_partition_per_article(tmp_path):
    import pandas as pd

    folder = tmp_path / "tables"
    for name in ("documents", "sentences"):
        (folder / name).mkdir(parents=True)
    pd.DataFrame({"doc_id": ["a"], "text": ["A."]}).to_parquet(folder / "documents" / "part-00000.parquet")
    pd.DataFrame({"doc_id": ["b"], "text": ["B."]}).to_parquet(folder / "documents" / "part-00001.parquet")
    pd.DataFrame({"doc_id": ["a"], "text": ["A."]}).to_parquet(folder / "sentences" / "part-00000.parquet")
    # a planted row for "b" in batch 0's partition: read only if the reader ignored the batch log
    pd.DataFrame({"doc_id": ["b", "b"], "text": ["B.", "planted"]}).to_parquet(folder / "sentences" / "part-00001.parquet")
    pd.DataFrame({"doc_id": ["b"], "text": ["planted elsewhere"]}).to_parquet(folder / "sentences" / "part-00002.parquet")
    (folder / "_batches.jsonl").write_text(json.dumps({"index": 0, "doc_ids": ["a"]}) + "\n"
                                           + json.dumps({"index": 1, "doc_ids": ["b"]}) + "\n")
    b = kernel.load_article("", doc_id="b", tables_path=str(folder))
    assert b.sentences["text"].tolist() == ["B.", "planted"]  # part-00001 only, not part-00002
    assert kernel.load_article("", tables_path=str(folder)).doc_id == "a"
    (folder / "_batches.jsonl").unlink()  # without the log: the whole folder, filtered by doc_id
    assert kernel.load_article("", doc_id="b", tables_path=str(folder)).sentences["text"].tolist() == [
        "B.", "planted", "planted elsewhere"]


@pytest.mark.parametrize("value,expected", [
    (None, []), ("all", ["a", "b", "c"]), ("2", ["a", "b"]), ("0", []), ("none", []), ("c,a", ["c", "a"]),
    (" b ", ["b"]), ("9", ["a", "b", "c"]),
])
def test_choose_articles(value, expected):
    assert render.choose_articles(["a", "b", "c"], value) == expected


def test_choose_articles_one_article_input_gets_its_file():
    assert render.choose_articles(["only"], None) == ["only"]


@pytest.mark.parametrize("value,message", [("x", "no article 'x'"), ("a,zz", "no article 'zz'"), ("-1", "negative")])
def test_choose_articles_rejects(value, message):
    with pytest.raises(NewsframeError, match=message):
        render.choose_articles(["a", "b"], value)


# -- combining sections ----------------------------------------------------------------------------

def test_combine_sections_injects_each_sections_parameters(tiny_notebooks):
    combined = render.combine_sections([render.Section("01_overview", {"input_path": "/x/a.txt", "doc_id": "a"}),
                                        render.Section("06_compare", {"input_path": "/x/a.txt"})], title="<T>")
    tags = [c.metadata.get("tags", []) for c in combined.cells]
    injected = [c for c, t in zip(combined.cells, tags) if "injected-parameters" in t]
    assert [c.metadata["newsframe"]["notebook"] for c in injected] == ["01_overview", "06_compare"]
    assert 'doc_id = "a"' in injected[0].source and "doc_id" not in injected[1].source
    for cell in injected:  # each right after its own section's parameters cell
        i = combined.cells.index(cell)
        assert "parameters" in combined.cells[i - 1].metadata["tags"]
    assert "<h1>&lt;T&gt;</h1>" in combined.cells[0].source and 'href="#06_compare"' in combined.cells[0].source
    assert any(c.source == '<a id="06_compare"></a>' for c in combined.cells)
    # cell numbers are those of the notebook the user edits (1-based), for error messages
    numbers = [c.metadata["newsframe"]["cell"] for c in combined.cells
               if c.metadata.get("newsframe", {}).get("notebook") == "06_compare" and "injected-parameters" not in
               c.metadata.get("tags", [])]
    assert numbers == [1, 2, 3, 4, 5]


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


def test_export_makes_the_accessibility_edits_of_nbconvert_without_reparsing(tmp_path):
    # render's exporter skips HTMLExporter's BeautifulSoup pass and makes its two edits on the text: the
    # same elements get tabindex="0" and an image without alt text gets nbconvert's alt.
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    nb = new_notebook(cells=[new_markdown_cell("# Heading"), new_markdown_cell("second")])
    for data in ({"text/html": "<b>one</b>"}, {"text/html": '<img src="data:image/png;base64,AA==">'},
                 {"text/plain": "three"}):
        c = new_code_cell("x")
        c.outputs = [nbformat.v4.new_output("display_data", data=data)]
        nb.cells.append(c)
    ours = render.export_html(nb, tmp_path / "ours.html").read_text()
    c = Config()
    c.TemplateExporter.exclude_input = True
    theirs, _ = HTMLExporter(config=c, template_name=render.TEMPLATE_NAME,
                             extra_template_basedirs=[str(render.TEMPLATE_DIR)]).from_notebook_node(nb)
    tagged = re.compile(r'<div[^>]*tabindex="0"')
    assert len(tagged.findall(ours)) == len(tagged.findall(theirs)) == 5  # 2 markdown cells, 3 outputs
    assert ours.count('alt="No description has been provided for this image"') == 1
    assert theirs.count('alt="No description has been provided for this image"') == 1


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


def test_per_article_notebooks_read_tables_when_given():
    for name in ("01_overview", "02_actors", "03_sentiment", "04_framing", "05_validation"):
        assert "tables_path" in render.notebook_parameters(name), name


def test_unknown_parameter_is_a_user_error(tiny_notebooks, tmp_path, capsys):
    rc = cli.main(["render", str(HOSTILE), "--out", str(tmp_path / "out"), "-p", "no_such", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "no_such" in err[0]
    assert not (tmp_path / "out").exists()


def test_unknown_notebook_is_a_user_error(tmp_path, capsys):
    rc = cli.main(["render", str(HOSTILE), "--out", str(tmp_path / "out"), "--notebooks", "99_nothing"])
    assert rc == 2 and "99_nothing" in capsys.readouterr().err


def test_unknown_article_is_a_user_error(tiny_notebooks, tmp_path, capsys):
    rc = cli.main(["render", str(_corpus(tmp_path)), "--out", str(tmp_path / "out"), "--per-article", "third"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "third" in err[0] and "first" in err[0]
    assert not (tmp_path / "out").exists()


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


def test_failing_second_section_is_named_with_its_own_cell(tiny_notebooks, tmp_path):
    _notebook(tiny_notebooks / "06_compare.ipynb", "y = 2", "z = 3", "raise KeyError('second section')")
    with pytest.raises(NewsframeError, match=r"notebook 06_compare failed in cell 5 .*KeyError"):
        render.render_reports(HOSTILE, tmp_path / "out", progress=lambda _: None)


def test_render_one_article_writes_one_file_with_plotly_once(tiny_notebooks, tmp_path):
    out = tmp_path / "out"
    lines = []
    reports = render.render_reports(HOSTILE, out, progress=lines.append)
    assert list(reports.columns) == schema.columns("reports")
    assert reports["notebook"].tolist() == ["01_overview", "06_compare"]
    assert reports["html"].nunique() == 1 and reports["n_charts"].tolist() == [1, 1]
    # the output policy's manifest lists exactly what was written (newsframe.outputs; tests in test_cli.py)
    assert sorted(json.loads((out / "newsframe.json").read_text())["files"]) == [
        "articles/hostile.html", "index.html", "reports.json"]
    assert len(lines) == 1 and re.match(r"\[1/1\] articles/hostile\.html: 2 section\(s\), 2 chart", lines[0])
    page = (out / "articles" / "hostile.html").read_text()
    assert page.count('class="plotly-graph-div"') == 2
    assert not EXTERNAL_SCRIPT.search(page)
    # both sections called setup_notebook; the file carries plotly.js exactly once
    assert len(re.findall(r"plotly\.js \(cartesian - minified\) v\d", page)) == 1
    assert page.index("plotly.js (cartesian") < page.index('class="plotly-graph-div"')
    # the article's markup is text
    assert "&lt;img src=x onerror" in page and "<img src=x onerror" not in page
    index = (out / "index.html").read_text()
    assert 'href="articles/hostile.html#06_compare"' in index and str(HOSTILE.resolve()) in index
    for listed in ("plotly.js (in reports)", "torch", "tokenizers", "target-sentiment model"):
        assert listed in index
    assert not (out / "tables").exists()  # these tiny notebooks read no tables: nothing analysed


def test_render_corpus_gives_the_corpus_report_by_default(tiny_notebooks, tmp_path):
    out = tmp_path / "out"
    reports = render.render_reports(_corpus(tmp_path), out, progress=lambda _: None)
    assert reports["notebook"].tolist() == ["06_compare"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")) == ["06_compare.html", "index.html"]
    compare = (out / "06_compare.html").read_text()
    assert "first" in compare and "second" in compare


def test_render_corpus_per_article_in_parallel(tiny_notebooks, tmp_path):
    out = tmp_path / "out"
    reports = render.render_reports(_corpus(tmp_path), out, jobs=2, per_article="all", progress=lambda _: None)
    assert sorted(set(map(str, reports["html"]))) == sorted(
        str(out / p) for p in ("articles/first.html", "articles/second.html", "06_compare.html"))
    second = (out / "articles" / "second.html").read_text()
    assert "He was firm." in second and "They talked." not in second  # each file describes its own article
    index = (out / "index.html").read_text()
    assert 'href="articles/first.html"' in index and 'href="06_compare.html"' in index
    assert "<script>document.title" not in index and "&lt;script&gt;document.title" in index


def test_render_reads_the_tables_it_built_once(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    # The notebook fails if it would analyse: it may only read the tables folder.
    _notebook(folder / "01_overview.ipynb",
              "from newsframe import kernel\nassert tables_path, 'no tables given'\n"
              "a = kernel.load_article(input_path, doc_id=doc_id, tables_path=tables_path)\n"
              "print(type(a).__name__, a.documents['doc_id'].iloc[0], len(a.sentences), a.mentions['text'].tolist())\n"
              "import sys\nprint('torch in kernel:', 'torch' in sys.modules)",
              params=ARTICLE_PARAMS + '\ntables_path: str = ""  # tables folder')
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", folder)
    out = tmp_path / "out"
    render.render_reports(_corpus(tmp_path), out, per_article="second", keep_notebooks=True, progress=lambda _: None)
    nb = nbformat.read(str(out / "articles" / "second.ipynb"), as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    # Kyiv is a mention too (function: location, the place of the event)
    assert "TableSet second 2 ['Zelensky', 'Kyiv', 'He']" in printed
    assert "torch in kernel: False" in printed  # the model ran once, in the render process, not in the kernel
    # built by the corpus engine: one partition per batch, its settings and batch log beside them
    assert (out / "tables" / "mentions" / "part-00000.parquet").is_file()
    assert json.loads((out / "tables" / "_engine.json").read_text())["complete"] is True
    assert not (out / "articles" / "first.html").exists()


def test_files_share_one_kernel_per_process_with_a_clean_namespace(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    # Each file prints its kernel's pid and whether the previous file's variable is still there.
    _notebook(folder / "01_overview.ipynb",
              "import os\nprint('pid', os.getpid(), 'leftover' if 'seen' in globals() else 'clean')\nseen = doc_id",
              params=ARTICLE_PARAMS)
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", folder)
    out = tmp_path / "out"
    reports = render.render_reports(_corpus(tmp_path), out, per_article="all", keep_notebooks=True,
                                    progress=lambda _: None)
    assert reports["doc_id"].tolist() == ["first", "second"]
    printed = []
    for doc_id in ("first", "second"):
        nb = nbformat.read(str(out / "articles" / f"{doc_id}.ipynb"), as_version=4)
        printed.append("".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", [])).split())
    assert [p[2] for p in printed] == ["clean", "clean"]
    assert printed[0][1] == printed[1][1] != str(os.getpid())  # one kernel for both files, not this process
    assert all(r > 0 for r in reports["seconds"])  # cell seconds are recorded without papermill


def test_parameters_are_read_as_papermill_reads_them():
    import papermill

    for name in render.available_notebooks():
        theirs = papermill.inspect_notebook(str(render.notebook_path(name)))
        assert render.notebook_parameters(name) == {
            k: {"type": v.get("inferred_type_name", "None"), "default": v.get("default", ""),
                "help": v.get("help", "")} for k, v in theirs.items()}, name
    assert render._declared_parameters('a: int = 3  # three\nb = "x"\n') == {
        "a": {"type": "int", "default": "3", "help": "three"}, "b": {"type": "None", "default": '"x"', "help": ""}}


def test_validation_is_left_out_for_an_article_without_gold(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder / "01_overview.ipynb", "print('overview')", params=ARTICLE_PARAMS)
    _notebook(folder / "05_validation.ipynb", "print('validation')",
              params=ARTICLE_PARAMS + '\ngold_path: str = ""  # gold CSV')
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", folder)
    no_gold = render.render_reports(HOSTILE, tmp_path / "a", progress=lambda _: None)
    assert no_gold["notebook"].tolist() == ["01_overview"]
    seed = render.render_reports(config.DEFAULT_SEED, tmp_path / "b", progress=lambda _: None)
    assert seed["notebook"].tolist() == ["01_overview", "05_validation"]
    given = render.render_reports(HOSTILE, tmp_path / "c", parameters={"gold_path": str(config.SEED_GOLD_PATH)},
                                  progress=lambda _: None)
    assert given["notebook"].tolist() == ["01_overview", "05_validation"]


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


def test_options_left_at_defaults_mean_package_defaults():
    opts = kernel.options_given({"gazetteer_path": "", "frames_policy_path": None, "policy_min_score": -1.0,
                                 "hedges_path": "/x/h.csv", "policy_min_hits": 3, "flag": False})
    assert opts == {"hedges_path": "/x/h.csv", "policy_min_hits": 3, "flag": False}


def test_gold_is_found_for_the_seed_only(seed_analysis, tmp_path):
    import newsframe

    assert render.resolve_gold(seed_analysis) == config.SEED_GOLD_PATH
    assert render.resolve_gold(newsframe.analyze("Putin met Erdogan in Ankara.")) is None
    with pytest.raises(NewsframeError, match="no such gold file"):
        render.resolve_gold(seed_analysis, str(tmp_path / "missing.csv"))
