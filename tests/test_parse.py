"""Parse tables: paragraphs, sentences and tokens, with offsets that always slice back to the text."""
from pathlib import Path
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsframe
from newsframe import config, parse


def _sentences(text: str) -> list[str]:
    return newsframe.analyze(text).sentences["text"].tolist()


def test_seed_has_9_paragraphs_and_24_sentences(seed_analysis):
    assert len(seed_analysis.paragraphs) == 9
    assert len(seed_analysis.sentences) == 24


@pytest.mark.parametrize("table", ["paragraphs", "sentences", "tokens"])
def test_seed_offsets_slice_back_to_text(seed_analysis, table):
    text = seed_analysis.text[seed_analysis.documents.doc_id[0]]
    frame = seed_analysis[table]
    assert all(text[s:e] == t for s, e, t in zip(frame.start, frame.end, frame.text))


# Short texts written for these tests; each case names what it guards against.
@pytest.mark.parametrize("text,expected", [
    pytest.param("Mr. Smith met Dr. Jones in the U.S. capital. They talked.",
                 ["Mr. Smith met Dr. Jones in the U.S. capital.", "They talked."], id="titles-and-U.S."),
    pytest.param("He flew to the U.S. Then he went home.", ["He flew to the U.S.", "Then he went home."],
                 id="abbreviation-ends-sentence-before-function-word"),
    pytest.param("She moved to the U.K. in 2010. It rained.", ["She moved to the U.K. in 2010.", "It rained."],
                 id="U.K.-mid-sentence"),
    pytest.param("Sen. Graham and Gen. Milley met on Jan. 5 at 9 a.m. in St. Louis. It was cold.",
                 ["Sen. Graham and Gen. Milley met on Jan. 5 at 9 a.m. in St. Louis.", "It was cold."],
                 id="ranks-months-times-saints"),
    pytest.param("Talks end at 5 p.m. He will fly home.", ["Talks end at 5 p.m.", "He will fly home."],
                 id="p.m.-ends-sentence"),
    pytest.param("George W. Bush said it was over. Nobody agreed.",
                 ["George W. Bush said it was over.", "Nobody agreed."], id="middle-initial"),
    pytest.param("J. K. Rowling wrote it. Fans cheered.", ["J. K. Rowling wrote it.", "Fans cheered."],
                 id="two-initials"),
    pytest.param("It began in World War I. The war ended.", ["It began in World War I.", "The war ended."],
                 id="roman-numeral-ends-sentence"),
    pytest.param("Prices rose 3.5 percent to $1,200.75. Inflation slowed.",
                 ["Prices rose 3.5 percent to $1,200.75.", "Inflation slowed."], id="decimals"),
    pytest.param('He said: "We are ready." Then he left.', ['He said: "We are ready."', "Then he left."],
                 id="straight-closing-quote"),
    pytest.param("He said: “We are ready.” Then he left.", ["He said: “We are ready.”", "Then he left."],
                 id="curly-closing-quote"),
    pytest.param("“Will they come?” asked one official. Nobody knew.",
                 ["“Will they come?” asked one official.", "Nobody knew."], id="question-in-quote-then-verb"),
    pytest.param('"Why?" she asked. Nobody answered.', ['"Why?" she asked.', "Nobody answered."],
                 id="lower-case-after-quoted-question"),
    pytest.param('Putin said, "No." Zelensky said, "Yes."', ['Putin said, "No."', 'Zelensky said, "Yes."'],
                 id="No.-as-a-word"),
    pytest.param("He spoke at No. 10 Downing Street. The PM listened.",
                 ["He spoke at No. 10 Downing Street.", "The PM listened."], id="No.-before-number"),
    pytest.param("He said no. Russia disagreed.", ["He said no.", "Russia disagreed."], id="no-ends-sentence"),
    pytest.param("The war—now in its fourth year—goes on. Talks stall.",
                 ["The war—now in its fourth year—goes on.", "Talks stall."], id="em-dashes"),
    pytest.param("It is a turning point — though many remain cautious. Time will tell.",
                 ["It is a turning point — though many remain cautious.", "Time will tell."], id="spaced-dash"),
    pytest.param("He works for Acme Inc. The firm grew.", ["He works for Acme Inc.", "The firm grew."],
                 id="company-suffix-ends-sentence"),
    pytest.param("Talks began on Wed., Jan. 5, in Istanbul. They ended.",
                 ["Talks began on Wed., Jan. 5, in Istanbul.", "They ended."], id="weekday-before-comma"),
    pytest.param("Is it over? Yes! Maybe...", ["Is it over?", "Yes!", "Maybe..."], id="question-exclamation"),
    pytest.param("It ended.Then it began.", ["It ended.", "Then it began."], id="missing-space"),
    pytest.param("The U.S.-led coalition struck. Then it stopped.",
                 ["The U.S.-led coalition struck.", "Then it stopped."], id="hyphen-after-abbreviation"),
    pytest.param("Zelensky to meet Putin in Istanbul\nBy Jane Doe, Reuters\n\nThe talks begin today. They matter.",
                 ["Zelensky to meet Putin in Istanbul", "By Jane Doe, Reuters", "The talks begin today.",
                  "They matter."], id="headline-and-byline"),
    pytest.param("Talks stall as the\nPresident of Turkey\nwaits for news.",
                 ["Talks stall as the\nPresident of Turkey\nwaits for news."], id="short-wrapped-lines"),
    pytest.param("Key points:\n- Talks in Istanbul\n- Ceasefire demanded\n\nMore follows.",
                 ["Key points:", "- Talks in Istanbul", "- Ceasefire demanded", "More follows."], id="bullets"),
    pytest.param("no punctuation at all just words and more words", ["no punctuation at all just words and more words"],
                 id="no-sentence-punctuation"),
    pytest.param("a report wrapped like old email so that the line\nbreaks in mid sentence. Then another.",
                 ["a report wrapped like old email so that the line\nbreaks in mid sentence.", "Then another."],
                 id="hard-wrapped"),
])
def test_sentence_boundaries(text, expected):
    assert _sentences(text) == expected


