"""What the practice app tells a student about one graded answer, in the UI language.

Built from the structured result (:class:`~examgen.practice.drill.PartResult`: the outcome, the
named misconception, the short-answer concepts), not from the grader's English notes, which the
page shows at most folded away. Lines may carry bank text with ``$...$`` math (the page sends
them through the inline math filter) but never the student's own text; the one exception, the
reason of a format error (it quotes the answer), is a separate field the page prints as plain
text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from examgen.model import Outcome, QuestionType, RubricConcept, WrongConcept
from examgen.practice.drill import PartResult, ShortDetail
from examgen.render import readable_spellings

__all__ = ["Explanation", "concept_name", "explain", "format_reason", "points_label"]

_FEEDBACK_PREFIX = "could not read the answer: "
_AT_CHARACTER = re.compile(r" \(at character \d+\)$")
_FORMULA_NOT_VALUE = "give the value, not the formula"   # grading.score's note for "cos(0.3)"


@dataclass(frozen=True)
class Explanation:
    """The student-facing explanation of one part."""

    lines: tuple[str, ...]      # sentences (bank math as $...$; no student text)
    reason: str = ""            # a format error's reason (quotes the answer: plain text only)
    detail: str = ""            # the grader's own note (English), for a folded "details"


def _t(lang: str, ko: str, en: str) -> str:
    return en if lang == "en" else ko


# -- format errors -----------------------------------------------------------------------------

# where in a vector or matrix: the parser puts these before the message about that number
_PREFIX_KO: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), ko) for p, ko in (
    (r"row (\d+), element (\d+): (.+)", "{0}행 {1}번째 수: "),
    (r"element (\d+): (.+)", "{0}번째 수: "),
    (r"row (\d+): (.+)", "{0}행: "),
))
# grading.parse's messages (English) and their Korean; the first pattern that matches wins
_FORMAT_KO: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), ko) for p, ko in (
    (r"answer longer than (\d+) characters", "답이 너무 깁니다 (최대 {0}자)."),
    (r"empty answer", "답이 비어 있습니다."),
    (r"'마이너스' is not read; write the sign as '-'", "'마이너스'는 읽지 않습니다. 부호는 '-'로 쓰세요."),
    (r"'(.*)' is a Korean number word; write the whole number in digits",
     "'{0}'은(는) 한글 수사입니다. 수 전체를 숫자로 쓰세요."),
    (r"'(.*)' is ambiguous: use ',' only between groups of three digits, or one '\.' as the "
     r"decimal point", "'{0}'은(는) 뜻이 모호합니다. ','는 세 자리마다만 쓰고 소수점은 '.' 하나로 쓰세요."),
    (r"'(.*)' is not a number: two decimal points", "'{0}'은(는) 수가 아닙니다: 소수점이 두 개입니다."),
    (r"'(.*)' is not a number: unexpected '(.*)' at the end",
     "'{0}'은(는) 수가 아닙니다: 끝에 '{1}'이(가) 있습니다."),
    (r"'(.*)' is not a number: unexpected '(.*)'",
     "'{0}'은(는) 수가 아닙니다: '{1}'이(가) 올 자리가 아닙니다."),
    (r"'(.*)' is not a number(: .*)?", "'{0}'은(는) 수로 읽을 수 없습니다."),
    (r"'(.*)' is not a real number", "'{0}'은(는) 실수가 아닙니다."),
    (r"'(.*)' is not a finite number: division by zero", "'{0}'은(는) 0으로 나누어 값이 없습니다."),
    (r"'(.*)' is not a finite number", "'{0}'은(는) 유한한 수가 아닙니다."),
    (r"expected a number, found nothing", "수가 있어야 할 자리에 아무것도 없습니다."),
    (r"expected a number before '%'", "'%' 앞에 수가 있어야 합니다."),
    (r"expected a number inside '\(\)'", "'()' 안에 수가 있어야 합니다."),
    (r"expected one number, found (\d+)", "수를 하나만 써야 하는데 {0}개가 있습니다."),
    (r"expected .*, found only words", "수나 식이 없고 글자만 있습니다."),
    (r"unexpected '(.*)': nothing to close", "'{0}'로 닫을 여는 괄호가 없습니다."),
    (r"expected '(.*)', found '(.*)'", "'{0}'이(가) 있어야 할 자리에 '{1}'이(가) 있습니다."),
    (r"missing a number before '(.*)'", "'{0}' 앞에 수가 빠졌습니다."),
    (r"missing '(.*)'", "닫는 '{0}'이(가) 빠졌습니다."),
    (r"expected one list of numbers, found '(.*)' inside it",
     "목록 하나만 써야 하는데 안에 '{0}'이(가) 있습니다."),
    (r"expected numbers, found an empty list", "목록이 비어 있습니다."),
    (r"expected (\d+) numbers?, found (\d+)", "수 {0}개를 써야 하는데 {1}개를 썼습니다."),
    (r"row (\d+) is empty", "{0}행이 비어 있습니다."),
    (r"expected a matrix, found an empty list", "행렬이 비어 있습니다."),
    (r"unexpected '(.*)' inside a row", "행 안에 '{0}'이(가) 올 수 없습니다."),
    (r"row (\d+) has (\d+) numbers?, row 1 has (\d+)", "{0}행에는 수가 {1}개, 1행에는 {2}개 있습니다."),
    (r"expected a (\d+)×(\d+) matrix, found (\d+)×(\d+)", "{0}×{1} 행렬이어야 하는데 {2}×{3}입니다."),
    (r"option (\S+) does not exist; options are (.*)", "보기 {0}은(는) 없습니다. 보기는 {1}입니다."),
    (r"unexpected '(.*)'; write option letters (.*)", "'{0}'은(는) 쓸 수 없습니다. 보기 문자 {1}로 쓰세요."),
    (r"expected an option letter (.*), found none", "보기 문자({0})가 없습니다."),
    (r"expected one option, found (\d+)", "보기를 하나만 골라야 하는데 {0}개를 골랐습니다."),
    (r"the expression is not finite.*", "식의 값이 유한하지 않습니다 (0으로 나누었나요?)."),
))
_FORMAT_FALLBACK = "답을 읽을 수 없습니다. 형식을 확인해 주세요."


def _format_ko(message: str) -> str:
    for pattern, ko in _PREFIX_KO:
        m = pattern.fullmatch(message)
        if m is not None:
            *where, inner = m.groups()
            return ko.format(*where) + _format_ko(inner)
    for pattern, ko in _FORMAT_KO:
        m = pattern.fullmatch(message)
        if m is not None:
            return ko.format(*(g or "" for g in m.groups()))
    return _FORMAT_FALLBACK


def format_reason(feedback: str, lang: str) -> str:
    """Why an answer could not be read, from the grader's format-error note, in ``lang``."""
    message = _AT_CHARACTER.sub("", feedback.removeprefix(_FEEDBACK_PREFIX))
    if lang == "en":
        return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
    return _format_ko(message)


