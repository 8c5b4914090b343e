"""Part-of-speech tags and verb lemmas (newsframe.grammar)."""
import socket

import pytest

import newsframe
from newsframe import schema
from newsframe.grammar import is_verb_tag, pos_tags, tag_words, verb_lemma


@pytest.mark.parametrize("word, lemma", [
    ("dismissed", "dismiss"), ("proposed", "propose"), ("urges", "urge"), ("urged", "urge"),
    ("hosting", "host"), ("spoke", "speak"), ("agreed", "agree"), ("welcomed", "welcome"),
    ("announced", "announce"), ("negotiated", "negotiate"), ("defeated", "defeat"), ("stopped", "stop"),
    ("admitted", "admit"), ("called", "call"), ("added", "add"), ("changed", "change"),
    ("belonged", "belong"), ("tried", "try"), ("saying", "say"), ("pushes", "push"), ("goes", "go"),
    ("making", "make"), ("met", "meet"), ("said", "say"), ("told", "tell"), ("was", "be"),
    ("has", "have"), ("Warned", "warn"), ("seized", "seize"), ("handled", "handle"),
    ("continued", "continue"), ("accused", "accuse"), ("focused", "focus"), ("withdrew", "withdraw"),
])
def test_verb_lemma(word, lemma):
    assert verb_lemma(word) == lemma


def test_tagger_works_without_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the tagger tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    tags = tag_words(["Moscow", "dismissed", "a", "joint", "call", "from", "Western", "nations", "."])
    assert tags[0] == "NNP" and tags[1] == "VBD" and tags[4] == "NN"


@pytest.mark.parametrize("words, expected", [
    (["Trump", "urged", "Ukraine", "to", "accept", "."], {1: "VBD", 3: "TO", 4: "VB"}),
    (["The", "US", "and", "us", "."], {1: "NNP", 3: "PRP"}),
    (["Trump", "’s", "push", "shifted", "attention", "."], {1: "POS", 3: "VBD"}),
    (["He", "risks", "criticism", "."], {0: "PRP", 1: "VBZ"}),
])
def test_tag_words(words, expected):
    tags = tag_words(words)
    assert len(tags) == len(words)
    for i, tag in expected.items():
        assert tags[i] == tag, (words[i], tags)


def test_pos_tags_aligned_to_tokens():
    a = newsframe.analyze("Putin proposed talks. Erdogan welcomed the idea and spoke with Putin.")
    tags = pos_tags(a.tokens)
    shuffled = pos_tags(a.tokens.iloc[::-1])  # row order must not change the tags
    assert list(tags.index) == list(a.tokens.index)
    by_word = dict(zip(a.tokens["text"], tags))
    assert by_word["proposed"] == "VBD" and by_word["welcomed"] == "VBD" and by_word["spoke"] == "VBD"
    assert list(shuffled.index) == list(a.tokens.index[::-1])
    assert shuffled.sort_index().tolist() == tags.tolist()
    assert is_verb_tag(by_word["spoke"]) and not is_verb_tag(by_word["idea"])


def test_pos_tags_empty():
    assert pos_tags(schema.empty("tokens")).empty


def test_to_before_a_name_stays_a_verb():
    tags = tag_words(["leaders", "gathered", "to", "present", "Russia", "with", "a", "deadline", "."])
    assert tags[3] == "VB"
    assert tag_words(["open", "to", "direct", "talks", "."])[2] == "JJ"


