"""Parse tables: counts on the seed and offsets that slice back to the text."""
import pytest

import newsframe
from newsframe import config


@pytest.fixture(scope="module")
def seed():
    return newsframe.analyze(config.DEFAULT_SEED)


def test_seed_has_9_paragraphs_and_24_sentences(seed):
    assert len(seed.paragraphs) == 9
    assert len(seed.sentences) == 24


@pytest.mark.parametrize("table", ["paragraphs", "sentences", "tokens"])
def test_offsets_slice_back_to_text(seed, table):
    text = seed.text[seed.documents.doc_id[0]]
    frame = seed[table]
    assert all(text[s:e] == t for s, e, t in zip(frame.start, frame.end, frame.text))


@pytest.mark.parametrize("text,expected", [
    ("Mr. Smith met Dr. Jones in the U.S. capital. They talked.", 2),
    ("Gen. Zaluzhny spoke at 9 a.m. on Monday. He was brief.", 2),
    ("Prices rose 3.5 percent. Inflation slowed.", 2),
    ('"We are ready," he said. "Talks start Thursday."', 2),
    ("The war—now in its fourth year—goes on. Talks stall.", 2),
])
def test_sentence_boundaries(text, expected):
    assert len(newsframe.analyze(text).sentences) == expected
