"""Run the notebooks with papermill and export self-contained HTML reports (``newsframe render``).

A report set is one HTML file per notebook plus an ``index.html`` that links them and lists the input,
parameters and versions. Reports open offline: the HTML template loads nothing from the network
(``templates/newsframe_report``) and every notebook embeds plotly.js once, through :func:`setup_notebook`,
which papermill runs in the kernel. Article text reaches the page only through escaping displays
(pandas HTML tables, :func:`escape`), so markup inside an article shows as text and never runs.

Notebook helpers used inside the notebooks (:func:`setup_notebook`, :func:`resolve_input`,
:func:`show_heading`) live here too, so that the notebooks hold no logic of their own.
"""
from __future__ import annotations

import html
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd

from . import config, schema
from .errors import NewsframeError

# The notebooks, in reading order. 01-05 describe one article; 06 compares articles (or paragraphs).
PER_ARTICLE = ("01_overview", "02_actors", "03_sentiment", "04_framing", "05_validation")
CORPUS = ("06_compare",)
NOTEBOOKS = PER_ARTICLE + CORPUS
TEMPLATE_DIR = config.PACKAGE_DIR / "templates"
TEMPLATE_NAME = "newsframe_report"
# Set by the render step inside the kernel: figures are then embedded as HTML with plotly.js inline.
HTML_ENV = "NEWSFRAME_HTML"
# Cells with these tags never appear in a report (papermill's injected cell, the defaults it overrides,
# and "remove-cell" for notebook plumbing such as the Imports heading).
HIDDEN_TAGS = ("injected-parameters", "parameters", "remove-cell")
_PLOTLY_RENDERER = "newsframe_html"


# -- inside a notebook -----------------------------------------------------------------------------

def setup_notebook(*, html_output: bool | None = None) -> str:
    """Prepare a notebook kernel for newsframe: plotly renderer and safe table display.

    Parameters
    ----------
    html_output
        ``True`` embeds every figure as HTML with plotly.js inline once (what exported reports need:
        plotly 6+'s default mimetype is dropped by nbconvert and ``notebook_connected`` loads from a CDN);
        ``False`` keeps plotly's own default (JupyterLab draws the figures itself and saved notebooks stay
        small). ``None`` (default) chooses ``True`` when run by ``newsframe render`` (environment variable
        ``NEWSFRAME_HTML=1``).

    Returns
    -------
    str
        The plotly renderer now in use.
    """
    import plotly.io as pio

    if html_output is None:
        html_output = os.environ.get(HTML_ENV, "") == "1"
    # Styler does not escape by default (DataFrame.to_html does): make both safe for article text.
    pd.set_option("styler.format.escape", "html")
    pd.set_option("display.max_colwidth", 120)
    if html_output:
        if _PLOTLY_RENDERER not in pio.renderers:
            pio.renderers[_PLOTLY_RENDERER] = _offline_renderer()
        # Setting the default activates the renderer, which displays plotly.js once in this cell.
        pio.renderers.default = _PLOTLY_RENDERER
    return pio.renderers.default


def _offline_renderer():
    """A plotly renderer that embeds plotly.js once and draws each figure with no network access."""
    from plotly.io._base_renderers import HtmlRenderer

    class _OfflineHtmlRenderer(HtmlRenderer):
        # plotly's NotebookRenderer adds a MathJax <script src> from a CDN to every figure; this one does
        # not, and it does not depend on require.js (absent from our HTML template).
        def __init__(self) -> None:
            super().__init__(connected=False, full_html=False, global_init=True, include_plotlyjs=False,
                             config={"displaylogo": False, "responsive": True})

        def to_mimebundle(self, fig_dict: dict) -> dict:
            from plotly.io import to_html

            return {"text/html": to_html(fig_dict, config=self.config, include_plotlyjs=False,
                                         include_mathjax=False, full_html=False, default_width="100%",
                                         default_height=480, validate=False)}

    return _OfflineHtmlRenderer()


