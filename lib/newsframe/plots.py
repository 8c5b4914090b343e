"""Plotly figures for the notebooks and reports. Every function takes tables and returns a ``go.Figure``.

Figures carry their evidence in hover text (sentence ids, matched words) so a reader can trace each mark.
Sections below belong to the pipeline stages; shared helpers come first.
"""
from __future__ import annotations

import plotly.graph_objects as go

# Colour-blind-safe qualitative palette (Okabe & Ito 2008), used across all figures for consistency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
SENTIMENT_COLOURS = {"negative": "#D55E00", "neutral": "#999999", "positive": "#0072B2"}


def _layout(fig: go.Figure, *, title: str, height: int | None = None) -> go.Figure:
    """Apply the shared look: white template, title, compact margins."""
    fig.update_layout(template="plotly_white", title=title, margin=dict(l=60, r=30, t=60, b=50),
                      **({"height": height} if height else {}))
    return fig


# --- overview (explore) ----------------------------------------------------------------------------
def _overview_ids(values, limit: int = 30) -> str:
    """Sentence ids for hover text, shortened when there are many."""
    values = list(values)
    shown = " ".join(str(v) for v in values[:limit])
    return shown + (f" … (+{len(values) - limit})" if len(values) > limit else "")


def _overview_wrap(text: str, width: int = 80) -> str:
    import textwrap

    return "<br>".join(textwrap.wrap(" ".join(str(text).split()), width)) or " "


