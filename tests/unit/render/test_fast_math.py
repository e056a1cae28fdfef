"""Formulas drawn from their compiled PDF operators look the same as WeasyPrint's own SVG
rendering of the same images (rasterised and compared pixel by pixel)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
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


def _css() -> str:
    try:
        font = find_hangul_font()
    except FontError as e:
        pytest.skip(str(e))
    return f"@page {{ size: A5; margin: 10mm }} html {{ font-family: '{font}' }}"


def _html(linked: bool = False) -> str:
    body = "".join(f"<p style='font-size:16pt'>{rich('수식 $' + t + '$ 끝', linked=linked)}</p>"
                   for t in FORMULAS)
    return f"<html><body>{body}</body></html>"


def assert_looks_the_same(fast: bytes, slow: bytes, tmp: Path) -> None:
    assert fast != slow  # two different drawing paths really ran
    a, b = pgm(fast, tmp, "fast"), pgm(slow, tmp, "slow")
    assert a.shape == b.shape
    ink_a, ink_b = (a < 128).sum(), (b < 128).sum()
    assert ink_a > 2000  # something was drawn
    assert abs(ink_a - ink_b) / ink_b < 0.01
    assert np.abs(a - b).mean() < 1.0           # out of 255
    assert (np.abs(a - b) > 96).mean() < 0.002  # hardly any pixel differs visibly


def test_compiled_math_matches_weasyprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    css = _css()
    fast = pdfmod.PdfWriter(css).write(_html()).data
    monkeypatch.setattr(pdfmod, "FAST_MATH", False)
    slow = pdfmod.PdfWriter(css).write(_html()).data
    assert_looks_the_same(fast, slow, tmp_path)


def test_linked_math_with_shared_glyphs_matches_weasyprint(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    css = _css()
    fast = pdfmod.PdfWriter(css).write(_html(linked=True)).data
    assert b"/eg0 Do" in zlib_text(fast)  # glyph outlines are shared XObjects
    monkeypatch.setattr(pdfmod, "FAST_MATH", False)
    slow = pdfmod.PdfWriter(css).write(_html(linked=False)).data
    assert_looks_the_same(fast, slow, tmp_path)
    # without the fast path a link is just another way to pass the same SVG
    assert pdfmod.PdfWriter(css).write(_html(linked=True)).data == slow


def zlib_text(pdf: bytes) -> bytes:
    """Every Flate stream of ``pdf``, decompressed and concatenated."""
    out = []
    for m in re.finditer(rb"stream\r?\n", pdf):
        try:
            out.append(zlib.decompressobj().decompress(pdf[m.end():]))
        except zlib.error:
            continue
    return b"".join(out)
