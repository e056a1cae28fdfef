"""The ``form`` column of a forms-mode responses file: which printed form a row answers. Pure.

Proctors and students write the form as ``A``, ``a``, ``Form A``, ``A형``, ``형 A`` (full-width
letters too); :func:`parse_form` reads any of them as the form code, or says why it cannot.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = ["find_form_column", "parse_form"]

_FORM_HEADER = re.compile(r"^[^\d]*(?:\bform\b|유형|시험지|문제지|^형$|^version$)[^\d]*$")


def find_form_column(header: Sequence[str]) -> int | None:
    """The index of the column that says which form a row answers: ``form``, ``형``,
    ``유형``, ``시험지 유형``, ``Exam form``, ... (a header with a digit in it is a question)."""
    for i, h in enumerate(header):
        if _FORM_HEADER.search(unicodedata.normalize("NFKC", h).strip().lower()):
            return i
    return None

_FORM = re.compile(r"(?:form|유형|형|type|version)?\s*[-:]?\s*([a-z])\s*(?:형|form)?")


def parse_form(text: str, codes: Sequence[str]) -> tuple[str | None, str]:
    """(form code, "") when ``text`` names one of ``codes``; (None, why) otherwise."""
    t = unicodedata.normalize("NFKC", text).strip().lower()
    if not t:
        return None, "no form given"
    m = _FORM.fullmatch(t)
    code = m.group(1).upper() if m else None
    if code is None or code not in codes:
        return None, (f"form {text.strip()!r} is not one of {', '.join(codes)} (write A, "
                      "Form A, A형 or 형 A)")
    return code, ""
