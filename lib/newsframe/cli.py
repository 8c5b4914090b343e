"""Command line: every ``newsframe`` subcommand is defined here, and only here.

Each command has an ``_add_<name>_args`` and a ``_run_<name>`` function; the run functions import the stage
modules they need on first use, so ``newsframe --help`` stays fast and no stage module imports this one.
A mistake the user can fix (bad path, empty text, unknown option value) prints one line on stderr and exits
with status 2; a bug still shows its traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

from . import __version__
from .errors import NewsframeError


# -- tables -----------------------------------------------------------------------------------------------
def _add_tables_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="article text file (.txt/.md), folder of them, or JSONL/CSV/Parquet corpus")
    p.add_argument("--out", required=True, help="folder (or, for a corpus, fsspec URL) to write the tables into")
    p.add_argument("--format", default="csv", choices=["csv", "parquet"], help="file format (default csv)")
    p.add_argument("--tables", nargs="+", metavar="NAME", help="only these tables (default: all)")
    p.add_argument("--gazetteer", type=Path, help="actor gazetteer CSV (default data/actors.csv)")
    p.add_argument("--max-chars", type=int, help="refuse a document longer than this many characters")
    p.add_argument("--no-encoder", action="store_true",
                   help="no MiniLM encoder: the linear toward model, lexicon-only policy frames, role-prototype "
                        "features at their training mean (several times faster, less accurate: README 'Performance')")
    _add_engine_args(p)
    add_output_args(p)


def add_output_args(p: argparse.ArgumentParser) -> None:
    """``--force`` and ``--strict``, shared by the commands that read a corpus and write a folder."""
    p.add_argument("--force", action="store_true",
                   help="write into a folder holding other files (they are kept, never replaced)")
    p.add_argument("--strict", action="store_true",
                   help="stop at the first bad record of a corpus instead of skipping it")


def _run_tables(args: argparse.Namespace) -> int:
    from .analysis import analyze
    from .outputs import claim_output

    options = {"gazetteer_path": args.gazetteer} if args.gazetteer else {}
    if getattr(args, "no_encoder", False):
        from .stages import no_encoder_options
        options.update(no_encoder_options())
    if args.gazetteer and not args.gazetteer.is_file():
        raise NewsframeError(f"{args.gazetteer}: no such gazetteer file")
    from .engine import is_corpus
    if is_corpus(args.input):
        # The engine claims --out itself (newsframe.outputs) and builds the batches in a folder beside it
        # that survives an interruption, so --resume can continue it; a URL output is written in place.
        return _run_corpus_tables(args, options)
    expect = [f"{t}.{args.format}" for t in args.tables] if args.tables and not is_corpus(args.input) else ()
    # The output folder is checked and locked before any work (a refused --out costs nothing).
    with claim_output(args.out, inputs=[args.input], force=args.force, command="tables", expect=expect,
                      meta={"input": str(Path(args.input).expanduser().resolve())}) as staging:
        analysis = analyze(Path(args.input), max_chars=args.max_chars, strict=args.strict, **options)
        if args.tables:
            unknown = sorted(set(args.tables) - set(analysis.table_names()))
            if unknown:
                raise NewsframeError(f"unknown table(s) {', '.join(unknown)}; known: {', '.join(analysis.table_names())}")
        written = analysis.write_table_files(staging, fmt=args.format, tables=args.tables)
    report_notes(analysis)
    print(f"wrote {len(written)} tables for {len(analysis.documents)} document(s) to {args.out}")
    return 0


def _is_url(out) -> bool:
    return "://" in str(out)


def report_notes(analysis) -> None:
    """One ``note:`` line per document with notes and a ``warning:`` line for skipped records (stderr)."""
    from .io import note_lines

    docs = analysis.documents
    for line in note_lines(zip(docs["doc_id"], docs["notes"])):
        print(line, file=sys.stderr)
    skipped = analysis.table("skipped") if "skipped" in analysis.table_names() else None
    if skipped is not None and len(skipped):
        first = skipped.iloc[0]
        print(f"warning: skipped {len(skipped)} bad record(s) (first: {first['record']}: {first['reason']}); "
              "see the skipped table, or use --strict to stop at the first", file=sys.stderr)


def _add_engine_args(parser: argparse.ArgumentParser) -> None:
    """The corpus engine's options of ``newsframe tables``."""
    from .engine import DEFAULT_BATCH_SIZE, ENGINES, default_jobs

    g = parser.add_argument_group("corpus engine (folder, JSONL, CSV or Parquet input)")
    g.add_argument("--jobs", type=int, metavar="N",
                   help=f"worker processes (default: the cores available, here {default_jobs()})")
    g.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="DOCS",
                   help=f"documents per batch and partition (default {DEFAULT_BATCH_SIZE})")
    g.add_argument("--engine", choices=ENGINES, default="processes",
                   help="processes on this machine (default) or a dask.distributed cluster")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="dask scheduler address (tcp://host:8786); default a LocalCluster of --jobs workers")
    g.add_argument("--resume", action="store_true",
                   help="continue an interrupted run into the same --out, skipping finished batches")
    g.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: when stderr is a terminal)")


