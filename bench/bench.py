"""Benchmark runner (``make bench``): a generated corpus, every ``bench/bench_*.py`` module, one table.

The corpus is at least 1,000 article-sized documents (500-800 words) recombined from the bundled article's
sentences and sentences written for this benchmark, so it looks like news prose to every stage. Each
module in this folder named ``bench_*.py`` that defines ``run(corpus: pandas.DataFrame) -> dict`` is run
on it; the dicts are printed as one table and saved to ``bench/out/results.json`` (git-ignored).

    python bench/bench.py [--docs N] [--only parse toward ...] [--seed 0]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import random
import sys
import time
import traceback
from pathlib import Path

import pandas as pd

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"

# Written for the benchmark: varied news sentences with abbreviations, quotes, numbers and dashes, so the
# parser meets the cases it handles in real copy, not only the seed's wording.
EXTRA_SENTENCES = [
    "Officials in Kyiv said the talks would resume on Monday.",
    "The Kremlin did not respond to a request for comment.",
    "\u201cWe are ready to listen,\u201d a senior diplomat told reporters in Brussels.",
    "Gen. Oleksandr Syrskyi said Russian forces had lost ground near the front line.",
    "The U.S. State Department urged both sides to respect the agreement.",
    "Energy prices rose 3.5 percent in the week after the strikes.",
    "Mr. Erdo\u011fan offered to host a second round of negotiations in Ankara.",
    "Sanctions on Russian banks took effect at 9 a.m. local time.",
    "The ceasefire, which began on Jan. 5, collapsed within days.",
    "Analysts warned that a deal without guarantees could leave Ukraine exposed.",
    "Thousands of civilians have fled the region since the offensive began.",
    "The European Union pledged another \u20ac50 billion in aid over four years.",
    "Dr. Maria Ivanova, who studies the conflict, called the proposal \u201cvague at best.\u201d",
    "Talks at No. 10 Downing Street ended without a joint statement.",
    "Some leaders questioned whether Moscow was negotiating in good faith.",
    "The prisoner exchange\u2014the largest since the war began\u2014took place at dawn.",
    "Ukraine's foreign minister said any settlement must respect its borders.",
    "Russia's defence ministry claimed to have shot down 40 drones overnight.",
    "Negotiators met for six hours but agreed only on a further meeting.",
    "A spokesperson for the U.N. Secretary-General welcomed the announcement.",
    "Residents of the city described a night of heavy shelling.",
    "The White House said President Trump had spoken with both leaders by phone.",
    "Critics argued that the sanctions had done little to change the Kremlin's course.",
    "Sen. Lindsey Graham called for tougher measures against Moscow's oil exports.",
    "Grain shipments through the Black Sea resumed after a two-week pause.",
    "Turkey has kept channels open to both Kyiv and Moscow since 2022.",
    "Did the summit change anything? Few observers thought so.",
    "Polls show most Ukrainians oppose giving up territory for peace.",
    "The talks are expected to last two days, according to a schedule seen by reporters.",
    "NATO allies will meet next week to discuss air defence supplies.",
]
HEADLINES = ["Leaders meet as pressure grows for a ceasefire", "Talks resume amid doubts over Moscow's intent",
             "Sanctions debate divides allies", "Diplomats weigh a deal in Istanbul",
             "Fighting continues as negotiators gather"]


def _sentences(seed_text: str) -> list[str]:
    from newsframe import parse

    out = []
    for ps, pe in parse.paragraph_spans(seed_text):
        out.extend(seed_text[s:e] for s, e in parse.sentence_spans(seed_text, ps, pe))
    return out


def make_corpus(n_docs: int, *, seed: int = 0) -> pd.DataFrame:
    """``n_docs`` articles of 500-800 words: a headline, then paragraphs of 1-4 recombined sentences."""
    from newsframe import config

    pool = _sentences(config.DEFAULT_SEED.read_text(encoding="utf-8")) + EXTRA_SENTENCES
    rng = random.Random(seed)
    rows = []
    for i in range(n_docs):
        target = rng.randint(500, 800)
        paragraphs, words = [], 0
        while words < target:
            para = rng.sample(pool, rng.randint(1, 4))
            paragraphs.append(" ".join(para))
            words += sum(len(s.split()) for s in para)
        title = rng.choice(HEADLINES)
        rows.append({"id": f"bench{i:05d}", "title": title, "source": "generated", "date": "",
                     "url": "", "text": title + "\n\n" + "\n\n".join(paragraphs)})
    return pd.DataFrame(rows)


def _modules(only: list[str] | None):
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        name = path.stem[len("bench_"):]
        if only and name not in only:
            continue
        spec = importlib.util.spec_from_file_location(f"newsframe_bench_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if callable(getattr(module, "run", None)):
            yield name, module


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents in the corpus (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the corpus")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only bench_NAME.py modules")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    corpus = make_corpus(args.docs, seed=args.seed)
    n_words = int(corpus["text"].str.split().str.len().sum())
    print(f"corpus: {len(corpus):,} documents, {n_words:,} words (whitespace-split), "
          f"made in {time.perf_counter() - t0:.1f}s", flush=True)

    results: dict[str, dict] = {}
    for name, module in _modules(args.only):
        print(f"running bench_{name} ...", flush=True)
        t = time.perf_counter()
        try:
            results[name] = dict(module.run(corpus.copy()))
        except Exception as exc:  # one broken module must not hide the others' numbers
            traceback.print_exc()
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        results[name].setdefault("wall_seconds", round(time.perf_counter() - t, 2))

    rows = [(name, metric, _fmt(value)) for name, metrics in results.items() for metric, value in metrics.items()]
    # Numbers line up on the right; long texts (dicts of per-item timings) just run on.
    w0 = max([len("module")] + [len(r[0]) for r in rows])
    w1 = max([len("metric")] + [len(r[1]) for r in rows])
    w2 = max([len("value")] + [len(r[2]) for r in rows if len(r[2]) <= 16])
    print()
    print(f"{'module':<{w0}}  {'metric':<{w1}}  {'value':>{w2}}")
    print(f"{'-' * w0}  {'-' * w1}  {'-' * w2}")
    for name, metric, value in rows:
        print(f"{name:<{w0}}  {metric:<{w1}}  {value:>{w2}}")

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    payload = {"corpus": {"documents": len(corpus), "words_whitespace": n_words, "seed": args.seed},
               "machine": {"python": platform.python_version(), "platform": platform.platform()},
               "results": results}
    (OUT_DIR / "results.json").write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    print(f"\nwrote {OUT_DIR / 'results.json'}")
    return 1 if any("error" in m for m in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
