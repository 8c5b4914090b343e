"""Document-feature matrices, grouping, keyness against hand-computed 2x2 tables, export (newsframe.dfm)."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.io import mmread
from scipy.stats import chi2_contingency

from newsframe import NewsframeError, dfm, io, parse_documents


def _matrix(rows, docs, feats):
    return dfm.DocumentFeatureMatrix(sparse.csr_matrix(np.array(rows, dtype=float)), tuple(docs), tuple(feats))


@pytest.fixture(scope="module")
def tokens():
    docs = io.load_documents(["Cats chase mice. Cats sleep in the sun.", "Dogs chase cats, 2 times!"])
    return parse_documents(docs)[3]


def test_dfm_terms_counts_words(tokens):
    m = dfm.dfm_terms(tokens)
    frame = m.to_dense_frame()
    # stop words ("in", "the"), punctuation and the number are left out; counts by hand
    assert list(frame.columns) == ["cats", "chase", "dogs", "mice", "sleep", "sun", "times"]
    assert frame.loc["doc0001"].tolist() == [2, 1, 0, 1, 1, 1, 0]
    assert frame.loc["doc0002"].tolist() == [1, 1, 1, 0, 0, 0, 1]
    assert isinstance(m.matrix, sparse.csr_matrix)


def test_dfm_terms_options(tokens):
    kept = dfm.dfm_terms(tokens, remove_stopwords=False, remove_numbers=False, min_docs=2)
    assert list(kept.features) == ["cats", "chase"]  # only these are in both documents
    assert "the" in dfm.dfm_terms(tokens, remove_stopwords=False).features
    assert "2" in dfm.dfm_terms(tokens, remove_numbers=False).features


def test_dfm_table_and_weights():
    mentions = pd.DataFrame({"doc_id": ["a", "a", "b", "b", "b"], "actor_name": ["P", "Q", "P", "P", ""],
                             "weight": [1.0, 2.0, 0.5, 0.5, 9.0]})
    counts = dfm.dfm_table(mentions, feature="actor_name").to_dense_frame()
    assert counts.to_dict() == {"P": {"a": 1.0, "b": 2.0}, "Q": {"a": 1.0, "b": 0.0}}  # empty actor skipped
    weighted = dfm.dfm_table(mentions, feature="actor_name", weight="weight").to_dense_frame()
    assert weighted.loc["b", "P"] == 1.0 and weighted.loc["a", "Q"] == 2.0
    docs = pd.DataFrame({"doc_id": ["c", "a", "b"]})
    ordered = dfm.dfm_table(mentions, feature="actor_name", documents=docs)
    assert ordered.documents == ("c", "a", "b") and ordered.matrix[0].sum() == 0
    with pytest.raises(NewsframeError, match="no column"):
        dfm.dfm_table(mentions, feature="nope")


def test_dfm_group_sums_rows():
    m = _matrix([[1, 0], [2, 3], [0, 4]], ["d1", "d2", "d3"], ["x", "y"])
    g = dfm.dfm_group(m, {"d1": "A", "d2": "B", "d3": "A"})
    assert g.documents == ("A", "B")
    assert g.matrix.toarray().tolist() == [[1, 4], [2, 3]]
    frame = pd.DataFrame({"doc_id": ["d1", "d2"], "source": ["S", "S"]})  # d3 has no group: left out
    assert dfm.dfm_group(m, frame).matrix.toarray().tolist() == [[3, 3]]


def test_dfm_lookup_with_globs():
    m = _matrix([[2, 1, 1, 5], [0, 3, 0, 1]], ["d1", "d2"], ["economy", "Prices", "economic", "war"])
    looked = dfm.dfm_lookup(m, {"economic": ["econom*", "price?"], "war": ["war", "warfare"]})
    assert looked.features == ("economic", "war")
    assert looked.matrix.toarray().tolist() == [[4, 5], [3, 1]]
    table = pd.DataFrame({"category": ["economic", "economic"], "term": ["economy", "economy"]})
    assert dfm.dfm_lookup(m, table).matrix.toarray().tolist() == [[2], [0]]  # a term listed twice counts once


def test_to_frame_triplets():
    m = _matrix([[0, 2], [1, 0]], ["d1", "d2"], ["x", "y"])
    assert m.to_frame().values.tolist() == [["d1", "y", 2.0], ["d2", "x", 1.0]]
    assert m.feature_totals().to_dict() == {"y": 2.0, "x": 1.0}


# -- keyness -----------------------------------------------------------------------------------------------
# The 2x2 table worked by hand: feature x occurs a=10 times in the target (100 words) and b=5 times in the
# reference (200 words); c=90, d=195, N=300. Expected counts: 5, 10, 95, 190.
CHI2 = 25 / 5 + 25 / 10 + 25 / 95 + 25 / 190                                     # 7.894736...
G2 = 2 * (10 * math.log(10 / 5) + 5 * math.log(5 / 10) + 90 * math.log(90 / 95) + 195 * math.log(195 / 190))
YATES = 300 * (abs(10 * 195 - 5 * 90) - 300 / 2) ** 2 / (15 * 285 * 100 * 200)   # 6.394736...


@pytest.fixture()
def two_by_two():
    return _matrix([[10, 90], [5, 195]], ["target", "reference"], ["x", "other"])


def test_keyness_matches_the_hand_computed_table(two_by_two):
    k = dfm.keyness(two_by_two, "target").set_index("feature")
    assert k.loc["x", "chi2"] == pytest.approx(CHI2)
    assert k.loc["x", "g2"] == pytest.approx(G2)
    assert k.loc["x", "log_ratio"] == pytest.approx(2.0)  # log2((10/100) / (5/200))
    assert k.loc["x", "per_1000_target"] == pytest.approx(100.0)
    assert k.loc["x", "per_1000_reference"] == pytest.approx(25.0)
    # the other column is the same table mirrored: as strong, but key for the reference
    assert k.loc["other", "chi2"] == pytest.approx(-CHI2)
    assert k.loc["other", "log_ratio"] == pytest.approx(math.log2(0.9 / 0.975))
    assert k.index.tolist() == ["x", "other"] and k["rank"].tolist() == [1, 2]


def test_keyness_agrees_with_scipy_contingency(two_by_two):
    table = [[10, 5], [90, 195]]
    k = dfm.keyness(two_by_two, "target").set_index("feature")
    stat, p, _, _ = chi2_contingency(table, correction=False)
    assert (k.loc["x", "chi2"], k.loc["x", "p_chi2"]) == (pytest.approx(stat), pytest.approx(p))
    g, pg, _, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert (k.loc["x", "g2"], k.loc["x", "p_g2"]) == (pytest.approx(g), pytest.approx(pg))
    yates = dfm.keyness(two_by_two, "target", correction="yates").set_index("feature")
    assert yates.loc["x", "chi2"] == pytest.approx(YATES)
    assert yates.loc["x", "chi2"] == pytest.approx(chi2_contingency(table, correction=True)[0])


def test_keyness_williams_correction(two_by_two):
    n = 300
    q = 1 + (n / 15 + n / 285 - 1) * (n / 100 + n / 200 - 1) / (6 * n)
    k = dfm.keyness(two_by_two, "target", correction="williams").set_index("feature")
    assert k.loc["x", "g2"] == pytest.approx(G2 / q)


def test_keyness_zero_counts_and_mask():
    m = _matrix([[4, 0, 6], [0, 3, 7]], ["a", "b"], ["only_a", "only_b", "both"])
    k = dfm.keyness(m, np.array([True, False])).set_index("feature")
    assert k.loc["only_a", "log_ratio"] == pytest.approx(math.log2((4 / 10) / (0.5 / 10)))  # zero read as 0.5
    assert k.loc["only_a", "chi2"] > 0 > k.loc["only_b", "chi2"]
    # expected for only_a: 2 and 2 in the word row, 8 and 8 in the rest; O = 4, 0, 6, 10
    assert k.loc["only_a", "chi2"] == pytest.approx(4 / 2 + 4 / 2 + 4 / 8 + 4 / 8)
    assert dfm.keyness(m, "a", min_count=5)["feature"].tolist() == ["both"]
    assert dfm.keyness(m, "a", measure="log_ratio")["feature"].tolist()[0] == "only_a"


def test_keyness_refuses_bad_targets(two_by_two):
    with pytest.raises(NewsframeError, match="both the target and the reference"):
        dfm.keyness(two_by_two, ["target", "reference"])
    with pytest.raises(NewsframeError, match="not among the rows"):
        dfm.keyness(two_by_two, "nobody")
    with pytest.raises(NewsframeError, match="unknown keyness measure"):
        dfm.keyness(two_by_two, "target", measure="pmi")


# -- export -------------------------------------------------------------------------------------------------

def test_write_dfm_round_trips(tmp_path):
    m = _matrix([[0, 2, 1], [3, 0, 0]], ["d 1", "d2"], ["x", "y", "z z"])
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.txt").write_text("keep me")
    paths = dfm.write_dfm(m, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        ["dfm.parquet", "dfm.mtx", "dfm_documents.txt", "dfm_features.txt", "mine.txt"])
    assert all(p.is_file() for p in paths)
    assert (tmp_path / "out" / "mine.txt").read_text() == "keep me"
    assert mmread(tmp_path / "out" / "dfm.mtx").toarray().tolist() == [[0, 2, 1], [3, 0, 0]]
    assert (tmp_path / "out" / "dfm_features.txt").read_text().splitlines() == ["x", "y", "z z"]
    triplets = pd.read_parquet(tmp_path / "out" / "dfm.parquet")
    assert triplets.values.tolist() == [["d 1", "y", 2.0], ["d 1", "z z", 1.0], ["d2", "x", 3.0]]
    back = dfm.read_dfm(tmp_path / "out")
    assert back.documents == m.documents and back.features == m.features
    assert (back.matrix != m.matrix).nnz == 0


def test_write_dfm_refuses_a_file(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(NewsframeError, match="not a folder"):
        dfm.write_dfm(_matrix([[1]], ["d"], ["f"]), target)
    assert target.read_text() == "x"
    with pytest.raises(NewsframeError, match="missing"):
        dfm.read_dfm(tmp_path)
