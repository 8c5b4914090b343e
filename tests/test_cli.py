"""`newsframe tables`: end to end through the command line, good and bad input."""
import json

import pandas as pd
import pytest

from newsframe import cli, config


def _run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_error(code: int, err: str) -> str:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsframe: error: ")
    assert "Traceback" not in err
    return lines[0]


def test_help_lists_tables(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0 and "tables" in capsys.readouterr().out


def test_tables_on_the_seed(tmp_path, capsys):
    out = tmp_path / "tables"
    code, stdout, _ = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out,
                           "--tables", "documents", "paragraphs", "sentences", "tokens")
    assert code == 0 and "wrote 4 tables" in stdout
    text = config.DEFAULT_SEED.read_text(encoding="utf-8")
    paragraphs = pd.read_csv(out / "paragraphs.csv", keep_default_na=False)
    sentences = pd.read_csv(out / "sentences.csv", keep_default_na=False)
    tokens = pd.read_csv(out / "tokens.csv", keep_default_na=False, dtype={"text": str, "lower": str, "stem": str})
    assert (len(paragraphs), len(sentences)) == (9, 24)
    for frame in (paragraphs, sentences, tokens):
        assert all(text[s:e] == t for s, e, t in zip(frame.start, frame.end, frame.text))
    assert sorted(p.name for p in out.iterdir()) == ["documents.csv", "paragraphs.csv", "sentences.csv", "tokens.csv"]


def test_tables_parquet(tmp_path, capsys):
    out = tmp_path / "pq"
    code, _, _ = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--format", "parquet",
                      "--tables", "sentences")
    assert code == 0 and len(pd.read_parquet(out / "sentences.parquet")) == 24


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "no text"),
    ("blank.txt", b" \r\n\t \n", "no text"),
    ("binary.txt", bytes(range(256)) * 8, "binary"),
    ("bad.jsonl", b'{"text": "ok"}\n{not json}\n', "line 2"),
])
def test_bad_files(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    code, _, err = _run(capsys, "tables", path, "--out", tmp_path / "out")
    assert message in _one_line_error(code, err)
    assert not (tmp_path / "out").exists()


def test_missing_path(tmp_path, capsys):
    code, _, err = _run(capsys, "tables", tmp_path / "nope.txt", "--out", tmp_path / "out")
    assert "no such file" in _one_line_error(code, err)


def test_folder_without_text_files(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "data.bin").write_bytes(b"\x00\x01")
    code, _, err = _run(capsys, "tables", tmp_path / "in", "--out", tmp_path / "out")
    assert "no .txt or .md files" in _one_line_error(code, err)


def test_50_mb_text_is_refused_clearly(tmp_path, capsys):
    path = tmp_path / "huge.txt"
    line = ("Putin and Zelensky may meet in Istanbul this week, officials said. " * 14 + "\n").encode("utf-8")
    with path.open("wb") as f:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    assert path.stat().st_size >= 50 * 1024 * 1024
    code, _, err = _run(capsys, "tables", path, "--out", tmp_path / "out")
    msg = _one_line_error(code, err)
    assert "limit" in msg and "corpus" in msg
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("text,n_sentences", [
    ("no punctuation here at all just a stream of words", 1),
    ("Line one.\r\nLine two.\n\r\nLine three.\rLine four.", 4),
])
def test_odd_but_valid_text(tmp_path, capsys, text, n_sentences):
    path = tmp_path / "odd.txt"
    path.write_bytes(text.encode("utf-8"))
    code, _, _ = _run(capsys, "tables", path, "--out", tmp_path / "out", "--tables", "sentences")
    assert code == 0
    sentences = pd.read_csv(tmp_path / "out" / "sentences.csv", keep_default_na=False)
    assert len(sentences) == n_sentences
    assert all(text[s:e] == t for s, e, t in zip(sentences.start, sentences.end, sentences.text))


def test_html_and_cp1252_are_reported_on_stderr(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.txt").write_text("<html><body><p>Talks began.</p><p>They ended.</p></body></html>",
                                              encoding="utf-8")
    (tmp_path / "in" / "old.txt").write_bytes("Zelensky’s plan — a café deal.".encode("cp1252"))
    code, _, err = _run(capsys, "tables", tmp_path / "in", "--out", tmp_path / "out", "--tables", "documents")
    assert code == 0
    assert "note: page: HTML markup removed" in err and "note: old: not valid UTF-8: read as cp1252" in err
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", keep_default_na=False)
    assert docs["doc_id"].tolist() == ["old", "page"]


def test_corpora_and_folder(tmp_path, capsys):
    rows = [{"id": "a 1", "text": "One. Two."}, {"title": "x", "text": "Three."}]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    pd.DataFrame(rows).to_csv(tmp_path / "c.csv", index=False)
    for corpus in ("c.jsonl", "c.csv"):
        out = tmp_path / f"out_{corpus}"
        code, _, _ = _run(capsys, "tables", tmp_path / corpus, "--out", out, "--tables", "documents", "sentences")
        assert code == 0
        assert pd.read_csv(out / "documents.csv")["doc_id"].tolist() == ["a_1", "doc0002"]
        assert len(pd.read_csv(out / "sentences.csv")) == 3


def test_failure_mid_write_leaves_no_output_folder(tmp_path, capsys, monkeypatch):
    calls = []
    real = pd.DataFrame.to_csv

    def failing_to_csv(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # two tables already written into the staging folder
            raise OSError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing_to_csv)
    out = tmp_path / "out"
    with pytest.raises(OSError):
        cli.main(["tables", str(config.DEFAULT_SEED), "--out", str(out),
                  "--tables", "documents", "paragraphs", "sentences", "tokens"])
    assert len(calls) == 3
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a staging leftover


def test_old_output_survives_a_failed_run(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "sentences.csv").write_text("old", encoding="utf-8")

    def failing_to_csv(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing_to_csv)
    with pytest.raises(OSError):
        cli.main(["tables", str(config.DEFAULT_SEED), "--out", str(out), "--tables", "sentences"])
    assert (out / "sentences.csv").read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]

    # and a bad input does not touch it either
    empty = tmp_path / "in.txt"
    empty.write_bytes(b"")
    monkeypatch.undo()
    code, _, err = _run(capsys, "tables", empty, "--out", out)
    _one_line_error(code, err)
    assert (out / "sentences.csv").read_text(encoding="utf-8") == "old"


def test_successful_run_replaces_old_output(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.csv").write_text("old", encoding="utf-8")
    code, _, _ = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--tables", "sentences")
    assert code == 0 and sorted(p.name for p in out.iterdir()) == ["sentences.csv"]
