"""Inline LaTeX as readable terminal text (``bank show``): ``$\\dfrac{\\tau}{\\lVert g \\rVert}$``
becomes ``τ/‖g‖``, matrices become ``[[1, 2], [3, 4]]``. Pure; anything it does not know is
kept as written."""

from __future__ import annotations

import re

SYMBOLS = {
    "times": "×", "cdot": "·", "odot": "⊙", "pm": "±", "le": "≤", "leq": "≤", "ge": "≥",
    "geq": "≥", "approx": "≈", "ne": "≠", "neq": "≠", "in": "∈", "mid": "|", "to": "→",
    "leftarrow": "←", "rightarrow": "→", "leftrightarrow": "↔", "partial": "∂", "sum": "Σ",
    "prod": "Π", "infty": "∞", "dots": "…", "ldots": "…", "cdots": "⋯", "lVert": "‖",
    "rVert": "‖", "lfloor": "⌊", "rfloor": "⌋", "top": "ᵀ", "alpha": "α", "beta": "β",
    "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η", "theta": "θ",
    "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ", "phi": "φ", "omega": "ω",
    "Delta": "Δ", "Sigma": "Σ", "log": "log", "ln": "ln", "exp": "exp", "sin": "sin",
    "cos": "cos", "tan": "tan", "tanh": "tanh", "max": "max", "min": "min", "arg": "arg",
    "$": "$",
}
DROPPED = ("left", "right", "big", "Big", "bigl", "bigr", "displaystyle", "!", ",", ";", ":")
STYLES = ("mathbf", "mathrm", "mathit", "text", "textbf", "operatorname", "boldsymbol",
          "mathcal", "overrightarrow", "overleftarrow", "hat", "bar", "vec")
_GROUP = r"\{((?:[^{}]|\{[^{}]*\})*)\}"
_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$", re.S)


def _matrix(m: re.Match[str]) -> str:
    rows = [r.strip() for r in m.group(2).split(r"\\")]
    cells = [[c.strip() for c in r.split("&")] for r in rows if r]
    if len(cells) == 1:
        return "[" + ", ".join(cells[0]) + "]"
    if all(len(r) == 1 for r in cells):  # a column vector
        return "[" + ", ".join(r[0] for r in cells) + "]ᵀ"
    return "[" + ", ".join("[" + ", ".join(r) + "]" for r in cells) + "]"


def _math(src: str) -> str:
    s = src
    for _ in range(4):  # nested groups: innermost first
        s = re.sub(r"\\begin\{([bpv]?matrix)\}(.*?)\\end\{\1\}", _matrix, s, flags=re.S)
        s = re.sub(r"\\d?frac" + _GROUP + _GROUP, lambda m: f"({m.group(1)})/({m.group(2)})"
                   if len(m.group(2)) > 1 else f"({m.group(1)})/{m.group(2)}", s)
        s = re.sub(r"\\sqrt" + _GROUP, lambda m: f"√({m.group(1)})"
                   if len(m.group(1)) > 1 else f"√{m.group(1)}", s)
        s = re.sub(r"\\tilde" + _GROUP, lambda m: m.group(1) + "̃", s)
        s = re.sub(r"\\(?:" + "|".join(STYLES) + ")" + _GROUP, r"\1", s)
    s = re.sub(r"\\(" + "|".join(map(re.escape, DROPPED)) + r")(?![A-Za-z])", " ", s)
    s = re.sub(r"\\([A-Za-z]+|\$)", lambda m: SYMBOLS.get(m.group(1), m.group(0)), s)
    for _ in range(4):  # d_{model} -> d_model, 10^{2i/d_{model}} -> 10^(2i/d_model)
        s = re.sub(r"([_^])\{([^{}]*)\}", lambda m: m.group(1) + (
            m.group(2) if re.fullmatch(r"[\w.+-]*", m.group(2)) else f"({m.group(2)})"), s)
    s = s.replace("{", "").replace("}", "").replace("^ᵀ", "ᵀ")
    s = re.sub(r"(‖|⌊)\s+", r"\1", s)
    s = re.sub(r"\s+(‖|⌋)", r"\1", s)
    s = re.sub(r"\(\s*([^()\s]+)\s*\)/", r"\1/", s)  # (τ)/… -> τ/…
    s = re.sub(r"/\(\s*([^()\s]+)\s*\)", r"/\1", s)
    return re.sub(r"[ \t]{2,}", " ", s).strip()


def readable(text: str) -> str:
    """``text`` with every ``$...$`` formula rewritten for a terminal."""
    return _MATH.sub(lambda m: _math(m.group(1)), text).replace(r"\$", "$")
