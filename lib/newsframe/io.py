"""Load documents: a text string, a .txt/.md file, a folder of them, or a JSONL/CSV corpus.

Returns the ``documents`` table (counts are filled in by :mod:`newsframe.parse`). Decoding tries UTF-8 (with
or without BOM), UTF-16 with BOM, then cp1252, and records which one it used. Offsets everywhere point into
the decoded text exactly as stored here (line endings are kept as they are).
"""
from __future__ import annotations

import csv
import hashlib
import html
import html.parser
import io as _io
import json
import re
import unicodedata
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
    """Decode ``data`` and return ``(text, encoding)``.

    UTF-8 (BOM stripped), UTF-16 with BOM, else cp1252 as a reported fallback. Raises
    :class:`NewsframeError` for data that looks binary.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, enc = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise NewsframeError(f"{name}: has a UTF-16 byte-order mark but is not valid UTF-16") from exc
    else:
        if b"\x00" in data[:8192]:
            raise NewsframeError(f"{name}: looks like a binary file, not text (it contains NUL bytes)")
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, enc = data.decode("cp1252", errors="replace"), "cp1252"
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if text and controls / min(len(text), 8192) > 0.05:
        raise NewsframeError(f"{name}: looks like a binary file, not text (many control characters)")
    return text, enc


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
                 metadata: dict | None = None) -> dict:
    notes = []
    if encoding == "cp1252":
        notes.append("not valid UTF-8: read as cp1252")
    if looks_like_html(text):
        text = strip_html(text)
        notes.append("HTML markup removed")
    if not text.strip():
        raise NewsframeError(f"{name}: no text to analyse (empty or whitespace only)")
    limit = config.MAX_DOCUMENT_CHARS if max_chars is None else max_chars
    if len(text) > limit:
        raise NewsframeError(
            f"{name}: {len(text):,} characters is over the {limit:,}-character limit for one document; "
            "split it into a corpus (a folder, JSONL or CSV) or raise the limit (--max-chars)")
    date_parsed, date_note = groups.parse_date(date)  # corpus block: dates and metadata for grouping
    if date_note and not date_note.startswith("epoch"):
        notes.append(date_note)
    return {
        "doc_id": doc_id, "title": title or _first_line_title(text) or doc_id, "source": source, "date": date,
        "date_parsed": date_parsed, "url": url, "encoding": encoding, "n_chars": len(text), "n_paragraphs": 0,
        "n_sentences": 0, "n_words": 0, "notes": "; ".join(notes),
        "metadata": json.dumps(metadata, ensure_ascii=False, default=str) if metadata else "", "text": text,
    }


def _read_file(path: Path, max_chars: int | None) -> tuple[str, str]:
    limit = config.MAX_DOCUMENT_CHARS if max_chars is None else max_chars
    # Refuse huge files before reading them whole (4 bytes per character at most in UTF-8).
    if path.stat().st_size > 4 * limit + 4:
        raise NewsframeError(
            f"{path}: {path.stat().st_size:,} bytes is over the {limit:,}-character limit for one document; "
            "split it into a corpus (a folder, JSONL or CSV) or raise the limit (--max-chars)")
    return decode_bytes(path.read_bytes(), name=str(path))


def _corpus_rows(path: Path) -> tuple[str, Iterable[tuple[int, dict]]]:
    """The encoding of a JSONL/CSV corpus and its rows as ``(line or row number, record)``."""
    text, enc = decode_bytes(path.read_bytes(), name=str(path))
    return enc, (_csv_rows(path, text) if path.suffix.lower() == ".csv" else _jsonl_rows(path, text))


def _csv_rows(path: Path, text: str) -> Iterable[tuple[int, dict]]:
    reader = csv.DictReader(_io.StringIO(text, newline=""))
    if reader.fieldnames is None or "text" not in [f.strip() for f in reader.fieldnames]:
        raise NewsframeError(f"{path}: a CSV corpus needs a 'text' column (found: {reader.fieldnames})")
    for i, row in enumerate(reader, start=1):
        yield i, {k.strip(): (v or "") for k, v in row.items() if k is not None}


def _jsonl_rows(path: Path, text: str) -> Iterable[tuple[int, dict]]:
    # Split on "\n" only: JSON strings may hold a raw U+2028 or U+0085, which str.splitlines() would cut.
    for i, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NewsframeError(f"{path}: line {i} is not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or "text" not in row:
            raise NewsframeError(f"{path}: line {i} needs a JSON object with a 'text' field")
        yield i, row


def _unique(doc_ids: list[str]) -> list[str]:
    # Compared case-insensitively: "Kyiv" and "kyiv" would be one file on macOS and Windows.
    taken: set[str] = set()
    out = []
    for d in doc_ids:
        candidate, k = d, 1
        while candidate.lower() in taken:
            k += 1
            candidate = f"{d}_{k}"
        taken.add(candidate.lower())
        out.append(candidate)
    return out


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


def load_documents(source: str | Path | pd.DataFrame | list[str], *, max_chars: int | None = None) -> pd.DataFrame:
    """Load one or more documents into the ``documents`` table.

    Parameters
    ----------
    source
        A :class:`~pathlib.Path` or path string to a ``.txt``/``.md`` file, a folder of them, or a
        ``.jsonl``/``.csv`` corpus (fields ``id``, ``title``, ``source``, ``date``, ``url``, ``text``; only
        ``text`` required); a DataFrame with those columns; a list of texts; or the article text itself.
    max_chars
        Refuse a single document longer than this (default :data:`newsframe.config.MAX_DOCUMENT_CHARS`).

    Returns
    -------
    pandas.DataFrame
        Columns of ``schema.TABLES["documents"]``; the counts are zero until parsed.

    Raises
    ------
    NewsframeError
        Missing path, empty or binary input, a folder without text files, a malformed corpus.
    """
    records: list[dict] = []
    if isinstance(source, pd.DataFrame):
        records = _records_from_rows(((i + 1, r) for i, r in enumerate(source.fillna("").to_dict("records"))),
                                     name="DataFrame", max_chars=max_chars)
    elif isinstance(source, (list, tuple)):
        records = _records_from_rows(((i + 1, {"text": t}) for i, t in enumerate(source)), name="list",
                                     max_chars=max_chars)
    elif isinstance(source, str) and not _looks_like_path(source) and not _is_existing_path(source):
        digest = hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        records = [_make_record(source, doc_id=f"text_{digest}", name="text", max_chars=max_chars)]
    else:
        path = Path(source).expanduser()
        if not path.exists():
            raise NewsframeError(f"{path}: no such file or folder")
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            if not files:
                raise NewsframeError(f"{path}: folder has no .txt or .md files")
            for f in files:
                text, enc = _read_file(f, max_chars)
                records.append(_make_record(text, doc_id=safe_id(f.stem), name=str(f), encoding=enc,
                                            source=f.name, max_chars=max_chars))
        elif path.suffix.lower() in CORPUS_SUFFIXES:
            enc, rows = _corpus_rows(path)
            records = _records_from_rows(rows, name=str(path), max_chars=max_chars, encoding=enc,
                                         unit="row" if path.suffix.lower() == ".csv" else "line")
        else:
            text, enc = _read_file(path, max_chars)
            records = [_make_record(text, doc_id=safe_id(path.stem), name=str(path), encoding=enc,
                                    source=path.name, max_chars=max_chars)]
    if not records:
        raise NewsframeError(f"{source if not isinstance(source, str) or len(source) < 80 else 'input'}: "
                             "no documents with text")
    frame = pd.DataFrame.from_records(records)
    frame["doc_id"] = _unique(frame["doc_id"].tolist())
    frame["date_parsed"] = pd.to_datetime(frame["date_parsed"]).astype("datetime64[us]")  # also when all missing
    return schema.conform(frame, "documents")


def _records_from_rows(rows: Iterable[tuple[int, dict]], *, name: str, max_chars: int | None,
                       unit: str = "row", encoding: str = "str") -> list[dict]:
    records = []
    # Ids fall back to the record's number (n), messages name the line (i) a user can find in an editor.
    for n, (i, row) in enumerate(rows, start=1):
        text = row.get("text")
        if not isinstance(text, str) or not text.strip():
            continue  # an empty row in a corpus is skipped; an all-empty corpus is an error below
        raw_id = row.get("id")
        doc_id = safe_id(str(raw_id), fallback=f"doc{n:04d}") if raw_id not in (None, "") else f"doc{n:04d}"
        records.append(_make_record(
            text, doc_id=doc_id, name=f"{name} {unit} {i}", encoding=encoding, title=str(row.get("title") or ""),
            source=str(row.get("source") or ""), date=str(row.get("date") or ""), url=str(row.get("url") or ""),
            max_chars=max_chars, metadata=_extra_fields(row)))
    return records


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
    """The encoding of a corpus file, decided as :func:`decode_bytes` does but reading in chunks.

    UTF-8 unless a byte-order mark says UTF-8-sig/UTF-16 or some byte sequence is not UTF-8 (then cp1252,
    for the whole file, as when it is read whole).
    """
    import codecs

    with path.open("rb") as f:
        head = f.read(8192)
        if head.startswith(b"\xef\xbb\xbf"):
            return "utf-8-sig"
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        if b"\x00" in head:
            raise NewsframeError(f"{path}: looks like a binary file, not text (it contains NUL bytes)")
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = f.read(1 << 20)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _open_text(path: Path, encoding: str, *, newline: str):
    # cp1252 leaves five bytes undefined; decode_bytes replaces them, so do the same here.
    return path.open("r", encoding=encoding, errors="replace" if encoding == "cp1252" else "strict",
                     newline=newline)


def _stream_jsonl_rows(path: Path, encoding: str) -> Iterable[tuple[int, dict]]:
    # newline="\n": lines end at "\n" only, as in _jsonl_rows (a raw U+2028 inside a string is not a break).
    with _open_text(path, encoding, newline="\n") as f:
        for i, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise NewsframeError(f"{path}: line {i} is not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict) or "text" not in row:
                raise NewsframeError(f"{path}: line {i} needs a JSON object with a 'text' field")
            yield i, row


def _stream_csv_rows(path: Path, encoding: str) -> Iterable[tuple[int, dict]]:
    with _open_text(path, encoding, newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or "text" not in [fn.strip() for fn in reader.fieldnames]:
            raise NewsframeError(f"{path}: a CSV corpus needs a 'text' column (found: {reader.fieldnames})")
        for i, row in enumerate(reader, start=1):
            yield i, {k.strip(): (v or "") for k, v in row.items() if k is not None}


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


def _stream_folder(path: Path, max_chars: int | None) -> Iterable[dict]:
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    if not files:
        raise NewsframeError(f"{path}: folder has no .txt or .md files")
    for f in files:
        text, enc = _read_file(f, max_chars)
        yield _make_record(text, doc_id=safe_id(f.stem), name=str(f), encoding=enc, source=f.name,
                           max_chars=max_chars)


def _stream_records(rows: Iterable[tuple[int, dict]], *, name: str, unit: str, encoding: str,
                    max_chars: int | None) -> Iterable[dict]:
    # The same rules as _records_from_rows, one record at a time.
    for n, (i, row) in enumerate(rows, start=1):
        text = row.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        raw_id = row.get("id")
        doc_id = safe_id(str(raw_id), fallback=f"doc{n:04d}") if raw_id not in (None, "") else f"doc{n:04d}"
        yield _make_record(
            text, doc_id=doc_id, name=f"{name} {unit} {i}", encoding=encoding, title=str(row.get("title") or ""),
            source=str(row.get("source") or ""), date=str(row.get("date") or ""), url=str(row.get("url") or ""),
            max_chars=max_chars, metadata=_extra_fields(row))


def iter_records(source: str | Path, *, max_chars: int | None = None, batch_size: int = 1024) -> Iterable[dict]:
    """Document records of a corpus, one at a time (the rows of the ``documents`` table, ids not yet unique).

    ``batch_size`` only sets how many Parquet rows are decoded at once.
    """
    path = Path(source).expanduser()
    kind = corpus_kind(path)
    if kind == "folder":
        return _stream_folder(path, max_chars)
    if kind == "file":
        text, enc = _read_file(path, max_chars)
        return iter([_make_record(text, doc_id=safe_id(path.stem), name=str(path), encoding=enc, source=path.name,
                                  max_chars=max_chars)])
    if kind == "parquet":
        return _stream_records(_stream_parquet_rows(path, batch_size=batch_size), name=str(path), unit="row",
                               encoding="str", max_chars=max_chars)
    encoding = _sniff_encoding(path)
    # decode_bytes names the encoding by its BOM-less name; keep the same words in documents.encoding
    reported = {"utf-8-sig": "utf-8-sig", "utf-16": "utf-16"}.get(encoding, encoding)
    if kind == "csv":
        return _stream_records(_stream_csv_rows(path, encoding), name=str(path), unit="row", encoding=reported,
                               max_chars=max_chars)
    return _stream_records(_stream_jsonl_rows(path, encoding), name=str(path), unit="line", encoding=reported,
                           max_chars=max_chars)


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


def iter_documents(source: str | Path, *, batch_size: int = 32, max_chars: int | None = None
                   ) -> Iterable[pd.DataFrame]:
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
    for record in iter_records(source, max_chars=max_chars, batch_size=batch_size):
        doc_id, k = record["doc_id"], 1
        candidate = doc_id
        while candidate.lower() in taken:
            k += 1
            candidate = f"{doc_id}_{k}"
        taken.add(candidate.lower())
        record["doc_id"] = candidate
        batch.append(record)
        if len(batch) >= batch_size:
            n_docs += len(batch)
            yield schema.conform(_batch_frame(batch), "documents")
            batch = []
    if batch:
        n_docs += len(batch)
        yield schema.conform(_batch_frame(batch), "documents")
    if not n_docs:
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
