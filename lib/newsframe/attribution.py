"""Attribution: who says, urges, proposes, welcomes or rejects what, and to whom.

:func:`find_attributions` reads speech-act cues (reporting verbs and nouns from ``data/speech_verbs.csv``)
and finds for each one

* the **speaker**: the actor mention that is the grammatical subject of the cue verb. The subject is read
  leftwards from the verb over auxiliaries and adverbs, skipping comma-enclosed relative clauses and
  appositions; coordinated verbs share the first verb's subject ("spoke with Putin and welcomed"); a
  participle after a comma takes the main clause's subject (", insisting that"); quotes allow the inverted
  order ('"...," said Peskov'); passives take the ``by`` phrase; "according to X" names X. Noun cues take a
  possessor ("Trump's push"), a ``from``/``by`` phrase ("a call from Western nations") or the subject of a
  light verb ("Trump made an appeal"). Speakers come from the ``mentions`` table, so references already
  resolved there ("Moscow" -> Russia, "They" -> the European leaders) are used as resolved.
* the **addressee**: the object of urge/tell/ask/press, the ``to``/``with``/``on`` phrase of appeal/speak/
  call on, the ``for X to`` subject, the target of an expressive or rejection ("praised Zelensky", "dismissed
  a call from X"), or the subject of a receiving verb ("X risks criticism from Y").
* the **content**: the quotation, that-clause, to-infinitive or object after the cue, up to the clause end.

Cues that are not acts the article reports are skipped: infinitives ("urged Ukraine to accept"), gerunds
used as nouns, adjectival participles ("the proposed talks"), negated cues ("has not agreed"), possibilities
("could reject"), cues in ``if``/``unless``/``whether`` clauses, and cues without an actor speaker ("Officials
said", "that demand"). Verbs that often mean something else count only with their complement (the lexicon's
``requires``: "added that", not "added troops"), and verdict verbs only with an object and a second phrase
("called the plan a provocation", not "called Putin on Tuesday").

The parts of speech come from :func:`newsframe.grammar.pos_tags`; no parser or downloaded model is needed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import config, schema
from .errors import NewsframeError
from .words import AUX_FORMS, BE_FORMS, FINITE_TAGS

__all__ = ["VERB_CLASSES", "load_speech_verbs", "find_attributions"]

VERB_CLASSES = ("assertive", "directive", "commissive", "expressive", "rejection")
_POS_KINDS = ("verb", "noun", "support", "receive")
_ADDRESSEE_KINDS = {"", "object", "target", "to", "with", "on"}
_REQUIRES = ("", "clause", "to")

# Closed word classes the rules need; they are grammar, not lexicon, so they live in code.
_BE = BE_FORMS
_AUX = AUX_FORMS
_NEG = frozenset({"not", "n't", "never"})
_CONJ = frozenset({"and", "but", "or"})
_RELATIVE = frozenset({"which", "who", "whom", "whose", "where", "when"})
_HYPOTHETICAL = frozenset({"if", "unless", "whether"})
# Words tagged IN that open a clause rather than a prepositional phrase ("after Moscow dismissed ...").
_SUBORDINATORS = _HYPOTHETICAL | frozenset({
    "that", "after", "before", "since", "because", "as", "while", "although", "though", "once", "until", "when",
    "whereas", "so",
})
# After a comma these open a new clause, so the content of a cue ends before them.
_CLAUSE_OPENERS = frozenset({
    "after", "before", "while", "although", "though", "but", "as", "since", "when", "whereas", "which", "who",
    "where", "because", "unless", "if", "according", "yet", "so",
})
# Time phrases that may stand between a subject and its verb in news style ("Putin on Monday said").
_TIME_PREPS = frozenset({"on", "in", "at", "during", "over", "earlier", "late", "early"})
_TIME_WORDS = frozenset({"last", "this", "earlier", "late", "on", "yesterday", "today"})
_NP_TAGS = frozenset({"DT", "PDT", "JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "CD", "PRP$", "POS", "PRP"})
_FINITE_TAGS = FINITE_TAGS
_OPEN_QUOTES = frozenset({"“", "«", "‘", '"'})
_CLOSE_QUOTES = frozenset({"”", "»", "’", '"'})
_END_PUNCT = frozenset({".", "!", "?", ",", ";", ":", "—", "–", "-"})
# Only these noun-cue words are ambiguous enough to need a complement ("a phone call" is not a demand).
_NEEDS_COMPLEMENT = {"call": frozenset({"for", "on", "upon", "to", "from", "by"})}
# Particles that turn a reporting verb into another verb ("back down", "press ahead", "add up").
_PARTICLES = frozenset({"down", "off", "ahead", "away", "forward", "back"})
# Verbs that report a verdict only with an object and a second phrase ("called the plan a provocation").
_LABELLING = frozenset({"call", "brand", "describe", "label", "dub"})


@dataclass
class _Lexicon:
    verbs: dict[str, list[tuple[tuple[str, ...], str, str, str]]] = field(default_factory=dict)
    nouns: dict[str, tuple[str, str]] = field(default_factory=dict)
    support: frozenset[str] = frozenset()
    receive: frozenset[str] = frozenset()


@lru_cache(maxsize=8)
def load_speech_verbs(path: str | Path | None = None) -> pd.DataFrame:
    """The speech-act cue lexicon (``data/speech_verbs.csv`` unless ``path`` is given).

    Parameters
    ----------
    path
        A CSV with columns ``lemma`` (one or more words: "call on"), ``pos`` (``verb``, ``noun``,
        ``support`` for light verbs such as "make" in "made an appeal", ``receive`` for verbs such as "face"
        in "faces criticism from"), ``verb_class`` (one of :data:`VERB_CLASSES`; empty for support and
        receive rows), ``addressee`` (where the hearer or target stands: ``object``, ``target``, ``to``,
        ``with``, ``on`` or empty; several joined with ``|``), optionally ``requires`` (``clause``: only a
        cue with a that-clause, a clause or a quotation, as "added that ..." but not "added troops"; ``to``:
        only with a to- or for-phrase after the object, as "pressed Kyiv to ..." but not "pressed ahead")
        and ``note``.

    Returns
    -------
    pandas.DataFrame
        The rows, lemmas lower-cased and stripped.

    Raises
    ------
    NewsframeError
        A missing file, missing columns or an unknown ``pos``/``verb_class``/``addressee`` value.
    """
    path = Path(path) if path is not None else config.SPEECH_VERBS_PATH
    if not path.is_file():
        raise NewsframeError(f"{path}: no such speech-verb lexicon")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("lemma", "pos", "verb_class", "addressee") if c not in frame.columns]
    if missing:
        raise NewsframeError(f"{path}: speech-verb lexicon lacks column(s) {', '.join(missing)}")
    if "requires" not in frame.columns:
        frame["requires"] = ""
    frame = frame.assign(lemma=frame["lemma"].str.strip().str.lower(), pos=frame["pos"].str.strip(),
                         verb_class=frame["verb_class"].str.strip(), addressee=frame["addressee"].str.strip(),
                         requires=frame["requires"].str.strip())
    frame = frame[frame["lemma"] != ""].reset_index(drop=True)
    for row in frame.itertuples(index=False):
        if row.pos not in _POS_KINDS:
            raise NewsframeError(f"{path}: {row.lemma!r} has pos {row.pos!r}; use one of {', '.join(_POS_KINDS)}")
        if row.pos in ("verb", "noun") and row.verb_class not in VERB_CLASSES:
            raise NewsframeError(f"{path}: {row.lemma!r} has verb_class {row.verb_class!r}; "
                                 f"use one of {', '.join(VERB_CLASSES)}")
        if row.requires not in _REQUIRES:
            raise NewsframeError(f"{path}: {row.lemma!r} has requires {row.requires!r}; "
                                 "use clause, to or leave it empty")
        bad = set(row.addressee.split("|")) - _ADDRESSEE_KINDS
        if bad:
            raise NewsframeError(f"{path}: {row.lemma!r} has addressee {row.addressee!r}; "
                                 f"use {', '.join(sorted(_ADDRESSEE_KINDS - {''}))} or leave it empty")
    return frame


@lru_cache(maxsize=8)
def _lexicon(path: str | Path | None) -> _Lexicon:
    frame = load_speech_verbs(path)
    lex = _Lexicon()
    for row in frame.itertuples(index=False):
        words = tuple(row.lemma.split())
        if row.pos == "verb":
            lex.verbs.setdefault(words[0], []).append((words[1:], row.verb_class, row.addressee, row.requires))
        elif row.pos == "noun":
            lex.nouns[row.lemma] = (row.verb_class, row.addressee)
    for entries in lex.verbs.values():
        entries.sort(key=lambda e: -len(e[0]))  # longest phrase first: "push back" before "push"
    lex.support = frozenset(frame.loc[frame["pos"] == "support", "lemma"])
    lex.receive = frozenset(frame.loc[frame["pos"] == "receive", "lemma"])
    return lex


# -- one sentence as the rules see it ---------------------------------------------------------------------
@dataclass
class _Tok:
    start: int
    end: int
    text: str
    lower: str
    tag: str
    lemma: str


@dataclass
class _Sent:
    doc_id: str
    sentence_id: int
    start: int
    text: str
    toks: list[_Tok]
    ment: list[dict | None]  # the outermost mention covering each token
    quotes: list[tuple[int, int]]  # token index ranges [open, close] of quotations (marks included)
    carry: int | None = None  # offset where a quotation still open from an earlier sentence began
    doc_text: str | None = None

    def span_text(self, cs: int, ce: int) -> str:
        if self.doc_text is not None:
            return self.doc_text[cs:ce]
        return self.text[cs - self.start: ce - self.start]


@dataclass
class _Found:
    """The speaker side of one cue: who, by which rule, and where the subject phrase starts."""
    mentions: list[dict]
    rule: str
    subj_start: int


def _quote_spans(toks: list[_Tok]) -> list[tuple[int, int]]:
    """Token index ranges of quotations: double quotes (curly, straight, guillemets) and the single curly
    quotes British outlets use (a lone "’" token closes them; "don’t" and "’s" are one token each)."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    single = False
    for i, t in enumerate(toks):
        if open_at is None and (t.text in ("“", "«", "‘") or t.text == '"'):
            open_at, single = i, t.text == "‘"
        elif t.text in ("”", "»") or (t.text == '"' and open_at is not None) or (t.text == "’" and (single or (
                # with no "‘" before it, a lone "’" closes a quotation only after punctuation (",’ he said");
                # after a word it is a plural possessive ("the leaders’ summit")
                open_at is None and i > 0 and toks[i - 1].text in (",", ".", "!", "?")))):
            # A closing mark with no opening in this sentence: the quotation began in an earlier sentence.
            spans.append((open_at if open_at is not None else -1, i))
            open_at, single = None, False
    if open_at is not None:
        spans.append((open_at, len(toks)))  # runs on into the next sentence
    return spans


