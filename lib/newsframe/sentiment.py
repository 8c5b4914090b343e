"""Sentence sentiment (VADER) with evidence, GDELT-style tone, and a second method (TextBlob) to compare.

* :func:`score_sentences` -> table ``sentiment``: VADER's neg/neu/pos/compound for every sentence, exactly as
  the reference implementation in ``vaderSentiment`` computes them (its lexicon ships inside the package, so
  nothing is downloaded), the label by VADER's standard thresholds, a readable ``evidence`` string, and
  TextBlob's pattern polarity/subjectivity as an independent second opinion.
* :func:`sentiment_evidence` -> table ``sentiment_evidence``: one row per word that carried valence, with its
  lexicon value, the value after VADER's rules, and the rules that changed it. The rules are re-derived here
  by mirroring VADER's algorithm on the same words (with character offsets), so a reader sees *why* a
  sentence scored as it did; tests check the mirror reproduces the reference's internal word valences.
* :func:`score_tone` -> table ``tone``: GDELT-style tone per document and paragraph (positive and negative word
  percentages from a dictionary, tone = positive - negative, polarity = share of words with any valence).
* :func:`compare_methods`: where VADER and TextBlob agree and where they differ most.

Sentiment toward a target span is :func:`newsframe.toward.toward`.
"""
from __future__ import annotations

import math
import re
import re as _std_re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from . import parse, schema
from .errors import NewsframeError

# VADER's standard label thresholds on the compound score (Hutto & Gilbert 2014, project README).
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
# Default dictionary cut-off for tone: |valence| >= 1.0 on VADER's -4..+4 rating scale, i.e. the raters on
# average judged the word at least "slightly" positive or negative; weaker entries are closer to noise.
TONE_THRESHOLD = 1.0


# -- loading (once) -------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _vader() -> Any:
    """The reference VADER analyser (reads vader_lexicon.txt from its own package folder, offline)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _vader_rules() -> Any:
    """VADER's rule constants (negators, boosters, idioms), read from the package so the mirror stays in step."""
    from vaderSentiment import vaderSentiment as module

    return module


@lru_cache(maxsize=1)
def _textblob() -> Any:
    """TextBlob's PatternAnalyzer: reads textblob/en/en-sentiment.xml shipped in the package (no corpora)."""
    from textblob.en.sentiments import PatternAnalyzer

    return PatternAnalyzer()


@lru_cache(maxsize=1)
def _pattern_sentiment() -> Any:
    # What PatternAnalyzer.analyze calls, without the namedtuple class it defines anew on every call (that
    # class creation cost more than the scoring).
    from textblob.en.sentiments import pattern_sentiment

    return pattern_sentiment


@lru_cache(maxsize=1)
def _textblob_parts() -> dict[str, Any]:
    """What :func:`_textblob_scores` reads from TextBlob: its loaded sentiment lexicon as a plain dict (the
    lazy dict's own ``in`` and ``[]`` run Python code on every call) and the tokenizer's constants."""
    from textblob import _text

    sentiment = _pattern_sentiment()
    len(sentiment)  # loads en-sentiment.xml (the lazy dict loads on first use)
    punctuation = _text.PUNCTUATION
    parts = {
        "lexicon": dict(dict.items(sentiment)), "labeler": sentiment.labeler, "negations": sentiment.negations,
        "modifiers": sentiment.modifiers, "modifier": sentiment.modifier, "text": _text,
        "lead": frozenset(punctuation.replace(".", "")), "trail": frozenset(punctuation.replace(".", "") + "."),
        "punct": tuple(punctuation.replace(".", "")), "replace": dict(_text.replacements),
        # (type, polarity) -> the emoticons lower-cased, in TextBlob's order (it lower-cases them per word)
        "emoticons": [(key, frozenset(e.lower() for e in group)) for key, group in _text.EMOTICONS.items()],
    }
    parts["any_emoticon"] = frozenset().union(*(e for _, e in parts["emoticons"]))
    return parts


_LINEBREAKS = _std_re.compile(r"\n{2,}")


