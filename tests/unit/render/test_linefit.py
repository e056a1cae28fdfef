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
from examgen.render.linefit import fits, width_em
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
    # a formula: 1.1 em per character of its source, spacing on both sides
    assert width_em("$h_t$") == pytest.approx(1.1 * 3 + 0.5)
    assert width_em("a   b") == width_em("a b")          # whitespace as printed: one space
    assert fits(["가" * 40], 38.0) and not fits(["가" * 41], 38.0)


def test_a_run_that_fits_keeps_its_words_without_boxes() -> None:
    short = "입력은 이미지 하나뿐이다."
    assert "#box" in inline(short) and "#box" not in inline(short, True)
    long_step = "가나다라 " * 12
    steps = rich(f"{short}\n{long_step}", steps=True, room=39.0)
    first, second = steps.split(" \\\n")
    assert "#box" not in first and "#box" in second   # each step measured on its own


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
