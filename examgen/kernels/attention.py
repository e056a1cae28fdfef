"""Attention: scaled dot-product, seq2seq (Luong dot/general, Bahdanau additive), multi-head.

Conventions: sequences are rows (X has shape (n, d)); projections multiply on the right
(Q = X W_Q with W_Q of shape (d_model, d_k)), as in the Transformer paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from examgen.kernels.activations import softmax

Array = NDArray[np.float64]


def _f64(a: ArrayLike) -> Array:
    return np.asarray(a, dtype=np.float64)


def scaled_dot_product_attention(q: ArrayLike, k: ArrayLike, v: ArrayLike, *,
                                 scale: float | None = None,
                                 mask: ArrayLike | None = None) -> tuple[Array, Array, Array]:
    """softmax(Q K^T * scale) V with scale = 1/sqrt(d_k) by default.

    Returns (output, weights, scores); ``scores`` are the scaled logits before softmax.
    ``mask`` is boolean, True where attention is allowed.
    """
    qa, ka, va = _f64(q), _f64(k), _f64(v)
    if scale is None:
        scale = 1.0 / np.sqrt(qa.shape[-1])
    scores = (qa @ np.swapaxes(ka, -1, -2)) * scale
    if mask is not None:
        scores = np.where(np.asarray(mask, dtype=bool), scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ va, weights, scores


Score = Literal["dot", "general", "additive"]


def seq2seq_attention(s: ArrayLike, h: ArrayLike, score: Score = "dot", *,
                      w: ArrayLike | None = None, w1: ArrayLike | None = None,
                      w2: ArrayLike | None = None, v: ArrayLike | None = None
                      ) -> tuple[Array, Array, Array]:
    """Attention of one decoder state ``s`` (d,) over encoder states ``h`` (T, d).

    score = "dot":      e_i = s . h_i                       (Luong dot)
    score = "general":  e_i = s . (W h_i)                   (Luong general, W: (d_s, d_h))
    score = "additive": e_i = v . tanh(W1 h_i + W2 s)       (Bahdanau)
    Returns (scores e, weights alpha = softmax(e), context c = sum_i alpha_i h_i).
    """
    sa, ha = _f64(s), _f64(h)
    if score == "dot":
        e = ha @ sa
    elif score == "general":
        if w is None:
            raise ValueError("score 'general' needs w")
        e = (ha @ _f64(w).T) @ sa
    elif score == "additive":
        if w1 is None or w2 is None or v is None:
            raise ValueError("score 'additive' needs w1, w2 and v")
        e = np.tanh(ha @ _f64(w1).T + _f64(w2) @ sa) @ _f64(v)
    else:
        raise ValueError(f"unknown score {score!r}; expected dot, general or additive")
    alpha = softmax(e)
    return e, alpha, alpha @ ha


@dataclass(frozen=True)
class MultiheadDims:
    d_model: int
    num_heads: int
    d_k: int
    d_v: int
    concat: int  # num_heads * d_v, the width of the concatenated heads


def multihead_dims(d_model: int, num_heads: int, d_v: int | None = None) -> MultiheadDims:
    """Per-head sizes of standard multi-head attention: d_k = d_v = d_model / h."""
    if num_heads <= 0 or d_model <= 0:
        raise ValueError("d_model and num_heads must be positive")
    if d_model % num_heads:
        raise ValueError(f"d_model={d_model} is not divisible by num_heads={num_heads}")
    d_k = d_model // num_heads
    dv = d_k if d_v is None else d_v
    return MultiheadDims(d_model, num_heads, d_k, dv, num_heads * dv)


@dataclass(frozen=True)
class MultiheadParams:
    q: int
    k: int
    v: int
    out: int

    @property
    def total(self) -> int:
        return self.q + self.k + self.v + self.out


def multihead_param_count(d_model: int, num_heads: int, *, bias: bool = True,
                          kdim: int | None = None, vdim: int | None = None) -> MultiheadParams:
    """Learnable parameters of a multi-head attention layer (W_Q, W_K, W_V, W_O and biases).

    With d_k = d_v = d_model / h the count does not depend on h: 4 d_model^2 (+ 4 d_model).
    ``kdim``/``vdim`` are the widths of the key/value inputs when they differ from d_model.
    """
    multihead_dims(d_model, num_heads)  # validates divisibility
    kd = d_model if kdim is None else kdim
    vd = d_model if vdim is None else vdim
    b = d_model if bias else 0
    return MultiheadParams(q=d_model * d_model + b, k=kd * d_model + b,
                           v=vd * d_model + b, out=d_model * d_model + b)


def multihead_attention(query: ArrayLike, key: ArrayLike, value: ArrayLike, *,
                        w_q: ArrayLike, w_k: ArrayLike, w_v: ArrayLike, w_o: ArrayLike,
                        num_heads: int, b_q: ArrayLike | None = None,
                        b_k: ArrayLike | None = None, b_v: ArrayLike | None = None,
                        b_o: ArrayLike | None = None) -> tuple[Array, Array]:
    """Multi-head attention of (n, d_model) queries over (m, ·) keys/values.

    Each head h uses columns [h*d_k, (h+1)*d_k) of the projections. Returns (output (n, d_model),
    weights (num_heads, n, m)).
    """
    def proj(x: ArrayLike, w: ArrayLike, b: ArrayLike | None) -> Array:
        y = _f64(x) @ _f64(w)
        return y if b is None else y + _f64(b)

    q, k, v = proj(query, w_q, b_q), proj(key, w_k, b_k), proj(value, w_v, b_v)
    d_model = q.shape[-1]
    dims = multihead_dims(d_model, num_heads)

    def split(x: Array) -> Array:  # (n, d_model) -> (heads, n, d_k)
        return x.reshape(x.shape[0], num_heads, dims.d_k).transpose(1, 0, 2)

    heads, weights, _ = scaled_dot_product_attention(split(q), split(k), split(v))
    concat = heads.transpose(1, 0, 2).reshape(q.shape[0], d_model)
    return proj(concat, w_o, b_o), weights
