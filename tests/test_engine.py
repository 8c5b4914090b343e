"""The streaming corpus engine: batches, partitions, jobs, Dask, resume, open_tables, and the CLI route.

The reference for every table is the in-memory analysis of the whole corpus (``analyze(corpus)``): the
engine must give the same rows whether a corpus runs in one piece, in batches, in worker processes or on a
Dask cluster.
"""
import json
import subprocess
import sys

import pandas as pd
import pytest

import newsframe
from newsframe import cli, engine, io
from newsframe.analysis import analyze
from newsframe.errors import NewsframeError

# Five short articles written for these tests (two outlets, a duplicate id across batches, an HTML one).
ARTICLES = [
    {"id": "talks", "source": "Daily A", "date": "2025-03-01",
     "text": "Talks in Istanbul\n\nUkrainian President Volodymyr Zelensky said on Monday that he would meet "
             "Vladimir Putin in Istanbul. The Kremlin welcomed the offer but gave no date.\n\n"
             "Officials in Kyiv warned that Russia had attacked the port of Odesa again overnight."},
    {"id": "aid", "source": "Daily B", "date": "2025-03-02",
     "text": "The United States will send more air-defence systems to Ukraine, the White House said. "
             "Critics in Congress called the package too small and too late."},
    {"id": "Talks", "source": "Daily A", "date": "2025-03-03",
     "text": "Turkey offered to host a second round. President Erdogan praised both delegations, "
             "while analysts doubted that a ceasefire was close."},
    {"id": "page", "source": "Daily B", "date": "2025-03-04",
     "text": "<html><body><p>Brussels approved new sanctions on Moscow.</p>"
             "<p>Hungary objected, diplomats said.</p></body></html>"},
    {"source": "Daily A", "date": "2025-03-05",
     "text": "Farmers in Poland blocked the border crossing for a third day. The government promised talks "
             "with their union and said trade with Ukraine would continue."},
]
EXPECTED_IDS = ["talks", "aid", "Talks_2", "page", "doc0005"]  # 'Talks' collides with 'talks' (case-insensitive)


def _write_jsonl(path, rows=ARTICLES):
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return _write_jsonl(tmp_path_factory.mktemp("corpus") / "news.jsonl")


@pytest.fixture(scope="module")
def whole(corpus):
    """Every table of the whole corpus analysed in memory: the reference."""
    a = analyze(corpus)
    return {name: a.table(name) for name in engine.table_names()}


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "out"
    summary = engine.run(corpus, out, batch_size=2, jobs=1, progress=False)
    return out, summary


def _tables(out):
    t = engine.open_tables(out)
    return {name: t[name].to_pandas() for name in t}


def _assert_same_tables(got, want):
    assert list(got) == list(want)
    for name in want:
        g, w = got[name], want[name]
        assert list(g.columns) == list(w.columns), name
        assert len(g) == len(w), name
        if "doc_id" in w.columns:
            # Stages order rows by doc_id within what they were given (a batch, or the whole corpus);
            # a stable sort by doc_id keeps each document's own row order, which must match exactly.
            g = g.sort_values("doc_id", kind="stable")
            w = w.sort_values("doc_id", kind="stable")
        # Values compared after Parquet's round trip (None/NaN, int/float widen), not object identity.
        pd.testing.assert_frame_equal(g.reset_index(drop=True), w.reset_index(drop=True), check_dtype=False,
                                      obj=name)


# -- io.iter_documents ----------------------------------------------------------------------------------
def _formats(tmp_path):
    frame = pd.DataFrame(ARTICLES).fillna("")
    jsonl = _write_jsonl(tmp_path / "c.jsonl")
    frame.to_csv(tmp_path / "c.csv", index=False)
    frame.to_parquet(tmp_path / "c.parquet", index=False)
    return {"jsonl": jsonl, "csv": tmp_path / "c.csv", "parquet": tmp_path / "c.parquet"}


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet"])
def test_iter_documents_batches_equal_load_documents(tmp_path, kind):
    path = _formats(tmp_path)[kind]
    batches = list(io.iter_documents(path, batch_size=2))
    assert [len(b) for b in batches] == [2, 2, 1]
    streamed = pd.concat(batches, ignore_index=True)
    assert streamed["doc_id"].tolist() == EXPECTED_IDS
    # Parquet has no loader of its own in read_documents: the same rows as JSONL are the reference there.
    reference, _ = io.read_documents(path if kind != "parquet" else _formats(tmp_path)["jsonl"])
    compare = ["doc_id", "title", "source", "date", "url", "n_chars", "notes", "text"]
    pd.testing.assert_frame_equal(streamed[compare], reference[compare])
    assert streamed.loc[3, "notes"] == "HTML markup removed"
    assert streamed.loc[2, "notes"] == "duplicate id 'Talks' renamed to 'Talks_2'"


