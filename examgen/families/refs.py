"""Answer references: a family output named in a template (``weights``, ``context[1]``), and the
kind of value it gives after indexing."""

from __future__ import annotations

import re

from examgen.families.base import REGISTRY

ANSWER_REF = re.compile(r"^([A-Za-z_]\w*)((?:\[\d+\]){0,2})$")



def parse_answer_ref(ref: str) -> tuple[str, tuple[int, ...]]:
    """``"weights[0]"`` -> ``("weights", (0,))``; raises ValueError for other text."""
    m = ANSWER_REF.match(ref)
    if not m:
        raise ValueError(ref)
    return m.group(1), tuple(int(i) for i in re.findall(r"\d+", m.group(2)))



def answer_kind(family: str, ref: str) -> str:
    """The output kind (scalar, int, vector, matrix) of an answer reference after indexing."""
    base, idx = parse_answer_ref(ref)
    kind = REGISTRY[family].outputs[base]
    order = ["scalar", "vector", "matrix"]
    if kind == "int":
        return "int"
    return order[max(0, order.index(kind) - len(idx))]
