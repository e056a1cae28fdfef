"""Printing exam copies: Typst source from Jinja2 templates, math converted from the bank's
LaTeX, PDF from the Typst compiler; HTML pages for the practice app (math as SVG); WeasyPrint
only for the HTML grading report.

Public surface (the face other packages import): :class:`CopyRenderer` renders one copy's exam
and key PDFs; it is created once per process (it holds the compiler, its fonts and caches).
:func:`render_question_preview` prints one variant alone (a bank author's preview) and
:func:`render_formula_svg` one formula as SVG. :func:`bank_math_problems` and
:func:`math_problems` say which formulas cannot be printed. :func:`pdf_writer` makes PDFs of
other HTML (the grading report); the practice app uses the page environment, the label table
and the math typesetter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from examgen.render.fonts import find_hangul_font, find_hangul_font_dir
from examgen.render.html import LABELS, environment, readable_spellings
from examgen.render.mathcheck import bank_math_problems, math_problems
from examgen.render.mathsvg import MathImage, preload, typeset
from examgen.render.richtext import formulas
from examgen.render.typcompile import TypstWriter
from examgen.render.typsource import PREAMBLE, TEMPLATES_DIR, Kind, render_source

if TYPE_CHECKING:
    from examgen.render.pdf import PdfWriter

__all__ = ["LABELS", "TEMPLATES_DIR", "CopyRenderer", "MathImage", "PdfWriter", "RenderedCopy",
           "bank_math_problems", "environment", "find_hangul_font", "find_hangul_font_dir",
           "formulas", "math_problems", "pdf_writer", "preload", "readable_spellings",
           "render_formula_svg", "render_question_preview", "typeset"]

WorkSpace = Callable[[int, str], "str | None"]


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
    def __init__(self, templates_dir: str = str(TEMPLATES_DIR),
                 font: tuple[str, str] | None = None, pdf_tags: bool | None = None):
        from pathlib import Path

        self.templates_dir = templates_dir
        extra = {} if pdf_tags is None else {"pdf_tags": pdf_tags}
        self.writer = TypstWriter(Path(templates_dir) / PREAMBLE, font, **extra)

    def source(self, kind: Kind, copy: Any, spec: Any, work_space: WorkSpace | None = None
               ) -> str:
        return render_source(kind, copy, spec, self.templates_dir,
                             work_space or _spec_work_space(spec))

    def render(self, copy: Any, spec: Any) -> RenderedCopy:
        exam = self.writer.write(self.source("exam", copy, spec))
        key = self.writer.write(self.source("key", copy, spec))
        return RenderedCopy(copy.copy_id, exam.data, key.data, exam.pages, key.pages)


def _spec_work_space(spec: Any) -> WorkSpace:
    """The spec's ``work_space`` settings as a function of (section index, question type)."""
    sections = getattr(spec, "sections", ())
    overall = getattr(spec, "work_space", ())

    def lookup(settings: Any, qtype: str) -> str | None:
        found = dict(settings or ())
        return found.get(qtype, found.get("*"))

    def work(section: int, qtype: str) -> str | None:
        own = getattr(sections[section], "work_space", ()) if section < len(sections) else ()
        return lookup(own, qtype) or lookup(overall, qtype)

    return work


def render_question_preview(variant: Any, lang: str = "ko", kind: Kind = "exam",
                            renderer: CopyRenderer | None = None) -> bytes:
    """One variant printed alone (exam pages, or its key with ``kind="key"``) as a PDF."""
    from examgen.render.sheet import one_question_copy

    renderer = renderer or CopyRenderer()
    copy, header = one_question_copy(variant, lang)
    return renderer.writer.write(renderer.source(kind, copy, header)).data


def render_formula_svg(tex: str, renderer: CopyRenderer | None = None) -> str:
    """One formula of the bank's LaTeX as a standalone SVG drawn by Typst (raises
    :class:`~examgen.render.texmath.TexMathError` when it does not convert)."""
    from examgen.render.typmarkup import math

    renderer = renderer or CopyRenderer()
    source = ('#import "/preamble.typ": *\n#show: exam-style.with()\n'
              "#set page(width: auto, height: auto, margin: 1pt, header: none, footer: none)\n"
              + math(tex))
    return renderer.writer.write(source, fmt="svg").data.decode("utf-8")
