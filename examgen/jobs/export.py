"""``examgen export`` and the gradebook files of ``examgen grade --lms``: the I/O edge of
:mod:`examgen.export`. Chooses the templates (an exam spec's selection, or the bank, narrowed
by topic), draws the variants, writes the file, checks it with the same validator as
``examgen export --check`` (an export that fails its own check is a bug and is not written),
and writes atomically (a temporary file, then a rename)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from examgen.assemble import select_questions
from examgen.bank import Bank
from examgen.errors import UsageError, did_you_mean
from examgen.export import (
    FORMATS,
    LMS_FILES,
    SUFFIX,
    CheckError,
    CheckReport,
    Contact,
    Settings,
    check_bytes,
    draw_items,
    gradebook_csv,
    unique_templates,
)
from examgen.io import atomic_write_bytes, load_roster
from examgen.model import ExamSpec, GradeBatch, Template


@dataclass(frozen=True)
class ExportRun:
    out: Path
    templates: int
    variants: int
    report: CheckReport
    notes: tuple[str, ...]


def choose_templates(bank: Bank, spec: ExamSpec | None, topic: str | None
                     ) -> list[tuple[Template, float | None]]:
    """The spec's questions (with its point overrides), or every bank template; only
    ``topic``'s when one is given."""
    if spec is not None:
        chosen = [tp for _, picks in select_questions(spec, bank) for tp in picks]
    else:
        chosen = [(t, None) for t in bank.templates]
    if topic is not None:
        topics = sorted({t.topic for t in bank.templates})
        if topic not in topics:
            raise UsageError(f"--topic {topic!r} is not a topic of the bank; topics are "
                             f"{', '.join(topics)}" + did_you_mean(topic, topics))
        chosen = [(t, p) for t, p in chosen if t.topic == topic]
        if not chosen:
            raise UsageError(f"the exam spec has no question of topic {topic!r}")
    return list(unique_templates(chosen))


def run_export(fmt: str, chosen: list[tuple[Template, float | None]], *, variants: int,
               seed: int, settings: Settings, title: str, out: Path) -> ExportRun:
    items = draw_items(chosen, variants, seed)
    data, notes = FORMATS[fmt](items, settings, title)
    report = check_bytes(data, str(out))
    if not report.ok:   # never hand an LMS a file it would reject
        raise CheckError(report.problems)
    write_atomic(out, data)
    return ExportRun(out, len(items), sum(len(i.variants) for i in items), report, notes)


def default_out(fmt: str, name: str) -> Path:
    return Path("output") / f"{name}-{fmt}{SUFFIX[fmt]}"


def write_atomic(path: Path, data: bytes) -> Path:
    """``data`` to ``path``, complete or not at all, readable like any file the user makes."""
    from examgen.errors import ExamgenError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
        path.chmod(0o644)   # not mkstemp's private mode
    except OSError as e:
        raise ExamgenError(f"cannot write {path}: {e.strerror or e}") from None
    return path


def write_gradebook(lms: str, batch: GradeBatch, out_dir: Path, item: str,
                    roster: Path | None = None) -> Path:
    """``canvas-gradebook.csv`` or ``moodle-grades.csv`` next to grades.csv."""
    contacts: dict[str, Contact] = {}
    if roster is not None:
        contacts = {s.student_id: Contact(s.name, s.email, s.sis_id) for s in load_roster(roster)}
    text = gradebook_csv(lms, batch, item, contacts)
    return write_atomic(out_dir / LMS_FILES[lms], text.encode("utf-8"))
