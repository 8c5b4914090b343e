"""Speed of sentiment toward a target over every actor mention of the benchmark corpus."""
from __future__ import annotations

import re
import time

import pandas as pd

import newsframe
from newsframe import encoder, toward


def _capitalised_spans(sentences: pd.DataFrame) -> pd.DataFrame:
    # Stand-in targets when the actors stage is missing: every capitalised word not opening the sentence.
    rows = []
    for text in sentences["text"]:
        for m in re.finditer(r"(?<=\s)[A-Z][\w'’-]+", text):
            rows.append({"sentence": text, "start": m.start(), "end": m.end()})
    return pd.DataFrame(rows, columns=["sentence", "start", "end"])


def run(corpus: pd.DataFrame) -> dict:
    """Time :func:`newsframe.toward.score_actor_sentiment` over all actor mentions of ``corpus``."""
    a = newsframe.analyze(corpus)
    sentences = a.sentences
    t_load = time.perf_counter()
    toward._load_model_cached.cache_clear()
    encoder.clear_cache()
    m = toward.load_model()
    if m.dense is not None:
        encoder._load()  # the encoder's load time belongs to model loading, not to scoring
    load_s = time.perf_counter() - t_load
    try:
        mentions = a.table("mentions")
        source = "actor mentions"
    except Exception:  # noqa: BLE001 - the actors stage may be absent or broken; measure on stand-ins
        mentions = None
    if mentions is not None:
        t0 = time.perf_counter()
        table = toward.score_actor_sentiment(mentions, sentences)
        seconds = time.perf_counter() - t0
        n = len(table)
        labels = table["label"].value_counts(normalize=True)
    else:
        source = "capitalised words"
        frame = _capitalised_spans(sentences)
        t0 = time.perf_counter()
        table = toward.toward_many(frame)
        seconds = time.perf_counter() - t0
        n = len(table)
        labels = table["label"].value_counts(normalize=True)
    return {
        "model": toward.default_model_path().name,
        "targets": source,
        "mentions": n,
        "model_load_seconds": round(load_s, 3),
        "toward_seconds": round(seconds, 2),
        "mentions_per_s": round(n / seconds, 1) if seconds > 0 else None,
        **{f"share_{lab}": round(float(labels.get(lab, 0.0)), 3) for lab in toward.LABELS},
    }
