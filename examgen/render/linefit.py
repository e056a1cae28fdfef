"""Whether a run of bank text surely fits on one printed line, from the Hangul font's own
advance widths: an upper bound, never an estimate that may come out short.

Keeping Korean words whole costs the compiler a box per word (:mod:`examgen.render.typmarkup`),
about a third of an answer key's compile time. A text that cannot reach the end of its line
cannot be broken inside a word, so an option or a key's one-line note that fits needs no box.
The bound takes, per character, the widest advance over the family's files (regular and bold),
a quarter em where Hangul meets a Latin letter or digit (Typst's CJK-Latin spacing), 1.2 em for
a character the font lacks (another font draws it), 1.1 em per character of a formula's LaTeX
source (no construct the converter knows draws wider than its source: ``\\quad`` is 1 em for
five characters) and 0.7 em per character of code. Anything that cannot be bounded (no font
file readable) says "does not fit", so the words keep their boxes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["BI_ROOM_EM", "OPTION_ROOM_EM", "SMALL_ROOM_EM", "TEXT_ROOM_EM", "fits", "width_em"]

# The narrowest line each kind of text can get (templates/preamble.typ, A4 with 17 mm side
# margins: 176 mm of text; a question indents 10 mm and a part 8 mm more), in ems of the text's
# own size, less a margin of about 8 % for kerning and rounding:
TEXT_ROOM_EM = 39.0     # a stem, a reference answer, a key's note: at least 152 mm (a part's
#                         answer block) = 431 pt, 43.1 em at 10 pt (41 em at 10.5 pt)
BI_ROOM_EM = 17.5       # one column of two (bilingual): (152 mm - 3 mm) / 2 - 3 mm = 71.5 mm
#                         = 202.7 pt, 20.3 em at 10 pt
OPTION_ROOM_EM = 38.0   # an option: 158 mm less the bubble and letter columns (12 mm) = 146 mm
#                         = 413.9 pt, 41.4 em at 10 pt
SMALL_ROOM_EM = 47.5    # a key's list item (wrong answers): 158 mm less the list indent (~3 mm)
#                         = 439 pt, 51.7 em at 8.5 pt

_JOIN = re.compile(r"[\uac00-\ud7a3][A-Za-z0-9]|[A-Za-z0-9][\uac00-\ud7a3]")
MATH_EM_PER_CHAR = 1.1
CODE_EM_PER_CHAR = 0.7
MISSING_EM = 1.2
CJK_LATIN_EM = 0.25


@lru_cache(maxsize=1)
def _advances() -> dict[int, float] | None:
    """Code point -> the widest advance (em) over the Hangul family's font files; None when
    they cannot be read."""
    try:
        from fontTools.ttLib import TTFont

        from examgen.render.fonts import find_hangul_font_files

        widest: dict[int, float] = {}
        for path in find_hangul_font_files()[1]:
            with TTFont(path, lazy=True, fontNumber=0) as font:
                em = float(font["head"].unitsPerEm)
                metrics = font["hmtx"].metrics
                for code, glyph in font.getBestCmap().items():
                    w = metrics[glyph][0] / em
                    if w > widest.get(code, 0.0):
                        widest[code] = w
        return widest or None
    except Exception:   # no readable font: nothing is said to fit
        return None


def width_em(text: str) -> float | None:
    """An upper bound of the printed width of one run of bank text (``$math$`` and `` `code` ``
    included), in ems of its size; None when there is no bound."""
    from examgen.render.typmarkup import pieces  # which imports this module

    advances = _advances()
    if advances is None:
        return None
    total = 0.0
    for kind, src in pieces(" ".join(text.split())):
        if kind == "text":
            total += sum(advances.get(ord(ch), MISSING_EM) for ch in src)
            total += CJK_LATIN_EM * len(_JOIN.findall(src))
        else:
            per_char = MATH_EM_PER_CHAR if kind == "math" else CODE_EM_PER_CHAR
            total += per_char * len(src) + 2 * CJK_LATIN_EM
    return total


def fits(pieces: Iterable[str], room_em: float) -> bool:
    """Whether ``pieces`` set one after another on a line surely take no more than
    ``room_em``."""
    total = 0.0
    for piece in pieces:
        w = width_em(piece)
        if w is None:
            return False
        total += w
    return total <= room_em
