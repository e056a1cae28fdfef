"""The report's analyses beyond item statistics: distractors by option, scores by form, scores by
variant of each computed template. Pure functions of a :class:`~examgen.model.GradeBatch`.

Distractors are counted by *option* (its text, whether it is correct, the misconception it
embodies), never by printed letter: letters are shuffled per copy, so "C" means a different
option on every copy. The forms and the variants are compared with the Kruskal–Wallis test
(scipy): a rank test that needs no normality of small classes' scores; p below
:data:`DIFFER_P` flags a difference worth a look (several templates are tested, so one small p
among many can be chance).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from examgen.model import AnswerGrade, ChosenOption, GradeBatch

__all__ = ["DIFFER_P", "Comparison", "DistractorItem", "OptionCount", "by_form", "by_variant",
           "distractors", "kruskal"]

DIFFER_P = 0.05
MIN_GROUP = 2          # students a group needs to be compared
MAX_GROUPS = 6         # a parameter with more distinct values is not a grouping


@dataclass(frozen=True)
class OptionCount:
    text: str
    correct: bool
    misconception: str | None
    description: str
    count: int
    share: float           # of the students who answered the item
    mean_percent: float    # the mean total (%) of the students who chose it


@dataclass(frozen=True)
class DistractorItem:
    question_id: str
    part: int
    columns: tuple[str, ...]
    answered: int
    options: tuple[OptionCount, ...]   # most chosen first


@dataclass(frozen=True)
class Comparison:
    """Scores (percent of the points) of several groups and whether they differ."""

    name: str                                     # the form comparison or a template id
    grouping: str                                 # "form", "variant" or a parameter name
    groups: tuple[tuple[str, tuple[float, ...]], ...]   # (label, scores)
    statistic: float                              # Kruskal–Wallis H (NaN: not testable)
    p_value: float

    @property
    def differ(self) -> bool:
        return math.isfinite(self.p_value) and self.p_value < DIFFER_P


def _percent(s_total: float, s_max: float) -> float:
    return 100 * s_total / s_max if s_max else math.nan


def _part_answers(answers: Sequence[AnswerGrade]) -> list[tuple[tuple[str, int], AnswerGrade]]:
    seen: Counter[str] = Counter()
    out = []
    for a in answers:
        out.append(((a.question_id, seen[a.question_id]), a))
        seen[a.question_id] += 1
    return out


def distractors(batch: GradeBatch) -> tuple[DistractorItem, ...]:
    """Every choice item's options as the class chose them, in exam order."""
    tallies: dict[tuple[str, int], Counter[ChosenOption]] = {}
    totals: dict[tuple[str, int], dict[ChosenOption, list[float]]] = {}
    columns: dict[tuple[str, int], dict[str, None]] = {}
    answered: Counter[tuple[str, int]] = Counter()
    for s in batch.students:
        pct = _percent(s.total, s.max_total)
        for key, a in _part_answers(s.answers):
            if not a.chosen:
                continue
            answered[key] += 1
            columns.setdefault(key, {})[a.column] = None
            for o in a.chosen:
                tallies.setdefault(key, Counter())[o] += 1
                totals.setdefault(key, {}).setdefault(o, []).append(pct)
    out = []
    for key, counts in tallies.items():
        options = tuple(OptionCount(o.text, o.correct, o.misconception, o.description, n,
                                    n / answered[key], _mean(totals[key][o]))
                        for o, n in sorted(counts.items(),
                                           key=lambda kv: (-kv[1], not kv[0].correct, kv[0].text)))
        out.append(DistractorItem(key[0], key[1], tuple(columns[key]), answered[key], options))
    return tuple(out)


def _mean(xs: Sequence[float]) -> float:
    xs = [x for x in xs if math.isfinite(x)]
    return sum(xs) / len(xs) if xs else math.nan