@pytest.mark.parametrize("text,n_paragraphs,n_sentences", [
    pytest.param("First line.\r\nSecond line.\r\n\r\nNew paragraph. Two sentences.", 2, 4, id="CRLF"),
    pytest.param("One.\rTwo.\r\rThree.", 2, 3, id="lone-CR"),
    pytest.param("One.\nTwo.\r\n\r\nThree.\r\rFour.", 3, 4, id="mixed-line-endings"),
    pytest.param("Para one.\nPara two.\nPara three.", 3, 3, id="one-paragraph-per-line"),
    pytest.param("  \t Indented.\u00a0 Spaced out.  \n\n\n\n  Last.  ", 2, 3, id="odd-whitespace"),
])
def test_paragraphs_and_line_endings(text, n_paragraphs, n_sentences):
    a = newsframe.analyze(text)
    assert (len(a.paragraphs), len(a.sentences)) == (n_paragraphs, n_sentences)
    doc = a.documents.text.iloc[0]
    assert doc == text  # line endings are kept: offsets point into the text as given
    for frame in (a.paragraphs, a.sentences):
        assert all(doc[s:e] == t for s, e, t in zip(frame.start, frame.end, frame.text))


def test_very_long_paragraph_is_split_and_sliced():
    body = " ".join(f"Sentence number {i} talks about Gen. Smith and the U.S. economy." for i in range(1500))
    a = newsframe.analyze(body)
    assert len(a.paragraphs) == 1
    assert len(a.sentences) == 1500
    assert a.sentences["text"].iloc[-1] == "Sentence number 1499 talks about Gen. Smith and the U.S. economy."


@pytest.mark.parametrize("text,tokens", [
    ("The U.S.-led talks cost $3.5 billion, 30% more.",
     ["The", "U.S.", "-", "led", "talks", "cost", "$", "3.5", "billion", ",", "30%", "more", "."]),
    ("Ukraine’s face-to-face talks don't stop.", ["Ukraine", "’s", "face-to-face", "talks", "don't", "stop", "."]),
    ("Erdoğan met Putin in the 1990s", ["Erdoğan", "met", "Putin", "in", "the", "1990s"]),
    ("Cafe\u0301 talks in मराठी", ["Cafe\u0301", "talks", "in", "मराठी"]),  # combining marks stay in the word
])
def test_tokens(text, tokens):
    assert newsframe.analyze(text).tokens["text"].tolist() == tokens


def test_token_flags():
    tok = newsframe.analyze("The talks, Putin said.").tokens.set_index("text")
    assert tok.loc["The", "is_stop"] and tok.loc["The", "is_title"] and tok.loc["The", "lower"] == "the"
    assert tok.loc[",", "is_punct"] and not tok.loc[",", "is_alpha"]
    assert tok.loc["talks", "stem"] == "talk" and tok.loc["talks", "is_alpha"] and not tok.loc["talks", "is_stop"]


