"""The one spelling of ids and headers, and file names made from them.

Student ids, question ids and column headers arrive typed on different machines: Korean in NFC
(Windows) or NFD (macOS), full-width digits from a Korean IME (２０２６), zero-width spaces and
BOMs pasted from web pages, stray spaces. :func:`normalize_id` gives each one spelling, so the
same id read from a roster, a responses file and an overrides file is the same id everywhere.

:func:`safe_file_name` turns any id into a file name that stays in its folder, fits the
255-byte limit of common file systems, stays readable, and never collides with another id's.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["MAX_NAME_BYTES", "normalize_id", "safe_file_name"]

MAX_NAME_BYTES = 120    # the readable part of a file name; with a suffix well under 255 bytes
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}   # ！..～ -> !..~
_SPACES = re.compile(r"\s+")
_UNSAFE = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')


def normalize_id(text: str) -> str:
    """NFC, full-width ASCII (digits, letters, punctuation) to ASCII, invisible characters
    (zero-width spaces, BOM, controls such as NUL) removed, runs of spaces made one, trimmed."""
    t = unicodedata.normalize("NFC", text).translate(_FULLWIDTH).replace("\u3000", " ")
    t = "".join(c for c in t if unicodedata.category(c) not in ("Cf", "Cc") or c in "\t\n")
    return _SPACES.sub(" ", t).strip()


def safe_file_name(name: str, suffix: str = "") -> str:
    """A file name for ``name`` (plus ``suffix``, e.g. ".pdf"): the name itself when it is a
    plain, short file name; otherwise its unsafe characters replaced by '_', cut to
    :data:`MAX_NAME_BYTES` bytes, and a short hash of the original added so that two different
    names never share a file. '.', '..' and names starting with '.' never stay as they are."""
    plain = normalize_id(name)
    safe = _UNSAFE.sub("_", plain)
    if safe.startswith("."):
        safe = "_" + safe[1:]
    cut = safe.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", errors="ignore").rstrip(" .")
    if cut == name and cut:
        return cut + suffix
    digest = hashlib.sha256(name.encode("utf-8", errors="surrogatepass")).hexdigest()[:10]
    return f"{cut or 'id'}-{digest}{suffix}"
