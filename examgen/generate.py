"""``examgen generate``: spec + roster -> exam and key PDFs, manifest.json and
answers_template.csv in one output folder, written atomically.

Copies are rendered in a process pool (one :class:`~examgen.render.CopyRenderer` per worker,
so fonts and the stylesheet are set up once per process). Everything is written to a
temporary folder beside the target and moved into place only when complete.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from examgen.assemble import Assembly, ExamCopy, assemble, manifest
from examgen.bank.loader import Bank
from examgen.errors import ExamgenError
from examgen.spec import ExamSpec

_WORKER: Any = None


class OutputError(ExamgenError):
    """The output folder cannot be written."""


@dataclass(frozen=True)
class GenerateResult:
    out_dir: Path
    copies: int
    exam_pages: tuple[int, ...]
    key_pages: tuple[int, ...]
    seconds: float
    workers: int


def bank_sha256(bank: Bank) -> str:
    h = hashlib.sha256()
    for path in sorted(bank.root.glob("*.y*ml")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _init_worker(templates_dir: str, font_family: str) -> None:
    global _WORKER
    from examgen.render import CopyRenderer

    _WORKER = CopyRenderer(templates_dir, font_family)


def _render_job(job: tuple[ExamCopy, ExamSpec, str]) -> tuple[str, int, int]:
    copy, spec, folder = job
    rendered = _WORKER.render(copy, spec)
    _write_bytes(Path(folder) / "exams" / f"{copy.copy_id}.pdf", rendered.exam)
    _write_bytes(Path(folder) / "keys" / f"{copy.copy_id}.pdf", rendered.key)
    return copy.copy_id, rendered.exam_pages, rendered.key_pages


def _write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def check_output_dir(out: Path) -> None:
    """Fail early, with a clear message, when ``out`` cannot be created or replaced."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"output path {out} exists and is not a folder; choose another --out")
    parent = out.parent
    probe = parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"cannot create output folder {out}: {probe} is a file, not a folder; "
                          "choose another --out")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to {probe} (permission denied); choose another --out")


def answers_template(columns: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["student_id", *columns])
    return buf.getvalue()


def combine_pdfs(paths: Sequence[Path], target: Path, *, duplex: bool = True) -> None:
    """Concatenate PDFs into one print file; with ``duplex`` each document is padded to an even
    page count so no sheet carries two students' pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
        if duplex and len(writer.pages) % 2:
            last = writer.pages[-1]
            writer.add_blank_page(width=float(last.mediabox.width),
                                  height=float(last.mediabox.height))
    with target.open("wb") as f:
        writer.write(f)


def generate(spec: ExamSpec, bank: Bank, students: Sequence[Any], out: Path, *,
             workers: int | None = None, only: Sequence[str] | None = None,
             progress: Callable[[int, int], None] | None = None,
             combined: bool = False) -> GenerateResult:
    """Build every copy and write the output folder atomically."""
    from examgen.render.fonts import find_hangul_font
    from examgen.render.html import TEMPLATES_DIR

    start = time.perf_counter()
    asm: Assembly = assemble(spec, bank, students, only)
    font = find_hangul_font()  # fail before any work when Korean cannot be printed
    check_output_dir(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        (tmp / "exams").mkdir()
        (tmp / "keys").mkdir()
        n_workers = max(1, min(workers or os.cpu_count() or 1, len(asm.copies)))
        jobs = [(c, spec, str(tmp)) for c in asm.copies]
        pages: dict[str, tuple[int, int]] = {}
        with contextlib.ExitStack() as stack:
            if n_workers == 1:
                _init_worker(str(TEMPLATES_DIR), font)
                results: Any = map(_render_job, jobs)
            else:
                pool = stack.enter_context(ProcessPoolExecutor(
                    max_workers=n_workers, initializer=_init_worker,
                    initargs=(str(TEMPLATES_DIR), font)))
                results = pool.map(_render_job, jobs, chunksize=1)
            for k, (cid, e, kp) in enumerate(results, start=1):
                pages[cid] = (e, kp)
                if progress:
                    progress(k, len(jobs))
        files = {c.copy_id: {"exam": f"exams/{c.copy_id}.pdf", "key": f"keys/{c.copy_id}.pdf",
                             "exam_pages": pages[c.copy_id][0], "key_pages": pages[c.copy_id][1]}
                 for c in asm.copies}
        data = manifest(asm, files, bank_sha256(bank))
        (tmp / "manifest.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
            encoding="utf-8")
        (tmp / "answers_template.csv").write_text(answers_template(asm.columns),
                                                  encoding="utf-8")
        if combined:
            combine_pdfs([tmp / "exams" / f"{c.copy_id}.pdf" for c in asm.copies],
                         tmp / "combined-exams.pdf")
        _move_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    order = [c.copy_id for c in asm.copies]
    return GenerateResult(out, len(order), tuple(pages[c][0] for c in order),
                          tuple(pages[c][1] for c in order), time.perf_counter() - start,
                          n_workers)


def _move_into_place(tmp: Path, out: Path) -> None:
    """Replace ``out`` by ``tmp``; an old ``out`` is kept aside until the move succeeded."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    try:
        os.replace(tmp, out)
    except OSError:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def progress_bar(stream: Any = sys.stderr) -> Callable[[int, int], None]:
    """A one-line progress bar on a terminal; silent when ``stream`` is not one."""
    tty = hasattr(stream, "isatty") and stream.isatty()

    def show(done: int, total: int) -> None:
        if not tty:
            return
        width = 30
        filled = int(width * done / total)
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} copies")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show
