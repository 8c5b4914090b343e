"""Streaming corpus engine: analyse a corpus batch by batch and write every table as partitions.

A corpus (folder, JSONL, CSV or Parquet with a ``text`` column) is read in batches of ``batch_size``
documents (:func:`newsframe.io.iter_documents`); each batch is analysed exactly as one input would be
(:class:`newsframe.analysis.Analysis`, then ``.table(name)`` for every table) and each table is written as
one partition, ``OUT/<table>/part-NNNNN.parquet`` (NNNNN = batch number). Memory holds only the batches in
flight, so it stays flat as the corpus grows. :func:`open_tables` reads the result lazily.

Where the batches run:

* ``jobs=1``: in this process.
* ``jobs=N``: ``N`` worker processes, each with torch at one thread and its models loaded once (the stage
  modules cache them per process); at most ``2 N`` batches are in flight. On Linux the workers are forked
  from a ``forkserver`` that loaded the models once (:func:`warm_worker`); elsewhere they are spawned.
* ``engine="dask"``: the same batches as ``dask.distributed`` tasks on the cluster at ``scheduler`` (a
  ``LocalCluster`` of ``jobs`` worker processes when none is given). Workers write their partitions
  straight to the output, which must be a path or fsspec URL they can reach. Dask is imported only here.

Results do not depend on where batches ran: each batch is a pure function of its documents and options.

Output and resume. A local output is claimed with :func:`newsframe.outputs.claim_output` (policy, lock,
manifest) before any work; the batches are built in a folder beside it, ``.<name>.partial``, and moved
into place when every batch is done. Each partition is written under a temporary name and renamed, so a
partition that exists is complete. ``_engine.json`` records the settings and a fingerprint of the input;
``_batches.jsonl`` gets one line per finished batch (its doc ids, a digest of its texts and the rows per
table). ``resume=True`` reuses the staging folder of an interrupted run and skips every batch whose line
matches the batch read again and whose partitions all exist. An fsspec URL output (``s3://...``) is written
in place (object stores have no rename of folders), with the same manifest.

With ``fmt="csv"`` the partitions are CSV files, concatenated at the end into one ``OUT/<table>.csv`` per
table (the layout of :meth:`Analysis.write_tables`).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import pandas as pd

from . import io, schema
from .errors import NewsframeError

MANIFEST = "_engine.json"
BATCH_LOG = "_batches.jsonl"
MANIFEST_VERSION = 1
MAX_NOTES = 50  # notes kept for the command line; the rest stay in documents.notes (memory stays flat)
DEFAULT_BATCH_SIZE = 32
ENGINES = ("processes", "dask")
FORMATS = ("parquet", "csv")


def default_jobs() -> int:
    """The cores this process may run on (``os.sched_getaffinity``; ``os.cpu_count`` where it is missing)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def table_names() -> list[str]:
    """Every table the analysis can build, in schema order (what the engine writes by default)."""
    from .analysis import Analysis

    return list(Analysis.table_names())


# -- storage: a local folder or an fsspec URL -------------------------------------------------------------
def _is_url(target: str | os.PathLike) -> bool:
    return "://" in str(target)


