"""The reader view: an article's own text with the analysis layered on it, as one escaped HTML fragment.

Four layers, each with its own colour and a check box that hides it: sentence sentiment (a tint on
positive and negative sentences), attributions (the reporting cue and, underlined, what is attributed),
frame evidence (the dictionary terms behind the policy frames) and actor mentions. Hovering a highlight
shows the table row behind it (its ``title``). The toggles are plain HTML and CSS (check boxes and sibling
selectors), so the view works where scripts do not run.

Every piece of article text and every table value is escaped: markup in an article shows as text.
"""
from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .errors import NewsframeError

# Outer to inner: a mention inside attributed speech inside a negative sentence nests in this order.
LAYERS = ("sentiment", "attribution", "frame", "actor")
LAYER_LABELS = {"sentiment": "sentence sentiment (VADER)", "attribution": "attributions (cue, content)",
                "frame": "frame evidence (policy-frame terms)", "actor": "actor mentions"}

_CSS = """
.nf-reader{font-family:Georgia,serif;line-height:1.7;max-width:48em}
.nf-reader .nf-legend{font-family:system-ui,sans-serif;font-size:.85em;margin:.3em 0 .8em}
.nf-reader .nf-legend label{margin-right:1.2em;cursor:pointer;white-space:nowrap}
.nf-reader .nf-key{padding:0 .3em;border-radius:2px}
.nf-reader .nf-text{white-space:pre-wrap;border-left:3px solid #e3e6ea;padding-left:1em}
.nf-reader .nf-pos{background:#e3f5e1}
.nf-reader .nf-neg{background:#fbe3e1}
.nf-reader .nf-cue{background:#eadcf8;font-weight:bold}
.nf-reader .nf-content{text-decoration:underline #8e5cc4 1.5px;text-underline-offset:3px}
.nf-reader .nf-frame{border-bottom:2.5px dotted #d08a00}
.nf-reader .nf-actor{background:#d6e6fb;border-radius:2px}
.nf-reader .nf-t-sentiment:not(:checked)~.nf-text .nf-pos,
.nf-reader .nf-t-sentiment:not(:checked)~.nf-text .nf-neg,
.nf-reader .nf-t-attribution:not(:checked)~.nf-text .nf-cue,
.nf-reader .nf-t-attribution:not(:checked)~.nf-text .nf-content,
.nf-reader .nf-t-frame:not(:checked)~.nf-text .nf-frame,
.nf-reader .nf-t-actor:not(:checked)~.nf-text .nf-actor{background:none;border:none;text-decoration:none;
font-weight:inherit;pointer-events:none}
.nf-reader input{margin:0 .25em 0 0;vertical-align:middle}
"""
_KEY_CLASS = {"sentiment": "nf-neg", "attribution": "nf-cue", "frame": "nf-frame", "actor": "nf-actor"}


@dataclass(frozen=True)
class Span:
    """One highlight: characters ``start:end`` of the text, its layer, CSS class and hover text."""

    start: int
    end: int
    layer: str
    css: str
    title: str


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _val(row: Any, name: str, default: Any = "") -> Any:
    value = getattr(row, name, default)
    try:
        if pd.isna(value):
            return default
    except (TypeError, ValueError):
        pass
    return value


def _int(value: Any) -> int | None:
    try:
        if value is None or pd.isna(value):
            return None
        return int(value)
    except (TypeError, ValueError):
        return None


def spans_for(*, sentences: pd.DataFrame | None = None, mentions: pd.DataFrame | None = None,
              frame_hits: pd.DataFrame | None = None, attributions: pd.DataFrame | None = None,
              sentiment: pd.DataFrame | None = None) -> list[Span]:
    """Every highlight of one document's tables (pass only that document's rows).

    Returns
    -------
    list of Span
        Sentence tints for positive and negative sentences (``sentiment`` joined to ``sentences`` on
        ``sentence_id``), attribution cues and contents, frame hits and actor mentions.
    """
    spans: list[Span] = []
    if sentiment is not None and sentences is not None and not sentiment.empty:
        scored = sentences[["sentence_id", "start", "end"]].merge(
            sentiment[["sentence_id", "compound", "label"]], on="sentence_id", how="inner")
        for r in scored.itertuples(index=False):
            if r.label in ("positive", "negative"):
                spans.append(Span(int(r.start), int(r.end), "sentiment", "nf-pos" if r.label == "positive" else "nf-neg",
                                  f"sentence {r.sentence_id}: {r.label}, VADER compound {float(r.compound):+.3f}"))
    if attributions is not None:
        for r in attributions.itertuples(index=False):
            who = _val(r, "speaker_name") or _val(r, "speaker_text") or "unresolved speaker"
            to = _val(r, "addressee_name")
            row = (f"attribution in sentence {_val(r, 'sentence_id')}: {who} · cue \u201c{_val(r, 'cue')}\u201d "
                   f"({_val(r, 'verb_class')}){' · to ' + str(to) if to else ''} · {_val(r, 'mode')}")
            cs, ce = _int(_val(r, "cue_start", None)), _int(_val(r, "cue_end", None))
            if cs is not None and ce is not None and ce > cs:
                spans.append(Span(cs, ce, "attribution", "nf-cue", row))
            ts, te = _int(_val(r, "content_start", None)), _int(_val(r, "content_end", None))
            if ts is not None and te is not None and te > ts and ts >= 0:
                spans.append(Span(ts, te, "attribution", "nf-content", f"attributed content · {row}"))
    if frame_hits is not None:
        for r in frame_hits.itertuples(index=False):
            spans.append(Span(int(r.start), int(r.end), "frame", "nf-frame",
                              f"frame {r.frame}: term \u201c{r.term}\u201d, weight {_val(r, 'weight')}"))
    if mentions is not None:
        for r in mentions.itertuples(index=False):
            conf = _val(r, "confidence", None)
            spans.append(Span(int(r.start), int(r.end), "actor", "nf-actor",
                              f"actor {r.actor_name} ({_val(r, 'actor_type')}) · mention {r.mention_id} as "
                              f"{_val(r, 'kind')}, {_val(r, 'function')}"
                              + (f" · confidence {float(conf):.2f}" if conf is not None else "")))
    return spans


