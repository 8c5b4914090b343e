"""Load documents: a text string, a .txt/.md file, a folder of them, or a JSONL/CSV corpus.

Returns the ``documents`` table (counts are filled in by :mod:`newsframe.parse`). Decoding: a byte-order
mark (UTF-8, UTF-16, UTF-32) wins; UTF-16/32 without one is recognised by where its zero bytes fall; else
UTF-8, with a few bad bytes replaced by U+FFFD (and a note naming the first bad byte's offset) when the rest
is valid UTF-8, or cp1252 when nothing else in the file is UTF-8. NUL and other control characters are
removed with a note. Offsets everywhere point into the decoded text exactly as stored here (line endings
are kept as they are).

A corpus (folder, JSONL, CSV, DataFrame, list) is not all-or-nothing: a bad record (undecodable file,
invalid JSON line, CSV row with the wrong number of fields, empty text) is left out and listed in the
``skipped`` table, unless ``strict=True``. A CSV quoting error (an unbalanced quote) is always an error that
names the line: the record boundaries after it are unknown.
"""
from __future__ import annotations

import csv
import hashlib
import html
import html.parser
import io as _io
import json
import os
import re
import unicodedata
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Iterable

import pandas as pd

from . import config, groups, schema
from .errors import NewsframeError

TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
CORPUS_SUFFIXES = (".jsonl", ".ndjson", ".csv")
CORPUS_FIELDS = ("id", "title", "source", "date", "url", "text")

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")
_HTML_TAG = re.compile(
    r"<\s*/?\s*(?:html|head|body|p|div|span|br|a|script|style|article|section|h[1-6]|ul|ol|li|img|"
    r"strong|em|b|i|figure|figcaption|blockquote|table|tr|td|meta|link|header|footer|nav)\b[^>]*>",
    re.IGNORECASE,
)


def safe_id(raw: str, *, fallback: str = "doc") -> str:
    """A document id usable as a file name: letters, digits, ``.``, ``_`` and ``-`` only.

    At most 100 characters, never empty, never a name Windows reserves for devices (``CON``, ``NUL``, ...).
    """
    # Accents are dropped rather than the letters ("Erdoğan" -> "Erdogan"), so ids stay readable.
    ascii_text = unicodedata.normalize("NFKD", str(raw)).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE_ID.sub("_", ascii_text).strip("._-")[:100].strip("._-")
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = f"{cleaned}_"
    return cleaned or fallback


_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                       *(f"LPT{i}" for i in range(1, 10))})


def decode_bytes(data: bytes, *, name: str = "input") -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)`` (see :func:`decode_with_notes`)."""
    text, enc, _ = decode_with_notes(data, name=name)
    return text, enc


def decode_with_notes(data: bytes, *, name: str = "input") -> tuple[str, str, list[str]]:
    """Decode ``data``; return ``(text, encoding, notes)``.

    A byte-order mark decides (UTF-8, UTF-32, UTF-16); UTF-16/32 without one is recognised by its zero
    bytes; else UTF-8, replacing bad bytes with U+FFFD when the rest holds more valid non-ASCII UTF-8 than
    bad bytes (a note names the first bad byte), else cp1252. Raises :class:`NewsframeError` for data that
    looks binary. Control characters are left in (:func:`clean_text` removes them).
    """
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = _decode_utf8(data[3:], notes), "utf-8-sig"
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        text, enc = _strict(data, "utf-32", name), "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = _strict(data, "utf-16", name), "utf-16"
    else:
        wide = _sniff_wide(data)
        if wide:
            text, enc = data.decode(wide), wide
            notes.append(f"no byte-order mark: read as {wide.upper()}")
        else:
            try:
                text, enc = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError as exc:
                text = _decode_utf8(data, notes, first_bad=exc.start)
                enc = "utf-8"
                if not notes:  # nothing else in it is UTF-8: an 8-bit Windows/Latin-1 file
                    text, enc = data.decode("cp1252", errors="replace"), "cp1252"
    if _looks_binary(text[:8192]) or _looks_binary(text):
        raise NewsframeError(f"{name}: looks like a binary file, not text (many control characters)")
    return text, enc, notes


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise NewsframeError(f"{name}: has a {encoding.upper()} byte-order mark but is not valid "
                             f"{encoding.upper()} (byte {exc.start})") from None


def _decode_utf8(data: bytes, notes: list[str], first_bad: int | None = None) -> str:
    """UTF-8 with bad bytes replaced, and a note, when the text is otherwise UTF-8; ``notes`` untouched and
    the replaced text returned when it is not (the caller then falls back)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start if first_bad is None else first_bad
    text = data.decode("utf-8", errors="replace")
    n_bad = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    n_good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    if n_good >= n_bad:
        notes.append(f"not valid UTF-8 at byte {first_bad}: {n_bad} bad byte sequence(s) replaced with U+FFFD")
    return text


