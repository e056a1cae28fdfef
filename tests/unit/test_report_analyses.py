"""The report's analyses (issue 14): distractors by option, never by printed letter; scores by
form and by variant with a Kruskal–Wallis test; a self-contained styled report with
deterministic plots; and the feedback pages handed back to students."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

from examgen import reports
from examgen.jobs import grade_files
from examgen.model import AnswerGrade, GradeBatch, Outcome, StudentGrade
from examgen.reports import by_form, by_variant
from tests.e2e.test_grade import correct_answers
from tests.unit.grading.realclass import make_class

ROSTER = [("20260001", "김민준"), ("20260002", "이서연"), ("20260003", "박도윤")]


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_class(tmp_path_factory.mktemp("class"), ROSTER)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def same_wrong_option(m: dict) -> tuple[str, dict[str, tuple[str, str]]]:
    """A choice question and, per student, its column and the letter of one wrong option (the
    same text) on their copy, chosen where the letters differ between copies."""
    copies = {c["copy_id"]: c for c in m["copies"]}
    for q0 in copies[ROSTER[0][0]]["questions"]:
        if q0["variant"]["parts"][0]["kind"] != "single_choice":
            continue
        mine = {sid: next(q for q in copies[sid]["questions"]
                          if q["template_id"] == q0["template_id"]) for sid, _ in ROSTER}
        for o in q0["variant"]["parts"][0]["options"]:
            if o["correct"]:
                continue
            where = {sid: (q["columns"][0], next((x["key"] for x in q["variant"]["parts"][0][
                "options"] if x["text"] == o["text"]), "")) for sid, q in mine.items()}
            if all(k for _, k in where.values()) and len({k for _, k in where.values()}) > 1:
                return q0["template_id"], where
    pytest.skip("no choice question whose wrong option moved between copies")


def test_distractors_are_counted_by_option_not_by_letter(manifest: Path, tmp_path: Path) -> None:
    m = json.loads(manifest.read_text(encoding="utf-8"))
    qid, where = same_wrong_option(m)
    rows = [["student_id", *m["columns"]]]
    for sid, _ in ROSTER:
        answers = correct_answers(m, sid)
        col, letter = where[sid]
        answers[col] = letter
        rows.append([sid, *(answers[c] for c in m["columns"])])
    run = grade_files(write_csv(tmp_path / "r.csv", rows), manifest=manifest,
                      out=tmp_path / "out", pdf=False)
    from examgen.reports import distractors

    (item,) = [d for d in distractors(run.batch) if d.question_id == qid]
    top = item.options[0]
    assert (top.count, top.correct) == (len(ROSTER), False)   # one option, whatever its letter
    stats = next(s for s in reports.item_stats(run.batch) if s.question_id == qid)
    assert stats.top_wrong == ((top.text, len(ROSTER)),)      # its text, not "C (2)"
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "선택지 분석 / Distractor analysis" in html


def student(sid: str, percent: float, form: str = "", variant: str = "",
            qid: str = "q") -> StudentGrade:
    a = AnswerGrade(sid, "Q1", qid, "x", percent / 10, 10.0, Outcome.PARTIAL, variant=variant)
    return StudentGrade(sid, "", (2,), (a,), form=form)


def batch(students: list[StudentGrade]) -> GradeBatch:
    return GradeBatch("t", "r.csv", ("Q1",), (10.0,), tuple(students))


def test_forms_that_differ_are_flagged_with_the_kruskal_wallis_test() -> None:
    apart = batch([student(f"a{k}", 90 + k, "A") for k in range(5)]
                  + [student(f"b{k}", 10 + k, "B") for k in range(5)])
    c = by_form(apart)
    assert c is not None and [g for g, _ in c.groups] == ["A", "B"]
    # by hand: ranks 6..10 and 1..5, N = 10: H = 12/110 (40²/5 + 15²/5) - 33 = 6.818;
    # p = P(chi² with 1 df > 6.818) = 0.0090
    assert c.statistic == pytest.approx(6.8182, abs=1e-3)
    assert c.p_value == pytest.approx(0.00902, abs=1e-4) and c.differ
    mixed = batch([student(f"s{k}", 50 + 10 * (k % 3), "AB"[k % 2]) for k in range(10)])
    assert not by_form(mixed).differ   # type: ignore[union-attr]
    assert by_form(batch([student("s", 50)])) is None   # not forms mode


def test_variants_group_by_a_parameter_when_every_student_has_their_own() -> None:
    people = [student(f"s{k}", 100 if k % 2 else 0, variant=json.dumps(
        {"bias": "two" if k % 2 else "none", "seed_param": k}, sort_keys=True), qid="lstm")
        for k in range(10)]
    (c,) = by_variant(batch(people))
    assert (c.name, c.grouping) == ("lstm", "bias")   # seed_param has 10 values: no grouping
    assert [g for g, _ in c.groups] == ["none", "two"] and c.differ


def test_report_is_self_contained_styled_and_deterministic(manifest: Path, tmp_path: Path
                                                          ) -> None:
    m = json.loads(manifest.read_text(encoding="utf-8"))
    rows = [["student_id", *m["columns"]]] + [
        [sid, *(correct_answers(m, sid)[c] if k else "" for c in m["columns"])]
        for k, (sid, _) in enumerate(ROSTER)]
    run = grade_files(write_csv(tmp_path / "r.csv", rows), manifest=manifest,
                      out=tmp_path / "out", pdf=False)
    html = reports.render_report_html(run.batch)
    assert html == reports.render_report_html(run.batch)
    assert "<style>" in html and "table.data" in html and "@media screen" in html
    assert not re.search(r"<link|<script|src=\"https?:", html)
    assert html.count("<svg") >= 2 and "<dc:date>" not in html
    assert "결시 / Absent" in html


def test_feedback_pages_show_answers_key_misconception_and_solution(manifest: Path,
                                                                    tmp_path: Path) -> None:
    m = json.loads(manifest.read_text(encoding="utf-8"))
    copy = next(c for c in m["copies"] if c["copy_id"] == "20260001")
    answers = correct_answers(m, "20260001")
    wrong_col = mis = None
    for q in copy["questions"]:
        for col, p in zip(q["columns"], q["variant"]["parts"], strict=True):
            if p["kind"] == "numeric" and p.get("misconceptions") and wrong_col is None:
                mis = p["misconceptions"][0]
                wrong_col = col
                answers[col] = f"{float(mis['value']):.{p.get('decimals') or 0}f}"
    assert wrong_col is not None and mis is not None
    rows = [["student_id", *m["columns"]], ["20260001", *(answers[c] for c in m["columns"])]]
    grade_files(write_csv(tmp_path / "r.csv", rows), manifest=manifest, out=tmp_path / "out",
                pdf=False, feedback=True)
    pages = sorted(p.name for p in (tmp_path / "out" / "feedback").iterdir())
    assert pages == ["20260001.html"]
    page = (tmp_path / "out" / "feedback" / "20260001.html").read_text(encoding="utf-8")
    assert "Your graded exam" in page and "<style>" in page
    assert f"Misconception — {mis['id']}" in page
    assert "풀이 / Worked solutions" in page and "0 / " in page
    assert answers[wrong_col] in page


def test_top_wrong_answers_typeset_option_math_and_leave_typed_text_alone() -> None:
    """A chosen option's text is the bank's (its $...$ is a formula); what a student typed is
    printed as typed, dollar signs and all."""
    from examgen.model import ChosenOption
    from examgen.reports import render_report_html

    option = ChosenOption("$W_{hh}$만 곱해진다", correct=False)
    people = [StudentGrade(f"s{k}", "", (2,), (AnswerGrade(
        f"s{k}", "Q1", "q", "B", 0.0, 10.0, Outcome.WRONG, chosen=(option,)),)) for k in range(3)]
    people.append(StudentGrade("t", "", (2,), (AnswerGrade(
        "t", "Q1", "q", "$5 $x$", 0.0, 10.0, Outcome.WRONG),)))
    stats = reports.item_stats(batch(people))[0]
    assert stats.top_wrong == ((option.text, 3), ("$5 $x$", 1))
    assert stats.chosen_options == {option.text}
    html = render_report_html(batch(people))
    row = html[html.index('<td class="resp">'):]
    row = row[: row.index("</td>")]
    assert "$W_{hh}$" not in row and "<img" in row and "만 곱해진다" in row
    assert "$5 $x$" in row


def _points(svg: str) -> list[tuple[str, str]]:
    """The places of the grey markers (strips' points and outliers): matplotlib writes each
    scatter point as a <use> (the axes' ticks too, in black)."""
    return re.findall(r'<use xlink:href="#[^"]+" x="([^"]+)" y="([^"]+)" style="fill: '
                      r'(?:#666666|none); (?:fill-opacity: 0.7; )?stroke: #666666', svg)


def test_a_box_strip_draws_each_place_once() -> None:
    from examgen.reports.analysis import Comparison
    from examgen.reports.plots import by_group_svg

    # lanes of the k-th score: k mod 5. 50 % seven times takes lanes 0-4 (0 and 1 twice),
    # 100 % three times lanes 0-2 of its own height: 8 places, where 10 points were drawn
    small = Comparison("t", "form", (("A", (50.0,) * 7 + (100.0,) * 3),), 0.0, float("nan"))
    points = _points(by_group_svg([small]))
    assert len(points) == 8 and len(set(points)) == 8


def test_a_big_class_shows_its_boxes_outliers_each_once() -> None:
    from examgen.reports.analysis import Comparison
    from examgen.reports.plots import STRIP_MAX, by_group_svg

    rng = np.random.default_rng(3)
    # 10,000 scores in whole percents from 60 to 80: a strip of 5 lanes x 21 heights fits
    whole = tuple(float(s) for s in rng.integers(60, 81, 10_000))
    assert len(_points(by_group_svg([Comparison("t", "form", (("A", whole),), 1.0, 0.5)]))) \
        == 5 * 21 <= STRIP_MAX
    # in quarter percents it would not (5 x 81 places): the box shows its outliers instead,
    # 3 students at 0 % and 2 at 5 %, far below the box (about 65-75 %; the fence 1.5 IQR
    # lower): 2 places per box, each drawn once
    quarter = tuple(float(s) / 4 for s in rng.integers(240, 321, 9_995)) + (0, 0, 0, 5, 5)
    big = Comparison("t", "form", (("A", quarter), ("B", quarter[::-1])), 1.0, 0.5)
    svg = by_group_svg([big])
    assert sorted(y for _, y in _points(svg))[::2] == sorted(y for _, y in _points(svg))[1::2]
    assert len(_points(svg)) == 4 and len(svg) < 40_000


def test_feedback_page_names_the_form_as_koreans_write_it() -> None:
    from examgen.reports import render_feedback_html

    grade = StudentGrade("20260001", "민지", (2,), (), form="B")
    page = render_feedback_html(grade, (), "중간고사")
    assert "20260001 민지 · B형 / form B" in page and "· 형 / form" not in page