def _sentences(sentences: pd.DataFrame, tokens: pd.DataFrame, mentions: pd.DataFrame,
               texts: dict[str, str] | None = None) -> list[_Sent]:
    from .actors import records
    from .grammar import pos_tags, verb_lemma

    tags = pos_tags(tokens).tolist()
    # Plain Python lists grouped once: per-group pandas access costs more than the rules themselves.
    tok_groups: dict[tuple, list[_Tok]] = {}
    # (.tolist(): iterating a pandas string column element by element is over ten times slower)
    cols = (tokens[c].tolist() for c in ("doc_id", "sentence_id", "start", "end", "text", "lower"))
    for d, sid, st, en, tx, lo, tg in zip(*cols, tags):
        tok_groups.setdefault((d, int(sid)), []).append(
            _Tok(int(st), int(en), tx, lo, tg, verb_lemma(lo) if tg.startswith("VB") else lo))
    men_groups: dict[tuple, list[dict]] = {}
    for m in records(mentions):
        men_groups.setdefault((m["doc_id"], int(m["sentence_id"])), []).append(m)
    out = []
    carry: int | None = None
    last_par = None
    for doc_id, sid, pid, start, text in zip(*(sentences[c].tolist() for c in
                                               ("doc_id", "sentence_id", "paragraph_id", "start", "text"))):
        key = (doc_id, int(sid))
        if (doc_id, pid) != last_par:
            carry, last_par = None, (doc_id, pid)  # a quotation reopens in each paragraph it spans
        toks = tok_groups.get(key)
        if not toks:
            continue
        ment: list[dict | None] = [None] * len(toks)
        for m in sorted(men_groups.get(key, []), key=lambda m: -(int(m["end"]) - int(m["start"]))):
            ms, me = int(m["start"]), int(m["end"])  # outermost mentions claim their tokens first
            for i, t in enumerate(toks):
                if ment[i] is None and t.start < me and t.end > ms:
                    ment[i] = m
        quotes = _quote_spans(toks)
        doc_text = texts.get(doc_id) if texts else None
        out.append(_Sent(doc_id, int(sid), int(start), text, toks, ment, quotes,
                         carry if doc_text is not None else None, doc_text))
        if quotes and quotes[-1][1] == len(toks):  # still open at the end of the sentence
            a = quotes[-1][0]
            if a >= 0:
                carry = toks[a + 1].start if a + 1 < len(toks) else None
        elif quotes:
            carry = None
    return out


# -- small token predicates ---------------------------------------------------------------------------------
def _m_first(s: _Sent, i: int) -> int:
    """Index of the first token of the mention at token ``i``."""
    m = s.ment[i]
    while i > 0 and s.ment[i - 1] is m:
        i -= 1
    return i


