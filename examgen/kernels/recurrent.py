"""One time step of a vanilla RNN, an LSTM and a GRU.

Conventions: column vectors; W_x has shape (gates*H, input), W_h (gates*H, H); stacked gate
blocks in PyTorch's order (LSTM: i, f, g, o; GRU: r, z, n), so the same weights can be loaded
into ``torch.nn.LSTMCell``/``GRUCell`` for cross-checking. GRU update follows the course notes:
h_t = z * h_{t-1} + (1 - z) * h~_t (PyTorch uses the same convention).

The keyword flags reproduce typical mistakes so that misconception answers are computed by this
same code: a sigmoid swapped for tanh, a forgotten bias, z and 1-z swapped, and so on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from examgen.kernels.activations import sigmoid

Array = NDArray[np.float64]


def _f64(a: ArrayLike) -> Array:
    return np.asarray(a, dtype=np.float64)


def _affine(w_x: ArrayLike, x: ArrayLike, w_h: ArrayLike, h: ArrayLike,
            b: ArrayLike | None) -> Array:
    out = _f64(w_x) @ _f64(x) + _f64(w_h) @ _f64(h)
    return out if b is None else out + _f64(b)


@dataclass(frozen=True)
class RNNStep:
    a: Array  # pre-activation W_x x + W_h h + b
    h: Array


def rnn_step(x: ArrayLike, h_prev: ArrayLike, w_x: ArrayLike, w_h: ArrayLike,
             b: ArrayLike | None = None, *,
             nonlinearity: Literal["tanh", "relu", "sigmoid", "none"] = "tanh") -> RNNStep:
    """h_t = act(W_x x_t + W_h h_{t-1} + b)."""
    a = _affine(w_x, x, w_h, h_prev, b)
    return RNNStep(a=a, h=_ACTIVATIONS[nonlinearity](a))


_ACTIVATIONS: dict[str, Callable[[Array], Array]] = {
    "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "sigmoid": sigmoid,
    "none": lambda z: z,
}


@dataclass(frozen=True)
class LSTMStep:
    a_i: Array
    a_f: Array
    a_g: Array
    a_o: Array
    i: Array
    f: Array
    g: Array  # candidate cell content c~_t
    o: Array
    c: Array
    h: Array


def lstm_step(x: ArrayLike, h_prev: ArrayLike, c_prev: ArrayLike, w_x: ArrayLike,
              w_h: ArrayLike, b: ArrayLike | None = None, *,
              gate_act: Literal["sigmoid", "tanh"] = "sigmoid",
              cand_act: Literal["tanh", "sigmoid"] = "tanh",
              output_tanh: bool = True, use_forget: bool = True) -> LSTMStep:
    """One LSTM step; gates stacked i, f, g, o.

    c_t = f * c_{t-1} + i * g,  h_t = o * tanh(c_t).
    ``gate_act="tanh"``: tanh where a sigmoid gate belongs; ``cand_act="sigmoid"``: the reverse;
    ``output_tanh=False``: h_t = o * c_t; ``use_forget=False``: c_t = c_{t-1} + i * g.
    """
    a = _affine(w_x, x, w_h, h_prev, b)
    a_i, a_f, a_g, a_o = np.split(a, 4)
    gate = sigmoid if gate_act == "sigmoid" else np.tanh
    cand = np.tanh if cand_act == "tanh" else sigmoid
    i, f, g, o = gate(a_i), gate(a_f), cand(a_g), gate(a_o)
    c_prev_a = _f64(c_prev)
    c = (f * c_prev_a if use_forget else c_prev_a) + i * g
    h = o * (np.tanh(c) if output_tanh else c)
    return LSTMStep(a_i, a_f, a_g, a_o, i, f, g, o, c, h)


@dataclass(frozen=True)
class GRUStep:
    a_r: Array
    a_z: Array
    a_n: Array
    r: Array
    z: Array
    n: Array  # candidate state h~_t
    h: Array


def gru_step(x: ArrayLike, h_prev: ArrayLike, w_x: ArrayLike, w_h: ArrayLike,
             b_x: ArrayLike | None = None, b_h: ArrayLike | None = None, *,
             reset: Literal["after", "before"] = "after", swap_update: bool = False,
             use_reset: bool = True, gate_act: Literal["sigmoid", "tanh"] = "sigmoid") -> GRUStep:
    """One GRU step; gates stacked r, z, n.

    r = s(W_xr x + b_xr + W_hr h + b_hr), z likewise,
    reset="after" (PyTorch, cuDNN):  n = tanh(W_xn x + b_xn + r * (W_hn h + b_hn))
    reset="before" (Cho et al. 2014): n = tanh(W_xn x + b_xn + W_hn (r * h) + b_hn)
    h_t = z * h_{t-1} + (1 - z) * n          (``swap_update=True``: z and 1 - z swapped).
    ``use_reset=False`` forgets the reset gate (r = 1).
    """
    hp = _f64(h_prev)
    hsize = hp.shape[0]
    gx = _f64(w_x) @ _f64(x) + (0.0 if b_x is None else _f64(b_x))
    wh = _f64(w_h)
    bh = np.zeros(3 * hsize) if b_h is None else _f64(b_h)
    gh_rz = wh[: 2 * hsize] @ hp + bh[: 2 * hsize]
    gate = sigmoid if gate_act == "sigmoid" else np.tanh
    a_r = gx[:hsize] + gh_rz[:hsize]
    a_z = gx[hsize: 2 * hsize] + gh_rz[hsize:]
    r = gate(a_r) if use_reset else np.ones(hsize)
    z = gate(a_z)
    w_hn, b_hn = wh[2 * hsize:], bh[2 * hsize:]
    if reset == "after":
        a_n = gx[2 * hsize:] + r * (w_hn @ hp + b_hn)
    else:
        a_n = gx[2 * hsize:] + w_hn @ (r * hp) + b_hn
    n = np.tanh(a_n)
    return GRUStep(a_r, a_z, a_n, r, z, n, gru_interpolate(z, hp, n, swap_update=swap_update))


def gru_interpolate(z: ArrayLike, h_prev: ArrayLike, n: ArrayLike, *,
                    swap_update: bool = False) -> Array:
    """The GRU output h_t = z * h_{t-1} + (1 - z) * n (``swap_update``: z and 1 - z swapped)."""
    za, hp, na = _f64(z), _f64(h_prev), _f64(n)
    return za * na + (1 - za) * hp if swap_update else za * hp + (1 - za) * na
