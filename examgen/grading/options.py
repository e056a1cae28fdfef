"""Choices answered by their option text (Google Forms exports the text, not a letter). Pure.

An answer such as ``C. −0.532``, ``−0.532``, ``일대다(one-to-many)`` or, for several options,
``text1;text2`` or ``text1, text2`` is matched to the options of the student's own copy by their
text, compared after :func:`normalize_option` (NFKC, case, spaces, LaTeX dollars and
backslashes, the minus sign). A leading letter (``C.``, ``(C)``, ``C)``) may come with the text;
the text decides, because letters are shuffled per copy. Nothing here raises on student text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

__all__ = ["match_option_text", "normalize_option"]

_LETTER = re.compile(r"^\(?\s*([a-z])\s*[.):]\s*|^\(\s*([a-z])\s*\)\s*")
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def normalize_option(text: str) -> str:
    """Option text as compared: NFKC, lower case, minus signs as ``-``, ``$`` and ``\\`` gone,
    spaces collapsed, trailing full stops dropped."""
    t = unicodedata.normalize("NFKC", text).translate(_MINUS).lower()
    t = t.replace("$", "").replace("\\", "")
    return " ".join(t.split()).rstrip(". ")


def _without_letter(t: str) -> str:
    m = _LETTER.match(t)
    return t[m.end():] if m else t


@lru_cache(maxsize=50_000)
def _lookup(texts: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    """Normalised text (each language's) -> option key; a text two options share is left out."""
    seen: dict[str, set[str]] = {}
    for key, variants in texts:
        for v in variants:
            n = normalize_option(v)
            if n:
                seen.setdefault(n, set()).add(key)
    return {n: next(iter(keys)) for n, keys in seen.items() if len(keys) == 1}


def _one(piece: str, lookup: dict[str, str]) -> str | None:
    n = normalize_option(piece)
    if not n:
        return None
    return lookup.get(n) or lookup.get(_without_letter(n))


def match_option_text(text: str, options: Sequence[tuple[str, tuple[str, ...]]],
                      multiple: bool) -> frozenset[str] | None:
    """The option keys ``text`` names by their text, or None when it is not option text.

    ``options``: (key, its texts in each language) of the student's copy. For several options
    the pieces are split on ``;`` or newlines, else on commas (a comma inside an option's text,
    as in ``180,600``, keeps its option whole: every way of joining the comma-separated
    pieces is tried, fewest options first)."""
    lookup = _lookup(tuple((k, tuple(v)) for k, v in options))
    whole = _one(text, lookup)
    if whole is not None:
        return frozenset({whole})
    if not multiple:
        return None
    pieces = [p for p in re.split(r"[;\n]", text) if p.strip()]
    if len(pieces) > 1:
        keys = [_one(p, lookup) for p in pieces]
        return frozenset(k for k in keys if k) if all(keys) else None
    return _comma_split(text.split(","), lookup)


def _comma_split(parts: list[str], lookup: dict[str, str]) -> frozenset[str] | None:
    """Keys when the comma-separated ``parts`` join into whole options, else None."""
    if len(parts) > 40:   # far more than any question has options: not an answer to split
        return None
    n = len(parts)
    best: list[frozenset[str] | None] = [None] * (n + 1)
    best[0] = frozenset()
    for end in range(1, n + 1):
        for start in range(end - 1, -1, -1):
            prev = best[start]
            if prev is None:
                continue
            key = _one(",".join(parts[start:end]), lookup)
            if key is not None:
                best[end] = prev | {key}
                break
    return best[n] or None
