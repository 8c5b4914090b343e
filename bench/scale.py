"""Corpus-scale benchmark of ``newsframe tables`` (the streaming engine): memory and parallel speed-up.

Runs the real command in a subprocess on generated JSONL corpora and samples the resident memory of the
whole process tree (the command and its workers, summed) every 0.1 s with psutil:

* peak memory at 1x, 4x and 16x corpus size with ``--jobs 1`` (it should stay flat: batches stream);
* ``--jobs 1`` vs ``--jobs 2`` and ``--engine dask`` with a LocalCluster of 1 vs 2 workers at 4x;
* vaderSentiment's words/s on the same corpus in the same run, so figures from a loaded machine are read
  as ratios.

    python bench/scale.py [--docs 24] [--words 400] [--with-toward] [--skip-dask] [--json out.json]

The corpus generator never repeats a sentence (every sentence is checked against all earlier ones), so
no per-sentence cache can make the numbers look better than real text would. When the speed engineer's
``bench.bench.make_corpus`` exposes a non-repeating generator it can be used with ``--generator bench``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent

# Written for this benchmark: sentence frames and fillers; the generator combines them with numbers, days
# and places so that no sentence appears twice in a corpus.
_ACTORS = ["Volodymyr Zelensky", "Vladimir Putin", "Recep Tayyip Erdogan", "Emmanuel Macron", "Olaf Scholz",
           "the Kremlin", "the White House", "Kyiv", "Moscow", "Brussels", "NATO", "the European Union",
           "the United Nations", "Turkey", "Poland", "Hungary", "the foreign minister", "a senior diplomat",
           "the defence ministry", "opposition leaders", "local officials", "aid agencies", "farmers' unions",
           "the central bank", "Ukrainian troops", "Russian forces", "the prime minister", "Congress"]
_VERBS = ["said", "warned", "announced", "denied", "claimed", "insisted", "suggested", "argued", "confirmed",
          "reported", "admitted", "promised"]
_CLAIMS = ["talks would resume within {n} days", "{n} drones had been shot down overnight",
           "the ceasefire near {place} had collapsed", "aid worth {n} million euros would arrive by {day}",
           "sanctions on {n} banks would take effect on {day}", "grain exports through {place} rose {n} percent",
           "{n} civilians had been evacuated from {place}", "a prisoner exchange of {n} soldiers was agreed",
           "energy prices in {place} had climbed {n} percent since {day}",
           "the summit in {place} would last {n} hours", "{n} delegates had left the meeting early",
           "negotiators in {place} failed to agree after {n} rounds"]
_OPENERS = ["On {day},", "Late on {day},", "In {place},", "Speaking in {place},", "After {n} hours of talks,",
            "Earlier this week,", "In a statement,", "According to officials,"]
_COMMENTS = ["{actor} called the proposal {adj}.", "Critics described the plan as {adj} and {adj2}.",
             "The decision drew {adj} reactions from {actor}.", "Observers in {place} said the mood was {adj}.",
             "{actor} dismissed the report as {adj}.", "Residents of {place} described the night as {adj}."]
_ADJ = ["vague", "bold", "reckless", "overdue", "encouraging", "alarming", "cautious", "hopeful", "hostile",
        "premature", "realistic", "disastrous", "welcome", "troubling", "fragile", "decisive"]
_PLACES = ["Istanbul", "Ankara", "Odesa", "Kharkiv", "Geneva", "Warsaw", "Budapest", "Vilnius", "Riga",
           "the Black Sea", "Donetsk", "Zaporizhzhia", "Vienna", "Helsinki", "Bucharest", "Chisinau"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _sentence(rng: random.Random) -> str:
    slots = {"n": f"{rng.randint(2, 9999):,}", "place": rng.choice(_PLACES), "day": rng.choice(_DAYS),
             "actor": rng.choice(_ACTORS), "adj": rng.choice(_ADJ), "adj2": rng.choice(_ADJ)}
    if rng.random() < 0.3:
        s = rng.choice(_COMMENTS).format(**slots)
    else:
        opener = rng.choice(_OPENERS).format(**slots) + " " if rng.random() < 0.5 else ""
        s = f"{opener}{rng.choice(_ACTORS)} {rng.choice(_VERBS)} that {rng.choice(_CLAIMS).format(**slots)}."
    return s[0].upper() + s[1:]


def make_corpus(n_docs: int, *, words_per_doc: int = 400, seed: int = 0) -> list[dict]:
    """``n_docs`` articles of about ``words_per_doc`` words; no sentence occurs twice in the corpus."""
    rng = random.Random(seed)
    seen: set[str] = set()
    docs = []
    for i in range(n_docs):
        paragraphs, n_words = [], 0
        while n_words < words_per_doc:
            para = []
            for _ in range(rng.randint(2, 4)):
                s = _sentence(rng)
                while s in seen:
                    s = _sentence(rng)
                seen.add(s)
                para.append(s)
                n_words += len(s.split())
            paragraphs.append(" ".join(para))
        docs.append({"id": f"a{i:06d}", "source": f"Outlet {i % 5}", "date": f"2025-03-{i % 28 + 1:02d}",
                     "text": "\n\n".join(paragraphs)})
    return docs


def _write(docs: list[dict], path: Path) -> int:
    with path.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    return sum(len(d["text"].split()) for d in docs)


def _pss(pid: int) -> int:
    """Proportional set size (bytes; Linux): a page shared by k processes counts 1/k in each, so the sum over
    a fork server and its workers, which share the models' pages, is the memory they really take."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_memory(proc) -> tuple[int, int]:
    """Summed (RSS, PSS) of a process and all its children."""
    import psutil

    rss = pss = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    for p in procs:
        try:
            rss += p.memory_info().rss
        except psutil.NoSuchProcess:
            continue
        pss += _pss(p.pid)
    return rss, pss


