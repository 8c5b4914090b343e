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
