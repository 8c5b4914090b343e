"""Exploration helpers on tiny texts whose answers are worked out by hand."""
import math

import pandas as pd
import pytest

import newsframe
from newsframe import NewsframeError, explore, schema


def _a(text):
    return newsframe.analyze(text)


TALKS = ("Peace talks began in Istanbul. The peace talks stalled, and talks resumed. "
         "Russia wants talks. Ukraine wants peace.")


# -- term frequencies -------------------------------------------------------------------------------------
def test_term_frequencies_counts_and_rates():
    tf = explore.term_frequencies(_a(TALKS).tokens)
    assert list(tf.columns) == list(schema.VIEWS["term_frequencies"])
    top = tf.set_index("term")
    # 18 words in all; "talks" 4 times, "peace" 3 times, stop words ("the", "and", "in") left out
    assert top.loc["talks", "n"] == 4 and top.loc["peace", "n"] == 3 and "the" not in top.index
    assert math.isclose(top.loc["talks", "per_1000"], round(4 * 1000 / 18, 3))
    assert tf["term"].iloc[:2].tolist() == ["talks", "peace"] and tf["rank"].iloc[:2].tolist() == [1, 2]
    assert top.loc["wants", "rank"] == 3 and top.loc["began", "rank"] == 4  # ties share a rank


def test_term_frequencies_with_stopwords_and_stems():
    toks = _a(TALKS).tokens
    with_stop = explore.term_frequencies(toks, remove_stopwords=False).set_index("term")
    assert with_stop.loc["the", "n"] == 1 and with_stop["n"].sum() == 18
    stems = explore.term_frequencies(toks, by="stem").set_index("term")
    # talks x4 plus "stalled"/"resumed"... stay apart; "wants" (x2) is named by its form, not the stem "want"
    assert stems.loc["wants", "n"] == 2 and stems.loc["talks", "forms"] == "talks"
    merged = explore.term_frequencies(_a("He talks. They talked. Talking helps.").tokens, by="stem")
    assert merged.iloc[0][["n", "forms"]].tolist() == [3, "talks talked talking"]


def test_term_frequencies_n_docs_over_a_corpus():
    a = newsframe.analyze(["Talks began.", "Talks ended. More talks.", "Nothing."])
    tf = explore.term_frequencies(a.tokens).set_index("term")
    assert tf.loc["talks", ["n", "n_docs"]].tolist() == [3, 2]


def test_custom_stopword_list_and_bad_option():
    tf = explore.term_frequencies(_a(TALKS).tokens, stopwords=["talks", "peace"])
    assert "talks" not in set(tf["term"]) and "the" in set(tf["term"])
    with pytest.raises(NewsframeError, match="by="):
        explore.term_frequencies(_a(TALKS).tokens, by="lemma")


# -- n-grams and collocations -----------------------------------------------------------------------------
def test_ngrams_do_not_cross_sentences_or_punctuation():
    a = _a("Moscow, Kyiv talks. Kyiv talks, Moscow waits.")
    grams = explore.ngrams(a.tokens, n=2).set_index("ngram")
    assert grams.loc["kyiv talks", "n"] == 2
    assert "moscow kyiv" not in grams.index and "talks kyiv" not in grams.index and "talks moscow" not in grams.index
    assert set(grams.index) == {"kyiv talks", "moscow waits"}


def test_ngrams_stopword_removal_drops_ngrams_not_words():
    a = _a("The talks in Istanbul ended. Talks in Istanbul resumed.")
    kept = set(explore.ngrams(a.tokens, n=2, remove_stopwords=True)["ngram"])
    assert kept == {"istanbul ended", "istanbul resumed"}  # never the invented "talks istanbul"
    tri = explore.ngrams(a.tokens, n=3).set_index("ngram")
    assert tri.loc["talks in istanbul", ["n", "size"]].tolist() == [2, 3]


def test_ngrams_possessive_does_not_break_the_run():
    grams = set(explore.ngrams(_a("Ukraine’s position held.").tokens, n=2)["ngram"])
    assert grams == {"ukraine position", "position held"}


def test_collocations_pmi_by_hand():
    # words: a b x / a b y / c d  -> 8 words; "a b" twice, a=2, b=2: PMI = log2(2*8/(2*2)) = 2
    a = _a("Aa bb xx. Aa bb yy. Cc dd.")
    col = explore.collocations(a.tokens, measure="pmi", min_count=2, remove_stopwords=False)
    assert list(col.columns) == list(schema.VIEWS["collocations"])
    assert col["collocation"].tolist() == ["aa bb"]
    assert col.iloc[0][["n", "n_w1", "n_w2"]].tolist() == [2, 2, 2]
    assert math.isclose(col["score"].iloc[0], 2.0)


