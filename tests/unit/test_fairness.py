"""Fair variants: each rule of examgen.fairness rejects a deliberately unfair template or
variant, ``bank check`` fails templates whose draws are rejected too often, and every kept
variant of the bundled bank grades each misconception as itself, never as correct."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import numpy as np
import pytest

from examgen import formatting as F
from examgen.bank import load_bank
from examgen.bank.selftest import StressResult, check_rendering, inspect_variant
from examgen.fairness import KEY_RULE, OPTION_RULE, PAIR_RULE, _accepts_all, alike, check_part
from examgen.grading.key import parts_from_variant
from examgen.grading.score import score
from examgen.model import Option, Outcome, QuestionType, Text, Tolerance
from examgen.rng import derive_seed, make_rng
from examgen.variants import VariantError, draw_variant, make_variant, sample_params

BANK = load_bank()
COMPUTED = [t for t in BANK.templates if t.is_computed]


def write_bank(tmp_path: Path, questions: str) -> Path:
    (tmp_path / "t.yaml").write_text("topic: t\nquestions:\n" + textwrap.indent(
        textwrap.dedent(questions), "  "), encoding="utf-8")
    return tmp_path


# -- the comparison is the grader's ---------------------------------------------------------

@pytest.mark.parametrize("tol", [Tolerance("abs", 0.01), Tolerance("rel", 0.02),
                                 Tolerance("sigfigs", 3), Tolerance("decimals", 2)])
def test_alike_is_the_graders_tolerance_either_way(tol: Tolerance) -> None:
    rng = np.random.default_rng(7)
    for _ in range(3000):
        a = float(rng.normal() * 10.0 ** int(rng.integers(-3, 4)))
        b = float(a + rng.normal() * max(abs(a), 1e-3) * 0.02)
        expected = tol.accepts(a, b) or tol.accepts(b, a)
        assert _accepts_all(tol, (a,), (b,)) is expected, (a, b)
        if expected:
            assert alike(a, b, tol, None)


@pytest.mark.parametrize("key, wrong, tol, decimals, expected", [
    (0.5, 0.52, 0.01, None, False),     # 0.02 apart, tolerance 0.01
    (0.5, 0.5149, 0.01, 3, True),       # 0.0149 apart, but written as 0.51 it is graded right
    (0.5, 0.506, 0.01, 3, True),        # within the tolerance
    (0.5, 0.504, 0.001, None, False),   # 0.004 apart at a tolerance of 0.001 ...
    (0.5, 0.504, 0.001, 2, True),       # ... but both print as 0.50
    ((0.1, 0.9), (0.1, 0.95), 0.01, 3, False),  # one entry apart is enough for a vector
    ((0.1, 0.9), (0.105, 0.895), 0.01, 3, True),
])
def test_alike_counts_the_written_precision(key, wrong, tol, decimals, expected) -> None:
    assert alike(key, wrong, Tolerance("abs", tol), decimals) is expected


def test_each_rule_of_a_part() -> None:
    tol = Tolerance("abs", 0.01)
    assert [u.rule for u in check_part(0.5, [("m", 0.505)], [], tol, 3)] == [KEY_RULE]
    assert [u.rule for u in check_part(0.5, [("m1", 0.7), ("m2", 0.706)], [], tol, 3)] \
        == [PAIR_RULE]
    assert [u.rule for u in check_part(0.5, [], [0.5, 0.8, 0.805], tol, 3)] == [OPTION_RULE]
    assert check_part(0.5, [("m1", 0.7), ("m2", 0.8)], [0.5, 0.7, 0.8, 0.25], tol, 3) == []


# -- deliberately unfair templates ------------------------------------------------------------

KEY_UNFAIR = """\
- id: t-key
  type: numeric
  difficulty: easy
  points: 1
  family: grad_scale
  params: {lam: {choice: [1.001]}, T: {int: [2, 40]}}
  answer: factor
  tolerance: {rel: 0.01}
  prompt: "{{ lam }}"
  solution: "{{ factor }}"
"""

# d_k = 4 and d_model = 16: dividing by d_k and by sqrt(d_model) is the same mistake twice
PAIR_UNFAIR = """\
- id: t-pair
  type: numeric
  difficulty: easy
  points: 1
  family: scaled_attention
  params:
    q: {choice: [-1, 1, 2], shape: [4]}
    K: {choice: [-1, 0, 1], shape: [2, 4]}
    V: {choice: [0, 1], shape: [2, 1]}
    d_model: {choice: [16]}
  constraints: ["raw[0] != raw[1]"]
  answer: "weights[0]"
  tolerance: {abs: 0.005}
  prompt: "{{ q }}"
  solution: "{{ weights }}"