def resolve_input(input_path: str = "") -> Path:
    """The article or corpus a notebook analyses: ``""`` means the bundled seed article.

    Relative paths are taken from the current directory (the notebook's folder in JupyterLab; the render
    step passes absolute paths).
    """
    if not input_path:
        return config.DEFAULT_SEED
    path = Path(input_path).expanduser()
    if not path.exists():
        raise NewsframeError(f"{path}: no such file or folder")
    return path.resolve()


def load_article(input_path: str = "", *, doc_id: str = "", **options: Any):
    """Analyse one article of ``input_path`` (``""`` = the bundled seed) for a per-article notebook.

    Parameters
    ----------
    input_path
        Article file, folder or corpus (see :func:`resolve_input`).
    doc_id
        Which article of a corpus (default: the first).
    **options
        Lexicon paths and thresholds passed to :class:`newsframe.Analysis`; ``None``, ``""`` and negative
        numbers are dropped, so a notebook parameter left at its default means the package default.

    Returns
    -------
    newsframe.Analysis
        The analysis of that one article.
    """
    from . import io
    from .analysis import Analysis

    docs = io.load_documents(resolve_input(input_path))
    if doc_id:
        if doc_id not in set(docs["doc_id"]):
            raise NewsframeError(f"no article {doc_id!r} in {input_path}; ids: {', '.join(docs['doc_id'][:10])}")
        docs = docs[docs["doc_id"] == doc_id]
    return Analysis(docs.head(1).reset_index(drop=True), **_options(options))


def load_corpus(input_path: str = "", **options: Any):
    """Analyse every article of ``input_path`` (``""`` = the bundled seed) for the comparison notebook."""
    from .analysis import analyze

    return analyze(resolve_input(input_path), **_options(options))


def _options(options: dict[str, Any]) -> dict[str, Any]:
    # A notebook parameter left at "" (a path) or a negative number (a threshold) means the package default.
    return {k: v for k, v in options.items()
            if v is not None and v != "" and not (isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0)}


def resolve_gold(analysis: Any, gold_path: str = "") -> Path | None:
    """The gold annotations to validate against: ``gold_path`` if given, else the bundled seed's gold when
    the analysed article is the bundled seed, else ``None`` (the notebook then says there is no gold)."""
    if gold_path:
        path = Path(gold_path).expanduser()
        if not path.is_file():
            raise NewsframeError(f"{path}: no such gold file")
        return path.resolve()
    seed_text = config.DEFAULT_SEED.read_text(encoding="utf-8") if config.DEFAULT_SEED.is_file() else None
    if seed_text is not None and analysis.documents["text"].iloc[0] == seed_text and config.SEED_GOLD_PATH.is_file():
        return config.SEED_GOLD_PATH
    return None


def try_table(analysis: Any, name: str):
    """The table ``name``, or ``None`` with a plain note when this input or installation cannot build it
    (a stage not installed, a model file missing): a report shows what it can instead of failing."""
    if name not in analysis.table_names():
        show_note(f"The {name} table is not available in this version of newsframe.")
        return None
    try:
        return analysis.table(name)
    except NewsframeError as exc:
        show_note(f"The {name} table could not be built: {exc}")
        return None


