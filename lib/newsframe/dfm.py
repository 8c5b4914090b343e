"""Document-feature matrices and keyness, after quanteda's ``dfm``, ``dfm_group`` and ``textstat_keyness``.

A :class:`DocumentFeatureMatrix` is a sparse (``scipy.sparse.csr_matrix``) documents x features count
matrix with its row names (doc ids, or group labels after :func:`dfm_group`) and column names (terms,
actors, frames, lexicon categories). Build one from the tokens (:func:`dfm_terms`), from any stage table
with a categorical column (:func:`dfm_table`: document x actor from ``mentions``, x frame from
``frame_hits``, x verb class from ``attributions``), or by looking terms up in a dictionary
(:func:`dfm_lookup`). :func:`keyness` compares a target group of documents with the rest, feature by
feature, with chi-squared and log-likelihood (G2) statistics and the log ratio as effect size.
:func:`write_dfm` exports triplets as Parquet and the matrix as Matrix Market with row and column name
files, which R reads with ``Matrix::readMM`` and ``readLines``.
"""
from __future__ import annotations

import fnmatch
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from .errors import NewsframeError


@dataclass(frozen=True)
class DocumentFeatureMatrix:
    """A sparse documents x features matrix of counts (or weights).

    Attributes
    ----------
    matrix
        ``scipy.sparse.csr_matrix`` of shape (documents, features), float64.
    documents
        Row names: doc ids, or group labels after :func:`dfm_group`.
    features
        Column names: terms, actors, frames, categories.
    """

    matrix: sparse.csr_matrix
    documents: tuple[str, ...]
    features: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.matrix.shape != (len(self.documents), len(self.features)):
            raise ValueError(f"matrix shape {self.matrix.shape} does not match {len(self.documents)} documents "
                             f"x {len(self.features)} features")

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def __repr__(self) -> str:
        nnz = self.matrix.nnz
        cells = max(1, self.shape[0] * self.shape[1])
        return (f"<DocumentFeatureMatrix {self.shape[0]} documents x {self.shape[1]} features, "
                f"{100 * (1 - nnz / cells):.1f}% sparse>")

    def to_frame(self) -> pd.DataFrame:
        """Non-zero cells as tidy triplets: ``doc_id, feature, count`` (document order, then feature)."""
        coo = self.matrix.tocoo()
        order = np.lexsort((coo.col, coo.row))
        return pd.DataFrame({"doc_id": np.asarray(self.documents, dtype=object)[coo.row[order]],
                             "feature": np.asarray(self.features, dtype=object)[coo.col[order]],
                             "count": coo.data[order]})

    def to_dense_frame(self) -> pd.DataFrame:
        """The whole matrix as a DataFrame (doc ids as index): only for small matrices."""
        return pd.DataFrame(self.matrix.toarray(), index=list(self.documents), columns=list(self.features))

    def feature_totals(self) -> pd.Series:
        """Total count of each feature over all documents, largest first."""
        totals = pd.Series(np.asarray(self.matrix.sum(axis=0)).ravel(), index=list(self.features))
        return totals.sort_values(ascending=False, kind="stable")


def _from_triplets(doc_ids: Sequence[str], features: Sequence[str], weights: Sequence[float], *,
                   documents: Sequence[str] | None = None) -> DocumentFeatureMatrix:
    docs = pd.Index(pd.unique(pd.Series(list(documents) if documents is not None else list(doc_ids), dtype=object)
                              .astype(str)))
    feats = pd.Index(sorted(set(map(str, features))))
    rows = docs.get_indexer(pd.Series(list(doc_ids), dtype=object).astype(str))
    cols = feats.get_indexer(pd.Series(list(features), dtype=object).astype(str))
    keep = rows >= 0  # rows of documents not asked for are dropped
    matrix = sparse.csr_matrix((np.asarray(weights, dtype=float)[keep], (rows[keep], cols[keep])),
                               shape=(len(docs), len(feats)))
    matrix.sum_duplicates()
    return DocumentFeatureMatrix(matrix, tuple(docs), tuple(feats))


