"""The responses reader: every row accounted for, whatever the bytes (hypothesis), and the
encodings and delimiters real exports use."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examgen.errors import SubmissionError
from examgen.io import read_responses

COLUMNS = ("Q1", "Q2", "Q3a")

cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=6), max_size=12),
       header=st.lists(st.sampled_from(["student_id", "Q1", "Q2", "Q3a", "Q9", "email", "이름",
                                        "question_id", "answer", ""]), min_size=1, max_size=6),
       delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp949"]))
def test_every_row_is_graded_or_rejected(tmp_path: Path, rows: list[list[str]], header: list[str],
                                         delimiter: str, encoding: str) -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    try:
        data = buf.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buf.getvalue().encode("utf-8")
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    try:
        subs = read_responses(path, columns=COLUMNS, students=None)
    except SubmissionError as e:  # a file-level problem: a clear one-line reason
        assert str(e).startswith(str(path))
        return
    # rows that parse to cells (the csv module may merge lines with quotes) are all accounted for
    graded = {r for e in subs.entries for r in e.rows}
    rejected = {r.row for r in subs.rejected if r.row is not None}
    assert not graded & rejected
    assert len(graded) + len([r for r in subs.rejected if r.row != 1]) <= subs.rows_read
    empty = sum(1 for n in subs.notices if n.startswith("skipped"))
    assert subs.rows_read >= len(graded) or empty


def test_rows_accounted_for_exactly(tmp_path: Path) -> None:
    text = ("student_id,Q1,Q2,Q3a,timestamp\n"
            "a,1,2,3,t\n"       # graded
            ",1,2,3,t\n"        # empty id
            "b,1,2\n"           # ragged
            "\n"                # empty: skipped with a notice
            "a,4,5,6,t\n"       # duplicate: graded and flagged
            "z,1,2,3,t\n")      # unknown student
    (tmp_path / "r.csv").write_text(text, encoding="utf-8")
    subs = read_responses(tmp_path / "r.csv", columns=COLUMNS, students={"a", "b"})
    assert [(e.student_id, e.rows) for e in subs.entries] == [("a", (2,)), ("a", (6,))]
    assert all("duplicate submission" in e.flags[0] for e in subs.entries)
    assert [(r.row, r.reason.split(":")[0]) for r in subs.rejected] == [
        (3, "empty student id"), (4, "ragged row"), (7, "student id 'z' is not in the manifest")]
    assert any("skipped 1 empty row" in n for n in subs.notices)
    assert any("ignored columns that are not questions: timestamp" in n for n in subs.notices)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp949"])
def test_korean_text_survives_each_encoding(tmp_path: Path, encoding: str) -> None:
    text = "학번;Q1;Q2;Q3a\n20260001;망각 게이트;0,73;가\n"
    (tmp_path / "r.csv").write_bytes(text.encode(encoding))
    subs = read_responses(tmp_path / "r.csv", columns=COLUMNS, students=None)
    assert subs.delimiter == ";"
    assert subs.entries[0].answers == (("Q1", "망각 게이트"), ("Q2", "0,73"), ("Q3a", "가"))


def test_missing_id_column_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("sid,Q1\n1,2\n", encoding="utf-8")
    with pytest.raises(SubmissionError, match=r"row 1: no student id column.*--id-column"):
        read_responses(tmp_path / "r.csv", columns=COLUMNS)


def test_a_question_column_twice_is_refused_naming_both(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("student_id,Q1,Q2,Q1\na,1,2,3\n", encoding="utf-8")
    with pytest.raises(SubmissionError, match=r"r\.csv: row 1: column 'Q1' appears twice "
                                              r"\(columns B and D\)"):
        read_responses(tmp_path / "r.csv", columns=COLUMNS)
    (tmp_path / "g.csv").write_text("student_id,Q1,Q1_graded,q1 graded\na,1,2,3\n",
                                    encoding="utf-8")
    with pytest.raises(SubmissionError, match=r"column 'q1 graded' appears twice"):
        read_responses(tmp_path / "g.csv", columns=COLUMNS)
    # other columns may repeat: they are not read
    (tmp_path / "o.csv").write_text("student_id,Q1,email,email\na,1,x,y\n", encoding="utf-8")
    assert read_responses(tmp_path / "o.csv", columns=COLUMNS).entries[0].answers[0] == ("Q1", "1")


def test_a_file_where_no_row_can_be_graded_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("id,Q1\n7,1\n8,2\n", encoding="utf-8")
    with pytest.raises(SubmissionError, match=r"r\.csv: no row could be graded: all 2 were "
                                              r"rejected \(first: row 2: student id '7' is not in "
                                              r"the manifest.*is 'id' the student id column\?"):
        read_responses(tmp_path / "r.csv", columns=COLUMNS, students={"20260001"})


def test_an_id_column_found_by_another_name_is_announced(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("학번,Q1\n20260001,1\n", encoding="utf-8")
    subs = read_responses(tmp_path / "r.csv", columns=COLUMNS, students={"20260001"})
    assert "took column '학번' as the student id (--id-column to choose another)" in subs.notices