def test_iter_documents_folder_matches_load_documents(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i, row in enumerate(ARTICLES):
        (folder / f"{i:02d}_{row.get('id', 'x')}.txt").write_text(row["text"], encoding="utf-8")
    (folder / "notes.bin").write_bytes(b"\x00")  # not a text file: ignored by both
    batches = list(io.iter_documents(folder, batch_size=3))
    assert [len(b) for b in batches] == [3, 2]
    pd.testing.assert_frame_equal(pd.concat(batches, ignore_index=True), io.load_documents(folder))


def _with_bad_line(tmp_path):
    # line 3 is malformed: skipped (listed with the batch read when it was met), or an error when strict
    path = tmp_path / "bad.jsonl"
    lines = [json.dumps(r) for r in ARTICLES[:2]] + ["{not json"] + [json.dumps(r) for r in ARTICLES[2:]]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_batches_carry_skipped_records(tmp_path):
    path = _with_bad_line(tmp_path)
    batches = list(engine.batches(path, batch_size=2))
    assert [d["doc_id"].tolist() for d, _ in batches] == [["talks", "aid"], ["Talks_2", "page"], ["doc0006"]]
    # the bad line comes with a batch read around it (the first or the second), and only once
    assert [len(s) for _, s in batches] in ([1, 0, 0], [0, 1, 0])
    documents, skipped = io.read_documents(path)
    pd.testing.assert_frame_equal(pd.concat([s for _, s in batches], ignore_index=True), skipped, check_dtype=False)
    pd.testing.assert_frame_equal(pd.concat([d for d, _ in batches], ignore_index=True), documents)
    assert skipped.loc[0, "record"] == f"{path} line 3"
    with pytest.raises(NewsframeError, match="line 3 is not valid JSON"):
        next(engine.batches(path, batch_size=2, strict=True))


def test_iter_documents_cp1252_corpus(tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes('id,text\nq,"Zelensky’s plan — a café deal."\n'.encode("cp1252"))
    (docs,) = io.iter_documents(path, batch_size=10)
    assert docs.loc[0, "text"] == "Zelensky’s plan — a café deal."
    assert docs.loc[0, "encoding"] == "cp1252" == io.load_documents(path).loc[0, "encoding"]


@pytest.mark.parametrize("content,message", [
    (b'{"title": "no text"}\n', "no good record: all 1 were bad; first: .* needs a JSON object with a 'text' field"),
    (b"\n\n", "no documents with text"),
])
def test_iter_documents_errors(tmp_path, content, message):
    path = tmp_path / "c.jsonl"
    path.write_bytes(content)
    with pytest.raises(NewsframeError, match=message):
        list(io.iter_documents(path, batch_size=2))


def test_parquet_corpus_needs_text_column(tmp_path):
    pd.DataFrame({"body": ["x"]}).to_parquet(tmp_path / "c.parquet")
    with pytest.raises(NewsframeError, match="needs a 'text' column"):
        list(io.iter_documents(tmp_path / "c.parquet", batch_size=2))


# -- the engine, serial ---------------------------------------------------------------------------------
def test_partitions_per_batch_and_table(serial):
    out, summary = serial
    assert (summary.n_batches, summary.n_documents, summary.n_reused) == (3, 5, 0)
    for name in engine.table_names():
        assert sorted(p.name for p in (out / name).iterdir()) == [
            "part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert not (out.parent / ".out.partial").exists()
    manifest = json.loads((out / engine.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["complete"] and manifest["n_documents"] == 5
    assert [json.loads(line)["doc_ids"] for line in (out / engine.BATCH_LOG).read_text().splitlines()] == [
        ["talks", "aid"], ["Talks_2", "page"], ["doc0005"]]


def test_batched_tables_equal_the_whole_corpus_in_memory(serial, whole):
    out, summary = serial
    got = _tables(out)
    _assert_same_tables(got, whole)
    assert summary.rows == {name: len(frame) for name, frame in whole.items()}
    assert len(got["mentions"]) > 10 and got["mentions"]["doc_id"].nunique() == 5  # the corpus is not trivial


def test_open_tables_filters_and_columns(serial, whole):
    out, _ = serial
    tables = newsframe.open_tables(out)
    mentions = tables["mentions"]
    want = whole["mentions"].loc[whole["mentions"]["doc_id"] == "talks", ["mention_id", "actor_id"]]
    got = mentions.to_pandas(columns=["mention_id", "actor_id"], filters=[("doc_id", "==", "talks")])
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True), check_dtype=False)
    assert mentions.count_rows(filters=[("doc_id", "==", "talks")]) == len(want)
    pieces = list(tables["tokens"].iter_batches(columns=["doc_id"], batch_size=50))
    assert max(len(p) for p in pieces) <= 50 and sum(len(p) for p in pieces) == len(whole["tokens"])
    with pytest.raises(NewsframeError, match="no table 'nope'"):
        tables["nope"]


def test_open_tables_refuses_other_folders(tmp_path):
    with pytest.raises(NewsframeError, match="not a newsframe tables folder"):
        engine.open_tables(tmp_path)


def test_csv_format_equals_write_tables(corpus, tmp_path):
    names = ["documents", "sentences", "mentions", "attributions"]
    analyze(corpus).write_tables(tmp_path / "memory", fmt="csv", tables=names)
    # one batch: byte for byte the file the in-memory route writes
    engine.run(corpus, tmp_path / "one", tables=names, fmt="csv", batch_size=5, jobs=1, progress=False)
    # three batches: the same rows, each document's rows in the same order
    engine.run(corpus, tmp_path / "three", tables=names, fmt="csv", batch_size=2, jobs=1, progress=False)
    for name in names:
        memory = (tmp_path / "memory" / f"{name}.csv").read_bytes()
        assert (tmp_path / "one" / f"{name}.csv").read_bytes() == memory
        three = pd.read_csv(tmp_path / "three" / f"{name}.csv", keep_default_na=False)
        want = pd.read_csv(tmp_path / "memory" / f"{name}.csv", keep_default_na=False)
        pd.testing.assert_frame_equal(three.sort_values("doc_id", kind="stable").reset_index(drop=True),
                                      want.sort_values("doc_id", kind="stable").reset_index(drop=True))
        assert not (tmp_path / "three" / name).exists()  # the CSV partitions were merged and removed
    assert engine.open_tables(tmp_path / "three")["sentences"].count_rows() == len(analyze(corpus).sentences)


def test_unknown_table_and_bad_options(corpus, tmp_path):
    with pytest.raises(NewsframeError, match="unknown table"):
        engine.run(corpus, tmp_path / "o", tables=["nope"], jobs=1)
    with pytest.raises(NewsframeError, match="needs --engine dask"):
        engine.run(corpus, tmp_path / "o", scheduler="tcp://127.0.0.1:1", jobs=1)
    with pytest.raises(NewsframeError, match="jobs must be at least 1"):
        engine.run(corpus, tmp_path / "o", jobs=0)
    assert not (tmp_path / "o").exists()


def test_bad_record_is_skipped_or_strict_leaves_no_output(tmp_path):
    path = _with_bad_line(tmp_path)
    with pytest.raises(NewsframeError, match="line 3"):
        engine.run(path, tmp_path / "out", tables=["sentences"], batch_size=1, jobs=1, progress=False, strict=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]
    summary = engine.run(path, tmp_path / "out", tables=["sentences", "skipped"], batch_size=2, jobs=1,
                         progress=False)
    assert summary.n_bad_records == 1 and summary.n_documents == 5
    assert summary.skipped == [(f"{path} line 3", "is not valid JSON (Expecting property name enclosed in double quotes)")]
    skipped = engine.open_tables(tmp_path / "out")["skipped"].to_pandas()
    assert skipped["record"].tolist() == [f"{path} line 3"]


def test_folder_with_other_files_is_refused_untouched(corpus, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("mine", encoding="utf-8")
    with pytest.raises(NewsframeError, match="did not write"):
        engine.run(corpus, out, tables=["sentences"], jobs=1, progress=False)
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]


def test_rerun_replaces_own_output(corpus, tmp_path):
    out = tmp_path / "out"
    engine.run(corpus, out, tables=["sentences", "tokens"], batch_size=2, jobs=1, progress=False)
    engine.run(corpus, out, tables=["sentences"], batch_size=5, jobs=1, progress=False)
    assert sorted(p.name for p in out.iterdir()) == [engine.BATCH_LOG, engine.MANIFEST, "newsframe.json", "sentences"]
    assert [p.name for p in (out / "sentences").iterdir()] == ["part-00000.parquet"]


# -- resume ---------------------------------------------------------------------------------------------
class _Stop(Exception):
    pass


def _interrupt_after(n):
    seen = []

    def hook(result, reused):
        seen.append((result.index, reused))
        if len(seen) == n:
            raise _Stop
    return hook, seen


def test_resume_skips_finished_batches(corpus, tmp_path, serial):
    out = tmp_path / "out"
    hook, _ = _interrupt_after(2)
    with pytest.raises(_Stop):
        engine.run(corpus, out, batch_size=2, jobs=1, progress=False, on_batch=hook)
    partial = tmp_path / ".out.partial"
    assert not out.exists() and partial.is_dir()
    assert len((partial / engine.BATCH_LOG).read_text().splitlines()) == 2
    # a partition cut short by the interruption only ever exists under a temporary name: plant one
    (partial / "sentences" / ".part-00002.parquet.dead.tmp").write_bytes(b"half")
    seen = []
    summary = engine.run(corpus, out, batch_size=2, jobs=1, progress=False, resume=True,
                         on_batch=lambda r, reused: seen.append((r.index, reused)))
    assert seen == [(0, True), (1, True), (2, False)]
    assert (summary.n_batches, summary.n_reused, summary.n_documents) == (3, 2, 5)
    _assert_same_tables(_tables(out), _tables(serial[0]))
    assert not partial.exists()


def test_resume_redoes_a_batch_whose_partition_is_missing(corpus, tmp_path):
    out = tmp_path / "out"
    hook, _ = _interrupt_after(3)
    with pytest.raises(_Stop):
        engine.run(corpus, out, tables=["sentences", "tokens"], batch_size=2, jobs=1, progress=False, on_batch=hook)
    (tmp_path / ".out.partial" / "tokens" / "part-00001.parquet").unlink()
    seen = []
    engine.run(corpus, out, tables=["sentences", "tokens"], batch_size=2, jobs=1, progress=False, resume=True,
               on_batch=lambda r, reused: seen.append((r.index, reused)))
    assert seen == [(0, True), (1, False), (2, True)]
    assert engine.open_tables(out)["tokens"].count_rows() == len(analyze(corpus).tokens)


def test_resume_refuses_changed_input_or_settings(tmp_path):
    path = _write_jsonl(tmp_path / "c.jsonl")
    out = tmp_path / "out"
    hook, _ = _interrupt_after(1)
    with pytest.raises(_Stop):
        engine.run(path, out, tables=["sentences"], batch_size=2, jobs=1, progress=False, on_batch=hook)
    with pytest.raises(NewsframeError, match="other settings"):
        engine.run(path, out, tables=["sentences"], batch_size=3, jobs=1, progress=False, resume=True)
    _write_jsonl(path, ARTICLES[:4])
    with pytest.raises(NewsframeError, match="input changed"):
        engine.run(path, out, tables=["sentences"], batch_size=2, jobs=1, progress=False, resume=True)
    # without --resume the interrupted run is discarded and the new one starts from scratch
    summary = engine.run(path, out, tables=["sentences"], batch_size=2, jobs=1, progress=False)
    assert (summary.n_reused, summary.n_documents) == (0, 4)


def test_resume_of_a_finished_run_does_nothing(corpus, tmp_path):
    out = tmp_path / "out"
    engine.run(corpus, out, tables=["sentences"], batch_size=2, jobs=1, progress=False)
    seen = []
    summary = engine.run(corpus, out, tables=["sentences"], batch_size=2, jobs=1, progress=False, resume=True,
                         on_batch=lambda r, reused: seen.append(r.index))
    assert seen == [] and summary.n_reused == 3


# -- parallel: worker processes and Dask ------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("start", ["forkserver", "spawn"])
def test_jobs_2_equals_jobs_1_for_every_table(corpus, serial, tmp_path, monkeypatch, start):
    monkeypatch.setenv("NEWSFRAME_WORKER_START", start)
    out = tmp_path / "out"
    summary = engine.run(corpus, out, batch_size=2, jobs=2, progress=False)
    assert summary.n_batches == 3
    if start == "forkserver":  # stopped with the pool: a notebook kernel does not keep a warm 0.7 GB server
        assert engine._forkserver_state()._forkserver_pid is None
        assert "newsframe._forkserver_preload" not in engine._forkserver_state()._preload_modules
    got, want = _tables(out), _tables(serial[0])
    assert list(got) == engine.table_names()
    for name in want:  # identical, dtypes included: the same code on the same batches
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)


@pytest.fixture
def forkserver_state(monkeypatch):
    """The process's fork server state, its preload list restored after the test."""
    state = engine._forkserver_state()
    monkeypatch.setattr(state, "_preload_modules", list(state._preload_modules))
    return state


def test_worker_start_method(monkeypatch, forkserver_state):
    monkeypatch.setenv("NEWSFRAME_WORKER_START", "spawn")
    assert engine._pool_context()[0].get_start_method() == "spawn"
    monkeypatch.setenv("NEWSFRAME_WORKER_START", "forkserver")
    assert engine._pool_context() == (engine._pool_context()[0], True)
    assert engine._pool_context()[0].get_start_method() == "forkserver"
    monkeypatch.setenv("NEWSFRAME_WORKER_START", "fork")
    with pytest.raises(NewsframeError, match="NEWSFRAME_WORKER_START must be auto, forkserver or spawn"):
        engine._pool_context()
    monkeypatch.delenv("NEWSFRAME_WORKER_START")
    linux = sys.platform.startswith("linux")
    assert engine._pool_context()[1] is linux
    # more torch threads or a tokenizer pool are not fork-safe: auto spawns
    monkeypatch.setenv("NEWSFRAME_TORCH_THREADS", "2")
    assert engine._pool_context()[1] is False
    monkeypatch.setenv("NEWSFRAME_TORCH_THREADS", "1")
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "true")
    assert engine._pool_context()[1] is False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forkserver workers are the Linux default")
def test_forked_workers_start_warm_and_the_server_stops(forkserver_state):
    from concurrent.futures import ProcessPoolExecutor

    assert forkserver_state._forkserver_pid is None  # no server left by an earlier run
    before = list(forkserver_state._preload_modules)
    context, _ = engine._pool_context()
    previous, started_here = engine._use_warm_forkserver(context)
    assert started_here and forkserver_state._preload_modules == ["newsframe._forkserver_preload"]
    # eval is a builtin, so it pickles to a worker without importing this test module there
    probe = ("(lambda m: (m.WARM, m.ROWS, __import__('newsframe.encoder').encoder._load.cache_info().currsize,"
             " __import__('gc').get_freeze_count() > 0))(__import__('sys').modules['newsframe._forkserver_preload'])")
    try:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            warm, rows, loaded, frozen = pool.submit(eval, probe).result(timeout=600)
    finally:
        forkserver_state._preload_modules = previous
        engine._stop_forkserver()
    assert warm and loaded == 1 and frozen
    # the seed reaches every stage, so every loader a batch needs was loaded before the fork
    assert {t for t, n in rows.items() if n == 0} == {"skipped"}
    assert forkserver_state._preload_modules == before and forkserver_state._forkserver_pid is None


@pytest.mark.slow
def test_warm_worker_leaves_no_cached_sentence():
    # In a fresh interpreter: what the fork server runs before forking workers.
    code = ("from newsframe import engine, encoder, grammar; rows = engine.warm_worker(); "
            "print(len(encoder._cache.entries), grammar._tag_sentence.cache_info().currsize, rows['sentences'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    encoded, tagged, sentences = map(int, done.stdout.split())
    assert (encoded, tagged) == (0, 0) and sentences == 24  # the seed's 24 sentences were analysed


@pytest.mark.slow
def test_dask_local_cluster_equals_serial(corpus, serial, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    summary = engine.run(corpus, out, batch_size=2, jobs=2, engine="dask", progress=False)
    assert summary.n_batches == 3
    got, want = _tables(out), _tables(serial[0])
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)


@pytest.mark.slow
def test_dask_writes_to_an_fsspec_url(corpus, tmp_path):
    pytest.importorskip("distributed")
    url = f"file://{tmp_path}/remote"
    engine.run(corpus, url, tables=["sentences", "mentions"], batch_size=2, jobs=1, engine="dask", progress=False)
    tables = engine.open_tables(url)
    a = analyze(corpus)
    pd.testing.assert_frame_equal(tables["sentences"].to_pandas(), a.sentences, check_dtype=False)
    assert tables["mentions"].count_rows() == len(a.mentions)


def test_default_engine_does_not_import_dask(corpus, tmp_path):
    code = (
        "import sys; from newsframe import engine;"
        f"engine.run({str(corpus)!r}, {str(tmp_path / 'o')!r}, tables=['sentences'], jobs=1, progress=False);"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_dask_without_the_extra_is_a_clear_error(corpus, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(NewsframeError, match=r"newsframe\[dask\]"):
        engine.run(corpus, tmp_path / "o", tables=["sentences"], engine="dask", jobs=1, progress=False)


# -- command line ---------------------------------------------------------------------------------------
def test_cli_tables_on_a_corpus_uses_the_engine(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    code = cli.main(["tables", str(corpus), "--out", str(out), "--format", "parquet", "--jobs", "1",
                     "--batch-size", "2", "--tables", "documents", "sentences"])
    stdout, stderr = capsys.readouterr()
    assert code == 0
    assert "wrote 2 tables for 5 document(s) in 3 batch(es)" in stdout
    assert "note: page: HTML markup removed" in stderr
    assert sorted(p.name for p in (out / "sentences").iterdir())[0] == "part-00000.parquet"
    assert engine.open_tables(out)["documents"].to_pandas(columns=["doc_id"])["doc_id"].tolist() == EXPECTED_IDS


def test_cli_bad_input_warns_or_fails_when_strict(tmp_path, capsys):
    bad = _with_bad_line(tmp_path)
    code = cli.main(["tables", str(bad), "--out", str(tmp_path / "out"), "--jobs", "1", "--strict"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err == [f"newsframe: error: {bad}: line 3 is not valid JSON (Expecting property name "
                                 "enclosed in double quotes)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]
    code = cli.main(["tables", str(bad), "--out", str(tmp_path / "out"), "--jobs", "1", "--tables", "documents"])
    err = capsys.readouterr().err
    assert code == 0 and f"warning: skipped 1 bad record(s) (first: {bad} line 3: is not valid JSON" in err


def test_progress_bar_on_stderr_only_when_asked(corpus, tmp_path, capsys):
    engine.run(corpus, tmp_path / "a", tables=["sentences"], batch_size=2, jobs=1, progress=True)
    err = capsys.readouterr().err
    assert "5/5" in err and "doc/s" in err  # documents done of the total, and the rate
    engine.run(corpus, tmp_path / "b", tables=["sentences"], batch_size=2, jobs=1)  # stderr is not a terminal
    assert capsys.readouterr().err == ""


def test_bad_option_fails_before_any_work(corpus, tmp_path):
    with pytest.raises(NewsframeError, match="policy_min_score"):
        engine.run(corpus, tmp_path / "o", tables=["frames_policy"], jobs=1, options={"policy_min_score": "high"})
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_cli_caps_notes_but_counts_them(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(engine, "MAX_NOTES", 1)
    rows = [{"id": f"p{i}", "text": f"<p>Talks began on day {i}.</p><p>They ended.</p>"} for i in range(3)]
    path = _write_jsonl(tmp_path / "html.jsonl", rows)
    code = cli.main(["tables", str(path), "--out", str(tmp_path / "out"), "--jobs", "1", "--tables", "documents"])
    err = capsys.readouterr().err.splitlines()
    assert code == 0
    assert err == ["note: p0: HTML markup removed", "note: and 2 more document(s) with notes (see documents.notes)"]