def plot_term_frequencies(term_frequencies, tokens=None, *, top: int = 25,
                          title: str = "Most frequent words") -> go.Figure:
    """Horizontal bars of the ``top`` terms of :func:`newsframe.explore.term_frequencies`.

    Parameters
    ----------
    term_frequencies
        The frame from :func:`~newsframe.explore.term_frequencies`.
    tokens
        The ``tokens`` table; when given, the hover lists the sentences where each term occurs.
    top
        Number of terms shown, most frequent at the top.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    tf = term_frequencies.head(top).iloc[::-1]
    where = {}
    if tokens is not None and not tf.empty:
        multi = tokens["doc_id"].nunique() > 1
        for term, forms in zip(tf["term"], tf["forms"]):
            hits = tokens.loc[tokens["lower"].isin(str(forms).split()), ["doc_id", "sentence_id"]].drop_duplicates()
            ids = (f"{d}:{s}" for d, s in zip(hits["doc_id"], hits["sentence_id"])) if multi else hits["sentence_id"]
            where[term] = _overview_ids(ids)
    hover = [f"<b>{t}</b><br>{n} times, {p:g} per 1,000 words, in {d} document(s)<br>forms: {f}"
             + (f"<br>sentences: {where[t]}" if t in where else "")
             for t, n, p, d, f in zip(tf["term"], tf["n"], tf["per_1000"], tf["n_docs"], tf["forms"])]
    fig = go.Figure(go.Bar(x=tf["n"], y=tf["term"], orientation="h", marker_color=PALETTE[0],
                           hovertext=hover, hoverinfo="text"))
    fig.update_xaxes(title="occurrences")
    fig.update_yaxes(type="category")
    return _layout(fig, title=title, height=max(300, 22 * len(tf) + 120))


def plot_dispersion(dispersion, *, title: str = "Where the terms fall (lexical dispersion)") -> go.Figure:
    """A lexical dispersion ("x-ray") plot: one row per term (per document), a tick at each occurrence.

    Parameters
    ----------
    dispersion
        The frame from :func:`newsframe.explore.dispersion`. The x axis is the relative position in the
        document (0 = first word, 1 = last), so documents of different length line up.

    Returns
    -------
    plotly.graph_objects.Figure
        Hover shows the occurrence, its sentence id and word position.
    """
    multi = dispersion["doc_id"].nunique() > 1
    fig = go.Figure()
    terms = list(dict.fromkeys(dispersion["term"]))
    for i, term in enumerate(terms):
        rows = dispersion.loc[dispersion["term"] == term]
        labels = [f"{d} · {term}" for d in rows["doc_id"]] if multi else [term] * len(rows)
        fig.add_trace(go.Scatter(
            x=rows["relative"], y=labels, mode="markers", name=term,
            marker=dict(symbol="line-ns-open", size=22, line=dict(width=2), color=PALETTE[i % len(PALETTE)]),
            hovertext=[f"<b>{t}</b> ({d})<br>sentence {s}, word {p}" for t, d, s, p in
                       zip(rows["text"], rows["doc_id"], rows["sentence_id"], rows["position"])],
            hoverinfo="text"))
    n_rows = len({(d, t) for d, t in zip(dispersion["doc_id"], dispersion["term"])}) if multi else len(terms)
    fig.update_xaxes(title="position in the document (0 = start, 1 = end)", range=[-0.02, 1.02])
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_layout(showlegend=False)
    return _layout(fig, title=title, height=max(250, 45 * n_rows + 120))


def plot_sentence_lengths(sentences, *, doc_id: str | None = None,
                          title: str = "Words per sentence") -> go.Figure:
    """Bars of words per sentence in document order, paragraphs in alternating colours, mean as a line.

    Parameters
    ----------
    sentences
        The ``sentences`` table.
    doc_id
        The document to show (default: the first).

    Returns
    -------
    plotly.graph_objects.Figure
        Hover shows the sentence id, paragraph and text.
    """
    doc = doc_id if doc_id is not None else (sentences["doc_id"].iloc[0] if len(sentences) else None)
    s = sentences.loc[sentences["doc_id"] == doc]
    colours = [PALETTE[0] if p % 2 else PALETTE[5] for p in s["paragraph_id"]]
    fig = go.Figure(go.Bar(
        x=s["sentence_id"], y=s["n_words"], marker_color=colours,
        hovertext=[f"<b>sentence {i}</b> (paragraph {p}), {n} words<br>{_overview_wrap(t)}"
                   for i, p, n, t in zip(s["sentence_id"], s["paragraph_id"], s["n_words"], s["text"])],
        hoverinfo="text"))
    if len(s):
        mean = float(s["n_words"].mean())
        fig.add_hline(y=mean, line_dash="dash", line_color="#555555", annotation_text=f"mean {mean:.1f}")
    fig.update_xaxes(title="sentence", dtick=1 if len(s) <= 40 else None)
    fig.update_yaxes(title="words")
    return _layout(fig, title=title + (f" — {doc}" if sentences["doc_id"].nunique() > 1 else ""))


# --- actors ----------------------------------------------------------------------------------------
# Kinds of mention, in a fixed order and colour, so every actor figure reads the same way.
_ACTOR_KINDS = ["name", "surname", "alias", "title", "metonym", "group", "pronoun"]
_ACTOR_KIND_COLOURS = dict(zip(_ACTOR_KINDS, PALETTE))


def _actors_doc(frame, doc_id: str | None):
    """Rows of one document (the first when ``doc_id`` is None): the actor figures show one article."""
    if frame is None or frame.empty or "doc_id" not in frame.columns:
        return frame
    doc = doc_id if doc_id is not None else frame["doc_id"].iloc[0]
    return frame[frame["doc_id"] == doc]


def _actors_wrap(text: str, width: int = 80) -> str:
    import textwrap

    return "<br>".join(textwrap.wrap(str(text), width)) if text else ""


def plot_mention_timeline(mentions, sentences=None, *, top: int = 12, doc_id: str | None = None,
                          include_modifiers: bool = False) -> go.Figure:
    """Dispersion plot: where each actor is mentioned across the article (one row per actor).

    Parameters
    ----------
    mentions
        The ``mentions`` table.
    sentences
        The ``sentences`` table; when given, hovering a mark shows its sentence.
    top
        Show the actors with the most mentions (most mentioned at the top).
    doc_id
        Document to show (default: the first).
    include_modifiers
        Also show modifier mentions ("Russian" in "Russian President").
    """
    m = _actors_doc(mentions, doc_id)
    if m is not None and not include_modifiers and not m.empty:
        m = m[m["function"] != "modifier"]
    fig = go.Figure()
    if m is None or m.empty:
        return _layout(fig, title="Mentions across the article (no actors found)")
    order = m.groupby("actor_name").size().sort_values(ascending=False).head(top).index.tolist()
    m = m[m["actor_name"].isin(order)]
    sent_text = {}
    if sentences is not None and not sentences.empty:
        s = _actors_doc(sentences, m["doc_id"].iloc[0])
        sent_text = dict(zip(s["sentence_id"], s["text"]))
    for kind in _ACTOR_KINDS:
        part = m[m["kind"] == kind]
        if part.empty:
            continue
        hover = [f"<b>{t}</b> → {n}<br>kind: {k}, {f}, confidence {c:.2f}<br>sentence {sid}"
                 + (f": {_actors_wrap(sent_text[sid])}" if sid in sent_text else "")
                 for t, n, k, f, c, sid in zip(part["text"], part["actor_name"], part["kind"], part["function"],
                                               part["confidence"], part["sentence_id"])]
        fig.add_trace(go.Scatter(
            x=part["sentence_id"], y=part["actor_name"], mode="markers", name=kind,
            marker=dict(symbol="line-ns-open", size=18, line=dict(width=3), color=_ACTOR_KIND_COLOURS[kind]),
            hovertext=hover, hoverinfo="text"))
    n_sent = int(max(sent_text) if sent_text else m["sentence_id"].max())
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(order)), title=None)
    fig.update_xaxes(title="sentence", range=[0.5, n_sent + 0.5], dtick=1 if n_sent <= 40 else None)
    return _layout(fig, title="Where each actor appears (one mark per mention, by kind)",
                   height=max(300, 40 * len(order) + 140))


def plot_actor_prominence(actors, *, top: int = 15, doc_id: str | None = None) -> go.Figure:
    """Bars of mentions per actor: named mentions and other references (pronouns, groups) stacked.

    Parameters
    ----------
    actors
        The ``actors`` table.
    top
        How many actors to show (most mentioned at the top).
    doc_id
        Document to show (default: the first).
    """
    a = _actors_doc(actors, doc_id)
    fig = go.Figure()
    if a is None or a.empty:
        return _layout(fig, title="Actor prominence (no actors found)")
    a = a.sort_values(["n_mentions", "first_sentence"], ascending=[False, True]).head(top).iloc[::-1]
    hover = [f"<b>{n}</b> ({t})<br>{m} mentions, {nn} named, {s:.0%} of all<br>first in sentence {f}"
             f"{' (lead)' if lead else ''}; in {ns} sentences; spread {sp:.2f}"
             for n, t, m, nn, s, f, lead, ns, sp in zip(
                 a["actor_name"], a["actor_type"], a["n_mentions"], a["n_named"], a["share"],
                 a["first_sentence"], a["in_lead"], a["n_sentences"], a["spread"])]
    fig.add_trace(go.Bar(y=a["actor_name"], x=a["n_named"], orientation="h", name="named",
                         marker_color=PALETTE[0], hovertext=hover, hoverinfo="text"))
    fig.add_trace(go.Bar(y=a["actor_name"], x=a["n_mentions"] - a["n_named"], orientation="h",
                         name="pronoun / group", marker_color=PALETTE[1], hovertext=hover, hoverinfo="text"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="mentions")
    return _layout(fig, title="Who appears most (named mentions and other references)",
                   height=max(300, 28 * len(a) + 140))


def plot_cooccurrence_network(cooccurrence, actors=None, *, min_sentences: int = 1, top: int = 20,
                              doc_id: str | None = None) -> go.Figure:
    """Network of actors that appear in the same sentence: a circle layout, line width = shared sentences.

    Parameters
    ----------
    cooccurrence
        The ``cooccurrence`` table.
    actors
        The ``actors`` table, to size nodes by mentions (else by the number of partners).
    min_sentences
        Draw an edge only for pairs sharing at least this many sentences.
    top
        Keep at most this many actors (most connected first).
    doc_id
        Document to show (default: the first).
    """
    import math

    co = _actors_doc(cooccurrence, doc_id)
    fig = go.Figure()
    if co is None or co.empty or (co["n_sentences"] >= min_sentences).sum() == 0:
        return _layout(fig, title="Who appears with whom (no actors share a sentence)")
    co = co[co["n_sentences"] >= min_sentences]
    degree: dict[str, int] = {}
    names: dict[str, str] = {}
    for a, b, na, nb, n in zip(co["actor_a"], co["actor_b"], co["name_a"], co["name_b"], co["n_sentences"]):
        degree[a] = degree.get(a, 0) + int(n)
        degree[b] = degree.get(b, 0) + int(n)
        names[a], names[b] = na, nb
    size = dict(degree)
    if actors is not None and not actors.empty:
        act = _actors_doc(actors, co["doc_id"].iloc[0])
        size.update({k: int(v) for k, v in zip(act["actor_id"], act["n_mentions"]) if k in size})
    nodes = sorted(degree, key=lambda k: (-degree[k], names[k]))[:top]
    pos = {k: (math.cos(2 * math.pi * i / len(nodes)), math.sin(2 * math.pi * i / len(nodes)))
           for i, k in enumerate(nodes)}
    widest = max(int(n) for n in co["n_sentences"])
    for a, b, na, nb, n, sids in zip(co["actor_a"], co["actor_b"], co["name_a"], co["name_b"],
                                     co["n_sentences"], co["sentence_ids"]):
        if a not in pos or b not in pos:
            continue
        (x0, y0), (x1, y1) = pos[a], pos[b]
        fig.add_trace(go.Scatter(
            x=[x0, (x0 + x1) / 2, x1], y=[y0, (y0 + y1) / 2, y1], mode="lines",
            line=dict(width=1 + 5 * int(n) / widest, color="rgba(0,114,178,0.45)"), showlegend=False,
            hovertext=f"{na} + {nb}: {n} shared sentence(s): {sids}", hoverinfo="text"))
    biggest = max(size[k] for k in nodes)
    fig.add_trace(go.Scatter(
        x=[pos[k][0] for k in nodes], y=[pos[k][1] for k in nodes], mode="markers+text",
        text=[names[k] for k in nodes], textposition="top center", showlegend=False,
        marker=dict(size=[12 + 28 * size[k] / biggest for k in nodes], color=PALETTE[1],
                    line=dict(width=1, color="#333")),
        hovertext=[f"<b>{names[k]}</b><br>{size[k]} mentions; shares {degree[k]} sentence(s) with others"
                   for k in nodes], hoverinfo="text"))
    fig.update_xaxes(visible=False, range=[-1.4, 1.4])
    fig.update_yaxes(visible=False, range=[-1.3, 1.35], scaleanchor="x")
    return _layout(fig, title="Who appears with whom (same sentence)", height=560)


def plot_actions(actions, *, doc_id: str | None = None) -> go.Figure:
    """A table view of the actions: who does what to whom, sentence by sentence.

    Parameters
    ----------
    actions
        The ``actions`` table.
    doc_id
        Document to show (default: the first).
    """
    a = _actors_doc(actions, doc_id)
    cols = ["sentence", "actor", "verb", "lemma", "target", "evidence"]
    if a is None or a.empty:
        values = [[] for _ in cols]
    else:
        values = [a["sentence_id"], a["actor_name"], a["verb"], a["lemma"], a["target_name"], a["evidence"]]
    fig = go.Figure(go.Table(
        columnwidth=[60, 140, 110, 80, 140, 420],
        header=dict(values=[f"<b>{c}</b>" for c in cols], fill_color="#E8EEF4", align="left"),
        cells=dict(values=values, align="left", height=24)))
    return _layout(fig, title="What each actor does (grammatical subject, verb, target)",
                   height=max(300, 30 * (0 if a is None else len(a)) + 140))


# --- sentiment -------------------------------------------------------------------------------------
# Imports kept inside this section so the shared file's header stays untouched by stage owners.
import pandas as pd  # noqa: E402


def _sentiment_wrap(text: str, width: int = 80) -> str:
    """Wrap hover text at word boundaries with ``<br>`` (plotly hover boxes do not wrap)."""
    import textwrap

    return "<br>".join(textwrap.wrap(str(text), width)) if text else ""


def _sentiment_doc(frame: pd.DataFrame, doc_id: str | None) -> str:
    from .errors import NewsframeError

    if frame.empty:
        raise NewsframeError("nothing to plot: the table is empty")
    ids = list(dict.fromkeys(frame["doc_id"]))
    if doc_id is None:
        return ids[0]
    if doc_id not in ids:
        raise NewsframeError(f"unknown doc_id {doc_id!r}; known: {', '.join(map(str, ids[:10]))}")
    return doc_id


def plot_sentiment_arc(sentiment: pd.DataFrame, sentences: pd.DataFrame, *, doc_id: str | None = None,
                       show_textblob: bool = True) -> go.Figure:
    """VADER compound per sentence across the article, with paragraph bands and the evidence in hover.

    Parameters
    ----------
    sentiment
        The ``sentiment`` table.
    sentences
        The ``sentences`` table (for the text shown on hover).
    doc_id
        Which document (default: the first).
    show_textblob
        Also draw TextBlob's polarity as a dotted line, to see where the methods part.
    """
    doc = _sentiment_doc(sentiment, doc_id)
    s = sentiment[sentiment["doc_id"] == doc].merge(
        sentences.loc[sentences["doc_id"] == doc, ["sentence_id", "text"]], on="sentence_id", how="left")
    hover = [f"<b>sentence {sid}</b> (paragraph {pid}) · {lab} {c:+.3f}<br>{_sentiment_wrap(t)}"
             f"<br><i>evidence:</i> {_sentiment_wrap(ev or 'no valence words', 90)}"
             for sid, pid, lab, c, t, ev in zip(s["sentence_id"], s["paragraph_id"], s["label"], s["compound"],
                                                 s["text"].fillna(""), s["evidence"])]
    fig = go.Figure()
    # Alternate shaded bands mark paragraphs so shifts in tone can be read against the article's structure.
    for k, (pid, g) in enumerate(s.groupby("paragraph_id", sort=True)):
        fig.add_vrect(x0=g["sentence_id"].min() - 0.5, x1=g["sentence_id"].max() + 0.5,
                      fillcolor="#000000" if k % 2 else "#ffffff", opacity=0.05, line_width=0,
                      annotation_text=f"¶{pid}", annotation_position="top left",
                      annotation_font_size=10, layer="below")
    fig.add_hline(y=0.05, line_dash="dot", line_color=SENTIMENT_COLOURS["positive"], opacity=0.4)
    fig.add_hline(y=-0.05, line_dash="dot", line_color=SENTIMENT_COLOURS["negative"], opacity=0.4)
    fig.add_trace(go.Scatter(
        x=s["sentence_id"], y=s["compound"], mode="lines+markers", name="VADER compound",
        line=dict(color="#555555", width=1),
        marker=dict(size=9, color=[SENTIMENT_COLOURS.get(lab, "#999999") for lab in s["label"]]),
        hovertext=hover, hoverinfo="text"))
    if show_textblob and "textblob_polarity" in s and s["textblob_polarity"].notna().any():
        fig.add_trace(go.Scatter(
            x=s["sentence_id"], y=s["textblob_polarity"], mode="lines", name="TextBlob polarity",
            line=dict(color=PALETTE[1], dash="dot"), hovertemplate="sentence %{x}: TextBlob %{y:+.3f}<extra></extra>"))
    fig.update_xaxes(title="sentence", dtick=1 if len(s) <= 40 else None)
    fig.update_yaxes(title="sentiment (-1..1)", range=[-1.05, 1.05], zeroline=True)
    return _layout(fig, title="Sentiment arc: VADER compound per sentence (bands = paragraphs)")


def plot_tone_by_paragraph(tone: pd.DataFrame, *, doc_id: str | None = None) -> go.Figure:
    """GDELT-style tone per paragraph: positive % up, negative % down, tone as a line; words on hover.

    Parameters
    ----------
    tone
        The ``tone`` table.
    doc_id
        Which document (default: the first).
    """
    doc = _sentiment_doc(tone, doc_id)
    t = tone[(tone["doc_id"] == doc) & (tone["level"] == "paragraph")]
    whole = tone[(tone["doc_id"] == doc) & (tone["level"] == "document")]
    x = [f"¶{i}" for i in t["id"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=t["positive_pct"], name="positive %", marker_color=SENTIMENT_COLOURS["positive"],
                         hovertext=[f"{p:.1f}% positive of {n} words<br>{_sentiment_wrap(w)}" for p, n, w in
                                    zip(t["positive_pct"], t["word_count"], t["positive_words"])],
                         hoverinfo="text"))
    fig.add_trace(go.Bar(x=x, y=-t["negative_pct"], name="negative %", marker_color=SENTIMENT_COLOURS["negative"],
                         hovertext=[f"{p:.1f}% negative of {n} words<br>{_sentiment_wrap(w)}" for p, n, w in
                                    zip(t["negative_pct"], t["word_count"], t["negative_words"])],
                         hoverinfo="text"))
    fig.add_trace(go.Scatter(x=x, y=t["tone"], name="tone (pos - neg)", mode="lines+markers",
                             line=dict(color="#000000"), hovertemplate="%{x}: tone %{y:+.2f}<extra></extra>"))
    if not whole.empty:
        fig.add_hline(y=float(whole["tone"].iloc[0]), line_dash="dash", line_color="#555555",
                      annotation_text=f"article tone {float(whole['tone'].iloc[0]):+.2f}",
                      annotation_position="bottom right")
    lexicon = t["lexicon"].iloc[0] if len(t) else ""
    fig.update_layout(barmode="relative")
    fig.update_xaxes(title="paragraph")
    fig.update_yaxes(title=f"% of words ({lexicon} lexicon)")
    return _layout(fig, title="Tone by paragraph (GDELT-style: % positive - % negative words)")


def plot_method_agreement(sentiment: pd.DataFrame, sentences: pd.DataFrame | None = None) -> go.Figure:
    """VADER compound against TextBlob polarity, one point per sentence; colour = whether the labels agree.

    Parameters
    ----------
    sentiment
        The ``sentiment`` table (with TextBlob columns).
    sentences
        Optional ``sentences`` table, for the text on hover.
    """
    from .sentiment import label_for

    s = sentiment.dropna(subset=["compound", "textblob_polarity"])
    if sentences is not None:
        s = s.merge(sentences[["doc_id", "sentence_id", "text"]], on=["doc_id", "sentence_id"], how="left")
    else:
        s = s.assign(text="")
    tb_label = [label_for(p) for p in s["textblob_polarity"]]
    agree = [a == b for a, b in zip(s["label"], tb_label)]
    fig = go.Figure()
    fig.add_shape(type="line", x0=-1, y0=-1, x1=1, y1=1, line=dict(color="#999999", dash="dot"))
    for flag, name, colour in ((True, "labels agree", PALETTE[2]), (False, "labels differ", PALETTE[3])):
        mask = [a == flag for a in agree]
        part = s[mask]
        labels = [t for t, m in zip(tb_label, mask) if m]
        fig.add_trace(go.Scatter(
            x=part["compound"], y=part["textblob_polarity"], mode="markers", name=name,
            marker=dict(size=10, color=colour, line=dict(width=1, color="#ffffff")),
            hovertext=[f"<b>{d} · sentence {sid}</b><br>VADER {c:+.3f} ({lab}) · TextBlob {p:+.3f} ({tl})"
                       f"<br>{_sentiment_wrap(t)}" for d, sid, c, lab, p, tl, t in
                       zip(part["doc_id"], part["sentence_id"], part["compound"], part["label"],
                           part["textblob_polarity"], labels, part["text"].fillna(""))],
            hoverinfo="text"))
    n = len(s)
    r = s["compound"].corr(s["textblob_polarity"]) if n > 1 else float("nan")
    share = sum(agree) / n if n else float("nan")
    fig.update_xaxes(title="VADER compound", range=[-1.05, 1.05])
    fig.update_yaxes(title="TextBlob polarity", range=[-1.05, 1.05])
    return _layout(fig, title=f"Method agreement: r = {r:.2f}, same label for {share:.0%} of {n} sentences")


def plot_actor_tone(actor_sentiment: pd.DataFrame, *, top: int = 15, doc_id: str | None = None) -> go.Figure:
    """Mean sentiment toward each actor (left) and how many mentions fell in each label (right).

    Parameters
    ----------
    actor_sentiment
        The ``actor_sentiment`` table (one row per mention).
    top
        Show the actors with the most mentions, at most this many.
    doc_id
        Only this document (default: all documents pooled).
    """
    from plotly.subplots import make_subplots

    _sentiment_doc(actor_sentiment, doc_id)  # refuses an empty table or an unknown doc_id
    a = actor_sentiment if doc_id is None else actor_sentiment[actor_sentiment["doc_id"] == doc_id]
    stats = (a.groupby(["actor_id", "actor_name"], sort=False)
             .agg(mean=("score", "mean"), n=("score", "size"), first=("mention_id", "min")).reset_index())
    counts = pd.crosstab(a["actor_id"], a["label"]).reindex(columns=["negative", "neutral", "positive"], fill_value=0)
    stats = stats.sort_values(["n", "first"], ascending=[False, True]).head(top).iloc[::-1]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.55, 0.45], horizontal_spacing=0.03,
                        subplot_titles=("mean score toward the actor", "mentions by label"))
    fig.add_trace(go.Bar(
        y=stats["actor_name"], x=stats["mean"], orientation="h", name="mean score", showlegend=False,
        marker_color=[SENTIMENT_COLOURS["positive"] if m >= 0.05 else SENTIMENT_COLOURS["negative"] if m <= -0.05
                      else SENTIMENT_COLOURS["neutral"] for m in stats["mean"]],
        hovertemplate="%{y}: mean %{x:+.2f} over %{customdata} mentions<extra></extra>", customdata=stats["n"]),
        row=1, col=1)
    for label in ["negative", "neutral", "positive"]:
        fig.add_trace(go.Bar(
            y=stats["actor_name"], x=[int(counts.at[i, label]) if i in counts.index else 0 for i in stats["actor_id"]],
            orientation="h", name=label, marker_color=SENTIMENT_COLOURS[label],
            hovertemplate="%{y}: %{x} " + label + " mentions<extra></extra>"), row=1, col=2)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(range=[-1.05, 1.05], row=1, col=1, title="score (-1..1)")
    fig.update_xaxes(title="mentions", row=1, col=2)
    return _layout(fig, title="Sentiment toward each actor", height=max(300, 60 + 28 * len(stats)))


# --- frames and attribution ------------------------------------------------------------------------

# (generic frames, policy frames, certainty: D1)
FRAME_COLOURS = {"conflict": PALETTE[3], "responsibility": PALETTE[0], "human_interest": PALETTE[4],
                 "economic": PALETTE[2], "morality": PALETTE[1]}
CERTAINTY_COLOURS = {"hedged": "#D55E00", "neutral": "#BBBBBB", "assertive": "#0072B2"}


def _frames_wrap(text: str, width: int = 90, max_lines: int = 14) -> str:
    import textwrap

    lines = textwrap.wrap(str(text), width) if text else []
    if len(lines) > max_lines:  # hover boxes taller than the chart are unreadable
        lines = lines[:max_lines] + ["…"]
    return "<br>".join(lines)


def _frames_doc(frame, doc_id: str | None) -> str:
    from .errors import NewsframeError

    if frame.empty:
        raise NewsframeError("nothing to plot: the table is empty")
    ids = list(dict.fromkeys(frame["doc_id"]))
    if doc_id is None:
        return ids[0]
    if doc_id not in ids:
        raise NewsframeError(f"unknown doc_id {doc_id!r}; known: {', '.join(map(str, ids[:10]))}")
    return doc_id


def plot_generic_frames(frames_generic, *, doc_id: str | None = None) -> go.Figure:
    """Scorecard of the five generic news frames: score bars and one dot per coding-sheet question.

    Left, each frame's score (mean of its yes/no items); right, the items, filled when answered yes and
    hollow when no. Hover on a dot shows the question, the answer and its evidence (sentences and words).

    Parameters
    ----------
    frames_generic
        The ``frames_generic`` table.
    doc_id
        The document to draw (default: the first one in the table).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from plotly.subplots import make_subplots

    doc = _frames_doc(frames_generic, doc_id)
    g = frames_generic[frames_generic["doc_id"] == doc]
    scores = g.drop_duplicates("frame").set_index("frame")["frame_score"].astype(float)
    order = list(scores.sort_values(kind="stable").index)  # highest score drawn at the top
    labels = {f: f.replace("_", " ") for f in order}
    fig = make_subplots(rows=1, cols=2, column_widths=[0.35, 0.65], shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=("frame score (share of items answered yes)", "coding-sheet items"))
    fig.add_trace(go.Bar(
        x=[scores[f] for f in order], y=[labels[f] for f in order], orientation="h",
        marker_color=[FRAME_COLOURS.get(f, PALETTE[7]) for f in order], text=[f"{scores[f]:.2f}" for f in order],
        textposition="outside", showlegend=False, hoverinfo="text",
        hovertext=[f"<b>{labels[f]}</b>: {int(g[g.frame == f]['answer'].sum())} of {int((g.frame == f).sum())} "
                   f"items yes" for f in order]), row=1, col=1)
    for f in order:
        items = g[g["frame"] == f].reset_index(drop=True)
        colour = FRAME_COLOURS.get(f, PALETTE[7])
        hover = [f"<b>{r.item}</b> {_frames_wrap(r.question, 80)}<br><b>{'yes' if r.answer else 'no'}</b>"
                 + (f"<br>{_frames_wrap(r.evidence)}" if r.answer else "") for r in items.itertuples()]
        fig.add_trace(go.Scatter(
            x=list(range(1, len(items) + 1)), y=[labels[f]] * len(items), mode="markers+text",
            text=list(items["item"]), textposition="top center", showlegend=False, hoverinfo="text",
            hovertext=hover,
            marker=dict(size=22, color=[colour if a else "white" for a in items["answer"]],
                        line=dict(color=colour, width=2))), row=1, col=2)
    fig.update_xaxes(range=[0, 1.15], row=1, col=1)
    fig.update_xaxes(visible=False, range=[0.4, 5.6], row=1, col=2)
    return _layout(fig, title="Generic news frames (Semetko & Valkenburg 2000): filled dot = yes, hover for "
                   "evidence", height=120 + 70 * len(order))


