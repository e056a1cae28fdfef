"""The answer key and the distribution list as tables (``answer_key.csv``, ``forms.csv``). Pure.

``answer_key.csv`` (``copy,column,answer,points``) is the key as a TA's spreadsheet holds it:
one row per copy (student id, or form code in forms mode) and column, each answer written in a
form the grader marks fully correct. ``forms.csv`` (``student_id,name,form``) tells the proctor
who gets which form.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from examgen import formatting as F
from examgen.model import AnswerKey, PartKey

__all__ = ["ANSWER_KEY_HEAD", "FORMS_HEAD", "answer_key_rows", "answer_text", "copy_key_rows",
           "forms_rows", "roster_forms_rows"]

ANSWER_KEY_HEAD = ("copy", "column", "answer", "points")
FORMS_HEAD = ("student_id", "name", "form")


def _digits(part: PartKey, value: float) -> int:
    """Decimals that write ``value`` inside its tolerance and with the precision asked for."""
    tol = part.tolerance
    need = tol.display_decimals(value) if tol is not None and tol.value > 0 else 0
    return max(part.decimals or 0, need)


def _number(part: PartKey, value: float) -> str:
    d = _digits(part, value)
    text = f"{value:.{d}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def answer_text(part: PartKey) -> str:
    """The answer to ``part`` as a student would write it to earn every point."""
    kind = part.kind
    value: Any = part.value   # its shape follows the kind: a number, a vector, rows
    if kind == "numeric":
        return _number(part, float(value))
    if kind == "vector":
        return "[" + ", ".join(_number(part, float(x)) for x in value) + "]"
    if kind == "matrix":
        return "[" + "; ".join(", ".join(_number(part, float(x)) for x in row)
                               for row in value) + "]"
    if kind in ("single_choice", "multiple_choice"):
        return ";".join(sorted(part.correct))
    if kind == "symbolic":
        return part.expression or ""
    return part.references[0] if part.references else ""


def answer_key_rows(key: AnswerKey) -> list[list[str]]:
    """answer_key.csv: every copy's answers, copies in manifest order (forms by their code)."""
    label = {copy: form for form, copy in key.forms.items()}
    rows = [list(ANSWER_KEY_HEAD)]
    copies = {"": key.shared} if key.shared is not None else key.per_copy
    for copy, parts in copies.items():
        rows += copy_key_rows(label.get(copy, copy), parts or ())
    return rows


def copy_key_rows(label: str, parts: Sequence[PartKey]) -> list[list[str]]:
    """answer_key.csv's rows of one copy (``label``: its student id or form code)."""
    return [[label, p.column, answer_text(p), F.fmt_num(p.points)] for p in parts]


def forms_rows(key: AnswerKey) -> list[list[str]]:
    """forms.csv: each roster student's form, in roster order (forms mode only)."""
    return list(roster_forms_rows((sid, key.names.get(sid, ""), key.form_of(sid))
                                  for sid in key.copy_of))


def roster_forms_rows(students: Iterable[tuple[str, str, str]]) -> Iterator[list[str]]:
    """forms.csv from (student id, name, form) in roster order, row by row."""
    yield list(FORMS_HEAD)
    for sid, name, form in students:
        yield [sid, name, form]
