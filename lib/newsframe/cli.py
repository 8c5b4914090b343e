"""Command line: ``newsframe tables``, ``newsframe render``, ``newsframe train-toward``.

A mistake the user can fix (bad path, empty text, unknown option value) prints one line on stderr and
exits with status 2; a bug still shows its traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

from . import __version__
from .errors import NewsframeError

# Subcommands register here: name -> (add_arguments, run). Stage owners add theirs (render, train-toward).
Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
COMMANDS: dict[str, tuple[str, Command]] = {}


def _add_tables_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="article text file (.txt/.md), folder of them, or JSONL/CSV corpus")
    p.add_argument("--out", required=True, type=Path, help="folder to write one file per table into")
    p.add_argument("--format", default="csv", choices=["csv", "parquet"], help="file format (default csv)")
    p.add_argument("--tables", nargs="+", metavar="NAME", help="only these tables (default: all)")
    p.add_argument("--gazetteer", type=Path, help="actor gazetteer CSV (default data/actors.csv)")
    p.add_argument("--max-chars", type=int, help="refuse a document longer than this many characters")


def _run_tables(args: argparse.Namespace) -> int:
    from .analysis import analyze

    options = {"gazetteer": args.gazetteer} if args.gazetteer else {}
    if args.gazetteer and not args.gazetteer.is_file():
        raise NewsframeError(f"{args.gazetteer}: no such gazetteer file")
    analysis = analyze(Path(args.input), max_chars=args.max_chars, **options)
    if args.tables:
        unknown = sorted(set(args.tables) - set(analysis.table_names()))
        if unknown:
            raise NewsframeError(f"unknown table(s) {', '.join(unknown)}; known: {', '.join(analysis.table_names())}")
    written = analysis.write_tables(args.out, fmt=args.format, tables=args.tables)
    docs = analysis.documents
    for note in docs.loc[docs["notes"] != "", ["doc_id", "notes"]].itertuples(index=False):
        print(f"note: {note.doc_id}: {note.notes}", file=sys.stderr)
    print(f"wrote {len(written)} tables for {len(docs)} document(s) to {args.out}")
    return 0


COMMANDS["tables"] = ("parse the input and write every table (sentences.csv, tokens.csv, ...)",
                      (_add_tables_args, _run_tables))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    _load_commands()
    parser = argparse.ArgumentParser(
        prog="newsframe",
        description="How a news article frames the event, who appears in it, and in what light.")
    parser.add_argument("--version", action="version", version=f"newsframe {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (help_text, (add_args, run)) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_args(p)
        p.set_defaults(_run=run)
    return parser


def _load_commands() -> None:
    # Modules that add subcommands register them on import; a missing optional module is not an error.
    for module in ("render", "sentiment", "toward"):
        try:
            __import__(f"{__package__}.{module}")
        except ImportError as exc:
            if f"{__package__}.{module}" not in str(exc):
                raise


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsframe`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except NewsframeError as exc:
        print(f"newsframe: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsframe: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
