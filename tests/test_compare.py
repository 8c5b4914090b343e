"""Corpus comparison helpers (newsframe.compare) and the corpus figures (newsframe.plots), with hand-made inputs
and the team-written corpus fixture read back from a tables folder."""
from pathlib import Path

import pandas as pd
import pytest

from newsframe import NewsframeError, compare, groups, plots

FIXTURE = Path(__file__).parent / "fixtures" / "corpus"
EXPECTED = pd.read_csv(FIXTURE / "expected.csv", keep_default_na=False)


def _grouped(rows):
    cols = ["source", "table", "measure", "scope", "key", "value", "numerator", "denominator", "unit",
            "n_documents", "n_documents_key", "n_documents_group"]
    return pd.DataFrame(rows, columns=cols)


@pytest.fixture()
def grouped():
    return _grouped([
        ["A", "frames_policy", "present", "", "Economic", 0.75, 3, 4, "documents", 4, 3, 4],
        ["B", "frames_policy", "present", "", "Economic", 0.0, 0, 2, "documents", 2, 0, 2],
        ["A", "frames_policy", "present", "", "Political", 0.0, 0, 4, "documents", 4, 0, 4],
        ["B", "frames_policy", "present", "", "Political", 0.5, 1, 2, "documents", 2, 1, 2],
        ["A", "frames_policy", "present", "", "Morality", 0.0, 0, 4, "documents", 4, 0, 4],
        ["A", "attributions", "speaker", "", "Putin", 0.25, 1, 4, "statements", 2, 1, 4],
        ["A", "attributions", "speaker", "", "Zelensky", 0.75, 3, 4, "statements", 2, 2, 4],
        ["B", "attributions", "speaker", "", "Zelensky", 1.0, 2, 2, "statements", 1, 1, 2],
        ["A", "labels", "label", "the war", "conflict", 0.6, 3, 5, "occurrences", 2, 2, 4],
        ["A", "labels", "label", "the war", "invasion", 0.4, 2, 5, "occurrences", 2, 1, 4],
        ["B", "labels", "label", "the war", "invasion", 1.0, 1, 1, "occurrences", 1, 1, 2],
    ])


def test_frames_by_counts_and_shares(grouped):
    table = compare.frames_by(grouped)
    assert table.columns.tolist() == ["frame", "A", "B"]
    # frames ordered by articles carrying them; Morality carried by none is left out
    assert table.values.tolist() == [["Economic", "3 of 4 (75%)", "0 of 2 (0%)"],
                                     ["Political", "0 of 4 (0%)", "1 of 2 (50%)"]]


def test_quoted_by(grouped):
    table = compare.quoted_by(grouped)
    assert table.values.tolist() == [["Zelensky", "3 (75%)", "2 (100%)"], ["Putin", "1 (25%)", ""]]


def test_naming_by(grouped):
    table = compare.naming_by(grouped)
    assert table.values.tolist() == [["the war", "conflict 60%, invasion 40%", "invasion 100%"]]


def test_empty_inputs_give_empty_tables():
    empty = _grouped([])
    assert compare.frames_by(empty).empty and compare.quoted_by(empty).empty and compare.naming_by(empty).empty


# -- tables folders ------------------------------------------------------------------------------------------

def test_read_table_from_partitions_parquet_and_csv(tmp_path):
    (tmp_path / "tone").mkdir()
    pd.DataFrame({"doc_id": ["a"], "tone": [1.0]}).to_parquet(tmp_path / "tone" / "part-00000.parquet")
    pd.DataFrame({"doc_id": ["b"], "tone": [2.0]}).to_parquet(tmp_path / "tone" / "part-00001.parquet")
    assert compare.read_table(tmp_path, "tone").values.tolist() == [["a", 1.0], ["b", 2.0]]
    pd.DataFrame({"doc_id": ["c"], "x": [3]}).to_parquet(tmp_path / "labels.parquet")
    assert compare.read_table(tmp_path, "labels")["doc_id"].tolist() == ["c"]
    pd.DataFrame({"doc_id": [1], "x": [""]}).to_csv(tmp_path / "hedges.csv", index=False)
    assert compare.read_table(tmp_path, "hedges")["doc_id"].tolist() == ["1"]  # ids stay strings
    with pytest.raises(NewsframeError, match="no 'roles' table"):
        compare.read_table(tmp_path, "roles")


