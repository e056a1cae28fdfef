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

from examgen.bank.loader import Bank
from examgen.grading.batch import grade_one
from examgen.grading.key import parts_from_variant
from examgen.grading.score import Scored
from examgen.model import Difficulty, Outcome, Template, Text, Variant, VariantPart
from examgen.practice.store import TemplateStats, weak_spots
from examgen.rng import derive_seed, make_rng

MIXED = "mixed"
DIFFICULTIES = (MIXED, *(d.value for d in Difficulty))
MODES = ("normal", "weak")
WEAK_WEIGHT = 4.0   # how much more often "weak spots" mode draws a template per wrong try


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


def weights(templates: Sequence[Template], stats: Sequence[TemplateStats], mode: str,
            last: str | None = None) -> np.ndarray:
    """Drawing weights: uniform, except that the template just practised is skipped when there
    is another, and in ``weak`` mode each template among the student's weak spots counts
    ``1 + WEAK_WEIGHT * wrong tries`` times."""
    w = np.ones(len(templates))
    if mode == "weak":
        weak = {s.template_id: s.wrong for s in weak_spots(stats, n=len(stats))}
        w += np.array([WEAK_WEIGHT * weak.get(t.id, 0) for t in templates])
    if last is not None and len(templates) > 1:
        w[[t.id == last for t in templates]] = 0.0
    return w / w.sum()


def draw_problem(templates: Sequence[Template], stats: Sequence[TemplateStats], mode: str,
                 student: str, draw_no: int, last: str | None = None) -> Draw:
    """The next problem for ``student``'s ``draw_no``-th draw."""
    if not templates:
        raise ValueError("no templates to draw from")
    rng = make_rng(draw_seed(student, draw_no))
    i = int(rng.choice(len(templates), p=weights(templates, stats, mode, last)))
    return same_template(templates[i].id, student, draw_no)


def same_template(template_id: str, student: str, draw_no: int) -> Draw:
    """A fresh variant of ``template_id`` ("another like this")."""
    return Draw(template_id, derive_seed("practice", student, draw_no, template_id))


# -- grading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartResult:
    """One part of a submission, graded, with what the page needs to explain it."""

    part: VariantPart
    column: str
    response: str
    scored: Scored
    misconception: Text | None = None      # the description of the matched misconception
    error_at: int | None = None            # 0-based index of the offending character

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


def columns(variant: Variant) -> tuple[str, ...]:
    """The form field of each part: ``a``, ``b``, ... (as ``parts_from_variant`` names them)."""
    return tuple(k.column for k in parts_from_variant(variant))


def grade_variant(variant: Variant, answers: Mapping[str, str]) -> Result:
    """Grade the answers (by column) to ``variant`` exactly as the batch grader would."""
    results = []
    for part, key in zip(variant.parts, parts_from_variant(variant), strict=True):
        text = answers.get(key.column, "")
        scored = grade_one(key, text)
        mis = next((m.description for m in part.misconceptions if m.id == scored.misconception),
                   None)
        at = scored.position if scored.outcome is Outcome.FORMAT_ERROR else None
        error_at = at if at is not None and at < len(text) else None
        results.append(PartResult(part, key.column, text, scored, mis, error_at))
    points = sum(r.scored.points for r in results)
    return Result(tuple(results), points, variant.points,
                  overall([r.scored.outcome for r in results]))


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