def show_plot(plot: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Display ``plot(*args, **kwargs)``; when there is nothing to draw (an article without actors, say),
    display a one-line note instead, so one empty view never stops a report.

    Returns nothing, so that a cell ending with it does not display the figure a second time.
    """
    from IPython.display import display

    try:
        fig = plot(*args, **kwargs)
    except NewsframeError as exc:
        show_note(f"No chart: {exc}")
        return
    display(fig)


def escape(text: Any) -> str:
    """HTML-escape ``text`` (quotes too) so article text shows as text in a report."""
    return html.escape(str(text), quote=True)


def show_heading(title: str, *, subtitle: str = "") -> None:
    """Display an escaped title (and subtitle) for a report: article titles may carry markup."""
    from IPython.display import HTML, display

    body = f"<h2>{escape(title)}</h2>"
    if subtitle:
        body += f"<p><em>{escape(subtitle)}</em></p>"
    display(HTML(body))


def show_note(text: str) -> None:
    """Display one escaped line of text (a caveat or a plain message such as "no gold annotations")."""
    from IPython.display import HTML, display

    display(HTML(f"<p>{escape(text)}</p>"))


# -- running and exporting -------------------------------------------------------------------------

def _this_python_kernel_manager():
    """A kernel manager that always starts ipykernel on the interpreter running newsframe.

    The ``python3`` kernelspec papermill resolves can come from a user's ``~/.local/share/jupyter`` and
    point at another Python; reports must run on this environment's packages.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class ThisPythonKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self) -> KernelSpec:
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    # log level ERROR: the kernel's start-up chatter (TCP warning) is not news to a reader.
                    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                          "--IPKernelApp.log_level=ERROR"],
                    display_name=f"Python {platform.python_version()} (newsframe)", language="python",
                    resource_dir=str(config.PACKAGE_DIR), metadata={})
            return self._kernel_spec

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            # The kernel's own log (shutdown notices) would break the one-line error contract; cell
            # output and tracebacks travel over the kernel protocol and are unaffected.
            kw["stderr"] = subprocess.DEVNULL
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return ThisPythonKernelManager


def notebook_path(name: str) -> Path:
    """The notebook file for ``name`` (``"01_overview"`` or ``"01_overview.ipynb"``)."""
    stem = name[:-6] if name.endswith(".ipynb") else name
    path = config.NOTEBOOKS_DIR / f"{stem}.ipynb"
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")))
        raise NewsframeError(f"unknown notebook {name!r}; known: {known}")
    return path


def available_notebooks() -> list[str]:
    """Names of the notebooks in the notebooks folder, in reading order (``NN_topic``)."""
    return [p.stem for p in sorted(config.NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))]


def notebook_parameters(name: str) -> dict[str, dict[str, str]]:
    """Parameters a notebook declares in its ``parameters`` cell: name -> type, default, help."""
    import papermill

    params = papermill.inspect_notebook(str(notebook_path(name)))
    return {k: {"type": v.get("inferred_type_name", "None"), "default": v.get("default", ""),
                "help": v.get("help", "")} for k, v in params.items()}


def _coerce(value: str, type_name: str, *, name: str) -> Any:
    """Turn a ``-p NAME VALUE`` string into the type the notebook declares."""
    t = type_name.lower()
    try:
        if t == "bool":
            if value.lower() in ("true", "1", "yes"):
                return True
            if value.lower() in ("false", "0", "no"):
                return False
            raise ValueError(value)
        if t == "int":
            return int(value)
        if t == "float":
            return float(value)
    except ValueError:
        raise NewsframeError(f"parameter {name}: {value!r} is not a valid {t}") from None
    return value


