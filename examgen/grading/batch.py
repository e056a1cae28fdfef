"""Grading a class: key + submissions (+ overrides) -> :class:`~examgen.model.GradeBatch`.

Pure: inputs are values, the result is a value. Short answers are scored per question in one
vectorised pass (:mod:`.short`; copies may hold a question under different columns, so answers
are grouped by question id, not by column); overrides are applied last (:mod:`.overrides`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from examgen.bank import Glossary
from examgen.grading.overrides import _allowed, _expand_groups, apply_overrides
from examgen.grading.roster import RosterFindings, check_roster
from examgen.grading.score import MAX_TEXT, Scored, blank, score
from examgen.grading.short import ShortItem, ShortResult, grade_short_one, score_short, start_short
from examgen.grading.text import FEW_SHOT_MIN
from examgen.model import (
    AnswerGrade,
    AnswerKey,
    ChosenOption,
    Entry,
    GradeBatch,
    Override,
    PartKey,
    QuestionType,
    StudentGrade,
    Submissions,
)


def grade_batch(key: AnswerKey, subs: Submissions, overrides: Sequence[Override] = (), *,
                glossary: Glossary) -> GradeBatch:
    """Grade every submission against the key; short answers are read through the
    ``glossary`` of the bank the exam was made from."""
    pending: list[tuple[Entry, list[tuple[PartKey, str]]]] = []
    short: dict[str, list[ShortItem]] = {}
    # points the instructor put in the responses' graded column(s) act as overrides; one
    # outside the question's range is reported and left out, the answer is still scored
    inline, notices = [], list(subs.notices)
    for e in subs.entries:
        most = ({p.column: p.points for p in key.parts_for(e.student_id, e.form)}
                if e.graded else {})
        for col, pts, row in e.graded:
            if _allowed(pts, most.get(col, 0.0)):
                inline.append(Override(e.student_id, col, pts, "graded column", row,
                                       source=subs.source, submission=row))
            else:
                notices.append(f"row {row}: graded points {pts:g} for {col} are outside "
                               f"0..{most.get(col, 0.0):g}; the answer is scored as if ungraded")
    overrides = [*inline, *overrides]
    for e_index, entry in enumerate(subs.entries):
        given = dict(entry.answers)
        parts = [(p, given.get(p.column, "")) for p in key.parts_for(entry.student_id,
                                                                       entry.form)]
        pending.append((entry, parts))
        for p_index, (part, text) in enumerate(parts):
            if part.kind == QuestionType.SHORT_ANSWER and len(text) <= MAX_TEXT:  # else: format error
                short.setdefault(part.question_id, []).append(
                    ShortItem(e_index, p_index, entry.student_id, part, text))
    first: ShortResult | None = None
    if any(o.group for o in overrides):   # the groups come from scoring without the overrides
        first = score_short(short, glossary=glossary)
        overrides = _expand_groups(overrides, first.groups)
    graded = _graded_answers(short, overrides)
    # large classes: in worker processes, meanwhile; a question with no graded answers scores
    # as in the first pass
    wait_short = start_short(short, graded, first.ungraded if first is not None else None,
                             glossary=glossary)
    answers = _grade_others(pending)            # the other answers are graded here
    result = wait_short()
    for items in short.values():
        for it in items:
            at = (it.entry, it.part_index)
            answers[it.entry][it.part_index] = _answer_grade(
                it.student_id, it.part, it.text, result.scores[at], result.group_of.get(at, ""))
    students, found = _students(key, pending, answers)
    batch = GradeBatch(key.title, subs.source, key.columns,
                       tuple(p.points for p in _column_parts(key)), tuple(students),
                       subs.rejected, tuple(notices), result.groups, result.suspicions,
                       tuple(sorted((q, len(g)) for q, g in graded.items()
                                    if len(g) >= FEW_SHOT_MIN)), found.absent)
    return apply_overrides(batch, overrides) if overrides else batch


def _students(key: AnswerKey, pending: Sequence[tuple[Entry, Sequence[tuple[PartKey, str]]]],
              answers: Sequence[Sequence[AnswerGrade | None]]
              ) -> tuple[list[StudentGrade], RosterFindings]:
    """Each submission's grade, with the roster's findings (names, id typos, blank rows) as
    flags, the form it was graded against and the floor under its total."""
    found = check_roster([(e.student_id, e.name, e.rows, [t for _, t in parts])
                          for e, parts in pending], key.names, blank)
    students = []
    for (entry, _), graded_parts, more in zip(pending, answers, found.flags, strict=True):
        name = key.names.get(entry.student_id) or entry.name   # the roster's name wins
        # every short answer's place is filled by now
        students.append(StudentGrade(entry.student_id, name, entry.rows,
                                     cast(tuple[AnswerGrade, ...], tuple(graded_parts)),
                                     (*entry.flags, *more),
                                     key.form_of(entry.student_id, entry.form), key.floor))
    return students, found


def _grade_others(pending: Sequence[tuple[Entry, Sequence[tuple[PartKey, str]]]]
                  ) -> list[list[AnswerGrade | None]]:
    """Every answer that is not a short answer, graded, per entry and part (None where a short
    answer goes); equal answers to the same part are scored once."""
    memo: dict[tuple[int, str], Scored] = {}
    out: list[list[AnswerGrade | None]] = []
    for entry, parts in pending:
        row: list[AnswerGrade | None] = []
        for part, text in parts:
            if part.kind == QuestionType.SHORT_ANSWER and len(text) <= MAX_TEXT:
                row.append(None)
                continue
            s = memo.get((id(part), text))
            if s is None:
                s = memo[id(part), text] = score(part, text)
            row.append(_answer_grade(entry.student_id, part, text, s))
        out.append(row)
    return out


def _answer_grade(student_id: str, part: PartKey, text: str, s: Scored, group: str = ""
                  ) -> AnswerGrade:
    return AnswerGrade(student_id, part.column, part.question_id, text, s.points, part.points,
                       s.outcome, s.feedback, s.needs_review, s.misconception, s.normalized,
                       group, _chosen(part, s), part.variant)


def _chosen(part: PartKey, s: Scored) -> tuple[ChosenOption, ...]:
    """The options a choice answer picked, by their text and misconception (for the report's
    distractor analysis, which must not count letters: they are shuffled per copy)."""
    if part.kind not in ("single_choice", "multiple_choice") or not s.normalized:
        return ()
    texts = dict(zip(part.options, part.option_texts, strict=False))
    mis = dict(part.option_misconceptions)
    about = {m.id: m.description.get("ko") for m in part.misconceptions}
    out = []
    for key in s.normalized.split(";"):
        mid = mis.get(key)
        out.append(ChosenOption((texts.get(key) or (key,))[0], key in part.correct, mid,
                                about.get(mid, "") if mid else ""))
    return tuple(out)


def grade_one(part: PartKey, text: str, *, glossary: Glossary) -> Scored:
    """One answer to one part, scored exactly as in a batch (short answers included)."""
    if part.kind == QuestionType.SHORT_ANSWER and len(text) <= MAX_TEXT:
        return grade_short_one(part, text, glossary=glossary)[0]
    return score(part, text)


def _column_parts(key: AnswerKey) -> tuple[PartKey, ...]:
    if key.shared is not None:
        return key.shared
    first = next(iter(key.per_copy.values()))
    return first


def _graded_answers(short: dict[str, list[ShortItem]], overrides: Sequence[Override]
                    ) -> dict[str, dict[str, float]]:
    """Answers the instructor graded in overrides.csv, per question: text -> share of points.
    Group rows count once per distinct member answer (resolved after grouping)."""
    if not overrides:
        return {}
    by_key = {(it.student_id, c): it for items in short.values() for it in items
              for c in (it.part.column, it.part.question_id)}
    out: dict[str, dict[str, float]] = {}
    for o in overrides:
        it = by_key.get((o.student_id, o.question))
        if it is not None and not blank(it.text) and it.part.points > 0:
            out.setdefault(it.part.question_id, {})[it.text] = max(
                0.0, min(1.0, o.points / it.part.points))
    return out


