"""The :class:`Analysis` object: every table for one input, computed on first use.

``analyze(source)`` loads and parses the input; the other tables (mentions, sentiment, frames, ...) are
built lazily by the stage modules the first time they are read, so a notebook that only needs tokens pays
only for tokens. Table builders are registered in :data:`BUILDERS` (name -> function of the Analysis).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from . import io, parse, schema
from .errors import NewsframeError


class Analysis:
    """All tables for a set of documents. Tables are attributes (``a.sentences``) and ``a[name]``.

    Parameters
    ----------
    documents
        The ``documents`` table from :func:`newsframe.io.load_documents`.
    options
        Paths and thresholds the stage builders read (``gazetteer``, ``frames_policy``, ...); ``None``
        means the package default.
    """

    def __init__(self, documents: pd.DataFrame, **options: Any) -> None:
        self.options: dict[str, Any] = options
        docs, paragraphs, sentences, tokens = parse.parse_documents(documents)
        self._tables: dict[str, pd.DataFrame] = {
            "documents": docs, "paragraphs": paragraphs, "sentences": sentences, "tokens": tokens,
        }

    # -- access -------------------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """The table ``name`` (see :mod:`newsframe.schema`), built on first use."""
        if name not in self._tables:
            if name not in BUILDERS:
                raise NewsframeError(f"unknown table {name!r}; known: {', '.join(self.table_names())}")
            self._tables[name] = BUILDERS[name](self)
        return self._tables[name]

    __getitem__ = table

    def __getattr__(self, name: str) -> pd.DataFrame:
        # Only called when normal lookup fails: expose tables as attributes.
        if name.startswith("_") or name not in self.table_names():
            raise AttributeError(name)
        return self.table(name)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.table_names()))

    @staticmethod
    def table_names() -> list[str]:
        """Names of every table this version can build, in schema order."""
        return [t for t in schema.TABLES if t in ("documents", "paragraphs", "sentences", "tokens") or t in BUILDERS]

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


# -- table builders: one per table beyond the parse tables; each stage module registers its own here -----
Builder = Callable[[Analysis], pd.DataFrame]
BUILDERS: dict[str, Builder] = {}

# Each stage registers its builders in its own block below (imports inside the functions keep import cheap).

# --- actors ---
def _build_mentions(a: Analysis) -> pd.DataFrame:
    from .actors import find_mentions
    return find_mentions(a.documents, a.tokens, gazetteer=a.options.get("gazetteer"))


def _build_actors(a: Analysis) -> pd.DataFrame:
    from .actors import summarize_actors
    return summarize_actors(a.table("mentions"), a.sentences)


def _build_cooccurrence(a: Analysis) -> pd.DataFrame:
    from .actors import count_cooccurrence
    return count_cooccurrence(a.table("mentions"))


def _build_actions(a: Analysis) -> pd.DataFrame:
    from .actors import find_actions
    return find_actions(a.table("mentions"), a.tokens, a.documents)


BUILDERS["mentions"] = _build_mentions
BUILDERS["actors"] = _build_actors
BUILDERS["cooccurrence"] = _build_cooccurrence
BUILDERS["actions"] = _build_actions

# --- sentiment ---
def _build_sentiment(a: Analysis) -> pd.DataFrame:
    from .sentiment import score_sentences
    return score_sentences(a.sentences)


def _build_sentiment_evidence(a: Analysis) -> pd.DataFrame:
    from .sentiment import sentiment_evidence
    return sentiment_evidence(a.sentences)


def _build_tone(a: Analysis) -> pd.DataFrame:
    from .sentiment import score_tone
    return score_tone(a.documents, a.paragraphs, a.tokens, lexicon=a.options.get("tone_lexicon") or "vader")


BUILDERS["sentiment"] = _build_sentiment
BUILDERS["sentiment_evidence"] = _build_sentiment_evidence
BUILDERS["tone"] = _build_tone


def _build_actor_sentiment(a: Analysis) -> pd.DataFrame:
    from .toward import score_actor_sentiment
    return score_actor_sentiment(a.table("mentions"), a.sentences, a.table("sentiment"),
                                 model=a.options.get("toward_model"))


BUILDERS["actor_sentiment"] = _build_actor_sentiment

# --- frames ---
def _frames_builder(name: str) -> Builder:
    def build(a: Analysis) -> pd.DataFrame:
        from . import frames
        return frames.build_table(a, name)
    return build


for _name in ("frames_generic", "frame_hits", "frames_policy", "hedges", "labels"):
    BUILDERS[_name] = _frames_builder(_name)

# --- attribution ---
def _build_attributions(a: Analysis) -> pd.DataFrame:
    from .attribution import find_attributions
    # Speakers are actor mentions; without the actor stage there is nobody to attribute speech to.
    mentions = a.table("mentions") if "mentions" in BUILDERS else None
    return find_attributions(a.sentences, a.tokens, mentions, lexicon=a.options.get("speech_verbs"),
                             documents=a.documents)


BUILDERS["attributions"] = _build_attributions
