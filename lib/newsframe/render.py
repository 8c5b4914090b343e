"""Render reports: analyse the input once, run the notebooks on those tables, export self-contained HTML.

``newsframe render INPUT --out DIR`` (the command itself is in :mod:`newsframe.cli`) writes

- ``DIR/tables/<table>/part-NNNNN.parquet``: every table, computed once by the corpus engine;
- ``DIR/<corpus notebook>.html`` (``06_compare.html``): the corpus report, by default;
- ``DIR/articles/<doc_id>.html``: one file per article holding all its sections (overview, actors,
  sentiment, framing, validation when the article has gold annotations, roles ...), for the articles chosen
  with ``per_article`` (``"all"``, a number ``N`` for the first N, or ids); one article's input gets its
  article file by default, and its corpus sections go into the same file;
- ``DIR/index.html`` linking them, with the input, parameters, package versions and the model used.

The sections of one article run one after the other and read the tables through their ``tables_path``
parameter (only that article's rows, with pyarrow filters), so a section costs little more than its own
cells and no kernel imports torch. Each process (this one with ``jobs=1``, each worker otherwise) starts
one kernel and runs every file it builds on it with nbclient (:class:`_Kernel`: no per-cell save as
papermill makes, the namespace cleared between files, the imports kept); papermill itself remains for
:func:`run_notebook` and :func:`refresh_notebooks`. Every
file carries the vendored plotly.js partial bundle once (:mod:`newsframe.kernel`) and loads nothing from
the network: the nbconvert template ``templates/newsframe_report`` leaves out require.js and MathJax.

Everything is written into a temporary folder beside ``DIR`` and moved into place only when every report
succeeded. The helpers the notebooks call live in :mod:`newsframe.kernel` (re-exported here for older
notebooks); this module never imports the command line.
"""
from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Sequence

import pandas as pd

from . import config, schema
from .errors import NewsframeError
# Notebook helpers, re-exported so notebooks written against ``newsframe.render`` keep working.
from .kernel import (escape, load_article, load_corpus, resolve_gold, resolve_input, setup_notebook,  # noqa: F401
                     show_heading, show_note, show_plot, table, try_table, versions as _kernel_versions)
from .kernel import PLOTLYJS_MARK, options_given as _options  # noqa: F401

# The notebooks, in reading order. Per-article sections describe one article; corpus notebooks compare
# articles (or, for one article, its paragraphs). Notebooks not listed here (a new 07_roles) are
# per-article sections, in file-name order.
CORPUS = ("06_compare",)
VALIDATION = "05_validation"
TEMPLATE_DIR = config.TEMPLATES_DIR
TEMPLATE_NAME = "newsframe_report"
# Cells with these tags never appear in a report (papermill's injected cell, the defaults it overrides,
# and "remove-cell" for notebook plumbing such as the Imports heading).
HIDDEN_TAGS = ("injected-parameters", "parameters", "remove-cell")
SECTION_LABELS = {"01_overview": "Overview: structure, vocabulary, readability",
                  "02_actors": "Actors: who appears, where, doing what",
                  "03_sentiment": "Sentiment and tone, toward each actor",
                  "04_framing": "Framing: frames, attribution, hedging, naming",
                  "05_validation": "Validation against gold annotations",
                  "06_compare": "Comparison across articles (or paragraphs)",
                  "07_roles": "Narrative roles"}


def available_notebooks() -> list[str]:
    """Names of the notebooks in the notebooks folder, in reading order (``NN_topic``)."""
    return [p.stem for p in sorted(config.NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))]


def per_article_notebooks() -> list[str]:
    """The per-article sections: every notebook except the corpus ones, in reading order."""
    return [n for n in available_notebooks() if n not in CORPUS]


