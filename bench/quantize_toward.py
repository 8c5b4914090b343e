"""Does a cheaper encoder (int8 weights, or bfloat16 arithmetic) keep the toward model's cross-validated macro-F1?

Encodes every NewsMTSC training target twice (float32, and either ``torch.ao.quantization.quantize_dynamic``
on all Linear layers with ``--mode int8``, on part of them with ``--mode int8ffn|int8ffn13|int8up|
int8notdown|int8notlast`` (see PARTIAL; int8notdown is the encoder's ``"int8part"``),
or ``torch.autocast`` bfloat16 with ``--mode bf16``), then runs the same grouped 5-fold cross-validation as
``newsframe train-toward`` (seed 0) on:

* float32 features (the shipped model's setting),
* the cheaper features for training and testing (a model retrained on that encoder),
* float32 features for training, the cheaper ones for testing (the shipped model fed by that encoder),

and times both encoders on the same sentences. A cheaper mode is kept only if macro-F1 stays within 0.01.

The sentences/s of the full encoding runs come from separate passes minutes apart, so on a loaded machine
they are rough; ``--speed N`` also times both encoders side by side in this process, alternating the modes
for ``--rounds`` rounds each (cache cleared before every pass, torch on 1 thread), on ``N`` sentences of the
benchmark corpus (``bench/corpus.py``, seed 0) and on ``N`` NewsMTSC sentences, and reports the median
seconds per mode and their ratio.

    python bench/quantize_toward.py ../shared/data/newsmtsc/train.jsonl [--mode int8|int8ffn|bf16] [--speed 300]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from newsframe import encoder, toward as tw

OUT = Path(__file__).resolve().parent / "out"


_L = range(6)
# Partial int8 modes tried (pairs of layer index 0-5 and Linear name): run through the encoder's "int8part"
# slot with its part set replaced for the run (int8notdown is that mode's own set).
PARTIAL = {
    "int8ffn": frozenset((i, k) for i in _L for k in ("up", "down")),        # both FFN Linear layers, all layers
    "int8ffn13": frozenset((i, k) for i in range(3) for k in ("up", "down")),  # FFN of layers 1-3
    "int8up": frozenset((i, "up") for i in _L),                               # FFN intermediate 384->1536 only
    "int8notdown": frozenset((i, k) for i in _L for k in ("q", "k", "v", "o", "up")),  # all but FFN output
    # = the encoder's "int8part" mode
    "int8notlast": frozenset((i, k) for i in range(5) for k in ("q", "k", "v", "o", "up", "down")),
}
_SHIPPED_PART = encoder._INT8_PARTS["int8part"]


def _set_mode(mode: str) -> None:
    encoder.set_quantized(mode == "int8")
    encoder.clear_cache()
    encoder._INT8_PARTS["int8part"] = PARTIAL.get(mode, _SHIPPED_PART)
    encoder.set_precision("bfloat16" if mode == "bf16" else "int8part" if mode in PARTIAL else "float32")


def _dense(data, mode: str) -> tuple[np.ndarray, float]:
    cache = OUT / f"toward_dense_{mode}.npy"
    if cache.is_file():
        return np.load(cache), float("nan")
    _set_mode(mode)
    encoder.sentence_vectors(["warm up the encoder"])
    t = time.perf_counter()
    dense = tw.embed_targets(list(data["sentence"]), list(zip(data["start"], data["end"])))
    seconds = time.perf_counter() - t
    OUT.mkdir(exist_ok=True)
    np.save(cache, dense)
    return dense, seconds


def _cv_mixed(data, feats, train_dense, test_dense, *, folds: int = 5, seed: int = 0) -> dict:
    from sklearn.model_selection import GroupKFold

    y = data["label"].to_numpy()
    pred = np.empty(len(y), dtype=object)
    for tr, te in GroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(feats, y, data["group"]):
        m = tw._model_from_dict(tw._fit([feats[i] for i in tr], y[tr], train_dense[tr], c=tw._DEFAULT_C_ENCODER,
                                        min_count=tw._MIN_COUNT, seed=seed), "cv")
        z = np.array([m.logits(feats[i]) for i in te])
        z = z + ((test_dense[te] - m.dense.mean) / m.dense.scale) @ m.dense.coef.T
        for i, row in zip(te, z):
            pred[i] = m.classes[int(np.argmax(row))]
    return tw._macro(y, pred)


def _corpus_sentences(n: int) -> list[str]:
    import importlib.util

    from newsframe import io, parse

    spec = importlib.util.spec_from_file_location("bench_corpus", Path(__file__).resolve().parent / "corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    docs = io.load_documents(corpus.make_corpus(max(2, n // 25 + 1), seed=0))
    texts = list(dict.fromkeys(parse.parse_documents(docs)[2]["text"]))
    return texts[:n]


def _speed(data, mode: str, n: int, rounds: int) -> dict:
    """Seconds to encode the same sentences in float32 and in ``mode``, alternating, ``rounds`` each."""
    import statistics

    encoder.set_threads(1)
    sets = {"corpus": _corpus_sentences(n), "newsmtsc": list(dict.fromkeys(data["sentence"]))[:n]}
    out = {}
    for name, texts in sets.items():
        times: dict[str, list[float]] = {"fp32": [], mode: []}
        for _ in range(rounds):
            for m in ("fp32", mode):
                _set_mode(m)
                encoder.sentence_vectors(["warm up the encoder"])
                encoder.clear_cache()
                t = time.perf_counter()
                encoder.span_vectors(texts, [(0, 1)] * len(texts), max_tokens=tw._MAX_TOKENS)
                times[m].append(time.perf_counter() - t)
        med = {m: statistics.median(v) for m, v in times.items()}
        out[name] = {"sentences": len(texts), "seconds": {m: [round(x, 2) for x in v] for m, v in times.items()},
                     "fp32_over_mode": round(med["fp32"] / med[mode], 3)}
        print(name, json.dumps(out[name]), flush=True)
    encoder.clear_cache()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path", type=Path)
    p.add_argument("--mode", choices=["int8", *PARTIAL, "bf16"], default="int8")
    p.add_argument("--speed", type=int, default=0, metavar="N", help="also time both modes side by side on N sentences of each set")
    p.add_argument("--rounds", type=int, default=3, help="rounds per mode of the side-by-side timing")
    p.add_argument("--speed-only", action="store_true", help="only the side-by-side timing")
    args = p.parse_args(argv)
    data = tw.read_newsmtsc(args.path)
    speed = _speed(data, args.mode, args.speed, args.rounds) if args.speed else None
    if args.speed_only:
        (OUT / f"speed_{args.mode}.json").write_text(json.dumps(speed, indent=2))
        return 0
    n_sent = data["sentence"].nunique()
    fp32, t_fp32 = _dense(data, "fp32")
    int8, t_int8 = _dense(data, args.mode)  # "int8" names the cheaper mode below, whichever it is
    feats = [tw.features(s, a, b) for s, a, b in zip(data["sentence"], data["start"], data["end"])]
    cos = (fp32 * int8).sum(1) / (np.linalg.norm(fp32, axis=1) * np.linalg.norm(int8, axis=1))
    res = {"n_targets": len(data), "n_sentences": int(n_sent),
           "fp32_sentences_per_s": round(n_sent / t_fp32, 1), f"{args.mode}_sentences_per_s": round(n_sent / t_int8, 1),
           "feature_cosine_mean": round(float(cos.mean()), 4), "feature_cosine_min": round(float(cos.min()), 4)}
    if speed:
        res["side_by_side"] = speed
    print(json.dumps(res), flush=True)
    res["cv_fp32"] = tw.cross_validate(data, encoder="minilm", _cache={"feats": feats, "dense": fp32})
    print("fp32", res["cv_fp32"], flush=True)
    res[f"cv_{args.mode}_retrained"] = tw.cross_validate(data, encoder="minilm", _cache={"feats": feats, "dense": int8})
    print(f"{args.mode} retrained", res[f"cv_{args.mode}_retrained"], flush=True)
    res[f"cv_fp32_model_{args.mode}_input"] = _cv_mixed(data, feats, fp32, int8)
    print(f"fp32 model, {args.mode} input", res[f"cv_fp32_model_{args.mode}_input"], flush=True)
    (OUT / f"quantize_toward_{args.mode}.json").write_text(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