class _Store:
    """Files under one root, local (``os``) or remote (fsspec); the only I/O the workers do."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.url = _is_url(root)
        if self.url:
            import fsspec

            self.fs, self.root = fsspec.core.url_to_fs(str(root))
            self.root = self.root.rstrip("/")
        else:
            self.fs, self.root = None, str(Path(root))

    def path(self, *parts: str) -> str:
        return "/".join([self.root, *parts]) if self.url else str(Path(self.root, *parts))

    def exists(self, *parts: str) -> bool:
        p = self.path(*parts)
        return self.fs.exists(p) if self.url else os.path.exists(p)

    def makedirs(self, *parts: str) -> None:
        p = self.path(*parts)
        if self.url:
            self.fs.makedirs(p, exist_ok=True)
        else:
            os.makedirs(p, exist_ok=True)

    def read_text(self, *parts: str) -> str:
        p = self.path(*parts)
        if self.url:
            with self.fs.open(p, "r", encoding="utf-8") as f:
                return f.read()
        return Path(p).read_text(encoding="utf-8")

    def write_atomic(self, parts: Sequence[str], write: Callable[[Any], None], *, binary: bool) -> None:
        """Write through ``write(file)`` to a temporary name, then rename it to ``parts``: all or nothing."""
        final = self.path(*parts)
        tmp = self.path(*parts[:-1], f".{parts[-1]}.{uuid.uuid4().hex[:8]}.tmp")
        mode = "wb" if binary else "w"
        try:
            if self.url:
                with self.fs.open(tmp, mode, **({} if binary else {"encoding": "utf-8", "newline": ""})) as f:
                    write(f)
                self.fs.mv(tmp, final)
            else:
                with open(tmp, mode, **({} if binary else {"encoding": "utf-8", "newline": ""})) as f:
                    write(f)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, final)
        except BaseException:
            try:
                self.fs.rm(tmp) if self.url else os.unlink(tmp)
            except (OSError, FileNotFoundError):
                pass
            raise

    def append_line(self, name: str, line: str) -> None:
        p = self.path(name)
        if self.url:  # object stores cannot append: rewrite (the log is small: one line per batch)
            old = self.read_text(name) if self.exists(name) else ""
            self.write_atomic([name], lambda f: f.write(old + line + "\n"), binary=False)
        else:
            with open(p, "a", encoding="utf-8") as f:
                f.write(line + "\n")
                f.flush()
                os.fsync(f.fileno())

    def remove_tree(self, *parts: str) -> None:
        p = self.path(*parts)
        if self.url:
            if self.fs.exists(p):
                self.fs.rm(p, recursive=True)
        else:
            shutil.rmtree(p, ignore_errors=True)


# -- one batch: the unit of work, the same wherever it runs -----------------------------------------------
@dataclass
class BatchTask:
    """What a worker needs to analyse one batch and write its partitions."""

    index: int
    documents: pd.DataFrame
    skipped: pd.DataFrame  # bad records met while this batch was read (the ``skipped`` table's partition)
    root: str
    tables: list[str]
    fmt: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class BatchResult:
    """What a worker reports back: small, whatever the batch size."""

    index: int
    doc_ids: list[str]
    digest: str
    rows: dict[str, int]
    n_words: int
    notes: list[tuple[str, str]]
    bad_records: list[tuple[str, str]] = field(default_factory=list)  # (record, reason), the first few
    n_bad_records: int = 0


def partition_name(index: int, fmt: str) -> str:
    """File name of batch ``index``'s partition (``part-00007.parquet``)."""
    return f"part-{index:05d}.{fmt}"


def batch_digest(documents: pd.DataFrame) -> str:
    """A digest of a batch's ids and texts: a resumed run reuses a partition only for the same documents."""
    h = hashlib.sha256()
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        h.update(str(doc_id).encode("utf-8", "surrogatepass") + b"\x00")
        h.update(str(text).encode("utf-8", "surrogatepass") + b"\x01")
    return h.hexdigest()[:32]


_WORKER_READY = False


def limit_threads() -> None:
    """One compute thread per worker process (torch, BLAS): workers, not threads, use the cores.

    On this kind of machine torch's default threads ran 2-2.7x slower than one thread per process.
    """
    global _WORKER_READY
    if _WORKER_READY:
        return
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    else:
        try:
            import torch
        except ImportError:
            pass
        else:
            torch.set_num_threads(1)
    _WORKER_READY = True


def warm_worker() -> dict[str, int]:
    """Load what a batch needs (modules, lexicons, the encoder, the toward and role models) by analysing the
    bundled seed article into every table, then settle the heap (:func:`settle_after_warm_up`): what the
    ``forkserver`` of ``--jobs N`` runs once before forking its workers. The sentence caches are cleared
    before every batch, so nothing of the warm-up reaches a result. Returns the rows of each table (the seed
    reaches every stage)."""
    global _BATCHES_IN_PROCESS
    # Before torch and tokenizers are imported: no tokenizer thread pool, whose threads a forked worker
    # would not have (_pool_context spawns instead when the user asked for one, or for more torch threads).
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    limit_threads()
    from . import config
    from .analysis import Analysis

    analysis = Analysis(io.read_documents(config.DEFAULT_SEED)[0])
    rows = {table: int(len(analysis.table(table))) for table in Analysis.table_names()}
    del analysis
    clear_sentence_caches()
    settle_after_warm_up()
    _BATCHES_IN_PROCESS = 2  # settled already: a forked worker need not do it before its second batch
    return rows


def _write_partition(store: _Store, table: str, index: int, frame: pd.DataFrame, fmt: str) -> None:
    name = partition_name(index, fmt)
    if fmt == "csv":
        store.write_atomic([table, name], lambda f: frame.to_csv(f, index=False), binary=False)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        store.write_atomic([table, name], lambda f: pq.write_table(arrow, f), binary=True)


def clear_sentence_caches() -> None:
    """Forget the per-sentence caches (encoder passes, POS tags, VADER readings, word maps of the lexicon
    stages) of the modules loaded.

    They serve the stages of one batch, which read the same sentences several times; across batches of real
    news a sentence rarely comes back, so keeping them only grows memory (up to about 0.7 GB at 16x the
    benchmark corpus). Word-level caches (stems, lexicon look-ups) are bounded by the vocabulary and stay.
    Cleared before each batch, the cache never carries one batch's results into another, so a batch's tables
    are the same in any engine and in any order.
    """
    for module, names in (("newsframe.encoder", ("clear_cache",)), ("newsframe.grammar", ("_tag_sentence",)),
                          ("newsframe.sentiment", ("_read",)), ("newsframe.frames", ("clear_word_maps",))):
        loaded = sys.modules.get(module)
        for name in names if loaded is not None else ():
            target = getattr(loaded, name)
            (target.cache_clear if hasattr(target, "cache_clear") else target)()


