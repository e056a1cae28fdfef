"""Families on gradients: scaling over time steps, BPTT through a scalar RNN, clipping."""

from __future__ import annotations

from typing import Any

import numpy as np

from examgen import kernels as K
from examgen.families.base import family, mis


@family("grad_scale", "the factor lambda^T a gradient picks up over T steps", "lam T",
        {"factor": "scalar"},
        (mis("linear", "거듭제곱 대신 곱했다 ($\\lambda \\times T$).",
             "Multiplied instead of raising to a power ($\\lambda \\times T$).", "factor",
             mode="linear"),
         mis("off_by_one", "$\\lambda^{T-1}$로 한 단계 덜 곱했다.",
             "Applied one factor too few ($\\lambda^{T-1}$).", "factor", mode="off_by_one")))
def grad_scale(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    lam, t = float(p["lam"]), int(p["T"])
    factor = {"ok": K.gradient_scale(lam, t), "linear": lam * t,
              "off_by_one": K.gradient_scale(lam, t - 1)}[mode]
    return {"factor": factor, "log10_factor": float(np.log10(abs(factor))) if factor else 0.0}


@family("vanishing_steps", "the first T with lambda^T below epsilon", "lam eps",
        {"steps": "int", "ratio": "scalar"},
        (mis("last_above", "아직 ε 이상인 마지막 단계(T−1)를 답했다.",
             "Answered the last step still at or above ε (T−1).", "steps", mode="minus_one"),))
def vanishing_steps(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    lam, eps = float(p["lam"]), float(p["eps"])
    t = K.steps_below(lam, eps)
    return {"steps": t - 1 if mode == "minus_one" else t,
            "ratio": float(np.log(eps) / np.log(lam)), "at_t": lam**t, "before_t": lam ** (t - 1)}


@family("exploding_steps", "the first T with lambda^T above a threshold", "lam threshold",
        {"steps": "int", "ratio": "scalar"},
        (mis("last_below", "아직 임계값 이하인 마지막 단계(T−1)를 답했다.",
             "Answered the last step still at or below the threshold (T−1).", "steps",
             mode="minus_one"),))
def exploding_steps(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    lam, th = float(p["lam"]), float(p["threshold"])
    t = K.steps_above(lam, th)
    return {"steps": t - 1 if mode == "minus_one" else t,
            "ratio": float(np.log(th) / np.log(lam)), "at_t": lam**t, "before_t": lam ** (t - 1)}


@family("grad_clip", "gradient-norm clipping of one gradient vector", "g max_norm",
        {"norm": "scalar", "factor": "scalar", "clipped": "vector"},
        (mis("clip_by_value", "노름으로 비율 조정하지 않고 원소마다 ±임계값으로 잘랐다.",
             "Clipped each element to ±threshold instead of rescaling by the norm.", "clipped",
             mode="value"),
         mis("l1_norm", "L2 노름 대신 L1 노름(절댓값 합)을 썼다.",
             "Used the L1 norm (sum of absolute values) instead of the L2 norm.",
             "norm factor clipped", mode="l1"),
         mis("inverted_factor", "배율을 뒤집어 곱했다 (‖g‖/임계값).",
             "Multiplied by the inverted ratio (‖g‖/threshold).", "factor clipped",
             mode="inverted")))
def grad_clip(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    g, c = np.asarray(p["g"], float), float(p["max_norm"])
    res = K.clip_by_norm(g, c)
    norm, factor, clipped = res.norm, res.factor, res.grads[0]
    if mode == "value":
        clipped = np.clip(g, -c, c)
    elif mode == "l1":
        norm = float(np.abs(g).sum())
        factor = c / norm if norm > c else 1.0
        clipped = g * factor
    elif mode == "inverted":
        factor = norm / c if norm > c else 1.0
        clipped = g * factor
    return {"norm": norm, "factor": factor, "clipped": clipped, "sq_sum": float(g @ g)}


@family("bptt_scalar", "dh_T/dh_0 through a scalar tanh RNN", "w_h w_x b xs",
        {"grad": "scalar", "h": "vector", "local": "vector", "h_T": "scalar"},
        (mis("forgot_tanh_derivative", "tanh의 미분을 빠뜨리고 $w_h$만 $T$번 곱했다 ($w_h^{T}$).",
             "Left out the tanh derivative: multiplied by $w_h$ alone, $T$ times ($w_h^{T}$).", "grad local",
             mode="no_tanh"),
         mis("one_minus_h", "tanh의 미분을 $1-h_t^2$ 대신 $1-h_t$로 썼다.",
             "Used $1-h_t$ for the tanh derivative instead of $1-h_t^2$.", "grad local",
             mode="one_minus_h"),
         mis("sum_not_product", "국소 기울기들을 곱하지 않고 더했다.",
             "Added the local derivatives instead of multiplying them.", "grad",
             mode="sum")),
        defaults={"h0": 0.0})
def bptt_scalar(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    res = K.bptt_scalar(p["w_h"], p["w_x"], p["b"], p["xs"], p["h0"])
    w_h, hs = float(p["w_h"]), res.h[1:]
    local = {"ok": res.local, "no_tanh": np.full(len(hs), w_h), "sum": res.local,
             "one_minus_h": w_h * (1 - hs)}[mode]
    grad = float(local.sum()) if mode == "sum" else float(np.prod(local))
    return {"grad": grad, "h": res.h, "local": local, "h_T": float(res.h[-1]),
            "T": len(hs), "hs": hs}
