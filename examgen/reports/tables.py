"""The tables of a grading run: the report's label table (Korean, English) and the rows of
grades.csv, details.csv, groups.csv and rejected.csv."""

from __future__ import annotations

from functools import lru_cache

from examgen.io import EOL, CsvCells
from examgen.model import GradeBatch

LABELS: dict[str, dict[str, str]] = {
    "ko": {
        "title": "채점 보고서 / Grading report", "source": "응답 파일 / Source",
        "absent_n": "결시 / Absent", "absent": "결시 (제출 없음) / Absent (no submission)",
        "difficulty_plot": "문항별 난이도와 변별도 (주황: r < 0.2) / Item difficulty vs discrimination",
        "distractors": "선택지 분석 / Distractor analysis", "option": "선택지 (✓ 정답)",
        "chosen": "선택 (명)", "chooser_mean": "선택자 평균 (%)",
        "distractor_note": "선택지는 인쇄된 기호가 아니라 내용(문구와 오개념)으로 셉니다: "
                           "기호는 사본마다 섞입니다. "
                           "선택자 평균 = 그 선택지를 고른 학생들의 총점 평균.",
        "by_form": "형별 점수 / Scores by form", "form": "형",
        "forms_differ": "형별 점수 차이가 유의합니다 (p < 0.05): 형의 난이도가 같지 않을 수 있습니다.",
        "forms_same": "형별 점수 차이는 유의하지 않습니다 (p ≥ 0.05, 또는 검정할 수 없음).",
        "by_variant": "변형별 점수 / Scores by variant", "template": "문항 템플릿",
        "grouping": "묶음 기준", "group_means": "묶음별 평균",
        "variant_note": "계산 문항마다 변형(형별) 또는 한 매개변수 값으로 학생을 묶어 비교합니다 "
                        "(Kruskal–Wallis). ⚑ = p < 0.05: 변형의 난이도가 다를 수 있습니다 (여러 문항을 "
                        "검정하므로 우연일 수도 있습니다).",
        "graded": "채점된 학생 / Graded students", "rejected_n": "제외된 행 / Rejected rows",
        "summary": "요약 통계 / Summary", "n": "인원 / n", "mean": "평균 / Mean",
        "median": "중앙값 / Median", "std": "표준편차 / SD", "min": "최저 / Min", "max": "최고 / Max",
        "max_total": "만점 / Max total", "mean_percent": "평균 (%) / Mean %",
        "alpha": "크론바흐 알파 / Cronbach's α", "kr20": "KR-20",
        "histogram": "점수 분포 (백분율) / Score distribution (%)",
        "item_analysis": "문항 분석 / Item analysis", "column": "문항", "max_points": "배점",
        "difficulty": "난이도 (p)", "discrimination": "변별도 (r)", "blank": "무응답",
        "format_errors": "형식 오류", "needs_review": "검토", "top_wrong": "흔한 오답 (명)",
        "misconceptions": "오개념 (명)", "review": "검토 필요 / Needs review", "student": "학번",
        "response": "응답", "points": "점수", "outcome": "결과", "feedback": "피드백",
        "rejected": "제외된 행 / Rejected rows", "row": "행", "reason": "사유",
        "notices": "알림 / Notices", "none": "없음 / none",
        "collusion": "유사 답안 (공모 의심) / Possible collusion",
        "collusion_note": "여러 서술형 문항에서 모범 답안으로 설명되지 않는 거의 같은 답을 쓴 학생 쌍",
        "questions": "문항", "example": "예시 답안", "students": "학생",
        "calibration": "채점 보정 / Calibration",
        "calibrated": "교수자가 채점한 답안으로 보정한 문항 (few-shot)",
        "not_calibrated": "모든 서술형 문항은 모범 답안만으로 채점했습니다 (보정 없음).",
        "groups": "답안 묶음 / Answer groups", "group": "묶음", "members": "인원",
        "proposed": "제안 점수", "matched": "충족 개념", "missing": "빠진 개념",
        "wrong": "오개념 신호", "answers": "답안", "review_title": "서술형 검토 / Short-answer review",
        "review_note": "비슷한 답을 묶어 한 번만 보여 줍니다. overrides.csv에 group 열로 묶음을 "
                       "채점하면 구성원 모두에게 적용됩니다.",
        "other_groups": "검토가 필요 없는 묶음",
        "item_note": "문항별(소문항별) 분석: 문제 순서가 섞인 시험에서도 같은 문항끼리 모읍니다 "
                     "(작은 글씨는 그 문항이 놓였던 열). 난이도 = 평균/배점, 변별도 = 문항 점수와 "
                     "나머지 총점의 상관 (point-biserial); 주황색은 변별도 0.2 미만.",
    },
    "en": {
        "title": "Grading report", "source": "Source", "graded": "Graded students",
        "absent_n": "Absent", "absent": "Absent (no submission)",
        "difficulty_plot": "Item difficulty vs discrimination (orange: r < 0.2)",
        "distractors": "Distractor analysis", "option": "Option (✓ key)", "chosen": "Chosen (n)",
        "chooser_mean": "Choosers' mean %",
        "distractor_note": "Options are counted by their content (text and misconception), not by "
                           "printed letter: letters are shuffled per copy. Choosers' mean = the "
                           "mean total of the students who chose it.",
        "by_form": "Scores by form", "form": "Form",
        "forms_differ": "The forms' scores differ (p < 0.05): the forms may not be equally hard.",
        "forms_same": "No significant difference between the forms (p ≥ 0.05, or not testable).",
        "by_variant": "Scores by variant", "template": "Template", "grouping": "Grouped by",
        "group_means": "Group means",
        "variant_note": "Each computed template's students grouped by variant (forms) or by one "
                        "parameter's value and compared (Kruskal–Wallis). ⚑ = p < 0.05: its "
                        "variants may differ in difficulty (several templates are tested, so it "
                        "may be chance).",
        "rejected_n": "Rejected rows", "summary": "Summary", "n": "n", "mean": "Mean",
        "median": "Median", "std": "SD", "min": "Min", "max": "Max", "max_total": "Max total",
        "mean_percent": "Mean %", "alpha": "Cronbach's α", "kr20": "KR-20",
        "histogram": "Score distribution (%)", "item_analysis": "Item analysis", "column": "Item",
        "max_points": "Max", "difficulty": "Difficulty (p)", "discrimination": "Discrim. (r)",
        "blank": "Blank", "format_errors": "Format err.", "needs_review": "Review",
        "top_wrong": "Top wrong answers (n)", "misconceptions": "Misconceptions (n)",
        "review": "Needs review", "student": "Student", "response": "Response",
        "points": "Points", "outcome": "Outcome", "feedback": "Feedback",
        "rejected": "Rejected rows", "row": "Row", "reason": "Reason", "notices": "Notices",
        "none": "none",
        "collusion": "Possible collusion",
        "collusion_note": "Pairs of students with near-identical answers, not explained by the "
                          "model answer, on several short-answer questions",
        "questions": "Questions", "example": "Example answer", "students": "Students",
        "calibration": "Calibration",
        "calibrated": "Questions calibrated on answers the instructor graded (few-shot)",
        "not_calibrated": "Every short-answer question was scored from the model answer only.",
        "groups": "Answer groups", "group": "Group", "members": "Members",
        "proposed": "Proposed", "matched": "Matched", "missing": "Missing",
        "wrong": "Wrong cues", "answers": "Answers", "review_title": "Short-answer review",
        "review_note": "Similar answers are grouped and shown once. Grade a group in "
                       "overrides.csv (group column) to grade every member.",
        "other_groups": "Groups that need no review",
        "item_note": "One row per question (part), gathered across copies even when the "
                     "question order was shuffled (small print: the columns it sat in). "
                     "Difficulty = mean/max; discrimination = correlation of the item with the "
                     "rest score (point-biserial); orange marks r below 0.2.",
    },
}