def _m_last(s: _Sent, i: int) -> int:
    m = s.ment[i]
    while i + 1 < len(s.toks) and s.ment[i + 1] is m:
        i += 1
    return i


def _is_finite(s: _Sent, i: int) -> bool:
    t = s.toks[i]
    if t.tag in _FINITE_TAGS:
        return True
    if t.tag in ("VBN", "VB", "VBG"):
        j = i - 1
        while j >= 0 and (s.toks[j].tag.startswith("RB") or s.toks[j].lower in _NEG):
            j -= 1
        return j >= 0 and (s.toks[j].lower in _AUX or s.toks[j].tag == "MD")
    return False


def _in_quote(s: _Sent, i: int) -> bool:
    return any(a < i < b for a, b in s.quotes)


def _skip_aux_left(s: _Sent, j: int) -> tuple[int, bool]:
    """Move left over auxiliaries, modals, negation and adverbs; report whether a form of *be* was passed."""
    saw_be = False
    while j >= 0:
        t = s.toks[j]
        if t.lower in _BE:
            saw_be = True
        elif not (t.lower in _AUX or t.tag == "MD" or t.tag.startswith("RB") or t.lower in _NEG):
            break
        j -= 1
    return j, saw_be


def _parenthetical_before(s: _Sent, j: int) -> int | None:
    """If token ``j`` is the comma closing a relative clause (", who had promised aid,"), the index of its
    opening comma; else None."""
    if j < 1 or s.toks[j].lower != ",":
        return None
    k = j - 1
    while k >= 0 and s.toks[k].lower != "," and s.toks[k].text not in _OPEN_QUOTES | _CLOSE_QUOTES:
        k -= 1
    if k >= 1 and s.toks[k].lower == "," and k + 1 < j and s.toks[k + 1].lower in _RELATIVE:
        return k
    return None


def _prev_verb(s: _Sent, j: int) -> int | None:
    """The nearest finite verb at or left of ``j`` in the same clause (for coordinated verbs)."""
    while j >= 0:
        opening = _parenthetical_before(s, j)
        if opening is not None:
            j = opening - 1  # "thanked Macron, who had promised aid, and urged": skip the relative clause
            continue
        t = s.toks[j]
        if t.lower in ("that", ":", ";") or t.text in _OPEN_QUOTES | _CLOSE_QUOTES or t.lower in _HYPOTHETICAL:
            return None
        if t.tag.startswith("VB") or t.tag == "MD":
            if _is_finite(s, j):
                return j
        j -= 1
    return None


def _main_verb(s: _Sent, before: int) -> int | None:
    """The first finite verb before ``before`` that is not inside a subordinate or relative clause."""
    for v in range(before):
        if not (s.toks[v].tag.startswith("VB") or s.toks[v].tag == "MD") or not _is_finite(s, v) or _in_quote(s, v):
            continue
        b = v - 1
        subordinate = False
        while b >= 0 and s.toks[b].lower != ",":
            if s.toks[b].lower in _SUBORDINATORS or s.toks[b].lower in _RELATIVE or (
                    s.toks[b].tag.startswith("VB") and _is_finite(s, b) and s.toks[b].lower not in _AUX):
                subordinate = True  # after "that"/"which"/"if", or the complement of an earlier verb
                break
            b -= 1
        if not subordinate:
            return v
    return _prev_verb(s, before - 1)


def _next_verb(s: _Sent, j: int) -> int | None:
    while j < len(s.toks):
        if (s.toks[j].tag.startswith("VB") or s.toks[j].tag == "MD") and _is_finite(s, j):
            return j
        j += 1
    return None


def _np_mentions_right(s: _Sent, k: int) -> tuple[list[int], int]:
    """Mentions (as token indices) in the noun phrase starting at ``k``; also the index after the phrase.

    Coordinated mentions ("France and Germany") are all returned; a phrase stops at a verb, clause
    punctuation or a preposition.
    """
    found: list[int] = []
    n = len(s.toks)
    while k < n:
        t = s.toks[k]
        if s.ment[k] is not None:
            found.append(k)
            k = _m_last(s, k) + 1
            continue
        if t.tag in _NP_TAGS or t.tag == "HYPH" or (t.lower in ("and", ",") and found and _list_goes_on(s, k + 1)):
            k += 1
            continue
        break
    return found, k


def _list_goes_on(s: _Sent, k: int) -> bool:
    """True when a list of actors continues at ``k`` ("..., Germany and the UK")."""
    while k < len(s.toks) and s.toks[k].lower in ("and", "or", "the", ","):
        k += 1
    return k < len(s.toks) and s.ment[k] is not None


# -- speakers -----------------------------------------------------------------------------------------------
def _subject(s: _Sent, v: int, depth: int = 0) -> _Found | None:
    """The actor(s) that are the subject of the verb at ``v`` (None when it is not an actor)."""
    if depth > 6:
        return None
    j, _ = _skip_aux_left(s, v - 1)
    return _subject_at(s, j, depth)


