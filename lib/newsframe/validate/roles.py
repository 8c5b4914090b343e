"""Validation of the ``roles`` table against coded entity roles (hero, villain, victim).

The coded layout is that of the Narrative Frames Corpus ``roles.tsv``: one row per article id, entity string
and role (columns ``ID``, ``entity``, ``role``; other columns are ignored). Coders wrote entity strings, not
offsets, so each string is matched to one of our actors in that article: first by equality with the actor's
name or any of its mention texts (after lower-casing and dropping a leading "the" and a possessive "'s"), else
by containment of whole words either way ("Democratic New York Rep. Alexandria Ocasio-Cortez" contains the
mention "Alexandria Ocasio-Cortez"), the longest match winning. A pronoun entity ("they") matches only a
pronoun mention with the same text, resolved to the actor it most often stands for.

Scores, per role: **recall** = coded (article, entity, role) whose matched actor has that role / coded with
that role; **precision** = predicted (article, actor, role) that some coded entity of that role matches /
predicted with that role (only articles that were coded count). **Main-role accuracy** = coded entities whose
actor's dominant role equals the coded role (unmatched entities count as wrong), with the always-villain
baseline beside it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import NewsframeError

ROLES = ("hero", "villain", "victim")
_PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "we", "us", "our", "i",
             "me", "my", "you", "your", "who", "which"}


def normalise_entity(text: str) -> tuple[str, ...]:
    """Words of an entity string for matching: lower case, curly quotes straight, no leading article or
    trailing possessive ("The Trump administration's" -> ("trump", "administration"))."""
    s = str(text).lower().replace("’", "'").replace("‘", "'")
    s = re.sub(r"'s\b|s'(?=\s|$)", lambda m: "" if m.group(0) == "'s" else "s", s)
    words = re.findall(r"[a-z0-9][a-z0-9.\-&]*", s)
    words = [w.strip(".") for w in words if w.strip(".")]
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return tuple(words)


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return n > 0 and any(big[i:i + n] == small for i in range(len(big) - n + 1))


def read_coded_roles(path: str | Path) -> pd.DataFrame:
    """Coded roles as ``doc_id, entity, role`` from a TSV/CSV in the ``roles.tsv`` layout.

    ``doc_id`` is the ``ID`` column as text (give ``id_prefix`` to :func:`score_roles` callers the same way
    the articles were loaded). Raises :class:`NewsframeError` for a missing file or column, or a role other
    than hero, villain or victim.
    """
    p = Path(path)
    if not p.is_file():
        raise NewsframeError(f"{p}: no such coded roles file")
    sep = "," if p.suffix.lower() == ".csv" else "\t"
    try:
        df = pd.read_csv(p, sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise NewsframeError(f"{p}: not a readable table ({exc})") from None
    cols = {c.lower(): c for c in df.columns}
    missing = [c for c in ("id", "entity", "role") if c not in cols]
    if missing:
        raise NewsframeError(f"{p}: coded roles need columns ID, entity, role (missing: {', '.join(missing)})")
    out = pd.DataFrame({"doc_id": df[cols["id"]].str.strip(), "entity": df[cols["entity"]],
                        "role": df[cols["role"]].str.strip().str.lower()})
    bad = sorted(set(out["role"]) - set(ROLES))
    if bad:
        raise NewsframeError(f"{p}: unknown role(s) {', '.join(bad)}; expected hero, villain, victim")
    return out


def match_entities(coded: pd.DataFrame, roles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct coded (doc_id, entity, role) with the actor it matches and our role.

    Columns: ``doc_id, entity, role, actor_id, actor_name, match`` (exact, contains, pronoun or empty),
    ``predicted`` (our dominant role, ``none`` when unmatched or without a role), ``correct``.
    """
    coded = coded.assign(key=coded["entity"].map(normalise_entity))
    coded = coded.drop_duplicates(["doc_id", "key", "role"]).reset_index(drop=True)
    role_of = {(d, a): r for d, a, r in zip(roles["doc_id"], roles["actor_id"], roles["role"])}
    names: dict[str, list[tuple[tuple[str, ...], str, bool]]] = {}  # doc -> (words, actor_id, is_pronoun)
    for d, a, n in zip(roles["doc_id"], roles["actor_id"], roles["actor_name"]):
        names.setdefault(str(d), []).append((normalise_entity(n), a, False))
    pron_counts: dict[tuple[str, tuple[str, ...]], dict[str, int]] = {}
    if mentions is not None and not mentions.empty:
        for d, a, t, k in zip(mentions["doc_id"], mentions["actor_id"], mentions["text"], mentions["kind"]):
            words = normalise_entity(t)
            if k == "pronoun":
                c = pron_counts.setdefault((str(d), words), {})
                c[a] = c.get(a, 0) + 1
            else:
                names.setdefault(str(d), []).append((words, a, False))
    rows = []
    for r in coded.itertuples(index=False):
        doc, key = str(r.doc_id), r.key
        actor, how = "", ""
        if len(key) == 1 and key[0] in _PRONOUNS:
            c = pron_counts.get((doc, key))
            if c:
                actor, how = max(sorted(c), key=lambda a: c[a]), "pronoun"
        else:
            cands = [(w, a) for w, a, _ in names.get(doc, []) if w]
            exact = [a for w, a in cands if w == key]
            if exact:
                actor, how = exact[0], "exact"
            else:
                inside = [(len(w), a) for w, a in cands
                          if (_contains(key, w) and not (len(w) == 1 and w[0] in _PRONOUNS)) or _contains(w, key)]
                if inside:
                    actor, how = max(inside, key=lambda t: t[0])[1], "contains"
        predicted = role_of.get((doc, actor), "none") if actor else "none"
        rows.append({"doc_id": doc, "entity": r.entity, "role": r.role, "actor_id": actor,
                     "actor_name": _name(roles, doc, actor), "match": how, "predicted": predicted,
                     "correct": predicted == r.role})
    return pd.DataFrame(rows, columns=["doc_id", "entity", "role", "actor_id", "actor_name", "match",
                                       "predicted", "correct"])


