"""``examgen generate``: spec + roster -> exam and key PDFs, manifest.json and
answers_template.csv in one output folder, written atomically.

Copies are rendered in a process pool (one :class:`~examgen.render.CopyRenderer` per worker,
so fonts and the stylesheet are set up once per process). Everything is written to a hidden
staging folder inside the output folder and moved into place only when complete; only the
entries generate writes (:data:`MANAGED`) are replaced, so other files there (say a grading/
folder) stay. A folder with other files and no examgen manifest is refused.
"""

from __future__ import annotations

import collections
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from examgen.assemble import AssemblyPlan, plan_assembly, student_copies
from examgen.bank import Bank
from examgen.errors import ExamgenError, OutputError
from examgen.grading import (
    ANSWER_KEY_HEAD,
    answer_key_rows,
    copy_key_rows,
    copy_parts,
    forms_rows,
    key_from_manifest,
    roster_forms_rows,
)
from examgen.jobs.outswap import commit, kill_point
from examgen.jobs.pools import collector_tuned, tune_collector
from examgen.jobs.staging import (
    check_output_dir,
    make_dir,
    staging,
    write_bytes,
    write_text,
)
from examgen.manifest import (
    ManifestWriter,
    copy_entry,
    manifest_difference,
    manifest_head,
    parse_copy,
    parse_manifest,
    read_output_manifest,
)
from examgen.model import ExamCopy, ExamSpec, Student
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


Job = tuple[ExamCopy, ExamSpec, str, bool]   # a copy, its spec, the folder, whether to print it
Done = tuple[str, int, int, tuple[str, ...]]  # copy id, exam and key pages, formula problems


