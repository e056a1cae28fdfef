"""The bundled bank: valid, renders, healthy under stress, and covers the course."""

from __future__ import annotations

import re

import pytest

from examgen.bank import load_bank, load_glossary
from examgen.bank.selftest import check_rendering, stress_template
from examgen.model import QuestionType

BANK = load_bank()


def is_numeric(t) -> bool:
    return t.is_computed or t.type is QuestionType.SYMBOLIC


def test_bundled_bank_renders() -> None:
    assert check_rendering(BANK) == []


def test_counts() -> None:
    numeric = [t for t in BANK.templates if is_numeric(t)]
    concept = [t for t in BANK.templates if not is_numeric(t)]
    assert len(numeric) >= 25
    assert len(concept) >= 54
    families = {t.family for t in BANK.templates if t.family}
    assert len(families) >= 12


def test_seed_quiz_items() -> None:
    for k in range(1, 15):
        t = BANK.get(f"seed-quiz-{k:02d}")
        assert t.type is QuestionType.SHORT_ANSWER
        assert t.references and t.rubric and t.wrong_answers, t.id
        assert abs(sum(c.weight for c in t.rubric) - 1) < 1e-9
        assert t.prompt.en, t.id
        assert "seed-quiz" in t.tags


def test_every_family_of_the_course_has_templates() -> None:
    used = {t.family for t in BANK.templates if t.family}
    required = {"pe_value", "pe_vector", "embed_plus_pe", "mha_dims", "mha_params",
                "scaled_attention", "seq2seq_attention", "softmax", "rnn_step", "lstm_gates",
                "lstm_step", "gru_step", "recurrent_params", "grad_scale", "vanishing_steps",
                "grad_clip", "bptt_scalar"}
    assert required <= used, required - used


def test_topics_and_concepts_of_the_seeds_are_covered() -> None:
    assert {"rnn-basics", "bptt-gradients", "lstm", "gru", "rnn-architectures", "seq2seq",
            "attention", "transformer", "bert"} <= set(BANK.topics)
    tags = " ".join(tag for t in BANK.templates for tag in t.tags)
    texts = []
    for t in BANK.templates:
        for x in (t.prompt, t.explanation, *t.references, *(c.text for c in t.choices)):
            if x is not None:
                texts += [x.ko, x.en or ""]
    text = " ".join(texts).lower()
    for needle in ("one-to-many", "many-to-one", "many-to-many", "bidirectional", "highway",
                   "dense", "skip", "bottleneck", "self-attention", "multi-head", "bert",
                   "clipping", "cell state", "weight", "positional"):
        assert needle in text or needle.replace(" ", "-") in tags, needle
    for korean in ("기울기 소실", "셀 상태", "게이트", "양방향", "병목", "어텐션", "포지셔널",
                   "멀티헤드", "역전파"):
        assert korean in text, korean


def test_every_question_has_korean_and_english() -> None:
    missing = [t.id for t in BANK.templates if not t.prompt.en]
    assert missing == []
    hangul = re.compile(r"[\uac00-\ud7a3]")
    assert all(hangul.search(t.prompt.ko) for t in BANK.templates)


def test_computed_templates_have_solutions_and_misconceptions() -> None:
    for t in BANK.templates:
        if t.is_computed:
            assert t.solution is not None and t.solution.en, t.id


@pytest.mark.parametrize("template", BANK.templates, ids=lambda t: t.id)
def test_stress_quick(template) -> None:
    res = stress_template(template, 60)
    assert res.ok, (template.id, dict(res.issues), res.examples)


def _values_drawn(template_id: str, param: str, n: int = 300) -> set[object]:
    from examgen.variants import make_variant

    t = BANK.get(template_id)
    return {str(dict(make_variant(t, s).params)[param]) for s in range(n)}


@pytest.mark.parametrize("template_id, param, values", [
    ("transformer-sdpa-parts", "d_model", {"32", "64", "128"}),
    ("transformer-sdpa-weight-choice", "d_model", {"32", "64", "128"}),
    ("transformer-pe-entry-choice", "dim", {"1", "2", "3"}),
])
def test_no_dead_sampler_values(template_id: str, param: str, values: set[str]) -> None:
    assert _values_drawn(template_id, param) == values


@pytest.mark.parametrize("template_id, at_least", [
    ("transformer-mha-param-count", 10), ("transformer-mha-param-choice", 8)])
def test_parameter_counts_vary(template_id: str, at_least: int) -> None:
    from examgen.variants import make_variant

    t = BANK.get(template_id)
    assert len({make_variant(t, s).parts[0].value for s in range(300)}) >= at_least


@pytest.mark.parametrize("template_id, ko, en", [
    ("attention-dot-weights-context", "소수 셋째 자리", "three decimals"),
    ("attention-context-vector", "소수 셋째 자리", "three decimals"),
    ("attention-weight-choice", "소수 셋째 자리", "three decimals"),
    ("attention-softmax-temperature", "소수 셋째 자리", "three decimals"),
    ("bptt-gradients-clip-norm-parts", "소수 셋째 자리", "to three"),
    ("bptt-gradients-clip-maybe", "소수 셋째 자리", "three decimals"),
    ("transformer-pe-vector-small", "라디안", "radians"),
    ("transformer-pe-entry-choice", "라디안", "radians"),
    ("transformer-embedding-plus-sinusoid", "라디안", "radians"),
    ("transformer-embedding-plus-sinusoid", "번갈아", "alternates sin and cos"),
])
def test_prompts_say_how_to_answer(template_id: str, ko: str, en: str) -> None:
    t = BANK.get(template_id)
    assert ko in t.prompt.ko and en in (t.prompt.en or "")


def test_concat_formula_lists_only_its_variables() -> None:
    t = BANK.get("transformer-concat-dim-formula")
    assert t.variables == ("h", "d_v")
    assert "d_model" not in t.prompt.ko.split("변수")[1]


def test_seed_quiz_02_plain_right_answer_is_not_taken_for_a_wrong_one() -> None:
    from examgen.grading.text import ShortAnswerScorer

    t = BANK.get("seed-quiz-02")
    refs = [x for r in t.references for x in (r.ko, r.en) if x]
    right = "망각 게이트는 이전 정보를 지우고, 입력 게이트는 새 정보를 받아들인다."
    swapped = "망각 게이트는 새 정보를 셀 상태에 받아들이고, 입력 게이트는 이전 정보를 지운다."
    for answer, low, high in [(right, 0.7, 1.0), (swapped, 0.0, 0.3)]:
        scorer = ShortAnswerScorer(t.rubric, [w.text for w in t.wrong_answers], t.wrong_concepts,
                                   glossary=load_glossary())
        s = scorer.fit(refs, [answer], question=t.prompt.ko).score(answer)
        assert low <= s.score <= high, (answer, s.explanation)