def mark_up(text: str, spans: list[Span]) -> str:
    """``text`` as escaped HTML with ``spans`` as nested ``<span class title>`` elements.

    The text is cut at every span boundary; each piece is wrapped, outermost first in :data:`LAYERS` order,
    in one element per layer covering it (several spans of one layer on the same piece share an element
    and their hover texts). Spans outside the text are clipped.
    """
    n = len(text)
    spans = [Span(max(0, s.start), min(n, s.end), s.layer, s.css, s.title) for s in spans
             if s.end > s.start and s.start < n and s.end > 0]
    cuts = sorted({0, n, *(s.start for s in spans), *(s.end for s in spans)})
    order = {layer: i for i, layer in enumerate(LAYERS)}
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        piece = _e(text[a:b])
        active = [s for s in spans if s.start <= a and s.end >= b]
        by_class: dict[str, list[Span]] = {}
        for s in sorted(active, key=lambda s: (order.get(s.layer, len(order)), s.css)):
            by_class.setdefault(s.css, []).append(s)
        opening = "".join(f'<span class="{_e(css)}" title="{_e(chr(10).join(dict.fromkeys(s.title for s in group)))}">'
                          for css, group in by_class.items())
        out.append(opening + piece + "</span>" * len(by_class))
    return "".join(out)


def reader_html(documents: pd.DataFrame, *, sentences: pd.DataFrame | None = None,
                mentions: pd.DataFrame | None = None, frame_hits: pd.DataFrame | None = None,
                attributions: pd.DataFrame | None = None, sentiment: pd.DataFrame | None = None,
                doc_id: str | None = None) -> str:
    """The reader view of one document as a self-contained HTML fragment (styles included, no script).

    Parameters
    ----------
    documents
        The ``documents`` table (its ``text`` is what every offset points into).
    sentences, mentions, frame_hits, attributions, sentiment
        newsframe tables; any may be ``None`` (its layer is then left out).
    doc_id
        Document to show (default: the first).

    Raises
    ------
    NewsframeError
        ``doc_id`` is not in ``documents``.
    """
    if documents.empty:
        raise NewsframeError("no document to show")
    doc_id = doc_id or str(documents["doc_id"].iloc[0])
    doc = documents[documents["doc_id"] == doc_id]
    if doc.empty:
        raise NewsframeError(f"no document {doc_id!r}")
    text = str(doc["text"].iloc[0])

    def _only(df: pd.DataFrame | None) -> pd.DataFrame | None:
        return None if df is None else df[df["doc_id"] == doc_id]

    spans = spans_for(sentences=_only(sentences), mentions=_only(mentions), frame_hits=_only(frame_hits),
                      attributions=_only(attributions), sentiment=_only(sentiment))
    present = [layer for layer in LAYERS if any(s.layer == layer for s in spans)]
    uid = "nf" + hashlib.sha1(f"{doc_id}\0{text}".encode("utf-8")).hexdigest()[:8]
    controls = []
    for layer in present:
        box = f"{uid}-{layer}"
        controls.append(f'<input type="checkbox" id="{box}" class="nf-t-{layer}" checked>'
                        f'<label for="{box}"><span class="nf-key {_KEY_CLASS[layer]}">'
                        f"{_e(LAYER_LABELS[layer])}</span></label>")
    counts = {layer: sum(1 for s in spans if s.layer == layer) for layer in present}
    summary = ", ".join(f"{counts[layer]} {LAYER_LABELS[layer].split(' (')[0]}" for layer in present) or "no highlights"
    legend_note = ('<span class="nf-key nf-pos">positive</span> / <span class="nf-key nf-neg">negative</span> '
                   "sentence tint; hover any highlight for the row behind it; untick a box to hide its layer."
                   if present else "")
    return (f'<div class="nf-reader" id="{uid}"><style>{_CSS}</style>'
            f'<div class="nf-legend">{legend_note}<br></div>'
            + "".join(controls)
            + f'<p class="nf-legend">{_e(summary)}</p>'
            + f'<div class="nf-text">{mark_up(text, spans)}</div></div>')