# -- short answers ------------------------------------------------------------------------------


def concept_name(concept: RubricConcept | WrongConcept, lang: str) -> str:
    """A rubric concept as a student reads it: its first spelling in ``lang`` (Korean: one with
    Hangul; English: one without), never LaTeX source; the id when there is none. An
    ``absent`` concept names what must be missing: "순환 없음", "no recurrence"."""
    korean, other = readable_spellings(concept.synonyms)
    first = (korean or other) if lang != "en" else (other or korean)
    if not first:
        return concept.concept
    if isinstance(concept, RubricConcept) and concept.absent:
        return f"no {first[0]}" if lang == "en" else f"{first[0]} 없음"
    return first[0]


def _names(ids: Sequence[str], concepts: Sequence[RubricConcept | WrongConcept],
           lang: str) -> str:
    by_id = {c.concept: c for c in concepts}
    return ", ".join(concept_name(by_id[i], lang) if i in by_id else i for i in ids)


def _short_lines(r: PartResult, d: ShortDetail, lang: str) -> list[str]:
    p = r.part
    lines = []
    if d.matched:
        lines.append(_t(lang, "답에 담긴 핵심 개념: ", "Key concepts in your answer: ")
                     + _names(d.matched, p.rubric, lang))
    if d.missing:
        lines.append(_t(lang, "빠진 핵심 개념: ", "Key concepts missing: ")
                     + _names(d.missing, p.rubric, lang))
    wrong = {w.concept: w for w in p.wrong_concepts}
    for cid in d.wrong if d.near_wrong is None else ():   # a named wrong answer says it all
        w = wrong.get(cid)
        why = f" — {w.why.get(lang)}" if w is not None and w.why is not None else ""
        lines.append(_t(lang, "맞지 않는 개념을 썼습니다: ", "A concept that does not fit: ")
                     + _names((cid,), p.wrong_concepts, lang) + why)
    if d.negated:
        lines.append(_t(lang, "부정하는 문장으로 쓴 핵심 개념: ", "Key concepts you negated: ")
                     + _names(d.negated, p.rubric, lang))
    if d.near_wrong is not None:
        lines.append(_t(lang, "알려진 오답과 비슷합니다: ", "Close to a known wrong answer: ")
                     + f"“{d.near_wrong.text}” — {d.near_wrong.why.get(lang)}")
    return lines


