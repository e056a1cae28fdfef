"""Grading the files real classes produce (issue 14): Korean and Google Forms headers, forms
graded by their ``form`` column, KEY.csv numbers without a tolerance, absent students and id
typos, choices answered by their option text, the floor under negative marking, and Excel
workbooks. Each test failed on the grader before that issue."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from examgen.errors import SubmissionError
from examgen.jobs import grade_files
from tests.e2e.test_grade import correct_answers
from tests.unit.grading.realclass import make_class

ROSTER = [("20260001", "김민준"), ("20260002", "이서연"), ("20260003", "박도윤"),
          ("20260004", "최지우")]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.fixture(scope="module")
def per_student(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_class(tmp_path_factory.mktemp("class"), ROSTER)


@pytest.fixture(scope="module")
def forms_class(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_class(tmp_path_factory.mktemp("forms"), ROSTER, spec_extra="mode: forms\nforms: 2\n")


def load(manifest: Path) -> dict:
    return json.loads(manifest.read_text(encoding="utf-8"))


def percents(out: Path) -> dict[str, float]:
    return {r["student_id"]: float(r["percent"]) for r in read_csv(out / "grades.csv")}


# -- headers ---------------------------------------------------------------------------------

def korean_header(column: str, k: int) -> str:
    """A header as Korean and Google Forms exports write ``column`` (Q8a -> 8번(a), ...)."""
    number, part = column[1:].rstrip("abcdefgh"), column[1:].lstrip("0123456789")
    styles = [f"{number}번", f"문항 {number}", f"{number}. 답을 쓰시오", f"Question {number}",
              f"{number})", f"Q{number}. compute it"]
    if part:
        styles = [f"{number}번({part})", f"{number}({part})", f"{number}-{part}",
                  f"Q{number} ({part})", f"{number}{part}"]
    header = styles[k % len(styles)]
    return header.translate(str.maketrans("0123456789", "０１２３４５６７８９")) if k % 4 == 3 \
        else header


def test_korean_and_google_forms_headers_are_mapped(per_student: Path, tmp_path: Path) -> None:
    m = load(per_student)
    cols = m["columns"]
    header = ["Timestamp", "이메일 주소", "학번", "이름",
              *(korean_header(c, k) for k, c in enumerate(cols))]
    rows = [header] + [["2026-12-08 10:00", f"s{sid}@example.ac.kr", sid, name,
                        *(correct_answers(m, sid)[c] for c in cols)] for sid, name in ROSTER]
    run = grade_files(write_csv(tmp_path / "r.csv", rows), manifest=per_student,
                      out=tmp_path / "out", pdf=False)
    assert percents(tmp_path / "out") == {sid: 100.0 for sid, _ in ROSTER}
    notice = next(n for n in run.batch.notices if n.startswith("read question columns"))
    assert "'1번' → Q1" in notice and "→ Q8a" in notice


def test_no_question_column_is_an_error_naming_both_sides(per_student: Path,
                                                          tmp_path: Path) -> None:
    rows = [["학번", "이름", "첫째 답", "둘째 답"], ["20260001", "김민준", "B", "A"]]
    with pytest.raises(SubmissionError) as e:
        grade_files(write_csv(tmp_path / "r.csv", rows), manifest=per_student,
                    out=tmp_path / "out", pdf=False)
    message = str(e.value)
    assert "no question column" in message and "Q1, Q2" in message and "'첫째 답'" in message
    assert not (tmp_path / "out" / "grades.csv").exists()


# -- forms -----------------------------------------------------------------------------------

@pytest.mark.parametrize("form_header", ["form", "시험지 유형"])
def test_forms_are_graded_by_the_form_each_row_names(forms_class: Path, tmp_path: Path,
                                                     form_header: str) -> None:
    m = load(forms_class)
    assigned = {s["student_id"]: s["form"] for s in m["students"]}
    cols = m["columns"]
    spelled = {"A": ["a", "Form A", "A형", "형 A"], "B": ["B", "form b", "B형", "형 B"]}
    rows = [["student_id", form_header, *cols]]
    for k, (sid, _) in enumerate(ROSTER):
        sat = "B" if assigned[sid] == "A" else "A"   # everyone sat the other form
        rows.append([sid, spelled[sat][k], *correct_answers(m, f"form-{sat}").values()])
    rows.append(["20269999", "B", *correct_answers(m, "form-B").values()])   # a walk-in
    rows.append(["20260004", "Z", *correct_answers(m, "form-A").values()])
    run = grade_files(write_csv(tmp_path / "r.csv", rows), manifest=forms_class,
                      out=tmp_path / "out", pdf=False)
    assert percents(tmp_path / "out") == {sid: 100.0 for sid in [*assigned, "20269999"]}
    walk_in = next(s for s in run.batch.students if s.student_id == "20269999")
    assert walk_in.form == "B" and any("not on the roster" in f for f in walk_in.flags)
    (bad,) = [r for r in run.batch.rejected if r.student_id == "20260004"]
    assert bad.row == 7 and "form 'Z' is not one of A, B" in bad.reason


def test_without_a_form_column_the_manifest_assigns_the_form(forms_class: Path,
                                                             tmp_path: Path) -> None:
    m = load(forms_class)
    rows = [["student_id", *m["columns"]]]
    rows += [[s["student_id"], *correct_answers(m, s["copy"]).values()] for s in m["students"]]
    run = grade_files(write_csv(tmp_path / "r.csv", rows), manifest=forms_class,
                      out=tmp_path / "out", pdf=False)
    assert set(percents(tmp_path / "out").values()) == {100.0}
    assert any("no form column" in n for n in run.batch.notices)


# -- KEY.csv numbers -------------------------------------------------------------------------

def test_a_key_number_without_tolerance_is_exact_or_rounds_to_its_decimals(tmp_path: Path
                                                                         ) -> None:
    key = write_csv(tmp_path / "KEY.csv", [["question_id", "type", "answer", "points"],
                                           ["Q1", "numeric", "263168", "1"],
                                           ["Q2", "numeric", "0.532", "1"]])
    rows = [["student_id", "Q1", "Q2"], ["s1", "262144", "0.5324"], ["s2", "263168", "0.534"],
            ["s3", "263168.0", "0.5316"]]
    grade_files(write_csv(tmp_path / "r.csv", rows), key=key, out=tmp_path / "out", pdf=False)
    by = {(r["student_id"], r["question_id"]): float(r["points"])
          for r in read_csv(tmp_path / "out" / "details.csv")}
    assert by[("s1", "Q1")] == 0.0     # the forgot-the-bias answer
    assert by[("s2", "Q1")] == by[("s3", "Q1")] == 1.0
    assert by[("s1", "Q2")] == by[("s3", "Q2")] == 1.0   # rounds to 0.532
    assert by[("s2", "Q2")] < 1.0                         # 0.534 does not


# -- roster checks ---------------------------------------------------------------------------

def test_absent_students_id_typos_names_and_blank_rows(per_student: Path,
                                                       tmp_path: Path) -> None:
    m = load(per_student)
    cols = m["columns"]
    rows = [["student_id", "name", *cols],
            ["20260001", "김민준", *correct_answers(m, "20260001").values()],
            # 이서연 typed 김민준's id: a duplicate of 20260001 whose name is 20260002's
            ["20260001", "이서연", *correct_answers(m, "20260002").values()],
            ["20260003", "박도윤", *[""] * len(cols)],
            ["20260004", "최지호", *correct_answers(m, "20260004").values()]]
    run = grade_files(write_csv(tmp_path / "r.csv", rows), manifest=per_student,
                      out=tmp_path / "out", pdf=False)
    assert read_csv(tmp_path / "out" / "absent.csv") == [{"student_id": "20260002",
                                                          "name": "이서연"}]
    assert run.batch.absent == (("20260002", "이서연"),)
    flags = {s.rows[0]: "; ".join(s.flags) for s in run.batch.students}
    assert "probable id typo" in flags[3] and "20260001" in flags[3] and "20260002" in flags[3]
    assert "probable id typo" not in flags[2]
    assert "blank submission" in flags[4]
    assert "'최지호' differs from the roster's '최지우'" in flags[5]


# -- option text -----------------------------------------------------------------------------

def test_choices_answered_by_their_option_text(per_student: Path, tmp_path: Path) -> None:
    m = load(per_student)
    cols = m["columns"]
    rows = [["student_id", *cols]]
    for k, (sid, _) in enumerate(ROSTER):
        answers = correct_answers(m, sid)
        copy = next(c for c in m["copies"] if c["copy_id"] == sid)
        for q in copy["questions"]:
            for col, part in zip(q["columns"], q["variant"]["parts"], strict=True):
                if part["kind"] not in ("single_choice", "multiple_choice"):
                    continue
                right = [o for o in part["options"] if o["correct"]]
                texts = [o["text"]["ko"] if k % 2 else o["text"]["en"] for o in right]
                if part["kind"] == "multiple_choice":
                    answers[col] = (";" if k % 2 else ", ").join(texts)
                elif k % 2:
                    answers[col] = f"{right[0]['key']}. {texts[0]}".replace("-", "\u2212")
                else:
                    answers[col] = texts[0]
        rows.append([sid, *(answers[c] for c in cols)])
    grade_files(write_csv(tmp_path / "r.csv", rows), manifest=per_student,
                out=tmp_path / "out", pdf=False)
    assert percents(tmp_path / "out") == {sid: 100.0 for sid, _ in ROSTER}


def test_key_csv_choices_listed_as_texts_are_read_from_option_text(tmp_path: Path) -> None:
    key = write_csv(tmp_path / "KEY.csv", [
        ["question_id", "type", "answer", "points", "choices"],
        ["Q1", "choice", "B", "1", "one-to-many;many-to-one;many-to-many"],
        ["Q2", "multi", "A;C", "1", "LSTM;RNN;GRU;MLP"]])
    rows = [["student_id", "Q1", "Q2"], ["s1", "many-to-one", "LSTM, GRU"],
            ["s2", "B. Many-to-one", "LSTM;GRU"], ["s3", "one-to-many", "RNN"]]
    grade_files(write_csv(tmp_path / "r.csv", rows), key=key, out=tmp_path / "out", pdf=False)
    assert percents(tmp_path / "out") == {"s1": 100.0, "s2": 100.0, "s3": 0.0}


# -- the floor -------------------------------------------------------------------------------

def test_negative_marking_floors_the_total_at_zero(tmp_path: Path) -> None:
    key = write_csv(tmp_path / "KEY.csv", [["question_id", "type", "answer", "points", "negative"],
                                           ["Q1", "choice", "A", "2", "0.5"],
                                           ["Q2", "choice", "B", "2", "0.5"]])
    rows = [["student_id", "Q1", "Q2"], ["s1", "C", "C"]]
    run = grade_files(write_csv(tmp_path / "r.csv", rows), key=key, out=tmp_path / "out",
                      pdf=False)
    assert run.batch.students[0].raw_total == -2.0
    assert read_csv(tmp_path / "out" / "grades.csv")[0]["total"] == "0"
    from examgen.reports import summarize

    assert summarize(run.batch).min == 0.0   # the report's statistics use the floored totals


def test_floor_null_lets_totals_go_below_zero(tmp_path: Path) -> None:
    manifest = make_class(tmp_path / "c", ROSTER[:1], spec_extra=(
        "mode: per-student\ngrading: {negative: 0.5, floor: null}\n"))
    m = load(manifest)
    answers = correct_answers(m, "20260001")
    wrong = {}
    for q in m["copies"][0]["questions"]:
        for col, part in zip(q["columns"], q["variant"]["parts"], strict=True):
            if part["kind"] == "single_choice":
                wrong[col] = next(o["key"] for o in part["options"] if not o["correct"])
    rows = [["student_id", *m["columns"]], ["20260001", *(wrong.get(c, "") for c in answers)]]
    run = grade_files(write_csv(tmp_path / "r.csv", rows), manifest=manifest,
                      out=tmp_path / "out", pdf=False)
    assert run.batch.students[0].total == pytest.approx(-0.5 * 2 * len(wrong))


# -- Excel -----------------------------------------------------------------------------------

def test_xlsx_responses_are_read_directly(per_student: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    m = load(per_student)
    cols = m["columns"]
    wb = openpyxl.Workbook()
    wb.active.title = "notes"
    wb.active.append(["this sheet is not the answers"])
    ws = wb.create_sheet("응답")
    ws.append(["학번", "이름", *cols])
    for sid, name in ROSTER:
        answers = correct_answers(m, sid)
        ws.append([int(sid), name, *(answers[c] for c in cols)])
        for cell in ws[ws.max_row][2:]:   # plain numbers as numbers, shown with their decimals
            try:
                value = float(cell.value)
            except (TypeError, ValueError):
                continue
            decimals = len(cell.value.split(".")[1]) if "." in cell.value else 0
            cell.value = value
            cell.number_format = "0." + "0" * decimals if decimals else "0"
    wb.save(tmp_path / "r.xlsx")
    grade_files(tmp_path / "r.xlsx", manifest=per_student, out=tmp_path / "out", pdf=False,
                sheet="응답")
    assert percents(tmp_path / "out") == {sid: 100.0 for sid, _ in ROSTER}
    with pytest.raises(SubmissionError, match="no student id column"):   # the first sheet
        grade_files(tmp_path / "r.xlsx", manifest=per_student, out=tmp_path / "o2", pdf=False)


# -- answer_key.csv and forms.csv ------------------------------------------------------------

@pytest.mark.parametrize("which", ["per_student", "forms_class"])
def test_grading_the_answer_key_table_gives_full_marks(which: str, request: pytest.FixtureRequest,
                                                       tmp_path: Path) -> None:
    from examgen.jobs.generate import key_tables

    manifest = request.getfixturevalue(which)
    m = load(manifest)
    tables = key_tables(m, manifest)
    key_rows = list(csv.DictReader(io.StringIO(tables["answer_key.csv"])))
    assert list(key_rows[0]) == ["copy", "column", "answer", "points"]
    by_copy: dict[str, dict[str, str]] = {}
    for r in key_rows:
        by_copy.setdefault(r["copy"], {})[r["column"]] = r["answer"]
    cols = m["columns"]
    if which == "forms_class":
        assert sorted(by_copy) == ["A", "B"]
        forms = list(csv.DictReader(io.StringIO(tables["forms.csv"])))
        assert forms == [{"student_id": s["student_id"], "name": s["name"], "form": s["form"]}
                         for s in m["students"]]
        rows = [["student_id", "form", *cols]] + [[f["student_id"], f["form"],
                                                   *(by_copy[f["form"]][c] for c in cols)]
                                                  for f in forms]
    else:
        assert "forms.csv" not in tables and sorted(by_copy) == sorted(s for s, _ in ROSTER)
        rows = [["student_id", *cols]] + [[sid, *(by_copy[sid][c] for c in cols)]
                                          for sid in by_copy]
    grade_files(write_csv(tmp_path / "r.csv", rows), manifest=manifest, out=tmp_path / "out",
                pdf=False)
    assert set(percents(tmp_path / "out").values()) == {100.0}