def _name(roles: pd.DataFrame, doc: str, actor: str) -> str:
    if not actor:
        return ""
    hit = roles[(roles["doc_id"] == doc) & (roles["actor_id"] == actor)]
    return str(hit["actor_name"].iloc[0]) if not hit.empty else actor


def score_roles(coded: pd.DataFrame, roles: pd.DataFrame, mentions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-role precision and recall, main-role accuracy and its always-villain baseline.

    Returns
    -------
    (scores, matches)
        ``scores``: columns ``metric, role, value, n`` (metrics precision, recall, f1 per role;
        main_role_accuracy, always_villain_accuracy, matched_share over all); ``matches``: see
        :func:`match_entities`.
    """
    matches = match_entities(coded, roles, mentions)
    coded_docs = set(matches["doc_id"])
    pred = roles[roles["doc_id"].astype(str).isin(coded_docs) & roles["role"].isin(ROLES)]
    hit_pairs = {(d, a, r) for d, a, r in zip(matches["doc_id"], matches["actor_id"], matches["role"]) if a}
    rows = []
    for role in ROLES:
        coded_r = matches[matches["role"] == role]
        pred_r = pred[pred["role"] == role]
        tp_pred = sum((str(d), a, role) in hit_pairs for d, a in zip(pred_r["doc_id"], pred_r["actor_id"]))
        recall = float(coded_r["correct"].mean()) if len(coded_r) else 0.0
        precision = tp_pred / len(pred_r) if len(pred_r) else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows += [{"metric": "precision", "role": role, "value": precision, "n": len(pred_r)},
                 {"metric": "recall", "role": role, "value": recall, "n": len(coded_r)},
                 {"metric": "f1", "role": role, "value": f1, "n": len(coded_r)}]
    n = len(matches)
    rows += [{"metric": "main_role_accuracy", "role": "", "value": float(matches["correct"].mean()) if n else 0.0, "n": n},
             {"metric": "always_villain_accuracy", "role": "",
              "value": float((matches["role"] == "villain").mean()) if n else 0.0, "n": n},
             {"metric": "matched_share", "role": "", "value": float((matches["actor_id"] != "").mean()) if n else 0.0,
              "n": n}]
    return pd.DataFrame(rows), matches


def load_coded_articles(coded_path: str | Path, articles: str | Path | None = None) -> pd.DataFrame:
    """The articles of a coded set as a ``documents``-ready frame (``id``, ``text``, ``source``).

    ``articles`` defaults to ``articles.tsv`` beside the coded file (the NFC layout: ``ID``, ``source``,
    ``text``); a ``.jsonl``/``.csv`` corpus or folder is loaded by :func:`newsframe.io.load_documents`.
    """
    coded_path = Path(coded_path)
    path = Path(articles) if articles is not None else coded_path.with_name("articles.tsv")
    if not path.exists():
        raise NewsframeError(f"{path}: no articles for the coded roles (give --articles)")
    if path.suffix.lower() == ".tsv":
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
        cols = {c.lower(): c for c in df.columns}
        if "id" not in cols or "text" not in cols:
            raise NewsframeError(f"{path}: an articles TSV needs ID and text columns")
        return pd.DataFrame({"id": df[cols["id"]], "text": df[cols["text"]],
                             "source": df[cols["source"]] if "source" in cols else "",
                             "title": ""})
    from ..io import load_documents
    docs = load_documents(path)
    return pd.DataFrame({"id": docs["doc_id"], "text": docs["text"], "source": docs["source"], "title": docs["title"]})


def validate_roles(coded_path: str | Path, *, articles: str | Path | None = None,
                   lexicon_path: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the pipeline on the coded articles and score its roles (see :func:`score_roles`)."""
    from ..analysis import analyze
    coded = read_coded_roles(coded_path)
    docs = load_coded_articles(coded_path, articles)
    docs = docs[docs["id"].astype(str).isin(set(coded["doc_id"]))]
    if docs.empty:
        raise NewsframeError(f"{coded_path}: no coded article id is among the articles")
    options = {"roles_lexicon_path": lexicon_path} if lexicon_path else {}
    a = analyze(docs.reset_index(drop=True), **options)
    # io makes ids safe for file names; map them back to the coded ids
    back = dict(zip(a.documents["doc_id"], docs["id"].astype(str)))
    roles = a.roles.assign(doc_id=a.roles["doc_id"].map(back))
    mentions = a.mentions.assign(doc_id=a.mentions["doc_id"].map(back))
    return score_roles(coded, roles, mentions)


def format_scores(scores: pd.DataFrame) -> str:
    """A short plain-text report of :func:`score_roles`' scores."""
    lines = []
    for role in ROLES:
        s = scores[scores["role"] == role].set_index("metric")
        lines.append(f"{role:8s} precision {s.loc['precision', 'value']:.3f} (n={int(s.loc['precision', 'n'])})  "
                     f"recall {s.loc['recall', 'value']:.3f} (n={int(s.loc['recall', 'n'])})  "
                     f"F1 {s.loc['f1', 'value']:.3f}")
    g = scores[scores["role"] == ""].set_index("metric")
    lines.append(f"main-role accuracy {g.loc['main_role_accuracy', 'value']:.3f} "
                 f"(always villain {g.loc['always_villain_accuracy', 'value']:.3f}; "
                 f"{g.loc['matched_share', 'value']:.0%} of {int(g.loc['main_role_accuracy', 'n'])} coded entities "
                 "matched an actor)")
    return "\n".join(lines)


def write_validation(scores: pd.DataFrame, matches: pd.DataFrame, out: str | Path) -> list[Path]:
    """Write ``role_scores.csv`` and ``role_matches.csv`` into ``out`` (each file complete or not at all)."""
    import os
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NewsframeError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("role_scores.csv", scores), ("role_matches.csv", matches)):
        tmp = out / f".{name}.tmp"  # written beside, then moved: never a half-written file
        frame.to_csv(tmp, index=False)
        os.replace(tmp, out / name)
        written.append(out / name)
    return written