def _sniff_wide(data: bytes) -> str | None:
    """``"utf-16-le"``, ``"utf-16-be"``, ``"utf-32-le"`` or ``"utf-32-be"`` for such text without a
    byte-order mark, recognised by its zero bytes (Latin, Cyrillic, Greek... text: spaces and Latin-1
    letters have a zero high byte), else ``None``."""
    sample = data[:65536]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    candidates = []
    quads = len(sample) // 4
    if quads and len(data) % 4 == 0:
        z = [sample[i:quads * 4:4].count(0) for i in range(4)]
        if z[2] >= 0.99 * quads and z[3] >= 0.99 * quads:
            candidates.append("utf-32-le")
        if z[0] >= 0.99 * quads and z[1] >= 0.99 * quads:
            candidates.append("utf-32-be")
    pairs = len(sample) // 2
    if len(data) % 2 == 0:
        even, odd = sample[0:pairs * 2:2].count(0), sample[1:pairs * 2:2].count(0)
        if odd >= 0.1 * pairs and even <= 0.01 * odd:
            candidates.append("utf-16-le")
        if even >= 0.1 * pairs and odd <= 0.01 * even:
            candidates.append("utf-16-be")
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if text and _count_controls(text) / len(text) <= 0.01:
            return enc
    return None


# C0 controls other than tab, line feed, vertical tab, form feed and carriage return; DEL; C1 controls other
# than NEL (a line break); lone surrogates (from JSON escapes) cannot be written to CSV or Parquet.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _count_controls(text: str) -> int:
    return len(_CONTROL.findall(text))


def _looks_binary(text: str) -> bool:
    # Over 5% control characters (and more than a stray few: "Talks\x00 began." is text with a NUL).
    n = _count_controls(text)
    return n >= 8 and n / len(text) > 0.05


def clean_text(text: str) -> tuple[str, list[str]]:
    """``text`` without control characters and lone surrogates; notes saying what was removed and where."""
    notes = []
    first = _CONTROL.search(text)
    if first:
        text, n = _CONTROL.subn("", text)
        notes.append(f"removed {n} control character(s) such as NUL (first at character {first.start()})")
    first = _SURROGATE.search(text)
    if first:
        text, n = _SURROGATE.subn("\ufffd", text)
        notes.append(f"replaced {n} lone surrogate(s) with U+FFFD (first at character {first.start()})")
    return text, notes


class _TextExtractor(html.parser.HTMLParser):
    """Visible text of an HTML fragment, with block elements as line breaks."""

    _BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section",
               "blockquote", "tr", "figcaption", "header", "footer", "title"}
    _SKIP = {"script", "style", "head", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag, attrs):  # noqa: D401 - HTMLParser API
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip_depth:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    """True when the text carries HTML markup (pasted page source) rather than prose."""
    return text.lstrip().lower().startswith(("<!doctype", "<html")) or len(_HTML_TAG.findall(text[:200_000])) >= 2


def strip_html(text: str) -> str:
    """Visible text of HTML markup: tags and scripts dropped, entities decoded, one paragraph a line."""
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    raw = html.unescape("".join(parser.parts))
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in raw.splitlines()]
    return "\n".join(line for line in lines if line)


def _first_line_title(text: str) -> str:
    first = text.strip().splitlines()[0].strip() if text.strip() else ""
    first = first.lstrip("#").strip()
    if 0 < len(first.split()) <= 20 and not first.endswith((".", "!", "?", ":", ";", ",")):
        return first
    return ""


