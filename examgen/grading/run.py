"""``examgen grade``: the I/O edge of grading. Loads the key and the responses, grades, applies
overrides, and writes grades.csv, details.csv, rejected.csv, report.html and report.pdf
atomically (each file to a temporary name, then renamed)."""

from __future__ import annotations

import csv
import gc
import io
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing.connection import Connection
from pathlib import Path

from examgen.errors import ExamgenError
from examgen.grading.batch import grade_batch, read_overrides
from examgen.grading.key import AnswerKey, key_from_csv, key_from_manifest
from examgen.jobs.outswap import commit, kill_point, new_staging, recover
from examgen.model import GradeBatch
from examgen.submissions import read_responses

GRADES_HEAD = ("student_id", "total", "max_total", "percent")
DETAILS_HEAD = ("student_id", "question_id", "response", "points", "max_points", "outcome",
                "feedback", "needs_review")
GROUPS_HEAD = ("group", "question_id", "members", "proposed_points", "max_points", "needs_review",
               "matched", "missing", "wrong", "answer", "students")


@dataclass(frozen=True)
class GradeRun:
    batch: GradeBatch
    out_dir: Path
    files: tuple[Path, ...]


def load_key(manifest: Path | None, key: Path | None) -> AnswerKey:
    if (manifest is None) == (key is None):
        raise ExamgenError("give exactly one of --manifest DIR/manifest.json (an exam made by "
                           "examgen generate) or --key KEY.csv (an exam made elsewhere)")
    return key_from_manifest(manifest) if manifest is not None else key_from_csv(key)  # type: ignore[arg-type]


def grade_files(responses: Path, *, manifest: Path | None = None, key: Path | None = None,
                out: Path | None = None, id_column: str | None = None,
                overrides: Path | None = None, pdf: bool = True) -> GradeRun:
    with collector_paused():
        answer_key = load_key(manifest, key)
        subs = read_responses(responses, columns=answer_key.columns,
                              students=answer_key.students, id_column=id_column)
        ov = read_overrides(overrides) if overrides is not None else []
        # a large class's PDF process starts now: it loads WeasyPrint and the font meanwhile
        with typesetter(fork=pdf and len(subs.entries) >= PDF_FORK_MIN) as typeset:
            batch = grade_batch(answer_key, subs, ov)
            out_dir = out if out is not None else responses.parent
            files = write_outputs(batch, out_dir, pdf=pdf, typeset=typeset)
    return GradeRun(batch, out_dir, files)


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


def _csv(rows: Iterable[Sequence[str]]) -> str:
    """CSV text of string rows; cells that a spreadsheet would run as formulas are guarded."""
    from examgen.reports import csv_safe

    risky = tuple("=+-@\t\r")
    return _csv_text([csv_safe(c) if c.startswith(risky) else c for c in row] for row in rows)


EOL = "\r\n"   # RFC 4180's line end: the writer then quotes a cell holding \r as well as \n