def test_fast_context_rules_equal_textblobs_own_loop():
    # The indexed rule applier must give exactly what TextBlob's Context.apply gives, also when rare rules fire:
    # sentences written for this test, each tagged by the lexicon, then with tags scrambled at random.
    import random

    from textblob import _text
    from textblob.en import lexicon

    from newsframe.grammar import _FastContext, _tagger

    _tagger()
    fast = _FastContext(lexicon.context)
    sentences = [
        "The minister said on Monday that talks to end the war would resume in Geneva .",
        "Prices rose as the central bank cut its forecast , and investors sold shares .",
        "He refused to comment , but his office later denied that the plan had failed .",
        "Negotiators are expected to meet again next week , officials told reporters .",
        "“ We will not accept blackmail , ” she said , adding that the offer was a trap .",
        "The ruling , which many lawyers had feared , was upheld by the court in a close vote .",
    ]
    labels = sorted({r[0] for r in lexicon.context} | {r[3] for r in lexicon.context})
    rng = random.Random(0)
    compared = changed = 0
    for text in sentences:
        base = _text.find_tags(text.split(), lexicon=lexicon, morphology=lexicon.morphology, context=None,
                               entities=None, default=("NN", "NNP", "CD"), language="en")
        for scramble in (0.0, 0.3, 0.6):
            for _ in range(20 if scramble else 1):
                tagged = [[w, rng.choice(labels) if rng.random() < scramble else t] for w, t in base]
                expected = lexicon.context.apply([list(x) for x in tagged])
                got = fast.apply([list(x) for x in tagged])
                assert [tuple(x) for x in got] == [tuple(x) for x in expected]
                compared += 1
                changed += [tuple(x) for x in expected] != [tuple(x) for x in tagged]
    assert compared == 6 * 41 and changed > 50  # the rules did rewrite tags: the comparison is not vacuous


def test_fast_tagger_equals_textblobs_find_tags():
    # The whole pass (lexicon, unknown words, context rules, named entities) against TextBlob's own find_tags
    # with its own Morphology/Context/Entities classes, on sentences written for this test that reach the
    # rarer paths: a sentence-initial word known only in lower case, capitalised and number-like unknown
    # words, made-up words for the suffix rules, multi-word entities, a URL, an address and a web domain.
    from textblob import _text
    from textblob.en import lexicon

    from newsframe.grammar import _FastTagger

    fast = _FastTagger(lexicon)
    sentences = [
        "Talks resumed in Geneva on Monday after the ceasefire collapsed .",
        "MOSCOW REJECTED THE PLAN , OFFICIALS SAID ON TUESDAY .",
        "the minister said 3.5 % of 1,200 voters backed the 2024-25 budget .",
        "Zelensky met Alexander the Great and 50 Cent in New York City .",
        "Write to press@example.org or see http://example.com and www.example.com today .",
        "Grumbling flummoxed decarbonisers unbelievably reshuffled twelvefold microgrids .",
        "He 's been overpricing antiwar ceasefires , hasn't he ?",
        "Prices rose as the central bank cut its forecast , and investors sold shares .",
        "They want to present Russia with a deadline but open to direct talks .",
    ]
    compared = 0
    for text in sentences:
        words = text.split()
        expected = _text.find_tags(words, lexicon=lexicon, morphology=lexicon.morphology, context=lexicon.context,
                                   entities=lexicon.entities, default=("NN", "NNP", "CD"), language="en")
        assert [tuple(x) for x in fast.find_tags(words)] == [tuple(x) for x in expected], text
        compared += len(words)
    # The entity pass did fire (an entity tag carries its kind), so that path was compared too.
    assert any("-PERS" in t for _w, t in fast.find_tags(sentences[3].split())) and compared > 90


