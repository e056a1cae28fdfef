"""``examgen generate``: spec + roster -> exam and key PDFs, manifest.json and
answers_template.csv in one output folder, written atomically.

Copies are rendered in a process pool (one :class:`~examgen.render.CopyRenderer` per worker,
so fonts and the stylesheet are set up once per process). Everything is written to a hidden
staging folder inside the output folder and moved into place only when complete; only the
entries generate writes (:data:`MANAGED`) are replaced, so other files there (say a grading/
folder) stay. A folder with other files and no examgen manifest is refused.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from examgen.assemble import assemble, student_copies
from examgen.bank import Bank
from examgen.errors import ExamgenError, OutputError
from examgen.grading import answer_key_rows, forms_rows, key_from_manifest
from examgen.jobs.outswap import commit
from examgen.jobs.pools import collector_tuned, tune_collector
from examgen.jobs.staging import (
    check_output_dir,
    make_dir,
    staging,
    write_bytes,
    write_text,
)
from examgen.manifest import (
    build_manifest,
    manifest_difference,
    parse_manifest,
    read_output_manifest,
)
from examgen.model import Assembly, ExamCopy, ExamSpec, Student
from examgen.processes import die_with_parent, die_with_process

_WORKER: Any = None


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


def _init_worker(templates_dir: str, font: tuple[str, str]) -> None:
    global _WORKER
    from examgen.render import CopyRenderer

    _WORKER = CopyRenderer(templates_dir, font)


def _init_pool_worker(templates_dir: str, font: tuple[str, str], run_pid: int) -> None:
    """A pool worker renders until the pool ends (or the run ``run_pid`` is killed): its
    collector is tuned for good. The pool has a worker per core, so the compiler gets one
    thread: a thread pool per worker only adds switching and spinning between them."""
    if os.getppid() == run_pid:
        die_with_parent()
    else:   # a forkserver's child
        die_with_process(run_pid)
    os.environ["RAYON_NUM_THREADS"] = "1"   # read when the compiler first runs in parallel
    _init_worker(templates_dir, font)
    tune_collector()


def _render_job(job: tuple[ExamCopy, ExamSpec, str]) -> tuple[str, int, int]:
    copy, spec, folder = job
    rendered = _WORKER.render(copy, spec)
    write_bytes(Path(folder) / "exams" / f"{copy.copy_id}.pdf", rendered.exam)
    write_bytes(Path(folder) / "keys" / f"{copy.copy_id}.pdf", rendered.key)
    return copy.copy_id, rendered.exam_pages, rendered.key_pages


# What generate writes in an output folder; a full run replaces these and nothing else.
MANAGED = ("exams", "keys", "manifest.json", "answers_template.csv", "combined-exams.pdf",
           "answer_key.csv", "forms.csv")


def answers_template(columns: Sequence[str], forms: bool = False) -> str:
    """The header a submission needs; in forms mode each row names its form."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["student_id", *(["form"] if forms else []),
                                                   *columns])
    return buf.getvalue()


def key_tables(data: dict[str, Any], where: Path) -> dict[str, str]:
    """answer_key.csv, and forms.csv in forms mode, of a manifest (file name -> CSV text)."""
    key = key_from_manifest(parse_manifest(json.loads(json.dumps(data)), str(where)))
    out = {"answer_key.csv": answer_key_rows(key)}
    if key.forms:
        out["forms.csv"] = forms_rows(key)
    texts = {}
    for name, rows in out.items():
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        texts[name] = buf.getvalue()
    return texts


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


def generate(spec: ExamSpec, bank: Bank, students: Sequence[Student], out: Path, *,
             workers: int | None = None, only: Sequence[str] | None = None,
             roster: str = "the roster", progress: Callable[[int, int], None] | None = None,
             combined: bool = False) -> GenerateResult:
    """Build every copy and write the output folder atomically; with ``only``, rewrite just
    those students' exam and key PDFs in an existing output folder (named ``roster`` in
    messages), leaving its manifest and every other file as they are."""
    from examgen.render import find_hangul_font_dir

    start = time.perf_counter()
    asm = assemble(spec, bank, students)
    copies = asm.copies if only is None else student_copies(asm, only, roster)
    font = find_hangul_font_dir()  # fail before any work when Korean cannot be printed
    check_copies_math(copies)
    out = Path(out).resolve()
    render = functools.partial(_render_copies, spec=spec, font=font, workers=workers,
                               progress=progress)
    if only is None:
        pages, n_workers = _write_output(asm, bank_sha256(bank), out, render, combined)
    else:
        pages, n_workers = _rewrite_copies(asm, copies, bank_sha256(bank), out, render,
                                           combined)
    order = [c.copy_id for c in copies]
    return GenerateResult(out, len(order), tuple(pages[c][0] for c in order),
                          tuple(pages[c][1] for c in order), time.perf_counter() - start,
                          n_workers)


Pages = dict[str, tuple[int, int]]   # copy id -> (exam pages, key pages)
Render = Callable[[Sequence[ExamCopy], Path], tuple[Pages, int]]


def check_copies_math(copies: Sequence[ExamCopy]) -> None:
    """Every formula of every copy converts to Typst math, or one error naming each question
    and formula that does not (nothing is rendered then, and no raw LaTeX is printed)."""
    from examgen.render import math_problems

    found: dict[tuple[str, int], list[str]] = {}
    for q in (q for c in copies for q in c.questions):
        if (q.template_id, q.variant_seed) not in found:
            found[q.template_id, q.variant_seed] = math_problems(q.variant)
    bad = sorted({f'question "{tid}": {msg}' for (tid, _), msgs in found.items()
                  for msg in msgs})
    if bad:
        raise ExamgenError("formulas that cannot be printed (run examgen bank check):\n"
                           + "\n".join(bad))