def _run_corpus_tables(args: argparse.Namespace, options: dict) -> int:
    """``newsframe tables`` on a corpus: the streaming engine; prints notes and a one-line summary."""
    from . import io
    from .engine import run

    if _is_url(args.out):
        out: str | Path = str(args.out)
    else:
        out = Path(args.out)
    summary = run(args.input, out, tables=args.tables, fmt=args.format, batch_size=args.batch_size,
                  jobs=args.jobs, engine=args.engine, scheduler=args.scheduler, resume=args.resume,
                  progress=args.progress, max_chars=args.max_chars, strict=getattr(args, "strict", False),
                  force=getattr(args, "force", False), options=options)
    for line in io.note_lines(summary.notes):
        print(line, file=sys.stderr)
    if summary.n_notes > len(summary.notes):
        print(f"note: and {summary.n_notes - len(summary.notes)} more document(s) with notes (see documents.notes)",
              file=sys.stderr)
    if summary.n_bad_records:
        record, reason = summary.skipped[0]
        print(f"warning: skipped {summary.n_bad_records} bad record(s) (first: {record}: {reason}); see the skipped "
              "table, or use --strict to stop at the first", file=sys.stderr)
    reused = f" ({summary.n_reused} reused from the interrupted run)" if summary.n_reused else ""
    print(f"wrote {len(summary.tables)} tables for {summary.n_documents} document(s) in {summary.n_batches} "
          f"batch(es){reused} to {summary.out}")
    return 0


# -- render -----------------------------------------------------------------------------------------------
def _add_render_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="article text file, folder of articles, or JSONL/CSV corpus")
    p.add_argument("--out", required=True, type=Path,
                   help="folder for the HTML reports: new, empty, or one newsframe wrote before")
    p.add_argument("--notebooks", nargs="+", metavar="NAME",
                   help="only these notebooks, by name, e.g. 02_actors (default: all)")
    p.add_argument("--per-article", metavar="all|N|IDS", default=None,
                   help="also write one report file per article: all, the first N, or ids separated by commas "
                        "(default: the article of a one-article input; none for a corpus, which gets the corpus report)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                   help="notebook parameter, converted to the type the notebook declares (repeatable)")
    p.add_argument("--jobs", type=int, default=1,
                   help="worker processes for the tables (corpus engine) and for the report files (default 1)")
    p.add_argument("--timeout", type=int, default=600, help="seconds any one cell may run (default 600)")
    p.add_argument("--keep-notebooks", action="store_true", help="keep the executed .ipynb beside each report")
    add_output_args(p)  # --force, --strict


def _run_render(args: argparse.Namespace) -> int:
    from .render import render_reports

    reports = render_reports(args.input, args.out, notebooks=args.notebooks, per_article=args.per_article,
                             parameters=dict(args.parameter), jobs=args.jobs, timeout=args.timeout,
                             keep_notebooks=args.keep_notebooks, force=args.force, strict=args.strict)
    print(f"wrote {reports['html'].nunique()} report file(s) with {int(reports['n_charts'].sum())} chart(s) "
          f"and index.html to {args.out}")
    return 0


# -- train-toward -----------------------------------------------------------------------------------------
def _add_train_toward_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", type=Path, help="training JSONL in NewsMTSC format")
    p.add_argument("--out", type=Path, default=None,
                   help="model file to write (default data/models/toward_minilm.json with the encoder, "
                        "data/models/toward.json without)")
    p.add_argument("--folds", type=int, default=5, help="grouped cross-validation folds, 0 to skip (default 5)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--encoder", default="auto", choices=["auto", "minilm", "none"],
                   help="add frozen all-MiniLM-L6-v2 features (needs torch); auto: when installed")


def _run_train_toward(args: argparse.Namespace) -> int:
    from .toward import train

    if args.folds < 0 or args.folds == 1:
        raise NewsframeError("--folds must be 0 (no cross-validation) or at least 2")
    meta = train(args.path, out=args.out, folds=args.folds, seed=args.seed, encoder=args.encoder)
    cv = meta.get("cv")
    if cv:
        f1 = ", ".join(f"{k} {v:.3f}" for k, v in cv["f1"].items())
        print(f"cross-validated macro-F1 {cv['macro_f1']:.3f} ({cv['folds']} folds; {f1}); "
              f"sentence-VADER baseline {cv['baseline_sentence_vader_macro_f1']:.3f}")
    print(f"wrote {meta['path']} ({meta['training_data']['n_targets']} targets)")
    return 0


# -- validate ---------------------------------------------------------------------------------------------
def _add_validate_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="what", metavar="WHAT")
    sub.required = True
    r = sub.add_parser("roles", help="score the roles table against coded entity roles (NFC roles.tsv layout)",
                       description="score the roles table against coded entity roles (NFC roles.tsv layout)")
    r.add_argument("coded", type=Path, help="TSV/CSV with columns ID, entity, role")
    r.add_argument("--articles", type=Path, help="the coded articles (default: articles.tsv beside CODED)")
    r.add_argument("--roles-lexicon", type=Path, help="role cue lexicon (default data/roles.csv)")
    r.add_argument("--out", type=Path, help="folder to write role_scores.csv and role_matches.csv into")
    f = sub.add_parser("frames", help="score the frame decisions against a human-coded corpus",
                       description="score frames_generic / frames_policy against human coding: per frame "
                                   "precision, recall, F1, the always-present baseline, Cohen's kappa and "
                                   "Krippendorff's alpha")
    f.add_argument("coded", type=Path, help="TSV/CSV/JSONL with text (or id) and one yes/no column per frame "
                   "(NFC articles.tsv works as is), or SemEval-2023 Task 3 labels: id<TAB>Frame1,Frame2")
    f.add_argument("--texts", type=Path, help="folder of the article texts (article<ID>.txt or <ID>.txt) when "
                   "CODED gives ids")
    f.add_argument("--policy-encoder", choices=["auto", "minilm", "none"], default="auto",
                   help="policy frames with MiniLM prototypes (auto: when installed) or lexicon only")
    f.add_argument("--out", type=Path, help="CSV file to write the scores into")
    f.add_argument("--cv", type=int, metavar="FOLDS", help="also refit the generic decision on the coded corpus and "
                   "print its cross-validated scores (folds by article, 3 repeats; item models when an NFC "
                   "item_annotations.json lies beside CODED)")


