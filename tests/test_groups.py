"""Dates, metadata groups and per-group measures (newsframe.groups), on hand-made tables and the corpus fixture."""
import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from newsframe import NewsframeError, compare, groups, io

FIXTURE = Path(__file__).parent / "fixtures" / "corpus"
EXPECTED = pd.read_csv(FIXTURE / "expected.csv", keep_default_na=False)


# -- dates ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected, note", [
    ("2025-03-01", "2025-03-01 00:00", ""),
    ("2025-03-01T10:30:00", "2025-03-01 10:30", ""),
    ("2025-03-01T10:30:00Z", "2025-03-01 10:30", ""),
    ("2025-03-01T10:30:00+02:00", "2025-03-01 08:30", ""),           # offsets become UTC
    ("Sat, 01 Mar 2025 10:30:00 +0000", "2025-03-01 10:30", ""),     # RFC 2822
    ("Sat, 01 Mar 2025 10:30:00 -0500", "2025-03-01 15:30", ""),
    ("1 March 2025", "2025-03-01 00:00", ""),
    ("1st of March 2025", "2025-03-01 00:00", ""),
    ("March 1, 2025", "2025-03-01 00:00", ""),
    ("Mar. 1 2025", "2025-03-01 00:00", ""),
    ("Tuesday, 4 March 2025 10:30 +02:00", "2025-03-04 08:30", ""),
    ("1 March 2025, 10.30 pm", "2025-03-01 22:30", ""),
    ("2025/03/01", "2025-03-01 00:00", ""),
    ("13/04/2025", "2025-04-13 00:00", ""),                          # 13 can only be the day
    ("04/13/2025", "2025-04-13 00:00", ""),
    ("01.03.2025", "2025-03-01 00:00", ""),                          # dotted dates are day-first
    ("2025-03", "2025-03-01 00:00", "month only"),
    ("March 2025", "2025-03-01 00:00", "month only"),
    ("2025", "2025-01-01 00:00", "year only"),
    ("1741759200", "2025-03-12 06:00", "epoch seconds"),             # 20159 days + 6 h after 1970-01-01
    ("1741759200000", "2025-03-12 06:00", "epoch milliseconds"),
])
def test_parse_date_reads_common_forms(text, expected, note):
    stamp, got_note = groups.parse_date(text)
    assert stamp == pd.Timestamp(expected)
    assert (note in got_note) if note else got_note == ""


@pytest.mark.parametrize("text, reason", [
    ("last Tuesday", "not a date form"),
    ("03/04/2025", "ambiguous"),
    ("2025-02-31", "not read"),
    ("31 February 2025", "not read"),
    ("Smarch 1, 2025", "not a date form"),
])
def test_parse_date_refuses_with_a_note(text, reason):
    stamp, note = groups.parse_date(text)
    assert stamp is pd.NaT
    assert reason in note and repr(text) in note


def test_parse_date_dayfirst_decides_ambiguous_dates():
    assert groups.parse_date("03/04/2025", dayfirst=True)[0] == pd.Timestamp("2025-04-03")
    assert groups.parse_date("03/04/2025", dayfirst=False)[0] == pd.Timestamp("2025-03-04")


def test_parse_date_missing_values_are_nat_without_note():
    for value in (None, "", "   ", float("nan")):
        assert groups.parse_date(value) == (pd.NaT, "")


def test_parse_dates_keeps_order_and_index():
    frame = groups.parse_dates(pd.Series(["2025-03-02", "nope", "2025-03-02"], index=[7, 8, 9]))
    assert list(frame.index) == [7, 8, 9]
    assert str(frame["date_parsed"].dtype).startswith("datetime64")
    assert frame["date_parsed"].isna().tolist() == [False, True, False]
    assert frame["date_note"].iloc[1].startswith("date 'nope' not read")


# -- the loader keeps dates and metadata ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_documents():
    return io.load_documents(compare.DEMO_CORPUS)