def test_counts_fill_documents_and_paragraphs():
    a = newsframe.analyze("One two three. Four five!\n\nSix, seven.")
    assert a.documents[["n_paragraphs", "n_sentences", "n_words"]].iloc[0].tolist() == [2, 3, 7]
    assert a.paragraphs["n_sentences"].tolist() == [2, 1]
    assert a.sentences["n_words"].tolist() == [3, 2, 2]


def test_user_abbreviation_list(tmp_path):
    path = tmp_path / "abbr.csv"
    path.write_text("abbreviation,kind,note\nxyz,title,test title\n", encoding="utf-8")
    text = "They met Xyz. Brown today. It rained."
    default = [t for s, e in parse.sentence_spans(text) for t in [text[s:e]]]
    custom = [text[s:e] for s, e in parse.sentence_spans(text, abbreviations=path)]
    assert len(default) == 3 and custom == ["They met Xyz. Brown today.", "It rained."]


# -- offsets property test -------------------------------------------------------------------------------
_PIECES = st.sampled_from([
    "Putin", "met", "Erdoğan", "U.S.", "Mr.", "No.", "10", "3.5", "—", "–", "“", "”", '"', "'", "’s", "(AP)",
    ".", "?", "!", ",", "...", "🙂", "🇺🇦", "é", "\u0301", "ß", "İ", " ", "  ", "\t", "\u00a0", "\u2009", "\n",
    "\r\n", "\r", "\n\n", "\r\n\r\n", "\u2028", "\x0c", "\x85", "<p>", "\x1f", "\u200b", "\u180e", "e\u0301",
    "\u0645\u064e", "\u0915\u093f",
])
_TEXTS = st.one_of(
    st.lists(_PIECES, min_size=1, max_size=60).map(" ".join),
    st.lists(_PIECES, min_size=1, max_size=60).map("".join),
    st.text(min_size=1, max_size=300),
)


def _check_spans(text: str, frame: pd.DataFrame, id_col: str) -> None:
    assert frame[id_col].tolist() == list(range(1, len(frame) + 1))
    prev_end = 0
    for s, e, t in zip(frame["start"], frame["end"], frame["text"]):
        assert text[s:e] == t and 0 <= s < e <= len(text)
        assert s >= prev_end  # ordered, not overlapping
        prev_end = e


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_offsets_property(raw):
    try:  # a one-column frame: a string that looks like a path ("/0") would be read as a path
        a = newsframe.analyze(pd.DataFrame({"text": [raw]}))
    except newsframe.NewsframeError as exc:  # only text that is blank (once markup is removed) is refused
        assert "no documents with text" in str(exc) or "no text" in str(exc)
        return
    text = a.documents["text"].iloc[0]
    _check_spans(text, a.paragraphs, "paragraph_id")
    _check_spans(text, a.sentences, "sentence_id")
    _check_spans(text, a.tokens, "token_id")
    assert len(a.paragraphs) >= 1 and len(a.sentences) >= 1
    # every non-space character is in some paragraph, sentence and token
    covered = set()
    for s, e in zip(a.tokens["start"], a.tokens["end"]):
        covered.update(range(s, e))
    assert all(ch.isspace() for i, ch in enumerate(text) if i not in covered)
    sent = a.sentences.set_index("sentence_id")
    par = a.paragraphs.set_index("paragraph_id")
    for pid, s, e in zip(a.sentences["paragraph_id"], a.sentences["start"], a.sentences["end"]):
        assert par.at[pid, "start"] <= s and e <= par.at[pid, "end"]  # sentences never cross paragraphs
    for sid, pid, s, e in zip(a.tokens["sentence_id"], a.tokens["paragraph_id"], a.tokens["start"], a.tokens["end"]):
        assert sent.at[sid, "start"] <= s and e <= sent.at[sid, "end"]
        assert sent.at[sid, "paragraph_id"] == pid
        assert par.at[pid, "start"] <= s and e <= par.at[pid, "end"]


