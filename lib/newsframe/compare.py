"""Side-by-side comparison of articles (or, for a single article, of its paragraphs) for notebook 06.

A *unit* is an article when the analysis holds several, else a paragraph of the one article: the same
measures then show how the story moves from lead to background. Every measure is read from the stage
tables (mentions, sentiment, tone, frame hits, attributions, hedges, labels), so the comparison never
disagrees with the per-article reports. A stage table that cannot be built is reported as missing rather
than failing the comparison.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from . import schema
from .errors import NewsframeError

# Paragraph comparison with fewer paragraphs than this says little; the notebook says so.
MIN_UNITS = 2


def comparison_unit(analysis: Any) -> str:
    """``"article"`` when the analysis holds several articles, else ``"paragraph"``."""
    return "article" if len(analysis.documents) > 1 else "paragraph"


def _table(analysis: Any, name: str) -> pd.DataFrame | None:
    # A stage may be missing or fail on odd input; the comparison shows what it can.
    try:
        return analysis.table(name)
    except NewsframeError:
        return None
    except Exception:  # noqa: BLE001 - a stage bug must not hide the other measures
        return None


def _unit_key(frame: pd.DataFrame, unit: str) -> pd.Series:
    return frame["doc_id"].astype(str) if unit == "article" else frame["paragraph_id"].astype(int).astype(str)


def _with_paragraph(frame: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    if "paragraph_id" in frame.columns:
        return frame
    return frame.merge(sentences[["doc_id", "sentence_id", "paragraph_id"]], on=["doc_id", "sentence_id"], how="left")


def compare_units(analysis: Any, *, top: int = 3) -> pd.DataFrame:
    """One row per article (or per paragraph of a single article) with the headline measures.

    Parameters
    ----------
    analysis
        A :class:`newsframe.Analysis`.
    top
        How many actors and policy frames to name per unit.

    Returns
    -------
    pandas.DataFrame
        Columns of ``schema.TABLES["comparison"]``.
    """
    unit = comparison_unit(analysis)
    docs, sents = analysis.documents, analysis.sentences
    if unit == "article":
        base = pd.DataFrame({"unit_id": docs["doc_id"].astype(str), "title": docs["title"].astype(str),
                             "n_words": docs["n_words"].astype(int), "n_sentences": docs["n_sentences"].astype(int)})
    else:
        paras = analysis.paragraphs
        words = sents.groupby("paragraph_id")["n_words"].sum()
        base = pd.DataFrame({"unit_id": paras["paragraph_id"].astype(int).astype(str),
                             "title": paras["text"].astype(str).str.slice(0, 80),
                             "n_words": paras["paragraph_id"].map(words).fillna(0).astype(int),
                             "n_sentences": paras["n_sentences"].astype(int)})
    base.insert(0, "unit", unit)
    out = base.set_index("unit_id")

    mentions = _table(analysis, "mentions")
    if mentions is not None and not mentions.empty:
        m = mentions.assign(_u=_unit_key(mentions, unit))
        out["n_mentions"] = m.groupby("_u").size()
        out["n_actors"] = m.groupby("_u")["actor_id"].nunique()
        named = m[~m["kind"].isin(["pronoun"])]
        out["top_actors"] = named.groupby("_u")["actor_name"].agg(
            lambda s: ", ".join(s.value_counts().head(top).index))
    sentiment = _table(analysis, "sentiment")
    if sentiment is not None and not sentiment.empty:
        s = sentiment.assign(_u=_unit_key(sentiment, unit))
        out["mean_compound"] = s.groupby("_u")["compound"].mean().round(3)
        out["pct_negative_sentences"] = (s.groupby("_u")["label"].apply(lambda x: (x == "negative").mean()) * 100).round(1)
    tone = _table(analysis, "tone")
    if tone is not None and not tone.empty:
        level = "document" if unit == "article" else "paragraph"
        t = tone[tone["level"] == level]
        out["tone"] = pd.Series(t["tone"].astype(float).round(2).values, index=t["id"].astype(str).values)
    hits = _table(analysis, "frame_hits")
    if hits is not None and not hits.empty:
        h = hits.assign(_u=_unit_key(hits, unit))
        out["top_policy_frames"] = h.groupby("_u").apply(
            lambda g: ", ".join(g.groupby("frame")["weight"].sum().sort_values(ascending=False).head(top).index),
            include_groups=False)
    attributions = _table(analysis, "attributions")
    if attributions is not None and not attributions.empty:
        a = _with_paragraph(attributions, sents)
        out["n_attributions"] = a.assign(_u=_unit_key(a, unit)).groupby("_u").size()
    hedges = _table(analysis, "hedges")
    if hedges is not None and not hedges.empty:
        hd = _with_paragraph(hedges, sents).assign(_u=lambda f: _unit_key(f, unit))
        g = hd.groupby("_u")[["n_hedges", "n_words"]].sum()
        out["hedges_per_100"] = (100 * g["n_hedges"] / g["n_words"].where(g["n_words"] > 0)).round(2)
    out = out.reset_index()
    for col, fill in (("n_mentions", 0), ("n_actors", 0), ("n_attributions", 0)):
        out[col] = out[col].fillna(fill).astype(int) if col in out else fill
    for col in ("top_actors", "top_policy_frames"):
        out[col] = out[col].fillna("") if col in out else ""
    for col in ("mean_compound", "pct_negative_sentences", "tone", "hedges_per_100"):
        if col not in out:
            out[col] = float("nan")
    return schema.conform(out, "comparison")


def compare_measures(analysis: Any) -> pd.DataFrame:
    """Long table of who and what each unit features: actor shares, policy-frame weights, labels chosen.

    Returns
    -------
    pandas.DataFrame
        Columns of ``schema.TABLES["comparison_measures"]``: unit, unit_id, measure (``actor``,
        ``policy_frame``, ``label``), key, value (share of the unit's mentions, weighted hits per 100
        words, occurrences).
    """
    unit = comparison_unit(analysis)
    sents = analysis.sentences
    rows: list[pd.DataFrame] = []
    mentions = _table(analysis, "mentions")
    if mentions is not None and not mentions.empty:
        m = mentions.assign(_u=_unit_key(mentions, unit))
        counts = m.groupby(["_u", "actor_name"]).size().rename("n").reset_index()
        counts["value"] = (counts["n"] / counts.groupby("_u")["n"].transform("sum")).round(3)
        rows.append(counts.assign(measure="actor", key=counts["actor_name"])[["_u", "measure", "key", "value"]])
    hits = _table(analysis, "frame_hits")
    if hits is not None and not hits.empty:
        h = hits.assign(_u=_unit_key(hits, unit))
        words = (analysis.documents.set_index(analysis.documents["doc_id"].astype(str))["n_words"] if unit == "article"
                 else sents.groupby(sents["paragraph_id"].astype(int).astype(str))["n_words"].sum())
        w = h.groupby(["_u", "frame"])["weight"].sum().reset_index()
        w["value"] = (100 * w["weight"] / w["_u"].map(words).clip(lower=1)).round(2)
        rows.append(w.assign(measure="policy_frame", key=w["frame"])[["_u", "measure", "key", "value"]])
    labels = _table(analysis, "labels")
    if labels is not None and not labels.empty:
        if unit == "article":
            lab = labels.assign(_u=labels["doc_id"].astype(str), value=labels["n"].astype(float))
        else:
            # labels carry sentence ids; count each occurrence in its sentence's paragraph
            exploded = labels.assign(sentence_id=labels["sentence_ids"].astype(str).str.split()).explode("sentence_id")
            exploded = exploded[exploded["sentence_id"].notna() & (exploded["sentence_id"] != "")]
            exploded["sentence_id"] = exploded["sentence_id"].astype(int)
            exploded = exploded.merge(sents[["doc_id", "sentence_id", "paragraph_id"]], on=["doc_id", "sentence_id"])
            lab = exploded.assign(_u=exploded["paragraph_id"].astype(int).astype(str), value=1.0)
        lab = lab.assign(key=lab["concept"].astype(str) + ": " + lab["label"].astype(str))
        lab = lab.groupby(["_u", "key"])["value"].sum().reset_index().assign(measure="label")
        rows.append(lab[["_u", "measure", "key", "value"]])
    if not rows:
        return schema.empty("comparison_measures")
    out = pd.concat(rows, ignore_index=True).rename(columns={"_u": "unit_id"})
    out.insert(0, "unit", unit)
    return schema.conform(out, "comparison_measures")


def naming_choices(analysis: Any) -> pd.DataFrame:
    """Which label each unit uses for each concept: a unit x concept table of the labels chosen.

    Returns
    -------
    pandas.DataFrame
        One row per unit, ``unit_id`` then one column per concept, cells listing the labels used (most
        frequent first); empty when no labels were found.
    """
    measures = compare_measures(analysis)
    lab = measures[measures["measure"] == "label"]
    if lab.empty:
        return pd.DataFrame({"unit_id": []})
    parts = lab["key"].str.split(": ", n=1, expand=True)
    lab = lab.assign(concept=parts[0], label=parts[1]).sort_values("value", ascending=False)
    wide = lab.groupby(["unit_id", "concept"])["label"].agg(", ".join).unstack("concept").fillna("")
    return wide.reset_index()


def plot_measure_heatmap(measures: pd.DataFrame, *, measure: str = "actor", top: int = 12,
                         title: str | None = None) -> go.Figure:
    """Heat map of one measure (actor share, policy-frame weight, label count) across units.

    Parameters
    ----------
    measures
        The ``comparison_measures`` table.
    measure
        ``actor``, ``policy_frame`` or ``label``.
    top
        Keys with the largest total across units, at most this many.
    """
    m = measures[measures["measure"] == measure]
    if m.empty:
        fig = go.Figure()
        fig.add_annotation(text=f"no {measure.replace('_', ' ')} data", showarrow=False, x=0.5, y=0.5,
                           xref="paper", yref="paper")
        return _layout(fig, title=title or f"{measure} by unit")
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


def plot_units(comparison: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Tone, mean sentence sentiment and hedges per 100 words per unit, side by side as grouped bars."""
    unit = comparison["unit"].iloc[0] if len(comparison) else "unit"
    fig = go.Figure()
    colours = ["#0072B2", "#D55E00", "#009E73"]
    for col, label, colour in zip(("tone", "mean_compound", "hedges_per_100"),
                                  ("tone (GDELT-style, % pos - % neg)", "mean VADER compound x 10",
                                   "hedges per 100 words"), colours):
        values = comparison[col].astype(float) * (10 if col == "mean_compound" else 1)
        fig.add_bar(x=comparison["unit_id"].astype(str), y=values, name=label, marker_color=colour,
                    customdata=comparison[["title"]].astype(str).values,
                    hovertemplate=f"{unit} %{{x}}: %{{customdata[0]}}<br>{label}: %{{y:.2f}}<extra></extra>")
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=unit, type="category")
    return _layout(fig, title=title or f"Tone, sentiment and hedging by {unit}")


