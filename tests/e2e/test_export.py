"""``examgen export`` and ``examgen grade --lms`` as a user runs them: files written and checked,
the same bytes for the same seed, clear errors, --check on good and broken files, and the
gradebook CSVs Canvas and Moodle import."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from tests.e2e.test_cli_bank import run

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "examples" / "midterm.yaml"


def test_export_moodle_from_the_sample_spec(tmp_path: Path) -> None:
    out = tmp_path / "quiz.xml"
    r = run("export", "moodle", str(SPEC), "--variants", "3", "--out", str(out), "--lang", "both")
    assert r.returncode == 0, r.stderr
    assert "checked: no problems" in r.stdout and out.exists()
    text = out.read_text(encoding="utf-8")
    assert text.count('<question type="category">') == int(r.stdout.split("exported ")[1].split()[0])
    again = tmp_path / "again.xml"
    assert run("export", "moodle", str(SPEC), "--variants", "3", "--out", str(again),
               "--lang", "both").returncode == 0
    assert again.read_bytes() == out.read_bytes()
    r = run("export", "--check", str(out))
    assert r.returncode == 0 and "no problems" in r.stdout


def test_export_packages_and_check(tmp_path: Path) -> None:
    for fmt in ("canvas", "qti21"):
        out = tmp_path / f"{fmt}.zip"
        r = run("export", fmt, "--topic", "gru", "--variants", "2", "--out", str(out))
        assert r.returncode == 0, r.stderr
        with zipfile.ZipFile(out) as zf:
            assert "imsmanifest.xml" in zf.namelist()
        r = run("export", "--check", str(out))
        assert r.returncode == 0 and f"{fmt}," in r.stdout


def test_check_reports_a_broken_file_and_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "quiz.xml"
    assert run("export", "moodle", "--topic", "gru", "--variants", "1", "--out",
               str(out)).returncode == 0
    broken = out.read_text(encoding="utf-8").replace('fraction="100"', 'fraction="99"', 1)
    out.write_text(broken, encoding="utf-8")
    r = run("export", "--check", str(out))
    assert r.returncode == 1
    assert "fraction '99' is not one of Moodle's grades" in r.stderr
    assert "Traceback" not in r.stderr


def test_usage_errors(tmp_path: Path) -> None:
    r = run("export", "moodle", "--topic", "grue", "--out", str(tmp_path / "x.xml"))
    assert r.returncode == 2 and "did you mean 'gru'" in r.stderr
    assert not (tmp_path / "x.xml").exists()
    r = run("export", "canvas", "--math", "svg", "--topic", "gru", "--out",
            str(tmp_path / "c.zip"))
    assert r.returncode == 1 and "--math svg is for moodle and qti21" in r.stderr
    r = run("export", "--check", str(tmp_path / "missing.xml"))
    assert r.returncode == 1 and "cannot read" in r.stderr


def test_grade_writes_gradebook_files(tmp_path: Path) -> None:
    (tmp_path / "key.csv").write_text("question_id,type,answer,points\nq1,numeric,2.5,2\n"
                                      "q2,choice,B,1\n", encoding="utf-8")
    (tmp_path / "r.csv").write_text("student_id,q1,q2\ns1,2.5,B\ns2,3,A\n", encoding="utf-8")
    (tmp_path / "roster.csv").write_text("student_id,name,email,sis_id\n"
                                         "s1,Kim,kim@uni.ac.kr,U001\n"
                                         "s2,=HYPERLINK(1),lee@uni.ac.kr,U002\n",
                                         encoding="utf-8")
    r = run("grade", "--key", str(tmp_path / "key.csv"), "--responses", str(tmp_path / "r.csv"),
            "--no-pdf", "--lms", "canvas", "--roster", str(tmp_path / "roster.csv"),
            "--assignment", "Quiz 3")
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "canvas-gradebook.csv").read_text("utf-8"))))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Quiz 3"]
    assert rows[1] == ["Points Possible", "", "", "", "", "3"]
    assert rows[2] == ["Kim", "", "U001", "kim@uni.ac.kr", "", "3"]
    assert rows[3] == ["'=HYPERLINK(1)", "", "U002", "lee@uni.ac.kr", "", "0"]
    r = run("grade", "--key", str(tmp_path / "key.csv"), "--responses", str(tmp_path / "r.csv"),
            "--no-pdf", "--lms", "moodle", "--roster", str(tmp_path / "roster.csv"))
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "moodle-grades.csv").read_text("utf-8"))))
    assert rows == [["ID number", "Email address", "key"], ["s1", "kim@uni.ac.kr", "3"],
                    ["s2", "lee@uni.ac.kr", "0"]]
