"""Scoring one answer against one :class:`~examgen.grading.key.PartKey`. Pure.

Invalid is not wrong: text that cannot be read is a ``format_error`` (0 points, the reason and
where, flagged for review), never silently a wrong answer. A formula that calls a function
("cos(0.09)", "1/(1+e^0.5)") where a number is asked is not a computed number: it is wrong
(0 points) with "give the value, not the formula", and flagged for review with its value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from examgen import formatting as F
from examgen.grading import parse as P
from examgen.grading.options import match_option_text
from examgen.model import Outcome, PartKey, Tolerance
from examgen.symcheck import BUDGET_S, Verdict, check_equivalent

MAX_TEXT = 10_000         # characters of any answer (a short answer's essay included)
PRECISION_CREDIT = 0.5   # share of the points for a right value written with too few digits


@dataclass(frozen=True)
class Scored:
    points: float
    outcome: Outcome
    feedback: str = ""
    needs_review: bool = False
    misconception: str | None = None
    normalized: str = ""
    position: int | None = None    # format errors: 0-based index of the offending character


# parsing is cached: equal cells (common in a class) are parsed once; plain ASCII decimals (most
# cells) take a fast path that tests/unit/grading/test_score.py checks against parse.py
_PLAIN = re.compile(r"\s*(-?)(\d{1,15})(?:\.(\d{1,15}))?\s*")
_PLAIN_VECTOR = re.compile(r"\s*\[([-\d.,\s]*)\]\s*")


def plain_number(text: str) -> P.Number | None:
    """The parse of a plain decimal such as ``-0.730`` without the general parser."""
    m = _PLAIN.fullmatch(text)
    if m is None:
        return None
    sign, whole, frac = m.group(1), m.group(2), m.group(3) or ""
    if len(whole) > 1 and whole.startswith("0"):
        return None  # "007": let the parser decide
    digits = (whole + frac).lstrip("0")
    decimals = len(frac)
    sigfigs = len(digits) if digits else max(1, decimals)
    value = float(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}")
    return P.Number(value + 0.0, decimals, sigfigs, ())


@lru_cache(maxsize=200_000)
def _number(text: str) -> Any:
    return plain_number(text) or P.parse_number(text)


def plain_vector(text: str, n: int) -> P.Vector | None:
    """``[a, b, c]`` of plain decimals without the general parser."""
    m = _PLAIN_VECTOR.fullmatch(text)
    if m is None or ";" in text:
        return None
    cells = m.group(1).split(",")
    if len(cells) != n:
        return None
    nums = [plain_number(c) for c in cells]
    if any(x is None for x in nums):
        return None
    return P.Vector(tuple(x.value for x in nums), tuple(x.decimals for x in nums), ())  # type: ignore[union-attr]


@lru_cache(maxsize=200_000)
def _vector(text: str, n: int) -> Any:
    return plain_vector(text, n) or P.parse_vector(text, n)


@lru_cache(maxsize=50_000)
def _matrix(text: str, shape: tuple[int, int]) -> Any:
    return P.parse_matrix(text, shape)


@lru_cache(maxsize=200_000)
def _choices(text: str, n: int, multiple: bool) -> Any:
    return P.parse_choices(text, n, multiple)


@lru_cache(maxsize=50_000)
def _expression(text: str, variables: frozenset[str]) -> Any:
    return P.parse_expression_answer(text, variables)


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=200_000)
def blank(text: str) -> bool:
    """``parse.is_blank``, once per distinct cell; text with a digit in it is never blank (no
    blank marker has one), which spares most cells the full normalisation."""
    if _DIGIT.search(text, 0, 64):
        return False
    t = text.strip()
    if len(t) > 24 and t.strip("-?._—–· "):
        return False  # blank markers are short words or runs of dashes and dots
    return P.is_blank(text)


_UNCHECKED = {
    Verdict.TOO_COSTLY: f"the expression is too costly to compare (over {BUDGET_S:g} s); "
                        "write it in a simpler form",
    Verdict.BUSY: "the expression could not be compared now (the checker is busy); try again",
    Verdict.FAILED: "the expression cannot be compared (a value too large or not finite)",
}


class _Busy(Exception):
    """Raised through the cache so that "busy" (not an answer) is never cached."""


def _equivalent(expr: Any, expected_text: str, variables: frozenset[str]) -> Verdict:
    try:
        return _equivalent_cached(expr, expected_text, variables)
    except _Busy:
        return Verdict.BUSY


@lru_cache(maxsize=20_000)
def _equivalent_cached(expr: Any, expected_text: str, variables: frozenset[str]) -> Verdict:
    from examgen.mathexpr import ExpressionError, parse_expression

    try:
        expected = parse_expression(expected_text, variables)
    except ExpressionError:
        return Verdict.FAILED
    verdict = check_equivalent(expr, expected)
    if verdict is Verdict.BUSY:
        raise _Busy
    return verdict


def format_error(err: P.FormatError, text: str) -> Scored:
    where = f" (at character {err.position + 1})" if err.position is not None else ""
    return Scored(0.0, Outcome.FORMAT_ERROR, f"could not read the answer: {err.message}{where}",
                  needs_review=True, normalized="", position=err.position)


def score(part: PartKey, text: str) -> Scored:
    """Score ``text`` for ``part`` (short answers are scored by grading.text, not here, up to
    :data:`MAX_TEXT` characters; a longer answer of any kind is a format error here)."""
    if len(text) > MAX_TEXT:
        return format_error(P.FormatError(f"answer longer than {MAX_TEXT:,} characters (it is "
                                          f"{len(text):,}); nothing of it was graded",
                                          MAX_TEXT), text)
    if blank(text):
        return Scored(0.0, Outcome.BLANK, "no answer")
    kind = part.kind
    if kind == "numeric":
        return _score_number(part, text)
    if kind in ("vector", "matrix"):
        return _score_array(part, text)
    if kind in ("single_choice", "multiple_choice"):
        return _score_choice(part, text)
    if kind == "symbolic":
        return _score_symbolic(part, text)
    raise ValueError(f"score() does not grade {kind} answers")


def _close(tol: Tolerance, expected: float, got: float, extra: float = 0.0) -> bool:
    # a non-finite answer is never close, even to a non-finite key
    return math.isfinite(expected) and math.isfinite(got) and tol.accepts(expected, got, extra)


def _match_misconception(part: PartKey, got: Any, tol: Tolerance) -> str | None:
    for m in part.misconceptions:
        a = np.asarray(m.value, dtype=float)
        b = np.asarray(got, dtype=float)
        if a.shape == b.shape and all(_close(tol, float(x), float(y))
                                      for x, y in zip(a.ravel(), b.ravel(), strict=True)):
            return m.id
    return None


def _mis_feedback(part: PartKey, mid: str) -> str:
    m = next(x for x in part.misconceptions if x.id == mid)
    return f"matches a typical mistake ({mid}): {m.description.get('ko')} / {m.description.en}"


def _tolerance(part: PartKey) -> Tolerance:
    return part.tolerance or Tolerance("abs", 0.0)


def _carries_information(got: P.Number) -> bool:
    """Whether a rounded answer says something about the value: nonzero, with at least two
    significant figures or one decimal place ("0.4", "12"; not "0", "1", "6")."""
    return got.value != 0 and ((got.sigfigs or 0) >= 2 or (got.decimals or 0) >= 1)


def _right_but_coarse(got: P.Number, expected: float) -> bool:
    """The right value written with too few digits: within half a unit of its last place."""
    return (got.decimals is not None and _carries_information(got)
            and abs(got.value - expected) <= 0.5 * 10.0 ** (-got.decimals) * (1 + 1e-9))


def _unevaluated(part: PartKey, formula: str, values: Any, norm: str) -> Scored:
    """A formula where a number is asked: wrong, and reviewed with the value it would have."""
    expected = np.asarray(part.value, dtype=float).ravel()
    got = np.asarray(values, dtype=float).ravel()
    tol = _tolerance(part)
    accepted = all(_close(tol, float(e), float(g), part.allowance)
                   for e, g in zip(expected, got, strict=True))
    verdict = "would be accepted" if accepted else "is not the answer either"
    return Scored(0.0, Outcome.WRONG, f"give the value, not the formula: the answer uses "
                  f"{formula}; its value {norm} {verdict}", needs_review=True, normalized=norm)


def _score_number(part: PartKey, text: str) -> Scored:
    got = _number(text)
    if isinstance(got, P.FormatError):
        return format_error(got, text)
    if got.formula:
        return _unevaluated(part, got.formula, got.value, F.fmt_num(got.value))
    scored = _grade_number(part, got, text)
    if got.alternative is None:
        return scored
    return _resolve_comma(scored, _grade_number(part, got.alternative, text), got.alternative)


def _resolve_comma(first: Scored, other: Scored, reading: P.Number) -> Scored:
    """``first`` reads an ambiguous comma as a thousands separator, ``other`` as a decimal comma:
    the reading that is right when only one is, else ``first``, reviewed when the readings grade
    differently."""
    same = (other.points, other.outcome, other.misconception) == \
        (first.points, first.outcome, first.misconception)
    if same or first.outcome is Outcome.CORRECT:
        return first
    if other.outcome is Outcome.CORRECT:
        return other
    return replace(first, needs_review=True, feedback=first.feedback + "; the comma is "
                   f"ambiguous: as a decimal comma the answer is {F.fmt_num(reading.value)}")


def _grade_number(part: PartKey, got: P.Number, text: str) -> Scored:
    expected = float(part.value)  # type: ignore[arg-type]
    tol = _tolerance(part)
    norm = F.fmt_num(got.value)
    notes = "; ".join(got.notes)
    suffix = f" ({notes})" if notes else ""
    if _close(tol, expected, got.value):
        return Scored(part.points, Outcome.CORRECT, "correct" + suffix, normalized=norm)
    mid = _match_misconception(part, got.value, tol)
    if mid:
        return Scored(0.0, Outcome.WRONG, _mis_feedback(part, mid) + suffix, misconception=mid,
                      normalized=norm)
    if part.allowance and _close(tol, expected, got.value, part.allowance):
        return Scored(part.points, Outcome.CORRECT, "accepted: consistent with rounding the "
                      f"intermediate values to {part.decimals} decimals" + suffix,
                      normalized=norm)
    if _right_but_coarse(got, expected):
        return Scored(round(part.points * PRECISION_CREDIT, 4), Outcome.INSUFFICIENT_PRECISION,
                      f"right value but too few digits: {text.strip()} has {got.decimals} "
                      f"decimal(s); the answer needs {tol.describe('en')}" + suffix,
                      needs_review=False, normalized=norm)
    return Scored(0.0, Outcome.WRONG, f"wrong: expected about {F.fmt_num(expected, part.decimals)}"
                  + suffix, normalized=norm)


def _score_array(part: PartKey, text: str) -> Scored:
    expected = np.asarray(part.value, dtype=float)
    if part.kind == "vector":
        got = _vector(text, expected.shape[0])
        values = None if isinstance(got, P.FormatError) else np.asarray(got.values)
    else:
        got = _matrix(text, (int(expected.shape[0]), int(expected.shape[1])))
        values = None if isinstance(got, P.FormatError) else np.asarray(got.rows)
    if isinstance(got, P.FormatError) or values is None:
        return format_error(got, text)
    tol = _tolerance(part)
    norm = F.fmt_value(values, 4)
    if got.formula:
        return _unevaluated(part, got.formula, values, norm)
    ok = [_close(tol, float(e), float(g), part.allowance)
          for e, g in zip(expected.ravel(), values.ravel(), strict=True)]
    n_ok = sum(ok)
    if n_ok == len(ok):
        return Scored(part.points, Outcome.CORRECT, "correct", normalized=norm)
    mid = _match_misconception(part, values, tol)
    if mid:
        return Scored(0.0, Outcome.WRONG, _mis_feedback(part, mid), misconception=mid,
                      normalized=norm)
    wrong_at = ", ".join(str(i + 1) for i, o in enumerate(ok) if not o)
    if n_ok and part.partial_credit:
        pts = round(part.points * n_ok / len(ok), 4)
        return Scored(pts, Outcome.PARTIAL, f"{n_ok} of {len(ok)} entries right; check "
                      f"entries {wrong_at}", normalized=norm)
    return Scored(0.0, Outcome.WRONG, f"wrong: entries {wrong_at} are off", normalized=norm)


def _score_choice(part: PartKey, text: str) -> Scored:
    multiple = part.kind == "multiple_choice"
    got = _choices(text, len(part.options), multiple)
    if isinstance(got, P.FormatError) and part.option_texts:
        by_text = match_option_text(text, tuple(zip(part.options, part.option_texts,
                                                    strict=True)), multiple)
        if by_text is not None:
            got = P.Choices(by_text, (f"read the option text as {', '.join(sorted(by_text))}",))
        elif len(text.strip()) > 3:   # long enough to be meant as an option's text
            got = P.FormatError(got.message + "; nor is it the text of an option on this copy",
                                got.position)
    if isinstance(got, P.FormatError):
        return format_error(got, text)
    chosen = got.keys
    norm = ";".join(sorted(chosen))
    if chosen == part.correct:
        return Scored(part.points, Outcome.CORRECT, "; ".join(("correct", *got.notes)),
                      normalized=norm)
    mis = dict(part.option_misconceptions)
    if not multiple:
        (key,) = tuple(chosen)
        mid = mis.get(key)
        penalty = -round(part.points * part.negative, 4) if part.negative else 0.0
        fb = f"wrong: the answer is {', '.join(sorted(part.correct))}"
        if mid:
            desc = next((m.description for m in part.misconceptions if m.id == mid), None)
            fb += f"; option {key} is what {mid} gives" + (f" ({desc.ko})" if desc else "")
        return Scored(penalty, Outcome.WRONG, fb, misconception=mid, normalized=norm)
    right = len(chosen & part.correct)
    wrong = len(chosen - part.correct)
    share = max(0.0, (right - wrong) / len(part.correct)) if part.partial_credit else 0.0
    missing = ", ".join(sorted(part.correct - chosen)) or "none"
    extra = ", ".join(sorted(chosen - part.correct)) or "none"
    fb = f"missing {missing}; not correct: {extra}"
    if share > 0:
        return Scored(round(part.points * share, 4), Outcome.PARTIAL, fb, normalized=norm)
    return Scored(-round(part.points * part.negative, 4) if part.negative else 0.0,
                  Outcome.WRONG, fb, normalized=norm)


def _score_symbolic(part: PartKey, text: str) -> Scored:
    got = _expression(text, frozenset(part.variables))
    if isinstance(got, P.FormatError):
        return format_error(got, text)
    norm = str(got.expr)
    verdict = _equivalent(got.expr, part.expression or "0", frozenset(part.variables))
    if verdict in _UNCHECKED:
        return format_error(P.FormatError(_UNCHECKED[verdict], None), text)
    if verdict is Verdict.EQUAL:
        return Scored(part.points, Outcome.CORRECT, "correct (equivalent expression)",
                      normalized=norm)
    return Scored(0.0, Outcome.WRONG, "not equivalent to the expected expression",
                  normalized=norm)
