"""Agreement measures shared by every validation: precision, recall, F1, the always-present baseline,
Cohen's kappa and Krippendorff's alpha (nominal).

All functions take plain sequences (coder labels and tool labels, aligned item by item) so that the
frames, roles and mentions validations compute them the same way.
"""
from __future__ import annotations

from collections import Counter
from typing import Hashable, Sequence

import pandas as pd

__all__ = ["precision_recall_f1", "binary_scores", "cohen_kappa", "krippendorff_alpha"]


def precision_recall_f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts; an empty denominator gives 0 (nothing right to report)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def binary_scores(coded: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float]:
    """Scores of a yes/no decision against coders, with the always-yes baseline beside it.

    Returns
    -------
    dict
        ``n``, ``n_coded`` (items coders said yes to), ``n_predicted``, ``tp``, ``fp``, ``fn``, ``precision``,
        ``recall``, ``f1``, ``baseline_f1`` (F1 of answering yes for every item), ``kappa`` and ``alpha``.
    """
    coded = [bool(x) for x in coded]
    predicted = [bool(x) for x in predicted]
    if len(coded) != len(predicted):
        raise ValueError("coded and predicted differ in length")
    tp = sum(c and p for c, p in zip(coded, predicted))
    fp = sum(p and not c for c, p in zip(coded, predicted))
    fn = sum(c and not p for c, p in zip(coded, predicted))
    p, r, f = precision_recall_f1(tp, fp, fn)
    n_coded = sum(coded)
    _, _, base = precision_recall_f1(n_coded, len(coded) - n_coded, 0)
    return {"n": len(coded), "n_coded": n_coded, "n_predicted": sum(predicted), "tp": tp, "fp": fp, "fn": fn,
            "precision": p, "recall": r, "f1": f, "baseline_f1": base,
            "kappa": cohen_kappa(coded, predicted), "alpha": krippendorff_alpha([coded, predicted])}


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa between two raters over the same items: (observed - expected) / (1 - expected).

    NaN when expected agreement is 1 (both raters give one and the same label to every item).
    """
    if len(a) != len(b):
        raise ValueError("raters differ in length")
    n = len(a)
    if n == 0:
        return float("nan")
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return float("nan") if expected == 1 else (observed - expected) / (1 - expected)


def krippendorff_alpha(raters: Sequence[Sequence[Hashable | None]]) -> float:
    """Krippendorff's alpha for nominal data: 1 - observed / expected disagreement.

    ``raters`` holds one sequence per rater, aligned by item; ``None`` (or NaN) marks a missing rating.
    Items with fewer than two ratings are left out, as the coefficient requires. Computed from the
    coincidence matrix (Krippendorff 2011, "Computing Krippendorff's alpha-reliability").
    """
    n_items = len(raters[0]) if raters else 0
    if any(len(r) != n_items for r in raters):
        raise ValueError("raters differ in length")
    coincidence: Counter = Counter()
    for i in range(n_items):
        values = [r[i] for r in raters if r[i] is not None and not (isinstance(r[i], float) and pd.isna(r[i]))]
        m = len(values)
        if m < 2:
            continue
        for x in range(m):
            for y in range(m):
                if x != y:
                    coincidence[(values[x], values[y])] += 1 / (m - 1)
    total = sum(coincidence.values())
    if total == 0:
        return float("nan")
    marginal: Counter = Counter()
    for (c, _), w in coincidence.items():
        marginal[c] += w
    observed = sum(w for (c, k), w in coincidence.items() if c != k)
    expected = sum(marginal[c] * marginal[k] for c in marginal for k in marginal if c != k) / (total - 1)
    if expected == 0:
        return float("nan")
    return 1 - observed / expected
