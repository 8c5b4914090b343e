"""`newsframe tables`: end to end through the command line, good and bad input."""
import fcntl
import json
import os
import signal
import subprocess
import sys
import time

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
    assert sorted(p.name for p in out.iterdir()) == ["documents.csv", "newsframe.json", "paragraphs.csv",
                                                     "sentences.csv", "tokens.csv"]
    manifest = json.loads((out / "newsframe.json").read_text(encoding="utf-8"))
    assert manifest["files"] == ["documents.csv", "paragraphs.csv", "sentences.csv", "tokens.csv"]


def test_tables_parquet(tmp_path, capsys):
    out = tmp_path / "pq"
    code, _, _ = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--format", "parquet",
                      "--tables", "sentences")
    assert code == 0 and len(pd.read_parquet(out / "sentences.parquet")) == 24


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "no text"),
    ("blank.txt", b" \r\n\t \n", "no text"),
    ("binary.txt", bytes(range(256)) * 8, "binary"),
    ("bad.jsonl", b'{not json}\n', "line 1"),
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
    code, _, _ = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--tables", "sentences")
    assert code == 0
    before = (out / "sentences.csv").read_bytes()

    def failing_to_csv(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing_to_csv)
    with pytest.raises(OSError):
        cli.main(["tables", str(config.DEFAULT_SEED), "--out", str(out), "--tables", "sentences"])
    assert (out / "sentences.csv").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["newsframe.json", "sentences.csv"]

    # and a bad input does not touch it either
    empty = tmp_path / "in.txt"
    empty.write_bytes(b"")
    monkeypatch.undo()
    code, _, err = _run(capsys, "tables", empty, "--out", out)
    _one_line_error(code, err)
    assert (out / "sentences.csv").read_bytes() == before