def dfm_terms(tokens: pd.DataFrame, *, feature: str = "lower", remove_stopwords: bool = True,
              remove_punct: bool = True, remove_numbers: bool = True, min_count: int = 1, min_docs: int = 1,
              documents: pd.DataFrame | None = None) -> DocumentFeatureMatrix:
    """Document x term counts from the ``tokens`` table (quanteda's ``dfm(tokens(...))``).

    Parameters
    ----------
    tokens
        The ``tokens`` table.
    feature
        Token column to count: ``lower`` (default), ``stem`` or ``text``.
    remove_stopwords, remove_punct, remove_numbers
        Drop tokens flagged ``is_stop`` (data/stopwords.csv), ``is_punct``, or made of digits only.
    min_count, min_docs
        Keep terms with at least this many occurrences and in at least this many documents.
    documents
        The ``documents`` table: rows follow its order and documents without tokens get empty rows.

    Returns
    -------
    DocumentFeatureMatrix
        Features sorted alphabetically.
    """
    if feature not in tokens.columns:
        raise NewsframeError(f"tokens have no column {feature!r}: use lower, stem or text")
    keep = pd.Series(True, index=tokens.index)
    if remove_stopwords and "is_stop" in tokens.columns:
        keep &= ~tokens["is_stop"].astype(bool)
    if remove_punct and "is_punct" in tokens.columns:
        keep &= ~tokens["is_punct"].astype(bool)
    if remove_numbers:
        keep &= ~tokens["text"].astype(str).str.fullmatch(r"[\d.,:/%-]+")
    t = tokens.loc[keep]
    out = _from_triplets(t["doc_id"].astype(str), t[feature].astype(str), np.ones(len(t)),
                         documents=None if documents is None else documents["doc_id"].astype(str))
    return dfm_trim(out, min_count=min_count, min_docs=min_docs)


def dfm_table(table: pd.DataFrame, *, feature: str, weight: str | None = None,
              documents: pd.DataFrame | None = None) -> DocumentFeatureMatrix:
    """Document x category counts from any table with a ``doc_id`` and a categorical column.

    Examples: document x actor ``dfm_table(a.mentions, feature="actor_name")``; x policy frame
    ``dfm_table(a.frame_hits, feature="frame", weight="weight")``; x speech act
    ``dfm_table(a.attributions, feature="verb_class")``; x label ``dfm_table(a.labels, feature="label",
    weight="n")``.

    Parameters
    ----------
    table
        The table; rows with an empty feature are skipped.
    feature
        The column whose values become features.
    weight
        A numeric column to sum instead of counting rows.
    documents
        The ``documents`` table: rows follow its order, documents without rows get empty rows.
    """
    for col in ["doc_id", feature] + ([weight] if weight else []):
        if col not in table.columns:
            raise NewsframeError(f"table has no column {col!r}")
    t = table[table[feature].notna() & (table[feature].astype(str) != "")]
    weights = t[weight].astype(float).values if weight else np.ones(len(t))
    return _from_triplets(t["doc_id"].astype(str), t[feature].astype(str), weights,
                          documents=None if documents is None else documents["doc_id"].astype(str))


