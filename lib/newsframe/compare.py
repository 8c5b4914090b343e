"""Comparisons for the corpus notebook (06): articles side by side, and outlets, periods or metadata groups.

*Units.* :func:`compare_units` and :func:`compare_measures` put articles side by side (for a single
article, its paragraphs: how the story moves from lead to background).

*Groups.* :func:`corpus_tables` gives the stage tables of a corpus, read from a tables folder written by
``newsframe tables`` (``OUT/<table>/part-*.parquet``, ``OUT/<table>.parquet`` or ``.csv``) or analysed
in-process; :func:`frames_by`, :func:`quoted_by`, :func:`naming_by` and :func:`keyness_by` turn the
per-group measures of :mod:`newsframe.groups` and :mod:`newsframe.dfm` into the notebook's tables.

Every measure is read from the stage tables, so the comparison never disagrees with the per-article
reports. A stage table that cannot be built is reported as missing rather than failing the comparison.
The figures live in :mod:`newsframe.plots` (re-exported here for older notebooks).
"""
from __future__ import annotations

from typing import Any

from pathlib import Path
from typing import Callable, Iterable, Sequence

import pandas as pd

from . import config, schema
from .errors import NewsframeError
from .plots import plot_confusion, plot_measure_heatmap, plot_units  # noqa: F401 - moved to plots, kept here

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


# -- corpus: tables from a folder or in-process ------------------------------------------------------------

# The team-written demo corpus the corpus notebook reads when given no input (two outlets, eight articles;
# its expected results, worked out by hand, are in tests/fixtures/corpus/).
DEMO_CORPUS = config.SEEDS_DIR / "corpus_demo.jsonl"
# Stage tables the corpus notebook reads (``roles`` once the roles stage exists; missing ones are noted).
CORPUS_TABLES = ("documents", "sentences", "paragraphs", "tokens", "mentions", "actors", "sentiment", "tone",
                 "actor_sentiment", "frames_generic", "frames_policy", "frame_hits", "attributions", "labels",
                 "hedges", "roles")
# Tables :func:`newsframe.groups.measure_documents` turns into per-group measures.
MEASURED_TABLES = ("frames_generic", "frames_policy", "tone", "sentiment", "actors", "actor_sentiment",
                   "attributions", "labels", "hedges", "roles")


class TableSet:
    """Stage tables by name, loaded on first use, with the same ``table()`` access as an Analysis.

    Parameters
    ----------
    loader
        ``loader(name) -> DataFrame``; raises :class:`NewsframeError` for a table it cannot give.
    description
        Where the tables come from (for notes and titles).
    """

    def __init__(self, loader: Callable[[str], pd.DataFrame], *, description: str) -> None:
        self._loader = loader
        self._tables: dict[str, pd.DataFrame] = {}
        self._missing: dict[str, str] = {}
        self.description = description

    def table(self, name: str) -> pd.DataFrame:
        """The table ``name``; :class:`NewsframeError` when it cannot be read or built."""
        if name in self._missing:
            raise NewsframeError(self._missing[name])
        if name not in self._tables:
            try:
                self._tables[name] = self._loader(name)
            except NewsframeError as exc:
                self._missing[name] = str(exc)
                raise
            except Exception as exc:  # noqa: BLE001 - a stage bug is reported as a missing table
                self._missing[name] = f"{name}: could not be built ({type(exc).__name__}: {exc})"
                raise NewsframeError(self._missing[name]) from None
        return self._tables[name]

    __getitem__ = table

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or name not in CORPUS_TABLES:
            raise AttributeError(name)
        return self.table(name)

    def get(self, name: str) -> pd.DataFrame | None:
        """The table, or ``None`` when it is missing (the reason goes to :attr:`notes`)."""
        try:
            return self.table(name)
        except NewsframeError:
            return None

    def available(self, names: Iterable[str] = MEASURED_TABLES) -> dict[str, pd.DataFrame]:
        """The tables among ``names`` that can be had, by name (``documents`` always included)."""
        out = {"documents": self.table("documents")}
        for name in names:
            frame = self.get(name)
            if frame is not None:
                out[name] = frame
        return out

    @property
    def notes(self) -> list[str]:
        """Why each missing table is missing."""
        return list(self._missing.values())

    @property
    def text(self) -> dict[str, str]:
        docs = self.table("documents")
        return dict(zip(docs["doc_id"], docs["text"])) if "text" in docs.columns else {}


