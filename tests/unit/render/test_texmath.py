"""LaTeX -> Typst math: conversions checked by hand, located failures, and every formula the
bank prints (drawn over several seeds) converting and compiling."""

from __future__ import annotations

import pytest

from examgen.render.texmath import TexMathError, tex_to_typst

CASES = [
    (r"\frac{a}{b}", "frac(a, b)"),
    (r"\dfrac{\partial h_{1}}{\partial h_{0}}", "display(frac(∂ h_(1), ∂ h_(0)))"),
    (r"pos = 25", '"pos" = 25'),                       # a word is upright, not p·o·s in italics
    (r"d_{\mathrm{model}}", 'd_(upright("model"))'),
    (r"10000^{2/8}", r"10000^(2 \/ 8)"),             # a slash is not a Typst fraction
    (r"\begin{bmatrix} 1 & -2 \\ 3 & 4 \end{bmatrix}", 'mat(delim: "[", 1, - 2; 3, 4)'),
    (r"\begin{bmatrix} 1 & 2 \\ \end{bmatrix}", 'mat(delim: "[", 1, 2)'),
    (r"\tau / \lVert g \rVert", r"τ \/ norm(g)"),
    (r"\mathbf{q}K^{\top}", 'upright(bold("q")) K^(⊤)'),
    (r"g' = \tilde{h}_t", "g' = tilde(h)_(t)"),
    (r"\sqrt{a, b}", r"sqrt(a \, b)"),                 # a comma never splits an argument
    (r"\{i, f\}", r"\{ i , f \}"),
    (r"a \cdot b \times c \odot d \approx 1", "a ⋅ b × c ⊙ d ≈ 1"),
    (r"\varepsilon \epsilon", "ε ϵ"),
    (r'x " \# y', r'x \" \# y'),
]


@pytest.mark.parametrize(("tex", "typ"), CASES)
def test_conversion(tex: str, typ: str) -> None:
    assert tex_to_typst(tex) == typ


@pytest.mark.parametrize(("tex", "message"), [
    (r"\frac{a}{b", "unbalanced braces: '{' is never closed"),
    (r"a}", "unbalanced braces: '}' without '{' at column 2"),
    (r"\softmax(x)", r"unknown macro '\softmax' at column 1"),
    (r"\begin{array} 1 \end{array}", "unknown environment 'array'"),
    (r"\begin{bmatrix} 1 & 2", r"\begin{...} without \end"),
    (r"\lVert x", r"unbalanced delimiters: no \rVert"),
    (r"a \\ b", "a line break"),
    (r"\frac{a}", "an argument is missing at the end"),
])
def test_failures_say_what_and_where(tex: str, message: str) -> None:
    with pytest.raises(TexMathError) as e:
        tex_to_typst(tex)
    assert message in str(e.value) and tex in str(e.value)


def test_every_bank_formula_converts_and_compiles() -> None:
    """Every formula of every template over 8 seeds: converted, then compiled by Typst in one
    document (a conversion Typst rejects fails here)."""
    from examgen.bank import load_bank
    from examgen.render import CopyRenderer
    from examgen.render.mathcheck import variant_formulas
    from examgen.rng import derive_seed
    from examgen.variants import make_variant

    formulas: set[str] = set()
    for t in load_bank().templates:
        for k in range(8):
            v = make_variant(t, derive_seed("texmath-test", t.id, k))
            formulas.update(tex for _, tex in variant_formulas(v))
    assert len(formulas) > 2000
    body = "\n\n".join(f"${tex_to_typst(f)}$" for f in sorted(formulas))
    pdf = CopyRenderer().writer.write('#import "/preamble.typ": *\n'
                                      "#show: exam-style.with()\n" + body)
    assert pdf.pages > 10
