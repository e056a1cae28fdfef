"""The Jinja2 environment of HTML pages with bank text (the practice app's pages, which import
the shared partials of ``templates/_macros.html.j2``): sandboxed, autoescaped, StrictUndefined,
formulas as self-contained SVG images; and the UI labels those pages share.
Printed exams and keys are Typst documents (:mod:`examgen.render.typsource`).
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from examgen.model import Text
from examgen.render.mathsvg import typeset
from examgen.render.richtext import inline, rich
from examgen.render.typsource import TEMPLATES_DIR, readable_spellings

__all__ = ["LABELS", "TEMPLATES_DIR", "environment", "readable_spellings"]

LABELS: dict[str, dict[str, str]] = {
    "ko": {"student_id": "학번", "name": "이름", "date": "일시", "duration": "시간",
           "minutes": "분", "total": "총점", "points": "점", "form": "형", "answer": "답",
           "key": "정답 및 풀이", "solution": "풀이", "explanation": "해설",
           "tolerance": "허용 오차", "wrong": "흔한 오답", "rubric": "채점 기준 (핵심 개념)",
           "reference": "모범 답안", "choose_all": "해당하는 것을 모두 고르시오.",
           "choose_one": "하나를 고르시오.", "expression": "식", "known_wrong": "알려진 오답",
           "page": "쪽", "weight": "비중", "copy": "사본",
           "absent": "; 답에서 이것이 없다고 해야 함"},
    "en": {"student_id": "Student ID", "name": "Name", "date": "Date", "duration": "Time",
           "minutes": "min", "total": "Total", "points": "pts", "form": "Form",
           "answer": "Answer", "key": "Answer key", "solution": "Solution",
           "explanation": "Explanation", "tolerance": "tolerance", "wrong": "Common wrong answers",
           "rubric": "Rubric (key concepts)", "reference": "Model answer",
           "choose_all": "Mark every correct option.", "choose_one": "Choose one.",
           "expression": "Expression", "known_wrong": "Known wrong answers", "page": "page",
           "weight": "weight", "copy": "copy",
           "absent": "; the answer must say this is absent"},
}


def _tr(text: Text | str | None, lang: str) -> str:
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang)


def _pts(x: float) -> str:
    return f"{x:g}"


SPELLINGS_SHOWN = 3   # per script (Hangul, other) in a key; the bank lists every one


def _spellings(synonyms: list[str]) -> list[str]:
    """A few spellings of a rubric concept to print in a key, Korean then others, ending in
    "…" when there are more: enough to say what the concept is (the bank's full list is for
    matching typed answers; printed, it buries the rubric and tells students what to paste)."""
    korean, other = readable_spellings(synonyms)
    shown = korean[:SPELLINGS_SHOWN] + other[:SPELLINGS_SHOWN]
    return shown + (["…"] if len(shown) < len(korean) + len(other) else [])


@lru_cache(maxsize=4)
def environment(templates_dir: str = str(TEMPLATES_DIR)) -> SandboxedEnvironment:
    """The templates' environment: formulas as self-contained SVG images."""
    env = SandboxedEnvironment(loader=FileSystemLoader(templates_dir), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update({
        "tr": _tr, "pts": _pts, "spellings": _spellings,
        "rich": rich, "inline": inline, "math": lambda tex: typeset(tex).img(alt=tex),
    })
    return env