def dfm_lookup(dfm: DocumentFeatureMatrix, dictionary: Mapping[str, Iterable[str]] | pd.DataFrame) -> DocumentFeatureMatrix:
    """Document x dictionary category: sum the counts of each category's terms (quanteda's ``dfm_lookup``).

    Parameters
    ----------
    dfm
        A term matrix from :func:`dfm_terms`.
    dictionary
        ``{category: [terms]}`` or a DataFrame with ``category`` and ``term`` columns. Terms are matched
        case-insensitively against the features and may end in ``*`` (any ending) or use ``?``; a feature
        matching several terms of one category counts once for it.

    Returns
    -------
    DocumentFeatureMatrix
        Features are the categories, in the dictionary's order.
    """
    if isinstance(dictionary, pd.DataFrame):
        if not {"category", "term"} <= set(dictionary.columns):
            raise NewsframeError("a dictionary DataFrame needs 'category' and 'term' columns")
        items: dict[str, list[str]] = {}
        for c, term in zip(dictionary["category"].astype(str), dictionary["term"].astype(str)):
            items.setdefault(c, []).append(term)
    else:
        items = {str(c): [str(t) for t in terms] for c, terms in dictionary.items()}
    lower = [f.lower() for f in dfm.features]
    columns = []
    for terms in items.values():
        hit = np.zeros(len(lower), dtype=bool)
        for term in terms:
            pattern = term.lower()
            if any(ch in pattern for ch in "*?["):
                hit |= np.array([fnmatch.fnmatchcase(f, pattern) for f in lower], dtype=bool)
            else:
                hit |= np.array([f == pattern for f in lower], dtype=bool)
        columns.append(hit.astype(float))
    if not columns:
        raise NewsframeError("the dictionary has no categories")
    indicator = sparse.csr_matrix(np.column_stack(columns)) if lower else sparse.csr_matrix((0, len(columns)))
    return DocumentFeatureMatrix(sparse.csr_matrix(dfm.matrix @ indicator), dfm.documents, tuple(items))


def dfm_trim(dfm: DocumentFeatureMatrix, *, min_count: int = 1, min_docs: int = 1) -> DocumentFeatureMatrix:
    """Keep the features with at least ``min_count`` occurrences in at least ``min_docs`` documents."""
    counts = np.asarray(dfm.matrix.sum(axis=0)).ravel()
    docs = np.asarray((dfm.matrix > 0).sum(axis=0)).ravel()
    keep = np.flatnonzero((counts >= min_count) & (docs >= min_docs))
    return DocumentFeatureMatrix(sparse.csr_matrix(dfm.matrix[:, keep]), dfm.documents,
                                 tuple(dfm.features[i] for i in keep))


def dfm_group(dfm: DocumentFeatureMatrix, groups: Mapping[str, str] | pd.Series | pd.DataFrame, *,
              by: str | None = None) -> DocumentFeatureMatrix:
    """Sum the rows of the documents of each group (quanteda's ``dfm_group``).

    Parameters
    ----------
    dfm
        The matrix.
    groups
        The group of each document: a mapping or Series doc id -> label, or a frame from
        :func:`newsframe.groups.group_documents` (then ``by`` names its column; default: the only one).
        Documents without a group are left out.

    Returns
    -------
    DocumentFeatureMatrix
        One row per group, labels sorted.
    """
    if isinstance(groups, pd.DataFrame):
        cols = [c for c in groups.columns if c != "doc_id"]
        column = by or (cols[0] if len(cols) == 1 else None)
        if column is None or column not in groups.columns:
            raise NewsframeError(f"dfm_group: say which column to group by ({', '.join(cols)})")
        mapping = dict(zip(groups["doc_id"].astype(str), groups[column].astype(str)))
    else:
        mapping = {str(k): str(v) for k, v in dict(groups).items()}
    labels = [mapping.get(d) for d in dfm.documents]
    names = pd.Index(sorted({x for x in labels if x is not None}))
    rows = names.get_indexer([x if x is not None else "\0" for x in labels])
    keep = np.flatnonzero(rows >= 0)
    indicator = sparse.csr_matrix((np.ones(len(keep)), (rows[keep], keep)), shape=(len(names), len(labels)))
    return DocumentFeatureMatrix(sparse.csr_matrix(indicator @ dfm.matrix), tuple(names), dfm.features)


# -- keyness ------------------------------------------------------------------------------------------------

KEYNESS_COLUMNS = ["feature", "n_target", "n_reference", "per_1000_target", "per_1000_reference", "chi2",
                   "p_chi2", "g2", "p_g2", "log_ratio", "rank"]


