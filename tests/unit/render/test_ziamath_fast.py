"""The ziamath speed-ups change nothing in the SVG it writes, and ``examgen-math:`` links give
the same PDF as self-contained data URIs."""

from __future__ import annotations

import pytest

from examgen.render import ziamath_fast
from examgen.render.mathsvg import RENDER_SIZE

FORMULAS = [
    r"PE_{(pos,\,2i)} = \sin\!\left(pos / 10000^{2i/d_{model}}\right)",
    r"K = \begin{bmatrix} 1 & 0 & -1 \\ 0.5 & 2 & 3 \end{bmatrix}",
    r"\alpha_1 = \frac{e^{s_1}}{e^{s_1} + e^{s_2}} = 0.731",
    r"\lVert g \rVert = \sqrt{49} = 7",
    r"h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde{h}_t",
    r"\mathbf{q}K^\top/\sqrt{d_k}",
    r"\left( \frac{a}{b} \right)^{2} + \left| x_{i} \right| = \left[ \sum_{j=1}^{n} w_j \right]",
    r"\operatorname{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right)V",
    r"\frac{\partial L}{\partial h_{t-1}} = \prod_{k=t}^{T} \tanh'(a_k)\, W^\top",
    r"c_t = f_t \odot c_{t-1} + i_t \odot g_t,\quad h_t = o_t \odot \tanh(c_t)",
    r"\{ 1, 2 \} \cup \langle a, b \rangle",
    r"x = \begin{pmatrix} \frac{1}{2} \\ -3.25 \end{pmatrix}",
]


def _svg(tex: str, display: bool) -> str:
    import ziamath

    ziamath.config.svg2 = False
    return str(ziamath.Latex(tex, size=RENDER_SIZE, inline=not display).svg())


@pytest.mark.parametrize("display", [False, True])
def test_speedups_write_the_same_svg(display: bool) -> None:
    ziamath_fast.uninstall()
    try:
        plain = [_svg(tex, display) for tex in FORMULAS]
    finally:
        ziamath_fast.install()
    assert [_svg(tex, display) for tex in FORMULAS] == plain
