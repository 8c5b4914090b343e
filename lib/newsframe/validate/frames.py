"""Frames against human coders: read a coded corpus, score the frame coder, calibrate the generic decision.

A *coded corpus* gives, per article, its text (or an id that names a text file) and one yes/no column per
frame. Three layouts are read:

* a table (``.tsv``, ``.csv`` or ``.jsonl``) with ``text`` (or ``id`` plus a texts folder) and one column per
  frame, values ``True``/``False``, ``yes``/``no`` or ``1``/``0``. Frame columns are the generic frames
  (``conflict``, ``responsibility``, ``human_interest``, ``economic``, ``morality``, ``resolution``), the 14
  policy frames (``Economic``, ..., ``External_regulation_and_reputation``), or the Narrative Frames
  Corpus codes (``CO``, ``HI``, ``EC``, ``MO``, ``RE``; its ``ID`` column is the id). The NFC
  ``articles.tsv`` is such a table;
* the SemEval-2023 Task 3 label layout: a ``.txt``/``.tsv`` file of lines ``article_id<TAB>Frame1,Frame2``
  (no header) with the texts in a folder (``article<ID>.txt`` or ``<ID>.txt``), given as ``texts``.

:func:`score_frames` runs newsframe on the texts and compares each frame with the coders: precision,
recall, F1, the always-present baseline, Cohen's kappa and Krippendorff's alpha (two raters: tool and
coders). :func:`calibrate_generic` fits the generic-frame decision (``data/models/frames_generic.json``)
on a corpus coded item by item (item models per coding-sheet question, combined by the corpus' rule), and
:func:`cross_validate_generic` / :func:`cross_validate_coded` score that fit by article or by outlet folds;
:func:`score_items` compares each item answer with the coders' question codes.
"""
from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import NewsframeError

__all__ = ["NFC_CODES", "NFC_ITEM_OF", "NFC_ITEM_RULES", "read_coded", "score_items", "read_item_codes", "score_frames", "generic_item_features",
           "calibrate_generic", "cross_validate_coded", "cross_validate_generic", "format_cv_table", "outlet_key"]

# Narrative Frames Corpus article codes -> the view of frames_generic that answers them. RE is the corpus'
# "resolution" (its solution and alleviation questions), which the coder reports both as S&V's wider
# responsibility frame and as the narrower resolution view.
NFC_CODES: dict[str, str] = {"CO": "conflict", "HI": "human_interest", "EC": "economic", "MO": "morality",
                             "RE": "resolution"}
GENERIC_VIEWS = ("conflict", "responsibility", "human_interest", "economic", "morality", "resolution")
_YES = {"true", "yes", "1", "y", "t", "1.0", "present"}
_NO = {"false", "no", "0", "n", "f", "0.0", "", "absent", "false)"}


def _truth(value: Any, where: str) -> bool:
    v = str(value).strip().lower()
    if v in _YES:
        return True
    if v in _NO:
        return False
    raise NewsframeError(f"{where}: {value!r} is not a yes/no code (use True/False, yes/no or 1/0)")


def _policy_frames() -> tuple[str, ...]:
    from ..frames import POLICY_FRAMES
    return POLICY_FRAMES


def _read_texts(folder: Path, ids: Iterable[str]) -> dict[str, str]:
    out = {}
    for i in ids:
        for name in (f"article{i}.txt", f"{i}.txt", f"{i}"):
            p = folder / name
            if p.is_file():
                out[i] = p.read_text(encoding="utf-8", errors="replace")
                break
        else:
            raise NewsframeError(f"{folder}: no text for article {i!r} (looked for article{i}.txt and {i}.txt)")
    return out


