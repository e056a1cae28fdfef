"""Parameter samplers: one draw of every parameter of a template from a numpy Generator."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from examgen.model import ParamSpec


def grid(spec: ParamSpec) -> list[Any]:
    """Every value ``spec`` can draw, in order."""
    if spec.kind == "choice":
        values = list(spec.options)
    else:
        n = math.floor((spec.hi - spec.lo) / spec.step + 1e-9) + 1
        values = [round(spec.lo + k * spec.step, 10) for k in range(n)]
        if spec.kind == "int":
            values = [int(v) for v in values]
    return [v for v in values if v not in spec.exclude]


def sample_params(specs: tuple[ParamSpec, ...], rng: np.random.Generator) -> dict[str, Any]:
    """One draw of every parameter, in declaration order."""
    out: dict[str, Any] = {}
    for spec in specs:
        values = grid(spec)
        if not spec.shape:
            out[spec.name] = values[int(rng.integers(len(values)))]
            continue
        shape = tuple(int(out[s]) if isinstance(s, str) else s for s in spec.shape)
        idx = rng.integers(len(values), size=shape)
        out[spec.name] = np.asarray(values, dtype=object if spec.kind == "choice" else None)[idx]
    return out
