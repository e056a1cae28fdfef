"""Feedback to hand back: one HTML page per student (``grade --feedback``).

Each page shows the student's answers with their points and outcome, the key, the misconception
an answer matched (named and described) and the worked solution of each question, with its
math typeset as in the exam PDFs. The page carries its stylesheet (opens anywhere, prints on
A4). Student text is escaped; only the bank's own text goes through the math renderer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from examgen.model import AnswerGrade, PartKey, StudentGrade

__all__ = ["feedback_file_name", "render_feedback_html"]


def feedback_file_name(student: StudentGrade, index: int, repeated: bool) -> str:
    """``<student_id>.html``; a student with several submissions gets ``<id>-row<N>.html``.
    Characters that do not belong in a file name are replaced (ids come from the responses)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in student.student_id)
    safe = safe.lstrip(".") or f"student-{index + 1}"
    return f"{safe}-row{student.rows[0]}.html" if repeated and student.rows else f"{safe}.html"


def _math(text: str) -> Markup:
    from examgen.render import rich_text

    try:
        return rich_text(text, steps=True)
    except Exception:   # a formula the typesetter cannot draw: show its source instead
        return Markup("<p>") + escape(text) + Markup("</p>")


def _key(part: PartKey) -> Markup:
    """The key as the answer-key PDF prints it (math when it is LaTeX)."""
    shown = part.display or ""
    if part.kind in ("single_choice", "multiple_choice"):
        texts = dict(zip(part.options, part.option_texts, strict=False))
        return Markup("").join(
            Markup("<div>") + escape(k + ". ") + _math(texts.get(k, ("",))[0]) + Markup("</div>")
            for k in sorted(part.correct))
    if part.kind == "short_answer":
        return _math(part.references[0]) if part.references else Markup("")
    if "\\" in shown:
        return _math(f"${shown}$")
    return escape(shown)


def _misconception(a: AnswerGrade, part: PartKey) -> Markup:
    """The misconception an answer matched: its id and what it is (bank text, with math)."""
    if not a.misconception:
        return Markup("")
    about = next((m.description.get("ko") for m in part.misconceptions
                  if m.id == a.misconception), "")
    about = about or next((o.description for o in a.chosen if o.misconception), "")
    if not about:
        return escape(a.misconception)
    from examgen.render import inline_math

    try:
        described = inline_math(about)
    except Exception:   # a formula the typesetter cannot draw: its source
        described = escape(about)
    return escape(a.misconception) + Markup(": ") + described


def render_feedback_html(student: StudentGrade, parts: Sequence[PartKey], title: str) -> str:
    """One student's feedback page."""
    from examgen.reports.html import environment, page_css

    by_column = {p.column: p for p in parts}
    rows: list[dict[str, Any]] = []
    solutions: dict[str, Markup] = {}
    for a in student.answers:
        part = by_column.get(a.column)
        if part is None:
            continue
        rows.append({"a": a, "key": _key(part), "misconception": _misconception(a, part),
                     "question": part.question_id})
        if part.solution and part.question_id not in solutions:
            solutions[part.question_id] = _math(part.solution[0])
    columns_of: dict[str, list[str]] = {}
    for r in rows:
        columns_of.setdefault(r["question"], []).append(r["a"].column)
    return environment().get_template("feedback.html.j2").render(
        student=student, rows=rows, title=title, css=Markup(page_css()),
        solutions=[(q, columns_of[q], s) for q, s in solutions.items()],
        percent=100 * student.total / student.max_total if student.max_total else 0.0)
