"""What to practise next and how an answer went: pure functions over the bank, the variant and a
student's record (no Flask, no database).

Every draw is reproducible: the student's name and their draw count give a seed
(:func:`draw_seed`); that seed's generator picks the template and, with the template id, the
variant seed, which is stored with the attempt so ``variant_for_seed`` re-creates the problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from examgen.bank import Bank, Glossary
from examgen.grading import (
    Scored,
    ShortAnswerScorer,
    TextScore,
    grade_one,
    grade_short_one,
    parts_from_variant,
)
from examgen.model import Difficulty, Outcome, QuestionType, Template, Text, Variant, VariantPart, WrongAnswer
from examgen.practice.store import TemplateStats, weak_spots
from examgen.rng import derive_seed, make_rng

MIXED = "mixed"
DIFFICULTIES = (MIXED, *(d.value for d in Difficulty))
MODES = ("normal", "weak")
WEAK_SHARE = 0.7    # "weak spots" mode: the share of draws taken from the student's weak spots
STILL_WRONG = 2.0   # a weak spot still wrong at its latest try weighs this much more


@dataclass(frozen=True)
class Draw:
    template_id: str
    seed: int


def eligible(bank: Bank, topics: Sequence[str], difficulty: str) -> tuple[Template, ...]:
    """The templates of ``topics`` (every topic when empty) at ``difficulty`` (or any, for
    ``mixed``), in bank order."""
    wanted = set(topics)
    return tuple(t for t in bank.templates
                 if (not wanted or t.topic in wanted)
                 and (difficulty == MIXED or t.difficulty.value == difficulty))


def draw_seed(student: str, draw_no: int) -> int:
    return derive_seed("practice", student, draw_no)


def has_variants(template: Template) -> bool:
    """Whether the template's variants differ: only templates with sampled parameters get new
    numbers (choice, symbolic and short-answer templates ask the same question every time; a
    choice question only reorders its options)."""
    return bool(template.params)


def weights(templates: Sequence[Template], last: str | None = None) -> np.ndarray:
    """Uniform drawing weights, except that the template just practised is skipped when there
    is another."""
    w = np.ones(len(templates))
    if last is not None and len(templates) > 1:
        w[[t.id == last for t in templates]] = 0.0
    return w / w.sum()


def weak_weights(templates: Sequence[Template], stats: Sequence[TemplateStats],
                 last: str | None = None) -> np.ndarray | None:
    """Drawing weights over the student's weak spots among ``templates``: the number of wrong
    tries, times STILL_WRONG when the latest try was not right; the template just practised is
    skipped when another weak spot is left. None when no weak spot is among ``templates``."""
    weak = {s.template_id: s.wrong * (1.0 if s.last_outcome is Outcome.CORRECT else STILL_WRONG)
            for s in weak_spots(stats, n=len(stats))}
    w = np.array([weak.get(t.id, 0.0) for t in templates])
    if last is not None and np.count_nonzero(w) > 1:
        w[[t.id == last for t in templates]] = 0.0
    return w / w.sum() if w.sum() > 0 else None


def draw_problem(templates: Sequence[Template], stats: Sequence[TemplateStats], mode: str,
                 student: str, draw_no: int, last: str | None = None) -> Draw:
    """The next problem for ``student``'s ``draw_no``-th draw. In ``weak`` mode a share
    WEAK_SHARE of the draws comes from the weak spots (see :func:`weak_weights`), the rest from
    every template."""
    if not templates:
        raise ValueError("no templates to draw from")
    rng = make_rng(draw_seed(student, draw_no))
    p = weights(templates, last)
    if mode == "weak":
        weak = weak_weights(templates, stats, last)
        if weak is not None and rng.random() < WEAK_SHARE:
            p = weak
    i = int(rng.choice(len(templates), p=p))
    return same_template(templates[i].id, student, draw_no)


def same_template(template_id: str, student: str, draw_no: int) -> Draw:
    """A fresh variant of ``template_id`` ("another like this")."""
    return Draw(template_id, derive_seed("practice", student, draw_no, template_id))


# -- grading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShortDetail:
    """What the short-answer scorer found in an answer: the rubric concepts it names and misses,
    wrong concepts, negated concepts, and the known wrong answer it is closest to (when it is
    closer to that than to any model answer)."""

    matched: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()
    negated: tuple[str, ...] = ()
    near_wrong: WrongAnswer | None = None


@dataclass(frozen=True)
class PartResult:
    """One part of a submission, graded, with what the page needs to explain it."""

    part: VariantPart
    column: str
    response: str
    scored: Scored
    misconception: Text | None = None      # the description of the matched misconception
    error_at: int | None = None            # 0-based index of the offending character
    short: ShortDetail | None = None       # short answers: the concepts behind the score

    @property
    def before(self) -> str:
        return self.response[:self.error_at] if self.error_at is not None else self.response

    @property
    def at(self) -> str:
        return self.response[self.error_at:self.error_at + 1] if self.error_at is not None else ""

    @property
    def after(self) -> str:
        return self.response[self.error_at + 1:] if self.error_at is not None else ""


@dataclass(frozen=True)
class Result:
    parts: tuple[PartResult, ...]
    points: float
    max_points: float
    outcome: Outcome

    @property
    def format_error(self) -> bool:
        """Whether some part could not be read: the student should fix it and submit again."""
        return any(r.scored.outcome is Outcome.FORMAT_ERROR for r in self.parts)


def columns(variant: Variant) -> tuple[str, ...]:
    """The form field of each part: ``a``, ``b``, ... (as ``parts_from_variant`` names them)."""
    return tuple(k.column for k in parts_from_variant(variant))


def grade_variant(variant: Variant, answers: Mapping[str, str], glossary: Glossary) -> Result:
    """Grade the answers (by column) to ``variant`` exactly as the batch grader would, short
    answers through the ``glossary`` of the bank the question comes from."""
    results = []
    for part, key in zip(variant.parts, parts_from_variant(variant), strict=True):
        text = answers.get(key.column, "")
        if key.kind == QuestionType.SHORT_ANSWER:
            scored, scorer, ts = grade_short_one(key, text, glossary=glossary)
            short = short_detail(scorer, ts, part, text) if key.references else None
        else:
            scored, short = grade_one(key, text, glossary=glossary), None
        mis = next((m.description for m in part.misconceptions if m.id == scored.misconception),
                   None)
        at = scored.position if scored.outcome is Outcome.FORMAT_ERROR else None
        error_at = at if at is not None and at < len(text) else None
        results.append(PartResult(part, key.column, text, scored, mis, error_at, short))
    points = sum(r.scored.points for r in results)
    return Result(tuple(results), points, variant.points,
                  overall([r.scored.outcome for r in results]))


def short_detail(scorer: ShortAnswerScorer | None, ts: TextScore | None, part: VariantPart,
                 text: str) -> ShortDetail | None:
    """What the short-answer scorer saw in ``text`` (the concepts, from its text score ``ts``),
    and the nearest known wrong answer; None for a blank answer."""
    if scorer is None or ts is None:
        return None
    return ShortDetail(ts.matched, ts.missing, ts.wrong, ts.negated,
                       _near_wrong(scorer, part, text, ts.cosine))


def _near_wrong(scorer: ShortAnswerScorer, part: VariantPart, text: str,
                cosine: float) -> WrongAnswer | None:
    """The known wrong answer ``text`` is closest to, if it is close and closer than to any
    model answer (the scorer's own rule)."""
    if not part.wrong_answers:
        return None
    best = scorer.nearest_wrong(text, cosine)
    return None if best is None else part.wrong_answers[best]


def overall(outcomes: Sequence[Outcome]) -> Outcome:
    """One outcome for a whole problem: correct only when every part is."""
    if all(o is Outcome.CORRECT for o in outcomes):
        return Outcome.CORRECT
    if len(outcomes) == 1:
        return outcomes[0]
    if all(o is Outcome.BLANK for o in outcomes):
        return Outcome.BLANK
    if any(o in (Outcome.CORRECT, Outcome.PARTIAL, Outcome.INSUFFICIENT_PRECISION)
           for o in outcomes):
        return Outcome.PARTIAL
    if any(o is Outcome.FORMAT_ERROR for o in outcomes):
        return Outcome.FORMAT_ERROR
    return Outcome.WRONG
