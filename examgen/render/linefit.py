"""Whether a run of bank text surely fits on one printed line, from the Hangul font's own
advance widths: an upper bound, never an estimate that may come out short.

Keeping Korean words whole costs the compiler a box per word (:mod:`examgen.render.typmarkup`):
boxing every Korean word took about a quarter of a copy's compile time. A text that cannot
reach the end of its line cannot be broken inside a word, so an option or a key's one-line
note that fits needs no box; in a longer paragraph only the words a line can end inside need
one (:func:`line_end_words`, with lower bounds too: the narrowest advance, less the largest kerning pair).
The bound takes, per character, the widest advance over the family's files (regular and bold),
a quarter em where Hangul meets a Latin letter or digit (Typst's CJK-Latin spacing), 1.2 em for
a character the font lacks (another font draws it), a formula's ceiling
(:mod:`examgen.render.mathwidth`) and 0.7 em per character of code. Anything that cannot be
bounded (no font file readable) says "does not fit", so the words keep their boxes.
The widths are read from the font files' own tables once per process (:func:`_advances_em`).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

from examgen.render.mathwidth import math_ceiling_em, math_floor_em

__all__ = ["BI_ROOM_EM", "OPTION_ROOM_EM", "SMALL_ROOM_EM", "TEXT_ROOM_EM", "Room", "fits",
           "line_end_words", "room_em", "width_em", "word_bounds"]

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
CODE_EM_PER_CHAR = 0.7
MISSING_EM = 1.2
CJK_LATIN_EM = 0.25


@lru_cache(maxsize=1)
def _metrics() -> tuple[dict[int, float], dict[int, float]] | None:
    """Code point -> the widest and the narrowest advance (em) over the Hangul family's font
    files; None when they cannot be read."""
    try:
        from examgen.render.fonts import find_hangul_font_files

        widest: dict[int, float] = {}
        narrowest: dict[int, float] = {}
        for path in find_hangul_font_files()[1]:
            for code, w in _advances_em(path).items():
                widest[code] = max(w, widest.get(code, 0.0))
                narrowest[code] = min(w, narrowest.get(code, w))
        return (widest, narrowest) if widest else None
    except Exception:   # no readable font: nothing is said to fit
        return None


def _advances_em(path: str) -> dict[int, float]:
    """Code point -> advance width (em) of one font file, read from its ``cmap`` and
    ``hmtx`` tables by glyph index. fontTools maps code points to glyph *names*, which it
    makes up for all 34,000 glyphs of a Hangul font that stores none (0.3-0.4 s a process,
    paid by every worker of a pool); here fontTools only finds the tables, and the two
    formats Unicode fonts use (cmap formats 4 and 12) are read as the OpenType
    specification lays them out. Another cmap format falls back to fontTools."""
    import numpy as np
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as font:
        em = float(font["head"].unitsPerEm)
        n_metrics = int(font["hhea"].numberOfHMetrics)
        n_glyphs = int(font["maxp"].numGlyphs)
        hmtx = np.frombuffer(font.reader["hmtx"], dtype=">u2", count=2 * n_metrics)
        advance = np.full(n_glyphs, hmtx[-2], dtype=np.float64)   # the last advance repeats
        advance[:n_metrics] = hmtx[0::2]
        glyphs = _unicode_cmap(font.reader["cmap"])
        if glyphs is None:   # a cmap format not read here: fontTools' names
            order = {name: k for k, name in enumerate(font.getGlyphOrder())}
            glyphs = {code: order[name] for code, name in font.getBestCmap().items()}
    return {code: float(advance[g]) / em for code, g in glyphs.items() if g < n_glyphs}


_CMAP_PREFERENCE = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))  # fontTools' getBestCmap


def _unicode_cmap(data: bytes) -> dict[int, int] | None:
    """Code point -> glyph index from a raw ``cmap`` table: the Unicode subtable fontTools'
    ``getBestCmap`` would pick, if it is format 4 or 12; None otherwise."""
    (n_tables,) = struct.unpack_from(">H", data, 2)
    offsets: dict[tuple[int, int], int] = {}
    for k in range(n_tables):
        platform, encoding, offset = struct.unpack_from(">HHI", data, 4 + 8 * k)
        offsets.setdefault((platform, encoding), offset)
    best = next((offsets[key] for key in _CMAP_PREFERENCE if key in offsets), None)
    if best is None:
        return None
    (fmt,) = struct.unpack_from(">H", data, best)
    if fmt == 4:
        return _cmap_format_4(data, best)
    if fmt == 12:
        return _cmap_format_12(data, best)
    return None


def _cmap_format_4(data: bytes, at: int) -> dict[int, int]:
    """Segment mapping to delta values (OpenType cmap format 4)."""
    (seg_x2,) = struct.unpack_from(">H", data, at + 6)
    n = seg_x2 // 2
    ends = struct.unpack_from(f">{n}H", data, at + 14)
    starts = struct.unpack_from(f">{n}H", data, at + 16 + seg_x2)
    deltas = struct.unpack_from(f">{n}h", data, at + 16 + 2 * seg_x2)
    range_at = at + 16 + 3 * seg_x2          # where idRangeOffset[0] is
    ranges = struct.unpack_from(f">{n}H", data, range_at)
    out: dict[int, int] = {}
    for k, (start, end, delta, rng) in enumerate(zip(starts, ends, deltas, ranges, strict=True)):
        if start == 0xFFFF:
            continue
        for code in range(start, end + 1):
            if rng == 0:
                glyph = (code + delta) & 0xFFFF
            else:   # an offset from this idRangeOffset entry into glyphIdArray
                (glyph,) = struct.unpack_from(">H", data, range_at + 2 * k + rng
                                              + 2 * (code - start))
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                out[code] = glyph
    return out


def _cmap_format_12(data: bytes, at: int) -> dict[int, int]:
    """Segmented coverage (OpenType cmap format 12)."""
    (n_groups,) = struct.unpack_from(">I", data, at + 12)
    out: dict[int, int] = {}
    for k in range(n_groups):
        start, end, glyph = struct.unpack_from(">III", data, at + 16 + 12 * k)
        for code in range(start, min(end, 0x10FFFF) + 1):   # no code point lies beyond
            if glyph + code - start:
                out[code] = glyph + code - start
    return out


def width_em(text: str) -> float | None:
    """An upper bound of the printed width of one run of bank text (``$math$`` and `` `code` ``
    included), in ems of its size; None when there is no bound."""
    from examgen.render.typmarkup import pieces  # which imports this module

    bounds = word_bounds(tuple(pieces(" ".join(text.split()))))
    return bounds[1] if bounds is not None else None


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


# --- where a paragraph's lines can end ------------------------------------------------------
# Typst breaks a paragraph that is not justified first-fit: each line takes every word up to
# the last break opportunity that fits. A word that fits on its line whole is therefore never
# broken, so only a word that can be the first not to fit needs a box. Following the lines
# with a lower and an upper bound of every width gives, line by line, the range of words where
# the line can end; words outside every such range need no box. The ranges widen with every
# uncertain width (a formula's), and once one spans a line every later word is boxed.

Room = tuple[float, float]   # the width a paragraph's lines get, in ems: (at least, at most)

KERN_EM = 0.12   # the largest kerning pair of the Hangul fonts (NanumGothic: -0.116 em)
CODE_EM = (0.42, CODE_EM_PER_CHAR)   # DejaVu Sans Mono at 0.9 of raw's 0.8 em: 0.4335 em a character


def room_em(width_mm: float, size_pt: float, margin: float = 0.02) -> Room:
    """The room of a line ``width_mm`` wide for text of ``size_pt``, in ems, give or take
    ``margin``."""
    em = width_mm * 72 / 25.4 / size_pt
    return (em * (1 - margin), em * (1 + margin))


def _text_bounds(src: str, metrics: tuple[dict[int, float], dict[int, float]]) -> Room:
    widest, narrowest = metrics
    hi = (sum(widest.get(ord(ch), MISSING_EM) for ch in src)
          + CJK_LATIN_EM * len(_JOIN.findall(src)))
    lo = sum(narrowest.get(ord(ch), 0.0) for ch in src)
    pairs = sum(1 for a, b in pairwise(src) if a.isascii() and b.isascii())
    return (max(0.0, lo - KERN_EM * pairs), hi)


@lru_cache(maxsize=65536)
def word_bounds(pieces: tuple[tuple[str, str], ...]) -> Room | None:
    """Lower and upper bounds of the printed width of one word made of ``pieces`` (kind,
    source: "text", "math" or "code"), in ems; None when the fonts cannot be read."""
    metrics = _metrics()
    if metrics is None:
        return None
    lo = hi = 0.0
    for kind, src in pieces:
        if kind == "text":
            a, b = _text_bounds(src, metrics)
        elif kind == "math":
            a, b = math_floor_em(src), math_ceiling_em(src) + 2 * CJK_LATIN_EM
        else:
            a, b = CODE_EM[0] * len(src), CODE_EM[1] * len(src) + 2 * CJK_LATIN_EM
        lo, hi = lo + a, hi + b
    return (lo, hi)


def line_end_words(bounds: list[Room], room: Room,
                   splittable: list[bool] | None = None) -> list[bool]:
    """For words of the given width bounds set in a paragraph with lines of ``room``, whether
    each may be the first word that does not fit on some line (and so needs a box to stay
    whole). The space between words is the Hangul font's. A ``splittable`` word is one a line
    may end inside even so (a formula Typst breaks after an operator, a hyphenated word): once
    one may be the first not to fit, where the next lines start is not known, and every later
    word is marked."""
    n = len(bounds)
    metrics = _metrics()
    if metrics is None:
        return [True] * n
    risky = [False] * n
    space = _text_bounds(" ", metrics)
    first, last = 0, 0     # the words a line can start with
    while first < n:
        end_lo = _last_fitting(bounds, first, room[0], 1, space[1])
        if end_lo == n - 1:     # from its earliest start the rest surely fits
            break
        end_hi = _last_fitting(bounds, last, room[1], 0, space[0])
        at_end = range(end_lo + 1, min(end_hi + 1, n - 1) + 1)
        if splittable is not None and any(splittable[k] for k in at_end):
            return risky[:end_lo + 1] + [True] * (n - end_lo - 1)
        for k in at_end:
            risky[k] = True
        first, last = max(end_lo + 1, first + 1), min(max(end_hi + 1, last + 1), n - 1)
        last = max(last, first)
    return risky


def _last_fitting(bounds: list[Room], start: int, room: float, which: int,
                  space: float) -> int:
    """The last word that fits on a line starting with word ``start`` (``start - 1`` if none
    does), with the lower (``which`` 0) or upper (1) bounds."""
    width = 0.0
    end = start - 1
    for k in range(start, len(bounds)):
        width += bounds[k][which] + (space if k > start else 0.0)
        if width > room:
            break
        end = k
    return end
