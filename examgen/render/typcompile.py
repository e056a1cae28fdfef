"""Typst source -> PDF with the ``typst`` package (the compiler is embedded in its wheel).

One :class:`TypstWriter` per process holds one compiler: its fonts are loaded once and its
caches (the preamble, shaped text) serve every document of the process. The compiler's root
is a private temporary folder (in memory on Linux: :func:`examgen.processes.compile_temp_dir`)
holding only the preamble, so a document can read no other file
(Typst refuses paths outside its root). Fonts: the folder of the Korean font found through
fontconfig plus the fonts built into the compiler (New Computer Modern and its math font,
DejaVu Sans Mono); system fonts are not scanned, so output does not depend on them. Documents
carry no date, so the same source gives the same bytes on every run and in every process.

A document may come with files of its own (:attr:`TypstDocument.files`: a question's body that
other documents print too, see :mod:`examgen.render.typsource`); they are written into the
root, named by their content, and kept while recent documents used them: Typst reuses the
layout it memoized for a file's content in an earlier document of the process, which it cannot
for the same text inside another document's own source. The compiler's memo is cleared of what
the last 10 documents did not use, so the last :data:`KEPT_FILES` files are plenty.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing import util as mp_util
from pathlib import Path
from typing import Literal

from examgen.errors import RenderError
from examgen.processes import TEMP_PREFIX, compile_temp_dir
from examgen.render.fonts import find_hangul_font_dir

_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
_FILE_NAME = re.compile(r"/blocks/[0-9a-f]{32}\.typ")   # what TypstDocument.files may name
KEPT_FILES = 1_000   # block files kept in the root across documents (a few MB at most)
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
        # pid: swept if killed; in memory where there is one (processes.compile_temp_dir)
        self.root = tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-",
                                     dir=compile_temp_dir())
        # multiprocessing's finalizer, not weakref's: it also runs when a pool worker exits
        # (workers leave through os._exit, which skips atexit and weakref finalizers)
        self._cleanup = mp_util.Finalize(self, shutil.rmtree, args=(self.root, True),
                                         exitpriority=0)
        shutil.copyfile(preamble, Path(self.root) / "preamble.typ")
        (Path(self.root) / "blocks").mkdir()   # where a document's own files go (see _put)
        self.pdf_tags = pdf_tags
        self._typst = typst
        self.compiler = typst.Compiler(root=self.root, font_paths=[folder],
                                       ignore_system_fonts=True,
                                       sys_inputs={"hangul-font": family})
        self._files: OrderedDict[str, None] = OrderedDict()   # written, least recent first

    def write(self, source: str, fmt: Literal["pdf", "svg"] = "pdf",
              files: Iterable[tuple[str, str]] = ()) -> Pdf:
        """The compiled document (an SVG is one page); ``files``: (path in the root, text)
        that its source includes, each named by its content (``/blocks/<hash>.typ``)."""
        self._put(files)
        try:
            data = self.compiler.compile(source.encode("utf-8"), format=fmt,
                                         pdf_tags=self.pdf_tags)
        except self._typst.TypstError as e:
            raise RenderError(f"Typst could not compile a document: {e.message}\n"
                              f"{e.diagnostic}") from None
        assert isinstance(data, bytes)
        return Pdf(data, len(_PAGE.findall(data)) if fmt == "pdf" else 1)

    def _put(self, files: Iterable[tuple[str, str]]) -> None:
        """Write the files a document includes that are not in the root yet, and drop the
        least recently used beyond :data:`KEPT_FILES` (never one of this document's)."""
        used = 0
        for name, text in files:
            if not _FILE_NAME.fullmatch(name):   # written by render_document; never a path
                raise ValueError(f"not a block file name: {name!r}")
            if name in self._files:
                self._files.move_to_end(name)
            else:
                Path(self.root + name).write_text(text, encoding="utf-8")
                self._files[name] = None
            used += 1
        while len(self._files) > max(KEPT_FILES, used):
            old, _ = self._files.popitem(last=False)
            Path(self.root + old).unlink(missing_ok=True)
