"""Kernels without a library counterpart, checked against cases computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from examgen import kernels as K


def test_seed_embedding_plus_pe() -> None:
    # the course quiz: [0.5, 0.3, 0.8] + [0.1, 0.2, 0.05] = [0.6, 0.5, 0.85]
    np.testing.assert_allclose(K.add_positional([0.5, 0.3, 0.8], [0.1, 0.2, 0.05]),
                               [0.6, 0.5, 0.85], atol=1e-12)


def test_add_positional_rejects_shape_mismatch() -> None:
    with pytest.raises(ValueError, match="differ"):
        K.add_positional([1, 2, 3], [1, 2])


def test_pe_position_zero_alternates_zero_one() -> None:
    np.testing.assert_array_equal(K.positional_encoding([0], 6)[0], [0, 1, 0, 1, 0, 1])


def test_pe_d4_position_1_by_hand() -> None:
    # d_model = 4: rates 10000^0 = 1 and 10000^(2/4) = 100
    expected = [math.sin(1), math.cos(1), math.sin(0.01), math.cos(0.01)]
    np.testing.assert_allclose(K.positional_encoding([1], 4)[0], expected, rtol=1e-15)
    assert K.pe_value(1, 0, 4) == pytest.approx(0.8414709848, abs=1e-10)
    assert K.pe_value(1, 1, 4) == pytest.approx(0.5403023059, abs=1e-10)
    assert K.pe_value(1, 2, 4) == pytest.approx(0.0099998333, abs=1e-10)


def test_pe_d8_position_2_dim_5_by_hand() -> None:
    # dim 5 is odd -> cos; i = 2, exponent 4/8 -> 10000^0.5 = 100; angle 2/100
    assert K.pe_value(2, 5, 8) == pytest.approx(math.cos(0.02), abs=1e-15)
    # factor 2 forgotten: exponent 2/8 -> 10000^0.25 = 10; angle 0.2
    assert K.pe_value(2, 5, 8, pair_exponent=False) == pytest.approx(math.cos(0.2), abs=1e-15)
    assert K.pe_value(2, 5, 8, swap_sin_cos=True) == pytest.approx(math.sin(0.02), abs=1e-15)


def test_pe_matrix_agrees_with_pe_value() -> None:
    m = K.positional_encoding(np.arange(7), 10)
    for p in range(7):
        for j in range(10):
            assert m[p, j] == pytest.approx(K.pe_value(p, j, 10), abs=1e-15)


def test_multihead_dims_by_hand() -> None:
    d = K.multihead_dims(512, 8)
    assert (d.d_k, d.d_v, d.concat) == (64, 64, 512)
    with pytest.raises(ValueError, match="not divisible"):
        K.multihead_dims(512, 7)


def test_multihead_params_by_hand() -> None:
    # 4 * 512^2 + 4 * 512 = 1,050,624
    assert K.multihead_param_count(512, 8).total == 1_050_624
    assert K.multihead_param_count(512, 8, bias=False).total == 1_048_576


def test_recurrent_param_count_by_hand() -> None:
    # LSTM, in 10, hidden 20: 4 * 20 * (10 + 20) + 2 * 4 * 20 = 2400 + 160
    assert K.recurrent_param_count("lstm", 10, 20) == 2560
    assert K.recurrent_param_count("lstm", 10, 20, bias="one") == 2480
    # GRU bidirectional 2 layers, in 3, hidden 2, one bias:
    # layer 0: 2 * (3*2*(3+2) + 3*2) = 2 * 36 = 72; layer 1 input 4: 2 * (3*2*(4+2) + 6) = 84
    assert K.recurrent_param_count("gru", 3, 2, num_layers=2, bidirectional=True,
                                   bias="one") == 156


def test_gradient_scale_and_steps_by_hand() -> None:
    assert K.gradient_scale(0.5, 10) == pytest.approx(1 / 1024)
    assert K.steps_below(0.5, 0.01) == 7        # 0.5^6 = 0.0156, 0.5^7 = 0.0078
    assert K.steps_below(0.9, 0.1) == 22        # 0.9^21 = 0.1094, 0.9^22 = 0.0985
    assert K.steps_below(0.1, 0.001) == 4       # 0.1^3 == 0.001 is not below; 0.1^4 is
    assert K.steps_above(2.0, 1000) == 10       # 2^9 = 512, 2^10 = 1024
    assert K.steps_above(1.1, 2) == 8           # 1.1^7 = 1.949, 1.1^8 = 2.144


def test_clip_by_norm_by_hand() -> None:
    out = K.clip_by_norm([3.0, 4.0], 1.0)
    assert out.norm == 5.0 and out.factor == pytest.approx(0.2)
    np.testing.assert_allclose(out.grads[0], [0.6, 0.8])
    same = K.clip_by_norm([0.3, 0.4], 1.0)
    assert same.factor == 1.0
    np.testing.assert_array_equal(same.grads[0], [0.3, 0.4])


def test_lstm_scalar_by_hand() -> None:
    # one unit; all pre-activations chosen as 0 except the candidate:
    # i = f = o = 0.5, g = tanh(1) = 0.761594; c = 0.5*2 + 0.5*0.761594 = 1.380797
    w_x = np.array([[0.0], [0.0], [1.0], [0.0]])
    w_h = np.zeros((4, 1))
    step = K.lstm_step([1.0], [0.0], [2.0], w_x, w_h)
    assert step.c[0] == pytest.approx(1.0 + 0.5 * math.tanh(1), abs=1e-12)
    assert step.h[0] == pytest.approx(0.5 * math.tanh(1.0 + 0.5 * math.tanh(1)), abs=1e-12)


def test_gru_update_convention_and_swap() -> None:
    # z = sigmoid(0) = 0.5 would hide a swap; make z = sigmoid(ln 3) = 0.75, r = 1-ish
    w_x = np.array([[0.0], [math.log(3)], [0.0]])
    w_h = np.zeros((3, 1))
    step = K.gru_step([1.0], [2.0], w_x, w_h)  # n = tanh(0) = 0
    assert step.z[0] == pytest.approx(0.75)
    assert step.h[0] == pytest.approx(0.75 * 2.0)          # z * h_prev + (1-z) * 0
    swapped = K.gru_step([1.0], [2.0], w_x, w_h, swap_update=True)
    assert swapped.h[0] == pytest.approx(0.25 * 2.0)


def test_softmax_stable_for_large_inputs() -> None:
    out = K.softmax([1000.0, 1000.0])
    np.testing.assert_allclose(out, [0.5, 0.5])
    assert np.isfinite(K.sigmoid([-1000.0, 1000.0])).all()
