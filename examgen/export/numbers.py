"""Numbers as every LMS format takes them: full precision, absolute tolerances, and the ordered
list of numeric answers that reproduces examgen's grader. Pure.

Every format takes an *absolute* tolerance, so a relative, significant-figure or decimal-place
tolerance is converted per variant (``Tolerance.allowed`` of the value it applies to). Numbers
are written at full precision (the shortest text that reads back as the same float): bounds are
never rounded, and values below 1e-4 survive.

:func:`numeric_answers` lists a numeric part's answers in the order examgen's grader tries them
(``examgen.grading.score``): the key; each misconception (0 %, its feedback) with the tolerance
taken at the misconception's own value; the key widened by the worked solution's rounding
allowance (full credit); then the right value written with too few digits (the grader's
precision credit). An LMS that takes the first matching answer (Moodle) then gives the same
verdict as the grader.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from examgen.errors import ExamgenError
from examgen.grading import PRECISION_CREDIT, parts_from_variant
from examgen.model import PartKey, Text, Tolerance, Variant, VariantPart

# Moodle's grade options (question_bank::fraction_options_full), in percent; their negatives too
MOODLE_FRACTIONS = (100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0,
                    33.33333, 30.0, 25.0, 20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0,
                    0.0)
FRACTION_SLACK = 1e-4   # a written fraction within this (in percent) of an allowed one is that one


class ExportError(ExamgenError):
    """A variant that cannot be written in the asked format (say which and why)."""


def fmt_full(x: float) -> str:
    """``x`` in positional notation with every digit needed to read back the same float
    (``1e-05`` -> ``0.00001``; ``0.1 + 0.2`` -> ``0.30000000000000004``)."""
    x = float(x) + 0.0   # -0.0 -> 0.0
    if not math.isfinite(x):
        raise ExportError(f"cannot export the non-finite number {x!r}")
    return np.format_float_positional(x, unique=True, trim="-")


def moodle_fraction(share: float) -> str:
    """A share of the points (-1..1) as the Moodle fraction text from the allowed list; raise
    :class:`ExportError` for any other (Moodle aborts the whole import on one)."""
    pct = share * 100
    for allowed in MOODLE_FRACTIONS:
        for v in (allowed, -allowed):
            if abs(pct - v) <= FRACTION_SLACK:
                return f"{v:g}" if v == int(v) else f"{v:.5f}"
    raise ExportError(f"a share of {share:g} of the points ({pct:g} %) is not one of Moodle's "
                      f"answer grades ({', '.join(f'{f:g}' for f in MOODLE_FRACTIONS)} % and their "
                      "negatives)")


def is_moodle_fraction(text: str) -> bool:
    try:
        pct = float(text)
    except ValueError:
        return False
    return any(abs(abs(pct) - a) <= FRACTION_SLACK for a in MOODLE_FRACTIONS)


def absolute_tolerance(tolerance: Tolerance | None, value: float) -> float:
    """The absolute tolerance around ``value`` that ``tolerance`` allows (0 when none)."""
    return 0.0 if tolerance is None else float(tolerance.allowed(float(value)))


@dataclass(frozen=True)
class NumericAnswer:
    """One accepted or recognised number: ``value`` ± ``tolerance`` (absolute) earns ``share``
    of the points, with ``feedback``; ``misconception`` names the wrong path it stands for."""

    value: float
    tolerance: float
    share: float
    feedback: Text
    misconception: str | None = None
    kind: str = "key"           # key, misconception, allowance, coarse

    @property
    def low(self) -> float:
        return self.value - self.tolerance

    @property
    def high(self) -> float:
        return self.value + self.tolerance


CORRECT = Text("정답입니다.", "Correct.")


def _coarse_feedback(decimals: int) -> Text:
    return Text(f"값은 맞지만 자릿수가 부족합니다 (소수 {decimals}자리로 씀).",
                f"Right value, but too few digits (written with {decimals} decimal(s)).")


def _allowance_feedback(decimals: int | None) -> Text:
    return Text(f"인정: 중간값을 소수 {decimals}자리로 반올림한 계산과 맞습니다.",
                f"Accepted: consistent with rounding the intermediate values to {decimals} "
                "decimals.")


def part_keys(variant: Variant) -> tuple[PartKey, ...]:
    """The grader's keys of a variant's parts (tolerance, rounding allowance, misconceptions)."""
    return parts_from_variant(variant)


def numeric_answers(part: VariantPart, key: PartKey) -> tuple[NumericAnswer, ...]:
    """A scalar part's answers in the grader's order (see the module docstring)."""
    value = float(part.value)  # type: ignore[arg-type]
    tol = part.tolerance
    out = [NumericAnswer(value, absolute_tolerance(tol, value), 1.0, CORRECT)]
    for m in part.misconceptions:
        mv = float(m.value)  # type: ignore[arg-type]
        out.append(NumericAnswer(mv, absolute_tolerance(tol, mv), 0.0, m.description, m.id,
                                 "misconception"))
    widest = out[0].tolerance
    if key.allowance > 0:
        widest = out[0].tolerance + key.allowance
        out.append(NumericAnswer(value, widest, 1.0, _allowance_feedback(key.decimals),
                                 kind="allowance"))
    for d, r in coarse_values(value, widest):
        # a rounding an earlier answer already takes (a misconception's) never reaches this one
        if not any(abs(r - a.value) <= a.tolerance * (1 + 1e-9) for a in out):
            out.append(NumericAnswer(r, 0.0, PRECISION_CREDIT, _coarse_feedback(d),
                                     kind="coarse"))
    return tuple(out)


def coarse_values(value: float, accepted: float, max_decimals: int = 15
                  ) -> list[tuple[int, float]]:
    """(decimals, number) for each rounding of ``value`` to fewer digits that the grader gives
    precision credit (it says something about the value: nonzero, with two significant figures
    or a decimal place) but the key's tolerance ``accepted`` does not take."""
    out = []
    for d in range(max_decimals + 1):
        r = round(value, d) + 0.0
        if abs(r - value) <= accepted * (1 + 1e-9):
            break   # from here on the key takes the rounded value
        written = f"{abs(r):.{d}f}"
        sigfigs = len(written.replace(".", "").lstrip("0"))
        if r != 0 and (sigfigs >= 2 or d >= 1):
            out.append((d, r))
    return out


def element_answers(part: VariantPart, key: PartKey) -> list[tuple[NumericAnswer, ...]]:
    """A vector's or matrix's answers entry by entry (row by row): the key entry with the
    tolerance and rounding allowance the grader uses for arrays, then each misconception's entry
    where it differs from the key's (0 %, its feedback)."""
    expected = np.ravel(np.asarray(part.value, dtype=float))
    tol = part.tolerance
    out = []
    for i, e in enumerate(expected):
        ev = float(e)
        answers = [NumericAnswer(ev, absolute_tolerance(tol, ev) + key.allowance, 1.0, CORRECT)]
        for m in part.misconceptions:
            mv = float(np.ravel(np.asarray(m.value, dtype=float))[i])
            if abs(mv - ev) > answers[0].tolerance * (1 + 1e-9):
                answers.append(NumericAnswer(mv, absolute_tolerance(tol, mv), 0.0, m.description,
                                             m.id, "misconception"))
        out.append(tuple(answers))
    return out
