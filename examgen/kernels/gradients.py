"""Gradient scaling across time steps and gradient-norm clipping."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def gradient_scale(lam: float, steps: int) -> float:
    """The factor lam^T by which a gradient is scaled after T steps with per-step factor lam."""
    return float(lam) ** int(steps)


def steps_below(lam: float, eps: float) -> int:
    """The smallest T >= 1 with lam^T < eps (vanishing: 0 < lam < 1, 0 < eps < 1)."""
    if not 0 < lam < 1 or not 0 < eps < 1:
        raise ValueError("need 0 < lam < 1 and 0 < eps < 1")
    t = max(1, math.floor(math.log(eps) / math.log(lam)))
    while lam**t >= eps:  # floor can land on equality or float error; step to the first T
        t += 1
    while t > 1 and lam ** (t - 1) < eps:
        t -= 1
    return t


def steps_above(lam: float, threshold: float) -> int:
    """The smallest T >= 1 with lam^T > threshold (exploding: lam > 1, threshold > 1)."""
    if not lam > 1 or not threshold > 1:
        raise ValueError("need lam > 1 and threshold > 1")
    t = max(1, math.floor(math.log(threshold) / math.log(lam)))
    while lam**t <= threshold:
        t += 1
    while t > 1 and lam ** (t - 1) > threshold:
        t -= 1
    return t


@dataclass(frozen=True)
class Clipped:
    grads: tuple[Array, ...]
    norm: float     # global L2 norm before clipping
    factor: float   # multiplier applied (1.0 when the norm was within bounds)


def clip_by_norm(grads: Sequence[ArrayLike] | ArrayLike, max_norm: float) -> Clipped:
    """Rescale gradients so that their global L2 norm is at most ``max_norm``.

    g <- g * max_norm / ||g|| when ||g|| > max_norm, otherwise unchanged. ``grads`` is one array
    or a sequence of arrays (the norm is taken over all of them together).
    """
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    arrays: list[Array]
    if isinstance(grads, np.ndarray) or (isinstance(grads, Sequence) and grads
                                          and np.isscalar(grads[0])):
        arrays = [np.asarray(grads, dtype=np.float64)]
    else:
        arrays = [np.asarray(g, dtype=np.float64) for g in grads]  # type: ignore[union-attr]
    norm = float(np.sqrt(sum(float(np.sum(a * a)) for a in arrays)))
    factor = max_norm / norm if norm > max_norm else 1.0
    return Clipped(tuple(a * factor for a in arrays), norm, factor)


@dataclass(frozen=True)
class BPTTScalar:
    h: Array              # h_0 .. h_T
    local: Array          # dh_t/dh_{t-1} = w_h * (1 - h_t^2), t = 1..T
    grad: float           # dh_T/dh_0, the product of the local factors


def bptt_scalar(w_h: float, w_x: float, b: float, xs: ArrayLike, h0: float = 0.0,
                ) -> BPTTScalar:
    """A scalar tanh RNN h_t = tanh(w_h h_{t-1} + w_x x_t + b) over ``xs`` and dh_T/dh_0."""
    x = np.asarray(xs, dtype=np.float64)
    h = np.empty(x.shape[0] + 1)
    h[0] = h0
    for t, xt in enumerate(x, start=1):
        h[t] = np.tanh(w_h * h[t - 1] + w_x * xt + b)
    local = w_h * (1.0 - h[1:] ** 2)
    return BPTTScalar(h=h, local=local, grad=float(np.prod(local)))