def test_wire_story_fixture():
    """A wire-style story written for this test: headline, byline, dateline, quotes, ranks, list, credit."""
    a = newsframe.analyze(Path(__file__).parent / "fixtures" / "wire_story.txt")
    s = a.sentences["text"].tolist()
    assert (len(a.paragraphs), len(s)) == (8, 22)
    assert s[:3] == ["Allies weigh new sanctions as talks stall", "By Jane Doe and Omar Haddad",
                     "Updated 9:40 a.m. GMT, May 16, 2025"]
    assert s[4] == 'U.S. Secretary of State Marco Rubio said expectations had been "low from the start."'
    assert s[9] == 'Mr. Medinsky told Russian state media the meeting was "productive."'
    assert s[11].startswith("The meeting at the Dolmabahçe Palace began at 10:30 a.m. and lasted")
    assert s[14].startswith("European leaders") and "— the 17th package since 2022 —" in s[14]
    assert s[16].endswith("by Jan. 5 at the latest.")
    assert s[17:21] == ["Key demands:", "- an unconditional ceasefire", "- the return of deported children",
                        "- guarantees for Ukraine's security"]


def test_paragraph_longer_than_one_punkt_read_is_split_at_sentence_ends():
    # > _MAX_PUNKT_CHARS in one paragraph, with abbreviations near every possible cut
    body = " ".join(f"Talks in round {i} were held in the U.S. capital with Gen. Smith. Nobody left."
                    for i in range(600))
    assert len(body) > 2 * parse._MAX_PUNKT_CHARS
    sentences = [body[s:e] for s, e in parse.sentence_spans(body)]
    assert len(sentences) == 1200 and sentences[::2] == [
        f"Talks in round {i} were held in the U.S. capital with Gen. Smith." for i in range(600)]


def test_pathological_punctuation_still_gives_valid_spans():
    text = "!?" * 20_000 + " end"
    a = newsframe.analyze(text)
    assert all(text[s:e] == t for s, e, t in zip(a.sentences.start, a.sentences.end, a.sentences.text))


# -- bounded cost: overlong sentences are split ------------------------------------------------------------
def test_overlong_sentence_splits_every_n_tokens_without_clause_punctuation():
    words = [f"w{i}" for i in range(400)]
    text = " ".join(words)
    pieces = [text[s:e] for s, e in parse.split_long_sentence(text, 0, len(text), max_tokens=150)]
    assert pieces == [" ".join(words[:150]), " ".join(words[150:300]), " ".join(words[300:])]


def test_overlong_sentence_splits_after_the_last_clause_mark_in_the_second_half():
    # commas after token 40 (first half: ignored), after token 100 and 120 (the later one wins), semicolon
    # after 230 in the second window (tokens 121-270 hold w121..w230 ; ... so the cut falls after it)
    words = [f"w{i}" for i in range(1, 301)]
    parts = []
    for i, w in enumerate(words, start=1):
        parts.append(w + {40: ",", 100: ",", 120: ",", 230: ";"}.get(i, ""))
    text = " ".join(parts)
    pieces = [text[s:e] for s, e in parse.split_long_sentence(text, 0, len(text), max_tokens=150)]
    assert pieces[0].endswith("w120,") and pieces[0].startswith("w1 ")
    assert pieces[1].startswith("w121 ") and pieces[1].endswith("w230;")
    assert pieces[2] == " ".join(parts[230:])


def test_overlong_sentences_are_noted_in_documents():
    text = " ".join(["talks"] * 1000)  # one sentence of 1000 tokens, no punctuation
    a = newsframe.analyze(text)
    assert a.sentences["n_words"].tolist() == [150] * 6 + [100]
    assert "1 sentence(s) over 150 tokens split" in a.documents["notes"].iloc[0]
    assert all(text[s:e] == t for s, e, t in zip(a.sentences.start, a.sentences.end, a.sentences.text))
    assert newsframe.analyze("Short. Sentences.").documents["notes"].iloc[0] == ""


_WORD = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu")), min_size=1, max_size=10)
_SCRIPTS = st.sampled_from(["Путин", "встретился", "مع", "أردوغان", "習近平", "会谈", "मराठी", "Erdoğan", "e\u0301",
                            "Zelensky", "and", "talks", "🇺🇦", "Ελλάδα", "שלום", "—", ","])
