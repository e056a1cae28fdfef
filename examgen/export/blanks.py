"""The answer blanks of a computed variant, shared by the package formats: one blank per
number asked (a scalar part, or each entry of a vector or matrix, row by row), with its points
and its answers in the grader's order (see :mod:`examgen.export.numbers`). Pure."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from examgen.export.numbers import NumericAnswer, element_answers, numeric_answers, part_keys
from examgen.model import QuestionType, Variant, VariantPart


@dataclass(frozen=True)
class Blank:
    part: VariantPart
    index: int                 # 1-based over the variant's blanks
    label: str                 # "a", "a[2]", "b[1,3]" ...
    points: float
    answers: tuple[NumericAnswer, ...]


def value_blanks(v: Variant) -> list[Blank]:
    """Every number a computed variant asks for (choice parts are not blanks)."""
    out: list[Blank] = []
    for part, key in zip(v.parts, part_keys(v), strict=True):
        if part.kind is QuestionType.NUMERIC:
            out.append(Blank(part, len(out) + 1, part.label, part.points,
                             numeric_answers(part, key)))
        elif part.kind in (QuestionType.VECTOR, QuestionType.MATRIX):
            shape = np.asarray(part.value, dtype=float).shape
            entries = element_answers(part, key)
            for i, answers in enumerate(entries):
                at = f"{i + 1}" if len(shape) == 1 else f"{i // shape[1] + 1},{i % shape[1] + 1}"
                out.append(Blank(part, len(out) + 1, f"{part.label}[{at}]",
                                 part.points / len(entries), answers))
    return out