def kruskal(groups: Sequence[Sequence[float]]) -> tuple[float, float]:
    """Kruskal–Wallis H and p over the groups with at least MIN_GROUP scores; (NaN, NaN) when
    fewer than two such groups, or every score is the same."""
    usable = [list(g) for g in groups if len(g) >= MIN_GROUP]
    if len(usable) < 2 or len({x for g in usable for x in g}) < 2:
        return math.nan, math.nan
    from scipy.stats import kruskal as kw

    result = kw(*usable)
    return float(result.statistic), float(result.pvalue)


def by_form(batch: GradeBatch) -> Comparison | None:
    """Total scores per form (forms mode only)."""
    groups: dict[str, list[float]] = {}
    for s in batch.students:
        if s.form:
            groups.setdefault(s.form, []).append(_percent(s.total, s.max_total))
    if len(groups) < 2:
        return None
    ordered = tuple((f, tuple(groups[f])) for f in sorted(groups))
    h, p = kruskal([g for _, g in ordered])
    return Comparison("forms", "form", ordered, h, p)


def _question_scores(batch: GradeBatch) -> dict[str, list[tuple[str, str, float]]]:
    """Per computed template: (variant parameters, percent of the question's points) per
    student."""
    out: dict[str, list[tuple[str, str, float]]] = {}
    for s in batch.students:
        got: dict[str, list[float]] = {}
        variant: dict[str, str] = {}
        for a in s.answers:
            if a.variant:
                pair = got.setdefault(a.question_id, [0.0, 0.0])
                pair[0] += a.points
                pair[1] += a.max_points
                variant[a.question_id] = a.variant
        for qid, (pts, top) in got.items():
            out.setdefault(qid, []).append((variant[qid], s.form, _percent(pts, top)))
    return out


def _grouping(rows: list[tuple[str, str, float]]) -> tuple[str, dict[str, list[float]]] | None:
    """How to group one template's scores: by the whole variant when variants repeat (forms),
    else by the one parameter whose values split the class most evenly (2 to MAX_GROUPS values,
    each held by at least MIN_GROUP students)."""
    whole: dict[str, list[float]] = {}
    forms: dict[str, set[str]] = {}
    for v, form, score in rows:
        whole.setdefault(v, []).append(score)
        forms.setdefault(v, set()).add(form)
    if 2 <= len(whole) <= MAX_GROUPS and min(map(len, whole.values())) >= MIN_GROUP:
        if all(all(f) for f in forms.values()):   # forms mode: a variant is named by its forms
            return "form", {"/".join(sorted(forms[v])): g for v, g in whole.items()}
        return "variant", {f"v{k + 1}": g for k, g in enumerate(whole.values())}
    params = [json.loads(v) for v, _, _ in rows]
    best: tuple[int, str, dict[str, list[float]]] | None = None
    for name in sorted(set().union(*params)) if params else ():
        values = [p.get(name) for p in params]
        if any(isinstance(x, (list, dict)) for x in values):
            continue
        groups: dict[str, list[float]] = {}
        for x, (_, _, score) in zip(values, rows, strict=True):
            groups.setdefault(str(x), []).append(score)
        smallest = min(map(len, groups.values()))
        if 2 <= len(groups) <= MAX_GROUPS and smallest >= MIN_GROUP and \
                (best is None or smallest > best[0]):
            best = (smallest, name, groups)
    return (best[1], best[2]) if best else None


def by_variant(batch: GradeBatch) -> tuple[Comparison, ...]:
    """Per computed template, its scores by variant (or by one parameter) and whether they
    differ; templates that cannot be grouped are left out."""
    out = []
    for qid, rows in _question_scores(batch).items():
        found = _grouping(rows)
        if found is None:
            continue
        grouping, groups = found
        ordered = tuple((label, tuple(groups[label])) for label in sorted(groups))
        h, p = kruskal([g for _, g in ordered])
        out.append(Comparison(qid, grouping, ordered, h, p))
    return tuple(out)
