"""Rendering exam copies: HTML from Jinja2 templates, math as SVG, PDF with WeasyPrint.

Public surface (the face other packages import): :class:`CopyRenderer` renders one copy's exam
and key PDFs; it is created once per process (it holds the font configuration, stylesheet and
caches). :func:`pdf_writer` makes PDFs of other HTML (the grading report); the practice app uses
the page environment, the label table and the math typesetter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from examgen.model import ExamCopy, ExamSpec
from examgen.render.fonts import find_hangul_font
from examgen.render.html import (
    LABELS,
    TEMPLATES_DIR,
    environment,
    readable_spellings,
    render_css,
    render_html,
)
from examgen.render.mathsvg import MathImage, preload, typeset
from examgen.render.richtext import formulas
from examgen.render.richtext import inline as inline_math
from examgen.render.richtext import rich as rich_text

if TYPE_CHECKING:
    from examgen.render.pdf import PdfWriter

__all__ = ["LABELS", "TEMPLATES_DIR", "CopyRenderer", "MathImage", "PdfWriter", "RenderedCopy", "environment",
           "find_hangul_font", "formulas", "inline_math", "pdf_writer", "preload",
           "readable_spellings", "render_css", "render_html", "rich_text", "typeset"]


def __getattr__(name: str) -> object:
    """:class:`~examgen.render.pdf.PdfWriter` on first use: WeasyPrint loads only then."""
    if name == "PdfWriter":
        from examgen.render.pdf import PdfWriter

        return PdfWriter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def pdf_writer(css: str) -> PdfWriter:
    """A PDF writer with the stylesheet ``css`` (WeasyPrint loads only now)."""
    from examgen.render.pdf import PdfWriter

    return PdfWriter(css)


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
