"""Grades -> statistics and item analysis: pure functions of a :class:`~examgen.model.GradeBatch`.

Item analysis is by *item*, one question part as every student met it, not by submission
column: when copies shuffle their questions, column Q6 holds a different question for each
student, and only the question's own statistics mean anything. An item is the k-th part of a
question (``question_id``); it is labelled by its column when it sat in the same column for
everyone. Every student is counted for every item (an answer missing for a student counts as 0
points); variances are population variances (ddof=0); a statistic that is undefined is NaN and
prints as "—".
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from examgen.model import AnswerGrade, GradeBatch, Outcome

HISTOGRAM_BINS = 10
TOP_WRONG = 5
# answers that were read but earned less than full credit for a wrong value; blanks and format
# errors are counted separately, insufficient precision had the right value
WRONG_OUTCOMES = frozenset({Outcome.WRONG, Outcome.PARTIAL})


@dataclass(frozen=True)
class Item:
    """One question part as every student met it, wherever it sat on their copy."""

    question_id: str
    part: int                     # 0 for the first (or only) part of the question
    label: str                    # its column if it sat in one column for everyone, else the
    columns: tuple[str, ...]      # question id (and part letter); the columns it sat in
    max_points: float


@dataclass(frozen=True)
class ItemStats:
    """Item analysis of one item (see :class:`Item`)."""

    label: str
    question_id: str
    columns: tuple[str, ...]
    max_points: float
    mean: float
    difficulty: float            # mean / max_points (the p-value); NaN when max_points is 0
    discrimination: float        # point-biserial r of the item with the rest score; NaN if undefined
    n: int                       # students counted
    blank: int
    format_errors: int
    needs_review: int
    top_wrong: tuple[tuple[str, int], ...]        # (answer, count), count descending then text
    misconceptions: tuple[tuple[str, int], ...]   # (misconception id, count), count descending
    # the top wrong answers that are chosen options' text from the bank (may hold $math$),
    # not text a student typed
    chosen_options: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Summary:
    """Score distribution and reliability of one batch."""

    n: int
    mean: float
    median: float
    std: float                   # population (ddof=0)
    min: float
    max: float
    max_total: float
    mean_percent: float
    cronbach_alpha: float        # NaN if fewer than 2 items or no variance in the totals
    kr20: float | None           # only when every item is scored 0 or full marks
    histogram: tuple[tuple[float, float, int], ...]   # (lo, hi, count) of percent scores


ItemKey = tuple[str, int]


def _item_keys(answers: tuple[AnswerGrade, ...], columns: dict[str, int]
               ) -> list[tuple[ItemKey, AnswerGrade]]:
    """A student's answers in exam columns with their items: the k-th answer to a question is
    its part k."""
    seen: Counter[str] = Counter()
    out = []
    for a in answers:
        if a.column in columns:
            out.append(((a.question_id, seen[a.question_id]), a))
            seen[a.question_id] += 1
    return out


Keyed = list[list[tuple[ItemKey, AnswerGrade]]]   # per student: answers with their items


def _keyed(batch: GradeBatch) -> Keyed:
    """Every student's answers in exam columns with their items (:func:`_item_keys`), once
    for all the statistics of a report."""
    columns = {c: j for j, c in enumerate(batch.columns)}
    return [_item_keys(student.answers, columns) for student in batch.students]


def items(batch: GradeBatch, keyed: Keyed | None = None) -> tuple[Item, ...]:
    """The batch's items in exam order (the order the first student who has them met them);
    a column no one answered is an item of its own, so an empty batch still lists its
    columns."""
    columns = {c: j for j, c in enumerate(batch.columns)}
    cols: dict[ItemKey, dict[str, None]] = {}
    tops: dict[ItemKey, float] = {}
    parts: Counter[str] = Counter()
    for student_keyed in _keyed(batch) if keyed is None else keyed:
        for key, a in student_keyed:
            cols.setdefault(key, {})[a.column] = None
            tops[key] = max(tops.get(key, 0.0), a.max_points)
            parts[key[0]] = max(parts[key[0]], key[1] + 1)
    answered = {c for cs in cols.values() for c in cs}
    for c, top in zip(batch.columns, batch.max_points, strict=True):
        if c not in answered:
            cols[(c, 0)], tops[(c, 0)] = {c: None}, top
            parts[c] = max(parts[c], 1)
    out = []
    for (qid, k), where in cols.items():
        in_order = tuple(sorted(where, key=columns.__getitem__))
        if len(in_order) == 1:
            label = in_order[0]
        else:
            label = qid + (f" ({chr(ord('a') + k)})" if parts[qid] > 1 else "")
        out.append(Item(qid, k, label, in_order, tops[(qid, k)]))
    return tuple(out)


def score_matrix(batch: GradeBatch, of: tuple[Item, ...] | None = None,
                 keyed: Keyed | None = None) -> npt.NDArray[np.float64]:
    """Points as a students × items array, items as :func:`items` orders them (0 where a
    student has no answer to an item; answers in columns outside ``batch.columns`` are left
    out)."""
    keyed = _keyed(batch) if keyed is None else keyed
    of = items(batch, keyed) if of is None else of
    index = {(it.question_id, it.part): j for j, it in enumerate(of)}
    m = np.zeros((len(batch.students), len(of)), dtype=np.float64)
    for i, student_keyed in enumerate(keyed):
        for key, a in student_keyed:
            m[i, index[key]] += a.points
    return m


def _pearson(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> float:
    """Pearson r, NaN when either side has no variance (or fewer than two values)."""
    if len(x) < 2:
        return math.nan
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy = float(dx @ dx), float(dy @ dy)
    # a spread this small relative to the values is rounding noise, not variance
    if sxx <= 1e-12 * max(1.0, float(x @ x)) or syy <= 1e-12 * max(1.0, float(y @ y)):
        return math.nan
    return float(dx @ dy) / math.sqrt(sxx * syy)


def _ranked(counts: Counter[str], limit: int | None = None) -> tuple[tuple[str, int], ...]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(ordered[:limit] if limit is not None else ordered)


def item_stats(batch: GradeBatch) -> tuple[ItemStats, ...]:
    """Difficulty, discrimination and answer tallies of every item, in exam order."""
    keyed = _keyed(batch)
    of = items(batch, keyed)
    return _item_stats(of, score_matrix(batch, of, keyed), keyed)


def _item_stats(of: tuple[Item, ...], m: npt.NDArray[np.float64], keyed: Keyed
                ) -> tuple[ItemStats, ...]:
    n = m.shape[0]
    totals = m.sum(axis=1)
    by_item: dict[ItemKey, list[AnswerGrade]] = {(it.question_id, it.part): [] for it in of}
    for student_keyed in keyed:
        for key, a in student_keyed:
            by_item[key].append(a)
    result = []
    for j, it in enumerate(of):
        scores = m[:, j]
        mean = float(scores.mean()) if n else math.nan
        answers = by_item[(it.question_id, it.part)]
        wrong: Counter[str] = Counter()
        chosen: set[str] = set()
        for a in answers:
            if a.outcome in WRONG_OUTCOMES:
                # a choice by its options' text: letters are shuffled per copy
                text = ("; ".join(o.text for o in a.chosen) if a.chosen
                        else a.normalized or a.response.strip())
                if text:
                    wrong[text] += 1
                if a.chosen:
                    chosen.add(text)
        mis = Counter(a.misconception for a in answers if a.misconception)
        result.append(ItemStats(
            label=it.label, question_id=it.question_id, columns=it.columns,
            max_points=it.max_points, mean=mean,
            difficulty=mean / it.max_points if it.max_points > 0 and n else math.nan,
            discrimination=_pearson(scores, totals - scores), n=n,
            blank=sum(a.outcome == Outcome.BLANK for a in answers),
            format_errors=sum(a.outcome == Outcome.FORMAT_ERROR for a in answers),
            needs_review=sum(a.needs_review for a in answers),
            top_wrong=(top := _ranked(wrong, TOP_WRONG)), misconceptions=_ranked(mis),
            chosen_options=frozenset(t for t, _ in top if t in chosen)))
    return tuple(result)


def _alpha(m: npt.NDArray[np.float64]) -> float:
    """Cronbach's alpha with population variances; NaN if k < 2 or the totals do not vary."""
    n, k = m.shape
    if k < 2 or n == 0:
        return math.nan
    total_var = float(m.sum(axis=1).var())
    if total_var <= 1e-12:
        return math.nan
    return k / (k - 1) * (1 - float(m.var(axis=0).sum()) / total_var)


