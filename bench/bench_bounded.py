"""Bounded cost: ``newsframe tables`` on one long text without sentence punctuation (transcripts, OCR).

The target (issue 10): 2 million characters of unpunctuated text, every table except ``actor_sentiment``
(and ``roles``/``role_evidence``, which are built from it), in under 60 s and under 1 GB on a 2-core machine.
The text is lower-case words drawn at random from the vocabulary of the bundled article and the generated
benchmark corpus, with no ``.!?``, comma or quote, so no sentence boundary and no clause punctuation helps the
parser. The command runs in a subprocess under
``/usr/bin/time -v`` (wall time and maximum resident set size); vaderSentiment scoring the same words in
20-word pieces is timed in the same run as a reference, because timings on a shared machine are noisy.

    python bench/bench_bounded.py [--chars 2000000 200000]
"""
from __future__ import annotations

import argparse
import importlib.util
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

SIZES = (200_000, 2_000_000)


def make_unpunctuated_text(n_chars: int, *, seed: int = 0) -> str:
    """``n_chars`` characters of lower-case words in random order, with no punctuation at all.

    The words are the vocabulary of the bundled article and of 60 articles of the benchmark's generated
    corpus (``bench/corpus.py``: team-written templates with actors, places, quotes and hedges), about 1,300
    distinct words, so the text looks like a transcript of real news talk, not one repeated sentence.
    """
    from newsframe import config

    spec = importlib.util.spec_from_file_location("newsframe_bench_corpus", Path(__file__).with_name("corpus.py"))
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    texts = [config.DEFAULT_SEED.read_text(encoding="utf-8"), *corpus.make_corpus(60, seed=seed)["text"]]
    vocabulary = sorted({w.lower() for t in texts for w in re.findall(r"[^\W\d_]+", t)})
    rng = random.Random(seed)
    words, size = [], 0
    while size < n_chars:
        word = rng.choice(vocabulary)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:n_chars].rstrip()


def _vader_words_per_second(text: str) -> float:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    words = text.split()
    pieces = [" ".join(words[i:i + 20]) for i in range(0, len(words), 20)]
    analyzer = SentimentIntensityAnalyzer()
    t = time.perf_counter()
    for piece in pieces:
        analyzer.polarity_scores(piece)
    return len(words) / (time.perf_counter() - t)


def _time_v(output: str, field: str) -> str:
    m = re.search(rf"{re.escape(field)}: (.+)", output)
    return m.group(1).strip() if m else ""


def bounded_tables() -> list[str]:
    """Every table except ``actor_sentiment`` and the tables built from it (``roles`` needs it)."""
    from newsframe import stages
    from newsframe.analysis import Analysis

    return [t for t in Analysis.table_names()
            if t in stages.PARSE_TABLES or t == "skipped"
            or "actor_sentiment" not in {m for st in stages.build_order([t]) for m in st.makes}]


def measure(n_chars: int) -> dict:
    """Run ``newsframe tables`` on ``n_chars`` of unpunctuated text; wall seconds and peak RSS."""
    tables = bounded_tables()
    text = make_unpunctuated_text(n_chars)
    work = Path(tempfile.mkdtemp(prefix="newsframe-bench-bounded-"))
    try:
        src = work / "transcript.txt"
        src.write_text(text, encoding="utf-8")
        cmd = [sys.executable, "-m", "newsframe.cli", "tables", str(src), "--out", str(work / "out"),
               "--tables", *tables]
        timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
        t = time.perf_counter()
        proc = subprocess.run([timer, "-v", *cmd] if timer else cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed")
        rss_kb = _time_v(proc.stderr, "Maximum resident set size (kbytes)")
        docs = pd.read_csv(work / "out" / "documents.csv", keep_default_na=False)
        sentences = pd.read_csv(work / "out" / "sentences.csv", usecols=["n_words"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    words = len(text.split())
    vader_wps = _vader_words_per_second(text)
    return {
        "chars": n_chars,
        "words": words,
        "sentences": len(sentences),
        "longest_sentence_words": int(sentences["n_words"].max()),
        "seconds": round(wall, 1),
        "peak_rss_mb": round(int(rss_kb) / 1024, 1) if rss_kb else None,
        "words_per_second": round(words / wall),
        "vader_words_per_second": round(vader_wps),
        "speed_vs_vader": round(words / wall / vader_wps, 3),
        "notes": docs["notes"].iloc[0],
    }


def run(corpus: pd.DataFrame | None = None) -> dict:  # noqa: ARG001 - bench.py passes its corpus
    """For ``make bench``: the 2-million-character case (the corpus of bench.py is not used)."""
    return measure(SIZES[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args(argv)
    for n in args.chars:
        print(measure(n), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