def _run_validate(args: argparse.Namespace) -> int:
    if args.what == "frames":
        return _run_validate_frames(args)
    from .validate.roles import format_scores, validate_roles, write_validation

    scores, matches = validate_roles(args.coded, articles=args.articles, lexicon_path=args.roles_lexicon)
    print(format_scores(scores))
    if args.out is not None:
        write_validation(scores, matches, args.out)
        print(f"wrote role_scores.csv and role_matches.csv to {args.out}")
    return 0


def _run_validate_frames(args: argparse.Namespace) -> int:
    from .validate.frames import analyze_coded, format_frame_scores, read_coded, score_frames, write_frame_scores

    coded = read_coded(args.coded, texts=args.texts)
    analysis = analyze_coded(coded, options={"policy_encoder": args.policy_encoder})
    scores = score_frames(coded, analysis=analysis)
    print(f"{len(coded)} coded articles, {len(scores[~scores['frame'].isin(['micro', 'macro'])])} frames")
    print(format_frame_scores(scores))
    if args.out is not None:
        print(f"wrote {write_frame_scores(scores, args.out)}")
    if args.cv:
        from .validate.frames import cross_validate_coded, format_cv_table, read_item_codes
        beside = Path(args.coded).parent / "item_annotations.json"
        items = read_item_codes(beside, list(coded["id"])) if beside.is_file() else None
        cv = cross_validate_coded(coded, analysis=analysis, items=items, folds=args.cv)
        print(f"generic decision refitted and cross-validated ({args.cv} folds by article x 3 repeats, "
              f"{'item models' if items is not None else 'frame codes'}):")
        print(format_cv_table(cv))
    return 0


# -- the parser -------------------------------------------------------------------------------------------
Command = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
COMMANDS: dict[str, Command] = {
    "tables": ("parse the input and write every table (sentences.csv, tokens.csv, ...)",
               _add_tables_args, _run_tables),
    "render": ("run the notebooks and write offline HTML reports with an index.html",
               _add_render_args, _run_render),
    "train-toward": ("train the sentiment-toward-a-target model from NewsMTSC-format JSONL",
                     _add_train_toward_args, _run_train_toward),
    "validate": ("score a table against human coding (validate roles CODED, validate frames CODED)",
                 _add_validate_args, _run_validate),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="newsframe",
        description="How a news article frames the event, who appears in it, and in what light.")
    parser.add_argument("--version", action="version", version=f"newsframe {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (help_text, add_args, run) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_args(p)
        p.set_defaults(_run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsframe`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except NewsframeError as exc:
        print(f"newsframe: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP while an output folder is claimed
        print("newsframe: interrupted", file=sys.stderr)
        return 128 + getattr(exc, "signum", 2)
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
