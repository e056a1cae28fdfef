"""Grading a class: key + submissions (+ overrides) -> :class:`~examgen.model.GradeBatch`.

Pure apart from nothing: inputs are values, the result is a value. Short answers are scored
per question in one vectorised pass (copies may hold a question under different columns, so
answers are grouped by question id, not by column).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

from examgen.errors import ExamgenError, did_you_mean
from examgen.grading.groups import (
    EXPLAINED,
    GROUP_THRESHOLD,
    collusion,
    greedy_groups,
    near_identical,
)
from examgen.grading.key import AnswerKey, PartKey
from examgen.grading.points import award
from examgen.grading.score import Scored, blank, score
from examgen.grading.text import FEW_SHOT_MIN, ShortAnswerScorer, TextScore
from examgen.model import AnswerGrade, AnswerGroup, GradeBatch, Outcome, StudentGrade, Suspicion
from examgen.submissions import Entry, Submissions, decode, sniff_delimiter


@dataclass(frozen=True)
class Override:
    student_id: str
    question: str
    points: float
    comment: str
    row: int
    group: str = ""      # an answer group (review.html): the row grades every member
    source: str = "overrides"   # the file the row is in: overrides.csv or the responses
    submission: int | None = None   # the input row of the submission it grades, when a student
                                    # handed in more than one
    via_group: str = ""  # the group a row expanded from: it grades the member answers only


class OverrideError(ExamgenError):
    """overrides.csv names something that does not exist or has a bad value."""


def grade_batch(key: AnswerKey, subs: Submissions,
                overrides: Sequence[Override] = ()) -> GradeBatch:
    pending: list[tuple[Entry, list[tuple[PartKey, str]]]] = []
    short: dict[str, list[ShortItem]] = {}
    # points the instructor put in the responses' graded column(s) act as overrides; one
    # outside the question's range is reported and left out, the answer is still scored
    inline, notices = [], list(subs.notices)
    for e in subs.entries:
        most = {p.column: p.points for p in key.parts_for(e.student_id)} if e.graded else {}
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
        parts = [(p, given.get(p.column, "")) for p in key.parts_for(entry.student_id)]
        pending.append((entry, parts))
        for p_index, (part, text) in enumerate(parts):
            if part.kind == "short_answer":
                short.setdefault(part.question_id, []).append(
                    ShortItem(e_index, p_index, entry.student_id, part, text))
    first: ShortResult | None = None
    if any(o.group for o in overrides):   # the groups come from scoring without the overrides
        first = score_short(short)
        overrides = _expand_groups(overrides, first.groups)
    graded = _graded_answers(short, overrides)
    # large classes: in worker processes, meanwhile; a question with no graded answers scores
    # as in the first pass
    wait_short = start_short(short, graded, first.ungraded if first is not None else None)
    answers = _grade_others(pending)            # the other answers are graded here
    result = wait_short()
    for items in short.values():
        for it in items:
            at = (it.entry, it.part_index)
            answers[it.entry][it.part_index] = _answer_grade(
                it.student_id, it.part, it.text, result.scores[at], result.group_of.get(at, ""))
    students = []
    for (entry, _), graded_parts in zip(pending, answers, strict=True):
        name = key.names.get(entry.student_id) or entry.name   # the roster's name wins
        students.append(StudentGrade(entry.student_id, name, entry.rows,
                                     cast(tuple[AnswerGrade, ...], tuple(graded_parts)),
                                     entry.flags))   # every short answer's place is filled
    batch = GradeBatch(key.title, subs.source, key.columns,
                       tuple(p.points for p in _column_parts(key)), tuple(students),
                       subs.rejected, tuple(notices), result.groups, result.suspicions,
                       tuple(sorted((q, len(g)) for q, g in graded.items()
                                    if len(g) >= FEW_SHOT_MIN)))
    return apply_overrides(batch, overrides) if overrides else batch


def _grade_others(pending: Sequence[tuple[Entry, Sequence[tuple[PartKey, str]]]]
                  ) -> list[list[AnswerGrade | None]]:
    """Every answer that is not a short answer, graded, per entry and part (None where a short
    answer goes); equal answers to the same part are scored once."""
    memo: dict[tuple[int, str], Scored] = {}
    out: list[list[AnswerGrade | None]] = []
    for entry, parts in pending:
        row: list[AnswerGrade | None] = []
        for part, text in parts:
            if part.kind == "short_answer":
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
                       group)


def grade_one(part: PartKey, text: str) -> Scored:
    """One answer to one part, scored exactly as in a batch (short answers included)."""
    if part.kind == "short_answer":
        return grade_short_one(part, text)[0]
    return score(part, text)


def fit_short(part: PartKey, answers: list[str], graded: dict[str, float] | None = None
              ) -> ShortAnswerScorer:
    """``part``'s short-answer scorer fitted on its model answers and the class's distinct
    ``answers`` (the one rule for a batch and for a single answer)."""
    return ShortAnswerScorer(part.rubric, part.wrong_answers, part.wrong_concepts,
                             low=part.policy.review[0], high=part.policy.review[1]).fit(
        list(part.references) or [""], answers, question=part.prompt, graded=graded)


def grade_short_one(part: PartKey, text: str
                    ) -> tuple[Scored, ShortAnswerScorer | None, TextScore | None]:
    """One short answer scored as a batch of that one answer scores it, with the fitted scorer
    and the answer's text score for callers that explain it (both None for a blank answer)."""
    if blank(text):
        return _BLANK, None, None
    scorer = fit_short(part, [text])
    ts = scorer.score_many([text])[0]
    return _points(ts, part), scorer, ts


