"""A practice sheet: N drawn problems as one PDF made by the exam renderer — the exam pages
(problems with answer spaces) followed by the answer-key pages (answers and worked solutions)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from examgen.model import ExamCopy, ExamHeader, ExamQuestion, ExamSection, Student, Text, Variant
from examgen.render import CopyRenderer

TITLE = Text("시퀀스 모델 연습지", "Sequence models practice sheet")
COURSE = Text("examgen 연습", "examgen practice")
SECTION = Text("연습 문제", "Practice problems")
INSTRUCTIONS = Text("문제를 먼저 풀고, 뒤쪽의 정답 및 풀이로 확인하세요.",
                    "Solve the problems first, then check them against the answer key at the back.")


def sheet_copy(draws: Sequence[tuple[str, int, Variant]], student: str,
               lang: str) -> tuple[ExamCopy, ExamHeader]:
    """The copy and header the exam renderer needs for the drawn (template id, seed, variant)s."""
    questions = tuple(ExamQuestion(i, f"Q{i}", tid, seed, v)
                      for i, (tid, seed, v) in enumerate(draws, start=1))
    spec = ExamHeader(title=TITLE, course=COURSE, date="", duration=0,  # no time limit
                      instructions=INSTRUCTIONS, language="en" if lang == "en" else "ko")
    # a nickname is a name, not a student id
    copy = ExamCopy(student, Student("", student, 0), None, (ExamSection(SECTION, questions),))
    return copy, spec


def render_sheet(renderer: CopyRenderer, draws: Sequence[tuple[str, int, Variant]], student: str,
                 lang: str) -> bytes:
    """The practice sheet PDF: exam pages, then answer-key pages."""
    copy, spec = sheet_copy(draws, student, lang)
    return render_sheet_copy(renderer, copy, spec)


def render_sheet_copy(renderer: CopyRenderer, copy: ExamCopy, spec: ExamHeader) -> bytes:
    """One PDF of ``copy``: its exam pages, then its answer-key pages."""
    from pypdf import PdfWriter

    rendered = renderer.render(copy, spec)
    writer = PdfWriter()
    writer.append(io.BytesIO(rendered.exam))
    writer.append(io.BytesIO(rendered.key))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