def _dichotomous(m: npt.NDArray[np.float64], max_points: tuple[float, ...]) -> bool:
    if m.shape[0] == 0:
        return False
    for j, top in enumerate(max_points):
        if top <= 0:
            return False
        col = m[:, j]
        if not np.all(np.isclose(col, 0.0) | np.isclose(col, top)):
            return False
    return True


def _histogram(percents: npt.NDArray[np.float64]) -> tuple[tuple[float, float, int], ...]:
    width = 100.0 / HISTOGRAM_BINS
    counts = [0] * HISTOGRAM_BINS
    for p in percents:
        if math.isfinite(p):
            counts[min(HISTOGRAM_BINS - 1, max(0, math.floor(p / width)))] += 1
    return tuple((i * width, (i + 1) * width, c) for i, c in enumerate(counts))


def summarize(batch: GradeBatch) -> Summary:
    """Distribution of the totals, reliability (alpha, KR-20) and the percent histogram."""
    keyed = _keyed(batch)
    of = items(batch, keyed)
    return _summarize(of, score_matrix(batch, of, keyed), _floors(batch))


def _floors(batch: GradeBatch) -> npt.NDArray[np.float64]:
    """Each student's floor under the total (-inf: none), as grades.csv applies it."""
    return np.array([-math.inf if s.floor is None else s.floor for s in batch.students],
                    dtype=np.float64)


