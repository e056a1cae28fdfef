"""Grades back to the LMS gradebook: the CSV files Canvas and Moodle import. Pure (text out).

- Canvas (Grades > Import): ``Student,ID,SIS User ID,SIS Login ID,Section`` then one column per
  assignment, and a "Points Possible" row under the header. Canvas matches a row by ID, SIS User
  ID or SIS Login ID: examgen fills SIS User ID with the roster's ``sis_id`` (else the student
  id) and SIS Login ID with its ``email``; ID (Canvas's own user number) stays empty.
- Moodle (Grades > Import > CSV file): an identifier column to map onto a user field (``ID
  number`` with the student id, which Moodle calls idnumber, and ``Email address`` when the
  roster has e-mails), then the grade item column (points).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass

from examgen.model import GradeBatch

CANVAS_HEAD = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
LMS_FILES = {"canvas": "canvas-gradebook.csv", "moodle": "moodle-grades.csv"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


@dataclass(frozen=True)
class Contact:
    """What the roster says about a student beyond the id: name, e-mail, SIS id."""

    name: str = ""
    email: str = ""
    sis_id: str = ""


def _safe(cell: str) -> str:
    # a cell a spreadsheet would run as a formula is quoted (plain numbers stay numbers)
    return "'" + cell if cell.startswith(_FORMULA) and not _NUMBER.fullmatch(cell) else cell


def _points(x: float) -> str:
    r = round(x, 4) + 0.0
    return str(int(r)) if r == int(r) else repr(r)


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([[_safe(c) for c in r] for r in rows])
    return buf.getvalue()


def canvas_csv(batch: GradeBatch, assignment: str, contacts: Mapping[str, Contact]) -> str:
    max_total = max((s.max_total for s in batch.students), default=0.0)
    rows = [[*CANVAS_HEAD, assignment], ["Points Possible", "", "", "", "", _points(max_total)]]
    for s in batch.students:
        c = contacts.get(s.student_id, Contact())
        rows.append([c.name or s.name or s.student_id, "", c.sis_id or s.student_id, c.email, "",
                     _points(s.total)])
    return _csv(rows)


def moodle_csv(batch: GradeBatch, item: str, contacts: Mapping[str, Contact]) -> str:
    with_email = any(c.email for c in contacts.values())
    rows = [["ID number", *(["Email address"] if with_email else []), item]]
    for s in batch.students:
        c = contacts.get(s.student_id, Contact())
        rows.append([s.student_id, *([c.email] if with_email else []), _points(s.total)])
    return _csv(rows)


def gradebook_csv(lms: str, batch: GradeBatch, item: str,
                  contacts: Mapping[str, Contact] | None = None) -> str:
    """The gradebook import file for ``lms`` (canvas or moodle)."""
    contacts = contacts or {}
    if lms == "canvas":
        return canvas_csv(batch, item, contacts)
    if lms == "moodle":
        return moodle_csv(batch, item, contacts)
    raise ValueError(f"lms must be canvas or moodle, got {lms!r}")