# What makes each context command hold: (offset from the word, 0 = word or 1 = tag, "x" or "y"); for
# "prev1or2tag" and the like, one of the offsets is picked at random.
_SATISFY = {
    "prevtag": [[(-1, 1, "x")]], "nexttag": [[(1, 1, "x")]], "prev2tag": [[(-2, 1, "x")]],
    "next2tag": [[(2, 1, "x")]], "prev1or2tag": [[(-1, 1, "x")], [(-2, 1, "x")]],
    "next1or2tag": [[(1, 1, "x")], [(2, 1, "x")]],
    "prev1or2or3tag": [[(-1, 1, "x")], [(-2, 1, "x")], [(-3, 1, "x")]],
    "next1or2or3tag": [[(1, 1, "x")], [(2, 1, "x")], [(3, 1, "x")]],
    "surroundtag": [[(-1, 1, "x"), (1, 1, "y")]], "curwd": [[(0, 0, "x")]], "prevwd": [[(-1, 0, "x")]],
    "nextwd": [[(1, 0, "x")]], "prev1or2wd": [[(-1, 0, "x")], [(-2, 0, "x")]],
    "next1or2wd": [[(1, 0, "x")], [(2, 0, "x")]], "prevwdtag": [[(-1, 0, "x"), (-1, 1, "y")]],
    "nextwdtag": [[(1, 0, "x"), (1, 1, "y")]], "wdprevtag": [[(-1, 1, "x"), (0, 0, "y")]],
    "wdnexttag": [[(0, 0, "x"), (1, 1, "y")]], "wdand2aft": [[(0, 0, "x"), (2, 0, "y")]],
    "wdand2tagbfr": [[(-2, 1, "x"), (0, 0, "y")]], "wdand2tagaft": [[(0, 0, "x"), (2, 1, "y")]],
    "lbigram": [[(-1, 0, "x"), (0, 0, "y")]], "rbigram": [[(0, 0, "x"), (1, 0, "y")]],
    "prevbigram": [[(-2, 1, "x"), (-1, 1, "y")]], "nextbigram": [[(1, 1, "x"), (2, 1, "y")]],
}


def test_fast_context_rules_equal_textblobs_own_loop_for_every_rule():
    # For every context rule, random windows built so that its condition holds at the middle word (the other
    # words and tags drawn from the rules' own words and tags, so that other rules compete), compared with
    # TextBlob's loop: word rules ("curwd", "rbigram", ...) fire here, which ordinary sentences rarely reach.
    import random

    from textblob.en import lexicon

    from newsframe.grammar import _FastContext, _tagger

    _tagger()
    rules = list(lexicon.context)
    fast = _FastContext(rules)
    tags = sorted({r[0] for r in rules if r[0] != "*"} | {r[1] for r in rules})
    words = sorted({r[k] for r in rules for k in (3, 4) if len(r) > k and r[2].lower().find("wd") >= 0}
                   | {"the", "said", "talks", "."})
    rng = random.Random(1)
    compared = fired = 0
    for r in rules:
        cmd = r[2].lower()
        x, y = r[3], r[4] if len(r) > 4 else ""
        for _ in range(3):
            n = rng.randint(7, 10)
            mid = rng.randint(3, n - 4)
            toks = [[rng.choice(words), rng.choice(tags)] for _ in range(n)]
            toks[mid][1] = r[0] if r[0] != "*" else rng.choice(tags)
            for offset, field, which in rng.choice(_SATISFY[cmd]):
                toks[mid + offset][field] = x if which == "x" else y
            if toks[mid][1] == "*":
                continue
            expected = lexicon.context.apply([list(t) for t in toks])
            got = fast.apply([list(t) for t in toks])
            assert [tuple(t) for t in got] == [tuple(t) for t in expected], (r, toks)
            compared += 1
            fired += expected[mid][1] != toks[mid][1]
    assert compared > 800 and fired > 300


def test_pos_tags_same_when_sentences_are_interleaved():
    # A parsed table (each sentence's rows together) is tagged by slicing runs of rows; a table whose rows of
    # two sentences alternate (no token_id to restore the order) goes row by row. Both must tag each sentence
    # as the sentence it is.
    a = newsframe.analyze("Moscow dismissed the call. Trump urged Ukraine to accept the plan.")
    tokens = a.tokens.drop(columns=["token_id"])
    first = tokens.index[tokens["sentence_id"] == 1].tolist()
    second = tokens.index[tokens["sentence_id"] == 2].tolist()
    mixed = [x for pair in zip(first, second) for x in pair] + first[len(second):] + second[len(first):]
    together = pos_tags(tokens)
    interleaved = pos_tags(tokens.loc[mixed])
    assert list(interleaved.index) == mixed
    assert interleaved.loc[tokens.index].tolist() == together.tolist()
    assert together.tolist()[:3] == ["NNP", "VBD", "DT"] and together.tolist()[6] == "VBD"
