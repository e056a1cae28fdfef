"""Answers for tests, read from a variant's key: the right one and one that is verifiably wrong."""

from __future__ import annotations

import numpy as np

from examgen.bank import load_glossary
from examgen.grading.batch import grade_one
from examgen.grading.key import parts_from_variant
from examgen.model import Outcome, Variant, VariantPart


def _fmt(value: object) -> str:
    a = np.asarray(value, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.6f}"
    if a.ndim == 1:
        return "[" + ", ".join(f"{x:.6f}" for x in a) + "]"
    return "[" + ", ".join(_fmt(row) for row in a) + "]"


def right_answer(part: VariantPart) -> str:
    """The key's answer as a student would type it (choices as their keys)."""
    if part.options:
        return ",".join(part.correct_keys)
    if part.expression is not None:
        return part.expression
    if part.references:
        return part.references[0].ko
    return _fmt(part.value)


def wrong_answer(part: VariantPart) -> str:
    """An answer that is wrong and matches no misconception: a wrong option, the key's
    expression plus 1, or the key's value plus 17 (far outside any tolerance)."""
    if part.options:
        wrong = [o for o in part.options if not o.correct]
        return ([o for o in wrong if not o.misconception] or wrong)[0].key
    if part.expression is not None:
        return f"({part.expression}) + 1"
    return _fmt(np.asarray(part.value, dtype=float) + 17.0)


def check(variant: Variant, answers: dict[str, str], expected: Outcome) -> None:
    """Assert that grade_one gives ``expected`` for every part (the test's own premise)."""
    for key in parts_from_variant(variant):
        got = grade_one(key, answers[key.column], glossary=load_glossary())
        assert got.outcome is expected, (key, answers)
