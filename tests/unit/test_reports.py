"""Statistics, item analysis, CSV guard and rendering of the grading report.

Expected numbers are worked out by hand (arithmetic in the comments) or with the statistics
module, never with the numpy code under test.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from pathlib import Path

import pytest

from examgen import reports
from examgen.errors import ExamgenError
from examgen.io import csv_safe
from examgen.model import AnswerGrade, GradeBatch, Outcome, RejectedRow, StudentGrade
from examgen.reports import html as report_html
from tests.unit.render.test_typst_print import line_breaks_inside_words, pdf_text


def answer(student: str, column: str, points: float, max_points: float, response: str = "x",
           outcome: Outcome | None = None, **kw: object) -> AnswerGrade:
    if outcome is None:
        outcome = (Outcome.CORRECT if points == max_points
                   else Outcome.WRONG if points == 0 else Outcome.PARTIAL)
    return AnswerGrade(student_id=student, column=column, question_id=column, response=response,
                       points=points, max_points=max_points, outcome=outcome, **kw)  # type: ignore[arg-type]


def batch_of(scores: Sequence[Sequence[float]], max_points: Sequence[float], **kw: object) -> GradeBatch:
    columns = tuple(f"Q{j + 1}" for j in range(len(max_points)))
    students = tuple(
        StudentGrade(f"s{i + 1}", f"Student {i + 1}", (i + 2,),
                     tuple(answer(f"s{i + 1}", c, p, m) for c, p, m in zip(columns, row, max_points,
                                                                           strict=True)))
        for i, row in enumerate(scores))
    return GradeBatch(title="Midterm", source="responses.csv", columns=columns,
                      max_points=tuple(max_points), students=students, **kw)  # type: ignore[arg-type]


# 5 students × 3 columns, max 2, 1, 2 points; Q1 and Q3 have partial credit
MIXED: list[list[float]] = [[2, 1, 2],
         [2, 1, 1],
         [1, 0, 2],
         [0, 1, 0],
         [2, 0, 0]]
MIXED_MAX = [2.0, 1.0, 2.0]

# 5 students × 3 right/wrong items of 1 point
DICHO: list[list[float]] = [[1, 1, 1],
         [1, 1, 0],
         [1, 0, 1],
         [1, 0, 0],
         [0, 0, 0]]


def test_score_matrix_puts_zero_where_a_column_is_missing() -> None:
    b = batch_of(MIXED, MIXED_MAX)
    short = StudentGrade("s6", "Six", (7,), (answer("s6", "Q2", 1, 1),))
    b = GradeBatch(b.title, b.source, b.columns, b.max_points, b.students + (short,))
    m = reports.score_matrix(b)
    assert m.shape == (6, 3)
    assert m.tolist()[:5] == MIXED
    assert m.tolist()[5] == [0, 1, 0]


def test_item_difficulty_is_mean_over_max() -> None:
    stats = reports.item_stats(batch_of(MIXED, MIXED_MAX))
    assert [s.label for s in stats] == ["Q1", "Q2", "Q3"]
    # Q1: (2+2+1+0+2)/5 = 1.4, /2 = 0.7;  Q2: 3/5 = 0.6;  Q3: (2+1+2+0+0)/5 = 1.0, /2 = 0.5
    assert [s.mean for s in stats] == pytest.approx([1.4, 0.6, 1.0])
    assert [s.difficulty for s in stats] == pytest.approx([0.7, 0.6, 0.5])
    assert [s.n for s in stats] == [5, 5, 5]


@pytest.mark.parametrize("scores, max_points", [(MIXED, MIXED_MAX), (DICHO, [1.0, 1.0, 1.0])])
def test_discrimination_is_pearson_with_the_rest_score(scores: Sequence[Sequence[float]],
                                                        max_points: Sequence[float]) -> None:
    stats = reports.item_stats(batch_of(scores, max_points))
    for j, s in enumerate(stats):
        item = [float(row[j]) for row in scores]
        rest = [float(sum(row) - row[j]) for row in scores]
        assert s.discrimination == pytest.approx(statistics.correlation(item, rest))


def test_discrimination_by_hand() -> None:
    # DICHO item 1: x = 1,1,1,1,0 (mean .8), rest = 2,1,1,0,0 (mean .8)
    # Σdx·dy = .2·1.2 + .2·.2 + .2·.2 + .2·(-.8) + (-.8)(-.8) = .24+.04+.04-.16+.64 = .8
    # Σdx² = 4·.04 + .64 = .8;  Σdy² = 1.44+.04+.04+.64+.64 = 2.8
    # r = .8 / sqrt(.8 · 2.8) = 1/sqrt(3.5) = 0.534522...
    stats = reports.item_stats(batch_of(DICHO, [1.0, 1.0, 1.0]))
    assert stats[0].discrimination == pytest.approx(1 / math.sqrt(3.5))


def test_undefined_statistics_are_nan() -> None:
    # Q1 everyone right: no variance, so no correlation; max 0 has no difficulty
    stats = reports.item_stats(batch_of([[1, 0, 1], [1, 0, 0], [1, 0, 1]], [1.0, 0.0, 1.0]))
    assert stats[0].difficulty == 1.0
    assert math.isnan(stats[0].discrimination)
    assert math.isnan(stats[1].difficulty)
    one_item = reports.summarize(batch_of([[1], [0]], [1.0]))
    assert math.isnan(one_item.cronbach_alpha)          # k < 2
    flat = reports.summarize(batch_of([[1, 0], [0, 1]], [1.0, 1.0]))
    assert math.isnan(flat.cronbach_alpha)              # every total is 1


def test_summary_of_the_mixed_batch() -> None:
    s = reports.summarize(batch_of(MIXED, MIXED_MAX))
    # totals 5, 4, 3, 1, 2: mean 3, median 3, Σ(dev²) = 4+1+0+4+1 = 10, variance 2
    assert (s.n, s.mean, s.median, s.min, s.max, s.max_total) == (5, 3.0, 3.0, 1.0, 5.0, 5.0)
    assert s.std == pytest.approx(math.sqrt(2))
    assert s.mean_percent == pytest.approx(60.0)
    # item variances: Q1 (2,2,1,0,2) → 3.2/5 = .64; Q2 (1,1,0,1,0) → .6·.4 = .24;
    # Q3 (2,1,2,0,0) → 4/5 = .8; Σ = 1.68.  alpha = 3/2 · (1 - 1.68/2) = 1.5 · .16 = .24
    assert s.cronbach_alpha == pytest.approx(0.24)
    assert s.kr20 is None                               # Q1 and Q3 have partial credit
    assert statistics.pstdev([5, 4, 3, 1, 2]) == pytest.approx(s.std)


def test_kr20_and_alpha_of_a_dichotomous_matrix() -> None:
    s = reports.summarize(batch_of(DICHO, [1.0, 1.0, 1.0]))
    # p = .8, .4, .4;  Σpq = .16 + .24 + .24 = .64
    # totals 3, 2, 2, 1, 0: mean 1.6, Σ(dev²) = 1.96+.16+.16+.36+2.56 = 5.2, variance 1.04
    # KR-20 = 3/2 · (1 - .64/1.04) = 1.5 · .4/1.04 = 15/26 = 0.576923...
    assert s.kr20 == pytest.approx(15 / 26)
    assert s.cronbach_alpha == pytest.approx(15 / 26)   # alpha = KR-20 on 0/1 items


def test_kr20_counts_right_answers_when_items_are_worth_more_than_one_point() -> None:
    # item 1 worth 2 points (scores 0 or 2): still dichotomous, KR-20 on right/wrong is 15/26.
    # alpha on points: item 1 (2,2,2,2,0) → var 4·.16 = .64, then .24, .24: Σ = 1.12;
    # totals 4,3,3,2,0: mean 2.4, Σ(dev²) = 2.56+.36+.36+.16+5.76 = 9.2, var 1.84;
    # alpha = 1.5 · (1 - 1.12/1.84) = 1.5 · .72/1.84 = 27/46
    scores = [[2 * r[0], r[1], r[2]] for r in DICHO]
    s = reports.summarize(batch_of(scores, [2.0, 1.0, 1.0]))
    assert s.kr20 == pytest.approx(15 / 26)
    assert s.cronbach_alpha == pytest.approx(27 / 46)


def test_histogram_bins_of_percent_scores() -> None:
    # MIXED percents: 100, 80, 60, 20, 40 (100 goes into the last bin)
    s = reports.summarize(batch_of(MIXED, MIXED_MAX))
    assert len(s.histogram) == 10
    assert [(lo, hi) for lo, hi, _ in s.histogram] == [(10.0 * i, 10.0 * (i + 1)) for i in range(10)]
    assert [c for _, _, c in s.histogram] == [0, 0, 1, 0, 1, 0, 1, 0, 1, 1]
    # bin edges: 0 % and 9.99 % → bin 0, 10 % → bin 1, 90 % → bin 9
    edges = reports.summarize(batch_of([[0], [999], [1000], [9000]], [10000.0]))
    assert [c for _, _, c in edges.histogram] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 1]


def test_empty_batch_summarizes_without_warnings() -> None:
    empty = GradeBatch("t", "f.csv", ("Q1", "Q2"), (1.0, 1.0), ())
    s = reports.summarize(empty)
    assert s.n == 0 and math.isnan(s.mean) and math.isnan(s.cronbach_alpha) and s.kr20 is None
    assert sum(c for _, _, c in s.histogram) == 0
    assert all(math.isnan(i.mean) for i in reports.item_stats(empty))


def test_top_wrong_answers_counted_by_normalized_form_then_ordered() -> None:
    wrong = ["b", "b", "a", "c", "a", "c", "d", "e", "f"]
    answers = [answer(f"s{i}", "Q1", 0, 1, response=f"  {w} ") for i, w in enumerate(wrong)]
    answers += [
        answer("n1", "Q1", 0, 1, response="B.", normalized="b"),       # groups with "b"
        answer("p1", "Q1", 0.5, 1, response="zz"),                       # partial counts as wrong
        answer("p2", "Q1", 0.5, 1, response="zz"),
        answer("k1", "Q1", 1, 1, response="right"),                      # correct: not listed
        answer("k2", "Q1", 0, 1, response="", outcome=Outcome.BLANK),
        answer("k3", "Q1", 0, 1, response="1..2", outcome=Outcome.FORMAT_ERROR),
    ]
    students = tuple(StudentGrade(a.student_id, "", (i + 2,), (a,)) for i, a in enumerate(answers))
    [s] = reports.item_stats(GradeBatch("t", "f.csv", ("Q1",), (1.0,), students))
    # b: 2 + "B." normalized = 3; then a, c, zz with 2 each (by text); d, e, f tie at 1 → d
    assert s.top_wrong == (("b", 3), ("a", 2), ("c", 2), ("zz", 2), ("d", 1))
    assert (s.blank, s.format_errors) == (1, 1)


def test_misconceptions_and_review_counts() -> None:
    answers = [answer("s1", "Q1", 0, 1, misconception="forgot-bias"),
               answer("s2", "Q1", 0, 1, misconception="transpose"),
               answer("s3", "Q1", 0, 1, misconception="transpose", needs_review=True),
               answer("s4", "Q1", 1, 1)]
    students = tuple(StudentGrade(a.student_id, "", (i + 2,), (a,)) for i, a in enumerate(answers))
    [s] = reports.item_stats(GradeBatch("t", "f.csv", ("Q1",), (1.0,), students))
    assert s.misconceptions == (("transpose", 2), ("forgot-bias", 1))
    assert s.needs_review == 1


def test_review_list_in_student_then_column_order() -> None:
    s1 = StudentGrade("s1", "", (2,), (
        answer("s1", "Q3", 0, 1, needs_review=True),
        answer("s1", "Q1", 0, 1, outcome=Outcome.FORMAT_ERROR),
        answer("s1", "Q2", 1, 1)))
    s2 = StudentGrade("s2", "", (3,), (
        answer("s2", "Q2", 0.5, 1, needs_review=True),
        answer("s2", "Q1", 1, 1)))
    s3 = StudentGrade("s3", "", (4,), (answer("s3", "Q1", 1, 1),))
    b = GradeBatch("t", "f.csv", ("Q1", "Q2", "Q3"), (1.0, 1.0, 1.0), (s1, s2, s3))
    assert [(a.student_id, a.column) for a in reports.review_list(b)] == [
        ("s1", "Q1"), ("s1", "Q3"), ("s2", "Q2")]


@pytest.mark.parametrize("cell, expected", [
    ("=SUM(A1)", "'=SUM(A1)"),
    ("@x", "'@x"),
    ("+cmd", "'+cmd"),
    ("-2+3", "'-2+3"),
    ("\tx", "'\tx"),
    ("\r=1", "'\r=1"),
    ("-0.5", "-0.5"),
    ("+3", "+3"),
    ("-1e-3", "-1e-3"),
    ("", ""),
    ("정답", "정답"),
    ("0.5", "0.5"),
    ("a=b", "a=b"),
])
def test_csv_safe(cell: str, expected: str) -> None:
    assert csv_safe(cell) == expected


def test_histogram_svg_is_plain_shapes() -> None:
    svg = reports.histogram_svg(reports.summarize(batch_of(MIXED, MIXED_MAX)))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "script" not in svg.lower() and "on" + "load" not in svg
    assert svg.count("<rect") == 5                      # five non-empty bins
    assert ">100</text>" in svg and ">0</text>" in svg


def hostile_batch() -> GradeBatch:
    attack = "<script>alert(1)</script>"
    s1 = StudentGrade("s1", "", (2,), (
        answer("s1", "Q_attn", 0, 2, response=attack, needs_review=True, feedback="<b>x</b>"),
        answer("s1", "Q_rnn", 1, 1)))
    s2 = StudentGrade("s2", "", (3,), (
        answer("s2", "Q_attn", 2, 2, response="정답"),
        answer("s2", "Q_rnn", 0, 1, response="1..2", outcome=Outcome.FORMAT_ERROR)))
    return GradeBatch("중간고사 <i>", "responses.csv", ("Q_attn", "Q_rnn"), (2.0, 1.0), (s1, s2),
                      rejected=(RejectedRow(7, "<img src=x>", "unknown student id", "raw"),),
                      notices=("ignored columns: timestamp",))


def test_report_html_escapes_student_text() -> None:
    html = reports.render_report_html(hostile_batch())
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x>" not in html and "<b>x</b>" not in html and "중간고사 <i>" not in html
    assert "Q_attn" in html and "Q_rnn" in html
    assert "채점 보고서" in html and "<svg" in html
    assert "ignored columns: timestamp" in html and "unknown student id" in html


def test_report_html_in_english_and_nan_as_dash() -> None:
    html = reports.render_report_html(batch_of([[1, 0], [0, 1]], [1.0, 1.0]), lang="en")
    assert "Grading report" in html and "채점 보고서" not in html
    num = report_html.environment().filters["num"]
    assert num(math.nan) == "—" and num(None) == "—" and num(0.5) == "0.50" and num(-0.001) == "0.00"


def test_report_pdf_is_a_pdf() -> None:
    from examgen.render.fonts import find_hangul_font

    try:
        find_hangul_font()
    except ExamgenError as e:
        pytest.skip(f"no Hangul font installed: {e}")
    pdf = reports.render_report_pdf(reports.render_report_html(hostile_batch()))
    assert pdf.startswith(b"%PDF")


def test_report_pdf_from_a_forked_process_is_the_same_pdf() -> None:
    from examgen.jobs.pools import typesetter

    html = reports.render_report_html(batch_of(MIXED, MIXED_MAX))
    with typesetter(fork=True) as forked, typesetter(fork=False) as here:
        pdfs = forked(html)(), here(html)()
    assert pdfs[0].startswith(b"%PDF") and pdfs[0] == pdfs[1]


def _shuffled_batch() -> GradeBatch:
    """Copies that shuffle their questions: s1, s2 meet qA (2 points) in Q1 and qB (1 point)
    in Q2; s3, s4 the other way round. Everyone meets the two parts of qC in Q3a, Q3b."""
    def a(sid: str, col: str, qid: str, pts: float, top: float) -> AnswerGrade:
        return AnswerGrade(sid, col, qid, "x", pts, top, Outcome.CORRECT if pts == top
                           else Outcome.WRONG if pts == 0 else Outcome.PARTIAL)
    rows = [("s1", [("Q1", "qA", 2, 2), ("Q2", "qB", 0, 1)]),
            ("s2", [("Q1", "qA", 0, 2), ("Q2", "qB", 1, 1)]),
            ("s3", [("Q1", "qB", 1, 1), ("Q2", "qA", 2, 2)]),
            ("s4", [("Q1", "qB", 0, 1), ("Q2", "qA", 1, 2)])]
    c_parts = {"s1": (1, 1), "s2": (0, 0), "s3": (1, 0), "s4": (1, 1)}
    students = tuple(
        StudentGrade(sid, "", (i + 2,), tuple(a(sid, *x) for x in answers)
                     + (a(sid, "Q3a", "qC", c_parts[sid][0], 1),
                        a(sid, "Q3b", "qC", c_parts[sid][1], 1)))
        for i, (sid, answers) in enumerate(rows))
    # the columns' max points as the first copy has them (what the old per-column report used)
    return GradeBatch("t", "f.csv", ("Q1", "Q2", "Q3a", "Q3b"), (2.0, 1.0, 1.0, 1.0), students)


def test_items_gather_a_question_across_the_columns_it_sat_in() -> None:
    stats = reports.item_stats(_shuffled_batch())
    assert [(s.label, s.question_id, s.columns) for s in stats] == [
        ("qA", "qA", ("Q1", "Q2")), ("qB", "qB", ("Q1", "Q2")),
        ("Q3a", "qC", ("Q3a",)), ("Q3b", "qC", ("Q3b",))]
    qa, qb = stats[0], stats[1]
    # qA: 2, 0, 2, 1 of 2 -> mean 1.25, difficulty .625; qB: 0, 1, 1, 0 of 1 -> .5
    assert (qa.max_points, qa.mean, qa.difficulty) == (2.0, 1.25, 0.625)
    assert (qb.max_points, qb.mean, qb.difficulty) == (1.0, 0.5, 0.5)
    # totals (qA + qB + both qC parts) 2+0+2 = 4, 0+1+0 = 1, 2+1+1 = 4, 1+0+2 = 3;
    # the rest of qA is 2, 1, 2, 2
    assert qa.discrimination == pytest.approx(statistics.correlation([2, 0, 2, 1], [2, 1, 2, 2]))
    s = reports.summarize(_shuffled_batch())
    assert s.max_total == 5.0          # 2 + 1 + 1 + 1, whatever column each question sat in
    assert s.n == 4 and s.mean == pytest.approx(12 / 4)


def test_a_moving_multi_part_question_is_labelled_by_id_and_part() -> None:
    b = _shuffled_batch()
    # s4 met qC first: its two parts sat in Q1a/Q1b-like columns of its own copy
    s4 = b.students[3]
    moved = tuple(AnswerGrade(a.student_id, {"Q3a": "Q1", "Q1": "Q3a"}.get(a.column, a.column),
                              a.question_id, a.response, a.points, a.max_points, a.outcome)
                  for a in s4.answers)
    b = GradeBatch(b.title, b.source, b.columns, b.max_points,
                   b.students[:3] + (StudentGrade("s4", "", (5,), moved),))
    labels = [s.label for s in reports.item_stats(b)]
    assert labels == ["qA", "qB", "qC (a)", "Q3b"]


# wrong short answers in Korean, long enough to wrap in the report's narrow "top wrong" column
KOREAN_WRONG = ["셀 상태는 학습하는 동안에만 계산되고 예측할 때에는 은닉 상태 하나만 계산된다",
                "게이트 값은 항상 영 아니면 일이므로 역전파로는 학습되지 않고 규칙으로 정해진다",
                "기울기 자르기의 임계값을 충분히 작게 잡으면 기울기 소실 문제가 해결된다"]


def korean_wrong_batch(**kw: object) -> GradeBatch:
    """Six students, each with one of :data:`KOREAN_WRONG` as their wrong answer to Q1;
    ``kw`` goes to each answer."""
    answers = [answer(f"s{i}", "Q1", 0, 2, response=KOREAN_WRONG[i % 3], **kw)
               for i in range(6)]
    return GradeBatch("중간고사", "r.csv", ("Q1",), (2.0,), tuple(
        StudentGrade(a.student_id, "", (i + 2,), (a,)) for i, a in enumerate(answers)))


def test_report_pdf_breaks_korean_lines_between_words(tmp_path: Path) -> None:
    from examgen.render.fonts import find_hangul_font

    try:
        find_hangul_font()
    except ExamgenError as e:
        pytest.skip(f"no Hangul font installed: {e}")
    batch = korean_wrong_batch()
    text = pdf_text(reports.render_report_pdf(reports.render_report_html(batch)), tmp_path)
    words = {w for s in KOREAN_WRONG for w in s.split()}
    wrapped = [s for s in KOREAN_WRONG if s.split()[-1] in text and s not in text]
    assert len(wrapped) == 3                    # each answer runs over several lines ...
    assert line_breaks_inside_words(text, words) == []      # ... that break between words


def test_keep_korean_words_wraps_text_words_only() -> None:
    from examgen.render.pdf import KEEP_WORD_MAX, keep_korean_words

    long = "가" * (KEEP_WORD_MAX + 1)
    html = ('<html><head><title>채점 보고서</title><style>p::after { content: "점수" }</style>'
            '</head><body data-title="시퀀스 모델"><p>셀 상태(cell)는 a&amp;b가 <b>변형</b> '
            f'없이 x {long}</p><svg><text>영 점</text></svg><pre>그대로 둔다</pre>'
            '<p>끝.</p></body></html>')
    k = '<span class="keep-word">'
    assert keep_korean_words(html) == (
        '<html><head><title>채점 보고서</title><style>p::after { content: "점수" }</style>'
        f'</head><body data-title="시퀀스 모델"><p>{k}셀</span> {k}상태(cell)는</span> '
        f'{k}a&amp;b가</span> <b>{k}변형</span></b> {k}없이</span> x {long}</p>'
        '<svg><text>영 점</text></svg><pre>그대로 둔다</pre>'
        f'<p>{k}끝.</span></p></body></html>')