def test_corpus_tables_refuses_bad_folders(tmp_path):
    with pytest.raises(NewsframeError, match="no such tables folder"):
        compare.corpus_tables(tables_path=str(tmp_path / "missing"))
    with pytest.raises(NewsframeError, match="no 'documents' table"):
        compare.corpus_tables(tables_path=str(tmp_path))


def test_table_set_notes_missing_tables(tmp_path):
    pd.DataFrame({"doc_id": ["a"], "source": ["S"]}).to_parquet(tmp_path / "documents.parquet")
    tables = compare.corpus_tables(tables_path=str(tmp_path))
    assert tables.get("tone") is None
    assert set(tables.available(["tone"])) == {"documents"}
    assert any("no 'tone' table" in n for n in tables.notes)
    assert compare.roles_by(tables) is None


@pytest.fixture(scope="module")
def fixture_folder(tmp_path_factory):
    """The fixture corpus analysed in-process and written as engine-style partitions (two per table)."""
    tables = compare.corpus_tables(str(compare.DEMO_CORPUS))
    out = tmp_path_factory.mktemp("tables")
    for name in ["documents", "tokens", "frames_policy", "attributions", "labels", "tone"]:
        frame = tables.table(name)
        (out / name).mkdir()
        half = len(frame) // 2
        frame.iloc[:half].to_parquet(out / name / "part-00000.parquet", index=False)
        frame.iloc[half:].to_parquet(out / name / "part-00001.parquet", index=False)
    return out


def test_fixture_keyness_direction_from_a_tables_folder(fixture_folder):
    tables = compare.corpus_tables(tables_path=str(fixture_folder))
    k, target, reference = compare.keyness_by(tables, by="source", target="Northern Ledger")
    assert (target, reference) == ("Northern Ledger", "Valley Courier")
    k = k.set_index("feature")
    for row in EXPECTED[EXPECTED["check"].str.startswith("keyness")].itertuples():
        n_target, n_reference = (float(x) for x in row.expected.split(" vs "))
        assert (k.loc[row.key, "n_target"], k.loc[row.key, "n_reference"]) == (n_target, n_reference), row.key
        sign = 1 if row.check == "keyness_target" else -1
        assert sign * k.loc[row.key, "chi2"] > 0 and sign * k.loc[row.key, "log_ratio"] > 0, row.key
    zelensky = EXPECTED[EXPECTED["key"] == "zelensky"].iloc[0]
    assert f"{k.loc['zelensky', 'n_target']:g} vs {k.loc['zelensky', 'n_reference']:g}" == zelensky.expected


def test_fixture_frames_from_a_tables_folder(fixture_folder):
    tables = compare.corpus_tables(tables_path=str(fixture_folder))
    documents = tables["documents"]
    assert str(documents["date_parsed"].dtype).startswith("datetime64")  # Parquet keeps the parsed dates
    g = groups.group_tables(tables.available(["frames_policy"]), by="source")
    frames = compare.frames_by(g).set_index("frame")
    assert frames.loc["Economic", "Valley Courier"].startswith("0 of 4")
    assert frames.loc["Security_and_defense", "Northern Ledger"].startswith("0 of 4")


def test_keyness_by_needs_two_groups(fixture_folder):
    tables = compare.corpus_tables(tables_path=str(fixture_folder))
    one_outlet = {"documents": tables["documents"].iloc[4:], "tokens": tables["tokens"]}
    with pytest.raises(NewsframeError, match="at least two groups"):
        compare.keyness_by(one_outlet, by="source")
    with pytest.raises(NewsframeError, match="no group 'Other'"):
        compare.keyness_by(tables, target="Other")


# -- figures -------------------------------------------------------------------------------------------------

