"""``examgen grade``: the I/O edge of grading. Loads the key and the responses, grades, applies
overrides, and writes grades.csv, details.csv, rejected.csv, report.html and report.pdf
atomically (each file to a temporary name, then renamed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from examgen.bank import bank_glossary
from examgen.errors import ExamgenError
from examgen.grading import grade_batch, key_from_manifest, key_from_rows
from examgen.io import atomic_write_bytes, csv_text, read_key_rows, read_overrides, read_responses
from examgen.jobs.pools import PDF_FORK_MIN, Typeset, collector_paused, typesetter
from examgen.manifest import read_manifest
from examgen.model import AnswerKey, GradeBatch
from examgen.reports import (
    details_csv,
    grades_rows,
    groups_rows,
    rejected_rows,
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
                bank: Path | None = None) -> GradeRun:
    """Grade the responses file against a manifest or a key file and write every output.
    Short answers are read through the glossary of ``bank``, the question bank the exam was
    made from (default: the bundled one)."""
    glossary = bank_glossary(bank)   # a broken glossary fails before any work
    with collector_paused():
        answer_key = load_key(manifest, key)
        subs = read_responses(responses, columns=answer_key.columns,
                              students=answer_key.students, id_column=id_column)
        ov = read_overrides(overrides) if overrides is not None else []
        # a large class's PDF process starts now: it loads WeasyPrint and the font meanwhile
        with typesetter(fork=pdf and len(subs.entries) >= PDF_FORK_MIN) as typeset:
            batch = grade_batch(answer_key, subs, ov, glossary=glossary)
            out_dir = out if out is not None else responses.parent
            files = write_outputs(batch, out_dir, pdf=pdf, typeset=typeset)
    return GradeRun(batch, out_dir, files)


def write_outputs(batch: GradeBatch, out_dir: Path, *, pdf: bool = True,
                  typeset: Typeset | None = None) -> tuple[Path, ...]:
    """Write every output; each file appears complete or not at all. ``typeset`` makes the
    report PDF (default: a :func:`typesetter` for the size of the class)."""
    if pdf and typeset is None:
        with typesetter(fork=len(batch.students) >= PDF_FORK_MIN) as typeset:
            return write_outputs(batch, out_dir, typeset=typeset)
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
        ("report.html", html.encode("utf-8")),
    ]
    if batch.groups:
        outputs += [("groups.csv", csv_text(groups_rows(batch)).encode("utf-8")),
                    ("review.html", render_review_html(batch).encode("utf-8"))]
    if pdf_bytes is not None:
        outputs.append(("report.pdf", pdf_bytes()))
    written = []
    for name, data in outputs:  # everything is built before anything is written
        written.append(atomic_write_bytes(out_dir / name, data))
    return tuple(written)