def read_coded(path: str | Path, *, texts: str | Path | None = None) -> pd.DataFrame:
    """Read a human-coded corpus into one row per article.

    Parameters
    ----------
    path
        The coded file: a ``.tsv``/``.csv``/``.jsonl`` table, or SemEval-2023 Task 3 labels (see module doc).
    texts
        Folder of article texts, when the file gives ids rather than texts.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``text``, ``source`` (outlet when the file has one, else empty) and one boolean column per
        coded frame, named as newsframe names it (NFC codes become ``conflict``, ..., ``resolution``).
    """
    path = Path(path)
    if not path.is_file():
        raise NewsframeError(f"{path}: no such coded file")
    folder = Path(texts) if texts else None
    if folder is not None and not folder.is_dir():
        raise NewsframeError(f"{folder}: no such texts folder")
    raw = path.read_text(encoding="utf-8", errors="replace")
    if not raw.strip():
        raise NewsframeError(f"{path}: empty coded file")
    first = raw.lstrip().splitlines()[0]
    policy = _policy_frames()
    semeval = re.fullmatch(r"[^\t,]+\t[A-Za-z_]+(?:,[A-Za-z_]+)*\s*|[^\t,]+\t\s*", first) is not None and \
        not any(k in first.split("\t") for k in ("text", "id", "ID"))
    if semeval:
        if folder is None:
            raise NewsframeError(f"{path}: SemEval-style labels (id<TAB>frames) need the texts folder (--texts)")
        rows = []
        for n, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            aid, _, labels = line.partition("\t")
            names = [x.strip() for x in labels.split(",") if x.strip()]
            unknown = [x for x in names if x not in policy and x != "Other"]
            if unknown:
                raise NewsframeError(f"{path} line {n}: unknown frame {unknown[0]!r}")
            rows.append({"id": aid.strip(), **{f: f in names for f in policy}})
        frame = pd.DataFrame(rows)
        got = _read_texts(folder, frame["id"])
        frame.insert(1, "text", frame["id"].map(got))
        frame.insert(2, "source", "")
        return frame
    try:
        if path.suffix.lower() == ".jsonl":
            table = pd.read_json(path, lines=True, dtype=False)
        else:
            sep = "\t" if path.suffix.lower() in (".tsv", ".tab") or "\t" in first else ","
            csv.field_size_limit(2 ** 31 - 1)
            table = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, engine="python",
                                quoting=csv.QUOTE_MINIMAL)
    except (ValueError, pd.errors.ParserError, csv.Error) as exc:
        raise NewsframeError(f"{path}: not a readable coded table ({str(exc).splitlines()[0]})") from None
    table = table.rename(columns={c: c.strip() for c in table.columns})
    rename = {"ID": "id"} if "ID" in table.columns and "id" not in table.columns else {}
    rename.update({c: NFC_CODES[c] for c in table.columns if c in NFC_CODES})
    table = table.rename(columns=rename)
    known = set(GENERIC_VIEWS) | set(policy)
    frames = [c for c in table.columns if c in known]
    if not frames:
        raise NewsframeError(f"{path}: no frame columns (expected e.g. conflict, Economic, or the NFC codes CO HI EC MO RE)")
    if "text" not in table.columns:
        if "id" not in table.columns or folder is None:
            raise NewsframeError(f"{path}: needs a text column, or an id column and the texts folder (--texts)")
        table["id"] = table["id"].astype(str)
        got = _read_texts(folder, table["id"])
        table["text"] = table["id"].map(got)
    if "id" not in table.columns:
        table["id"] = [str(i + 1) for i in range(len(table))]
    out = pd.DataFrame({"id": table["id"].astype(str), "text": table["text"].astype(str),
                        "source": table["source"].astype(str) if "source" in table.columns else ""})
    for f in frames:
        out[f] = [_truth(v, f"{path} row {i + 2}, {f}") for i, v in enumerate(table[f].tolist())]
    if out["id"].duplicated().any():
        raise NewsframeError(f"{path}: article id {out['id'][out['id'].duplicated()].iloc[0]!r} appears twice")
    empty = out["text"].str.strip() == ""
    if empty.any():
        raise NewsframeError(f"{path}: article {out['id'][empty].iloc[0]!r} has no text")
    return out.reset_index(drop=True)


def outlet_key(source: str) -> str:
    """An outlet name folded so that spellings of one outlet meet ('The Daily Caller' = 'thedailycaller')."""
    key = re.sub(r"[^a-z0-9]", "", str(source).lower())
    return key[3:] if key.startswith("the") and len(key) > 3 else key


# -- scoring --------------------------------------------------------------------------------------------
def _binary_scores(coded: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float]:
    from .metrics import binary_scores
    return binary_scores(coded, predicted)


