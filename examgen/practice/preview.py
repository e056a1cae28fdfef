"""``examgen bank preview``: one variant of one question as a PDF — the question page, then its
answer key — printed by the same renderer as exams and practice sheets (whatever print engine
that renderer uses)."""

from __future__ import annotations

import dataclasses

from examgen.model import ExamLanguage, Template, Text
from examgen.practice.sheet import render_sheet_copy, sheet_copy
from examgen.render import CopyRenderer
from examgen.variants import make_variant

TITLE = Text("문제 미리보기", "Question preview")


def preview_pdf(template: Template, seed: int, lang: ExamLanguage,
                renderer: CopyRenderer | None = None) -> bytes:
    """The PDF of ``template``'s variant ``seed`` in ``lang`` (ko, en or both)."""
    variant = make_variant(template, seed)
    copy, spec = sheet_copy([(template.id, seed, variant)], f"{template.id} · seed {seed}",
                            "en" if lang == "en" else "ko")
    spec = dataclasses.replace(spec, title=TITLE, language=lang)
    return render_sheet_copy(renderer or CopyRenderer(), copy, spec)