def _render_copies(copies: Sequence[ExamCopy], folder: Path, *, spec: ExamSpec,
                   font: tuple[str, str],
                   workers: int | None, progress: Callable[[int, int], None] | None
                   ) -> tuple[Pages, int]:
    """Render ``copies`` into ``folder``/exams and ``folder``/keys; their page counts and the
    number of worker processes used."""
    from examgen.render import TEMPLATES_DIR

    (folder / "exams").mkdir(exist_ok=True)
    (folder / "keys").mkdir(exist_ok=True)
    n_workers = max(1, min(workers or os.cpu_count() or 1, len(copies)))
    jobs = [(c, spec, str(folder)) for c in copies]
    pages: Pages = {}
    with contextlib.ExitStack() as stack:
        if n_workers == 1:
            _init_worker(str(TEMPLATES_DIR), font)
            stack.enter_context(collector_tuned())
            results: Any = map(_render_job, jobs)
        else:
            pool = stack.enter_context(ProcessPoolExecutor(
                max_workers=n_workers, mp_context=_pool_context(),
                initializer=_init_pool_worker,
                initargs=(str(TEMPLATES_DIR), font, os.getpid())))
            results = pool.map(_render_job, jobs, chunksize=1)
        for k, (cid, e, kp) in enumerate(results, start=1):
            pages[cid] = (e, kp)
            if progress:
                progress(k, len(jobs))
    return pages, n_workers


def _pool_context() -> multiprocessing.context.BaseContext:
    """Fork, whose workers start at once with everything this process has loaded; but a
    process forked from one that has run the Typst compiler (a caller that printed something
    first, such as a test session) hangs in the compiler's thread pool: then forkserver,
    whose workers start clean (they import examgen and load the compiler again, ~1 s each)."""
    from examgen.render import compiler_started

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and not compiler_started():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver")


def _write_output(asm: Assembly, bank_hash: str, out: Path, render: Render,
                  combined: bool) -> tuple[Pages, int]:
    """A full run: everything is built in a staging folder inside ``out``, then generate's
    entries replace the old ones; files examgen did not write stay."""
    check_output_dir(out)
    created = not out.exists()
    make_dir(out)
    try:
        with staging(out) as staged:
            pages, n_workers = render(asm.copies, staged)
            files = {c.copy_id: {"exam": f"exams/{c.copy_id}.pdf",
                                 "key": f"keys/{c.copy_id}.pdf",
                                 "exam_pages": pages[c.copy_id][0],
                                 "key_pages": pages[c.copy_id][1]} for c in asm.copies}
            data = build_manifest(asm, files, bank_hash)
            write_text(staged / "manifest.json", json.dumps(
                data, ensure_ascii=False, indent=1) + "\n")
            write_text(staged / "answers_template.csv",
                       answers_template(asm.columns, asm.spec.mode == "forms"))
            for name, text in key_tables(data, out / "manifest.json").items():
                write_text(staged / name, text)
            if combined:
                combine_pdfs([staged / "exams" / f"{c.copy_id}.pdf" for c in asm.copies],
                             staged / "combined-exams.pdf")
            commit(staged, out, MANAGED)   # the whole set at once (jobs/outswap.py)
    except BaseException:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    return pages, n_workers


def _rewrite_copies(asm: Assembly, copies: Sequence[ExamCopy], bank_hash: str, out: Path,
                    render: Render, combined: bool) -> tuple[Pages, int]:
    """Regenerate some students' exam and key PDFs in an existing output folder, each
    replaced atomically; refused unless the folder's manifest is the one a full run would
    write now, so that it stays true for every copy."""
    existing = read_output_manifest(out) if out.is_dir() else None
    if existing is None:
        raise OutputError(f"{out} has no manifest.json from examgen generate; run examgen "
                          "generate without --student first")
    files = {str(c.get("copy_id")): c.get("files", {}) for c in existing["copies"]
             if isinstance(c, dict)}
    differs = manifest_difference(existing, build_manifest(asm, files, bank_hash))
    if differs is not None:
        raise OutputError(f"{out / 'manifest.json'} was made with a different {differs}; "
                          "run a full examgen generate (without --student)")
    with staging(out) as staged:
        pages, n_workers = render(copies, staged)
        for cid, counts in pages.items():
            recorded = (files[cid].get("exam_pages"), files[cid].get("key_pages"))
            if counts != recorded:
                raise OutputError(f"the new copy of {cid} has {counts[0]} exam and {counts[1]} "
                                  f"key pages, {out / 'manifest.json'} says {recorded[0]} and "
                                  f"{recorded[1]}; run a full examgen generate (without --student)")
        for c in copies:
            for rel in (f"exams/{c.copy_id}.pdf", f"keys/{c.copy_id}.pdf"):
                (out / rel).parent.mkdir(exist_ok=True)
                os.replace(staged / rel, out / rel)
        if combined:
            combine_pdfs([out / "exams" / f"{c.copy_id}.pdf" for c in asm.copies],
                         staged / "combined-exams.pdf")
            os.replace(staged / "combined-exams.pdf", out / "combined-exams.pdf")
    return pages, n_workers


def progress_bar(stream: Any = None) -> Callable[[int, int], None]:
    """A one-line progress bar on a terminal (default: the stderr of the moment); silent when
    ``stream`` is not one."""
    stream = sys.stderr if stream is None else stream
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