"""


@pytest.mark.parametrize("source, rule", [(KEY_UNFAIR, KEY_RULE), (PAIR_UNFAIR, PAIR_RULE)])
def test_an_unfair_template_has_no_variant(tmp_path: Path, source: str, rule: str) -> None:
    t = load_bank(write_bank(tmp_path, source)).templates[0]
    with pytest.raises(VariantError, match="no usable variant") as e:
        make_variant(t, 3)
    assert e.value.log is not None and set(e.value.log.rejected) - {"constraint"} == {rule}


def test_an_unfair_variant_is_reported_by_stress_for_each_rule() -> None:
    t = BANK.get("transformer-sdpa-weight-choice")
    v = make_variant(t, 5)
    (part,) = v.parts
    key = float(part.value)  # type: ignore[arg-type]
    near = key + 0.001
    bad_mis = dataclasses.replace(part.misconceptions[0], value=near)
    bad_pair = dataclasses.replace(part.misconceptions[1], value=part.misconceptions[0].value)
    bad_opt = tuple(dataclasses.replace(o, value=key) if not o.correct and o.misconception is None
                    else o for o in part.options)
    if all(o.correct or o.misconception for o in part.options):  # no filler: add one
        bad_opt = part.options + (Option("E", Text("$x$"), False, None, key),)
    for changed, rule in [({"misconceptions": (bad_mis,) + part.misconceptions[1:]}, KEY_RULE),
                          ({"misconceptions": (part.misconceptions[0], bad_pair)
                            + part.misconceptions[2:]}, PAIR_RULE),
                          ({"options": bad_opt}, OPTION_RULE)]:
        res = StressResult(t.id, "", 1)
        inspect_variant(t, dataclasses.replace(v, parts=(dataclasses.replace(part, **changed),)),
                        res)
        assert rule in res.issues, (rule, res.issues)
    res = StressResult(t.id, "", 1)
    inspect_variant(t, v, res)
    assert res.ok, res.issues


def test_check_fails_a_template_rejected_too_often(tmp_path: Path) -> None:
    # d_model 16 in half the draws: half the draws break the pair rule
    half = PAIR_UNFAIR.replace("t-pair", "t-half").replace("[16]", "[16, 64]")
    wasteful = KEY_UNFAIR.replace("t-key", "t-waste").replace("[1.001]", "[0.5]") \
        .replace('  answer:', '  constraints: ["T == 2"]\n  answer:')
    bank = load_bank(write_bank(tmp_path, half + wasteful))
    problems = {p.question: p.message for p in check_rendering(bank)}
    assert "of the draws are unfair (limit 30%), mostly two misconceptions alike" \
        in problems["t-half"]
    assert "draws per variant (limit 4): the constraints reject most draws" in problems["t-waste"]


# -- redraws ------------------------------------------------------------------------------------

def test_redraws_come_from_seeds_derived_from_the_variant_seed() -> None:
    t = BANK.get("attention-weight-choice")
    seed = next(s for s in range(200) if draw_variant(t, s)[1].draws > 1)
    v, log = draw_variant(t, seed)
    expected = sample_params(t.params, make_rng(derive_seed("redraw", seed, log.draws - 1)))
    assert dict(v.params)["H"] == expected["H"].tolist()
    assert v.seed == seed


# -- the bundled bank, graded by the grader -------------------------------------------------

def typed(value: object, part) -> str:
    """The answer as a student following that path writes it: at the printed decimals, or at
    the digits the tolerance needs at that value's size when that is more."""
    tol = part.tolerance or Tolerance("abs", 0)

    def one(x: float) -> str:
        return F.fmt_num(x, max(part.decimals or 0, tol.display_decimals(float(x))))
    a = np.asarray(value, dtype=float)
    if a.ndim == 0:
        return one(float(a))
    if a.ndim == 1:
        return "[" + ", ".join(one(x) for x in a) + "]"
    return "[" + ", ".join("[" + ", ".join(one(x) for x in row) + "]" for row in a) + "]"


@pytest.mark.parametrize("template", COMPUTED, ids=lambda t: t.id)
def test_every_misconception_grades_as_itself(template) -> None:
    for k in range(20):
        v = make_variant(template, derive_seed("fair", template.id, k))
        for part, key in zip(v.parts, parts_from_variant(v), strict=True):
            if part.kind is QuestionType.SINGLE_CHOICE:
                continue
            assert score(key, typed(part.value, part)).outcome is Outcome.CORRECT
            for m in part.misconceptions:
                got = score(key, typed(m.value, part))
                assert got.outcome is Outcome.WRONG and got.misconception == m.id, \
                    (template.id, v.seed, part.label, m.id, got)