def _subject_at(s: _Sent, j: int, depth: int) -> _Found | None:
    if j < 0:
        return None
    t = s.toks[j]
    if t.lower == ",":
        k = j - 1
        while k >= 0 and s.toks[k].lower != "," and s.toks[k].text not in _OPEN_QUOTES | _CLOSE_QUOTES:
            k -= 1
        seg = range(k + 1, j)
        if k >= 1 and len(seg) and s.toks[k].lower == ",":
            first = s.toks[seg.start]
            verbs_in = any(_is_finite(s, x) for x in seg)
            reduced = first.tag == "VBD" and s.ment[k - 1] is not None  # "Peskov, asked about it, blamed Kyiv"
            if first.lower in _RELATIVE or first.tag in ("VBG", "VBN") or not verbs_in or reduced:
                # A relative clause, participle phrase or apposition between commas: the subject is before it
                # ("Turkey, which has played a role, has confirmed"), unless only the apposition names an
                # actor ("The Kremlin's spokesman, Dmitry Peskov, said").
                before = _subject_at(s, k - 1, depth + 1)
                if before is not None and before.rule == "subject":
                    return before
                if not verbs_in and first.lower not in _RELATIVE:
                    inside = _subject_at(s, j - 1, depth + 1)
                    if inside is not None:
                        return inside
                if before is not None:
                    return before
        prev = _prev_verb(s, j - 1)
        if prev is not None and not _in_quote(s, prev):
            found = _subject(s, prev, depth + 1)
            return _Found(found.mentions, "coordination", found.subj_start) if found else None
        return None
    if t.lower in ("who", "which") and j >= 2 and s.toks[j - 1].lower == "," and s.ment[j - 2] is not None:
        # The subject of a relative clause is its antecedent: "Macron, who had promised aid".
        found = _subject_at(s, j - 2, depth + 1)
        if found is not None:
            return _Found(found.mentions, "relative", found.subj_start)
        return _Found([s.ment[j - 2]], "relative", _m_first(s, j - 2))
    if t.lower in _CONJ:
        opening = _parenthetical_before(s, j - 1)
        prev = _prev_verb(s, j - 1 if opening is None else opening - 1)
        if prev is not None:
            found = _subject(s, prev, depth + 1)
            return _Found(found.mentions, "coordination", found.subj_start) if found else None
        return None
    if s.ment[j] is not None:
        heads = [j]
        k = _m_first(s, j) - 1
        # Coordinated subjects: "Macron and Scholz said", "France, Germany and Poland urged".
        while k >= 1:
            kk = k
            link = []
            while kk >= 0 and s.toks[kk].lower in ("and", "or", ",", "the"):
                link.append(s.toks[kk].lower)
                kk -= 1
            # A list of subjects ends in "and"/"or" ("France, Germany and Poland"); a lone comma is not one
            # ("In Ankara, Erdogan said").
            if not link or (len(heads) == 1 and not {"and", "or"} & set(link)):
                break
            if kk >= 0 and s.ment[kk] is not None:
                heads.insert(0, kk)
                k = _m_first(s, kk) - 1
            else:
                break
        start = _m_first(s, heads[0])
        b = start - 1
        while b >= 0 and s.toks[b].tag in ("DT", "PDT"):
            b -= 1
        if b >= 0 and s.toks[b].tag == "IN" and s.toks[b].lower not in _SUBORDINATORS:
            # "Leaders from France and the UK said": the actors are a complement of a noun that is not
            # itself an actor; they are the closest actors we have.
            h = b - 1
            if h >= 0 and s.toks[h].tag.startswith("NN") and s.ment[h] is None:
                hs = h
                while hs - 1 >= 0 and s.toks[hs - 1].tag in _NP_TAGS and s.ment[hs - 1] is None:
                    hs -= 1
                return _Found([s.ment[x] for x in heads], "complement", hs)
            return None
        return _Found([s.ment[x] for x in heads], "subject", start)
    if t.tag.startswith("NN") or t.tag == "CD":
        # A time phrase between subject and verb: "Zelensky on Tuesday urged", "Moscow last week denied".
        b = j
        while b >= 0 and j - b < 4 and s.ment[b] is None and (s.toks[b].tag in _NP_TAGS - {"PRP", "POS"}):
            b -= 1
        if b >= 1 and j - b <= 4 and (s.toks[b].lower in _TIME_PREPS or s.toks[b + 1].lower in _TIME_WORDS) and (
                s.ment[b - 1] is not None or s.toks[b].lower in _TIME_WORDS and s.ment[b] is not None):
            inner = _subject_at(s, b - 1 if s.toks[b].lower in _TIME_PREPS else b, depth + 1)
            if inner is not None:
                return inner
    if t.tag.startswith("NN") or t.tag in ("JJ", "CD"):
        # The subject's head is not an actor ("Russia's foreign ministry said", "Russian officials said"):
        # fall back on an actor inside its noun phrase (possessor, modifier or "of" complement).
        k = j
        found: list[int] = []
        while k >= 0 and (s.toks[k].tag in _NP_TAGS or s.toks[k].tag == "HYPH" or s.ment[k] is not None
                          or s.toks[k].lower in ("of", "for")):
            if s.ment[k] is not None:
                found.append(k)
                k = _m_first(s, k)
            k -= 1
        if found:
            nearest = found[0]
            rule = "possessor" if nearest + 1 < len(s.toks) and (
                s.toks[_m_last(s, nearest) + 1].tag == "POS" or s.toks[nearest].tag == "PRP$") else "modifier"
            return _Found([s.ment[nearest]], rule, k + 1)
    return None


def _inverted(s: _Sent, v_end: int) -> _Found | None:
    """'"...," said Kremlin spokesman Dmitry Peskov': the speaker follows the verb."""
    found, _k = _np_mentions_right(s, v_end + 1)
    if not found:
        return None
    return _Found([s.ment[found[-1]]], "inversion", found[-1])


def _by_agent(s: _Sent, v_end: int) -> tuple[_Found | None, int]:
    """The ``by`` phrase of a passive cue ("was urged by Trump"), looked for a few tokens on."""
    k = v_end + 1
    limit = min(len(s.toks), k + 6)
    while k < limit:
        t = s.toks[k]
        if t.lower == "by":
            found, end = _np_mentions_right(s, k + 1)
            if found:
                return _Found([s.ment[x] for x in found], "passive", found[0]), end
            return None, k
        if t.tag.startswith("VB") or t.lower in (";", ":") or t.text in _OPEN_QUOTES:
            break
        k += 1
    return None, v_end + 1


# -- content and addressee ----------------------------------------------------------------------------------
def _clause_end(s: _Sent, k: int, *, stop_at_conj_verb: bool = True, that_clause: bool = False) -> int:
    """Index after the last token of the clause that starts at ``k``."""
    n = len(s.toks)
    i = k
    while i < n:
        t = s.toks[i]
        if t.lower in (";", ":") and i > k:
            break
        if t.text in _CLOSE_QUOTES and any(b == i and a < k for a, b in s.quotes):
            break  # a quotation that ends here began before the content did
        if t.lower == "," and i + 1 < n:
            nxt = s.toks[i + 1]
            if nxt.tag == "VBG" or nxt.tag in ("WDT", "WP", "WRB") or nxt.lower in _CLAUSE_OPENERS \
                    or nxt.text in _CLOSE_QUOTES or nxt.lower in ("a", "an"):
                break
            if s.ment[i + 1] is not None:
                after = _m_last(s, i + 1) + 1
                after, _ = _skip_aux_right(s, after)
                if after < n and s.toks[after].tag.startswith("VB") and s.toks[after].tag != "VBG":
                    break  # ", Peskov said": a new clause with its own subject
        if not that_clause and t.lower in _SUBORDINATORS - {"that", "so", "as", "if", "whether"} and i > k and not any(
                _is_finite(s, x) for x in range(k, i) if s.toks[x].tag.startswith("VB") or s.toks[x].tag == "MD"):
            break  # "rejected the plan because ...": an object phrase ends where a subordinate clause begins
        if t.lower == "as" and i > k and i + 1 < n and s.ment[i + 1] is not None:
            after, _ = _skip_aux_right(s, _m_last(s, i + 1) + 1)
            if after < n and (s.toks[after].tag in _FINITE_TAGS or s.toks[after].tag == "NNS"
                              and s.toks[after].lower.endswith("s")):
                break  # "rejects the plan as Kyiv presses allies": "as" opens a clause, not a comparison
        if stop_at_conj_verb and t.lower in _CONJ and i + 1 < n:
            j = i + 1
            while j < n and s.toks[j].tag.startswith("RB"):
                j += 1
            if j < n and s.toks[j].tag in ("VBD", "VBZ", "VBP", "VBN"):
                break  # "... and welcomed ...": the next coordinated act begins
        i += 1
    while i > k and (s.toks[i - 1].lower in _END_PUNCT or s.toks[i - 1].text in _CLOSE_QUOTES | _OPEN_QUOTES):
        i -= 1
    return i