def _textblob_tokens(string: str, parts: dict[str, Any]) -> list[str]:
    """TextBlob's ``find_tokens`` (textblob 0.18, ``_text.find_tokens`` with the English parser's defaults),
    step for step: the same replacements, splits and sentence breaks, with literal substitutions done by
    ``str.replace`` and each token that neither opens nor ends with punctuation kept without the split loops."""
    t_ = parts["text"]
    punctuation, replace = parts["punct"], parts["replace"]
    lead, trail = parts["lead"], parts["trail"]
    abbreviations, abbr1, abbr2, abbr3 = t_.ABBREVIATIONS, t_.RE_ABBR1, t_.RE_ABBR2, t_.RE_ABBR3
    eos = t_.EOS
    for a, b in replace.items():  # re.sub of a literal without metacharacters
        if a in string:
            string = string.replace(a, b)
    string = (string.replace("“", " “ ").replace("”", " ” ").replace("‘", " ‘ ").replace("’", " ’ ")
              .replace("'", " ' ").replace('"', ' " '))
    string = string.replace("\r\n", "\n")
    if "\n\n" in string:
        string = _LINEBREAKS.sub(" %s " % eos, string)
    tokens: list[str] = []
    # TextBlob collapses white space (re's \\s: str.isspace) and takes each run of non-space followed by a
    # space: str.split() gives the same runs.
    for t in string.split():
        if len(t) > 0:
            if t[0] not in lead and t[-1] not in trail:
                tokens.append(t)
                continue
            tail = []
            while t.startswith(punctuation) and t not in replace:
                if t.startswith(punctuation):
                    tokens.append(t[0])
                    t = t[1:]
            while t.endswith(punctuation + (".",)) and t not in replace:
                if t.endswith(punctuation):
                    tail.append(t[-1])
                    t = t[:-1]
                if t.endswith("..."):
                    tail.append("...")
                    t = t[:-3].rstrip(".")
                if t.endswith("."):
                    if (t in abbreviations or abbr1.match(t) is not None or abbr2.match(t) is not None
                            or abbr3.match(t) is not None):
                        break
                    else:
                        tail.append(t[-1])
                        t = t[:-1]
            if t != "":
                tokens.append(t)
            tokens.extend(reversed(tail))
    sentences: list[list[str]] = [[]]
    i, j = 0, 0
    while j < len(tokens):
        if tokens[j] in ("...", ".", "!", "?", eos):
            while j < len(tokens) and tokens[j] in ("'", '"', "”", "’", "...", ".", "!", "?", ")", eos):
                if tokens[j] in ("'", '"') and sentences[-1].count(tokens[j]) % 2 == 0:
                    break
                j += 1
            sentences[-1].extend(t for t in tokens[i:j] if t != eos)
            sentences.append([])
            i = j
        j += 1
    sentences[-1].extend(tokens[i:j])
    joined = [" ".join(x) for x in sentences if len(x) > 0]
    sarcasm, emoticons = t_.RE_SARCASM, t_.RE_EMOTICONS
    joined = [sarcasm.sub("(!)", x) if "!" in x else x for x in joined]
    return [emoticons.sub(lambda m: m.group(1).replace(" ", "") + m.group(2), x) for x in joined]


def _textblob_scores(text: str) -> tuple[float, float]:
    """TextBlob's pattern polarity and subjectivity of ``text``, as ``PatternAnalyzer().analyze(text)`` gives
    them: ``Sentiment.__call__`` on a string and its ``assessments`` (textblob 0.18), transcribed over plain
    dicts; tests compare it with TextBlob itself."""
    parts = _textblob_parts()
    lexicon, labeler = parts["lexicon"], parts["labeler"]
    negations, modifiers, modifier = parts["negations"], parts["modifiers"], parts["modifier"]
    t_ = parts["text"]
    punctuation_str, emoticons, any_emoticon = t_.PUNCTUATION, parts["emoticons"], parts["any_emoticon"]
    a: list[dict[str, Any]] = []
    m = None
    n = None
    pos = None
    for w in " ".join(_textblob_tokens(text, parts)).split():
        w = w.lower()
        entry = lexicon.get(w)
        if entry is not None and pos in entry:
            p, s, i = entry[pos]
            if m is None:
                a.append(dict(w=[w], p=p, s=s, i=i, n=1, x=labeler.get(w)))
            if m is not None:
                a[-1]["w"].append(w)
                a[-1]["p"] = max(-1.0, min(p * a[-1]["i"], +1.0))
                a[-1]["s"] = max(-1.0, min(s * a[-1]["i"], +1.0))
                a[-1]["i"] = i
                a[-1]["x"] = labeler.get(w)
            if n is not None:
                a[-1]["w"].insert(0, n)
                a[-1]["i"] = 1.0 / a[-1]["i"]
                a[-1]["n"] = -1
            m = None
            n = None
            if pos and pos in modifiers or any(map(entry.__contains__, modifiers)):
                m = (w, pos)
            if w in negations:
                n = w
        else:
            if w in negations:
                n = w
            elif n and len(w.strip("'")) > 1:
                n = None
            if n is not None and m is not None and (pos in modifiers or modifier(m[0])):
                a[-1]["w"].append(n)
                a[-1]["n"] = -1
                n = None
            elif m and len(w) > 2:
                m = None
            if w == "!" and len(a) > 0:
                a[-1]["w"].append("!")
                a[-1]["p"] = max(-1.0, min(a[-1]["p"] * 1.25, +1.0))
            if w == "(!)":
                a.append(dict(w=[w], p=0.0, s=1.0, i=1.0, n=1, x=t_.IRONY))
            if w.isalpha() is False and len(w) <= 5 and w not in punctuation_str and w in any_emoticon:
                for (_type, p), e in emoticons:
                    if w in e:
                        a.append(dict(w=[w], p=p, s=1.0, i=1.0, n=1, x=t_.MOOD))
                        break
    scored = [(d["p"] * -0.5 if d["n"] < 0 else d["p"], d["s"]) for d in a]
    return _avg([p for p, _ in scored]), _avg([s for _, s in scored])


