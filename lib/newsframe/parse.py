"""Paragraphs, sentences and tokens with exact character offsets.

* Paragraphs: blocks separated by blank lines when the text has any, else one paragraph per non-empty line.
* Sentences: NLTK's Punkt algorithm with parameters of our own (abbreviations from ``data/abbreviations.csv``;
  no downloaded model), applied within each paragraph, so a sentence never spans two paragraphs.
* Tokens: a regular expression that keeps abbreviations (U.S.), numbers (3.5, 1,000, 30%), hyphenated words
  and contractions together, and splits the possessive ``'s``.

Every row has ``start``/``end`` with ``text[start:end] == row.text``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
from nltk.stem import PorterStemmer
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from . import config, schema

_BLANK_LINE = re.compile(r"(?:\r\n|\r|\n)[ \t\f\v\u00a0]*(?:\r\n|\r|\n)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TOKEN = re.compile(
    r"""
    (?:[^\W\d_]\.){2,}(?![^\W\d_])                 # U.S.  a.m.  U.K.
    | \d+(?:[.,:/]\d+)*(?:%|st\b|nd\b|rd\b|th\b|s\b)?   # 2022  3.5  1,000  30%  1990s
    | [^\W\d_]+(?:[-'’][^\W\d_]+)*(?=['’][sS]\b)    # word before a possessive 's
    | ['’][sS]\b                                   # possessive 's
    | [^\W_]+(?:[-'’][^\W_]+)*                      # words: face-to-face, don't, Erdoğan
    | \S                                           # any other visible character
    """,
    re.VERBOSE,
)
_ALPHA = re.compile(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*\.?")
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
_CLITIC = re.compile(r"['’][sS]")


@lru_cache(maxsize=4)
def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """Stop words from ``data/stopwords.csv`` (column ``word``), lower case."""
    frame = pd.read_csv(path or config.STOPWORDS_PATH, dtype=str, keep_default_na=False)
    return frozenset(w.strip().lower() for w in frame["word"] if w.strip())


@lru_cache(maxsize=4)
def _sentence_tokenizer(path: str | Path | None = None) -> PunktSentenceTokenizer:
    frame = pd.read_csv(path or config.ABBREVIATIONS_PATH, dtype=str, keep_default_na=False)
    params = PunktParameters()
    params.abbrev_types = {a.strip().lower().rstrip(".") for a in frame["abbreviation"] if a.strip()}
    return PunktSentenceTokenizer(params)


_stemmer = PorterStemmer()


@lru_cache(maxsize=100_000)
def _stem(lower: str) -> str:
    return _stemmer.stem(lower)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph, whitespace trimmed, empty blocks dropped."""
    splitter = _BLANK_LINE if _BLANK_LINE.search(text) else _LINE_BREAK
    spans, pos = [], 0
    for m in splitter.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        s, e = _trimmed(text, s, e)
        if e > s:
            out.append((s, e))
    return out


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence within ``text[start:end]`` (offsets into ``text``)."""
    end = len(text) if end is None else end
    chunk = text[start:end]
    spans = []
    for s, e in _sentence_tokenizer().span_tokenize(chunk):
        s, e = _trimmed(chunk, s, e)
        if e > s:
            spans.append((start + s, start + e))
    return spans or ([(start, end)] if chunk.strip() else [])


def token_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each token within ``text[start:end]`` (offsets into ``text``)."""
    end = len(text) if end is None else end
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def is_word(token: str) -> bool:
    """A token that counts as a word: has a letter or digit and is not the possessive clitic."""
    return bool(_HAS_WORD_CHAR.search(token)) and not _CLITIC.fullmatch(token)


def parse_paragraphs(documents: pd.DataFrame) -> pd.DataFrame:
    """The ``paragraphs`` table: doc_id, paragraph_id, start, end, n_sentences, text.

    ``n_sentences`` is filled in by :func:`parse_documents`; here it is 0.
    """
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        for pid, (s, e) in enumerate(paragraph_spans(text), start=1):
            rows.append((doc_id, pid, s, e, 0, text[s:e]))
    return _frame(rows, "paragraphs")


def parse_sentences(documents: pd.DataFrame, paragraphs: pd.DataFrame) -> pd.DataFrame:
    """The ``sentences`` table: doc_id, sentence_id, paragraph_id, start, end, n_words, text."""
    texts = dict(zip(documents["doc_id"], documents["text"]))
    rows = []
    counters: dict[str, int] = {}
    for doc_id, pid, ps, pe in zip(paragraphs["doc_id"], paragraphs["paragraph_id"], paragraphs["start"],
                                   paragraphs["end"]):
        text = texts[doc_id]
        for s, e in sentence_spans(text, ps, pe):
            counters[doc_id] = counters.get(doc_id, 0) + 1
            n_words = sum(1 for ts, te in token_spans(text, s, e) if is_word(text[ts:te]))
            rows.append((doc_id, counters[doc_id], pid, s, e, n_words, text[s:e]))
    return _frame(rows, "sentences")


def parse_tokens(documents: pd.DataFrame, sentences: pd.DataFrame, *, stopwords: frozenset[str] | None = None
                 ) -> pd.DataFrame:
    """The ``tokens`` table (see :mod:`newsframe.schema`): one row per token, with offsets and flags."""
    stop = load_stopwords() if stopwords is None else stopwords
    texts = dict(zip(documents["doc_id"], documents["text"]))
    cols: dict[str, list] = {c: [] for c in schema.columns("tokens")}
    counters: dict[str, int] = {}
    for doc_id, sid, pid, ss, se in zip(sentences["doc_id"], sentences["sentence_id"], sentences["paragraph_id"],
                                        sentences["start"], sentences["end"]):
        text = texts[doc_id]
        n = counters.get(doc_id, 0)
        for s, e in token_spans(text, ss, se):
            tok = text[s:e]
            lower = tok.lower().replace("’", "'")
            n += 1
            cols["doc_id"].append(doc_id)
            cols["token_id"].append(n)
            cols["sentence_id"].append(sid)
            cols["paragraph_id"].append(pid)
            cols["start"].append(s)
            cols["end"].append(e)
            cols["text"].append(tok)
            cols["lower"].append(lower)
            cols["stem"].append(_stem(lower) if _HAS_WORD_CHAR.search(lower) else lower)
            cols["is_alpha"].append(bool(_ALPHA.fullmatch(tok)))
            cols["is_punct"].append(not _HAS_WORD_CHAR.search(tok))
            cols["is_stop"].append(lower in stop)
            cols["is_title"].append(tok[:1].isupper())
        counters[doc_id] = n
    frame = pd.DataFrame(cols)
    if frame.empty:
        return schema.empty("tokens")
    return frame.astype({"token_id": "int64", "sentence_id": "int64", "paragraph_id": "int64",
                         "start": "int64", "end": "int64"})


def parse_documents(documents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Parse loaded documents; return ``(documents, paragraphs, sentences, tokens)`` with counts filled in."""
    paragraphs = parse_paragraphs(documents)
    sentences = parse_sentences(documents, paragraphs)
    tokens = parse_tokens(documents, sentences)
    per_par = sentences.groupby(["doc_id", "paragraph_id"]).size()
    paragraphs["n_sentences"] = [int(per_par.get((d, p), 0)) for d, p in
                                 zip(paragraphs["doc_id"], paragraphs["paragraph_id"])]
    documents = documents.copy()
    documents["n_paragraphs"] = documents["doc_id"].map(paragraphs.groupby("doc_id").size()).fillna(0).astype(int)
    documents["n_sentences"] = documents["doc_id"].map(sentences.groupby("doc_id").size()).fillna(0).astype(int)
    documents["n_words"] = documents["doc_id"].map(sentences.groupby("doc_id")["n_words"].sum()).fillna(0).astype(int)
    return documents, paragraphs, sentences, tokens


def _frame(rows: list[tuple], table: str) -> pd.DataFrame:
    if not rows:
        return schema.empty(table)
    return pd.DataFrame.from_records(rows, columns=schema.columns(table))
