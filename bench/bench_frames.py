"""Speed of the framing stage (generic frames, policy frames, hedges, labels) on the benchmark corpus."""
from __future__ import annotations

import time

import pandas as pd

import newsframe
from newsframe import frames


def run(corpus: pd.DataFrame) -> dict:
    """Time each lexicon scan of :mod:`newsframe.frames` over ``corpus`` (lexicons compiled beforehand).

    Generic frames run on sentences alone here, so the timing is the frame stage's own, not the actor or
    sentiment stages it can draw on.
    """
    a = newsframe.analyze(corpus)
    sentences, tokens = a.sentences, a.tokens
    for load in (frames.load_generic_lexicon, frames.load_policy_lexicon, frames.load_hedges, frames.load_labels):
        load()  # compile once, as in a session
    t0 = time.perf_counter()
    hits = frames.policy_frame_hits(sentences, tokens)
    t1 = time.perf_counter()
    policy = frames.score_policy_frames(hits, sentences)
    t2 = time.perf_counter()
    generic = frames.code_generic_frames(sentences)
    t3 = time.perf_counter()
    hedges = frames.score_hedges(sentences)
    t4 = time.perf_counter()
    labels = frames.find_labels(sentences)
    t5 = time.perf_counter()
    n_docs = int(a.documents.shape[0])

    def per_s(n: int, dt: float) -> float | None:
        return round(n / dt, 1) if dt > 0 else None

    return {
        "documents": n_docs,
        "policy_hits": len(hits),
        "policy_docs_per_s": per_s(n_docs, t2 - t0),
        "mean_policy_frames_present": round(float(policy["present"].sum()) / max(n_docs, 1), 2),
        "generic_docs_per_s": per_s(n_docs, t3 - t2),
        "mean_generic_items_yes": round(float(generic["answer"].sum()) / max(n_docs, 1), 2),
        "hedges_sentences_per_s": per_s(len(hedges), t4 - t3),
        "labels_docs_per_s": per_s(n_docs, t5 - t4),
        "label_rows": len(labels),
    }


if __name__ == "__main__":
    from newsframe import config

    print(run(newsframe.load_documents(config.DEFAULT_SEED)))
