"""Paragraphs, sentences and tokens with exact character offsets.

* Paragraphs: blocks separated by blank lines when the text has any, else one paragraph per line, keeping
  hard-wrapped lines together (:func:`paragraph_spans`).
* Sentences, within a paragraph (:func:`sentence_spans`): heading-like lines (headline, byline, bullets) cut
  first; then NLTK's Punkt algorithm with parameters of our own (abbreviations and their kinds from
  ``data/abbreviations.csv``, function words from ``data/stopwords.csv`` as sentence-starter evidence; no
  downloaded model); then repairs of false splits (after "Gen.", before "No. 10"'s number, before a
  lower-case word) and of a lost space ("ended.Then"); finally a sentence longer than
  :data:`MAX_SENTENCE_TOKENS` tokens (text without sentence punctuation: transcripts, OCR, scraped pages) is
  split at its last clause punctuation (``, ; : – —``) in the second half of each window, else every
  :data:`MAX_SENTENCE_TOKENS` tokens, and ``documents.notes`` says so. This bounds every later stage whose
  cost grows faster than linearly with sentence length (VADER's sentence scorer is quadratic in it).
* Tokens: a regular expression that keeps abbreviations (U.S.), numbers (3.5, 1,000, 30%), hyphenated words,
  contractions and letters with combining marks together, and splits the possessive ``'s``; any other
  visible character is a token of its own.

Every row has ``start``/``end`` with ``text[start:end] == row.text``. The README's "Parsing and exploration"
section explains the rules and their known limits.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import regex

from . import config, schema

if TYPE_CHECKING:  # NLTK is imported on first use: importing it pulls in scipy and scikit-learn (seconds)
    from nltk.tokenize.punkt import PunktSentenceTokenizer

# "\r(?!\n)": a CRLF is one line break, never a lone CR followed by a lone LF (a false blank line).
_BLANK_LINE = re.compile(r"(?:\r\n|\r(?!\n)|\n)[ \t\f\v\u00a0]*(?:\r\n|\r(?!\n)|\n)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The `regex` module for Unicode classes: letters keep their combining marks (decomposed "café", Arabic
# vowel marks, Devanagari vowel signs), which `re` would cut off as separate tokens. In the possessive branch
# the letter runs are possessive (*+): giving letters back can never let the lookahead (a quote) match, and
# not trying halves the time to tokenise (the same tokens: tests/test_bounded.py).
_TOKEN = regex.compile(
    r"""
    (?:\p{L}\.){2,}(?!\p{L})                              # U.S.  a.m.  U.K.
    | \d+(?:[.,:/]\d+)*(?:%|st\b|nd\b|rd\b|th\b|s\b)?       # 2022  3.5  1,000  30%  1990s
    | \p{L}[\p{L}\p{M}]*+(?:[-'’]\p{L}[\p{L}\p{M}]*+)*(?=['’][sS]\b)  # word before a possessive 's
    | ['’][sS]\b                                           # possessive 's
    | [\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:[-'’][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*   # face-to-face, don't, Erdoğan
    | \S                                                   # any other visible character
    """,
    regex.VERBOSE | regex.VERSION0,
)
# The same expression for text whose characters are printable ASCII, ASCII spaces or the punctuation below (none of them a letter,
# mark, digit or word character): there \p{L} is [A-Za-z], \p{N} and \d are [0-9], \p{M} matches nothing, and
# the standard `re` engine finds the same tokens several times faster (tests/test_parse.py compares them).
_TOKEN_PLAIN = re.compile(
    r"""
    (?:[A-Za-z]\.){2,}(?![A-Za-z])
    | [0-9]+(?:[.,:/][0-9]+)*(?:%|st\b|nd\b|rd\b|th\b|s\b)?
    | [A-Za-z][A-Za-z]*+(?:[-'’][A-Za-z][A-Za-z]*+)*(?=['’][sS]\b)
    | ['’][sS]\b
    | [A-Za-z0-9][A-Za-z0-9]*(?:[-'’][A-Za-z0-9][A-Za-z0-9]*)*
    | \S
    """,
    re.VERBOSE,
)
_NOT_PLAIN = re.compile("[^\t\n\x0b\x0c\r\x20-\x7e‘’“”–—…«»•]")  # (\x1c-\x1f: spaces to `re` only)
_ALPHA = regex.compile(r"\p{L}[\p{L}\p{M}]*(?:[-'’.]\p{L}[\p{L}\p{M}]*)*\.?")
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
_CLITIC = re.compile(r"['’][sS]")


@lru_cache(maxsize=4)
def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """Stop words from ``data/stopwords.csv`` (column ``word``), lower case."""
    frame = pd.read_csv(path or config.STOPWORDS_PATH, dtype=str, keep_default_na=False)
    return frozenset(w.strip().lower() for w in frame["word"] if w.strip())


@lru_cache(maxsize=4)
def load_abbreviations(path: str | Path | None = None) -> dict[str, str]:
    """Abbreviations from ``data/abbreviations.csv``: lower-case type without the final period -> kind.

    Kinds: ``title`` (Mr., Gen., Sen.: never ends a sentence), ``number`` (No., Vol., Fig.: an abbreviation
    only when a number follows, because "no." and "sat." also end sentences) and ``other`` (U.S., a.m., Jan.,
    Inc.: ends a sentence only when a common sentence starter such as "The" or "He" follows).
    """
    frame = pd.read_csv(path or config.ABBREVIATIONS_PATH, dtype=str, keep_default_na=False)
    kinds = frame["kind"] if "kind" in frame.columns else ["other"] * len(frame)
    return {a.strip().lower().rstrip("."): (k.strip() or "other") for a, k in zip(frame["abbreviation"], kinds)
            if a.strip()}


# Function words that are not also given names or titles: capitalised after an abbreviation they start a
# new sentence ("... in the U.S. The talks ..."), while "Dr. May" or "Gen. Will ..." must not split.
_NOT_STARTERS = frozenset({"may", "will", "can", "us", "s", "'s", "'t", "n't", "am", "i", "no"})


@lru_cache(maxsize=4)
def _sentence_tokenizer(abbreviations: str | Path | None = None, stopwords: str | Path | None = None
                        ) -> PunktSentenceTokenizer:
    # Punkt with our own parameters instead of a downloaded model: the abbreviation list, and an
    # orthographic context saying that function words are seen lower case mid-sentence and capitalised at
    # sentence starts, which is the evidence Punkt's orthographic heuristic uses to end a sentence after an
    # abbreviation or initial ("World War I. The ...") without a trained model.
    from nltk.tokenize.punkt import _ORTHO_BEG_UC, _ORTHO_MID_LC, PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = {a for a, kind in load_abbreviations(abbreviations).items() if kind != "number"}
    for word in load_stopwords(stopwords) - _NOT_STARTERS:
        if word.isalpha():
            params.add_ortho_context(word, _ORTHO_MID_LC | _ORTHO_BEG_UC)
    return PunktSentenceTokenizer(params)


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import PorterStemmer

    return PorterStemmer()


@lru_cache(maxsize=100_000)
def _stem(lower: str) -> str:
    return _stemmer().stem(lower)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph, whitespace trimmed, empty blocks dropped.

    Paragraphs are blocks separated by blank lines when the text has any; otherwise each line is a
    paragraph (web copy often puts one paragraph per line), except that hard-wrapped prose stays together:
    a line that runs on into a line starting in lower case, or that ends in a function word.
    """
    by_blank = bool(_BLANK_LINE.search(text))
    splitter = _BLANK_LINE if by_blank else _LINE_BREAK
    spans, pos = [], 0
    for m in splitter.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        s, e = _trimmed(text, s, e)
        if e <= s:
            continue
        if out and not by_blank and _runs_on(text, *out[-1], text[s]):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


_CLOSES_SENTENCE = ".!?:…\"”’)"


def _runs_on(text: str, start: int, end: int, next_char: str) -> bool:
    """Whether the line ``text[start:end]`` continues on the next line (hard-wrapped prose): the next
    line starts in lower case, or this one ends in a function word ("... as the")."""
    if text[end - 1] in _CLOSES_SENTENCE:
        return False
    return next_char.islower() or text[max(start, end - 20):end].rsplit(None, 1)[-1].lower() in load_stopwords()


def sentence_spans(text: str, start: int = 0, end: int | None = None, *,
                   abbreviations: str | Path | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence within ``text[start:end]`` (offsets into ``text``).

    ``text[start:end]`` should be one paragraph. Heading-like lines (a headline, a byline) are cut off
    first; Punkt splits the rest; then splits that Punkt makes inside a sentence are undone (after a title
    such as "Gen.", before "No. 10"'s number, before a lower-case word or a comma) and a missing space
    after a full stop ("ended.Then") is split. A text without sentence punctuation is one sentence per
    heading-like line, else one sentence.
    """
    end = len(text) if end is None else end
    kinds = load_abbreviations(abbreviations)
    tokenizer = _sentence_tokenizer(abbreviations)
    spans: list[tuple[int, int]] = []
    for ls, le in _line_segments(text, start, end):
        pieces = []
        for s, e in _punkt_spans(tokenizer, text, ls, le, kinds):
            s, e = _trimmed(text, s, e)
            if e > s:
                pieces.append((s, e))
        pieces = _merge_false_breaks(text, pieces, kinds) if len(pieces) > 1 else pieces
        for s, e in pieces:
            spans.extend(_split_missing_space(text, s, e, kinds))
    return spans or ([_trimmed(text, start, end)] if text[start:end].strip() else [])


_LINE_END = re.compile(r"\r\n|\r|\n")
_BULLET = re.compile(r"[•·▪◦‣*\-–—]\s|\d{1,2}[.)]\s")
_OPEN_PUNCT = "\"'“‘«([{"
_CONTINUES = re.compile(r"[,;:)\]}»”’%]")
_LAST_WORD = re.compile(r"([^\W\d_]+(?:\.[^\W\d_]+)*)\.$")
_NO_SPACE = re.compile(r"(?<=[a-z][a-z])[.!?](?=[A-Z][a-z])")


# Punkt reads at most this many characters at a time: NLTK stops a regular expression that runs longer
# than a few seconds (a ReDoS guard), which a very long paragraph on a busy machine could reach.
_MAX_PUNKT_CHARS = 20_000
_SAFE_CUT = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_SIMPLE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")


def _punkt_spans(tokenizer: PunktSentenceTokenizer, text: str, start: int, end: int, kinds: dict[str, str]
                 ) -> list[tuple[int, int]]:
    """Punkt's sentence spans for ``text[start:end]`` (offsets into ``text``), read in pieces of at most
    ``_MAX_PUNKT_CHARS`` cut after a likely sentence end (not an abbreviation), else at a space."""
    spans: list[tuple[int, int]] = []
    pos = start
    while end - pos > _MAX_PUNKT_CHARS:
        limit = pos + _MAX_PUNKT_CHARS
        cut = None
        for m in _SAFE_CUT.finditer(text, pos + _MAX_PUNKT_CHARS // 2, limit):
            word = _LAST_WORD.search(text, max(pos, m.start() - 40), m.start() + 1)
            if not (word and word.group(1).lower() in kinds):
                cut = m.end()
        if cut is None:
            space = max(text.rfind(" ", pos, limit), text.rfind("\n", pos, limit))
            cut = space + 1 if space > pos else limit
        spans.extend(_punkt_chunk(tokenizer, text, pos, cut))
        pos = cut
    spans.extend(_punkt_chunk(tokenizer, text, pos, end))
    return spans


def _punkt_chunk(tokenizer: PunktSentenceTokenizer, text: str, start: int, end: int) -> list[tuple[int, int]]:
    chunk = text[start:end]
    try:
        return [(start + s, start + e) for s, e in tokenizer.span_tokenize(chunk)]
    except TimeoutError:
        # NLTK gave up on pathological text (e.g. hundreds of thousands of bare periods): split after every
        # run of sentence punctuation followed by a space instead.
        spans, pos = [], 0
        for m in _SIMPLE_END.finditer(chunk):
            spans.append((start + pos, start + m.end()))
            pos = m.end()
        spans.append((start + pos, end))
        return spans


def _line_segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a paragraph after heading-like lines: a short line without closing punctuation, followed by a
    line that starts like a sentence (headline, byline, dateline, list item). Lines of hard-wrapped prose
    are about as long as the longest line, so they stay together."""
    breaks = list(_LINE_END.finditer(text, start, end))
    if not breaks:
        return [(start, end)]
    lines, pos = [], start
    for m in breaks:
        lines.append((pos, m.start(), m.end()))
        pos = m.end()
    lines.append((pos, end, end))
    longest = max(len(text[s:e].strip()) for s, e, _ in lines)
    segments, seg_start = [], start
    for (s, e, after), (ns, ne, _) in zip(lines, lines[1:]):
        line, nxt = text[s:e].strip(), text[ns:ne].strip()
        if not line or not nxt:
            continue
        short = len(line) < 0.6 * longest or longest < 60
        opens = nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in _OPEN_PUNCT
        # A line ending in a function word ("... as the") runs on, whatever its length.
        runs_on = line[-1] in ",;:-–—(/&.!?" or line.rsplit(None, 1)[-1].lower() in load_stopwords()
        if _BULLET.match(nxt) or (short and opens and not runs_on):
            segments.append((seg_start, e))
            seg_start = after
    segments.append((seg_start, end))
    return [(s, e) for s, e in (_trimmed(text, s, e) for s, e in segments) if e > s]


def _merge_false_breaks(text: str, spans: list[tuple[int, int]], kinds: dict[str, str]) -> list[tuple[int, int]]:
    out = [spans[0]]
    for s, e in spans[1:]:
        ps, pe = out[-1]
        nxt = text[s:e].lstrip(_OPEN_PUNCT)
        m = _LAST_WORD.search(text, max(ps, pe - 40), pe)  # only the end matters: do not scan the sentence
        kind = kinds.get(m.group(1).lower()) if m else None
        if (nxt[:1].islower() or _CONTINUES.match(nxt)  # lower case or a comma cannot start a sentence
                or kind == "title"  # "Gen. Zaluzhny": titles come before names, never at a sentence's end
                or (kind == "number" and nxt[:1].isdigit())):  # "No. 10", "Vol. 3"
            out[-1] = (ps, e)
        else:
            out.append((s, e))
    return out


def _split_missing_space(text: str, start: int, end: int, kinds: dict[str, str]) -> list[tuple[int, int]]:
    """Split "ended.Then it began" (a lost space, common in scraped text), unless the word is an abbreviation."""
    spans, pos = [], start
    for m in _NO_SPACE.finditer(text, start, end):
        word = re.search(r"[^\W\d_]+$", text[pos:m.start()])
        if word and word.group(0).lower() in kinds:
            continue
        spans.append((pos, m.end()))
        pos = m.end()
    spans.append((pos, end))
    return spans


# Longer sentences are split (see the module docstring). News sentences run 20-40 tokens; the longest in
# edited prose stay well under 150, so only text without sentence punctuation is affected.
MAX_SENTENCE_TOKENS = 150
_CLAUSE_PUNCT = frozenset(",;:–—")


def split_long_sentence(text: str, start: int, end: int, *, max_tokens: int = MAX_SENTENCE_TOKENS
                        ) -> list[tuple[int, int]]:
    """``(start, end)`` pieces of the sentence ``text[start:end]``, none longer than ``max_tokens`` tokens.

    Each piece ends after the last clause punctuation mark (``, ; : – —``) among its second half of
    tokens, else after exactly ``max_tokens`` tokens. A sentence within the limit is returned whole.
    """
    if max_tokens <= 0 or end - start <= max_tokens:  # fewer characters than the limit: fewer tokens too
        return [(start, end)]
    tokens = token_spans(text, start, end)
    if len(tokens) <= max_tokens:
        return [(start, end)]
    pieces, i = [], 0
    while len(tokens) - i > max_tokens:
        cut = i + max_tokens
        for j in range(i + max_tokens - 1, i + max_tokens // 2 - 1, -1):
            ts, te = tokens[j]
            if te - ts == 1 and text[ts] in _CLAUSE_PUNCT:
                cut = j + 1
                break
        pieces.append((tokens[i][0], tokens[cut - 1][1]))
        i = cut
    pieces.append((tokens[i][0], tokens[-1][1]))
    return pieces


def token_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each token within ``text[start:end]`` (offsets into ``text``)."""
    end = len(text) if end is None else end
    pattern = _TOKEN if _NOT_PLAIN.search(text, start, end) else _TOKEN_PLAIN
    return [(m.start(), m.end()) for m in pattern.finditer(text, start, end)]


def is_word(token: str) -> bool:
    """A token that counts as a word: has a letter or digit and is not the possessive clitic."""
    return bool(_HAS_WORD_CHAR.search(token)) and not _CLITIC.fullmatch(token)


def parse_paragraphs(documents: pd.DataFrame) -> pd.DataFrame:
    """The ``paragraphs`` table: doc_id, paragraph_id, start, end, n_sentences, text.

    ``n_sentences`` is filled in by :func:`parse_documents`; here it is 0.
    """
    rows = []
    for doc_id, text in zip(documents["doc_id"].tolist(), documents["text"].tolist()):
        for pid, (s, e) in enumerate(paragraph_spans(text), start=1):
            rows.append((doc_id, pid, s, e, 0, text[s:e]))
    return _frame(rows, "paragraphs")


def parse_sentences(documents: pd.DataFrame, paragraphs: pd.DataFrame, *, count_words: bool = True,
                    max_tokens: int = MAX_SENTENCE_TOKENS, split_counts: dict[str, int] | None = None
                    ) -> pd.DataFrame:
    """The ``sentences`` table: doc_id, sentence_id, paragraph_id, start, end, n_words, text.

    ``count_words=False`` leaves ``n_words`` at 0 (:func:`parse_documents` fills it from the tokens).
    Sentences over ``max_tokens`` tokens are split (:func:`split_long_sentence`; 0 keeps them whole);
    ``split_counts``, when given, receives doc_id -> number of sentences split.
    """
    texts = dict(zip(documents["doc_id"], documents["text"]))
    rows = []
    counters: dict[str, int] = {}
    for doc_id, pid, ps, pe in zip(*(paragraphs[c].tolist() for c in ("doc_id", "paragraph_id", "start", "end"))):
        text = texts[doc_id]
        for ss, se in sentence_spans(text, ps, pe):
            pieces = split_long_sentence(text, ss, se, max_tokens=max_tokens)
            if len(pieces) > 1 and split_counts is not None:
                split_counts[doc_id] = split_counts.get(doc_id, 0) + 1
            for s, e in pieces:
                counters[doc_id] = counters.get(doc_id, 0) + 1
                n_words = sum(1 for ts, te in token_spans(text, s, e) if is_word(text[ts:te])) if count_words else 0
                rows.append((doc_id, counters[doc_id], pid, s, e, n_words, text[s:e]))
    return _frame(rows, "sentences")


def _token_features(stop: frozenset[str]):
    """A cached function token text -> (lower, stem, is_alpha, is_punct, is_stop, is_title).

    A news corpus has far fewer distinct token strings than tokens, so each is analysed once.
    """
    cache: dict[str, tuple] = {}

    def features(tok: str) -> tuple:
        hit = cache.get(tok)
        if hit is None:
            lower = tok.lower().replace("’", "'")
            has_word_char = bool(_HAS_WORD_CHAR.search(tok))
            hit = (lower, _stem(lower) if has_word_char else lower, bool(_ALPHA.fullmatch(tok)), not has_word_char,
                   lower in stop, tok[:1].isupper())
            cache[tok] = hit
        return hit

    return features


def parse_tokens(documents: pd.DataFrame, sentences: pd.DataFrame, *, stopwords: frozenset[str] | None = None
                 ) -> pd.DataFrame:
    """The ``tokens`` table (see :mod:`newsframe.schema`): one row per token, with offsets and flags."""
    features = _token_features(load_stopwords() if stopwords is None else stopwords)
    texts = dict(zip(documents["doc_id"], documents["text"]))
    ids: dict[str, list] = {c: [] for c in ("doc_id", "token_id", "sentence_id", "paragraph_id", "start", "end")}
    toks: list[str] = []
    counters: dict[str, int] = {}
    for doc_id, sid, pid, ss, se in zip(*(sentences[c].tolist() for c in
                                          ("doc_id", "sentence_id", "paragraph_id", "start", "end"))):
        text = texts[doc_id]
        spans = token_spans(text, ss, se)
        n = counters.get(doc_id, 0)
        k = len(spans)
        ids["doc_id"].extend([doc_id] * k)
        ids["token_id"].extend(range(n + 1, n + k + 1))
        ids["sentence_id"].extend([sid] * k)
        ids["paragraph_id"].extend([pid] * k)
        ids["start"].extend(s for s, _ in spans)
        ids["end"].extend(e for _, e in spans)
        toks.extend(text[s:e] for s, e in spans)
        counters[doc_id] = n + k
    if not toks:
        return schema.empty("tokens")
    lower, stem, is_alpha, is_punct, is_stop, is_title = zip(*map(features, toks))
    # Offsets and flags are Python ints and bools made here: typed arrays spare pandas inferring them.
    typed = {c: np.array(ids[c], dtype=np.int64) for c in ("token_id", "start", "end")}
    flags = {c: np.array(v, dtype=bool) for c, v in
             (("is_alpha", is_alpha), ("is_punct", is_punct), ("is_stop", is_stop), ("is_title", is_title))}
    frame = pd.DataFrame({**ids, **typed, "text": toks, "lower": list(lower), "stem": list(stem), **flags})
    return frame.astype({"token_id": "int64", "sentence_id": "int64", "paragraph_id": "int64",
                         "start": "int64", "end": "int64"}).loc[:, schema.columns("tokens")]


def parse_documents(documents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Parse loaded documents; return ``(documents, paragraphs, sentences, tokens)`` with counts filled in."""
    paragraphs = parse_paragraphs(documents)
    split_counts: dict[str, int] = {}
    sentences = parse_sentences(documents, paragraphs, count_words=False, split_counts=split_counts)
    tokens = parse_tokens(documents, sentences)
    # Words per sentence from the tokens just made, rather than tokenising every sentence twice.
    is_a_word = ~tokens["is_punct"].astype(bool) & ~tokens["text"].astype(str).str.fullmatch(_CLITIC.pattern)
    per_sentence = tokens.loc[is_a_word].groupby(["doc_id", "sentence_id"]).size().to_dict()
    sentences["n_words"] = [int(per_sentence.get((d, i), 0)) for d, i in
                            zip(sentences["doc_id"], sentences["sentence_id"])]
    per_par = sentences.groupby(["doc_id", "paragraph_id"]).size().to_dict()
    paragraphs["n_sentences"] = [int(per_par.get((d, p), 0)) for d, p in
                                 zip(paragraphs["doc_id"], paragraphs["paragraph_id"])]
    documents = documents.copy()
    if split_counts:
        documents["notes"] = [_add_note(note, _split_note(split_counts.get(d, 0)))
                              for d, note in zip(documents["doc_id"], documents["notes"])]
    documents["n_paragraphs"] = documents["doc_id"].map(paragraphs.groupby("doc_id").size()).fillna(0).astype(int)
    documents["n_sentences"] = documents["doc_id"].map(sentences.groupby("doc_id").size()).fillna(0).astype(int)
    documents["n_words"] = documents["doc_id"].map(sentences.groupby("doc_id")["n_words"].sum()).fillna(0).astype(int)
    return documents, paragraphs, sentences, tokens


def _split_note(n: int) -> str:
    return (f"{n} sentence(s) over {MAX_SENTENCE_TOKENS} tokens split at clause punctuation or every "
            f"{MAX_SENTENCE_TOKENS} tokens" if n else "")


def _add_note(notes: str, note: str) -> str:
    return "; ".join(n for n in (notes, note) if n)


def _frame(rows: list[tuple], table: str) -> pd.DataFrame:
    if not rows:
        return schema.empty(table)
    return pd.DataFrame.from_records(rows, columns=schema.columns(table))
