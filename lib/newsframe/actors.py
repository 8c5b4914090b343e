"""Actors: who appears in an article, how often, where, doing what, and in whose company.

Pipeline (one document at a time, see README "Actors"):

1. **Gazetteer matches** (``data/actors.csv``): longest match over tokens, case-aware ("US" is not "us"),
   possessives split off by the tokenizer ("Trump's" -> "Trump"). A title written before a name
   ("President Donald Trump") is not part of the name's span; a demonym inside it ("Ukrainian President")
   becomes a ``modifier`` mention of the state.
2. **New actors** not in the gazetteer: capitalised name sequences (proper-noun tags), typed by cue words
   before ("Defence Minister Jane Doe", "spokesman Ivan Petrov", "Mr. Petrov") or after
   ("Jane Doe, the foreign minister") them, with generated ids ``new:jane_doe``.
3. **Reference resolution**: surnames and short forms after a full name; capitals standing for their
   government (``metonym``: "Moscow dismissed ..."), but the city when it is a place ("talks in Moscow");
   titles without a name ("the Kremlin spokesman"); collective references (``group``: gazetteer groups,
   "Leaders from France, Germany and the UK", "the two leaders", "both sides"), linked to their members;
   pronouns to the nearest compatible antecedent, preferring subjects.
4. Tables ``actors`` (:func:`summarize_actors`), ``cooccurrence`` (:func:`count_cooccurrence`) and ``actions``
   (:func:`find_actions`). Scoring against hand-coded gold is in :mod:`newsframe.validate.mentions`.
"""
from __future__ import annotations

import operator
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from pathlib import Path

import numpy as np
import pandas as pd

from . import config, schema
from .errors import NewsframeError
from .grammar import is_known_word, is_verb_tag, pos_tags, verb_lemma
from .words import BE_FORMS, FINITE_TAGS

__all__ = [
    "load_gazetteer", "find_mentions", "summarize_actors", "count_cooccurrence", "find_actions",
    "GAZETTEER_COLUMNS",
]

GAZETTEER_COLUMNS = ["id", "name", "type", "country", "gender", "aliases", "titles", "metonyms", "demonyms",
                     "affiliation", "note"]
ACTOR_TYPES = ("person", "state", "organisation", "group", "place", "unknown")

# ---- word lists written from general English usage (not from any one article) ----------------------------
_LOCATIVE = {"in", "at", "near", "outside", "inside", "across", "throughout", "within", "around", "into",
             "towards", "toward", "via", "over", "above", "under", "beyond", "along"}
_PLACE_ONLY_LOCATIVE = {"to", "from", "visit", "visited", "visiting", "visits", "of", "leave", "left", "reach",
                        "reached"}
# Role nouns: after a state/org name they make it a modifier ("US President", "Kremlin spokesman").
_ROLE_NOUNS = {
    "president", "presidents", "prime", "minister", "ministers", "chancellor", "spokesman", "spokeswoman",
    "spokesperson", "envoy", "envoys", "ambassador", "official", "officials", "leader", "leaders", "chief",
    "aide", "aides", "adviser", "advisers", "advisor", "secretary", "commander", "diplomat", "diplomats",
    "negotiator", "negotiators", "delegation", "delegations", "counterpart", "counterparts", "lawmaker",
    "lawmakers", "senator", "mayor", "governor", "general", "vice", "deputy", "foreign", "defence", "defense",
    "head", "representative", "representatives", "press", "king", "queen", "pope", "monarch", "premier",
}
# After a demonym these make "Russian officials" an actor phrase standing for the state.
_STATE_BODY_NOUNS = {"government", "authorities", "officials", "leadership", "side", "delegation", "negotiators",
                     "diplomats", "administration", "regime", "cabinet"}
# Cues before a new name: capitalised titles and lower-case roles; value = actor type.
_PERSON_TITLES = {
    "president", "vice president", "prime minister", "deputy prime minister", "foreign minister",
    "defence minister", "defense minister", "interior minister", "finance minister", "economy minister",
    "energy minister", "justice minister", "health minister", "minister", "deputy minister", "chancellor",
    "secretary", "secretary of state", "defense secretary", "defence secretary", "foreign secretary",
    "home secretary", "secretary-general", "secretary general", "ambassador", "envoy", "special envoy",
    "spokesman", "spokeswoman", "spokesperson", "press secretary", "senator", "sen.", "rep.", "representative",
    "congressman", "congresswoman", "governor", "gov.", "mayor", "general", "gen.", "lt.", "colonel", "col.",
    "major", "maj.", "admiral", "adm.", "commander", "captain", "capt.", "sergeant", "sgt.", "lieutenant",
    "mr.", "mr", "mrs.", "mrs", "ms.", "ms", "dr.", "dr", "prof.", "professor", "sir", "dame", "lord", "lady",
    "king", "queen", "prince", "princess", "pope", "patriarch", "archbishop", "bishop", "cardinal", "father",
    "sheikh", "emir", "crown prince", "chairman", "chairwoman", "chair", "chief", "director", "head", "leader",
    "aide", "adviser", "advisor", "analyst", "expert", "researcher", "journalist", "correspondent", "reporter",
    "lawmaker", "mp", "mep", "deputy", "official", "negotiator", "diplomat", "commissioner", "judge",
    "prosecutor", "speaker", "premier", "ombudsman", "activist", "economist", "commander-in-chief",
}
_FEMALE_CUES = {"mrs.", "mrs", "ms.", "ms", "dame", "lady", "queen", "princess", "spokeswoman", "chairwoman",
                "congresswoman"}
_MALE_CUES = {"mr.", "mr", "sir", "lord", "king", "prince", "spokesman", "chairman", "congressman", "father",
              "sheikh", "emir", "pope", "patriarch", "archbishop", "cardinal"}
_ORG_HEADS = {"force", "fleet", "ministry", "agency", "council", "committee", "party", "organization", "organisation", "institute",
              "university", "bank", "group", "corporation", "company", "fund", "union", "service", "forces",
              "army", "navy", "command", "office", "department", "parliament", "assembly", "court", "commission",
              "federation", "alliance", "movement", "brigade", "battalion", "regiment", "guard", "front",
              "network", "foundation", "association", "authority", "board", "bureau", "center", "centre",
              "directorate", "staff", "news", "times", "post", "press", "agency", "tribunal", "senate",
              "programme", "program", "mission", "coalition", "society", "crescent", "watch", "secretariat"}
_PLACE_HEADS = {"region", "oblast", "province", "city", "district", "river", "sea", "island", "islands",
                "peninsula", "mountains", "valley", "bay", "lake", "strait", "krai", "republic"}
_NOT_NAMES = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "god", "christmas", "easter", "ramadan", "covid", "covid-19", "ok", "tv", "am", "pm", "a.m.", "p.m.",
    "internet", "english", "i", "sources",
}
# Title words that never start a name on their own.
_TITLE_WORDS = {w for t in _PERSON_TITLES for w in t.split()} | {"minister", "president", "secretary"}

_PRONOUNS = {
    "he": ("m", "sg"), "him": ("m", "sg"), "his": ("m", "sg"), "himself": ("m", "sg"),
    "she": ("f", "sg"), "her": ("f", "sg"), "hers": ("f", "sg"), "herself": ("f", "sg"),
    "they": ("", "pl"), "them": ("", "pl"), "their": ("", "pl"), "theirs": ("", "pl"), "themselves": ("", "pl"),
    "it": ("n", "sg"), "its": ("n", "sg"), "itself": ("n", "sg"),
}
_SUBJECT_PRONOUNS = {"he", "she", "they", "it"}
_COPULAS = {"is", "was", "'s", "would", "will", "could", "might", "may", "should", "seems", "seemed", "appears",
            "appeared", "remains", "remained", "has", "had", "must", "can"}
_EXPLETIVE_NEXT = {
    "unclear", "clear", "likely", "unlikely", "possible", "impossible", "important", "necessary", "hard",
    "difficult", "easy", "true", "obvious", "evident", "time", "too", "not", "worth", "known", "understood",
    "reported", "said", "believed", "expected", "thought", "feared", "hoped", "a", "an", "the", "that", "what",
    "unknown", "uncertain", "raining", "just", "only", "also", "still", "now", "enough", "better", "best",
    "essential", "vital", "crucial", "critical", "up", "been", "be", "no", "all", "about", "because",
}
_COLLECTIVE_NOUNS = {"leaders", "officials", "ministers", "governments", "representatives", "delegations",
                     "envoys", "diplomats", "countries", "nations", "states", "allies", "partners", "heads",
                     "presidents", "capitals", "members", "negotiators", "troops", "forces"}
_PAIR_GROUPS = {  # "the two leaders", "both sides": (noun, member type)
    "leaders": "person", "presidents": "person", "men": "person", "women": "person", "heads": "person",
    "sides": "state", "countries": "state", "nations": "state", "states": "state", "neighbours": "state",
    "neighbors": "state", "parties": "state", "capitals": "state", "governments": "state",
}


# ---- gazetteer -----------------------------------------------------------------------------------------
def _split(cell: object) -> list[str]:
    return [p.strip() for p in str(cell or "").split("|") if p.strip()]


def _norm(word: str) -> str:
    # Straight apostrophes; NFC so a composed and a decomposed "ğ" match.
    return unicodedata.normalize("NFC", word).replace("’", "'").replace("‘", "'")