def keyness(dfm: DocumentFeatureMatrix, target: str | Iterable[str] | np.ndarray, *, measure: str = "chi2",
            correction: str = "none", min_count: int = 1) -> pd.DataFrame:
    """Which features set the target documents apart from the rest (quanteda's ``textstat_keyness``).

    Each feature gets a 2x2 table: its count in the target (``a``) and in the reference (``b``), and the
    counts of every other feature in the target (``c``) and the reference (``d``). With ``N = a+b+c+d`` and
    expected counts ``E = row total x column total / N``:

    * ``chi2`` = sum (O - E)^2 / E (Pearson); with ``correction="yates"``,
      ``N (|ad - bc| - N/2)^2 / ((a+b)(c+d)(a+c)(b+d))`` (0 when ``|ad - bc| < N/2``);
    * ``g2`` = 2 sum O ln(O / E) (Dunning's log-likelihood; cells with O = 0 add 0); with
      ``correction="williams"`` divided by ``q = 1 + (N/(a+b) + N/(c+d) - 1)(N/(a+c) + N/(b+d) - 1) / (6N)``;
    * both are signed: negative when the feature is relatively more frequent in the reference;
      ``p_chi2``/``p_g2`` from the chi-squared distribution with 1 degree of freedom;
    * ``log_ratio`` (Hardie 2014) = log2((a / target total) / (b / reference total)), the effect size: +1
      means twice as frequent in the target; a zero count is taken as 0.5 so the ratio stays finite.

    Parameters
    ----------
    dfm
        Documents (or groups) x features.
    target
        The target rows: a row name (a doc id or group label), a list of them, or a boolean mask.
        Every other row is the reference.
    measure
        ``chi2``, ``g2`` or ``log_ratio``: what ``rank`` orders by (descending, signed).
    correction
        ``none`` (default), ``yates`` (chi2) or ``williams`` (g2).
    min_count
        Leave out features with fewer occurrences in target and reference together.

    Returns
    -------
    pandas.DataFrame
        Columns ``feature, n_target, n_reference, per_1000_target, per_1000_reference, chi2, p_chi2, g2,
        p_g2, log_ratio, rank``; most key for the target first, most key for the reference last.
    """
    from scipy.stats import chi2 as chi2_dist

    if measure not in ("chi2", "g2", "log_ratio"):
        raise NewsframeError(f"unknown keyness measure {measure!r}: use chi2, g2 or log_ratio")
    if correction not in ("none", "yates", "williams"):
        raise NewsframeError(f"unknown correction {correction!r}: use none, yates or williams")
    mask = _target_mask(dfm, target)
    if mask.all() or not mask.any():
        raise NewsframeError("keyness needs documents in both the target and the reference")
    a = np.asarray(dfm.matrix[mask].sum(axis=0)).ravel()
    b = np.asarray(dfm.matrix[~mask].sum(axis=0)).ravel()
    keep = (a + b) >= max(min_count, 1)
    feats = np.asarray(dfm.features, dtype=object)[keep]
    target_total, reference_total = a.sum(), b.sum()
    a, b = a[keep], b[keep]
    c, d = target_total - a, reference_total - b
    n = target_total + reference_total
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = np.stack([a, b, c, d])
        expected = np.stack([(a + b) * (a + c), (a + b) * (b + d), (c + d) * (a + c), (c + d) * (b + d)]) / n
        if correction == "yates":
            diff = np.maximum(np.abs(a * d - b * c) - n / 2, 0)
            chi2 = n * diff ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
        else:
            chi2 = np.where(expected > 0, (observed - expected) ** 2 / expected, 0).sum(axis=0)
        g2 = 2 * np.where(observed > 0, observed * np.log(observed / expected), 0).sum(axis=0)
        if correction == "williams":
            q = 1 + (n / (a + b) + n / (c + d) - 1) * (n / (a + c) + n / (b + d) - 1) / (6 * n)
            g2 = g2 / q
    chi2 = np.nan_to_num(chi2)
    g2 = np.nan_to_num(g2)
    sign = np.where(a / target_total >= b / reference_total, 1.0, -1.0)
    log_ratio = np.log2((np.where(a > 0, a, 0.5) / target_total) / (np.where(b > 0, b, 0.5) / reference_total))
    out = pd.DataFrame({
        "feature": feats, "n_target": a, "n_reference": b,
        "per_1000_target": 1000 * a / target_total, "per_1000_reference": 1000 * b / reference_total,
        "chi2": sign * chi2, "p_chi2": chi2_dist.sf(chi2, 1), "g2": sign * g2, "p_g2": chi2_dist.sf(g2, 1),
        "log_ratio": log_ratio})
    out = out.sort_values([measure, "feature"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out[KEYNESS_COLUMNS]


def _target_mask(dfm: DocumentFeatureMatrix, target) -> np.ndarray:
    if isinstance(target, np.ndarray) and target.dtype == bool:
        if len(target) != len(dfm.documents):
            raise NewsframeError("the target mask needs one value per row")
        return target
    wanted = {target} if isinstance(target, str) else {str(t) for t in target}
    unknown = wanted - set(dfm.documents)
    if unknown:
        raise NewsframeError(f"target not among the rows: {', '.join(sorted(unknown)[:5])}")
    return np.array([d in wanted for d in dfm.documents], dtype=bool)


# -- export ---------------------------------------------------------------------------------------------------

def write_dfm(dfm: DocumentFeatureMatrix, out_dir: str | Path, *, name: str = "dfm") -> list[Path]:
    """Export the matrix for R and Python users.

    Writes into ``out_dir`` (made if missing; other files in it are left alone):

    * ``<name>.parquet``: non-zero cells as triplets ``doc_id, feature, count``;
    * ``<name>.mtx``: Matrix Market coordinate format (``scipy.io.mmread``; in R ``Matrix::readMM``);
    * ``<name>_documents.txt`` and ``<name>_features.txt``: row and column names, one a line (R:
      ``rownames(m) <- readLines(...)``).

    Each file is written under a temporary name and renamed into place, so a failure leaves no partial file.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from scipy.io import mmwrite

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise NewsframeError(f"{out_dir}: exists and is not a folder")
    if any(ch in name for ch in "/\\") or not name.strip():
        raise NewsframeError(f"{name!r}: not a usable file name")
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = {
        "parquet": out_dir / f"{name}.parquet", "mtx": out_dir / f"{name}.mtx",
        "documents": out_dir / f"{name}_documents.txt", "features": out_dir / f"{name}_features.txt",
    }
    temps: dict[str, Path] = {}
    try:
        for kind, path in targets.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=out_dir)
            os.close(fd)
            temps[kind] = Path(tmp)
        dfm.to_frame().to_parquet(temps["parquet"], index=False)
        with open(temps["mtx"], "wb") as fh:
            mmwrite(fh, sparse.coo_matrix(dfm.matrix), comment="newsframe document-feature matrix; names in "
                    f"{targets['documents'].name} and {targets['features'].name}")
        for kind, names in (("documents", dfm.documents), ("features", dfm.features)):
            temps[kind].write_text("".join(_one_line(x) + "\n" for x in names), encoding="utf-8")
        for kind, path in targets.items():
            os.replace(temps[kind], path)
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
    return list(targets.values())


def _one_line(name: str) -> str:
    # A name with a line break would shift every later name by one line.
    return " ".join(str(name).split())


def read_dfm(out_dir: str | Path, *, name: str = "dfm") -> DocumentFeatureMatrix:
    """Read a matrix written by :func:`write_dfm` (Matrix Market file and name files)."""
    from scipy.io import mmread

    out_dir = Path(out_dir)
    paths = [out_dir / f"{name}.mtx", out_dir / f"{name}_documents.txt", out_dir / f"{name}_features.txt"]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise NewsframeError(f"not a newsframe matrix export: missing {', '.join(missing)}")
    matrix = sparse.csr_matrix(mmread(paths[0]))
    docs = tuple(paths[1].read_text(encoding="utf-8").splitlines())
    feats = tuple(paths[2].read_text(encoding="utf-8").splitlines())
    try:
        return DocumentFeatureMatrix(matrix, docs, feats)
    except ValueError as exc:
        raise NewsframeError(f"{out_dir}: {exc}") from None