# -- calibration: source multipliers and the threshold, cross-validated with folds by outlet ----------------
PARAMETER_GRID: dict[str, tuple[float, ...]] = {
    "action": (1.0,),
    "attribution": (0.5, 1.0, 1.5),
    "lexicon": (0.5, 1.0, 1.5),
    "toward-sentiment": (0.0, 0.25, 0.5, 1.0, 1.5),
    "threshold": (0.2, 0.35, 0.5, 0.75, 1.0, 1.5),
}


def _predictor(evidence: pd.DataFrame, roles: pd.DataFrame):
    """A function params -> {(doc, actor): role} over evidence scored with unit multipliers."""
    import numpy as np
    keys = list(zip(roles["doc_id"].astype(str), roles["actor_id"]))
    pos = {k: i for i, k in enumerate(keys)}
    sources = ("action", "attribution", "lexicon", "toward-sentiment")
    sums = np.zeros((len(keys), len(ROLES), len(sources)))
    for (d, a, r, s), w in evidence.groupby(["doc_id", "actor_id", "role", "source"])["weight"].sum().items():
        i = pos.get((str(d), a))
        if i is not None and r in ROLES:
            sums[i, ROLES.index(r), sources.index(s)] += w
    labels = np.array(list(ROLES) + ["none"])

    def predict(params: dict[str, float]) -> dict[tuple[str, str], str]:
        mult = np.array([params[s] for s in sources])
        raw = sums @ mult
        best = raw.argmax(axis=1)
        best = np.where(raw.max(axis=1) >= params["threshold"], best, len(ROLES))
        return dict(zip(keys, labels[best]))
    return predict


