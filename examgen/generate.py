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
import gc
import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from examgen.assemble import Assembly, ExamCopy, assemble, manifest, student_copies
from examgen.bank.loader import Bank
from examgen.errors import ExamgenError
from examgen.spec import ExamSpec, Student

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


def _init_worker(templates_dir: str, font: tuple[str, str]) -> None:
    global _WORKER
    from examgen.render import CopyRenderer

    _WORKER = CopyRenderer(templates_dir, font)


# generation 0 is collected every 10,000 net allocations instead of 700: rendering a copy
# allocates millions of objects, few in reference cycles (formula layouts, parse trees)
RENDER_GC_THRESHOLD = (10_000, 10, 10)


def _tune_collector() -> None:
    gc.freeze()
    gc.set_threshold(*RENDER_GC_THRESHOLD)


@contextlib.contextmanager
def collector_tuned() -> Iterator[None]:
    """Python's cyclic garbage collector set for rendering, restored afterwards. What exists
    before (modules, the bank, WeasyPrint, fonts) is frozen out of its passes, and young
    objects are collected less often. Measured on bench/generate.py: the collector's time
    per copy fell from ~250 ms (full passes over everything a worker had loaded) to ~85 ms."""
    threshold = gc.get_threshold()
    _tune_collector()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _init_pool_worker(templates_dir: str, font: tuple[str, str]) -> None:
    """A pool worker renders until the pool ends: its collector is tuned for good."""
    _init_worker(templates_dir, font)
    _tune_collector()


def _render_job(job: tuple[ExamCopy, ExamSpec, str]) -> tuple[str, int, int]:
    copy, spec, folder = job
    rendered = _WORKER.render(copy, spec)
    _write_bytes(Path(folder) / "exams" / f"{copy.copy_id}.pdf", rendered.exam)
    _write_bytes(Path(folder) / "keys" / f"{copy.copy_id}.pdf", rendered.key)
    return copy.copy_id, rendered.exam_pages, rendered.key_pages


def _write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


# What generate writes in an output folder; a full run replaces these and nothing else.
MANAGED = ("exams", "keys", "manifest.json", "answers_template.csv", "combined-exams.pdf")
STAGING_PREFIX = ".examgen-tmp-"


def check_output_dir(out: Path) -> None:
    """Fail early, with a clear message, when ``out`` cannot be created or written, or holds
    files that examgen generate did not write (they are never replaced)."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"output path {out} exists and is not a folder; choose another --out")
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"cannot create output folder {out}: {probe} is a file, not a folder; "
                          "choose another --out")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to {probe} (permission denied); choose another --out")
    if probe == out and _has_foreign_files(out):
        raise OutputError(f"output folder {out} already holds files and is not an examgen "
                          "output folder (no manifest.json from examgen generate); choose an "
                          "empty or new --out")


def _has_foreign_files(out: Path) -> bool:
    """Whether ``out`` holds anything while lacking examgen's manifest (our own leftover
    staging folders from an interrupted run do not count)."""
    if read_output_manifest(out) is not None:
        return False
    return any(not e.name.startswith(STAGING_PREFIX) for e in out.iterdir())


def read_output_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest.json examgen generate wrote in ``out``, or None when there is none."""
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if isinstance(data, dict) and "examgen_version" in data and isinstance(data.get("copies"),
                                                                            list):
        return data
    return None


_MANIFEST_PARTS = {"spec": "exam spec", "seed": "seed", "bank_sha256": "question bank",
                   "students": "roster", "examgen_version": "examgen version"}


def manifest_difference(existing: dict[str, Any], expected: dict[str, Any]) -> str | None:
    """What differs between two manifests ("roster", "seed", ...), or None when they are equal."""
    expected = json.loads(json.dumps(expected))  # tuples -> lists, as in the file
    for key in [*_MANIFEST_PARTS, *expected]:
        if existing.get(key) != expected.get(key):
            return _MANIFEST_PARTS.get(key, key)
    return None if existing == expected else "manifest layout"


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


