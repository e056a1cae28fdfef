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
from examgen.kernels.decoding import (
    BeamStep,
    Bleu,
    MaskCounts,
    beam_search_step,
    bleu,
    brevity_penalty,
    mlm_mask_counts,
    modified_precision,
    perplexity,
    sequence_cross_entropy,
)
from examgen.kernels.gradients import (
    bptt_scalar,
    clip_by_norm,
    gradient_scale,
    steps_above,
    steps_below,
)
from examgen.kernels.layers import (
    AttentionCost,
    BertParams,
    EncoderLayerParams,
    RecurrentShapes,
    attention_cost,
    bert_param_count,
    causal_mask,
    causal_self_attention,
    encoder_layer_param_count,
    layer_norm,
    recurrent_output_shapes,
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
    "AttentionCost",
    "BeamStep",
    "BertParams",
    "Bleu",
    "EncoderLayerParams",
    "GRUStep",
    "LSTMStep",
    "MaskCounts",
    "MultiheadDims",
    "MultiheadParams",
    "RNNStep",
    "RecurrentShapes",
    "add_positional",
    "attention_cost",
    "beam_search_step",
    "bert_param_count",
    "bleu",
    "bptt_scalar",
    "brevity_penalty",
    "causal_mask",
    "causal_self_attention",
    "clip_by_norm",
    "encoder_layer_param_count",
    "gradient_scale",
    "gru_interpolate",
    "gru_step",
    "layer_norm",
    "lstm_step",
    "mlm_mask_counts",
    "modified_precision",
    "multihead_attention",
    "multihead_dims",
    "multihead_param_count",
    "pe_value",
    "perplexity",
    "positional_encoding",
    "recurrent_output_shapes",
    "recurrent_param_count",
    "rnn_step",
    "scaled_dot_product_attention",
    "seq2seq_attention",
    "sequence_cross_entropy",
    "sigmoid",
    "softmax",
    "steps_above",
    "steps_below",
    "tanh",
]
