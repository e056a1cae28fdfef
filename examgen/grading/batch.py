"""Grading a class: key + submissions (+ overrides) -> :class:`~examgen.model.GradeBatch`.

Pure apart from nothing: inputs are values, the result is a value. Short answers are scored
per question in one vectorised pass (copies may hold a question under different columns, so
answers are grouped by question id, not by column).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from examgen.errors import ExamgenError
from examgen.grading.key import AnswerKey, PartKey
from examgen.grading.score import Scored, blank, score
from examgen.grading.text import ShortAnswerScorer
from examgen.model import AnswerGrade, GradeBatch, Outcome, StudentGrade
from examgen.submissions import Entry, Submissions, decode, sniff_delimiter

FULL, ZERO = 0.8, 0.2   # short-answer score at or above FULL earns all points, at or below ZERO none


@dataclass(frozen=True)
class Override:
    student_id: str
    question: str
    points: float
    comment: str
    row: int


class OverrideError(ExamgenError):
    """overrides.csv names something that does not exist or has a bad value."""


def grade_batch(key: AnswerKey, subs: Submissions,
                overrides: Sequence[Override] = ()) -> GradeBatch:
    pending: list[tuple[Entry, list[tuple[PartKey, str]]]] = []
    short: dict[str, list[tuple[int, int, PartKey, str]]] = {}
    for e_index, entry in enumerate(subs.entries):
        given = dict(entry.answers)
        parts = [(p, given.get(p.column, "")) for p in key.parts_for(entry.student_id)]
        pending.append((entry, parts))
        for p_index, (part, text) in enumerate(parts):
            if part.kind == "short_answer":
                short.setdefault(part.question_id, []).append((e_index, p_index, part, text))
    short_scores = _score_short(short)
    memo: dict[tuple[int, str], Scored] = {}  # equal answers to the same part: scored once
    students = []
    for e_index, (entry, parts) in enumerate(pending):
        answers = []
        for p_index, (part, text) in enumerate(parts):
            if part.kind == "short_answer":
                s = short_scores[e_index, p_index]
            else:
                cached = memo.get((id(part), text))
                s = cached if cached is not None else memo.setdefault((id(part), text),
                                                                      score(part, text))
            answers.append(AnswerGrade(
                entry.student_id, part.column, part.question_id, text, s.points, part.points,
                s.outcome, s.feedback, s.needs_review, s.misconception,
                s.normalized))
        name = entry.name or key.names.get(entry.student_id, "")
        students.append(StudentGrade(entry.student_id, name, entry.rows, tuple(answers),
                                     entry.flags))
    batch = GradeBatch(key.title, subs.source, key.columns,
                       tuple(p.points for p in _column_parts(key)), tuple(students),
                       subs.rejected, subs.notices)
    return apply_overrides(batch, overrides) if overrides else batch


def grade_one(part: PartKey, text: str) -> Scored:
    """One answer to one part, scored exactly as in a batch (short answers included)."""
    if part.kind == "short_answer":
        return _score_short({part.question_id: [(0, 0, part, text)]})[0, 0]
    return score(part, text)


def _column_parts(key: AnswerKey) -> tuple[PartKey, ...]:
    if key.shared is not None:
        return key.shared
    first = next(iter(key.per_copy.values()))
    return first


def _score_short(groups: dict[str, list[tuple[int, int, PartKey, str]]]
                 ) -> dict[tuple[int, int], Scored]:
    out: dict[tuple[int, int], Scored] = {}
    for items in groups.values():
        part = items[0][2]
        answered = [(e, p, pk, t) for e, p, pk, t in items if not blank(t)]
        for e, p, _, _ in items:
            out[(e, p)] = Scored(0.0, Outcome.BLANK, "no answer")
        if not answered:
            continue
        unique = list(dict.fromkeys(t for *_, t in answered))   # equal answers scored once
        scorer = ShortAnswerScorer(part.rubric, part.wrong_answers).fit(
            list(part.references) or [""], unique)
        scores = dict(zip(unique, scorer.score_many(unique), strict=True))
        for e, p, pk, text in answered:
            ts = scores[text]
            if ts.score >= FULL:
                pts, outcome = pk.points, Outcome.CORRECT
            elif ts.score <= ZERO:
                pts, outcome = 0.0, Outcome.WRONG
            else:
                pts = round(pk.points * ts.score * 2) / 2
                outcome = Outcome.PARTIAL if pts > 0 else Outcome.WRONG
            out[(e, p)] = Scored(pts, outcome, f"score {ts.score:.2f}: {ts.explanation}",
                                 needs_review=scorer.uncertain(ts),
                                 normalized=" ".join(text.split())[:200])
    return out


def read_overrides(path: Path | str) -> list[Override]:
    """overrides.csv: ``student_id,question_id,points,comment`` (question_id: a submission
    column such as Q3b, or the question's id)."""
    p = Path(path)
    try:
        text, _ = decode(p.read_bytes(), str(p))
    except OSError as e:
        raise OverrideError(f"cannot read overrides {p}: {e.strerror or e}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    for need in ("student_id", "question_id", "points"):
        if need not in fields:
            raise OverrideError(f"{p}: row 1: overrides need a {need!r} column "
                                "(student_id,question_id,points,comment)")
    out, problems = [], []
    for rownum, r in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in r.items()}
        if not any(row.values()):
            continue
        try:
            pts = float(row.get("points", ""))
        except ValueError:
            problems.append(f"{p}: row {rownum}: points {row.get('points')!r} is not a number")
            continue
        out.append(Override(row.get("student_id", ""), row.get("question_id", ""), pts,
                            row.get("comment", ""), rownum))
    if problems:
        raise OverrideError("\n".join(problems))
    return out


def apply_overrides(batch: GradeBatch, overrides: Sequence[Override]) -> GradeBatch:
    """The batch with the instructor's points replacing the computed ones (every total and
    statistic is recomputed from the answers)."""
    by_student: dict[str, list[int]] = {}
    for i, s in enumerate(batch.students):
        by_student.setdefault(s.student_id, []).append(i)
    students = list(batch.students)
    problems = []
    for o in overrides:
        if o.student_id not in by_student:
            problems.append(f"overrides row {o.row}: student {o.student_id!r} has no graded "
                            "submission")
            continue
        hit = False
        for i in by_student[o.student_id]:
            s = students[i]
            answers = list(s.answers)
            for k, a in enumerate(answers):
                if o.question in (a.column, a.question_id):
                    if not -a.max_points <= o.points <= a.max_points:
                        problems.append(f"overrides row {o.row}: {o.points:g} points is outside "
                                        f"0..{a.max_points:g} for {a.column}")
                        hit = True
                        break
                    answers[k] = replace(a, points=o.points, needs_review=False,
                                         feedback=f"instructor: {o.comment or 'graded by hand'} "
                                                  f"(was {a.points:g}: {a.feedback})")
                    hit = True
            students[i] = replace(s, answers=tuple(answers))
        if not hit:
            problems.append(f"overrides row {o.row}: {o.question!r} is not a question of "
                            f"{o.student_id}")
    if problems:
        raise OverrideError("\n".join(problems))
    return replace(batch, students=tuple(students))