def _skip_aux_right(s: _Sent, k: int) -> tuple[int, bool]:
    saw = False
    while k < len(s.toks) and (s.toks[k].lower in _AUX or s.toks[k].tag == "MD" or s.toks[k].tag.startswith("RB")):
        saw = True
        k += 1
    return k, saw


def _quote_content(s: _Sent, a: int, b: int) -> tuple[int, int] | None:
    """Character span inside the quotation marks at token indices ``a``..``b``."""
    lo = a + 1 if a >= 0 else 0
    hi = b if b < len(s.toks) else len(s.toks)
    while hi > lo and s.toks[hi - 1].lower in (",", ";", ":"):
        hi -= 1
    if hi <= lo:
        return None
    if a < 0 and s.carry is not None:
        return s.carry, s.toks[hi - 1].end  # the quotation began in an earlier sentence of the paragraph
    return s.toks[lo].start, s.toks[hi - 1].end


def _quote_before(s: _Sent, i: int) -> tuple[int, int] | None:
    """A quotation closing right before token ``i`` (only a comma between): '"...," Peskov said'."""
    j = i - 1
    while j >= 0 and s.toks[j].lower in (",", "—", "–"):
        j -= 1
    if j < 0 or s.toks[j].text not in _CLOSE_QUOTES:
        return None
    for a, b in s.quotes:
        if b == j:
            return _quote_content(s, a, b)
    return None


def _np_left_span(s: _Sent, v: int) -> tuple[int, int] | None:
    """Character span of the noun phrase before the auxiliaries of the verb at ``v``."""
    j, _ = _skip_aux_left(s, v - 1)
    if j < 0 or not (s.toks[j].tag in _NP_TAGS or s.ment[j] is not None):
        return None
    b = j
    while b - 1 >= 0 and (s.toks[b - 1].tag in _NP_TAGS or s.toks[b - 1].tag == "HYPH" or s.ment[b - 1] is not None):
        b -= 1
    return s.toks[b].start, s.toks[j].end


def _clause_before(s: _Sent, i: int) -> tuple[int, int] | None:
    """'The talks will continue, Peskov said.': the clause before the comma that precedes token ``i``."""
    j = i - 1
    if j < 1 or s.toks[j].lower != ",":
        return None
    if not any(_is_finite(s, x) for x in range(j) if s.toks[x].tag.startswith("VB") or s.toks[x].tag == "MD"):
        return None
    lo = 0
    while lo < j and (s.toks[lo].text in _OPEN_QUOTES or s.toks[lo].lower in _CONJ):
        lo += 1
    return (s.toks[lo].start, s.toks[j - 1].end) if lo < j else None


def _content_after(s: _Sent, k: int, verb_class: str, *, stop_at_comma: bool = False, phrase_only: bool = False
                   ) -> tuple[tuple[int, int] | None, str]:
    """Content span (character offsets) starting at token ``k``, and the mode (direct/indirect)."""
    n = len(s.toks)
    if k >= n:
        return None, "indirect"
    # Skip a short noun or prepositional phrase before "that", ":" or a quotation
    # ("told reporters that", "said in a statement on Monday that").
    j = k
    while j < n and j - k <= 8 and (s.toks[j].tag in _NP_TAGS or s.toks[j].tag == "IN" and s.toks[j].lower
                                    != "that" or s.ment[j] is not None):
        j += 1
    if j < n and (s.toks[j].lower in ("that", ":") or s.toks[j].text in _OPEN_QUOTES
                  or verb_class == "directive" and s.toks[j].lower == "to"):
        k = j  # "urged Congress to approve": the content is what the hearer is asked to do
    t = s.toks[k]
    if t.lower == ":":
        k += 1
    if k < n and s.toks[k].text in _OPEN_QUOTES:
        for a, b in s.quotes:
            if a == k:
                return _quote_content(s, a, b), "direct"
    that_clause = k < n and s.toks[k].lower == "that"
    if that_clause:
        k += 1
    if k >= n:
        return None, "indirect"
    if verb_class == "assertive" and s.toks[k].tag == "IN":
        return None, "indirect"  # "said on Monday." carries no content of its own
    end = _clause_end(s, k, that_clause=that_clause)
    if stop_at_comma:
        end = next((x for x in range(k, end) if s.toks[x].lower == ","), end)
    if phrase_only:
        # The object of a noun cue ends where the sentence's own verb begins ("Kuleba's call for more
        # sanctions was echoed by Tusk").
        end = next((x for x in range(k, end) if s.toks[x].tag in _FINITE_TAGS or s.toks[x].lower in _BE), end)
    if end <= k:
        return None, "indirect"
    direct = any(a <= k and end - 1 <= b for a, b in s.quotes if a >= 0)
    return (s.toks[k].start, s.toks[end - 1].end), "direct" if direct else "indirect"


def _mention_after(s: _Sent, k: int) -> int | None:
    """Token index of an actor mention at ``k`` after optional determiners."""
    while k < len(s.toks) and s.toks[k].tag in ("DT", "PDT"):
        k += 1
    return k if k < len(s.toks) and s.ment[k] is not None else None


def _after_np(s: _Sent, k: int) -> int:
    """Index after the noun phrase that starts at ``k`` (for an object with a possessive: "Ukraine's allies")."""
    while k < len(s.toks) and (s.toks[k].tag in _NP_TAGS - {"PRP"} or s.toks[k].tag == "HYPH"
                               or s.ment[k] is not None):
        k += 1
    return k


def _coordinated(s: _Sent, m: int) -> tuple[list[dict], int]:
    """The mention at ``m`` and those coordinated with it ("Russia and Ukraine"); the index after them."""
    found = [s.ment[m]]
    k = _m_last(s, m) + 1
    while k < len(s.toks) and s.toks[k].lower in ("and", "or", ",") and _list_goes_on(s, k):
        nxt = k
        while s.ment[nxt] is None:
            nxt += 1
        found.append(s.ment[nxt])
        k = _m_last(s, nxt) + 1
    return found, k


