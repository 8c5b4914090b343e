"""Dates and groups of documents: compare outlets, weeks or any metadata column of a corpus.

A corpus carries metadata beside each text: ``source`` (the outlet), ``date``, and any extra columns of a
JSONL/CSV corpus (``bias``, ``country``, ...), kept in ``documents.metadata`` as a JSON object. This module

* reads dates: :func:`parse_date` / :func:`parse_dates`, a tolerant parser with a note for what it
  cannot read (the loader fills ``documents.date_parsed`` with it);
* assigns each document to a group: :func:`group_documents` by ``source``, by a period (``day``, ``week``
  starting on Monday, ``month``, ``year``), by any documents column or metadata field, or by several;
* turns the stage tables into tidy per-document measures (:func:`measure_documents`) and aggregates them
  per group (:func:`aggregate_measures`, or :func:`group_tables` for both steps) with the number of
  documents behind every value; :func:`cell_documents` lists the articles behind a cell.

Measures are pooled, not averaged per document: an actor's share of an outlet's mentions is the outlet's
mentions of the actor over all its mentions, so a long article weighs more than a short one; a per-article
measure (a frame assigned, a document's tone) is a mean over the group's articles.
"""
from __future__ import annotations

import email.utils
import json
import re
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from .errors import NewsframeError

PERIODS = ("day", "week", "month", "year")
# Group labels for documents without a value: kept as a group of their own so counts add up.
NO_DATE = "(no date)"
NO_VALUE = "(none)"

