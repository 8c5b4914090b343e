"""Speed of the framing stage (generic frames, policy frames, hedges, labels) on the benchmark corpus, and the
cost of the policy frames' MiniLM prototype signal on one 500-word article (issue 12: under 1.5x).

    python bench/bench_frames.py [--repeats 5]
"""
from __future__ import annotations

import statistics
import time

import pandas as pd

import newsframe
from newsframe import frames


def _tables(toward: bool) -> list[str]:
    from newsframe import stages
    from newsframe.analysis import Analysis

    names = [t for t in Analysis.table_names() if t != "skipped"]
    if toward:
        return names
    return [t for t in names if t in stages.PARSE_TABLES
            or "actor_sentiment" not in {m for st in stages.build_order([t]) for m in st.makes}]


def encoder_cost(documents: pd.DataFrame | None = None, *, repeats: int = 5, toward: bool = False) -> dict:
    """Every table of one article with and without the prototype signal (``policy_encoder="auto"`` against
    ``"none"``), side by side: the two runs alternate ``repeats`` times in this process and the medians are
    compared, so load on a shared machine falls on both alike. The encoder and the prototypes are loaded
    before (``load_seconds``, reported apart) and the encoder cache is cleared before every run, so each run
    pays for its own sentences. ``toward=False`` leaves out ``actor_sentiment`` and ``roles`` (toward encodes
    the same sentences, and the frames would then read them from the cache for free).
    """
    from newsframe import config, encoder, frames

    if documents is None:
        documents = newsframe.load_documents(config.DEFAULT_SEED)
    names = _tables(toward)
    t = time.perf_counter()
    encoder.sentence_vectors(["The encoder is loaded once before the timed runs."])
    frames._prototype_vectors(str(frames.PROTOTYPES_PATH), (encoder.precision(), encoder.quantized()))
    load = time.perf_counter() - t

    def one(mode: str) -> tuple[float, pd.DataFrame]:
        encoder.clear_cache()
        t0 = time.perf_counter()
        a = newsframe.analyze(documents, policy_encoder=mode)
        for name in names:
            a.table(name)
        return time.perf_counter() - t0, a

    one("none"), one("auto")  # warm-up: lexicons, tagger, models
    times: dict[str, list[float]] = {"none": [], "auto": []}
    last = None
    for _ in range(repeats):
        for mode in ("none", "auto"):
            dt, a = one(mode)
            times[mode].append(dt)
            last = a if mode == "auto" else last
    without, with_ = statistics.median(times["none"]), statistics.median(times["auto"])
    policy = last.frames_policy
    return {
        "words": int(last.documents["n_words"].sum()),
        "sentences": int(len(last.sentences)),
        "sentences_encoded": int(len(frames.encoded_sentence_ids(last.sentences, last.frame_hits))),
        "tables": "all" if toward else "all but actor_sentiment/roles",
        "load_seconds": round(load, 2),
        "seconds_without_encoder": round(without, 3),
        "seconds_with_encoder": round(with_, 3),
        "ratio": round(with_ / without, 2),
        "runs": {k: [round(x, 3) for x in v] for k, v in times.items()},
        "frames_present": ", ".join(policy.loc[policy["present"], "frame"]),
    }


def run(corpus: pd.DataFrame) -> dict:
    """The lexicon scans on ``corpus`` (:func:`lexicon_speed`) and the encoder's cost on the bundled article,
    without toward (``encoder_*``) and in the full analysis (``encoder_full_*``)."""
    out = lexicon_speed(corpus)
    cost = encoder_cost(repeats=5)
    out.update({f"encoder_{k}": v for k, v in cost.items() if k != "runs"})
    full = encoder_cost(repeats=3, toward=True)  # the full analysis: toward shares the encoder's cache
    out.update({f"encoder_full_{k}": full[k] for k in ("seconds_without_encoder", "seconds_with_encoder", "ratio")})
    return out


def lexicon_speed(corpus: pd.DataFrame) -> dict:
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
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--toward", action="store_true", help="also build actor_sentiment and roles")
    args = parser.parse_args()
    print(encoder_cost(repeats=args.repeats, toward=args.toward))