def plot_policy_frames_heatmap(frame_hits, paragraphs, *, frames_policy=None, doc_id: str | None = None,
                               all_frames: bool = False) -> go.Figure:
    """Policy frames by paragraph: weighted lexicon hits as a heat map, matched words on hover.

    Parameters
    ----------
    frame_hits
        The ``frame_hits`` table (:func:`newsframe.frames.policy_frame_hits`).
    paragraphs
        The ``paragraphs`` table (the columns of the map).
    frames_policy
        The ``frames_policy`` table; when given, rows follow its scores and frames assigned to the article
        are marked with a check mark.
    doc_id
        The document to draw (default: the first one in ``paragraphs``).
    all_frames
        Show all 14 frames, not only those with a hit.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from .frames import POLICY_FRAMES

    doc = _frames_doc(paragraphs, doc_id)
    pids = [int(p) for p in paragraphs.loc[paragraphs["doc_id"] == doc, "paragraph_id"]]
    hits = frame_hits[frame_hits["doc_id"] == doc] if not frame_hits.empty else frame_hits
    present: set[str] = set()
    if frames_policy is not None and not frames_policy.empty:
        fp = frames_policy[frames_policy["doc_id"] == doc]
        order = list(fp["frame"])
        present = set(fp.loc[fp["present"].astype(bool), "frame"])
    else:
        totals = hits.groupby("frame")["weight"].sum() if not hits.empty else {}
        order = sorted(POLICY_FRAMES, key=lambda f: -float(totals.get(f, 0.0)))
    shown = [f for f in order if all_frames or f in present or (not hits.empty and f in set(hits["frame"]))]
    z, hover = [], []
    for f in shown:
        fh = hits[hits["frame"] == f] if not hits.empty else hits
        row_z, row_h = [], []
        for p in pids:
            ph = fh[fh["paragraph_id"] == p] if not fh.empty else fh
            w = float(ph["weight"].sum()) if not ph.empty else 0.0
            row_z.append(w)
            words = ", ".join(dict.fromkeys(ph["text"].str.lower())) if not ph.empty else "no hits"
            row_h.append(f"<b>{f}</b><br>paragraph {p}: weight {w:g}<br>{_frames_wrap(words, 70)}")
        z.append(row_z)
        hover.append(row_h)
    ylabels = [("✓ " if f in present else "") + f.replace("_", " ") for f in shown]
    fig = go.Figure(go.Heatmap(z=z, x=[f"¶{p}" for p in pids], y=ylabels, colorscale="Blues", zmin=0,
                               hoverinfo="text", hovertext=hover, colorbar=dict(title="weighted<br>hits")))
    fig.update_yaxes(autorange="reversed")
    if not shown:
        fig.add_annotation(text="no policy-frame terms found", showarrow=False, x=0.5, y=0.5, xref="paper",
                           yref="paper")
    return _layout(fig, title="Policy frames by paragraph (✓ = assigned to the article)",
                   height=160 + 28 * max(len(shown), 3))


def plot_certainty_strip(hedges, sentences=None, *, doc_id: str | None = None) -> go.Figure:
    """Certainty across the article: one bar per sentence, below zero hedged, above zero assertive.

    Parameters
    ----------
    hedges
        The ``hedges`` table.
    sentences
        The ``sentences`` table; when given, hover shows the sentence and paragraph starts are marked.
    doc_id
        The document to draw (default: the first one in the table).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    doc = _frames_doc(hedges, doc_id)
    h = hedges[hedges["doc_id"] == doc]
    texts: dict[int, str] = {}
    starts: list[int] = []
    if sentences is not None and not sentences.empty:
        s = sentences[sentences["doc_id"] == doc]
        texts = dict(zip(s["sentence_id"].astype(int), s["text"]))
        first = s.groupby("paragraph_id")["sentence_id"].min()
        starts = [int(v) for v in first if int(v) > 1]
    kind = ["hedged" if c < 0 else ("assertive" if c > 0 else "neutral") for c in h["certainty"]]
    hover = []
    for r in h.itertuples():
        parts = [f"<b>s{r.sentence_id}</b> certainty {r.certainty:+.1f} per 100 words",
                 f"{r.n_hedges} hedge(s), {r.n_boosters} booster(s), {r.n_conditionals} conditional(s)"
                 + (", a question" if r.is_question else "")]
        if r.evidence:
            parts.append(_frames_wrap(r.evidence, 80))
        if int(r.sentence_id) in texts:
            parts.append("<i>" + _frames_wrap(texts[int(r.sentence_id)], 80) + "</i>")
        hover.append("<br>".join(parts))
    fig = go.Figure(go.Bar(x=h["sentence_id"], y=h["certainty"], marker_color=[CERTAINTY_COLOURS[k] for k in kind],
                           hoverinfo="text", hovertext=hover, showlegend=False))
    # Zero-certainty sentences get a thin tick so the strip shows every sentence.
    fig.add_trace(go.Scatter(x=h["sentence_id"], y=[0] * len(h), mode="markers", hoverinfo="text",
                             hovertext=hover, showlegend=False,
                             marker=dict(symbol="line-ew-open", size=8, color="#999999")))
    for x in starts:
        fig.add_vline(x=x - 0.5, line=dict(color="#DDDDDD", width=1, dash="dot"))
    n = int(h["sentence_id"].max()) if len(h) else 1
    fig.update_xaxes(title="sentence (dotted lines: paragraph starts)", range=[0.4, n + 0.6],
                     dtick=1 if n <= 40 else None)
    fig.update_yaxes(title="certainty per 100 words", zeroline=True, zerolinecolor="#666666")
    return _layout(fig, title="Certainty across the article (below zero: hedged; above: assertive)", height=360)



