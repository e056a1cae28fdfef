"""grade_batch: a large class's short answers are scored in worker processes while the other
answers are scored in the caller; the result is the one of scoring everything in turn."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from examgen.grading import batch
from examgen.grading.key import key_from_csv
from examgen.submissions import read_responses

KEY = (
    "question_id,type,answer,points,keywords,tolerance\n"
    'gates,short,"망각 게이트가 셀 상태에서 지울 양을 정하고 입력 게이트가 새로 쓸 양을 정한다",4,'
    '"망각 게이트|forget gate;입력 게이트|input gate",\n'
    'why,short,"어텐션은 디코더가 입력 전체에서 중요한 부분에 집중하게 해 긴 문장의 정보 손실을 줄인다",4,'
    '"어텐션|attention;집중|focus",\n'
    "heads,numeric,64,2,,0.01\n"
    "pick,choice,B,1,,\n")
ANSWERS = [
    ["forget gate erases from the cell state, input gate writes", "attention: focus on input",
     "64", "B"],
    ["망각 게이트는 지울 양, 입력 게이트는 쓸 양", "모르겠습니다", "6.4e1", "b"],
    ["", "긴 문장에서 중요한 부분에 집중", "약 64", "C"],
    ["gates are doors", "", "sixty", ""],
]


def test_the_overlapped_pool_grades_as_scoring_in_turn(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "key.csv").write_text(KEY, encoding="utf-8")
    with (tmp_path / "r.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "gates", "why", "heads", "pick"])
        w.writerows([f"s{k}", *ANSWERS[k % len(ANSWERS)]] for k in range(40))
    key = key_from_csv(tmp_path / "key.csv")
    subs = read_responses(tmp_path / "r.csv", columns=key.columns, students=None)
    in_turn = batch.grade_batch(key, subs)
    monkeypatch.setattr(batch, "PARALLEL_MIN", 0)   # every class counts as large
    assert batch.grade_batch(key, subs) == in_turn
