"""Process plumbing of the jobs: Python's garbage collector tuned for rendering or paused for
grading, and the forked process that typesets a large class's report PDF."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection

from examgen.errors import ExamgenError

# generation 0 is collected every 10,000 net allocations instead of 700: rendering a copy
# allocates millions of objects, few in reference cycles (formula layouts, parse trees)
RENDER_GC_THRESHOLD = (10_000, 10, 10)


def tune_collector() -> None:
    gc.freeze()
    gc.set_threshold(*RENDER_GC_THRESHOLD)


@contextlib.contextmanager
def collector_tuned() -> Iterator[None]:
    """Python's cyclic garbage collector set for rendering, restored afterwards. What exists
    before (modules, the bank, WeasyPrint, fonts) is frozen out of its passes, and young
    objects are collected less often. Measured on bench/generate.py: the collector's time
    per copy fell from ~250 ms (full passes over everything a worker had loaded) to ~85 ms."""
    threshold = gc.get_threshold()
    tune_collector()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a grading run. A class's grades are
    millions of small objects that live until the outputs are written and hold no reference
    cycles (refcounting frees what is dropped); every full collection walked them all again,
    and in the forked workers it wrote to, and so copied, the parent's pages: about a third
    of the time of bench/grade.py (10,000 students). Restored afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


Typeset = Callable[[str], Callable[[], bytes]]
"""Report HTML -> a function that waits for its PDF bytes."""


PDF_FORK_MIN = 1_000   # students from which the report PDF is typeset in a forked process


@contextmanager
def typesetter(fork: bool) -> Iterator[Typeset]:
    """Where the report PDF is made. ``fork``: in a process forked now, which loads WeasyPrint
    and the Hangul font at once (about 0.6 s) and typesets the report when it is sent, while
    this process writes the CSVs (large classes: the grades take seconds, so that loading is
    done by the time the report exists); otherwise here, when the PDF is asked for."""
    import multiprocessing as mp

    from examgen.reports import render_report_pdf

    if not fork or "fork" not in mp.get_all_start_methods():
        yield lambda html: lambda: render_report_pdf(html)
        return
    ctx = mp.get_context("fork")
    conn, child_conn = ctx.Pipe()
    gc.freeze()   # the child does not collect, and so does not touch (copy) our objects
    process = ctx.Process(target=_typeset_when_sent, args=(child_conn,), daemon=True)
    process.start()
    gc.unfreeze()
    child_conn.close()

    def typeset(html: str) -> Callable[[], bytes]:
        conn.send(html)
        return lambda: _received_pdf(conn)
    try:
        yield typeset
    finally:   # the PDF was received, or will not be asked for: the process is done
        conn.close()
        process.terminate()
        process.join()


def _typeset_when_sent(conn: Connection) -> None:
    """The PDF process: load WeasyPrint and the font, wait for the report's HTML, send back
    (True, PDF bytes) or (False, the exception), as if it had been typeset in the parent."""
    from examgen.reports import prepare_report_pdf, render_report_pdf

    failed: Exception | None = None
    try:
        prepare_report_pdf()
    except Exception as e:   # reported when the PDF is asked for, as in the parent
        failed = e
    try:
        html = conn.recv()
    except EOFError:   # the run ended before its report
        return
    try:
        if failed is not None:
            raise failed
        conn.send((True, render_report_pdf(html)))
    except Exception as e:
        conn.send((False, e))


def _received_pdf(conn: Connection) -> bytes:
    try:
        ok, value = conn.recv()
    except EOFError:
        raise ExamgenError("the process typesetting report.pdf ended without it") from None
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]
