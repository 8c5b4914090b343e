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


def test_jsonl_bad_line_names_the_line_when_strict(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"text": "Fine. Text."}\n{"text": "also fine"}\n{"text": broken\n', encoding="utf-8")
    with pytest.raises(NewsframeError, match="line 3"):
        _load(path, strict=True)


def test_jsonl_bad_line_is_skipped_by_default(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"text": "Fine. Text."}\n{"text": "also fine"}\n{"text": broken\n', encoding="utf-8")
    with pytest.warns(io.SkippedRecordsWarning, match="line 3"):
        assert _load(path)["text"].tolist() == ["Fine. Text.", "also fine"]
    docs, skipped = io.read_documents(path)
    assert len(docs) == 2
    assert skipped.to_dict("records") == [{"record": f"{path} line 3", "reason": "is not valid JSON (Expecting value)"}]


def test_jsonl_line_without_text_field(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"title": "no text"}\n', encoding="utf-8")
    with pytest.raises(NewsframeError, match="line 1 needs .*'text'"):
        _load(path, strict=True)
    # without --strict a corpus of only bad records is still an error, naming the first
    with pytest.raises(NewsframeError, match="all 1 were bad.*line 1: needs .*'text'"):
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
    assert _load(text)["text"].iloc[0] == text.replace("\x00", "")  # NUL is removed (with a note)


# -- input integrity: encodings without a BOM, bad bytes, control characters ------------------------------
CYRILLIC = "Зеленский встретился с Эрдоганом в Стамбуле. Переговоры начнутся в четверг."


@pytest.mark.parametrize("text", [ARTICLE, CYRILLIC])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_bom_are_recognised(tmp_path, text, encoding):
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))  # the -le/-be codecs write no byte-order mark
    doc = _load(path).iloc[0]
    assert doc["text"] == text and doc["encoding"] == encoding
    assert f"read as {encoding.upper()}" in doc["notes"]


def test_one_bad_byte_in_utf8_is_replaced_alone_and_located(tmp_path):
    before, after = "Café talks in Kyiv; Zelensky’s aides ", "Erdoğan’s envoy said."
    data = before.encode("utf-8") + b"\xff" + after.encode("utf-8")
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    doc = _load(path).iloc[0]
    assert doc["text"] == before + "\ufffd" + after  # every accent intact, only the bad byte replaced
    assert doc["encoding"] == "utf-8"
    assert f"not valid UTF-8 at byte {len(before.encode('utf-8'))}" in doc["notes"]
    assert "1 bad byte" in doc["notes"]


def test_latin1_file_without_any_utf8_stays_cp1252(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("Café in Kyiv. Señor Pérez spoke.".encode("cp1252"))
    doc = _load(path).iloc[0]
    assert doc["text"] == "Café in Kyiv. Señor Pérez spoke." and doc["encoding"] == "cp1252"


def test_nul_bytes_after_8_kb_are_removed_with_a_note(tmp_path):
    body = "Talks went on in Istanbul. " * 400  # 10,800 characters
    raw = body[:9000] + "\x00\x00" + body[9000:]
    path = tmp_path / "article.txt"
    path.write_bytes(raw.encode("utf-8"))
    a = newsframe.analyze(path)
    doc = a.documents.iloc[0]
    assert doc["text"] == body
    assert "removed 2 control character(s)" in doc["notes"] and "first at character 9000" in doc["notes"]
    assert not a.tokens["text"].str.contains("\x00").any()


def test_control_characters_and_lone_surrogates_from_json_are_cleaned(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "title": "T\\u0007", "text": "Bell\\u0007 here. Half \\ud800 pair."}\n', encoding="utf-8")
    doc = _load(path).iloc[0]
    assert doc["text"] == "Bell here. Half \ufffd pair." and doc["title"] == "T"
    assert "removed 1 control character(s)" in doc["notes"] and "lone surrogate" in doc["notes"]
    doc.to_frame().T.to_csv(tmp_path / "out.csv")  # writable (a lone surrogate is not)


def test_mostly_control_characters_is_binary(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"Header line.\n" + bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 2000)
    with pytest.raises(NewsframeError, match="binary"):
        _load(path)


# -- duplicate ids ----------------------------------------------------------------------------------------
def test_duplicate_ids_are_renamed_with_a_note(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, "text": f"Text {n}."}) for n, i in
                              enumerate(["a", "b", "a", "a_2"])), encoding="utf-8")
    docs = _load(path)
    # in reading order, as a stream must: the second "a" takes "a_2", so the later "a_2" becomes "a_2_2"
    assert docs["doc_id"].tolist() == ["a", "b", "a_2", "a_2_2"]
    assert docs["notes"].tolist() == ["", "", "duplicate id 'a' renamed to 'a_2'",
                                      "duplicate id 'a_2' renamed to 'a_2_2'"]
    batches = list(io.iter_documents(path, batch_size=3))
    assert pd.concat(batches, ignore_index=True).equals(docs)  # the stream gives the same table


