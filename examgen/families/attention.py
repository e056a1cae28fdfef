"""Families on attention: softmax, scaled dot-product, seq2seq attention, multi-head sizes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from examgen import kernels as K
from examgen.families.base import family, mis


@family("softmax", "softmax of a score vector, optionally with a temperature", "z",
        {"probs": "vector", "exps": "vector", "total": "scalar"},
        (mis("linear_norm", "지수 함수 없이 점수를 합으로 나눴다 (z_i / Σz).",
             "Divided the scores by their sum without exponentiating.", "probs", mode="linear"),
         mis("no_temperature", "온도 T로 나누는 것을 잊었다.", "Forgot to divide by the temperature T.",
             "probs exps total", mode="no_temp")),
        defaults={"temperature": 1})
def softmax(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    z = np.asarray(p["z"], float)
    temp = 1.0 if mode == "no_temp" else float(p["temperature"])
    exps = np.exp(z / temp)
    probs = z / z.sum() if mode == "linear" else K.softmax(z, temperature=temp)
    return {"probs": probs, "exps": exps, "total": float(exps.sum())}


SCALE_MIS = (
    mis("no_scaling", "$1/\\sqrt{d_k}$ 스케일링을 빠뜨렸다.", "Forgot the $1/\\sqrt{d_k}$ scaling.",
        "scores weights output", scale="none"),
    mis("dmodel_for_dk", "$\\sqrt{d_k}$ 자리에 $\\sqrt{d_{model}}$을 썼다.",
        "Scaled by $\\sqrt{d_{model}}$ where $\\sqrt{d_k}$ belongs.", "scores weights output scale",
        scale="d_model"),
    mis("no_sqrt", "$\\sqrt{d_k}$ 대신 $d_k$로 나눴다.", "Divided by $d_k$ instead of $\\sqrt{d_k}$.",
        "scores weights output scale", scale="dk"),
)


@family("scaled_attention", "scaled dot-product attention of one query over a few keys",
        "q K V", {"raw": "vector", "scores": "vector", "weights": "vector", "output": "vector",
                  "scale": "scalar"}, SCALE_MIS, defaults={"d_model": 0})
def scaled_attention(p: dict[str, Any], scale: str = "sqrt_dk") -> dict[str, Any]:
    q = np.asarray(p["q"], float)
    d_k = q.shape[0]
    factor = {"sqrt_dk": 1 / math.sqrt(d_k), "none": 1.0, "dk": 1 / d_k,
              "d_model": 1 / math.sqrt(p["d_model"]) if p["d_model"] else 1.0}[scale]
    out, w, s = K.scaled_dot_product_attention(q[None, :], p["K"], p["V"], scale=factor)
    return {"raw": np.asarray(p["K"], float) @ q, "scores": s[0], "weights": w[0],
            "output": out[0], "scale": factor, "d_k": d_k, "sqrt_dk": math.sqrt(d_k)}


@family("seq2seq_attention", "Luong dot attention of a decoder state over encoder states",
        "s H", {"scores": "vector", "weights": "vector", "context": "vector"},
        (mis("raw_scores", "softmax 없이 점수를 그대로 가중치로 썼다.",
             "Used the raw scores as weights without softmax.", "weights context", mode="raw"),
         mis("uniform", "점수를 무시하고 인코더 상태를 단순 평균했다.",
             "Ignored the scores and averaged the encoder states.", "weights context",
             mode="uniform"),
         mis("hard", "가장 큰 점수의 인코더 상태 하나만 골랐다 (hard attention).",
             "Took only the encoder state with the largest score.", "weights context",
             mode="hard")))
def seq2seq_attention(p: dict[str, Any], mode: str = "softmax") -> dict[str, Any]:
    h = np.asarray(p["H"], float)
    e, alpha, ctx = K.seq2seq_attention(p["s"], h, "dot")
    if mode == "raw":
        alpha = e
    elif mode == "uniform":
        alpha = np.full(len(e), 1 / len(e))
    elif mode == "hard":
        alpha = (np.arange(len(e)) == int(np.argmax(e))).astype(float)
    if mode != "softmax":
        ctx = alpha @ h
    return {"scores": e, "weights": alpha, "context": ctx, "T": h.shape[0],
            "exps": np.exp(e - e.max())}


@family("mha_dims", "per-head and concatenated sizes in multi-head attention", "d_model h",
        {"d_k": "int", "d_v": "int", "concat": "int", "qk_entries": "int"},
        (mis("dk_is_dmodel", "헤드마다 $d_k = d_{model}$이라고 보았다 (나누지 않음).",
             "Took $d_k = d_{model}$ for each head (no division).", "d_k d_v",
             mode="full"),
         mis("multiplied", "$d_{model}$을 h로 나누지 않고 곱했다.",
             "Multiplied $d_{model}$ by h instead of dividing.", "d_k d_v", mode="mul"),
         mis("concat_full", "이어 붙인 차원을 $h \\times d_{model}$로 계산했다.",
             "Computed the concatenated width as $h \\times d_{model}$.", "concat",
             mode="concat_full")),
        defaults={"n": 1})
def mha_dims(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    dims = K.multihead_dims(int(p["d_model"]), int(p["h"]))
    d_k = {"ok": dims.d_k, "concat_full": dims.d_k, "full": dims.d_model,
           "mul": dims.d_model * dims.num_heads}[mode]
    concat = dims.num_heads * dims.d_model if mode == "concat_full" else dims.concat
    return {"d_k": d_k, "d_v": d_k, "concat": concat, "qk_entries": int(p["n"]) ** 2}


@family("mha_params", "learnable parameters of a multi-head attention layer", "d_model h",
        {"total": "int", "per_proj": "int"},
        (mis("forgot_bias", "편향(bias) 벡터를 세지 않았다.", "Did not count the bias vectors.",
             "total per_proj", bias_mode="none"),
         mis("no_output_proj", "출력 투영 $W_O$를 빠뜨렸다.", "Left out the output projection $W_O$.",
             "total", mode="no_out"),
         mis("per_head_full", "헤드마다 $d_{model}\\times d_{model}$ 크기의 Q/K/V 행렬이 있다고 보았다.",
             "Gave every head full $d_{model}\\times d_{model}$ Q/K/V matrices.", "total",
             mode="per_head_full")),
        defaults={"bias": 1})
def mha_params(p: dict[str, Any], mode: str = "ok", bias_mode: str = "as_given"
               ) -> dict[str, Any]:
    d, h = int(p["d_model"]), int(p["h"])
    bias = bool(p["bias"]) and bias_mode != "none"
    c = K.multihead_param_count(d, h, bias=bias)
    total = {"ok": c.total, "no_out": c.q + c.k + c.v,
             "per_head_full": h * (c.q + c.k + c.v) + c.out}[mode]
    return {"total": total, "per_proj": c.q, "d_k": d // h, "weights_only": 4 * d * d}