def _avg(scores: list[float]) -> float:
    # Sentiment.__call__'s avg() with its default weight 1, in its order of operations.
    s, n = 0, 0
    for score in scores:
        s += 1 * score
        n += 1
    return s / float(n or 1)


@lru_cache(maxsize=8)
def load_tone_lexicon(lexicon: str | Path = "vader") -> tuple[str, dict[str, float]]:
    """The word -> valence dictionary used by :func:`score_tone`, with its name.

    Parameters
    ----------
    lexicon
        ``"vader"`` (the lexicon shipped in vaderSentiment, valences -4..+4) or the path of a CSV/TSV file of
        your own with columns ``word`` and ``valence`` (other columns, e.g. ``note``, are ignored).

    Returns
    -------
    tuple
        ``(name, {word: valence})``; the name is ``"vader"`` or the file name.
    """
    if str(lexicon) == "vader":
        return "vader", dict(_vader().lexicon)
    path = Path(lexicon)
    if not path.is_file():
        raise NewsframeError(f"{path}: no such tone lexicon (use 'vader' or a CSV with word,valence columns)")
    sep = "\t" if path.suffix.lower() in (".tsv", ".txt") else ","
    frame = pd.read_csv(path, sep=sep, dtype={"word": str}, keep_default_na=False)
    if not {"word", "valence"} <= set(frame.columns):
        raise NewsframeError(f"{path}: a tone lexicon needs the columns word and valence")
    try:
        values = pd.to_numeric(frame["valence"])
    except (TypeError, ValueError):
        raise NewsframeError(f"{path}: the valence column must be numeric") from None
    return path.name, {w.strip().lower(): float(v) for w, v in zip(frame["word"], values) if w.strip()}


def label_for(compound: float, *, positive: float = POSITIVE_THRESHOLD, negative: float = NEGATIVE_THRESHOLD
              ) -> str:
    """``positive`` if ``compound >= positive``, ``negative`` if ``<= negative``, else ``neutral``."""
    if compound >= positive:
        return "positive"
    if compound <= negative:
        return "negative"
    return "neutral"


# -- the mirror of VADER's rules, with offsets --------------------------------------------------------------

@dataclass(slots=True)
class _Word:
    """One of VADER's words, its offsets in the sentence, and what the rules did to its valence."""

    word: str
    start: int
    end: int
    lexicon_value: float | None = None
    value: float = 0.0
    rules: list[str] = field(default_factory=list)


class _Reading:
    """VADER's reading of a sentence: every word's final valence, the words that carried valence (``scored``,
    as :class:`_Word` with their rules) and the punctuation emphasis. ``words`` (every word as a
    :class:`_Word`) is made on first use; scoring and the evidence tables read only ``values`` and ``scored``."""

    __slots__ = ("values", "scored", "amplifier", "n_exclaim", "n_question", "_tokens", "_at", "_words")

    def __init__(self, values: list[float], scored: list[_Word], amplifier: float, n_exclaim: int,
                 n_question: int, tokens: tuple[list[str], list[int], list[int]], at: list[int]) -> None:
        self.values = values
        self.scored = scored
        self.amplifier = amplifier  # emphasis from "!" and "?" (added to the sum's magnitude)
        self.n_exclaim = n_exclaim
        self.n_question = n_question
        self._tokens = tokens
        self._at = at  # the word number of each scored word
        self._words: list[_Word] | None = None

    @property
    def words(self) -> list[_Word]:
        if self._words is None:
            words = [_Word(t, a, b) for t, a, b in zip(*self._tokens)]
            for k, w in zip(self._at, self.scored):
                words[k] = w
            self._words = words
        return self._words

    @property
    def total(self) -> float:
        s = sum(self.values)
        return s + self.amplifier if s > 0 else s - self.amplifier if s < 0 else 0.0

    @property
    def compound(self) -> float:
        s = self.total
        return round(max(-1.0, min(1.0, s / math.sqrt(s * s + 15))), 4) if self.values else 0.0


def _vader_words(text: str) -> tuple[str, list[_Word]]:
    """VADER's words of ``text`` with offsets into ``text`` (see :func:`_vader_tokens`)."""
    expanded, (tokens, starts, ends) = _vader_tokens(text)
    return expanded, [_Word(t, a, b) for t, a, b in zip(tokens, starts, ends)]


