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
actor's forced-choice role (``main_role``: the strongest of the three even below the threshold, as when the
task names the entity and asks for its role) equals the coded role; unmatched entities count as wrong. The
always-villain baseline is beside it.

Entities that match no actor (abstract ones such as "climate change", or groups the actor stage does not
know) can be located by their string in the text (``locate=True``): each occurrence becomes a mention of an
entity actor ``coded:<words>`` and the role cues are read around it like around any mention (no sentiment
toward it: that would need the encoder again). Scores are reported with and without this.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import NewsframeError
from ..roles import FEATURES as _ALL_FEATURES

ROLES = ("hero", "villain", "victim")
_PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "we", "us", "our", "i",
             "me", "my", "you", "your", "who", "which"}


def normalise_entity(text: str) -> tuple[str, ...]:
    """Words of an entity string for matching: lower case, curly quotes straight, no leading article or
    trailing possessive ("The Trump administration's" -> ("trump", "administration")); abbreviations in
    one spelling ("U.S.", "U.S" and "US" -> "u.s", never the pronoun "us")."""
    s = str(text).replace("’", "'").replace("‘", "'")
    s = re.sub(r"'[sS]\b|s'(?=\s|$)", lambda m: "s" if m.group(0) == "s'" else "", s)
    words = [_norm_word(w) for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9.\-&]*", s)]
    words = [w for w in words if w]
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return tuple(words)


def _norm_word(w: str) -> str:
    """One word as :func:`normalise_entity` writes it (from its original case: "US" is an abbreviation)."""
    w = w.replace("’", "'")
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]?\.?", w):
        return ".".join(w.replace(".", "").lower())
    if 2 <= len(w) <= 3 and w.isalpha() and w.isupper():
        return ".".join(w.lower())
    return w.lower().strip(".")


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


# The forced choice for a coded entity that matches no actor and is not found in the text: the most frequent
# role among coded entities (39% of the NFC development part; villain in coded war news too), as the cue rule's
# forced choice without any cue.
UNFOUND_MAIN_ROLE = "villain"