def _metrics(matches: pd.DataFrame, predicted: dict[tuple[str, str], str], docs: set[str]) -> dict[str, float]:
    pred_role = [predicted.get((d, a), "none") if a else "none" for d, a in zip(matches["doc_id"], matches["actor_id"])]
    correct = pd.Series(pred_role, index=matches.index) == matches["role"]
    hit_pairs = {(d, a, r) for d, a, r in zip(matches["doc_id"], matches["actor_id"], matches["role"]) if a}
    out: dict[str, float] = {"accuracy": float(correct.mean()) if len(correct) else 0.0}
    f1s = []
    for role in ROLES:
        m = matches["role"] == role
        recall = float(correct[m].mean()) if m.any() else 0.0
        pred = [(d, a) for (d, a), r in predicted.items() if r == role and d in docs]
        precision = sum((d, a, role) in hit_pairs for d, a in pred) / len(pred) if pred else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[f"{role}_precision"], out[f"{role}_recall"], out[f"{role}_f1"] = precision, recall, f1
        f1s.append(f1)
    out["macro_f1"] = sum(f1s) / len(f1s)
    return out


def calibrate_roles(evidence: pd.DataFrame, roles: pd.DataFrame, mentions: pd.DataFrame, coded: pd.DataFrame,
                    outlets: dict[str, str], *, n_folds: int = 5) -> dict:
    """Choose source multipliers and the threshold by macro-F1, cross-validated with folds by outlet.

    ``evidence`` and ``roles`` come from :func:`newsframe.roles.find_roles` with unit multipliers;
    ``outlets`` maps doc_id -> outlet. Returns the parameters chosen on all articles, the held-out
    figures of each fold (chosen on the other folds) and their means.
    """
    import itertools
    matches = match_entities(coded, roles, mentions)
    predict = _predictor(evidence, roles)
    grid = [dict(zip(PARAMETER_GRID, values)) for values in itertools.product(*PARAMETER_GRID.values())]
    predictions = [predict(p) for p in grid]
    docs = sorted(set(matches["doc_id"]))
    # Outlets to folds, largest first into the emptiest fold, so every fold holds whole outlets.
    sizes = pd.Series([outlets.get(d, "") for d in docs]).value_counts()
    fold_of_outlet, load = {}, [0] * n_folds
    for outlet, n in sizes.items():
        f = load.index(min(load))
        fold_of_outlet[outlet], load[f] = f, load[f] + n
    fold = {d: fold_of_outlet[outlets.get(d, "")] for d in docs}

    def best_on(train_docs: set[str]) -> int:
        m = matches[matches["doc_id"].isin(train_docs)]
        scores = [_metrics(m, {k: v for k, v in pred.items() if k[0] in train_docs}, train_docs)["macro_f1"]
                  for pred in predictions]
        return max(range(len(grid)), key=lambda i: (round(scores[i], 6), -i))

    folds = []
    for f in range(n_folds):
        test = {d for d in docs if fold[d] == f}
        train = set(docs) - test
        i = best_on(train)
        m = matches[matches["doc_id"].isin(test)]
        res = _metrics(m, {k: v for k, v in predictions[i].items() if k[0] in test}, test)
        folds.append({"fold": f, "n_articles": len(test), "n_entities": len(m), "parameters": grid[i], **res})
    chosen = grid[best_on(set(docs))]
    keys = [k for k in folds[0] if k not in ("fold", "n_articles", "n_entities", "parameters")]
    mean = {k: sum(fo[k] * fo["n_entities"] for fo in folds) / sum(fo["n_entities"] for fo in folds) for k in keys}
    baseline = _metrics(matches, {k: "villain" for k in predict(chosen)}, set(docs))
    return {"parameters": chosen, "cv_mean": mean, "folds": folds,
            "matched_share": float((matches["actor_id"] != "").mean()), "n_entities": len(matches),
            "n_articles": len(docs), "always_villain": baseline}
