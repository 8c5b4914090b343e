"""Bounded cost on any input (issue 10): the policy frames' encoder reads a bounded choice of sentences per
document, the encoder streams long inputs chunk by chunk, and ``render --strict``."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import newsframe
from newsframe import cli, encoder, frames

from conftest import require


def _table(n: int, doc: str = "d") -> pd.DataFrame:
    return pd.DataFrame({"doc_id": doc, "sentence_id": range(1, n + 1), "text": [f"s{i}" for i in range(1, n + 1)]})


# -- which sentences the prototype signal reads -----------------------------------------------------------
def test_a_short_document_has_every_sentence_encoded():
    assert frames.encoded_sentence_ids(_table(16), max_sentences=16) == {("d", i) for i in range(1, 17)}


def test_a_long_document_has_lead_lexicon_and_evenly_spaced_sentences():
    hits = pd.DataFrame({"doc_id": "d", "frame": ["A", "A", "B", "B", "B"], "sentence_id": [30, 30, 10, 20, 5],
                         "weight": [1.0, 1.0, 1.0, 1.0, 0.5]})
    got = frames.encoded_sentence_ids(_table(40), hits, max_sentences=8)
    # Lead: s1, s2. Lexicon, 4 sentences, round by round over the frames, heavier first (B 2.5, A 2.0):
    # B's s10 (a tie with s20: the earlier), A's s30, B's s20, A has no more, B's s5.
    # The other 34 sentences are spaced at positions 8 and 25: s13 and s32.
    assert got == {("d", s) for s in (1, 2, 10, 30, 20, 5, 13, 32)}
    # Documents are chosen apart; another document's hits do not count here.
    both = frames.encoded_sentence_ids(pd.concat([_table(40), _table(3, "e")]), hits, max_sentences=8)
    assert both == got | {("e", 1), ("e", 2), ("e", 3)}
    # Without hits: lead, then 6 evenly spaced over the 38 of s3..s40: positions int((k + 0.5) * 38 / 6).
    plain = frames.encoded_sentence_ids(_table(40), max_sentences=8)
    assert plain == {("d", s) for s in (1, 2, 6, 12, 18, 25, 31, 37)}
    with pytest.raises(newsframe.NewsframeError):
        frames.encoded_sentence_ids(_table(3), max_sentences=0)


def test_policy_frames_encode_at_most_the_cap_and_say_so(monkeypatch):
    seen: list[str] = []
    rng = np.random.default_rng(0)

    def unit(n):
        v = rng.normal(size=(n, 384))
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def fake_vectors(texts):
        seen.extend(texts)
        return unit(len(texts))

    n_protos = len(frames.load_prototypes())
    monkeypatch.setattr(frames, "_sentence_vectors", fake_vectors)
    monkeypatch.setattr(frames, "_prototype_vectors", lambda path, mode: unit(n_protos))
    monkeypatch.setattr(frames, "encoder_available", lambda: True)
    long_text = " ".join(f"The council read item {i} of its agenda aloud." for i in range(1, 41))
    a = newsframe.analyze(long_text)
    assert len(a.sentences) == 40
    seen.clear()
    policy = frames.code_policy_frames(a.sentences, a.tokens)
    assert len(seen) == frames.POLICY_MAX_ENCODED == 16
    assert (policy["method"] == "lexicon + MiniLM prototypes (16 of 40 sentences encoded)").all()
    # A short text: every sentence, and the method says nothing more.
    short = newsframe.analyze("The council met. It read the agenda.")
    assert (frames.code_policy_frames(short.sentences)["method"] == "lexicon + MiniLM prototypes").all()
    # max_sentences=None encodes everything.
    seen.clear()
    sim = frames.prototype_similarity(a.sentences, max_sentences=None)
    assert len(seen) == 40 and sim["sentence_id"].nunique() == 40


def test_the_seed_reads_the_same_frames_with_the_cap(seed_analysis):
    require(encoder.available(), "torch / MiniLM package not installed")
    a = seed_analysis
    assert len(a.sentences) > frames.POLICY_MAX_ENCODED  # the cap applies to the bundled article
    present = set(a.frames_policy.loc[a.frames_policy["present"], "frame"])
    assert {"Political", "Security_and_defense", "External_regulation_and_reputation"} <= present
    assert a.frames_policy["method"].str.endswith(f"({frames.POLICY_MAX_ENCODED} of {len(a.sentences)} "
                                                  "sentences encoded)").all()


# -- the encoder: chunks and batches ----------------------------------------------------------------------
def test_long_inputs_are_encoded_chunk_by_chunk_without_keeping_states(monkeypatch):
    require(encoder.available(), "torch / MiniLM package not installed")
    texts = [f"The ferry to island {w} left late on day {i}." for i, w in enumerate("abcde")]
    encoder.clear_cache()
    whole = encoder.sentence_means(texts)
    calls: list[int] = []
    forward = encoder._forward

    def counting(chunk, limit, **kw):
        calls.append(len(chunk))
        return forward(chunk, limit, **kw)

    monkeypatch.setattr(encoder, "_forward", counting)
    monkeypatch.setattr(encoder, "_CHUNK", 2)
    encoder.clear_cache()
    found = encoder._encode(texts, 256, need_states=False, batch_size=32)
    assert calls == [2, 2, 1]
    assert all(e.states is None for e in found.values())  # means only: nothing per word piece is held
    assert np.allclose(np.stack([found[t].mean for t in texts]), whole, atol=1e-5)
    # Span queries go chunk by chunk too, and give the same vectors as one pass.
    encoder.clear_cache()
    calls.clear()
    spans = [(4, 9)] * 5
    chunked = encoder.span_vectors(texts, spans)
    assert calls == [2, 2, 1]
    monkeypatch.setattr(encoder, "_CHUNK", 256)
    encoder.clear_cache()
    assert np.allclose(chunked, encoder.span_vectors(texts, spans), atol=1e-5)


# -- render --strict --------------------------------------------------------------------------------------
def test_render_strict_stops_at_the_first_bad_record(tmp_path, capsys):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "text": "Putin met Erdogan."}\n{not json}\n', encoding="utf-8")
    out = tmp_path / "reports"
    code = cli.main(["render", str(corpus), "--out", str(out), "--strict"])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "line 2 is not valid JSON" in lines[0] and "Traceback" not in err
    assert not out.exists()


# -- one list of inverting reporting verbs ----------------------------------------------------------------
def test_inverting_verbs_come_from_the_speech_verb_lexicon():
    from newsframe import actors
    from newsframe.attribution import load_speech_verbs

    lex = pd.read_csv(newsframe.config.SPEECH_VERBS_PATH, dtype=str, keep_default_na=False)
    flagged = set(lex.loc[lex["inverts"] == "yes", "lemma"])
    assert actors._inverting_verbs() == flagged and {"say", "reply", "continue"} <= flagged
    assert set(lex.loc[lex["inverts"] == "yes", "pos"]) == {"verb"}
    assert set(lex["inverts"]) == {"", "yes"}
    assert "inverts" in load_speech_verbs().columns  # the attribution loader keeps the column


@pytest.mark.parametrize("text, expected", [
    ('"We will rebuild the port," replied Zelensky.', ("zelensky", "reply")),
    ('"The port will open in spring," continued Zelensky.', ("zelensky", "continue")),
])
def test_inverted_reply_and_continue_find_their_subject(text, expected):
    acts = newsframe.analyze(text).actions
    assert list(zip(acts["actor_id"], acts["lemma"]))[-1:] == [expected]


# -- the tagger's suffix rules for unknown words ---------------------------------------------------------
def test_fast_morphology_equals_textblobs_own_loop():
    # Every rule of TextBlob's Morphology, on words written for this test, made-up words and lower-cased
    # names, with neighbours taken from the words its goodleft/goodright rules name and ordinary words.
    import random

    from textblob.en import lexicon

    from newsframe.grammar import _FastMorphology

    slow = lexicon.morphology
    fast = _FastMorphology(slow)
    assert len(fast.rules) == len(list(slow)) > 100 and fast.left and fast.right
    words = ("zelensky kyiv putin sbu gitanas lammy tajani unbelievably reshuffling overprice antiwar "
             "microgrids decarbonised twelvefold re-election 1990s fourth-largest blah xq ingly ness "
             "flummoxed grumbling dejectedly biodiversity ceasefires").split()
    rng = random.Random(0)
    letters = "abcdefghilmnorstuy"
    endings = ["", "ed", "ing", "ly", "s", "ness", "ment", "ous"]
    words += ["".join(rng.choice(letters) for _ in range(rng.randint(2, 11))) + rng.choice(endings)
              for _ in range(400)]
    neighbours = [None, "the", "said", "he", *sorted(fast.left), *sorted(fast.right)]
    compared = 0
    for w in words:
        for _ in range(6):
            prev, nxt = (rng.choice(neighbours), "NN"), (rng.choice(neighbours), "NN")
            for tag in ("NN", "VB", "JJ"):
                assert fast.apply([w, tag], prev, nxt) == slow.apply([w, tag], prev, nxt), (w, tag, prev, nxt)
                compared += 1
    assert compared > 7000
    # The whole tagger on a lower-case transcript gives the tags TextBlob's own morphology gives.
    from textblob import _text

    text = "putin said the sbu reshuffling was unbelievably grumbling antiwar talk twelvefold in kyiv".split()
    ours = _text.find_tags(text, lexicon=lexicon, morphology=fast, context=None, entities=None,
                           default=("NN", "NNP", "CD"), language="en")
    theirs = _text.find_tags(text, lexicon=lexicon, morphology=slow, context=None, entities=None,
                             default=("NN", "NNP", "CD"), language="en")
    assert ours == theirs


def test_token_regex_gives_the_tokens_of_its_backtracking_form():
    # The possessive letter runs of parse._TOKEN only skip work: the same spans as the plain form on random
    # strings of letters, marks, quotes, hyphens, digits and dots, and on possessives written for this test.
    import random

    import regex

    from newsframe import parse

    plain = regex.compile(parse._TOKEN.pattern.replace("]*+", "]*"), regex.VERBOSE | regex.VERSION0)
    assert plain.pattern != parse._TOKEN.pattern
    rng = random.Random(0)
    alphabet = "ab's’-. ÉéoğŞ1,2%'\u0301"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(5000)]
    texts.append("it's Putin's the U.S.'s don't rock-'n'-roll ’s 's x's O'Brien's Erdoğan’s 1990s 3.5%")
    for t in texts:
        assert parse.token_spans(t) == [(m.start(), m.end()) for m in plain.finditer(t)], t
    assert parse.token_spans("Putin's") == [(0, 5), (5, 7)]
