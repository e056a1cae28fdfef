"""Strict decoding and bounds for CSV files (issue 18 items 2, 3 and 5)."""

from __future__ import annotations

import codecs

import pytest

from examgen.io.csvlimits import MAX_CELL_CHARS, CsvLimitError, check_table, decode_strict

TEXT = "student_id,Q1\n20260001,0.5\n김민준,0.25\n"


@pytest.mark.parametrize("raw, encoding", [
    (TEXT.encode("utf-8"), "utf-8"), (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
    (TEXT.encode("utf-16-le"), "utf-16-le"), (TEXT.encode("cp949"), "cp949"),
])
def test_clean_files_decode(raw: bytes, encoding: str) -> None:
    assert decode_strict(raw, "r.csv") == (TEXT, encoding)


@pytest.mark.parametrize("raw, fragment", [
    # a UTF-8 BOM, then a CP949 line: it used to be read with U+FFFD in place of the Korean
    (codecs.BOM_UTF8 + b"student_id,Q1\n1,0.5\n" + "김민준,0.25\n".encode("cp949"),
     "r.csv: line 3: bytes that are not UTF-8"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le") + b"\x00", "r.csv: line 4: the file ends in"),
    (TEXT.encode("utf-16-le")[:-1], "odd number of bytes"),
    (b"student_id\n" + bytes(range(128, 256)) * 3, "r.csv: line 2: cannot decode"),
])
def test_damaged_files_are_refused_at_their_line(raw: bytes, fragment: str) -> None:
    with pytest.raises(CsvLimitError, match=fragment):
        decode_strict(raw, "r.csv")


def test_a_cell_over_the_bound_is_named_by_row_and_column() -> None:
    text = "student_id,Q1,Q2\n1,a,b\n2,c," + "x" * (MAX_CELL_CHARS + 1) + "\n"
    with pytest.raises(CsvLimitError, match=r"r.csv: row 3, column 3 \(Q2\): a cell of 100,001"):
        check_table(text, ",", "r.csv")
    check_table(text.replace("x" * (MAX_CELL_CHARS + 1), "x" * MAX_CELL_CHARS), ",", "r.csv")
