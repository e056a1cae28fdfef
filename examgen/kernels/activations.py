"""Elementwise activations and softmax."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def sigmoid(x: ArrayLike) -> Array:
    """The logistic function 1 / (1 + e^-x), computed without overflow for large |x|."""
    a = np.asarray(x, dtype=np.float64)
    out = np.empty_like(a)
    pos = a >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-a[pos]))
    e = np.exp(a[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def tanh(x: ArrayLike) -> Array:
    return np.tanh(np.asarray(x, dtype=np.float64))


def softmax(x: ArrayLike, axis: int = -1, temperature: float = 1.0) -> Array:
    """Softmax along ``axis`` of ``x / temperature``, shifted by the maximum for stability."""
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    a = np.asarray(x, dtype=np.float64) / temperature
    shifted = a - np.max(a, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
