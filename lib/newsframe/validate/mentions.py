"""Actor mentions against hand-coded gold: named-mention precision/recall/F1, pronouns, groups.

The gold layout is ``data/gold/seed_mentions.csv`` (start, end, text, actor, kind; see data/gold/README.md).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import config, schema
from ..errors import NewsframeError

__all__ = ["GOLD_COLUMNS", "load_gold", "score_against_gold", "gold_confusion"]

GOLD_COLUMNS = ["start", "end", "text", "actor", "kind"]


def load_gold(path: str | Path | None = None) -> pd.DataFrame:
    """Hand-coded mentions (``data/gold/seed_mentions.csv`` by default): start, end, text, actor, kind.

    Raises
    ------
    NewsframeError
        Missing file or columns.
    """
    p = Path(path or config.SEED_GOLD_PATH)
    if not p.is_file():
        raise NewsframeError(f"{p}: no such gold file")
    gold = pd.read_csv(p, dtype={"text": str, "actor": str, "kind": str}, keep_default_na=False)
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise NewsframeError(f"{p}: gold file lacks column(s) {', '.join(missing)}")
    return gold.astype({"start": "int64", "end": "int64"})


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score_against_gold(mentions: pd.DataFrame, gold: pd.DataFrame, *, doc_id: str | None = None
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare mentions with hand-coded gold: named-mention P/R/F1, pronoun accuracy, group recall.

    Spans match when they overlap (best overlap first, one to one). Each gold actor is mapped to one of our
    actor ids, the one most of its matched named mentions carry (each of our ids serves one gold actor); a
    named match counts only when it carries the mapped id, so an inconsistent id costs precision and recall.

    * Named: gold kinds ``name``/``metonym`` against ours of every kind but ``pronoun`` and ``group`` whose
      function is not ``modifier``.
    * Pronouns: a gold pronoun is right when an overlapping pronoun mention of ours carries the mapped id.
    * Groups: a gold group is found when a group mention of ours overlaps it.

    Parameters
    ----------
    mentions
        The ``mentions`` table (one document, or pass ``doc_id``).
    gold
        From :func:`load_gold`.
    doc_id
        The document the gold codes (default: the first in ``mentions``).

    Returns
    -------
    (summary, matches)
        ``summary``: columns of ``schema.TABLES["gold_scores"]`` (metric, value, n, detail);
        ``matches``: columns of ``schema.TABLES["gold_matches"]``, one row per gold mention and per
        unmatched mention of ours, with a ``status``.
    """
    if doc_id is None and not mentions.empty:
        doc_id = mentions["doc_id"].iloc[0]
    ours = mentions[mentions["doc_id"] == doc_id] if doc_id is not None else mentions
    ours = ours.reset_index(drop=True)
    our_named = ours[~ours["kind"].isin(["pronoun", "group"]) & (ours["function"] != "modifier")]
    gold = gold.reset_index(drop=True)
    g_named = gold[gold["kind"].isin(["name", "metonym"])]

    def pair(g_rows: pd.DataFrame, o_rows: pd.DataFrame) -> dict[int, int]:
        cand = []
        for gi, g in g_rows.iterrows():
            for oi, o in o_rows.iterrows():
                ov = _overlap((g["start"], g["end"]), (o["start"], o["end"]))
                if ov:
                    cand.append((ov, -abs((g["end"] - g["start"]) - (o["end"] - o["start"])), gi, oi))
        out, used = {}, set()
        for _ov, _d, gi, oi in sorted(cand, reverse=True):
            if gi not in out and oi not in used:
                out[gi] = oi
                used.add(oi)
        return out

    named_pairs = pair(g_named, our_named)
    # One of our ids per gold actor, by majority; each of our ids serves the gold actor with most votes.
    votes: dict[tuple[str, str], int] = {}
    for gi, oi in named_pairs.items():
        key = (gold.at[gi, "actor"], ours.at[oi, "actor_id"])
        votes[key] = votes.get(key, 0) + 1
    mapping: dict[str, str] = {}
    taken_ids: set[str] = set()
    for (g_actor, o_id), _n in sorted(votes.items(), key=lambda kv: -kv[1]):
        if g_actor not in mapping and o_id not in taken_ids:
            mapping[g_actor] = o_id
            taken_ids.add(o_id)
    rows = []
    for gi, g in gold.iterrows():
        row = {"gold_start": g["start"], "gold_end": g["end"], "gold_text": g["text"], "gold_actor": g["actor"],
               "gold_kind": g["kind"], "mapped_id": mapping.get(g["actor"], ""), "start": None, "end": None,
               "text": "", "actor_id": "", "kind": "", "function": "", "status": ""}
        rows.append(row)
    matches = pd.DataFrame(rows)

    def fill(gi: int, o: pd.Series, status: str) -> None:
        for c in ("start", "end", "text", "actor_id", "kind", "function"):
            matches.at[gi, c] = o[c]
        matches.at[gi, "status"] = status

    tp = 0
    for gi in g_named.index:
        if gi in named_pairs:
            o = ours.loc[named_pairs[gi]]
            ok = o["actor_id"] == mapping.get(gold.at[gi, "actor"])
            tp += int(ok)
            fill(gi, o, "tp" if ok else "wrong_id")
        else:
            matches.at[gi, "status"] = "fn"
    matched_ours = set(named_pairs.values())
    extra = []
    for oi, o in our_named.iterrows():
        if oi not in matched_ours:
            extra.append({"gold_start": None, "gold_end": None, "gold_text": "", "gold_actor": "", "gold_kind": "",
                          "mapped_id": "", "start": o["start"], "end": o["end"], "text": o["text"],
                          "actor_id": o["actor_id"], "kind": o["kind"], "function": o["function"], "status": "fp"})
    g_pron = gold[gold["kind"] == "pronoun"]
    pron_pairs = pair(g_pron, ours[ours["kind"] == "pronoun"])
    pron_ok = 0
    for gi in g_pron.index:
        if gi in pron_pairs:
            o = ours.loc[pron_pairs[gi]]
            ok = o["actor_id"] == mapping.get(gold.at[gi, "actor"], "\0")
            pron_ok += int(ok)
            fill(gi, o, "pronoun_ok" if ok else "pronoun_wrong")
        else:
            matches.at[gi, "status"] = "pronoun_missed"
    g_group = gold[gold["kind"] == "group"]
    group_pairs = pair(g_group, ours[ours["kind"] == "group"])
    for gi in g_group.index:
        if gi in group_pairs:
            fill(gi, ours.loc[group_pairs[gi]], "group_found")
        else:
            matches.at[gi, "status"] = "group_missed"
    group_ids: dict[str, set[str]] = {}
    for gi, oi in group_pairs.items():
        group_ids.setdefault(gold.at[gi, "actor"], set()).add(ours.at[oi, "actor_id"])
    # A gold pronoun that refers to a gold group is right when it carries the id our group mention has.
    for gi in g_pron.index:
        if matches.at[gi, "status"] == "pronoun_wrong" and matches.at[gi, "actor_id"] in group_ids.get(
                gold.at[gi, "actor"], set()):
            matches.at[gi, "status"] = "pronoun_ok"
            pron_ok += 1
    matches = pd.concat([matches, pd.DataFrame(extra)], ignore_index=True) if extra else matches
    n_ours, n_gold = len(our_named), len(g_named)
    p = tp / n_ours if n_ours else 0.0
    r = tp / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    consistent = sum(1 for a in set(g_named["actor"]) if len({ours.at[named_pairs[gi], "actor_id"]
                     for gi in g_named.index[g_named["actor"] == a] if gi in named_pairs}) == 1)
    summary = pd.DataFrame([
        {"metric": "named_precision", "value": round(p, 4), "n": n_ours, "detail": f"{tp} right of {n_ours} ours"},
        {"metric": "named_recall", "value": round(r, 4), "n": n_gold, "detail": f"{tp} right of {n_gold} gold"},
        {"metric": "named_f1", "value": round(f1, 4), "n": tp, "detail": ""},
        {"metric": "consistent_ids", "value": round(consistent / max(g_named["actor"].nunique(), 1), 4),
         "n": consistent, "detail": "gold actors whose matched mentions all carry one id of ours: "
                                    + ", ".join(f"{k}->{v}" for k, v in sorted(mapping.items()))},
        {"metric": "pronoun_accuracy", "value": round(pron_ok / len(g_pron), 4) if len(g_pron) else 0.0,
         "n": len(g_pron), "detail": f"{pron_ok} of {len(g_pron)} gold pronouns resolved to the mapped actor"},
        {"metric": "group_recall", "value": round(len(group_pairs) / len(g_group), 4) if len(g_group) else 0.0,
         "n": len(g_group), "detail": f"{len(group_pairs)} of {len(g_group)} gold groups overlapped by a group"},
    ])
    matches["start"] = matches["start"].astype("Int64")
    matches["end"] = matches["end"].astype("Int64")
    matches["gold_start"] = matches["gold_start"].astype("Int64")
    matches["gold_end"] = matches["gold_end"].astype("Int64")
    return schema.conform(summary, "gold_scores"), schema.conform(matches, "gold_matches")


def gold_confusion(matches: pd.DataFrame) -> pd.DataFrame:
    """A confusion table from :func:`score_against_gold`'s matches: gold actors (rows) by our ids (columns).

    Unmatched gold mentions count under ``(none)``; our extra mentions under the gold row ``(none)``.
    """
    g = matches["gold_actor"].replace("", "(none)").fillna("(none)")
    o = matches["actor_id"].replace("", "(none)").fillna("(none)")
    return pd.crosstab(g, o).rename_axis(index="gold_actor", columns="actor_id")