_MONTHS = {m: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], start=1) for m in names}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?)?"
_TZ = r"(?:\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2}))?"
_DAY_MONTH_YEAR = re.compile(rf"^{_WEEKDAY}{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}{_TIME}{_TZ}$", re.I)
_MONTH_DAY_YEAR = re.compile(rf"^{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TIME}{_TZ}$", re.I)
_MONTH_YEAR = re.compile(rf"^{_MONTH},?\s+{_YEAR}$", re.I)
_NUMERIC = re.compile(r"^(?P<a>\d{1,4})[/.](?P<b>\d{1,2})[/.](?P<c>\d{1,4})$")
_YEAR_MONTH = re.compile(r"^(?P<year>\d{4})[-/](?P<month>\d{1,2})$")
_YEAR_ONLY = re.compile(r"^(?P<year>\d{4})$")
_EPOCH = re.compile(r"^-?\d{9,13}(?:\.\d+)?$")
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def parse_date(value: Any, *, dayfirst: bool | None = None) -> tuple[pd.Timestamp, str]:
    """Read one publication date; return ``(timestamp, note)``.

    Accepted forms (case-insensitive, surrounding spaces ignored):

    * ISO 8601: ``2025-03-01``, ``2025-03-01T10:30:00``, with ``Z`` or an offset (``+02:00``);
    * RFC 2822 (RSS feeds, e-mail): ``Sat, 01 Mar 2025 10:30:00 +0000``;
    * written dates in English: ``1 March 2025``, ``1st of March 2025``, ``March 1, 2025``,
      ``Mar. 1 2025``, optionally with a weekday before and a time (``10:30``, ``10.30 pm``) after;
    * numeric dates ``2025/03/01``, ``01.03.2025``, ``3/1/2025``: day and month are told apart when one of
      them is over 12, else by ``dayfirst`` (``None``: dotted dates are day-first, slashed ones refused as
      ambiguous);
    * partial dates ``2025-03``, ``March 2025`` (first day of the month) and ``2025`` (1 January), noted;
    * Unix epoch seconds (9-11 digits) or milliseconds (12-13 digits), noted.

    Parameters
    ----------
    value
        The date as given (string, number, ``datetime`` or ``None``).
    dayfirst
        How to read an ambiguous numeric date such as ``03/04/2025``: ``True`` 3 April, ``False`` 4 March,
        ``None`` (default) refuse it with a note.

    Returns
    -------
    tuple
        A naive :class:`pandas.Timestamp` (dates with a time zone are converted to UTC, then the zone is
        dropped so that one column can hold every date) or ``NaT``; and a note: empty when the date was read
        as written, else what was assumed or why it could not be read.

    Examples
    --------
    >>> parse_date("March 1, 2025")
    (Timestamp('2025-03-01 00:00:00'), '')
    >>> parse_date("last Tuesday")[1]
    "date 'last Tuesday' not read: not a date form newsframe knows"
    """
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return pd.NaT, ""
    if isinstance(value, datetime):
        return _naive_utc(pd.Timestamp(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = repr(value)
    text = " ".join(str(value).split())
    if not text:
        return pd.NaT, ""
    try:
        return _parse_text(text, dayfirst=dayfirst)
    except (ValueError, OverflowError) as exc:  # a form we know with impossible numbers (31 February)
        return pd.NaT, f"date {text!r} not read: {exc}"


def _parse_text(text: str, *, dayfirst: bool | None) -> tuple[pd.Timestamp, str]:
    if _EPOCH.match(text):
        number = float(text)
        ms = len(text.split(".")[0].lstrip("-")) >= 12
        stamp = pd.Timestamp(datetime.fromtimestamp(number / 1000 if ms else number, tz=timezone.utc))
        return stamp.tz_localize(None), "epoch milliseconds" if ms else "epoch seconds"
    if (m := _YEAR_ONLY.match(text)):
        return pd.Timestamp(int(m["year"]), 1, 1), "year only: read as 1 January"
    if (m := _YEAR_MONTH.match(text)):
        return pd.Timestamp(int(m["year"]), int(m["month"]), 1), "month only: read as the first day"
    if _ISO_LIKE.match(text):
        try:
            return _naive_utc(pd.Timestamp(datetime.fromisoformat(text.replace(" UTC", "Z"))))
        except ValueError as exc:  # an ISO date with impossible numbers (2025-02-31) is not another form
            return pd.NaT, f"date {text!r} not read: {exc}"
    if (m := _MONTH_YEAR.match(text)) and m["month"].lower() in _MONTHS:
        return pd.Timestamp(int(m["year"]), _MONTHS[m["month"].lower()], 1), "month only: read as the first day"
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        m = pattern.match(text)
        if m and m["month"].lower() in _MONTHS:
            return _from_parts(m)
    if (m := _NUMERIC.match(text)):
        return _numeric(m, text, dayfirst=dayfirst)
    try:
        parsed = email.utils.parsedate_to_datetime(text) if "," in text or ":" in text else None
    except (ValueError, TypeError):
        parsed = None  # not RFC 2822 either
    if parsed is not None:
        return _naive_utc(pd.Timestamp(parsed))
    return pd.NaT, f"date {text!r} not read: not a date form newsframe knows"


def _from_parts(m: re.Match) -> tuple[pd.Timestamp, str]:
    hour = int(m["hour"] or 0)
    if m["ampm"]:
        hour = hour % 12 + (12 if m["ampm"].lower().startswith("p") else 0)
    stamp = pd.Timestamp(int(m["year"]), _MONTHS[m["month"].lower()], int(m["day"]), hour, int(m["minute"] or 0),
                         int(m["second"] or 0))
    tz = m["tz"]
    if tz and tz.upper() not in ("Z", "UTC", "GMT"):
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        stamp = stamp - sign * pd.Timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return stamp, ""


def _numeric(m: re.Match, text: str, *, dayfirst: bool | None) -> tuple[pd.Timestamp, str]:
    a, b, c = m["a"], m["b"], m["c"]
    if len(a) == 4:  # 2025/03/01: year first is always year-month-day
        return pd.Timestamp(int(a), int(b), int(c)), ""
    if len(c) != 4:
        return pd.NaT, f"date {text!r} not read: a numeric date needs a four-digit year"
    first, second = int(a), int(b)
    if dayfirst is None and "." in text:
        dayfirst = True  # dotted dates (01.03.2025) are day-first wherever they are written
    if first > 12 >= second:
        day, month = first, second
    elif second > 12 >= first:
        day, month = second, first
    elif dayfirst is None:
        return pd.NaT, f"date {text!r} not read: day and month are ambiguous (set dayfirst)"
    else:
        day, month = (first, second) if dayfirst else (second, first)
    return pd.Timestamp(int(c), month, day), ""


def _naive_utc(stamp: pd.Timestamp) -> tuple[pd.Timestamp, str]:
    if stamp.tzinfo is None:
        return stamp, ""
    return stamp.tz_convert("UTC").tz_localize(None), ""


def parse_dates(values: Iterable[Any], *, dayfirst: bool | None = None) -> pd.DataFrame:
    """:func:`parse_date` over many values (each distinct value is read once).

    Returns
    -------
    pandas.DataFrame
        ``date_parsed`` (datetime64, ``NaT`` where unread) and ``date_note``, one row per value in order
        (the index of a Series is kept).
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    cache: dict[Any, tuple[pd.Timestamp, str]] = {}
    stamps, notes = [], []
    for v in series.tolist():
        key = v if isinstance(v, (str, int, float)) else repr(v)
        if key not in cache:
            cache[key] = parse_date(v, dayfirst=dayfirst)
        stamps.append(cache[key][0])
        notes.append(cache[key][1])
    return pd.DataFrame({"date_parsed": pd.to_datetime(pd.Series(stamps, index=series.index, dtype=object)),
                         "date_note": pd.Series(notes, index=series.index, dtype=object)})


# -- metadata and groups --------------------------------------------------------------------------------

def document_metadata(documents: pd.DataFrame) -> pd.DataFrame:
    """The extra corpus fields of each document as columns: ``doc_id`` then one column per field.

    Reads ``documents.metadata`` (a JSON object per document, written by the loader from the JSONL/CSV
    fields other than id, title, source, date, url and text). Values are kept as given (strings for a CSV
    corpus); a field a document lacks is empty.
    """
    out = pd.DataFrame({"doc_id": documents["doc_id"].astype(str).values})
    if "metadata" not in documents.columns:
        return out
    records = [_metadata(v) for v in documents["metadata"]]
    fields = list(dict.fromkeys(k for r in records for k in r))
    for f in fields:
        out[f] = [r.get(f, "") for r in records]
    return out


def _metadata(value: Any) -> dict:
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value.strip():
        return {}
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _dates(documents: pd.DataFrame) -> pd.Series:
    if "date_parsed" in documents.columns:
        return pd.to_datetime(documents["date_parsed"], errors="coerce")
    return parse_dates(documents.get("date", pd.Series([""] * len(documents))))["date_parsed"]


def period_labels(dates: pd.Series, period: str) -> pd.Series:
    """Label each date with its period: ``day`` and ``week`` as ``YYYY-MM-DD`` (weeks start on Monday),
    ``month`` as ``YYYY-MM``, ``year`` as ``YYYY``; missing dates get ``"(no date)"``. Labels sort in time.
    """
    if period not in PERIODS:
        raise NewsframeError(f"unknown period {period!r}: use {', '.join(PERIODS)}")
    dates = pd.to_datetime(dates, errors="coerce")
    if period == "day":
        labels = dates.dt.strftime("%Y-%m-%d")
    elif period == "week":
        labels = (dates.dt.normalize() - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.strftime("%Y-%m-%d")
    elif period == "month":
        labels = dates.dt.strftime("%Y-%m")
    else:
        labels = dates.dt.strftime("%Y")
    return labels.where(dates.notna(), NO_DATE).astype(object)


def group_documents(documents: pd.DataFrame, *, by: str | Sequence[str] = "source") -> pd.DataFrame:
    """Assign every document to its group(s).

    Parameters
    ----------
    documents
        The ``documents`` table.
    by
        A grouping key or a list of them: ``day``, ``week``, ``month``, ``year`` (from ``date_parsed``),
        a column of the documents table (``source``, ``url``, ...) or a metadata field of the corpus
        (``bias``, ``country``, ...), looked up in that order.

    Returns
    -------
    pandas.DataFrame
        ``doc_id`` then one string column per key, named after it. Documents without a value get
        ``"(no date)"`` for periods and ``"(none)"`` otherwise, so every document is in a group.

    Raises
    ------
    NewsframeError
        A key that is neither a period, a documents column nor a metadata field.
    """
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise NewsframeError("group by what? give at least one key (source, week, a metadata field, ...)")
    out = pd.DataFrame({"doc_id": documents["doc_id"].astype(str).values})
    meta = None
    for key in keys:
        if key in PERIODS:
            out[key] = period_labels(_dates(documents), key).values
            continue
        if key in documents.columns and key not in ("doc_id", "metadata", "text"):
            values = documents[key]
        else:
            meta = document_metadata(documents) if meta is None else meta
            if key not in meta.columns or key == "doc_id":
                fields = [c for c in meta.columns if c != "doc_id"]
                raise NewsframeError(
                    f"cannot group by {key!r}: use {', '.join(PERIODS)}, a documents column (source, ...) or a "
                    f"metadata field of the corpus ({', '.join(fields) if fields else 'this corpus has none'})")
            values = meta[key]
        labels = values.map(lambda v: NO_VALUE if v is None or (isinstance(v, float) and v != v)
                            or str(v).strip() == "" else str(v).strip())
        out[key] = labels.astype(object).values
    return out


def add_groups(table: pd.DataFrame, documents: pd.DataFrame, *, by: str | Sequence[str] = "source") -> pd.DataFrame:
    """Any table with its documents' group columns joined on ``doc_id`` (for your own aggregations).

    Examples
    --------
    >>> add_groups(a.attributions, a.documents, by=["source", "week"]).groupby(["source", "week", "verb_class"]).size()
    ... # doctest: +SKIP
    """
    groups = group_documents(documents, by=by)
    keys = [c for c in groups.columns if c != "doc_id"]
    clash = [k for k in keys if k in table.columns]
    if clash:
        table = table.drop(columns=clash)
    return table.assign(doc_id=table["doc_id"].astype(str)).merge(groups, on="doc_id", how="left")


def count_documents(documents: pd.DataFrame, *, by: str | Sequence[str] = "source") -> pd.DataFrame:
    """How many documents and words each group holds, and the dates it spans.

    Returns
    -------
    pandas.DataFrame
        One column per key, then ``n_documents``, ``n_words``, ``first_date``, ``last_date``.
    """
    groups = group_documents(documents, by=by)
    keys = [c for c in groups.columns if c != "doc_id"]
    words = documents["n_words"].astype(int).values if "n_words" in documents.columns else 0
    frame = groups.assign(_words=words, _date=_dates(documents).values)
    out = frame.groupby(keys, dropna=False).agg(n_documents=("doc_id", "size"), n_words=("_words", "sum"),
                                                first_date=("_date", "min"), last_date=("_date", "max"))
    return out.reset_index()


# -- measures per document and per group -----------------------------------------------------------------

# Each measure: (table, measure, kind, unit, what it is). ``kind`` says how groups pool it:
#   per_document  value = sum of the documents' values / documents in the group (absent = 0)
#   share         value = sum of numerators / sum of the documents' totals within the scope
#   mean          value = sum of numerators / sum of denominators over the rows of the key
MEASURES: tuple[tuple[str, str, str, str, str], ...] = (
    ("frames_generic", "frame_score", "per_document", "documents",
     "mean generic-frame score (share of the frame's coding-sheet questions answered yes)"),
    ("frames_policy", "present", "per_document", "documents", "share of articles the policy frame is assigned to"),
    ("frames_policy", "score", "per_document", "documents", "mean weighted policy-frame hits per 100 words"),
    ("tone", "tone", "mean", "documents", "mean document tone (% positive - % negative words)"),
    ("sentiment", "compound", "mean", "sentences", "mean VADER compound of the sentences"),
    ("actors", "mention_share", "share", "mentions", "the actor's share of all actor mentions"),
    ("actor_sentiment", "score", "mean", "mentions", "mean sentiment toward the actor (-1..1) over its mentions"),
    ("attributions", "verb_class", "share", "statements", "share of attributed statements by speech-act class"),
    ("attributions", "speaker", "share", "statements", "share of attributed statements by speaker (who is quoted)"),
    ("labels", "label", "share", "occurrences", "share of the concept's (scope's) occurrences that use the label"),
    ("hedges", "per_100_words", "share", "words", "hedges, boosters and conditionals per 100 words"),
    ("roles", "role", "share", "actors", "share of the article's actors cast in each role"),
    ("roles", "actor_role", "share", "documents",
     "share of the articles casting the actor (scope) that give it the role"),
)
_KIND = {(t, m): k for t, m, k, _, _ in MEASURES}
_UNIT = {(t, m): u for t, m, _, u, _ in MEASURES}


def measure_kind(table: str, measure: str) -> str:
    """How groups pool ``table``/``measure``: ``per_document``, ``share`` or ``mean`` (see :data:`MEASURES`)."""
    return _KIND.get((table, measure), "mean")


DOC_MEASURE_COLUMNS = ["doc_id", "table", "measure", "scope", "key", "numerator", "denominator", "value", "kind",
                       "unit"]


def _rows(frame: pd.DataFrame, table: str, measure: str, *, key: pd.Series, numerator: pd.Series,
          denominator: pd.Series, scope: pd.Series | str = "") -> pd.DataFrame:
    out = pd.DataFrame({"doc_id": frame["doc_id"].astype(str).values, "table": table, "measure": measure,
                        "scope": scope.values if isinstance(scope, pd.Series) else scope,
                        "key": key.astype(str).values, "numerator": numerator.astype(float).values,
                        "denominator": denominator.astype(float).values})
    return out


def _share(frame: pd.DataFrame, table: str, measure: str, key: str, *, scope: str | None = None,
           weight: str | None = None) -> pd.DataFrame:
    # Counts (or weights) per document x key over the document's total within the scope.
    cols = ["doc_id"] + ([scope] if scope else []) + [key]
    f = frame.assign(_w=frame[weight].astype(float) if weight else 1.0)
    f = f[f[key].notna() & (f[key].astype(str) != "")]
    n = f.groupby(cols, sort=False)["_w"].sum().reset_index()
    totals = n.groupby(["doc_id"] + ([scope] if scope else []))["_w"].transform("sum")
    return _rows(n, table, measure, key=n[key], numerator=n["_w"], denominator=totals,
                 scope=n[scope].astype(str) if scope else "")


def measure_documents(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Tidy per-document measures from whichever stage tables are given (see :data:`MEASURES`).

    Parameters
    ----------
    tables
        Stage tables by name (``frames_generic``, ``frames_policy``, ``tone``, ``sentiment``, ``actors``,
        ``actor_sentiment``, ``attributions``, ``labels``, ``hedges``, ``roles``); missing or empty ones are
        skipped, other names ignored.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, table, measure, scope, key, numerator, denominator, value, kind, unit``: one row per
        document and key (frame, actor, verb class, label, ...); ``value = numerator / denominator``. For
        ``share`` measures the denominator is the document's total within the ``scope`` (a concept for
        labels, an actor for ``actor_role``, else empty) and keys absent from a document are implicit zeros.
    """
    parts: list[pd.DataFrame] = []
    t = tables.get("frames_generic")
    if _has(t, ["doc_id", "frame", "frame_score"]):
        f = t.drop_duplicates(["doc_id", "frame"])
        parts.append(_rows(f, "frames_generic", "frame_score", key=f["frame"], numerator=f["frame_score"],
                           denominator=pd.Series(1.0, index=f.index)))
    t = tables.get("frames_policy")
    if _has(t, ["doc_id", "frame", "present", "score"]):
        one = pd.Series(1.0, index=t.index)
        parts.append(_rows(t, "frames_policy", "present", key=t["frame"], numerator=t["present"].astype(bool),
                           denominator=one))
        parts.append(_rows(t, "frames_policy", "score", key=t["frame"], numerator=t["score"], denominator=one))
    t = tables.get("tone")
    if _has(t, ["doc_id", "level", "tone"]):
        d = t[t["level"] == "document"]
        parts.append(_rows(d, "tone", "tone", key=pd.Series("tone", index=d.index), numerator=d["tone"],
                           denominator=pd.Series(1.0, index=d.index)))
    t = tables.get("sentiment")
    if _has(t, ["doc_id", "compound"]):
        g = t.groupby("doc_id")["compound"].agg(["sum", "size"]).reset_index()
        parts.append(_rows(g, "sentiment", "compound", key=pd.Series("compound", index=g.index),
                           numerator=g["sum"], denominator=g["size"]))
    t = tables.get("actors")
    if _has(t, ["doc_id", "actor_name", "n_mentions"]):
        parts.append(_share(t, "actors", "mention_share", "actor_name", weight="n_mentions"))
    t = tables.get("actor_sentiment")
    if _has(t, ["doc_id", "actor_name", "score"]):
        g = t.groupby(["doc_id", "actor_name"])["score"].agg(["sum", "size"]).reset_index()
        parts.append(_rows(g, "actor_sentiment", "score", key=g["actor_name"], numerator=g["sum"],
                           denominator=g["size"]))
    t = tables.get("attributions")
    if _has(t, ["doc_id", "verb_class", "speaker_name"]):
        parts.append(_share(t, "attributions", "verb_class", "verb_class"))
        parts.append(_share(t.assign(speaker_name=t["speaker_name"].fillna("").astype(str)
                                     .replace("", "(unresolved)")), "attributions", "speaker", "speaker_name"))
    t = tables.get("labels")
    if _has(t, ["doc_id", "concept", "label", "n"]):
        parts.append(_share(t, "labels", "label", "label", scope="concept", weight="n"))
    t = tables.get("hedges")
    if _has(t, ["doc_id", "n_words", "n_hedges", "n_boosters", "n_conditionals"]):
        g = t.groupby("doc_id")[["n_words", "n_hedges", "n_boosters", "n_conditionals"]].sum().reset_index()
        for col, name in (("n_hedges", "hedges"), ("n_boosters", "boosters"), ("n_conditionals", "conditionals")):
            parts.append(_rows(g, "hedges", "per_100_words", key=pd.Series(name, index=g.index),
                               numerator=100 * g[col], denominator=g["n_words"]))
    t = tables.get("roles")
    if _has(t, ["doc_id", "role"]) and ("actor_name" in t.columns or "actor_id" in t.columns):
        actor = "actor_name" if "actor_name" in t.columns else "actor_id"
        parts.append(_share(t, "roles", "role", "role"))
        parts.append(_share(t, "roles", "actor_role", "role", scope=actor))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in DOC_MEASURE_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    out["value"] = out["numerator"] / out["denominator"].where(out["denominator"] != 0)
    out["kind"] = [_KIND[(t, m)] for t, m in zip(out["table"], out["measure"])]
    out["unit"] = [_UNIT[(t, m)] for t, m in zip(out["table"], out["measure"])]
    return out[DOC_MEASURE_COLUMNS]


def _has(frame: pd.DataFrame | None, cols: list[str]) -> bool:
    return frame is not None and not frame.empty and all(c in frame.columns for c in cols)


GROUP_MEASURE_COLUMNS = ["table", "measure", "scope", "key", "value", "numerator", "denominator", "unit",
                         "n_documents", "n_documents_key", "n_documents_group"]


def aggregate_measures(measures: pd.DataFrame, documents: pd.DataFrame, *,
                       by: str | Sequence[str] = "source") -> pd.DataFrame:
    """Pool per-document measures over groups of documents.

    Parameters
    ----------
    measures
        The frame from :func:`measure_documents`.
    documents
        The ``documents`` table (every document counts in its group, also those without a row).
    by
        Grouping key(s), as for :func:`group_documents`.

    Returns
    -------
    pandas.DataFrame
        One column per key, then ``table, measure, scope, key, value, numerator, denominator, unit,
        n_documents`` (documents the value is computed over), ``n_documents_key`` (documents where the
        key occurs) and ``n_documents_group`` (all documents in the group). ``value`` is
        ``numerator / denominator``, pooled as the measure's kind says (:data:`MEASURES`).
    """
    groups = group_documents(documents, by=by)
    keys = [c for c in groups.columns if c != "doc_id"]
    if measures.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in keys + GROUP_MEASURE_COLUMNS})
    size = groups.groupby(keys).size().rename("n_documents_group").reset_index()
    m = measures.assign(doc_id=measures["doc_id"].astype(str)).merge(groups, on="doc_id", how="inner")
    cell = keys + ["table", "measure", "scope", "key"]
    occurs = m[(m["numerator"] != 0) | (m["kind"] == "mean")]
    out = m.groupby(cell, sort=False).agg(numerator=("numerator", "sum"), _den=("denominator", "sum"),
                                          kind=("kind", "first"), unit=("unit", "first")).reset_index()
    out = out.merge(occurs.groupby(cell).agg(n_documents_key=("doc_id", "nunique")).reset_index(), on=cell,
                    how="left")
    out = out.merge(size, on=keys, how="left")
    # share: the denominator is every document's total within the scope, also documents without the key
    scope_cols = keys + ["table", "measure", "scope"]
    totals = (m[m["kind"] == "share"].drop_duplicates(["doc_id", "table", "measure", "scope"])
              .groupby(scope_cols).agg(_scope_den=("denominator", "sum"), _scope_docs=("doc_id", "nunique"))
              .reset_index())
    out = out.merge(totals, on=scope_cols, how="left")
    kind = out["kind"]
    out["denominator"] = out["_den"].where(kind == "mean", out["_scope_den"].where(kind == "share",
                                                                                 out["n_documents_group"]))
    out["n_documents"] = out["n_documents_key"].where(kind == "mean", out["_scope_docs"].where(
        kind == "share", out["n_documents_group"]))
    out["n_documents_key"] = out["n_documents_key"].fillna(0).astype(int)
    out["n_documents"] = out["n_documents"].fillna(0).astype(int)
    out["n_documents_group"] = out["n_documents_group"].astype(int)
    out["value"] = out["numerator"] / out["denominator"].where(out["denominator"] != 0)
    out = out.sort_values(keys + ["table", "measure", "scope", "key"], kind="stable")
    return out[keys + GROUP_MEASURE_COLUMNS].reset_index(drop=True)