def generate(spec: ExamSpec, bank: Bank, students: Sequence[Student], out: Path, *,
             workers: int | None = None, only: Sequence[str] | None = None,
             roster: str = "the roster", progress: Callable[[int, int], None] | None = None,
             combined: bool = False) -> GenerateResult:
    """Build every copy and write the output folder atomically; with ``only``, rewrite just
    those students' exam and key PDFs in an existing output folder (named ``roster`` in
    messages), leaving its manifest and every other file as they are."""
    from examgen.render.fonts import find_hangul_font_dir

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
    from examgen.render.mathcheck import math_problems

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
    from examgen.render.typsource import TEMPLATES_DIR

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
            # forkserver, not fork: a process forked from one that has run the Typst compiler
            # (a caller that printed something first) hangs in the compiler's thread pool
            pool = stack.enter_context(ProcessPoolExecutor(
                max_workers=n_workers, mp_context=multiprocessing.get_context("forkserver"),
                initializer=_init_pool_worker,
                initargs=(str(TEMPLATES_DIR), font)))
            results = pool.map(_render_job, jobs, chunksize=1)
        for k, (cid, e, kp) in enumerate(results, start=1):
            pages[cid] = (e, kp)
            if progress:
                progress(k, len(jobs))
    return pages, n_workers


def _write_output(asm: Assembly, bank_hash: str, out: Path, render: Render,
                  combined: bool) -> tuple[Pages, int]:
    """A full run: everything is built in a staging folder inside ``out``, then generate's
    entries replace the old ones; files examgen did not write stay."""
    check_output_dir(out)
    created = not out.exists()
    _make_dir(out)
    try:
        with _staging(out) as staged:
            pages, n_workers = render(asm.copies, staged)
            files = {c.copy_id: {"exam": f"exams/{c.copy_id}.pdf",
                                 "key": f"keys/{c.copy_id}.pdf",
                                 "exam_pages": pages[c.copy_id][0],
                                 "key_pages": pages[c.copy_id][1]} for c in asm.copies}
            _write_text(staged / "manifest.json", json.dumps(
                manifest(asm, files, bank_hash), ensure_ascii=False, indent=1) + "\n")
            _write_text(staged / "answers_template.csv", answers_template(asm.columns))
            if combined:
                combine_pdfs([staged / "exams" / f"{c.copy_id}.pdf" for c in asm.copies],
                             staged / "combined-exams.pdf")
            replace_entries(staged, out, MANAGED)
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
    differs = manifest_difference(existing, manifest(asm, files, bank_hash))
    if differs is not None:
        raise OutputError(f"{out / 'manifest.json'} was made with a different {differs}; "
                          "run a full examgen generate (without --student)")
    with _staging(out) as staged:
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


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _make_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create output folder {path}: {e.strerror or e}; choose "
                          "another --out") from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # someone else's process
        return True
    return True


def sweep_staging(out: Path) -> None:
    """Remove staging folders in ``out`` left by runs that were killed (their process is gone);
    those of a run still going are kept."""
    for entry in out.iterdir():
        m = re.fullmatch(re.escape(STAGING_PREFIX) + r"(\d+)-.*", entry.name)
        if m and entry.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


@contextlib.contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A hidden temporary folder inside ``out`` named for this process, removed afterwards
    (same file system, so its entries move into place with :func:`os.replace`); a killed
    run's leftovers are swept first."""
    try:
        sweep_staging(out)
        folder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out))
    except OSError as e:
        raise OutputError(f"cannot write to output folder {out}: {e.strerror or e}; choose "
                          "another --out") from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def replace_entries(staged: Path, out: Path, names: Sequence[str]) -> None:
    """Replace the entries ``names`` of ``out`` by those of ``staged``: the old ones are moved
    aside first and put back if anything fails; an old entry with no new one is removed."""
    with _staging(out) as old:
        aside: list[str] = []
        moved_in: list[str] = []
        try:
            for name in names:
                if os.path.lexists(out / name):
                    os.replace(out / name, old / name)
                    aside.append(name)
            for name in names:
                if os.path.lexists(staged / name):
                    os.replace(staged / name, out / name)
                    moved_in.append(name)
        except BaseException:
            for name in moved_in:
                os.replace(out / name, staged / name)
            for name in aside:
                os.replace(old / name, out / name)
            raise


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