def read_table(tables_path: str | Path, name: str, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read one table from a tables folder: an engine output (through :func:`newsframe.open_tables`),
    ``<name>/part-*.parquet`` partitions, ``<name>.parquet`` or ``<name>.csv`` (``newsframe tables --format``).

    Raises
    ------
    NewsframeError
        The folder holds no such table.
    """
    folder = Path(tables_path)
    from .engine import MANIFEST, open_tables

    if (folder / MANIFEST).is_file():  # an engine output: its reader unifies the partitions' schemas
        tables = open_tables(folder)
        if name not in tables:
            raise NewsframeError(f"{folder}: no {name!r} table (run `newsframe tables` with it)")
        frame = tables[name].to_pandas(columns=columns)
        return frame
    parts = sorted((folder / name).glob("part-*.parquet")) if (folder / name).is_dir() else []
    if parts:
        return pd.concat([pd.read_parquet(p, columns=columns) for p in parts], ignore_index=True)
    if (folder / f"{name}.parquet").is_file():
        return pd.read_parquet(folder / f"{name}.parquet", columns=columns)
    if (folder / f"{name}.csv").is_file():
        frame = pd.read_csv(folder / f"{name}.csv", usecols=columns, keep_default_na=False,
                            na_values=[""], low_memory=False)
        if "doc_id" in frame.columns:
            frame["doc_id"] = frame["doc_id"].astype(str)
        return frame
    raise NewsframeError(f"{folder}: no {name!r} table (run `newsframe tables` with it)")


def corpus_tables(input_path: str = "", *, tables_path: str = "", **options) -> TableSet:
    """The stage tables of a corpus: read from ``tables_path`` when given, else analysed in-process.

    Parameters
    ----------
    input_path
        Corpus (folder, JSONL or CSV) or one article; ``""``: the bundled seed article. Ignored when
        ``tables_path`` is given.
    tables_path
        A folder written by ``newsframe tables`` (partitioned Parquet, Parquet or CSV files).
    options
        Stage options for the in-process analysis (lexicon paths, thresholds).

    Raises
    ------
    NewsframeError
        ``tables_path`` is not a folder, or it lacks the documents table.
    """
    if tables_path:
        folder = Path(tables_path).expanduser()
        if not folder.is_dir():
            raise NewsframeError(f"{folder}: no such tables folder")
        tables = TableSet(lambda name: read_table(folder, name), description=str(folder))
        tables.table("documents")  # fail early and clearly without it
        return tables
    from .render import load_corpus

    analysis = load_corpus(input_path, **options)

    def build(name: str) -> pd.DataFrame:
        return analysis.table(name)

    tables = TableSet(build, description=str(input_path or "the bundled seed article"))
    tables._tables.update({n: analysis.table(n) for n in ("documents", "paragraphs", "sentences", "tokens")})
    return tables


# -- corpus: tables for the notebook ------------------------------------------------------------------------

def _pct(x: float) -> str:
    return "" if x != x else f"{100 * x:.0f}%"


def frames_by(grouped: pd.DataFrame, *, by: str = "source", table: str = "frames_policy",
              measure: str = "present") -> pd.DataFrame:
    """Frames (rows) by group (columns): how many articles carry each frame, out of how many, and the share.

    Parameters
    ----------
    grouped
        :func:`newsframe.groups.aggregate_measures` grouped by ``by``.
    table, measure
        ``frames_policy``/``present`` (articles the frame is assigned to) or ``frames_generic``/
        ``frame_score`` (mean score).

    Returns
    -------
    pandas.DataFrame
        ``frame`` then one column per group: ``"3 of 4 (75%)"`` for ``present``, the mean (2 decimals)
        otherwise; frames carried by no article are left out.
    """
    g = grouped[(grouped["table"] == table) & (grouped["measure"] == measure)]
    if g.empty:
        return pd.DataFrame({"frame": []})
    if measure == "present":
        g = g.assign(cell=[f"{n:g} of {d:g} ({_pct(v)})" for n, d, v in zip(g["numerator"], g["denominator"],
                                                                          g["value"])])
    else:
        g = g.assign(cell=g["value"].round(2).astype(str))
    carried = g.groupby("key")["numerator"].sum()
    order = carried[carried > 0].sort_values(ascending=False, kind="stable").index
    wide = g.pivot(index="key", columns=by, values="cell").reindex(order).fillna("")
    wide.columns.name = None
    return wide.rename_axis("frame").reset_index()


def quoted_by(grouped: pd.DataFrame, *, by: str = "source", top: int = 10) -> pd.DataFrame:
    """Who gets quoted, by group: each speaker's attributed statements and share of the group's statements.

    Returns
    -------
    pandas.DataFrame
        ``speaker`` then one column per group (``"3 (50%)"``), the ``top`` speakers by statements overall.
    """
    g = grouped[(grouped["table"] == "attributions") & (grouped["measure"] == "speaker")]
    if g.empty:
        return pd.DataFrame({"speaker": []})
    g = g.assign(cell=[f"{n:g} ({_pct(v)})" for n, v in zip(g["numerator"], g["value"])])
    order = g.groupby("key")["numerator"].sum().sort_values(ascending=False, kind="stable").head(top).index
    wide = g.pivot(index="key", columns=by, values="cell").reindex(order).fillna("")
    wide.columns.name = None
    return wide.rename_axis("speaker").reset_index()


def naming_by(grouped: pd.DataFrame, *, by: str = "source") -> pd.DataFrame:
    """Naming choices by group: for each concept, the labels each group uses with their shares.

    Returns
    -------
    pandas.DataFrame
        ``concept`` then one column per group: ``"invasion 60%, fighting 40%"`` (most used first).
    """
    g = grouped[(grouped["table"] == "labels") & (grouped["measure"] == "label")]
    if g.empty:
        return pd.DataFrame({"concept": []})
    g = g.sort_values("value", ascending=False, kind="stable")
    cells = g.groupby(["scope", by], sort=True).apply(
        lambda part: ", ".join(f"{k} {_pct(v)}" for k, v in zip(part["key"], part["value"])), include_groups=False)
    wide = cells.unstack(by).fillna("")
    wide.columns.name = None
    return wide.rename_axis("concept").reset_index()


def keyness_by(tables: TableSet | dict, *, by: str = "source", target: str = "", measure: str = "chi2",
               min_count: int = 2) -> tuple[pd.DataFrame, str, str]:
    """Keyness of one group's words against all other documents (quanteda's ``textstat_keyness``).

    Parameters
    ----------
    tables
        A :class:`TableSet` or a dict with ``documents`` and ``tokens``.
    by
        Grouping key (``source``, ``bias``, ``week``, ...).
    target
        The target group; ``""``: the group with the most documents (ties: alphabetical).
    measure
        What orders the result: ``chi2``, ``g2`` or ``log_ratio``.
    min_count
        Leave out words with fewer occurrences in the whole corpus.

    Returns
    -------
    tuple
        The :func:`newsframe.dfm.keyness` frame, the target's label, and the reference's label.

    Raises
    ------
    NewsframeError
        Fewer than two groups, or an unknown target.
    """
    from . import dfm, groups

    documents = tables["documents"]
    grouping = groups.group_documents(documents, by=by)
    labels = grouping[by].value_counts()
    if len(labels) < 2:
        raise NewsframeError(f"keyness by {by!r} needs at least two groups; this corpus has "
                             f"{len(labels)} ({', '.join(map(str, labels.index))})")
    if not target:
        target = sorted(labels.index, key=lambda x: (-labels[x], x))[0]
    if target not in labels.index:
        raise NewsframeError(f"no group {target!r} in {by}: {', '.join(sorted(labels.index))}")
    matrix = dfm.dfm_terms(tables["tokens"], documents=documents, min_count=min_count)
    mask = grouping.set_index("doc_id").loc[list(matrix.documents), by].to_numpy() == target
    others = sorted(x for x in labels.index if x != target)
    reference = others[0] if len(others) == 1 else f"the other {len(others)} {by} groups"
    return dfm.keyness(matrix, mask, measure=measure), str(target), reference


def roles_by(tables: TableSet | dict, *, by: str = "source") -> pd.DataFrame | None:
    """How each group casts the same actor: :func:`newsframe.roles.compare_roles` (columns of
    ``schema.TABLES["role_comparison"]``) with the groups of :func:`newsframe.groups.group_documents`, or,
    without that function, the ``actor_role`` measures of :mod:`newsframe.groups` as a wide table;
    ``None`` without a roles table."""
    roles = tables.get("roles") if isinstance(tables, TableSet) else tables.get("roles")
    if roles is None or roles.empty:
        return None
    documents = tables["documents"]
    try:
        from .roles import compare_roles  # the roles engineer's comparison, once it exists
    except ImportError:
        compare_roles = None
    if compare_roles is not None:
        # compare_roles groups by a documents column: give it the group labels (periods, metadata fields)
        from . import groups

        labelled = documents.drop(columns=[by], errors="ignore").assign(doc_id=documents["doc_id"].astype(str))
        labelled = labelled.merge(groups.group_documents(documents, by=by), on="doc_id", how="left")
        return compare_roles(roles.assign(doc_id=roles["doc_id"].astype(str)), labelled, by=by)
    from . import groups

    g = groups.aggregate_measures(groups.measure_documents({"roles": roles}), documents, by=by)
    g = g[g["measure"] == "actor_role"]
    g = g.assign(cell=[f"{k} {_pct(v)}" for k, v in zip(g["key"], g["value"])])
    return (g.sort_values("value", ascending=False, kind="stable").groupby(["scope", by])["cell"]
            .agg(", ".join).unstack(by).fillna("").rename_axis("actor").reset_index())