def plot_confusion(confusion: pd.DataFrame, *, title: str = "Gold actors against our actor ids") -> go.Figure:
    """Heat map of a gold confusion table (gold actors as rows, our ids as columns, counts as cells).

    A clean result is one bright cell per row and per column; a row split over columns means one gold
    actor got several of our ids, a column over rows means we merged actors. ``(none)`` collects misses.
    """
    if confusion.empty:
        fig = go.Figure()
        fig.add_annotation(text="nothing to compare", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        return _layout(fig, title=title)
    fig = go.Figure(go.Heatmap(
        z=confusion.values, x=[str(c) for c in confusion.columns], y=[str(i) for i in confusion.index],
        colorscale="Blues", colorbar=dict(title="mentions"),
        hovertemplate="gold %{y}<br>ours %{x}<br>%{z} mention(s)<extra></extra>"))
    fig.update_xaxes(title="our actor id", type="category", tickangle=-45)
    fig.update_yaxes(title="gold actor", type="category", autorange="reversed")
    return _layout(fig, title=title, height=max(360, 80 + 26 * len(confusion)))


def _layout(fig: go.Figure, *, title: str, height: int | None = None) -> go.Figure:
    # The shared look from newsframe.plots, without reaching into its private helper.
    fig.update_layout(template="plotly_white", title=title, margin=dict(l=60, r=30, t=60, b=50),
                      **({"height": height} if height else {}))
    return fig