def test_documents_get_parsed_dates_as_worked_out_by_hand(corpus_documents):
    docs = corpus_documents.set_index("doc_id")
    assert str(corpus_documents["date_parsed"].dtype).startswith("datetime64")
    for row in EXPECTED[EXPECTED["check"] == "date"].itertuples():
        got = docs.loc[row.doc_or_group, "date_parsed"]
        if row.expected:
            assert got == pd.Timestamp(row.expected), row.doc_or_group
        else:
            assert pd.isna(got)
            assert "not read" in docs.loc[row.doc_or_group, "notes"]


def test_documents_keep_extra_corpus_fields(corpus_documents):
    meta = groups.document_metadata(corpus_documents).set_index("doc_id")
    assert list(meta.columns) == ["bias", "country"]
    assert meta.loc["ledger-01"].tolist() == ["centre", "UK"]
    assert meta.loc["courier-04"].tolist() == ["left", "IE"]


def test_csv_corpus_extra_columns_are_metadata(tmp_path):
    path = tmp_path / "c.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "source", "date", "country", "text"])
        w.writerow(["a", "Daily", "1 March 2025", "FR", "One short article."])
        w.writerow(["b", "Weekly", "", "", "Another short article."])
    docs = io.load_documents(path)
    assert json.loads(docs["metadata"].iloc[0]) == {"country": "FR"}
    grouping = groups.group_documents(docs, by=["country", "month"])
    assert grouping[["country", "month"]].values.tolist() == [["FR", "2025-03"], [groups.NO_VALUE, groups.NO_DATE]]


def test_plain_text_has_no_metadata():
    docs = io.load_documents("Just one sentence here.")
    assert docs["metadata"].tolist() == [""]
    assert docs["date_parsed"].isna().all()


# -- groups -------------------------------------------------------------------------------------------------

def test_weeks_start_on_monday_as_worked_out_by_hand(corpus_documents):
    weeks = groups.group_documents(corpus_documents, by="week").set_index("doc_id")["week"]
    for row in EXPECTED[EXPECTED["check"] == "week"].itertuples():
        assert weeks[row.doc_or_group] == row.expected, row.doc_or_group
    assert weeks["ledger-04"] == groups.NO_DATE


def test_period_labels():
    dates = pd.Series(pd.to_datetime(["2025-03-02", "2025-03-03", "2024-12-31", None]))
    assert groups.period_labels(dates, "week").tolist() == ["2025-02-24", "2025-03-03", "2024-12-30", "(no date)"]
    assert groups.period_labels(dates, "month").tolist() == ["2025-03", "2025-03", "2024-12", "(no date)"]
    assert groups.period_labels(dates, "year").tolist() == ["2025", "2025", "2024", "(no date)"]
    with pytest.raises(NewsframeError, match="unknown period"):
        groups.period_labels(dates, "fortnight")


def test_unknown_grouping_key_names_the_choices(corpus_documents):
    with pytest.raises(NewsframeError, match="bias, country"):
        groups.group_documents(corpus_documents, by="language")


def test_count_documents(corpus_documents):
    counts = groups.count_documents(corpus_documents, by="source").set_index("source")
    assert counts["n_documents"].to_dict() == {"Northern Ledger": 4, "Valley Courier": 4}
    assert counts.loc["Valley Courier", "first_date"] == pd.Timestamp("2025-03-04")
    assert counts.loc["Valley Courier", "last_date"] == pd.Timestamp("2025-03-18")


def test_add_groups_joins_any_table(corpus_documents):
    table = pd.DataFrame({"doc_id": ["ledger-01", "courier-02", "courier-02"], "x": [1, 2, 3]})
    out = groups.add_groups(table, corpus_documents, by=["source", "bias"])
    assert out["source"].tolist() == ["Northern Ledger", "Valley Courier", "Valley Courier"]
    assert out["bias"].tolist() == ["centre", "left", "left"]


# -- pooled measures on hand-made tables ----------------------------------------------------------------------

