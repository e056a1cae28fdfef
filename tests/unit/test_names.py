"""One spelling for ids and headers, and safe file names (issue 18 items 5 and 6)."""

from __future__ import annotations

import unicodedata

import pytest

from examgen.io.names import normalize_id, safe_file_name


@pytest.mark.parametrize("raw, expected", [
    (unicodedata.normalize("NFD", "김민준"), "김민준"),          # macOS Korean
    ("２０２６０００１", "20260001"),                            # full-width digits
    ("Ｑ６", "Q6"),
    ("Q6\u200b", "Q6"), ("\ufeffQ6", "Q6"), ("Q\x006", "Q6"),     # zero-width, BOM, NUL
    ("  20260001 ", "20260001"), ("student\u3000id", "student id"), ("a   b", "a b"),
])
def test_normalize_id(raw: str, expected: str) -> None:
    assert normalize_id(raw) == expected
    assert normalize_id(expected) == expected   # idempotent


@pytest.mark.parametrize("name", ["..", ".", "../../etc/passwd", "a/b", "a\\b", "x" * 300,
                                  "가" * 200, "nul\x00byte", ".hidden", "con:", ""])
def test_safe_file_names_stay_in_their_folder_and_fit(name: str) -> None:
    f = safe_file_name(name, ".pdf")
    assert "/" not in f and "\\" not in f and "\x00" not in f
    assert not f.startswith(".") and f not in (".pdf", "..pdf")
    assert len(f.encode("utf-8")) <= 255


def test_plain_ids_keep_their_name_and_odd_ones_do_not_collide() -> None:
    assert safe_file_name("20260001", ".pdf") == "20260001.pdf"
    assert safe_file_name("김민준") == "김민준"
    odd = ["a/b", "a\\b", "a:b", "a_b/", "x" * 300, "x" * 300 + "y"]
    names = {safe_file_name(n) for n in odd}
    assert len(names) == len(odd)
    assert safe_file_name("a/b").startswith("a_b-")   # still readable