# -- the output folder policy (newsframe.outputs) ----------------------------------------------------------
def _tree(folder):
    """Every file under ``folder`` with its bytes: what a run must not change."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _user_folder(path):
    path.mkdir()
    (path / "chapter1.docx").write_bytes(b"my thesis")
    (path / "figures").mkdir()
    (path / "figures" / "fig1.png").write_bytes(b"\x89PNG")
    return _tree(path)


def test_a_folder_holding_user_files_is_refused_and_untouched(tmp_path, capsys):
    out = tmp_path / "thesis"
    before = _user_folder(out)
    code, _, err = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--tables", "sentences")
    msg = _one_line_error(code, err)
    assert "did not write" in msg and "chapter1.docx" in msg and "--force" in msg
    assert _tree(out) == before and sorted(p.name for p in out.iterdir()) == ["chapter1.docx", "figures"]


def test_force_writes_beside_user_files_and_never_over_them(tmp_path, capsys):
    out = tmp_path / "thesis"
    before = _user_folder(out)
    code, _, _ = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--tables", "sentences", "--force")
    assert code == 0
    after = _tree(out)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {"sentences.csv", "newsframe.json"}
    assert json.loads(after["newsframe.json"])["files"] == ["sentences.csv"]
    # a second run is accepted without --force (the manifest marks the folder) and keeps the user's files
    code, _, _ = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--tables", "tokens")
    assert code == 0
    after = _tree(out)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {"tokens.csv", "newsframe.json"}  # the older sentences.csv was ours


def test_force_refuses_to_replace_a_user_file_of_the_same_name(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "sentences.csv").write_text("my own sentences", encoding="utf-8")

    def no_analysis(*args, **kwargs):
        raise AssertionError("analysis ran before the output folder was checked")

    monkeypatch.setattr("newsframe.analysis.analyze", no_analysis)
    code, _, err = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--tables", "sentences", "--force")
    assert "would replace sentences.csv" in _one_line_error(code, err)
    assert (out / "sentences.csv").read_text(encoding="utf-8") == "my own sentences"
    assert sorted(p.name for p in out.iterdir()) == ["sentences.csv"]


def test_rerun_replaces_its_own_files_removes_its_stale_ones_keeps_the_users(tmp_path, capsys):
    out = tmp_path / "out"
    assert _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--tables", "sentences", "tokens")[0] == 0
    (out / "sentences.csv").write_text("edited", encoding="utf-8")
    (out / "my_notes.txt").write_text("keep me", encoding="utf-8")  # added by the user after the run
    code, _, _ = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--tables", "sentences")
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["my_notes.txt", "newsframe.json", "sentences.csv"]
    assert (out / "my_notes.txt").read_text(encoding="utf-8") == "keep me"
    assert len(pd.read_csv(out / "sentences.csv")) == 24


def test_a_manifest_that_is_not_ours_does_not_open_the_folder(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "newsframe.json").write_text('{"tool": "newsframe", "files": ["../../etc/passwd"]}', encoding="utf-8")
    (out / "data.csv").write_text("x", encoding="utf-8")
    code, _, err = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--tables", "sentences")
    assert "did not write" in _one_line_error(code, err)


@pytest.mark.parametrize("where", ["same", "inside", "contains"])
@pytest.mark.parametrize("force", [False, True])
def test_out_overlapping_the_input_is_refused(tmp_path, capsys, where, force):
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Putin met Erdogan. They spoke.", encoding="utf-8")
    (corpus / "b.txt").write_text("Zelensky spoke in Kyiv.", encoding="utf-8")
    before = _tree(tmp_path)
    source, out = {"same": (corpus, corpus), "inside": (corpus, corpus / "tables"),
                   "contains": (corpus / "a.txt", corpus)}[where]
    code, _, err = _run(capsys, "tables", source, "--out", out, *(["--force"] if force else []))
    msg = _one_line_error(code, err)
    assert {"same": "is the input", "inside": "lies inside the input", "contains": "contains the input"}[where] in msg
    assert _tree(tmp_path) == before and sorted(p.name for p in corpus.iterdir()) == ["a.txt", "b.txt"]


def test_out_that_is_a_file_is_refused_before_any_analysis(tmp_path, capsys, monkeypatch):
    out = tmp_path / "results.csv"
    out.write_text("precious", encoding="utf-8")

    def no_analysis(*args, **kwargs):
        raise AssertionError("analysis ran before the output folder was checked")

    monkeypatch.setattr("newsframe.analysis.analyze", no_analysis)
    code, _, err = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out)
    assert "not a folder" in _one_line_error(code, err)
    assert out.read_text(encoding="utf-8") == "precious"


def test_unwritable_out_is_one_line(tmp_path, capsys):
    # /proc refuses new folders even to root (chmod would not stop root, who runs CI here)
    code, _, err = _run(capsys, "tables", config.DEFAULT_SEED, "--out", "/proc/newsframe-out/tables")
    assert "cannot write there" in _one_line_error(code, err)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permission bits")
def test_read_only_folder_is_one_line(tmp_path, capsys):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        code, _, err = _run(capsys, "tables", config.DEFAULT_SEED, "--out", parent / "out")
        assert "cannot write there" in _one_line_error(code, err)
    finally:
        parent.chmod(0o700)


def test_a_second_run_into_a_locked_folder_fails_clearly(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".newsframe.lock", "w") as held:  # as a first run holds it
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("pid 12345")
        held.flush()
        code, _, err = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--tables", "sentences")
        msg = _one_line_error(code, err)
        assert "another newsframe run is writing there" in msg and "pid 12345" in msg
    assert sorted(p.name for p in out.iterdir()) == [".newsframe.lock"]  # the first run's lock is its own
    # a lock file left by a killed run holds no lock: the next run proceeds and tidies it
    code, _, _ = _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--tables", "sentences")
    assert code == 0 and sorted(p.name for p in out.iterdir()) == ["newsframe.json", "sentences.csv"]


def test_concurrent_cli_runs_one_fails_with_the_lock_message(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".newsframe.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = subprocess.run([sys.executable, "-m", "newsframe.cli", "tables", str(config.DEFAULT_SEED),
                               "--out", str(out), "--tables", "sentences"], capture_output=True, text=True,
                              timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert "another newsframe run" in proc.stderr


def _default_signals():
    # The run under test must see SIGHUP and SIGINT at their default dispositions even when pytest runs
    # under nohup or in a background job (which ignore them; newsframe deliberately leaves an ignored
    # signal ignored).
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_signal_during_a_run_cleans_staging_and_keeps_the_old_output(tmp_path, capsys, sig):
    out = tmp_path / "out"
    assert _run(capsys, "tables", config.DEFAULT_SEED, "--out", out, "--tables", "sentences")[0] == 0
    before = _tree(out)
    # every table: model loading keeps the run busy for seconds after the staging folder appears
    proc = subprocess.Popen([sys.executable, "-m", "newsframe.cli", "tables", str(config.DEFAULT_SEED),
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_signals)
    try:
        assert _wait_for(lambda: any(p.name.startswith(".newsframe-staging-") for p in out.iterdir()))
        time.sleep(0.3)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 128 + sig
    assert stderr.strip() == "newsframe: interrupted"
    assert _tree(out) == before and sorted(p.name for p in out.iterdir()) == ["newsframe.json", "sentences.csv"]
    assert list(tmp_path.iterdir()) == [out]  # nothing beside --out either


@pytest.mark.slow
def test_sigterm_on_a_first_run_leaves_nothing(tmp_path):
    out = tmp_path / "new" / "out"
    proc = subprocess.Popen([sys.executable, "-m", "newsframe.cli", "tables", str(config.DEFAULT_SEED),
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_signals)
    try:
        assert _wait_for(lambda: out.is_dir() and any(p.name.startswith(".newsframe-staging-")
                                                      for p in out.iterdir()))
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 143 and not out.exists(), stderr


# -- input integrity through the command line ------------------------------------------------------------
def test_csv_with_an_unbalanced_quote_is_refused_naming_the_line(tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text('id,title,text\n1,T1,"Putin said talks would start.\n2,T2,Zelensky spoke in Kyiv.\n'
                    '3,T3,Erdogan hosted them.\n', encoding="utf-8")
    code, _, err = _run(capsys, "tables", path, "--out", tmp_path / "out")
    msg = _one_line_error(code, err)
    assert "line 2" in msg and "unbalanced quote" in msg
    assert not (tmp_path / "out").exists()


def test_bad_records_are_skipped_with_a_warning_and_a_table(tmp_path, capsys):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "text": "Putin met Erdogan."}\n{not json}\n{"id": "b", "text": ""}\n'
                      '{"id": "c", "text": "Zelensky spoke."}\n', encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = _run(capsys, "tables", corpus, "--out", out, "--tables", "documents", "skipped")
    assert code == 0 and "2 document(s)" in stdout
    warning = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1 and "skipped 2 bad record(s)" in warning[0] and "--strict" in warning[0]
    assert pd.read_csv(out / "documents.csv")["doc_id"].tolist() == ["a", "c"]
    skipped = pd.read_csv(out / "skipped.csv")
    assert skipped["record"].tolist() == [f"{corpus} line 2", f"{corpus} line 3"]
    # --strict: all or nothing
    code, _, err = _run(capsys, "tables", corpus, "--out", tmp_path / "strict", "--strict")
    assert "line 2 is not valid JSON" in _one_line_error(code, err)
    assert not (tmp_path / "strict").exists()


def test_folder_with_a_bad_file_processes_the_others(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Putin met Erdogan in Ankara.", encoding="utf-8")
    (folder / "photo.txt").write_bytes(bytes(range(256)) * 8)
    code, _, err = _run(capsys, "tables", folder, "--out", tmp_path / "out", "--tables", "documents", "skipped")
    assert code == 0 and "warning: skipped 1 bad record(s)" in err and "photo.txt" in err
    assert pd.read_csv(tmp_path / "out" / "skipped.csv")["reason"].str.contains("binary").all()


def test_duplicate_ids_and_encoding_repairs_are_noted_on_stderr(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a b.txt").write_text("First text here.", encoding="utf-8")
    (folder / "a_b.txt").write_text("Second text here.", encoding="utf-8")
    (folder / "bad.txt").write_bytes("Café in Kyiv. ".encode("utf-8") + b"\xff" + " Señor.".encode("utf-8"))
    (folder / "zero.txt").write_bytes(b"Talks\x00 began.")
    (folder / "wide.txt").write_bytes("Zelensky spoke in Kyiv.".encode("utf-16-le"))
    code, _, err = _run(capsys, "tables", folder, "--out", tmp_path / "out", "--tables", "documents")
    assert code == 0 and "Traceback" not in err
    assert "note: a_b_2: duplicate id 'a_b' renamed to 'a_b_2'" in err
    assert "note: bad: not valid UTF-8 at byte 15" in err
    assert "note: zero: removed 1 control character(s)" in err
    assert "note: wide: no byte-order mark: read as UTF-16-LE" in err
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", keep_default_na=False).set_index("doc_id")
    assert docs.loc["wide", "text"] == "Zelensky spoke in Kyiv." and docs.loc["zero", "text"] == "Talks began."
    assert docs.loc["bad", "text"] == "Café in Kyiv. \ufffd Señor."
    assert "renamed" in docs.loc["a_b_2", "notes"]


# -- render: the same policy, and ids that cannot collide with its own names ------------------------------
def test_render_refuses_a_user_folder_and_the_input_folder(tmp_path, capsys):
    out = tmp_path / "thesis"
    before = _user_folder(out)
    code, _, err = _run(capsys, "render", config.DEFAULT_SEED, "--out", out, "--notebooks", "01_overview")
    assert "did not write" in _one_line_error(code, err)
    assert _tree(out) == before
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Putin met Erdogan.", encoding="utf-8")
    code, _, err = _run(capsys, "render", corpus, "--out", corpus, "--notebooks", "01_overview")
    assert "is the input" in _one_line_error(code, err)
    assert [p.name for p in corpus.iterdir()] == ["a.txt"]


def test_render_puts_every_article_in_its_own_folder(tmp_path):
    from newsframe import io, render

    ids = ["inputs", "index.html", "06_compare.html", "newsframe.json", "reports.json", "articles"]
    docs = io.load_documents(pd.DataFrame({"id": ids, "text": [f"Article {i}." for i in range(len(ids))]}))
    assert docs["doc_id"].tolist() == ids
    names = ["01_overview", "06_compare"]
    declared = {n: render.notebook_parameters(n) for n in names}
    jobs = render._plan(docs, names, declared, {}, ids, tmp_path, None, tmp_path / "c.jsonl", 60, False)
    outputs = [j.out_html.relative_to(tmp_path).as_posix() for j in jobs]
    assert len(set(outputs)) == len(outputs)
    # every article file lives under articles/, so no id can take the name of the corpus report or the index
    assert outputs == [f"articles/{i}.html" for i in ids] + ["06_compare.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_work", "articles"]


def test_identical_notes_of_many_documents_are_one_line(tmp_path, capsys):
    corpus = tmp_path / "c.csv"
    corpus.write_bytes("id,text\n".encode() + "".join(f"{i},Café número {i}.\n" for i in range(5)).encode("cp1252"))
    code, _, err = _run(capsys, "tables", corpus, "--out", tmp_path / "out", "--tables", "documents")
    assert code == 0
    assert err.strip().splitlines() == ["note: 5 documents (0, 1, 2, ...): not valid UTF-8: read as cp1252"]


def test_render_refuses_a_locked_folder(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".newsframe.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, _, err = _run(capsys, "render", config.DEFAULT_SEED, "--out", out, "--notebooks", "01_overview")
    assert "another newsframe run is writing there" in _one_line_error(code, err)


@pytest.mark.slow
def test_sigterm_during_render_leaves_no_staging_and_the_old_reports(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "newsframe.json").write_text(json.dumps({"tool": "newsframe", "command": "render",
                                                    "files": ["index.html"]}), encoding="utf-8")
    (out / "index.html").write_text("previous set", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "newsframe.cli", "render", str(config.DEFAULT_SEED),
                             "--out", str(out), "--notebooks", "01_overview"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_signals)
    try:
        assert _wait_for(lambda: any(p.name.startswith(".newsframe-staging-") for p in out.iterdir()))
        time.sleep(1.0)  # the kernel is starting or running
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 143 and "Traceback" not in stderr
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "newsframe.json"]
    assert (out / "index.html").read_text(encoding="utf-8") == "previous set"
    assert list(tmp_path.iterdir()) == [out]


def test_a_signal_whose_exception_a_finaliser_swallowed_still_stops_the_commit(tmp_path):
    # Python drops an exception raised in __del__ ("Exception ignored in ..."): a SIGTERM whose handler ran
    # there must still keep the run from committing.
    from newsframe import outputs

    class Finaliser:
        def __del__(self):
            outputs._on_signal(signal.SIGTERM, None)

    out = tmp_path / "new" / "out"
    with pytest.raises(outputs.Terminated) as caught:
        with outputs.claim_output(out, inputs=[], command="tables") as staging:
            (staging / "sentences.csv").write_text("x\n", encoding="utf-8")
            f = Finaliser()
            del f  # the handler's exception is swallowed here; the block goes on
            (staging / "tokens.csv").write_text("y\n", encoding="utf-8")
    assert caught.value.signum == signal.SIGTERM
    assert not out.exists()
    # The next claim starts clean: the earlier signal does not stop it.
    with outputs.claim_output(out, inputs=[], command="tables") as staging:
        (staging / "sentences.csv").write_text("x\n", encoding="utf-8")
    assert (out / "sentences.csv").read_text(encoding="utf-8") == "x\n"


def test_no_encoder_writes_every_table_without_loading_torch(tmp_path):
    # In a fresh interpreter: the MiniLM encoder (torch) must never be imported, for one article and for a
    # corpus run by the engine, and every table is still written.
    code = ("import sys\nfrom newsframe import cli\n"
            f"a = cli.main(['tables', {str(config.DEFAULT_SEED)!r}, '--out', {str(tmp_path / 'one')!r}, '--no-encoder'])\n"
            f"b = cli.main(['tables', {str(config.DEFAULT_SEED.parent)!r}, '--out', {str(tmp_path / 'corpus')!r}, "
            "'--no-encoder', '--jobs', '1', '--format', 'parquet'])\n"
            "print(a, b, 'torch' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0 0 False", done.stdout
    one = {p.stem for p in (tmp_path / "one").glob("*.csv")}
    assert {"actor_sentiment", "frames_policy", "roles", "role_evidence"} <= one
    sentiment = pd.read_csv(tmp_path / "one" / "actor_sentiment.csv")
    assert len(sentiment) > 0 and set(sentiment["label"]) <= {"negative", "neutral", "positive"}
    assert (tmp_path / "corpus" / "roles").is_dir()


def test_roles_encoder_option_is_checked(tmp_path):
    import newsframe
    from newsframe.errors import NewsframeError
    with pytest.raises(NewsframeError, match="roles encoder must be auto, minilm or none|roles_encoder"):
        newsframe.analyze("Northland forces shelled the town.", roles_encoder="sometimes")