_BATCHES_IN_PROCESS = 0


def settle_after_warm_up() -> None:
    """Collect, then move what is left (lexicons, models, compiled rules: about 600,000 objects) out of the
    cyclic garbage collector's sight with :func:`gc.freeze`.

    Without it every full collection walks those long-lived objects again, 0.2-0.8 s each, paid by whichever
    stage allocates at that moment. Called once per process, before its second batch; objects frozen are still
    freed when their last reference goes.
    """
    import gc

    gc.collect()
    gc.freeze()


def process_batch(task: BatchTask) -> BatchResult:
    """Analyse one batch and write one partition per table; the same code in every engine.

    Every table gets a partition, empty or not, so the partitions of a table all exist once its batch
    is done (that is what resume checks).
    """
    from .analysis import Analysis

    global _BATCHES_IN_PROCESS
    clear_sentence_caches()
    if _BATCHES_IN_PROCESS == 1:
        settle_after_warm_up()
    _BATCHES_IN_PROCESS += 1
    store = _Store(task.root)
    analysis = Analysis(task.documents, skipped=task.skipped, **task.options)
    rows = {}
    for table in task.tables:
        frame = analysis.table(table)
        store.makedirs(table)
        _write_partition(store, table, task.index, frame, task.fmt)
        rows[table] = int(len(frame))
    docs = analysis.table("documents")
    notes = [(d, n) for d, n in zip(docs["doc_id"], docs["notes"]) if n]
    bad = list(zip(task.skipped["record"], task.skipped["reason"]))
    return BatchResult(index=task.index, doc_ids=[str(d) for d in docs["doc_id"]],
                       digest=batch_digest(task.documents), rows=rows, n_words=int(docs["n_words"].sum()),
                       notes=notes, bad_records=bad[:MAX_NOTES], n_bad_records=len(bad))


def _worker_process_batch(task: BatchTask) -> BatchResult:
    limit_threads()
    return process_batch(task)


# -- the run ------------------------------------------------------------------------------------------------
@dataclass
class RunSummary:
    """What :func:`run` did."""

    out: str
    tables: list[str]
    fmt: str
    n_batches: int = 0
    n_reused: int = 0  # batches reused from an interrupted run
    n_documents: int = 0
    n_words: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # the first MAX_NOTES (doc_id, note)
    n_notes: int = 0  # documents with a note; all of them are in documents.notes
    skipped: list[tuple[str, str]] = field(default_factory=list)  # bad records (record, reason), first MAX_NOTES
    n_bad_records: int = 0  # records left out as bad: all of them are in the ``skipped`` table
    seconds: float = 0.0


def input_fingerprint(source: str | Path) -> dict[str, Any]:
    """What identifies the input for resume: size and modification time of the file, or of every text
    file of a folder (cheap even for a large corpus; a changed file changes it)."""
    path = Path(source).expanduser().resolve()
    h = hashlib.sha256()
    if path.is_dir():
        for p in sorted(path.iterdir()):
            if p.is_file() and p.suffix.lower() in io.TEXT_SUFFIXES:
                st = p.stat()
                h.update(f"{p.name}\x00{st.st_size}\x00{st.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
    else:
        st = path.stat()
        h.update(f"{st.st_size}\x00{st.st_mtime_ns}".encode())
    return {"path": str(path), "kind": io.corpus_kind(path), "digest": h.hexdigest()[:32]}


def _settings(tables: list[str], fmt: str, batch_size: int, max_chars: int | None,
              options: Mapping[str, Any]) -> dict[str, Any]:
    from . import __version__

    return {"tables": tables, "format": fmt, "batch_size": batch_size, "max_chars": max_chars,
            "options": {k: str(v) for k, v in sorted(options.items())}, "newsframe": __version__}


def _read_log(store: _Store) -> dict[int, dict]:
    """Finished batches from ``_batches.jsonl``; a line cut short by an interruption is ignored."""
    if not store.exists(BATCH_LOG):
        return {}
    done = {}
    for line in store.read_text(BATCH_LOG).split("\n"):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and "index" in entry:
            done[int(entry["index"])] = entry
    return done


def _is_ours(path: Path) -> bool:
    return (path / MANIFEST).is_file()


def _prepare_partial(out: Path, *, resume: bool, manifest: dict) -> tuple[Path, dict[int, dict]]:
    """The folder beside ``out`` that a run builds in, and the batches an interrupted run finished there.

    It outlives an interruption (that is what ``--resume`` continues); :func:`newsframe.outputs.claim_output`
    guards ``out`` itself.
    """
    partial = out.parent / f".{out.name}.partial"
    done: dict[int, dict] = {}
    if partial.exists():
        if not _is_ours(partial):
            raise NewsframeError(f"{partial}: exists and was not written by newsframe; move it away")
        if resume:
            old = json.loads((partial / MANIFEST).read_text(encoding="utf-8"))
            _check_resumable(old, manifest, partial)
            done = _read_log(_Store(partial))
        else:
            shutil.rmtree(partial)
    if not partial.exists():
        partial.mkdir(parents=True)
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return partial, done


def _finished_run(out: Path, manifest: dict) -> bool:
    """Whether ``out`` already holds the finished output of this very run (input and settings)."""
    try:
        old = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(old.get("complete")) and _same_run(old, manifest)


def _same_run(old: dict, new: dict) -> bool:
    return old.get("input") == new.get("input") and old.get("settings") == new.get("settings")


def _check_resumable(old: dict, new: dict, where: str | Path) -> None:
    if old.get("version") != MANIFEST_VERSION:
        raise NewsframeError(f"{where}: written by another version of the engine; run again without --resume")
    if old.get("input") != new.get("input"):
        raise NewsframeError(f"{where}: the input changed since the interrupted run; run again without --resume")
    if old.get("settings") != new.get("settings"):
        changed = sorted(k for k in new["settings"] if old.get("settings", {}).get(k) != new["settings"][k])
        raise NewsframeError(f"{where}: the interrupted run had other settings ({', '.join(changed)}); "
                             "run again with the same ones or without --resume")


def _progress(total: int | None, enabled: bool | None):
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)


