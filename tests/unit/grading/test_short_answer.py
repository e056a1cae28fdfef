"""The short-answer scorer on the hand-graded seed-quiz set (tests/data/short_answers_ko.csv:
Korean, English and mixed student-style answers with an instructor's grades) and its contract."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from examgen.bank import load_bank, load_glossary
from examgen.grading.text import ShortAnswerScorer, TextScore

DATA = Path(__file__).resolve().parents[2] / "data" / "short_answers_ko.csv"

GLOSSARY = load_glossary()


def _scorer(qid: str, answers: list[str], graded: dict[str, float] | None = None
            ) -> ShortAnswerScorer:
    t = load_bank().get(qid)
    refs = [x for r in t.references for x in (r.ko, r.en) if x]
    return ShortAnswerScorer(t.rubric, [w.text for w in t.wrong_answers], t.wrong_concepts,
                             glossary=GLOSSARY).fit(
        refs, answers, question=f"{t.prompt.ko} {t.prompt.en or ''}", graded=graded)


@pytest.fixture(scope="module")
def scored() -> list[tuple[dict[str, str], TextScore]]:
    with DATA.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_q: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_q[r["question_id"]].append(r)
    out = []
    for qid, items in by_q.items():
        answers = [r["answer"] for r in items]
        out += list(zip(items, _scorer(qid, answers).score_many(answers), strict=True))
    return out


def test_the_set_covers_every_seed_item_with_every_kind(scored) -> None:  # type: ignore[no-untyped-def]
    questions = {r["question_id"] for r, _ in scored}
    assert questions == {f"seed-quiz-{k:02d}" for k in range(1, 15)}
    kinds = {r["kind"] for r, _ in scored}
    assert {"paraphrase", "partial", "wrong_shared_vocab", "negated", "copies_question",
            "dont_know", "empty"} <= kinds


def test_scores_follow_the_instructor(scored) -> None:  # type: ignore[no-untyped-def]
    pred = np.array([s.score for _, s in scored])
    gold = np.array([float(r["grade"]) for r, _ in scored])
    assert np.corrcoef(pred, gold)[0, 1] >= 0.8


def test_paraphrases_outscore_wrong_answers_that_share_vocabulary(scored) -> None:  # type: ignore[no-untyped-def]
    for qid in {r["question_id"] for r, _ in scored}:
        para = [s.score for r, s in scored if r["question_id"] == qid and r["kind"] == "paraphrase"]
        wrong = [s.score for r, s in scored
                 if r["question_id"] == qid and r["kind"] == "wrong_shared_vocab"]
        assert np.mean(para) > np.mean(wrong) + 0.2, qid
    para_all = [s.score for r, s in scored if r["kind"] == "paraphrase"]
    wrong_all = [s.score for r, s in scored if r["kind"] == "wrong_shared_vocab"]
    # probability that a random paraphrase outscores a random shared-vocabulary wrong answer
    auc = np.mean([p > w for p in para_all for w in wrong_all])
    assert auc >= 0.9


def test_korean_and_english_versions_of_one_answer_score_alike(scored) -> None:  # type: ignore[no-untyped-def]
    pairs: dict[str, list[float]] = defaultdict(list)
    for r, s in scored:
        if r["pair"]:
            pairs[r["pair"]].append(s.score)
    diffs = [abs(a - b) for a, b in pairs.values()]
    assert len(diffs) >= 20
    assert np.mean(diffs) <= 0.12
    assert np.mean([d <= 0.3 for d in diffs]) >= 0.85


def test_no_answer_graded_zero_gets_half_marks_without_review(scored) -> None:  # type: ignore[no-untyped-def]
    bad = [r["answer_id"] for r, s in scored
           if float(r["grade"]) == 0 and s.score >= 0.5 and not s.needs_review]
    assert bad == []


def test_feedback_names_matched_and_missing_concepts() -> None:
    s = _scorer("seed-quiz-02", []).score("망각 게이트와 입력 게이트가 셀 상태를 조절한다")
    assert set(s.matched) == {"forget-gate", "input-gate", "cell-state"} and s.score >= 0.8
    partial = _scorer("seed-quiz-02", []).score("forget gate만 있다")
    assert "forget-gate" in partial.matched and "input-gate" in partial.missing
    assert "matched: forget-gate" in partial.explanation and "input-gate" in partial.explanation


def test_wrong_concept_pulls_the_score_down_and_asks_for_review() -> None:
    right = "망각 게이트와 입력 게이트가 셀 상태를 조절한다"
    wrong = "업데이트 게이트와 리셋 게이트가 셀 상태를 조절한다"
    sc = _scorer("seed-quiz-02", [right, wrong])
    a, b = sc.score_many([right, wrong])
    assert b.score < a.score - 0.4 and b.needs_review and "gru-gates" in b.wrong


def test_closeness_to_the_model_answer_does_not_rescue_a_wrong_concept() -> None:
    # shares the model answer's frame ("head outputs ... so d_v dimensions") but averages
    # where the model answer concatenates: no concept earned, a wrong one named
    from examgen.model import RubricConcept, WrongConcept
    refs = ["헤드 출력을 이어 붙이므로 h×d_v 차원이다",
            "Concatenating gives h times d_v dimensions"]
    sc = ShortAnswerScorer(
        [RubricConcept("이어 붙", 0.5, ("이어 붙", "concatenat", "결합")),
         RubricConcept("h×d_v", 0.5, ("h×d_v", "h*d_v", "h d_v"))],
        wrong_concepts=[WrongConcept("평균", ("평균", "average"))], glossary=GLOSSARY)
    answers = ["헤드 출력을 이어 붙여서 h×d_v 차원이 된다", "헤드 출력을 평균하므로 d_v 차원이다"]
    sc.fit(refs, answers)
    right, wrong = sc.score_many(answers)
    assert wrong.cosine >= 0.5          # close to the model answer in wording ...
    assert wrong.wrong[0] == "평균" and not wrong.matched   # (and the glossary contrast)
    assert wrong.score <= 0.2 < 0.8 <= right.score and wrong.needs_review


def test_a_claim_that_transformers_cannot_parallelise_is_not_rewarded() -> None:
    # a student's answer that says the opposite of the model answer with its vocabulary, and a
    # bare list of keywords (found by a reviewer in the practice app: both scored full marks)
    answers = ["RNN은 순차적으로 처리해야 하고 이전 은닉 상태가 필요하다. Transformer도 마찬가지로 "
               "모든 위치를 한 번에 처리할 수는 없다.",
               "self-attention recurrent",
               "Transformer는 순환 구조가 없어서 이전 은닉 상태를 기다리지 않고, 셀프 어텐션으로 모든 "
               "위치 쌍을 행렬 연산으로 계산한다."]
    opposite, keywords, right = _scorer("seed-quiz-08", answers).score_many(answers)
    assert opposite.score < 0.5 and "no-recurrence" not in opposite.matched
    assert keywords.score < 0.8 and keywords.matched == ("self-attention-all-positions",)
    assert right.score >= 0.8 and set(right.matched) == {"self-attention-all-positions",
                                                         "no-recurrence"}


def test_few_shot_grades_move_similar_answers() -> None:
    answers = ["It uses attention over every word at once.",
               "It uses attention over every single word at once.",
               "Self-attention lets all positions be computed in parallel without recurrence.",
               "Because GPUs are fast.", "Because GPUs are very fast."]
    plain = _scorer("seed-quiz-08", answers)
    graded = {answers[0]: 0.0, answers[2]: 1.0, answers[3]: 0.0}
    few = _scorer("seed-quiz-08", answers, graded)
    assert few.few_shot_
    before, after = plain.similarities(answers), few.similarities(answers)
    assert after[0] == 0.0 and after[2] == 1.0            # graded answers keep their grade
    assert after[1] < before[1] and after[4] <= before[4]  # near-copies of 0-graded answers fall
    assert "calibrated on graded answers" in few.score(answers[1]).explanation


def test_scikit_learn_style_contract() -> None:
    with pytest.raises(TypeError, match="glossary"):   # never the bundled one behind the back
        ShortAnswerScorer().fit(["a reference"])
    s = ShortAnswerScorer(glossary=GLOSSARY)
    with pytest.raises(RuntimeError, match="not fitted"):
        s.score("x")
    with pytest.raises(TypeError, match="lists of strings"):
        s.fit("one reference as a string")
    with pytest.raises(ValueError, match="reference"):
        s.fit(["  "])
    assert s.fit(["a reference"]) is s
    out = s.score_many(["a reference", "something else entirely", ""])
    assert all(0.0 <= x.score <= 1.0 and 0.0 <= x.confidence <= 1.0 for x in out)
    assert out[0].score > out[1].score


def test_scoring_never_learns() -> None:
    """An answer not seen in fit is scored as one more answer of the class, without changing
    the fitted scorer: scoring other answers first does not change its score."""
    s = ShortAnswerScorer(glossary=GLOSSARY).fit(
        ["the forget gate decides what the cell state keeps"],
        ["the forget gate keeps part of the cell state", "it is an output gate"])
    fitted = list(s.texts_)
    first = s.score_many(["the forget gate chooses what to keep"])
    s.score_many(["attention weights sum to one", "a completely different answer"])
    assert s.score_many(["the forget gate chooses what to keep"]) == first
    assert s.texts_ == fitted
