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

from typing import TYPE_CHECKING

from examgen.render.fonts import find_hangul_font, find_hangul_font_dir
from examgen.render.html import LABELS, environment, readable_spellings
from examgen.render.mathcheck import bank_math_problems, math_problems
from examgen.render.mathsvg import MathImage, preload, typeset
from examgen.render.printer import (
    CopyRenderer,
    RenderedCopy,
    render_formula_svg,
    render_question_preview,
)
from examgen.render.richtext import formulas
from examgen.render.richtext import inline as inline_math
from examgen.render.richtext import rich as rich_text
from examgen.render.typcompile import compiler_started
from examgen.render.typsource import TEMPLATES_DIR

if TYPE_CHECKING:
    from examgen.render.pdf import PdfWriter

__all__ = ["LABELS", "TEMPLATES_DIR", "CopyRenderer", "MathImage", "PdfWriter", "RenderedCopy",
           "bank_math_problems", "compiler_started", "environment", "find_hangul_font",
           "find_hangul_font_dir", "formulas", "inline_math", "math_problems", "pdf_writer", "preload",
           "readable_spellings", "render_formula_svg", "render_question_preview", "rich_text",
           "typeset"]


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
