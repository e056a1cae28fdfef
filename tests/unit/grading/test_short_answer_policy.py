"""Issue 15: short-answer points that follow the score, Korean/English stems in keywords, the
glossary's confusable terms, no floor for off-topic answers, KEY.csv question/absent/policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from examgen.bank.glossary import EMPTY, load_glossary, parse_glossary
from examgen.errors import GlossaryError, KeyFileError, SpecError
from examgen.grading.batch import grade_one
from examgen.grading.key import key_from_rows
from examgen.grading.morph import stem_en, stem_view
from examgen.grading.points import PointsPolicy, award
from examgen.grading.rubric import RubricMatcher
from examgen.grading.text import ShortAnswerScorer
from examgen.io import read_key_rows
from examgen.model import Outcome, PartKey, RubricConcept

GLOSSARY = load_glossary()


# -- 1/2: the points policy ----------------------------------------------------------------
@pytest.mark.parametrize(("score", "points", "step", "expected"), [
    (0.85, 5, 0.5, 4.5),     # was full points (>= 0.8)
    (0.81, 5, 0.5, 4.0),
    (0.95, 5, 0.5, 5.0),
    (0.12, 5, 0.5, 0.5),     # was 0 (<= 0.2)
    (0.04, 5, 0.5, 0.0),
    (0.55, 4, 1.0, 2.0),     # 2.2 on a whole-point grid
    (0.99, 1, 0.5, 1.0),
])
def test_points_follow_the_score_on_the_grid(score: float, points: float, step: float,
                                             expected: float) -> None:
    assert award(score, points, PointsPolicy(step=step)).points == expected


def test_full_points_need_every_rubric_concept() -> None:
    got = award(0.97, 5, complete=False)
    assert got.points == 4.5 and got.capped
    assert award(0.97, 5, complete=True).points == 5.0


def test_review_band_is_settable_and_checked() -> None:
    assert award(0.7, 5, PointsPolicy(review=(0.3, 0.75))).review
    assert not award(0.7, 5).review
    with pytest.raises(ValueError, match="review band"):
        PointsPolicy(review=(0.7, 0.2))
    with pytest.raises(ValueError, match="step"):
        PointsPolicy(step=0)


def test_a_batch_awards_points_by_the_policy() -> None:
    # an answer saying one of two concepts in the model answer's words scores high on
    # similarity; before, a score >= 0.8 earned every point whatever the rubric said
    part = PartKey("Q1", "Q1", "short_answer", 5.0,
                   references=("LSTM은 망각 게이트와 입력 게이트로 셀 상태를 조절한다.",),
                   rubric=(RubricConcept("forget-gate", 0.5, ("망각 게이트",)),
                           RubricConcept("input-gate", 0.5, ("입력 게이트",))))
    full = grade_one(part, "LSTM은 망각 게이트와 입력 게이트로 셀 상태를 조절한다.", glossary=GLOSSARY)
    half = grade_one(part, "LSTM은 망각 게이트로 셀 상태를 조절한다.", glossary=GLOSSARY)
    assert full.points == 5.0 and full.outcome is Outcome.CORRECT
    assert 0 < half.points < 5.0 and half.outcome is Outcome.PARTIAL
    assert (half.points * 2).is_integer()


# -- 3: morphology ---------------------------------------------------------------------------
@pytest.mark.parametrize("glossary", [EMPTY, load_glossary()], ids=["no glossary", "bank"])
def test_korean_keywords_match_other_particles_and_endings(glossary) -> None:  # type: ignore[no-untyped-def]
    m = RubricMatcher([RubricConcept("no-recurrence", 1.0, ("순환 구조가 없",))], [], glossary)
    assert m.hits("Transformer는 순환이 없다.").matched == ("no-recurrence",)
    assert m.hits("트랜스포머는 순환 구조가 없어서 병렬로 계산한다").matched == ("no-recurrence",)
    assert m.hits("Transformer도 순차적으로 계산한다").matched == ()


def test_english_keywords_match_inflected_forms() -> None:
    m = RubricMatcher([RubricConcept("saturation", 1.0, ("saturat",)),
                       RubricConcept("explode", 1.0, ("explodes",))], [], EMPTY)
    for text in ("the tanh saturates", "once it is saturated", "saturating units"):
        assert "saturation" in m.hits(text).matched, text
    assert m.hits("the gradients exploded").matched == ("explode",)
    assert m.hits("the sum of the values").matched == ()


def test_stems() -> None:
    assert {stem_en(w) for w in ("saturate", "saturates", "saturated", "saturation")} == {
        "saturat"}
    assert stem_en("encoder") != stem_en("encode")
    view = stem_view(load_glossary().canonical("망각 게이트와 입력 게이트가 셀 상태를 조절한다"))
    assert view == "t_forget_gate t_input_gate t_cell_state 조절"


# -- 4: confusable concepts ---------------------------------------------------------------------
def test_a_counterpart_term_is_a_wrong_concept_cue_without_a_rubric() -> None:
    refs = ["망각 게이트와 입력 게이트가 셀 상태를 조절한다",
            "The forget gate and the input gate control the cell state"]
    right = "망각 게이트와 입력 게이트가 셀 상태를 조절한다고 배웠다"
    swapped = "업데이트 게이트와 리셋 게이트가 셀 상태를 조절한다고 배웠다"
    a, b = (ShortAnswerScorer(glossary=GLOSSARY).fit(refs, [right, swapped])
            .score_many([right, swapped]))
    assert "update-gate for forget-gate" in b.wrong and b.needs_review and not b.complete
    assert b.score < a.score - 0.2 and not a.wrong


def test_a_comparison_naming_both_sides_is_not_cued() -> None:
    refs = ["d_v is the dimension of each head's values"]
    sc = ShortAnswerScorer(glossary=GLOSSARY).fit(refs, [])
    assert sc.score("d_model is split into h heads of d_v").wrong == ()
    assert sc.score("it is d_model").wrong == ("d-model for d-v",)


def test_contrast_groups_are_checked() -> None:
    text = "terms:\n  - {id: a-b, en: [alpha]}\ncontrasts:\n  - [[a-b], [c-d]]\n"
    with pytest.raises(GlossaryError, match="contrast group 1: no term 'c-d'"):
        parse_glossary(text, "g.yaml")


# -- 5: no floor, no credit for the question's words -----------------------------------------------
def test_an_off_topic_answer_gets_no_floor() -> None:
    refs = ["Transformer는 순환 구조가 없어 모든 위치를 행렬 곱으로 한 번에 계산하므로 병렬화된다."]
    answers = ["점심 메뉴는 김치찌개가 좋겠다", "잘 모르겠습니다", refs[0]]
    sc = ShortAnswerScorer(glossary=GLOSSARY).fit(refs, answers)
    off, dunno, _ = sc.score_many(answers)
    assert off.cosine < 0.25 and dunno.cosine < 0.25
    assert off.score < 0.25 and dunno.score < 0.25


def test_restating_the_question_earns_nothing() -> None:
    question = ("What is the main advantage of a Transformer over an RNN when training on long "
                "sequences?")
    refs = ["There is no recurrence: self-attention relates all positions with matrix "
            "products, so every position is computed at once."]
    answers = ["The main advantage of a Transformer over an RNN when training on long "
               "sequences.", refs[0], "Self-attention computes all positions at once."]
    told = (ShortAnswerScorer(glossary=GLOSSARY).fit(refs, answers, question=question)
            .score_many(answers))
    assert told[0].score <= 0.05 and told[2].score >= 0.8


# -- 6/8: KEY.csv and the glossary bug ------------------------------------------------------------
def _key(tmp_path: Path, text: str) -> PartKey:
    p = tmp_path / "KEY.csv"
    p.write_text(text, encoding="utf-8")
    key = key_from_rows(*read_key_rows(p))
    assert key.shared is not None
    return key.shared[0]


def test_key_csv_question_absent_keywords_and_policy(tmp_path: Path) -> None:
    part = _key(tmp_path, "question_id,type,answer,points,keywords,question,step,review\n"
                "Q1,short,Transformer는 순환 구조가 없다,4,~순환|recurrence;병렬,"
                "왜 병렬로 학습되나요?,1,0.3-0.7\n")
    assert part.prompt == "왜 병렬로 학습되나요?"
    assert part.rubric[0].absent and part.rubric[0].synonyms == ("순환", "recurrence")
    assert not part.rubric[1].absent
    assert part.policy == PointsPolicy(step=1.0, review=(0.3, 0.7))
    m = RubricMatcher(part.rubric, [], load_glossary())
    assert "순환" in m.hits("순환 연결을 없앴다").matched
    assert "순환" not in m.hits("RNN은 순환을 쓴다").matched


def test_key_csv_bad_policy_names_the_row(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match=r"KEY.csv: row 2: review band must be two scores"):
        _key(tmp_path, "question_id,type,answer,points,review\nQ1,short,x,1,0.7-0.2\n")


def test_single_word_keywords_are_found_inside_longer_terms() -> None:
    m = RubricMatcher([RubricConcept(w, 1.0, (w,)) for w in ("query", "key", "value")], [],
                      load_glossary())
    assert m.hits("The query key value vectors come from the input").matched == (
        "query", "key", "value")


def test_spec_sets_the_short_answer_policy(tmp_path: Path) -> None:
    from examgen.io import load_spec

    base = (Path(__file__).resolve().parents[3] / "examples" / "midterm.yaml").read_text(
        encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(base + "grading: {short_answer: {step: 1, review: [0.3, 0.7]}}\n",
                    encoding="utf-8")
    assert dict(load_spec(good).short_answer) == {"step": 1, "review": [0.3, 0.7]}
    bad = tmp_path / "bad.yaml"
    bad.write_text(base + "grading: {short_answer: {step: 0, review: [0.3, 0.7]}}\n",
                   encoding="utf-8")
    with pytest.raises(SpecError, match=r"bad.yaml.*grading short_answer: step must be"):
        load_spec(bad)
