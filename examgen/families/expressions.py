"""Families written in the bank: named quantities and misconceptions as expressions over a
template's parameters (and over a built-in family's outputs, when the template names one).

``quantities: {w1: "d_model * d_ff", total: "w1 + d_ff + ..."}`` are evaluated in order by
:func:`examgen.mathexpr.parse_numeric` (whitelisted, cost-bounded; never ``eval``). An
expression misconception replaces some quantities with its own expressions; every quantity that
reads a replaced one (directly or through others) is recomputed, and those are the outputs it
affects.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from examgen.families.base import REGISTRY, Family, MisconceptionDef, OutputKind
from examgen.mathexpr import NumericExpression, parse_numeric
from examgen.model import ExpressionMisconception, Template

Quantities = tuple[tuple[str, str], ...]


def family_of(t: Template) -> Family:
    """The family that computes ``t``: a built-in one, extended by ``t``'s expressions."""
    assert t.is_computed, t.id
    if not t.quantities and not t.expression_misconceptions:
        return REGISTRY[t.family]  # type: ignore[index]
    return build_family(t.family, t.quantities, t.expression_misconceptions,
                        t.quantity_kinds)  # type: ignore[arg-type]


def kind_of_value(value: Any) -> OutputKind | None:
    """scalar / int / vector / matrix for a computed value (None for anything else)."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return "int"
    a = np.asarray(value)
    if a.dtype.kind not in "iuf":
        return None
    return {0: "scalar", 1: "vector", 2: "matrix"}.get(a.ndim)  # type: ignore[return-value]


def dependents(compiled: Mapping[str, NumericExpression], changed: set[str]) -> set[str]:
    """``changed`` and every quantity that reads one of them, directly or not."""
    out = set(changed)
    for name, expr in compiled.items():  # in order: a quantity reads earlier ones
        if expr.names & out:
            out.add(name)
    return out


@lru_cache(maxsize=512)
def _compiled(quantities: Quantities) -> dict[str, NumericExpression]:
    return {name: parse_numeric(text) for name, text in quantities}


@lru_cache(maxsize=512)
def build_family(base_name: str | None, quantities: Quantities,
                 own: tuple[ExpressionMisconception, ...],
                 kinds: tuple[tuple[str, OutputKind], ...]) -> Family:
    """A family computing ``base_name``'s outputs (if any), then ``quantities``; its
    misconceptions are the base's (with the quantities that depend on what they change) and
    ``own``."""
    base = REGISTRY[base_name] if base_name else None
    compiled = _compiled(quantities)
    overrides = {m.id: _compiled(m.quantities) for m in own}

    def compute(p: dict[str, Any], expression_override: str | None = None, **flags: Any
                ) -> dict[str, Any]:
        env = dict(p)
        if base is not None:
            env |= base.compute(p, **flags)
        replace = overrides.get(expression_override or "", {})
        for name, expr in replace.items():  # a replaced built-in output
            if name not in compiled:
                env[name] = expr.evaluate(env)
        for name, expr in compiled.items():
            env[name] = (replace.get(name) or expr).evaluate(env)
        return env

    outputs: dict[str, OutputKind] = dict(base.outputs) if base else {}
    outputs |= dict(kinds)
    mis: list[MisconceptionDef] = []
    for m in base.misconceptions if base else ():
        affects = dependents(compiled, set(m.affects))
        mis.append(MisconceptionDef(m.id, m.description, m.flags,
                                    tuple(a for a in outputs if a in affects)))
    for wrong in own:
        affects = dependents(compiled, set(overrides[wrong.id]))
        mis.append(MisconceptionDef(wrong.id, wrong.description,
                                    {"expression_override": wrong.id},
                                    tuple(a for a in outputs if a in affects)))
    name = f"{base_name}+expressions" if base_name else "expressions"
    inputs = base.inputs if base else ()
    return Family(name, "quantities written in the bank", inputs, outputs, compute,
                  dict(base.defaults) if base else {}, tuple(mis))
