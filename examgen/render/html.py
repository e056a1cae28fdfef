"""Exam copies -> HTML documents (exam and answer key) from the Jinja2 templates in
``templates/``, rendered in a sandbox with autoescape and StrictUndefined.

The documents are for :class:`examgen.render.pdf.PdfWriter`: formulas are ``examgen-math:``
links it resolves (short HTML, see :mod:`examgen.render.mathsvg`), not data URIs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from examgen.model import ExamCopy, ExamSpec, Text
from examgen.render.mathsvg import typeset
from examgen.render.richtext import inline, rich
from examgen.resources import templates_dir

TEMPLATES_DIR = templates_dir()
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

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


def readable_spellings(synonyms: Sequence[str]) -> tuple[list[str], list[str]]:
    """A concept's spellings worth showing a reader, those with Hangul and the others. Spellings
    in LaTeX source (``h \\times d_v``) only help match typed answers and are left out: a
    Korean font draws their backslash as a won sign."""
    usable = [s for s in synonyms if "\\" not in s]
    return ([s for s in usable if _HANGUL.search(s)],
            [s for s in usable if not _HANGUL.search(s)])


def _spellings(synonyms: list[str]) -> list[str]:
    """A few spellings of a rubric concept to print in a key, Korean then others, ending in
    "…" when there are more: enough to say what the concept is (the bank's full list is for
    matching typed answers; printed, it buries the rubric and tells students what to paste)."""
    korean, other = readable_spellings(synonyms)
    shown = korean[:SPELLINGS_SHOWN] + other[:SPELLINGS_SHOWN]
    return shown + (["…"] if len(shown) < len(korean) + len(other) else [])


@lru_cache(maxsize=4)
def environment(templates_dir: str = str(TEMPLATES_DIR), linked: bool = True
                ) -> SandboxedEnvironment:
    """The templates' environment. ``linked``: formulas as short ``examgen-math:`` links that
    only the PDF writer resolves (exams, keys); otherwise self-contained SVG images (pages a
    browser shows, such as the practice app's)."""
    env = SandboxedEnvironment(loader=FileSystemLoader(templates_dir), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update({
        "tr": _tr, "pts": _pts, "spellings": _spellings,
        "rich": lambda text, steps=False: rich(text, steps, linked=linked),
        "inline": lambda text: inline(text, linked=linked),
        "math": lambda tex: typeset(tex).img(alt=tex, linked=linked),
    })
    return env


def render_css(font_family: str, templates_dir: str = str(TEMPLATES_DIR)) -> str:
    return environment(templates_dir).get_template("exam.css.j2").render(font_family=font_family)


Kind = Literal["exam", "key"]


def render_html(kind: Kind, copy: ExamCopy, spec: ExamSpec,
                templates_dir: str = str(TEMPLATES_DIR), **extra: Any) -> str:
    """The exam or answer-key HTML of one copy."""
    lang = spec.language
    langs = ["ko", "en"] if lang == "both" else [lang]
    ui = LABELS["en" if lang == "en" else "ko"]
    if copy.student is not None and copy.student.student_id:
        footer_id = f"{ui['student_id']} {copy.student.student_id}"
    elif copy.student is not None:   # a practice sheet: a nickname, no student id
        footer_id = f"{ui['name']} {copy.student.name}"
    else:
        footer_id = f"{ui['form']} {copy.form}"
    template = environment(templates_dir).get_template(f"{kind}.html.j2")
    return template.render(kind=kind, copy=copy, spec=spec, lang=langs[0], langs=langs,
                           ui=ui, footer_id=footer_id, **extra)
