"""Reference numeric computations: the single source of every computed answer.

Pure numpy functions, no I/O and no randomness. Each one is cross-checked against an independent
implementation (PyTorch where it has one, hand-computed cases where it does not) in
``tests/unit/kernels``.
"""

from examgen.kernels.activations import sigmoid, softmax, tanh
from examgen.kernels.attention import (
    MultiheadDims,
    MultiheadParams,
    multihead_attention,
    multihead_dims,
    multihead_param_count,
    scaled_dot_product_attention,
    seq2seq_attention,
)
from examgen.kernels.gradients import (
    bptt_scalar,
    clip_by_norm,
    gradient_scale,
    steps_above,
    steps_below,
)
from examgen.kernels.params import recurrent_param_count
from examgen.kernels.positional import add_positional, pe_value, positional_encoding
from examgen.kernels.recurrent import (
    GRUStep,
    LSTMStep,
    RNNStep,
    gru_interpolate,
    gru_step,
    lstm_step,
    rnn_step,
)

__all__ = [
    "GRUStep",
    "LSTMStep",
    "MultiheadDims",
    "MultiheadParams",
    "RNNStep",
    "add_positional",
    "bptt_scalar",
    "clip_by_norm",
    "gradient_scale",
    "gru_interpolate",
    "gru_step",
    "lstm_step",
    "multihead_attention",
    "multihead_dims",
    "multihead_param_count",
    "pe_value",
    "positional_encoding",
    "recurrent_param_count",
    "rnn_step",
    "scaled_dot_product_attention",
    "seq2seq_attention",
    "sigmoid",
    "softmax",
    "steps_above",
    "steps_below",
    "tanh",
]
