"""``examgen grade`` as a user runs it: layouts, encodings, messy rows, outputs, overrides,
formula injection, and student text that tries to execute code."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.e2e.test_cli_bank import run

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "examples" / "midterm.yaml"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("exam")
    (tmp / "roster.csv").write_text("student_id,name\n20260001,김민준\n20260002,이서연\n"
                                    "20260003,박도윤\n", encoding="utf-8")
    r = run("generate", str(SPEC), "--roster", str(tmp / "roster.csv"), "--out",
            str(tmp / "out"))
    assert r.returncode == 0, r.stderr
    return tmp / "out" / "manifest.json"


def correct_answers(m: dict, sid: str) -> dict[str, str]:
    copy = next(c for c in m["copies"] if c["copy_id"] == sid)
    out = {}
    for q in copy["questions"]:
        for col, p in zip(q["columns"], q["variant"]["parts"], strict=True):
            d = p.get("decimals") if p.get("decimals") is not None else 3
            if p["kind"] == "numeric":
                out[col] = f"{p['value']:.{d}f}"
            elif p["kind"] == "vector":
                out[col] = "[" + ", ".join(f"{x:.{d}f}" for x in p["value"]) + "]"
            elif p["kind"] in ("single_choice", "multiple_choice"):
                out[col] = ";".join(o["key"] for o in p["options"] if o["correct"])
            elif p["kind"] == "symbolic":
                out[col] = p["expression"]
            else:
                out[col] = p["references"][0]["ko"]
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def write(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def wide(m: dict, answers: dict[str, dict[str, str]]) -> list[list[str]]:
    cols = m["columns"]
    return [["student_id", *cols], *[[sid, *(a.get(c, "") for c in cols)]
                                     for sid, a in answers.items()]]


@pytest.mark.parametrize("encoding, delimiter", [
    ("utf-8", ","), ("utf-8-sig", ";"), ("cp949", "\t"), ("utf-16", "\t"),
])
def test_all_correct_scores_full_marks(manifest: Path, tmp_path: Path, encoding: str,
                                       delimiter: str) -> None:
    m = json.loads(manifest.read_text(encoding="utf-8"))
    answers = {sid: correct_answers(m, sid) for sid in ("20260001", "20260002")}
    resp = write(tmp_path / "resp.csv", wide(m, answers), encoding, delimiter)
    r = run("grade", "--manifest", str(manifest), "--responses", str(resp), "--out",
            str(tmp_path / "g"), "--no-pdf")
    assert r.returncode == 0, r.stderr
    grades = read_csv(tmp_path / "g" / "grades.csv")
    assert [g["student_id"] for g in grades] == ["20260001", "20260002"]
    for g in grades:
        # short answers are the model answers themselves: full marks too
        assert float(g["total"]) == float(g["max_total"]), g


def test_long_layout_and_messy_rows(manifest: Path, tmp_path: Path) -> None:
    m = json.loads(manifest.read_text(encoding="utf-8"))
    ok = correct_answers(m, "20260003")
    rows = [["student_id", "question_id", "answer"]]
    rows += [["20260003", c, a] for c, a in ok.items()]
    rows += [["20260003", "Q99", "x"], ["", "Q1", "A"], ["20269999", "Q1", "A"],
             ["20260003", "Q1"], ["20260003", "Q1", "B"]]
    resp = write(tmp_path / "long.csv", rows)
    r = run("grade", "--manifest", str(manifest), "--responses", str(resp), "--no-pdf")
    assert r.returncode == 0, r.stderr
    rejected = read_csv(tmp_path / "rejected.csv")
    reasons = {int(x["row"]): x["reason"] for x in rejected}
    n = len(ok) + 1
    assert "unknown question 'Q99'" in reasons[n + 1]
    assert reasons[n + 2] == "empty student id"
    assert "is not in the manifest" in reasons[n + 3]
    assert reasons[n + 4].startswith("ragged row")
    assert reasons[n + 5].startswith("second answer to Q1")
    g = read_csv(tmp_path / "grades.csv")
    assert len(g) == 1 and float(g[0]["total"]) == float(g[0]["max_total"])


def test_wide_messy_rows_duplicates_and_injection(manifest: Path, tmp_path: Path) -> None:
    m = json.loads(manifest.read_text(encoding="utf-8"))
    cols = m["columns"]
    a1 = correct_answers(m, "20260001")
    a1[cols[0]] = '=HYPERLINK("http://x","y")'
    a1[cols[5]] = "__import__('os').system('touch " + str(tmp_path / "pwned") + "')"
    rows = [["timestamp", "student_id", "email", *cols, "Q99"],
            ["t1", "20260001", "a@x", *(a1[c] for c in cols), ""],
            ["t2", "20260001", "a@x", *(a1[c] for c in cols), ""],
            ["t3", "", "b@x", *(a1[c] for c in cols), ""],
            ["t4", "20260002", "c@x", "A"]]
    resp = write(tmp_path / "wide.csv", rows)
    r = run("grade", "--manifest", str(manifest), "--responses", str(resp), "--out",
            str(tmp_path / "g"))
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "pwned").exists()
    assert "ignored columns that are not questions: timestamp, email" in r.stdout
    grades = read_csv(tmp_path / "g" / "grades.csv")
    assert [g["student_id"] for g in grades] == ["20260001", "20260001"]  # both kept
    assert all("duplicate submission" in g["flags"] for g in grades)
    details = read_csv(tmp_path / "g" / "details.csv")
    inj = [d for d in details if d["question_id"] == cols[0]][0]
    assert inj["response"].startswith("'=HYPERLINK")       # neutralised in the CSV
    code = [d for d in details if d["question_id"] == cols[5]][0]
    assert code["outcome"] in ("format_error", "wrong") and code["points"] == "0"
    rejected = read_csv(tmp_path / "g" / "rejected.csv")
    assert {x["reason"].split(":")[0] for x in rejected} >= {
        "unknown question column 'Q99'", "empty student id", "ragged row"}
    assert (tmp_path / "g" / "report.pdf").read_bytes().startswith(b"%PDF")
    html = (tmp_path / "g" / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() or "&lt;script" in html


def test_overrides_recompute(manifest: Path, tmp_path: Path) -> None:
    m = json.loads(manifest.read_text(encoding="utf-8"))
    resp = write(tmp_path / "r.csv", wide(m, {"20260002": {}}))
    r = run("grade", "--manifest", str(manifest), "--responses", str(resp), "--no-pdf")
    assert r.returncode == 0, r.stderr
    assert float(read_csv(tmp_path / "grades.csv")[0]["total"]) == 0
    (tmp_path / "overrides.csv").write_text(
        "student_id,question_id,points,comment\n20260002,Q1,2,answered on the back\n",
        encoding="utf-8")
    r = run("grade", "--manifest", str(manifest), "--responses", str(resp), "--no-pdf",
            "--overrides", str(tmp_path / "overrides.csv"))
    assert r.returncode == 0, r.stderr
    g = read_csv(tmp_path / "grades.csv")[0]
    assert float(g["total"]) == 2 and float(g["Q1"]) == 2
    d = [x for x in read_csv(tmp_path / "details.csv") if x["question_id"] == "Q1"][0]
    assert d["feedback"].startswith("instructor: answered on the back")
    (tmp_path / "bad.csv").write_text("student_id,question_id,points\n20260002,Q77,1\n",
                                      encoding="utf-8")
    r = run("grade", "--manifest", str(manifest), "--responses", str(resp), "--no-pdf",
            "--overrides", str(tmp_path / "bad.csv"))
    assert r.returncode == 1
    assert f"{tmp_path / 'bad.csv'}: row 2: 'Q77' is not a question of 20260002" in r.stderr
    assert d["outcome"] == "correct"          # full points from the instructor: correct


def test_an_override_of_a_student_with_two_submissions_must_say_which(manifest: Path,
                                                                       tmp_path: Path) -> None:
    m = json.loads(manifest.read_text(encoding="utf-8"))
    rows = wide(m, {"20260002": {}})
    resp = write(tmp_path / "r.csv", [*rows, rows[1]])   # the student in rows 2 and 3
    over = tmp_path / "overrides.csv"
    over.write_text("student_id,question_id,points\n20260002,Q1,2\n", encoding="utf-8")
    r = run("grade", "--manifest", str(manifest), "--responses", str(resp), "--no-pdf",
            "--overrides", str(over))
    assert r.returncode == 1
    assert (f"{over}: row 2: 20260002 handed in 2 submissions (rows 2, 3); add a 'row' column"
            in r.stderr)
    assert not (tmp_path / "grades.csv").exists()
    over.write_text("student_id,question_id,points,row\n20260002,Q1,2,3\n", encoding="utf-8")
    r = run("grade", "--manifest", str(manifest), "--responses", str(resp), "--no-pdf",
            "--overrides", str(over))
    assert r.returncode == 0, r.stderr
    q1 = [x for x in read_csv(tmp_path / "details.csv") if x["question_id"] == "Q1"]
    assert [x["points"] for x in q1] == ["0", "2"]     # only the submission in row 3


def test_key_csv_mode(tmp_path: Path) -> None:
    (tmp_path / "key.csv").write_text(
        "question_id,type,answer,points,tolerance,keywords\n"
        "pe,vector,\"[0.6, 0.5, 0.85]\",2,0.01,\n"
        "heads,numeric,64,1,,\n"
        "gates,multi,A;C,2,,\n"
        "dim,symbolic,h*d_v,1,,\n"
        "why,short,망각 게이트와 입력 게이트,4,,망각 게이트|forget gate;입력 게이트|input gate\n",
        encoding="utf-8")
    resp = write(tmp_path / "r.csv", [["학번", "pe", "heads", "gates", "dim", "why"],
                                      ["s1", "0.6 0.5 0.85", "64차원", "a, c", "d_v·h",
                                       "forget gate and input gate"],
                                      ["s2", "[0.6, 0.5]", "32", "A", "h+d_v", ""]])
    r = run("grade", "--key", str(tmp_path / "key.csv"), "--responses", str(resp),
            "--id-column", "학번", "--no-pdf")
    assert r.returncode == 0, r.stderr
    g = {x["student_id"]: x for x in read_csv(tmp_path / "grades.csv")}
    assert float(g["s1"]["pe"]) == 2 and float(g["s1"]["heads"]) == 1
    assert float(g["s1"]["gates"]) == 2 and float(g["s1"]["dim"]) == 1
    assert float(g["s1"]["why"]) > 0
    assert float(g["s2"]["total"]) == 1  # gates: one of two right
    d = {(x["student_id"], x["question_id"]): x for x in read_csv(tmp_path / "details.csv")}
    assert d[("s2", "pe")]["outcome"] == "format_error"
    assert "expected 3" in d[("s2", "pe")]["feedback"]


def test_bad_key_and_missing_id_column(tmp_path: Path) -> None:
    (tmp_path / "key.csv").write_text("question_id,type,answer,points\nq1,numbr,1,1\n",
                                      encoding="utf-8")
    resp = write(tmp_path / "r.csv", [["sid", "q1"], ["s1", "1"]])
    r = run("grade", "--key", str(tmp_path / "key.csv"), "--responses", str(resp))
    assert r.returncode == 1 and "key.csv: row 2: type 'numbr' is not one of" in r.stderr
    (tmp_path / "key.csv").write_text("question_id,type,answer,points\nq1,numeric,1,1\n",
                                      encoding="utf-8")
    r = run("grade", "--key", str(tmp_path / "key.csv"), "--responses", str(resp))
    assert r.returncode == 1 and "no student id column" in r.stderr
    assert "--id-column" in r.stderr and "Traceback" not in r.stderr


def test_negative_marking_and_partial_credit_from_key(tmp_path: Path) -> None:
    (tmp_path / "key.csv").write_text(
        "question_id,type,answer,points,negative,partial\n"
        "one,choice,B,4,25%,\n"
        "many,multi,A;C,2,,no\n"
        "vec,vector,\"[1, 2]\",2,,no\n", encoding="utf-8")
    resp = write(tmp_path / "r.csv", [["student_id", "one", "many", "vec"],
                                      ["s1", "C", "A", "[1, 3]"], ["s2", "", "A;C", "[1, 2]"]])
    r = run("grade", "--key", str(tmp_path / "key.csv"), "--responses", str(resp), "--no-pdf")
    assert r.returncode == 0, r.stderr
    g = {x["student_id"]: x for x in read_csv(tmp_path / "grades.csv")}
    assert g["s1"]["one"] == "-1" and g["s1"]["many"] == "0" and g["s1"]["vec"] == "0"
    assert g["s2"]["one"] == "0" and g["s2"]["many"] == "2" and g["s2"]["vec"] == "2"
    (tmp_path / "key.csv").write_text("question_id,type,answer,points,negative\n"
                                      "one,choice,B,4,2\n", encoding="utf-8")
    r = run("grade", "--key", str(tmp_path / "key.csv"), "--responses", str(resp), "--no-pdf")
    assert r.returncode == 1 and "key.csv: row 2: negative '2' must be between 0 and 1" in r.stderr


def test_yaml_key(tmp_path: Path) -> None:
    (tmp_path / "key.yaml").write_text(
        "questions:\n"
        "  - {question_id: heads, type: numeric, answer: 64, points: 1}\n"
        "  - {question_id: pe, type: vector, answer: '[0.6, 0.5, 0.85]', points: 2, "
        "tolerance: '0.01'}\n"
        "  - {question_id: gates, type: multi, answer: [A, C], points: 2}\n", encoding="utf-8")
    resp = write(tmp_path / "r.csv", [["student_id", "heads", "pe", "gates"],
                                      ["s1", "64", "0.6 0.5 0.85", "A;C"]])
    r = run("grade", "--key", str(tmp_path / "key.yaml"), "--responses", str(resp), "--no-pdf")
    assert r.returncode == 0, r.stderr
    (g,) = read_csv(tmp_path / "grades.csv")
    assert (g["heads"], g["pe"], g["gates"], g["total"]) == ("1", "2", "2", "5")


SHORT_KEY = (
    "question_id,type,answer,points,keywords\n"
    'gates,short,"망각 게이트가 셀 상태에서 지울 양을 정하고 입력 게이트가 새로 쓸 양을 정한다",4,'
    '"망각 게이트|forget gate;입력 게이트|input gate;!업데이트 게이트|update gate"\n'
    'why,short,"어텐션은 디코더가 매 시점 입력 전체에서 중요한 부분에 집중하게 해 긴 문장의 정보 손실을 '
    '줄인다",4,"어텐션|attention;집중|focus;긴 문장|long sequence"\n')
SHORT_ANSWERS = {
    "s1": ["forget gate decides what to erase from the cell state, input gate what to write",
           "attention lets the decoder focus on the important input words, so long sentences "
           "lose less information"],
    "s2": ["망각 게이트는 지울 양, 입력 게이트는 새로 쓸 양을 정한다",
           "디코더가 입력 전체 중 중요한 부분에 집중하도록 해서 긴 문장에서도 정보가 덜 사라진다"],
    "s3": ["the gates are like little doors in the network that open at random",
           "it makes the model bigger so it can remember bananas and other words"],
    "s4": ["the gates are like little doors in the network that open at random!",
           "it makes the model bigger so it can remember bananas and other words."],
    "s5": ["업데이트 게이트와 리셋 게이트가 셀 상태를 조절한다", "모르겠습니다"],
    "s6": ["", "attention"],
    "s7": ["forget gate and input gate", "attention focuses on important parts of the input"],
    "s8": ["the input gate writes and the forget gate erases the cell state",
           "to focus on the relevant encoder states for long sentences"],
    "s9": ["<script>alert('gate')</script>", "<img src=x onerror=alert(1)> attention"],
}


def test_short_answers_groups_review_collusion_and_group_overrides(tmp_path: Path) -> None:
    key = tmp_path / "key.csv"
    key.write_text(SHORT_KEY, encoding="utf-8")
    resp = write(tmp_path / "resp.csv", [["student_id", "gates", "why"],
                                         *[[sid, *a] for sid, a in SHORT_ANSWERS.items()]])
    out = tmp_path / "g"
    r = run("grade", "--key", str(key), "--responses", str(resp), "--out", str(out), "--no-pdf")
    assert r.returncode == 0, r.stderr
    assert "review.html" in r.stdout
    details = {(d["student_id"], d["question_id"]): d for d in read_csv(out / "details.csv")}
    # feedback names the matched and missing concepts
    assert "matched: 망각 게이트, 입력 게이트" in details["s2", "gates"]["feedback"]
    assert "missing: 입력 게이트" in details["s7", "gates"]["feedback"] or \
        float(details["s7", "gates"]["points"]) >= 2
    # a wrong concept (the GRU's gates) is named and flagged
    assert "wrong concept: 업데이트 게이트" in details["s5", "gates"]["feedback"]
    assert details["s5", "gates"]["needs_review"] == "yes"
    assert float(details["s5", "gates"]["points"]) < float(details["s2", "gates"]["points"])
    # s3 and s4 wrote near-identical answers: one group; the pair is listed as possible collusion
    g3, g4 = details["s3", "gates"]["group"], details["s4", "gates"]["group"]
    assert g3 and g3 == g4
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "s3, s4" in report
    review = (out / "review.html").read_text(encoding="utf-8")
    assert review.count(f'id="{g3}"') == 1 and "s3" in review and "s4" in review
    assert "<script>" not in review and "&lt;script&gt;" in review and "<img" not in review
    groups = {g["group"]: g for g in read_csv(out / "groups.csv")}
    assert groups[g3]["members"] == "2" and groups[g3]["students"] == "s3 s4"
    # one override row grades the whole group; with a third graded answer the question is
    # calibrated on the instructor's grades (few-shot) and the report says so
    ov = write(tmp_path / "overrides.csv", [["student_id", "question_id", "points", "comment",
                                             "group"],
                                            ["", "gates", "0", "nonsense", g3],
                                            ["s1", "gates", "4", "good", ""]])
    r = run("grade", "--key", str(key), "--responses", str(resp), "--out", str(out), "--no-pdf",
            "--overrides", str(ov))
    assert r.returncode == 0, r.stderr
    after = {(d["student_id"], d["question_id"]): d for d in read_csv(out / "details.csv")}
    for sid in ("s3", "s4"):
        assert after[sid, "gates"]["points"] == "0"
        assert after[sid, "gates"]["feedback"].startswith("instructor: nonsense")
    assert "calibrated on graded answers" in after["s8", "gates"]["feedback"]
    assert "gates (3)" in (out / "report.html").read_text(encoding="utf-8")
    # an unknown group is a clear error
    bad = write(tmp_path / "bad.csv", [["question_id", "points", "group"], ["gates", "1", "G99"]])
    r = run("grade", "--key", str(key), "--responses", str(resp), "--out", str(out), "--no-pdf",
            "--overrides", str(bad))
    assert r.returncode != 0 and "no answer group 'G99'" in r.stderr


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_graded_column_calibrates_short_answers(tmp_path: Path, layout: str) -> None:
    key = tmp_path / "key.csv"
    key.write_text(SHORT_KEY, encoding="utf-8")
    grades = {"s3": "0", "s4": "0", "s8": "4"}      # the instructor graded three answers
    if layout == "long":
        rows = [["student_id", "question_id", "answer", "graded"]]
        rows += [[sid, q, a[k], grades.get(sid, "") if q == "gates" else ""]
                 for sid, a in SHORT_ANSWERS.items() for k, q in enumerate(("gates", "why"))]
        rows.append(["s1", "nope", "x", "many"])   # a bad row is still reported as before
    else:
        rows = [["student_id", "gates", "why", "gates_graded"]]
        rows += [[sid, *a, grades.get(sid, "")] for sid, a in SHORT_ANSWERS.items()]
        rows[-1][-1] = "40"                         # out of range: reported, not applied
        rows.append(["s10", "forget gate", "attention", "lots"])
    resp = write(tmp_path / "resp.csv", rows)
    out = tmp_path / "g"
    r = run("grade", "--key", str(key), "--responses", str(resp), "--out", str(out), "--no-pdf")
    assert r.returncode == 0, r.stderr
    assert "calibrated on your grades: gates" in r.stdout
    details = {(d["student_id"], d["question_id"]): d for d in read_csv(out / "details.csv")}
    assert details["s3", "gates"]["points"] == "0"
    assert details["s8", "gates"]["points"] == "4"
    assert details["s8", "gates"]["feedback"].startswith("instructor: graded column")
    assert "calibrated on graded answers" in details["s1", "gates"]["feedback"]
    assert "calibrated on graded answers" not in details["s1", "why"]["feedback"]
    if layout == "wide":
        n = len(SHORT_ANSWERS)
        assert f"row {n + 2}: graded points 'lots' for gates is not a number" in r.stdout
        assert f"row {n + 1}: graded points 40 for gates are outside 0..4" in r.stdout


def test_the_rosters_name_wins_over_the_responses(manifest: Path, tmp_path: Path) -> None:
    m = json.loads(manifest.read_text(encoding="utf-8"))
    rows = wide(m, {"20260001": {}})
    rows = [[rows[0][0], "name", *rows[0][1:]], [rows[1][0], "Kim MJ", *rows[1][1:]]]
    resp = write(tmp_path / "r.csv", rows)
    r = run("grade", "--manifest", str(manifest), "--responses", str(resp), "--no-pdf")
    assert r.returncode == 0, r.stderr
    assert read_csv(tmp_path / "grades.csv")[0]["name"] == "김민준"


def test_an_export_with_no_question_column_exits_1_and_writes_nothing(manifest: Path,
                                                                       tmp_path: Path) -> None:
    resp = write(tmp_path / "google.csv", [["Timestamp", "학번", "첫 번째 답"],
                                           ["2026-12-08", "20260001", "B"]])
    r = run("grade", "--manifest", str(manifest), "--responses", str(resp), "--out",
            str(tmp_path / "out"), "--no-pdf")
    assert r.returncode == 1
    assert "no question column: expected Q1, Q2" in r.stderr and "'첫 번째 답'" in r.stderr
    assert not (tmp_path / "out").exists()


def test_korean_headers_xlsx_feedback_and_absent_from_the_command_line(manifest: Path,
                                                                       tmp_path: Path) -> None:
    import openpyxl

    m = json.loads(manifest.read_text(encoding="utf-8"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["학번", *(f"{c[1:]}번" if c[-1].isdigit() else f"{c[1:-1]}({c[-1]})"
                        for c in m["columns"])])
    for sid in ("20260001", "20260002"):
        ws.append([sid, *correct_answers(m, sid).values()])
    wb.save(tmp_path / "r.xlsx")
    r = run("grade", "--manifest", str(manifest), "--responses", str(tmp_path / "r.xlsx"),
            "--out", str(tmp_path / "out"), "--no-pdf", "--feedback")
    assert r.returncode == 0, r.stderr
    assert "1 absent" in r.stdout and "mean 100.0%" in r.stdout
    assert "'1번' → Q1" in r.stdout
    assert read_csv(tmp_path / "out" / "absent.csv") == [{"student_id": "20260003",
                                                          "name": "박도윤"}]
    assert sorted(p.name for p in (tmp_path / "out" / "feedback").iterdir()) == [
        "20260001.html", "20260002.html"]
