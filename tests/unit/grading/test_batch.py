"""grade_batch: a large class's short answers are scored in worker processes while the other
answers are scored in the caller, and group overrides re-score only the questions they grade;
the results are those of scoring everything in turn."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from examgen.bank import load_glossary
from examgen.grading import batch, short
from examgen.io import read_responses
from examgen.jobs import load_key
from examgen.model import AnswerKey, Submissions

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

GLOSSARY = load_glossary()


def _class(tmp_path: Path) -> tuple[AnswerKey, Submissions]:
    (tmp_path / "key.csv").write_text(KEY, encoding="utf-8")
    with (tmp_path / "r.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "gates", "why", "heads", "pick"])
        w.writerows([f"s{k}", *ANSWERS[k % len(ANSWERS)]] for k in range(40))
    key = load_key(None, tmp_path / "key.csv")
    return key, read_responses(tmp_path / "r.csv", columns=key.columns, students=None)


def test_the_overlapped_pool_grades_as_scoring_in_turn(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    key, subs = _class(tmp_path)
    in_turn = batch.grade_batch(key, subs, glossary=GLOSSARY)
    monkeypatch.setattr(short, "PARALLEL_MIN", 0)   # every class counts as large
    assert batch.grade_batch(key, subs, glossary=GLOSSARY) == in_turn


def test_group_overrides_rescore_only_the_questions_they_grade(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key, subs = _class(tmp_path)
    groups = [g for g in batch.grade_batch(key, subs, glossary=GLOSSARY).groups if g.question_id == "gates"]
    overrides = [batch.Override("", "", 1.0, "by hand", 2, group=g.group_id) for g in groups]
    # "why" is reused from the first pass
    reusing = batch.grade_batch(key, subs, overrides, glossary=GLOSSARY)
    assert dict(reusing.calibrated) == {"gates": len(groups)} and len(groups) >= 3
    start = batch.start_short

    def rescore_all(groups, graded=None, ungraded=None, *,  # type: ignore[no-untyped-def]
                    glossary):
        return start(groups, graded, glossary=glossary)

    monkeypatch.setattr(batch, "start_short", rescore_all)
    assert batch.grade_batch(key, subs, overrides, glossary=GLOSSARY) == reusing
    assert any("by hand" in a.feedback for s in reusing.students for a in s.answers)
