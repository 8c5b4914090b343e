"""Does a cheaper encoder (int8 weights, or bfloat16 arithmetic) keep the toward model's cross-validated macro-F1?

Encodes every NewsMTSC training target twice (float32, and either ``torch.ao.quantization.quantize_dynamic``
on the Linear layers with ``--mode int8`` or ``torch.autocast`` bfloat16 with ``--mode bf16``), then runs
the same grouped 5-fold cross-validation as ``newsframe train-toward`` (seed 0) on:

* float32 features (the shipped model's setting),
* the cheaper features for training and testing (a model retrained on that encoder),
* float32 features for training, the cheaper ones for testing (the shipped model fed by that encoder),

and times both encoders on the same sentences. A cheaper mode is kept only if macro-F1 stays within 0.01.

    python bench/quantize_toward.py ../shared/data/newsmtsc/train.jsonl [--mode int8|bf16]
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


def _dense(data, mode: str) -> tuple[np.ndarray, float]:
    cache = OUT / f"toward_dense_{mode}.npy"
    if cache.is_file():
        return np.load(cache), float("nan")
    encoder.set_quantized(mode == "int8")
    encoder.set_precision("bfloat16" if mode == "bf16" else "float32")
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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path", type=Path)
    p.add_argument("--mode", choices=["int8", "bf16"], default="int8")
    args = p.parse_args(argv)
    data = tw.read_newsmtsc(args.path)
    n_sent = data["sentence"].nunique()
    fp32, t_fp32 = _dense(data, "fp32")
    int8, t_int8 = _dense(data, args.mode)  # "int8" names the cheaper mode below, whichever it is
    feats = [tw.features(s, a, b) for s, a, b in zip(data["sentence"], data["start"], data["end"])]
    cos = (fp32 * int8).sum(1) / (np.linalg.norm(fp32, axis=1) * np.linalg.norm(int8, axis=1))
    res = {"n_targets": len(data), "n_sentences": int(n_sent),
           "fp32_sentences_per_s": round(n_sent / t_fp32, 1), f"{args.mode}_sentences_per_s": round(n_sent / t_int8, 1),
           "feature_cosine_mean": round(float(cos.mean()), 4), "feature_cosine_min": round(float(cos.min()), 4)}
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
