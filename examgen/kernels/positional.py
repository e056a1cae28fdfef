"""Sinusoidal positional encoding (Vaswani et al. 2017) and embedding + encoding sums.

PE(pos, 2i) = sin(pos / base^(2i / d_model)),  PE(pos, 2i+1) = cos(pos / base^(2i / d_model)).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def pe_angle(pos: float, dim: int, d_model: int, base: float = 10000.0,
             pair_exponent: bool = True) -> float:
    """The angle pos / base^(2i/d_model) used at dimension ``dim`` (i = dim // 2).

    ``pair_exponent=False`` uses i/d_model instead (the factor 2 forgotten),
    a common slip kept here so the misconception is computed by the same code.
    """
    i = dim // 2
    exponent = (2 * i if pair_exponent else i) / d_model
    return float(pos) / float(base) ** exponent


def pe_value(pos: float, dim: int, d_model: int, base: float = 10000.0, *,
             swap_sin_cos: bool = False, pair_exponent: bool = True,
             degrees: bool = False) -> float:
    """One entry PE(pos, dim). Even dims use sin, odd dims cos (``swap_sin_cos`` flips that).

    ``degrees=True`` treats the angle as degrees (a calculator-mode slip).
    """
    if not 0 <= dim < d_model:
        raise ValueError(f"dim must be in [0, {d_model}), got {dim}")
    angle = pe_angle(pos, dim, d_model, base, pair_exponent)
    if degrees:
        angle = np.deg2rad(angle)
    use_sin = (dim % 2 == 0) != swap_sin_cos
    return float(np.sin(angle) if use_sin else np.cos(angle))


def positional_encoding(positions: ArrayLike, d_model: int, base: float = 10000.0, *,
                        swap_sin_cos: bool = False) -> Array:
    """The matrix PE[p, j] for each position p in ``positions`` and j < d_model."""
    pos = np.atleast_1d(np.asarray(positions, dtype=np.float64))
    j = np.arange(d_model)
    rates = float(base) ** (-(2 * (j // 2)) / d_model)
    angles = pos[:, None] * rates[None, :]
    even = (j % 2 == 0) != swap_sin_cos
    return np.where(even[None, :], np.sin(angles), np.cos(angles))


def add_positional(embedding: ArrayLike, encoding: ArrayLike) -> Array:
    """Embedding plus positional encoding, elementwise (the Transformer adds, it does not concat)."""
    e = np.asarray(embedding, dtype=np.float64)
    p = np.asarray(encoding, dtype=np.float64)
    if e.shape != p.shape:
        raise ValueError(f"embedding shape {e.shape} and encoding shape {p.shape} differ")
    return e + p