def _summarize(of: tuple[Item, ...], m: npt.NDArray[np.float64],
               floors: npt.NDArray[np.float64] | None = None) -> Summary:
    tops = tuple(it.max_points for it in of)
    totals = m.sum(axis=1)
    if floors is not None and len(floors) == len(totals):
        totals = np.maximum(totals, floors)
    n = len(totals)
    max_total = float(sum(tops))
    percents = totals / max_total * 100 if max_total > 0 else np.full(n, math.nan)
    nan = math.nan
    mean = float(totals.mean()) if n else nan
    kr20 = _alpha((m / np.asarray(tops, dtype=np.float64)).round()) \
        if _dichotomous(m, tops) else None
    return Summary(
        n=n, mean=mean, median=float(np.median(totals)) if n else nan,
        std=float(totals.std()) if n else nan, min=float(totals.min()) if n else nan,
        max=float(totals.max()) if n else nan, max_total=max_total,
        mean_percent=mean / max_total * 100 if max_total > 0 and n else nan,
        cronbach_alpha=_alpha(m), kr20=kr20, histogram=_histogram(percents))


def review_list(batch: GradeBatch) -> tuple[AnswerGrade, ...]:
    """Every answer a person should look at (flagged for review, or unreadable), student by
    student in batch order, columns in exam order."""
    order = {c: j for j, c in enumerate(batch.columns)}
    out: list[AnswerGrade] = []
    for student in batch.students:
        flagged = [a for a in student.answers if a.needs_review or a.outcome == Outcome.FORMAT_ERROR]
        # stable: columns outside the exam order keep their input order, after the others
        out.extend(sorted(flagged, key=lambda a: order.get(a.column, len(order))))
    return tuple(out)
