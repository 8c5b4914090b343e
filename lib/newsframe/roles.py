"""Narrative roles: whom an article casts as hero, villain or victim, and the words that cast them.

Every role rests on cue firings, one row each in the ``role_evidence`` table:

- **action** (who did what to whom): an actor is the agent of a verb of harm ("launched strikes",
  "rigged the count": villain), of help or resolution ("evacuated the wounded", "brokered", "welcomed the
  idea of hosting": hero) or of suffering ("fled", "lost their jobs": victim); or it is the patient of
  harm, as the object of the verb or the subject of its passive ("killing twelve civilians", "were
  killed": victim). Agents come from the ``actions`` table (which resolves pronouns, relative clauses and
  coordinated verbs) and from a small window after each mention (passives, "by"-agents); patients from a
  window before each mention and from the targets in ``actions``.
- **attribution**: the target of blame in reported speech ("accused Westland of", "blamed Moscow for",
  "condemned Russia"): villain, as a claim of the speaker, so weaker than an act.
- **lexicon**: words that describe the actor in or just before its mention ("terrorist", "regime",
  "innocent civilians", "refugees", "rescuers").
- **toward-sentiment**: the ``actor_sentiment`` table's sentiment toward each mention (read, never
  re-encoded): positive supports hero, negative supports whichever of villain and victim has more other
  evidence (villain when neither has any).

Collective nouns that no actor mention covers ("civilians", "steelworkers", "voters"; the ``group`` rows
of ``data/roles.csv``) become group actors of their own (``group:civilians``), so groups take roles like
persons; metonyms ("Moscow") already resolve to their actor in ``mentions``.

Each actor's raw score for a role is the weighted sum of its cues (weights from ``data/roles.csv`` times a
per-source multiplier); its reported score is ``1 - exp(-raw)`` (0..1). The dominant role is the one with
the largest raw score when that reaches the threshold and the actor has at least ``min_mentions`` mentions
(with the parameter ``sentiment_casts`` 0, also only when an act, a blame or a description points to that
role: sentiment alone then casts nobody), else ``none`` (``main_role`` still names a role: the forced
choice); the ``dominance`` column says why
(scores, cues, the strongest cue). The multipliers and the threshold were chosen by cross-validation on
the Narrative Frames Corpus development part (``data/models/roles.json``, provenance in
``data/models/README.md``). ``fine_role`` follows the war-news taxonomy (Guardian, Peacemaker, Tyrant,
Instigator, ...) and is filled only when the leading fine role among the dominant role's cues carries a third of its
score and 1.25 times the next fine role's.
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import config, schema
from .errors import NewsframeError

ROLES = ("hero", "villain", "victim")
SLOTS = ("agent", "patient", "blamed", "target", "self", "group", "supply", "force", "conflict")
# An article with at least this many words of armed conflict (slot "conflict": missiles, troops, ceasefire)
# is a story of armed conflict, where the forced choice takes the model's conflict prior (below).
CONFLICT_MIN_WORDS = 2
SOURCES = ("action", "attribution", "lexicon", "toward-sentiment")
ROLES_LEXICON_PATH = config.DATA_DIR / "roles.csv"
ROLES_MODEL_PATH = config.DATA_DIR / "models" / "roles.json"
ROLE_PROTOTYPES_PATH = config.DATA_DIR / "role_prototypes.csv"
LEXICON_COLUMNS = ("term", "role", "fine_role", "slot", "weight", "note")

# Defaults when no calibrated model file is found (the shipped data/models/roles.json overrides them).
DEFAULT_PARAMETERS: dict[str, float] = {
    "action": 1.0, "attribution": 1.0, "lexicon": 1.0, "toward-sentiment": 0.5, "threshold": 0.5,
    "min_mentions": 1.0,
    # 1 (shipped): sentiment toward the actor counts toward the cue threshold like any cue (negative to
    # villain or victim by the other cues, positive to hero); 0: the strongest role needs an act, a blame or
    # a description of its own (A/B 2026-12-02, NFC CV macro-F1: 0.245 with 1, 0.189 with 0; data/models/README.md)
    "sentiment_casts": 1.0,
}

# Words skipped between a subject and its verb ("has already", "were reportedly"), and be/get forms that
# make the next participle passive.
_BE = {"is", "are", "was", "were", "be", "been", "being", "get", "got", "gets", "getting", "'s", "'re"}
_SKIP_AFTER = _BE | {"has", "have", "had", "will", "would", "could", "may", "might", "can", "should", "must",
                     "also", "already", "reportedly", "allegedly", "then", "later", "still", "now", "all",
                     "both", "themselves", "itself", "again", "repeatedly", "deliberately", "never", "just"}
# Function words that end the search for the verb that governs an object ("criticism from Trump").
_STOP_BEFORE = {"by", "from", "with", "for", "to", "against", "and", "or", "but", "while", "as", "than", "who",
                "which", "that", "said", "says", "say", "in", "on", "at", "into", "after", "before"}
_CONDITIONAL = {"if", "unless", "whether"}
# Auxiliaries that open the main clause's verb group after a relative clause ("Journalists who ... have been").
_MAIN_AUXILIARIES = {"has", "have", "had", "was", "were", "is", "are", "will", "would"}
# Words that open a clause of its own, or a finite verb of another subject, between a verb and "and ...".
_NEW_CLAUSE = _MAIN_AUXILIARIES | {"that", "which", "who", "whom", "because",
                                   "if", "unless", "whether", "where", "although", "though"}
_TARGET_PREP = {"for", "against", "on"}
# Head nouns of institutions whose names name their field, not a trait ("Criminal Court", "Refugee Council").
_INSTITUTION_HEADS = {"court", "tribunal", "council", "committee", "commission", "ministry", "department", "agency",
                      "office", "bureau", "programme", "program", "fund", "institute", "board", "authority", "service"}
# Count words between "including" and the members it names ("including at least two nurses").
_COUNTS = {"a", "an", "the", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozen", "dozens",
           "hundreds", "thousands", "several", "many", "some", "of", "at", "least", "more", "than", "about"}
_IRREGULAR_PARTICIPLES = {"hit", "struck", "shot", "hurt", "held", "forgotten", "beaten", "thrown", "driven",
                          "left", "caught", "stolen", "lost", "put", "bitten", "bled", "slain", "sold", "told"}
# Verbs after which a to-infinitive says what the subject itself means to do ("agreed to meet").
_INTENT = {"agre", "offer", "promis", "vow", "pledg", "want", "tri", "seek", "sought", "plan", "decid",
           "prepar", "readi", "move", "hope", "aim", "continu", "began", "start", "refus", "threaten"}


# -- lexicon and model ------------------------------------------------------------------------------
def load_role_lexicon(path: str | Path | None = None) -> pd.DataFrame:
    """The role cue lexicon (``data/roles.csv``) with a ``stems`` column added.

    Columns: ``term`` (words, the first one the verb or noun; stems compared with the Porter stemmer),
    ``role`` (hero, villain, victim; ``none`` for collective nouns), ``fine_role``, ``slot`` (agent,
    patient, blamed, self, group), ``weight``, ``note``.

    Raises
    ------
    NewsframeError
        The file is missing or lacks a column, or a row has an unknown role or slot.
    """
    return _load_lexicon(str(Path(path) if path is not None else ROLES_LEXICON_PATH)).copy()


def _read_csv(p: Path, what: str, columns) -> pd.DataFrame:
    """A CSV of ``data/`` as strings, or one clear error: missing, unreadable, or lacking a column."""
    if not p.is_file():
        raise NewsframeError(f"{p}: no such {what}")
    try:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise NewsframeError(f"{p}: not a readable CSV ({exc})") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise NewsframeError(f"{p}: {what} lacks column(s) {', '.join(missing)}")
    return frame


@lru_cache(maxsize=8)
def _load_lexicon(path: str) -> pd.DataFrame:
    p = Path(path)
    lex = _read_csv(p, "role lexicon", LEXICON_COLUMNS)
    bad_role = sorted(set(lex["role"]) - set(ROLES) - {"none"})
    bad_slot = sorted(set(lex["slot"]) - set(SLOTS))
    if bad_role or bad_slot:
        raise NewsframeError(f"{p}: unknown role(s) {bad_role} or slot(s) {bad_slot}")
    try:
        lex["weight"] = lex["weight"].astype(float)
    except ValueError:
        raise NewsframeError(f"{p}: every weight must be a number") from None
    stem = _stemmer().stem
    # A term word matches a token whose Porter stem equals the word's stem or the word itself: terms may be
    # written as words ("accuse") or as stems ("accus", which the stemmer would cut again to "accu").
    lex["stems"] = [tuple(frozenset({w, stem(w)}) for w in str(t).lower().split()) for t in lex["term"]]
    return lex


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import PorterStemmer
    return PorterStemmer()


def load_role_parameters(path: str | Path | None = None) -> dict[str, float]:
    """Source multipliers and the role threshold, from ``data/models/roles.json`` (else the defaults)."""
    p = Path(path) if path is not None else ROLES_MODEL_PATH
    if path is not None and not p.is_file():
        raise NewsframeError(f"{p}: no such role model")
    if not p.is_file():
        return dict(DEFAULT_PARAMETERS)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise NewsframeError(f"{p}: not a role model ({exc})") from None
    params = dict(DEFAULT_PARAMETERS)
    params.update({k: float(v) for k, v in data.get("parameters", {}).items() if k in DEFAULT_PARAMETERS})
    return params


def load_role_model(path: str | Path | None = None) -> dict | None:
    """The learned role model of ``data/models/roles.json`` (its ``model`` block), or ``None`` without one.

    The block holds two logistic regressions over :func:`role_features`: ``role`` (hero / villain /
    victim, which role a coded actor holds) and ``coded`` (whether the actor holds a role at all), and one
    threshold per role on ``p(coded) * p(role)``. A model file without the block keeps the cue rule
    (threshold on the weighted cue sum).
    """
    p = Path(path) if path is not None else ROLES_MODEL_PATH
    if not p.is_file():
        return None
    return _load_model(str(p))


@lru_cache(maxsize=4)
def _load_model(path: str) -> dict | None:
    import numpy as np
    try:
        block = json.loads(Path(path).read_text(encoding="utf-8")).get("model")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise NewsframeError(f"{path}: not a role model ({exc})") from None
    if not block:
        return None
    try:
        model = {"features": list(block["features"]), "mean": np.array(block["mean"], float),
                 "scale": np.array(block["scale"], float),
                 "role_coef": np.array(block["role_coef"], float), "role_intercept": np.array(block["role_intercept"], float),
                 "coded_coef": np.array(block["coded_coef"], float), "coded_intercept": float(block["coded_intercept"]),
                 "thresholds": {r: float(block["thresholds"][r]) for r in ROLES},
                 "main_rule": str(block.get("main_rule", "model")),
                 "role_rule": str(block.get("role_rule", "cued")),
                 "main_prior": ({r: float(block["main_prior"][r]) for r in ROLES}
                                if block.get("main_prior") else None),
                 "conflict_prior": ({r: float(block["conflict_prior"][r]) for r in ROLES}
                                    if block.get("conflict_prior") else None)}
    except (KeyError, TypeError, ValueError) as exc:
        raise NewsframeError(f"{path}: role model block lacks or mangles {exc}") from None
    unknown = sorted(set(model["features"]) - set(FEATURES))
    if unknown or model["role_coef"].shape != (len(ROLES), len(model["features"])):
        raise NewsframeError(f"{path}: role model features do not fit this version ({unknown or 'shape'})")
    return model


class _Index:
    """Lexicon rows keyed by (first stem, slot) for the matcher."""

    def __init__(self, lex: pd.DataFrame) -> None:
        self.by_key: dict[tuple[str, str], list[dict]] = {}
        self.groups: list[str] = []
        for r in lex.to_dict("records"):
            if not r["stems"]:
                continue
            if r["slot"] == "group":
                self.groups.append(str(r["term"]).lower())
                continue
            for first in r["stems"][0]:
                self.by_key.setdefault((first, r["slot"]), []).append(r)
        for rows in self.by_key.values():  # longest terms first: "launch strike" before "launch"
            rows.sort(key=lambda r: -len(r["stems"]))
        self.self_stems = {k[0] for k in self.by_key if k[1] == "self"}
        self.conflict_stems = frozenset(k[0] for k in self.by_key if k[1] == "conflict")
        self.group_set = frozenset(self.groups)
        self.group_suffixes = tuple(g for g in self.groups if len(g) >= 6)

    def is_group(self, low: str) -> bool:
        return low in self.group_set or (bool(self.group_suffixes) and low.endswith(self.group_suffixes))


_INDEX_CACHE: dict[int, tuple[pd.DataFrame, _Index]] = {}


def _index_for(path: str) -> _Index:
    """The matcher's index of the lexicon at ``path``, built once per loaded lexicon (a batch of a corpus
    run would otherwise pay for it again), and rebuilt whenever :func:`_load_lexicon` reloads the file."""
    lex = _load_lexicon(path)
    hit = _INDEX_CACHE.get(id(lex))
    if hit is None or hit[0] is not lex:
        if len(_INDEX_CACHE) >= 16:  # bounded: as many lexicons as _load_lexicon keeps, and a few more
            _INDEX_CACHE.clear()
        hit = (lex, _Index(lex))
        _INDEX_CACHE[id(lex)] = hit
    return hit[1]


# -- per-actor features of the learned model -------------------------------------------------------------
# Generic word classes of an actor's name (domain-neutral: ordinary people, and policies or agreements).
PEOPLE_WORDS = frozenset({
    "people", "public", "civilians", "residents", "families", "children", "citizens", "workers", "farmers",
    "consumers", "voters", "villagers", "patients", "migrants", "refugees", "taxpayers", "communities",
    "students", "households", "locals", "population", "women", "elderly", "victims", "homeowners", "employees",
    "community", "inhabitants", "everyone", "humanity", "generations", "kids", "parents", "growers", "fishermen",
    "pensioners", "tenants"})
_PEOPLE_SUFFIXES = ("workers", "holders", "families", "residents", "growers", "farmers")
POLICY_WORDS = frozenset({
    "law", "laws", "act", "deal", "agreement", "accord", "plan", "policy", "policies", "regulation",
    "regulations", "treaty", "ban", "tax", "standard", "standards", "rule", "rules", "bill", "program",
    "programme", "ceasefire", "truce", "sanctions", "tariffs", "reform", "initiative", "measures"})
ACTOR_TYPES = ("person", "organisation", "state", "place", "group", "unknown")
FEATURES = tuple(
    [f"{r}_{s}" for r in ROLES for s in SOURCES] + [f"{r}_n" for r in ROLES]
    + ["toward_mean", "toward_neg", "toward_pos", "quoted", "log_mentions", "share", "first_pos", "in_first3"]
    + [f"type_{t}" for t in ACTOR_TYPES] + ["name_people", "name_policy", "name_plural"]
    + [f"proto_{r}_{k}" for r in ROLES for k in ("mean", "max")])
PROTOTYPE_FEATURES = tuple(f for f in FEATURES if f.startswith("proto_"))
# The prototypes are compared with the hidden states of layer 3 over the mention's word pieces, with the
# word-piece limit of sentiment toward actors: the same pass over the same sentence, so the states are
# usually still in the encoder's cache and the roles stage encodes little of its own.
PROTOTYPE_LAYER = 3
PROTOTYPE_MAX_TOKENS = 160


def load_role_prototypes(path: str | Path | None = None) -> pd.DataFrame:
    """The role prototypes (``data/role_prototypes.csv``): short team-written sentences, one actor in each
    marked ``[[...]]``, that cast it as hero, villain or victim.

    Columns ``role``, ``sentence``, ``note``, plus ``text`` (the sentence without the marks) and ``start``,
    ``end`` (the marked actor in ``text``).

    Raises
    ------
    NewsframeError
        The file is missing or lacks a column, a role is unknown, or a sentence lacks one ``[[...]]``.
    """
    return _load_prototypes(str(Path(path) if path is not None else ROLE_PROTOTYPES_PATH)).copy()


@lru_cache(maxsize=4)
def _load_prototypes(path: str) -> pd.DataFrame:
    p = Path(path)
    df = _read_csv(p, "role prototype file", ("role", "sentence", "note"))
    if not set(df["role"]) <= set(ROLES) or not all((df["role"] == r).any() for r in ROLES):
        raise NewsframeError(f"{p}: every prototype's role must be hero, villain or victim, each at least once")
    texts, starts, ends = [], [], []
    for sentence in df["sentence"]:
        i, j = sentence.find("[["), sentence.find("]]")
        if i < 0 or j < i + 2 or sentence.count("[[") != 1 or sentence.count("]]") != 1:
            raise NewsframeError(f"{p}: prototype {sentence!r} must mark one actor as [[...]]")
        texts.append(sentence.replace("[[", "").replace("]]", ""))
        starts.append(i)
        ends.append(j - 2)
    return df.assign(text=texts, start=starts, end=ends)


def _unit(x):
    import numpy as np
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(n == 0, 1.0, n)


@lru_cache(maxsize=8)
def _prototype_centroids(path: str, encoder_mode: tuple):
    """(centre, unit centroid per role): the prototypes' layer-3 span means, centred on their own mean (the
    encoder's states share one large common direction), each role's mean direction. ``encoder_mode``
    (precision, int8) keys the cache: vectors of two encoder modes never mix."""
    import numpy as np
    from . import encoder
    proto = _load_prototypes(path)
    vecs = encoder.span_vectors(proto["text"].tolist(), list(zip(proto["start"], proto["end"])),
                                layers=(PROTOTYPE_LAYER,), max_tokens=PROTOTYPE_MAX_TOKENS).astype(float)
    centre = vecs.mean(axis=0)
    unit = _unit(vecs - centre)
    roles = proto["role"].to_numpy()
    return centre, _unit(np.stack([unit[roles == r].mean(axis=0) for r in ROLES]))


def prototype_features(mentions: pd.DataFrame, tokens: pd.DataFrame, documents: pd.DataFrame | None, *,
                       prototypes_path: str | Path | None = None) -> pd.DataFrame | None:
    """How much each actor's mentions read like the hero, villain and victim prototypes.

    For every actor mention (``function`` actor, as sentiment toward actors reads them: the encoder's states
    of those sentences are then usually cached), the cosine of its layer-3 span mean (in its sentence, centred like the prototypes)
    with each role's prototype centroid, minus the mean of the three (only the differences between roles
    count); per actor, the mean and the maximum over its mentions (``proto_hero_mean``, ``proto_hero_max``,
    ...). This sees context the cue lexicon has no row for ("residents say the smoke has made them ill"),
    in any wording. It is a feature of the learned model and, with the model's ``role_rule`` "prototype", the
    evidence of a role below the cue rule when the context reads most like that role (the sentence of the
    maximum is kept: ``proto_hero_sentence``, ...). Mentions inside a condition ("if ...") are left out.
    Returns ``None`` when the encoder is not installed (the model then reads these features at its
    training mean) or when there is no text to read.
    """
    import numpy as np
    from . import encoder
    cols = ["doc_id", "actor_id", *PROTOTYPE_FEATURES]
    if documents is None or not encoder.available():
        return None
    if mentions is None or mentions.empty or tokens is None or tokens.empty or documents.empty:
        return pd.DataFrame(columns=cols + [f"proto_{r}_sentence" for r in ROLES])
    if "function" in mentions.columns:  # the mentions sentiment toward actors reads: its states are cached
        mentions = mentions[mentions["function"] == "actor"]
    text_of = dict(zip(documents["doc_id"].tolist(), documents["text"].tolist()))
    spans = tokens.groupby(["doc_id", "sentence_id"], sort=False).agg(start=("start", "min"), end=("end", "max"))
    sentence_of = {k: (int(a), int(b)) for k, a, b in zip(spans.index, spans["start"], spans["end"])}
    # a mention after "if", "unless" or "whether" in its sentence is in a condition: what it does there has
    # not happened, so its context counts for no role (as with the cues)
    cond = tokens[tokens["lower"].isin(_CONDITIONAL)].groupby(["doc_id", "sentence_id"], sort=False)["start"].min()
    condition_at = {k: int(v) for k, v in cond.items()}
    keys, texts, where, sids = [], [], [], []
    for d, a, s, st, en in zip(*(mentions[c].tolist() for c in ("doc_id", "actor_id", "sentence_id", "start", "end"))):
        found = sentence_of.get((d, s))
        if found is None or d not in text_of:
            continue
        lo, hi = found
        if not (lo <= int(st) < int(en) <= hi) or int(st) > condition_at.get((d, s), hi):
            continue
        keys.append((d, a))
        sids.append(int(s))
        texts.append(text_of[d][lo:hi])
        where.append((int(st) - lo, int(en) - lo))
    if not keys:
        return pd.DataFrame(columns=cols + [f"proto_{r}_sentence" for r in ROLES])
    path = str(Path(prototypes_path) if prototypes_path is not None else ROLE_PROTOTYPES_PATH)
    centre, centroids = _prototype_centroids(path, (encoder.precision(), encoder.quantized()))
    x = encoder.span_vectors(texts, where, layers=(PROTOTYPE_LAYER,), max_tokens=PROTOTYPE_MAX_TOKENS).astype(float)
    sim = _unit(x - centre) @ centroids.T
    sim = sim - sim.mean(axis=1, keepdims=True)
    frame = pd.DataFrame(sim, columns=list(ROLES))
    frame["doc_id"] = [k[0] for k in keys]
    frame["actor_id"] = [k[1] for k in keys]
    frame["sentence_id"] = sids
    g = frame.groupby(["doc_id", "actor_id"], sort=False)[list(ROLES)]
    mean, top, at = g.mean(), g.max(), g.idxmax()
    out = pd.DataFrame({"doc_id": mean.index.get_level_values(0), "actor_id": mean.index.get_level_values(1)})
    for r in ROLES:
        out[f"proto_{r}_mean"] = mean[r].to_numpy()
        out[f"proto_{r}_max"] = top[r].to_numpy()
    for r in ROLES:  # the evidence of a role the context carries: the sentence that reads most like it
        out[f"proto_{r}_sentence"] = frame["sentence_id"].to_numpy()[at[r].to_numpy()]
    return out[cols + [f"proto_{r}_sentence" for r in ROLES]]


def role_features(roles: pd.DataFrame, evidence: pd.DataFrame, mentions: pd.DataFrame | None,
                  attributions: pd.DataFrame | None, actor_sentiment: pd.DataFrame | None,
                  prototypes: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per row of ``roles`` (doc_id, actor_id, actor_name, actor_type): the model's features.

    Cue sums by role and source and cue counts by role (``log1p``; evidence weights as the lexicon gives
    them), sentiment toward the actor (mean score, negative and positive mentions), how often it is quoted
    (speaker of an attribution), how often and how early it is mentioned (share of the article's actor
    mentions, first sentence relative to the article's length, within the first four sentences), its type,
    and generic word classes of its name (:data:`PEOPLE_WORDS`, :data:`POLICY_WORDS`, a plural head);
    with ``prototypes`` (:func:`prototype_features`), how its mentions read like the role prototypes (0 for
    an actor without a mention there; NaN for every actor without the table: the model then reads them
    at its training mean). Nothing here is specific to one topic.
    """
    import numpy as np
    k = roles[["doc_id", "actor_id", "actor_name", "actor_type"]].reset_index(drop=True)
    idx = pd.MultiIndex.from_arrays([k["doc_id"], k["actor_id"]], names=["doc_id", "actor_id"])
    n_rows = len(k)
    X: dict[str, np.ndarray] = {}

    def per_actor(series: pd.Series, fill: float = 0.0) -> np.ndarray:
        if series.empty:
            return np.full(n_rows, fill)
        series.index = series.index.set_names(["doc_id", "actor_id"])
        return series.reindex(idx).fillna(fill).to_numpy(dtype=float)

    ev = evidence[evidence["role"].isin(ROLES)] if evidence is not None and not evidence.empty else None
    # cue sums and counts by role and source in one pass (fifteen pandas group-bys cost more than the rules)
    row_of = {key: i for i, key in enumerate(zip(k["doc_id"].tolist(), k["actor_id"].tolist()))}
    if ev is not None:
        at = np.array([row_of.get(key, -1) for key in zip(ev["doc_id"].tolist(), ev["actor_id"].tolist())], dtype=int)
        ev_role, ev_src = ev["role"].to_numpy(dtype=object), ev["source"].to_numpy(dtype=object)
        ev_w = ev["weight"].to_numpy(dtype=float)
    for r in ROLES:
        count = np.zeros(n_rows)
        mine = (at >= 0) & (ev_role == r) if ev is not None else None
        if ev is not None:
            np.add.at(count, at[mine], 1.0)
        for src in SOURCES:
            acc = np.zeros(n_rows)
            if ev is not None:
                m = mine & (ev_src == src)
                np.add.at(acc, at[m], ev_w[m])
            X[f"{r}_{src}"] = np.log1p(acc)
        X[f"{r}_n"] = np.log1p(count)
    if actor_sentiment is not None and not actor_sentiment.empty:
        sent = actor_sentiment
        g = [sent["doc_id"], sent["actor_id"]]
        X["toward_mean"] = per_actor(sent["score"].astype(float).groupby(g).mean())
        X["toward_neg"] = np.log1p(per_actor((sent["label"] == "negative").astype(float).groupby(g).sum()))
        X["toward_pos"] = np.log1p(per_actor((sent["label"] == "positive").astype(float).groupby(g).sum()))
    else:
        X["toward_mean"] = X["toward_neg"] = X["toward_pos"] = np.zeros(n_rows)
    if attributions is not None and not attributions.empty:
        X["quoted"] = np.log1p(per_actor(attributions.groupby(["doc_id", "speaker_id"]).size()))
    else:
        X["quoted"] = np.zeros(n_rows)
    ms = mentions if mentions is not None else schema.empty("mentions")
    ms = ms[ms["function"] == "actor"] if "function" in ms.columns else ms
    n = per_actor(ms.groupby(["doc_id", "actor_id"]).size())
    first = per_actor(ms.groupby(["doc_id", "actor_id"])["sentence_id"].min(), np.nan)
    if ev is not None:  # group actors of the evidence have no rows in mentions: their cue mentions instead
        n = np.maximum(n, per_actor(evidence.groupby(["doc_id", "actor_id"])["mention_id"].nunique()))
        first = np.where(np.isnan(first), per_actor(evidence.groupby(["doc_id", "actor_id"])["sentence_id"].min(),
                                                    np.nan), first)
    n_doc = k["doc_id"].map(ms.groupby("doc_id").size()).fillna(1).clip(lower=1).to_numpy(dtype=float)
    last = k["doc_id"].map(ms.groupby("doc_id")["sentence_id"].max()).fillna(1).clip(lower=1).to_numpy(dtype=float)
    X["log_mentions"] = np.log1p(n)
    X["share"] = np.minimum(n / n_doc, 1.0)
    X["first_pos"] = np.where(np.isnan(first), 1.0, np.minimum(np.nan_to_num(first) / last, 1.0))
    X["in_first3"] = (np.nan_to_num(first, nan=99.0) <= 3).astype(float)
    for t in ACTOR_TYPES:
        X[f"type_{t}"] = (k["actor_type"] == t).to_numpy(dtype=float)
    words = [re.sub(r"[^a-z ]", " ", str(nm).lower()).split() for nm in k["actor_name"]]
    X["name_people"] = np.array([any(w in PEOPLE_WORDS or (len(w) > 7 and w.endswith(_PEOPLE_SUFFIXES)) for w in ws)
                                 for ws in words], float)  # "steelworkers", "smallholders"
    X["name_policy"] = np.array([any(w in POLICY_WORDS for w in ws) for ws in words], float)
    X["name_plural"] = np.array([bool(ws) and ws[-1].endswith("s") and not ws[-1].endswith("ss") for ws in words],
                                float)
    if prototypes is not None:
        pt = prototypes.set_index(["doc_id", "actor_id"])
        for f in PROTOTYPE_FEATURES:
            X[f] = per_actor(pt[f].astype(float)) if not pt.empty else np.zeros(n_rows)
    else:
        for f in PROTOTYPE_FEATURES:
            X[f] = np.full(n_rows, np.nan)
    return pd.DataFrame({f: X[f] for f in FEATURES})


