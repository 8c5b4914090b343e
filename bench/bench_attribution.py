"""Speed of the attribution stage on the benchmark corpus (mentions and tags computed beforehand)."""
from __future__ import annotations

import time

import pandas as pd

import newsframe
from newsframe import attribution, grammar


def run(corpus: pd.DataFrame) -> dict:
    """Time :func:`newsframe.attribution.find_attributions` over ``corpus``.

    The actor mentions are built first and not timed; the part-of-speech tagging that attribution runs
    inside is timed separately, so the rules' own cost shows.
    """
    a = newsframe.analyze(corpus)
    mentions = a.mentions
    attribution.load_speech_verbs()
    t0 = time.perf_counter()
    grammar.pos_tags(a.tokens)
    t1 = time.perf_counter()
    frame = attribution.find_attributions(a.sentences, a.tokens, mentions, documents=a.documents)
    t2 = time.perf_counter()
    n_docs, n_sents = int(a.documents.shape[0]), int(a.sentences.shape[0])
    rules = max((t2 - t1) - (t1 - t0), 1e-9)  # find_attributions tags again inside: subtract one tagging pass
    return {
        "documents": n_docs,
        "sentences": n_sents,
        "attributions": len(frame),
        "per_document": round(len(frame) / max(n_docs, 1), 2),
        "docs_per_s": round(n_docs / (t2 - t1), 1) if t2 > t1 else None,
        "tagging_share": round((t1 - t0) / (t2 - t1), 2) if t2 > t1 else None,
        "rules_sentences_per_s": round(n_sents / rules, 1),
        "by_class": frame["verb_class"].value_counts().to_dict(),
    }


if __name__ == "__main__":
    from newsframe import config

    print(run(newsframe.load_documents(config.DEFAULT_SEED)))
