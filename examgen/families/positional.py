"""Families on sinusoidal positional encoding and embedding + encoding sums."""

from __future__ import annotations

from typing import Any

import numpy as np

from examgen import kernels as K
from examgen.families.base import family, mis

SWAP = mis("swap_sin_cos", "짝수 차원에 cos, 홀수 차원에 sin을 썼다 (sin/cos 뒤바뀜).",
           "Used cos on even and sin on odd dimensions (sin/cos swapped).", "value pe sum",
           swap_sin_cos=True)
NO_PAIR = mis("forgot_pair_factor", "지수에 $2i$ 대신 $i$를 썼다 ($10000^{i/d_{model}}$).",
              "Used $i$ instead of $2i$ in the exponent ($10000^{i/d_{model}}$).",
              "value angle pe sum", pair_exponent=False)


@family("pe_value", "one entry PE(pos, dim) of the sinusoidal positional encoding",
        "pos dim d_model", {"value": "scalar", "angle": "scalar", "denom": "scalar",
                             "exponent": "scalar", "i": "int"},
        (SWAP, NO_PAIR,
         mis("degrees", "각도를 라디안이 아니라 도(degree)로 계산했다.",
             "Evaluated the angle in degrees instead of radians.", "value", degrees=True)),
        defaults={"base": 10000})
def pe_value(p: dict[str, Any], swap_sin_cos: bool = False, pair_exponent: bool = True,
             degrees: bool = False) -> dict[str, Any]:
    pos, dim, d = int(p["pos"]), int(p["dim"]), int(p["d_model"])
    i = dim // 2
    exponent = (2 * i if pair_exponent else i) / d
    return {
        "i": i, "exponent": exponent, "denom": float(p["base"]) ** exponent,
        "angle": K.positional.pe_angle(pos, dim, d, p["base"], pair_exponent),
        "func": ("sin" if dim % 2 == 0 else "cos") if not swap_sin_cos
        else ("cos" if dim % 2 == 0 else "sin"),
        "value": K.pe_value(pos, dim, d, p["base"], swap_sin_cos=swap_sin_cos,
                            pair_exponent=pair_exponent, degrees=degrees),
    }


def _pe_vector(pos: int, d: int, base: float, swap: bool, pair: bool) -> np.ndarray:
    return np.array([K.pe_value(pos, j, d, base, swap_sin_cos=swap, pair_exponent=pair)
                     for j in range(d)])


@family("pe_vector", "the positional-encoding vector of one position", "pos d_model",
        {"pe": "vector", "angles": "vector"}, (SWAP, NO_PAIR), defaults={"base": 10000})
def pe_vector(p: dict[str, Any], swap_sin_cos: bool = False, pair_exponent: bool = True
              ) -> dict[str, Any]:
    pos, d = int(p["pos"]), int(p["d_model"])
    return {"pe": _pe_vector(pos, d, p["base"], swap_sin_cos, pair_exponent),
            "angles": np.array([K.positional.pe_angle(pos, j, d, p["base"], pair_exponent)
                                for j in range(d)])}


@family("embed_plus_pe", "token embedding plus a given positional-encoding vector", "e pe",
        {"sum": "vector"},
        (mis("multiplied", "더하지 않고 원소별로 곱했다.", "Multiplied elementwise instead of adding.",
             "sum", op="mul"),
         mis("subtracted", "임베딩에서 위치 인코딩을 뺐다.",
             "Subtracted the encoding from the embedding.", "sum", op="sub")))
def embed_plus_pe(p: dict[str, Any], op: str = "add") -> dict[str, Any]:
    e, pe = np.asarray(p["e"], float), np.asarray(p["pe"], float)
    if op == "mul":
        return {"sum": e * pe}
    if op == "sub":
        return {"sum": e - pe}
    return {"sum": K.add_positional(e, pe)}


@family("embed_plus_sinusoid", "token embedding plus the sinusoidal encoding of its position",
        "e pos", {"sum": "vector", "pe": "vector", "angles": "vector"}, (SWAP, NO_PAIR),
        defaults={"base": 10000})
def embed_plus_sinusoid(p: dict[str, Any], swap_sin_cos: bool = False,
                        pair_exponent: bool = True) -> dict[str, Any]:
    e = np.asarray(p["e"], float)
    d = e.shape[0]
    pe = _pe_vector(int(p["pos"]), d, p["base"], swap_sin_cos, pair_exponent)
    return {"pe": pe, "sum": K.add_positional(e, pe), "d_model": d,
            "angles": np.array([K.positional.pe_angle(int(p["pos"]), j, d, p["base"],
                                                      pair_exponent) for j in range(d)])}