def _vader_tokens(text: str) -> tuple[str, tuple[list[str], list[int], list[int]]]:
    """VADER's words of ``text`` and their offsets into ``text``: ``(expanded, (words, starts, ends))``.

    VADER replaces emoji by their descriptions, splits on white space and strips surrounding punctuation
    unless that would leave two characters or fewer (emoticons such as ``:)``). We do the same while keeping
    a map from every character back to ``text`` (description words point at their emoji).
    """
    emojis = _vader().emojis
    if _emoji_chars().isdisjoint(text):  # the usual case, news copy without emoji: nothing to expand
        return text, _split_words(text, None)
    chars: list[str] = []
    origin: list[int] = []
    prev_space = True
    for k, ch in enumerate(text):
        if ch in emojis:
            if not prev_space:
                chars.append(" ")
                origin.append(k)
            for c in emojis[ch]:
                chars.append(c)
                origin.append(k)
            prev_space = False
        else:
            chars.append(ch)
            origin.append(k)
            prev_space = ch == " "
    expanded = "".join(chars)
    return expanded, _split_words(expanded, origin)


@lru_cache(maxsize=1)
def _emoji_chars() -> frozenset[str]:
    # VADER looks emoji up one character at a time, so only one-character keys can match.
    return frozenset(k for k in _vader().emojis if len(k) == 1)


def _split_words(expanded: str, origin: list[int] | None) -> tuple[list[str], list[int], list[int]]:
    """The words of ``expanded`` split on white space (``str.split``, as VADER does) with surrounding
    punctuation stripped as VADER strips it, and their offsets (through ``origin`` when given)."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    punct, punct_set = string.punctuation, _PUNCTUATION
    find = expanded.find
    pos = 0
    for raw in expanded.split():
        k = find(raw, pos)  # the next run of non-space characters begins at the first place it occurs
        j = pos = k + len(raw)
        if raw[0] in punct_set or raw[-1] in punct_set:
            stripped = raw.strip(punct)
            if len(stripped) > 2:
                lead = len(raw) - len(raw.lstrip(punct))
                k, j = k + lead, k + lead + len(stripped)
            else:
                stripped = raw
        else:  # nothing to strip
            stripped = raw
        words.append(stripped)
        if origin is None:
            starts.append(k)
            ends.append(j)
        else:
            starts.append(origin[k])
            ends.append(origin[j - 1] + 1)
    return words, starts, ends


_PUNCTUATION = frozenset(string.punctuation)


def _fmt(x: float) -> str:
    return f"{x:+.3g}"


def _negates(word: str) -> bool:
    return word in _vader_rules().NEGATE or "n't" in word


def _valence(words: list[str], i: int, lexicon: dict[str, float], cap_diff: bool,
             lower: list[str] | None = None) -> tuple[float, list[str]]:
    """Valence of lexicon word ``words[i]`` after VADER's word-level rules, and the rules that fired.

    The order and arithmetic follow vaderSentiment 3.3.2's ``sentiment_valence`` (no-negation, capitals,
    boosters within three words with distance damping, negation within three words, "never so", idioms,
    "least"), so the sum over words equals the reference's.
    """
    m = _vader_rules()
    if lower is None:  # (the caller passes the lower-cased words: one list per sentence, not per word)
        lower = [w.lower() for w in words]
    item, low = words[i], lower[i]
    base = lexicon[low]
    v = base
    rules: list[str] = []
    if low == "no" and i != len(words) - 1 and lower[i + 1] in lexicon:
        v = 0.0
        rules.append("'no' read as negating the next word (own valence dropped)")
    if (i > 0 and lower[i - 1] == "no") or (i > 1 and lower[i - 2] == "no") or (
            i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor")):
        v = base * m.N_SCALAR
        rules.append(f"negated by 'no' ×{m.N_SCALAR}")
    if item.isupper() and cap_diff:
        bump = m.C_INCR if v > 0 else -m.C_INCR
        v += bump
        rules.append(f"ALL CAPS emphasis {_fmt(bump)}")
    for dist in range(3):
        if not (i > dist and lower[i - dist - 1] not in lexicon):
            continue
        prev, prev_low = words[i - dist - 1], lower[i - dist - 1]
        if prev_low in m.BOOSTER_DICT:
            s = m.scalar_inc_dec(prev, v, cap_diff)
            s *= (1.0, 0.95, 0.9)[dist]
            if s:
                kind = "booster" if m.BOOSTER_DICT[prev_low] > 0 else "dampener"
                caps = " in CAPS" if prev.isupper() and cap_diff else ""
                rules.append(f"{kind} '{prev}'{caps} {_fmt(s)}")
                v += s
        v, rule = _negation(v, lower, dist, i)
        if rule:
            rules.append(rule)
        if dist == 2:
            v, rule = _idioms(v, lower, i)
            if rule:
                rules.append(rule)
    if i > 0 and lower[i - 1] == "least" and lower[i - 1] not in lexicon:
        if i == 1 or lower[i - 2] not in ("at", "very"):
            v *= m.N_SCALAR
            rules.append(f"negated by 'least' ×{m.N_SCALAR}")
    return v, rules


def _negation(v: float, lower: list[str], dist: int, i: int) -> tuple[float, str]:
    """VADER's negation check for the word ``dist + 1`` places before ``lower[i]``."""
    n = _vader_rules().N_SCALAR
    prev = lower[i - dist - 1]
    if dist == 0:
        if _negates(prev):
            return v * n, f"negated by '{prev}' ×{n}"
    elif dist == 1:
        if lower[i - 2] == "never" and lower[i - 1] in ("so", "this"):
            return v * 1.25, f"'never {lower[i - 1]}' reads as emphasis ×1.25"
        if lower[i - 2] == "without" and lower[i - 1] == "doubt":
            return v, ""
        if _negates(prev):
            return v * n, f"negated by '{prev}' ×{n}"
    else:
        if (lower[i - 3] == "never" and lower[i - 2] in ("so", "this")) or lower[i - 1] in ("so", "this"):
            return v * 1.25, "'never so/this' or 'so/this' emphasis ×1.25"
        if lower[i - 3] == "without" and "doubt" in (lower[i - 2], lower[i - 1]):
            return v, ""
        if _negates(prev):
            return v * n, f"negated by '{prev}' ×{n}"
    return v, ""


