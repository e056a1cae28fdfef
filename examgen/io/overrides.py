"""overrides.csv: the instructor's points for single answers or whole answer groups."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from examgen.errors import OverrideError
from examgen.io.csvfile import read_csv_text, row_cells
from examgen.model import Override


def read_overrides(path: Path | str) -> list[Override]:
    """overrides.csv: ``student_id,question_id,points,comment`` (question_id: a submission
    column such as Q3b, or the question's id), optional ``group`` (grades every member of an
    answer group) and ``row`` (which submission, by its row in the responses file, when a
    student handed in more than one)."""
    p = Path(path)
    csv_text = read_csv_text(p, "overrides", OverrideError)
    reader = csv.DictReader(io.StringIO(csv_text.text, newline=""), delimiter=csv_text.delimiter)
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    for need in ("question_id", "points"):
        if need not in fields:
            raise OverrideError(f"{p}: row 1: overrides need a {need!r} column "
                                "(student_id,question_id,points,comment[,group])")
    if "student_id" not in fields and "group" not in fields:
        raise OverrideError(f"{p}: row 1: overrides need a 'student_id' column (or 'group' for "
                            "answer groups from review.html)")
    out, problems = [], []
    for rownum, r in enumerate(reader, start=2):
        if None in r:   # cells past the header (a comment with an unquoted comma)
            problems.append(f"{p}: row {rownum}: {row_cells(r)} cells but the "
                            f"header has {len(fields)}; put a comment that holds a "
                            f"{csv_text.delimiter!r} in double quotes")
            continue
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in r.items()}
        if not any(row.values()):
            continue
        got = _override(p, rownum, row)
        if isinstance(got, str):
            problems.append(f"{p}: row {rownum}: {got}")
        else:
            out.append(got)
    if problems:
        raise OverrideError("\n".join(problems))
    return out


def _override(p: Path, rownum: int, row: dict[str, str]) -> Override | str:
    """The override of a (non-empty) row, or what is wrong with it."""
    try:
        pts = float(row.get("points", ""))
    except ValueError:
        return f"points {row.get('points')!r} is not a number"
    sid, group = row.get("student_id", ""), row.get("group", "")
    if not sid and not group:
        return "give a student_id or an answer group"
    submission = None
    if row.get("row"):
        if not row["row"].isdigit():
            return f"row {row['row']!r} is not a row number of the responses file"
        submission = int(row["row"])
    return Override(sid, row.get("question_id", ""), pts, row.get("comment", ""), rownum,
                    "" if sid else group, str(p), submission)