def test_collocations_llr_ranks_the_strong_pair_first():
    text = ("Peace talks resumed. Peace talks stalled. Peace talks ended. Leaders met. Leaders talked. "
            "Soldiers met again. Peace returned.")
    col = explore.collocations(_a(text).tokens, measure="llr", min_count=2)
    assert col["collocation"].iloc[0] == "peace talks" and col["score"].iloc[0] > 0
    with pytest.raises(NewsframeError, match="measure"):
        explore.collocations(_a(text).tokens, measure="dice")


# -- kwic and dispersion ----------------------------------------------------------------------------------
def test_kwic_word_phrase_wildcard_and_regex():
    a = _a(TALKS)
    text = a.documents["text"].iloc[0]
    word = explore.kwic(a.documents, a.tokens, "Talks", window=2)
    assert len(word) == 4 and list(word.columns) == list(schema.VIEWS["kwic"])
    assert all(text[s:e] == m for s, e, m in zip(word.start, word.end, word.match))
    assert word.iloc[1][["left", "match", "right", "sentence_id"]].tolist() == ["The peace", "talks", "stalled,", 2]
    phrase = explore.kwic(a.documents, a.tokens, "peace talks", window=1)
    assert phrase["match"].tolist() == ["Peace talks", "peace talks"] and phrase["left"].tolist() == ["", "The"]
    assert len(explore.kwic(a.documents, a.tokens, "want*")) == 2
    rx = explore.kwic(a.documents, a.tokens, r"\bres\w+", regex=True, window=1)
    assert rx[["left", "match", "right"]].values.tolist() == [["talks", "resumed", "."]]


def test_kwic_bad_pattern():
    a = _a(TALKS)
    with pytest.raises(NewsframeError, match="regular expression"):
        explore.kwic(a.documents, a.tokens, "(unclosed", regex=True)
    with pytest.raises(NewsframeError):
        explore.kwic(a.documents, a.tokens, "  ")


def test_dispersion_positions():
    a = _a("Putin spoke. Then Zelensky spoke, and Putin left.")  # 8 words
    d = explore.dispersion(a.tokens, ["Putin", "Zelensky"])
    assert list(d.columns) == list(schema.VIEWS["dispersion"])
    putin = d.loc[d.term == "Putin"]
    assert putin["position"].tolist() == [1, 7] and putin["relative"].tolist() == [0.0, round(6 / 7, 4)]
    assert putin["sentence_id"].tolist() == [1, 2]
    assert d.loc[d.term == "Zelensky", "position"].tolist() == [4]
    assert explore.dispersion(a.tokens, "Erdogan").empty


# -- readability and diversity ----------------------------------------------------------------------------
def test_flesch_by_hand():
    # 6 words, 1 sentence, 6 syllables: 206.835 - 1.015*6 - 84.6*1 = 116.145; 0.39*6 + 11.8 - 15.59 = -1.45
    r = explore.readability(*(lambda a: (a.sentences, a.tokens))(_a("The cat sat on the mat.")))
    row = r.iloc[0]
    assert row[["n_sentences", "n_words", "n_syllables"]].tolist() == [1, 6, 6]
    assert math.isclose(row["flesch_reading_ease"], 116.15) and math.isclose(row["flesch_kincaid_grade"], -1.45)


def test_flesch_two_sentences_by_hand():
    # "International decisions continued." 3 words, 5+3+3 = 11 syllables; "Peace came." 2 words, 2 syllables
    a = _a("International decisions continued. Peace came.")
    row = explore.readability(a.sentences, a.tokens).iloc[0]
    assert row[["n_sentences", "n_words", "n_syllables"]].tolist() == [2, 5, 13]
    assert row["words_per_sentence"] == 2.5 and row["words_per_sentence_median"] == 2.5
    assert math.isclose(row["flesch_reading_ease"], round(206.835 - 1.015 * 2.5 - 84.6 * 13 / 5, 2))


def test_readability_leaves_numbers_out():
    a = _a("In 2022 the war began.")
    assert explore.readability(a.sentences, a.tokens)["n_words"].item() == 4