def predicted_frames(analysis: Any, frames: Sequence[str]) -> pd.DataFrame:
    """The tool's yes/no per document for the asked frames (generic views and policy frames).

    Returns a DataFrame indexed by doc_id with one boolean column per frame.
    """
    from .. import frames as fr
    docs = list(analysis.documents["doc_id"])
    out = pd.DataFrame(index=docs)
    generic = [f for f in frames if f in GENERIC_VIEWS]
    if generic:
        decided = fr.decide_generic_frames(analysis.table("frames_generic"))
        piv = decided.pivot(index="doc_id", columns="frame", values="present")
        for f in generic:
            out[f] = piv[f].reindex(docs).fillna(False).astype(bool)
    policy = [f for f in frames if f in fr.POLICY_FRAMES]
    if policy:
        pol = analysis.table("frames_policy")
        piv = pol.pivot(index="doc_id", columns="frame", values="present")
        for f in policy:
            out[f] = piv[f].reindex(docs).fillna(False).astype(bool)
    return out


def score_frames(coded: pd.DataFrame, *, options: Mapping[str, Any] | None = None,
                 analysis: Any = None) -> pd.DataFrame:
    """Score newsframe's frame decisions against coders, frame by frame.

    Parameters
    ----------
    coded
        From :func:`read_coded`.
    options
        Options passed to :func:`newsframe.analyze` (lexicon paths, ...).
    analysis
        An Analysis of ``coded``'s texts already built (doc ids = coded ids); built here when ``None``.

    Returns
    -------
    pandas.DataFrame
        One row per coded frame (with resolution codes, also ``responsibility (vs resolution codes)``), then
        ``micro`` and ``macro`` rows over the coded frames: frame, n, n_coded, n_predicted, precision, recall,
        f1, baseline_f1 (every article marked present), kappa, alpha (Cohen's kappa and Krippendorff's alpha
        between the tool and the coders' yes/no, per frame; macro = their mean).
    """
    from ..analysis import analyze
    frames = [c for c in coded.columns if c not in ("id", "text", "source")]
    if analysis is None:
        docs = pd.DataFrame({"id": coded["id"], "text": coded["text"], "source": coded["source"]})
        analysis = analyze(docs, **dict(options or {}))
    # The corpus' resolution codes are also the nearest thing to S&V's responsibility frame: score both.
    pairs = [(f, f, f) for f in frames]
    if "resolution" in frames:
        pairs.append(("responsibility (vs resolution codes)", "resolution", "responsibility"))
    pred = predicted_frames(analysis, [p for _, _, p in pairs])
    pred.index = list(coded["id"])
    rows, tp = [], {"tp": 0, "fp": 0, "fn": 0, "n_coded": 0, "n": 0, "n_predicted": 0}
    for label, col, view in pairs:
        s = _binary_scores(coded[col].tolist(), pred[view].tolist())
        rows.append({"frame": label, **{k: s[k] for k in ("n", "n_coded", "n_predicted", "precision", "recall",
                                                            "f1", "baseline_f1", "kappa", "alpha")}})
        if col == view:
            for k in tp:
                tp[k] += s[k]
    table = pd.DataFrame(rows)
    scored = table[[not str(f).startswith("responsibility (") for f in table["frame"]]]
    if len(frames) > 1:
        p = tp["tp"] / (tp["tp"] + tp["fp"]) if tp["tp"] + tp["fp"] else 0.0
        r = tp["tp"] / (tp["tp"] + tp["fn"]) if tp["tp"] + tp["fn"] else 0.0
        base_p = tp["n_coded"] / tp["n"] if tp["n"] else 0.0
        micro = {"frame": "micro", "n": tp["n"], "n_coded": tp["n_coded"], "n_predicted": tp["n_predicted"],
                 "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                 "baseline_f1": 2 * base_p / (1 + base_p) if base_p else 0.0,
                 "kappa": float("nan"), "alpha": float("nan")}
        macro = {"frame": "macro", "n": tp["n"], "n_coded": tp["n_coded"], "n_predicted": tp["n_predicted"],
                 **{k: float(scored[k].mean()) for k in ("precision", "recall", "f1", "baseline_f1", "kappa", "alpha")}}
        table = pd.concat([table, pd.DataFrame([micro, macro])], ignore_index=True)
    return table