@pytest.fixture()
def small():
    docs = pd.DataFrame({"doc_id": ["A", "B", "C", "D"], "source": ["X", "X", "Y", "X"],
                         "date": ["2025-03-03", "2025-03-04", "2025-03-10", ""], "title": list("abcd")})
    tables = {
        "documents": docs,
        "actors": pd.DataFrame({"doc_id": ["A", "A", "B", "B", "C"], "actor_name": ["P", "Q", "P", "R", "Q"],
                                "n_mentions": [3, 1, 1, 3, 2]}),
        "frames_policy": pd.DataFrame({"doc_id": ["A", "A", "B", "B"], "frame": ["Economic", "Political"] * 2,
                                       "present": [True, False, False, False], "score": [2.0, 0.0, 0.5, 0.0]}),
        "actor_sentiment": pd.DataFrame({"doc_id": ["A", "A", "B"], "actor_name": ["P", "P", "P"],
                                         "score": [0.5, -0.1, 0.2]}),
        "labels": pd.DataFrame({"doc_id": ["A", "A", "A", "B"],
                                "concept": ["the war", "the war", "the talks", "the war"],
                                "label": ["invasion", "conflict", "talks", "conflict"], "n": [3, 1, 2, 2]}),
        "hedges": pd.DataFrame({"doc_id": ["A", "A", "B"], "n_words": [10, 10, 30], "n_hedges": [1, 0, 2],
                                "n_boosters": [0, 1, 0], "n_conditionals": [0, 0, 0]}),
    }
    return tables


def _cell(grouped, **match):
    rows = grouped
    for k, v in match.items():
        rows = rows[rows[k] == v]
    assert len(rows) == 1, match
    return rows.iloc[0]


def test_shares_pool_mentions_over_the_group(small):
    g = groups.group_tables(small, by="source")
    # X = A + B + D: 8 mentions (D has none), P 3+1, Q 1, R 3; Y = C: Q 2 of 2.
    p = _cell(g, source="X", table="actors", key="P")
    assert (p["value"], p["numerator"], p["denominator"]) == (0.5, 4, 8)
    assert (p["n_documents"], p["n_documents_key"], p["n_documents_group"]) == (2, 2, 3)
    assert _cell(g, source="X", table="actors", key="Q")["value"] == 1 / 8
    assert _cell(g, source="X", table="actors", key="R")["value"] == 3 / 8
    assert _cell(g, source="Y", table="actors", key="Q")["value"] == 1.0


def test_per_article_measures_count_every_article_of_the_group(small):
    g = groups.group_tables(small, by="source", table="frames_policy")
    econ = _cell(g, source="X", measure="present", key="Economic")
    # Economic assigned to A only; X holds A, B and D (D without any frame row still counts).
    assert (econ["numerator"], econ["denominator"], econ["n_documents"]) == (1, 3, 3)
    assert econ["value"] == pytest.approx(1 / 3)
    assert _cell(g, source="X", measure="score", key="Economic")["value"] == pytest.approx(2.5 / 3)


def test_means_run_over_the_key_rows(small):
    g = groups.group_tables(small, by="source", table="actor_sentiment")
    p = _cell(g, source="X", key="P")
    assert p["value"] == pytest.approx((0.5 - 0.1 + 0.2) / 3)
    assert (p["denominator"], p["n_documents"]) == (3, 2)


def test_label_shares_are_within_their_concept(small):
    g = groups.group_tables(small, by="source", table="labels")
    assert _cell(g, key="invasion")["value"] == pytest.approx(3 / 6)   # the war: 3 + 1 + 2 occurrences
    assert _cell(g, key="conflict")["value"] == pytest.approx(3 / 6)
    assert _cell(g, key="talks")["value"] == 1.0                        # the talks: its own denominator


def test_hedges_per_100_words(small):
    g = groups.group_tables(small, by="source", table="hedges")
    assert _cell(g, key="hedges")["value"] == pytest.approx(100 * 3 / 50)
    assert _cell(g, key="boosters")["value"] == pytest.approx(100 * 1 / 50)


def test_grouping_by_source_and_week(small):
    g = groups.group_tables(small, by=["source", "week"], table="actors")
    assert _cell(g, source="X", week="2025-03-03", key="P")["value"] == 0.5
    assert set(g["week"]) == {"2025-03-03", "2025-03-10"}  # D has no date but no mentions either


