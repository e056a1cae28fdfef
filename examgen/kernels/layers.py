"""Transformer building blocks beyond attention itself: layer normalisation, causal
self-attention, encoder-layer and BERT parameter counts, the cost of attention in sequence length,
and the output shapes of (bidirectional) recurrent layers.

Conventions as in PyTorch: ``nn.TransformerEncoderLayer`` (post-norm, ``bias=True``),
``nn.LayerNorm`` (biased variance, eps inside the square root), ``nn.RNN/LSTM/GRU`` shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from examgen.kernels.attention import multihead_param_count, scaled_dot_product_attention

Array = NDArray[np.float64]


def layer_norm(x: ArrayLike, gamma: ArrayLike | float = 1.0, beta: ArrayLike | float = 0.0, *,
               eps: float = 1e-5, unbiased: bool = False, center: bool = True
               ) -> tuple[Array, float, float]:
    """LayerNorm over the last axis of a vector: gamma * (x - mean) / sqrt(var + eps) + beta.

    ``var`` is the biased (divide by n) variance, as in ``nn.LayerNorm``; ``unbiased=True``
    divides by n - 1 and ``center=False`` skips subtracting the mean in the numerator (both are
    wrong paths a family models). Returns (y, mean, var).
    """
    a = np.asarray(x, dtype=np.float64)
    mean = float(a.mean())
    var = float(a.var(ddof=1 if unbiased else 0))
    num = a - mean if center else a
    y = num / np.sqrt(var + eps)
    return np.asarray(gamma, float) * y + np.asarray(beta, float), mean, var


def causal_mask(n: int) -> NDArray[np.bool_]:
    """True where query i may attend to key j, i.e. j <= i."""
    return np.tril(np.ones((n, n), dtype=bool))


def causal_self_attention(q: ArrayLike, k: ArrayLike, v: ArrayLike, *,
                          scale: float | None = None) -> tuple[Array, Array, Array]:
    """Scaled dot-product attention where position i only sees positions j <= i (a decoder's
    masked self-attention). Returns (output, weights, masked scores with -inf above the
    diagonal)."""
    n = np.asarray(q).shape[0]
    return scaled_dot_product_attention(q, k, v, scale=scale, mask=causal_mask(n))


@dataclass(frozen=True)
class EncoderLayerParams:
    attention: int      # W_Q, W_K, W_V, W_O with biases
    feed_forward: int   # d_model -> d_ff -> d_model with biases
    norms: int          # two LayerNorms, gamma and beta each

    @property
    def total(self) -> int:
        return self.attention + self.feed_forward + self.norms


def encoder_layer_param_count(d_model: int, d_ff: int, num_heads: int = 1, *,
                              bias: bool = True) -> EncoderLayerParams:
    """Learnable parameters of ``nn.TransformerEncoderLayer(d_model, nhead, d_ff)``.

    The head count does not change the count (heads split d_model); ``bias=False`` drops the
    linear layers' biases and the LayerNorms' beta, as PyTorch's ``bias=False`` does.
    """
    if min(d_model, d_ff) <= 0:
        raise ValueError("d_model and d_ff must be positive")
    att = multihead_param_count(d_model, num_heads, bias=bias).total
    ffn = 2 * d_model * d_ff + ((d_ff + d_model) if bias else 0)
    norms = 2 * (2 * d_model if bias else d_model)
    return EncoderLayerParams(att, ffn, norms)


@dataclass(frozen=True)
class BertParams:
    token: int
    position: int
    segment: int
    embedding_norm: int
    layer: int          # one encoder layer
    layers: int         # all encoder layers
    pooler: int

    @property
    def embeddings(self) -> int:
        return self.token + self.position + self.segment + self.embedding_norm

    @property
    def total(self) -> int:
        return self.embeddings + self.layers + self.pooler


def bert_param_count(vocab: int, hidden: int, num_layers: int, *, max_positions: int = 512,
                     segments: int = 2, d_ff: int | None = None, heads: int = 1,
                     pooler: bool = True) -> BertParams:
    """Parameters of a BERT encoder: token, position and segment embeddings and their
    LayerNorm, ``num_layers`` encoder layers (d_ff = 4 * hidden unless given) and the pooler
    (a hidden x hidden dense layer on [CLS]). BERT-base (30522, 768, 12): 109,482,240."""
    ff = 4 * hidden if d_ff is None else d_ff
    layer = encoder_layer_param_count(hidden, ff, heads).total
    return BertParams(token=vocab * hidden, position=max_positions * hidden,
                      segment=segments * hidden, embedding_norm=2 * hidden, layer=layer,
                      layers=num_layers * layer,
                      pooler=hidden * hidden + hidden if pooler else 0)


@dataclass(frozen=True)
class AttentionCost:
    score_macs: int      # multiply-adds of Q K^T: n * n * d_k per head
    weighted_sum_macs: int  # multiply-adds of A V: n * n * d_v per head
    weight_entries: int  # entries of the attention matrices: heads * n * n

    @property
    def macs(self) -> int:
        return self.score_macs + self.weighted_sum_macs


def attention_cost(n: int, d_k: int, heads: int = 1, d_v: int | None = None) -> AttentionCost:
    """Multiply-adds and attention-matrix size of self-attention over ``n`` positions
    (projections excluded): quadratic in n, linear in the head width."""
    dv = d_k if d_v is None else d_v
    return AttentionCost(heads * n * n * d_k, heads * n * n * dv, heads * n * n)


@dataclass(frozen=True)
class RecurrentShapes:
    output: tuple[int, int, int]
    h_n: tuple[int, int, int]


def recurrent_output_shapes(seq_len: int, batch: int, hidden: int, *, num_layers: int = 1,
                            bidirectional: bool = False, batch_first: bool = False
                            ) -> RecurrentShapes:
    """Shapes of ``output`` and ``h_n`` (and an LSTM's ``c_n``) of ``nn.RNN/LSTM/GRU``.

    The output holds the last layer's states of both directions concatenated (2H wide when
    bidirectional); h_n holds the final state of every layer and direction (num_layers * 2
    rows) and ignores ``batch_first``.
    """
    dirs = 2 if bidirectional else 1
    out = (batch, seq_len, dirs * hidden) if batch_first else (seq_len, batch, dirs * hidden)
    return RecurrentShapes(out, (num_layers * dirs, batch, hidden))
