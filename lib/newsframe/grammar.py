"""Part-of-speech tags and verb lemmas, offline.

* :func:`pos_tags` tags the ``tokens`` table with Penn Treebank tags, one sentence at a time. It uses the
  Brill-style lexicon, suffix (morphology) and context rules that TextBlob ships inside its PyPI package
  (``textblob/en/en-lexicon.txt``, ``en-morphology.txt``, ``en-context.txt``; from pattern.en, BSD licence),
  which need no downloaded model. A few corrections of our own follow (all-capital abbreviations such as
  "US" are proper nouns, not the pronoun "us"; the possessive clitic is ``POS``).
* :func:`verb_lemma` turns an inflected verb into its dictionary form with suffix rules and an
  irregular-verb table of our own (below), written from standard English grammar.

The tagger loads on first use (a few seconds), never at import time.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain
from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["pos_tags", "tag_words", "verb_lemma", "is_verb_tag", "is_known_word"]

# Tags of verbs (and modals) in the Penn Treebank tag set.
_VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})

# Irregular past tenses and participles (and a few irregular present forms): form -> lemma.
# Written from a standard English irregular-verb list; the common verbs of news reporting come first.
_IRREGULAR: dict[str, str] = {
    # be, have, do, go, say
    "am": "be", "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be", "'s": "be",
    "'re": "be", "'m": "be", "has": "have", "had": "have", "having": "have", "'ve": "have", "'d": "have",
    "does": "do", "did": "do", "done": "do", "doing": "do", "goes": "go", "went": "go", "gone": "go",
    "said": "say", "says": "say",
    # reporting, meeting, deciding
    "told": "tell", "spoke": "speak", "spoken": "speak", "met": "meet", "made": "make", "took": "take",
    "taken": "take", "gave": "give", "given": "give", "came": "come", "saw": "see", "seen": "see",
    "knew": "know", "known": "know", "thought": "think", "brought": "bring", "sought": "seek",
    "fought": "fight", "bought": "buy", "caught": "catch", "taught": "teach", "held": "hold",
    "kept": "keep", "left": "leave", "felt": "feel", "found": "find", "got": "get", "gotten": "get",
    "began": "begin", "begun": "begin", "became": "become", "wrote": "write", "written": "write",
    "drove": "drive", "driven": "drive", "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall",
    "led": "lead", "meant": "mean", "sent": "send", "spent": "spend", "built": "build", "lent": "lend",
    "lost": "lose", "paid": "pay", "laid": "lay", "stood": "stand", "understood": "understand",
    "withdrew": "withdraw", "withdrawn": "withdraw", "drew": "draw", "drawn": "draw", "struck": "strike",
    "stricken": "strike", "shot": "shoot", "won": "win", "ran": "run", "sat": "sit", "heard": "hear",
    "chose": "choose", "chosen": "choose", "broke": "break", "broken": "break", "forgot": "forget",
    "forgotten": "forget", "forgave": "forgive", "forgiven": "forgive", "threw": "throw", "thrown": "throw",
    "flew": "fly", "flown": "fly", "grew": "grow", "grown": "grow", "showed": "show", "shown": "show",
    "swore": "swear", "sworn": "swear", "wore": "wear", "worn": "wear", "tore": "tear", "torn": "tear",
    "bore": "bear", "borne": "bear", "woke": "wake", "woken": "wake", "shook": "shake", "shaken": "shake",
    "undertook": "undertake", "undertaken": "undertake", "overtook": "overtake", "overtaken": "overtake",
    "mistook": "mistake", "mistaken": "mistake", "forbade": "forbid", "forbidden": "forbid", "hid": "hide",
    "hidden": "hide", "bit": "bite", "bitten": "bite", "rode": "ride", "ridden": "ride", "froze": "freeze",
    "frozen": "freeze", "stole": "steal", "stolen": "steal", "sold": "sell", "fed": "feed", "fled": "flee",
    "bled": "bleed", "slept": "sleep", "swept": "sweep", "wept": "weep", "dealt": "deal", "knelt": "kneel",
    "sped": "speed", "stuck": "stick", "strove": "strive", "striven": "strive", "dug": "dig", "hung": "hang",
    "spun": "spin", "swung": "swing", "rang": "ring", "rung": "ring", "sang": "sing", "sung": "sing",
    "sank": "sink", "sunk": "sink", "shrank": "shrink", "shrunk": "shrink", "sprang": "spring",
    "sprung": "spring", "drank": "drink", "drunk": "drink", "began": "begin", "swam": "swim", "swum": "swim",
    "arose": "arise", "arisen": "arise", "awoke": "awake", "awoken": "awake", "beheld": "behold",
    "upheld": "uphold", "withheld": "withhold", "foresaw": "foresee", "foreseen": "foresee",
    "oversaw": "oversee", "overseen": "oversee", "overcame": "overcome", "outran": "outrun",
    "misled": "mislead", "mislaid": "mislay", "rebuilt": "rebuild", "retook": "retake", "retaken": "retake",
    "reaffirmed": "reaffirm", "underwent": "undergo", "undergone": "undergo", "dwelt": "dwell",
    "lit": "light", "slid": "slide", "bent": "bend", "bound": "bind", "wound": "wind", "ground": "grind",
    "clung": "cling", "flung": "fling", "stung": "sting", "strung": "string", "wrung": "wring",
    "forecast": "forecast", "broadcast": "broadcast", "beaten": "beat", "bade": "bid", "added": "add",
    "adding": "add", "adds": "add",
    "lay": "lie", "lain": "lie", "lying": "lie", "dying": "die", "tying": "tie", "vying": "vie",
    # modals have no other form; keep them as written
    "could": "could", "would": "would", "should": "should", "might": "might", "must": "must",
    "can": "can", "may": "may", "shall": "shall", "will": "will", "wo": "will", "ca": "can",
}

# Stems that need a silent e back after -ed/-ing/-s is cut and no general rule says so.
_NEEDS_E = frozenset({
    "welcom", "invit", "unit", "cit", "hop", "vot", "not", "quot", "promot", "devot", "provok", "invok",
    "revok", "evok", "lik", "strik", "dislik", "tak", "mak", "wak", "shap", "escap", "scrap", "typ",
    "cop", "grip", "wip", "rop", "sid", "decid", "provid", "guid", "divid", "presid", "hid", "rid", "describ", "prescrib", "subscrib",
    "ascrib", "inscrib", "brib", "prob",
    "collid", "coincid", "abid", "conclud", "includ", "exclud", "preclud", "allud", "delud", "elud",
    "intrud", "explod", "erod", "cod", "decod", "trad", "invad", "evad", "persuad", "dissuad", "upgrad",
    "fad", "blockad", "parad", "crusad", "downgrad", "grad", "min", "defin", "combin", "declin", "determin",
    "examin", "undermin", "outlin", "sidelin", "underlin", "lin", "shin", "din", "mov", "writ",
    "requir", "acquir", "inquir", "fir", "admir", "retir", "inspir", "expir", "conspir", "hir", "wir",
    "desir", "endur", "ensur", "insur", "assur", "secur", "procur", "cur", "captur", "structur", "featur",
    "ventur", "lur", "measur", "pressur", "tortur", "injur", "censur", "compar", "declar", "prepar",
    "shar", "spar", "scar", "dar", "star", "car", "far", "stor", "restor", "ignor", "explor", "deplor",
    "implor", "scor", "bor", "ador", "mor", "sever", "persever", "interfer", "refer", "confer",
    "creat", "recreat", "compet", "complet", "delet", "deplet", "excret", "rout", "execut", "contribut", "distribut",
    "attribut", "disput", "comput", "refut", "dilut", "pollut", "salut", "commut", "substitut",
    "institut", "constitut", "prosecut", "persecut", "mut", "tim", "nam", "blam", "fram", "sham", "clim",
    "prim", "assum", "consum", "resum", "presum", "escap", "argu", "continu", "pursu", "issu", "rescu",
    "valu", "su", "du", "tru", "glu", "queu", "statu", "ensu", "subdu", "construe", "accru",
    "bak", "stak", "fak", "quak", "smok", "jok", "pok", "rak", "spok", "brok", "chok", "stok",
    "wan", "zon", "phon", "ston", "ton", "clon", "dron", "postpon", "condon", "aton", "hon",
})
# Stems that end like those needing an e but do not take one.
_NO_E = frozenset({"focus", "bias", "canvas", "gas", "bus", "nonplus", "plus", "chorus", "harass"})
# Stems whose final consonant is doubled in -ed/-ing but must stay single in the lemma.
_DOUBLE_KEEP = frozenset({"ll", "ss", "zz", "ff"})
_VOWELS = set("aeiou")


def _restore_e(stem: str) -> str:
    """Put back a silent e that -ed/-ing removed ("propos" -> "propose"); leave other stems alone."""
    if stem in _NEEDS_E:
        return stem + "e"
    if len(stem) < 3 or stem in _NO_E:
        return stem
    last, prev = stem[-1], stem[-2]
    # Soft c, v, z and a single s need an e in English spelling: announce, solve, seize, propose, cease.
    if last in "cvzs" and prev != last:
        return stem + "e"
    # Soft g: urge, pledge, indulge, change, challenge (but not "belong", "bang").
    if last == "g" and (prev in "rdl" or stem.endswith(("ang", "eng", "ung")) and len(stem) > 4):
        return stem + "e"
    # -ate verbs (negotiate, escalate, violate) but not defeat, treat, repeat.
    if stem.endswith("at") and len(stem) > 3 and stem[-3] not in "eo":
        return stem + "e"
    # Consonant + le: handle, struggle, settle, tackle.
    if last == "l" and prev in "bcdfgkptz":
        return stem + "e"
    return stem


@lru_cache(maxsize=50_000)
def verb_lemma(word: str) -> str:
    """The dictionary form of an English verb as written ("urged" -> "urge", "spoke" -> "speak").

    Parameters
    ----------
    word
        One word as written (any case; curly apostrophes allowed).

    Returns
    -------
    str
        The lemma in lower case. Words that are not inflected verbs come back lower-cased.

    Examples
    --------
    >>> [verb_lemma(w) for w in ["dismissed", "proposed", "urges", "hosting", "spoke", "agreed"]]
    ['dismiss', 'propose', 'urge', 'host', 'speak', 'agree']
    """
    w = word.lower().replace("’", "'").strip()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("n't"):
        return verb_lemma(w[:-3])
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ied") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ying"):
        return w[:-3]
    if w.endswith(("sses", "shes", "ches", "xes", "zzes", "oes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    for suffix in ("ed", "ing"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 2:
            stem = w[: -len(suffix)]
            if suffix == "ed" and stem.endswith("e"):
                return stem + "e"  # agreed -> agree, freed -> free
            if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS and stem[-2:] not in _DOUBLE_KEEP:
                return stem[:-1]  # stopped -> stop, admitted -> admit
            if not any(ch in _VOWELS or ch == "y" for ch in stem):
                return w  # "red", "bing": not an inflection
            return _restore_e(stem)
    return w


def is_verb_tag(tag: str) -> bool:
    """True for the Penn Treebank tags of verbs and modals (VB, VBD, VBG, VBN, VBP, VBZ, MD)."""
    return tag in _VERB_TAGS


# Each Brill context command as a test of the padded token list ``t`` at ``i`` (``t[j] = [word, tag]``), written
# as TextBlob writes it. A rule "A B CMD x [y]" means: a word tagged A becomes B when the test holds.
_CONTEXT_TESTS = {
    "prevtag": lambda t, i, x, y: x == t[i - 1][1],
    "nexttag": lambda t, i, x, y: x == t[i + 1][1],
    "prev2tag": lambda t, i, x, y: x == t[i - 2][1],
    "next2tag": lambda t, i, x, y: x == t[i + 2][1],
    "prev1or2tag": lambda t, i, x, y: x in (t[i - 1][1], t[i - 2][1]),
    "next1or2tag": lambda t, i, x, y: x in (t[i + 1][1], t[i + 2][1]),
    "prev1or2or3tag": lambda t, i, x, y: x in (t[i - 1][1], t[i - 2][1], t[i - 3][1]),
    "next1or2or3tag": lambda t, i, x, y: x in (t[i + 1][1], t[i + 2][1], t[i + 3][1]),
    "surroundtag": lambda t, i, x, y: x == t[i - 1][1] and y == t[i + 1][1],
    "curwd": lambda t, i, x, y: x == t[i][0],
    "prevwd": lambda t, i, x, y: x == t[i - 1][0],
    "nextwd": lambda t, i, x, y: x == t[i + 1][0],
    "prev1or2wd": lambda t, i, x, y: x in (t[i - 1][0], t[i - 2][0]),
    "next1or2wd": lambda t, i, x, y: x in (t[i + 1][0], t[i + 2][0]),
    "prevwdtag": lambda t, i, x, y: x == t[i - 1][0] and y == t[i - 1][1],
    "nextwdtag": lambda t, i, x, y: x == t[i + 1][0] and y == t[i + 1][1],
    "wdprevtag": lambda t, i, x, y: x == t[i - 1][1] and y == t[i][0],
    "wdnexttag": lambda t, i, x, y: x == t[i][0] and y == t[i + 1][1],
    "wdand2aft": lambda t, i, x, y: x == t[i][0] and y == t[i + 2][0],
    "wdand2tagbfr": lambda t, i, x, y: x == t[i - 2][1] and y == t[i][0],
    "wdand2tagaft": lambda t, i, x, y: x == t[i][0] and y == t[i + 2][1],
    "lbigram": lambda t, i, x, y: x == t[i - 1][0] and y == t[i][0],
    "rbigram": lambda t, i, x, y: x == t[i][0] and y == t[i + 1][0],
    "prevbigram": lambda t, i, x, y: x == t[i - 2][1] and y == t[i - 1][1],
    "nextbigram": lambda t, i, x, y: x == t[i + 1][1] and y == t[i + 2][1],
}


# Which neighbour each context command must match for its rule to hold, as (offset from the word, 0 = word or
# 1 = tag, "x" or "y"): every rule is indexed under these values, so at a word only the rules whose necessary
# value is there are tried. A command with several entries holds only if one of them matches ("prev1or2tag").
_CONTEXT_KEYS = {
    "prevtag": ((-1, 1, "x"),), "nexttag": ((1, 1, "x"),), "prev2tag": ((-2, 1, "x"),), "next2tag": ((2, 1, "x"),),
    "prev1or2tag": ((-1, 1, "x"), (-2, 1, "x")), "next1or2tag": ((1, 1, "x"), (2, 1, "x")),
    "prev1or2or3tag": ((-1, 1, "x"), (-2, 1, "x"), (-3, 1, "x")),
    "next1or2or3tag": ((1, 1, "x"), (2, 1, "x"), (3, 1, "x")),
    "surroundtag": ((-1, 1, "x"),), "curwd": ((0, 0, "x"),), "prevwd": ((-1, 0, "x"),), "nextwd": ((1, 0, "x"),),
    "prev1or2wd": ((-1, 0, "x"), (-2, 0, "x")), "next1or2wd": ((1, 0, "x"), (2, 0, "x")),
    "prevwdtag": ((-1, 0, "x"),), "nextwdtag": ((1, 0, "x"),), "wdprevtag": ((0, 0, "y"),),
    "wdnexttag": ((0, 0, "x"),), "wdand2aft": ((0, 0, "x"),), "wdand2tagbfr": ((0, 0, "y"),),
    "wdand2tagaft": ((0, 0, "x"),), "lbigram": ((0, 0, "y"),), "rbigram": ((0, 0, "x"),),
    "prevbigram": ((-2, 1, "x"),), "nextbigram": ((1, 1, "x"),),
}


class _FastContext:
    """TextBlob's Brill context rules (``textblob._text.Context.apply``) with the same result, faster.

    TextBlob tries every rule at every word (about 300 rules per word, in Python). Its loop reads the
    word's tag as it was *before* the rules (the loop variable is not updated when a rule fires), so the
    rules that can fire at a word are those for its original tag or for any tag ("*"), and the word ends
    with the output tag of the last of them (in rule order) whose condition holds; conditions read only the
    neighbours (words to the left already rewritten, to the right not yet) and the word itself. This class
    indexes the rules by input tag and, within a tag, by the neighbour value each rule needs
    (:data:`_CONTEXT_KEYS`): at a word it gathers the few rules whose value is there and tries them from the
    last, stopping at the first that holds. ``tests/test_grammar.py`` checks it against TextBlob's own loop.
    """

    def __init__(self, rules) -> None:
        star: list[tuple[int, tuple]] = []
        tagged: dict[str, list[tuple[int, tuple]]] = {}
        for k, r in enumerate(rules):  # a lazylist: iterating loads the rules
            cmd = r[2].lower() if len(r) > 2 else ""
            if cmd not in _CONTEXT_TESTS:
                continue  # TextBlob's condition is then never true
            rule = (k, r[1], _CONTEXT_TESTS[cmd], r[3], r[4] if len(r) > 4 else "", _CONTEXT_KEYS[cmd])
            (star if r[0] == "*" else tagged.setdefault(r[0], [])).append((k, rule))
        self._star = self._index([rule for _k, rule in star])
        self._by_tag = {tag: self._index([rule for _k, rule in items + star]) for tag, items in tagged.items()}

    @staticmethod
    def _index(rules: list[tuple]) -> tuple[tuple[int, int, dict[str, list[tuple]]], ...]:
        # (offset, field, value -> rules needing it there, last rule first), one entry per (offset, field) used.
        tables: dict[tuple[int, int], dict[str, list[tuple]]] = {}
        for rule in rules:
            k, out, test, x, y, keys = rule
            for offset, fld, which in keys:
                tables.setdefault((offset, fld), {}).setdefault(x if which == "x" else y, []).append(rule)
        for table in tables.values():
            for value, found in table.items():
                table[value] = [(k, out, test, x, y) for k, out, test, x, y, _keys in
                                sorted(set(found), key=lambda rule: -rule[0])]
        return tuple((offset, fld, table) for (offset, fld), table in sorted(tables.items()))

    def apply(self, tokens):
        pad = [("STAART", "STAART")] * 3
        t = pad + tokens + pad
        by_tag, star = self._by_tag, self._star
        for i in range(3, len(t) - 3):
            tag = t[i][1]
            if tag == "STAART":
                continue
            hits = [hit for offset, fld, table in by_tag.get(tag, star)
                    if (hit := table.get(t[i + offset][fld])) is not None]
            if not hits:
                continue
            # Several values matched: their rules together, last first (a rule found twice is tried twice).
            found = hits[0] if len(hits) == 1 else sorted(chain.from_iterable(hits), key=_rule_order, reverse=True)
            for _k, out, test, x, y in found:
                if test(t, i, x, y):
                    t[i] = [t[i][0], out]
                    break
        return t[3:-3]


def _rule_order(rule: tuple) -> int:
    return rule[0]


class _FastMorphology:
    """TextBlob's suffix/prefix rules for unknown words (``Morphology.apply``), with the same result: the rules
    are parsed once instead of for every word, and a result is remembered per word and the neighbours that a
    rule can test (goodleft/goodright name their words), so an unknown word is worked out once. TextBlob's
    loop re-parses all 151 rules per unknown word; a lower-case transcript of 270,000 words (names lower-cased
    are unknown words) spent 29 s of its 43 s of tagging there (issue 10, bench/bench_bounded.py).
    """

    _MEMO_MAX = 200_000

    def __init__(self, morphology) -> None:
        self.lexicon = morphology.lexicon
        cmds = morphology.cmd
        self.rules: list[tuple[bool, str, str, str, str]] = []
        f = x = pos = cmd = None
        for r in morphology:
            # As TextBlob reads a rule (a line that matches neither form keeps the previous rule's values).
            if r[1] in cmds:  # ly hassuf 2 RB x
                f, x, pos, cmd = False, r[0], r[-2], r[1].lower()
            if r[2] in cmds:  # NN s fhassuf 1 NNS x
                f, x, pos, cmd = True, r[1], r[-2], r[2].lower().lstrip("f")
            self.rules.append((f, r[0], x, pos, cmd))
        self.left = frozenset(x for _f, _r0, x, _p, c in self.rules if c == "goodleft")    # tested on next
        self.right = frozenset(x for _f, _r0, x, _p, c in self.rules if c == "goodright")  # on previous
        self.memo: dict[tuple, str] = {}

    def apply(self, token, previous=(None, None), next=(None, None)):
        w, tag = token[0], token[1]
        p = previous[0] if previous[0] in self.right else None
        n = next[0] if next[0] in self.left else None
        key = (w, tag, p, n)
        found = self.memo.get(key)
        if found is None:
            found = self._rules(w, tag, p, n)
            if len(self.memo) >= self._MEMO_MAX:
                self.memo.clear()
            self.memo[key] = found
        token[1] = found
        return token

    def _rules(self, w: str, tag: str, previous: str | None, next: str | None) -> str:
        lex = self.lexicon
        for f, r0, x, pos, cmd in self.rules:
            if f and tag != r0:
                continue
            if ((cmd == "char" and x in w) or (cmd == "haspref" and w.startswith(x))
                    or (cmd == "hassuf" and w.endswith(x)) or (cmd == "addpref" and x + w in lex)
                    or (cmd == "addsuf" and w + x in lex)
                    or (cmd == "deletepref" and w.startswith(x) and w[len(x):] in lex)
                    or (cmd == "deletesuf" and w.endswith(x) and w[:-len(x)] in lex)
                    or (cmd == "goodleft" and x == next) or (cmd == "goodright" and x == previous)):
                tag = pos
        return tag


class _FastEntities:
    """TextBlob's named-entity pass (``textblob._text.Entities.apply``) with the same result: the entity list
    as a plain dict (TextBlob's lazy dict answers ``in`` through a Python method on every word) and its three
    URL/e-mail expressions tried only on words that can match them (they need "http://", "www." or "@")."""

    def __init__(self, entities) -> None:
        from textblob import _text

        entities.get("")  # a lazydict: loads the list
        self.table = {k: dict.__getitem__(entities, k) for k in dict.keys(entities)}
        self.cmd, self.tag = entities.cmd, entities.tag
        self._res = (_text.RE_ENTITY1, _text.RE_ENTITY2, _text.RE_ENTITY3)

    def apply(self, tokens):
        table, cmd, own = self.table, self.cmd, self.tag
        re1, re2, re3 = self._res
        lowers = [t[0].lower() for t in tokens]
        # TextBlob walks every word; only these can change a tag (the others move it on by one word).
        joined = " ".join(lowers)
        if "@" in joined or "http://" in joined or "www." in joined:
            candidates = [i for i, w in enumerate(lowers)
                          if w in table or "@" in w or w.startswith(("http://", "www."))]
        else:  # no word can be an address
            candidates = [i for i, w in enumerate(lowers) if w in table]
        after = 0  # an entity matched over several words: TextBlob goes on after its last word
        for i in candidates:
            if i < after:
                continue
            w = lowers[i]
            if ((w.startswith(("http://", "www.")) or "@" in w)
                    and (re1.match(w) or re2.match(w) or re3.match(w))):
                tokens[i][1] = own
            if w in table:
                for e in table[w]:
                    # Look ahead to see if successive words match the named entity (as TextBlob does).
                    e, tag = (e[:-1], "-" + e[-1].upper()) if e[-1] in cmd else (e, "")
                    b = True
                    for j, e in enumerate(e):
                        if i + j >= len(tokens) or lowers[i + j] != e:
                            b = False
                            break
                    if b:
                        for token in tokens[i: i + j + 1]:
                            token[1] = (token[1] == "NNPS" and token[1] or own) + tag
                        after = i + j + 1
                        break
        return tokens


class _FastTagger:
    """``textblob._text.find_tags`` with TextBlob's English lexicon and rules, giving the same tags faster.

    The same passes in the same order: lexicon look-up (the first word also lower-cased), unknown words
    (capitalised -> NNP, number-like -> CD, else the suffix rules of :class:`_FastMorphology`), the context
    rules (:class:`_FastContext`) and named entities (:class:`_FastEntities`). The lexicon is read as a plain
    dict. ``tests/test_grammar.py`` checks the result against ``find_tags`` with TextBlob's own classes.
    """

    def __init__(self, lexicon) -> None:
        from textblob import _text

        lexicon.get("")  # a lazydict: loads the lexicon
        self.lexicon = {k: dict.__getitem__(lexicon, k) for k in dict.keys(lexicon)}
        self.morphology = _FastMorphology(lexicon.morphology)
        self.morphology.lexicon = self.lexicon  # the same words, without the lazy dict's method calls
        self.context = _FastContext(lexicon.context)
        self.entities = _FastEntities(lexicon.entities)
        self._cd = _text.CD

    def find_tags(self, words: Sequence[str]) -> list[list[str]]:
        """``[[word, tag], ...]`` as ``find_tags(words, lexicon, morphology, context, entities)`` gives."""
        get = self.lexicon.get
        tagged = [[w, get(w)] for w in words]
        if tagged and tagged[0][1] is None:
            tagged[0][1] = get(words[0].lower()) or None
        last = len(tagged) - 1
        for i, token in enumerate(tagged):
            if token[1] is not None:
                continue
            w = token[0]
            if w.istitle():
                token[1] = "NNP"
            elif self._cd.match(w) is not None:
                token[1] = "CD"
            else:
                token[1] = "NN"
                self.morphology.apply(token, tagged[i - 1] if i > 0 else (None, None),
                                      tagged[i + 1] if i < last else (None, None))
        tagged = self.context.apply(tagged)
        return self.entities.apply(tagged)


@lru_cache(maxsize=1)
def _tagger():
    # TextBlob's pattern lexicon and rules; importing it loads ~100k lexicon lines, so only on first use.
    from textblob.en import lexicon

    fast = _FastTagger(lexicon)
    lex = fast.lexicon

    def tag(words: list[str]) -> list[str]:
        tags = [t for _w, t in fast.find_tags(words)]
        # The context rule "to + X -> VB" also fires on adjectives before a noun ("open to direct talks"):
        # keep the lexicon's adjective reading there.
        for k in range(1, len(words) - 1):
            if tags[k] == "VB" and words[k - 1].lower() == "to" and tags[k + 1] in ("NN", "NNS") \
                    and lex.get(words[k].lower()) == "JJ":
                tags[k] = "JJ"
        # Determiner-like adjectives are never verbs, whatever a context rule says ("said such a meeting").
        for k in [k for k, t in enumerate(tags) if t.startswith("VB")]:
            w = words[k]
            if w.lower() in _NEVER_VERBS:
                tags[k] = lex.get(w.lower()) or "JJ"
        return tags

    return tag


def is_known_word(word: str) -> bool:
    """True when the tagger's lexicon lists ``word`` in lower case (an ordinary English word, not a name).

    Examples
    --------
    >>> is_known_word("Missiles"), is_known_word("Huliaipole")
    (True, False)
    """
    from textblob.en import lexicon

    _tagger()  # loads the lexicon
    return lexicon.get(_normalise(word).lower()) is not None


_NEVER_VERBS = frozenset({"such", "many", "several", "few", "much", "own", "other", "same", "certain", "various",
                          "both", "all", "some", "any", "each", "every", "either", "neither"})
_CAPS_ABBREV = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]{2,}s?")


def _normalise(word: str) -> str:
    # The lexicon knows straight quotes only.
    if word.isascii():
        return word
    return word.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def tag_words(words: Sequence[str]) -> list[str]:
    """Penn Treebank tags for one sentence given as a list of words (tokens as written).

    Examples
    --------
    >>> tag_words(["Putin", "proposed", "talks", "."])
    ['NNP', 'VBD', 'NNS', '.']
    """
    if not words:
        return []
    return list(_tag_sentence(tuple(words)))


@lru_cache(maxsize=20_000)
def _tag_sentence(words: tuple[str, ...]) -> tuple[str, ...]:
    # Cached: the mentions and the actions tables tag the same sentences, and the context rules are slow.
    norm = [_normalise(w) for w in words]
    tags = _tagger()(norm)
    out = []
    for word, tag in zip(norm, tags):
        if tag and "-" in tag and tag[0].isalpha():
            tag = tag.split("-")[0]  # "NNP-LOC" -> "NNP"
        if len(word) == 2 and word.lower() == "'s" and tag not in ("VBZ",):  # (lower() never shortens)
            tag = "POS"
        elif tag in ("PRP", "NN", "NNS", "VB", "IN", "DT", "JJ") and _CAPS_ABBREV.fullmatch(word):
            tag = "NNP"  # "US", "EU", "UK", "U.S." are names, not "us"/"eu"
        out.append(tag)
    return tuple(out)


def _sentence_runs(tokens: pd.DataFrame) -> list[int] | None:
    """Row positions where each sentence starts (and the end), when every (doc_id, sentence_id) occupies one
    run of consecutive rows and none is missing; else None."""
    keys = tokens[["doc_id", "sentence_id"]]
    if keys.isna().to_numpy().any():
        return None
    docs = pd.factorize(keys["doc_id"])[0]
    sids = keys["sentence_id"].to_numpy()
    change = np.ones(len(docs), dtype=bool)
    change[1:] = (docs[1:] != docs[:-1]) | (sids[1:] != sids[:-1])
    starts = np.flatnonzero(change)
    if len(set(zip(docs[starts].tolist(), sids[starts].tolist()))) != len(starts):
        return None  # a sentence comes back after another one: group row by row
    return starts.tolist() + [len(docs)]


def pos_tags(tokens: pd.DataFrame) -> pd.Series:
    """Penn Treebank part-of-speech tags for a ``tokens`` table, computed sentence by sentence.

    Parameters
    ----------
    tokens
        The ``tokens`` table (needs ``doc_id``, ``sentence_id`` and ``text``; rows are put in document
        order by ``token_id`` when present, so a filtered or shuffled frame is tagged the same).

    Returns
    -------
    pandas.Series
        One tag per token, aligned to ``tokens.index`` (name ``pos``).

    Examples
    --------
    >>> import newsframe
    >>> a = newsframe.analyze("Moscow dismissed the call. Trump urged Ukraine to agree.")
    >>> list(pos_tags(a.tokens))[:3]
    ['NNP', 'VBD', 'DT']
    """
    if tokens.empty:
        return pd.Series([], index=tokens.index, dtype="object", name="pos")
    original = tokens.index
    if "token_id" in tokens.columns:
        tokens = tokens.sort_values(["doc_id", "token_id"], kind="stable")
    runs = _sentence_runs(tokens)
    if runs is not None:  # each sentence's rows are together (a parsed table): tag slices of one word list
        words = tokens["text"].tolist()
        tags = []
        for a, b in zip(runs, runs[1:]):
            tags.extend(tag_words(words[a:b]))
        return pd.Series(tags, index=tokens.index, dtype="object", name="pos").reindex(original)
    # Rows by sentence in order of first appearance (what groupby(sort=False) gives), with plain lists: a
    # group-by that slices the frame per sentence cost more than tagging the sentence.
    positions: dict[tuple, list[int]] = {}
    valid = tokens[["doc_id", "sentence_id"]].notna().all(axis=1).tolist()  # groupby leaves out missing keys
    for pos, key in enumerate(zip(tokens["doc_id"].tolist(), tokens["sentence_id"].tolist())):
        if valid[pos]:
            positions.setdefault(key, []).append(pos)
    words = tokens["text"].tolist()
    rows = tokens.index
    tags: list[str] = []
    order: list[int] = []
    for pos_list in positions.values():
        tags.extend(tag_words([words[p] for p in pos_list]))
        order.extend(pos_list)
    return pd.Series(tags, index=rows[order], dtype="object", name="pos").reindex(original)
