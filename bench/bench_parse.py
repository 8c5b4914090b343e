"""Parse stage throughput and peak memory, beside VADER scoring alone on the same sentences.

``run(corpus)`` loads and parses the corpus (``newsframe.analyze``: documents, paragraphs, sentences,
tokens), then scores every sentence with vaderSentiment's ``SentimentIntensityAnalyzer.polarity_scores``
and reports words per second for both and their ratio (parse speed / VADER speed: above 1 means parsing
is cheaper than the sentiment scoring it feeds).
"""
from __future__ import annotations

import gc
import resource
import sys
import time

import pandas as pd


def _max_rss_mb() -> float:
    # ru_maxrss is the process high-water mark: kilobytes on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def run(corpus: pd.DataFrame) -> dict:
    import newsframe
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    newsframe.analyze("Warm-up. Loads the lexicons once.")  # cached loading is not the thing measured
    gc.collect()
    rss_before = _max_rss_mb()
    t = time.perf_counter()
    a = newsframe.analyze(corpus)
    parse_s = time.perf_counter() - t
    rss_after = _max_rss_mb()
    words = int(a.documents["n_words"].sum())
    sentences = a.sentences["text"].tolist()

    analyzer = SentimentIntensityAnalyzer()
    t = time.perf_counter()
    for s in sentences:
        analyzer.polarity_scores(s)
    vader_s = time.perf_counter() - t

    parse_wps, vader_wps = words / parse_s, words / vader_s
    return {
        "documents": len(a.documents),
        "sentences": len(a.sentences),
        "tokens": len(a.tokens),
        "words": words,
        "parse_seconds": round(parse_s, 2),
        "parse_words_per_second": round(parse_wps),
        "peak_rss_mb": round(rss_after, 1),
        "peak_rss_growth_mb": round(rss_after - rss_before, 1),
        "vader_seconds": round(vader_s, 2),
        "vader_words_per_second": round(vader_wps),
        "parse_to_vader_speed_ratio": round(parse_wps / vader_wps, 2),
    }