def match_entities(coded: pd.DataFrame, roles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct coded (doc_id, entity, role) with the actor it matches and our role.

    Columns: ``doc_id, entity, role, actor_id, actor_name, match`` (exact, contains, pronoun, located or
    empty), ``predicted`` (our dominant role, ``none`` when unmatched or without a role), ``correct``,
    ``main_role`` (the forced choice of the roles table; :data:`UNFOUND_MAIN_ROLE` when unmatched) and
    ``main_correct``.
    """
    coded = coded.assign(key=coded["entity"].map(normalise_entity))
    coded = coded.drop_duplicates(["doc_id", "key", "role"]).reset_index(drop=True)
    role_of = {(d, a): r for d, a, r in zip(roles["doc_id"], roles["actor_id"], roles["role"])}
    main_col = roles["main_role"] if "main_role" in roles.columns else roles["role"]
    main_of = {(d, a): r for d, a, r in zip(roles["doc_id"], roles["actor_id"], main_col)}
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
        main = main_of.get((doc, actor), UNFOUND_MAIN_ROLE) if actor else UNFOUND_MAIN_ROLE
        rows.append({"doc_id": doc, "entity": r.entity, "role": r.role, "actor_id": actor,
                     "actor_name": _name(roles, doc, actor), "match": how, "predicted": predicted,
                     "correct": predicted == r.role, "main_role": main, "main_correct": main == r.role})
    return pd.DataFrame(rows, columns=["doc_id", "entity", "role", "actor_id", "actor_name", "match",
                                       "predicted", "correct", "main_role", "main_correct"])


def _name(roles: pd.DataFrame, doc: str, actor: str) -> str:
    if not actor:
        return ""
    hit = roles[(roles["doc_id"] == doc) & (roles["actor_id"] == actor)]
    return str(hit["actor_name"].iloc[0]) if not hit.empty else actor


def score_roles(coded: pd.DataFrame, roles: pd.DataFrame, mentions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-role precision and recall, main-role accuracy and its always-villain baseline.

    Two readings of per-role precision and recall. **Casting** (``precision``, ``recall``, ``f1``): the roles
    the tool casts (``role``) over every actor of the coded articles against the coded entities, as a user
    without coded entities gets them; a role cast on an actor the coders left out counts against precision.
    **Given entities** (``given_precision``, ``given_recall``, ``given_f1``): the task's setting when the
    entity is named (as in the war-news shared task): each coded entity's forced choice (``main_role``) against
    its coded role; an entity that matches no actor gets :data:`UNFOUND_MAIN_ROLE`.

    Returns
    -------
    (scores, matches)
        ``scores``: columns ``metric, role, value, n`` (metrics precision, recall, f1, given_precision,
        given_recall, given_f1 per role; main_role_accuracy, always_villain_accuracy, matched_share over
        all); ``matches``: see :func:`match_entities`.
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
        given = _given(matches["role"].tolist(), matches["main_role"].tolist(), role)
        rows += [{"metric": "given_precision", "role": role, "value": given["precision"], "n": given["n_predicted"]},
                 {"metric": "given_recall", "role": role, "value": given["recall"], "n": len(coded_r)},
                 {"metric": "given_f1", "role": role, "value": given["f1"], "n": len(coded_r)}]
    n = len(matches)
    rows += [{"metric": "main_role_accuracy", "role": "", "value": float(matches["main_correct"].mean()) if n else 0.0,
              "n": n},
             {"metric": "always_villain_accuracy", "role": "",
              "value": float((matches["role"] == "villain").mean()) if n else 0.0, "n": n},
             {"metric": "matched_share", "role": "", "value": float((matches["actor_id"] != "").mean()) if n else 0.0,
              "n": n}]
    return pd.DataFrame(rows), matches


def _given(coded_roles: list[str], main_roles: list[str], role: str) -> dict:
    """Precision / recall / F1 of one role over given entities: ``main_roles``, one per coded entity."""
    predicted = sum(m == role for m in main_roles)
    coded_n = sum(c == role for c in coded_roles)
    tp = sum(m == role and c == role for c, m in zip(coded_roles, main_roles))
    precision = tp / predicted if predicted else 0.0
    recall = tp / coded_n if coded_n else 0.0
    return {"precision": precision, "recall": recall, "n_predicted": predicted, "tp": tp,
            "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0}


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


_CHUNK_END = {"who", "which", "that", "near", "of", "living", "in", "on", "with", "from", "for", "at", "and",
              "or", "whose", "whom", "like", "by", "under", "over", "to", "etc", "including", "such"}


def _entity_keys(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Word sequences to look for, longest first: the entity, its first chunk, the chunk's head noun."""
    keys = [words]
    cut = next((i for i, w in enumerate(words) if i > 0 and w in _CHUNK_END), len(words))
    chunk = words[:cut]
    if chunk != words and chunk:
        keys.append(chunk)
    head = chunk[-1:] if chunk else ()
    if head and len(chunk) > 1 and len(head[0]) > 3 and head[0] not in _PRONOUNS:
        keys.append(head)
    return keys


def _near(a: str, b: str) -> bool:
    """The same word but for one slip of the coder's hand: equal, or (both 7+ letters, same first letter) one
    edit apart (a letter added, dropped, changed, or two neighbours swapped: "envrionment", "environement");
    two apart from 9 letters on ("Callifornia" is one)."""
    if a == b:
        return True
    if len(a) < 7 or len(b) < 7 or a[0] != b[0] or abs(len(a) - len(b)) > 2:
        return False
    limit = 2 if min(len(a), len(b)) >= 9 else 1
    # optimal string alignment distance, stopped once a row exceeds the limit
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit


def locate_entities(coded: pd.DataFrame, matches: pd.DataFrame, documents: pd.DataFrame,
                    tokens: pd.DataFrame, *, typos: bool = True) -> pd.DataFrame:
    """Mentions (``mentions`` columns) for coded entities that matched no actor, found by their words.

    An occurrence is the entity's words (see :func:`normalise_entity`) as consecutive tokens, compared in
    lower case; when no key occurs (and ``typos``), the same keys with each word allowed a typo
    (:func:`_near`). The actor id is ``coded:`` plus the words joined by ``_``.
    """
    from .. import schema
    todo = matches[(matches["actor_id"] == "")]
    rows = []
    texts = dict(zip(documents["doc_id"].astype(str), documents["text"]))
    for doc, g in todo.groupby("doc_id"):
        toks = tokens[tokens["doc_id"].astype(str) == doc].sort_values("token_id")
        if toks.empty or doc not in texts:
            continue
        low = [_norm_word(w) for w in toks["text"].astype(str)]
        starts, ends, sids = toks["start"].tolist(), toks["end"].tolist(), toks["sentence_id"].tolist()
        words_at: dict[str, list[int]] = {}
        for k, w in enumerate(low):
            words_at.setdefault(w, []).append(k)
        for entity in sorted(set(g["entity"])):
            full = normalise_entity(entity)
            if not full or (len(full) == 1 and full[0] in _PRONOUNS):
                continue
            # the whole phrase, else its first chunk ("people living near coal ash sites" -> "people"),
            # else that chunk's head noun ("coastal cities" -> "cities"): the first that occurs
            hits: list[tuple[int, int]] = []
            for key in _entity_keys(full):
                hits = [(k, k + len(key) - 1) for k in words_at.get(key[0], []) if tuple(low[k:k + len(key)]) == key]
                if hits:
                    break
            if not hits and typos:  # coders' typos ("environement", "Envrionmental laws"): the same keys, near
                for key in _entity_keys(full):
                    hits = [(k, k + len(key) - 1) for k in range(len(low) - len(key) + 1)
                            if all(_near(w, t) for w, t in zip(key, low[k:k + len(key)]))]
                    if hits:
                        break
            for k, j in hits:
                rows.append({"doc_id": doc, "sentence_id": sids[k], "paragraph_id": 0, "start": starts[k],
                             "end": ends[j], "text": texts[doc][starts[k]:ends[j]],
                             "actor_id": "coded:" + "_".join(full), "actor_name": entity,
                             "actor_type": "unknown", "kind": "name", "function": "actor",
                             "confidence": 1.0, "members": ""})
    if not rows:
        return schema.empty("mentions")
    out = pd.DataFrame(rows).drop_duplicates(["doc_id", "start", "end"])
    return out


def _with_located(coded: pd.DataFrame, tables: dict[str, pd.DataFrame], *, typos: bool = True,
                  **role_options) -> dict[str, pd.DataFrame]:
    """The roles and mentions after adding located mentions for unmatched coded entities."""
    from ..roles import find_roles
    first = match_entities(coded, tables["roles"], tables["mentions"])
    extra = locate_entities(coded, first, tables["documents"], tables["tokens"], typos=typos)
    if extra.empty:
        return {"roles": tables["roles"], "mentions": tables["mentions"]}
    ms = tables["mentions"]
    # located spans that overlap an actor mention are left out: that mention already stands there
    taken = {(d, k) for d, a, b in zip(ms["doc_id"], ms["start"], ms["end"]) for k in range(int(a), int(b))}
    extra = extra[[not any((d, k) in taken for k in range(int(a), int(b)))
                   for d, a, b in zip(extra["doc_id"], extra["start"], extra["end"])]]
    base = int(ms["mention_id"].max()) if not ms.empty else 0
    extra = extra.assign(mention_id=range(base + 1, base + 1 + len(extra)))
    mentions = pd.concat([ms, extra[ms.columns]], ignore_index=True)
    located_actors = extra.drop_duplicates(["doc_id", "actor_id"])[["doc_id", "actor_id", "actor_name", "actor_type"]]
    actors = pd.concat([tables["actors"], located_actors], ignore_index=True)  # a row even without any cue
    found = find_roles(mentions, actors, tables["actions"], tables["attributions"],
                       tables["actor_sentiment"], tables["tokens"], documents=tables["documents"], **role_options)
    return {"roles": found["roles"], "mentions": mentions, "role_evidence": found["role_evidence"]}


def validate_roles(coded_path: str | Path, *, articles: str | Path | None = None,
                   lexicon_path: str | Path | None = None, locate: bool = True
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the pipeline on the coded articles and score its roles (see :func:`score_roles`).

    With ``locate`` (default), coded entities that match no actor are also located by their words (see
    :func:`locate_entities`); the scores then carry a ``located`` column saying which rows count them.
    """
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
    tables = {name: a.table(name).assign(doc_id=lambda f: f["doc_id"].map(back))
              for name in ("roles", "mentions", "actors", "actions", "attributions", "actor_sentiment", "tokens",
                           "documents")}
    scores, matches = score_roles(coded, tables["roles"], tables["mentions"])
    scores["located"] = False
    if not locate:
        return scores, matches
    options = {"lexicon_path": lexicon_path} if lexicon_path else {}
    found = _with_located(coded, tables, **options)
    scores2, matches2 = score_roles(coded, found["roles"], found["mentions"])
    matches2.loc[matches2["actor_id"].str.startswith("coded:"), "match"] = "located"
    scores2["located"] = True
    return pd.concat([scores, scores2], ignore_index=True), matches2


def format_scores(scores: pd.DataFrame, *, shipped: bool = True) -> str:
    """A short plain-text report of :func:`score_roles`' scores (both blocks when ``located`` is given).

    With ``shipped``, a last line gives the shipped model's cross-validated figures on its own training set
    (from ``data/models/roles.json``), to read this set's figures against.
    """
    if "located" in scores.columns and scores["located"].nunique() > 1:
        text = "\n".join([
            "matched to actors:", _format_block(scores[~scores["located"]]),
            "with unmatched entities located by their words:", _format_block(scores[scores["located"]])])
    else:
        text = _format_block(scores)
    note = shipped_cv() if shipped else ""
    return text + ("\n" + note if note else "")


def _format_block(scores: pd.DataFrame) -> str:
    lines = []
    for role in ROLES:
        s = scores[scores["role"] == role].set_index("metric")
        lines.append(f"{role:8s} precision {s.loc['precision', 'value']:.3f} (n={int(s.loc['precision', 'n'])})  "
                     f"recall {s.loc['recall', 'value']:.3f} (n={int(s.loc['recall', 'n'])})  "
                     f"F1 {s.loc['f1', 'value']:.3f}")
    if "given_precision" in set(scores["metric"]):
        lines.append("given entities (the forced choice of each coded entity, as when the task names it):")
        for role in ROLES:
            s = scores[scores["role"] == role].set_index("metric")
            lines.append(f"{role:8s} precision {s.loc['given_precision', 'value']:.3f} "
                         f"(n={int(s.loc['given_precision', 'n'])})  recall {s.loc['given_recall', 'value']:.3f} "
                         f"(n={int(s.loc['given_recall', 'n'])})  F1 {s.loc['given_f1', 'value']:.3f}")
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


# -- training: the learned role model, cross-validated with folds by article --------------------------------
# The source multipliers and cue threshold of the cue rule (calibrated 2026-12-01, kept): the evidence the
# model reads is weighted by them, at training and at run time alike.
CUE_PARAMETERS = {"action": 1.0, "attribution": 1.5, "lexicon": 0.5, "toward-sentiment": 0.5, "threshold": 0.5,
                  "min_mentions": 1.0, "sentiment_casts": 1.0}
C_GRID = (0.03, 0.1, 0.3, 1.0)
# The features the shipped model reads (a subset of newsframe.roles.FEATURES) and its forced-choice rule.
# Left out: the actor's type and the policy-name class, priors of one topic (on climate news states and
# places are mostly coded victims and policies heroes; in war news a state is as often the villain).
TOPICAL_FEATURES = ("type_person", "type_organisation", "type_state", "type_place", "type_group", "type_unknown",
                    "name_policy")
# Also left out (2026-12-04): the mean sentiment toward the actor over all its mentions. On climate news the
# model learned that negative sentiment marks heroes (activists who warn of harm) and positive marks
# villains (a company's profits), a topic's confound that inverts on war news; the sentiment cues for a
# role (hero_toward-sentiment, ...) stay. Without them: CV main-role 0.555 (0.551 with), war sets +1.
SENTIMENT_MEAN_FEATURES = ("toward_mean", "toward_neg", "toward_pos")
MODEL_FEATURES = tuple(f for f in _ALL_FEATURES if f not in TOPICAL_FEATURES + SENTIMENT_MEAN_FEATURES)
MAIN_RULE = "cued"
# Below the cue rule, a role needs evidence for it in the article: "cued" (a cue in the words for that role)
# or "prototype" (that, or the context of the actor's mentions reading most like that role's prototypes).
# "cued" is shipped: "prototype" raised cross-validated macro-F1 on climate news from 0.240 to 0.270, but cast
# roles a reader rejects on war text (data/models/README.md), so it is an option (train --role-rule).
ROLE_RULE = "cued"
# The share of villains among the coded entities of war news, as the issue states it (always answering
# villain scores 0.64 there): the forced choice of an actor without a role moves the model's odds from the
# training set's role shares to it (hero and victim keep their training ratio). No war-news data is used.
TASK_VILLAIN_SHARE = 0.64
# The share of villains among the coded entities of the team's own war stories (tests/fixtures/roles_war,
# _heldout, _check, _fresh, _final: 104 of 236, 2026-12-04): the shipped model's ``conflict_prior`` moves the
# forced choice toward it in stories of armed conflict (newsframe.roles.conflict_stories) only. Climate news
# (the training set) has 39% villains; the war stories' forced choices without a role were mostly villains.
WAR_STORIES_VILLAIN_SHARE = 0.44


def main_prior(matches: pd.DataFrame, villain_share: float = TASK_VILLAIN_SHARE) -> dict[str, float]:
    """Odds factors per role: the target role shares (``villain_share``, hero and victim in the training
    ratio) over the training set's (coded entities matched)."""
    m = matches[matches["actor_id"] != ""]
    share = {r: max(float((m["role"] == r).mean()), 1e-6) for r in ROLES}
    rest = share["hero"] + share["victim"]
    task = {"villain": villain_share, "hero": (1 - villain_share) * share["hero"] / rest,
            "victim": (1 - villain_share) * share["victim"] / rest}
    return {r: round(task[r] / share[r], 4) for r in ROLES}
THRESHOLD_GRID = tuple(round(0.05 + 0.025 * i, 3) for i in range(23))  # 0.05 .. 0.60


def training_table(coded: pd.DataFrame, tables: dict[str, pd.DataFrame], parameters: dict | None = None,
                   typos: bool = False) -> dict:
    """Features of every actor of the coded articles and the coded roles they match.

    ``tables`` are the pipeline's tables for the coded articles (doc ids as in ``coded``). The evidence is
    read with unit source multipliers and the cue rule; unmatched coded entities are located by their
    words first (:func:`locate_entities`), as :func:`validate_roles` does.
    """
    from ..roles import find_roles, prototype_features, role_features
    parameters = dict(parameters or CUE_PARAMETERS)
    base = find_roles(tables["mentions"], tables["actors"], tables["actions"], tables["attributions"],
                      tables["actor_sentiment"], tables["tokens"], documents=tables["documents"],
                      parameters=parameters, use_model=False)
    found = _with_located(coded, {**tables, **base}, typos=typos, parameters=parameters, use_model=False)
    evidence = found.get("role_evidence", base["role_evidence"])
    roles = found["roles"].reset_index(drop=True)
    prototypes = prototype_features(found["mentions"], tables["tokens"], tables["documents"])
    feats = role_features(roles, evidence, found["mentions"], tables["attributions"], tables["actor_sentiment"],
                          prototypes)
    matches = match_entities(coded, roles, found["mentions"])
    import numpy as np
    words = evidence[evidence["source"] != "toward-sentiment"]
    sums = words.groupby([words["doc_id"].astype(str), "actor_id", "role"])["weight"].sum().to_dict()
    said = np.array([[sums.get((str(d), a, r), 0.0) for r in ROLES]
                     for d, a in zip(roles["doc_id"], roles["actor_id"])], dtype=float).reshape(len(roles), len(ROLES))
    worded = said > 0
    return {"roles": roles, "features": feats, "matches": matches,
            # the cue rule's roles (use_model=False) and which roles have a cue at all
            "cue_role": (roles["role"].to_numpy(dtype=object), worded, said)}


def _fit(features, matches, roles, train_docs: set[str], C: float, names=None) -> dict:
    """Standardise on the training rows, then the two logistic regressions (scikit-learn, L2)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    names = list(names or MODEL_FEATURES)
    X = features[names].to_numpy(dtype=float)
    keys = list(zip(roles["doc_id"].astype(str), roles["actor_id"]))
    pos = {k: i for i, k in enumerate(keys)}
    rows = np.array([d in train_docs for d, _ in keys])
    mean = X[rows].mean(axis=0)
    scale = X[rows].std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    m = matches[matches["doc_id"].isin(train_docs) & (matches["actor_id"] != "")]
    idx = [pos[(d, a)] for d, a in zip(m["doc_id"], m["actor_id"])]
    role_lr = LogisticRegression(C=C, max_iter=5000).fit(Z[idx], m["role"])
    order = [list(role_lr.classes_).index(r) for r in ROLES]
    coded_any = np.zeros(len(keys), bool)
    coded_any[idx] = True
    # p(coded) learns from the pipeline's own actors only: a located entity is coded by construction, and
    # its type (unknown) would teach the model that unknown actors are coded
    real = rows & ~roles["actor_id"].astype(str).str.startswith("coded:").to_numpy()
    coded_lr = LogisticRegression(C=C, max_iter=5000).fit(Z[real], coded_any[real])
    return {"features": names, "mean": mean, "scale": scale,
            "role_coef": role_lr.coef_[order], "role_intercept": role_lr.intercept_[order],
            "coded_coef": coded_lr.coef_[0], "coded_intercept": float(coded_lr.intercept_[0]),
            "thresholds": {r: 0.0 for r in ROLES}}


def _joint(model: dict, features, cue_role=None, main_rule: str = "model", main_prior: dict | None = None,
           role_rule: str = "cued") -> tuple:
    """Main role and the score compared with its threshold; actors the cue rule casts keep its role.

    ``main_rule`` as in :func:`newsframe.roles.assign_roles`: ``model`` (the likeliest role), ``cued``
    (the likeliest among the roles a cue in the words points to, when there is one). With ``main_prior``
    (odds factors per role), a third array: the forced choice of actors left without a role, the model's
    probabilities times those factors (``score`` then decides which actors those are)."""
    import numpy as np
    from ..roles import predict_roles
    p_role, p_coded = predict_roles(features, model)
    allowed = np.ones_like(p_role, dtype=bool)
    if cue_role is not None and main_rule == "cued":
        has = cue_role[1]
        allowed = ~(has.any(axis=1, keepdims=True) & ~has)
    idx = np.where(allowed, p_role, -1.0).argmax(axis=1)
    main = np.array(ROLES, dtype=object)[idx]
    score = p_coded * p_role[np.arange(len(idx)), idx]
    shifted = None
    if main_prior:
        w = np.array([main_prior[r] for r in ROLES])
        shifted = np.array(ROLES, dtype=object)[np.where(allowed, p_role * w, -1.0).argmax(axis=1)]
    if cue_role is not None:
        cue_role, has_cue = cue_role[0], cue_role[1]
        cued = cue_role != "none"
        main = np.where(cued, cue_role, main)
        score = np.where(cued, 9.0, score)
        # below the cue rule, no role without a cue in the words for it (the main role stays the model's
        # forced choice), as newsframe.roles.assign_roles decides
        main_i = np.array([ROLES.index(r) for r in main], dtype=int)
        grounded = has_cue[np.arange(len(main)), main_i]
        if role_rule == "prototype":  # or the context reads most like that role (as assign_roles decides)
            pmax = np.nan_to_num(features[[f"proto_{r}_max" for r in ROLES]].to_numpy(dtype=float), nan=-1.0)
            top = pmax.argmax(axis=1)
            grounded = grounded | ((top == main_i) & (pmax[np.arange(len(main)), main_i] > 0))
        score = np.where(cued | grounded, score, -1.0)
    return (main, score) if shifted is None else (main, score, shifted)


def _scores(matches: pd.DataFrame, keys: list, main, score, thresholds: dict, docs: set[str]) -> dict:
    """Per-role precision / recall / F1 and main-role accuracy, as :func:`score_roles` counts them."""
    pred = {}
    for k, mr, sc in zip(keys, main, score):
        if k[0] in docs:
            pred[k] = (mr, mr if sc >= thresholds[mr] else "none")
    m = matches[matches["doc_id"].isin(docs)]
    unfound = (UNFOUND_MAIN_ROLE, "none")
    got = [pred.get((d, a), unfound) if a else unfound for d, a in zip(m["doc_id"], m["actor_id"])]
    hit = {(d, a, r) for d, a, r in zip(m["doc_id"], m["actor_id"], m["role"]) if a}
    out = {"n_entities": len(m), "main_role_accuracy": sum(g[0] == r for g, r in zip(got, m["role"])) / max(len(m), 1)}
    out["given"] = {role: _given(m["role"].tolist(), [g[0] for g in got], role) for role in ROLES}
    for role in ROLES:
        coded_r = [g[1] == role for g, r in zip(got, m["role"]) if r == role]
        recall = sum(coded_r) / len(coded_r) if coded_r else 0.0
        mine = [k for k, (_, r) in pred.items() if r == role]
        precision = sum((k[0], k[1], role) in hit for k in mine) / len(mine) if mine else 0.0
        out[role] = {"precision": precision, "recall": recall,
                     "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0}
    return out


def _choose(data: dict, train_docs: list[str], *, inner_folds: int = 3) -> tuple[float, dict]:
    """C and the three thresholds, chosen on out-of-fold predictions inside ``train_docs`` only.

    Criterion: mean over roles of F1 plus main-role accuracy (each threshold maximises its role's F1).
    """
    import numpy as np
    roles, feats, matches = data["roles"], data["features"], data["matches"]
    keys = list(zip(roles["doc_id"].astype(str), roles["actor_id"]))
    folds = _article_folds(train_docs, inner_folds)
    best = None
    for C in C_GRID:
        main = np.empty(len(keys), dtype=object)
        score = np.zeros(len(keys))
        for f in range(inner_folds):
            inner_test = {d for d in train_docs if folds[d] == f}
            model = _fit(feats, matches, roles, set(train_docs) - inner_test, C, data.get("names"))
            mn, sc = _joint(model, feats, data["cue_role"], data.get("main_rule", "model"),
                            role_rule=data.get("role_rule", "cued"))
            sel = np.array([k[0] in inner_test for k in keys])
            main[sel], score[sel] = mn[sel], sc[sel]
        docs = set(train_docs)
        thresholds = {}
        for role in ROLES:
            f1 = [(_scores(matches, keys, main, score, {**{r: 2.0 for r in ROLES}, role: t}, docs)[role]["f1"], -t)
                  for t in THRESHOLD_GRID]
            thresholds[role] = -max(f1)[1]
        res = _scores(matches, keys, main, score, thresholds, docs)
        crit = sum(res[r]["f1"] for r in ROLES) / 3 + res["main_role_accuracy"]
        if best is None or crit > best[0] + 1e-9:
            best = (crit, C, thresholds)
    return best[1], best[2]


def _article_folds(docs, n_folds: int) -> dict[str, int]:
    """Articles to folds, round robin over a fixed shuffle (seeded): every article's rows in one fold."""
    import random
    order = sorted(docs)
    random.Random(13).shuffle(order)
    return {d: i % n_folds for i, d in enumerate(order)}


def train_role_model(coded: pd.DataFrame, tables: dict[str, pd.DataFrame], *, n_folds: int = 5,
                     features=None, main_rule: str = MAIN_RULE, role_rule: str = ROLE_RULE,
                     data: dict | None = None, typos: bool = False,
                     parameters: dict | None = None, with_main_prior: bool = False) -> dict:
    """Fit the role model on all coded articles; report held-out figures from ``n_folds`` folds by article.

    In each outer fold, C and the thresholds are chosen inside the training articles (:func:`_choose`),
    the model is fitted on them and scored on the held-out articles. The shipped model is then chosen and
    fitted the same way on every article. Returns the ``model`` block (lists, for JSON) and the ``cv`` figures.
    ``parameters``: the cue rule's (default :data:`CUE_PARAMETERS`). ``with_main_prior``: the block carries
    ``main_prior`` (odds factors toward :data:`TASK_VILLAIN_SHARE`); off by default, since that share is the
    label distribution of a test set (a user who knows their corpus' base rates may add such factors).
    """
    import numpy as np
    data = dict(data if data is not None else training_table(coded, tables, parameters, typos=typos))
    data["names"], data["main_rule"], data["role_rule"] = list(features or MODEL_FEATURES), main_rule, role_rule
    roles, feats, matches = data["roles"], data["features"], data["matches"]
    keys = list(zip(roles["doc_id"].astype(str), roles["actor_id"]))
    docs = sorted(set(matches["doc_id"]))
    folds = _article_folds(docs, n_folds)
    per_fold = []
    for f in range(n_folds):
        test = {d for d in docs if folds[d] == f}
        train = [d for d in docs if d not in test]
        C, thresholds = _choose(data, train)
        model = _fit(feats, matches, roles, set(train), C, data["names"])
        prior = main_prior(matches[matches["doc_id"].isin(set(train))])
        main, score, shifted = _joint(model, feats, data["cue_role"], main_rule, prior, role_rule=role_rule)
        cast = np.array([sc >= thresholds[mr] for mr, sc in zip(main, score)])
        forced = np.where(cast, main, shifted)
        per_fold.append({"fold": f, "C": C, "thresholds": thresholds,
                         **_scores(matches, keys, main, score, thresholds, test),
                         "main_role_accuracy_task_prior":
                             _scores(matches, keys, forced, score, thresholds, test)["main_role_accuracy"]})
    n = sum(p["n_entities"] for p in per_fold)
    cv = {"folds": f"{n_folds} folds by article, C and thresholds chosen inside each training part",
          "n_articles": len(docs), "n_entities": n,
          "matched_share": round(float((matches["actor_id"] != "").mean()), 3),
          "main_role_accuracy": round(sum(p["main_role_accuracy"] * p["n_entities"] for p in per_fold) / n, 3),
          "main_role_accuracy_task_prior": round(sum(p["main_role_accuracy_task_prior"] * p["n_entities"]
                                                     for p in per_fold) / n, 3),
          "always_villain": round(float((matches["role"] == "villain").mean()), 3)}
    for role in ROLES:
        p_ = sum(p[role]["precision"] * p["n_entities"] for p in per_fold) / n
        r_ = sum(p[role]["recall"] * p["n_entities"] for p in per_fold) / n
        cv[role] = {"precision": round(p_, 3), "recall": round(r_, 3),
                    "f1": round(2 * p_ * r_ / (p_ + r_), 3) if p_ + r_ else 0.0}
    cv["macro_f1"] = round(sum(cv[r]["f1"] for r in ROLES) / 3, 3)
    # given entities: each coded entity's forced choice against its coded role, pooled over the folds
    given = {}
    for role in ROLES:
        tp = sum(p["given"][role]["tp"] for p in per_fold)
        n_pred = sum(p["given"][role]["n_predicted"] for p in per_fold)
        n_coded = int((matches["role"] == role).sum())
        pr, rc = (tp / n_pred if n_pred else 0.0), (tp / n_coded if n_coded else 0.0)
        given[role] = {"precision": round(pr, 3), "recall": round(rc, 3),
                       "f1": round(2 * pr * rc / (pr + rc), 3) if pr + rc else 0.0}
    given["macro_f1"] = round(sum(given[r]["f1"] for r in ROLES) / 3, 3)
    cv["given_entities"] = given
    C, thresholds = _choose(data, docs)
    model = _fit(feats, matches, roles, set(docs), C, data["names"])
    model["thresholds"] = thresholds
    block = {"features": model["features"], "C": C, "thresholds": thresholds,
             **{k: [round(float(x), 6) for x in model[k]] for k in ("mean", "scale", "role_intercept", "coded_coef")},
             "role_coef": [[round(float(x), 6) for x in row] for row in model["role_coef"]],
             "coded_intercept": round(model["coded_intercept"], 6), "main_rule": main_rule, "role_rule": role_rule}
    if with_main_prior:
        block["main_prior"] = main_prior(matches)
    block["conflict_prior"] = main_prior(matches, WAR_STORIES_VILLAIN_SHARE)
    return {"model": block, "cv": cv, "per_fold": per_fold}


def shipped_cv(model_path: str | Path | None = None) -> str:
    """One line on the shipped model's cross-validated figures (from its ``cv`` record), or ''."""
    import json
    from ..roles import ROLES_MODEL_PATH
    p = Path(model_path) if model_path is not None else ROLES_MODEL_PATH
    try:
        cv = json.loads(p.read_text(encoding="utf-8")).get("cv") or {}
    except (OSError, ValueError):
        return ""
    if not all(r in cv for r in ROLES):
        return ""
    per = "; ".join(f"{r} P {cv[r]['precision']:.2f} R {cv[r]['recall']:.2f}" for r in ROLES)
    acc = cv.get("main_role_accuracy")
    given = cv.get("given_entities")
    if given:
        per += "; given entities " + ", ".join(f"{r} P {given[r]['precision']:.2f} R {given[r]['recall']:.2f}"
                                               for r in ROLES)
    return (f"shipped model ({p.name}), cross-validated on its training set ({cv.get('n_articles', '?')} articles, "
            f"{cv.get('folds', '')}): {per}"
            + (f"; main-role accuracy {acc:.3f} (always villain {cv.get('always_villain', 0):.3f})" if acc else ""))


def _main(argv: list[str] | None = None) -> int:
    """``python -m newsframe.validate.roles train CODED [--articles A] [--cache DIR] [--out roles.json]``."""
    import argparse
    import json
    import pickle
    from ..roles import ROLES_MODEL_PATH
    ap = argparse.ArgumentParser(prog="python -m newsframe.validate.roles")
    ap.add_argument("command", choices=["train"])
    ap.add_argument("coded")
    ap.add_argument("--articles")
    ap.add_argument("--cache", help="folder for the pipeline's tables of the coded articles (reused when present)")
    ap.add_argument("--out", default=str(ROLES_MODEL_PATH))
    ap.add_argument("--sentiment-casts", type=float, choices=(0.0, 1.0), default=CUE_PARAMETERS["sentiment_casts"],
                    help="1 (default): sentiment toward an actor counts toward the cue threshold; 0: it does not")
    ap.add_argument("--role-rule", choices=("cued", "prototype"), default=ROLE_RULE,
                    help="evidence a role below the cue rule needs: a cue in the words (cued, default), or that or "
                         "the context of the actor's mentions reading most like the role (prototype)")
    ap.add_argument("--typos", action="store_true",
                    help="locate coded entities with a typo for training too (validation always does); off for "
                         "the shipped model: refitted with it, the team stories' forced choice fell 54 -> 52 of 63")
    ap.add_argument("--main-prior", action="store_true",
                    help="write main_prior (odds toward the war-news task's 64%% villains) into the model")
    args = ap.parse_args(argv)
    parameters = {**CUE_PARAMETERS, "sentiment_casts": args.sentiment_casts}
    coded = read_coded_roles(args.coded)
    cache = Path(args.cache) / "tables.pkl" if args.cache else None
    if cache is not None and cache.is_file():
        tables = pickle.loads(cache.read_bytes())
    else:
        tables = _coded_tables(coded, args.coded, args.articles)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(pickle.dumps(tables))
    result = train_role_model(coded, tables, parameters=parameters, with_main_prior=args.main_prior,
                              role_rule=args.role_rule, typos=args.typos)
    out = Path(args.out)
    old = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    old.update({"format": "newsframe-roles/2", "model": result["model"], "cv": result["cv"]})
    old["parameters"] = parameters
    out.write_text(_dump(old), encoding="utf-8")
    print(json.dumps(result["cv"], indent=1))
    for p in result["per_fold"]:
        print(p["fold"], p["C"], p["thresholds"], round(p["main_role_accuracy"], 3),
              {r: round(p[r]["f1"], 3) for r in ROLES})
    return 0


def _dump(obj: dict) -> str:
    """JSON with one line per top-level key and per model entry (diffs stay readable)."""
    import json
    lines = ["{"]
    items = list(obj.items())
    for i, (k, v) in enumerate(items):
        end = "," if i < len(items) - 1 else ""
        if k == "model":
            inner = list(v.items())
            lines.append(f'  "{k}": {{')
            for j, (kk, vv) in enumerate(inner):
                lines.append(f'    "{kk}": {json.dumps(vv, ensure_ascii=False)}' + ("," if j < len(inner) - 1 else ""))
            lines.append("  }" + end)
        else:
            lines.append(f'  "{k}": {json.dumps(v, ensure_ascii=False)}{end}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _coded_tables(coded: pd.DataFrame, coded_path, articles) -> dict[str, pd.DataFrame]:
    from ..analysis import analyze
    docs = load_coded_articles(coded_path, articles)
    docs = docs[docs["id"].astype(str).isin(set(coded["doc_id"]))]
    a = analyze(docs.reset_index(drop=True))
    back = dict(zip(a.documents["doc_id"], docs["id"].astype(str)))
    return {name: a.table(name).assign(doc_id=lambda f: f["doc_id"].map(back))
            for name in ("mentions", "actors", "actions", "attributions", "actor_sentiment", "tokens", "documents")}


if __name__ == "__main__":
    import sys
    sys.exit(_main())