def _addressee(s: _Sent, k: int, kinds: str) -> tuple[list[dict], int]:
    """The addressees after a cue (token ``k`` is right after it) and the index where the content may start."""
    n = len(s.toks)
    if k >= n:
        return [], k
    kinds_set = set(kinds.split("|")) if kinds else set()
    # "for X to ...": the subject of the requested act is the one addressed (any class).
    if s.toks[k].lower == "for":
        m = _mention_after(s, k + 1)
        if m is not None:
            found, after = _coordinated(s, m)
            if after < n and s.toks[after].lower == "to":
                return found, after
        if "target" not in kinds_set:
            return [], k + 1
    for prep in ("to", "with", "on"):
        if prep in kinds_set and s.toks[k].lower in ((prep,) if prep != "on" else ("on", "upon")):
            m = _mention_after(s, k + 1)
            if m is not None:
                found, after = _coordinated(s, m)
                return found, _after_np(s, after)
            return [], _after_np(s, k + 1)  # "appealed to both sides to ...": the content comes after
    if "object" in kinds_set:
        m = _mention_after(s, k)
        if m is not None and (s.toks[m].tag == "PRP$" or _m_last(s, m) + 1 < n
                              and s.toks[_m_last(s, m) + 1].tag == "POS"):
            m = None  # "told his counterpart", "urged Ukraine's allies": the hearer is the owned noun
        if m is not None:
            found, after = _coordinated(s, m)
            return found, _after_np(s, after)
    if "target" in kinds_set:
        # The first actor in the object noun phrase, as head, possessor or "from"/"by"/"of" complement:
        # "praised Zelensky", "supported Ukraine's position", "dismissed a call from Western nations".
        j = k
        while j < n and j - k <= 8:
            t = s.toks[j]
            if s.ment[j] is not None:
                last = _m_last(s, j)
                if j == k or all(s.toks[x].tag in ("DT", "PDT") for x in range(k, j)):
                    if not (last + 1 < n and s.toks[last + 1].tag == "POS"):
                        # The target is the object itself ("accused the West of ..."): content follows it.
                        found, after = _coordinated(s, j)
                        if after < n and s.toks[after].lower in ("of", "for", "over"):
                            after += 1
                        return found, after
                return [s.ment[j]], k
            if t.tag in _NP_TAGS - {"PRP"} or t.tag == "HYPH" or t.lower in ("from", "by", "of", "against", "for",
                                                                              "over"):
                j += 1
                continue
            break
    return [], k


def _directive_shift(s: _Sent, k: int) -> bool:
    """True when "to"-infinitive or "against" follows: "told Ukraine to accept", "warned Moscow against"."""
    return k < len(s.toks) and (s.toks[k].lower in ("to", "against") or
                                (s.toks[k].lower == "not" and k + 1 < len(s.toks)
                                 and s.toks[k + 1].lower == "to"))


# -- cue detection ------------------------------------------------------------------------------------------
def _verb_cue(s: _Sent, i: int, lex: _Lexicon) -> tuple[int, str, str] | None:
    """``(last token index, class, addressee kinds, requirement)`` if token ``i`` starts a reporting-verb cue."""
    t = s.toks[i]
    lemma = t.lemma if t.tag.startswith("VB") else None
    if lemma is None:
        # The tagger sometimes reads "Moscow claims that" as a noun: a verb form between an actor and
        # "that"/":"/a quote is a verb.
        follows_clause = i + 1 < len(s.toks) and (s.toks[i + 1].lower in ("that", ":")
                                                   or s.toks[i + 1].text in _OPEN_QUOTES)
        # Headline present tense read as a plural noun: "Kyiv presses allies for ...", "Russia rejects plan".
        headline_verb = (t.tag == "NNS" and i > 0 and s.ment[i - 1] is not None and i + 1 < len(s.toks)
                         and (s.toks[i - 1].tag != "POS") and (s.toks[i + 1].tag in ("DT", "NNP", "NNS", "JJ", "PRP")
                                                             or s.ment[i + 1] is not None))
        follows_clause = follows_clause or headline_verb
        if t.tag.startswith("NN") and follows_clause and i > 0 and (
                s.ment[i - 1] is not None or s.toks[i - 1].lower == "," and t.lower.endswith("ing")):
            from .grammar import verb_lemma
            lemma = verb_lemma(t.lower)
        else:
            return None
    # A silent e the lemmatiser could not restore ("ruled" -> "rul") is tried too.
    for rest, verb_class, addr, req in lex.verbs.get(lemma) or lex.verbs.get(lemma + "e", []):
        words = [x.lower for x in s.toks[i + 1: i + 1 + len(rest)]]
        if not rest and i + 1 < len(s.toks) and s.toks[i + 1].lower in _PARTICLES:
            continue  # "backed down", "pressed ahead": a phrasal verb that is not a speech act
        if tuple(words) == rest:
            if rest == ("to",) and lemma == "according":
                return None  # handled by its own rule
            if not rest and lemma in _LABELLING and not _labels(s, i + 1):
                return None  # "Trump called Putin on Tuesday" is a phone call, not a verdict
            return i + len(rest), verb_class, addr, req
    return None


def _labels(s: _Sent, k: int) -> bool:
    """True when an object and a second phrase follow: "called the plan a provocation", "called it 'a trap'"."""
    n = len(s.toks)
    if k < n and s.ment[k] is not None:
        k = _m_last(s, k) + 1
    elif k < n and s.toks[k].tag == "PRP":
        k += 1
    else:
        # The object: determiner, adjectives, nouns ("the new plan"); the second phrase starts after them.
        if k < n and s.toks[k].tag in ("DT", "PDT", "PRP$"):
            k += 1
        while k < n and s.toks[k].tag in ("JJ", "CD", "HYPH"):
            k += 1
        start = k
        while k < n and (s.toks[k].tag in ("NN", "NNS", "POS") or s.ment[k] is not None
                         or k == start and s.toks[k].tag.startswith("VB") and s.toks[k - 1].tag == "DT"):
            k += 1  # the tagger reads some nouns after "the" as verbs ("the plan", "the vote")
        if k == start:
            return False
    return k < n and (s.toks[k].tag in ("DT", "JJ", "JJS") or s.toks[k].lower == "as"
                      or s.toks[k].text in _OPEN_QUOTES)


def _verb_form_ok(s: _Sent, i: int) -> str | None:
    """How the cue verb at ``i`` is used: 'finite', 'passive', 'participle', 'fronted' or None (skip)."""
    t = s.toks[i]
    prev = s.toks[i - 1] if i > 0 else None
    if prev is not None and prev.lower == "to":
        return None  # infinitive: "urged Ukraine to accept" reports no acceptance
    j = i - 1
    while j >= 0 and (s.toks[j].lower in _AUX or s.toks[j].tag == "MD" or s.toks[j].tag.startswith("RB")
                      or s.toks[j].lower in _NEG):
        if s.toks[j].lower in _NEG:
            return None  # "Russia has not agreed": the act did not happen
        if s.toks[j].lower in ("could", "might", "may"):
            return None  # "Kyiv could reject the plan": a possibility, not a reported act
        j -= 1
    if t.tag == "VBG" or t.tag.startswith("NN") and t.lower.endswith("ing"):
        j, saw_be = _skip_aux_left(s, i - 1)
        if saw_be:
            return "finite"
        if prev is not None and prev.lower == ",":
            return "participle"
        if i == 0 or (prev is not None and prev.text in _OPEN_QUOTES):
            return "fronted"  # "Speaking to reporters, Peskov said ..."
        return None
    if t.tag == "VBN":
        if prev is not None and (prev.tag in ("DT", "PRP$", "JJ", "POS", "IN") and prev.lower != "that"):
            return None  # adjectival: "the proposed talks", "a renewed push"
        j, saw_be = _skip_aux_left(s, i - 1)
        if saw_be:
            return "passive"
        return "finite"
    if t.tag == "VB" and prev is not None and prev.tag in ("DT", "JJ", "PRP$"):
        return None
    return "finite"


