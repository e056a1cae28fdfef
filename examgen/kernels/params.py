"""Parameter counts of recurrent layers (vanilla RNN, LSTM, GRU)."""

from __future__ import annotations

from typing import Literal

GATES = {"rnn": 1, "lstm": 4, "gru": 3}

Cell = Literal["rnn", "lstm", "gru"]
Bias = Literal["two", "one", "none"]


def recurrent_param_count(cell: Cell, input_size: int, hidden_size: int, *,
                          num_layers: int = 1, bidirectional: bool = False,
                          bias: Bias = "two") -> int:
    """Learnable parameters of a (stacked, optionally bidirectional) recurrent layer.

    Each gate block has an input matrix (H x in) and a recurrent matrix (H x H). ``bias="two"``
    counts b_ih and b_hh per block (PyTorch, cuDNN), ``"one"`` a single bias per block (the
    textbook form), ``"none"`` no bias. Layers above the first read the previous layer's output,
    of width H, or 2H when bidirectional.
    """
    if cell not in GATES:
        raise ValueError(f"unknown cell {cell!r}; expected one of {sorted(GATES)}")
    if min(input_size, hidden_size, num_layers) <= 0:
        raise ValueError("input_size, hidden_size and num_layers must be positive")
    n_bias = {"two": 2, "one": 1, "none": 0}[bias]
    g, hs = GATES[cell], hidden_size
    dirs = 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        width = input_size if layer == 0 else hs * dirs
        per_direction = g * hs * (width + hs) + n_bias * g * hs
        total += dirs * per_direction
    return total
