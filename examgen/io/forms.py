"""The ``form`` column of a forms-mode responses file: which printed form a row answers. Pure.

Proctors and students write the form as ``A``, ``a``, ``Form A``, ``A형``, ``형 A`` (full-width
letters too); :func:`parse_form` reads any of them as the form code, or says why it cannot.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = ["FORM_NAMES", "parse_form"]

FORM_NAMES = ("form", "형", "유형", "시험지", "form code", "version")   # header names, folded

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