def _idioms(v: float, lower: list[str], i: int) -> tuple[float, str]:
    """VADER's special-case phrases ("kiss of death", ...) and two-word dampeners ("kind of", "sort of")."""
    m = _vader_rules()
    rules = []
    behind = [" ".join(lower[i - 1:i + 1]), " ".join(lower[i - 2:i + 1]), " ".join(lower[i - 2:i]),
              " ".join(lower[i - 3:i]), " ".join(lower[i - 3:i - 1])]
    for seq in behind:
        if seq in m.SPECIAL_CASES:
            v = m.SPECIAL_CASES[seq]
            rules.append(f"idiom '{seq}' ={v:g}")
            break
    for seq in (" ".join(lower[i:i + 2]) if len(lower) - 1 > i else None,
                " ".join(lower[i:i + 3]) if len(lower) - 1 > i + 1 else None):
        if seq in m.SPECIAL_CASES:
            v = m.SPECIAL_CASES[seq]
            rules.append(f"idiom '{seq}' ={v:g}")
    for seq in (" ".join(lower[i - 3:i]), " ".join(lower[i - 3:i - 1]), " ".join(lower[i - 2:i])):
        if seq in m.BOOSTER_DICT:
            v += m.BOOSTER_DICT[seq]
            rules.append(f"dampener '{seq}' {_fmt(m.BOOSTER_DICT[seq])}")
    return v, "; ".join(rules)


def _but(lower: list[str], values: list[float]) -> list[float]:
    """VADER's contrastive "but": valences before the first "but" ×0.5, after it ×1.5.

    The reference finds each value's position with ``list.index``, so when two words carry the same value
    the weight can land on the earlier one; we reproduce that arithmetic exactly so sums agree.
    """
    if "but" not in lower:
        return values
    bi = lower.index("but")
    out = list(values)
    for k in range(len(out)):
        v = out[k]
        si = out.index(v)
        if si < bi:
            out[si] = v * 0.5
        elif si > bi:
            out[si] = v * 1.5
    return out


@lru_cache(maxsize=20_000)
def _read(text: str) -> _Reading:
    """Mirror VADER on ``text``: every word's valence and rules, plus punctuation emphasis."""
    m = _vader_rules()
    lexicon = _vader().lexicon
    boosters = m.BOOSTER_DICT
    expanded, spans = _vader_tokens(text)
    tokens, starts, ends = spans
    lower = [t.lower() for t in tokens]
    cap_diff = m.allcap_differential(tokens)
    n = len(tokens)
    scored: list[_Word] = []
    at: list[int] = []
    before = [0.0] * n
    for i, low in enumerate(lower):
        if low not in lexicon or low in boosters:
            continue  # modifiers carry no valence of their own
        if low == "kind" and i < n - 1 and lower[i + 1] == "of":
            continue
        w = _Word(tokens[i], starts[i], ends[i], lexicon[low])
        w.value, w.rules = _valence(tokens, i, lexicon, cap_diff, lower)
        before[i] = w.value
        scored.append(w)
        at.append(i)
    after = _but(lower, before)
    bi = lower.index("but") if "but" in lower else -1
    for k, w in zip(at, scored):
        b, a = before[k], after[k]
        w.value = a
        if bi < 0 or b == 0 or k == bi:
            continue
        ratio = a / b
        if math.isclose(ratio, 0.5) and k < bi:
            w.rules.append("before 'but' ×0.5")
        elif math.isclose(ratio, 1.5) and k > bi:
            w.rules.append("after 'but' ×1.5")
        else:  # the reference weights by value, so equal values can swap or share the weight
            w.rules.append(f"'but' weighting ×{ratio:.3g} (VADER weights by value; an equal value took it)")
    stripped = expanded.strip()
    n_ex, n_q = stripped.count("!"), stripped.count("?")
    amp = min(n_ex, 4) * 0.292 + (0.0 if n_q <= 1 else n_q * 0.18 if n_q <= 3 else 0.96)
    return _Reading(after, scored, amp, n_ex, n_q, spans, at)


