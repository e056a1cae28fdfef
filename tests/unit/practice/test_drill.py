"""Drawing problems and grading one submission (pure functions)."""

from __future__ import annotations

from collections import Counter

import pytest

from examgen.bank import Bank, bank_glossary
from examgen.model import Outcome
from examgen.practice import drill
from examgen.practice.store import TemplateStats
from examgen.variants import variant_for_seed
from tests.unit.practice.answers import right_answer

C, W, P, F, B, IP = (Outcome.CORRECT, Outcome.WRONG, Outcome.PARTIAL, Outcome.FORMAT_ERROR,
                     Outcome.BLANK, Outcome.INSUFFICIENT_PRECISION)


def test_eligible_filters_topics_and_difficulty(bank: Bank) -> None:
    got = drill.eligible(bank, ["lstm", "gru"], "hard")
    assert got and {(t.topic, t.difficulty.value) for t in got} <= {("lstm", "hard"), ("gru", "hard")}
    assert len(drill.eligible(bank, [], "mixed")) == len(bank)


def test_draws_are_reproducible_and_vary(bank: Bank) -> None:
    ts = drill.eligible(bank, ["transformer"], "mixed")
    a = [drill.draw_problem(ts, (), "normal", "민지", n) for n in range(1, 40)]
    assert a == [drill.draw_problem(ts, (), "normal", "민지", n) for n in range(1, 40)]
    assert len({d.seed for d in a}) == len(a) and len({d.template_id for d in a}) > 5
    assert a != [drill.draw_problem(ts, (), "normal", "지훈", n) for n in range(1, 40)]


def test_the_last_template_is_not_drawn_again(bank: Bank) -> None:
    ts = drill.eligible(bank, ["bert"], "mixed")
    last = ts[0].id
    assert all(drill.draw_problem(ts, (), "normal", "s", n, last=last).template_id != last
               for n in range(50))


def test_weak_mode_favours_templates_got_wrong(bank: Bank) -> None:
    ts = drill.eligible(bank, ["lstm"], "mixed")
    weak = ts[3].id
    stats = [TemplateStats(weak, "lstm", 3, 0, W)]
    counts = Counter(drill.draw_problem(ts, stats, "weak", "s", n).template_id for n in range(400))
    normal = Counter(drill.draw_problem(ts, stats, "normal", "s", n).template_id for n in range(400))
    # the only weak spot: drawn WEAK_SHARE of the time plus its share of the other draws
    assert counts[weak] > 400 * drill.WEAK_SHARE * 0.85 > normal[weak] * 3


def test_grade_variant_uses_the_grader(bank: Bank) -> None:
    v = variant_for_seed(bank.get("transformer-mha-dims-parts"), 4)
    cols = drill.columns(v)
    right = {c: right_answer(p) for c, p in zip(cols, v.parts, strict=True)}
    res = drill.grade_variant(v, right, bank_glossary(bank.root))
    assert res.outcome is C and res.points == res.max_points == v.points
    res = drill.grade_variant(v, {**right, cols[0]: "12 34"}, bank_glossary(bank.root))
    assert res.parts[0].scored.outcome is F and res.outcome is P
    assert res.parts[0].error_at is not None and res.parts[0].at


@pytest.mark.parametrize(("outcomes", "expected"), [
    ([C], C), ([IP], IP), ([F], F), ([C, C], C), ([C, W], P), ([W, F], F), ([W, W], W),
    ([B, B], B), ([B, W], W), ([IP, W], P),
])
def test_overall(outcomes: list[Outcome], expected: Outcome) -> None:
    assert drill.overall(outcomes) is expected
