"""Rendering exam copies: HTML from Jinja2 templates, math as SVG, PDF with WeasyPrint.

Public surface: :class:`CopyRenderer` renders one copy's exam and key PDFs; it is created once
per process (it holds the font configuration, stylesheet and caches).
"""

from __future__ import annotations

from dataclasses import dataclass

from examgen.assemble import ExamCopy
from examgen.render.fonts import find_hangul_font
from examgen.render.html import TEMPLATES_DIR, render_css, render_html
from examgen.spec import ExamSpec

__all__ = ["CopyRenderer", "RenderedCopy"]


@dataclass(frozen=True)
class RenderedCopy:
    copy_id: str
    exam: bytes
    key: bytes
    exam_pages: int
    key_pages: int


class CopyRenderer:
    def __init__(self, templates_dir: str = str(TEMPLATES_DIR), font_family: str | None = None):
        from examgen.render.pdf import PdfWriter  # WeasyPrint loads only when rendering

        self.templates_dir = templates_dir
        self.font_family = font_family or find_hangul_font()
        self.writer = PdfWriter(render_css(self.font_family, templates_dir))

    def html(self, kind: str, copy: ExamCopy, spec: ExamSpec) -> str:
        return render_html(kind, copy, spec, self.templates_dir)  # type: ignore[arg-type]

    def render(self, copy: ExamCopy, spec: ExamSpec) -> RenderedCopy:
        exam = self.writer.write(self.html("exam", copy, spec))
        key = self.writer.write(self.html("key", copy, spec))
        return RenderedCopy(copy.copy_id, exam.data, key.data, exam.pages, key.pages)
