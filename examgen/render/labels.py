"""The words printed around bank text, in Korean and English: one table for printed exams and
keys (Typst) and for the practice app's pages (HTML), and how a bilingual text is read."""

from __future__ import annotations

from examgen.model import Text

__all__ = ["LABELS", "SPELLINGS_SHOWN", "tr"]

LABELS: dict[str, dict[str, str]] = {
    "ko": {"student_id": "학번", "name": "이름", "date": "일시", "duration": "시간",
           "minutes": "분", "total": "총점", "points": "점", "form": "형", "form_label": "유형",
           "answer": "답", "key": "정답 및 풀이", "solution": "풀이", "explanation": "해설",
           "tolerance": "허용 오차", "wrong": "흔한 오답", "rubric": "채점 기준 (핵심 개념)",
           "reference": "모범 답안", "choose_all": "해당하는 것을 모두 고르시오.",
           "choose_one": "하나를 고르시오.", "expression": "식", "known_wrong": "알려진 오답",
           "page": "쪽", "weight": "비중", "copy": "사본",
           "absent": "; 답에서 이것이 없다고 해야 함"},
    "en": {"student_id": "Student ID", "name": "Name", "date": "Date", "duration": "Time",
           "minutes": "min", "total": "Total", "points": "pts", "form": "Form",
           "form_label": "Form", "answer": "Answer", "key": "Answer key",
           "solution": "Solution", "explanation": "Explanation", "tolerance": "tolerance",
           "wrong": "Common wrong answers", "rubric": "Rubric (key concepts)",
           "reference": "Model answer", "choose_all": "Mark every correct option.",
           "choose_one": "Choose one.", "expression": "Expression",
           "known_wrong": "Known wrong answers", "page": "page", "weight": "weight",
           "copy": "copy", "absent": "; the answer must say this is absent"},
}
SPELLINGS_SHOWN = 3   # per script (Hangul, other) in a key; the bank lists every one


def tr(text: Text | str | None, lang: str) -> str:
    """A text in ``lang`` (a plain string is the same in every language)."""
    if text is None:
        return ""
    return text if isinstance(text, str) else text.get(lang)
