"""Reading responses files (CSV): one student per row (wide) or one answer per row (long).

Handles UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text"), CP949/EUC-KR (Korean
Excel), comma/semicolon/tab delimiters, and two layouts detected from the header: wide (one row
per student, a column per question) and long (``student_id,question_id,answer``). Every input
row ends up in an :class:`Entry` to grade or in ``rejected`` with its row number and reason;
a file that cannot be read at all (no id column, undecodable) is a :class:`SubmissionError`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from examgen.errors import SubmissionError, did_you_mean
from examgen.io.csvfile import find_column, header_key, read_csv_text
from examgen.io.forms import find_form_column, parse_form
from examgen.io.headers import header_number, map_headers, mapping_notice
from examgen.io.names import normalize_id
from examgen.io.xlsx import is_xlsx, read_xlsx_rows
from examgen.model import Entry, RejectedRow, Submissions

ID_NAMES = ("student_id", "studentid", "student id", "학번", "id", "student")
NAME_NAMES = ("name", "이름", "성명", "student name")
LONG_QUESTION = ("question_id", "question", "문항")
LONG_ANSWER = ("answer", "response", "답", "답안")


def read_responses(path: Path | str, *, columns: Sequence[str],
                   students: Collection[str] | None = None,
                   id_column: str | None = None, sheet: str | None = None,
                   forms: Sequence[str] = ()) -> Submissions:
    """Read a responses file (CSV text, or an .xlsx workbook: its first sheet or ``sheet``).
    ``columns`` are the question columns (wide) or question ids (long) that can be graded;
    ``students`` the known ids (None: any id is accepted); ``forms`` the form codes of a
    forms-mode exam, whose rows may name their form in a ``form`` column (a row that does is
    graded against that form, even when its id is not on the roster)."""
    source, encoding, delimiter, read_as, rows = _rows(Path(path), sheet)
    numbered = [(k, r) for k, r in enumerate(rows, start=1)]
    while numbered and not any(c.strip() for c in numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        raise SubmissionError(f"{source}: the file is empty; expected a header row with "
                              "student_id and the question columns")
    header_row, header = numbered[0]
    header = [h.replace("\ufeff", "").strip() for h in header]
    if id_column is not None:
        i_id = find_column(header, (header_key(id_column),))
        if i_id is None:
            raise SubmissionError(f"{source}: row {header_row}: no column named {id_column!r}; "
                                  f"columns are {', '.join(header)}"
                                  + did_you_mean(id_column, header))
    else:
        i_id = find_column(header, ID_NAMES)
        if i_id is None:
            raise SubmissionError(
                f"{source}: row {header_row}: no student id column; expected one of "
                f"{', '.join(repr(n) for n in ID_NAMES)} (or name yours with --id-column); "
                f"columns are {', '.join(header) or 'none'}"
                + did_you_mean(header[0] if header else "", ["student_id"]))
    i_q, i_a = find_column(header, LONG_QUESTION), find_column(header, LONG_ANSWER)
    known = {header_key(c): c for c in columns}
    _check_unique(header, header_row, known, source)
    body = numbered[1:]
    notices: list[str] = [read_as]
    if id_column is None and header_key(header[i_id]) != "student_id":
        notices.append(f"took column {header[i_id]!r} as the student id (--id-column to "
                       "choose another)")
    if i_q is not None and i_a is not None and not any(header_key(h) in known for h in header):
        entries, rejected = _long(body, header, i_id, i_q, i_a, known, students, notices)
        layout: Literal["wide", "long"] = "long"
    else:
        entries, rejected = _wide(body, header, header_row, i_id, known, students, notices,
                                  source, forms)
        layout = "wide"
    refused = [r for r in rejected if r.row != header_row]
    if not entries and refused:
        unknown = all("is not in the manifest" in r.reason for r in refused)
        hint = (f"; is {header[i_id]!r} the student id column? (--id-column to choose another)"
                if unknown else "")
        raise SubmissionError(
            f"{source}: no row could be graded: all {len(refused)} were rejected (first: row "
            f"{refused[0].row}: {refused[0].reason}){hint}")
    return Submissions(source, encoding, delimiter, layout, tuple(entries), tuple(rejected),
                       tuple(notices), len(body))


def _rows(p: Path, sheet: str | None) -> tuple[str, str, str, str, list[list[str]]]:
    """The file's rows as text: (source, encoding, delimiter, how it was read, rows)."""
    try:
        with p.open("rb") as f:
            head = f.read(4)
    except OSError:
        head = b""   # read_csv_text says why the file cannot be read
    if is_xlsx(p, head):
        sheet_name, rows = read_xlsx_rows(p, sheet)
        return str(p), "xlsx", "", f"read {p} as an Excel workbook, sheet {sheet_name!r}", rows
    if sheet is not None:
        raise SubmissionError(f"{p}: --sheet {sheet!r} applies to .xlsx workbooks; this file "
                              "is text (CSV)")
    csv_text = read_csv_text(p, "responses file", SubmissionError)
    delimiter = csv_text.delimiter
    rows = list(csv.reader(io.StringIO(csv_text.text, newline=""), delimiter=delimiter))
    how = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    return (csv_text.source, csv_text.encoding, delimiter,
            f"read {csv_text.source} as {csv_text.encoding}, delimiter {how}", rows)


