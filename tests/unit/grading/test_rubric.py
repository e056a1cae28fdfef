"""Rubric concepts through the glossary, with negation, order concepts and wrong-concept cues."""

from __future__ import annotations

import pytest

from examgen.bank.glossary import parse_glossary
from examgen.grading.rubric import RubricMatcher
from examgen.model import RubricConcept, WrongConcept

GLOSSARY = parse_glossary("""
terms:
  - id: forget-gate
    ko: [망각 게이트]
    en: [forget gate]
  - id: input-gate
    ko: [입력 게이트]
    en: [input gate]
  - id: update-gate
    ko: [업데이트 게이트]
    en: [update gate]
  - id: lstm
    en: [LSTM]
  - id: gru
    en: [GRU]
  - id: transformer
    ko: [트랜스포머]
    en: [Transformer]
""", "test")

LSTM_GATES = [RubricConcept("forget-gate", 0.5, ("forget gate",)),
              RubricConcept("input-gate", 0.5, ("입력 게이트",))]
GRU_CUE = [WrongConcept("gru-gates", ("update gate",))]


def matcher(rubric=LSTM_GATES, cues=GRU_CUE) -> RubricMatcher:  # type: ignore[no-untyped-def]
    return RubricMatcher(rubric, cues, GLOSSARY)


def test_concepts_match_in_either_language_through_the_glossary() -> None:
    h = matcher().hits("망각 게이트와 input gate가 정보를 지우고 쓴다")
    assert h.matched == ("forget-gate", "input-gate") and h.coverage == 1.0


def test_a_negated_concept_earns_nothing_and_the_alternative_does() -> None:
    h = matcher().hits("망각 게이트가 아니라 입력 게이트가 정보를 지운다")
    assert h.matched == ("input-gate",)
    assert h.negated == ("forget-gate",)
    assert h.coverage == 0.5
    h_en = matcher().hits("it is not the forget gate; the input gate does it")
    assert h_en.matched == ("input-gate",) and h_en.negated == ("forget-gate",)


def test_a_spelling_that_itself_says_no_is_not_negated() -> None:
    rubric = [RubricConcept("no-cell-state", 1.0, ("셀 상태가 없",))]
    assert matcher(rubric, []).hits("GRU는 셀 상태가 없다").matched == ("no-cell-state",)


def test_wrong_concept_cue_and_its_negation() -> None:
    assert matcher().hits("LSTM은 update gate로 기억을 지운다").wrong == ("gru-gates",)
    assert matcher().hits("update gate가 아니라 망각 게이트가 지운다").wrong == ()


def test_order_concept_matched_in_order_and_flagged_reversed() -> None:
    rubric = [RubricConcept("history", 1.0, (), ("LSTM", "GRU", "Transformer"))]
    m = matcher(rubric, [])
    assert m.hits("LSTM 다음 GRU, 그 뒤 트랜스포머").matched == ("history",)
    reversed_ = m.hits("Transformer came first, then GRU, then LSTM")
    assert reversed_.matched == () and reversed_.wrong == ("history (reversed)",)
    assert m.hits("LSTM and Transformer").matched == ()        # a stage is missing


def test_key_concept_is_the_heaviest_unique_one() -> None:
    assert matcher().key_concept is None                      # two share the top weight
    rubric = [RubricConcept("a", 0.6, ("forget gate",)), RubricConcept("b", 0.4, ("input gate",))]
    assert matcher(rubric).key_concept == "a"


def test_cannot_in_korean_negates_the_clause() -> None:
    h = matcher().hits("망각 게이트로 정보를 지울 수는 없다")
    assert h.negated == ("forget-gate",) and not h.matched
    h = matcher().hits("망각 게이트로 정보를 지울 수 없다. 입력 게이트는 쓴다")
    assert h.matched == ("input-gate",)
    # 수 inside a word (변수 없이) is not "cannot"
    assert matcher().hits("망각 게이트는 변수 없이 정한다").matched == ("forget-gate",)


NO_RECURRENCE = [RubricConcept("no-recurrence", 1.0, ("순환", "순차", "recurrence",
                                                      "recurrent connection", "순환 구조가 없"),
                               absent=True)]


@pytest.mark.parametrize("text, earned", [
    ("트랜스포머는 순환이 없고 어텐션만 쓴다", True),
    ("순환 연결을 없앴기 때문이다", True),
    ("순차 계산에 의존하지 않는다", True),
    ("there is no recurrence in the layer", True),
    ("it got rid of the recurrent connection", True),
    ("the recurrence is removed", True),
    ("순환 구조가 없다", True),                    # a spelling that itself says "no ..."
    ("RNN은 순차적으로 처리해야 한다", False),     # a bare mention
    ("recurrence makes it slow", False),
    ("self-attention recurrent", False),
    ("순환 구조를 없애서가 아니라 GPU 덕분이다", False),   # the removal denied
    ("순환 구조가 없는 것이 아니다", False),
])
def test_an_absent_concept_is_earned_only_where_its_thing_is_said_to_be_gone(
        text: str, earned: bool) -> None:
    h = matcher(NO_RECURRENCE, []).hits(text)
    assert h.matched == (("no-recurrence",) if earned else ())
    assert h.negated == ()                 # a bare mention is not a negation either