def __getattr__(name: str):
    # PER_ARTICLE and NOTEBOOKS follow the notebooks folder (a new notebook joins without a code change).
    if name == "PER_ARTICLE":
        return tuple(per_article_notebooks())
    if name == "NOTEBOOKS":
        return tuple(available_notebooks())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def notebook_parameters(name: str) -> dict[str, dict[str, str]]:
    """Parameters a notebook declares in its ``parameters`` cell: name -> type, default, help.

    The same answer as ``papermill.inspect_notebook`` for the cells of our notebooks (``name: type = literal
    # help``), read with :mod:`ast` and :mod:`tokenize`: importing papermill costs seconds per process.
    """
    import nbformat

    nb = nbformat.read(str(notebook_path(name)), as_version=4)
    cell = next((c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    return _declared_parameters(cell.source) if cell is not None else {}


def _declared_parameters(source: str) -> dict[str, dict[str, str]]:
    import ast
    import io as _io
    import tokenize

    comments: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(_io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, SyntaxError):
        pass
    out: dict[str, dict[str, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, annotation, value = node.target.id, ast.get_source_segment(source, node.annotation), node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, annotation, value = node.targets[0].id, None, node.value
        else:
            continue
        out[target] = {"type": annotation or "None",
                       "default": ast.get_source_segment(source, value) if value is not None else "",
                       "help": comments.get(node.end_lineno, "")}
    return out


def _codify(parameters: dict[str, Any]) -> str:
    """The injected-parameters cell (what papermill writes): one ``name = literal`` line per parameter."""
    # Strings as JSON (a valid Python literal, double-quoted as papermill writes them), others by repr.
    return "# Parameters\n" + "".join(f"{k} = {json.dumps(v) if isinstance(v, str) else repr(v)}\n"
                                       for k, v in parameters.items())


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
        Kept for callers of older versions: figures are always offline HTML now (see
        :func:`newsframe.kernel.setup_notebook`).

    Raises
    ------
    NewsframeError
        The notebook failed: the message names the notebook, the cell and the error.
    """
    nb = Path(notebook) if str(notebook).endswith(".ipynb") else notebook_path(str(notebook))
    _papermill(nb, Path(output), parameters=parameters or {}, timeout=timeout, cwd=cwd,
               where=lambda index, source: (nb.stem, _source_cell(Path(output), index, source)))
    return Path(output)


def _papermill(nb: Path, output: Path, *, parameters: dict[str, Any], timeout: int, cwd: str | Path | None,
               where: Callable[[int, str], tuple[str, tuple[int, str]]]) -> None:
    """papermill on this Python; a failure becomes one NewsframeError naming notebook and cell."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(nb), str(output), parameters=parameters, kernel_name="python3",
            cwd=str(cwd or config.NOTEBOOKS_DIR), execution_timeout=timeout, progress_bar=False,
            log_output=False, kernel_manager_class=_this_python_kernel_manager())
    except PapermillExecutionError as exc:
        msg = str(exc.evalue).strip().splitlines()[0] if str(exc.evalue).strip() else ""
        name, (cell, first_line) = where(exc.cell_index, exc.source)
        raise NewsframeError(f"notebook {name} failed in cell {cell} ({first_line!r}): "
                             f"{exc.ename}: {msg}") from None
    except Exception as exc:  # kernel died, timeout, ...: still name the notebook
        if type(exc).__name__ == "CellTimeoutError":
            raise NewsframeError(f"notebook {nb.stem}: a cell ran longer than {timeout} s "
                                 "(raise --timeout)") from None
        raise NewsframeError(f"notebook {nb.stem} failed: {type(exc).__name__}: "
                             f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''}") from None


def _first_code_line(source: str) -> str:
    lines = [ln for ln in (source or "").splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return lines[0][:60] if lines else ""


def _source_cell(executed: Path, index: int, source: str) -> tuple[int, str]:
    """Number (1-based, as in the notebook the user edits) and first code line of the failed cell.

    ``index`` counts cells of the executed notebook, which holds papermill's injected-parameters cell;
    papermill's error-marker cells in the written file are left out.
    """
    import nbformat

    first = _first_code_line(source)
    try:
        cells = nbformat.read(str(executed), as_version=4).cells
    except Exception:  # the output was not written: fall back to the executed index
        return index + 1, first
    cells = [c for c in cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    injected = sum(1 for c in cells[:index] if "injected-parameters" in c.get("metadata", {}).get("tags", []))
    return index + 1 - injected, first


# -- one kernel per process, reused for every report file -----------------------------------------

class _Kernel:
    """One ipykernel on this Python that runs report notebooks one after the other.

    papermill starts a kernel per notebook and writes the whole output notebook back to disk after every
    cell (0.3 s a cell once plotly.js and the charts are in it); a report set of a corpus runs hundreds of
    notebooks. Here a process starts its kernel once, runs each notebook's cells through nbclient with no
    intermediate saves, and clears the user namespace before the next file (``%reset -f``), so imports
    already made (pandas, plotly, newsframe) stay loaded and every file starts from clean variables.
    """

    def __init__(self, *, timeout: int, cwd: str | Path | None = None) -> None:
        import nbformat
        from nbclient import NotebookClient

        self._scratch = nbformat.v4.new_notebook()
        # The kernel imports what every section imports (kernel.warm_up) as it starts; the process that
        # started it goes on (building the tables, say) and connects when the first file runs.
        self.client = NotebookClient(self._scratch, km=_this_python_kernel_manager()(), timeout=timeout,
                                     kernel_name="python3", allow_errors=False, record_timing=False,
                                     startup_timeout=300,  # the warm-up runs before the kernel answers
                                     extra_arguments=["--IPKernelApp.exec_lines=import newsframe.kernel as _nfk; "
                                                      "_nfk.warm_up(); del _nfk"])
        self.client.start_new_kernel(cwd=str(cwd or config.NOTEBOOKS_DIR))
        self.connected = False
        self.files = 0

    def run(self, nb: Any, *, timeout: int, where: Callable[[int, str], tuple[str, tuple[int, str]]],
            name: str) -> None:
        """Execute every code cell of ``nb`` in place; each cell's seconds go to its ``newsframe`` metadata.

        Raises
        ------
        NewsframeError
            A cell failed (named by ``where(index, source)``), ran longer than ``timeout``, or the kernel died.
        """
        import nbformat
        from nbclient.exceptions import CellExecutionError, CellTimeoutError

        client = self.client
        client.timeout = timeout
        if not self.connected:
            client.start_new_kernel_client()  # waits until the kernel has started (and warmed up)
            self.connected = True
        if self.files:  # a clean namespace for the next file; loaded modules stay
            self._scratch.cells = [nbformat.v4.new_code_cell("get_ipython().run_line_magic('reset', '-f')")]
            client.nb = self._scratch
            client.execute_cell(self._scratch.cells[0], 0, store_history=False)
        self.files += 1
        client.nb = nb
        client.reset_execution_trackers()
        count = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            count += 1
            t0 = time.perf_counter()
            try:
                client.execute_cell(cell, index, execution_count=count)
            except CellExecutionError as exc:
                msg = str(exc.evalue).strip().splitlines()[0] if str(exc.evalue).strip() else ""
                notebook, (number, first_line) = where(index, cell.source)
                raise NewsframeError(f"notebook {notebook} failed in cell {number} ({first_line!r}): "
                                     f"{exc.ename}: {msg}") from None
            except CellTimeoutError:
                notebook, (number, _) = where(index, cell.source)
                raise NewsframeError(f"notebook {notebook}: cell {number} ran longer than {timeout} s "
                                     "(raise --timeout)") from None
            except Exception as exc:  # the kernel died, ...: still name the notebook
                notebook, _ = where(index, cell.source)
                raise NewsframeError(f"notebook {notebook} failed: {type(exc).__name__}: "
                                     f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''}") from None
            cell.metadata.setdefault("newsframe", {})["seconds"] = round(time.perf_counter() - t0, 3)
        nb.metadata.pop("widgets", None)

    def shutdown(self) -> None:
        """Stop the kernel (idempotent)."""
        client, self.client = self.client, None
        if client is None:
            return
        try:
            client._cleanup_kernel()
        except Exception:  # already gone: nothing to stop
            pass


# The kernel of this process (the parent with --jobs 1, each worker otherwise), started on first use.
_KERNEL: _Kernel | None = None


def _process_kernel(timeout: int) -> _Kernel:
    global _KERNEL
    if _KERNEL is None or _KERNEL.client is None:
        _KERNEL = _Kernel(timeout=timeout)
        import multiprocessing.util

        # A worker of the process pool stops its kernel when the pool shuts it down.
        multiprocessing.util.Finalize(None, _KERNEL.shutdown, exitpriority=10)
    return _KERNEL


def _stop_process_kernel() -> None:
    global _KERNEL
    if _KERNEL is not None:
        _KERNEL.shutdown()
        _KERNEL = None


# -- one report file: sections run in one kernel ---------------------------------------------------

@dataclass
class Section:
    """One notebook of a report file, with the values for its parameters."""

    notebook: str
    parameters: dict[str, Any]


@dataclass
class _Job:
    doc_id: str
    title: str
    sections: list[Section]
    out_html: Path
    work_dir: Path
    timeout: int
    keep_notebook: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def combine_sections(sections: Sequence[Section], *, title: str = "") -> Any:
    """One notebook holding ``sections`` in order, each with its parameter values injected after its own
    ``parameters`` cell (as papermill would), its cells marked with their notebook and 1-based number.

    With more than one section, a contents cell with links comes first and each section starts at an
    anchor named after its notebook.
    """
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    combined = new_notebook()
    many = len(sections) > 1
    if many and title:
        items = "\n".join(f'<li><a href="#{escape(s.notebook)}">{escape(SECTION_LABELS.get(s.notebook, s.notebook))}'
                          f"</a></li>" for s in sections)
        cell = new_markdown_cell(f"<h1>{escape(title)}</h1>\n\n<ul>\n{items}\n</ul>")
        combined.cells.append(cell)
    for section in sections:
        nb = nbformat.read(str(notebook_path(section.notebook)), as_version=4)
        if not combined.metadata:
            combined.metadata = nb.metadata
        if many:
            combined.cells.append(new_markdown_cell(f'<a id="{escape(section.notebook)}"></a>'))
        for number, cell in enumerate(nb.cells, start=1):
            cell.metadata["newsframe"] = {"notebook": section.notebook, "cell": number}
            combined.cells.append(cell)
            if "parameters" in cell.metadata.get("tags", []) and section.parameters:
                injected = new_code_cell(_codify(section.parameters))
                injected.metadata["tags"] = ["injected-parameters"]
                injected.metadata["newsframe"] = {"notebook": section.notebook, "cell": number}
                combined.cells.append(injected)
    return combined


def _dedupe_plotlyjs(nb: Any) -> int:
    """Keep the first output that carries plotly.js (from setup_notebook); drop the copies of later
    sections. Returns how many copies remain (0 or 1)."""
    seen = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if PLOTLYJS_MARK in out.get("metadata", {}):
                seen += 1
                if seen > 1:
                    continue
            kept.append(out)
        cell.outputs = kept
    return min(seen, 1)


def _section_stats(nb: Any) -> dict[str, dict[str, float]]:
    """Charts and cell seconds of each section of an executed combined notebook."""
    stats: dict[str, dict[str, float]] = {}
    for cell in nb.cells:
        name = cell.metadata.get("newsframe", {}).get("notebook")
        if not name:
            continue
        s = stats.setdefault(name, {"n_charts": 0, "seconds": 0.0})
        s["seconds"] += float(cell.metadata["newsframe"].get("seconds")
                              or cell.metadata.get("papermill", {}).get("duration") or 0.0)
        for out in cell.get("outputs", []):
            s["n_charts"] += str(out.get("data", {}).get("text/html", "")).count('class="plotly-graph-div"')
    return stats


# The two accessibility edits nbconvert's HTMLExporter makes with BeautifulSoup, done on the text instead.
_FOCUSABLE_DIV = re.compile(
    r'(<div\b[^>]*\bclass="(?:[^"]*\s)?(?:jp-OutputArea-output|jp-Cell-inputWrapper)(?=[\s"])[^"]*")')
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)")


def _report_exporter_class(html_exporter: type) -> type:
    """nbconvert's HTMLExporter without its BeautifulSoup pass over the finished page.

    After templating, ``HTMLExporter.from_notebook_node`` parses the whole page with BeautifulSoup (html.parser)
    to give images a missing ``alt`` and make outputs focusable (``tabindex="0"``), then serialises it again:
    2-3 s for a 2.5 MB report page, most of its export time. The same two edits are made here on the text
    (outputs and the input wrappers, which in a report hold only the markdown cells).
    """
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportHTMLExporter(html_exporter):
        def from_notebook_node(self, nb: Any, resources: dict | None = None, **kw: Any):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            body = _FOCUSABLE_DIV.sub(r'\1 tabindex="0"', body)
            body = _IMG_WITHOUT_ALT.sub('<img alt="No description has been provided for this image"', body)
            return body, resources

    return ReportHTMLExporter


_EXPORTERS: dict[str, Any] = {}


def _exporter():
    """The HTML exporter of the offline template, built once per process (loading the template costs more
    than exporting a file)."""
    key = str(TEMPLATE_DIR)
    if key not in _EXPORTERS:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor
        from traitlets.config import Config

        c = Config()
        c.TemplateExporter.exclude_input = True
        c.TemplateExporter.exclude_input_prompt = True
        c.TemplateExporter.exclude_output_prompt = True
        c.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_TAGS)
        c.TagRemovePreprocessor.enabled = True
        exporter = _report_exporter_class(HTMLExporter)(config=c, template_name=TEMPLATE_NAME,
                                                         extra_template_basedirs=[key])
        exporter.register_preprocessor(TagRemovePreprocessor(config=c), enabled=True)
        _EXPORTERS[key] = exporter
    return _EXPORTERS[key]


def export_html(executed: str | Path | Any, output: str | Path, *, title: str = "") -> Path:
    """Export an executed notebook (a path or a notebook object) to self-contained HTML without code and
    without parameter cells, with the offline template ``templates/newsframe_report``."""
    import nbformat

    exporter = _exporter()
    if isinstance(executed, (str, Path)):
        name = title or Path(executed).stem
        nb = nbformat.read(str(executed), as_version=4)
    else:
        nb, name = executed, title or "newsframe report"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    Path(output).write_text(body, encoding="utf-8")
    return Path(output)


def _run_job(job: _Job) -> list[dict[str, Any]]:
    # One report file: combine its sections, run them in one kernel, export. Runs in a worker process
    # when --jobs > 1.
    import nbformat

    t0 = time.perf_counter()
    nb = combine_sections(job.sections, title=job.title)
    stem = job.out_html.stem

    def where(index: int, src: str) -> tuple[str, tuple[int, str]]:
        meta = nb.cells[index].metadata.get("newsframe", {}) if 0 <= index < len(nb.cells) else {}
        return meta.get("notebook", stem), (meta.get("cell", index + 1), _first_code_line(src))

    kernel = _process_kernel(job.timeout)  # started once per process, reused by the next file
    kernel.run(nb, timeout=job.timeout, where=where, name=stem)
    _dedupe_plotlyjs(nb)
    stats = _section_stats(nb)
    export_html(nb, job.out_html, title=job.title)
    if job.keep_notebook:
        nbformat.write(nb, str(job.out_html.with_suffix(".ipynb")))
    total = round(time.perf_counter() - t0, 2)
    rel = job.out_html.relative_to(job.extra["root"]).as_posix()
    return [{"doc_id": job.doc_id, "notebook": s.notebook, "title": job.title, "html": rel,
             "n_charts": int(stats.get(s.notebook, {}).get("n_charts", 0)),
             "seconds": round(stats.get(s.notebook, {}).get("seconds", 0.0), 2), "_file_seconds": total}
            for s in job.sections]


# -- the report set --------------------------------------------------------------------------------

def choose_articles(doc_ids: Sequence[str], per_article: str | None) -> list[str]:
    """The articles that get a report file.

    Parameters
    ----------
    doc_ids
        Every article of the input, in order.
    per_article
        ``None``: every article when the input is one article, none for a corpus; ``"all"``; ``"none"``
        (or ``"0"``); a number ``N`` (the first N); or ids separated by commas.

    Raises
    ------
    NewsframeError
        An id not in the input, or a negative number.
    """
    ids = list(doc_ids)
    if per_article is None:
        return ids if len(ids) == 1 else []
    value = str(per_article).strip()
    if value.lower() == "all":
        return ids
    if value.lower() in ("none", ""):
        return []
    if value.isdigit():
        return ids[:int(value)]
    if value.startswith("-") and value[1:].isdigit():
        raise NewsframeError(f"--per-article: {value} is negative; use all, N, or article ids")
    wanted = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [w for w in wanted if w not in set(ids)]
    if unknown:
        raise NewsframeError(f"--per-article: no article {', '.join(map(repr, unknown))} in the input; "
                             f"ids: {', '.join(ids[:10])}{' ...' if len(ids) > 10 else ''}")
    return wanted


def _analysis_options(params: dict[str, Any]) -> dict[str, Any]:
    """The notebook parameters that are analysis options (lexicon paths, thresholds: the option names of
    :mod:`newsframe.stages`); values left at their defaults are dropped."""
    from . import stages

    valid = set(stages.options())
    return {k: v for k, v in _options(params).items() if k in valid}


def build_tables(source: Path, out_dir: Path, *, options: dict[str, Any] | None = None, jobs: int = 1,
                 batch_size: int | None = None) -> Path:
    """Analyse ``source`` once through the corpus engine (:func:`newsframe.engine.run`): batches of
    documents, each table written as one Parquet partition per batch (``out_dir/<table>/part-NNNNN.parquet``),
    so memory holds only the batches in flight however large the corpus. ``jobs`` worker processes (a
    one-batch input runs in this process). Returns ``out_dir``."""
    from . import engine

    kwargs = {} if batch_size is None else {"batch_size": batch_size}
    engine.run(source, out_dir, fmt="parquet", jobs=jobs, options=options or {}, progress=False, **kwargs)
    return out_dir


def render_reports(source: str | Path, out_dir: str | Path, *, notebooks: Sequence[str] | None = None,
                   per_article: str | None = None, parameters: dict[str, str] | None = None, jobs: int = 1,
                   timeout: int = 600, keep_notebooks: bool = False, tables: str | Path | None = None,
                   force: bool = False, strict: bool = False,
                   progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Render the reports for ``source`` into ``out_dir``: the corpus report, article files, ``index.html``.

    Parameters
    ----------
    source
        Article file, folder of articles, or JSONL/CSV corpus.
    out_dir
        Folder for the reports: new, empty, or written by newsframe before (its files are replaced); see
        :func:`newsframe.outputs.claim_output`.
    notebooks
        Names of the notebooks to run (default: all in the notebooks folder).
    per_article
        Which articles get their own report file (see :func:`choose_articles`): default every article
        of a one-article input, none of a corpus.
    parameters
        ``NAME -> VALUE`` strings from ``-p``; each goes to the notebooks that declare ``NAME``, converted
        to the declared type; analysis options among them (``gazetteer_path``, ...) apply to the tables.
    jobs
        Report files built in parallel (separate processes).
    timeout
        Seconds any one cell may run.
    keep_notebooks
        Also keep the executed ``.ipynb`` beside each HTML file.
    tables
        A tables folder already built for ``source`` (``<table>/part-*.parquet``): used instead of
        analysing again. Default: analyse in this process and write ``out_dir/tables``.
    force
        Write into a folder holding other files (they are kept, never replaced).
    strict
        Stop at the first bad record of a corpus (an error, nothing written) instead of skipping it.
    progress
        Called with one line per finished report file (default: print to stderr).

    Returns
    -------
    pandas.DataFrame
        The ``reports`` table (see :mod:`newsframe.schema`): one row per section of every report file.

    Raises
    ------
    NewsframeError
        Bad input, unknown notebook, article or parameter, or a notebook that failed (named with its cell).
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
    docs, skipped = io.read_documents(source, strict=strict)
    if len(skipped):
        progress(f"warning: skipped {len(skipped)} bad record(s) (first: {skipped['record'].iloc[0]}: "
                 f"{skipped['reason'].iloc[0]})")
    articles = choose_articles(list(docs["doc_id"]), per_article)
    declared = {n: notebook_parameters(n) for n in names}
    user = dict(parameters or {})
    unknown = sorted(k for k in user if not any(k in d for d in declared.values()))
    if unknown:
        known = sorted({k for d in declared.values() for k in d})
        raise NewsframeError(f"unknown parameter(s) {', '.join(unknown)}; these notebooks take: {', '.join(known)}")
    for fixed in ("input_path", "tables_path", "doc_id"):
        if fixed in user:
            raise NewsframeError(f"{fixed} is set by render itself, not by -p")
    typed = {}
    for key, value in user.items():
        decl = next(d[key] for d in declared.values() if key in d)
        typed[key] = _coerce(value, decl["type"], name=key)
    if tables is not None and not Path(tables).expanduser().is_dir():
        raise NewsframeError(f"{tables}: no such tables folder")

    from .outputs import claim_output

    out_dir = Path(out_dir).expanduser().resolve()
    # The output policy (newsframe.outputs): new, empty or newsframe-written folder, locked, staged inside it.
    with claim_output(out_dir, inputs=[source], force=force, command="render", meta={"input": str(source)}) as staging:
        wants_tables = any("tables_path" in declared[n] for n in names)
        if tables is None and not wants_tables:
            tables_dir = final_tables = None  # no notebook reads tables: nothing to analyse here
        elif tables is None:
            tables_dir, final_tables = staging / "tables", out_dir / "tables"
        else:
            tables_dir = final_tables = Path(tables).expanduser().resolve()
        # The notebooks read the tables from the staging folder (filled below, before any notebook runs).
        job_list = _plan(docs, names, declared, typed, articles, staging, tables_dir, source, timeout,
                         keep_notebooks)
        in_process = jobs == 1 or len(job_list) == 1
        try:
            if in_process:
                # Start the kernel now: it starts and imports pandas, plotly and newsframe on the other
                # core while this process builds the tables.
                _process_kernel(timeout)
            if tables is None and wants_tables:
                t0 = time.perf_counter()
                build_tables(source, tables_dir, options=_analysis_options(typed), jobs=jobs)
                progress(f"tables: {len(docs)} article(s) analysed in {time.perf_counter() - t0:.1f} s")
            rows = _execute(job_list, jobs, progress)
        finally:
            if in_process:
                _stop_process_kernel()
        reports = pd.DataFrame(rows)
        file_seconds = reports.drop_duplicates("html").set_index("html")["_file_seconds"].to_dict()
        reports = reports.drop(columns="_file_seconds")
        _write_index(staging / "index.html", reports, source=source, docs=docs, parameters=user,
                     file_seconds=file_seconds, tables=final_tables)
        (staging / "reports.json").write_text(json.dumps({
            "input": str(source), "parameters": user, "versions": versions(),
            "reports": reports.to_dict("records")}, indent=1), encoding="utf-8")
        (staging / "_work").rmdir()
    reports["html"] = [str(out_dir / h) for h in reports["html"]]
    return schema.conform(reports, "reports")


def _plan(docs: pd.DataFrame, names: list[str], declared: dict, typed: dict, articles: list[str],
          staging: Path, tables_dir: Path | None, source: Path, timeout: int, keep: bool) -> list[_Job]:
    """One job per article file (its per-article sections) plus one per corpus notebook; a one-article
    input's corpus sections join its article file (one plotly.js copy for the whole set)."""
    work = staging / "_work"
    work.mkdir()
    corpus_names = [n for n in names if n in CORPUS]
    article_names = [n for n in names if n not in CORPUS]
    single = len(docs) == 1
    jobs: list[_Job] = []
    if articles and article_names:
        (staging / "articles").mkdir()
    titles = dict(zip(docs["doc_id"], docs["title"]))
    for doc_id in articles:
        sections = []
        for name in article_names:
            if name == VALIDATION and not _has_gold(typed, docs, doc_id):
                continue  # no gold annotations: the validation section is left out
            sections.append(Section(name, _params_for(declared[name], typed, source=source, doc_id=doc_id,
                                                      tables_dir=tables_dir)))
        if single:
            sections += [Section(n, _params_for(declared[n], typed, source=source, doc_id="", tables_dir=tables_dir))
                         for n in corpus_names]
        if sections:
            jobs.append(_Job(doc_id, str(titles[doc_id]), sections, staging / "articles" / f"{doc_id}.html", work,
                             timeout, keep, {"root": staging}))
    if not (single and articles and article_names):
        title = f"{len(docs)} articles" if not single else str(docs["title"].iloc[0])
        for name in corpus_names:
            jobs.append(_Job("", title, [Section(name, _params_for(declared[name], typed, source=source, doc_id="",
                                                                   tables_dir=tables_dir))],
                             staging / f"{name}.html", work, timeout, keep, {"root": staging}))
    if not jobs:
        raise NewsframeError("nothing to render: no notebook applies (check --notebooks and --per-article)")
    return jobs


def _has_gold(typed: dict, docs: pd.DataFrame, doc_id: str) -> bool:
    """Whether the validation section has something to validate: a gold file or a coded corpus given, or
    the bundled seed (which has gold mentions)."""
    if typed.get("gold_path") or typed.get("coded_frames_path"):
        return True
    one = SimpleNamespace(documents=docs[docs["doc_id"] == doc_id].reset_index(drop=True))
    return resolve_gold(one) is not None


def _params_for(declared: dict, typed: dict, *, source: Path, doc_id: str, tables_dir: Path | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if "input_path" in declared:
        params["input_path"] = str(source)
    if doc_id and "doc_id" in declared:
        params["doc_id"] = doc_id
    if "tables_path" in declared and tables_dir is not None:
        params["tables_path"] = str(tables_dir)
    params.update({k: v for k, v in typed.items() if k in declared})
    return params


def _execute(job_list: list[_Job], jobs: int, progress: Callable[[str], None]) -> list[dict]:
    rows: list[dict] = []
    total = len(job_list)
    done = 0

    def _line(file_rows: list[dict]) -> str:
        first = file_rows[0]
        charts = sum(r["n_charts"] for r in file_rows)
        return (f"[{done}/{total}] {first['html']}: {len(file_rows)} section(s), {charts} chart(s), "
                f"{first['_file_seconds']:.1f} s")

    if jobs == 1 or total == 1:
        for job in job_list:  # in this process, on its one kernel
            file_rows = _run_job(job)
            rows += file_rows
            done += 1
            progress(_line(file_rows))
        return rows
    with ProcessPoolExecutor(max_workers=min(jobs, total)) as pool:
        futures = {pool.submit(_run_job, job): job for job in job_list}
        try:
            for fut in as_completed(futures):
                file_rows = fut.result()  # a NewsframeError from a worker is re-raised here
                rows += file_rows
                done += 1
                progress(_line(file_rows))
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return rows


def versions() -> dict[str, str]:
    """Versions of newsframe, Python, the packages and the target-sentiment model behind a report."""
    out = _kernel_versions()
    try:
        from . import toward

        path = Path(toward.default_model_path())
        encoder = "frozen all-MiniLM-L6-v2 features (torch)" if "minilm" in path.name else "word features only"
        out["target-sentiment model"] = f"{path.name}: {encoder}"
    except (ImportError, AttributeError, NewsframeError) as exc:  # an older toward module: say so
        out["target-sentiment model"] = f"unknown ({type(exc).__name__})"
    return out


def _write_index(path: Path, reports: pd.DataFrame, *, source: Path, docs: pd.DataFrame,
                 parameters: dict[str, str], file_seconds: dict[str, float], tables: Path | None) -> None:
    """The landing page: links to every report, the input, the parameters and the versions."""
    e = escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>newsframe reports</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;"
             "line-height:1.45}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;"
             "text-align:left;vertical-align:top}code{background:#f4f4f4}</style></head><body>",
             "<h1>newsframe reports</h1>",
             f"<p>Input: <code>{e(source)}</code> ({len(docs)} article{'s' if len(docs) != 1 else ''}); "
             f"rendered {e(time.strftime('%Y-%m-%d %H:%M:%S %Z'))}."
             + (f" Tables behind the reports (Parquet): <code>{e(tables)}</code>." if tables else "") + "</p>"]
    parts.append("<h2>Reports</h2><table><tr><th>article</th><th>report file</th><th>sections</th>"
                 "<th>charts</th><th>seconds</th></tr>")
    for html_path, group in reports.groupby("html", sort=False):
        row = group.iloc[0]
        article = "all articles" if row.doc_id == "" and len(docs) > 1 else row.title
        sections = "<br>".join(f'<a href="{e(html_path)}#{e(n)}">{e(SECTION_LABELS.get(n, n))}</a>'
                               if len(group) > 1 else e(SECTION_LABELS.get(n, n)) for n in group["notebook"])
        parts.append(f"<tr><td>{e(article)}</td><td><a href=\"{e(html_path)}\">{e(html_path)}</a></td>"
                     f"<td>{sections}</td><td>{int(group['n_charts'].sum())}</td>"
                     f"<td>{float(file_seconds.get(html_path, 0.0)):.1f}</td></tr>")
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