def test_group_heatmap_shows_counts_and_shares(grouped):
    fig = plots.plot_group_heatmap(grouped, by="source", table="frames_policy", measure="present")
    heat = fig.data[0]
    assert list(heat.x) == ["A", "B"] and list(heat.y) == ["Economic", "Political", "Morality"]
    assert list(heat.text[0]) == ["75%<br>(3)", "0%<br>(0)"]
    assert "3 / 4 documents" in heat.hovertext[0][0] and "over 4 of 4 article(s)" in heat.hovertext[0][0]


def test_group_heatmap_without_data_says_so(grouped):
    fig = plots.plot_group_heatmap(grouped, table="roles", measure="role")
    assert "no roles: role" in fig.layout.annotations[0].text


def test_over_time_lines_carry_article_counts():
    g = pd.DataFrame({"source": ["A", "A", "A", "B"], "week": ["2025-03-10", "2025-03-03", groups.NO_DATE,
                                                              "2025-03-03"],
                      "table": "tone", "measure": "tone", "scope": "", "key": "tone", "value": [1.0, 2.0, 9.0, -1.0],
                      "numerator": [2.0, 2.0, 9.0, -3.0], "denominator": [2.0, 1.0, 1.0, 3.0], "unit": "documents",
                      "n_documents": [2, 1, 1, 3], "n_documents_key": [2, 1, 1, 3], "n_documents_group": [2, 1, 1, 3]})
    fig = plots.plot_over_time(g, period="week", line="source", table="tone", measure="tone")
    lines = {t.name: t for t in fig.data}
    assert set(lines) == {"A", "B"}
    assert list(lines["A"].x) == ["2025-03-03", "2025-03-10"]  # time order, undated articles left out
    assert list(lines["A"].text) == ["n=1", "n=2"] and list(lines["B"].text) == ["n=3"]
    assert "3 article(s)" in lines["B"].hovertext[0]


def test_keyness_plot_splits_target_and_reference():
    k = pd.DataFrame({"feature": ["up", "mid", "down"], "n_target": [5, 1, 0], "n_reference": [0, 1, 4],
                      "per_1000_target": [5.0, 1, 0], "per_1000_reference": [0, 1, 4.0], "chi2": [3.0, 0.0, -2.0],
                      "p_chi2": [0.1, 1, 0.2], "g2": [3.5, 0, -2.5], "p_g2": [0.1, 1, 0.2],
                      "log_ratio": [3.0, 0, -3.0], "rank": [1, 2, 3]})
    fig = plots.plot_keyness(k, target="Ledger", reference="Courier")
    assert [t.name for t in fig.data] == ["Ledger", "Courier"]
    assert list(fig.data[0].y) == ["up"] and list(fig.data[1].y) == ["down"]  # zero is neither side's


def test_compare_keeps_the_moved_plots():
    assert compare.plot_confusion is plots.plot_confusion
    assert compare.plot_measure_heatmap is plots.plot_measure_heatmap


def test_engine_output_reads_back_with_dates_and_metadata(tmp_path):
    from newsframe import engine

    out = tmp_path / "run"
    # three batches (3 + 3 + 2 articles): dates and metadata must survive partitioning
    engine.run(compare.DEMO_CORPUS, out, tables=["documents", "tokens", "frames_policy"], batch_size=3, jobs=1,
               progress=False)
    tables = compare.corpus_tables(tables_path=str(out))
    documents = tables["documents"]
    assert str(documents["date_parsed"].dtype).startswith("datetime64")
    assert documents.set_index("doc_id")["date_parsed"].isna().to_dict()["ledger-04"]
    assert groups.group_documents(documents, by="bias").set_index("doc_id")["bias"].to_dict()["courier-01"] == "left"
    frames = compare.frames_by(groups.group_tables(tables.available(["frames_policy"]), by="country"),
                               by="country").set_index("frame")
    assert frames.loc["Economic", "UK"].startswith("4 of 4") and frames.loc["Economic", "IE"].startswith("0 of 4")
    k, target, _ = compare.keyness_by(tables, by="country", target="IE")
    assert target == "IE" and k.set_index("feature").loc["troops", "chi2"] > 0