@dataclass
class _Job:
    notebook: str
    doc_id: str
    title: str
    parameters: dict[str, Any]
    out_html: Path
    out_ipynb: Path
    timeout: int
    keep_notebook: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def run_notebook(notebook: str | Path, output: str | Path, *, parameters: dict[str, Any] | None = None,
                 timeout: int = 600, cwd: str | Path | None = None, html_output: bool = True) -> Path:
    """Execute one notebook with papermill on this Python; return the executed notebook's path.

    Parameters
    ----------
    notebook
        Notebook name (``"01_overview"``) or path.
    output
        Where the executed notebook is written.
    parameters
        Values injected after the ``parameters`` cell.
    timeout
        Seconds any one cell may run.
    cwd
        Working directory of the kernel (default: the notebooks folder, so relative paths work as in
        JupyterLab).
    html_output
        Embed figures as offline HTML (see :func:`setup_notebook`).

    Raises
    ------
    NewsframeError
        The notebook failed: the message names the notebook, the cell and the error.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    nb = Path(notebook) if str(notebook).endswith(".ipynb") else notebook_path(str(notebook))
    env_before = os.environ.get(HTML_ENV)
    os.environ[HTML_ENV] = "1" if html_output else "0"  # the kernel inherits this process's environment
    try:
        papermill.execute_notebook(
            str(nb), str(output), parameters=parameters or {}, kernel_name="python3",
            cwd=str(cwd or config.NOTEBOOKS_DIR), execution_timeout=timeout, progress_bar=False,
            log_output=False, kernel_manager_class=_this_python_kernel_manager())
    except PapermillExecutionError as exc:
        msg = str(exc.evalue).strip().splitlines()[0] if str(exc.evalue).strip() else ""
        cell, first_line = _source_cell(Path(output), exc.cell_index, exc.source)
        raise NewsframeError(f"notebook {nb.stem} failed in cell {cell} ({first_line!r}): "
                             f"{exc.ename}: {msg}") from None
    except Exception as exc:  # kernel died, timeout, ...: still name the notebook
        if type(exc).__name__ == "CellTimeoutError":
            raise NewsframeError(f"notebook {nb.stem}: a cell ran longer than {timeout} s "
                                 "(raise --timeout)") from None
        raise NewsframeError(f"notebook {nb.stem} failed: {type(exc).__name__}: "
                             f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''}") from None
    finally:
        if env_before is None:
            os.environ.pop(HTML_ENV, None)
        else:
            os.environ[HTML_ENV] = env_before
    return Path(output)


def _source_cell(executed: Path, index: int, source: str) -> tuple[int, str]:
    """Number (1-based, as in the notebook the user edits) and first code line of the failed cell.

    ``index`` counts cells of the executed notebook, which holds papermill's injected-parameters cell;
    papermill's error-marker cells in the written file are left out.
    """
    import nbformat

    lines = [ln for ln in (source or "").splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    first = lines[0][:60] if lines else ""
    try:
        cells = nbformat.read(str(executed), as_version=4).cells
    except Exception:  # the output was not written: fall back to the executed index
        return index + 1, first
    cells = [c for c in cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    injected = sum(1 for c in cells[:index] if "injected-parameters" in c.get("metadata", {}).get("tags", []))
    return index + 1 - injected, first


def export_html(executed: str | Path, output: str | Path, *, title: str = "") -> Path:
    """Export an executed notebook to self-contained HTML without code and without parameter cells."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    c = Config()
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    c.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_TAGS)
    c.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=c, template_name=TEMPLATE_NAME,
                            extra_template_basedirs=[str(TEMPLATE_DIR)])
    exporter.register_preprocessor(TagRemovePreprocessor(config=c), enabled=True)
    nb = nbformat.read(str(executed), as_version=4)
    name = title or Path(executed).stem
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    Path(output).write_text(body, encoding="utf-8")
    return Path(output)


def _run_job(job: _Job) -> dict[str, Any]:
    # One notebook: execute, export, count charts. Runs in a worker process when --jobs > 1.
    t0 = time.perf_counter()
    run_notebook(job.notebook, job.out_ipynb, parameters=job.parameters, timeout=job.timeout)
    export_html(job.out_ipynb, job.out_html, title=f"{job.notebook} · {job.title}")
    if not job.keep_notebook:
        job.out_ipynb.unlink()
    text = job.out_html.read_text(encoding="utf-8")
    return {"doc_id": job.doc_id, "notebook": job.notebook, "title": job.title,
            "html": job.out_html.name if job.doc_id == "" else f"articles/{job.doc_id}/{job.out_html.name}",
            "n_charts": text.count('class="plotly-graph-div"'), "seconds": round(time.perf_counter() - t0, 2),
            "_path": str(job.out_html)}


