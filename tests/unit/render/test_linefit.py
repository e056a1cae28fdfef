"""Runs the templates set without word boxes (they surely fit on their line): the bound is an
upper bound, and over the whole bank, exam and key, no Korean word is split at a line end."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from examgen.bank import load_bank
from examgen.model import ExamCopy, ExamHeader, ExamQuestion, ExamSection, Student, Text
from examgen.render import CopyRenderer
from examgen.render.linefit import fits, line_end_words, room_em, width_em
from examgen.render.mathwidth import math_floor_em
from examgen.render.typmarkup import inline, rich
from examgen.variants import make_variant
from tests.unit.render.test_typst_print import line_breaks_inside_words, pdf_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) not installed")


def test_the_bound_counts_every_piece() -> None:
    # NanumGothic: a syllable 0.94 em, a space 0.28 em, "W" 1.029 em
    assert width_em("가") == pytest.approx(0.94)
    assert width_em("가 나") == pytest.approx(0.94 * 2 + 0.28)
    # a quarter em where Hangul meets a Latin letter (Typst's CJK-Latin spacing)
    assert width_em("W가") == pytest.approx(1.029 + 0.94 + 0.25)
    # a formula: its ceiling (1.1 em a letter, a script's too), spacing on both sides
    assert width_em("$h_t$") == pytest.approx(1.1 * 2 + 0.5)
    assert width_em("a   b") == width_em("a b")          # whitespace as printed: one space
    assert fits(["가" * 40], 38.0) and not fits(["가" * 41], 38.0)


def test_a_run_that_fits_keeps_its_words_without_boxes() -> None:
    short = "입력은 이미지 하나뿐이다."
    assert "#box" in inline(short) and "#box" not in inline(short, True)
    long_step = "가나다라 " * 12
    steps = rich(f"{short}\n{long_step}", steps=True, room=39.0)
    first, second = steps.split(" \\\n")
    assert "#box" not in first and "#box" in second   # each step measured on its own


SPACE = 0.28   # NanumGothic's space, in ems


def test_only_the_words_a_line_can_end_inside_are_marked() -> None:
    # 20 words of exactly 1 em, lines of 10 em: 8 words and 7 spaces take 9.96 em, so every
    # line holds 8 words and the 9th (indexes 8 and 16) is the first that does not fit
    marked = line_end_words([(1.0, 1.0)] * 20, (10.0, 10.0))
    assert [k for k, m in enumerate(marked) if m] == [8, 16]
    # word 3 is between 0.5 and 1.5 em. With the upper bounds, 7 words take 9.18 em and 8
    # words 10.46, so the first line holds at least words 0-6; with the lower bounds 8 words
    # take 9.46 em and 9 words 10.74, so it holds at most words 0-7: the first word that does
    # not fit is 7 or 8. The second line starts with one of them and holds 8 words: the
    # first that does not fit is 15 or 16. From the earliest third start, 15, the last 5
    # words surely fit.
    bounds = [(1.0, 1.0)] * 20
    bounds[3] = (0.5, 1.5)
    marked = line_end_words(bounds, (10.0, 10.0))
    assert [k for k, m in enumerate(marked) if m] == [7, 8, 15, 16]
    assert not any(line_end_words([(1.0, 1.0)] * 8, (10.0, 10.0)))   # one line: no box
    # a word wider than the line is marked (it overflows a line of its own, as it did before)
    assert line_end_words([(1.0, 1.0), (12.0, 12.0), (1.0, 1.0)], (10.0, 10.0)) == \
        [False, True, False]
    # a word that may break inside even so (a formula, a hyphen) at a possible line end: the
    # next lines may start inside it, so every word from the first possible end on is marked
    splittable = [k == 8 for k in range(20)]
    marked = line_end_words(bounds, (10.0, 10.0), splittable)
    assert [k for k, m in enumerate(marked) if m] == list(range(7, 20))
    assert line_end_words(bounds, (10.0, 10.0), [k == 12 for k in range(20)]) == \
        line_end_words(bounds, (10.0, 10.0))        # word 12 is never at a line end


def test_the_room_is_the_width_in_ems_of_the_text_size() -> None:
    lo, hi = room_em(25.4, 10.0, margin=0.0)    # one inch at 10 pt: 7.2 em
    assert lo == pytest.approx(7.2) and hi == pytest.approx(7.2)
    lo, hi = room_em(25.4, 10.0)
    assert lo < 7.2 < hi


def test_a_formula_is_at_least_as_wide_as_what_is_on_its_base_line() -> None:
    # a letter 0.25 em, a digit 0.5, an operator 0.7, a parenthesis 0.35 (not in a script)
    assert math_floor_em("x_t + W") == pytest.approx(0.25 + 0.7 + 0.25)
    assert math_floor_em("10^{-3}") == pytest.approx(2 * 0.5)
    # not a command's name, nor what may be its argument (here the "(")
    assert math_floor_em(r"\sigma(W x)") == pytest.approx(0.25 + 0.25 + 0.35)
    assert math_floor_em(r"\tilde c_t") == 0.0
    assert math_floor_em(r"a\!b") == pytest.approx(0.25 - 0.17)    # a negative space; b may be its argument
    # stacked rows count nothing
    assert math_floor_em(r"\frac{a}{b}") == 0.0
    assert math_floor_em(r"\begin{bmatrix} 1 & 2 \end{bmatrix}") == 0.0
    assert math_floor_em(r"a \over b") == 0.0


def test_a_long_paragraph_boxes_only_words_near_its_line_ends() -> None:
    paragraph = "가나다 " * 60           # 60 words of 3 syllables: 14 or 15 on a line of 166 mm
    boxed = rich(paragraph, room=room_em(166, 10)).count("#box[")
    assert 0 < boxed <= 20
    assert rich(paragraph).count("#box[") == 60


def bank_texts(v: object) -> list[str]:
    """Every Korean text of a variant that the templates print (prompts, options, references,
    wrong answers, misconceptions, solution, explanation)."""
    texts = [v.prompt.ko, v.solution.ko if v.solution else "",      # type: ignore[attr-defined]
             v.explanation.ko if v.explanation else ""]             # type: ignore[attr-defined]
    for p in v.parts:                                               # type: ignore[attr-defined]
        texts += [p.prompt.ko if p.prompt else ""]
        texts += [o.text.ko for o in p.options]
        texts += [m.description.ko for m in p.misconceptions]
        texts += [r.ko for r in p.references]
        texts += [w.text for w in p.wrong_answers] + [w.why.ko for w in p.wrong_answers]
    return [t for t in texts if t]


def source_words(texts: list[str]) -> set[str]:
    words: set[str] = set()
    for t in texts:
        words.update(re.sub(r"\$[^$]*\$|`[^`]*`", " ", t).split())
    return words


@pytest.mark.parametrize("language", ["ko", "both"])
def test_no_word_of_the_whole_bank_is_split_at_a_line_end(language: str,
                                                         tmp_path: Path) -> None:
    """Every question of the bank (two seeds each) in one exam and its key: the runs printed
    without boxes, and those with, break only between words."""
    bank = load_bank()
    questions, texts = [], []
    for k, t in enumerate(bank.templates * 2):
        v = make_variant(t, 1000 + k)
        questions.append(ExamQuestion(k + 1, f"Q{k + 1}", t.id, v.seed or 0, v))
        texts += bank_texts(v)
    copy = ExamCopy("bank", Student("20260000", "학생", 1), None,
                    (ExamSection(Text("전체", "All"), tuple(questions)),))
    header = ExamHeader(title=Text("문제 은행", "Bank"), course=Text("과목", "Course"),
                        date="", duration=0, instructions=None, language=language)
    rendered = CopyRenderer().render(copy, header)
    words = source_words(texts)
    for pdf in (rendered.exam, rendered.key):
        text = pdf_text(pdf, tmp_path)
        assert line_breaks_inside_words(text, words) == []
    assert rendered.key_pages > 40


def _font_with(cmap: dict[int, str], tmp_path: Path) -> Path:
    """A small TrueType font (1000 units to the em) with ``cmap``, whose glyph ``gN`` is
    10 * N + 5 units wide up to g250 and 2505 units from there on."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef", *(f"g{k}" for k in range(1, 300))]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap(cmap)
    empty = TTGlyphPen(None).glyph()
    fb.setupGlyf({name: empty for name in names})
    # the last 50 glyphs share the last advance (hmtx stores it once)
    fb.setupHorizontalMetrics({name: (10 * min(k, 250) + 5, 0) for k, name in enumerate(names)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupOS2()
    fb.setupPost()
    path = tmp_path / "t.ttf"
    fb.save(str(path))
    return path


@pytest.mark.parametrize("codes", [
    # scattered code points and glyphs: format 4 segments read through idRangeOffset
    {0x41: "g3", 0x42: "g1", 0x43: "g7", 0xAC00: "g200", 0xAC01: "g5", 0xAC02: "g299",
     0xD7A3: "g260"},
    # runs of consecutive glyphs (idDelta), and code points past the BMP (format 12)
    {**{0xAC00 + k: f"g{10 + k}" for k in range(120)}, 0x1F600: "g2", 0x20000: "g280"},
])
def test_the_advance_widths_are_the_fonts_own(codes: dict[int, str], tmp_path: Path) -> None:
    """The widths linefit reads from the raw tables are those fontTools gives by name."""
    from fontTools.ttLib import TTFont

    from examgen.render.linefit import _advances_em

    path = _font_with(codes, tmp_path)
    with TTFont(str(path)) as font:
        metrics = font["hmtx"].metrics
        expected = {code: metrics[name][0] / 1000 for code, name in font.getBestCmap().items()}
    assert expected == {code: (10 * min(int(name[1:]), 250) + 5) / 1000
                        for code, name in codes.items()}
    assert _advances_em(str(path)) == expected


def test_the_hangul_fonts_widths_are_those_fonttools_reads() -> None:
    from fontTools.ttLib import TTFont

    from examgen.render.fonts import find_hangul_font_files
    from examgen.render.linefit import _advances_em

    for path in find_hangul_font_files()[1]:
        with TTFont(path) as font:
            em = font["head"].unitsPerEm
            metrics = font["hmtx"].metrics
            expected = {code: metrics[g][0] / em for code, g in font.getBestCmap().items()}
        assert _advances_em(path) == expected