def _words(phrase: str) -> tuple[str, ...]:
    from .parse import token_spans
    phrase = _norm(phrase.strip())
    return tuple(phrase[s:e] for s, e in token_spans(phrase))


def _strip_the(words: tuple[str, ...]) -> tuple[str, ...]:
    # Spans never include a leading lower-case article: "the Kremlin" is matched as "Kremlin". A capital
    # "The" belongs to the name ("The Hague"); the form without it is added separately.
    return words[1:] if len(words) > 1 and words[0] == "the" else words


@dataclass(frozen=True)
class _Entry:
    actor_id: str
    role: str  # name, alias, surname, metonym, demonym, title, place


@dataclass
class _Gazetteer:
    frame: pd.DataFrame
    info: dict[str, dict]
    forms: dict[tuple[str, ...], list[_Entry]]
    titles: dict[tuple[str, ...], list[str]]  # lower-cased title words -> actor ids
    demonyms: dict[str, str] = field(default_factory=dict)  # word -> state id
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)  # first word -> form lengths, longest first


@lru_cache(maxsize=8)
def _load_cached(path: str) -> _Gazetteer:
    p = Path(path)
    if not p.is_file():
        raise NewsframeError(f"{p}: no such gazetteer file")
    try:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise NewsframeError(f"{p}: not a readable CSV gazetteer ({exc.__class__.__name__})") from None
    return _build_gazetteer(frame, name=str(p))


def _build_gazetteer(frame: pd.DataFrame, *, name: str) -> _Gazetteer:
    frame = frame.copy()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("id", "name", "type") if c not in frame.columns]
    if missing:
        raise NewsframeError(f"{name}: gazetteer lacks column(s) {', '.join(missing)}")
    for c in GAZETTEER_COLUMNS:
        if c not in frame.columns:
            frame[c] = ""
    frame = frame.fillna("").astype(str)
    frame["id"] = frame["id"].str.strip()
    frame = frame[frame["id"] != ""]
    dup = frame["id"][frame["id"].duplicated()].unique().tolist()
    if dup:
        raise NewsframeError(f"{name}: duplicate actor id(s) {', '.join(dup[:5])}")
    bad = sorted(set(frame["type"].str.strip()) - set(ACTOR_TYPES))
    if bad:
        raise NewsframeError(f"{name}: unknown actor type(s) {', '.join(bad)}; use {', '.join(ACTOR_TYPES[:-1])}")
    info: dict[str, dict] = {}
    forms: dict[tuple[str, ...], list[_Entry]] = {}
    titles: dict[tuple[str, ...], list[str]] = {}
    demonyms: dict[str, str] = {}

    def add(words: tuple[str, ...], entry: _Entry) -> None:
        if not words:
            return
        bucket = forms.setdefault(words, [])
        if entry not in bucket:
            bucket.append(entry)
        if words[0][:1].islower():  # "coalition of the willing" also at a sentence start
            add((words[0][:1].upper() + words[0][1:],) + words[1:], entry)

    for row in frame.to_dict("records"):
        aid, typ = row["id"], row["type"].strip()
        info[aid] = {"name": row["name"].strip(), "type": typ, "country": row["country"].strip(),
                     "gender": row["gender"].strip().lower()[:1], "affiliation": set(_split(row["affiliation"]))}
        full = [_strip_the(_words(row["name"]))] + [_strip_the(_words(a)) for a in _split(row["aliases"])]
        full = [f for f in full if f]
        last_tokens = {f[-1] for f in full if len(f) > 1} | {f[0] for f in full if len(f) > 1}
        full += [f[1:] for f in full if len(f) > 1 and f[0] == "The"]
        for i, words in enumerate(full):
            if typ == "place":
                role = "place"
            elif i == 0 or (typ == "person" and len(words) > 1):
                role = "name"
            elif typ == "person" and len(words) == 1 and words[0] in last_tokens:
                role = "surname"
            else:
                role = "alias"
            add(words, _Entry(aid, role))
        for m in _split(row["metonyms"]):
            add(_strip_the(_words(m)), _Entry(aid, "metonym"))
        for d in _split(row["demonyms"]):
            demonyms[_norm(d)] = aid
            add(_words(d), _Entry(aid, "demonym"))
        for t in _split(row["titles"]):
            titles.setdefault(tuple(w.lower() for w in _strip_the(_words(t))), []).append(aid)
    lengths: dict[str, set[int]] = {}
    for k in forms:
        lengths.setdefault(k[0], set()).add(len(k))
    return _Gazetteer(frame.reset_index(drop=True), info, forms, titles, demonyms,
                      {w: tuple(sorted(ns, reverse=True)) for w, ns in lengths.items()})