def _render_job(job: Job) -> Done:
    """Check a copy's formulas, then print it unless one does not convert (or ``job`` asks
    for the check only). The check is the worker's: the conversions it makes are cached there
    and serve the printing, so no process converts a formula twice."""
    copy, spec, folder, render = job
    bad = tuple(sorted(copy_math_problems(copy)))
    if bad or not render:
        return copy.copy_id, 0, 0, bad
    rendered = _WORKER.render(copy, spec)
    write_bytes(Path(folder) / "exams" / f"{copy.copy_id}.pdf", rendered.exam)
    write_bytes(Path(folder) / "keys" / f"{copy.copy_id}.pdf", rendered.key)
    return copy.copy_id, rendered.exam_pages, rendered.key_pages, ()


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
    messages), leaving its manifest and every other file as they are.

    Copies are streamed: each is built when a worker is ready for it, written (PDFs, its
    manifest entry, its answer_key.csv rows) as soon as it is rendered and then dropped, so
    memory does not grow with the roster."""
    from examgen.render import find_hangul_font_dir

    start = time.perf_counter()
    plan = plan_assembly(spec, bank, students)
    copies = None if only is None else student_copies(plan, only, roster)
    font = find_hangul_font_dir()  # fail before any work when Korean cannot be printed
    if copies is not None:
        check_copies_math(copies)
    out = Path(out).resolve()
    total = len(plan) if copies is None else len(copies)
    n_workers = max(1, min(workers or os.cpu_count() or 1, total))
    render = functools.partial(_render_copies, spec=spec, font=font, workers=n_workers,
                               total=total, progress=progress)
    if copies is None:
        exam_pages, key_pages = _write_output(plan, bank_sha256(bank), out, render, combined)
    else:
        pages = _rewrite_copies(plan, copies, bank_sha256(bank), out, render, combined)
        exam_pages = [pages[c.copy_id][0] for c in copies]
        key_pages = [pages[c.copy_id][1] for c in copies]
    return GenerateResult(out, len(exam_pages), tuple(exam_pages), tuple(key_pages),
                          time.perf_counter() - start, n_workers)


Pages = dict[str, tuple[int, int]]   # copy id -> (exam pages, key pages)
Rendered = tuple[ExamCopy, int, int]   # a copy, its exam pages and key pages
Render = Callable[[Iterable[ExamCopy], Path], Iterator[Rendered]]
IN_FLIGHT_PER_WORKER = 4   # copies handed to the pool and not yet written, per worker


def copy_math_problems(copy: ExamCopy) -> set[str]:
    """The formulas of one copy that do not convert to Typst math, one line each."""
    from examgen.render import math_problems

    found: set[str] = set()
    seen: set[tuple[str, int]] = set()
    for q in copy.questions:
        if (q.template_id, q.variant_seed) not in seen:
            seen.add((q.template_id, q.variant_seed))
            found.update(f'question "{q.template_id}": {msg}' for msg in math_problems(q.variant))
    return found


def _math_error(bad: set[str]) -> ExamgenError:
    return ExamgenError("formulas that cannot be printed (run examgen bank check):\n"
                        + "\n".join(sorted(bad)))


def check_copies_math(copies: Iterable[ExamCopy]) -> None:
    """Every formula of every copy converts to Typst math, or one error naming each question
    and formula that does not (nothing is rendered then, and no raw LaTeX is printed)."""
    bad: set[str] = set()
    for c in copies:
        bad |= copy_math_problems(c)
    if bad:
        raise _math_error(bad)


def _render_copies(copies: Iterable[ExamCopy], folder: Path, *, spec: ExamSpec,
                   font: tuple[str, str], workers: int, total: int,
                   progress: Callable[[int, int], None] | None) -> Iterator[Rendered]:
    """Render ``copies`` into ``folder``/exams and ``folder``/keys with ``workers`` processes;
    each copy with its page counts, in order, as it is done. Copies are taken from the
    iterable only as workers free up (at most :data:`IN_FLIGHT_PER_WORKER` per worker are
    pending), so an iterator that builds them keeps few in memory.

    A copy with a formula that does not convert is not printed: from the first one on, no
    copy is passed on, the rest are only checked, and one error names every problem (the
    caller then drops the folder with what was rendered so far)."""
    from examgen.render import TEMPLATES_DIR

    (folder / "exams").mkdir(exist_ok=True)
    (folder / "keys").mkdir(exist_ok=True)
    bad: set[str] = set()
    jobs = ((c, spec, str(folder), not bad) for c in copies)   # built as the pool takes them
    with contextlib.ExitStack() as stack:
        if workers == 1:
            _init_worker(str(TEMPLATES_DIR), font)
            stack.enter_context(collector_tuned())
            results: Iterator[tuple[ExamCopy, Done]] = ((job[0], _render_job(job))
                                                        for job in jobs)
        else:
            pool = stack.enter_context(ProcessPoolExecutor(
                max_workers=workers, mp_context=_pool_context(),
                initializer=_init_pool_worker,
                initargs=(str(TEMPLATES_DIR), font, os.getpid())))
            results = _bounded_map(pool, jobs, IN_FLIGHT_PER_WORKER * workers)
        for k, (copy, (_, e, kp, problems)) in enumerate(results, start=1):
            bad.update(problems)
            if not bad:
                yield copy, e, kp
            if progress:
                progress(k, total)
    if bad:
        raise _math_error(bad)


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


def _bounded_map(pool: ProcessPoolExecutor, jobs: Iterable[Job],
                 window: int) -> Iterator[tuple[ExamCopy, Done]]:
    """``pool.map(_render_job, jobs)`` in order, but with at most ``window`` jobs taken from
    ``jobs`` and not yet handed back (``Executor.map`` takes them all at once); what is still
    pending when the consumer stops is cancelled."""
    pending: collections.deque[tuple[ExamCopy, Future[Done]]] = collections.deque()
    try:
        for job in jobs:
            pending.append((job[0], pool.submit(_render_job, job)))
            if len(pending) >= window:
                copy, done = pending.popleft()
                yield copy, done.result()
        while pending:
            copy, done = pending.popleft()
            yield copy, done.result()
    finally:
        for _, fut in pending:
            fut.cancel()


def _write_output(plan: AssemblyPlan, bank_hash: str, out: Path, render: Render,
                  combined: bool) -> tuple[list[int], list[int]]:
    """A full run: everything is built in a staging folder inside ``out``, then generate's
    entries replace the old ones; files examgen did not write stay. The exam and key page
    counts of every copy, in order."""
    check_output_dir(out)
    created = not out.exists()
    make_dir(out)
    try:
        with staging(out) as staged:
            pages = _write_set(plan, bank_hash, staged, out / "manifest.json", render)
            write_text(staged / "answers_template.csv",
                       answers_template(plan.columns, plan.forms_mode))
            if plan.forms_mode:
                form_of = dict(plan.form_of)
                _write_csv(staged / "forms.csv", roster_forms_rows(
                    (s.student_id, s.name, form_of[s.student_id]) for s in plan.students))
            if combined:
                combine_pdfs([staged / "exams" / f"{cid}.pdf" for cid in plan.copy_ids()],
                             staged / "combined-exams.pdf")
            commit(staged, out, MANAGED)   # the whole set at once (jobs/outswap.py)
    except BaseException:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    return pages


def _write_set(plan: AssemblyPlan, bank_hash: str, staged: Path, where: Path,
               render: Render) -> tuple[list[int], list[int]]:
    """Render every copy and write, as each one comes back, its manifest.json entry and its
    answer_key.csv rows (read back from that entry, as grading reads the manifest); nothing
    keeps a copy once it is written. The exam and key page counts, in copy order."""
    head = manifest_head(plan.spec, plan.students, plan.form_of, plan.columns, bank_hash)
    settings = parse_manifest(json.loads(json.dumps({**head, "students": [], "copies": []})),
                              str(where))
    exam_pages: list[int] = []
    key_pages: list[int] = []
    with (staged / "manifest.json").open("w", encoding="utf-8") as mf, \
            (staged / "answer_key.csv").open("w", encoding="utf-8", newline="") as kf:
        manifest = ManifestWriter(mf, head)
        keys = csv.writer(kf, lineterminator="\n")
        keys.writerow(ANSWER_KEY_HEAD)
        mf.flush()   # nothing buffered when the pool forks its workers (they inherit buffers)
        kf.flush()
        for copy, e, kp in render(plan.copies(), staged):
            cid = copy.copy_id
            entry = manifest.add(copy_entry(copy, {"exam": f"exams/{cid}.pdf",
                                                   "key": f"keys/{cid}.pdf",
                                                   "exam_pages": e, "key_pages": kp}))
            parsed = parse_copy(json.loads(entry))
            keys.writerows(copy_key_rows(copy.form or cid, copy_parts(settings, parsed)))
            exam_pages.append(e)
            key_pages.append(kp)
        manifest.close()
    kill_point()
    kill_point()
    return exam_pages, key_pages


def _write_csv(path: Path, rows: Iterable[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    kill_point()


def _rewrite_copies(plan: AssemblyPlan, copies: Sequence[ExamCopy], bank_hash: str, out: Path,
                    render: Render, combined: bool) -> Pages:
    """Regenerate some students' exam and key PDFs in an existing output folder, each
    replaced atomically; refused unless the folder's manifest is the one a full run would
    write now, so that it stays true for every copy."""
    existing = read_output_manifest(out) if out.is_dir() else None
    if existing is None:
        raise OutputError(f"{out} has no manifest.json from examgen generate; run examgen "
                          "generate without --student first")
    files = {str(c.get("copy_id")): c.get("files", {}) for c in existing["copies"]
             if isinstance(c, dict)}
    differs = _manifest_differs(existing, plan, files, bank_hash)
    if differs is not None:
        raise OutputError(f"{out / 'manifest.json'} was made with a different {differs}; "
                          "run a full examgen generate (without --student)")
    with staging(out) as staged:
        pages = {c.copy_id: (e, kp) for c, e, kp in render(copies, staged)}
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
            combine_pdfs([out / "exams" / f"{cid}.pdf" for cid in plan.copy_ids()],
                         staged / "combined-exams.pdf")
            os.replace(staged / "combined-exams.pdf", out / "combined-exams.pdf")
    return pages


def _manifest_differs(existing: dict[str, Any], plan: AssemblyPlan,
                      files: dict[str, dict[str, Any]], bank_hash: str) -> str | None:
    """What differs between an output folder's manifest and the one a full run would write
    now (None: nothing), comparing the copies one at a time as they are built."""
    head = manifest_head(plan.spec, plan.students, plan.form_of, plan.columns, bank_hash)
    head["students"] = list(head["students"])
    differs = manifest_difference({k: v for k, v in existing.items() if k != "copies"}, head)
    if differs is not None:
        return differs
    old = existing["copies"]
    if len(old) != len(plan):
        return "copies"
    for entry, copy in zip(old, plan.copies(), strict=True):
        new = copy_entry(copy, files.get(copy.copy_id, {}))
        if entry != json.loads(json.dumps(new)):
            return "copies"
    return None


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
