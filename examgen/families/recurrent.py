"""Families on recurrent cells: RNN, LSTM and GRU steps, and layer parameter counts."""

from __future__ import annotations

from typing import Any

import numpy as np

from examgen import kernels as K
from examgen.families.base import family, mis


def _vec(x: Any) -> np.ndarray:
    return np.atleast_1d(np.asarray(x, dtype=np.float64))


def _scalars(step: Any, names: str) -> dict[str, float]:
    return {n: float(getattr(step, n)[0]) for n in names.split()}


@family("rnn_step", "one vanilla RNN step h_t = tanh(W_xh x + W_hh h + b)",
        "x h_prev W_xh W_hh b", {"a": "vector", "h": "vector"},
        (mis("forgot_bias", "편향 b를 더하지 않았다.", "Forgot to add the bias b.", "a h",
             use_bias=False),
         mis("forgot_recurrent", "이전 은닉 상태 항 $W_{hh}h_{t-1}$을 빠뜨렸다.",
             "Left out the recurrent term $W_{hh}h_{t-1}$.", "a h", use_recurrent=False),
         mis("sigmoid_for_tanh", "tanh 대신 sigmoid를 적용했다.", "Applied a sigmoid instead of tanh.",
             "h", nonlinearity="sigmoid"),
         mis("no_activation", "활성화 함수를 적용하지 않았다.", "Applied no activation function.",
             "h", nonlinearity="none")))
def rnn_step(p: dict[str, Any], use_bias: bool = True, use_recurrent: bool = True,
             nonlinearity: str = "tanh") -> dict[str, Any]:
    w_hh = np.atleast_2d(p["W_hh"]) * (1.0 if use_recurrent else 0.0)
    step = K.rnn_step(_vec(p["x"]), _vec(p["h_prev"]), np.atleast_2d(p["W_xh"]), w_hh,
                      _vec(p["b"]) if use_bias else None, nonlinearity=nonlinearity)  # type: ignore[arg-type]
    return {"a": step.a, "h": step.h, "xh": np.atleast_2d(p["W_xh"]) @ _vec(p["x"]),
            "hh": np.atleast_2d(p["W_hh"]) @ _vec(p["h_prev"])}


LSTM_MIS = (
    mis("tanh_gate", "게이트(f, i, o)에 sigmoid 대신 tanh를 썼다.",
        "Used tanh for the gates (f, i, o) where a sigmoid belongs.", "f i o c h",
        gate_act="tanh"),
    mis("sigmoid_candidate", "후보 $\\tilde c_t$에 tanh 대신 sigmoid를 썼다.",
        "Used a sigmoid for the candidate $\\tilde c_t$ instead of tanh.", "g c h",
        cand_act="sigmoid"),
    mis("forgot_output_tanh", "$h_t = o_t \\odot c_t$로 계산했다 (tanh 누락).",
        "Computed $h_t = o_t \\odot c_t$ (the tanh left out).", "h", output_tanh=False),
    mis("forgot_forget", "이전 셀 상태에 망각 게이트를 곱하지 않았다.",
        "Did not multiply the previous cell state by the forget gate.", "c h", use_forget=False),
)


@family("lstm_gates", "an LSTM step from given gate pre-activations",
        "a_f a_i a_g a_o c_prev", {"f": "vector", "i": "vector", "g": "vector", "o": "vector",
                                   "c": "vector", "h": "vector"}, LSTM_MIS)
def lstm_gates(p: dict[str, Any], **flags: Any) -> dict[str, Any]:
    pre = np.concatenate([_vec(p["a_i"]), _vec(p["a_f"]), _vec(p["a_g"]), _vec(p["a_o"])])
    n = pre.shape[0]  # identity input weights: the "input" is the stacked pre-activations
    hsize = n // 4
    step = K.lstm_step(pre, np.zeros(hsize), _vec(p["c_prev"]), np.eye(n),
                       np.zeros((n, hsize)), **flags)
    return {"f": step.f, "i": step.i, "g": step.g, "o": step.o, "c": step.c, "h": step.h,
            "tanh_c": np.tanh(step.c), "fc": step.f * _vec(p["c_prev"]), "ig": step.i * step.g}


@family("lstm_step", "one step of a one-unit LSTM from scalar weights",
        "x h_prev c_prev w_f u_f b_f w_i u_i b_i w_g u_g b_g w_o u_o b_o",
        {"f": "scalar", "i": "scalar", "g": "scalar", "o": "scalar", "c": "scalar", "h": "scalar",
         "a_f": "scalar", "a_i": "scalar", "a_g": "scalar", "a_o": "scalar"},
        LSTM_MIS + (mis("forgot_bias", "게이트 계산에서 편향을 빠뜨렸다.",
                        "Left the biases out of the gate computations.",
                        "a_f a_i a_g a_o f i g o c h", use_bias=False),))
def lstm_step(p: dict[str, Any], use_bias: bool = True, **flags: Any) -> dict[str, Any]:
    order = "ifgo"  # PyTorch stacking order
    w_x = np.array([[p[f"w_{k}"]] for k in order], float)
    w_h = np.array([[p[f"u_{k}"]] for k in order], float)
    b = np.array([p[f"b_{k}"] for k in order], float) if use_bias else None
    step = K.lstm_step([p["x"]], [p["h_prev"]], [p["c_prev"]], w_x, w_h, b, **flags)
    out = _scalars(step, "a_f a_i a_g a_o f i g o c h")
    out["tanh_c"] = float(np.tanh(out["c"]))
    return out