def _column_parts(key: AnswerKey) -> tuple[PartKey, ...]:
    if key.shared is not None:
        return key.shared
    first = next(iter(key.per_copy.values()))
    return first


@dataclass(frozen=True)
class ShortItem:
    entry: int
    part_index: int
    student_id: str
    part: PartKey
    text: str


@dataclass(frozen=True)
class ShortResult:
    scores: dict[tuple[int, int], Scored]
    group_of: dict[tuple[int, int], str]
    groups: tuple[AnswerGroup, ...]
    suspicions: tuple[Suspicion, ...]
    ungraded: dict[str, _Question]   # per question scored without graded answers: reusable


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
            raise OverrideError(f"{o.source} row {o.row}: no answer group {o.group!r}"
                                + did_you_mean(o.group, list(by_id)))
        out += [replace(o, student_id=sid, question=col, group="", via_group=g.group_id)
                for sid, col in g.members]
    return out


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


@dataclass(frozen=True)
class _Question:
    """What scoring one question's distinct answers gives (texts only: cheap to send between
    processes)."""

    scored: dict[str, Scored]
    hits: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]  # matched/missing/wrong
    label: dict[str, int]        # answer group
    tight: dict[str, int]        # near-identical cluster, -1 when the references explain it
    examples: list[str]          # a text per near-identical cluster


def _score_question(part: PartKey, unique: list[str], counts: list[int],
                    graded: dict[str, float] | None) -> _Question:
    scorer = fit_short(part, unique, graded)
    text_scores = scorer.score_many(unique)
    canon = [scorer.glossary_.canonical(t) for t in unique]
    label = greedy_groups(unique, counts, scorer.vectors(canon), GROUP_THRESHOLD)
    tight = near_identical(canon)
    examples = [""] * (max(tight) + 1)
    for t, c in zip(unique, tight, strict=True):
        examples[c] = examples[c] or t
    return _Question(
        {t: _points(ts, part) for t, ts in zip(unique, text_scores, strict=True)},
        {t: (ts.matched, ts.missing, ts.wrong) for t, ts in zip(unique, text_scores, strict=True)},
        dict(zip(unique, label, strict=True)),
        {t: -1 if max(ts.similarity, ts.cosine) >= EXPLAINED else c
         for t, ts, c in zip(unique, text_scores, tight, strict=True)},
        examples)


PARALLEL_MIN = 5_000    # distinct short answers from which questions are scored in parallel