def _make_record(text: str, *, doc_id: str, name: str, encoding: str = "str", title: str = "",
                 source: str = "", date: str = "", url: str = "", max_chars: int | None,
                 metadata: dict | None = None, notes: list[str] | None = None) -> dict:
    notes = list(notes or [])
    if encoding == "cp1252":
        notes.append("not valid UTF-8: read as cp1252")
    text, cleaned = clean_text(text)
    notes.extend(cleaned)
    title, source, date, url = (clean_text(str(v))[0] for v in (title, source, date, url))
    if looks_like_html(text):
        text = strip_html(text)
        notes.append("HTML markup removed")
    if not text.strip():
        raise NewsframeError(f"{name}: no text to analyse (empty or whitespace only)")
    limit = config.MAX_DOCUMENT_CHARS if max_chars is None else max_chars
    if len(text) > limit:
        raise NewsframeError(
            f"{name}: {len(text):,} characters is over the {limit:,}-character limit for one document; "
            f"split it into a corpus (a folder, JSONL or CSV) or raise the limit ({_LIMIT_OPTION})")
    date_parsed, date_note = groups.parse_date(date)  # corpus block: dates and metadata for grouping
    if date_note and not date_note.startswith("epoch"):
        notes.append(date_note)
    return {
        "doc_id": doc_id, "title": title or _first_line_title(text) or doc_id, "source": source, "date": date,
        "date_parsed": date_parsed, "url": url, "encoding": encoding, "n_chars": len(text), "n_paragraphs": 0,
        "n_sentences": 0, "n_words": 0, "notes": "; ".join(notes),
        "metadata": json.dumps(metadata, ensure_ascii=False, default=str) if metadata else "", "text": text,
    }


# `newsframe render` has no --max-chars: name where the limit can be raised.
_LIMIT_OPTION = "`newsframe tables --max-chars N`, or max_chars= in Python"


def _read_file(path: Path, max_chars: int | None) -> tuple[str, str, list[str]]:
    limit = config.MAX_DOCUMENT_CHARS if max_chars is None else max_chars
    # Refuse huge files before reading them whole (4 bytes per character at most in UTF-8).
    try:
        size = path.stat().st_size
        if size > 4 * limit + 4:
            raise NewsframeError(
                f"{path}: {size:,} bytes is over the {limit:,}-character limit for one document; "
                f"split it into a corpus (a folder, JSONL or CSV) or raise the limit ({_LIMIT_OPTION})")
        data = path.read_bytes()
    except OSError as exc:
        raise NewsframeError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return decode_with_notes(data, name=str(path))