GRU_MIS = (
    mis("swap_update", "$z_t$와 $1-z_t$를 바꿔 썼다 ($h_t = (1-z_t)h_{t-1} + z_t\\tilde h_t$).",
        "Swapped $z_t$ and $1-z_t$.", "h", swap_update=True),
    mis("forgot_reset", "후보 상태를 계산할 때 리셋 게이트를 곱하지 않았다.",
        "Did not apply the reset gate when forming the candidate.", "n a_n h", use_reset=False),
    mis("tanh_gate", "게이트(z, r)에 sigmoid 대신 tanh를 썼다.",
        "Used tanh for the gates (z, r) where a sigmoid belongs.", "r z n a_n h", gate_act="tanh"),
)


@family("gru_step", "one step of a one-unit GRU from scalar weights (reset applied to h)",
        "x h_prev w_r u_r b_r w_z u_z b_z w_n u_n b_n",
        {"r": "scalar", "z": "scalar", "n": "scalar", "h": "scalar", "a_r": "scalar",
         "a_z": "scalar", "a_n": "scalar"}, GRU_MIS)
def gru_step(p: dict[str, Any], **flags: Any) -> dict[str, Any]:
    w_x = np.array([[p["w_r"]], [p["w_z"]], [p["w_n"]]], float)
    w_h = np.array([[p["u_r"]], [p["u_z"]], [p["u_n"]]], float)
    b = np.array([p["b_r"], p["b_z"], p["b_n"]], float)
    step = K.gru_step([p["x"]], [p["h_prev"]], w_x, w_h, b, None, reset="before", **flags)
    out = _scalars(step, "a_r a_z a_n r z n h")
    out["rh"] = out["r"] * float(p["h_prev"])
    return out


@family("gru_update", "the GRU interpolation h_t = z*h_prev + (1-z)*h~ from given values",
        "z h_prev n", {"h": "vector"},
        (mis("swap_update", "$z_t$와 $1-z_t$를 바꿔 썼다.", "Swapped $z_t$ and $1-z_t$.", "h",
             swap_update=True),
         mis("no_complement", "$(1-z_t)$ 없이 후보를 그대로 더했다.",
             "Added the candidate without the $(1-z_t)$ factor.", "h", mode="no_complement")))
def gru_update(p: dict[str, Any], swap_update: bool = False, mode: str = "ok"
               ) -> dict[str, Any]:
    z, hp, n = _vec(p["z"]), _vec(p["h_prev"]), _vec(p["n"])
    if mode == "no_complement":
        return {"h": z * hp + n}
    return {"h": K.gru_interpolate(z, hp, n, swap_update=swap_update),
            "keep": z * hp, "new": (1 - z) * n}


@family("recurrent_params", "learnable parameters of a recurrent layer",
        "cell input_size hidden_size", {"count": "int", "per_direction": "int"},
        (mis("one_bias", "게이트 블록마다 편향을 하나만 셌다 (b_ih, b_hh 두 개가 맞음).",
             "Counted one bias per gate block where there are two (b_ih and b_hh).", "count",
             bias_override="one"),
         mis("two_bias", "게이트 블록마다 편향을 두 개 셌다 (하나가 맞음).",
             "Counted two biases per gate block where there is one.", "count",
             bias_override="two"),
         mis("forgot_bias", "편향을 세지 않았다.", "Did not count the biases.", "count",
             bias_override="none"),
         mis("forgot_recurrent", "순환 가중치 $W_{hh}$ ($H\\times H$)를 세지 않았다.",
             "Did not count the recurrent weights $W_{hh}$ ($H\\times H$).", "count",
             mode="no_recurrent"),
         mis("wrong_gate_count", "게이트 블록 수를 잘못 셌다 (예: LSTM을 3개로, GRU나 RNN을 4개로).",
             "Used the wrong number of gate blocks (e.g. 3 for an LSTM, 4 for a GRU or an RNN).",
             "count",
             mode="wrong_gates"),
         mis("bidirectional_not_doubled", "양방향인데 방향 두 개를 세지 않았다.",
             "Did not double the count for the two directions.", "count", mode="one_direction"),
         mis("upper_input_size", "위층의 입력 크기를 H(또는 2H)가 아니라 원래 입력 크기로 썼다.",
             "Gave upper layers the original input size instead of H (or 2H).", "count",
             mode="upper_input")),
        defaults={"num_layers": 1, "bidirectional": 0, "bias": "two"})
def recurrent_params(p: dict[str, Any], bias_override: str | None = None, mode: str = "ok"
                     ) -> dict[str, Any]:
    cell, n_in, hs = str(p["cell"]), int(p["input_size"]), int(p["hidden_size"])
    layers, bidi = int(p["num_layers"]), bool(p["bidirectional"])
    bias = bias_override or str(p["bias"])
    gates = K.params.GATES[cell]
    n_bias = {"two": 2, "one": 1, "none": 0}[bias]
    dirs = 1 if mode == "one_direction" else (2 if bidi else 1)
    if mode == "ok" or mode == "one_direction" or bias_override:
        count = K.recurrent_param_count(cell, n_in, hs, num_layers=layers,  # type: ignore[arg-type]
                                        bidirectional=dirs == 2, bias=bias)  # type: ignore[arg-type]
    else:
        g = {"rnn": 4, "lstm": 3, "gru": 4}[cell] if mode == "wrong_gates" else gates
        count = 0
        for layer in range(layers):
            width = n_in if (layer == 0 or mode == "upper_input") else hs * dirs
            rec = 0 if mode == "no_recurrent" else hs
            count += dirs * (g * hs * (width + rec) + n_bias * g * hs)
    return {"count": count, "gates": gates, "n_bias": n_bias,
            "per_direction": gates * hs * (n_in + hs) + n_bias * gates * hs,
            "w_in": gates * hs * n_in, "w_rec": gates * hs * hs, "biases": n_bias * gates * hs}