SYLLABLES = {
    "the": 1, "cat": 1, "make": 1, "table": 2, "asked": 1, "wanted": 2, "boxes": 2, "makes": 1, "media": 3,
    "video": 3, "actual": 3, "nation": 2, "president": 3, "ceasefire": 2, "international": 5, "diplomacy": 4,
    "sanctions": 2, "meeting": 2, "agreed": 2, "simply": 2, "people": 2, "little": 2, "going": 2, "being": 2,
    "changes": 2, "places": 2, "business": 3, "year": 1, "ready": 2, "area": 3, "idea": 3, "violence": 3,
    "previous": 3, "serious": 3, "usual": 3, "radio": 3, "period": 3, "trial": 2, "fighting": 2, "continues": 3,
    "uncertain": 3, "circumstances": 4, "face-to-face": 3, "league": 1, "million": 2, "opinion": 3, "region": 2,
    "Russia": 2, "social": 2, "language": 2, "equal": 2, "saying": 2, "played": 1, "tries": 1, "goes": 1,
    "issues": 2, "Putin": 2, "Istanbul": 3, "officials": 3, "attacks": 2, "needed": 2, "Ukraine": 2,
    "military": 4, "deadline": 2, "statement": 2, "lovely": 2, "criticism": 4, "involvement": 3, "because": 2,
    "2022": 0, "—": 0,
}


@pytest.mark.parametrize("word,expected", list(SYLLABLES.items()))
def test_count_syllables(word, expected):
    assert explore.count_syllables(word) == expected


def test_lexical_diversity_by_hand():
    # a b a b c: 5 words, 3 types; windows of 3: {a,b}, {a,b}, {a,b,c} -> (2+2+3)/9
    a = _a("aa bb aa bb cc.")
    ld = explore.lexical_diversity(a.tokens, window=3).iloc[0]
    assert ld[["n_words", "n_types"]].tolist() == [5, 3]
    assert math.isclose(ld["ttr"], 0.6) and math.isclose(ld["mattr"], round(7 / 9, 4))
    short = explore.lexical_diversity(a.tokens, window=50).iloc[0]
    assert math.isclose(short["mattr"], short["ttr"])  # shorter than the window: MATTR is the TTR


def test_lexical_diversity_matches_brute_force():
    text = " ".join(["alpha beta gamma alpha delta beta epsilon alpha"] * 7) + "."
    toks = _a(text).tokens
    words = [w for w in toks["lower"] if w.isalpha()]
    brute = sum(len(set(words[i:i + 10])) / 10 for i in range(len(words) - 9)) / (len(words) - 9)
    assert math.isclose(explore.lexical_diversity(toks, window=10)["mattr"].item(), round(brute, 4))


def test_helpers_on_the_seed_return_their_views(seed_analysis):
    a = seed_analysis
    frames = {
        "term_frequencies": explore.term_frequencies(a.tokens),
        "ngrams": explore.ngrams(a.tokens, n=3),
        "collocations": explore.collocations(a.tokens),
        "kwic": explore.kwic(a.documents, a.tokens, "ceasefire"),
        "dispersion": explore.dispersion(a.tokens, ["Putin", "Zelensky"]),
        "readability": explore.readability(a.sentences, a.tokens),
        "lexical_diversity": explore.lexical_diversity(a.tokens),
    }
    for name, frame in frames.items():
        assert list(frame.columns) == list(schema.VIEWS[name]) and not frame.empty, name


def test_helpers_reject_wrong_tables():
    with pytest.raises(NewsframeError, match="tokens"):
        explore.term_frequencies(pd.DataFrame({"x": [1]}))


# -- overview plots ---------------------------------------------------------------------------------------
def test_overview_plots_carry_sentence_ids_in_hover():
    from newsframe import plots

    a = _a("Putin spoke. Then Zelensky spoke, and Putin left.\n\nTalks ended.")
    tf = plots.plot_term_frequencies(explore.term_frequencies(a.tokens), a.tokens, top=2)
    bar = tf.data[0]
    assert list(bar.y) == ["spoke", "putin"]  # most frequent at the top of a horizontal bar chart
    assert "sentences: 1 2" in bar.hovertext[1]
    disp = plots.plot_dispersion(explore.dispersion(a.tokens, ["Putin", "Talks"]))
    assert [t.name for t in disp.data] == ["Putin", "Talks"]
    assert list(disp.data[0].x) == [0.0, round(6 / 9, 4)]  # 10 words and "sentence 2" in disp.data[0].hovertext[1]
    lengths = plots.plot_sentence_lengths(a.sentences)
    assert list(lengths.data[0].y) == [2, 6, 2] and "sentence 3" in lengths.data[0].hovertext[2]
