"""The :class:`Analysis` object: every table for one input, computed on first use.

``analyze(source)`` loads and parses the input; the other tables (mentions, sentiment, frames, ...) are
built on first use by the stages declared in :mod:`newsframe.stages`, after the tables they require, so a
notebook that only needs tokens pays only for tokens. Options are checked against the declarations up front.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from . import io, parse, stages
from .errors import NewsframeError


class Analysis:
    """All tables for a set of documents. Tables are attributes (``a.sentences``) and ``a[name]``.

    Parameters
    ----------
    documents
        The ``documents`` table from :func:`newsframe.io.load_documents`.
    **options
        Stage options (lexicon paths, thresholds; see :mod:`newsframe.stages` or the README's option list).
        ``None`` or ``""`` means the package default; an unknown option raises :class:`NewsframeError`.
    """

    def __init__(self, documents: pd.DataFrame, **options: Any) -> None:
        self.options: dict[str, Any] = stages.resolve_options(options)
        docs, paragraphs, sentences, tokens = parse.parse_documents(documents)
        self._tables: dict[str, pd.DataFrame] = {
            "documents": docs, "paragraphs": paragraphs, "sentences": sentences, "tokens": tokens,
        }

    # -- access -------------------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """The table ``name`` (see :mod:`newsframe.schema`), built on first use with what it requires."""
        if name not in self._tables:
            for stage in stages.build_order([name]):
                if any(t not in self._tables for t in stage.makes):
                    self._tables.update(stages.run_stage(stage, self._tables, self.options))
        return self._tables[name]

    __getitem__ = table

    def __getattr__(self, name: str) -> pd.DataFrame:
        # Only called when normal lookup fails: expose tables as attributes.
        if name.startswith("_") or name not in stages.table_names():
            raise AttributeError(name)
        return self.table(name)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.table_names()))

    @staticmethod
    def table_names() -> list[str]:
        """Names of every table written out (internal tables such as embeddings are left out)."""
        return stages.table_names(internal=False)

    @property
    def text(self) -> dict[str, str]:
        """Document texts by doc_id (offsets in every table point into these)."""
        return dict(zip(self._tables["documents"]["doc_id"], self._tables["documents"]["text"]))

    def __repr__(self) -> str:
        d = self._tables["documents"]
        return (f"<Analysis {len(d)} document(s), {int(d['n_sentences'].sum())} sentences, "
                f"{int(d['n_words'].sum())} words; tables: {', '.join(self.table_names())}>")

    # -- output -------------------------------------------------------------------------------------
    def write_tables(self, out_dir: str | Path, *, fmt: str = "csv", tables: list[str] | None = None) -> list[Path]:
        """Write one file per table into ``out_dir`` (``sentences.csv``, ...), all or nothing.

        Files are written into a temporary folder beside ``out_dir`` and moved into place only when every
        table was written, so a failure never leaves a half-written folder.
        """
        if fmt not in ("csv", "parquet"):
            raise NewsframeError(f"unknown format {fmt!r}: use csv or parquet")
        names = tables or self.table_names()
        frames = {name: self.table(name) for name in names}  # compute everything before touching the disk
        out_dir = Path(out_dir)
        if out_dir.exists() and not out_dir.is_dir():
            raise NewsframeError(f"{out_dir}: exists and is not a folder")
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
        try:
            written = []
            for name, frame in frames.items():
                path = staging / f"{name}.{fmt}"
                if fmt == "csv":
                    frame.to_csv(path, index=False)
                else:
                    frame.to_parquet(path, index=False)
                written.append(out_dir / path.name)
            replace_dir(staging, out_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return written


def replace_dir(staging: Path, target: Path) -> None:
    """Move the finished folder ``staging`` to ``target``, replacing an older ``target`` in one step."""
    target = Path(target)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # mkdtemp makes it private; outputs are meant to be shared
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.replace(target, old / "x")
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, target)


def analyze(source: str | Path | pd.DataFrame | list[str], *, max_chars: int | None = None,
            **options: Any) -> Analysis:
    """Load and parse ``source`` (text, file, folder or corpus) and return an :class:`Analysis`.

    Examples
    --------
    >>> a = analyze("Putin met Erdogan in Ankara. They spoke for two hours.")
    >>> len(a.sentences)
    2
    """
    return Analysis(io.load_documents(source, max_chars=max_chars), **options)
