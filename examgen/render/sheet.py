"""A document that is not a student's exam copy: one question alone (a bank author's preview),
printed with the exam templates from an :class:`~examgen.model.ExamHeader`, no exam spec."""

from __future__ import annotations

from typing import Literal

from examgen.model import ExamCopy, ExamHeader, ExamQuestion, ExamSection, Student, Text, Variant

PREVIEW_TITLE = Text("문제 미리 보기", "Question preview")


def one_question_copy(variant: Variant, lang: Literal["ko", "en", "both"]
                      ) -> tuple[ExamCopy, ExamHeader]:
    """A copy holding ``variant`` alone, and its header, in ``lang`` (ko, en or both)."""
    q = ExamQuestion(1, "Q1", variant.template_id, variant.seed or 0, variant)
    section = ExamSection(Text(variant.template_id), (q,))
    header = ExamHeader(title=PREVIEW_TITLE,
                        course=Text(f"{variant.template_id} · seed {variant.seed}"),
                        date="", duration=0, instructions=None, language=lang)
    return ExamCopy(variant.template_id, Student("", "", 0), None, (section,)), header