# -- every kind -----------------------------------------------------------------------------------


def _tolerance(r: PartResult, lang: str) -> str:
    tol = r.part.tolerance
    return tol.describe(lang) if tol is not None and tol.value > 0 else _t(lang, "정확히", "exact")


def _outcome_lines(r: PartResult, lang: str) -> list[str]:
    o, kind = r.scored.outcome, r.part.kind
    numeric = kind in (QuestionType.NUMERIC, QuestionType.VECTOR, QuestionType.MATRIX)
    if o is Outcome.BLANK:
        return [_t(lang, "답을 쓰지 않았거나 모른다고 적었습니다. 아래 정답과 풀이를 확인해 보세요.",
                   "You left it blank or wrote that you don't know: the answer and the worked "
                   "solution are below.")]
    if o is Outcome.INSUFFICIENT_PRECISION:
        return [_t(lang, f"값은 맞지만 자릿수가 부족합니다. 허용 오차({_tolerance(r, lang)}) 안에 "
                   "들도록 자릿수를 더 써야 합니다 (점수의 절반).",
                   f"The value is right but has too few digits: write enough digits to be within "
                   f"the tolerance ({_tolerance(r, lang)}); half the points.")]
    if r.scored.feedback.startswith(_FORMULA_NOT_VALUE):
        return [_t(lang, "식이 아니라 계산한 값을 수로 쓰세요.",
                   "Give the computed value as a number, not the formula.")]
    if o is Outcome.PARTIAL and numeric:
        return [_t(lang, "일부 성분만 허용 오차 안에 있습니다.", "Only some entries are within the "
                   "tolerance.")]
    if o is Outcome.PARTIAL and r.part.options:
        return [_t(lang, "맞게 고른 보기도 있지만, 빠뜨렸거나 잘못 고른 보기가 있습니다 (위에 표시).",
                   "Some options are right, but some are missing or wrong (marked above).")]
    if o is Outcome.WRONG and numeric and r.misconception is None:
        return [_t(lang, f"정답과의 차이가 허용 오차({_tolerance(r, lang)})보다 큽니다.",
                   f"It is further from the answer than the tolerance ({_tolerance(r, lang)}).")]
    if o is Outcome.WRONG and kind is QuestionType.SYMBOLIC:
        return [_t(lang, "정답 식과 같은 식이 아닙니다.", "It is not equivalent to the expected "
                   "expression.")]
    return []


def explain(r: PartResult, lang: str) -> Explanation:
    """The explanation of one graded part in ``lang``."""
    if r.scored.outcome is Outcome.FORMAT_ERROR:
        return Explanation((), format_reason(r.scored.feedback, lang))
    lines = _outcome_lines(r, lang)
    if r.short is not None:
        lines += _short_lines(r, r.short, lang)
    # the grader's note says nothing a named misconception or a blank does not
    quiet = r.misconception is not None or r.scored.outcome is Outcome.BLANK
    return Explanation(tuple(lines), detail="" if quiet else r.scored.feedback)


def points_label(x: float, lang: str) -> str:
    """Points as words: "3점"; "1 pt", "2.5 pts"."""
    if lang != "en":
        return f"{x:g}점"
    return f"{x:g} pt" if x == 1 else f"{x:g} pts"