def _corpus_rows(path: Path) -> tuple[str, list[str], Iterable[tuple[int, dict | NewsframeError]]]:
    """The encoding of a JSONL/CSV corpus, its decoding notes, and its rows as ``(line, record or error)``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NewsframeError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    text, enc, notes = decode_with_notes(data, name=str(path))
    return enc, notes, (_csv_rows(path, _io.StringIO(text, newline="")) if path.suffix.lower() == ".csv"
                        else _jsonl_rows(path, text.split("\n")))


def _csv_rows(path: Path, lines: Iterable[str]) -> Iterable[tuple[int, dict | NewsframeError]]:
    """Rows of a CSV corpus read strictly, as ``(first line of the record, record or error)``.

    A quoting error (an unbalanced quote swallows the rows after it; a character after a closing quote) is
    raised: the record boundaries after it are unknown. A row whose field count differs from the header's
    is yielded as an error (skipped unless strict).
    """
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise NewsframeError(f"{path}: line 1: the header is not valid CSV ({exc})") from None
    fields = [h.strip() for h in header] if header else None
    if not fields or "text" not in fields:
        raise NewsframeError(f"{path}: a CSV corpus needs a 'text' column (found: {fields})")
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            what = ("a quoted field is never closed (unbalanced quote)" if "end of data" in str(exc)
                    else f"bad quoting ({exc})")
            raise NewsframeError(f"{path}: line {start}: {what}; fix the quoting (a quote inside a quoted "
                                 "field is written twice: \"\")") from None
        last_line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # a blank line
        if len(row) != len(fields):
            yield start, NewsframeError(f"{path}: line {start}: {len(row)} field(s), the header has "
                                        f"{len(fields)}")
            continue
        yield start, dict(zip(fields, row))


def _jsonl_rows(path: Path, lines: Iterable[str]) -> Iterable[tuple[int, dict | NewsframeError]]:
    # Lines end at "\n" only: JSON strings may hold a raw U+2028 or U+0085, which str.splitlines() would cut.
    for i, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            # strict=False: a raw control character inside a string is removed later, with a note
            row = json.loads(line, strict=False)
        except json.JSONDecodeError as exc:
            yield i, NewsframeError(f"{path}: line {i} is not valid JSON ({exc.msg})")
            continue
        if not isinstance(row, dict) or "text" not in row:
            yield i, NewsframeError(f"{path}: line {i} needs a JSON object with a 'text' field")
            continue
        yield i, row


def _unique(doc_ids: list[str]) -> tuple[list[str], list[str]]:
    """Ids made unique by a ``_2``, ``_3`` ... suffix in reading order, and a note for each renamed one.

    Greedy, as :func:`iter_documents` must be (a stream cannot see the ids still to come).
    """
    # Compared case-insensitively: "Kyiv" and "kyiv" would be one file on macOS and Windows.
    taken: set[str] = set()
    out, notes = [], []
    for d in doc_ids:
        candidate, k = d, 1
        while candidate.lower() in taken:
            k += 1
            candidate = f"{d}_{k}"
        taken.add(candidate.lower())
        out.append(candidate)
        notes.append(f"duplicate id {d!r} renamed to {candidate!r}" if candidate != d else "")
    return out, notes


def _looks_like_path(s: str) -> bool:
    return "\n" not in s and len(s) < 1024 and (
        s.lower().endswith(TEXT_SUFFIXES + CORPUS_SUFFIXES) or s.startswith(("/", "./", "../", "~"))
    )


def _is_existing_path(s: str) -> bool:
    # A long one-line text is not a path: the OS refuses over-long names (OSError) and NUL bytes (ValueError).
    if "\n" in s or len(s) >= 1024:
        return False
    try:
        return Path(s).exists()
    except (OSError, ValueError):
        return False


def load_documents(source: str | Path | pd.DataFrame | list[str] | Mapping[str, str], *, max_chars: int | None = None,
                   strict: bool = False) -> pd.DataFrame:
    """Load one or more documents into the ``documents`` table.

    Parameters
    ----------
    source
        A :class:`~pathlib.Path` or path string to a ``.txt``/``.md`` file, a folder of them, or a
        ``.jsonl``/``.csv`` corpus (fields ``id``, ``title``, ``source``, ``date``, ``url``, ``text``; only
        ``text`` required); a DataFrame with those columns; a list of texts; a dict of document id to text;
        or the article text itself.
    max_chars
        Refuse a single document longer than this (default :data:`newsframe.config.MAX_DOCUMENT_CHARS`).
    strict
        Stop at the first bad record of a corpus instead of skipping it (see :func:`read_documents`).

    Returns
    -------
    pandas.DataFrame
        Columns of ``schema.TABLES["documents"]``; the counts are zero until parsed. Skipped records are
        announced with a :class:`SkippedRecordsWarning`; :func:`read_documents` returns them as a table.

    Raises
    ------
    NewsframeError
        Missing path, empty or binary input, a folder without text files, a malformed corpus.
    """
    documents, skipped = read_documents(source, max_chars=max_chars, strict=strict)
    if len(skipped):
        warnings.warn(f"skipped {len(skipped)} bad record(s); first: {skipped['record'].iloc[0]}: "
                      f"{skipped['reason'].iloc[0]}", SkippedRecordsWarning, stacklevel=2)
    return documents


class SkippedRecordsWarning(UserWarning):
    """Some records of a corpus were bad and left out (see the ``skipped`` table)."""


def read_documents(source: str | Path | pd.DataFrame | list[str] | Mapping[str, str], *, max_chars: int | None = None,
                   strict: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``documents`` table of ``source`` and the ``skipped`` table of its bad records.

    Same input as :func:`load_documents`. A bad record of a corpus (a folder file that is binary, empty,
    too long or unreadable; an invalid JSONL line; a CSV row with the wrong number of fields; a record
    with no text) is left out and listed in ``skipped`` (``record``: the file, or corpus and line;
    ``reason``: the error), unless ``strict=True``, which raises the first. A corpus with no good record
    is an error either way. A lone file or text is never skipped: its error is raised.

    Returns
    -------
    tuple of pandas.DataFrame
        ``(documents, skipped)``.
    """
    records: list[dict] = []
    skipped: list[tuple[str, str]] = []
    if isinstance(source, pd.DataFrame):
        records = _records_from_rows(((i + 1, r) for i, r in enumerate(source.fillna("").to_dict("records"))),
                                     name="DataFrame", max_chars=max_chars, strict=strict, skipped=skipped)
    elif isinstance(source, (list, tuple)):
        records = _records_from_rows(((i + 1, {"text": t}) for i, t in enumerate(source)), name="list",
                                     max_chars=max_chars, strict=strict, skipped=skipped, unit="item")
    elif isinstance(source, Mapping):  # {doc id: text}, like a named character vector in quanteda's corpus()
        records = _records_from_rows(((i + 1, {"id": k, "text": t}) for i, (k, t) in enumerate(source.items())),
                                     name="dict", max_chars=max_chars, strict=strict, skipped=skipped, unit="item")
    elif not isinstance(source, (str, os.PathLike)):
        raise NewsframeError(f"cannot read documents from an object of type {type(source).__name__}: pass a text, a path, a list "
                             f"of texts, a dict of id -> text or a DataFrame with a text column")
    elif isinstance(source, str) and not _looks_like_path(source) and not _is_existing_path(source):
        digest = hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        records = [_make_record(source, doc_id=f"text_{digest}", name="text", max_chars=max_chars)]
    else:
        path = Path(source).expanduser()
        if not path.exists():
            raise NewsframeError(f"{path}: no such file or folder")
        if path.is_dir():
            try:
                files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            except OSError as exc:
                raise NewsframeError(f"{path}: cannot be read ({exc.strerror or exc})") from None
            if not files:
                raise NewsframeError(f"{path}: folder has no .txt or .md files")
            for f in files:
                try:
                    text, enc, notes = _read_file(f, max_chars)
                    records.append(_make_record(text, doc_id=safe_id(f.stem), name=str(f), encoding=enc,
                                                source=f.name, max_chars=max_chars, notes=notes))
                except NewsframeError as exc:
                    if strict:
                        raise
                    skipped.append((str(f), _reason(exc, str(f))))
        elif path.suffix.lower() in CORPUS_SUFFIXES:
            enc, notes, rows = _corpus_rows(path)
            records = _records_from_rows(rows, name=str(path), max_chars=max_chars, encoding=enc, notes=notes,
                                         unit="row" if path.suffix.lower() == ".csv" else "line",
                                         strict=strict, skipped=skipped)
        else:
            text, enc, notes = _read_file(path, max_chars)
            records = [_make_record(text, doc_id=safe_id(path.stem), name=str(path), encoding=enc,
                                    source=path.name, max_chars=max_chars, notes=notes)]
    if not records:
        where = source if not isinstance(source, str) or len(source) < 80 else "input"
        if skipped:
            raise NewsframeError(f"{where}: no good record: all {len(skipped)} were bad; first: "
                                 f"{skipped[0][0]}: {skipped[0][1]}")
        raise NewsframeError(f"{where}: no documents with text")
    frame = pd.DataFrame.from_records(records)
    ids, renamed = _unique(frame["doc_id"].tolist())
    frame["doc_id"] = ids
    frame["notes"] = ["; ".join(n for n in (old, new) if n) for old, new in zip(frame["notes"], renamed)]
    frame["date_parsed"] = pd.to_datetime(frame["date_parsed"]).astype("datetime64[us]")  # also when all missing
    skipped_frame = pd.DataFrame(skipped, columns=schema.columns("skipped")) if skipped else schema.empty("skipped")
    return schema.conform(frame, "documents"), skipped_frame