def group_tables(tables: Mapping[str, pd.DataFrame], *, by: str | Sequence[str] = "source",
                 table: str | None = None) -> pd.DataFrame:
    """Per-group measures of the stage tables in one call (:func:`measure_documents` then
    :func:`aggregate_measures`).

    Parameters
    ----------
    tables
        Stage tables by name, with ``documents``.
    by
        Grouping key(s): ``source``, ``week``, ``bias``, ``["source", "month"]``, ...
    table
        Only this stage table's measures (default: every table given).
    """
    if "documents" not in tables:
        raise NewsframeError("grouping needs the documents table")
    chosen = {table: tables[table]} if table else tables
    if table and table not in tables:
        raise NewsframeError(f"no {table!r} table to group")
    return aggregate_measures(measure_documents(chosen), tables["documents"], by=by)


def cell_documents(measures: pd.DataFrame, documents: pd.DataFrame, *, by: str | Sequence[str] = "source",
                   table: str, measure: str, key: str | None = None, scope: str | None = None,
                   where: Mapping[str, str] | None = None, include_zeros: bool = True) -> pd.DataFrame:
    """The articles behind a cell (or a whole chart) of :func:`aggregate_measures`.

    Parameters
    ----------
    measures
        The frame from :func:`measure_documents`.
    documents
        The ``documents`` table.
    by
        The grouping key(s) of the chart.
    table, measure
        Which measure (``"frames_policy", "present"``, ...).
    key, scope
        Only this key (frame, actor, ...) and scope; ``None``: every key.
    where
        Only these groups, e.g. ``{"source": "Valley Courier"}``.
    include_zeros
        Also list the documents a share or per-article value is computed over where the key is absent
        (numerator 0); ``False`` keeps only the documents where it occurs.

    Returns
    -------
    pandas.DataFrame
        One column per grouping key, ``key``, ``scope``, ``doc_id``, ``title``, ``date``, ``numerator``,
        ``denominator``, ``value``: every document the cell's value is computed over (for shares and
        per-article measures also those where the key is absent, with 0), largest value first.
    """
    groups = group_documents(documents, by=by)
    keys = [c for c in groups.columns if c != "doc_id"]
    m = measures[(measures["table"] == table) & (measures["measure"] == measure)]
    if scope is not None:
        m = m[m["scope"] == scope]
    kind = measure_kind(table, measure)
    cols = keys + ["key", "scope", "doc_id", "title", "date", "numerator", "denominator", "value"]
    m = (m.assign(doc_id=m["doc_id"].astype(str))
         .groupby(["doc_id", "scope", "key"], as_index=False, sort=False)
         .agg(numerator=("numerator", "sum"), denominator=("denominator", "first")))
    hits = m if key is None else m[m["key"] == key]
    if hits.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    if kind == "mean":
        base = hits
    elif not include_zeros:
        base = hits[hits["numerator"] != 0]
    else:
        # every document the value is computed over, for every (scope, key): absent keys count 0
        pairs = hits[["scope", "key"]].drop_duplicates()
        if kind == "share":
            pool = m.drop_duplicates(["doc_id", "scope"])[["doc_id", "scope", "denominator"]]
        else:
            pool = pairs[["scope"]].drop_duplicates().merge(
                pd.DataFrame({"doc_id": groups["doc_id"], "denominator": 1.0}), how="cross")
        base = pairs.merge(pool, on="scope").merge(hits[["doc_id", "scope", "key", "numerator"]],
                                                   on=["doc_id", "scope", "key"], how="left")
        base["numerator"] = base["numerator"].fillna(0.0)
    out = base.merge(groups, on="doc_id", how="inner")
    docs = documents.assign(doc_id=documents["doc_id"].astype(str))
    out = out.merge(docs[["doc_id", "title", "date"]], on="doc_id", how="left")
    for col, val in (where or {}).items():
        if col not in keys:
            raise NewsframeError(f"where: {col!r} is not a grouping key ({', '.join(keys)})")
        out = out[out[col] == str(val)]
    out["value"] = out["numerator"] / out["denominator"].where(out["denominator"] != 0)
    out = out.sort_values(keys + ["key", "value", "doc_id"], ascending=[True] * len(keys) + [True, False, True],
                          kind="stable")
    return out[cols].reset_index(drop=True)
