"""Which response-file header names which question column. Pure.

Exports name their question columns in many ways: ``Q1`` and ``q1`` (examgen's own template),
``1``, ``1.``, ``1)``, ``1번``, ``문항 1``, ``Question 1``, a Google Forms question text such as
``1. 답을 쓰시오`` or ``Q1. Compute ...``, and parts as ``8번(a)``, ``8(a)``, ``8a``, ``8-a`` or
``Q8 (a)``; full-width digits and letters too. :func:`header_number` reads the question number
and part letter of one header; :func:`map_headers` matches a whole header row to the exam's
columns (whose own names, ``Q8a`` or a KEY.csv's ``1``, are read the same way).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = ["header_number", "map_headers", "mapping_notice"]

_PREFIX = r"(?:q(?:uestion)?|문항|문제|no)?\s*\.?\s*"
_NUMBER = re.compile(_PREFIX + r"(\d{1,3})\s*(?:번)?")
_PART_PAREN = re.compile(r"\s*[-_]?\s*\(\s*([a-z])\s*\)")
_PART_PLAIN = re.compile(r"\s*[-_]?\s*([a-z])(?=$|[\s.):])")


def _fold(text: str) -> str:
    """NFKC (full-width digits, letters and brackets become ASCII), lower case, outer spaces off."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def header_number(header: str) -> tuple[int, str] | None:
    """The question number and part letter (``""`` for none) a header names, or None.

    After the number (and part) only the end, or a separator followed by any text, may come:
    ``1. 답을 쓰시오`` is question 1, ``1학년`` or ``2024-12-08`` are not questions."""
    t = _fold(header)
    m = _NUMBER.match(t)
    if m is None:
        return None
    number, rest = int(m.group(1)), t[m.end():]
    part = ""
    pm = _PART_PAREN.match(rest) or _PART_PLAIN.match(rest)
    if pm is not None:
        part, rest = pm.group(1), rest[pm.end():]
    if rest and not re.match(r"\s*[.):]|\s", rest):
        return None
    if re.fullmatch(r"\s*[.)]?\s*\d.*", rest) and not part:
        return None   # "1.5", "2024-12-08", "1) 2)": a number, not a question header
    return number, part


def map_headers(header: Sequence[str], columns: Sequence[str]) -> dict[int, str]:
    """Header index -> the exam column it holds. A header equal to a column's name (after
    NFKC, case and spaces) is that column; otherwise its question number and part are matched
    to the column with the same number and part. A one-part question's column also takes a
    header with its number and no part (and the reverse)."""
    exact = {" ".join(_fold(c).split()): c for c in columns}
    by_number: dict[tuple[int, str], str] = {}
    for c in columns:
        n = header_number(c)
        if n is not None:
            by_number.setdefault(n, c)
    parts_of: dict[int, list[str]] = {}
    for number, part in by_number:
        parts_of.setdefault(number, []).append(part)
    out: dict[int, str] = {}
    for i, h in enumerate(header):
        key = " ".join(_fold(h).split())
        if key in exact:
            out[i] = exact[key]
            continue
        n = header_number(h)
        if n is None:
            continue
        if n in by_number:
            out[i] = by_number[n]
        elif n[1] == "" and parts_of.get(n[0]) and len(parts_of[n[0]]) == 1:
            out[i] = by_number[(n[0], parts_of[n[0]][0])]
    return out


def mapping_notice(header: Sequence[str], mapping: dict[int, str]) -> str | None:
    """The notice that says how headers other than the columns' own names were read."""
    def short(h: str) -> str:
        return repr(h if len(h) <= 24 else h[:23] + "…")

    renamed = [f"{short(header[i])} → {c}" for i, c in sorted(mapping.items())
               if " ".join(_fold(header[i]).split()) != " ".join(_fold(c).split())]
    if not renamed:
        return None
    return "read question columns by their number: " + ", ".join(renamed)