def _column_name(index: int) -> str:
    """A spreadsheet's name of the 0-based column ``index``: A, B, ..., Z, AA, ..."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _check_unique(header: Sequence[str], header_row: int, known: dict[str, str],
                  source: str) -> None:
    """A question (or graded) column that appears twice: which one holds the answers cannot be
    guessed, so the file is refused rather than one of them dropped."""
    seen: dict[tuple[str, str], int] = {}
    for i, target in _targets(header, known).items():
        if target in seen:
            raise SubmissionError(
                f"{source}: row {header_row}: column {header[i]!r} appears twice (columns "
                f"{_column_name(seen[target])} and {_column_name(i)}); keep one of them "
                "(rename or delete the other)")
        seen[target] = i


def _targets(header: Sequence[str], known: dict[str, str]) -> dict[int, tuple[str, str]]:
    """What each header cell that is read holds, by index: ("answer", column) for a question
    column (by its name or its number: :func:`~examgen.io.headers.map_headers`),
    ("graded", column) for the instructor's points for it."""
    out: dict[int, tuple[str, str]] = {}
    answers = map_headers(header, list(known.values()))
    for i, h in enumerate(header):
        graded = _graded_of(header_key(h), known)
        if graded is not None:
            out[i] = ("graded", graded)
        elif i in answers:
            out[i] = ("answer", answers[i])
    return out


def _graded_of(key: str, known: dict[str, str]) -> str | None:
    """The question a graded column (``Q7_graded``, ``Q7 채점``) gives points for."""
    m = re.fullmatch(r"(.+?)[\s_\-]*(?:graded|채점)", key)
    if m is None:
        return None
    return known.get(m.group(1)) or map_headers([m.group(1)], list(known.values())).get(0)