def test_cell_documents_lists_every_article_behind_a_share(small):
    measures = groups.measure_documents(small)
    cells = groups.cell_documents(measures, small["documents"], by="source", table="actors",
                                  measure="mention_share", key="Q", where={"source": "X"})
    # Q's share in X is over A (1 of 4) and B (0 of 4); D has no mentions.
    assert cells["doc_id"].tolist() == ["A", "B"]
    assert cells["value"].tolist() == [0.25, 0.0]
    present = groups.cell_documents(measures, small["documents"], by="source", table="frames_policy",
                                    measure="present", key="Economic")
    assert present.groupby("source")["doc_id"].apply(list).to_dict() == {"X": ["A", "B", "D"], "Y": ["C"]}


def test_nothing_to_measure_gives_empty_frames(small):
    assert groups.measure_documents({}).empty
    assert groups.aggregate_measures(groups.measure_documents({}), small["documents"]).empty


# -- the corpus fixture, analysed -----------------------------------------------------------------------------

# actor_sentiment needs the sentence encoder; everything else is quick.
FIXTURE_TABLES = ["frames_policy", "frames_generic", "tone", "sentiment", "actors", "attributions", "labels",
                  "hedges"]


@pytest.fixture(scope="module")
def fixture_tables():
    tables = compare.corpus_tables(str(compare.DEMO_CORPUS))
    return tables, tables.available(FIXTURE_TABLES)


@pytest.fixture(scope="module")
def by_source(fixture_tables):
    _, available = fixture_tables
    return groups.group_tables(available, by="source")


def _value(grouped, source, table, measure, key):
    rows = grouped[(grouped["source"] == source) & (grouped["table"] == table) & (grouped["measure"] == measure)
                   & (grouped["key"] == key)]
    return float(rows["value"].iloc[0]) if len(rows) else 0.0


def test_fixture_frames_by_outlet(by_source):
    ledger, courier = "Northern Ledger", "Valley Courier"
    assert _value(by_source, ledger, "frames_policy", "present", "Economic") > \
        _value(by_source, courier, "frames_policy", "present", "Economic")
    assert _value(by_source, courier, "frames_policy", "present", "Economic") == 0.0
    assert _value(by_source, courier, "frames_policy", "present", "Security_and_defense") > \
        _value(by_source, ledger, "frames_policy", "present", "Security_and_defense")


def test_fixture_who_is_quoted(by_source):
    zelensky = "Volodymyr Zelensky"
    assert _value(by_source, "Valley Courier", "attributions", "speaker", zelensky) > \
        _value(by_source, "Northern Ledger", "attributions", "speaker", zelensky)


def test_fixture_naming_choices(by_source):
    labels = by_source[(by_source["table"] == "labels") & (by_source["scope"] == "the war")]
    ledger = labels[labels["source"] == "Northern Ledger"].set_index("key")["value"]
    courier = labels[labels["source"] == "Valley Courier"].set_index("key")["value"]
    assert ledger.idxmax() == "conflict"
    assert not {"invasion", "full-scale invasion"} & set(ledger.index)
    assert courier.get("invasion", 0) + courier.get("full-scale invasion", 0) > courier.get("fighting", 0)


def test_fixture_tone(by_source):
    assert _value(by_source, "Valley Courier", "tone", "tone", "tone") < \
        _value(by_source, "Northern Ledger", "tone", "tone", "tone")


def test_fixture_over_time_counts_articles(fixture_tables):
    _, available = fixture_tables
    g = groups.group_tables(available, by=["source", "week"], table="tone")
    n = g.set_index(["source", "week"])["n_documents"].to_dict()
    assert n == {("Northern Ledger", "2025-03-03"): 2, ("Northern Ledger", "2025-03-10"): 1,
                 ("Northern Ledger", groups.NO_DATE): 1, ("Valley Courier", "2025-03-03"): 1,
                 ("Valley Courier", "2025-03-10"): 2, ("Valley Courier", "2025-03-17"): 1}


def test_cell_documents_without_zeros(small):
    measures = groups.measure_documents(small)
    cells = groups.cell_documents(measures, small["documents"], by="source", table="actors",
                                  measure="mention_share", key="Q", include_zeros=False)
    assert cells[["source", "doc_id", "value"]].values.tolist() == [["X", "A", 0.25], ["Y", "C", 1.0]]
    assert groups.measure_kind("actors", "mention_share") == "share"
    assert groups.measure_kind("frames_policy", "present") == "per_document"
