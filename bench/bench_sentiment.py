"""Speed of sentence sentiment (VADER + evidence + TextBlob) and tone on the benchmark corpus."""
from __future__ import annotations

import time

import pandas as pd

import newsframe
from newsframe import sentiment


def run(corpus: pd.DataFrame) -> dict:
    """Time ``score_sentences``, ``sentiment_evidence`` and ``score_tone`` over ``corpus``.

    ``corpus`` is anything :func:`newsframe.analyze` accepts (the benchmark passes a documents frame).
    """
    a = newsframe.analyze(corpus)
    sentences, tokens = a.sentences, a.tokens
    sentiment._read.cache_clear()  # time the rule mirror, not the cache
    t0 = time.perf_counter()
    vader_only = sentiment.score_sentences(sentences, textblob=False)
    t1 = time.perf_counter()
    both = sentiment.score_sentences(sentences)
    t2 = time.perf_counter()
    evidence = sentiment.sentiment_evidence(sentences)
    t3 = time.perf_counter()
    tone = sentiment.score_tone(a.documents, a.paragraphs, tokens)
    t4 = time.perf_counter()
    n = len(sentences)
    return {
        "sentences": n,
        "vader_sentences_per_s": round(n / (t1 - t0), 1) if t1 > t0 else None,
        "vader_textblob_sentences_per_s": round(n / (t2 - t1), 1) if t2 > t1 else None,
        "evidence_rows": len(evidence),
        "evidence_seconds": round(t3 - t2, 3),
        "tone_rows": len(tone),
        "tone_words_per_s": round(len(tokens) / (t4 - t3), 1) if t4 > t3 else None,
        "positive_share": round(float((vader_only["label"] == "positive").mean()), 3) if n else None,
        "agreement_pearson": round(float(both["compound"].corr(both["textblob_polarity"])), 3) if n > 1 else None,
    }


if __name__ == "__main__":
    from newsframe import config

    print(run(newsframe.load_documents(config.DEFAULT_SEED)))