def _reason(exc: NewsframeError, name: str) -> str:
    # The record is named in its own column: keep the reason short.
    msg = str(exc)
    return msg[len(name) + 2:] if msg.startswith(f"{name}: ") else msg


def _records_from_rows(rows: Iterable[tuple[int, dict | NewsframeError]], **kwargs) -> list[dict]:
    """Records of a corpus (see :func:`_iter_row_records`) as a list."""
    return list(_iter_row_records(rows, **kwargs))


def _iter_row_records(rows: Iterable[tuple[int, dict | NewsframeError]], *, name: str, max_chars: int | None,
                      unit: str = "row", encoding: str = "str", notes: list[str] | None = None,
                      strict: bool = False, skipped: list[tuple[str, str]] | None = None) -> Iterable[dict]:
    """Records of a corpus, one at a time; bad ones raise when ``strict``, else go to ``skipped`` as
    (record, reason)."""
    skipped = [] if skipped is None else skipped
    # Ids fall back to the record's number (n), messages name the line (i) a user can find in an editor.
    for n, (i, row) in enumerate(rows, start=1):
        where = f"{name} {unit} {i}"
        try:
            if isinstance(row, NewsframeError):
                raise row
            text = row.get("text")
            if not isinstance(text, str):
                raise NewsframeError(f"{where}: 'text' is not a string")
            raw_id = row.get("id")
            doc_id = safe_id(str(raw_id), fallback=f"doc{n:04d}") if raw_id not in (None, "") else f"doc{n:04d}"
            record_notes = [note for note in (notes or []) if not note.startswith("not valid UTF-8 at")
                            or "\ufffd" in text]
            record = _make_record(
                text, doc_id=doc_id, name=where, encoding=encoding, title=str(row.get("title") or ""),
                source=str(row.get("source") or ""), date=str(row.get("date") or ""), url=str(row.get("url") or ""),
                max_chars=max_chars, notes=record_notes, metadata=_extra_fields(row))
        except NewsframeError as exc:
            if strict:
                raise
            msg = str(exc)
            for prefix in (f"{where}: ", f"{name}: line {i}: ", f"{name}: line {i} "):
                if msg.startswith(prefix):
                    msg = msg[len(prefix):]
                    break
            skipped.append((where, msg))
            continue
        yield record