def predict_roles(features: pd.DataFrame, model: dict):
    """``(p_role, p_coded)``: p(hero, villain, victim | coded) per row (n x 3) and p(coded) (n)."""
    import numpy as np
    # a feature that could not be computed (NaN: no encoder) is read at the training mean
    x = np.nan_to_num((features[model["features"]].to_numpy(dtype=float) - model["mean"]) / model["scale"])
    z = x @ model["role_coef"].T + model["role_intercept"]
    z = np.exp(z - z.max(axis=1, keepdims=True))
    p_role = z / z.sum(axis=1, keepdims=True)
    p_coded = 1.0 / (1.0 + np.exp(-(x @ model["coded_coef"] + model["coded_intercept"])))
    return p_role, p_coded


# -- the stage --------------------------------------------------------------------------------------
def find_roles(mentions: pd.DataFrame, actors: pd.DataFrame, actions: pd.DataFrame, attributions: pd.DataFrame,
               actor_sentiment: pd.DataFrame | None, tokens: pd.DataFrame, *,
               documents: pd.DataFrame | None = None, lexicon_path: str | Path | None = None,
               model_path: str | Path | None = None, parameters: dict[str, float] | None = None,
               use_model: bool = True, encoder: str = "auto") -> dict[str, pd.DataFrame]:
    """The ``roles`` table (one row per document and actor) and its ``role_evidence`` (one row per cue).

    Parameters
    ----------
    mentions, actors, actions, attributions, tokens
        The tables of the same names.
    documents
        The ``documents`` table, for the cue text; without it the text is rebuilt from the tokens.
    actor_sentiment
        The ``actor_sentiment`` table (sentiment toward each mention), or ``None`` to leave that source out.
    lexicon_path
        A role lexicon in the layout of ``data/roles.csv`` (default: the package's).
    model_path
        Source multipliers and threshold (default ``data/models/roles.json``).
    parameters
        Override of the model's parameters (used by the calibration).
    use_model
        Let the learned model of ``model_path`` decide (default); ``False`` keeps the cue rule (the
        training reads the evidence this way).
    encoder
        The model's role-prototype features: ``"auto"`` (from the MiniLM encoder when it is installed),
        ``"minilm"`` (required: an error without it) or ``"none"`` (read at their training mean: no encoder
        pass, for speed).

    Returns
    -------
    dict
        ``{"roles": ..., "role_evidence": ...}`` with the columns of ``schema.TABLES``.

    Examples
    --------
    >>> import newsframe
    >>> a = newsframe.analyze("Northland forces shelled the town. Civilians were killed.")
    >>> a.roles.set_index("actor_name")["role"].to_dict()["civilians"]
    'victim'
    """
    index = _index_for(str(Path(lexicon_path) if lexicon_path is not None else ROLES_LEXICON_PATH))
    params = load_role_parameters(model_path)
    params.update(parameters or {})
    evidence = find_role_cues(mentions, actions, attributions, actor_sentiment, tokens, documents=documents,
                              index=index, parameters=params)
    model = load_role_model(model_path) if use_model else None
    # the encoder is asked only when the model reads the prototype features
    if encoder not in ("auto", "minilm", "none"):
        raise NewsframeError(f"roles encoder must be auto, minilm or none, not {encoder!r}")
    from . import encoder as _encoder
    if encoder == "minilm" and not _encoder.available():
        raise NewsframeError("roles_encoder 'minilm' needs torch, tokenizers, safetensors and the packaged "
                             "MiniLM weights installed; or use roles_encoder 'none'")
    prototypes = (prototype_features(mentions, tokens, documents)
                  if model is not None and encoder != "none" and set(model["features"]) & set(PROTOTYPE_FEATURES)
                  else None)
    roles = assign_roles(evidence, actors, mentions, parameters=params, model=model, attributions=attributions,
                         actor_sentiment=actor_sentiment, prototypes=prototypes,
                         conflict_docs=conflict_stories(tokens, index=index))
    roles = states_follow_their_forces(roles)
    roles = speakers_follow_principals(roles, spokespersons(mentions, tokens))
    return {"roles": roles, "role_evidence": evidence}


