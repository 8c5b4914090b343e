"""Exploration helpers analysts know from Voyant and quanteda, over the ``tokens`` and ``sentences`` tables.

Term frequencies, n-grams, collocations (PMI and log-likelihood, with NLTK's association measures),
keyword in context, lexical dispersion, readability (Flesch reading ease, Flesch-Kincaid grade) and
lexical diversity (TTR, MATTR). Each returns a DataFrame whose columns are listed in
``newsframe.schema.VIEWS``.

A *word* is a token with a letter or a digit that is not the possessive ``'s`` (:func:`newsframe.parse.is_word`);
readability counts only tokens with a letter. Every helper accepts the tables of one or many documents.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator, Literal

import numpy as np
import pandas as pd

from . import parse, schema
from .errors import NewsframeError

__all__ = ["term_frequencies", "ngrams", "collocations", "kwic", "dispersion", "readability",
           "lexical_diversity", "count_syllables"]

_HAS_LETTER = re.compile(r"[^\W\d_]")
_SPACES = re.compile(r"\s+")


def _view(rows: pd.DataFrame | list, name: str) -> pd.DataFrame:
    cols = list(schema.VIEWS[name])
    if isinstance(rows, list):
        rows = pd.DataFrame.from_records(rows, columns=cols) if rows else None
    if rows is None or rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    return rows.loc[:, cols].reset_index(drop=True)


def _require(frame: pd.DataFrame, cols: Iterable[str], what: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise NewsframeError(f"{what} needs columns {missing}: pass the {what} table of an Analysis")


def _words(tokens: pd.DataFrame) -> pd.DataFrame:
    """Word tokens only (see module docstring), in document order."""
    _require(tokens, ["doc_id", "token_id", "sentence_id", "text", "lower", "stem", "is_stop"], "tokens")
    mask = [parse.is_word(t) for t in tokens["text"]]
    return tokens.loc[mask]


def _stopword_set(stopwords: str | Path | Iterable[str] | None) -> frozenset[str]:
    if stopwords is None or isinstance(stopwords, (str, Path)):
        return parse.load_stopwords(stopwords)
    return frozenset(w.lower() for w in stopwords)


def _by_column(by: str) -> str:
    if by not in ("lower", "stem"):
        raise NewsframeError(f"by={by!r}: use 'lower' or 'stem'")
    return by


# -- frequencies ------------------------------------------------------------------------------------------
def term_frequencies(tokens: pd.DataFrame, *, remove_stopwords: bool = True, by: Literal["lower", "stem"] = "lower",
                     stopwords: str | Path | Iterable[str] | None = None, min_count: int = 1) -> pd.DataFrame:
    """How often each word occurs, like Voyant's Terms panel or quanteda's ``textstat_frequency``.

    Parameters
    ----------
    tokens
        The ``tokens`` table (one or many documents).
    remove_stopwords
        Leave out stop words (``data/stopwords.csv``, or ``stopwords``). ``per_1000`` always counts every word.
    by
        ``"lower"`` counts lower-case words; ``"stem"`` merges word forms with the same Porter stem
        ("talk", "talks", "talking") and names each group by its most frequent form.
    stopwords
        A stop word CSV path (column ``word``) or an iterable of words instead of the default list.
    min_count
        Drop terms seen fewer times.

    Returns
    -------
    pandas.DataFrame
        ``term, forms, n, per_1000, n_docs, rank`` (``schema.VIEWS["term_frequencies"]``), most frequent
        first, ties in alphabetical order.
    """
    key = _by_column(by)
    words = _words(tokens)
    total = len(words)
    if remove_stopwords:
        stop = _stopword_set(stopwords)
        words = words.loc[~words["lower"].isin(stop)]
    if words.empty:
        return _view([], "term_frequencies")
    grouped = words.groupby(key, sort=False)
    frame = pd.DataFrame({
        "n": grouped.size(),
        "n_docs": grouped["doc_id"].nunique(),
        "forms": grouped["lower"].agg(lambda s: " ".join(s.value_counts(sort=True).index)),
    })
    frame["term"] = frame.index if key == "lower" else frame["forms"].str.split(" ").str[0]
    frame = frame.loc[frame["n"] >= min_count]
    return _ranked(frame, "term", total, "term_frequencies")


def _ranked(frame: pd.DataFrame, label: str, total: int, view: str) -> pd.DataFrame:
    frame = frame.sort_values(["n", label], ascending=[False, True])
    frame["per_1000"] = (frame["n"] * 1000 / total).round(3) if total else 0.0
    frame["rank"] = frame["n"].rank(method="min", ascending=False).astype(int)
    return _view(frame, view)


def _runs(tokens: pd.DataFrame, key: str = "lower") -> Iterator[tuple[str, list[str], list[str]]]:
    """Runs of consecutive words, cut at sentence ends and at punctuation: ``(doc_id, keys, lowers)``.

    N-grams and collocations are read inside runs so that "Turkey. The" or "Moscow, Kyiv" never pair up.
    A possessive "'s" is skipped without cutting the run ("Ukraine's position" -> "ukraine position").
    """
    _require(tokens, ["doc_id", "sentence_id", "text", "lower", key], "tokens")
    keys: list[str] = []
    lowers: list[str] = []
    prev: tuple | None = None
    for doc_id, sid, text, lower, value in zip(tokens["doc_id"], tokens["sentence_id"], tokens["text"],
                                               tokens["lower"], tokens[key]):
        if (doc_id, sid) != prev:
            if keys:
                yield prev[0], keys, lowers
            keys, lowers, prev = [], [], (doc_id, sid)
        if parse.is_word(text):
            keys.append(value)
            lowers.append(lower)
        elif not _HAS_LETTER.search(text):
            if keys:
                yield doc_id, keys, lowers
            keys, lowers = [], []
    if keys and prev:
        yield prev[0], keys, lowers


def ngrams(tokens: pd.DataFrame, *, n: int = 2, remove_stopwords: bool = False, by: Literal["lower", "stem"] = "lower",
           stopwords: str | Path | Iterable[str] | None = None, min_count: int = 1) -> pd.DataFrame:
    """Sequences of ``n`` words that never cross a sentence end or punctuation.

    Parameters
    ----------
    tokens
        The ``tokens`` table.
    n
        Words per n-gram (1 to 10).
    remove_stopwords
        Drop every n-gram that contains a stop word (quanteda's approach; deleting stop words first would
        join words that were never next to each other).
    by
        ``"lower"`` or ``"stem"``.
    stopwords
        A stop word CSV path or an iterable of words instead of ``data/stopwords.csv``.
    min_count
        Drop n-grams seen fewer times.

    Returns
    -------
    pandas.DataFrame
        ``ngram, size, n, per_1000, n_docs, rank`` (``schema.VIEWS["ngrams"]``), most frequent first.
    """
    if not isinstance(n, int) or not 1 <= n <= 10:
        raise NewsframeError(f"n={n!r}: use a whole number from 1 to 10")
    key = _by_column(by)
    stop = _stopword_set(stopwords) if remove_stopwords else frozenset()
    counts: Counter = Counter()
    docs: dict[tuple, set] = {}
    total = 0
    for doc_id, run, lowers in _runs(tokens, key):
        total += len(run)
        for i in range(len(run) - n + 1):
            gram = tuple(run[i:i + n])
            if stop and any(w in stop for w in lowers[i:i + n]):
                continue
            counts[gram] += 1
            docs.setdefault(gram, set()).add(doc_id)
    rows = [(" ".join(g), n, c, len(docs[g])) for g, c in counts.items() if c >= min_count]
    if not rows:
        return _view([], "ngrams")
    frame = pd.DataFrame.from_records(rows, columns=["ngram", "size", "n", "n_docs"])
    return _ranked(frame, "ngram", total, "ngrams")


def collocations(tokens: pd.DataFrame, *, measure: Literal["pmi", "llr"] = "pmi", min_count: int = 2,
                 remove_stopwords: bool = True, stopwords: str | Path | Iterable[str] | None = None,
                 top: int | None = None) -> pd.DataFrame:
    """Word pairs that occur together more than chance, scored with NLTK's ``BigramAssocMeasures``.

    Pairs are adjacent words inside a run (no sentence end or punctuation between them), counted over all
    documents given.

    Parameters
    ----------
    tokens
        The ``tokens`` table.
    measure
        ``"pmi"``: pointwise mutual information, log2 of observed over expected co-occurrence (favours rare
        pairs, hence ``min_count``). ``"llr"``: Dunning's (1993) log-likelihood ratio, a significance score
        robust for low counts.
    min_count
        Ignore pairs seen fewer times.
    remove_stopwords
        Ignore pairs with a stop word (word counts still include them).
    stopwords
        A stop word CSV path or an iterable of words.
    top
        Keep only the best ``top`` pairs.

    Returns
    -------
    pandas.DataFrame
        ``w1, w2, collocation, n, n_w1, n_w2, score, measure, rank`` (``schema.VIEWS["collocations"]``).
    """
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

    scorers = {"pmi": BigramAssocMeasures.pmi, "llr": BigramAssocMeasures.likelihood_ratio}
    if measure not in scorers:
        raise NewsframeError(f"measure={measure!r}: use 'pmi' or 'llr'")
    finder = BigramCollocationFinder.from_documents(run for _doc, run, _lowers in _runs(tokens))
    if finder.word_fd.N() == 0:
        return _view([], "collocations")
    finder.apply_freq_filter(min_count)
    if remove_stopwords:
        stop = _stopword_set(stopwords)
        finder.apply_word_filter(lambda w: w in stop)
    rows = [(w1, w2, f"{w1} {w2}", finder.ngram_fd[(w1, w2)], finder.word_fd[w1], finder.word_fd[w2],
             round(float(score), 4), measure) for (w1, w2), score in finder.score_ngrams(scorers[measure])]
    if not rows:
        return _view([], "collocations")
    frame = pd.DataFrame.from_records(rows, columns=["w1", "w2", "collocation", "n", "n_w1", "n_w2", "score",
                                                     "measure"])
    frame = frame.sort_values(["score", "n", "collocation"], ascending=[False, False, True])
    frame["rank"] = frame["score"].rank(method="min", ascending=False).astype(int)
    if top is not None:
        frame = frame.head(top)
    return _view(frame, "collocations")


# -- keyword in context and dispersion --------------------------------------------------------------------
def _pattern_tokens(pattern: str) -> list[str]:
    """A word or phrase pattern as lower-case tokens; a final ``*`` in a token matches any ending."""
    parts = [pattern[s:e].lower().replace("’", "'") for s, e in parse.token_spans(pattern)]
    # "*" comes out as its own token: glue it to the word before as a wildcard
    out: list[str] = []
    for p in parts:
        if p == "*" and out:
            out[-1] += "*"
        elif p != "*":
            out.append(p)
    return out


def _token_matches(doc_tokens: pd.DataFrame, pattern: list[str]) -> Iterator[tuple[int, int]]:
    """``(first, last)`` positions in ``doc_tokens`` where the token sequence matches ``pattern``."""
    lowers = doc_tokens["lower"].tolist()
    k = len(pattern)
    tests = [(p[:-1], True) if p.endswith("*") and len(p) > 1 else (p, False) for p in pattern]
    for i in range(len(lowers) - k + 1):
        if all(lowers[i + j].startswith(p) if prefix else lowers[i + j] == p for j, (p, prefix) in enumerate(tests)):
            yield i, i + k - 1


def _matches(documents: pd.DataFrame, tokens: pd.DataFrame, pattern: str, *, regex: bool
             ) -> Iterator[tuple[str, str, pd.DataFrame, int, int]]:
    """Every match as ``(doc_id, text, doc_tokens, start, end)``."""
    _require(documents, ["doc_id", "text"], "documents")
    _require(tokens, ["doc_id", "token_id", "sentence_id", "start", "end", "lower"], "tokens")
    if not isinstance(pattern, str) or not pattern.strip():
        raise NewsframeError("give a word, phrase or regular expression to look for")
    if regex:
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise NewsframeError(f"pattern {pattern!r} is not a valid regular expression ({exc})") from None
    else:
        words = _pattern_tokens(pattern)
    by_doc = dict(tuple(tokens.groupby("doc_id", sort=False)))
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        doc_tokens = by_doc.get(doc_id)
        if doc_tokens is None or doc_tokens.empty:
            continue
        doc_tokens = doc_tokens.sort_values("token_id")
        if regex:
            for m in compiled.finditer(text):
                if m.end() > m.start():
                    yield doc_id, text, doc_tokens, m.start(), m.end()
        else:
            starts, ends = doc_tokens["start"].to_numpy(), doc_tokens["end"].to_numpy()
            for i, j in _token_matches(doc_tokens, words):
                yield doc_id, text, doc_tokens, int(starts[i]), int(ends[j])


def _flat(s: str) -> str:
    return _SPACES.sub(" ", s).strip()


def kwic(documents: pd.DataFrame, tokens: pd.DataFrame, pattern: str, *, regex: bool = False,
         window: int = 5) -> pd.DataFrame:
    """Keyword in context: every match of a word, phrase or regular expression with the words around it.

    Parameters
    ----------
    documents, tokens
        The ``documents`` and ``tokens`` tables (the text is read from ``documents``).
    pattern
        A word ("ceasefire"), a phrase ("peace talks"), a word with a final wildcard ("negotiat*"), all
        matched on whole tokens ignoring case; or with ``regex=True`` a regular expression searched in the
        text (ignoring case).
    window
        Tokens of context on each side (punctuation counts as a token, as in quanteda).

    Returns
    -------
    pandas.DataFrame
        ``doc_id, sentence_id, start, end, left, match, right`` (``schema.VIEWS["kwic"]``);
        ``text[start:end] == match``.

    Examples
    --------
    >>> from newsframe import analyze
    >>> a = analyze("Talks began. The peace talks stalled.")
    >>> kwic(a.documents, a.tokens, "peace talks", window=1)[["left", "match", "right"]].values.tolist()
    [['The', 'peace talks', 'stalled']]
    """
    if window < 0:
        raise NewsframeError("window must be 0 or more tokens")
    rows = []
    for doc_id, text, doc_tokens, s, e in _matches(documents, tokens, pattern, regex=regex):
        starts, ends = doc_tokens["start"].to_numpy(), doc_tokens["end"].to_numpy()
        first = int(np.searchsorted(ends, s, side="right"))  # first token ending after s
        last = int(np.searchsorted(starts, e, side="left")) - 1  # last token starting before e
        sid = int(doc_tokens["sentence_id"].iloc[min(first, len(doc_tokens) - 1)])
        left_i = max(first - window, 0)
        right_i = min(last + window, len(doc_tokens) - 1)
        left = _flat(text[starts[left_i]:s]) if window and first > 0 else ""
        right = _flat(text[e:ends[right_i]]) if window and last < len(doc_tokens) - 1 else ""
        rows.append((doc_id, sid, s, e, left, text[s:e], right))
    return _view(rows, "kwic")


def dispersion(tokens: pd.DataFrame, terms: str | Iterable[str]) -> pd.DataFrame:
    """Where each term falls in each document: the data of a lexical dispersion ("x-ray") plot.

    Parameters
    ----------
    tokens
        The ``tokens`` table.
    terms
        A term or several; each is a word, phrase or word with a final ``*`` as in :func:`kwic`.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, term, token_id, sentence_id, start, end, text, position, relative``
        (``schema.VIEWS["dispersion"]``): ``position`` counts words only, ``relative`` runs from 0 (first
        word) to 1 (last word) so documents of different length line up.
    """
    if isinstance(terms, str):
        terms = [terms]
    terms = [t for t in terms if isinstance(t, str) and t.strip()]
    if not terms:
        raise NewsframeError("give at least one term to locate")
    _require(tokens, ["doc_id", "token_id", "sentence_id", "start", "end", "text", "lower"], "tokens")
    rows = []
    for doc_id, doc_tokens in tokens.groupby("doc_id", sort=False):
        doc_tokens = doc_tokens.sort_values("token_id")
        is_word = np.array([parse.is_word(t) for t in doc_tokens["text"]])
        position = np.cumsum(is_word)  # words up to and including each token
        n_words = int(position[-1]) if len(position) else 0
        for term in terms:
            for i, j in _token_matches(doc_tokens, _pattern_tokens(term)):
                pos = max(int(position[i]), 1)
                row = doc_tokens.iloc[i]
                rows.append((doc_id, term, int(row["token_id"]), int(row["sentence_id"]), int(row["start"]),
                             int(doc_tokens["end"].iloc[j]), " ".join(doc_tokens["text"].iloc[i:j + 1]), pos,
                             round((pos - 1) / (n_words - 1), 4) if n_words > 1 else 0.0))
    frame = pd.DataFrame.from_records(rows, columns=list(schema.VIEWS["dispersion"])) if rows else None
    if frame is not None:
        frame = frame.sort_values(["doc_id", "term", "position"], kind="stable")
    return _view(frame if frame is not None else [], "dispersion")


# -- readability and diversity ----------------------------------------------------------------------------
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
# Vowel pairs that are usually said as two syllables; each match adds one to the vowel-group count.
# "ia"/"io" are one sound after t, c, s, g, x ("nation", "social", "Russia", "region", "anxious") and
# "ion"/"ious" also after l, n ("million", "opinion"); "eo" is one sound in "people" and "-eous";
# "ua"/"uo" are one after g, q ("language", "equal", "quota"); a vowel before "-ing" ("going", "being")
# and a final "-ea" ("idea", "area", "Korea") are said apart.
_SPLIT_VOWELS = re.compile(
    r"(?<![tcsgx])ia"
    r"|(?<![tcsgxln])io|(?<=[ln])io(?!n|us)"
    r"|eo(?![pu])"
    r"|(?<![gq])u[ao]"
    r"|iu"
    r"|(?<=[aeiouy])ing(?=s?$)"
    r"|ea$"
    r"|(?<=[^aeiouy])ism$"  # "criticism", "terrorism": the "m" is its own syllable
)
# A silent "e" before a suffix or second half of a compound ("statement", "lovely", "ceasefire").
_SILENT_INNER_E = re.compile(r"(?<=[^aeiouy])e(?=(?:ments?|ly|ful|ness|less|fire|fore)$)")


def count_syllables(word: str) -> int:
    """Syllables in an English word, by rule (no dictionary), for the readability formulas.

    The rule: count groups of vowels (a, e, i, o, u, y); a final silent "e" after a consonant does not
    count ("make"), except "-le" after a consonant ("table"), while "-gue"/"-que" are silent ("league"),
    and nor does one before "-ment", "-ly", "-ful", "-ness", "-less" ("statement", "lovely");
    final "-es" and "-ed" count only after a sibilant or t/d ("boxes", "wanted"; not "makes", "asked");
    vowel pairs usually said apart add one ("media", "radio", "video", "actual", "going", "idea": see
    ``_SPLIT_VOWELS``); hyphenated words add up their parts; every word has at least one syllable.
    Numbers and symbols count 0. Like every rule-based counter it errs on some words ("create",
    "European", names); tests/test_explore.py lists the words it is checked on.
    """
    parts = [p for p in re.split(r"[-–/]", word.lower().replace("’", "'")) if p]
    if len(parts) > 1:
        return sum(count_syllables(p) for p in parts)
    w = re.sub(r"[^a-z]", "", parts[0] if parts else "")
    if not w:
        return 0
    n = len(_VOWEL_GROUPS.findall(w)) + len(_SPLIT_VOWELS.findall(w)) - len(_SILENT_INNER_E.findall(w))
    if n > 1:
        if w.endswith(("gue", "que")):
            n -= 1
        elif w.endswith("e") and w[-2] not in "aeiouy" and not re.search(r"[^aeiouy]le$", w):
            n -= 1
        elif w.endswith("es") and not re.search(r"(?:[sxzcg]|ch|sh|[^gq]u|[aeiouy]i)es$", w) \
                and w[-3] not in "aeiouy":
            n -= 1
        elif w.endswith("ed") and w[-3] not in "tdaeiouy":
            n -= 1
    return max(n, 1)


def readability(sentences: pd.DataFrame, tokens: pd.DataFrame) -> pd.DataFrame:
    """Flesch reading ease, Flesch-Kincaid grade and sentence length per document.

    Words are tokens with a letter (numbers and punctuation are left out); sentences are those with at
    least one word; syllables come from :func:`count_syllables`.

    Parameters
    ----------
    sentences, tokens
        The ``sentences`` and ``tokens`` tables.

    Returns
    -------
    pandas.DataFrame
        ``schema.VIEWS["readability"]``, one row per document.

    Examples
    --------
    >>> from newsframe import analyze
    >>> a = analyze("The cat sat on the mat.")
    >>> readability(a.sentences, a.tokens)["flesch_reading_ease"].item()
    116.15
    """
    _require(sentences, ["doc_id", "sentence_id"], "sentences")
    _require(tokens, ["doc_id", "sentence_id", "text"], "tokens")
    words = tokens.loc[[bool(_HAS_LETTER.search(t)) and parse.is_word(t) for t in tokens["text"]],
                       ["doc_id", "sentence_id", "text"]].copy()
    words["syllables"] = [count_syllables(t) for t in words["text"]]
    rows = []
    for doc_id in pd.unique(sentences["doc_id"]):
        w = words.loc[words["doc_id"] == doc_id]
        per_sentence = w.groupby("sentence_id").size()
        n_sent, n_words, n_syl = len(per_sentence), len(w), int(w["syllables"].sum())
        if not n_words:
            rows.append((doc_id, 0, 0, 0, np.nan, np.nan, np.nan, np.nan, np.nan))
            continue
        wps, spw = n_words / n_sent, n_syl / n_words
        rows.append((doc_id, n_sent, n_words, n_syl, round(wps, 2), float(per_sentence.median()), round(spw, 3),
                     round(206.835 - 1.015 * wps - 84.6 * spw, 2), round(0.39 * wps + 11.8 * spw - 15.59, 2)))
    return _view(rows, "readability")


def lexical_diversity(tokens: pd.DataFrame, *, window: int = 50) -> pd.DataFrame:
    """Type-token ratio and moving-average type-token ratio (MATTR, Covington and McFall 2010) per document.

    TTR falls as texts grow, so it only compares texts of similar length; MATTR averages the TTR of every
    window of ``window`` consecutive words and is comparable across lengths. A text shorter than the
    window gets its TTR as MATTR.

    Parameters
    ----------
    tokens
        The ``tokens`` table.
    window
        Words per MATTR window (50 is common for news-length texts).

    Returns
    -------
    pandas.DataFrame
        ``doc_id, n_words, n_types, ttr, mattr, window`` (``schema.VIEWS["lexical_diversity"]``).
    """
    if not isinstance(window, int) or window < 1:
        raise NewsframeError(f"window={window!r}: use a whole number of words, 1 or more")
    words = _words(tokens)
    rows = []
    for doc_id in pd.unique(tokens["doc_id"]):
        seq = words.loc[words["doc_id"] == doc_id, "lower"].tolist()
        n = len(seq)
        if not n:
            rows.append((doc_id, 0, 0, np.nan, np.nan, window))
            continue
        ttr = len(set(seq)) / n
        rows.append((doc_id, n, len(set(seq)), round(ttr, 4), round(_mattr(seq, window), 4), window))
    return _view(rows, "lexical_diversity")


def _mattr(seq: list[str], window: int) -> float:
    if len(seq) <= window:
        return len(set(seq)) / len(seq)
    # Slide the window one word at a time, keeping counts, so the cost is linear in the text length.
    counts = Counter(seq[:window])
    total = len(counts)
    for i in range(window, len(seq)):
        out, new = seq[i - window], seq[i]
        counts[out] -= 1
        if not counts[out]:
            del counts[out]
        counts[new] += 1
        total += len(counts)
    return total / ((len(seq) - window + 1) * window)