def load_gazetteer(path: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The actor gazetteer as a DataFrame (columns :data:`GAZETTEER_COLUMNS`).

    Parameters
    ----------
    path
        A CSV file (default ``data/actors.csv``) or a DataFrame with at least ``id``, ``name``, ``type``.

    Raises
    ------
    NewsframeError
        Missing file, missing columns, duplicate ids or unknown types.
    """
    return _gazetteer(path).frame.copy()


def _gazetteer(source: str | Path | pd.DataFrame | _Gazetteer | None) -> _Gazetteer:
    if isinstance(source, _Gazetteer):
        return source
    if isinstance(source, pd.DataFrame):
        return _build_gazetteer(source, name="gazetteer DataFrame")
    return _load_cached(str(Path(source or config.ACTORS_PATH).expanduser().resolve()))


_NATIVE_KINDS = frozenset("iufb")  # numpy int, unsigned, float, bool: .tolist() gives what to_dict gives


def records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")``, the same values, without pandas boxing every cell (several times faster).

    Columns of numpy numbers or booleans and strings whose missing value is NaN come back identical from
    ``.tolist()``; a frame with any other column (nullable integers, objects) goes through ``to_dict``.
    """
    cols = list(frame.columns)
    if not cols or len(set(cols)) != len(cols) or not all(
            dt.kind in _NATIVE_KINDS if isinstance(dt, np.dtype)
            else isinstance(dt, pd.StringDtype) and dt.na_value is np.nan for dt in frame.dtypes):
        return frame.to_dict("records")
    return [dict(zip(cols, values)) for values in zip(*(frame[c].tolist() for c in cols))]


# ---- mention detection ---------------------------------------------------------------------------------
@dataclass
class _Mention:
    i: int  # first token (index into the doc's token arrays)
    j: int  # one past the last token
    actor_id: str
    kind: str
    function: str = "actor"
    confidence: float = 0.9
    name: str = ""
    type: str = ""
    members: tuple[str, ...] = ()
    gender: str = ""
    cs: int | None = None  # character span inside one token ("Russia" in "Russia-Ukraine"), else None
    ce: int | None = None


class _Doc:
    """Token arrays of one document, with tags."""

    def __init__(self, text: str, words: list[str], start: list[int], end: list[int], sent: list[int],
                 par: list[int], tags: list[str]):
        self.text = text
        self.words = [w if w.isascii() else _norm(w) for w in words]  # ASCII is already NFC, no quotes
        self.lower = [w.lower() for w in self.words]
        self.start = start
        self.end = end
        self.sent = sent
        self.par = par
        self.tags = tags
        self.n = len(self.words)
        self.sent_first = {s: k for k, s in reversed(list(enumerate(self.sent)))}  # first token of each
        self.loud = _loud_sentences(self.words, self.sent)

    def same_sentence(self, a: int, b: int) -> bool:
        return 0 <= a < self.n and 0 <= b < self.n and self.sent[a] == self.sent[b]

    def is_cap(self, k: int) -> bool:
        w = self.words[k]
        return bool(w[:1].isupper()) and (w[0].isalpha() or any(ch.isalpha() for ch in w))


def _doc_tokens(tokens: pd.DataFrame, tags: pd.Series):
    """``(doc_id, words, start, end, sentence_id, paragraph_id, tags)`` per document, tokens in document order,
    as plain lists: what ``tokens.sort_values(["doc_id", "token_id"]).groupby("doc_id")`` gives, without a
    frame per document (rows with a missing doc_id are left out, as group-by leaves them out)."""
    ordered = tokens.sort_values(["doc_id", "token_id"], kind="stable")
    if not ordered.index.is_unique:  # tags cannot be taken by label one row at a time: per-document frames
        for doc_id, toks in ordered.groupby("doc_id", sort=False):
            yield (doc_id, *(toks[c].tolist() for c in ("text", "start", "end", "sentence_id", "paragraph_id")),
                   tags.loc[toks.index].tolist())
        return
    cols = [ordered[c].tolist() for c in ("text", "start", "end", "sentence_id", "paragraph_id")]
    tag_list = tags.loc[ordered.index].tolist()
    doc_ids = ordered["doc_id"].tolist()
    n, a = len(doc_ids), 0
    while a < n:
        doc_id, b = doc_ids[a], a + 1
        while b < n and doc_ids[b] == doc_id:
            b += 1
        if doc_id == doc_id:  # not NaN
            yield (doc_id, *(c[a:b] for c in cols), tag_list[a:b])
        a = b


def find_mentions(documents: pd.DataFrame, tokens: pd.DataFrame, *,
                  gazetteer: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``mentions`` table: every reference to an actor or place, resolved to an actor.

    Parameters
    ----------
    documents
        The ``documents`` table (offsets point into its ``text``).
    tokens
        The ``tokens`` table of the same documents.
    gazetteer
        Path to an actor gazetteer CSV (or a DataFrame); default ``data/actors.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns of ``schema.TABLES["mentions"]``: doc_id, mention_id, sentence_id, paragraph_id, start, end,
        text, actor_id, actor_name, actor_type, kind, function, confidence, members.

    Examples
    --------
    >>> import newsframe
    >>> a = newsframe.analyze("Moscow dismissed the plan. President Emmanuel Macron said he was surprised.")
    >>> find_mentions(a.documents, a.tokens)[["text", "actor_id", "kind"]].values.tolist()
    [['Moscow', 'russia', 'metonym'], ['Emmanuel Macron', 'macron', 'name'], ['he', 'macron', 'pronoun']]
    """
    gaz = _gazetteer(gazetteer)
    if tokens.empty:
        return schema.empty("mentions")
    tags = pos_tags(tokens)
    texts = dict(zip(documents["doc_id"], documents["text"]))
    rows: list[dict] = []
    for doc_id, *columns in _doc_tokens(tokens, tags):
        doc = _Doc(texts[doc_id], *columns)
        mentions = _mentions_for_doc(doc, gaz)
        for mid, m in enumerate(mentions, start=1):
            s, e = (m.cs, m.ce) if m.cs is not None else (doc.start[m.i], doc.end[m.j - 1])
            rows.append({
                "doc_id": doc_id, "mention_id": mid, "sentence_id": doc.sent[m.i], "paragraph_id": doc.par[m.i],
                "start": s, "end": e, "text": doc.text[s:e], "actor_id": m.actor_id, "actor_name": m.name,
                "actor_type": m.type, "kind": m.kind, "function": m.function,
                "confidence": round(float(m.confidence), 2), "members": " ".join(m.members),
            })
    if not rows:
        return schema.empty("mentions")
    return schema.conform(pd.DataFrame(rows), "mentions")


def _mentions_for_doc(doc: _Doc, gaz: _Gazetteer) -> list[_Mention]:
    taken = [False] * doc.n
    found: list[_Mention] = []
    _match_titles(doc, gaz, found, taken, alone=False)
    _match_gazetteer(doc, gaz, found, taken)
    _match_hyphen_parts(doc, gaz, found, taken)
    _match_new_names(doc, gaz, found, taken)
    found.sort(key=lambda m: (m.i, -m.j))
    _match_titles(doc, gaz, found, taken, alone=True)
    found.sort(key=lambda m: (m.i, -m.j))
    _assign_functions(doc, gaz, found)
    groups = _find_groups(doc, gaz, found)
    named = sorted(found + groups, key=lambda m: (m.i, -m.j))
    _fill_names(named, gaz, groups)  # types and genders are needed to resolve pronouns
    pronouns = _resolve_pronouns(doc, named, taken)
    out = sorted(named + pronouns, key=lambda m: (m.i, -m.j, m.cs or 0))
    _fill_names(out, gaz, groups)
    return out


_HYPHEN = re.compile(r"[-‐‑–]")


def _match_hyphen_parts(doc: _Doc, gaz: _Gazetteer, found: list[_Mention], taken: list[bool]) -> None:
    """Actors inside hyphenated words: "Russia-Ukraine war", "Kremlin-backed", "pro-Russian" (modifiers)."""
    # (NFC and the quote normalisation of doc.words leave hyphens as they are written)
    for k in [k for k, w in enumerate(doc.words) if _HYPHEN.search(w)]:
        word = doc.text[doc.start[k]:doc.end[k]]  # as written, so offsets stay exact
        if taken[k] or not _HYPHEN.search(word):
            continue
        pos = 0
        for part in _HYPHEN.split(word):
            entries = gaz.forms.get((_norm(part),), []) if len(part) > 1 else []
            entries = [e for e in entries if e.role != "place" or gaz.info[e.actor_id]["type"] == "place"]
            if entries:
                e = next((x for x in entries if x.role == "metonym"), entries[0])
                kind = {"place": "name", "demonym": "alias"}.get(e.role, e.role)
                cs = doc.start[k] + pos
                found.append(_Mention(k, k + 1, e.actor_id, kind, function="modifier", confidence=0.8,
                                      cs=cs, ce=cs + len(part)))
                taken[k] = True
            pos += len(part) + 1


def _entries_at(doc: _Doc, gaz: _Gazetteer, i: int) -> tuple[int, list[_Entry]]:
    """Longest gazetteer form starting at token i within its sentence: (length, entries)."""
    first = doc.words[i]
    lengths = gaz.lengths.get(first, ()) if not first.isupper() or len(first) < 4 else \
        sorted(set(gaz.lengths.get(first, ())) | set(gaz.lengths.get(first.title(), ())), reverse=True)
    for n in lengths:
        if i + n > doc.n or not doc.same_sentence(i, i + n - 1):
            continue
        key = tuple(doc.words[i:i + n])
        entries = gaz.forms.get(key)
        if entries is None and all(w.isupper() and len(w) >= 4 and w.isalpha() for w in key):
            # An all-capital dateline or headline ("KYIV, May 20") names a place or state in title case.
            entries = [e for e in gaz.forms.get(tuple(w.title() for w in key), [])
                       if gaz.info[e.actor_id]["type"] in ("place", "state")]
        if entries:
            return n, entries
    return 0, []


def _match_titles(doc: _Doc, gaz: _Gazetteer, found: list[_Mention], taken: list[bool], *, alone: bool) -> None:
    """Gazetteer titles ("Russian President", "Kremlin spokesman").

    Before a name (``alone=False``, run first) the title is not part of the name's span and its demonym or
    state becomes a ``modifier`` mention. Without a name (``alone=True``, run after the names) the title is
    a ``title`` mention of a holder already named earlier in the document; offices change hands and the
    gazetteer cannot know the article's date, so a title nobody in the text holds stays unresolved.
    """
    max_t = max((len(t) for t in gaz.titles), default=0)
    firsts = {t[0] for t in gaz.titles if t}  # most words start no title: go from one that does to the next
    starts = [k for k, w in enumerate(doc.lower) if w in firsts]
    i = 0
    for at in starts:
        if at < i:
            continue
        i = at
        hit = 0
        for n in range(min(max_t, doc.n - i), 1, -1):  # single-word titles ("President") are too vague
            key = tuple(doc.lower[i:i + n])
            if key in gaz.titles and doc.same_sentence(i, i + n - 1):
                hit = n
                break
        if not hit:
            i += 1
            continue
        holders = gaz.titles[tuple(doc.lower[i:i + hit])]
        nxt = i + hit
        followed_by_name = nxt < doc.n and doc.is_cap(nxt) and doc.same_sentence(i, nxt) and \
            doc.tags[nxt].startswith("NNP")
        if not alone:
            if not followed_by_name or any(taken[i:nxt]):
                i += 1
                continue
            # The first word of a title may be a demonym or a state ("Ukrainian", "Kremlin", "US").
            n0, entries = _entries_at(doc, gaz, i)
            state_entry = next((e for e in entries if e.role in ("demonym", "alias", "name", "metonym")
                                and gaz.info[e.actor_id]["type"] in ("state", "organisation")), None)
            if state_entry and n0 and n0 < hit:
                demonym = state_entry.role == "demonym"
                found.append(_Mention(i, i + n0, state_entry.actor_id, "alias" if demonym else state_entry.role,
                                      function="modifier" if demonym else "actor", confidence=0.9))
                for k in range(i, i + n0):
                    taken[k] = True
            i = nxt  # the title words themselves are not a mention; the name is matched next
            continue
        if followed_by_name:
            i = nxt
            continue
        inside = [m for m in found if i <= m.i < nxt]
        if any(taken[k] and not any(m.i <= k < m.j for m in inside) for k in range(i, nxt)):
            i += 1
            continue
        earlier = [m.actor_id for m in found if m.i < i]
        named = [h for h in holders if h in earlier]
        if not named:
            i += 1
            continue
        aid = max(named, key=lambda h: max(k for k, m in enumerate(found) if m.actor_id == h and m.i < i))
        for m in inside:
            if m.function == "modifier":
                found.remove(m)  # "Russian" in "the Russian president" is part of the title
            # a name inside the title stays its own mention ("Ukraine's president": Ukraine)
        found.append(_Mention(i, nxt, aid, "title", confidence=0.75))  # spans never include "the"
        for k in range(i, nxt):
            taken[k] = True
        i = nxt


def _choose(doc: _Doc, gaz: _Gazetteer, entries: list[_Entry], i: int, j: int, found: list[_Mention]) -> _Entry:
    """Pick one gazetteer entry for a surface form that several actors share."""
    if len(entries) == 1:
        return entries[0]
    located = _is_locative(doc, i, place=True)
    places = [e for e in entries if e.role == "place"]
    metonyms = [e for e in entries if e.role == "metonym"]
    if places and metonyms:
        # A capital is the city where it is a place ("in Kyiv", a dateline "KYIV, May 20"), else it stands
        # for the government ("Kyiv rejected", "Moscow's proposal", "talks between Kyiv and Moscow").
        dateline = doc.words[i].isupper() or (j < doc.n and doc.words[j] in (",", "—", "–", "(")
                                              and i == doc.sent_first.get(doc.sent[i]) and doc.par[i] == doc.par[0])
        return places[0] if located or dateline else metonyms[0]
    earlier = {m.actor_id for m in found if m.i < i}
    seen = [e for e in entries if e.actor_id in earlier]
    if seen:
        return seen[0]
    names = [e for e in entries if e.role in ("name", "alias")]
    return names[0] if names else entries[0]


def _is_locative(doc: _Doc, i: int, *, place: bool) -> bool:
    """The mention at token i follows a locative preposition ("in Turkey", "to Kyiv" for places)."""
    k = i - 1
    if k >= 0 and doc.lower[k] == "the":
        k -= 1
    if k < 0 or not doc.same_sentence(k, i):
        return False
    w = doc.lower[k]
    return w in _LOCATIVE or (place and w in _PLACE_ONLY_LOCATIVE)


def _match_gazetteer(doc: _Doc, gaz: _Gazetteer, found: list[_Mention], taken: list[bool]) -> None:
    # Only a word that starts a gazetteer form (or, in capitals, whose title case does) can match: go from
    # one such word to the next (_entries_at finds nothing elsewhere).
    lengths = gaz.lengths
    starts = [k for k, w in enumerate(doc.words)
              if w in lengths or (len(w) >= 4 and w.isupper() and w.title() in lengths)]
    i = 0
    for at in starts:
        if at < i:
            continue
        i = at
        if taken[i]:
            i += 1
            continue
        n, entries = _entries_at(doc, gaz, i)
        if n and any(taken[i:i + n]):
            n = next(k for k in range(n, 0, -1) if not any(taken[i:i + k]))
            n, entries = (n, gaz.forms.get(tuple(doc.words[i:i + n]), [])) if n else (0, [])
        if not n or not entries:
            i += 1
            continue
        # A capitalised word right before a single-word match joins it into an unknown longer name
        # ("Jane Trump" is not Donald Trump), unless it is a title, a demonym or a sentence start.
        if n == 1 and i > 0 and doc.same_sentence(i - 1, i) and doc.is_cap(i - 1) and not taken[i - 1] \
                and doc.tags[i - 1] == "NNP" and doc.lower[i - 1] not in _TITLE_WORDS \
                and doc.lower[i - 1] not in _NOT_NAMES and _norm(doc.words[i - 1]) not in gaz.demonyms \
                and entries[0].role == "surname":
            i += 1
            continue
        e = _choose(doc, gaz, entries, i, i + n, found)
        kind = {"place": "name", "demonym": "alias"}.get(e.role, e.role)
        conf = {"name": 0.95, "surname": 0.9, "alias": 0.9, "metonym": 0.75, "place": 0.9, "demonym": 0.85}[e.role]
        aid = e.actor_id
        m = _Mention(i, i + n, aid, kind, confidence=conf)
        if e.role == "demonym":
            _demonym_phrase(doc, m)
        elif e.role == "place" and gaz.info[aid]["type"] == "place" and not _is_locative(doc, i, place=True):
            # A capital acting as a subject stands for its government ("Kyiv rejected ...").
            metonym = next((x for x in entries if x.role == "metonym"), None)
            if metonym and _acts(doc, i + n):
                m.actor_id, m.kind, m.confidence = metonym.actor_id, "metonym", 0.75
        found.append(m)
        for k in range(m.i, m.j):
            taken[k] = True
        i = m.j


def _acts(doc: _Doc, k: int) -> bool:
    """A verb (or auxiliary) follows at token k, possibly after an adverb or a possessive."""
    while k < doc.n and doc.tags[k] in ("RB", "POS"):
        k += 1
    return k < doc.n and is_verb_tag(doc.tags[k])


def _demonym_phrase(doc: _Doc, m: _Mention) -> None:
    """Demonyms: "Russian officials" acts for the state; "Russian President" is a modifier."""
    j = m.j
    if j < doc.n and doc.same_sentence(m.i, j) and doc.lower[j] in _STATE_BODY_NOUNS:
        m.j, m.kind, m.function, m.confidence = j + 1, "alias", "actor", 0.8
        return
    word = doc.words[m.i]
    plural_noun = word.endswith("s") and not word.endswith("ss")
    if plural_noun and not (j < doc.n and doc.tags[j].startswith("NN")):
        m.kind, m.function, m.confidence = "alias", "actor", 0.6  # "the Ukrainians"
        return
    m.kind, m.function = "alias", "modifier"


def _match_new_names(doc: _Doc, gaz: _Gazetteer, found: list[_Mention], taken: list[bool]) -> None:
    """Capitalised name sequences not in the gazetteer, typed by the cue words around them."""
    known_surnames: dict[str, str] = {}  # surname -> new id
    new_info: dict[str, dict] = {}
    # A name starts with a capital (_name_start is false elsewhere): go from one capitalised word to the next.
    starts = [k for k, w in enumerate(doc.words) if w[:1].isupper()]
    i = 0
    for at in starts:
        if at < i:
            continue
        i = at
        if taken[i] or not _name_start(doc, gaz, i):
            i += 1
            continue
        j = i + 1
        while j < doc.n and not taken[j] and doc.same_sentence(i, j):
            if _name_word(doc, gaz, j) or _name_continues(doc, j):
                j += 1
                continue
            # Particles inside personal names ("Ursula von der Leyen") and, once the name has an
            # organisation head, "of/for/the" ("Institute for the Study of War", "Ministry of Defence").
            link = j
            while link < doc.n and (doc.lower[link] in {"von", "van", "der", "de", "bin", "al", "la", "da"} or (
                    doc.lower[link] in {"of", "for", "the", "on"}
                    and any(w.lower() in _ORG_HEADS for w in doc.words[i:j]))) and link - j < 3:
                link += 1
            if link > j and link < doc.n and not taken[link] and doc.same_sentence(i, link) \
                    and (_name_word(doc, gaz, link) or _name_continues(doc, link)):
                j = link + 1
                continue
            break
        # "Defence Ministry", "General Staff": a title word starts an organisation's name.
        while i > 0 and not taken[i - 1] and doc.same_sentence(i - 1, i) and doc.is_cap(i - 1) \
                and doc.lower[i - 1] in _TITLE_WORDS and any(w in _ORG_HEADS for w in doc.lower[i:j]) \
                and i - 1 != doc.sent_first.get(doc.sent[i]):
            i -= 1
        words = doc.words[i:j]
        if len(words) == 1 and doc.lower[i] in _NOT_NAMES:
            i = j
            continue
        typ, gender, cue_conf = _cue_type(doc, i, j)
        starts_clause = i == doc.sent_first.get(doc.sent[i]) or doc.words[i - 1] in (":", '"', "“", "‘", "(", "—")
        if typ == "unknown" and starts_clause and j - i == 1 \
                and words[0] not in known_surnames and is_known_word(words[0]):
            i = j  # an ordinary word capitalised at a sentence start ("Missiles hit ..."), not a name
            continue
        key = " ".join(words)
        if j - i == 1 and words[0] in known_surnames:
            aid = known_surnames[words[0]]
            kind, conf, typ = "surname", 0.85, new_info[aid]["type"]
        else:
            aid = "new:" + _slug(key)
            kind, conf = "name", cue_conf
            if typ == "person" and j - i > 1:
                known_surnames.setdefault(words[-1], aid)
        info = new_info.setdefault(aid, {"name": key, "type": typ, "gender": gender})
        if info["type"] == "unknown" and typ != "unknown":
            info["type"] = typ
        if gender and not info["gender"]:
            info["gender"] = gender
        m = _Mention(i, j, aid, kind, confidence=conf, name=info["name"], type=info["type"], gender=gender)
        found.append(m)
        for k in range(i, j):
            taken[k] = True
        i = j
    for m in found:  # later cues type earlier mentions of the same new actor
        if m.actor_id in new_info:
            m.type, m.name = new_info[m.actor_id]["type"], new_info[m.actor_id]["name"]
            m.gender = new_info[m.actor_id]["gender"]


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_") or "unnamed"


_INITIAL = re.compile(r"[A-Z]\.")  # "J." in "Michael J. Fox"
_CAP_WORD = re.compile(r"[A-Z][a-z'’-]+")


def _name_word(doc: _Doc, gaz: _Gazetteer, k: int) -> bool:
    w = doc.words[k]
    if doc.sent[k] in doc.loud and is_known_word(w):
        return False  # in an all-capital or Title Case sentence a capital says nothing: "ON", "Could"
    return (doc.is_cap(k) and doc.tags[k] in ("NNP", "NNPS") and doc.lower[k] not in _NOT_NAMES
            and w not in gaz.demonyms) or (len(w) == 2 and _INITIAL.fullmatch(w) is not None)


def _loud_sentences(words: list[str], sent: list[int]) -> set[int]:
    """Sentences of at least 8 words in which nearly every word is capitalised (all capitals: OCR, telex,
    shouted copy; or Title Case): capitalisation there is no evidence of a name. Without this every run of
    capitalised ordinary words became a new actor, and co-occurrence pairs grew with their square."""
    firsts = [w[:1] for w in words]
    alpha = list(map(str.isalpha, firsts))
    words_in = Counter(compress(sent, alpha))  # words that start with a letter, per sentence
    caps_in = Counter(compress(sent, map(operator.and_, alpha, map(str.isupper, firsts))))
    return {s for s, n in words_in.items() if n >= 8 and caps_in.get(s, 0) >= 0.8 * n}


def _name_continues(doc: _Doc, k: int) -> bool:
    """Inside a name already begun, a capitalised common noun continues it ("Study of Conflict")."""
    return doc.is_cap(k) and doc.tags[k] in ("NN", "NNS") and doc.words[k].isalpha() \
        and doc.lower[k] not in _NOT_NAMES and k != doc.sent_first.get(doc.sent[k])


def _name_start(doc: _Doc, gaz: _Gazetteer, k: int) -> bool:
    return _name_word(doc, gaz, k) and doc.lower[k] not in _TITLE_WORDS and doc.lower[k] != "the"


def _cue_type(doc: _Doc, i: int, j: int) -> tuple[str, str, float]:
    """(type, gender, confidence) of a new name from the words around it."""
    words = [w.lower() for w in doc.words[i:j]]
    if any(w in _ORG_HEADS for w in words) and len(words) > 1 or words[-1] in _ORG_HEADS:
        return "organisation", "", 0.7
    if words[-1] in _PLACE_HEADS:
        return "place", "", 0.7
    # Before: up to three title words ("Deputy Foreign Minister", "spokesman", "Mr.", "a spokesman, ").
    end = i - 1 if i > 0 and doc.words[i - 1] == "," else i
    for n in (4, 3, 2, 1):
        k = end - n
        if k >= 0 and doc.same_sentence(k, i):
            cue = " ".join(doc.lower[k:end]).replace(" .", ".")  # the tokenizer splits "Mr" "."
            if cue in _PERSON_TITLES:
                gender = "f" if cue.split()[-1] in _FEMALE_CUES else "m" if cue.split()[-1] in _MALE_CUES else ""
                return "person", gender, 0.8
    # After: "Jane Doe, the foreign minister" / "Jane Doe, a spokesman for" / "Jane Doe, 54,".
    k = j
    if k + 1 < doc.n and doc.words[k] == "," and doc.same_sentence(i, k + 1):
        k += 1
        if doc.lower[k] in ("the", "a", "an") or doc.tags[k] == "PRP$" or doc.tags[k] == "NNP":
            k += 1
        for n in (3, 2, 1):
            cue = " ".join(doc.lower[k:k + n])
            if cue in _PERSON_TITLES:
                gender = "f" if cue.split()[-1] in _FEMALE_CUES else "m" if cue.split()[-1] in _MALE_CUES else ""
                return "person", gender, 0.75
    if j < doc.n and doc.lower[j] in {"said", "says", "told", "added", "argued", "warned", "wrote", "stated"} \
            and j - i > 1:
        return "person", "", 0.65
    if j - i > 1 and all(_CAP_WORD.fullmatch(w) for w in doc.words[i:j]) and \
            not _is_locative(doc, i, place=True):
        return "person", "", 0.55  # "First Last" with no other cue: most often a person
    if _is_locative(doc, i, place=True):
        return "place", "", 0.55
    return "unknown", "", 0.5


def _assign_functions(doc: _Doc, gaz: _Gazetteer, found: list[_Mention]) -> None:
    prev: _Mention | None = None
    for m in found:
        if prev is not None and prev.function == "location" and m.function != "modifier" and m.cs is None \
                and doc.same_sentence(prev.i, m.i) and prev.j < m.i and all(
                doc.lower[x] in (",", "and", "or", "the") for x in range(prev.j, m.i)) \
                and gaz.info.get(m.actor_id, {}).get("type", m.type) in ("state", "place"):
            m.function = "location"  # "over Belgorod, Kursk and the Crimean Peninsula"
            if m.kind == "metonym":
                place = next((e.actor_id for e in gaz.forms.get(tuple(doc.words[m.i:m.j]), [])
                              if e.role == "place"), None)
                if place:
                    m.actor_id, m.kind, m.confidence = place, "name", 0.9
            prev = m
            continue
        if m.function == "modifier":
            continue
        info = gaz.info.get(m.actor_id, {"type": m.type})
        typ = info["type"]
        nxt = m.j
        # Only demonym adjectives are modifiers (set where they are matched); a name before an office
        # ("US President", "Kremlin spokesman") is still a named reference to the actor, as in the codebook.
        if typ in ("state", "place") and (_is_locative(doc, m.i, place=(typ == "place"))
                                            or typ == "place" and doc.words[m.i].isupper()):  # a dateline
            m.function = "location"
        elif m.kind == "metonym" and _is_locative(doc, m.i, place=True):
            m.function = "location"
        if m.function != "modifier":
            prev = m


# ---- groups ----------------------------------------------------------------------------------------------
def _find_groups(doc: _Doc, gaz: _Gazetteer, found: list[_Mention]) -> list[_Mention]:
    """Collective references: lists of states after a collective noun, "the two leaders", "both sides"."""
    groups: list[_Mention] = []
    by_start = {m.i: m for m in found}
    for m in found:  # gazetteer groups ("European leaders", "the West")
        if gaz.info.get(m.actor_id, {}).get("type") == "group" and m.function != "modifier":
            m.kind = "group"
    # "Leaders from France, Germany, Poland, and the UK"
    for i in range(doc.n - 2):
        if doc.lower[i] not in _COLLECTIVE_NOUNS or doc.lower[i + 1] not in ("from", "of"):
            continue
        k, members, last_j = i + 2, [], None
        while k < doc.n and doc.same_sentence(i, k):
            if doc.lower[k] == "the":
                k += 1
                continue
            m = by_start.get(k)
            if m is None or gaz.info.get(m.actor_id, {}).get("type") not in ("state", "organisation"):
                break
            members.append(m.actor_id)
            last_j = m.j
            k = m.j
            if k < doc.n and doc.words[k] == ",":
                k += 1
            if k < doc.n and doc.lower[k] in ("and", "&", "or"):
                k += 1
            elif not (k - 1 >= 0 and doc.words[k - 1] == ","):
                break
        if len(members) >= 2 and last_j is not None:
            for mm in found:  # the listed states are mentioned, not acting themselves
                if i < mm.i < last_j and mm.function == "location":
                    mm.function = "actor"
            gid = _group_id(gaz, members, found, i)
            start = i
            if i > 0 and doc.is_cap(i) is False and doc.lower[i - 1] in ("european", "western"):
                start = i - 1
            groups.append(_Mention(start, last_j, gid, "group", confidence=0.8, members=tuple(dict.fromkeys(members))))
    # "the two leaders", "both sides"
    for i in range(doc.n - 1):
        if doc.lower[i] not in ("both", "two") or doc.lower[i + 1] not in _PAIR_GROUPS:
            continue
        if doc.lower[i] == "two" and not (i > 0 and doc.lower[i - 1] == "the"):
            continue
        pair = _likely_pair(doc, gaz, found + groups, i, _PAIR_GROUPS[doc.lower[i + 1]])
        if pair:
            start = i - 1 if doc.lower[i] == "two" else i
            groups.append(_Mention(start + (1 if doc.lower[start] == "the" else 0), i + 2,
                                   "group:" + "+".join(sorted(pair)), "group", confidence=0.6, members=pair))
    return groups


def _group_id(gaz: _Gazetteer, members: list[str], found: list[_Mention], i: int) -> str:
    """The gazetteer group named nearest before token i whose affiliation all members share, else an ad-hoc id.

    "Leaders from France, Germany and the UK" after "European leaders" joins that group, because every
    listed state carries the affiliation "Europe" in the gazetteer, as the group does.
    """
    common = set.intersection(*(gaz.info.get(x, {}).get("affiliation", set()) for x in members))
    candidates = [m for m in found if gaz.info.get(m.actor_id, {}).get("type") == "group"
                  and gaz.info[m.actor_id]["affiliation"] & common]
    if candidates:
        before = [m for m in candidates if m.i < i]
        pick = max(before, key=lambda m: m.i) if before else min(candidates, key=lambda m: m.i)
        return pick.actor_id
    return "group:" + "+".join(sorted(dict.fromkeys(members)))


def _likely_pair(doc: _Doc, gaz: _Gazetteer, found: list[_Mention], i: int, typ: str) -> tuple[str, ...]:
    """The two actors of a type that share the most sentences before token i (earliest pair on ties)."""
    sents: dict[int, set[str]] = {}
    listed = [g for g in found if g.kind == "group" and g.members]
    for m in found:
        # Within the 30 sentences before: the pair the passage is about, not the whole document's; states
        # listed inside a group ("Leaders from France, Germany ...") are one side, not two.
        if m.i >= i or m.function == "modifier" or doc.sent[m.i] < doc.sent[i] - 30 \
                or any(g.i <= m.i and m.j <= g.j and g is not m for g in listed):
            continue
        t = gaz.info.get(m.actor_id, {}).get("type", m.type)
        if t == typ:
            sents.setdefault(doc.sent[m.i], set()).add(m.actor_id)
    score: dict[tuple[str, str], list[int]] = {}
    for s, ids in sorted(sents.items()):
        ids = sorted(ids)
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                score.setdefault((ids[a], ids[b]), []).append(s)
    if not score:
        return ()
    best = max(score.items(), key=lambda kv: (len(kv[1]), -kv[1][0]))
    return best[0]


# ---- pronouns --------------------------------------------------------------------------------------------
def _resolve_pronouns(doc: _Doc, named: list[_Mention], taken: list[bool]) -> list[_Mention]:
    out: list[_Mention] = []
    mentions = [m for m in named if m.function != "modifier"]
    coordinated = _coordinations(doc, named)
    by_sentence: dict[int, list[_Mention]] = {}  # candidates within two sentences only: index them
    plural_by_sentence: dict[int, list[_Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(doc.sent[m.i], []).append(m)
    for m in coordinated:
        plural_by_sentence.setdefault(doc.sent[m.i], []).append(m)
    for k in range(doc.n):
        w = doc.lower[k]
        if w not in _PRONOUNS or taken[k]:
            continue
        gender, number = _PRONOUNS[w]
        if w == "it" and (_expletive(doc, k) or not _acts(doc, k + 1)):
            continue  # dummy "it", or an object "it" (most often a thing: "calling it a trap")
        best, best_score = None, -1e9
        window = range(doc.sent[k] - 2, doc.sent[k] + 1)
        candidates = [m for sid in window for m in by_sentence.get(sid, ())]
        if number == "pl":
            candidates += [m for sid in window for m in plural_by_sentence.get(sid, ())]
        # An object pronoun never refers to the subject of its own clause ("He praised him").
        own_subject = None
        if _accusative(doc, k):
            own_subject = next((m.actor_id for m in sorted(by_sentence.get(doc.sent[k], ()), key=lambda m: -m.i)
                                if m.i < k and _is_subject(doc, m)), None)
        for m in candidates:
            if m.i >= k or doc.sent[m.i] < doc.sent[k] - 2 or m.actor_id == own_subject:
                continue
            if not _compatible(m, gender, number, plural=_plural_head(doc, m)):
                continue
            dist = doc.sent[k] - doc.sent[m.i]
            score = -dist * 2.0 - (k - m.j) / 100.0
            if _is_subject(doc, m):
                # "Stubb met Trump and urged him": an object pronoun is not its own clause's subject.
                score += -3.0 if dist == 0 and _accusative(doc, k) else 1.5
            if m.kind == "pronoun":
                score += 0.5  # a chain of pronouns keeps its referent
            if m.function == "location":
                score -= 3.0
            if score > best_score:
                best, best_score = m, score
        if best is None:
            continue
        dist = doc.sent[k] - doc.sent[best.i]
        conf = 0.8 if dist == 0 else 0.7 if dist == 1 else 0.5
        out.append(_Mention(k, k + 1, best.actor_id, "pronoun", confidence=conf, name=best.name, type=best.type,
                            members=best.members, gender=best.gender))
        by_sentence.setdefault(doc.sent[k], []).append(out[-1])
    return out


def _coordinations(doc: _Doc, mentions: list[_Mention]) -> list[_Mention]:
    """Actors joined by "and" ("Putin and Zelensky", "Russia, Ukraine and Turkey"): antecedents for "they".

    They become group actors only if a pronoun refers to them; lists inside a group mention are that group.
    """
    groups = [m for m in mentions if m.kind == "group"]
    modifier_words = {doc.words[x] for m in mentions for x in range(m.i, m.j) if m.function == "modifier"}
    actors = sorted((m for m in mentions if m.kind != "group" and m.function == "actor"
                     and m.type in ("person", "state", "organisation")), key=lambda m: m.i)
    out, run = [], []

    def flush() -> None:
        ids = list(dict.fromkeys(x.actor_id for x in run))
        if len(ids) >= 2 and not any(g.i <= run[0].i and run[-1].j <= g.j for g in groups):
            out.append(_Mention(run[0].i, run[-1].j, "group:" + "+".join(sorted(ids)), "group", confidence=0.6,
                                type="group", members=tuple(ids)))

    def joined(a: _Mention, b: _Mention) -> bool:
        # Only "and", commas and titles between: "Marco Rubio and special envoy Steve Witkoff".
        between = range(a.j, b.i)
        return doc.same_sentence(a.i, b.i) and all(
            doc.lower[x] in ("and", ",", "as", "well", "&") or doc.lower[x] in _TITLE_WORDS
            or doc.lower[x] in _ROLE_NOUNS or doc.words[x] in modifier_words for x in between)

    for m in actors:
        if run and joined(run[-1], m):
            run.append(m)
            continue
        flush()
        run = [m]
    if run:
        flush()
    # "A, B and C" only counts when it ends in "and": drop runs that are just commas.
    return [g for g in out if any(doc.lower[x] in ("and", "&") for x in range(g.i, g.j))]


def _accusative(doc: _Doc, k: int) -> bool:
    """him/them/her as an object (a possessive "her" is followed by its noun)."""
    w = doc.lower[k]
    if w in ("him", "them", "himself", "themselves", "herself"):
        return True
    return w == "her" and not (k + 1 < doc.n and doc.tags[k + 1].startswith(("NN", "JJ", "CD")))


def _expletive(doc: _Doc, k: int) -> bool:
    """Dummy "it" ("it is unclear whether", "It would be the first meeting") refers to no actor."""
    j = k + 1
    seen_copula = False
    while j < doc.n and j <= k + 3 and doc.lower[j] in _COPULAS | {"be", "been", "not", "n't"}:
        seen_copula = True
        j += 1
    return seen_copula and (j >= doc.n or doc.lower[j] in _EXPLETIVE_NEXT or doc.tags[j] in ("DT", "JJ", "RB")
                            and doc.lower[j] not in ("prepared", "ready", "willing", "able"))


def _plural_head(doc: _Doc, m: _Mention) -> bool:
    """A name's mention headed by a common plural noun: "American officials", "Russian forces" are "they",
    never "it" ("American officials celebrated when it was destroyed"). Capitalised plurals are names
    ("United States", "United Nations")."""
    last = m.j - 1
    return (m.kind not in ("pronoun", "group") and m.j - m.i > 1 and doc.tags[last] == "NNS"
            and doc.words[last][:1].islower())


def _compatible(m: _Mention, gender: str, number: str, *, plural: bool = False) -> bool:
    """Can a pronoun of this gender ("m", "f", "n") and number ("sg", "pl") refer to the mention?
    ``plural``: the mention is headed by a plural noun (:func:`_plural_head`)."""
    if m.kind == "group" or m.type == "group" or plural:
        return number == "pl"
    if number == "pl":
        return False
    if gender == "n":
        return m.type in ("state", "organisation")
    if m.type == "person":
        return not m.gender or m.gender == gender
    return False


def _is_subject(doc: _Doc, m: _Mention) -> bool:
    """The mention looks like a clause subject: a verb follows (skipping a possessive/apposition/adverbs)."""
    k = m.j
    if k < doc.n and doc.words[k] == ",":  # "Turkey, which has ..., has confirmed"
        return doc.sent_first.get(doc.sent[m.i]) == m.i or (m.i > 0 and doc.words[m.i - 1] in (",",))
    return _acts(doc, k)


def _fill_names(mentions: list[_Mention], gaz: _Gazetteer, groups: list[_Mention]) -> None:
    members: dict[str, list[str]] = {}
    for g in groups:
        members.setdefault(g.actor_id, []).extend(g.members)
    for m in mentions:
        info = gaz.info.get(m.actor_id)
        if info:
            m.name, m.type, m.gender = info["name"], info["type"], info["gender"]
        elif m.actor_id.startswith("group:"):
            m.name = m.name or " and ".join(gaz.info.get(x, {}).get("name", x) for x in m.members)
            m.type = "group"
        if m.actor_id in members:
            m.members = tuple(dict.fromkeys(members[m.actor_id]))
        if not m.type:
            m.type = "unknown"


# ---- tables built on mentions ----------------------------------------------------------------------------
def summarize_actors(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The ``actors`` table: one row per actor and document, most mentioned first.

    Parameters
    ----------
    mentions
        The ``mentions`` table.
    sentences
        The ``sentences`` table (for the number of sentences and the lead paragraph).

    Returns
    -------
    pandas.DataFrame
        Columns of ``schema.TABLES["actors"]``. ``n_named`` counts name, surname, alias, title and metonym
        mentions; ``in_lead`` means a mention in the first paragraph; ``spread`` is the share of the
        document between the first and the last sentence that mentions the actor.
    """
    if mentions.empty:
        return schema.empty("actors")
    n_sent = sentences.groupby("doc_id")["sentence_id"].max()
    first_par = sentences.groupby("doc_id")["paragraph_id"].min()
    # One pass of group-wise aggregates (a Python loop per actor that re-scanned all mentions was quadratic).
    m = pd.DataFrame({
        "doc_id": mentions["doc_id"].to_numpy(), "actor_id": mentions["actor_id"].to_numpy(),
        "sentence_id": mentions["sentence_id"].to_numpy(),
        "named": mentions["kind"].isin(["name", "surname", "alias", "title", "metonym"]).to_numpy(),
        "lead": (mentions["paragraph_id"].to_numpy()
                 == mentions["doc_id"].map(first_par).fillna(1).to_numpy()),
    })
    groups = m.groupby(["doc_id", "actor_id"], sort=False)
    agg = groups.agg(n_mentions=("sentence_id", "size"), n_named=("named", "sum"), first=("sentence_id", "min"),
                     last=("sentence_id", "max"), in_lead=("lead", "any"), n_sentences=("sentence_id", "nunique"))
    first_rows = mentions[(groups.cumcount() == 0).to_numpy()]  # each group's first mention, in group order
    totals = m.groupby("doc_id", sort=False).size()
    rows = []
    for (doc_id, actor_id), name, kind, g in zip(agg.index, first_rows["actor_name"], first_rows["actor_type"],
                                                 agg.itertuples(index=False)):
        first, last = int(g.first), int(g.last)
        rows.append({
            "doc_id": doc_id, "actor_id": actor_id, "actor_name": name, "actor_type": kind,
            "n_mentions": int(g.n_mentions), "n_named": int(g.n_named), "first_sentence": first,
            "in_lead": bool(g.in_lead), "share": round(int(g.n_mentions) / int(totals[doc_id]), 4),
            "n_sentences": int(g.n_sentences),
            "spread": round((last - first + 1) / max(int(n_sent.get(doc_id, 1)), 1), 4),
        })
    out = pd.DataFrame(rows).sort_values(["doc_id", "n_mentions", "first_sentence"], ascending=[True, False, True],
                                         kind="stable")
    return schema.conform(out, "actors")


def count_cooccurrence(mentions: pd.DataFrame, *, include_modifiers: bool = False) -> pd.DataFrame:
    """The ``cooccurrence`` table: pairs of actors that appear in the same sentence or paragraph.

    Parameters
    ----------
    mentions
        The ``mentions`` table.
    include_modifiers
        Count modifier mentions too ("Russian" in "Russian President Vladimir Putin"); off by default, so
        a title does not make Russia co-occur with every sentence that names Putin.

    Returns
    -------
    pandas.DataFrame
        Columns of ``schema.TABLES["cooccurrence"]``, most shared sentences first; pairs that share only a
        paragraph have ``n_sentences`` 0.
    """
    m = mentions if include_modifiers else mentions[mentions["function"] != "modifier"]
    if m.empty:
        return schema.empty("cooccurrence")
    names = dict(zip(m["actor_id"], m["actor_name"]))
    # Actors per sentence and per paragraph of each document, from plain lists in one pass (a group-by per
    # document and unit cost more than counting): documents in order of appearance, units in order.
    by_doc: dict[str, tuple[dict, dict]] = {}
    for doc_id, sid, pid, aid in zip(*(m[c].tolist() for c in ("doc_id", "sentence_id", "paragraph_id", "actor_id"))):
        if doc_id != doc_id:  # a missing doc_id: group-by leaves the row out
            continue
        units = by_doc.setdefault(doc_id, ({}, {}))
        for store, unit in zip(units, (sid, pid)):
            if unit == unit:
                store.setdefault(unit, set()).add(aid)
    rows = []
    for doc_id, (sentence_ids, paragraph_ids) in by_doc.items():
        sent_pairs: dict[tuple[str, str], list[int]] = {}
        par_pairs: dict[tuple[str, str], set[int]] = {}
        for units, store in ((sentence_ids, sent_pairs), (paragraph_ids, par_pairs)):
            for unit in sorted(units):
                ids = sorted(units[unit])
                for a in range(len(ids)):
                    for b in range(a + 1, len(ids)):
                        if store is sent_pairs:
                            store.setdefault((ids[a], ids[b]), []).append(int(unit))
                        else:
                            store.setdefault((ids[a], ids[b]), set()).add(int(unit))
        for pair, pars in par_pairs.items():
            sents = sorted(sent_pairs.get(pair, []))
            rows.append({"doc_id": doc_id, "actor_a": pair[0], "actor_b": pair[1], "name_a": names[pair[0]],
                         "name_b": names[pair[1]], "n_sentences": len(sents), "n_paragraphs": len(pars),
                         "sentence_ids": " ".join(map(str, sents))})
    if not rows:
        return schema.empty("cooccurrence")
    out = pd.DataFrame(rows).sort_values(["doc_id", "n_sentences", "n_paragraphs", "actor_a", "actor_b"],
                                         ascending=[True, False, False, True, True], kind="stable")
    return schema.conform(out, "cooccurrence")


# ---- actions ---------------------------------------------------------------------------------------------
_BE = BE_FORMS
_FINITE = FINITE_TAGS
_CLAUSE_END = {";", ":", "—", "–", "(", ")", '"', "“", "”"}
_RELATIVE = {"which", "who", "that", "whose"}


@lru_cache(maxsize=1)
def _inverting_verbs() -> frozenset[str]:
    """Reporting verbs that may come before their subject after a quote ('..., said Zelensky'): the verb rows
    of ``data/speech_verbs.csv`` marked ``inverts=yes`` (one list for attribution and actions)."""
    import csv

    with open(config.SPEECH_VERBS_PATH, encoding="utf-8", newline="") as f:
        return frozenset(r["lemma"].strip().lower() for r in csv.DictReader(f)
                         if r["pos"].strip() == "verb" and r.get("inverts", "").strip() == "yes")


@dataclass
class _VerbGroup:
    i: int  # first token
    j: int  # one past the last token
    head: int  # the main verb
    passive: bool
    infinitive: bool


def _verb_groups(doc: _Doc, lo: int, hi: int) -> list[_VerbGroup]:
    """Finite verb groups ("has already confirmed", "will follow") and to-infinitives within [lo, hi)."""
    groups, k = [], lo
    while k < hi:
        tag = doc.tags[k]
        infinitive = doc.lower[k] == "to" and k + 1 < hi and doc.tags[k + 1] == "VB"
        if tag in _FINITE or infinitive:
            j = k + 1
            while j < hi and (is_verb_tag(doc.tags[j]) or doc.tags[j] in ("RB", "TO") and j + 1 < hi
                              and (is_verb_tag(doc.tags[j + 1]) or doc.tags[j + 1] == "RB")
                              and doc.lower[j] != "to" or doc.lower[j] in ("not", "n't")):
                j += 1
            verbs = [x for x in range(k, j) if is_verb_tag(doc.tags[x]) or doc.lower[x] == "to"]
            head = max(x for x in verbs if doc.lower[x] != "to")
            words = {doc.lower[x] for x in range(k, head)}
            passive = doc.tags[head] == "VBN" and bool(words & (_BE | {"get", "got"}))
            groups.append(_VerbGroup(k, j, head, passive, infinitive))
            k = j
        else:
            k += 1
    return groups


def find_actions(mentions: pd.DataFrame, tokens: pd.DataFrame, documents: pd.DataFrame | None = None
                 ) -> pd.DataFrame:
    """The ``actions`` table: what each actor does when it is the grammatical subject of a verb.

    Subjects are actor mentions (names, metonyms, groups, resolved pronouns) right before a finite verb
    group, or before a relative clause or apposition ("Turkey, which ..., has confirmed"); verbs joined by
    "and" share the subject ("Erdogan spoke with Putin and welcomed ..."); a to-infinitive takes the object
    of the verb before it as its subject when there is one ("Trump urged Ukraine to accept": Ukraine
    accepts), else the same subject ("Zelensky agreed to meet Putin"). The target is the first actor
    mention after the verb within the clause, not a place. Passive verbs are skipped (their subject is
    not the agent).

    Parameters
    ----------
    mentions
        The ``mentions`` table.
    tokens
        The ``tokens`` table.
    documents
        The ``documents`` table, for the evidence text; when omitted the evidence is rebuilt from tokens.

    Returns
    -------
    pandas.DataFrame
        Columns of ``schema.TABLES["actions"]``.

    Examples
    --------
    >>> import newsframe
    >>> a = newsframe.analyze("Trump urged Ukraine to accept the offer.")
    >>> a.actions[["actor_id", "lemma", "target_id"]].values.tolist()
    [['trump', 'urge', 'ukraine'], ['ukraine', 'accept', '']]
    """
    if mentions.empty or tokens.empty:
        return schema.empty("actions")
    tags = pos_tags(tokens)
    texts = dict(zip(documents["doc_id"], documents["text"])) if documents is not None else {}
    by_doc: dict[str, list[dict]] = {}  # each document's mentions in table order, grouped once
    for r in records(mentions):
        by_doc.setdefault(r["doc_id"], []).append(r)
    rows: list[dict] = []
    for doc_id, *columns in _doc_tokens(tokens, tags):
        text = texts.get(doc_id)
        if text is None:  # rebuild a text with the right offsets from the tokens
            words, starts, ends = columns[0], columns[1], columns[2]
            chars = [" "] * int(max(ends))
            for s, w in zip(starts, words):
                chars[s:s + len(w)] = list(w)
            text = "".join(chars)
        doc = _Doc(text, *columns)
        rows.extend(_actions_for_doc(doc_id, doc, by_doc.get(doc_id, [])))
    if not rows:
        return schema.empty("actions")
    return schema.conform(pd.DataFrame(rows), "actions")


def _actions_for_doc(doc_id: str, doc: _Doc, ms: list[dict]) -> list[dict]:
    tok_at = {s: k for k, s in enumerate(doc.start)}
    tok_end = {e: k for k, e in enumerate(doc.end)}
    spans = []  # (i, j, row) for every mention that can act or be acted on
    modifier_tokens: set[int] = set()
    for r in ms:
        if r["start"] not in tok_at or r["end"] not in tok_end:
            continue
        if r["function"] == "modifier":
            modifier_tokens.update(range(tok_at[r["start"]], tok_end[r["end"]] + 1))
            continue
        spans.append((tok_at[r["start"]], tok_end[r["end"]] + 1, r))
    ending: dict[int, tuple] = {}
    for sp in spans:  # the widest mention ending at a token (a group over its member states)
        if sp[1] - 1 not in ending or sp[1] - sp[0] > ending[sp[1] - 1][1] - ending[sp[1] - 1][0]:
            ending[sp[1] - 1] = sp
    spans_in: dict[int, list[tuple]] = {}  # by sentence, so each verb looks only at its own sentence
    for sp in sorted(spans, key=lambda sp: sp[0]):
        spans_in.setdefault(doc.sent[sp[0]], []).append(sp)
    located = {x for sp in spans if sp[2]["function"] == "location" for x in range(sp[0], sp[1])}
    rows: list[dict] = []
    last_token = {s: k for k, s in enumerate(doc.sent)}  # each sentence's last token (the first: doc.sent_first)
    for sid in dict.fromkeys(doc.sent):  # sentences in order of appearance
        lo, hi = doc.sent_first[sid], last_token[sid] + 1
        groups = _verb_groups(doc, lo, hi)
        subjects: list[list[tuple]] = []
        for g_no, g in enumerate(groups):
            subj = _subject_of(doc, g, groups[:g_no], subjects, ending, lo, modifier_tokens, located)
            inverted = None
            if not subj and not g.infinitive and verb_lemma(doc.words[g.head]) in _inverting_verbs() \
                    and g.i > lo and doc.words[g.i - 1] in (",", '"', "”", "’", "'"):
                # '"We will not give up," said Zelensky.' / '..., said Kremlin spokesman Dmitry Peskov.'
                x = g.j
                while x < hi and (x in modifier_tokens or doc.lower[x] in _TITLE_WORDS or doc.lower[x] in _ROLE_NOUNS):
                    x += 1
                inverted = next((sp for sp in spans_in.get(sid, ()) if sp[0] == x), None)
                y = inverted[1] if inverted else hi
                if y < hi and (doc.lower[y] in _ROLE_NOUNS or doc.lower[y] in _TITLE_WORDS):
                    # "said Kremlin spokesman Dmitry Peskov": the name before the office is attributive
                    while y < hi and (doc.lower[y] in _ROLE_NOUNS or doc.lower[y] in _TITLE_WORDS):
                        y += 1
                    inverted = next((sp for sp in spans_in.get(sid, ()) if sp[0] == y), inverted)
                if inverted:
                    subj = [inverted]
            subjects.append(subj)
            if not subj or g.passive or verb_lemma(doc.words[g.head]) == "be":
                continue  # a passive subject is not the agent; "is"/"was" alone is a state, not an action
            nxt = groups[g_no + 1].i if g_no + 1 < len(groups) else hi
            stop = next((x for x in range(g.j, nxt) if doc.words[x] in _CLAUSE_END or doc.words[x] == ","
                         and x + 1 < hi and doc.tags[x + 1] in ("VBG", "WDT", "WP", "IN", "WRB")), nxt)
            subj_ids = {s[2]["actor_id"] for s in subj}
            finite_starts = {x.i for x in groups if not x.infinitive}
            target = next((sp for sp in spans_in.get(sid, ()) if g.head < sp[0] < stop
                           and (inverted is None or sp[0] >= inverted[1])
                           and sp[2]["function"] != "location"
                           and sp[2]["actor_id"] not in subj_ids
                           and not _leads_into(doc, sp[1], finite_starts)
                           and sp[2]["actor_type"] in ("person", "state", "organisation", "group", "unknown")),
                          None)
            for s in subj:
                first = min(s[0], g.i)
                last = max(g.j, target[1] if target else g.j)
                rows.append({
                    "doc_id": doc_id, "sentence_id": sid, "mention_id": int(s[2]["mention_id"]),
                    "actor_id": s[2]["actor_id"], "actor_name": s[2]["actor_name"],
                    "verb": doc.text[doc.start[g.i]:doc.end[g.j - 1]] if not g.infinitive
                    else doc.text[doc.start[g.head]:doc.end[g.head]],
                    "lemma": verb_lemma(doc.words[g.head]),
                    "verb_start": doc.start[g.i + (1 if g.infinitive else 0)], "verb_end": doc.end[g.j - 1],
                    "target_id": target[2]["actor_id"] if target else "",
                    "target_name": target[2]["actor_name"] if target else "",
                    "evidence": doc.text[doc.start[first]:doc.end[last - 1]],
                })
    return rows


def _leads_into(doc: _Doc, k: int, finite_starts: set[int]) -> bool:
    """A finite verb group starts at token k (after adverbs): the mention before k is that verb's subject
    ("Peskov said Moscow would respond": Moscow is not what Peskov said something to)."""
    while k < doc.n and doc.tags[k] == "RB":
        k += 1
    return k in finite_starts


def _subject_of(doc: _Doc, g: _VerbGroup, before: list[_VerbGroup], subjects: list[list[tuple]],
                ending: dict[int, tuple], lo: int, modifier_tokens: set[int], located: set[int]) -> list[tuple]:
    """The actor mention(s) acting as subject of verb group g, or [] (e.g. "The decision follows")."""
    k = g.i - 1
    while k >= lo and doc.tags[k] == "RB":
        k -= 1
    if g.infinitive:
        if not before:
            return []
        prev = before[-1]
        between = [ending[x] for x in range(prev.j, g.i) if x in ending and ending[x][2]["function"] != "location"]
        if between and g.i - prev.j <= 8:
            # Object control: "urged Ukraine to accept", "called on Russia and Ukraine to respect".
            return _coordinated_before(doc, ending, prev.j, modifier_tokens, between[-1])
        if any(doc.tags[x].startswith(("NN", "PRP")) and x not in located for x in range(prev.j, g.i)):
            return []  # "urged allies to keep": the one who acts is not an actor we know
        if g.i - prev.j <= 8 and subjects[-1]:
            return subjects[-1]  # "agreed to meet", "gathered in Kyiv to present"
        return []
    if k >= lo and doc.lower[k] in ("and", "but", "or", "then") and before:
        return subjects[-1]  # a verb right after "and" has no subject of its own: "spoke ... and welcomed"
    if k >= lo and doc.lower[k] in _RELATIVE and k - 1 >= lo and doc.words[k - 1] == "," and k - 2 in ending:
        return [ending[k - 2]]  # "Turkey, which has played ..."
    if k >= lo and doc.words[k] == ",":
        # "Turkey, which has played a role since the war began, has already confirmed": find "X," that
        # opens the clause.
        for x in range(k - 1, lo - 1, -1):
            if x in ending and x + 1 < doc.n and doc.words[x + 1] == "," and x + 1 <= k \
                    and ending[x][2]["function"] != "location":
                m = ending[x]
                before_m = m[0] - 1
                while before_m >= lo and (doc.lower[before_m] in _TITLE_WORDS or before_m in modifier_tokens
                                          or doc.words[before_m] == "."):
                    before_m -= 1  # "Ms Kallas, the EU's top diplomat, agreed"
                if before_m < lo or doc.words[before_m] in (",",) or doc.tags[before_m] in ("IN", "CC"):
                    return [m]
                if doc.lower[before_m] in ("the", "a", "an") and before_m - 1 >= lo and doc.words[before_m - 1] == ",":
                    continue  # an apposition ("Kallas, the EU's top diplomat,"): its head is further left
                break
        return []
    if k in ending:
        b = ending[k][0] - 1
        if (b - 1 >= lo and doc.lower[b] in ("in", "of", "from") and b - 1 in ending
                and ending[b - 1][2]["function"] != "location"):
            # the place or body an actor's phrase names: "Hamas in Gaza fired", "Residents of Vesk fled"
            return _coordinated_before(doc, ending, lo, modifier_tokens, ending[b - 1])
        if b - 1 >= lo and doc.lower[b] in ("in", "at", "near") and doc.tags[b - 1].startswith("NN"):
            return []  # where a thing is: "an airstrike on a monastery in Sagaing killed" (Sagaing did not)
        return _coordinated_before(doc, ending, lo, modifier_tokens, ending[k])
    return []


def _coordinated_before(doc: _Doc, ending: dict[int, tuple], lo: int, modifier_tokens: set[int],
                        last: tuple) -> list[tuple]:
    """``last`` and the actors coordinated before it: "Putin and Zelensky", "Emmanuel Macron and British
    Prime Minister Keir Starmer", "France, Germany and Poland" (the link next to ``last`` must be "and")."""
    out = [last]

    def skip_titles(x: int) -> int:
        while x >= lo and (x in modifier_tokens or doc.lower[x] in _TITLE_WORDS or doc.lower[x] in _ROLE_NOUNS):
            x -= 1
        return x

    x = skip_titles(last[0] - 1)
    link = ("and", "&")
    while x >= lo and doc.lower[x] in link and x - 1 in ending and ending[x - 1][2]["function"] != "location":
        out.insert(0, ending[x - 1])
        x = skip_titles(ending[x - 1][0] - 1)
        link = (",",)
    return out
