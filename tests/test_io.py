"""Loading documents: inputs, encodings, corpora, document ids and bad input through the API."""
import json

import pandas as pd
import pytest

import newsframe
from newsframe import NewsframeError, config, io

ARTICLE = "Putin met Erdoğan in Istanbul. Zelensky’s team said talks would start Thursday."


def _load(source, **kw) -> pd.DataFrame:
    return newsframe.load_documents(source, **kw)


# -- inputs ----------------------------------------------------------------------------------------------
def test_string_input_is_text():
    docs = _load(ARTICLE)
    assert docs["text"].iloc[0] == ARTICLE and docs["encoding"].iloc[0] == "str"


def test_path_string_and_path_object_give_the_same_table():
    a, b = _load(str(config.DEFAULT_SEED)), _load(config.DEFAULT_SEED)
    assert a.equals(b) and a["doc_id"].iloc[0] == config.DEFAULT_SEED.stem


def test_folder_of_text_files_sorted_and_other_files_ignored(tmp_path):
    (tmp_path / "b.txt").write_text("Second article. It rained.", encoding="utf-8")
    (tmp_path / "a.md").write_text("# First\n\nFirst article text.", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4\x00\x01")
    docs = _load(tmp_path)
    assert docs["doc_id"].tolist() == ["a", "b"]
    assert docs["source"].tolist() == ["a.md", "b.txt"]
    assert docs["title"].iloc[0] == "First"


def test_jsonl_corpus_only_text_required(tmp_path):
    path = tmp_path / "corpus.jsonl"
    rows = [{"id": "x1", "title": "T", "source": "Outlet", "date": "2025-05-12", "url": "https://e.org/1",
             "text": ARTICLE}, {"text": "Only text here. Nothing else."}, {}]
    path.write_text("\n".join(json.dumps(r) if r else "" for r in rows), encoding="utf-8")
    docs = _load(path)
    assert docs["doc_id"].tolist() == ["x1", "doc0002"]
    assert docs.loc[0, ["title", "source", "date", "url"]].tolist() == ["T", "Outlet", "2025-05-12", "https://e.org/1"]


def test_jsonl_bad_line_names_the_line(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"text": "Fine. Text."}\n{"text": "also fine"}\n{"text": broken\n', encoding="utf-8")
    with pytest.raises(NewsframeError, match="line 3"):
        _load(path)


def test_jsonl_line_without_text_field(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"title": "no text"}\n', encoding="utf-8")
    with pytest.raises(NewsframeError, match="line 1 needs .*'text'"):
        _load(path)


def test_csv_corpus_with_bom_and_quoted_newlines(tmp_path):
    path = tmp_path / "corpus.csv"
    frame = pd.DataFrame({"id": ["a/b c", "a/b c"], "text": ["One. Two.\n\nThree.", ARTICLE]})
    path.write_bytes(b"\xef\xbb\xbf" + frame.to_csv(index=False).encode("utf-8"))
    docs = _load(path)
    assert docs["doc_id"].tolist() == ["a_b_c", "a_b_c_2"]
    assert docs["text"].iloc[0] == "One. Two.\n\nThree."


def test_csv_without_text_column(tmp_path):
    path = tmp_path / "corpus.csv"
    path.write_text("id,body\n1,hello\n", encoding="utf-8")
    with pytest.raises(NewsframeError, match="'text' column"):
        _load(path)


def test_dataframe_and_list_inputs():
    docs = _load(pd.DataFrame({"text": [ARTICLE, "Another one."], "title": ["A", None]}))
    assert docs["title"].tolist()[0] == "A" and len(docs) == 2
    assert len(_load([ARTICLE, "Second text."])) == 2


# -- encodings --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoded,encoding", [
    (ARTICLE.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"), "utf-8-sig"),
    (ARTICLE.encode("utf-16"), "utf-16"),  # Python writes the byte-order mark
    (b"\xfe\xff" + ARTICLE.encode("utf-16-be"), "utf-16"),
])
def test_encodings_decode_to_the_same_text(tmp_path, encoded, encoding):
    path = tmp_path / "article.txt"
    path.write_bytes(encoded)
    docs = _load(path)
    assert docs["text"].iloc[0] == ARTICLE
    assert docs["encoding"].iloc[0] == encoding and docs["notes"].iloc[0] == ""


def test_cp1252_fallback_is_reported(tmp_path):
    text = "Zelensky’s “peace” plan — a café deal."
    path = tmp_path / "old.txt"
    path.write_bytes(text.encode("cp1252"))
    docs = _load(path)
    assert docs["text"].iloc[0] == text
    assert docs["encoding"].iloc[0] == "cp1252" and "cp1252" in docs["notes"].iloc[0]


# -- document ids -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw,expected", [
    ("Erdoğan talks 2025", "Erdogan_talks_2025"),
    ("../../etc/passwd", "etc_passwd"),
    ("  ", "doc"),
    ("CON", "CON_"),
    ("a" * 300, "a" * 100),
])
def test_safe_id(raw, expected):
    assert io.safe_id(raw) == expected


