"""``examgen grade``: the I/O edge of grading. Loads the key and the responses, grades, applies
overrides, and writes grades.csv, details.csv, rejected.csv, report.html and report.pdf as one
set: built in a staging folder, then swapped in at once (:mod:`examgen.jobs.outswap`)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from examgen.bank import bank_glossary
from examgen.errors import ExamgenError
from examgen.grading import grade_batch, key_from_manifest, key_from_rows
from examgen.io import csv_text, read_key_rows, read_overrides, read_responses
from examgen.jobs.outswap import commit, kill_point, new_staging, recover
from examgen.jobs.pools import PDF_FORK_MIN, Typeset, collector_paused, typesetter
from examgen.manifest import read_manifest
from examgen.model import AnswerKey, GradeBatch
from examgen.reports import (
    details_csv,
    feedback_file_name,
    grades_rows,
    groups_rows,
    rejected_rows,
    render_feedback_html,
    render_report_html,
    render_review_html,
)


@dataclass(frozen=True)
class GradeRun:
    batch: GradeBatch
    out_dir: Path
    files: tuple[Path, ...]


def load_key(manifest: Path | None, key: Path | None) -> AnswerKey:
    if (manifest is None) == (key is None):
        raise ExamgenError("give exactly one of --manifest DIR/manifest.json (an exam made by "
                           "examgen generate) or --key KEY.csv (an exam made elsewhere)")
    if manifest is not None:
        return key_from_manifest(read_manifest(manifest))
    return key_from_rows(*read_key_rows(key))  # type: ignore[arg-type]


def grade_files(responses: Path, *, manifest: Path | None = None, key: Path | None = None,
                out: Path | None = None, id_column: str | None = None,
                overrides: Path | None = None, pdf: bool = True,
                sheet: str | None = None, feedback: bool = False,
                bank: Path | None = None) -> GradeRun:
    """Grade the responses file against a manifest or a key file and write every output.
    Short answers are read through the glossary of ``bank``, the question bank the exam was
    made from (default: the bundled one)."""
    glossary = bank_glossary(bank)   # a broken glossary fails before any work
    with collector_paused():
        answer_key = load_key(manifest, key)
        subs = read_responses(responses, columns=answer_key.columns,
                              students=answer_key.students, id_column=id_column,
                              sheet=sheet, forms=tuple(answer_key.forms))
        ov = read_overrides(overrides) if overrides is not None else []
        # a large class's PDF process starts now: it loads WeasyPrint and the font meanwhile
        with typesetter(fork=pdf and len(subs.entries) >= PDF_FORK_MIN) as typeset:
            batch = grade_batch(answer_key, subs, ov, glossary=glossary)
            out_dir = out if out is not None else responses.parent
            extra = feedback_pages(batch, answer_key) if feedback else ()
            files = write_outputs(batch, out_dir, pdf=pdf, typeset=typeset, extra=extra)
    return GradeRun(batch, out_dir, files)


def feedback_pages(batch: GradeBatch, key: AnswerKey) -> tuple[tuple[str, bytes], ...]:
    """One feedback page per graded submission, as ``feedback/<file>`` entries of the output set."""
    seen: dict[str, int] = {}
    for s in batch.students:
        seen[s.student_id] = seen.get(s.student_id, 0) + 1
    return tuple((f"feedback/{feedback_file_name(s, k, seen[s.student_id] > 1)}",
                  render_feedback_html(s, key.parts_for(s.student_id, s.form),
                                       batch.title).encode("utf-8"))
                 for k, s in enumerate(batch.students))


def write_outputs(batch: GradeBatch, out_dir: Path, *, pdf: bool = True,
                  typeset: Typeset | None = None,
                  extra: Sequence[tuple[str, bytes]] = ()) -> tuple[Path, ...]:
    """Write every output, the whole set at once (the last run's set or this one, never a mix).
    ``typeset`` makes the report PDF (default: a :func:`typesetter` for the size of the class);
    ``extra`` are further files of the set (``feedback/<file>``)."""
    if pdf and typeset is None:
        with typesetter(fork=len(batch.students) >= PDF_FORK_MIN) as typeset:
            return write_outputs(batch, out_dir, typeset=typeset, extra=extra)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExamgenError(f"cannot create output folder {out_dir}: {e.strerror or e}; "
                           "choose another --out") from None
    html = render_report_html(batch)
    pdf_bytes = typeset(html) if pdf and typeset is not None else None   # made meanwhile
    outputs: list[tuple[str, bytes]] = [
        ("grades.csv", csv_text(grades_rows(batch)).encode("utf-8")),
        ("details.csv", details_csv(batch).encode("utf-8")),
        ("rejected.csv", csv_text(rejected_rows(batch)).encode("utf-8")),
        ("absent.csv", csv_text([["student_id", "name"], *map(list, batch.absent)]).encode("utf-8")),
        ("report.html", html.encode("utf-8")),
    ]
    if batch.groups:
        outputs += [("groups.csv", csv_text(groups_rows(batch)).encode("utf-8")),
                    ("review.html", render_review_html(batch).encode("utf-8"))]
    if pdf_bytes is not None:
        outputs.append(("report.pdf", pdf_bytes()))
    outputs += extra
    # everything is built before anything is written; the set replaces the last run's at once
    try:
        recover(out_dir)
        staged = new_staging(out_dir)
        try:
            for name, data in outputs:
                (staged / name).parent.mkdir(exist_ok=True)
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
GRADE_OUTPUTS = ("grades.csv", "details.csv", "rejected.csv", "absent.csv", "report.html",
                 "groups.csv", "review.html", "report.pdf", "feedback")