# (attribution graph: kept at the end of this section)
# Speech-act classes in the shared palette: statements blue, demands vermillion, commitments green,
# approval/disapproval purple, rejections orange.
VERB_CLASS_COLOURS = {"assertive": PALETTE[0], "directive": PALETTE[3], "commissive": PALETTE[2],
                      "expressive": PALETTE[4], "rejection": PALETTE[1]}


def _attribution_act(row) -> str:
    content = str(row.content) if isinstance(row.content, str) and row.content else ""
    if len(content) > 90:
        content = content[:87].rsplit(" ", 1)[0] + "…"
    quote = f" “{content}”" if content and row.mode == "direct" else (f": {content}" if content else "")
    return f"s{row.sentence_id} <b>{row.cue}</b>{quote}"


def plot_attribution_graph(attributions: pd.DataFrame, *, doc_id: str | None = None) -> go.Figure:
    """Who speaks to whom: speakers and addressees as nodes, speech acts as arrows coloured by verb class.

    Acts addressed to another actor are arrows (width grows with the number of acts); acts without an
    addressee ("Zelensky announced ...") are small coloured dots beside their speaker. Hover shows each
    act's sentence, cue and content.

    Parameters
    ----------
    attributions
        The ``attributions`` table.
    doc_id
        The document to draw (default: the first one in the table).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import math

    frame = attributions[attributions["doc_id"] == _sentiment_doc(attributions, doc_id)] \
        if not attributions.empty else attributions
    fig = go.Figure()
    if frame.empty:
        fig.add_annotation(text="no speech acts found", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        return _layout(fig, title="Who says what to whom")
    names: dict[str, str] = {}
    for ids, nm in (("speaker_id", "speaker_name"), ("addressee_id", "addressee_name")):
        for i, n in zip(frame[ids], frame[nm]):
            if isinstance(i, str) and i:
                names.setdefault(i, str(n))
    n_acts = frame.groupby("speaker_id").size()
    order = sorted(names, key=lambda i: (-int(n_acts.get(i, 0)), names[i]))
    # Nodes on a circle, the most active speaker at the top; one actor sits in the middle.
    pos = {}
    for k, actor in enumerate(order):
        angle = math.pi / 2 - 2 * math.pi * k / max(len(order), 1)
        pos[actor] = (0.0, 0.0) if len(order) == 1 else (math.cos(angle), math.sin(angle))

    directed = frame[frame["addressee_id"].notna() & (frame["addressee_id"] != frame["speaker_id"])]
    for (spk, adr, cls), acts in directed.groupby(["speaker_id", "addressee_id", "verb_class"], sort=False):
        (x0, y0), (x1, y1) = pos[spk], pos[adr]
        # Pull ends back from the node centres and shift each class sideways so parallel arrows stay apart.
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        shift = 0.04 * (list(VERB_CLASS_COLOURS).index(cls) - 2) if cls in VERB_CLASS_COLOURS else 0.0
        ox, oy = -uy * shift, ux * shift
        sx, sy, ex, ey = x0 + ux * 0.12 + ox, y0 + uy * 0.12 + oy, x1 - ux * 0.12 + ox, y1 - uy * 0.12 + oy
        colour = VERB_CLASS_COLOURS.get(cls, "#999999")
        fig.add_annotation(x=ex, y=ey, ax=sx, ay=sy, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                           arrowhead=3, arrowsize=1.2, arrowwidth=1.5 + len(acts), arrowcolor=colour, opacity=0.85)
        hover = (f"<b>{names[spk]} → {names[adr]}</b> ({cls}, {len(acts)})<br>"
                 + "<br>".join(_sentiment_wrap(_attribution_act(r), 90) for r in acts.itertuples()))
        fig.add_trace(go.Scatter(x=[(sx + ex) / 2], y=[(sy + ey) / 2], mode="markers", showlegend=False,
                                 marker=dict(size=14, color=colour, opacity=0.25), hoverinfo="text",
                                 hovertext=[hover]))

    undirected = frame[~frame.index.isin(directed.index)]
    for spk, acts in undirected.groupby("speaker_id", sort=False):
        x0, y0 = pos[spk]
        r = math.hypot(x0, y0)
        bx, by = (x0 / r, y0 / r) if r else (0.0, 1.0)
        for j, (cls, group) in enumerate(acts.groupby("verb_class", sort=False)):
            # Dots fan out beyond the node, away from the centre of the circle.
            angle = math.atan2(by, bx) + (j - (acts["verb_class"].nunique() - 1) / 2) * 0.45
            hover = (f"<b>{names[spk]}</b> ({cls}, no addressee)<br>"
                     + "<br>".join(_sentiment_wrap(_attribution_act(r), 90) for r in group.itertuples()))
            fig.add_trace(go.Scatter(
                x=[x0 + 0.22 * math.cos(angle)], y=[y0 + 0.22 * math.sin(angle)], mode="markers+text",
                text=[str(len(group))], textfont=dict(color="white", size=10), showlegend=False,
                marker=dict(size=12 + 4 * len(group), color=VERB_CLASS_COLOURS.get(cls, "#999999")),
                hoverinfo="text", hovertext=[hover]))

    node_hover = []
    for actor in order:
        mine = frame[frame["speaker_id"] == actor]
        heard = frame[frame["addressee_id"] == actor]
        node_hover.append(f"<b>{names[actor]}</b><br>speaks in {len(mine)} act(s), addressed in {len(heard)}")
    fig.add_trace(go.Scatter(
        x=[pos[a][0] for a in order], y=[pos[a][1] for a in order], mode="markers+text", showlegend=False,
        text=[names[a] for a in order], hoverinfo="text", hovertext=node_hover,
        # Labels face the centre of the circle; the act dots sit on the outside.
        textposition=["bottom center" if pos[a][1] > 0.3 else "top center" if pos[a][1] < -0.3
                      else "middle right" if pos[a][0] < 0 else "middle left" for a in order],
        marker=dict(size=[18 + 4 * int(n_acts.get(a, 0)) for a in order], color="#FFFFFF",
                    line=dict(color="#333333", width=2))))
    for cls, colour in VERB_CLASS_COLOURS.items():
        if cls in set(frame["verb_class"]):
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=cls,
                                     marker=dict(size=12, color=colour, symbol="square")))
    fig.update_xaxes(visible=False, range=[-1.45, 1.45])
    fig.update_yaxes(visible=False, range=[-1.35, 1.35])
    fig.update_layout(legend=dict(title="verb class", orientation="h", y=-0.05))
    return _layout(fig, title="Who says what to whom: speakers, addressees and speech acts", height=620)


# --- corpus: comparison, groups, keyness (corpus engineer) ------------------------------------------
# Moved here from newsframe.compare (which re-exports them) so every figure lives in this module.
def _corpus_empty(text: str, title: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title=title)


def plot_measure_heatmap(measures, *, measure: str = "actor", top: int = 12, title: str | None = None) -> go.Figure:
    """Heat map of one measure (actor share, policy-frame weight, label count) across units.

    Parameters
    ----------
    measures
        The ``comparison_measures`` table (:func:`newsframe.compare.compare_measures`).
    measure
        ``actor``, ``policy_frame`` or ``label``.
    top
        Keys with the largest total across units, at most this many.
    """
    m = measures[measures["measure"] == measure]
    if m.empty:
        return _corpus_empty(f"no {measure.replace('_', ' ')} data", title or f"{measure} by unit")
    keys = m.groupby("key")["value"].sum().sort_values(ascending=False).head(top).index
    grid = m[m["key"].isin(keys)].pivot_table(index="key", columns="unit_id", values="value", aggfunc="sum",
                                               fill_value=0)
    grid = grid.loc[list(keys)]
    cols = sorted(grid.columns, key=lambda c: (len(c), c) if str(c).isdigit() else (0, c))
    grid = grid[cols]
    unit = measures["unit"].iloc[0]
    what = {"actor": "share of mentions", "policy_frame": "weighted hits per 100 words", "label": "occurrences"}
    fig = go.Figure(go.Heatmap(
        z=grid.values, x=[str(c) for c in grid.columns], y=list(grid.index), colorscale="Blues",
        colorbar=dict(title=what.get(measure, "value")),
        hovertemplate=f"{unit} %{{x}}<br>%{{y}}<br>{what.get(measure, 'value')}: %{{z}}<extra></extra>"))
    fig.update_xaxes(title=unit, type="category")
    return _layout(fig, title=title or f"{measure.replace('_', ' ').capitalize()} by {unit}",
                   height=max(320, 40 + 28 * len(grid)))


def plot_units(comparison, *, title: str | None = None) -> go.Figure:
    """Tone, mean sentence sentiment and hedges per 100 words per unit, side by side as grouped bars."""
    unit = comparison["unit"].iloc[0] if len(comparison) else "unit"
    fig = go.Figure()
    for col, label, colour in zip(("tone", "mean_compound", "hedges_per_100"),
                                  ("tone (GDELT-style, % pos - % neg)", "mean VADER compound x 10",
                                   "hedges per 100 words"), (PALETTE[0], PALETTE[3], PALETTE[2])):
        values = comparison[col].astype(float) * (10 if col == "mean_compound" else 1)
        fig.add_bar(x=comparison["unit_id"].astype(str), y=values, name=label, marker_color=colour,
                    customdata=comparison[["title"]].astype(str).values,
                    hovertemplate=f"{unit} %{{x}}: %{{customdata[0]}}<br>{label}: %{{y:.2f}}<extra></extra>")
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=unit, type="category")
    return _layout(fig, title=title or f"Tone, sentiment and hedging by {unit}")


def plot_confusion(confusion, *, title: str = "Gold actors against our actor ids") -> go.Figure:
    """Heat map of a gold confusion table (gold actors as rows, our ids as columns, counts as cells).

    A clean result is one bright cell per row and per column; a row split over columns means one gold
    actor got several of our ids, a column over rows means we merged actors. ``(none)`` collects misses.
    """
    if confusion.empty:
        return _corpus_empty("nothing to compare", title)
    fig = go.Figure(go.Heatmap(
        z=confusion.values, x=[str(c) for c in confusion.columns], y=[str(i) for i in confusion.index],
        colorscale="Blues", colorbar=dict(title="mentions"),
        hovertemplate="gold %{y}<br>ours %{x}<br>%{z} mention(s)<extra></extra>"))
    fig.update_xaxes(title="our actor id", type="category", tickangle=-45)
    fig.update_yaxes(title="gold actor", type="category", autorange="reversed")
    return _layout(fig, title=title, height=max(360, 80 + 26 * len(confusion)))


def _corpus_is_share(grouped) -> bool:
    # Shares and "articles with the frame" read as percentages; scores, tones and rates as plain numbers.
    from .groups import measure_kind

    if not len(grouped):
        return False
    table, measure = grouped["table"].iloc[0], grouped["measure"].iloc[0]
    return measure == "present" or (measure_kind(table, measure) == "share" and measure != "per_100_words")


def plot_group_heatmap(grouped, *, by: str = "source", table: str = "frames_policy", measure: str = "present",
                       scope: str | None = None, top: int = 14, title: str | None = None) -> go.Figure:
    """Heat map of one measure across groups: keys as rows, groups as columns, counts and shares in each cell.

    Parameters
    ----------
    grouped
        The frame from :func:`newsframe.groups.aggregate_measures` (or ``group_tables``) grouped by ``by``.
    by
        The grouping column to spread across the columns.
    table, measure, scope
        Which measure to draw (see :data:`newsframe.groups.MEASURES`); ``scope`` picks one concept or actor.
    top
        Keys with the largest total numerator, at most this many.

    Returns
    -------
    plotly.graph_objects.Figure
        Cells show the value (a percentage for shares) and the count behind it; hover adds the number of
        documents the value is computed over.
    """
    g = grouped[(grouped["table"] == table) & (grouped["measure"] == measure)]
    if scope is not None:
        g = g[g["scope"] == scope]
    name = f"{table.replace('_', ' ')}: {measure.replace('_', ' ')}"
    if g.empty or by not in g.columns:
        return _corpus_empty(f"no {name} to show", title or f"{name} by {by}")
    label = g["key"].astype(str) if scope is not None or (g["scope"] == "").all() else \
        g["scope"].astype(str) + ": " + g["key"].astype(str)
    g = g.assign(_row=label)
    rows = g.groupby("_row")["numerator"].sum().sort_values(ascending=False).head(top).index.tolist()
    cols = sorted(g[by].astype(str).unique())
    share = _corpus_is_share(g)
    z, text, hover = [], [], []
    index = {(r, c): row for r, c, row in zip(g["_row"], g[by].astype(str), g.itertuples())}
    for r in rows:
        zr, tr, hr = [], [], []
        for c in cols:
            row = index.get((r, c))
            if row is None:
                zr.append(0.0)
                tr.append("")
                hr.append(f"<b>{r}</b><br>{by} {c}: none")
                continue
            v = float(row.value) if row.value == row.value else 0.0
            zr.append(v)
            shown = f"{v:.0%}" if share else f"{v:.2g}"
            tr.append(f"{shown}<br>({row.numerator:g})" if share else shown)
            hr.append(f"<b>{r}</b><br>{by} {c}: {shown}<br>{row.numerator:g} / {row.denominator:g} {row.unit}"
                      f"<br>over {row.n_documents} of {row.n_documents_group} article(s); "
                      f"in {row.n_documents_key}")
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    fig = go.Figure(go.Heatmap(z=z, x=cols, y=rows, text=text, texttemplate="%{text}", hoverinfo="text",
                               hovertext=hover, colorscale="Blues", zmin=0,
                               colorbar=dict(title="share" if share else "value")))
    fig.update_xaxes(title=by, type="category", side="top")
    fig.update_yaxes(type="category", autorange="reversed")
    return _layout(fig, title=title or f"{name[0].upper() + name[1:]} by {by}", height=max(320, 120 + 34 * len(rows)))


def plot_over_time(grouped, *, period: str = "week", line: str | None = "source", table: str = "tone",
                   measure: str = "tone", keys: list[str] | None = None, title: str | None = None) -> go.Figure:
    """Lines of one measure over time, one line per group (or per key), with the articles behind each point.

    Parameters
    ----------
    grouped
        :func:`newsframe.groups.aggregate_measures` grouped by ``[line, period]`` (or ``period`` alone).
    period
        The period column (``day``, ``week``, ``month``, ``year``) on the x axis; ``(no date)`` is left out.
    line
        The column that makes one line per value (``source``); ``None``: one line per key.
    table, measure
        The measure to draw.
    keys
        Only these keys (actors, frames); default: every key when ``line`` is None, else the one key.

    Returns
    -------
    plotly.graph_objects.Figure
        Each point is labelled with the number of articles behind it; hover repeats it with the counts.
    """
    from .groups import NO_DATE

    g = grouped[(grouped["table"] == table) & (grouped["measure"] == measure)]
    name = f"{table.replace('_', ' ')}: {measure.replace('_', ' ')}"
    if period not in g.columns or g.empty:
        return _corpus_empty(f"no {name} over time", title or f"{name} by {period}")
    g = g[g[period] != NO_DATE]
    if keys is not None:
        g = g[g["key"].isin(keys)]
    if g.empty:
        return _corpus_empty("no dated articles", title or f"{name} by {period}")
    series = [c for c in (line,) if c and c in g.columns]
    if len(set(g["key"])) > 1:
        series.append("key")
    fig = go.Figure()
    parts = g.groupby(series, sort=True) if series else [("all", g)]
    for i, (label, part) in enumerate(parts):
        part = part.sort_values(period)
        shown = " · ".join(map(str, label)) if isinstance(label, tuple) else str(label)
        hover = [f"<b>{shown}</b><br>{period} {x}: {v:.3g}<br>{n} article(s); {num:g} / {den:g} {u}"
                 for x, v, n, num, den, u in zip(part[period], part["value"], part["n_documents"], part["numerator"],
                                                 part["denominator"], part["unit"])]
        fig.add_trace(go.Scatter(
            x=part[period], y=part["value"], mode="lines+markers+text", name=shown,
            text=[f"n={n}" for n in part["n_documents"]], textposition="top center",
            marker=dict(size=[8 + 2 * min(int(n), 10) for n in part["n_documents"]], color=PALETTE[i % len(PALETTE)]),
            line=dict(color=PALETTE[i % len(PALETTE)]), hoverinfo="text", hovertext=hover))
    fig.update_xaxes(title=f"{period} (n = articles behind each point)", type="category",
                     categoryorder="category ascending")
    fig.update_yaxes(title=measure.replace("_", " "))
    return _layout(fig, title=title or f"{name[0].upper() + name[1:]} by {period}")


def plot_keyness(keyness, *, top: int = 15, measure: str = "chi2", target: str = "target",
                 reference: str = "reference", title: str | None = None) -> go.Figure:
    """Keyness bars (quanteda's ``textplot_keyness``): the ``top`` features most key for the target and for
    the reference, signed statistic on the x axis.

    Parameters
    ----------
    keyness
        The frame from :func:`newsframe.dfm.keyness`.
    measure
        ``chi2``, ``g2`` or ``log_ratio``: the bar length.
    target, reference
        Names of the two sides for the legend.
    """
    if keyness.empty:
        return _corpus_empty("no features to compare", title or "Keyness")
    k = keyness.sort_values(measure, ascending=False, kind="stable")
    pos = k[k[measure] > 0].head(top)
    neg = k[k[measure] < 0].tail(top)
    fig = go.Figure()
    for part, name, colour in ((pos, target, PALETTE[0]), (neg, reference, PALETTE[3])):
        hover = [f"<b>{f}</b><br>{target}: {a:g} ({pa:.2f} per 1,000)<br>{reference}: {b:g} ({pb:.2f} per 1,000)"
                 f"<br>chi2 {c:+.2f} (p {pc:.3g}), G2 {g:+.2f}, log ratio {lr:+.2f}"
                 for f, a, b, pa, pb, c, pc, g, lr in zip(part["feature"], part["n_target"], part["n_reference"],
                                                        part["per_1000_target"], part["per_1000_reference"],
                                                        part["chi2"], part["p_chi2"], part["g2"], part["log_ratio"])]
        fig.add_trace(go.Bar(x=part[measure], y=part["feature"], orientation="h", name=name, marker_color=colour,
                             hoverinfo="text", hovertext=hover))
    fig.update_yaxes(type="category", categoryorder="array",
                     categoryarray=list(reversed(pos["feature"].tolist() + neg["feature"].tolist())))
    fig.update_xaxes(title={"chi2": "chi-squared (signed)", "g2": "log-likelihood G2 (signed)",
                            "log_ratio": "log2 ratio"}.get(measure, measure))
    return _layout(fig, title=title or f"Words that set {target} apart from {reference}",
                   height=max(320, 120 + 22 * (len(pos) + len(neg))))


# --- roles (narrative roles; newsframe.roles) ------------------------------------------------------
ROLE_COLOURS = {"hero": "#0072B2", "villain": "#D55E00", "victim": "#E69F00", "none": "#BBBBBB"}


def _roles_wrap(text: str, width: int = 90, max_lines: int = 10) -> str:
    import textwrap
    lines = [ln for part in str(text).split("; ") for ln in textwrap.wrap(part, width)] or [""]
    return "<br>".join(lines[:max_lines] + (["..."] if len(lines) > max_lines else []))


def plot_roles(roles: pd.DataFrame, role_evidence: pd.DataFrame | None = None, *, doc_id: str | None = None,
               top: int = 20, include_none: bool = False) -> go.Figure:
    """Actor x role chart: each actor's hero, villain and victim scores, the cues behind them on hover.

    Parameters
    ----------
    roles
        The ``roles`` table.
    role_evidence
        The ``role_evidence`` table, for the cues shown on hover (default: the ``cues`` column of ``roles``).
    doc_id
        Document to show (default: the first).
    top
        At most this many actors, strongest role score first.
    include_none
        Also show actors whose dominant role is ``none``.
    """
    doc = doc_id if doc_id is not None else (str(roles["doc_id"].iloc[0]) if not roles.empty else None)
    r = roles[roles["doc_id"] == doc] if doc is not None else roles
    if not include_none:
        r = r[r["role"] != "none"]
    r = r.assign(_best=r[["hero", "villain", "victim"]].max(axis=1)).sort_values("_best", ascending=False).head(top)
    r = r.iloc[::-1]
    roles_order = ["hero", "villain", "victim"]
    z = [[float(row[c]) for c in roles_order] for _, row in r.iterrows()]
    hover = []
    for _, row in r.iterrows():
        line = []
        for c in roles_order:
            if role_evidence is not None and not role_evidence.empty:
                ev = role_evidence[(role_evidence["doc_id"] == row["doc_id"]) & (role_evidence["actor_id"] == row["actor_id"])
                                   & (role_evidence["role"] == c)].sort_values("weight", ascending=False)
                cues = "; ".join(f"s{e.sentence_id} {e.source}: "
                                 + (f"{e.term} toward {e.text}" if e.source == "toward-sentiment" else str(e.text))
                                 + (f" [{e.fine_role}]" if e.fine_role else "") for e in ev.head(8).itertuples())
            else:
                cues = "; ".join(p for p in str(row["cues"]).split("; ") if p.startswith(c + ":"))
            star = " (dominant)" if row["role"] == c else ""
            line.append(f"<b>{row['actor_name']}</b>: {c} {row[c]:.2f}{star}"
                        + (f", fine role {row['fine_role']}" if star and row["fine_role"] else "")
                        + "<br>" + (_roles_wrap(cues) if cues else "no cue")
                        + ("<br><i>" + _roles_wrap(row["dominance"]) + "</i>" if star else ""))
        hover.append(line)
    fig = go.Figure(go.Heatmap(
        z=z, x=roles_order, y=[f"{n} ({role})" for n, role in zip(r["actor_name"], r["role"])],
        zmin=0, zmax=1, colorscale=[[0, "#FFFFFF"], [1, "#444444"]], colorbar=dict(title="score"),
        text=hover, hovertemplate="%{text}<extra></extra>", xgap=2, ygap=2))
    for k, c in enumerate(roles_order):  # outline each actor's dominant role in the role's colour
        ys = [f"{n} ({role})" for n, role in zip(r["actor_name"], r["role"]) if role == c]
        fig.add_trace(go.Scatter(x=[c] * len(ys), y=ys, mode="markers", name=c, hoverinfo="skip",
                                 marker=dict(symbol="square-open", size=26, color=ROLE_COLOURS[c],
                                             line=dict(width=3))))
    return _layout(fig, title="Narrative roles: who is cast as hero, villain, victim (hover for the cues)",
                   height=max(300, 80 + 32 * len(r)))


def plot_role_comparison(role_comparison: pd.DataFrame, *, top: int = 12) -> go.Figure:
    """How each outlet (or article) casts the same actors: share of articles per role, by group.

    Parameters
    ----------
    role_comparison
        The frame from :func:`newsframe.roles.compare_roles`.
    top
        At most this many actors (those cast in the most articles).
    """
    rc = role_comparison
    actors = (rc.groupby("actor_name")["n_docs"].sum().sort_values(ascending=False).head(top).index.tolist())
    rc = rc[rc["actor_name"].isin(actors)]
    labels = [f"{a} | {u}" for a, u in zip(rc["actor_name"], rc["unit_id"])]
    fig = go.Figure()
    for role in ("hero", "villain", "victim"):
        fig.add_trace(go.Bar(
            y=labels, x=rc[f"share_{role}"], orientation="h", name=role, marker_color=ROLE_COLOURS[role],
            customdata=list(zip(rc[f"n_{role}"], rc["n_docs"], rc["modal_role"])),
            hovertemplate="%{y}: " + role + " in %{customdata[0]} of %{customdata[1]} article(s); "
                          "modal role %{customdata[2]}<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(range=[0, 1], title="share of the group's articles")
    unit = str(rc["unit"].iloc[0]) if not rc.empty else "group"
    return _layout(fig, title=f"How each {unit} casts the same actor", height=max(300, 80 + 24 * len(rc)))