def _start_questions(jobs: list[tuple[PartKey, list[str], list[int], dict[str, float] | None]]
                     ) -> Callable[[], list[_Question]]:
    """Start scoring the questions; the returned function waits for every question's result,
    in order. Large batches use a process per core (fork: the workers start with the loaded
    libraries) and the caller goes on meanwhile; small ones are scored when asked."""
    import multiprocessing as mp
    import os

    total = sum(len(u) for _, u, _, _ in jobs)
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2 or total < PARALLEL_MIN or "fork" not in mp.get_all_start_methods():
        return lambda: [_score_question(*job) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor

    # imported once here, not once per worker (scikit-learn takes about 2 s to import)
    import sklearn.feature_extraction.text  # noqa: F401

    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"))
    futures = [pool.submit(_score_question, *job) for job in jobs]

    def wait() -> list[_Question]:
        try:
            return [f.result() for f in futures]
        finally:
            pool.shutdown()
    return wait


def score_short(groups: dict[str, list[ShortItem]],
                graded: dict[str, dict[str, float]] | None = None) -> ShortResult:
    """Score every short answer, question by question: one scorer per question fitted on the
    class's answers (and the instructor's graded ones), answer groups, and collusion."""
    return start_short(groups, graded)()


_BLANK = Scored(0.0, Outcome.BLANK, "no answer")


def start_short(groups: dict[str, list[ShortItem]],
                graded: dict[str, dict[str, float]] | None = None,
                ungraded: dict[str, _Question] | None = None) -> Callable[[], ShortResult]:
    """:func:`score_short`, started: the returned function waits for its result (large
    batches are scored in worker processes, and the caller can work meanwhile).
    ``ungraded``: :attr:`ShortResult.ungraded` of an earlier pass over the same answers,
    reused for the questions that still have no graded answers."""
    graded = graded or {}
    reuse = {qid: q for qid, q in (ungraded or {}).items() if qid not in graded}
    scores: dict[tuple[int, int], Scored] = {}
    jobs, asked = [], []
    for qid, items in groups.items():
        answered = []
        for it in items:
            if blank(it.text):
                scores[(it.entry, it.part_index)] = _BLANK
            else:
                answered.append(it)
        if not answered:
            continue
        counts = Counter(it.text for it in answered)
        unique = sorted(counts, key=lambda t: (-counts[t], t))   # equal answers scored once
        asked.append((qid, answered, unique))
        if qid not in reuse:
            jobs.append((items[0].part, unique, [counts[t] for t in unique], graded.get(qid)))
    wait = _start_questions(jobs)

    def result() -> ShortResult:
        fresh = iter(wait())
        results = [reuse[qid] if qid in reuse else next(fresh) for qid, _, _ in asked]
        return _short_result(scores, asked, results, graded)
    return result


def _short_result(scores: dict[tuple[int, int], Scored],
                  asked: list[tuple[str, list[ShortItem], list[str]]],
                  results: list[_Question], graded: dict[str, dict[str, float]]
                  ) -> ShortResult:
    """Answer scores, groups and collusion from each question's result (``scores`` holds the
    blank answers already)."""
    group_of: dict[tuple[int, int], str] = {}
    all_groups: list[AnswerGroup] = []
    near: dict[str, list[tuple[str, int]]] = {}
    near_texts: dict[str, list[str]] = {}
    for (qid, answered, unique), res in zip(asked, results, strict=True):
        part = answered[0].part
        members: dict[int, list[ShortItem]] = {}
        for it in answered:
            scores[(it.entry, it.part_index)] = res.scored[it.text]
            members.setdefault(res.label[it.text], []).append(it)
        texts_of: dict[int, list[str]] = {}
        for t in unique:                      # most common first, as the groups were led
            texts_of.setdefault(res.label[t], []).append(t)
        for k in sorted(members):
            gid = f"{qid}/G{k + 1:02d}"
            who = members[k]
            texts = texts_of[k]
            lead = res.scored[texts[0]]
            for it in who:
                group_of[(it.entry, it.part_index)] = gid
            all_groups.append(AnswerGroup(
                gid, qid, tuple((it.student_id, it.part.column) for it in who), tuple(texts),
                lead.points, part.points, *res.hits[texts[0]],
                any(res.scored[t].needs_review for t in texts), lead.feedback))
        # collusion: near-identical answers the references do not explain
        near[qid] = [(it.student_id, res.tight[it.text]) for it in answered]
        near_texts[qid] = res.examples
    return ShortResult(scores, group_of, tuple(all_groups),
                       tuple(collusion(near, near_texts)),
                       {qid: res for (qid, _, _), res in zip(asked, results, strict=True)
                        if qid not in graded})


def _points(ts: TextScore, part: PartKey) -> Scored:
    """The points policy (:mod:`examgen.grading.points`): the score on the part's grid, full
    points only with every rubric concept; the review band flags the answer."""
    got = award(ts.score, part.points, part.policy, complete=ts.complete)
    if got.points >= part.points:
        outcome = Outcome.CORRECT
    else:
        outcome = Outcome.PARTIAL if got.points > 0 else Outcome.WRONG
    note = "; full points need every rubric concept" if got.capped else ""
    return Scored(got.points, outcome, f"score {ts.score:.2f}: {ts.explanation}{note}",
                  needs_review=ts.needs_review or got.review)


def read_overrides(path: Path | str) -> list[Override]:
    """overrides.csv: ``student_id,question_id,points,comment`` (question_id: a submission
    column such as Q3b, or the question's id), optional ``group`` (grades every member of an
    answer group) and ``row`` (which submission, by its row in the responses file, when a
    student handed in more than one)."""
    p = Path(path)
    try:
        text, _ = decode(p.read_bytes(), str(p))
    except OSError as e:
        raise OverrideError(f"cannot read overrides {p}: {e.strerror or e}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
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
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in r.items()}
        if not any(row.values()):
            continue
        try:
            pts = float(row.get("points", ""))
        except ValueError:
            problems.append(f"{p}: row {rownum}: points {row.get('points')!r} is not a number")
            continue
        sid, group = row.get("student_id", ""), row.get("group", "")
        if not sid and not group:
            problems.append(f"{p}: row {rownum}: give a student_id or an answer group")
            continue
        submission = None
        if row.get("row"):
            if not row["row"].isdigit():
                problems.append(f"{p}: row {rownum}: row {row['row']!r} is not a row number of "
                                "the responses file")
                continue
            submission = int(row["row"])
        out.append(Override(sid, row.get("question_id", ""), pts, row.get("comment", ""),
                            rownum, "" if sid else group, str(p), submission))
    if problems:
        raise OverrideError("\n".join(problems))
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
            return [], (f"{o.source} row {o.row}: row {o.submission} is not a submission of "
                        f"{o.student_id} (rows {rows})")
        return hit, None
    if len(mine) > 1 and not o.via_group:
        return [], (f"{o.source} row {o.row}: {o.student_id} handed in {len(mine)} submissions "
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
            problems.append(f"{o.source} row {o.row}: student {o.student_id!r} has no graded "
                            "submission")
            continue
        targets, problem = _submissions(o, by_student[o.student_id], students)
        if problem is not None:
            problems.append(problem)
            continue
        hit = False
        for i in targets:
            s = students[i]
            answers = list(s.answers)
            for k, a in enumerate(answers):
                if o.question not in (a.column, a.question_id) or \
                        (o.via_group and a.group != o.via_group):
                    continue
                hit = True
                if not _allowed(o.points, a.max_points):
                    problems.append(f"{o.source} row {o.row}: {o.points:g} points is outside "
                                    f"0..{a.max_points:g} for {a.column}")
                    break
                answers[k] = _regraded(a, o)
            students[i] = replace(s, answers=tuple(answers))
        if not hit:
            problems.append(f"{o.source} row {o.row}: {o.question!r} is not a question of "
                            f"{o.student_id}")
    if problems:
        raise OverrideError("\n".join(problems))
    return replace(batch, students=tuple(students))