def _raw(row: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(row)
    return buf.getvalue()


def _row_student(rownum: int, row: Sequence[str], header: Sequence[str], i_id: int,
                 students: Collection[str] | None) -> tuple[str, RejectedRow | None]:
    """The row's student id, or why the row cannot be graded (ragged, no id, unknown id)."""
    raw = _raw(row)
    if len(row) != len(header):
        return "", RejectedRow(rownum, row[i_id].strip() if i_id < len(row) else "",
                               f"ragged row: {len(row)} cells, the header has {len(header)}",
                               raw)
    sid = normalize_id(row[i_id])   # the roster's spelling (io/names.py)
    if not sid:
        return "", RejectedRow(rownum, "", "empty student id", raw)
    if students is not None and sid not in students:
        return sid, RejectedRow(rownum, sid, f"student id {sid!r} is not in the manifest"
                                + did_you_mean(sid, students), raw)
    return sid, None


@dataclass(frozen=True)
class _Layout:
    """What each column of a wide file holds."""

    i_id: int
    i_name: int | None
    i_form: int | None
    answers: tuple[tuple[int, str], ...]   # (index, exam column)
    graded: tuple[tuple[int, str], ...]    # (index, exam column) of instructor's points


def _layout(header: list[str], header_row: int, i_id: int, known: dict[str, str],
            notices: list[str], source: str, forms: Sequence[str],
            rejected: list[RejectedRow]) -> _Layout:
    """The wide file's columns: id, name, form, answers and graded points; unknown question
    columns are rejected, the others ignored with a notice. No question column at all is an
    error naming what was expected and what the file has."""
    i_name = find_column(header, NAME_NAMES)
    i_form = find_form_column(header) if forms else None
    if forms and i_form is None:
        notices.append("no form column: each student is graded against the form the manifest "
                       "assigned them (forms.csv)")
    cols: dict[str, list[tuple[int, str]]] = {"answer": [], "graded": []}
    ignored: list[str] = []
    targets = _targets(header, known)
    for i, h in enumerate(header):
        if i in (i_id, i_name, i_form):
            continue
        if i in targets:
            kind, column = targets[i]
            cols[kind].append((i, column))
        elif header_number(h) is not None:
            rejected.append(RejectedRow(header_row, "", f"unknown question column {h!r}: not in "
                                        "the exam; its answers are not graded"
                                        + did_you_mean(h.strip(), known.values()), h))
        elif h:
            ignored.append(h)
    q_cols = cols["answer"]
    if known and not q_cols:
        raise SubmissionError(
            f"{source}: row {header_row}: no question column: expected "
            f"{', '.join(known.values())} (or their numbers: 1, 1번, 문항 1, Question 1, "
            f"8(a), ...); the file's columns are {', '.join(repr(h) for h in header)}")
    mapped = mapping_notice(header, dict(q_cols))
    notices.extend([mapped] if mapped else [])
    if ignored:
        notices.append(f"ignored columns that are not questions: {', '.join(ignored)}")
    missing = [c for c in known.values() if c not in {c for _, c in q_cols}]
    if missing:
        notices.append(f"question columns missing from the file (graded as blank): "
                       f"{', '.join(missing)}")
    return _Layout(i_id, i_name, i_form, tuple(q_cols), tuple(cols["graded"]))


def _wide(body: list[tuple[int, list[str]]], header: list[str], header_row: int, i_id: int,
          known: dict[str, str], students: Collection[str] | None,
          notices: list[str], source: str, forms: Sequence[str] = ()
          ) -> tuple[list[Entry], list[RejectedRow]]:
    rejected: list[RejectedRow] = []
    lay = _layout(header, header_row, i_id, known, notices, source, forms, rejected)
    entries: list[Entry] = []
    empty = 0
    for rownum, row in body:
        if not any(c.strip() for c in row):
            empty += 1
            continue
        entry, problem = _wide_entry(rownum, row, header, lay, students, forms, notices)
        if problem is not None:
            rejected.append(problem)
        elif entry is not None:
            entries.append(entry)
    if empty:
        notices.append(f"skipped {empty} empty row(s)")
    return _flag_duplicates(entries), rejected


def _wide_entry(rownum: int, row: list[str], header: list[str], lay: _Layout,
                students: Collection[str] | None, forms: Sequence[str], notices: list[str]
                ) -> tuple[Entry | None, RejectedRow | None]:
    """One row of a wide file as a submission, or why it cannot be graded."""
    sid, problem = _row_student(rownum, row, header, lay.i_id,
                                students if lay.i_form is None else None)
    form = ""
    flags: tuple[str, ...] = ()
    if problem is None and lay.i_form is not None:
        form, flags, problem = _row_form(rownum, row, sid, row[lay.i_form], forms, students)
    if problem is not None:
        return None, problem
    answers = tuple((col, row[i]) for i, col in lay.answers)   # never cut: too long is a format error
    name = row[lay.i_name].strip() if lay.i_name is not None else ""
    graded = tuple(g for i, col in lay.graded
                   if (g := _graded(row[i], col, rownum, notices)) is not None)
    return Entry(sid, name, (rownum,), answers, flags, graded, form), None


def _flag_duplicates(entries: list[Entry]) -> list[Entry]:
    """Every submission kept; a student's several submissions each flagged with their rows."""
    rows_of: dict[str, list[int]] = {}
    for e in entries:
        rows_of.setdefault(e.student_id, []).append(e.rows[0])
    out = []
    for e in entries:
        rows = rows_of[e.student_id]
        if len(rows) > 1:
            others = ", ".join(str(r) for r in rows)
            e = replace(e, flags=(*e.flags, f"duplicate submission: student {e.student_id} "
                                  f"appears in rows {others}; all are graded, decide which "
                                  "counts"))
        out.append(e)
    return out


def _row_form(rownum: int, row: Sequence[str], sid: str, cell: str, forms: Sequence[str],
              students: Collection[str] | None
              ) -> tuple[str, tuple[str, ...], RejectedRow | None]:
    """A forms-mode row's form, its flags, or why it cannot be graded: a form that is not one
    of the exam's; no form and an id the roster does not know (no form to grade against)."""
    on_roster = students is None or sid in students
    code, why = parse_form(cell, forms)
    if code is None and (cell.strip() or not on_roster):
        reason = why if cell.strip() else (f"student id {sid!r} is not on the roster and the "
                                           "row names no form to grade it against")
        return "", (), RejectedRow(rownum, sid, reason, _raw(row))
    flags = () if on_roster else (f"not on the roster: graded against form {code}",)
    return code or "", flags, None


def _graded(cell: str, column: str, rownum: int, notices: list[str]
            ) -> tuple[str, float, int] | None:
    """An instructor's points in a graded column (blank: not graded; unreadable: a notice)."""
    t = cell.strip().replace(",", ".")
    if not t:
        return None
    try:
        return column, float(t), rownum
    except ValueError:
        notices.append(f"row {rownum}: graded points {cell.strip()!r} for {column} is not a "
                       "number; the answer is scored as if ungraded")
        return None


def _long(body: list[tuple[int, list[str]]], header: list[str], i_id: int, i_q: int, i_a: int,
          known: dict[str, str], students: Collection[str] | None,
          notices: list[str]) -> tuple[list[Entry], list[RejectedRow]]:
    rejected: list[RejectedRow] = []
    answers: dict[str, dict[str, tuple[str, int]]] = {}
    rows: dict[str, list[int]] = {}
    i_g = find_column(header, ("graded", "채점"))
    graded: dict[str, list[tuple[str, float, int]]] = {}
    for rownum, row in body:
        if not any(c.strip() for c in row):
            continue
        sid, problem = _row_student(rownum, row, header, i_id, students)
        if problem is not None:
            rejected.append(problem)
            continue
        raw = _raw(row)
        qid = row[i_q].strip()
        if header_key(qid) not in known and (col := map_headers([qid], list(known.values())).get(0)):
            qid = col
        if header_key(qid) not in known:
            rejected.append(RejectedRow(rownum, sid, f"unknown question {qid!r}"
                                        + did_you_mean(qid, known.values()), raw))
            continue
        col = known[header_key(qid)]
        mine = answers.setdefault(sid, {})
        if col in mine:
            rejected.append(RejectedRow(rownum, sid, f"second answer to {col} for {sid} (the "
                                        f"first, in row {mine[col][1]}, is graded)", raw))
            continue
        mine[col] = (row[i_a], rownum)
        rows.setdefault(sid, []).append(rownum)
        g = _graded(row[i_g], col, rownum, notices) if i_g is not None else None
        if g is not None:
            graded.setdefault(sid, []).append(g)
    notices.append("long layout: one row per answer (student_id, question_id, answer)")
    entries = [Entry(sid, "", tuple(rows[sid]),
                     tuple((c, a[0]) for c, a in sorted(ans.items(), key=lambda kv: kv[1][1])),
                     (), tuple(graded.get(sid, ())))
               for sid, ans in answers.items()]
    return entries, rejected
