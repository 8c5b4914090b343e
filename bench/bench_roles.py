"""Cost of the roles stage beside every other stage, same documents, same process, same run.

The issue's measure: the roles stage must add under 20% to an article's analysis. ``run`` parses the
documents and runs every stage of the registry once in build order (as ``bench.py`` does), timing each, so
the roles share is a ratio of two times taken side by side (on a loaded machine the absolute seconds move,
the ratio much less). A warm-up on two other documents loads lexicons and the encoder first.

    python bench/bench_roles.py [--docs 40] [--no-toward]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import time
from pathlib import Path

import pandas as pd

N_DOCS = 40  # the upstream tables include the sentence encoder; 40 articles keep the run to minutes


def _stage_seconds(documents: pd.DataFrame, *, toward: bool = True) -> tuple[dict[str, float], dict]:
    """``bench.run_stages``: parse, then every stage of the registry once, timed (one loop for both benches)."""
    spec = importlib.util.spec_from_file_location("newsframe_bench_main", Path(__file__).resolve().parent / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.run_stages(documents, toward=toward)


def run(corpus: pd.DataFrame, *, toward: bool = True) -> dict:
    """Seconds of every stage on ``corpus.head(N_DOCS)``; ``roles_share`` = roles / all the other stages."""
    from newsframe import io
    if "doc_id" not in corpus.columns:  # raw records (bench.py passes the generated corpus as made)
        corpus = io.load_documents(corpus)
    docs = corpus.head(N_DOCS).reset_index(drop=True)
    _stage_seconds(corpus.tail(2).reset_index(drop=True), toward=toward)  # warm-up: lexicons, models
    from newsframe import encoder
    encoder.clear_cache()  # bench.py has just encoded these sentences: its cached states would hide the cost
    seconds, tables = _stage_seconds(docs, toward=toward)
    roles_s = seconds["roles"]
    others = sum(v for k, v in seconds.items() if k != "roles")
    slowest = sorted(seconds.items(), key=lambda kv: -kv[1])[:4]
    return {
        "documents": len(docs),
        "words": int(sum(len(t.split()) for t in docs["text"])),
        "toward": toward,
        "analysis_s": round(others + roles_s, 2),
        "roles_s": round(roles_s, 3),
        "roles_share_of_total": round(roles_s / (others + roles_s), 4),
        "roles_added_to_rest": round(roles_s / others, 4) if others else None,
        "slowest_stages": ", ".join(f"{k} {v:.2f}s" for k, v in slowest),
        "cues": len(tables["role_evidence"]),
        "roles_assigned": int((tables["roles"]["role"] != "none").sum()),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=N_DOCS)
    parser.add_argument("--no-toward", action="store_true")
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("bench_corpus", Path(__file__).with_name("corpus.py"))
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    N_DOCS = args.docs
    print(json.dumps(run(corpus.make_corpus(args.docs + 2), toward=not args.no_toward), indent=1))