def format_frame_scores(table: pd.DataFrame) -> str:
    """The scores as aligned text for the terminal: one line per frame, then micro and macro."""
    head = f"{'frame':44s} {'n':>4s} {'coded':>5s} {'tool':>5s} {'P':>6s} {'R':>6s} {'F1':>6s} {'always':>6s} {'kappa':>6s} {'alpha':>6s}"
    lines = [head]

    def num(x: float) -> str:
        return "   nan" if x != x else f"{x:6.3f}"
    for r in table.itertuples(index=False):
        lines.append(f"{str(r.frame):44s} {int(r.n):4d} {int(r.n_coded):5d} {int(r.n_predicted):5d} {num(r.precision)} "
                     f"{num(r.recall)} {num(r.f1)} {num(r.baseline_f1)} {num(r.kappa)} {num(r.alpha)}")
    lines.append("always = F1 of marking the frame present in every article; kappa/alpha: tool vs coders")
    return "\n".join(lines)


def write_frame_scores(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the scores as CSV, all or nothing (a temporary file beside ``path``, renamed when complete)."""
    import os
    import tempfile
    path = Path(path)
    if path.exists() and path.is_dir():
        raise NewsframeError(f"{path}: is a folder; give a CSV file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            table.to_csv(fh, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# -- calibration of the generic decision ------------------------------------------------------------------
def generic_item_features(frames_generic: pd.DataFrame, *, lead_sentences: int = 5) -> pd.DataFrame:
    """:func:`newsframe.frames.generic_frame_features` (the features the decision reads)."""
    from ..frames import generic_frame_features
    return generic_frame_features(frames_generic, lead_sentences=lead_sentences)


def _views() -> dict[str, list[str]]:
    from ..frames import GENERIC_ITEMS
    items: dict[str, list[str]] = {}
    for frame, item, _, _ in GENERIC_ITEMS:
        items.setdefault(frame, []).append(item)
    # The NFC resolution frame: a solution (R3) and someone able to alleviate the problem (R1); urgency (R5)
    # is its other question in the coding sheet.
    items["resolution"] = ["R1", "R3", "R5"]
    return items


def _f1(y: np.ndarray, p: np.ndarray) -> float:
    tp = int((y & p).sum())
    fp = int((~y & p).sum())
    fn = int((y & ~p).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


_THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.025), 3)
# Regularisation strengths tried inside the training folds (the choice never sees the fold it is scored on).
_CS = (0.1, 1.0)

# How the Narrative Frames Corpus turns its coding-sheet answers into article codes (checked: these rules
# reproduce all 256 article codes of the development part from the aggregated item answers): conflict =
# at least two of co1-co3, human interest = two of hi1, hi2, hi5, economic = two of ec1-ec3, morality =
# mo1 or mo2, resolution = re2 (a solution) and re6 (an entity could alleviate the problem).
NFC_ITEM_RULES: dict[str, tuple[tuple[str, ...], str]] = {
    "conflict": (("co1", "co2", "co3"), "majority"),
    "responsibility": (("re2", "re6"), "all"),
    "human_interest": (("hi1", "hi2", "hi5"), "majority"),
    "economic": (("ec1", "ec2", "ec3"), "majority"),
    "morality": (("mo1", "mo2"), "any"),
    "resolution": (("re2", "re6"), "all"),
}


# Semetko & Valkenburg items as newsframe answers them -> the NFC coding-sheet question closest to each
# (R1 is the NFC's "some entity could alleviate", wider than government; R2 and R4 share "some entity is
# responsible"; H4 private lives is the NFC's hi5).
NFC_ITEM_OF: dict[str, str] = {"C1": "co1", "C2": "co2", "C3": "co3", "C4": "co4", "R1": "re6", "R2": "re7",
                               "R3": "re2", "R4": "re7", "R5": "re5", "H1": "hi1", "H2": "hi2", "H3": "hi3",
                               "H4": "hi5", "M1": "mo1", "M2": "mo2", "M3": "mo3", "E1": "ec1", "E2": "ec2",
                               "E3": "ec3"}


def score_items(frames_generic: pd.DataFrame, items: pd.DataFrame, *, ids: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Each item answer of ``frames_generic`` against the coders' answer to the matching NFC question
    (:data:`NFC_ITEM_OF`): item, question, n_coded (agreed yes), n_tool (answered yes), precision, recall, f1.
    ``ids`` maps doc_id to the coded id when they differ."""
    fg = frames_generic.assign(id=frames_generic["doc_id"].map(ids) if ids else frames_generic["doc_id"])
    piv = fg.pivot_table(index="id", columns="item", values="answer", aggfunc="max").reindex(items.index).fillna(0)
    rows = []
    for item, q in NFC_ITEM_OF.items():
        if q not in items.columns or item not in piv.columns:
            continue
        s = _binary_scores(items[q].tolist(), piv[item].astype(bool).tolist())
        rows.append({"item": item, "question": q, "n_coded": s["n_coded"], "n_tool": s["n_predicted"],
                     "precision": s["precision"], "recall": s["recall"], "f1": s["f1"]})
    return pd.DataFrame(rows)


def read_item_codes(path: str | Path, ids: Sequence[str]) -> pd.DataFrame:
    """The coders' aggregated answer per coding-sheet question (NFC ``item_annotations.json``): one row per
    article id (in ``ids`` order), one boolean column per question, True only for an agreed ``yes``
    ("NO AGREEMENT" counts as no, as in the corpus' own article codes)."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NewsframeError(f"{path}: not a readable item-code file ({exc})") from None
    missing = [i for i in ids if str(i) not in raw]
    if missing:
        raise NewsframeError(f"{path}: no item codes for article {missing[0]!r}")
    questions = sorted({q for i in ids for q in raw[str(i)] if not q.startswith("_")})
    return pd.DataFrame([{q: (raw[str(i)].get(q, ["no"])[0] == "yes") for q in questions} for i in ids],
                        index=[str(i) for i in ids])


def _view_columns(view: str) -> list[str]:
    return [c_ for it in _views()[view] for c_ in (it, f"{it}@lead")]


def _combine(ps: list[np.ndarray], how: str) -> np.ndarray:
    from ..frames import _combine_items
    return np.array([_combine_items(list(col), how) for col in zip(*ps)])


def _fit_probs(X: np.ndarray, targets: list[np.ndarray], how: str, c: float) -> list[Any]:
    from sklearn.linear_model import LogisticRegression
    models = []
    for t in targets:
        if len(set(t)) < 2:  # a question nobody (or everybody) answered yes in these rows: a constant model
            models.append(float(t.mean()))
            continue
        models.append(LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(X, t))
    return models


def _predict(models: list[Any], X: np.ndarray, how: str) -> np.ndarray:
    ps = [np.full(len(X), m) if isinstance(m, float) else m.predict_proba(X)[:, 1] for m in models]
    return ps[0] if how == "single" else _combine(ps, how)


def _fit(X: np.ndarray, y: np.ndarray, targets: list[np.ndarray], how: str, *, folds: int,
         seed: int) -> tuple[list[Any], float, float]:
    """Fit one view on these rows: item models (``targets``, combined by ``how``) or one frame model
    (``how='single'``, ``targets=[y]``). C and the threshold are chosen by out-of-fold F1 over inner
    stratified folds of these rows only; returns (models refitted on all rows, C, threshold)."""
    from sklearn.model_selection import StratifiedKFold
    best = (-1.0, 0.0, _CS[0], 0.5)
    k = max(2, min(folds, int(y.sum()), int((~y).sum())))
    for c in _CS:
        oof = np.zeros(len(y))
        for tr, te in StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(X, y):
            oof[te] = _predict(_fit_probs(X[tr], [t[tr] for t in targets], how, c), X[te], how)
        th = float(max(_THRESHOLDS, key=lambda t: (_f1(y, oof >= t), -abs(t - 0.5))))
        score = (_f1(y, oof >= th), -abs(th - 0.5), c, th)
        if score[:2] > best[:2]:
            best = score
    _, _, c, th = best
    return _fit_probs(X, targets, how, c), c, th


def _targets(view: str, target: str, coded: pd.DataFrame, items: pd.DataFrame | None) -> tuple[list[np.ndarray], str]:
    rule = NFC_ITEM_RULES.get(view)
    if items is not None and rule and all(q in items.columns for q in rule[0]):
        return [items[q].to_numpy(bool) for q in rule[0]], rule[1]
    return [coded[target].to_numpy(bool)], "single"


def cross_validate_generic(features: pd.DataFrame, coded: pd.DataFrame, *, items: pd.DataFrame | None = None,
                           groups: Sequence[str] | None = None, folds: int = 5, repeats: int = 3,
                           views: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Outer cross-validation of the generic decision. Folds are by article (stratified on the frame code,
    shuffled, ``repeats`` times with different seeds) or, given ``groups``, grouped by outlet (one split).
    In every outer fold the item models, C and the threshold are chosen and fitted on the training articles
    only (inner stratified folds) and scored on the held-out articles.

    Returns per view: target, n, n_coded, n_predicted, precision, recall, f1, baseline_f1 (always present),
    kappa, alpha, each the mean over the repeats, and f1_min / f1_max over the repeats.
    """
    from sklearn.model_selection import GroupKFold, StratifiedKFold
    views = dict(views or {v: ("resolution" if v == "responsibility" else v) for v in GENERIC_VIEWS})
    rows = []
    for view, target in views.items():
        if target not in coded.columns:
            continue
        X = features[_view_columns(view)].to_numpy(float)
        y = coded[target].to_numpy(bool)
        targets, how = _targets(view, target, coded, items)
        runs = []
        for r in range(1 if groups is not None else repeats):
            pred = np.zeros(len(y), bool)
            split = (GroupKFold(n_splits=folds).split(X, y, np.asarray(list(groups))) if groups is not None
                     else StratifiedKFold(n_splits=folds, shuffle=True, random_state=r).split(X, y))
            for tr, te in split:
                models, _, th = _fit(X[tr], y[tr], [t[tr] for t in targets], how, folds=folds, seed=r)
                pred[te] = _predict(models, X[te], how) >= th
            runs.append(_binary_scores(y.tolist(), pred.tolist()))
        keys = ("n", "n_coded", "n_predicted", "precision", "recall", "f1", "baseline_f1", "kappa", "alpha")
        row = {"view": view, "target": target, "model": "items " + how if how != "single" else "frame"}
        row.update({k: float(np.mean([s[k] for s in runs])) for k in keys})
        row.update({"f1_min": min(s["f1"] for s in runs), "f1_max": max(s["f1"] for s in runs)})
        rows.append(row)
    return pd.DataFrame(rows)


def calibrate_generic(features: pd.DataFrame, coded: pd.DataFrame, *, items: pd.DataFrame | None = None,
                      folds: int = 5, lead_sentences: int = 5, provenance: str = "") -> dict[str, Any]:
    """Fit the generic-frame decision on a coded corpus, per view: item models combined by the corpus'
    aggregation rule when ``items`` holds the coders' question codes (:data:`NFC_ITEM_RULES`), else one
    logistic rule against the frame code; C and the threshold by out-of-fold F1 over stratified folds.

    ``responsibility`` and ``resolution`` are both fitted against the ``resolution`` codes (the NFC RE
    frame): the first over all five responsibility items, the second over R1, R3 and R5 only.

    Returns the model as a dict, ready for ``json.dump`` (the layout :func:`newsframe.frames.decide_generic_frames`
    reads).
    """
    out: dict[str, Any] = {"lead_sentences": lead_sentences, "provenance": provenance, "views": {}}
    for view in GENERIC_VIEWS:
        target = "resolution" if view == "responsibility" else view
        if target not in coded.columns:
            continue
        cols = _view_columns(view)
        X = features[cols].to_numpy(float)
        y = coded[target].to_numpy(bool)
        targets, how = _targets(view, target, coded, items)
        models, c, th = _fit(X, y, targets, how, folds=folds, seed=0)

        def params(m: Any) -> dict[str, Any]:
            if isinstance(m, float):
                return {"weights": [0.0] * len(cols), "bias": round(math.log(max(m, 1e-6) / max(1 - m, 1e-6)), 4)}
            return {"weights": [round(float(w), 4) for w in m.coef_[0]], "bias": round(float(m.intercept_[0]), 4)}
        spec: dict[str, Any] = {"target": target, "features": cols, "C": c, "threshold": th}
        if how == "single":
            spec.update(params(models[0]))
        else:
            spec.update({"combine": how, "items": {q: params(m) for q, m in zip(NFC_ITEM_RULES[view][0], models)}})
        out["views"][view] = spec
    return out


def calibrate_generic_on_nfc(nfc_dir: str | Path, *, out: str | Path | None = None, folds: int = 5,
                             repeats: int = 3) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """Refit ``data/models/frames_generic.json`` on the Narrative Frames Corpus (``articles.tsv`` and, when
    present, ``item_annotations.json``) and return (model, cross-validation by article, cross-validation
    grouped by outlet). Nothing of the corpus but the fitted numbers is written."""
    from .. import frames as fr
    from ..analysis import analyze
    nfc_dir = Path(nfc_dir)
    coded = read_coded(nfc_dir / "articles.tsv")
    items_path = nfc_dir / "item_annotations.json"
    items = read_item_codes(items_path, list(coded["id"])) if items_path.is_file() else None
    analysis = analyze(pd.DataFrame({"id": coded["id"], "text": coded["text"], "source": coded["source"]}))
    # The decision is refitted, so the features must not depend on it: the item rows are enough.
    table = analysis.table("frames_generic")
    features = generic_item_features(table).loc[list(analysis.documents["doc_id"])]
    features.index = list(coded["id"])
    if items is not None:
        ids = dict(zip(analysis.documents["doc_id"], coded["id"]))
        print("item answers against the coders' question codes:")
        print(score_items(table, items, ids=ids).round(2).to_string(index=False))
    cv = cross_validate_generic(features, coded, items=items, folds=folds, repeats=repeats)
    groups = [outlet_key(s) for s in coded["source"]]
    cv_outlet = cross_validate_generic(features, coded, items=items, groups=groups, folds=folds)
    provenance = (f"Fitted by newsframe.validate.frames.calibrate_generic_on_nfc on the development part of the "
                  f"Narrative Frames Corpus (Frermann et al. 2023, MIT; {len(coded)} articles, "
                  f"{len(set(groups))} outlets): per view, logistic item models (one per coding-sheet question "
                  f"of the corpus' aggregation rule, balanced classes) combined by that rule, C in {list(_CS)} "
                  f"and the threshold chosen by out-of-fold F1 over {folds} stratified folds.")
    model = calibrate_generic(features, coded, items=items, folds=folds, provenance=provenance)

    def figures(t: pd.DataFrame) -> dict[str, Any]:
        return {r.view: {"target": r.target, **{k: round(float(getattr(r, k)), 3) for k in (
            "precision", "recall", "f1", "baseline_f1", "kappa", "f1_min", "f1_max")}} for r in t.itertuples()}
    model["cross_validation"] = {
        "by_article": {"folds": folds, "repeats": repeats, **figures(cv)},
        "by_outlet": {"folds": folds, **figures(cv_outlet)}}
    if out:
        Path(out).write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        fr._generic_model.cache_clear()
    return model, cv, cv_outlet


def analyze_coded(coded: pd.DataFrame, *, options: Mapping[str, Any] | None = None) -> Any:
    """The Analysis of a coded corpus' texts (doc ids = the coded ids), for :func:`score_frames` and
    :func:`cross_validate_coded` to share."""
    from ..analysis import analyze
    docs = pd.DataFrame({"id": coded["id"], "text": coded["text"], "source": coded["source"]})
    return analyze(docs, **dict(options or {}))


def cross_validate_coded(coded: pd.DataFrame, *, analysis: Any = None, items: pd.DataFrame | None = None,
                         folds: int = 5, repeats: int = 3, options: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Cross-validate the generic decision on a coded corpus (from :func:`read_coded`): refit it in every
    fold on the other articles, as the shipped model was fitted, and score the held-out ones
    (:func:`cross_validate_generic`, folds by article). ``items`` (:func:`read_item_codes`) switches on the
    item models; without it each frame is fitted on its article codes."""
    if analysis is None:
        analysis = analyze_coded(coded, options=options)
    views = {v: ("resolution" if v == "responsibility" else v) for v in GENERIC_VIEWS}
    views = {v: t for v, t in views.items() if t in coded.columns}
    if not views:
        raise NewsframeError("cross-validation needs generic frame codes (conflict, ..., or the NFC codes)")
    small = [t for t in dict.fromkeys(views.values())
             if min(int(coded[t].sum()), int((~coded[t]).sum())) < 2 * folds]
    if small:
        raise NewsframeError(f"too few coded articles to cross-validate {small[0]} in {folds} folds "
                             f"(needs {2 * folds} coded yes and {2 * folds} coded no)")
    features = generic_item_features(analysis.table("frames_generic")).loc[list(analysis.documents["doc_id"])]
    features.index = list(coded["id"])
    coded = coded.set_index(pd.Index(list(coded["id"])))
    return cross_validate_generic(features, coded, items=items, folds=folds, repeats=repeats, views=views)


def format_cv_table(cv: pd.DataFrame) -> str:
    """Cross-validation figures as the README prints them: per view coded, P, R, F1, always-present F1,
    kappa, then the mean F1 over the corpus frames (RE by the resolution view)."""
    lines = [f"{'frame':38s} {'coded':>5s} {'P':>6s} {'R':>6s} {'F1':>6s} {'always':>6s} {'kappa':>6s}  F1 range"]
    for r in cv.itertuples(index=False):
        label = r.view if r.view == r.target else f"{r.view} (vs {r.target} codes)"
        lines.append(f"{label:38s} {int(r.n_coded):5d} {r.precision:6.3f} {r.recall:6.3f} {r.f1:6.3f} "
                     f"{r.baseline_f1:6.3f} {r.kappa:6.3f}  {r.f1_min:.3f}-{r.f1_max:.3f}")
    scored = cv[cv["view"] == cv["target"]]
    lines.append(f"mean F1 over {len(scored)} coded frames {scored['f1'].mean():.3f} "
                 f"(always present: {scored['baseline_f1'].mean():.3f})")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m newsframe.validate.frames NFC_DIR [OUT_JSON]
    import sys
    from .. import frames as _fr
    _model, _cv, _cv_outlet = calibrate_generic_on_nfc(
        sys.argv[1], out=sys.argv[2] if len(sys.argv) > 2 else _fr.GENERIC_MODEL_PATH)
    print("cross-validated by article (5 folds x 3 repeats):")
    print(format_cv_table(_cv))
    print("cross-validated by outlet (5 grouped folds):")
    print(format_cv_table(_cv_outlet))


# -- calibration of the policy decision (no policy-coded data: norms and density only) -----------------------
def policy_norms(reference_sentences: Sequence[str], *, prototypes: str | Path | None = None) -> dict[str, dict[str, float]]:
    """Per frame, mean and standard deviation of a sentence's similarity to the frame's nearest prototype over
    ordinary news sentences (the reference): what "unusually close to the frame" is measured against."""
    from .. import frames as fr
    sents = pd.DataFrame({"doc_id": "ref", "sentence_id": range(1, len(reference_sentences) + 1),
                          "paragraph_id": 1, "start": 0, "end": 0, "text": list(reference_sentences)})
    sim = fr.prototype_similarity(sents, prototypes=prototypes)
    stats = sim.groupby("frame")["similarity"].agg(["mean", "std"])
    return {"similarity_mean": {f: round(float(stats.at[f, "mean"]), 4) for f in fr.POLICY_FRAMES},
            "similarity_std": {f: round(float(stats.at[f, "std"]), 4) for f in fr.POLICY_FRAMES}}


def density_threshold(scores: pd.DataFrame, *, per_article: float) -> float:
    """The score threshold at which articles carry ``per_article`` present frames on average (the top frame
    always counts, at most ``frames.POLICY_MAX_FRAMES``): the density coders use."""
    from .. import frames as fr
    best, gap = 0.5, float("inf")
    for t in np.round(np.arange(0.05, 0.951, 0.005), 3):
        n = []
        for _, g in scores.groupby("doc_id"):
            s = sorted(g["score"], reverse=True)
            n.append(max(1, min(fr.POLICY_MAX_FRAMES, sum(x >= t for x in s))))
        if abs(np.mean(n) - per_article) < gap:
            best, gap = float(t), abs(np.mean(n) - per_article)
    return best