def conflict_stories(tokens: pd.DataFrame | None, *, index: _Index | None = None,
                     lexicon_path: str | Path | None = None) -> set:
    """Documents that tell of armed conflict: at least :data:`CONFLICT_MIN_WORDS` words of the lexicon's
    ``conflict`` slot (missiles, airstrikes, troops, ceasefire, ...). Of the 256 NFC climate articles 3 are;
    of the team's 23 war stories 20 are (an opinion piece without weapons words and an exodus story are not)."""
    if tokens is None or tokens.empty:
        return set()
    if index is None:
        index = _index_for(str(Path(lexicon_path) if lexicon_path is not None else ROLES_LEXICON_PATH))
    if not index.conflict_stems:
        return set()
    hits = tokens.loc[tokens["stem"].isin(index.conflict_stems), "doc_id"].value_counts()
    return set(hits.index[hits >= CONFLICT_MIN_WORDS])


_SPOKES = {"spokesman", "spokeswoman", "spokesperson", "spokesmen", "spokeswomen", "spokespeople"}


def spokespersons(mentions: pd.DataFrame, tokens: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Who speaks for whom: ``{(doc_id, person actor_id): actor_id spoken for}``.

    A person introduced as a spokesperson ("Kremlin spokesman Dmitry Peskov", "John Kirby, a White House
    spokesman", "a spokeswoman for the army, Jane Doe") speaks for the actor named beside that word; when
    the text names none ("Spokesman Dmitry Peskov said"), for the state or organisation the gazetteer gives
    as the person's country, if the article names it and the gazetteer lists the person as a spokesperson.
    """
    if mentions is None or mentions.empty or tokens is None or tokens.empty:
        return {}
    # only the articles that use the word at all (most do not): the rest costs one vectorised look-up
    with_word = set(tokens.loc[tokens["lower"].isin(_SPOKES), "doc_id"])
    if not with_word:
        return {}
    tokens = tokens[tokens["doc_id"].isin(with_word)]
    mentions = mentions[mentions["doc_id"].isin(with_word)]
    spoke_country = _spokesperson_countries()
    links: dict[tuple[str, str], str] = {}
    tok_by_doc = dict(tuple(tokens.groupby("doc_id", sort=False)))
    for doc_id, ms in mentions.groupby("doc_id", sort=False):
        toks = tok_by_doc.get(doc_id)
        if toks is None:
            continue
        low = toks["lower"].astype(str).tolist()
        sent = toks["sentence_id"].astype(int).tolist()
        at_start = {int(a): k for k, a in enumerate(toks["start"].tolist())}
        at_end = {int(b): k for k, b in enumerate(toks["end"].tolist())}
        rows = list(zip(ms["actor_id"].tolist(), ms["actor_type"].tolist(), ms["start"].astype(int).tolist(),
                        ms["end"].astype(int).tolist()))
        others = {}  # token index -> non-person actor of the mention covering it
        for aid, typ, a, b in rows:
            if typ != "person" and a in at_start and b in at_end:
                for k in range(at_start[a], at_end[b] + 1):
                    others[k] = aid
        present = set(ms["actor_id"])
        for aid, typ, a, b in rows:
            if typ != "person" or (doc_id, aid) in links:
                continue
            i, j = at_start.get(a), at_end.get(b)
            if i is None or j is None:
                continue
            near = [k for k in range(max(0, i - 3), i) if sent[k] == sent[i]]
            if j + 1 < len(low) and low[j + 1] == ",":
                near += [k for k in range(j + 2, min(len(low), j + 8)) if sent[k] == sent[i]]
            title = next((k for k in near if low[k] in _SPOKES), None)
            if title is None:
                continue
            # "Kremlin spokesman", "an Eritrean government spokesman"
            principal = next((others[k] for k in (title - 1, title - 2) if k in others and sent[k] == sent[title]), None)
            if principal is None:
                principal = next((others[k] for k in range(title + 1, min(len(low), title + 5))
                                  if k in others and sent[k] == sent[title] and low[title + 1] in ("for", "of")), None)
            if principal is None and spoke_country.get(aid) in present:
                principal = spoke_country[aid]
            if principal is not None and principal != aid:
                links[(doc_id, aid)] = principal
    return links


@lru_cache(maxsize=1)
def _spokesperson_countries() -> dict[str, str]:
    """The packaged gazetteer's spokespersons: person id -> the id of the state or organisation (country)."""
    from .actors import load_gazetteer
    gaz = load_gazetteer()
    return {r.id: r.country for r in gaz.itertuples(index=False)
            if r.country and any(w in _SPOKES for w in str(r.titles).lower().replace("|", " ").split())}


@lru_cache(maxsize=1)
def _forces_of_states() -> dict[str, str]:
    """The packaged gazetteer's armed forces: their id -> the id of the state they belong to (``country``)."""
    from .actors import load_gazetteer
    gaz = load_gazetteer()
    return {r.id: r.country for r in gaz.itertuples(index=False)
            if r.country and r.type == "organisation" and "armed forces" in str(r.name).lower()}


_FOLLOWS_FORCES = "no role cue of its own; its armed forces"


def states_follow_their_forces(roles: pd.DataFrame) -> pd.DataFrame:
    """A state without a cue of its own takes, as the forced choice (``main_role``), the role of its armed
    forces in the same article: "Russian forces shelled villages" is the state's act when the coded entity is
    "Russia", "Moscow" or "the Kremlin" (war news names the state and its army apart, a coder does not).
    ``role`` stays as the evidence gave it; ``dominance`` says why."""
    forces = _forces_of_states()
    if roles.empty or not forces:
        return roles
    cast = {(d, forces[a]): (r, n) for d, a, r, n in zip(roles["doc_id"], roles["actor_id"], roles["role"],
                                                        roles["actor_name"]) if a in forces and r != "none"}
    if not cast:
        return roles
    out = roles.copy()
    for k, (d, a, n, role) in enumerate(zip(out["doc_id"], out["actor_id"], out["n_cues"], out["role"])):
        if role != "none" or n or (d, a) not in cast:
            continue
        theirs, name = cast[(d, a)]
        out.iloc[k, out.columns.get_loc("main_role")] = theirs
        out.iloc[k, out.columns.get_loc("dominance")] = (
            f"{_FOLLOWS_FORCES}, {name}, are {theirs}: the forced choice follows them; "
            + str(out.iloc[k, out.columns.get_loc("dominance")]))
    return out


def speakers_follow_principals(roles: pd.DataFrame, links: dict[tuple[str, str], str]) -> pd.DataFrame:
    """A spokesperson without a cue of their own takes, as the forced choice (``main_role``), the role of the
    actor they speak for: their words are that actor's words. ``role`` stays as the evidence gave it."""
    if roles.empty or not links:
        return roles
    # the role the principal holds, or the forced choice its armed forces gave it (states_follow_their_forces)
    role_of = {(d, a): (r if r != "none" else m) for d, a, r, m, why in
               zip(roles["doc_id"], roles["actor_id"], roles["role"], roles["main_role"], roles["dominance"])
               if r != "none" or str(why).startswith(_FOLLOWS_FORCES)}
    name_of = dict(zip(zip(roles["doc_id"], roles["actor_id"]), roles["actor_name"]))
    out = roles.copy()
    for k, (d, a, n, role) in enumerate(zip(out["doc_id"], out["actor_id"], out["n_cues"], out["role"])):
        principal = links.get((d, a))
        if principal is None or role != "none" or n or (d, principal) not in role_of:
            continue
        theirs = role_of[(d, principal)]
        out.iloc[k, out.columns.get_loc("main_role")] = theirs
        out.iloc[k, out.columns.get_loc("dominance")] = (
            f"no role cue of their own; speaks for {name_of.get((d, principal), principal)} ({theirs}): "
            f"the forced choice follows the one spoken for; " + str(out.iloc[k, out.columns.get_loc("dominance")]))
    return out


def find_role_cues(mentions: pd.DataFrame, actions: pd.DataFrame, attributions: pd.DataFrame,
                   actor_sentiment: pd.DataFrame | None, tokens: pd.DataFrame, *, documents: pd.DataFrame | None = None,
                   index: _Index | None = None,
                   lexicon_path: str | Path | None = None, parameters: dict[str, float] | None = None
                   ) -> pd.DataFrame:
    """The ``role_evidence`` table: every cue that casts an actor in a role (see the module docstring)."""
    if index is None:
        index = _index_for(str(Path(lexicon_path) if lexicon_path is not None else ROLES_LEXICON_PATH))
    params = dict(DEFAULT_PARAMETERS)
    params.update(parameters or {})
    rows: list[dict] = []
    if tokens.empty:
        return schema.empty("role_evidence")
    ms_all = mentions if mentions is not None else schema.empty("mentions")
    texts = dict(zip(documents["doc_id"], documents["text"])) if documents is not None else {}
    ms_by_doc = _by_doc(ms_all)
    acts_by_doc = _by_doc(actions) if actions is not None and not actions.empty else {}
    atts_by_doc = _by_doc(attributions) if attributions is not None and not attributions.empty else {}
    # every token column converted once, then sliced per document (in the order documents first appear)
    order = {d: k for k, d in enumerate(pd.unique(tokens["doc_id"]))}
    toks = tokens.assign(_doc=tokens["doc_id"].map(order)).sort_values(["_doc", "token_id"], kind="stable")
    cols = _TokenColumns(toks)
    doc_col = toks["doc_id"].tolist()
    bounds = [0] + [k for k in range(1, len(doc_col)) if doc_col[k] != doc_col[k - 1]] + [len(doc_col)]
    for a, b in zip(bounds[:-1], bounds[1:]):
        doc_id = doc_col[a]
        rows.extend(_cues_for_doc(str(doc_id), cols.slice(a, b), ms_by_doc.get(doc_id, []), acts_by_doc.get(doc_id),
                                  atts_by_doc.get(doc_id), index, texts.get(doc_id)))
    if actor_sentiment is not None and not actor_sentiment.empty:
        rows.extend(_sentiment_cues(actor_sentiment, ms_all, rows))
    if not rows:
        return schema.empty("role_evidence")
    ev = pd.DataFrame(rows)
    ev["weight"] = [w * params.get(src, 1.0) for w, src in zip(ev["weight"], ev["source"])]
    ev = ev.sort_values(["doc_id", "sentence_id", "start", "actor_id"], kind="stable")
    # One firing per actor, sentence, term and slot: the actions table and the windows often find the same.
    ev = ev.drop_duplicates(["doc_id", "actor_id", "sentence_id", "term", "slot"], keep="first")
    return schema.conform(ev, "role_evidence")


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts, built from whole columns (``to_dict("records")`` costs milliseconds per small frame)."""
    cols = list(df.columns)
    return [dict(zip(cols, vals)) for vals in zip(*(df[c].tolist() for c in cols))] if len(df) else []


def _by_doc(df: pd.DataFrame) -> dict:
    """``doc_id`` -> that document's rows as dicts, in table order, from one pass over the table."""
    out: dict = {}
    if df is None or df.empty:
        return out
    for r in _records(df):
        out.setdefault(r["doc_id"], []).append(r)
    return out


_TOKEN_FIELDS = (("lower", str), ("text", str), ("stem", str), ("sentence_id", int), ("start", int), ("end", int),
                 ("is_punct", bool), ("is_stop", bool))


class _TokenColumns:
    """The token columns the cue reader needs, each converted to a list once for a whole batch."""

    def __init__(self, toks: pd.DataFrame) -> None:
        self.cols = {name: toks[name].astype(kind).tolist() for name, kind in _TOKEN_FIELDS}

    def slice(self, a: int, b: int) -> dict[str, list]:
        return {name: col[a:b] for name, col in self.cols.items()}


class _DocTokens:
    def __init__(self, toks: pd.DataFrame | dict[str, list], text: str | None = None) -> None:
        if isinstance(toks, pd.DataFrame):
            toks = _TokenColumns(toks).slice(0, len(toks))
        if text is None:  # rebuild a text with the right offsets from the tokens (whitespace as spaces)
            chars = [" "] * int(max(toks["end"]))
            for st, w in zip(toks["start"], toks["text"]):
                chars[int(st):int(st) + len(w)] = list(str(w))
            text = "".join(chars)
        self.source = text
        self.lower = toks["lower"]
        self.text = toks["text"]
        self.stem = toks["stem"]
        self.sent = toks["sentence_id"]
        self.start = toks["start"]
        self.end = toks["end"]
        self.punct = toks["is_punct"]
        self.stop = toks["is_stop"]
        self.at_start = {s: k for k, s in enumerate(self.start)}
        self.at_end = {e: k for k, e in enumerate(self.end)}
        self.n = len(self.lower)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        i, j = self.at_start.get(int(start)), self.at_end.get(int(end))
        if i is None:  # a mention may start inside a token ("Kremlin-backed"): take the token that holds it
            i = next((k for k in range(self.n) if self.start[k] <= start < self.end[k]), None)
        if j is None:
            j = next((k for k in range(self.n) if self.start[k] < end <= self.end[k]), None)
        return None if i is None or j is None else (i, j)


# Nouns that share a Porter stem with a cue verb but name a thing, not an act ("lost her savings" is no
# saving, "the buildings" no building): never the first word of a cue.
_THING_NOUNS = frozenset({"savings", "buildings", "belongings", "holdings", "earnings", "findings", "surroundings",
                          "proceedings", "dealings", "offerings", "lodgings", "beddings", "winnings"})


def _match(index: _Index, d: _DocTokens, k: int, slot: str, *, window: int = 7) -> dict | None:
    """The longest lexicon term of ``slot`` whose first word is token k (later words within ``window``)."""
    if d.lower[k] in _THING_NOUNS:
        return None
    for r in index.by_key.get((d.stem[k], slot), ()):
        rest, pos, ok = r["stems"][1:], k, True
        for s in rest:
            nxt = next((q for q in range(pos + 1, min(d.n, pos + 1 + window))
                        if d.sent[q] == d.sent[k] and d.stem[q] in s), None)
            if nxt is None:
                ok = False
                break
            pos = nxt
        if ok:
            return {**r, "_last": pos}
    return None


def _cue(doc_id: str, actor: dict, d: _DocTokens, k: int, r: dict, slot: str, source: str) -> dict:
    last = r.get("_last", k)
    return {"doc_id": doc_id, "actor_id": actor["actor_id"], "actor_name": actor["actor_name"],
            "mention_id": actor["mention_id"], "sentence_id": d.sent[k], "role": r["role"],
            "fine_role": r["fine_role"] or "", "slot": slot, "source": source, "term": r["term"],
            "text": d.source[d.start[k]:d.end[last]] if last - k < 8 else d.text[k], "start": d.start[k],
            "end": d.end[last] if last - k < 8 else d.end[k], "weight": float(r["weight"])}


def _cues_for_doc(doc_id: str, toks: pd.DataFrame | dict[str, list], ms: list[dict], acts: list[dict] | None,
                  atts: list[dict] | None, index: _Index, text: str | None = None) -> list[dict]:
    d = _DocTokens(toks, text)
    bearers: list[tuple[dict, int, int, bool]] = []  # (mention, first token, last token, can act)
    owners: list[tuple[dict, int, int]] = []  # every mention, modifiers too: owners of a means of force
    covered = [False] * d.n
    mention_by_id: dict[int, dict] = {}
    for m in ms:
        sp = d.span(m["start"], m["end"])
        if sp is None:
            continue
        for q in range(sp[0], sp[1] + 1):
            covered[q] = True
        mention_by_id[int(m["mention_id"])] = m
        if m["function"] == "modifier" and m["kind"] not in ("metonym",):
            owners.append((m, sp[0], sp[1]))
            continue  # "Russian President": the modifier is not the one acting
        owners.append((m, sp[0], sp[1]))
        if str(m["actor_id"]).startswith("group:") and m["kind"] == "pronoun":
            pass
        bearers.append((m, sp[0], sp[1], m["function"] == "actor"))
    # Collective nouns no mention covers become group actors ("civilians", "steelworkers").
    next_id = max(int(m["mention_id"]) for m in ms) + 1 if ms else 1
    for k in range(d.n):
        if covered[k] or d.punct[k]:
            continue
        low = d.lower[k]
        is_group = index.is_group(low)
        if not is_group and not (low.endswith("s") and d.stem[k] in index.self_stems and len(low) > 4):
            continue
        # A capitalised word right before names whose group it is ("Northland forces"), unless it opens the
        # sentence or belongs to an actor mention ("Russian troops" is the state's already).
        first = k
        while (first - 1 >= 0 and d.sent[first - 1] == d.sent[k] and d.text[first - 1][:1].isupper()
               and not covered[first - 1] and not d.punct[first - 1] and not d.stop[first - 1]):
            first -= 1
        name = " ".join(d.text[first:k] + [low])
        m = {"mention_id": next_id, "actor_id": "group:" + name.lower().replace(" ", "_"), "actor_name": name,
             "function": "actor", "kind": "group", "start": d.start[first], "end": d.end[k]}
        next_id += 1
        bearers.append((m, k, k, True))
    rows: list[dict] = []
    for m, i, j, can_act in bearers:
        rows.extend(_window_cues(doc_id, d, m, i, j, can_act, index, covered))
    if acts is not None:
        rows.extend(_action_cues(doc_id, d, acts, ms, index))
    if atts is not None:
        rows.extend(_attribution_cues(doc_id, d, atts, ms, mention_by_id, index))
    rows.extend(_included_cues(d, bearers, rows))
    rows.extend(_supplier_cues(doc_id, d, bearers, rows, index, covered))
    rows.extend(_force_owner_cues(doc_id, d, owners, index, covered))
    rows = _discount_villains_blame(rows)
    # Acts in a condition ("If Zelensky refuses to attend, he risks criticism") have not happened: they cast
    # nobody. The words that describe an actor (lexicon) still count.
    condition: dict[int, int] = {}
    for k in range(d.n):
        if d.lower[k] in _CONDITIONAL and d.sent[k] not in condition:
            condition[d.sent[k]] = d.start[k]
    return [r for r in rows if r["source"] == "lexicon" or not (r["sentence_id"] in condition
                                                                 and r["start"] > condition[r["sentence_id"]])]


def _harmed_here(d: _DocTokens, index: _Index, m: dict) -> bool:
    """The mention is the object of a harm verb right before it ("of massacring Fulani civilians"): the one
    accused is who did it, not them."""
    sp = d.span(int(m["start"]), int(m["end"]))
    if sp is None:
        return False
    for q in range(sp[0] - 1, max(-1, sp[0] - 3), -1):
        if d.sent[q] != d.sent[sp[0]] or d.punct[q]:
            return False
        r = _match(index, d, q, "patient", window=1)
        a = _match(index, d, q, "agent", window=1)
        if (r is not None and r["role"] == "victim") or (a is not None and a["role"] == "villain"):
            return True
    return False


def _discount_villains_blame(rows: list[dict]) -> list[dict]:
    """An accusation made by an actor whose own acts cast it a villain casts nobody: the aggressor that
    shells a city and accuses its defenders of provocation does not make them villains ("Moscow, whose
    missiles hit Kyiv, accused Kyiv of ..."). Acts only (not blame or sentiment), so two sides that
    accuse each other still cast each other."""
    acts: dict[str, dict[str, float]] = {}
    for r in rows:
        if r["source"] == "action" and r["role"] in ROLES:
            acts.setdefault(r["actor_id"], dict.fromkeys(ROLES, 0.0))[r["role"]] += float(r["weight"])
    villains = {a for a, w in acts.items() if w["villain"] > max(w["hero"], w["victim"])}
    # the windows read the same blame without its speaker: drop every blame of that actor in that sentence
    void = {(r["sentence_id"], r["actor_id"]) for r in rows
            if r.get("_speaker") in villains and r["source"] == "attribution" and r["slot"] == "blamed"}
    out = []
    for r in rows:
        r.pop("_speaker", None)
        if r["slot"] == "blamed" and (r["sentence_id"], r["actor_id"]) in void:
            continue
        out.append(r)
    return out


def _included_cues(d: _DocTokens, bearers: list, rows: list[dict]) -> list[dict]:
    """Members named after "including" share the harm done to the group before them in the sentence ("22
    people were killed in the shelling, including two nurses"): the group's patient cue, once per member."""
    out = []
    for m, i, j, _ in bearers:
        p = i - 1
        while p >= 0 and d.sent[p] == d.sent[i] and i - p <= 4 and (d.lower[p].isdigit() or d.lower[p] in _COUNTS):
            p -= 1
        if p < 0 or d.lower[p] != "including" or d.sent[p] != d.sent[i]:
            continue
        if any(r["mention_id"] == m["mention_id"] and r["slot"] == "patient" for r in rows):
            continue
        harm = [r for r in rows if r["sentence_id"] == d.sent[i] and r["slot"] == "patient" and r["role"] == "victim"
                and r["start"] < d.start[p] and r["actor_id"] != m["actor_id"]]
        if harm:
            out.append({**harm[0], "actor_id": m["actor_id"], "actor_name": m["actor_name"],
                        "mention_id": m["mention_id"]})
    return out


_DETERMINERS = ("the", "a", "an", "its", "their", "his", "her")
_FORCE_PLACE_PREPS = {"on", "against", "near"}
# Head nouns after a name that still name the same side ("its NATO allies", "Iranian officials").
_SIDE_HEADS = frozenset({"allies", "partners", "backers", "sponsors", "government", "governments", "officials",
                         "forces", "troops", "army", "navy", "military", "militia", "militias", "companies",
                         "firms", "suppliers", "dealers"})


def _supplier_cues(doc_id: str, d: _DocTokens, bearers: list, rows: list[dict], index: _Index,
                   covered: list[bool]) -> list[dict]:
    """Who arms a side takes that side: the agent of a ``supply`` verb with the means of force (a
    ``force`` noun: "weapons", "missiles"; "arming" names both) and a recipient actor is a villain when the
    article's words cast the recipient a villain, else a hero ("sell the junta the aircraft", "supplying the
    Houthis with missiles", "pour weapons into Ukraine"). No recipient, or one without a cue in the words:
    no cue ("Washington supplies the missiles" says nothing by itself). Negations stop the verb group
    ("has not supplied", "denies arming")."""
    sums: dict[str, dict[str, float]] = {}
    for r in rows:
        if r["source"] != "toward-sentiment":
            sums.setdefault(r["actor_id"], {}).setdefault(r["role"], 0.0)
            sums[r["actor_id"]][r["role"]] += r["weight"]
    first_of = {i: m for m, i, _, _ in bearers}
    out = []
    for m, i, j, can_act in bearers:
        if not can_act:
            continue
        sent, k = d.sent[i], j + 1
        # past coordinated actors ("Russia and China continue to sell"), a relative pronoun (", which has
        # supplied"), "of" after an accusation ("accuse Iran of supplying")
        while k + 1 < d.n and d.sent[k] == sent and d.lower[k] in ("and", ",") and k + 1 in first_of:
            k = next(q for q in range(k + 1, d.n) if not covered[q] or q + 1 >= d.n or d.sent[q] != sent)
        if k + 1 < d.n and d.lower[k] == "," and d.lower[k + 1] in ("which", "who"):
            k += 2
        elif k < d.n and d.lower[k] == "of":
            k += 1
        elif (k + 1 < d.n and d.sent[k + 1] == sent and not covered[k] and d.lower[k] in _SIDE_HEADS
              and _match(index, d, k + 1, "supply", window=1) is not None):
            k += 1  # a head noun: "its NATO allies pour weapons" (a closed list: "Iran denies arming" is a verb)
        skipped = 0
        while k < d.n and d.sent[k] == sent and skipped < 4 and (d.lower[k] in _SKIP_AFTER or d.lower[k].endswith("ly")):
            k, skipped = k + 1, skipped + 1
        if k + 2 < d.n and d.stem[k] in _INTENT and d.lower[k + 1] == "to":
            k += 2  # "continue to sell"
        if k >= d.n or d.sent[k] != sent:
            continue
        verb = _match(index, d, k, "supply", window=1)
        if verb is None:
            continue
        means = _match(index, d, k, "force", window=1) is not None  # "arming" names the means too
        recipient = None
        for q in range(k + 1, min(d.n, k + 11)):
            if d.sent[q] != sent or d.lower[q] in (";", ":", "but", "while", "which", "that"):
                break
            if not means and _match(index, d, q, "force", window=1) is not None:
                means = True
            if recipient is None and q in first_of and first_of[q]["actor_id"] != m["actor_id"]:
                before = q - 1
                while before > k and d.lower[before] in _DETERMINERS:
                    before -= 1
                if before == k or d.lower[before] in ("to", "into", "for"):
                    recipient = first_of[q]
        if recipient is None or not means:
            continue
        said = sums.get(recipient["actor_id"], {})
        if not said or max(said.values()) <= 0:
            continue
        side = max(ROLES, key=lambda r: (said.get(r, 0.0), -ROLES.index(r)))
        role = "villain" if side == "villain" else "hero"
        cue = {**verb, "role": role, "fine_role": "", "term": f"{verb['term']} (to a {side}: {recipient['actor_name']})",
               "_last": k}
        out.append(_cue(doc_id, m, d, k, cue, "agent", "action"))
    return out


def _force_owner_cues(doc_id: str, d: _DocTokens, owners: list, index: _Index, covered: list[bool]) -> list[dict]:
    """The owner of a means or an act of force (a ``force`` noun) does what it does: "Two Russian ballistic
    missiles slammed into ... killing", "Israeli airstrikes killed 20", "the regime's warplanes bombed". The
    owner is a modifier or a possessive right before the noun (an adjective or a number between); a harmful
    verb after the noun makes it the agent of harm (villain), whether the verb is an agent term ("killed")
    or a patient one ("hit", "struck": harm done to what it hits). Help is not read here."""
    out = []
    for m, i, j in owners:
        if m.get("kind") == "pronoun":
            continue  # "its warplanes": whose they are rests on the pronoun's antecedent, too weak for an act
        sent, h = d.sent[i], j + 1
        if h < d.n and d.lower[h] in ("'s", "’s"):
            h += 1
        skipped = 0

        def means_of_force(q: int) -> bool:  # a noun: "armed" (stem "arm") in "armed forces" names no weapon
            return _match(index, d, q, "force", window=1) is not None and not d.lower[q].endswith("ed")

        while (h < d.n and d.sent[h] == sent and skipped < 2 and not covered[h] and not d.punct[h]
               and not means_of_force(h) and d.text[h][:1].islower()
               and d.lower[h] not in _SKIP_AFTER and not d.stop[h]):
            h, skipped = h + 1, skipped + 1
        if h >= d.n or d.sent[h] != sent or not means_of_force(h):
            continue
        k, passive = h + 1, False
        while k < d.n and d.sent[k] == sent and k - h <= 4 and (d.lower[k] in _SKIP_AFTER or d.lower[k].endswith("ly")):
            passive = passive or d.lower[k] in _BE
            k += 1
        if passive or k >= d.n or d.sent[k] != sent or d.punct[k]:
            continue  # "Russian drones were shot down": the weapon is what is done to
        if d.lower[k] in _FORCE_PLACE_PREPS:
            # past what the force was aimed at: "A Myanmar military airstrike on a monastery in Sagaing killed"
            q = k + 1
            while (q < d.n and d.sent[q] == sent and q - k <= 8 and not d.punct[q]
                   and _match(index, d, q, "agent") is None and _match(index, d, q, "patient") is None):
                q += 1
            if q >= d.n or d.sent[q] != sent or d.punct[q] or q - k > 8:
                continue
            k = q
        # the verb, or a participle clause after it: "slammed into the centre of Sumy, killing 34 people"
        verbs = [k] + [q + 1 for q in range(k + 1, min(d.n - 1, k + 12))
                       if d.sent[q + 1] == sent and d.lower[q] == "," and d.lower[q + 1].endswith("ing")][:1]
        for v in verbs:
            r = _match(index, d, v, "agent")
            if r is None or r["role"] != "villain":
                r = _match(index, d, v, "patient")
                if r is None or r["role"] != "victim":
                    continue
                r = {**r, "role": "villain", "fine_role": ""}
            out.append(_cue(doc_id, m, d, v, r, "agent", "action"))
            break
    return out


def _window_cues(doc_id: str, d: _DocTokens, m: dict, i: int, j: int, can_act: bool, index: _Index,
                 covered: list[bool]) -> list[dict]:
    rows = []
    sent = d.sent[i]
    # self: descriptive words inside the mention or just before it ("innocent civilians", "the regime")
    for q in range(max(0, i - 2) if m.get("kind") != "pronoun" else i, j + 1):
        # (a pronoun takes no describing words before it: "the hostages accused him" does not describe him)
        if d.sent[q] != sent:
            continue
        if q < i and (d.punct[q] or covered[q]):
            continue
        if (q >= i and m.get("kind") in ("name", "alias") and d.text[q][:1].isupper()
                and any(d.lower[x] in _INSTITUTION_HEADS for x in range(i, j + 1))):
            continue  # in an institution's name the words say its field: "International Criminal Court"
        r = _match(index, d, q, "self", window=1)
        if r is not None:
            rows.append(_cue(doc_id, m, d, q, r, "self", "lexicon"))
    # a role noun right after a name is its head: "the Kiev regime", "Kyiv residents"
    h = j + 1
    if (h < d.n and d.sent[h] == sent and not covered[h] and not d.punct[h] and d.text[h][:1].islower()
            and m.get("kind") in ("name", "metonym") and not any(r["slot"] == "self" for r in rows)):
        r = _match(index, d, h, "self", window=1)
        if r is not None:
            rows.append(_cue(doc_id, m, d, h, r, "self", "lexicon"))
    # agent / passive patient: the verb group after the mention, past a short "of"/"from" phrase that
    # names whose members they are ("Residents of Vesk fled", "Leaders from France and the UK said"), or
    # past where any actor is ("Police in Keldara arrested", "Hamas in Gaza fired")
    k, passive, skipped = j + 1, False, 0
    if k < d.n and (d.lower[k] == "in" or (d.lower[k] in ("of", "from") and m.get("kind") == "group")):
        q = k + 1
        while q < d.n and q - k <= 8 and d.sent[q] == sent and (covered[q] or d.text[q][:1].isupper()
                                                             or d.lower[q] in ("and", ",", "the")):
            q += 1
        if any(covered[x] or d.text[x][:1].isupper() for x in range(k + 1, q)):
            k = q  # past a name only: in "victims of the blockade" the noun is no verb
    if k < d.n and d.lower[k] in ("'s", "’s"):  # possessive: "Russia's attack" is not Russia acting
        k = d.n
    elif (k + 1 < d.n and d.sent[k + 1] == sent and not covered[k] and not d.punct[k] and not d.stop[k]
          and d.text[k][:1].islower() and d.lower[k + 1] in _SKIP_AFTER):
        k += 1  # a name before its head noun: "The Black Ridge militia has blocked", "Westland officials were"
    if can_act and k < d.n and d.sent[k] == sent and d.lower[k] == "who":
        # a relative clause: its verb is the mention's ("Journalists who investigated the sabotage"), and so
        # is the main clause's verb group after it ("... have been smeared as agents")
        rows.extend(_verb_group_cues(doc_id, d, m, k + 1, sent, can_act, index, covered))
        q = k + 2
        while (q < d.n and d.sent[q] == sent and q - k <= 10 and not d.punct[q]
               and d.lower[q] not in _MAIN_AUXILIARIES):
            q += 1
        if q < d.n and d.sent[q] == sent and q - k <= 10 and d.lower[q] in _MAIN_AUXILIARIES:
            rows.extend(_verb_group_cues(doc_id, d, m, q, sent, can_act, index, covered))
    else:
        rows.extend(_verb_group_cues(doc_id, d, m, k, sent, can_act, index, covered, skipped=skipped))
    # patient or target of blame: the verb before the mention ("killing twelve civilians", "accused X of")
    q, gap = i - 1, 0
    if q >= 1 and d.lower[q] in ("a", "an", "the") and d.lower[q - 1] == "by" and d.sent[q - 1] == sent:
        q -= 1  # "were picked up by an Indian navy destroyer"
    if q >= 0 and d.lower[q] == "by" and q - 1 >= 0 and d.sent[q - 1] == sent:
        # the agent of a passive: "were killed by Northland forces", "the deal, brokered by Turkey" (a victim's
        # agent term says what the subject suffers, "were displaced by", so it does not pass to the agent)
        # the participle may stand a few words back: "brokered a year ago by Turkey"
        for v in range(q - 1, max(-1, q - 5), -1):
            if d.sent[v] != sent or d.punct[v]:
                break
            r = _match(index, d, v, "agent")
            if r is not None and (v == q - 1 or d.lower[v].endswith(("ed", "en")) or d.lower[v] in _IRREGULAR_PARTICIPLES):
                if r["role"] in ("villain", "hero") and r.get("_last", v) < q:
                    rows.append(_cue(doc_id, m, d, v, r, "agent", "action"))
                break
        return rows
    target = _target_cue(doc_id, d, m, i, index)
    if target is not None:
        rows.append(target)
        return rows
    while q >= 0 and d.sent[q] == sent and gap < 4 and not d.punct[q] and d.lower[q] not in _STOP_BEFORE:
        if covered[q] and gap > 0:
            break  # another actor stands between: the verb is about that one
        if gap == 0 and q >= 1 and d.lower[q - 1] in _DETERMINERS and not d.lower[q].endswith(("ed", "en", "ing")):
            break  # a noun before the noun, not a verb: "one of the rescue workers", "the attack survivors"
        for slot, source in (("patient", "action"), ("blamed", "attribution")):
            r = _match(index, d, q, slot, window=3)
            if r is not None and r.get("_last", q) < i:
                rows.append(_cue(doc_id, m, d, q, r, slot, source))
                if slot == "blamed":
                    rows.extend(_blamed_for(doc_id, d, m, j, index))
                return rows
        q, gap = q - 1, gap + 1
    if q >= 0 and d.lower[q] == "of" and q - 1 >= 0 and d.sent[q - 1] == sent:
        r = _match(index, d, q - 1, "patient", window=1)  # "the killing of civilians"
        if r is not None:
            rows.append(_cue(doc_id, m, d, q - 1, r, "patient", "action"))
    return rows



def _second_verb_after_passive(doc_id: str, d: _DocTokens, m: dict, k: int, sent: int, index: _Index,
                               covered: list[bool]) -> list[dict]:
    """The verb after "and" that follows a passive or a state has the same subject: a participle that has a
    patient reading shares the passive ("were shot and killed"), any other verb is the subject's own act
    ("said he was horrified and called for ...", "were wounded and fled")."""
    q = k + 1
    while q < d.n and q - k <= 6 and d.sent[q] == sent and not d.punct[q] and d.lower[q] not in ("but", "while"):
        if d.lower[q] == "and":
            v = q + 1
            while v < d.n and d.sent[v] == sent and v - q <= 3 and d.lower[v] in _SKIP_AFTER:
                v += 1
            if v >= d.n or d.sent[v] != sent or covered[v] or v - q > 3 or d.punct[v]:
                return []
            low = d.lower[v]
            if low.endswith(("ed", "en")) or low in _IRREGULAR_PARTICIPLES:
                r = _match(index, d, v, "patient")
                if r is not None:
                    return [_cue(doc_id, m, d, v, r, "patient", "action")]
            r = _match(index, d, v, "agent")
            return [_cue(doc_id, m, d, v, r, "agent", "action")] if r is not None else []
        q += 1
    return []


def _reduced_passive(d: _DocTokens, k: int) -> bool:
    """A participle straight before "by" after a noun is a passive without its be-form ("the truce brokered
    by Qatar", "a deal signed by both sides"): the noun before it is not its agent."""
    low = d.lower[k]
    return (k + 1 < d.n and d.sent[k + 1] == d.sent[k] and d.lower[k + 1] == "by"
            and (low.endswith(("ed", "en")) or low in _IRREGULAR_PARTICIPLES))


def _verb_group_cues(doc_id: str, d: _DocTokens, m: dict, k: int, sent: int, can_act: bool, index: _Index,
                     covered: list[bool], *, skipped: int = 0) -> list[dict]:
    """Cues of the verb group that starts at token k, whose subject is the mention ``m``: a passive's
    patient ("were killed"), a state after a be-form ("are at risk"), an agent ("launched strikes"),
    a second verb of the same subject ("... and has negotiated"), an intent ("agreed to mediate")."""
    rows: list[dict] = []
    passive = False
    while k < d.n and d.sent[k] == sent and skipped < 4 and (d.lower[k] in _SKIP_AFTER or
                                                              (d.lower[k].endswith("ly") and len(d.lower[k]) > 4)):
        passive = passive or d.lower[k] in _BE
        k, skipped = k + 1, skipped + 1
    if k < d.n and d.sent[k] == sent and not d.punct[k]:
        low = d.lower[k]
        participle = low.endswith(("ed", "en")) or low in _IRREGULAR_PARTICIPLES
        if passive and participle:
            r = _match(index, d, k, "patient")
            if r is not None:
                rows.append(_cue(doc_id, m, d, k, r, "patient", "action"))
            elif (r := _match(index, d, k, "agent")) is not None and r["role"] == "victim":
                rows.append(_cue(doc_id, m, d, k, r, "agent", "action"))  # "were displaced", "were forced"
            if can_act:
                rows.extend(_second_verb_after_passive(doc_id, d, m, k, sent, index, covered))
        elif passive:
            r = _match(index, d, k, "agent")  # a state after a be-form: "are at risk", "is vulnerable"
            if r is not None and r["role"] == "victim":
                rows.append(_cue(doc_id, m, d, k, r, "agent", "action"))
            elif r is None and d.lower[k] in _DETERMINERS:
                # a predicate noun: "is a war criminal", "was the hero of", "are the real victims" (up to two
                # describing words between; "is not a", "is the enemy's" give nothing)
                for q in range(k + 1, min(d.n, k + 4)):
                    if d.sent[q] != sent or d.punct[q] or covered[q] or d.stop[q]:
                        break
                    r = _match(index, d, q, "self", window=1)
                    if r is not None:
                        if q + 1 >= d.n or d.lower[q + 1] not in ("'s", "’s"):
                            rows.append(_cue(doc_id, m, d, q, r, "self", "lexicon"))
                        break
        elif can_act and not passive and _reduced_passive(d, k):
            pass  # "a ceasefire between Israel and Hamas brokered by Qatar": the participle is not Hamas's act
        elif can_act and not passive:
            r = _match(index, d, k, "agent")
            if r is not None:
                rows.append(_cue(doc_id, m, d, k, r, "agent", "action"))
            # a second verb of the same subject: "opened the cathedral ... and has negotiated the release"
            q = k + 1
            while q < d.n and q - k <= 12 and d.sent[q] == sent and d.lower[q] not in (";", ":", "but", "while"):
                if d.lower[q] in _NEW_CLAUSE:
                    # a new clause with its own subject starts: "said the administration was muzzling
                    # scientists and ignoring ..." (the verb after "and" is the administration's)
                    break
                if d.lower[q] == "and":
                    v = q + 1
                    while v < d.n and d.sent[v] == sent and v - q <= 3 and d.lower[v] in _SKIP_AFTER:
                        v += 1
                    if v < d.n and d.sent[v] == sent and not covered[v] and v - q <= 3:
                        r2 = _match(index, d, v, "agent")
                        if r2 is not None:
                            rows.append(_cue(doc_id, m, d, v, r2, "agent", "action"))
                    break
                q += 1
            if d.stem[k] in _INTENT and k + 2 < d.n and d.lower[k + 1] == "to" and d.sent[k + 2] == sent:
                r = _match(index, d, k + 2, "agent")
                if r is not None:
                    rows.append(_cue(doc_id, m, d, k + 2, r, "agent", "action"))
    return rows

def _target_cue(doc_id: str, d: _DocTokens, m: dict, i: int, index: _Index) -> dict | None:
    """The target of a legal or punitive step named before "for", "against" or "on" ("an arrest warrant for
    Putin", "charges against the mayor"), also through an apposition or a coordination ("a warrant for Putin
    and for his commissioner, Maria Lvova-Belova,")."""
    sent, p = d.sent[i], i - 1
    if p >= 0 and d.lower[p] == ",":  # an apposition: back over its head noun phrase to the preposition
        b = p - 1
        while b >= 0 and d.sent[b] == sent and p - b <= 6 and not d.punct[b] and d.lower[b] not in _TARGET_PREP:
            b -= 1
        p = b if b >= 0 and p - b > 1 and d.lower[b] in _TARGET_PREP else -1
    if p < 1 or d.lower[p] not in _TARGET_PREP or d.sent[p] != sent:
        return None
    for q in range(p - 1, max(-1, p - 7), -1):
        if d.sent[q] != sent or (d.punct[q] and d.lower[q] != "'s"):
            return None
        r = _match(index, d, q, "target", window=1)
        if r is not None:
            return _cue(doc_id, m, d, q, r, "target", "action")
    return None


def _blamed_for(doc_id: str, d: _DocTokens, m: dict, j: int, index: _Index) -> list[dict]:
    """What the blamed actor is blamed for ("accused Brandt of rigging the count"): that act's role cue."""
    sent = d.sent[j]
    for k in range(j + 1, min(d.n, j + 3)):
        if d.sent[k] != sent:
            break
        if d.lower[k] in ("of", "for"):
            for q in range(k + 1, min(d.n, k + 4)):
                if d.sent[q] != sent:
                    break
                r = _match(index, d, q, "agent")
                if r is not None and r["role"] == "villain":
                    return [{**_cue(doc_id, m, d, q, r, "blamed", "attribution"), "weight": 0.8 * float(r["weight"])}]
            break
    return []


def _action_cues(doc_id: str, d: _DocTokens, acts: list[dict], ms: list[dict], index: _Index) -> list[dict]:
    rows = []
    names = {m["actor_id"]: m["actor_name"] for m in ms}
    first_mention: dict[tuple[str, int], int] = {}
    for m in ms:
        first_mention.setdefault((m["actor_id"], int(m["sentence_id"])), int(m["mention_id"]))
    for a in acts:
        k = d.at_start.get(int(a["verb_start"]))
        if k is None:
            continue
        subject = {"actor_id": a["actor_id"], "actor_name": a["actor_name"], "mention_id": a["mention_id"]}
        # the verb group's head: its last word ("has flown", "was shot"); after a be-form a participle is
        # passive, and the subject is then the one it is done to ("Mira Castell ... was shot": victim)
        head = d.at_end.get(int(a["verb_end"]), k) if pd.notna(a.get("verb_end")) else k
        if not (k <= head < k + 5) or any(d.sent[q] != d.sent[k] for q in range(k, head + 1)):
            head = k
        low = d.lower[head]
        passive = head > k and any(d.lower[q] in _BE for q in range(k, head)) and (
            low.endswith(("ed", "en")) or low in _IRREGULAR_PARTICIPLES)
        if passive:
            r = _match(index, d, head, "patient")
            if r is None and (r := _match(index, d, head, "agent")) is not None and r["role"] != "victim":
                r = None  # "were displaced", "were forced": a victim's state
            if r is not None:
                rows.append(_cue(doc_id, subject, d, head, r, "patient" if r["slot"] == "patient" else "agent",
                                 "action"))
            continue
        if _reduced_passive(d, head):
            continue  # "... Hamas brokered by Qatar": a participle with its agent after it, not the subject's act
        r = _match(index, d, head, "agent")
        if r is not None:
            rows.append(_cue(doc_id, subject, d, head, r, "agent", "action"))
        k = head
        target = a.get("target_id")
        if isinstance(target, str) and target:
            obj = {"actor_id": target, "actor_name": a.get("target_name") or names.get(target, target),
                   "mention_id": first_mention.get((target, int(a["sentence_id"])), 0)}
            for slot, source in (("patient", "action"), ("blamed", "attribution")):
                r = _match(index, d, k, slot)
                if r is not None:
                    rows.append(_cue(doc_id, obj, d, k, r, slot, source))
                    break
    return rows


def _attribution_cues(doc_id: str, d: _DocTokens, atts: list[dict], ms: list[dict], mention_by_id: dict[int, dict],
                      index: _Index) -> list[dict]:
    rows = []
    for a in atts:
        k = d.at_start.get(int(a["cue_start"]))
        if k is None:
            continue
        r = _match(index, d, k, "blamed")
        if r is None:
            continue
        # The blamed: the addressee, else the first actor named at the start of the content
        # ("accused Northland of ...", "blamed Moscow for ...").
        targets = []
        if isinstance(a.get("addressee_id"), str) and a["addressee_id"]:
            targets.append((a["addressee_id"], a.get("addressee_name") or a["addressee_id"], 0))
        else:
            c0 = int(a["content_start"]) if pd.notna(a.get("content_start")) else -1
            inside = [m for m in ms if c0 <= m["start"] < c0 + 40 and m["function"] == "actor"
                      and m["sentence_id"] == a["sentence_id"] and not _harmed_here(d, index, m)]
            if c0 >= 0 and inside:
                first = min(inside, key=lambda m: m["start"])  # the first of equal starts, as a stable sort
                targets.append((first["actor_id"], first["actor_name"], int(first["mention_id"])))
        for actor_id, name, mention_id in targets:
            if actor_id == a.get("speaker_id"):
                continue
            blamed = {"actor_id": actor_id, "actor_name": name, "mention_id": mention_id}
            speaker = a.get("speaker_id") if isinstance(a.get("speaker_id"), str) else ""
            rows.append({**_cue(doc_id, blamed, d, k, r, "blamed", "attribution"), "_speaker": speaker})
            mention = mention_by_id.get(int(mention_id)) if mention_id else None
            if mention is None and mention_id:
                mention = next((m for m in ms if int(m["mention_id"]) == int(mention_id)), None)
            if mention is not None:
                sp = d.span(int(mention["start"]), int(mention["end"]))
                if sp is not None:
                    rows.extend({**x, "_speaker": speaker} for x in _blamed_for(doc_id, d, blamed, sp[1], index))
    return rows


def _sentiment_cues(actor_sentiment: pd.DataFrame, mentions: pd.DataFrame, cue_rows: list[dict]) -> list[dict]:
    """Sentiment toward each mention: positive -> hero; negative -> villain or victim by the other cues."""
    lean: dict[tuple[str, str], float] = {}  # (doc, actor) -> victim - villain evidence from other sources
    for r in cue_rows:
        if r["role"] in ("villain", "victim"):
            key = (r["doc_id"], r["actor_id"])
            lean[key] = lean.get(key, 0.0) + (r["weight"] if r["role"] == "victim" else -r["weight"])
    rows = []
    span = {(d, int(m)): (int(a), int(b)) for d, m, a, b in
            zip(mentions["doc_id"], mentions["mention_id"], mentions["start"], mentions["end"])}
    for s in _records(actor_sentiment):
        if s["label"] == "neutral" or pd.isna(s["score"]) or (s["doc_id"], int(s["mention_id"])) not in span:
            continue
        start, end = span[(s["doc_id"], int(s["mention_id"]))]
        score = float(s["score"])
        if score > 0:
            role = "hero"
        else:
            role = "victim" if lean.get((s["doc_id"], s["actor_id"]), 0.0) > 0 else "villain"
        rows.append({"doc_id": s["doc_id"], "actor_id": s["actor_id"], "actor_name": s["actor_name"],
                     "mention_id": s["mention_id"], "sentence_id": s["sentence_id"], "role": role, "fine_role": "",
                     "slot": "toward", "source": "toward-sentiment", "term": s["label"],
                     "text": s["text"], "start": start, "end": end, "weight": abs(score)})
    return rows


def assign_roles(evidence: pd.DataFrame, actors: pd.DataFrame, mentions: pd.DataFrame | None = None, *,
                 parameters: dict[str, float] | None = None, model: dict | None = None,
                 attributions: pd.DataFrame | None = None, actor_sentiment: pd.DataFrame | None = None,
                 prototypes: pd.DataFrame | None = None, conflict_docs: set | None = None) -> pd.DataFrame:
    """The ``roles`` table from the cue firings: scores, the dominant role, its fine role and why.

    Every actor of ``actors`` gets a row (role ``none`` without evidence), as do group actors that only
    the evidence names (``group:civilians``). One grouped pass over the evidence (sums per actor and role,
    cues in weight order), then plain Python per actor: no pandas look-up per row.

    The cue rule first: the largest weighted cue sum when it reaches ``threshold`` (and the actor has
    ``min_mentions``) is the role and the main role. Below it, a learned ``model`` (:func:`load_role_model`)
    decides: ``main_role`` is its most likely role for the actor, ``role`` that role when
    ``p(coded) * p(role)`` reaches the role's threshold (else none). Without a model, ``role`` is none there
    and ``main_role`` the strongest cue (villain without any).
    """
    params = dict(DEFAULT_PARAMETERS)
    params.update(parameters or {})
    threshold = params["threshold"]
    keys: dict[tuple[str, str], dict] = {}
    if actors is not None and not actors.empty:
        n_col = actors["n_mentions"].tolist() if "n_mentions" in actors.columns else [None] * len(actors)
        for d, a, name, typ, n in zip(actors["doc_id"].tolist(), actors["actor_id"].tolist(),
                                      actors["actor_name"].tolist(), actors["actor_type"].tolist(), n_col):
            keys[(d, a)] = {"actor_name": name, "actor_type": typ, "n_mentions": n}
    cues_of: dict[tuple[str, str], list[tuple]] = {}
    if not evidence.empty:
        for d, a, name in zip(evidence["doc_id"].tolist(), evidence["actor_id"].tolist(),
                              evidence["actor_name"].tolist()):
            if (d, a) not in keys:  # actors only the evidence names, in its order
                keys[(d, a)] = {"actor_name": name,
                                "actor_type": "group" if str(a).startswith("group:") else "unknown"}
        # strongest first; equal weights keep the table's order (sentence, offset)
        ev = evidence.sort_values("weight", ascending=False, kind="stable")
        cols = [ev[c].tolist() for c in ("doc_id", "actor_id", "actor_name", "role", "fine_role", "source",
                                         "sentence_id", "mention_id", "weight", "term", "text")]
        for d, a, name, role, fine, src, sid, mid, w, term, text in zip(*cols):
            cues_of.setdefault((d, a), []).append((role, fine or "", src, int(sid), mid, float(w), term, text))
    if not keys:
        return schema.empty("roles")
    items = list(keys.items())
    learned = None
    if model is not None:
        base = pd.DataFrame({"doc_id": [k[0] for k, _ in items], "actor_id": [k[1] for k, _ in items],
                             "actor_name": [v["actor_name"] for _, v in items],
                             "actor_type": [v["actor_type"] for _, v in items]})
        feats = role_features(base, evidence, mentions, attributions, actor_sentiment, prototypes)
        learned = predict_roles(feats, model)
        reads_prototypes = bool(set(model["features"]) & set(PROTOTYPE_FEATURES))
        proto_means = feats[[f"proto_{r}_mean" for r in ROLES]].to_numpy(dtype=float)
        proto_max = feats[[f"proto_{r}_max" for r in ROLES]].to_numpy(dtype=float)
        proto_sentence = {}
        if prototypes is not None and not prototypes.empty:
            cols = [prototypes[c].tolist() for c in ("doc_id", "actor_id", *(f"proto_{r}_sentence" for r in ROLES))]
            proto_sentence = {(d, a): ss for d, a, *ss in zip(*cols)}
    rows = []
    for n_item, ((doc_id, actor_id), info) in enumerate(items):
        cues = cues_of.get((doc_id, actor_id), [])
        raw = {r: 0.0 for r in ROLES}
        said = {r: 0.0 for r in ROLES}  # from acts, blames and descriptions (not sentiment)
        for c in cues:
            if c[0] in raw:
                raw[c[0]] += c[5]
                if c[2] != "toward-sentiment":
                    said[c[0]] += c[5]
        worded = {r: said[r] > 0 for r in ROLES}
        ranked = sorted(ROLES, key=lambda r: (-raw[r], ROLES.index(r)))
        best = ranked[0]
        n_mentions = info.get("n_mentions")
        if n_mentions is None or pd.isna(n_mentions):  # group actors of the evidence: their distinct mentions
            n_mentions = len({c[4] for c in cues})
        fine, why, sids, shown, sources, other_roles, context_note = "", "", "", "", "", "", ""
        if cues:
            sids = " ".join(str(x) for x in sorted({c[3] for c in cues}))
            present = {c[2] for c in cues}
            sources = " ".join(x for x in SOURCES if x in present)
            shown = "; ".join(f"{c[0]}: {_show_cue(c[2], c[6], c[7])} (s{c[3]}, {c[2]})" for c in cues[:6])
        # with sentiment_casts 0, sentiment alone casts nobody: the strongest role needs a cue in the words
        cue_role = (best if (worded[best] or params["sentiment_casts"]) and 0 < raw[best] and raw[best] >= threshold
                    and n_mentions >= params["min_mentions"] else "none")
        if learned is not None and cue_role != "none":
            # the article's own words decide first: cues that reach the threshold cast the actor
            role = main_role = cue_role
            other_roles = " ".join(r for r in ranked[1:] if raw[r] >= threshold)
            model_why = "cues reach the threshold (the model decides only below it)"
        elif learned is not None:
            p_role, p_coded = learned[0][n_item], float(learned[1][n_item])
            joint = {r: p_coded * float(p_role[i]) for i, r in enumerate(ROLES)}
            # the forced choice: among the roles that a cue in the words points to, when there is one (an
            # act, a blame or a description outweighs any prior); the model's likeliest role without any
            choice = [r for r in ROLES if worded[r]] if model.get("main_rule", "model") == "cued" else []
            main_role = max(choice or ROLES, key=lambda r: (joint[r], -ROLES.index(r)))
            th = model["thresholds"]
            # every role rests on evidence in the article: a cue in its words for that role (an act, a blame, a
            # description), or, with role_rule "prototype", the context of its mentions reading more like
            # that role's prototypes than like the other two (the sentence that reads most like them is kept)
            context_role = ""
            if (model.get("role_rule") == "prototype" and reads_prototypes
                    and not math.isnan(proto_max[n_item][0]) and (doc_id, actor_id) in proto_sentence):
                top_i = max(range(len(ROLES)), key=lambda i: (proto_max[n_item][i], -i))
                if proto_max[n_item][top_i] > 0:
                    context_role = ROLES[top_i]
            role = (main_role if joint[main_role] >= th[main_role] and (worded[main_role] or context_role == main_role)
                    else "none")
            if role != "none" and not worded[role]:
                ci = ROLES.index(role)
                context_sid = int(proto_sentence[(doc_id, actor_id)][ci])
                context_note = (f"{role}: context like the {role} prototypes (s{context_sid}, "
                                f"{proto_max[n_item][ci]:+.3f})")
                sids = " ".join(str(x) for x in sorted({int(x) for x in sids.split()} | {context_sid}))
                sources = " ".join(x for x in (*SOURCES, "prototype") if x in set(sources.split()) | {"prototype"})
                shown = f"{context_note}; {shown}" if shown else context_note
            shift = model.get("main_prior")
            conflict = not shift and model.get("conflict_prior") and doc_id in (conflict_docs or ())
            if conflict:
                # a story of armed conflict: the odds move from the climate training set's role shares to the
                # team's own war stories' (conflict_prior; see data/models/README.md)
                shift = model["conflict_prior"]
            if role == "none" and shift:
                # the forced choice of an actor the article does not cast: the model's odds moved from the
                # training set's role shares to a user's own (main_prior: an option, not shipped)
                main_role = max(choice or ROLES, key=lambda r: (joint[r] * shift[r], -ROLES.index(r)))
            other_roles = " ".join(r for r in ROLES if r != role and role != "none" and joint[r] >= th[r])
            odds = ", ".join(f"{r} {float(p_role[i]):.2f}" for i, r in enumerate(ROLES))
            like = ""
            if reads_prototypes and not math.isnan(proto_means[n_item][0]):
                like = " (context like the prototypes: " + ", ".join(
                    f"{r} {proto_means[n_item][i]:+.3f}" for i, r in enumerate(ROLES)) + ")"
            model_why = (f"model: p(role) {p_coded:.2f}, given a role {odds}{like}; "
                         f"{main_role} {joint[main_role]:.2f} {'>=' if joint[main_role] >= th[main_role] else '<'} "
                         f"threshold {th[main_role]:.2f}" + ("" if worded[main_role] or role != "none"
                                                              else f", but no {main_role} cue in the words"
                                                              + (f" and the context reads most like {context_role}"
                                                                 if context_role else "")))
            if conflict and role == "none":
                model_why += "; forced choice with the role shares of war stories (a story of armed conflict)"
        else:
            # A role needs a character: below min_mentions an actor passes through the story without one.
            role = cue_role
            # Forced choice for coded entities (the war-news task names the entity and asks for its main
            # role): the strongest role even below the threshold, villain when there is no cue at all (the
            # most frequent role in coded war news).
            main_role = best if raw[best] > 0 else "villain"
            other_roles = " ".join(r for r in ranked[1:] if raw[r] >= threshold) if role != "none" else ""
            model_why = ""
        mine = [c for c in cues if c[0] == role] if role != "none" else []
        if mine:
            fines: dict[str, float] = {}
            for c in mine:
                if c[1]:
                    fines[c[1]] = fines.get(c[1], 0.0) + c[5]
            lead = sorted(fines.items(), key=lambda kv: -kv[1])
            # Specific enough: the leading fine role carries a third of the role's score and clearly leads.
            if lead and lead[0][1] >= raw[role] / 3 and (len(lead) == 1 or lead[0][1] >= 1.25 * lead[1][1]):
                fine = lead[0][0]
            top = mine[0]
            others = [f"{r} {raw[r]:.2f}" for r in ROLES if r != role and raw[r] > 0]
            why = (f"{role} {raw[role]:.2f} from {len(mine)} cue(s), strongest '{_show_cue(top[2], top[6], top[7])}' "
                   f"(s{top[3]}, {top[2]})" + (f"; over {', '.join(others)}" if others else "; no other role"))
        elif role != "none" and learned is not None and not worded[role]:
            why = (f"{role} from the context, without a cue of its own: its mentions read most like the {role} "
                   f"prototypes ({context_note}); cues: " + (
                       ", ".join(f"{r} {raw[r]:.2f}" for r in ROLES if raw[r] > 0) or "none"))
        elif role != "none":
            why = f"{role} without a cue of its own (cues: " + (
                ", ".join(f"{r} {raw[r]:.2f}" for r in ROLES if raw[r] > 0) or "none") + ")"
        elif learned is None and raw[best] >= threshold and raw[best] > 0:
            why = f"{best} {raw[best]:.2f}, but only {int(n_mentions)} mention(s) (fewer than {params['min_mentions']:g})"
        elif raw[best] > 0:
            why = (f"below the threshold {threshold:.2f}: " if learned is None else "cues: ") + f"best {best} {raw[best]:.2f}"
        else:
            why = "no role cue"
        if context_note and context_note not in why:
            why = f"{why}; {context_note}"
        if model_why:
            why = f"{why}; {model_why}"
        rows.append({"doc_id": doc_id, "actor_id": actor_id, "actor_name": info["actor_name"],
                     "actor_type": info["actor_type"], "role": role, "main_role": main_role, "fine_role": fine,
                     "hero": _squash(raw["hero"]), "villain": _squash(raw["villain"]),
                     "victim": _squash(raw["victim"]), "other_roles": other_roles,
                     "n_cues": len(cues), "sentence_ids": sids, "sources": sources, "cues": shown, "dominance": why})
    out = pd.DataFrame(rows)
    order = {"hero": 0, "villain": 0, "victim": 0, "none": 1}
    out["_o"] = out["role"].map(order)
    out["_s"] = out[["hero", "villain", "victim"]].max(axis=1)
    out = out.sort_values(["doc_id", "_o", "_s"], ascending=[True, True, False], kind="stable")
    return schema.conform(out, "roles")


def _show_cue(source: str, term: str, text: str) -> str:
    if source == "toward-sentiment":
        return f"{term} toward {text}"  # the weight column holds its strength
    return str(text)


def _show(cue) -> str:
    """A cue for display: its words, or for sentiment 'negative (-0.86) toward Russia'."""
    get = cue.get if isinstance(cue, (dict, pd.Series)) else lambda k: getattr(cue, k)
    if get("source") == "toward-sentiment":
        return f"{get('term')} toward {get('text')}"  # the weight column holds its strength
    return str(get("text"))


def _squash(raw: float) -> float:
    return round(1.0 - math.exp(-raw), 4)


# -- comparison ------------------------------------------------------------------------------------
def compare_roles(roles: pd.DataFrame, documents: pd.DataFrame, *, by: str = "source",
                  min_units: int = 2) -> pd.DataFrame:
    """How each outlet (or article, or any ``documents`` column) casts the same actor.

    Parameters
    ----------
    roles
        The ``roles`` table of a corpus.
    documents
        The ``documents`` table (for the grouping column).
    by
        A column of ``documents``: ``source`` (outlet), ``doc_id`` (article), ``date``, ...
    min_units
        Keep actors that appear in at least this many groups (the point is to compare).

    Returns
    -------
    pandas.DataFrame
        Columns of ``schema.TABLES["role_comparison"]``: one row per group and actor, with the number of
        articles where the actor is hero, villain, victim or none, the share of each, the mean scores and
        the modal role.
    """
    if by not in documents.columns:
        raise NewsframeError(f"compare_roles: documents has no column {by!r} (try source, doc_id, date)")
    if roles.empty:
        return schema.empty("role_comparison")
    unit = documents[["doc_id", by]].rename(columns={by: "_unit"}) if by != "doc_id" else \
        documents[["doc_id"]].assign(_unit=documents["doc_id"])
    df = roles.merge(unit, on="doc_id", how="left")
    df["_unit"] = df["_unit"].fillna("").astype(str)
    rows = []
    for (u, actor_id), g in df.groupby(["_unit", "actor_id"], sort=True):
        counts = g["role"].value_counts()
        n = len(g)
        cast = {r: int(counts.get(r, 0)) for r in ROLES + ("none",)}
        modal = max(ROLES, key=lambda r: (cast[r], -ROLES.index(r))) if any(cast[r] for r in ROLES) else "none"
        rows.append({"unit": by, "unit_id": u, "actor_id": actor_id, "actor_name": g["actor_name"].iloc[0],
                     "n_docs": n, **{f"n_{r}": cast[r] for r in ROLES + ("none",)},
                     **{f"share_{r}": round(cast[r] / n, 4) for r in ROLES},
                     **{f"mean_{r}": round(float(g[r].mean()), 4) for r in ROLES}, "modal_role": modal})
    out = pd.DataFrame(rows)
    spread = out.groupby("actor_id")["unit_id"].nunique()
    out = out[out["actor_id"].map(spread) >= min_units]
    if out.empty:
        return schema.empty("role_comparison")
    return schema.conform(out.sort_values(["actor_name", "unit_id"], kind="stable"), "role_comparison")