def _csv_text(rows: Iterable[Sequence[str]]) -> str:
    """CSV text of rows whose cells are already guarded."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator=EOL).writerows(rows)
    return buf.getvalue()


class _CsvCells(dict[str, str]):
    """Each distinct cell as a CSV line holds it: guarded with ``csv_safe`` and quoted as
    ``csv.writer`` quotes it, computed once (a class repeats its answers, feedback and ids
    many times)."""

    def __missing__(self, cell: str) -> str:
        from examgen.reports import csv_safe

        # csv.writer writes a lone empty field as "" (a blank line would be no row); among
        # other fields it is written as nothing
        safe = csv_safe(cell)
        written = self[cell] = _csv_text([[safe]])[:-len(EOL)] if safe else ""
        return written


@lru_cache(maxsize=4096)
def _pts(x: float) -> str:
    r = round(x, 4) + 0.0
    return str(int(r)) if r == int(r) else repr(r)


def grades_rows(batch: GradeBatch) -> list[list[str]]:
    rows: list[list[str]] = [[*GRADES_HEAD, *batch.columns, "name", "flags"]]
    for s in batch.students:
        by_col = {a.column: a.points for a in s.answers}
        pct = 100 * s.total / s.max_total if s.max_total else 0.0
        rows.append([s.student_id, _pts(s.total), _pts(s.max_total), f"{pct:.1f}",
                     *(_pts(by_col.get(c, 0.0)) for c in batch.columns), s.name,
                     "; ".join(s.flags)])
    return rows


def details_csv(batch: GradeBatch) -> str:
    """details.csv, one line per answer, as ``_csv`` would write it. Text that comes from the
    responses or the key is guarded and quoted once per distinct value; the cells written here
    (points as plain numbers, outcome, yes/no, row numbers) need neither."""
    cell = _CsvCells()
    lines = [",".join([*DETAILS_HEAD, "template_id", "misconception", "rows", "group"])]
    for s in batch.students:
        sid, where = cell[s.student_id], " ".join(str(r) for r in s.rows)
        lines.extend(",".join((sid, cell[a.column], cell[a.response], _pts(a.points),
                               _pts(a.max_points), a.outcome, cell[a.feedback],
                               "yes" if a.needs_review else "no", cell[a.question_id],
                               cell[a.misconception or ""], where, cell[a.group]))
                     for a in s.answers)
    lines.append("")
    return EOL.join(lines)


def groups_rows(batch: GradeBatch) -> list[list[str]]:
    """groups.csv: one row per answer group (the ids overrides.csv takes in its group column)."""
    rows: list[list[str]] = [list(GROUPS_HEAD)]
    rows += [[g.group_id, g.question_id, str(len(g.members)), _pts(g.points), _pts(g.max_points),
              "yes" if g.needs_review else "no", "; ".join(g.matched), "; ".join(g.missing),
              "; ".join(g.wrong), g.texts[0], " ".join(sid for sid, _ in g.members)]
             for g in batch.groups]
    return rows


def rejected_rows(batch: GradeBatch) -> list[list[str]]:
    rows: list[list[str]] = [["row", "student_id", "reason", "raw"]]
    rows += [[str(r.row) if r.row is not None else "", r.student_id, r.reason, r.raw]
             for r in batch.rejected]
    return rows


Typeset = Callable[[str], Callable[[], bytes]]
"""Report HTML -> a function that waits for its PDF bytes."""


def write_outputs(batch: GradeBatch, out_dir: Path, *, pdf: bool = True,
                  typeset: Typeset | None = None) -> tuple[Path, ...]:
    """Write every output; each file appears complete or not at all. ``typeset`` makes the
    report PDF (default: a :func:`typesetter` for the size of the class)."""
    if pdf and typeset is None:
        with typesetter(fork=len(batch.students) >= PDF_FORK_MIN) as typeset:
            return write_outputs(batch, out_dir, typeset=typeset)
    from examgen.reports import render_report_html, render_review_html

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExamgenError(f"cannot create output folder {out_dir}: {e.strerror or e}; "
                           "choose another --out") from None
    html = render_report_html(batch)
    pdf_bytes = typeset(html) if pdf and typeset is not None else None   # made meanwhile
    outputs: list[tuple[str, bytes]] = [
        ("grades.csv", _csv(grades_rows(batch)).encode("utf-8")),
        ("details.csv", details_csv(batch).encode("utf-8")),
        ("rejected.csv", _csv(rejected_rows(batch)).encode("utf-8")),
        ("report.html", html.encode("utf-8")),
    ]
    if batch.groups:
        outputs += [("groups.csv", _csv(groups_rows(batch)).encode("utf-8")),
                    ("review.html", render_review_html(batch).encode("utf-8"))]
    if pdf_bytes is not None:
        outputs.append(("report.pdf", pdf_bytes()))
    # everything is built before anything is written; the set replaces the last run's at once
    try:
        recover(out_dir)
        staged = new_staging(out_dir)
        try:
            for name, data in outputs:
                (staged / name).write_bytes(data)
                kill_point()
            commit(staged, out_dir, GRADE_OUTPUTS)
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    except OSError as e:
        raise ExamgenError(f"cannot write to output folder {out_dir}: {e.strerror or e}; "
                           "choose another --out") from None
    return tuple(out_dir / name for name, _ in outputs)


# what grade writes in its output folder; a run replaces all of them (a file the run does not
# write, such as report.pdf with --no-pdf, is removed rather than left stale)
GRADE_OUTPUTS = ("grades.csv", "details.csv", "rejected.csv", "report.html", "groups.csv",
                 "review.html", "report.pdf")
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