def test_ids_unique_even_ignoring_case(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, "text": "Some text."}) for i in ["Kyiv", "kyiv", "Kyiv_2", "Kyiv"]),
                    encoding="utf-8")
    ids = _load(path)["doc_id"].tolist()
    assert len({i.lower() for i in ids}) == 4 and all(i == io.safe_id(i) for i in ids)


# -- bad input --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", "\u00a0\n".encode("utf-8")])
def test_empty_or_whitespace_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(NewsframeError, match="no text"):
        _load(path)


def test_binary_file(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(NewsframeError, match="binary"):
        _load(path)


def test_missing_path():
    with pytest.raises(NewsframeError, match="no such file"):
        _load("./does/not/exist.txt")


def test_folder_without_text_files(tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    with pytest.raises(NewsframeError, match="no .txt or .md files"):
        _load(tmp_path)


def test_too_long_document_is_refused_with_the_limit():
    with pytest.raises(NewsframeError, match="limit"):
        _load("word " * 300, max_chars=1000)


def test_html_pasted_as_text_is_stripped_and_noted():
    page = ("<!DOCTYPE html><html><head><title>x</title><script>var a = '<p>';</script></head><body>"
            "<h1>Talks in Istanbul</h1><p>Putin met Erdo&#287;an &amp; aides.</p><p>They talked.</p></body></html>")
    a = newsframe.analyze(page)
    doc = a.documents.iloc[0]
    assert "<" not in doc["text"] and "var a" not in doc["text"]
    assert "HTML markup removed" in doc["notes"]
    assert a.sentences["text"].tolist() == ["Talks in Istanbul", "Putin met Erdoğan & aides.", "They talked."]


def test_prose_mentioning_a_tag_is_not_html():
    text = "Editors wrote <b> in the draft. It stayed."
    assert _load(text)["notes"].iloc[0] == ""


def test_jsonl_text_may_hold_unicode_line_separators(tmp_path):
    path = tmp_path / "c.jsonl"
    text = "First line.\u2028Still the record.\u0085End."
    path.write_text(json.dumps({"text": text}, ensure_ascii=False) + "\r\n", encoding="utf-8")
    assert _load(path)["text"].tolist() == [text]


def test_cp1252_csv_corpus_is_reported(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes("id,text\n1,Zelensky’s plan — a café deal.\n".encode("cp1252"))
    docs = _load(path)
    assert docs["text"].iloc[0] == "Zelensky’s plan — a café deal." and "cp1252" in docs["notes"].iloc[0]


@pytest.mark.parametrize("text", ["word " * 100, "a\x00b c.", "Talks/in/Istanbul began"])
def test_one_line_text_that_cannot_be_a_path_is_text(text):
    assert _load(text)["text"].iloc[0] == text