def _hypothetical(s: _Sent, start: int) -> bool:
    b = start - 1
    while b >= 0 and s.toks[b].tag in ("DT", "PDT", "RB"):
        b -= 1
    return b >= 0 and s.toks[b].lower in _HYPOTHETICAL


def _row(s: _Sent, speaker: dict, rule: str, cue: tuple[int, int], verb_class: str, addressee: dict | None,
         content: tuple[int, int] | None, mode: str) -> dict:
    cs, ce = content if content else (None, None)
    return {
        "doc_id": s.doc_id, "sentence_id": s.sentence_id, "mention_id": speaker.get("mention_id"),
        "speaker_id": speaker.get("actor_id"), "speaker_name": speaker.get("actor_name"),
        "speaker_text": speaker.get("text"), "cue": s.span_text(*cue), "cue_start": cue[0], "cue_end": cue[1],
        "verb_class": verb_class,
        "addressee_id": addressee.get("actor_id") if addressee else None,
        "addressee_name": addressee.get("actor_name") if addressee else None,
        "content": s.span_text(cs, ce) if content else "", "content_start": cs, "content_end": ce,
        "mode": mode, "rule": rule,
    }


def _verb_rows(s: _Sent, i: int, last: int, verb_class: str, addr: str, req: str = "") -> list[dict]:
    form = _verb_form_ok(s, i)
    if form is None:
        return []
    found: _Found | None = None
    addressees: list[dict] = []
    passive_subject: tuple[int, int] | None = None
    k = last + 1
    if form == "passive":
        found, k = _by_agent(s, last)
        if found is None:
            return []
        subj = _subject(s, i)
        if subj is not None and addr:
            addressees = subj.mentions
        elif subj is None:
            passive_subject = _np_left_span(s, i)
    elif form == "participle":
        main = _main_verb(s, i - 1)
        found = _subject(s, main) if main is not None else None
        if found is not None:
            found = _Found(found.mentions, "participle", found.subj_start)
    elif form == "fronted":
        comma = next((x for x in range(i + 1, len(s.toks)) if s.toks[x].lower == ","), None)
        main = _next_verb(s, comma + 1) if comma is not None else None
        found = _subject(s, main) if main is not None else None
        if found is not None:
            found = _Found(found.mentions, "participle", found.subj_start)
    else:
        found = _subject(s, i)
        if found is None:
            j, _ = _skip_aux_left(s, i - 1)
            # '"...," said Peskov' / 'Talks will resume, said Peskov': only verbs of saying invert.
            if j < 0 or s.toks[j].text in _CLOSE_QUOTES or (s.toks[j].lower in (",", ":")
                                                            and verb_class == "assertive"):
                found = _inverted(s, last)
                if found is not None:
                    k = _m_last(s, found.subj_start) + 1
    if found is None or _hypothetical(s, found.subj_start):
        return []
    k_object = k
    if not addressees:
        addressees, k = _addressee(s, k, addr)
    if verb_class == "assertive" and "object" in addr.split("|"):
        kk = k if addressees else _after_np(s, k)
        if _directive_shift(s, kk):
            verb_class = "directive"  # "told Ukraine to accept", "warned Moscow against escalation"
    cue = (s.toks[i].start, s.toks[last].end)
    quoted = None if form in ("participle", "fronted") else _quote_before(
        s, found.subj_start if found.rule != "inversion" else i)
    if quoted is not None:
        content, mode = quoted, "direct"
    else:
        content, mode = _content_after(s, k, verb_class, stop_at_comma=form == "fronted")
        if content is None and passive_subject is not None:
            content = passive_subject  # "The talks were welcomed by Scholz": what was welcomed
        if content is None and verb_class == "assertive" and form == "finite":
            content = _clause_before(s, found.subj_start if found.rule != "inversion" else i)
    if req == "clause" and not (mode == "direct" or (content is not None and _has_clause(s, content))):
        return []  # "The EU added new sanctions" adds no statement
    if req == "to" and not (_has_to(s, k) or _has_to(s, _after_np(s, k_object))):
        return []  # "committed atrocities", "pushed into the city": not a commitment or a demand
    return [_row(s, m, found.rule, cue, verb_class, a, content, mode) for m in found.mentions
            for a in (addressees or [None])]


def _has_clause(s: _Sent, content: tuple[int, int]) -> bool:
    """True when the content span holds a finite verb (a that-clause or bare clause, not a noun phrase)."""
    return any(content[0] <= t.start < content[1] and t.tag in _FINITE_TAGS for t in s.toks)


def _has_to(s: _Sent, k: int) -> bool:
    return k < len(s.toks) and s.toks[k].lower in ("to", "for")