def _evidence_string(reading: _Reading) -> str:
    """``peace +2.5; good +1.9→-1.41 [negated by 'not' ×-0.74]; '!'×2 +0.584`` (empty when nothing scored)."""
    parts = []
    for w in reading.scored:
        if not w.rules and math.isclose(w.value, w.lexicon_value):
            parts.append(f"{w.word} {_fmt(w.lexicon_value)}")
        else:
            parts.append(f"{w.word} {_fmt(w.lexicon_value)}→{_fmt(w.value)} [{'; '.join(w.rules)}]")
    if reading.amplifier and any(reading.values):
        marks = []
        if reading.n_exclaim:
            marks.append(f"'!'×{reading.n_exclaim}")
        if reading.n_question > 1:
            marks.append(f"'?'×{reading.n_question}")
        parts.append(f"{' '.join(marks)} emphasis {_fmt(reading.amplifier)} to the sum")
    return "; ".join(parts)


# -- public: sentences ------------------------------------------------------------------------------------

def _require(frame: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise NewsframeError(f"{what} lacks columns {', '.join(missing)}")


def score_sentences(sentences: pd.DataFrame, *, textblob: bool = True) -> pd.DataFrame:
    """Score every sentence with VADER (reference implementation) and, optionally, TextBlob.

    Parameters
    ----------
    sentences
        The ``sentences`` table (needs ``doc_id``, ``sentence_id``, ``paragraph_id``, ``text``).
    textblob
        Also compute TextBlob's pattern polarity and subjectivity (else those columns are NaN).

    Returns
    -------
    pandas.DataFrame
        The ``sentiment`` table: doc_id, sentence_id, paragraph_id, neg, neu, pos, compound, label,
        evidence, textblob_polarity, textblob_subjectivity.

    Examples
    --------
    >>> import newsframe
    >>> s = score_sentences(newsframe.analyze("The talks were not good.").sentences)
    >>> s.loc[0, "label"], s.loc[0, "evidence"]
    ('negative', "good +1.9→-1.41 [negated by 'not' ×-0.74]")
    """
    _require(sentences, ["doc_id", "sentence_id", "paragraph_id", "text"], "sentences table")
    vader = _vader()
    blob = _textblob_scores if textblob else None
    rows = []
    # (.tolist(): iterating a pandas string column element by element is over ten times slower)
    for doc_id, sid, pid, text in zip(*(sentences[c].tolist() for c in ("doc_id", "sentence_id", "paragraph_id",
                                                                         "text"))):
        text = text if isinstance(text, str) else ""  # a missing text (NaN) scores as empty, not a crash
        scores = vader.polarity_scores(text)
        tb = blob(text) if blob is not None else (float("nan"), float("nan"))
        rows.append((doc_id, sid, pid, scores["neg"], scores["neu"], scores["pos"], scores["compound"],
                     label_for(scores["compound"]), _evidence_string(_read(text)), float(tb[0]), float(tb[1])))
    if not rows:
        return schema.empty("sentiment")
    return pd.DataFrame.from_records(rows, columns=schema.columns("sentiment"))


def sentiment_evidence(sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per word that carried VADER valence, with the rules that changed it.

    Parameters
    ----------
    sentences
        The ``sentences`` table (needs ``doc_id``, ``sentence_id``, ``start``, ``text``).

    Returns
    -------
    pandas.DataFrame
        The ``sentiment_evidence`` table: doc_id, sentence_id, word, start, end, lexicon_value,
        adjusted_value, rules. ``start``/``end`` are document offsets (an emoji's description words point at
        the emoji). Summing ``adjusted_value`` over a sentence gives VADER's raw sum before punctuation
        emphasis and normalisation.
    """
    _require(sentences, ["doc_id", "sentence_id", "start", "text"], "sentences table")
    rows = []
    for doc_id, sid, offset, text in zip(*(sentences[c].tolist() for c in ("doc_id", "sentence_id", "start",
                                                                            "text"))):
        for w in _read(text if isinstance(text, str) else "").scored:
            rows.append((doc_id, sid, w.word, offset + w.start, offset + w.end, w.lexicon_value,
                         round(w.value, 6), "; ".join(w.rules)))
    if not rows:
        return schema.empty("sentiment_evidence")
    return pd.DataFrame.from_records(rows, columns=schema.columns("sentiment_evidence"))


# -- public: tone -----------------------------------------------------------------------------------------

def _tone_row(doc_id: str, level: str, unit_id: str, words: list[str], lexicon: dict[str, float],
              threshold: float, name: str) -> tuple:
    pos: dict[str, int] = {}
    neg: dict[str, int] = {}
    for w in words:
        v = lexicon.get(w)
        if v is None:
            continue
        if v >= threshold:
            pos[w] = pos.get(w, 0) + 1
        elif v <= -threshold:
            neg[w] = neg.get(w, 0) + 1
    n = len(words)
    n_pos, n_neg = sum(pos.values()), sum(neg.values())
    pct = (lambda k: 100.0 * k / n) if n else (lambda k: 0.0)

    def listing(found: dict[str, int]) -> str:
        return " ".join(f"{w}({lexicon[w]:+g})" + (f"×{c}" if c > 1 else "") for w, c in
                        sorted(found.items(), key=lambda wc: (-wc[1], -abs(lexicon[wc[0]]), wc[0])))

    return (doc_id, level, unit_id, n, round(pct(n_pos), 3), round(pct(n_neg), 3),
            round(pct(n_pos) - pct(n_neg), 3), round(pct(n_pos + n_neg), 3), name, listing(pos), listing(neg))


def score_tone(documents: pd.DataFrame, paragraphs: pd.DataFrame, tokens: pd.DataFrame, *,
               lexicon: str | Path = "vader", threshold: float = TONE_THRESHOLD, skip_names: bool = True
               ) -> pd.DataFrame:
    """GDELT-style tone per document and per paragraph from a dictionary of positive and negative words.

    Like GDELT's tone (GCAM), this counts dictionary words, not sentences: ``positive_pct`` is the share of
    words (in %) whose valence is ``>= threshold``, ``negative_pct`` those ``<= -threshold``,
    ``tone = positive_pct - negative_pct`` and ``polarity = positive_pct + negative_pct``. Words are the
    word tokens of the ``tokens`` table (lower case); VADER's rules (negation, boosters) are deliberately not
    applied, so the figure is a plain word count comparable across articles and outlets.

    Parameters
    ----------
    documents, paragraphs, tokens
        The parse tables (``tokens`` needs ``doc_id``, ``sentence_id``, ``paragraph_id``, ``text``,
        ``lower``).
    lexicon
        ``"vader"`` (default) or a CSV of your own with columns ``word`` and ``valence``.
    threshold
        Minimum absolute valence for a word to count (default 1.0 on VADER's -4..+4 scale).
    skip_names
        Do not score capitalised words inside a sentence (not sentence-initial, not opening a quote): they
        are almost always parts of names ("United Nations", "Liberation Army", "Hope" as a place) and say
        nothing about the tone. They still count as words.

    Returns
    -------
    pandas.DataFrame
        The ``tone`` table: doc_id, level, id, word_count, positive_pct, negative_pct, tone, polarity,
        lexicon, positive_words, negative_words. One ``document`` row per document (``id`` = doc_id) and one
        ``paragraph`` row per paragraph (``id`` = the paragraph number as text).
    """
    _require(tokens, ["doc_id", "sentence_id", "paragraph_id", "text", "lower"], "tokens table")
    if threshold <= 0:
        raise NewsframeError(f"tone threshold must be positive, got {threshold}")
    name, lex = load_tone_lexicon(lexicon if isinstance(lexicon, str) else str(lexicon))
    texts = tokens["text"].tolist()
    is_word = [parse.is_word(t) for t in texts]
    keys = _tone_keys(tokens, skip_names=skip_names, texts=texts, is_word=is_word)
    # The word keys of each paragraph, in token order (plain lists: a pandas groupby cost more than the counting).
    by_par: dict[tuple, list[str]] = {}
    for d, pid, key, word in zip(tokens["doc_id"].tolist(), tokens["paragraph_id"].tolist(), keys, is_word):
        if word:
            by_par.setdefault((d, pid), []).append(key)
    pids_of: dict[str, list] = {}
    for d, pid in zip(paragraphs["doc_id"].tolist(), paragraphs["paragraph_id"].tolist()):
        pids_of.setdefault(d, []).append(pid)
    rows = []
    for doc_id in documents["doc_id"]:
        pids = pids_of.get(doc_id, [])
        all_words = [w for pid in pids for w in by_par.get((doc_id, pid), [])]
        rows.append(_tone_row(doc_id, "document", str(doc_id), all_words, lex, threshold, name))
        for pid in pids:
            rows.append(_tone_row(doc_id, "paragraph", str(pid), by_par.get((doc_id, pid), []), lex, threshold,
                                  name))
    if not rows:
        return schema.empty("tone")
    return pd.DataFrame.from_records(rows, columns=schema.columns("tone"))


_QUOTE_OPENERS = frozenset({'"', "“", "‘", "'", "«", ":", "(", "[", "—", "–"})


def _tone_keys(tokens: pd.DataFrame, *, skip_names: bool, texts: list[str] | None = None,
               is_word: list[bool] | None = None) -> list[str]:
    """The lexicon key of each token: its lower-case form, or "" for tokens that should not be scored.

    ``texts`` and ``is_word``: the tokens' texts and :func:`newsframe.parse.is_word` of each, when the caller
    has them already."""
    if not skip_names:
        return tokens["lower"].tolist()
    if texts is None:
        texts = tokens["text"].tolist()
    if is_word is None:
        is_word = [parse.is_word(t) for t in texts]
    keys, prev_sentence, prev_text, first_word = [], None, "", True
    for sid, text, lower, word in zip(zip(tokens["doc_id"].tolist(), tokens["sentence_id"].tolist()), texts,
                                      tokens["lower"].tolist(), is_word):
        if sid != prev_sentence:
            prev_sentence, prev_text, first_word = sid, "", True
        capitalised = text[:1].isupper() and not text.isupper()
        is_name = word and capitalised and not first_word and prev_text not in _QUOTE_OPENERS
        keys.append("" if is_name else lower)
        if word:
            first_word = False
        prev_text = text
    return keys


# -- public: the two methods compared --------------------------------------------------------------------

def compare_methods(sentiment: pd.DataFrame, *, sentences: pd.DataFrame | None = None, n: int = 10
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How far VADER (compound) and TextBlob (pattern polarity) agree across sentences.

    Parameters
    ----------
    sentiment
        The ``sentiment`` table from :func:`score_sentences` (with TextBlob columns).
    sentences
        Optional ``sentences`` table, to show each disagreeing sentence's text.
    n
        How many of the most different sentences to return.

    Returns
    -------
    tuple of pandas.DataFrame
        ``(summary, disagreements)``: the ``method_agreement`` table (Pearson and Spearman correlation,
        label agreement and Cohen's kappa, the number of sentences) and the ``method_disagreements`` table
        (the ``n`` sentences with the largest ``|compound - textblob_polarity|``, largest first).
    """
    _require(sentiment, ["doc_id", "sentence_id", "compound", "label", "textblob_polarity"], "sentiment table")
    if n < 0:
        raise NewsframeError(f"n must be 0 or more, got {n}")
    both = sentiment.dropna(subset=["compound", "textblob_polarity"]).copy()
    both["textblob_label"] = [label_for(p) for p in both["textblob_polarity"]]
    k = len(both)
    x, y = both["compound"].astype(float), both["textblob_polarity"].astype(float)
    varies = k > 1 and x.std() > 0 and y.std() > 0
    pearson = float(x.corr(y)) if varies else float("nan")
    spearman = float(x.corr(y, method="spearman")) if varies else float("nan")
    agree = float((both["label"] == both["textblob_label"]).mean()) if k else float("nan")
    kappa = _cohen_kappa(list(both["label"]), list(both["textblob_label"]))
    summary = pd.DataFrame.from_records([
        ("pearson", pearson, "Pearson r of VADER compound and TextBlob polarity"),
        ("spearman", spearman, "Spearman rank correlation of the same"),
        ("label_agreement", agree, f"share of sentences with the same label (both at ±{POSITIVE_THRESHOLD})"),
        ("cohen_kappa", kappa, "label agreement corrected for chance"),
        ("n_sentences", float(k), "sentences scored by both methods"),
    ], columns=schema.columns("method_agreement"))
    both["difference"] = x - y
    top = both.reindex(both["difference"].abs().sort_values(ascending=False, kind="stable").index).head(n)
    if sentences is not None:
        texts = {(d, s): t for d, s, t in zip(sentences["doc_id"], sentences["sentence_id"], sentences["text"])}
        top["text"] = [texts.get((d, s), "") for d, s in zip(top["doc_id"], top["sentence_id"])]
    else:
        top["text"] = ""
    return summary, schema.conform(top, "method_disagreements")


def _cohen_kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa of two label lists (NaN when undefined)."""
    n = len(a)
    if n == 0:
        return float("nan")
    observed = sum(x == y for x, y in zip(a, b)) / n
    labels = set(a) | set(b)
    expected = sum((a.count(c) / n) * (b.count(c) / n) for c in labels)
    return float("nan") if expected == 1 else (observed - expected) / (1 - expected)
