"""Rosters (CSV): one row per student, with file:row errors."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from examgen.errors import SpecError, did_you_mean
from examgen.io.csvfile import find_column, read_csv_text
from examgen.io.names import normalize_id
from examgen.io.responses import ID_NAMES, NAME_NAMES
from examgen.model import Student
from examgen.resources import example

EMAIL_NAMES = ("email", "e-mail", "이메일", "email address")   # optional, for gradebook files
SIS_NAMES = ("sis_id", "sis id", "sis user id")
DEFAULT_ROSTER = example("roster.csv")
MAX_ID = 64   # characters of a student id


def load_roster(path: Path | str | None = None) -> tuple[Student, ...]:
    """Read a roster CSV with a student id column (``student_id``, ``학번``, ...) and optionally
    a name column (``name``, ``이름``, ...): the header names the responses reader accepts.

    Accepts UTF-8 (with or without BOM), UTF-16 and CP949 (Korean Excel). Duplicate or empty
    ids are errors naming their rows.
    """
    p = Path(path) if path is not None else DEFAULT_ROSTER
    csv_text = read_csv_text(p, "roster", SpecError)
    rows = list(csv.reader(io.StringIO(csv_text.text), delimiter=csv_text.delimiter))
    if not rows:
        raise SpecError(f"{p}: roster is empty; expected a header with student_id")
    i_id = find_column(rows[0], ID_NAMES)
    if i_id is None:
        raise SpecError(f"{p}: row 1: roster needs a student id column named one of "
                        f"{', '.join(ID_NAMES)}; found {', '.join(rows[0]) or 'nothing'}"
                        + did_you_mean(rows[0][0].strip().lower() if rows[0] else "",
                                       ID_NAMES))
    i_name = find_column(rows[0], NAME_NAMES)
    i_email = find_column(rows[0], EMAIL_NAMES)
    i_sis = find_column(rows[0], SIS_NAMES)
    problems: list[str] = []
    seen: dict[str, int] = {}
    students: list[Student] = []
    for rownum, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        sid = normalize_id(row[i_id]) if i_id < len(row) else ""   # as responses ids are
        problem = _id_problem(sid, seen)
        if problem is not None:
            problems.append(f"{p}: row {rownum}: {problem}")
            continue
        seen[sid] = rownum
        name, email, sis = (row[i].strip() if i is not None and i < len(row) else ""
                            for i in (i_name, i_email, i_sis))
        students.append(Student(sid, name, rownum, email, sis))
    if problems:
        raise SpecError("\n".join(problems))
    if not students:
        raise SpecError(f"{p}: roster has no students")
    return tuple(students)


def _id_problem(sid: str, seen: dict[str, int]) -> str | None:
    """What is wrong with a roster's student id (``seen``: the ids of the rows above, with
    their row numbers), or None."""
    if not sid:
        return "empty student_id"
    if len(sid) > MAX_ID:
        return f"student_id of {len(sid)} characters; at most {MAX_ID} (it names files)"
    if not re.match(r"^[\w.-]+$", sid):
        return (f"student_id {sid!r} may only contain letters, digits, '-', '_' and '.' "
                "(it names files)")
    if sid in seen:
        return (f"duplicate student_id {sid!r} (also in row {seen[sid]}; ids are compared in "
                "one spelling: NFC, full-width digits as ASCII, invisible characters removed)")
    return None