def versions() -> dict[str, str]:
    """Versions of newsframe, Python and the packages that shape a report."""
    out = {"python": platform.python_version()}
    for pkg in ("newsframe", "pandas", "plotly", "nltk", "vaderSentiment", "textblob", "papermill",
                "nbconvert", "ipykernel"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def render_reports(source: str | Path, out_dir: str | Path, *, notebooks: Sequence[str] | None = None,
                   parameters: dict[str, str] | None = None, jobs: int = 1, timeout: int = 600,
                   keep_notebooks: bool = False, force: bool = False,
                   progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Render the notebooks for ``source`` into HTML reports in ``out_dir``, with an ``index.html``.

    One article gives ``out_dir/01_overview.html`` ... and ``06_compare.html`` (its paragraphs
    compared); a corpus gives ``out_dir/articles/<doc_id>/01_overview.html`` ... per article (a folder of
    their own, so no id collides with ``index.html`` or ``inputs``) plus ``out_dir/06_compare.html``
    comparing the articles. ``out_dir`` follows :func:`newsframe.outputs.claim_output`: everything is
    staged and moved into place only when every notebook succeeded.

    Parameters
    ----------
    source
        Article file, folder of articles, or JSONL/CSV corpus.
    out_dir
        Folder for the reports: new, empty, or written by newsframe before (its files are replaced).
    notebooks
        Names of the notebooks to run (default: all of :data:`NOTEBOOKS`).
    parameters
        ``NAME -> VALUE`` strings from ``-p``; each goes to the notebooks that declare ``NAME``, converted
        to the declared type.
    jobs
        Notebooks run in parallel (separate processes).
    timeout
        Seconds any one cell may run.
    keep_notebooks
        Also keep the executed ``.ipynb`` beside each HTML file.
    force
        Write into a folder holding other files (they are kept, never replaced).
    progress
        Called with one line per finished notebook (default: print to stderr).

    Returns
    -------
    pandas.DataFrame
        The ``reports`` table (see :mod:`newsframe.schema`): one row per HTML report.

    Raises
    ------
    NewsframeError
        Bad input, unknown notebook or parameter, or a notebook that failed (named with its cell).
    """
    from . import io

    progress = progress or (lambda line: print(line, file=sys.stderr, flush=True))
    source = Path(source).expanduser()
    if not source.exists():
        raise NewsframeError(f"{source}: no such file or folder")
    source = source.resolve()
    if jobs < 1:
        raise NewsframeError(f"--jobs must be at least 1 (got {jobs})")
    names = [notebook_path(n).stem for n in (notebooks or available_notebooks())]
    docs, skipped = io.read_documents(source)
    if len(skipped):
        progress(f"warning: skipped {len(skipped)} bad record(s) (first: {skipped['record'].iloc[0]}: "
                 f"{skipped['reason'].iloc[0]})")
    declared = {n: notebook_parameters(n) for n in names}
    user = dict(parameters or {})
    unknown = sorted(k for k in user if not any(k in d for d in declared.values()))
    if unknown:
        known = sorted({k for d in declared.values() for k in d})
        raise NewsframeError(f"unknown parameter(s) {', '.join(unknown)}; these notebooks take: {', '.join(known)}")
    if "input_path" in user:
        raise NewsframeError("input_path is set by INPUT, not by -p")

    from .outputs import claim_output

    out_dir = Path(out_dir).expanduser().resolve()
    # The output policy (newsframe.outputs): new, empty or newsframe-written folder, locked, staged inside it.
    with claim_output(out_dir, inputs=[source], force=force, command="render", meta={"input": str(source)}) as staging:
        job_list = _plan(source, docs, names, declared, user, staging, timeout, keep_notebooks)
        rows = _execute(job_list, jobs, progress)
        reports = pd.DataFrame(rows)
        order = {n: i for i, n in enumerate(NOTEBOOKS)}
        reports = reports.sort_values(["doc_id", "notebook"],
                                      key=lambda s: s.map(lambda n: order.get(n, len(order))) if s.name == "notebook" else s)
        _write_index(staging / "index.html", reports, source=source, docs=docs, parameters=user)
        (staging / "reports.json").write_text(json.dumps({
            "input": str(source), "parameters": user, "versions": versions(),
            "reports": reports.drop(columns="_path").to_dict("records")}, indent=1), encoding="utf-8")
    reports["html"] = [str(out_dir / h) for h in reports["html"]]
    return schema.conform(reports, "reports")


def _plan(source: Path, docs: pd.DataFrame, names: list[str], declared: dict, user: dict, staging: Path,
          timeout: int, keep: bool) -> list[_Job]:
    """One job per (article, per-article notebook) plus the comparison notebook once."""
    jobs = []
    corpus = len(docs) > 1
    if corpus:
        inputs = staging / "inputs"
        inputs.mkdir()
    for doc in docs.itertuples(index=False):
        if corpus:
            # Each article goes to its notebooks as a one-line JSONL corpus: keeps title, source and date.
            doc_input = inputs / f"{doc.doc_id}.jsonl"
            record = {"id": doc.doc_id, "title": doc.title, "source": doc.source, "date": doc.date,
                      "url": doc.url, "text": doc.text}
            doc_input.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
            folder = staging / "articles" / doc.doc_id
            folder.mkdir(parents=True)
        else:
            doc_input, folder = source, staging
        for name in names:
            if name in CORPUS:
                continue
            params = _params_for(name, declared[name], user, doc_input)
            jobs.append(_Job(name, doc.doc_id if corpus else "", doc.title, params, folder / f"{name}.html",
                             folder / f"{name}.ipynb", timeout, keep))
    for name in names:
        if name in CORPUS:
            params = _params_for(name, declared[name], user, source)
            title = f"{len(docs)} articles" if corpus else docs["title"].iloc[0]
            jobs.append(_Job(name, "", title, params, staging / f"{name}.html", staging / f"{name}.ipynb",
                             timeout, keep))
    return jobs


def _params_for(name: str, declared: dict, user: dict, input_path: Path) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if "input_path" in declared:
        params["input_path"] = str(input_path)
    for key, value in user.items():
        if key in declared:
            params[key] = _coerce(value, declared[key]["type"], name=key)
    return params


def _execute(job_list: list[_Job], jobs: int, progress: Callable[[str], None]) -> list[dict]:
    rows = []
    total = len(job_list)

    def _line(row: dict) -> str:
        where = f"{row['doc_id']}/" if row["doc_id"] else ""
        return (f"[{len(rows)}/{total}] {where}{row['notebook']}: {row['n_charts']} chart(s), "
                f"{row['seconds']:.1f} s")

    if jobs == 1 or total == 1:
        for job in job_list:
            rows.append(_run_job(job))
            progress(_line(rows[-1]))
        return rows
    with ProcessPoolExecutor(max_workers=min(jobs, total)) as pool:
        futures = {pool.submit(_run_job, job): job for job in job_list}
        try:
            for fut in as_completed(futures):
                rows.append(fut.result())  # a NewsframeError from a worker is re-raised here
                progress(_line(rows[-1]))
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return rows


def _write_index(path: Path, reports: pd.DataFrame, *, source: Path, docs: pd.DataFrame,
                 parameters: dict[str, str]) -> None:
    """The landing page: links to every report, the input, the parameters and the versions."""
    e = escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>newsframe reports</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;"
             "line-height:1.45}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;"
             "text-align:left}code{background:#f4f4f4}</style></head><body>",
             "<h1>newsframe reports</h1>",
             f"<p>Input: <code>{e(source)}</code> ({len(docs)} article{'s' if len(docs) != 1 else ''}); "
             f"rendered {e(time.strftime('%Y-%m-%d %H:%M:%S %Z'))}.</p>"]
    labels = {"01_overview": "Overview: structure, vocabulary, readability",
              "02_actors": "Actors: who appears, where, doing what",
              "03_sentiment": "Sentiment and tone, toward each actor",
              "04_framing": "Framing: frames, attribution, hedging, naming",
              "05_validation": "Validation against gold annotations",
              "06_compare": "Comparison across articles (or paragraphs)"}
    parts.append("<h2>Reports</h2><table><tr><th>article</th><th>report</th><th>charts</th><th>seconds</th></tr>")
    for row in reports.itertuples(index=False):
        article = row.title if row.notebook not in CORPUS else "all"
        parts.append(f"<tr><td>{e(article)}</td><td><a href=\"{e(row.html)}\">{e(row.notebook)}</a> "
                     f"{e(labels.get(row.notebook, ''))}</td><td>{int(row.n_charts)}</td>"
                     f"<td>{float(row.seconds):.1f}</td></tr>")
    parts.append("</table>")
    parts.append("<h2>Articles</h2><table><tr><th>doc_id</th><th>title</th><th>source</th><th>date</th>"
                 "<th>characters</th></tr>")
    for d in docs.itertuples(index=False):
        parts.append(f"<tr><td>{e(d.doc_id)}</td><td>{e(d.title)}</td><td>{e(d.source)}</td><td>{e(d.date)}</td>"
                     f"<td>{len(str(d.text)):,}</td></tr>")
    parts.append("</table><h2>Parameters</h2>")
    if parameters:
        parts.append("<table>" + "".join(f"<tr><td>{e(k)}</td><td><code>{e(v)}</code></td></tr>"
                                         for k, v in parameters.items()) + "</table>")
    else:
        parts.append("<p>Notebook defaults (no <code>-p</code> given).</p>")
    parts.append("<h2>Versions</h2><table>" + "".join(
        f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in versions().items()) + "</table>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


# -- committed notebooks ---------------------------------------------------------------------------

def _is_volatile(output: dict) -> bool:
    """Outputs not worth committing: figures (plotly JSON or HTML with plotly.js), stderr, widgets."""
    if output.get("output_type") == "stream":
        return output.get("name") == "stderr"
    data = output.get("data", {})
    if any(k.startswith("application/vnd.plotly") or k.startswith("application/vnd.jupyter.widget") for k in data):
        return True
    return "plotly" in str(data.get("text/html", "")).lower()


def clean_notebook(nb: Any) -> Any:
    """Strip what must not be committed from an executed notebook (in place; returns it).

    Figures, stderr and run metadata (papermill timings, execution timestamps) go; small textual results
    stay so that nbval can compare them. Cells tagged ``injected-parameters`` are removed.
    """
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            # nbval skips (and fails on outputs of) cells without an execution count: number them 1..n.
            count += 1
            cell.execution_count = count
            cell.outputs = [o for o in cell.outputs if not _is_volatile(o)]
            for o in cell.outputs:
                if "execution_count" in o:
                    o["execution_count"] = count
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    return nb


def refresh_notebooks(names: Sequence[str] | None = None, *, timeout: int = 600,
                      progress: Callable[[str], None] | None = None) -> list[Path]:
    """Re-execute the committed notebooks in place on the bundled seed and keep only stable outputs.

    What ``make notebooks`` runs after the library changes: each notebook runs top to bottom with its
    defaults (as in JupyterLab, figures not embedded), :func:`clean_notebook` drops figures and run
    metadata, and the file is replaced only when the run succeeded.
    """
    import nbformat

    progress = progress or (lambda line: print(line, file=sys.stderr, flush=True))
    done = []
    for name in names or available_notebooks():
        path = notebook_path(name)
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="newsframe-refresh-") as tmp:
            executed = run_notebook(path, Path(tmp) / path.name, timeout=timeout, html_output=False)
            nb = clean_notebook(nbformat.read(str(executed), as_version=4))
            staged = path.with_name(f".{path.name}.tmp")
            nbformat.write(nb, str(staged))
            os.replace(staged, path)
        progress(f"refreshed {path.name} ({path.stat().st_size / 1024:.0f} KB, {time.perf_counter() - t0:.1f} s)")
        done.append(path)
    return done