def run(source: str | Path, out: str | Path, *, tables: Sequence[str] | None = None, fmt: str = "parquet",
        batch_size: int = DEFAULT_BATCH_SIZE, jobs: int | None = None, engine: str = "processes",
        scheduler: str | None = None, resume: bool = False, progress: bool | None = None,
        max_chars: int | None = None, strict: bool = False, force: bool = False,
        options: Mapping[str, Any] | None = None,
        on_batch: Callable[[BatchResult, bool], None] | None = None) -> RunSummary:
    """Analyse the corpus ``source`` batch by batch and write every table under ``out``.

    Parameters
    ----------
    source
        Folder of ``.txt``/``.md`` files, ``.jsonl``, ``.csv`` or ``.parquet`` corpus (see
        :func:`newsframe.io.iter_documents`).
    out
        Output folder (created; replaced when it holds an earlier newsframe output) or fsspec URL.
    tables
        Table names (default: every table, :func:`table_names`).
    fmt
        ``"parquet"``: ``out/<table>/part-NNNNN.parquet``; ``"csv"``: one ``out/<table>.csv``.
    batch_size
        Documents per batch: the unit of work, of memory and of resume.
    jobs
        Worker processes (default :func:`default_jobs`); ``1`` runs in this process. With
        ``engine="dask"`` and no ``scheduler``, the number of LocalCluster workers.
    engine
        ``"processes"`` or ``"dask"``.
    scheduler
        Address of a running ``dask scheduler`` (``tcp://host:8786``); only with ``engine="dask"``.
    resume
        Continue an interrupted run into the same ``out`` with the same input and settings.
    progress
        Progress bar on stderr (documents/s, ETA); default: only when stderr is a terminal.
    max_chars
        Refuse a document longer than this.
    strict
        Stop at the first bad record instead of listing it in the ``skipped`` table.
    force
        Write into a folder holding files newsframe did not write (they are kept); see
        :func:`newsframe.outputs.claim_output`.
    options
        Stage options passed to :class:`~newsframe.analysis.Analysis` (``gazetteer``, lexicon paths, ...).
    on_batch
        Called in this process as ``on_batch(result, reused)`` after each batch (``reused`` when resume
        skipped it).

    Returns
    -------
    RunSummary

    Raises
    ------
    NewsframeError
        Bad input, unknown table, format or engine, a resume that does not match the interrupted run.
    """
    started = time.perf_counter()
    if fmt not in FORMATS:
        raise NewsframeError(f"unknown format {fmt!r}: use {' or '.join(FORMATS)}")
    if engine not in ENGINES:
        raise NewsframeError(f"unknown engine {engine!r}: use {' or '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise NewsframeError("--scheduler needs --engine dask")
    if batch_size < 1:
        raise NewsframeError(f"batch size must be at least 1, not {batch_size}")
    jobs = default_jobs() if jobs is None else int(jobs)
    if jobs < 1:
        raise NewsframeError(f"jobs must be at least 1, not {jobs}")
    known = table_names()
    tables = list(tables) if tables else known
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise NewsframeError(f"unknown table(s) {', '.join(unknown)}; known: {', '.join(known)}")
    options = dict(options or {})
    from . import stages

    stages.resolve_options(options)  # an unknown or mistyped option fails now, not in the first batch
    source = Path(source).expanduser()
    manifest = {"version": MANIFEST_VERSION, "input": input_fingerprint(source),
                "settings": _settings(tables, fmt, batch_size, max_chars, options), "complete": False}

    manifest["settings"]["strict"] = bool(strict)

    if _is_url(out):
        store = _Store(out)
        store.makedirs()
        done: dict[int, dict] = {}
        if store.exists(MANIFEST):
            old = json.loads(store.read_text(MANIFEST))
            if resume:
                _check_resumable(old, manifest, out)
                done = _read_log(store)
            else:
                store.remove_tree()
                store.makedirs()
        if not done:
            store.write_atomic([MANIFEST], lambda f: f.write(json.dumps(manifest, indent=1)), binary=False)
        summary = _execute(source, store, manifest, options=options, done=done, out=str(out), engine=engine, jobs=jobs,
                           scheduler=scheduler, progress=progress, strict=strict, on_batch=on_batch)
        summary.seconds = time.perf_counter() - started
        return summary

    from .outputs import claim_output

    out = Path(out).expanduser()
    if resume and not (out.parent / f".{out.name}.partial").exists() and _finished_run(out, manifest):
        return _summary_from_manifest(out, tables, fmt, started)  # nothing left to do
    # --out is checked and locked before any work; the batches go to a folder beside it that survives an
    # interruption, and move into the claimed staging folder only when all are done.
    with claim_output(out, inputs=[source], force=force, command="tables",
                      meta={"input": manifest["input"]["path"], "engine": MANIFEST}) as final:
        partial, done = _prepare_partial(out, resume=resume, manifest=manifest)
        summary = _execute(source, _Store(partial.resolve()), manifest, options=options, done=done, out=str(out),
                           engine=engine, jobs=jobs, scheduler=scheduler, progress=progress, strict=strict, on_batch=on_batch)
        for entry in sorted(os.listdir(partial)):
            os.replace(partial / entry, final / entry)
        partial.rmdir()
    summary.seconds = time.perf_counter() - started
    return summary


def _execute(source: Path, store: _Store, manifest: dict, *, options: dict, done: dict[int, dict], out: str,
             engine: str,
             jobs: int, scheduler: str | None, progress: bool | None, strict: bool,
             on_batch: Callable[[BatchResult, bool], None] | None) -> RunSummary:
    """Run every batch not in ``done`` into ``store`` and finish it (CSV merge, complete manifest)."""
    settings = manifest["settings"]
    tables, fmt, batch_size = settings["tables"], settings["format"], settings["batch_size"]
    max_chars = settings["max_chars"]
    summary = RunSummary(out=out, tables=tables, fmt=fmt)
    n_records = io.count_records(source)  # for the ETA; None when it cannot be counted cheaply
    if n_records is not None and engine == "processes":
        jobs = max(1, min(jobs, -(-n_records // batch_size)))  # no idle workers for a small corpus
    bar = _progress(n_records, progress)
    try:
        tasks = _tasks(source, root=store.root if not store.url else out, tables=tables, fmt=fmt,
                       batch_size=batch_size, max_chars=max_chars, strict=strict, options=options,
                       done=done, store=store, summary=summary, bar=bar, on_batch=on_batch)

        def finished(result: BatchResult) -> None:
            store.append_line(BATCH_LOG, json.dumps({
                "index": result.index, "doc_ids": result.doc_ids, "digest": result.digest, "rows": result.rows,
                "n_words": result.n_words, "notes": result.notes, "bad_records": result.bad_records,
                "n_bad_records": result.n_bad_records}))
            _account(summary, result, bar)
            if on_batch is not None:
                on_batch(result, False)

        if engine == "dask":
            _run_dask(tasks, finished, jobs=jobs, scheduler=scheduler)
        elif jobs == 1:
            for task in tasks:
                finished(process_batch(task))
        else:
            _run_processes(tasks, finished, jobs=jobs)
    except NewsframeError:
        # Bad input: resuming would fail on it again, so leave nothing behind.
        if not store.url:
            shutil.rmtree(store.root, ignore_errors=True)
        raise
    except BaseException:
        if summary.n_batches:
            print(f"newsframe: {summary.n_batches} finished batch(es) kept in {store.root}; run the same command "
                  "with --resume to continue", file=sys.stderr)
        raise
    finally:
        if bar is not None:
            bar.close()

    if fmt == "csv":
        _concatenate_csv(store, tables, summary.n_batches)
    final = dict(manifest)
    final.update(complete=True, n_batches=summary.n_batches, n_documents=summary.n_documents, rows=summary.rows)
    store.write_atomic([MANIFEST], lambda f: f.write(json.dumps(final, indent=1)), binary=False)
    return summary


def _summary_from_manifest(out: Path, tables: list[str], fmt: str, started: float) -> RunSummary:
    m = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    return RunSummary(out=str(out), tables=tables, fmt=fmt, n_batches=m.get("n_batches", 0),
                      n_reused=m.get("n_batches", 0), n_documents=m.get("n_documents", 0),
                      rows=m.get("rows", {}), seconds=time.perf_counter() - started)


def _account(summary: RunSummary, result: BatchResult, bar) -> None:
    summary.n_batches += 1
    summary.n_documents += len(result.doc_ids)
    summary.n_words += result.n_words
    summary.n_notes += len(result.notes)
    summary.n_bad_records += result.n_bad_records
    summary.skipped.extend(result.bad_records[:max(0, MAX_NOTES - len(summary.skipped))])
    room = MAX_NOTES - len(summary.notes)
    if room > 0:
        summary.notes.extend((str(d), str(n)) for d, n in result.notes[:room])
    for t, n in result.rows.items():
        summary.rows[t] = summary.rows.get(t, 0) + int(n)
    if bar is not None:
        bar.update(len(result.doc_ids))


def batches(source: str | Path, *, batch_size: int, max_chars: int | None = None, strict: bool = False
            ) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """``(documents, skipped)`` per batch of :func:`newsframe.io.iter_documents`: the bad records read while
    a batch was read come with it (those after the last document with the last batch), so the ``skipped``
    table is partitioned like every other and the partitions concatenate to ``read_documents``'s."""
    pending: list[tuple[str, str]] = []
    held: tuple[pd.DataFrame, list] | None = None
    for documents in io.iter_documents(source, batch_size=batch_size, max_chars=max_chars, strict=strict,
                                       skipped=pending):
        if held is not None:
            yield held[0], _skipped_frame(held[1])
        held = (documents, list(pending))
        pending.clear()
    if held is not None:
        yield held[0], _skipped_frame(held[1] + pending)


def _skipped_frame(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=schema.columns("skipped")) if rows else schema.empty("skipped")


def _tasks(source: Path, *, root: str, tables: list[str], fmt: str, batch_size: int, max_chars: int | None,
           strict: bool, options: dict, done: dict[int, dict], store: _Store, summary: RunSummary, bar,
           on_batch) -> Iterator[BatchTask]:
    """The batches still to do; batches an interrupted run finished are accounted for and skipped."""
    for index, (documents, skipped) in enumerate(batches(source, batch_size=batch_size, max_chars=max_chars,
                                                          strict=strict)):
        entry = done.get(index)
        if entry is not None and _reusable(entry, documents, store, tables, index, fmt):
            result = BatchResult(index=index, doc_ids=list(entry["doc_ids"]), digest=entry["digest"],
                                 rows=dict(entry["rows"]), n_words=int(entry.get("n_words", 0)),
                                 notes=[tuple(n) for n in entry.get("notes", [])],
                                 bad_records=[tuple(b) for b in entry.get("bad_records", [])],
                                 n_bad_records=int(entry.get("n_bad_records", 0)))
            _account(summary, result, bar)
            summary.n_reused += 1
            if on_batch is not None:
                on_batch(result, True)
            continue
        yield BatchTask(index=index, documents=documents, skipped=skipped, root=root, tables=tables, fmt=fmt,
                        options=options)


def _reusable(entry: dict, documents: pd.DataFrame, store: _Store, tables: list[str], index: int, fmt: str) -> bool:
    return (entry.get("doc_ids") == [str(d) for d in documents["doc_id"]]
            and entry.get("digest") == batch_digest(documents)
            and all(store.exists(t, partition_name(index, fmt)) for t in tables))


def _run_processes(tasks: Iterable[BatchTask], finished: Callable[[BatchResult], None], *, jobs: int) -> None:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context, forkserver = _pool_context()
    preload = _use_warm_forkserver(context) if forkserver else None
    in_flight: set = set()
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=limit_threads)
    try:
        for task in tasks:
            in_flight.add(pool.submit(_worker_process_batch, task))
            if len(in_flight) >= 2 * jobs:  # bounded: memory holds at most 2 batches per worker
                completed, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                for result in sorted((f.result() for f in completed), key=lambda r: r.index):
                    finished(result)
        for result in sorted((f.result() for f in wait(in_flight).done), key=lambda r: r.index):
            finished(result)
    except BaseException:
        # An interrupt or a failed batch: stop now; the batches already logged are kept for --resume. The
        # fork server is left to exit with this process: stopping it would wait for the running workers.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)
        if preload is not None and preload[1]:
            _stop_forkserver()
    finally:
        if preload is not None:
            _forkserver_state()._preload_modules = preload[0]  # other forkserver users keep their own


def _pool_context():
    """``(context, uses_forkserver)``. Linux: ``forkserver`` with :mod:`newsframe._forkserver_preload`, so the
    models are loaded once, in a process that runs no torch or tokenizer thread pool when it forks (torch
    at one thread, no tokenizer parallelism), and the workers start warm. Elsewhere ``spawn``: a fresh
    interpreter per worker (macOS and Windows). ``NEWSFRAME_WORKER_START=spawn`` asks for spawned workers on
    Linux too; so does asking for more than one torch thread or for tokenizer parallelism, which a forked
    worker could not use safely."""
    import multiprocessing

    method = os.environ.get("NEWSFRAME_WORKER_START", "auto")
    if method not in ("auto", "forkserver", "spawn"):
        raise NewsframeError(f"NEWSFRAME_WORKER_START must be auto, forkserver or spawn, not {method!r}")
    threads = os.environ.get("NEWSFRAME_TORCH_THREADS", "1").strip() not in ("", "1")
    tokenizer_pool = os.environ.get("TOKENIZERS_PARALLELISM", "").strip().lower() in ("1", "true", "yes", "on")
    linux = sys.platform.startswith("linux") and "forkserver" in multiprocessing.get_all_start_methods()
    if method == "forkserver" or (method == "auto" and linux and not threads and not tokenizer_pool):
        return multiprocessing.get_context("forkserver"), True
    return multiprocessing.get_context("spawn"), False


def _forkserver_state():
    from multiprocessing import forkserver

    return forkserver._forkserver  # CPython's one fork server per process (private)


def _use_warm_forkserver(context) -> tuple[list, bool]:
    """Ask for the warm-up in the fork server this run will start; ``(previous preload, started here)``.
    A server already running (another user's, or one an interrupted run left) is used as it is."""
    state = _forkserver_state()
    previous = list(getattr(state, "_preload_modules", ["__main__"]))
    started_here = getattr(state, "_forkserver_pid", None) is None
    if started_here:
        context.set_forkserver_preload(["newsframe._forkserver_preload"])
    return previous, started_here


def _stop_forkserver() -> None:
    """Stop the warm fork server this run started, once its workers have exited: it holds a full set of
    models (about 0.7 GB) that a notebook kernel would otherwise keep until it exits. The next run starts a
    new one."""
    stop = getattr(_forkserver_state(), "_stop", None)  # CPython's own (private) stop, 3.8+
    if stop is not None:
        try:
            stop()
        except (OSError, ChildProcessError):
            pass


# Two dask defaults that cost this workload speed, undone for the LocalCluster newsframe starts (README: the same
# for workers started by hand). MALLOC_TRIM_THRESHOLD_ (set by dask's nanny for every worker) turns off
# glibc's dynamic mmap threshold, so each of the encoder's temporary tensors was a fresh mmap and page faults:
# actor_sentiment ran about 1.7x slower in a LocalCluster worker than in --jobs 1. The worker's statistical
# profiler samples the task thread's Python stack every 10 ms under the GIL.
LOCAL_CLUSTER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                        "distributed.worker.profile.enabled": False}


def _run_dask(tasks: Iterable[BatchTask], finished: Callable[[BatchResult], None], *, jobs: int,
              scheduler: str | None) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise NewsframeError("--engine dask needs the dask extra: pip install 'newsframe[dask]'") from None

    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise NewsframeError(f"cannot reach the dask scheduler at {scheduler}: {exc}") from None
        else:
            import dask

            with dask.config.set(LOCAL_CLUSTER_CONFIG):
                cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
            client = Client(cluster)
        with client:
            n_workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
            pending = as_completed()
            task_iter = iter(tasks)
            for task in task_iter:
                pending.add(client.submit(_worker_process_batch, task, pure=False, key=f"newsframe-batch-{task.index}-{uuid.uuid4().hex[:6]}"))
                if pending.count() >= 2 * n_workers:
                    break
            for future in pending:
                finished(future.result())
                future.release()
                task = next(task_iter, None)
                if task is not None:
                    pending.add(client.submit(_worker_process_batch, task, pure=False,
                                              key=f"newsframe-batch-{task.index}-{uuid.uuid4().hex[:6]}"))
    finally:
        if cluster is not None:
            cluster.close()


def _concatenate_csv(store: _Store, tables: list[str], n_batches: int) -> None:
    """One ``<table>.csv`` per table from its CSV partitions (header once), then the partitions go."""
    for table in tables:
        def write(f, table=table):
            for index in range(n_batches):
                part = store.path(table, partition_name(index, "csv"))
                opener = store.fs.open if store.url else open
                with opener(part, "r", encoding="utf-8", newline="") as src:
                    header = src.readline()
                    if index == 0:
                        f.write(header)
                    shutil.copyfileobj(src, f)
        store.write_atomic([f"{table}.csv"], write, binary=False)
        store.remove_tree(table)


# -- reading the result -------------------------------------------------------------------------------------
class Table:
    """One table of an engine output, read lazily through a :class:`pyarrow.dataset.Dataset`."""

    def __init__(self, name: str, dataset) -> None:
        self.name = name
        self.dataset = dataset

    @property
    def columns(self) -> list[str]:
        """Column names."""
        return list(self.dataset.schema.names)

    def count_rows(self, filters=None) -> int:
        """Rows (matching ``filters``), counted without loading the table."""
        return self.dataset.count_rows(filter=_expression(filters))

    def to_pandas(self, *, columns: Sequence[str] | None = None, filters=None) -> pd.DataFrame:
        """The rows matching ``filters`` (a pyarrow expression or DNF tuples like ``[("doc_id", "==", "a")]``),
        only ``columns``; partitions are read in batch order."""
        table = self.dataset.to_table(columns=list(columns) if columns else None, filter=_expression(filters))
        frame = table.to_pandas()
        return frame.reset_index(drop=True)

    def iter_batches(self, *, columns: Sequence[str] | None = None, filters=None,
                     batch_size: int = 65_536) -> Iterator[pd.DataFrame]:
        """The table in pieces of at most ``batch_size`` rows: for tables larger than memory."""
        for rb in self.dataset.to_batches(columns=list(columns) if columns else None, filter=_expression(filters),
                                          batch_size=batch_size):
            yield rb.to_pandas()

    def __repr__(self) -> str:
        return f"<Table {self.name}: {len(self.dataset.files)} partition(s), columns {', '.join(self.columns)}>"


def _expression(filters):
    if filters is None:
        return None
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    if isinstance(filters, ds.Expression):
        return filters
    return pq.filters_to_expression(filters)


class Tables(Mapping[str, Table]):
    """The tables of an engine output folder: ``tables["mentions"].to_pandas(filters=..., columns=...)``."""

    def __init__(self, root: str | Path, tables: dict[str, Table], manifest: dict) -> None:
        self.root = root
        self._tables = tables
        self.manifest = manifest

    def __getitem__(self, name: str) -> Table:
        if name not in self._tables:
            raise NewsframeError(f"{self.root}: no table {name!r}; it has: {', '.join(self._tables)}")
        return self._tables[name]

    def __iter__(self):
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def to_pandas(self, name: str, **kwargs) -> pd.DataFrame:
        """Shorthand for ``self[name].to_pandas(**kwargs)``."""
        return self[name].to_pandas(**kwargs)

    def __repr__(self) -> str:
        return f"<Tables {self.root}: {', '.join(self._tables)}>"


def open_tables(root: str | Path) -> Tables:
    """Lazy access to the tables :func:`run` (``newsframe tables`` on a corpus) wrote under ``root``.

    Nothing is read until a table's ``to_pandas``/``iter_batches``/``count_rows`` is called; filters and
    column selections are pushed down to the Parquet files. Partitions of a table are unified to one
    schema (a column that is empty in one batch and text in another is text).

    Parameters
    ----------
    root
        Output folder or fsspec URL.

    Returns
    -------
    Tables
        A mapping of table name to :class:`Table`, in schema order.

    Raises
    ------
    NewsframeError
        ``root`` is not a finished engine output.
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    store = _Store(root)
    if not store.exists(MANIFEST):
        raise NewsframeError(f"{root}: not a newsframe tables folder (no {MANIFEST})")
    manifest = json.loads(store.read_text(MANIFEST))
    if not manifest.get("complete"):
        raise NewsframeError(f"{root}: the run that writes it has not finished")
    fmt = manifest["settings"]["format"]
    n_batches = int(manifest.get("n_batches", 0))
    filesystem = store.fs if store.url else None
    tables: dict[str, Table] = {}
    for name in manifest["settings"]["tables"]:
        if fmt == "csv":
            dataset = ds.dataset(store.path(f"{name}.csv"), format="csv", filesystem=filesystem)
        else:
            files = [store.path(name, partition_name(i, fmt)) for i in range(n_batches)]
            pieces = [ds.dataset(f, format="parquet", filesystem=filesystem) for f in files]
            unified = pa.unify_schemas([p.schema for p in pieces], promote_options="permissive")
            dataset = ds.dataset(files, schema=unified, format="parquet", filesystem=filesystem)
        tables[name] = Table(name, dataset)
    return Tables(root, tables, manifest)


# -- command line (``newsframe tables`` on a corpus) --------------------------------------------------------
def is_corpus(source: str | Path) -> bool:
    """Whether ``source`` names a corpus the engine streams: a folder, JSONL, CSV or Parquet file."""
    try:
        return io.corpus_kind(source) in ("folder", "jsonl", "csv", "parquet")
    except (NewsframeError, OSError, ValueError):
        return False
