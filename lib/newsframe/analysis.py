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

from . import io, parse, schema, stages
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

    def __init__(self, documents: pd.DataFrame, *, skipped: pd.DataFrame | None = None, **options: Any) -> None:
        self.options: dict[str, Any] = stages.resolve_options(options)
        docs, paragraphs, sentences, tokens = parse.parse_documents(documents)
        self._tables: dict[str, pd.DataFrame] = {
            "documents": docs, "paragraphs": paragraphs, "sentences": sentences, "tokens": tokens,
            # records of a corpus left out as bad (newsframe.io.read_documents); made by loading, not a stage
            "skipped": schema.empty("skipped") if skipped is None else schema.conform(skipped, "skipped"),
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
        if name.startswith("_") or name not in stages.table_names() + list(LOADED_TABLES):
            raise AttributeError(name)
        return self.table(name)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.table_names()))

    @staticmethod
    def table_names() -> list[str]:
        """Names of every table written out (internal tables such as embeddings are left out)."""
        return stages.table_names(internal=False) + list(LOADED_TABLES)

    @property
    def text(self) -> dict[str, str]:
        """Document texts by doc_id (offsets in every table point into these)."""
        return dict(zip(self._tables["documents"]["doc_id"], self._tables["documents"]["text"]))

    def __repr__(self) -> str:
        d = self._tables["documents"]
        return (f"<Analysis {len(d)} document(s), {int(d['n_sentences'].sum())} sentences, "
                f"{int(d['n_words'].sum())} words; tables: {', '.join(self.table_names())}>")

    # -- output -------------------------------------------------------------------------------------
    def write_tables(self, out_dir: str | Path, *, fmt: str = "csv", tables: list[str] | None = None,
                     force: bool = False) -> list[Path]:
        """Write one file per table into ``out_dir`` (``sentences.csv``, ...), all or nothing.

        ``out_dir`` follows :func:`newsframe.outputs.claim_output`: a new, empty or newsframe-written folder
        (``force=True`` writes beside other files, never over them); files are staged and moved into place
        only when every table was written, so a failure never leaves a half-written folder.
        """
        from .outputs import claim_output

        if fmt not in ("csv", "parquet"):
            raise NewsframeError(f"unknown format {fmt!r}: use csv or parquet")
        names = tables or self.table_names()
        for name in names:  # compute everything before touching the disk
            self.table(name)
        with claim_output(out_dir, force=force, command="tables",
                          expect=[f"{name}.{fmt}" for name in names]) as staging:
            written = self.write_table_files(staging, fmt=fmt, tables=names)
        return [Path(out_dir) / p.name for p in written]

    def write_table_files(self, folder: str | Path, *, fmt: str = "csv", tables: list[str] | None = None
                          ) -> list[Path]:
        """Write one file per table into the existing ``folder`` (no output policy: a staging folder)."""
        written = []
        for name in tables or self.table_names():
            path = Path(folder) / f"{name}.{fmt}"
            frame = self.table(name)
            if fmt == "csv":
                frame.to_csv(path, index=False)
            else:
                frame.to_parquet(path, index=False)
            written.append(path)
        return written


def replace_dir(staging: Path, target: Path) -> None:
    """Move the finished folder ``staging`` to ``target``, replacing an older ``target`` in one step.

    Used by the corpus engine inside a folder claimed with :func:`newsframe.outputs.claim_output` (which
    decides what may be replaced); do not call it on a user's folder.
    """
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


# Tables made while loading the input rather than by a stage (see newsframe.io.read_documents).
LOADED_TABLES = ("skipped",)


def analyze(source: str | Path | pd.DataFrame | list[str], *, max_chars: int | None = None,
            strict: bool = False, **options: Any) -> Analysis:
    """Load and parse ``source`` (text, file, folder or corpus) and return an :class:`Analysis`.

    Examples
    --------
    >>> a = analyze("Putin met Erdogan in Ankara. They spoke for two hours.")
    >>> len(a.sentences)
    2
    """
    documents, skipped = io.read_documents(source, max_chars=max_chars, strict=strict)
    return Analysis(documents, skipped=skipped, **options)
