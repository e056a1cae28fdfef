"""Answer groups (deterministic greedy clustering) and the collusion check."""

from __future__ import annotations

from sklearn.feature_extraction.text import TfidfVectorizer

from examgen.grading.groups import collusion, greedy_groups


def _groups(texts: list[str], counts: list[int], threshold: float = 0.7) -> list[int]:
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(texts)
    return greedy_groups(texts, counts, vectors, threshold)


def test_similar_answers_share_a_group_led_by_the_most_common() -> None:
    texts = ["the forget gate erases memory", "the forget gate erases the memory",
             "attention weights", "the forget gate erases memory!"]
    g = _groups(texts, [1, 5, 2, 1])
    assert g[0] == g[1] == g[3] != g[2]
    assert g[1] == 0                       # the most common answer leads the first group
    assert _groups(texts, [1, 5, 2, 1]) == g   # deterministic


def test_threshold_one_keeps_different_texts_apart() -> None:
    texts = ["a b c", "a b c d", "x y z"]
    assert len(set(_groups(texts, [1, 1, 1], threshold=1.0 + 1e-9))) == 3


def test_pairs_sharing_rare_unexplained_answers_on_several_questions() -> None:
    crowd = [(f"s{k}", k + 10) for k in range(30)]          # everyone else writes their own
    per_q = {"Q1": [("ann", 1), ("bob", 1), *crowd], "Q2": [("ann", 2), ("bob", 2), *crowd],
             "Q3": [("ann", 3), ("cat", 3), *crowd]}
    texts = {q: [f"{q} answer {k}" for k in range(50)] for q in per_q}
    found = collusion(per_q, texts)
    assert [s.students for s in found] == [("ann", "bob")]
    assert found[0].questions == ("Q1", "Q2")
    # answers explained by the model answer (-1) never count
    explained = {q: [(s, -1) for s, _ in items] for q, items in per_q.items()}
    assert collusion(explained, texts) == []


def test_an_answer_half_the_class_wrote_is_not_evidence() -> None:
    many = [(f"s{k}", 1) for k in range(20)]
    per_q = {"Q1": many, "Q2": many}
    assert collusion(per_q, {"Q1": ["x", "common"], "Q2": ["y", "common"]}) == []
