"""Documents that are not a student's exam copy: one question alone (a bank author's preview)
and practice sheets; both print with the exam templates from a :class:`Header`, no exam spec."""

from __future__ import annotations

from examgen.assemble import ExamCopy, ExamQuestion, ExamSection
from examgen.model import Text, Variant
from examgen.render.typsource import Header
from examgen.spec import Student

PREVIEW_TITLE = Text("문제 미리 보기", "Question preview")


def one_question_copy(variant: Variant, lang: str) -> tuple[ExamCopy, Header]:
    """A copy holding ``variant`` alone, and its header, in ``lang`` (ko, en or both)."""
    q = ExamQuestion(1, "Q1", variant.template_id, variant.seed or 0, variant)
    section = ExamSection(Text(variant.template_id), (q,))
    header = Header(title=PREVIEW_TITLE, course=Text(f"{variant.template_id} · seed {variant.seed}"),
                    date="", duration=0, instructions=None, language=lang)
    return ExamCopy(variant.template_id, Student("", "", 0), None, (section,)), header