# -- CSV read strictly -------------------------------------------------------------------------------------
def test_csv_unbalanced_quote_is_an_error_naming_the_line(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('id,title,text\n1,T1,"Putin said talks would start.\n2,T2,Zelensky spoke in Kyiv.\n'
                    '3,T3,Erdogan hosted them.\n', encoding="utf-8")
    for strict in (False, True):  # record boundaries after the quote are unknown: never skipped
        with pytest.raises(NewsframeError, match=r"line 2: a quoted field is never closed \(unbalanced quote\)"):
            _load(path, strict=strict)


def test_csv_text_after_a_closing_quote_is_an_error(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('id,text\n1,Fine.\n2,"He said "no" twice."\n', encoding="utf-8")
    with pytest.raises(NewsframeError, match="line 3: bad quoting"):
        _load(path)


def test_csv_row_with_wrong_field_count_is_skipped_or_strict_error(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('id,text\n1,"One, with a comma."\n2,Two,extra\n\n3,"Three\nlines"\n4,Four.\n', encoding="utf-8")
    docs, skipped = io.read_documents(path)
    assert docs["text"].tolist() == ["One, with a comma.", "Three\nlines", "Four."]
    assert docs["doc_id"].tolist() == ["1", "3", "4"]
    assert skipped.to_dict("records") == [{"record": f"{path} row 3", "reason": "3 field(s), the header has 2"}]
    with pytest.raises(NewsframeError, match="line 3: 3 field"):
        _load(path, strict=True)
    # the line named for a row after a multi-line record is its first physical line
    path.write_text('id,text\n1,"a\nb\nc"\n2\n', encoding="utf-8")
    with pytest.raises(NewsframeError, match="line 5: 1 field"):
        _load(path, strict=True)


# -- a corpus is not all-or-nothing -------------------------------------------------------------------------
def test_folder_with_bad_files_keeps_the_good_ones(tmp_path):
    (tmp_path / "a.txt").write_text("Good article. It rained.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "d.txt").write_text("Also good.", encoding="utf-8")
    docs, skipped = io.read_documents(tmp_path)
    assert docs["doc_id"].tolist() == ["a", "d"]
    assert skipped["record"].tolist() == [str(tmp_path / "b.txt"), str(tmp_path / "c.txt")]
    assert "no text" in skipped["reason"].iloc[0] and "binary" in skipped["reason"].iloc[1]
    with pytest.raises(NewsframeError, match="b.txt: no text"):
        io.read_documents(tmp_path, strict=True)
    a = newsframe.analyze(tmp_path)
    assert a.skipped["record"].tolist() == skipped["record"].tolist()
    assert newsframe.analyze(tmp_path / "a.txt").skipped.empty


def test_empty_record_in_jsonl_is_listed_as_skipped(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "One."}\n{"text": "  "}\n{"text": 5}\n', encoding="utf-8")
    docs, skipped = io.read_documents(path)
    assert docs["text"].tolist() == ["One."]
    assert skipped["reason"].tolist() == ["no text to analyse (empty or whitespace only)", "'text' is not a string"]


def test_a_dict_of_id_to_text_is_a_corpus_with_those_ids():
    from newsframe.io import read_documents
    docs, skipped = read_documents({"kyiv-1": "Russian forces shelled Kharkiv.", "b": "   ",
                                    "c": "Nurses treated the wounded."})
    assert docs["doc_id"].tolist() == ["kyiv-1", "c"]  # the empty one is skipped, as in a list
    assert docs["text"].tolist() == ["Russian forces shelled Kharkiv.", "Nurses treated the wounded."]
    assert len(skipped) == 1


@pytest.mark.parametrize("bad", [42, 3.5, None, {1, 2}])
def test_a_source_of_another_type_is_one_clear_error(bad):
    from newsframe.io import read_documents
    with pytest.raises(NewsframeError, match="cannot read documents from an object of type"):
        read_documents(bad)
