"""Copies, previews and formulas to PDF or SVG: Typst source from the templates
(:mod:`examgen.render.typsource`), compiled by one :class:`~examgen.render.typcompile.TypstWriter`
per :class:`CopyRenderer`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from examgen.model import ExamCopy, ExamHeader, ExamSpec, Variant
from examgen.render.typcompile import Pdf, TypstWriter
from examgen.render.typsource import (
    PREAMBLE,
    TEMPLATES_DIR,
    Kind,
    TypstDocument,
    render_document,
    render_source,
)

WorkSpace = Callable[[int, str], "str | None"]


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
        self.templates_dir = templates_dir
        extra = {} if pdf_tags is None else {"pdf_tags": pdf_tags}
        self.writer = TypstWriter(Path(templates_dir) / PREAMBLE, font, **extra)

    def source(self, kind: Kind, copy: ExamCopy, spec: ExamHeader | ExamSpec,
               work_space: WorkSpace | None = None) -> str:
        return render_source(kind, copy, spec, self.templates_dir,
                             work_space or _spec_work_space(spec))

    def document(self, kind: Kind, copy: ExamCopy, spec: ExamHeader | ExamSpec,
                 work_space: WorkSpace | None = None) -> TypstDocument:
        """What :meth:`source` gives, each question body in a file the source includes."""
        return render_document(kind, copy, spec, self.templates_dir,
                               work_space or _spec_work_space(spec))

    def write(self, kind: Kind, copy: ExamCopy, spec: ExamHeader | ExamSpec) -> Pdf:
        doc = self.document(kind, copy, spec)
        return self.writer.write(doc.source, files=doc.files)

    def render(self, copy: ExamCopy, spec: ExamHeader | ExamSpec) -> RenderedCopy:
        exam = self.write("exam", copy, spec)
        key = self.write("key", copy, spec)
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


def render_question_preview(variant: Variant, lang: Literal["ko", "en", "both"] = "ko",
                            kind: Kind = "exam",
                            renderer: CopyRenderer | None = None) -> bytes:
    """One variant printed alone (exam pages, or its key with ``kind="key"``) as a PDF."""
    from examgen.render.sheet import one_question_copy

    renderer = renderer or CopyRenderer()
    copy, header = one_question_copy(variant, lang)
    return renderer.write(kind, copy, header).data


def render_formula_svg(tex: str, renderer: CopyRenderer | None = None) -> str:
    """One formula of the bank's LaTeX as a standalone SVG drawn by Typst (raises
    :class:`~examgen.render.texmath.TexMathError` when it does not convert)."""
    from examgen.render.typmarkup import math

    renderer = renderer or CopyRenderer()
    source = ('#import "/preamble.typ": *\n#show: exam-style.with()\n'
              "#set page(width: auto, height: auto, margin: 1pt, header: none, footer: none)\n"
              + math(tex))
    return renderer.writer.write(source, fmt="svg").data.decode("utf-8")
