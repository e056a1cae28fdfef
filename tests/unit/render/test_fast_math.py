"""Formulas drawn from their compiled PDF operators look the same as WeasyPrint's own SVG
rendering of the same images (rasterised and compared pixel by pixel)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from examgen.render import pdf as pdfmod
from examgen.render.fonts import FontError, find_hangul_font
from examgen.render.mathsvg import compile_svg, typeset
from examgen.render.richtext import rich

FORMULAS = [
    r"PE_{(pos,\,2i)} = \sin\!\left(pos / 10000^{2i/d_{model}}\right)",
    r"K = \begin{bmatrix} 1 & 0 & -1 \\ 0.5 & 2 & 3 \end{bmatrix}",
    r"\alpha_1 = \frac{e^{s_1}}{e^{s_1} + e^{s_2}} = 0.731",
    r"\lVert g \rVert = \sqrt{49} = 7",
    r"h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde{h}_t",
    r"\mathbf{q}K^\top/\sqrt{d_k}",
]

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")


def pgm(pdf: bytes, tmp: Path, name: str) -> np.ndarray:
    (tmp / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-gray", "-r", "110", "-f", "1", "-l", "1",
                    str(tmp / f"{name}.pdf"), str(tmp / name)], check=True)
    (out,) = tmp.glob(f"{name}*.pgm")
    data = out.read_bytes()
    parts = data.split(maxsplit=4)  # P5 width height maxval pixels
    w, h = int(parts[1]), int(parts[2])
    return np.frombuffer(parts[4][: w * h], dtype=np.uint8).reshape(h, w).astype(float)


def test_every_formula_compiles() -> None:
    for tex in FORMULAS:
        assert compile_svg(typeset(tex).svg) is not None, tex


def test_compiled_math_matches_weasyprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        font = find_hangul_font()
    except FontError as e:
        pytest.skip(str(e))
    body = "".join(f"<p style='font-size:16pt'>{rich('수식 $' + t + '$ 끝')}</p>" for t in FORMULAS)
    html = f"<html><body>{body}</body></html>"
    css = f"@page {{ size: A5; margin: 10mm }} html {{ font-family: '{font}' }}"
    fast = pdfmod.PdfWriter(css).write(html).data
    monkeypatch.setattr(pdfmod, "FAST_MATH", False)
    slow = pdfmod.PdfWriter(css).write(html).data
    assert fast != slow  # two different drawing paths really ran
    a, b = pgm(fast, tmp_path, "fast"), pgm(slow, tmp_path, "slow")
    assert a.shape == b.shape
    ink_a, ink_b = (a < 128).sum(), (b < 128).sum()
    assert ink_a > 2000  # something was drawn
    assert abs(ink_a - ink_b) / ink_b < 0.01
    assert np.abs(a - b).mean() < 1.0           # out of 255
    assert (np.abs(a - b) > 96).mean() < 0.002  # hardly any pixel differs visibly


@pytest.mark.parametrize("fast", [True, False])
def test_linked_math_gives_the_same_pdf(fast: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        font = find_hangul_font()
    except FontError as e:
        pytest.skip(str(e))
    monkeypatch.setattr(pdfmod, "FAST_MATH", fast)
    css = f"@page {{ size: A5; margin: 10mm }} html {{ font-family: '{font}' }}"

    def html(linked: bool) -> str:
        body = "".join(f"<p>{rich('수식 $' + t + '$ 끝', linked=linked)}</p>" for t in FORMULAS)
        return f"<html><body>{body}</body></html>"

    assert "examgen-math:" in html(True) and "examgen-math:" not in html(False)
    assert pdfmod.PdfWriter(css).write(html(True)).data == pdfmod.PdfWriter(css).write(html(False)).data