GRADES_HEAD = ("student_id", "total", "max_total", "percent")
DETAILS_HEAD = ("student_id", "question_id", "response", "points", "max_points", "outcome",
                "feedback", "needs_review")
GROUPS_HEAD = ("group", "question_id", "members", "proposed_points", "max_points", "needs_review",
               "matched", "missing", "wrong", "answer", "students")


@lru_cache(maxsize=4096)
def _pts(x: float) -> str:
    r = round(x, 4) + 0.0
    return str(int(r)) if r == int(r) else repr(r)


def grades_rows(batch: GradeBatch) -> list[list[str]]:
    rows: list[list[str]] = [[*GRADES_HEAD, *batch.columns, "name", "flags"]]
    for s in batch.students:
        by_col = {a.column: a.points for a in s.answers}
        pct = 100 * s.total / s.max_total if s.max_total else 0.0
        rows.append([s.student_id, _pts(s.total), _pts(s.max_total), f"{pct:.1f}",
                     *(_pts(by_col.get(c, 0.0)) for c in batch.columns), s.name,
                     "; ".join(s.flags)])
    return rows


def details_csv(batch: GradeBatch) -> str:
    """details.csv, one line per answer, as ``csv_text`` would write it. Text that comes from the
    responses or the key is guarded and quoted once per distinct value; the cells written here
    (points as plain numbers, outcome, yes/no, row numbers) need neither."""
    cell = CsvCells()
    lines = [",".join([*DETAILS_HEAD, "template_id", "misconception", "rows", "group"])]
    for s in batch.students:
        sid, where = cell[s.student_id], " ".join(str(r) for r in s.rows)
        lines.extend(",".join((sid, cell[a.column], cell[a.response], _pts(a.points),
                               _pts(a.max_points), a.outcome, cell[a.feedback],
                               "yes" if a.needs_review else "no", cell[a.question_id],
                               cell[a.misconception or ""], where, cell[a.group]))
                     for a in s.answers)
    lines.append("")
    return EOL.join(lines)


def groups_rows(batch: GradeBatch) -> list[list[str]]:
    """groups.csv: one row per answer group (the ids overrides.csv takes in its group column)."""
    rows: list[list[str]] = [list(GROUPS_HEAD)]
    rows += [[g.group_id, g.question_id, str(len(g.members)), _pts(g.points), _pts(g.max_points),
              "yes" if g.needs_review else "no", "; ".join(g.matched), "; ".join(g.missing),
              "; ".join(g.wrong), g.texts[0], " ".join(sid for sid, _ in g.members)]
             for g in batch.groups]
    return rows


def rejected_rows(batch: GradeBatch) -> list[list[str]]:
    rows: list[list[str]] = [["row", "student_id", "reason", "raw"]]
    rows += [[str(r.row) if r.row is not None else "", r.student_id, r.reason, r.raw]
             for r in batch.rejected]
    return rows
