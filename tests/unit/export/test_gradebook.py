"""Gradebook files: Canvas's header and Points Possible row, Moodle's identifier columns,
points written as the grader rounds them, formula cells guarded."""

from __future__ import annotations

import csv
import io

import pytest

from examgen.bank import load_bank
from examgen.export import Contact, ExportError, Settings, draw_items, gradebook_csv, write_moodle
from examgen.export.check import check_bytes
from examgen.model import AnswerGrade, GradeBatch, Outcome, StudentGrade


def batch() -> GradeBatch:
    def student(sid: str, name: str, points: float) -> StudentGrade:
        a = AnswerGrade(sid, "Q1", "q", "x", points, 4.0, Outcome.CORRECT)
        return StudentGrade(sid, name, (2,), (a,))
    return GradeBatch("Midterm", "r.csv", ("Q1",), (4.0,),
                      (student("2026001", "김민준", 3.5), student("2026002", "+cmd", 1 / 3)))


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_canvas_gradebook() -> None:
    out = rows(gradebook_csv("canvas", batch(), "Midterm",
                             {"2026001": Contact("Kim Minjun", "kim@u.kr", "S1")}))
    assert out == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Midterm"],
                   ["Points Possible", "", "", "", "", "4"],
                   ["Kim Minjun", "", "S1", "kim@u.kr", "", "3.5"],
                   ["'+cmd", "", "2026002", "", "", "0.3333"]]


def test_moodle_gradebook_with_and_without_emails() -> None:
    assert rows(gradebook_csv("moodle", batch(), "Midterm")) == \
        [["ID number", "Midterm"], ["2026001", "3.5"], ["2026002", "0.3333"]]
    assert rows(gradebook_csv("moodle", batch(), "Midterm",
                              {"2026002": Contact(email="lee@u.kr")}))[2] == \
        ["2026002", "lee@u.kr", "0.3333"]
    with pytest.raises(ValueError, match="canvas or moodle"):
        gradebook_csv("blackboard", batch(), "x")


def test_negative_marking_uses_allowed_fractions_or_refuses() -> None:
    t = next(t for t in load_bank().templates if t.type.value == "single_choice")
    items = draw_items([(t, None)], 1, seed=0)
    data, _ = write_moodle(items, Settings(negative=0.25))
    assert b'fraction="-25"' in data and check_bytes(data, "n.xml").problems == ()
    with pytest.raises(ExportError, match=f'question "{t.id}" .variant 1.*-33 %.* is not one '
                       "of Moodle's answer grades"):
        write_moodle(items, Settings(negative=0.33))
