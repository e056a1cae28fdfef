"""The width bounds that decide which Korean words need a box (examgen.render.linefit and
.mathwidth), checked against the widths Typst itself measures, in the documents' own style,
for every formula and every word the bank prints (three variants of each question)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import typst

from examgen.bank import load_bank
from examgen.render.fonts import find_hangul_font_dir
from examgen.render.linefit import word_bounds
from examgen.render.mathcheck import variant_formulas
from examgen.render.mathwidth import math_ceiling_em, math_floor_em
from examgen.render.typmarkup import _string, escape, math
from examgen.render.typsource import PREAMBLE, TEMPLATES_DIR
from examgen.variants import make_variant
from tests.unit.render.test_linefit import bank_texts

SEEDS = 3


def measured_em(markup: list[str], folder: Path) -> list[float]:
    """Typst's width of each piece of markup set in a Korean document's body text (10 pt), in
    ems."""
    shutil.copyfile(TEMPLATES_DIR / PREAMBLE, folder / "preamble.typ")
    body = "\n".join(f"#context [#metadata(measure([{m}]).width / 1pt) <w>]" for m in markup)
    (folder / "main.typ").write_text('#import "/preamble.typ": *\n#show: exam-style.with()\n'
                                     + body, encoding="utf-8")
    family, fonts = find_hangul_font_dir()
    compiler = typst.Compiler(str(folder / "main.typ"), root=str(folder), font_paths=[fonts],
                              ignore_system_fonts=True, sys_inputs={"hangul-font": family})
    return [w / 10 for w in json.loads(compiler.query("<w>", field="value"))]


@pytest.fixture(scope="module")
def bank_variants() -> list[object]:
    bank = load_bank()
    return [make_variant(t, 7000 + 37 * k + s)
            for k, t in enumerate(bank.templates) for s in range(SEEDS)]


def test_every_formula_of_the_bank_prints_within_its_bounds(bank_variants: list[object],
                                                            tmp_path: Path) -> None:
    # (a short answer's reference is checked as a formula too: not one, it is left out)
    formulas = sorted({" ".join(tex.split()) for v in bank_variants
                       for _, tex in variant_formulas(v)          # type: ignore[arg-type]
                       if "$" not in tex and not re.search("[가-힣]", tex)})
    assert len(formulas) > 1500
    widths = measured_em([math(f) for f in formulas], tmp_path)
    below = [(f, w) for f, w in zip(formulas, widths, strict=True) if math_floor_em(f) > w]
    above = [(f, w) for f, w in zip(formulas, widths, strict=True) if math_ceiling_em(f) < w]
    assert below == [] and above == []
    # and the ceiling is a useful one: on average less than twice the width
    mean = sum(math_ceiling_em(f) / w for f, w in zip(formulas, widths, strict=True)
               if w > 0) / len(formulas)
    assert mean < 2.0


def test_every_word_and_code_of_the_bank_prints_within_its_bounds(
        bank_variants: list[object], tmp_path: Path) -> None:
    texts = [t for v in bank_variants for t in bank_texts(v)]
    words = sorted({w for t in texts for w in re.sub(r"\$[^$]*\$|`[^`]*`", " ", t).split()})
    code = sorted({c for t in texts for c in re.findall(r"`([^`]+)`", t)})
    assert len(words) > 2000 and len(code) > 20
    pieces = [("text", w) for w in words] + [("code", c) for c in code]
    widths = measured_em([escape(w) for w in words] + [f"#raw({_string(c)})" for c in code],
                         tmp_path)
    outside = []
    for piece, width in zip(pieces, widths, strict=True):
        lo, hi = word_bounds((piece,)) or (0.0, 0.0)
        if not lo - 1e-6 <= width <= hi + 1e-6:
            outside.append((piece, lo, width, hi))
    assert outside == []
