"""Applying an instructor's overrides (overrides.csv rows, graded columns of the responses) to a
graded batch: single answers, whole answer groups, one of several submissions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from examgen.errors import OverrideError, did_you_mean
from examgen.model import AnswerGrade, AnswerGroup, GradeBatch, Outcome, Override, StudentGrade


def _expand_groups(overrides: Sequence[Override], groups: Sequence[AnswerGroup]
                   ) -> list[Override]:
    """Group rows of overrides.csv replaced by one row per member of the group."""
    by_id = {g.group_id: g for g in groups}
    out: list[Override] = []
    for o in overrides:
        if not o.group:
            out.append(o)
            continue
        g = by_id.get(o.group)
        if g is None:
            raise OverrideError(f"{o.source}: row {o.row}: no answer group {o.group!r}"
                                + did_you_mean(o.group, list(by_id)))
        out += [replace(o, student_id=sid, question=col, group="", via_group=g.group_id)
                for sid, col in g.members]
    return out


def _allowed(points: float, max_points: float) -> bool:
    """Points an instructor may give: up to the maximum, or as much taken off."""
    return -max_points <= points <= max_points


def _regraded(a: AnswerGrade, o: Override) -> AnswerGrade:
    """``a`` with the instructor's points; its outcome follows them (a blank or unreadable
    answer given nothing stays what it was)."""
    if o.points >= a.max_points > 0:
        outcome = Outcome.CORRECT
    elif o.points > 0:
        outcome = Outcome.PARTIAL
    elif a.outcome in (Outcome.BLANK, Outcome.FORMAT_ERROR):
        outcome = a.outcome
    else:
        outcome = Outcome.WRONG
    return replace(a, points=o.points, outcome=outcome, needs_review=False,
                   feedback=f"instructor: {o.comment or 'graded by hand'} "
                            f"(was {a.points:g}: {a.feedback})")


def _submissions(o: Override, mine: list[int], students: Sequence[StudentGrade]
                 ) -> tuple[list[int], str | None]:
    """Which of a student's submissions (indices into ``students``) an override grades, or why
    that is not clear."""
    rows = ", ".join(str(r) for i in mine for r in students[i].rows)
    if o.submission is not None:
        hit = [i for i in mine if o.submission in students[i].rows]
        if not hit:
            return [], (f"{o.source}: row {o.row}: row {o.submission} is not a submission of "
                        f"{o.student_id} (rows {rows})")
        return hit, None
    if len(mine) > 1 and not o.via_group:
        return [], (f"{o.source}: row {o.row}: {o.student_id} handed in {len(mine)} submissions "
                    f"(rows {rows}); add a 'row' column saying which one this grade is for")
    return mine, None


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
            problems.append(f"{o.source}: row {o.row}: student {o.student_id!r} has no graded "
                            "submission")
            continue
        targets, problem = _submissions(o, by_student[o.student_id], students)
        if problem is not None:
            problems.append(problem)
            continue
        hit = False
        for i in targets:
            answers, hit_here, problem = _overridden_answers(students[i], o)
            hit = hit or hit_here
            if problem is not None:
                problems.append(problem)
            students[i] = replace(students[i], answers=answers)
        if not hit:
            problems.append(f"{o.source}: row {o.row}: {o.question!r} is not a question of "
                            f"{o.student_id}")
    if problems:
        raise OverrideError("\n".join(problems))
    return replace(batch, students=tuple(students))


def _overridden_answers(s: StudentGrade, o: Override
                        ) -> tuple[tuple[AnswerGrade, ...], bool, str | None]:
    """The submission's answers with ``o`` applied to those it names, whether it named any,
    and the problem that stopped it (points outside the answer's range) if one did."""
    answers = list(s.answers)
    hit = False
    for k, a in enumerate(answers):
        if o.question not in (a.column, a.question_id) or \
                (o.via_group and a.group != o.via_group):
            continue
        hit = True
        if not _allowed(o.points, a.max_points):
            return tuple(answers), hit, (f"{o.source}: row {o.row}: {o.points:g} points is "
                                         f"outside 0..{a.max_points:g} for {a.column}")
        answers[k] = _regraded(a, o)
    return tuple(answers), hit, None