_HARD_TEXTS = st.one_of(
    st.lists(_WORD, min_size=50, max_size=700).map(" ".join),                       # no punctuation
    st.lists(_WORD, min_size=50, max_size=700).map(lambda ws: " ".join(ws).upper()),  # only capitals
    st.lists(st.sampled_from(['"', "'", "“", "”", "‘", "’", "«", "»", " "]), min_size=1, max_size=2000).map("".join),
    st.lists(_SCRIPTS, min_size=50, max_size=700).map(" ".join),                    # mixed scripts
    st.lists(st.one_of(_WORD, st.sampled_from([",", ".", ";", "!"])), min_size=50, max_size=700)
      .map(" ".join),                                                               # one long line
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_HARD_TEXTS)
def test_any_text_stays_within_a_work_budget_and_slices_back(monkeypatch_vader_work, raw):
    try:
        a = newsframe.analyze(pd.DataFrame({"text": [raw]}))
    except newsframe.NewsframeError as exc:
        assert "no text" in str(exc) or "no good record" in str(exc)
        return
    text = a.documents["text"].iloc[0]
    for frame, key in ((a.paragraphs, "paragraph_id"), (a.sentences, "sentence_id"), (a.tokens, "token_id")):
        _check_spans(text, frame, key)
    per_sentence = a.tokens.groupby("sentence_id").size()
    assert per_sentence.max() <= parse.MAX_SENTENCE_TOKENS
    # The work of a stage quadratic in sentence length (VADER's scorer) is bounded by a line in the text
    # length: the sum of squared sentence lengths VADER was given stays within MAX x tokens.
    monkeypatch_vader_work.clear()
    a.table("sentiment")
    assert len(monkeypatch_vader_work) == len(a.sentences)
    assert sum(n * n for n in monkeypatch_vader_work) <= parse.MAX_SENTENCE_TOKENS * max(len(a.tokens), 1)


def test_all_capital_ordinary_words_are_not_new_actors():
    # Telex/OCR copy in capitals: without this, every run of capitalised ordinary words was a new actor and
    # the co-occurrence table grew with the square of their number.
    text = "THE TALKS SAID OFFICIALS WOULD MEET ON THURSDAY AND CRITICS CALLED THE PLAN WEAK BUT PUTIN AGREED " * 40
    a = newsframe.analyze(text)
    new = a.table("mentions").query("actor_id.str.startswith('new:')")
    assert set(new["text"]) == {"PUTIN"}
    title = " ".join(w.capitalize() for w in text.lower().split())
    new = newsframe.analyze(title).table("mentions").query("actor_id.str.startswith('new:')")
    assert set(new["actor_name"]) <= {"Putin"}


@pytest.fixture(scope="module")
def monkeypatch_vader_work():
    """Word counts of every text VADER's polarity_scores scores while the fixture is active."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    seen: list[int] = []
    real = SentimentIntensityAnalyzer.polarity_scores

    def counting(self, text):
        seen.append(len(str(text).split()))
        return real(self, text)

    SentimentIntensityAnalyzer.polarity_scores = counting
    yield seen
    SentimentIntensityAnalyzer.polarity_scores = real


def test_plain_text_tokenizer_equals_the_unicode_one():
    # token_spans reads ASCII text (with curly quotes and dashes) with the standard `re` engine; it must cut
    # exactly where the `regex` expression cuts, also inside a text (start/end) and on the boundary cases of
    # each branch: abbreviations, numbers with suffixes, possessives, contractions, hyphens, ASCII controls.
    import random

    from newsframe import parse

    cases = ["U.S. a.m. U.S.A. e.g. A.B.C 9.a. 1990s 3.5 1,000 30% 21st 2nd 3rd 4th 5s 10:30 1/2",
             "don't Trump's leaders’ ’s 's x-'s face-to-face re-elect “Yes,” – — … «no» • 's’s",
             "end.Then\tTab\x0bvt\x0cff\r\nline \x1c sep\x1fx", "Erdoğan café x² ½ Ⅻ naïve\u00a0nbsp"]
    rng = random.Random(5)
    alphabet = "aZ09 .,'’‘“”-–—…«»•sS%:/\t\n\x1c\xa0é" + "abcxyzST"
    cases += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(3000)]
    plain = 0
    for text in cases:
        for start, end in ((0, len(text)), (1, max(1, len(text) - 2))):
            expected = [(m.start(), m.end()) for m in parse._TOKEN.finditer(text, start, end)]
            assert parse.token_spans(text, start, end) == expected, repr(text[start:end])
            plain += not parse._NOT_PLAIN.search(text, start, end)
    assert plain > 1000  # the plain path was taken (and the Unicode one for the rest)