def _noun_rows(s: _Sent, n: int, verb_class: str, addr: str, lex: _Lexicon) -> list[dict]:
    toks = s.toks
    nxt = toks[n + 1].lower if n + 1 < len(toks) else ""
    need = _NEEDS_COMPLEMENT.get(toks[n].lower.rstrip("s"))
    if need is not None and nxt not in need:
        return []
    # Extend the cue left over its determiner and modifiers ("a public appeal"); an actor there speaks.
    first = n
    speaker: _Found | None = None
    k = n - 1
    while k >= 0:
        t = toks[k]
        if s.ment[k] is not None:
            speaker = _Found([s.ment[k]], "possessor" if t.tag == "PRP$" else "modifier", _m_first(s, k))
            break
        if t.tag == "POS" and k > 0 and s.ment[k - 1] is not None:
            speaker = _Found([s.ment[k - 1]], "possessor", _m_first(s, k - 1))
            break
        if t.tag == "PRP$" and t.lower in ("their", "his", "her", "its"):
            # An unresolved "their support": the possessive points back to the subject of the governing verb.
            gov = k - 1
            while gov >= 0 and s.toks[gov].tag.startswith("RB"):
                gov -= 1
            if gov >= 0 and s.toks[gov].tag.startswith("VB"):
                subj = _subject(s, gov)
                if subj is not None:
                    speaker = _Found(subj.mentions, "possessor", subj.subj_start)
            break
        if t.tag in ("DT", "PDT"):
            first = k
            break
        # A participle read as a past tense counts as a modifier only right after a determiner or
        # possessive ("Italy's continued support"), never when it is the governing verb ("faced criticism").
        as_modifier = t.tag in ("VBD", "VBG") and k > 0 and toks[k - 1].tag in ("POS", "DT", "PRP$")
        if (t.tag in ("JJ", "JJR", "JJS", "VBN", "NN", "CD", "HYPH") or as_modifier) and t.lower not in ("that",):
            first = k
            k -= 1
            continue
        break
    k = n + 1
    if speaker is None and k < len(toks) and toks[k].lower in ("from", "by"):
        found, end = _np_mentions_right(s, k + 1)
        if found:
            speaker = _Found([s.ment[x] for x in found], "from", found[0])
            k = end
    elif k < len(toks) and toks[k].lower in ("from", "by"):
        _found, k = _np_mentions_right(s, k + 1)
    before = first - 1
    while before >= 0 and toks[before].tag.startswith("RB"):
        before -= 1
    addressees: list[dict] = []
    if before >= 0 and toks[before].tag.startswith("VB"):
        if speaker is None and toks[before].lemma in lex.support:
            speaker = _subject(s, before)
            if speaker is not None:
                speaker = _Found(speaker.mentions, "light verb", speaker.subj_start)
        if toks[before].lemma in lex.receive:
            recv = _subject(s, before)
            if recv is not None:
                addressees = recv.mentions
    if speaker is None:
        return []
    if not addressees:
        addressees, k2 = _addressee(s, k, addr)
        if addressees:
            k = k2
    # Content: a that-clause, a to-infinitive, a quotation or the object of for/of/on after the noun.
    content, mode = None, "indirect"
    if k < len(toks):
        t = toks[k]
        if t.lower in ("that", ":") or t.text in _OPEN_QUOTES or t.lower == "to":
            content, mode = _content_after(s, k, verb_class)
        elif t.lower in ("for", "of", "on") and k + 1 < len(toks):
            content, mode = _content_after(s, k + 1, "", phrase_only=True)
    cue = (toks[first].start, toks[n].end)
    return [_row(s, m, speaker.rule, cue, verb_class, a, content, mode) for m in speaker.mentions
            for a in (addressees or [None])]


def _according_rows(s: _Sent, i: int) -> list[dict]:
    found, end = _np_mentions_right(s, i + 2)
    if not found:
        return []
    cue = (s.toks[i].start, s.toks[i + 1].end)
    if i == 0 or s.toks[i - 1].text in _OPEN_QUOTES:
        k = end + 1 if end < len(s.toks) and s.toks[end].lower == "," else end
        content, mode = _content_after(s, k, "")
    else:
        hi = i
        while hi > 0 and s.toks[hi - 1].lower in (",", "—", "–", "("):
            hi -= 1
        content = (s.toks[0].start, s.toks[hi - 1].end) if hi > 0 else None
        mode = "indirect"
    return [_row(s, s.ment[x], "according to", cue, "assertive", None, content, mode) for x in found[-1:]]


def _sentence_rows(s: _Sent, lex: _Lexicon) -> list[dict]:
    rows: list[dict] = []
    i = 0
    toks = s.toks
    # Only "according", a verb or a noun can start a cue; every other word moves the loop on by one.
    for at in [k for k, t in enumerate(toks) if t.tag[:2] in ("VB", "NN") or t.lower == "according"]:
        if at < i:
            continue
        i = at
        t = toks[i]
        if t.lower == "according" and i + 1 < len(toks) and toks[i + 1].lower == "to":
            rows.extend(_according_rows(s, i))
            i += 2
            continue
        # Only a verb, or a noun read as one, can be a cue (_verb_cue answers None for every other tag).
        verb = _verb_cue(s, i, lex) if s.ment[i] is None and t.tag[:2] in ("VB", "NN") else None
        if verb is not None:
            last, verb_class, addr, req = verb
            rows.extend(_verb_rows(s, i, last, verb_class, addr, req))
            i = last + 1
            continue
        if t.tag.startswith("NN") and s.ment[i] is None:
            lemma = t.lower if t.lower in lex.nouns else t.lower[:-1] if t.lower.endswith("s") else ""
            if lemma in lex.nouns:
                verb_class, addr = lex.nouns[lemma]
                rows.extend(_noun_rows(s, i, verb_class, addr, lex))
        i += 1
    return rows


def find_attributions(sentences: pd.DataFrame, tokens: pd.DataFrame, mentions: pd.DataFrame | None, *,
                      lexicon: str | Path | None = None, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``attributions`` table: one row per speech act and speaker.

    Parameters
    ----------
    sentences, tokens
        The parse tables of :func:`newsframe.analyze`.
    mentions
        The ``mentions`` table (actor references, already resolved: "Moscow" -> Russia). Speakers and
        addressees are always mentions from it; ``None`` or an empty table gives an empty result.
    lexicon
        A speech-verb CSV in the format of ``data/speech_verbs.csv`` (see :func:`load_speech_verbs`).
    documents
        The ``documents`` table. With it, a quotation that spans several sentences ('"We are ready. We
        will not wait," he said.') is reported whole; without it, only its last sentence.

    Returns
    -------
    pandas.DataFrame
        Columns of ``schema.TABLES["attributions"]``: doc_id, sentence_id, mention_id (the speaker's
        mention), speaker_id, speaker_name, speaker_text, cue, cue_start, cue_end, verb_class, addressee_id,
        addressee_name, content, content_start, content_end (empty content has missing offsets), mode
        (direct or indirect) and rule (how the speaker was found).

    Examples
    --------
    >>> import newsframe
    >>> a = newsframe.analyze("Trump urged Ukraine to accept the offer.")
    >>> list(a.attributions[["speaker_name", "cue", "verb_class", "addressee_name"]].iloc[0])  # doctest: +SKIP
    ['Donald Trump', 'urged', 'directive', 'Ukraine']
    """
    lex = _lexicon(str(lexicon) if lexicon is not None else None)
    if mentions is None or mentions.empty or sentences.empty:
        return _frame([])
    texts = dict(zip(documents["doc_id"], documents["text"])) if documents is not None else None
    sents = _sentences(sentences, tokens, mentions, texts)
    rows: list[dict] = []
    for s in sents:
        rows.extend(_sentence_rows(s, lex))
    return _frame(rows)


def _frame(rows: list[dict]) -> pd.DataFrame:
    if not rows:
        frame = schema.empty("attributions")
    else:
        frame = schema.conform(pd.DataFrame.from_records(rows), "attributions")
    for col in ("sentence_id", "cue_start", "cue_end", "content_start", "content_end", "mention_id"):
        frame[col] = pd.array(frame[col], dtype="Int64")
    return frame.drop_duplicates(subset=["doc_id", "cue_start", "mention_id", "addressee_id"]).reset_index(drop=True)
