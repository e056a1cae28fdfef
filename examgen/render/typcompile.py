"""Typst source -> PDF with the ``typst`` package (the compiler is embedded in its wheel).

One :class:`TypstWriter` per process holds one compiler: its fonts are loaded once and its
caches (the preamble, shaped text) serve every document of the process. The compiler's root
is a private temporary folder holding only the preamble, so a document can read no other file
(Typst refuses paths outside its root). Fonts: the folder of the Korean font found through
fontconfig plus the fonts built into the compiler (New Computer Modern and its math font,
DejaVu Sans Mono); system fonts are not scanned, so output does not depend on them. Documents
carry no date, so the same source gives the same bytes on every run and in every process.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from multiprocessing import util as mp_util
from pathlib import Path
from typing import Literal

from examgen.errors import RenderError
from examgen.render.fonts import find_hangul_font_dir

_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
PDF_TAGS = True   # tagged PDF (structure for screen readers); see bench/generate.py for its cost
_started = False  # whether this process has made a compiler (and so may run its thread pool)


def compiler_started() -> bool:
    """Whether this process has made a Typst compiler. A process forked after that hangs in
    the compiler's thread pool (only the forking thread is copied), so a pool of renderers is
    forked only from a process where this is false."""
    return _started


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int


class TypstWriter:
    """Compiles Typst documents that ``#import "/preamble.typ"``."""

    def __init__(self, preamble: Path, font: tuple[str, str] | None = None,
                 pdf_tags: bool = PDF_TAGS):
        import typst

        global _started
        _started = True
        family, folder = font or find_hangul_font_dir()
        self.root = tempfile.mkdtemp(prefix=f"examgen-typst-{os.getpid()}-")   # pid: swept if killed
        # multiprocessing's finalizer, not weakref's: it also runs when a pool worker exits
        # (workers leave through os._exit, which skips atexit and weakref finalizers)
        self._cleanup = mp_util.Finalize(self, shutil.rmtree, args=(self.root, True),
                                         exitpriority=0)
        shutil.copyfile(preamble, Path(self.root) / "preamble.typ")
        self.pdf_tags = pdf_tags
        self._typst = typst
        self.compiler = typst.Compiler(root=self.root, font_paths=[folder],
                                       ignore_system_fonts=True,
                                       sys_inputs={"hangul-font": family})

    def write(self, source: str, fmt: Literal["pdf", "svg"] = "pdf") -> Pdf:
        """The compiled document (an SVG is one page)."""
        try:
            data = self.compiler.compile(source.encode("utf-8"), format=fmt,
                                         pdf_tags=self.pdf_tags)
        except self._typst.TypstError as e:
            raise RenderError(f"Typst could not compile a document: {e.message}\n"
                              f"{e.diagnostic}") from None
        assert isinstance(data, bytes)
        return Pdf(data, len(_PAGE.findall(data)) if fmt == "pdf" else 1)