def measure(argv: list[str]) -> dict:
    """Wall time and the peak summed RSS and PSS of a command and all its children (RSS counts a page shared
    by workers once per worker; PSS splits it between them)."""
    import psutil

    started = time.perf_counter()
    popen = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    proc = psutil.Process(popen.pid)
    peak = peak_pss = 0
    while popen.poll() is None:
        rss, pss = _tree_memory(proc)
        peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    err = popen.stderr.read()
    if popen.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({popen.returncode}): {err[-2000:]}")
    return {"seconds": seconds, "peak_rss_mb": peak / 2**20, "peak_pss_mb": peak_pss / 2**20}


def vader_words_per_second(docs: list[dict]) -> float:
    """vaderSentiment alone, sentence by sentence over the same texts (the reference measured in the same run)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    sentences = [s for d in docs for s in d["text"].replace("\n\n", " ").split(". ")]
    words = sum(len(s.split()) for s in sentences)
    started = time.perf_counter()
    for s in sentences:
        analyzer.polarity_scores(s)
    return words / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=24, help="articles in the 1x corpus (default 24)")
    parser.add_argument("--words", type=int, default=400, help="words per article (default 400)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 16], help="corpus multiples")
    parser.add_argument("--parallel-size", type=int, default=4, help="multiple used for jobs/Dask speed-ups")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--with-toward", action="store_true", help="include actor_sentiment (the MiniLM encoder)")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    newsframe = str(Path(sys.executable).with_name("newsframe"))
    sys.path.insert(0, str(REPO / "lib"))
    from newsframe import engine

    tables = [t for t in engine.table_names() if args.with_toward or t != "actor_sentiment"]
    work = Path(tempfile.mkdtemp(prefix="newsframe-scale-"))
    results = {"machine": {"cores": engine.default_jobs(), "load_1min": os.getloadavg()[0]},
               "tables": "all" if args.with_toward else "all but actor_sentiment", "runs": []}
    try:
        corpora = {}
        for k in sorted(set(args.sizes) | {args.parallel_size}):
            docs = make_corpus(args.docs * k, words_per_doc=args.words, seed=k)
            path = work / f"corpus_{k}x.jsonl"
            corpora[k] = (path, _write(docs, path), len(docs))
            if k == args.parallel_size:
                results["vader_words_per_s"] = vader_words_per_second(docs)
            del docs

        def one(label: str, k: int, extra: list[str]) -> None:
            path, words, n_docs = corpora[k]
            out = work / "out"
            shutil.rmtree(out, ignore_errors=True)
            m = measure([newsframe, "tables", str(path), "--out", str(out), "--format", "parquet",
                         "--batch-size", str(args.batch_size), "--no-progress", "--tables", *tables, *extra])
            m.update(label=label, size=f"{k}x", documents=n_docs, words=words, words_per_s=words / m["seconds"])
            m["ratio_to_vader"] = m["words_per_s"] / results["vader_words_per_s"]
            results["runs"].append(m)
            print(f"{label:<24} {k:>3}x {n_docs:>6} docs {words:>9,} words {m['seconds']:>8.1f} s "
                  f"{m['words_per_s']:>8,.0f} words/s (x{m['ratio_to_vader']:.4f} vader) "
                  f"peak {m['peak_rss_mb']:>7,.0f} MB", flush=True)

        for k in args.sizes:
            one("jobs 1", k, ["--jobs", "1"])
        p = args.parallel_size
        if p not in args.sizes:
            one("jobs 1", p, ["--jobs", "1"])
        one("jobs 2", p, ["--jobs", "2"])
        if not args.skip_dask:
            one("dask 1 worker", p, ["--engine", "dask", "--jobs", "1"])
            one("dask 2 workers", p, ["--engine", "dask", "--jobs", "2"])
        by = {(r["label"], r["size"]): r for r in results["runs"]}
        base = by[("jobs 1", f"{p}x")]["seconds"]
        results["speedup_jobs_2"] = base / by[("jobs 2", f"{p}x")]["seconds"]
        if not args.skip_dask:
            results["speedup_dask_2_vs_1"] = (by[("dask 1 worker", f"{p}x")]["seconds"]
                                              / by[("dask 2 workers", f"{p}x")]["seconds"])
        print(f"vaderSentiment alone: {results['vader_words_per_s']:,.0f} words/s; "
              f"jobs 2 vs 1: x{results['speedup_jobs_2']:.2f}"
              + ("" if args.skip_dask else f"; dask 2 vs 1 workers: x{results['speedup_dask_2_vs_1']:.2f}")
              + f"; machine load {results['machine']['load_1min']:.1f} on {results['machine']['cores']} cores")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