# --- streaming (engine): corpora read in batches, never whole ------------------------------------------------
# The functions above read a corpus into one table; the ones below yield it batch by batch for
# :mod:`newsframe.engine`, with the same records (:func:`_make_record`), the same ids (fallback ``docNNNN``,
# duplicates made unique case-insensitively as :func:`_unique` does) and the same errors.

PARQUET_SUFFIXES = (".parquet", ".pq")
STREAM_SUFFIXES = CORPUS_SUFFIXES + PARQUET_SUFFIXES


def corpus_kind(source: str | Path) -> str:
    """What ``source`` is: ``"folder"``, ``"jsonl"``, ``"csv"``, ``"parquet"`` or ``"file"`` (one article).

    Raises
    ------
    NewsframeError
        The path does not exist.
    """
    path = Path(source).expanduser()
    if not path.exists():
        raise NewsframeError(f"{path}: no such file or folder")
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    return "file"


def _sniff_encoding(path: Path) -> str:
    """The encoding of a corpus file, decided as :func:`decode_with_notes` does but reading in chunks."""
    return _sniff_encoding_notes(path)[0]


def _sniff_encoding_notes(path: Path) -> tuple[str, list[str]]:
    """``(encoding, notes)`` of a corpus file read in chunks, by the rules of :func:`decode_with_notes`.

    ``"utf-8-replace"`` means UTF-8 with its few bad bytes replaced (the notes name the first).
    """
    import codecs

    with path.open("rb") as f:
        head = f.read(65536)
        if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
            return "utf-32", []
        if head.startswith(b"\xef\xbb\xbf"):
            encoding, offset = "utf-8-sig", 3
        elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16", []
        else:
            wide = _sniff_wide(head[:len(head) // 4 * 4]) if b"\x00" in head else None
            if wide:
                return wide, [f"no byte-order mark: read as {wide.upper()}"]
            encoding, offset = "utf-8", 0
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk, pos, first_bad = head[offset:], offset, None
        while chunk:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                first_bad = pos + exc.start if first_bad is None else first_bad
                break
            pos += len(chunk)
            chunk = f.read(1 << 20)
        else:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                first_bad = pos
        if first_bad is None:
            return encoding, []
        # Some bytes are not UTF-8: count them against the valid non-ASCII characters of the whole file.
        f.seek(offset)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        n_bad = n_good = 0
        while True:
            chunk = f.read(1 << 20)
            text = decoder.decode(chunk, final=not chunk)
            n_bad += text.count("\ufffd")
            n_good += sum(1 for ch in text if ord(ch) > 0x7F) - text.count("\ufffd")
            if not chunk:
                break
    if n_good >= n_bad:
        return "utf-8-replace", [f"not valid UTF-8 at byte {first_bad}: {n_bad} bad byte sequence(s) "
                                 "replaced with U+FFFD"]
    return "cp1252", []


def _open_text(path: Path, encoding: str, *, newline: str):
    # cp1252 leaves five bytes undefined and "utf-8-replace" has a few bad bytes: both are replaced, as
    # decode_with_notes does.
    if encoding == "utf-8-replace":
        return path.open("r", encoding="utf-8", errors="replace", newline=newline)
    return path.open("r", encoding=encoding, errors="replace" if encoding == "cp1252" else "strict",
                     newline=newline)


def _stream_jsonl_rows(path: Path, encoding: str) -> Iterable[tuple[int, dict | NewsframeError]]:
    # newline="\n": lines end at "\n" only, as in _jsonl_rows (a raw U+2028 inside a string is not a break).
    with _open_text(path, encoding, newline="\n") as f:
        yield from _jsonl_rows(path, f)


def _stream_csv_rows(path: Path, encoding: str) -> Iterable[tuple[int, dict | NewsframeError]]:
    with _open_text(path, encoding, newline="") as f:
        yield from _csv_rows(path, f)


def _stream_parquet_rows(path: Path, *, batch_size: int) -> Iterable[tuple[int, dict]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for a file that is not Parquet
        raise NewsframeError(f"{path}: not a readable Parquet file ({exc})") from None
    names = parquet.schema_arrow.names
    if "text" not in names:
        raise NewsframeError(f"{path}: a Parquet corpus needs a 'text' column (found: {names})")
    columns = [c for c in CORPUS_FIELDS if c in names]
    i = 0
    for record_batch in parquet.iter_batches(batch_size=max(1, batch_size), columns=columns):
        for row in record_batch.to_pylist():
            i += 1
            yield i, {k: ("" if v is None else v) for k, v in row.items()}


def _stream_folder(path: Path, max_chars: int | None, *, strict: bool = False,
                   skipped: list[tuple[str, str]] | None = None) -> Iterable[dict]:
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    if not files:
        raise NewsframeError(f"{path}: folder has no .txt or .md files")
    skipped = [] if skipped is None else skipped
    for f in files:
        try:
            text, enc, notes = _read_file(f, max_chars)
            record = _make_record(text, doc_id=safe_id(f.stem), name=str(f), encoding=enc, source=f.name,
                                  max_chars=max_chars, notes=notes)
        except NewsframeError as exc:
            if strict:
                raise
            skipped.append((str(f), _reason(exc, str(f))))
            continue
        yield record


def iter_records(source: str | Path, *, max_chars: int | None = None, batch_size: int = 1024,
                 strict: bool = False, skipped: list[tuple[str, str]] | None = None) -> Iterable[dict]:
    """Document records of a corpus, one at a time (the rows of the ``documents`` table, ids not yet unique).

    ``batch_size`` only sets how many Parquet rows are decoded at once. Bad records raise when ``strict``,
    else are appended to ``skipped`` as ``(record, reason)`` (the rules of :func:`read_documents`).
    """
    path = Path(source).expanduser()
    kind = corpus_kind(path)
    if kind == "folder":
        return _stream_folder(path, max_chars, strict=strict, skipped=skipped)
    if kind == "file":
        text, enc, notes = _read_file(path, max_chars)
        return iter([_make_record(text, doc_id=safe_id(path.stem), name=str(path), encoding=enc, source=path.name,
                                  max_chars=max_chars, notes=notes)])
    common = {"name": str(path), "max_chars": max_chars, "strict": strict, "skipped": skipped}
    if kind == "parquet":
        return _iter_row_records(_stream_parquet_rows(path, batch_size=batch_size), unit="row", encoding="str",
                                 **common)
    encoding, notes = _sniff_encoding_notes(path)
    reported = "utf-8" if encoding == "utf-8-replace" else encoding
    if kind == "csv":
        return _iter_row_records(_stream_csv_rows(path, encoding), unit="row", encoding=reported, notes=notes,
                                 **common)
    return _iter_row_records(_stream_jsonl_rows(path, encoding), unit="line", encoding=reported, notes=notes,
                             **common)


def count_records(source: str | Path) -> int | None:
    """How many records a corpus holds, cheaply and without keeping them (for a progress bar's ETA).

    Counts files, non-blank JSONL lines, CSV records or Parquet rows (rows without text included, so it
    may overcount); ``None`` when the corpus cannot be counted.
    """
    path = Path(source).expanduser()
    try:
        kind = corpus_kind(path)
        if kind == "folder":
            return sum(1 for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
        if kind == "file":
            return 1
        if kind == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows
        encoding = _sniff_encoding(path)
        if kind == "jsonl":
            with _open_text(path, encoding, newline="\n") as f:
                return sum(1 for line in f if line.strip())
        with _open_text(path, encoding, newline="") as f:
            return sum(1 for _ in csv.reader(f)) - 1
    except (NewsframeError, OSError, UnicodeError, csv.Error):
        return None
    except Exception:  # noqa: BLE001 - a count is only for the ETA; reading reports real errors later
        return None


def note_lines(notes: Iterable[tuple[str, str]]) -> list[str]:
    """``note:`` lines for ``(doc_id, notes)`` pairs, one per distinct note text (the CLI prints them).

    A corpus read as cp1252 would otherwise print one identical line per document.
    """
    by_note: dict[str, list[str]] = {}
    for doc_id, text in notes:
        if text:
            by_note.setdefault(text, []).append(str(doc_id))
    lines = []
    for text, ids in by_note.items():
        who = ids[0] if len(ids) == 1 else f"{len(ids)} documents ({', '.join(ids[:3])}{', ...' if len(ids) > 3 else ''})"
        lines.append(f"note: {who}: {text}")
    return lines


def iter_documents(source: str | Path, *, batch_size: int = 32, max_chars: int | None = None,
                   strict: bool = False, skipped: list[tuple[str, str]] | None = None) -> Iterable[pd.DataFrame]:
    """Yield the ``documents`` table of a corpus in batches of at most ``batch_size`` documents.

    Never holds more than one batch: a folder is read file by file, JSONL line by line, CSV record by
    record, Parquet row group by row group. Concatenated, the batches equal
    :func:`load_documents` of the same source (same ids, notes and errors).

    Parameters
    ----------
    source
        A folder of ``.txt``/``.md`` files, a ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` corpus with a
        ``text`` column (``id``, ``title``, ``source``, ``date``, ``url`` optional), or one article file.
    batch_size
        Documents per batch (at least 1).
    max_chars
        Refuse a single document longer than this (default :data:`newsframe.config.MAX_DOCUMENT_CHARS`).
    strict, skipped
        A bad record raises when ``strict``; else it is appended to the list ``skipped`` as
        ``(record, reason)`` before the batch that follows it is yielded (see :func:`read_documents`).

    Yields
    ------
    pandas.DataFrame
        Columns of ``schema.TABLES["documents"]`` (counts zero until parsed).

    Raises
    ------
    NewsframeError
        Missing path, a corpus without a text column, a malformed record, or no document with text at all
        (raised when the stream ends, after the batches read before it).
    """
    if batch_size < 1:
        raise NewsframeError(f"batch size must be at least 1, not {batch_size}")
    taken: set[str] = set()  # lower-cased ids seen so far: ids only, a few bytes per document
    batch: list[dict] = []
    n_docs = 0
    skipped = [] if skipped is None else skipped
    n_skipped_before = len(skipped)
    for record in iter_records(source, max_chars=max_chars, batch_size=batch_size, strict=strict, skipped=skipped):
        doc_id, k = record["doc_id"], 1
        candidate = doc_id
        while candidate.lower() in taken:
            k += 1
            candidate = f"{doc_id}_{k}"
        taken.add(candidate.lower())
        if candidate != doc_id:
            record["notes"] = "; ".join(n for n in (record["notes"], f"duplicate id {doc_id!r} renamed to "
                                                                     f"{candidate!r}") if n)
        record["doc_id"] = candidate
        if len(batch) >= batch_size:
            # A full batch goes out when the next good record arrives (or the stream ends), so the bad
            # records read after it are reported with a batch, never after the last one.
            n_docs += len(batch)
            yield schema.conform(_batch_frame(batch), "documents")
            batch = []
        batch.append(record)
    if batch:
        n_docs += len(batch)
        yield schema.conform(_batch_frame(batch), "documents")
    if not n_docs:
        bad = skipped[n_skipped_before:]
        if bad:
            raise NewsframeError(f"{source}: no good record: all {len(bad)} were bad; first: {bad[0][0]}: {bad[0][1]}")
        raise NewsframeError(f"{source}: no documents with text")


def _batch_frame(batch: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(batch)
    # datetime64 in every partition, also one whose dates are all missing (Parquet parts must agree)
    frame["date_parsed"] = pd.to_datetime(frame["date_parsed"]).astype("datetime64[us]")
    return frame


# --- corpus metadata (corpus engineer): extra fields of a JSONL/CSV record, kept for grouping ---------
_NOT_METADATA = frozenset(CORPUS_FIELDS) | frozenset(schema.TABLES["documents"])


def _extra_fields(row: dict) -> dict:
    """The record's fields beyond id/title/source/date/url/text (``bias``, ``country``, ...), as given.

    A row that already carries a ``metadata`` JSON object (a documents table loaded again) keeps it.
    """
    base = groups._metadata(row.get("metadata"))
    extra = {str(k): v for k, v in row.items() if str(k) not in _NOT_METADATA}
    return {**base, **extra}
